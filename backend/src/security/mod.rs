//! Security measures that sit beside the handlers: the guard middleware (client address,
//! Origin check, security headers, the log line of every refusal), login back-off, rate
//! limits, the CPU pool, the password policy and the template-source policy.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::{AppState, Config};

pub mod events;
pub mod four_eyes;
pub mod headers;
pub mod limits;
pub mod origin;
pub mod password;
pub mod sources;
pub mod throttle;

use events::{AuditUser, ClientIp, Refusal};

/// Anonymous validations allowed per client address and minute.
pub const ANONYMOUS_VALIDATIONS_PER_MINUTE: u32 = 30;

/// Requests of one address per minute to the applicant's public link routes.
pub const PUBLIC_LINK_REQUESTS_PER_MINUTE: u32 = 30;

/// Per-process security state.
pub struct Security {
    pub login: throttle::LoginThrottle,
    pub anonymous_validation: throttle::RateLimit,
    /// The applicant's link routes (`/api/public/…`), per address.
    pub public_links: throttle::RateLimit,
    /// Which template sources may be read.
    pub sources: sources::SourcePolicy,
    csp: HeaderValue,
    handbook_csp: HeaderValue,
}

impl Security {
    pub fn new(config: &Config) -> Security {
        let csp = headers::content_security_policy(config.dist_dir.as_deref());
        Security {
            login: throttle::LoginThrottle::default(),
            anonymous_validation: throttle::RateLimit::per_minute(ANONYMOUS_VALIDATIONS_PER_MINUTE),
            public_links: throttle::RateLimit::per_minute(PUBLIC_LINK_REQUESTS_PER_MINUTE),
            sources: sources::SourcePolicy::new(config),
            csp: HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
            handbook_csp: HeaderValue::from_static(headers::HANDBOOK_CSP),
        }
    }
}

/// The client's address: the socket peer, or — if the peer is a configured trusted proxy —
/// the last address it appended to `X-Forwarded-For`.
pub fn client_ip(req: &Request, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .next_back();
    Some(forwarded.unwrap_or(peer))
}

/// Wraps every request: determines the client, refuses state-changing requests from a
/// foreign `Origin`, sets the security headers and logs every refusal once.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let client = ClientIp(client_ip(&req, &state.config.trusted_proxies));
    let audit = AuditUser::default();
    req.extensions_mut().insert(client);
    req.extensions_mut().insert(audit.clone());
    let route = format!("{} {}", req.method(), req.uri().path());
    let handbook = req.uri().path() == "/hilfe" || req.uri().path().starts_with("/hilfe/");
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut res = if safe || origin::same_origin(req.headers(), &state.config.allowed_origins) {
        next.run(req).await
    } else {
        origin::foreign_origin().into_response()
    };
    if let Some(r) = res.extensions().get::<Refusal>() {
        events::log(r.event, audit.get().as_deref(), client, &route, &r.reason);
    }
    let csp = if handbook {
        &state.security.handbook_csp
    } else {
        &state.security.csp
    };
    headers::apply(res.headers_mut(), csp);
    res
}
