//! Closed forms, identities of the paper (end of §3.2, eq. 15, eq. 23, Proposition 3.1), error
//! cases and the device check.

use hyperdpo_losses::*;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

const F64: (Kind, Device) = (Kind::Double, Device::Cpu);

fn all_true(b: i64, n: i64) -> Tensor {
    Tensor::ones([b, n], (Kind::Bool, Device::Cpu))
}

#[test]
fn listnet_with_l1_on_binary_pairs_is_dpo() {
    // Paper, end of §3.2: ListNet (eq. 10) with L1 labels on pairs equals DPO (eq. 4).
    tch::manual_seed(1);
    let b = 16;
    let policy = Tensor::randn([b, 2], F64);
    let base = Tensor::randn([b, 2], F64);
    let chosen_first = Tensor::rand([b], F64).gt(0.5);
    let z0 = chosen_first.to_kind(Kind::Double);
    let labels = Tensor::stack(&[&z0, &(1.0 - &z0)], 1).view([b, 1, 2]);
    let ln = ListNetDpo::new(vec![0.3], vec![LabelNorm::L1]).unwrap();
    let got = ln
        .loss(Lists {
            policy: &policy,
            base: &base,
            labels: &labels,
            mask: &all_true(b, 2),
        })
        .unwrap();
    let pick = |t: &Tensor, first: bool| -> Tensor {
        let f = t.select(1, 0);
        let s = t.select(1, 1);
        if first {
            f.where_self(&chosen_first, &s)
        } else {
            s.where_self(&chosen_first, &f)
        }
    };
    let dpo = dpo_pairwise(
        &pick(&policy, true),
        &pick(&policy, false),
        &pick(&base, true),
        &pick(&base, false),
        0.3,
    )
    .unwrap();
    let want = dpo.mean(Kind::Double).double_value(&[]);
    assert!(
        (got.double_value(&[0]) - want).abs() < 1e-14,
        "{} vs {want}",
        got.double_value(&[0])
    );
}

#[test]
fn hand_computed_values() {
    // One list of 3 items, β = 2, s − s_base = (1, 0, −1), softmax labels (0, ln 2, ln 3)
    // → t = (1, 2, 3)/6; logits 2·(1, 0, −1).
    let policy = Tensor::from_slice(&[1.5f64, 0.5, -0.5]).view([1, 3]);
    let base = Tensor::from_slice(&[0.5f64, 0.5, 0.5]).view([1, 3]);
    let labels = Tensor::from_slice(&[0.0f64, 2f64.ln(), 3f64.ln()]).view([1, 1, 3]);
    let ln = ListNetDpo::new(vec![2.0], vec![LabelNorm::Softmax]).unwrap();
    let got = ln
        .loss(Lists {
            policy: &policy,
            base: &base,
            labels: &labels,
            mask: &all_true(1, 3),
        })
        .unwrap()
        .double_value(&[0]);
    let lse = (2f64.exp() + 1.0 + (-2f64).exp()).ln();
    let logp = [2.0 - lse, -lse, -2.0 - lse];
    let want = -(logp[0] + 2.0 * logp[1] + 3.0 * logp[2]) / 6.0;
    assert!((got - want).abs() < 1e-14, "{got} vs {want}");
}

#[test]
fn inactive_lists_are_left_out_of_the_mean() {
    // list 0: L1 labels all zero (no preference); list 1: one real item; list 2: normal.
    let policy = Tensor::from_slice(&[0.0f64, 1.0, 5.0, 0.0, 0.3, -0.2]).view([3, 2]);
    let base = Tensor::zeros([3, 2], F64);
    let labels = Tensor::from_slice(&[0.0f64, 0.0, 1.0, 0.0, 1.0, 0.0]).view([3, 1, 2]);
    let mask = Tensor::from_slice(&[true, true, true, false, true, true]).view([3, 2]);
    let ln = ListNetDpo::new(vec![1.0], vec![LabelNorm::L1]).unwrap();
    let parts = ln
        .parts(Lists {
            policy: &policy,
            base: &base,
            labels: &labels,
            mask: &mask,
        })
        .unwrap();
    assert_eq!(
        Vec::<bool>::try_from(parts.active.view([-1])).unwrap(),
        vec![false, false, true]
    );
    assert_eq!(parts.count.double_value(&[0]), 1.0);
    let want = (1.0f64 + (-0.5f64).exp()).ln();
    assert!((parts.mean().double_value(&[0]) - want).abs() < 1e-14);
    // an objective with no active list has loss 0, not NaN
    let z0 = Tensor::zeros([3, 1, 2], F64);
    let v = ln
        .loss(Lists {
            policy: &policy,
            base: &base,
            labels: &z0,
            mask: &mask,
        })
        .unwrap();
    assert_eq!(v.double_value(&[0]), 0.0);
}

#[test]
fn gradient_accumulation_reproduces_the_full_batch() {
    tch::manual_seed(3);
    let policy = Tensor::randn([6, 4], F64);
    let base = Tensor::randn([6, 4], F64);
    let labels = (Tensor::rand([6, 2, 4], F64) * 2.0).round();
    let mask = Tensor::rand([6, 4], F64).gt(0.2);
    let ln = ListNetDpo::new(vec![1.0, 0.5], vec![LabelNorm::L1, LabelNorm::Softmax]).unwrap();
    let full = ln
        .loss(Lists {
            policy: &policy,
            base: &base,
            labels: &labels,
            mask: &mask,
        })
        .unwrap();
    let part = |a: i64, k: i64| {
        ln.parts(Lists {
            policy: &policy.narrow(0, a, k),
            base: &base.narrow(0, a, k),
            labels: &labels.narrow(0, a, k),
            mask: &mask.narrow(0, a, k),
        })
        .unwrap()
    };
    let (p1, p2) = (part(0, 2), part(2, 4));
    let acc = (&p1.sum + &p2.sum) / (&p1.count + &p2.count).clamp_min(1.0);
    assert!(bool::try_from((acc - full).abs().le(1e-14).all()).unwrap());
}

#[test]
fn eq15_rescaling_moves_the_loss_to_temperature_c_beta() {
    // ListNet at cβ of (1 − 1/c) s_base + s/c equals ListNet at β of s, for any s.
    tch::manual_seed(4);
    let s = Tensor::randn([5, 6], F64);
    let base = Tensor::randn([5, 6], F64);
    let labels = Tensor::rand([5, 2, 6], F64);
    let mask = Tensor::rand([5, 6], F64).gt(0.3);
    let ln = ListNetDpo::new(vec![0.7, 1.9], vec![LabelNorm::Softmax, LabelNorm::L1]).unwrap();
    for c in [0.25, 1.0, 3.5] {
        let scaled = ln.with_beta(vec![0.7 * c, 1.9 * c]).unwrap();
        let s_c = rescale_temperature(&s, &base, c).unwrap();
        let a = scaled
            .loss(Lists {
                policy: &s_c,
                base: &base,
                labels: &labels,
                mask: &mask,
            })
            .unwrap();
        let b = ln
            .loss(Lists {
                policy: &s,
                base: &base,
                labels: &labels,
                mask: &mask,
            })
            .unwrap();
        assert!(
            bool::try_from((a - b).abs().le(1e-12).all()).unwrap(),
            "c = {c}"
        );
    }
}

#[test]
fn eq23_icos_at_beta_of_blended_equals_icos_at_beta_bar_of_inner() {
    tch::manual_seed(5);
    let inner = Tensor::randn([4, 5], F64);
    let base = Tensor::randn([4, 5], F64);
    let labels = Tensor::rand([4, 3, 5], F64);
    let mask = all_true(4, 5);
    let norms = vec![LabelNorm::Softmax, LabelNorm::L1, LabelNorm::Softmax];
    let beta = [0.9, 1.4, 0.6];
    let (c, bar) = split_temperature(&beta).unwrap();
    assert!((c - 2.9).abs() < 1e-15);
    let blended = temperature_conditioned(&inner, &base, &beta).unwrap();
    let w = [0.5, 0.2, 0.3];
    for pen in [Penalty::AsWritten, Penalty::Cosmos] {
        let at_beta = ListNetDpo::new(beta.to_vec(), norms.clone()).unwrap();
        let at_bar = ListNetDpo::new(bar.clone(), norms.clone()).unwrap();
        let p1 = at_beta
            .parts(Lists {
                policy: &blended,
                base: &base,
                labels: &labels,
                mask: &mask,
            })
            .unwrap();
        let p2 = at_bar
            .parts(Lists {
                policy: &inner,
                base: &base,
                labels: &labels,
                mask: &mask,
            })
            .unwrap();
        let a = icos(&p1, Weights::Shared(&w), 0.1, pen)
            .unwrap()
            .total
            .double_value(&[]);
        let b = icos(&p2, Weights::Shared(&w), 0.1, pen)
            .unwrap()
            .total
            .double_value(&[]);
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

/// Minimises the ICOS loss over free per-item scores with Adam, from `init`.
fn optimise(
    beta: &[f64],
    base: &Tensor,
    labels: &Tensor,
    mask: &Tensor,
    w: &[f64],
    init: &Tensor,
) -> Tensor {
    let mut vs = nn::VarStore::new(Device::Cpu);
    vs.set_kind(Kind::Double);
    let s = vs.root().var_copy("s", init);
    let mut opt = nn::Adam::default().build(&vs, 0.05).unwrap();
    let ln = ListNetDpo::new(beta.to_vec(), vec![LabelNorm::Softmax; beta.len()]).unwrap();
    for step in 0..6000 {
        if step == 3000 {
            opt.set_lr(0.005);
        }
        let parts = ln
            .parts(Lists {
                policy: &s,
                base,
                labels,
                mask,
            })
            .unwrap();
        let loss = icos(&parts, Weights::Shared(w), 0.2, Penalty::AsWritten)
            .unwrap()
            .total;
        opt.backward_step(&loss);
    }
    s.detach()
}

fn centred(s: &Tensor) -> Tensor {
    s - s.mean_dim([1i64].as_slice(), true, Kind::Double)
}

#[test]
fn proposition_3_1_linear_transformation_property() {
    // Optimise free scores at β and at cβ; the second optimum equals eq. 15 applied to the
    // first (up to the per-list constant that softmax ignores).
    tch::manual_seed(6);
    let (b, n) = (3, 4);
    let base = Tensor::randn([b, n], F64);
    let labels = Tensor::randn([b, 2, n], F64);
    let mask = all_true(b, n);
    let w = [0.35, 0.65];
    let beta = [1.0, 0.6];
    let c = 2.5;
    let s_beta = optimise(&beta, &base, &labels, &mask, &w, &base);
    let s_cbeta = optimise(
        &[beta[0] * c, beta[1] * c],
        &base,
        &labels,
        &mask,
        &w,
        &base,
    );
    let predicted = rescale_temperature(&s_beta, &base, c).unwrap();
    let gap = (centred(&predicted) - centred(&s_cbeta))
        .abs()
        .max()
        .double_value(&[]);
    let spread = centred(&s_cbeta).abs().max().double_value(&[]);
    assert!(spread > 0.1, "the optimum must move away from the base");
    assert!(
        gap < 1e-3,
        "eq. 15 prediction differs from the cβ optimum by {gap}"
    );
}

#[test]
fn invalid_arguments_are_typed_errors() {
    let p = Tensor::zeros([2, 3], F64);
    let z = Tensor::zeros([2, 1, 3], F64);
    let mask = all_true(2, 3);
    let l = |policy: &Tensor, base: &Tensor, labels: &Tensor, mask: &Tensor| {
        ListNetDpo::new(vec![1.0], vec![LabelNorm::L1])
            .unwrap()
            .loss(Lists {
                policy,
                base,
                labels,
                mask,
            })
            .map(|_| ())
    };
    assert!(matches!(
        ListNetDpo::new(vec![-1.0], vec![LabelNorm::L1]),
        Err(Error::Temperature { index: 0, .. })
    ));
    assert!(matches!(
        ListNetDpo::new(vec![f64::NAN], vec![LabelNorm::L1]),
        Err(Error::Temperature { .. })
    ));
    assert!(matches!(
        l(&p, &Tensor::zeros([2, 4], F64), &z, &mask),
        Err(Error::Shape { name: "base", .. })
    ));
    assert!(matches!(
        l(&p, &p.to_kind(Kind::Float), &z, &mask),
        Err(Error::Kind { name: "base", .. })
    ));
    assert!(matches!(
        l(&p, &p, &Tensor::zeros([2, 1, 4], F64), &mask),
        Err(Error::Shape { name: "labels", .. })
    ));
    assert!(matches!(
        l(&p, &p, &z, &Tensor::ones([2, 3], F64)),
        Err(Error::Kind { name: "mask", .. })
    ));
    assert!(matches!(
        l(&p.to_kind(Kind::Int64), &p, &z, &mask),
        Err(Error::Kind { name: "policy", .. })
    ));
    let neg = Tensor::from_slice(&[0.0f64, 1.0, 0.0, 0.0, -2.0, 0.0]).view([2, 1, 3]);
    let e = l(&p, &p, &neg, &mask).unwrap_err();
    assert_eq!(
        e.to_string(),
        "label of list 1, objective 0, item 1 is -2; L1 normalisation needs labels >= 0"
    );
    let nan = Tensor::from_slice(&[0.0f64, f64::NAN, 0.0, 0.0, 0.0, 0.0]).view([2, 1, 3]);
    assert!(matches!(
        l(&p, &p, &nan, &mask),
        Err(Error::NonFinite { name: "labels", .. })
    ));
    // but NaN labels on padding are ignored
    let pad_mask = Tensor::from_slice(&[true, false, true, true, true, true]).view([2, 3]);
    assert!(l(&p, &p, &nan, &pad_mask).is_ok());

    let parts = ListNetDpo::new(vec![1.0], vec![LabelNorm::L1])
        .unwrap()
        .parts(Lists {
            policy: &p,
            base: &p,
            labels: &z,
            mask: &mask,
        })
        .unwrap();
    assert!(matches!(
        icos(&parts, Weights::Shared(&[0.5]), 0.1, Penalty::AsWritten),
        Err(Error::Weights { .. })
    ));
    assert!(matches!(
        icos(
            &parts,
            Weights::Shared(&[1.0, 0.0]),
            0.1,
            Penalty::AsWritten
        ),
        Err(Error::Weights { .. })
    ));
    let bad_rows = Tensor::from_slice(&[1.0f64, 0.7]).view([2, 1]);
    let e = icos(&parts, Weights::PerList(&bad_rows), 0.1, Penalty::AsWritten).unwrap_err();
    assert!(e.to_string().starts_with("weights of list 1:"), "{e}");
    assert!(matches!(
        rescale_temperature(&p, &p, 0.0),
        Err(Error::Scale(_))
    ));
    assert!(matches!(
        rescale_temperature(&p, &p, -1.0),
        Err(Error::Scale(_))
    ));
    assert!(matches!(
        split_temperature(&[1.0, 0.0]),
        Err(Error::Temperature { index: 1, .. })
    ));
    assert!(matches!(
        dpo_pairwise(&p, &p, &p, &p, 1.0),
        Err(Error::Shape { .. })
    ));

    // MO-DPO: an anchor with (almost) zero weight is an error, never a NaN
    let z2 = Tensor::zeros([2, 2, 3], F64);
    let mo = MoDpo {
        beta: vec![1.0, 1.0],
        norms: vec![LabelNorm::L1; 2],
        scale: MarginScale::One,
    };
    let lists = Lists {
        policy: &p,
        base: &p,
        labels: &z2,
        mask: &mask,
    };
    let r = mo.parts(lists, &[1.0, 0.0], Some(1), &[Some(&p), None]);
    assert!(matches!(r, Err(Error::AnchorWeight { objective: 1, .. })));
    let r = mo.parts(lists, &[0.5, 0.5], Some(0), &[None, None]);
    assert!(matches!(
        r,
        Err(Error::Invalid {
            name: "margins",
            ..
        })
    ));
}

#[test]
fn runs_on_cuda_when_available() {
    if !tch::Cuda::is_available() {
        eprintln!("no CUDA device: GPU part skipped");
        return;
    }
    let dev = Device::Cuda(0);
    tch::manual_seed(8);
    let p = Tensor::randn([8, 16], F64);
    let b = Tensor::randn([8, 16], F64);
    let z = Tensor::rand([8, 2, 16], F64);
    let m = Tensor::rand([8, 16], F64).gt(0.2);
    let ln = ListNetDpo::new(vec![1.0, 2.0], vec![LabelNorm::Softmax, LabelNorm::L1]).unwrap();
    let cpu = ln
        .loss(Lists {
            policy: &p,
            base: &b,
            labels: &z,
            mask: &m,
        })
        .unwrap();
    let (pg, bg, zg, mg) = (
        p.to_device(dev),
        b.to_device(dev),
        z.to_device(dev),
        m.to_device(dev),
    );
    let gpu = ln
        .loss(Lists {
            policy: &pg,
            base: &bg,
            labels: &zg,
            mask: &mg,
        })
        .unwrap();
    assert_eq!(gpu.device(), dev);
    assert!(bool::try_from((gpu.to_device(Device::Cpu) - cpu).abs().le(1e-10).all()).unwrap());
    // mixed devices are an error
    let r = ln.loss(Lists {
        policy: &pg,
        base: &b,
        labels: &zg,
        mask: &mg,
    });
    assert!(matches!(r, Err(Error::Device { name: "base", .. })));
}
