//! The applicant's public calls (no account, no CSRF token): a Rückfrage by its one-time
//! token, the answer with files (multipart), and the case's status.

use fachwerk_shared::api::{PublicQuery, PublicStatus, QueryReceipt};
use gloo_net::http::{Method, RequestBuilder};

use super::client::{get, ApiError};

pub async fn public_query(token: &str) -> Result<PublicQuery, ApiError> {
    get(&format!("/api/public/queries/{token}")).await
}

pub async fn public_status(token: &str) -> Result<PublicStatus, ApiError> {
    get(&format!("/api/public/status/{token}")).await
}

/// Sends the answer and the files (`answer`, `file` parts of a multipart form).
pub async fn answer_query(
    token: &str,
    answer: &str,
    files: &[web_sys::File],
) -> Result<QueryReceipt, ApiError> {
    let form = web_sys::FormData::new().map_err(ApiError::js)?;
    form.append_with_str("answer", answer)
        .map_err(ApiError::js)?;
    for f in files {
        form.append_with_blob_and_filename("file", f, &f.name())
            .map_err(ApiError::js)?;
    }
    let request = RequestBuilder::new(&format!("/api/public/queries/{token}"))
        .method(Method::POST)
        .header("Accept", "application/json, application/problem+json")
        .body(form)
        .map_err(ApiError::js)?;
    super::client::answer(request).await?.json()
}
