//! The xdomea Veraktung container: one ZIP per message named like it; the message XML (real
//! case form) validates against the official xdomea 3.1.0 XSD; every document the 0605
//! references is in the ZIP with the stored bytes (size and SHA-256), and nothing else is;
//! untrusted stored names never become paths; the same input gives the same bytes.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;

use common::outputs::{assert_valid_xdomea, referenced_files, unzip};
use fachwerk_backend::outputs::{
    filing_container, render_bescheid, safe_file_name, sha256_hex, Addressee, Authority,
    BescheidInput, FilingInput, StoredDocument,
};
use fachwerk_shared::model::{BescheidChannel, Land, Workflow};
use fachwerk_shared::parse_workflow;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, XdomeaMessage};
use fachwerk_shared::values::Date;
use serde_json::json;

fn workflow() -> Workflow {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows/sondernutzungserlaubnis.json");
    parse_workflow(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The messages of the case's Veraktung, as the engine's `WriteFiling` carries them.
fn messages(w: &Workflow) -> Vec<XdomeaMessage> {
    let input: CaseInput = serde_json::from_value(json!({
        "caseId": "sondernutzung/2026/000042",
        "startDate": "2026-04-01",
        "land": "NW",
        "fields": {"fahrbahnBetroffen": true, "dauerTage": 40, "flaecheQm": 12, "beginn": "2026-05-04", "gebuehr": "84.00"}
    }))
    .unwrap();
    let t = simulate_scripted(w, &input);
    assert!(!t.xdomea.is_empty(), "no Veraktung:\n{}", t.render_de());
    t.xdomea
}

fn documents(w: &Workflow) -> Vec<StoredDocument> {
    let date = Date::new(2026, 4, 20).unwrap();
    let bescheid = render_bescheid(&BescheidInput {
        authority: Authority {
            name: "Stadt Musterstadt".into(),
            address: vec!["Rathausplatz 1, 12345 Musterstadt".into()],
            contact: None,
        },
        workflow: w,
        case_id: "sondernutzung/2026/000042".into(),
        aktenzeichen: None,
        applicant: Addressee {
            name: "Jürgen Weiß".into(),
            address: vec!["Große Straße 5".into()],
        },
        date,
        land: Land::NW,
        channel: BescheidChannel::Brief,
        fiktion_tage: 3,
        title: "Sondernutzungserlaubnis".into(),
        body: "Erlaubnis erteilt.".into(),
        fields: Default::default(),
        rechtsbehelfsbelehrung: None,
        verwaltungsgericht: None,
        signer: None,
        payment: None,
    })
    .unwrap();
    vec![
        StoredDocument {
            id: "doc-1".into(),
            name: bescheid.file_name.clone(),
            media_type: bescheid.media_type.clone(),
            bytes: bescheid.bytes,
            betreff: "Bescheid Sondernutzungserlaubnis".into(),
            typ: "Bescheid".into(),
            date,
            incoming: false,
            pdfa: true,
            signed: true,
        },
        StoredDocument {
            id: "doc-2".into(),
            name: "../../etc/passwd".into(),
            media_type: "text/plain".into(),
            bytes: b"Antwort auf die R\xc3\xbcckfrage".to_vec(),
            betreff: "Antwort auf Rückfrage".into(),
            typ: "Anlage".into(),
            date: Date::new(2026, 4, 10).unwrap(),
            incoming: true,
            pdfa: false,
            signed: false,
        },
        StoredDocument {
            id: "doc-3".into(),
            name: "C:\\Pläne\\Lageplan <Müller & Söhne>.PNG".into(),
            media_type: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3],
            betreff: "Lageplan".into(),
            typ: "Anlage".into(),
            date: Date::new(2026, 4, 2).unwrap(),
            incoming: true,
            pdfa: false,
            signed: false,
        },
    ]
}

#[test]
fn container_holds_valid_messages_and_every_referenced_document() {
    let w = workflow();
    let msgs = messages(&w);
    let docs = documents(&w);
    let input = FilingInput {
        workflow: &w,
        messages: msgs.clone(),
        documents: docs.clone(),
        date: Date::new(2026, 4, 21).unwrap(),
    };
    let containers = filing_container(&input).unwrap();
    assert_eq!(containers.len(), msgs.len());
    let mut xmls = Vec::new();
    for (c, m) in containers.iter().zip(&msgs) {
        assert_eq!(c.media_type, "application/zip");
        assert_eq!(c.file_name, m.file_name.replace(".xml", ".zip"));
        assert_eq!(c.sha256, sha256_hex(&c.bytes));
        let entries = unzip(&c.bytes);
        println!(
            "{} ({} bytes): {:?}",
            c.file_name,
            c.bytes.len(),
            entries
                .iter()
                .map(|(n, b)| format!("{n} ({} bytes)", b.len()))
                .collect::<Vec<_>>()
        );
        let xml = entries.get(&m.file_name).unwrap_or_else(|| {
            panic!(
                "{} lacks {}: {:?}",
                c.file_name,
                m.file_name,
                entries.keys()
            )
        });
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(!text.contains("Probelauf"), "{text}");
        let refs = referenced_files(&text);
        let mut expected: Vec<&String> = refs.iter().collect();
        expected.push(&m.file_name);
        let mut names: Vec<&String> = entries.keys().collect();
        expected.sort();
        names.sort();
        assert_eq!(
            names, expected,
            "the ZIP holds exactly the message and its documents"
        );
        if m.code == "0605" {
            assert_eq!(refs.len(), docs.len(), "{text}");
            for d in &docs {
                let (name, bytes) = entries
                    .iter()
                    .find(|(_, b)| sha256_hex(b) == sha256_hex(&d.bytes))
                    .unwrap_or_else(|| panic!("{} missing", d.name));
                assert_eq!(bytes.len(), d.bytes.len());
                assert!(
                    !name.contains('/') && !name.contains('\\') && !name.contains(".."),
                    "{name}"
                );
                assert!(text.contains(&format!("<xdomea:Betreff>{}</xdomea:Betreff>", d.betreff)));
            }
            assert!(text.contains(
                "<xdomea:SignaturSiegelEingebettet>true</xdomea:SignaturSiegelEingebettet>"
            ));
            assert!(text.contains("<xdomea:DateinameOriginal>C:\\Pläne\\Lageplan &lt;Müller &amp; Söhne&gt;.PNG</xdomea:DateinameOriginal>"), "{text}");
            assert!(refs.iter().any(|r| r.ends_with("_passwd.txt")), "{refs:?}");
            assert!(
                refs.iter()
                    .any(|r| r.ends_with("_Bescheid_sondernutzung-2026-000042.pdf")),
                "{refs:?}"
            );
            assert!(
                refs.iter()
                    .any(|r| r.ends_with("_Lageplan_Mueller_Soehne.png")),
                "{refs:?}"
            );
            assert!(text.contains(
                "<xdomea:Hinweis>Übermittlung aus einem laufenden Fall</xdomea:Hinweis>"
            ));
        } else {
            assert!(refs.is_empty());
        }
        xmls.push((m.file_name.clone(), xml.clone()));
    }
    assert!(msgs.iter().any(|m| m.code == "0605"));
    // A broken copy of the 0605 (document file name removed) must be rejected.
    let ok = String::from_utf8(xmls[0].1.clone()).unwrap();
    let start = ok.find("<xdomea:Dateiname>").unwrap();
    let end = ok.find("</xdomea:Dateiname>").unwrap() + "</xdomea:Dateiname>".len();
    let broken = format!("{}{}", &ok[..start], &ok[end..]);
    assert_valid_xdomea(&xmls, Some(broken.as_bytes()));

    // Deterministic.
    let again = filing_container(&input).unwrap();
    assert_eq!(again, containers);
}

#[test]
fn without_documents_included_the_0605_files_none() {
    let mut w = workflow();
    for b in &mut w.blocks {
        if let fachwerk_shared::model::BlockKind::Veraktung(p) = &mut b.kind {
            p.include
                .retain(|i| *i != fachwerk_shared::model::Include::Dokumente);
        }
    }
    let msgs = messages(&w);
    let out = filing_container(&FilingInput {
        workflow: &w,
        messages: msgs.clone(),
        documents: documents(&w),
        date: Date::new(2026, 4, 21).unwrap(),
    })
    .unwrap();
    let entries = unzip(&out[0].bytes);
    assert_eq!(entries.len(), 1, "{:?}", entries.keys());
    let xml = String::from_utf8(entries[&msgs[0].file_name].clone()).unwrap();
    assert!(!xml.contains("<xdomea:Dokument>"), "{xml}");
    assert_valid_xdomea(
        &[(
            msgs[0].file_name.clone(),
            entries[&msgs[0].file_name].clone(),
        )],
        None,
    );
}

#[test]
fn no_messages_is_refused() {
    let w = workflow();
    let e = filing_container(&FilingInput {
        workflow: &w,
        messages: Vec::new(),
        documents: Vec::new(),
        date: Date::new(2026, 4, 21).unwrap(),
    })
    .unwrap_err();
    assert!(e.to_string().contains("keine Nachricht"), "{e}");
}

proptest::proptest! {
    /// Whatever name an upload claims, the name in the container is one plain file name.
    #[test]
    fn any_stored_name_becomes_one_plain_file_name(name in "\\PC{0,120}", sep in "[/\\\\.]{0,6}") {
        for n in [name.clone(), format!("{sep}{name}{sep}"), format!("..{sep}{name}")] {
            let safe = safe_file_name(&n);
            proptest::prop_assert!(!safe.is_empty() && safe.len() <= 80, "{n:?} → {safe:?}");
            proptest::prop_assert!(!safe.starts_with('.') && !safe.contains(".."), "{n:?} → {safe:?}");
            proptest::prop_assert!(safe.chars().filter(|c| *c == '.').count() <= 1, "{n:?} → {safe:?}");
            proptest::prop_assert!(
                safe.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
                "{n:?} → {safe:?}"
            );
        }
    }
}
