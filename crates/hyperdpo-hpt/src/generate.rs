//! Text generation with an optional prefix (to show a trade-off at a chosen `w`).

use crate::gpt2::{Gpt2, Lora};
use crate::Result;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tch::{Kind, Tensor};

/// How to pick the next token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// The most likely token.
    Greedy,
    /// Sample from the `k` most likely tokens at a temperature, seeded.
    TopK {
        /// Candidates.
        k: usize,
        /// Softmax temperature.
        temperature: f64,
        /// Seed.
        seed: u64,
    },
}

/// Continues `prompt` by up to `max_new` tokens (stopping at `eos`), with an optional prefix
/// `[1, k, d]` and LoRA adapters. Returns the new tokens.
///
/// # Errors
/// Model errors (e.g. the sequence exceeds `n_positions`).
pub fn generate(
    model: &Gpt2,
    prompt: &[i64],
    max_new: usize,
    eos: i64,
    prefix: Option<&Tensor>,
    lora: Option<&Lora>,
    sampling: Sampling,
) -> Result<Vec<i64>> {
    let mut ids = prompt.to_vec();
    let mut out = Vec::new();
    let mut rng = match sampling {
        Sampling::TopK { seed, .. } => StdRng::seed_from_u64(seed),
        Sampling::Greedy => StdRng::seed_from_u64(0),
    };
    let limit = model.config.n_positions;
    tch::no_grad(|| {
        for _ in 0..max_new {
            if ids.len() >= limit {
                break;
            }
            let t = Tensor::from_slice(&ids)
                .view([1, ids.len() as i64])
                .to_device(model.vs.device());
            let mut h = model.embed(&t)?;
            if let Some(p) = prefix {
                h = Tensor::cat(&[&p.to_kind(h.kind()), &h], 1);
            }
            let logits = model
                .forward_embeddings(&h, None, lora)?
                .get(0)
                .get(-1)
                .to_kind(Kind::Double);
            let next = match sampling {
                Sampling::Greedy => logits.argmax(0, false).int64_value(&[]),
                Sampling::TopK { k, temperature, .. } => {
                    let (vals, idx) = logits.topk(k.max(1) as i64, 0, true, true);
                    let p: Vec<f64> =
                        Vec::try_from((vals / temperature.max(1e-6)).softmax(0, Kind::Double))
                            .unwrap_or_default();
                    let u: f64 = rng.random_range(0.0..1.0);
                    let mut acc = 0.0;
                    let mut pick = p.len().saturating_sub(1);
                    for (i, pi) in p.iter().enumerate() {
                        acc += pi;
                        if u < acc {
                            pick = i;
                            break;
                        }
                    }
                    idx.int64_value(&[pick as i64])
                }
            };
            if next == eos {
                break;
            }
            ids.push(next);
            out.push(next);
        }
        Ok(out)
    })
}
