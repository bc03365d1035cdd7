//! Semantic version diff (blocks.md §4): what a new version changes in substance, in plain
//! German and English, with an impact class per change and a suggested semver bump. Layout
//! changes are reported apart and never count as content.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog;
use crate::model::{Block, BlockId, BlockKind, EdgeId, Field, Point, Rect, Role, RoleId, Workflow};
use crate::ops::Op;
use crate::validate::{id_set, IdMap as HashMap, IdSet as HashSet};

mod describe;
mod names;
mod params;

use names::{field_label, label_of, Names};

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

impl Differ<'_> {
    fn meta(&mut self) {
        let (o, n) = (self.old, self.new);
        if o.name != n.name || o.description != n.description {
            let what_de = if o.name != n.name {
                format!("Name des Ablaufs von „{}“ in „{}“ geändert", o.name, n.name)
            } else {
                "Beschreibung des Ablaufs geändert".to_string()
            };
            let what_en = if o.name != n.name {
                format!("Workflow name changed from “{}” to “{}”", o.name, n.name)
            } else {
                "Workflow description changed".to_string()
            };
            self.changes.push(Change::new(
                ChangeKind::MetaChanged,
                Impact::Fix,
                what_de,
                what_en,
            ));
            self.ops.push(Op::SetInfo {
                name: n.name.clone(),
                description: n.description.clone(),
            });
        }
        if o.key != n.key {
            self.changes.push(
                Change::new(
                    ChangeKind::MetaChanged,
                    Impact::Breaking,
                    format!(
                        "Kennung des Ablaufs von „{}“ in „{}“ geändert",
                        o.key, n.key
                    ),
                    format!("Workflow key changed from “{}” to “{}”", o.key, n.key),
                )
                .values(
                    Some(Value::from(o.key.clone())),
                    Some(Value::from(n.key.clone())),
                ),
            );
        }
    }

    fn roles(&mut self) {
        let old: HashMap<&RoleId, &Role> = self.old.roles.iter().map(|r| (&r.id, r)).collect();
        let new: HashMap<&RoleId, &Role> = self.new.roles.iter().map(|r| (&r.id, r)).collect();
        for r in &self.old.roles {
            if !new.contains_key(&r.id) {
                let mut c = Change::new(
                    ChangeKind::RoleRemoved,
                    Impact::Breaking,
                    format!("Rolle „{}“ entfernt", r.name),
                    format!("Role “{}” removed", r.name),
                );
                c.role = Some(r.id.clone());
                self.changes.push(c);
                self.ops.push(Op::RemoveRole { id: r.id.clone() });
            }
        }
        for (i, r) in self.new.roles.iter().enumerate() {
            match old.get(&r.id) {
                None => {
                    let mut c = Change::new(
                        ChangeKind::RoleAdded,
                        Impact::Feature,
                        format!("Rolle „{}“ hinzugefügt", r.name),
                        format!("Role “{}” added", r.name),
                    );
                    c.role = Some(r.id.clone());
                    self.changes.push(c);
                    self.ops.push(Op::AddRole {
                        role: r.clone(),
                        index: Some(i),
                    });
                }
                Some(o) if *o != r => {
                    self.role_changes(o, r);
                    self.ops.push(Op::UpdateRole { role: r.clone() });
                }
                Some(_) => {}
            }
        }
    }

    fn role_changes(&mut self, o: &Role, n: &Role) {
        let mut push = |c: Change| {
            let mut c = c;
            c.role = Some(n.id.clone());
            self.changes.push(c);
        };
        if o.name != n.name {
            push(
                Change::new(
                    ChangeKind::RoleRenamed,
                    Impact::Fix,
                    format!("Rolle „{}“ umbenannt in „{}“", o.name, n.name),
                    format!("Role “{}” renamed to “{}”", o.name, n.name),
                )
                .values(
                    Some(Value::from(o.name.clone())),
                    Some(Value::from(n.name.clone())),
                ),
            );
        }
        if o.signing_limit != n.signing_limit {
            let (de, en, impact) =
                describe::signing_limit(&n.name, o.signing_limit, n.signing_limit);
            push(Change::new(ChangeKind::RoleChanged, impact, de, en).values(
                o.signing_limit.map(|m| Value::from(m.to_canonical())),
                n.signing_limit.map(|m| Value::from(m.to_canonical())),
            ));
        }
        if o.org_unit != n.org_unit {
            push(Change::new(
                ChangeKind::RoleChanged,
                Impact::Fix,
                format!("Organisationseinheit der Rolle „{}“ geändert", n.name),
                format!("Organisational unit of role “{}” changed", n.name),
            ));
        }
    }

    fn fields(&mut self) {
        let old: HashMap<&str, &Field> = self
            .old
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect();
        let new: HashMap<&str, &Field> = self
            .new
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect();
        for f in &self.old.fields {
            if !new.contains_key(f.name.as_str()) {
                let mut c = Change::new(
                    ChangeKind::FieldRemoved,
                    Impact::Breaking,
                    format!("Fallvariable „{}“ entfernt", field_label(f)),
                    format!("Case field “{}” removed", field_label(f)),
                );
                c.field = Some(f.name.clone());
                self.changes.push(c);
                self.ops.push(Op::RemoveField {
                    name: f.name.clone(),
                });
            }
        }
        for (i, f) in self.new.fields.iter().enumerate() {
            match old.get(f.name.as_str()) {
                None => {
                    let impact = if f.required {
                        Impact::Breaking
                    } else {
                        Impact::Feature
                    };
                    let mut c = Change::new(
                        ChangeKind::FieldAdded,
                        impact,
                        format!(
                            "Fallvariable „{}“ hinzugefügt{}",
                            field_label(f),
                            if f.required { " (Pflichtangabe)" } else { "" }
                        ),
                        format!(
                            "Case field “{}” added{}",
                            field_label(f),
                            if f.required { " (required)" } else { "" }
                        ),
                    );
                    c.field = Some(f.name.clone());
                    self.changes.push(c);
                    self.ops.push(Op::AddField {
                        field: f.clone(),
                        index: Some(i),
                    });
                }
                Some(o) if *o != f => {
                    let type_changed = o.field_type != f.field_type || o.values != f.values;
                    let tightened = type_changed || (!o.required && f.required);
                    let only_label = !type_changed && o.required == f.required;
                    let impact = if tightened {
                        Impact::Breaking
                    } else if only_label {
                        Impact::Fix
                    } else {
                        Impact::Feature
                    };
                    let mut c = Change::new(
                        ChangeKind::FieldChanged,
                        impact,
                        format!("Fallvariable „{}“ geändert", field_label(f)),
                        format!("Case field “{}” changed", field_label(f)),
                    );
                    c.field = Some(f.name.clone());
                    self.changes.push(c);
                    self.ops.push(Op::UpdateField {
                        name: f.name.clone(),
                        field: f.clone(),
                    });
                }
                Some(_) => {}
            }
        }
    }

    fn blocks(&mut self) {
        let old: HashMap<&BlockId, &Block> = self.old.blocks.iter().map(|b| (&b.id, b)).collect();
        let mut new_ids: HashSet<&BlockId> = id_set(self.new.blocks.len());
        new_ids.extend(self.new.blocks.iter().map(|b| &b.id));
        for b in &self.old.blocks {
            if !new_ids.contains(&b.id) {
                let name = label_of(b);
                self.changes.push(
                    Change::new(
                        ChangeKind::BlockRemoved,
                        Impact::Breaking,
                        format!(
                            "Schritt „{name}“ ({}) entfernt",
                            catalog::info(b.block_type()).name_de
                        ),
                        format!(
                            "Step “{name}” ({}) removed",
                            catalog::info(b.block_type()).name_en
                        ),
                    )
                    .block(&b.id),
                );
                self.ops.push(Op::RemoveBlock { id: b.id.clone() });
            }
        }
        for (i, b) in self.new.blocks.iter().enumerate() {
            let Some(o) = old.get(&b.id) else {
                let name = label_of(b);
                self.changes.push(
                    Change::new(
                        ChangeKind::BlockAdded,
                        Impact::Feature,
                        format!(
                            "Schritt „{name}“ ({}) hinzugefügt",
                            catalog::info(b.block_type()).name_de
                        ),
                        format!(
                            "Step “{name}” ({}) added",
                            catalog::info(b.block_type()).name_en
                        ),
                    )
                    .block(&b.id),
                );
                self.ops.push(Op::AddBlock {
                    block: b.clone(),
                    rect: None,
                    index: Some(i),
                });
                continue;
            };
            if o.label != b.label {
                self.changes.push(
                    Change::new(
                        ChangeKind::BlockLabelChanged,
                        Impact::Fix,
                        format!("Schritt „{}“ umbenannt in „{}“", label_of(o), label_of(b)),
                        format!("Step “{}” renamed to “{}”", label_of(o), label_of(b)),
                    )
                    .block(&b.id)
                    .values(
                        Some(Value::from(o.label.clone())),
                        Some(Value::from(b.label.clone())),
                    ),
                );
                self.ops.push(Op::RenameBlock {
                    id: b.id.clone(),
                    label: b.label.clone(),
                });
            }
            if o.kind != b.kind {
                if o.block_type() != b.block_type() {
                    self.changes.push(
                        Change::new(
                            ChangeKind::BlockTypeChanged,
                            Impact::Breaking,
                            format!(
                                "Schritt „{}“ ist jetzt {} statt {}",
                                label_of(b),
                                catalog::info(b.block_type()).name_de,
                                catalog::info(o.block_type()).name_de
                            ),
                            format!(
                                "Step “{}” is now {} instead of {}",
                                label_of(b),
                                catalog::info(b.block_type()).name_en,
                                catalog::info(o.block_type()).name_en
                            ),
                        )
                        .block(&b.id),
                    );
                } else {
                    let label = label_of(b);
                    for c in params::changes(&self.names, &label, &o.kind, &b.kind) {
                        self.changes.push(c.block(&b.id));
                    }
                }
                self.ops.push(Op::SetParams {
                    id: b.id.clone(),
                    kind: b.kind.clone(),
                });
            }
        }
    }

    /// Blocks that stay but whose linked block (Eskalation `attachedTo`, Vier-Augen
    /// `firstCheckBlock` / `distinctFrom`) was removed or added: their parameters are the same,
    /// their meaning is not (an Eskalation without its task never fires; a check without its
    /// first check is done differently). Found by the bpmn-js-differ peer check: the BPMN
    /// export of such a block changes.
    fn linked_blocks(&mut self) {
        let old_ids: HashSet<&BlockId> = self.old.blocks.iter().map(|b| &b.id).collect();
        let new_ids: HashSet<&BlockId> = self.new.blocks.iter().map(|b| &b.id).collect();
        let old_blocks: HashMap<&BlockId, &Block> =
            self.old.blocks.iter().map(|b| (&b.id, b)).collect();
        for b in &self.new.blocks {
            let Some(o) = old_blocks.get(&b.id) else {
                continue;
            };
            if o.kind != b.kind {
                continue; // reported as a parameter or type change already
            }
            let links: Vec<(&str, &BlockId)> = match &b.kind {
                BlockKind::Eskalation(p) => {
                    p.attached_to.iter().map(|t| ("attachedTo", t)).collect()
                }
                BlockKind::VierAugen(p) => p
                    .first_check_block
                    .iter()
                    .map(|t| ("firstCheckBlock", t))
                    .chain(p.distinct_from.iter().map(|t| ("distinctFrom", t)))
                    .collect(),
                _ => continue,
            };
            for (path, target) in links {
                let (was, is) = (old_ids.contains(target), new_ids.contains(target));
                if was == is {
                    continue;
                }
                let label = label_of(b);
                let (de, en) = if was {
                    let t = self.names.old_blocks.get(target);
                    (
                        format!("„{label}“: der verknüpfte Schritt „{t}“ ist entfallen"),
                        format!("“{label}”: the linked step “{t}” was removed"),
                    )
                } else {
                    let t = self.names.new_blocks.get(target);
                    (
                        format!("„{label}“: der verknüpfte Schritt „{t}“ ist jetzt vorhanden"),
                        format!("“{label}”: the linked step “{t}” now exists"),
                    )
                };
                let mut c =
                    Change::new(ChangeKind::ParamChanged, Impact::Breaking, de, en).block(&b.id);
                c.path = Some(path.to_string());
                self.changes.push(c);
            }
        }
    }

    fn edges(&mut self) {
        let old: HashMap<&EdgeId, _> = self.old.edges.iter().map(|e| (&e.id, e)).collect();
        let mut new_ids: HashSet<&EdgeId> = id_set(self.new.edges.len());
        new_ids.extend(self.new.edges.iter().map(|e| &e.id));
        for e in &self.old.edges {
            if !new_ids.contains(&e.id) {
                let mut c = Change::new(
                    ChangeKind::EdgeRemoved,
                    Impact::Breaking,
                    format!(
                        "Verbindung von „{}“ ({}) nach „{}“ entfernt",
                        self.names.old_block(&e.from),
                        self.names.old_blocks.port(&e.from, &e.port).0,
                        self.names.old_block(&e.to)
                    ),
                    format!(
                        "Connection from “{}” ({}) to “{}” removed",
                        self.names.old_block(&e.from),
                        self.names.old_blocks.port(&e.from, &e.port).1,
                        self.names.old_block(&e.to)
                    ),
                );
                c.edge = Some(e.id.clone());
                c.block = Some(e.from.clone());
                self.changes.push(c);
                self.disconnects.push(Op::Disconnect { id: e.id.clone() });
            }
        }
        for (i, e) in self.new.edges.iter().enumerate() {
            match old.get(&e.id) {
                None => {
                    let mut c = Change::new(
                        ChangeKind::EdgeAdded,
                        Impact::Feature,
                        format!(
                            "Neue Verbindung von „{}“ ({}) nach „{}“",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0,
                            self.names.block(&e.to)
                        ),
                        format!(
                            "New connection from “{}” ({}) to “{}”",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1,
                            self.names.block(&e.to)
                        ),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(o) if o.from != e.from || o.port != e.port => {
                    // A different source or port is a different connection.
                    let mut c = Change::new(
                        ChangeKind::EdgeRetargeted,
                        Impact::Breaking,
                        format!(
                            "Verbindung nach „{}“ geht jetzt von „{}“ ({}) aus",
                            self.names.block(&e.to),
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0
                        ),
                        format!(
                            "Connection to “{}” now starts at “{}” ({})",
                            self.names.block(&e.to),
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1
                        ),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.disconnects.push(Op::Disconnect { id: e.id.clone() });
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(o) if o.to != e.to => {
                    let mut c = Change::new(
                        ChangeKind::EdgeRetargeted,
                        Impact::Feature,
                        format!(
                            "„{}“ ({}) führt jetzt zu „{}“ statt zu „{}“",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).0,
                            self.names.block(&e.to),
                            self.names.old_block(&o.to)
                        ),
                        format!(
                            "“{}” ({}) now leads to “{}” instead of “{}”",
                            self.names.block(&e.from),
                            self.names.new_blocks.port(&e.from, &e.port).1,
                            self.names.block(&e.to),
                            self.names.old_block(&o.to)
                        ),
                    )
                    .values(
                        Some(Value::from(o.to.0.clone())),
                        Some(Value::from(e.to.0.clone())),
                    );
                    c.edge = Some(e.id.clone());
                    c.block = Some(e.from.clone());
                    self.changes.push(c);
                    self.disconnects.push(Op::Disconnect { id: e.id.clone() });
                    self.connects.push(Op::Connect {
                        edge: e.clone(),
                        waypoints: Vec::new(),
                        index: Some(i),
                    });
                }
                Some(_) => {}
            }
        }
    }
}

fn layout_changes(old: &Workflow, new: &Workflow) -> Vec<LayoutChange> {
    let mut out = Vec::new();
    let old_blocks: HashSet<&BlockId> = old.blocks.iter().map(|b| &b.id).collect();
    let old_edges: HashSet<&EdgeId> = old.edges.iter().map(|e| &e.id).collect();
    let new_edges: HashSet<&EdgeId> = new.edges.iter().map(|e| &e.id).collect();
    for b in &new.blocks {
        if !old_blocks.contains(&b.id) {
            continue;
        }
        let (o, n) = (old.layout.blocks.get(&b.id), new.layout.blocks.get(&b.id));
        match (o, n) {
            (Some(o), Some(n)) if (o.x, o.y) != (n.x, n.y) => out.push(LayoutChange::BlockMoved {
                block: b.id.clone(),
                from: Some(*o),
                to: Some(*n),
            }),
            (Some(o), Some(n)) if o != n => out.push(LayoutChange::BlockResized {
                block: b.id.clone(),
                from: *o,
                to: *n,
            }),
            (None, Some(_)) | (Some(_), None) => out.push(LayoutChange::BlockMoved {
                block: b.id.clone(),
                from: o.copied(),
                to: n.copied(),
            }),
            _ => {}
        }
    }
    let empty = Vec::new();
    let ids: BTreeSet<&EdgeId> = old
        .layout
        .edges
        .keys()
        .chain(new.layout.edges.keys())
        .collect();
    for id in ids {
        if !old_edges.contains(id) || !new_edges.contains(id) {
            continue;
        }
        let (o, n) = (
            old.layout.edges.get(id).unwrap_or(&empty),
            new.layout.edges.get(id).unwrap_or(&empty),
        );
        if o != n {
            out.push(LayoutChange::EdgeWaypointsChanged {
                edge: id.clone(),
                from: o.clone(),
                to: n.clone(),
            });
        }
    }
    out
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
    use crate::model::{Edge, EskalationParams};

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
