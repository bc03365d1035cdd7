//! Parameters per block type. Enum values are written as in the domain reference
//! (SCREAMING_CASE).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Assignee, BlockId, RoleId};
use crate::values::{Duration, Money};

macro_rules! param_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $tag:literal),* $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $tag)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn tag(self) -> &'static str {
                match self { $($name::$variant => $tag,)* }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::readers::read_tag(d, &[$($tag),*]).map(|i| $name::ALL[i])
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

// Read by `readers.rs`, not derived (see there).
/// When a Mitzeichnung counts as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
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
