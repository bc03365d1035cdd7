//! The renderers (`cargo xtask bench`): p50/p95 of rendering a one-page and a long (80
//! paragraphs, several pages) Bescheid (PDF/A-2b, font subset embedded) and of the xdomea
//! Veraktung containers of a case with the Bescheid and a 5 MB upload. They run on the blocking
//! pool of the delivery worker; the figures say how long one delivery occupies a core.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use fachwerk_backend::outputs::{
    filing_container, render_bescheid, Addressee, Authority, BescheidInput, FilingInput,
    StoredDocument,
};
use fachwerk_shared::model::{BescheidChannel, Land, Workflow};
use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput};
use fachwerk_shared::values::Date;
use serde_json::json;

const RUNS: usize = 40;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn measure(name: &str, mut f: impl FnMut()) {
    f();
    let mut t: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    println!(
        "outputs: {name}: p50 {:.2} ms, p95 {:.2} ms ({RUNS} runs)",
        percentile(&t, 0.5).as_secs_f64() * 1e3,
        percentile(&t, 0.95).as_secs_f64() * 1e3
    );
}

fn bescheid<'a>(w: &'a Workflow, paragraphs: usize) -> BescheidInput<'a> {
    BescheidInput {
        authority: Authority {
            name: "Stadt Musterstadt – Straßenverkehrsamt".into(),
            address: vec!["Rathausplatz 1".into(), "12345 Musterstadt".into()],
            contact: None,
        },
        workflow: w,
        case_id: "sondernutzung/2026/000042".into(),
        aktenzeichen: Some("SNE-2026-000042".into()),
        applicant: Addressee {
            name: "Jürgen Weiß".into(),
            address: vec!["Große Straße 5".into(), "12345 Musterstadt".into()],
        },
        date: Date::new(2026, 4, 20).unwrap(),
        land: Land::NW,
        channel: BescheidChannel::Brief,
        fiktion_tage: 3,
        title: "Sondernutzungserlaubnis".into(),
        body: (1..=paragraphs)
            .map(|n| format!("Auflage {n}: Die Fläche von {{{{flaecheQm}}}} m² ist während der Nutzung zu sichern und sauber zu halten; die Gebühr beträgt {{{{gebuehr}}}}."))
            .collect::<Vec<_>>()
            .join("\n"),
        fields: serde_json::from_value(json!({"flaecheQm": 12, "gebuehr": "1234.56"})).unwrap(),
        rechtsbehelfsbelehrung: None,
        verwaltungsgericht: None,
        signer: Some("Erika Mustermann".into()),
        payment: None,
    }
}

fn main() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows/sondernutzungserlaubnis.json");
    let w = parse_workflow(&std::fs::read_to_string(p).unwrap()).unwrap();
    let short = bescheid(&w, 2);
    let long = bescheid(&w, 80);
    measure("Bescheid, 1 page", || {
        render_bescheid(&short).unwrap();
    });
    let pages = render_bescheid(&long).unwrap();
    measure(
        &format!("Bescheid, long text ({} KB)", pages.bytes.len() / 1024),
        || {
            render_bescheid(&long).unwrap();
        },
    );

    let input: CaseInput = serde_json::from_value(json!({
        "caseId": "sondernutzung/2026/000042", "startDate": "2026-04-01", "land": "NW",
        "fields": {"fahrbahnBetroffen": true, "dauerTage": 40, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "84.00"}
    }))
    .unwrap();
    let messages = simulate_scripted(&w, &input).xdomea;
    let pdf = render_bescheid(&short).unwrap();
    let doc = |id: &str, name: &str, media: &str, bytes: Vec<u8>| StoredDocument {
        id: id.into(),
        name: name.into(),
        media_type: media.into(),
        bytes,
        betreff: name.into(),
        typ: "Anlage".into(),
        date: Date::new(2026, 4, 10).unwrap(),
        incoming: true,
        pdfa: false,
        signed: false,
    };
    let filing = FilingInput {
        workflow: &w,
        messages,
        documents: vec![
            doc("1", &pdf.file_name, "application/pdf", pdf.bytes.clone()),
            doc("2", "Lageplan.png", "image/png", vec![7u8; 5 * 1024 * 1024]),
        ],
        date: Date::new(2026, 4, 21).unwrap(),
    };
    measure("Veraktung containers (Bescheid + 5 MB upload)", || {
        filing_container(&filing).unwrap();
    });
}
