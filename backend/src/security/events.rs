//! Security events: one structured log line each (target `security`) with the user, the
//! client address, the route and the reason. Passwords and tokens never appear in them.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Put on a response by `AppError` for refusals (401, 403, 415, 429); the guard middleware
/// logs it once the response is known.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub event: &'static str,
    pub reason: String,
}

/// The user a request acted as (or tried to log in as); filled by the `Caller` extractor and
/// the login handler, read by the guard middleware for the log line.
#[derive(Debug, Clone, Default)]
pub struct AuditUser(Arc<Mutex<Option<String>>>);

impl AuditUser {
    pub fn set(&self, name: &str) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(name.to_string());
        }
    }

    pub fn get(&self) -> Option<String> {
        self.0.lock().ok().and_then(|s| s.clone())
    }
}

/// The client's address as the guard determined it (peer, or the forwarded address when
/// the peer is a trusted proxy); `None` when unknown (tests without a socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("-"),
        }
    }
}

/// Writes one security event.
pub fn log(event: &str, user: Option<&str>, client: ClientIp, route: &str, reason: &str) {
    tracing::warn!(
        target: "security",
        event,
        user = user.unwrap_or("-"),
        client = %client,
        route,
        reason,
        "security event"
    );
}
