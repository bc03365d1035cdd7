//! "Vorgang anlegen" (`/vorgang/neu`): a case by hand for an application on paper or by
//! phone. Choose a workflow in operation, fill its case fields (the typed form of
//! `crate::case_fields`), start; then the case opens (`/vorgang/{id}`, `crate::cases`). One start per form: the
//! request carries an Idempotency-Key, so a double click or a retry gives the same case.

use std::collections::BTreeMap;

use fachwerk_shared::api::StartCase;
use leptos::prelude::*;

use super::text as tx;
use super::{active_workflows, ActiveWorkflow};
use crate::api;
use crate::case_fields::{CaseFields, CaseForm};
use crate::i18n::{Lang, T};
use crate::pure::route::Route;
use crate::server::{focus_later, tr, Srv};

const PREFIX: &str = "newcase";

fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn new_case_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let workflows = LocalResource::new(active_workflows);
    Effect::new(move || {
        if let Some(Err(e)) = workflows.get() {
            srv.fail(e.message(ui_lang.get_untracked()));
        }
    });
    let chosen = RwSignal::new(String::new());
    let form = RwSignal::new(None::<(ActiveWorkflow, CaseForm)>);
    // One key per filled form: the same form sent twice starts one case.
    let key = StoredValue::new(new_key());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let choose = move |k: String| {
        chosen.set(k.clone());
        error.set(None);
        key.set_value(new_key());
        let w = workflows
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .find(|w| w.key == k);
        form.set(w.map(|w| {
            let f = CaseForm::new(w.fields.clone(), &BTreeMap::new(), ui_lang.get_untracked());
            (w, f)
        }));
    };
    let start = Action::new_local(move |req: &StartCase| {
        let req = req.clone();
        async move {
            let lang = ui_lang.get_untracked();
            let result = api::start_case(&req, &key.get_value()).await;
            busy.set(false);
            match result {
                Ok(case) => {
                    srv.ok(format!("{}: {}", tx::STARTED.get(lang), case.aktenzeichen));
                    key.set_value(new_key());
                    form.set(None);
                    chosen.set(String::new());
                    srv.go(Route::Case(case.id));
                }
                Err(e) => {
                    error.set(Some(e.message(lang)));
                    focus_later("newcase-error");
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = ui_lang.get_untracked();
        let Some((w, f)) = form.get_untracked() else {
            error.set(Some(tx::CHOOSE_WORKFLOW.get(lang).to_string()));
            focus_later("newcase-workflow");
            return;
        };
        match f.values(lang, PREFIX) {
            Ok(fields) => {
                error.set(None);
                busy.set(true);
                start.dispatch_local(StartCase {
                    workflow: w.key,
                    fields,
                });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let options = move || {
        workflows
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|w| {
                let k = w.key.clone();
                view! { <option value=w.key.clone() selected=move || chosen.get() == k>{format!("{} ({}, {})", w.name, w.key, w.version)}</option> }
            })
            .collect::<Vec<_>>()
    };
    let fields = move || {
        form.get().map(|(w, f)| {
            if w.fields.is_empty() {
                view! { <p id="newcase-no-fields">{t(tx::NO_FIELDS)}</p> }.into_any()
            } else {
                view! {
                    <fieldset class="case-fields">
                        <legend>{w.name.clone()}</legend>
                        <p class="field-help">{t(tx::REQUIRED_NOTE)}</p>
                        <CaseFields form=f lang=ui_lang id_prefix=PREFIX />
                    </fieldset>
                }
                .into_any()
            }
        })
    };
    let no_workflows = move || {
        workflows
            .get()
            .and_then(Result::ok)
            .is_some_and(|w| w.is_empty())
    };
    view! {
        <form id="newcase-form" class="org-form" novalidate on:submit=submit>
            <p>{t(tx::NEW_CASE_INTRO)}</p>
            <Show when=no_workflows>
                <p id="newcase-no-workflows">{t(tx::NO_WORKFLOWS)}</p>
            </Show>
            <div class="field">
                <label for="newcase-workflow">{t(tx::WORKFLOW)}</label>
                <select id="newcase-workflow" on:change=move |ev| choose(event_target_value(&ev))>
                    <option value="" selected=move || chosen.with(String::is_empty)>{t(tx::CHOOSE_WORKFLOW)}</option>
                    {options}
                </select>
            </div>
            {fields}
            <p id="newcase-error" class="srv-error" role="alert" tabindex="-1">{move || error.get()}</p>
            <div class="srv-actions">
                <button type="submit" id="newcase-start" class="primary" aria-busy=move || busy.get().to_string() disabled=move || busy.get() || form.with(Option::is_none)>{t(tx::START)}</button>
            </div>
        </form>
    }
}
