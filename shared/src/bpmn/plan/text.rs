//! The texts elements carry: display names, FEEL conditions and literals, owner expressions.

use super::*;

/// The name a block's element shows: its label, or the type's German name.
pub(crate) fn display_name(b: &Block) -> String {
    if b.label.trim().is_empty() {
        catalog::info(b.block_type()).name_de.to_string()
    } else {
        xml_safe(&b.label)
    }
}

/// A FEEL string literal.
pub(crate) fn feel_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A money amount as a FEEL number in euros: `1000`, `1000.5`, `-3.25`.
pub(crate) fn feel_money(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    match a % 100 {
        0 => format!("{sign}{}", a / 100),
        f if f % 10 == 0 => format!("{sign}{}.{}", a / 100, f / 10),
        f => format!("{sign}{}.{f:02}", a / 100),
    }
}

/// The FEEL condition of a value band (blocks.md §2.6: `(lower, upper]`, first band `[0, upper]`).
pub(crate) fn band_condition(field: &str, band: &Band, first: bool) -> String {
    let lower = if first && band.lower.cents() == 0 {
        None
    } else {
        Some(band.lower)
    };
    match (lower, band.upper) {
        (None, Some(u)) => format!("{field} <= {}", feel_money(u)),
        (Some(l), Some(u)) => format!(
            "{field} > {} and {field} <= {}",
            feel_money(l),
            feel_money(u)
        ),
        (Some(l), None) => format!("{field} > {}", feel_money(l)),
        (None, None) => format!("{field} >= 0"),
    }
}

/// A rule's condition in canonical FEEL when it parses, else as written.
pub(crate) fn rule_condition(text: &str) -> String {
    match crate::expr::parse(text) {
        Ok(e) => crate::expr::to_feel(&e),
        Err(_) => text.trim().to_string(),
    }
}

pub(super) fn owner_expr(a: &Assignee) -> String {
    match a {
        Assignee::Role(r) => format!("group({})", xml_safe(&r.0)),
        Assignee::Person(p) => format!("user({})", xml_safe(p)),
        Assignee::Initiator => "${initiator}".to_string(),
        Assignee::Expression(e) => xml_safe(e),
    }
}

pub(super) fn role_of(a: &Option<Assignee>) -> Option<RoleId> {
    match a {
        Some(Assignee::Role(r)) => Some(r.clone()),
        _ => None,
    }
}

pub(super) fn outcome_condition(port: &str) -> String {
    format!("outcome = {}", feel_string(port))
}

pub(super) fn port_name_de(port: &str) -> String {
    xml_safe(&catalog::port_label(port).0)
}
