//! Diff of two versions with 5 % changes at 2,000 and 10,000 blocks.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use fachwerk_shared::diff::diff;
use fachwerk_shared::generate::{modify, synthetic};

fn bench_diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    g.sample_size(20)
        .measurement_time(std::time::Duration::from_secs(3));
    for n in [2_000usize, 10_000] {
        let a = synthetic(n, 7);
        let b = modify(&a, 5, 11);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| diff(black_box(&a), black_box(&b)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
