//! Validation: every finding at once, in a deterministic order, one finding per defect
//! (../shared/domain/blocks.md §2 block rules, §3 whole-graph rules).
//!
//! # Codes
//!
//! Severity E = error (blocks publishing), W = warning, I = info. Codes marked ¹ are not named
//! in blocks.md and were introduced here in the same style. The same table is available at run
//! time as [`CODES`].
//!
//! | Code | Sev | Meaning |
//! |---|---|---|
//! | `E_KEY_FORMAT` | E | workflow key is not 1–64 of `[a-z0-9-]`, starts or ends with `-`, or is reserved (`validate`) |
//! | `E_VERSION_INVALID` | E | workflow version is not semver `x.y.z` (optional `-pre`/`+build`) |
//! | `E_HISTORY_TTL_RANGE` ¹ | E | the engine history time to live (`historyTimeToLiveDays`) is not 1 to 10,950 days |
//! | `E_DUPLICATE_ID` | E | id used twice: blocks, edges (also an edge id equal to a block id), roles, field names, band ids or rule ids of one block (incl. a rule named `otherwise`), outcomes of one block |
//! | `E_FIELD_NAME_INVALID` ¹ | E | declared field name is not an identifier usable in conditions, is a reserved word, or redeclares `aktenzeichen` with a type other than text |
//! | `W_ROLE_UNUSED` | W | declared role is referenced by no block |
//! | `E_NO_START` | E | no Start block |
//! | `E_MULTIPLE_START` | E | more than one Start block (reported on every Start after the first) |
//! | `E_NO_END` | E | no Ende block |
//! | `E_UNREACHABLE` | E | block not reachable from Start (Eskalation: through its `attachedTo` block) |
//! | `E_DEAD_END` | E | reachable non-Ende block without any outgoing edge |
//! | `E_NO_EXIT_CYCLE` | E | reachable cycle (strongly connected set) with no edge leaving it and no Ende in it |
//! | `E_PORT_UNWIRED` | E | declared port without edge |
//! | `E_PORT_UNKNOWN` | E | edge leaves a block through a port the block does not declare |
//! | `E_PORT_MULTIPLE` | E | declared port with more than one edge |
//! | `E_EDGE_DANGLING` | E | edge whose source or target block does not exist |
//! | `E_INCOMING_TO_START` | E | edge into a Start block |
//! | `E_OUTGOING_FROM_END` | E | edge out of an Ende block |
//! | `E_INCOMING_TO_ESKALATION` ¹ | E | edge into an Eskalation (it is reached through `attachedTo` only) |
//! | `E_UNKNOWN_ROLE` | E | assignee/recipient (or a template parameter) refers to an undeclared role |
//! | `E_UNKNOWN_FIELD` | E | a parameter or expression refers to an undeclared field (or none is chosen) |
//! | `E_FIELD_TYPE` | E | a referenced field has the wrong type (e.g. amount field not money) |
//! | `E_UNKNOWN_BLOCK` ¹ | E | `attachedTo`, `firstCheckBlock`, `distinctFrom` or a template parameter names a block (band) that does not exist |
//! | `E_ASSIGNEE_MISSING` | E | no assignee / signer / check / participant / recipient / escalation target set (or an empty reference) |
//! | `E_DURATION_NOT_POSITIVE` | E | a duration does not parse as ISO 8601 or is zero |
//! | `E_DURATION_MISSING` ¹ | E | a required duration is not set (Eskalation `after`) |
//! | `E_TIMER_START_NO_TIMER` | E | Start with trigger `TIMER` but no timer |
//! | `E_TIMER_INVALID` ¹ | E | Start timer is neither an ISO 8601 date/time, a positive duration nor a cycle `R[n]/…` |
//! | `E_NO_OUTCOMES` ¹ | E | Sachbearbeitung without any outcome (no exit at all) |
//! | `E_FOUR_EYES_SAME_PERSON` | E | the second check can never be done by a different person |
//! | `W_FOUR_EYES_REF_NOT_DOMINATING` | W | `firstCheckBlock`/`distinctFrom` block does not lie on every path before the check |
//! | `E_MITZEICHNUNG_NO_PARTICIPANTS` | E | Mitzeichnung without participants |
//! | `E_QUORUM_INVALID` | E | quorum `n` not within 1 … number of participants |
//! | `W_MITZEICHNUNG_DUPLICATE` | W | the same assignee co-signs twice |
//! | `W_MITZEICHNUNG_SELF` | W | a participant is the author (the Sachbearbeitung on every path before) |
//! | `E_SIGNING_LIMIT_BELOW_BAND` | E | Schlusszeichnung behind a Wertgrenzen band whose upper bound exceeds the signer's signing limit |
//! | `W_SCHLUSSZEICHNUNG_UNPREPARED` | W | a path from Start reaches the Schlusszeichnung without any Sachbearbeitung |
//! | `E_THRESHOLD_NO_BANDS` | E | Wertgrenzen-Weiche without bands |
//! | `W_THRESHOLD_SINGLE_BAND` | W | only one band: the router has no effect |
//! | `E_THRESHOLD_NEGATIVE` | E | negative band bound |
//! | `E_THRESHOLD_EMPTY_BAND` | E | band with `upper <= lower` |
//! | `E_THRESHOLD_NOT_ASCENDING` | E | bands not sorted ascending by lower bound |
//! | `E_THRESHOLD_GAP` | E | amounts covered by no band (before the first, between two, above the last) |
//! | `E_THRESHOLD_OVERLAP` | E | amounts covered by two bands |
//! | `E_CURRENCY_UNSUPPORTED` ¹ | E | Wertgrenzen currency other than EUR |
//! | `E_ROUTER_NO_DEFAULT` | E | Komplexitäts-Weiche `otherwise` port not wired |
//! | `W_ROUTER_NO_RULES` ¹ | W | Komplexitäts-Weiche without rules: the router has no effect |
//! | `E_CONDITION_INVALID` | E | rule condition missing, does not parse, has a type error or is not a boolean (with position) |
//! | `W_RULE_SHADOWED` | W | an earlier rule is true whenever this one is: it can never fire |
//! | `W_RULE_CONSTANT_TRUE` | W | a rule that is always true is not the last rule |
//! | `E_RUECKFRAGE_NO_TIMEOUT` | E | Rückfrage without `replyDeadline` or with `timeout` unwired (once per block) |
//! | `E_REMINDER_NOT_BEFORE_DEADLINE` | E | `reminderAfter` is not shorter than `replyDeadline` |
//! | `I_RUECKFRAGE_UNBOUNDED_LOOP` | I | `reply` leads back into a loop to the Rückfrage and `maxRounds` is not set |
//! | `E_TEMPLATE_MISSING` | E | Bescheid, Benachrichtigung or Rückfrage without template |
//! | `E_FRIST_SPEC` | E | Frist needs exactly one of `duration` (WARTEN) / `dateField` (WIEDERVORLAGE_AM) |
//! | `E_ESKALATION_NOT_ON_TASK` | E | Eskalation not attached, or attached to a block that is not a human task |
//! | `W_ESKALATION_NEVER_FIRES` | W | an interrupting Eskalation on the same task always fires earlier |
//! | `E_ZUSTELLUNG_NO_FALLBACK` | E | Bescheid via POSTFACH_ABRUF without `nichtAbgerufen` wired |
//! | `W_BESCHEID_UNSIGNED` | W | no Schlusszeichnung/Vier-Augen-Prüfung on every path before the Bescheid and no QES/Siegel |
//! | `E_FIKTION_TAGE_INVALID` ¹ | E | Bescheid `fiktionTage` is 0 |
//! | `E_PAYMENT_NO_TIMEOUT` | E | Zahlung without `payDeadline` or with `nichtBezahlt` unwired (once per block) |
//! | `E_PAYMENT_NO_METHOD` | E | Zahlung without payment method |
//! | `E_AMOUNT_INVALID` | E | Zahlung amount missing, unparsable, not a number, or a constant ≤ 0 / with fractions of a cent |
//! | `E_AKTENPLAN_MISSING` | E | Veraktung without Aktenplan-Kennzeichen |
//! | `E_VERAKTUNG_NO_TARGET` | E | Veraktung without DMS target |
//! | `E_ZDA_WITHOUT_GESAMTPROTOKOLL` | E | zdA-Verfügung without `PROTOKOLL` included |
//! | `W_VERAKTUNG_NOT_LAST` | W | after filing, a path to an Ende still produces documents (not filed again) |
//! | `W_DECISION_AS_NOTIFICATION` | W | Benachrichtigung with template kind ENTSCHEIDUNG sent to the applicant |
//!
//! # Precedence (blocks.md §3)
//!
//! * A block that is unreachable is only reported as `E_UNREACHABLE` among the graph findings
//!   (wiring, dead ends, cycles, path- and dominance-based rules); its parameter findings stay.
//!   Without any Start no block counts as unreachable and path rules from Start are skipped.
//! * `E_DEAD_END` (block without any outgoing edge) suppresses `E_PORT_UNWIRED` for that block;
//!   without any Ende in the workflow, `E_NO_END` stands for all dead ends and exitless cycles.
//!   A block that cannot have exits (`E_NO_OUTCOMES`, `E_THRESHOLD_NO_BANDS`, a non-interrupting
//!   Eskalation) is not an `E_DEAD_END`.
//! * `E_RUECKFRAGE_NO_TIMEOUT`, `E_PAYMENT_NO_TIMEOUT`, `E_ZUSTELLUNG_NO_FALLBACK` and
//!   `E_ROUTER_NO_DEFAULT` replace `E_PORT_UNWIRED` on their port; the first two also replace a
//!   missing-deadline finding.
//! * `E_OUTGOING_FROM_END` replaces `E_PORT_UNKNOWN` for edges out of an Ende.
//! * `E_NO_EXIT_CYCLE` is not reported when a block of the cycle has an unwired port (that port
//!   is the missing exit and is reported itself).
//! * A dangling edge counts as "wired" for its port (`E_EDGE_DANGLING` is the defect).
//! * Blocks whose id is a duplicate (not the first with that id) only get `E_DUPLICATE_ID` and
//!   parameter findings.
//! * An Eskalation without a valid `attachedTo` gets `E_ESKALATION_NOT_ON_TASK` /
//!   `E_UNKNOWN_BLOCK`, not `E_UNREACHABLE`.
//! * A condition that is just a field of the wrong type gets `E_FIELD_TYPE`; unknown fields in
//!   conditions and amounts get `E_UNKNOWN_FIELD`; other expression errors
//!   `E_CONDITION_INVALID` / `E_AMOUNT_INVALID`.
//! * `W_RULE_SHADOWED` is not reported for rules after a constant-true rule
//!   (`W_RULE_CONSTANT_TRUE` covers them).

//!
//! # Interpretations where blocks.md leaves room
//!
//! * "Regular End" for `W_VERAKTUNG_NOT_LAST`: any Ende reached from the Veraktung's `ok` exit;
//!   document-producing steps are the human tasks, Rückfrage, Bescheid, Zahlung and
//!   Benachrichtigung; a later Veraktung files what came before it.
//! * `W_ESKALATION_NEVER_FIRES` ("longer than an enclosing deadline"): an Eskalation whose
//!   `after` is certainly longer than that of an interrupting Eskalation on the same task.
//!   Month/year lengths are taken as ranges (28–31 / 365–366 days), so only certain cases warn;
//!   the same holds for `E_REMINDER_NOT_BEFORE_DEADLINE`.
//! * `W_SCHLUSSZEICHNUNG_UNPREPARED`: some path from Start reaches the Schlusszeichnung without
//!   passing a Sachbearbeitung. `W_MITZEICHNUNG_SELF`: the author is the nearest Sachbearbeitung
//!   that lies on every path before the Mitzeichnung.
//! * `E_SIGNING_LIMIT_BELOW_BAND`: from each band's target, walk forward (through Eskalation
//!   attachments) until the next Wertgrenzen-Weiche or Ende; every Schlusszeichnung reached is
//!   checked against the highest band reaching it ("bis zu": a limit equal to the upper bound
//!   suffices).
//! * `W_RULE_SHADOWED` is sound, not complete: each rule is compared with up to 64 earlier
//!   rules (at most 4096 comparisons per router), and only comparisons of one field with
//!   constants, `and`, `or` and `not(...)` are understood (see [`crate::expr::subsumes`]).
//! * `W_FOUR_EYES_UNSATISFIABLE_STAFFING` (needs an org directory) and `E_PARALLEL_UNBALANCED`
//!   (no parallel gateway blocks in the model) are not implemented.

use serde::{Deserialize, Serialize};

use crate::model::{BlockId, EdgeId, RoleId, Workflow};

mod blocks;
mod ctx;
/// Id-keyed maps with a fast seeded hasher, shared with the diff.
pub(crate) use ctx::{map as id_map, set as id_set, Map as IdMap, Set as IdSet};
mod graph;
pub mod key;
mod paths;
mod rules;
mod thresholds;
mod workflow;

/// How bad a finding is. Errors block publishing; warnings and infos do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// The element a finding concerns. Unset parts are omitted in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Element {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Exit port of `block`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Parameter path inside `block`, e.g. `bands[1].upper`; without `block`, a workflow
    /// property such as `key` or `version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl Element {
    pub fn workflow() -> Element {
        Element::default()
    }
    pub fn block(id: &BlockId) -> Element {
        Element {
            block: Some(id.clone()),
            ..Default::default()
        }
    }
    pub fn port(id: &BlockId, port: &str) -> Element {
        Element {
            block: Some(id.clone()),
            port: Some(port.to_string()),
            ..Default::default()
        }
    }
    pub fn param(id: &BlockId, param: impl Into<String>) -> Element {
        Element {
            block: Some(id.clone()),
            param: Some(param.into()),
            ..Default::default()
        }
    }
    pub fn edge(id: &EdgeId) -> Element {
        Element {
            edge: Some(id.clone()),
            ..Default::default()
        }
    }
    pub fn role(id: &RoleId) -> Element {
        Element {
            role: Some(id.clone()),
            ..Default::default()
        }
    }
    pub fn field(name: &str) -> Element {
        Element {
            field: Some(name.to_string()),
            ..Default::default()
        }
    }
    /// A workflow property such as `key`.
    pub fn property(name: &str) -> Element {
        Element {
            param: Some(name.to_string()),
            ..Default::default()
        }
    }
    pub fn with_field(mut self, name: &str) -> Element {
        self.field = Some(name.to_string());
        self
    }
    pub fn with_edge(mut self, id: &EdgeId) -> Element {
        self.edge = Some(id.clone());
        self
    }
    pub fn with_role(mut self, id: &RoleId) -> Element {
        self.role = Some(id.clone());
        self
    }
}

/// One defect or hint, with a stable code and a message in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, e.g. `E_THRESHOLD_GAP`.
    pub code: String,
    pub severity: Severity,
    pub element: Element,
    pub message_de: String,
    pub message_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_de: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_en: Option<String>,
}

impl Finding {
    pub fn new(
        code: &str,
        element: Element,
        de: impl Into<String>,
        en: impl Into<String>,
    ) -> Finding {
        let severity = match code.as_bytes().first() {
            Some(b'W') => Severity::Warning,
            Some(b'I') => Severity::Info,
            _ => Severity::Error,
        };
        Finding {
            code: code.to_string(),
            severity,
            element,
            message_de: de.into(),
            message_en: en.into(),
            hint_de: None,
            hint_en: None,
        }
    }

    pub fn hint(mut self, de: impl Into<String>, en: impl Into<String>) -> Finding {
        self.hint_de = Some(de.into());
        self.hint_en = Some(en.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A validation code with its severity and meaning (the table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($code:literal => $meaning:literal,)*) => {
        /// Every code `validate` can emit, in the order of the table above.
        pub const CODES: &[CodeInfo] = &[$(CodeInfo {
            code: $code,
            severity: match $code.as_bytes()[0] { b'W' => Severity::Warning, b'I' => Severity::Info, _ => Severity::Error },
            meaning: $meaning,
        },)*];
    };
}

codes! {
    "E_KEY_FORMAT" => "workflow key is not 1-64 of [a-z0-9-] without a leading or trailing -, or is reserved",
    "E_VERSION_INVALID" => "workflow version is not semver x.y.z",
    "E_HISTORY_TTL_RANGE" => "engine history time to live is not 1 to 10950 days",
    "E_DUPLICATE_ID" => "id used twice (blocks, edges, roles, fields, band ids, rule ids, outcomes)",
    "E_FIELD_NAME_INVALID" => "declared field name is not usable in conditions",
    "W_ROLE_UNUSED" => "declared role is referenced by no block",
    "E_NO_START" => "no Start block",
    "E_MULTIPLE_START" => "more than one Start block",
    "E_NO_END" => "no Ende block",
    "E_UNREACHABLE" => "block not reachable from Start",
    "E_DEAD_END" => "reachable block without outgoing edge",
    "E_NO_EXIT_CYCLE" => "cycle without an edge leaving it",
    "E_PORT_UNWIRED" => "declared port without edge",
    "E_PORT_UNKNOWN" => "edge from a port the block does not declare",
    "E_PORT_MULTIPLE" => "port with more than one edge",
    "E_EDGE_DANGLING" => "edge source or target does not exist",
    "E_INCOMING_TO_START" => "edge into a Start block",
    "E_OUTGOING_FROM_END" => "edge out of an Ende block",
    "E_INCOMING_TO_ESKALATION" => "edge into an Eskalation",
    "E_UNKNOWN_ROLE" => "reference to an undeclared role",
    "E_UNKNOWN_FIELD" => "reference to an undeclared field",
    "E_FIELD_TYPE" => "referenced field has the wrong type",
    "E_UNKNOWN_BLOCK" => "reference to a block that does not exist",
    "E_ASSIGNEE_MISSING" => "assignee, signer, participant or recipient missing",
    "E_DURATION_NOT_POSITIVE" => "duration unparsable or zero",
    "E_DURATION_MISSING" => "required duration not set",
    "E_TIMER_START_NO_TIMER" => "TIMER start without timer",
    "E_TIMER_INVALID" => "start timer is not a date, duration or cycle",
    "E_NO_OUTCOMES" => "Sachbearbeitung without outcomes",
    "E_FOUR_EYES_SAME_PERSON" => "second check can never be done by a different person",
    "W_FOUR_EYES_REF_NOT_DOMINATING" => "referenced earlier block is not on every path before the check",
    "E_MITZEICHNUNG_NO_PARTICIPANTS" => "Mitzeichnung without participants",
    "E_QUORUM_INVALID" => "quorum outside 1..participants",
    "W_MITZEICHNUNG_DUPLICATE" => "same participant twice",
    "W_MITZEICHNUNG_SELF" => "participant is the author",
    "E_SIGNING_LIMIT_BELOW_BAND" => "signer's signing limit below the band routed to it",
    "W_SCHLUSSZEICHNUNG_UNPREPARED" => "Schlusszeichnung reachable without Sachbearbeitung",
    "E_THRESHOLD_NO_BANDS" => "Wertgrenzen-Weiche without bands",
    "W_THRESHOLD_SINGLE_BAND" => "Wertgrenzen-Weiche with a single band",
    "E_THRESHOLD_NEGATIVE" => "negative band bound",
    "E_THRESHOLD_EMPTY_BAND" => "band upper bound not above lower bound",
    "E_THRESHOLD_NOT_ASCENDING" => "bands not sorted ascending",
    "E_THRESHOLD_GAP" => "amounts covered by no band",
    "E_THRESHOLD_OVERLAP" => "amounts covered by two bands",
    "E_CURRENCY_UNSUPPORTED" => "currency other than EUR",
    "E_ROUTER_NO_DEFAULT" => "otherwise port not wired",
    "W_ROUTER_NO_RULES" => "Komplexitäts-Weiche without rules",
    "E_CONDITION_INVALID" => "rule condition missing, unparsable, ill-typed or not boolean",
    "W_RULE_SHADOWED" => "rule can never fire because an earlier rule covers it",
    "W_RULE_CONSTANT_TRUE" => "always-true rule before other rules",
    "E_RUECKFRAGE_NO_TIMEOUT" => "Rückfrage without deadline or timeout path",
    "E_REMINDER_NOT_BEFORE_DEADLINE" => "reminder not before the reply deadline",
    "I_RUECKFRAGE_UNBOUNDED_LOOP" => "Rückfrage loop without maxRounds",
    "E_TEMPLATE_MISSING" => "template missing",
    "E_FRIST_SPEC" => "Frist needs exactly one of duration / dateField",
    "E_ESKALATION_NOT_ON_TASK" => "Eskalation not attached to a human task",
    "W_ESKALATION_NEVER_FIRES" => "Eskalation always pre-empted by an earlier interrupting one",
    "E_ZUSTELLUNG_NO_FALLBACK" => "POSTFACH_ABRUF without nichtAbgerufen path",
    "W_BESCHEID_UNSIGNED" => "Bescheid neither signed before nor QES/Siegel",
    "E_FIKTION_TAGE_INVALID" => "fiktionTage is 0",
    "E_PAYMENT_NO_TIMEOUT" => "Zahlung without deadline or nichtBezahlt path",
    "E_PAYMENT_NO_METHOD" => "Zahlung without payment method",
    "E_AMOUNT_INVALID" => "Zahlung amount invalid",
    "E_AKTENPLAN_MISSING" => "Veraktung without Aktenplan-Kennzeichen",
    "E_VERAKTUNG_NO_TARGET" => "Veraktung without target",
    "E_ZDA_WITHOUT_GESAMTPROTOKOLL" => "zdA without PROTOKOLL",
    "W_VERAKTUNG_NOT_LAST" => "documents produced after filing",
    "W_DECISION_AS_NOTIFICATION" => "decision sent as notification",
}

/// Validates a workflow: all findings, sorted by code, then element.
pub fn validate(w: &Workflow) -> Vec<Finding> {
    let ctx = ctx::Ctx::new(w);
    let mut out = Vec::new();
    workflow::check(&ctx, &mut out);
    graph::check(&ctx, &mut out);
    blocks::check(&ctx, &mut out);
    thresholds::check(&ctx, &mut out);
    rules::check(&ctx, &mut out);
    paths::check(&ctx, &mut out);
    out.sort_by(|a, b| {
        (&a.code, &a.element, &a.message_en).cmp(&(&b.code, &b.element, &b.message_en))
    });
    out.dedup();
    out
}

/// True when no finding is an error (publishing allowed).
pub fn is_publishable(findings: &[Finding]) -> bool {
    !findings.iter().any(Finding::is_error)
}
