//! BPMN 2.0 export and import (../shared/domain/blocks.md §1, §2 "BPMN:", §4 rule 3, §5).
//!
//! * [`to_bpmn`] writes one executable `process` with a lane per role, every block mapped onto
//!   standard BPMN elements (plus the helper elements the mapping needs), and everything BPMN has
//!   no slot for in `extensionElements` of the Fachwerk namespace [`FW_NS`]. The diagram
//!   (`bpmndi`) carries the layout. The output is deterministic: elements sorted by id, fixed
//!   attribute order, layout only in the `bpmndi:` section.
//! * [`from_bpmn`] reads a Fachwerk export back into the identical [`Workflow`](crate::Workflow),
//!   and maps the supported subset of BPMN files from other tools (bpmn-js, Camunda Modeler,
//!   Signavio) onto blocks. Whatever it cannot map is named in an [`ImportNote`].
//!
//! ## Export mapping (blocks.md §2, §5)
//!
//! | block | elements (the block's own element first) |
//! |---|---|
//! | Start | `startEvent` (message def. for ONLINE_ANTRAG/POSTEINGANG, timer `timeCycle`/`timeDate` for TIMER, none for INTERN); `eingangsbestaetigung` → helper `sendTask` |
//! | Sachbearbeitung | `userTask` + `potentialOwner`; ≥ 2 outcomes → helper `exclusiveGateway`, flows `outcome = "…"` |
//! | Vier-Augen | helper `userTask` (first check, unless `firstCheckBlock`) → `userTask` → `exclusiveGateway` ok/reject; `fw:separationOfDuties` |
//! | Mitzeichnung | `userTask` + `multiInstanceLoopCharacteristics` (`isSequential` from mode, cardinality, FEEL completion) → `exclusiveGateway` ok/veto |
//! | Schlusszeichnung | `userTask` → `exclusiveGateway` ok/reject; `fw:signature` |
//! | Wertgrenzen-Weiche | `exclusiveGateway`, one flow per band with FEEL `f > L and f <= U`; the unbounded top band is the `default` flow |
//! | Komplexitäts-Weiche | `exclusiveGateway`, rule conditions in canonical FEEL, `otherwise` = `default` flow |
//! | Rückfrage | `sendTask` → `eventBasedGateway` → message `intermediateCatchEvent` (reply) / timer `intermediateCatchEvent` (timeout) |
//! | Frist | timer `intermediateCatchEvent` (`timeDuration`, or FEEL `timeDate` over the date field) |
//! | Eskalation | timer `boundaryEvent` on the attached block's task (`cancelActivity` = interrupting); non-interrupting → helper `sendTask` + `endEvent`; without a task to attach to: a timer catch event |
//! | Bescheid | helper `serviceTask` (render) → `sendTask`; POSTFACH_ABRUF → helper `receiveTask` + interrupting timer `boundaryEvent` (abrufFrist) |
//! | Zahlung | `serviceTask` → helper `receiveTask` + interrupting timer `boundaryEvent` (payDeadline) |
//! | Veraktung | `serviceTask` + error `boundaryEvent` (`Error_xdomea`) for `fehler` |
//! | Benachrichtigung | `sendTask` |
//! | Ende | `endEvent` (+ `terminateEventDefinition`) |
//!
//! A block entered by more than one edge gets a merge `exclusiveGateway` in front (no task or
//! event joins implicitly). Roles become lanes (overlapping rectangles around their elements:
//! the layout is free, not in swimlanes) and `potentialOwner` expressions `group(<role id>)`.
//! All block data (`fw:block`), edges (`fw:edge`) and workflow data (`fw:workflow`) are kept as
//! JSON in extension elements; the block rectangle is `fw:rect` on the block's shape, and
//! `fw:routed` marks edges whose waypoints come from the layout.
//!
//! ## Element ids
//! BPMN ids must be XML NCNames, block ids need not be. Every id is built as
//! `Prefix_` + [`escape_id`] of the Fachwerk id; the original id is kept in the extension:
//!
//! | element | id |
//! |---|---|
//! | the element that represents a block (carries `fw:block`) | `Block_<id>` |
//! | a helper element of a block (gateway, timer, send task …) | `Helper_<kind>_<id>` |
//! | the sequence flow of an edge (carries `fw:edge`) | `Flow_<id>` |
//! | a flow between helpers of one block | `HelperFlow_<kind>_<id>` |
//! | a lane (one per role) | `Lane_<role id>` |
//!
//! Exactly one element per block has an id starting with `Block_`: tests and the bpmn-js check
//! count block shapes by that prefix.

mod dialect;
mod export;
mod fast;
mod foreign;
mod gather;
mod geometry;
mod import;
mod plan;
mod read;
mod xml;

pub use dialect::{CamundaForm, Engine, ExportNote};
pub use export::{to_bpmn, to_bpmn_export, to_bpmn_for, BpmnExport};
pub use import::from_bpmn;

/// BPMN 2.0 model namespace.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// BPMN 2.0 diagram interchange namespace.
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// OMG diagram common namespace (bounds).
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// OMG diagram interchange namespace (waypoints).
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// XML Schema instance namespace (`xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Fachwerk's extension namespace.
pub const FW_NS: &str = "https://fachwerk.opencode.de/bpmn/1.0";
/// The expression language of exported conditions: FEEL as specified by DMN 1.3.
pub const FEEL_LANGUAGE: &str = "https://www.omg.org/spec/DMN/20191111/FEEL/";

/// Inputs larger than this are refused before parsing (64 MiB: the export of a 10,000-block
/// workflow is about 27 MB, so the limit leaves room for the largest benchmarked workflows).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Elements nested deeper than this are refused.
pub const MAX_DEPTH: usize = 256;
/// Documents with more elements than this are refused (bounds memory use).
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Something the import could not map exactly; the workflow is still usable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportNote {
    /// Id of the BPMN element concerned (empty when the note is about the whole file).
    pub element_id: String,
    /// Its local element name, e.g. `dataObjectReference`.
    pub element_type: String,
    /// 1-based line of the element's start tag (0 when unknown).
    pub line: usize,
    pub message_de: String,
    pub message_en: String,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("Die Datei ist kein wohlgeformtes XML (Zeile {line}): {detail} / The file is not well-formed XML (line {line}): {detail}")]
    NotXml { line: usize, detail: String },
    #[error("Die Datei ist kein BPMN-2.0-Dokument: {detail} / The file is not a BPMN 2.0 document: {detail}")]
    NotBpmn { detail: String },
    #[error("Die Datei enthält eine Dokumenttyp-Deklaration (<!DOCTYPE …>, Zeile {line}); aus Sicherheitsgründen werden DTDs und Entitäten nicht verarbeitet / The file contains a document type declaration (<!DOCTYPE …>, line {line}); DTDs and entities are refused for security reasons")]
    DtdForbidden { line: usize },
    #[error("Die Datei ist zu groß ({size} Bytes, höchstens {limit}) / The file is too large ({size} bytes, at most {limit})")]
    TooLarge { size: usize, limit: usize },
    #[error("Die Elemente sind zu tief verschachtelt (mehr als {limit} Ebenen, Zeile {line}) / Elements are nested too deeply (more than {limit} levels, line {line})")]
    TooDeep { line: usize, limit: usize },
    #[error("Die Datei enthält zu viele Elemente (mehr als {limit}) / The file contains too many elements (more than {limit})")]
    TooManyElements { limit: usize },
    #[error("Die Datei enthält keinen Prozess (bpmn:process) / The file contains no process (bpmn:process)")]
    NoProcess,
}

impl ImportError {
    /// The German half of the message.
    pub fn message_de(&self) -> String {
        let full = self.to_string();
        full.split(" / ").next().unwrap_or_default().to_string()
    }

    /// The English half of the message.
    pub fn message_en(&self) -> String {
        let full = self.to_string();
        full.rsplit(" / ").next().unwrap_or_default().to_string()
    }
}

/// Escapes any text into the characters of an XML NCName (minus `.` and `_`), injectively:
/// ASCII letters, digits and `-` stay, every other character becomes `_<hex>_`.
/// `"bedarf-pruefen"` stays, `"b 1"` becomes `b_20_1`, `"Prüfung"` becomes `Pr_fc_fung`.
pub fn escape_id(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else {
            out.push('_');
            out.push_str(&format!("{:x}", u32::from(c)));
            out.push('_');
        }
    }
    out
}

/// The BPMN id of the element that represents block `id`.
pub fn block_element_id(id: &str) -> String {
    format!("Block_{}", escape_id(id))
}

/// Whether a character may appear in an XML 1.0 document (the `Char` production).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Text for a readable attribute: characters XML cannot carry are replaced by U+FFFD.
pub(crate) fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// JSON text that XML can carry: characters outside XML's `Char` production (they can only
/// occur inside JSON strings) are written as `\uXXXX` escapes, which JSON reads back unchanged.
pub(crate) fn json_for_xml(json: String) -> String {
    if json.chars().all(is_xml_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_xml_char(c) {
            out.push(c);
        } else {
            // Never a supplementary character: those are all valid XML.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_is_injective_on_tricky_inputs() {
        let inputs = [
            "a", "a_", "a_5f_", "_", "__", "a b", "a-b", "a.b", "ä", "", "1", "x_2d_",
        ];
        let mut seen = std::collections::BTreeSet::new();
        for i in inputs {
            assert!(seen.insert(escape_id(i)), "collision for {i:?}");
        }
        assert_eq!(escape_id("bedarf-pruefen"), "bedarf-pruefen");
        assert_eq!(escape_id("b 1"), "b_20_1");
    }

    #[test]
    fn json_escapes_non_xml_characters() {
        let s = serde_json::to_string("a\u{1}b\u{fffe}").unwrap_or_default();
        let x = json_for_xml(s);
        assert!(x.chars().all(is_xml_char));
        assert_eq!(
            serde_json::from_str::<String>(&x).ok().as_deref(),
            Some("a\u{1}b\u{fffe}")
        );
    }

    #[test]
    fn error_messages_have_both_languages() {
        let e = ImportError::NoProcess;
        assert!(e.message_de().contains("keinen Prozess"));
        assert!(e.message_en().contains("no process"));
    }
}
