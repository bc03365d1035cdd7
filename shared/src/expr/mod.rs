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
//!             | "duration" "(" string ")" | "today" "(" ")"
//!             | "not" "(" expr ")" | field | "(" expr ")"
//! ```
//!
//! Dates and durations follow FEEL (see [`temporal`]): `reiseEnde + duration("P6M")`,
//! `antragsDatum - reiseEnde` (a days-and-time duration), `today()` — the day the
//! [`EvalContext`] names: the simulated case date in the Probelauf, the real date at run time.
//!
//! Numbers are exact decimals ([`Decimal`], six fraction digits, never `f64`); money fields
//! evaluate to numbers in euros. Null follows FEEL: `null = null` is true, `x != null` is true
//! for any non-null `x`, ordering comparisons and arithmetic with null give null, `and`/`or`
//! are three-valued. Run-time type mismatches and division by zero are errors, not null.
//!
//! Positions in errors are byte offsets into the source text.

mod ast;
mod check;
mod eval;
mod juel;
mod juel_read;
mod lex;
mod parse;
mod print;
mod subsume;
pub mod temporal;
#[cfg(test)]
mod test_support;

/// Exact numbers and dates live with the other value types; re-exported where expressions use them.
pub use crate::values::{Date, Decimal};
pub use ast::{field_refs, fields_used, uses_today, BinOp, Expr, ExprKind, ExprType, Span, Value};
pub use check::{check, check_with, ExprTypeError, TypeErrorKind};
pub use eval::{eval, EvalContext, EvalError};
pub use juel::{to_juel, JuelUnsupported};
pub use juel_read::from_juel;
pub use lex::{is_identifier, ExprError};
pub use parse::parse;
pub use print::to_feel;
pub use subsume::{constant_truth, constant_value, prepare, subsumes, Prepared};
pub use temporal::FeelDuration;

/// Name of the system field every workflow has: assigned by the Start block, always text.
pub const SYSTEM_FIELD_AKTENZEICHEN: &str = "aktenzeichen";

/// Words that cannot be field names. `duration` and `today` are functions only when a `(`
/// follows, so existing fields of those names keep working.
pub const RESERVED_WORDS: &[&str] = &["and", "or", "not", "true", "false", "null", "date"];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "\"\\",
            "\"\\q\"",
            "date(",
            "date(\"",
            "not(",
            "((",
            "))",
            "1..2",
            "..",
            "x.y",
            "😀",
            "a\u{0}b",
            "-",
            "- -",
            "1e5",
            "duration(",
            "duration(\"",
            "duration(\"P\")",
            "duration(\"-\")",
            "duration(\"P99999999999999999999D\")",
            "today(",
            "today(1",
            "today()()",
            "x(",
        ] {
            if let Ok(e) = parse(s) {
                let _ = to_feel(&e);
                let _ = check(&e, &fields());
                let _ = eval(&e, &EvalContext::on(today(), &env));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn roundtrip_and_no_panics(src in "[a-c0-9 ().<>=!+*/\"-]{0,40}|(x|y|1|2.5|true|null|\"t\"|today\\(\\)|duration\\(\"P1M\"\\)|duration\\(\"-PT36H\"\\)|date\\(\"2026-01-31\"\\))( (and|or|=|!=|<|>=|\\+|-|\\*|/) (x|y|1|2.5|true|null|\"t\"|today\\(\\)|duration\\(\"P1M\"\\)|duration\\(\"-PT36H\"\\)|date\\(\"2026-01-31\"\\))){0,6}") {
            if let Ok(e) = parse(&src) {
                let canon = to_feel(&e);
                let again = parse(&canon).map_err(|err| proptest::test_runner::TestCaseError::fail(format!("{canon}: {err}")))?;
                proptest::prop_assert_eq!(to_feel(&again), canon);
                let _ = check(&e, &fields());
                let _ = eval(&e, &EvalContext::on(today(), &|n| if n == "x" { Some(Value::int(3)) } else { Some(Value::Null) }));
                let _ = subsumes(&e, &again);
            }
        }
    }
}
