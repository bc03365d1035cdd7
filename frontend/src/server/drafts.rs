//! "Meine Entwürfe" (the publishing app) and the dialog that submits the open workflow for
//! approval (the designer).

use fachwerk_shared::validate::key::{key_from_name, unique_key};
use fachwerk_shared::Op;
use leptos::prelude::*;

use super::opening::open_in_editor;
use super::text as tx;
use super::{save_draft, tr, use_srv, Srv};
use crate::api;
use crate::editor::{use_editor, Editor};
use crate::i18n::{Lang, T};
use crate::pure::route::Opening;

/// Short local date and time of an RFC 3339 stamp ("2026-11-26T23:00:00Z" → "2026-11-26 23:00").
pub fn short_date(s: &str) -> String {
    let s = s.replace('T', " ");
    s.chars().take(16).collect()
}

/// The key of a new, blank workflow (`app::blank`): a workflow that still has it gets its key
/// from its name on the first save.
const NEW_KEY: &str = "neuer-ablauf";

/// On the first save of a workflow that still has the blank key, derives the key from the
/// name ("Beschaffung" → `beschaffung`, or `beschaffung-2` when the catalogue has that key).
/// One undoable step; Einstellungen can change the key until it is published.
pub async fn derive_key_on_first_save(srv: Srv, ed: Editor, force_new: bool) {
    let (key, name) = ed.wf.with_untracked(|w| (w.key.clone(), w.name.clone()));
    let saved_before = !force_new
        && srv
            .draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.key == key));
    if saved_before || key != NEW_KEY {
        return;
    }
    // The catalogue is public; if it cannot be read, the server still refuses a taken key.
    let catalogue = api::list_workflows().await.unwrap_or_default();
    let derived = unique_key(&key_from_name(&name), |k| {
        catalogue.iter().any(|w| w.key == k)
    });
    if derived != key {
        ed.apply(Op::SetKey { key: derived });
    }
}

pub fn drafts_screen(lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(lang, s);
    let drafts = LocalResource::new(api::list_drafts);
    Effect::new(move || {
        if let Some(Err(e)) = drafts.get() {
            srv.fail(e.message(lang.get_untracked()));
        }
    });
    let confirm = RwSignal::new(None::<String>);
    let open_draft = move |id: String| {
        let message = tx::OPENED_DRAFT.get(lang.get_untracked()).into();
        open_in_editor(srv, Opening::Draft { id, message });
    };
    let delete_draft = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let lang = lang.get_untracked();
            match api::delete_draft(&id).await {
                Ok(()) => {
                    if srv
                        .draft
                        .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == id))
                    {
                        srv.set_draft(None);
                    }
                    srv.ok(tx::DELETED.get(lang).into());
                    drafts.refetch();
                }
                Err(e) => srv.fail(e.message(lang)),
            }
        }
    });
    let delete = move |id: String| {
        if confirm.get_untracked().as_deref() != Some(id.as_str()) {
            confirm.set(Some(id));
            return;
        }
        confirm.set(None);
        delete_draft.dispatch_local(id);
    };
    // A failed load shows the empty list; the error is in the message bar.
    move || match drafts.get().map(Result::unwrap_or_default) {
        None => view! { <p>{t(tx::LOADING)}</p> }.into_any(),
        Some(v) if v.is_empty() => {
            view! { <p id="drafts-empty">{t(tx::DRAFTS_EMPTY)}</p> }.into_any()
        }
        Some(v) => {
            let rows = v
                .into_iter()
                .map(|d| {
                    let (open_id, del_id, del_id2) = (d.id.clone(), d.id.clone(), d.id.clone());
                    let confirming = move || confirm.with(|c| c.as_deref() == Some(del_id2.as_str()));
                    let confirming_class = confirming.clone();
                    view! {
                        <tr class="draft-row" data-draft-id=d.id.clone() data-key=d.key.clone()>
                            <td>{d.name.clone()}</td>
                            <td><code>{d.key.clone()}</code></td>
                            <td>{d.revision}</td>
                            <td>{short_date(&d.updated_at)}</td>
                            <td class="srv-row-actions">
                                <button type="button" class="draft-open" on:click=move |_| open_draft(open_id.clone())>
                                    {t(tx::OPEN)}
                                </button>
                                <button type="button" class="draft-delete" class:srv-danger=confirming_class on:click=move |_| delete(del_id.clone())>
                                    {move || if confirming() { t(tx::DELETE_CONFIRM)() } else { t(tx::DELETE)() }}
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <table id="drafts-table" class="srv-table">
                    <thead>
                        <tr>
                            <th scope="col">{t(tx::NAME)}</th>
                            <th scope="col">{t(tx::KEY)}</th>
                            <th scope="col">{t(tx::REVISION)}</th>
                            <th scope="col">{t(tx::CHANGED_AT)}</th>
                            <th scope="col">{t(tx::ACTIONS)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    }
}

/// Why the last publication request did not go out.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Findings(Vec<fachwerk_shared::Finding>),
    Failed(String),
}

/// Saves the open work and requests its publication (run from the editor's parts,
/// `Editor::submit`): the message line's text, or why not.
pub async fn submit(srv: Srv, ed: Editor, note: String) -> Result<String, Outcome> {
    let lang = ed.lang.get_untracked();
    // The server publishes what is saved: save the open work first.
    let Some(d) = save_draft(srv, ed, false).await else {
        let m = srv.msg.with_untracked(|m| m.as_ref().map(|m| m.1.clone()));
        return Err(Outcome::Failed(m.unwrap_or_default()));
    };
    srv.busy.set(true);
    let r = api::request_publication(&d.id, note.trim()).await;
    srv.busy.set(false);
    match r {
        Ok(p) => Ok(format!(
            "{}: {}.",
            tx::SUBMITTED.get(lang),
            tx::release_text(
                p.base_version.as_deref(),
                &p.suggested_version,
                p.bump,
                lang
            )
        )),
        Err(e) if e.status == 422 && !e.findings.is_empty() => Err(Outcome::Findings(e.findings)),
        Err(e) => Err(Outcome::Failed(e.message(lang))),
    }
}

#[component]
pub fn SubmitDialog() -> impl IntoView {
    let ed = use_editor();
    let srv = use_srv();
    let t = move |s: T| tr(ed.lang, s);
    let note = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let close = move || {
        // The focus returns to whatever opened the dialog (`crate::a11y`).
        srv.submit_open.set(false);
        outcome.set(None);
    };
    let request = Action::new_local(move |_: &()| async move {
        match ed.submit(srv, note.get_untracked()).await {
            Ok(text) => {
                // Done: the message line says so, the dialog closes.
                srv.ok(text);
                note.set(String::new());
                close();
            }
            Err(o) => outcome.set(Some(o)),
        }
    });
    // Sending: the button is disabled and further clicks (a double click) do nothing; the
    // server also answers a repeated request with the open one.
    let sending = request.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        outcome.set(None);
        request.dispatch_local(());
    };
    let result = move || {
        let lang = ed.lang.get();
        outcome.get().map(|o| match o {
            Outcome::Failed(text) => view! { <p id="submit-error" class="srv-error" role="alert">{crate::a11y::marked(text)}</p> }.into_any(),
            Outcome::Findings(fs) => {
                let items = fs
                    .into_iter()
                    .map(|f| {
                        let m = if lang == Lang::De { f.message_de.clone() } else { f.message_en.clone() };
                        let sev = if f.is_error() { "error" } else { "warning" };
                        view! { <li class=format!("finding {sev}") data-code=f.code.to_string()>{m}</li> }
                    })
                    .collect::<Vec<_>>();
                view! {
                    <div id="submit-findings" role="alert">
                        <p class="srv-error">{tx::SUBMIT_INVALID.get(lang)}</p>
                        <ul class="block-findings">{items}</ul>
                    </div>
                }
                .into_any()
            }
        })
    };
    move || {
        srv.submit_open.get().then(|| {
            view! {
                <div class="dialog-backdrop">
                    <div id="submit-dialog" class="dialog small" role="dialog" aria-modal="true" aria-labelledby="submit-title" on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            close();
                        }
                    }>
                        <h2 id="submit-title">{t(tx::SUBMIT_TITLE)}</h2>
                        <p>{move || ed.wf.with(|w| format!("{} ({})", w.name, w.key))}</p>
                        <form on:submit=submit>
                            <div class="field">
                                <label for="submit-note">{t(tx::NOTE)}</label>
                                <textarea id="submit-note" rows="3" aria-describedby="submit-note-hint" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                <p id="submit-note-hint" class="hint">{t(tx::NOTE_HINT)}</p>
                            </div>
                            {result}
                            <div class="srv-actions">
                                <button type="submit" id="submit-confirm" class="primary" disabled=move || sending.get() aria-busy=move || sending.get().to_string()>{t(tx::SUBMIT_CONFIRM)}</button>
                                <button type="button" id="submit-close" on:click=move |_| close()>{t(tx::CLOSE)}</button>
                            </div>
                        </form>
                    </div>
                </div>
            }
        })
    }
}
