//! What the trainer needs from a task, and the learning-to-rank task.

use crate::config::{NetConfig, TrainConfig};
use crate::optim::{lr_at, Adam};
use crate::{Error, Result};
use hyperdpo_losses::{LabelNorm, ListNetDpo, Lists};
use hyperdpo_ltr::batch::Batcher;
use hyperdpo_ltr::model::{ListScorer, ScorerConfig, TransformerScorer};
use hyperdpo_ltr::ndcg::Ndcg;
use hyperdpo_ltr::task::MoftData;
use rand::SeedableRng;
use tch::{nn, Device, Kind, Tensor};

/// A training batch of padded lists, with everything the losses need.
#[derive(Debug)]
pub struct ListBatch {
    /// Policy inputs (LTR: features `[B, n, d]`; LLM: token data).
    pub inputs: Tensor,
    /// Real items `[B, n]`.
    pub mask: Tensor,
    /// Auxiliary labels `[B, m, n]`.
    pub labels: Tensor,
    /// Base-model scores `[B, n]` (constants).
    pub base: Tensor,
}

/// Which split to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Validation (early stopping).
    Validation,
    /// Test (reported numbers).
    Test,
}

/// A policy's quality at one condition: per-objective scores (higher is better) and the main
/// objective's score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// One value per auxiliary objective (LTR: NDCG@k).
    pub aux: Vec<f64>,
    /// Main-objective score (LTR: NDCG@k of the relevance label).
    pub main: f64,
}

/// A scoring function: `(inputs, mask, base scores) → scores [B, n]`.
pub type ScoreFn<'a> = dyn FnMut(&Tensor, &Tensor, &Tensor) -> Result<Tensor> + 'a;

/// What the task-agnostic trainer needs: batches with base scores and labels, and an evaluation
/// of any scoring function. The trainer never knows whether items are documents or responses.
pub trait Task {
    /// Number of auxiliary objectives.
    fn m(&self) -> usize;
    /// Names of the auxiliary objectives.
    fn names(&self) -> Vec<String>;
    /// The training batches of `epoch` (shuffled with `seed`).
    ///
    /// # Errors
    /// Task-specific.
    fn batches(&self, epoch: usize, seed: u64) -> Result<Vec<ListBatch>>;
    /// Evaluates `score` on a split.
    ///
    /// # Errors
    /// Task-specific or from `score`.
    fn evaluate(&self, split: Split, score: &mut ScoreFn<'_>) -> Result<Evaluation>;
    /// Device of the task's tensors.
    fn device(&self) -> Device;
    /// Whether the auxiliary scores are maximised (LTR: NDCG) or minimised (LLM: errors).
    fn sense(&self) -> hyperdpo_moo::Sense {
        hyperdpo_moo::Sense::Maximize
    }
    /// Reference point of the hypervolume (the paper: 0 for NDCG, 1.1 for cross-entropy errors).
    fn hv_reference(&self) -> Vec<f64> {
        vec![0.0; self.m()]
    }
}

/// The learning-to-rank task of section 4.1 on a [`MoftData`] split into train/validation/test,
/// with its base model `s_base` trained on the main objective (ListNet on the relevance label).
pub struct LtrTask {
    train: MoftData,
    valid: MoftData,
    test: MoftData,
    device: Device,
    batch_size: usize,
    max_list_len: Option<usize>,
    ndcg: Ndcg,
    base_vs: nn::VarStore,
    base: TransformerScorer,
    /// Seconds spent training the base model.
    pub base_seconds: f64,
    /// Trainable parameters of the base model.
    pub base_parameters: usize,
}

impl std::fmt::Debug for LtrTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LtrTask")
            .field("m", &self.train.m())
            .field("device", &self.device)
            .finish()
    }
}

impl LtrTask {
    /// Builds the task and trains the base model for `config.base_epochs` epochs.
    /// Features must already be normalised (see `hyperdpo_ltr::task::FeatureNorm`).
    ///
    /// # Errors
    /// Invalid config; empty splits; libtorch errors.
    pub fn new(
        train: MoftData,
        valid: MoftData,
        test: MoftData,
        config: &TrainConfig,
    ) -> Result<Self> {
        let m = train.m();
        config.validate(m)?;
        for (name, d) in [("train", &train), ("validation", &valid), ("test", &test)] {
            if d.num_queries() == 0 {
                return Err(Error::config(
                    "data",
                    format!("the {name} split has no queries"),
                ));
            }
        }
        let device = config.device()?;
        tch::manual_seed(config.seed as i64);
        let base_vs = nn::VarStore::new(device);
        let base = TransformerScorer::new(&base_vs.root(), net(train.dim, 0, &config.base, false))?;
        let mut task = LtrTask {
            device,
            batch_size: config.optim.batch_size,
            max_list_len: (config.optim.max_list_len > 0).then_some(config.optim.max_list_len),
            ndcg: hyperdpo_ltr::ndcg::Ndcg {
                k: config.eval.ndcg_k,
                zero_ideal: config.eval.zero_ideal,
                ..Ndcg::at(config.eval.ndcg_k)
            },
            base_parameters: hyperdpo_ltr::model::parameter_count(&base_vs),
            base_vs,
            base,
            base_seconds: 0.0,
            train,
            valid,
            test,
        };
        let t0 = std::time::Instant::now();
        task.train_base(config)?;
        task.base_seconds = t0.elapsed().as_secs_f64();
        Ok(task)
    }

    /// The training data.
    pub fn train_data(&self) -> &MoftData {
        &self.train
    }

    /// Input features per item.
    pub fn input_dim(&self) -> usize {
        self.train.dim
    }

    /// Base-model scores of a batch (no gradient).
    ///
    /// # Errors
    /// Scorer shape errors.
    pub fn base_scores(&self, features: &Tensor, mask: &Tensor) -> Result<Tensor> {
        Ok(tch::no_grad(|| {
            self.base.score(features, mask, None, false)
        })?)
    }

    fn train_base(&mut self, config: &TrainConfig) -> Result<()> {
        let loss = ListNetDpo::new(vec![1.0], vec![LabelNorm::Softmax])?;
        let mut opt = Adam::new(&self.base_vs, config.optim.weight_decay);
        let batcher = self.batcher(&self.train);
        for epoch in 0..config.base_epochs {
            tch::manual_seed((config.seed ^ 0xBA5E) as i64 + epoch as i64);
            let lr = lr_at(
                config.optim.schedule,
                config.optim.lr * 2.0,
                epoch,
                config.base_epochs,
            );
            let mut rng = rand::rngs::StdRng::seed_from_u64(config.seed ^ (epoch as u64) << 20);
            for qs in batcher.epoch(
                self.batch_size,
                true,
                config.seed.wrapping_add(epoch as u64),
            ) {
                let b = batcher.batch(&qs, Some(&mut rng))?;
                let s = self.base.score(&b.features, &b.mask, None, true)?;
                let zeros = Tensor::zeros_like(&s);
                let main = b.main.unsqueeze(1);
                let l = loss
                    .loss(Lists {
                        policy: &s,
                        base: &zeros,
                        labels: &main,
                        mask: &b.mask,
                    })?
                    .sum(Kind::Float);
                let v = l.double_value(&[]);
                if !v.is_finite() {
                    return Err(Error::NonFinite {
                        step: opt.step as usize,
                        epoch,
                        objective: 0,
                        value: v,
                    });
                }
                opt.zero_grad();
                l.backward();
                opt.clip_grad_norm(config.optim.clip_norm);
                opt.step(lr);
            }
        }
        Ok(())
    }

    fn batcher<'a>(&self, data: &'a MoftData) -> Batcher<'a> {
        let mut b = Batcher::new(data, self.device);
        b.max_len = self.max_list_len;
        b
    }

    /// NDCG of the base model on a split: `(aux per objective, main)`.
    ///
    /// # Errors
    /// Scorer errors.
    pub fn evaluate_base(&self, split: Split) -> Result<Evaluation> {
        self.evaluate(split, &mut |_x, _m, base| Ok(base.shallow_clone()))
    }
}

pub(crate) fn net(
    input_dim: usize,
    cond_dim: usize,
    c: &NetConfig,
    zero_head: bool,
) -> ScorerConfig {
    ScorerConfig {
        input_dim,
        cond_dim,
        hidden: c.hidden,
        layers: c.layers,
        heads: c.heads,
        ff_mult: 2,
        dropout: c.dropout,
        zero_init_head: zero_head,
    }
}

impl Task for LtrTask {
    fn m(&self) -> usize {
        self.train.m()
    }

    fn names(&self) -> Vec<String> {
        self.train.names.clone()
    }

    fn device(&self) -> Device {
        self.device
    }

    fn batches(&self, epoch: usize, seed: u64) -> Result<Vec<ListBatch>> {
        let batcher = self.batcher(&self.train);
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ ((epoch as u64) << 32));
        batcher
            .epoch(self.batch_size, true, seed.wrapping_add(epoch as u64))
            .into_iter()
            .map(|qs| {
                let b = batcher.batch(&qs, Some(&mut rng))?;
                let base = self.base_scores(&b.features, &b.mask)?;
                Ok(ListBatch {
                    inputs: b.features,
                    mask: b.mask,
                    labels: b.labels,
                    base,
                })
            })
            .collect()
    }

    fn evaluate(&self, split: Split, score: &mut ScoreFn<'_>) -> Result<Evaluation> {
        let data = match split {
            Split::Validation => &self.valid,
            Split::Test => &self.test,
        };
        let m = data.m();
        let batcher = Batcher::new(data, self.device);
        let mut per_obj: Vec<Vec<(Vec<f64>, Vec<f64>)>> = vec![Vec::new(); m + 1];
        let queries: Vec<usize> = (0..data.num_queries()).collect();
        for qs in queries.chunks(256) {
            let b = batcher.batch(qs, None)?;
            let base = self.base_scores(&b.features, &b.mask)?;
            let s = tch::no_grad(|| score(&b.features, &b.mask, &base))?;
            let s = s.to_kind(Kind::Double).to_device(Device::Cpu);
            for (i, &q) in qs.iter().enumerate() {
                let r = data.query(q);
                let n = r.len() as i64;
                let sc: Vec<f64> = Vec::try_from(s.get(i as i64).narrow(0, 0, n))?;
                per_obj[m].push((
                    sc.clone(),
                    r.clone().map(|d| f64::from(data.main[d])).collect(),
                ));
                for (j, list) in per_obj.iter_mut().take(m).enumerate() {
                    list.push((
                        sc.clone(),
                        r.clone()
                            .map(|d| f64::from(data.objectives[d * m + j]))
                            .collect(),
                    ));
                }
            }
        }
        let mean = |lists: &Vec<(Vec<f64>, Vec<f64>)>| {
            self.ndcg
                .mean(lists.iter().map(|(s, l)| (&s[..], &l[..])))
                .mean
        };
        Ok(Evaluation {
            aux: per_obj[..m].iter().map(mean).collect(),
            main: mean(&per_obj[m]),
        })
    }
}
