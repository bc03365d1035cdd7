//! The 15 administrative building blocks with their typed parameters
//! (../shared/domain/blocks.md §2).

use std::borrow::Cow;

use schemars::gen::SchemaGenerator;
use schemars::schema::{Schema, SchemaObject};
use schemars::JsonSchema;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use super::params::*;
use super::BlockId;

/// One step of a workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub id: BlockId,
    /// What staff see on the canvas, e.g. "Rechnung sachlich prüfen".
    pub label: String,
    pub kind: BlockKind,
}

macro_rules! block_kinds {
    ($($variant:ident($params:ident) = $tag:literal),* $(,)?) => {
        /// The block type without parameters.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
        pub enum BlockType {
            $(#[serde(rename = $tag)] $variant,)*
        }

        impl<'de> Deserialize<'de> for BlockType {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::readers::read_tag(d, &[$($tag),*]).map(|i| BlockType::ALL[i])
            }
        }

        /// A block's type together with its typed parameters.
        #[derive(Debug, Clone, PartialEq)]
        pub enum BlockKind {
            $($variant($params),)*
        }

        impl BlockType {
            pub const ALL: &'static [BlockType] = &[$(BlockType::$variant,)*];

            /// The tag used in JSON ("wertgrenzen").
            pub fn tag(self) -> &'static str {
                match self { $(BlockType::$variant => $tag,)* }
            }

            pub fn from_tag(tag: &str) -> Option<BlockType> {
                match tag { $($tag => Some(BlockType::$variant),)* _ => None }
            }

            /// The parameters a freshly inserted block of this type starts with.
            pub fn default_kind(self) -> BlockKind {
                match self { $(BlockType::$variant => BlockKind::$variant($params::default()),)* }
            }
        }

        impl BlockKind {
            pub fn block_type(&self) -> BlockType {
                match self { $(BlockKind::$variant(_) => BlockType::$variant,)* }
            }

            fn serialize_params<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
                match self { $(BlockKind::$variant(p) => s.serialize_field("params", p),)* }
            }

            /// Reads the parameters of type `t` from `d`. One generic function for every reader,
            /// so a document's parameters and the parameters buffered from it
            /// (`block_reader.rs`) are read by the same code.
            pub(super) fn params_from<'de, D: Deserializer<'de>>(t: BlockType, d: D) -> Result<BlockKind, D::Error> {
                match t { $(BlockType::$variant => $params::deserialize(d).map(BlockKind::$variant),)* }
            }

            fn params_schemas(generator: &mut SchemaGenerator) -> Vec<(&'static str, Schema)> {
                vec![$(($tag, generator.subschema_for::<$params>()),)*]
            }
        }
    };
}

block_kinds! {
    Start(StartParams) = "start",
    Sachbearbeitung(SachbearbeitungParams) = "sachbearbeitung",
    VierAugen(VierAugenParams) = "vierAugen",
    Mitzeichnung(MitzeichnungParams) = "mitzeichnung",
    Schlusszeichnung(SchlusszeichnungParams) = "schlusszeichnung",
    Wertgrenzen(WertgrenzenParams) = "wertgrenzen",
    Komplexitaet(KomplexitaetParams) = "komplexitaet",
    Rueckfrage(RueckfrageParams) = "rueckfrage",
    Frist(FristParams) = "frist",
    Eskalation(EskalationParams) = "eskalation",
    Bescheid(BescheidParams) = "bescheid",
    Zahlung(ZahlungParams) = "zahlung",
    Veraktung(VeraktungParams) = "veraktung",
    Benachrichtigung(BenachrichtigungParams) = "benachrichtigung",
    Ende(EndeParams) = "ende",
}

impl Block {
    pub fn new(id: impl Into<BlockId>, label: impl Into<String>, kind: BlockKind) -> Block {
        Block {
            id: id.into(),
            label: label.into(),
            kind,
        }
    }

    pub fn block_type(&self) -> BlockType {
        self.kind.block_type()
    }
}

/// A block id named in another block's parameters, with the parameter that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef<'a> {
    /// Parameter name as in JSON: `attachedTo`, `firstCheckBlock`, `distinctFrom`.
    pub param: &'static str,
    /// Position in a list parameter (`distinctFrom[1]`), `None` for a single reference.
    pub index: Option<usize>,
    pub id: &'a BlockId,
}

impl BlockRef<'_> {
    /// Parameter path for findings: `firstCheckBlock`, `distinctFrom[1]`.
    pub fn path(&self) -> String {
        match self.index {
            Some(k) => format!("{}[{k}]", self.param),
            None => self.param.to_string(),
        }
    }
}

impl BlockKind {
    /// Every block id this block's parameters refer to, in parameter order. The one place that
    /// knows which parameters hold block ids: copying, validating and generating walk this.
    pub fn block_refs(&self) -> impl Iterator<Item = BlockRef<'_>> {
        fn one<'a>(param: &'static str, id: Option<&'a BlockId>) -> Option<BlockRef<'a>> {
            id.map(|id| BlockRef {
                param,
                index: None,
                id,
            })
        }
        let (single, (list_param, list)): (_, (&'static str, &[BlockId])) = match self {
            BlockKind::VierAugen(p) => (
                one("firstCheckBlock", p.first_check_block.as_ref()),
                ("distinctFrom", &p.distinct_from),
            ),
            BlockKind::Eskalation(p) => (one("attachedTo", p.attached_to.as_ref()), ("", &[])),
            _ => (None, ("", &[])),
        };
        let list = list.iter().enumerate().map(move |(k, id)| BlockRef {
            param: list_param,
            index: Some(k),
            id,
        });
        single.into_iter().chain(list)
    }

    /// The ids of [`BlockKind::block_refs`], mutable (to re-point references to copies).
    pub fn block_refs_mut(&mut self) -> impl Iterator<Item = &mut BlockId> {
        let (single, list): (Option<&mut BlockId>, &mut [BlockId]) = match self {
            BlockKind::VierAugen(p) => (p.first_check_block.as_mut(), &mut p.distinct_from),
            BlockKind::Eskalation(p) => (p.attached_to.as_mut(), &mut []),
            _ => (None, &mut []),
        };
        single.into_iter().chain(list)
    }
}

impl From<String> for BlockId {
    fn from(s: String) -> Self {
        BlockId(s)
    }
}

impl Serialize for Block {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Block", 4)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("type", &self.kind.block_type())?;
        st.serialize_field("label", &self.label)?;
        self.kind.serialize_params(&mut st)?;
        st.end()
    }
}

/// Marks where the path inside `params` starts in an error message, so that the canonical
/// parser can report the full path (`blocks[3].params.bands[1].upper`).
pub(crate) const PARAMS_PATH_MARK: &str = "@params";

impl Serialize for BlockKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("BlockKind", 2)?;
        st.serialize_field("type", &self.block_type())?;
        self.serialize_params(&mut st)?;
        st.end()
    }
}

impl JsonSchema for Block {
    fn schema_name() -> String {
        "Block".into()
    }
    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed("fachwerk::Block")
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let id = serde_json::to_value(generator.subschema_for::<BlockId>()).unwrap_or_default();
        let variants: Vec<serde_json::Value> = BlockKind::params_schemas(generator)
            .into_iter()
            .map(|(tag, params)| {
                serde_json::json!({
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "type"],
                    "properties": {
                        "id": id,
                        "type": { "const": tag },
                        "label": { "type": "string" },
                        "params": params,
                    }
                })
            })
            .collect();
        let schema = serde_json::json!({
            "description": "One step of a workflow: its stable id, type, label and the type's parameters.",
            "oneOf": variants,
        });
        serde_json::from_value(schema).unwrap_or_else(|_| Schema::Object(SchemaObject::default()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn block_refs_name_every_block_parameter_with_its_path() {
        let mut four_eyes = BlockKind::VierAugen(VierAugenParams {
            first_check_block: Some(BlockId::new("a")),
            distinct_from: vec![BlockId::new("b"), BlockId::new("c")],
            ..Default::default()
        });
        let paths: Vec<(String, &str)> = four_eyes
            .block_refs()
            .map(|r| (r.path(), r.id.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("firstCheckBlock".to_string(), "a"),
                ("distinctFrom[0]".to_string(), "b"),
                ("distinctFrom[1]".to_string(), "c"),
            ]
        );
        for id in four_eyes.block_refs_mut() {
            id.0.push('2');
        }
        let ids: Vec<&str> = four_eyes.block_refs().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a2", "b2", "c2"]);

        let mut escalation = BlockKind::Eskalation(EskalationParams {
            attached_to: Some(BlockId::new("task")),
            ..Default::default()
        });
        let paths: Vec<String> = escalation.block_refs().map(|r| r.path()).collect();
        assert_eq!(paths, ["attachedTo"]);
        assert_eq!(escalation.block_refs_mut().count(), 1);
        assert_eq!(BlockType::Start.default_kind().block_refs().count(), 0);
    }
}
