//! The editor's parts the designer loads on demand (issue 22, first load): the Probelauf panel,
//! the inspector's forms (of a block, a connection, several blocks), the settings, connect,
//! import and engine export dialogs, the menus' commands that are no direct manipulation
//! (`editor::commands::Command`: the clipboard, "Anordnen", the exports, opening a file, the
//! server's check), saving a draft and requesting a publication, the validation of workflows
//! checked on the page (`editor::checks`), and the regions of the page whose content waits
//! for the server or the validation anyway (`crate::app::Region`: the account bar with the
//! login session, the message line and the server's dialogs, the findings and the outline).
//! Their code is not in the wasm the first screen waits for: the designer's binary
//! (`src/main.rs`) marks each view function below as a split point of one module (`parts`),
//! `validate` as the split point of another (`check`: smaller, and the first screen shows its
//! findings), `region` of a third (`regions`: smaller than the parts, so the header and the
//! sidebar are complete sooner), and `cargo xtask` splits its wasm there
//! (`xtask/src/designer.rs`; code two modules share goes into a `chunk_*.wasm` both load). The
//! app loads the three modules at once when the first screen is painted.
//!
//! A part is built like any view, synchronously in its place (its signals belong to the view
//! that shows it): until the module is there it shows nothing, afterwards its function returns
//! at the first poll. If the module cannot be loaded, the parts say so instead.
//!
//! The binary hands the parts in as function pointers: the library is shared by every app, and
//! a split point in it would be exported — and its code kept — by each of them.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
pub use leptos::wasm_split::SplitLoaderError;

pub use crate::app::Region;
pub use crate::editor::commands::Command;
pub use crate::editor::engine_export::Made;
pub use crate::editor::exchange::ImportReport;
pub use crate::editor::Editor;
pub use crate::server::{DraftRef, Outcome, Srv};
pub use fachwerk_shared::bpmn::Engine;
pub use fachwerk_shared::{BlockId, BlockType, EdgeId, Finding, Workflow};

/// What a split function returns, once its module is loaded.
pub type Arriving<T> = Pin<Box<dyn Future<Output = Result<T, SplitLoaderError>>>>;

/// A part's view, once its module is loaded.
pub type Later = Arriving<AnyView>;

/// The findings of a workflow, once the module is loaded.
pub type Checked<'a> = Pin<Box<dyn Future<Output = Result<Vec<Finding>, SplitLoaderError>> + 'a>>;

/// A draft's save (`crate::server::save_draft`).
pub type Saving = Pin<Box<dyn Future<Output = Option<DraftRef>>>>;

/// A publication request (`crate::server::submit`).
pub type Submitting = Pin<Box<dyn Future<Output = Result<String, Outcome>>>>;

/// The module's arrival.
pub type Loading = Arriving<()>;

/// The designer's parts, from the binary that mounts the app.
#[derive(Clone, Copy)]
pub struct OnDemand {
    pub probelauf_panel: fn(Editor) -> Later,
    pub settings_dialog: fn(Editor) -> Later,
    pub connect_dialog: fn(Editor) -> Later,
    pub import_dialog: fn(Editor, ImportReport) -> Later,
    pub block_form: fn(Editor, BlockId, BlockType) -> Later,
    pub edge_form: fn(Editor, EdgeId) -> Later,
    pub multi_form: fn(Editor, Memo<usize>) -> Later,
    pub engine_export_dialog: fn(Editor, Engine, RwSignal<Made>) -> Later,
    /// `app::region`.
    pub region: fn(Region) -> Later,
    /// `editor::commands::run`.
    pub command: fn(Editor, Command) -> Arriving<()>,
    /// `server::save_draft`.
    pub save_draft: fn(Srv, Editor, bool) -> Arriving<Saving>,
    /// `server::submit`.
    pub submit: fn(Srv, Editor, String) -> Arriving<Submitting>,
    /// `fachwerk_shared::validate`.
    pub validate: for<'a> fn(&'a Workflow) -> Checked<'a>,
    /// Loads the views' module.
    pub load: fn() -> Loading,
    /// Loads the validation's module.
    pub load_check: fn() -> Loading,
    /// Loads the regions' module.
    pub load_regions: fn() -> Loading,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Loading,
    Ready,
    Failed,
}

/// The parts and whether their modules are there (context of the designer's app).
#[derive(Clone, Copy)]
pub struct Parts {
    on_demand: OnDemand,
    /// The views' module.
    status: RwSignal<Status>,
    /// The validation's module.
    check: RwSignal<Status>,
    /// The regions' module (`crate::app::Region`).
    regions: RwSignal<Status>,
}

/// What waits for the views' module: moves of the keyboard focus into a part opened before it was
/// there, which are no reactive views.
type Waiting = Vec<Box<dyn FnOnce()>>;

thread_local! {
    /// `Some` while the views' module loads.
    static WAITING: RefCell<Option<Waiting>> = const { RefCell::new(None) };
}

/// Provides the parts and loads their two modules once the first screen is painted.
pub fn provide(on_demand: OnDemand) {
    let status = RwSignal::new(Status::Loading);
    let check = RwSignal::new(Status::Loading);
    let regions = RwSignal::new(Status::Loading);
    provide_context(Parts {
        on_demand,
        status,
        check,
        regions,
    });
    WAITING.set(Some(Vec::new()));
    leptos::task::spawn_local(async move {
        after_next_paint().await;
        // All at once: the validation's and the regions' modules are the smaller ones and
        // arrive first.
        leptos::task::spawn_local(
            async move { check.set(arrived((on_demand.load_check)().await)) },
        );
        leptos::task::spawn_local(async move {
            regions.set(arrived((on_demand.load_regions)().await));
        });
        status.set(arrived((on_demand.load)().await));
        for then in WAITING.take().unwrap_or_default() {
            then();
        }
    });
}

fn arrived(loaded: Result<(), SplitLoaderError>) -> Status {
    if loaded.is_ok() {
        Status::Ready
    } else {
        Status::Failed
    }
}

/// Runs `then` once the views' module is there or could not be loaded; at once if that is so.
pub fn after_arrival(then: impl FnOnce() + 'static) {
    let now = WAITING.with_borrow_mut(|waiting| match waiting {
        Some(w) => {
            w.push(Box::new(then));
            None
        }
        None => Some(then),
    });
    if let Some(then) = now {
        then();
    }
}

/// Resolves in the task after the browser's next frame: the first screen is painted before
/// the module competes with it for the network and the main thread.
async fn after_next_paint() {
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        request_animation_frame(move || {
            set_timeout(
                move || {
                    let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
                },
                std::time::Duration::ZERO,
            );
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
}

pub fn use_parts() -> Parts {
    expect_context::<Parts>()
}

impl Parts {
    /// The part `make` builds; call it inside the reactive closure that shows it (it shows
    /// nothing while the module loads and is run again when it is there).
    pub fn show(self, make: impl FnOnce(OnDemand) -> Later) -> AnyView {
        Self::show_from(self.status, self.on_demand, make)
    }

    /// The region `which` of the page; call it inside the reactive closure that shows it.
    pub fn region(self, which: Region) -> AnyView {
        if !which.says_failure() && self.regions.get() == Status::Failed {
            return ().into_any();
        }
        Self::show_from(self.regions, self.on_demand, |on_demand| {
            (on_demand.region)(which)
        })
    }

    fn show_from(
        status: RwSignal<Status>,
        on_demand: OnDemand,
        make: impl FnOnce(OnDemand) -> Later,
    ) -> AnyView {
        match status.get() {
            Status::Loading => ().into_any(),
            Status::Failed => failed(),
            // Loaded means the function runs at once; anything else is a failure.
            Status::Ready => now(make(on_demand))
                .and_then(Result::ok)
                .unwrap_or_else(failed),
        }
    }

    /// The findings of `w`; `None` while the validation's module loads or when it cannot be
    /// loaded. Tracks the module's arrival.
    pub fn validate(self, w: &Workflow) -> Option<Vec<Finding>> {
        match self.check.get() {
            Status::Ready => now((self.on_demand.validate)(w)).and_then(Result::ok),
            Status::Loading | Status::Failed => None,
        }
    }

    /// The validation's module is still on its way (tracked).
    pub fn validation_loading(self) -> bool {
        self.check.get() == Status::Loading
    }

    /// Runs `command` once the views' module is there (at once if it is); says so if it cannot
    /// be loaded.
    pub fn run(self, ed: Editor, command: Command) {
        let (on_demand, status) = (self.on_demand, self.status);
        after_arrival(move || {
            let ran = status.get_untracked() == Status::Ready
                && matches!(now((on_demand.command)(ed, command)), Some(Ok(())));
            if !ran {
                ed.say(PART_FAILED);
            }
        });
    }

    /// Saves the editor's workflow as a draft once the views' module is there; `None` (said in
    /// the message line) if it was not saved.
    pub async fn save_draft(self, srv: Srv, ed: Editor, force_new: bool) -> Option<DraftRef> {
        match (self.on_demand.save_draft)(srv, ed, force_new).await {
            Ok(saving) => saving.await,
            Err(_) => {
                srv.fail(PART_FAILED.get(ed.lang.get_untracked()).into());
                None
            }
        }
    }

    /// Saves and requests the publication once the views' module is there.
    pub async fn submit(self, srv: Srv, ed: Editor, note: String) -> Result<String, Outcome> {
        match (self.on_demand.submit)(srv, ed, note).await {
            Ok(submitting) => submitting.await,
            Err(_) => Err(Outcome::Failed(
                PART_FAILED.get(ed.lang.get_untracked()).into(),
            )),
        }
    }

    /// The validation's module could not be loaded (tracked).
    pub fn validation_failed(self) -> bool {
        self.check.get() == Status::Failed
    }
}

/// The output of a split function whose module is loaded: it returns at the first poll.
fn now<T>(mut call: Pin<Box<dyn Future<Output = T> + '_>>) -> Option<T> {
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

const PART_FAILED: crate::i18n::T = crate::i18n::T(
    "Dieser Teil des Designers konnte nicht geladen werden. Bitte laden Sie die Seite neu.",
    "This part of the designer could not be loaded. Please reload the page.",
);

fn failed() -> AnyView {
    let lang = crate::shell::use_lang();
    view! {
        <p class="error" role="alert">
            {move || PART_FAILED.get(lang.get())}
        </p>
    }
    .into_any()
}

// The functions the binary marks as split points.
pub use crate::app::region;
pub use crate::editor::commands::run as command;
pub use crate::editor::connect::dialog as connect_dialog;
pub use crate::editor::engine_export::dialog as engine_export_dialog;
pub use crate::editor::exchange::dialog as import_dialog;
pub use crate::editor::inspector::{block_form, edge_form, multi_form};
pub use crate::editor::probelauf::panel as probelauf_panel;
pub use crate::editor::settings::dialog as settings_dialog;
pub use crate::server::{save_draft, submit};
