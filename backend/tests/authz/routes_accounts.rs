//! Matrix rows: health, public catalogue reads, session and sign-on, passwords, tokens, remote.

use axum::http::Method;

use super::{row, Fixture, Payload, Row};

pub(super) fn rows() -> Vec<Row> {
    use Fixture as F;
    use Payload as P;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        row(
            get.clone(),
            "/api/health",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/ready",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/openapi.json",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/workflows/validate",
            F::None,
            P::Workflow,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}/versions",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}/versions/{version}",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/session",
            F::None,
            P::WrongLogin,
            [401, 401, 401, 401, 401],
        ),
        row(
            get.clone(),
            "/api/session",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            delete.clone(),
            "/api/session",
            F::None,
            P::Empty,
            [401, 204, 204, 204, 204],
        ),
        // Single sign-on is browser navigation for anyone; not configured here, so not found.
        row(
            get.clone(),
            "/api/oidc/login",
            F::None,
            P::Empty,
            [404, 404, 404, 404, 404],
        ),
        row(
            get.clone(),
            "/api/oidc/callback",
            F::None,
            P::Empty,
            [404, 404, 404, 404, 404],
        ),
        // Everyone changes their own password; the admin's is not the test password (403).
        row(
            put.clone(),
            "/api/session/password",
            F::None,
            P::Json(
                r#"{"currentPassword":"passwort-fuer-tests","newPassword":"Neues-Passwort-fuer-Tests-1"}"#,
            ),
            [401, 200, 200, 403, 200],
        ),
        row(
            post.clone(),
            "/api/users/{name}/password-reset",
            F::User,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/tokens",
            F::None,
            P::Json(r#"{"label":"x"}"#),
            [401, 201, 201, 201, 201],
        ),
        row(
            get.clone(),
            "/api/tokens",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        // Someone else's token is not confirmed to exist (404), except to the admin.
        row(
            delete.clone(),
            "/api/tokens/{id}",
            F::Token,
            P::Empty,
            [401, 204, 404, 204, 404],
        ),
        // Pushing the catalogue is the admins' concern (no remote configured here: 409).
        row(
            get.clone(),
            "/api/remote",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/remote/push",
            F::None,
            P::Empty,
            [401, 403, 403, 409, 403],
        ),
    ]
}
