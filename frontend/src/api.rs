//! Calls to the Fachwerk backend.

use fachwerk_shared::{to_canonical_json, Finding, Severity, Workflow};
use gloo_net::http::Request;
use serde::Deserialize;

use crate::i18n::Lang;

pub const VALIDATE_URL: &str = "/api/workflows/validate";

/// State of the last server-side check.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ServerState {
    #[default]
    NotRun,
    Running,
    Done {
        findings: Vec<Finding>,
        errors: usize,
        warnings: usize,
    },
    Failed(ServerError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ServerError {
    /// No answer at all (server down, offline).
    Network(String),
    /// 4xx/5xx, with the RFC 9457 problem details if the body had them.
    Http {
        status: u16,
        title: String,
        detail: String,
    },
    /// 2xx but not the expected JSON.
    BadResponse(String),
}

impl ServerError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ServerError::Network(e), Lang::De) => format!("Server nicht erreichbar: {e}"),
            (ServerError::Network(e), Lang::En) => format!("Server not reachable: {e}"),
            (
                ServerError::Http {
                    status,
                    title,
                    detail,
                },
                lang,
            ) => {
                let head = match lang {
                    Lang::De => format!("Der Server hat die Prüfung abgelehnt (HTTP {status})"),
                    Lang::En => format!("The server rejected the check (HTTP {status})"),
                };
                [head, title.clone(), detail.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ")
            }
            (ServerError::BadResponse(e), Lang::De) => {
                format!("Unerwartete Antwort des Servers: {e}")
            }
            (ServerError::BadResponse(e), Lang::En) => format!("Unexpected server response: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct ValidateResponse {
    findings: Vec<Finding>,
    #[serde(default)]
    errors: Option<usize>,
    #[serde(default)]
    warnings: Option<usize>,
}

#[derive(Deserialize, Default)]
struct Problem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

/// POSTs the canonical JSON of `w` and returns (findings, errors, warnings).
pub async fn validate_on_server(w: &Workflow) -> Result<(Vec<Finding>, usize, usize), ServerError> {
    let body = to_canonical_json(w);
    let request = Request::post(VALIDATE_URL)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/problem+json")
        .body(body)
        .map_err(|e| ServerError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ServerError::Network(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ServerError::Network(e.to_string()))?;
    if !(200..300).contains(&status) {
        let problem: Problem = serde_json::from_str(&text).unwrap_or_default();
        let detail = if !problem.title.is_empty() || !problem.detail.is_empty() {
            problem.detail
        } else if text.trim_start().starts_with('<') {
            String::new() // an HTML error page says nothing useful here
        } else {
            text.chars().take(200).collect()
        };
        return Err(ServerError::Http {
            status,
            title: problem.title,
            detail,
        });
    }
    let parsed: ValidateResponse =
        serde_json::from_str(&text).map_err(|e| ServerError::BadResponse(e.to_string()))?;
    let errors = parsed.errors.unwrap_or_else(|| {
        parsed
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    });
    let warnings = parsed.warnings.unwrap_or_else(|| {
        parsed
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    });
    Ok((parsed.findings, errors, warnings))
}
