//! Drafts with revision numbers. A save names the revision it started from and succeeds only
//! if the draft is still there (one conditional `UPDATE`), which is what `If-Match` promises.

use fachwerk_shared::Workflow;

use super::{json_from, json_text, new_id, with_pool, with_tx, Database, DbError, Fields, Tx};
use crate::fsutil;
use fachwerk_shared::api::BasedOn;

/// A stored draft.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    /// The owner's account id.
    pub owner_id: String,
    /// The owner's current name.
    pub owner: String,
    pub revision: u64,
    pub created_at: String,
    pub updated_at: String,
    pub based_on: Option<BasedOn>,
    pub workflow: Workflow,
}

/// Outcome of a conditional save.
#[derive(Debug)]
pub enum DraftUpdate {
    Saved(Box<Draft>),
    /// The draft is at another revision than the caller expected.
    Stale {
        current: u64,
    },
    NotFound,
}

macro_rules! select_draft {
    () => {
        "SELECT d.id, d.owner_id, a.name AS owner, d.revision, d.created_at, d.updated_at, \
         d.based_on_key, d.based_on_version, d.workflow \
         FROM drafts d JOIN accounts a ON a.id = d.owner_id"
    };
}

fn draft_from(row: &impl Fields) -> Result<Draft, DbError> {
    let based_on = match (
        row.opt_text("based_on_key")?,
        row.opt_text("based_on_version")?,
    ) {
        (Some(key), Some(version)) => Some(BasedOn { key, version }),
        _ => None,
    };
    Ok(Draft {
        id: row.text("id")?,
        owner_id: row.text("owner_id")?,
        owner: row.text("owner")?,
        revision: revision_from(row.int("revision")?)?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
        based_on,
        workflow: json_from("draft workflow", &row.text("workflow")?)?,
    })
}

fn revision_from(stored: i64) -> Result<u64, DbError> {
    u64::try_from(stored).map_err(|_| DbError::corrupt("draft revision", stored))
}

/// The columns copied out of the workflow: key and lineage (source, key, version, commit).
struct Derived {
    key: String,
    lineage: [Option<String>; 4],
    json: String,
}

fn derived(workflow: &Workflow) -> Result<Derived, DbError> {
    let lineage = match &workflow.lineage {
        Some(l) => [
            Some(l.source.clone()),
            Some(l.key.clone()),
            Some(l.version.clone()),
            Some(l.commit.clone()),
        ],
        None => [None, None, None, None],
    };
    Ok(Derived {
        key: workflow.key.clone(),
        lineage,
        json: json_text("draft workflow", workflow)?,
    })
}

/// Inserts a draft as given (new drafts, and the JSON import with its ids and times).
pub(crate) async fn insert_draft(tx: &mut Tx, d: &Draft) -> Result<(), DbError> {
    let derived = derived(&d.workflow)?;
    let [l_source, l_key, l_version, l_commit] = &derived.lineage;
    let revision =
        i64::try_from(d.revision).map_err(|_| DbError::corrupt("draft revision", d.revision))?;
    let (b_key, b_version) = match &d.based_on {
        Some(b) => (Some(b.key.as_str()), Some(b.version.as_str())),
        None => (None, None),
    };
    with_tx!(tx, conn => sqlx::query(
        "INSERT INTO drafts (id, owner_id, revision, created_at, updated_at, based_on_key, \
         based_on_version, workflow_key, lineage_source, lineage_key, lineage_version, \
         lineage_commit, workflow) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&d.id)
    .bind(&d.owner_id)
    .bind(revision)
    .bind(&d.created_at)
    .bind(&d.updated_at)
    .bind(b_key)
    .bind(b_version)
    .bind(&derived.key)
    .bind(l_source)
    .bind(l_key)
    .bind(l_version)
    .bind(l_commit)
    .bind(&derived.json)
    .execute(conn)
    .await?.rows_affected());
    Ok(())
}

impl Database {
    /// Stores a new draft of `owner_id` at revision 1.
    pub async fn create_draft(
        &self,
        owner_id: &str,
        workflow: Workflow,
        based_on: Option<BasedOn>,
    ) -> Result<Draft, DbError> {
        let now = fsutil::now_rfc3339();
        let mut draft = Draft {
            id: new_id(),
            owner_id: owner_id.to_string(),
            owner: String::new(),
            revision: 1,
            created_at: now.clone(),
            updated_at: now,
            based_on,
            workflow,
        };
        let mut tx = self.begin().await?;
        insert_draft(&mut tx, &draft).await?;
        draft.owner = with_tx!(&mut tx, conn => sqlx::query("SELECT name FROM accounts WHERE id = $1")
            .bind(owner_id)
            .fetch_one(conn)
            .await?
            .text("name")?);
        tx.commit().await?;
        Ok(draft)
    }

    pub async fn draft(&self, id: &str) -> Result<Option<Draft>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(select_draft!(), " WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| draft_from(&r))
            .transpose())
    }

    /// Saves `workflow` as the next revision if the draft is still at `expected`.
    pub async fn update_draft(
        &self,
        id: &str,
        expected: u64,
        workflow: Workflow,
    ) -> Result<DraftUpdate, DbError> {
        let Ok(expected_i64) = i64::try_from(expected) else {
            return Ok(match self.draft(id).await? {
                Some(d) => DraftUpdate::Stale {
                    current: d.revision,
                },
                None => DraftUpdate::NotFound,
            });
        };
        let d = derived(&workflow)?;
        let [l_source, l_key, l_version, l_commit] = &d.lineage;
        let mut tx = self.begin().await?;
        let (saved, current) = with_tx!(&mut tx, conn => {
            let saved = sqlx::query(
                "UPDATE drafts SET revision = revision + 1, updated_at = $1, workflow_key = $2, \
                 lineage_source = $3, lineage_key = $4, lineage_version = $5, \
                 lineage_commit = $6, workflow = $7 WHERE id = $8 AND revision = $9",
            )
            .bind(fsutil::now_rfc3339())
            .bind(&d.key)
            .bind(l_source)
            .bind(l_key)
            .bind(l_version)
            .bind(l_commit)
            .bind(&d.json)
            .bind(id)
            .bind(expected_i64)
            .execute(&mut *conn)
            .await?
            .rows_affected()
                == 1;
            let current = sqlx::query(concat!(select_draft!(), " WHERE d.id = $1"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| draft_from(&r))
                .transpose()?;
            (saved, current)
        });
        tx.commit().await?;
        Ok(match current {
            None => DraftUpdate::NotFound,
            Some(draft) if saved => DraftUpdate::Saved(Box::new(draft)),
            Some(draft) => DraftUpdate::Stale {
                current: draft.revision,
            },
        })
    }

    /// Removes a draft; `false` if there was none.
    pub async fn delete_draft(&self, id: &str) -> Result<bool, DbError> {
        let done = with_pool!(self, pool => sqlx::query("DELETE FROM drafts WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?.rows_affected());
        Ok(done == 1)
    }

    /// Drafts of an account, most recently changed first.
    pub async fn drafts_of(&self, owner_id: &str) -> Result<Vec<Draft>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
            select_draft!(),
            " WHERE d.owner_id = $1 ORDER BY d.updated_at DESC, d.id"
        ))
        .bind(owner_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(draft_from)
        .collect())
    }
}
