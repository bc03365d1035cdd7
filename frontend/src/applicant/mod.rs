//! The applicant's pages (issue 20): reached from a link in a message, no account, no designer.
//! `/antwort/{token}` answers a Rückfrage once (text and files, the deadline shown);
//! `/status/{token}` shows the steps done and the current one in plain words, never a clerk's
//! name. An app of its own (`src/bin/fachwerk-applicant.rs`, `crate::mount_applicant`), so
//! nothing of the designer is loaded; narrow screens (360 px) first, German and English.

mod answer;
mod status;
mod text;

use leptos::prelude::*;

use crate::i18n::{Lang, T};
use crate::pure::applicant::ApplicantPage;
use text as tx;

/// The page for the current path, if it is an applicant's.
pub fn page() -> Option<ApplicantPage> {
    let path = window().location().pathname().ok()?;
    ApplicantPage::parse(&path)
}

/// A date `YYYY-MM-DD` as people read it.
fn show_date(iso: &str, lang: Lang) -> String {
    match fachwerk_shared::values::Date::parse(iso.get(..10).unwrap_or(iso)) {
        Some(d) => crate::pure::case_values::show_date(d, lang),
        None => iso.to_string(),
    }
}

/// The whole applicant page: a small header with the language switch and the page itself.
#[component]
pub fn ApplicantApp(page: ApplicantPage) -> impl IntoView {
    let lang = crate::shell::provide_lang();
    let t = move |s: T| move || s.get(lang.get());
    let body = match page {
        ApplicantPage::Answer(token) => answer::answer_page(lang, token).into_any(),
        ApplicantPage::Status(token) => status::status_page(lang, token).into_any(),
    };
    view! {
        <header class="applicant-head">
            <p class="applicant-brand">{t(tx::SERVICE)}</p>
            <button type="button" id="applicant-lang" lang=move || if lang.get() == Lang::De { "en" } else { "de" }
                on:click=move |_| lang.update(|l| *l = if *l == Lang::De { Lang::En } else { Lang::De })>
                {t(crate::i18n::LANG_SWITCH)}
            </button>
        </header>
        <main id="applicant" class="applicant">{body}</main>
    }
}

/// A path of the applicant's app that is no applicant's link (mistyped or cut off).
#[component]
pub fn NoPage() -> impl IntoView {
    view! {
        <main id="applicant" class="applicant">
            <h1>{tx::NO_PAGE.0}</h1>
            <p lang="en">{tx::NO_PAGE.1}</p>
        </main>
    }
}
