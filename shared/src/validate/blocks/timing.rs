//! Start timers and the order of Eskalationen.

use crate::model::{BlockKind, BlockType};
use crate::validate::ctx::{de, duration_bounds, duration_parts, en, map, Ctx, NONE};
use crate::validate::{Element, Finding};
use crate::values::Duration;

/// Start timers: an ISO 8601 date/date-time, a positive duration, or a cycle `R[n]/…`.
pub(super) fn check_timer(t: &str) -> Result<(), (String, String)> {
    let positive = |d: &str| -> Result<(), (String, String)> {
        match Duration::new(d).parse() {
            Ok(p) if !p.is_zero() => Ok(()),
            Ok(_) => Err((
                format!("die Dauer {} ist null", de(d)),
                format!("the duration {} is zero", en(d)),
            )),
            Err(e) => Err((e, format!("{} is not an ISO 8601 duration", en(d)))),
        }
    };
    if let Some(rest) = t.strip_prefix('R') {
        let Some((count, spec)) = rest.split_once('/') else {
            return Err((
                "nach „R“ fehlt „/“".into(),
                "“/” is missing after “R”".into(),
            ));
        };
        if !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                format!("{} ist keine Anzahl", de(count)),
                format!("{} is not a count", en(count)),
            ));
        }
        let parts: Vec<&str> = spec.split('/').collect();
        return match parts.as_slice() {
            [d] => positive(d),
            [a, b] if a.starts_with('P') => {
                positive(a)?;
                datetime(b)
            }
            [a, b] => {
                datetime(a)?;
                positive(b)
            }
            _ => Err(("zu viele „/“".into(), "too many “/”".into())),
        };
    }
    if t.starts_with('P') {
        return positive(t);
    }
    datetime(t)
}

/// `YYYY-MM-DD` optionally followed by `Thh:mm[:ss[.fff]][Z|±hh:mm]`.
fn datetime(s: &str) -> Result<(), (String, String)> {
    let bad = || {
        (
            format!("{} ist kein Datum (JJJJ-MM-TT)", de(s)),
            format!("{} is not a date (YYYY-MM-DD)", en(s)),
        )
    };
    let date = s.get(..10).ok_or_else(bad)?;
    crate::expr::Date::parse(date).ok_or_else(bad)?;
    let rest = s.get(10..).ok_or_else(bad)?;
    if rest.is_empty() {
        return Ok(());
    }
    let time = rest.strip_prefix('T').ok_or_else(bad)?;
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(k) => (time.get(..k).unwrap_or(""), time.get(k..).unwrap_or("")),
        None => (time, ""),
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, "0"));
    let nums: Vec<&str> = hms.split(':').collect();
    let two = |x: &str, max: u32| {
        x.len() == 2
            && x.bytes().all(|b| b.is_ascii_digit())
            && x.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let clock_ok = matches!(nums.as_slice(), [h, m] if two(h, 23) && two(m, 59))
        || matches!(nums.as_slice(), [h, m, sec] if two(h, 23) && two(m, 59) && two(sec, 60));
    let frac_ok = !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit());
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone.get(1..).is_some_and(|z| matches!(z.split(':').collect::<Vec<_>>().as_slice(), [h, m] if two(h, 23) && two(m, 59)));
    if clock_ok && frac_ok && zone_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `W_ESKALATION_NEVER_FIRES`: an interrupting Eskalation on the same task always fires first.
pub(super) fn escalation_order(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Per host: the interrupting escalation with the smallest longest-possible `after`.
    let mut first = map::<usize, (u64, usize)>(0);
    let mut all: Vec<(usize, usize, u64)> = Vec::new();
    for i in 0..ctx.n() {
        let Some(BlockKind::Eskalation(p)) = ctx.kind(i) else {
            continue;
        };
        let h = ctx.host.get(i).copied().unwrap_or(NONE);
        if h == NONE || ctx.block_type(i) != Some(BlockType::Eskalation) {
            continue;
        }
        let Some(parts) = p
            .after
            .as_ref()
            .and_then(|d| duration_parts(d).ok())
            .filter(|x| !x.is_zero())
        else {
            continue;
        };
        let (min, max) = duration_bounds(&parts);
        all.push((i, h, min));
        if p.interrupting {
            let e = first.entry(h).or_insert((max, i));
            if max < e.0 {
                *e = (max, i);
            }
        }
    }
    for (i, h, min) in all {
        let Some(&(max, e1)) = first.get(&h) else {
            continue;
        };
        if e1 == i || min <= max {
            continue;
        }
        let after = |k: usize| match ctx.kind(k) {
            Some(BlockKind::Eskalation(p)) => p
                .after
                .as_ref()
                .map(|d| (d.to_german(), d.to_english()))
                .unwrap_or_default(),
            _ => Default::default(),
        };
        let (mine_de, mine_en) = after(i);
        let (other_de, other_en) = after(e1);
        out.push(
            Finding::new(
                "W_ESKALATION_NEVER_FIRES",
                Element::param(ctx.id(i), "after"),
                format!(
                    "{} (Frist: {mine_de}) greift nie: {} nimmt die Aufgabe {} schon früher weg (Frist: {other_de}).",
                    de(&ctx.label(i)),
                    de(&ctx.label(e1)),
                    de(&ctx.label(h))
                ),
                format!(
                    "{} (after {mine_en}) never fires: {} takes the task {} away earlier (after {other_en}).",
                    en(&ctx.label_en(i)),
                    en(&ctx.label_en(e1)),
                    en(&ctx.label_en(h))
                ),
            )
            .hint("Wählen Sie eine kürzere Zeit oder entfernen Sie die Eskalation.", "Choose a shorter time or remove the escalation."),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::check_timer;

    #[test]
    fn timers() {
        for ok in [
            "R/P1M",
            "R5/P1D",
            "R/2026-01-01T08:00:00Z/P1D",
            "R/P1D/2026-01-01",
            "2026-01-01",
            "2026-01-01T08:00",
            "2026-01-01T08:00:00.5+01:00",
            "P1D",
        ] {
            assert!(check_timer(ok).is_ok(), "{ok}");
        }
        for bad in [
            "R",
            "R/P0D",
            "Rx/P1D",
            "R/P1D/x",
            "2026-13-01",
            "2026-01-01T25:00",
            "tomorrow",
            "P0D",
            "R/a/b/c",
            "2026-01-01X",
            "2026-01-01T08:00+1",
        ] {
            assert!(check_timer(bad).is_err(), "{bad}");
        }
    }
}
