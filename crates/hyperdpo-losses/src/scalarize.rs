//! Weighted sum (eq. 12), cosine penalty (eq. 13) and the ICOS loss (eq. 14).

use crate::check;
use crate::listnet::LossParts;
use crate::{Error, Result};
use tch::{Kind, Tensor};

/// Default tolerance on `|Σ w − 1|` when checking weights.
pub const WEIGHT_TOLERANCE: f64 = 1e-6;

/// The importance weights `w ∈ Δ^m` of one ICOS step.
#[derive(Debug, Clone, Copy)]
pub enum Weights<'a> {
    /// One weight vector for the whole batch (the paper: one `w` per step), `[m]` on the host.
    Shared(&'a [f64]),
    /// One weight vector per list, `[B, m]` on the scores' device.
    PerList(&'a Tensor),
}

/// Which sign of the cosine penalty to use. The paper's eq. 13 and its prose disagree.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Penalty {
    /// Eq. 13 as written: `G_w = −cos∠(w, −L) = +cos∠(w, L)`. For positive losses this grows
    /// as `L` turns towards `w`, so minimising it pushes `L` *away* from `w`, i.e. it lowers the
    /// losses of the objectives with large weights, in the same direction as the weighted sum.
    #[default]
    AsWritten,
    /// The reading of the prose and of COSMOS (Ruchte & Grabocka 2021):
    /// `G_w = −cos∠(w, L)`, minimised when `L` is parallel to `w`, which "confines the loss
    /// vector along the direction of w".
    Cosmos,
}

/// The parts of an ICOS loss value.
#[derive(Debug)]
pub struct IcosOutput {
    /// `wᵀL + λ G_w`, a scalar tensor — what to back-propagate.
    pub total: Tensor,
    /// `wᵀL` (eq. 12).
    pub weighted: Tensor,
    /// `G_w` (eq. 13), before multiplication by λ.
    pub penalty: Tensor,
    /// The loss vector `L` `[m]` (batch means; with per-list weights still the unweighted means).
    pub losses: Tensor,
}

fn check_shared(w: &[f64], m: i64) -> Result<()> {
    if w.len() as i64 != m {
        return Err(Error::Weights {
            list: None,
            reason: format!("{} weights for {m} objectives", w.len()),
        });
    }
    hyperdpo_moo::simplex::check_simplex(w, WEIGHT_TOLERANCE).map_err(|e| Error::Weights {
        list: None,
        reason: e.to_string(),
    })
}

fn check_per_list(w: &Tensor, b: i64, m: i64, like: &Tensor) -> Result<()> {
    check::same_place("weights", w, like.device(), Some(like.kind()))?;
    check::shape("weights", w, &[b, m], "[B, m]")?;
    let bad_entry = w.lt(0.0).logical_or(&w.isfinite().logical_not());
    let sums = w.sum_dim_intlist([1i64].as_slice(), false, w.kind());
    let bad_sum = (sums - 1.0).abs().gt(WEIGHT_TOLERANCE);
    let bad = bad_entry.any_dim(1, false).logical_or(&bad_sum);
    if bad.any().int64_value(&[]) != 0 {
        let row = bad.nonzero().int64_value(&[0, 0]);
        let vals =
            Vec::<f64>::try_from(w.get(row).to_kind(Kind::Double).to_device(tch::Device::Cpu))
                .unwrap_or_default();
        return Err(Error::Weights {
            list: Some(row as usize),
            reason: format!(
                "{vals:?} is not on the simplex (entries >= 0, sum 1 within {WEIGHT_TOLERANCE})"
            ),
        });
    }
    Ok(())
}

/// `G_w` for loss vectors `l` `[.., m]` and weights `w` `[.., m]` (broadcast), 0 where `‖l‖ = 0`.
fn cosine(w: &Tensor, l: &Tensor, penalty: Penalty) -> Tensor {
    let kind = l.kind();
    let dot = (w * l).sum_dim_intlist([-1i64].as_slice(), false, kind);
    let nw = w
        .square()
        .sum_dim_intlist([-1i64].as_slice(), false, kind)
        .sqrt();
    let nl2 = l.square().sum_dim_intlist([-1i64].as_slice(), false, kind);
    let pos = nl2.gt(0.0);
    // Safe denominator: where ‖l‖ = 0 the value is replaced by 0 and so is its gradient.
    let nl = nl2.where_self(&pos, &Tensor::ones_like(&nl2)).sqrt();
    let cos = (dot / (nw * nl)).where_self(&pos, &Tensor::zeros_like(&nl2));
    match penalty {
        Penalty::AsWritten => cos,
        Penalty::Cosmos => -cos,
    }
}

/// The weighted sum `wᵀL` (eq. 12) of a loss vector `L` `[m]` with shared weights.
///
/// ```
/// use hyperdpo_losses::weighted_sum;
/// use tch::Tensor;
/// let l = Tensor::from_slice(&[1.0f64, 3.0]);
/// assert_eq!(weighted_sum(&l, &[0.25, 0.75]).unwrap().double_value(&[]), 2.5);
/// ```
///
/// # Errors
/// [`Error::Weights`] if `w` is not on the simplex or its length is not `m`.
pub fn weighted_sum(losses: &Tensor, w: &[f64]) -> Result<Tensor> {
    let m = *losses.size().last().unwrap_or(&0);
    check_shared(w, m)?;
    let wt = Tensor::from_slice(w)
        .to_kind(losses.kind())
        .to_device(losses.device());
    Ok((losses * wt).sum(losses.kind()))
}

/// The cosine penalty `G_w` (eq. 13) of a loss vector `L` `[m]`; 0 when `‖L‖ = 0`.
///
/// ```
/// use hyperdpo_losses::{cosine_penalty, Penalty};
/// use tch::Tensor;
/// let l = Tensor::from_slice(&[1.0f64, 1.0]);
/// let g = cosine_penalty(&l, &[0.5, 0.5], Penalty::AsWritten).unwrap().double_value(&[]);
/// assert!((g - 1.0).abs() < 1e-12);
/// let g = cosine_penalty(&l, &[1.0, 0.0], Penalty::Cosmos).unwrap().double_value(&[]);
/// assert!((g + 0.5f64.sqrt()).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`Error::Weights`] if `w` is not on the simplex or its length is not `m`.
pub fn cosine_penalty(losses: &Tensor, w: &[f64], penalty: Penalty) -> Result<Tensor> {
    let m = *losses.size().last().unwrap_or(&0);
    check_shared(w, m)?;
    let wt = Tensor::from_slice(w)
        .to_kind(losses.kind())
        .to_device(losses.device());
    Ok(cosine(&wt, losses, penalty))
}

/// The ICOS loss for one draw of the weights (eq. 14, the bracket of Algorithm 1, line 3):
/// `wᵀL + λ G_w`.
///
/// * [`Weights::Shared`]: `L` is the loss vector of the batch ([`LossParts::mean`]).
/// * [`Weights::PerList`] (each list is its own sample of `w ~ Dir(α)`): the weighted sum is
///   `Σ_j (Σ_b w_bj ℓ_bj) / count_j` — the same means over active lists, so a constant `w`
///   gives exactly the shared form — and the penalty is the mean over lists active for at
///   least one objective of `G_{w_b}(ℓ_b)`, with `ℓ_b` the list's own loss vector (inactive
///   entries 0). The cosine is not linear, so the per-list penalty differs from the batch one
///   even for a constant `w`.
///
/// For gradient accumulation with shared weights, add up [`LossParts::sum`]/[`LossParts::count`]
/// of the micro-batches (keeping their graphs) into one [`LossParts`] and call this once.
///
/// ```
/// use hyperdpo_losses::*;
/// use tch::{Kind, Tensor};
/// let s = Tensor::zeros([2, 3], (Kind::Double, tch::Device::Cpu)).set_requires_grad(true);
/// let base = Tensor::zeros([2, 3], (Kind::Double, tch::Device::Cpu));
/// let z = Tensor::from_slice(&[1.0f64, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]).view([2, 2, 3]);
/// let mask = Tensor::ones([2, 3], (Kind::Bool, tch::Device::Cpu));
/// let loss = ListNetDpo::new(vec![1.0, 1.0], vec![LabelNorm::L1; 2]).unwrap();
/// let parts = loss.parts(Lists { policy: &s, base: &base, labels: &z, mask: &mask }).unwrap();
/// let out = icos(&parts, Weights::Shared(&[0.3, 0.7]), 0.1, Penalty::AsWritten).unwrap();
/// // uniform scores: L = (log 3, log 3), cos∠(w, L) = (0.3 + 0.7) / (‖w‖ √2)
/// let want = 3f64.ln() + 0.1 * (1.0 / (0.58f64.sqrt() * 2f64.sqrt()));
/// assert!((out.total.double_value(&[]) - want).abs() < 1e-12);
/// out.total.backward();
/// ```
///
/// # Errors
/// [`Error::Weights`] for weights off the simplex (naming the list for per-list weights), wrong
/// lengths or shapes; [`Error::Invalid`] for a non-finite `λ`.
pub fn icos(
    parts: &LossParts,
    w: Weights<'_>,
    lambda: f64,
    penalty: Penalty,
) -> Result<IcosOutput> {
    if !lambda.is_finite() {
        return Err(Error::Invalid {
            name: "lambda",
            reason: format!("{lambda} is not finite"),
        });
    }
    let losses = parts.mean();
    let kind = losses.kind();
    let (b, m) = (parts.per_list.size()[0], parts.per_list.size()[1]);
    let (weighted, g) = match w {
        Weights::Shared(w) => (
            weighted_sum(&losses, w)?,
            cosine_penalty(&losses, w, penalty)?,
        ),
        Weights::PerList(wt) => {
            check_per_list(wt, b, m, &parts.per_list)?;
            let per_obj = (wt * &parts.per_list).sum_dim_intlist([0i64].as_slice(), false, kind);
            let weighted = (per_obj / parts.count.clamp_min(1.0)).sum(kind);
            let g_b = cosine(wt, &parts.per_list, penalty); // [B]
            let any = parts.active.any_dim(1, false).to_kind(kind);
            let g = (g_b * &any).sum(kind) / any.sum(kind).clamp_min(1.0);
            (weighted, g)
        }
    };
    let total = &weighted + &g * lambda;
    Ok(IcosOutput {
        total,
        weighted,
        penalty: g,
        losses,
    })
}
