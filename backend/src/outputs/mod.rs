//! What a case sends out, rendered: mail texts ([`compose_message`]), the Bescheid as PDF
//! ([`render_bescheid`]), the Kassenzeichen and Zahlungsaufforderung ([`kassenzeichen`],
//! [`payment_text`]) and the xdomea 3.1.0 Veraktung container ([`filing_container`]).
//!
//! Every function here is pure and deterministic: bytes in, bytes out, no IO, no clock, no
//! database. The same input gives byte-identical output (the PDF's creation date and the ZIP
//! entries' times come from the input), so a document's sha256 is stable and a retried
//! delivery sends the same bytes. The delivery machinery (outbox, SMTP, E-Akte outbox) lives
//! elsewhere and calls these functions off the async workers.

mod bescheid;
mod filing;
mod kasse;
mod mail;

use sha2::{Digest, Sha256};

pub use bescheid::{
    default_rechtsbehelfsbelehrung, fill_placeholders, render_bescheid, BescheidInput,
};
pub use filing::{filing_container, safe_file_name, FilingInput, StoredDocument};
pub use kasse::{kassenzeichen, kassenzeichen_is_valid, payment_text, PaymentRequest};
pub use mail::{compose_message, ComposedMessage, MessageInput};

/// The authority that sends: letterhead of the Bescheid, signature of the mails.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authority {
    /// "Stadt Musterstadt – Ordnungsamt".
    pub name: String,
    /// Postal address lines under the name.
    pub address: Vec<String>,
    /// Contact line (telephone, e-mail), optional.
    pub contact: Option<String>,
}

/// Whom a Bescheid or a mail is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addressee {
    pub name: String,
    /// Street, postcode and town, one line each.
    pub address: Vec<String>,
}

/// A rendered file: what is stored, attached or filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
}

impl Document {
    pub fn new(
        file_name: impl Into<String>,
        media_type: impl Into<String>,
        bytes: Vec<u8>,
    ) -> Self {
        Document {
            file_name: file_name.into(),
            media_type: media_type.into(),
            sha256: sha256_hex(&bytes),
            bytes,
        }
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a document could not be rendered (German first, English after the slash).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A required input is empty or malformed (names the field).
    #[error("Ausgabe: „{field}“ fehlt oder ist ungültig: {message_de} / output: {field:?} is missing or invalid: {message_en}")]
    InvalidInput {
        field: String,
        message_de: String,
        message_en: String,
    },
    #[error("Der Bescheid konnte nicht als PDF erzeugt werden: {0} / the notice could not be rendered as PDF: {0}")]
    Pdf(String),
    #[error("Der Veraktungs-Container konnte nicht erzeugt werden: {0} / the filing container could not be written: {0}")]
    Zip(String),
}

impl OutputError {
    fn invalid(field: &str, de: &str, en: &str) -> Self {
        OutputError::InvalidInput {
            field: field.to_string(),
            message_de: de.to_string(),
            message_en: en.to_string(),
        }
    }
}

/// German amount with cents: "1.234,56 €", "25.000,00 €".
pub fn euro_de(m: fachwerk_shared::Money) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    let mut euros = (abs / 100).to_string();
    let mut grouped = String::new();
    while euros.len() > 3 {
        let tail = euros.split_off(euros.len() - 3);
        grouped = format!(".{tail}{grouped}");
    }
    format!("{sign}{euros}{grouped},{:02} €", abs % 100)
}

/// English amount with cents: "€1,234.56".
pub fn euro_en(m: fachwerk_shared::Money) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    let mut euros = (abs / 100).to_string();
    let mut grouped = String::new();
    while euros.len() > 3 {
        let tail = euros.split_off(euros.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    format!("{sign}€{euros}{grouped}.{:02}", abs % 100)
}

/// German date "05.03.2026".
pub fn date_de(d: fachwerk_shared::values::Date) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fachwerk_shared::Money;

    #[test]
    fn amounts_in_german_and_english() {
        assert_eq!(euro_de(Money(123_456)), "1.234,56 €");
        assert_eq!(euro_de(Money(250_000_000)), "2.500.000,00 €");
        assert_eq!(euro_de(Money(5)), "0,05 €");
        assert_eq!(euro_de(Money(-100_000)), "-1.000,00 €");
        assert_eq!(euro_en(Money(123_456)), "€1,234.56");
    }

    #[test]
    fn documents_carry_their_checksum() {
        let d = Document::new("a.txt", "text/plain", b"abc".to_vec());
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
