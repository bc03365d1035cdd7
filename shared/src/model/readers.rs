//! Hand-written readers of the model's enums, for the size of the page (issue 22); the writers
//! and the JSON Schema stay derived from the enums' serde attributes.
//!
//! - Internally tagged enums (`{"kind": "bandUpper", "block": …}`): serde's derived reader
//!   buffers the whole object in its private `Content` before it looks at the tag, which linked
//!   a second reader of every variant into the page; these read the object's fields once, in
//!   any order, and then pick the variant.
//! - Enums written as one string (`"PARALLEL"`, `"vierAugen"`): serde derives a reader per enum
//!   (string, bytes, index and map forms, about 1 KB of wasm each); [`read_tag`] is one reader
//!   of the string for all of them.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::params::DecisionRule;
use super::{BlockId, ParamTarget, RoleId};

/// The fields of every `ParamTarget` variant.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParamTargetFields {
    kind: String,
    role: Option<RoleId>,
    block: Option<BlockId>,
    band: Option<String>,
}

impl<'de> Deserialize<'de> for ParamTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = ParamTargetFields::deserialize(d)?;
        match f.kind.as_str() {
            "roleSigningLimit" => {
                only(
                    &[("block", f.block.is_some()), ("band", f.band.is_some())],
                    &["kind", "role"],
                )?;
                Ok(ParamTarget::RoleSigningLimit {
                    role: f.role.ok_or_else(|| D::Error::missing_field("role"))?,
                })
            }
            "bandUpper" => {
                only(&[("role", f.role.is_some())], &["kind", "block", "band"])?;
                Ok(ParamTarget::BandUpper {
                    block: f.block.ok_or_else(|| D::Error::missing_field("block"))?,
                    band: f.band.ok_or_else(|| D::Error::missing_field("band"))?,
                })
            }
            other => Err(D::Error::unknown_variant(
                other,
                &["roleSigningLimit", "bandUpper"],
            )),
        }
    }
}

/// The fields of every `DecisionRule` variant.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionRuleFields {
    rule: String,
    n: Option<u32>,
}

impl<'de> Deserialize<'de> for DecisionRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = DecisionRuleFields::deserialize(d)?;
        match f.rule.as_str() {
            "ALL_APPROVE" => {
                only(&[("n", f.n.is_some())], &["rule"])?;
                Ok(DecisionRule::AllApprove)
            }
            "QUORUM" => Ok(DecisionRule::Quorum {
                n: f.n.ok_or_else(|| D::Error::missing_field("n"))?,
            }),
            other => Err(D::Error::unknown_variant(other, &["ALL_APPROVE", "QUORUM"])),
        }
    }
}

/// The position of the string read from `d` in `tags`: the variant of an enum written as one
/// of these strings. Generic only in the reader, so the page links it once for every enum.
pub(crate) fn read_tag<'de, D: Deserializer<'de>>(
    d: D,
    tags: &'static [&'static str],
) -> Result<usize, D::Error> {
    let written = String::deserialize(d)?;
    tags.iter()
        .position(|tag| *tag == written)
        .ok_or_else(|| D::Error::unknown_variant(&written, tags))
}

/// Refuses a field that the variant does not have: `(name, present)`; `expected` are the
/// variant's fields.
fn only<E: serde::de::Error>(
    others: &[(&'static str, bool)],
    expected: &'static [&'static str],
) -> Result<(), E> {
    match others.iter().find(|(_, present)| *present) {
        Some((name, _)) => Err(E::unknown_field(name, expected)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn read<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_param_target_reads_its_fields_in_any_order() {
        let band = ParamTarget::BandUpper {
            block: BlockId::new("wg"),
            band: "bis1000".into(),
        };
        assert_eq!(
            read::<ParamTarget>(r#"{"kind":"bandUpper","block":"wg","band":"bis1000"}"#),
            Ok(band.clone())
        );
        assert_eq!(
            read::<ParamTarget>(r#"{"band":"bis1000","block":"wg","kind":"bandUpper"}"#),
            Ok(band.clone())
        );
        let role = ParamTarget::RoleSigningLimit {
            role: RoleId::new("R-SB"),
        };
        assert_eq!(
            read::<ParamTarget>(r#"{"role":"R-SB","kind":"roleSigningLimit"}"#),
            Ok(role.clone())
        );
        // What the derived writer writes reads back.
        for target in [band, role] {
            assert_eq!(
                read::<ParamTarget>(&serde_json::to_string(&target).unwrap()),
                Ok(target)
            );
        }
    }

    #[test]
    fn a_param_target_names_what_is_wrong() {
        let error = |text: &str| read::<ParamTarget>(text).unwrap_err();
        assert!(error(r#"{"kind":"bandUpper","block":"wg"}"#).contains("missing field `band`"));
        assert!(
            error(r#"{"kind":"roleSigningLimit","role":"R","band":"x"}"#)
                .contains("unknown field `band`, expected `kind` or `role`")
        );
        assert!(
            error(r#"{"kind":"bandUpper","block":"wg","band":"b","role":"R"}"#)
                .contains("unknown field `role`")
        );
        assert!(error(r#"{"kind":"rolle","role":"R"}"#).contains("unknown variant `rolle`"));
        assert!(error(r#"{"role":"R"}"#).contains("missing field `kind`"));
        assert!(
            error(r#"{"kind":"bandUpper","block":"wg","band":"b","x":1}"#)
                .contains("unknown field `x`")
        );
    }

    #[test]
    fn a_decision_rule_reads_and_refuses_like_its_writer_writes() {
        assert_eq!(
            read::<DecisionRule>(r#"{"rule":"ALL_APPROVE"}"#),
            Ok(DecisionRule::AllApprove)
        );
        assert_eq!(
            read::<DecisionRule>(r#"{"n":2,"rule":"QUORUM"}"#),
            Ok(DecisionRule::Quorum { n: 2 })
        );
        for rule in [DecisionRule::AllApprove, DecisionRule::Quorum { n: 3 }] {
            assert_eq!(
                read::<DecisionRule>(&serde_json::to_string(&rule).unwrap()),
                Ok(rule)
            );
        }
        assert!(read::<DecisionRule>(r#"{"rule":"QUORUM"}"#)
            .unwrap_err()
            .contains("missing field `n`"));
        assert!(read::<DecisionRule>(r#"{"rule":"ALL_APPROVE","n":1}"#)
            .unwrap_err()
            .contains("unknown field `n`"));
        assert!(read::<DecisionRule>(r#"{"rule":"MOST"}"#)
            .unwrap_err()
            .contains("unknown variant `MOST`"));
        assert!(read::<DecisionRule>(r#"{"rule":"QUORUM","n":-1}"#)
            .unwrap_err()
            .contains("invalid value"));
    }

    #[test]
    fn an_enum_written_as_a_string_reads_every_tag_and_names_the_known_ones() {
        use super::super::blocks::BlockType;
        use super::super::params::{Calendar, MitzeichnungMode};
        for t in BlockType::ALL {
            assert_eq!(read::<BlockType>(&format!("{:?}", t.tag())), Ok(*t));
        }
        for m in MitzeichnungMode::ALL {
            assert_eq!(
                read::<MitzeichnungMode>(&serde_json::to_string(m).unwrap()),
                Ok(*m)
            );
        }
        let unknown = read::<Calendar>(r#""MONDKALENDER""#).unwrap_err();
        assert!(
            unknown.starts_with(
                "unknown variant `MONDKALENDER`, expected `KALENDERTAGE` or `ARBEITSTAGE`"
            ),
            "{unknown}"
        );
        assert!(read::<BlockType>("3")
            .unwrap_err()
            .contains("invalid type: integer `3`"));
    }
}
