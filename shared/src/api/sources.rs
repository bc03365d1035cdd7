//! Template sources (other authorities' catalogues), the templates they offer, their import
//! as a draft and upstream updates of imported drafts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ValidationReport;
use crate::diff::WorkflowDiff;
use crate::merge::Side;
use crate::{TemplateParam, Workflow};

/// Id of the own catalogue in template listings and imports.
pub const OWN_SOURCE: &str = "own";

/// `POST /api/sources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSource {
    /// `https://…`, `file:///…` or an absolute path on the server.
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FetchState {
    Fetching,
    Ready,
    Error,
}

/// Objects received so far while fetching; `percent` is `None` while the total is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub received_objects: u64,
    pub total_objects: u64,
    pub percent: Option<u8>,
}

impl Progress {
    pub fn of(received_objects: u64, total_objects: u64) -> Progress {
        let percent = (total_objects > 0)
            .then(|| (received_objects.min(total_objects) * 100 / total_objects) as u8);
        Progress {
            received_objects,
            total_objects,
            percent,
        }
    }
}

/// Why a source could not be fetched or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum FetchErrorKind {
    /// The local path does not exist.
    NotFound,
    /// There is no (public) git repository at the address.
    NotARepository,
    /// The host cannot be reached (or the fetch timed out).
    Unreachable,
    /// The repository has no commits.
    Empty,
    /// No `publiccode.yml` at the root: not an Open CoDE catalogue.
    NoPubliccode,
    /// `publiccode.yml` is not valid YAML.
    InvalidPubliccode,
    /// The git program (needed for https) is missing.
    GitMissing,
    /// A restart interrupted the fetch.
    Interrupted,
    /// The address is outside the configured source roots or an internal host.
    NotAllowed,
    Other,
}

/// The German messages of a template that cannot be imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorSummary {
    /// Number of errors (validation findings of severity error, or 1 for unreadable files).
    pub count: usize,
    /// The first messages.
    pub messages: Vec<String>,
}

/// A template as found in a catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    /// Latest version (latest tag, or `version` of an untagged workflow.json).
    pub version: String,
    /// Tagged versions, oldest first.
    pub versions: Vec<String>,
    /// Commit of the latest version.
    pub commit: String,
    /// Parses and has no validation errors (only valid templates can be imported).
    pub valid: bool,
    pub errors: ErrorSummary,
    /// Parameters the importing authority sets (`fachwerk_shared::TemplateParam`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub template_params: Vec<TemplateParam>,
}

/// What a catalogue offers, read after each successful fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CatalogueSummary {
    /// `name` from publiccode.yml.
    pub name: String,
    /// `legal.repoOwner`, else `legal.mainCopyrightOwner`, `organisation.name`, the first
    /// maintenance contractor or contact, else `name`.
    pub publisher: String,
    /// `legal.license`.
    pub licence: String,
    /// Commit of the default branch.
    pub commit: String,
    pub templates: Vec<TemplateInfo>,
}

/// A registered source with the result of its last fetch (as stored and as answered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SourceRecord {
    /// First 16 hex digits of the SHA-256 of the URL (also the mirror's folder name).
    pub id: String,
    pub url: String,
    pub added_by: String,
    pub added_at: String,
    pub state: FetchState,
    /// While fetching: objects received (`percent` is null while the total is unknown, e.g.
    /// before the transfer starts or for git versions that report no counts).
    #[serde(default)]
    pub progress: Option<Progress>,
    /// German status: what was fetched, what is broken, or why the fetch failed.
    pub message_de: String,
    #[serde(default)]
    pub error_kind: Option<FetchErrorKind>,
    #[serde(default)]
    pub last_attempt: Option<String>,
    #[serde(default)]
    pub last_success: Option<String>,
    #[serde(default)]
    pub last_success_unix: Option<i64>,
    /// What the last successful fetch found.
    #[serde(default)]
    pub catalogue: Option<CatalogueSummary>,
}

impl SourceRecord {
    /// Whether templates of this source are offered: the last fetch succeeded (or a refetch
    /// is running after a success).
    pub fn usable(&self) -> bool {
        self.catalogue.is_some() && self.state != FetchState::Error
    }
}

/// The catalogue a template comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateSource {
    /// `own` or the source id (for `POST /api/templates/import`).
    pub id: String,
    pub url: String,
    pub name: String,
    pub own: bool,
}

/// `GET /api/templates`: a template of the own catalogue or of a ready source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub source: TemplateSource,
    pub key: String,
    pub name: String,
    pub description: String,
    /// Latest version.
    pub version: String,
    pub versions: Vec<String>,
    pub commit: String,
    pub publisher: String,
    /// Licence from publiccode.yml (`legal.license`).
    pub licence: String,
    /// Only valid templates can be imported.
    pub valid: bool,
    pub errors: ErrorSummary,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub template_params: Vec<TemplateParam>,
}

/// `POST /api/templates/import` ("Übernehmen").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    /// `own` or a source id.
    pub source_id: String,
    pub key: String,
    /// Default: the latest version.
    pub version: Option<String>,
    /// Template parameter id → amount ("12000.00"); missing ones take their default.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Key of the new draft if it should differ from the template's.
    pub as_key: Option<String>,
}

/// A merge conflict of the upstream preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConflictView {
    /// Index for `choices[].conflict`.
    pub index: usize,
    /// Readable path, e.g. `blocks[wg].params.bands[mittel].upper`.
    pub location: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub base: Option<serde_json::Value>,
    /// Value in the draft.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub ours: Option<serde_json::Value>,
    /// Value in the new template version.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub theirs: Option<serde_json::Value>,
    pub message_de: String,
}

/// The merge preview of an upstream update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MergedView {
    /// The merged workflow with conflicts resolved as the draft has them.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub workflow: Workflow,
    pub conflicts: Vec<ConflictView>,
    pub validation: ValidationReport,
}

/// `GET /api/drafts/{id}/upstream`: whether a draft's template has a newer version, with both
/// diffs and a merge preview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpstreamView {
    /// A newer version of the template exists.
    pub available: bool,
    pub message_de: String,
    /// Set if the source could not be fetched again (the last fetched state was compared).
    pub warning_de: Option<String>,
    pub source: Option<String>,
    pub key: Option<String>,
    /// The version the draft is based on (`lineage.version`).
    pub base_version: Option<String>,
    pub new_version: Option<String>,
    pub new_commit: Option<String>,
    /// What upstream changed (base → new version).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub upstream_diff: Option<WorkflowDiff>,
    /// What the draft changed (base → draft).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub local_diff: Option<WorkflowDiff>,
    pub merged: Option<MergedView>,
}

/// A side chosen for one conflict of the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    /// `index` of the conflict in the preview.
    pub conflict: usize,
    /// `ours` (keep the draft's value) or `theirs` (take the template's).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub side: Side,
}

/// `POST /api/drafts/{id}/merge-upstream`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MergeRequest {
    /// One choice per conflict (all are required).
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// `newVersion` of the preview; if the template moved on since, the merge is refused.
    pub version: Option<String>,
}
