//! FEEL-subset expressions over case fields (conditions, amounts).
//!
//! Used for Komplexitäts-Weiche rule conditions (`fahrbahnBetroffen = true or dauerTage > 30`)
//! and Zahlung amounts (`50.00`, `gebuehr`, `flaecheQm * 2.5`).
//!
//! Grammar, lowest precedence first:
//!
//! ```text
//! expr       := or
//! or         := and ("or" and)*
//! and        := comparison ("and" comparison)*
//! comparison := sum (("=" | "==" | "!=" | "<" | "<=" | ">" | ">=") sum)?     // not chainable
//! sum        := product (("+" | "-") product)*
//! product    := unary (("*" | "/") unary)*
//! unary      := "-" unary | primary
//! primary    := number | string | "true" | "false" | "null" | "date" "(" string ")"
//!             | "not" "(" expr ")" | field | "(" expr ")"
//! ```
//!
//! Numbers are exact decimals ([`Decimal`], six fraction digits, never `f64`); money fields
//! evaluate to numbers in euros. Null follows FEEL: `null = null` is true, `x != null` is true
//! for any non-null `x`, ordering comparisons and arithmetic with null give null, `and`/`or`
//! are three-valued. Run-time type mismatches and division by zero are errors, not null.
//!
//! Positions in errors are byte offsets into the source text.

use std::cmp::Ordering;
use std::fmt;

use crate::model::{Field, FieldType};
use crate::values::Money;

/// Name of the system field every workflow has: assigned by the Start block, always text.
pub const SYSTEM_FIELD_AKTENZEICHEN: &str = "aktenzeichen";

/// Deepest allowed expression tree (operators nested in operators).
const MAX_TREE_DEPTH: usize = 200;
/// Deepest allowed nesting of parentheses, `not(...)` and unary minus while parsing.
const MAX_NESTING: usize = 64;

/// Words that cannot be field names.
pub const RESERVED_WORDS: &[&str] = &["and", "or", "not", "true", "false", "null", "date"];

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
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ExprType::Null => "null",
            ExprType::Bool => "boolean",
            ExprType::Number => "number",
            ExprType::Text => "text",
            ExprType::Date => "date",
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
    fn to(self, other: Span) -> Span {
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

    fn precedence(self) -> u8 {
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

    fn is_ordering(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }

    /// `a op b` ⇔ `b flipped a`.
    fn flipped(self) -> BinOp {
        match self {
            BinOp::Lt => BinOp::Gt,
            BinOp::Le => BinOp::Ge,
            BinOp::Gt => BinOp::Lt,
            BinOp::Ge => BinOp::Le,
            other => other,
        }
    }

    /// The ordering comparison that holds exactly when this one does not (both exclude null).
    fn negated_ordering(self) -> Option<BinOp> {
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
    Field(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    fn new(kind: ExprKind, span: Span) -> Expr {
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
// Errors

/// Why a text is not an expression: byte position and a German and English message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("position {pos}: {message_en}")]
pub struct ExprError {
    /// Byte offset of the offending token (the text length for "unexpected end").
    pub pos: usize,
    pub message_de: String,
    pub message_en: String,
}

impl ExprError {
    fn new(pos: usize, de: impl Into<String>, en: impl Into<String>) -> ExprError {
        ExprError {
            pos,
            message_de: de.into(),
            message_en: en.into(),
        }
    }
}

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
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok<'s> {
    Num(Decimal),
    Str(String),
    Ident(&'s str),
    LParen,
    RParen,
    Op(BinOp),
}

#[derive(Debug, Clone)]
struct Token<'s> {
    tok: Tok<'s>,
    span: Span,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True if `name` can be used as a field name in expressions.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if is_ident_start(c) => {}
        _ => return false,
    }
    chars.all(is_ident_continue) && !RESERVED_WORDS.contains(&name)
}

fn lex(src: &str) -> Result<Vec<Token<'_>>, ExprError> {
    let mut out = Vec::with_capacity(src.len() / 3 + 1);
    let mut it = src.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }

        match c {
            '0'..='9' | '.' => {
                let mut end = start;
                let mut seen_dot = false;
                while let Some(&(i, d)) = it.peek() {
                    if d.is_ascii_digit() || (d == '.' && !seen_dot) {
                        seen_dot |= d == '.';
                        end = i + 1;
                        it.next();
                    } else {
                        break;
                    }
                }
                let text = src.get(start..end).unwrap_or("");
                let frac_len = text.split_once('.').map_or(0, |(_, f)| f.len());
                if text == "." || text.ends_with('.') {
                    return Err(ExprError::new(
                        start,
                        format!("„{text}“ ist keine Zahl (Ziffern nach dem Punkt fehlen)"),
                        format!("“{text}” is not a number (digits after the point are missing)"),
                    ));
                }
                if frac_len > Decimal::FRACTION_DIGITS {
                    return Err(ExprError::new(
                        start,
                        format!(
                            "„{text}“ hat mehr als {} Nachkommastellen",
                            Decimal::FRACTION_DIGITS
                        ),
                        format!(
                            "“{text}” has more than {} decimals",
                            Decimal::FRACTION_DIGITS
                        ),
                    ));
                }
                let n = Decimal::parse(text).ok_or_else(|| {
                    ExprError::new(
                        start,
                        format!("Die Zahl „{text}“ ist zu groß"),
                        format!("The number “{text}” is too large"),
                    )
                })?;
                out.push(Token {
                    tok: Tok::Num(n),
                    span: Span { start, end },
                });
            }
            '"' => {
                it.next();
                let mut s = String::new();
                let mut end = None;
                while let Some((i, d)) = it.next() {
                    match d {
                        '"' => {
                            end = Some(i + 1);
                            break;
                        }
                        '\\' => match it.next() {
                            Some((_, '"')) => s.push('"'),
                            Some((_, '\\')) => s.push('\\'),
                            Some((_, 'n')) => s.push('\n'),
                            Some((_, 't')) => s.push('\t'),
                            Some((j, other)) => {
                                return Err(ExprError::new(
                                    j,
                                    format!("Unbekannte Escape-Folge „\\{other}“ im Text"),
                                    format!("Unknown escape sequence “\\{other}” in text"),
                                ))
                            }
                            None => break,
                        },
                        other => s.push(other),
                    }
                }
                let end = end.ok_or_else(|| {
                    ExprError::new(
                        start,
                        "Der Text ist nicht mit \" abgeschlossen",
                        "The text is not closed with \"",
                    )
                })?;
                out.push(Token {
                    tok: Tok::Str(s),
                    span: Span { start, end },
                });
            }
            c if is_ident_start(c) => {
                let mut end = start;
                while let Some(&(i, d)) = it.peek() {
                    if is_ident_continue(d) {
                        end = i + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                let name = src.get(start..end).unwrap_or("");
                out.push(Token {
                    tok: Tok::Ident(name),
                    span: Span { start, end },
                });
            }
            '(' => {
                it.next();
                out.push(Token {
                    tok: Tok::LParen,
                    span: Span {
                        start,
                        end: start + 1,
                    },
                });
            }
            ')' => {
                it.next();
                out.push(Token {
                    tok: Tok::RParen,
                    span: Span {
                        start,
                        end: start + 1,
                    },
                });
            }
            '+' | '-' | '*' | '/' => {
                it.next();
                let op = match c {
                    '+' => BinOp::Add,
                    '-' => BinOp::Sub,
                    '*' => BinOp::Mul,
                    _ => BinOp::Div,
                };
                out.push(Token {
                    tok: Tok::Op(op),
                    span: Span {
                        start,
                        end: start + 1,
                    },
                });
            }
            '=' | '<' | '>' | '!' => {
                it.next();
                let next_is_eq = matches!(it.peek(), Some(&(_, '=')));
                if next_is_eq {
                    it.next();
                }
                let (op, len) = match (c, next_is_eq) {
                    ('=', true) => (BinOp::Eq, 2),
                    ('=', false) => (BinOp::Eq, 1),
                    ('<', true) => (BinOp::Le, 2),
                    ('<', false) => (BinOp::Lt, 1),
                    ('>', true) => (BinOp::Ge, 2),
                    ('>', false) => (BinOp::Gt, 1),
                    ('!', true) => (BinOp::Ne, 2),
                    _ => {
                        return Err(ExprError::new(
                            start,
                            "„!“ allein gibt es nicht – verneinen Sie mit not(…)",
                            "“!” on its own does not exist – negate with not(…)",
                        ))
                    }
                };
                out.push(Token {
                    tok: Tok::Op(op),
                    span: Span {
                        start,
                        end: start + len,
                    },
                });
            }
            '&' | '|' => {
                let word = if c == '&' { "and" } else { "or" };
                return Err(ExprError::new(
                    start,
                    format!("„{c}“ gibt es nicht – schreiben Sie „{word}“"),
                    format!("“{c}” does not exist – write “{word}”"),
                ));
            }
            ',' => {
                return Err(ExprError::new(
                    start,
                    "„,“ ist hier nicht erlaubt – Dezimalzahlen mit Punkt schreiben (z. B. 2.5)",
                    "“,” is not allowed here – write decimals with a point (e.g. 2.5)",
                ))
            }
            '€' => {
                return Err(ExprError::new(
                    start,
                    "Beträge ohne „€“ schreiben (z. B. 50.00)",
                    "Write amounts without “€” (e.g. 50.00)",
                ))
            }
            other => {
                return Err(ExprError::new(
                    start,
                    format!("Unerwartetes Zeichen „{other}“"),
                    format!("Unexpected character “{other}”"),
                ))
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(ExprError::new(
            0,
            "Der Ausdruck ist leer",
            "The expression is empty",
        ));
    }
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        nesting: 0,
    };
    let (e, _) = p.or()?;
    if let Some(t) = p.toks.get(p.pos) {
        let text = p.text(t.span);
        return Err(ExprError::new(
            t.span.start,
            format!("Unerwartet: „{text}“ (Operator oder Ende erwartet)"),
            format!("Unexpected “{text}” (expected an operator or the end)"),
        ));
    }
    Ok(e)
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token<'s>>,
    pos: usize,
    nesting: usize,
}

type Parsed = Result<(Expr, usize), ExprError>;

impl<'s> Parser<'s> {
    fn text(&self, span: Span) -> &str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    fn peek(&self) -> Option<&Token<'s>> {
        self.toks.get(self.pos)
    }

    fn peek_op(&self) -> Option<BinOp> {
        match self.peek().map(|t| &t.tok) {
            Some(Tok::Op(op)) => Some(*op),
            Some(Tok::Ident("and")) => Some(BinOp::And),
            Some(Tok::Ident("or")) => Some(BinOp::Or),
            _ => None,
        }
    }

    fn peek_is_lparen_at(&self, i: usize) -> bool {
        matches!(self.toks.get(i).map(|t| &t.tok), Some(Tok::LParen))
    }

    fn end_pos(&self) -> usize {
        self.src.len()
    }

    fn binary(&self, op: BinOp, (l, dl): (Expr, usize), (r, dr): (Expr, usize)) -> Parsed {
        let depth = 1 + dl.max(dr);
        let span = l.span.to(r.span);
        if depth > MAX_TREE_DEPTH {
            return Err(ExprError::new(
                span.start,
                "Der Ausdruck ist zu tief verschachtelt – bitte vereinfachen",
                "The expression is nested too deeply – please simplify it",
            ));
        }
        Ok((
            Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span),
            depth,
        ))
    }

    fn enter(&mut self, pos: usize) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ExprError::new(
                pos,
                "Zu viele verschachtelte Klammern – bitte vereinfachen",
                "Too many nested parentheses – please simplify",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    fn left_assoc(&mut self, ops: &[BinOp], next: fn(&mut Self) -> Parsed) -> Parsed {
        let mut lhs = next(self)?;
        while let Some(op) = self.peek_op().filter(|op| ops.contains(op)) {
            self.pos += 1;
            let rhs = next(self)?;
            lhs = self.binary(op, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn or(&mut self) -> Parsed {
        self.left_assoc(&[BinOp::Or], Self::and)
    }

    fn and(&mut self) -> Parsed {
        self.left_assoc(&[BinOp::And], Self::comparison)
    }

    fn comparison(&mut self) -> Parsed {
        let lhs = self.sum()?;
        let Some(op) = self.peek_op().filter(|op| op.is_comparison()) else {
            return Ok(lhs);
        };
        self.pos += 1;
        let rhs = self.sum()?;
        if let Some(op2) = self.peek_op().filter(|op| op.is_comparison()) {
            let pos = self.peek().map_or(0, |t| t.span.start);
            return Err(ExprError::new(
                pos,
                format!(
                    "Vergleiche lassen sich nicht verketten („{}“ nach „{}“) – verbinden Sie sie mit „and“",
                    op2.symbol(),
                    op.symbol()
                ),
                format!(
                    "Comparisons cannot be chained (“{}” after “{}”) – join them with “and”",
                    op2.symbol(),
                    op.symbol()
                ),
            ));
        }
        self.binary(op, lhs, rhs)
    }

    fn sum(&mut self) -> Parsed {
        self.left_assoc(&[BinOp::Add, BinOp::Sub], Self::product)
    }

    fn product(&mut self) -> Parsed {
        self.left_assoc(&[BinOp::Mul, BinOp::Div], Self::unary)
    }

    fn unary(&mut self) -> Parsed {
        let Some(t) = self.peek() else {
            return Err(self.expected_value());
        };
        if t.tok != Tok::Op(BinOp::Sub) {
            return self.primary();
        }
        let start = t.span.start;
        self.pos += 1;
        self.enter(start)?;
        let (inner, d) = self.unary()?;
        self.leave();
        let span = Span {
            start,
            end: inner.span.end,
        };
        // Fold `-5` into a negative literal so that to_feel(parse(s)) is a fixpoint.
        if let ExprKind::Number(n) = inner.kind {
            let neg = n
                .checked_neg()
                .ok_or_else(|| ExprError::new(start, "Zahl zu groß", "Number too large"))?;
            return Ok((Expr::new(ExprKind::Number(neg), span), d));
        }
        if d + 1 > MAX_TREE_DEPTH {
            return Err(ExprError::new(
                start,
                "Der Ausdruck ist zu tief verschachtelt",
                "The expression is nested too deeply",
            ));
        }
        Ok((Expr::new(ExprKind::Neg(Box::new(inner)), span), d + 1))
    }

    fn expected_value(&self) -> ExprError {
        match self.peek() {
            Some(t) => {
                let text = self.text(t.span);
                ExprError::new(
                    t.span.start,
                    format!("Wert erwartet (Zahl, Text, Feld oder Klammer), gefunden: „{text}“"),
                    format!(
                        "Expected a value (number, text, field or parenthesis), found “{text}”"
                    ),
                )
            }
            None => ExprError::new(
                self.end_pos(),
                "Der Ausdruck endet zu früh – hier fehlt ein Wert",
                "The expression ends too early – a value is missing here",
            ),
        }
    }

    fn expect_rparen(&mut self, open: Span) -> Result<Span, ExprError> {
        match self.peek() {
            Some(Token {
                tok: Tok::RParen,
                span,
            }) => {
                let span = *span;
                self.pos += 1;
                Ok(span)
            }
            Some(t) => {
                let text = self.text(t.span);
                Err(ExprError::new(
                    t.span.start,
                    format!(
                        "„)“ erwartet, gefunden: „{text}“ (Klammer an Stelle {} offen)",
                        open.start
                    ),
                    format!(
                        "Expected “)”, found “{text}” (parenthesis at position {} is open)",
                        open.start
                    ),
                ))
            }
            None => Err(ExprError::new(
                self.end_pos(),
                format!(
                    "Die Klammer an Stelle {} wird nicht geschlossen",
                    open.start
                ),
                format!("The parenthesis at position {} is never closed", open.start),
            )),
        }
    }

    fn primary(&mut self) -> Parsed {
        let Some(t) = self.peek().cloned() else {
            return Err(self.expected_value());
        };
        match t.tok {
            Tok::Num(n) => {
                self.pos += 1;
                Ok((Expr::new(ExprKind::Number(n), t.span), 1))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok((Expr::new(ExprKind::Text(s), t.span), 1))
            }
            Tok::LParen => {
                self.pos += 1;
                self.enter(t.span.start)?;
                let (inner, d) = self.or()?;
                self.leave();
                let close = self.expect_rparen(t.span)?;
                // Parentheses are not kept in the tree, but the span covers them.
                Ok((
                    Expr {
                        kind: inner.kind,
                        span: t.span.to(close),
                    },
                    d,
                ))
            }
            Tok::Ident(w) if w == "true" || w == "false" => {
                self.pos += 1;
                Ok((Expr::new(ExprKind::Bool(w == "true"), t.span), 1))
            }
            Tok::Ident("null") => {
                self.pos += 1;
                Ok((Expr::new(ExprKind::Null, t.span), 1))
            }
            Tok::Ident("not") if self.peek_is_lparen_at(self.pos + 1) => {
                let open = self.toks.get(self.pos + 1).map_or(t.span, |o| o.span);
                self.pos += 2;
                self.enter(t.span.start)?;
                let (inner, d) = self.or()?;
                self.leave();
                let close = self.expect_rparen(open)?;
                if d + 1 > MAX_TREE_DEPTH {
                    return Err(ExprError::new(
                        t.span.start,
                        "Der Ausdruck ist zu tief verschachtelt",
                        "The expression is nested too deeply",
                    ));
                }
                Ok((
                    Expr::new(ExprKind::Not(Box::new(inner)), t.span.to(close)),
                    d + 1,
                ))
            }
            Tok::Ident("date") if self.peek_is_lparen_at(self.pos + 1) => {
                let open = self.toks.get(self.pos + 1).map_or(t.span, |o| o.span);
                self.pos += 2;
                let date = match self.peek().cloned() {
                    Some(Token {
                        tok: Tok::Str(s),
                        span,
                    }) => {
                        self.pos += 1;
                        Date::parse(&s).ok_or_else(|| {
                            ExprError::new(
                                span.start,
                                format!("„{s}“ ist kein gültiges Datum (JJJJ-MM-TT, z. B. \"2026-01-31\")"),
                                format!("“{s}” is not a valid date (YYYY-MM-DD, e.g. \"2026-01-31\")"),
                            )
                        })?
                    }
                    Some(other) => {
                        return Err(ExprError::new(
                            other.span.start,
                            "date(…) erwartet einen Text wie \"2026-01-31\"",
                            "date(…) expects a text such as \"2026-01-31\"",
                        ))
                    }
                    None => return Err(self.expected_value()),
                };
                let close = self.expect_rparen(open)?;
                Ok((Expr::new(ExprKind::Date(date), t.span.to(close)), 1))
            }
            Tok::Ident(w) if RESERVED_WORDS.contains(&w) => Err(ExprError::new(
                t.span.start,
                format!("Wert erwartet, gefunden: „{w}“"),
                format!("Expected a value, found “{w}”"),
            )),
            Tok::Ident(w) => {
                self.pos += 1;
                Ok((Expr::new(ExprKind::Field(w.to_string()), t.span), 1))
            }
            Tok::RParen | Tok::Op(_) => Err(self.expected_value()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical text

/// Canonical FEEL text: single spaces around operators, `=` for equality, minimal parentheses,
/// numbers without trailing zeros. `parse(to_feel(e))` gives `e` again (up to positions).
pub fn to_feel(e: &Expr) -> String {
    let mut s = String::new();
    write_feel(e, &mut s);
    s
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => op.precedence(),
        ExprKind::Neg(_) => 6,
        // A negative literal behaves like a unary minus.
        ExprKind::Number(n) if n.is_negative() => 6,
        _ => 7,
    }
}

fn write_feel(e: &Expr, out: &mut String) {
    let child = |c: &Expr, parens: bool, out: &mut String| {
        if parens {
            out.push('(');
        }
        write_feel(c, out);
        if parens {
            out.push(')');
        }
    };
    match &e.kind {
        ExprKind::Number(n) => out.push_str(&n.to_string()),
        ExprKind::Text(s) => out.push_str(&quote(s)),
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Null => out.push_str("null"),
        ExprKind::Date(d) => out.push_str(&format!("date(\"{d}\")")),
        ExprKind::Field(f) => out.push_str(f),
        ExprKind::Neg(inner) => {
            out.push('-');
            child(inner, matches!(inner.kind, ExprKind::Binary(..)), out);
        }
        ExprKind::Not(inner) => {
            out.push_str("not(");
            write_feel(inner, out);
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            let p = op.precedence();
            let lp = prec(l);
            let rp = prec(r);
            let cmp = op.is_comparison();
            child(l, lp < p || (cmp && lp == p), out);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            child(r, rp <= p, out);
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

fn compare(l: &Value, r: &Value) -> Option<Ordering> {
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

// ---------------------------------------------------------------------------------------------
// Constant folding and rule subsumption

/// The value of an expression that does not depend on any field (with `or`/`and` decided by one
/// side where possible: `x > 1 or true` is true). `None` if it depends on fields or fails.
pub fn constant_value(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Binary(op @ (BinOp::And | BinOp::Or), l, r) => {
            let decisive = *op == BinOp::Or;
            let lv = constant_value(l);
            let rv = constant_value(r);
            if lv == Some(Value::Bool(decisive)) || rv == Some(Value::Bool(decisive)) {
                return Some(Value::Bool(decisive));
            }
            let (lv, rv) = (lv?, rv?);
            eval(
                &Expr::new(
                    ExprKind::Binary(*op, Box::new(lit(lv)), Box::new(lit(rv))),
                    e.span,
                ),
                &|_| None,
            )
            .ok()
        }
        _ if !fields_used_any(e) => eval(e, &|_| None).ok(),
        _ => None,
    }
}

fn fields_used_any(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Field(_) => return true,
            ExprKind::Neg(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary(_, l, r) => {
                stack.push(l);
                stack.push(r);
            }
            _ => {}
        }
    }
    false
}

fn lit(v: Value) -> Expr {
    let kind = match v {
        Value::Null => ExprKind::Null,
        Value::Bool(b) => ExprKind::Bool(b),
        Value::Number(n) => ExprKind::Number(n),
        Value::Text(s) => ExprKind::Text(s),
        Value::Date(d) => ExprKind::Date(d),
    };
    Expr::new(kind, Span::default())
}

/// `Some(true)` if the condition is true whatever the fields hold.
pub fn constant_truth(e: &Expr) -> Option<bool> {
    match constant_value(e)? {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

/// One comparison of a field with a constant (`null` = `None`).
#[derive(Debug, Clone)]
struct Atom<'e> {
    field: &'e str,
    op: BinOp,
    value: Option<Value>,
}

const MAX_DNF: usize = 32;
const MAX_SUBSUMPTION_NODES: usize = 256;

fn node_count(e: &Expr) -> usize {
    let mut n = 0;
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        n += 1;
        match &e.kind {
            ExprKind::Neg(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary(_, l, r) => {
                stack.push(l);
                stack.push(r);
            }
            _ => {}
        }
    }
    n
}

/// Sound, incomplete test for first-match routing: true only if it is certain that whenever
/// `later` is true, `earlier` is true as well — so a rule with condition `later` placed after a
/// rule with condition `earlier` can never fire (`x > 30` shadows a later `x > 50`).
///
/// Understands comparisons of one field with constants, `and`, `or`, `not(...)` of ordering
/// comparisons and of boolean fields. Anything else makes the answer `false`. A `later`
/// condition that can never be true at all is not reported as shadowed.
pub fn subsumes(earlier: &Expr, later: &Expr) -> bool {
    prepare(earlier).subsumes(&prepare(later))
}

/// A condition analysed once for many [`Prepared::subsumes`] tests (e.g. all rule pairs of a
/// router): its disjunctive normal form and its and/or structure over atoms.
#[derive(Debug, Clone)]
pub struct Prepared<'e> {
    /// Satisfiable conjunctions of the DNF; `None` if not understood. An empty list means the
    /// condition can never be true.
    dnf: Option<Vec<Vec<Atom<'e>>>>,
    shape: Shape<'e>,
}

#[derive(Debug, Clone)]
enum Shape<'e> {
    Const(bool),
    Atom(Atom<'e>),
    And(Box<Shape<'e>>, Box<Shape<'e>>),
    Or(Box<Shape<'e>>, Box<Shape<'e>>),
    Unknown,
}

/// Analyses a condition for subsumption tests (bounded effort: large conditions are opaque).
pub fn prepare(e: &Expr) -> Prepared<'_> {
    if node_count(e) > MAX_SUBSUMPTION_NODES {
        return Prepared {
            dnf: None,
            shape: Shape::Unknown,
        };
    }
    let dnf = to_dnf(e).map(|d| d.into_iter().filter(|c| conj_satisfiable(c)).collect());
    Prepared {
        dnf,
        shape: shape_of(e),
    }
}

fn shape_of(e: &Expr) -> Shape<'_> {
    if let Some(b) = constant_truth(e) {
        return Shape::Const(b);
    }
    match &e.kind {
        ExprKind::Binary(BinOp::And, l, r) => {
            Shape::And(Box::new(shape_of(l)), Box::new(shape_of(r)))
        }
        ExprKind::Binary(BinOp::Or, l, r) => {
            Shape::Or(Box::new(shape_of(l)), Box::new(shape_of(r)))
        }
        _ => atom_of(e).map_or(Shape::Unknown, Shape::Atom),
    }
}

impl Prepared<'_> {
    /// True only if it is certain that whenever `later` is true, `self` is true as well
    /// (see [`subsumes`]).
    pub fn subsumes(&self, later: &Prepared<'_>) -> bool {
        match &later.dnf {
            Some(dnf) if !dnf.is_empty() => dnf.iter().all(|conj| conj_implies(conj, &self.shape)),
            _ => false,
        }
    }
}

fn atom_of(e: &Expr) -> Option<Atom<'_>> {
    match &e.kind {
        ExprKind::Field(f) => Some(Atom {
            field: f,
            op: BinOp::Eq,
            value: Some(Value::Bool(true)),
        }),
        ExprKind::Not(inner) => match &inner.kind {
            ExprKind::Field(f) => Some(Atom {
                field: f,
                op: BinOp::Eq,
                value: Some(Value::Bool(false)),
            }),
            _ => {
                let a = atom_of(inner)?;
                let op = a.op.negated_ordering()?;
                Some(Atom { op, ..a })
            }
        },
        ExprKind::Binary(op, l, r) if op.is_comparison() => {
            let (field, value, op) = match (&l.kind, &r.kind) {
                (ExprKind::Field(f), _) => (f, constant_value(r)?, *op),
                (_, ExprKind::Field(f)) => (f, constant_value(l)?, op.flipped()),
                _ => return None,
            };
            let value = match value {
                Value::Null => {
                    if op.is_ordering() {
                        return None;
                    }
                    None
                }
                v => Some(v),
            };
            Some(Atom { field, op, value })
        }
        _ => None,
    }
}

/// Disjunctive normal form over atoms; `None` if some part is not understood or too large.
/// A constant-true part is an empty conjunction, a constant-false part contributes nothing.
fn to_dnf(e: &Expr) -> Option<Vec<Vec<Atom<'_>>>> {
    if let Some(b) = constant_truth(e) {
        return Some(if b { vec![Vec::new()] } else { Vec::new() });
    }
    match &e.kind {
        ExprKind::Binary(BinOp::Or, l, r) => {
            let mut a = to_dnf(l)?;
            a.extend(to_dnf(r)?);
            (a.len() <= MAX_DNF).then_some(a)
        }
        ExprKind::Binary(BinOp::And, l, r) => {
            let a = to_dnf(l)?;
            let b = to_dnf(r)?;
            if a.len().saturating_mul(b.len()) > MAX_DNF {
                return None;
            }
            let mut out = Vec::new();
            for x in &a {
                for y in &b {
                    let mut c = x.clone();
                    c.extend(y.iter().cloned());
                    out.push(c);
                }
            }
            Some(out)
        }
        _ => Some(vec![vec![atom_of(e)?]]),
    }
}

fn conj_implies(conj: &[Atom<'_>], shape: &Shape<'_>) -> bool {
    match shape {
        Shape::Const(b) => *b,
        Shape::And(l, r) => conj_implies(conj, l) && conj_implies(conj, r),
        Shape::Or(l, r) => conj_implies(conj, l) || conj_implies(conj, r),
        Shape::Atom(a) => conj_implies_atom(conj, a),
        Shape::Unknown => false,
    }
}

/// What a conjunction says about one field.
#[derive(Default)]
struct Constraint<'v> {
    only_null: bool,
    excludes_null: bool,
    /// (bound, inclusive)
    lower: Option<(&'v Value, bool)>,
    upper: Option<(&'v Value, bool)>,
    equals: Vec<&'v Value>,
    not_equals: Vec<&'v Value>,
    /// Constants of different kinds were mixed: give up.
    confused: bool,
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn constraint_of<'v>(conj: &'v [Atom<'_>], field: &str) -> Constraint<'v> {
    let mut c = Constraint::default();
    let mut kind: Option<&Value> = None;
    for a in conj.iter().filter(|a| a.field == field) {
        let Some(v) = &a.value else {
            match a.op {
                BinOp::Eq => c.only_null = true,
                _ => c.excludes_null = true,
            }
            continue;
        };
        match kind {
            Some(k) if !same_kind(k, v) => c.confused = true,
            _ => kind = Some(v),
        }
        match a.op {
            BinOp::Eq => {
                c.excludes_null = true;
                c.equals.push(v);
            }
            BinOp::Ne => c.not_equals.push(v),
            BinOp::Gt | BinOp::Ge => {
                c.excludes_null = true;
                let incl = a.op == BinOp::Ge;
                c.lower = Some(match c.lower {
                    Some((b, bi)) => match compare(v, b) {
                        Some(Ordering::Greater) => (v, incl),
                        Some(Ordering::Equal) => (b, bi && incl),
                        Some(Ordering::Less) => (b, bi),
                        None => {
                            c.confused = true;
                            (b, bi)
                        }
                    },
                    None => (v, incl),
                });
            }
            BinOp::Lt | BinOp::Le => {
                c.excludes_null = true;
                let incl = a.op == BinOp::Le;
                c.upper = Some(match c.upper {
                    Some((b, bi)) => match compare(v, b) {
                        Some(Ordering::Less) => (v, incl),
                        Some(Ordering::Equal) => (b, bi && incl),
                        Some(Ordering::Greater) => (b, bi),
                        None => {
                            c.confused = true;
                            (b, bi)
                        }
                    },
                    None => (v, incl),
                });
            }
            _ => c.confused = true,
        }
        if matches!(v, Value::Bool(_)) && a.op.is_ordering() {
            c.confused = true;
        }
    }
    c
}

/// Is `v` inside the interval given by the lower and upper bounds? `None` if incomparable.
fn in_bounds(c: &Constraint<'_>, v: &Value) -> Option<bool> {
    if let Some((lo, incl)) = c.lower {
        match compare(v, lo)? {
            Ordering::Less => return Some(false),
            Ordering::Equal if !incl => return Some(false),
            _ => {}
        }
    }
    if let Some((hi, incl)) = c.upper {
        match compare(v, hi)? {
            Ordering::Greater => return Some(false),
            Ordering::Equal if !incl => return Some(false),
            _ => {}
        }
    }
    Some(true)
}

/// False only when the conjunction is certainly unsatisfiable.
fn conj_satisfiable(conj: &[Atom<'_>]) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    for a in conj {
        if seen.contains(&a.field) {
            continue;
        }
        seen.push(a.field);
        let c = constraint_of(conj, a.field);
        if c.confused {
            continue;
        }
        if c.only_null && (c.excludes_null || !c.equals.is_empty()) {
            return false;
        }
        if let Some(first) = c.equals.first() {
            if c.equals
                .iter()
                .any(|v| compare(v, first) != Some(Ordering::Equal))
            {
                return false;
            }
            if in_bounds(&c, first) == Some(false) {
                return false;
            }
            if c.not_equals
                .iter()
                .any(|v| compare(v, first) == Some(Ordering::Equal))
            {
                return false;
            }
        }
        if let (Some((lo, li)), Some((hi, hi_incl))) = (c.lower, c.upper) {
            match compare(lo, hi) {
                Some(Ordering::Greater) => return false,
                Some(Ordering::Equal) if !(li && hi_incl) => return false,
                _ => {}
            }
        }
    }
    true
}

/// Does every assignment satisfying `conj` satisfy `a`?
fn conj_implies_atom(conj: &[Atom<'_>], a: &Atom<'_>) -> bool {
    let c = constraint_of(conj, a.field);
    if c.confused {
        return false;
    }
    if c.only_null {
        // The field is null (or the conjunction is contradictory).
        return matches!((&a.value, a.op), (None, BinOp::Eq) | (Some(_), BinOp::Ne));
    }
    let Some(av) = &a.value else {
        // `f = null` needs only_null; `f != null` needs null excluded.
        return a.op == BinOp::Ne && c.excludes_null;
    };
    // A single value pinned by `=`:
    if let Some(v) = c.equals.first() {
        if !same_kind(v, av) {
            return false;
        }
        let Some(ord) = compare(v, av) else {
            return false;
        };
        return match a.op {
            BinOp::Eq => ord == Ordering::Equal,
            BinOp::Ne => ord != Ordering::Equal,
            BinOp::Lt => ord == Ordering::Less && !matches!(av, Value::Bool(_)),
            BinOp::Le => ord != Ordering::Greater && !matches!(av, Value::Bool(_)),
            BinOp::Gt => ord == Ordering::Greater && !matches!(av, Value::Bool(_)),
            BinOp::Ge => ord != Ordering::Less && !matches!(av, Value::Bool(_)),
            _ => false,
        };
    }
    let kind_ok = |b: &Value| same_kind(b, av);
    match a.op {
        BinOp::Gt | BinOp::Ge => {
            if !c.excludes_null || matches!(av, Value::Bool(_)) {
                return false;
            }
            let Some((lo, incl)) = c.lower else {
                return false;
            };
            if !kind_ok(lo) {
                return false;
            }
            match compare(lo, av) {
                Some(Ordering::Greater) => true,
                Some(Ordering::Equal) => a.op == BinOp::Ge || !incl,
                _ => false,
            }
        }
        BinOp::Lt | BinOp::Le => {
            if !c.excludes_null || matches!(av, Value::Bool(_)) {
                return false;
            }
            let Some((hi, incl)) = c.upper else {
                return false;
            };
            if !kind_ok(hi) {
                return false;
            }
            match compare(hi, av) {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => a.op == BinOp::Le || !incl,
                _ => false,
            }
        }
        BinOp::Eq => {
            // Pinned by bounds [v, v].
            match (c.lower, c.upper) {
                (Some((lo, true)), Some((hi, true))) if kind_ok(lo) && kind_ok(hi) => {
                    compare(lo, av) == Some(Ordering::Equal)
                        && compare(hi, av) == Some(Ordering::Equal)
                }
                _ => false,
            }
        }
        BinOp::Ne => {
            if c.not_equals
                .iter()
                .any(|v| kind_ok(v) && compare(v, av) == Some(Ordering::Equal))
            {
                return true;
            }
            let bounds_comparable =
                c.lower.is_none_or(|(b, _)| kind_ok(b)) && c.upper.is_none_or(|(b, _)| kind_ok(b));
            (c.lower.is_some() || c.upper.is_some())
                && bounds_comparable
                && in_bounds(&c, av) == Some(false)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn field(name: &str, t: FieldType) -> Field {
        Field {
            name: name.into(),
            label: String::new(),
            field_type: t,
            values: Vec::new(),
            required: false,
        }
    }

    fn fields() -> Vec<Field> {
        let mut art = field("art", FieldType::Enum);
        art.values = vec!["neu".into(), "verlaengerung".into()];
        vec![
            field("betrag", FieldType::Money),
            field("dauerTage", FieldType::Int),
            field("fahrbahnBetroffen", FieldType::Bool),
            field("beginn", FieldType::Date),
            field("name", FieldType::Text),
            art,
        ]
    }

    fn env(name: &str) -> Option<Value> {
        match name {
            "betrag" => Some(Value::money(Money(123_456))),
            "dauerTage" => Some(Value::int(31)),
            "fahrbahnBetroffen" => Some(Value::Bool(false)),
            "beginn" => Date::new(2026, 3, 1).map(Value::Date),
            "name" => Some(Value::Text("Muster".into())),
            "leer" => Some(Value::Null),
            _ => None,
        }
    }

    fn ev(s: &str) -> Result<Value, EvalError> {
        eval(&p(s), &env)
    }

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
    fn parses_and_prints_canonically() {
        let cases = [
            (
                "fahrbahnBetroffen == true or dauerTage > 30",
                "fahrbahnBetroffen = true or dauerTage > 30",
            ),
            ("a and (b or c)", "a and (b or c)"),
            ("(a and b) or c", "a and b or c"),
            ("a - (b - c)", "a - (b - c)"),
            ("(a - b) - c", "a - b - c"),
            ("a * (b + c) / 2", "a * (b + c) / 2"),
            ("-5 * x", "-5 * x"),
            ("- (x + 1)", "-(x + 1)"),
            ("--5", "5"),
            ("x - -5", "x - -5"),
            ("- - x", "--x"),
            ("not(a)", "not(a)"),
            ("not (a = 1)", "not(a = 1)"),
            ("50.00", "50"),
            ("\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\""),
            ("date( \"2026-01-01\" )", "date(\"2026-01-01\")"),
            ("(a = b) = c", "(a = b) = c"),
            ("a = (b = c)", "a = (b = c)"),
            ("x != null", "x != null"),
            ("größe >= 1.5", "größe >= 1.5"),
        ];
        for (src, canon) in cases {
            let e = p(src);
            assert_eq!(to_feel(&e), canon, "{src}");
            let again = p(canon);
            assert_eq!(to_feel(&again), canon, "fixpoint for {src}");
        }
    }

    #[test]
    fn parse_errors_have_positions() {
        let cases: [(&str, usize); 16] = [
            ("", 0),
            ("a >", 3),
            ("a > > 1", 4),
            ("(a > 1", 6),
            ("a > 1)", 5),
            ("1 < x < 3", 6),
            ("\"offen", 0),
            ("a && b", 2),
            ("x # 1", 2),
            ("50,00", 2),
            ("50 €", 3),
            ("date(\"2026-02-30\")", 5),
            ("date(1)", 5),
            ("1.1234567", 0),
            ("not", 0),
            ("a ! b", 2),
        ];
        for (src, pos) in cases {
            let e = parse(src).expect_err(src);
            assert_eq!(e.pos, pos, "{src}: {}", e.message_de);
            assert!(!e.message_de.is_empty() && !e.message_en.is_empty());
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err());
        let long = vec!["x"; 5_000].join(" + ");
        assert!(parse(&long).is_err());
        let negs = format!("{}x", "-".repeat(10_000));
        assert!(parse(&negs).is_err());
        let nots = format!("{}x{}", "not(".repeat(5_000), ")".repeat(5_000));
        assert!(parse(&nots).is_err());
        assert!(parse(&vec!["x"; 100].join(" + ")).is_ok());
    }

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
    fn lists_fields_used() {
        assert_eq!(
            fields_used(&p("b > 1 and (a = 2 or b < 3) and not(c)")),
            vec!["b", "a", "c"]
        );
        assert!(fields_used(&p("1 + 2")).is_empty());
    }

    #[test]
    fn constants() {
        assert_eq!(constant_truth(&p("true")), Some(true));
        assert_eq!(constant_truth(&p("1 = 1")), Some(true));
        assert_eq!(constant_truth(&p("x > 1 or true")), Some(true));
        assert_eq!(constant_truth(&p("x > 1 and false")), Some(false));
        assert_eq!(constant_truth(&p("x > 1")), None);
        assert_eq!(constant_truth(&p("1 / 0 = 1")), None);
    }

    #[test]
    fn subsumption_is_sound_for_simple_comparisons() {
        let s = |a: &str, b: &str| subsumes(&p(a), &p(b));
        assert!(s("x > 30", "x > 50"));
        assert!(s("x > 30", "x >= 31"));
        assert!(s("x >= 30", "x > 30"));
        assert!(!s("x > 30", "x >= 30"));
        assert!(!s("x > 50", "x > 30"));
        assert!(s("x > 30", "x > 50 and y = true"));
        assert!(s("x > 30", "x = 40"));
        assert!(s("x > 30", "50 < x"));
        assert!(s("x > 30 or y", "y"));
        assert!(s("x > 30", "x > 40 or x > 50"));
        assert!(!s("x > 30", "x > 40 or z > 50"));
        assert!(s("x < 100 and x > 10", "x > 20 and x < 50"));
        assert!(!s("x < 100 and x > 10", "x > 20"));
        assert!(s("y", "y = true and x > 1"));
        assert!(s("not(y)", "y = false"));
        assert!(s("x != 5", "x = 3"));
        assert!(s("x != 5", "x > 5"));
        assert!(s("x != 5", "x != 5 and x > 1"));
        assert!(!s("x != 5", "x >= 5"));
        assert!(s("x != null", "x > 1"));
        assert!(!s("x > 1", "x != null"));
        assert!(s("x = null", "x = null"));
        assert!(s("x != 3", "x = null"));
        assert!(!s("x > 3", "x = null"));
        assert!(s("not(x <= 30)", "x > 40"));
        assert!(s("art = \"neu\"", "art = \"neu\" and x > 1"));
        assert!(!s("art = \"neu\"", "art = \"alt\""));
        assert!(s("d < date(\"2026-01-01\")", "d < date(\"2025-01-01\")"));
        assert!(s("true", "x > 1"));
        // Different fields, unknown shapes, contradictions and mixed types: never claimed.
        assert!(!s("x > 30", "y > 50"));
        assert!(!s("x + 1 > 30", "x + 1 > 50"));
        assert!(!s("x > 30", "x > 50 and x < 40"));
        assert!(!s("x > 30", "false"));
        assert!(!s("x > \"a\"", "x > 50"));
        assert!(!s("x = 1", "x = 1 and x = \"a\""));
        assert!(!s("x > 30", "x"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "\"\\", "\"\\q\"", "date(", "date(\"", "not(", "((", "))", "1..2", "..", "x.y", "😀",
            "a\u{0}b", "-", "- -", "1e5",
        ] {
            if let Ok(e) = parse(s) {
                let _ = to_feel(&e);
                let _ = check(&e, &fields());
                let _ = eval(&e, &env);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn roundtrip_and_no_panics(src in "[a-c0-9 ().<>=!+*/\"-]{0,40}|(x|y|1|2.5|true|null|\"t\")( (and|or|=|!=|<|>=|\\+|-|\\*|/) (x|y|1|2.5|true|null|\"t\")){0,6}") {
            if let Ok(e) = parse(&src) {
                let canon = to_feel(&e);
                let again = parse(&canon).map_err(|err| proptest::test_runner::TestCaseError::fail(format!("{canon}: {err}")))?;
                proptest::prop_assert_eq!(to_feel(&again), canon);
                let _ = check(&e, &fields());
                let _ = eval(&e, &|n| if n == "x" { Some(Value::int(3)) } else { Some(Value::Null) });
                let _ = subsumes(&e, &again);
            }
        }
    }
}
