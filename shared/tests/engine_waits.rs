//! `engine::step` on the blocks that wait for the outside world or the calendar (Rückfrage,
//! Bescheid, Zahlung, Frist, Eskalation): manual tasks, timers, deadline exits, overdue
//! timers firing before a late event.
#![allow(clippy::unwrap_used)]

mod engine_support;

use engine_support::blocks::*;
use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use serde_json::json;

fn rueckfrage() -> Workflow {
    workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "rf",
                "rueckfrage",
                json!({"channel": "PORTAL", "template": "nachfrage", "replyDeadline": "P14D", "reminderAfter": "P7D"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("zu-spaet", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "sb"),
            ("sb", "ok", "rf"),
            ("rf", "reply", "ende"),
            ("rf", "timeout", "zu-spaet"),
        ],
    )
}

#[test]
fn rueckfrage_waits_for_the_reply_or_its_deadline() {
    let w = rueckfrage();
    let (s, _) = begin(&w, json!({}), "2026-05-04");
    let (s, effects) = go(&w, &s, &done("sb@1", by("A", &["R-A"]), "ok"), "2026-05-05");
    assert_eq!(ids(&s), ["rf@1"]);
    let t = &s.tasks[0];
    assert_eq!(
        (t.kind, t.role.clone()),
        (TaskKind::Query, Some(RoleId::new("R-A")))
    );
    assert_eq!(t.due, Some(day("2026-05-19")));
    assert_eq!(timers(&s), ["rf@1/antwortfrist", "rf@1/erinnerung"]);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage { message: MessageKind::Rueckfrage, to: Recipient::Applicant, template, .. } if template == "nachfrage"
    )));
    let sent = Event::QuerySent {
        task: "rf@1".into(),
    };
    let (s, _) = go(&w, &s, &sent, "2026-05-05");
    refused(&w, &s, &sent, "2026-05-05", RefusalCode::AlreadySent);
    refused(
        &w,
        &s,
        &done("rf@1", by("A", &["R-A"]), "timeout"),
        "2026-05-06",
        RefusalCode::DeadlineNotReached,
    );
    refused(
        &w,
        &s,
        &Event::QueryTimedOut {
            task: "rf@1".into(),
        },
        "2026-05-06",
        RefusalCode::TimerNotDue,
    );

    // Reply on day 10: the reminder (day 7) fired before, then the reply counts.
    let (s1, effects) = go(
        &w,
        &s,
        &Event::QueryAnswered {
            task: "rf@1".into(),
        },
        "2026-05-15",
    );
    assert!(ended(&s1, "ende"));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage {
            message: MessageKind::Erinnerung,
            ..
        }
    )));
    assert!(effects.contains(&Effect::CancelTimer {
        timer: "rf@1/antwortfrist".into()
    }));

    // No reply: the deadline timer ends it via timeout; a late reply finds no task.
    let (s2, _) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "rf@1/antwortfrist".into(),
        },
        "2026-05-19",
    );
    assert!(ended(&s2, "zu-spaet"));
    // A reply after the deadline: the overdue timer fires first, the case has ended.
    refused(
        &w,
        &s,
        &Event::QueryAnswered {
            task: "rf@1".into(),
        },
        "2026-05-20",
        RefusalCode::CaseClosed,
    );
    let r = step(
        &w,
        &s,
        &Event::TimerDue {
            timer: "rf@1/antwortfrist".into(),
        },
        day("2026-05-20"),
    )
    .unwrap();
    assert!(ended(&r.0, "zu-spaet"));
    let r = step(
        &w,
        &s,
        &Event::QueryTimedOut {
            task: "rf@1".into(),
        },
        day("2026-05-21"),
    )
    .unwrap();
    assert!(ended(&r.0, "zu-spaet"));
}

#[test]
fn bescheid_renders_the_document_and_waits_for_delivery_or_announcement() {
    let w = workflow(
        &[
            start_block(),
            (
                "b",
                "bescheid",
                json!({"template": "bescheid", "signatureLevel": "QES", "channel": "POSTFACH_ABRUF", "abrufFrist": "P10D", "fiktionTage": 3}),
            ),
            (
                "brief",
                "bescheid",
                json!({"template": "brief", "signatureLevel": "NAME", "channel": "BRIEF", "fiktionTage": 3}),
            ),
            ende("ende", "ERLEDIGT"),
        ],
        &[
            ("start", "next", "b"),
            ("b", "zugestellt", "ende"),
            ("b", "nichtAbgerufen", "brief"),
            ("brief", "zugestellt", "ende"),
        ],
    );
    let (s, effects) = begin(&w, json!({}), "2026-05-04");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::RenderDocument { template, .. } if template == "bescheid")));
    assert_eq!(ids(&s), ["b@1"]);
    assert_eq!(s.tasks[0].kind, TaskKind::Notice);
    assert_eq!(timers(&s), ["b@1/abruffrist"]);
    let (s1, _) = go(
        &w,
        &s,
        &Event::NoticeDelivered { task: "b@1".into() },
        "2026-05-08",
    );
    assert!(ended(&s1, "ende"));

    // Not downloaded within 10 days (4 May + 10 = 14 May, Christi Himmelfahrt → 15 May): the
    // letter goes out and counts as announced on day 3 (a timer).
    let (s2, effects) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "b@1/abruffrist".into(),
        },
        "2026-05-15",
    );
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::RenderDocument { template, .. } if template == "brief")));
    assert!(s2.tasks.is_empty());
    assert_eq!(timers(&s2), ["brief@1/bekanntgabe"]);
    let due = s2.timers[0].due;
    assert_eq!(due, day("2026-05-18"), "15 May + 3 days");
    refused(
        &w,
        &s2,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-15",
        RefusalCode::TimerNotDue,
    );
    let (s3, _) = go(
        &w,
        &s2,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-18",
    );
    assert!(ended(&s3, "ende"));
    assert_eq!(s3.route_blocks(), ["start", "b", "brief", "ende"]);
    refused(
        &w,
        &s3,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-18",
        RefusalCode::CaseClosed,
    );
}

#[test]
fn zahlung_waits_for_the_payment_or_the_deadline_and_frist_for_its_timer() {
    let w = workflow(
        &[
            start_block(),
            (
                "z",
                "zahlung",
                json!({"amount": "26.00", "methods": ["PAYPAL"], "timing": "VOR_BEARBEITUNG", "payDeadline": "P14D"}),
            ),
            (
                "warten",
                "frist",
                json!({"kind": "WARTEN", "duration": "P1M", "calendar": "KALENDERTAGE"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("offen", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "z"),
            ("z", "bezahlt", "warten"),
            ("z", "nichtBezahlt", "offen"),
            ("warten", "next", "ende"),
        ],
    );
    let (s, effects) = begin(&w, json!({}), "2026-05-04");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage {
            message: MessageKind::Zahlungsaufforderung,
            ..
        }
    )));
    assert_eq!(ids(&s), ["z@1"]);
    assert_eq!(timers(&s), ["z@1/zahlungsfrist"]);
    refused(
        &w,
        &s,
        &Event::PaymentReceived { task: "z@2".into() },
        "2026-05-05",
        RefusalCode::TaskNotOpen,
    );
    let (paid, _) = go(
        &w,
        &s,
        &Event::PaymentReceived { task: "z@1".into() },
        "2026-05-05",
    );
    assert!(paid.tasks.is_empty());
    assert_eq!(timers(&paid), ["warten@1/frist"]);
    assert_eq!(paid.timers[0].due, day("2026-06-05"));
    let (done_, _) = go(
        &w,
        &paid,
        &Event::TimerDue {
            timer: "warten@1/frist".into(),
        },
        "2026-06-05",
    );
    assert!(ended(&done_, "ende"));
    let (unpaid, _) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "z@1/zahlungsfrist".into(),
        },
        "2026-05-18",
    );
    assert!(ended(&unpaid, "offen"));
}

#[test]
fn eskalation_notifies_or_takes_the_task_away() {
    let w = workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "erinnern",
                "eskalation",
                json!({"attachedTo": "sb", "after": "P3D", "interrupting": false, "escalateTo": role("R-B")}),
            ),
            (
                "entziehen",
                "eskalation",
                json!({"attachedTo": "sb", "after": "P7D", "interrupting": true, "escalateTo": role("R-B")}),
            ),
            (
                "leitung",
                "sachbearbeitung",
                json!({"assignee": role("R-B"), "outcomes": ["ok"]}),
            ),
            ende("ende", "ERLEDIGT"),
        ],
        &[
            ("start", "next", "sb"),
            ("sb", "ok", "ende"),
            ("entziehen", "escalated", "leitung"),
            ("leitung", "ok", "ende"),
        ],
    );
    let (s, _) = begin(&w, json!({}), "2026-05-04");
    assert_eq!(
        timers(&s),
        ["erinnern@1/eskalation", "entziehen@1/eskalation"]
    );
    let (s1, effects) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "erinnern@1/eskalation".into(),
        },
        "2026-05-07",
    );
    assert_eq!(ids(&s1), ["sb@1"], "a notification leaves the task open");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage { message: MessageKind::Eskalation, to: Recipient::Role(r), .. } if r.as_str() == "R-B"
    )));
    let (s2, effects) = go(
        &w,
        &s1,
        &done("sb@1", by("A", &["R-A"]), "ok"),
        "2026-05-08",
    );
    assert!(ended(&s2, "ende"));
    assert_eq!(s2.route_blocks(), ["start", "sb", "erinnern", "ende"]);
    assert!(effects.contains(&Effect::CancelTimer {
        timer: "entziehen@1/eskalation".into()
    }));

    // Completed only after the interrupting escalation was due: the timers fire first, the
    // task was taken away, the Leitung gets it.
    refused(
        &w,
        &s1,
        &done("sb@1", by("A", &["R-A"]), "ok"),
        "2026-05-12",
        RefusalCode::TaskNotOpen,
    );
    let (s3, _) = go(
        &w,
        &s1,
        &Event::TimerDue {
            timer: "entziehen@1/eskalation".into(),
        },
        "2026-05-11",
    );
    assert_eq!(ids(&s3), ["leitung@1"]);
    assert_eq!(s3.route_blocks(), ["start", "sb", "erinnern", "entziehen"]);
    assert_eq!(s3.route[1].person.as_deref(), Some(UNASSIGNED));
}

#[test]
fn an_escalation_to_an_expression_notifies_the_person_it_yields() {
    let w = workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "erinnern",
                "eskalation",
                json!({"attachedTo": "sb", "after": "P2D", "interrupting": false,
                       "escalateTo": {"kind": "expression", "ref": "\"Frau Chefin\""}}),
            ),
            ende("ende", "ERLEDIGT"),
        ],
        &[("start", "next", "sb"), ("sb", "ok", "ende")],
    );
    let (s, _) = begin(&w, json!({}), "2026-05-04");
    let (_, effects) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "erinnern@1/eskalation".into(),
        },
        "2026-05-06",
    );
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::SendMessage { message: MessageKind::Eskalation, to: Recipient::Person(p), .. } if p == "Frau Chefin"
        )),
        "{effects:?}"
    );
}
