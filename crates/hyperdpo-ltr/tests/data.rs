//! Parser tests: every format, every listed error, lenient mode, a write/parse round trip, and
//! the real data sets in `../shared/data`.

use hyperdpo_ltr::data::{load, parse_letor, LtrData, ParseOptions};
use hyperdpo_ltr::Error;
use proptest::prelude::*;
use std::path::PathBuf;

fn parse(text: &str) -> Result<LtrData, Error> {
    parse_letor(text.as_bytes(), "f.txt", &ParseOptions::default()).map(|p| p.data)
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn letor_dense_sparse_comments_and_crlf() {
    let d = parse("# header comment\n2 qid:10 1:0.5 2:1 3:-1.5 # docid = a\r\n\n0 qid:10 3:2\n1 qid:11 1:1e-3\n").unwrap();
    assert_eq!(d.num_features, 3);
    assert_eq!(d.labels, vec![2.0, 0.0, 1.0]);
    assert_eq!(d.query_ids, vec!["10", "11"]);
    assert_eq!(d.offsets, vec![0, 2, 3]);
    assert_eq!(
        d.features,
        vec![0.5, 1.0, -1.5, 0.0, 0.0, 2.0, 0.001, 0.0, 0.0]
    );
    // a later line widening the rows keeps earlier values in place
    let d = parse("1 qid:1 1:1\n1 qid:1 5:5\n").unwrap();
    assert_eq!(
        d.features,
        vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]
    );
    // a line with only a label is a document with all-zero features
    assert_eq!(parse("3 qid:1\n").unwrap().features.len(), 0);
}

#[test]
fn lightgbm_layout_with_group_sizes() {
    let opts = ParseOptions {
        group_sizes: Some(vec![2, 1]),
        ..ParseOptions::default()
    };
    let d = parse_letor("1 1:1\n0 2:1\n3 1:2\n".as_bytes(), "r", &opts)
        .unwrap()
        .data;
    assert_eq!(d.offsets, vec![0, 2, 3]);
    assert_eq!(d.query_ids, vec!["1", "2"]);
    let bad = ParseOptions {
        group_sizes: Some(vec![2, 2]),
        ..ParseOptions::default()
    };
    let e = parse_letor("1 1:1\n0 2:1\n3 1:2\n".as_bytes(), "r", &bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "r: group sizes add up to 4, but the file has 3 documents"
    );
    let e = parse_letor("1 qid:3 1:1\n".as_bytes(), "r", &opts).unwrap_err();
    assert!(
        e.to_string()
            .contains("qid: given, but group sizes come from a .query file"),
        "{e}"
    );
}

#[test]
fn every_listed_error_names_file_line_and_field() {
    assert_eq!(
        err("1 qid:1 1:1\nx qid:1 1:1\n"),
        "f.txt:2: field 1: label `x` is not a number"
    );
    assert_eq!(
        err("1 qid:1 1:abc\n"),
        "f.txt:1: field 3: value of feature 1 `abc` is not a number"
    );
    assert_eq!(
        err("1 qid:1 0:1\n"),
        "f.txt:1: field 3: feature index 0 (indices are 1-based)"
    );
    assert_eq!(
        err("1 qid:1 2:1 2:3\n"),
        "f.txt:1: field 4: feature index 2 appears twice"
    );
    assert_eq!(
        err("1 qid:1 3:1 2:3\n"),
        "f.txt:1: field 4: feature index 2 after 3 (indices must increase)"
    );
    assert_eq!(
        err("1 qid:1 1:1\n1 1:1\n"),
        "f.txt:2: field 2: missing qid: (this file's lines carry qid:)"
    );
    assert_eq!(
        err("1 qid:1 1:nan\n"),
        "f.txt:1: field 3: value of feature 1 `nan` is not finite"
    );
    assert_eq!(
        err("inf qid:1 1:1\n"),
        "f.txt:1: field 1: label `inf` is not finite"
    );
    assert_eq!(err("1 qid:1 1:1\n1 qid:2 1:1\n1 qid:1 1:1\n"), "f.txt:3: field 2: qid 1 reappears after other queries (documents of a query must be contiguous)");
    assert_eq!(
        err("1 qid:1 a:1\n"),
        "f.txt:1: field 3: feature index `a` is not a positive integer"
    );
    assert_eq!(
        err("1 qid:1 7\n"),
        "f.txt:1: field 3: `7` is not index:value"
    );
    let opts = ParseOptions {
        num_features: Some(2),
        ..ParseOptions::default()
    };
    let e = parse_letor("1 qid:1 3:1\n".as_bytes(), "f.txt", &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "f.txt:1: field 3: feature index 3 above num_features = 2"
    );
    let e = load(
        &PathBuf::from("/nonexistent/train.txt"),
        &ParseOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
}

#[test]
fn lenient_mode_skips_and_reports() {
    let opts = ParseOptions {
        lenient: true,
        ..ParseOptions::default()
    };
    let p = parse_letor(
        "1 qid:1 1:1\n1 qid:1 1:x\n0 qid:1 2:2\n2 qid:1 0:1\n".as_bytes(),
        "f",
        &opts,
    )
    .unwrap();
    assert_eq!(p.data.num_docs(), 2);
    assert_eq!(
        p.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert_eq!(
        p.skipped[0].reason,
        "field 3: value of feature 1 `x` is not a number"
    );
}

fn letor_data() -> impl Strategy<Value = LtrData> {
    (1usize..6, 1usize..5).prop_flat_map(|(queries, nf)| {
        prop::collection::vec(1usize..5, queries).prop_flat_map(move |sizes| {
            let docs: usize = sizes.iter().sum();
            (
                prop::collection::vec(prop_oneof![Just(0.0f32), -100.0f32..100.0], docs * nf),
                prop::collection::vec((0u8..5).prop_map(f32::from), docs),
                Just(sizes),
            )
                .prop_map(move |(features, labels, sizes)| {
                    let mut offsets = vec![0];
                    for s in &sizes {
                        offsets.push(offsets.last().unwrap() + s);
                    }
                    LtrData {
                        num_features: nf,
                        features,
                        labels,
                        query_ids: (0..sizes.len()).map(|q| format!("q{q}")).collect(),
                        offsets,
                    }
                })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn write_then_parse_round_trips(d in letor_data()) {
        let path = std::env::temp_dir().join(format!("ltr_rt_{}_{}.txt", std::process::id(), d.features.len()));
        d.write_letor(&path).unwrap();
        let opts = ParseOptions { num_features: Some(d.num_features), ..ParseOptions::default() };
        let back = load(&path, &opts).unwrap().data;
        std::fs::remove_file(&path).ok();
        prop_assert_eq!(back, d);
    }
}

/// `../shared/data` next to the repository; required on CI, optional elsewhere.
fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "shared data set {} missing on CI",
        p.display()
    );
    eprintln!("skipped: {} not found", p.display());
    None
}

fn label_counts(d: &LtrData, max: usize) -> Vec<usize> {
    (0..=max)
        .map(|l| d.labels.iter().filter(|&&v| v == l as f32).count())
        .collect()
}

fn all_zero_queries(d: &LtrData) -> usize {
    (0..d.num_queries())
        .filter(|&q| d.labels[d.query(q)].iter().all(|&l| l == 0.0))
        .count()
}

#[test]
fn real_letor4_mq2008_sample() {
    for (file, queries, docs, counts, zero) in [
        (
            "letor4-mq2008-sample/vali.txt",
            69,
            1000,
            vec![788, 149, 63],
            15,
        ),
        (
            "letor4-mq2008-sample/test.txt",
            36,
            795,
            vec![613, 129, 53],
            8,
        ),
    ] {
        let Some(p) = shared(file) else { return };
        let d = load(&p, &ParseOptions::default()).unwrap().data;
        assert_eq!(
            (d.num_queries(), d.num_docs(), d.num_features),
            (queries, docs, 46),
            "{file}"
        );
        assert_eq!(label_counts(&d, 2), counts, "{file}");
        assert_eq!(all_zero_queries(&d), zero, "{file}");
        assert!(d.features.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}

#[test]
fn real_lightgbm_lambdarank_with_query_files() {
    for (file, queries, docs, counts, zero) in [
        (
            "lightgbm-lambdarank/rank.train",
            201,
            3005,
            vec![645, 1211, 858, 222, 69],
            3,
        ),
        (
            "lightgbm-lambdarank/rank.test",
            50,
            768,
            vec![206, 256, 252, 44, 10],
            0,
        ),
    ] {
        let Some(p) = shared(file) else { return };
        let d = load(&p, &ParseOptions::default()).unwrap().data;
        assert_eq!(
            (d.num_queries(), d.num_docs(), d.num_features),
            (queries, docs, 300),
            "{file}"
        );
        assert_eq!(label_counts(&d, 4), counts, "{file}");
        assert_eq!(all_zero_queries(&d), zero, "{file}");
    }
}
