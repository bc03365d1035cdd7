//! The Probelauf's result: the steps shown so far, the outcome, a form error and the verdicts of
//! the saved Probefälle (marked while their rerun is pending).

use fachwerk_shared::simulate::Outcome;
use leptos::prelude::*;

use super::remove_case;
use crate::editor::Editor;
use crate::i18n::{self, Lang};
use crate::pure::probelauf::outcome_text;

pub(super) fn steps(ed: Editor) -> impl IntoView {
    let sim = ed.sim;
    move || {
        let lang = ed.lang.get();
        let p = sim.pos.get();
        sim.trace.with(|t| {
                let Some(t) = t else { return Vec::new() };
                t.steps
                    .iter()
                    .take(p)
                    .enumerate()
                    .map(|(i, s)| {
                        let expl = if lang == Lang::De {
                            s.decision.explanation_de.clone()
                        } else {
                            s.decision.explanation_en.clone()
                        };
                        let who = match (&s.person, &s.role_name) {
                            (Some(p), Some(r)) => format!("{p} ({r})"),
                            (Some(p), None) => p.clone(),
                            _ => String::new(),
                        };
                        let dates = if s.entered == s.completed {
                            s.entered.to_string()
                        } else {
                            format!("{} – {}", s.entered, s.completed)
                        };
                        let current = i + 1 == p;
                        view! {
                            <li class="sim-step" class:current=current data-block-id=s.block.0.clone() data-port=s.decision.port.clone().unwrap_or_default()>
                                <span class="sim-step-title">{format!("{}. {}", i + 1, if lang == Lang::De { &s.label } else { &s.label_en })}</span>
                                <span class="sim-step-meta">{format!("{} · {dates}{}", if lang == Lang::De { &s.block_type } else { &s.block_type_en }, if who.is_empty() { String::new() } else { format!(" · {who}") })}</span>
                                <span class="sim-step-why">{expl}</span>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()
            })
    }
}

pub(super) fn outcome(ed: Editor) -> impl IntoView {
    let sim = ed.sim;
    move || {
        let lang = ed.lang.get();
        let p = sim.pos.get();
        sim.trace.with(|t| {
            let t = t.as_ref()?;
            (p >= t.steps.len()).then(|| {
                let kind = match &t.outcome {
                    Outcome::Ended { .. } => "ended",
                    Outcome::Refused { .. } => "refused",
                    Outcome::Blocked { .. } => "blocked",
                };
                view! {
                    <p id="sim-outcome" class=format!("sim-outcome {kind}") data-outcome=kind>
                        {outcome_text(t, lang)}
                    </p>
                }
            })
        })
    }
}

pub(super) fn error(ed: Editor) -> impl IntoView {
    alert(ed, ed.sim.error, "sim-error")
}

/// A message in both languages, shown as an alert while there is one.
fn alert(
    ed: Editor,
    message: RwSignal<Option<(String, String)>>,
    id: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|(de, en)| {
            let msg = if ed.lang.get() == Lang::De { de } else { en };
            view! { <p id=id class="field-error" role="alert">{msg}</p> }
        })
    }
}

pub(super) fn results(ed: Editor) -> impl IntoView {
    let sim = ed.sim;
    move || {
        let lang = ed.lang.get();
        let pending = sim.results_pending.get();
        sim.results
                .get()
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    let detail = if lang == Lang::De { r.detail_de } else { r.detail_en };
                    let word = match (r.pass, lang) {
                        (true, Lang::De) => "✓ bestanden",
                        (false, Lang::De) => "✗ fehlgeschlagen",
                        (true, Lang::En) => "✓ passed",
                        (false, Lang::En) => "✗ failed",
                    };
                    let name = r.name.clone();
                    let named = r.name.clone();
                    view! {
                        <li class="testcase" class:pass=r.pass class:fail=!r.pass class:pending=pending data-pass=r.pass.to_string()>
                            <span class="tc-name">{r.name}</span>
                            " "
                            <span class="tc-status">{word}</span>
                            <span class="tc-detail">{detail}</span>
                            <button type="button" class="remove" aria-label=move || format!("{} {}", ed.t(i18n::REMOVE), name) on:click=move |_| remove_case(ed, i, &named)>"×"</button>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
    }
}

/// Why the saved Probefälle could not be rerun (no worker …).
pub(super) fn results_error(ed: Editor) -> impl IntoView {
    alert(ed, ed.sim.results_error, "sim-cases-error")
}
