//! Racing publications against one app: every attempt ends either published with a unique
//! version or with 409; history stays linear and no version is lost or duplicated.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::StatusCode;
use common::{assert_fsck_clean, git, workflow, Env};
use serde_json::json;

const KEY: &str = "wettlauf";

#[derive(Debug)]
enum Outcome {
    Published(String),
    Conflict,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racing_publications_of_one_workflow() {
    let env = Arc::new(Env::new());
    let u = env.users().await;
    env.publish(
        &u.editor,
        &u.reviewer,
        &workflow(KEY, "Ausgangsfassung"),
        "",
    )
    .await;
    let (editor, reviewers) = (u.editor.clone(), [u.reviewer.clone(), u.admin.clone()]);

    let mut tasks = Vec::new();
    for i in 0..50 {
        let env = env.clone();
        let editor = editor.clone();
        let reviewer = reviewers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let draft = env
                .draft(&editor, &workflow(KEY, &format!("Variante {i}")))
                .await;
            let r = env.request(&editor, &draft, &format!("Variante {i}")).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            let id = r.json()["id"].as_str().unwrap().to_string();
            let r = env
                .post(
                    &format!("/api/publications/{id}/approve"),
                    Some(&reviewer),
                    json!({}),
                )
                .await;
            match r.status {
                StatusCode::OK => Outcome::Published(
                    r.json()["published"]["version"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                ),
                StatusCode::CONFLICT => {
                    assert_eq!(r.header("content-type"), "application/problem+json");
                    assert!(
                        r.json()["detail"].as_str().unwrap().contains("Version"),
                        "{}",
                        r.text
                    );
                    Outcome::Conflict
                }
                other => panic!("unexpected {other}: {}", r.text),
            }
        }));
    }
    let mut published = Vec::new();
    let mut conflicts = 0;
    for t in tasks {
        match t.await.unwrap() {
            Outcome::Published(v) => published.push(v),
            Outcome::Conflict => conflicts += 1,
        }
    }
    eprintln!(
        "{} published ({published:?}), {conflicts} conflicts",
        published.len()
    );
    assert_eq!(published.len() + conflicts, 50);
    assert!(!published.is_empty());
    let unique: BTreeSet<&String> = published.iter().collect();
    assert_eq!(
        unique.len(),
        published.len(),
        "duplicate versions: {published:?}"
    );
    // Each publish was a patch on the one before: 1.0.1, 1.0.2, … with no gap.
    let mut numbers: Vec<u64> = published
        .iter()
        .map(|v| v.strip_prefix("1.0.").unwrap().parse().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=published.len() as u64).collect::<Vec<_>>());

    // The API and the repository agree.
    let versions = env
        .get(&format!("/api/workflows/{KEY}/versions"), None)
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 1 + published.len());
    let latest = env.get(&format!("/api/workflows/{KEY}"), None).await.json();
    assert_eq!(latest["version"], format!("1.0.{}", published.len()));

    let catalog = env.catalog();
    let dir = catalog.to_str().unwrap();
    let count: usize = git(&["--git-dir", dir, "rev-list", "--count", "main"])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        count,
        1 + fachwerk_backend::repo::seed_count() + 1 + published.len()
    );
    let parents = git(&["--git-dir", dir, "rev-list", "--parents", "main"]);
    assert!(
        parents.lines().all(|l| l.split(' ').count() <= 2),
        "history is not linear"
    );
    let tags = git(&["--git-dir", dir, "tag", "--list", &format!("{KEY}/*")]);
    assert_eq!(tags.lines().count(), 1 + published.len());
    for v in &published {
        let tagged = git(&[
            "--git-dir",
            dir,
            "rev-parse",
            &format!("{KEY}/v{v}^{{commit}}"),
        ]);
        git(&[
            "--git-dir",
            dir,
            "merge-base",
            "--is-ancestor",
            tagged.trim(),
            "main",
        ]);
    }
    assert_fsck_clean(&catalog);

    // Stored requests: the winners are published, the rest outdated; none left pending.
    let all = env.state.publications.all().await.unwrap();
    let statuses: Vec<String> = all
        .iter()
        .map(|p| {
            serde_json::to_value(p.status)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "published").count(),
        1 + published.len()
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "outdated").count(),
        conflicts
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_approvals_of_one_request_publish_once() {
    let env = Arc::new(Env::new());
    let u = env.users().await;
    let draft = env.draft(&u.editor, &workflow("doppelt", "x")).await;
    let id = env.request(&u.editor, &draft, "").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (env, id) = (env.clone(), id.clone());
        let token = if i % 2 == 0 {
            u.reviewer.clone()
        } else {
            u.admin.clone()
        };
        tasks.push(tokio::spawn(async move {
            env.post(
                &format!("/api/publications/{id}/approve"),
                Some(&token),
                json!({}),
            )
            .await
            .status
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    let tags = git(&[
        "--git-dir",
        env.catalog().to_str().unwrap(),
        "tag",
        "--list",
        "doppelt/*",
    ]);
    assert_eq!(tags.trim(), "doppelt/v1.0.0");
}
