//! API tokens: created by their user with a name and an expiry (default and maximum
//! `--token-lifetime-days`), listed with their last use, revoked by their user or an admin.
//! They also end with logging out with them, with the account and with a forced reset.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JsonBody;
use crate::auth::{Caller, TokenRecord};
use crate::config::AppState;
use crate::error::{AppError, ProblemDetails};
use crate::fsutil::{self, blocking};
use crate::security::events::{self, ClientIp};

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// What the token is for, e.g. "CI-Pipeline" (`label` is accepted too).
    #[serde(default, alias = "label")]
    pub name: String,
    /// Days until it expires (default and maximum: the server's token lifetime).
    pub expires_in_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenCreated {
    pub id: String,
    /// Use as `Authorization: Bearer <token>`. Shown only now; stored only as a hash.
    pub token: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// A token as listed (never the secret or its hash).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub id: String,
    pub user: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub expired: bool,
}

impl From<TokenRecord> for TokenInfo {
    fn from(t: TokenRecord) -> Self {
        TokenInfo {
            expired: t.expired(fsutil::unix_now()),
            id: t.id,
            user: t.user,
            name: t.label,
            created_at: t.created_at,
            expires_at: t.expires.map(fsutil::rfc3339),
            last_used_at: t.last_used.map(fsutil::rfc3339),
        }
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
    let tokens = state.tokens.clone();
    let days = req.expires_in_days.unwrap_or(tokens.lifetime_days());
    let (user, name) = (caller.name.clone(), req.name.trim().to_string());
    let (record, secret) = blocking(move || tokens.create_for(&user, &name, days)).await?;
    let reason = format!("API-Token „{}“ ({}) angelegt", record.label, record.id);
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
            name: record.label,
            created_at: record.created_at,
            expires_at: record.expires.map(fsutil::rfc3339),
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct TokenQuery {
    /// Administrators: the tokens of this user, or of everyone with `*`.
    pub user: Option<String>,
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
    let user = match q.user.as_deref() {
        None => Some(caller.name.as_str()),
        Some(u) if u == caller.name => Some(u),
        Some(other) => {
            caller.require_admin()?;
            (other != "*").then_some(other)
        }
    };
    let list = state.tokens.list(user)?;
    Ok(Json(list.into_iter().map(TokenInfo::from).collect()))
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
    let token = state.tokens.get(&id)?.ok_or_else(not_found)?;
    if token.user != caller.name && !caller.role.is_admin() {
        // Other users' tokens are not even confirmed to exist.
        return Err(not_found());
    }
    let tokens = state.tokens.clone();
    let revoke_id = id.clone();
    if !blocking(move || tokens.revoke(&revoke_id)).await? {
        return Err(not_found());
    }
    let reason = format!(
        "API-Token „{}“ von „{}“ widerrufen",
        token.label, token.user
    );
    let route = format!("DELETE /api/tokens/{id}");
    events::log("token_revoked", Some(&caller.name), client, &route, &reason);
    Ok(StatusCode::NO_CONTENT)
}
