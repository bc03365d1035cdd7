//! The Bescheid as PDF/A-2b: letterhead, address window, Aktenzeichen and date, the block's
//! text with the case fields filled in, the Bekanntgabe (§ 41 VwVfG, computed by the same
//! function as the Probelauf's) and the Rechtsbehelfsbelehrung (§ 58, § 70 VwGO).
//!
//! The font is Liberation Sans 2.1.5 (SIL Open Font License 1.1, `backend/assets/fonts/`),
//! embedded as subset, so umlauts, ß and € print and copy correctly; krilla checks the PDF/A-2b
//! rules on export. Output is deterministic: the creation date is the Bescheid's date, the
//! document id is derived from the input.

use std::collections::BTreeMap;

use fachwerk_shared::model::{BescheidChannel, FieldType, Land, Workflow};
use fachwerk_shared::simulate::calendar;
use fachwerk_shared::values::Date;
use fachwerk_shared::Money;

use super::{date_de, euro_de, sha256_hex, Addressee, Authority, Document, OutputError};

mod layout;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

/// Everything a Bescheid shows.
#[derive(Debug, Clone)]
pub struct BescheidInput<'a> {
    pub authority: Authority,
    /// The case's workflow version (field types and labels for the placeholders).
    pub workflow: &'a Workflow,
    pub case_id: String,
    pub aktenzeichen: Option<String>,
    pub applicant: Addressee,
    /// The day the Bescheid is issued and sent (its date; also the PDF's creation date).
    pub date: Date,
    /// The Land whose working days count for the Bekanntgabe.
    pub land: Land,
    /// The Bescheid block's delivery: channel and Bekanntgabefiktion.
    pub channel: BescheidChannel,
    pub fiktion_tage: u32,
    /// Heading under "Bescheid", e.g. "Sondernutzungserlaubnis".
    pub title: String,
    /// The decision text; `{{feld}}` is replaced by the case field's value in German form.
    pub body: String,
    /// The case fields.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The block's own Rechtsbehelfsbelehrung; none → [`default_rechtsbehelfsbelehrung`].
    pub rechtsbehelfsbelehrung: Option<String>,
    /// For the default: the Verwaltungsgericht, when the Land has abolished the
    /// Widerspruchsverfahren for this matter (§ 68 Abs. 1 Satz 2 VwGO); none → Widerspruch.
    pub verwaltungsgericht: Option<String>,
    /// Who signs ("Im Auftrag / Name"); none → the § 37 Abs. 5 VwVfG note.
    pub signer: Option<String>,
}

/// The Rechtsbehelfsbelehrung when the block has none: Widerspruch at the authority
/// (§ 70 VwGO), or, without Vorverfahren, Klage at the named court (§ 74 VwGO); both name the
/// one-month period, form and place as § 58 Abs. 1 VwGO requires.
pub fn default_rechtsbehelfsbelehrung(authority: &Authority, court: Option<&str>) -> String {
    let address = if authority.address.is_empty() {
        String::new()
    } else {
        format!(", {}", authority.address.join(", "))
    };
    match court {
        Some(court) if !court.trim().is_empty() => format!(
            "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage erhoben werden. Die Klage ist beim {} schriftlich, zur Niederschrift des Urkundsbeamten der Geschäftsstelle oder in elektronischer Form nach § 55a VwGO zu erheben. Sie muss den Kläger, den Beklagten ({}) und den Gegenstand des Klagebegehrens bezeichnen.",
            court.trim(),
            authority.name
        ),
        _ => format!(
            "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Abs. 2 VwVfG oder zur Niederschrift bei {}{address} einzulegen.",
            authority.name
        ),
    }
}

/// A case field's value as a German reads it: amounts "1.234,56 €", dates "05.03.2026",
/// yes/no "ja"/"nein".
fn field_text(w: &Workflow, name: &str, v: &serde_json::Value) -> String {
    let ty = w
        .fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.field_type);
    let raw = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => return String::new(),
        other => other.to_string(),
    };
    match (ty, v) {
        (Some(FieldType::Money), _) => Money::parse(&raw).map(euro_de).unwrap_or(raw),
        (Some(FieldType::Date), _) => Date::parse(&raw).map(date_de).unwrap_or(raw),
        (_, serde_json::Value::Bool(b)) => if *b { "ja" } else { "nein" }.to_string(),
        (_, serde_json::Value::Number(_)) => raw.replace('.', ","),
        _ => raw,
    }
}

/// `text` with every `{{feld}}` replaced by the field's German value. An unknown or empty
/// field is refused, naming it, rather than printed as a gap in a legal document.
pub fn fill_placeholders(
    text: &str,
    w: &Workflow,
    fields: &BTreeMap<String, serde_json::Value>,
) -> Result<String, OutputError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(OutputError::invalid(
                "body",
                "ein Platzhalter „{{“ wird nicht mit „}}“ geschlossen",
                "a placeholder \"{{\" is not closed by \"}}\"",
            ));
        };
        let name = after[..end].trim();
        let value = fields
            .get(name)
            .map(|v| field_text(w, name, v))
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                OutputError::invalid(
                    name,
                    "das Fallfeld des Platzhalters fehlt oder ist leer",
                    "the case field of the placeholder is missing or empty",
                )
            })?;
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The Bekanntgabe sentence: when the Bescheid counts as notified.
fn bekanntgabe_text(i: &BescheidInput<'_>) -> String {
    match i.channel {
        BescheidChannel::Brief | BescheidChannel::Email => {
            let dl = calendar::bekanntgabe_fiktion(i.date, i.fiktion_tage, i.land);
            let how = if i.channel == BescheidChannel::Brief {
                "am {} zur Post gegeben"
            } else {
                "am {} elektronisch übermittelt"
            }
            .replace("{}", &date_de(i.date));
            format!(
                "Dieser Bescheid wird {how}. Er gilt am {}. Tag danach, dem {}, als bekannt gegeben (§ 41 Abs. 2 VwVfG){}.",
                i.fiktion_tage,
                date_de(dl.date),
                if dl.moved.is_some() {
                    "; fällt dieser Tag auf einen Samstag, Sonntag oder Feiertag, auf den nächsten Werktag (§ 31 Abs. 3 VwVfG)"
                } else {
                    ""
                }
            )
        }
        BescheidChannel::PostfachAbruf => format!(
            "Dieser Bescheid wird am {} zum Abruf bereitgestellt. Er gilt am Tag nach dem Abruf als bekannt gegeben (§ 41 Abs. 2a VwVfG).",
            date_de(i.date)
        ),
        BescheidChannel::FoermlicheZustellung => {
            "Dieser Bescheid wird förmlich zugestellt; er ist mit der Zustellung bekannt gegeben (Zustellungsurkunde).".to_string()
        }
    }
}

/// The Bescheid of `i` as PDF/A-2b, named `Bescheid_<Aktenzeichen or case>.pdf`.
pub fn render_bescheid(i: &BescheidInput<'_>) -> Result<Document, OutputError> {
    if i.authority.name.trim().is_empty() {
        return Err(OutputError::invalid(
            "authority.name",
            "der Name der Behörde fehlt (Briefkopf und Rechtsbehelfsbelehrung)",
            "the authority's name is missing (letterhead and legal remedies)",
        ));
    }
    if i.applicant.name.trim().is_empty() {
        return Err(OutputError::invalid(
            "applicant.name",
            "der Name der Antragstellerin / des Antragstellers fehlt",
            "the applicant's name is missing",
        ));
    }
    if i.fiktion_tage == 0 && matches!(i.channel, BescheidChannel::Brief | BescheidChannel::Email) {
        return Err(OutputError::invalid("fiktionTage", "ist 0", "is 0"));
    }
    let body = fill_placeholders(&i.body, i.workflow, &i.fields)?;
    let reference = i.aktenzeichen.clone().unwrap_or_else(|| i.case_id.clone());
    let belehrung = match &i.rechtsbehelfsbelehrung {
        Some(t) if !t.trim().is_empty() => fill_placeholders(t, i.workflow, &i.fields)?,
        _ => default_rechtsbehelfsbelehrung(&i.authority, i.verwaltungsgericht.as_deref()),
    };
    let mut info = vec![
        ("Aktenzeichen".to_string(), reference.clone()),
        ("Datum".to_string(), date_de(i.date)),
    ];
    if i.aktenzeichen.is_some() {
        info.push(("Fall".to_string(), i.case_id.clone()));
    }
    if let Some(c) = &i.authority.contact {
        info.push(("Kontakt".to_string(), c.clone()));
    }
    let signature = match &i.signer {
        Some(s) if !s.trim().is_empty() => vec!["Im Auftrag".to_string(), s.trim().to_string()],
        _ => vec![
            "Dieser Bescheid wurde mit Hilfe automatischer Einrichtungen erlassen und ist ohne Unterschrift gültig (§ 37 Abs. 5 VwVfG).".to_string(),
        ],
    };
    let letter = layout::Letter {
        sender: &i.authority,
        recipient: &i.applicant,
        info,
        heading: format!("Bescheid – {}", i.title.trim()),
        body,
        bekanntgabe: bekanntgabe_text(i),
        belehrung,
        signature,
    };
    let doc_id = sha256_hex(format!("{}\u{ff}{}\u{ff}{}", i.case_id, reference, i.date).as_bytes());
    let bytes = layout::render(&letter, REGULAR, BOLD, i.date, &doc_id)?;
    // A case id has slashes ("sondernutzung/2026/000042"): part of the name, not a path.
    let name = super::safe_file_name(&format!(
        "Bescheid_{}.pdf",
        reference.replace(['/', '\\'], "-")
    ));
    Ok(Document::new(name, "application/pdf", bytes))
}
