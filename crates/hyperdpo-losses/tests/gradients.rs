//! Finite-difference gradient checks (f64) for every loss w.r.t. the policy scores; padded
//! entries get exactly zero gradient; the base scores get none.

use hyperdpo_losses::*;
use tch::{Kind, Tensor};

const B: i64 = 4;
const N: i64 = 5;
const M: i64 = 3;

struct Setup {
    policy: Tensor,
    base: Tensor,
    labels: Tensor,
    mask: Tensor,
    margins: Vec<Tensor>,
}

fn setup(seed: i64) -> Setup {
    tch::manual_seed(seed);
    let opts = (Kind::Double, tch::Device::Cpu);
    let mask = Tensor::from_slice(&[
        true, true, true, true, true, //
        true, true, true, false, false, //
        true, true, false, false, false, //
        true, false, false, false, false,
    ])
    .view([B, N]);
    let labels = (Tensor::rand([B, M, N], opts) * 3.0).round();
    Setup {
        policy: Tensor::randn([B, N], opts),
        base: Tensor::randn([B, N], opts).set_requires_grad(true),
        labels,
        mask,
        margins: (0..M).map(|_| Tensor::randn([B, N], opts)).collect(),
    }
}

type LossFn<'a> = Box<dyn Fn(&Setup, &Tensor) -> Tensor + 'a>;

fn losses() -> Vec<(&'static str, LossFn<'static>)> {
    let beta = vec![0.7, 1.3, 2.0];
    let norms = vec![LabelNorm::Softmax, LabelNorm::L1, LabelNorm::L1];
    let ln = ListNetDpo::new(beta.clone(), norms.clone()).unwrap();
    let ln2 = ln.clone();
    let ln3 = ln.clone();
    let ln4 = ln.clone();
    let b2 = beta.clone();
    let mo = MoDpo {
        beta: beta.clone(),
        norms: norms.clone(),
        scale: MarginScale::BetaRatio,
    };
    let lists = |s: &Setup, p: &Tensor| -> (Tensor, Tensor, Tensor, Tensor) {
        (
            p.shallow_clone(),
            s.base.shallow_clone(),
            s.labels.shallow_clone(),
            s.mask.shallow_clone(),
        )
    };
    vec![
        (
            "listnet",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                ln.loss(Lists {
                    policy: &p,
                    base: &b,
                    labels: &z,
                    mask: &m,
                })
                .unwrap()
                .sum(Kind::Double)
            }) as LossFn,
        ),
        (
            "icos_as_written",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                let parts = ln2
                    .parts(Lists {
                        policy: &p,
                        base: &b,
                        labels: &z,
                        mask: &m,
                    })
                    .unwrap();
                icos(
                    &parts,
                    Weights::Shared(&[0.2, 0.3, 0.5]),
                    0.4,
                    Penalty::AsWritten,
                )
                .unwrap()
                .total
            }),
        ),
        (
            "icos_cosmos",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                let parts = ln3
                    .parts(Lists {
                        policy: &p,
                        base: &b,
                        labels: &z,
                        mask: &m,
                    })
                    .unwrap();
                icos(
                    &parts,
                    Weights::Shared(&[0.6, 0.3, 0.1]),
                    0.4,
                    Penalty::Cosmos,
                )
                .unwrap()
                .total
            }),
        ),
        (
            "icos_per_list",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                let parts = ln4
                    .parts(Lists {
                        policy: &p,
                        base: &b,
                        labels: &z,
                        mask: &m,
                    })
                    .unwrap();
                let w = Tensor::from_slice(&[
                    0.2, 0.3, 0.5, 1.0, 0.0, 0.0, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4,
                ])
                .view([B, M]);
                icos(&parts, Weights::PerList(&w), 0.4, Penalty::AsWritten)
                    .unwrap()
                    .total
            }),
        ),
        (
            "modpo",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                let slots: Vec<Option<&Tensor>> = s.margins.iter().map(Some).collect();
                mo.parts(
                    Lists {
                        policy: &p,
                        base: &b,
                        labels: &z,
                        mask: &m,
                    },
                    &[0.25, 0.5, 0.25],
                    None,
                    &slots,
                )
                .unwrap()
                .mean()
                .sum(Kind::Double)
            }),
        ),
        (
            "plackett_luce",
            Box::new(move |s: &Setup, p: &Tensor| {
                let (p, b, z, m) = lists(s, p);
                plackett_luce_dpo(
                    Lists {
                        policy: &p,
                        base: &b,
                        labels: &z,
                        mask: &m,
                    },
                    &b2,
                )
                .unwrap()
                .mean()
                .sum(Kind::Double)
            }),
        ),
    ]
}

#[test]
fn autograd_matches_central_differences() {
    for seed in 0..3 {
        let s = setup(seed);
        for (name, f) in losses() {
            let p = s.policy.copy().set_requires_grad(true);
            f(&s, &p).backward();
            let grad: Vec<f64> = Vec::try_from(p.grad().reshape([-1])).unwrap();
            let p0: Vec<f64> = Vec::try_from(s.policy.reshape([-1])).unwrap();
            let h = 1e-6;
            for i in 0..p0.len() {
                let mut plus = p0.clone();
                plus[i] += h;
                let mut minus = p0.clone();
                minus[i] -= h;
                let fp = f(&s, &Tensor::from_slice(&plus).view([B, N])).double_value(&[]);
                let fm = f(&s, &Tensor::from_slice(&minus).view([B, N])).double_value(&[]);
                let fd = (fp - fm) / (2.0 * h);
                assert!(
                    (grad[i] - fd).abs() <= 1e-6 * fd.abs().max(1.0),
                    "{name} seed {seed} entry {i}: autograd {} vs fd {fd}",
                    grad[i]
                );
            }
        }
    }
}

#[test]
fn padding_gets_exactly_zero_gradient_and_base_none() {
    let s = setup(7);
    for (name, f) in losses() {
        let p = s.policy.copy().set_requires_grad(true);
        f(&s, &p).backward();
        let g = p.grad();
        let pad = s.mask.logical_not();
        let on_pad = g.masked_select(&pad);
        assert_eq!(
            on_pad.abs().max().double_value(&[]),
            0.0,
            "{name}: padding gradient"
        );
        // real items of lists with ≥ 2 items do get gradient somewhere
        assert!(g.abs().sum(Kind::Double).double_value(&[]) > 0.0, "{name}");
        // the base scores are constants
        assert!(
            !s.base.grad().defined()
                || s.base.grad().abs().sum(Kind::Double).double_value(&[]) == 0.0,
            "{name}: base got gradient"
        );
    }
}
