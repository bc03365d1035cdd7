//! Type checking against declared fields.

use super::ast::{BinOp, Expr, ExprKind, ExprType, Span};
use super::SYSTEM_FIELD_AKTENZEICHEN;
use crate::model::{Field, FieldType};
/// What kind of type error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeErrorKind {
    /// The field is not declared (and is not a system field).
    UnknownField(String),
    /// An enum field is compared with a text that is not one of its values.
    UnknownEnumValue { field: String, value: String },
    /// Operands of the wrong type for an operator.
    Operands,
}

/// A type error at a position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("position {}: {message_en}", span.start)]
pub struct ExprTypeError {
    pub span: Span,
    pub kind: TypeErrorKind,
    pub message_de: String,
    pub message_en: String,
}

// ---------------------------------------------------------------------------------------------
// Type checking

/// Type-checks against the declared fields (`aktenzeichen` is always available as text).
pub fn check(e: &Expr, fields: &[Field]) -> Result<ExprType, Vec<ExprTypeError>> {
    check_with(e, &|name| fields.iter().find(|f| f.name == name))
}

/// Like [`check`], with a field lookup (e.g. a map built once for many expressions).
pub fn check_with<'f>(
    e: &Expr,
    lookup: &dyn Fn(&str) -> Option<&'f Field>,
) -> Result<ExprType, Vec<ExprTypeError>> {
    let mut errors = Vec::new();
    let t = Checker {
        lookup,
        errors: &mut errors,
    }
    .check(e);
    match t {
        Some(t) if errors.is_empty() => Ok(t),
        _ => {
            if errors.is_empty() {
                // Unreachable by construction; keep the contract "Err has at least one entry".
                errors.push(ExprTypeError {
                    span: e.span,
                    kind: TypeErrorKind::Operands,
                    message_de: "Der Ausdruck hat keinen Typ".into(),
                    message_en: "The expression has no type".into(),
                });
            }
            Err(errors)
        }
    }
}

struct Checker<'a, 'f> {
    lookup: &'a dyn Fn(&str) -> Option<&'f Field>,
    errors: &'a mut Vec<ExprTypeError>,
}

impl<'f> Checker<'_, 'f> {
    fn field(&self, name: &str) -> Option<(ExprType, Option<&'f Field>)> {
        match (self.lookup)(name) {
            Some(f) => Some((ExprType::of_field(f.field_type), Some(f))),
            None if name == SYSTEM_FIELD_AKTENZEICHEN => Some((ExprType::Text, None)),
            None => None,
        }
    }

    fn err(&mut self, span: Span, kind: TypeErrorKind, de: String, en: String) {
        self.errors.push(ExprTypeError {
            span,
            kind,
            message_de: de,
            message_en: en,
        });
    }

    fn operands(&mut self, span: Span, op: BinOp, l: ExprType, r: ExprType) {
        let (de, en) = match (op, l, r) {
            (_, ExprType::Null, _) | (_, _, ExprType::Null) if op.is_ordering() => (
                format!(
                    "„{}“ mit null ergibt nie wahr – prüfen Sie mit „= null“",
                    op.symbol()
                ),
                format!(
                    "“{}” with null is never true – test with “= null”",
                    op.symbol()
                ),
            ),
            _ => (
                format!(
                    "„{}“ passt nicht zu {} und {}",
                    op.symbol(),
                    l.name_de(),
                    r.name_de()
                ),
                format!(
                    "“{}” does not work on {} and {}",
                    op.symbol(),
                    l.name_en(),
                    r.name_en()
                ),
            ),
        };
        self.err(span, TypeErrorKind::Operands, de, en);
    }

    /// `None` when an error was already reported for this subexpression.
    fn check(&mut self, e: &Expr) -> Option<ExprType> {
        match &e.kind {
            ExprKind::Number(_) => Some(ExprType::Number),
            ExprKind::Text(_) => Some(ExprType::Text),
            ExprKind::Bool(_) => Some(ExprType::Bool),
            ExprKind::Null => Some(ExprType::Null),
            ExprKind::Date(_) => Some(ExprType::Date),
            ExprKind::Field(name) => match self.field(name) {
                Some((t, _)) => Some(t),
                None => {
                    self.err(
                        e.span,
                        TypeErrorKind::UnknownField(name.clone()),
                        format!("Das Feld „{name}“ ist nicht deklariert"),
                        format!("The field “{name}” is not declared"),
                    );
                    None
                }
            },
            ExprKind::Neg(inner) => {
                let t = self.check(inner)?;
                if t != ExprType::Number {
                    self.err(
                        e.span,
                        TypeErrorKind::Operands,
                        format!("„-“ passt nur zu Zahlen, nicht zu {}", t.name_de()),
                        format!("“-” only works on numbers, not on {}", t.name_en()),
                    );
                }
                Some(ExprType::Number)
            }
            ExprKind::Not(inner) => {
                let t = self.check(inner)?;
                if t != ExprType::Bool {
                    self.err(
                        e.span,
                        TypeErrorKind::Operands,
                        format!("not(…) braucht einen Wahrheitswert, nicht {}", t.name_de()),
                        format!("not(…) needs a boolean, not {}", t.name_en()),
                    );
                }
                Some(ExprType::Bool)
            }
            ExprKind::Binary(op, l, r) => {
                let lt = self.check(l);
                let rt = self.check(r);
                let op = *op;
                match op {
                    BinOp::And | BinOp::Or => {
                        if let (Some(lt), Some(rt)) = (lt, rt) {
                            if lt != ExprType::Bool || rt != ExprType::Bool {
                                self.operands(e.span, op, lt, rt);
                            }
                        }
                        Some(ExprType::Bool)
                    }
                    BinOp::Eq | BinOp::Ne => {
                        if let (Some(lt), Some(rt)) = (lt, rt) {
                            if lt != rt && lt != ExprType::Null && rt != ExprType::Null {
                                self.operands(e.span, op, lt, rt);
                            } else {
                                self.enum_value(l, r);
                                self.enum_value(r, l);
                            }
                        }
                        Some(ExprType::Bool)
                    }
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        if let (Some(lt), Some(rt)) = (lt, rt) {
                            let ok = lt == rt
                                && matches!(lt, ExprType::Number | ExprType::Date | ExprType::Text);
                            if !ok {
                                self.operands(e.span, op, lt, rt);
                            }
                        }
                        Some(ExprType::Bool)
                    }
                    BinOp::Add => match (lt?, rt?) {
                        (ExprType::Number, ExprType::Number) => Some(ExprType::Number),
                        (ExprType::Text, ExprType::Text) => Some(ExprType::Text),
                        (a, b) => {
                            self.operands(e.span, op, a, b);
                            None
                        }
                    },
                    BinOp::Sub | BinOp::Mul | BinOp::Div => {
                        if let (Some(a), Some(b)) = (lt, rt) {
                            if a != ExprType::Number || b != ExprType::Number {
                                self.operands(e.span, op, a, b);
                            }
                        }
                        Some(ExprType::Number)
                    }
                }
            }
        }
    }

    /// `enumField = "x"`: "x" must be one of the field's values (if it lists any).
    fn enum_value(&mut self, field: &Expr, lit: &Expr) {
        let (Some(name), ExprKind::Text(value)) = (field.as_field(), &lit.kind) else {
            return;
        };
        let Some((_, Some(f))) = self.field(name) else {
            return;
        };
        if f.field_type == FieldType::Enum && !f.values.is_empty() && !f.values.contains(value) {
            let allowed = f
                .values
                .iter()
                .map(|v| format!("„{v}“"))
                .collect::<Vec<_>>()
                .join(", ");
            let allowed_en = f
                .values
                .iter()
                .map(|v| format!("“{v}”"))
                .collect::<Vec<_>>()
                .join(", ");
            self.err(
                lit.span,
                TypeErrorKind::UnknownEnumValue {
                    field: name.to_string(),
                    value: value.clone(),
                },
                format!("„{value}“ ist kein Wert des Feldes „{name}“ (erlaubt: {allowed})"),
                format!("“{value}” is not a value of the field “{name}” (allowed: {allowed_en})"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn checks_types_against_fields() {
        let f = fields();
        let ok = |s: &str| check(&p(s), &f);
        assert_eq!(
            ok("fahrbahnBetroffen = true or dauerTage > 30"),
            Ok(ExprType::Bool)
        );
        assert_eq!(ok("betrag * 2.5"), Ok(ExprType::Number));
        assert_eq!(ok("beginn < date(\"2026-01-01\")"), Ok(ExprType::Bool));
        assert_eq!(ok("aktenzeichen = \"A-1\""), Ok(ExprType::Bool));
        assert_eq!(ok("aktenzeichen"), Ok(ExprType::Text));
        assert_eq!(ok("art = \"neu\""), Ok(ExprType::Bool));
        assert_eq!(ok("name + \"x\""), Ok(ExprType::Text));
        assert_eq!(ok("betrag = null"), Ok(ExprType::Bool));

        let errs = ok("unbekannt > 1 and betrag > \"x\"").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[0].kind,
            TypeErrorKind::UnknownField("unbekannt".into())
        );
        assert_eq!(errs[0].span, Span { start: 0, end: 9 });
        assert_eq!(errs[1].kind, TypeErrorKind::Operands);
        assert_eq!(errs[1].span.start, 18);

        assert!(matches!(
            ok("art = \"alt\"").unwrap_err()[0].kind,
            TypeErrorKind::UnknownEnumValue { .. }
        ));
        assert!(ok("fahrbahnBetroffen > true").is_err());
        assert!(ok("betrag < null").is_err());
        assert!(ok("not(betrag)").is_err());
        assert!(ok("-name").is_err());
        assert!(ok("1 and true").is_err());
        assert!(ok("beginn + 1").is_err());
        // One unknown field does not cascade into further errors.
        assert_eq!(ok("(unbekannt + 1) * 2 > 3").unwrap_err().len(), 1);
    }
}
