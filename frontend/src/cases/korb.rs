//! The Arbeitskorb's pure parts: which tab a task belongs to, due dates in working days,
//! search and filter, and the window of rows a long list renders. No leptos, no browser API:
//! unit tests run natively.

use fachwerk_shared::api::Task;
use fachwerk_shared::lowercase::lower;
use fachwerk_shared::simulate::calendar::{add_days, days_between, is_working_day};
use fachwerk_shared::simulate::Land;
use fachwerk_shared::values::Date;

use crate::i18n::Lang;

/// The Arbeitskorb's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// "Meine Aufgaben": claimed by me or assigned to me.
    #[default]
    Mine,
    /// "Aufgaben meiner Rollen": open, not yet claimed, of a role I hold.
    Roles,
    /// "Vertretung": open tasks of the absent persons I stand in for.
    Deputy,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Mine, Tab::Roles, Tab::Deputy];

    /// Id of the tab's button (and, with `-panel`, of its list).
    pub fn id(self) -> &'static str {
        match self {
            Tab::Mine => "korb-tab-mine",
            Tab::Roles => "korb-tab-roles",
            Tab::Deputy => "korb-tab-deputy",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Tab::Mine, Lang::De) => "Meine Aufgaben",
            (Tab::Mine, Lang::En) => "My tasks",
            (Tab::Roles, Lang::De) => "Aufgaben meiner Rollen",
            (Tab::Roles, Lang::En) => "My roles' tasks",
            (Tab::Deputy, Lang::De) => "Vertretung",
            (Tab::Deputy, Lang::En) => "Standing in",
        }
    }
}

/// The three lists from the server's two scopes: `mine`, `roles` (which includes the tasks of
/// absent persons I stand in for) and `deputy` (only those). A task shows in one tab: mine
/// wins, then Vertretung; "Aufgaben meiner Rollen" keeps the rest that nobody claimed.
pub fn split(mine: Vec<Task>, roles: Vec<Task>, deputy: Vec<Task>) -> [Vec<Task>; 3] {
    use std::collections::HashSet;
    let mine_ids: HashSet<String> = mine.iter().map(|t| t.id.clone()).collect();
    let deputy: Vec<Task> = deputy
        .into_iter()
        .filter(|t| !mine_ids.contains(&t.id))
        .collect();
    let deputy_ids: HashSet<&str> = deputy.iter().map(|t| t.id.as_str()).collect();
    let roles: Vec<Task> = roles
        .into_iter()
        .filter(|t| {
            !mine_ids.contains(&t.id)
                && !deputy_ids.contains(t.id.as_str())
                && t.claimed_by.is_none()
        })
        .collect();
    [mine, roles, deputy]
}

/// How a due date stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// `n` working days left after today (0 = due today).
    Left(u32),
    /// `n` working days past the due date.
    Overdue(u32),
}

/// Longest span counted day by day; beyond it the count is capped (a task a year overdue is
/// overdue, the exact number no longer matters).
const MAX_SPAN: i64 = 400;

/// Working days from `today` to `due` (weekends and the Land's public holidays do not count).
pub fn due_in(due: Date, today: Date, land: Land) -> Due {
    let span = days_between(today, due);
    let count = |from: Date, days: i64| -> u32 {
        let n = (1..=days.min(MAX_SPAN))
            .filter(|i| is_working_day(add_days(from, *i), land))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    if span >= 0 {
        Due::Left(count(today, span))
    } else {
        match count(due, -span) {
            // Due on a weekend that has passed: the next working day (today) is still in time.
            0 => Due::Left(0),
            n => Due::Overdue(n),
        }
    }
}

/// The due date as clerks say it: "noch 3 Arbeitstage", "heute fällig", "2 Arbeitstage
/// überfällig".
pub fn due_text(due: Due, lang: Lang) -> String {
    let days = |n: u32, de: bool| match (n, de) {
        (1, true) => "1 Arbeitstag".to_string(),
        (n, true) => format!("{n} Arbeitstage"),
        (1, false) => "1 working day".to_string(),
        (n, false) => format!("{n} working days"),
    };
    let de = lang == Lang::De;
    match due {
        Due::Left(0) if de => "heute fällig".into(),
        Due::Left(0) => "due today".into(),
        Due::Left(n) if de => format!("noch {}", days(n, true)),
        Due::Left(n) => format!("{} left", days(n, false)),
        Due::Overdue(n) if de => format!("{} überfällig", days(n, true)),
        Due::Overdue(n) => format!("{} overdue", days(n, false)),
    }
}

/// A date as Germans write it: `2026-12-03` → `03.12.2026` (English keeps ISO).
pub fn date_text(iso: &str, lang: Lang) -> String {
    match (Date::parse(iso), lang) {
        (Some(d), Lang::De) => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
        _ => iso.to_string(),
    }
}

/// What the search looks through: Aktenzeichen, the task's name, the workflow, the applicant
/// (where the row names one); lowercased once per list, not per keystroke.
pub fn haystack(t: &Task) -> String {
    lower(&format!("{} {} {}", t.aktenzeichen, t.label, t.workflow))
}

/// Indices of the rows that match the search text (every word somewhere in the row) and the
/// workflow filter (`""` = all).
pub fn filter(hay: &[(String, String)], query: &str, workflow: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(lower).collect();
    hay.iter()
        .enumerate()
        .filter(|(_, (h, wf))| {
            (workflow.is_empty() || wf == workflow) && words.iter().all(|w| h.contains(w.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The rows `start..end` a list of `total` rows of `row_h` pixels shows when scrolled to
/// `scroll_top` in a viewport `view_h` high, with `extra` rows above and below so fast
/// scrolling and Tab keep landing on rendered rows.
pub fn window(
    total: usize,
    scroll_top: f64,
    view_h: f64,
    row_h: f64,
    extra: usize,
) -> (usize, usize) {
    if total == 0 || row_h <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / row_h).floor() as usize;
    let visible = (view_h.max(row_h) / row_h).ceil() as usize + 1;
    let start = first.saturating_sub(extra).min(total);
    let end = (first + visible + extra).min(total);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fachwerk_shared::api::TaskStatus;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("a date")
    }

    fn task(id: &str, az: &str, label: &str, wf: &str, claimed: Option<&str>) -> Task {
        Task {
            id: id.into(),
            case_id: format!("case-{id}"),
            aktenzeichen: az.into(),
            workflow: wf.into(),
            block: "b".into(),
            label: label.into(),
            role: Some("R-SB".into()),
            assignee: None,
            exits: vec!["ok".into()],
            claimed_by: claimed.map(Into::into),
            due: None,
            status: TaskStatus::Open,
            created_at: "2026-12-01T08:00:00Z".into(),
            case_revision: 1,
        }
    }

    #[test]
    fn due_dates_count_working_days_with_the_lands_holidays() {
        // Thu 2026-12-03 → Tue 2026-12-08: Fri, Mon, Tue.
        assert_eq!(
            due_in(d("2026-12-08"), d("2026-12-03"), Land::NW),
            Due::Left(3)
        );
        assert_eq!(
            due_in(d("2026-12-03"), d("2026-12-03"), Land::NW),
            Due::Left(0)
        );
        // Due Tue 12-01, today Thu 12-03: Wed and Thu passed.
        assert_eq!(
            due_in(d("2026-12-01"), d("2026-12-03"), Land::NW),
            Due::Overdue(2)
        );
        // 24.12. → 28.12.: the 25th and 26th are holidays, 27th a Sunday.
        assert_eq!(
            due_in(d("2026-12-28"), d("2026-12-24"), Land::NW),
            Due::Left(1)
        );
        // Due on Saturday, today Monday: only Monday counts.
        assert_eq!(
            due_in(d("2026-12-05"), d("2026-12-07"), Land::NW),
            Due::Overdue(1)
        );
        // Due on Saturday, today Sunday: still in time.
        assert_eq!(
            due_in(d("2026-12-05"), d("2026-12-06"), Land::NW),
            Due::Left(0)
        );
        // Allerheiligen (1.11.) is a holiday in NW, not in BE.
        assert_eq!(
            due_in(d("2027-11-02"), d("2027-10-29"), Land::NW),
            Due::Left(1)
        );
        assert_eq!(
            due_in(d("2027-11-02"), d("2027-10-29"), Land::BE),
            Due::Left(2)
        );
    }

    #[test]
    fn due_texts_are_what_clerks_say() {
        assert_eq!(due_text(Due::Left(3), Lang::De), "noch 3 Arbeitstage");
        assert_eq!(due_text(Due::Left(1), Lang::De), "noch 1 Arbeitstag");
        assert_eq!(due_text(Due::Left(0), Lang::De), "heute fällig");
        assert_eq!(
            due_text(Due::Overdue(2), Lang::De),
            "2 Arbeitstage überfällig"
        );
        assert_eq!(due_text(Due::Overdue(1), Lang::En), "1 working day overdue");
        assert_eq!(date_text("2026-12-03", Lang::De), "03.12.2026");
        assert_eq!(date_text("2026-12-03", Lang::En), "2026-12-03");
    }

    #[test]
    fn a_task_shows_in_one_tab() {
        let mine = vec![task("1", "a", "x", "w", Some("Sam"))];
        let roles = vec![
            task("1", "a", "x", "w", Some("Sam")),
            task("2", "b", "x", "w", None),
            task("3", "c", "x", "w", Some("Fritz")),
            task("4", "d", "x", "w", None),
        ];
        let deputy = vec![task("4", "d", "x", "w", None)];
        let [m, r, v] = split(mine, roles, deputy);
        let ids = |l: &[Task]| l.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&m), ["1"]);
        assert_eq!(
            ids(&r),
            ["2"],
            "claimed by someone else or standing in: not here"
        );
        assert_eq!(ids(&v), ["4"]);
    }

    #[test]
    fn search_matches_every_word_and_the_workflow_filter() {
        let tasks = [
            task(
                "1",
                "beschaffung/2026/000001",
                "Preis prüfen",
                "beschaffung",
                None,
            ),
            task("2", "urlaub/2026/000002", "Antrag prüfen", "urlaub", None),
            task(
                "3",
                "beschaffung/2026/000003",
                "Bestellen",
                "beschaffung",
                None,
            ),
        ];
        let hay: Vec<(String, String)> = tasks
            .iter()
            .map(|t| (haystack(t), t.workflow.clone()))
            .collect();
        assert_eq!(filter(&hay, "", ""), [0, 1, 2]);
        assert_eq!(filter(&hay, "000003", ""), [2]);
        assert_eq!(filter(&hay, "PRÜFEN 2026", ""), [0, 1]);
        assert_eq!(filter(&hay, "prüfen", "urlaub"), [1]);
        assert_eq!(filter(&hay, "nichts", ""), Vec::<usize>::new());
    }

    #[test]
    fn the_window_covers_the_viewport_and_stays_in_bounds() {
        assert_eq!(window(0, 0.0, 500.0, 50.0, 5), (0, 0));
        assert_eq!(window(5000, 0.0, 500.0, 50.0, 5), (0, 16));
        assert_eq!(window(5000, 10_000.0, 500.0, 50.0, 5), (195, 216));
        assert_eq!(window(5000, 1e9, 500.0, 50.0, 5), (5000, 5000));
        assert_eq!(window(8, 0.0, 500.0, 50.0, 5), (0, 8));
    }
}
