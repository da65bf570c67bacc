//! The language-model task of section 4.2 in the same trainer: prompts with `n` responses,
//! policy scores = `log p(response | prompt [, prefix])` of a frozen GPT-2 with Hyper Prompt
//! Tuning (HyperDPO) or LoRA + prompt tuning (baselines), base scores = the reference model's
//! log-probabilities (computed once and cached).
//!
//! Evaluation (Table 2, Figure 4): for each objective, the expected cross-entropy error of the
//! implied preference `σ(β_j (Δ_0 − Δ_1))` against the labels on the first two responses of every
//! test prompt (`Δ_i` = policy − reference log-probability; lower is better; pairs with tied
//! labels are skipped), and as the "main" score the interquartile range of `Δ` over all test
//! responses (the inset of Figure 4: how far the policy moved from the reference). Hypervolume:
//! minimisation with reference `(1.1, …, 1.1)`.

use crate::config::TrainConfig;
use crate::policy::{Cond, Conditioning, PolicyFactory, Scorer};
use crate::task::{Evaluation, ListBatch, ScoreFn, Split, Task};
use crate::{Error, Result};
use hyperdpo_hpt::data::PreferenceRecord;
use hyperdpo_hpt::gpt2::{Gpt2, Lora};
use hyperdpo_hpt::prompt::{HyperPrompt, HyperPromptConfig, PromptTuning};
use hyperdpo_hpt::sequence::{sequence_logprobs, SequenceBatch};
use hyperdpo_hpt::tokenizer::Tokenizer;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::rc::Rc;
use tch::{nn, Device, Kind, Tensor};

/// A tokenised record.
#[derive(Debug, Clone)]
struct Encoded {
    prompt: Vec<i64>,
    responses: Vec<Vec<i64>>,
    labels: Vec<Vec<f64>>,
}

/// The language-model preference task.
pub struct LlmTask {
    model: Rc<Gpt2>,
    names: Vec<String>,
    splits: [Vec<Encoded>; 3],
    reference: [Vec<Vec<f32>>; 3],
    batch_size: usize,
    beta: Vec<f64>,
}

impl std::fmt::Debug for LlmTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmTask")
            .field("objectives", &self.names)
            .field(
                "records",
                &self.splits.iter().map(Vec::len).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn split_index(s: Split) -> usize {
    match s {
        Split::Validation => 1,
        Split::Test => 2,
    }
}

impl LlmTask {
    /// Tokenises the splits (prompts truncated to `max_prompt` tokens from the left, responses to
    /// `max_response`), and caches the reference log-probabilities of every response.
    ///
    /// # Errors
    /// [`Error::Config`] for empty splits, records without 2 responses or labels of the wrong
    /// shape, or sequences longer than the model allows; model errors.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: Rc<Gpt2>,
        tok: &dyn Tokenizer,
        names: Vec<String>,
        train: &[PreferenceRecord],
        valid: &[PreferenceRecord],
        test: &[PreferenceRecord],
        max_prompt: usize,
        max_response: usize,
        config: &TrainConfig,
    ) -> Result<Self> {
        let m = names.len();
        config.validate(m)?;
        if max_prompt + max_response > model.config.n_positions
            || max_prompt == 0
            || max_response == 0
        {
            return Err(Error::config("max_prompt", format!("{max_prompt} + {max_response} tokens must be >= 1 each and fit n_positions = {}", model.config.n_positions)));
        }
        let enc = |recs: &[PreferenceRecord], name: &str| -> Result<Vec<Encoded>> {
            if recs.is_empty() {
                return Err(Error::config(
                    "data",
                    format!("the {name} split has no records"),
                ));
            }
            recs.iter()
                .enumerate()
                .map(|(i, r)| {
                    if r.responses.len() < 2 || r.labels.len() != m || r.labels.iter().any(|l| l.len() != r.responses.len()) {
                        return Err(Error::config("data", format!("{name} record {i}: needs >= 2 responses and {m} label lists of that length")));
                    }
                    let mut p = tok.encode(&r.prompt);
                    if p.is_empty() {
                        p.push(tok.eos());
                    }
                    let p = p[p.len().saturating_sub(max_prompt)..].to_vec();
                    let responses = r
                        .responses
                        .iter()
                        .map(|x| {
                            let mut ids = tok.encode(x);
                            ids.push(tok.eos());
                            ids.truncate(max_response);
                            ids
                        })
                        .collect();
                    Ok(Encoded { prompt: p, responses, labels: r.labels.clone() })
                })
                .collect()
        };
        let splits = [
            enc(train, "train")?,
            enc(valid, "validation")?,
            enc(test, "test")?,
        ];
        let mut task = LlmTask {
            model,
            names,
            splits,
            reference: [Vec::new(), Vec::new(), Vec::new()],
            batch_size: config.optim.batch_size,
            beta: config.beta.resolve(m, "beta")?,
        };
        for s in 0..3 {
            let mut refs = Vec::with_capacity(task.splits[s].len());
            for chunk in (0..task.splits[s].len()).collect::<Vec<_>>().chunks(64) {
                let (inputs, _) = task.inputs(s, chunk);
                let lp = tch::no_grad(|| sequence_scores(&task.model, &inputs, None, None))?;
                let n = lp.size()[1];
                for (row, &i) in chunk.iter().enumerate() {
                    let v: Vec<f32> = Vec::try_from(lp.get(row as i64).narrow(0, 0, n))?;
                    refs.push(v[..task.splits[s][i].responses.len()].to_vec());
                }
            }
            task.reference[s] = refs;
        }
        Ok(task)
    }

    /// The shared frozen language model.
    pub fn model(&self) -> &Rc<Gpt2> {
        &self.model
    }

    /// `inputs` `[B, n, T, 2]` (token id, segment: 0 pad, 1 prompt, 2 response) and `mask` `[B, n]`.
    fn inputs(&self, split: usize, idx: &[usize]) -> (Tensor, Tensor) {
        let recs: Vec<&Encoded> = idx.iter().map(|&i| &self.splits[split][i]).collect();
        let n = recs.iter().map(|r| r.responses.len()).max().unwrap_or(0);
        let t = recs
            .iter()
            .flat_map(|r| r.responses.iter().map(|x| r.prompt.len() + x.len()))
            .max()
            .unwrap_or(1);
        let b = recs.len();
        let mut data = vec![0i64; b * n * t * 2];
        let mut mask = vec![false; b * n];
        for (bi, r) in recs.iter().enumerate() {
            for (ri, resp) in r.responses.iter().enumerate() {
                mask[bi * n + ri] = true;
                for (j, (&tokid, seg)) in r
                    .prompt
                    .iter()
                    .map(|x| (x, 1))
                    .chain(resp.iter().map(|x| (x, 2)))
                    .enumerate()
                {
                    let at = ((bi * n + ri) * t + j) * 2;
                    data[at] = tokid;
                    data[at + 1] = seg;
                }
            }
        }
        let dev = self.model.vs.device();
        (
            Tensor::from_slice(&data)
                .view([b as i64, n as i64, t as i64, 2])
                .to_device(dev),
            Tensor::from_slice(&mask)
                .view([b as i64, n as i64])
                .to_device(dev),
        )
    }

    fn base(&self, split: usize, idx: &[usize], n: i64) -> Tensor {
        let mut v = vec![0f32; idx.len() * n as usize];
        for (bi, &i) in idx.iter().enumerate() {
            for (ri, &x) in self.reference[split][i].iter().enumerate() {
                v[bi * n as usize + ri] = x;
            }
        }
        Tensor::from_slice(&v)
            .view([idx.len() as i64, n])
            .to_device(self.model.vs.device())
    }

    fn labels(&self, split: usize, idx: &[usize], n: i64) -> Tensor {
        let m = self.names.len();
        let mut v = vec![0f32; idx.len() * m * n as usize];
        for (bi, &i) in idx.iter().enumerate() {
            for (j, l) in self.splits[split][i].labels.iter().enumerate() {
                for (ri, &x) in l.iter().enumerate() {
                    v[(bi * m + j) * n as usize + ri] = x as f32;
                }
            }
        }
        Tensor::from_slice(&v)
            .view([idx.len() as i64, m as i64, n])
            .to_device(self.model.vs.device())
    }
}

/// `log p(response | prompt [, prefix])` `[B, n]` for packed `inputs` `[B, n, T, 2]`; `prefix`
/// is `[1, k, d]` (shared) or `[B, k, d]` (per prompt).
fn sequence_scores(
    model: &Gpt2,
    inputs: &Tensor,
    prefix: Option<&Tensor>,
    lora: Option<&Lora>,
) -> Result<Tensor> {
    let s = inputs.size();
    let (b, n, t) = (s[0], s[1], s[2]);
    let ids = inputs.select(3, 0).reshape([b * n, t]);
    let seg = inputs.select(3, 1).reshape([b * n, t]);
    let batch = SequenceBatch {
        ids,
        mask: seg.gt(0),
        response: seg.eq(2),
    };
    let prefix = prefix.map(|p| {
        let (k, d) = (p.size()[1], p.size()[2]);
        if p.size()[0] == 1 {
            p.expand([b * n, k, d], false)
        } else {
            p.unsqueeze(1)
                .expand([b, n, k, d], false)
                .reshape([b * n, k, d])
        }
    });
    Ok(sequence_logprobs(model, &batch, prefix.as_ref(), lora)?.view([b, n]))
}

impl Task for LlmTask {
    fn m(&self) -> usize {
        self.names.len()
    }

    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn device(&self) -> Device {
        self.model.vs.device()
    }

    fn sense(&self) -> hyperdpo_moo::Sense {
        hyperdpo_moo::Sense::Minimize
    }

    fn hv_reference(&self) -> Vec<f64> {
        vec![1.1; self.names.len()]
    }

    fn batches(&self, epoch: usize, seed: u64) -> Result<Vec<ListBatch>> {
        let mut order: Vec<usize> = (0..self.splits[0].len()).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(
            seed ^ ((epoch as u64) << 32),
        ));
        Ok(order
            .chunks(self.batch_size)
            .map(|idx| {
                let (inputs, mask) = self.inputs(0, idx);
                let n = mask.size()[1];
                ListBatch {
                    labels: self.labels(0, idx, n),
                    base: self.base(0, idx, n),
                    inputs,
                    mask,
                }
            })
            .collect())
    }

    fn evaluate(&self, split: Split, score: &mut ScoreFn<'_>) -> Result<Evaluation> {
        let s = split_index(split);
        let m = self.names.len();
        let (mut ce, mut cnt) = (vec![0.0; m], vec![0usize; m]);
        let mut deltas: Vec<f64> = Vec::new();
        for chunk in (0..self.splits[s].len()).collect::<Vec<_>>().chunks(64) {
            let (inputs, mask) = self.inputs(s, chunk);
            let n = mask.size()[1];
            let base = self.base(s, chunk, n);
            let lp = tch::no_grad(|| score(&inputs, &mask, &base))?;
            let d = (lp - &base).to_kind(Kind::Double).to_device(Device::Cpu);
            for (row, &i) in chunk.iter().enumerate() {
                let rec = &self.splits[s][i];
                let dv: Vec<f64> = Vec::try_from(d.get(row as i64))?;
                deltas.extend(&dv[..rec.responses.len()]);
                for j in 0..m {
                    let (l0, l1) = (rec.labels[j][0], rec.labels[j][1]);
                    if l0 == l1 {
                        continue;
                    }
                    let x = self.beta[j] * (dv[0] - dv[1]);
                    // −log σ(x) if response 0 is preferred, −log σ(−x) otherwise (stable)
                    let y = if l0 > l1 { x } else { -x };
                    ce[j] += (-y).max(0.0) + (-y.abs()).exp().ln_1p();
                    cnt[j] += 1;
                }
            }
        }
        deltas.sort_by(f64::total_cmp);
        let q = |p: f64| {
            deltas
                .get(((deltas.len().saturating_sub(1)) as f64 * p).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        Ok(Evaluation {
            aux: ce
                .iter()
                .zip(&cnt)
                .map(|(c, &k)| if k > 0 { c / k as f64 } else { 0.0 })
                .collect(),
            main: q(0.75) - q(0.25),
        })
    }
}

/// HyperDPO's language-model policy: a frozen GPT-2 with a Hyper Prompt Tuning prefix.
pub struct HptPolicy {
    vs: nn::VarStore,
    hpt: HyperPrompt,
    model: Rc<Gpt2>,
}

/// The baselines' policy: a frozen GPT-2 with LoRA adapters and plain prompt tuning.
pub struct LoraPromptPolicy {
    vs: nn::VarStore,
    lora: Lora,
    prompt: PromptTuning,
    model: Rc<Gpt2>,
}

impl Scorer for HptPolicy {
    fn scores(
        &self,
        inputs: &Tensor,
        _mask: &Tensor,
        _base: &Tensor,
        cond: Cond<'_>,
        _train: bool,
    ) -> Result<Tensor> {
        let prefix = match cond {
            Cond::Shared { w, beta: None } => self.prefix(w)?,
            Cond::PerList(w) => self
                .hpt
                .prefix(w)
                .map_err(|e| Error::config("condition", e.to_string()))?,
            _ => {
                return Err(Error::config(
                    "condition",
                    "an HPT policy takes w (shared or per prompt), no temperatures",
                ))
            }
        };
        sequence_scores(&self.model, inputs, Some(&prefix), None)
    }
    fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }
    fn conditioning(&self) -> Conditioning {
        Conditioning::Weights
    }
    fn prompt_prefix(&self, w: &[f64]) -> Option<Result<Tensor>> {
        Some(self.prefix(w))
    }
}

impl Scorer for LoraPromptPolicy {
    fn scores(
        &self,
        inputs: &Tensor,
        _mask: &Tensor,
        _base: &Tensor,
        cond: Cond<'_>,
        _train: bool,
    ) -> Result<Tensor> {
        if !matches!(cond, Cond::None) {
            return Err(Error::config(
                "condition",
                "a LoRA + prompt-tuning policy takes no condition",
            ));
        }
        let prefix = self.prompt.prefix(1);
        sequence_scores(&self.model, inputs, Some(&prefix), Some(&self.lora))
    }
    fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }
    fn conditioning(&self) -> Conditioning {
        Conditioning::None
    }
    fn prompt_prefix(&self, _w: &[f64]) -> Option<Result<Tensor>> {
        Some(Ok(self.prompt.prefix(1)))
    }
}

/// Builds [`HptPolicy`]s (for `Conditioning::Weights`) and [`LoraPromptPolicy`]s (for
/// `Conditioning::None`) on a shared frozen model. The paper: `k = 8` virtual tokens, HPT rank 4,
/// LoRA `r = 4`, `α = 8`.
#[derive(Debug, Clone)]
pub struct LlmFactory {
    /// The frozen model.
    pub model: Rc<Gpt2>,
    /// Objectives.
    pub m: usize,
    /// Virtual tokens `k`.
    pub tokens: usize,
    /// HPT mask rank `r`.
    pub rank: usize,
    /// Hidden size of the HPT MLPs.
    pub mlp_hidden: usize,
    /// LoRA rank.
    pub lora_rank: usize,
    /// LoRA `α`.
    pub lora_alpha: f64,
}

impl PolicyFactory for LlmFactory {
    fn create(&self, conditioning: Conditioning, seed: u64) -> Result<Box<dyn Scorer>> {
        tch::manual_seed(seed as i64);
        let vs = nn::VarStore::new(self.model.vs.device());
        let d = self.model.hidden();
        let e = |e: hyperdpo_hpt::Error| Error::config("policy", e.to_string());
        Ok(match conditioning {
            Conditioning::Weights => {
                let hpt = HyperPrompt::new(
                    &vs.root(),
                    HyperPromptConfig {
                        m: self.m,
                        tokens: self.tokens,
                        rank: self.rank,
                        mlp_hidden: self.mlp_hidden,
                        hidden: d,
                    },
                )
                .map_err(e)?;
                Box::new(HptPolicy {
                    vs,
                    hpt,
                    model: self.model.clone(),
                })
            }
            Conditioning::None => {
                let lora = Lora::new(
                    &(vs.root() / "lora"),
                    &self.model,
                    self.lora_rank,
                    self.lora_alpha,
                )
                .map_err(e)?;
                let prompt = PromptTuning::new(&(vs.root() / "prompt"), self.tokens, d);
                Box::new(LoraPromptPolicy {
                    vs,
                    lora,
                    prompt,
                    model: self.model.clone(),
                })
            }
            Conditioning::WeightsAndTemperature => {
                return Err(Error::config(
                    "temperature_conditioned",
                    "the language-model task supports Algorithm 1 only",
                ))
            }
        })
    }
}

impl HptPolicy {
    /// The HPT prefix at `w` (for generation), `[1, k, d]`.
    ///
    /// # Errors
    /// Wrong length of `w`.
    pub fn prefix(&self, w: &[f64]) -> Result<Tensor> {
        let t = Tensor::from_slice(&w.iter().map(|&x| x as f32).collect::<Vec<_>>());
        self.hpt
            .prefix(&t)
            .map_err(|e| Error::config("w", e.to_string()))
    }
}
