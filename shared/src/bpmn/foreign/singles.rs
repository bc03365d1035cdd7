//! One BPMN element, one block; splits that no block can represent are kept unconnected.

use super::router::router;
use super::*;

pub(super) fn singles(cx: &mut Ctx) {
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].fate != Fate::Undecided {
            continue;
        }
        let el = cx.nodes[n].el;
        let kind = cx.nodes[n].kind;
        match kind {
            "startEvent" => {
                let (trigger, timer) = if cx.has_def(n, "messageEventDefinition") {
                    (Trigger::OnlineAntrag, None)
                } else if let Some((_, t)) = cx.timer(n) {
                    (Trigger::Timer, Some(t))
                } else {
                    if let Some(def) = cx.event_def(n) {
                        cx.note(
                            def,
                            format!(
                                "Startereignis-Typ „{}“ wird als interner Start übernommen.",
                                def.local()
                            ),
                            format!(
                                "Start event type “{}” is imported as an internal start.",
                                def.local()
                            ),
                        );
                    }
                    (Trigger::Intern, None)
                };
                let form_ref = el.attr_ns(CAMUNDA_NS, "formKey").map(str::to_string);
                let label = cx.label(n, "Start");
                let ports = cx.first_out(n);
                cx.add(
                    n,
                    label,
                    BlockKind::Start(StartParams {
                        trigger,
                        form_ref,
                        initiator_role: None,
                        timer,
                        eingangsbestaetigung: false,
                    }),
                    ports,
                    &[],
                );
            }
            "endEvent" => {
                let terminate = cx.has_def(n, "terminateEventDefinition");
                if let Some(def) = cx
                    .event_def(n)
                    .filter(|d| d.local() != "terminateEventDefinition")
                {
                    cx.note(
                        def,
                        format!(
                            "Endereignis-Typ „{}“ wird als einfaches Ende übernommen.",
                            def.local()
                        ),
                        format!(
                            "End event type “{}” is imported as a plain end.",
                            def.local()
                        ),
                    );
                }
                let label = cx.label(n, "Ende");
                cx.add(
                    n,
                    label,
                    BlockKind::Ende(EndeParams {
                        result: EndResult::Erledigt,
                        terminate,
                    }),
                    Vec::new(),
                    &[],
                );
            }
            "userTask" | "task" | "manualTask" | "serviceTask" | "scriptTask"
            | "businessRuleTask" | "callActivity" | "subProcess" | "adHocSubProcess"
            | "transaction" => {
                if !is_task(kind) {
                    let inner = el
                        .children()
                        .filter(|c| c.ns() == BPMN_NS && is_flow_node(c.local()))
                        .count();
                    let (de, en) = if inner > 0 {
                        (
                            format!("„{kind}“ als Sachbearbeitung übernommen; seine {inner} inneren Elemente werden nicht übernommen."),
                            format!("“{kind}” imported as case work; its {inner} inner elements are not imported."),
                        )
                    } else {
                        (
                            format!("„{kind}“ als Sachbearbeitung übernommen (bitte prüfen)."),
                            format!("“{kind}” imported as case work (please check)."),
                        )
                    };
                    cx.note(el, de, en);
                }
                let assignee = cx.assignee(n);
                let multi = el.child(BPMN_NS, "multiInstanceLoopCharacteristics");
                let label = cx.label(n, "Sachbearbeitung");
                if let (Some(mi), true) = (multi, is_task(kind)) {
                    let mode = if mi.attr("isSequential") == Some("true") {
                        MitzeichnungMode::Sequential
                    } else {
                        MitzeichnungMode::Parallel
                    };
                    let ports = cx.nodes[n]
                        .outgoing
                        .first()
                        .map(|f| vec![("ok".to_string(), *f)])
                        .unwrap_or_default();
                    let participants = vec![Participant {
                        assignee,
                        label: label.clone(),
                        mandatory: true,
                    }];
                    cx.add(
                        n,
                        label,
                        BlockKind::Mitzeichnung(MitzeichnungParams {
                            participants,
                            mode,
                            ..MitzeichnungParams::default()
                        }),
                        ports,
                        &[],
                    );
                    continue;
                }
                let outs = cx.nodes[n].outgoing.clone();
                let mut taken = Unique::default();
                let mut ports = Vec::new();
                for (k, f) in outs.iter().enumerate() {
                    let port = if k == 0 {
                        taken.take("ok".into())
                    } else {
                        taken.take(slug(cx.flows[*f].name))
                    };
                    ports.push((port, *f));
                }
                if outs.len() > 1 {
                    cx.note(el, "Aktivität mit mehreren ausgehenden Flüssen: jeder Fluss wird ein Ergebnis der Sachbearbeitung.", "Activity with several outgoing flows: each flow becomes an outcome of the case work.");
                }
                let outcomes = if ports.is_empty() {
                    vec!["ok".to_string()]
                } else {
                    ports.iter().map(|(p, _)| p.clone()).collect()
                };
                let form_ref = el.attr_ns(CAMUNDA_NS, "formKey").map(str::to_string);
                let instructions = cx.documentation(n);
                let params = SachbearbeitungParams {
                    assignee,
                    instructions,
                    outcomes,
                    due_in: None,
                    form_ref,
                };
                cx.add(n, label, BlockKind::Sachbearbeitung(params), ports, &[]);
            }
            "sendTask" | "intermediateThrowEvent" => {
                if kind == "intermediateThrowEvent" && !cx.has_def(n, "messageEventDefinition") {
                    let what = cx.event_def(n).map_or_else(
                        || "ohne Ereignisdefinition".to_string(),
                        |d| d.local().to_string(),
                    );
                    cx.note(
                        el,
                        format!("Zwischenereignis ({what}) wird übergangen."),
                        format!("Intermediate event ({what}) is skipped."),
                    );
                    cx.nodes[n].fate = Fate::Pass;
                    continue;
                }
                let label = cx.label(n, "Benachrichtigung");
                let ports = cx.first_out(n);
                let template = cx.documentation(n);
                cx.add(
                    n,
                    label,
                    BlockKind::Benachrichtigung(BenachrichtigungParams {
                        template,
                        ..BenachrichtigungParams::default()
                    }),
                    ports,
                    &[],
                );
            }
            "receiveTask" => {
                cx.note(el, "Empfangsaufgabe ohne Zeitgrenze als Rückfrage übernommen; der Ausgang „timeout“ bleibt offen.", "Receive task without a deadline imported as Rückfrage; the “timeout” exit stays unconnected.");
                let label = cx.label(n, "Rückfrage");
                let ports = cx.nodes[n]
                    .outgoing
                    .first()
                    .map(|f| vec![("reply".to_string(), *f)])
                    .unwrap_or_default();
                cx.add(
                    n,
                    label,
                    BlockKind::Rueckfrage(RueckfrageParams::default()),
                    ports,
                    &[],
                );
            }
            "intermediateCatchEvent" => {
                if let Some((tk, t)) = cx.timer(n) {
                    let params = match tk {
                        "timeDuration" => FristParams {
                            kind: FristKind::Warten,
                            duration: Some(Duration::new(t)),
                            ..FristParams::default()
                        },
                        "timeDate" if crate::expr::is_identifier(&t) => FristParams {
                            kind: FristKind::WiedervorlageAm,
                            date_field: Some(t),
                            ..FristParams::default()
                        },
                        _ => {
                            cx.note(el, format!("Zeitangabe „{t}“ ({tk}) passt nicht zur Frist; bitte Dauer eintragen."), format!("Timer “{t}” ({tk}) does not fit the Frist block; please enter a duration."));
                            FristParams::default()
                        }
                    };
                    let label = cx.label(n, "Frist");
                    let ports = cx.first_out(n);
                    cx.add(n, label, BlockKind::Frist(params), ports, &[]);
                } else if cx.has_def(n, "messageEventDefinition") {
                    cx.note(el, "Nachrichten-Zwischenereignis als Rückfrage übernommen; der Ausgang „timeout“ bleibt offen.", "Message catch event imported as Rückfrage; the “timeout” exit stays unconnected.");
                    let label = cx.label(n, "Rückfrage");
                    let ports = cx.nodes[n]
                        .outgoing
                        .first()
                        .map(|f| vec![("reply".to_string(), *f)])
                        .unwrap_or_default();
                    cx.add(
                        n,
                        label,
                        BlockKind::Rueckfrage(RueckfrageParams::default()),
                        ports,
                        &[],
                    );
                } else {
                    let what = cx.event_def(n).map_or_else(
                        || "ohne Ereignisdefinition".to_string(),
                        |d| d.local().to_string(),
                    );
                    cx.note(
                        el,
                        format!("Zwischenereignis ({what}) wird übergangen."),
                        format!("Intermediate event ({what}) is skipped."),
                    );
                    cx.nodes[n].fate = Fate::Pass;
                }
            }
            "exclusiveGateway" | "inclusiveGateway" | "complexGateway" => {
                if kind != "exclusiveGateway" {
                    cx.note(el, format!("„{kind}“ wird wie ein exklusives Gateway behandelt (nur der erste zutreffende Weg)."), format!("“{kind}” is treated like an exclusive gateway (only the first matching path)."));
                }
                if cx.nodes[n].outgoing.len() <= 1 {
                    cx.nodes[n].fate = Fate::Pass;
                    if let Some(f) = cx.nodes[n].outgoing.first() {
                        cx.used.insert(*f);
                    }
                    continue;
                }
                router(cx, n);
            }
            "parallelGateway" | "eventBasedGateway" => {
                let outs = cx.nodes[n].outgoing.clone();
                if outs.len() > 1 {
                    unmappable_split(cx, n);
                    continue;
                } else if kind == "parallelGateway" && cx.nodes[n].incoming.len() > 1 {
                    cx.note(
                        el,
                        "Parallele Zusammenführung wird als einfache Zusammenführung übernommen.",
                        "Parallel join is imported as a simple merge.",
                    );
                }
                cx.nodes[n].fate = Fate::Pass;
                if let Some(f) = outs.first() {
                    cx.used.insert(*f);
                }
            }
            _ => {}
        }
    }
}

/// A split that no block can represent. Following only one of its paths would route
/// differently from the original, so none is followed: flows into the split lead nowhere (the
/// exit in front stays open), and the elements of its branches are kept unconnected, each named
/// in a note. Validation then reports the workflow as incomplete.
pub(super) fn unmappable_split(cx: &mut Ctx, g: usize) {
    cx.nodes[g].fate = Fate::Dropped;
    let parallel = cx.nodes[g].kind == "parallelGateway";
    // The branches: up to the join of a parallel split, only the first element otherwise.
    let mut region = Vec::new();
    let mut queue: Vec<usize> = cx.nodes[g]
        .outgoing
        .iter()
        .map(|f| cx.flows[*f].target)
        .collect();
    let mut seen: HashSet<usize> = HashSet::from([g]);
    while let Some(k) = queue.pop() {
        if !seen.insert(k) {
            continue;
        }
        region.push(k);
        let node = &cx.nodes[k];
        let join = node.kind == "parallelGateway" && node.incoming.len() > 1;
        if parallel && !join {
            queue.extend(node.outgoing.iter().map(|f| cx.flows[*f].target));
            queue.extend(node.boundaries.iter().copied());
        }
    }
    region.sort_by_key(|k| cx.nodes[*k].el.line());
    let gname = cx.label(g, cx.nodes[g].id);
    let ids: Vec<&str> = region.iter().map(|k| cx.nodes[*k].id).collect();
    let el = cx.nodes[g].el;
    let (what_de, what_en) = if parallel {
        ("parallele", "parallel")
    } else {
        ("ereignisbasierte", "event-based")
    };
    cx.note(
        el,
        format!("Die {what_de} Verzweigung kann nicht abgebildet werden (z. B. weil ein Zweig ein unterbrechendes Randereignis hat). Damit der Ablauf nicht anders läuft als das Original, wird sie nicht verbunden; die Elemente ihrer Zweige bleiben unverbunden erhalten: {}", ids.join(", ")),
        format!("The {what_en} split cannot be mapped (e.g. because a branch has an interrupting boundary event). So that the workflow does not route differently from the original, it is not connected; the elements of its branches are kept unconnected: {}", ids.join(", ")),
    );
    for k in region {
        let el = cx.nodes[k].el;
        cx.note(
            el,
            format!("Liegt in einem Zweig der nicht abbildbaren {what_de}n Verzweigung „{gname}“ und bleibt unverbunden."),
            format!("Lies on a branch of the {what_en} split “{gname}” that cannot be mapped, and stays unconnected."),
        );
    }
}
