//! Scorer properties: shapes, padding, permutation equivariance, conditioning, augmentation at
//! initialisation, save/load; batching; tensor NDCG against the slice version.
#![cfg(feature = "tch")]

use hyperdpo_ltr::batch::Batcher;
use hyperdpo_ltr::model::*;
use hyperdpo_ltr::ndcg::{Gain, Ndcg};
use hyperdpo_ltr::ndcg_tensor::ndcg_batch;
use hyperdpo_ltr::synthetic::SyntheticConfig;
use tch::{nn, Device, Kind, Tensor};

const OPTS: (Kind, Device) = (Kind::Float, Device::Cpu);

fn scorer(cond: usize, seed: i64) -> (nn::VarStore, TransformerScorer) {
    tch::manual_seed(seed);
    let vs = nn::VarStore::new(Device::Cpu);
    let s = TransformerScorer::new(
        &vs.root(),
        ScorerConfig {
            cond_dim: cond,
            hidden: 16,
            heads: 2,
            ..ScorerConfig::base(5)
        },
    )
    .unwrap();
    (vs, s)
}

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}

#[test]
fn shapes_and_condition_forms() {
    let (_vs, s) = scorer(3, 0);
    let x = Tensor::randn([4, 6, 5], OPTS);
    let mask = Tensor::ones([4, 6], (Kind::Bool, Device::Cpu));
    let w = Tensor::from_slice(&[0.2f32, 0.3, 0.5]);
    let shared = s.score(&x, &mask, Some(&w), false).unwrap();
    assert_eq!(shared.size(), vec![4, 6]);
    let per_list = s
        .score(
            &x,
            &mask,
            Some(&w.view([1, 3]).expand([4, 3], false)),
            false,
        )
        .unwrap();
    assert!(max_diff(&shared, &per_list) < 1e-6);
    assert!(s.score(&x, &mask, None, false).is_err());
    assert!(s
        .score(&x, &mask, Some(&Tensor::ones([2], OPTS)), false)
        .is_err());
    assert!(s
        .score(&Tensor::randn([4, 6, 4], OPTS), &mask, Some(&w), false)
        .is_err());
}

#[test]
fn padding_never_changes_real_scores() {
    let (_vs, s) = scorer(2, 1);
    let x = Tensor::randn([3, 5, 5], OPTS);
    let mask = Tensor::from_slice(&[
        true, true, true, false, false, true, true, true, true, true, true, false, false, false,
        false,
    ])
    .view([3, 5]);
    let w = Tensor::from_slice(&[0.5f32, 0.5]);
    let a = s.score(&x, &mask, Some(&w), false).unwrap();
    // garbage in padded features
    let junk = Tensor::randn([3, 5, 5], OPTS) * 1e3;
    let x2 = x.where_self(&mask.unsqueeze(2), &junk);
    let b = s.score(&x2, &mask, Some(&w), false).unwrap();
    assert!(max_diff(&a.masked_select(&mask), &b.masked_select(&mask)) < 1e-5);
    // more padded columns
    let x3 = Tensor::cat(&[&x, &(Tensor::randn([3, 4, 5], OPTS) * 50.0)], 1);
    let m3 = Tensor::cat(
        &[&mask, &Tensor::zeros([3, 4], (Kind::Bool, Device::Cpu))],
        1,
    );
    let c = s.score(&x3, &m3, Some(&w), false).unwrap().narrow(1, 0, 5);
    assert!(max_diff(&a.masked_select(&mask), &c.masked_select(&mask)) < 1e-5);
}

#[test]
fn permutation_equivariant() {
    let (_vs, s) = scorer(0, 2);
    let x = Tensor::randn([2, 7, 5], OPTS);
    let mask = Tensor::ones([2, 7], (Kind::Bool, Device::Cpu));
    let perm = Tensor::from_slice(&[3i64, 0, 6, 1, 5, 2, 4]);
    let a = s.score(&x, &mask, None, false).unwrap();
    let b = s
        .score(&x.index_select(1, &perm), &mask, None, false)
        .unwrap();
    assert!(max_diff(&a.index_select(1, &perm), &b) < 1e-5);
    // and the list context matters: scores are not a per-item function of the features alone
    let single = s
        .score(&x.narrow(1, 0, 1), &mask.narrow(1, 0, 1), None, false)
        .unwrap();
    assert!(max_diff(&single, &a.narrow(1, 0, 1)) > 1e-6);
}

#[test]
fn conditioning_changes_the_output() {
    let (_vs, s) = scorer(2, 3);
    let x = Tensor::randn([2, 4, 5], OPTS);
    let mask = Tensor::ones([2, 4], (Kind::Bool, Device::Cpu));
    let a = s
        .score(&x, &mask, Some(&Tensor::from_slice(&[1.0f32, 0.0])), false)
        .unwrap();
    let b = s
        .score(&x, &mask, Some(&Tensor::from_slice(&[0.0f32, 1.0])), false)
        .unwrap();
    assert!(max_diff(&a, &b) > 1e-4);
    // temperature-conditioned: β̄ matters too, and the eq. 23 blend is applied
    let (_vs2, t) = scorer(4, 4);
    let base = Tensor::randn([2, 4], OPTS);
    let s1 = temperature_conditioned_scores(&t, &x, &mask, &[0.5, 0.5], &[1.0, 1.0], &base, false)
        .unwrap();
    let s2 = temperature_conditioned_scores(&t, &x, &mask, &[0.5, 0.5], &[1.5, 0.5], &base, false)
        .unwrap();
    assert!(max_diff(&s1, &s2) > 1e-4);
    let inner = t
        .score(
            &x,
            &mask,
            Some(&Tensor::from_slice(&[0.5f32, 0.5, 0.5, 0.5])),
            false,
        )
        .unwrap();
    // c = 2: s = 0.5 base + inner / 2
    assert!(max_diff(&s1, &(&base * 0.5 + inner / 2.0)) < 1e-6);
    assert!(
        temperature_conditioned_scores(&t, &x, &mask, &[0.5, 0.5], &[1.0, 0.0], &base, false)
            .is_err()
    );
}

#[test]
fn augmentation_network_equals_base_at_initialisation() {
    let (_vs, base) = scorer(0, 5);
    tch::manual_seed(6);
    let vs = nn::VarStore::new(Device::Cpu);
    let delta = TransformerScorer::new(
        &vs.root(),
        ScorerConfig {
            cond_dim: 2,
            hidden: 16,
            heads: 2,
            zero_init_head: true,
            ..ScorerConfig::base(5)
        },
    )
    .unwrap();
    let aug = Augmented { base: &base, delta };
    let x = Tensor::randn([3, 4, 5], OPTS);
    let mask = Tensor::ones([3, 4], (Kind::Bool, Device::Cpu));
    let w = Tensor::from_slice(&[0.3f32, 0.7]);
    let a = aug.score(&x, &mask, Some(&w), false).unwrap();
    let b = base.score(&x, &mask, None, false).unwrap();
    assert_eq!(max_diff(&a, &b), 0.0);
    // gradients reach Δs only
    a.sum(Kind::Float).backward();
    assert!(vs
        .trainable_variables()
        .iter()
        .any(|v| v.grad().defined() && v.grad().abs().sum(Kind::Float).double_value(&[]) > 0.0));
}

#[test]
fn varstore_round_trip_and_parameter_count() {
    let (vs, s) = scorer(2, 7);
    let path = std::env::temp_dir().join(format!("ltr_model_{}.safetensors", std::process::id()));
    save_varstore(&vs, &path).unwrap();
    let (mut vs2, s2) = scorer(2, 8);
    assert_eq!(parameter_count(&vs), parameter_count(&vs2));
    let x = Tensor::randn([2, 3, 5], OPTS);
    let mask = Tensor::ones([2, 3], (Kind::Bool, Device::Cpu));
    let w = Tensor::from_slice(&[0.5f32, 0.5]);
    let a = s.score(&x, &mask, Some(&w), false).unwrap();
    assert!(max_diff(&a, &s2.score(&x, &mask, Some(&w), false).unwrap()) > 1e-6);
    vs2.load(&path).unwrap();
    assert_eq!(
        max_diff(&a, &s2.score(&x, &mask, Some(&w), false).unwrap()),
        0.0
    );
    std::fs::remove_file(&path).unwrap();
    // paper sizes: base ≈ 2 layers × hidden 128
    let vs3 = nn::VarStore::new(Device::Cpu);
    let _ = TransformerScorer::new(&vs3.root(), ScorerConfig::conditioned(131, 5)).unwrap();
    let n = parameter_count(&vs3);
    assert!(n > 40_000 && n < 80_000, "{n}");
}

#[test]
fn batches_pad_and_cap() {
    let task = SyntheticConfig {
        queries: 6,
        min_docs: 3,
        max_docs: 9,
        ..Default::default()
    }
    .generate_task(2)
    .unwrap();
    let b = Batcher::new(&task, Device::Cpu)
        .batch(&[0, 1, 2], None)
        .unwrap();
    let lens: Vec<i64> = Vec::try_from(b.mask.sum_dim_intlist(
        [1i64].as_slice(),
        false,
        Kind::Int64,
    ))
    .unwrap();
    assert_eq!(
        lens,
        (0..3)
            .map(|q| task.query(q).len() as i64)
            .collect::<Vec<_>>()
    );
    // labels land where they belong
    let q0 = task.query(0);
    let first: Vec<f32> =
        Vec::try_from(b.labels.get(0).get(1).narrow(0, 0, q0.len() as i64)).unwrap();
    assert_eq!(
        first,
        q0.map(|d| task.objectives[d * 2 + 1]).collect::<Vec<_>>()
    );
    assert!(Batcher::new(&task, Device::Cpu).batch(&[99], None).is_err());
    assert!(Batcher::new(&task, Device::Cpu).batch(&[], None).is_err());
}

#[test]
fn tensor_ndcg_agrees_with_slice_version() {
    tch::manual_seed(9);
    let (b, n) = (40, 12);
    // few distinct scores: many ties
    let scores = Tensor::randint(4, [b, n], (Kind::Float, Device::Cpu));
    let labels = Tensor::randint(4, [b, n], (Kind::Float, Device::Cpu));
    let lens = Tensor::randint_low(1, n + 1, [b, 1], (Kind::Int64, Device::Cpu));
    let mask = Tensor::arange(n, (Kind::Int64, Device::Cpu))
        .unsqueeze(0)
        .lt_tensor(&lens);
    for gain in [Gain::Linear, Gain::Exponential] {
        for k in [1usize, 3, 10, 0] {
            let (v, zero) = ndcg_batch(&scores, &labels, &mask, k, gain);
            let v: Vec<f64> = Vec::try_from(v).unwrap();
            let zero: Vec<bool> = Vec::try_from(zero).unwrap();
            for i in 0..b {
                let len = lens.int64_value(&[i, 0]);
                let s: Vec<f64> =
                    Vec::try_from(scores.get(i).narrow(0, 0, len).to_kind(Kind::Double)).unwrap();
                let l: Vec<f64> =
                    Vec::try_from(labels.get(i).narrow(0, 0, len).to_kind(Kind::Double)).unwrap();
                let want = Ndcg {
                    gain,
                    ..Ndcg::at(k)
                }
                .list(&s, &l)
                .unwrap();
                assert!(
                    (v[i as usize] - want).abs() < 1e-6,
                    "list {i} k {k}: {} vs {want}",
                    v[i as usize]
                );
                assert_eq!(zero[i as usize], l.iter().all(|&x| x == 0.0));
            }
        }
    }
}
