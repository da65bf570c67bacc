//! Next-token pretraining of a (small) GPT-2 on texts, for the embedded default model.

use crate::gpt2::Gpt2;
use crate::tokenizer::Tokenizer;
use crate::{Error, Result};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use tch::nn::OptimizerConfig;
use tch::{nn, Kind, Tensor};

/// Trains `model` on `texts` (each followed by the end-of-text token, truncated to
/// `n_positions`) with Adam for `steps` steps of `batch` texts; returns the mean loss of the last
/// 10 % of steps. Seeded (libtorch and batch order).
///
/// # Errors
/// [`Error::Invalid`] for no texts or zero sizes; libtorch errors.
pub fn pretrain(
    model: &Gpt2,
    tok: &dyn Tokenizer,
    texts: &[String],
    steps: usize,
    batch: usize,
    lr: f64,
    seed: u64,
) -> Result<f64> {
    if texts.is_empty() || batch == 0 || steps == 0 {
        return Err(Error::Invalid {
            name: "pretrain",
            reason: "needs texts, steps >= 1 and batch >= 1".into(),
        });
    }
    tch::manual_seed(seed as i64);
    let limit = model.config.n_positions;
    let seqs: Vec<Vec<i64>> = texts
        .iter()
        .map(|t| {
            let mut ids = tok.encode(t);
            ids.push(tok.eos());
            ids.truncate(limit);
            ids
        })
        .collect();
    let mut opt = nn::Adam::default().build(&model.vs, lr)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..seqs.len()).collect();
    let (mut tail, mut tail_n) = (0.0, 0);
    let dev = model.vs.device();
    for step in 0..steps {
        if step % order.len().div_ceil(batch).max(1) == 0 {
            order.shuffle(&mut rng);
        }
        let start = (step * batch) % order.len();
        let idx: Vec<usize> = (0..batch)
            .map(|i| order[(start + i) % order.len()])
            .collect();
        let t = idx.iter().map(|&i| seqs[i].len()).max().unwrap_or(1) as i64;
        let mut ids = vec![0i64; batch * t as usize];
        let mut mask = vec![false; batch * t as usize];
        for (r, &i) in idx.iter().enumerate() {
            for (c, &tok_id) in seqs[i].iter().enumerate() {
                ids[r * t as usize + c] = tok_id;
                mask[r * t as usize + c] = true;
            }
        }
        let ids = Tensor::from_slice(&ids)
            .view([batch as i64, t])
            .to_device(dev);
        let mask = Tensor::from_slice(&mask)
            .view([batch as i64, t])
            .to_device(dev);
        let logits = model.logits(&ids, Some(&mask))?;
        let logp = logits.narrow(1, 0, t - 1).log_softmax(-1, Kind::Float);
        let target = ids.narrow(1, 1, t - 1).unsqueeze(-1);
        let m = mask.narrow(1, 1, t - 1).to_kind(Kind::Float);
        let nll = -(logp.gather(2, &target, false).squeeze_dim(-1) * &m).sum(Kind::Float)
            / m.sum(Kind::Float).clamp_min(1.0);
        opt.backward_step(&nll);
        if step >= steps - steps.div_ceil(10) {
            tail += nll.double_value(&[]);
            tail_n += 1;
        }
    }
    Ok(tail / tail_n.max(1) as f64)
}
