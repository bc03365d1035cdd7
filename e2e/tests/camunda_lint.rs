//! The executable BPMN exports against Camunda's own tooling: every template (plus the
//! fixture with all 15 blocks) is exported with `to_bpmn_for` for Camunda 7 and Camunda 8 and
//! checked by `e2e/interop/camunda-check.mjs`: the vendor's moddle extension parses it with 0
//! warnings, `bpmnlint-plugin-camunda-compat` (camunda-platform-7-24; camunda-cloud-8-8 and
//! 8-10) reports 0 errors.
//!
//! Needs node ≥ 20 and the npm packages of xtask's `NODE_PEERS` in `<workspace>/.tools/node`
//! (or `NODE_PATH` pointing at such a `node_modules`).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use fachwerk_shared::bpmn::{to_bpmn_for, Engine};
use fachwerk_shared::parse_workflow;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn node_modules(root: &Path) -> PathBuf {
    std::env::var_os("NODE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".tools/node/node_modules"))
}

#[test]
fn executable_exports_pass_the_camunda_linters() {
    let root = workspace();
    let modules = node_modules(&root);
    for pkg in [
        "bpmnlint-plugin-camunda-compat",
        "camunda-bpmn-moddle",
        "zeebe-bpmn-moddle",
    ] {
        assert!(
            modules.join(pkg).is_dir(),
            "{} missing: cargo xtask installs NODE_PEERS into .tools/node",
            modules.join(pkg).display()
        );
    }
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root.join("workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    sources.sort();
    assert!(!sources.is_empty(), "no templates in workflows/");
    sources.push(root.join("shared/tests/fixtures/bpmn/alle-bausteine.json"));

    let dir = tempfile::tempdir().unwrap();
    for (engine, name) in [
        (Engine::Camunda7, "camunda7"),
        (Engine::Camunda8, "camunda8"),
    ] {
        let mut files = Vec::new();
        for f in &sources {
            let w = parse_workflow(&std::fs::read_to_string(f).unwrap()).unwrap();
            let path = dir.path().join(format!(
                "{}.{name}.bpmn",
                f.file_stem().unwrap().to_string_lossy()
            ));
            std::fs::write(&path, to_bpmn_for(&w, engine).0).unwrap();
            files.push(path);
        }
        let out = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
            .arg(root.join("e2e/interop/camunda-check.mjs"))
            .arg(name)
            .args(&files)
            .env("NODE_PATH", &modules)
            .output()
            .expect("cannot run node");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "camunda-check {name} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            report["results"].as_array().unwrap().len(),
            sources.len(),
            "{stdout}"
        );
    }
}
