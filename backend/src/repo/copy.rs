//! A copy of a bare repository for backup and restore: a new bare repository that fetches
//! every ref of the original (`+refs/*:refs/*`). Git writes objects before it moves a ref, so
//! the copy is consistent even while the server publishes: it has each ref it lists together
//! with everything that ref reaches.

use std::path::Path;

use anyhow::Context;
use git2::Repository;

/// Copies the bare repository `from` to `to` (which must not exist yet).
pub fn copy_repository(from: &Path, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(!to.exists(), "{} exists already", to.display());
    let original = Repository::open_bare(from)
        .with_context(|| format!("{} is not a bare git repository", from.display()))?;
    let copy =
        Repository::init_bare(to).with_context(|| format!("cannot create {}", to.display()))?;
    let url = from
        .to_str()
        .with_context(|| format!("{} is not UTF-8", from.display()))?;
    copy.remote_anonymous(url)?
        .fetch(&["+refs/*:refs/*"], None, None)
        .with_context(|| format!("cannot copy {}", from.display()))?;
    let head = original.find_reference("HEAD")?;
    if let Some(target) = head.symbolic_target()? {
        copy.set_head(target)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::repo::{CatalogMeta, Repo};

    #[test]
    fn copies_every_ref_and_head() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("catalog.git");
        Repo::open_or_init(&original, CatalogMeta::default()).unwrap();
        let copy = dir.path().join("copy.git");
        copy_repository(&original, &copy).unwrap();
        let refs = |path: &Path| -> Vec<(String, git2::Oid)> {
            let repo = Repository::open_bare(path).unwrap();
            let mut refs: Vec<_> = repo
                .references()
                .unwrap()
                .map(|r| {
                    let r = r.unwrap();
                    (r.name().unwrap().to_string(), r.target().unwrap())
                })
                .collect();
            refs.sort();
            refs
        };
        let before = refs(&original);
        assert!(before
            .iter()
            .any(|(name, _)| name.starts_with("refs/tags/")));
        assert_eq!(refs(&copy), before);
        let copied = Repository::open_bare(&copy).unwrap();
        assert_eq!(copied.head().unwrap().name().unwrap(), "refs/heads/main");
        assert!(
            copy_repository(&original, &copy).is_err(),
            "never overwrites"
        );
    }
}
