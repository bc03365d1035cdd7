//! The xdomea 3.1.0 messages of simulated runs validate against the official XSD (Python
//! `xmlschema`, installed by `cargo xtask test`'s tool step): every message of several procurement runs
//! and of a default run of every template, with 0 errors. The three example messages of
//! `shared/domain/xdomea-examples` must validate too, and a deliberately broken message must not
//! (so the harness really validates).
//!
//! The schema is looked up at `$XDOMEA_XSD`, else at `../shared/domain/xdomea-xsd/3.1.0/xdomea.xsd`
//! next to the repository; without schema or validator the test fails.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Trace};
use serde_json::json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn schema() -> PathBuf {
    let p = std::env::var_os("XDOMEA_XSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../../shared/domain/xdomea-xsd/3.1.0/xdomea.xsd"));
    assert!(
        p.exists(),
        "the official xdomea 3.1.0 XSD is missing at {} (set XDOMEA_XSD)",
        p.display()
    );
    p
}

fn run(template: &str, case: serde_json::Value) -> Trace {
    let w = parse_workflow(
        &std::fs::read_to_string(root().join(format!("../workflows/{template}.json"))).unwrap(),
    )
    .unwrap();
    let input: CaseInput = serde_json::from_value(case).unwrap();
    simulate_scripted(&w, &input)
}

/// Debian's Python, where `apt-get install python3-xmlschema` puts the validator (a python3
/// earlier on PATH, e.g. from pyenv, would not see it); `$FACHWERK_PYTHON` overrides.
fn python() -> PathBuf {
    std::env::var_os("FACHWERK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/python3"))
}

fn assert_xmlschema_installed() {
    let present = Command::new(python())
        .args(["-c", "import xmlschema"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        present,
        "python3 with the xmlschema package is needed (cargo xtask test installs python3-xmlschema)"
    );
}

fn procurement_runs() -> Vec<Trace> {
    let case = |amount: &str, extra: serde_json::Value| {
        let mut v = json!({
            "caseId": format!("beschaffung/2026/{amount}"),
            "startDate": "2026-12-01",
            "land": "NW",
            "fields": {"betragNetto": amount, "gegenstand": "Drucker <A3> & Toner", "haushaltsstelle": "1.11.01/783100", "liefertermin": "2027-01-15"},
            "persons": {"R-SB": ["Frau Meier", "Herr Schulz"], "R-FBL": ["Frau Yilmaz"], "R-BEDARF": ["Herr Klein"]}
        });
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    vec![
        run("beschaffung", case("800.00", json!({}))),
        run("beschaffung", case("12400.00", json!({}))),
        run(
            "beschaffung",
            case(
                "80000.00",
                json!({"choices": {"mitzeichnung": ["approve,veto:3"], "veraktung": ["fehler"]}}),
            ),
        ),
        run(
            "beschaffung",
            case("300", json!({"choices": {"bedarf-pruefen": ["reject"]}})),
        ),
    ]
}

fn template_runs() -> Vec<Trace> {
    vec![
        run(
            "beschwerdemanagement",
            json!({"startDate": "2026-12-01", "fields": {"dienstaufsicht": false, "kategorie": "VERKEHR"}, "durations": {"stellungnahme": 30}}),
        ),
        run(
            "foerderantrag",
            json!({"startDate": "2026-03-02", "fields": {"foerderbetrag": "15000", "gesamtkosten": 40000, "bewilligungsEnde": "2026-06-30"}, "choices": {"bescheid": ["nichtAbgerufen"]}}),
        ),
        run(
            "gewerbeanmeldung",
            json!({"startDate": "2026-05-11", "fields": {"erlaubnispflichtig": true, "betriebsbeginn": "2026-06-01", "rechtsform": "GMBH"}}),
        ),
        run(
            "reisekostenantrag",
            json!({"startDate": "2026-10-26", "land": "SN", "fields": {"erstattungsbetrag": "9000", "reiseEnde": "2026-10-16", "reiseziel": "Leipzig"}}),
        ),
        run(
            "sondernutzungserlaubnis",
            json!({"startDate": "2026-04-01", "fields": {"fahrbahnBetroffen": true, "dauerTage": 40, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "84.00"}}),
        ),
        run(
            "urlaubsantrag",
            json!({"startDate": "2026-12-21", "land": "BE", "fields": {"personalnummer": "P-4711", "urlaubsbeginn": "2027-01-04", "urlaubsende": "2027-01-08", "arbeitstage": 5}}),
        ),
    ]
}

#[test]
fn procurement_messages_have_the_expected_shape() {
    let runs = procurement_runs();
    for t in &runs {
        let codes: Vec<&str> = t.xdomea.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes.len() % 3, 0, "{codes:?}");
        for m in &t.xdomea {
            assert!(
                m.xml
                    .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xdomea:"),
                "{}",
                m.file_name
            );
            assert!(m
                .xml
                .contains("xmlns:xdomea=\"urn:xoev-de:xdomea:schema:3.1.0\""));
            assert!(m.file_name.ends_with(&format!("_{}.xml", m.name)));
            assert!(m.xml.contains(&format!("<code>{}</code>", m.code)));
        }
    }
    // Deterministic: the same case gives byte-identical messages; another case other ids.
    let again = procurement_runs();
    assert_eq!(runs[1].xdomea, again[1].xdomea);
    assert_ne!(runs[0].xdomea[0].file_name, runs[1].xdomea[0].file_name);
    // The 80.000 € run files the Geschäftsgang with the veto and the 0623 protocol.
    let sgo = &runs[2].xdomea[0].xml;
    assert!(sgo.contains("<xdomea:Vermerk>Nichtmitzeichnung (Veto)</xdomea:Vermerk>"));
    assert!(sgo.contains("<xdomea:Kennzeichen>11.04.02</xdomea:Kennzeichen>"));
    assert!(sgo.contains("<xdomea:AnzahlJahre>10</xdomea:AnzahlJahre>"));
    let protokoll = &runs[2].xdomea[1].xml;
    assert!(protokoll.contains("<xdomea:HistorienProtokollInformation>"));
    assert!(protokoll.contains("Drucker") || protokoll.contains("Vergabe"));
    assert!(runs[2].xdomea[2]
        .xml
        .contains("<xdomea:SchriftgutobjektZumZDAVerfuegen>"));
}

#[test]
fn messages_validate_against_the_official_xsd() {
    let xsd = schema();
    assert_xmlschema_installed();
    let dir = std::env::temp_dir().join(format!("fachwerk-simulate-xdomea-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for (i, t) in procurement_runs()
        .iter()
        .chain(template_runs().iter())
        .enumerate()
    {
        assert!(
            !t.xdomea.is_empty(),
            "{} filed nothing:\n{}",
            t.workflow_key,
            t.render_de()
        );
        for m in &t.xdomea {
            let p = dir.join(format!("{i:02}_{}_{}", t.workflow_key, m.file_name));
            std::fs::write(&p, &m.xml).unwrap();
            files.push(p);
        }
    }
    let examples = xsd.parent().unwrap().join("../../xdomea-examples");
    for e in std::fs::read_dir(&examples).unwrap() {
        files.push(e.unwrap().path());
    }
    // A broken copy (ProzessID removed) must be rejected.
    let broken = dir.join("broken_0624.xml");
    let ok = std::fs::read_to_string(&files[2]).unwrap();
    let start = ok.find("<xdomea:ProzessID>").unwrap();
    let end = ok.find("</xdomea:ProzessID>").unwrap() + "</xdomea:ProzessID>".len();
    std::fs::write(&broken, format!("{}{}", &ok[..start], &ok[end..])).unwrap();

    let script = root().join("tests/fixtures/simulate/validate_xdomea.py");
    let out = Command::new(python())
        .arg(&script)
        .arg(&xsd)
        .args(&files)
        .arg("--invalid")
        .arg(&broken)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "schema validation failed:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report
            .lines()
            .filter(|l| l.starts_with("0 errors: "))
            .count(),
        files.len()
    );
    std::fs::remove_dir_all(&dir).ok();
}
