//! Engine dialects of the BPMN export: what Camunda 7 / Operaton ([`camunda7`]) and Camunda 8
//! / Zeebe ([`camunda8`]) need on top of the plain export to execute a workflow, and an
//! [`ExportNote`] for every block whose meaning the engine cannot express.
//!
//! The writer in `export.rs` asks a [`Dialect`] at each point where engines differ; the plain
//! dialect answers exactly what the plain export always wrote.
//!
//! External-task topics / Zeebe job types a worker must serve: `fachwerk-<block type>` for the
//! block's own task (`fachwerk-veraktung`, `fachwerk-benachrichtigung`, `fachwerk-zahlung`,
//! `fachwerk-bescheid`, `fachwerk-rueckfrage`, `fachwerk-start` …) and
//! `fachwerk-<block type>-<element>` for a helper task (`fachwerk-bescheid-servicetask`,
//! `fachwerk-eskalation-sendtask` …), see [`topic`].

mod camunda7;
mod camunda8;
mod forms;

pub use forms::CamundaForm;

use serde::Serialize;

use super::plan::{Node, Plan};
use super::FEEL_LANGUAGE;
use crate::model::*;

/// The engine an export is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// A faithful drawing with everything in Fachwerk's extension (the default).
    #[default]
    Plain,
    /// Camunda 7 / Operaton / CIB seven.
    Camunda7,
    /// Camunda 8 (Zeebe).
    Camunda8,
}

impl Engine {
    /// `plain`, `camunda7`, `camunda8`.
    pub fn from_name(name: &str) -> Option<Engine> {
        match name {
            "plain" => Some(Engine::Plain),
            "camunda7" => Some(Engine::Camunda7),
            "camunda8" => Some(Engine::Camunda8),
            _ => None,
        }
    }
}

/// Something the engine cannot express for one block; the export is still deployable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportNote {
    /// The Fachwerk block concerned (empty for the whole workflow).
    pub block_id: String,
    /// The BPMN element concerned.
    pub element_id: String,
    pub message_de: String,
    pub message_en: String,
}

/// An extension element a dialect adds: `name` with attributes and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ext {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Ext>,
}

impl Ext {
    pub fn new(name: &'static str, attrs: Vec<(&'static str, String)>) -> Ext {
        Ext {
            name,
            attrs,
            children: Vec::new(),
        }
    }
}

/// An expression as written: an optional `language` attribute and the text.
pub(crate) type Formal = (Option<&'static str>, String);

/// Answers the writer's engine-specific questions and collects the notes.
pub(crate) struct Dialect<'a> {
    pub engine: Engine,
    pub w: &'a Workflow,
    pub p: &'a Plan,
    notes: Vec<ExportNote>,
    forms: Vec<CamundaForm>,
}

impl<'a> Dialect<'a> {
    pub fn new(engine: Engine, w: &'a Workflow, p: &'a Plan) -> Dialect<'a> {
        Dialect {
            engine,
            w,
            p,
            notes: Vec::new(),
            forms: Vec::new(),
        }
    }

    /// The notes and the generated forms.
    pub fn finish(self) -> (Vec<ExportNote>, Vec<CamundaForm>) {
        (self.notes, self.forms)
    }

    /// Records the generated form of a user task.
    pub fn add_form(&mut self, form: CamundaForm) {
        self.forms.push(form);
    }

    /// Adds a note once per block, element and text.
    pub fn note(&mut self, block: Option<usize>, element: &str, de: String, en: String) {
        let note = ExportNote {
            block_id: block
                .and_then(|k| self.w.blocks.get(k))
                .map(|b| b.id.0.clone())
                .unwrap_or_default(),
            element_id: element.to_string(),
            message_de: de,
            message_en: en,
        };
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Extra attributes of `bpmn:definitions` (namespaces, execution platform).
    pub fn definitions_attrs(&self) -> Vec<(&'static str, String)> {
        match self.engine {
            Engine::Plain => Vec::new(),
            Engine::Camunda7 => camunda7::definitions_attrs(),
            Engine::Camunda8 => camunda8::definitions_attrs(),
        }
    }

    /// Extra attributes of `bpmn:process`.
    pub fn process_attrs(&mut self) -> Vec<(&'static str, String)> {
        match self.engine {
            Engine::Camunda7 => camunda7::process_attrs(self),
            _ => Vec::new(),
        }
    }

    /// Extra attributes of a flow node.
    pub fn node_attrs(&mut self, n: &Node) -> Vec<(&'static str, String)> {
        match self.engine {
            Engine::Plain => Vec::new(),
            Engine::Camunda7 => camunda7::node_attrs(self, n),
            Engine::Camunda8 => Vec::new(),
        }
    }

    /// Extension elements of a flow node (after Fachwerk's own).
    pub fn node_ext(&mut self, n: &Node) -> Vec<Ext> {
        match self.engine {
            Engine::Plain => Vec::new(),
            Engine::Camunda7 => camunda7::node_ext(self, n),
            Engine::Camunda8 => camunda8::node_ext(self, n),
        }
    }

    /// Extension elements of a `multiInstanceLoopCharacteristics`.
    pub fn loop_ext(&self, cardinality: usize) -> Vec<Ext> {
        match self.engine {
            Engine::Camunda8 => camunda8::loop_ext(cardinality),
            _ => Vec::new(),
        }
    }

    /// Extension elements of a global `bpmn:message`.
    pub fn message_ext(&self, message_id: &str) -> Vec<Ext> {
        match self.engine {
            Engine::Camunda8 => camunda8::message_ext(self, message_id),
            _ => Vec::new(),
        }
    }

    /// Whether `potentialOwner` is written (the engines get candidate groups instead).
    pub fn keeps_potential_owners(&self) -> bool {
        self.engine == Engine::Plain
    }

    /// Whether a multi-instance task keeps `loopCardinality` (Zeebe loops over a collection).
    pub fn keeps_loop_cardinality(&self) -> bool {
        self.engine != Engine::Camunda8
    }

    /// A FEEL condition (flow condition, completion condition) of the element `element` of
    /// the block with index `block`.
    pub fn condition(&mut self, block: usize, element: &str, feel: &str) -> Formal {
        match self.engine {
            Engine::Plain => (Some(FEEL_LANGUAGE), feel.to_string()),
            Engine::Camunda7 => camunda7::condition(self, block, element, feel),
            Engine::Camunda8 => (None, format!("={feel}")),
        }
    }

    /// A timer date: an ISO date-time or a FEEL expression over a date field.
    pub fn timer_date(&mut self, n: &Node, text: &str) -> Formal {
        let literal = text.starts_with(|c: char| c.is_ascii_digit());
        match self.engine {
            Engine::Plain if literal => (None, text.to_string()),
            Engine::Plain => (Some(FEEL_LANGUAGE), text.to_string()),
            _ if literal => (None, text.to_string()),
            Engine::Camunda7 => camunda7::timer_date(self, n, text),
            Engine::Camunda8 => (None, format!("={text}")),
        }
    }

    /// The block of the node with id `id`.
    pub fn block_of(&self, id: &str) -> Option<usize> {
        self.p.nodes.iter().find(|n| n.id == id).map(|n| n.block)
    }
}

/// External-task topic / job type of a task (module documentation).
pub(crate) fn topic(w: &Workflow, n: &Node) -> String {
    let tag = w
        .blocks
        .get(n.block)
        .map(|b| b.block_type().tag().to_lowercase())
        .unwrap_or_default();
    if n.primary {
        format!("fachwerk-{tag}")
    } else {
        format!("fachwerk-{tag}-{}", n.kind.tag().to_lowercase())
    }
}

/// Role ids of the candidate groups and person ids of the candidate users of a task.
pub(crate) fn candidates(n: &Node) -> (Vec<String>, Vec<String>) {
    let inner = |o: &str, f: &str| {
        o.strip_prefix(f)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .map(str::to_string)
    };
    let mut groups: Vec<String> = n.owners.iter().filter_map(|o| inner(o, "group")).collect();
    if groups.is_empty() {
        groups.extend(n.lane.iter().map(|r| r.0.clone()));
    }
    let users = n.owners.iter().filter_map(|o| inner(o, "user")).collect();
    groups.dedup();
    (groups, users)
}

/// `outcome` values the gateways of the task's block test (`outcome = "ok"`).
pub(crate) fn outcomes(d: &Dialect, n: &Node) -> Vec<String> {
    let mut v: Vec<String> =
        d.p.flows
            .iter()
            .filter(|f| d.block_of(&f.source) == Some(n.block))
            .filter_map(|f| f.condition.as_deref())
            .filter_map(|c| c.strip_prefix("outcome = \""))
            .filter_map(|c| c.strip_suffix('"'))
            .map(str::to_string)
            .collect();
    v.sort();
    v.dedup();
    v
}

/// Notes every engine shares: what neither engine enforces.
pub(crate) fn common_notes(d: &mut Dialect, n: &Node) {
    if !n.primary {
        return;
    }
    let Some(b) = d.w.blocks.get(n.block) else {
        return;
    };
    let label = b.label.clone();
    match &b.kind {
        BlockKind::VierAugen(_) => d.note(
            Some(n.block),
            &n.id,
            format!("Vier-Augen „{label}“: die Engine erzwingt nicht, dass die Zweitprüfung von einer anderen Person als die Erstprüfung erledigt wird; ein Task-Listener (Camunda 7: `assignment`, Camunda 8: Task-Listener-Job) muss die Zuweisung an die erstprüfende Person ablehnen."),
            format!("Four-eyes \"{label}\": the engine does not enforce that the second check is done by someone other than the first checker; a task listener (Camunda 7: `assignment`, Camunda 8: task listener job) must refuse assigning it to the first checker."),
        ),
        BlockKind::Mitzeichnung(_) => d.note(
            Some(n.block),
            &n.id,
            format!("Mitzeichnung „{label}“: die Zähler `approvals`/`vetos` der Abschlussbedingung setzt ein Task-Listener oder Worker, nicht die Engine."),
            format!("Co-signing \"{label}\": the counters `approvals`/`vetos` of the completion condition are set by a task listener or worker, not by the engine."),
        ),
        BlockKind::Schlusszeichnung(p) if p.amount_field.is_some() => d.note(
            Some(n.block),
            &n.id,
            format!("Schlusszeichnung „{label}“: die Zeichnungsbefugnis (Wertgrenze der Rolle) prüft die Engine nicht."),
            format!("Final signature \"{label}\": the engine does not check the signing limit of the role."),
        ),
        BlockKind::Frist(p) if p.calendar == Calendar::Arbeitstage => d.note(
            Some(n.block),
            &n.id,
            format!("Frist „{label}“: Arbeitstage werden als Kalendertage gezählt (BPMN-Timer kennen keine Feiertage)."),
            format!("Deadline \"{label}\": working days are counted as calendar days (BPMN timers know no holidays)."),
        ),
        _ => {}
    }
}
