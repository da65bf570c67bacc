//! Sequence scores `log p(response | prompt [, prefix])` for DPO, batched.

use crate::gpt2::{Gpt2, Lora};
use crate::{Error, Result};
use tch::{Device, Kind, Tensor};

/// A batch of (prompt, response) token sequences, right-padded to one length.
#[derive(Debug)]
pub struct SequenceBatch {
    /// Token ids `[B, T]` (prompt then response, then padding 0).
    pub ids: Tensor,
    /// Real tokens `[B, T]`.
    pub mask: Tensor,
    /// Response tokens `[B, T]` — the ones that are scored.
    pub response: Tensor,
}

impl SequenceBatch {
    /// Builds the batch. Every prompt must be non-empty (its last token predicts the first
    /// response token).
    ///
    /// ```
    /// use hyperdpo_hpt::sequence::SequenceBatch;
    /// let b = SequenceBatch::new(&[(vec![1, 2], vec![3]), (vec![4], vec![5, 6, 7])], tch::Device::Cpu).unwrap();
    /// assert_eq!(b.ids.size(), vec![2, 4]);
    /// assert_eq!(Vec::<bool>::try_from(b.response.get(0)).unwrap(), vec![false, false, true, false]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty batch, an empty prompt or an empty response.
    pub fn new(pairs: &[(Vec<i64>, Vec<i64>)], device: Device) -> Result<Self> {
        if pairs.is_empty() {
            return Err(Error::Invalid {
                name: "pairs",
                reason: "empty batch".into(),
            });
        }
        if let Some(i) = pairs.iter().position(|(p, r)| p.is_empty() || r.is_empty()) {
            return Err(Error::Invalid {
                name: "pairs",
                reason: format!("pair {i} has an empty prompt or response"),
            });
        }
        let t = pairs
            .iter()
            .map(|(p, r)| p.len() + r.len())
            .max()
            .unwrap_or(0);
        let b = pairs.len();
        let mut ids = vec![0i64; b * t];
        let mut mask = vec![false; b * t];
        let mut resp = vec![false; b * t];
        for (i, (p, r)) in pairs.iter().enumerate() {
            for (j, &tok) in p.iter().chain(r).enumerate() {
                ids[i * t + j] = tok;
                mask[i * t + j] = true;
                resp[i * t + j] = j >= p.len();
            }
        }
        let shape = [b as i64, t as i64];
        Ok(SequenceBatch {
            ids: Tensor::from_slice(&ids).view(shape).to_device(device),
            mask: Tensor::from_slice(&mask).view(shape).to_device(device),
            response: Tensor::from_slice(&resp).view(shape).to_device(device),
        })
    }
}

/// `Σ_t log p(response_t | prompt, response_<t [, prefix])` per sequence, `[B]`. The optional
/// `prefix` `[B, k, d]` (prompt tuning or HPT) is placed before the tokens (the tokens keep
/// positions `0..T`); prompt, padding and prefix positions are not scored.
///
/// # Errors
/// Model shape errors.
pub fn sequence_logprobs(
    model: &Gpt2,
    batch: &SequenceBatch,
    prefix: Option<&Tensor>,
    lora: Option<&Lora>,
) -> Result<Tensor> {
    let tokens = model.embed(&batch.ids)?;
    let (h, mask, k) = match prefix {
        Some(p) => {
            let (b, k) = (p.size()[0], p.size()[1]);
            let pm = Tensor::ones([b, k], (Kind::Bool, batch.mask.device()));
            (
                Tensor::cat(&[&p.to_kind(tokens.kind()), &tokens], 1),
                Tensor::cat(&[&pm, &batch.mask], 1),
                k,
            )
        }
        None => (tokens, batch.mask.shallow_clone(), 0),
    };
    let logp = model
        .forward_embeddings(&h, Some(&mask), lora)?
        .log_softmax(-1, Kind::Float);
    let t = batch.ids.size()[1];
    // token at position j (j ≥ 1) is predicted at sequence position k + j − 1
    let pred = logp.narrow(1, k, t - 1); // [B, T-1, V]
    let next = batch.ids.narrow(1, 1, t - 1).unsqueeze(-1);
    let tok_logp = pred.gather(2, &next, false).squeeze_dim(-1); // [B, T-1]
    let scored = batch.response.narrow(1, 1, t - 1).to_kind(Kind::Float);
    Ok((tok_logp * scored).sum_dim_intlist([1i64].as_slice(), false, Kind::Float))
}
