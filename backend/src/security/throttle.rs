//! Login back-off and the rate limit of anonymous validation.
//!
//! Failed logins are counted per account and per client address. After a few free attempts
//! every further failure doubles the wait (1 s, 2 s, 4 s … at most 15 minutes); while it runs,
//! attempts are answered 429 without checking the password. A success clears the account's
//! count; counts are forgotten an hour after the last failure.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

const ACCOUNT_FREE_FAILURES: u32 = 3;
/// Several people may share one address (an office behind NAT).
const CLIENT_FREE_FAILURES: u32 = 10;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Bounds memory under a flood of invented user names.
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Instant,
}

struct Counter<K> {
    free: u32,
    map: Mutex<HashMap<K, Failures>>,
}

impl<K: Hash + Eq + Clone> Counter<K> {
    fn new(free: u32) -> Self {
        Counter {
            free,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn remaining(&self, key: &K, now: Instant) -> Duration {
        self.map
            .lock()
            .ok()
            .and_then(|m| {
                m.get(key)
                    .map(|f| f.blocked_until.saturating_duration_since(now))
            })
            .unwrap_or_default()
    }

    fn fail(&self, key: &K, now: Instant) -> Duration {
        let Ok(mut map) = self.map.lock() else {
            return Duration::ZERO;
        };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if map.len() >= MAX_ENTRIES {
                return Duration::ZERO;
            }
        }
        let f = map.entry(key.clone()).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: now,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        let wait = wait_after(f.count, self.free);
        f.blocked_until = now + wait;
        wait
    }

    fn clear(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(key);
        }
    }
}

/// The wait after the `count`-th failure when `free` failures cost nothing.
fn wait_after(count: u32, free: u32) -> Duration {
    if count <= free {
        return Duration::ZERO;
    }
    let doublings = (count - free - 1).min(20);
    (FIRST_WAIT * 2u32.pow(doublings)).min(LONGEST_WAIT)
}

/// Failed logins per account and per client address.
pub struct LoginThrottle {
    accounts: Counter<String>,
    clients: Counter<Option<IpAddr>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            accounts: Counter::new(ACCOUNT_FREE_FAILURES),
            clients: Counter::new(CLIENT_FREE_FAILURES),
        }
    }
}

impl LoginThrottle {
    /// Refuses (429) while a back-off for the account or the client runs.
    pub fn check(&self, account: &str, client: Option<IpAddr>) -> Result<(), AppError> {
        let now = Instant::now();
        let wait = self
            .accounts
            .remaining(&account.to_string(), now)
            .max(self.clients.remaining(&client, now));
        if wait.is_zero() {
            Ok(())
        } else {
            Err(too_many_logins(wait))
        }
    }

    /// Records a failure; returns the wait it starts (zero for the free attempts).
    pub fn failed(&self, account: &str, client: Option<IpAddr>) -> Duration {
        let now = Instant::now();
        self.accounts
            .fail(&account.to_string(), now)
            .max(self.clients.fail(&client, now))
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts.clear(&account.to_string());
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
pub struct RateLimit {
    per_minute: u32,
    windows: Mutex<HashMap<Option<IpAddr>, (Instant, u32)>>,
}

impl RateLimit {
    pub fn per_minute(per_minute: u32) -> RateLimit {
        RateLimit {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of `client`; 429 once the minute's allowance is used up.
    pub fn hit(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let now = Instant::now();
        let minute = Duration::from_secs(60);
        let Ok(mut map) = self.windows.lock() else {
            return Ok(());
        };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (start, _)| now.duration_since(*start) < minute);
        }
        let (start, count) = map.entry(client).or_insert((now, 0));
        if now.duration_since(*start) >= minute {
            *start = now;
            *count = 0;
        }
        *count += 1;
        if *count <= self.per_minute {
            return Ok(());
        }
        let wait = minute.saturating_sub(now.duration_since(*start));
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

    #[test]
    fn a_success_clears_the_account_but_not_the_client() {
        let t = LoginThrottle::default();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..ACCOUNT_FREE_FAILURES {
            assert!(t.failed("erika", ip).is_zero());
        }
        assert!(!t.failed("erika", ip).is_zero());
        assert!(t.check("erika", ip).is_err());
        assert!(t.check("otto", ip).is_ok());
        t.succeeded("erika");
        assert!(t.check("erika", ip).is_ok());
    }
}
