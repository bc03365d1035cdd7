//! Account administration (admin only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::JsonBody;
use crate::auth::Caller;
use crate::config::AppState;
use crate::error::{AppError, ProblemDetails};
use crate::security::limits::cpu;
use crate::users::Role;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    /// At least 10 characters; omitted: a password is generated and returned once.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserCreated {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    /// The generated password (only if none was given).
    pub password: Option<String>,
}

/// All accounts.
#[utoipa::path(
    get,
    path = "/users",
    tag = "Benutzer",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<UserInfo>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserInfo>>, AppError> {
    caller.require_admin()?;
    let users = state.users.users()?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserInfo {
                name: u.name,
                role: u.role,
                created_at: u.created_at,
            })
            .collect(),
    ))
}

/// Creates an account.
#[utoipa::path(
    post,
    path = "/users",
    tag = "Benutzer",
    security(("session" = []), ("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, body = UserCreated),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<UserCreated>), AppError> {
    caller.require_admin()?;
    let users = state.users.clone();
    let (user, generated) =
        cpu(move || users.add(&req.name, req.role, req.password.as_deref())).await??;
    tracing::info!(user = %user.name, role = ?user.role, by = %caller.name, "user created");
    Ok((
        StatusCode::CREATED,
        Json(UserCreated {
            name: user.name,
            role: user.role,
            created_at: user.created_at,
            password: generated,
        }),
    ))
}

/// Deletes an account and ends its sessions and tokens (not the last admin).
#[utoipa::path(
    delete,
    path = "/users/{name}",
    tag = "Benutzer",
    security(("session" = []), ("bearer" = [])),
    params(("name" = String, Path, description = "User name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    caller.require_admin()?;
    state.users.remove(&name)?;
    state.sessions.remove_user(&name);
    state.tokens.remove_user(&name)?;
    tracing::info!(user = %name, by = %caller.name, "user deleted");
    Ok(StatusCode::NO_CONTENT)
}
