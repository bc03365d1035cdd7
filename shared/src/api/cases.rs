//! Case processing: workflow versions in operation (`/api/runtime/workflows`), the
//! organisation (`/api/persons`), cases (`/api/cases`) and tasks (`/api/tasks`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A workflow version taken into operation ("in Betrieb genommen").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RuntimeWorkflow {
    pub key: String,
    pub version: String,
    pub name: String,
    /// New cases start on the active version; cases keep the version they started on.
    pub active: bool,
    pub activated_by: String,
    pub activated_at: String,
}

/// A role a person holds: a role id declared by a workflow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoleMembership {
    /// Workflow key, e.g. `beschaffung`.
    pub workflow: String,
    /// Role id declared by that workflow, e.g. `R-SB`.
    pub role: String,
}

/// `POST /api/persons`, `PUT /api/persons/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonInput {
    pub name: String,
    /// Name of the account the person logs in with (each account belongs to one person).
    #[serde(default)]
    pub account: Option<String>,
    /// Personal Zeichnungsbefugnis in euro as decimal text (`"25000.00"`); none if absent.
    #[serde(default)]
    pub signing_limit: Option<String>,
    /// Id of the person standing in while this one is absent (Vertretung).
    #[serde(default)]
    pub deputy: Option<String>,
    #[serde(default)]
    pub absent: bool,
    #[serde(default)]
    pub roles: Vec<RoleMembership>,
}

/// A person of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Stable id (cases and the audit trail name it).
    pub id: String,
    pub name: String,
    pub account: Option<String>,
    pub signing_limit: Option<String>,
    pub deputy: Option<String>,
    pub absent: bool,
    pub roles: Vec<RoleMembership>,
}

/// `POST /api/cases`: a case for the active version of `workflow` (header `Idempotency-Key`:
/// the same key again gives the same case). `fields` follows the schema of
/// `GET /api/runtime/workflows/{key}/case-schema`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartCase {
    pub workflow: String,
    /// Values of the declared case fields (money as decimal text, dates `YYYY-MM-DD`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// `POST /api/tasks/{id}/complete` (header `If-Match`: the case revision).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompleteTask {
    /// The exit (port) the task leaves by, e.g. `ok`, `reject`; a Mitzeichnung participant
    /// `approve` or `veto`.
    pub exit: String,
    /// Case fields the person sets or changes (declared fields, typed as at the intake); the
    /// blocks after the task see the new values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// State of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

/// A task of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub case_id: String,
    pub aktenzeichen: String,
    pub workflow: String,
    pub block: String,
    pub label: String,
    /// The role the task belongs to …
    pub role: Option<String>,
    /// … or, without a role, the id of the one person it is assigned to.
    pub assignee: Option<String>,
    /// The exits the task may be completed with.
    pub exits: Vec<String>,
    /// Name of the person who claimed it.
    pub claimed_by: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub status: TaskStatus,
    pub created_at: String,
    /// The case revision to send as `If-Match` when completing.
    pub case_revision: u64,
}

/// Query of `GET /api/tasks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TaskQuery {
    /// `mine` (claimed by me, the default), `roles` (open tasks of my roles and of the
    /// absent persons I stand in for) or `deputy` (only those of the absent persons I stand in
    /// for: the Arbeitskorb's "Vertretung").
    pub scope: Option<String>,
    /// How many tasks at most, first by due date (default 100, at most 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// State of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CaseStatus {
    /// Waiting for tasks or timers.
    Open,
    /// Reached an Ende.
    Ended,
    /// Cannot go on (a value is missing, a condition cannot be evaluated); see the audit.
    Blocked,
}

/// A case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: String,
    pub aktenzeichen: String,
    pub workflow: String,
    /// The version the case runs on (fixed at its start).
    pub version: String,
    pub status: CaseStatus,
    pub revision: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// One entry of a case's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: u64,
    pub at: String,
    /// Account that acted (none for the timer worker).
    pub account: Option<String>,
    /// Person that acted, if the account belongs to one.
    pub person: Option<String>,
    /// `started`, `claimed`, `released`, `completed`, `refused`, `timer`.
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

/// `GET /api/cases/{id}`: the case with its engine state, its tasks and its audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// The block ids the case passed, in order.
    pub route: Vec<String>,
    /// The engine's state (versioned JSON, see the handbook).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub state: serde_json::Value,
    pub tasks: Vec<Task>,
    pub audit: Vec<AuditEntry>,
}
