//! Pairwise DPO (paper, eq. 4).

use crate::check;
use crate::{Error, Result};
use tch::Tensor;

/// The DPO loss of each pair (eq. 4):
/// `−log σ(β [(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))])`, computed with a
/// stable log-sigmoid. Inputs are `[B]` sequence log-probabilities of the chosen (`w`) and
/// rejected (`l`) responses under the policy and the reference; the reference ones are
/// constants. Returns `[B]`; take `.mean(kind)` for the batch loss.
///
/// ```
/// use hyperdpo_losses::dpo_pairwise;
/// use tch::Tensor;
/// let pw = Tensor::from_slice(&[-1.0f64]);
/// let pl = Tensor::from_slice(&[-3.0f64]);
/// let r = Tensor::from_slice(&[-2.0f64]);
/// let l = dpo_pairwise(&pw, &pl, &r, &r, 0.5).unwrap();
/// // margin = 0.5 · ((−1 + 2) − (−3 + 2)) = 1
/// assert!((l.double_value(&[0]) - (1.0f64 + (-1.0f64).exp()).ln()).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`Error::Temperature`] for `β ≤ 0`; shape, device or kind mismatches.
pub fn dpo_pairwise(
    policy_chosen: &Tensor,
    policy_rejected: &Tensor,
    ref_chosen: &Tensor,
    ref_rejected: &Tensor,
    beta: f64,
) -> Result<Tensor> {
    check::temperatures(&[beta])?;
    let kind = check::float_kind("policy_chosen", policy_chosen)?;
    let dev = policy_chosen.device();
    let size = policy_chosen.size();
    if size.len() != 1 {
        return Err(Error::Shape {
            name: "policy_chosen",
            expected: "[B]".into(),
            got: size,
        });
    }
    for (name, t) in [
        ("policy_rejected", policy_rejected),
        ("ref_chosen", ref_chosen),
        ("ref_rejected", ref_rejected),
    ] {
        check::same_place(name, t, dev, Some(kind))?;
        check::shape(name, t, &size, "[B]")?;
    }
    let margin = (policy_chosen - ref_chosen.detach()) - (policy_rejected - ref_rejected.detach());
    Ok(-(margin * beta).log_sigmoid().to_kind(kind))
}
