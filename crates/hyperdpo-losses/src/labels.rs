//! Label normalisation `t(·)` (paper, eq. 9).

use crate::check;
use crate::{Error, Result};
use tch::{Kind, Tensor};

/// How the labels of one objective are turned into a target distribution over a list's items
/// (eq. 9: "the softmax function for dense labels and L1 normalization for sparse labels").
/// Both are computed over the real items of each list only.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum LabelNorm {
    /// `t(z)_i = exp(z_i) / Σ_k exp(z_k)` — dense labels (any real values).
    #[default]
    Softmax,
    /// `t(z)_i = z_i / Σ_k z_k` — sparse labels, which must be `≥ 0`. A list whose labels are
    /// all 0 carries no preference and is left out of that objective's mean.
    L1,
}

/// Normalised targets `t` `[B, m, n]` (0 on padding) and the activity mask `[B, m]` (bool): a
/// list is active for objective `j` when it has at least 2 real items and, under
/// [`LabelNorm::L1`], a positive label sum. Inactive rows of `t` are all 0.
///
/// ```
/// use hyperdpo_losses::{normalize_labels, LabelNorm};
/// use tch::{Kind, Tensor};
/// let z = Tensor::from_slice(&[2.0f64, 1.0, 1.0, 0.0, 0.0, 0.0]).view([2, 1, 3]);
/// let mask = Tensor::from_slice(&[true, true, false, true, true, true]).view([2, 3]);
/// let (t, active) = normalize_labels(&z, &mask, &[LabelNorm::L1]).unwrap();
/// assert_eq!(Vec::<f64>::try_from(t.view([-1])).unwrap(), vec![2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0, 0.0, 0.0]);
/// assert_eq!(Vec::<bool>::try_from(active.view([-1])).unwrap(), vec![true, false]);
/// ```
///
/// # Errors
/// Shape/device/kind mismatches, `norms.len() != m`, non-finite labels on real items, and
/// negative labels under [`LabelNorm::L1`] ([`Error::NegativeLabel`] names list, objective and
/// item). Validation reads one boolean per check back from the device.
pub fn normalize_labels(
    labels: &Tensor,
    mask: &Tensor,
    norms: &[LabelNorm],
) -> Result<(Tensor, Tensor)> {
    let ls = labels.size();
    if ls.len() != 3 {
        return Err(Error::Shape {
            name: "labels",
            expected: "[B, m, n]".into(),
            got: ls,
        });
    }
    let (b, m, n) = (ls[0], ls[1], ls[2]);
    check::float_kind("labels", labels)?;
    check::same_place("mask", mask, labels.device(), Some(Kind::Bool))?;
    check::shape("mask", mask, &[b, n], "[B, n]")?;
    if m < 1 {
        return Err(Error::Shape {
            name: "labels",
            expected: "[B, m, n] with m >= 1".into(),
            got: ls,
        });
    }
    if norms.len() as i64 != m {
        return Err(Error::Invalid {
            name: "norms",
            reason: format!("{} label normalisations for {m} objectives", norms.len()),
        });
    }
    let kind = labels.kind();
    let mask3 = mask.unsqueeze(1); // [B, 1, n]
                                   // Labels of real items, 0 on padding (padding may hold anything, NaN included).
    let z = labels.where_self(&mask3, &Tensor::zeros([], (kind, labels.device())));
    let l1: Vec<f64> = norms
        .iter()
        .map(|k| f64::from(u8::from(*k == LabelNorm::L1)))
        .collect();
    let l1f = Tensor::from_slice(&l1)
        .to_kind(kind)
        .to_device(labels.device())
        .view([1, m, 1]);
    // Validation with one device→host read: the total is finite iff every label is (or the sum
    // overflowed, which the exact check below sorts out), and the smallest L1 label is ≥ 0.
    let stats = Tensor::stack(
        &[
            z.sum(kind),
            (&z * &l1f).amin([0i64, 1, 2].as_slice(), false),
        ],
        0,
    );
    let stats = Vec::<f64>::try_from(stats.to_kind(Kind::Double).to_device(tch::Device::Cpu))
        .unwrap_or_default();
    if !stats.first().is_some_and(|v| v.is_finite()) || stats.get(1).is_some_and(|&v| v < 0.0) {
        check::finite("labels", &z)?;
        let negative = z.lt(0.0).logical_and(&l1f.gt(0.0));
        if let Ok(idx) = Vec::<i64>::try_from(negative.nonzero().get(0).to_device(tch::Device::Cpu))
        {
            return Err(Error::NegativeLabel {
                list: idx[0] as usize,
                objective: idx[1] as usize,
                item: idx[2] as usize,
                value: z.double_value(&[idx[0], idx[1], idx[2]]),
            });
        }
    }
    let real_count = mask.sum_dim_intlist([1i64].as_slice(), false, Kind::Int64); // [B]
    let enough = real_count.ge(2).view([b, 1]); // [B, 1]
    let any_l1 = l1.iter().any(|&x| x > 0.0);
    let any_softmax = l1.contains(&0.0);
    let sum = z.sum_dim_intlist([2i64].as_slice(), true, kind); // [B, m, 1]
                                                                // L1: labels are ≥ 0, so a zero sum means all zeros and 0 / tiny = 0.
    let t_l1 = any_l1.then(|| &z / sum.clamp_min(f64::from(f32::MIN_POSITIVE)));
    // Softmax over real items: padding gets a huge negative bias, so its probability is exactly
    // 0; a list without real items stays finite (it is inactive anyway).
    let t_softmax = any_softmax.then(|| (&z + pad_bias(mask, kind).unsqueeze(1)).softmax(-1, kind));
    let positive = sum.squeeze_dim(2).gt(0.0); // [B, m]
    let l1_obj = l1f.view([1, m]).gt(0.0);
    let active = enough.logical_and(&positive.logical_or(&l1_obj.logical_not()));
    let t = match (t_l1, t_softmax) {
        (Some(a), Some(s)) => &a * &l1f + s * (1.0 - &l1f),
        (Some(a), None) => a,
        (None, Some(s)) => s,
        (None, None) => z, // m = 0, rejected above
    };
    let t = t * active.to_kind(kind).unsqueeze(2);
    Ok((t, active))
}

/// `[B, n]`: 0 for real items, a huge negative finite number (half the kind's lowest) for padding.
/// Added to logits before a softmax it gives padding probability exactly 0 — and so exactly zero
/// gradient — while a list without any real item stays finite instead of turning into NaN.
pub(crate) fn pad_bias(mask: &Tensor, kind: Kind) -> Tensor {
    let low = match kind {
        Kind::Half => -32000.0,
        Kind::Double => f64::MIN / 2.0,
        _ => f64::from(f32::MIN) / 2.0,
    };
    mask.logical_not().to_kind(kind) * low
}
