//! The Vorgang screen: one case — its open tasks with their exits as buttons (and what the
//! person rules say before anyone clicks), the case data as a typed form, the path on the
//! workflow drawing (the Probelauf's marks on the review's read-only drawing), the steps with
//! the reasons of automatic decisions, the history, and the slot for documents and outputs.

use std::collections::HashSet;

use fachwerk_shared::api::{AuditEntry, CaseStatus, CaseView, CompleteTask, Task};
use fachwerk_shared::engine::{pending_bescheid, State};
use fachwerk_shared::simulate::Trace;
use fachwerk_shared::Workflow;
use leptos::prelude::*;

use super::korb::date_text;
use super::scene::{audit_text, case_marks, case_pane, exit_label};
use super::task::task_view;
use crate::api;
use crate::case_fields::{CaseFields, CaseForm};
use crate::i18n::{Lang, T};
use crate::pure::geometry::Viewport;
use crate::pure::jobs::{Job, Reply, WireTrace, UNAVAILABLE};
use crate::pure::probelauf::SimMarks;
use crate::pure::review_scene::Scene;
use crate::pure::route::Route;
use crate::server::review_pane::{fit, pane_view};
use crate::server::{focus_later, tr, Srv};

const LOADING: T = T("Lädt …", "Loading …");
const TASKS: T = T("Offene Aufgaben", "Open tasks");
const NO_TASKS: T = T("Keine offenen Aufgaben.", "No open tasks.");
const DATA: T = T("Falldaten", "Case data");
const PATH: T = T("Weg des Vorgangs", "The case's path");
const STEPS: T = T("Schritte", "Steps");
const HISTORY: T = T("Verlauf", "History");
const OUTPUTS: T = T("Dokumente und Ausgänge", "Documents and outputs");
const TO_KORB: T = T("Zum Arbeitskorb", "To the work basket");
const RELOAD: T = T("Aktualisieren", "Refresh");
const SENDING: T = T("Wird gesendet …", "Sending …");
const PREVIEW: T = T("Bescheid: Vorschau (PDF)", "Decision notice: preview (PDF)");
const PREVIEW_HINT: T = T(
    "So sähe der Bescheid aus, wenn er jetzt erstellt würde; gespeichert oder versandt wird nichts.",
    "What the decision notice would look like if it were made now; nothing is stored or sent.",
);
const VERSION: T = T("Fassung", "Version");
const STATUS: T = T("Stand", "Status");
const NOT_LOADED: T = T(
    "Der Ablauf dieses Vorgangs ist nicht lesbar; Falldaten und Weg können nicht gezeigt werden.",
    "The workflow of this case cannot be read; its data and path cannot be shown.",
);

/// Everything the screen shows, loaded together.
#[derive(Clone)]
pub(super) struct Loaded {
    pub case: CaseView,
    pub workflow: Option<Workflow>,
    pub state: Option<State>,
    pub trace: Option<(Trace, SimMarks)>,
    /// The path could not be computed: the worker that does it cannot run.
    pub no_worker: bool,
}

fn status_text(s: CaseStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (CaseStatus::Open, Lang::De) => "in Bearbeitung",
        (CaseStatus::Open, Lang::En) => "in progress",
        (CaseStatus::Ended, Lang::De) => "abgeschlossen",
        (CaseStatus::Ended, Lang::En) => "ended",
        (CaseStatus::Blocked, Lang::De) => "angehalten",
        (CaseStatus::Blocked, Lang::En) => "stopped",
    }
}

async fn load(id: &str) -> Result<Loaded, api::ApiError> {
    let case = api::get_case(id).await?;
    let workflow = api::get_version(&case.summary.workflow, &case.summary.version)
        .await
        .ok();
    let state: Option<State> = serde_json::from_value(case.state.clone()).ok();
    // The path is replayed by the simulation engine, which only the worker links.
    let (trace, no_worker) = match (&workflow, &state) {
        (Some(w), Some(s)) => {
            let job = Job::CaseTrace {
                workflow: w,
                state: &case.state,
            };
            match crate::worker_client::ask::<Option<Box<WireTrace>>>(&job).await {
                Reply::Done(trace) => (
                    trace.map(|t| {
                        let t = t.into_trace();
                        let m = case_marks(w, s, &t);
                        (t, m)
                    }),
                    false,
                ),
                Reply::Unavailable => (None, true),
                _ => (None, false),
            }
        }
        _ => (None, false),
    };
    Ok(Loaded {
        case,
        workflow,
        state,
        trace,
        no_worker,
    })
}

/// The Vorgang screen of the case the route names.
pub fn case_screen(ui_lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let t = move |s: T| tr(ui_lang, s);
    let data = RwSignal::new(None::<Result<Loaded, String>>);
    // The case view the output actions (documents, Rückfrage, Bescheid, Zahlung) work on.
    let case = RwSignal::new(None::<CaseView>);
    let refusal = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let vp = RwSignal::new(Viewport::default());
    let selected = RwSignal::new(None::<String>);
    // Loads the case; `focus` is where the keyboard focus goes once it is shown (the view is
    // drawn anew, so the element that had it is gone).
    let fetch = move |id: String, focus: Option<&'static str>| {
        leptos::task::spawn_local(async move {
            let lang = ui_lang.get_untracked();
            let r = load(&id).await.map_err(|e| e.detail_in(lang));
            case.set(r.as_ref().ok().map(|l| l.case.clone()));
            data.set(Some(r));
            if let Some(f) = focus {
                focus_later(f);
            }
        });
    };
    let current_id = move || match srv.route.get() {
        Route::Case(id) => Some(id),
        _ => None,
    };
    Effect::new(move |before: Option<Option<String>>| {
        let id = current_id();
        if id != before.clone().flatten() {
            if let Some(id) = id.clone() {
                data.set(None);
                refusal.set(None);
                fetch(id, Some("case-title"));
            }
        }
        id
    });
    let korb = super::use_korb();
    let refresh = move |focus: Option<&'static str>| {
        if let Some(id) = current_id() {
            fetch(id, focus);
        }
        leptos::task::spawn_local(super::list::reload(korb));
    };
    // Fetches the case again ("Aktualisieren", and the output actions after they acted).
    let reload = Callback::new(move |()| refresh(None));
    // Fit the drawing once a case is shown.
    Effect::new(move |_| {
        let panes = data.with(|d| {
            d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|l| {
                let (_, m) = l.trace.as_ref()?;
                let w = l.workflow.as_ref()?;
                Some(case_pane(w, m, Lang::De))
            })
        });
        if let Some(p) = panes {
            let s = Scene {
                panes: vec![p],
                ..Scene::default()
            };
            request_animation_frame(move || fit(vp, &s));
        }
    });
    let act = Action::new_local(move |(task, kind): &(Task, Act)| {
        let (task, kind) = (task.clone(), kind.clone());
        async move {
            let lang = ui_lang.get_untracked();
            let revision = case.with_untracked(|c| {
                c.as_ref()
                    .map_or(task.case_revision, |c| c.summary.revision)
            });
            let r = match &kind {
                Act::Claim => api::claim_task(&task.id).await.map(|_| ()),
                Act::Release => api::release_task(&task.id).await.map(|_| ()),
                Act::Complete(exit) => {
                    let req = CompleteTask {
                        exit: exit.clone(),
                        ..CompleteTask::default()
                    };
                    api::complete_task(&task.id, revision, &req)
                        .await
                        .map(|_| ())
                }
            };
            sending.set(false);
            match r {
                Ok(()) => {
                    refusal.set(None);
                    if let Act::Complete(exit) = &kind {
                        let label = data.with_untracked(|d| {
                            d.as_ref()
                                .and_then(|d| d.as_ref().ok())
                                .and_then(|l| l.workflow.as_ref())
                                .map(|w| exit_label(w, &task.block, exit, lang))
                                .unwrap_or_else(|| exit.clone())
                        });
                        srv.ok(match lang {
                            Lang::De => format!("„{}“ abgeschlossen: {label}.", task.label),
                            Lang::En => format!("Completed “{}”: {label}.", task.label),
                        });
                    }
                    refresh(Some("case-title"));
                }
                Err(e) => {
                    refusal.set(Some(e.detail_in(lang)));
                    refresh(Some("case-refusal"));
                }
            }
        }
    });
    let run = move |task: Task, kind: Act| {
        // A second click while the first is on its way does nothing: the buttons are
        // disabled, and the revision (If-Match) makes a late duplicate fail with 409.
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        refusal.set(None);
        act.dispatch_local((task, kind));
    };
    let body = move || {
        let lang = ui_lang.get();
        match data.get() {
            None => view! { <p>{LOADING.get(lang)}</p> }.into_any(),
            Some(Err(e)) => {
                view! { <p id="case-error" class="srv-error" role="alert">{e}</p> }.into_any()
            }
            Some(Ok(l)) => case_view(
                ui_lang, l, lang, refusal, sending, run, vp, selected, reload,
            )
            .into_any(),
        }
    };
    view! {
        <div class="case-top">
            <button type="button" id="btn-to-korb" on:click=move |_| srv.go(Route::Korb)>{t(TO_KORB)}</button>
            <button type="button" id="btn-case-reload" on:click=move |_| reload.run(())>{t(RELOAD)}</button>
            <span class="srv-muted" aria-live="polite">{move || sending.get().then(|| SENDING.get(ui_lang.get()))}</span>
        </div>
        {body}
        // SLOT(i20-org): documents and output actions (Rückfrage, Bescheid, Zahlung) mount here
        // with `case` and `reload` (see /work/coord/s3/ui-notes.md).
        <section id="case-outputs" class="case-section" aria-labelledby="case-outputs-title" data-revision=move || case.with(|c| c.as_ref().map(|c| c.summary.revision))>
            <h3 id="case-outputs-title">{t(OUTPUTS)}</h3>
            <crate::organisation::CaseOutputs case=case reload=reload />
        </section>
    }
}

/// What a button does with a task.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Act {
    Claim,
    Release,
    Complete(String),
}

#[allow(clippy::too_many_arguments)]
fn case_view(
    ui_lang: RwSignal<Lang>,
    l: Loaded,
    lang: Lang,
    refusal: RwSignal<Option<String>>,
    sending: RwSignal<bool>,
    run: impl Fn(Task, Act) + Copy + Send + Sync + 'static,
    vp: RwSignal<Viewport>,
    selected: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let c = &l.case;
    // The tasks the person holds (the Arbeitskorb's "Meine Aufgaben"): those they may release.
    let my_tasks: HashSet<String> = super::use_korb().lists.with_untracked(|k| {
        k.as_ref()
            .map(|k| k[0].iter().map(|t| t.id.clone()).collect())
            .unwrap_or_default()
    });
    let title = match &l.workflow {
        Some(w) => format!("{} · {}", c.summary.aktenzeichen, w.name),
        None => c.summary.aktenzeichen.clone(),
    };
    let open: Vec<Task> = c
        .tasks
        .iter()
        .filter(|t| t.status == fachwerk_shared::api::TaskStatus::Open)
        .cloned()
        .collect();
    let tasks = if open.is_empty() {
        view! { <p id="case-no-tasks">{NO_TASKS.get(lang)}</p> }.into_any()
    } else {
        open.into_iter()
            .map(|task| task_view(&l, task, lang, &my_tasks, sending, run, reload))
            .collect::<Vec<_>>()
            .into_any()
    };
    let fields = match &l.workflow {
        Some(w) => {
            let values = l
                .state
                .as_ref()
                .map(|s| s.fields.clone())
                .unwrap_or_default();
            // The organisation helper's typed form (`crate::case_fields`), read-only.
            let form = CaseForm::new(w.fields.clone(), &values, lang);
            view! {
                <form id="case-data" class="case-form" on:submit=|ev| ev.prevent_default()>
                    <CaseFields form=form lang=ui_lang id_prefix="case-field" readonly=true />
                </form>
            }
            .into_any()
        }
        None => view! { <p class="srv-error">{NOT_LOADED.get(lang)}</p> }.into_any(),
    };
    let steps = l.trace.as_ref().map(|(tr, _)| {
        tr.steps
            .iter()
            .map(|s| {
                let why = if lang == Lang::De {
                    s.decision.explanation_de.clone()
                } else {
                    s.decision.explanation_en.clone()
                };
                let name = if lang == Lang::De { &s.label } else { &s.label_en };
                view! {
                    <li class="sim-step" data-block-id=s.block.0.clone() data-port=s.decision.port.clone().unwrap_or_default()>
                        <span class="sim-step-title">{name.clone()}</span>
                        <span class="sim-step-meta">{format!("{} · {}", if lang == Lang::De { &s.block_type } else { &s.block_type_en }, date_text(&s.entered.to_string(), lang))}</span>
                        <span class="sim-step-why">{why}</span>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    });
    let drawing = match (&l.workflow, &l.trace) {
        (Some(w), Some((_, m))) => Some(pane_view(ui_lang, case_pane(w, m, lang), vp, selected)),
        _ => None,
    };
    // The Bescheid ahead of the case, to look at before it goes out.
    let preview = match (&l.workflow, &l.state) {
        (Some(w), Some(s)) => pending_bescheid(w, s).map(|b| {
            let href = api::bescheid_preview_url(&c.summary.id);
            view! {
                <p class="case-preview">
                    <a id="case-bescheid-preview" class="srv-button" href=href target="_blank" rel="noopener">
                        {PREVIEW.get(lang)}
                    </a>
                    " „" {w.block_label(&b)} "“"
                    <span class="srv-hint">{PREVIEW_HINT.get(lang)}</span>
                </p>
            }
        }),
        _ => None,
    };
    let history = c
        .audit
        .iter()
        .map(|e| history_item(e, l.workflow.as_ref(), lang))
        .collect::<Vec<_>>();
    view! {
        <article id="case-view" class="case-view" data-case-id=c.summary.id.clone() data-status=api::wire_name(&c.summary.status) data-revision=c.summary.revision>
            <h3 id="case-title" tabindex="-1">{title}</h3>
            <dl class="srv-facts case-facts">
                <dt>{STATUS.get(lang)}</dt><dd id="case-status">{status_text(c.summary.status, lang)}</dd>
                <dt>{VERSION.get(lang)}</dt><dd>{format!("{} {}", c.summary.workflow, c.summary.version)}</dd>
            </dl>
            <div class="case-columns">
                <div class="case-left">
                    <section class="case-section" aria-labelledby="case-tasks-title">
                        <h4 id="case-tasks-title">{TASKS.get(lang)}</h4>
                        <p id="case-refusal" class="srv-error case-refusal" role="alert" tabindex="-1">{move || refusal.get()}</p>
                        {tasks}
                        {preview}
                    </section>
                    <section class="case-section" aria-labelledby="case-data-title">
                        <h4 id="case-data-title">{DATA.get(lang)}</h4>
                        {fields}
                    </section>
                </div>
                <div class="case-right">
                    <section class="case-section" aria-labelledby="case-path-title">
                        <h4 id="case-path-title">{PATH.get(lang)}</h4>
                        {l.no_worker.then(|| view! {
                            <p id="case-path-unavailable" class="srv-error" role="status">
                                {if lang == Lang::De { UNAVAILABLE.0 } else { UNAVAILABLE.1 }}
                            </p>
                        })}
                        <div class="case-drawing">{drawing}</div>
                        <details class="case-steps">
                            <summary>{STEPS.get(lang)}</summary>
                            <ol id="case-steps">{steps}</ol>
                        </details>
                    </section>
                    <section class="case-section" aria-labelledby="case-history-title">
                        <h4 id="case-history-title">{HISTORY.get(lang)}</h4>
                        <ol id="case-history" class="case-history">{history}</ol>
                    </section>
                </div>
            </div>
        </article>
    }
}

fn history_item(e: &AuditEntry, w: Option<&Workflow>, lang: Lang) -> impl IntoView {
    let when = e.at.get(..16).unwrap_or(&e.at).replace('T', " ");
    let when = match lang {
        Lang::De => format!(
            "{} {}",
            date_text(when.get(..10).unwrap_or_default(), lang),
            when.get(11..).unwrap_or_default()
        ),
        Lang::En => when,
    };
    view! {
        <li class="case-history-item" data-kind=e.kind.clone()>
            <span class="srv-muted">{when}</span>
            " "
            <span>{audit_text(e, w, lang)}</span>
        </li>
    }
}
