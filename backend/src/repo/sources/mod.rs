//! Template sources on the git side: fetching another authority's catalogue into a bare
//! mirror (`fetch`) and reading templates and their versions from it (here). The same reading
//! code serves the own `catalog.git`, which has the same layout.
//!
//! Layout of a source (Open CoDE style): `publiccode.yml` at the root of the default branch,
//! one folder per workflow `workflows/<key>/workflow.json` (a flat `workflows/<key>.json` is
//! accepted too), versions as tags `<key>/v<x.y.z>`. A template without tags has one version:
//! the `version` of its `workflow.json` on the default branch.

use std::path::Path;

pub use fachwerk_shared::api::{FetchErrorKind, Progress};
use git2::{ObjectType, Repository, Tree};

use super::tree::read_text;
use super::valid_key;

mod fetch;

pub use fetch::{fetch, fetch_pinned, Transport};

/// A fetch or read failure with a German explanation.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message_de}")]
pub struct FetchError {
    pub kind: FetchErrorKind,
    pub message_de: String,
}

impl FetchError {
    pub fn new(kind: FetchErrorKind, message_de: impl Into<String>) -> FetchError {
        FetchError {
            kind,
            message_de: message_de.into(),
        }
    }

    fn other(e: impl std::fmt::Display) -> FetchError {
        FetchError::new(
            FetchErrorKind::Other,
            format!("Der Abruf ist fehlgeschlagen: {e}"),
        )
    }
}

impl From<git2::Error> for FetchError {
    fn from(e: git2::Error) -> Self {
        FetchError::other(format!("git: {}", e.message()))
    }
}

/// One version of a template as stored in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVersion {
    pub version: String,
    pub commit: String,
    /// The `workflow.json` text.
    pub text: String,
}

/// A template found on the default branch, with its versions.
#[derive(Debug, Clone)]
pub struct MirrorTemplate {
    /// Folder name under `workflows/` (not yet checked).
    pub key: String,
    /// Tagged versions, oldest first (empty: untagged).
    pub versions: Vec<String>,
    /// The latest version, or why it cannot be read.
    pub latest: Result<TemplateVersion, String>,
}

/// What a source's default branch holds.
#[derive(Debug, Clone)]
pub struct MirrorCatalogue {
    pub commit: String,
    pub publiccode: String,
    pub templates: Vec<MirrorTemplate>,
}

/// "1.10.0" → [1, 10, 0]; `None` unless x.y.z with numbers.
fn semver(v: &str) -> Option<[u64; 3]> {
    let mut it = v.split('.').map(|p| p.parse::<u64>().ok());
    let out = [it.next()??, it.next()??, it.next()??];
    it.next().is_none().then_some(out)
}

/// Whether version `a` is newer than `b` (x.y.z; anything else is never newer).
pub fn is_newer(a: &str, b: &str) -> bool {
    match (semver(a), semver(b)) {
        (Some(a), Some(b)) => a > b,
        _ => false,
    }
}

fn head_tree(git: &Repository) -> Result<(git2::Commit<'_>, Tree<'_>), FetchError> {
    let commit = git.head().and_then(|h| h.peel_to_commit()).map_err(|_| {
        FetchError::new(
            FetchErrorKind::Empty,
            "Das Repository ist leer: Es hat keinen Hauptzweig mit Commits.",
        )
    })?;
    let tree = commit.tree()?;
    Ok((commit, tree))
}

/// The text of a template's workflow in `tree`: `workflows/<key>/workflow.json` or
/// `workflows/<key>.json`.
fn workflow_text(
    git: &Repository,
    tree: &Tree<'_>,
    key: &str,
) -> Result<Option<String>, git2::Error> {
    match read_text(git, tree, &format!("workflows/{key}/workflow.json"))? {
        Some(t) => Ok(Some(t)),
        None => read_text(git, tree, &format!("workflows/{key}.json")),
    }
}

/// Template keys on a tree: folders with a `workflow.json` and flat `*.json` files.
fn template_keys(git: &Repository, tree: &Tree<'_>) -> Result<Vec<String>, git2::Error> {
    let Some(entry) = tree.get_name("workflows") else {
        return Ok(Vec::new());
    };
    if entry.kind() != Some(ObjectType::Tree) {
        return Ok(Vec::new());
    }
    let workflows = git.find_tree(entry.id())?;
    let mut keys = Vec::new();
    for e in workflows.iter() {
        let Ok(name) = e.name() else { continue };
        match e.kind() {
            Some(ObjectType::Tree) => {
                let sub = git.find_tree(e.id())?;
                if sub.get_name("workflow.json").is_some() {
                    keys.push(name.to_string());
                }
            }
            Some(ObjectType::Blob) => {
                if let Some(stem) = name.strip_suffix(".json") {
                    keys.push(stem.to_string());
                }
            }
            _ => {}
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Tagged versions of `key` (x.y.z only) with their commits, oldest first.
fn tagged_versions(git: &Repository, key: &str) -> Result<Vec<(String, git2::Oid)>, git2::Error> {
    let prefix = format!("refs/tags/{key}/v");
    let mut out = Vec::new();
    for r in git.references_glob(&format!("{prefix}*"))? {
        let r = r?;
        let Some(version) = r.name().ok().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if semver(version).is_none() {
            continue;
        }
        let version = version.to_string();
        if let Ok(c) = r.peel_to_commit() {
            out.push((version, c.id()));
        }
    }
    out.sort_by_key(|(v, _)| semver(v));
    Ok(out)
}

/// The untagged version on the default branch: the `version` field of its `workflow.json`.
fn head_version(
    git: &Repository,
    commit: &git2::Commit<'_>,
    tree: &Tree<'_>,
    key: &str,
) -> Result<Option<TemplateVersion>, git2::Error> {
    let Some(text) = workflow_text(git, tree, key)? else {
        return Ok(None);
    };
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["version"].as_str().map(String::from))
        .unwrap_or_default();
    Ok(Some(TemplateVersion {
        version,
        commit: commit.id().to_string(),
        text,
    }))
}

fn version_at(
    git: &Repository,
    key: &str,
    version: &str,
    oid: git2::Oid,
) -> Result<Option<TemplateVersion>, git2::Error> {
    let commit = git.find_commit(oid)?;
    let tree = commit.tree()?;
    Ok(workflow_text(git, &tree, key)?.map(|text| TemplateVersion {
        version: version.to_string(),
        commit: oid.to_string(),
        text,
    }))
}

/// Reads the catalogue on the default branch of a mirror: `publiccode.yml` (required) and
/// every template with its latest version.
pub fn read_catalogue(mirror: &Path) -> Result<MirrorCatalogue, FetchError> {
    let git = Repository::open(mirror)?;
    let (commit, tree) = head_tree(&git)?;
    let publiccode = match read_text(&git, &tree, "publiccode.yml")? {
        Some(t) => t,
        None => read_text(&git, &tree, "publiccode.yaml")?.ok_or_else(|| {
            FetchError::new(
                FetchErrorKind::NoPubliccode,
                "Das Repository enthält keine publiccode.yml – es ist kein Open-CoDE-Vorlagenkatalog.",
            )
        })?,
    };
    let mut templates = Vec::new();
    for key in template_keys(&git, &tree)? {
        if !valid_key(&key) {
            templates.push(MirrorTemplate {
                latest: Err(format!(
                    "Der Ordnername „{key}“ ist kein gültiger Schlüssel (erlaubt: Kleinbuchstaben, Ziffern und „-“)."
                )),
                key,
                versions: Vec::new(),
            });
            continue;
        }
        let tags = tagged_versions(&git, &key)?;
        let latest = match tags.last() {
            Some((v, oid)) => version_at(&git, &key, v, *oid)?,
            None => head_version(&git, &commit, &tree, &key)?,
        };
        templates.push(MirrorTemplate {
            versions: tags.into_iter().map(|(v, _)| v).collect(),
            latest: latest.ok_or_else(|| {
                format!("Die getaggte Version von „{key}“ enthält keine workflow.json.")
            }),
            key,
        });
    }
    Ok(MirrorCatalogue {
        commit: commit.id().to_string(),
        publiccode,
        templates,
    })
}

/// One version of `key` (`None`: the latest): the tag `<key>/v<version>`, or for an untagged
/// template the default branch if its `workflow.json` has that version.
pub fn read_version(
    mirror: &Path,
    key: &str,
    version: Option<&str>,
) -> Result<Option<TemplateVersion>, FetchError> {
    if !valid_key(key) {
        return Ok(None);
    }
    let git = Repository::open(mirror)?;
    let tags = tagged_versions(&git, key)?;
    let tagged = match version {
        Some(v) => tags.iter().find(|(t, _)| t == v),
        None => tags.last(),
    };
    if let Some((v, oid)) = tagged {
        return Ok(version_at(&git, key, v, *oid)?);
    }
    if !tags.is_empty() && version.is_none() {
        return Ok(None);
    }
    let (commit, tree) = match head_tree(&git) {
        Ok(ct) => ct,
        Err(e) if e.kind == FetchErrorKind::Empty => return Ok(None),
        Err(e) => return Err(e),
    };
    let head = head_version(&git, &commit, &tree, key)?;
    Ok(head.filter(|h| version.is_none_or(|v| v == h.version)))
}
