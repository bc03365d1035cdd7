//! The 15 administrative building blocks with their typed parameters
//! (../shared/domain/blocks.md §2).

use std::borrow::Cow;

use schemars::gen::SchemaGenerator;
use schemars::schema::{Schema, SchemaObject};
use schemars::JsonSchema;
use serde::de::Error as _;
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
            /// so a document's parameters and the parameters buffered from it (see
            /// [`BlockParts`]) are read by the same code.
            fn params_from<'de, D: Deserializer<'de>>(t: BlockType, d: D) -> Result<BlockKind, D::Error> {
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

/// Parameters that do not fit their block type: the path inside `params` (`.` without the
/// feature `error-paths`) and serde's message.
struct ParamsError {
    path: String,
    inner: serde_json::Error,
}

impl ParamsError {
    /// serde's message without the position inside the buffered parameters (which is not a
    /// position in the document).
    fn message(&self) -> String {
        let msg = self.inner.to_string();
        match msg.rfind(" at line ") {
            Some(i) if self.inner.line() > 0 => msg[..i].to_string(),
            _ => msg,
        }
    }
}

/// Reads parameters of type `t` from JSON text, tracking the path of the value being read.
#[cfg(feature = "error-paths")]
fn params_from_text(t: BlockType, text: &str) -> Result<BlockKind, ParamsError> {
    let mut track = serde_path_to_error::Track::new();
    let de = &mut serde_json::Deserializer::from_str(text);
    let read = BlockKind::params_from(
        t,
        serde_path_to_error::Deserializer::new(&mut *de, &mut track),
    );
    read.and_then(|kind| de.end().map(|()| kind))
        .map_err(|inner| ParamsError {
            path: track.path().to_string(),
            inner,
        })
}

/// Reads parameters of type `t` from JSON text; the error names the block but not the value
/// inside `params` (the designer's page, whose wasm is smaller without the path tracking).
#[cfg(not(feature = "error-paths"))]
fn params_from_text(t: BlockType, text: &str) -> Result<BlockKind, ParamsError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    BlockKind::params_from(t, &mut *de)
        .and_then(|kind| de.end().map(|()| kind))
        .map_err(|inner| ParamsError {
            path: ".".into(),
            inner,
        })
}

/// Marks where the path inside `params` starts in an error message, so that the canonical
/// parser can report the full path (`blocks[3].params.bands[1].upper`).
pub(crate) const PARAMS_PATH_MARK: &str = "@params";

/// The keys of a block object.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum BlockKey {
    Id,
    Type,
    Label,
    Params,
}

const BLOCK_FIELDS: &[&str] = &["id", "type", "label", "params"];
const KIND_FIELDS: &[&str] = &["type", "params"];

/// A block object (`{"id", "type", "label", "params"}`) or, without id and label, a block
/// kind. Its parameters are read straight from the document when their type precedes them,
/// as Fachwerk writes it; parameters that come first are buffered and read once the type is
/// known. Both ways read them with [`BlockKind::params_from`] on a `serde_json` reader of
/// text, so the page links one reader per parameter type (issue 22) and a large workflow is
/// read without an intermediate `serde_json::Value` per block.
#[derive(Default)]
struct BlockParts {
    id: Option<BlockId>,
    label: Option<String>,
    kind: Option<BlockKind>,
}

struct BlockPartsVisitor {
    /// `false` for a block kind, which has no id and no label.
    whole_block: bool,
}

/// The parameters of a known type: absent or `null` read as `{}`.
struct ParamsSeed(BlockType);

impl<'de> serde::de::DeserializeSeed<'de> for ParamsSeed {
    type Value = Option<BlockKind>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ParamsSeed {
    type Value = Option<BlockKind>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the parameters of a block of type {:?}", self.0.tag())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        BlockKind::params_from(self.0, d).map(Some)
    }
}

impl<'de> serde::de::Visitor<'de> for BlockPartsVisitor {
    type Value = BlockParts;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(if self.whole_block {
            "a block object"
        } else {
            "a block type with its parameters"
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<BlockParts, A::Error> {
        let fields = if self.whole_block {
            BLOCK_FIELDS
        } else {
            KIND_FIELDS
        };
        let mut parts = BlockParts::default();
        // The type as written (`Err` if it is not a block type) and parameters seen before it.
        let mut tag: Option<Result<BlockType, String>> = None;
        let mut buffered: Option<Option<serde_json::Value>> = None;
        let mut params_seen = false;
        while let Some(key) = map.next_key::<BlockKey>()? {
            match key {
                BlockKey::Id | BlockKey::Label if !self.whole_block => {
                    let name = if matches!(key, BlockKey::Id) {
                        "id"
                    } else {
                        "label"
                    };
                    return Err(A::Error::unknown_field(name, fields));
                }
                BlockKey::Id if parts.id.is_some() => return Err(A::Error::duplicate_field("id")),
                BlockKey::Id => parts.id = Some(map.next_value()?),
                BlockKey::Label if parts.label.is_some() => {
                    return Err(A::Error::duplicate_field("label"))
                }
                BlockKey::Label => parts.label = Some(map.next_value()?),
                BlockKey::Type if tag.is_some() => return Err(A::Error::duplicate_field("type")),
                BlockKey::Type => {
                    let written: String = map.next_value()?;
                    tag = Some(BlockType::from_tag(&written).ok_or(written));
                }
                BlockKey::Params if params_seen => return Err(A::Error::duplicate_field("params")),
                BlockKey::Params => {
                    params_seen = true;
                    match &tag {
                        Some(Ok(t)) => parts.kind = map.next_value_seed(ParamsSeed(*t))?,
                        Some(Err(_)) => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        None => buffered = Some(map.next_value()?),
                    }
                }
            }
        }
        let block_type = match tag {
            None => return Err(A::Error::missing_field("type")),
            Some(Ok(t)) => t,
            Some(Err(written)) => {
                let known: Vec<&str> = BlockType::ALL.iter().map(|t| t.tag()).collect();
                let block = match &parts.id {
                    Some(id) => format!(" in block {:?}", id.0),
                    None => String::new(),
                };
                return Err(A::Error::custom(format!(
                    "unknown block type {written:?}{block}, expected one of: {}",
                    known.join(", ")
                )));
            }
        };
        if self.whole_block && parts.id.is_none() {
            return Err(A::Error::missing_field("id"));
        }
        if parts.kind.is_none() {
            let text = match buffered.flatten() {
                Some(params) => params.to_string(),
                None => "{}".to_string(),
            };
            let kind = params_from_text(block_type, &text).map_err(|e| {
                let suffix = if e.path == "." {
                    String::new()
                } else {
                    format!(".{}", e.path)
                };
                // A block's errors are completed by the canonical parser (the path before
                // the mark); a block kind's stand alone.
                let mark = if self.whole_block {
                    PARAMS_PATH_MARK
                } else {
                    "params"
                };
                A::Error::custom(format!("{mark}{suffix}: {}", e.message()))
            })?;
            parts.kind = Some(kind);
        }
        Ok(parts)
    }
}

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parts = d.deserialize_struct(
            "Block",
            BLOCK_FIELDS,
            BlockPartsVisitor { whole_block: true },
        )?;
        match (parts.id, parts.kind) {
            (Some(id), Some(kind)) => Ok(Block {
                id,
                label: parts.label.unwrap_or_default(),
                kind,
            }),
            _ => Err(D::Error::custom("a block without id or type")),
        }
    }
}

impl Serialize for BlockKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("BlockKind", 2)?;
        st.serialize_field("type", &self.block_type())?;
        self.serialize_params(&mut st)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for BlockKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parts = d.deserialize_struct(
            "BlockKind",
            KIND_FIELDS,
            BlockPartsVisitor { whole_block: false },
        )?;
        parts
            .kind
            .ok_or_else(|| D::Error::custom("a block kind without type"))
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

    /// Every block of the templates, written type first (Fachwerk's order: the parameters are
    /// read from the text) and with its keys sorted (the parameters are buffered first).
    #[test]
    fn a_block_reads_the_same_whatever_the_order_of_its_keys() {
        for text in [
            include_str!("../../../workflows/beschaffung.json"),
            include_str!("../../../workflows/foerderantrag.json"),
            include_str!("../../../workflows/gewerbeanmeldung.json"),
        ] {
            let doc: serde_json::Value = serde_json::from_str(text).unwrap();
            for block in doc["blocks"].as_array().unwrap() {
                let written = block.to_string(); // keys sorted: "params" before "type"
                assert!(
                    written.find("\"params\"") < written.find("\"type\""),
                    "{written}"
                );
                let buffered: Block = serde_json::from_str(&written).unwrap();
                let direct: Block =
                    serde_json::from_str(&serde_json::to_string(&buffered).unwrap()).unwrap();
                assert_eq!(direct, buffered);
                let kind: BlockKind =
                    serde_json::from_str(&serde_json::to_string(&buffered.kind).unwrap()).unwrap();
                assert_eq!(kind, buffered.kind);
            }
        }
    }

    #[test]
    fn absent_or_null_parameters_are_the_defaults_of_the_type() {
        for text in [
            r#"{"id":"s","type":"start"}"#,
            r#"{"id":"s","type":"start","params":null}"#,
            r#"{"id":"s","params":null,"type":"start"}"#,
        ] {
            let block: Block = serde_json::from_str(text).unwrap();
            assert_eq!(
                block,
                Block::new("s", "", BlockType::Start.default_kind()),
                "{text}"
            );
        }
    }

    #[test]
    fn a_malformed_block_gets_a_specific_error() {
        let error = |text: &str| serde_json::from_str::<Block>(text).unwrap_err().to_string();
        assert!(error(r#"{"id":"x","type":"start","typ":1}"#).contains("unknown field `typ`"));
        assert!(
            error(r#"{"id":"x","type":"start","type":"ende"}"#).contains("duplicate field `type`")
        );
        assert!(error(r#"{"id":"x","label":"A"}"#).contains("missing field `type`"));
        assert!(error(r#"{"type":"start"}"#).contains("missing field `id`"));
        let unknown = error(r#"{"id":"x","type":"vierOhren","params":{"a":1}}"#);
        assert!(
            unknown.contains(r#"unknown block type "vierOhren" in block "x""#),
            "{unknown}"
        );
        // Parameters of the wrong shape, read from the text and buffered.
        for text in [
            r#"{"id":"x","type":"frist","params":{"duration":14}}"#,
            r#"{"id":"x","params":{"duration":14},"type":"frist"}"#,
        ] {
            assert!(
                error(text).contains("invalid type: integer `14`"),
                "{}",
                error(text)
            );
        }
        // A block kind has neither id nor label.
        let kind = serde_json::from_str::<BlockKind>(r#"{"id":"x","type":"start"}"#).unwrap_err();
        assert!(kind.to_string().contains("unknown field `id`"), "{kind}");
        let kind =
            serde_json::from_str::<BlockKind>(r#"{"params":{"duration":14},"type":"frist"}"#)
                .unwrap_err()
                .to_string();
        assert!(kind.starts_with("params"), "{kind}");
    }
}
