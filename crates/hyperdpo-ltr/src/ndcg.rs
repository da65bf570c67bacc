//! NDCG@k exactly as configured: gain, tie rule and what to do with lists whose ideal DCG is 0.
//!
//! The paper (section 4.1): `NDCG@k = DCG@k / max DCG@k`, `DCG@k = Σ_{i=1..k} z_{π_i} / log2(i+1)`
//! (linear gain). Tools disagree on three choices, so all three are explicit here:
//!
//! | choice | options | default |
//! |---|---|---|
//! | gain | [`Gain::Linear`] `z` (paper, scikit-learn, trec_eval) · [`Gain::Exponential`] `2^z − 1` (LightGBM, the LTR convention) | linear |
//! | ties in scores | [`Ties::Stable`] tied items keep their input order (LightGBM) · [`Ties::Average`] every item of a tied group gets the group's mean gain (scikit-learn) | stable |
//! | ideal DCG = 0 (all-zero labels) | [`ZeroIdeal::Zero`] (scikit-learn, ranx) · [`ZeroIdeal::One`] (LightGBM, allRank) · [`ZeroIdeal::Exclude`] leave the list out of the mean | zero |
//!
//! `k > n` means `k = n`; `k = 0` means the whole list. Every mean comes with the number of lists
//! whose ideal DCG was 0 ([`NdcgSummary::zero_ideal`]).

/// Gain of a label.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Gain {
    /// `g(z) = z` (the paper's definition).
    #[default]
    Linear,
    /// `g(z) = 2^z − 1`.
    Exponential,
}

impl Gain {
    /// The gain of label `z`.
    ///
    /// ```
    /// use hyperdpo_ltr::ndcg::Gain;
    /// assert_eq!(Gain::Exponential.of(3.0), 7.0);
    /// ```
    #[inline]
    pub fn of(self, z: f64) -> f64 {
        match self {
            Gain::Linear => z,
            Gain::Exponential => z.exp2() - 1.0,
        }
    }
}

/// How items with equal scores are ordered.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Ties {
    /// Tied items keep their input order.
    #[default]
    Stable,
    /// Tied items share their group's mean gain (scikit-learn's `ndcg_score`).
    Average,
}

/// The score of a list whose ideal DCG is 0.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum ZeroIdeal {
    /// 0.
    #[default]
    Zero,
    /// 1.
    One,
    /// Not counted in the mean.
    Exclude,
}

/// NDCG settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Ndcg {
    /// Cutoff (`0` = the whole list).
    pub k: usize,
    /// Gain function.
    pub gain: Gain,
    /// Tie rule.
    pub ties: Ties,
    /// Rule for lists with ideal DCG 0.
    pub zero_ideal: ZeroIdeal,
}

impl Ndcg {
    /// NDCG@k with the defaults (linear gain, stable ties, zero-ideal lists score 0).
    ///
    /// ```
    /// use hyperdpo_ltr::ndcg::Ndcg;
    /// assert_eq!(Ndcg::at(10).k, 10);
    /// ```
    pub fn at(k: usize) -> Self {
        Ndcg {
            k,
            gain: Gain::Linear,
            ties: Ties::Stable,
            zero_ideal: ZeroIdeal::Zero,
        }
    }

    /// NDCG of one list; `None` when its ideal DCG is 0 and the rule is [`ZeroIdeal::Exclude`].
    /// Scores and labels must have the same length (extra entries of the longer are ignored).
    ///
    /// ```
    /// use hyperdpo_ltr::ndcg::{Ndcg, Ties};
    /// let n = Ndcg::at(10);
    /// assert_eq!(n.list(&[3.0, 2.0, 1.0], &[2.0, 1.0, 0.0]), Some(1.0));
    /// // reversed: DCG = 0/1 + 1/log2(3) + 2/2, ideal = 2 + 1/log2(3)
    /// let want = (1.0 / 3f64.log2() + 1.0) / (2.0 + 1.0 / 3f64.log2());
    /// assert!((n.list(&[1.0, 2.0, 3.0], &[2.0, 1.0, 0.0]).unwrap() - want).abs() < 1e-15);
    /// // all scores tied: stable keeps input order, average spreads the mean gain
    /// let avg = Ndcg { ties: Ties::Average, ..n };
    /// assert_eq!(n.list(&[0.0; 2], &[1.0, 0.0]), Some(1.0));
    /// assert!(avg.list(&[0.0; 2], &[1.0, 0.0]).unwrap() < 1.0);
    /// ```
    pub fn list(&self, scores: &[f64], labels: &[f64]) -> Option<f64> {
        self.eval(scores, labels, None).0
    }

    /// NDCG of a ranked list whose ideal DCG comes from a separate set of judgements (as
    /// trec_eval does: the ideal ranking orders *all* judged documents of the query, retrieved or
    /// not). `labels` are the retrieved documents' labels (0 for unjudged ones).
    ///
    /// ```
    /// use hyperdpo_ltr::ndcg::Ndcg;
    /// // one relevant document retrieved at rank 1, another relevant one never retrieved
    /// let v = Ndcg::at(10).list_with_ideal(&[2.0, 1.0], &[1.0, 0.0], &[1.0, 1.0]).unwrap();
    /// assert!((v - 1.0 / (1.0 + 1.0 / 3f64.log2())).abs() < 1e-15);
    /// ```
    pub fn list_with_ideal(
        &self,
        scores: &[f64],
        labels: &[f64],
        ideal_labels: &[f64],
    ) -> Option<f64> {
        self.eval(scores, labels, Some(ideal_labels)).0
    }

    /// The list's NDCG (as [`Ndcg::list`]) and whether its ideal DCG is 0.
    fn eval(
        &self,
        scores: &[f64],
        labels: &[f64],
        ideal_labels: Option<&[f64]>,
    ) -> (Option<f64>, bool) {
        let n = scores.len().min(labels.len());
        let k = if self.k == 0 { n } else { self.k.min(n) };
        let source = ideal_labels.unwrap_or(&labels[..n]);
        let mut ideal: Vec<f64> = source.iter().map(|&z| self.gain.of(z)).collect();
        ideal.sort_unstable_by(|a, b| b.total_cmp(a));
        let k_ideal = if self.k == 0 {
            ideal.len()
        } else {
            self.k.min(ideal.len())
        };
        let idcg: f64 = ideal[..k_ideal]
            .iter()
            .enumerate()
            .map(|(i, g)| g * discount(i))
            .sum();
        if idcg == 0.0 {
            let v = match self.zero_ideal {
                ZeroIdeal::Zero => Some(0.0),
                ZeroIdeal::One => Some(1.0),
                ZeroIdeal::Exclude => None,
            };
            return (v, true);
        }
        let mut order: Vec<usize> = (0..n).collect();
        // stable sort: ties keep input order
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let dcg = match self.ties {
            Ties::Stable => order[..k]
                .iter()
                .enumerate()
                .map(|(i, &d)| self.gain.of(labels[d]) * discount(i))
                .sum(),
            Ties::Average => {
                let mut dcg = 0.0;
                let mut start = 0;
                while start < k {
                    let mut end = start + 1;
                    while end < n && scores[order[end]] == scores[order[start]] {
                        end += 1;
                    }
                    let mean_gain = order[start..end]
                        .iter()
                        .map(|&d| self.gain.of(labels[d]))
                        .sum::<f64>()
                        / (end - start) as f64;
                    let disc: f64 = (start..end.min(k)).map(discount).sum();
                    dcg += mean_gain * disc;
                    start = end;
                }
                dcg
            }
        };
        (Some(dcg / idcg), false)
    }

    /// Mean NDCG over queries given as `(scores, labels)` pairs.
    ///
    /// ```
    /// use hyperdpo_ltr::ndcg::{Ndcg, ZeroIdeal};
    /// let lists: Vec<(Vec<f64>, Vec<f64>)> = vec![
    ///     (vec![1.0, 0.0], vec![1.0, 0.0]), // perfect
    ///     (vec![1.0, 0.0], vec![0.0, 0.0]), // no relevant item
    /// ];
    /// let s = Ndcg::at(10).mean(lists.iter().map(|(s, l)| (&s[..], &l[..])));
    /// assert_eq!((s.mean, s.lists, s.zero_ideal), (0.5, 2, 1));
    /// let s = Ndcg { zero_ideal: ZeroIdeal::Exclude, ..Ndcg::at(10) }.mean(lists.iter().map(|(s, l)| (&s[..], &l[..])));
    /// assert_eq!((s.mean, s.lists, s.zero_ideal), (1.0, 1, 1));
    /// ```
    pub fn mean<'a>(&self, lists: impl IntoIterator<Item = (&'a [f64], &'a [f64])>) -> NdcgSummary {
        let (mut sum, mut count, mut zero) = (0.0, 0, 0);
        for (s, l) in lists {
            let (v, is_zero) = self.eval(s, l, None);
            zero += usize::from(is_zero);
            if let Some(v) = v {
                sum += v;
                count += 1;
            }
        }
        NdcgSummary {
            mean: if count > 0 { sum / count as f64 } else { 0.0 },
            lists: count,
            zero_ideal: zero,
        }
    }
}

/// A mean NDCG and what it was taken over.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NdcgSummary {
    /// The mean over the counted lists (0 if none).
    pub mean: f64,
    /// Lists in the mean.
    pub lists: usize,
    /// Lists whose ideal DCG was 0 (counted or not, depending on [`ZeroIdeal`]).
    pub zero_ideal: usize,
}

/// `1 / log2(i + 2)` for 0-based rank `i`.
#[inline]
fn discount(i: usize) -> f64 {
    1.0 / ((i + 2) as f64).log2()
}
