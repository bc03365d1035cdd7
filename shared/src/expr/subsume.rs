//! Constant folding and rule subsumption.

use std::cmp::Ordering;

use super::ast::{BinOp, Expr, ExprKind, Span, Value};
use super::eval::{compare, eval, EvalContext};
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
                &EvalContext::without_today(&|_| None),
            )
            .ok()
        }
        // `today()` is not constant: without a day in the context its evaluation fails.
        _ if !fields_used_any(e) => eval(e, &EvalContext::without_today(&|_| None)).ok(),
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
        Value::Duration(d) => ExprKind::Duration(d),
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
    use crate::expr::test_support::*;

    #[test]
    fn constants() {
        assert_eq!(constant_truth(&p("true")), Some(true));
        assert_eq!(constant_truth(&p("1 = 1")), Some(true));
        assert_eq!(constant_truth(&p("x > 1 or true")), Some(true));
        assert_eq!(constant_truth(&p("x > 1 and false")), Some(false));
        assert_eq!(constant_truth(&p("x > 1")), None);
        assert_eq!(constant_truth(&p("1 / 0 = 1")), None);
        // Date arithmetic folds; today() depends on the day of the evaluation.
        assert_eq!(
            constant_truth(&p(
                "date(\"2026-01-31\") + duration(\"P1M\") = date(\"2026-02-28\")"
            )),
            Some(true)
        );
        assert_eq!(constant_truth(&p("today() > date(\"2000-01-01\")")), None);
        assert_eq!(
            constant_truth(&p("today() - today() = duration(\"P0D\")")),
            None
        );
    }

    #[test]
    fn subsumption_is_sound_for_simple_comparisons() {
        let s = |a: &str, b: &str| subsumes(&p(a), &p(b));
        // Bounds computed from dates and durations are constants too.
        assert!(s(
            "beginn > date(\"2026-01-01\")",
            "beginn > date(\"2026-01-01\") + duration(\"P1M\")"
        ));
        assert!(!s(
            "beginn > date(\"2026-01-01\") + duration(\"P1M\")",
            "beginn > date(\"2026-01-01\")"
        ));
        assert!(!s(
            "beginn > today()",
            "beginn > today() + duration(\"P1D\")"
        ));
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
}
