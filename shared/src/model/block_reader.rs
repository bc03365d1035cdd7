//! The reader of a block (`{"id", "type", "label", "params"}`) and of a block kind
//! (`{"type", "params"}`). A block's parameters are read straight from the document when its
//! type precedes them, as Fachwerk writes it; parameters that come first are buffered and read
//! once the type is known. Both ways read them with [`BlockKind::params_from`] on a
//! `serde_json` reader of text, so the page links one reader per parameter type (issue 22) and
//! a large workflow is read without an intermediate `serde_json::Value` per block.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::blocks::{Block, BlockKind, BlockType, PARAMS_PATH_MARK};
use super::BlockId;
use crate::canonical::message_without_position;

/// Parameters that do not fit their block type: the path inside `params` (`.` without the
/// feature `error-paths`) and serde's message.
struct ParamsError {
    path: String,
    inner: serde_json::Error,
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

/// What a block object holds; a block kind has no id and no label.
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
                // Without the position inside the buffered parameters: not one in the document.
                let message = message_without_position(&e.inner);
                A::Error::custom(format!("{mark}{suffix}: {message}"))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
