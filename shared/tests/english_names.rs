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
