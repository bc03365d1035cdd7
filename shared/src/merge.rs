//! Three-way merge of workflow versions: a municipality's local adaptation (`ours`) and the
//! upstream template's new version (`theirs`), both derived from the imported `base`.
//!
//! The merge works on the canonical JSON: lists of things with stable ids (blocks, edges,
//! roles, fields, bands, rules) are matched by id, objects key by key, everything else is an
//! atomic value. A value changed on only one side takes that side's value; the same value
//! changed differently on both sides is a conflict, which keeps `ours` until resolved.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::canonical::ParseError;
use crate::model::Workflow;

/// One step of a path into the canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathSeg {
    /// Object key.
    Key(String),
    /// Item of an id-keyed list, by its id.
    Id { id: String },
}

/// Which side wins a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Ours,
    Theirs,
}

/// The same value changed differently on both sides. `None` values mean "absent/removed".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub path: Vec<PathSeg>,
    /// Readable form of `path`, e.g. `blocks[wg].params.bands[mittel].upper`.
    pub location: String,
    pub base: Option<Value>,
    pub ours: Option<Value>,
    pub theirs: Option<Value>,
}

/// Result of a merge: the merged workflow (conflicts resolved as `ours`) and the conflicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub workflow: Workflow,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("the merged document is not a workflow: {0}")]
    NotAWorkflow(#[from] ParseError),
    #[error("conflict index {0} out of range")]
    NoSuchConflict(usize),
}

/// Merges `ours` and `theirs`, both based on `base`.
pub fn merge(base: &Workflow, ours: &Workflow, theirs: &Workflow) -> Result<Merged, MergeError> {
    let (b, o, t) = (to_value(base), to_value(ours), to_value(theirs));
    let mut conflicts = Vec::new();
    let mut path = Vec::new();
    let mut merged =
        merge_value(Some(&b), Some(&o), Some(&t), &mut path, &mut conflicts).unwrap_or(Value::Null);
    // `nextId` and `version` are bookkeeping, set below; they never conflict.
    conflicts.retain(|c: &Conflict| {
        !matches!(c.path.as_slice(), [PathSeg::Key(k)] if k == "nextId" || k == "version")
    });
    // Ids are never reused: the counter must cover both sides.
    if let Some(obj) = merged.as_object_mut() {
        obj.insert(
            "nextId".into(),
            Value::from(ours.next_id.max(theirs.next_id)),
        );
        obj.insert("version".into(), Value::from(ours.version.clone()));
    }
    let workflow = from_value(&merged)?;
    Ok(Merged {
        workflow,
        conflicts,
    })
}

/// Resolves conflicts: for each `(conflict index, side)` the chosen side's value replaces the
/// merged one. Returns the resolved workflow.
pub fn resolve(merged: &Merged, choices: &[(usize, Side)]) -> Result<Workflow, MergeError> {
    let mut doc = to_value(&merged.workflow);
    for &(i, side) in choices {
        let c = merged
            .conflicts
            .get(i)
            .ok_or(MergeError::NoSuchConflict(i))?;
        let value = match side {
            Side::Ours => c.ours.clone(),
            Side::Theirs => c.theirs.clone(),
        };
        set_at(&mut doc, &c.path, value);
    }
    Ok(from_value(&doc)?)
}

fn to_value(w: &Workflow) -> Value {
    serde_json::to_value(w).unwrap_or(Value::Null)
}

fn from_value(v: &Value) -> Result<Workflow, ParseError> {
    crate::canonical::parse_workflow(&v.to_string())
}

/// The key that identifies items of a list at `path`, if the list is id-keyed.
fn list_key(path: &[PathSeg]) -> Option<&'static str> {
    match path.last() {
        Some(PathSeg::Key(k)) => match k.as_str() {
            "blocks" | "edges" | "roles" | "bands" | "rules" => Some("id"),
            "fields" => Some("name"),
            _ => None,
        },
        _ => None,
    }
}

fn location(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Id { id } => {
                s.push('[');
                s.push_str(id);
                s.push(']');
            }
        }
    }
    s
}

fn merge_value(
    base: Option<&Value>,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    path: &mut Vec<PathSeg>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Value> {
    if ours == theirs {
        return ours.cloned();
    }
    if ours == base {
        return theirs.cloned();
    }
    if theirs == base {
        return ours.cloned();
    }
    // A block's rect or an edge's waypoints move as a whole; ours wins if both moved.
    if matches!(path.first(), Some(PathSeg::Key(k)) if k == "layout") && path.len() >= 3 {
        return ours.cloned();
    }
    match (base, ours, theirs) {
        (b, Some(Value::Object(o)), Some(Value::Object(t))) => {
            let empty = Map::new();
            let b = b.and_then(Value::as_object).unwrap_or(&empty);
            Some(Value::Object(merge_object(b, o, t, path, conflicts)))
        }
        (b, Some(Value::Array(o)), Some(Value::Array(t))) if list_key(path).is_some() => {
            let key = list_key(path).unwrap_or("id");
            let empty = Vec::new();
            let b = b.and_then(Value::as_array).unwrap_or(&empty);
            Some(Value::Array(merge_keyed(key, b, o, t, path, conflicts)))
        }
        _ => {
            conflicts.push(Conflict {
                path: path.clone(),
                location: location(path),
                base: base.cloned(),
                ours: ours.cloned(),
                theirs: theirs.cloned(),
            });
            ours.cloned()
        }
    }
}

fn merge_object(
    b: &Map<String, Value>,
    o: &Map<String, Value>,
    t: &Map<String, Value>,
    path: &mut Vec<PathSeg>,
    conflicts: &mut Vec<Conflict>,
) -> Map<String, Value> {
    let mut out = Map::new();
    // Ours' key order first, then keys only theirs has.
    let keys: Vec<&String> = o
        .keys()
        .chain(t.keys().filter(|k| !o.contains_key(*k)))
        .collect();
    for k in keys {
        path.push(PathSeg::Key(k.clone()));
        if let Some(v) = merge_value(b.get(k), o.get(k), t.get(k), path, conflicts) {
            out.insert(k.clone(), v);
        }
        path.pop();
    }
    out
}

fn item_key<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn merge_keyed(
    key: &str,
    b: &[Value],
    o: &[Value],
    t: &[Value],
    path: &mut Vec<PathSeg>,
    conflicts: &mut Vec<Conflict>,
) -> Vec<Value> {
    let find =
        |list: &'_ [Value], id: &str| list.iter().find(|v| item_key(v, key) == Some(id)).cloned();
    // Order: ours, with items only theirs has inserted after their predecessor in theirs.
    let mut order: Vec<String> = o
        .iter()
        .filter_map(|v| item_key(v, key).map(str::to_string))
        .collect();
    let mut prev: Option<String> = None;
    for v in t {
        let Some(id) = item_key(v, key) else { continue };
        if !order.iter().any(|x| x == id) && find(b, id).is_none() {
            let at = prev
                .as_ref()
                .and_then(|p| order.iter().position(|x| x == p))
                .map_or(order.len(), |i| i + 1);
            order.insert(at, id.to_string());
        }
        prev = Some(id.to_string());
    }
    // Items removed on one side only are candidates too (merge_value decides).
    for v in b {
        if let Some(id) = item_key(v, key) {
            if !order.iter().any(|x| x == id) {
                order.push(id.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for id in order {
        path.push(PathSeg::Id { id: id.clone() });
        let merged = merge_value(
            find(b, &id).as_ref(),
            find(o, &id).as_ref(),
            find(t, &id).as_ref(),
            path,
            conflicts,
        );
        path.pop();
        if let Some(v) = merged {
            out.push(v);
        }
    }
    out
}

fn set_at(doc: &mut Value, path: &[PathSeg], value: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        if let Some(v) = value {
            *doc = v;
        }
        return;
    };
    let mut cur = doc;
    for (i, seg) in parents.iter().enumerate() {
        let next = match seg {
            PathSeg::Key(k) => cur.as_object_mut().and_then(|o| o.get_mut(k)),
            PathSeg::Id { id } => {
                let key = list_key(&path[..i]).unwrap_or("id");
                cur.as_array_mut()
                    .and_then(|a| a.iter_mut().find(|v| item_key(v, key) == Some(id)))
            }
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last {
        PathSeg::Key(k) => {
            if let Some(o) = cur.as_object_mut() {
                match value {
                    Some(v) => {
                        o.insert(k.clone(), v);
                    }
                    None => {
                        o.remove(k);
                    }
                }
            }
        }
        PathSeg::Id { id } => {
            let key = list_key(parents).unwrap_or("id");
            if let Some(a) = cur.as_array_mut() {
                let pos = a.iter().position(|v| item_key(v, key) == Some(id));
                match (pos, value) {
                    (Some(p), Some(v)) => a[p] = v,
                    (Some(p), None) => {
                        a.remove(p);
                    }
                    (None, Some(v)) => a.push(v),
                    (None, None) => {}
                }
            }
        }
    }
}
