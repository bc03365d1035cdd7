//! The published catalogue: a bare git repository (`catalog.git`) laid out like an Open CoDE
//! repository. This module (with `push`) is the only code that touches git.
//!
//! Publishing a version is one commit on `main` plus an annotated tag `<key>/v<semver>`.
//! `main` moves only if it still points where the publish started from (compare-and-swap via
//! `reference_matching`), so no update is ever lost, even with other writers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use fachwerk_shared::api::{Published, VersionInfo};
use fachwerk_shared::Workflow;
use git2::{ErrorCode, ObjectType, Repository, RepositoryInitOptions, Signature};

use crate::fsutil;

pub mod copy;
mod index;
#[cfg(test)]
mod index_tests;
mod lock;
mod plan;
pub mod push;
pub mod render;
mod seeds;
pub mod sources;
mod tree;

pub use seeds::seed_count;
use seeds::seed_workflows;
use tree::{first_parent_history, main_commit, read_text, write_files};

use plan::NO_NOTE;
pub use plan::{CatalogueState, Publish, PublishPlan};
pub use render::{CatalogMeta, Entry, Maintenance};

const MAIN: &str = "refs/heads/main";
const SYSTEM_NAME: &str = "Fachwerk";
const EMAIL_DOMAIN: &str = "fachwerk.invalid";

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The request no longer fits: another version was published since it was made.
    #[error("{0}")]
    Outdated(String),
    /// `main` moved while the commit was being built (another writer); try again.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Git(#[from] git2::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Handle to the catalogue repository. Every operation opens the repository afresh
/// (`git2::Repository` is not `Sync`); callers run them on blocking threads.
pub struct Repo {
    path: PathBuf,
    meta: CatalogMeta,
    /// The list of published workflows, updated incrementally (see `index.rs`).
    index: index::Index,
}

/// The signature of `user` at `unix` seconds (UTC).
fn ident(user: &str, unix: i64) -> Result<Signature<'static>, git2::Error> {
    let email = if user == SYSTEM_NAME {
        format!("fachwerk@{EMAIL_DOMAIN}")
    } else {
        format!("{user}@{EMAIL_DOMAIN}")
    };
    Signature::new(user, &email, &git2::Time::new(unix, 0))
}

/// The note paragraph of a commit or tag message.
fn note_of(message: &str) -> String {
    let note = message.split("\n\n").nth(1).unwrap_or_default().trim();
    if note == NO_NOTE {
        String::new()
    } else {
        note.to_string()
    }
}

/// `Fachwerk-…: value` lines of a message.
fn trailer<'m>(message: &'m str, key: &str) -> Option<&'m str> {
    message
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(": ")))
}

fn semver_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

impl Repo {
    /// Opens `path`, or creates it seeded with the embedded templates (each as version 1.0.0).
    /// A new repository is built next to `path` and renamed into place when complete, so an
    /// interrupted first start leaves no half-seeded catalogue.
    pub fn open_or_init(path: &Path, meta: CatalogMeta) -> anyhow::Result<Repo> {
        git2::opts::strict_object_creation(true);
        let repo = Repo {
            path: path.to_path_buf(),
            meta,
            index: index::Index::default(),
        };
        if path.exists() {
            repo.configure(&repo.open()?)?;
            repo.repair_tags()?;
            return Ok(repo);
        }
        let parent = path
            .parent()
            .ok_or_else(|| anyhow::anyhow!("catalogue path has no parent"))?;
        fsutil::ensure_dir(parent)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for e in std::fs::read_dir(parent)?.flatten() {
            if e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{name}.tmp-"))
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let tmp = parent.join(format!("{name}.tmp-{}", fsutil::random_hex(4)));
        let building = Repo {
            path: tmp.clone(),
            meta: repo.meta.clone(),
            index: index::Index::default(),
        };
        let git = Repository::init_opts(
            &tmp,
            RepositoryInitOptions::new().bare(true).initial_head("main"),
        )?;
        building.configure(&git)?;
        building.initial_commit(&git)?;
        drop(git);
        building.seed();
        std::fs::rename(&tmp, path)?;
        fsutil::sync_dir(parent)?;
        Ok(repo)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens an existing repository (bare or a clone) for reading, as `fachwerk diff --repo`
    /// does; unlike `open_or_init` it never writes.
    pub fn open_existing(path: &Path) -> anyhow::Result<Repo> {
        Repository::open(path).map_err(|e| {
            anyhow::anyhow!(
                "{} is not a git repository: {}",
                path.display(),
                e.message()
            )
        })?;
        Ok(Repo {
            path: path.to_path_buf(),
            meta: CatalogMeta::default(),
            index: index::Index::default(),
        })
    }

    fn open(&self) -> Result<Repository, git2::Error> {
        Repository::open(&self.path)
    }

    fn configure(&self, git: &Repository) -> anyhow::Result<()> {
        let mut cfg = git.config()?;
        // libgit2 then fsyncs objects and refs, so a publish survives a power cut.
        cfg.set_bool("core.fsyncObjectFiles", true)?;
        Ok(())
    }

    fn initial_commit(&self, git: &Repository) -> anyhow::Result<()> {
        let now = fsutil::unix_now();
        let date = fsutil::date(now);
        let root = write_files(
            git,
            None,
            &[
                (
                    "publiccode.yml",
                    Some(render::publiccode(&self.meta, &[], &date)),
                ),
                ("README.md", Some(render::catalogue_readme(&self.meta, &[]))),
            ],
        )?;
        let tree = git.find_tree(root)?;
        let sig = ident(SYSTEM_NAME, now)?;
        let commit = git.commit(None, &sig, &sig, "Katalog angelegt\n", &tree, &[])?;
        git.reference(MAIN, commit, false, "Katalog angelegt")?;
        Ok(())
    }

    fn seed(&self) {
        let mut count = 0;
        for w in seed_workflows() {
            let changes = vec!["Erste veröffentlichte Fassung (Vorlage aus Fachwerk).".to_string()];
            let p = Publish {
                workflow: &w,
                base_version: None,
                requester: SYSTEM_NAME,
                approver: SYSTEM_NAME,
                note: "Vorlage aus dem Lieferumfang von Fachwerk.",
                changes: &changes,
                publication_id: None,
            };
            match self.publish(&p) {
                Ok(_) => count += 1,
                Err(e) => tracing::warn!(key = %w.key, error = %e, "template skipped"),
            }
        }
        tracing::info!(count, "catalogue seeded with templates");
    }

    /// Re-creates tags that a crash between moving `main` and writing the tag left out.
    fn repair_tags(&self) -> anyhow::Result<()> {
        let git = self.open()?;
        let refs_lock = lock::lock_refs(&self.path)?;
        for oid in first_parent_history(&git)? {
            let commit = git.find_commit(oid)?;
            let message = commit.message().unwrap_or_default().to_string();
            let (Some(key), Some(version)) = (
                trailer(&message, "Fachwerk-Ablauf"),
                trailer(&message, "Fachwerk-Version"),
            ) else {
                continue;
            };
            let tag = format!("{key}/v{version}");
            if git.find_reference(&format!("refs/tags/{tag}")).is_err() {
                tracing::warn!(%tag, "re-creating a tag lost in an interrupted publish");
                refs_lock.clear_stale(&self.path, &format!("refs/tags/{tag}"))?;
                let tag_oid = git.tag_annotation_create(
                    &tag,
                    commit.as_object(),
                    &commit.committer(),
                    &message,
                )?;
                git.reference(
                    &format!("refs/tags/{tag}"),
                    tag_oid,
                    false,
                    "Fachwerk: Tag wiederhergestellt",
                )?;
            }
        }
        Ok(())
    }

    /// Current tip of `main`.
    pub fn head(&self) -> Result<Option<String>, RepoError> {
        let git = self.open()?;
        let head = main_commit(&git)?.map(|c| c.id().to_string());
        Ok(head)
    }

    /// All published workflows (latest versions), sorted by key.
    pub fn list(&self) -> Result<Vec<Entry>, RepoError> {
        let git = self.open()?;
        let Some(commit) = main_commit(&git)? else {
            return Ok(Vec::new());
        };
        let tree = commit.tree()?;
        let list = self.index.entries(&git, Some(&tree))?;
        Ok(list)
    }

    /// The latest published `workflow.json` of `key`.
    pub fn latest(&self, key: &str) -> Result<Option<String>, RepoError> {
        let git = self.open()?;
        let Some(commit) = main_commit(&git)? else {
            return Ok(None);
        };
        let tree = commit.tree()?;
        let text = read_text(&git, &tree, &format!("workflows/{key}/workflow.json"))?;
        Ok(text)
    }

    /// The publication request a tagged version was published for (the commit trailer
    /// `Fachwerk-Antrag`), with where it is: one tag lookup, for the check before an approval.
    pub fn request_of_tag(
        &self,
        key: &str,
        version: &str,
    ) -> Result<Option<(String, Published)>, RepoError> {
        let git = self.open()?;
        let tag = format!("{key}/v{version}");
        let commit = match git.find_reference(&format!("refs/tags/{tag}")) {
            Ok(r) => r.peel_to_commit()?,
            Err(e) if e.code() == ErrorCode::NotFound || e.code() == ErrorCode::InvalidSpec => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let message = commit.message().unwrap_or_default();
        Ok(trailer(message, "Fachwerk-Antrag").map(|id| {
            let published = Published {
                version: version.into(),
                commit: commit.id().to_string(),
                tag,
            };
            (id.to_string(), published)
        }))
    }

    /// `workflow.json` of `key` as tagged for `version`.
    pub fn version(&self, key: &str, version: &str) -> Result<Option<String>, RepoError> {
        let git = self.open()?;
        let commit = match git.find_reference(&format!("refs/tags/{key}/v{version}")) {
            Ok(r) => r.peel_to_commit()?,
            Err(e) if e.code() == ErrorCode::NotFound || e.code() == ErrorCode::InvalidSpec => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let tree = commit.tree()?;
        let text = read_text(&git, &tree, &format!("workflows/{key}/workflow.json"))?;
        Ok(text)
    }

    /// The version history of `key`, oldest first.
    pub fn versions(&self, key: &str) -> Result<Vec<VersionInfo>, RepoError> {
        let git = self.open()?;
        let prefix = format!("refs/tags/{key}/v");
        let mut out = Vec::new();
        for r in git.references_glob(&format!("{prefix}*"))? {
            let r = r?;
            let Some(version) = r
                .name()
                .ok()
                .and_then(|n| n.strip_prefix(&prefix))
                .map(String::from)
            else {
                continue;
            };
            let commit = r.peel_to_commit()?;
            let message = match r.peel(ObjectType::Tag).ok().and_then(|o| o.into_tag().ok()) {
                Some(tag) => tag.message().ok().flatten().unwrap_or_default().to_string(),
                None => commit.message().unwrap_or_default().to_string(),
            };
            out.push(VersionInfo {
                tag: format!("{key}/v{version}"),
                version,
                author: commit.author().name().unwrap_or_default().to_string(),
                approver: commit.committer().name().unwrap_or_default().to_string(),
                date: fsutil::rfc3339(commit.time().seconds()),
                note: note_of(&message),
                commit: commit.id().to_string(),
            });
        }
        out.sort_by_key(|v| semver_key(&v.version));
        Ok(out)
    }

    /// Publication request id → published version, from the commit trailers on `main`.
    pub fn published_requests(&self) -> Result<HashMap<String, Published>, RepoError> {
        let git = self.open()?;
        let mut out = HashMap::new();
        for oid in first_parent_history(&git)? {
            let commit = git.find_commit(oid)?;
            let message = commit.message().unwrap_or_default();
            if let (Some(id), Some(key), Some(version)) = (
                trailer(message, "Fachwerk-Antrag"),
                trailer(message, "Fachwerk-Ablauf"),
                trailer(message, "Fachwerk-Version"),
            ) {
                let p = Published {
                    version: version.into(),
                    commit: oid.to_string(),
                    tag: format!("{key}/v{version}"),
                };
                out.insert(id.to_string(), p);
            }
        }
        Ok(out)
    }

    /// Publishes one version: one commit on `main` and an annotated tag, as planned by
    /// [`plan::plan`] from the catalogue on `main`. Fails with [`RepoError::Outdated`] if the
    /// latest version of the workflow is not `base_version` or the tag exists, and with
    /// [`RepoError::Conflict`] if `main` moved meanwhile.
    pub fn publish(&self, p: &Publish<'_>) -> Result<Published, RepoError> {
        let git = self.open()?;
        let head = main_commit(&git)?;
        let base_tree = head.as_ref().map(|c| c.tree()).transpose()?;
        let state = self.catalogue_state(&git, base_tree.as_ref(), p.workflow)?;
        let now = fsutil::unix_now();
        let plan = plan::plan(&self.meta, p, &state, &fsutil::date(now))?;

        let files: Vec<(&str, Option<String>)> = plan
            .files
            .iter()
            .map(|(p, c)| (p.as_str(), c.clone()))
            .collect();
        let tree = git.find_tree(write_files(&git, base_tree.as_ref(), &files)?)?;
        let (author, committer) = (ident(&plan.requester, now)?, ident(&plan.approver, now)?);
        let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
        let commit = git.commit(None, &author, &committer, &plan.message, &tree, &parents)?;
        let tag_oid = git.tag_annotation_create(
            &plan.tag,
            &git.find_object(commit, Some(ObjectType::Commit))?,
            &committer,
            &plan.message,
        )?;

        let reflog = format!("Fachwerk: {} veröffentlicht", plan.tag);
        let tag_ref = format!("refs/tags/{}", plan.tag);
        let refs_lock = lock::lock_refs(&self.path).map_err(anyhow::Error::from)?;
        for r in [MAIN, tag_ref.as_str()] {
            refs_lock
                .clear_stale(&self.path, r)
                .map_err(anyhow::Error::from)?;
        }
        let moved = match &head {
            Some(h) => git.reference_matching(MAIN, commit, true, h.id(), &reflog),
            None => git.reference(MAIN, commit, false, &reflog),
        };
        if let Err(e) = moved {
            return Err(match e.code() {
                ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked => RepoError::Conflict(
                    "Der Katalog wurde gleichzeitig geändert; bitte erneut versuchen.".into(),
                ),
                _ => e.into(),
            });
        }
        // `main` has moved; a crash before the next line is repaired at the next start.
        git.reference(&tag_ref, tag_oid, false, &reflog)?;
        drop(refs_lock);
        Ok(Published {
            version: plan.version,
            commit: commit.to_string(),
            tag: plan.tag,
        })
    }

    /// What publishing `w` reads from the tree of `main` (`None`: empty repository): the
    /// workflow's files and the catalogue's list (from the index, not by reading every entry).
    fn catalogue_state(
        &self,
        git: &Repository,
        tree: Option<&git2::Tree<'_>>,
        w: &Workflow,
    ) -> Result<CatalogueState, RepoError> {
        let tag_ref = format!("refs/tags/{}", plan::tag_name(&w.key, &w.version));
        let tag_exists = git.find_reference(&tag_ref).is_ok();
        let Some(tree) = tree else {
            return Ok(CatalogueState {
                tag_exists,
                ..CatalogueState::default()
            });
        };
        let dir = format!("workflows/{}", w.key);
        let current_version = read_text(git, tree, &format!("{dir}/workflow.json"))?
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|v| v["version"].as_str().map(String::from));
        Ok(CatalogueState {
            current_version,
            tag_exists,
            workflow_changelog: read_text(git, tree, &format!("{dir}/CHANGELOG.md"))?,
            catalogue_changelog: read_text(git, tree, "CHANGELOG.md")?,
            entries: self.index.entries(git, Some(tree))?,
            form_files: tree::file_names(git, tree, &format!("{dir}/forms"))?,
        })
    }
}

/// BPMN 2.0 (with diagram) of a workflow for `workflow.bpmn`.
pub fn bpmn_for(w: &Workflow) -> Option<String> {
    Some(fachwerk_shared::bpmn::to_bpmn(w))
}

/// Workflow keys are folder and tag names; the rule is validation's (`E_KEY_FORMAT`).
pub fn valid_key(key: &str) -> bool {
    fachwerk_shared::validate::key::is_valid_key(key)
}
