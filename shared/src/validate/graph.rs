//! Whole-graph rules (blocks.md §3): Start/Ende, dangling edges, reachability, ports, dead ends
//! and exitless cycles, plus the port-specific codes of Rückfrage, Zahlung, Bescheid and
//! Komplexitäts-Weiche.

use super::ctx::{de, en, Ctx, Ports, NONE};
use super::{Element, Finding};
use crate::model::{BescheidChannel, BlockKind, BlockType, OTHERWISE_PORT};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    start_and_end(ctx, out);
    edges(ctx, out);
    unreachable(ctx, out);
    let unwired = ports(ctx, out);
    dead_ends(ctx, out);
    cycles(ctx, out, &unwired);
}

fn start_and_end(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let starts: Vec<usize> = (0..ctx.n())
        .filter(|&i| ctx.block_type(i) == Some(BlockType::Start))
        .collect();
    if starts.is_empty() {
        out.push(
            Finding::new(
                "E_NO_START",
                Element::workflow(),
                "Der Ablauf hat keinen Antragseingang (Start).",
                "The workflow has no start block.",
            )
            .hint(
                "Ziehen Sie einen Baustein „Antragseingang“ auf die Fläche.",
                "Add an “Application received” block.",
            ),
        );
    }
    let first = starts.first().map(|&s| ctx.label(s)).unwrap_or_default();
    let first_en = starts.first().map(|&s| ctx.label_en(s)).unwrap_or_default();
    for &s in starts.iter().skip(1) {
        out.push(
            Finding::new(
                "E_MULTIPLE_START",
                Element::block(ctx.id(s)),
                format!(
                    "{} ist ein weiterer Start neben {}; ein Ablauf hat genau einen.",
                    de(&ctx.label(s)),
                    de(&first)
                ),
                format!(
                    "{} is another start besides {}; a workflow has exactly one.",
                    en(&ctx.label_en(s)),
                    en(&first_en)
                ),
            )
            .hint(
                "Entfernen Sie diesen Start oder verbinden Sie seinen Nachfolger mit dem ersten.",
                "Remove this start or connect its successor to the first one.",
            ),
        );
    }
    if !ctx.has_end {
        out.push(
            Finding::new(
                "E_NO_END",
                Element::workflow(),
                "Der Ablauf hat kein Ende.",
                "The workflow has no end block.",
            )
            .hint(
                "Ziehen Sie einen Baustein „Ende“ auf die Fläche und verbinden Sie ihn.",
                "Add an “End” block and connect it.",
            ),
        );
    }
}

fn edges(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (e, edge) in ctx.w.edges.iter().enumerate() {
        let from = ctx.edge_from.get(e).copied().unwrap_or(NONE);
        let to = ctx.edge_to.get(e).copied().unwrap_or(NONE);
        if from == NONE || to == NONE {
            let (what_de, what_en) = match (from == NONE, to == NONE) {
                (true, true) => (
                    format!(
                        "Start {} und Ziel {} gibt es beide nicht",
                        de(edge.from.as_str()),
                        de(edge.to.as_str())
                    ),
                    format!(
                        "neither its source {} nor its target {} exists",
                        en(edge.from.as_str()),
                        en(edge.to.as_str())
                    ),
                ),
                (true, false) => (
                    format!("den Startbaustein {} gibt es nicht", de(edge.from.as_str())),
                    format!("its source block {} does not exist", en(edge.from.as_str())),
                ),
                _ => (
                    format!("den Zielbaustein {} gibt es nicht", de(edge.to.as_str())),
                    format!("its target block {} does not exist", en(edge.to.as_str())),
                ),
            };
            let mut el = Element::edge(&edge.id);
            if from != NONE {
                el.block = Some(edge.from.clone());
                el.port = Some(edge.port.clone());
            }
            out.push(
                Finding::new(
                    "E_EDGE_DANGLING",
                    el,
                    format!("Die Verbindung {} führt ins Leere: {what_de}.", de(edge.id.as_str())),
                    format!("The connection {} is dangling: {what_en}.", en(edge.id.as_str())),
                )
                .hint("Löschen Sie die Verbindung oder ziehen Sie sie auf einen vorhandenen Baustein.", "Delete the connection or drag it onto an existing block."),
            );
        }
        match ctx.block_type(to) {
            Some(BlockType::Start) => out.push(
                Finding::new(
                    "E_INCOMING_TO_START",
                    Element::block(ctx.id(to)).with_edge(&edge.id),
                    format!("Die Verbindung {} führt zurück in den Start {}; der Start hat keine Eingänge.", de(edge.id.as_str()), de(&ctx.label(to))),
                    format!("The connection {} leads back into the start {}; the start has no inputs.", en(edge.id.as_str()), en(&ctx.label_en(to))),
                )
                .hint("Führen Sie die Verbindung auf den ersten Arbeitsschritt statt auf den Start.", "Point the connection at the first work step instead of the start."),
            ),
            Some(BlockType::Eskalation) => out.push(
                Finding::new(
                    "E_INCOMING_TO_ESKALATION",
                    Element::block(ctx.id(to)).with_edge(&edge.id),
                    format!(
                        "Die Verbindung {} führt in die Eskalation {}; eine Eskalation wird nur über die überwachte Aufgabe ausgelöst.",
                        de(edge.id.as_str()),
                        de(&ctx.label(to))
                    ),
                    format!(
                        "The connection {} leads into the escalation {}; an escalation is only triggered by the task it watches.",
                        en(edge.id.as_str()),
                        en(&ctx.label_en(to))
                    ),
                )
                .hint("Löschen Sie die Verbindung; legen Sie die Aufgabe unter „überwacht“ fest.", "Delete the connection; set the task under “attached to”."),
            ),
            _ => {}
        }
        if ctx.block_type(from) == Some(BlockType::Ende) && ctx.live(from) {
            out.push(
                Finding::new(
                    "E_OUTGOING_FROM_END",
                    Element::block(ctx.id(from)).with_edge(&edge.id),
                    format!("Nach dem Ende {} geht es mit der Verbindung {} weiter; ein Ende hat keine Ausgänge.", de(&ctx.label(from)), de(edge.id.as_str())),
                    format!("The connection {} continues after the end {}; an end has no exits.", en(edge.id.as_str()), en(&ctx.label_en(from))),
                )
                .hint("Löschen Sie die Verbindung oder ersetzen Sie das Ende durch einen Arbeitsschritt.", "Delete the connection or replace the end with a work step."),
            );
        }
    }
}

fn unreachable(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.has_start {
        return;
    }
    for i in 0..ctx.n() {
        if ctx.reach.get(i).copied().unwrap_or(true)
            || !ctx.primary.get(i).copied().unwrap_or(false)
        {
            continue;
        }
        if ctx.block_type(i) == Some(BlockType::Eskalation) {
            // Reached through its host: a missing host is E_ESKALATION_NOT_ON_TASK /
            // E_UNKNOWN_BLOCK, an unreachable host is reported itself.
            continue;
        }
        out.push(
            Finding::new(
                "E_UNREACHABLE",
                Element::block(ctx.id(i)),
                format!("{} ist vom Start aus nicht erreichbar.", de(&ctx.label(i))),
                format!("{} cannot be reached from the start.", en(&ctx.label_en(i))),
            )
            .hint(
                "Verbinden Sie einen vorherigen Schritt mit diesem Baustein oder löschen Sie ihn.",
                "Connect an earlier step to this block or delete it.",
            ),
        );
    }
}

/// Port rules; returns per block whether an unwired port was reported (for cycle precedence).
fn ports(ctx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<bool> {
    let mut unwired_reported = vec![false; ctx.n()];
    for (i, unwired) in unwired_reported.iter_mut().enumerate() {
        let Some(kind) = ctx.kind(i) else { continue };
        let live = ctx.live(i);
        let ports = Ports::of(kind);
        let out_edges = ctx.out_edges(i);

        // Edges through ports the block does not have (an Ende gets E_OUTGOING_FROM_END).
        if live && !matches!(kind, BlockKind::Ende(_)) {
            for &e in out_edges {
                if ctx.edge_port(e).is_some() {
                    continue;
                }
                let Some(edge) = ctx.w.edges.get(e) else {
                    continue;
                };
                out.push(unknown_port(ctx, i, ports, edge));
            }
        }

        // Port-specific codes (reported whether or not the block has other edges).
        let specific: Option<&str> = match kind {
            BlockKind::Rueckfrage(p) => {
                *unwired |= rueckfrage_timeout(ctx, out, i, p.reply_deadline.is_none());
                Some("timeout")
            }
            BlockKind::Zahlung(p) => {
                *unwired |= payment_timeout(ctx, out, i, p.pay_deadline.is_none());
                Some("nichtBezahlt")
            }
            BlockKind::Bescheid(p) if p.channel == BescheidChannel::PostfachAbruf => {
                if live && !ctx.port_wired(i, "nichtAbgerufen") {
                    out.push(
                        Finding::new(
                            "E_ZUSTELLUNG_NO_FALLBACK",
                            Element::port(ctx.id(i), "nichtAbgerufen"),
                            format!(
                                "{} stellt zum Abruf bereit, aber es ist nicht festgelegt, was geschieht, wenn der Bescheid nicht abgerufen wird.",
                                de(&ctx.label(i))
                            ),
                            format!(
                                "{} provides the notice for download, but nothing says what happens if it is not downloaded.",
                                en(&ctx.label_en(i))
                            ),
                        )
                        .hint(
                            "Verbinden Sie den Ausgang „nicht abgerufen“, z. B. mit einem Versand per Brief (§ 41 Abs. 2a VwVfG).",
                            "Connect the “not downloaded” exit, e.g. to sending a letter (§ 41(2a) VwVfG).",
                        ),
                    );
                    *unwired = true;
                }
                Some("nichtAbgerufen")
            }
            BlockKind::Komplexitaet(_) => {
                if live && !ctx.port_wired(i, OTHERWISE_PORT) {
                    out.push(
                        Finding::new(
                            "E_ROUTER_NO_DEFAULT",
                            Element::port(ctx.id(i), OTHERWISE_PORT),
                            format!(
                                "{} hat keinen Weg für Fälle, auf die keine Regel zutrifft.",
                                de(&ctx.label(i))
                            ),
                            format!(
                                "{} has no path for cases that match no rule.",
                                en(&ctx.label_en(i))
                            ),
                        )
                        .hint(
                            "Verbinden Sie den Ausgang „sonst“.",
                            "Connect the “otherwise” exit.",
                        ),
                    );
                    *unwired = true;
                }
                Some(OTHERWISE_PORT)
            }
            _ => None,
        };

        if !live {
            continue;
        }
        // A block without any outgoing edge is a dead end (or covered by E_NO_END).
        let no_edges = out_edges.is_empty();
        for (k, port) in ports.iter().enumerate() {
            // `None`: a repeated port name, checked at its first occurrence.
            let Some(count) = ctx.port_count(i, k) else {
                continue;
            };
            match count {
                0 if no_edges || Some(port) == specific => {}
                0 => {
                    let (pl_de, pl_en) = ctx.port_label(i, port);
                    out.push(
                        Finding::new(
                            "E_PORT_UNWIRED",
                            Element::port(ctx.id(i), port),
                            format!(
                                "Der Ausgang {} von {} ist nicht verbunden.",
                                de(&pl_de),
                                de(&ctx.label(i))
                            ),
                            format!(
                                "The exit {} of {} is not connected.",
                                en(&pl_en),
                                en(&ctx.label_en(i))
                            ),
                        )
                        .hint(
                            "Ziehen Sie vom Ausgang eine Verbindung zum nächsten Schritt.",
                            "Drag a connection from the exit to the next step.",
                        ),
                    );
                    *unwired = true;
                }
                1 => {}
                _ => out.push(multiple_edges(ctx, i, port)),
            }
        }
    }
    unwired_reported
}

fn unknown_port(ctx: &Ctx<'_>, i: usize, ports: Ports<'_>, edge: &crate::model::Edge) -> Finding {
    let mut names: Vec<&str> = Vec::new();
    for p in ports.iter() {
        if !names.contains(&p) {
            names.push(p);
        }
    }
    let (names_de, names_en) = if names.is_empty() {
        ("keine".to_string(), "none".to_string())
    } else {
        (names.join(", "), names.join(", "))
    };
    Finding::new(
        "E_PORT_UNKNOWN",
        Element::port(ctx.id(i), &edge.port).with_edge(&edge.id),
        format!(
            "Die Verbindung {} verlässt {} über den Ausgang {}, den es nicht gibt.",
            de(edge.id.as_str()),
            de(&ctx.label(i)),
            de(&edge.port)
        ),
        format!(
            "The connection {} leaves {} through the exit {}, which does not exist.",
            en(edge.id.as_str()),
            en(&ctx.label_en(i)),
            en(&edge.port)
        ),
    )
    .hint(
        format!("Vorhandene Ausgänge: {names_de}."),
        format!("Existing exits: {names_en}."),
    )
}

fn multiple_edges(ctx: &Ctx<'_>, i: usize, port: &str) -> Finding {
    let (pl_de, pl_en) = ctx.port_label(i, port);
    let targets: Vec<(String, String)> = ctx
        .edges_on_port(i, port)
        .filter_map(|e| ctx.w.edges.get(e))
        .map(|e| match ctx.block_index(&e.to) {
            Some(t) => (ctx.label(t), ctx.label_en(t)),
            None => (e.to.0.clone(), e.to.0.clone()),
        })
        .collect();
    let k = targets.len();
    Finding::new(
        "E_PORT_MULTIPLE",
        Element::port(ctx.id(i), port),
        format!(
            "Der Ausgang {} von {} hat {k} Verbindungen ({}); ein Ausgang führt zu genau einem Schritt.",
            de(&pl_de),
            de(&ctx.label(i)),
            targets.iter().map(|t| de(&t.0)).collect::<Vec<_>>().join(", ")
        ),
        format!(
            "The exit {} of {} has {k} connections ({}); an exit leads to exactly one step.",
            en(&pl_en),
            en(&ctx.label_en(i)),
            targets.iter().map(|t| en(&t.1)).collect::<Vec<_>>().join(", ")
        ),
    )
    .hint(
        "Löschen Sie die überzähligen Verbindungen; für Verzweigungen gibt es die Weichen.",
        "Delete the extra connections; use a router to branch.",
    )
}

fn rueckfrage_timeout(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    i: usize,
    deadline_missing: bool,
) -> bool {
    let unwired = ctx.live(i) && !ctx.port_wired(i, "timeout");
    if !deadline_missing && !unwired {
        return false;
    }
    let (what_de, what_en) = match (deadline_missing, unwired) {
        (true, true) => (
            "hat keine Antwortfrist und keinen Weg für den Fristablauf",
            "has no reply deadline and no path for when it expires",
        ),
        (true, false) => ("hat keine Antwortfrist", "has no reply deadline"),
        _ => (
            "hat keinen Weg für den Fall, dass keine Antwort kommt",
            "has no path for when no reply arrives",
        ),
    };
    let mut el = if unwired {
        Element::port(ctx.id(i), "timeout")
    } else {
        Element::block(ctx.id(i))
    };
    if deadline_missing {
        el.param = Some("replyDeadline".into());
    }
    out.push(
        Finding::new(
            "E_RUECKFRAGE_NO_TIMEOUT",
            el,
            format!("Die Rückfrage {} {what_de}.", de(&ctx.label(i))),
            format!("The query {} {what_en}.", en(&ctx.label_en(i))),
        )
        .hint(
            "Setzen Sie eine Antwortfrist (z. B. „P14D“) und verbinden Sie „Frist abgelaufen“ (z. B. Entscheidung nach Aktenlage).",
            "Set a reply deadline (e.g. “P14D”) and connect “timed out” (e.g. decide on the current file).",
        ),
    );
    unwired
}

fn payment_timeout(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    i: usize,
    deadline_missing: bool,
) -> bool {
    let unwired = ctx.live(i) && !ctx.port_wired(i, "nichtBezahlt");
    if !deadline_missing && !unwired {
        return false;
    }
    let (what_de, what_en) = match (deadline_missing, unwired) {
        (true, true) => (
            "hat keine Zahlungsfrist und keinen Weg für „nicht bezahlt“",
            "has no payment deadline and no path for “not paid”",
        ),
        (true, false) => ("hat keine Zahlungsfrist", "has no payment deadline"),
        _ => (
            "hat keinen Weg für den Fall, dass nicht bezahlt wird",
            "has no path for when nothing is paid",
        ),
    };
    let mut el = if unwired {
        Element::port(ctx.id(i), "nichtBezahlt")
    } else {
        Element::block(ctx.id(i))
    };
    if deadline_missing {
        el.param = Some("payDeadline".into());
    }
    out.push(
        Finding::new(
            "E_PAYMENT_NO_TIMEOUT",
            el,
            format!("Die Zahlung {} {what_de}.", de(&ctx.label(i))),
            format!("The payment {} {what_en}.", en(&ctx.label_en(i))),
        )
        .hint(
            "Setzen Sie eine Zahlungsfrist (z. B. „P14D“) und verbinden Sie „nicht bezahlt“ (z. B. Mahnung).",
            "Set a payment deadline (e.g. “P14D”) and connect “not paid” (e.g. a reminder).",
        ),
    );
    unwired
}

fn exempt_from_dead_end(kind: &BlockKind) -> bool {
    match kind {
        BlockKind::Ende(_) => true,
        // Ends its own token after notifying (§3 "Attached blocks").
        BlockKind::Eskalation(p) => !p.interrupting,
        // E_NO_OUTCOMES / E_THRESHOLD_NO_BANDS are the specific findings.
        BlockKind::Sachbearbeitung(p) => p.outcomes.iter().all(|o| o.trim().is_empty()),
        BlockKind::Wertgrenzen(p) => p.bands.is_empty(),
        _ => false,
    }
}

fn dead_ends(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.has_end {
        return;
    }
    for i in 0..ctx.n() {
        let Some(kind) = ctx.kind(i) else { continue };
        if !ctx.live(i) || exempt_from_dead_end(kind) || !ctx.out_edges(i).is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                "E_DEAD_END",
                Element::block(ctx.id(i)),
                format!(
                    "Nach {} geht es nicht weiter; der Fall erreicht nie ein Ende.",
                    de(&ctx.label(i))
                ),
                format!(
                    "Nothing follows {}; the case never reaches an end.",
                    en(&ctx.label_en(i))
                ),
            )
            .hint(
                "Verbinden Sie die Ausgänge mit dem nächsten Schritt oder einem Ende.",
                "Connect the exits to the next step or an end.",
            ),
        );
    }
}

fn cycles(ctx: &Ctx<'_>, out: &mut Vec<Finding>, unwired: &[bool]) {
    if !ctx.has_end {
        return;
    }
    let k = ctx.scc_count;
    let mut size = vec![0usize; k];
    let mut rep = vec![NONE; k];
    let mut spoiled = vec![false; k]; // has an Ende, an exit, or a reported unwired port
    let mut self_loop = vec![false; k];
    let mut live = vec![false; k];
    for i in 0..ctx.n() {
        let Some(&c) = ctx.scc.get(i) else { continue };
        if c >= k {
            continue;
        }
        size[c] += 1;
        if rep[c] == NONE {
            rep[c] = i;
        }
        live[c] |= ctx.live(i);
        if ctx.block_type(i) == Some(BlockType::Ende) || unwired.get(i).copied().unwrap_or(false) {
            spoiled[c] = true;
        }
        for t in ctx.fwd.exits(i) {
            if t == i {
                self_loop[c] = true;
            }
            if ctx.scc.get(t).copied() != Some(c) {
                spoiled[c] = true;
            }
        }
        // A dangling edge is its own defect; do not call the cycle exitless.
        if ctx
            .out_edges(i)
            .iter()
            .any(|&e| ctx.edge_to.get(e).copied() == Some(NONE))
        {
            spoiled[c] = true;
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for i in 0..ctx.n() {
        if let Some(&c) = ctx.scc.get(i) {
            if c < k
                && live[c]
                && !spoiled[c]
                && (size[c] > 1 || self_loop[c])
                && members[c].len() < 6
            {
                members[c].push(i);
            }
        }
    }
    for c in 0..k {
        if !live[c] || spoiled[c] || !(size[c] > 1 || self_loop[c]) {
            continue;
        }
        let names: Vec<(String, String)> = members[c]
            .iter()
            .take(5)
            .map(|&i| (ctx.label(i), ctx.label_en(i)))
            .collect();
        let more = if size[c] > 5 { ", …" } else { "" };
        out.push(
            Finding::new(
                "E_NO_EXIT_CYCLE",
                Element::block(ctx.id(rep[c])),
                format!(
                    "Die Schleife über {}{more} hat keinen Ausgang; ein Fall darin erreicht nie ein Ende.",
                    names.iter().map(|n| de(&n.0)).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "The loop through {}{more} has no way out; a case in it never reaches an end.",
                    names.iter().map(|n| en(&n.1)).collect::<Vec<_>>().join(", ")
                ),
            )
            .hint(
                "Führen Sie einen Ausgang eines Schritts der Schleife zu einem Ende oder weiteren Schritt.",
                "Lead an exit of one step of the loop to an end or a further step.",
            ),
        );
    }
}
