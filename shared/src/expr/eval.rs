//! Evaluation with exact decimals and FEEL null semantics.

use std::cmp::Ordering;

use super::ast::{BinOp, Expr, ExprKind, Value};
use super::temporal::{self, FeelDuration};
use crate::values::Date;
/// Why an evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("field {0:?} has no value")]
    MissingField(String),
    #[error("operator {op} cannot combine {left} and {right}")]
    Type {
        op: &'static str,
        left: &'static str,
        right: &'static str,
    },
    #[error("division by zero")]
    DivisionByZero,
    #[error("number too large")]
    Overflow,
    #[error("today() has no date here")]
    NoToday,
    #[error("the date lies outside the years 1 to 9999")]
    DateOutOfRange,
}

impl EvalError {
    pub fn message_de(&self) -> String {
        match self {
            EvalError::MissingField(f) => format!("Das Feld „{f}“ hat keinen Wert"),
            EvalError::Type { op, left, right } => {
                format!("„{op}“ passt nicht zu {left} und {right}")
            }
            EvalError::DivisionByZero => "Division durch null".into(),
            EvalError::Overflow => "Zahl zu groß".into(),
            EvalError::NoToday => "today() hat hier kein Datum".into(),
            EvalError::DateOutOfRange => "Das Datum liegt außerhalb der Jahre 1 bis 9999".into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// What an expression is evaluated against: the case's field values and the day `today()`
/// stands for. The core has no clock: the Probelauf passes the simulated case date, the
/// server passes the real date at run time.
#[derive(Clone, Copy)]
pub struct EvalContext<'a> {
    /// Field values (`None` = field unknown at run time, an error; pass `Some(Value::Null)`
    /// for declared fields without a value).
    pub fields: &'a dyn Fn(&str) -> Option<Value>,
    /// `None` makes `today()` an error ([`EvalError::NoToday`]).
    pub today: Option<Date>,
}

impl<'a> EvalContext<'a> {
    /// `today()` is `today`.
    pub fn on(today: Date, fields: &'a dyn Fn(&str) -> Option<Value>) -> EvalContext<'a> {
        EvalContext {
            fields,
            today: Some(today),
        }
    }

    /// No date for `today()` (checking constants, where the day is not known).
    pub fn without_today(fields: &'a dyn Fn(&str) -> Option<Value>) -> EvalContext<'a> {
        EvalContext {
            fields,
            today: None,
        }
    }
}

/// Evaluates an expression in a context.
pub fn eval(e: &Expr, ctx: &EvalContext<'_>) -> Result<Value, EvalError> {
    match &e.kind {
        ExprKind::Number(n) => Ok(Value::Number(*n)),
        ExprKind::Text(s) => Ok(Value::Text(s.clone())),
        ExprKind::Bool(b) => Ok(Value::Bool(*b)),
        ExprKind::Null => Ok(Value::Null),
        ExprKind::Date(d) => Ok(Value::Date(*d)),
        ExprKind::Duration(d) => Ok(Value::Duration(*d)),
        ExprKind::Today => ctx.today.map(Value::Date).ok_or(EvalError::NoToday),
        ExprKind::Field(name) => {
            (ctx.fields)(name).ok_or_else(|| EvalError::MissingField(name.clone()))
        }
        ExprKind::Neg(inner) => match eval(inner, ctx)? {
            Value::Null => Ok(Value::Null),
            Value::Number(n) => n
                .checked_neg()
                .map(Value::Number)
                .ok_or(EvalError::Overflow),
            Value::Duration(d) => Ok(Value::Duration(d.negated())),
            other => Err(type_error("-", &other, &other)),
        },
        ExprKind::Not(inner) => match eval(inner, ctx)? {
            Value::Null => Ok(Value::Null),
            Value::Bool(b) => Ok(Value::Bool(!b)),
            other => Err(type_error("not", &other, &other)),
        },
        ExprKind::Binary(op, l, r) => {
            let op = *op;
            match op {
                BinOp::And | BinOp::Or => {
                    let decisive = op == BinOp::Or;
                    let lv = eval(l, ctx)?;
                    let lb = as_tri(&lv).ok_or_else(|| type_error(op.symbol(), &lv, &lv))?;
                    if lb == Some(decisive) {
                        return Ok(Value::Bool(decisive));
                    }
                    let rv = eval(r, ctx)?;
                    let rb = as_tri(&rv).ok_or_else(|| type_error(op.symbol(), &lv, &rv))?;
                    Ok(match (lb, rb) {
                        (_, Some(b)) if b == decisive => Value::Bool(decisive),
                        (Some(_), Some(_)) => Value::Bool(!decisive),
                        _ => Value::Null,
                    })
                }
                _ => {
                    let lv = eval(l, ctx)?;
                    let rv = eval(r, ctx)?;
                    binary_values(op, lv, rv)
                }
            }
        }
    }
}

fn as_tri(v: &Value) -> Option<Option<bool>> {
    match v {
        Value::Bool(b) => Some(Some(*b)),
        Value::Null => Some(None),
        _ => None,
    }
}

fn type_error(op: &'static str, l: &Value, r: &Value) -> EvalError {
    EvalError::Type {
        op,
        left: l.value_type().name_en(),
        right: r.value_type().name_en(),
    }
}

pub(super) fn compare(l: &Value, r: &Value) -> Option<Ordering> {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (
            Value::Duration(FeelDuration::YearsMonths(a)),
            Value::Duration(FeelDuration::YearsMonths(b)),
        )
        | (
            Value::Duration(FeelDuration::DaysTime(a)),
            Value::Duration(FeelDuration::DaysTime(b)),
        ) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn binary_values(op: BinOp, lv: Value, rv: Value) -> Result<Value, EvalError> {
    let sym = op.symbol();
    match op {
        BinOp::Eq | BinOp::Ne => {
            let eq = match (&lv, &rv) {
                (Value::Null, Value::Null) => true,
                (Value::Null, _) | (_, Value::Null) => false,
                _ => compare(&lv, &rv).ok_or_else(|| type_error(sym, &lv, &rv))? == Ordering::Equal,
            };
            Ok(Value::Bool(eq == (op == BinOp::Eq)))
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            if lv == Value::Null || rv == Value::Null {
                return Ok(Value::Null);
            }
            if matches!(lv, Value::Bool(_)) {
                return Err(type_error(sym, &lv, &rv));
            }
            let ord = compare(&lv, &rv).ok_or_else(|| type_error(sym, &lv, &rv))?;
            Ok(Value::Bool(match op {
                BinOp::Lt => ord == Ordering::Less,
                BinOp::Le => ord != Ordering::Greater,
                BinOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => match (lv, rv) {
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            (Value::Number(a), Value::Number(b)) => {
                let r = match op {
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    _ => {
                        if b.is_zero() {
                            return Err(EvalError::DivisionByZero);
                        }
                        a.checked_div(b)
                    }
                };
                r.map(Value::Number).ok_or(EvalError::Overflow)
            }
            (Value::Text(a), Value::Text(b)) if op == BinOp::Add => Ok(Value::Text(a + &b)),
            (a, b) => temporal_values(op, &a, &b).unwrap_or_else(|| Err(type_error(sym, &a, &b))),
        },
        BinOp::And | BinOp::Or => Err(type_error(sym, &lv, &rv)),
    }
}

/// Date and duration arithmetic (see [`temporal`]); `None` if the operands are not temporal.
fn temporal_values(op: BinOp, l: &Value, r: &Value) -> Option<Result<Value, EvalError>> {
    let date = |d: Option<Date>| Ok(Value::Date(d.ok_or(EvalError::DateOutOfRange)?));
    Some(match (op, l, r) {
        (BinOp::Add, Value::Date(d), Value::Duration(x))
        | (BinOp::Add, Value::Duration(x), Value::Date(d)) => date(temporal::add_duration(*d, *x)),
        (BinOp::Sub, Value::Date(d), Value::Duration(x)) => {
            date(temporal::add_duration(*d, x.negated()))
        }
        (BinOp::Sub, Value::Date(a), Value::Date(b)) => {
            Ok(Value::Duration(temporal::between(*a, *b)))
        }
        (BinOp::Add | BinOp::Sub, Value::Duration(a), Value::Duration(b)) => {
            temporal::combine(op, *a, *b)
                .map(Value::Duration)
                .ok_or_else(|| type_error(op.symbol(), l, r))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;
    use crate::expr::{Decimal, FeelDuration};

    #[test]
    fn evaluates_exactly_with_feel_null_semantics() {
        assert_eq!(
            ev("betrag * 2"),
            Ok(Value::Number(Decimal::parse("2469.12").unwrap()))
        );
        assert_eq!(
            ev("betrag > 1234.55 and betrag < 1234.57"),
            Ok(Value::Bool(true))
        );
        assert_eq!(ev("0.1 + 0.2 = 0.3"), Ok(Value::Bool(true)));
        assert_eq!(
            ev("fahrbahnBetroffen = true or dauerTage > 30"),
            Ok(Value::Bool(true))
        );
        assert_eq!(ev("beginn >= date(\"2026-03-01\")"), Ok(Value::Bool(true)));
        assert_eq!(ev("name + \"!\""), Ok(Value::Text("Muster!".into())));
        assert_eq!(ev("leer = null"), Ok(Value::Bool(true)));
        assert_eq!(ev("leer != 1"), Ok(Value::Bool(true)));
        assert_eq!(ev("leer > 1"), Ok(Value::Null));
        assert_eq!(ev("leer + 1"), Ok(Value::Null));
        assert_eq!(ev("leer > 1 and false"), Ok(Value::Bool(false)));
        assert_eq!(ev("leer > 1 or true"), Ok(Value::Bool(true)));
        assert_eq!(ev("leer > 1 or false"), Ok(Value::Null));
        assert_eq!(ev("not(leer > 1)"), Ok(Value::Null));
        assert_eq!(ev("false and unbekannt"), Ok(Value::Bool(false)));
        assert_eq!(
            ev("unbekannt"),
            Err(EvalError::MissingField("unbekannt".into()))
        );
        assert_eq!(ev("1 / 0"), Err(EvalError::DivisionByZero));
        assert!(matches!(ev("1 < \"a\""), Err(EvalError::Type { .. })));
        assert!(matches!(ev("1 and true"), Err(EvalError::Type { .. })));
        assert!(matches!(ev("true < false"), Err(EvalError::Type { .. })));
        assert_eq!(ev("-(2 - 5)"), Ok(Value::int(3)));
        assert_eq!(
            ev("10 / 4"),
            Ok(Value::Number(Decimal::parse("2.5").unwrap()))
        );
    }

    #[test]
    fn evaluates_dates_and_durations_like_feel() {
        let date = |s: &str| Value::Date(Date::parse(s).unwrap());
        let dur = |s: &str| Value::Duration(FeelDuration::parse(s).unwrap());
        // reiseEnde = 2026-01-31, antragsDatum = 2026-07-31, today() = 2026-08-31.
        assert_eq!(ev("reiseEnde + duration(\"P1M\")"), Ok(date("2026-02-28")));
        assert_eq!(ev("reiseEnde + duration(\"P6M\")"), Ok(date("2026-07-31")));
        assert_eq!(
            ev("antragsDatum <= reiseEnde + duration(\"P6M\")"),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            ev("today() <= reiseEnde + duration(\"P6M\")"),
            Ok(Value::Bool(false))
        );
        assert_eq!(ev("duration(\"P6M\") + reiseEnde"), Ok(date("2026-07-31")));
        assert_eq!(
            ev("antragsDatum - duration(\"P1Y\")"),
            Ok(date("2025-07-31"))
        );
        assert_eq!(ev("reiseEnde + duration(\"P29D\")"), Ok(date("2026-03-01")));
        assert_eq!(ev("reiseEnde - duration(\"PT1S\")"), Ok(date("2026-01-30")));
        assert_eq!(ev("antragsDatum - reiseEnde"), Ok(dur("P181D")));
        assert_eq!(ev("reiseEnde - antragsDatum"), Ok(dur("-P181D")));
        assert_eq!(ev("duration(\"P1Y\") - duration(\"P2M\")"), Ok(dur("P10M")));
        assert_eq!(
            ev("-duration(\"PT2H\") + duration(\"P1D\")"),
            Ok(dur("PT22H"))
        );
        assert_eq!(
            ev("duration(\"P18M\") = duration(\"P1Y6M\")"),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            ev("duration(\"PT48H\") > duration(\"P1D\")"),
            Ok(Value::Bool(true))
        );
        assert_eq!(ev("leer + duration(\"P1D\")"), Ok(Value::Null));
        assert_eq!(ev("today()"), Ok(date("2026-08-31")));
        assert!(matches!(
            ev("duration(\"P1M\") < duration(\"P30D\")"),
            Err(EvalError::Type { .. })
        ));
        assert!(matches!(
            ev("reiseEnde + antragsDatum"),
            Err(EvalError::Type { .. })
        ));
        assert_eq!(
            ev("date(\"9999-12-31\") + duration(\"P1D\")"),
            Err(EvalError::DateOutOfRange)
        );
        assert_eq!(
            eval(&p("today()"), &EvalContext::without_today(&env)),
            Err(EvalError::NoToday)
        );
    }
}
