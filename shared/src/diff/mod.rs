//! Semantic version diff (blocks.md §4): what a new version changes in substance, in plain
//! German and English, with an impact class per change and a suggested semver bump. Layout
//! changes are reported apart and never count as content.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{BlockId, BlockKind, EdgeId, Point, Rect, RoleId, Workflow};
use crate::ops::Op;

mod blocks;
mod declarations;
mod describe;
mod edges;
mod layout;
mod names;
mod params;

use layout::layout_changes;
use names::Names;

/// What kind of change (blocks.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeKind {
    MetaChanged,
    BlockAdded,
    BlockRemoved,
    BlockTypeChanged,
    BlockLabelChanged,
    ParamChanged,
    AssigneeChanged,
    BandAdded,
    BandRemoved,
    RuleAdded,
    RuleRemoved,
    EdgeAdded,
    EdgeRemoved,
    EdgeRetargeted,
    RoleAdded,
    RoleRemoved,
    RoleRenamed,
    RoleChanged,
    FieldAdded,
    FieldRemoved,
    FieldChanged,
}

/// How a change affects running cases and users of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Texts only (labels, help, names).
    Fix,
    /// Adds something or loosens a rule.
    Feature,
    /// Removes a block, port or role, or tightens a rule: running cases may not fit.
    Breaking,
}

/// Suggested semantic-version step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// The next version after `current` ("1.2.3") for this bump; `None` if `current` is not x.y.z.
    pub fn apply(self, current: &str) -> Option<String> {
        let mut it = current.trim().split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (it.next()??, it.next()??, it.next()??);
        if it.next().is_some() {
            return None;
        }
        Some(match self {
            Bump::None => format!("{major}.{minor}.{patch}"),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        })
    }

    pub fn name_de(self) -> &'static str {
        match self {
            Bump::None => "keine neue Version nötig",
            Bump::Patch => "Patch-Version (Korrektur)",
            Bump::Minor => "Minor-Version (Erweiterung)",
            Bump::Major => "Major-Version (inkompatible Änderung)",
        }
    }
}

/// One content change, with a sentence in German and English naming the block by its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub kind: ChangeKind,
    pub impact: Impact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Parameter path, e.g. `bands[mittel].upper` (list items named by their id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    pub message_de: String,
    pub message_en: String,
}

/// A drawing-only change; never counted as content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LayoutChange {
    BlockMoved {
        block: BlockId,
        from: Option<Rect>,
        to: Option<Rect>,
    },
    BlockResized {
        block: BlockId,
        from: Rect,
        to: Rect,
    },
    EdgeWaypointsChanged {
        edge: EdgeId,
        from: Vec<Point>,
        to: Vec<Point>,
    },
}

/// The difference between two versions of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowDiff {
    pub changes: Vec<Change>,
    pub layout: Vec<LayoutChange>,
    pub bump: Bump,
    /// Ops that turn the old version's content into the new one's (shared with undo and merge).
    #[serde(skip)]
    pub ops: Vec<Op>,
}

impl WorkflowDiff {
    pub fn has_content_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Changes that concern `block`.
    pub fn for_block<'a>(&'a self, block: &'a BlockId) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes
            .iter()
            .filter(move |c| c.block.as_ref() == Some(block))
    }
}

/// Computes the semantic diff from `old` to `new`, matching everything by stable ids.
pub fn diff(old: &Workflow, new: &Workflow) -> WorkflowDiff {
    let mut d = Differ {
        old,
        new,
        names: Names::new(old, new),
        changes: Vec::new(),
        ops: Vec::new(),
        disconnects: Vec::new(),
        connects: Vec::new(),
    };
    d.meta();
    d.roles();
    d.fields();
    d.blocks();
    d.linked_blocks();
    d.edges();
    let layout = layout_changes(old, new);
    let bump = match d.changes.iter().map(|c| c.impact).max() {
        Some(Impact::Breaking) => Bump::Major,
        Some(Impact::Feature) => Bump::Minor,
        Some(Impact::Fix) => Bump::Patch,
        None if !layout.is_empty() => Bump::Patch,
        None => Bump::None,
    };
    // Edges go first and come back last, so no op refers to an edge or block in between.
    let mut ops = d.disconnects;
    ops.extend(d.ops);
    ops.extend(d.connects);
    WorkflowDiff {
        changes: d.changes,
        layout,
        bump,
        ops,
    }
}

struct Differ<'a> {
    old: &'a Workflow,
    new: &'a Workflow,
    /// Labels and names for the sentences.
    names: Names<'a>,
    changes: Vec<Change>,
    ops: Vec<Op>,
    /// Edges removed or changed, disconnected before blocks change.
    disconnects: Vec<Op>,
    /// Edges added or changed, connected after blocks change.
    connects: Vec<Op>,
}

impl Change {
    fn new(kind: ChangeKind, impact: Impact, de: String, en: String) -> Change {
        Change {
            kind,
            impact,
            block: None,
            edge: None,
            role: None,
            field: None,
            path: None,
            old: None,
            new: None,
            message_de: de,
            message_en: en,
        }
    }
    fn block(mut self, id: &BlockId) -> Change {
        self.block = Some(id.clone());
        self
    }
    fn values(mut self, old: Option<Value>, new: Option<Value>) -> Change {
        self.old = old;
        self.new = new;
        self
    }
}

/// A workflow's semantics: everything but layout, key, version and id counter, in id order.
/// Two workflows with equal semantics behave identically.
pub fn semantics(w: &Workflow) -> Value {
    let mut blocks: BTreeMap<&str, Value> = BTreeMap::new();
    for b in &w.blocks {
        blocks.insert(&b.id.0, serde_json::to_value(b).unwrap_or(Value::Null));
    }
    let mut edges: BTreeMap<&str, Value> = BTreeMap::new();
    for e in &w.edges {
        edges.insert(&e.id.0, serde_json::to_value(e).unwrap_or(Value::Null));
    }
    let roles: BTreeMap<&str, Value> = w
        .roles
        .iter()
        .map(|r| {
            (
                r.id.0.as_str(),
                serde_json::to_value(r).unwrap_or(Value::Null),
            )
        })
        .collect();
    let fields: BTreeMap<&str, Value> = w
        .fields
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                serde_json::to_value(f).unwrap_or(Value::Null),
            )
        })
        .collect();
    serde_json::json!({
        "name": w.name, "description": w.description,
        "historyTimeToLiveDays": w.history_time_to_live_days,
        "blocks": blocks, "edges": edges, "roles": roles, "fields": fields,
    })
}

/// Applies a diff's content ops to `base`; the result has the new version's semantics.
pub fn apply_content(base: &Workflow, d: &WorkflowDiff) -> Result<Workflow, crate::ops::OpError> {
    let mut w = base.clone();
    for op in &d.ops {
        crate::ops::apply(&mut w, op.clone())?;
    }
    Ok(w)
}

/// Used by `params` to read a block kind's parameters as JSON.
fn params_json(kind: &BlockKind) -> Value {
    serde_json::to_value(kind)
        .ok()
        .and_then(|mut v| v.get_mut("params").map(Value::take))
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Edge, EskalationParams};

    fn block(id: &str, kind: BlockKind) -> Block {
        Block {
            id: BlockId::new(id),
            label: id.to_uppercase(),
            kind,
        }
    }

    /// Found by the bpmn-js-differ peer check (e2e/tests/bpmn_differ_peer.rs): removing the
    /// task an Eskalation is attached to changes the Eskalation too.
    #[test]
    fn removing_the_task_of_an_eskalation_is_a_change_of_the_eskalation() {
        let mut old = Workflow::new("w", "W");
        let any_task = BlockKind::Eskalation(EskalationParams::default());
        old.blocks.push(block("task", any_task));
        old.blocks.push(block(
            "esk",
            BlockKind::Eskalation(EskalationParams {
                attached_to: Some(BlockId::new("task")),
                ..EskalationParams::default()
            }),
        ));
        old.edges.push(Edge {
            id: EdgeId::new("e1"),
            from: BlockId::new("esk"),
            port: "out".into(),
            to: BlockId::new("task"),
        });
        let mut new = old.clone();
        new.blocks.retain(|b| b.id.as_str() != "task");
        let d = diff(&old, &new);
        let esk = BlockId::new("esk");
        let c = d
            .for_block(&esk)
            .find(|c| c.path.as_deref() == Some("attachedTo"))
            .expect("the Eskalation is reported");
        assert_eq!(c.impact, Impact::Breaking);
        assert!(c.message_en.contains("TASK"), "{}", c.message_en);
        // And back: the task reappears.
        let back = diff(&new, &old);
        assert!(back
            .for_block(&esk)
            .any(|c| c.path.as_deref() == Some("attachedTo")));
        // Unchanged links report nothing.
        assert!(diff(&old, &old).changes.is_empty());
    }
}
