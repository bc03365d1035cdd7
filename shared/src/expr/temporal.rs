//! FEEL dates and durations (DMN 1.3 §10.3.2.3.7, tables 57 and 58).
//!
//! FEEL has two kinds of duration that never mix: years and months (`P6M`, `P1Y2M`), counted
//! in calendar months, and days and time (`P14D`, `PT2H`), counted in seconds — a month has no
//! fixed number of days. `date + P1M` keeps the day of the month and clamps it to the end of
//! a shorter month (2026-01-31 + P1M = 2026-02-28). A date is the midnight that starts it, so
//! `date + PT25H` is the next day and `date - date` is a whole number of days.

use std::fmt;

use super::ast::{BinOp, ExprType};
use crate::values::Date;

/// A FEEL duration of one of the two kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeelDuration {
    /// Years and months, as a number of months (`P1Y2M` = 14).
    YearsMonths(i64),
    /// Days and time, as a number of seconds (`P1DT2H` = 93 600).
    DaysTime(i64),
}

const SECONDS_PER_DAY: i64 = 86_400;
/// Largest amount in a duration: about the span of the dates there are (years 1–9999).
const MAX_MONTHS: i64 = 10_000 * 12;
const MAX_SECONDS: i64 = 10_000 * 366 * SECONDS_PER_DAY;

impl FeelDuration {
    pub fn expr_type(self) -> ExprType {
        match self {
            FeelDuration::YearsMonths(_) => ExprType::YearsMonthsDuration,
            FeelDuration::DaysTime(_) => ExprType::DaysTimeDuration,
        }
    }

    /// Parses `P6M`, `P1Y2M`, `P14D`, `PT2H30M`, `P1DT12H`, `-P1M` (whole numbers only).
    /// The error is a German and an English sentence.
    pub fn parse(text: &str) -> Result<FeelDuration, (String, String)> {
        let bad = |why_de: &str, why_en: &str| {
            (
                format!("„{text}“ ist keine FEEL-Dauer: {why_de} – Beispiele: \"P6M\", \"P1Y2M\" (Jahre/Monate), \"P14D\", \"PT2H\" (Tage/Zeit)"),
                format!("“{text}” is not a FEEL duration: {why_en} – examples: \"P6M\", \"P1Y2M\" (years/months), \"P14D\", \"PT2H\" (days/time)"),
            )
        };
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let Some(rest) = rest.strip_prefix('P') else {
            return Err(bad("sie beginnt nicht mit P", "it does not start with P"));
        };
        let (date_part, time_part) = match rest.split_once('T') {
            Some((_, "")) => {
                return Err(bad(
                    "nach T fehlt eine Zeitangabe",
                    "the time is missing after T",
                ));
            }
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        let date_units = units(date_part, &['Y', 'M', 'W', 'D']).ok_or_else(|| {
            bad(
                "Zahl oder Einheit fehlt oder ist falsch",
                "a number or unit is missing or wrong",
            )
        })?;
        let time_units = match time_part {
            Some(t) => units(t, &['H', 'M', 'S']).ok_or_else(|| {
                bad(
                    "Zahl oder Einheit der Zeit fehlt oder ist falsch",
                    "a number or unit of the time is missing or wrong",
                )
            })?,
            None => Vec::new(),
        };
        if date_units.is_empty() && time_units.is_empty() {
            return Err(bad("sie enthält keine Angabe", "it contains no amount"));
        }
        if date_units.iter().any(|&(_, u)| u == 'W') {
            return Err(bad(
                "Wochen (W) gibt es in FEEL nicht, schreiben Sie Tage (P14D statt P2W)",
                "weeks (W) do not exist in FEEL, write days (P14D instead of P2W)",
            ));
        }
        let has_ym = date_units.iter().any(|&(_, u)| u == 'Y' || u == 'M');
        let has_dt = date_units.iter().any(|&(_, u)| u == 'D') || !time_units.is_empty();
        if has_ym && has_dt {
            return Err(bad(
                "sie mischt Jahre/Monate mit Tagen/Zeit; FEEL hält beide Arten getrennt, weil Monate verschieden lang sind – addieren Sie zwei Dauern",
                "it mixes years/months with days/time; FEEL keeps both kinds apart because months differ in length – add two durations",
            ));
        }
        let total = |parts: &[(i64, char)], factor: &dyn Fn(char) -> i64, max: i64| {
            parts
                .iter()
                .try_fold(0_i64, |acc, &(n, u)| {
                    acc.checked_add(n.checked_mul(factor(u))?)
                })
                .filter(|t| *t <= max)
        };
        let too_large = || bad("der Betrag ist zu groß", "the amount is too large");
        let d = if has_ym {
            let months = total(&date_units, &|u| if u == 'Y' { 12 } else { 1 }, MAX_MONTHS)
                .ok_or_else(too_large)?;
            FeelDuration::YearsMonths(months)
        } else {
            let days =
                total(&date_units, &|_| SECONDS_PER_DAY, MAX_SECONDS).ok_or_else(too_large)?;
            let time = total(
                &time_units,
                &|u| match u {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                },
                MAX_SECONDS,
            )
            .ok_or_else(too_large)?;
            FeelDuration::DaysTime(
                days.checked_add(time)
                    .filter(|t| *t <= MAX_SECONDS)
                    .ok_or_else(too_large)?,
            )
        };
        Ok(if negative { d.negated() } else { d })
    }

    pub fn negated(self) -> FeelDuration {
        match self {
            FeelDuration::YearsMonths(m) => FeelDuration::YearsMonths(-m),
            FeelDuration::DaysTime(s) => FeelDuration::DaysTime(-s),
        }
    }

    /// German reading: "6 Monate", "1 Jahr 2 Monate", "14 Tage", "2 Stunden", "-1 Monat".
    pub fn to_german(self) -> String {
        self.reading(true)
    }

    pub fn to_english(self) -> String {
        self.reading(false)
    }

    fn reading(self, german: bool) -> String {
        let (sign, parts): (&str, Vec<(i64, [&str; 4])>) = match self {
            FeelDuration::YearsMonths(m) => (
                if m < 0 { "-" } else { "" },
                vec![
                    (m.abs() / 12, ["Jahr", "Jahre", "year", "years"]),
                    (m.abs() % 12, ["Monat", "Monate", "month", "months"]),
                ],
            ),
            FeelDuration::DaysTime(s) => {
                let a = s.abs();
                (
                    if s < 0 { "-" } else { "" },
                    vec![
                        (a / SECONDS_PER_DAY, ["Tag", "Tage", "day", "days"]),
                        (
                            a % SECONDS_PER_DAY / 3600,
                            ["Stunde", "Stunden", "hour", "hours"],
                        ),
                        (a % 3600 / 60, ["Minute", "Minuten", "minute", "minutes"]),
                        (a % 60, ["Sekunde", "Sekunden", "second", "seconds"]),
                    ],
                )
            }
        };
        let words: Vec<String> = parts
            .iter()
            .filter(|(n, _)| *n != 0)
            .map(|(n, names)| {
                let i = usize::from(!german) * 2 + usize::from(*n != 1);
                format!("{n} {}", names[i])
            })
            .collect();
        match (words.is_empty(), german) {
            (true, true) => "0 Tage".into(),
            (true, false) => "0 days".into(),
            _ => format!("{sign}{}", words.join(" ")),
        }
    }
}

/// `(number, unit)` pairs of one part of a duration, units in the given order, each at most
/// once; `None` if malformed. An empty text gives an empty list.
fn units(text: &str, order: &[char]) -> Option<Vec<(i64, char)>> {
    let mut out = Vec::new();
    let mut next_unit = 0;
    let mut num = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let pos = order.iter().skip(next_unit).position(|&u| u == c)? + next_unit;
        if num.is_empty() || num.len() > 12 {
            return None;
        }
        out.push((num.parse().ok()?, c));
        num.clear();
        next_unit = pos + 1;
    }
    num.is_empty().then_some(out)
}

impl fmt::Display for FeelDuration {
    /// Canonical ISO 8601 form: `P1Y6M`, `P14D`, `P1DT2H`, `-P6M`, `P0M`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FeelDuration::YearsMonths(m) => {
                let sign = if m < 0 { "-" } else { "" };
                let (y, mo) = (m.abs() / 12, m.abs() % 12);
                match (y, mo) {
                    (0, mo) => write!(f, "{sign}P{mo}M"),
                    (y, 0) => write!(f, "{sign}P{y}Y"),
                    (y, mo) => write!(f, "{sign}P{y}Y{mo}M"),
                }
            }
            FeelDuration::DaysTime(s) => {
                let sign = if s < 0 { "-" } else { "" };
                let a = s.abs();
                let (d, h, mi, se) = (
                    a / SECONDS_PER_DAY,
                    a % SECONDS_PER_DAY / 3600,
                    a % 3600 / 60,
                    a % 60,
                );
                write!(f, "{sign}P")?;
                if d != 0 {
                    write!(f, "{d}D")?;
                }
                if h != 0 || mi != 0 || se != 0 || d == 0 {
                    f.write_str("T")?;
                    if h != 0 {
                        write!(f, "{h}H")?;
                    }
                    if mi != 0 {
                        write!(f, "{mi}M")?;
                    }
                    if se != 0 || (d == 0 && h == 0 && mi == 0) {
                        write!(f, "{se}S")?;
                    }
                }
                Ok(())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic

/// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's `days_from_civil`).
pub fn day_number(d: Date) -> i64 {
    let (m, dd) = (i64::from(d.month()), i64::from(d.day()));
    let y = i64::from(d.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number; `None` outside the years 1–9999.
pub fn date_of_day_number(n: i64) -> Option<Date> {
    let z = n.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe.checked_add(era.checked_mul(400)?)? + i64::from(m <= 2);
    Date::new(
        u16::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
    )
}

/// Adds calendar months, clamping the day to the end of a shorter month (FEEL, and § 188
/// Abs. 3 BGB); `None` outside the years 1–9999.
pub fn add_months(d: Date, months: i64) -> Option<Date> {
    let total = (i64::from(d.year()) * 12 + i64::from(d.month()) - 1).checked_add(months)?;
    let year = u16::try_from(total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    (28..=d.day())
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .or_else(|| Date::new(year, month, d.day()))
}

/// `d + duration`; `None` outside the years 1–9999.
pub fn add_duration(d: Date, dur: FeelDuration) -> Option<Date> {
    match dur {
        FeelDuration::YearsMonths(m) => add_months(d, m),
        FeelDuration::DaysTime(s) => {
            date_of_day_number(day_number(d).checked_add(s.div_euclid(SECONDS_PER_DAY))?)
        }
    }
}

/// `a - b` as a days-and-time duration.
pub fn between(a: Date, b: Date) -> FeelDuration {
    FeelDuration::DaysTime((day_number(a) - day_number(b)) * SECONDS_PER_DAY)
}

/// The type of `l op r` where a date or a duration is involved; `None` if FEEL does not
/// define it. Comparisons are left to the caller (same type on both sides).
pub(super) fn arithmetic_type(op: BinOp, l: ExprType, r: ExprType) -> Option<ExprType> {
    use ExprType::{Date as D, DaysTimeDuration as Dt, YearsMonthsDuration as Ym};
    match (op, l, r) {
        (BinOp::Add, D, Ym | Dt) | (BinOp::Add, Ym | Dt, D) | (BinOp::Sub, D, Ym | Dt) => Some(D),
        (BinOp::Sub, D, D) => Some(Dt),
        (BinOp::Add | BinOp::Sub, Ym, Ym) => Some(Ym),
        (BinOp::Add | BinOp::Sub, Dt, Dt) => Some(Dt),
        _ => None,
    }
}

/// Adds or subtracts two durations of the same kind; `None` for different kinds or overflow.
pub(super) fn combine(op: BinOp, a: FeelDuration, b: FeelDuration) -> Option<FeelDuration> {
    let f = |x: i64, y: i64| match op {
        BinOp::Add => x.checked_add(y),
        _ => x.checked_sub(y),
    };
    match (a, b) {
        (FeelDuration::YearsMonths(x), FeelDuration::YearsMonths(y)) => {
            f(x, y).map(FeelDuration::YearsMonths)
        }
        (FeelDuration::DaysTime(x), FeelDuration::DaysTime(y)) => {
            f(x, y).map(FeelDuration::DaysTime)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_both_kinds_and_prints_canonically() {
        let cases = [
            ("P6M", FeelDuration::YearsMonths(6), "P6M"),
            ("P18M", FeelDuration::YearsMonths(18), "P1Y6M"),
            ("P1Y2M", FeelDuration::YearsMonths(14), "P1Y2M"),
            ("P2Y", FeelDuration::YearsMonths(24), "P2Y"),
            ("-P1M", FeelDuration::YearsMonths(-1), "-P1M"),
            ("P0M", FeelDuration::YearsMonths(0), "P0M"),
            ("P14D", FeelDuration::DaysTime(14 * 86_400), "P14D"),
            ("PT2H", FeelDuration::DaysTime(7200), "PT2H"),
            ("PT36H", FeelDuration::DaysTime(36 * 3600), "P1DT12H"),
            ("P1DT2H3M4S", FeelDuration::DaysTime(93_784), "P1DT2H3M4S"),
            ("PT0S", FeelDuration::DaysTime(0), "PT0S"),
            ("P0D", FeelDuration::DaysTime(0), "PT0S"),
        ];
        for (src, want, canon) in cases {
            let got = FeelDuration::parse(src).unwrap();
            assert_eq!(got, want, "{src}");
            assert_eq!(got.to_string(), canon, "{src}");
            assert_eq!(FeelDuration::parse(canon), Ok(got), "{canon}");
        }
        assert_eq!(FeelDuration::YearsMonths(14).to_german(), "1 Jahr 2 Monate");
        assert_eq!(FeelDuration::DaysTime(-86_400).to_english(), "-1 day");
    }

    #[test]
    fn rejects_what_feel_does_not_know() {
        for (src, why) in [
            ("bogus", "beginnt nicht mit P"),
            ("P", "keine Angabe"),
            ("P1M2D", "mischt"),
            ("P2W", "Wochen"),
            ("PT", "nach T"),
            ("P1.5D", "Zahl oder Einheit"),
            ("P1D1Y", "Zahl oder Einheit"),
            ("P1M1M", "Zahl oder Einheit"),
            ("PM", "Zahl oder Einheit"),
            ("P1", "Zahl oder Einheit"),
            ("p1d", "beginnt nicht mit P"),
            ("P99999999999Y", "zu groß"),
        ] {
            let (de, en) = FeelDuration::parse(src).expect_err(src);
            assert!(de.contains(why), "{src}: {de}");
            assert!(en.contains("not a FEEL duration"), "{src}: {en}");
        }
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let m = |s: &str, n: i64| add_months(d(s), n).unwrap().to_string();
        assert_eq!(m("2026-01-31", 1), "2026-02-28");
        assert_eq!(m("2024-01-31", 1), "2024-02-29");
        assert_eq!(m("2026-08-31", 6), "2027-02-28");
        assert_eq!(m("2026-03-31", -1), "2026-02-28");
        assert_eq!(m("2026-12-15", 1), "2027-01-15");
        assert_eq!(m("2026-05-15", -17), "2024-12-15");
        assert_eq!(add_months(d("9999-12-01"), 1), None);
        assert_eq!(add_months(d("0001-01-01"), -1), None);
    }

    #[test]
    fn days_and_time_count_from_midnight() {
        let add = |s: &str, dur: &str| {
            add_duration(d(s), FeelDuration::parse(dur).unwrap()).map(|x| x.to_string())
        };
        assert_eq!(add("2026-02-27", "P2D").as_deref(), Some("2026-03-01"));
        assert_eq!(add("2026-02-27", "PT23H").as_deref(), Some("2026-02-27"));
        assert_eq!(add("2026-02-27", "PT25H").as_deref(), Some("2026-02-28"));
        assert_eq!(add("2026-02-27", "-PT1H").as_deref(), Some("2026-02-26"));
        assert_eq!(add("9999-12-31", "P1D"), None);
        assert_eq!(
            between(d("2026-03-01"), d("2026-02-01")),
            FeelDuration::DaysTime(28 * 86_400)
        );
        for n in [-800_000, -1, 0, 1, 20_000, 2_000_000] {
            if let Some(x) = date_of_day_number(n) {
                assert_eq!(day_number(x), n);
            }
        }
        assert_eq!(date_of_day_number(0), Some(d("1970-01-01")));
        assert_eq!(date_of_day_number(i64::MAX), None);
    }
}
