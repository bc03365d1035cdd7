//! Fetching a template source into a bare mirror under `data/sources/<id>/`.
//!
//! Two transports, because git2 is built without network support (`default-features = false`,
//! no https/ssh): local paths and `file://` URLs are fetched in-process with git2 (full fetch
//! of all branches and tags; the local transport has no shallow mode, and local catalogues are
//! small), https URLs with the `git` command-line program, shallow (`--depth 1`: only the tip of
//! every branch and every tagged commit, which is all Fachwerk ever reads).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use git2::{AutotagOption, Direction, FetchOptions, FetchPrune, RemoteCallbacks, Repository};

use super::{FetchError, FetchErrorKind, Progress};
use crate::fsutil;

/// How long a command-line fetch may take before it is stopped.
const CLI_TIMEOUT: Duration = Duration::from_secs(300);
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// Where a source is fetched from, and with which tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A local path (also from a `file://` URL), fetched with git2.
    Local(PathBuf),
    /// A URL fetched with the git command-line program (https in production).
    Cli(String),
}

/// Fetches `transport` into the bare repository `mirror` (created if missing; a new mirror
/// is built next to it and renamed into place, so there is never a half-made one).
/// `progress` is called with object counts while data arrives.
pub fn fetch(
    transport: &Transport,
    mirror: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), FetchError> {
    fetch_pinned(transport, mirror, progress, &[])
}

/// [`fetch`] with the addresses git may connect to fixed in advance (`host:port:address`,
/// curl's resolve syntax), so a name checked as public cannot resolve elsewhere when git
/// looks it up again.
pub fn fetch_pinned(
    transport: &Transport,
    mirror: &Path,
    progress: &(dyn Fn(Progress) + Sync),
    resolve: &[String],
) -> Result<(), FetchError> {
    if mirror.exists() {
        return update(transport, mirror, progress, resolve);
    }
    let parent = mirror
        .parent()
        .ok_or_else(|| FetchError::other("mirror path has no parent"))?;
    fsutil::ensure_dir(parent).map_err(|e| FetchError::other(format!("{e:#}")))?;
    let name = mirror
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!("{name}.tmp-{}", fsutil::random_hex(4)));
    let result = match transport {
        Transport::Local(_) => Repository::init_bare(&tmp)
            .map_err(|e| FetchError::other(e.message()))
            .and_then(|_| update(transport, &tmp, progress, resolve)),
        Transport::Cli(url) => cli_clone(url, &tmp, progress, resolve),
    };
    match result.and_then(|()| std::fs::rename(&tmp, mirror).map_err(FetchError::other)) {
        Ok(()) => {
            let _ = fsutil::sync_dir(parent);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Brings an existing mirror up to date (branches and tags; deleted ones are pruned).
fn update(
    transport: &Transport,
    mirror: &Path,
    progress: &(dyn Fn(Progress) + Sync),
    resolve: &[String],
) -> Result<(), FetchError> {
    match transport {
        Transport::Local(path) => local_fetch(path, mirror, progress),
        Transport::Cli(url) => {
            let mut args: Vec<String> = ["fetch", "--depth", "1", "--prune", "--progress", "--"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            args.push(url.clone());
            args.extend(REFSPECS.iter().map(|s| s.to_string()));
            run_git(url, Some(mirror), &args, progress, resolve)
        }
    }
}

fn local_fetch(
    source: &Path,
    mirror: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), FetchError> {
    if !source.exists() {
        return Err(FetchError::new(
            FetchErrorKind::NotFound,
            format!(
                "Den Pfad „{}“ gibt es auf dem Server nicht. Bitte die Adresse prüfen.",
                source.display()
            ),
        ));
    }
    if let Err(e) = Repository::open(source) {
        return Err(FetchError::new(
            FetchErrorKind::NotARepository,
            format!(
                "Unter „{}“ liegt kein Git-Repository ({}). Bitte die Adresse prüfen.",
                source.display(),
                e.message()
            ),
        ));
    }
    let url = source
        .to_str()
        .ok_or_else(|| FetchError::other("the path is not UTF-8"))?;
    let git = Repository::open_bare(mirror).map_err(|e| FetchError::other(e.message()))?;
    let mut remote = git
        .remote_anonymous(url)
        .map_err(|e| FetchError::other(e.message()))?;
    let mut callbacks = RemoteCallbacks::new();
    callbacks.transfer_progress(|p| {
        progress(Progress::of(
            p.received_objects() as u64,
            p.total_objects() as u64,
        ));
        true
    });
    let mut opts = FetchOptions::new();
    opts.remote_callbacks(callbacks)
        .prune(FetchPrune::On)
        .download_tags(AutotagOption::All)
        .update_fetchhead(false);
    remote
        .fetch(
            &REFSPECS,
            Some(&mut opts),
            Some("Fachwerk: Vorlagenquelle abgerufen"),
        )
        .map_err(|e| FetchError::other(format!("git: {}", e.message())))?;
    // HEAD of the mirror follows the source's default branch.
    let default = remote_default_branch(&git, url);
    set_head(&git, default.as_deref());
    Ok(())
}

fn remote_default_branch(git: &Repository, url: &str) -> Option<String> {
    let mut remote = git.remote_anonymous(url).ok()?;
    remote.connect(Direction::Fetch).ok()?;
    let branch = remote.default_branch().ok()?;
    let name = branch.as_str().ok().map(String::from);
    let _ = remote.disconnect();
    name
}

/// Points HEAD at `preferred` if the mirror has it, else at `main`, `master` or any branch.
fn set_head(git: &Repository, preferred: Option<&str>) {
    let mut candidates: Vec<String> = preferred.map(String::from).into_iter().collect();
    candidates.extend(["refs/heads/main".into(), "refs/heads/master".into()]);
    if let Ok(refs) = git.references_glob("refs/heads/*") {
        candidates.extend(
            refs.flatten()
                .filter_map(|r| r.name().ok().map(String::from)),
        );
    }
    if let Some(name) = candidates.iter().find(|c| git.find_reference(c).is_ok()) {
        let _ = git.set_head(name);
    }
}

/// `git clone --bare --depth 1 --no-single-branch`, then the tagged commits (also shallow).
fn cli_clone(
    url: &str,
    dest: &Path,
    progress: &(dyn Fn(Progress) + Sync),
    resolve: &[String],
) -> Result<(), FetchError> {
    let dest_str = dest
        .to_str()
        .ok_or_else(|| FetchError::other("the data directory path is not UTF-8"))?;
    let clone: Vec<String> = [
        "clone",
        "--bare",
        "--depth",
        "1",
        "--no-single-branch",
        "--progress",
        "--",
        url,
        dest_str,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    run_git(url, None, &clone, progress, resolve)?;
    let mut tags: Vec<String> = ["fetch", "--depth", "1", "--progress", "--", url]
        .iter()
        .map(|s| s.to_string())
        .collect();
    tags.push(REFSPECS[1].into());
    run_git(url, Some(dest), &tags, progress, resolve)
}

/// Runs git with a locked-down configuration: only the URL's own protocol, no credential
/// helpers, no prompts, a time limit; `--progress` output on stderr is parsed for progress.
fn run_git(
    url: &str,
    git_dir: Option<&Path>,
    args: &[String],
    progress: &(dyn Fn(Progress) + Sync),
    resolve: &[String],
) -> Result<(), FetchError> {
    let scheme = url.split_once("://").map_or("file", |(s, _)| s);
    let mut cmd = Command::new("git");
    if let Some(dir) = git_dir {
        cmd.arg("--git-dir").arg(dir);
    }
    cmd.args(["-c", "protocol.allow=never", "-c"])
        .arg(format!("protocol.{scheme}.allow=always"))
        .args(["-c", "credential.helper=", "-c", "core.askPass="])
        // A public host must not redirect the fetch into the internal network.
        .args(["-c", "http.followRedirects=false"])
        .args(
            resolve
                .iter()
                .flat_map(|r| ["-c".to_string(), format!("http.curloptResolve={r}")]),
        )
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        FetchError::new(
            FetchErrorKind::GitMissing,
            format!("Für Quellen über https wird das Programm „git“ auf dem Server benötigt; es konnte nicht gestartet werden ({e})."),
        )
    })?;
    let stderr = Arc::new(Mutex::new(String::new()));
    let reader = child.stderr.take().map(|mut pipe| {
        let stderr = Arc::clone(&stderr);
        // Progress lines end in '\r'; the reader reports each and keeps the text for errors.
        let (tx, rx) = std::sync::mpsc::channel::<Progress>();
        let handle = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut pending = String::new();
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.push_str(&String::from_utf8_lossy(&buf[..n]));
                while let Some(i) = pending.find(['\r', '\n']) {
                    let line: String = pending.drain(..=i).collect();
                    if let Some(p) = parse_progress(&line) {
                        let _ = tx.send(p);
                    } else if let Ok(mut s) = stderr.lock() {
                        s.push_str(line.trim_end());
                        s.push('\n');
                    }
                }
            }
            if let Ok(mut s) = stderr.lock() {
                s.push_str(&pending);
            }
        });
        (handle, rx)
    });
    let deadline = Instant::now() + CLI_TIMEOUT;
    let status = loop {
        if let Some((_, rx)) = &reader {
            while let Ok(p) = rx.try_recv() {
                progress(p);
            }
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(FetchError::new(
                    FetchErrorKind::Unreachable,
                    format!(
                        "Der Abruf hat länger als {} Minuten gedauert und wurde abgebrochen.",
                        CLI_TIMEOUT.as_secs() / 60
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(FetchError::other(e)),
        }
    };
    if let Some((handle, rx)) = reader {
        let _ = handle.join();
        while let Ok(p) = rx.try_recv() {
            progress(p);
        }
    }
    if status.success() {
        return Ok(());
    }
    let text = stderr.lock().map(|s| s.clone()).unwrap_or_default();
    Err(classify_cli_error(&text))
}

/// "Receiving objects:  45% (123/456), 1.2 MiB | …" → 123 of 456.
pub(crate) fn parse_progress(line: &str) -> Option<Progress> {
    let rest = line.trim().strip_prefix("Receiving objects:")?;
    let inner = rest.split_once('(')?.1.split_once(')')?.0;
    let (done, total) = inner.split_once('/')?;
    Some(Progress::of(
        done.trim().parse().ok()?,
        total.trim().parse().ok()?,
    ))
}

fn classify_cli_error(stderr: &str) -> FetchError {
    let lower = stderr.to_lowercase();
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("unbekannter Fehler")
        .trim();
    let last = crate::repo::push::redact(last);
    let unreachable = [
        "could not resolve host",
        "failed to connect",
        "connection timed out",
        "connection refused",
        "network is unreachable",
        "ssl",
        "timed out",
    ];
    if unreachable.iter().any(|m| lower.contains(m)) {
        return FetchError::new(
            FetchErrorKind::Unreachable,
            format!("Der Server ist nicht erreichbar. Bitte Adresse und Netzwerkverbindung prüfen. (git: {last})"),
        );
    }
    let missing = [
        "not found",
        "does not appear to be a git repository",
        "could not read username",
        "authentication failed",
        "not a git repository",
        "does not exist",
    ];
    if missing.iter().any(|m| lower.contains(m)) {
        return FetchError::new(
            FetchErrorKind::NotARepository,
            format!("Unter dieser Adresse wurde kein öffentlich lesbares Git-Repository gefunden. Bitte die Adresse prüfen. (git: {last})"),
        );
    }
    FetchError::new(
        FetchErrorKind::Other,
        format!("Der Abruf ist fehlgeschlagen (git: {last})."),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn progress_lines_are_parsed() {
        let p =
            parse_progress("Receiving objects:  45% (123/456), 1.20 MiB | 1.00 MiB/s\r").unwrap();
        assert_eq!(
            (p.received_objects, p.total_objects, p.percent),
            (123, 456, Some(26))
        );
        assert!(parse_progress("remote: Counting objects: 100% (3/3), done.").is_none());
        assert!(parse_progress("Resolving deltas: 100% (1/1)").is_none());
    }

    #[test]
    fn cli_errors_are_classified() {
        let e = classify_cli_error("fatal: unable to access 'https://x.invalid/a.git/': Could not resolve host: x.invalid\n");
        assert_eq!(e.kind, FetchErrorKind::Unreachable);
        let e = classify_cli_error(
            "remote: Repository not found.\nfatal: repository 'https://h/a.git/' not found\n",
        );
        assert_eq!(e.kind, FetchErrorKind::NotARepository);
    }

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.invalid"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The command-line path (used for https) exercised with a `file://` URL.
    #[test]
    fn the_command_line_fetches_branches_and_tags_shallow() {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        for (i, tag) in ["a/v1.0.0", "a/v1.1.0"].iter().enumerate() {
            std::fs::write(work.join("f.txt"), format!("{i}")).unwrap();
            git(&work, &["add", "."]);
            git(&work, &["commit", "-q", "-m", "c"]);
            git(&work, &["tag", tag]);
        }
        let url = format!("file://{}", work.display());
        let mirror = tmp.path().join("mirror");
        let seen = Mutex::new(0);
        let count = |_p: Progress| *seen.lock().unwrap() += 1;
        fetch(&Transport::Cli(url.clone()), &mirror, &count).unwrap();
        let repo = Repository::open_bare(&mirror).unwrap();
        assert!(repo.find_reference("refs/tags/a/v1.0.0").is_ok());
        assert!(repo.find_reference("refs/tags/a/v1.1.0").is_ok());
        assert!(repo.head().unwrap().peel_to_commit().is_ok());
        // An update after a new tag.
        std::fs::write(work.join("f.txt"), "x").unwrap();
        git(&work, &["commit", "-qam", "c"]);
        git(&work, &["tag", "a/v2.0.0"]);
        fetch(&Transport::Cli(url), &mirror, &count).unwrap();
        let repo = Repository::open_bare(&mirror).unwrap();
        assert!(repo.find_reference("refs/tags/a/v2.0.0").is_ok());
        // A path that is no repository.
        let e = fetch(
            &Transport::Cli(format!("file://{}", tmp.path().join("nichts").display())),
            &tmp.path().join("m2"),
            &count,
        )
        .unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::NotARepository, "{}", e.message_de);
        assert!(!tmp.path().join("m2").exists());
    }
}
