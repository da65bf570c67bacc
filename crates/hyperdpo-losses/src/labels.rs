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
    if norms.len() as i64 != m {
        return Err(Error::Invalid {
            name: "norms",
            reason: format!("{} label normalisations for {m} objectives", norms.len()),
        });
    }
    let mask3 = mask.unsqueeze(1).expand([b, m, n], false); // [B, m, n]
    let zero = Tensor::zeros_like(labels);
    let real_labels = labels.where_self(&mask3, &zero);
    check::finite("labels", &real_labels)?;
    let real_count = mask.sum_dim_intlist([1i64].as_slice(), false, Kind::Int64); // [B]
    let enough = real_count.ge(2).unsqueeze(1).expand([b, m], false); // [B, m]
    let mut targets = Vec::with_capacity(m as usize);
    let mut actives = Vec::with_capacity(m as usize);
    for (j, norm) in norms.iter().enumerate() {
        let z = real_labels.select(1, j as i64); // [B, n]
        let mj = mask;
        let (t, ok) = match norm {
            LabelNorm::Softmax => {
                let logits = z.masked_fill(&mj.logical_not(), f64::NEG_INFINITY);
                // A list without real items would give NaN: give it a finite dummy row.
                let safe =
                    logits.where_self(&real_count.gt(0).unsqueeze(1), &Tensor::zeros_like(&z));
                let t = safe
                    .softmax(-1, z.kind())
                    .where_self(mj, &Tensor::zeros_like(&z));
                (t, enough.select(1, j as i64))
            }
            LabelNorm::L1 => {
                let neg = z.lt(0.0).logical_and(mj);
                if neg.any().int64_value(&[]) != 0 {
                    let idx =
                        Vec::<i64>::try_from(neg.nonzero().get(0).to_device(tch::Device::Cpu))
                            .unwrap_or_default();
                    let value = z.double_value(&[idx[0], idx[1]]);
                    return Err(Error::NegativeLabel {
                        list: idx[0] as usize,
                        objective: j,
                        item: idx[1] as usize,
                        value,
                    });
                }
                let s = z.sum_dim_intlist([1i64].as_slice(), true, z.kind()); // [B, 1]
                let pos = s.gt(0.0);
                let t = (&z / s.where_self(&pos, &Tensor::ones_like(&s)))
                    .where_self(&pos, &Tensor::zeros_like(&z));
                (
                    t,
                    enough.select(1, j as i64).logical_and(&pos.squeeze_dim(1)),
                )
            }
        };
        let t = t.where_self(&ok.unsqueeze(1), &Tensor::zeros_like(&t));
        targets.push(t);
        actives.push(ok);
    }
    Ok((Tensor::stack(&targets, 1), Tensor::stack(&actives, 1)))
}
