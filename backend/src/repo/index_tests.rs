//! The incremental publish (catalogue list from `index.rs`, folders written once by
//! `tree::write_files`) gives exactly the commit tree of a full rebuild: every `workflow.json`
//! re-read and every file written one by one onto the parent's tree.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use fachwerk_shared::Workflow;
use git2::{ObjectType, Oid, Repository, Tree};

use super::plan::{self, CatalogueState, Publish};
use super::render::{CatalogMeta, Entry};
use super::seeds::seed_workflows;
use super::tree::read_text;
use super::Repo;
use crate::fsutil;

/// The reference: every `workflows/<key>/workflow.json` read and parsed.
fn scan_entries(git: &Repository, root: &Tree<'_>) -> Vec<Entry> {
    let Some(workflows) = root
        .get_name("workflows")
        .map(|e| git.find_tree(e.id()).unwrap())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in workflows.iter() {
        let key = e.name().unwrap().to_string();
        let Some(text) = read_text(git, &workflows, &format!("{key}/workflow.json")).unwrap()
        else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        out.push(Entry {
            key,
            name: s("name"),
            version: s("version"),
            description: s("description"),
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// The reference writer: one file at a time, every folder on its path rewritten.
fn write_one(git: &Repository, tree: Option<&Tree<'_>>, path: &[&str], blob: Option<Oid>) -> Oid {
    let mut builder = git.treebuilder(tree).unwrap();
    match path {
        [name] => match blob {
            Some(b) => {
                builder.insert(name, b, 0o100_644).unwrap();
            }
            None => {
                if builder.get(name).unwrap().is_some() {
                    builder.remove(name).unwrap();
                }
            }
        },
        [name, rest @ ..] => {
            let sub = tree
                .and_then(|t| t.get_name(name))
                .filter(|e| e.kind() == Some(ObjectType::Tree))
                .map(|e| git.find_tree(e.id()).unwrap());
            let id = write_one(git, sub.as_ref(), rest, blob);
            if git.find_tree(id).unwrap().is_empty() {
                if builder.get(name).unwrap().is_some() {
                    builder.remove(name).unwrap();
                }
            } else {
                builder.insert(name, id, 0o040_000).unwrap();
            }
        }
        [] => unreachable!("empty path"),
    }
    builder.write().unwrap()
}

/// The tree a full rebuild gives for publishing `p` onto the parent of `commit` (dated like
/// `commit`).
fn full_rebuild(path: &Path, meta: &CatalogMeta, commit: &str, p: &Publish<'_>) -> Oid {
    let git = Repository::open(path).unwrap();
    let commit = git.find_commit(Oid::from_str(commit).unwrap()).unwrap();
    let parent = commit.parent(0).unwrap().tree().unwrap();
    let w = p.workflow;
    let dir = format!("workflows/{}", w.key);
    let current_version = read_text(&git, &parent, &format!("{dir}/workflow.json"))
        .unwrap()
        .map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap())
        .and_then(|v| v["version"].as_str().map(String::from));
    let state = CatalogueState {
        current_version,
        tag_exists: false,
        workflow_changelog: read_text(&git, &parent, &format!("{dir}/CHANGELOG.md")).unwrap(),
        catalogue_changelog: read_text(&git, &parent, "CHANGELOG.md").unwrap(),
        entries: scan_entries(&git, &parent),
        form_files: super::tree::file_names(&git, &parent, &format!("{dir}/forms")).unwrap(),
    };
    let date = fsutil::date(commit.committer().when().seconds());
    let planned = plan::plan(meta, p, &state, &date).unwrap();
    let mut root = parent.id();
    for (file, content) in &planned.files {
        let blob = content.as_ref().map(|c| git.blob(c.as_bytes()).unwrap());
        let parts: Vec<&str> = file.split('/').collect();
        let tree = git.find_tree(root).unwrap();
        root = write_one(&git, Some(&tree), &parts, blob);
    }
    root
}

fn workflow(key: &str, version: &str, description: &str) -> Workflow {
    let mut w = seed_workflows().into_iter().next().unwrap();
    w.key = key.into();
    w.name = format!("Ablauf {key}");
    w.version = version.into();
    w.description = description.into();
    w
}

/// Publishes `w` through `repo` and checks the commit against a full rebuild.
fn publish_and_compare(repo: &Repo, w: &Workflow, base: Option<&str>) {
    let changes = vec![format!("Fassung {}.", w.version)];
    let p = Publish {
        workflow: w,
        base_version: base,
        requester: "erika",
        approver: "rudi",
        note: "Vergleich mit dem vollständigen Neuaufbau",
        changes: &changes,
        publication_id: Some("antrag"),
    };
    let published = repo.publish(&p).unwrap();
    let git = Repository::open(repo.path()).unwrap();
    let tree = git
        .find_commit(Oid::from_str(&published.commit).unwrap())
        .unwrap()
        .tree_id();
    let expected = full_rebuild(repo.path(), &repo.meta, &published.commit, &p);
    assert_eq!(
        tree, expected,
        "{}: incremental tree differs from the full rebuild",
        published.tag
    );
}

#[test]
fn incremental_publishes_equal_full_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.git");
    let repo = Repo::open_or_init(&path, CatalogMeta::default()).unwrap();
    // A second handle on the same repository: another process whose list lags behind.
    let other = Repo::open_or_init(&path, CatalogMeta::default()).unwrap();
    assert_eq!(other.list().unwrap().len(), seed_workflows().len());

    // A catalogue with many entries, built by new workflows (keys sort before and after the
    // templates' keys).
    const MANY: usize = 150;
    for i in 0..MANY {
        let key = if i % 2 == 0 {
            format!("a-ablauf-{i:03}")
        } else {
            format!("z-ablauf-{i:03}")
        };
        publish_and_compare(&repo, &workflow(&key, "1.0.0", "Erste Fassung"), None);
    }
    // New versions of existing workflows, alternating between the two handles, and a new
    // workflow from the lagging one.
    for (n, key) in [
        "a-ablauf-000",
        "z-ablauf-149",
        "a-ablauf-074",
        "a-ablauf-000",
    ]
    .iter()
    .enumerate()
    {
        let handle = if n % 2 == 0 { &repo } else { &other };
        let current = handle.latest(key).unwrap().unwrap();
        let current: Workflow = fachwerk_shared::parse_workflow(&current).unwrap();
        let next = format!("1.{}.0", n + 1);
        let w = workflow(key, &next, &format!("Fassung {n}"));
        publish_and_compare(handle, &w, Some(&current.version));
    }
    publish_and_compare(&other, &workflow("m-neu", "1.0.0", "neu"), None);

    // Both handles list what a full scan lists.
    let git = Repository::open(&path).unwrap();
    let head = git
        .find_reference(super::MAIN)
        .unwrap()
        .peel_to_tree()
        .unwrap();
    let expected = scan_entries(&git, &head);
    assert_eq!(expected.len(), seed_workflows().len() + MANY + 1);
    assert_eq!(repo.list().unwrap(), expected);
    assert_eq!(other.list().unwrap(), expected);
    let updated = expected.iter().find(|e| e.key == "a-ablauf-000").unwrap();
    assert_eq!(updated.version, "1.4.0");
    assert_eq!(updated.description, "Fassung 3");
}
