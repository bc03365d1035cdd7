//! JUEL printer (the Unified Expression Language of Camunda 7 / Operaton) for the FEEL subset.
//!
//! `betrag <= 1000 and not(eilig = true)` → `betrag <= 1000 && !(eilig == true)`, without the
//! `${…}` wrapper. Dates, durations and `today()` have no JUEL literal: such expressions are
//! refused with [`JuelUnsupported`] so that the export can name the block in a note instead of
//! writing a condition with a different meaning. FEEL's three-valued `null` has no JUEL
//! counterpart either (JUEL coerces `null` to 0 or ""): the translation is exact for cases
//! whose fields are set, which an engine checks through required form fields.

use super::ast::{Expr, ExprKind};
use super::BinOp;

/// Why an expression has no JUEL translation: the construct, in FEEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JuelUnsupported(pub String);

/// JUEL text of a FEEL-subset expression (without `${` `}`).
pub fn to_juel(e: &Expr) -> Result<String, JuelUnsupported> {
    let mut s = String::new();
    write(e, &mut s)?;
    Ok(s)
}

fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Or => "||",
        BinOp::And => "&&",
        BinOp::Eq => "==",
        other => other.symbol(),
    }
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => op.precedence(),
        ExprKind::Neg(_) => 6,
        ExprKind::Number(n) if n.is_negative() => 6,
        _ => 7,
    }
}

/// JUEL string literal: single quotes, `\'` and `\\` escaped.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn write(e: &Expr, out: &mut String) -> Result<(), JuelUnsupported> {
    let child = |c: &Expr, parens: bool, out: &mut String| {
        if parens {
            out.push('(');
        }
        let r = write(c, out);
        if parens {
            out.push(')');
        }
        r
    };
    match &e.kind {
        ExprKind::Number(n) => out.push_str(&n.to_string()),
        ExprKind::Text(s) => out.push_str(&quote(s)),
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Null => out.push_str("null"),
        ExprKind::Date(d) => return Err(JuelUnsupported(format!("date(\"{d}\")"))),
        ExprKind::Duration(d) => return Err(JuelUnsupported(format!("duration(\"{d}\")"))),
        ExprKind::Today => return Err(JuelUnsupported("today()".into())),
        ExprKind::Field(f) => out.push_str(f),
        ExprKind::Neg(inner) => {
            out.push('-');
            child(inner, prec(inner) < 6, out)?;
        }
        ExprKind::Not(inner) => {
            out.push_str("!(");
            write(inner, out)?;
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            let p = op.precedence();
            let cmp = op.is_comparison();
            child(l, prec(l) < p || (cmp && prec(l) == p), out)?;
            out.push(' ');
            out.push_str(symbol(*op));
            out.push(' ');
            child(r, prec(r) <= p, out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::parse;

    fn juel(s: &str) -> Result<String, JuelUnsupported> {
        to_juel(&parse(s).unwrap())
    }

    #[test]
    fn translates_operators_literals_and_grouping() {
        assert_eq!(juel("betrag <= 1000").unwrap(), "betrag <= 1000");
        assert_eq!(
            juel("a = \"it's\" or not(b != 2.5) and c").unwrap(),
            "a == 'it\\'s' || !(b != 2.5) && c"
        );
        assert_eq!(juel("(a or b) and c").unwrap(), "(a || b) && c");
        assert_eq!(juel("-(x - 1) * 2 > 0").unwrap(), "-(x - 1) * 2 > 0");
        assert_eq!(juel("(a = b) = true").unwrap(), "(a == b) == true");
        assert_eq!(juel("x = null").unwrap(), "x == null");
    }

    #[test]
    fn refuses_dates_durations_and_today() {
        assert_eq!(juel("d < today()"), Err(JuelUnsupported("today()".into())));
        assert!(juel("d + duration(\"P6M\") > date(\"2026-01-01\")").is_err());
    }
}
