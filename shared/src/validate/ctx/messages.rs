//! Small helpers for finding messages: quoting, money, durations, assignees.

use super::Ctx;
use crate::catalog;
use crate::model::{Assignee, BlockType};
use crate::values::{Duration, DurationParts, Money};

/// Blocks a person works on (Eskalation may watch them).
pub(in crate::validate) fn is_human_task(t: BlockType) -> bool {
    catalog::info(t).human_task
}

/// „text“
pub(in crate::validate) fn de(s: &str) -> String {
    format!("„{s}“")
}

/// “text”
pub(in crate::validate) fn en(s: &str) -> String {
    format!("“{s}”")
}

pub(in crate::validate) fn money_de(m: Money) -> String {
    m.to_german()
}

pub(in crate::validate) fn money_en(m: Money) -> String {
    m.to_english()
}

/// `Duration::parse` without allocating for the common well-formed case; anything unusual
/// (errors, non-ASCII, huge numbers) is left to `Duration::parse`, so results are identical.
pub(in crate::validate) fn duration_parts(d: &Duration) -> Result<DurationParts, String> {
    fast_duration(&d.0).ok_or(()).or_else(|()| d.parse())
}

fn fast_duration(text: &str) -> Option<DurationParts> {
    let rest = text.trim().strip_prefix('P')?;
    let mut parts = DurationParts::default();
    let mut in_time = false;
    let mut num: Option<u64> = None;
    let mut seen_any = false;
    for b in rest.bytes() {
        match b {
            b'T' if !in_time && num.is_none() => in_time = true,
            b'0'..=b'9' => {
                let v = num.unwrap_or(0) * 10 + u64::from(b - b'0');
                if v > u64::from(u32::MAX) {
                    return None;
                }
                num = Some(v);
            }
            _ => {
                let n = u32::try_from(num.take()?).ok()?;
                let slot = match (in_time, b) {
                    (false, b'Y') => &mut parts.years,
                    (false, b'M') => &mut parts.months,
                    (false, b'W') => &mut parts.weeks,
                    (false, b'D') => &mut parts.days,
                    (true, b'H') => &mut parts.hours,
                    (true, b'M') => &mut parts.minutes,
                    (true, b'S') => &mut parts.seconds,
                    _ => return None,
                };
                *slot = n;
                seen_any = true;
            }
        }
    }
    (num.is_none() && seen_any).then_some(parts)
}

/// Shortest and longest possible length in seconds (months 28–31 days, years 365–366 days).
pub(in crate::validate) fn duration_bounds(p: &DurationParts) -> (u64, u64) {
    let fixed = u64::from(p.weeks) * 7 * 86_400
        + u64::from(p.days) * 86_400
        + u64::from(p.hours) * 3600
        + u64::from(p.minutes) * 60
        + u64::from(p.seconds);
    let min = fixed + u64::from(p.months) * 28 * 86_400 + u64::from(p.years) * 365 * 86_400;
    let max = fixed + u64::from(p.months) * 31 * 86_400 + u64::from(p.years) * 366 * 86_400;
    (min, max)
}

/// Describes an assignee for messages: (German, English).
pub(in crate::validate) fn assignee_text(ctx: &Ctx<'_>, a: &Assignee) -> (String, String) {
    match a {
        Assignee::Role(r) => {
            let name = ctx
                .role(r.as_str())
                .map_or_else(|| r.0.clone(), |role| role.name.clone());
            (
                format!("Rolle {}", de(&name)),
                format!("role {}", en(&name)),
            )
        }
        Assignee::Person(p) => (format!("Person {}", de(p)), format!("person {}", en(p))),
        Assignee::Initiator => ("die antragstellende Person".into(), "the initiator".into()),
        Assignee::Expression(x) => (
            format!("Ausdruck {}", de(x)),
            format!("expression {}", en(x)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_duration_parsing_agrees_with_values() {
        let samples = [
            "P14D",
            "PT48H",
            "P1M2D",
            "P1Y2M3W4DT5H6M7S",
            "P0D",
            "PT0S",
            " P3D ",
            "P",
            "PT",
            "14D",
            "P1H",
            "PT1D",
            "P1DT",
            "P4294967295D",
            "P4294967296D",
            "P99999999999D",
            "P1D2D",
            "PTT1H",
            "P1TD",
            "P١D",
            "P1.5D",
            "p1d",
            "",
            "PT1M1M",
        ];
        for s in samples {
            let d = Duration::new(s);
            assert_eq!(duration_parts(&d), d.parse(), "{s:?}");
            if let Some(fast) = fast_duration(s) {
                assert_eq!(Ok(fast), d.parse(), "{s:?}");
            }
        }
    }
}
