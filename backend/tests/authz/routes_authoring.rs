//! Matrix rows: drafts, publications, users, template sources and templates, activation.

use axum::http::Method;

use super::{row, Fixture, Payload, Row};

pub(super) fn rows() -> Vec<Row> {
    use Fixture as F;
    use Payload as P;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        row(
            get.clone(),
            "/api/drafts",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/drafts",
            F::None,
            P::Workflow,
            [401, 201, 403, 201, 201],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}",
            F::DraftUnderReview,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            put.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Workflow,
            [401, 200, 403, 403, 403],
        ),
        row(
            delete.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Empty,
            [401, 204, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/publications",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/publications",
            F::Draft,
            P::DraftRef,
            [401, 201, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/publications/{id}",
            F::Publication,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            post.clone(),
            "/api/publications/{id}/approve",
            F::Publication,
            P::Empty,
            [401, 403, 200, 200, 403],
        ),
        row(
            post.clone(),
            "/api/publications/{id}/reject",
            F::Publication,
            P::Json(r#"{"comment":"Nein."}"#),
            [401, 403, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/users",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/users",
            F::None,
            P::NewUser,
            [401, 403, 403, 201, 403],
        ),
        row(
            delete.clone(),
            "/api/users/{name}",
            F::User,
            P::Empty,
            [401, 403, 403, 204, 403],
        ),
        row(
            get.clone(),
            "/api/sources",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/sources",
            F::None,
            P::NewSource,
            [401, 403, 403, 202, 403],
        ),
        row(
            get.clone(),
            "/api/sources/{id}",
            F::Source,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            delete.clone(),
            "/api/sources/{id}",
            F::Source,
            P::Empty,
            [401, 403, 403, 204, 403],
        ),
        row(
            post.clone(),
            "/api/sources/{id}/fetch",
            F::Source,
            P::Empty,
            [401, 202, 403, 202, 202],
        ),
        row(
            get.clone(),
            "/api/templates",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/templates/import",
            F::None,
            P::Json(r#"{"sourceId":"own","key":"matrix","version":"1.0.0"}"#),
            [401, 201, 403, 201, 201],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}/upstream",
            F::ImportedDraft,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/drafts/{id}/merge-upstream",
            F::ImportedDraft,
            P::Json(r#"{"choices":[]}"#),
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/workflows/{key}/versions/{version}/activate",
            F::None,
            P::Empty,
            [401, 403, 200, 200, 403],
        ),
    ]
}
