//! A case's outputs (issue 19): deliveries with their retry, documents, payment requests.

use fachwerk_shared::api::{
    CaseDocument, CaseOutputs, ComposeQuery, Delivery, PaymentRequest, QueryDraft,
};

use super::client::{get, post, send_form, ApiError};

pub async fn case_outputs(case_id: &str) -> Result<CaseOutputs, ApiError> {
    get(&format!("/api/cases/{case_id}/outputs")).await
}

/// A failed delivery is tried again (it becomes pending, due now).
pub async fn retry_delivery(id: &str) -> Result<Delivery, ApiError> {
    post(
        &format!("/api/deliveries/{id}/retry"),
        &serde_json::json!({}),
    )
    .await
}

/// A clerk with the Zahlung task's role marks the payment as received.
pub async fn mark_paid(case_id: &str, task: &str) -> Result<PaymentRequest, ApiError> {
    post(
        &format!("/api/cases/{case_id}/payments/{task}/paid"),
        &serde_json::json!({}),
    )
    .await
}

/// Where the browser opens a document of a case (the session cookie authorises it).
pub fn document_url(case_id: &str, doc: &str) -> String {
    format!("/api/cases/{case_id}/documents/{doc}")
}

/// The Rückfrage of the engine's task `task`: as the block drafts it, or as it was sent.
pub async fn query_draft(case_id: &str, task: &str) -> Result<QueryDraft, ApiError> {
    get(&format!("/api/cases/{case_id}/queries/{task}")).await
}

/// Sends the Rückfrage as the clerk wrote it.
pub async fn send_query(
    case_id: &str,
    task: &str,
    body: &ComposeQuery,
) -> Result<QueryDraft, ApiError> {
    post(&format!("/api/cases/{case_id}/queries/{task}"), body).await
}

/// Adds the files to the case's documents.
pub async fn add_documents(
    case_id: &str,
    files: &[web_sys::File],
) -> Result<Vec<CaseDocument>, ApiError> {
    let form = web_sys::FormData::new().map_err(ApiError::js)?;
    for f in files {
        form.append_with_blob_and_filename("file", f, &f.name())
            .map_err(ApiError::js)?;
    }
    send_form(&format!("/api/cases/{case_id}/documents"), form)
        .await?
        .json()
}

/// Where the browser opens the PDF the case's next Bescheid would be now.
pub fn bescheid_preview_url(case_id: &str) -> String {
    format!("/api/cases/{case_id}/bescheid/preview")
}
