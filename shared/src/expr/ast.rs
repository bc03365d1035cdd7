//! Exact numbers, dates, values, types and the syntax tree.

use std::fmt;

use super::print::quote;
use super::temporal::FeelDuration;
use crate::model::FieldType;
use crate::values::Money;
// ---------------------------------------------------------------------------------------------
// Exact numbers

/// An exact decimal number with [`Decimal::FRACTION_DIGITS`] fraction digits (an `i128` count
/// of millionths). Multiplication and division round half away from zero (kaufmännisch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i128);

const SCALE: i128 = 1_000_000;

impl Decimal {
    pub const FRACTION_DIGITS: usize = 6;
    pub const ZERO: Decimal = Decimal(0);

    /// From the raw count of millionths.
    pub const fn from_units(units: i128) -> Decimal {
        Decimal(units)
    }

    /// The raw count of millionths.
    pub const fn units(self) -> i128 {
        self.0
    }

    pub fn from_int(v: i64) -> Decimal {
        Decimal(i128::from(v) * SCALE)
    }

    /// A money amount as a number of euros (`Money(150)` → `1.5`).
    pub fn from_money(m: Money) -> Decimal {
        Decimal(i128::from(m.cents()) * (SCALE / 100))
    }

    /// The amount in whole cents, if the number has at most two decimals and fits.
    pub fn to_money(self) -> Option<Money> {
        let per_cent = SCALE / 100;
        if self.0 % per_cent != 0 {
            return None;
        }
        i64::try_from(self.0 / per_cent).ok().map(Money)
    }

    /// Parses `12`, `-12`, `12.5`, `.5` (plain notation, at most six decimals).
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return None;
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = frac_part.unwrap_or("");
        if (frac_part.is_some() && frac.is_empty())
            || frac.len() > Self::FRACTION_DIGITS
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut units: i128 = 0;
        for b in int_part.bytes() {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        units = units.checked_mul(SCALE)?;
        let mut frac_units: i128 = 0;
        for (i, b) in frac.bytes().enumerate() {
            let place = 10_i128.pow((Self::FRACTION_DIGITS - 1 - i) as u32);
            frac_units += i128::from(b - b'0') * place;
        }
        units = units.checked_add(frac_units)?;
        Some(Decimal(if neg { -units } else { units }))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_neg(self) -> Option<Decimal> {
        self.0.checked_neg().map(Decimal)
    }

    pub fn checked_add(self, o: Decimal) -> Option<Decimal> {
        self.0.checked_add(o.0).map(Decimal)
    }

    pub fn checked_sub(self, o: Decimal) -> Option<Decimal> {
        self.0.checked_sub(o.0).map(Decimal)
    }

    pub fn checked_mul(self, o: Decimal) -> Option<Decimal> {
        div_round(self.0.checked_mul(o.0)?, SCALE).map(Decimal)
    }

    /// `None` on division by zero or overflow.
    pub fn checked_div(self, o: Decimal) -> Option<Decimal> {
        if o.0 == 0 {
            return None;
        }
        div_round(self.0.checked_mul(SCALE)?, o.0).map(Decimal)
    }

    /// German notation: `1.000,5`.
    pub fn to_german(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain.as_str()),
        };
        let (int_part, frac) = rest.split_once('.').unwrap_or((rest, ""));
        let mut grouped = String::new();
        let digits: Vec<char> = int_part.chars().collect();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).checked_rem(3) == Some(0) {
                grouped.push('.');
            }
            grouped.push(*c);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped},{frac}")
        }
    }
}

/// `n / d` rounded half away from zero; `None` if `d == 0` or the result overflows.
fn div_round(n: i128, d: i128) -> Option<i128> {
    if d == 0 {
        return None;
    }
    let (un, ud) = (n.unsigned_abs(), d.unsigned_abs());
    let mut q = un / ud;
    let r = un % ud;
    if r >= ud - r {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    Some(if (n < 0) != (d < 0) { -q } else { q })
}

impl fmt::Display for Decimal {
    /// Canonical plain form without trailing zeros: `2.5`, `1000`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let int_part = abs / SCALE.unsigned_abs();
        let frac = abs % SCALE.unsigned_abs();
        if frac == 0 {
            write!(f, "{sign}{int_part}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int_part}.{}", digits.trim_end_matches('0'))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// A calendar date (proleptic Gregorian), years 1–9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let div = |d: u16| year.checked_rem(d) == Some(0);
        let leap = (div(4) && !div(100)) || div(400);
        let max = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (day <= max).then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |s: &str| -> Option<u16> {
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        let year = num(text.get(0..4)?)?;
        let month = u8::try_from(num(text.get(5..7)?)?).ok()?;
        let day = u8::try_from(num(text.get(8..10)?)?).ok()?;
        Date::new(year, month, day)
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

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
    fn decimals_are_exact() {
        assert_eq!(
            Decimal::parse("0.1")
                .unwrap()
                .checked_add(Decimal::parse("0.2").unwrap()),
            Decimal::parse("0.3")
        );
        assert_eq!(Decimal::parse("2.5").unwrap().to_string(), "2.5");
        assert_eq!(Decimal::parse("-0.05").unwrap().to_string(), "-0.05");
        assert_eq!(Decimal::parse("1000.00").unwrap().to_string(), "1000");
        assert_eq!(Decimal::parse(".5").unwrap().to_string(), "0.5");
        assert_eq!(Decimal::parse("1.0000001"), None);
        assert_eq!(Decimal::parse("1."), None);
        assert_eq!(Decimal::parse(""), None);
        assert_eq!(Decimal::parse("."), None);
        assert_eq!(Decimal::from_money(Money(12_345)).to_string(), "123.45");
        assert_eq!(
            Decimal::parse("123.45").unwrap().to_money(),
            Some(Money(12_345))
        );
        assert_eq!(Decimal::parse("123.455").unwrap().to_money(), None);
        assert_eq!(
            Decimal::parse("1234567.5").unwrap().to_german(),
            "1.234.567,5"
        );
        // 1 / 3 rounds to six decimals; 2 / 3 rounds half up.
        let one = Decimal::from_int(1);
        assert_eq!(
            one.checked_div(Decimal::from_int(3)).unwrap().to_string(),
            "0.333333"
        );
        assert_eq!(
            Decimal::from_int(2)
                .checked_div(Decimal::from_int(3))
                .unwrap()
                .to_string(),
            "0.666667"
        );
        assert_eq!(
            Decimal::from_int(-2)
                .checked_div(Decimal::from_int(3))
                .unwrap()
                .to_string(),
            "-0.666667"
        );
        assert_eq!(one.checked_div(Decimal::ZERO), None);
        assert_eq!(
            Decimal::from_units(i128::MAX).checked_mul(Decimal::from_int(2)),
            None
        );
        assert_eq!(
            Decimal::from_units(i128::MIN).checked_div(Decimal::from_units(-1)),
            None
        );
    }

    #[test]
    fn dates_validate() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert!(Date::parse("2023-1-01").is_none());
        assert!(Date::parse("2023-01-0x").is_none());
        assert!(Date::parse("２０２３-01-01").is_none());
        assert_eq!(Date::parse("2026-01-31").unwrap().to_string(), "2026-01-31");
    }

    #[test]
    fn lists_fields_used() {
        assert_eq!(
            fields_used(&p("b > 1 and (a = 2 or b < 3) and not(c)")),
            vec!["b", "a", "c"]
        );
        assert!(fields_used(&p("1 + 2")).is_empty());
    }
}
