//! The Bescheid PDF: its text (poppler's `pdftotext`) names the applicant, the fee in German
//! format, the Rechtsbehelfsbelehrung with the authority and the Bekanntgabe date the Probelauf
//! computes for the same case; `qpdf --check` passes; the same input gives the same bytes; bad
//! input is refused naming the field. Also the Kassenzeichen of the Zahlung that follows.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::outputs::{assert_qpdf_check, pdf_fonts, pdf_text};
use fachwerk_backend::outputs::{
    date_de, kassenzeichen, kassenzeichen_is_valid, render_bescheid, Addressee, Authority,
    BescheidInput, OutputError, PaymentRequest,
};
use fachwerk_shared::model::{BescheidChannel, BlockKind, Land, Workflow};
use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Trace};
use fachwerk_shared::values::Date;
use fachwerk_shared::Money;
use serde_json::json;

fn workflow() -> Workflow {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows/sondernutzungserlaubnis.json");
    parse_workflow(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn fields() -> serde_json::Value {
    json!({"fahrbahnBetroffen": true, "dauerTage": 40, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "1234.56"})
}

/// A Probelauf where the Bescheid is not downloaded and goes out by letter (`bescheid-brief`).
fn probelauf(w: &Workflow, start: &str) -> Trace {
    let input: CaseInput = serde_json::from_value(json!({
        "caseId": "sondernutzung/2026/000042",
        "startDate": start,
        "land": "NW",
        "fields": fields(),
        "choices": {"bescheid": ["nichtAbgerufen"]}
    }))
    .unwrap();
    simulate_scripted(w, &input)
}

fn authority() -> Authority {
    Authority {
        name: "Stadt Musterstadt – Straßenverkehrsamt".into(),
        address: vec!["Rathausplatz 1".into(), "12345 Musterstadt".into()],
        contact: Some("strassen@musterstadt.example".into()),
    }
}

fn input<'a>(w: &'a Workflow, date: Date, channel: BescheidChannel) -> BescheidInput<'a> {
    BescheidInput {
        authority: authority(),
        workflow: w,
        case_id: "sondernutzung/2026/000042".into(),
        aktenzeichen: Some("SNE-2026-000042".into()),
        applicant: Addressee {
            name: "Jürgen Weiß".into(),
            address: vec!["Große Straße 5".into(), "12345 Musterstadt".into()],
        },
        date,
        land: Land::NW,
        channel,
        fiktion_tage: 3,
        title: "Sondernutzungserlaubnis".into(),
        body: "Ihnen wird die Erlaubnis erteilt, ab dem {{beginn}} für {{dauerTage}} Tage eine Fläche von {{flaecheQm}} m² der öffentlichen Straße zu nutzen.\n\nDie Sondernutzungsgebühr beträgt {{gebuehr}}.".into(),
        fields: serde_json::from_value::<BTreeMap<String, serde_json::Value>>(fields()).unwrap(),
        rechtsbehelfsbelehrung: None,
        verwaltungsgericht: None,
        signer: Some("Erika Mustermann".into()),
        payment: None,
    }
}

/// pdftotext breaks lines where the PDF does: compare with whitespace collapsed.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn bescheid_pdf_text_and_bekanntgabe_match_the_probelauf() {
    let w = workflow();
    let trace = probelauf(&w, "2026-04-01");
    let step = trace
        .steps
        .iter()
        .find(|s| s.block.as_str() == "bescheid-brief")
        .unwrap_or_else(|| panic!("no letter Bescheid:\n{}", trace.render_de()));
    let probelauf_bekanntgabe = step.due.unwrap();
    let Some(BlockKind::Bescheid(p)) = w.block(&step.block).map(|b| &b.kind) else {
        panic!("bescheid-brief is no Bescheid block");
    };
    assert_eq!(p.channel, BescheidChannel::Brief);

    let doc = render_bescheid(&input(&w, step.entered, p.channel)).unwrap();
    assert_eq!(doc.media_type, "application/pdf");
    assert_eq!(doc.file_name, "Bescheid_SNE-2026-000042.pdf");
    assert!(doc.bytes.starts_with(b"%PDF-1."));
    assert_qpdf_check(&doc.bytes);
    // Archivable: identified as PDF/A-2b, every font embedded as subset with a Unicode map.
    let raw = String::from_utf8_lossy(&doc.bytes);
    assert!(raw.contains("<pdfaid:part>2</pdfaid:part>"));
    assert!(raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    let fonts = pdf_fonts(&doc.bytes);
    assert_eq!(fonts.len(), 2, "{fonts:?}");
    for (name, embedded, subset, unicode) in fonts.iter().cloned() {
        assert!(name.contains("LiberationSans"), "{fonts:?}");
        assert!(embedded && subset && unicode, "{fonts:?}");
    }

    let text = flat(&pdf_text(&doc.bytes));
    println!("{} ({} bytes)\n{text}", doc.file_name, doc.bytes.len());
    for expected in [
        "Stadt Musterstadt – Straßenverkehrsamt",
        "Jürgen Weiß",
        "Große Straße 5",
        "SNE-2026-000042",
        &date_de(step.entered),
        "Bescheid – Sondernutzungserlaubnis",
        "1.234,56 €",
        "ab dem 04.05.2026 für 40 Tage eine Fläche von 12 m²",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats nach seiner Bekanntgabe Widerspruch",
        "zur Niederschrift bei Stadt Musterstadt – Straßenverkehrsamt, Rathausplatz 1, 12345 Musterstadt",
        "Im Auftrag",
        "Erika Mustermann",
        "Seite 1 von",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    let bekanntgabe = format!(
        "Er gilt am 3. Tag danach, dem {}, als bekannt gegeben (§ 41 Abs. 2 VwVfG)",
        date_de(probelauf_bekanntgabe)
    );
    assert!(
        text.contains(&bekanntgabe),
        "{bekanntgabe:?} missing in:\n{text}"
    );

    // Deterministic: the same input gives the same bytes; another date other bytes.
    let again = render_bescheid(&input(&w, step.entered, p.channel)).unwrap();
    assert_eq!(doc.sha256, again.sha256);
    assert_eq!(doc.bytes, again.bytes);
    let later = Date::new(2026, 6, 1).unwrap();
    assert_ne!(
        render_bescheid(&input(&w, later, p.channel))
            .unwrap()
            .sha256,
        doc.sha256
    );
}

#[test]
fn bekanntgabe_over_a_holiday_weekend_equals_the_probelauf() {
    // Two weeks of start dates before Easter 2026: some letters' 3rd day falls on a weekend
    // or Good Friday / Easter Monday and moves to the next working day.
    let w = workflow();
    let mut moved = 0;
    for day in 16..30 {
        let start = format!("2026-03-{day}");
        let trace = probelauf(&w, &start);
        let step = trace
            .steps
            .iter()
            .find(|s| s.block.as_str() == "bescheid-brief")
            .unwrap();
        let due = step.due.unwrap();
        if fachwerk_shared::simulate::calendar::add_days(step.entered, 3) != due {
            moved += 1;
        }
        let text = flat(&pdf_text(
            &render_bescheid(&input(&w, step.entered, BescheidChannel::Brief))
                .unwrap()
                .bytes,
        ));
        assert!(
            text.contains(&format!("dem {}, als bekannt gegeben", date_de(due))),
            "{start}: {} missing in {text}",
            date_de(due)
        );
    }
    assert!(
        moved > 0,
        "no start date moved the Bekanntgabe: the check proves nothing"
    );
}

#[test]
fn other_channels_and_default_texts() {
    let w = workflow();
    let d = Date::new(2026, 5, 4).unwrap();
    let mut i = input(&w, d, BescheidChannel::PostfachAbruf);
    i.signer = None;
    i.verwaltungsgericht =
        Some("Verwaltungsgericht Musterstadt, Gerichtsstraße 2, 12345 Musterstadt".into());
    let text = flat(&pdf_text(&render_bescheid(&i).unwrap().bytes));
    assert!(
        text.contains("Er gilt am Tag nach dem Abruf als bekannt gegeben (§ 41 Abs. 2a VwVfG)"),
        "{text}"
    );
    assert!(
        text.contains("Klage erhoben werden. Die Klage ist beim Verwaltungsgericht Musterstadt"),
        "{text}"
    );
    assert!(
        text.contains("ohne Unterschrift gültig (§ 37 Abs. 5 VwVfG)"),
        "{text}"
    );
    // A fee due with the Bescheid (Zahlung MIT_BESCHEID): its own section.
    let k = kassenzeichen("sondernutzung/2026/000042", "gebuehr@1");
    let mut with_fee = input(&w, d, BescheidChannel::Brief);
    with_fee.payment = Some(PaymentRequest {
        amount: Money(8_400),
        kassenzeichen: k.clone(),
        due: Date::new(2026, 6, 3),
        purpose: "Sondernutzungsgebühr".into(),
        account: None,
    });
    let text = flat(&pdf_text(&render_bescheid(&with_fee).unwrap().bytes));
    let grouped = k
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(&format!("Zahlung Bitte zahlen Sie 84,00 € für: Sondernutzungsgebühr. Kassenzeichen: {grouped} Zahlen Sie bitte bis zum 03.06.2026.")), "{text}");
    assert!(!text.contains("English"), "{text}");
    // Characters the font lacks (CJK, emoji) and control characters do not stop the PDF/A.
    let mut foreign = input(&w, d, BescheidChannel::Brief);
    foreign.applicant.name = "Li 李 Wei 😀\u{7}".into();
    let doc = render_bescheid(&foreign).unwrap();
    assert_qpdf_check(&doc.bytes);
    assert!(flat(&pdf_text(&doc.bytes)).contains("Li ? Wei ?"));
    let mut own = input(&w, d, BescheidChannel::FoermlicheZustellung);
    own.rechtsbehelfsbelehrung = Some("Eigene Belehrung: Widerspruch bis {{beginn}}.".into());
    let text = flat(&pdf_text(&render_bescheid(&own).unwrap().bytes));
    assert!(
        text.contains("Eigene Belehrung: Widerspruch bis 04.05.2026."),
        "{text}"
    );
    assert!(text.contains("förmlich zugestellt"), "{text}");
}

#[test]
fn a_long_text_flows_onto_further_pages() {
    let w = workflow();
    let mut i = input(&w, Date::new(2026, 5, 4).unwrap(), BescheidChannel::Brief);
    i.body = (1..=60)
        .map(|n| format!("Auflage {n}: Die Fläche ist während der Nutzung zu sichern und sauber zu halten; Schäden an der Straße sind zu melden."))
        .collect::<Vec<_>>()
        .join("\n");
    let doc = render_bescheid(&i).unwrap();
    assert_qpdf_check(&doc.bytes);
    let text = flat(&pdf_text(&doc.bytes));
    assert!(text.contains("Auflage 60:"), "{text}");
    assert!(text.contains("Seite 2 von"), "{text}");
    assert!(text.contains("Rechtsbehelfsbelehrung"));
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let w = workflow();
    let d = Date::new(2026, 5, 4).unwrap();
    let mut i = input(&w, d, BescheidChannel::Brief);
    i.body = "Betrag: {{unbekannt}}".into();
    let e = render_bescheid(&i).unwrap_err();
    assert!(
        matches!(&e, OutputError::InvalidInput { field, .. } if field == "unbekannt"),
        "{e}"
    );
    assert!(e.to_string().contains("Platzhalters"), "{e}");
    i.body = "offen {{gebuehr".into();
    assert!(
        matches!(render_bescheid(&i), Err(OutputError::InvalidInput { field, .. }) if field == "body")
    );
    let mut i = input(&w, d, BescheidChannel::Brief);
    i.applicant.name = " ".into();
    assert!(
        matches!(render_bescheid(&i), Err(OutputError::InvalidInput { field, .. }) if field == "applicant.name")
    );
    let mut i = input(&w, d, BescheidChannel::Brief);
    i.authority.name.clear();
    assert!(
        matches!(render_bescheid(&i), Err(OutputError::InvalidInput { field, .. }) if field == "authority.name")
    );
}

#[test]
fn kassenzeichen_of_the_fee() {
    let k = kassenzeichen("sondernutzung/2026/000042", "gebuehr@1");
    assert!(kassenzeichen_is_valid(&k), "{k}");
    assert_eq!(k, kassenzeichen("sondernutzung/2026/000042", "gebuehr@1"));
    let others: std::collections::BTreeSet<String> = (0..2000)
        .map(|n| kassenzeichen(&format!("sondernutzung/2026/{n:06}"), "gebuehr@1"))
        .collect();
    assert_eq!(others.len(), 2000);
}
