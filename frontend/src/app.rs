//! The application shell: header with commands, palette, canvas, side panels, dialogs;
//! autosave and global listeners.

use fachwerk_shared::api::FindingCounts;
use fachwerk_shared::{parse_workflow, Workflow};
use leptos_router::components::Router;

use crate::editor::exchange::{self, ImportDialog};
use crate::editor::probelauf::ProbelaufPanel;
use leptos::ev;
use leptos::prelude::*;

use crate::editor::canvas::Canvas;
use crate::editor::connect::ConnectDialog;
use crate::editor::inspector::Inspector;
use crate::editor::minimap::Minimap;
use crate::editor::palette::Palette;
use crate::editor::settings::{open_settings, SettingsDialog};
use crate::editor::toolbar::{blank, Toolbar};
use crate::editor::{canvas_client_rect, commands, interact, Drag, Editor};
use crate::i18n::{self, T};
use crate::pure::geometry::type_name;
use crate::pure::route::App;
use crate::storage;

/// Documents with more blocks are autosaved after a pause instead of after every edit.
const AUTOSAVE_DEBOUNCE_ABOVE: usize = 300;

/// The autosaved workflow, if any. A copy that no longer parses is kept aside, not dropped.
fn restore() -> (Workflow, bool) {
    match storage::get(storage::AUTOSAVE_KEY) {
        Some(text) => match parse_workflow(&text) {
            Ok(w) => (w, true),
            Err(_) => {
                storage::set("fachwerk.autosave.unreadable", &text);
                (blank(), false)
            }
        },
        None => (blank(), false),
    }
}

fn update_canvas_size(ed: Editor) {
    if let Some((_, _, w, h)) = canvas_client_rect() {
        if w > 0.0 && h > 0.0 && ed.canvas_size.get_untracked() != (w, h) {
            ed.canvas_size.set((w, h));
        }
    }
}

/// The app inside the router, which keeps every screen's URL.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let (initial, restored) = restore();
    let ed = Editor::new(initial, crate::shell::provide_lang());
    provide_context(ed);
    crate::server::provide(App::Designer);
    let srv = crate::server::use_srv();
    crate::server::sync_routes(srv);
    // A screen over the workspace: the editor's selection would still take keys.
    Effect::new(move |_| {
        if srv.screen.get() != crate::server::Screen::Editor {
            ed.clear_selection();
        }
    });
    if restored {
        ed.say(i18n::MSG_RESTORED);
    }

    // Autosave after every change (changes come from ops, never from a drag in progress).
    // Large documents are saved after a short pause and on leaving the page.
    let dirty = StoredValue::new(false);
    let generation = StoredValue::new(0u64);
    // A full browser storage must not fail silently: say so once, until a save works again.
    let autosave_ok = StoredValue::new(true);
    let save = move || {
        dirty.set_value(false);
        // Compact JSON: only this page reads it back, and at thousands of blocks indenting it
        // would lengthen the save (a long task) and fill the browser's storage quota sooner.
        let saved = crate::editor::timed("autosave", || {
            ed.wf.with_untracked(|w| {
                serde_json::to_string(w)
                    .is_ok_and(|text| storage::set(storage::AUTOSAVE_KEY, &text))
            })
        });
        if !saved && autosave_ok.get_value() {
            ed.say(i18n::MSG_AUTOSAVE_FAILED);
        }
        autosave_ok.set_value(saved);
    };
    Effect::new(move |first: Option<()>| {
        let big = ed.wf.with(|w| w.blocks.len() > AUTOSAVE_DEBOUNCE_ABOVE);
        // The first run sees the workflow just restored from storage (or a blank one): nothing
        // to save. Saving it anyway rewrote a large autosave on every page load, and leaving
        // such a page within the pause wrote it back even after another tab had cleared it.
        if first.is_none() {
            return;
        }
        if !big {
            save();
            return;
        }
        dirty.set_value(true);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.get_value() == mine && dirty.get_value() {
                    save();
                }
            },
            std::time::Duration::from_millis(600),
        );
    });
    let flush = move || {
        if dirty.get_value() {
            save();
        }
    };
    let _ = window_event_listener(ev::pagehide, move |_| flush());
    let _ = window_event_listener(ev::beforeunload, move |_| flush());
    let _ = window_event_listener(ev::visibilitychange, move |_| flush());

    // Gestures continue outside the canvas, so moves and releases are taken on the window.
    let _ = window_event_listener(ev::pointermove, move |e| interact::pointer_move(ed, e));
    let _ = window_event_listener(ev::pointerup, move |e| interact::pointer_up(ed, e));
    let _ = window_event_listener(ev::pointercancel, move |_| interact::pointer_cancel(ed));
    let _ = window_event_listener(ev::keydown, move |e| interact::key_down(ed, e));
    let _ = window_event_listener(ev::keyup, move |e| interact::key_up(ed, e));
    let _ = window_event_listener(ev::resize, move |_| update_canvas_size(ed));
    request_animation_frame(move || update_canvas_size(ed));

    let validation_live = move || {
        let counts = ed.findings.with(|f| FindingCounts::of(f));
        format!(
            "{}: {}",
            ed.t(i18n::PROBLEMS),
            i18n::counts(ed.lang.get(), counts)
        )
    };
    let t = move |s: T| move || ed.t(s);
    let on_editor = move || srv.screen.get() == crate::server::Screen::Editor;
    let parts = crate::on_demand::use_parts();
    let region = move |which: Region| move || parts.region(which);

    view! {
        <button type="button" class="skip-link" on:click=move |_| crate::editor::settings::focus_later("palette-search")>
            {move || ed.t(T("Zu den Bausteinen springen", "Skip to blocks"))}
        </button>
        <header id="topbar">
            <h1>{t(i18n::APP_TITLE)}</h1>
            <Show
                when=on_editor
                fallback=move || view! {
                    <button type="button" id="btn-to-editor" on:click=move |_| srv.close()>{t(i18n::TO_EDITOR)}</button>
                    <span class="toolbar-spacer"></span>
                }
            >
                <button type="button" id="wf-title" class="wf-title" title=t(i18n::SETTINGS) on:click=move |_| open_settings(ed)>
                    {move || ed.wf.with(|w| w.name.clone())}
                </button>
                <Toolbar />
                {region(Region::ProblemCount)}
            </Show>
            {region(Region::AccountBar)}
            <crate::shell::LangButton />
        </header>
        <main id="workspace" hidden=move || !on_editor()>
            <Palette />
            <div id="canvas-wrap">
                <Canvas />
                <div class="canvas-tools" role="group" aria-label="Zoom">
                    <button type="button" id="btn-zoom-in" aria-label=t(i18n::ZOOM_IN) title=t(i18n::ZOOM_IN) on:click=move |_| commands::zoom_center(ed, 1.2)>"+"</button>
                    <button type="button" id="btn-zoom-out" aria-label=t(i18n::ZOOM_OUT) title=t(i18n::ZOOM_OUT) on:click=move |_| commands::zoom_center(ed, 1.0 / 1.2)>"−"</button>
                    <button type="button" id="btn-fit" on:click=move |_| commands::fit(ed)>{t(i18n::FIT)}</button>
                    <span class="zoom-level" aria-live="off">{move || format!("{:.0} %", ed.view.get().zoom * 100.0)}</span>
                </div>
                <div class="minimap-wrap">
                    <Minimap />
                </div>
                <p id="canvas-help" class="canvas-help">{t(i18n::CANVAS_HELP)}</p>
            </div>
            <aside id="sidebar">
                <ProbelaufPanel />
                <Inspector />
                {region(Region::Sidebar)}
            </aside>
        </main>
        {region(Region::ServerOverlays)}
        <footer id="statusbar">
            <p id="status-message" role="status" aria-live="polite">{move || ed.announce.get()}</p>
            <p id="validation-live" class="sr-only" aria-live="polite">{validation_live}</p>
        </footer>
        <PaletteGhost />
        <SettingsDialog />
        <ConnectDialog />
        <ImportDialog />
        <crate::editor::engine_export::EngineExportDialog />
        <input type="file" id="file-open" class="hidden-input" accept=".json,.bpmn,.xml,application/json,application/xml,text/xml" tabindex="-1" aria-hidden="true" on:change=move |ev| exchange::open_file(ed, ev) />
    }
}

/// The regions of the page the regions' module draws (`crate::on_demand`, issue 22, first
/// load): what they show waits for the server or the validation anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The header's account bar: the task count, saving a draft, login and the account menu.
    AccountBar,
    /// The message line, the login dialog and the publication request's dialog.
    ServerOverlays,
    /// The header's count of errors and warnings.
    ProblemCount,
    /// The sidebar below the inspector: the findings of the page's validation and of the
    /// server's check, and the outline (in one, so that the outline does not move when the
    /// findings arrive).
    Sidebar,
}

impl Region {
    /// Whether the region says in its place that its module could not be loaded: one message
    /// in the header and one in the sidebar, not one per region.
    pub fn says_failure(self) -> bool {
        matches!(self, Region::AccountBar | Region::Sidebar)
    }
}

/// Draws `which` (the split point's function). Built once, inside the closure that shows it:
/// what it reads at the top is no reason to build it again.
pub fn region(which: Region) -> AnyView {
    untrack(move || draw(which))
}

fn draw(which: Region) -> AnyView {
    use crate::editor::outline::Outline;
    use crate::editor::problems::{ProblemCount, Problems, ServerFindings};
    use crate::server::{AccountBar, SaveAsNewButton, SaveDraftButton, SubmitDialog};
    match which {
        Region::AccountBar => {
            // The login session, the drafts' links and the task count start with the bar.
            let srv = crate::server::use_srv();
            crate::server::restore_session(srv);
            crate::server::sync_drafts(crate::editor::use_editor(), srv);
            crate::cases::provide(srv, crate::cases::Load::COUNT);
            view! {
                <AccountBar>
                    <SaveDraftButton />
                </AccountBar>
            }
            .into_any()
        }
        Region::ServerOverlays => {
            // The designer draws no screen of its own over the editor (the other apps' routes
            // are page loads); the message line and the login dialog are the same as theirs.
            let save_as_new = view! { <SaveAsNewButton /> }.into_any();
            view! {
                {crate::server::screens(|_, _| None, save_as_new)}
                <SubmitDialog />
            }
            .into_any()
        }
        Region::ProblemCount => view! { <ProblemCount /> }.into_any(),
        Region::Sidebar => view! {
            <Problems />
            <ServerFindings />
            <Outline />
        }
        .into_any(),
    }
}

/// The label that follows the pointer while a palette item is dragged.
#[component]
fn PaletteGhost() -> impl IntoView {
    let ed = crate::editor::use_editor();
    move || {
        ed.drag.with(|d| match d {
            Drag::Palette {
                block_type,
                cur,
                moved: true,
                ..
            } => {
                let style = format!("left:{}px;top:{}px", cur.0 + 10.0, cur.1 + 10.0);
                let name = type_name(*block_type, ed.lang.get_untracked());
                Some(view! {
                    <div class="palette-ghost" style=style aria-hidden="true">
                        <crate::editor::menu::Icon d=crate::pure::icons::block_icon(*block_type) />
                        " "
                        {name}
                    </div>
                })
            }
            _ => None,
        })
    }
}
