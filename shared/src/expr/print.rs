//! FEEL printer.

use super::ast::{Expr, ExprKind};
// ---------------------------------------------------------------------------------------------
// Canonical text

/// Canonical FEEL text: single spaces around operators, `=` for equality, minimal parentheses,
/// numbers without trailing zeros. `parse(to_feel(e))` gives `e` again (up to positions).
pub fn to_feel(e: &Expr) -> String {
    let mut s = String::new();
    write_feel(e, &mut s);
    s
}

pub(super) fn quote(s: &str) -> String {
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
        ExprKind::Duration(d) => out.push_str(&format!("duration(\"{d}\")")),
        ExprKind::Today => out.push_str("today()"),
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
