//! NDCG: hand values, edge cases, and agreement with scikit-learn's `ndcg_score`
//! (fixtures written by `tests/fixtures/gen_ndcg.py`).

use hyperdpo_ltr::ndcg::{Gain, Ndcg, Ties, ZeroIdeal};

fn d(i: usize) -> f64 {
    1.0 / ((i + 2) as f64).log2()
}

#[test]
fn perfect_ranking_is_one_and_reversed_is_known() {
    let labels = [3.0, 2.0, 1.0, 0.0];
    let n = Ndcg::at(0);
    assert_eq!(n.list(&[4.0, 3.0, 2.0, 1.0], &labels), Some(1.0));
    let ideal = 3.0 * d(0) + 2.0 * d(1) + 1.0 * d(2);
    let rev = 0.0 * d(0) + 1.0 * d(1) + 2.0 * d(2) + 3.0 * d(3);
    assert!((n.list(&[1.0, 2.0, 3.0, 4.0], &labels).unwrap() - rev / ideal).abs() < 1e-15);
    // exponential gain
    let e = Ndcg {
        gain: Gain::Exponential,
        ..n
    };
    let ideal = 7.0 * d(0) + 3.0 * d(1) + 1.0 * d(2);
    let rev = 1.0 * d(1) + 3.0 * d(2) + 7.0 * d(3);
    assert!((e.list(&[1.0, 2.0, 3.0, 4.0], &labels).unwrap() - rev / ideal).abs() < 1e-15);
}

#[test]
fn cutoffs() {
    let labels = [0.0, 1.0, 2.0];
    let scores = [3.0, 2.0, 1.0];
    // k = 1: the top item has label 0
    assert_eq!(Ndcg::at(1).list(&scores, &labels), Some(0.0));
    // k beyond the list length means the whole list
    assert_eq!(
        Ndcg::at(50).list(&scores, &labels),
        Ndcg::at(3).list(&scores, &labels)
    );
    assert_eq!(
        Ndcg::at(0).list(&scores, &labels),
        Ndcg::at(3).list(&scores, &labels)
    );
    let k2 = (1.0 * d(1)) / (2.0 * d(0) + 1.0 * d(1));
    assert!((Ndcg::at(2).list(&scores, &labels).unwrap() - k2).abs() < 1e-15);
}

#[test]
fn tie_rules() {
    // scores tie between the relevant and the irrelevant item
    let labels = [0.0, 1.0, 0.0];
    let scores = [1.0, 1.0, 0.0];
    // stable: input order → label 0 first
    let stable = Ndcg::at(1).list(&scores, &labels).unwrap();
    assert_eq!(stable, 0.0);
    // average: the tied pair shares gain 0.5 at position 1
    let avg = Ndcg {
        ties: Ties::Average,
        ..Ndcg::at(1)
    }
    .list(&scores, &labels)
    .unwrap();
    assert!((avg - 0.5).abs() < 1e-15);
    // whole list, average: (0.5·(d0 + d1)) / d0
    let avg_all = Ndcg {
        ties: Ties::Average,
        ..Ndcg::at(0)
    }
    .list(&scores, &labels)
    .unwrap();
    assert!((avg_all - 0.5 * (d(0) + d(1)) / d(0)).abs() < 1e-15);
}

#[test]
fn zero_ideal_rules_and_counts() {
    let lists: Vec<(Vec<f64>, Vec<f64>)> = vec![
        (vec![2.0, 1.0], vec![1.0, 0.0]),
        (vec![2.0, 1.0], vec![0.0, 0.0]),
        (vec![2.0, 1.0], vec![0.0, 1.0]),
    ];
    let it = || lists.iter().map(|(s, l)| (&s[..], &l[..]));
    let third = d(1) / d(0);
    let zero = Ndcg::at(10).mean(it());
    assert!((zero.mean - (1.0 + 0.0 + third) / 3.0).abs() < 1e-15);
    assert_eq!((zero.lists, zero.zero_ideal), (3, 1));
    let one = Ndcg {
        zero_ideal: ZeroIdeal::One,
        ..Ndcg::at(10)
    }
    .mean(it());
    assert!((one.mean - (2.0 + third) / 3.0).abs() < 1e-15);
    let ex = Ndcg {
        zero_ideal: ZeroIdeal::Exclude,
        ..Ndcg::at(10)
    }
    .mean(it());
    assert!((ex.mean - (1.0 + third) / 2.0).abs() < 1e-15);
    assert_eq!((ex.lists, ex.zero_ideal), (2, 1));
    // only relevant item beyond the cutoff: ideal DCG@1 > 0, DCG@1 = 0
    assert_eq!(Ndcg::at(1).list(&[2.0, 1.0], &[0.0, 1.0]), Some(0.0));
}

#[test]
fn agrees_with_scikit_learn() {
    let text = include_str!("fixtures/ndcg_sklearn.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 300);
    let f = |x: &serde_json::Value| -> Vec<f64> {
        x.as_array()
            .unwrap()
            .iter()
            .map(|y| y.as_f64().unwrap())
            .collect()
    };
    for (i, c) in cases.iter().enumerate() {
        let n = Ndcg {
            k: c["k"].as_u64().unwrap() as usize,
            gain: Gain::Linear,
            ties: Ties::Average,
            zero_ideal: ZeroIdeal::Zero,
        };
        let got = n.list(&f(&c["scores"]), &f(&c["labels"])).unwrap();
        let want = c["ndcg"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-12, "case {i}: {got} vs {want}");
    }
}
