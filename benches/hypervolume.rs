//! Criterion benchmarks of `hyperdpo-moo`'s exact hypervolume on seeded spherical fronts
//! (minimised, reference 1.1 in every objective) — the same fronts `examples/write_fronts.rs`
//! writes for the peer comparison in `benches/peers/hv_peers.py`.
//!
//! ```text
//! cargo bench --bench hypervolume
//! ```

#[path = "hv_data.rs"]
mod hv_data;
use hv_data::{CASES, SEED};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hyperdpo::moo::fronts::sphere_front;
use hyperdpo::moo::{hypervolume, Points, Sense};
use std::hint::black_box;
use std::time::Duration;

fn bench_hv(c: &mut Criterion) {
    let mut g = c.benchmark_group("hypervolume");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500));
    for &(d, n) in CASES {
        let f = sphere_front(n, d, SEED).expect("d > 0");
        let r = vec![1.1; d];
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{d}d_{n}")),
            &f,
            |b, f| {
                b.iter(|| {
                    let p = Points::from_flat(black_box(f), d).expect("finite");
                    hypervolume(p, &r, Sense::Minimize).expect("valid")
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench_hv);
criterion_main!(benches);
