//! The walk from Start to an Ende and the helpers every block uses. Blocks nobody works on are
//! in `automatic.rs` and `external.rs`, human tasks in `tasks.rs`.

use std::collections::BTreeMap;

use super::calendar::{self, Deadline};
use super::decisions::Decisions;
use super::input::Case;
use super::text::{end_result_de, end_result_en};
use super::xdomea::{Doc, XdomeaMessage};
use super::{BlockedCode, Decision, GeschaeftsgangEntry, Outcome, Step, Trace, MAX_STEPS};
use crate::catalog;
use crate::expr::{Date, EvalError};
use crate::model::*;
use crate::values::{Duration, DurationParts};

/// Where a block leaves: `port` of block `from` (an Eskalation when a task was taken away).
pub(super) struct Exit {
    pub from: BlockId,
    pub port: String,
    /// Index of the step whose explanation gets the target appended.
    pub step: usize,
}

pub(super) type Flow = Result<Exit, Outcome>;

pub(super) struct Run<'a, D: Decisions> {
    pub w: &'a Workflow,
    pub case: &'a Case,
    pub d: &'a mut D,
    /// The simulated today.
    pub now: Date,
    pub visits: BTreeMap<BlockId, u32>,
    /// Everyone who ever acted in a block.
    pub performers: BTreeMap<BlockId, Vec<String>>,
    /// Who acted in the latest visit of a block.
    pub last_performers: BTreeMap<BlockId, Vec<String>>,
    pub steps: Vec<Step>,
    pub gg: Vec<GeschaeftsgangEntry>,
    pub docs: Vec<Doc>,
    pub xdomea: Vec<XdomeaMessage>,
    /// Set when the decisions paused the walk ([`Decisions::pause`]).
    pub paused: Option<Paused>,
    /// Later versions of the case data ([`Decisions::case_version`]); empty in a Probelauf.
    pub versions: &'a [Case],
}

/// Where a walk paused: the block taken back, with what it had produced (its steps carry the
/// deadlines the case waits for).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Paused {
    pub visit: u32,
    /// The day the block was entered.
    pub entered: Date,
    pub steps: Vec<Step>,
    pub gg: Vec<GeschaeftsgangEntry>,
    pub xdomea: Vec<XdomeaMessage>,
}

pub(super) fn blocked(
    block: &BlockId,
    code: BlockedCode,
    de: impl Into<String>,
    en: impl Into<String>,
) -> Outcome {
    Outcome::Blocked {
        block: block.clone(),
        code,
        message_de: de.into(),
        message_en: en.into(),
    }
}

/// Runs a checked case.
pub(super) fn run<D: Decisions>(w: &Workflow, case: &Case, d: &mut D) -> Trace {
    run_until(w, case, &[], d).0
}

/// Runs a checked case until it ends or the decisions pause it.
pub(crate) fn run_until<'a, D: Decisions>(
    w: &'a Workflow,
    case: &'a Case,
    versions: &'a [Case],
    d: &'a mut D,
) -> (Trace, Option<Paused>) {
    let mut r = Run {
        w,
        case,
        d,
        now: case.start,
        visits: BTreeMap::new(),
        performers: BTreeMap::new(),
        last_performers: BTreeMap::new(),
        steps: Vec::new(),
        gg: Vec::new(),
        docs: Vec::new(),
        xdomea: Vec::new(),
        paused: None,
        versions,
    };
    let outcome = r.walk();
    let trace = Trace {
        workflow_key: w.key.clone(),
        workflow_version: w.version.clone(),
        case_id: case.case_id.clone(),
        start_date: case.start.to_string(),
        land: case.land,
        initiator: case.initiator.clone(),
        steps: r.steps,
        outcome,
        geschaeftsgang: r.gg,
        xdomea: r.xdomea,
    };
    (trace, r.paused)
}

impl<'a, D: Decisions> Run<'a, D> {
    fn walk(&mut self) -> Outcome {
        let w = self.w;
        let Some(start) = w.blocks.iter().find(|b| b.block_type() == BlockType::Start) else {
            return blocked(
                &BlockId::new(""),
                BlockedCode::NoStart,
                "Der Ablauf hat keinen Start",
                "The workflow has no start",
            );
        };
        let mut cur = start.id.clone();
        loop {
            if self.steps.len() >= MAX_STEPS {
                return blocked(
                    &cur,
                    BlockedCode::StepLimit,
                    format!("Nach {MAX_STEPS} Schritten abgebrochen: der Fall kommt aus einer Schleife nicht heraus"),
                    format!("Stopped after {MAX_STEPS} steps: the case does not leave a loop"),
                );
            }
            let Some(b) = w.block(&cur) else {
                return blocked(
                    &cur,
                    BlockedCode::UnwiredPort,
                    format!("Eine Verbindung führt zum unbekannten Baustein „{cur}“"),
                    format!("An edge leads to the unknown block {cur:?}"),
                );
            };
            let visit = self.visit(&b.id);
            let entered = self.now;
            let marks = (
                self.steps.len(),
                self.gg.len(),
                self.docs.len(),
                self.xdomea.len(),
            );
            self.d.enter(b, visit, entered);
            let flow = self.execute(b, visit);
            if self
                .d
                .pause(b, visit, self.steps.get(marks.0..).unwrap_or(&[]))
            {
                self.docs.truncate(marks.2);
                self.now = entered;
                self.paused = Some(Paused {
                    visit,
                    entered,
                    steps: self.steps.split_off(marks.0),
                    gg: self.gg.split_off(marks.1),
                    xdomea: self.xdomea.split_off(marks.3),
                });
                let label = w.block_label(&b.id);
                return blocked(
                    &b.id,
                    BlockedCode::Waiting,
                    format!("Der Fall wartet bei „{label}“"),
                    format!("The case waits at {label:?}"),
                );
            }
            let exit = match flow {
                Ok(e) => e,
                Err(o) => return o,
            };
            if let Some(c) = self.d.case_version().and_then(|i| self.versions.get(i)) {
                self.case = c;
            }
            let Some(edge) = w.outgoing(&exit.from).find(|e| e.port == exit.port) else {
                let (pde, pen) = catalog::port_label(&exit.port);
                return blocked(
                    &exit.from,
                    BlockedCode::UnwiredPort,
                    format!(
                        "Der Ausgang „{pde}“ von „{}“ ist mit keinem Baustein verbunden",
                        w.block_label(&exit.from)
                    ),
                    format!(
                        "The exit {pen:?} of {:?} is not connected to any block",
                        w.block_label_en(&exit.from)
                    ),
                );
            };
            let (target, target_en) = (w.block_label(&edge.to), w.block_label_en(&edge.to));
            if let Some(s) = self.steps.get_mut(exit.step) {
                s.decision
                    .explanation_de
                    .push_str(&format!(" → „{target}“"));
                s.decision
                    .explanation_en
                    .push_str(&format!(" → {target_en:?}"));
            }
            cur = edge.to.clone();
        }
    }

    pub(super) fn visit(&mut self, id: &BlockId) -> u32 {
        let v = self.visits.entry(id.clone()).or_insert(0);
        *v += 1;
        *v
    }

    fn execute(&mut self, b: &'a Block, visit: u32) -> Flow {
        match &b.kind {
            BlockKind::Start(p) => self.start(b, visit, p),
            BlockKind::Sachbearbeitung(p) => self.sachbearbeitung(b, visit, p),
            BlockKind::VierAugen(p) => self.vier_augen(b, visit, p),
            BlockKind::Mitzeichnung(p) => self.mitzeichnung(b, visit, p),
            BlockKind::Schlusszeichnung(p) => self.schlusszeichnung(b, visit, p),
            BlockKind::Wertgrenzen(p) => self.wertgrenzen(b, visit, p),
            BlockKind::Komplexitaet(p) => self.komplexitaet(b, visit, p),
            BlockKind::Rueckfrage(p) => self.rueckfrage(b, visit, p),
            BlockKind::Frist(p) => self.frist(b, visit, p),
            BlockKind::Eskalation(_) => Err(blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                "Eine Eskalation wird nur über die überwachte Aufgabe ausgelöst, nicht über eine Verbindung",
                "An escalation is only triggered through the task it watches, not through an edge",
            )),
            BlockKind::Bescheid(p) => self.bescheid(b, visit, p),
            BlockKind::Zahlung(p) => self.zahlung(b, visit, p),
            BlockKind::Veraktung(p) => self.veraktung(b, visit, p),
            BlockKind::Benachrichtigung(p) => self.benachrichtigung(b, visit, p),
            BlockKind::Ende(p) => {
                let mut s = self.new_step(b, visit);
                s.decision.explanation_de = format!("Fall beendet: {}", end_result_de(p.result));
                s.decision.explanation_en = format!("Case ended: {}", end_result_en(p.result));
                self.steps.push(s);
                Err(Outcome::Ended { block: b.id.clone(), result: p.result })
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    /// A step of `b` entered and completed today, with an empty decision.
    pub(super) fn new_step(&self, b: &Block, visit: u32) -> Step {
        Step {
            block: b.id.clone(),
            label: self.w.block_label(&b.id),
            label_en: self.w.block_label_en(&b.id),
            block_type: catalog::info(b.block_type()).name_de.to_string(),
            block_type_en: catalog::info(b.block_type()).name_en.to_string(),
            visit,
            person: None,
            role: None,
            role_name: None,
            decision: Decision {
                port: None,
                explanation_de: String::new(),
                explanation_en: String::new(),
            },
            entered: self.now,
            due: None,
            completed: self.now,
        }
    }

    /// Pushes a step that leaves through `port`, returning the exit.
    pub(super) fn leave(&mut self, mut s: Step, port: &str, de: String, en: String) -> Flow {
        s.decision = Decision {
            port: Some(port.to_string()),
            explanation_de: de,
            explanation_en: en,
        };
        let from = s.block.clone();
        self.now = s.completed.max(self.now);
        self.steps.push(s);
        Ok(Exit {
            from,
            port: port.to_string(),
            step: self.steps.len() - 1,
        })
    }

    /// A required, parsable duration parameter.
    pub(super) fn duration(
        &self,
        b: &Block,
        d: Option<&Duration>,
        name: &str,
    ) -> Result<DurationParts, Outcome> {
        let Some(d) = d else {
            return Err(blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!("„{}“: die Dauer „{name}“ fehlt", self.w.block_label(&b.id)),
                format!(
                    "{:?}: the duration {name:?} is missing",
                    self.w.block_label(&b.id)
                ),
            ));
        };
        d.parse().map_err(|e| {
            blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!("„{}“: {name}: {e}", self.w.block_label(&b.id)),
                format!("{:?}: {name}: {e}", self.w.block_label(&b.id)),
            )
        })
    }

    pub(super) fn deadline(&self, parts: &DurationParts, cal: Calendar) -> Deadline {
        calendar::deadline(self.now, parts, cal, self.case.land)
    }

    pub(super) fn doc(
        &mut self,
        b: &Block,
        betreff: String,
        typ: &'static str,
        incoming: bool,
        signed: Option<SignatureLevel>,
    ) {
        let n = self.docs.len() + 1;
        self.docs.push(Doc {
            key: format!("{}#{n}", b.id),
            betreff,
            typ,
            date: self.now,
            incoming,
            signed,
        });
    }

    pub(super) fn value_error(&self, b: &Block, e: &EvalError, what: &str) -> Outcome {
        let code = match e {
            EvalError::DivisionByZero | EvalError::Overflow | EvalError::DateOutOfRange => {
                BlockedCode::EvaluationError
            }
            EvalError::MissingField(_) | EvalError::Type { .. } | EvalError::NoToday => {
                BlockedCode::InvalidBlock
            }
        };
        blocked(
            &b.id,
            code,
            format!(
                "„{}“: {what} lässt sich nicht auswerten: {}",
                self.w.block_label(&b.id),
                e.message_de()
            ),
            format!(
                "{:?}: {what} cannot be evaluated: {e}",
                self.w.block_label(&b.id)
            ),
        )
    }
}
