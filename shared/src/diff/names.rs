//! Human names for the ids a change sentence mentions: block labels, role names and field
//! labels, looked up in the new version first, then in the old one.

use crate::catalog;
use crate::model::{Block, BlockId, Workflow};
use crate::validate::{id_map, IdMap as HashMap};

/// Blocks by id, first occurrence wins: [`Workflow::block_label`] without the linear search.
pub(super) struct Labels<'a> {
    blocks: HashMap<&'a BlockId, &'a Block>,
}

impl<'a> Labels<'a> {
    pub(super) fn new(w: &'a Workflow) -> Labels<'a> {
        let mut blocks = id_map(w.blocks.len());
        for b in &w.blocks {
            blocks.entry(&b.id).or_insert(b);
        }
        Labels { blocks }
    }

    /// Same text as [`Workflow::block_label`].
    pub(super) fn get(&self, id: &BlockId) -> String {
        match self.blocks.get(id) {
            Some(b) => label_of(b),
            None => id.0.clone(),
        }
    }

    /// [`Labels::get`] for English sentences.
    pub(super) fn get_en(&self, id: &BlockId) -> String {
        match self.blocks.get(id) {
            Some(b) => label_en_of(b),
            None => id.0.clone(),
        }
    }

    fn find(&self, id: &BlockId) -> Option<&'a Block> {
        self.blocks.get(id).copied()
    }

    /// German and English name of exit `port` of block `id` (a band's or rule's label for a
    /// router), or the generic port name.
    pub(super) fn port(&self, id: &BlockId, port: &str) -> (String, String) {
        self.find(id)
            .and_then(|b| catalog::ports(&b.kind).into_iter().find(|p| p.name == port))
            .map(|p| (p.label_de, p.label_en))
            .unwrap_or_else(|| catalog::port_label(port))
    }
}

/// A block's label, or the German name of its type when it has none.
pub(super) fn label_of(b: &Block) -> String {
    if b.label.trim().is_empty() {
        catalog::info(b.block_type()).name_de.to_string()
    } else {
        b.label.clone()
    }
}

/// [`label_of`] for English sentences: the type's English name when the block has none.
pub(super) fn label_en_of(b: &Block) -> String {
    if b.label.trim().is_empty() {
        catalog::info(b.block_type()).name_en.to_string()
    } else {
        b.label.clone()
    }
}

/// A field's label, or its name when it has none.
pub(super) fn field_label(f: &crate::model::Field) -> String {
    if f.label.trim().is_empty() {
        f.name.clone()
    } else {
        f.label.clone()
    }
}

/// Everything a sentence needs to name blocks, roles and fields of either version.
pub(super) struct Names<'a> {
    pub old_blocks: Labels<'a>,
    pub new_blocks: Labels<'a>,
    old: &'a Workflow,
    new: &'a Workflow,
}

impl<'a> Names<'a> {
    pub(super) fn new(old: &'a Workflow, new: &'a Workflow) -> Names<'a> {
        Names {
            old_blocks: Labels::new(old),
            new_blocks: Labels::new(new),
            old,
            new,
        }
    }

    /// The label of block `id` in the new version, else in the old one.
    pub(super) fn block(&self, id: &BlockId) -> String {
        match self
            .new_blocks
            .find(id)
            .or_else(|| self.old_blocks.find(id))
        {
            Some(b) => label_of(b),
            None => id.0.clone(),
        }
    }

    /// The label of block `id` in the old version, else in the new one.
    pub(super) fn old_block(&self, id: &BlockId) -> String {
        match self
            .old_blocks
            .find(id)
            .or_else(|| self.new_blocks.find(id))
        {
            Some(b) => label_of(b),
            None => id.0.clone(),
        }
    }

    /// [`Names::block`] for English sentences.
    pub(super) fn block_en(&self, id: &BlockId) -> String {
        match self
            .new_blocks
            .find(id)
            .or_else(|| self.old_blocks.find(id))
        {
            Some(b) => label_en_of(b),
            None => id.0.clone(),
        }
    }

    /// [`Names::old_block`] for English sentences.
    pub(super) fn old_block_en(&self, id: &BlockId) -> String {
        match self
            .old_blocks
            .find(id)
            .or_else(|| self.new_blocks.find(id))
        {
            Some(b) => label_en_of(b),
            None => id.0.clone(),
        }
    }

    pub(super) fn role(&self, id: &str) -> String {
        [self.new, self.old]
            .iter()
            .find_map(|w| w.roles.iter().find(|r| r.id.0 == id))
            .map_or_else(|| id.to_string(), |r| r.name.clone())
    }

    pub(super) fn field(&self, name: &str) -> String {
        [self.new, self.old]
            .iter()
            .find_map(|w| w.fields.iter().find(|f| f.name == name))
            .map_or_else(|| name.to_string(), field_label)
    }

    /// An expression (condition, amount) with every declared field written as its label:
    /// `dauerTage > 30` reads `Dauer in Tagen > 30`. String literals stay as they are.
    pub(super) fn expression(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c == '"' {
                out.push(c);
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == '"' && !escaped {
                        break;
                    }
                    escaped = d == '\\' && !escaped;
                }
            } else if c.is_alphabetic() || c == '_' {
                let mut end = at + c.len_utf8();
                while let Some(&(k, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = k + d.len_utf8();
                    chars.next();
                }
                out.push_str(&self.field(&text[at..end]));
            } else {
                out.push(c);
            }
        }
        out
    }
}
