//! Proptest invariants: shift invariance per list, permutation invariance, padding invariance,
//! stability for extreme scores, non-negativity.

use hyperdpo_losses::*;
use proptest::prelude::*;
use tch::{Kind, Tensor};

fn loss_all(
    policy: &Tensor,
    base: &Tensor,
    labels: &Tensor,
    mask: &Tensor,
    beta: &[f64],
) -> Vec<f64> {
    let m = beta.len();
    let l = Lists {
        policy,
        base,
        labels,
        mask,
    };
    let ln = ListNetDpo::new(
        beta.to_vec(),
        vec![LabelNorm::Softmax, LabelNorm::L1][..m].to_vec(),
    )
    .unwrap();
    let mut out: Vec<f64> = Vec::try_from(ln.loss(l).unwrap()).unwrap();
    out.extend(Vec::<f64>::try_from(plackett_luce_dpo(l, beta).unwrap().mean()).unwrap());
    let parts = ln.parts(l).unwrap();
    let w = vec![1.0 / m as f64; m];
    out.push(
        icos(&parts, Weights::Shared(&w), 0.2, Penalty::AsWritten)
            .unwrap()
            .total
            .double_value(&[]),
    );
    out
}

/// (policy [B,n], base, labels [B,2,n], lengths) with small integer-ish labels.
fn batch() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<usize>, usize, usize)> {
    (1usize..4, 2usize..6).prop_flat_map(|(b, n)| {
        (
            prop::collection::vec(-5.0f64..5.0, b * n),
            prop::collection::vec(-5.0f64..5.0, b * n),
            prop::collection::vec((0u8..4).prop_map(|v| v as f64), b * 2 * n),
            prop::collection::vec(1usize..=n, b),
            Just(b),
            Just(n),
        )
    })
}

fn tensors(
    p: &[f64],
    s: &[f64],
    z: &[f64],
    lens: &[usize],
    b: usize,
    n: usize,
) -> (Tensor, Tensor, Tensor, Tensor) {
    let (bi, ni) = (b as i64, n as i64);
    let mask: Vec<bool> = (0..b * n).map(|k| k % n < lens[k / n]).collect();
    (
        Tensor::from_slice(p).view([bi, ni]),
        Tensor::from_slice(s).view([bi, ni]),
        Tensor::from_slice(z).view([bi, 2, ni]),
        Tensor::from_slice(&mask).view([bi, ni]),
    )
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * x.abs().max(1.0))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn invariant_to_a_constant_shift_per_list((p, s, z, lens, b, n) in batch(), shift in prop::collection::vec(-100.0f64..100.0, 3)) {
        let (pt, st, zt, mt) = tensors(&p, &s, &z, &lens, b, n);
        let want = loss_all(&pt, &st, &zt, &mt, &[0.8, 1.5]);
        let sh = Tensor::from_slice(&shift[..b]).view([b as i64, 1]);
        let got = loss_all(&(&pt + sh), &st, &zt, &mt, &[0.8, 1.5]);
        prop_assert!(close(&got, &want, 1e-9), "{got:?} vs {want:?}");
    }

    #[test]
    fn invariant_to_permuting_items((p, s, z, lens, b, n) in batch(), seed in any::<u64>()) {
        let (pt, st, zt, mt) = tensors(&p, &s, &z, &lens, b, n);
        let want = loss_all(&pt, &st, &zt, &mt, &[1.0, 0.5]);
        let mut perm: Vec<i64> = (0..n as i64).collect();
        let mut x = seed;
        for i in (1..n).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            perm.swap(i, (x >> 33) as usize % (i + 1));
        }
        let idx = Tensor::from_slice(&perm);
        let got = loss_all(&pt.index_select(1, &idx), &st.index_select(1, &idx), &zt.index_select(2, &idx), &mt.index_select(1, &idx), &[1.0, 0.5]);
        prop_assert!(close(&got, &want, 1e-9), "{got:?} vs {want:?}");
    }

    #[test]
    fn extra_padding_changes_nothing((p, s, z, lens, b, n) in batch(), pad in 1usize..4, junk in -1e3f64..1e3) {
        let (pt, st, zt, mt) = tensors(&p, &s, &z, &lens, b, n);
        let want = loss_all(&pt, &st, &zt, &mt, &[1.0, 2.0]);
        let (bi, k) = (b as i64, pad as i64);
        let opts = (Kind::Double, tch::Device::Cpu);
        let pt2 = Tensor::cat(&[pt, Tensor::full([bi, k], junk, opts)], 1);
        let st2 = Tensor::cat(&[st, Tensor::full([bi, k], -junk, opts)], 1);
        let zt2 = Tensor::cat(&[zt, Tensor::full([bi, 2, k], 3.0, opts)], 2);
        let mt2 = Tensor::cat(&[mt, Tensor::zeros([bi, k], (Kind::Bool, tch::Device::Cpu))], 1);
        let got = loss_all(&pt2, &st2, &zt2, &mt2, &[1.0, 2.0]);
        prop_assert!(close(&got, &want, 1e-12), "{got:?} vs {want:?}");
    }

    #[test]
    fn stable_for_extreme_scores_and_nonnegative((p, s, z, lens, b, n) in batch(), scale in prop::sample::select(vec![1e2, 1e3, 1e4])) {
        for kind in [Kind::Double, Kind::Float] {
            let (pt, st, zt, mt) = tensors(&p, &s, &z, &lens, b, n);
            let pt = (pt / 5.0 * scale).to_kind(kind).set_requires_grad(true);
            let st = (st / 5.0 * scale).to_kind(kind);
            let zt = zt.to_kind(kind);
            let ln = ListNetDpo::new(vec![1.0, 1.0], vec![LabelNorm::Softmax, LabelNorm::L1]).unwrap();
            let l = Lists { policy: &pt, base: &st, labels: &zt, mask: &mt };
            let parts = ln.parts(l).unwrap();
            let v = parts.mean();
            prop_assert!(bool::try_from(v.isfinite().all()).unwrap());
            prop_assert!(v.min().double_value(&[]) >= 0.0);
            let pl = plackett_luce_dpo(l, &[1.0, 1.0]).unwrap().mean();
            prop_assert!(bool::try_from(pl.isfinite().all()).unwrap());
            prop_assert!(pl.min().double_value(&[]) >= 0.0);
            let total = icos(&parts, Weights::Shared(&[0.5, 0.5]), 0.3, Penalty::Cosmos).unwrap().total + pl.sum(kind);
            total.backward();
            prop_assert!(bool::try_from(pt.grad().isfinite().all()).unwrap());
        }
    }
}
