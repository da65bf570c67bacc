//! The Plackett–Luce likelihood of the label ranking (eq. 8) as a DPO loss — beyond the paper,
//! which only uses its top-one marginal (ListNet, eq. 9–10).

use crate::check;
use crate::listnet::{reduce, Lists, LossParts};
use crate::{Error, Result};
use tch::Tensor;

/// Listwise Plackett–Luce DPO: the negative log-likelihood, under the PL model (eq. 8) with
/// scores `β_j (s_θ − s_base)`, of the ranking that sorts a list's real items by their labels
/// `z^j` in decreasing order.
///
/// **Ties are grouped** (Breslow's convention): items with equal labels are placed together, and
/// each of them is chosen from all items not ranked above its group, itself and its group
/// included:
///
/// `ℓ_j = −Σ_{i : z_i > min z} [d_i − log Σ_{k : z_k ≤ z_i} exp d_k]`, `d = β_j (s_θ − s_base)`.
///
/// The lowest group is left out (its placement is certain), so a list whose real items all share
/// one label carries no preference and is inactive, as is a list with fewer than 2 real items.
/// With all labels distinct this is exactly `−log P_PL(ranking)`; with 2 items it is pairwise DPO.
/// Memory is `O(B · n²)` per objective.
///
/// ```
/// use hyperdpo_losses::*;
/// use tch::{Kind, Tensor};
/// let s = Tensor::from_slice(&[2.0f64, 1.0, 0.0]).view([1, 3]);
/// let base = Tensor::zeros([1, 3], (Kind::Double, tch::Device::Cpu));
/// let z = Tensor::from_slice(&[3.0f64, 2.0, 1.0]).view([1, 1, 3]);
/// let mask = Tensor::ones([1, 3], (Kind::Bool, tch::Device::Cpu));
/// let parts = plackett_luce_dpo(Lists { policy: &s, base: &base, labels: &z, mask: &mask }, &[1.0]).unwrap();
/// let e = |x: f64| x.exp();
/// let want = -((e(2.0) / (e(2.0) + e(1.0) + e(0.0))).ln() + (e(1.0) / (e(1.0) + e(0.0))).ln());
/// assert!((parts.mean().double_value(&[0]) - want).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`Error::Temperature`] for `β_j ≤ 0`; shape/device/kind mismatches; non-finite labels.
pub fn plackett_luce_dpo(lists: Lists<'_>, beta: &[f64]) -> Result<LossParts> {
    let d = check::lists(lists.policy, lists.base, lists.labels, lists.mask)?;
    check::temperatures(beta)?;
    if beta.len() as i64 != d.m {
        return Err(Error::Invalid {
            name: "beta",
            reason: format!(
                "{} temperatures for labels of {} objectives",
                beta.len(),
                d.m
            ),
        });
    }
    let labels = lists.labels.to_kind(d.kind);
    let mask = lists.mask;
    check::finite(
        "labels",
        &labels.where_self(&mask.unsqueeze(1), &Tensor::zeros_like(&labels)),
    )?;
    let diff = lists.policy - lists.base.detach(); // [B, n]
    let mask_k = mask.unsqueeze(1); // [B, 1, n] (over k)
    let mut per_list = Vec::with_capacity(d.m as usize);
    let mut active = Vec::with_capacity(d.m as usize);
    for (j, &b) in beta.iter().enumerate() {
        let z = labels.select(1, j as i64); // [B, n]
        let dj = &diff * b; // [B, n]
                            // allowed[b, i, k] = k real and z_k ≤ z_i
        let allowed = z
            .unsqueeze(1)
            .le_tensor(&z.unsqueeze(2))
            .logical_and(&mask_k);
        // rows without any allowed k (padding rows) are made harmless
        let safe = allowed.logical_or(&allowed.any_dim(2, true).logical_not());
        let logits = dj.unsqueeze(1).expand([d.b, d.n, d.n], false);
        let lse = logits
            .masked_fill(&safe.logical_not(), f64::NEG_INFINITY)
            .logsumexp([2i64].as_slice(), false); // [B, n]
        let big = Tensor::full_like(&z, f64::INFINITY);
        let zmin = z.where_self(mask, &big).amin([1i64].as_slice(), true); // [B, 1]
        let include = mask.logical_and(&z.gt_tensor(&zmin)); // [B, n]
        let term = (&dj - lse).where_self(&include, &Tensor::zeros_like(&dj));
        per_list.push(-term.sum_dim_intlist([1i64].as_slice(), false, d.kind));
        active.push(include.any_dim(1, false));
    }
    Ok(reduce(
        Tensor::stack(&per_list, 1),
        Tensor::stack(&active, 1),
        d.kind,
    ))
}
