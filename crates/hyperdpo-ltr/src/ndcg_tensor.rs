//! Batched NDCG@k on tensors (`[B, n]` padded lists), on any device.

use crate::ndcg::Gain;
use tch::{Kind, Tensor};

/// NDCG@k of every list of a padded batch, with stable tie handling (tied items keep their
/// order in the batch) — the tensor twin of [`crate::ndcg::Ndcg::list`] with [`crate::ndcg::Ties::Stable`].
/// Returns `(ndcg [B], zero_ideal [B] bool)` on the inputs' device, in f64; lists whose ideal DCG
/// is 0 get 0 (apply your [`crate::ndcg::ZeroIdeal`] rule with the returned flags). `k = 0`
/// means the whole list.
///
/// ```
/// use hyperdpo_ltr::ndcg::Gain;
/// use hyperdpo_ltr::ndcg_tensor::ndcg_batch;
/// use tch::Tensor;
/// let scores = Tensor::from_slice(&[3.0f32, 2.0, 1.0, 0.0, 1.0, 2.0]).view([2, 3]);
/// let labels = Tensor::from_slice(&[2.0f32, 1.0, 0.0, 0.0, 0.0, 0.0]).view([2, 3]);
/// let mask = Tensor::from_slice(&[true, true, true, true, true, false]).view([2, 3]);
/// let (v, zero) = ndcg_batch(&scores, &labels, &mask, 10, Gain::Linear);
/// assert_eq!(Vec::<f64>::try_from(v).unwrap(), vec![1.0, 0.0]);
/// assert_eq!(Vec::<bool>::try_from(zero).unwrap(), vec![false, true]);
/// ```
pub fn ndcg_batch(
    scores: &Tensor,
    labels: &Tensor,
    mask: &Tensor,
    k: usize,
    gain: Gain,
) -> (Tensor, Tensor) {
    tch::no_grad(|| {
        let n = scores.size()[1];
        let k = if k == 0 { n } else { (k as i64).min(n) };
        let s = scores
            .to_kind(Kind::Double)
            .masked_fill(&mask.logical_not(), f64::NEG_INFINITY);
        let z = labels.to_kind(Kind::Double);
        let g = match gain {
            Gain::Linear => z,
            Gain::Exponential => z.exp2() - 1.0,
        }
        .where_self(mask, &Tensor::zeros([], (Kind::Double, scores.device())));
        let disc = (Tensor::arange(n, (Kind::Double, scores.device())) + 2.0)
            .log2()
            .reciprocal();
        let disc = disc.where_self(
            &Tensor::arange(n, (Kind::Int64, scores.device())).lt(k),
            &Tensor::zeros([], (Kind::Double, scores.device())),
        );
        let (_, order) = s.sort_stable(true, 1, true);
        let dcg = (g.gather(1, &order, false) * &disc).sum_dim_intlist(
            [1i64].as_slice(),
            false,
            Kind::Double,
        );
        // ideal: gains sorted descending (padding has gain 0 and sorts last among zeros: it
        // cannot add anything)
        let (ideal_sorted, _) = g.sort(1, true);
        let idcg = (ideal_sorted * &disc).sum_dim_intlist([1i64].as_slice(), false, Kind::Double);
        let zero = idcg.le(0.0);
        let v = (dcg / idcg.where_self(&zero.logical_not(), &Tensor::ones_like(&idcg)))
            .where_self(&zero.logical_not(), &Tensor::zeros_like(&idcg));
        (v, zero)
    })
}
