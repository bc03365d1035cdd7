//! A block without a name of its own is called by its type's name in the reader's language:
//! German in German texts, English in English texts (findings, Probelauf steps, diff
//! sentences) — issue 14, "German in the English UI".
#![allow(clippy::unwrap_used)]

use fachwerk_shared::diff::diff;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput};
use fachwerk_shared::{parse_workflow, validate, BlockId, Workflow};
use serde_json::json;

/// Start → case work (exit "reject" left open) → end, none of them named.
fn unnamed(with_task: bool) -> Workflow {
    let mut blocks = vec![
        json!({ "id": "b1", "type": "start", "label": "", "params": { "trigger": "ONLINE_ANTRAG" } }),
        json!({ "id": "b3", "type": "ende", "label": "", "params": { "result": "ERLEDIGT" } }),
    ];
    let mut edges = vec![json!({ "id": "e1", "from": "b1", "port": "next", "to": "b3" })];
    if with_task {
        blocks.insert(
            1,
            json!({ "id": "b2", "type": "sachbearbeitung", "label": "",
                "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "prüfen", "outcomes": ["ok", "reject"] } }),
        );
        edges = vec![
            json!({ "id": "e1", "from": "b1", "port": "next", "to": "b2" }),
            json!({ "id": "e2", "from": "b2", "port": "ok", "to": "b3" }),
        ];
    }
    let w = json!({
        "schemaVersion": 1, "key": "namenlos", "name": "Namenlos", "description": "",
        "version": "0.1.0", "nextId": 10, "fields": [],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": blocks, "edges": edges, "layout": { "blocks": {} }
    });
    parse_workflow(&w.to_string()).unwrap()
}

#[test]
fn unnamed_blocks_have_english_names_in_english_texts() {
    let w = unnamed(true);
    let task = BlockId::new("b2");
    assert_eq!(w.block_label(&task), "Sachbearbeitung");
    assert_eq!(w.block_label_en(&task), "Case work");

    // Findings: the open exit "reject" of the unnamed case work.
    let findings = validate(&w);
    let open = findings
        .iter()
        .find(|f| {
            f.element.block.as_ref() == Some(&task) && f.element.port.as_deref() == Some("reject")
        })
        .unwrap_or_else(|| panic!("no finding about the open exit: {findings:#?}"));
    assert!(
        open.message_de.contains("Sachbearbeitung"),
        "{}",
        open.message_de
    );
    assert!(open.message_en.contains("Case work"), "{}", open.message_en);
    assert!(
        !open.message_en.contains("Sachbearbeitung"),
        "{}",
        open.message_en
    );

    // Probelauf: each step carries both names.
    let input: CaseInput = serde_json::from_value(json!({
        "startDate": "2026-12-01", "land": "NW", "fields": {}, "persons": { "R-SB": ["Frau Meier"] }
    }))
    .unwrap();
    let trace = simulate_scripted(&w, &input);
    let step = trace.steps.iter().find(|s| s.block == task).unwrap();
    assert_eq!(
        (step.label.as_str(), step.label_en.as_str()),
        ("Sachbearbeitung", "Case work")
    );
    assert_eq!(step.block_type_en, "Case work");
    let end = trace.steps.last().unwrap();
    assert_eq!((end.label.as_str(), end.label_en.as_str()), ("Ende", "End"));
    // The JSON trace is unchanged: no English extras.
    let json = serde_json::to_value(&trace).unwrap();
    assert!(json["steps"][0].get("labelEn").is_none(), "{json}");

    // Diff: the added step and its connections.
    let d = diff(&unnamed(false), &w);
    let english: Vec<&str> = d.changes.iter().map(|c| c.message_en.as_str()).collect();
    assert!(
        english.iter().any(|m| m.contains("“Case work”")),
        "{english:#?}"
    );
    assert!(
        english
            .iter()
            .all(|m| !m.contains("Sachbearbeitung") && !m.contains("Antragseingang")),
        "{english:#?}"
    );
    let german: Vec<&str> = d.changes.iter().map(|c| c.message_de.as_str()).collect();
    assert!(
        german.iter().any(|m| m.contains("„Sachbearbeitung“")),
        "{german:#?}"
    );
}

/// The German type names that differ from the English ones, quoted as English texts quote
/// names (“…”): what an English sentence must not contain for an unnamed block.
fn german_type_names_quoted() -> Vec<String> {
    fachwerk_shared::catalog::all()
        .iter()
        .filter(|i| i.name_de != i.name_en)
        .map(|i| format!("“{}”", i.name_de))
        .collect()
}

/// `w` with no block named and roles named by their id, so a German type name in a text can
/// only come from a block without a name of its own.
fn without_names(mut w: Workflow) -> Workflow {
    for b in &mut w.blocks {
        b.label.clear();
    }
    for r in &mut w.roles {
        r.name = format!("Team {}", r.id.0);
    }
    w
}

/// Every validation fixture (each triggers one finding code, and its near miss) with its
/// blocks unnamed: no English message or hint calls a block by its German type name.
#[test]
fn findings_call_unnamed_blocks_by_their_english_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let german = german_type_names_quoted();
    let (mut bad, mut checked) = (Vec::new(), 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let w = without_names(parse_workflow(&text).unwrap());
        for f in validate(&w) {
            checked += 1;
            let en = format!("{} {}", f.message_en, f.hint_en.unwrap_or_default());
            if let Some(g) = german.iter().find(|g| en.contains(g.as_str())) {
                let name = path.file_name().unwrap().to_string_lossy();
                bad.push(format!("{name} {}: {g} in {en}", f.code));
            }
        }
    }
    assert!(checked > 60, "only {checked} findings checked");
    assert!(
        bad.is_empty(),
        "German names in English:\n{}",
        bad.join("\n")
    );
}

/// The procurement template unnamed, then changed where the diff words parameters: a band
/// limit, a four-eyes check's "distinct from" steps, a task's exits, and a removed step that a
/// check was linked to. Every English sentence names the unnamed steps in English.
#[test]
fn parameter_changes_call_unnamed_blocks_by_their_english_name() {
    let text = include_str!("../../workflows/beschaffung.json");
    let old = without_names(parse_workflow(text).unwrap());
    let mut v = serde_json::to_value(&old).unwrap();
    for b in v["blocks"].as_array_mut().unwrap() {
        if let Some(bands) = b["params"]
            .get_mut("bands")
            .and_then(serde_json::Value::as_array_mut)
        {
            for band in bands {
                band["label"] = "".into();
            }
        }
    }
    let old: Workflow = serde_json::from_value(v.clone()).unwrap();
    let block = |v: &serde_json::Value, id: &str| -> serde_json::Value {
        v["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == id)
            .cloned()
            .unwrap()
    };
    let set = |v: &mut serde_json::Value, id: &str, b: serde_json::Value| {
        let blocks = v["blocks"].as_array_mut().unwrap();
        let at = blocks.iter().position(|x| x["id"] == id).unwrap();
        blocks[at] = b;
    };
    let mut wg = block(&v, "wertgrenze");
    wg["params"]["bands"][0]["upper"] = "3000.00".into();
    wg["params"]["bands"][1]["lower"] = "3000.00".into();
    set(&mut v, "wertgrenze", wg);
    let mut check = block(&v, "preis-pruefen");
    check["params"]["distinctFrom"] = json!(["angebote-einholen", "bedarf-pruefen"]);
    set(&mut v, "preis-pruefen", check);
    let mut task = block(&v, "bedarf-pruefen");
    task["params"]["outcomes"] = json!(["ok"]);
    set(&mut v, "bedarf-pruefen", task);
    // "Vergabevermerk gegenprüfen" loses the step it was linked to.
    v["blocks"]
        .as_array_mut()
        .unwrap()
        .retain(|b| b["id"] != "vergabe-vorbereiten");
    v["edges"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["from"] != "vergabe-vorbereiten" && e["to"] != "vergabe-vorbereiten");
    let new: Workflow = serde_json::from_value(v).unwrap();

    let d = diff(&old, &new);
    let german = german_type_names_quoted();
    let english: Vec<&str> = d.changes.iter().map(|c| c.message_en.as_str()).collect();
    let bad: Vec<&&str> = english
        .iter()
        .filter(|m| german.iter().any(|g| m.contains(g.as_str())))
        .collect();
    assert!(bad.is_empty(), "German names in English: {bad:#?}");
    // The sentences this test is about exist and name the steps in English.
    let router = fachwerk_shared::catalog::info(fachwerk_shared::BlockType::Wertgrenzen).name_en;
    let four_eyes = fachwerk_shared::catalog::info(fachwerk_shared::BlockType::VierAugen).name_en;
    let task = fachwerk_shared::catalog::info(fachwerk_shared::BlockType::Sachbearbeitung).name_en;
    for needle in [
        format!("“{router}”: value band “up to €1,000”"),
        format!("“{four_eyes}”: the linked step “{task}” was removed"),
        format!("“{task}”: exit"),
        format!("“{task}”, “{task}”"),
    ] {
        assert!(
            english.iter().any(|m| m.contains(&needle)),
            "no sentence with {needle:?} in {english:#?}"
        );
    }
    let german_sentences: Vec<&str> = d.changes.iter().map(|c| c.message_de.as_str()).collect();
    assert!(
        german_sentences
            .iter()
            .any(|m| m.contains("„Wertgrenzen-Weiche“")),
        "{german_sentences:#?}"
    );
}
