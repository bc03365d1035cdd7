//! Dates, German public holidays and deadline arithmetic.
//!
//! * Public holidays are *computed* for any year: Easter Sunday by the anonymous Gregorian
//!   algorithm (Meeus/Jones/Butcher), the movable feasts relative to it, the fixed ones by date,
//!   and the Land-specific ones with the year they were introduced (Reformationstag in the
//!   northern Länder since 2018, Frauentag in Berlin since 2019 and in Mecklenburg-Vorpommern
//!   since 2023, Weltkindertag in Thüringen since 2019; the Reformation jubilee 2017 everywhere;
//!   Buß- und Bettag everywhere until 1994, afterwards only in Sachsen). Mariä Himmelfahrt is
//!   counted for Saarland only (in Bayern it is a holiday in some municipalities only).
//! * A working day (Arbeitstag) is Monday to Friday and not a public holiday of the Land.
//! * Deadlines (§ 31 Abs. 1 VwVfG with §§ 187, 188 BGB): the day of the triggering event is not
//!   counted, a deadline of months ends on the same day number (or the month's last day); a
//!   deadline ending on a Saturday, Sunday or public holiday ends on the next working day
//!   (§ 31 Abs. 3 VwVfG). [`deadline`] says when and why it moved.

use crate::expr::temporal;
use crate::model::Calendar;
pub use crate::model::Land;
use crate::values::{Date, DurationParts};

/// A public holiday on a concrete date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name_de: &'static str,
    pub name_en: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Day arithmetic

pub use crate::expr::temporal::day_number;

/// The date of a day number; clamped to the years 1–9999.
pub fn from_day_number(n: i64) -> Date {
    temporal::date_of_day_number(n.clamp(day_number_min(), day_number_max()))
        .unwrap_or_else(first_day)
}

/// A date from numbers that are known to be in range (falls back to the 28th, then to 0001-01-01).
fn ymd(y: i64, m: i64, d: i64) -> Date {
    let y = u16::try_from(y.clamp(1, 9999)).unwrap_or(1);
    let m = u8::try_from(m.clamp(1, 12)).unwrap_or(1);
    let d = u8::try_from(d.clamp(1, 31)).unwrap_or(1);
    Date::new(y, m, d)
        .or_else(|| Date::new(y, m, 28))
        .unwrap_or_else(first_day)
}

fn first_day() -> Date {
    Date::new(1, 1, 1).expect("0001-01-01 is a valid date")
}

fn day_number_min() -> i64 {
    day_number(first_day())
}

fn day_number_max() -> i64 {
    Date::new(9999, 12, 31).map_or(0, day_number)
}

pub fn add_days(d: Date, n: i64) -> Date {
    from_day_number(day_number(d) + n)
}

/// `b - a` in days.
pub fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(d: Date) -> u8 {
    // 1970-01-01 was a Thursday (3).
    u8::try_from((day_number(d) + 3).rem_euclid(7)).unwrap_or(0)
}

pub fn weekday_de(d: Date) -> &'static str {
    [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ][usize::from(weekday(d))]
}

pub fn weekday_en(d: Date) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][usize::from(weekday(d))]
}

/// German notation: `21.12.2026`.
pub fn de(d: Date) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
}

/// Adds calendar months; the day is clamped to the end of the target month (§ 188 Abs. 3 BGB),
/// the year to 1–9999.
pub fn add_months(d: Date, months: i64) -> Date {
    temporal::add_months(d, months).unwrap_or_else(|| {
        if months < 0 {
            first_day()
        } else {
            Date::new(9999, 12, 31).unwrap_or_else(first_day)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Holidays

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm).
pub fn easter_sunday(year: u16) -> Date {
    let y = i64::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month, day)
}

/// Buß- und Bettag: the Wednesday before 23 November.
fn buss_und_bettag(year: u16) -> Date {
    let nov22 = ymd(i64::from(year), 11, 22);
    // Days back from 22 November to the Wednesday (weekday 2) on or before it.
    let back = (i64::from(weekday(nov22)) - 2).rem_euclid(7);
    add_days(nov22, -back)
}

/// All public holidays of `land` in `year`, sorted by date.
pub fn holidays(year: u16, land: Land) -> Vec<Holiday> {
    use Land::*;
    let y = i64::from(year);
    let easter = easter_sunday(year);
    let mut v = Vec::with_capacity(16);
    let mut add = |date: Date, name_de: &'static str, name_en: &'static str| {
        v.push(Holiday {
            date,
            name_de,
            name_en,
        })
    };
    let on = |m: i64, d: i64| ymd(y, m, d);
    let rel = |n: i64| add_days(easter, n);

    add(on(1, 1), "Neujahr", "New Year's Day");
    if matches!(land, BW | BY | ST) {
        add(on(1, 6), "Heilige Drei Könige", "Epiphany");
    }
    if (land == BE && year >= 2019) || (land == MV && year >= 2023) {
        add(
            on(3, 8),
            "Internationaler Frauentag",
            "International Women's Day",
        );
    }
    add(rel(-2), "Karfreitag", "Good Friday");
    if land == BB {
        add(easter, "Ostersonntag", "Easter Sunday");
    }
    add(rel(1), "Ostermontag", "Easter Monday");
    add(on(5, 1), "Tag der Arbeit", "Labour Day");
    if land == BE && (year == 2020 || year == 2025) {
        add(
            on(5, 8),
            "Tag der Befreiung (einmalig)",
            "Liberation Day (one-off)",
        );
    }
    add(rel(39), "Christi Himmelfahrt", "Ascension Day");
    if land == BB {
        add(rel(49), "Pfingstsonntag", "Whit Sunday");
    }
    add(rel(50), "Pfingstmontag", "Whit Monday");
    if matches!(land, BW | BY | HE | NW | RP | SL) {
        add(rel(60), "Fronleichnam", "Corpus Christi");
    }
    if (1954..=1990).contains(&year) {
        add(
            on(6, 17),
            "Tag der deutschen Einheit (17. Juni)",
            "Day of German Unity (17 June)",
        );
    }
    if land == SL {
        add(on(8, 15), "Mariä Himmelfahrt", "Assumption Day");
    }
    if land == TH && year >= 2019 {
        add(on(9, 20), "Weltkindertag", "World Children's Day");
    }
    if year >= 1990 {
        add(on(10, 3), "Tag der Deutschen Einheit", "German Unity Day");
    }
    let reformation = year == 2017
        || (matches!(land, BB | MV | SN | ST | TH) && year >= 1990)
        || (matches!(land, HB | HH | NI | SH) && year >= 2018);
    if reformation {
        add(on(10, 31), "Reformationstag", "Reformation Day");
    }
    if matches!(land, BW | BY | NW | RP | SL) {
        add(on(11, 1), "Allerheiligen", "All Saints' Day");
    }
    if land == SN || year <= 1994 {
        add(
            buss_und_bettag(year),
            "Buß- und Bettag",
            "Day of Repentance and Prayer",
        );
    }
    add(on(12, 25), "1. Weihnachtstag", "Christmas Day");
    add(on(12, 26), "2. Weihnachtstag", "Boxing Day");
    v.sort_by_key(|h| h.date);
    v
}

/// The public holiday on `date` in `land`, if any.
pub fn holiday(date: Date, land: Land) -> Option<Holiday> {
    holidays(date.year(), land)
        .into_iter()
        .find(|h| h.date == date)
}

pub fn is_working_day(date: Date, land: Land) -> bool {
    weekday(date) < 5 && holiday(date, land).is_none()
}

/// `date` itself if it is a working day, else the next working day.
pub fn next_working_day(date: Date, land: Land) -> Date {
    let mut d = date;
    for _ in 0..30 {
        if is_working_day(d, land) {
            return d;
        }
        d = add_days(d, 1);
    }
    d
}

/// The `n`-th working day after `date` (`date` itself for `n = 0`).
pub fn add_working_days(date: Date, n: u32, land: Land) -> Date {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = add_days(d, 1);
        if is_working_day(d, land) {
            left -= 1;
        }
    }
    d
}

/// Why a date is not a working day, German and English ("Sonntag", "Feiertag „Ostermontag“").
pub fn why_not_working(date: Date, land: Land) -> Option<(String, String)> {
    if let Some(h) = holiday(date, land) {
        return Some((
            format!(
                "{}, {} ist ein gesetzlicher Feiertag in {} ({})",
                weekday_de(date),
                de(date),
                land.name_de(),
                h.name_de
            ),
            format!(
                "{}, {date} is a public holiday in {} ({})",
                weekday_en(date),
                land.name_de(),
                h.name_en
            ),
        ));
    }
    (weekday(date) >= 5).then(|| {
        (
            format!("{}, {} ist kein Werktag", weekday_de(date), de(date)),
            format!("{}, {date} is not a working day", weekday_en(date)),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Deadlines

/// A deadline as a concrete date, with the reason when it moved to the next working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The end as counted, before § 31 Abs. 3 VwVfG.
    pub nominal: Date,
    /// The end that counts.
    pub date: Date,
    /// German and English sentence when `date != nominal`.
    pub moved: Option<(String, String)>,
}

impl Deadline {
    /// " (fällt auf …; verschoben auf den nächsten Werktag, Mo 21.12.2026, § 31 Abs. 3 VwVfG)" or "".
    pub fn note_de(&self) -> String {
        match &self.moved {
            Some((de_text, _)) => format!(
                " ({de_text} – die Frist endet nach § 31 Abs. 3 VwVfG erst am nächsten Werktag, {} {})",
                weekday_de(self.date),
                de(self.date)
            ),
            None => String::new(),
        }
    }

    pub fn note_en(&self) -> String {
        match &self.moved {
            Some((_, en_text)) => format!(
                " ({en_text} – under § 31(3) VwVfG the deadline ends on the next working day, {} {})",
                weekday_en(self.date),
                self.date
            ),
            None => String::new(),
        }
    }
}

/// Whole days a duration's time part (hours, minutes, seconds) takes, rounded up.
fn time_days(p: &DurationParts) -> i64 {
    let secs = i64::from(p.hours) * 3600 + i64::from(p.minutes) * 60 + i64::from(p.seconds);
    (secs + 86_399) / 86_400
}

/// The plain end date of a duration from `start`, without § 31 Abs. 3: months and years as
/// calendar months; weeks and days as calendar days (KALENDERTAGE) or working days
/// (ARBEITSTAGE, a week = 5 working days); hours round up to whole days.
pub fn end_of(start: Date, p: &DurationParts, calendar: Calendar, land: Land) -> Date {
    let after_months = add_months(start, i64::from(p.years) * 12 + i64::from(p.months));
    let days = i64::from(p.weeks) * 7 + i64::from(p.days) + time_days(p);
    match calendar {
        Calendar::Kalendertage => add_days(after_months, days),
        Calendar::Arbeitstage => {
            let wd = i64::from(p.weeks) * 5 + i64::from(p.days) + time_days(p);
            add_working_days(
                after_months,
                u32::try_from(wd.max(0)).unwrap_or(u32::MAX),
                land,
            )
        }
    }
}

/// A deadline of duration `p` triggered on `start` (§ 31 VwVfG, §§ 187, 188 BGB).
pub fn deadline(start: Date, p: &DurationParts, calendar: Calendar, land: Land) -> Deadline {
    shifted(end_of(start, p, calendar, land), land)
}

/// The day a Bescheid posted or e-mailed on `sent` counts as notified (Bekanntgabefiktion,
/// § 41 Abs. 2 VwVfG): the `fiktion_tage`-th day after, moved to the next working day when it
/// is none (§ 31 Abs. 3 VwVfG). The Probelauf and the rendered Bescheid use this one function.
pub fn bekanntgabe_fiktion(sent: Date, fiktion_tage: u32, land: Land) -> Deadline {
    shifted(add_days(sent, i64::from(fiktion_tage)), land)
}

/// A date that must be a working day: moved forward to the next one if needed (§ 31 Abs. 3 VwVfG).
pub fn shifted(nominal: Date, land: Land) -> Deadline {
    match why_not_working(nominal, land) {
        None => Deadline {
            nominal,
            date: nominal,
            moved: None,
        },
        Some(why) => Deadline {
            nominal,
            date: next_working_day(nominal, land),
            moved: Some(why),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(first_day)
    }

    #[test]
    fn day_numbers_round_trip() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2026-12-31",
            "0001-01-01",
            "9999-12-31",
            "1900-03-01",
        ] {
            assert_eq!(from_day_number(day_number(d(s))), d(s), "{s}");
        }
        assert_eq!(weekday(d("2026-12-01")), 1, "Tuesday");
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // Thu 24.12.2026 + 1 working day: 25./26. are holidays, 27. Sunday → Mon 28.12.
        assert_eq!(
            add_working_days(d("2026-12-24"), 1, Land::NW),
            d("2026-12-28")
        );
        assert_eq!(next_working_day(d("2026-12-19"), Land::NW), d("2026-12-21"));
    }
}
