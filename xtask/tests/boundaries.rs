//! The crate boundaries of ARCHITECTURE.md, read from `cargo metadata` and the sources: `shared`
//! stays pure (no UI framework, no server, no async runtime, no git, no database, no network),
//! frontend and backend never depend on each other, the frontend's native core knows no UI
//! framework, and only the backend's `repo` module touches git. A forbidden dependency — direct
//! or transitive, for any target — fails these tests.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Crates that do IO or belong to one side only; `shared` must reach none of them.
const FORBIDDEN_IN_SHARED: &[&str] = &[
    "leptos",
    "leptos_dom",
    "web-sys",
    "js-sys",
    "gloo-net",
    "gloo-timers",
    "axum",
    "hyper",
    "tower",
    "tower-http",
    "tokio",
    "mio",
    "git2",
    "libgit2-sys",
    "reqwest",
    "sqlx",
    "sqlx-core",
    "libsqlite3-sys",
    "tokio-postgres",
    "lettre",
    "openidconnect",
    "fachwerk-backend",
    "fachwerk-frontend",
];

struct Graph {
    /// package id → name
    names: BTreeMap<String, String>,
    /// package id → ids of its normal (non-dev, non-build) dependencies
    normal_deps: BTreeMap<String, Vec<String>>,
    /// (package name, dependency name) → the platforms (`cfg(...)`) the dependency is limited
    /// to; `None` for a dependency on every platform.
    platforms: BTreeMap<(String, String), Vec<Option<String>>>,
}

fn metadata() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let platforms = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let pkg = p["name"].as_str().unwrap().to_string();
            p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(move |d| {
                    (
                        (pkg.clone(), d["name"].as_str().unwrap().to_string()),
                        d["target"].as_str().map(str::to_string),
                    )
                })
        })
        .fold(BTreeMap::new(), |mut m: BTreeMap<_, Vec<_>>, (k, t)| {
            m.entry(k).or_default().push(t);
            m
        });
    let normal_deps = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| d["pkg"].as_str().unwrap().to_string())
                .collect();
            (n["id"].as_str().unwrap().to_string(), deps)
        })
        .collect();
    Graph {
        names,
        normal_deps,
        platforms,
    }
}

impl Graph {
    fn id_of(&self, name: &str) -> &str {
        self.names
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(id, _)| id.as_str())
            .unwrap_or_else(|| panic!("no package {name} in the workspace"))
    }

    /// Names of every package reachable from `name` through normal dependencies.
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![self.id_of(name).to_string()];
        while let Some(id) = todo.pop() {
            for dep in self.normal_deps.get(&id).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    todo.push(dep.clone());
                }
            }
        }
        seen.into_iter().map(|id| self.names[&id].clone()).collect()
    }
}

#[test]
fn shared_depends_on_nothing_that_does_io() {
    let reached = metadata().closure("fachwerk-shared");
    let bad: Vec<&&str> = FORBIDDEN_IN_SHARED
        .iter()
        .filter(|f| reached.contains(**f))
        .collect();
    assert!(bad.is_empty(), "fachwerk-shared reaches {bad:?}");
    assert!(reached.contains("serde"), "the closure was not computed");
}

#[test]
fn frontend_and_backend_do_not_depend_on_each_other() {
    let graph = metadata();
    let frontend = graph.closure("fachwerk-frontend");
    let backend = graph.closure("fachwerk-backend");
    assert!(frontend.contains("fachwerk-shared") && backend.contains("fachwerk-shared"));
    assert!(
        !frontend.contains("fachwerk-backend"),
        "frontend depends on the backend"
    );
    assert!(
        !backend.contains("fachwerk-frontend"),
        "backend depends on the frontend"
    );
    // (tokio is no sign: wasm-bindgen-futures lists it for a wasm threads target.)
    for side_only in ["axum", "hyper", "git2"] {
        assert!(
            !frontend.contains(side_only),
            "frontend reaches {side_only}"
        );
    }
    assert!(!backend.contains("leptos"), "backend reaches leptos");
}

#[test]
fn the_frontend_core_builds_natively_without_a_ui_framework() {
    let graph = metadata();
    for ui in ["leptos", "web-sys", "gloo-net"] {
        let targets = graph
            .platforms
            .get(&("fachwerk-frontend".to_string(), ui.to_string()))
            .unwrap_or_else(|| panic!("the frontend no longer uses {ui}"));
        assert!(
            targets
                .iter()
                .all(|t| t.as_deref() == Some("cfg(target_arch = \"wasm32\")")),
            "{ui} must be a wasm32-only dependency of the frontend (its pure core is tested \
             natively), found {targets:?}"
        );
    }
}

#[test]
fn only_the_repo_module_touches_git() {
    let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../backend/src"));
    let mut offenders = Vec::new();
    let mut todo = vec![src.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            let in_repo = path.starts_with(src.join("repo"));
            if !in_repo && (text.contains("git2::") || text.contains("Command::new(\"git\")")) {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(seen > 10, "backend sources not found");
    assert!(
        offenders.is_empty(),
        "git outside backend/src/repo: {offenders:?}"
    );
}
