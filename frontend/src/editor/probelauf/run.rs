//! The Probelauf's runs in the Web Worker (`pure::jobs`; issue 22: the simulation engine is no
//! part of the page): one case (`Job::Simulate`) for the steps and for saving it as a
//! Probefall, and the saved Probefälle (`Job::RunCases`) after every edit while the panel is
//! open. Replies come later. A case run is shown only if it answers the newest request (each
//! carries a generation; a reset or an edit of the form drops older ones) and ran on the
//! workflow still in the editor (else it runs again on the current one). One save at a time,
//! and the second click of a double click is ignored, so a case is never saved twice.

use std::rc::Rc;

use fachwerk_shared::simulate::{record_test_case, CaseInput, Trace};
use fachwerk_shared::{Op, Workflow};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::editor::Editor;
use crate::i18n::Lang;
use crate::pure::jobs::{Job, Reply, WireTrace, UNAVAILABLE};
use crate::pure::probelauf::CaseResult;
use crate::pure::probelauf::{case_input, first_missing, outcome_text};
use crate::worker_client;

/// The requests in the worker (bookkeeping, not reactive).
#[derive(Default)]
pub struct Runs {
    /// Counts the case runs asked for and the resets: only the newest run's reply is shown.
    run: u64,
    /// The workflow the trace shown ran on (its saved cases aside, which a run ignores).
    traced: Option<Workflow>,
    /// A Probefall is being saved.
    saving: bool,
    /// Counts the workflow's changes seen while the panel is open.
    cases_rev: u64,
    /// A rerun of the saved Probefälle is in the worker.
    cases_in_flight: bool,
    /// A rerun is to be sent in the next task (after the edit's frame, as the checks are).
    cases_scheduled: bool,
    /// Say the verdicts once the rerun of the current workflow is back.
    announce: bool,
}

/// A case run of the worker: the trace, the workflow it ran on and the case.
struct Ran {
    trace: Trace,
    workflow: Workflow,
    input: CaseInput,
}

type Done = Box<dyn FnOnce(Editor, Result<Ran, (String, String)>)>;

/// `a` and `b` are the same workflow but for the saved Probefälle (`a`'s are replaced).
fn same_run(a: &mut Workflow, b: &Workflow) -> bool {
    a.test_cases.clone_from(&b.test_cases);
    a == b
}

/// Why a job did not give what was asked (German, English).
fn failed<T>(reply: Reply<T>) -> (String, String) {
    match reply {
        Reply::Unavailable => (UNAVAILABLE.0.to_string(), UNAVAILABLE.1.to_string()),
        Reply::BadRequest { message } => (
            format!("Der Probelauf ist intern fehlgeschlagen: {message}"),
            format!("The test run failed internally: {message}"),
        ),
        _ => (
            "Der Probelauf ist intern fehlgeschlagen.".to_string(),
            "The test run failed internally.".to_string(),
        ),
    }
}

/// Runs `input` on the editor's workflow in the worker. `done` gets the result unless `run`
/// (a case run's generation) is no longer the newest; a trace of a workflow edited meanwhile is
/// not handed on: the case runs again on the current one.
fn simulate(ed: Editor, run: Option<u64>, input: CaseInput, done: Done) {
    let both = Rc::new((ed.wf.get_untracked(), input));
    let job = Job::Simulate {
        workflow: &both.0,
        input: &both.1,
    };
    let kept = Rc::clone(&both);
    worker_client::run(&job, move |reply: Reply<Box<WireTrace>>| {
        if run.is_some_and(|g| ed.sim.runs.with_value(|r| r.run) != g) {
            return;
        }
        let (mut workflow, input) = Rc::try_unwrap(kept).unwrap_or_else(|rc| (*rc).clone());
        let result = match reply {
            Reply::Done(trace) => {
                if !ed.wf.with_untracked(|w| same_run(&mut workflow, w)) {
                    return simulate(ed, run, input, done);
                }
                Ok(Ran {
                    trace: trace.into_trace(),
                    workflow,
                    input,
                })
            }
            other => Err(failed(other)),
        };
        done(ed, result);
    });
}

/// The form's case; None: the form is incomplete (its message is shown and the field it names
/// gets the focus).
fn form_input(ed: Editor) -> Option<CaseInput> {
    let sim = ed.sim;
    let built = ed
        .wf
        .with_untracked(|w| sim.form.with_untracked(|f| case_input(w, f)));
    match built {
        Ok(i) => Some(i),
        Err(e) => {
            reset(ed);
            sim.error.set(Some(e));
            let missing = ed
                .wf
                .with_untracked(|w| sim.form.with_untracked(|f| first_missing(w, f)));
            if let Some(name) = missing {
                request_animation_frame(move || {
                    if let Some(el) = document()
                        .get_element_by_id(&format!("sim-field-{name}"))
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                });
            }
            None
        }
    }
}

/// The trace shown ran on the editor's workflow as it is now.
fn trace_is_current(ed: Editor) -> bool {
    ed.sim.trace.with_untracked(Option::is_some)
        && ed
            .sim
            .runs
            .try_update_value(|r| {
                r.traced
                    .as_mut()
                    .is_some_and(|t| ed.wf.with_untracked(|w| same_run(t, w)))
            })
            .unwrap_or(false)
}

/// Runs the form's case; `advance` = one more step, else to the end. One more step of a trace
/// that is still current needs no new run.
pub fn run(ed: Editor, advance: bool) {
    let sim = ed.sim;
    let Some(input) = form_input(ed) else {
        return;
    };
    sim.error.set(None);
    if advance && trace_is_current(ed) {
        let n = sim
            .trace
            .with_untracked(|t| t.as_ref().map_or(0, |t| t.steps.len()));
        show(ed, (sim.pos.get_untracked() + 1).min(n));
        return;
    }
    let generation = sim
        .runs
        .try_update_value(|r| {
            r.run += 1;
            r.run
        })
        .unwrap_or_default();
    sim.running.set(true);
    let done: Done = Box::new(move |ed, result| {
        let sim = ed.sim;
        sim.running.set(false);
        match result {
            Ok(ran) => {
                let n = ran.trace.steps.len();
                let pos = if advance {
                    (sim.pos.get_untracked() + 1).min(n)
                } else {
                    n
                };
                sim.runs.update_value(|r| r.traced = Some(ran.workflow));
                sim.trace.set(Some(ran.trace));
                show(ed, pos);
            }
            Err(e) => {
                sim.trace.set(None);
                sim.pos.set(0);
                sim.error.set(Some(e));
            }
        }
    });
    simulate(ed, Some(generation), input, done);
}

/// Shows the first `pos` steps of the trace, says where the run is and brings the current
/// block into view.
fn show(ed: Editor, pos: usize) {
    let sim = ed.sim;
    let lang = ed.lang.get_untracked();
    let said = sim.trace.with_untracked(|t| {
        let t = t.as_ref()?;
        let n = t.steps.len();
        let msg = if pos >= n {
            outcome_text(t, lang)
        } else {
            let s = &t.steps[pos.saturating_sub(1)];
            match lang {
                Lang::De => format!(
                    "Schritt {pos} von {n}: {} – {}",
                    s.label, s.decision.explanation_de
                ),
                Lang::En => format!(
                    "Step {pos} of {n}: {} – {}",
                    s.label_en, s.decision.explanation_en
                ),
            }
        };
        let current = t.steps.get(pos.saturating_sub(1)).map(|s| s.block.clone());
        Some((msg, current))
    });
    let Some((msg, current)) = said else {
        return;
    };
    if let Some(block) = current {
        crate::editor::commands::ensure_visible(ed, &block);
    }
    sim.pos.set(pos);
    ed.announce.set(msg);
}

/// Clears the run shown; a run still in the worker is dropped when it comes back.
pub(super) fn reset(ed: Editor) {
    let sim = ed.sim;
    sim.runs.update_value(|r| {
        r.run += 1;
        r.traced = None;
    });
    sim.running.set(false);
    sim.trace.set(None);
    sim.pos.set(0);
    sim.error.set(None);
}

/// Runs the form's case and saves it as a Probefall (its route and outcome expected).
pub(super) fn save_case(ed: Editor) {
    let sim = ed.sim;
    if sim.runs.with_value(|r| r.saving) {
        return;
    }
    let built = ed
        .wf
        .with_untracked(|w| sim.form.with_untracked(|f| case_input(w, f)));
    let Ok(input) = built else {
        run(ed, false);
        return;
    };
    let typed = sim.form.with_untracked(|f| f.name.trim().to_string());
    sim.runs.update_value(|r| r.saving = true);
    let done: Done = Box::new(move |ed, result| {
        ed.sim.runs.update_value(|r| r.saving = false);
        match result {
            Ok(ran) => saved(ed, typed, &ran),
            Err(e) => ed.sim.error.set(Some(e)),
        }
    });
    simulate(ed, None, input, done);
}

fn saved(ed: Editor, typed: String, ran: &Ran) {
    let mut cases = ed.wf.with_untracked(|w| w.test_cases.clone());
    let name = if typed.is_empty() {
        format!("Probefall {}", cases.len() + 1)
    } else {
        typed
    };
    cases.push(record_test_case(&name, &ran.input, &ran.trace));
    if ed.apply(Op::SetTestCases { cases }) {
        ed.sim.form.update(|f| f.name.clear());
        ed.announce.set(match ed.lang.get_untracked() {
            Lang::De => format!("Probefall „{name}“ gespeichert."),
            Lang::En => format!("Test case “{name}” saved."),
        });
    }
}

/// The workflow changed or the panel opened: the saved Probefälle are rerun in the worker, one
/// rerun at a time. Until the newest workflow's verdicts are back, those shown are marked as
/// pending; a reply for an older workflow is dropped and the newest one is rerun instead.
pub(super) fn cases_changed(ed: Editor) {
    let sim = ed.sim;
    sim.runs.update_value(|r| r.cases_rev += 1);
    if ed.wf.with_untracked(|w| w.test_cases.is_empty()) {
        sim.results.set(Vec::new());
        sim.results_error.set(None);
        sim.results_pending.set(false);
        return;
    }
    sim.results_pending.set(true);
    let idle = sim
        .runs
        .try_update_value(|r| {
            let idle = !r.cases_in_flight && !r.cases_scheduled;
            r.cases_scheduled |= idle;
            idle
        })
        .unwrap_or(false);
    if idle {
        set_timeout(
            move || {
                let send = sim
                    .runs
                    .try_update_value(|r| {
                        r.cases_scheduled = false;
                        !r.cases_in_flight
                    })
                    .unwrap_or(false);
                if send && sim.results_pending.get_untracked() {
                    send_cases(ed);
                }
            },
            std::time::Duration::ZERO,
        );
    }
}

fn send_cases(ed: Editor) {
    let rev = ed
        .sim
        .runs
        .try_update_value(|r| {
            r.cases_in_flight = true;
            r.cases_rev
        })
        .unwrap_or_default();
    ed.wf.with_untracked(|w| {
        worker_client::run(&Job::RunCases { workflow: w }, move |reply| {
            cases_received(ed, rev, reply);
        });
    });
}

fn cases_received(ed: Editor, rev: u64, reply: Reply<Vec<CaseResult>>) {
    let sim = ed.sim;
    let current = sim
        .runs
        .try_update_value(|r| {
            r.cases_in_flight = false;
            r.cases_rev
        })
        .unwrap_or_default();
    if rev != current {
        if sim.results_pending.get_untracked() {
            send_cases(ed);
        }
        return;
    }
    let error = match reply {
        Reply::Done(results) => {
            sim.results.set(results);
            None
        }
        Reply::Unavailable => Some((UNAVAILABLE.0.to_string(), UNAVAILABLE.1.to_string())),
        other => {
            let (de, en) = failed(other);
            Some((
                format!("Die Probefälle konnten nicht ausgeführt werden. {de}"),
                format!("The test cases could not be run. {en}"),
            ))
        }
    };
    if error.is_some() {
        sim.results.set(Vec::new());
    }
    // Set only when it changes: the alert is not repeated after every edit.
    if sim.results_error.with_untracked(|e| *e != error) {
        sim.results_error.set(error);
    }
    sim.results_pending.set(false);
    if sim
        .runs
        .try_update_value(|r| std::mem::take(&mut r.announce))
        .unwrap_or(false)
    {
        announce_results(ed);
    }
}

/// "Alle Probefälle ausführen": says the verdicts of the current workflow — at once when they
/// are there (the worker reruns them after every edit), else when its rerun is back.
pub(super) fn run_all(ed: Editor) {
    if ed.sim.results_pending.get_untracked() {
        ed.sim.runs.update_value(|r| r.announce = true);
    } else {
        announce_results(ed);
    }
}

fn announce_results(ed: Editor) {
    let sim = ed.sim;
    let lang = ed.lang.get_untracked();
    if let Some((de, en)) = sim.results_error.get_untracked() {
        ed.announce.set(if lang == Lang::De { de } else { en });
        return;
    }
    let (ok, all) = sim
        .results
        .with_untracked(|r| (r.iter().filter(|r| r.pass).count(), r.len()));
    ed.announce.set(match lang {
        Lang::De => format!("{ok} von {all} Probefällen bestanden."),
        Lang::En => format!("{ok} of {all} test cases passed."),
    });
}
