//! Live validation after every edit: on the page for small workflows (instant feedback), in
//! the Web Worker (`crate::worker_client`) from `WORKER_MIN_BLOCKS` blocks on, so the page
//! stays responsive meanwhile. One check at a time is in the worker; a reply for an outdated
//! revision is dropped and the newest revision is checked instead — a newer edit wins.
//!
//! The page's validation is in the module the designer loads after its first screen
//! (`crate::on_demand`, issue 22): until it is there the findings are pending. If that module
//! cannot be loaded, the worker checks every workflow; if the worker cannot run, the page does.
//!
//! The worker keeps a copy of the workflow: the first check sends the whole workflow, later
//! ones only the `Op`s the editor applied since (`Editor::apply`, `replace` and the undo/redo
//! `step` are the only places the workflow changes, and each reports here through
//! [`Checks::edited`]). At 5,000 blocks writing the workflow took tens of milliseconds of the
//! page's time per edit, an op takes microseconds. A change that is no op (a new or opened
//! workflow) or a copy the worker no longer has (`Reply::Resend`) sends the whole again.
//!
//! A check is sent in a task of its own, after the edit's, so the edit's frame comes first
//! (issue 22: the page's longest task after a drag). Edits in between are checked together.

use fachwerk_shared::{Finding, Op, Workflow};
use leptos::prelude::*;

use super::timed;
use crate::on_demand::use_parts;
use crate::pure::jobs::{Job, Reply, WORKER_MIN_BLOCKS};
use crate::worker_client;

#[derive(Default)]
struct State {
    /// Counts the workflow's changes.
    rev: u64,
    /// A check is in the worker.
    in_flight: bool,
    /// A check is to be sent in the next task.
    scheduled: bool,
    /// The revision of the worker's copy once the check in flight is done, and the ops applied
    /// since; `None`: it has none the page can build on (none yet, or a change that is no op).
    copy: Option<(u64, Vec<Op>)>,
}

/// The worker's side of the findings.
#[derive(Clone, Copy)]
pub struct Checks {
    wf: RwSignal<Workflow>,
    /// The workflow is checked in the worker: it is large, or the page's validation could not
    /// be loaded (and the worker runs).
    pub in_worker: Memo<bool>,
    /// The worker answered that it cannot run (or could not read a check).
    worker_broken: RwSignal<bool>,
    /// The findings of the last worker check of the current revision.
    remote: RwSignal<Vec<Finding>>,
    /// A worker check is pending.
    worker_pending: RwSignal<bool>,
    /// The findings shown are not yet those of the workflow (a worker check is pending, or
    /// the page's validation is still loading).
    pub pending: Signal<bool>,
    /// Neither the page nor the worker can check the workflow.
    pub unavailable: Signal<bool>,
    /// What the last check sent to the worker: `"workflow"` or `"edits"` (`""`: none yet);
    /// shown as the Probleme panel's `data-worker-sent` (for the browser tests).
    pub sent: RwSignal<&'static str>,
    state: StoredValue<State>,
}

impl Checks {
    /// The checks of `wf` and the findings memo the editor shows.
    pub fn new(wf: RwSignal<Workflow>) -> (Checks, Memo<Vec<Finding>>) {
        let parts = use_parts();
        let worker_broken = RwSignal::new(false);
        let in_worker = Memo::new(move |_| {
            !worker_broken.get()
                && (parts.validation_failed() || wf.with(|w| w.blocks.len() >= WORKER_MIN_BLOCKS))
        });
        let remote = RwSignal::new(Vec::new());
        let worker_pending = RwSignal::new(false);
        let checks = Checks {
            wf,
            in_worker,
            worker_broken,
            remote,
            worker_pending,
            pending: Signal::derive(move || {
                if in_worker.get() {
                    worker_pending.get()
                } else {
                    parts.validation_loading()
                }
            }),
            unavailable: Signal::derive(move || !in_worker.get() && parts.validation_failed()),
            sent: RwSignal::new(""),
            state: StoredValue::new(State::default()),
        };
        let findings = Memo::new(move |_| {
            if in_worker.get() {
                remote.get()
            } else {
                timed("validate", || wf.with(|w| parts.validate(w))).unwrap_or_default()
            }
        });
        Effect::new(move |_| {
            wf.track();
            in_worker.track();
            checks.changed();
        });
        (checks, findings)
    }

    /// Whether [`Checks::edited`] keeps ops now (the worker has a copy to apply them to).
    pub fn wants_edits(self) -> bool {
        self.state.with_value(|s| s.copy.is_some())
    }

    /// The workflow changed by `op`, or (`None`) otherwise: a new or opened workflow.
    pub fn edited(self, op: Option<Op>) {
        self.state.update_value(|s| match (op, &mut s.copy) {
            (Some(op), Some((_, edits))) => edits.push(op),
            _ => s.copy = None,
        });
    }

    fn changed(self) {
        let rev = self.state.with_value(|s| s.rev) + 1;
        self.state.update_value(|s| s.rev = rev);
        if !self.in_worker.get_untracked() {
            // Too small for the worker: a later check there starts from the whole workflow.
            self.forget_copy();
            self.worker_pending.set(false);
            if self.remote.with_untracked(|f| !f.is_empty()) {
                self.remote.set(Vec::new());
            }
            return;
        }
        self.worker_pending.set(true);
        if !self.state.with_value(|s| s.in_flight || s.scheduled) {
            self.state.update_value(|s| s.scheduled = true);
            set_timeout(
                move || {
                    self.state.update_value(|s| s.scheduled = false);
                    if self.in_worker.get_untracked() && !self.state.with_value(|s| s.in_flight) {
                        self.send();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    }

    fn forget_copy(self) {
        self.state.update_value(|s| s.copy = None);
    }

    fn send(self) {
        let rev = self.state.with_value(|s| s.rev);
        // From now on the worker's copy will be at `rev`; later edits are kept on top of it.
        let mut since = None;
        self.state.update_value(|s| {
            s.in_flight = true;
            since = s.copy.replace((rev, Vec::new()));
        });
        let done = move |reply| self.received(rev, reply);
        match since {
            Some((base, ops)) => {
                self.sent.set("edits");
                let job = Job::CheckEdits {
                    base,
                    version: rev,
                    ops: &ops,
                };
                worker_client::run(&job, done);
            }
            None => {
                self.sent.set("workflow");
                self.wf.with_untracked(|w| {
                    let job = Job::Check {
                        version: rev,
                        workflow: w,
                    };
                    worker_client::run(&job, done);
                });
            }
        }
    }

    fn received(self, rev: u64, reply: Reply<Vec<Finding>>) {
        self.state.update_value(|s| s.in_flight = false);
        if !matches!(reply, Reply::Done(_)) {
            self.forget_copy();
        }
        if matches!(reply, Reply::Resend) {
            // The worker had no copy at the edits' base: the whole workflow, then edits again.
            if self.in_worker.get_untracked() {
                self.send();
            }
            return;
        }
        if rev != self.state.with_value(|s| s.rev) {
            // Outdated: the newest revision is checked instead (if it still needs the worker).
            if self.in_worker.get_untracked() {
                self.send();
            }
            return;
        }
        match reply {
            Reply::Done(findings) => self.remote.set(findings),
            // The worker cannot run, or could not read the check (a defect of the message, not
            // of the workflow): the page checks from now on.
            other => {
                if let Reply::BadRequest { message } = other {
                    leptos::logging::warn!("Fachwerk: the worker could not check: {message}");
                }
                self.worker_broken.set(true);
            }
        }
        self.worker_pending.set(false);
    }
}
