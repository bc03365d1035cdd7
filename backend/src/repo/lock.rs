//! Ref updates take turns across processes, and survive a writer killed in the middle.
//!
//! git (and libgit2) updates a ref by creating `<ref>.lock`, writing and syncing it, and
//! renaming it over the ref. A process killed with SIGKILL between the first and the last step
//! leaves the `.lock` file behind, and every later update of that ref fails ("locked") —
//! `main` could then never move again, and a lost tag could not be re-created at start.
//!
//! Every Fachwerk writer of catalogue refs therefore first takes an exclusive advisory lock on
//! `fachwerk-refs.lock` in the repository (`File::lock`, released by the kernel when the process
//! ends, however it ends). Holding it, a `<ref>.lock` can only be the leftover of a writer that
//! died, so it is removed before the update.

use std::fs::{File, OpenOptions};
use std::path::Path;

/// Held while refs are updated; dropping it releases the lock.
pub(super) struct RefsLock {
    _file: File,
}

/// Waits for the lock of the repository at `git_dir`.
pub(super) fn lock_refs(git_dir: &Path) -> std::io::Result<RefsLock> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(git_dir.join("fachwerk-refs.lock"))?;
    file.lock()?;
    Ok(RefsLock { _file: file })
}

impl RefsLock {
    /// Removes the leftover `<refname>.lock` of a writer that died (`refname` like
    /// `refs/heads/main`).
    pub(super) fn clear_stale(&self, git_dir: &Path, refname: &str) -> std::io::Result<()> {
        let stale = git_dir.join(format!("{refname}.lock"));
        match std::fs::remove_file(&stale) {
            Ok(()) => {
                tracing::warn!(file = %stale.display(), "removed the lock file of an interrupted ref update");
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::seeds::seed_workflows;
    use super::super::{CatalogMeta, Publish, Repo};

    /// What a writer killed while updating `main` and a tag leaves behind does not block the
    /// next publish (libgit2 alone refuses: the ref is "locked").
    #[test]
    fn leftover_ref_locks_of_a_killed_writer_do_not_block_publishing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.git");
        let repo = Repo::open_or_init(&path, CatalogMeta::default()).unwrap();
        let main_lock = path.join("refs/heads/main.lock");
        std::fs::write(&main_lock, "0000000000000000000000000000000000000000\n").unwrap();
        std::fs::create_dir_all(path.join("refs/tags/sperre")).unwrap();
        let tag_lock = path.join("refs/tags/sperre/v1.0.0.lock");
        std::fs::write(&tag_lock, "").unwrap();

        let mut w = seed_workflows().into_iter().next().unwrap();
        w.key = "sperre".into();
        let changes = vec!["Erste Fassung.".to_string()];
        let published = repo
            .publish(&Publish {
                workflow: &w,
                base_version: None,
                requester: "erika",
                approver: "rudi",
                note: "",
                changes: &changes,
                publication_id: None,
            })
            .unwrap();
        assert_eq!(published.tag, "sperre/v1.0.0");
        assert!(!main_lock.exists() && !tag_lock.exists());
        assert_eq!(repo.head().unwrap(), Some(published.commit));
        assert_eq!(repo.versions("sperre").unwrap().len(), 1);
    }
}
