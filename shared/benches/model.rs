//! Model benchmarks on synthetic workflows of 100, 1,000 and 10,000 blocks: validation and the
//! canonical JSON round trip. Short measurement windows keep `cargo bench -p fachwerk-shared`
//! well under two minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use fachwerk_shared::generate::synthetic;
use fachwerk_shared::{parse_workflow, to_canonical_json, validate};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

fn bench_model(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    // Flat sampling: the 10,000-block runs take ~0.1 s each, too long for linear sampling.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let w = synthetic(n, 42);
        let text = to_canonical_json(&w);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("validate", n), &w, |b, w| {
            b.iter(|| validate(black_box(w)))
        });
        group.bench_with_input(BenchmarkId::new("to_canonical_json", n), &w, |b, w| {
            b.iter(|| to_canonical_json(black_box(w)))
        });
        group.bench_with_input(BenchmarkId::new("parse_workflow", n), &text, |b, t| {
            b.iter(|| parse_workflow(black_box(t)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_model);
criterion_main!(benches);
