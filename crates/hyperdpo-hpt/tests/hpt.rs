//! Hyper Prompt Tuning and sequence scores: shapes, the mask construction, w-dependence, a
//! frozen base, prefix placement, token-by-token log-probabilities, DPO = ListNet-L1.

use hyperdpo_hpt::gpt2::Gpt2;
use hyperdpo_hpt::prompt::{HyperPrompt, HyperPromptConfig, PromptTuning};
use hyperdpo_hpt::sequence::{sequence_logprobs, SequenceBatch};
use hyperdpo_losses::{dpo_pairwise, LabelNorm, ListNetDpo, Lists};
use std::path::PathBuf;
use tch::{nn, Device, Kind, Tensor};

fn model() -> Gpt2 {
    let mut m = Gpt2::from_pretrained(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-gpt2"),
        Device::Cpu,
    )
    .unwrap();
    m.vs.freeze();
    m
}

fn hpt(vs: &nn::VarStore) -> HyperPrompt {
    HyperPrompt::new(
        &vs.root(),
        HyperPromptConfig {
            m: 2,
            tokens: 3,
            rank: 2,
            mlp_hidden: 8,
            hidden: 24,
        },
    )
    .unwrap()
}

fn max_abs(t: &Tensor) -> f64 {
    t.abs().max().double_value(&[])
}

#[test]
fn prefix_is_the_mask_times_the_prefix_embedding() {
    tch::manual_seed(0);
    let vs = nn::VarStore::new(Device::Cpu);
    let h = hpt(&vs);
    let w = Tensor::from_slice(&[0.25f32, 0.75, 1.0, 0.0]).view([2, 2]);
    let p = h.prefix(&w).unwrap();
    assert_eq!(p.size(), vec![2, 3, 24]);
    let (a, b) = h.factors(&w).unwrap();
    assert_eq!((a.size(), b.size()), (vec![2, 3, 2], vec![2, 2, 24]));
    let want = a.matmul(&b) * h.prefix_embedding().unsqueeze(0);
    assert_eq!(max_abs(&(&p - want)), 0.0);
    // different w, different prefixes
    assert!(max_abs(&(p.get(0) - p.get(1))) > 1e-6);
    // shared w gives one row
    assert_eq!(
        h.prefix(&Tensor::from_slice(&[0.5f32, 0.5]))
            .unwrap()
            .size(),
        vec![1, 3, 24]
    );
    assert!(h.prefix(&Tensor::from_slice(&[0.5f32, 0.2, 0.3])).is_err());
}

#[test]
fn sequence_logprobs_match_token_by_token_computation() {
    let m = model();
    let pairs = vec![
        (vec![5i64, 17, 42], vec![8i64, 91]),
        (vec![60i64], vec![2i64, 33, 7, 1]),
    ];
    let batch = SequenceBatch::new(&pairs, Device::Cpu).unwrap();
    tch::manual_seed(1);
    let prefix = Tensor::randn([2, 2, 24], (Kind::Float, Device::Cpu));
    for pre in [None, Some(&prefix)] {
        let got: Vec<f32> =
            Vec::try_from(sequence_logprobs(&m, &batch, pre, None).unwrap()).unwrap();
        for (i, (p, r)) in pairs.iter().enumerate() {
            let mut want = 0.0f64;
            let seq: Vec<i64> = p.iter().chain(r).copied().collect();
            for j in p.len()..seq.len() {
                let ids = Tensor::from_slice(&seq[..j]).view([1, j as i64]);
                let mut h = m.embed(&ids).unwrap();
                if let Some(pr) = pre {
                    h = Tensor::cat(&[&pr.narrow(0, i as i64, 1), &h], 1);
                }
                let logits = m.forward_embeddings(&h, None, None).unwrap();
                let last = logits.get(0).get(-1).log_softmax(-1, Kind::Double);
                want += last.double_value(&[seq[j]]);
            }
            assert!(
                (got[i] as f64 - want).abs() < 1e-4,
                "row {i}: {} vs {want}",
                got[i]
            );
        }
    }
}

#[test]
fn only_the_prompt_parameters_get_gradient() {
    let m = model();
    tch::manual_seed(2);
    let vs = nn::VarStore::new(Device::Cpu);
    let h = hpt(&vs);
    let batch = SequenceBatch::new(&[(vec![5, 6], vec![7, 8])], Device::Cpu).unwrap();
    let lp = sequence_logprobs(
        &m,
        &batch,
        Some(&h.prefix(&Tensor::from_slice(&[0.4f32, 0.6])).unwrap()),
        None,
    )
    .unwrap();
    lp.sum(Kind::Float).backward();
    assert!(vs.trainable_variables().iter().all(|v| v.grad().defined()));
    assert!(vs
        .trainable_variables()
        .iter()
        .any(|v| max_abs(&v.grad()) > 0.0));
    for (name, v) in m.vs.variables() {
        assert!(
            !v.requires_grad() && !v.grad().defined(),
            "base variable {name} got a gradient"
        );
    }
}

#[test]
fn zero_prefix_embedding_makes_hpt_independent_of_w() {
    // Documented behaviour: with P = 0 every w gives the same prefix of k zero-embedding virtual
    // tokens, which is the same as prepending k zero vectors (and differs from no prefix).
    let m = model();
    let vs = nn::VarStore::new(Device::Cpu);
    let h = hpt(&vs);
    tch::no_grad(|| {
        let _ = h.prefix_embedding().shallow_clone().zero_();
    });
    let batch = SequenceBatch::new(&[(vec![5, 6], vec![7, 8, 9])], Device::Cpu).unwrap();
    let a = sequence_logprobs(
        &m,
        &batch,
        Some(&h.prefix(&Tensor::from_slice(&[1.0f32, 0.0])).unwrap()),
        None,
    )
    .unwrap();
    let b = sequence_logprobs(
        &m,
        &batch,
        Some(&h.prefix(&Tensor::from_slice(&[0.0f32, 1.0])).unwrap()),
        None,
    )
    .unwrap();
    let zeros = Tensor::zeros([1, 3, 24], (Kind::Float, Device::Cpu));
    let c = sequence_logprobs(&m, &batch, Some(&zeros), None).unwrap();
    let none = sequence_logprobs(&m, &batch, None, None).unwrap();
    assert_eq!(max_abs(&(&a - &b)), 0.0);
    assert_eq!(max_abs(&(&a - &c)), 0.0);
    assert!(max_abs(&(&a - &none)) > 1e-6);
    // plain prompt tuning: the same prefix for every sequence of the batch
    let pt = PromptTuning::new(&vs.root(), 3, 24);
    assert_eq!(max_abs(&(pt.prefix(2).get(0) - pt.prefix(2).get(1))), 0.0);
}

#[test]
fn dpo_on_sequence_pairs_equals_listnet_l1() {
    let m = model();
    let chosen = SequenceBatch::new(
        &[(vec![5, 6], vec![7, 8]), (vec![9], vec![10, 11, 12])],
        Device::Cpu,
    )
    .unwrap();
    let rejected = SequenceBatch::new(
        &[(vec![5, 6], vec![20]), (vec![9], vec![30, 31])],
        Device::Cpu,
    )
    .unwrap();
    let pc = sequence_logprobs(&m, &chosen, None, None)
        .unwrap()
        .to_kind(Kind::Double);
    let pr = sequence_logprobs(&m, &rejected, None, None)
        .unwrap()
        .to_kind(Kind::Double);
    // a different "reference": shift by constants
    let rc = &pc * 0.9 - 0.3;
    let rr = &pr * 1.1 + 0.2;
    let dpo = dpo_pairwise(&pc, &pr, &rc, &rr, 0.1)
        .unwrap()
        .mean(Kind::Double)
        .double_value(&[]);
    let policy = Tensor::stack(&[&pc, &pr], 1);
    let base = Tensor::stack(&[&rc, &rr], 1);
    let labels = Tensor::from_slice(&[1.0f64, 0.0, 1.0, 0.0]).view([2, 1, 2]);
    let mask = Tensor::ones([2, 2], (Kind::Bool, Device::Cpu));
    let ln = ListNetDpo::new(vec![0.1], vec![LabelNorm::L1])
        .unwrap()
        .loss(Lists {
            policy: &policy,
            base: &base,
            labels: &labels,
            mask: &mask,
        })
        .unwrap();
    assert!((ln.double_value(&[0]) - dpo).abs() < 1e-12);
}
