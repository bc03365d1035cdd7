//! "Vorlagen": template sources of other authorities, the template list, "Übernehmen" (with the
//! template parameters) and upstream updates of imported drafts with a three-way merge
//! (issue #8).

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::text as tx;
use super::{focus_later, tr, DraftRef, Srv};
use fachwerk_shared::api::{
    Choice, DraftSummary, DraftView, FetchState, SourceRecord, TemplateView, UpstreamView,
};
use fachwerk_shared::merge::Side;

use crate::api;
use crate::editor::{commands, Editor};
use crate::i18n::{Lang, T};

/// Waits `ms` milliseconds (browser timer).
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// An imported draft and what its upstream check said.
#[derive(Debug, Clone, PartialEq)]
struct Imported {
    draft: DraftSummary,
    up: UpstreamView,
}

/// A JSON value of a merge conflict as people read it.
fn value_text(v: &Option<serde_json::Value>, lang: Lang) -> String {
    match v {
        None | Some(serde_json::Value::Null) => tx::TPL_ABSENT.get(lang).to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Opens a draft the server returned in the editor and closes the screen.
fn open_in_editor(ed: Editor, srv: Srv, d: DraftView, text: String) {
    srv.set_draft(Some(DraftRef {
        id: d.id,
        revision: d.revision,
        key: d.workflow.key.clone(),
    }));
    ed.replace(d.workflow);
    srv.close();
    request_animation_frame(move || commands::fit(ed));
    srv.ok(text);
}

fn change_list(
    id: &'static str,
    d: &Option<fachwerk_shared::diff::WorkflowDiff>,
    lang: Lang,
) -> impl IntoView {
    let items = d
        .as_ref()
        .map(|d| d.changes.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let m = if lang == Lang::De {
                c.message_de
            } else {
                c.message_en
            };
            view! { <li>{m}</li> }
        })
        .collect::<Vec<_>>();
    let empty = items.is_empty();
    view! {
        <ul id=id class="tpl-changes">
            {items}
            {empty.then(|| view! { <li class="tpl-none">{tx::NO_CHANGES.get(lang)}</li> })}
        </ul>
    }
}

pub fn templates_screen(ed: Editor, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ed.lang, s);
    let templates = RwSignal::new(None::<Vec<TemplateView>>);
    let sources = RwSignal::new(Vec::<SourceRecord>::new());
    let imported = RwSignal::new(None::<Vec<Imported>>);
    // (is_error, text) of the screen's live region.
    let status = RwSignal::new(None::<(bool, String)>);
    let progress = RwSignal::new(None::<(u64, Option<u8>)>);
    let url = RwSignal::new(String::new());
    let importing = RwSignal::new(None::<TemplateView>);
    let params = RwSignal::new(BTreeMap::<String, String>::new());
    let merging = RwSignal::new(None::<Imported>);
    let choices = RwSignal::new(BTreeMap::<usize, Side>::new());

    let load = move || {
        leptos::task::spawn_local(async move {
            let lang = ed.lang.get_untracked();
            match api::list_templates().await {
                Ok(v) => templates.set(Some(v)),
                Err(e) => {
                    templates.set(Some(Vec::new()));
                    status.set(Some((true, e.message(lang))));
                }
            }
            if let Ok(v) = api::list_sources().await {
                sources.set(v);
            }
            let drafts = api::list_drafts().await.unwrap_or_default();
            let mut out = Vec::new();
            for d in drafts {
                if let Ok(up) = api::draft_upstream(&d.id).await {
                    if up.source.is_some() {
                        out.push(Imported { draft: d, up });
                    }
                }
            }
            imported.set(Some(out));
        });
    };
    load();

    // Polls a source until its fetch ends; reports progress and the outcome.
    let watch = move |mut r: SourceRecord| {
        leptos::task::spawn_local(async move {
            let lang = ed.lang.get_untracked();
            status.set(Some((false, tx::TPL_FETCHING.get(lang).into())));
            for _ in 0..600 {
                if r.state != FetchState::Fetching {
                    break;
                }
                let p = r.progress.unwrap_or_default();
                progress.set(Some((p.received_objects, p.percent)));
                sleep(250).await;
                match api::get_source(&r.id).await {
                    Ok(next) => r = next,
                    Err(e) => {
                        progress.set(None);
                        status.set(Some((true, e.message(lang))));
                        return;
                    }
                }
            }
            progress.set(None);
            let ok = r.state == FetchState::Ready;
            let head = if ok {
                tx::TPL_FETCHED
            } else {
                tx::TPL_FETCH_FAILED
            };
            status.set(Some((!ok, format!("{}: {}", head.get(lang), r.message_de))));
            load();
        });
    };

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = ed.lang.get_untracked();
        let u = url.get_untracked().trim().to_string();
        if u.is_empty() {
            status.set(Some((true, tx::TPL_URL_EMPTY.get(lang).into())));
            focus_later("tpl-source-url");
            return;
        }
        status.set(Some((false, tx::TPL_FETCHING.get(lang).into())));
        leptos::task::spawn_local(async move {
            match api::add_source(&u).await {
                Ok(r) => {
                    url.set(String::new());
                    watch(r);
                }
                Err(e) => {
                    status.set(Some((true, e.message(lang))));
                    focus_later("tpl-source-url");
                }
            }
        });
    };

    let refetch = move |id: String| {
        leptos::task::spawn_local(async move {
            match api::refetch_source(&id).await {
                Ok(r) => watch(r),
                Err(e) => status.set(Some((true, e.message(ed.lang.get_untracked())))),
            }
        });
    };

    let start_import = move |tv: TemplateView| {
        params.set(
            tv.template_params
                .iter()
                .map(|p| (p.id.clone(), p.default.to_canonical()))
                .collect(),
        );
        importing.set(Some(tv));
        status.set(None);
        focus_later("tpl-import-title");
    };

    let do_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(tv) = importing.get_untracked() else {
            return;
        };
        let lang = ed.lang.get_untracked();
        // German amounts ("25.000,50") become "25000.50".
        let values: BTreeMap<String, String> = params
            .get_untracked()
            .into_iter()
            .map(|(k, v)| {
                let v = v.trim().replace(['€', ' '], "");
                let v = if v.contains(',') {
                    v.replace('.', "").replace(',', ".")
                } else {
                    v
                };
                (k, v)
            })
            .collect();
        srv.busy.set(true);
        leptos::task::spawn_local(async move {
            let r = api::import_template(&tv.source.id, &tv.key, &tv.version, &values).await;
            srv.busy.set(false);
            match r {
                Ok(d) => {
                    importing.set(None);
                    let text = format!(
                        "{}: {} {} {}.",
                        tx::TPL_IMPORTED.get(lang),
                        tv.name,
                        tx::TPL_TO_VERSION.get(lang),
                        tv.version
                    );
                    open_in_editor(ed, srv, d, text);
                }
                Err(e) => status.set(Some((true, e.message(lang)))),
            }
        });
    };

    let start_merge = move |i: Imported| {
        choices.set(BTreeMap::new());
        merging.set(Some(i));
        status.set(None);
        focus_later("tpl-merge-title");
    };

    let do_merge = move |_| {
        let Some(i) = merging.get_untracked() else {
            return;
        };
        let lang = ed.lang.get_untracked();
        let conflicts = i.up.merged.as_ref().map(|m| m.conflicts.len()).unwrap_or(0);
        let chosen: Vec<Choice> = choices
            .get_untracked()
            .into_iter()
            .map(|(conflict, side)| Choice { conflict, side })
            .collect();
        if chosen.len() < conflicts {
            status.set(Some((true, tx::TPL_CHOOSE_ALL.get(lang).into())));
            return;
        }
        srv.busy.set(true);
        leptos::task::spawn_local(async move {
            let r = api::merge_upstream(
                &i.draft.id,
                i.draft.revision,
                i.up.new_version.as_deref(),
                chosen,
            )
            .await;
            srv.busy.set(false);
            match r {
                Ok(d) => {
                    merging.set(None);
                    let text = format!(
                        "{}: {} {} ({} {}).",
                        tx::TPL_MERGED.get(lang),
                        tx::TPL_TO_VERSION.get(lang),
                        i.up.new_version.clone().unwrap_or_default(),
                        tx::REVISION.get(lang),
                        d.revision
                    );
                    open_in_editor(ed, srv, d, text);
                }
                Err(e) => status.set(Some((true, e.message(lang)))),
            }
        });
    };

    // ---- views --------------------------------------------------------------------------

    let status_line = move || {
        let (is_err, text) = status.get().unwrap_or_default();
        view! {
            <p id="tpl-status" class="tpl-status" role="status" aria-live="polite" class:srv-error=is_err>
                {text}
            </p>
            {move || progress.get().map(|(n, pct)| {
                let lang = ed.lang.get();
                view! {
                    <div class="tpl-progress-line">
                        <progress id="tpl-progress" max="100" value=pct.map(|p| p.to_string()) aria-label=tx::TPL_FETCHING.get(lang)></progress>
                        <span>{format!("{n} {}", tx::TPL_OBJECTS.get(lang))}</span>
                    </div>
                }
            })}
        }
    };

    let add_form = move || {
        view! {
            <section class="tpl-section" aria-labelledby="tpl-add-title">
                <h3 id="tpl-add-title">{t(tx::TPL_ADD_TITLE)}</h3>
                <form id="tpl-add-form" class="tpl-add-form" on:submit=add>
                    <div class="field">
                        <label for="tpl-source-url">{t(tx::TPL_URL)}</label>
                        <input id="tpl-source-url" type="text" spellcheck="false" aria-describedby="tpl-url-hint" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                        <p id="tpl-url-hint" class="hint">{t(tx::TPL_URL_HINT)}</p>
                    </div>
                    <button type="submit" id="tpl-add" class="primary" aria-busy=move || progress.with(Option::is_some).to_string()>{t(tx::TPL_ADD)}</button>
                </form>
            </section>
        }
    };

    let sources_view = move || {
        let lang = ed.lang.get();
        let list = sources.get();
        if list.is_empty() {
            return view! { <p id="tpl-no-sources">{tx::TPL_NO_SOURCES.get(lang)}</p> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|r| {
                let id = r.id.clone();
                let name = r
                    .catalogue
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                view! {
                    <li class="tpl-source" data-source-id=r.id.clone() data-state=api::wire_name(&r.state)>
                        <strong>{name}</strong> " " <code>{r.url.clone()}</code>
                        <p class="tpl-source-msg" class:srv-error=r.state == FetchState::Error>{r.message_de.clone()}</p>
                        <button type="button" class="tpl-refetch" on:click=move |_| refetch(id.clone())>{tx::TPL_REFETCH.get(lang)}</button>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul id="tpl-sources" class="tpl-sources">{rows}</ul> }.into_any()
    };

    let templates_view = move || {
        let lang = ed.lang.get();
        let Some(list) = templates.get() else {
            return view! { <p>{tx::LOADING.get(lang)}</p> }.into_any();
        };
        if list.is_empty() {
            return view! { <p id="tpl-none">{tx::TPL_NONE.get(lang)}</p> }.into_any();
        }
        let updates = imported.get().unwrap_or_default();
        let rows = list
            .into_iter()
            .map(|tv| {
                let update = updates.iter().any(|i| {
                    i.up.available
                        && i.up.key.as_deref() == Some(tv.key.as_str())
                        && i.up.source.as_deref() == Some(tv.source.url.as_str())
                });
                let source = if tv.source.own {
                    tx::TPL_OWN.get(lang).to_string()
                } else {
                    tv.source.name.clone()
                };
                let check = if tv.valid {
                    view! { <span class="tpl-valid">{tx::TPL_VALID.get(lang)}</span> }.into_any()
                } else {
                    let msgs = tv
                        .errors
                        .messages
                        .iter()
                        .map(|m| view! { <li>{m.clone()}</li> })
                        .collect::<Vec<_>>();
                    view! {
                        <span class="tpl-invalid srv-error">{format!("{} ({})", tx::TPL_INVALID.get(lang), tv.errors.count)}</span>
                        <ul class="tpl-errors">{msgs}</ul>
                    }
                    .into_any()
                };
                let label = format!("{} {} ({source})", tx::TPL_IMPORT.get(lang), tv.name);
                let valid = tv.valid;
                let tv2 = tv.clone();
                view! {
                    <tr class="tpl-row" data-source-id=tv.source.id.clone() data-key=tv.key.clone() data-own=tv.source.own.to_string()>
                        <td>
                            <strong>{tv.name.clone()}</strong>
                            {update.then(|| view! { " " <span class="tpl-badge">{tx::TPL_UPDATE.get(lang)}</span> })}
                            <br /><span class="tpl-desc" title=tv.description.clone()>{tv.description.clone()}</span>
                        </td>
                        <td>{source}</td>
                        <td>{tv.version.clone()}</td>
                        <td>{tv.publisher.clone()}</td>
                        <td>{tv.licence.clone()}</td>
                        <td>{check}</td>
                        <td class="srv-row-actions">
                            <button type="button" class="tpl-import" aria-label=label disabled=!valid on:click=move |_| start_import(tv2.clone())>
                                {tx::TPL_IMPORT.get(lang)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <table id="tpl-table" class="srv-table tpl-table">
                <thead>
                    <tr>
                        <th scope="col">{tx::NAME.get(lang)}</th>
                        <th scope="col">{tx::TPL_SOURCE.get(lang)}</th>
                        <th scope="col">{tx::VERSION.get(lang)}</th>
                        <th scope="col">{tx::TPL_PUBLISHER.get(lang)}</th>
                        <th scope="col">{tx::TPL_LICENCE.get(lang)}</th>
                        <th scope="col">{tx::TPL_CHECK.get(lang)}</th>
                        <th scope="col">{tx::ACTIONS.get(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    let drafts_view = move || {
        let lang = ed.lang.get();
        let Some(list) = imported.get() else {
            return view! { <p>{tx::LOADING.get(lang)}</p> }.into_any();
        };
        if list.is_empty() {
            return view! { <p id="tpl-no-drafts">{tx::TPL_NO_DRAFTS.get(lang)}</p> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|i| {
                let available = i.up.available;
                let base = i.up.base_version.clone().unwrap_or_default();
                let state = if available {
                    view! {
                        <span class="tpl-badge">{format!("{}: {}", tx::TPL_UPDATE.get(lang), i.up.new_version.clone().unwrap_or_default())}</span>
                    }
                    .into_any()
                } else {
                    view! { <span class="tpl-current">{tx::TPL_CURRENT.get(lang)}</span> }.into_any()
                };
                let i2 = i.clone();
                view! {
                    <tr class="tpl-draft" data-draft-id=i.draft.id.clone() data-key=i.draft.key.clone() data-available=available.to_string()>
                        <td>{i.draft.name.clone()}</td>
                        <td>{format!("{} {}", i.up.key.clone().unwrap_or_default(), base)}</td>
                        <td>{state}</td>
                        <td class="srv-row-actions">
                            {available.then(|| view! {
                                <button type="button" class="tpl-show-update" on:click=move |_| start_merge(i2.clone())>{tx::TPL_SHOW_UPDATE.get(lang)}</button>
                            })}
                        </td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <table id="tpl-drafts" class="srv-table">
                <thead>
                    <tr>
                        <th scope="col">{tx::NAME.get(lang)}</th>
                        <th scope="col">{tx::TPL_BASED_ON.get(lang)}</th>
                        <th scope="col">{tx::STATUS.get(lang)}</th>
                        <th scope="col">{tx::ACTIONS.get(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    let import_form = move || {
        let tv = importing.get()?;
        let lang = ed.lang.get();
        let fields = tv
            .template_params
            .iter()
            .map(|p| {
                let (id, id2) = (p.id.clone(), p.id.clone());
                let input_id = format!("tpl-param-{}", p.id);
                view! {
                    <div class="field">
                        <label for=input_id.clone()>{format!("{} (€)", p.label)}</label>
                        <input id=input_id class="tpl-param" type="text" inputmode="decimal" data-param=p.id.clone()
                            prop:value=move || params.with(|m| m.get(&id).cloned().unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                params.update(|m| {
                                    m.insert(id2.clone(), v);
                                });
                            } />
                    </div>
                }
            })
            .collect::<Vec<_>>();
        let hint = if tv.template_params.is_empty() {
            tx::TPL_NO_PARAMS
        } else {
            tx::TPL_PARAMS_HINT
        };
        Some(view! {
            <section id="tpl-import-form" class="tpl-panel" aria-labelledby="tpl-import-title" on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.stop_propagation();
                    importing.set(None);
                }
            }>
                <h3 id="tpl-import-title" tabindex="-1">{format!("{}: {} ({} {})", tx::TPL_PARAMS_TITLE.get(lang), tv.name, tx::VERSION.get(lang), tv.version)}</h3>
                <p class="hint">{hint.get(lang)}</p>
                <form on:submit=do_import>
                    {fields}
                    <div class="srv-actions">
                        <button type="submit" id="tpl-import-confirm" class="primary" aria-busy=move || srv.busy.get().to_string()>{tx::TPL_IMPORT_CONFIRM.get(lang)}</button>
                        <button type="button" id="tpl-import-cancel" on:click=move |_| importing.set(None)>{tx::CANCEL.get(lang)}</button>
                    </div>
                </form>
            </section>
        })
    };

    let merge_view = move || {
        let i = merging.get()?;
        let lang = ed.lang.get();
        let up = &i.up;
        let base = up.base_version.clone().unwrap_or_default();
        let new = up.new_version.clone().unwrap_or_default();
        let conflicts = up
            .merged
            .as_ref()
            .map(|m| m.conflicts.clone())
            .unwrap_or_default();
        let has_conflicts = !conflicts.is_empty();
        let conflict_views = conflicts
            .into_iter()
            .map(|c| {
                let idx = c.index;
                let name = format!("tpl-conflict-{idx}");
                let (ours_id, theirs_id) = (format!("{name}-ours"), format!("{name}-theirs"));
                let (ours_for, theirs_for) = (ours_id.clone(), theirs_id.clone());
                view! {
                    <fieldset class="tpl-conflict" data-conflict=idx.to_string()>
                        <legend><code>{c.location.clone()}</code></legend>
                        <p>{c.message_de.clone()}</p>
                        <p class="hint">{format!("{}: {}", tx::TPL_BASE_VALUE.get(lang), value_text(&c.base, lang))}</p>
                        <div class="tpl-sides">
                            <label class="tpl-side" for=ours_for>
                                <input type="radio" id=ours_id name=name.clone() value="ours" class="tpl-choose-ours"
                                    prop:checked=move || choices.with(|m| m.get(&idx) == Some(&Side::Ours))
                                    on:change=move |_| choices.update(|m| { m.insert(idx, Side::Ours); }) />
                                <span>{tx::TPL_OURS.get(lang)}</span>
                                <output class="tpl-value">{value_text(&c.ours, lang)}</output>
                            </label>
                            <label class="tpl-side" for=theirs_for>
                                <input type="radio" id=theirs_id name=name value="theirs" class="tpl-choose-theirs"
                                    prop:checked=move || choices.with(|m| m.get(&idx) == Some(&Side::Theirs))
                                    on:change=move |_| choices.update(|m| { m.insert(idx, Side::Theirs); }) />
                                <span>{tx::TPL_THEIRS.get(lang)}</span>
                                <output class="tpl-value">{value_text(&c.theirs, lang)}</output>
                            </label>
                        </div>
                    </fieldset>
                }
            })
            .collect::<Vec<_>>();
        Some(view! {
            <section id="tpl-merge" class="tpl-panel" aria-labelledby="tpl-merge-title" on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.stop_propagation();
                    merging.set(None);
                }
            }>
                <h3 id="tpl-merge-title" tabindex="-1">{format!("{}: {} ({base} → {new})", tx::TPL_MERGE_TITLE.get(lang), i.draft.name)}</h3>
                <p id="tpl-merge-message">{up.message_de.clone()}</p>
                {up.warning_de.clone().map(|w| view! { <p class="srv-error">{w}</p> })}
                <div class="tpl-diffs">
                    <div>
                        <h4>{format!("{} ({base} → {new})", tx::TPL_UPSTREAM_CHANGES.get(lang))}</h4>
                        {change_list("tpl-upstream-changes", &up.upstream_diff, lang)}
                    </div>
                    <div>
                        <h4>{format!("{} ({base} → {})", tx::TPL_LOCAL_CHANGES.get(lang), tx::TPL_YOUR_DRAFT.get(lang))}</h4>
                        {change_list("tpl-local-changes", &up.local_diff, lang)}
                    </div>
                </div>
                <p class="hint">{tx::TPL_AUTO.get(lang)}</p>
                {has_conflicts.then(|| view! {
                    <div id="tpl-conflicts">
                        <p><strong>{tx::TPL_CONFLICTS.get(lang)}</strong></p>
                        {conflict_views}
                    </div>
                })}
                <div class="srv-actions">
                    <button type="button" id="tpl-merge-apply" class="primary" aria-busy=move || srv.busy.get().to_string() on:click=do_merge>{tx::TPL_MERGE.get(lang)}</button>
                    <button type="button" id="tpl-merge-cancel" on:click=move |_| merging.set(None)>{tx::CANCEL.get(lang)}</button>
                </div>
            </section>
        })
    };

    view! {
        <div id="tpl-screen" class="tpl-screen">
            {status_line}
            {import_form}
            {merge_view}
            <section class="tpl-section" aria-labelledby="tpl-drafts-title">
                <h3 id="tpl-drafts-title">{t(tx::TPL_DRAFTS)}</h3>
                {drafts_view}
            </section>
            <section class="tpl-section" aria-labelledby="tpl-list-title">
                <h3 id="tpl-list-title">{t(tx::TPL_LIST)}</h3>
                {templates_view}
            </section>
            {add_form}
            <section class="tpl-section" aria-labelledby="tpl-sources-title">
                <h3 id="tpl-sources-title">{t(tx::TPL_SOURCES)}</h3>
                {sources_view}
            </section>
        </div>
    }
}
