//! The three lists of the templates screen: imported drafts with upstream updates, the
//! templates of all catalogues, and the registered sources.

use fachwerk_shared::api::FetchState;
use leptos::prelude::*;

use super::Tpl;
use crate::api;
use crate::server::text as tx;

pub(super) fn drafts_view(tpl: Tpl) -> impl IntoView {
    let Tpl {
        ui_lang, imported, ..
    } = tpl;
    move || {
        let lang = ui_lang.get();
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
                                <button type="button" class="tpl-show-update" on:click=move |_| tpl.start_merge(i2.clone())>{tx::TPL_SHOW_UPDATE.get(lang)}</button>
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
    }
}

pub(super) fn templates_view(tpl: Tpl) -> impl IntoView {
    let Tpl {
        ui_lang,
        templates,
        imported,
        ..
    } = tpl;
    move || {
        let lang = ui_lang.get();
        // A failed load shows the empty list; the error is in the status line.
        let Some(list) = templates.get().map(Result::unwrap_or_default) else {
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
                            {tpl.can_edit.then(|| view! {
                                <button type="button" class="tpl-import" aria-label=label disabled=!valid on:click=move |_| tpl.start_import(tv2.clone())>
                                    {tx::TPL_IMPORT.get(lang)}
                                </button>
                            })}
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
    }
}

pub(super) fn sources_view(tpl: Tpl) -> impl IntoView {
    let Tpl {
        ui_lang,
        sources,
        refetch,
        ..
    } = tpl;
    move || {
        let lang = ui_lang.get();
        let list = sources.get().unwrap_or_default();
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
                        <p class="tpl-source-msg" lang="de" class:srv-error=r.state == FetchState::Error>{r.message_de.clone()}</p>
                        <button type="button" class="tpl-refetch" on:click=move |_| { refetch.dispatch_local(id.clone()); }>{tx::TPL_REFETCH.get(lang)}</button>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul id="tpl-sources" class="tpl-sources">{rows}</ul> }.into_any()
    }
}
