//! One open task of the Vorgang: what it is, who holds it, the deadline, what the person rules
//! say before anyone clicks (Vier-Augen, Mitzeichnung, Schlusszeichnung, Eskalation), its exits
//! as buttons — and for a Rückfrage the form the clerk writes it in.

use std::collections::HashSet;

use fachwerk_shared::api::Task;
use fachwerk_shared::engine::{TaskKind, TimerKind};
use fachwerk_shared::simulate::RefusedCode;
use leptos::prelude::*;

use super::korb::{date_text, due_in, due_text};
use super::scene::exit_label;
use super::vorgang::{Act, Loaded};
use crate::i18n::{Lang, T};

const ROLE: T = T("Rolle", "Role");
const CLAIMED_BY: T = T("Übernommen von", "Claimed by");
const DUE: T = T("Frist", "Deadline");
const CLAIM: T = T("Übernehmen", "Claim");
const RELEASE: T = T("Zurückgeben", "Release");

/// The name of the person with the engine's id `person`, as the history names them: the
/// performer of a step the case passed (a "completed" entry of the same block) or the person
/// who started the case.
fn name_of(l: &Loaded, person: &str) -> Option<String> {
    let s = l.state.as_ref()?;
    let named = |kind: &str, block: Option<&str>| {
        l.case
            .audit
            .iter()
            .rev()
            .find(|e| {
                e.kind == kind
                    && block
                        .is_none_or(|b| e.detail.get("block").and_then(|x| x.as_str()) == Some(b))
            })
            .and_then(|e| e.person.clone())
    };
    if let Some(step) = s
        .route
        .iter()
        .rev()
        .find(|r| r.person.as_deref() == Some(person))
    {
        return named("completed", Some(step.block.0.as_str()));
    }
    (s.initiator == person)
        .then(|| named("started", None))
        .flatten()
}

/// One open task: what it is, who holds it, the deadline, what the person rules say, and its
/// exits as buttons.
pub(super) fn task_view(
    l: &Loaded,
    task: Task,
    lang: Lang,
    my_tasks: &HashSet<String>,
    sending: RwSignal<bool>,
    run: impl Fn(Task, Act) + Copy + Send + Sync + 'static,
    reload: Callback<()>,
) -> impl IntoView {
    let de = lang == Lang::De;
    let w = l.workflow.as_ref();
    let role = task.role.as_ref().map(|r| {
        w.and_then(|w| w.roles.iter().find(|x| x.id.0 == *r))
            .map_or_else(|| r.clone(), |x| x.name.clone())
    });
    let engine_task = l.state.as_ref().and_then(|s| {
        s.tasks
            .iter()
            .find(|t| {
                t.block.0 == task.block
                    && t.label == task.label
                    && t.role.as_ref().map(|r| r.0.clone()) == task.role
            })
            .cloned()
    });
    let due = task.due.as_deref().map(|d| {
        let land = l.state.as_ref().map(|s| s.land).unwrap_or_default();
        let text = fachwerk_shared::values::Date::parse(d)
            .zip(super::list::today())
            .map(|(due, today)| due_text(due_in(due, today, land), lang))
            .unwrap_or_default();
        format!("{} ({text})", date_text(d, lang))
    });
    let mut hints: Vec<String> = Vec::new();
    let done_here = |block: &str| -> Vec<(String, String)> {
        l.case
            .audit
            .iter()
            .filter(|e| {
                e.kind == "completed"
                    && e.detail.get("block").and_then(|b| b.as_str()) == Some(block)
            })
            .map(|e| {
                (
                    e.person
                        .clone()
                        .or_else(|| e.account.clone())
                        .unwrap_or_default(),
                    e.detail
                        .get("exit")
                        .and_then(|x| x.as_str())
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect()
    };
    if let Some(et) = &engine_task {
        // The Eskalation watching the task, while pending.
        for timer in l.state.iter().flat_map(|s| s.timers.iter()).filter(|x| {
            x.kind == TimerKind::Eskalation && x.task.as_deref() == Some(et.id.as_str())
        }) {
            let when = date_text(&timer.due.to_string(), lang);
            hints.push(if de {
                format!("Eskalation am {when}, wenn die Aufgabe bis dahin offen ist.")
            } else {
                format!("Escalation on {when} if the task is still open then.")
            });
        }
        match et.kind {
            TaskKind::SecondCheck => {
                for r in et
                    .excluded
                    .iter()
                    .filter(|r| r.code == RefusedCode::SameAsFirstCheck)
                {
                    let who = name_of(l, &r.person).unwrap_or_else(|| {
                        if de {
                            "eine andere Person"
                        } else {
                            "another person"
                        }
                        .to_string()
                    });
                    hints.push(if de {
                        format!("Vier-Augen-Prinzip: zuerst geprüft hat {who}. Wer zuerst geprüft hat, darf nicht auch freigeben.")
                    } else {
                        format!("Four eyes: {who} checked first. Whoever checked first may not also approve.")
                    });
                }
            }
            TaskKind::CoSign => {
                let signed: Vec<String> = done_here(&task.block)
                    .into_iter()
                    .map(|(p, exit)| {
                        format!(
                            "{p} ({})",
                            w.map_or(exit.clone(), |w| exit_label(w, &task.block, &exit, lang))
                        )
                    })
                    .collect();
                let due: HashSet<String> = l
                    .state
                    .iter()
                    .flat_map(|s| s.tasks.iter())
                    .filter(|t| t.block.0 == task.block && t.kind == TaskKind::CoSign)
                    .map(|t| {
                        t.role
                            .as_ref()
                            .and_then(|r| {
                                w.and_then(|w| w.roles.iter().find(|x| x.id == *r))
                                    .map(|x| x.name.clone())
                            })
                            .unwrap_or_else(|| t.label.clone())
                    })
                    .collect();
                let mut due: Vec<String> = due.into_iter().collect();
                due.sort();
                let none = if de { "noch niemand" } else { "nobody yet" };
                hints.push(if de {
                    format!(
                        "Mitzeichnung — gezeichnet: {}; noch fällig: {}.",
                        if signed.is_empty() {
                            none.to_string()
                        } else {
                            signed.join(", ")
                        },
                        due.join(", ")
                    )
                } else {
                    format!(
                        "Co-signing — signed: {}; still due: {}.",
                        if signed.is_empty() {
                            none.to_string()
                        } else {
                            signed.join(", ")
                        },
                        due.join(", ")
                    )
                });
            }
            TaskKind::Sign => {
                if let Some(min) = et.min_signing_limit {
                    hints.push(if de {
                        format!("Schlusszeichnung: nur wer eine Zeichnungsbefugnis von mindestens {} hat, darf zeichnen.", min.to_german())
                    } else {
                        format!("Final signature: only someone with a signing limit of at least {} may sign.", min.to_english())
                    });
                }
            }
            _ => {}
        }
    }
    // A Rückfrage: the form the clerk writes it in (or what went out).
    let compose = engine_task
        .as_ref()
        .filter(|et| et.kind == TaskKind::Query)
        .map(|et| {
            view! {
                <super::query::QueryCompose case_id=task.case_id.clone() task=et.id.clone()
                    latest=task.due.clone() reload=reload />
            }
        });
    let mine = task.claimed_by.is_some() && my_tasks.contains(&task.id);
    let hint_items = hints
        .into_iter()
        .map(|h| view! { <p class="srv-hint case-rule">{h}</p> })
        .collect::<Vec<_>>();
    let exits = task
        .exits
        .iter()
        .map(|exit| {
            let label = w.map_or_else(|| exit.clone(), |w| exit_label(w, &task.block, exit, lang));
            let (t2, e2) = (task.clone(), exit.clone());
            view! {
                <button type="button" class="case-exit" data-exit=exit.clone() disabled=move || sending.get()
                    on:click=move |_| run(t2.clone(), Act::Complete(e2.clone()))>
                    {label}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let (tc, tr2) = (task.clone(), task.clone());
    let claim_button = task.claimed_by.is_none().then(|| view! {
        <button type="button" class="case-claim" disabled=move || sending.get() on:click=move |_| run(tc.clone(), Act::Claim)>
            {CLAIM.get(lang)}
        </button>
    });
    let release_button = mine.then(|| view! {
        <button type="button" class="case-release" disabled=move || sending.get() on:click=move |_| run(tr2.clone(), Act::Release)>
            {RELEASE.get(lang)}
        </button>
    });
    let heading_id = format!("case-task-{}", task.id);
    let labelled_by = heading_id.clone();
    view! {
        <div class="case-task" data-task-id=task.id.clone() data-block=task.block.clone() role="group" aria-labelledby=labelled_by>
            <p class="case-task-title" id=heading_id>{task.label.clone()}</p>
            <dl class="srv-facts">
                {role.map(|r| view! { <dt>{ROLE.get(lang)}</dt><dd>{r}</dd> })}
                {task.claimed_by.clone().map(|c| view! { <dt>{CLAIMED_BY.get(lang)}</dt><dd class="case-claimed-by">{c}</dd> })}
                {due.map(|d| view! { <dt>{DUE.get(lang)}</dt><dd class="case-due">{d}</dd> })}
            </dl>
            {hint_items}
            {compose}
            <div class="srv-actions case-exits">
                {exits}
                {claim_button}
                {release_button}
            </div>
        </div>
    }
}
