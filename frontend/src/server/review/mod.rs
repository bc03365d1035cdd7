//! Review screen (issue #7): two versions of a workflow compared in the browser. The diff is
//! `fachwerk_shared::diff`, the same code the server runs, computed in the Web Worker (large
//! workflows never block the page); the scene (`crate::pure::review_scene`) is drawn from it.
//! This screen picks the versions, loads them and shows the scene's panes beside
//! the list of changes (click → select and centre the block). Side by side, both drawings share
//! one viewport, so zoom and pan stay in step.
//!
//! The drawing uses the editor's geometry and CSS classes, so blocks look exactly as in the
//! designer, but it is a separate read-only SVG: the editor's canvas is bound to the editor's
//! own state.

pub(crate) mod pane;

use fachwerk_shared::api::VersionInfo;
use fachwerk_shared::diff::WorkflowDiff;
use fachwerk_shared::Workflow;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::text as tx;
use super::{tr, Srv};
use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::geometry::Viewport;
use crate::pure::jobs::{Job, Reply, UNAVAILABLE};
use crate::pure::review_scene::{self, first_version_base, scene, Scene};
use crate::pure::route::Route;
use crate::worker_client;
use pane::{fit, fit_first, pane_size, pane_view, zoom_by};

/// The impact words of the change list with what they mean (WCAG 1.4.1: not only colour).
const IMPACT_LEGEND: [(&str, T, T); 4] = [
    (
        "impact-breaking",
        review_scene::IMPACT_BREAKING,
        T(
            "laufende Vorgänge passen evtl. nicht mehr",
            "running cases may no longer fit",
        ),
    ),
    (
        "impact-feature",
        review_scene::IMPACT_FEATURE,
        T(
            "fügt etwas hinzu oder lockert eine Regel",
            "adds something or loosens a rule",
        ),
    ),
    (
        "impact-fix",
        review_scene::IMPACT_FIX,
        T("nur Texte und Namen", "texts and names only"),
    ),
    (
        "layout",
        review_scene::IMPACT_LAYOUT,
        T("nur die Zeichnung", "the drawing only"),
    ),
];

const LEGEND: T = T("Legende", "Legend");

const SEL_EDITOR: &str = "editor";
const SEL_GIVEN: &str = "given";
/// The old side of a first version: nothing was published, so every block is new.
const SEL_FIRST: &str = "first";

async fn load(
    key: &str,
    sel: &str,
    given: Option<Workflow>,
) -> Result<Option<Workflow>, crate::api::ApiError> {
    match sel {
        "" => Ok(None),
        // The designer's autosave (another page): nothing there compares as an empty side.
        SEL_EDITOR => Ok(crate::shell::editor_workflow()),
        SEL_GIVEN => Ok(given),
        // Derived from the new side by `compare`.
        SEL_FIRST => Ok(None),
        v => api::get_version(key, v).await.map(Some),
    }
}

/// Fits the drawing once the next frame has laid it out; nothing if the screen was left
/// before that frame (its scene is gone then).
fn fit_next_frame(sc: Memo<Scene>, vp: RwSignal<Viewport>) {
    request_animation_frame(move || {
        let _ = sc.try_with_untracked(|s| fit_first(vp, s));
    });
}

pub fn review_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let workflows =
        LocalResource::new(|| async { api::list_workflows().await.unwrap_or_default() });
    let versions = RwSignal::new(Vec::<VersionInfo>::new());
    let key = RwSignal::new(String::new());
    let old_sel = RwSignal::new(String::new());
    let new_sel = RwSignal::new(String::new());
    let given = StoredValue::new(None::<Workflow>);
    // The old side with its diff against `new`; both are set together when the worker replies.
    let old = RwSignal::new(None::<(Workflow, WorkflowDiff)>);
    // A comparison the worker is still computing: a newer one makes its reply outdated.
    let comparing = StoredValue::new(0u64);
    let new = RwSignal::new(None::<Workflow>);
    let content_only = RwSignal::new(false);
    let side = RwSignal::new(false);
    let vp = RwSignal::new(Viewport::default());
    let selected = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    // One memo over plain signals only (no memo reading another memo).
    let sc = Memo::new(move |_| {
        let l = ui_lang.get();
        let (co, sbs) = (content_only.get(), side.get());
        old.with(|o| {
            new.with(|n| {
                let o = o.as_ref().map(|(w, d)| (w, d));
                scene(o, n.as_ref(), co, sbs, l)
            })
        })
    });

    let compare = Action::new_local(move |_: &()| {
        let (k, o, n) = (
            key.get_untracked(),
            old_sel.get_untracked(),
            new_sel.get_untracked(),
        );
        async move {
            let lang = ui_lang.get_untracked();
            error.set(None);
            if n.is_empty() {
                error.set(Some(tx::NOTHING_TO_COMPARE.get(lang).into()));
                return;
            }
            let g = given.get_value();
            match (load(&k, &o, g.clone()).await, load(&k, &n, g).await) {
                (Ok(a), Ok(b)) => {
                    let a = if o == SEL_FIRST {
                        b.as_ref().map(first_version_base)
                    } else {
                        a
                    };
                    comparing.update_value(|c| *c += 1);
                    let mine = comparing.get_value();
                    let show = move |pair: Option<(Workflow, WorkflowDiff)>,
                                     b: Option<Workflow>| {
                        // Outdated, or the screen is gone (the reply came after it was left).
                        if comparing.try_get_value() != Some(mine) {
                            return;
                        }
                        selected.set(None);
                        old.set(pair);
                        new.set(b);
                        if let Some(route) = Route::comparison(&k, &o, &n) {
                            srv.replace_route(route);
                        }
                        fit_next_frame(sc, vp);
                    };
                    match (a, b) {
                        (Some(a), Some(b)) => {
                            // The job is serialized at once; the reply takes the versions over.
                            let both = std::rc::Rc::new((a, b));
                            let job = Job::Diff {
                                old: &both.0,
                                new: &both.1,
                            };
                            let kept = std::rc::Rc::clone(&both);
                            worker_client::run(&job, move |reply: Reply<Box<WorkflowDiff>>| {
                                let (a, b) = std::rc::Rc::try_unwrap(kept)
                                    .unwrap_or_else(|rc| (*rc).clone());
                                match reply {
                                    Reply::Done(diff) => show(Some((a, *diff)), Some(b)),
                                    Reply::Unavailable => error.set(Some(
                                        if lang == Lang::De {
                                            UNAVAILABLE.0
                                        } else {
                                            UNAVAILABLE.1
                                        }
                                        .to_string(),
                                    )),
                                    _ => error.set(Some(tx::COMPARE_FAILED.get(lang).into())),
                                }
                            })
                        }
                        (_, b) => show(None, b),
                    }
                }
                (Err(e), _) | (_, Err(e)) => error.set(Some(e.message(lang))),
            }
        }
    });
    // Loads the versions of a workflow and preselects the two to compare: the given pair
    // (then compares at once) or the last two versions.
    let fetch_versions =
        Action::new_local(move |(k, preset): &(String, Option<(String, String)>)| {
            let (k, preset) = (k.clone(), preset.clone());
            async move {
                match api::list_versions(&k).await {
                    Ok(v) => {
                        let (o, n) = preset.clone().unwrap_or_else(|| {
                            let len = v.len();
                            let at =
                                |i: usize| v.get(i).map(|x| x.version.clone()).unwrap_or_default();
                            if len >= 2 {
                                (at(len - 2), at(len - 1))
                            } else {
                                (String::new(), at(0))
                            }
                        });
                        versions.set(v);
                        old_sel.set(o);
                        new_sel.set(n);
                        if preset.is_some() {
                            compare.dispatch_local(());
                        }
                    }
                    Err(e) => {
                        // A request's snapshot is shown even when the list fails.
                        let (o, n) = preset.clone().unwrap_or((String::new(), SEL_EDITOR.into()));
                        old_sel.set(o);
                        new_sel.set(n);
                        if preset.is_some() {
                            compare.dispatch_local(());
                        } else {
                            error.set(Some(e.message(ui_lang.get_untracked())));
                        }
                    }
                }
            }
        });
    let load_versions = move |k: String, preset: Option<(String, String)>| {
        key.set(k.clone());
        versions.set(Vec::new());
        if !k.is_empty() {
            fetch_versions.dispatch_local((k, preset));
        }
    };

    // A publication request is shown from its snapshot: against the version it was based on,
    // or alone as the first version ("Erstfassung", every block added).
    let open_request = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::get_publication(&id).await {
                Ok(p) => {
                    given.set_value(Some(p.workflow));
                    let old = p.base_version.unwrap_or_else(|| SEL_FIRST.to_string());
                    load_versions(p.key, Some((old, SEL_GIVEN.to_string())));
                }
                Err(e) => error.set(Some(e.message(ui_lang.get_untracked()))),
            }
        }
    });
    // The editor's key and name, read once from the designer's autosave (a parse of the whole
    // workflow); "Stand im Editor" itself is read afresh by each comparison (`load`).
    let (editor_key, editor_name) = crate::shell::editor_workflow()
        .map(|w| (w.key, w.name))
        .unwrap_or_default();
    match srv.route.get_untracked() {
        Route::RequestReview(id) => {
            open_request.dispatch_local(id);
        }
        Route::Compare { key, old, new } => load_versions(key, Some((old, new))),
        Route::Version { key, version } => load_versions(key, Some((String::new(), version))),
        _ => load_versions(editor_key, None),
    }

    let key_options = move || {
        let mut list: Vec<(String, String)> = workflows.with(|l| {
            l.iter()
                .flatten()
                .map(|w| (w.key.clone(), w.name.clone()))
                .collect()
        });
        let k = key.get();
        // A workflow that is not published yet: only the editor's state can be shown.
        if !k.is_empty() && !list.iter().any(|(key, _)| *key == k) {
            // A request's own name, else the editor's.
            let name = given
                .with_value(|g| g.as_ref().filter(|g| g.key == k).map(|g| g.name.clone()))
                .unwrap_or_else(|| editor_name.clone());
            list.push((k.clone(), name));
        }
        list.into_iter()
            .map(|(key, name)| {
                let selected = key == k;
                view! { <option value=key.clone() selected=selected>{format!("{name} ({key})")}</option> }
            })
            .collect::<Vec<_>>()
    };
    let version_options = move |sel: RwSignal<String>| {
        move || {
            let lang = ui_lang.get();
            let cur = sel.get();
            let mut out = vec![
                view! { <option value="" selected=cur.is_empty()>{tx::CHOOSE.get(lang)}</option> }
                    .into_any(),
            ];
            for v in versions.get() {
                let s = cur == v.version;
                out.push(view! { <option value=v.version.clone() selected=s>{format!("{} · {}", v.version, v.author)}</option> }.into_any());
            }
            out.push(view! { <option value=SEL_EDITOR selected=cur == SEL_EDITOR>{tx::EDITOR_STATE.get(lang)}</option> }.into_any());
            if given.with_value(Option::is_some) {
                out.push(view! { <option value=SEL_GIVEN selected=cur == SEL_GIVEN>{tx::REQUEST_SNAPSHOT.get(lang)}</option> }.into_any());
                out.push(view! { <option value=SEL_FIRST selected=cur == SEL_FIRST>{tx::FIRST_VERSION_EMPTY.get(lang)}</option> }.into_any());
            }
            out
        }
    };

    let focus_block = move |id: String| {
        selected.set(Some(id.clone()));
        let found = sc.with_untracked(|s| {
            s.panes.iter().rev().find_map(|p| {
                p.shapes
                    .iter()
                    .find(|b| b.id == id)
                    .map(|b| (p.id, b.x + b.w / 2, b.y + b.h / 2))
            })
        });
        if let Some((pane, cx, cy)) = found {
            let (vw, vh) = pane_size();
            vp.update(|v| {
                v.x = vw / 2.0 - f64::from(cx) * v.zoom;
                v.y = vh / 2.0 - f64::from(cy) * v.zoom;
            });
            let sel = format!("#{pane} g[data-block-id=\"{id}\"]");
            request_animation_frame(move || {
                if let Some(el) = document()
                    .query_selector(&sel)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok())
                {
                    let _ = el.focus();
                }
            });
        }
    };

    let change_list = move || {
        let lang = ui_lang.get();
        sc.with(|s| {
            if !s.compared {
                return None;
            }
            let items = s
                .items
                .iter()
                .map(|it| {
                    let b = it.block.clone();
                    let has_block = b.is_some();
                    let block_attr = b.clone().unwrap_or_default();
                    let current = {
                        let b = b.clone();
                        move || b.is_some() && selected.get() == b
                    };
                    view! {
                        <li class=format!("rv-item {}", it.class) data-kind=it.kind.clone() data-block-id=block_attr>
                            <button type="button" class="rv-item-button" aria-current=move || current().then_some("true") disabled=!has_block on:click=move |_| {
                                if let Some(b) = b.clone() {
                                    focus_block(b);
                                }
                            }>
                                <span class="rv-impact">{it.impact.get(lang)}": "</span>
                                {it.text.clone()}
                            </button>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            let bump = s
                .bump
                .map(|b| format!("{}: {}", tx::BUMP.get(lang), tx::bump_text(b, lang)))
                .unwrap_or_default();
            let empty = s.items.is_empty().then(|| view! { <p>{tx::NO_CHANGES.get(lang)}</p> });
            Some(view! {
                <aside id="rv-changes" class="rv-changes" aria-labelledby="rv-changes-title">
                    <h3 id="rv-changes-title">{tx::CHANGE_LIST.get(lang)}</h3>
                    <p id="rv-bump">{bump}</p>
                    <dl id="rv-impact-legend" class="rv-impact-legend">
                        {IMPACT_LEGEND
                            .iter()
                            .map(|(class, word, meaning)| {
                                view! {
                                    <div class=format!("rv-item {class}")>
                                        <dt class="rv-impact">{word.get(lang)}</dt>
                                        <dd>{meaning.get(lang)}</dd>
                                    </div>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </dl>
                    {empty}
                    <ul id="rv-change-list">{items}</ul>
                </aside>
            })
        })
    };

    let canvases = move || {
        sc.with(|s| {
            s.panes
                .iter()
                .map(|p| pane_view(ui_lang, p.clone(), vp, selected))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="rv-controls" role="group" aria-label=t(tx::REVIEW_TITLE)>
            <div class="field">
                <label for="review-key">{t(tx::WORKFLOW)}</label>
                <select id="review-key" on:change=move |ev| load_versions(event_target_value(&ev), None)>
                    <option value="">{t(tx::CHOOSE)}</option>
                    {key_options}
                </select>
            </div>
            <div class="field">
                <label for="review-old">{t(tx::OLD)}</label>
                <select id="review-old" on:change=move |ev| old_sel.set(event_target_value(&ev))>{version_options(old_sel)}</select>
            </div>
            <div class="field">
                <label for="review-new">{t(tx::NEW)}</label>
                <select id="review-new" on:change=move |ev| new_sel.set(event_target_value(&ev))>{version_options(new_sel)}</select>
            </div>
            <button type="button" id="btn-compare" class="primary" on:click=move |_| { compare.dispatch_local(()); }>{t(tx::COMPARE)}</button>
            <label class="rv-toggle">
                <input type="checkbox" id="rv-content-only" prop:checked=move || content_only.get() on:change=move |ev| content_only.set(event_target_checked(&ev)) />
                {t(tx::CONTENT_ONLY)}
            </label>
            <label class="rv-toggle">
                <input type="checkbox" id="rv-side-by-side" prop:checked=move || side.get() on:change=move |ev| {
                    side.set(event_target_checked(&ev));
                    fit_next_frame(sc, vp);
                } />
                {t(tx::SIDE_BY_SIDE)}
            </label>
            <div class="rv-zoom" role="group" aria-label="Zoom">
                <button type="button" id="rv-zoom-in" aria-label=t(tx::ZOOM_IN) title=t(tx::ZOOM_IN) on:click=move |_| {
                    let (w, h) = pane_size();
                    zoom_by(vp, 1.2, (w / 2.0, h / 2.0));
                }>"+"</button>
                <button type="button" id="rv-zoom-out" aria-label=t(tx::ZOOM_OUT) title=t(tx::ZOOM_OUT) on:click=move |_| {
                    let (w, h) = pane_size();
                    zoom_by(vp, 1.0 / 1.2, (w / 2.0, h / 2.0));
                }>"−"</button>
                <button type="button" id="rv-fit" on:click=move |_| sc.with_untracked(|s| fit(vp, s))>{t(tx::FIT)}</button>
                <span class="zoom-level" id="rv-zoom-level">{move || format!("{:.0} %", vp.get().zoom * 100.0)}</span>
            </div>
        </div>
        <p id="rv-error" class="srv-error" role="alert">{move || error.get().map(crate::a11y::marked)}</p>
        <ul class="rv-legend" aria-label=t(LEGEND)>
            <li><span class="rv-swatch rv-added"></span>{t(tx::LEGEND_ADDED)}</li>
            <li><span class="rv-swatch rv-removed"></span>{t(tx::LEGEND_REMOVED)}</li>
            <li><span class="rv-swatch rv-changed"></span>{t(tx::LEGEND_CHANGED)}</li>
            <li><span class="rv-swatch rv-moved"></span>{t(tx::LEGEND_MOVED)}</li>
        </ul>
        <div class="rv-body">
            <div class="rv-panes" class:rv-two=move || side.get() && sc.with(|s| s.panes.len() == 2)>{canvases}</div>
            {change_list}
        </div>
        <p id="rv-help" class="canvas-help">{t(tx::REVIEW_HELP)}</p>
    }
}
