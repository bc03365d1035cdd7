//! The Rückfrage form of the Vorgang: the clerk writes what is asked, lists the documents asked
//! for (one per line) and sets the deadline (the block's reply period at most), then sends it;
//! the mail with the one-time link leaves with the next round of the outbox. Once sent, the
//! form shows what went out.

use fachwerk_shared::api::{ComposeQuery, QueryDraft};
use leptos::prelude::*;

use super::korb::date_text;
use crate::api;
use crate::i18n::{Lang, T};
use crate::server::{focus_later, tr};

const TITLE: T = T("Rückfrage schreiben", "Write the query");
const TEXT: T = T("Was fragen Sie?", "What do you ask?");
const DOCS: T = T(
    "Erbetene Unterlagen (eine je Zeile)",
    "Documents asked for (one per line)",
);
const DEADLINE: T = T("Antwort bis", "Answer by");
const DEADLINE_HINT: T = T(
    "Spätestens am Ende der Antwortfrist des Bausteins",
    "At the latest the end of the block's reply period",
);
const SEND: T = T("Rückfrage senden", "Send the query");
const SENDING: T = T("Wird gesendet …", "Sending …");
const SENT: T = T(
    "Die Rückfrage ist versandt (oder geht mit der nächsten Runde des Ausgangs hinaus).",
    "The query has been sent (or leaves with the outbox's next round).",
);
const LOADING: T = T("Lädt …", "Loading …");

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The Rückfrage of the engine's task `task` in case `case_id`; `latest` is the task's due
/// date (the end of the reply period), `reload` fetches the case after sending.
#[component]
pub fn QueryCompose(
    case_id: String,
    task: String,
    latest: Option<String>,
    reload: Callback<()>,
) -> impl IntoView {
    let ui_lang = crate::shell::use_lang();
    let t = move |s: T| tr(ui_lang, s);
    let draft = RwSignal::new(None::<Result<QueryDraft, String>>);
    let text = RwSignal::new(String::new());
    let docs = RwSignal::new(String::new());
    let deadline = RwSignal::new(latest.clone().unwrap_or_default());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    {
        let (case_id, task) = (case_id.clone(), task.clone());
        leptos::task::spawn_local(async move {
            let r = api::query_draft(&case_id, &task).await;
            if let Ok(d) = &r {
                text.set(d.text.clone());
                docs.set(d.documents.join("\n"));
                if let Some(day) = &d.deadline {
                    deadline.set(day.clone());
                }
            }
            draft.set(Some(r.map_err(|e| e.detail_in(ui_lang.get_untracked()))));
        });
    }
    let send = Action::new_local(move |(case_id, task): &(String, String)| {
        let (case_id, task) = (case_id.clone(), task.clone());
        async move {
            let body = ComposeQuery {
                text: text.get_untracked(),
                documents: lines(&docs.get_untracked()),
                deadline: Some(deadline.get_untracked()).filter(|d| !d.is_empty()),
            };
            let r = api::send_query(&case_id, &task, &body).await;
            busy.set(false);
            match r {
                Ok(d) => {
                    error.set(None);
                    draft.set(Some(Ok(d)));
                    focus_later("case-query-sent");
                    reload.run(());
                }
                Err(e) => {
                    error.set(Some(e.detail_in(ui_lang.get_untracked())));
                    focus_later("case-query-error");
                }
            }
        }
    });
    let ids = (case_id, task);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        send.dispatch_local(ids.clone());
    };
    let max = latest.unwrap_or_default();
    let body = move || {
        let lang = ui_lang.get();
        match draft.get() {
            None => view! { <p>{LOADING.get(lang)}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="srv-error">{e}</p> }.into_any(),
            Some(Ok(d)) if d.sent => sent_view(&d, lang).into_any(),
            Some(Ok(_)) => view! {
                <form id="case-query" class="case-query" on:submit=on_submit.clone()>
                    <label for="case-query-text">{TEXT.get(lang)}</label>
                    <textarea id="case-query-text" rows="5" maxlength="10000" required
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <label for="case-query-docs">{DOCS.get(lang)}</label>
                    <textarea id="case-query-docs" rows="3"
                        prop:value=move || docs.get() on:input=move |ev| docs.set(event_target_value(&ev))></textarea>
                    <label for="case-query-deadline">{DEADLINE.get(lang)}</label>
                    <input id="case-query-deadline" type="date" max=max.clone() aria-describedby="case-query-deadline-hint"
                        prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev)) />
                    <span id="case-query-deadline-hint" class="srv-muted">
                        {format!("{} ({})", DEADLINE_HINT.get(lang), date_text(&max, lang))}
                    </span>
                    <p id="case-query-error" class="srv-error case-refusal" role="alert" tabindex="-1">{move || error.get()}</p>
                    <div class="srv-actions">
                        <button type="submit" id="case-query-send" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { SENDING.get(lang) } else { SEND.get(lang) }}
                        </button>
                    </div>
                </form>
            }
            .into_any(),
        }
    };
    view! {
        <section class="case-query-box" aria-labelledby="case-query-title">
            <p id="case-query-title" class="case-task-title">{t(TITLE)}</p>
            {body}
        </section>
    }
}

/// What went out.
fn sent_view(d: &QueryDraft, lang: Lang) -> impl IntoView {
    let docs = d
        .documents
        .iter()
        .map(|x| view! { <li>{x.clone()}</li> })
        .collect::<Vec<_>>();
    let until = d
        .deadline
        .as_deref()
        .map(|x| format!("{}: {}", DEADLINE.get(lang), date_text(x, lang)));
    view! {
        <div id="case-query-sent" class="case-query-sent" tabindex="-1">
            <p role="status">{SENT.get(lang)}</p>
            <blockquote id="case-query-sent-text">{d.text.clone()}</blockquote>
            {(!docs.is_empty()).then(|| view! { <ul>{docs}</ul> })}
            {until.map(|u| view! { <p>{u}</p> })}
        </div>
    }
}
