//! The holiday calendar and deadline arithmetic of the Probelauf against known dates, plus
//! properties over many years.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::expr::Date;
use fachwerk_shared::simulate::calendar::*;
use fachwerk_shared::values::Duration;
use fachwerk_shared::Calendar;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn names(year: u16, land: Land) -> Vec<(String, &'static str)> {
    holidays(year, land)
        .into_iter()
        .map(|h| (h.date.to_string(), h.name_de))
        .collect()
}

fn has(year: u16, land: Land, date: &str, name: &str) -> bool {
    names(year, land)
        .iter()
        .any(|(dt, n)| dt == date && *n == name)
}

#[test]
fn easter_sundays() {
    for (year, date) in [
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2019, "2019-04-21"),
        (2038, "2038-04-25"),
        (2285, "2285-03-22"),
        (1961, "1961-04-02"),
    ] {
        assert_eq!(easter_sunday(year).to_string(), date, "{year}");
    }
}

#[test]
fn land_specific_holidays_2026() {
    assert!(has(2026, Land::NW, "2026-06-04", "Fronleichnam"));
    assert!(!has(2026, Land::NI, "2026-06-04", "Fronleichnam"));
    assert!(has(2026, Land::SN, "2026-11-18", "Buß- und Bettag"));
    assert!(!has(2026, Land::BY, "2026-11-18", "Buß- und Bettag"));
    assert!(has(2026, Land::BY, "2026-01-06", "Heilige Drei Könige"));
    assert!(has(2026, Land::ST, "2026-01-06", "Heilige Drei Könige"));
    assert!(has(2026, Land::SL, "2026-08-15", "Mariä Himmelfahrt"));
    assert!(!has(2026, Land::BY, "2026-08-15", "Mariä Himmelfahrt"));
    assert!(has(2026, Land::TH, "2026-09-20", "Weltkindertag"));
    assert!(has(
        2026,
        Land::BE,
        "2026-03-08",
        "Internationaler Frauentag"
    ));
    assert!(has(
        2026,
        Land::MV,
        "2026-03-08",
        "Internationaler Frauentag"
    ));
    assert!(has(2026, Land::BB, "2026-04-05", "Ostersonntag"));
    assert!(has(2026, Land::BB, "2026-05-24", "Pfingstsonntag"));
    assert!(has(2026, Land::HH, "2026-10-31", "Reformationstag"));
    assert!(!has(2026, Land::NW, "2026-10-31", "Reformationstag"));
    assert!(has(2026, Land::RP, "2026-11-01", "Allerheiligen"));
    for land in Land::ALL {
        for (date, name) in [
            ("2026-01-01", "Neujahr"),
            ("2026-04-03", "Karfreitag"),
            ("2026-04-06", "Ostermontag"),
            ("2026-05-01", "Tag der Arbeit"),
            ("2026-05-14", "Christi Himmelfahrt"),
            ("2026-05-25", "Pfingstmontag"),
            ("2026-10-03", "Tag der Deutschen Einheit"),
            ("2026-12-25", "1. Weihnachtstag"),
            ("2026-12-26", "2. Weihnachtstag"),
        ] {
            assert!(has(2026, land, date, name), "{land:?} {name}");
        }
    }
}

#[test]
fn holidays_with_introduction_years() {
    assert!(!has(
        2018,
        Land::BE,
        "2018-03-08",
        "Internationaler Frauentag"
    ));
    assert!(has(
        2019,
        Land::BE,
        "2019-03-08",
        "Internationaler Frauentag"
    ));
    assert!(!has(
        2022,
        Land::MV,
        "2022-03-08",
        "Internationaler Frauentag"
    ));
    assert!(has(
        2023,
        Land::MV,
        "2023-03-08",
        "Internationaler Frauentag"
    ));
    assert!(!has(2018, Land::TH, "2018-09-20", "Weltkindertag"));
    assert!(
        has(2017, Land::NW, "2017-10-31", "Reformationstag"),
        "jubilee 2017 everywhere"
    );
    assert!(!has(2016, Land::NI, "2016-10-31", "Reformationstag"));
    assert!(has(2018, Land::NI, "2018-10-31", "Reformationstag"));
    assert!(has(2016, Land::SN, "2016-10-31", "Reformationstag"));
    assert!(has(1994, Land::NW, "1994-11-16", "Buß- und Bettag"));
    assert!(!has(1995, Land::NW, "1995-11-22", "Buß- und Bettag"));
    assert!(has(
        2025,
        Land::BE,
        "2025-05-08",
        "Tag der Befreiung (einmalig)"
    ));
    assert!(!has(
        2026,
        Land::BE,
        "2026-05-08",
        "Tag der Befreiung (einmalig)"
    ));
}

#[test]
fn working_days_and_deadlines() {
    // Thu 24.12.2026 + 1 working day = Mon 28.12.
    assert_eq!(
        add_working_days(d("2026-12-24"), 1, Land::NW),
        d("2026-12-28")
    );
    // Tue 17.11.2026 + 1 working day: Buß- und Bettag only in Sachsen.
    assert_eq!(
        add_working_days(d("2026-11-17"), 1, Land::SN),
        d("2026-11-19")
    );
    assert_eq!(
        add_working_days(d("2026-11-17"), 1, Land::BY),
        d("2026-11-18")
    );
    assert!(!is_working_day(d("2026-06-04"), Land::NW));
    assert!(is_working_day(d("2026-06-04"), Land::NI));

    // 14 calendar days from Sat 21.11.2026 end on Sat 05.12. → Mon 07.12. (§ 31 Abs. 3 VwVfG).
    let p = Duration::new("P14D").parse().unwrap();
    let dl = deadline(d("2026-11-21"), &p, Calendar::Kalendertage, Land::NW);
    assert_eq!((dl.nominal, dl.date), (d("2026-12-05"), d("2026-12-07")));
    assert!(
        dl.note_de().contains("§ 31 Abs. 3 VwVfG"),
        "{}",
        dl.note_de()
    );
    // One month from 31.01. ends on 28.02. (§ 188 Abs. 3 BGB), a Saturday in 2026 → Mon 02.03.
    let dl = deadline(
        d("2026-01-31"),
        &Duration::new("P1M").parse().unwrap(),
        Calendar::Kalendertage,
        Land::NW,
    );
    assert_eq!((dl.nominal, dl.date), (d("2026-02-28"), d("2026-03-02")));
    // Deadline ending on Easter Monday moves to Tuesday.
    let dl = deadline(
        d("2026-03-30"),
        &Duration::new("P1W").parse().unwrap(),
        Calendar::Kalendertage,
        Land::HE,
    );
    assert_eq!(dl.date, d("2026-04-07"));
    assert!(dl.note_de().contains("Ostermontag"));
    // 10 working days from Fri 27.03.2026 in NW: skips Good Friday and Easter Monday.
    let dl = deadline(
        d("2026-03-27"),
        &Duration::new("P10D").parse().unwrap(),
        Calendar::Arbeitstage,
        Land::NW,
    );
    assert_eq!((dl.date, dl.moved.is_none()), (d("2026-04-14"), true));
    // A week of working days is five.
    let dl = deadline(
        d("2026-03-02"),
        &Duration::new("P1W").parse().unwrap(),
        Calendar::Arbeitstage,
        Land::NW,
    );
    assert_eq!(dl.date, d("2026-03-09"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn holidays_lie_in_their_year_and_easter_is_a_spring_sunday(year in 1583u16..=9999, land_i in 0usize..16) {
        let land = Land::ALL[land_i];
        let e = easter_sunday(year);
        prop_assert_eq!(e.year(), year);
        prop_assert_eq!(weekday(e), 6, "Easter {} is not a Sunday", e);
        prop_assert!((e.month(), e.day()) >= (3, 22) && (e.month(), e.day()) <= (4, 25), "Easter {}", e);
        let hs = holidays(year, land);
        for h in &hs {
            prop_assert_eq!(h.date.year(), year, "{} {}", h.name_de, h.date);
        }
        for pair in hs.windows(2) {
            prop_assert!(pair[0].date <= pair[1].date);
        }
        // Every Land has the nine nationwide holidays at least (from 1990 on).
        if year >= 1990 {
            prop_assert!(hs.len() >= 9);
        }
        let bb = hs.iter().find(|h| h.name_de == "Buß- und Bettag");
        if let Some(h) = bb {
            prop_assert_eq!(weekday(h.date), 2);
            prop_assert!(h.date.month() == 11 && (16..=22).contains(&h.date.day()));
        }
    }

    #[test]
    fn working_day_arithmetic_is_consistent(n in -600_000i64..2_900_000, k in 0u32..40, land_i in 0usize..16) {
        let land = Land::ALL[land_i];
        let start = from_day_number(n);
        prop_assert_eq!(day_number(start), n);
        let end = add_working_days(start, k, land);
        prop_assert!(end >= start);
        if k > 0 {
            prop_assert!(is_working_day(end, land));
            // Exactly k working days in (start, end].
            let mut count = 0;
            let mut x = add_days(start, 1);
            while x <= end {
                if is_working_day(x, land) { count += 1; }
                x = add_days(x, 1);
            }
            prop_assert_eq!(count, k);
        }
        let next = next_working_day(start, land);
        prop_assert!(next >= start && is_working_day(next, land));
        prop_assert!(days_between(start, next) <= 5);
    }
}
