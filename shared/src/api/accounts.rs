//! API tokens and passwords: `/api/tokens`, `/api/session/password`,
//! `/api/users/{name}/password-reset`.

use serde::{Deserialize, Serialize};

/// `POST /api/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// What the token is for, e.g. "CI-Pipeline" (`label` is accepted too).
    #[serde(default, alias = "label")]
    pub name: String,
    /// Days until it expires (default and maximum: the server's token lifetime).
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenCreated {
    pub id: String,
    /// Use as `Authorization: Bearer <token>`. Shown only now; stored only as a hash.
    pub token: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// A token as `GET /api/tokens` lists it (never the secret or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Query of `GET /api/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TokenQuery {
    /// Administrators: the tokens of this user, or of everyone with `*`.
    pub user: Option<String>,
}

/// `PUT /api/session/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters and not easy to guess.
    pub new_password: String,
}

/// Answer of `POST /api/users/{name}/password-reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    pub name: String,
    /// A generated one-time password; the user must replace it at the next login.
    pub password: String,
}
