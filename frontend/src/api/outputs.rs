//! A case's outputs (issue 19): deliveries with their retry, documents, payment requests.

use fachwerk_shared::api::{CaseOutputs, Delivery, PaymentRequest};

use super::client::{get, post, ApiError};

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
