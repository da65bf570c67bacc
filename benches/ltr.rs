//! Criterion benchmarks of `hyperdpo-ltr`: LETOR parse throughput on a ≈100 MB MSLR-like file
//! (from the page cache) and NDCG@10 over 10 000 queries of 100 documents.
//! Peers: `benches/peers/ltr_peers.py` (scikit-learn, ranx).
//!
//! ```text
//! cargo bench --bench ltr
//! ```

#[path = "ltr_data.rs"]
mod ltr_data;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hyperdpo::ltr::data::{load, ParseOptions};
use hyperdpo::ltr::ndcg::{Ndcg, Ties};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let path = ltr_data::letor_100mb();
    let bytes = std::fs::metadata(&path).expect("bench file").len();
    let mut g = c.benchmark_group("ltr_parse");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Bytes(bytes));
    g.bench_function("letor_100mb", |b| {
        b.iter(|| load(black_box(&path), &ParseOptions::default()).expect("parses"))
    });
    g.finish();

    let lists = ltr_data::ndcg_lists();
    let mut g = c.benchmark_group("ltr_ndcg");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    for (name, ties) in [
        ("ndcg10_10k_stable", Ties::Stable),
        ("ndcg10_10k_average", Ties::Average),
    ] {
        let cfg = Ndcg {
            ties,
            ..Ndcg::at(10)
        };
        g.bench_function(name, |b| {
            b.iter(|| cfg.mean(lists.iter().map(|(s, l)| (&s[..], &l[..]))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
