//! The one HTTP client: sends a request with the headers every call needs (Accept, CSRF token,
//! If-Match) and turns any failure into an `ApiError`.

use std::cell::RefCell;

use fachwerk_shared::api::ProblemDetails;
use fachwerk_shared::Finding;
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::{Lang, T};
use crate::pure::lang_parts::{german, title_in_english};

const NETWORK: T = T("Server nicht erreichbar", "Server not reachable");

thread_local! {
    /// CSRF token of the cookie session; sent as `X-CSRF-Token` with every change.
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Today on the server's clock, from the last answer that named it (`x-fachwerk-today`).
    static SERVER_TODAY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Today on the server's clock (`YYYY-MM-DD`) as the task list or a case last said; due dates
/// count from it, so a server with a test clock (`--today`) and the browser agree.
pub fn server_today() -> Option<String> {
    SERVER_TODAY.with(|t| t.borrow().clone())
}

pub(super) fn set_csrf_token(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

/// A failed call to the server, with what its problem+json said.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// 0 = no answer at all.
    pub status: u16,
    pub title: String,
    pub detail: String,
    pub findings: Vec<Finding>,
    /// English detail, where the server words one (case processing refusals).
    pub detail_en: Option<String>,
    /// Stable code of the rule that refused (e.g. `SAME_AS_FIRST_CHECK`).
    pub code: Option<String>,
}

impl ApiError {
    /// The account belongs to no person of the organisation (403 `NO_PERSON`): it has no tasks.
    pub fn is_no_person(&self) -> bool {
        self.status == 403 && self.code.as_deref() == Some("NO_PERSON")
    }

    fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            detail: e.to_string(),
            ..Default::default()
        }
    }

    /// A browser API that failed before anything was sent.
    pub(super) fn js(e: impl std::fmt::Debug) -> ApiError {
        ApiError::network(format!("{e:?}"))
    }

    /// An answer that is not what the contract says.
    pub(super) fn unexpected(status: u16, detail: String) -> ApiError {
        ApiError {
            status,
            detail,
            ..Default::default()
        }
    }

    /// An error answer: its problem details, or the start of a body that is no problem+json
    /// (an HTML error page says nothing useful here).
    fn refused(status: u16, body: &str) -> ApiError {
        match serde_json::from_str::<ProblemDetails>(body) {
            Ok(p) => ApiError {
                status,
                title: p.title,
                detail: p.detail,
                findings: p.findings.unwrap_or_default(),
                detail_en: p.detail_en,
                code: p.code,
            },
            Err(_) if body.trim_start().starts_with('<') => {
                ApiError::unexpected(status, String::new())
            }
            Err(_) => ApiError::unexpected(status, body.chars().take(200).collect()),
        }
    }

    /// The server's own explanation in `lang` (German when it words no English one, then
    /// marked as German: `crate::pure::lang_parts`), or the whole sentence of `message` when
    /// it gave none.
    pub fn detail_in(&self, lang: Lang) -> String {
        match (lang, &self.detail_en) {
            (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
            _ if !self.detail.is_empty() && self.status != 0 => self.detail_text(lang),
            _ => self.message(lang),
        }
    }

    /// The server's detail for the UI in `lang`: its English one if it has one; German in the
    /// English UI is marked as German.
    fn detail_text(&self, lang: Lang) -> String {
        match (lang, &self.detail_en) {
            (Lang::De, _) => self.detail.clone(),
            (Lang::En, Some(en)) if !en.is_empty() => en.clone(),
            (Lang::En, _) => german(&self.detail),
        }
    }

    /// The error as a sentence (the server's details are mostly German: in the English UI the
    /// title is translated and a German detail is marked as German).
    pub fn message(&self, lang: Lang) -> String {
        if self.status == 0 {
            return format!("{}: {}", NETWORK.get(lang), self.detail);
        }
        let (head, title) = match lang {
            Lang::De => (
                format!("Der Server hat abgelehnt (HTTP {})", self.status),
                self.title.clone(),
            ),
            Lang::En => (
                format!("The server refused (HTTP {})", self.status),
                title_in_english(&self.title),
            ),
        };
        [head, title, self.detail_text(lang)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": ")
    }
}

/// A successful answer.
pub(super) struct Answer {
    pub status: u16,
    pub text: String,
}

impl Answer {
    pub fn json<R: DeserializeOwned>(&self) -> Result<R, ApiError> {
        serde_json::from_str(&self.text).map_err(|e| {
            ApiError::unexpected(self.status, format!("Unerwartete Antwort des Servers: {e}"))
        })
    }
}

/// Sends one request; `body` goes as JSON text, `if_match` as the expected revision.
pub(super) async fn send(
    method: Method,
    url: &str,
    body: Option<String>,
    if_match: Option<u64>,
) -> Result<Answer, ApiError> {
    send_with(method, url, body, if_match, &[]).await
}

/// `send` with further headers (e.g. `Idempotency-Key`).
pub(super) async fn send_with(
    method: Method,
    url: &str,
    body: Option<String>,
    if_match: Option<u64>,
    headers: &[(&str, &str)],
) -> Result<Answer, ApiError> {
    let mut b = RequestBuilder::new(url)
        .method(method.clone())
        .header("Accept", "application/json, application/problem+json");
    for (name, value) in headers {
        b = b.header(name, value);
    }
    if method != Method::GET {
        if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
            b = b.header("X-CSRF-Token", &t);
        }
    }
    if let Some(r) = if_match {
        b = b.header("If-Match", &format!("\"{r}\""));
    }
    let request = match body {
        Some(text) => b
            .header("Content-Type", "application/json")
            .body(text)
            .map_err(ApiError::network)?,
        None => b.build().map_err(ApiError::network)?,
    };
    answer(request).await
}

/// Sends a built request and reads its answer.
pub(super) async fn answer(request: gloo_net::http::Request) -> Result<Answer, ApiError> {
    let response = request.send().await.map_err(ApiError::network)?;
    let status = response.status();
    if let Some(today) = response.headers().get("x-fachwerk-today") {
        SERVER_TODAY.with(|t| *t.borrow_mut() = Some(today));
    }
    let text = response.text().await.map_err(ApiError::network)?;
    if !(200..300).contains(&status) {
        return Err(ApiError::refused(status, &text));
    }
    Ok(Answer { status, text })
}

/// Sends a form (files) as `multipart/form-data` with the CSRF token; the browser sets the
/// content type with its boundary.
pub(super) async fn send_form(url: &str, form: web_sys::FormData) -> Result<Answer, ApiError> {
    let mut b = RequestBuilder::new(url)
        .method(Method::POST)
        .header("Accept", "application/json, application/problem+json");
    if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
        b = b.header("X-CSRF-Token", &t);
    }
    answer(b.body(form).map_err(ApiError::js)?).await
}

/// JSON text of a request body.
pub(super) fn body(value: &impl Serialize) -> Option<String> {
    Some(serde_json::to_string(value).unwrap_or_default())
}

pub(super) async fn get<R: DeserializeOwned>(url: &str) -> Result<R, ApiError> {
    send(Method::GET, url, None, None).await?.json()
}

pub(super) async fn post<R: DeserializeOwned>(
    url: &str,
    value: &impl Serialize,
) -> Result<R, ApiError> {
    send(Method::POST, url, body(value), None).await?.json()
}
