//! Login back-off and the rate limit of anonymous validation, both counted in the database.
//!
//! Failed logins are counted per account and per client address. After a few free attempts
//! every further failure doubles the wait (1 s, 2 s, 4 s … at most 15 minutes); while it runs,
//! attempts are answered 429 without checking the password. A success clears the account's
//! count; counts are forgotten an hour after the last failure. The counts live in the database
//! (`login_failures`), so several server processes share them.

use std::net::IpAddr;
use std::time::Duration;

use crate::db::Database;
use crate::error::AppError;

const ACCOUNT_FREE_FAILURES: u32 = 3;
/// Several people may share one address (an office behind NAT).
const CLIENT_FREE_FAILURES: u32 = 10;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
const FORGET_AFTER: Duration = Duration::from_secs(3600);

/// The wait after the `count`-th failure when `free` failures cost nothing.
fn wait_after(count: u32, free: u32) -> Duration {
    if count <= free {
        return Duration::ZERO;
    }
    let doublings = (count - free - 1).min(20);
    (FIRST_WAIT * 2u32.pow(doublings)).min(LONGEST_WAIT)
}

/// Failed logins per account and per client address, counted in the database so that every
/// server process on it sees the same back-off. When the database does not answer, the
/// throttle lets the attempt through (the login itself then fails on the database).
pub struct LoginThrottle {
    db: Database,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn account_scope(account: &str) -> String {
    format!("account:{account}")
}

fn client_scope(client: Option<IpAddr>) -> String {
    match client {
        Some(ip) => format!("client:{ip}"),
        None => "client:-".into(),
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl LoginThrottle {
    pub fn new(db: Database) -> LoginThrottle {
        LoginThrottle { db }
    }

    /// Refuses (429) while a back-off for the account or the client runs.
    pub async fn check(&self, account: &str, client: Option<IpAddr>) -> Result<(), AppError> {
        let scopes = [account_scope(account), client_scope(client)];
        let until = match self
            .db
            .login_blocked_until([scopes[0].as_str(), scopes[1].as_str()])
            .await
        {
            Ok(until) => until,
            Err(e) => {
                tracing::warn!(error = %e, "login throttle: the database did not answer");
                return Ok(());
            }
        };
        let wait = until.saturating_sub(now_ms());
        if wait <= 0 {
            Ok(())
        } else {
            Err(too_many_logins(Duration::from_millis(wait.unsigned_abs())))
        }
    }

    /// Records a failure; returns the wait it starts (zero for the free attempts).
    pub async fn failed(&self, account: &str, client: Option<IpAddr>) -> Duration {
        let now = now_ms();
        let mut longest = Duration::ZERO;
        for (scope, free) in [
            (account_scope(account), ACCOUNT_FREE_FAILURES),
            (client_scope(client), CLIENT_FREE_FAILURES),
        ] {
            let counted = self
                .db
                .count_login_failure(&scope, now, millis(FORGET_AFTER))
                .await;
            let wait = match counted {
                Ok(count) => wait_after(u32::try_from(count).unwrap_or(u32::MAX), free),
                Err(e) => {
                    tracing::warn!(error = %e, "login throttle: cannot count a failure");
                    continue;
                }
            };
            if !wait.is_zero() {
                if let Err(e) = self.db.block_login(&scope, now + millis(wait)).await {
                    tracing::warn!(error = %e, "login throttle: cannot start a back-off");
                }
            }
            longest = longest.max(wait);
        }
        longest
    }

    /// A successful login clears the account's failures (not the client's).
    pub async fn succeeded(&self, account: &str) {
        if let Err(e) = self.db.clear_login_failures(&account_scope(account)).await {
            tracing::warn!(error = %e, "login throttle: cannot clear the failures");
        }
    }
}

/// Whole seconds, rounded up (at least 1): what `Retry-After` says.
fn ceil_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// "in 5 Sekunden", "in 3 Minuten" (rounded up).
pub fn wait_de(wait: Duration) -> String {
    let secs = ceil_secs(wait);
    if secs > 120 {
        format!("in {} Minuten", secs.div_ceil(60))
    } else if secs == 1 {
        "in 1 Sekunde".into()
    } else {
        format!("in {secs} Sekunden")
    }
}

fn too_many_logins(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        detail: format!(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte {} erneut versuchen.",
            wait_de(wait)
        ),
        retry_after: ceil_secs(wait),
    }
}

/// A fixed-window limit per client address (anonymous validation).
/// Counted in the database (`rate_limits`), so the allowance holds across server processes;
/// when the database does not answer, the request goes through.
pub struct RateLimit {
    db: Database,
    /// What is limited (`validate`, `public`); each kind counts on its own.
    kind: &'static str,
    per_minute: u32,
}

impl RateLimit {
    pub fn per_minute(db: Database, kind: &'static str, per_minute: u32) -> RateLimit {
        RateLimit {
            db,
            kind,
            per_minute,
        }
    }

    /// Counts a request of `client`; 429 once the minute's allowance is used up.
    pub async fn hit(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let minute = Duration::from_secs(60);
        let now = now_ms();
        let scope = match client {
            Some(ip) => format!("{}:{ip}", self.kind),
            None => format!("{}:-", self.kind),
        };
        let (hits, start) = match self.db.count_rate_hit(&scope, now, millis(minute)).await {
            Ok(counted) => counted,
            Err(e) => {
                tracing::warn!(error = %e, "rate limit: the database did not answer");
                return Ok(());
            }
        };
        if hits <= i64::from(self.per_minute) {
            return Ok(());
        }
        let left = (start + millis(minute) - now).max(1);
        let wait = Duration::from_millis(left.unsigned_abs());
        Err(AppError::TooManyRequests {
            detail: format!(
                "Zu viele Prüfungen ohne Anmeldung von dieser Adresse. Bitte {} erneut versuchen oder anmelden.",
                wait_de(wait)
            ),
            retry_after: ceil_secs(wait),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn waits_double_after_the_free_attempts_and_are_capped() {
        assert_eq!(wait_after(3, 3), Duration::ZERO);
        assert_eq!(wait_after(4, 3), Duration::from_secs(1));
        assert_eq!(wait_after(6, 3), Duration::from_secs(4));
        assert_eq!(wait_after(100, 3), LONGEST_WAIT);
    }

    #[test]
    fn german_wait_texts() {
        assert_eq!(wait_de(Duration::from_millis(1500)), "in 2 Sekunden");
        assert_eq!(wait_de(Duration::from_secs(1)), "in 1 Sekunde");
        assert_eq!(wait_de(Duration::from_secs(900)), "in 15 Minuten");
    }

    #[tokio::test]
    async fn a_success_clears_the_account_but_not_the_client() {
        let dir = tempfile::tempdir().unwrap();
        let target = crate::db::Target::Sqlite(dir.path().join("t.sqlite3"));
        let t = LoginThrottle::new(Database::open(&target).await.unwrap());
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..ACCOUNT_FREE_FAILURES {
            assert!(t.failed("erika", ip).await.is_zero());
        }
        assert!(!t.failed("erika", ip).await.is_zero());
        assert!(t.check("erika", ip).await.is_err());
        assert!(t.check("otto", ip).await.is_ok());
        t.succeeded("erika").await;
        assert!(t.check("erika", ip).await.is_ok());
        // A second throttle on the same database (another process) sees the client's count.
        let other = LoginThrottle::new(t.db.clone());
        for _ in 0..(CLIENT_FREE_FAILURES - ACCOUNT_FREE_FAILURES - 1) {
            other.failed("otto", ip).await;
        }
        assert!(!other.failed("otto2", ip).await.is_zero());
        assert!(t.check("niemand", ip).await.is_err());
    }
}
