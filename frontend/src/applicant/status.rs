//! `/status/{token}`: the steps of the case done so far and the current one, in the words of
//! the workflow's blocks; the server never sends a clerk's name, and this page shows nothing
//! else.

use fachwerk_shared::api::PublicStatus;
use leptos::prelude::*;

use super::show_date;
use super::text as tx;
use crate::api;
use crate::i18n::{Lang, T};

fn state_text(s: &PublicStatus) -> T {
    match crate::api::wire_name(&s.status).as_str() {
        "ended" => tx::STATUS_ENDED,
        "blocked" => tx::STATUS_BLOCKED,
        _ => tx::STATUS_OPEN,
    }
}

pub fn status_page(lang: RwSignal<Lang>, token: String) -> impl IntoView {
    let t = move |s: T| move || s.get(lang.get());
    let status = LocalResource::new(move || {
        let token = token.clone();
        async move { api::public_status(&token).await }
    });
    let page = move |s: PublicStatus| {
        let done = s
            .steps_done
            .iter()
            .map(|step| view! { <li class="status-done">{step.label.clone()}</li> })
            .collect::<Vec<_>>();
        let none_done = done.is_empty();
        let state = state_text(&s);
        let updated = s.updated_at.clone();
        view! {
            <h1 id="applicant-title" tabindex="-1">{t(tx::STATUS_TITLE)}</h1>
            <p class="applicant-case">
                {t(tx::AKTENZEICHEN)}": " <strong id="applicant-az">{s.aktenzeichen.clone()}</strong>
                " · " {s.workflow_name.clone()}
            </p>
            <section class="applicant-card" aria-labelledby="status-state">
                <h2 id="status-state">{t(tx::STATE)}": " <span id="status-value">{t(state)}</span></h2>
                {s.current_step.clone().map(|c| view! {
                    <p id="status-current" class="status-current">{t(tx::CURRENT_STEP)}": " <strong>{c.label}</strong></p>
                })}
                <h2>{t(tx::STEPS_DONE)}</h2>
                {if none_done {
                    view! { <p id="status-none">{t(tx::NO_STEPS_DONE)}</p> }.into_any()
                } else {
                    view! { <ol id="status-steps" class="status-steps">{done}</ol> }.into_any()
                }}
                <p class="field-help">{t(tx::UPDATED)}" " {move || show_date(&updated, lang.get())}</p>
            </section>
        }
    };
    move || match status.get() {
        None => view! { <p>{t(tx::LOADING)}</p> }.into_any(),
        Some(Ok(s)) => page(s).into_any(),
        Some(Err(e)) => {
            let msg = if e.status == 404 {
                tx::LINK_UNKNOWN
            } else {
                tx::FAILED
            };
            view! {
                <h1 id="applicant-title" tabindex="-1">{t(tx::STATUS_TITLE)}</h1>
                <p id="applicant-refused" class="applicant-card applicant-refused" role="alert">{t(msg)}</p>
            }
            .into_any()
        }
    }
}
