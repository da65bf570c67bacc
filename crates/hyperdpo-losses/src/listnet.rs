//! The ListNet-DPO loss vector (paper, eq. 10) and its reductions.

use crate::check::{self, Dims};
use crate::labels::{normalize_labels, pad_bias, LabelNorm};
use crate::Result;
use tch::{Kind, Tensor};

/// A batch of padded lists: policy scores `s_θ` `[B, n]`, base scores `s_base` `[B, n]`
/// (treated as constants: no gradient flows into them), labels `z` `[B, m, n]` and the mask
/// `[B, n]` (`true` = real item). All on one device; scores and base of one float kind.
#[derive(Debug, Clone, Copy)]
pub struct Lists<'a> {
    /// Policy scores `s_θ(y_i | x)`, `[B, n]`.
    pub policy: &'a Tensor,
    /// Base-model scores `s_base(y_i | x)`, `[B, n]`.
    pub base: &'a Tensor,
    /// Labels `z^j_i`, `[B, m, n]`.
    pub labels: &'a Tensor,
    /// Real items, `[B, n]` bool.
    pub mask: &'a Tensor,
}

/// Per-list losses and the sums and counts behind the means, so that gradient accumulation over
/// micro-batches reproduces a large batch exactly: add up `sum` and `count` across
/// micro-batches, then divide (see [`LossParts::mean`]).
#[derive(Debug)]
pub struct LossParts {
    /// Loss of each list for each objective, `[B, m]`; 0 where the list is inactive.
    pub per_list: Tensor,
    /// Whether the list takes part in objective `j`'s mean, `[B, m]` bool.
    pub active: Tensor,
    /// `Σ_b per_list[b, j]`, `[m]`.
    pub sum: Tensor,
    /// Number of active lists per objective, `[m]`, in the scores' float kind.
    pub count: Tensor,
}

impl LossParts {
    /// The loss vector `L_j = sum_j / count_j` (`0` for an objective without active lists).
    ///
    /// ```
    /// # use hyperdpo_losses::*; use tch::Tensor;
    /// let s = Tensor::from_slice(&[0.5f64, -0.5]).view([1, 2]);
    /// let base = Tensor::zeros([1, 2], (tch::Kind::Double, tch::Device::Cpu));
    /// let z = Tensor::from_slice(&[1.0f64, 0.0]).view([1, 1, 2]);
    /// let mask = Tensor::from_slice(&[true, true]).view([1, 2]);
    /// let l = ListNetDpo::new(vec![1.0], vec![LabelNorm::L1]).unwrap();
    /// let parts = l.parts(Lists { policy: &s, base: &base, labels: &z, mask: &mask }).unwrap();
    /// let v = parts.mean().double_value(&[0]);
    /// assert!((v - (1.0f64 + (-1.0f64).exp()).ln()).abs() < 1e-12); // −log σ(1)
    /// ```
    pub fn mean(&self) -> Tensor {
        &self.sum / self.count.clamp_min(1.0)
    }
}

/// The ListNet-DPO loss (eq. 10) for `m` objectives with temperatures `β` and label
/// normalisations `t_j`:
///
/// `L_j = mean over active lists of −Σ_i t(z^j)_i · log softmax_i(β_j (s_θ − s_base))`
///
/// where the softmax runs over the list's real items only (padding gets `−∞`, so it neither
/// takes probability nor receives gradient), and a list is active for objective `j` as
/// [`normalize_labels`] says (≥ 2 real items; under L1 a positive label sum).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListNetDpo {
    beta: Vec<f64>,
    norms: Vec<LabelNorm>,
}

impl ListNetDpo {
    /// A loss for `beta.len()` objectives.
    ///
    /// ```
    /// use hyperdpo_losses::{LabelNorm, ListNetDpo};
    /// assert!(ListNetDpo::new(vec![0.1, 0.0], vec![LabelNorm::L1; 2]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::Temperature`] for `β_j ≤ 0` or non-finite; [`crate::Error::Invalid`] when
    /// the lengths differ or are 0.
    pub fn new(beta: Vec<f64>, norms: Vec<LabelNorm>) -> Result<Self> {
        check::temperatures(&beta)?;
        if beta.is_empty() || beta.len() != norms.len() {
            return Err(crate::Error::Invalid {
                name: "norms",
                reason: format!(
                    "{} temperatures but {} label normalisations",
                    beta.len(),
                    norms.len()
                ),
            });
        }
        Ok(ListNetDpo { beta, norms })
    }

    /// The temperatures `β`.
    ///
    /// ```
    /// # use hyperdpo_losses::*;
    /// assert_eq!(ListNetDpo::new(vec![2.0], vec![LabelNorm::Softmax]).unwrap().beta(), &[2.0]);
    /// ```
    pub fn beta(&self) -> &[f64] {
        &self.beta
    }

    /// The label normalisations.
    ///
    /// ```
    /// # use hyperdpo_losses::*;
    /// assert_eq!(ListNetDpo::new(vec![2.0], vec![LabelNorm::L1]).unwrap().norms(), &[LabelNorm::L1]);
    /// ```
    pub fn norms(&self) -> &[LabelNorm] {
        &self.norms
    }

    /// The same loss at temperatures `β'`.
    ///
    /// ```
    /// # use hyperdpo_losses::*;
    /// let l = ListNetDpo::new(vec![1.0], vec![LabelNorm::L1]).unwrap();
    /// assert_eq!(l.with_beta(vec![3.0]).unwrap().beta(), &[3.0]);
    /// ```
    ///
    /// # Errors
    /// As [`ListNetDpo::new`].
    pub fn with_beta(&self, beta: Vec<f64>) -> Result<Self> {
        Self::new(beta, self.norms.clone())
    }

    /// Per-list losses, activity, sums and counts (see [`LossParts`]).
    ///
    /// ```
    /// # use hyperdpo_losses::*; use tch::{Kind, Tensor};
    /// let s = Tensor::from_slice(&[1.0f32, 0.0, 9.0]).view([1, 3]);
    /// let base = Tensor::zeros([1, 3], (Kind::Float, tch::Device::Cpu));
    /// let z = Tensor::from_slice(&[1.0f32, 0.0, 5.0]).view([1, 1, 3]);
    /// let mask = Tensor::from_slice(&[true, true, false]).view([1, 3]); // item 2 is padding
    /// let l = ListNetDpo::new(vec![1.0], vec![LabelNorm::L1]).unwrap();
    /// let parts = l.parts(Lists { policy: &s, base: &base, labels: &z, mask: &mask }).unwrap();
    /// assert_eq!(parts.count.double_value(&[0]), 1.0);
    /// ```
    ///
    /// # Errors
    /// Shape, device or kind mismatches (`β` and norms must match `m`), non-finite labels,
    /// negative labels under L1.
    pub fn parts(&self, lists: Lists<'_>) -> Result<LossParts> {
        let d = check::lists(lists.policy, lists.base, lists.labels, lists.mask)?;
        self.check_m(&d)?;
        let (t, active) = normalize_labels(&lists.labels.to_kind(d.kind), lists.mask, &self.norms)?;
        let logp = self.log_probs(&lists, &d); // [B, m, n]
        let per_list = -(t * logp).sum_dim_intlist([2i64].as_slice(), false, d.kind); // [B, m]
        Ok(reduce(per_list, active, d.kind))
    }

    /// The loss vector `L` `[m]` (eq. 10/11): [`ListNetDpo::parts`] then [`LossParts::mean`].
    ///
    /// ```
    /// # use hyperdpo_losses::*; use tch::{Kind, Tensor};
    /// let s = Tensor::zeros([2, 4], (Kind::Double, tch::Device::Cpu));
    /// let z = Tensor::rand([2, 3, 4], (Kind::Double, tch::Device::Cpu));
    /// let mask = Tensor::ones([2, 4], (Kind::Bool, tch::Device::Cpu));
    /// let l = ListNetDpo::new(vec![1.0; 3], vec![LabelNorm::Softmax; 3]).unwrap();
    /// let v = l.loss(Lists { policy: &s, base: &s, labels: &z, mask: &mask }).unwrap();
    /// assert_eq!(v.size(), vec![3]);
    /// // uniform policy: cross-entropy = log 4 for any target
    /// assert!((v.double_value(&[1]) - 4f64.ln()).abs() < 1e-12);
    /// ```
    ///
    /// # Errors
    /// As [`ListNetDpo::parts`].
    pub fn loss(&self, lists: Lists<'_>) -> Result<Tensor> {
        Ok(self.parts(lists)?.mean())
    }

    fn check_m(&self, d: &Dims) -> Result<()> {
        if self.beta.len() as i64 != d.m {
            return Err(crate::Error::Invalid {
                name: "beta",
                reason: format!(
                    "{} temperatures for labels of {} objectives",
                    self.beta.len(),
                    d.m
                ),
            });
        }
        Ok(())
    }

    /// `log softmax_i(β_j (s_θ − s_base))` over real items, `[B, m, n]`, 0 on padding.
    pub(crate) fn log_probs(&self, lists: &Lists<'_>, d: &Dims) -> Tensor {
        let diff = lists.policy - lists.base.detach(); // [B, n]
        let beta = Tensor::from_slice(&self.beta)
            .to_kind(d.kind)
            .to_device(d.device)
            .view([1, d.m, 1]);
        let logits = diff.unsqueeze(1) * beta; // [B, m, n]
        masked_log_softmax(&logits, lists.mask)
    }
}

/// `log_softmax` over the last dimension restricted to `mask` (`[B, n]`, broadcast over a middle
/// dimension if `logits` is `[B, m, n]`), by adding [`pad_bias`]: padded items get probability
/// exactly 0 and exactly zero gradient. Padded entries of the result are huge negative numbers:
/// multiply them only by targets that are 0 on padding (as [`normalize_labels`] makes them).
pub(crate) fn masked_log_softmax(logits: &Tensor, mask: &Tensor) -> Tensor {
    let bias = pad_bias(mask, logits.kind());
    let bias = if logits.dim() == 3 {
        bias.unsqueeze(1)
    } else {
        bias
    };
    (logits + bias).log_softmax(-1, logits.kind())
}

/// Sums and counts of per-list losses that are already 0 for inactive lists.
pub(crate) fn reduce(per_list: Tensor, active: Tensor, kind: Kind) -> LossParts {
    let a = active.to_kind(kind);
    let sum = per_list.sum_dim_intlist([0i64].as_slice(), false, kind);
    let count = a.sum_dim_intlist([0i64].as_slice(), false, kind);
    LossParts {
        per_list,
        active,
        sum,
        count,
    }
}
