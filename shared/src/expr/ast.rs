//! Values, types and the syntax tree.

use std::fmt;

use super::print::quote;
use super::temporal::FeelDuration;
use crate::model::FieldType;
use crate::values::{Date, Decimal, Money};
// ---------------------------------------------------------------------------------------------
// Values and types

/// A run-time value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Decimal),
    Text(String),
    Date(Date),
    Duration(FeelDuration),
}

impl Value {
    /// A money field's value: a number of euros.
    pub fn money(m: Money) -> Value {
        Value::Number(Decimal::from_money(m))
    }

    pub fn int(v: i64) -> Value {
        Value::Number(Decimal::from_int(v))
    }

    pub fn value_type(&self) -> ExprType {
        match self {
            Value::Null => ExprType::Null,
            Value::Bool(_) => ExprType::Bool,
            Value::Number(_) => ExprType::Number,
            Value::Text(_) => ExprType::Text,
            Value::Date(_) => ExprType::Date,
            Value::Duration(d) => d.expr_type(),
        }
    }
}

impl fmt::Display for Value {
    /// FEEL literal form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(&quote(s)),
            Value::Date(d) => write!(f, "date(\"{d}\")"),
            Value::Duration(d) => write!(f, "duration(\"{d}\")"),
        }
    }
}

/// Static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExprType {
    /// Only the literal `null` has this type.
    Null,
    Bool,
    Number,
    Text,
    Date,
    /// `duration("P6M")`: whole months.
    YearsMonthsDuration,
    /// `duration("P14D")`, `date - date`: days, hours, minutes, seconds.
    DaysTimeDuration,
}

impl ExprType {
    /// The type a declared field has in expressions (money → number of euros, enum → text).
    pub fn of_field(t: FieldType) -> ExprType {
        match t {
            FieldType::Money | FieldType::Int => ExprType::Number,
            FieldType::Date => ExprType::Date,
            FieldType::Bool => ExprType::Bool,
            FieldType::Enum | FieldType::Text => ExprType::Text,
        }
    }

    pub fn name_de(self) -> &'static str {
        match self {
            ExprType::Null => "leer (null)",
            ExprType::Bool => "Wahrheitswert",
            ExprType::Number => "Zahl",
            ExprType::Text => "Text",
            ExprType::Date => "Datum",
            ExprType::YearsMonthsDuration => "Dauer in Jahren/Monaten",
            ExprType::DaysTimeDuration => "Dauer in Tagen/Zeit",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ExprType::Null => "null",
            ExprType::Bool => "boolean",
            ExprType::Number => "number",
            ExprType::Text => "text",
            ExprType::Date => "date",
            ExprType::YearsMonthsDuration => "years-and-months duration",
            ExprType::DaysTimeDuration => "days-and-time duration",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

/// Byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(super) fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    pub(super) fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul | BinOp::Div => 5,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == 3
    }

    pub(super) fn is_ordering(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }

    /// `a op b` ⇔ `b flipped a`.
    pub(super) fn flipped(self) -> BinOp {
        match self {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            other => other,
        }
    }

    /// The ordering comparison that holds exactly when this one does not (both exclude null).
    pub(super) fn negated_ordering(self) -> Option<BinOp> {
        match self {
            BinOp::Lt => Some(BinOp::Ge),
            BinOp::Le => Some(BinOp::Gt),
            BinOp::Gt => Some(BinOp::Le),
            BinOp::Ge => Some(BinOp::Lt),
            _ => None,
        }
    }
}

/// A parsed expression with its position in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Number(Decimal),
    Text(String),
    Bool(bool),
    Null,
    Date(Date),
    Duration(FeelDuration),
    /// `today()`: the date the evaluation context gives.
    Today,
    Field(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    pub(super) fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// True if the expression is just a reference to a field.
    pub fn as_field(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Field(name) => Some(name),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fields used

/// Distinct field names in order of first appearance.
pub fn fields_used(e: &Expr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Field(f) if !out.contains(f) => out.push(f.clone()),
            ExprKind::Neg(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary(_, l, r) => {
                stack.push(r);
                stack.push(l);
            }
            _ => {}
        }
    }
    out
}

/// True if the expression calls `today()`, so its value depends on the evaluation's day.
pub fn uses_today(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Today => return true,
            ExprKind::Neg(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary(_, l, r) => {
                stack.push(r);
                stack.push(l);
            }
            _ => {}
        }
    }
    false
}

/// Every field reference with its position, in source order.
pub fn field_refs(e: &Expr) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Field(f) => out.push((f.as_str(), e.span)),
            ExprKind::Neg(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary(_, l, r) => {
                stack.push(r);
                stack.push(l);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn lists_fields_used() {
        assert_eq!(
            fields_used(&p("b > 1 and (a = 2 or b < 3) and not(c)")),
            vec!["b", "a", "c"]
        );
        assert!(fields_used(&p("1 + 2")).is_empty());
        assert!(uses_today(&p("a and not(-(today() - b) > c)")));
        assert!(!uses_today(&p("today > date(\"2026-01-01\")")));
    }
}
