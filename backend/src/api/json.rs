//! `JsonBody<T>`: like axum's `Json`, but errors are problem+json with a German detail and
//! the path of the offending value.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::workflow_body::bytes_rejection;
use crate::error::AppError;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(bytes_rejection)?;
        JsonBody::from_bytes(&bytes)
    }
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parses a body read by the handler itself.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AppError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                AppError::BadRequest {
                    detail: format!("Die Anfrage ist ungültig: {}", e.inner()),
                    path: if path == "." { None } else { Some(path) },
                }
            })
    }
}
