//! The panels that lie over the templates screen: the import form with the template's
//! parameters, and the upstream update with both change lists and the merge conflicts.

use fachwerk_shared::merge::Side;
use leptos::prelude::*;

use super::Tpl;
use crate::i18n::Lang;
use crate::server::text as tx;

/// A JSON value of a merge conflict as people read it.
fn value_text(v: &Option<serde_json::Value>, lang: Lang) -> String {
    match v {
        None | Some(serde_json::Value::Null) => tx::TPL_ABSENT.get(lang).to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
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

pub(super) fn import_form(tpl: Tpl) -> impl IntoView {
    let Tpl {
        ui_lang,
        srv,
        importing,
        params,
        import,
        ..
    } = tpl;
    move || {
        let tv = importing.get()?;
        let lang = ui_lang.get();
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
                    crate::a11y::return_focus("tpl-import");
                }
            }>
                <h3 id="tpl-import-title" tabindex="-1">{format!("{}: {} ({} {})", tx::TPL_PARAMS_TITLE.get(lang), tv.name, tx::VERSION.get(lang), tv.version)}</h3>
                <p class="hint">{hint.get(lang)}</p>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    import.dispatch_local(());
                }>
                    {fields}
                    <div class="srv-actions">
                        <button type="submit" id="tpl-import-confirm" class="primary" aria-busy=move || srv.busy.get().to_string()>{tx::TPL_IMPORT_CONFIRM.get(lang)}</button>
                        <button type="button" id="tpl-import-cancel" on:click=move |_| {
                            importing.set(None);
                            crate::a11y::return_focus("tpl-import");
                        }>{tx::CANCEL.get(lang)}</button>
                    </div>
                </form>
            </section>
        })
    }
}

pub(super) fn merge_view(tpl: Tpl) -> impl IntoView {
    let Tpl {
        ui_lang,
        srv,
        merging,
        choices,
        merge,
        ..
    } = tpl;
    move || {
        let i = merging.get()?;
        let lang = ui_lang.get();
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
                        <p lang="de">{c.message_de.clone()}</p>
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
                    crate::a11y::return_focus("tpl-merge");
                }
            }>
                <h3 id="tpl-merge-title" tabindex="-1">{format!("{}: {} ({base} → {new})", tx::TPL_MERGE_TITLE.get(lang), i.draft.name)}</h3>
                <p id="tpl-merge-message" lang="de">{up.message_de.clone()}</p>
                {up.warning_de.clone().map(|w| view! { <p class="srv-error" lang="de">{w}</p> })}
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
                    <button type="button" id="tpl-merge-apply" class="primary" aria-busy=move || srv.busy.get().to_string() on:click=move |_| { merge.dispatch_local(()); }>{tx::TPL_MERGE.get(lang)}</button>
                    <button type="button" id="tpl-merge-cancel" on:click=move |_| {
                        merging.set(None);
                        crate::a11y::return_focus("tpl-merge");
                    }>{tx::CANCEL.get(lang)}</button>
                </div>
            </section>
        })
    }
}
