//! Matrix rows: operation — persons, cases, tasks, outputs, payments, applicant links.

use axum::http::Method;

use super::{row, Fixture, Payload, Row};

pub(super) fn rows() -> Vec<Row> {
    use Fixture as F;
    use Payload as P;
    let (get, post, put) = (Method::GET, Method::POST, Method::PUT);
    vec![
        row(
            get.clone(),
            "/api/runtime/workflows",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/runtime/workflows/{key}/case-schema",
            F::Clerk,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/persons",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/persons",
            F::None,
            P::Json(r#"{"name":"Neue Person"}"#),
            [401, 403, 403, 201, 403],
        ),
        row(
            put.clone(),
            "/api/persons/{id}",
            F::Person,
            P::Json(r#"{"name":"Umbenannt"}"#),
            [401, 403, 403, 200, 403],
        ),
        // Only persons of the organisation start cases and work on tasks.
        row(
            post.clone(),
            "/api/cases",
            F::Clerk,
            P::Json(r#"{"workflow":"matrix","fields":{"antragsteller":"A. Muster"}}"#),
            [401, 201, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/cases",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/cases/{id}",
            F::Case,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/tasks",
            F::Clerk,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/claim",
            F::Case,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/release",
            F::ClaimedTask,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/complete",
            F::Case,
            P::Json(r#"{"exit":"ok"}"#),
            [401, 200, 403, 403, 403],
        ),
        // Outputs: participants of the workflow, reviewers and admins see and retry them.
        row(
            get.clone(),
            "/api/deliveries",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/deliveries/{id}/retry",
            F::Delivery,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/cases/{id}/outputs",
            F::Case,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/cases/{id}/documents/{doc}",
            F::Document,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        // Only persons holding the task's role get past the role check (the fixture's task is
        // no Zahlung, so the engine then refuses the payment: 422).
        row(
            post.clone(),
            "/api/cases/{id}/payments/{task}/paid",
            F::Payment,
            P::Empty,
            [401, 422, 403, 403, 403],
        ),
        // The Rückfrage of a task: who may see the case reads it (the fixture's task has
        // none: 404); only the holder of the task's role writes it (then 404 likewise).
        row(
            get.clone(),
            "/api/cases/{id}/queries/{task}",
            F::Payment,
            P::Empty,
            [401, 404, 404, 404, 403],
        ),
        row(
            post.clone(),
            "/api/cases/{id}/queries/{task}",
            F::Payment,
            P::Json(r#"{"text":"Bitte das Angebot nachreichen."}"#),
            [401, 404, 403, 403, 403],
        ),
        // The Bescheid preview: who may see the case (its workflow has no Bescheid: 404).
        row(
            get.clone(),
            "/api/cases/{id}/bescheid/preview",
            F::Case,
            P::Empty,
            [401, 404, 404, 404, 403],
        ),
        // Documents are added by persons with a role in the workflow (no file sent: 422).
        row(
            post.clone(),
            "/api/cases/{id}/documents",
            F::Case,
            P::Answer,
            [401, 422, 403, 403, 403],
        ),
        // A payment provider reports with an API token (any account); unknown Kassenzeichen.
        row(
            post.clone(),
            "/api/payments/callback",
            F::None,
            P::Json(r#"{"kassenzeichen":"00000000000000000"}"#),
            [401, 404, 404, 404, 404],
        ),
        // The applicant's links: no account, the token is the key.
        row(
            get.clone(),
            "/api/public/queries/{token}",
            F::Link,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/public/queries/{token}",
            F::Link,
            P::Answer,
            [410, 410, 410, 410, 410],
        ),
        row(
            get.clone(),
            "/api/public/status/{token}",
            F::Link,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
    ]
}
