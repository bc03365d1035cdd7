//! The workflow model: a small closed vocabulary of types. Semantics (blocks, edges, roles,
//! fields) and layout (positions, waypoints) are kept apart so that a move never looks like a
//! content change.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::values::Money;
pub use blocks::*;
pub use testcase::{CaseInput, ExpectedOutcome, Land, TestCase};

mod block_reader;
pub mod blocks;
mod params;
mod readers;
pub mod testcase;

/// Version of the canonical JSON format. Bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id_type!(
    /// Stable block id; never reused within a workflow, survives renames.
    BlockId
);
id_type!(
    /// Stable edge id.
    EdgeId
);
id_type!(
    /// Stable role id (e.g. "R-TL"); the display name may change, the id does not.
    RoleId
);

/// A workflow: the unit that is designed, validated, diffed, published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workflow {
    /// Format version of this document, see `SCHEMA_VERSION`.
    pub schema_version: u32,
    /// Machine key, used as folder name in the published repository: lowercase letters, digits, '-'.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Semantic version of the workflow ("1.2.0").
    pub version: String,
    /// Counter for generated ids; only grows, so ids are never reused.
    #[serde(default)]
    pub next_id: u64,
    /// Declared case fields (Fallvariablen) that conditions and blocks may refer to.
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    #[serde(default)]
    pub layout: Layout,
    /// Origin of a workflow imported from another authority's catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Lineage>,
    /// Values an importing authority must set (signing limits, band limits), with defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_params: Vec<TemplateParam>,
    /// Probefälle: saved Probelauf cases, rerun after every edit as a regression test.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_cases: Vec<TestCase>,
    /// Days a process engine keeps the history of a finished case before its cleanup removes
    /// it (Camunda 7 / Operaton `historyTimeToLive`, required since 7.20); unset: 180 days.
    /// Validation accepts 1 to 10,950 days (30 years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10950))]
    pub history_time_to_live_days: Option<u32>,
}

/// History time to live of a workflow that sets none (Camunda's own recommendation is 180 days).
pub const DEFAULT_HISTORY_TTL_DAYS: u32 = 180;
/// Longest history time to live validation accepts: 30 years of 365 days.
pub const MAX_HISTORY_TTL_DAYS: u32 = 10_950;

/// Hands out ids `<prefix><n>` with `n` above the workflow's counter, skipping ids in use.
pub struct IdAllocator<'w> {
    w: &'w Workflow,
    next_id: u64,
}

impl IdAllocator<'_> {
    pub fn fresh(&mut self, prefix: &str) -> String {
        loop {
            self.next_id += 1;
            let id = format!("{prefix}{}", self.next_id);
            let taken = self.w.blocks.iter().any(|b| b.id.0 == id)
                || self.w.edges.iter().any(|e| e.id.0 == id);
            if !taken {
                return id;
            }
        }
    }

    /// The counter after the ids handed out so far (the value for `Op::SetNextId`).
    pub fn next_id(&self) -> u64 {
        self.next_id
    }
}

/// Where an imported workflow came from: enough to find upstream updates and to merge them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lineage {
    /// Git URL or path of the source catalogue.
    pub source: String,
    /// Workflow key in the source catalogue.
    pub key: String,
    /// Version imported or last merged ("1.0.0").
    pub version: String,
    /// Commit of that version in the source catalogue.
    pub commit: String,
    /// Publisher named in the source's publiccode.yml.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
}

/// A parameter an importing authority sets for its own situation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateParam {
    pub id: String,
    /// Question shown on import, e.g. "Zeichnungsbefugnis der Fachbereichsleitung".
    pub label: String,
    pub target: ParamTarget,
    pub default: Money,
}

// Read by `readers.rs`, not derived (see there).
/// What a template parameter sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum ParamTarget {
    /// A role's Zeichnungsbefugnis.
    #[serde(rename_all = "camelCase")]
    RoleSigningLimit { role: RoleId },
    /// The upper bound of a Wertgrenzen band (and the lower bound of the next band with it).
    #[serde(rename_all = "camelCase")]
    BandUpper { block: BlockId, band: String },
}

/// Type of a declared case field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Money,
    Date,
    Int,
    Bool,
    Enum,
    Text,
}

/// A declared case field (Fallvariable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// Identifier used in conditions, e.g. `betragNetto`.
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Allowed values of an `enum` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

impl Field {
    /// What people read: the label ("Betrag netto"), or the name when there is none.
    pub fn caption(&self) -> &str {
        if self.label.trim().is_empty() {
            &self.name
        } else {
            &self.label
        }
    }
}

/// A role (Funktion) that tasks are assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    /// Zeichnungsbefugnis: the largest amount this role may sign; absent = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_limit: Option<Money>,
}

/// Who performs a task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "ref", rename_all = "lowercase")]
pub enum Assignee {
    /// Anyone holding the role (the normal case).
    Role(RoleId),
    /// A fixed person (user id) — discouraged, but sometimes prescribed.
    Person(String),
    /// The person who started the case.
    Initiator,
    /// Resolved at run time from an expression over case fields.
    Expression(String),
}

/// A directed connection from a named exit (port) of one block to another block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Edge {
    pub id: EdgeId,
    pub from: BlockId,
    pub port: String,
    pub to: BlockId,
}

/// Position and size of a block on the canvas, in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub const DEFAULT_W: i32 = 160;
    pub const DEFAULT_H: i32 = 64;

    pub fn at(x: i32, y: i32) -> Rect {
        Rect {
            x,
            y,
            w: Rect::DEFAULT_W,
            h: Rect::DEFAULT_H,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// Everything about a workflow that is only drawing: never part of its semantics.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    #[serde(default)]
    pub blocks: BTreeMap<BlockId, Rect>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub edges: BTreeMap<EdgeId, Vec<Point>>,
}

impl Workflow {
    /// An empty workflow with the given key and name.
    pub fn new(key: impl Into<String>, name: impl Into<String>) -> Workflow {
        Workflow {
            schema_version: SCHEMA_VERSION,
            key: key.into(),
            name: name.into(),
            description: String::new(),
            version: "0.1.0".into(),
            next_id: 0,
            fields: Vec::new(),
            roles: Vec::new(),
            blocks: Vec::new(),
            edges: Vec::new(),
            layout: Layout::default(),
            lineage: None,
            template_params: Vec::new(),
            test_cases: Vec::new(),
            history_time_to_live_days: None,
        }
    }

    /// The history time to live in days: the workflow's own or [`DEFAULT_HISTORY_TTL_DAYS`].
    pub fn history_ttl_days(&self) -> u32 {
        self.history_time_to_live_days
            .unwrap_or(DEFAULT_HISTORY_TTL_DAYS)
    }

    /// Allocates a fresh id with the given prefix ("b", "e"); never returns an id in use.
    /// For code that builds workflows directly; the designer edits through ops and uses
    /// [`Workflow::id_allocator`] with `Op::SetNextId` instead.
    pub fn allocate_id(&mut self, prefix: &str) -> String {
        let mut ids = self.id_allocator();
        let id = ids.fresh(prefix);
        self.next_id = ids.next_id();
        id
    }

    /// Fresh ids for one edit, without changing the workflow. The edit puts the ids into its ops
    /// and records the counter with `Op::SetNextId { next_id: allocator.next_id() }`.
    pub fn id_allocator(&self) -> IdAllocator<'_> {
        IdAllocator {
            w: self,
            next_id: self.next_id,
        }
    }

    pub fn block(&self, id: &BlockId) -> Option<&Block> {
        self.blocks.iter().find(|b| &b.id == id)
    }

    /// Each block's position in `blocks`, by id: for lookups in loops over the edges, where
    /// [`Workflow::block`] would search the list each time.
    pub fn block_indices(&self) -> std::collections::HashMap<&BlockId, usize> {
        self.blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (&b.id, i))
            .collect()
    }

    pub fn block_mut(&mut self, id: &BlockId) -> Option<&mut Block> {
        self.blocks.iter_mut().find(|b| &b.id == id)
    }

    pub fn edge(&self, id: &EdgeId) -> Option<&Edge> {
        self.edges.iter().find(|e| &e.id == id)
    }

    pub fn role(&self, id: &RoleId) -> Option<&Role> {
        self.roles.iter().find(|r| &r.id == id)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Edges leaving `block`, in document order.
    pub fn outgoing<'a>(&'a self, block: &'a BlockId) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| &e.from == block)
    }

    /// Edges entering `block`, in document order.
    pub fn incoming<'a>(&'a self, block: &'a BlockId) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| &e.to == block)
    }
}
