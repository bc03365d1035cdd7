//! The 15 administrative building blocks with their typed parameters
//! (../shared/domain/blocks.md §2).

use std::borrow::Cow;

use schemars::gen::SchemaGenerator;
use schemars::schema::{Schema, SchemaObject};
use schemars::JsonSchema;
use serde::de::Error as _;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Assignee, BlockId, RoleId};
use crate::values::{Duration, Money};

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
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum BlockType {
            $(#[serde(rename = $tag)] $variant,)*
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

            fn deserialize_params(t: BlockType, params: serde_json::Value) -> Result<BlockKind, serde_path_to_error::Error<serde_json::Error>> {
                match t { $(BlockType::$variant => serde_path_to_error::deserialize(params).map(BlockKind::$variant),)* }
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    id: BlockId,
    #[serde(rename = "type")]
    block_type: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    params: Option<serde_json::Value>,
}

/// Marks where the path inside `params` starts in an error message, so that the canonical
/// parser can report the full path (`blocks[3].params.bands[1].upper`).
pub(crate) const PARAMS_PATH_MARK: &str = "@params";

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawBlock::deserialize(d)?;
        let block_type = BlockType::from_tag(&raw.block_type).ok_or_else(|| {
            let known: Vec<&str> = BlockType::ALL.iter().map(|t| t.tag()).collect();
            D::Error::custom(format!(
                "unknown block type {:?} in block {:?}, expected one of: {}",
                raw.block_type,
                raw.id.0,
                known.join(", ")
            ))
        })?;
        let params = raw
            .params
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        let kind = BlockKind::deserialize_params(block_type, params).map_err(|e| {
            let path = e.path().to_string();
            let suffix = if path == "." {
                String::new()
            } else {
                format!(".{path}")
            };
            D::Error::custom(format!("{PARAMS_PATH_MARK}{suffix}: {}", e.inner()))
        })?;
        Ok(Block {
            id: raw.id,
            label: raw.label,
            kind,
        })
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    #[serde(rename = "type")]
    block_type: BlockType,
    #[serde(default)]
    params: Option<serde_json::Value>,
}

impl<'de> Deserialize<'de> for BlockKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawKind::deserialize(d)?;
        let params = raw
            .params
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        BlockKind::deserialize_params(raw.block_type, params)
            .map_err(|e| D::Error::custom(format!("params.{}: {}", e.path(), e.inner())))
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

// ---------------------------------------------------------------------------------------------
// Parameters per block type. Enum values are written as in the domain reference (SCREAMING_CASE).

macro_rules! param_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $tag:literal),* $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $tag)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn tag(self) -> &'static str {
                match self { $($name::$variant => $tag,)* }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }
    };
}

param_enum!(
    /// How cases of this workflow start.
    Trigger { OnlineAntrag = "ONLINE_ANTRAG", Posteingang = "POSTEINGANG", Intern = "INTERN", Timer = "TIMER" }
    default OnlineAntrag
);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartParams {
    #[serde(default)]
    pub trigger: Trigger,
    /// Form id or FIM Stammdatenschema id of the data captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_ref: Option<String>,
    /// Who starts an internal case (for INTERN), e.g. the travelling employee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator_role: Option<Assignee>,
    /// For TIMER: ISO 8601 time cycle ("R/P1M") or date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timer: Option<String>,
    /// Send a receipt to the applicant automatically.
    #[serde(default)]
    pub eingangsbestaetigung: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SachbearbeitungParams {
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// Verfügungstext, e.g. "zur Bearbeitung".
    #[serde(default)]
    pub instructions: String,
    /// Exit ports; "ok" and optionally "reject", "rueckfrage".
    #[serde(default = "default_outcomes")]
    pub outcomes: Vec<String>,
    /// Bearbeitungsfrist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_in: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_ref: Option<String>,
}

fn default_outcomes() -> Vec<String> {
    vec!["ok".into()]
}

impl Default for SachbearbeitungParams {
    fn default() -> Self {
        SachbearbeitungParams {
            assignee: None,
            instructions: String::new(),
            outcomes: default_outcomes(),
            due_in: None,
            form_ref: None,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VierAugenParams {
    /// First pair of eyes (e.g. sachlich/rechnerisch richtig).
    #[serde(default)]
    pub first_check: Option<Assignee>,
    /// Alternatively: an earlier block whose performer counts as the first pair of eyes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_check_block: Option<BlockId>,
    /// Second pair of eyes (e.g. Teamleitung, anordnungsbefugt).
    #[serde(default)]
    pub second_check: Option<Assignee>,
    /// Earlier blocks whose performers must not do the second check.
    #[serde(default)]
    pub distinct_from: Vec<BlockId>,
    /// The applicant/beneficiary may not approve their own case.
    #[serde(default = "yes")]
    pub exclude_initiator: bool,
}

impl Default for VierAugenParams {
    fn default() -> Self {
        VierAugenParams {
            first_check: None,
            first_check_block: None,
            second_check: None,
            distinct_from: Vec::new(),
            exclude_initiator: true,
        }
    }
}

param_enum!(MitzeichnungMode { Parallel = "PARALLEL", Sequential = "SEQUENTIAL" } default Parallel);
param_enum!(CommentRule { Optional = "OPTIONAL", RequiredOnVeto = "REQUIRED_ON_VETO" } default RequiredOnVeto);

/// When a Mitzeichnung counts as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "rule", deny_unknown_fields)]
pub enum DecisionRule {
    /// All mandatory participants approve (GGO-style).
    #[default]
    #[serde(rename = "ALL_APPROVE")]
    AllApprove,
    /// At least `n` participants approve.
    #[serde(rename = "QUORUM")]
    Quorum { n: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participant {
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// E.g. "Kämmerei", "Rechtsamt".
    #[serde(default)]
    pub label: String,
    #[serde(default = "yes")]
    pub mandatory: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MitzeichnungParams {
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub mode: MitzeichnungMode,
    #[serde(default)]
    pub decision_rule: DecisionRule,
    /// Deadline per participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_in: Option<Duration>,
    #[serde(default)]
    pub comment: CommentRule,
}

param_enum!(
    /// GGO § 18 Abs. 3: name for e-letters, qualified e-signature where the letter has direct legal effect.
    SignatureLevel { Name = "NAME", Fortgeschritten = "FORTGESCHRITTEN", Qes = "QES", Siegel = "SIEGEL" }
    default Name
);
param_enum!(
    /// GGO § 18 Abs. 1: "i.V." / "i.A.".
    Zeichnungszusatz { Ohne = "OHNE", Iv = "IV", Ia = "IA" } default Ohne
);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchlusszeichnungParams {
    #[serde(default)]
    pub signer: Option<Assignee>,
    /// Money field checked against the signer's Zeichnungsbefugnis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_field: Option<String>,
    #[serde(default)]
    pub signature_level: SignatureLevel,
    #[serde(default)]
    pub zeichnungszusatz: Zeichnungszusatz,
}

param_enum!(AmountBasis { Netto = "NETTO", Brutto = "BRUTTO" } default Netto);

/// A value band `(lower, upper]` (the first band `[0, upper]`); `upper = null` means no limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Band {
    /// Also the name of the band's exit port.
    pub id: String,
    pub lower: Money,
    #[serde(default)]
    pub upper: Option<Money>,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WertgrenzenParams {
    /// Declared money field the bands apply to.
    #[serde(default)]
    pub amount_field: String,
    #[serde(default)]
    pub basis: AmountBasis,
    #[serde(default = "eur")]
    pub currency: String,
    #[serde(default)]
    pub bands: Vec<Band>,
}

fn eur() -> String {
    "EUR".into()
}

impl Default for WertgrenzenParams {
    fn default() -> Self {
        WertgrenzenParams {
            amount_field: String::new(),
            basis: AmountBasis::Netto,
            currency: eur(),
            bands: Vec::new(),
        }
    }
}

/// One routing rule: a FEEL condition over declared case fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Also the name of the rule's exit port.
    pub id: String,
    #[serde(default)]
    pub label: String,
    /// E.g. `fahrbahnBetroffen = true or dauerTage > 30`.
    pub condition: String,
}

param_enum!(Evaluation { FirstMatch = "FIRST_MATCH" } default FirstMatch);

/// Port used when no rule of a Komplexitäts-Weiche matches.
pub const OTHERWISE_PORT: &str = "otherwise";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KomplexitaetParams {
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub evaluation: Evaluation,
}

param_enum!(
    RueckfrageChannel {
        Postfach = "POSTFACH",
        Portal = "PORTAL",
        Email = "EMAIL",
        Brief = "BRIEF",
        InternPostkorb = "INTERN_POSTKORB",
    }
    default Postfach
);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RueckfrageParams {
    #[serde(default)]
    pub channel: RueckfrageChannel,
    /// What is missing (text or template id).
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub reply_deadline: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_after: Option<Duration>,
    /// Loop guard: on the (maxRounds+1)-th entry the block exits via `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rounds: Option<u32>,
}

param_enum!(FristKind { Warten = "WARTEN", WiedervorlageAm = "WIEDERVORLAGE_AM" } default Warten);
param_enum!(Calendar { Kalendertage = "KALENDERTAGE", Arbeitstage = "ARBEITSTAGE" } default Kalendertage);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FristParams {
    #[serde(default)]
    pub kind: FristKind,
    /// For WARTEN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// For WIEDERVORLAGE_AM: a declared date field …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_field: Option<String>,
    /// … plus an optional offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<Duration>,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Assignee>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EskalationParams {
    /// The human task this deadline watches.
    #[serde(default)]
    pub attached_to: Option<BlockId>,
    #[serde(default)]
    pub after: Option<Duration>,
    /// false: notify and keep the task open; true: take the task away and continue on `escalated`.
    #[serde(default)]
    pub interrupting: bool,
    #[serde(default)]
    pub escalate_to: Option<Assignee>,
}

param_enum!(
    BescheidChannel {
        PostfachAbruf = "POSTFACH_ABRUF",
        Email = "EMAIL",
        Brief = "BRIEF",
        FoermlicheZustellung = "FOERMLICHE_ZUSTELLUNG",
    }
    default Brief
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BescheidParams {
    /// Bescheid template incl. Rechtsbehelfsbelehrung.
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub signature_level: SignatureLevel,
    #[serde(default)]
    pub channel: BescheidChannel,
    /// Download period for POSTFACH_ABRUF (§ 41 Abs. 2a VwVfG: 10 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abruf_frist: Option<Duration>,
    /// Deemed-notification day (§ 41 Abs. 2 VwVfG: 3; some Länder: 4).
    #[serde(default = "three")]
    pub fiktion_tage: u32,
}

fn three() -> u32 {
    3
}

impl Default for BescheidParams {
    fn default() -> Self {
        BescheidParams {
            template: String::new(),
            signature_level: SignatureLevel::Name,
            channel: BescheidChannel::Brief,
            abruf_frist: None,
            fiktion_tage: 3,
        }
    }
}

param_enum!(
    PaymentMethod {
        OnlineUeberweisung = "GIROPAY",
        Kreditkarte = "KREDITKARTE",
        Paypal = "PAYPAL",
        Lastschrift = "LASTSCHRIFT",
        Rechnung = "RECHNUNG",
    }
    default OnlineUeberweisung
);
param_enum!(PaymentTiming { VorBearbeitung = "VOR_BEARBEITUNG", MitBescheid = "MIT_BESCHEID" } default MitBescheid);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ZahlungParams {
    /// Money expression, e.g. `"50.00"` or `gebuehr` or `flaecheQm * 2.5`.
    #[serde(default)]
    pub amount: String,
    /// Field holding the Kassenzeichen; absent = generated by the platform (AUTO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kassenzeichen_field: Option<String>,
    #[serde(default)]
    pub methods: Vec<PaymentMethod>,
    #[serde(default)]
    pub timing: PaymentTiming,
    #[serde(default)]
    pub pay_deadline: Option<Duration>,
}

param_enum!(
    ContainerKind { NeuerVorgangInAkte = "NEUER_VORGANG_IN_AKTE", BestehendeAkte = "BESTEHENDE_AKTE" }
    default NeuerVorgangInAkte
);
param_enum!(Include { Dokumente = "DOKUMENTE", Geschaeftsgang = "GESCHAEFTSGANG", Protokoll = "PROTOKOLL" } default Dokumente);
param_enum!(Aussonderungsart { A = "A", B = "B", V = "V" } default B);

/// Where in the e-file the case lands (maps to xdomea IDContainer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerRule {
    pub kind: ContainerKind,
    /// Case field holding the Aktenzeichen or object id.
    pub field: String,
}

impl Default for ContainerRule {
    fn default() -> Self {
        ContainerRule {
            kind: ContainerKind::NeuerVorgangInAkte,
            field: "aktenzeichen".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VeraktungParams {
    /// DMS endpoint id.
    #[serde(default)]
    pub target: String,
    /// Aktenplan-Kennzeichen, e.g. "32.10.01".
    #[serde(default)]
    pub aktenplan_kennzeichen: String,
    #[serde(default)]
    pub container_rule: ContainerRule,
    #[serde(default)]
    pub include: Vec<Include>,
    /// Send the zdA-Verfügung (0624).
    #[serde(default)]
    pub zda: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aufbewahrungsdauer_jahre: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aussonderungsart: Option<Aussonderungsart>,
}

/// Who receives a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "ref", rename_all = "lowercase")]
pub enum Recipient {
    Applicant,
    Role(RoleId),
    Person(String),
    Initiator,
    /// External address, e.g. Finanzamt or IHK.
    External(String),
}

param_enum!(NotifyChannel { Inbox = "INBOX", Email = "EMAIL", Postfach = "POSTFACH", Xta = "XTA" } default Inbox);
param_enum!(TemplateKind { Hinweis = "HINWEIS", Info = "INFO", Entscheidung = "ENTSCHEIDUNG" } default Info);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BenachrichtigungParams {
    #[serde(default)]
    pub recipient: Option<Recipient>,
    #[serde(default)]
    pub channel: NotifyChannel,
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub template_kind: TemplateKind,
}

param_enum!(
    EndResult { Erledigt = "ERLEDIGT", Abgelehnt = "ABGELEHNT", Zurueckgenommen = "ZURUECKGENOMMEN", Eingestellt = "EINGESTELLT" }
    default Erledigt
);

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndeParams {
    #[serde(default)]
    pub result: EndResult,
    /// Ends parallel branches too.
    #[serde(default)]
    pub terminate: bool,
}

#[cfg(test)]
mod tests {
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
