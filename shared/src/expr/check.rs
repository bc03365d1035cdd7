//! Type checking against declared fields.

use super::ast::{BinOp, Expr, ExprKind, ExprType, Span};
use super::print::to_feel;
use super::temporal;
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
            ExprKind::Date(_) | ExprKind::Today => Some(ExprType::Date),
            ExprKind::Duration(d) => Some(d.expr_type()),
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
                if is_duration(t) {
                    return Some(t);
                }
                if t != ExprType::Number {
                    self.err(
                        e.span,
                        TypeErrorKind::Operands,
                        format!(
                            "„-“ passt nur zu Zahlen und Dauern, nicht zu {}",
                            t.name_de()
                        ),
                        format!(
                            "“-” only works on numbers and durations, not on {}",
                            t.name_en()
                        ),
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
                                self.operands_in(e, op, lt, rt);
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
                                && (matches!(
                                    lt,
                                    ExprType::Number | ExprType::Date | ExprType::Text
                                ) || is_duration(lt));
                            if !ok {
                                self.operands_in(e, op, lt, rt);
                            }
                        }
                        Some(ExprType::Bool)
                    }
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                        let (a, b) = (lt?, rt?);
                        let result = match (op, a, b) {
                            (_, ExprType::Number, ExprType::Number) => Some(ExprType::Number),
                            (BinOp::Add, ExprType::Text, ExprType::Text) => Some(ExprType::Text),
                            _ => temporal::arithmetic_type(op, a, b),
                        };
                        if result.is_none() {
                            self.operands_in(e, op, a, b);
                        }
                        result
                    }
                }
            }
        }
    }

    /// `(a, b)` as FEEL text if `e` is `a - b` of two dates.
    fn date_difference(&self, e: &Expr) -> Option<(String, String)> {
        let ExprKind::Binary(BinOp::Sub, a, b) = &e.kind else {
            return None;
        };
        let mut ignored = Vec::new();
        let mut quiet = Checker {
            lookup: self.lookup,
            errors: &mut ignored,
        };
        let both_dates =
            quiet.check(a) == Some(ExprType::Date) && quiet.check(b) == Some(ExprType::Date);
        both_dates.then(|| (to_feel(a), to_feel(b)))
    }

    /// An operator error; for dates and durations with the part of the expression and a hint.
    fn operands_in(&mut self, e: &Expr, op: BinOp, l: ExprType, r: ExprType) {
        let temporal = |t: ExprType| t == ExprType::Date || is_duration(t);
        let ExprKind::Binary(_, le, re) = &e.kind else {
            return self.operands(e.span, op, l, r);
        };
        if !(temporal(l) || temporal(r)) || l == ExprType::Null || r == ExprType::Null {
            return self.operands(e.span, op, l, r);
        }
        let dates = (self.date_difference(le), self.date_difference(re));
        let (hint_de, hint_en) = temporal_hint(op, (le, l), (re, r), dates);
        let part = to_feel(e);
        self.err(
            e.span,
            TypeErrorKind::Operands,
            format!(
                "„{part}“: „{}“ passt nicht zu {} und {} – {hint_de}",
                op.symbol(),
                l.name_de(),
                r.name_de()
            ),
            format!(
                "“{part}”: “{}” does not work on {} and {} – {hint_en}",
                op.symbol(),
                l.name_en(),
                r.name_en()
            ),
        );
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

/// The operands of the left and right side of a comparison if that side is `date - date`.
type DateDifferences = (Option<(String, String)>, Option<(String, String)>);

fn is_duration(t: ExprType) -> bool {
    matches!(
        t,
        ExprType::YearsMonthsDuration | ExprType::DaysTimeDuration
    )
}

/// What to write instead, in German and English, for a date/duration operator error.
/// `dates`: the operands `(a, b)` when the left or right side is a difference of two dates.
fn temporal_hint(
    op: BinOp,
    (le, l): (&Expr, ExprType),
    (re, r): (&Expr, ExprType),
    dates: DateDifferences,
) -> (String, String) {
    use ExprType::{Date as D, DaysTimeDuration as Dt, YearsMonthsDuration as Ym};
    let (ls, rs) = (to_feel(le), to_feel(re));
    let mixed = |verb_de: &str, verb_en: &str| {
        (
            format!("eine Dauer in Jahren/Monaten und eine in Tagen/Zeit lassen sich nicht {verb_de}, weil Monate verschieden lang sind; schreiben Sie beide in derselben Art"),
            format!("a years-and-months and a days-and-time duration cannot be {verb_en} because months differ in length; write both in the same kind"),
        )
    };
    // `a - b <= duration("P6M")`: the distance of two dates is in days, so compare the dates.
    if op.is_comparison() {
        let sym = op.symbol();
        match (l, r, dates) {
            (Dt, Ym, (Some((a, b)), _)) => return (
                format!("{ls} ist eine Dauer in Tagen; vergleichen Sie die Daten selbst: {a} {sym} {b} + {rs}"),
                format!("{ls} is a duration in days; compare the dates themselves: {a} {sym} {b} + {rs}"),
            ),
            (Ym, Dt, (_, Some((a, b)))) => return (
                format!("{rs} ist eine Dauer in Tagen; vergleichen Sie die Daten selbst: {b} + {ls} {sym} {a}"),
                format!("{rs} is a duration in days; compare the dates themselves: {b} + {ls} {sym} {a}"),
            ),
            _ => {}
        }
    }
    match (op, l, r) {
        (BinOp::Add, D, D) => (
            format!("zwei Daten lassen sich nicht addieren; zu einem Datum zählt man eine Dauer ({ls} + duration(\"P6M\")), den Abstand gibt {ls} - {rs}"),
            format!("two dates cannot be added; add a duration to a date ({ls} + duration(\"P6M\")), the distance is {ls} - {rs}"),
        ),
        (BinOp::Add, D, ExprType::Number) | (BinOp::Add, ExprType::Number, D) => (
            "zu einem Datum addiert man keine Zahl, sondern eine Dauer, z. B. duration(\"P14D\")".into(),
            "add a duration to a date, not a number, e.g. duration(\"P14D\")".into(),
        ),
        (BinOp::Sub, D, ExprType::Number) => (
            "von einem Datum zieht man keine Zahl, sondern eine Dauer ab, z. B. duration(\"P14D\")".into(),
            "subtract a duration from a date, not a number, e.g. duration(\"P14D\")".into(),
        ),
        (BinOp::Sub, Ym | Dt, D) => (
            format!("ziehen Sie die Dauer vom Datum ab: {rs} - {ls}"),
            format!("subtract the duration from the date: {rs} - {ls}"),
        ),
        (_, Ym, Dt) | (_, Dt, Ym) if op.is_comparison() => mixed("vergleichen", "compared"),
        (_, Ym, Dt) | (_, Dt, Ym) => mixed("verrechnen", "combined"),
        (_, D, ExprType::Text) | (_, ExprType::Text, D) => (
            "schreiben Sie ein Datum als date(\"JJJJ-MM-TT\")".into(),
            "write a date as date(\"YYYY-MM-DD\")".into(),
        ),
        (BinOp::Mul | BinOp::Div, _, _) => (
            "Daten und Dauern lassen sich addieren, subtrahieren und vergleichen, aber nicht multiplizieren oder teilen".into(),
            "dates and durations can be added, subtracted and compared, but not multiplied or divided".into(),
        ),
        _ => (
            "Daten vergleicht man mit Daten, Dauern mit Dauern derselben Art; Datum + Dauer ergibt ein Datum, Datum - Datum eine Dauer in Tagen".into(),
            "compare dates with dates and durations with durations of the same kind; date + duration gives a date, date - date a duration in days".into(),
        ),
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

    #[test]
    fn checks_dates_and_durations() {
        let f = fields();
        let ok = |s: &str| check(&p(s), &f);
        for (src, want) in [
            (
                "antragsDatum <= reiseEnde + duration(\"P6M\")",
                ExprType::Bool,
            ),
            ("reiseEnde + duration(\"P6M\")", ExprType::Date),
            ("duration(\"P14D\") + reiseEnde", ExprType::Date),
            ("reiseEnde - duration(\"PT2H\")", ExprType::Date),
            ("antragsDatum - reiseEnde", ExprType::DaysTimeDuration),
            (
                "antragsDatum - reiseEnde > duration(\"P180D\")",
                ExprType::Bool,
            ),
            (
                "duration(\"P1Y\") - duration(\"P2M\")",
                ExprType::YearsMonthsDuration,
            ),
            ("-duration(\"P1D\")", ExprType::DaysTimeDuration),
            ("duration(\"P1M\") = duration(\"P1M\")", ExprType::Bool),
            ("today() > reiseEnde", ExprType::Bool),
        ] {
            assert_eq!(ok(src), Ok(want), "{src}");
        }
    }

    #[test]
    fn date_mistakes_name_the_part_and_say_what_to_write() {
        let f = fields();
        let err = |s: &str| {
            let errs = check(&p(s), &f).expect_err(s);
            assert_eq!(errs.len(), 1, "{s}: {errs:?}");
            assert_eq!(errs[0].kind, TypeErrorKind::Operands);
            errs.into_iter().next().expect("one error")
        };
        let e = err("reiseEnde + antragsDatum > today()");
        assert_eq!(e.span, Span { start: 0, end: 24 });
        assert!(e.message_de.starts_with("„reiseEnde + antragsDatum“: „+“ passt nicht zu Datum und Datum – zwei Daten lassen sich nicht addieren"), "{}", e.message_de);
        assert!(
            e.message_en
                .contains("the distance is reiseEnde - antragsDatum"),
            "{}",
            e.message_en
        );

        let e = err("antragsDatum - reiseEnde <= duration(\"P6M\")");
        assert!(
            e.message_de.contains(
                "vergleichen Sie die Daten selbst: antragsDatum <= reiseEnde + duration(\"P6M\")"
            ),
            "{}",
            e.message_de
        );

        let e = err("duration(\"P1M\") < duration(\"P30D\")");
        assert!(
            e.message_de
                .contains("Dauer in Jahren/Monaten und Dauer in Tagen/Zeit"),
            "{}",
            e.message_de
        );
        assert!(
            e.message_en
                .contains("cannot be compared because months differ in length"),
            "{}",
            e.message_en
        );

        let e = err("beginn + 1");
        assert!(
            e.message_de.contains("keine Zahl, sondern eine Dauer"),
            "{}",
            e.message_de
        );
        let e = err("duration(\"P1D\") - beginn");
        assert!(
            e.message_en
                .contains("subtract the duration from the date: beginn - duration(\"P1D\")"),
            "{}",
            e.message_en
        );
        let e = err("beginn < \"2026-01-01\"");
        assert!(
            e.message_de.contains("date(\"JJJJ-MM-TT\")"),
            "{}",
            e.message_de
        );
        let e = err("duration(\"P1M\") * 2");
        assert!(
            e.message_de.contains("nicht multiplizieren"),
            "{}",
            e.message_de
        );
        let e = err("duration(\"P1M\") + duration(\"P1D\")");
        assert!(
            e.message_de.contains("nicht verrechnen"),
            "{}",
            e.message_de
        );
        // A null comparison keeps its own advice.
        assert!(err("beginn < null").message_de.contains("= null"));
    }
}
