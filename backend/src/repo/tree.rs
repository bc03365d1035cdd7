//! Low-level reading and writing of trees and history (git2).

use std::collections::BTreeMap;
use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository, Tree};

use super::MAIN;

pub(super) fn main_commit(git: &Repository) -> Result<Option<git2::Commit<'_>>, git2::Error> {
    match git.find_reference(MAIN) {
        Ok(r) => r.peel_to_commit().map(Some),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) fn first_parent_history(git: &Repository) -> Result<Vec<Oid>, git2::Error> {
    let mut out = Vec::new();
    let mut next = main_commit(git)?;
    while let Some(c) = next {
        out.push(c.id());
        next = c.parents().next();
    }
    Ok(out)
}

pub(super) fn read_text(
    git: &Repository,
    tree: &Tree<'_>,
    path: &str,
) -> Result<Option<String>, git2::Error> {
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let blob = git.find_blob(entry.id())?;
    Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
}

/// Names of the files in the folder `path` (empty if there is none).
pub(super) fn file_names(
    git: &Repository,
    tree: &Tree<'_>,
    path: &str,
) -> Result<Vec<String>, git2::Error> {
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) if e.kind() == Some(ObjectType::Tree) => e,
        Ok(_) => return Ok(Vec::new()),
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(git
        .find_tree(entry.id())?
        .iter()
        .filter(|e| e.kind() == Some(ObjectType::Blob))
        .filter_map(|e| e.name().ok().map(str::to_string))
        .collect())
}

fn subtree<'r>(
    git: &'r Repository,
    tree: Option<&Tree<'_>>,
    name: &str,
) -> Result<Option<Tree<'r>>, git2::Error> {
    match tree.and_then(|t| t.get_name(name)) {
        Some(e) if e.kind() == Some(ObjectType::Tree) => git.find_tree(e.id()).map(Some),
        _ => Ok(None),
    }
}

/// Changes below one folder: file name → new blob (`None` removes), folder name → changes.
#[derive(Default)]
struct Changes<'p> {
    files: BTreeMap<&'p str, Option<Oid>>,
    folders: BTreeMap<&'p str, Changes<'p>>,
}

/// Writes `files` (path → content; `None` removes) on top of `base`; returns the new root tree.
/// Only the folders on the changed paths are rewritten, each once (a catalogue's `workflows/`
/// folder with a thousand entries is written once per publish, not once per file); the result
/// is the tree that writing the files one by one would give.
pub(super) fn write_files(
    git: &Repository,
    base: Option<&Tree<'_>>,
    files: &[(&str, Option<String>)],
) -> Result<Oid, git2::Error> {
    let mut changes = Changes::default();
    for (path, content) in files {
        let blob = content
            .as_ref()
            .map(|c| git.blob(c.as_bytes()))
            .transpose()?;
        let mut parts: Vec<&str> = path.split('/').collect();
        let Some(name) = parts.pop() else { continue };
        let mut folder = &mut changes;
        for part in parts {
            folder = folder.folders.entry(part).or_default();
        }
        folder.files.insert(name, blob);
    }
    write_folder(git, base, &changes)
}

fn write_folder(
    git: &Repository,
    tree: Option<&Tree<'_>>,
    changes: &Changes<'_>,
) -> Result<Oid, git2::Error> {
    let mut builder = git.treebuilder(tree)?;
    for (name, blob) in &changes.files {
        match blob {
            Some(b) => {
                builder.insert(name, *b, 0o100_644)?;
            }
            None => {
                if builder.get(name)?.is_some() {
                    builder.remove(name)?;
                }
            }
        }
    }
    for (name, sub_changes) in &changes.folders {
        let sub = subtree(git, tree, name)?;
        let id = write_folder(git, sub.as_ref(), sub_changes)?;
        if git.find_tree(id)?.is_empty() {
            if builder.get(name)?.is_some() {
                builder.remove(name)?;
            }
        } else {
            builder.insert(name, id, 0o040_000)?;
        }
    }
    builder.write()
}
