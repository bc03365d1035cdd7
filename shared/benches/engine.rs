//! The case engine: one `step` (a task completion) on the procurement template, for a fresh
//! case and for one whose route has grown to ~80 steps (the walk is replayed on every step).

use std::collections::BTreeMap;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use fachwerk_shared::engine::{start, step, Actor, CaseStart, Event, State};
use fachwerk_shared::model::{Land, RoleId, Workflow};
use fachwerk_shared::values::Date;

fn workflow() -> Workflow {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows/beschaffung.json");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    fachwerk_shared::parse_workflow(&text).unwrap_or_else(|_| Workflow::new("leer", "leer"))
}

fn actor(person: &str, role: &str) -> Actor {
    Actor {
        person: person.into(),
        roles: vec![RoleId::new(role)],
        signing_limit: None,
    }
}

fn done(task: &str, by: Actor, exit: &str) -> Event {
    Event::TaskCompleted {
        task: task.into(),
        by,
        exit: exit.into(),
        fields: BTreeMap::new(),
    }
}

/// A 12.400 € case after `rounds` rejected price checks, waiting at `angebote-einholen`.
fn case(w: &Workflow, rounds: u32) -> Option<(State, Date)> {
    let on = Date::new(2026, 3, 2)?;
    let fields = [
        ("betragNetto", "12400.00"),
        ("gegenstand", "Stühle"),
        ("haushaltsstelle", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
    .collect();
    let start_data = CaseStart {
        case_id: "B-1".into(),
        initiator: Some("Frau Bedarf".into()),
        fields,
    };
    let (mut s, _) = start(w, &start_data, on, Land::NW).ok()?;
    s = step(
        w,
        &s,
        &done("bedarf-pruefen@1", actor("Frau Meier", "R-SB"), "ok"),
        on,
    )
    .ok()?
    .0;
    for v in 1..=rounds {
        let t = format!("angebote-einholen@{v}");
        s = step(w, &s, &done(&t, actor("Frau Meier", "R-SB"), "ok"), on)
            .ok()?
            .0;
        let t = format!("preis-pruefen@{v}");
        s = step(
            w,
            &s,
            &done(&t, actor("Herr Schulz", "R-FBL"), "reject"),
            on,
        )
        .ok()?
        .0;
    }
    Some((s, on))
}

fn bench_step(c: &mut Criterion) {
    let w = workflow();
    let mut g = c.benchmark_group("engine_step");
    g.sample_size(30)
        .measurement_time(std::time::Duration::from_secs(3));
    for rounds in [0u32, 40] {
        let Some((s, on)) = case(&w, rounds) else {
            continue;
        };
        let task = format!("angebote-einholen@{}", rounds + 1);
        let e = done(&task, actor("Frau Meier", "R-SB"), "ok");
        let len = s.route.len();
        g.bench_with_input(BenchmarkId::new("route_steps", len), &len, |b, _| {
            b.iter(|| step(black_box(&w), black_box(&s), black_box(&e), on))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_step);
criterion_main!(benches);
