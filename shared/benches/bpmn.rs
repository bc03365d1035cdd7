//! BPMN export and import on synthetic workflows of 1,000 and 10,000 blocks: `from_bpmn` of the
//! export (read back by the streaming reader) and `from_bpmn_foreign` of the same export without
//! any Fachwerk data (what another tool writes: element tree and mapping of foreign BPMN, the
//! file `peer_inputs` writes as `foreign-10000.bpmn`). Short measurement windows keep
//! `cargo bench -p fachwerk-shared --bench bpmn` at about a minute.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fachwerk_shared::bpmn::{from_bpmn, to_bpmn};
use fachwerk_shared::generate::synthetic;

#[path = "support/foreign.rs"]
mod foreign;

const SIZES: [usize; 2] = [1_000, 10_000];

fn bench_bpmn(c: &mut Criterion) {
    let mut group = c.benchmark_group("bpmn");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    for n in SIZES {
        let w = synthetic(n, 42);
        let xml = to_bpmn(&w);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("to_bpmn", n), &w, |b, w| {
            b.iter(|| to_bpmn(black_box(w)))
        });
        group.bench_with_input(BenchmarkId::new("from_bpmn", n), &xml, |b, x| {
            b.iter(|| from_bpmn(black_box(x)))
        });
        let stripped = foreign::without_fachwerk_data(&xml).expect("the export is well-formed");
        let other = String::from_utf8(stripped).expect("UTF-8 in, UTF-8 out");
        group.bench_with_input(BenchmarkId::new("from_bpmn_foreign", n), &other, |b, x| {
            b.iter(|| from_bpmn(black_box(x)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_bpmn);
criterion_main!(benches);
