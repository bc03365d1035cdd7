//! The outputs of a case (issue 19): the delivery outbox (`/api/deliveries`), the case's
//! documents and payment requests (`/api/cases/{id}/outputs`), and the public, unauthenticated
//! routes of the applicant (`/api/public/queries/{token}`, `/api/public/status/{token}`).
//!
//! The public shapes never carry the names or ids of clerks.

use serde::{Deserialize, Serialize};

use super::CaseStatus;

/// What an outbox row delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DeliveryKind {
    /// A mail (Rückfrage, Bescheid, Benachrichtigung, Zahlungsaufforderung …): over SMTP or as
    /// an `.eml` file in the mail outbox directory.
    Mail,
    /// A document rendered and stored with the case (the Bescheid PDF).
    Document,
    /// An xdomea message (ZIP container) to the E-Akte: outbox directory or endpoint.
    Filing,
}

/// State of an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DeliveryStatus {
    /// Waiting for (another) attempt, see `nextAttemptAt`.
    Pending,
    /// Left the server; `sha256` and `size` describe what left.
    Sent,
    /// Gave up after the last attempt; a clerk may retry (`POST /api/deliveries/{id}/retry`).
    Failed,
}

/// One row of the delivery outbox (`GET /api/deliveries`, `GET /api/cases/{id}/outputs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: String,
    pub case_id: String,
    pub aktenzeichen: String,
    pub kind: DeliveryKind,
    /// What it is, in plain German, e.g. „Rückfrage an die antragstellende Person“.
    pub label: String,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due (RFC 3339, pending rows).
    pub next_attempt_at: Option<String>,
    /// The error of the last failed attempt (for clerks; never shown to applicants).
    pub last_error: Option<String>,
    /// SHA-256 (hex) of the bytes that left (sent rows).
    pub sha256: Option<String>,
    /// Size in bytes of what left (sent rows).
    pub size: Option<u64>,
    pub created_at: String,
    pub sent_at: Option<String>,
    /// A Rückfrage held until a clerk writes and sends it (`POST
    /// /api/cases/{id}/queries/{task}`); it is not attempted before.
    #[serde(default)]
    pub held: bool,
}

/// Query of `GET /api/deliveries`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DeliveryQuery {
    /// `pending`, `sent` or `failed`; all when absent.
    pub status: Option<DeliveryStatus>,
}

/// A Rückfrage as the clerk writes it before it goes out (`GET /api/cases/{id}/queries/{task}`):
/// prefilled from the block (its text with the case fields filled in, the block's label as the
/// document asked for, the end of its reply period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QueryDraft {
    pub text: String,
    pub documents: Vec<String>,
    /// Last day to answer (`YYYY-MM-DD`).
    pub deadline: Option<String>,
    /// The latest deadline allowed: the end of the block's reply period, when its timer
    /// takes the timeout exit.
    pub latest_deadline: Option<String>,
    /// The Rückfrage was sent (it waits in the outbox or has left): nothing to write any more.
    pub sent: bool,
}

/// `POST /api/cases/{id}/queries/{task}`: what the Rückfrage says; it goes out with the next
/// round of the delivery worker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ComposeQuery {
    /// What is asked (1 to 10,000 characters).
    pub text: String,
    /// Documents asked for (at most 20, each up to 200 characters).
    #[serde(default)]
    pub documents: Vec<String>,
    /// Last day to answer (`YYYY-MM-DD`, from today to the block's reply period); none: the
    /// end of the reply period.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// Where a case document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DocumentSource {
    /// Uploaded by the applicant with the answer to a Rückfrage.
    Upload,
    /// Rendered by the server (Bescheid PDF).
    Rendered,
}

/// A document of a case (the bytes: `GET /api/cases/{id}/documents/{doc}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseDocument {
    pub id: String,
    /// Display name (the uploaded file's name, cleaned; never used as a path).
    pub name: String,
    /// Media type checked by content, e.g. `application/pdf`.
    pub media_type: String,
    pub size: u64,
    /// SHA-256 (hex) of the bytes.
    pub sha256: String,
    pub source: DocumentSource,
    pub created_at: String,
}

/// Who recorded a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum PaymentSource {
    /// A clerk (`POST /api/cases/{id}/payments/{task}/paid`).
    Clerk,
    /// The payment provider's callback (`POST /api/payments/callback`).
    Callback,
}

/// A payment request of a Zahlung block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub case_id: String,
    /// The engine's task id of the Zahlung (the `{task}` of the clerk's route).
    pub task: String,
    /// Euro as decimal text, e.g. `"50.00"`.
    pub amount: String,
    pub kassenzeichen: String,
    pub created_at: String,
    pub paid_at: Option<String>,
    /// Name of the person who marked it paid (clerk) or the token's name (callback).
    pub paid_by: Option<String>,
    pub source: Option<PaymentSource>,
}

/// `POST /api/payments/callback` (API token): a payment arrived. Idempotent by Kassenzeichen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentCallback {
    pub kassenzeichen: String,
    /// The amount paid (euro, decimal text); must equal the requested amount when given.
    #[serde(default)]
    pub amount: Option<String>,
}

/// `GET /api/cases/{id}/outputs`: everything that left or will leave the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseOutputs {
    pub deliveries: Vec<Delivery>,
    pub documents: Vec<CaseDocument>,
    pub payments: Vec<PaymentRequest>,
}

/// Limits of the applicant's upload, shown on the page before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UploadLimits {
    /// Largest file in bytes.
    pub max_file_bytes: u64,
    /// Most files per answer.
    pub max_files: u32,
    /// Accepted media types (checked by content, not by name): PDF, PNG, JPEG, ODT, DOCX, TXT.
    pub media_types: Vec<String>,
}

/// `GET /api/public/queries/{token}`: the Rückfrage as the applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicQuery {
    pub aktenzeichen: String,
    /// Name of the workflow, e.g. „Beschaffung“.
    pub workflow_name: String,
    /// What is asked (the Rückfrage's text with the case fields filled in).
    pub question: String,
    /// Documents asked for (may be empty).
    pub requested_documents: Vec<String>,
    /// Last day to answer (`YYYY-MM-DD`), if the block sets a reply period.
    pub deadline: Option<String>,
    pub limits: UploadLimits,
    /// Token of the case's status page (`GET /api/public/status/{token}`).
    pub status_token: String,
}

/// Answer of `POST /api/public/queries/{token}` (multipart: field `answer` text, fields
/// `file` zero or more files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QueryReceipt {
    pub aktenzeichen: String,
    pub received_at: String,
    /// The stored files (name, type, size, checksum).
    pub documents: Vec<CaseDocument>,
    pub status_token: String,
}

/// A step of the case as the applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicStep {
    /// The block's label in plain German, e.g. „Antrag prüfen“.
    pub label: String,
}

/// `GET /api/public/status/{token}`: the case's status for the applicant; no clerk names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicStatus {
    pub aktenzeichen: String,
    pub workflow_name: String,
    pub status: CaseStatus,
    /// The steps done, in order.
    pub steps_done: Vec<PublicStep>,
    /// Where the case is now (none when it ended).
    pub current_step: Option<PublicStep>,
    /// Last change (RFC 3339).
    pub updated_at: String,
}
