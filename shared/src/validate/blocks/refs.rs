//! Checks of references in block parameters: assignees, roles, blocks, fields, templates,
//! durations.

use super::{fixed_performers, AssigneeParam, BlockCheck};
use crate::expr::SYSTEM_FIELD_AKTENZEICHEN;
use crate::model::{Assignee, BlockKind, FieldType};
use crate::validate::ctx::{de, duration_parts, en, Ctx};
use crate::validate::{Element, Finding};
use crate::values::{Duration, DurationParts};

impl BlockCheck<'_, '_> {
    pub(super) fn require_assignee(
        &mut self,
        path: &str,
        present: bool,
        what_de: &str,
        what_en: &str,
    ) {
        if present {
            return;
        }
        self.push(
            Finding::new(
                "E_ASSIGNEE_MISSING",
                Element::param(self.id(), path),
                format!("{}: {what_de}.", de(&self.label())),
                format!("{}: {what_en}.", en(&self.label_en())),
            )
            .hint("Wählen Sie eine Rolle.", "Choose a role."),
        );
    }

    pub(super) fn assignee(&mut self, param: AssigneeParam, a: &Assignee) {
        match a {
            Assignee::Role(r) if !r.as_str().trim().is_empty() => {
                if self.ctx.role(r.as_str()).is_none() {
                    self.role_ref(&param.path(), r.as_str());
                }
            }
            Assignee::Role(_) | Assignee::Person(_) | Assignee::Expression(_) => {
                let empty = match a {
                    Assignee::Role(r) => r.as_str().trim().is_empty(),
                    Assignee::Person(p) | Assignee::Expression(p) => p.trim().is_empty(),
                    Assignee::Initiator => false,
                };
                if empty {
                    let path = param.path();
                    let path = path.as_str();
                    self.push(
                        Finding::new(
                            "E_ASSIGNEE_MISSING",
                            Element::param(self.id(), path),
                            format!(
                                "{}: die Zuweisung {} ist leer.",
                                de(&self.label()),
                                de(path)
                            ),
                            format!(
                                "{}: the assignment {} is empty.",
                                en(&self.label_en()),
                                en(path)
                            ),
                        )
                        .hint("Wählen Sie eine Rolle.", "Choose a role."),
                    );
                }
            }
            Assignee::Initiator => {}
        }
    }

    pub(super) fn role_ref(&mut self, path: &str, role: &str) {
        if self.ctx.role(role).is_some() {
            return;
        }
        let known: Vec<&str> = self
            .ctx
            .w
            .roles
            .iter()
            .map(|r| r.id.as_str())
            .take(8)
            .collect();
        let list = if known.is_empty() {
            "keine".to_string()
        } else {
            known.join(", ")
        };
        let list_en = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        self.push(
            Finding::new(
                "E_UNKNOWN_ROLE",
                Element::param(self.id(), path).with_role(&role.into()),
                format!(
                    "{} verweist auf die Rolle {}, die nicht angelegt ist.",
                    de(&self.label()),
                    de(role)
                ),
                format!(
                    "{} refers to the role {}, which is not declared.",
                    en(&self.label_en()),
                    en(role)
                ),
            )
            .hint(
                format!(
                    "Legen Sie die Rolle an oder wählen Sie eine vorhandene (angelegt: {list})."
                ),
                format!("Declare the role or choose an existing one (declared: {list_en})."),
            ),
        );
    }

    /// E_UNKNOWN_BLOCK for every parameter naming a block that does not exist.
    pub(super) fn block_refs(&mut self, kind: &BlockKind) {
        for r in kind.block_refs() {
            // A blank `attachedTo` is E_ESKALATION_NOT_ON_TASK; `initiator` in `distinctFrom` is
            // the domain reference's spelling of `excludeInitiator`, not a block.
            let blank_host = r.param == "attachedTo" && r.id.as_str().trim().is_empty();
            let initiator = r.param == "distinctFrom" && r.id.as_str() == "initiator";
            if !blank_host && !initiator {
                self.block_ref(&r.path(), r.id.as_str());
            }
        }
    }

    pub(super) fn block_ref(&mut self, path: &str, target: &str) {
        if self.ctx.block_index_str(target).is_some() {
            return;
        }
        self.push(
            Finding::new(
                "E_UNKNOWN_BLOCK",
                Element::param(self.id(), path),
                format!(
                    "{} verweist auf den Baustein {}, den es nicht gibt.",
                    de(&self.label()),
                    de(target)
                ),
                format!(
                    "{} refers to the block {}, which does not exist.",
                    en(&self.label_en()),
                    en(target)
                ),
            )
            .hint(
                "Wählen Sie einen vorhandenen Baustein.",
                "Choose an existing block.",
            ),
        );
    }

    pub(super) fn template(&mut self, t: &str) {
        if t.trim().is_empty() {
            self.push(
                Finding::new(
                    "E_TEMPLATE_MISSING",
                    Element::param(self.id(), "template"),
                    format!("Für {} ist keine Vorlage gewählt.", de(&self.label())),
                    format!("{} has no template.", en(&self.label_en())),
                )
                .hint("Wählen Sie eine Vorlage aus.", "Choose a template."),
            );
        }
    }

    pub(super) fn duration_opt(&mut self, path: &str, d: Option<&Duration>) {
        if let Some(d) = d {
            self.duration(path, d);
        }
    }

    /// Reports an unparsable or zero duration; returns the parts if it is positive.
    pub(super) fn duration(&mut self, path: &str, d: &Duration) -> Option<DurationParts> {
        match duration_parts(d) {
            Ok(p) if !p.is_zero() => Some(p),
            Ok(_) => {
                self.push(
                    Finding::new(
                        "E_DURATION_NOT_POSITIVE",
                        Element::param(self.id(), path),
                        format!("In {} ist die Dauer {} null.", de(&self.label()), de(&d.0)),
                        format!(
                            "In {}, the duration {} is zero.",
                            en(&self.label_en()),
                            en(&d.0)
                        ),
                    )
                    .hint(
                        "Geben Sie eine Dauer größer als null an, z. B. „P14D“.",
                        "Enter a duration greater than zero, e.g. “P14D”.",
                    ),
                );
                None
            }
            Err(why) => {
                self.push(
                    Finding::new(
                        "E_DURATION_NOT_POSITIVE",
                        Element::param(self.id(), path),
                        format!("In {} ist die Dauer ungültig: {why}.", de(&self.label())),
                        format!(
                            "In {}, the duration {} is not a valid ISO 8601 duration.",
                            en(&self.label_en()),
                            en(&d.0)
                        ),
                    )
                    .hint(
                        "Schreiben Sie die Dauer wie „P14D“ (14 Tage) oder „PT48H“ (48 Stunden).",
                        "Write the duration like “P14D” (14 days) or “PT48H” (48 hours).",
                    ),
                );
                None
            }
        }
    }

    pub(super) fn field_ref(
        &mut self,
        path: &str,
        name: &str,
        allowed: &[FieldType],
        want_de: &str,
        want_en: &str,
    ) {
        field_ref(
            self.ctx, self.out, self.i, path, name, allowed, want_de, want_en,
        );
    }

    pub(super) fn four_eyes_same_person(&mut self, p: &crate::model::VierAugenParams) {
        let (why_de, why_en) = match &p.second_check {
            Some(Assignee::Initiator) if p.exclude_initiator => (
                "die zweite Prüfung soll die antragstellende Person machen, die aber ausgeschlossen ist".to_string(),
                "the second check is assigned to the initiator, who is excluded".to_string(),
            ),
            Some(Assignee::Person(second)) if !second.trim().is_empty() => {
                let first_same = matches!(&p.first_check, Some(Assignee::Person(f)) if f == second);
                let refs = p.first_check_block.iter().chain(p.distinct_from.iter());
                let in_ref = refs
                    .filter_map(|r| self.ctx.block_index(r))
                    .find(|&r| self.ctx.kind(r).is_some_and(|k| fixed_performers(k).contains(&second.as_str())));
                if first_same {
                    (
                        format!("erste und zweite Prüfung sind fest derselben Person {} zugewiesen", de(second)),
                        format!("first and second check are both fixed to the same person {}", en(second)),
                    )
                } else if let Some(r) = in_ref {
                    (
                        format!("die zweite Prüfung ist fest {} zugewiesen, die schon {} bearbeitet", de(second), de(&self.ctx.label(r))),
                        format!("the second check is fixed to {}, who already performs {}", en(second), en(&self.ctx.label_en(r))),
                    )
                } else {
                    return;
                }
            }
            _ => return,
        };
        self.push(
            Finding::new(
                "E_FOUR_EYES_SAME_PERSON",
                Element::param(self.id(), "secondCheck"),
                format!(
                    "{} kann nie von zwei verschiedenen Personen erledigt werden: {why_de}.",
                    de(&self.label())
                ),
                format!(
                    "{} can never be done by two different persons: {why_en}.",
                    en(&self.label_en())
                ),
            )
            .hint(
                "Weisen Sie die zweite Prüfung einer Rolle zu (z. B. Teamleitung).",
                "Assign the second check to a role (e.g. team lead).",
            ),
        );
    }
}

/// Checks a reference to a declared field of one of the `allowed` types.
#[allow(clippy::too_many_arguments)]
pub(in crate::validate) fn field_ref(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    i: usize,
    path: &str,
    name: &str,
    allowed: &[FieldType],
    want_de: &str,
    want_en: &str,
) {
    let id = ctx.id(i);
    let name = name.trim();
    if name.is_empty() {
        out.push(
            Finding::new(
                "E_UNKNOWN_FIELD",
                Element::param(id, path),
                format!(
                    "In {} ist kein Feld gewählt ({path}); erwartet wird {want_de}.",
                    de(&ctx.label(i))
                ),
                format!(
                    "In {}, no field is chosen ({path}); expected {want_en}.",
                    en(&ctx.label_en(i))
                ),
            )
            .hint("Wählen Sie eine Fallvariable aus.", "Choose a case field."),
        );
        return;
    }
    let field_type = match ctx.field(name) {
        Some(f) => f.field_type,
        None if name == SYSTEM_FIELD_AKTENZEICHEN => FieldType::Text,
        None => {
            out.push(unknown_field(
                ctx,
                Element::param(id, path).with_field(name),
                i,
                name,
            ));
            return;
        }
    };
    if !allowed.contains(&field_type) {
        out.push(
            Finding::new(
                "E_FIELD_TYPE",
                Element::param(id, path).with_field(name),
                format!(
                    "In {} ist {} vom Typ {}, erwartet wird {want_de}.",
                    de(&ctx.label(i)),
                    de(name),
                    field_type_de(field_type)
                ),
                format!(
                    "In {}, {} is of type {}, expected {want_en}.",
                    en(&ctx.label_en(i)),
                    en(name),
                    field_type_en(field_type)
                ),
            )
            .hint(
                "Wählen Sie ein passendes Feld oder ändern Sie den Typ der Fallvariable.",
                "Choose a matching field or change the field's type.",
            ),
        );
    }
}

/// `E_UNKNOWN_FIELD` with a did-you-mean hint.
pub(in crate::validate) fn unknown_field(
    ctx: &Ctx<'_>,
    element: Element,
    i: usize,
    name: &str,
) -> Finding {
    let lower = crate::lowercase::lower(name);
    let similar = ctx
        .w
        .fields
        .iter()
        .find(|f| crate::lowercase::lower(&f.name) == lower)
        .map(|f| f.name.clone());
    let f = Finding::new(
        "E_UNKNOWN_FIELD",
        element,
        format!(
            "{} verwendet die Fallvariable {}, die nicht deklariert ist.",
            de(&ctx.label(i)),
            de(name)
        ),
        format!(
            "{} uses the case field {}, which is not declared.",
            en(&ctx.label_en(i)),
            en(name)
        ),
    );
    match similar {
        Some(s) => f.hint(
            format!("Meinten Sie {}?", de(&s)),
            format!("Did you mean {}?", en(&s)),
        ),
        None => f.hint(
            "Legen Sie die Fallvariable unter „Fallvariablen“ an oder korrigieren Sie den Namen.",
            "Declare the case field or correct the name.",
        ),
    }
}

pub(in crate::validate) fn field_type_de(t: FieldType) -> &'static str {
    match t {
        FieldType::Money => "Betrag",
        FieldType::Date => "Datum",
        FieldType::Int => "Ganzzahl",
        FieldType::Bool => "Ja/Nein",
        FieldType::Enum => "Auswahl",
        FieldType::Text => "Text",
    }
}

pub(in crate::validate) fn field_type_en(t: FieldType) -> &'static str {
    match t {
        FieldType::Money => "money",
        FieldType::Date => "date",
        FieldType::Int => "int",
        FieldType::Bool => "bool",
        FieldType::Enum => "enum",
        FieldType::Text => "text",
    }
}
