//! The case a Probelauf simulates ([`CaseInput`], JSON Schema `shared/schema/case.schema.json`)
//! and its check against the workflow ([`CaseInput::check`] → [`Case`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::decisions::{parse_entry, ActorSlot, ScriptEntry};
use crate::catalog;
use crate::expr::{Date, Value, SYSTEM_FIELD_AKTENZEICHEN};
use crate::model::{Assignee, BlockKind, BlockType, CaseInput, FieldType, Land, RoleId, Workflow};
use crate::values::Money;

/// The JSON Schema of [`CaseInput`], as committed at `shared/schema/case.schema.json`.
pub fn case_schema() -> String {
    let schema = schemars::schema_for!(CaseInput);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// Why a case input does not fit the workflow; `path` names the offending entry
/// (`fields.betragNetto`, `choices.bedarf-pruefen[1]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{path}: {message_de} / {message_en}")]
pub struct CaseError {
    pub path: String,
    pub message_de: String,
    pub message_en: String,
}

fn err(path: impl Into<String>, de: impl Into<String>, en: impl Into<String>) -> CaseError {
    CaseError {
        path: path.into(),
        message_de: de.into(),
        message_en: en.into(),
    }
}

/// A checked case: typed field values, complete staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub case_id: String,
    pub start: Date,
    pub land: Land,
    /// Every declared field (Null when not given) plus `aktenzeichen`.
    pub values: BTreeMap<String, Value>,
    /// Every declared role with at least one person.
    pub persons: BTreeMap<RoleId, Vec<String>>,
    pub initiator: String,
}

impl Case {
    pub fn value(&self, field: &str) -> Value {
        self.values.get(field).cloned().unwrap_or(Value::Null)
    }

    /// Field lookup for [`crate::expr::eval`]: declared fields only.
    pub fn lookup(&self, field: &str) -> Option<Value> {
        self.values.get(field).cloned()
    }
}

/// The placeholder persons of a role the case does not staff.
pub fn placeholder_persons(role_name: &str) -> Vec<String> {
    vec![format!("{role_name} 1"), format!("{role_name} 2")]
}

/// The external applicant when no initiator is known.
pub const APPLICANT: &str = "Antragsteller/in";

impl CaseInput {
    /// Checks the input against the workflow and types the field values.
    pub fn check(&self, w: &Workflow) -> Result<Case, CaseError> {
        let start = Date::parse(self.start_date.trim()).ok_or_else(|| {
            err(
                "startDate",
                format!("„{}“ ist kein Datum der Form JJJJ-MM-TT", self.start_date),
                format!("{:?} is not a date of the form YYYY-MM-DD", self.start_date),
            )
        })?;
        let case_id = match &self.case_id {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            Some(_) => {
                return Err(err(
                    "caseId",
                    "Die Fallnummer ist leer",
                    "The case id is empty",
                ))
            }
            None => format!("{}/{}/000001", w.key, start.year()),
        };
        let values = self.typed_fields(w, &case_id)?;
        let persons = self.staffing(w)?;
        let initiator = match &self.initiator {
            Some(p) if !p.trim().is_empty() => p.trim().to_string(),
            Some(_) => return Err(err("initiator", "Der Name ist leer", "The name is empty")),
            None => default_initiator(w, &persons),
        };
        self.check_script(w)?;
        Ok(Case {
            case_id,
            start,
            land: self.land,
            values,
            persons,
            initiator,
        })
    }

    fn typed_fields(
        &self,
        w: &Workflow,
        case_id: &str,
    ) -> Result<BTreeMap<String, Value>, CaseError> {
        for name in self.fields.keys() {
            if w.field(name).is_none() && name != SYSTEM_FIELD_AKTENZEICHEN {
                let declared: Vec<&str> = w.fields.iter().map(|f| f.name.as_str()).collect();
                return Err(err(
                    format!("fields.{name}"),
                    format!(
                        "Das Feld „{name}“ ist im Ablauf nicht deklariert (deklariert: {})",
                        declared.join(", ")
                    ),
                    format!(
                        "The field {name:?} is not declared by the workflow (declared: {})",
                        declared.join(", ")
                    ),
                ));
            }
        }
        let mut values = BTreeMap::new();
        for f in &w.fields {
            let path = format!("fields.{}", f.name);
            let v = match self.fields.get(&f.name) {
                None | Some(serde_json::Value::Null) => {
                    if f.required {
                        return Err(err(
                            path,
                            format!("Pflichtfeld „{}“ fehlt", f.caption()),
                            format!("Required field {:?} is missing", f.caption()),
                        ));
                    }
                    Value::Null
                }
                Some(json) => typed_value(f.field_type, &f.values, json)
                    .map_err(|(de, en)| err(path, de, en))?,
            };
            values.insert(f.name.clone(), v);
        }
        if w.field(SYSTEM_FIELD_AKTENZEICHEN).is_none() {
            let az = match self.fields.get(SYSTEM_FIELD_AKTENZEICHEN) {
                None | Some(serde_json::Value::Null) => case_id.to_string(),
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(_) => {
                    return Err(err(
                        "fields.aktenzeichen",
                        "Das Aktenzeichen muss ein nicht leerer Text sein",
                        "The Aktenzeichen must be a non-empty text",
                    ))
                }
            };
            values.insert(SYSTEM_FIELD_AKTENZEICHEN.to_string(), Value::Text(az));
        } else if values.get(SYSTEM_FIELD_AKTENZEICHEN) == Some(&Value::Null) {
            values.insert(
                SYSTEM_FIELD_AKTENZEICHEN.to_string(),
                Value::Text(case_id.to_string()),
            );
        }
        Ok(values)
    }

    fn staffing(&self, w: &Workflow) -> Result<BTreeMap<RoleId, Vec<String>>, CaseError> {
        for (role, people) in &self.persons {
            let path = format!("persons.{role}");
            if w.role(role).is_none() {
                let declared: Vec<&str> = w.roles.iter().map(|r| r.id.as_str()).collect();
                return Err(err(
                    path,
                    format!(
                        "Die Rolle „{role}“ ist im Ablauf nicht deklariert (deklariert: {})",
                        declared.join(", ")
                    ),
                    format!(
                        "The role {role:?} is not declared by the workflow (declared: {})",
                        declared.join(", ")
                    ),
                ));
            }
            if people.iter().any(|p| p.trim().is_empty()) {
                return Err(err(
                    path,
                    "Ein Personenname ist leer",
                    "A person's name is empty",
                ));
            }
        }
        Ok(w.roles
            .iter()
            .map(|r| {
                let people = match self.persons.get(&r.id) {
                    Some(p) if !p.is_empty() => p.iter().map(|x| x.trim().to_string()).collect(),
                    _ => placeholder_persons(&r.name),
                };
                (r.id.clone(), people)
            })
            .collect())
    }

    fn check_script(&self, w: &Workflow) -> Result<(), CaseError> {
        for (key, person) in &self.actors {
            let path = format!("actors.{key}");
            let (block, slot) = ActorSlot::parse_key(key);
            let Some(b) = w.block(&block.into()) else {
                return Err(unknown_block(&path, block));
            };
            if !slot.fits(&b.kind) {
                return Err(err(
                    path,
                    format!(
                        "„{key}“ bezeichnet keine Person, die in „{}“ handelt",
                        w.block_label(&b.id)
                    ),
                    format!(
                        "{key:?} names no person acting in {:?}",
                        w.block_label(&b.id)
                    ),
                ));
            }
            if person.trim().is_empty() {
                return Err(err(path, "Der Name ist leer", "The name is empty"));
            }
        }
        for key in self.durations.keys() {
            let path = format!("durations.{key}");
            let (block, _) = ActorSlot::parse_key(key);
            let Some(b) = w.block(&block.into()) else {
                return Err(unknown_block(&path, block));
            };
            if !catalog::info(b.block_type()).human_task {
                return Err(err(
                    path,
                    format!(
                        "„{}“ ist keine Aufgabe, die Zeit braucht",
                        w.block_label(&b.id)
                    ),
                    format!("{:?} is not a task that takes time", w.block_label(&b.id)),
                ));
            }
        }
        for (key, entries) in &self.choices {
            let Some(b) = w.block(&key.as_str().into()) else {
                return Err(unknown_block(&format!("choices.{key}"), key));
            };
            let ports = decision_ports(&b.kind);
            if ports.is_empty() {
                return Err(err(
                    format!("choices.{key}"),
                    format!(
                        "In „{}“ ({}) wird nichts entschieden",
                        w.block_label(&b.id),
                        catalog::info(b.block_type()).name_de
                    ),
                    format!(
                        "Nothing is decided in {:?} ({})",
                        w.block_label(&b.id),
                        catalog::info(b.block_type()).name_en
                    ),
                ));
            }
            for (i, text) in entries.iter().enumerate() {
                let path = format!("choices.{key}[{i}]");
                let entry = parse_entry(text, b.block_type() == BlockType::Mitzeichnung)
                    .map_err(|(de, en)| err(&path, de, en))?;
                if let ScriptEntry::Port { port, .. } = &entry {
                    if !ports.iter().any(|p| p == port) {
                        return Err(err(
                            path,
                            format!(
                                "„{port}“ ist kein Ausgang von „{}“ (möglich: {})",
                                w.block_label(&b.id),
                                ports.join(", ")
                            ),
                            format!(
                                "{port:?} is not an exit of {:?} (possible: {})",
                                w.block_label(&b.id),
                                ports.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn unknown_block(path: &str, id: &str) -> CaseError {
    err(
        path,
        format!("Es gibt keinen Baustein „{id}“"),
        format!("There is no block {id:?}"),
    )
}

/// The ports a script entry may name for a block (empty: nothing is decided there).
pub fn decision_ports(kind: &BlockKind) -> Vec<String> {
    match kind {
        BlockKind::Start(_)
        | BlockKind::Wertgrenzen(_)
        | BlockKind::Komplexitaet(_)
        | BlockKind::Frist(_)
        | BlockKind::Eskalation(_)
        | BlockKind::Benachrichtigung(_)
        | BlockKind::Ende(_) => Vec::new(),
        _ => catalog::ports(kind).into_iter().map(|p| p.name).collect(),
    }
}

fn default_initiator(w: &Workflow, persons: &BTreeMap<RoleId, Vec<String>>) -> String {
    let role = w.blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Start(p) => p.initiator_role.clone(),
        _ => None,
    });
    match role {
        Some(Assignee::Role(r)) => persons
            .get(&r)
            .and_then(|p| p.first())
            .cloned()
            .unwrap_or_else(|| APPLICANT.into()),
        Some(Assignee::Person(p)) if !p.trim().is_empty() => p,
        _ => APPLICANT.into(),
    }
}

type Msg = (String, String);

fn typed_value(t: FieldType, allowed: &[String], json: &serde_json::Value) -> Result<Value, Msg> {
    use serde_json::Value as J;
    let wrong = |de: &str, en: &str| -> Msg {
        (
            format!("erwartet {de}, gefunden {json}"),
            format!("expected {en}, found {json}"),
        )
    };
    match t {
        FieldType::Money => {
            if json.is_f64() {
                return Err((
                    format!("{json} ist eine Gleitkommazahl; Beträge als Text mit Dezimalpunkt („12400.00“) oder ganze Euro angeben"),
                    format!("{json} is a float; give amounts as a decimal string (\"12400.00\") or whole euros"),
                ));
            }
            let m: Money = serde_json::from_value(json.clone())
                .map_err(|e| (format!("kein Betrag: {e}"), format!("not an amount: {e}")))?;
            if m.cents() < 0 {
                return Err((
                    "Beträge dürfen nicht negativ sein".into(),
                    "amounts must not be negative".into(),
                ));
            }
            Ok(Value::money(m))
        }
        FieldType::Int => match json.as_i64() {
            Some(n) => Ok(Value::int(n)),
            None => Err(wrong("eine ganze Zahl", "an integer")),
        },
        FieldType::Bool => match json {
            J::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(wrong("true oder false", "true or false")),
        },
        FieldType::Date => match json.as_str().and_then(|s| Date::parse(s.trim())) {
            Some(d) => Ok(Value::Date(d)),
            None => Err(wrong("ein Datum JJJJ-MM-TT", "a date YYYY-MM-DD")),
        },
        FieldType::Enum => match json {
            J::String(s) if allowed.iter().any(|a| a == s) => Ok(Value::Text(s.clone())),
            J::String(s) => Err((
                format!(
                    "„{s}“ ist kein erlaubter Wert (erlaubt: {})",
                    allowed.join(", ")
                ),
                format!(
                    "{s:?} is not an allowed value (allowed: {})",
                    allowed.join(", ")
                ),
            )),
            _ => Err(wrong("einen Text", "a text")),
        },
        FieldType::Text => match json {
            J::String(s) => Ok(Value::Text(s.clone())),
            _ => Err(wrong("einen Text", "a text")),
        },
    }
}
