//! xdomea 3.1.0 filing messages of a Veraktung (../shared/domain/xdomea.md §1.1, §2):
//!
//! * `FVDaten.SGOAblegen.0605` — the Vorgang with its Dokumente, Aktenplan-Kennzeichen,
//!   archive metadata (Aufbewahrung, Aussonderungsart), zdA and the internal Geschäftsgang;
//! * `FVDaten.GesamtprotokollAblegen.0623` — the full audit trail (one
//!   HistorienProtokollInformation per step) and the Geschäftsgang as Beteiligungsschritte; sent
//!   when `PROTOKOLL` is included and always with a zdA-Verfügung;
//! * `FVDaten.SGOZDAVerfuegen.0624` — when `zda` is set.
//!
//! All ids are deterministic UUIDs derived from workflow key, case id, Veraktung block and visit
//! ([`uuid`]). `IDSGO` of 0623/0624 is the Vorgang's own id (a real DMS returns its id in the
//! 0630 answer to 0605). `IDContainer` carries the value of the container rule's field. A
//! Probelauf has no primary files: each Dokument names the file it would carry, with the
//! PDF/A format code of the project's example message ([`DATEIFORMAT_PDFA_CODE`]).

use serde::Serialize;

use super::calendar;
use super::input::Case;
use super::xml::Xml;
use super::{GeschaeftsgangEntry, GgStatus, Step};
use crate::expr::{Date, Value};
use crate::model::{Block, BlockId, Include, SignatureLevel, VeraktungParams, Workflow};

pub use super::xml::uuid;

/// The xdomea 3.1.0 namespace.
pub const XDOMEA_NS: &str = "urn:xoev-de:xdomea:schema:3.1.0";
/// Code of PDF/A in the external code list `urn:xoev-de:xdomea:codeliste:dateiformat`
/// (XRepository). Placeholder, as in `xdomea-examples/minimal_FVDaten.SGOAblegen.0605.xml`:
/// replace with the code and list version of the DMS's code list before real use.
pub const DATEIFORMAT_PDFA_CODE: &str = "PLACEHOLDER-PDFA";
pub const DATEIFORMAT_LIST_VERSION: &str = "PLACEHOLDER";

/// One message file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XdomeaMessage {
    /// The Veraktung block that sent it.
    pub block: BlockId,
    /// "0605", "0623", "0624".
    pub code: String,
    /// "FVDaten.SGOAblegen.0605".
    pub name: String,
    /// `<ProzessID>_<name>.xml`.
    pub file_name: String,
    pub xml: String,
}

/// A document of the case file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Doc {
    /// Unique within the case (block id + running number).
    pub key: String,
    pub betreff: String,
    pub typ: &'static str,
    pub date: Date,
    pub incoming: bool,
    pub signed: Option<SignatureLevel>,
}

/// Everything a Veraktung files.
pub(super) struct Filing<'f> {
    pub w: &'f Workflow,
    pub case: &'f Case,
    pub block: &'f Block,
    pub params: &'f VeraktungParams,
    pub visit: u32,
    pub date: Date,
    pub steps: &'f [Step],
    pub gg: &'f [GeschaeftsgangEntry],
    pub docs: &'f [Doc],
}

const LIST_NACHRICHTENTYP: &str = "urn:xoev-de:xdomea:codeliste:nachrichtentyp";
const LIST_BETEILIGUNGSSTATUS: &str = "urn:xoev-de:xdomea:codeliste:beteiligungsstatus";
const LIST_AUSSONDERUNGSART: &str = "urn:xoev-de:xdomea:codeliste:aussonderungsart";
const LIST_DATEIFORMAT: &str = "urn:xoev-de:xdomea:codeliste:dateiformat";
const ENGINE: &str = "Fachwerk (Workflow-Engine)";

/// Central European time offset of a date (CEST from the last Sunday of March to the last
/// Sunday of October).
fn tz(d: Date) -> &'static str {
    let last_sunday = |month: u8| {
        let end = calendar::add_days(calendar::add_months(d_of(d.year(), month), 1), -1);
        calendar::add_days(end, -i64::from((calendar::weekday(end) + 1) % 7))
    };
    if d >= last_sunday(3) && d < last_sunday(10) {
        "+02:00"
    } else {
        "+01:00"
    }
}

fn d_of(year: u16, month: u8) -> Date {
    Date::new(year, month, 1).unwrap_or(calendar::from_day_number(0))
}

fn timestamp(d: Date, time: &str) -> String {
    format!("{d}T{time}{}", tz(d))
}

impl Filing<'_> {
    fn id(&self, what: &str) -> String {
        uuid(&[
            &self.w.key,
            &self.case.case_id,
            what,
            self.block.id.as_str(),
            &self.visit.to_string(),
        ])
    }

    fn doc_id(&self, what: &str, doc: &Doc) -> String {
        uuid(&[&self.w.key, &self.case.case_id, what, &doc.key])
    }

    fn includes(&self, i: Include) -> bool {
        self.params.include.contains(&i)
    }

    fn kopf(&self, x: &mut Xml, code: &str) {
        x.open("Kopf", &[]);
        x.leaf("ProzessID", &self.id("prozess"));
        x.code("Nachrichtentyp", LIST_NACHRICHTENTYP, "2.0", code);
        x.leaf("Erstellungszeitpunkt", &timestamp(self.date, "16:00:00"));
        x.open("Absender", &[]);
        x.leaf(
            "Zustaendigkeit",
            &format!(
                "Fachwerk – {} ({} v{})",
                self.w.name, self.w.key, self.w.version
            ),
        );
        x.close();
        x.open("Empfaenger", &[]);
        x.leaf("Zustaendigkeit", &format!("DMS „{}“", self.params.target));
        x.close();
        x.open("SendendesSystem", &[]);
        x.leaf("Produktname", "Fachwerk");
        x.leaf("Version", env!("CARGO_PKG_VERSION"));
        x.close();
        x.leaf(
            "Hinweis",
            "Probelauf (Simulation): keine echte Übermittlung",
        );
        x.leaf("Empfangsbestaetigung", "true");
        x.leaf("Importbestaetigung", "true");
        x.leaf("Erstellerkennung", "fachwerk-probelauf");
        x.leaf("Stapel", "false");
        x.close();
    }

    fn message(&self, code: &str, name: &str, body: impl FnOnce(&Self, &mut Xml)) -> XdomeaMessage {
        let mut x = Xml::new("xdomea");
        let root = format!("xdomea:{name}");
        x.open_root(&root, XDOMEA_NS);
        self.kopf(&mut x, code);
        body(self, &mut x);
        let xml = x.finish();
        XdomeaMessage {
            block: self.block.id.clone(),
            code: code.to_string(),
            name: name.to_string(),
            file_name: format!("{}_{name}.xml", self.id("prozess")),
            xml,
        }
    }

    fn kontakt(x: &mut Xml, tag: &str, org_unit: Option<&str>, zustaendigkeit: &str) {
        x.open(tag, &[]);
        if let Some(o) = org_unit.filter(|o| !o.trim().is_empty()) {
            x.open("Organisationseinheit", &[]);
            x.leaf("Name", o);
            x.close();
        }
        x.leaf("Zustaendigkeit", zustaendigkeit);
        x.close();
    }

    fn geschaeftsgang(&self, x: &mut Xml, tag: &str) {
        x.open(tag, &[]);
        x.open("Identifikation", &[]);
        x.leaf("ID", &self.id("geschaeftsgang"));
        x.close();
        for g in self.gg {
            x.open("Beteiligungsschritt", &[]);
            x.leaf("Nummer", &g.number.to_string());
            let status = if g.status == GgStatus::Erledigt {
                "003"
            } else {
                "004"
            };
            x.code("Status", LIST_BETEILIGUNGSSTATUS, "1.1", status);
            x.open("Verfuegung", &[]);
            Self::kontakt(x, "Ersteller", None, ENGINE);
            let addressee = g
                .role_name
                .clone()
                .or_else(|| g.person.clone())
                .unwrap_or_else(|| "–".into());
            Self::kontakt(x, "Adressat", g.org_unit.as_deref(), &addressee);
            x.leaf("Erstellungsdatum", &g.assigned.to_string());
            x.leaf(
                "Verfuegung",
                &format!("{} (Baustein {})", g.verfuegung, g.block),
            );
            if let Some(due) = g.due {
                x.leaf("TerminDatum", &due.to_string());
            }
            x.close();
            if let (Some(person), Some(done)) = (&g.person, g.done) {
                x.open("Bearbeitung", &[]);
                let who = match &g.role_name {
                    Some(r) => format!("{person} ({r})"),
                    None => person.clone(),
                };
                Self::kontakt(x, "Bearbeiter", g.org_unit.as_deref(), &who);
                x.leaf("Datum", &done.to_string());
                x.leaf("Vermerk", &g.vermerk);
                x.close();
            }
            x.close();
        }
        x.close();
    }

    fn dokument(&self, x: &mut Xml, doc: &Doc) {
        x.open("Dokument", &[]);
        x.open("Identifikation", &[]);
        x.leaf("ID", &self.doc_id("dokument", doc));
        x.close();
        x.open("AllgemeineMetadaten", &[]);
        x.leaf("Betreff", &doc.betreff);
        x.close();
        x.leaf(
            if doc.incoming {
                "Posteingangsdatum"
            } else {
                "Postausgangsdatum"
            },
            &doc.date.to_string(),
        );
        x.leaf("Typ", doc.typ);
        x.open("Version", &[]);
        x.leaf("Nummer", "1");
        x.open("Format", &[]);
        x.code(
            "Name",
            LIST_DATEIFORMAT,
            DATEIFORMAT_LIST_VERSION,
            DATEIFORMAT_PDFA_CODE,
        );
        x.leaf("Version", "2b");
        x.open("Primaerdokument", &[]);
        x.leaf(
            "Dateiname",
            &format!("{}_{}.pdf", self.doc_id("datei", doc), doc.typ),
        );
        if matches!(
            doc.signed,
            Some(SignatureLevel::Qes | SignatureLevel::Siegel | SignatureLevel::Fortgeschritten)
        ) {
            x.open("SignaturSiegel", &[]);
            x.leaf("SignaturSiegelEingebettet", "true");
            x.close();
        }
        x.close();
        x.close();
        x.close();
        x.close();
    }

    fn protocol(&self, x: &mut Xml) {
        for s in self.steps {
            x.open("HistorienProtokollInformation", &[]);
            let akteur = match (&s.person, &s.role_name) {
                (Some(p), Some(r)) => format!("{p} ({r})"),
                (Some(p), None) => p.clone(),
                _ => ENGINE.to_string(),
            };
            x.leaf("Akteur", &akteur);
            x.leaf("DatumUhrzeit", &timestamp(s.completed, "12:00:00"));
            x.leaf(
                "Aktion",
                &format!(
                    "„{}“ ({}, Baustein {}): {}",
                    s.label, s.block_type, s.block, s.decision.explanation_de
                ),
            );
            x.close();
        }
    }

    fn sgo_ablegen(&self, x: &mut Xml) {
        let p = self.params;
        x.open("SchriftgutobjektZumAblegen", &[]);
        x.leaf("FachverfahrenObjektID", &self.case.case_id);
        if let Value::Text(t) = self.case.value(&p.container_rule.field) {
            if !t.trim().is_empty() {
                x.leaf("IDContainer", &t);
            }
        }
        x.open("Schriftgutobjekt", &[]);
        x.open("Vorgang", &[]);
        x.open("Identifikation", &[]);
        x.leaf("ID", &self.id("vorgang"));
        x.close();
        x.open("AllgemeineMetadaten", &[]);
        x.leaf(
            "Betreff",
            &format!("{} – Fall {}", self.w.name, self.case.case_id),
        );
        if let Value::Text(az) = self.case.value(crate::expr::SYSTEM_FIELD_AKTENZEICHEN) {
            x.leaf("Kennzeichen", &az);
        }
        if let Some(f) = self.gg.iter().find(|g| g.role.is_some()) {
            x.leaf(
                "Federfuehrung",
                f.org_unit
                    .as_ref()
                    .or(f.role_name.as_ref())
                    .map_or("", |s| s.as_str()),
            );
        }
        x.open("Aktenplaneinheit", &[]);
        x.leaf("Kennzeichen", &p.aktenplan_kennzeichen);
        x.close();
        x.close();
        if p.aufbewahrungsdauer_jahre.is_some() || p.aussonderungsart.is_some() {
            x.open("ArchivspezifischeMetadaten", &[]);
            if let Some(years) = p.aufbewahrungsdauer_jahre {
                x.open("Aufbewahrungsdauer", &[]);
                x.leaf("AnzahlJahre", &years.min(u32::from(u16::MAX)).to_string());
                x.close();
            }
            if let Some(a) = p.aussonderungsart {
                x.open("Aussonderungsart", &[]);
                x.code("Aussonderungsart", LIST_AUSSONDERUNGSART, "1.0", a.tag());
                x.close();
            }
            if let (true, Some(years)) = (p.zda, p.aufbewahrungsdauer_jahre) {
                // The retention period runs from the end of the year the Vorgang was closed.
                let end_year = u32::from(self.date.year()).saturating_add(years).min(9999);
                x.leaf("Aufbewahrungsende", &format!("{end_year:04}-12-31"));
            }
            x.close();
        }
        x.leaf("Typ", &self.w.name);
        if p.zda {
            x.leaf("ZdA", "true");
            x.leaf("ZdADatum", &self.date.to_string());
        }
        x.open("Laufzeit", &[]);
        x.leaf("Beginn", &self.case.start.to_string());
        if p.zda {
            x.leaf("Ende", &self.date.to_string());
        }
        x.close();
        if self.includes(Include::Geschaeftsgang) && !self.gg.is_empty() {
            self.geschaeftsgang(x, "InternerGeschaeftsgang");
        }
        if self.includes(Include::Dokumente) {
            for d in self.docs {
                self.dokument(x, d);
            }
        }
        x.open("AnwendungsspezifischeErweiterung", &[]);
        x.leaf("Kennung", "urn:fachwerk:probelauf");
        x.leaf("Name", "Fachwerk-Probelauf");
        for (name, value) in [
            ("workflowKey", self.w.key.as_str()),
            ("workflowVersion", self.w.version.as_str()),
            ("veraktungBlock", self.block.id.as_str()),
            ("land", land_code(self.case.land)),
        ] {
            x.open("Feld", &[]);
            x.leaf("Name", name);
            x.leaf("Wert", value);
            x.close();
        }
        x.close();
        x.close();
        x.close();
        x.close();
    }

    fn gesamtprotokoll(&self, x: &mut Xml) {
        let id = self.id("vorgang");
        x.open("GesamtprotokollZumAblegen", &[]);
        x.leaf("IDSGO", &id);
        x.leaf("Ablageort", &format!("gesamtprotokoll/{id}"));
        if self.includes(Include::Geschaeftsgang) && !self.gg.is_empty() {
            self.geschaeftsgang(x, "Geschaeftsgang");
        }
        self.protocol(x);
        x.close();
    }

    fn zda(&self, x: &mut Xml) {
        x.open("SchriftgutobjektZumZDAVerfuegen", &[]);
        x.leaf("IDSGO", &self.id("vorgang"));
        x.close();
    }
}

fn land_code(l: super::Land) -> &'static str {
    use super::Land::*;
    match l {
        BW => "BW",
        BY => "BY",
        BE => "BE",
        BB => "BB",
        HB => "HB",
        HH => "HH",
        HE => "HE",
        MV => "MV",
        NI => "NI",
        NW => "NW",
        RP => "RP",
        SL => "SL",
        SN => "SN",
        ST => "ST",
        SH => "SH",
        TH => "TH",
    }
}

/// The messages one Veraktung sends, in sending order.
pub(super) fn messages(f: &Filing<'_>) -> Vec<XdomeaMessage> {
    let mut out = vec![f.message("0605", "FVDaten.SGOAblegen.0605", Filing::sgo_ablegen)];
    if f.includes(Include::Protokoll) || f.params.zda {
        out.push(f.message(
            "0623",
            "FVDaten.GesamtprotokollAblegen.0623",
            Filing::gesamtprotokoll,
        ));
    }
    if f.params.zda {
        out.push(f.message("0624", "FVDaten.SGOZDAVerfuegen.0624", Filing::zda));
    }
    out
}

/// A real document of a running case, filed with its bytes: they travel in the container
/// (`backend/src/outputs/filing.rs`) under `file_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledDocument {
    /// Stable within the case (the stored document's id); seeds the Dokument's UUID.
    pub key: String,
    pub betreff: String,
    /// "Bescheid", "Antrag", "Anlage" …
    pub typ: String,
    pub date: Date,
    /// Received from the applicant (Posteingang) rather than sent (Postausgang).
    pub incoming: bool,
    /// The name inside the container; the caller makes it safe and unique.
    pub file_name: String,
    /// The name it was uploaded or stored under (only ever written as escaped text).
    pub original_name: Option<String>,
    /// Code of the external list `urn:xoev-de:xdomea:codeliste:dateiformat` and the format
    /// version ("2b" for PDF/A-2b).
    pub format_code: String,
    pub format_version: String,
    /// Carries an embedded signature or seal.
    pub signed: bool,
}

const PROBELAUF_HINWEIS: &str = "Probelauf (Simulation): keine echte Übermittlung";
const REAL_HINWEIS: &str = "Übermittlung aus einem laufenden Fall";
/// Depth of `Vorgang/Dokument` in a 0605 message (root, SchriftgutobjektZumAblegen,
/// Schriftgutobjekt, Vorgang).
const DOKUMENT_DEPTH: usize = 4;

/// The form of a message the engine produced for a running case (`Effect::WriteFiling`) that
/// leaves the server: the Probelauf's hint and extension names become those of a real case,
/// and in a 0605 the Probelauf's document placeholders are replaced by `docs`, each naming its
/// file in the container. Messages without Dokumente (0623, 0624) keep their body.
pub fn for_case(m: &XdomeaMessage, docs: &[FiledDocument]) -> XdomeaMessage {
    let mut xml = m
        .xml
        .replace(
            &format!("<xdomea:Hinweis>{PROBELAUF_HINWEIS}</xdomea:Hinweis>"),
            &format!("<xdomea:Hinweis>{REAL_HINWEIS}</xdomea:Hinweis>"),
        )
        .replace(
            "<xdomea:Erstellerkennung>fachwerk-probelauf</xdomea:Erstellerkennung>",
            "<xdomea:Erstellerkennung>fachwerk</xdomea:Erstellerkennung>",
        )
        .replace(
            "<xdomea:Kennung>urn:fachwerk:probelauf</xdomea:Kennung>",
            "<xdomea:Kennung>urn:fachwerk:fall</xdomea:Kennung>",
        )
        .replace(
            "<xdomea:Name>Fachwerk-Probelauf</xdomea:Name>",
            "<xdomea:Name>Fachwerk-Fall</xdomea:Name>",
        );
    let pad = "  ".repeat(DOKUMENT_DEPTH);
    let open = format!("{pad}<xdomea:Dokument>\n");
    let close = format!("{pad}</xdomea:Dokument>\n");
    let ext = format!("{pad}<xdomea:AnwendungsspezifischeErweiterung>\n");
    if m.code == "0605" && xml.contains(&ext) {
        while let Some(start) = xml.find(&open) {
            let Some(len) = xml[start..].find(&close) else {
                break;
            };
            xml.replace_range(start..start + len + close.len(), "");
        }
        let mut x = Xml::fragment("xdomea", DOKUMENT_DEPTH);
        for d in docs {
            filed_dokument(&mut x, &m.file_name, d);
        }
        if let Some(at) = xml.find(&ext) {
            xml.insert_str(at, &x.fragment_text());
        }
    }
    XdomeaMessage { xml, ..m.clone() }
}

fn filed_dokument(x: &mut Xml, message: &str, d: &FiledDocument) {
    x.open("Dokument", &[]);
    x.open("Identifikation", &[]);
    x.leaf("ID", &uuid(&[message, "dokument", &d.key]));
    x.close();
    x.open("AllgemeineMetadaten", &[]);
    x.leaf("Betreff", &d.betreff);
    x.close();
    x.leaf(
        if d.incoming {
            "Posteingangsdatum"
        } else {
            "Postausgangsdatum"
        },
        &d.date.to_string(),
    );
    x.leaf("Typ", &d.typ);
    x.open("Version", &[]);
    x.leaf("Nummer", "1");
    x.open("Format", &[]);
    x.code(
        "Name",
        LIST_DATEIFORMAT,
        DATEIFORMAT_LIST_VERSION,
        &d.format_code,
    );
    x.leaf("Version", &d.format_version);
    x.open("Primaerdokument", &[]);
    x.leaf("Dateiname", &d.file_name);
    if let Some(o) = d.original_name.as_deref().filter(|o| !o.trim().is_empty()) {
        x.leaf("DateinameOriginal", o);
    }
    if d.signed {
        x.open("SignaturSiegel", &[]);
        x.leaf("SignaturSiegelEingebettet", "true");
        x.close();
    }
    x.close();
    x.close();
    x.close();
    x.close();
}
