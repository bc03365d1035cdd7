//! Cases, their tasks and timers, the audit trail and the intake's idempotency keys.
//!
//! A case changes in one transaction that first updates the case row conditionally
//! (`… WHERE revision = $expected`), which also serializes every other write to the case (the
//! row lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite): the task rows, the timers and the
//! numbered audit entries follow in the same transaction.

use fachwerk_shared::api::{AuditEntry, CaseStatus, CaseSummary, Task, TaskStatus};

use super::outputs::NewDelivery;
use super::{enum_from, enum_text, is_unique_violation, json_from, new_id, with_pool, with_tx};
use super::{Database, DbError, Fields, Tx};
use crate::fsutil;

/// A task the engine opened.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// The engine's id of the task (unique within the case).
    pub engine_task: String,
    pub block: String,
    pub label: String,
    pub role: Option<String>,
    /// Without a role: the one person the task is assigned to.
    pub assignee: Option<String>,
    pub exits: Vec<String>,
    /// Persons a person rule keeps from the task; left out of their "my roles' tasks".
    pub excluded: Vec<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
}

/// One audit entry to append.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub kind: &'static str,
    pub detail: serde_json::Value,
    pub account_id: Option<String>,
    pub person_id: Option<String>,
}

/// What one engine step changes about a case.
#[derive(Debug, Clone)]
pub struct CaseChange {
    /// The engine state after the step (JSON).
    pub state: String,
    pub status: CaseStatus,
    pub opened: Vec<NewTask>,
    /// Engine task ids that are finished, with the person who finished them (if any).
    pub done: Vec<(String, Option<String>)>,
    /// Engine task ids that were cancelled.
    pub cancelled: Vec<String>,
    /// The case's pending timers after the step: (timer id, due date `YYYY-MM-DD`). `None`:
    /// unchanged. Stored pending timers missing here have fired (or were cancelled).
    pub timers: Option<Vec<(String, String)>>,
    pub cancelled_timers: Vec<String>,
    pub audit: Vec<NewAudit>,
    /// Outputs to deliver (outbox rows), written in the same transaction as the change.
    pub deliveries: Vec<NewDelivery>,
}

impl CaseChange {
    /// A change to `state` with `status`, effects to be added.
    pub fn new(state: String, status: CaseStatus) -> CaseChange {
        CaseChange {
            state,
            status,
            opened: Vec::new(),
            done: Vec::new(),
            cancelled: Vec::new(),
            timers: None,
            cancelled_timers: Vec::new(),
            audit: Vec::new(),
            deliveries: Vec::new(),
        }
    }

    /// A change of nothing but the audit trail (claims, releases).
    pub fn audit_only(audit: NewAudit) -> CaseChange {
        let mut change = CaseChange::new(String::new(), CaseStatus::Open);
        change.audit.push(audit);
        change
    }
}

/// A new case and the effects of its start.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: String,
    pub aktenzeichen: String,
    pub workflow_key: String,
    pub version: String,
    pub initiator_id: Option<String>,
    pub created_by: String,
    /// Intake `Idempotency-Key`.
    pub idempotency_key: Option<String>,
    pub start: CaseChange,
}

/// Outcome of inserting a case.
#[derive(Debug)]
pub enum CaseInsert {
    Created,
    /// The idempotency key was used before: the case it made.
    Existing(String),
}

/// A stored case.
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub summary: CaseSummary,
    pub state: String,
    pub initiator_id: Option<String>,
}

/// A stored task with what the service needs besides the view.
#[derive(Debug, Clone)]
pub struct StoredTask {
    pub task: Task,
    pub engine_task: String,
    pub claimed_by_id: Option<String>,
}

/// Outcome of a conditional change of a case or task.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// Done; the case's new revision.
    Done(u64),
    /// The case is at another revision.
    Stale(u64),
    /// The task is not open, or claimed by someone else (their name).
    TaskNotOpen,
    ClaimedBy(String),
    NotFound,
}

const CASE_COLUMNS: &str = "c.id, c.aktenzeichen, c.workflow_key, c.workflow_version, c.status, \
     c.revision, c.created_at, c.updated_at";

fn summary_from(row: &impl Fields) -> Result<CaseSummary, DbError> {
    Ok(CaseSummary {
        id: row.text("id")?,
        aktenzeichen: row.text("aktenzeichen")?,
        workflow: row.text("workflow_key")?,
        version: row.text("workflow_version")?,
        status: enum_from("case status", &row.text("status")?)?,
        revision: unsigned(row.int("revision")?)?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

fn unsigned(v: i64) -> Result<u64, DbError> {
    u64::try_from(v).map_err(|_| DbError::corrupt("case revision", v))
}

fn signed(v: u64) -> Result<i64, DbError> {
    i64::try_from(v).map_err(|_| DbError::corrupt("case revision", v))
}

const TASK_COLUMNS: &str = "t.id, t.case_id, c.aktenzeichen, t.workflow_key, t.block_id, \
     t.label, t.role_id, t.assignee, t.exits, t.claimed_by, pc.name AS claimed_name, t.due, t.status, t.created_at, \
     c.revision, t.engine_task";

const TASK_FROM: &str = "FROM tasks t JOIN cases c ON c.id = t.case_id \
     LEFT JOIN persons pc ON pc.id = t.claimed_by";

fn task_from(row: &impl Fields) -> Result<StoredTask, DbError> {
    Ok(StoredTask {
        task: Task {
            id: row.text("id")?,
            case_id: row.text("case_id")?,
            aktenzeichen: row.text("aktenzeichen")?,
            workflow: row.text("workflow_key")?,
            block: row.text("block_id")?,
            label: row.text("label")?,
            role: row.opt_text("role_id")?.filter(|r| r != ANY_ROLE),
            assignee: row.opt_text("assignee")?,
            exits: json_from("task exits", &row.text("exits")?)?,
            claimed_by: row.opt_text("claimed_name")?,
            due: Some(row.text("due")?).filter(|d| d != NO_DUE),
            status: enum_from("task status", &row.text("status")?)?,
            created_at: row.text("created_at")?,
            case_revision: unsigned(row.int("revision")?)?,
        },
        engine_task: row.text("engine_task")?,
        claimed_by_id: row.opt_text("claimed_by")?,
    })
}

/// The stored due date of a task without one: sorts last on both drivers, and keeps the
/// `(…, due)` indexes usable for "first n by due date".
const NO_DUE: &str = "9999-12-31";

/// The stored role of a task of no role and no person: anyone working on the workflow.
const ANY_ROLE: &str = "*";

fn stored_role(t: &NewTask) -> Option<&str> {
    match (&t.role, &t.assignee) {
        (Some(role), _) => Some(role),
        (None, None) => Some(ANY_ROLE),
        (None, Some(_)) => None,
    }
}

/// The `excluded` column: each person id between spaces (ids never contain spaces or `%`).
fn excluded_text(persons: &[String]) -> String {
    if persons.is_empty() {
        String::new()
    } else {
        format!(" {} ", persons.join(" "))
    }
}

/// Writes the task rows, timers and audit entries of `change` (the case row is written by
/// the caller, first).
pub(super) async fn write_effects(
    tx: &mut Tx,
    case_id: &str,
    workflow_key: &str,
    change: &CaseChange,
    now: &str,
) -> Result<(), DbError> {
    let done = enum_text(&TaskStatus::Done)?;
    let cancelled = enum_text(&TaskStatus::Cancelled)?;
    with_tx!(tx, conn => {
        for (task, person) in &change.done {
            sqlx::query("UPDATE tasks SET status = $3, finished_at = $4, finished_by = $5 \
                 WHERE case_id = $1 AND engine_task = $2 AND status = 'open'")
                .bind(case_id).bind(task).bind(&done).bind(now).bind(person)
                .execute(&mut *conn).await?;
        }
        for task in &change.cancelled {
            sqlx::query("UPDATE tasks SET status = $3, finished_at = $4 \
                 WHERE case_id = $1 AND engine_task = $2 AND status = 'open'")
                .bind(case_id).bind(task).bind(&cancelled).bind(now)
                .execute(&mut *conn).await?;
        }
        for t in &change.opened {
            // A task id the engine hands out again (a loop back) opens the row again.
            let exits = serde_json::to_string(&t.exits).map_err(|e| DbError::corrupt("task exits", e))?;
            sqlx::query("INSERT INTO tasks (id, case_id, engine_task, block_id, label, \
                 workflow_key, role_id, assignee, exits, excluded, claimed_by, due, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $10, $11, $12, NULL, $8, 'open', $9) \
                 ON CONFLICT (case_id, engine_task) DO UPDATE SET status = 'open', excluded = $12, \
                 claimed_by = NULL, due = $8, created_at = $9, finished_at = NULL, finished_by = NULL")
                .bind(new_id()).bind(case_id).bind(&t.engine_task).bind(&t.block).bind(&t.label)
                .bind(workflow_key).bind(stored_role(t)).bind(t.due.as_deref().unwrap_or(NO_DUE)).bind(now).bind(&t.assignee).bind(exits)
                .bind(excluded_text(&t.excluded))
                .execute(&mut *conn).await?;
        }
        for timer in &change.cancelled_timers {
            sqlx::query("UPDATE timers SET cancelled = TRUE WHERE case_id = $1 AND timer_id = $2 AND NOT fired")
                .bind(case_id).bind(timer).execute(&mut *conn).await?;
        }
        if let Some(pending) = &change.timers {
            let stored: Vec<String> = sqlx::query("SELECT timer_id FROM timers WHERE case_id = $1 \
                 AND NOT fired AND NOT cancelled")
                .bind(case_id).fetch_all(&mut *conn).await?
                .iter().map(|r| r.text("timer_id")).collect::<Result<_, _>>()?;
            for gone in stored.iter().filter(|s| !pending.iter().any(|(p, _)| p == *s)) {
                sqlx::query("UPDATE timers SET fired = TRUE WHERE case_id = $1 AND timer_id = $2")
                    .bind(case_id).bind(gone).execute(&mut *conn).await?;
            }
            for (timer, due) in pending.iter().filter(|(p, _)| !stored.contains(p)) {
                sqlx::query("INSERT INTO timers (case_id, timer_id, due, fired, cancelled) \
                     VALUES ($1, $2, $3, FALSE, FALSE) ON CONFLICT (case_id, timer_id) \
                     DO UPDATE SET due = $3, fired = FALSE, cancelled = FALSE")
                    .bind(case_id).bind(timer).bind(due).execute(&mut *conn).await?;
            }
        }
    });
    append_audit(tx, case_id, &change.audit, now).await?;
    super::outputs::write_deliveries(tx, case_id, &change.deliveries, now).await
}

/// Appends numbered audit entries to a case (inside a transaction that wrote the case row
/// first, which serializes writers of the case).
pub(super) async fn append_audit(
    tx: &mut Tx,
    case_id: &str,
    audit: &[NewAudit],
    now: &str,
) -> Result<(), DbError> {
    if audit.is_empty() {
        return Ok(());
    }
    with_tx!(tx, conn => {
        let last: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS last FROM case_events WHERE case_id = $1")
            .bind(case_id).fetch_one(&mut *conn).await?.int("last")?;
        for (i, a) in audit.iter().enumerate() {
            let seq = last + 1 + i64::try_from(i).unwrap_or(0);
            sqlx::query("INSERT INTO case_events (case_id, seq, at, actor_account, \
                 actor_person, kind, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(case_id).bind(seq).bind(now).bind(&a.account_id).bind(&a.person_id)
                .bind(a.kind).bind(a.detail.to_string())
                .execute(&mut *conn).await?;
        }
    });
    Ok(())
}

impl Database {
    /// The next running number of `scope` (e.g. `beschaffung/2026`), from 1. Numbers of cases
    /// that failed to start are not reused.
    pub async fn next_case_number(&self, scope: &str) -> Result<i64, DbError> {
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO case_counters (scope, value) VALUES ($1, 1) ON CONFLICT (scope) \
             DO UPDATE SET value = case_counters.value + 1 RETURNING value")
            .bind(scope).fetch_one(&mut *conn).await?.int("value")?);
        tx.commit().await?;
        Ok(n)
    }

    /// The case an intake with this account and idempotency key made.
    pub async fn case_of_idempotency_key(
        &self,
        account_id: &str,
        key: &str,
    ) -> Result<Option<String>, DbError> {
        with_pool!(self, pool => sqlx::query(
            "SELECT case_id FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2")
            .bind(account_id).bind(key).fetch_optional(pool).await?
            .map(|r| r.text("case_id")).transpose().map_err(DbError::from))
    }

    /// Stores a new case with the effects of its start, in one transaction.
    pub async fn insert_case(&self, c: &NewCase) -> Result<CaseInsert, DbError> {
        let now = fsutil::now_rfc3339();
        let status = enum_text(&c.start.status)?;
        let mut tx = self.begin().await?;
        let existing = with_tx!(&mut tx, conn => 'insert: {
            sqlx::query("INSERT INTO cases (id, aktenzeichen, workflow_key, workflow_version, \
                 status, state, revision, initiator_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $9)")
                .bind(&c.id).bind(&c.aktenzeichen).bind(&c.workflow_key).bind(&c.version)
                .bind(&status).bind(&c.start.state).bind(&c.initiator_id).bind(&c.created_by)
                .bind(&now).execute(&mut *conn).await?;
            if let Some(key) = &c.idempotency_key {
                let inserted = sqlx::query("INSERT INTO idempotency_keys (account_id, idem_key, \
                     case_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&c.created_by).bind(key).bind(&c.id).bind(&now)
                    .execute(&mut *conn).await;
                match inserted {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => break 'insert true,
                    Err(e) => return Err(e.into()),
                }
            }
            false
        });
        if existing {
            drop(tx);
            let key = c.idempotency_key.as_deref().unwrap_or_default();
            return match self.case_of_idempotency_key(&c.created_by, key).await? {
                Some(id) => Ok(CaseInsert::Existing(id)),
                None => Err(DbError::corrupt("idempotency key", "vanished")),
            };
        }
        write_effects(&mut tx, &c.id, &c.workflow_key, &c.start, &now).await?;
        tx.commit().await?;
        Ok(CaseInsert::Created)
    }

    pub async fn case(&self, id: &str) -> Result<Option<StoredCase>, DbError> {
        let sql =
            format!("SELECT {CASE_COLUMNS}, c.state, c.initiator_id FROM cases c WHERE c.id = $1");
        with_pool!(self, pool => sqlx::query(&sql).bind(id).fetch_optional(pool).await?
            .map(|r| Ok(StoredCase {
                summary: summary_from(&r)?,
                state: r.text("state")?,
                initiator_id: r.opt_text("initiator_id")?,
            })).transpose())
    }

    /// The newest cases (at most `limit`), optionally of one workflow.
    pub async fn cases(
        &self,
        workflow: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CaseSummary>, DbError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c WHERE ($1 IS NULL OR c.workflow_key = $1) \
             ORDER BY c.created_at DESC, c.id LIMIT $2"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(workflow).bind(limit)
            .fetch_all(pool).await?.iter().map(summary_from).collect())
    }

    pub async fn tasks_of_case(&self, case_id: &str) -> Result<Vec<Task>, DbError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.case_id = $1 ORDER BY t.created_at, t.id"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).fetch_all(pool).await?
            .iter().map(|r| task_from(r).map(|t| t.task)).collect())
    }

    pub async fn task(&self, id: &str) -> Result<Option<StoredTask>, DbError> {
        let sql = format!("SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.id = $1");
        with_pool!(self, pool => sqlx::query(&sql).bind(id).fetch_optional(pool).await?
            .map(|r| task_from(&r)).transpose())
    }

    /// The task row of the engine's task `engine_task` in case `case_id`.
    pub async fn task_of_case(
        &self,
        case_id: &str,
        engine_task: &str,
    ) -> Result<Option<StoredTask>, DbError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.case_id = $1 AND t.engine_task = $2"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).bind(engine_task)
            .fetch_optional(pool).await?.map(|r| task_from(&r)).transpose())
    }

    /// Open tasks claimed by `person_id` or assigned to them, by due date.
    pub async fn my_tasks(&self, person_id: &str, limit: i64) -> Result<Vec<Task>, DbError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.id IN (\
             SELECT ct.id FROM tasks ct WHERE ct.claimed_by = $1 AND ct.status = 'open' UNION \
             SELECT at.id FROM tasks at WHERE at.assignee = $1 AND at.status = 'open') \
             ORDER BY t.due, t.created_at LIMIT $2"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(person_id).bind(limit).fetch_all(pool).await?
            .iter().map(|r| task_from(r).map(|t| t.task)).collect())
    }

    /// Open tasks of the roles `person_id` holds or holds for an absent person they stand in
    /// for (and tasks of no particular role in their workflows), the first `limit` by due date.
    ///
    /// One index range scan per role (`tasks_role` is ordered by due date), merged here: a
    /// person holds few roles, a role may have thousands of open tasks.
    pub async fn role_tasks(&self, person_id: &str, limit: i64) -> Result<Vec<Task>, DbError> {
        let roles_sql = "SELECT DISTINCT r.workflow_key, r.role_id FROM person_roles r \
             WHERE r.person_id = $1 OR r.person_id IN (\
             SELECT p.id FROM persons p WHERE p.deputy_id = $1 AND p.absent)";
        self.tasks_of_roles(person_id, roles_sql, limit).await
    }

    /// Open tasks of the roles the absent persons `person_id` stands in for hold (the
    /// Arbeitskorb's "Vertretung"), the first `limit` by due date.
    pub async fn deputy_tasks(&self, person_id: &str, limit: i64) -> Result<Vec<Task>, DbError> {
        let roles_sql = "SELECT DISTINCT r.workflow_key, r.role_id FROM person_roles r \
             WHERE r.person_id IN (\
             SELECT p.id FROM persons p WHERE p.deputy_id = $1 AND p.absent)";
        self.tasks_of_roles(person_id, roles_sql, limit).await
    }

    /// Open tasks of the roles `roles_sql` selects for `person_id` ($1), leaving out tasks a
    /// person rule keeps the person from.
    async fn tasks_of_roles(
        &self,
        person_id: &str,
        roles_sql: &str,
        limit: i64,
    ) -> Result<Vec<Task>, DbError> {
        let tasks_sql = format!(
            "SELECT {TASK_COLUMNS} {TASK_FROM} WHERE t.workflow_key = $1 AND t.role_id = $2 \
             AND t.status = 'open' AND t.excluded NOT LIKE $4 ORDER BY t.due, t.created_at LIMIT $3"
        );
        let me = format!("% {person_id} %");
        let mut tasks = with_pool!(self, pool => {
            let mut roles: Vec<(String, String)> = sqlx::query(roles_sql).bind(person_id)
                .fetch_all(pool).await?.iter()
                .map(|r| Ok((r.text("workflow_key")?, r.text("role_id")?)))
                .collect::<Result<_, DbError>>()?;
            let mut keys: Vec<String> = roles.iter().map(|(k, _)| k.clone()).collect();
            keys.sort();
            keys.dedup();
            roles.extend(keys.into_iter().map(|k| (k, ANY_ROLE.to_string())));
            let mut tasks = Vec::new();
            for (key, role) in &roles {
                for row in sqlx::query(&tasks_sql).bind(key).bind(role).bind(limit).bind(&me)
                    .fetch_all(pool).await? {
                    tasks.push(task_from(&row)?.task);
                }
            }
            tasks
        });
        let order = |t: &Task| {
            (
                t.due.clone().unwrap_or_else(|| NO_DUE.into()),
                t.created_at.clone(),
            )
        };
        tasks.sort_by_key(order);
        tasks.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(tasks)
    }

    /// Claims (`claim` = true) or releases an open task for `person_id`. A task claimed by
    /// someone else is not taken over.
    pub async fn claim_task(
        &self,
        task_id: &str,
        person_id: &str,
        claim: bool,
        audit: NewAudit,
    ) -> Result<Applied, DbError> {
        let now = fsutil::now_rfc3339();
        let Some(task) = self.task(task_id).await? else {
            return Ok(Applied::NotFound);
        };
        let mut tx = self.begin().await?;
        let outcome = with_tx!(&mut tx, conn => 'claim: {
            // The case row first: it serializes this with completions of the same case.
            let revision = sqlx::query("UPDATE cases SET updated_at = $2 WHERE id = $1 RETURNING revision")
                .bind(&task.task.case_id).bind(&now).fetch_one(&mut *conn).await?.int("revision")?;
            let changed = if claim {
                sqlx::query("UPDATE tasks SET claimed_by = $2 WHERE id = $1 AND status = 'open' \
                     AND (claimed_by IS NULL OR claimed_by = $2)")
            } else {
                sqlx::query("UPDATE tasks SET claimed_by = NULL WHERE id = $1 AND status = 'open' \
                     AND claimed_by = $2")
            }
            .bind(task_id).bind(person_id).execute(&mut *conn).await?.rows_affected();
            if changed == 1 {
                break 'claim Applied::Done(unsigned(revision)?);
            }
            let row = sqlx::query("SELECT t.status, p.name FROM tasks t LEFT JOIN persons p \
                 ON p.id = t.claimed_by WHERE t.id = $1")
                .bind(task_id).fetch_one(&mut *conn).await?;
            match (row.text("status")?.as_str(), row.opt_text("name")?) {
                ("open", Some(name)) => Applied::ClaimedBy(name),
                _ => Applied::TaskNotOpen,
            }
        });
        if matches!(outcome, Applied::Done(_)) {
            let change = CaseChange::audit_only(audit);
            write_effects(
                &mut tx,
                &task.task.case_id,
                &task.task.workflow,
                &change,
                &now,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// Applies an engine step to case `case_id` if it is still at `expected` revision.
    pub async fn apply_case_change(
        &self,
        case_id: &str,
        workflow_key: &str,
        expected: u64,
        change: &CaseChange,
    ) -> Result<Applied, DbError> {
        let now = fsutil::now_rfc3339();
        let status = enum_text(&change.status)?;
        let mut tx = self.begin().await?;
        let updated = with_tx!(&mut tx, conn => sqlx::query(
            "UPDATE cases SET state = $3, status = $4, revision = revision + 1, updated_at = $5 \
             WHERE id = $1 AND revision = $2 RETURNING revision")
            .bind(case_id).bind(signed(expected)?).bind(&change.state).bind(&status).bind(&now)
            .fetch_optional(&mut *conn).await?.map(|r| r.int("revision")).transpose()?);
        let Some(revision) = updated else {
            drop(tx);
            return Ok(match self.case(case_id).await? {
                Some(c) => Applied::Stale(c.summary.revision),
                None => Applied::NotFound,
            });
        };
        write_effects(&mut tx, case_id, workflow_key, change, &now).await?;
        tx.commit().await?;
        Ok(Applied::Done(unsigned(revision)?))
    }

    /// Pending timers due on or before `today` (`YYYY-MM-DD`), earliest first: (case id,
    /// timer id, due date, case revision).
    pub async fn due_timers(
        &self,
        today: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, String, u64)>, DbError> {
        let sql = "SELECT t.case_id, t.timer_id, t.due, c.revision FROM timers t \
             JOIN cases c ON c.id = t.case_id WHERE t.due <= $1 AND NOT t.fired \
             AND NOT t.cancelled AND c.status = 'open' ORDER BY t.due, t.case_id LIMIT $2";
        with_pool!(self, pool => sqlx::query(sql).bind(today).bind(limit).fetch_all(pool).await?
            .iter().map(|r| Ok((r.text("case_id")?, r.text("timer_id")?, r.text("due")?,
                unsigned(r.int("revision")?)?)))
            .collect())
    }

    /// The audit trail of a case, in order.
    pub async fn audit(&self, case_id: &str) -> Result<Vec<AuditEntry>, DbError> {
        let sql = "SELECT e.seq, e.at, a.name AS account_name, p.name AS person_name, e.kind, \
             e.detail FROM case_events e LEFT JOIN accounts a ON a.id = e.actor_account \
             LEFT JOIN persons p ON p.id = e.actor_person WHERE e.case_id = $1 ORDER BY e.seq";
        with_pool!(self, pool => sqlx::query(sql).bind(case_id).fetch_all(pool).await?
            .iter().map(|r| Ok(AuditEntry {
                seq: unsigned(r.int("seq")?)?,
                at: r.text("at")?,
                account: r.opt_text("account_name")?,
                person: r.opt_text("person_name")?,
                kind: r.text("kind")?,
                detail: json_from("audit detail", &r.text("detail")?)?,
            })).collect())
    }
}
