//! Probelauf over the municipal templates Beschaffung, Beschwerdemanagement and Förderantrag
//! (the others: simulate_templates.rs): asserted routes (sequences of block ids), German trace
//! snapshots, and the committed case JSON Schema.
//! Update snapshots with `INSTA_UPDATE=always cargo test -p fachwerk-shared --test simulate_routes`.
#![allow(clippy::unwrap_used)]

mod common;

use common::template;

use std::path::Path;

use fachwerk_shared::simulate::{case_schema, simulate_scripted, CaseInput, Outcome, Trace};
use fachwerk_shared::{EndResult, Workflow};
use serde_json::{json, Value};

fn run(w: &Workflow, input: Value) -> Trace {
    let input: CaseInput = serde_json::from_value(input).unwrap();
    simulate_scripted(w, &input)
}

#[track_caller]
fn assert_route(t: &Trace, expected: &[&str], result: EndResult) {
    assert_eq!(t.route(), expected, "\n{}", t.render_de());
    match &t.outcome {
        Outcome::Ended { result: r, .. } => assert_eq!(*r, result, "\n{}", t.render_de()),
        other => panic!("not ended: {other:?}\n{}", t.render_de()),
    }
}

fn snapshot(name: &str, t: &Trace) {
    insta::with_settings!({ snapshot_path => "fixtures/simulate/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, t.render_de());
    });
}

// --- Beschaffung ---------------------------------------------------------------------------

fn beschaffung(amount: &str, extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-12-01",
        "land": "NW",
        "fields": {"betragNetto": amount, "gegenstand": "Multifunktionsdrucker", "haushaltsstelle": "1.11.01/783100"},
        "persons": {"R-SB": ["Frau Meier", "Herr Schulz"], "R-FBL": ["Frau Yilmaz"], "R-BM": ["Bürgermeister Wagner"], "R-BEDARF": ["Herr Klein"]}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in extra {
            obj.insert(k.clone(), x.clone());
        }
    }
    v
}

const DIREKT: &[&str] = &[
    "start",
    "bedarf-pruefen",
    "wertgrenze",
    "direktauftrag-erteilen",
    "bedarfsstelle-informieren",
    "veraktung",
    "ende",
];
const PREISVERGLEICH: &[&str] = &[
    "start",
    "bedarf-pruefen",
    "wertgrenze",
    "angebote-einholen",
    "preis-pruefen",
    "schlusszeichnung",
    "auftrag-erteilen",
    "bedarfsstelle-informieren",
    "veraktung",
    "ende",
];
const VERGABE: &[&str] = &[
    "start",
    "bedarf-pruefen",
    "wertgrenze",
    "vergabe-vorbereiten",
    "vermerk-pruefen",
    "mitzeichnung",
    "schlusszeichnung",
    "auftrag-erteilen",
    "bedarfsstelle-informieren",
    "veraktung",
    "ende",
];

#[test]
fn beschaffung_three_amounts_take_three_routes() {
    let w = template("beschaffung");
    let routes: Vec<Trace> = ["800.00", "12400.00", "80000.00"]
        .iter()
        .map(|a| run(&w, beschaffung(a, json!({}))))
        .collect();
    assert_route(&routes[0], DIREKT, EndResult::Erledigt);
    assert_route(&routes[1], PREISVERGLEICH, EndResult::Erledigt);
    assert_route(&routes[2], VERGABE, EndResult::Erledigt);
    assert!(routes[1].steps[2].decision.explanation_de.starts_with("12.400 € (Geschätzter Auftragswert netto, netto) liegt im Band „über 1.000 € bis 25.000 €“"));
    snapshot("beschaffung_12400", &routes[1]);
}

#[test]
fn beschaffung_band_bounds_are_inclusive_above() {
    let w = template("beschaffung");
    assert_route(
        &run(&w, beschaffung("1000.00", json!({}))),
        DIREKT,
        EndResult::Erledigt,
    );
    assert_route(
        &run(&w, beschaffung("1000.01", json!({}))),
        PREISVERGLEICH,
        EndResult::Erledigt,
    );
    assert_route(
        &run(&w, beschaffung("25000", json!({}))),
        PREISVERGLEICH,
        EndResult::Erledigt,
    );
    assert_route(
        &run(&w, beschaffung("0", json!({}))),
        DIREKT,
        EndResult::Erledigt,
    );
}

#[test]
fn beschaffung_rejection_veto_and_filing_error() {
    let w = template("beschaffung");
    let t = run(
        &w,
        beschaffung("500", json!({"choices": {"bedarf-pruefen": ["reject"]}})),
    );
    assert_route(
        &t,
        &[
            "start",
            "bedarf-pruefen",
            "ablehnung-mitteilen",
            "veraktung-ablehnung",
            "ende-abgelehnt",
        ],
        EndResult::Abgelehnt,
    );

    let t = run(
        &w,
        beschaffung(
            "80000",
            json!({"choices": {"mitzeichnung": ["approve,veto:3"], "veraktung": ["fehler"]}}),
        ),
    );
    let mut expected: Vec<&str> = VERGABE[..6].to_vec();
    expected.extend([
        "vergabe-vorbereiten",
        "vermerk-pruefen",
        "mitzeichnung",
        "schlusszeichnung",
        "auftrag-erteilen",
        "bedarfsstelle-informieren",
    ]);
    expected.extend(["veraktung", "veraktung-klaeren", "veraktung", "ende"]);
    assert_route(&t, &expected, EndResult::Erledigt);
    // Two filings, three messages each.
    assert_eq!(t.xdomea.len(), 6);
    snapshot("beschaffung_80000_veto_fehler", &t);
}

// --- Beschwerdemanagement -------------------------------------------------------------------

fn beschwerde(dienstaufsicht: bool, extra: Value) -> Value {
    let mut v = json!({"startDate": "2026-12-01", "land": "NW", "fields": {"dienstaufsicht": dienstaufsicht, "kategorie": "VERKEHR"}});
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn beschwerde_routes_and_escalations() {
    let w = template("beschwerdemanagement");
    let tail = ["antwort-entwerfen", "antwort", "veraktung", "ende"];
    let t = run(&w, beschwerde(false, json!({})));
    assert_route(
        &t,
        &[&["start", "erfassen", "art", "stellungnahme"][..], &tail].concat(),
        EndResult::Erledigt,
    );

    let t = run(&w, beschwerde(true, json!({})));
    assert_route(
        &t,
        &[
            &["start", "erfassen", "art", "dienstaufsicht-pruefen"][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );

    // 12 working days from Wed 02.12.: longer than the 10-day reminder, shorter than 20 days.
    let t = run(
        &w,
        beschwerde(false, json!({"durations": {"stellungnahme": 12}})),
    );
    assert_route(
        &t,
        &[
            &["start", "erfassen", "art", "stellungnahme", "erinnerung"][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    assert_eq!(t.steps[4].entered.to_string(), "2026-12-12");
    assert!(t.steps[4]
        .decision
        .explanation_de
        .contains("die Aufgabe bleibt offen"));

    // 30 working days: the reminder fires, then the interrupting escalation takes the task away.
    let t = run(
        &w,
        beschwerde(false, json!({"choices": {"stellungnahme": ["ok:30"]}})),
    );
    assert_route(
        &t,
        &[
            &[
                "start",
                "erfassen",
                "art",
                "stellungnahme",
                "erinnerung",
                "uebernahme",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    assert_eq!(t.steps[5].decision.port.as_deref(), Some("escalated"));
    assert_eq!(t.steps[3].completed.to_string(), "2026-12-22");
    snapshot("beschwerde_eskalation", &t);
}

// --- Förderantrag ---------------------------------------------------------------------------

fn foerder(extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-03-02",
        "land": "HE",
        "fields": {"foerderbetrag": "15000.00", "gesamtkosten": 40000, "bewilligungsEnde": "2026-06-30"}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn foerderantrag_routes() {
    let w = template("foerderantrag");
    let tail = ["wiedervorlage", "verwendungsnachweis", "veraktung", "ende"];
    let t = run(&w, foerder(json!({})));
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "mitzeichnung",
                "schlusszeichnung",
                "bescheid",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    // Wiedervorlage: 30.06.2026 + 6 months = Wed 30.12.2026.
    assert_eq!(t.steps[5].completed.to_string(), "2026-12-30");

    let t = run(
        &w,
        foerder(
            json!({"choices": {"antrag-pruefen": ["rueckfrage"], "nachforderung": ["reply:12"], "bescheid": ["nichtAbgerufen"]}}),
        ),
    );
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "nachforderung",
                "antrag-pruefen",
                "mitzeichnung",
                "schlusszeichnung",
                "bescheid",
                "bescheid-brief",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    snapshot("foerderantrag_rueckfrage_brief", &t);

    let t = run(
        &w,
        foerder(json!({"choices": {"antrag-pruefen": ["reject"]}})),
    );
    assert_route(
        &t,
        &[
            "start",
            "antrag-pruefen",
            "ablehnung-zeichnen",
            "ablehnungsbescheid",
            "veraktung-ablehnung",
            "ende-abgelehnt",
        ],
        EndResult::Abgelehnt,
    );

    let t = run(&w, foerder(json!({"choices": {"mitzeichnung": ["veto"]}})));
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "mitzeichnung",
                "antrag-pruefen",
                "mitzeichnung",
                "schlusszeichnung",
                "bescheid",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
}

// --- Case schema ----------------------------------------------------------------------------

#[test]
fn case_schema_file_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/case.schema.json");
    let schema = case_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &schema).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == schema,
        "{} is stale: regenerate with `UPDATE_SCHEMA=1 cargo test -p fachwerk-shared --test simulate_routes case_schema_file_is_current`",
        path.display()
    );
}
