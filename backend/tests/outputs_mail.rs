//! Mail texts of every message kind (insta snapshots in `tests/snapshots/`): German first,
//! English below, the status link in every mail, the one-time answer link in a Rückfrage and
//! its reminder; missing required parts are refused naming the field.
#![allow(clippy::unwrap_used)]

use fachwerk_backend::outputs::{
    compose_message, kassenzeichen, Authority, Document, MessageInput, OutputError, PaymentRequest,
};
use fachwerk_shared::engine::MessageKind;
use fachwerk_shared::values::Date;
use fachwerk_shared::Money;

fn input(kind: MessageKind) -> MessageInput {
    MessageInput {
        kind,
        authority: Authority {
            name: "Stadt Musterstadt – Straßenverkehrsamt".into(),
            address: vec!["Rathausplatz 1".into(), "12345 Musterstadt".into()],
            contact: None,
        },
        workflow_name: "Sondernutzungserlaubnis".into(),
        reference: "SNE-2026-000042".into(),
        recipient_name: Some("Jürgen Weiß".into()),
        step_label: "Unterlagen nachfordern".into(),
        text: None,
        status_link: "https://fachwerk.example/status/St4tusT0ken".into(),
        answer_link: None,
        due: None,
        bekanntgabe: None,
        payment: None,
        attachments: Vec::new(),
    }
}

#[test]
fn rueckfrage_and_erinnerung() {
    let mut m = input(MessageKind::Rueckfrage);
    m.text = Some("Bitte reichen Sie einen Lageplan der Fläche nach.".into());
    m.answer_link = Some("https://fachwerk.example/rueckfrage/0neT1me".into());
    m.due = Date::new(2026, 4, 15);
    let mail = compose_message(&m).unwrap();
    assert!(mail
        .text
        .contains("https://fachwerk.example/rueckfrage/0neT1me"));
    assert!(mail
        .text
        .contains("https://fachwerk.example/status/St4tusT0ken"));
    assert!(mail.text.find("Guten Tag") < mail.text.find("Dear"));
    insta::assert_snapshot!("rueckfrage", format!("{}\n\n{}", mail.subject, mail.text));
    m.kind = MessageKind::Erinnerung;
    let mail = compose_message(&m).unwrap();
    insta::assert_snapshot!("erinnerung", format!("{}\n\n{}", mail.subject, mail.text));
    // Without answer link: refused.
    m.answer_link = None;
    assert!(
        matches!(compose_message(&m), Err(OutputError::InvalidInput { field, .. }) if field == "answerLink")
    );
}

#[test]
fn bescheid_carries_the_pdf() {
    let mut m = input(MessageKind::Bescheid);
    m.bekanntgabe = Date::new(2026, 4, 7);
    m.attachments = vec![Document::new(
        "Bescheid_SNE-2026-000042.pdf",
        "application/pdf",
        b"%PDF-1.7".to_vec(),
    )];
    let mail = compose_message(&m).unwrap();
    assert_eq!(mail.attachments.len(), 1);
    assert_eq!(
        mail.attachments[0].file_name,
        "Bescheid_SNE-2026-000042.pdf"
    );
    insta::assert_snapshot!("bescheid", format!("{}\n\n{}", mail.subject, mail.text));
}

#[test]
fn zahlungsaufforderung() {
    let mut m = input(MessageKind::Zahlungsaufforderung);
    assert!(
        matches!(compose_message(&m), Err(OutputError::InvalidInput { field, .. }) if field == "payment")
    );
    let k = kassenzeichen("sondernutzung/2026/000042", "gebuehr@1");
    m.payment = Some(PaymentRequest {
        amount: Money(123_456),
        kassenzeichen: k.clone(),
        due: Date::new(2026, 5, 4),
        purpose: "Sondernutzungsgebühr".into(),
        account: Some("IBAN DE02 1203 0000 0000 2020 51, Stadtkasse Musterstadt".into()),
    });
    let mail = compose_message(&m).unwrap();
    assert!(mail.text.contains("1.234,56 €"));
    assert!(mail.text.contains(&k[..4]));
    insta::assert_snapshot!(
        "zahlungsaufforderung",
        format!("{}\n\n{}", mail.subject, mail.text)
    );
}

#[test]
fn benachrichtigung_and_clerk_messages() {
    let mut m = input(MessageKind::Benachrichtigung);
    m.recipient_name = None;
    m.text = Some("Ihre Unterlagen sind vollständig eingegangen.".into());
    let mail = compose_message(&m).unwrap();
    assert!(mail.text.starts_with("Guten Tag,\n"));
    insta::assert_snapshot!(
        "benachrichtigung",
        format!("{}\n\n{}", mail.subject, mail.text)
    );
    let mut m = input(MessageKind::Eskalation);
    m.recipient_name = None;
    m.step_label = "Antrag prüfen".into();
    m.status_link = "https://fachwerk.example/faelle/sondernutzung%2F2026%2F000042".into();
    m.due = Date::new(2026, 4, 9);
    let mail = compose_message(&m).unwrap();
    insta::assert_snapshot!("eskalation", format!("{}\n\n{}", mail.subject, mail.text));
    m.kind = MessageKind::Wiedervorlage;
    let mail = compose_message(&m).unwrap();
    insta::assert_snapshot!(
        "wiedervorlage",
        format!("{}\n\n{}", mail.subject, mail.text)
    );
}
