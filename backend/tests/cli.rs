//! The `fachwerk` command line as a municipality's CI pipeline would call it.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn fachwerk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn templates() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn validate_templates_exit_0_and_broken_file_exit_1_with_exact_codes() {
    let files: Vec<String> = templates()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(String::as_str))
        .collect();
    let (code, out, _) = fachwerk(&args);
    assert_eq!(code, 0, "{out}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"schemaVersion":1,"key":"kaputt","name":"Kaputt","version":"1.0.0","blocks":[{"id":"s","type":"start"}]}"#).unwrap();
    let (code, out, _) = fachwerk(&["validate", "--format", "json", broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // Without any Ende every block is a dead end: one finding for the one defect.
    assert_eq!(codes, ["E_NO_END"], "{out}");
    assert!(findings
        .iter()
        .all(|f| f["message_de"].as_str().is_some_and(|m| !m.is_empty())));

    std::fs::write(&broken, "{ not json").unwrap();
    let (code, _, err) = fachwerk(&["validate", broken.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn diff_exit_codes_and_json() {
    let t = templates()
        .into_iter()
        .find(|p| p.ends_with("beschaffung.json"))
        .unwrap();
    let text = std::fs::read_to_string(&t).unwrap();
    let changed = text.replacen(
        "\"label\": \"Bedarfsmeldung eingegangen\"",
        "\"label\": \"Bedarfsmeldung ist eingegangen\"",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("neu.json");
    std::fs::write(&new, changed).unwrap();
    let (code, _, _) = fachwerk(&["diff", t.to_str().unwrap(), t.to_str().unwrap()]);
    assert_eq!(code, 0);
    let (code, out, _) = fachwerk(&[
        "diff",
        "--format",
        "json",
        t.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["bump"], "patch", "a label change is a patch: {out}");
    assert_eq!(d["changes"][0]["kind"], "BLOCK_LABEL_CHANGED");
    let (code, _, _) = fachwerk(&["diff", t.to_str().unwrap(), "/nonexistent.json"]);
    assert_eq!(code, 2);
}

#[test]
fn bpmn_export_and_import_round_trip_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for t in templates() {
        let (code, bpmn, err) = fachwerk(&["export", t.to_str().unwrap(), "--to", "bpmn"]);
        assert_eq!(code, 0, "{err}");
        let file = dir.path().join("x.bpmn");
        std::fs::write(&file, bpmn).unwrap();
        let (code, json, err) = fachwerk(&["import", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            json,
            std::fs::read_to_string(&t).unwrap(),
            "{}",
            t.display()
        );
    }
}

#[test]
fn bpmn_export_for_an_engine_writes_notes_to_stderr_and_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    for t in templates() {
        for (engine, marker) in [
            ("camunda7", "camunda:historyTimeToLive=\"P180D\""),
            ("camunda8", "<zeebe:userTask/>"),
        ] {
            let (code, bpmn, err) = fachwerk(&[
                "export",
                t.to_str().unwrap(),
                "--to",
                "bpmn",
                "--engine",
                engine,
            ]);
            assert_eq!(code, 0, "{err}");
            assert!(bpmn.contains(marker), "{engine} {}", t.display());
            if t.ends_with("beschaffung.json") {
                assert!(err.contains("Vier-Augen"), "{engine}: {err}");
            }
            let file = dir.path().join("x.bpmn");
            std::fs::write(&file, bpmn).unwrap();
            let (code, json, err) = fachwerk(&["import", file.to_str().unwrap()]);
            assert_eq!(code, 0, "{err}");
            assert_eq!(
                json,
                std::fs::read_to_string(&t).unwrap(),
                "{engine} {}",
                t.display()
            );
        }
    }
    let (code, _, _) = fachwerk(&["export", "x.json", "--engine", "camunda9"]);
    assert_eq!(code, 2);
}

#[test]
fn camunda8_export_writes_the_forms_of_its_user_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let t = templates()
        .into_iter()
        .find(|p| p.ends_with("beschaffung.json"))
        .unwrap();
    let forms = dir.path().join("formulare");
    let (code, bpmn, err) = fachwerk(&[
        "export",
        t.to_str().unwrap(),
        "--engine",
        "camunda8",
        "--forms-dir",
        forms.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut written: Vec<String> = std::fs::read_dir(&forms)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert!(!written.is_empty());
    for name in &written {
        let id = name.strip_suffix(".form").unwrap();
        assert!(
            bpmn.contains(&format!("formId=\"{id}\"")),
            "{id} not linked"
        );
        let form: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(forms.join(name)).unwrap()).unwrap();
        assert_eq!(form["id"], id);
    }
    assert_eq!(written.len(), bpmn.matches("<zeebe:formDefinition").count());
    // Without the folder the file names are listed, so nothing is silently left out.
    let (code, _, err) = fachwerk(&["export", t.to_str().unwrap(), "--engine", "camunda8"]);
    assert_eq!(code, 0);
    assert!(err.contains(&written[0]), "{err}");
}

#[test]
fn simulate_prints_the_route_and_exits_by_outcome() {
    let t = templates()
        .into_iter()
        .find(|p| p.ends_with("beschaffung.json"))
        .unwrap();
    let t = t.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, body: serde_json::Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, body.to_string()).unwrap();
        p.to_str().unwrap().to_string()
    };
    let persons = serde_json::json!({"R-SB": ["Frau Meier", "Herr Schulz"], "R-FBL": ["Frau Yilmaz"],
        "R-BM": ["Bürgermeister Wagner"], "R-BEDARF": ["Herr Klein"]});
    let fields = serde_json::json!({"betragNetto": "12400.00", "gegenstand": "Drucker", "haushaltsstelle": "1.11.01"});
    let ok = write(
        "ok.json",
        serde_json::json!({"startDate": "2026-12-01", "fields": fields, "persons": persons}),
    );
    let (code, out, err) = fachwerk(&["simulate", t, "--case", &ok]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Vergleichsangebote einholen und auswerten"),
        "{out}"
    );
    assert!(
        out.contains("12.400 €"),
        "the router's decision is explained: {out}"
    );

    let (code, out, _) = fachwerk(&["simulate", t, "--case", &ok, "--format", "json"]);
    assert_eq!(code, 0);
    let trace: serde_json::Value = serde_json::from_str(&out).unwrap();
    let route: Vec<&str> = trace["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["block"].as_str().unwrap())
        .collect();
    assert_eq!(
        &route[..5],
        [
            "start",
            "bedarf-pruefen",
            "wertgrenze",
            "angebote-einholen",
            "preis-pruefen"
        ]
    );

    // The same person prepares and second-checks the price comparison: refused, exit 1.
    let same = write(
        "same.json",
        serde_json::json!({"startDate": "2026-12-01", "fields": fields, "persons": persons,
            "actors": {"angebote-einholen": "Frau Meier", "preis-pruefen": "Frau Meier"}}),
    );
    let (code, out, _) = fachwerk(&["simulate", t, "--case", &same]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Frau Meier"), "{out}");

    // Bad input: unknown field in the case, malformed JSON, missing file.
    let unknown = write(
        "unknown.json",
        serde_json::json!({"startDate": "2026-12-01", "fields": {"betrag": "5"}}),
    );
    let (code, _, err) = fachwerk(&["simulate", t, "--case", &unknown]);
    assert_eq!(code, 2);
    assert!(err.contains("fields.betrag"), "{err}");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"startDate\": ").unwrap();
    let (code, _, _) = fachwerk(&["simulate", t, "--case", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    let (code, _, _) = fachwerk(&["simulate", t, "--case", "/nonexistent.json"]);
    assert_eq!(code, 2);

    // The saved Probefälle of the template pass.
    let (code, out, _) = fachwerk(&["simulate", t, "--saved"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        3,
        "{out}"
    );
}
