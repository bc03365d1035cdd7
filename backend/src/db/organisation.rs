//! Workflow versions in operation and the organisation: persons, their roles, signing limits
//! and deputies.

use fachwerk_shared::api::{Person, PersonInput, RoleMembership, RuntimeWorkflow};

use super::{is_unique_violation, new_id, with_pool, with_tx, Database, DbError, Fields};
use crate::fsutil;

/// A stored version in operation with its workflow JSON.
#[derive(Debug, Clone)]
pub struct StoredRuntimeWorkflow {
    pub info: RuntimeWorkflow,
    pub workflow: String,
}

fn runtime_from(row: &impl Fields) -> Result<StoredRuntimeWorkflow, DbError> {
    let workflow = row.text("workflow")?;
    let name = serde_json::from_str::<serde_json::Value>(&workflow)
        .ok()
        .and_then(|w| w["name"].as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(StoredRuntimeWorkflow {
        info: RuntimeWorkflow {
            key: row.text("workflow_key")?,
            version: row.text("version")?,
            name,
            active: row.flag("active")?,
            activated_by: row.text("activated_by_name")?,
            activated_at: row.text("activated_at")?,
        },
        workflow,
    })
}

const SELECT_RUNTIME: &str = "SELECT w.workflow_key, w.version, w.workflow, w.active, \
     a.name AS activated_by_name, w.activated_at \
     FROM runtime_workflows w JOIN accounts a ON a.id = w.activated_by";

/// Why a person cannot be saved as given.
#[derive(Debug, thiserror::Error)]
pub enum PersonRejected {
    #[error("Ein Konto „{0}“ gibt es nicht.")]
    NoAccount(String),
    #[error("Das Konto „{0}“ gehört schon zu einer anderen Person.")]
    AccountTaken(String),
    #[error("Eine Person mit der Kennung „{0}“ gibt es nicht (Vertretung).")]
    NoDeputy(String),
    #[error("Eine Person kann sich nicht selbst vertreten.")]
    SelfDeputy,
}

/// Outcome of saving a person.
#[derive(Debug)]
pub enum PersonSave {
    Saved(Box<Person>),
    Rejected(PersonRejected),
    NotFound,
}

const SELECT_PERSON: &str = "SELECT p.id, p.name, a.name AS account_name, p.account_id, \
     p.signing_limit, p.deputy_id, p.absent FROM persons p \
     LEFT JOIN accounts a ON a.id = p.account_id";

fn person_from(row: &impl Fields) -> Result<Person, DbError> {
    Ok(Person {
        id: row.text("id")?,
        name: row.text("name")?,
        account: row.opt_text("account_name")?,
        signing_limit: row.opt_text("signing_limit")?,
        deputy: row.opt_text("deputy_id")?,
        absent: row.flag("absent")?,
        roles: Vec::new(),
    })
}

impl Database {
    /// Takes `version` of `key` into operation: it becomes the active version (the one new
    /// cases start on); earlier versions stay for the cases running on them.
    pub async fn activate_workflow(
        &self,
        key: &str,
        version: &str,
        workflow: &str,
        account_id: &str,
    ) -> Result<RuntimeWorkflow, DbError> {
        let now = fsutil::now_rfc3339();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, conn => {
            sqlx::query("UPDATE runtime_workflows SET active = FALSE WHERE workflow_key = $1 AND active")
                .bind(key)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO runtime_workflows (workflow_key, version, workflow, active, \
                 activated_by, activated_at) VALUES ($1, $2, $3, TRUE, $4, $5) \
                 ON CONFLICT (workflow_key, version) DO UPDATE SET active = TRUE, \
                 activated_by = $4, activated_at = $5",
            )
            .bind(key)
            .bind(version)
            .bind(workflow)
            .bind(account_id)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
        });
        tx.commit().await?;
        self.runtime_workflow(key, version)
            .await?
            .map(|w| w.info)
            .ok_or_else(|| DbError::corrupt("runtime workflow", "vanished after activation"))
    }

    /// Every version ever taken into operation, by key and activation time.
    pub async fn runtime_workflows(&self) -> Result<Vec<RuntimeWorkflow>, DbError> {
        let sql = "SELECT w.workflow_key, w.version, '{}' AS workflow, w.active, \
             a.name AS activated_by_name, w.activated_at \
             FROM runtime_workflows w JOIN accounts a ON a.id = w.activated_by \
             ORDER BY w.workflow_key, w.activated_at";
        with_pool!(self, pool => {
            let rows = sqlx::query(sql).fetch_all(pool).await?;
            rows.iter().map(|r| runtime_from(r).map(|w| w.info)).collect()
        })
    }

    pub async fn runtime_workflow(
        &self,
        key: &str,
        version: &str,
    ) -> Result<Option<StoredRuntimeWorkflow>, DbError> {
        let sql = format!("{SELECT_RUNTIME} WHERE w.workflow_key = $1 AND w.version = $2");
        with_pool!(self, pool => sqlx::query(&sql).bind(key).bind(version).fetch_optional(pool).await?
            .map(|r| runtime_from(&r)).transpose())
    }

    /// The active version of `key`, if one is in operation.
    pub async fn active_workflow(
        &self,
        key: &str,
    ) -> Result<Option<StoredRuntimeWorkflow>, DbError> {
        let sql = format!("{SELECT_RUNTIME} WHERE w.workflow_key = $1 AND w.active");
        with_pool!(self, pool => sqlx::query(&sql).bind(key).fetch_optional(pool).await?
            .map(|r| runtime_from(&r)).transpose())
    }

    /// Every person with their roles, by name.
    pub async fn persons(&self) -> Result<Vec<Person>, DbError> {
        let sql = format!("{SELECT_PERSON} ORDER BY p.name, p.id");
        let (mut persons, roles) = with_pool!(self, pool => {
            let persons = sqlx::query(&sql).fetch_all(pool).await?
                .iter().map(person_from).collect::<Result<Vec<_>, _>>()?;
            let roles = sqlx::query("SELECT person_id, workflow_key, role_id FROM person_roles \
                 ORDER BY workflow_key, role_id").fetch_all(pool).await?
                .iter().map(|r| Ok((r.text("person_id")?, RoleMembership {
                    workflow: r.text("workflow_key")?, role: r.text("role_id")?,
                }))).collect::<Result<Vec<_>, DbError>>()?;
            (persons, roles)
        });
        for (id, membership) in roles {
            if let Some(p) = persons.iter_mut().find(|p| p.id == id) {
                p.roles.push(membership);
            }
        }
        Ok(persons)
    }

    pub async fn person(&self, id: &str) -> Result<Option<Person>, DbError> {
        let sql = format!("{SELECT_PERSON} WHERE p.id = $1");
        let found = with_pool!(self, pool => sqlx::query(&sql).bind(id).fetch_optional(pool).await?
            .map(|r| person_from(&r)).transpose()?);
        let Some(mut person) = found else {
            return Ok(None);
        };
        person.roles = self.roles_of(id).await?;
        Ok(Some(person))
    }

    /// The person an account belongs to.
    pub async fn person_of_account(&self, account_id: &str) -> Result<Option<Person>, DbError> {
        let sql = format!("{SELECT_PERSON} WHERE p.account_id = $1");
        let found = with_pool!(self, pool => sqlx::query(&sql).bind(account_id)
            .fetch_optional(pool).await?.map(|r| person_from(&r)).transpose()?);
        let Some(mut person) = found else {
            return Ok(None);
        };
        person.roles = self.roles_of(&person.id).await?;
        Ok(Some(person))
    }

    async fn roles_of(&self, person_id: &str) -> Result<Vec<RoleMembership>, DbError> {
        with_pool!(self, pool => sqlx::query("SELECT workflow_key, role_id FROM person_roles \
             WHERE person_id = $1 ORDER BY workflow_key, role_id")
            .bind(person_id).fetch_all(pool).await?
            .iter().map(|r| Ok(RoleMembership {
                workflow: r.text("workflow_key")?, role: r.text("role_id")?,
            })).collect())
    }

    /// The absent persons `person_id` stands in for.
    pub async fn represented_by(&self, person_id: &str) -> Result<Vec<Person>, DbError> {
        let sql = format!("{SELECT_PERSON} WHERE p.deputy_id = $1 AND p.absent ORDER BY p.name");
        let mut persons = with_pool!(self, pool => sqlx::query(&sql).bind(person_id)
            .fetch_all(pool).await?.iter().map(person_from).collect::<Result<Vec<_>, _>>()?);
        for p in &mut persons {
            p.roles = self.roles_of(&p.id).await?;
        }
        Ok(persons)
    }

    /// Creates (`id` = None) or replaces a person with their roles, in one transaction.
    pub async fn save_person(
        &self,
        id: Option<&str>,
        input: &PersonInput,
    ) -> Result<PersonSave, DbError> {
        let now = fsutil::now_rfc3339();
        let person_id = id.map_or_else(new_id, str::to_string);
        if input.deputy.as_deref() == Some(person_id.as_str()) {
            return Ok(PersonSave::Rejected(PersonRejected::SelfDeputy));
        }
        let mut tx = self.begin().await?;
        let outcome: Result<(), PersonSave> = with_tx!(&mut tx, conn => 'save: {
            let account_id: Option<String> = match &input.account {
                None => None,
                Some(name) => match sqlx::query("SELECT id FROM accounts WHERE name = $1 AND deleted_at IS NULL")
                    .bind(name).fetch_optional(&mut *conn).await? {
                    Some(row) => Some(row.text("id")?),
                    None => break 'save Err(PersonSave::Rejected(PersonRejected::NoAccount(name.clone()))),
                },
            };
            if let Some(deputy) = &input.deputy {
                if sqlx::query("SELECT id FROM persons WHERE id = $1").bind(deputy)
                    .fetch_optional(&mut *conn).await?.is_none() {
                    break 'save Err(PersonSave::Rejected(PersonRejected::NoDeputy(deputy.clone())));
                }
            }
            let written = if id.is_some() {
                sqlx::query("UPDATE persons SET name = $2, account_id = $3, signing_limit = $4, \
                     deputy_id = $5, absent = $6, updated_at = $7 WHERE id = $1")
                    .bind(&person_id).bind(&input.name).bind(&account_id)
                    .bind(&input.signing_limit).bind(&input.deputy).bind(input.absent).bind(&now)
                    .execute(&mut *conn).await.map(|r| r.rows_affected())
            } else {
                sqlx::query("INSERT INTO persons (id, name, account_id, signing_limit, deputy_id, \
                     absent, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                    .bind(&person_id).bind(&input.name).bind(&account_id)
                    .bind(&input.signing_limit).bind(&input.deputy).bind(input.absent).bind(&now)
                    .execute(&mut *conn).await.map(|r| r.rows_affected())
            };
            match written {
                Ok(0) => break 'save Err(PersonSave::NotFound),
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => break 'save Err(PersonSave::Rejected(
                    PersonRejected::AccountTaken(input.account.clone().unwrap_or_default()))),
                Err(e) => return Err(e.into()),
            }
            sqlx::query("DELETE FROM person_roles WHERE person_id = $1").bind(&person_id)
                .execute(&mut *conn).await?;
            let mut roles = input.roles.clone();
            roles.sort();
            roles.dedup();
            for r in &roles {
                sqlx::query("INSERT INTO person_roles (person_id, workflow_key, role_id) VALUES ($1, $2, $3)")
                    .bind(&person_id).bind(&r.workflow).bind(&r.role)
                    .execute(&mut *conn).await?;
            }
            Ok(())
        });
        if let Err(refused) = outcome {
            return Ok(refused);
        }
        tx.commit().await?;
        Ok(match self.person(&person_id).await? {
            Some(p) => PersonSave::Saved(Box::new(p)),
            None => PersonSave::NotFound,
        })
    }
}
