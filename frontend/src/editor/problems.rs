//! Live findings ("Probleme") and the result of the server check.

use fachwerk_shared::api::FindingCounts;
use fachwerk_shared::{Element, Finding, Severity, Workflow};
use leptos::prelude::*;

use super::{commands, use_editor, Editor};
use crate::api::{self, ServerState};
use crate::i18n::{self, Lang, T};
use crate::pure::help;

/// More findings than this are summarised, so a huge broken workflow stays responsive.
const LIST_LIMIT: usize = 200;

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn sev_word(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::De) => "Fehler",
        (Severity::Warning, Lang::De) => "Warnung",
        (Severity::Info, Lang::De) => "Hinweis",
        (Severity::Error, Lang::En) => "Error",
        (Severity::Warning, Lang::En) => "Warning",
        (Severity::Info, Lang::En) => "Info",
    }
}

/// Where a finding points, in words ("Rechnung prüfen › Ausgang „abgelehnt“").
fn element_text(w: &Workflow, e: &Element, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(b) = &e.block {
        parts.push(i18n::block_label(w, b, lang));
    }
    if let Some(p) = &e.port {
        let name = match &e.block {
            Some(b) => i18n::port_label(w, b, p, lang),
            None => p.clone(),
        };
        parts.push(match lang {
            Lang::De => format!("{} „{name}“", i18n::EXIT.get(lang)),
            Lang::En => format!("{} “{name}”", i18n::EXIT.get(lang)),
        });
    }
    if let Some(id) = &e.edge {
        if let Some(edge) = w.edge(id) {
            parts.push(format!(
                "{} → {}",
                i18n::block_label(w, &edge.from, lang),
                i18n::block_label(w, &edge.to, lang)
            ));
        }
    }
    if let Some(r) = &e.role {
        parts.push(w.role(r).map_or_else(|| r.0.clone(), |r| r.name.clone()));
    }
    if let Some(f) = &e.field {
        // The field's label ("Betrag netto"), not its technical name.
        parts.push(
            w.field(f)
                .map(|d| d.label.trim())
                .filter(|l| !l.is_empty())
                .map_or_else(|| f.clone(), str::to_string),
        );
    }
    parts.join(" › ")
}

/// Selects the element of a finding and brings it into view.
pub fn reveal(ed: Editor, e: &Element) {
    if let Some(b) = &e.block {
        ed.select_only(b.clone());
        commands::center_on(ed, b);
    } else if let Some(id) = &e.edge {
        let from = ed.wf.with_untracked(|w| w.edge(id).map(|e| e.from.clone()));
        ed.selection.set(Default::default());
        ed.sel_edge.set(Some(id.clone()));
        if let Some(f) = from {
            commands::center_on(ed, &f);
        }
    } else if e.role.is_some() || e.field.is_some() {
        ed.settings_open.set(true);
    }
}

fn finding_item(ed: Editor, f: Finding, class: &'static str) -> impl IntoView {
    let lang = ed.lang;
    let sev = f.severity;
    let element = f.element.clone();
    let code = f.code.clone();
    let where_ = move || ed.wf.with(|w| element_text(w, &f.element, lang.get()));
    let msg = {
        let (de, en) = (f.message_de.clone(), f.message_en.clone());
        move || {
            if lang.get() == Lang::De {
                de.clone()
            } else {
                en.clone()
            }
        }
    };
    let hint = {
        let (de, en) = (f.hint_de.clone(), f.hint_en.clone());
        move || {
            if lang.get() == Lang::De {
                de.clone()
            } else {
                en.clone()
            }
        }
    };
    view! {
        <li class=format!("{class} {}", sev_class(sev)) data-code=f.code.clone() on:click=move |_| reveal(ed, &element)>
            <button type="button" class="link">
                <span class="sev">{move || sev_word(sev, lang.get())}</span>
                " "
                <span class="msg">{msg}</span>
                <span class="where">{where_}</span>
                {move || hint().map(|h| view! { <span class="hint">{h}</span> })}
                <code class="code">{f.code.clone()}</code>
            </button>
            <a
                class="more"
                href=help::finding_page(&f.code)
                target="_blank"
                rel="noopener"
                aria-label=move || format!("{}: {code}", ed.t(i18n::LEARN_MORE))
                on:click=|ev| ev.stop_propagation()
            >
                {move || ed.t(i18n::LEARN_MORE)}
            </a>
        </li>
    }
}

/// Error/warning counts, always visible in the header.
#[component]
pub fn ProblemCount() -> impl IntoView {
    let ed = use_editor();
    let counts = Memo::new(move |_| ed.findings.with(|f| FindingCounts::of(f)));
    view! {
        <button
            type="button"
            id="problem-count"
            data-errors=move || counts.get().errors.to_string()
            data-warnings=move || counts.get().warnings.to_string()
            class:has-errors=move || { counts.get().errors > 0 }
            class:has-warnings=move || { counts.get().errors == 0 && counts.get().warnings > 0 }
            on:click=move |_| crate::editor::settings::focus_later("problems-title")
        >
            {move || {
                format!("{}: {}", ed.t(i18n::PROBLEMS), i18n::counts(ed.lang.get(), counts.get()))
            }}
        </button>
    }
}

#[component]
pub fn Problems() -> impl IntoView {
    let ed = use_editor();
    let items = move || {
        ed.findings.with(|fs| {
            let mut v: Vec<_> = fs
                .iter()
                .take(LIST_LIMIT)
                .cloned()
                .map(|f| finding_item(ed, f, "problem"))
                .collect();
            let more = fs.len().saturating_sub(LIST_LIMIT);
            let rest = (more > 0).then(|| {
                let lang = ed.lang.get();
                let text = if lang == Lang::De {
                    format!("… und {more} weitere")
                } else {
                    format!("… and {more} more")
                };
                view! { <li class="more">{text}</li> }
            });
            v.truncate(LIST_LIMIT);
            (v, rest)
        })
    };
    let pending = ed.checks.pending;
    let unavailable = ed.checks.unavailable;
    view! {
        <section
            id="problems-panel"
            aria-labelledby="problems-title"
            aria-busy=move || pending.get().to_string()
            data-checked-in=move || if ed.checks.in_worker.get() { "worker" } else { "page" }
            data-worker-sent=move || ed.checks.sent.get()
        >
            <h2 id="problems-title" tabindex="-1">{move || ed.t(i18n::PROBLEMS)}</h2>
            <p id="problems-checking" class="checking" hidden=move || !pending.get()>{move || ed.t(i18n::CHECKING)}</p>
            <p class="empty" hidden=move || pending.get() || unavailable.get() || ed.findings.with(|f| !f.is_empty())>{move || ed.t(i18n::NO_PROBLEMS)}</p>
            {move || unavailable.get().then(|| view! { <p id="problems-unavailable" class="error" role="alert">{move || ed.t(CHECK_UNAVAILABLE)}</p> })}
            <ul id="problems">{items}</ul>
        </section>
    }
}

/// Neither the page's validation nor the worker could be loaded.
const CHECK_UNAVAILABLE: T = T(
    "Die Prüfung konnte nicht geladen werden. Bitte laden Sie die Seite neu.",
    "The check could not be loaded. Please reload the page.",
);

/// Sends the workflow to the server and stores the outcome.
pub fn run_server_check(ed: Editor) {
    let w = ed.wf.get_untracked();
    ed.server.set(ServerState::Running);
    leptos::task::spawn_local(async move {
        let state = match api::validate_on_server(&w).await {
            Ok(report) => ServerState::Done(report),
            Err(e) => ServerState::Failed(e),
        };
        ed.server.set(state);
        let lang = ed.lang.get_untracked();
        ed.announce
            .set(status_text(&ed.server.get_untracked(), lang));
    });
}

fn status_text(s: &ServerState, lang: Lang) -> String {
    match s {
        ServerState::NotRun => i18n::SERVER_NOT_RUN.get(lang).to_string(),
        ServerState::Running => i18n::SERVER_RUNNING.get(lang).to_string(),
        ServerState::Done(report) => {
            format!(
                "{}: {}",
                i18n::SERVER_CHECK.get(lang),
                i18n::counts(lang, report.counts())
            )
        }
        ServerState::Failed(e) => match lang {
            Lang::De => format!("Server-Prüfung fehlgeschlagen – {}", e.message(lang)),
            Lang::En => format!("Server check failed – {}", e.message(lang)),
        },
    }
}

#[component]
pub fn ServerFindings() -> impl IntoView {
    let ed = use_editor();
    let status = move || ed.server.with(|s| status_text(s, ed.lang.get()));
    let failed = move || ed.server.with(|s| matches!(s, ServerState::Failed(_)));
    let items = move || {
        ed.server.with(|s| match s {
            ServerState::Done(report) => report
                .findings
                .iter()
                .cloned()
                .map(|f| finding_item(ed, f, "finding"))
                .collect(),
            _ => Vec::new(),
        })
    };
    view! {
        <section id="server-findings" aria-labelledby="server-findings-title">
            <h2 id="server-findings-title">{move || ed.t(i18n::SERVER_CHECK)}</h2>
            <p id="validate-status" class:failed=failed>{status}</p>
            <ul class="findings">{items}</ul>
        </section>
    }
}
