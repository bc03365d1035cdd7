//! Calls to the Fachwerk backend, one module per resource. The request and response bodies are
//! `fachwerk_shared::api`, the contract the server is written against; every call goes through
//! the one HTTP client in `client` and fails with its one error type, `ApiError`.

mod applicant;
mod cases;
mod client;
mod drafts;
mod organisation;
mod outputs;
mod publications;
mod session;
mod sources;
mod validation;
mod workflows;

pub use applicant::*;
pub use cases::*;
pub use client::{server_today, ApiError};
pub use drafts::*;
pub use organisation::*;
pub use outputs::*;
pub use publications::*;
pub use session::*;
pub use sources::*;
pub use validation::*;
pub use workflows::*;

/// How a contract value (an enum such as `Status`) is spelled on the wire, for data attributes.
pub fn wire_name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
