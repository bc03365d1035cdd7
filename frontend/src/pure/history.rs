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

    pub fn undo(&mut self, w: &mut Workflow) -> Result<bool, OpError> {
        step(&mut self.undo, &mut self.redo, w)
    }

    pub fn redo(&mut self, w: &mut Workflow) -> Result<bool, OpError> {
        step(&mut self.redo, &mut self.undo, w)
    }
}

/// Pops from `from`, applies it and pushes the inverse onto `to`. Ok(false): nothing to do.
fn step(from: &mut Vec<Entry>, to: &mut Vec<Entry>, w: &mut Workflow) -> Result<bool, OpError> {
    let Some(entry) = from.pop() else {
        return Ok(false);
    };
    match entry {
        Entry::Op(op) => match apply(w, op.clone()) {
            Ok(inverse) => to.push(Entry::Op(inverse)),
            Err(e) => {
                // Keep the entry so the stacks stay consistent with the document.
                from.push(Entry::Op(op));
                return Err(e);
            }
        },
        Entry::Replace(old) => {
            let current = std::mem::replace(w, *old);
            to.push(Entry::Replace(Box::new(current)));
        }
    }
    Ok(true)
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
        assert_eq!(h.undo(&mut w), Ok(true));
        assert_eq!(w, before);
        assert_eq!(h.redo(&mut w), Ok(true));
        assert_eq!(w, after);
        assert_eq!(h.redo(&mut w), Ok(false));
    }
}
