//! Live validation after every edit: on the page for small workflows (instant feedback), in
//! the Web Worker (`crate::worker_client`) from `WORKER_MIN_BLOCKS` blocks on, so the page
//! stays responsive meanwhile. One check at a time is in the worker; a reply for an outdated
//! revision is dropped and the newest revision is checked instead — a newer edit wins.
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

use fachwerk_shared::{validate, Finding, Op, Workflow};
use leptos::prelude::*;

use super::timed;
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
    /// The workflow is large enough to be checked in the worker.
    pub in_worker: Memo<bool>,
    /// The findings of the last worker check of the current revision.
    remote: RwSignal<Vec<Finding>>,
    /// A worker check is pending: the findings shown are not yet those of the workflow.
    pub pending: RwSignal<bool>,
    /// What the last check sent to the worker: `"workflow"` or `"edits"` (`""`: none yet);
    /// shown as the Probleme panel's `data-worker-sent` (for the browser tests).
    pub sent: RwSignal<&'static str>,
    state: StoredValue<State>,
}

impl Checks {
    /// The checks of `wf` and the findings memo the editor shows.
    pub fn new(wf: RwSignal<Workflow>) -> (Checks, Memo<Vec<Finding>>) {
        let in_worker = Memo::new(move |_| wf.with(|w| w.blocks.len() >= WORKER_MIN_BLOCKS));
        let remote = RwSignal::new(Vec::new());
        let checks = Checks {
            wf,
            in_worker,
            remote,
            pending: RwSignal::new(false),
            sent: RwSignal::new(""),
            state: StoredValue::new(State::default()),
        };
        let findings = Memo::new(move |_| {
            if in_worker.get() {
                remote.get()
            } else {
                timed("validate", || wf.with(validate))
            }
        });
        Effect::new(move |_| {
            wf.track();
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
            self.pending.set(false);
            if self.remote.with_untracked(|f| !f.is_empty()) {
                self.remote.set(Vec::new());
            }
            return;
        }
        self.pending.set(true);
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

    fn received(self, rev: u64, reply: Reply) {
        self.state.update_value(|s| s.in_flight = false);
        if !matches!(reply, Reply::Findings { .. }) {
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
        let findings = match reply {
            Reply::Findings { findings } => findings,
            // A defect of the message, not of the workflow: check here instead.
            Reply::BadRequest { message } => {
                leptos::logging::warn!("Fachwerk: the worker could not check: {message}");
                self.wf.with_untracked(validate)
            }
            _ => self.wf.with_untracked(validate),
        };
        self.remote.set(findings);
        self.pending.set(false);
    }
}
