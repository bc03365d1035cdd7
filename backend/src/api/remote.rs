//! The catalogue's remote, for administrators: the state of pushing (attempts, last error,
//! next try; shared by all server processes) and "retry now".

use axum::extract::State;
use axum::Json;
use fachwerk_shared::api::{ProblemDetails, PushStatus};

use crate::auth::Caller;
use crate::config::AppState;
use crate::error::AppError;

fn storage(e: crate::db::DbError) -> AppError {
    AppError::Internal(e.into())
}

/// State of pushing the catalogue to the configured remote (administrators).
#[utoipa::path(
    get,
    path = "/remote",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = PushStatus),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn push_status(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PushStatus>, AppError> {
    caller.require_admin()?;
    Ok(Json(state.pusher.status().await.map_err(storage)?))
}

/// Push the catalogue now instead of waiting for the next retry (administrators). Answers
/// at once with the state; the push itself runs in the background.
#[utoipa::path(
    post,
    path = "/remote/push",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 202, body = PushStatus),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn push_now(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(axum::http::StatusCode, Json<PushStatus>), AppError> {
    caller.require_admin()?;
    if state.config.remote.is_none() {
        return Err(AppError::Conflict(
            "Es ist kein Remote eingestellt (--remote); der Katalog wird nirgendwohin übertragen."
                .into(),
        ));
    }
    let status = state.pusher.retry_now().await.map_err(storage)?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(status)))
}
