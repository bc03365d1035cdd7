//! What people decide during a simulated case: the [`Decisions`] trait and the
//! [`ScriptedDecisions`] read from a [`CaseInput`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::add_working_days;
use super::{RefusedCode, Step};
use crate::model::CaseInput;
use crate::model::{Block, BlockKind, Land};
use crate::values::Date;

/// A Mitzeichnung participant's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Vote {
    Approve,
    Veto,
}

/// Who acts in a block: the key of `CaseInput.actors` is `blockId` for [`ActorSlot::Task`],
/// `blockId#first` for [`ActorSlot::FirstCheck`], `blockId#<n>` (1-based) for a participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorSlot {
    /// The one person of a Sachbearbeitung, the second check of a Vier-Augen-Prüfung, the signer.
    Task,
    /// The first check of a Vier-Augen-Prüfung that has its own `firstCheck` assignee.
    FirstCheck,
    /// The participant with this index (0-based) of a Mitzeichnung.
    Participant(usize),
}

impl ActorSlot {
    /// Splits an `actors`/`durations` key into block id and slot.
    pub fn parse_key(key: &str) -> (&str, ActorSlot) {
        match key.rsplit_once('#') {
            Some((b, "first")) => (b, ActorSlot::FirstCheck),
            Some((b, n)) => match n.parse::<usize>() {
                Ok(n) if n >= 1 => (b, ActorSlot::Participant(n - 1)),
                _ => (key, ActorSlot::Task),
            },
            None => (key, ActorSlot::Task),
        }
    }

    pub fn key(self, block: &str) -> String {
        match self {
            ActorSlot::Task => block.to_string(),
            ActorSlot::FirstCheck => format!("{block}#first"),
            ActorSlot::Participant(i) => format!("{block}#{}", i + 1),
        }
    }

    /// Whether a block of this kind has a person in this slot.
    pub fn fits(self, kind: &BlockKind) -> bool {
        match (self, kind) {
            (
                ActorSlot::Task,
                BlockKind::Sachbearbeitung(_)
                | BlockKind::VierAugen(_)
                | BlockKind::Schlusszeichnung(_),
            ) => true,
            (ActorSlot::FirstCheck, BlockKind::VierAugen(p)) => {
                p.first_check.is_some() && p.first_check_block.is_none()
            }
            (ActorSlot::Participant(i), BlockKind::Mitzeichnung(p)) => i < p.participants.len(),
            _ => false,
        }
    }
}

/// What people (and the outside world) decide while a case runs. Visits count from 1.
pub trait Decisions {
    /// The exit taken at a block where someone decides (Sachbearbeitung outcome, Vier-Augen and
    /// Schlusszeichnung ok/reject, Veraktung ok/fehler); must be one of `ports`.
    fn outcome(&mut self, block: &Block, visit: u32, ports: &[String]) -> String;
    /// The vote of Mitzeichnung participant `participant` (0-based).
    fn vote(&mut self, block: &Block, visit: u32, participant: usize) -> Vote;
    /// Calendar days after the Rückfrage was sent until the applicant replies; `None`: never.
    fn reply(&mut self, block: &Block, visit: u32) -> Option<u32>;
    /// Calendar days after provision until the Bescheid is downloaded (POSTFACH_ABRUF) or
    /// formally served; `None`: not downloaded.
    fn delivery(&mut self, block: &Block, visit: u32) -> Option<u32>;
    /// Calendar days after the payment request until the fee is paid; `None`: not paid.
    fn payment(&mut self, block: &Block, visit: u32) -> Option<u32>;
    /// The person acting in `slot`. `candidates` hold the role (staffing order), `eligible` are
    /// those the person rules allow. A person outside `eligible` is refused by the engine;
    /// `None` means nobody takes the task.
    fn actor(
        &mut self,
        block: &Block,
        slot: ActorSlot,
        candidates: &[String],
        eligible: &[String],
    ) -> Option<String>;
    /// Working days the task (or one participant's part of a Mitzeichnung) takes.
    fn working_days(&mut self, block: &Block, visit: u32, participant: Option<usize>) -> u32;

    // --- hooks of the case engine (`crate::engine`); a Probelauf keeps the defaults ----------

    /// The walk enters `block` (visit `visit`) on `today`, before the block runs.
    fn enter(&mut self, _block: &Block, _visit: u32, _today: Date) {}
    /// The person rules of `slot`: who may not act and why. Called just before
    /// [`Decisions::actor`].
    fn person_rules(&mut self, _block: &Block, _slot: ActorSlot, _rules: &[PersonRule]) {}
    /// The working days and the end of a task (part) that starts on `from`; by default
    /// [`Decisions::working_days`] working days later.
    fn task_end(
        &mut self,
        block: &Block,
        visit: u32,
        participant: Option<usize>,
        from: Date,
        land: Land,
    ) -> (u32, Date) {
        let days = self.working_days(block, visit, participant);
        (days, add_working_days(from, days, land))
    }
    /// Called after `block` ran, with the steps it produced: `true` takes the block back and
    /// stops the walk there (outcome [`super::BlockedCode::Waiting`]) — the case waits for an
    /// event. A Probelauf never stops.
    fn pause(&mut self, _block: &Block, _visit: u32, _steps: &[Step]) -> bool {
        false
    }
    /// After a block that did not pause: the version of the case data the walk goes on with
    /// (an index into the versions the engine passed; fields changed when a task was
    /// completed). `None`: unchanged.
    fn case_version(&mut self) -> Option<usize> {
        None
    }
}

/// A person who may not act in a task, and why (Vier-Augen, distinctFrom, initiator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRule {
    pub person: String,
    pub code: RefusedCode,
    pub reason_de: String,
    pub reason_en: String,
}

/// One scripted decision (an entry of `CaseInput.choices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptEntry {
    /// `"port"` or `"port:days"`.
    Port { port: String, days: Option<u32> },
    /// Mitzeichnung: one vote per participant (missing ones approve), each with optional days.
    Votes(Vec<(Vote, Option<u32>)>),
}

type Msg = (String, String);

fn parse_days(text: &str, entry: &str) -> Result<Option<u32>, Msg> {
    match text.split_once(':') {
        None => Ok(None),
        Some((_, d)) => d.trim().parse::<u32>().map(Some).map_err(|_| {
            (
                format!("„{entry}“: nach dem Doppelpunkt muss eine Anzahl Tage stehen"),
                format!("{entry:?}: a number of days must follow the colon"),
            )
        }),
    }
}

/// Parses a choice entry; `mitzeichnung` selects the vote syntax.
pub fn parse_entry(text: &str, mitzeichnung: bool) -> Result<ScriptEntry, Msg> {
    let t = text.trim();
    let head = |s: &str| s.split(':').next().unwrap_or_default().trim().to_string();
    if !mitzeichnung {
        let port = head(t);
        if port.is_empty() {
            return Err(("Die Vorgabe ist leer".into(), "The entry is empty".into()));
        }
        return Ok(ScriptEntry::Port {
            port,
            days: parse_days(t, text)?,
        });
    }
    let parts: Vec<&str> = t.split(',').map(str::trim).collect();
    if parts.len() == 1 {
        match head(parts[0]).as_str() {
            "ok" => {
                return Ok(ScriptEntry::Port {
                    port: "ok".into(),
                    days: parse_days(parts[0], text)?,
                })
            }
            "veto" => {
                return Ok(ScriptEntry::Votes(vec![(
                    Vote::Veto,
                    parse_days(parts[0], text)?,
                )]));
            }
            _ => {}
        }
    }
    let mut votes = Vec::new();
    for p in parts {
        let vote = match head(p).as_str() {
            "approve" | "ok" | "ja" => Vote::Approve,
            "veto" | "nein" => Vote::Veto,
            other => {
                return Err((
                    format!("„{other}“ ist keine Stimme (approve oder veto)"),
                    format!("{other:?} is not a vote (approve or veto)"),
                ))
            }
        };
        votes.push((vote, parse_days(p, text)?));
    }
    Ok(ScriptEntry::Votes(votes))
}

/// Decisions scripted by a [`CaseInput`]: `choices` per block and visit, `actors`, `durations`;
/// defaults are the positive path (ok, reply, zugestellt, bezahlt, approve) after one
/// day, and the first eligible person.
#[derive(Debug, Clone, Default)]
pub struct ScriptedDecisions {
    choices: BTreeMap<String, Vec<String>>,
    actors: BTreeMap<String, String>,
    durations: BTreeMap<String, u32>,
}

/// The positive port among `ports`.
pub fn positive_port(ports: &[String]) -> String {
    for p in ["ok", "zugestellt", "bezahlt", "reply"] {
        if ports.iter().any(|x| x == p) {
            return p.to_string();
        }
    }
    ports.first().cloned().unwrap_or_default()
}

impl ScriptedDecisions {
    pub fn new(input: &CaseInput) -> ScriptedDecisions {
        ScriptedDecisions {
            choices: input.choices.clone(),
            actors: input.actors.clone(),
            durations: input.durations.clone(),
        }
    }

    fn entry(&self, block: &Block, visit: u32) -> Option<ScriptEntry> {
        let text = self
            .choices
            .get(block.id.as_str())?
            .get(usize::try_from(visit).ok()?.checked_sub(1)?)?;
        parse_entry(text, matches!(block.kind, BlockKind::Mitzeichnung(_))).ok()
    }

    /// (port, days) of a visit, if scripted.
    fn port(&self, block: &Block, visit: u32) -> Option<(String, Option<u32>)> {
        match self.entry(block, visit)? {
            ScriptEntry::Port { port, days } => Some((port, days)),
            ScriptEntry::Votes(_) => None,
        }
    }

    fn external(&self, block: &Block, visit: u32, negative: &str) -> Option<u32> {
        match self.port(block, visit) {
            Some((p, _)) if p == negative => None,
            Some((_, days)) => Some(days.unwrap_or(1)),
            None => Some(1),
        }
    }
}

impl Decisions for ScriptedDecisions {
    fn outcome(&mut self, block: &Block, visit: u32, ports: &[String]) -> String {
        match self.port(block, visit) {
            Some((p, _)) if ports.contains(&p) => p,
            _ => positive_port(ports),
        }
    }

    fn vote(&mut self, block: &Block, visit: u32, participant: usize) -> Vote {
        match self.entry(block, visit) {
            Some(ScriptEntry::Votes(v)) => v.get(participant).map_or(Vote::Approve, |x| x.0),
            _ => Vote::Approve,
        }
    }

    fn reply(&mut self, block: &Block, visit: u32) -> Option<u32> {
        self.external(block, visit, "timeout")
    }

    fn delivery(&mut self, block: &Block, visit: u32) -> Option<u32> {
        self.external(block, visit, "nichtAbgerufen")
    }

    fn payment(&mut self, block: &Block, visit: u32) -> Option<u32> {
        self.external(block, visit, "nichtBezahlt")
    }

    fn actor(
        &mut self,
        block: &Block,
        slot: ActorSlot,
        _candidates: &[String],
        eligible: &[String],
    ) -> Option<String> {
        match self.actors.get(&slot.key(block.id.as_str())) {
            Some(forced) => Some(forced.trim().to_string()),
            None => eligible.first().cloned(),
        }
    }

    fn working_days(&mut self, block: &Block, visit: u32, participant: Option<usize>) -> u32 {
        let id = block.id.as_str();
        let scripted = match (participant, self.entry(block, visit)) {
            (Some(i), Some(ScriptEntry::Votes(v))) => v.get(i).and_then(|x| x.1),
            (_, Some(ScriptEntry::Port { days, .. })) => days,
            _ => None,
        };
        scripted
            .or_else(|| {
                participant.and_then(|i| {
                    self.durations
                        .get(&ActorSlot::Participant(i).key(id))
                        .copied()
                })
            })
            .or_else(|| self.durations.get(id).copied())
            .unwrap_or(1)
    }
}
