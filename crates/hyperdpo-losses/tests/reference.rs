//! Values and gradients against the independent PyTorch implementation in
//! `tests/fixtures/gen_fixtures.py` (float64, tolerance 1e-10).

use hyperdpo_losses::*;
use serde_json::Value;
use tch::{Device, Kind, Tensor};

fn fixtures() -> Value {
    let text = include_str!("fixtures/losses.json");
    serde_json::from_str::<Value>(text).unwrap()["cases"].clone()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn tensor(v: &Value, shape: &[i64]) -> Tensor {
    Tensor::from_slice(&f64s(v)).view(shape)
}

struct Batch {
    policy: Tensor,
    base: Tensor,
    labels: Tensor,
    mask: Tensor,
    beta: Vec<f64>,
    norms: Vec<LabelNorm>,
    b: i64,
    m: i64,
    n: i64,
}

fn batch(c: &Value) -> Batch {
    let (b, n, m) = (
        c["B"].as_i64().unwrap(),
        c["n"].as_i64().unwrap(),
        c["m"].as_i64().unwrap(),
    );
    let mask: Vec<bool> = c["mask"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect();
    Batch {
        policy: tensor(&c["policy"], &[b, n]).set_requires_grad(true),
        base: tensor(&c["base"], &[b, n]),
        labels: tensor(&c["labels"], &[b, m, n]),
        mask: Tensor::from_slice(&mask).view([b, n]),
        beta: f64s(&c["beta"]),
        norms: c["norms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                if x.as_str() == Some("L1") {
                    LabelNorm::L1
                } else {
                    LabelNorm::Softmax
                }
            })
            .collect(),
        b,
        m,
        n,
    }
}

impl Batch {
    fn lists(&self) -> Lists<'_> {
        Lists {
            policy: &self.policy,
            base: &self.base,
            labels: &self.labels,
            mask: &self.mask,
        }
    }
}

fn assert_close(got: &Tensor, want: &[f64], what: &str) {
    let got: Vec<f64> = Vec::try_from(got.reshape([-1]).to_kind(Kind::Double)).unwrap();
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-10 * w.abs().max(1.0),
            "{what}[{i}]: {g} vs {w}"
        );
    }
}

#[test]
fn listnet_loss_vector_and_gradient() {
    let c = &fixtures()["listnet"];
    let bt = batch(c);
    let loss = ListNetDpo::new(bt.beta.clone(), bt.norms.clone()).unwrap();
    let l = loss.loss(bt.lists()).unwrap();
    assert_close(&l, &f64s(&c["loss"]), "loss");
    l.sum(Kind::Double).backward();
    assert_close(&bt.policy.grad(), &f64s(&c["grad_of_sum"]), "grad");
    assert_eq!(bt.policy.grad().size(), vec![bt.b, bt.n]);
    assert_eq!(l.size(), vec![bt.m]);
}

#[test]
fn icos_shared_weights_both_penalties() {
    for (name, pen) in [
        ("icos_shared_AsWritten", Penalty::AsWritten),
        ("icos_shared_Cosmos", Penalty::Cosmos),
    ] {
        let c = &fixtures()[name];
        let bt = batch(c);
        let loss = ListNetDpo::new(bt.beta.clone(), bt.norms.clone()).unwrap();
        let parts = loss.parts(bt.lists()).unwrap();
        let w = f64s(&c["w"]);
        let out = icos(
            &parts,
            Weights::Shared(&w),
            c["lambda"].as_f64().unwrap(),
            pen,
        )
        .unwrap();
        assert_close(&out.total, &[c["total"].as_f64().unwrap()], name);
        out.total.backward();
        assert_close(&bt.policy.grad(), &f64s(&c["grad"]), name);
    }
}

#[test]
fn icos_per_list_weights() {
    let c = &fixtures()["icos_per_list"];
    let bt = batch(c);
    let loss = ListNetDpo::new(bt.beta.clone(), bt.norms.clone()).unwrap();
    let parts = loss.parts(bt.lists()).unwrap();
    let w = tensor(&c["w"], &[bt.b, bt.m]);
    let out = icos(
        &parts,
        Weights::PerList(&w),
        c["lambda"].as_f64().unwrap(),
        Penalty::AsWritten,
    )
    .unwrap();
    assert_close(&out.total, &[c["total"].as_f64().unwrap()], "total");
    out.total.backward();
    assert_close(&bt.policy.grad(), &f64s(&c["grad"]), "grad");
}

#[test]
fn modpo_both_margin_scales() {
    for (name, scale) in [
        ("modpo_One", MarginScale::One),
        ("modpo_BetaRatio", MarginScale::BetaRatio),
    ] {
        let c = &fixtures()[name];
        let bt = batch(c);
        let margins = tensor(&c["margins"], &[bt.m, bt.b, bt.n]);
        let per: Vec<Tensor> = (0..bt.m).map(|l| margins.get(l)).collect();
        let w = f64s(&c["w"]);
        let k = MoDpo::default_anchor(&w);
        let slots: Vec<Option<&Tensor>> = (0..bt.m as usize)
            .map(|l| if l == k { None } else { Some(&per[l]) })
            .collect();
        let mo = MoDpo {
            beta: bt.beta.clone(),
            norms: bt.norms.clone(),
            scale,
        };
        let l = mo.parts(bt.lists(), &w, None, &slots).unwrap().mean();
        assert_close(&l, &[c["loss"].as_f64().unwrap()], name);
        l.sum(Kind::Double).backward();
        assert_close(&bt.policy.grad(), &f64s(&c["grad"]), name);
    }
}

#[test]
fn plackett_luce_with_grouped_ties() {
    let c = &fixtures()["plackett_luce"];
    let bt = batch(c);
    let l = plackett_luce_dpo(bt.lists(), &bt.beta).unwrap().mean();
    assert_close(&l, &f64s(&c["loss"]), "loss");
    l.sum(Kind::Double).backward();
    assert_close(&bt.policy.grad(), &f64s(&c["grad_of_sum"]), "grad");
}

#[test]
fn pairwise_dpo() {
    let c = &fixtures()["dpo"];
    let pc = tensor(&c["policy_chosen"], &[9]).set_requires_grad(true);
    let pr = tensor(&c["policy_rejected"], &[9]).set_requires_grad(true);
    let rc = tensor(&c["ref_chosen"], &[9]);
    let rr = tensor(&c["ref_rejected"], &[9]);
    let l = dpo_pairwise(&pc, &pr, &rc, &rr, c["beta"].as_f64().unwrap()).unwrap();
    assert_close(&l, &f64s(&c["loss"]), "loss");
    l.sum(Kind::Double).backward();
    assert_close(&pc.grad(), &f64s(&c["grad_chosen"]), "grad chosen");
    assert_close(&pr.grad(), &f64s(&c["grad_rejected"]), "grad rejected");
}

#[test]
fn f32_matches_f64_reference_loosely() {
    let c = &fixtures()["listnet"];
    let bt = batch(c);
    let loss = ListNetDpo::new(bt.beta.clone(), bt.norms.clone()).unwrap();
    let l = loss
        .loss(Lists {
            policy: &bt.policy.to_kind(Kind::Float),
            base: &bt.base.to_kind(Kind::Float),
            labels: &bt.labels.to_kind(Kind::Float),
            mask: &bt.mask,
        })
        .unwrap();
    assert_eq!(l.kind(), Kind::Float);
    assert_eq!(l.device(), Device::Cpu);
    let got: Vec<f64> = Vec::try_from(l.to_kind(Kind::Double)).unwrap();
    for (g, w) in got.iter().zip(f64s(&c["loss"])) {
        assert!((g - w).abs() < 1e-5, "{g} vs {w}");
    }
}
