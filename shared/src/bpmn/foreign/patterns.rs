//! Mappings over several BPMN elements: parallel co-signing, Rückfrage (event-based gateway or
//! receive task with timer), and boundary timers as Eskalation blocks.

use super::*;

/// Multi-element patterns: parallel co-signing, Rückfrage with event-based gateway or with a
/// receive task and a timer.
pub(super) fn patterns(cx: &mut Ctx) {
    for g in 0..cx.nodes.len() {
        if cx.nodes[g].fate != Fate::Undecided {
            continue;
        }
        match cx.nodes[g].kind {
            "parallelGateway" => mitzeichnung_pattern(cx, g),
            "eventBasedGateway" => rueckfrage_event_pattern(cx, g),
            "receiveTask" => rueckfrage_receive_pattern(cx, g),
            _ => {}
        }
    }
    for b in 0..cx.nodes.len() {
        if cx.nodes[b].fate == Fate::Undecided
            && cx.nodes[b].kind == "boundaryEvent"
            && cx.nodes[b].el.attr("cancelActivity") == Some("false")
        {
            reserve_notify_path(cx, b);
        }
    }
}

/// After a non-interrupting timer: "notify → end" or just "end" belongs to the Eskalation.
pub(super) fn reserve_notify_path(cx: &mut Ctx, b: usize) {
    if cx.timer(b).is_none() {
        return;
    }
    let [f] = cx.nodes[b].outgoing.as_slice() else {
        return;
    };
    let x = cx.flows[*f].target;
    let free = |cx: &Ctx, k: usize| {
        cx.nodes[k].incoming.len() == 1
            && cx.nodes[k].fate == Fate::Undecided
            && cx.nodes[k].boundaries.is_empty()
    };
    if cx.nodes[x].kind == "endEvent" && free(cx, x) {
        cx.nodes[x].fate = Fate::Reserved(b);
    } else if matches!(
        cx.nodes[x].kind,
        "sendTask" | "task" | "userTask" | "serviceTask"
    ) && free(cx, x)
    {
        if let [g] = cx.nodes[x].outgoing.as_slice() {
            let y = cx.flows[*g].target;
            if cx.nodes[y].kind == "endEvent" && free(cx, y) {
                cx.nodes[x].fate = Fate::Reserved(b);
                cx.nodes[y].fate = Fate::Reserved(b);
            }
        }
    }
}

pub(super) fn mitzeichnung_pattern(cx: &mut Ctx, g: usize) {
    let outs = cx.nodes[g].outgoing.clone();
    if outs.len() < 2 {
        return;
    }
    let mut tasks = Vec::new();
    let mut join = None;
    for f in &outs {
        let t = cx.flows[*f].target;
        let n = &cx.nodes[t];
        // A reminder (non-interrupting timer) on a branch keeps the routing: it becomes an
        // Eskalation on the Mitzeichnung. Anything that can take a branch away cannot be mapped.
        let reminders_only = n.boundaries.iter().all(|b| {
            cx.nodes[*b].el.attr("cancelActivity") == Some("false") && cx.timer(*b).is_some()
        });
        if !is_task(n.kind)
            || n.incoming.len() != 1
            || n.outgoing.len() != 1
            || !reminders_only
            || n.fate != Fate::Undecided
        {
            return;
        }
        let j = cx.flows[n.outgoing[0]].target;
        if cx.nodes[j].kind != "parallelGateway" || join.is_some_and(|x| x != j) {
            return;
        }
        join = Some(j);
        tasks.push(t);
    }
    let Some(j) = join else { return };
    if cx.nodes[j].incoming.len() != tasks.len() || cx.nodes[j].outgoing.len() > 1 {
        return;
    }
    let participants: Vec<Participant> = tasks
        .iter()
        .map(|t| Participant {
            assignee: cx.assignee(*t),
            label: cx.label(*t, "Beteiligung"),
            mandatory: true,
        })
        .collect();
    let ports: Vec<(String, usize)> = cx.nodes[j]
        .outgoing
        .first()
        .map(|f| vec![("ok".to_string(), *f)])
        .unwrap_or_default();
    let label = if !cx.nodes[g].name.is_empty() {
        cx.nodes[g].name.to_string()
    } else {
        cx.label(j, "Mitzeichnung")
    };
    let mut members = tasks.clone();
    members.push(j);
    let internal: Vec<usize> = outs
        .iter()
        .copied()
        .chain(tasks.iter().map(|t| cx.nodes[*t].outgoing[0]))
        .collect();
    let kind = BlockKind::Mitzeichnung(MitzeichnungParams {
        participants,
        mode: MitzeichnungMode::Parallel,
        ..MitzeichnungParams::default()
    });
    cx.add(g, label, kind, ports, &members);
    cx.used.extend(internal);
    let el = cx.nodes[g].el;
    cx.note(
        el,
        "Parallele Verzweigung als Mitzeichnung (PARALLEL) übernommen; der Ausgang „veto“ hat im BPMN-Modell keine Entsprechung und bleibt offen.",
        "Parallel split imported as co-signing (PARALLEL); the “veto” exit has no counterpart in the BPMN model and stays unconnected.",
    );
}

/// A send task directly in front of `n` that can be merged into the Rückfrage.
pub(super) fn sender_before(cx: &Ctx, n: usize) -> Option<usize> {
    let [f] = cx.nodes[n].incoming.as_slice() else {
        return None;
    };
    let s = cx.flows[*f].source;
    let sn = &cx.nodes[s];
    let sends = sn.kind == "sendTask"
        || (sn.kind == "intermediateThrowEvent"
            && sn.el.child(BPMN_NS, "messageEventDefinition").is_some());
    (sends && sn.outgoing.len() == 1 && sn.boundaries.is_empty() && sn.fate == Fate::Undecided)
        .then_some(s)
}

pub(super) fn rueckfrage_event_pattern(cx: &mut Ctx, g: usize) {
    let outs = cx.nodes[g].outgoing.clone();
    if outs.len() != 2 {
        return;
    }
    let (mut reply, mut timeout) = (None, None);
    for f in &outs {
        let t = cx.flows[*f].target;
        if cx.nodes[t].incoming.len() != 1 || cx.nodes[t].fate != Fate::Undecided {
            return;
        }
        let catch = cx.nodes[t].kind == "intermediateCatchEvent";
        if (catch && cx.has_def(t, "messageEventDefinition"))
            || (cx.nodes[t].kind == "receiveTask" && cx.nodes[t].boundaries.is_empty())
        {
            reply = Some(t);
        } else if catch && cx.has_def(t, "timerEventDefinition") {
            timeout = Some(t);
        }
    }
    let (Some(r), Some(t)) = (reply, timeout) else {
        return;
    };
    let sender = sender_before(cx, g);
    let anchor = sender.unwrap_or(g);
    let mut members = vec![r, t];
    if sender.is_some() {
        members.push(g);
    }
    let deadline = cx
        .timer(t)
        .filter(|(k, _)| *k == "timeDuration")
        .map(|(_, d)| Duration::new(d));
    let mut ports = Vec::new();
    if let Some(f) = cx.nodes[r].outgoing.first() {
        ports.push(("reply".to_string(), *f));
    }
    if let Some(f) = cx.nodes[t].outgoing.first() {
        ports.push(("timeout".to_string(), *f));
    }
    let label = cx.label(anchor, "Rückfrage");
    let template = sender.map(|s| cx.documentation(s)).unwrap_or_default();
    let kind = BlockKind::Rueckfrage(RueckfrageParams {
        template,
        reply_deadline: deadline,
        ..RueckfrageParams::default()
    });
    let mut internal = outs;
    if let Some(s) = sender {
        internal.extend(cx.nodes[s].outgoing.iter().copied());
    }
    cx.add(anchor, label, kind, ports, &members);
    cx.used.extend(internal);
}

pub(super) fn rueckfrage_receive_pattern(cx: &mut Ctx, r: usize) {
    let timers: Vec<usize> = cx.nodes[r]
        .boundaries
        .iter()
        .copied()
        .filter(|b| {
            cx.nodes[*b]
                .el
                .child(BPMN_NS, "timerEventDefinition")
                .is_some()
        })
        .collect();
    let interrupting = timers
        .iter()
        .copied()
        .find(|b| cx.nodes[*b].el.attr("cancelActivity") != Some("false"));
    let Some(t) = interrupting else { return };
    let sender = sender_before(cx, r);
    let anchor = sender.unwrap_or(r);
    let reminder = timers
        .iter()
        .copied()
        .find(|b| cx.nodes[*b].el.attr("cancelActivity") == Some("false"));
    let mut members = vec![t];
    if sender.is_some() {
        members.push(r);
    }
    if let Some(m) = reminder {
        members.push(m);
        if !cx.nodes[m].outgoing.is_empty() {
            let el = cx.nodes[m].el;
            cx.note(el, "Der Pfad nach der Erinnerung wird nicht übernommen (die Rückfrage erinnert selbst).", "The path after the reminder is not imported (the Rückfrage block reminds by itself).");
        }
    }
    let duration = |b: usize| {
        cx.timer(b)
            .filter(|(k, _)| *k == "timeDuration")
            .map(|(_, d)| Duration::new(d))
    };
    let mut ports = Vec::new();
    if let Some(f) = cx.nodes[r].outgoing.first() {
        ports.push(("reply".to_string(), *f));
    }
    if let Some(f) = cx.nodes[t].outgoing.first() {
        ports.push(("timeout".to_string(), *f));
    }
    let label = cx.label(anchor, "Rückfrage");
    let template = sender.map(|s| cx.documentation(s)).unwrap_or_default();
    let kind = BlockKind::Rueckfrage(RueckfrageParams {
        template,
        reply_deadline: duration(t),
        reminder_after: reminder.and_then(duration),
        ..RueckfrageParams::default()
    });
    let internal: Vec<usize> = sender
        .map(|s| cx.nodes[s].outgoing.clone())
        .unwrap_or_default();
    cx.add(anchor, label, kind, ports, &members);
    cx.used.extend(internal);
}

/// Boundary events: timers become Eskalation blocks on their host's block.
pub(super) fn eskalations(cx: &mut Ctx) {
    let mut reserved_for: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, node) in cx.nodes.iter().enumerate() {
        if let Fate::Reserved(b) = node.fate {
            reserved_for.entry(b).or_default().push(k);
        }
    }
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].fate != Fate::Undecided || cx.nodes[n].kind != "boundaryEvent" {
            continue;
        }
        let el = cx.nodes[n].el;
        let host_block = cx.nodes[n].host.and_then(|h| match cx.nodes[h].fate {
            Fate::Block(b) => Some(b),
            // A reminder on one branch of a parallel co-signing (see `mitzeichnung_pattern`).
            Fate::Absorbed(b) if matches!(cx.drafts[b].kind, BlockKind::Mitzeichnung(_)) => {
                cx.note(
                    el,
                    format!("Die Erinnerung an „{}“ wird eine Eskalation der ganzen Mitzeichnung: sie wird auch ausgelöst, wenn nur noch andere Beteiligte offen sind.", cx.nodes[h].name),
                    format!("The reminder on “{}” becomes an Eskalation of the whole co-signing: it also fires when only other participants are still open.", cx.nodes[h].name),
                );
                Some(b)
            }
            _ => None,
        });
        let timer = cx.timer(n);
        let (Some(hb), Some((tk, t))) = (host_block, timer) else {
            for k in reserved_for.get(&n).cloned().unwrap_or_default() {
                cx.nodes[k].fate = Fate::Dropped;
                let kel = cx.nodes[k].el;
                cx.note(
                    kel,
                    "Element nach einem nicht übernommenen Randereignis wird nicht übernommen.",
                    "Element after a boundary event that is not imported is not imported.",
                );
            }
            let what = cx.event_def(n).map_or_else(
                || "ohne Ereignisdefinition".to_string(),
                |d| d.local().to_string(),
            );
            cx.note(
                el,
                format!(
                    "Randereignis ({what}) wird nicht übernommen; sein Pfad bleibt unverbunden."
                ),
                format!("Boundary event ({what}) is not imported; its path stays unconnected."),
            );
            cx.nodes[n].fate = Fate::Dropped;
            continue;
        };
        if tk != "timeDuration" {
            cx.note(el, format!("Zeitangabe „{t}“ ({tk}) passt nicht zur Eskalation; bitte Dauer eintragen."), format!("Timer “{t}” ({tk}) does not fit the Eskalation block; please enter a duration."));
        }
        let interrupting = el.attr("cancelActivity") != Some("false");
        let mut members = Vec::new();
        let mut ports = Vec::new();
        let mut escalate_to = None;
        if interrupting {
            ports = cx.nodes[n]
                .outgoing
                .first()
                .map(|f| vec![("escalated".to_string(), *f)])
                .unwrap_or_default();
        } else {
            let reserved: Vec<usize> = reserved_for.get(&n).cloned().unwrap_or_default();
            if let Some(x) = reserved
                .iter()
                .copied()
                .find(|k| cx.nodes[*k].kind != "endEvent")
            {
                escalate_to = cx.assignee(x);
            }
            for k in &reserved {
                cx.used.extend(cx.nodes[*k].incoming.iter().copied());
            }
            members = reserved;
            if members.is_empty() && !cx.nodes[n].outgoing.is_empty() {
                cx.note(
                    el,
                    "Der Pfad nach dem nicht unterbrechenden Zeitereignis wird nicht übernommen.",
                    "The path after the non-interrupting timer is not imported.",
                );
            }
        }
        let after = (tk == "timeDuration").then(|| Duration::new(t));
        let label = cx.label(n, "Eskalation");
        let attached_to = Some(BlockId::new(cx.drafts[hb].id.clone()));
        let kind = BlockKind::Eskalation(EskalationParams {
            attached_to,
            after,
            interrupting,
            escalate_to,
        });
        cx.add(n, label, kind, ports, &members);
    }
}
