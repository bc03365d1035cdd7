//! Optional mirroring of the catalogue to a configured remote (e.g. an Open CoDE repository)
//! with the git CLI, in a background task: after each publish, `main` and all tags are pushed;
//! failures are retried with exponential backoff and reported. A failed push never affects the
//! local publish, which is complete before a push is even requested.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use fachwerk_shared::api::{PushState, PushStatus};
use tokio::sync::Notify;

use crate::fsutil;

const FIRST_RETRY: Duration = Duration::from_secs(2);
const MAX_RETRY: Duration = Duration::from_secs(300);
const PUSH_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub struct Pusher {
    status: Arc<Mutex<PushStatus>>,
    wake: Arc<Notify>,
}

impl Pusher {
    pub fn disabled() -> Pusher {
        let status = PushStatus {
            remote: None,
            state: PushState::Disabled,
            attempts: 0,
            last_attempt: None,
            last_success: None,
            last_error: None,
            next_retry: None,
        };
        Pusher {
            status: Arc::new(Mutex::new(status)),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Starts the background task (needs a tokio runtime) and schedules a first push, so that
    /// publishes made while the remote was unreachable before a restart get out too.
    pub fn start(repo: PathBuf, remote: String) -> Pusher {
        let pusher = Pusher::disabled();
        if let Ok(mut s) = pusher.status.lock() {
            s.remote = Some(redact(&remote));
            s.state = PushState::Idle;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(worker(repo, remote, pusher.clone()));
                pusher.request();
            }
            Err(_) => tracing::warn!("no async runtime: pushing to the remote is disabled"),
        }
        pusher
    }

    /// Asks for a push soon (coalesces with one already due).
    pub fn request(&self) {
        let enabled = self
            .status
            .lock()
            .map(|s| s.state != PushState::Disabled)
            .unwrap_or(false);
        if enabled {
            self.wake.notify_one();
        }
    }

    pub fn status(&self) -> PushStatus {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut PushStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }
}

async fn worker(repo: PathBuf, remote: String, pusher: Pusher) {
    loop {
        pusher.wake.notified().await;
        let mut delay = FIRST_RETRY;
        loop {
            pusher.update(|s| {
                s.state = PushState::Pending;
                s.attempts += 1;
                s.last_attempt = Some(fsutil::now_rfc3339());
                s.next_retry = None;
            });
            match push_once(&repo, &remote).await {
                Ok(()) => {
                    tracing::info!(remote = %redact(&remote), "catalogue pushed");
                    pusher.update(|s| {
                        s.state = PushState::Ok;
                        s.attempts = 0;
                        s.last_success = Some(fsutil::now_rfc3339());
                        s.last_error = None;
                    });
                    break;
                }
                Err(e) => {
                    let e = redact(&e);
                    tracing::warn!(remote = %redact(&remote), error = %e, retry_in = ?delay, "push failed");
                    pusher.update(|s| {
                        s.state = PushState::Failed;
                        s.last_error = Some(e);
                        s.next_retry =
                            Some(fsutil::rfc3339(fsutil::unix_now() + delay.as_secs() as i64));
                    });
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(MAX_RETRY);
                }
            }
        }
    }
}

async fn push_once(repo: &std::path::Path, remote: &str) -> Result<(), String> {
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("--git-dir")
        .arg(repo)
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
    use super::redact;

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
}
