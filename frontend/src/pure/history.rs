//! Undo/redo stacks. Each entry is the inverse of one user step; applying it yields the entry
//! for the opposite stack, so redo needs no extra bookkeeping.

use fachwerk_shared::{apply, Op, OpError, Workflow};

/// Steps kept; older ones are dropped so a long session cannot exhaust memory.
const LIMIT: usize = 500;

/// One undoable step.
// Ops are ~200 bytes on 64-bit targets; with at most 2 × LIMIT entries that is cheaper than a
// box per edit.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Inverse op of an edit.
    Op(Op),
    /// A whole workflow that was replaced ("Neu", "Öffnen").
    Replace(Box<Workflow>),
}

/// What an undo or redo did to the workflow: the op it applied (the worker's copy takes the
/// same, see `editor::checks`), or a whole other workflow.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Op(Op),
    Whole,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
}

impl History {
    /// Records a new step; a new step invalidates the redo stack.
    pub fn push(&mut self, entry: Entry) {
        if matches!(&entry, Entry::Op(Op::Batch(v)) if v.is_empty()) {
            return;
        }
        self.undo.push(entry);
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self, w: &mut Workflow) -> Result<Option<Change>, OpError> {
        step(&mut self.undo, &mut self.redo, w)
    }

    pub fn redo(&mut self, w: &mut Workflow) -> Result<Option<Change>, OpError> {
        step(&mut self.redo, &mut self.undo, w)
    }
}

/// Pops from `from`, applies it and pushes the inverse onto `to`. Ok(None): nothing to do.
fn step(
    from: &mut Vec<Entry>,
    to: &mut Vec<Entry>,
    w: &mut Workflow,
) -> Result<Option<Change>, OpError> {
    let Some(entry) = from.pop() else {
        return Ok(None);
    };
    match entry {
        Entry::Op(op) => {
            let applied = never_lower_the_id_counter(op.clone(), w.next_id);
            match apply(w, applied.clone()) {
                Ok(inverse) => {
                    to.push(Entry::Op(inverse));
                    Ok(Some(Change::Op(applied)))
                }
                Err(e) => {
                    // Keep the entry so the stacks stay consistent with the document.
                    from.push(Entry::Op(op));
                    Err(e)
                }
            }
        }
        Entry::Replace(old) => {
            let current = std::mem::replace(w, *old);
            to.push(Entry::Replace(Box::new(current)));
            Ok(Some(Change::Whole))
        }
    }
}

/// Undo must not hand ids out again: the inverse of `Op::SetNextId` would lower the counter, so
/// an id of an undone block could later name another block in a saved draft, and diff and merge
/// match by id. Undo and redo therefore keep the counter at least where it is.
fn never_lower_the_id_counter(op: Op, current: u64) -> Op {
    match op {
        Op::SetNextId { next_id } => Op::SetNextId {
            next_id: next_id.max(current),
        },
        Op::Batch(ops) => Op::Batch(
            ops.into_iter()
                .map(|o| never_lower_the_id_counter(o, current))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fachwerk_shared::{Block, BlockType, Rect};

    #[test]
    fn undo_then_redo_restores_both_states() {
        let mut w = Workflow::new("t", "T");
        let before = w.clone();
        let mut h = History::default();
        let op = Op::AddBlock {
            block: Block::new("b1", "", BlockType::Ende.default_kind()),
            rect: Some(Rect::at(0, 0)),
            index: None,
        };
        let inv = apply(&mut w, op).expect("add");
        h.push(Entry::Op(inv));
        let after = w.clone();
        // What a step reports brings a copy (the worker's) to the same state.
        let mut copy = w.clone();
        let Ok(Some(Change::Op(undone))) = h.undo(&mut w) else {
            panic!("undo applied no op");
        };
        assert_eq!(w, before);
        apply(&mut copy, undone).expect("the reported op applies to the copy");
        assert_eq!(copy, before);
        let Ok(Some(Change::Op(redone))) = h.redo(&mut w) else {
            panic!("redo applied no op");
        };
        assert_eq!(w, after);
        apply(&mut copy, redone).expect("the reported op applies to the copy");
        assert_eq!(copy, after);
        assert_eq!(h.redo(&mut w), Ok(None));
    }

    #[test]
    fn undo_never_hands_an_id_out_again() {
        let mut w = Workflow::new("t", "T");
        let mut h = History::default();
        let (id, next_id) = {
            let mut ids = w.id_allocator();
            let id = ids.fresh("b");
            (id, ids.next_id())
        };
        let gesture = Op::Batch(vec![
            Op::SetNextId { next_id },
            Op::AddBlock {
                block: Block::new(id.as_str(), "", BlockType::Ende.default_kind()),
                rect: Some(Rect::at(0, 0)),
                index: None,
            },
        ]);
        let counter_after_add = {
            let inv = apply(&mut w, gesture).expect("add");
            h.push(Entry::Op(inv));
            w.next_id
        };
        assert!(matches!(h.undo(&mut w), Ok(Some(Change::Op(_)))));
        assert!(w.blocks.is_empty());
        assert_eq!(w.next_id, counter_after_add, "undo lowered the id counter");
        assert_ne!(
            w.id_allocator().fresh("b"),
            id,
            "an undone id was handed out again"
        );
        assert!(matches!(h.redo(&mut w), Ok(Some(Change::Op(_)))));
        assert_eq!(w.blocks.len(), 1);
        assert_eq!(w.next_id, counter_after_add);
    }
}
