//! Post-training temperature control (eq. 15, Proposition 3.1) and the temperature-conditioned
//! reparametrisation (eq. 23, Appendix C.2).

use crate::check;
use crate::{Error, Result};
use tch::Tensor;

/// Eq. 15: scores of the model for temperature `cβ` from those of the model for `β`:
/// `s_{θ,cβ} = (1 − 1/c) s_base + s_{θ,β} / c`, elementwise (`c > 0`).
///
/// Proposition 3.1: if `s_{θ,β}` minimises the ICOS loss at `β`, this minimises it at `cβ`.
///
/// ```
/// use hyperdpo_losses::rescale_temperature;
/// use tch::Tensor;
/// let s = Tensor::from_slice(&[2.0f64, 0.0]);
/// let base = Tensor::from_slice(&[1.0f64, 1.0]);
/// let t = rescale_temperature(&s, &base, 2.0).unwrap();
/// assert_eq!(Vec::<f64>::try_from(t).unwrap(), vec![1.5, 0.5]);
/// ```
///
/// # Errors
/// [`Error::Scale`] for `c ≤ 0` or non-finite; shape/device/kind mismatches.
pub fn rescale_temperature(scores: &Tensor, base: &Tensor, c: f64) -> Result<Tensor> {
    if !(c.is_finite() && c > 0.0) {
        return Err(Error::Scale(c));
    }
    let kind = check::float_kind("scores", scores)?;
    check::same_place("base", base, scores.device(), Some(kind))?;
    check::shape("base", base, &scores.size(), "the scores' shape")?;
    Ok(base.detach() * (1.0 - 1.0 / c) + scores / c)
}

/// Splits temperatures `β` `[m]` into the scale `c = ‖β‖₁` and the direction `β̄ = β / c ∈ Δ^m`
/// used by eq. 23.
///
/// ```
/// use hyperdpo_losses::split_temperature;
/// let (c, bar) = split_temperature(&[0.5, 1.5]).unwrap();
/// assert_eq!((c, bar), (2.0, vec![0.25, 0.75]));
/// ```
///
/// # Errors
/// [`Error::Temperature`] for an entry `≤ 0` or non-finite, [`Error::Invalid`] for none.
pub fn split_temperature(beta: &[f64]) -> Result<(f64, Vec<f64>)> {
    check::temperatures(beta)?;
    if beta.is_empty() {
        return Err(Error::Invalid {
            name: "beta",
            reason: "needs at least one temperature".into(),
        });
    }
    let c: f64 = beta.iter().sum();
    Ok((c, beta.iter().map(|b| b / c).collect()))
}

/// Eq. 23: scores of a temperature-conditioned model at `β`, from the inner network's scores at
/// `(w, β̄)` with `β̄ = β / ‖β‖₁`: `s = (1 − 1/c) s_base + s_inner / c`, `c = ‖β‖₁` (per item; the
/// paper's `s_base(x)` means `s_base(y|x)`). Compute `s_inner` with [`split_temperature`]'s `β̄`.
///
/// The ListNet-DPO/ICOS loss at `β` of these scores equals the loss at `β̄` of `s_inner`
/// (tested), so training at sampled `β` only ever shows the network `β̄ ∈ Δ^m`.
///
/// ```
/// use hyperdpo_losses::temperature_conditioned;
/// use tch::Tensor;
/// let inner = Tensor::from_slice(&[3.0f64]);
/// let base = Tensor::from_slice(&[1.0f64]);
/// let s = temperature_conditioned(&inner, &base, &[1.0, 1.0]).unwrap();
/// assert_eq!(s.double_value(&[0]), 2.0); // c = 2: 0.5·1 + 3/2
/// ```
///
/// # Errors
/// As [`split_temperature`] and [`rescale_temperature`].
pub fn temperature_conditioned(inner: &Tensor, base: &Tensor, beta: &[f64]) -> Result<Tensor> {
    let (c, _) = split_temperature(beta)?;
    rescale_temperature(inner, base, c)
}
