//! The BPMN export against the real consumers: every template (plus the hand-made fixture with
//! all 15 blocks and generated workflows) is exported with `fachwerk_shared::bpmn::to_bpmn` and
//! checked by `e2e/interop/bpmn-check.mjs`: bpmn-moddle must parse it without a single warning,
//! bpmnlint's `recommended` rules must report nothing (no rule disabled).
//!
//! Needs node ≥ 20 and the npm packages in `<workspace>/.tools/node`:
//! `npm install --prefix .tools/node bpmn-moddle@10.3.1 bpmnlint@11.15.0 bpmn-js@18.31.1`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use fachwerk_shared::bpmn::to_bpmn;
use fachwerk_shared::{generate, parse_workflow, Workflow};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn exports_pass_bpmn_moddle_and_bpmnlint() {
    let root = workspace();
    let node_modules = root.join(".tools/node/node_modules");
    for pkg in ["bpmn-moddle", "bpmnlint"] {
        assert!(
            node_modules.join(pkg).is_dir(),
            "{} missing: npm install --prefix .tools/node bpmn-moddle@10.3.1 bpmnlint@11.15.0 bpmn-js@18.31.1",
            node_modules.join(pkg).display()
        );
    }
    let mut workflows: Vec<(String, Workflow)> = Vec::new();
    let templates = json_files(&root.join("workflows"));
    assert!(!templates.is_empty(), "no templates in workflows/");
    for f in templates.iter().chain(std::iter::once(
        &root.join("shared/tests/fixtures/bpmn/alle-bausteine.json"),
    )) {
        let w = parse_workflow(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        workflows.push((f.file_stem().unwrap().to_string_lossy().to_string(), w));
    }
    for (n, seed) in [(60, 7), (250, 42)] {
        workflows.push((
            format!("synthetic-{n}-{seed}"),
            generate::synthetic(n, seed),
        ));
    }

    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, w) in &workflows {
        let path = dir.path().join(format!("{name}.bpmn"));
        std::fs::write(&path, to_bpmn(w)).unwrap();
        files.push(path);
    }
    let out = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg(root.join("e2e/interop/bpmn-check.mjs"))
        .args(&files)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("cannot run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bpmn-check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], serde_json::Value::Bool(true));
    assert_eq!(report["files"].as_array().map(Vec::len), Some(files.len()));
}
