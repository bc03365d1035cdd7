//! Changes of what the workflow declares: name and key, roles, case fields.

use serde_json::Value;

use super::names::field_label;
use super::{describe, Change, ChangeKind, Differ, Impact};
use crate::model::{Field, Role, RoleId};
use crate::ops::Op;
use crate::validate::IdMap as HashMap;

impl Differ<'_> {
    pub(super) fn meta(&mut self) {
        let (o, n) = (self.old, self.new);
        if o.name != n.name || o.description != n.description {
            let what_de = if o.name != n.name {
                format!("Name des Ablaufs von „{}“ in „{}“ geändert", o.name, n.name)
            } else {
                "Beschreibung des Ablaufs geändert".to_string()
            };
            let what_en = if o.name != n.name {
                format!("Workflow name changed from “{}” to “{}”", o.name, n.name)
            } else {
                "Workflow description changed".to_string()
            };
            self.changes.push(Change::new(
                ChangeKind::MetaChanged,
                Impact::Fix,
                what_de,
                what_en,
            ));
            self.ops.push(Op::SetInfo {
                name: n.name.clone(),
                description: n.description.clone(),
            });
        }
        if o.history_time_to_live_days != n.history_time_to_live_days {
            let (a, b) = (o.history_ttl_days(), n.history_ttl_days());
            self.changes.push(
                Change::new(
                    ChangeKind::MetaChanged,
                    Impact::Feature,
                    format!("Aufbewahrung der Engine-Historie von {a} auf {b} Tage geändert"),
                    format!("Engine history time to live changed from {a} to {b} days"),
                )
                .values(
                    o.history_time_to_live_days.map(Value::from),
                    n.history_time_to_live_days.map(Value::from),
                ),
            );
            self.ops.push(Op::SetHistoryTimeToLive {
                days: n.history_time_to_live_days,
            });
        }
        if o.key != n.key {
            self.changes.push(
                Change::new(
                    ChangeKind::MetaChanged,
                    Impact::Breaking,
                    format!(
                        "Kennung des Ablaufs von „{}“ in „{}“ geändert",
                        o.key, n.key
                    ),
                    format!("Workflow key changed from “{}” to “{}”", o.key, n.key),
                )
                .values(
                    Some(Value::from(o.key.clone())),
                    Some(Value::from(n.key.clone())),
                ),
            );
        }
    }

    pub(super) fn roles(&mut self) {
        let old: HashMap<&RoleId, &Role> = self.old.roles.iter().map(|r| (&r.id, r)).collect();
        let new: HashMap<&RoleId, &Role> = self.new.roles.iter().map(|r| (&r.id, r)).collect();
        for r in &self.old.roles {
            if !new.contains_key(&r.id) {
                let mut c = Change::new(
                    ChangeKind::RoleRemoved,
                    Impact::Breaking,
                    format!("Rolle „{}“ entfernt", r.name),
                    format!("Role “{}” removed", r.name),
                );
                c.role = Some(r.id.clone());
                self.changes.push(c);
                self.ops.push(Op::RemoveRole { id: r.id.clone() });
            }
        }
        for (i, r) in self.new.roles.iter().enumerate() {
            match old.get(&r.id) {
                None => {
                    let mut c = Change::new(
                        ChangeKind::RoleAdded,
                        Impact::Feature,
                        format!("Rolle „{}“ hinzugefügt", r.name),
                        format!("Role “{}” added", r.name),
                    );
                    c.role = Some(r.id.clone());
                    self.changes.push(c);
                    self.ops.push(Op::AddRole {
                        role: r.clone(),
                        index: Some(i),
                    });
                }
                Some(o) if *o != r => {
                    self.role_changes(o, r);
                    self.ops.push(Op::UpdateRole { role: r.clone() });
                }
                Some(_) => {}
            }
        }
    }

    pub(super) fn role_changes(&mut self, o: &Role, n: &Role) {
        let mut push = |c: Change| {
            let mut c = c;
            c.role = Some(n.id.clone());
            self.changes.push(c);
        };
        if o.name != n.name {
            push(
                Change::new(
                    ChangeKind::RoleRenamed,
                    Impact::Fix,
                    format!("Rolle „{}“ umbenannt in „{}“", o.name, n.name),
                    format!("Role “{}” renamed to “{}”", o.name, n.name),
                )
                .values(
                    Some(Value::from(o.name.clone())),
                    Some(Value::from(n.name.clone())),
                ),
            );
        }
        if o.signing_limit != n.signing_limit {
            let (de, en, impact) =
                describe::signing_limit(&n.name, o.signing_limit, n.signing_limit);
            push(Change::new(ChangeKind::RoleChanged, impact, de, en).values(
                o.signing_limit.map(|m| Value::from(m.to_canonical())),
                n.signing_limit.map(|m| Value::from(m.to_canonical())),
            ));
        }
        if o.org_unit != n.org_unit {
            push(Change::new(
                ChangeKind::RoleChanged,
                Impact::Fix,
                format!("Organisationseinheit der Rolle „{}“ geändert", n.name),
                format!("Organisational unit of role “{}” changed", n.name),
            ));
        }
    }

    pub(super) fn fields(&mut self) {
        let old: HashMap<&str, &Field> = self
            .old
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect();
        let new: HashMap<&str, &Field> = self
            .new
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect();
        for f in &self.old.fields {
            if !new.contains_key(f.name.as_str()) {
                let mut c = Change::new(
                    ChangeKind::FieldRemoved,
                    Impact::Breaking,
                    format!("Fallvariable „{}“ entfernt", field_label(f)),
                    format!("Case field “{}” removed", field_label(f)),
                );
                c.field = Some(f.name.clone());
                self.changes.push(c);
                self.ops.push(Op::RemoveField {
                    name: f.name.clone(),
                });
            }
        }
        for (i, f) in self.new.fields.iter().enumerate() {
            match old.get(f.name.as_str()) {
                None => {
                    let impact = if f.required {
                        Impact::Breaking
                    } else {
                        Impact::Feature
                    };
                    let mut c = Change::new(
                        ChangeKind::FieldAdded,
                        impact,
                        format!(
                            "Fallvariable „{}“ hinzugefügt{}",
                            field_label(f),
                            if f.required { " (Pflichtangabe)" } else { "" }
                        ),
                        format!(
                            "Case field “{}” added{}",
                            field_label(f),
                            if f.required { " (required)" } else { "" }
                        ),
                    );
                    c.field = Some(f.name.clone());
                    self.changes.push(c);
                    self.ops.push(Op::AddField {
                        field: f.clone(),
                        index: Some(i),
                    });
                }
                Some(o) if *o != f => {
                    let type_changed = o.field_type != f.field_type || o.values != f.values;
                    let tightened = type_changed || (!o.required && f.required);
                    let only_label = !type_changed && o.required == f.required;
                    let impact = if tightened {
                        Impact::Breaking
                    } else if only_label {
                        Impact::Fix
                    } else {
                        Impact::Feature
                    };
                    let mut c = Change::new(
                        ChangeKind::FieldChanged,
                        impact,
                        format!("Fallvariable „{}“ geändert", field_label(f)),
                        format!("Case field “{}” changed", field_label(f)),
                    );
                    c.field = Some(f.name.clone());
                    self.changes.push(c);
                    self.ops.push(Op::UpdateField {
                        name: f.name.clone(),
                        field: f.clone(),
                    });
                }
                Some(_) => {}
            }
        }
    }
}
