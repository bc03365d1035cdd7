//! "Vorlagen": template sources of other authorities, the template list, "Übernehmen" (with the
//! template parameters) and upstream updates of imported drafts with a three-way merge
//! (issue #8). This module holds the screen's state, loading and actions; `lists` and `panels`
//! render it.

mod lists;
mod panels;

use std::collections::BTreeMap;

use fachwerk_shared::api::{
    Choice, DraftSummary, FetchState, SourceRecord, TemplateView, UpstreamView,
};
use fachwerk_shared::merge::Side;
use leptos::prelude::*;

use super::opening::open_in_editor;
use super::text as tx;
use super::{focus_later, tr, Srv};
use crate::api::{self, ApiError};
use crate::i18n::{Lang, T};
use crate::pure::route::Opening;

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

/// The drafts imported from a template, with their upstream state.
async fn imported_drafts() -> Vec<Imported> {
    let drafts = api::list_drafts().await.unwrap_or_default();
    let mut out = Vec::new();
    for d in drafts {
        if let Ok(up) = api::draft_upstream(&d.id).await {
            if up.source.is_some() {
                out.push(Imported { draft: d, up });
            }
        }
    }
    out
}

/// Converts German amounts ("25.000,50 €") to the canonical form ("25000.50").
fn canonical_amount(v: &str) -> String {
    let v = v.trim().replace(['€', ' '], "");
    if v.contains(',') {
        v.replace('.', "").replace(',', ".")
    } else {
        v
    }
}

/// State, data and actions of the templates screen; `Copy`, handed to the views.
#[derive(Clone, Copy)]
struct Tpl {
    ui_lang: RwSignal<Lang>,
    srv: Srv,
    /// Logged in with the editor role: may take templates over and merge updates.
    can_edit: bool,
    templates: LocalResource<Result<Vec<TemplateView>, ApiError>>,
    sources: LocalResource<Vec<SourceRecord>>,
    imported: LocalResource<Vec<Imported>>,
    /// (is_error, text) of the screen's live region.
    status: RwSignal<Option<(bool, String)>>,
    importing: RwSignal<Option<TemplateView>>,
    params: RwSignal<BTreeMap<String, String>>,
    merging: RwSignal<Option<Imported>>,
    choices: RwSignal<BTreeMap<usize, Side>>,
    refetch: Action<String, ()>,
    import: Action<(), ()>,
    merge: Action<(), ()>,
}

impl Tpl {
    fn start_import(self, tv: TemplateView) {
        self.params.set(
            tv.template_params
                .iter()
                .map(|p| (p.id.clone(), p.default.to_canonical()))
                .collect(),
        );
        crate::a11y::note_opener("tpl-import");
        self.importing.set(Some(tv));
        self.status.set(None);
        focus_later("tpl-import-title");
    }

    fn start_merge(self, i: Imported) {
        self.choices.set(BTreeMap::new());
        crate::a11y::note_opener("tpl-merge");
        self.merging.set(Some(i));
        self.status.set(None);
        focus_later("tpl-merge-title");
    }
}

pub fn templates_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> AnyView {
    let t = move |s: T| tr(ui_lang, s);
    // Anyone may browse the templates; sources and taking a template over need an editor.
    let can_edit = srv
        .me
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.role.can_edit()));
    let logged_in = srv.me.with_untracked(Option::is_some);
    let templates = LocalResource::new(api::list_templates);
    let sources = LocalResource::new(move || async move {
        if logged_in {
            api::list_sources().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let imported = LocalResource::new(move || async move {
        if can_edit {
            imported_drafts().await
        } else {
            Vec::new()
        }
    });
    let status = RwSignal::new(None::<(bool, String)>);
    Effect::new(move || {
        if let Some(Err(e)) = templates.get() {
            status.set(Some((true, e.message(ui_lang.get_untracked()))));
        }
    });
    // (objects received, percent) while a source is fetched.
    let progress = RwSignal::new(None::<(u64, Option<u8>)>);
    let url = RwSignal::new(String::new());
    let importing = RwSignal::new(None::<TemplateView>);
    let params = RwSignal::new(BTreeMap::<String, String>::new());
    let merging = RwSignal::new(None::<Imported>);
    let choices = RwSignal::new(BTreeMap::<usize, Side>::new());
    let reload = move || {
        templates.refetch();
        sources.refetch();
        imported.refetch();
    };

    // Polls a source until its fetch ends; reports progress and the outcome.
    let watch = Action::new_local(move |r: &SourceRecord| {
        let mut r = r.clone();
        async move {
            let lang = ui_lang.get_untracked();
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
            // The fetch's message is German only: marked as German (`crate::a11y::marked`).
            let message = crate::pure::lang_parts::german(&r.message_de);
            status.set(Some((!ok, format!("{}: {message}", head.get(lang)))));
            reload();
        }
    });

    let add = Action::new_local(move |_: &()| async move {
        let lang = ui_lang.get_untracked();
        let u = url.get_untracked().trim().to_string();
        if u.is_empty() {
            status.set(Some((true, tx::TPL_URL_EMPTY.get(lang).into())));
            focus_later("tpl-source-url");
            return;
        }
        status.set(Some((false, tx::TPL_FETCHING.get(lang).into())));
        match api::add_source(&u).await {
            Ok(r) => {
                url.set(String::new());
                watch.dispatch_local(r);
            }
            Err(e) => {
                status.set(Some((true, e.message(lang))));
                focus_later("tpl-source-url");
            }
        }
    });

    let refetch = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::refetch_source(&id).await {
                Ok(r) => {
                    watch.dispatch_local(r);
                }
                Err(e) => status.set(Some((true, e.message(ui_lang.get_untracked())))),
            }
        }
    });

    let import = Action::new_local(move |_: &()| async move {
        let Some(tv) = importing.get_untracked() else {
            return;
        };
        let lang = ui_lang.get_untracked();
        let values: BTreeMap<String, String> = params
            .get_untracked()
            .into_iter()
            .map(|(k, v)| (k, canonical_amount(&v)))
            .collect();
        srv.busy.set(true);
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
                open_in_editor(
                    srv,
                    Opening::Draft {
                        id: d.id,
                        message: text,
                    },
                );
            }
            Err(e) => status.set(Some((true, e.message(lang)))),
        }
    });

    let merge = Action::new_local(move |_: &()| async move {
        let Some(i) = merging.get_untracked() else {
            return;
        };
        let lang = ui_lang.get_untracked();
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
                open_in_editor(
                    srv,
                    Opening::Draft {
                        id: d.id,
                        message: text,
                    },
                );
            }
            Err(e) => status.set(Some((true, e.message(lang)))),
        }
    });

    let tpl = Tpl {
        ui_lang,
        srv,
        can_edit,
        templates,
        sources,
        imported,
        status,
        importing,
        params,
        merging,
        choices,
        refetch,
        import,
        merge,
    };

    let status_line = move || {
        let (is_err, text) = status.get().unwrap_or_default();
        view! {
            <p id="tpl-status" class="tpl-status" role="status" aria-live="polite" class:srv-error=is_err>
                {crate::a11y::marked(text)}
            </p>
            {move || progress.get().map(|(n, pct)| {
                let lang = ui_lang.get();
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
                <form id="tpl-add-form" class="tpl-add-form" on:submit=move |ev| {
                    ev.prevent_default();
                    add.dispatch_local(());
                }>
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

    if !can_edit {
        // Read only: the templates, and why they cannot be taken over.
        let why = if logged_in {
            T(
                "Nur lesen: Vorlagen übernehmen können Personen mit der Rolle Bearbeitung.",
                "Read only: people with the editor role can take templates over.",
            )
        } else {
            T(
                "Nur lesen: Zum Übernehmen einer Vorlage bitte anmelden.",
                "Read only: please log in to take a template over.",
            )
        };
        return view! {
            <div id="tpl-screen" class="tpl-screen" data-read-only="true">
                {status_line}
                <p id="tpl-read-only" class="srv-hint">{t(why)}</p>
                <section class="tpl-section" aria-labelledby="tpl-list-title">
                    <h3 id="tpl-list-title">{t(tx::TPL_LIST)}</h3>
                    {lists::templates_view(tpl)}
                </section>
            </div>
        }
        .into_any();
    }
    view! {
        <div id="tpl-screen" class="tpl-screen">
            {status_line}
            {panels::import_form(tpl)}
            {panels::merge_view(tpl)}
            <section class="tpl-section" aria-labelledby="tpl-drafts-title">
                <h3 id="tpl-drafts-title">{t(tx::TPL_DRAFTS)}</h3>
                {lists::drafts_view(tpl)}
            </section>
            <section class="tpl-section" aria-labelledby="tpl-list-title">
                <h3 id="tpl-list-title">{t(tx::TPL_LIST)}</h3>
                {lists::templates_view(tpl)}
            </section>
            {add_form}
            <section class="tpl-section" aria-labelledby="tpl-sources-title">
                <h3 id="tpl-sources-title">{t(tx::TPL_SOURCES)}</h3>
                {lists::sources_view(tpl)}
            </section>
        </div>
    }
    .into_any()
}
