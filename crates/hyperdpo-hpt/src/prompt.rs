//! Hyper Prompt Tuning (paper, section 4.2, Figure 3) and plain prompt tuning.
//!
//! HPT turns the importance weights `w ∈ Δ^m` into a prefix of `k` virtual tokens:
//!
//! 1. two small MLPs map `w` to `A(w)` `[k, r]` and `B(w)` `[r, d]`;
//! 2. the weight mask `A(w)·B(w)` `[k, d]` multiplies entrywise a trainable prefix embedding
//!    `P` `[k, d]`;
//! 3. the result is prepended to the input embeddings (after token and position embeddings) of
//!    any model that takes embeddings ([`crate::gpt2::Gpt2::forward_embeddings`]).
//!
//! The language model's own weights are not touched (they are shared by policy and reference).
//! The paper uses `k = 8`, `r = 4`.
//!
//! Prefix tokens have no position embedding (the tokens after them keep positions `0..T`), are
//! always attended to (never masked) and are never scored. A zero prefix embedding `P = 0` makes
//! the prefix independent of `w`: it is then exactly `k` virtual tokens with zero input
//! embedding — which is *not* the same as no prefix, since the tokens still attend to them.

use crate::{Error, Result};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// Sizes of a [`HyperPrompt`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HyperPromptConfig {
    /// Objectives `m` (length of `w`).
    pub m: usize,
    /// Virtual tokens `k`.
    pub tokens: usize,
    /// Rank `r` of the weight mask.
    pub rank: usize,
    /// Hidden size of the two MLPs.
    pub mlp_hidden: usize,
    /// Model hidden size `d`.
    pub hidden: usize,
}

/// The Hyper Prompt Tuning module: `prefix(w) = (A(w)·B(w)) ⊙ P`.
#[derive(Debug)]
pub struct HyperPrompt {
    config: HyperPromptConfig,
    a1: nn::Linear,
    a2: nn::Linear,
    b1: nn::Linear,
    b2: nn::Linear,
    prefix: Tensor,
}

impl HyperPrompt {
    /// Builds the module's trainable variables under `path`.
    ///
    /// ```
    /// use hyperdpo_hpt::prompt::{HyperPrompt, HyperPromptConfig};
    /// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    /// let hpt = HyperPrompt::new(&vs.root(), HyperPromptConfig { m: 2, tokens: 8, rank: 4, mlp_hidden: 16, hidden: 24 }).unwrap();
    /// let p = hpt.prefix(&tch::Tensor::from_slice(&[0.3f32, 0.7])).unwrap();
    /// assert_eq!(p.size(), vec![1, 8, 24]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for a zero size.
    pub fn new(path: &nn::Path, config: HyperPromptConfig) -> Result<Self> {
        let c = &config;
        if c.m == 0 || c.tokens == 0 || c.rank == 0 || c.mlp_hidden == 0 || c.hidden == 0 {
            return Err(Error::Invalid {
                name: "HyperPromptConfig",
                reason: format!("all sizes must be >= 1: {c:?}"),
            });
        }
        let (m, k, r, h, d) = (
            c.m as i64,
            c.tokens as i64,
            c.rank as i64,
            c.mlp_hidden as i64,
            c.hidden as i64,
        );
        Ok(HyperPrompt {
            a1: nn::linear(path / "a1", m, h, Default::default()),
            a2: nn::linear(path / "a2", h, k * r, Default::default()),
            b1: nn::linear(path / "b1", m, h, Default::default()),
            b2: nn::linear(path / "b2", h, r * d, Default::default()),
            prefix: path.var(
                "prefix",
                &[k, d],
                nn::Init::Randn {
                    mean: 0.0,
                    stdev: 0.02,
                },
            ),
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &HyperPromptConfig {
        &self.config
    }

    /// `A(w)` `[B, k, r]` and `B(w)` `[B, r, d]` for weights `[m]` or `[B, m]`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `w` does not have `m` entries per row.
    pub fn factors(&self, w: &Tensor) -> Result<(Tensor, Tensor)> {
        let c = &self.config;
        let w = match w.size().as_slice() {
            [mm] if *mm == c.m as i64 => w.unsqueeze(0),
            [_, mm] if *mm == c.m as i64 => w.shallow_clone(),
            other => {
                return Err(Error::Invalid {
                    name: "w",
                    reason: format!("shape {other:?}, expected [{m}] or [B, {m}]", m = c.m),
                })
            }
        }
        .to_kind(Kind::Float)
        .to_device(self.prefix.device());
        let b = w.size()[0];
        let a =
            self.a2
                .forward(&self.a1.forward(&w).relu())
                .view([b, c.tokens as i64, c.rank as i64]);
        let bm =
            self.b2
                .forward(&self.b1.forward(&w).relu())
                .view([b, c.rank as i64, c.hidden as i64]);
        Ok((a, bm))
    }

    /// The prefix `(A(w)·B(w)) ⊙ P` `[B, k, d]`.
    ///
    /// # Errors
    /// As [`HyperPrompt::factors`].
    pub fn prefix(&self, w: &Tensor) -> Result<Tensor> {
        let (a, b) = self.factors(w)?;
        Ok(a.matmul(&b) * self.prefix.unsqueeze(0))
    }

    /// The trainable prefix embedding `P` `[k, d]`.
    pub fn prefix_embedding(&self) -> &Tensor {
        &self.prefix
    }
}

/// Plain prompt tuning (Lester et al. 2021): a trainable prefix `P` `[k, d]` independent of `w`
/// (the baselines' prompt, the paper: `k = 8`).
#[derive(Debug)]
pub struct PromptTuning {
    prefix: Tensor,
}

impl PromptTuning {
    /// A prefix of `tokens` virtual tokens of size `hidden` under `path`.
    ///
    /// ```
    /// use hyperdpo_hpt::prompt::PromptTuning;
    /// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    /// let p = PromptTuning::new(&vs.root(), 8, 24);
    /// assert_eq!(p.prefix(3).size(), vec![3, 8, 24]);
    /// ```
    pub fn new(path: &nn::Path, tokens: usize, hidden: usize) -> Self {
        PromptTuning {
            prefix: path.var(
                "prompt",
                &[tokens as i64, hidden as i64],
                nn::Init::Randn {
                    mean: 0.0,
                    stdev: 0.02,
                },
            ),
        }
    }

    /// The prefix repeated for a batch of `b` sequences, `[b, k, d]`.
    pub fn prefix(&self, b: i64) -> Tensor {
        let s = self.prefix.size();
        self.prefix.unsqueeze(0).expand([b, s[0], s[1]], false)
    }
}
