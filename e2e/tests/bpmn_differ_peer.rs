//! Peer check of the semantic diff: bpmn-js-differ (the diff of bpmn-js) compares the BPMN
//! exports of two versions; everything it reports must also be in Fachwerk's
//! `fachwerk_shared::diff::diff` of the same two versions. Fachwerk may report more, never less.
//!
//! Pairs: every template in `workflows/` against hand-made edits (a band limit changed, a block
//! added, a block removed, an edge rerouted, a label changed, a role renamed, a block moved) and
//! generated workflows against `generate::modify` (several sizes and seeds).
//!
//! Mapping of BPMN ids (see `shared/src/bpmn`): `Block_<id>` and the helpers `Helper_<kind>_<id>`,
//! `HelperFlow_<kind>_<id>` belong to block `<id>`; `Flow_<id>` to edge `<id>`; `Lane_<id>` to
//! role `<id>`. An element is explained by
//! * added/removed/changed: a content change of its block (changes name the block, edge changes
//!   their source block); for a flow a change of its edge or of its source block (conditions
//!   and names come from the source's ports), or an edge change into its target (a merge
//!   gateway appears or disappears in front of it); the merge gateway of a block by an edge
//!   change into that block; a lane by a change of its role;
//! * layoutChanged (Fachwerk reports those under `layout`): the above, or a layout change of
//!   its block (or the task an Eskalation is drawn on) / edge / the blocks a flow connects /
//!   a block in the lane;
//! * the process (`Process_<key>`, whose `fw:workflow` extension holds the block and edge
//!   order, roles and fields): blocks or edges added or removed, role, field or meta changes,
//!   or a new version number / id counter (not content: the diff decides the version).
//!
//! Gap found and fixed in `shared::diff`: an Eskalation whose task was removed (or a
//! Vier-Augen-Prüfung whose linked first check was removed) kept its parameters and was not
//! reported, although its BPMN export — and its meaning — changed.
//!
//! Needs node ≥ 20 and `npm install --prefix .tools/node bpmn-moddle@10.3.1 bpmn-js-differ@3.2.0`.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use fachwerk_shared::bpmn::{escape_id, to_bpmn};
use fachwerk_shared::diff::{diff, ChangeKind, LayoutChange, WorkflowDiff};
use fachwerk_shared::generate::{modify, synthetic};
use fachwerk_shared::model::*;
use fachwerk_shared::{parse_workflow, Money};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What Fachwerk's diff says, indexed for the mapping.
#[derive(Default)]
struct Explained {
    blocks: BTreeSet<String>,
    edges: BTreeSet<String>,
    roles: BTreeSet<String>,
    /// Blocks an added/removed/rerouted edge enters (old or new target).
    edge_targets: BTreeSet<String>,
    layout_blocks: BTreeSet<String>,
    layout_edges: BTreeSet<String>,
    any: bool,
    /// A change of what the process' `fw:workflow` extension holds (block and edge order,
    /// roles, fields, name): blocks or edges added or removed, roles, fields, meta data.
    workflow: bool,
}

fn explained(old: &Workflow, new: &Workflow, d: &WorkflowDiff) -> Explained {
    let mut x = Explained {
        any: !d.changes.is_empty() || !d.layout.is_empty(),
        ..Explained::default()
    };
    let edge_to = |w: &Workflow, id: &EdgeId| w.edge(id).map(|e| e.to.0.clone());
    for c in &d.changes {
        x.workflow |= matches!(
            c.kind,
            ChangeKind::MetaChanged
                | ChangeKind::BlockAdded
                | ChangeKind::BlockRemoved
                | ChangeKind::EdgeAdded
                | ChangeKind::EdgeRemoved
                | ChangeKind::RoleAdded
                | ChangeKind::RoleRemoved
                | ChangeKind::RoleRenamed
                | ChangeKind::RoleChanged
                | ChangeKind::FieldAdded
                | ChangeKind::FieldRemoved
                | ChangeKind::FieldChanged
        );
        if let Some(b) = &c.block {
            x.blocks.insert(b.0.clone());
        }
        if let Some(e) = &c.edge {
            x.edges.insert(e.0.clone());
            x.edge_targets.extend(edge_to(old, e));
            x.edge_targets.extend(edge_to(new, e));
        }
        if let Some(r) = &c.role {
            x.roles.insert(r.0.clone());
        }
    }
    for l in &d.layout {
        match l {
            LayoutChange::BlockMoved { block, .. } | LayoutChange::BlockResized { block, .. } => {
                x.layout_blocks.insert(block.0.clone());
            }
            LayoutChange::EdgeWaypointsChanged { edge, .. } => {
                x.layout_edges.insert(edge.0.clone());
            }
        }
    }
    x
}

enum Owner {
    /// The process: its `fw:workflow` extension.
    Workflow,
    Block {
        id: String,
        merge: bool,
    },
    Edge(String),
    Role(String),
}

/// The id among `ids` whose escaped form is `esc`.
fn find_id<'a>(esc: &str, mut ids: impl Iterator<Item = &'a str>) -> Option<String> {
    ids.find(|id| escape_id(id) == esc).map(str::to_string)
}

/// The Fachwerk element a BPMN id belongs to.
fn owner(bpmn_id: &str, old: &Workflow, new: &Workflow) -> Option<Owner> {
    let block = |esc: &str| {
        find_id(
            esc,
            old.blocks.iter().chain(&new.blocks).map(|b| b.id.as_str()),
        )
    };
    if bpmn_id.starts_with("Process_") {
        return Some(Owner::Workflow);
    }
    if let Some(esc) = bpmn_id.strip_prefix("Block_") {
        return block(esc).map(|id| Owner::Block { id, merge: false });
    }
    if let Some(rest) = bpmn_id
        .strip_prefix("HelperFlow_")
        .or_else(|| bpmn_id.strip_prefix("Helper_"))
    {
        let (kind, esc) = rest.split_once('_')?;
        return block(esc).map(|id| Owner::Block {
            id,
            merge: kind == "merge",
        });
    }
    if let Some(esc) = bpmn_id.strip_prefix("Flow_") {
        return find_id(
            esc,
            old.edges.iter().chain(&new.edges).map(|e| e.id.as_str()),
        )
        .map(Owner::Edge);
    }
    if let Some(esc) = bpmn_id.strip_prefix("Lane_") {
        return find_id(
            esc,
            old.roles.iter().chain(&new.roles).map(|r| r.id.as_str()),
        )
        .map(Owner::Role);
    }
    None
}

/// Source and target blocks of an edge in either version.
fn ends(old: &Workflow, new: &Workflow, edge: &str) -> (Vec<String>, Vec<String>) {
    let id = EdgeId::new(edge);
    let es: Vec<&Edge> = old.edge(&id).into_iter().chain(new.edge(&id)).collect();
    (
        es.iter().map(|e| e.from.0.clone()).collect(),
        es.iter().map(|e| e.to.0.clone()).collect(),
    )
}

/// The tasks block `id` (an Eskalation) is attached to in either version.
fn hosts(old: &Workflow, new: &Workflow, id: &str) -> Vec<String> {
    let id = BlockId::new(id);
    [old, new]
        .iter()
        .filter_map(|w| match &w.block(&id)?.kind {
            BlockKind::Eskalation(p) => p.attached_to.as_ref().map(|h| h.0.clone()),
            _ => None,
        })
        .collect()
}

/// Why `bpmn_id`, reported by bpmn-js-differ, is not explained by Fachwerk's diff (None: it is).
fn unexplained(
    bpmn_id: &str,
    layout: bool,
    old: &Workflow,
    new: &Workflow,
    x: &Explained,
    lanes: &BTreeMap<String, BTreeSet<String>>,
) -> Option<String> {
    let Some(o) = owner(bpmn_id, old, new) else {
        return Some("belongs to no Fachwerk block, edge or role".into());
    };
    let ok = match &o {
        // The version number and the id counter are written there too; they are not content
        // (the diff is what decides the next version number).
        Owner::Workflow => x.workflow || old.version != new.version || old.next_id != new.next_id,
        Owner::Block { id, merge } => {
            // An Eskalation is drawn on the task it is attached to.
            let hosts = hosts(old, new, id);
            x.blocks.contains(id)
                || (*merge && x.edge_targets.contains(id))
                || (layout
                    && std::iter::once(id)
                        .chain(&hosts)
                        .any(|b| x.layout_blocks.contains(b) || x.blocks.contains(b)))
        }
        Owner::Edge(e) => {
            let (from, to) = ends(old, new, e);
            x.edges.contains(e)
                || from.iter().any(|b| x.blocks.contains(b))
                || to.iter().any(|b| x.edge_targets.contains(b))
                || (layout
                    && (x.layout_edges.contains(e)
                        || from
                            .iter()
                            .chain(&to)
                            .any(|b| x.layout_blocks.contains(b) || x.blocks.contains(b))))
        }
        Owner::Role(r) => {
            x.roles.contains(r)
                || (layout && {
                    let members = lanes.get(bpmn_id).cloned().unwrap_or_default();
                    if members.is_empty() {
                        // An empty lane is drawn below the whole diagram.
                        x.any
                    } else {
                        members.iter().any(|m| match owner(m, old, new) {
                            Some(Owner::Block { id, .. }) => {
                                x.blocks.contains(&id)
                                    || x.layout_blocks.contains(&id)
                                    || x.edge_targets.contains(&id)
                            }
                            _ => false,
                        })
                    }
                })
        }
    };
    (!ok).then(|| "no matching change in Fachwerk's diff".into())
}

// ---------------------------------------------------------------------------------------------
// Hand-made edits of a template.

fn first_non_start(w: &Workflow) -> Option<usize> {
    w.blocks
        .iter()
        .position(|b| !matches!(b.kind, BlockKind::Start(_) | BlockKind::Ende(_)))
}

fn band_limit_changed(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let p = w.blocks.iter_mut().find_map(|b| match &mut b.kind {
        BlockKind::Wertgrenzen(p) if p.bands.len() >= 2 => Some(p),
        _ => None,
    })?;
    let upper = p.bands[0].upper?;
    let moved = Money::parse(&format!("{}.00", (upper.cents() / 100) / 2 + 1)).unwrap();
    p.bands[0].upper = Some(moved);
    p.bands[1].lower = moved;
    Some(w)
}

fn block_added(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let k = first_non_start(&w)?;
    let mut b = w.blocks[k].clone();
    let id = w.allocate_id("b");
    b.id = BlockId::new(id.clone());
    b.label = "Zusätzliche Prüfung".into();
    let out: Vec<Edge> = w.outgoing(&w.blocks[k].id).cloned().collect();
    for e in out {
        let eid = w.allocate_id("e");
        w.edges.push(Edge {
            id: EdgeId::new(eid),
            from: b.id.clone(),
            port: e.port.clone(),
            to: e.to.clone(),
        });
    }
    if let Some(r) = w.layout.blocks.get(&w.blocks[k].id).copied() {
        w.layout
            .blocks
            .insert(b.id.clone(), Rect::at(r.x, r.y + 400));
    }
    w.blocks.push(b);
    Some(w)
}

fn block_removed(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let k = first_non_start(&w)?;
    let id = w.blocks.remove(k).id;
    let gone: BTreeSet<EdgeId> = w
        .edges
        .iter()
        .filter(|e| e.from == id || e.to == id)
        .map(|e| e.id.clone())
        .collect();
    w.edges.retain(|e| !gone.contains(&e.id));
    w.layout.blocks.remove(&id);
    for e in &gone {
        w.layout.edges.remove(e);
    }
    Some(w)
}

fn edge_rerouted(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let ende = w
        .blocks
        .iter()
        .find(|b| matches!(b.kind, BlockKind::Ende(_)))?
        .id
        .clone();
    let e = w.edges.iter_mut().find(|e| e.to != ende)?;
    e.to = ende;
    Some(w)
}

fn label_changed(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let k = first_non_start(&w)?;
    w.blocks[k].label = format!("{} (neu)", w.blocks[k].label);
    Some(w)
}

fn role_renamed(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let r = w.roles.first_mut()?;
    r.name = format!("{} (umbenannt)", r.name);
    Some(w)
}

fn block_moved(w: &Workflow) -> Option<Workflow> {
    let mut w = w.clone();
    let id = w.blocks.get(first_non_start(&w)?)?.id.clone();
    let r = w.layout.blocks.get_mut(&id)?;
    r.x += 140;
    r.y += 60;
    Some(w)
}

#[test]
fn bpmn_js_differ_finds_nothing_that_fachwerks_diff_misses() {
    let root = workspace();
    let node_modules = root.join(".tools/node/node_modules");
    for pkg in ["bpmn-moddle", "bpmn-js-differ"] {
        assert!(
            node_modules.join(pkg).is_dir(),
            "{} missing: npm install --prefix .tools/node bpmn-moddle@10.3.1 bpmn-js-differ@3.2.0",
            node_modules.join(pkg).display()
        );
    }

    let mut pairs: Vec<(String, Workflow, Workflow)> = Vec::new();
    let mut templates: Vec<PathBuf> = std::fs::read_dir(root.join("workflows"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    templates.sort();
    assert!(!templates.is_empty(), "no templates in workflows/");
    type Edit = fn(&Workflow) -> Option<Workflow>;
    let edits: [(&str, Edit); 7] = [
        ("band-limit", band_limit_changed),
        ("block-added", block_added),
        ("block-removed", block_removed),
        ("edge-rerouted", edge_rerouted),
        ("label", label_changed),
        ("role-renamed", role_renamed),
        ("block-moved", block_moved),
    ];
    let mut band_edits = 0;
    for f in &templates {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let w = parse_workflow(&std::fs::read_to_string(f).unwrap()).unwrap();
        for (edit, apply) in edits {
            if let Some(v) = apply(&w) {
                band_edits += usize::from(edit == "band-limit");
                pairs.push((format!("{name}/{edit}"), w.clone(), v));
            }
        }
        pairs.push((format!("{name}/modify"), w.clone(), modify(&w, 30, 3)));
    }
    assert!(
        band_edits > 0,
        "no template has a Wertgrenzen-Weiche to edit"
    );
    for (n, seed) in [(40, 1), (120, 2), (300, 3), (600, 4)] {
        let w = synthetic(n, seed);
        pairs.push((
            format!("synthetic-{n}-{seed}"),
            w.clone(),
            modify(&w, 5, seed + 100),
        ));
        pairs.push((
            format!("synthetic-{n}-{seed}-20pct"),
            w.clone(),
            modify(&w, 20, seed + 200),
        ));
    }

    let dir = tempfile::tempdir().unwrap();
    let mut spec = Vec::new();
    for (k, (name, a, b)) in pairs.iter().enumerate() {
        let (pa, pb) = (
            dir.path().join(format!("{k}-old.bpmn")),
            dir.path().join(format!("{k}-new.bpmn")),
        );
        std::fs::write(&pa, to_bpmn(a)).unwrap();
        std::fs::write(&pb, to_bpmn(b)).unwrap();
        spec.push(serde_json::json!({"name": name, "old": pa, "new": pb}));
    }
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, serde_json::to_string(&spec).unwrap()).unwrap();
    // bpmn-js-differ recurses over long lists; node's default stack (984 KB) overflows on
    // diagrams of a few thousand elements (the 2,000-block pair of `cargo xtask bench`).
    let out = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg("--stack-size=4000")
        .arg(root.join("e2e/interop/differ-check.mjs"))
        .arg(&spec_path)
        .env("NODE_PATH", &node_modules)
        .output()
        .expect("cannot run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "differ-check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report.len(), pairs.len());

    let mut failures = Vec::new();
    let mut reported_total = 0usize;
    for ((name, a, b), r) in pairs.iter().zip(&report) {
        assert_eq!(r["name"], name.as_str());
        if let Some(e) = r["error"].as_str() {
            failures.push(format!("{name}: bpmn-js-differ failed: {e}"));
            continue;
        }
        let d = diff(a, b);
        let x = explained(a, b, &d);
        let mut lanes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for side in ["old", "new"] {
            if let Some(m) = r["lanes"][side].as_object() {
                for (lane, nodes) in m {
                    lanes.entry(lane.clone()).or_default().extend(
                        nodes
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|n| n.as_str().map(str::to_string)),
                    );
                }
            }
        }
        for (key, layout) in [
            ("added", false),
            ("removed", false),
            ("changed", false),
            ("layoutChanged", true),
        ] {
            for id in r[key].as_array().into_iter().flatten() {
                let id = id.as_str().unwrap();
                reported_total += 1;
                if let Some(why) = unexplained(id, layout, a, b, &x, &lanes) {
                    failures.push(format!("{name}: {key} {id}: {why}"));
                }
            }
        }
    }
    assert!(reported_total > 0, "bpmn-js-differ reported nothing at all");
    assert!(
        failures.is_empty(),
        "{} element(s) reported by bpmn-js-differ are missing from Fachwerk's diff:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
