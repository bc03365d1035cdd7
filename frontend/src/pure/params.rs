//! Pure edits the inspector makes to block parameters, kept apart from the widgets so they are
//! unit-tested natively.

use fachwerk_shared::values::parse_iso_duration;
use fachwerk_shared::{Band, Duration, Money};

/// Toggles an optional outcome while keeping the order ok, reject, rueckfrage, others.
pub fn set_outcome(outcomes: &mut Vec<String>, name: &str, on: bool) {
    outcomes.retain(|o| o != name);
    if on {
        outcomes.push(name.to_string());
    }
    let rank = |o: &String| {
        ["ok", "reject", "rueckfrage"]
            .iter()
            .position(|x| x == o)
            .unwrap_or(3)
    };
    outcomes.sort_by_key(rank);
    if !outcomes.iter().any(|o| o == "ok") {
        outcomes.insert(0, "ok".into());
    }
}

/// Sets a band's upper limit; the next band's lower limit follows if the two were adjacent,
/// so editing one limit does not open a gap or an overlap.
pub fn set_upper(bands: &mut [Band], i: usize, upper: Option<Money>) {
    let Some(old) = bands.get(i).map(|b| b.upper) else {
        return;
    };
    if let Some(b) = bands.get_mut(i) {
        b.upper = upper;
    }
    if let (Some(new), Some(next)) = (upper, bands.get_mut(i + 1)) {
        if old.is_none_or(|o| o == next.lower) {
            next.lower = new;
        }
    }
}

/// Splits "P14D" into (14, 'D'); None for compound or invalid durations.
pub fn split_duration(d: &Duration) -> Option<(u32, char)> {
    let p = parse_iso_duration(&d.0).ok()?;
    let parts = [
        (p.days, 'D'),
        (p.weeks, 'W'),
        (p.months, 'M'),
        (p.years, 'Y'),
        (p.hours, 'H'),
    ];
    let nonzero: Vec<_> = parts.iter().filter(|(n, _)| *n > 0).collect();
    let others = p.minutes + p.seconds;
    match (nonzero.as_slice(), others) {
        ([], 0) => Some((0, 'D')),
        ([(n, u)], 0) => Some((*n, *u)),
        _ => None,
    }
}

/// A duration of `n` units as ISO 8601 (`H` is a time unit: "PT48H").
pub fn iso(n: u32, unit: char) -> Duration {
    if unit == 'H' {
        Duration(format!("PT{n}H"))
    } else {
        Duration(format!("P{n}{unit}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(id: &str, lower: i64, upper: Option<i64>) -> Band {
        Band {
            id: id.into(),
            lower: Money::euros(lower),
            upper: upper.map(Money::euros),
            label: String::new(),
        }
    }

    #[test]
    fn outcomes_keep_their_order_and_ok() {
        let mut o = vec!["ok".to_string()];
        set_outcome(&mut o, "rueckfrage", true);
        set_outcome(&mut o, "reject", true);
        assert_eq!(o, ["ok", "reject", "rueckfrage"]);
        set_outcome(&mut o, "reject", false);
        assert_eq!(o, ["ok", "rueckfrage"]);
    }

    #[test]
    fn next_band_follows_an_adjacent_upper_limit() {
        let mut bands = vec![band("a", 0, None), band("b", 0, None)];
        set_upper(&mut bands, 0, Some(Money::euros(1000)));
        assert_eq!(bands[1].lower, Money::euros(1000));
        set_upper(&mut bands, 0, Some(Money::euros(2000)));
        assert_eq!(bands[1].lower, Money::euros(2000));
        // Not adjacent any more: the next band keeps its own limit.
        bands[1].lower = Money::euros(5000);
        set_upper(&mut bands, 0, Some(Money::euros(3000)));
        assert_eq!(bands[1].lower, Money::euros(5000));
    }

    #[test]
    fn durations_split_into_number_and_unit() {
        assert_eq!(split_duration(&Duration::new("P14D")), Some((14, 'D')));
        assert_eq!(split_duration(&Duration::new("PT48H")), Some((48, 'H')));
        assert_eq!(split_duration(&Duration::new("P1M2D")), None);
        assert_eq!(iso(48, 'H'), Duration::new("PT48H"));
        assert_eq!(iso(3, 'W'), Duration::new("P3W"));
    }
}
