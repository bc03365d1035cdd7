//! Small workflows and helpers for the per-block engine tests: build a workflow from blocks
//! and edges, start it, step it, and assert refusals leave the state unchanged.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

pub fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A workflow from blocks `(id, type, params)` and edges `(from, port, to)`, with roles
/// R-A, R-B, R-C and the fields `betrag` (money) and `datum` (date).
pub fn workflow(blocks: &[(&str, &str, Value)], edges: &[(&str, &str, &str)]) -> Workflow {
    let blocks: Vec<Value> = blocks
        .iter()
        .map(|(id, t, p)| json!({"id": id, "type": t, "label": id, "params": p}))
        .collect();
    let edges: Vec<Value> = edges
        .iter()
        .enumerate()
        .map(|(i, (f, p, t))| json!({"id": format!("e{i}"), "from": f, "port": p, "to": t}))
        .collect();
    let w = json!({
        "schemaVersion": 1, "key": "test", "name": "Test", "version": "1.0.0",
        "fields": [
            {"name": "betrag", "label": "Betrag", "type": "money", "required": false},
            {"name": "datum", "label": "Datum", "type": "date", "required": false}
        ],
        "roles": [
            {"id": "R-A", "name": "Sachbearbeitung"},
            {"id": "R-B", "name": "Leitung", "signingLimit": "5000.00"},
            {"id": "R-C", "name": "Kasse"}
        ],
        "blocks": blocks, "edges": edges
    });
    fachwerk_shared::parse_workflow(&w.to_string()).unwrap()
}

pub fn start_block() -> (&'static str, &'static str, Value) {
    ("start", "start", json!({"trigger": "INTERN"}))
}

pub fn ende(id: &'static str, result: &str) -> (&'static str, &'static str, Value) {
    (id, "ende", json!({"result": result}))
}

pub fn role(r: &str) -> Value {
    json!({"kind": "role", "ref": r})
}

pub fn begin(w: &Workflow, fields: Value, on: &str) -> (State, Vec<Effect>) {
    let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
    let s = CaseStart {
        case_id: "T-1".into(),
        initiator: Some("Frau Start".into()),
        fields,
    };
    start(w, &s, day(on), Land::NW).unwrap()
}

pub fn by(person: &str, roles: &[&str]) -> Actor {
    Actor {
        person: person.into(),
        roles: roles.iter().map(|r| RoleId::new(*r)).collect(),
        signing_limit: None,
    }
}

pub fn done(task: &str, who: Actor, exit: &str) -> Event {
    Event::TaskCompleted {
        task: task.into(),
        by: who,
        exit: exit.into(),
        fields: BTreeMap::new(),
    }
}

/// Steps or panics.
pub fn go(w: &Workflow, s: &State, e: &Event, on: &str) -> (State, Vec<Effect>) {
    step(w, s, e, day(on)).unwrap_or_else(|r| panic!("{e:?}: {r}"))
}

/// Asserts the event is refused with `code` and the state is unchanged.
pub fn refused(w: &Workflow, s: &State, e: &Event, on: &str, code: RefusalCode) -> Refusal {
    let before = serde_json::to_string(s).unwrap();
    let r = step(w, s, e, day(on)).expect_err("must be refused");
    assert_eq!(r.code, code, "{r}");
    assert!(!r.message_de.is_empty() && !r.message_en.is_empty());
    assert_eq!(serde_json::to_string(s).unwrap(), before);
    r
}

pub fn ids(s: &State) -> Vec<&str> {
    s.tasks.iter().map(|t| t.id.as_str()).collect()
}

pub fn timers(s: &State) -> Vec<&str> {
    s.timers.iter().map(|t| t.id.as_str()).collect()
}

pub fn ended(s: &State, block: &str) -> bool {
    matches!(&s.status, Status::Ended { block: b, .. } if b.as_str() == block)
}
