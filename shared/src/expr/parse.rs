//! Parser: tokens to the syntax tree.

use super::ast::{BinOp, Expr, ExprKind, Span};
use super::lex::{lex, ExprError, Tok, Token};
use super::temporal::FeelDuration;
use super::RESERVED_WORDS;
use crate::values::Date;
/// Deepest allowed expression tree (operators nested in operators).
const MAX_TREE_DEPTH: usize = 200;
/// Deepest allowed nesting of parentheses, `not(...)` and unary minus while parsing.
const MAX_NESTING: usize = 64;

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

    /// `name("text")` at `t`: the text argument turned into a literal by `literal`.
    fn text_argument_call(
        &mut self,
        t: &Token<'s>,
        example: &str,
        literal: impl Fn(&str) -> Result<ExprKind, (String, String)>,
    ) -> Parsed {
        let name = self.text(t.span).to_string();
        let open = self.toks.get(self.pos + 1).map_or(t.span, |o| o.span);
        self.pos += 2;
        let kind = match self.peek().cloned() {
            Some(Token {
                tok: Tok::Str(s),
                span,
            }) => {
                self.pos += 1;
                literal(&s).map_err(|(de, en)| ExprError::new(span.start, de, en))?
            }
            Some(other) => {
                return Err(ExprError::new(
                    other.span.start,
                    format!("{name}(…) erwartet einen Text wie \"{example}\""),
                    format!("{name}(…) expects a text such as \"{example}\""),
                ))
            }
            None => return Err(self.expected_value()),
        };
        let close = self.expect_rparen(open)?;
        Ok((Expr::new(kind, t.span.to(close)), 1))
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
                self.text_argument_call(&t, "2026-01-31", |s| {
                    Date::parse(s).map(ExprKind::Date).ok_or_else(|| {
                        (
                            format!("„{s}“ ist kein gültiges Datum (JJJJ-MM-TT, z. B. \"2026-01-31\")"),
                            format!("“{s}” is not a valid date (YYYY-MM-DD, e.g. \"2026-01-31\")"),
                        )
                    })
                })
            }
            Tok::Ident("duration") if self.peek_is_lparen_at(self.pos + 1) => {
                self.text_argument_call(&t, "P6M", |s| {
                    FeelDuration::parse(s).map(ExprKind::Duration)
                })
            }
            Tok::Ident("today") if self.peek_is_lparen_at(self.pos + 1) => {
                let open = self.toks.get(self.pos + 1).map_or(t.span, |o| o.span);
                self.pos += 2;
                if let Some(arg) = self.peek().filter(|a| a.tok != Tok::RParen) {
                    return Err(ExprError::new(
                        arg.span.start,
                        "today() hat keine Argumente – schreiben Sie „today()“",
                        "today() takes no arguments – write “today()”",
                    ));
                }
                let close = self.expect_rparen(open)?;
                Ok((Expr::new(ExprKind::Today, t.span.to(close)), 1))
            }
            Tok::Ident(w)
                if !RESERVED_WORDS.contains(&w) && self.peek_is_lparen_at(self.pos + 1) =>
            {
                Err(ExprError::new(
                    t.span.start,
                    format!("Die Funktion „{w}(…)“ gibt es nicht – bekannt sind date(\"…\"), duration(\"…\"), today() und not(…)"),
                    format!("There is no function “{w}(…)” – known are date(\"…\"), duration(\"…\"), today() and not(…)"),
                ))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;
    use crate::expr::to_feel;

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
            (
                "a <= b + duration( \"P18M\" )",
                "a <= b + duration(\"P1Y6M\")",
            ),
            (
                "today ( ) - duration(\"-PT36H\")",
                "today() - duration(\"-P1DT12H\")",
            ),
            ("-duration(\"P1D\")", "-duration(\"P1D\")"),
            ("today", "today"),
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
        let cases: [(&str, usize); 21] = [
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
            ("duration(\"bogus\")", 9),
            ("duration(\"P1M2D\")", 9),
            ("duration(6)", 9),
            ("today(1)", 6),
            ("heute()", 0),
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
}
