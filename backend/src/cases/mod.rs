//! Case processing on the server: workflow versions in operation, the organisation, and cases
//! driven through `fachwerk_shared::engine` (module `run`). Knows no HTTP; its errors are
//! [`CaseError`], which the API maps to problem+json.

use std::sync::Arc;

use fachwerk_shared::api::{Person, PersonInput, RuntimeWorkflow};
use fachwerk_shared::values::{Date, Money};
use fachwerk_shared::{parse_workflow, Land, Workflow};

use crate::auth::{Caller, Denied};
use crate::db::{Database, DbError, PersonSave};
use crate::fsutil::blocking;
use crate::repo::Repo;

mod clerk;
mod engine;
pub mod intake;
mod outside;
mod run;

pub use intake::{case_body_schema, AktenzeichenPattern};
pub use outside::{AnswerOutcome, QueryAnswer};
pub use run::{CaseRuntime, Completion, Started};

/// Why a case request was not carried out. Every variant leaves the state unchanged.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    NotFound(String),
    /// The caller's account belongs to no person of the organisation.
    #[error("Ihr Konto gehört zu keiner Person der Organisation; die Verwaltung ordnet es unter „Organisation“ zu.")]
    NoPerson,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("{0}")]
    Forbidden(String),
    /// A value of the request does not fit (`path` names it, e.g. `fields.betragNetto`).
    #[error("{de}")]
    BadValue {
        path: String,
        de: String,
        en: String,
    },
    /// A rule of the workflow refused the action (person rules, exits, task state).
    #[error("{de}")]
    Refused {
        /// Stable code, e.g. `VIER_AUGEN_SAME_PERSON`.
        code: String,
        de: String,
        en: String,
        kind: RefusalKind,
    },
    /// The case changed since the revision the caller named.
    #[error("Der Vorgang wurde inzwischen geändert (jetzt Stand {current}); bitte neu laden.")]
    Stale { current: u64 },
    #[error("Der Kopf „If-Match“ mit dem Stand des Vorgangs fehlt.")]
    IfMatchMissing,
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// How a refusal is answered: the person may not (403), the state does not allow it (409),
/// the request does not fit the task (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Person,
    State,
    Request,
}

impl From<DbError> for CaseError {
    fn from(e: DbError) -> Self {
        CaseError::Storage(e.into())
    }
}

impl CaseError {
    /// The case does not exist.
    pub(crate) fn no_case() -> Self {
        CaseError::NotFound("Diesen Vorgang gibt es nicht.".into())
    }

    pub(crate) fn bad(
        path: impl Into<String>,
        de: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        CaseError::BadValue {
            path: path.into(),
            de: de.into(),
            en: en.into(),
        }
    }

    pub(crate) fn refused(
        kind: RefusalKind,
        code: &str,
        de: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        CaseError::Refused {
            code: code.to_string(),
            de: de.into(),
            en: en.into(),
            kind,
        }
    }

    /// A refusal names the acting person by id (the engine knows no names); the clerk reads
    /// their name instead.
    pub fn naming(self, person_id: &str, name: &str) -> CaseError {
        match self {
            CaseError::Refused { code, de, en, kind } => CaseError::Refused {
                code,
                de: de.replace(person_id, name),
                en: en.replace(person_id, name),
                kind,
            },
            other => other,
        }
    }
}

/// Settings of the runtime (from `fachwerk serve`).
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    pub aktenzeichen: AktenzeichenPattern,
    /// The date the engine takes as today (`--today`, for tests); `None`: the system date.
    pub today: Option<Date>,
    /// The Land whose public holidays move deadlines (`--land`, fixed per case at its start).
    pub land: Land,
}

/// Takes a published version into operation (reviewers and administrators).
pub async fn activate(
    db: &Database,
    repo: &Arc<Repo>,
    caller: &Caller,
    key: &str,
    version: &str,
) -> Result<RuntimeWorkflow, CaseError> {
    caller.require_reviewer()?;
    let (repo, k, v) = (Arc::clone(repo), key.to_string(), version.to_string());
    let text = blocking(move || Ok(repo.version(&k, &v)?))
        .await?
        .ok_or_else(|| {
            CaseError::NotFound(format!(
                "Eine veröffentlichte Version {version} von „{key}“ gibt es nicht."
            ))
        })?;
    // The catalogue holds only validated versions; parse once more to store canonical JSON.
    let workflow = parse_workflow(&text).map_err(|e| CaseError::Storage(anyhow::anyhow!("{e}")))?;
    let json = serde_json::to_string(&workflow).map_err(|e| CaseError::Storage(e.into()))?;
    Ok(db
        .activate_workflow(key, version, &json, &caller.id)
        .await?)
}

/// The workflow of a version in operation.
pub async fn runtime_workflow(
    db: &Database,
    key: &str,
    version: &str,
) -> Result<Workflow, CaseError> {
    let stored = db.runtime_workflow(key, version).await?.ok_or_else(|| {
        CaseError::NotFound(format!(
            "Version {version} von „{key}“ ist nicht in Betrieb."
        ))
    })?;
    parse_workflow(&stored.workflow).map_err(|e| CaseError::Storage(anyhow::anyhow!("{e}")))
}

/// The active version of `key` and its workflow.
pub async fn active_workflow(db: &Database, key: &str) -> Result<(String, Workflow), CaseError> {
    let stored = db.active_workflow(key).await?.ok_or_else(|| {
        CaseError::NotFound(format!("Der Ablauf „{key}“ ist nicht in Betrieb genommen."))
    })?;
    let w =
        parse_workflow(&stored.workflow).map_err(|e| CaseError::Storage(anyhow::anyhow!("{e}")))?;
    Ok((stored.info.version, w))
}

/// Creates (`id` = None) or replaces a person (administrators). Roles must be declared by a
/// version of their workflow in operation; the signing limit is a euro amount.
pub async fn save_person(
    db: &Database,
    caller: &Caller,
    id: Option<&str>,
    input: &PersonInput,
) -> Result<Person, CaseError> {
    caller.require_admin()?;
    let mut input = input.clone();
    input.name = input.name.trim().to_string();
    if input.name.is_empty() {
        return Err(CaseError::bad(
            "name",
            "Der Name fehlt.",
            "The name is missing.",
        ));
    }
    if let Some(limit) = &input.signing_limit {
        let money = Money::parse(limit).map_err(|e| {
            CaseError::bad(
                "signingLimit",
                format!("„{limit}“ ist kein Eurobetrag: {e}"),
                format!("{limit:?} is not a euro amount: {e}"),
            )
        })?;
        input.signing_limit = Some(money.to_canonical());
    }
    for (i, r) in input.roles.iter().enumerate() {
        let declared = match db.active_workflow(&r.workflow).await? {
            Some(w) => parse_workflow(&w.workflow)
                .map(|w| w.role(&r.role.as_str().into()).is_some())
                .unwrap_or(false),
            None => false,
        };
        if !declared {
            return Err(CaseError::bad(
                format!("roles[{i}]"),
                format!(
                    "Der Ablauf „{}“ ist nicht in Betrieb oder deklariert keine Rolle „{}“.",
                    r.workflow, r.role
                ),
                format!(
                    "The workflow {:?} is not in operation or declares no role {:?}.",
                    r.workflow, r.role
                ),
            ));
        }
    }
    match db.save_person(id, &input).await? {
        PersonSave::Saved(p) => Ok(*p),
        PersonSave::NotFound => Err(CaseError::NotFound(
            "Diese Person gibt es nicht.".to_string(),
        )),
        PersonSave::Rejected(r) => {
            let path = match r {
                crate::db::PersonRejected::NoAccount(_)
                | crate::db::PersonRejected::AccountTaken(_) => "account",
                _ => "deputy",
            };
            Err(CaseError::bad(path, r.to_string(), english_rejection(&r)))
        }
    }
}

fn english_rejection(r: &crate::db::PersonRejected) -> String {
    use crate::db::PersonRejected as R;
    match r {
        R::NoAccount(a) => format!("There is no account {a:?}."),
        R::AccountTaken(a) => format!("The account {a:?} already belongs to another person."),
        R::NoDeputy(d) => format!("There is no person with the id {d:?} (deputy)."),
        R::SelfDeputy => "A person cannot be their own deputy.".to_string(),
    }
}
