//! Version history of a published workflow: who requested and approved each version, when, and
//! why; any version opens read-only (review screen) or into the editor.

use leptos::prelude::*;

use super::drafts::short_date;
use super::opening::open_in_editor;
use super::text as tx;
use super::{tr, Srv};
use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::route::{Opening, Route};

pub fn history_screen(lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(lang, s);
    let workflows = LocalResource::new(api::list_workflows);
    // The chosen workflow; `None` until the list has loaded and the first choice was made.
    let key = RwSignal::new(None::<String>);
    Effect::new(move || match workflows.get() {
        Some(Ok(list)) if key.get_untracked().is_none() => {
            // Start with the workflow the address names, else the editor's, if it is published.
            let current = match srv.route.get_untracked() {
                Route::History(Some(k)) => k,
                _ => crate::shell::editor_workflow()
                    .map(|w| w.key)
                    .unwrap_or_default(),
            };
            let published = list.iter().any(|w| w.key == current);
            key.set(Some(if published { current } else { String::new() }));
        }
        Some(Err(e)) => srv.fail(e.message(lang.get_untracked())),
        _ => {}
    });
    // `None` while no workflow is chosen.
    let versions = LocalResource::new(move || {
        let k = key.get().unwrap_or_default();
        async move {
            if k.is_empty() {
                return None;
            }
            Some(api::list_versions(&k).await)
        }
    });
    Effect::new(move || {
        if let Some(Some(Err(e))) = versions.get() {
            srv.fail(e.message(lang.get_untracked()));
        }
    });
    let options = move || {
        workflows
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|w| {
                let k = w.key.clone();
                let selected = move || key.get().as_ref() == Some(&k);
                view! { <option value=w.key.clone() selected=selected>{format!("{} ({}, {})", w.name, w.key, w.latest_version)}</option> }
            })
            .collect::<Vec<_>>()
    };
    // The version's own address, so it can be linked and Back returns to the history.
    let view_version = move |version: String| {
        let key = key.get_untracked().unwrap_or_default();
        srv.go(Route::Version { key, version });
        super::focus_later("srv-screen-title");
    };
    let edit_version = move |version: String| {
        let key = key.get_untracked().unwrap_or_default();
        let message = tx::OPENED_VERSION.get(lang.get_untracked()).into();
        open_in_editor(
            srv,
            Opening::Version {
                key,
                version,
                message,
            },
        );
    };
    let table = move || {
        let lang = lang.get();
        // A failed load shows an empty table; the error is in the message bar.
        let versions = versions.get().flatten().map(Result::unwrap_or_default);
        versions.map(|vs| {
            let rows = vs
                .into_iter()
                .rev()
                .map(|v| {
                    let (a, b) = (v.version.clone(), v.version.clone());
                    view! {
                        <tr class="version-row" data-version=v.version.clone()>
                            <th scope="row">{v.version.clone()}</th>
                            <td>{v.author.clone()}</td>
                            <td>{v.approver.clone()}</td>
                            <td><time datetime=v.date.clone()>{short_date(&v.date)}</time></td>
                            <td>{v.note.clone()}</td>
                            <td class="srv-row-actions">
                                <button type="button" class="version-view" on:click=move |_| view_version(a.clone())>{tx::VIEW.get(lang)}</button>
                                <button type="button" class="version-edit" on:click=move |_| edit_version(b.clone())>{tx::EDIT.get(lang)}</button>
                            </td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <table id="versions-table" class="srv-table">
                    <thead>
                        <tr>
                            <th scope="col">{tx::VERSION.get(lang)}</th>
                            <th scope="col">{tx::AUTHOR.get(lang)}</th>
                            <th scope="col">{tx::APPROVER.get(lang)}</th>
                            <th scope="col">{tx::DATE.get(lang)}</th>
                            <th scope="col">{tx::NOTE.get(lang)}</th>
                            <th scope="col">{tx::ACTIONS.get(lang)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
    };
    view! {
        <div class="field srv-inline">
            <label for="history-key">{t(tx::WORKFLOW)}</label>
            <select id="history-key" on:change=move |ev| {
                let k = event_target_value(&ev);
                // The address names the chosen workflow, so Back from a version returns to it.
                srv.replace_route(Route::History(Some(k.clone()).filter(|k| !k.is_empty())));
                key.set(Some(k));
            }>
                <option value="" selected=move || key.get().unwrap_or_default().is_empty()>{t(tx::CHOOSE)}</option>
                {options}
            </select>
        </div>
        {table}
    }
}
