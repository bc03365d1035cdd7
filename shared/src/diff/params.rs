//! Parameter-level changes of one block whose type stayed the same.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::describe::{param_name, participant, show, DURATION_KEYS, MONEY_KEYS, TEXT_KEYS};
use super::names::Names;
use super::{params_json, Change, ChangeKind, Impact};
use crate::catalog;
use crate::model::{BlockKind, MitzeichnungMode};
use crate::values::Duration;

/// Lists whose items carry an `id`: matched by id, reported as added/removed/changed items.
const KEYED_LISTS: &[&str] = &["bands", "rules"];
/// Lists that are sets: order does not matter (blocks.md §4 rule 2).
const SET_LISTS: &[&str] = &["methods", "include", "distinctFrom"];
/// Parameters holding an assignee.
const ASSIGNEE_KEYS: &[&str] = &[
    "assignee",
    "firstCheck",
    "secondCheck",
    "signer",
    "escalateTo",
    "notify",
    "initiatorRole",
];

/// The changes of one block's parameters; `label` names the block in German and English.
pub(super) fn changes(
    names: &Names,
    label: (&str, &str),
    old: &BlockKind,
    new: &BlockKind,
) -> Vec<Change> {
    let (o, n) = (params_json(old), params_json(new));
    let mut out = Vec::new();
    let participants_are_set =
        matches!(new, BlockKind::Mitzeichnung(p) if p.mode == MitzeichnungMode::Parallel);
    let ctx = Ctx {
        names,
        label: label.0,
        label_en: label.1,
        participants_are_set,
    };
    if let (Value::Object(o), Value::Object(n)) = (&o, &n) {
        object(&ctx, "", o, n, &mut out);
    }
    // Ports that disappear without a list item telling (e.g. a Bescheid channel change).
    if !matches!(
        new,
        BlockKind::Wertgrenzen(_) | BlockKind::Komplexitaet(_) | BlockKind::Sachbearbeitung(_)
    ) {
        let new_ports: BTreeSet<String> = catalog::ports(new).into_iter().map(|p| p.name).collect();
        for p in catalog::ports(old) {
            if !new_ports.contains(&p.name) {
                let mut c = Change::new(
                    ChangeKind::ParamChanged,
                    Impact::Breaking,
                    format!("„{}“: Ausgang „{}“ entfällt", label.0, p.label_de),
                    format!("“{}”: exit “{}” removed", label.1, p.label_en),
                );
                c.path = Some(format!("ports.{}", p.name));
                out.push(c);
            }
        }
    }
    out
}

struct Ctx<'a> {
    names: &'a Names<'a>,
    label: &'a str,
    label_en: &'a str,
    participants_are_set: bool,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn object(
    ctx: &Ctx,
    prefix: &str,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
    out: &mut Vec<Change>,
) {
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    for key in keys {
        let (ov, nv) = (o.get(key.as_str()), n.get(key.as_str()));
        if ov == nv {
            continue;
        }
        let path = join(prefix, key);
        if ASSIGNEE_KEYS.contains(&key.as_str()) {
            out.push(leaf(
                ctx,
                ChangeKind::AssigneeChanged,
                Impact::Breaking,
                key,
                &path,
                ov,
                nv,
            ));
            continue;
        }
        match (ov, nv) {
            (Some(Value::Array(a)), Some(Value::Array(b)))
                if KEYED_LISTS.contains(&key.as_str()) =>
            {
                keyed(ctx, key, a, b, out)
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if key == "participants" => {
                participants(ctx, &path, a, b, out)
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if SET_LISTS.contains(&key.as_str()) => {
                set(ctx, key, &path, a, b, out)
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) if key == "outcomes" => {
                outcomes(ctx, a, b, out)
            }
            // Assignee-like and rule objects read as one value, not as their JSON keys.
            (Some(Value::Object(a)), Some(Value::Object(b)))
                if !matches!(key.as_str(), "decisionRule" | "recipient") =>
            {
                object(ctx, &path, a, b, out)
            }
            _ => {
                let impact = leaf_impact(key, ov, nv);
                out.push(leaf(
                    ctx,
                    ChangeKind::ParamChanged,
                    impact,
                    key,
                    &path,
                    ov,
                    nv,
                ));
            }
        }
    }
}

fn leaf_impact(key: &str, ov: Option<&Value>, nv: Option<&Value>) -> Impact {
    if TEXT_KEYS.contains(&key) {
        return Impact::Fix;
    }
    if MONEY_KEYS.contains(&key) || key == "condition" || key == "amountField" || key == "basis" {
        // Routing changes: running cases may take another way.
        return Impact::Breaking;
    }
    if DURATION_KEYS.contains(&key) {
        let secs = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .and_then(|s| Duration::new(s).parse().ok())
                .map(|p| p.approx_seconds())
        };
        return match (secs(ov), secs(nv)) {
            (Some(a), Some(b)) if b < a => Impact::Breaking,
            (Some(_), None) | (None, Some(_)) => Impact::Breaking,
            _ => Impact::Feature,
        };
    }
    if matches!(key, "mandatory" | "excludeInitiator" | "zda") && nv == Some(&Value::Bool(true)) {
        return Impact::Breaking;
    }
    Impact::Feature
}

fn leaf(
    ctx: &Ctx,
    kind: ChangeKind,
    impact: Impact,
    key: &str,
    path: &str,
    ov: Option<&Value>,
    nv: Option<&Value>,
) -> Change {
    let (name_de, name_en) = param_name(key);
    let (label, label_en) = (ctx.label, ctx.label_en);
    let (od, nd, oe, ne) = (
        show(ctx.names, key, ov, true),
        show(ctx.names, key, nv, true),
        show(ctx.names, key, ov, false),
        show(ctx.names, key, nv, false),
    );
    let (verb_de, verb_en) = direction(key, ov, nv);
    let mut c = Change::new(
        kind,
        impact,
        format!("„{label}“: {name_de} von {od} auf {nd} {verb_de}"),
        format!("“{label_en}”: {name_en} {verb_en} from {oe} to {ne}"),
    );
    c.path = Some(path.to_string());
    c.old = ov.cloned();
    c.new = nv.cloned();
    c
}

/// "angehoben"/"gesenkt" for amounts, "verlängert"/"verkürzt" for durations, else "geändert".
fn direction(key: &str, ov: Option<&Value>, nv: Option<&Value>) -> (&'static str, &'static str) {
    if MONEY_KEYS.contains(&key) {
        let m = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .and_then(|s| crate::values::Money::parse(s).ok())
        };
        return match (m(ov), m(nv)) {
            (Some(a), Some(b)) if b > a => ("angehoben", "raised"),
            (Some(a), Some(b)) if b < a => ("gesenkt", "lowered"),
            (Some(_), None) if nv == Some(&Value::Null) => ("aufgehoben", "removed"),
            _ => ("geändert", "changed"),
        };
    }
    if DURATION_KEYS.contains(&key) {
        let secs = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .and_then(|s| Duration::new(s).parse().ok())
                .map(|p| p.approx_seconds())
        };
        return match (secs(ov), secs(nv)) {
            (Some(a), Some(b)) if b > a => ("verlängert", "extended"),
            (Some(a), Some(b)) if b < a => ("verkürzt", "shortened"),
            _ => ("geändert", "changed"),
        };
    }
    ("geändert", "changed")
}

fn item_id(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

/// A band's or rule's name in German and English: its label, else a band's range or a
/// rule's condition, else its id.
fn item_name(names: &Names, v: &Value) -> (String, String) {
    let label = v.get("label").and_then(Value::as_str).unwrap_or("");
    if !label.is_empty() {
        return (label.to_string(), label.to_string());
    }
    match (v.get("lower").and_then(Value::as_str), v.get("upper")) {
        (Some(l), Some(u)) => {
            let lower = crate::values::Money::parse(l).unwrap_or_default();
            let upper = u.as_str().and_then(|s| crate::values::Money::parse(s).ok());
            catalog::band_label(lower, upper, "")
        }
        _ => {
            let name = match v.get("condition").and_then(Value::as_str) {
                Some(c) if !c.trim().is_empty() => names.expression(c),
                _ => item_id(v).unwrap_or("?").to_string(),
            };
            (name.clone(), name)
        }
    }
}

fn keyed(ctx: &Ctx, key: &str, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let (label, label_en) = (ctx.label, ctx.label_en);
    let (added_kind, removed_kind, what_de, what_en) = if key == "bands" {
        (
            ChangeKind::BandAdded,
            ChangeKind::BandRemoved,
            "Wertgrenzen-Band",
            "value band",
        )
    } else {
        (
            ChangeKind::RuleAdded,
            ChangeKind::RuleRemoved,
            "Regel",
            "rule",
        )
    };
    let b_ids: Vec<Option<&str>> = b.iter().map(item_id).collect();
    for item in a {
        if !b_ids.contains(&item_id(item)) {
            let mut c = Change::new(
                removed_kind,
                Impact::Breaking,
                format!(
                    "„{label}“: {what_de} „{}“ entfernt",
                    item_name(ctx.names, item).0
                ),
                format!(
                    "“{label_en}”: {what_en} “{}” removed",
                    item_name(ctx.names, item).1
                ),
            );
            c.path = Some(format!("{key}[{}]", item_id(item).unwrap_or("?")));
            c.old = Some(item.clone());
            out.push(c);
        }
    }
    for item in b {
        let id = item_id(item);
        match a.iter().find(|x| item_id(x) == id) {
            None => {
                let mut c = Change::new(
                    added_kind,
                    Impact::Feature,
                    format!(
                        "„{label}“: {what_de} „{}“ hinzugefügt",
                        item_name(ctx.names, item).0
                    ),
                    format!(
                        "“{label_en}”: {what_en} “{}” added",
                        item_name(ctx.names, item).1
                    ),
                );
                c.path = Some(format!("{key}[{}]", id.unwrap_or("?")));
                c.new = Some(item.clone());
                out.push(c);
            }
            Some(old) if old != item => {
                if let (Value::Object(o), Value::Object(n)) = (old, item) {
                    let prefix = format!("{key}[{}]", id.unwrap_or("?"));
                    let inner = Ctx {
                        names: ctx.names,
                        label: ctx.label,
                        label_en: ctx.label_en,
                        participants_are_set: ctx.participants_are_set,
                    };
                    let before = out.len();
                    object(&inner, &prefix, o, n, out);
                    // Name the band/rule in the sentence: "Wertgrenze (Band „bis 1.000 €“)".
                    for c in &mut out[before..] {
                        c.message_de = c.message_de.replacen(
                            ": ",
                            &format!(": {what_de} „{}“ – ", item_name(ctx.names, old).0),
                            1,
                        );
                        c.message_en = c.message_en.replacen(
                            ": ",
                            &format!(": {what_en} “{}” – ", item_name(ctx.names, old).1),
                            1,
                        );
                    }
                }
            }
            Some(_) => {}
        }
    }
    let order = |v: &[Value]| -> Vec<String> {
        v.iter()
            .filter_map(|x| item_id(x).map(str::to_string))
            .collect()
    };
    let common_a: Vec<String> = order(a)
        .into_iter()
        .filter(|id| b_ids.contains(&Some(id.as_str())))
        .collect();
    let a_ids: Vec<Option<&str>> = a.iter().map(item_id).collect();
    let common_b: Vec<String> = order(b)
        .into_iter()
        .filter(|id| a_ids.contains(&Some(id.as_str())))
        .collect();
    if common_a != common_b {
        let mut c = Change::new(
            ChangeKind::ParamChanged,
            Impact::Breaking,
            format!("„{label}“: Reihenfolge der {} geändert", param_name(key).0),
            format!("“{label_en}”: order of {} changed", param_name(key).1),
        );
        c.path = Some(key.to_string());
        out.push(c);
    }
}

fn set(ctx: &Ctx, key: &str, path: &str, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let sa: BTreeSet<String> = a.iter().map(Value::to_string).collect();
    let sb: BTreeSet<String> = b.iter().map(Value::to_string).collect();
    if sa == sb {
        return;
    }
    let removed = sa.difference(&sb).count();
    let impact = if removed > 0 && key != "distinctFrom" {
        Impact::Breaking
    } else {
        Impact::Feature
    };
    let (name_de, name_en) = param_name(key);
    let list = |v: &[Value], de: bool| show(ctx.names, key, Some(&Value::Array(v.to_vec())), de);
    let (label, label_en) = (ctx.label, ctx.label_en);
    let mut c = Change::new(
        ChangeKind::ParamChanged,
        impact,
        format!(
            "„{label}“: {name_de} von {} auf {} geändert",
            list(a, true),
            list(b, true)
        ),
        format!(
            "“{label_en}”: {name_en} changed from {} to {}",
            list(a, false),
            list(b, false)
        ),
    );
    c.path = Some(path.to_string());
    c.old = Some(Value::Array(a.to_vec()));
    c.new = Some(Value::Array(b.to_vec()));
    out.push(c);
}

fn outcomes(ctx: &Ctx, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let (label, label_en) = (ctx.label, ctx.label_en);
    let name = |v: &Value| catalog::port_label(v.as_str().unwrap_or("?"));
    for o in a.iter().filter(|o| !b.contains(o)) {
        let mut c = Change::new(
            ChangeKind::ParamChanged,
            Impact::Breaking,
            format!("„{label}“: Ausgang „{}“ entfällt", name(o).0),
            format!("“{label_en}”: exit “{}” removed", name(o).1),
        );
        c.path = Some(format!("outcomes[{}]", o.as_str().unwrap_or("?")));
        out.push(c);
    }
    for o in b.iter().filter(|o| !a.contains(o)) {
        let mut c = Change::new(
            ChangeKind::ParamChanged,
            Impact::Feature,
            format!("„{label}“: neuer Ausgang „{}“", name(o).0),
            format!("“{label_en}”: new exit “{}”", name(o).1),
        );
        c.path = Some(format!("outcomes[{}]", o.as_str().unwrap_or("?")));
        out.push(c);
    }
}

/// Mitzeichnung participants, matched by name: who was added or dropped, whose duty or
/// performer changed, and (for SEQUENTIAL co-signing, where order matters) a new order.
fn participants(ctx: &Ctx, path: &str, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let name = |v: &Value, de: bool| participant(ctx.names, v, de);
    // Each new participant takes the first unmatched old one of the same name.
    let mut matched_old: Vec<Option<usize>> = vec![None; b.len()];
    let mut taken = vec![false; a.len()];
    for (j, nv) in b.iter().enumerate() {
        if let Some(i) = (0..a.len()).find(|&i| !taken[i] && name(&a[i], true) == name(nv, true)) {
            taken[i] = true;
            matched_old[j] = Some(i);
        }
    }
    let (mut de, mut en): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut breaking = false;
    let added: Vec<&Value> = (0..b.len())
        .filter(|j| matched_old[*j].is_none())
        .map(|j| &b[j])
        .collect();
    let removed: Vec<&Value> = (0..a.len()).filter(|i| !taken[*i]).map(|i| &a[i]).collect();
    let names = |vs: &[&Value], german: bool| {
        vs.iter()
            .map(|v| name(v, german))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !added.is_empty() {
        de.push(format!(
            "Mitzeichnung durch {} hinzugekommen",
            names(&added, true)
        ));
        en.push(format!("co-signing by {} added", names(&added, false)));
    }
    if !removed.is_empty() {
        breaking = true;
        de.push(format!(
            "Mitzeichnung durch {} entfallen",
            names(&removed, true)
        ));
        en.push(format!("co-signing by {} removed", names(&removed, false)));
    }
    for (j, i) in matched_old.iter().enumerate() {
        let Some(i) = *i else { continue };
        let (o, n) = (&a[i], &b[j]);
        if o.get("mandatory") != n.get("mandatory") {
            let now = n.get("mandatory") == Some(&Value::Bool(true));
            breaking |= now;
            let (d, e) = if now {
                ("jetzt verpflichtend", "now mandatory")
            } else {
                ("nicht mehr verpflichtend", "no longer mandatory")
            };
            de.push(format!("{} {d}", name(n, true)));
            en.push(format!("{} {e}", name(n, false)));
        }
        if o.get("assignee") != n.get("assignee") {
            breaking = true;
            let who =
                |v: &Value, german: bool| show(ctx.names, "assignee", v.get("assignee"), german);
            de.push(format!(
                "{} jetzt durch {} statt {}",
                name(n, true),
                who(n, true),
                who(o, true)
            ));
            en.push(format!(
                "{} now by {} instead of {}",
                name(n, false),
                who(n, false),
                who(o, false)
            ));
        }
    }
    let kept_order: Vec<usize> = matched_old.iter().flatten().copied().collect();
    if !ctx.participants_are_set && kept_order.windows(2).any(|w| w[0] > w[1]) {
        breaking = true;
        de.push("Reihenfolge geändert".into());
        en.push("order changed".into());
    }
    if de.is_empty() {
        return; // the same participants in another order, and order does not matter
    }
    let (label, label_en) = (ctx.label, ctx.label_en);
    let impact = if breaking {
        Impact::Breaking
    } else {
        Impact::Feature
    };
    let mut c = Change::new(
        ChangeKind::ParamChanged,
        impact,
        format!("„{label}“: {}", de.join(", ")),
        format!("“{label_en}”: {}", en.join(", ")),
    );
    c.path = Some(path.to_string());
    c.old = Some(Value::Array(a.to_vec()));
    c.new = Some(Value::Array(b.to_vec()));
    out.push(c);
}
