//! Who may act on a case's outputs as a clerk: the holder of a task's role (write the
//! Rückfrage of that task), a person working on the case's workflow (add a document).

use fachwerk_shared::api::{Person, TaskStatus};

use super::{CaseError, CaseRuntime};
use crate::auth::Caller;
use crate::db::{StoredCase, StoredTask};

impl CaseRuntime {
    /// The caller's person and task `task` (the engine's id) of the case, if the person holds
    /// its role (themselves or as a deputy). `open`: the task must still be open.
    pub async fn task_holder(
        &self,
        caller: &Caller,
        case_id: &str,
        task: &str,
        open: bool,
    ) -> Result<(Person, StoredTask), CaseError> {
        let person = self.person(caller).await?;
        let row = self.db.task_of_case(case_id, task).await?.ok_or_else(|| {
            CaseError::NotFound("Diese Aufgabe gibt es in diesem Vorgang nicht.".into())
        })?;
        if !self.holds_role(&person, &row.task).await? {
            return Err(Self::not_in_role(&row.task));
        }
        if open && row.task.status != TaskStatus::Open {
            return Err(CaseError::refused(
                super::RefusalKind::State,
                "TASK_NOT_OPEN",
                format!("Die Aufgabe „{}“ ist nicht mehr offen.", row.task.label),
                format!("The task {:?} is no longer open.", row.task.label),
            ));
        }
        Ok((person, row))
    }

    /// The caller's person and the case, if the person works on the case's workflow (holds
    /// one of its roles, themselves or for someone they stand in for). Reviewers and
    /// administrators who are no such person may look, not add.
    pub async fn case_worker(
        &self,
        caller: &Caller,
        case_id: &str,
    ) -> Result<(Person, StoredCase), CaseError> {
        let person = self.person(caller).await?;
        let stored = self.stored(case_id).await?;
        let key = &stored.summary.workflow;
        let works = person.roles.iter().any(|r| r.workflow == *key)
            || self
                .db
                .represented_by(&person.id)
                .await?
                .iter()
                .any(|p| p.roles.iter().any(|r| r.workflow == *key));
        if !works {
            return Err(CaseError::Forbidden(
                "Dokumente fügen nur Personen hinzu, die in diesem Ablauf eine Rolle haben.".into(),
            ));
        }
        Ok((person, stored))
    }
}
