//! "Freigaben": open publication requests; a request shows its semantic diff and the suggested
//! version and can be approved or rejected (never by its requester: the server refuses).

use fachwerk_shared::api::{Publication, Status};
use leptos::prelude::*;

use super::drafts::short_date;
use super::text as tx;
use super::{tr, Srv};
use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::route::Route;

pub fn inbox_screen(lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let publications = LocalResource::new(api::list_publications);
    Effect::new(move || {
        if let Some(Err(e)) = publications.get() {
            srv.fail(e.message(lang.get_untracked()));
        }
    });
    let open = RwSignal::new(None::<Publication>);
    let note = RwSignal::new(None::<(bool, String)>);
    let reload = move || publications.refetch();
    let load_detail = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::get_publication(&id).await {
                Ok(p) => {
                    open.set(Some(p));
                    super::focus_later("pub-title");
                }
                Err(e) => note.set(Some((true, e.message(lang.get_untracked())))),
            }
        }
    });
    // The URL names the open request (`/freigaben/{id}`), so a link opens it and Back closes it.
    Effect::new(move |_| match srv.route.get() {
        Route::Request(id) => {
            if !open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id == id)) {
                note.set(None);
                load_detail.dispatch_local(id);
            }
        }
        _ => open.set(None),
    });
    let show = move |id: String| srv.go(Route::Request(id));
    let items = move || {
        let lang = lang.get();
        // A failed load shows the empty list; the error is in the message bar.
        match publications.get().map(Result::unwrap_or_default) {
            None => view! { <p>{tx::LOADING.get(lang)}</p> }.into_any(),
            Some(v) if v.is_empty() => {
                view! { <p id="inbox-empty">{tx::INBOX_EMPTY.get(lang)}</p> }.into_any()
            }
            Some(v) => {
                let rows = v
                    .into_iter()
                    .map(|p| {
                        let id = p.id.clone();
                        let label = format!(
                            "{} → {} · {} {} · {}",
                            p.name,
                            p.suggested_version,
                            tx::REQUESTER.get(lang),
                            p.requester,
                            tx::status_text(p.status, lang)
                        );
                        let current = {
                            let id = p.id.clone();
                            move || open.with(|o| o.as_ref().is_some_and(|o| o.id == id))
                        };
                        view! {
                            <li class="pub-item" data-id=p.id.clone() data-key=p.key.clone() data-status=api::wire_name(&p.status)>
                                <button type="button" class="pub-open" aria-current=move || current().then_some("true") on:click=move |_| show(id.clone())>
                                    {label}
                                </button>
                                <time class="srv-muted" datetime=p.created_at.clone()>{short_date(&p.created_at)}</time>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                view! { <ul id="inbox-list" class="srv-list">{rows}</ul> }.into_any()
            }
        }
    };
    let detail = move || {
        open.get()
            .map(|p| detail_view(lang, srv, p, open, note, reload))
    };
    view! {
        {super::remote::remote_line(lang, srv)}
        <div class="srv-split">
            <div class="srv-split-list">{items}</div>
            <div class="srv-split-detail">
                {detail}
                <p id="pub-message" role="status" aria-live="polite" class:srv-error=move || note.with(|n| n.as_ref().is_some_and(|n| n.0))>
                    {move || crate::a11y::marked(note.with(|n| n.as_ref().map(|n| n.1.clone()).unwrap_or_default()))}
                </p>
            </div>
        </div>
    }
    .into_any()
}

/// A reviewer's decision on the open request.
#[derive(Debug, Clone, PartialEq)]
enum Decision {
    Approve,
    Reject(String),
}

fn detail_view(
    ui_lang: RwSignal<Lang>,
    srv: Srv,
    p: Publication,
    open: RwSignal<Option<Publication>>,
    note: RwSignal<Option<(bool, String)>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let lang = ui_lang.get_untracked();
    let comment = RwSignal::new(String::new());
    let id = p.id.clone();
    let base = p.base_version.clone();
    let changes: Vec<(String, String, String)> = match &p.diff {
        Some(d) => d
            .changes
            .iter()
            .map(|c| {
                (
                    c.message_de.clone(),
                    c.message_en.clone(),
                    format!("{:?}", c.impact).to_ascii_lowercase(),
                )
            })
            .collect(),
        None => p
            .changes_de
            .iter()
            .map(|c| (c.clone(), c.clone(), String::new()))
            .collect(),
    };
    let change_items = move || {
        let l = ui_lang.get();
        if changes.is_empty() {
            return view! { <p>{tx::NO_CHANGES.get(l)}</p> }.into_any();
        }
        let items = changes
            .iter()
            .map(|(de, en, impact)| {
                let text = if l == Lang::De {
                    de.clone()
                } else {
                    en.clone()
                };
                view! { <li class=format!("change impact-{impact}")>{text}</li> }
            })
            .collect::<Vec<_>>();
        view! { <ul id="pub-changes" class="srv-changes">{items}</ul> }.into_any()
    };
    let decide = Action::new_local({
        let id = id.clone();
        move |d: &Decision| {
            let (id, d) = (id.clone(), d.clone());
            async move {
                let lang = ui_lang.get_untracked();
                let r = match &d {
                    Decision::Approve => api::approve_publication(&id).await,
                    Decision::Reject(comment) => api::reject_publication(&id, comment).await,
                };
                match r {
                    Ok(p) => {
                        let text = match d {
                            Decision::Approve => {
                                format!("{} {}.", tx::APPROVED.get(lang), p.suggested_version)
                            }
                            Decision::Reject(_) => tx::REJECTED.get(lang).into(),
                        };
                        note.set(Some((false, text)));
                        open.set(Some(p));
                        reload();
                        // The decision buttons are gone: the focus goes to the request's
                        // title, the message below says what happened.
                        super::focus_later("pub-title");
                    }
                    Err(e) if e.status == 403 => {
                        let why = if lang == Lang::De {
                            e.detail.clone()
                        } else {
                            tx::REFUSED_EN.into()
                        };
                        note.set(Some((true, format!("{}: {why}", tx::REFUSED.get(lang)))));
                    }
                    Err(e) => note.set(Some((true, e.message(lang)))),
                }
            }
        }
    });
    let approve = move |_| {
        note.set(None);
        decide.dispatch_local(Decision::Approve);
    };
    let reject = move |_| {
        let c = comment.get_untracked();
        if c.trim().is_empty() {
            let lang = ui_lang.get_untracked();
            note.set(Some((true, tx::REJECT_EMPTY.get(lang).into())));
            super::focus_later("reject-comment");
            return;
        }
        note.set(None);
        decide.dispatch_local(Decision::Reject(c.trim().to_string()));
    };
    let review = {
        let id = p.id.clone();
        move |_| {
            srv.go(Route::RequestReview(id.clone()));
            super::focus_later("srv-screen-title");
        }
    };
    let pending = p.status == Status::Pending;
    let own = srv
        .me
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.username == p.requester));
    let status = p.status;
    let version_line = tx::release_text(base.as_deref(), &p.suggested_version, p.bump, lang);
    view! {
        <article id="pub-detail" class="srv-detail" data-id=id.clone() data-status=api::wire_name(&p.status)>
            <h3 id="pub-title" tabindex="-1">{format!("{} ({})", p.name, p.key)}</h3>
            <dl class="srv-facts">
                <dt>{t(tx::REQUESTER)}</dt><dd id="pub-requester">{p.requester.clone()}</dd>
                <dt>{t(tx::STATUS)}</dt><dd id="pub-status">{move || tx::status_text(status, ui_lang.get())}</dd>
                <dt>{t(tx::SUGGESTED)}</dt><dd id="pub-version">{version_line}</dd>
                <dt>{t(tx::NOTE)}</dt><dd id="pub-note">{p.note.clone()}</dd>
            </dl>
            <h4>{t(tx::CHANGES)}</h4>
            {change_items}
            <button type="button" id="btn-pub-review" on:click=review>{t(tx::SHOW_DIFF)}</button>
            <Show when=move || pending && own>
                <p id="pub-own-hint" class="srv-hint">{t(tx::OWN_REQUEST)}</p>
            </Show>
            <Show when=move || pending>
                <div class="srv-decide">
                    // Four eyes: one's own request cannot be approved; the hint above says why.
                    <button type="button" id="btn-approve" class="primary" disabled=own aria-describedby=own.then_some("pub-own-hint") on:click=approve>{t(tx::APPROVE)}</button>
                    <div class="field">
                        <label for="reject-comment">{t(tx::REJECT_COMMENT)}</label>
                        <textarea id="reject-comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" id="btn-reject" on:click=reject>{t(tx::REJECT)}</button>
                </div>
            </Show>
        </article>
    }
}
