//! Whole-graph rules (blocks.md §3).

use super::{Element, Finding};
use crate::model::{BlockType, Workflow};

pub(super) fn check(w: &Workflow, out: &mut Vec<Finding>) {
    let starts: Vec<_> = w.blocks.iter().filter(|b| b.block_type() == BlockType::Start).collect();
    match starts.len() {
        0 => out.push(
            Finding::new(
                "E_NO_START",
                Element::workflow(),
                "Der Ablauf hat keinen Antragseingang (Start).",
                "The workflow has no start block.",
            )
            .hint("Ziehen Sie einen Baustein „Antragseingang“ auf die Fläche.", "Add an “Application received” block."),
        ),
        1 => {}
        _ => {
            for s in &starts[1..] {
                out.push(Finding::new(
                    "E_MULTIPLE_START",
                    Element::block(&s.id),
                    format!("„{}“ ist ein weiterer Start; ein Ablauf hat genau einen.", w.block_label(&s.id)),
                    format!("“{}” is another start; a workflow has exactly one.", w.block_label(&s.id)),
                ));
            }
        }
    }
    if !w.blocks.iter().any(|b| b.block_type() == BlockType::Ende) {
        out.push(
            Finding::new("E_NO_END", Element::workflow(), "Der Ablauf hat kein Ende.", "The workflow has no end block.")
                .hint("Ziehen Sie einen Baustein „Ende“ auf die Fläche.", "Add an “End” block."),
        );
    }
}
