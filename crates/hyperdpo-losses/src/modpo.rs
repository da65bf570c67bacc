//! MO-DPO (paper, eq. 22 and Appendix B.1; Zhou et al. 2023).

use crate::check;
use crate::labels::{normalize_labels, LabelNorm};
use crate::listnet::{masked_log_softmax, reduce, Lists, LossParts};
use crate::{Error, Result};
use tch::Tensor;

/// The smallest anchor weight `w_k` accepted (eq. 22 divides by it).
pub const MIN_ANCHOR_WEIGHT: f64 = 1e-3;

/// How the margin terms of the other objectives are scaled.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum MarginScale {
    /// `c_l = 1`: eq. 22 as printed.
    #[default]
    One,
    /// `c_l = β_l / β_k`: MO-DPO's implicit rewards `β_l (s_{e_l} − s_base)` expressed at the
    /// anchor's temperature.
    BetaRatio,
}

/// MO-DPO's loss for one weight vector `w` (eq. 22). The paper's indices clash (`i` is both the
/// item and the objective) and the item argument of the reward is missing; this implements the
/// reading that follows the MO-DPO paper's own loss:
///
/// * an anchor objective `k` (default: `argmax w`) whose labels are used;
/// * for each item `i`,
///   `r_i = (1/w_k) [(s_θ,i − s_base,i) − Σ_{l≠k} w_l c_l (s_{e_l},i − s_base,i)]`, where
///   `s_{e_l}` are the scores of the single-objective model trained for objective `l` (constants)
///   and `c_l` is chosen by [`MarginScale`];
/// * loss = mean over active lists of the ListNet cross-entropy of `softmax(β_k r)` against
///   `t(z^k)`.
///
/// Only the `m − 1` margin models `l ≠ k` are needed; a `None` is allowed where `w_l = 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct MoDpo {
    /// Temperatures `β` `[m]`.
    pub beta: Vec<f64>,
    /// Label normalisation per objective `[m]` (only the anchor's is used).
    pub norms: Vec<LabelNorm>,
    /// Scaling of the margins.
    pub scale: MarginScale,
}

impl MoDpo {
    /// The anchor objective for `w`: the first index of the largest weight.
    ///
    /// ```
    /// use hyperdpo_losses::MoDpo;
    /// assert_eq!(MoDpo::default_anchor(&[0.2, 0.5, 0.3]), 1);
    /// ```
    pub fn default_anchor(w: &[f64]) -> usize {
        w.iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
            )
            .0
    }

    /// Per-list losses for weights `w` (on the simplex), anchor `k` (`None` = argmax) and the
    /// single-objective models' scores `margins[l]` `[B, n]` for `l ≠ k`.
    ///
    /// ```
    /// use hyperdpo_losses::*;
    /// use tch::{Kind, Tensor};
    /// let opts = (Kind::Double, tch::Device::Cpu);
    /// let s = Tensor::from_slice(&[0.3f64, -0.2]).view([1, 2]);
    /// let base = Tensor::zeros([1, 2], opts);
    /// let e1 = Tensor::from_slice(&[0.1f64, 0.4]).view([1, 2]);
    /// let z = Tensor::from_slice(&[1.0f64, 0.0, 0.0, 1.0]).view([1, 2, 2]);
    /// let mask = Tensor::ones([1, 2], (Kind::Bool, tch::Device::Cpu));
    /// let mo = MoDpo { beta: vec![1.0, 1.0], norms: vec![LabelNorm::L1; 2], scale: MarginScale::One };
    /// let lists = Lists { policy: &s, base: &base, labels: &z, mask: &mask };
    /// let parts = mo.parts(lists, &[0.75, 0.25], None, &[None, Some(&e1)]).unwrap();
    /// // r = (s − 0.25·e1) / 0.75 = (0.3667, −0.4); loss = −log σ(r₀ − r₁)
    /// let margin = ((0.3 - 0.025) - (-0.2 - 0.1)) / 0.75;
    /// let want = (1.0f64 + (-margin as f64).exp()).ln();
    /// assert!((parts.mean().double_value(&[0]) - want).abs() < 1e-12);
    /// ```
    ///
    /// # Errors
    /// [`Error::Weights`] if `w` is off the simplex; [`Error::AnchorWeight`] if
    /// `w_k < MIN_ANCHOR_WEIGHT` (never a NaN); [`Error::Invalid`] for a missing margin model
    /// with `w_l > 0` or an anchor out of range; shape/device/kind mismatches.
    pub fn parts(
        &self,
        lists: Lists<'_>,
        w: &[f64],
        anchor: Option<usize>,
        margins: &[Option<&Tensor>],
    ) -> Result<LossParts> {
        let d = check::lists(lists.policy, lists.base, lists.labels, lists.mask)?;
        let m = d.m as usize;
        check::temperatures(&self.beta)?;
        if self.beta.len() != m || self.norms.len() != m || margins.len() != m {
            return Err(Error::Invalid {
                name: "margins",
                reason: format!(
                    "{m} objectives need {m} temperatures, normalisations and margin slots (got {}, {}, {})",
                    self.beta.len(),
                    self.norms.len(),
                    margins.len()
                ),
            });
        }
        if w.len() != m {
            return Err(Error::Weights {
                list: None,
                reason: format!("{} weights for {m} objectives", w.len()),
            });
        }
        hyperdpo_moo::simplex::check_simplex(w, crate::scalarize::WEIGHT_TOLERANCE).map_err(
            |e| Error::Weights {
                list: None,
                reason: e.to_string(),
            },
        )?;
        let k = anchor.unwrap_or_else(|| Self::default_anchor(w));
        if k >= m {
            return Err(Error::Invalid {
                name: "anchor",
                reason: format!("objective {k} does not exist (m = {m})"),
            });
        }
        if w[k].is_nan() || w[k] < MIN_ANCHOR_WEIGHT {
            return Err(Error::AnchorWeight {
                objective: k,
                weight: w[k],
                min: MIN_ANCHOR_WEIGHT,
            });
        }
        let base = lists.base.detach();
        let mut r = lists.policy - &base;
        for (l, mg) in margins.iter().enumerate() {
            if l == k || w[l] == 0.0 {
                continue;
            }
            let Some(e) = mg else {
                return Err(Error::Invalid {
                    name: "margins",
                    reason: format!(
                        "objective {l} has weight {} but no single-objective model scores",
                        w[l]
                    ),
                });
            };
            check::same_place("margins", e, d.device, Some(d.kind))?;
            check::shape("margins", e, &[d.b, d.n], "[B, n]")?;
            let c = match self.scale {
                MarginScale::One => 1.0,
                MarginScale::BetaRatio => self.beta[l] / self.beta[k],
            };
            r = r.f_sub(&((e.detach() - &base) * (w[l] * c)))?;
        }
        let r = r / w[k];
        let z_k = lists.labels.narrow(1, k as i64, 1).to_kind(d.kind);
        let (t, active) = normalize_labels(&z_k, lists.mask, &[self.norms[k]])?;
        let logp = masked_log_softmax(&(r * self.beta[k]), lists.mask); // [B, n]
        let per_list = -(t.squeeze_dim(1) * logp).sum_dim_intlist([1i64].as_slice(), true, d.kind); // [B, 1]
        Ok(reduce(per_list, active, d.kind))
    }
}
