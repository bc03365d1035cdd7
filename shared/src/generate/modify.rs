//! Changed versions of generated workflows, for diff benchmarks.

use super::*;

/// A changed copy of `w` in which about `percent` % of the blocks were touched: renamed labels,
/// changed parameters (Wertgrenzen bounds only move down, deadlines change), moved blocks, a few
/// inserted Sachbearbeitung steps and removed pass-through steps. Deterministic for the seed.
/// A workflow that satisfies the generator's invariants keeps them (no validation errors).
pub fn modify(w: &Workflow, percent: u32, seed: u64) -> Workflow {
    let mut out = w.clone();
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let n = out.blocks.len();
    if n == 0 || percent == 0 {
        return out;
    }
    let changes = ((n as u64 * u64::from(percent)).div_ceil(100)).max(1);
    for round in 0..changes {
        let roll = rng.below(100);
        let i = rng.below(out.blocks.len());
        if roll < 40 {
            let b = &mut out.blocks[i];
            b.label = format!(
                "{} (geändert {round})",
                b.label.split(" (geändert").next().unwrap_or_default()
            );
        } else if roll < 70 {
            if !change_params(&mut out.blocks[i].kind, &mut rng) {
                out.blocks[i].label.push_str(" – überarbeitet");
            }
        } else if roll < 85 {
            let id = out.blocks[i].id.clone();
            let r = out
                .layout
                .blocks
                .entry(id)
                .or_insert_with(|| Rect::at(MARGIN, MARGIN));
            match rng.below(4) {
                0 => r.x += 20,
                1 => r.x = (r.x - 20).max(0),
                2 => r.y += 20,
                _ => r.y = (r.y - 20).max(0),
            }
        } else {
            // 10 % insertions, 5 % removals (an insertion when nothing can be removed).
            let removed = roll >= 95 && remove_pass_through(&mut out, &mut rng);
            if !removed {
                insert_task(&mut out, &mut rng);
            }
        }
    }
    let minor = out
        .version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    let major = out.version.split('.').next().unwrap_or("1").to_string();
    out.version = format!("{major}.{}.0", minor + 1);
    out
}

fn longer(d: &Option<Duration>, rng: &mut Rng) -> Option<Duration> {
    let base = d
        .as_ref()
        .and_then(|d| d.parse().ok())
        .map_or(0, |p| (p.approx_seconds() / 86_400) as u32);
    days(base + rng.range(1, 14))
}

/// Changes one parameter in a way that keeps the block valid; false when nothing fit.
fn change_params(kind: &mut BlockKind, rng: &mut Rng) -> bool {
    match kind {
        BlockKind::Start(p) => p.eingangsbestaetigung = !p.eingangsbestaetigung,
        BlockKind::Sachbearbeitung(p) => p.due_in = days(rng.range(1, 30)),
        BlockKind::VierAugen(p) => p.exclude_initiator = !p.exclude_initiator,
        BlockKind::Mitzeichnung(p) => p.due_in = days(rng.range(2, 15)),
        BlockKind::Schlusszeichnung(p) => {
            p.signature_level = *rng.pick(&[
                SignatureLevel::Name,
                SignatureLevel::Fortgeschritten,
                SignatureLevel::Qes,
            ])
        }
        BlockKind::Wertgrenzen(p) => {
            // Move the boundary between band i and i+1 down (never up: a signer's limit that
            // covers a band still covers it when the band shrinks).
            let pairs: Vec<usize> = (0..p.bands.len().saturating_sub(1))
                .filter(|&i| {
                    let b = &p.bands[i];
                    b.upper.is_some_and(|u| u.cents() - b.lower.cents() >= 200)
                        && p.bands[i + 1].lower == b.upper.unwrap_or_default()
                })
                .collect();
            if pairs.is_empty() {
                return false;
            }
            let i = *rng.pick(&pairs);
            let (lo, up) = (
                p.bands[i].lower.cents(),
                p.bands[i].upper.map_or(0, Money::cents),
            );
            let mid = Money((lo + (up - lo) / 2) / 100 * 100);
            p.bands[i].upper = Some(mid);
            p.bands[i + 1].lower = mid;
        }
        BlockKind::Komplexitaet(p) => match p.rules.first_mut() {
            Some(r) => r.label = format!("{} (präzisiert)", r.label),
            None => return false,
        },
        BlockKind::Rueckfrage(p) => {
            // Stays longer than the reminder (reminderAfter < replyDeadline).
            let floor = p.reminder_after.clone().or_else(|| days(0));
            p.reply_deadline = longer(&floor, rng);
        }
        BlockKind::Frist(p) => match p.kind {
            FristKind::Warten if p.duration.is_some() => p.duration = days(rng.range(3, 60)),
            FristKind::WiedervorlageAm if p.date_field.is_some() => {
                p.offset = days(rng.range(1, 30))
            }
            _ => return false,
        },
        BlockKind::Eskalation(p) => p.after = longer(&p.after, rng),
        BlockKind::Bescheid(p) => p.fiktion_tage = if p.fiktion_tage == 3 { 4 } else { 3 },
        BlockKind::Zahlung(p) => p.pay_deadline = days(rng.range(7, 45)),
        BlockKind::Veraktung(p) => p.aufbewahrungsdauer_jahre = Some(rng.range(5, 30)),
        BlockKind::Benachrichtigung(p) => p.template = format!("{}-v2", p.template),
        BlockKind::Ende(_) => return false,
    }
    true
}

/// Tries per insertion/removal before giving up (candidates are drawn at random and checked,
/// which keeps `modify` linear per change even on 10,000 blocks).
const TRIES: usize = 64;

/// Inserts a Sachbearbeitung step into a random edge that does not leave a Veraktung.
fn insert_task(w: &mut Workflow, rng: &mut Rng) {
    if w.edges.is_empty() {
        return;
    }
    let Some(ei) = (0..TRIES).map(|_| rng.below(w.edges.len())).find(|&i| {
        let e = &w.edges[i];
        w.block(&e.from)
            .is_some_and(|b| b.block_type() != BlockType::Veraktung)
            && w.block(&e.to).is_some()
    }) else {
        return;
    };
    let role_id = if w.role(&RoleId::new("R-SB")).is_some() {
        RoleId::new("R-SB")
    } else if let Some(r) = w.roles.first() {
        r.id.clone()
    } else {
        w.roles.push(Role {
            id: RoleId::new("R-SB"),
            name: "Sachbearbeitung".into(),
            org_unit: None,
            signing_limit: None,
        });
        RoleId::new("R-SB")
    };
    let id = BlockId(w.allocate_id("b"));
    let edge_id = EdgeId(w.allocate_id("e"));
    let (from, to) = (w.edges[ei].from.clone(), w.edges[ei].to.clone());
    let a = w.layout.blocks.get(&from).copied().unwrap_or_default();
    let b = w.layout.blocks.get(&to).copied().unwrap_or_default();
    let x = (a.x + b.x) / 2 / 20 * 20;
    let y = (a.y.max(b.y) + 80) / 20 * 20;
    w.layout.blocks.insert(id.clone(), Rect::at(x, y));
    w.blocks.push(Block::new(
        id.clone(),
        "Zusätzliche Prüfung",
        BlockKind::Sachbearbeitung(SachbearbeitungParams {
            assignee: Some(Assignee::Role(role_id)),
            instructions: "Neu eingefügter Prüfschritt.".into(),
            outcomes: vec!["ok".into()],
            due_in: days(rng.range(1, 10)),
            form_ref: None,
        }),
    ));
    w.edges[ei].to = id.clone();
    w.edges.push(Edge {
        id: edge_id,
        from: id,
        port: "ok".into(),
        to,
    });
}

/// Whether block `i` is a pass-through step that can go without breaking anything: one exit,
/// not referenced by a Vier-Augen or Eskalation, not the first step after the start (it precedes
/// every Schlusszeichnung), its roles used elsewhere too, and its successor not feeding back.
fn removable(w: &Workflow, i: usize) -> Option<BlockId> {
    let b = &w.blocks[i];
    if !matches!(
        b.block_type(),
        BlockType::Sachbearbeitung | BlockType::Benachrichtigung | BlockType::Frist
    ) || catalog::ports(&b.kind).len() != 1
    {
        return None;
    }
    let mut out = w.outgoing(&b.id);
    let succ = out.next()?.to.clone();
    if out.next().is_some() || succ == b.id {
        return None;
    }
    for e in w.incoming(&b.id) {
        let from_start = w
            .block(&e.from)
            .is_some_and(|x| x.block_type() == BlockType::Start);
        if e.from == succ || from_start {
            return None;
        }
    }
    let roles = role_refs(&b.kind);
    for other in w.blocks.iter().filter(|o| o.id != b.id) {
        if other.kind.block_refs().any(|r| r.id == &b.id) {
            return None;
        }
    }
    let shared = roles.iter().all(|r| {
        w.blocks
            .iter()
            .filter(|o| o.id != b.id)
            .any(|o| role_refs(&o.kind).contains(r))
    });
    shared.then_some(succ)
}

/// Removes a pass-through step and reconnects its predecessors to its successor; false when no
/// block qualified.
fn remove_pass_through(w: &mut Workflow, rng: &mut Rng) -> bool {
    let Some((bi, succ)) = (0..TRIES).find_map(|_| {
        let i = rng.below(w.blocks.len());
        removable(w, i).map(|succ| (i, succ))
    }) else {
        return false;
    };
    let id = w.blocks[bi].id.clone();
    w.edges.retain(|e| e.from != id);
    for e in w.edges.iter_mut().filter(|e| e.to == id) {
        e.to = succ.clone();
    }
    let live: BTreeSet<&EdgeId> = w.edges.iter().map(|e| &e.id).collect();
    let stale: Vec<EdgeId> = w
        .layout
        .edges
        .keys()
        .filter(|k| !live.contains(k))
        .cloned()
        .collect();
    for k in stale {
        w.layout.edges.remove(&k);
    }
    w.blocks.remove(bi);
    w.layout.blocks.remove(&id);
    true
}
