//! Changes of blocks: added, removed, renamed, another type, other parameters, and blocks whose
//! linked block appeared or disappeared.

use serde_json::Value;

use super::names::{label_en_of, label_of};
use super::{params, Change, ChangeKind, Differ, Impact};
use crate::catalog;
use crate::model::{Block, BlockId, BlockKind};
use crate::ops::Op;
use crate::validate::{id_set, IdMap as HashMap, IdSet as HashSet};

impl Differ<'_> {
    pub(super) fn blocks(&mut self) {
        let old: HashMap<&BlockId, &Block> = self.old.blocks.iter().map(|b| (&b.id, b)).collect();
        let mut new_ids: HashSet<&BlockId> = id_set(self.new.blocks.len());
        new_ids.extend(self.new.blocks.iter().map(|b| &b.id));
        for b in &self.old.blocks {
            if !new_ids.contains(&b.id) {
                let (name, name_en) = (label_of(b), label_en_of(b));
                self.changes.push(
                    Change::new(
                        ChangeKind::BlockRemoved,
                        Impact::Breaking,
                        format!(
                            "Schritt „{name}“ ({}) entfernt",
                            catalog::info(b.block_type()).name_de
                        ),
                        format!(
                            "Step “{name_en}” ({}) removed",
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
                let (name, name_en) = (label_of(b), label_en_of(b));
                self.changes.push(
                    Change::new(
                        ChangeKind::BlockAdded,
                        Impact::Feature,
                        format!(
                            "Schritt „{name}“ ({}) hinzugefügt",
                            catalog::info(b.block_type()).name_de
                        ),
                        format!(
                            "Step “{name_en}” ({}) added",
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
                        format!("Step “{}” renamed to “{}”", label_en_of(o), label_en_of(b)),
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
                                label_en_of(b),
                                catalog::info(b.block_type()).name_en,
                                catalog::info(o.block_type()).name_en
                            ),
                        )
                        .block(&b.id),
                    );
                } else {
                    let label = (label_of(b), label_en_of(b));
                    for c in params::changes(&self.names, (&label.0, &label.1), &o.kind, &b.kind) {
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
    pub(super) fn linked_blocks(&mut self) {
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
                let (label, label_en) = (label_of(b), label_en_of(b));
                let (de, en) = if was {
                    let t = &self.names.old_blocks;
                    let (t, t_en) = (t.get(target), t.get_en(target));
                    (
                        format!("„{label}“: der verknüpfte Schritt „{t}“ ist entfallen"),
                        format!("“{label_en}”: the linked step “{t_en}” was removed"),
                    )
                } else {
                    let t = &self.names.new_blocks;
                    let (t, t_en) = (t.get(target), t.get_en(target));
                    (
                        format!("„{label}“: der verknüpfte Schritt „{t}“ ist jetzt vorhanden"),
                        format!("“{label_en}”: the linked step “{t_en}” now exists"),
                    )
                };
                let mut c =
                    Change::new(ChangeKind::ParamChanged, Impact::Breaking, de, en).block(&b.id);
                c.path = Some(path.to_string());
                self.changes.push(c);
            }
        }
    }
}
