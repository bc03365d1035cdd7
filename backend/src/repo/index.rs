//! The catalogue's list of published workflows (key, name, version, description), kept in
//! memory and brought up to date incrementally, so that publishing and listing do not re-read
//! every `workflow.json` of the catalogue.
//!
//! The list is remembered together with the id of the `workflows/` tree it describes and,
//! per workflow, the id of its folder. A later tree (after a publish by this or another
//! process) is compared folder id by folder id; only the `workflow.json` of folders whose id
//! changed is read. Git trees are content-addressed, so an unchanged folder id means an
//! unchanged `workflow.json`, and the list equals a full re-read of the tree.

use std::collections::BTreeMap;
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository, Tree};

use super::Entry;

#[derive(Default)]
pub(super) struct Index {
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    /// Id of the `workflows/` tree the list describes.
    tree: Oid,
    /// Key → (id of the folder `workflows/<key>`, its entry; `None`: no readable workflow).
    folders: BTreeMap<String, (Oid, Option<Entry>)>,
}

impl Cached {
    fn entries(&self) -> Vec<Entry> {
        // BTreeMap order is the key order the catalogue files list.
        self.folders
            .values()
            .filter_map(|(_, e)| e.clone())
            .collect()
    }
}

impl Index {
    /// Every published workflow in `root` (the tree of a commit on `main`), sorted by key.
    pub(super) fn entries(
        &self,
        git: &Repository,
        root: Option<&Tree<'_>>,
    ) -> Result<Vec<Entry>, git2::Error> {
        let workflows = match root.and_then(|t| t.get_name("workflows")) {
            Some(e) if e.kind() == Some(ObjectType::Tree) => git.find_tree(e.id())?,
            _ => return Ok(Vec::new()),
        };
        let mut cached = self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = cached.as_ref().filter(|c| c.tree == workflows.id()) {
            return Ok(c.entries());
        }
        let mut previous = cached.take().map(|c| c.folders).unwrap_or_default();
        let mut folders = BTreeMap::new();
        for e in workflows.iter() {
            let (Ok(key), Some(ObjectType::Tree)) = (e.name(), e.kind()) else {
                continue;
            };
            let known = previous.remove(key).filter(|(id, _)| *id == e.id());
            let entry = match known {
                Some((_, entry)) => entry,
                None => entry_of(git, key, &git.find_tree(e.id())?)?,
            };
            folders.insert(key.to_string(), (e.id(), entry));
        }
        let c = Cached {
            tree: workflows.id(),
            folders,
        };
        let out = c.entries();
        *cached = Some(c);
        Ok(out)
    }
}

/// The catalogue entry of the folder `workflows/<key>` (`None`: no parseable `workflow.json`).
fn entry_of(git: &Repository, key: &str, folder: &Tree<'_>) -> Result<Option<Entry>, git2::Error> {
    let Some(file) = folder.get_name("workflow.json") else {
        return Ok(None);
    };
    if file.kind() != Some(ObjectType::Blob) {
        return Ok(None);
    }
    let blob = git.find_blob(file.id())?;
    let text = String::from_utf8_lossy(blob.content());
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(None);
    };
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Ok(Some(Entry {
        key: key.to_string(),
        name: s("name"),
        version: s("version"),
        description: s("description"),
    }))
}
