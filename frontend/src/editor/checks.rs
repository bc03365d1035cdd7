//! Live validation after every edit: on the page for small workflows (instant feedback), in
//! the Web Worker (`crate::worker_client`) from `WORKER_MIN_BLOCKS` blocks on, so the page
//! stays responsive meanwhile. One check at a time is in the worker; a reply for an outdated
//! revision is dropped and the newest revision is checked instead — a newer edit wins.
//!
//! A check is sent in a task of its own, after the edit's: at thousands of blocks writing the
//! workflow for the worker takes tens of milliseconds, and the edit's own frame comes first
//! (issue 22: the page's longest task after a drag). Edits in between are checked together.

use fachwerk_shared::{validate, Finding, Workflow};
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

    fn changed(self) {
        let rev = self.state.with_value(|s| s.rev) + 1;
        self.state.update_value(|s| s.rev = rev);
        if !self.in_worker.get_untracked() {
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

    fn send(self) {
        let rev = self.state.with_value(|s| s.rev);
        self.state.update_value(|s| s.in_flight = true);
        self.wf.with_untracked(|w| {
            worker_client::run(&Job::Validate { workflow: w }, move |reply| {
                self.received(rev, reply);
            });
        });
    }

    fn received(self, rev: u64, reply: Reply) {
        self.state.update_value(|s| s.in_flight = false);
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
