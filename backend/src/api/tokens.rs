//! API tokens: created by their user with a name and an expiry (default and maximum
//! `--token-lifetime-days`), listed with their last use, revoked by their user or an admin.
//! They also end with logging out with them, with the account and with a forced reset.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use fachwerk_shared::api::{ProblemDetails, TokenCreated, TokenInfo, TokenQuery, TokenRequest};

use super::JsonBody;
use crate::auth::{Caller, TokenRecord};
use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil;
use crate::security::events::{self, ClientIp};

fn info(t: TokenRecord) -> TokenInfo {
    TokenInfo {
        expired: t.expired(fsutil::unix_now()),
        id: t.token.id,
        user: t.user,
        name: t.token.name,
        created_at: t.token.created_at,
        expires_at: t.token.expires_unix.map(fsutil::rfc3339),
        last_used_at: t.token.last_used_at,
    }
}

/// Creates an API token for the caller.
#[utoipa::path(
    post,
    path = "/tokens",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    request_body = TokenRequest,
    responses(
        (status = 201, body = TokenCreated),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<TokenCreated>), AppError> {
    let days = req.expires_in_days.unwrap_or(state.tokens.lifetime_days());
    let (record, secret) = state
        .tokens
        .create_for(&caller.id, req.name.trim(), days)
        .await?;
    let reason = format!("API-Token „{}“ ({}) angelegt", record.name, record.id);
    events::log(
        "token_created",
        Some(&caller.name),
        client,
        "POST /api/tokens",
        &reason,
    );
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: record.id,
            token: secret,
            name: record.name,
            created_at: record.created_at,
            expires_at: record.expires_unix.map(fsutil::rfc3339),
        }),
    ))
}

/// The caller's API tokens (administrators: also another user's, or everyone's).
#[utoipa::path(
    get,
    path = "/tokens",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    params(TokenQuery),
    responses(
        (status = 200, body = Vec<TokenInfo>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TokenQuery>,
) -> Result<Json<Vec<TokenInfo>>, AppError> {
    let account_id = match q.user.as_deref() {
        None => Some(caller.id.clone()),
        Some(u) if u == caller.name => Some(caller.id.clone()),
        Some("*") => {
            caller.require_admin()?;
            None
        }
        Some(other) => {
            caller.require_admin()?;
            match state.users.get(other).await? {
                Some(account) => Some(account.id),
                None => return Ok(Json(Vec::new())),
            }
        }
    };
    let list = state.tokens.list(account_id.as_deref()).await?;
    Ok(Json(list.into_iter().map(info).collect()))
}

/// Revokes an API token: one's own, or any as an administrator.
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let not_found = || AppError::NotFound("Dieses API-Token gibt es nicht.".into());
    let token = state.tokens.get(&id).await?.ok_or_else(not_found)?;
    if token.token.account_id != caller.id && !caller.role.is_admin() {
        // Other users' tokens are not even confirmed to exist.
        return Err(not_found());
    }
    if !state.tokens.revoke(&id).await? {
        return Err(not_found());
    }
    let reason = format!(
        "API-Token „{}“ von „{}“ widerrufen",
        token.token.name, token.user
    );
    let route = format!("DELETE /api/tokens/{id}");
    events::log("token_revoked", Some(&caller.name), client, &route, &reason);
    Ok(StatusCode::NO_CONTENT)
}
