//! Probefälle: saved Probelauf cases are part of the workflow document (`testCases`), so the
//! case a Probelauf runs ([`CaseInput`]) and the Land whose holidays count are model types.
//! Running them is `simulate`'s job ([`crate::simulate::run_test_cases`]).

use std::collections::BTreeMap;

use schemars::gen::SchemaGenerator;
use schemars::schema::{InstanceType, Schema, SchemaObject, SingleOrVec};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{BlockId, RoleId};

/// A saved Probelauf case and what it did when it was saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestCase {
    /// Name shown in the list, e.g. "Auftrag 12.400 € netto".
    pub name: String,
    pub case: CaseInput,
    /// Route (block ids) the case took when saved; a rerun taking another route fails.
    #[serde(default)]
    pub expect_route: Vec<BlockId>,
    pub expect_outcome: ExpectedOutcome,
}

/// How a saved Probelauf case is expected to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExpectedOutcome {
    /// Reaches an Ende.
    Ended,
    /// A person rule refuses an actor (e.g. the four-eyes rule).
    Refused,
    /// The case cannot go on.
    Blocked,
}

/// One case to run through a workflow.
///
/// Person rules, deadlines and decisions follow `shared/src/simulate/mod.rs`. Everything but
/// `startDate` is optional: roles without persons are staffed with two placeholder persons
/// („<Rollenname> 1“, „<Rollenname> 2“), decisions default to the positive path.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseInput {
    /// Case id (FachverfahrenObjektID); default `<workflow key>/<start year>/000001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// The day the case starts, `YYYY-MM-DD`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub start_date: String,
    /// Land whose public holidays count for working days (default NW).
    #[serde(default)]
    pub land: Land,
    /// Values of the declared case fields: money as decimal string (`"12400.00"`) or integer
    /// euros, never a float; int as integer; bool; date as `YYYY-MM-DD`; enum and text as string.
    /// `aktenzeichen` may be given as text (default: the case id).
    #[serde(default)]
    #[schemars(schema_with = "field_values_schema")]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Staffing: role id → persons holding the role, in the order the engine picks them.
    #[serde(default)]
    pub persons: BTreeMap<RoleId, Vec<String>>,
    /// The person who started the case (default: first person of the Start block's
    /// `initiatorRole`, else „Antragsteller/in“, an external applicant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Forced persons: `blockId` (task, second check, signer), `blockId#first` (first check of a
    /// Vier-Augen-Prüfung with its own `firstCheck`), `blockId#<n>` (n-th Mitzeichnung participant).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actors: BTreeMap<String, String>,
    /// Decisions per block, one entry per visit (then the positive default): a port name with an
    /// optional number of days, `"reject"`, `"ok:3"` (took 3 working days), `"reply:5"` (answer
    /// after 5 days), `"timeout"`, `"zugestellt:2"` (downloaded on day 2), `"nichtAbgerufen"`,
    /// `"bezahlt:10"`, `"nichtBezahlt"`, `"fehler"`; for a Mitzeichnung `"ok"`, `"veto"` (the first
    /// participant vetoes) or one vote per participant, `"approve,veto:4"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choices: BTreeMap<String, Vec<String>>,
    /// Working days a task takes (`blockId`, or `blockId#<n>` for a Mitzeichnung participant);
    /// default 1.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub durations: BTreeMap<String, u32>,
}

fn field_values_schema(_: &mut SchemaGenerator) -> Schema {
    let value = SchemaObject {
        instance_type: Some(SingleOrVec::Vec(vec![
            InstanceType::String,
            InstanceType::Integer,
            InstanceType::Boolean,
            InstanceType::Null,
        ])),
        ..Default::default()
    };
    let mut obj = SchemaObject {
        instance_type: Some(InstanceType::Object.into()),
        ..Default::default()
    };
    obj.object().additional_properties = Some(Box::new(value.into()));
    obj.into()
}

/// A German Land (ISO 3166-2:DE subdivision code without the `DE-` prefix).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
pub enum Land {
    BW,
    BY,
    BE,
    BB,
    HB,
    HH,
    HE,
    MV,
    NI,
    #[default]
    NW,
    RP,
    SL,
    SN,
    ST,
    SH,
    TH,
}

impl Land {
    pub const ALL: [Land; 16] = [
        Land::BW,
        Land::BY,
        Land::BE,
        Land::BB,
        Land::HB,
        Land::HH,
        Land::HE,
        Land::MV,
        Land::NI,
        Land::NW,
        Land::RP,
        Land::SL,
        Land::SN,
        Land::ST,
        Land::SH,
        Land::TH,
    ];

    pub fn name_de(self) -> &'static str {
        match self {
            Land::BW => "Baden-Württemberg",
            Land::BY => "Bayern",
            Land::BE => "Berlin",
            Land::BB => "Brandenburg",
            Land::HB => "Bremen",
            Land::HH => "Hamburg",
            Land::HE => "Hessen",
            Land::MV => "Mecklenburg-Vorpommern",
            Land::NI => "Niedersachsen",
            Land::NW => "Nordrhein-Westfalen",
            Land::RP => "Rheinland-Pfalz",
            Land::SL => "Saarland",
            Land::SN => "Sachsen",
            Land::ST => "Sachsen-Anhalt",
            Land::SH => "Schleswig-Holstein",
            Land::TH => "Thüringen",
        }
    }
}
