//! The conventions checker (independent of `validate`) for templates and synthetic workflows.

use std::collections::{BTreeMap, BTreeSet};

use fachwerk_shared::catalog;
use fachwerk_shared::model::*;
use fachwerk_shared::values::{Duration, Money};

use super::structure::{dominated, reach, successors};
use super::*;

/// Roles a block refers to.
pub fn roles_of<'a>(kind: &'a BlockKind) -> Vec<&'a RoleId> {
    let mut out = Vec::new();
    let mut add = |a: &'a Option<Assignee>| {
        if let Some(Assignee::Role(r)) = a {
            out.push(r)
        }
    };
    match kind {
        BlockKind::Start(p) => add(&p.initiator_role),
        BlockKind::Sachbearbeitung(p) => add(&p.assignee),
        BlockKind::VierAugen(p) => {
            add(&p.first_check);
            add(&p.second_check);
        }
        BlockKind::Mitzeichnung(p) => p.participants.iter().for_each(|x| add(&x.assignee)),
        BlockKind::Schlusszeichnung(p) => add(&p.signer),
        BlockKind::Frist(p) => add(&p.notify),
        BlockKind::Eskalation(p) => add(&p.escalate_to),
        BlockKind::Benachrichtigung(p) => {
            if let Some(Recipient::Role(r)) = &p.recipient {
                out.push(r)
            }
        }
        _ => {}
    }
    out
}

fn durations_of(kind: &BlockKind) -> Vec<(&'static str, &Duration)> {
    let mut v: Vec<(&'static str, &Option<Duration>)> = Vec::new();
    match kind {
        BlockKind::Sachbearbeitung(p) => v.push(("dueIn", &p.due_in)),
        BlockKind::Mitzeichnung(p) => v.push(("dueIn", &p.due_in)),
        BlockKind::Rueckfrage(p) => {
            v.push(("replyDeadline", &p.reply_deadline));
            v.push(("reminderAfter", &p.reminder_after));
        }
        BlockKind::Frist(p) => {
            v.push(("duration", &p.duration));
            v.push(("offset", &p.offset));
        }
        BlockKind::Eskalation(p) => v.push(("after", &p.after)),
        BlockKind::Bescheid(p) => v.push(("abrufFrist", &p.abruf_frist)),
        BlockKind::Zahlung(p) => v.push(("payDeadline", &p.pay_deadline)),
        _ => {}
    }
    v.into_iter()
        .filter_map(|(n, d)| d.as_ref().map(|d| (n, d)))
        .collect()
}

/// The house conventions of template and synthetic workflows, checked without `validate`:
/// stricter than the validator where the spec leaves room (e.g. signing limits are checked
/// against every band a Schlusszeichnung is reachable from, not only the nearest). Returns one
/// line per problem; empty means fine. `check_layout` adds the layout rules (grid, no overlaps).
pub fn convention_problems(w: &Workflow, check_layout: bool) -> Vec<String> {
    let mut p = Vec::new();
    let ids: BTreeSet<&BlockId> = w.blocks.iter().map(|b| &b.id).collect();
    let roles: BTreeMap<&RoleId, &Role> = w.roles.iter().map(|r| (&r.id, r)).collect();
    let field_type = |name: &str| w.field(name).map(|f| f.field_type);
    let starts: Vec<&Block> = w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Start)
        .collect();
    if starts.len() != 1 {
        p.push(format!("{} start blocks", starts.len()));
    }
    if ids.len() != w.blocks.len() {
        p.push("duplicate block ids".into());
    }
    let edge_ids: BTreeSet<&EdgeId> = w.edges.iter().map(|e| &e.id).collect();
    if edge_ids.len() != w.edges.len() {
        p.push("duplicate edge ids".into());
    }

    // Wiring.
    for b in &w.blocks {
        let ports = catalog::ports(&b.kind);
        for port in &ports {
            let n = w.outgoing(&b.id).filter(|e| e.port == port.name).count();
            if n != 1 {
                p.push(format!("{}: port {} has {n} edges", b.id, port.name));
            }
        }
        for e in w.outgoing(&b.id) {
            if !ports.iter().any(|x| x.name == e.port) {
                p.push(format!(
                    "{}: edge {} leaves through unknown port {}",
                    b.id, e.id, e.port
                ));
            }
        }
        if matches!(b.block_type(), BlockType::Start | BlockType::Eskalation)
            && w.incoming(&b.id).next().is_some()
        {
            p.push(format!("{}: has incoming edges", b.id));
        }
    }
    for e in &w.edges {
        if !ids.contains(&e.from) || !ids.contains(&e.to) {
            p.push(format!("edge {} dangles", e.id));
        }
    }

    // Reachability both ways.
    let succ = successors(w);
    let mut pred: BTreeMap<BlockId, Vec<BlockId>> = BTreeMap::new();
    for (from, tos) in &succ {
        for to in tos {
            pred.entry(to.clone()).or_default().push(from.clone());
        }
    }
    let mut to_end = BTreeSet::new();
    for b in w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Ende)
    {
        to_end.extend(reach(&pred, &b.id, None));
    }
    if let [start] = starts.as_slice() {
        let reached = reach(&succ, &start.id, None);
        for b in &w.blocks {
            if !reached.contains(&b.id) {
                p.push(format!("{}: unreachable", b.id));
                continue;
            }
            let exempt = matches!(&b.kind, BlockKind::Eskalation(e) if !e.interrupting);
            if !exempt && !to_end.contains(&b.id) {
                p.push(format!("{}: no Ende reachable", b.id));
            }
        }
        // Vier-Augen references dominate; Bescheide are signed or preceded by a Zeichnung.
        let signers: BTreeSet<BlockId> = w
            .blocks
            .iter()
            .filter(|b| {
                matches!(
                    b.block_type(),
                    BlockType::Schlusszeichnung | BlockType::VierAugen
                )
            })
            .map(|b| b.id.clone())
            .collect();
        for b in &w.blocks {
            match &b.kind {
                BlockKind::VierAugen(va) => {
                    for r in va.first_check_block.iter().chain(va.distinct_from.iter()) {
                        if !dominated(&succ, &start.id, &BTreeSet::from([r.clone()]), &b.id) {
                            p.push(format!("{}: reference {r} does not dominate", b.id));
                        }
                    }
                    if va.first_check_block.is_none() && va.first_check.is_none() {
                        p.push(format!("{}: no first check", b.id));
                    }
                }
                BlockKind::Bescheid(bp)
                    if !matches!(
                        bp.signature_level,
                        SignatureLevel::Qes | SignatureLevel::Siegel
                    ) && !dominated(&succ, &start.id, &signers, &b.id) =>
                {
                    p.push(format!("{}: Bescheid unsigned", b.id))
                }
                BlockKind::Schlusszeichnung(_) => {
                    let tasks: BTreeSet<BlockId> = w
                        .blocks
                        .iter()
                        .filter(|b| b.block_type() == BlockType::Sachbearbeitung)
                        .map(|b| b.id.clone())
                        .collect();
                    if !dominated(&succ, &start.id, &tasks, &b.id) {
                        p.push(format!(
                            "{}: Schlusszeichnung without preceding Sachbearbeitung",
                            b.id
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    // Signing limits against every band a Schlusszeichnung can be reached from.
    for b in &w.blocks {
        if let BlockKind::Wertgrenzen(wg) = &b.kind {
            for band in &wg.bands {
                for e in w.outgoing(&b.id).filter(|e| e.port == band.id) {
                    for x in reach(&succ, &e.to, None) {
                        let Some(BlockKind::Schlusszeichnung(sz)) = w.block(&x).map(|x| &x.kind)
                        else {
                            continue;
                        };
                        let limit = match &sz.signer {
                            Some(Assignee::Role(r)) => roles.get(r).and_then(|r| r.signing_limit),
                            _ => None,
                        };
                        let too_low = match (limit, band.upper) {
                            (Some(l), Some(u)) => l < u,
                            (Some(_), None) => true,
                            (None, _) => false,
                        };
                        if too_low {
                            p.push(format!("{x}: signer limit below band {}/{}", b.id, band.id));
                        }
                    }
                }
            }
            let mut prev: Option<Money> = Some(Money(0));
            for band in &wg.bands {
                if Some(band.lower) != prev {
                    p.push(format!("{}: bands not contiguous at {}", b.id, band.id));
                }
                prev = band.upper;
            }
            if prev.is_some() {
                p.push(format!("{}: last band bounded", b.id));
            }
            if field_type(&wg.amount_field) != Some(FieldType::Money) {
                p.push(format!(
                    "{}: amount field {} not a declared money field",
                    b.id, wg.amount_field
                ));
            }
        }
    }

    // Per block conventions.
    let authors: BTreeSet<&RoleId> = w
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Sachbearbeitung(s) => match &s.assignee {
                Some(Assignee::Role(r)) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut used_roles = BTreeSet::new();
    for b in &w.blocks {
        for r in roles_of(&b.kind) {
            used_roles.insert(r);
            if !roles.contains_key(r) {
                p.push(format!("{}: unknown role {r}", b.id));
            }
        }
        for (name, d) in durations_of(&b.kind) {
            match d.parse() {
                Ok(parts) if !parts.is_zero() => {}
                _ => p.push(format!(
                    "{}: {name} {:?} is not a positive ISO 8601 duration",
                    b.id, d.0
                )),
            }
        }
        match &b.kind {
            BlockKind::Sachbearbeitung(s) if s.assignee.is_none() => {
                p.push(format!("{}: no assignee", b.id))
            }
            BlockKind::Mitzeichnung(m) => {
                let mut seen = BTreeSet::new();
                for part in &m.participants {
                    if let Some(Assignee::Role(r)) = &part.assignee {
                        if authors.contains(r) {
                            p.push(format!("{}: participant {r} also does case work", b.id));
                        }
                        if !seen.insert(r) {
                            p.push(format!("{}: participant {r} twice", b.id));
                        }
                    }
                }
                if m.participants.is_empty() {
                    p.push(format!("{}: no participants", b.id));
                }
            }
            BlockKind::Schlusszeichnung(s) => {
                if let Some(f) = &s.amount_field {
                    if field_type(f) != Some(FieldType::Money) {
                        p.push(format!("{}: amount field {f} not money", b.id));
                    }
                }
            }
            BlockKind::Rueckfrage(r) => {
                if r.max_rounds.is_none() {
                    p.push(format!("{}: no maxRounds", b.id));
                }
                let secs = |d: &Option<Duration>| {
                    d.as_ref()
                        .and_then(|d| d.parse().ok())
                        .map(|p| p.approx_seconds())
                };
                if let (Some(rem), Some(dl)) = (secs(&r.reminder_after), secs(&r.reply_deadline)) {
                    if rem >= dl {
                        p.push(format!("{}: reminder not before deadline", b.id));
                    }
                }
                if r.reply_deadline.is_none() || r.template.trim().is_empty() {
                    p.push(format!("{}: deadline or template missing", b.id));
                }
            }
            BlockKind::Frist(f) => {
                let ok = match f.kind {
                    FristKind::Warten => f.duration.is_some() && f.date_field.is_none(),
                    FristKind::WiedervorlageAm => {
                        f.duration.is_none()
                            && f.date_field.as_deref().and_then(field_type) == Some(FieldType::Date)
                    }
                };
                if !ok {
                    p.push(format!("{}: Frist parameters inconsistent", b.id));
                }
            }
            BlockKind::Eskalation(e) => {
                let on_task = e
                    .attached_to
                    .as_ref()
                    .and_then(|a| w.block(a))
                    .is_some_and(|a| catalog::info(a.block_type()).human_task);
                if !on_task || e.after.is_none() || e.escalate_to.is_none() {
                    p.push(format!("{}: Eskalation incomplete", b.id));
                }
            }
            BlockKind::Bescheid(bp) => {
                if bp.template.trim().is_empty() || bp.fiktion_tage == 0 {
                    p.push(format!("{}: Bescheid incomplete", b.id));
                }
                if bp.channel == BescheidChannel::PostfachAbruf && bp.abruf_frist.is_none() {
                    p.push(format!("{}: no abrufFrist", b.id));
                }
            }
            BlockKind::Zahlung(z) => {
                if z.methods.is_empty() || z.pay_deadline.is_none() || z.amount.trim().is_empty() {
                    p.push(format!("{}: Zahlung incomplete", b.id));
                }
                let a = z.amount.trim();
                let is_number = a.parse::<f64>().is_ok_and(|x| x > 0.0);
                if !is_number && field_type(a) != Some(FieldType::Money) {
                    p.push(format!(
                        "{}: amount {a} neither a number nor a money field",
                        b.id
                    ));
                }
            }
            BlockKind::Veraktung(v) => {
                if v.target.trim().is_empty() || v.aktenplan_kennzeichen.trim().is_empty() {
                    p.push(format!("{}: Veraktung incomplete", b.id));
                }
                if v.zda && !v.include.contains(&Include::Protokoll) {
                    p.push(format!("{}: zdA without Gesamtprotokoll", b.id));
                }
                if v.container_rule.field != "aktenzeichen"
                    && field_type(&v.container_rule.field).is_none()
                {
                    p.push(format!(
                        "{}: container field {} not declared",
                        b.id, v.container_rule.field
                    ));
                }
                for e in w.outgoing(&b.id) {
                    let next = w.block(&e.to).map(|x| x.block_type());
                    // After filing only an Ende, or the retry task that leads straight back.
                    let retry = w.outgoing(&e.to).all(|x| x.to == b.id)
                        && next == Some(BlockType::Sachbearbeitung);
                    if next != Some(BlockType::Ende) && !(e.port == "fehler" && retry) {
                        p.push(format!("{}: {} leads to a non-Ende block", b.id, e.port));
                    }
                }
            }
            BlockKind::Benachrichtigung(n) => {
                if n.recipient.is_none() || n.template.trim().is_empty() {
                    p.push(format!("{}: Benachrichtigung incomplete", b.id));
                }
                if n.template_kind == TemplateKind::Entscheidung
                    && n.recipient == Some(Recipient::Applicant)
                {
                    p.push(format!("{}: decision as notification", b.id));
                }
            }
            BlockKind::Komplexitaet(k) => {
                for r in &k.rules {
                    for word in r.condition.split(|c: char| !c.is_alphanumeric()) {
                        let known = ["true", "false", "and", "or", "not", ""].contains(&word)
                            || word.parse::<f64>().is_ok();
                        if !known && field_type(word).is_none() {
                            p.push(format!("{}: rule {} uses undeclared {word}", b.id, r.id));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Every Ende is reached from a Veraktung only (filing is the last step).
    for b in w
        .blocks
        .iter()
        .filter(|b| b.block_type() == BlockType::Ende)
    {
        for e in w.incoming(&b.id) {
            if w.block(&e.from).map(|x| x.block_type()) != Some(BlockType::Veraktung) {
                p.push(format!(
                    "{}: reached from {} which is not a Veraktung",
                    b.id, e.from
                ));
            }
        }
    }
    for r in &w.roles {
        if !used_roles.contains(&r.id) {
            p.push(format!("role {} unused", r.id));
        }
    }
    // Ids: nextId beyond every numeric suffix.
    for id in w
        .blocks
        .iter()
        .map(|b| b.id.0.as_str())
        .chain(w.edges.iter().map(|e| e.id.0.as_str()))
    {
        let digits: String = id
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(n) = digits.parse::<u64>() {
            if n > w.next_id {
                p.push(format!("id {id} beyond nextId {}", w.next_id));
            }
        }
    }
    if check_layout {
        p.extend(layout_problems(w));
    }
    p
}
