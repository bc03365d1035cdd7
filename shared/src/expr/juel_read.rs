//! JUEL reader: a Camunda 7 / Operaton condition (`${betrag <= 1000 && !eilig}`) as a
//! FEEL-subset expression (`betrag <= 1000 and not(eilig)`), the inverse of [`super::to_juel`].
//!
//! Read: one `${…}` or `#{…}` (or the bare inner text), number, string (`'…'` or `"…"`),
//! `true`/`false`/`null` literals, variables, parentheses, `!`/`not`, unary `-`, `* / div`,
//! `+ -`, `< > <= >= lt gt le ge`, `== != eq ne`, `&& and`, `|| or`, with JUEL's precedence
//! (relational binds tighter than equality). Everything else is refused with a
//! [`ExprError`] naming the construct: property and method access (`a.b`, `a[0]`,
//! `execution.getVariable('x')`), functions (`fn:x()`), `empty`, `%`/`mod`, the conditional
//! `?:`, lambdas and assignments, numbers with exponents, text around or between expressions.
//!
//! JUEL coerces between types where FEEL does not (`'1' == 1` is true in JUEL); on cases whose
//! values have the declared types both decide alike.

use super::ast::{BinOp, Expr, ExprKind, Span};
use super::lex::{is_identifier, ExprError};
use super::{parse, to_feel, Decimal};

/// Deepest nesting of parentheses and unary operators read.
const MAX_NESTING: usize = 64;
/// Most tokens read (bounds the depth of the tree, which the printer walks recursively).
const MAX_TOKENS: usize = 400;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Word(String),
    Sym(&'static str),
}

struct Lexed {
    tok: Tok,
    span: Span,
}

/// Two-character symbols first. The parser names what it cannot read (`[`, `?`, `=` …).
const SYMBOLS: [&str; 26] = [
    "==", "!=", "<=", ">=", "&&", "||", "->", "+=", "(", ")", "!", "-", "+", "*", "/", "%", "<",
    ">", "?", ":", ".", "[", "]", ",", ";", "=",
];

fn unsupported(pos: usize, what_de: &str, what_en: &str) -> ExprError {
    ExprError::new(
        pos,
        format!("{what_de} gibt es in der FEEL-Teilmenge von Fachwerk nicht"),
        format!("{what_en} is not part of Fachwerk's FEEL subset"),
    )
}

/// The inner text of `${…}` / `#{…}` with its byte offset, or the whole text.
fn unwrap(src: &str) -> Result<(&str, usize), ExprError> {
    let t = src.trim_start();
    let lead = src.len() - t.len();
    let t = t.trim_end();
    let Some(rest) = t.strip_prefix("${").or_else(|| t.strip_prefix("#{")) else {
        if t.contains("${") || t.contains("#{") {
            return Err(unsupported(
                lead,
                "Text vor einem JUEL-Ausdruck",
                "Text before a JUEL expression",
            ));
        }
        return Ok((t, lead));
    };
    let Some(inner) = rest.strip_suffix('}') else {
        return Err(ExprError::new(
            src.len(),
            "Der JUEL-Ausdruck endet nicht mit „}“",
            "The JUEL expression does not end with “}”",
        ));
    };
    if inner.contains("${") || inner.contains("#{") || inner.contains('}') {
        return Err(unsupported(
            lead,
            "Ein zusammengesetzter Text aus mehreren JUEL-Ausdrücken",
            "A composite text of several JUEL expressions",
        ));
    }
    Ok((inner, lead + 2))
}

fn lex(src: &str, base: usize) -> Result<Vec<Lexed>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c == b'\'' || c == b'"' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(ch) = src[i..].chars().next() else {
                    return Err(ExprError::new(
                        base + start,
                        "Die Zeichenkette endet nicht",
                        "The string is not closed",
                    ));
                };
                i += ch.len_utf8();
                match ch {
                    '\\' => {
                        let Some(esc) = src[i..].chars().next() else {
                            continue;
                        };
                        i += esc.len_utf8();
                        s.push(esc);
                    }
                    q if q as u32 == u32::from(c) => break,
                    other => s.push(other),
                }
            }
            Tok::Str(s)
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && matches!(b[i], b'e' | b'E') {
                return Err(unsupported(
                    base + start,
                    "Eine Zahl mit Exponent",
                    "A number with an exponent",
                ));
            }
            let text = &src[start..i];
            Tok::Num(Decimal::parse(text).ok_or_else(|| {
                ExprError::new(
                    base + start,
                    format!("„{text}“ ist keine Zahl mit höchstens sechs Nachkommastellen"),
                    format!("“{text}” is not a number with at most six decimals"),
                )
            })?)
        } else if let Some(ch) = src[i..]
            .chars()
            .next()
            .filter(|ch| ch.is_alphabetic() || *ch == '_' || *ch == '$')
        {
            i += ch.len_utf8();
            while let Some(ch) = src[i..]
                .chars()
                .next()
                .filter(|ch| ch.is_alphanumeric() || *ch == '_' || *ch == '$')
            {
                i += ch.len_utf8();
            }
            Tok::Word(src[start..i].to_string())
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(ExprError::new(
                base + start,
                format!("Unerwartetes Zeichen „{ch}“"),
                format!("Unexpected character “{ch}”"),
            ));
        };
        out.push(Lexed {
            tok,
            span: Span {
                start: base + start,
                end: base + i,
            },
        });
    }
    Ok(out)
}

struct Reader {
    toks: Vec<Lexed>,
    k: usize,
    nesting: usize,
    end: usize,
}

/// Binary operator levels, loosest first: JUEL's spellings of each operator.
const LEVELS: [&[(&str, BinOp)]; 6] = [
    &[("||", BinOp::Or), ("or", BinOp::Or)],
    &[("&&", BinOp::And), ("and", BinOp::And)],
    &[
        ("==", BinOp::Eq),
        ("eq", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("ne", BinOp::Ne),
    ],
    &[
        ("<=", BinOp::Le),
        ("le", BinOp::Le),
        (">=", BinOp::Ge),
        ("ge", BinOp::Ge),
        ("<", BinOp::Lt),
        ("lt", BinOp::Lt),
        (">", BinOp::Gt),
        ("gt", BinOp::Gt),
    ],
    &[("+", BinOp::Add), ("-", BinOp::Sub)],
    &[("*", BinOp::Mul), ("/", BinOp::Div), ("div", BinOp::Div)],
];

fn spelled(t: &Tok) -> Option<&str> {
    match t {
        Tok::Sym(s) => Some(*s),
        Tok::Word(w) => Some(w.as_str()),
        _ => None,
    }
}

impl Reader {
    fn pos(&self) -> usize {
        self.toks.get(self.k).map_or(self.end, |t| t.span.start)
    }

    fn peek(&self) -> Option<&str> {
        self.toks.get(self.k).and_then(|t| spelled(&t.tok))
    }

    fn binary(&mut self, level: usize) -> Result<Expr, ExprError> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut l = self.binary(level + 1)?;
        while let Some(op) = self
            .peek()
            .and_then(|s| LEVELS[level].iter().find(|(w, _)| *w == s))
            .map(|(_, op)| *op)
        {
            self.k += 1;
            let r = self.binary(level + 1)?;
            let span = l.span.to(r.span);
            l = Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span);
        }
        Ok(l)
    }

    fn nested(
        &mut self,
        f: impl FnOnce(&mut Reader) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ExprError::new(
                self.pos(),
                format!("Der Ausdruck ist zu tief verschachtelt (mehr als {MAX_NESTING} Ebenen)"),
                format!("The expression is nested too deeply (more than {MAX_NESTING} levels)"),
            ));
        }
        let r = f(self);
        self.nesting -= 1;
        r
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let pos = self.pos();
        let Some(t) = self.toks.get(self.k) else {
            return Err(ExprError::new(
                self.end,
                "Der Ausdruck endet unerwartet",
                "The expression ends unexpectedly",
            ));
        };
        let span = t.span;
        let tok = t.tok.clone();
        self.k += 1;
        let e = match tok {
            Tok::Num(n) => Expr::new(ExprKind::Number(n), span),
            Tok::Str(s) => Expr::new(ExprKind::Text(s), span),
            Tok::Sym("!") => return self.not(span),
            Tok::Sym("-") => {
                let inner = self.nested(|r| r.unary())?;
                let span = span.to(inner.span);
                return Ok(Expr::new(ExprKind::Neg(Box::new(inner)), span));
            }
            Tok::Sym("(") => {
                let inner = self.nested(|r| r.binary(0))?;
                if self.peek() != Some(")") {
                    return Err(ExprError::new(self.pos(), "„)“ erwartet", "Expected “)”"));
                }
                self.k += 1;
                return self.after_value(inner);
            }
            Tok::Word(w) => match w.as_str() {
                "true" => Expr::new(ExprKind::Bool(true), span),
                "false" => Expr::new(ExprKind::Bool(false), span),
                "null" => Expr::new(ExprKind::Null, span),
                "not" => return self.not(span),
                "empty" => {
                    return Err(unsupported(
                        pos,
                        "Der Operator „empty“",
                        "The operator “empty”",
                    ))
                }
                "instanceof" | "mod" => {
                    return Err(unsupported(
                        pos,
                        &format!("Der Operator „{w}“"),
                        &format!("The operator “{w}”"),
                    ))
                }
                _ if is_identifier(&w) => Expr::new(ExprKind::Field(w.clone()), span),
                _ => {
                    return Err(ExprError::new(
                        pos,
                        format!("„{w}“ kann kein Feldname sein"),
                        format!("“{w}” cannot be a field name"),
                    ))
                }
            },
            Tok::Sym(s) => {
                return Err(ExprError::new(
                    pos,
                    format!("Unerwartet: „{s}“ (ein Wert erwartet)"),
                    format!("Unexpected “{s}” (expected a value)"),
                ))
            }
        };
        self.after_value(e)
    }

    /// `!x` / `not x` after the operator at `span`.
    fn not(&mut self, span: Span) -> Result<Expr, ExprError> {
        let inner = self.nested(|r| r.unary())?;
        let span = span.to(inner.span);
        Ok(Expr::new(ExprKind::Not(Box::new(inner)), span))
    }

    /// Refuses what may follow a value in JUEL but has no FEEL-subset form.
    fn after_value(&self, e: Expr) -> Result<Expr, ExprError> {
        let pos = self.pos();
        match self.peek() {
            Some(".") | Some("[") => Err(unsupported(
                pos,
                "Der Zugriff auf Eigenschaften oder Methoden („.“, „[…]“)",
                "Property or method access (“.”, “[…]”)",
            )),
            Some("(") | Some(":") => {
                Err(unsupported(pos, "Ein Funktionsaufruf", "A function call"))
            }
            Some("?") => Err(unsupported(
                pos,
                "Der Bedingungsoperator „? :“",
                "The conditional operator “? :”",
            )),
            Some("%") => Err(unsupported(pos, "Der Operator „%“", "The operator “%”")),
            Some("mod") => Err(unsupported(pos, "Der Operator „mod“", "The operator “mod”")),
            Some("->") => Err(unsupported(
                pos,
                "Ein Lambda-Ausdruck",
                "A lambda expression",
            )),
            Some("+=") => Err(unsupported(
                pos,
                "Eine Verkettung „+=“",
                "A concatenation “+=”",
            )),
            _ => Ok(e),
        }
    }
}

/// Reads a JUEL condition as a FEEL-subset expression (see the module documentation).
/// Positions in errors are byte offsets into `src`.
pub fn from_juel(src: &str) -> Result<Expr, ExprError> {
    let (inner, base) = unwrap(src)?;
    let toks = lex(inner, base)?;
    if toks.len() > MAX_TOKENS {
        return Err(ExprError::new(
            base,
            format!("Der Ausdruck ist zu lang (mehr als {MAX_TOKENS} Bestandteile)"),
            format!("The expression is too long (more than {MAX_TOKENS} parts)"),
        ));
    }
    if toks.is_empty() {
        return Err(ExprError::new(
            base,
            "Der Ausdruck ist leer",
            "The expression is empty",
        ));
    }
    let mut r = Reader {
        toks,
        k: 0,
        nesting: 0,
        end: base + inner.len(),
    };
    let e = r.binary(0)?;
    if r.k < r.toks.len() {
        let pos = r.pos();
        let shown = src.get(pos..r.toks[r.k].span.end).unwrap_or("");
        return Err(ExprError::new(
            pos,
            format!("Unerwartet: „{shown}“ (Operator oder Ende erwartet)"),
            format!("Unexpected “{shown}” (expected an operator or the end)"),
        ));
    }
    // The FEEL reader has the last word (depth limits, reserved words).
    parse(&to_feel(&e)).map_err(|err| ExprError { pos: base, ..err })?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::to_juel;

    fn feel(juel: &str) -> String {
        to_feel(&from_juel(juel).unwrap_or_else(|e| panic!("{juel}: {e}")))
    }

    fn refused(juel: &str) -> ExprError {
        from_juel(juel).expect_err(juel)
    }

    #[test]
    fn reads_camunda_modeler_conditions() {
        assert_eq!(feel("${betrag <= 1000}"), "betrag <= 1000");
        assert_eq!(
            feel("#{betrag gt 1000 and betrag le 25000}"),
            "betrag > 1000 and betrag <= 25000"
        );
        assert_eq!(feel("${!genehmigt}"), "not(genehmigt)");
        assert_eq!(feel("${not genehmigt || eilig}"), "not(genehmigt) or eilig");
        assert_eq!(
            feel("${art == 'Gewerbe' && dauer != 3}"),
            "art = \"Gewerbe\" and dauer != 3"
        );
        assert_eq!(feel("${art eq \"it's\"}"), "art = \"it's\"");
        assert_eq!(feel("  ${ genehmigt }  "), "genehmigt");
        assert_eq!(feel("betrag >= 10.5"), "betrag >= 10.5");
        assert_eq!(feel("${-(x - 1) * 2 div 4 > 0}"), "-(x - 1) * 2 / 4 > 0");
        // Relational binds tighter than equality in JUEL; FEEL needs the parentheses.
        assert_eq!(feel("${a < b == true}"), "(a < b) = true");
        assert_eq!(feel("${x == null}"), "x = null");
    }

    #[test]
    fn inverts_the_juel_printer() {
        for f in [
            "betrag <= 1000",
            "a = \"it's\" or not(b != 2.5) and c",
            "(a or b) and c",
            "-(x - 1) * 2 > 0",
            "(a = b) = true",
            "x = null",
            "a / (b * c) - (d - e) >= 0.000001",
            "not(not(a)) and s = \"back\\\\slash\"",
        ] {
            let e = parse(f).unwrap();
            let juel = format!("${{{}}}", to_juel(&e).unwrap());
            assert_eq!(feel(&juel), to_feel(&e), "{juel}");
        }
    }

    #[test]
    fn refuses_what_the_subset_lacks_and_names_it() {
        for (juel, word) in [
            ("${execution.getVariable('x')}", "Eigenschaften"),
            ("${kunde.typ == 'VIP'}", "Eigenschaften"),
            ("${liste[0] > 1}", "Eigenschaften"),
            ("${empty antrag}", "empty"),
            ("${a % 2 == 0}", "%"),
            ("${a mod 2 == 0}", "mod"),
            ("${a ? b : c}", "? :"),
            ("${fn:length(x) > 1}", "Funktionsaufruf"),
            ("${x} und ${y}", "zusammengesetzt"),
            ("Betrag ${x}", "Text vor"),
            ("${1e3 > x}", "Exponent"),
        ] {
            let e = refused(juel);
            assert!(e.message_de.contains(word), "{juel}: {}", e.message_de);
            assert!(!e.message_en.is_empty());
        }
        assert!(refused("${a +}").message_en.contains("ends unexpectedly"));
        assert!(refused("${a b}").message_en.contains("Unexpected “b”"));
        assert!(refused("${(a}").message_en.contains("Expected “)”"));
        assert!(refused("${'offen}").message_en.contains("not closed"));
        assert!(refused("${a = 1}").message_en.contains("Unexpected “=”"));
        assert!(refused("${date > 1}")
            .message_en
            .contains("cannot be a field name"));
        assert!(refused("${}").message_en.contains("empty"));
        assert!(refused("${x").message_en.contains("does not end"));
        let deep = format!("${{{}x{}}}", "(".repeat(100), ")".repeat(100));
        assert!(refused(&deep).message_en.contains("nested too deeply"));
        let bangs = format!("${{{}x}}", "!".repeat(100));
        assert!(refused(&bangs).message_en.contains("nested too deeply"));
        let long = format!("${{x{}}}", " + x".repeat(300));
        assert!(refused(&long).message_en.contains("too long"));
        let deep_but_short = format!("${{x{}}}", " + x".repeat(150));
        assert!(from_juel(&deep_but_short).is_ok());
    }

    #[test]
    fn error_positions_point_into_the_source() {
        let e = refused("${betrag > 1 && kunde.typ}");
        assert_eq!(e.pos, "${betrag > 1 && kunde".len());
    }
}
