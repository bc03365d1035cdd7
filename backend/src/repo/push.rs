//! Pushing the catalogue to a configured remote (e.g. an Open CoDE GitLab project over HTTPS
//! with a token) with the system's git CLI: after each publish, `main` and all tags.
//!
//! The state lives in the database (`catalog_push`, see `db::push`), so every server process
//! and `fachwerk catalog push` see the same attempts, error and next try. What is still to push
//! is never stored: it is the difference between the catalogue's refs and the digest of the
//! refs at the last successful push, so a publish cannot be lost between its commit and its
//! push. A push takes a lease in the database first: one process pushes at a time; the others
//! wait. Failures are retried with doubling waits; a failed push never affects the publish,
//! which is complete before a push is even requested.
//!
//! The token travels only in an `Authorization` header that git reads from its environment
//! (`GIT_CONFIG_*`, not visible in the process list), never in a URL, a log line or the
//! database; messages of git are masked before they are shown or stored.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
pub use fachwerk_shared::api::{PushState, PushStatus};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use crate::db::{Database, DbError, PushRecord, PushResult};
use crate::fsutil;

const FIRST_RETRY: Duration = Duration::from_secs(2);
const MAX_RETRY: Duration = Duration::from_secs(300);
const PUSH_TIMEOUT: Duration = Duration::from_secs(120);
/// A lease outlives the longest push (its git is killed at the timeout) by this margin.
const LEASE_MARGIN: Duration = Duration::from_secs(30);
/// How often an idle worker looks whether another process left something unpushed.
const POLL: Duration = Duration::from_secs(10);

/// The `Authorization` header git sends to the remote. Its `Debug` shows no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteAuth {
    header: String,
    token: String,
}

impl std::fmt::Debug for RemoteAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RemoteAuth(***)")
    }
}

impl RemoteAuth {
    /// HTTP Basic with `user` and the token as password: what GitLab (Open CoDE) expects of
    /// access tokens over HTTPS (any user name; `oauth2` by convention).
    pub fn basic(user: &str, token: &str) -> RemoteAuth {
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"));
        RemoteAuth {
            header: format!("Authorization: Basic {pair}"),
            token: token.to_string(),
        }
    }

    /// `Authorization: Bearer <token>` (servers that take OAuth access tokens directly).
    pub fn bearer(token: &str) -> RemoteAuth {
        RemoteAuth {
            header: format!("Authorization: Bearer {token}"),
            token: token.to_string(),
        }
    }

    /// Removes the token (and its Basic encoding) from `text`.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in [self.token.as_str(), self.header.as_str()] {
            if secret.len() >= 4 {
                out = out.replace(secret, "***");
            }
        }
        if let Some(encoded) = self.header.strip_prefix("Authorization: Basic ") {
            out = out.replace(encoded, "***");
        }
        out
    }
}

/// Why `fachwerk catalog push` could not push.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("Es ist kein Remote eingestellt (--remote).")]
    Disabled,
    #[error("Eine andere Übertragung läuft noch; bitte später erneut versuchen.")]
    Busy,
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

struct Inner {
    db: Database,
    git_dir: PathBuf,
    url: String,
    /// The remote as shown and stored: credentials in the URL masked.
    shown: String,
    auth: Option<RemoteAuth>,
    /// This process's name in the lease.
    holder: String,
    wake: Notify,
}

/// The pushing side of one process; cheap to clone. Disabled without a remote.
#[derive(Clone)]
pub struct Pusher {
    inner: Option<Arc<Inner>>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

fn rfc3339_ms(at_ms: i64) -> String {
    fsutil::rfc3339(at_ms.div_euclid(1000))
}

/// The wait after the `failures`-th failure in a row: 2 s, 4 s, 8 s, … at most 5 minutes.
pub fn retry_delay(failures: i64) -> Duration {
    let doublings = failures.clamp(1, 20) as u32 - 1;
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_RETRY)
}

impl Pusher {
    pub fn disabled() -> Pusher {
        Pusher { inner: None }
    }

    /// A pusher of the catalogue at `git_dir` to `url` (no background task; see
    /// [`Pusher::start`]).
    pub fn new(db: Database, git_dir: PathBuf, url: String, auth: Option<RemoteAuth>) -> Pusher {
        let holder = format!("{}-{}", std::process::id(), fsutil::random_hex(4));
        Pusher {
            inner: Some(Arc::new(Inner {
                db,
                git_dir,
                shown: redact(&url),
                url,
                auth,
                holder,
                wake: Notify::new(),
            })),
        }
    }

    /// [`Pusher::new`] plus its background task (if a tokio runtime is present), which pushes
    /// at once whatever is unpushed (publishes made while the remote was unreachable before a
    /// restart get out too).
    pub fn start(db: Database, git_dir: PathBuf, url: String, auth: Option<RemoteAuth>) -> Pusher {
        let pusher = Pusher::new(db, git_dir, url, auth);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(pusher.clone().worker());
            }
            Err(_) => tracing::warn!("no async runtime: pushing to the remote is disabled"),
        }
        pusher
    }

    /// After a publish: the next attempt is due now (a running backoff is cut short), and this
    /// process's worker looks at once. Never fails the caller: if the database cannot be
    /// reached, the worker still finds the unpushed refs at its next look.
    pub async fn request(&self) {
        let Some(inner) = &self.inner else { return };
        if let Err(e) = inner.db.push_due_now(&inner.shown).await {
            tracing::warn!(error = %e, "cannot schedule the push of the catalogue");
        }
        inner.wake.notify_one();
    }

    /// An admin's "retry now": like [`Pusher::request`], then the current status.
    pub async fn retry_now(&self) -> Result<PushStatus, DbError> {
        if let Some(inner) = &self.inner {
            inner.db.push_due_now(&inner.shown).await?;
            inner.wake.notify_one();
        }
        self.status().await
    }

    /// The state as admins see it (`GET /api/remote`).
    pub async fn status(&self) -> Result<PushStatus, DbError> {
        let Some(inner) = &self.inner else {
            return Ok(PushStatus {
                remote: None,
                state: PushState::Disabled,
                attempts: 0,
                last_attempt: None,
                last_success: None,
                last_error: None,
                next_retry: None,
            });
        };
        let record = inner.db.push_record(&inner.shown).await?;
        let refs = inner.local_refs().await;
        let state = match (&refs, &record) {
            (Ok(refs), r) if r.pushed_refs.as_ref() == Some(refs) => PushState::Ok,
            (_, r) if r.last_error.is_some() => PushState::Failed,
            (_, r) if r.last_attempt_ms.is_none() => PushState::Idle,
            _ => PushState::Pending,
        };
        let failed = state == PushState::Failed;
        Ok(PushStatus {
            remote: Some(inner.shown.clone()),
            state,
            attempts: u32::try_from(record.attempts).unwrap_or(u32::MAX),
            last_attempt: record.last_attempt_ms.map(rfc3339_ms),
            last_success: record.last_success_ms.map(rfc3339_ms),
            last_error: record.last_error.clone(),
            next_retry: failed.then(|| rfc3339_ms(record.next_attempt_ms)),
        })
    }

    /// `fachwerk catalog push`: pushes now, whatever the backoff says, after waiting up to
    /// `wait` for a push of another process to end; the outcome is recorded like the
    /// server's own.
    pub async fn push_now(&self, wait: Duration) -> Result<PushStatus, PushError> {
        let inner = self.inner.as_ref().ok_or(PushError::Disabled)?;
        let until = std::time::Instant::now() + wait;
        while !inner.lease(true).await? {
            if std::time::Instant::now() >= until {
                return Err(PushError::Busy);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let record = inner.db.push_record(&inner.shown).await?;
        match inner.push_leased(&record).await? {
            PushResult::Pushed(_) => Ok(self.status().await?),
            PushResult::Failed { error, .. } => Err(PushError::Failed(error)),
        }
    }

    async fn worker(self) {
        let Some(inner) = self.inner.clone() else {
            return;
        };
        loop {
            let wait = match inner.round().await {
                Ok(wait) => wait,
                Err(e) => {
                    tracing::warn!(error = %e, "pushing the catalogue: the database failed");
                    POLL
                }
            };
            let _ = tokio::time::timeout(wait, inner.wake.notified()).await;
        }
    }
}

impl Inner {
    /// Takes the lease if it is free (and, unless `force`, the next attempt is due).
    async fn lease(&self, force: bool) -> Result<bool, DbError> {
        let now = now_ms();
        let until = now + ms(PUSH_TIMEOUT + LEASE_MARGIN);
        self.db
            .lease_push(&self.shown, &self.holder, now, until, force)
            .await
    }

    /// One look of the worker: pushes if something is unpushed, due and nobody else pushes;
    /// returns how long to wait before the next look.
    async fn round(&self) -> Result<Duration, DbError> {
        let record = self.db.push_record(&self.shown).await?;
        if let Ok(refs) = self.local_refs().await {
            if record.pushed_refs.as_ref() == Some(&refs) {
                return Ok(POLL);
            }
        }
        if !self.lease(false).await? {
            // Not due yet, or another process pushes: look again when that may have changed.
            let now = now_ms();
            let next = record.next_attempt_ms.max(record.lease_until_ms);
            let wait = Duration::from_millis(next.saturating_sub(now).max(200) as u64);
            return Ok(wait.min(POLL));
        }
        Ok(match self.push_leased(&record).await? {
            PushResult::Pushed(_) => POLL,
            PushResult::Failed { retry_at_ms, .. } => {
                Duration::from_millis(retry_at_ms.saturating_sub(now_ms()).max(0) as u64)
            }
        })
    }

    /// Pushes while holding the lease and records the outcome (which gives the lease back).
    async fn push_leased(&self, before: &PushRecord) -> Result<PushResult, DbError> {
        let result = match self.local_refs().await {
            Ok(refs) => match push_once(&self.git_dir, &self.url, self.auth.as_ref()).await {
                Ok(()) => PushResult::Pushed(refs),
                Err(e) => self.failed(before, &e),
            },
            Err(e) => self.failed(before, &format!("Katalog nicht lesbar: {e}")),
        };
        match &result {
            PushResult::Pushed(_) => {
                tracing::info!(remote = %self.shown, "catalogue pushed");
            }
            PushResult::Failed { error, retry_at_ms } => {
                tracing::warn!(remote = %self.shown, error = %error, retry_at = %rfc3339_ms(*retry_at_ms), "push failed");
            }
        }
        if !self
            .db
            .finish_push(&self.shown, &self.holder, now_ms(), &result)
            .await?
        {
            tracing::warn!(remote = %self.shown, "the push outlived its lease; its outcome is not recorded");
        }
        Ok(result)
    }

    fn failed(&self, before: &PushRecord, error: &str) -> PushResult {
        let mut error = redact(error);
        if let Some(auth) = &self.auth {
            error = auth.scrub(&error);
        }
        PushResult::Failed {
            error,
            retry_at_ms: now_ms() + ms(retry_delay(before.attempts + 1)),
        }
    }

    async fn local_refs(&self) -> Result<String, String> {
        let dir = self.git_dir.clone();
        fsutil::blocking(move || refs_digest(&dir).map_err(anyhow::Error::from))
            .await
            .map_err(|e| format!("{e:#}"))
    }
}

/// Digest of what a push sends: `main` and every tag with the objects they point to.
pub fn refs_digest(git_dir: &Path) -> Result<String, git2::Error> {
    let repo = git2::Repository::open_bare(git_dir)?;
    let mut refs = Vec::new();
    for r in repo
        .references_glob("refs/heads/main")?
        .chain(repo.references_glob("refs/tags/*")?)
    {
        let r = r?;
        if let (Ok(name), Some(target)) = (r.name(), r.target()) {
            refs.push(format!("{name} {target}\n"));
        }
    }
    refs.sort();
    let mut hash = Sha256::new();
    for line in &refs {
        hash.update(line.as_bytes());
    }
    Ok(format!("{:x}", hash.finalize()))
}

async fn push_once(git_dir: &Path, remote: &str, auth: Option<&RemoteAuth>) -> Result<(), String> {
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("--git-dir")
        .arg(git_dir)
        .args([
            "push",
            "--porcelain",
            remote,
            "refs/heads/main:refs/heads/main",
            "refs/tags/*:refs/tags/*",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    // Configuration from the environment (git ≥ 2.31), not the command line: the header stays
    // out of the process list. No credential helper may store or supply anything, and the
    // header goes to the configured host only (no redirects).
    let mut config = vec![
        ("credential.helper", String::new()),
        ("http.followRedirects", "false".to_string()),
    ];
    if let Some(auth) = auth {
        config.push(("http.extraHeader", auth.header.clone()));
    }
    cmd.env("GIT_CONFIG_COUNT", config.len().to_string());
    for (n, (key, value)) in config.iter().enumerate() {
        cmd.env(format!("GIT_CONFIG_KEY_{n}"), key)
            .env(format!("GIT_CONFIG_VALUE_{n}"), value);
    }
    let out = tokio::time::timeout(PUSH_TIMEOUT, cmd.output())
        .await
        .map_err(|_| "Zeitüberschreitung beim Übertragen".to_string())?
        .map_err(|e| format!("git konnte nicht gestartet werden: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        Err(format!("git push: {} {}", stderr.trim(), stdout.trim())
            .trim()
            .to_string())
    }
}

/// Masks credentials in URLs (`https://user:secret@host` → `https://***@host`).
pub fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace())
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                out.push_str(&tail[at..end]);
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{redact, retry_delay, RemoteAuth};
    use std::time::Duration;

    #[test]
    fn credentials_are_masked() {
        assert_eq!(
            redact("https://u:geheim@example.org/a.git"),
            "https://***@example.org/a.git"
        );
        assert_eq!(
            redact("fatal: https://example.org/a.git failed"),
            "fatal: https://example.org/a.git failed"
        );
        assert_eq!(redact("/srv/remote.git"), "/srv/remote.git");
    }

    #[test]
    fn tokens_are_scrubbed_and_never_debug_printed() {
        let auth = RemoteAuth::basic("oauth2", "glpat-geheim");
        assert_eq!(format!("{auth:?}"), "RemoteAuth(***)");
        // base64("oauth2:glpat-geheim")
        let text = "token glpat-geheim, header b2F1dGgyOmdscGF0LWdlaGVpbQ== end";
        assert_eq!(auth.scrub(text), "token ***, header *** end");
        let bearer = RemoteAuth::bearer("abcd1234");
        assert_eq!(bearer.scrub("Bearer abcd1234"), "Bearer ***");
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_five_minutes() {
        assert_eq!(retry_delay(1), Duration::from_secs(2));
        assert_eq!(retry_delay(2), Duration::from_secs(4));
        assert_eq!(retry_delay(3), Duration::from_secs(8));
        assert_eq!(retry_delay(9), Duration::from_secs(300));
        assert_eq!(retry_delay(1000), Duration::from_secs(300));
    }
}
