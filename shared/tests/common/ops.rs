//! Op sequences: ops described relative to any workflow, resolved into concrete `Op`s.

use fachwerk_shared::model::*;
use fachwerk_shared::ops::Op;
use proptest::prelude::*;

use super::*;

/// Picks an existing element by index, or names one that does not exist.
#[derive(Debug, Clone, Copy)]
pub struct Sel {
    pub index: usize,
    pub missing: bool,
}

pub fn sel() -> impl Strategy<Value = Sel> {
    (any::<usize>(), prop::bool::weighted(0.1)).prop_map(|(index, missing)| Sel { index, missing })
}

/// An op described relative to whatever workflow it is applied to.
#[derive(Debug, Clone)]
pub enum OpSpec {
    AddBlock {
        label: String,
        kind: BlockKind,
        rect: Option<Rect>,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    RemoveBlock(Sel),
    MoveBlock(Sel, Rect),
    Unplace(Sel),
    SetParams(Sel, BlockKind),
    RenameBlock(Sel, String),
    Connect {
        from: Sel,
        to: Sel,
        port: String,
        waypoints: Vec<Point>,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    Disconnect(Sel),
    Retarget(Sel, Sel),
    SetWaypoints(Sel, Vec<Point>),
    SetInfo(String, String),
    SetKey(String),
    SetHistoryTtl(Option<u32>),
    SetNextId(u64),
    AddRole {
        role: Role,
        index: Option<usize>,
        reuse_id: Option<Sel>,
    },
    RemoveRole(Sel),
    UpdateRole(Sel, Role),
    AddField {
        field: Field,
        index: Option<usize>,
        reuse_name: Option<Sel>,
    },
    RemoveField(Sel),
    UpdateField {
        which: Sel,
        field: Field,
        rename_to: Option<Sel>,
    },
    Batch(Vec<OpSpec>),
}

fn reuse() -> impl Strategy<Value = Option<Sel>> {
    proptest::option::weighted(0.15, sel())
}

fn index() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(0usize..12)
}

fn leaf_op() -> impl Strategy<Value = OpSpec> {
    prop_oneof![
        (
            text(),
            block_kind(),
            proptest::option::of(rect()),
            index(),
            reuse()
        )
            .prop_map(|(label, kind, rect, index, reuse_id)| OpSpec::AddBlock {
                label,
                kind,
                rect,
                index,
                reuse_id
            }),
        sel().prop_map(OpSpec::RemoveBlock),
        (sel(), rect()).prop_map(|(s, r)| OpSpec::MoveBlock(s, r)),
        sel().prop_map(OpSpec::Unplace),
        (sel(), block_kind()).prop_map(|(s, k)| OpSpec::SetParams(s, k)),
        (sel(), text()).prop_map(|(s, t)| OpSpec::RenameBlock(s, t)),
        (
            sel(),
            sel(),
            text(),
            prop::collection::vec(point(), 0..3),
            index(),
            reuse()
        )
            .prop_map(
                |(from, to, port, waypoints, index, reuse_id)| OpSpec::Connect {
                    from,
                    to,
                    port,
                    waypoints,
                    index,
                    reuse_id
                }
            ),
        sel().prop_map(OpSpec::Disconnect),
        (sel(), sel()).prop_map(|(a, b)| OpSpec::Retarget(a, b)),
        (sel(), prop::collection::vec(point(), 0..3)).prop_map(|(s, p)| OpSpec::SetWaypoints(s, p)),
        (text(), text()).prop_map(|(a, b)| OpSpec::SetInfo(a, b)),
        prop_oneof![Just("neuer-ablauf".to_string()), "[a-z0-9-]{1,12}", text()]
            .prop_map(OpSpec::SetKey),
        prop::option::of(0u32..20_000).prop_map(OpSpec::SetHistoryTtl),
        (0u64..40).prop_map(OpSpec::SetNextId),
        (role(), index(), reuse()).prop_map(|(role, index, reuse_id)| OpSpec::AddRole {
            role,
            index,
            reuse_id
        }),
        sel().prop_map(OpSpec::RemoveRole),
        (sel(), role()).prop_map(|(s, r)| OpSpec::UpdateRole(s, r)),
        (field(), index(), reuse()).prop_map(|(field, index, reuse_name)| OpSpec::AddField {
            field,
            index,
            reuse_name
        }),
        sel().prop_map(OpSpec::RemoveField),
        (sel(), field(), reuse()).prop_map(|(which, field, rename_to)| OpSpec::UpdateField {
            which,
            field,
            rename_to
        }),
    ]
}

/// Single ops and batches of them (batches may contain failing ops: all or nothing).
pub fn op_spec() -> impl Strategy<Value = OpSpec> {
    prop_oneof![5 => leaf_op(), 1 => prop::collection::vec(leaf_op(), 0..5).prop_map(OpSpec::Batch)]
}

const MISSING: &str = "gibt-es-nicht\u{2205}";

fn pick<T: Clone>(items: &[T], s: Sel, missing: impl FnOnce() -> T) -> T {
    if s.missing || items.is_empty() {
        missing()
    } else {
        items[s.index % items.len()].clone()
    }
}

/// Turns a spec into a concrete op for `w`; `fresh` numbers new ids.
pub fn resolve(spec: &OpSpec, w: &Workflow, fresh: &mut u64) -> Op {
    let block_ids: Vec<BlockId> = w.blocks.iter().map(|b| b.id.clone()).collect();
    let edge_ids: Vec<EdgeId> = w.edges.iter().map(|e| e.id.clone()).collect();
    let role_ids: Vec<RoleId> = w.roles.iter().map(|r| r.id.clone()).collect();
    let field_names: Vec<String> = w.fields.iter().map(|f| f.name.clone()).collect();
    let mut new_id = |prefix: &str| {
        *fresh += 1;
        format!("{prefix}-neu-{fresh}")
    };
    let block = |s: Sel| pick(&block_ids, s, || BlockId::new(MISSING));
    let edge = |s: Sel| pick(&edge_ids, s, || EdgeId::new(MISSING));
    let role_id = |s: Sel| pick(&role_ids, s, || RoleId::new(MISSING));
    let field_name = |s: Sel| pick(&field_names, s, || MISSING.to_string());
    match spec.clone() {
        OpSpec::AddBlock {
            label,
            kind,
            rect,
            index,
            reuse_id,
        } => {
            let id = match reuse_id {
                Some(s) => block(s),
                None => BlockId(new_id("b")),
            };
            Op::AddBlock {
                block: Block { id, label, kind },
                rect,
                index,
            }
        }
        OpSpec::RemoveBlock(s) => Op::RemoveBlock { id: block(s) },
        OpSpec::MoveBlock(s, to) => Op::MoveBlock { id: block(s), to },
        OpSpec::Unplace(s) => Op::Unplace { id: block(s) },
        OpSpec::SetParams(s, kind) => Op::SetParams { id: block(s), kind },
        OpSpec::RenameBlock(s, label) => Op::RenameBlock {
            id: block(s),
            label,
        },
        OpSpec::Connect {
            from,
            to,
            port,
            waypoints,
            index,
            reuse_id,
        } => {
            let id = match reuse_id {
                Some(s) => edge(s),
                None => EdgeId(new_id("e")),
            };
            Op::Connect {
                edge: Edge {
                    id,
                    from: block(from),
                    port,
                    to: block(to),
                },
                waypoints,
                index,
            }
        }
        OpSpec::Disconnect(s) => Op::Disconnect { id: edge(s) },
        OpSpec::Retarget(s, to) => Op::Retarget {
            id: edge(s),
            to: block(to),
        },
        OpSpec::SetWaypoints(s, points) => Op::SetWaypoints {
            id: edge(s),
            points,
        },
        OpSpec::SetInfo(name, description) => Op::SetInfo { name, description },
        OpSpec::SetKey(key) => Op::SetKey { key },
        OpSpec::SetHistoryTtl(days) => Op::SetHistoryTimeToLive { days },
        OpSpec::SetNextId(next_id) => Op::SetNextId { next_id },
        OpSpec::AddRole {
            mut role,
            index,
            reuse_id,
        } => {
            role.id = match reuse_id {
                Some(s) => role_id(s),
                None => RoleId(new_id("R")),
            };
            Op::AddRole { role, index }
        }
        OpSpec::RemoveRole(s) => Op::RemoveRole { id: role_id(s) },
        OpSpec::UpdateRole(s, mut role) => {
            role.id = role_id(s);
            Op::UpdateRole { role }
        }
        OpSpec::AddField {
            mut field,
            index,
            reuse_name,
        } => {
            field.name = match reuse_name {
                Some(s) => field_name(s),
                None => new_id("f"),
            };
            Op::AddField { field, index }
        }
        OpSpec::RemoveField(s) => Op::RemoveField {
            name: field_name(s),
        },
        OpSpec::UpdateField {
            which,
            mut field,
            rename_to,
        } => {
            let name = field_name(which);
            field.name = match rename_to {
                Some(s) => field_name(s),
                None if which.index % 2 == 0 => name.clone(),
                None => new_id("f"),
            };
            Op::UpdateField { name, field }
        }
        OpSpec::Batch(specs) => Op::Batch(specs.iter().map(|s| resolve(s, w, fresh)).collect()),
    }
}
