//! Every edit is an `Op`; applying one returns its inverse. Undo/redo, the API and the diff
//! share this vocabulary.

use serde::{Deserialize, Serialize};

use crate::model::{
    Block, BlockId, BlockKind, Edge, EdgeId, Field, Point, Rect, Role, RoleId, TestCase, Workflow,
};

/// One edit of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// Inserts a block (at `index` in the block list, else at the end) with its position.
    AddBlock {
        block: Block,
        rect: Option<Rect>,
        index: Option<usize>,
    },
    /// Removes a block together with all edges touching it.
    RemoveBlock {
        id: BlockId,
    },
    MoveBlock {
        id: BlockId,
        to: Rect,
    },
    /// Drops a block's position (the inverse of placing a block that had none).
    Unplace {
        id: BlockId,
    },
    /// Replaces a block's type and parameters.
    SetParams {
        id: BlockId,
        kind: BlockKind,
    },
    RenameBlock {
        id: BlockId,
        label: String,
    },
    Connect {
        edge: Edge,
        waypoints: Vec<Point>,
        index: Option<usize>,
    },
    Disconnect {
        id: EdgeId,
    },
    /// Points an existing edge at another target block.
    Retarget {
        id: EdgeId,
        to: BlockId,
    },
    SetWaypoints {
        id: EdgeId,
        points: Vec<Point>,
    },
    SetInfo {
        name: String,
        description: String,
    },
    /// Sets the id counter (`Workflow::next_id`) after the designer took fresh ids from
    /// `Workflow::id_allocator`; sent in the same batch as the ops that use the ids. Its inverse
    /// restores the old counter (every op is exactly invertible); the designer's undo history
    /// never lowers the counter (`frontend/src/pure/history.rs`), so an undone id is not handed
    /// out again.
    SetNextId {
        next_id: u64,
    },
    /// Sets the days a process engine keeps a finished case's history (`None`: the default).
    SetHistoryTimeToLive {
        days: Option<u32>,
    },
    /// Sets the workflow key (folder and tag name; validation checks its form, `E_KEY_FORMAT`).
    SetKey {
        key: String,
    },
    AddRole {
        role: Role,
        index: Option<usize>,
    },
    RemoveRole {
        id: RoleId,
    },
    UpdateRole {
        role: Role,
    },
    AddField {
        field: Field,
        index: Option<usize>,
    },
    RemoveField {
        name: String,
    },
    UpdateField {
        name: String,
        field: Field,
    },
    /// Replaces the saved Probelauf cases (Probefälle).
    SetTestCases {
        cases: Vec<TestCase>,
    },
    /// Several ops as one step (one gesture = one undo entry); applied in order, all or nothing.
    Batch(Vec<Op>),
}

/// Why an op cannot be applied. The workflow is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum OpError {
    #[error("Baustein „{0}“ gibt es nicht")]
    UnknownBlock(BlockId),
    #[error("Verbindung „{0}“ gibt es nicht")]
    UnknownEdge(EdgeId),
    #[error("Rolle „{0}“ gibt es nicht")]
    UnknownRole(RoleId),
    #[error("Fallvariable „{0}“ gibt es nicht")]
    UnknownField(String),
    #[error("Die Kennung „{0}“ ist schon vergeben")]
    DuplicateId(String),
}

impl Block {
    fn placeholder() -> Block {
        Block::new("", "", crate::model::BlockType::Ende.default_kind())
    }
}

fn insert_at<T>(v: &mut Vec<T>, index: Option<usize>, item: T) {
    match index {
        Some(i) if i <= v.len() => v.insert(i, item),
        _ => v.push(item),
    }
}

/// Applies `op` and returns the op that undoes it. On error nothing changes.
pub fn apply(w: &mut Workflow, op: Op) -> Result<Op, OpError> {
    match op {
        Op::AddBlock { block, rect, index } => {
            if w.block(&block.id).is_some() {
                return Err(OpError::DuplicateId(block.id.0));
            }
            let id = block.id.clone();
            // Dangling edges that already point at this id must survive the undo
            // (RemoveBlock takes a block's edges with it).
            let reconnect: Vec<Op> = w
                .edges
                .iter()
                .enumerate()
                .filter(|(_, e)| e.from == id || e.to == id)
                .map(|(i, e)| Op::Connect {
                    edge: e.clone(),
                    waypoints: w.layout.edges.get(&e.id).cloned().unwrap_or_default(),
                    index: Some(i),
                })
                .collect();
            if let Some(r) = rect {
                w.layout.blocks.insert(id.clone(), r);
            }
            insert_at(&mut w.blocks, index, block);
            if reconnect.is_empty() {
                Ok(Op::RemoveBlock { id })
            } else {
                let mut undo = vec![Op::RemoveBlock { id }];
                undo.extend(reconnect);
                Ok(Op::Batch(undo))
            }
        }
        Op::RemoveBlock { id } => {
            let pos = w
                .blocks
                .iter()
                .position(|b| b.id == id)
                .ok_or_else(|| OpError::UnknownBlock(id.clone()))?;
            let mut restore = Vec::new();
            // Edges first (document order kept by restoring with their indices).
            let mut i = 0;
            let mut removed_edges = Vec::new();
            while i < w.edges.len() {
                if w.edges[i].from == id || w.edges[i].to == id {
                    let e = w.edges.remove(i);
                    let waypoints = w.layout.edges.remove(&e.id).unwrap_or_default();
                    removed_edges.push(Op::Connect {
                        edge: e,
                        waypoints,
                        index: Some(i + removed_edges.len()),
                    });
                } else {
                    i += 1;
                }
            }
            let block = std::mem::replace(&mut w.blocks[pos], Block::placeholder());
            w.blocks.remove(pos);
            let rect = w.layout.blocks.remove(&id);
            restore.push(Op::AddBlock {
                block,
                rect,
                index: Some(pos),
            });
            restore.extend(removed_edges);
            Ok(Op::Batch(restore))
        }
        Op::MoveBlock { id, to } => {
            if w.block(&id).is_none() {
                return Err(OpError::UnknownBlock(id));
            }
            match w.layout.blocks.insert(id.clone(), to) {
                Some(from) => Ok(Op::MoveBlock { id, to: from }),
                None => Ok(Op::Unplace { id }),
            }
        }
        Op::Unplace { id } => {
            if w.block(&id).is_none() {
                return Err(OpError::UnknownBlock(id));
            }
            match w.layout.blocks.remove(&id) {
                Some(from) => Ok(Op::MoveBlock { id, to: from }),
                None => Ok(Op::Batch(Vec::new())),
            }
        }
        Op::SetParams { id, kind } => {
            let b = w
                .block_mut(&id)
                .ok_or_else(|| OpError::UnknownBlock(id.clone()))?;
            let old = std::mem::replace(&mut b.kind, kind);
            Ok(Op::SetParams { id, kind: old })
        }
        Op::RenameBlock { id, label } => {
            let b = w
                .block_mut(&id)
                .ok_or_else(|| OpError::UnknownBlock(id.clone()))?;
            let old = std::mem::replace(&mut b.label, label);
            Ok(Op::RenameBlock { id, label: old })
        }
        Op::Connect {
            edge,
            waypoints,
            index,
        } => {
            // Endpoints are not checked: a dangling edge is representable (validation reports
            // E_EDGE_DANGLING), and undoing the removal of one must restore it exactly.
            if w.edge(&edge.id).is_some() {
                return Err(OpError::DuplicateId(edge.id.0));
            }
            let id = edge.id.clone();
            if !waypoints.is_empty() {
                w.layout.edges.insert(id.clone(), waypoints);
            }
            insert_at(&mut w.edges, index, edge);
            Ok(Op::Disconnect { id })
        }
        Op::Disconnect { id } => {
            let pos = w
                .edges
                .iter()
                .position(|e| e.id == id)
                .ok_or_else(|| OpError::UnknownEdge(id.clone()))?;
            let edge = w.edges.remove(pos);
            let waypoints = w.layout.edges.remove(&id).unwrap_or_default();
            Ok(Op::Connect {
                edge,
                waypoints,
                index: Some(pos),
            })
        }
        Op::Retarget { id, to } => {
            let e = w
                .edges
                .iter_mut()
                .find(|e| e.id == id)
                .ok_or_else(|| OpError::UnknownEdge(id.clone()))?;
            let old = std::mem::replace(&mut e.to, to);
            Ok(Op::Retarget { id, to: old })
        }
        Op::SetWaypoints { id, points } => {
            if w.edge(&id).is_none() {
                return Err(OpError::UnknownEdge(id));
            }
            let old = if points.is_empty() {
                w.layout.edges.remove(&id)
            } else {
                w.layout.edges.insert(id.clone(), points)
            };
            Ok(Op::SetWaypoints {
                id,
                points: old.unwrap_or_default(),
            })
        }
        Op::SetInfo { name, description } => {
            let old_name = std::mem::replace(&mut w.name, name);
            let old_desc = std::mem::replace(&mut w.description, description);
            Ok(Op::SetInfo {
                name: old_name,
                description: old_desc,
            })
        }
        Op::SetNextId { next_id } => Ok(Op::SetNextId {
            next_id: std::mem::replace(&mut w.next_id, next_id),
        }),
        Op::SetHistoryTimeToLive { days } => Ok(Op::SetHistoryTimeToLive {
            days: std::mem::replace(&mut w.history_time_to_live_days, days),
        }),
        Op::SetKey { key } => Ok(Op::SetKey {
            key: std::mem::replace(&mut w.key, key),
        }),
        Op::SetTestCases { cases } => Ok(Op::SetTestCases {
            cases: std::mem::replace(&mut w.test_cases, cases),
        }),
        Op::AddRole { role, index } => {
            if w.role(&role.id).is_some() {
                return Err(OpError::DuplicateId(role.id.0));
            }
            let id = role.id.clone();
            insert_at(&mut w.roles, index, role);
            Ok(Op::RemoveRole { id })
        }
        Op::RemoveRole { id } => {
            let pos = w
                .roles
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| OpError::UnknownRole(id.clone()))?;
            let role = w.roles.remove(pos);
            Ok(Op::AddRole {
                role,
                index: Some(pos),
            })
        }
        Op::UpdateRole { role } => {
            let r = w
                .roles
                .iter_mut()
                .find(|r| r.id == role.id)
                .ok_or_else(|| OpError::UnknownRole(role.id.clone()))?;
            let old = std::mem::replace(r, role);
            Ok(Op::UpdateRole { role: old })
        }
        Op::AddField { field, index } => {
            if w.field(&field.name).is_some() {
                return Err(OpError::DuplicateId(field.name));
            }
            let name = field.name.clone();
            insert_at(&mut w.fields, index, field);
            Ok(Op::RemoveField { name })
        }
        Op::RemoveField { name } => {
            let pos = w
                .fields
                .iter()
                .position(|f| f.name == name)
                .ok_or_else(|| OpError::UnknownField(name.clone()))?;
            let field = w.fields.remove(pos);
            Ok(Op::AddField {
                field,
                index: Some(pos),
            })
        }
        Op::UpdateField { name, field } => {
            if field.name != name && w.field(&field.name).is_some() {
                return Err(OpError::DuplicateId(field.name));
            }
            let f = w
                .fields
                .iter_mut()
                .find(|f| f.name == name)
                .ok_or_else(|| OpError::UnknownField(name.clone()))?;
            let new_name = field.name.clone();
            let old = std::mem::replace(f, field);
            Ok(Op::UpdateField {
                name: new_name,
                field: old,
            })
        }
        Op::Batch(ops) => {
            let mut inverses = Vec::with_capacity(ops.len());
            for op in ops {
                match apply(w, op) {
                    Ok(inv) => inverses.push(inv),
                    Err(e) => {
                        // Roll back what was applied so the batch is all or nothing.
                        for inv in inverses.into_iter().rev() {
                            let _ = apply(w, inv);
                        }
                        return Err(e);
                    }
                }
            }
            inverses.reverse();
            Ok(Op::Batch(inverses))
        }
    }
}
