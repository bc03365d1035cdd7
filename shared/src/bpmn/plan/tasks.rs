//! The elements of the human-task blocks: Start, Sachbearbeitung, Vier-Augen, Mitzeichnung,
//! Schlusszeichnung.

use super::builder::{cond_exit, exit, BlockKeys, BlockMap, Builder, SHAPES};
use super::text::*;
use super::*;

impl Builder<'_> {
    /// Start, Sachbearbeitung, Vier-Augen, Mitzeichnung, Schlusszeichnung.
    pub(super) fn task_block(&mut self, keys: BlockKeys, rect: Rect, map: &mut BlockMap) {
        let BlockKeys {
            i,
            esc,
            primary_id,
            name,
            label_ref,
        } = keys;
        let h = |kind: &str| format!("Helper_{kind}_{esc}");
        let hf = |kind: &str| format!("HelperFlow_{kind}_{esc}");
        let (task, event, gw, _) = SHAPES;
        let w = self.w;
        match &w.blocks[i].kind {
            BlockKind::Start(p) => {
                let s = self.node(
                    primary_id,
                    NodeKind::StartEvent,
                    name.clone(),
                    i,
                    true,
                    role_of(&p.initiator_role),
                );
                self.nodes[s].event = match p.trigger {
                    Trigger::OnlineAntrag | Trigger::Posteingang => {
                        let what = if p.trigger == Trigger::OnlineAntrag {
                            "Online-Antrag"
                        } else {
                            "Posteingang"
                        };
                        let m = self.message(
                            &format!("Message_start_{esc}"),
                            format!("{what}: {label_ref}"),
                        );
                        Some(EventDef::Message(m))
                    }
                    Trigger::Timer => {
                        Some(EventDef::Timer(match p.timer.as_deref().map(str::trim) {
                            Some(t) if t.starts_with('R') => Timer::Cycle(t.to_string()),
                            Some(t) if !t.is_empty() => Timer::Date(t.to_string()),
                            _ => Timer::Unset,
                        }))
                    }
                    Trigger::Intern => None,
                };
                if let Some(f) = &p.form_ref {
                    self.nodes[s].readable.push(Readable {
                        name: "form",
                        attrs: vec![("ref", xml_safe(f))],
                    });
                }
                map.entry = s;
                if p.eingangsbestaetigung {
                    let r = self.node(
                        h("receipt"),
                        NodeKind::SendTask,
                        "Eingangsbestätigung senden".into(),
                        i,
                        false,
                        None,
                    );
                    self.helper_flow(hf("receipt"), s, r);
                    self.place(rect, &[(vec![s], vec![event]), (vec![r], vec![task])]);
                    map.exits.push(exit("next", r));
                    map.fallback = r;
                } else {
                    self.place(rect, &[(vec![s], vec![event])]);
                    map.exits.push(exit("next", s));
                    map.fallback = s;
                }
            }
            BlockKind::Sachbearbeitung(p) => {
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.assignee),
                );
                self.nodes[t]
                    .owners
                    .extend(p.assignee.iter().map(owner_expr));
                if let Some(d) = &p.due_in {
                    self.nodes[t].readable.push(Readable {
                        name: "dueDate",
                        attrs: vec![("duration", xml_safe(&d.0))],
                    });
                }
                map.entry = t;
                if p.outcomes.len() >= 2 {
                    let g = self.node(
                        h("outcome"),
                        NodeKind::ExclusiveGateway,
                        "Ergebnis?".into(),
                        i,
                        false,
                        role_of(&p.assignee),
                    );
                    self.helper_flow(hf("outcome"), t, g);
                    for o in &p.outcomes {
                        map.exits.push(cond_exit(o, g, outcome_condition(o)));
                    }
                    self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                    map.fallback = g;
                } else {
                    for o in &p.outcomes {
                        map.exits.push(exit(o, t));
                    }
                    self.place(rect, &[(vec![t], vec![task])]);
                    map.fallback = t;
                }
            }
            BlockKind::VierAugen(p) => {
                let mut cols = Vec::new();
                let first = if p.first_check_block.is_none() && p.first_check.is_some() {
                    let f = self.node(
                        h("first"),
                        NodeKind::UserTask,
                        "Erstprüfung".into(),
                        i,
                        false,
                        role_of(&p.first_check),
                    );
                    self.nodes[f]
                        .owners
                        .extend(p.first_check.iter().map(owner_expr));
                    cols.push((vec![f], vec![task]));
                    Some(f)
                } else {
                    None
                };
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.second_check),
                );
                self.nodes[t]
                    .owners
                    .extend(p.second_check.iter().map(owner_expr));
                let mut distinct: Vec<String> =
                    p.distinct_from.iter().map(|d| xml_safe(&d.0)).collect();
                if let Some(fb) = &p.first_check_block {
                    distinct.insert(0, xml_safe(&fb.0));
                }
                if p.exclude_initiator {
                    distinct.push("initiator".into());
                }
                self.nodes[t].readable.push(Readable {
                    name: "separationOfDuties",
                    attrs: vec![("distinctFrom", distinct.join(" "))],
                });
                if let Some(f) = first {
                    self.helper_flow(hf("first"), f, t);
                }
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    role_of(&p.second_check),
                );
                self.helper_flow(hf("outcome"), t, g);
                cols.push((vec![t], vec![task]));
                cols.push((vec![g], vec![gw]));
                self.place(rect, &cols);
                map.entry = first.unwrap_or(t);
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("reject", g, outcome_condition("reject")));
                map.fallback = g;
            }
            BlockKind::Mitzeichnung(p) => {
                let lane = p.participants.iter().find_map(|x| role_of(&x.assignee));
                let t = self.node(primary_id, NodeKind::UserTask, name, i, true, lane.clone());
                self.nodes[t].owners.extend(
                    p.participants
                        .iter()
                        .filter_map(|x| x.assignee.as_ref())
                        .map(owner_expr),
                );
                self.nodes[t].multi = Some(MultiInstance {
                    sequential: p.mode == MitzeichnungMode::Sequential,
                    cardinality: p.participants.len(),
                    completion: match p.decision_rule {
                        DecisionRule::AllApprove => "vetos > 0".into(),
                        DecisionRule::Quorum { n } => format!("approvals >= {n}"),
                    },
                });
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    lane,
                );
                self.helper_flow(hf("outcome"), t, g);
                self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                map.entry = t;
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("veto", g, outcome_condition("veto")));
                map.fallback = g;
            }
            BlockKind::Schlusszeichnung(p) => {
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.signer),
                );
                self.nodes[t].owners.extend(p.signer.iter().map(owner_expr));
                self.nodes[t].readable.push(Readable {
                    name: "signature",
                    attrs: vec![
                        ("level", p.signature_level.tag().into()),
                        ("zusatz", p.zeichnungszusatz.tag().into()),
                    ],
                });
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    role_of(&p.signer),
                );
                self.helper_flow(hf("outcome"), t, g);
                self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                map.entry = t;
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("reject", g, outcome_condition("reject")));
                map.fallback = g;
            }
            // Built by the other groups (see `Builder::block`).
            _ => {}
        }
    }
}
