//! Cases on the engine: start, task lists, claim and release, completion. Every change is one
//! engine step applied in one transaction conditional on the case revision; a refusal of the
//! engine changes nothing.

use fachwerk_shared::api::{
    CaseSummary, CaseView, CompleteTask, Person, StartCase, Task, TaskStatus,
};
use fachwerk_shared::values::Date;
use serde_json::json;

use super::engine;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fachwerk_shared::Workflow;

use super::{active_workflow, runtime_workflow, CaseError, RefusalKind, RuntimeConfig};
use crate::auth::Caller;
use crate::db::{Applied, CaseInsert, Database, NewAudit, NewCase, StoredCase};
use crate::security::limits::cpu;

/// How often the timer worker looks for due timers, and how many it fires per round.
const TIMER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
const TIMER_BATCH: i64 = 500;

/// Longest list answered at once (the first page, by due date).
const LIST_LIMIT: i64 = 100;
/// The most tasks one `GET /api/tasks` returns (`limit`): a whole Arbeitskorb.
const MAX_LIST_LIMIT: u32 = 5000;

/// Parsed workflows of versions in operation by (key, version).
type ParsedVersions = HashMap<(String, String), Arc<Workflow>>;

/// The case runtime: the database and the settings. Cheap to clone.
#[derive(Clone)]
pub struct CaseRuntime {
    pub(super) db: Database,
    pub(super) config: RuntimeConfig,
    /// Versions in operation never change: each is parsed once.
    workflows: Arc<Mutex<ParsedVersions>>,
}

/// A case started (or found again by its idempotency key).
#[derive(Debug)]
pub struct Started {
    pub case: CaseSummary,
    /// False when the idempotency key had started this case before.
    pub created: bool,
}

/// A completed task: the case afterwards.
#[derive(Debug)]
pub struct Completion {
    pub case: CaseSummary,
}

impl CaseRuntime {
    pub fn new(db: Database, config: RuntimeConfig) -> CaseRuntime {
        CaseRuntime {
            db,
            config,
            workflows: Arc::default(),
        }
    }

    /// The workflow of a version in operation (parsed once per process).
    pub(super) async fn workflow(
        &self,
        key: &str,
        version: &str,
    ) -> Result<Arc<Workflow>, CaseError> {
        let id = (key.to_string(), version.to_string());
        if let Some(w) = self.cached(&id) {
            return Ok(w);
        }
        let w = Arc::new(runtime_workflow(&self.db, key, version).await?);
        if let Ok(mut cache) = self.workflows.lock() {
            cache.insert(id, Arc::clone(&w));
        }
        Ok(w)
    }

    fn cached(&self, id: &(String, String)) -> Option<Arc<Workflow>> {
        self.workflows.lock().ok()?.get(id).cloned()
    }

    pub(super) fn today(&self) -> fachwerk_shared::values::Date {
        super::intake::today(self.config.today)
    }

    /// The person of the caller's account.
    pub(super) async fn person(&self, caller: &Caller) -> Result<Person, CaseError> {
        self.db
            .person_of_account(&caller.id)
            .await?
            .ok_or(CaseError::NoPerson)
    }

    /// Starts a case on the active version of `req.workflow`. The caller's account must
    /// belong to a person (a clerk, or the person standing for an online form); that person
    /// is the initiator.
    pub async fn start(
        &self,
        caller: &Caller,
        req: &StartCase,
        idempotency_key: Option<&str>,
    ) -> Result<Started, CaseError> {
        if let Some(key) = idempotency_key {
            if let Some(id) = self.db.case_of_idempotency_key(&caller.id, key).await? {
                return Ok(Started {
                    case: self.summary(&id).await?,
                    created: false,
                });
            }
        }
        let initiator = self.person(caller).await?;
        let (version, w) = active_workflow(&self.db, &req.workflow).await?;
        let today = self.today();
        // Check the fields before a running number is taken.
        engine::check_fields(&w, &req.fields, today)?;
        let pattern = &self.config.aktenzeichen;
        let seq = self
            .db
            .next_case_number(&pattern.scope(&w.key, today.year()))
            .await?;
        let aktenzeichen = pattern.render(&w.key, today.year(), seq);
        let (w, fields, by, case_id) = (
            Arc::new(w),
            req.fields.clone(),
            initiator.id.clone(),
            aktenzeichen.clone(),
        );
        let land = self.config.land;
        let engine_w = Arc::clone(&w);
        let step = cpu(move || engine::start(&engine_w, &fields, Some(&by), &case_id, today, land))
            .await??;
        let id = crate::db::new_id();
        let mut change = step.into_change(None)?;
        change.audit.insert(
            0,
            NewAudit {
                kind: "started",
                detail: json!({
                    "workflow": w.key, "version": version, "aktenzeichen": aktenzeichen,
                    "fields": req.fields, "idempotencyKey": idempotency_key,
                }),
                account_id: Some(caller.id.clone()),
                person_id: Some(initiator.id.clone()),
            },
        );
        let inserted = self
            .db
            .insert_case(&NewCase {
                id: id.clone(),
                aktenzeichen,
                workflow_key: w.key.clone(),
                version,
                initiator_id: Some(initiator.id),
                created_by: caller.id.clone(),
                idempotency_key: idempotency_key.map(str::to_string),
                start: change,
            })
            .await?;
        Ok(match inserted {
            CaseInsert::Created => Started {
                case: self.summary(&id).await?,
                created: true,
            },
            CaseInsert::Existing(existing) => Started {
                case: self.summary(&existing).await?,
                created: false,
            },
        })
    }

    async fn summary(&self, id: &str) -> Result<CaseSummary, CaseError> {
        Ok(self.stored(id).await?.summary)
    }

    /// The stored case (404 if there is none).
    pub(super) async fn stored(&self, id: &str) -> Result<StoredCase, CaseError> {
        self.db.case(id).await?.ok_or_else(CaseError::no_case)
    }

    /// The stored case and its workflow version.
    pub(super) async fn stored_with_workflow(
        &self,
        id: &str,
    ) -> Result<(StoredCase, Arc<Workflow>), CaseError> {
        let stored = self.stored(id).await?;
        let w = self
            .workflow(&stored.summary.workflow, &stored.summary.version)
            .await?;
        Ok((stored, w))
    }

    /// The stored case if the caller may see it (participants of its workflow, reviewers,
    /// admins).
    pub(super) async fn visible_stored(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<StoredCase, CaseError> {
        let stored = self.stored(id).await?;
        if !self.may_see(caller, &stored.summary.workflow).await? {
            return Err(CaseError::Forbidden(
                "Diesen Vorgang dürfen nur Beteiligte seines Ablaufs sehen.".into(),
            ));
        }
        Ok(stored)
    }

    /// Whether the caller may see cases of workflow `key`: administrators and reviewers, and
    /// persons holding one of its roles (or standing in for someone who does).
    pub(crate) async fn may_see(&self, caller: &Caller, key: &str) -> Result<bool, CaseError> {
        if caller.role.can_review() {
            return Ok(true);
        }
        let Some(person) = self.db.person_of_account(&caller.id).await? else {
            return Ok(false);
        };
        if person.roles.iter().any(|r| r.workflow == key) {
            return Ok(true);
        }
        Ok(self
            .db
            .represented_by(&person.id)
            .await?
            .iter()
            .any(|p| p.roles.iter().any(|r| r.workflow == key)))
    }

    pub async fn view(&self, caller: &Caller, id: &str) -> Result<CaseView, CaseError> {
        let stored = self.visible_stored(caller, id).await?;
        let state: serde_json::Value = serde_json::from_str(&stored.state)
            .map_err(|e| CaseError::Storage(anyhow::anyhow!("case state: {e}")))?;
        Ok(CaseView {
            route: engine::route(&stored.state)?,
            tasks: self.db.tasks_of_case(id).await?,
            audit: self.db.audit(id).await?,
            summary: stored.summary,
            state,
        })
    }

    /// The newest cases of the workflows the caller may see.
    pub async fn list(&self, caller: &Caller) -> Result<Vec<CaseSummary>, CaseError> {
        let all = self.db.cases(None, LIST_LIMIT).await?;
        let mut out = Vec::with_capacity(all.len());
        let mut allowed: Vec<(String, bool)> = Vec::new();
        for c in all {
            let ok = match allowed.iter().find(|(k, _)| *k == c.workflow) {
                Some((_, ok)) => *ok,
                None => {
                    let ok = self.may_see(caller, &c.workflow).await?;
                    allowed.push((c.workflow.clone(), ok));
                    ok
                }
            };
            if ok {
                out.push(c);
            }
        }
        Ok(out)
    }

    pub async fn tasks(
        &self,
        caller: &Caller,
        scope: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<Task>, CaseError> {
        let person = self.person(caller).await?;
        let limit = match limit {
            None => LIST_LIMIT,
            Some(n @ 1..=MAX_LIST_LIMIT) => i64::from(n),
            Some(n) => {
                return Err(CaseError::bad(
                    "limit",
                    format!("„{n}“ ist keine erlaubte Anzahl (1 bis {MAX_LIST_LIMIT})."),
                    format!("{n} is not an allowed number (1 to {MAX_LIST_LIMIT})."),
                ))
            }
        };
        match scope.unwrap_or("mine") {
            "mine" => Ok(self.db.my_tasks(&person.id, limit).await?),
            "roles" => Ok(self.db.role_tasks(&person.id, limit).await?),
            "deputy" => Ok(self.db.deputy_tasks(&person.id, limit).await?),
            other => Err(CaseError::bad(
                "scope",
                format!("„{other}“ ist keine Auswahl (möglich: mine, roles, deputy)."),
                format!("{other:?} is not a scope (possible: mine, roles, deputy)."),
            )),
        }
    }

    /// Whether `person` holds the task's role, themselves or for an absent person they stand
    /// in for.
    pub(super) async fn holds_role(&self, person: &Person, task: &Task) -> Result<bool, CaseError> {
        let role = match (&task.role, &task.assignee) {
            (Some(role), _) => Some(role),
            (None, Some(assignee)) => return Ok(*assignee == person.id),
            // A task of no particular role: anyone working on the workflow's cases.
            (None, None) => None,
        };
        let holds = |p: &Person| {
            p.roles
                .iter()
                .any(|r| r.workflow == task.workflow && role.is_none_or(|role| r.role == *role))
        };
        if holds(person) {
            return Ok(true);
        }
        Ok(self.db.represented_by(&person.id).await?.iter().any(holds))
    }

    pub(super) fn not_in_role(task: &Task) -> CaseError {
        CaseError::refused(
            RefusalKind::Person,
            "NOT_IN_ROLE",
            format!(
                "Die Aufgabe „{}“ gehört der Rolle „{}“, die Sie nicht innehaben (auch nicht in Vertretung).",
                task.label,
                task.role.as_deref().unwrap_or("–")
            ),
            format!(
                "The task {:?} belongs to the role {:?}, which you do not hold (nor as a deputy).",
                task.label,
                task.role.as_deref().unwrap_or("–")
            ),
        )
    }

    async fn open_task(&self, id: &str) -> Result<crate::db::StoredTask, CaseError> {
        let task = self
            .db
            .task(id)
            .await?
            .ok_or_else(|| CaseError::NotFound("Diese Aufgabe gibt es nicht.".into()))?;
        if task.task.status != TaskStatus::Open {
            return Err(CaseError::refused(
                RefusalKind::State,
                "TASK_NOT_OPEN",
                format!("Die Aufgabe „{}“ ist bereits erledigt.", task.task.label),
                format!("The task {:?} is already finished.", task.task.label),
            ));
        }
        Ok(task)
    }

    /// Claims (`claim`) or releases a task.
    pub async fn claim(&self, caller: &Caller, id: &str, claim: bool) -> Result<Task, CaseError> {
        let person = self.person(caller).await?;
        let task = self.open_task(id).await?;
        if !self.holds_role(&person, &task.task).await? {
            return Err(Self::not_in_role(&task.task));
        }
        if claim {
            // The person rules refuse a claim already (a completion checks them again).
            let (stored, w) = self.stored_with_workflow(&task.task.case_id).await?;
            let represented = self.db.represented_by(&person.id).await?;
            let actor = engine::actor(&person, &represented, &w.key);
            let (state, engine_task) = (stored.state, task.engine_task.clone());
            cpu(move || engine::may_take(&w, &state, &engine_task, &actor))
                .await?
                .map_err(|e| e.naming(&person.id, &person.name))?;
        }
        let audit = NewAudit {
            kind: if claim { "claimed" } else { "released" },
            detail: json!({ "task": task.engine_task, "block": task.task.block }),
            account_id: Some(caller.id.clone()),
            person_id: Some(person.id.clone()),
        };
        match self.db.claim_task(id, &person.id, claim, audit).await? {
            Applied::Done(_) => {}
            Applied::ClaimedBy(name) if claim => {
                return Err(CaseError::refused(
                    RefusalKind::State,
                    "TASK_CLAIMED",
                    format!("„{name}“ bearbeitet diese Aufgabe bereits."),
                    format!("{name:?} is already working on this task."),
                ))
            }
            Applied::ClaimedBy(name) => {
                return Err(CaseError::refused(
                    RefusalKind::State,
                    "TASK_CLAIMED",
                    format!("Die Aufgabe hat „{name}“ übernommen, nicht Sie."),
                    format!("{name:?} claimed this task, not you."),
                ))
            }
            Applied::NotFound => {
                return Err(CaseError::NotFound("Diese Aufgabe gibt es nicht.".into()))
            }
            Applied::TaskNotOpen | Applied::Stale(_) => {
                return Err(CaseError::refused(
                    RefusalKind::State,
                    "TASK_NOT_OPEN",
                    "Die Aufgabe ist nicht mehr offen.",
                    "The task is no longer open.",
                ))
            }
        }
        Ok(self
            .db
            .task(id)
            .await?
            .ok_or_else(|| CaseError::NotFound("Diese Aufgabe gibt es nicht.".into()))?
            .task)
    }

    /// The current revision of the case of task `id` (for the command line).
    pub async fn task_revision(&self, id: &str) -> Result<u64, CaseError> {
        Ok(self
            .db
            .task(id)
            .await?
            .ok_or_else(|| CaseError::NotFound("Diese Aufgabe gibt es nicht.".into()))?
            .task
            .case_revision)
    }

    /// Completes a task with an exit, if the case is still at `revision`.
    pub async fn complete(
        &self,
        caller: &Caller,
        id: &str,
        revision: u64,
        req: &CompleteTask,
    ) -> Result<Completion, CaseError> {
        let person = self.person(caller).await?;
        let task = self.open_task(id).await?;
        if !self.holds_role(&person, &task.task).await? {
            return Err(Self::not_in_role(&task.task));
        }
        if let Some(other) = task.claimed_by_id.as_deref().filter(|c| *c != person.id) {
            let name = task
                .task
                .claimed_by
                .clone()
                .unwrap_or_else(|| other.to_string());
            return Err(CaseError::refused(
                RefusalKind::State,
                "TASK_CLAIMED",
                format!("„{name}“ bearbeitet diese Aufgabe; nur sie/er kann sie abschließen."),
                format!("{name:?} is working on this task; only they can complete it."),
            ));
        }
        let stored = self.stored(&task.task.case_id).await?;
        if stored.summary.revision != revision {
            return Err(CaseError::Stale {
                current: stored.summary.revision,
            });
        }
        let w = self
            .workflow(&stored.summary.workflow, &stored.summary.version)
            .await?;
        let represented = self.db.represented_by(&person.id).await?;
        let actor = engine::actor(&person, &represented, &w.key);
        let (state, engine_task, req_owned, today) = (
            stored.state.clone(),
            task.engine_task.clone(),
            req.clone(),
            self.today(),
        );
        let step =
            cpu(move || engine::complete(&w, &state, &engine_task, actor, &req_owned, today))
                .await?
                .map_err(|e| e.naming(&person.id, &person.name))?;
        let mut change = step.into_change(Some(&person.id))?;
        change.audit.insert(
            0,
            NewAudit {
                kind: "completed",
                detail: json!({
                    "task": task.engine_task, "block": task.task.block, "exit": req.exit,
                    "fields": req.fields,
                }),
                account_id: Some(caller.id.clone()),
                person_id: Some(person.id.clone()),
            },
        );
        match self
            .db
            .apply_case_change(
                &stored.summary.id,
                &stored.summary.workflow,
                revision,
                &change,
            )
            .await?
        {
            Applied::Done(_) => Ok(Completion {
                case: self.summary(&stored.summary.id).await?,
            }),
            Applied::Stale(current) => Err(CaseError::Stale { current }),
            _ => Err(CaseError::no_case()),
        }
    }
}

impl CaseRuntime {
    /// Fires the timers due today (or earlier), at most `limit`; returns how many fired.
    ///
    /// Exactly once, also with several server processes on one database: the engine records a
    /// fired timer in the case state, and the state is written only if the case is still at
    /// the revision the timer was read with (`apply_case_change`), so of two workers firing
    /// the same timer one writes and the other finds the case changed and skips it.
    pub async fn fire_due_timers(&self, limit: i64) -> Result<usize, CaseError> {
        let today = self.today();
        let mut fired = 0;
        for (case_id, timer, due, revision) in self.db.due_timers(&today.to_string(), limit).await?
        {
            // A timer fires on its due date (later ones of the case are still pending then).
            let due = Date::parse(&due).unwrap_or(today);
            let Some(stored) = self.db.case(&case_id).await? else {
                continue;
            };
            if stored.summary.revision != revision {
                continue; // changed meanwhile; the next round sees the timer again if pending
            }
            let w = self
                .workflow(&stored.summary.workflow, &stored.summary.version)
                .await?;
            let (state, timer_id) = (stored.state.clone(), timer.clone());
            let step = match cpu(move || engine::fire(&w, &state, &timer_id, due)).await? {
                Ok(step) => step,
                Err(CaseError::Refused { code, de, .. }) => {
                    tracing::warn!(case = %case_id, %timer, %code, reason = %de, "timer not fired");
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut change = step.into_change(None)?;
            change.audit.insert(
                0,
                NewAudit {
                    kind: "timer",
                    detail: json!({ "timer": timer }),
                    account_id: None,
                    person_id: None,
                },
            );
            let applied = self
                .db
                .apply_case_change(&case_id, &stored.summary.workflow, revision, &change)
                .await?;
            if matches!(applied, Applied::Done(_)) {
                fired += 1;
            }
        }
        Ok(fired)
    }

    /// Fires due timers every [`TIMER_INTERVAL`] until the task is aborted.
    pub async fn timer_worker(self) {
        loop {
            match self.fire_due_timers(TIMER_BATCH).await {
                Ok(n) if n > 0 => tracing::info!(fired = n, "timers fired"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "firing timers failed"),
            }
            tokio::time::sleep(TIMER_INTERVAL).await;
        }
    }
}
