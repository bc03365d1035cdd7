//! Lexer: source text to tokens.

use super::ast::{BinOp, Span};
use super::RESERVED_WORDS;
use crate::values::Decimal;
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
    pub(super) fn new(pos: usize, de: impl Into<String>, en: impl Into<String>) -> ExprError {
        ExprError {
            pos,
            message_de: de.into(),
            message_en: en.into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok<'s> {
    Num(Decimal),
    Str(String),
    Ident(&'s str),
    LParen,
    RParen,
    Op(BinOp),
}

#[derive(Debug, Clone)]
pub(super) struct Token<'s> {
    pub(super) tok: Tok<'s>,
    pub(super) span: Span,
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

pub(super) fn lex(src: &str) -> Result<Vec<Token<'_>>, ExprError> {
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
