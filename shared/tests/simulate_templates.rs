//! Probelauf over four more municipal templates (Gewerbeanmeldung, Reisekostenantrag,
//! Sondernutzungserlaubnis, Urlaubsantrag): asserted routes and German trace snapshots.
//! Update snapshots with `INSTA_UPDATE=always cargo test -p fachwerk-shared --test simulate_templates`.
#![allow(clippy::unwrap_used)]

mod common;

use common::template;

use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Outcome, Trace};
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

// --- Gewerbeanmeldung -----------------------------------------------------------------------

fn gewerbe(erlaubnis: bool, extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-05-11",
        "land": "BY",
        "fields": {"erlaubnispflichtig": erlaubnis, "betriebsbeginn": "2026-06-01", "rechtsform": "GMBH"}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn gewerbeanmeldung_routes() {
    let w = template("gewerbeanmeldung");
    let tail = [
        "empfangsbescheinigung",
        "finanzamt",
        "ihk",
        "veraktung",
        "ende",
    ];
    let t = run(&w, gewerbe(false, json!({})));
    assert_route(
        &t,
        &[
            &["start", "gebuehr", "anzeige-pruefen", "erlaubnis-weiche"][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );

    let t = run(&w, gewerbe(true, json!({})));
    assert_route(
        &t,
        &[
            &[
                "start",
                "gebuehr",
                "anzeige-pruefen",
                "erlaubnis-weiche",
                "erlaubnis-pruefen",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );

    let t = run(
        &w,
        gewerbe(
            false,
            json!({"choices": {"gebuehr": ["nichtBezahlt"], "anzeige-pruefen": ["rueckfrage"], "nachfrage": ["timeout"]}}),
        ),
    );
    assert_route(
        &t,
        &[
            &[
                "start",
                "gebuehr",
                "forderung-melden",
                "anzeige-pruefen",
                "nachfrage",
                "aktenlage",
                "erlaubnis-weiche",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    snapshot("gewerbeanmeldung_nicht_bezahlt_timeout", &t);

    // maxRounds = 2: the third query is not sent, the block leaves via timeout at once.
    let t = run(
        &w,
        gewerbe(
            false,
            json!({"choices": {"anzeige-pruefen": ["rueckfrage", "rueckfrage", "rueckfrage"]}}),
        ),
    );
    let mut expected = vec!["start", "gebuehr"];
    expected.extend(["anzeige-pruefen", "nachfrage"].repeat(3));
    expected.extend(["aktenlage", "erlaubnis-weiche"]);
    expected.extend(tail);
    assert_route(&t, &expected, EndResult::Erledigt);
}

// --- Reisekostenantrag ----------------------------------------------------------------------

fn reise(amount: &str, extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-10-26",
        "land": "SN",
        "fields": {"erstattungsbetrag": amount, "reiseEnde": "2026-10-16", "reiseziel": "Leipzig"},
        "persons": {"R-DR": ["Herr Klein"], "R-RK": ["Frau Berger", "Herr Roth"], "R-TL": ["Herr Klein", "Frau Groß"], "R-AL": ["Frau Albrecht"]}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn reisekostenantrag_routes() {
    let w = template("reisekostenantrag");
    let tail = ["auszahlung", "festsetzung-mitteilen", "veraktung", "ende"];
    let t = run(&w, reise("350.40", json!({})));
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "festsetzen",
                "anordnungsgrenze",
                "anordnung-tl",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    // The traveller is also a team leader: the engine picks the other one (excludeInitiator).
    assert_eq!(t.steps[4].person.as_deref(), Some("Frau Groß"));

    let t = run(&w, reise("9000", json!({})));
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "festsetzen",
                "anordnungsgrenze",
                "anordnung-al",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );

    let t = run(
        &w,
        reise("120", json!({"choices": {"antrag-pruefen": ["reject"]}})),
    );
    assert_route(
        &t,
        &[
            "start",
            "antrag-pruefen",
            "ablehnung-mitteilen",
            "veraktung-ablehnung",
            "ende-abgelehnt",
        ],
        EndResult::Abgelehnt,
    );

    // Rejected check loops back to the Festsetzung; Buß- und Bettag (18.11.2026) is a holiday in Sachsen.
    let t = run(
        &w,
        reise(
            "350",
            json!({"choices": {"anordnung-tl": ["reject"]}, "startDate": "2026-11-16"}),
        ),
    );
    assert_route(
        &t,
        &[
            &[
                "start",
                "antrag-pruefen",
                "festsetzen",
                "anordnungsgrenze",
                "anordnung-tl",
                "festsetzen",
                "anordnungsgrenze",
                "anordnung-tl",
            ][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    assert_eq!(
        t.steps[2].completed.to_string(),
        "2026-11-19",
        "Tue 17. + 1 working day skips Wed 18. (SN)"
    );
    snapshot("reisekosten_reject_bettag", &t);
}

// --- Sondernutzungserlaubnis ----------------------------------------------------------------

fn sondernutzung(fahrbahn: bool, tage: i64, extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-04-01",
        "land": "NW",
        "fields": {"fahrbahnBetroffen": fahrbahn, "dauerTage": tage, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "84.00"}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn sondernutzung_routes() {
    let w = template("sondernutzungserlaubnis");
    let tail = [
        "erlaubnis-entwerfen",
        "schlusszeichnung",
        "bescheid",
        "gebuehr",
        "veraktung",
        "ende",
    ];
    let t = run(&w, sondernutzung(false, 10, json!({})));
    assert_route(
        &t,
        &[&["start", "antrag-pruefen", "komplexitaet"][..], &tail].concat(),
        EndResult::Erledigt,
    );

    let t = run(&w, sondernutzung(false, 40, json!({})));
    assert_route(
        &t,
        &[
            &["start", "antrag-pruefen", "komplexitaet", "beteiligung"][..],
            &tail,
        ]
        .concat(),
        EndResult::Erledigt,
    );
    assert!(
        t.steps[2]
            .decision
            .explanation_de
            .contains("dauerTage = 40"),
        "{}",
        t.steps[2].decision.explanation_de
    );

    let t = run(
        &w,
        sondernutzung(
            true,
            3,
            json!({"startDate": "2026-03-20", "choices": {"antrag-pruefen": ["rueckfrage"], "nachforderung": ["timeout"]}}),
        ),
    );
    assert_route(
        &t,
        &[
            "start",
            "antrag-pruefen",
            "nachforderung",
            "einstellung-mitteilen",
            "veraktung-einstellung",
            "ende-eingestellt",
        ],
        EndResult::Eingestellt,
    );
    // Query on Mon 23.03.2026 + 14 days = Easter Monday 06.04. → Tue 07.04. (§ 31 Abs. 3 VwVfG).
    assert_eq!(
        t.steps[2].due.map(|d| d.to_string()).as_deref(),
        Some("2026-04-07")
    );
    assert!(
        t.steps[2].decision.explanation_de.contains("Ostermontag"),
        "{}",
        t.steps[2].decision.explanation_de
    );

    let t = run(
        &w,
        sondernutzung(false, 5, json!({"choices": {"gebuehr": ["nichtBezahlt"]}})),
    );
    assert_route(
        &t,
        &[
            "start",
            "antrag-pruefen",
            "komplexitaet",
            "erlaubnis-entwerfen",
            "schlusszeichnung",
            "bescheid",
            "gebuehr",
            "forderung-melden",
            "veraktung",
            "ende",
        ],
        EndResult::Erledigt,
    );
}

// --- Urlaubsantrag --------------------------------------------------------------------------

fn urlaub(extra: Value) -> Value {
    let mut v = json!({
        "startDate": "2026-12-21",
        "land": "BE",
        "fields": {"personalnummer": "P-4711", "urlaubsbeginn": "2027-01-04", "urlaubsende": "2027-01-08", "arbeitstage": 5}
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(extra.clone());
    }
    v
}

#[test]
fn urlaubsantrag_routes() {
    let w = template("urlaubsantrag");
    let t = run(&w, urlaub(json!({})));
    assert_route(
        &t,
        &[
            "start",
            "genehmigen",
            "buchen",
            "genehmigung-mitteilen",
            "personalakte",
            "ende",
        ],
        EndResult::Erledigt,
    );
    // No zdA and no Protokoll: only the 0605, filed into the existing Personalakte.
    assert_eq!(
        t.xdomea.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(),
        ["0605"]
    );
    assert!(t.xdomea[0]
        .xml
        .contains("<xdomea:IDContainer>P-4711</xdomea:IDContainer>"));

    let t = run(&w, urlaub(json!({"choices": {"genehmigen": ["reject"]}})));
    assert_route(
        &t,
        &[
            "start",
            "genehmigen",
            "ablehnung-mitteilen",
            "personalakte",
            "ende",
        ],
        EndResult::Erledigt,
    );

    // Over Christmas: 4 working days from Mon 21.12. end on Mon 28.12. (25./26. are holidays,
    // 24.12. is not); the reminder after 3 calendar days (Thu 24.12.) fires first.
    let t = run(&w, urlaub(json!({"durations": {"genehmigen": 4}})));
    assert_route(
        &t,
        &[
            "start",
            "genehmigen",
            "erinnerung",
            "buchen",
            "genehmigung-mitteilen",
            "personalakte",
            "ende",
        ],
        EndResult::Erledigt,
    );
    assert_eq!(t.steps[1].completed.to_string(), "2026-12-28");
}
