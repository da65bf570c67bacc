//! A seeded synthetic data set shaped like MSLR-WEB10K, the embedded default for examples.
//!
//! 136 features per document as in MSLR (1-based): 1–131 are noisy mixtures of four latent
//! document properties (plus pure-noise and heavy-tailed count features), 132–136 are the five
//! auxiliary objectives with MSLR-like marginals, and the label is a graded relevance 0–4
//! (mostly 0 and 1, as in MSLR). Latents per document: relevance `r` (with a per-query offset),
//! popularity `p`, quality `u` and engagement `t`:
//!
//! | column | meaning | generated as |
//! |---|---|---|
//! | label | relevance 0–4 | thresholds on `r + 0.8ε` (mostly 0 and 1) |
//! | 132 | quality score | `round(clip(50 + 15u + 5ε, 0, 255))` |
//! | 133 | quality score 2 (badness) | `round(clip(30 − 10u + 5ε, 0, 255))` |
//! | 134 | query-URL click count | `floor(exp(0.3 + 1.3p + 0.5r + 0.5ε)) − 1`, ≥ 0, heavy-tailed, many 0 |
//! | 135 | URL click count | `floor(exp(1 + 1.5u + 0.6ε))` (site reputation: driven by quality) |
//! | 136 | URL dwell time | `exp(3 + 0.8t + 0.3r + 0.4ε)` |
//!
//! `conflict ∈ [0, 1]` makes popularity and quality anti-correlated (`corr(p, u) = −conflict`),
//! so objectives driven by popularity (134: query-URL clicks) and by quality (132, 133, 135)
//! disagree more as it grows; each objective is only partly predictable from the inputs (the
//! inputs see the latents through noise).

use crate::data::LtrData;
use crate::task::{Columns, MoftData};
use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Normal, StandardNormal};

/// Settings of the generator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SyntheticConfig {
    /// Number of queries.
    pub queries: usize,
    /// Fewest documents per query (≥ 2).
    pub min_docs: usize,
    /// Most documents per query.
    pub max_docs: usize,
    /// Anti-correlation of popularity and quality, in `[0, 1]`.
    pub conflict: f64,
    /// Seed: the same seed gives the same data.
    pub seed: u64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        SyntheticConfig {
            queries: 600,
            min_docs: 20,
            max_docs: 60,
            conflict: 0.6,
            seed: 0,
        }
    }
}

const LATENTS: usize = 4;

impl SyntheticConfig {
    /// Generates the raw data (136 features, label 0–4).
    ///
    /// ```
    /// use hyperdpo_ltr::synthetic::SyntheticConfig;
    /// let d = SyntheticConfig { queries: 20, ..Default::default() }.generate().unwrap();
    /// assert_eq!((d.num_queries(), d.num_features), (20, 136));
    /// assert!(d.labels.iter().all(|&l| (0.0..=4.0).contains(&l) && l.fract() == 0.0));
    /// assert_eq!(d, SyntheticConfig { queries: 20, ..Default::default() }.generate().unwrap());
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for `queries = 0`, `min_docs < 2`, `max_docs < min_docs` or `conflict`
    /// outside `[0, 1]`.
    pub fn generate(&self) -> Result<LtrData> {
        if self.queries == 0 || self.min_docs < 2 || self.max_docs < self.min_docs {
            return Err(Error::Invalid {
                name: "synthetic",
                reason: format!(
                    "need queries >= 1 and 2 <= min_docs <= max_docs (got {}, {}, {})",
                    self.queries, self.min_docs, self.max_docs
                ),
            });
        }
        if !(0.0..=1.0).contains(&self.conflict) {
            return Err(Error::Invalid {
                name: "conflict",
                reason: format!("{} is outside [0, 1]", self.conflict),
            });
        }
        let mut rng = StdRng::seed_from_u64(self.seed);
        let std_normal = |rng: &mut StdRng| -> f64 { StandardNormal.sample(rng) };
        // Fixed (seeded) loadings of the 131 input features on the latents.
        let mut loadings = vec![[0.0f64; LATENTS]; 131];
        let mut noise = vec![0.0f64; 131];
        let mut counts = [false; 131];
        for j in 0..131 {
            if j % 10 == 9 {
                noise[j] = 1.0; // pure noise features
                continue;
            }
            for a in loadings[j].iter_mut() {
                *a = if rng.random_range(0.0..1.0) < 0.5 {
                    std_normal(&mut rng)
                } else {
                    0.0
                };
            }
            noise[j] = rng.random_range(0.5..2.0);
            counts[j] = j % 7 == 3; // heavy-tailed count-like features
        }
        let c = self.conflict;
        let s = (1.0 - c * c).sqrt();
        let eps = Normal::new(0.0, 1.0).map_err(|e| Error::Invalid {
            name: "synthetic",
            reason: e.to_string(),
        })?;
        let mut data = LtrData {
            num_features: 136,
            features: Vec::new(),
            labels: Vec::new(),
            query_ids: Vec::with_capacity(self.queries),
            offsets: vec![0],
        };
        for q in 0..self.queries {
            let n = rng.random_range(self.min_docs..=self.max_docs);
            let q_off: f64 = 0.7 * std_normal(&mut rng);
            for _ in 0..n {
                let r = q_off + std_normal(&mut rng);
                let p = std_normal(&mut rng);
                let u = -c * p + s * std_normal(&mut rng);
                let t = 0.5 * u + 0.5 * r + 0.7 * std_normal(&mut rng);
                let lat = [r, p, u, t];
                let mut e = || eps.sample(&mut rng);
                for j in 0..131 {
                    let mut v: f64 = loadings[j]
                        .iter()
                        .zip(&lat)
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
                        + noise[j] * e();
                    if counts[j] {
                        v = (1.0 + 0.8 * v).exp().floor();
                    }
                    data.features.push(v as f32);
                }
                let quality = (50.0 + 15.0 * u + 5.0 * e()).clamp(0.0, 255.0).round();
                let badness = (30.0 - 10.0 * u + 5.0 * e()).clamp(0.0, 255.0).round();
                let qu_clicks =
                    ((0.3 + 1.3 * p + 0.5 * r + 0.5 * e()).exp().floor() - 1.0).max(0.0);
                let url_clicks = (1.0 + 1.5 * u + 0.6 * e()).exp().floor();
                let dwell = (3.0 + 0.8 * t + 0.3 * r + 0.4 * e()).exp();
                data.features
                    .extend([quality, badness, qu_clicks, url_clicks, dwell].map(|v| v as f32));
                let z = r + 0.8 * e();
                let label = [0.3, 1.2, 1.9, 2.5].iter().filter(|&&th| z > th).count();
                data.labels.push(label as f32);
            }
            data.query_ids.push((q + 1).to_string());
            data.offsets.push(data.labels.len());
        }
        Ok(data)
    }

    /// Generates the data and selects the paper's MSLR task with `m` auxiliary objectives
    /// ([`Columns::mslr_moft`]).
    ///
    /// ```
    /// use hyperdpo_ltr::synthetic::SyntheticConfig;
    /// let t = SyntheticConfig { queries: 10, ..Default::default() }.generate_task(5).unwrap();
    /// assert_eq!((t.dim, t.m()), (131, 5));
    /// ```
    ///
    /// # Errors
    /// As [`SyntheticConfig::generate`].
    pub fn generate_task(&self, m: usize) -> Result<MoftData> {
        MoftData::from_columns(&self.generate()?, &Columns::mslr_moft(m))
    }
}
