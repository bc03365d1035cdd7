//! Low-level reading and writing of trees and history (git2).

use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository, Tree};

use super::{Entry, MAIN};

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

pub(super) fn entries(git: &Repository, root: &Tree<'_>) -> Result<Vec<Entry>, git2::Error> {
    let Some(workflows) = subtree(git, Some(root), "workflows")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for e in workflows.iter() {
        let Ok(key) = e.name().map(String::from) else {
            continue;
        };
        let Some(text) = read_text(git, &workflows, &format!("{key}/workflow.json"))? else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        out.push(Entry {
            key,
            name: s("name"),
            version: s("version"),
            description: s("description"),
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
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

/// Writes `files` (path → content; `None` removes) on top of `base`; returns the new root tree.
pub(super) fn write_files(
    git: &Repository,
    base: Option<&Tree<'_>>,
    files: &[(&str, Option<String>)],
) -> Result<Oid, git2::Error> {
    let mut root = base.map(|t| t.id());
    for (path, content) in files {
        let blob = content
            .as_ref()
            .map(|c| git.blob(c.as_bytes()))
            .transpose()?;
        let parts: Vec<&str> = path.split('/').collect();
        let tree = root.map(|id| git.find_tree(id)).transpose()?;
        root = Some(edit(git, tree.as_ref(), &parts, blob)?);
    }
    match root {
        Some(r) => Ok(r),
        None => git.treebuilder(None)?.write(),
    }
}

fn edit(
    git: &Repository,
    tree: Option<&Tree<'_>>,
    path: &[&str],
    blob: Option<Oid>,
) -> Result<Oid, git2::Error> {
    let mut builder = git.treebuilder(tree)?;
    match path {
        [] => {}
        [name] => match blob {
            Some(b) => {
                builder.insert(name, b, 0o100_644)?;
            }
            None => {
                if builder.get(name)?.is_some() {
                    builder.remove(name)?;
                }
            }
        },
        [name, rest @ ..] => {
            let sub = subtree(git, tree, name)?;
            let id = edit(git, sub.as_ref(), rest, blob)?;
            if git.find_tree(id)?.is_empty() {
                if builder.get(name)?.is_some() {
                    builder.remove(name)?;
                }
            } else {
                builder.insert(name, id, 0o040_000)?;
            }
        }
    }
    builder.write()
}
