//! `/antwort/{token}`: what is asked, the deadline, an answer field and files; after sending,
//! the confirmation with the Aktenzeichen. A used or unknown link says so plainly.

use fachwerk_shared::api::{PublicQuery, QueryReceipt};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::show_date;
use super::text as tx;
use crate::api::{self, ApiError};
use crate::i18n::{Lang, T};
use crate::pure::applicant::{check_files, human_size, type_name, ApplicantPage};

const FILE_INPUT: &str = "answer-files";

/// The page's message for a refusal of the server.
fn refusal(e: &ApiError, lang: Lang) -> String {
    let own = match e.status {
        404 => tx::LINK_UNKNOWN,
        410 => tx::LINK_USED,
        413 => tx::TOO_LARGE,
        415 => tx::WRONG_TYPE,
        _ => tx::FAILED,
    };
    // The server's detail names the file or field (in English when it sent one).
    let detailed = matches!(e.status, 413 | 415 | 422) && !e.detail.is_empty();
    match lang {
        Lang::De if detailed => e.detail.clone(),
        Lang::En if detailed && e.detail_en.as_deref().is_some_and(|d| !d.is_empty()) => {
            e.detail_in(lang)
        }
        _ => own.get(lang).to_string(),
    }
}

/// The chosen files of the file input.
fn chosen_files() -> Vec<web_sys::File> {
    let Some(input) = document()
        .get_element_by_id(FILE_INPUT)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn check(q: &PublicQuery, files: &[web_sys::File], lang: Lang) -> Result<(), String> {
    let described: Vec<(String, u64, String)> = files
        .iter()
        .map(|f| (f.name(), f.size() as u64, f.type_()))
        .collect();
    check_files(
        &described,
        q.limits.max_files as usize,
        q.limits.max_file_bytes,
        &q.limits.media_types,
        lang,
    )
}

pub fn answer_page(lang: RwSignal<Lang>, token: String) -> impl IntoView {
    let t = move |s: T| move || s.get(lang.get());
    let query = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { api::public_query(&token).await }
        }
    });
    let receipt = RwSignal::new(None::<QueryReceipt>);
    // A refusal on sending that ends the page (the link was used meanwhile).
    let gone = RwSignal::new(None::<ApiError>);
    let answer = RwSignal::new(String::new());
    let answer_error = RwSignal::new(None::<String>);
    let file_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = Action::new_local(move |(token, text): &(String, String)| {
        let (token, text) = (token.clone(), text.clone());
        async move {
            let files = chosen_files();
            let result = api::answer_query(&token, &text, &files).await;
            busy.set(false);
            match result {
                Ok(r) => {
                    receipt.set(Some(r));
                    crate::server::focus_later("applicant-title");
                }
                Err(e) if matches!(e.status, 404 | 410) => gone.set(Some(e)),
                Err(e) => {
                    error.set(Some(refusal(&e, lang.get_untracked())));
                    crate::server::focus_later("answer-error");
                }
            }
        }
    });

    let form = move |q: PublicQuery| {
        let token = token.clone();
        let q2 = q.clone();
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let l = lang.get_untracked();
            error.set(None);
            let text = answer.get_untracked().trim().to_string();
            answer_error.set(
                text.is_empty()
                    .then(|| tx::ANSWER_MISSING.get(l).to_string()),
            );
            let files = check(&q2, &chosen_files(), l);
            file_error.set(files.clone().err());
            if text.is_empty() {
                crate::server::focus_later("answer-text");
                return;
            }
            if files.is_err() {
                crate::server::focus_later(FILE_INPUT);
                return;
            }
            busy.set(true);
            send.dispatch_local((token.clone(), text));
        };
        let q3 = q.clone();
        let on_files =
            move |_| file_error.set(check(&q3, &chosen_files(), lang.get_untracked()).err());
        let accept = q.limits.media_types.join(",");
        let hint = {
            let q = q.clone();
            move || {
                let kinds = q
                    .limits
                    .media_types
                    .iter()
                    .map(|m| type_name(m))
                    .collect::<Vec<_>>()
                    .join(", ");
                let size = human_size(q.limits.max_file_bytes);
                match lang.get() {
                    Lang::De => format!(
                        "Höchstens {} Dateien, je bis {size}. Erlaubt: {kinds}.",
                        q.limits.max_files
                    ),
                    Lang::En => format!(
                        "At most {} files, up to {size} each. Allowed: {kinds}.",
                        q.limits.max_files
                    ),
                }
            }
        };
        let docs = q
            .requested_documents
            .iter()
            .map(|d| view! { <li>{d.clone()}</li> })
            .collect::<Vec<_>>();
        let has_docs = !docs.is_empty();
        let deadline = q.deadline.clone();
        view! {
            <h1 id="applicant-title" tabindex="-1">{t(tx::QUERY_TITLE)}</h1>
            <p class="applicant-case">
                {t(tx::AKTENZEICHEN)}": " <strong id="applicant-az">{q.aktenzeichen.clone()}</strong>
                " · " {q.workflow_name.clone()}
            </p>
            <section class="applicant-card" aria-labelledby="query-what">
                <h2 id="query-what">{t(tx::WHAT_WE_NEED)}</h2>
                <p id="query-question" class="applicant-question">{q.question.clone()}</p>
                {has_docs.then(|| view! {
                    <p>{t(tx::DOCUMENTS_ASKED)}</p>
                    <ul id="query-documents">{docs}</ul>
                })}
                {deadline.map(|d| view! {
                    <p id="query-deadline" class="applicant-deadline">
                        {t(tx::DEADLINE)}" " <strong>{move || show_date(&d, lang.get())}</strong>"."
                    </p>
                })}
            </section>
            <form id="answer-form" class="applicant-card" novalidate on:submit=submit>
                <div class="field" class:invalid=move || answer_error.with(Option::is_some)>
                    <label for="answer-text">{t(tx::YOUR_ANSWER)}<span class="required-mark" aria-hidden="true">" *"</span></label>
                    <textarea id="answer-text" rows="6" maxlength="10000" required
                        aria-invalid=move || answer_error.with(Option::is_some).to_string()
                        aria-describedby="answer-text-error"
                        prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                    <span class="field-error" id="answer-text-error" role="alert">{move || answer_error.get()}</span>
                </div>
                <div class="field" class:invalid=move || file_error.with(Option::is_some)>
                    <label for=FILE_INPUT>{t(tx::FILES)}</label>
                    <input id=FILE_INPUT type="file" multiple accept=accept
                        aria-invalid=move || file_error.with(Option::is_some).to_string()
                        aria-describedby="answer-files-help answer-files-error" on:change=on_files />
                    <span class="field-help" id="answer-files-help">{hint}</span>
                    <span class="field-error" id="answer-files-error" role="alert">{move || file_error.get()}</span>
                </div>
                <p id="answer-error" class="srv-error" role="alert" tabindex="-1">{move || error.get()}</p>
                <button type="submit" id="answer-send" class="primary" aria-busy=move || busy.get().to_string() disabled=move || busy.get()>
                    {move || if busy.get() { tx::SENDING.get(lang.get()) } else { tx::SEND.get(lang.get()) }}
                </button>
            </form>
        }
    };

    let thanks = move |r: QueryReceipt| {
        let files = r
            .documents
            .iter()
            .map(|d| view! { <li>{format!("{} ({})", d.name, human_size(d.size))}</li> })
            .collect::<Vec<_>>();
        let has_files = !files.is_empty();
        let status = ApplicantPage::Status(r.status_token.clone()).path();
        view! {
            <h1 id="applicant-title" tabindex="-1">{t(tx::THANKS_TITLE)}</h1>
            <section id="answer-receipt" class="applicant-card" role="status">
                <p>{t(tx::THANKS)}</p>
                <p class="applicant-az-big"><strong id="receipt-az">{r.aktenzeichen.clone()}</strong></p>
                {has_files.then(|| view! {
                    <h2>{t(tx::FILES_RECEIVED)}</h2>
                    <ul id="receipt-files">{files}</ul>
                })}
                <p><a id="receipt-status" href=status>{t(tx::TO_STATUS)}</a></p>
            </section>
        }
    };

    move || {
        if let Some(r) = receipt.get() {
            return thanks(r).into_any();
        }
        if let Some(e) = gone.get() {
            return view! {
                <h1 id="applicant-title" tabindex="-1">{t(tx::QUERY_TITLE)}</h1>
                <p id="applicant-refused" class="applicant-card applicant-refused" role="alert">{move || refusal(&e, lang.get())}</p>
            }
            .into_any();
        }
        match query.get() {
            None => view! { <p>{t(tx::LOADING)}</p> }.into_any(),
            Some(Ok(q)) => form(q).into_any(),
            Some(Err(e)) => view! {
                <h1 id="applicant-title" tabindex="-1">{t(tx::QUERY_TITLE)}</h1>
                <p id="applicant-refused" class="applicant-card applicant-refused" role="alert">{move || refusal(&e, lang.get())}</p>
            }
            .into_any(),
        }
    }
}
