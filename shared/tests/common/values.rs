//! Strategies for values: text, money, durations, ids, assignees, recipients.

use fachwerk_shared::model::*;
use fachwerk_shared::values::{Duration, Money};
use proptest::prelude::*;

/// Any text: plain, German with quotes and symbols, or arbitrary unicode (incl. control chars).
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 äöüÄÖÜß€§.,:;()\"'\\\\/{}<>&\t\n-]{0,16}",
        1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
        1 => Just(String::new()),
    ]
}

pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// Money in a range that formats and parses exactly (± 10^11 euros).
pub fn money() -> impl Strategy<Value = Money> {
    prop_oneof![
        (-10_000_000_000_000i64..10_000_000_000_000i64).prop_map(Money),
        (0i64..100_000).prop_map(Money::euros),
        Just(Money(0)),
    ]
}

/// Durations as users write them: valid ISO 8601, zero, or arbitrary (invalid) text.
pub fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        3 => (1u32..400).prop_map(Duration::days),
        1 => (1u32..100).prop_map(|h| Duration::new(format!("PT{h}H"))),
        1 => (0u32..5, 0u32..12, 0u32..30).prop_map(|(y, m, d)| Duration::new(format!("P{y}Y{m}M{d}D"))),
        1 => Just(Duration::new("P0D")),
        1 => text().prop_map(Duration::new),
    ]
}

pub fn opt_duration() -> impl Strategy<Value = Option<Duration>> {
    proptest::option::of(duration())
}

pub fn role_id() -> impl Strategy<Value = RoleId> {
    prop_oneof![3 => "R-[A-Z]{1,4}".prop_map(RoleId), 1 => text().prop_map(RoleId)]
}

pub fn block_id() -> impl Strategy<Value = BlockId> {
    prop_oneof![3 => "[a-z][a-z0-9-]{0,8}".prop_map(BlockId), 1 => text().prop_map(BlockId)]
}

pub fn assignee() -> impl Strategy<Value = Assignee> {
    prop_oneof![
        3 => role_id().prop_map(Assignee::Role),
        1 => text().prop_map(Assignee::Person),
        1 => Just(Assignee::Initiator),
        1 => text().prop_map(Assignee::Expression),
    ]
}

pub fn opt_assignee() -> impl Strategy<Value = Option<Assignee>> {
    proptest::option::of(assignee())
}

pub fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        Just(Recipient::Applicant),
        role_id().prop_map(Recipient::Role),
        text().prop_map(Recipient::Person),
        Just(Recipient::Initiator),
        text().prop_map(Recipient::External),
    ]
}
