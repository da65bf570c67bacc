//! Benchmark data shared by `benches/ltr.rs` and `examples/write_ltr_bench_data.rs` (so that the
//! Python peers read exactly what we measure).
#![allow(dead_code)] // each includer uses part of this module

use hyperdpo::ltr::synthetic::SyntheticConfig;
use std::path::{Path, PathBuf};

/// Directory of the generated files.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// A ≈100 MB MSLR-like LETOR file (136 dense features per line), generated once.
pub fn letor_100mb() -> PathBuf {
    let path = dir().join("mslr_like_100mb.txt");
    if !path.exists() {
        std::fs::create_dir_all(dir()).expect("create target/bench-data");
        // ≈ 1.7 kB per line: 60 000 documents
        let data = SyntheticConfig {
            queries: 1500,
            min_docs: 40,
            max_docs: 40,
            conflict: 0.5,
            seed: 1,
        }
        .generate()
        .expect("valid config");
        data.write_letor(&path).expect("write LETOR file");
    }
    path
}

/// 10 000 queries of 100 documents: labels 0–4 and scores with some ties, seeded.
pub fn ndcg_lists() -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..10_000)
        .map(|_| {
            let labels: Vec<f64> = (0..100).map(|_| (next() % 5) as f64).collect();
            let scores: Vec<f64> = (0..100).map(|_| (next() % 1000) as f64 / 10.0).collect();
            (scores, labels)
        })
        .collect()
}

/// Writes the NDCG lists as `qid label score` lines (for the peers).
pub fn write_ndcg_lists(path: &Path) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create file"));
    for (q, (s, l)) in ndcg_lists().iter().enumerate() {
        for (score, label) in s.iter().zip(l) {
            writeln!(w, "{q} {label} {score}").expect("write");
        }
    }
}
