//! Review screen (issue #7): two versions of a workflow compared in the browser with
//! `fachwerk_shared::diff` (the same code the server runs). The canvas shows the newer version:
//! added blocks green, removed ones ghosted in red, changed ones amber with a badge, layout-only
//! moves grey; beside it the list of changes (click → select and centre the block). Side by side,
//! both drawings share one viewport, so zoom and pan stay in step.
//!
//! The drawing uses the editor's geometry (`block_rect`, `visual_height`, `port_offset`,
//! `ports_of`) and its CSS classes, so blocks look exactly as in the designer, but it is a
//! separate read-only SVG: the editor's canvas is bound to the editor's own state.

use std::collections::{HashMap, HashSet};

use fachwerk_shared::catalog;
use fachwerk_shared::diff::{diff, Bump, ChangeKind, LayoutChange};
use fachwerk_shared::{BlockId, EdgeId, Workflow};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::text as tx;
use super::{err_text, tr, Srv};
use crate::api::{self, VersionInfo, WorkflowSummary};
use crate::editor::canvas::edge_path;
use crate::editor::{block_rect, port_offset, ports_of, visual_height, Editor, Viewport};
use crate::i18n::{Lang, T};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    /// A published version.
    Version(String),
    /// A given workflow (e.g. the snapshot of a publication request).
    Workflow(Box<Workflow>),
    /// What is open in the editor.
    Editor,
}

/// What the review screen opens with.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRequest {
    pub key: String,
    /// `None`: show `new` alone, read-only.
    pub old: Option<Side>,
    pub new: Side,
}

const SEL_EDITOR: &str = "editor";
const SEL_GIVEN: &str = "given";

#[derive(Debug, Clone, PartialEq)]
struct Shape {
    id: String,
    x: i32,
    y: i32,
    w: i32,
    h: i32,
    icon: &'static str,
    label: String,
    type_line: String,
    ports: Vec<(i32, String)>,
    class: &'static str,
    badge: usize,
    state: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
struct Line {
    id: String,
    d: String,
    class: &'static str,
    label: String,
    mid: (i32, i32),
}

#[derive(Debug, Clone, PartialEq)]
struct Pane {
    id: &'static str,
    label: (&'static str, &'static str),
    shapes: Vec<Shape>,
    lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    text: String,
    block: Option<String>,
    class: String,
    kind: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Scene {
    panes: Vec<Pane>,
    items: Vec<Item>,
    bump: Option<Bump>,
    compared: bool,
}

#[derive(Default)]
struct Marks {
    added: HashSet<BlockId>,
    removed: HashSet<BlockId>,
    changed: HashMap<BlockId, usize>,
    moved: HashSet<BlockId>,
    edges_added: HashSet<EdgeId>,
    edges_removed: HashSet<EdgeId>,
    edges_changed: HashSet<EdgeId>,
}

impl Marks {
    fn block(&self, id: &BlockId) -> (&'static str, usize, &'static str) {
        if self.added.contains(id) {
            ("rv-added", 0, "added")
        } else if self.removed.contains(id) {
            ("rv-removed", 0, "removed")
        } else if let Some(n) = self.changed.get(id) {
            ("rv-changed", *n, "changed")
        } else if self.moved.contains(id) {
            ("rv-moved", 0, "moved")
        } else {
            ("rv-same", 0, "")
        }
    }

    fn edge(&self, id: &EdgeId) -> &'static str {
        if self.edges_added.contains(id) {
            "rv-added"
        } else if self.edges_removed.contains(id) {
            "rv-removed"
        } else if self.edges_changed.contains(id) {
            "rv-changed"
        } else {
            "rv-same"
        }
    }
}

fn shape(w: &Workflow, i: usize, marks: &Marks, lang: Lang) -> Option<Shape> {
    let b = w.blocks.get(i)?;
    let r = block_rect(w, i, &b.id);
    let ports = ports_of(b);
    let h = visual_height(&r, ports.len());
    let info = catalog::info(b.block_type());
    let type_name = if lang == Lang::De {
        info.name_de
    } else {
        info.name_en
    };
    let has_label = !b.label.trim().is_empty();
    let (class, badge, state) = marks.block(&b.id);
    let n = ports.len();
    Some(Shape {
        id: b.id.0.clone(),
        x: r.x,
        y: r.y,
        w: r.w,
        h,
        icon: info.icon,
        label: if has_label {
            w.block_label(&b.id)
        } else {
            type_name.to_string()
        },
        type_line: if has_label {
            type_name.to_string()
        } else {
            String::new()
        },
        ports: ports
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let l = if lang == Lang::De {
                    p.label_de.clone()
                } else {
                    p.label_en.clone()
                };
                (port_offset(pi, n, h), l)
            })
            .collect(),
        class,
        badge,
        state,
    })
}

fn lines(w: &Workflow, marks: &Marks, lang: Lang, only: Option<&HashSet<EdgeId>>) -> Vec<Line> {
    let index: HashMap<&BlockId, usize> = w
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (&b.id, i))
        .collect();
    w.edges
        .iter()
        .filter(|e| only.is_none_or(|o| o.contains(&e.id)))
        .filter_map(|e| {
            let (fi, ti) = (*index.get(&e.from)?, *index.get(&e.to)?);
            let (fb, tb) = (&w.blocks[fi], &w.blocks[ti]);
            let (fr, tr) = (block_rect(w, fi, &fb.id), block_rect(w, ti, &tb.id));
            let fports = ports_of(fb);
            let fh = visual_height(&fr, fports.len());
            let th = visual_height(&tr, ports_of(tb).len());
            let pi = fports.iter().position(|p| p.name == e.port);
            let sy = pi.map_or(fh / 2, |i| port_offset(i, fports.len(), fh));
            let label = pi
                .and_then(|i| fports.get(i))
                .map(|p| {
                    if lang == Lang::De {
                        p.label_de.clone()
                    } else {
                        p.label_en.clone()
                    }
                })
                .unwrap_or_else(|| e.port.clone());
            let waypoints = w.layout.edges.get(&e.id).cloned().unwrap_or_default();
            let (d, mid) = edge_path((fr.x + fr.w, fr.y + sy), (tr.x, tr.y + th / 2), &waypoints);
            Some(Line {
                id: e.id.0.clone(),
                d,
                class: marks.edge(&e.id),
                label,
                mid,
            })
        })
        .collect()
}

fn scene(
    old: Option<&Workflow>,
    new: Option<&Workflow>,
    content_only: bool,
    side: bool,
    lang: Lang,
) -> Scene {
    let Some(new) = new else {
        return Scene::default();
    };
    let mut marks = Marks::default();
    let mut items = Vec::new();
    let d = old.map(|o| diff(o, new));
    if let (Some(d), Some(old)) = (&d, old) {
        for c in &d.changes {
            let block = c.block.clone();
            match (c.kind, &block) {
                (ChangeKind::BlockAdded, Some(b)) => {
                    marks.added.insert(b.clone());
                }
                (ChangeKind::BlockRemoved, Some(b)) => {
                    marks.removed.insert(b.clone());
                }
                (_, Some(b)) => *marks.changed.entry(b.clone()).or_default() += 1,
                _ => {}
            }
            if let Some(e) = &c.edge {
                match c.kind {
                    ChangeKind::EdgeAdded => marks.edges_added.insert(e.clone()),
                    ChangeKind::EdgeRemoved => marks.edges_removed.insert(e.clone()),
                    _ => marks.edges_changed.insert(e.clone()),
                };
            }
            let block = block.or_else(|| {
                c.edge.as_ref().and_then(|e| {
                    new.edges
                        .iter()
                        .chain(old.edges.iter())
                        .find(|x| &x.id == e)
                        .map(|x| x.from.clone())
                })
            });
            items.push(Item {
                text: if lang == Lang::De {
                    c.message_de.clone()
                } else {
                    c.message_en.clone()
                },
                block: block.map(|b| b.0),
                class: format!("impact-{}", format!("{:?}", c.impact).to_lowercase()),
                kind: format!("{:?}", c.kind),
            });
        }
        // Edges of removed blocks go with them.
        for e in &old.edges {
            if marks.removed.contains(&e.from) || marks.removed.contains(&e.to) {
                marks.edges_removed.insert(e.id.clone());
            }
        }
        if !content_only {
            for l in &d.layout {
                let (block, de, en) = match l {
                    LayoutChange::BlockMoved { block, .. } => (
                        Some(block),
                        "wurde verschoben (nur Darstellung).",
                        "was moved (layout only).",
                    ),
                    LayoutChange::BlockResized { block, .. } => (
                        Some(block),
                        "hat eine neue Größe (nur Darstellung).",
                        "was resized (layout only).",
                    ),
                    LayoutChange::EdgeWaypointsChanged { .. } => (
                        None,
                        "Der Verlauf einer Verbindung wurde geändert (nur Darstellung).",
                        "The route of a connection changed (layout only).",
                    ),
                };
                let text = match block {
                    Some(b) => {
                        let name = new.block_label(b);
                        if lang == Lang::De {
                            format!("„{name}“ {de}")
                        } else {
                            format!("“{name}” {en}")
                        }
                    }
                    None => (if lang == Lang::De { de } else { en }).to_string(),
                };
                if let Some(b) = block {
                    if !marks.added.contains(b) && !marks.changed.contains_key(b) {
                        marks.moved.insert(b.clone());
                    }
                }
                items.push(Item {
                    text,
                    block: block.map(|b| b.0.clone()),
                    class: "layout".into(),
                    kind: "LAYOUT".into(),
                });
            }
        }
    }
    let new_shapes = |w: &Workflow| -> Vec<Shape> {
        (0..w.blocks.len())
            .filter_map(|i| shape(w, i, &marks, lang))
            .collect()
    };
    let panes = match old {
        Some(old) if side => {
            let old_marks = Marks {
                removed: marks.removed.clone(),
                changed: marks.changed.clone(),
                edges_removed: marks.edges_removed.clone(),
                edges_changed: marks.edges_changed.clone(),
                ..Default::default()
            };
            vec![
                Pane {
                    id: "rv-canvas-old",
                    label: (tx::OLD_PANE.0, tx::OLD_PANE.1),
                    shapes: (0..old.blocks.len())
                        .filter_map(|i| shape(old, i, &old_marks, lang))
                        .collect(),
                    lines: lines(old, &old_marks, lang, None),
                },
                Pane {
                    id: "rv-canvas-new",
                    label: (tx::NEW_PANE.0, tx::NEW_PANE.1),
                    shapes: new_shapes(new),
                    lines: lines(new, &marks, lang, None),
                },
            ]
        }
        Some(old) => {
            // One drawing: the newer version plus ghosts of what was removed.
            let mut ghosts: Vec<Shape> = old
                .blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| marks.removed.contains(&b.id))
                .filter_map(|(i, _)| shape(old, i, &marks, lang))
                .collect();
            let mut ghost_lines = lines(old, &marks, lang, Some(&marks.edges_removed));
            ghost_lines.extend(lines(new, &marks, lang, None));
            ghosts.extend(new_shapes(new));
            vec![Pane {
                id: "rv-canvas-new",
                label: (tx::REVIEW_CANVAS.0, tx::REVIEW_CANVAS.1),
                shapes: ghosts,
                lines: ghost_lines,
            }]
        }
        None => vec![Pane {
            id: "rv-canvas-new",
            label: (tx::READ_ONLY.0, tx::READ_ONLY.1),
            shapes: new_shapes(new),
            lines: lines(new, &marks, lang, None),
        }],
    };
    Scene {
        panes,
        items,
        bump: d.map(|d| d.bump),
        compared: old.is_some(),
    }
}

fn bounds(s: &Scene) -> Option<(f64, f64, f64, f64)> {
    s.panes
        .iter()
        .flat_map(|p| p.shapes.iter())
        .fold(None, |acc, b| {
            let (x0, y0, x1, y1) = acc.unwrap_or((b.x, b.y, b.x + b.w, b.y + b.h));
            Some((
                x0.min(b.x),
                y0.min(b.y),
                x1.max(b.x + b.w),
                y1.max(b.y + b.h),
            ))
        })
        .map(|(a, b, c, d)| (f64::from(a), f64::from(b), f64::from(c), f64::from(d)))
}

fn pane_size() -> (f64, f64) {
    document()
        .get_element_by_id("rv-canvas-new")
        .map(|e| {
            let r = e.get_bounding_client_rect();
            (r.width(), r.height())
        })
        .unwrap_or((800.0, 600.0))
}

fn fit(vp: RwSignal<Viewport>, s: &Scene) {
    let Some((x0, y0, x1, y1)) = bounds(s) else {
        vp.set(Viewport::default());
        return;
    };
    let (vw, vh) = pane_size();
    let zoom = (vw / (x1 - x0 + 80.0))
        .min(vh / (y1 - y0 + 80.0))
        .clamp(0.1, 1.5);
    vp.set(Viewport {
        x: vw / 2.0 - (x0 + x1) / 2.0 * zoom,
        y: vh / 2.0 - (y0 + y1) / 2.0 * zoom,
        zoom,
    });
}

fn zoom_by(vp: RwSignal<Viewport>, factor: f64, at: (f64, f64)) {
    vp.update(|v| {
        let z = (v.zoom * factor).clamp(0.1, 4.0);
        let k = z / v.zoom;
        v.x = at.0 - (at.0 - v.x) * k;
        v.y = at.1 - (at.1 - v.y) * k;
        v.zoom = z;
    });
}

async fn load(
    key: &str,
    sel: &str,
    given: Option<Workflow>,
    ed: Editor,
) -> Result<Option<Workflow>, crate::api::ApiError> {
    match sel {
        "" => Ok(None),
        SEL_EDITOR => Ok(Some(ed.wf.get_untracked())),
        SEL_GIVEN => Ok(given),
        v => api::get_version(key, v).await.map(Some),
    }
}

pub fn review_screen(ed: Editor, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ed.lang, s);
    let workflows = RwSignal::new(Vec::<WorkflowSummary>::new());
    let versions = RwSignal::new(Vec::<VersionInfo>::new());
    let key = RwSignal::new(String::new());
    let old_sel = RwSignal::new(String::new());
    let new_sel = RwSignal::new(String::new());
    let given = StoredValue::new(None::<Workflow>);
    let old = RwSignal::new(None::<Workflow>);
    let new = RwSignal::new(None::<Workflow>);
    let content_only = RwSignal::new(false);
    let side = RwSignal::new(false);
    let vp = RwSignal::new(Viewport::default());
    let selected = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    // One memo over plain signals only (no memo reading another memo).
    let sc = Memo::new(move |_| {
        let l = ed.lang.get();
        let (co, sbs) = (content_only.get(), side.get());
        old.with(|o| new.with(|n| scene(o.as_ref(), n.as_ref(), co, sbs, l)))
    });

    let compare = move || {
        let (k, o, n) = (
            key.get_untracked(),
            old_sel.get_untracked(),
            new_sel.get_untracked(),
        );
        error.set(None);
        if n.is_empty() {
            error.set(Some(
                tx::NOTHING_TO_COMPARE.get(ed.lang.get_untracked()).into(),
            ));
            return;
        }
        leptos::task::spawn_local(async move {
            let lang = ed.lang.get_untracked();
            let g = given.get_value();
            match (load(&k, &o, g.clone(), ed).await, load(&k, &n, g, ed).await) {
                (Ok(a), Ok(b)) => {
                    selected.set(None);
                    old.set(a);
                    new.set(b);
                    request_animation_frame(move || sc.with_untracked(|s| fit(vp, s)));
                }
                (Err(e), _) | (_, Err(e)) => error.set(Some(err_text(&e, lang))),
            }
        });
    };
    let load_versions = move |k: String, preset: Option<(String, String)>| {
        key.set(k.clone());
        versions.set(Vec::new());
        if k.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::list_versions(&k).await {
                Ok(v) => {
                    let (o, n) = preset.clone().unwrap_or_else(|| {
                        let len = v.len();
                        let at = |i: usize| v.get(i).map(|x| x.version.clone()).unwrap_or_default();
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
                        compare();
                    }
                }
                Err(_) => {
                    // Not published yet: only the editor's state can be shown.
                    old_sel.set(String::new());
                    new_sel.set(SEL_EDITOR.into());
                    if preset.is_some() {
                        compare();
                    }
                }
            }
        });
    };

    let request = srv.review.get_untracked();
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::list_workflows().await {
            workflows.set(list);
        }
    });
    match request {
        Some(r) => {
            let sel = |s: &Side| match s {
                Side::Version(v) => v.clone(),
                Side::Workflow(w) => {
                    given.set_value(Some((**w).clone()));
                    SEL_GIVEN.to_string()
                }
                Side::Editor => SEL_EDITOR.to_string(),
            };
            let o = r.old.as_ref().map(sel).unwrap_or_default();
            let n = sel(&r.new);
            load_versions(r.key, Some((o, n)));
        }
        None => load_versions(ed.wf.with_untracked(|w| w.key.clone()), None),
    }

    let key_options = move || {
        let mut list = workflows.get();
        let k = key.get();
        if !k.is_empty() && !list.iter().any(|w| w.key == k) {
            list.push(WorkflowSummary {
                key: k.clone(),
                name: ed.wf.with_untracked(|w| w.name.clone()),
                description: String::new(),
                latest_version: String::new(),
                status: String::new(),
            });
        }
        list.into_iter()
            .map(|w| {
                let selected = w.key == k;
                view! { <option value=w.key.clone() selected=selected>{format!("{} ({})", w.name, w.key)}</option> }
            })
            .collect::<Vec<_>>()
    };
    let version_options = move |sel: RwSignal<String>| {
        move || {
            let lang = ed.lang.get();
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
                out.push(view! { <option value=SEL_GIVEN selected=cur == SEL_GIVEN>{tx::SHOW_DIFF.get(lang)}</option> }.into_any());
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
        let lang = ed.lang.get();
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
                            }>{it.text.clone()}</button>
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
                .map(|p| pane_view(ed, p.clone(), vp, selected))
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
            <button type="button" id="btn-compare" class="primary" on:click=move |_| compare()>{t(tx::COMPARE)}</button>
            <label class="rv-toggle">
                <input type="checkbox" id="rv-content-only" prop:checked=move || content_only.get() on:change=move |ev| content_only.set(event_target_checked(&ev)) />
                {t(tx::CONTENT_ONLY)}
            </label>
            <label class="rv-toggle">
                <input type="checkbox" id="rv-side-by-side" prop:checked=move || side.get() on:change=move |ev| {
                    side.set(event_target_checked(&ev));
                    request_animation_frame(move || sc.with_untracked(|s| fit(vp, s)));
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
        <p id="rv-error" class="srv-error" role="alert">{move || error.get()}</p>
        <ul class="rv-legend" aria-label="Legende">
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

/// Pointer gesture on a review canvas: (client start, viewport at start, captured).
type Pan = Option<((f64, f64), Viewport, bool)>;

fn pane_view(
    ed: Editor,
    p: Pane,
    vp: RwSignal<Viewport>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let pan = StoredValue::new(None as Pan);
    let transform = move || {
        let v = vp.get();
        format!("translate({:.1} {:.1}) scale({:.4})", v.x, v.y, v.zoom)
    };
    let lines = p
        .lines
        .iter()
        .map(|l| {
            view! {
                <g class=format!("edge rv-edge {}", l.class) data-edge-id=l.id.clone()>
                    <path class="edge-line" d=l.d.clone() marker-end="url(#rv-arrow)"></path>
                    <text class="edge-label" x=l.mid.0 y=l.mid.1 - 6 text-anchor="middle" pointer-events="none">{l.label.clone()}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let shapes = p
        .shapes
        .iter()
        .map(|b| {
            let id = b.id.clone();
            let id2 = b.id.clone();
            let is_sel = move || selected.get().as_deref() == Some(id2.as_str());
            let state = b.state;
            let status = move || {
                let de = ed.lang.get() == Lang::De;
                match (state, de) {
                    ("added", true) => ", hinzugefügt",
                    ("added", false) => ", added",
                    ("removed", true) => ", entfernt",
                    ("removed", false) => ", removed",
                    ("changed", true) => ", geändert",
                    ("changed", false) => ", changed",
                    ("moved", true) => ", nur verschoben",
                    ("moved", false) => ", moved only",
                    _ => "",
                }
            };
            let badge = (b.badge > 0).then(|| {
                view! {
                    <g class="rv-badge" aria-hidden="true">
                        <circle cx=b.w cy="0" r="11"></circle>
                        <text x=b.w y="4" text-anchor="middle" pointer-events="none">{b.badge}</text>
                    </g>
                }
            });
            let ports = b
                .ports
                .iter()
                .map(|(y, _)| view! { <circle class="port" cx=b.w cy=*y r="6" pointer-events="none"></circle> })
                .collect::<Vec<_>>();
            let tw = (b.w - 40).max(20);
            view! {
                <g
                    class=format!("block rv-block {}", b.class)
                    class:rv-selected=is_sel.clone()
                    class:selected=is_sel
                    data-block-id=b.id.clone()
                    data-state=b.state
                    transform=format!("translate({} {})", b.x, b.y)
                    tabindex="0"
                    role="button"
                    on:click={
                        let id = id.clone();
                        move |_| selected.set(Some(id.clone()))
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            selected.set(Some(id.clone()));
                        }
                    }
                >
                    <rect class="block-body" x="0" y="0" rx="6" width=b.w height=b.h></rect>
                    <text class="block-icon" x="10" y="24" pointer-events="none" aria-hidden="true">{b.icon}</text>
                    <svg class="clip" x="32" y="6" width=tw height="24" overflow="hidden">
                        <text class="block-label" x="0" y="18" pointer-events="none">{b.label.clone()}</text>
                    </svg>
                    <svg class="clip" x="10" y="30" width=tw + 22 height="20" overflow="hidden">
                        <text class="block-type" x="0" y="14" pointer-events="none">{b.type_line.clone()}</text>
                    </svg>
                    {ports}
                    {badge}
                    <text class="status-text" x="0" y="0" opacity="0" pointer-events="none">{status}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let local = |ev: &web_sys::MouseEvent| -> (f64, f64) {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| {
                let r = el.get_bounding_client_rect();
                (
                    f64::from(ev.client_x()) - r.left(),
                    f64::from(ev.client_y()) - r.top(),
                )
            })
            .unwrap_or_default()
    };
    view! {
        <div class="rv-pane">
            <p class="rv-pane-label">{move || T(p.label.0, p.label.1).get(ed.lang.get())}</p>
            <svg
                id=p.id
                class="rv-canvas"
                xmlns="http://www.w3.org/2000/svg"
                tabindex="0"
                role="group"
                aria-label=move || T(p.label.0, p.label.1).get(ed.lang.get())
                aria-describedby="rv-help"
                on:pointerdown=move |ev| {
                    if ev.button() == 0 {
                        pan.set_value(Some(((f64::from(ev.client_x()), f64::from(ev.client_y())), vp.get_untracked(), false)));
                    }
                }
                on:pointermove=move |ev| {
                    let Some((start, origin, captured)) = pan.get_value() else { return };
                    let (dx, dy) = (f64::from(ev.client_x()) - start.0, f64::from(ev.client_y()) - start.1);
                    if !captured && dx.abs() + dy.abs() < 4.0 {
                        return;
                    }
                    if !captured {
                        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                            let _ = el.set_pointer_capture(ev.pointer_id());
                        }
                        pan.set_value(Some((start, origin, true)));
                    }
                    vp.set(Viewport { x: origin.x + dx, y: origin.y + dy, zoom: origin.zoom });
                }
                on:pointerup=move |_| pan.set_value(None)
                on:pointercancel=move |_| pan.set_value(None)
                on:wheel=move |ev| {
                    ev.prevent_default();
                    let at = local(&ev);
                    zoom_by(vp, if ev.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 }, at);
                }
                on:keydown=move |ev| {
                    let step = 40.0;
                    let (w, h) = pane_size();
                    let handled = match ev.key().as_str() {
                        "ArrowLeft" => { vp.update(|v| v.x += step); true }
                        "ArrowRight" => { vp.update(|v| v.x -= step); true }
                        "ArrowUp" => { vp.update(|v| v.y += step); true }
                        "ArrowDown" => { vp.update(|v| v.y -= step); true }
                        "+" | "=" => { zoom_by(vp, 1.2, (w / 2.0, h / 2.0)); true }
                        "-" => { zoom_by(vp, 1.0 / 1.2, (w / 2.0, h / 2.0)); true }
                        _ => false,
                    };
                    if handled {
                        ev.prevent_default();
                    }
                }
            >
                <defs>
                    <marker id="rv-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
                    </marker>
                </defs>
                <g class="viewport" transform=transform>
                    <g class="edges">{lines}</g>
                    <g class="blocks">{shapes}</g>
                </g>
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use fachwerk_shared::{parse_workflow, BlockId, Rect, Workflow};

    use super::{scene, Scene};
    use crate::i18n::Lang;

    fn template() -> Workflow {
        parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template")
    }

    fn class_of(s: &Scene, pane: &str, id: &str) -> Option<&'static str> {
        s.panes
            .iter()
            .find(|p| p.id == pane)?
            .shapes
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.class)
    }

    #[test]
    fn changed_removed_and_moved_blocks_are_marked() {
        let old = template();
        let mut new = old.clone();
        let wg = new
            .blocks
            .iter_mut()
            .find(|b| b.id.0 == "wertgrenze")
            .expect("wertgrenze");
        let mut json = serde_json::to_value(&*wg).expect("json");
        json["params"]["bands"][0]["upper"] = "3000.00".into();
        json["params"]["bands"][1]["lower"] = "3000.00".into();
        *wg = serde_json::from_value(json).expect("block");
        let gone = new.blocks.last().expect("a block").id.clone();
        new.blocks.retain(|b| b.id != gone);
        new.edges.retain(|e| e.from != gone && e.to != gone);
        new.layout.blocks.remove(&gone);
        let start = BlockId("start".into());
        let r = new
            .layout
            .blocks
            .get(&start)
            .copied()
            .unwrap_or(Rect::at(0, 0));
        new.layout.blocks.insert(start, Rect { x: r.x + 40, ..r });

        let s = scene(Some(&old), Some(&new), false, false, Lang::De);
        assert_eq!(
            class_of(&s, "rv-canvas-new", "wertgrenze"),
            Some("rv-changed")
        );
        let badge = s.panes[0]
            .shapes
            .iter()
            .find(|b| b.id == "wertgrenze")
            .map(|b| b.badge);
        assert_eq!(badge, Some(2));
        assert_eq!(class_of(&s, "rv-canvas-new", &gone.0), Some("rv-removed"));
        assert_eq!(class_of(&s, "rv-canvas-new", "start"), Some("rv-moved"));
        assert!(s.items.iter().any(|i| i.kind == "LAYOUT"));
        assert!(s.items.iter().any(|i| i.text.contains("3.000")));

        // Content only: no layout entries, the moved block is plain.
        let s = scene(Some(&old), Some(&new), true, false, Lang::De);
        assert!(s.items.iter().all(|i| i.kind != "LAYOUT"));
        assert_eq!(class_of(&s, "rv-canvas-new", "start"), Some("rv-same"));

        // Side by side: the removed block is on the old side only.
        let s = scene(Some(&old), Some(&new), false, true, Lang::De);
        assert_eq!(s.panes.len(), 2);
        assert_eq!(class_of(&s, "rv-canvas-old", &gone.0), Some("rv-removed"));
        assert_eq!(class_of(&s, "rv-canvas-new", &gone.0), None);
        assert_eq!(
            class_of(&s, "rv-canvas-old", "wertgrenze"),
            Some("rv-changed")
        );
    }

    #[test]
    fn a_single_version_is_drawn_plain() {
        let w = template();
        let s = scene(None, Some(&w), false, false, Lang::En);
        assert_eq!(s.panes.len(), 1);
        assert!(!s.compared);
        assert!(s.panes[0].shapes.iter().all(|b| b.class == "rv-same"));
        assert_eq!(s.panes[0].shapes.len(), w.blocks.len());
    }
}
