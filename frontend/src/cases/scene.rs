//! The Vorgang screen's pure parts: the workflow drawing with the case's path (the Probelauf's
//! marks on the review's read-only drawing, so designers and clerks see the same picture), the
//! exits of a task with their German labels and the history in plain German. No leptos, no
//! browser API: unit tests run natively.

use fachwerk_shared::api::AuditEntry;
use fachwerk_shared::engine::State;
use fachwerk_shared::simulate::Trace;
use fachwerk_shared::{BlockId, BlockKind, Workflow};

use crate::i18n::Lang;
use crate::pure::geometry::{port_text, ports_of};
use crate::pure::probelauf::{marks, SimMarks};
use crate::pure::review_scene::{scene, Pane};

/// What the drawing highlights on the engine's trace of a case (the Probelauf's steps; the
/// worker computes it, `Job::CaseTrace`): the path so far, and the block the case waits at
/// glowing.
pub fn case_marks(w: &Workflow, state: &State, trace: &Trace) -> SimMarks {
    let mut m = marks(w, trace, trace.steps.len());
    if let Some(at) = &state.waiting_at {
        m.current = Some(at.block.clone());
    }
    m
}

/// The read-only drawing of `w` with the case's marks: visited blocks green, the current one
/// glowing, the taken connections drawn strong (the Probelauf's classes).
pub fn case_pane(w: &Workflow, m: &SimMarks, lang: Lang) -> Pane {
    let mut pane = scene(None, Some(w), false, false, lang)
        .panes
        .into_iter()
        .next()
        .unwrap_or(Pane {
            id: "rv-canvas-new",
            label: crate::pure::review_scene::READ_ONLY,
            shapes: Vec::new(),
            lines: Vec::new(),
        });
    for s in &mut pane.shapes {
        let id = BlockId(s.id.clone());
        s.class = if m.current.as_ref() == Some(&id) {
            "sim-current"
        } else if m.visited.contains(&id) {
            "sim-visited"
        } else {
            ""
        };
    }
    for l in &mut pane.lines {
        l.class = if m.edges.iter().any(|e| e.0 == l.id) {
            "sim-taken"
        } else {
            ""
        };
    }
    pane
}

/// The button label of `exit` at `block`, as a clerk acts: a check's or signature's `ok`
/// "Freigeben" and `reject` "Zurückweisen", a task's `ok` "Erledigt"; other exits by their port
/// label ("Rückfrage", "bis 1.000 €"); a Mitzeichnung vote "Mitzeichnen" / "Widersprechen";
/// an unknown exit by its name.
pub fn exit_label(w: &Workflow, block: &str, exit: &str, lang: Lang) -> String {
    let de = lang == Lang::De;
    if let Some(b) = w.blocks.iter().find(|b| b.id.0 == block) {
        let decides = matches!(
            b.kind,
            BlockKind::VierAugen(_) | BlockKind::Schlusszeichnung(_) | BlockKind::Mitzeichnung(_)
        );
        let act = match (exit, decides, de) {
            ("ok", true, true) => Some("Freigeben"),
            ("ok", true, false) => Some("Approve"),
            ("ok", false, true) => Some("Erledigt"),
            ("ok", false, false) => Some("Done"),
            ("reject", _, true) => Some("Zurückweisen"),
            ("reject", _, false) => Some("Reject"),
            _ => None,
        };
        if let Some(p) = ports_of(b).iter().find(|p| p.name == exit) {
            return act.map_or_else(|| port_text(p, lang), str::to_string);
        }
    }
    match (exit, de) {
        ("approve", true) => "Mitzeichnen".into(),
        ("approve", false) => "Co-sign".into(),
        ("veto", true) => "Widersprechen".into(),
        ("veto", false) => "Veto".into(),
        _ => exit.to_string(),
    }
}

/// One history entry in plain German (or English): who did what, naming the step by its
/// label, never by an internal id. `labels` maps block ids to the workflow's block labels.
pub fn audit_text(e: &AuditEntry, w: Option<&Workflow>, lang: Lang) -> String {
    let de = lang == Lang::De;
    let who = e
        .person
        .clone()
        .or_else(|| e.account.clone())
        .unwrap_or_else(|| if de { "Das System" } else { "The system" }.into());
    let s = |k: &str| e.detail.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let block = s("block");
    let step = w
        .and_then(|w| w.blocks.iter().find(|b| b.id.0 == block))
        .map(|b| w.map(|w| w.block_label(&b.id)).unwrap_or_default())
        .unwrap_or_else(|| block.to_string());
    match (e.kind.as_str(), de) {
        ("started", true) => format!("{who} hat den Vorgang angelegt ({}).", s("aktenzeichen")),
        ("started", false) => format!("{who} started the case ({}).", s("aktenzeichen")),
        ("claimed", true) => format!("{who} hat „{step}“ übernommen."),
        ("claimed", false) => format!("{who} claimed “{step}”."),
        ("released", true) => format!("{who} hat „{step}“ zurückgegeben."),
        ("released", false) => format!("{who} released “{step}”."),
        ("completed", _) => {
            let exit = w
                .map(|w| exit_label(w, block, s("exit"), lang))
                .unwrap_or_else(|| s("exit").to_string());
            if de {
                format!("{who} hat „{step}“ abgeschlossen: {exit}.")
            } else {
                format!("{who} completed “{step}”: {exit}.")
            }
        }
        ("timer", true) => "Eine Frist ist abgelaufen.".into(),
        ("timer", false) => "A deadline passed.".into(),
        ("taskCancelled", true) => "Eine Aufgabe wurde abgebrochen.".into(),
        ("taskCancelled", false) => "A task was cancelled.".into(),
        ("message", true) => "Eine Nachricht an die antragstellende Person ist fällig.".into(),
        ("message", false) => "A message to the applicant is due.".into(),
        ("document", true) => "Ein Dokument ist zu erstellen.".into(),
        ("document", false) => "A document is to be rendered.".into(),
        ("filing", true) => "Der Vorgang wird zur Akte gegeben (xdomea).".into(),
        ("filing", false) => "The case is filed (xdomea).".into(),
        ("ended", true) => "Der Vorgang ist abgeschlossen.".into(),
        ("ended", false) => "The case has ended.".into(),
        ("blocked", true) => "Der Vorgang kann nicht weiterlaufen.".into(),
        ("blocked", false) => "The case cannot go on.".into(),
        ("queryComposed", true) => format!("{who} hat die Rückfrage geschrieben und gesendet."),
        ("queryComposed", false) => format!("{who} wrote and sent the query."),
        ("documentAdded", true) => format!("{who} hat das Dokument „{}“ hinzugefügt.", s("name")),
        ("documentAdded", false) => format!("{who} added the document “{}”.", s("name")),
        ("mailSent", true) => "Eine Mail an die antragstellende Person ist versandt.".into(),
        ("mailSent", false) => "A mail to the applicant was sent.".into(),
        ("queryAnswered", true) => {
            "Die antragstellende Person hat die Rückfrage beantwortet.".into()
        }
        ("queryAnswered", false) => "The applicant answered the query.".into(),
        (other, _) => format!("{who}: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use fachwerk_shared::engine::{self, CaseStart};
    use fachwerk_shared::parse_workflow;
    use fachwerk_shared::simulate::Land;
    use fachwerk_shared::values::Date;

    fn procurement() -> Workflow {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../workflows/beschaffung.json"
        ))
        .expect("the procurement template");
        parse_workflow(&text).expect("it parses")
    }

    #[test]
    fn exits_carry_the_blocks_german_labels() {
        let w = procurement();
        let four_eyes = w
            .blocks
            .iter()
            .find(|b| b.id.0 == "preis-pruefen")
            .expect("the Vier-Augen block");
        let ports = ports_of(four_eyes);
        assert!(!ports.is_empty());
        let names: Vec<&str> = ports.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok", "reject"]);
        assert_eq!(exit_label(&w, "preis-pruefen", "ok", Lang::De), "Freigeben");
        assert_eq!(
            exit_label(&w, "preis-pruefen", "reject", Lang::De),
            "Zurückweisen"
        );
        assert_eq!(exit_label(&w, "bedarf-pruefen", "ok", Lang::De), "Erledigt");
        assert_eq!(exit_label(&w, "bedarf-pruefen", "ok", Lang::En), "Done");
        // Other exits keep the block's port label (a Wertgrenze band).
        let band = ports_of(
            w.blocks
                .iter()
                .find(|b| b.id.0 == "wertgrenze")
                .expect("band"),
        )
        .into_iter()
        .find(|p| p.name == "direktauftrag")
        .expect("its band");
        assert_eq!(
            exit_label(&w, "wertgrenze", "direktauftrag", Lang::De),
            band.label_de
        );
        assert_eq!(exit_label(&w, "x", "approve", Lang::De), "Mitzeichnen");
        assert_eq!(exit_label(&w, "x", "veto", Lang::En), "Veto");
    }

    #[test]
    fn a_started_case_glows_where_it_waits() {
        let w = procurement();
        let fields = BTreeMap::from([
            ("betragNetto".to_string(), serde_json::json!("12400.00")),
            ("gegenstand".to_string(), serde_json::json!("Drucker")),
            ("haushaltsstelle".to_string(), serde_json::json!("1.1.1")),
        ]);
        let start = CaseStart {
            case_id: "beschaffung/2026/000001".into(),
            initiator: Some("p-bea".into()),
            fields,
        };
        let (state, _) = engine::start(
            &w,
            &start,
            Date::parse("2026-03-02").expect("a date"),
            Land::NW,
        )
        .expect("the case starts");
        let trace = engine::trace(&w, &state).expect("a trace");
        let m = case_marks(&w, &state, &trace);
        assert_eq!(
            m.current.as_ref().map(|b| b.0.as_str()),
            Some("bedarf-pruefen")
        );
        assert!(trace.steps.iter().any(|s| s.block.0 == "start"));
        let pane = case_pane(&w, &m, Lang::De);
        let class_of = |id: &str| {
            pane.shapes
                .iter()
                .find(|s| s.id == id)
                .expect("drawn")
                .class
        };
        assert_eq!(class_of("bedarf-pruefen"), "sim-current");
        assert_eq!(class_of("start"), "sim-visited");
        assert_eq!(class_of("wertgrenze"), "");
        let taken: Vec<&str> = pane
            .lines
            .iter()
            .filter(|l| l.class == "sim-taken")
            .map(|l| l.id.as_str())
            .collect();
        assert_eq!(taken.len(), m.edges.len());
        assert!(
            pane.shapes
                .iter()
                .filter(|s| s.class == "sim-current")
                .count()
                == 1
        );
    }
}
