//! Rules about paths through the workflow: dominance from Start (four-eyes references, author
//! of a Mitzeichnung, signing before a Bescheid), Schlusszeichnung without preparation, Rückfrage
//! loops and filing (Veraktung) before the end. All linear in the size of the workflow.

use std::collections::VecDeque;

use super::ctx::{assignee_text, de, en, Ctx, NONE};
use super::{Element, Finding};
use crate::model::{Assignee, BlockKind, BlockType, SignatureLevel};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.has_start {
        dominance(ctx, out);
        unprepared_signoff(ctx, out);
    }
    rueckfrage_loops(ctx, out);
    filing_last(ctx, out);
}

fn dominance(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let n = ctx.n();
    // Per block, following the dominator tree in reverse post order:
    // the nearest strictly dominating Sachbearbeitung, and whether a signing step dominates it.
    let mut author = vec![NONE; n];
    let mut signed = vec![false; n];
    for &b in &ctx.rpo {
        if b >= n {
            continue;
        }
        let Some(d) = ctx.idom(b) else { continue };
        author[b] = if ctx.block_type(d) == Some(BlockType::Sachbearbeitung) {
            d
        } else {
            author[d]
        };
        signed[b] = signed[d]
            || matches!(
                ctx.block_type(d),
                Some(BlockType::Schlusszeichnung | BlockType::VierAugen)
            );
    }

    for i in 0..n {
        if !ctx.live(i) {
            continue;
        }
        match ctx.kind(i) {
            Some(BlockKind::VierAugen(p)) => {
                let refs = p
                    .first_check_block
                    .iter()
                    .map(|r| ("firstCheckBlock".to_string(), r))
                    .chain(
                        p.distinct_from
                            .iter()
                            .enumerate()
                            .map(|(k, r)| (format!("distinctFrom[{k}]"), r)),
                    );
                for (path, r) in refs {
                    let Some(ri) = ctx.block_index(r) else {
                        continue;
                    };
                    if ctx.strictly_dominates(ri, i) {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            "W_FOUR_EYES_REF_NOT_DOMINATING",
                            Element::param(ctx.id(i), path),
                            format!(
                                "{} liegt nicht auf jedem Weg vor {}; wer dort geprüft hat, ist dann unbekannt und kann nicht ausgeschlossen werden.",
                                de(&ctx.label(ri)),
                                de(&ctx.label(i))
                            ),
                            format!(
                                "{} does not lie on every path before {}; who did it may then be unknown and cannot be excluded.",
                                en(&ctx.label_en(ri)),
                                en(&ctx.label_en(i))
                            ),
                        )
                        .hint(
                            "Verweisen Sie auf einen Schritt, den jeder Fall vor der Prüfung durchläuft.",
                            "Refer to a step every case passes before the check.",
                        ),
                    );
                }
            }
            Some(BlockKind::Mitzeichnung(p)) => {
                let Some(a) = author.get(i).copied().filter(|&a| a != NONE) else {
                    continue;
                };
                let Some(BlockKind::Sachbearbeitung(sb)) = ctx.kind(a) else {
                    continue;
                };
                let Some(own) = sb
                    .assignee
                    .as_ref()
                    .filter(|x| !matches!(x, Assignee::Expression(_)))
                else {
                    continue;
                };
                for (k, part) in p.participants.iter().enumerate() {
                    if part.assignee.as_ref() != Some(own) {
                        continue;
                    }
                    let (who_de, who_en) = assignee_text(ctx, own);
                    out.push(
                        Finding::new(
                            "W_MITZEICHNUNG_SELF",
                            Element::param(ctx.id(i), format!("participants[{k}].assignee")),
                            format!(
                                "In {} zeichnet {who_de} mit, die schon {} bearbeitet hat; eine Mitzeichnung der eigenen Vorlage ist keine Kontrolle.",
                                de(&ctx.label(i)),
                                de(&ctx.label(a))
                            ),
                            format!(
                                "In {}, {who_en} co-signs although it already did {}; co-signing one's own draft is no control.",
                                en(&ctx.label_en(i)),
                                en(&ctx.label_en(a))
                            ),
                        )
                        .hint("Beteiligen Sie eine andere Stelle.", "Involve another unit."),
                    );
                }
            }
            Some(BlockKind::Bescheid(p)) => {
                if matches!(
                    p.signature_level,
                    SignatureLevel::Qes | SignatureLevel::Siegel
                ) || signed.get(i).copied().unwrap_or(true)
                {
                    continue;
                }
                out.push(
                    Finding::new(
                        "W_BESCHEID_UNSIGNED",
                        Element::param(ctx.id(i), "signatureLevel"),
                        format!(
                            "Vor {} liegt nicht auf jedem Weg eine Schlusszeichnung oder Vier-Augen-Prüfung, und der Bescheid wird nicht qualifiziert signiert.",
                            de(&ctx.label(i))
                        ),
                        format!(
                            "Not every path to {} passes a final sign-off or four-eyes check, and the notice is not signed with a qualified signature.",
                            en(&ctx.label_en(i))
                        ),
                    )
                    .hint(
                        "Setzen Sie eine Schlusszeichnung davor oder wählen Sie QES/Siegel (GGO § 17/18).",
                        "Put a final sign-off before it or choose QES/seal (GGO § 17/18).",
                    ),
                );
            }
            _ => {}
        }
    }
}

/// `W_SCHLUSSZEICHNUNG_UNPREPARED`: some path from Start reaches the Schlusszeichnung without
/// passing any Sachbearbeitung.
fn unprepared_signoff(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let n = ctx.n();
    let mut seen = vec![false; n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, s) in seen.iter_mut().enumerate() {
        if ctx.block_type(i) == Some(BlockType::Start) {
            *s = true;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &x in ctx.fwd.get(v) {
            if x < n && !seen[x] {
                seen[x] = true;
                if ctx.block_type(x) != Some(BlockType::Sachbearbeitung) {
                    queue.push_back(x);
                }
            }
        }
    }
    for (i, &s) in seen.iter().enumerate() {
        if s && ctx.live(i) && ctx.block_type(i) == Some(BlockType::Schlusszeichnung) {
            out.push(
                Finding::new(
                    "W_SCHLUSSZEICHNUNG_UNPREPARED",
                    Element::block(ctx.id(i)),
                    format!("{} ist ohne vorherige Sachbearbeitung erreichbar; gezeichnet würde ein ungeprüfter Vorgang.", de(&ctx.label(i))),
                    format!("{} can be reached without any case work before it; an unprepared case would be signed.", en(&ctx.label_en(i))),
                )
                .hint("Setzen Sie eine Sachbearbeitung vor die Schlusszeichnung.", "Put a case-work step before the final sign-off."),
            );
        }
    }
}

/// `I_RUECKFRAGE_UNBOUNDED_LOOP`: the reply leads back into a loop through the Rückfrage.
fn rueckfrage_loops(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for i in 0..ctx.n() {
        let Some(BlockKind::Rueckfrage(p)) = ctx.kind(i) else {
            continue;
        };
        if p.max_rounds.is_some() || !ctx.live(i) {
            continue;
        }
        let Some(t) = ctx.port_target(i, "reply") else {
            continue;
        };
        if ctx.scc.get(t).is_none() || ctx.scc.get(t) != ctx.scc.get(i) {
            continue;
        }
        out.push(
            Finding::new(
                "I_RUECKFRAGE_UNBOUNDED_LOOP",
                Element::port(ctx.id(i), "reply"),
                format!(
                    "Nach der Antwort kann {} beliebig oft erneut gestellt werden.",
                    de(&ctx.label(i))
                ),
                format!(
                    "After the reply, {} can be asked again any number of times.",
                    en(&ctx.label_en(i))
                ),
            )
            .hint(
                "Mit „maxRounds“ lässt sich die Zahl der Runden begrenzen.",
                "“maxRounds” limits the number of rounds.",
            ),
        );
    }
}

/// Blocks that add documents to the case after they ran.
fn produces_documents(t: BlockType) -> bool {
    matches!(
        t,
        BlockType::Sachbearbeitung
            | BlockType::VierAugen
            | BlockType::Mitzeichnung
            | BlockType::Schlusszeichnung
            | BlockType::Rueckfrage
            | BlockType::Bescheid
            | BlockType::Zahlung
            | BlockType::Benachrichtigung
    )
}

/// `W_VERAKTUNG_NOT_LAST`: after a Veraktung (`ok`), some path to an Ende passes a block that
/// produces documents, with no further Veraktung after it.
fn filing_last(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let n = ctx.n();
    if !ctx
        .blocks
        .iter()
        .any(|b| b.block_type() == BlockType::Veraktung)
    {
        return;
    }
    let is_filing = |v: usize| ctx.block_type(v) == Some(BlockType::Veraktung);
    // 1. Blocks from which an Ende is reachable without passing a Veraktung.
    let mut to_end = vec![false; n];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, e) in to_end.iter_mut().enumerate() {
        if ctx.block_type(i) == Some(BlockType::Ende) {
            *e = true;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &p in ctx.rev.get(v) {
            if p < n && !to_end[p] {
                to_end[p] = true;
                if !is_filing(p) {
                    queue.push_back(p);
                }
            }
        }
    }
    // 2. Blocks from which such an unfiled document-producing block is reachable without a Veraktung.
    let mut witness = vec![NONE; n];
    for i in 0..n {
        if to_end[i] && ctx.block_type(i).is_some_and(produces_documents) {
            witness[i] = i;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &p in ctx.rev.get(v) {
            if p < n && witness[p] == NONE && !is_filing(p) {
                witness[p] = witness[v];
                queue.push_back(p);
            }
        }
    }
    for i in 0..n {
        if !is_filing(i) || !ctx.live(i) {
            continue;
        }
        let Some(t) = ctx.port_target(i, "ok") else {
            continue;
        };
        let Some(&a) = witness.get(t).filter(|&&a| a != NONE) else {
            continue;
        };
        out.push(
            Finding::new(
                "W_VERAKTUNG_NOT_LAST",
                Element::port(ctx.id(i), "ok"),
                format!(
                    "Nach {} entstehen auf dem Weg zum Ende noch Unterlagen (z. B. {}), die nicht mehr in die E-Akte gelangen.",
                    de(&ctx.label(i)),
                    de(&ctx.label(a))
                ),
                format!(
                    "After {}, the path to the end still produces documents (e.g. {}) that never reach the e-file.",
                    en(&ctx.label_en(i)),
                    en(&ctx.label_en(a))
                ),
            )
            .hint(
                "Setzen Sie die Veraktung als letzten Schritt vor das Ende oder legen Sie danach erneut ab.",
                "Make filing the last step before the end or file again afterwards.",
            ),
        );
    }
}
