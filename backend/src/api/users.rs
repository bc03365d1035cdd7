//! Account administration (admin only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use fachwerk_shared::api::{NewUser, ProblemDetails, UserCreated, UserInfo};

use super::JsonBody;
use crate::auth::Caller;
use crate::config::AppState;
use crate::error::AppError;
use crate::security::events::{self, ClientIp};

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
    let users = state.users.users().await?;
    let mut infos = Vec::with_capacity(users.len());
    for u in users {
        // The creator is stored by id; the API shows the name.
        let created_by = match &u.created_by {
            Some(id) => state.users.name_of(id).await?,
            None => None,
        };
        infos.push(UserInfo {
            name: u.name,
            role: u.role,
            created_at: u.created_at,
            created_by,
            must_change_password: u.must_change_password,
        });
    }
    Ok(Json(infos))
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
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    JsonBody(req): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<UserCreated>), AppError> {
    caller.require_admin()?;
    let (user, generated) = state
        .users
        .add(
            &req.name,
            req.role,
            req.password.as_deref(),
            Some(&caller.id),
        )
        .await?;
    let reason = format!(
        "Konto „{}“ mit der Rolle {} angelegt",
        user.name,
        user.role.name_de()
    );
    events::log(
        "account_created",
        Some(&caller.name),
        client,
        "POST /api/users",
        &reason,
    );
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
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    caller.require_admin()?;
    // Its sessions and tokens end in the same transaction.
    state.users.remove(&name).await?;
    let route = format!("DELETE /api/users/{name}");
    let reason = format!("Konto „{name}“ gelöscht; Sitzungen und API-Tokens beendet");
    events::log(
        "account_deleted",
        Some(&caller.name),
        client,
        &route,
        &reason,
    );
    Ok(StatusCode::NO_CONTENT)
}
