//! Version history of a published workflow: who requested and approved each version, when, and
//! why; any version opens read-only (review screen) or into the editor.

use fachwerk_shared::api::{VersionInfo, WorkflowSummary};
use leptos::prelude::*;

use super::drafts::short_date;
use super::review::{ReviewRequest, Side};
use super::text as tx;
use super::{tr, Screen, Srv};
use crate::api;
use crate::editor::{commands, Editor};
use crate::i18n::T;

pub fn history_screen(ed: Editor, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ed.lang, s);
    let workflows = RwSignal::new(Vec::<WorkflowSummary>::new());
    let key = RwSignal::new(String::new());
    let versions = RwSignal::new(None::<Vec<VersionInfo>>);
    let load_versions = move |k: String| {
        key.set(k.clone());
        versions.set(None);
        if k.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::list_versions(&k).await {
                Ok(v) => versions.set(Some(v)),
                Err(e) => {
                    versions.set(Some(Vec::new()));
                    srv.fail(e.message(ed.lang.get_untracked()));
                }
            }
        });
    };
    leptos::task::spawn_local(async move {
        match api::list_workflows().await {
            Ok(list) => {
                let current = srv
                    .history_key
                    .get_untracked()
                    .unwrap_or_else(|| ed.wf.with_untracked(|w| w.key.clone()));
                let pick = if list.iter().any(|w| w.key == current) {
                    current
                } else {
                    String::new()
                };
                workflows.set(list);
                load_versions(pick);
            }
            Err(e) => srv.fail(e.message(ed.lang.get_untracked())),
        }
    });
    let options = move || {
        workflows
            .get()
            .into_iter()
            .map(|w| {
                let k = w.key.clone();
                let selected = move || key.get() == k;
                view! { <option value=w.key.clone() selected=selected>{format!("{} ({}, {})", w.name, w.key, w.latest_version)}</option> }
            })
            .collect::<Vec<_>>()
    };
    let view_version = move |v: String| {
        srv.review.set(Some(ReviewRequest {
            key: key.get_untracked(),
            old: None,
            new: Side::Version(v),
        }));
        srv.open(ed, Screen::Review);
    };
    let edit_version = move |v: String| {
        let k = key.get_untracked();
        leptos::task::spawn_local(async move {
            let lang = ed.lang.get_untracked();
            match api::get_version(&k, &v).await {
                Ok(w) => {
                    srv.set_draft(None);
                    ed.replace(w);
                    srv.close();
                    request_animation_frame(move || commands::fit(ed));
                    srv.ok(tx::OPENED_VERSION.get(lang).into());
                }
                Err(e) => srv.fail(e.message(lang)),
            }
        });
    };
    let table = move || {
        let lang = ed.lang.get();
        versions.get().map(|vs| {
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
                            <td>{short_date(&v.date)}</td>
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
            <select id="history-key" on:change=move |ev| load_versions(event_target_value(&ev))>
                <option value="" selected=move || key.get().is_empty()>{t(tx::CHOOSE)}</option>
                {options}
            </select>
        </div>
        {table}
    }
}
