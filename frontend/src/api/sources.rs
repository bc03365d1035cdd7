//! Template sources (`/api/sources`), the templates they offer and "Übernehmen".

use std::collections::BTreeMap;

use fachwerk_shared::api::{DraftView, ImportRequest, NewSource, SourceRecord, TemplateView};

use super::client::{get, post, ApiError};

pub async fn list_sources() -> Result<Vec<SourceRecord>, ApiError> {
    get("/api/sources").await
}

/// Registers a source (the server starts fetching it); an existing address answers its record.
pub async fn add_source(url: &str) -> Result<SourceRecord, ApiError> {
    post("/api/sources", &NewSource { url: url.into() }).await
}

pub async fn get_source(id: &str) -> Result<SourceRecord, ApiError> {
    get(&format!("/api/sources/{id}")).await
}

pub async fn refetch_source(id: &str) -> Result<SourceRecord, ApiError> {
    post(&format!("/api/sources/{id}/fetch"), &serde_json::json!({})).await
}

pub async fn list_templates() -> Result<Vec<TemplateView>, ApiError> {
    get("/api/templates").await
}

/// "Übernehmen": a new draft of the template's version with the parameter values.
pub async fn import_template(
    source_id: &str,
    key: &str,
    version: &str,
    params: &BTreeMap<String, String>,
) -> Result<DraftView, ApiError> {
    let request = ImportRequest {
        source_id: source_id.into(),
        key: key.into(),
        version: Some(version.into()),
        params: params.clone(),
        as_key: None,
    };
    post("/api/templates/import", &request).await
}
