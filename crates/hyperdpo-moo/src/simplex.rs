//! Weight vectors on the probability simplex Δ^m = {w ∈ ℝ^m : w_j ≥ 0, Σ_j w_j = 1}.
//!
//! The paper samples `w ~ Dir(α)` at every training step (eq. 14, Algorithm 1) and evaluates
//! fronts at a fixed set of weights (11 points for m = 2). All randomness takes a seed and uses
//! [`rand::rngs::StdRng`], so the same seed gives the same weights (for a given `rand` version).

use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::multi::Dirichlet;
use rand_distr::Distribution;

/// Default tolerance of [`check_simplex`] on `|Σ w − 1|`.
pub const SIMPLEX_TOLERANCE: f64 = 1e-9;

/// A seeded sampler of `w ~ Dir(α)`.
///
/// ```
/// use hyperdpo_moo::simplex::DirichletSampler;
/// let mut s = DirichletSampler::new(&[0.5, 0.5, 0.5], 42).unwrap();
/// let w = s.sample();
/// assert_eq!(w.len(), 3);
/// assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// // same seed, same draws
/// let mut t = DirichletSampler::new(&[0.5, 0.5, 0.5], 42).unwrap();
/// assert_eq!(t.sample(), w);
/// ```
#[derive(Debug)]
pub struct DirichletSampler {
    alpha: Vec<f64>,
    dist: Option<Dirichlet<f64>>,
    rng: StdRng,
}

impl DirichletSampler {
    /// A sampler for concentration `alpha` (length m ≥ 1, every entry finite and > 0).
    /// For m = 1 every draw is `[1.0]`.
    ///
    /// ```
    /// use hyperdpo_moo::simplex::DirichletSampler;
    /// assert!(DirichletSampler::new(&[1.0, 0.0], 0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty `alpha` or a non-positive/non-finite entry.
    pub fn new(alpha: &[f64], seed: u64) -> Result<Self> {
        if alpha.is_empty() {
            return Err(Error::InvalidArgument {
                name: "alpha",
                reason: "needs at least one entry".into(),
            });
        }
        if let Some(j) = alpha.iter().position(|a| !(a.is_finite() && *a > 0.0)) {
            return Err(Error::InvalidArgument {
                name: "alpha",
                reason: format!("entry {j} is {}, must be finite and > 0", alpha[j]),
            });
        }
        let dist = if alpha.len() >= 2 {
            Some(Dirichlet::new(alpha).map_err(|e| Error::InvalidArgument {
                name: "alpha",
                reason: e.to_string(),
            })?)
        } else {
            None
        };
        Ok(DirichletSampler {
            alpha: alpha.to_vec(),
            dist,
            rng: StdRng::seed_from_u64(seed),
        })
    }

    /// A symmetric Dirichlet `Dir(α, …, α)` over `m` objectives.
    ///
    /// ```
    /// use hyperdpo_moo::simplex::DirichletSampler;
    /// let s = DirichletSampler::symmetric(4, 0.3, 1).unwrap();
    /// assert_eq!(s.alpha(), &[0.3; 4]);
    /// ```
    ///
    /// # Errors
    /// As [`DirichletSampler::new`] (`m = 0` or `alpha ≤ 0`).
    pub fn symmetric(m: usize, alpha: f64, seed: u64) -> Result<Self> {
        Self::new(&vec![alpha; m], seed)
    }

    /// The concentration vector.
    ///
    /// ```
    /// use hyperdpo_moo::simplex::DirichletSampler;
    /// assert_eq!(DirichletSampler::new(&[2.0, 1.0], 0).unwrap().alpha(), &[2.0, 1.0]);
    /// ```
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// One draw `w ~ Dir(α)`. Entries are ≥ 0 and sum to 1 up to rounding.
    ///
    /// ```
    /// use hyperdpo_moo::simplex::{check_simplex, DirichletSampler, SIMPLEX_TOLERANCE};
    /// let mut s = DirichletSampler::symmetric(5, 0.2, 7).unwrap();
    /// for _ in 0..100 {
    ///     check_simplex(&s.sample(), SIMPLEX_TOLERANCE).unwrap();
    /// }
    /// ```
    pub fn sample(&mut self) -> Vec<f64> {
        match &self.dist {
            None => vec![1.0],
            Some(d) => {
                let mut w: Vec<f64> = d.sample(&mut self.rng);
                // Renormalise: removes the last ulp of drift so that check_simplex always holds,
                // and guards against an all-zero underflow for tiny α.
                let s: f64 = w.iter().sum();
                if s > 0.0 && s.is_finite() {
                    w.iter_mut().for_each(|v| *v /= s);
                } else {
                    let m = w.len() as f64;
                    w.iter_mut().for_each(|v| *v = 1.0 / m);
                }
                w
            }
        }
    }

    /// `k` draws.
    ///
    /// ```
    /// use hyperdpo_moo::simplex::DirichletSampler;
    /// let mut s = DirichletSampler::symmetric(2, 1.0, 3).unwrap();
    /// assert_eq!(s.sample_n(4).len(), 4);
    /// ```
    pub fn sample_n(&mut self, k: usize) -> Vec<Vec<f64>> {
        (0..k).map(|_| self.sample()).collect()
    }
}

/// The uniform simplex lattice of Das and Dennis: every `w` with entries in
/// `{0, 1/H, …, 1}` summing to 1, in lexicographically decreasing order of the first entries.
/// There are `C(H + m − 1, m − 1)` of them; `m = 2, H = 10` gives the paper's 11 points.
///
/// ```
/// use hyperdpo_moo::simplex::das_dennis;
/// let w = das_dennis(2, 10).unwrap();
/// assert_eq!(w.len(), 11);
/// assert_eq!(w[0], vec![1.0, 0.0]);
/// assert_eq!(w[10], vec![0.0, 1.0]);
/// assert_eq!(das_dennis(3, 4).unwrap().len(), 15);
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] for `m = 0`, `H = 0`, or more than 10⁷ points.
pub fn das_dennis(m: usize, h: usize) -> Result<Vec<Vec<f64>>> {
    if m == 0 || h == 0 {
        return Err(Error::InvalidArgument {
            name: if m == 0 { "m" } else { "h" },
            reason: "must be at least 1".into(),
        });
    }
    // count = C(h + m - 1, m - 1), checked against a cap before allocating.
    let mut count: u128 = 1;
    for i in 1..m as u128 {
        count = count * (h as u128 + i) / i;
        if count > 10_000_000 {
            return Err(Error::InvalidArgument {
                name: "h",
                reason: format!("m = {m}, H = {h} gives more than 10^7 weight vectors"),
            });
        }
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut cur = vec![0usize; m];
    fn rec(j: usize, left: usize, h: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<f64>>) {
        let m = cur.len();
        if j == m - 1 {
            cur[j] = left;
            out.push(cur.iter().map(|&c| c as f64 / h as f64).collect());
            return;
        }
        for c in (0..=left).rev() {
            cur[j] = c;
            rec(j + 1, left - c, h, cur, out);
        }
    }
    rec(0, h, h, &mut cur, &mut out);
    Ok(out)
}

/// The `m` unit vectors `e_1, …, e_m` (single-objective weights).
///
/// ```
/// use hyperdpo_moo::simplex::unit_vectors;
/// assert_eq!(unit_vectors(2), vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
/// ```
pub fn unit_vectors(m: usize) -> Vec<Vec<f64>> {
    (0..m)
        .map(|j| (0..m).map(|k| if j == k { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// A deterministic set of `k` evaluation weights for `m` objectives: the unit vectors first,
/// then the centroid, then spread points (greedy max-min distance picks from 2000 seeded
/// `Dir(1)` candidates, so they cover the simplex evenly). For `m = 2` the spread points are
/// replaced by the even grid: `k = 11` gives exactly the paper's 11-point grid
/// `(1, 0), (0.9, 0.1), …, (0, 1)` (in that order).
///
/// ```
/// use hyperdpo_moo::simplex::evaluation_weights;
/// let w = evaluation_weights(5, 11, 0).unwrap();
/// assert_eq!(w.len(), 11);
/// assert_eq!(w[0], vec![1.0, 0.0, 0.0, 0.0, 0.0]);
/// assert_eq!(w[5], vec![0.2; 5]);
/// assert_eq!(w, evaluation_weights(5, 11, 0).unwrap()); // deterministic
/// let g = evaluation_weights(2, 11, 0).unwrap();
/// assert_eq!(g[1], vec![0.9, 0.09999999999999998]);
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] for `m = 0` or `k < m` (the unit vectors must fit).
pub fn evaluation_weights(m: usize, k: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
    if m == 0 {
        return Err(Error::InvalidArgument {
            name: "m",
            reason: "must be at least 1".into(),
        });
    }
    if k < m {
        return Err(Error::InvalidArgument {
            name: "k",
            reason: format!("{k} weights cannot hold the {m} unit vectors"),
        });
    }
    if m == 1 {
        return Ok(vec![vec![1.0]; k]);
    }
    if m == 2 {
        let h = (k - 1) as f64;
        return Ok((0..k)
            .map(|i| {
                let a = 1.0 - i as f64 / h;
                vec![a, 1.0 - a]
            })
            .collect());
    }
    let mut out = unit_vectors(m);
    if k > m {
        out.push(vec![1.0 / m as f64; m]);
    }
    if k > m + 1 {
        let mut sampler = DirichletSampler::symmetric(m, 1.0, seed)?;
        let cands = sampler.sample_n(2000);
        let dist2 =
            |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
        let mut best: Vec<f64> = cands
            .iter()
            .map(|c| {
                out.iter()
                    .map(|o| dist2(c, o))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        while out.len() < k {
            let (i, _) = best
                .iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
                );
            let pick = cands[i].clone();
            for (b, c) in best.iter_mut().zip(&cands) {
                *b = b.min(dist2(c, &pick));
            }
            out.push(pick);
        }
    }
    Ok(out)
}

/// Checks that `w` lies on the simplex: finite, non-negative entries whose sum is within `tol`
/// of 1.
///
/// ```
/// use hyperdpo_moo::simplex::check_simplex;
/// assert!(check_simplex(&[0.25, 0.75], 1e-9).is_ok());
/// assert!(check_simplex(&[0.5, 0.6], 1e-9).is_err());
/// assert!(check_simplex(&[-0.1, 1.1], 1e-9).is_err());
/// ```
///
/// # Errors
/// [`Error::NotOnSimplex`] naming the offending entry or the sum.
pub fn check_simplex(w: &[f64], tol: f64) -> Result<()> {
    if w.is_empty() {
        return Err(Error::NotOnSimplex {
            reason: "the vector is empty".into(),
        });
    }
    if let Some(j) = w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(Error::NotOnSimplex {
            reason: format!("entry {j} is {}, must be finite and >= 0", w[j]),
        });
    }
    let s: f64 = w.iter().sum();
    if (s - 1.0).abs() > tol {
        return Err(Error::NotOnSimplex {
            reason: format!("entries sum to {s}, not 1 (tolerance {tol})"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirichlet_mean_and_variance_match_theory() {
        // E[w_j] = α_j / α₀, Var[w_j] = α_j(α₀ − α_j) / (α₀²(α₀ + 1)); 20 000 seeded draws.
        let alpha = [0.5, 1.0, 2.5];
        let a0: f64 = alpha.iter().sum();
        let mut s = DirichletSampler::new(&alpha, 11).unwrap();
        let n = 20_000;
        let draws = s.sample_n(n);
        for j in 0..3 {
            let mean = draws.iter().map(|w| w[j]).sum::<f64>() / n as f64;
            let var = draws.iter().map(|w| (w[j] - mean).powi(2)).sum::<f64>() / n as f64;
            let want_mean = alpha[j] / a0;
            let want_var = alpha[j] * (a0 - alpha[j]) / (a0 * a0 * (a0 + 1.0));
            // 5 standard errors of the mean
            assert!(
                (mean - want_mean).abs() < 5.0 * (want_var / n as f64).sqrt(),
                "j={j}: {mean} vs {want_mean}"
            );
            assert!(
                (var - want_var).abs() < 0.05 * want_var,
                "j={j}: {var} vs {want_var}"
            );
        }
        for w in &draws {
            check_simplex(w, SIMPLEX_TOLERANCE).unwrap();
        }
    }

    #[test]
    fn tiny_alpha_stays_on_the_simplex() {
        let mut s = DirichletSampler::symmetric(5, 1e-3, 2).unwrap();
        for _ in 0..1000 {
            check_simplex(&s.sample(), SIMPLEX_TOLERANCE).unwrap();
        }
    }

    #[test]
    fn das_dennis_counts_and_members() {
        for (m, h, count) in [(1, 3, 1), (2, 10, 11), (3, 12, 91), (5, 4, 70)] {
            let w = das_dennis(m, h).unwrap();
            assert_eq!(w.len(), count, "m={m} H={h}");
            for v in &w {
                check_simplex(v, 1e-12).unwrap();
                for x in v {
                    let k = x * h as f64;
                    assert!((k - k.round()).abs() < 1e-9);
                }
            }
            let mut sorted = w.clone();
            sorted.dedup();
            assert_eq!(sorted.len(), count);
        }
        assert!(das_dennis(0, 3).is_err());
        assert!(das_dennis(30, 30).is_err());
    }

    #[test]
    fn evaluation_weights_are_deterministic_and_spread() {
        let w = evaluation_weights(5, 11, 3).unwrap();
        assert_eq!(&w[..5], &unit_vectors(5)[..]);
        assert_eq!(w[5], vec![0.2; 5]);
        for v in &w {
            check_simplex(v, SIMPLEX_TOLERANCE).unwrap();
        }
        // spread: no two weights closer than 0.1 (Euclidean)
        for i in 0..w.len() {
            for j in 0..i {
                let d: f64 = w[i]
                    .iter()
                    .zip(&w[j])
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!(d > 0.1, "{i} {j}: {d}");
            }
        }
        assert_eq!(w, evaluation_weights(5, 11, 3).unwrap());
        let g = evaluation_weights(2, 11, 0).unwrap();
        for (i, v) in g.iter().enumerate() {
            assert!((v[0] - (1.0 - i as f64 / 10.0)).abs() < 1e-15);
        }
        assert!(evaluation_weights(3, 2, 0).is_err());
    }
}
