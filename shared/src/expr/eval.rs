//! Evaluation with exact decimals and FEEL null semantics.

use std::cmp::Ordering;

use super::ast::{BinOp, Expr, ExprKind, Value};
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
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Evaluates an expression; `lookup` gives field values (`None` = field unknown at run time,
/// an error; pass `Some(Value::Null)` for declared fields without a value).
pub fn eval(e: &Expr, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Value, EvalError> {
    match &e.kind {
        ExprKind::Number(n) => Ok(Value::Number(*n)),
        ExprKind::Text(s) => Ok(Value::Text(s.clone())),
        ExprKind::Bool(b) => Ok(Value::Bool(*b)),
        ExprKind::Null => Ok(Value::Null),
        ExprKind::Date(d) => Ok(Value::Date(*d)),
        ExprKind::Field(name) => lookup(name).ok_or_else(|| EvalError::MissingField(name.clone())),
        ExprKind::Neg(inner) => match eval(inner, lookup)? {
            Value::Null => Ok(Value::Null),
            Value::Number(n) => n
                .checked_neg()
                .map(Value::Number)
                .ok_or(EvalError::Overflow),
            other => Err(type_error("-", &other, &other)),
        },
        ExprKind::Not(inner) => match eval(inner, lookup)? {
            Value::Null => Ok(Value::Null),
            Value::Bool(b) => Ok(Value::Bool(!b)),
            other => Err(type_error("not", &other, &other)),
        },
        ExprKind::Binary(op, l, r) => {
            let op = *op;
            match op {
                BinOp::And | BinOp::Or => {
                    let decisive = op == BinOp::Or;
                    let lv = eval(l, lookup)?;
                    let lb = as_tri(&lv).ok_or_else(|| type_error(op.symbol(), &lv, &lv))?;
                    if lb == Some(decisive) {
                        return Ok(Value::Bool(decisive));
                    }
                    let rv = eval(r, lookup)?;
                    let rb = as_tri(&rv).ok_or_else(|| type_error(op.symbol(), &lv, &rv))?;
                    Ok(match (lb, rb) {
                        (_, Some(b)) if b == decisive => Value::Bool(decisive),
                        (Some(_), Some(_)) => Value::Bool(!decisive),
                        _ => Value::Null,
                    })
                }
                _ => {
                    let lv = eval(l, lookup)?;
                    let rv = eval(r, lookup)?;
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
            (a, b) => Err(type_error(sym, &a, &b)),
        },
        BinOp::And | BinOp::Or => Err(type_error(sym, &lv, &rv)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;
    use crate::expr::Decimal;

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
}
