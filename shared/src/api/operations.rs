//! Operations: readiness of a server instance (for load balancers and orchestrators).

use serde::{Deserialize, Serialize};

/// `GET /api/ready`: whether this instance can serve requests. 200 when every check passed,
/// 503 otherwise; each failed check names its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// `ready` or `not ready`.
    pub status: String,
    /// `database` and `catalog`, in that order.
    pub checks: Vec<ReadinessCheck>,
}

/// One dependency of the instance and whether it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessCheck {
    pub name: String,
    pub ok: bool,
    /// Why the check failed (absent when it passed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Readiness {
    /// The answer for these checks: ready when all passed.
    pub fn of(checks: Vec<ReadinessCheck>) -> Readiness {
        let ready = checks.iter().all(|c| c.ok);
        Readiness {
            status: if ready { "ready" } else { "not ready" }.into(),
            checks,
        }
    }

    pub fn is_ready(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

impl ReadinessCheck {
    /// A check named `name` with the outcome `result` (the error text becomes the reason).
    pub fn of<E: std::fmt::Display>(name: &str, result: Result<(), E>) -> ReadinessCheck {
        ReadinessCheck {
            name: name.into(),
            ok: result.is_ok(),
            reason: result.err().map(|e| e.to_string()),
        }
    }
}
