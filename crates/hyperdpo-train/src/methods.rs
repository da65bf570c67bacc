//! HyperDPO and the three baselines of Appendix B.1, each producing a front at the shared
//! evaluation weights, with its hypervolume, main-objective score, training time and size.

use crate::config::TrainConfig;
use crate::policy::{Cond, Conditioning, PolicyFactory, Scorer};
use crate::task::{Evaluation, Split, Task};
use crate::trainer::{train, Checkpointing, Objective, TrainReport};
use crate::{Error, Result};
use hyperdpo_moo::hypervolume;
use hyperdpo_moo::simplex::{evaluation_weights, unit_vectors};
use tch::Tensor;

/// One method's result (one row of the paper's Table 1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MethodResult {
    /// Method name.
    pub method: String,
    /// The evaluation weights (`K × m`).
    pub weights: Vec<Vec<f64>>,
    /// Test NDCG of each auxiliary objective at each weight (`K × m`): the front.
    pub front: Vec<Vec<f64>>,
    /// Test NDCG of the main objective at each weight.
    pub main: Vec<f64>,
    /// Hypervolume of the front (maximisation, reference 0).
    pub hv: f64,
    /// Mean of `main`.
    pub main_mean: f64,
    /// Standard deviation of `main` (population).
    pub main_std: f64,
    /// Wall-clock seconds of all training jobs the method needs.
    pub seconds: f64,
    /// Trainable parameters of all models the method trains.
    pub parameters: usize,
    /// Models trained.
    pub models: usize,
    /// Training reports of the jobs.
    pub jobs: Vec<TrainReport>,
}

impl MethodResult {
    fn new(
        task: &dyn Task,
        method: &str,
        weights: Vec<Vec<f64>>,
        evals: Vec<Evaluation>,
        jobs: Vec<TrainReport>,
        parameters: usize,
    ) -> Result<Self> {
        let front: Vec<Vec<f64>> = evals.iter().map(|e| e.aux.clone()).collect();
        let main: Vec<f64> = evals.iter().map(|e| e.main).collect();
        let k = main.len().max(1) as f64;
        let main_mean = main.iter().sum::<f64>() / k;
        let main_std = (main.iter().map(|v| (v - main_mean).powi(2)).sum::<f64>() / k).sqrt();
        Ok(MethodResult {
            method: method.into(),
            hv: hypervolume(&front[..], &task.hv_reference(), task.sense())?,
            weights,
            front,
            main,
            main_mean,
            main_std,
            seconds: jobs.iter().map(|j| j.seconds).sum(),
            models: jobs.len(),
            parameters,
            jobs,
        })
    }
}

fn eval_weights(task: &dyn Task, config: &TrainConfig) -> Result<Vec<Vec<f64>>> {
    Ok(evaluation_weights(
        task.m(),
        config.eval.weights,
        config.seed,
    )?)
}

/// Evaluates a policy at `w` (and `β` for temperature-conditioned policies) on a split.
///
/// # Errors
/// Task or policy errors.
pub fn evaluate_at(
    task: &dyn Task,
    policy: &dyn Scorer,
    w: &[f64],
    beta: Option<&[f64]>,
    split: Split,
) -> Result<Evaluation> {
    let cond = match policy.conditioning() {
        Conditioning::None => Cond::None,
        _ => Cond::Shared { w, beta },
    };
    task.evaluate(split, &mut |x, mask, base| {
        policy.scores(x, mask, base, cond, false)
    })
}

/// The trained one-shot model with its training temperatures, answering any `w` and — through
/// eq. 15 (Algorithm 1) or directly (Algorithm 2) — other temperatures.
pub struct HyperModel {
    /// The policy.
    pub policy: Box<dyn Scorer>,
    /// Temperatures it was trained at (Algorithm 1).
    pub beta: Vec<f64>,
}

impl std::fmt::Debug for HyperModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperModel")
            .field("beta", &self.beta)
            .field("conditioning", &self.policy.conditioning())
            .finish()
    }
}

impl HyperModel {
    /// Scores at `(w, β)`. A temperature-conditioned policy takes any `β > 0`; an
    /// importance-conditioned one takes `β = c·β_train` (eq. 15, Proposition 3.1) for a scalar
    /// `c > 0`.
    ///
    /// # Errors
    /// [`Error::Config`] for a `β` that is not a multiple of the training temperatures of an
    /// Algorithm 1 model; policy errors.
    pub fn scores(
        &self,
        inputs: &Tensor,
        mask: &Tensor,
        base: &Tensor,
        w: &[f64],
        beta: &[f64],
    ) -> Result<Tensor> {
        match self.policy.conditioning() {
            Conditioning::WeightsAndTemperature => self.policy.scores(
                inputs,
                mask,
                base,
                Cond::Shared {
                    w,
                    beta: Some(beta),
                },
                false,
            ),
            _ => {
                let c = self.scale_of(beta)?;
                let s = self.policy.scores(
                    inputs,
                    mask,
                    base,
                    Cond::Shared { w, beta: None },
                    false,
                )?;
                Ok(hyperdpo_losses::rescale_temperature(&s, base, c)?)
            }
        }
    }

    /// `c` with `β = c·β_train`.
    fn scale_of(&self, beta: &[f64]) -> Result<f64> {
        if beta.len() != self.beta.len() {
            return Err(Error::config(
                "beta",
                format!(
                    "{} temperatures for {} objectives",
                    beta.len(),
                    self.beta.len()
                ),
            ));
        }
        let c = beta[0] / self.beta[0];
        if !(c.is_finite() && c > 0.0)
            || beta
                .iter()
                .zip(&self.beta)
                .any(|(b, t)| (b / t - c).abs() > 1e-9 * c)
        {
            return Err(Error::config(
                "beta",
                format!("{beta:?} is not c·{:?}: an Algorithm 1 model answers proportional temperatures only (eq. 15); train with temperature_conditioned = true for others", self.beta),
            ));
        }
        Ok(c)
    }

    /// The test front at the evaluation weights for temperatures `β`.
    ///
    /// # Errors
    /// As [`HyperModel::scores`].
    pub fn front(
        &self,
        task: &dyn Task,
        weights: &[Vec<f64>],
        beta: &[f64],
    ) -> Result<Vec<Evaluation>> {
        weights
            .iter()
            .map(|w| {
                task.evaluate(Split::Test, &mut |x, mask, base| {
                    self.scores(x, mask, base, w, beta)
                })
            })
            .collect()
    }
}

/// HyperDPO: one conditioned model trained with Algorithm 1 (or 2), evaluated at every weight.
///
/// # Errors
/// Training or evaluation errors.
pub fn hyperdpo(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
    checkpoint: Option<&Checkpointing>,
) -> Result<(MethodResult, HyperModel)> {
    let m = task.m();
    let conditioning = if config.temperature_conditioned {
        Conditioning::WeightsAndTemperature
    } else {
        Conditioning::Weights
    };
    let policy = factory.create(conditioning, config.seed ^ 0x4859)?;
    let job = train(
        task,
        policy.as_ref(),
        &Objective::Icos,
        config,
        config.epochs,
        "hyperdpo",
        checkpoint,
    )?;
    let beta = config.beta.resolve(m, "beta")?;
    let weights = eval_weights(task, config)?;
    let tb = config.temperature_conditioned.then_some(&beta[..]);
    let evals = weights
        .iter()
        .map(|w| evaluate_at(task, policy.as_ref(), w, tb, Split::Test))
        .collect::<Result<Vec<_>>>()?;
    let name = if config.temperature_conditioned {
        "HyperDPO (TCOS)"
    } else {
        "HyperDPO"
    };
    let result = MethodResult::new(task, name, weights, evals, vec![job], policy.parameters())?;
    Ok((result, HyperModel { policy, beta }))
}

/// DPO-LS: one weighted-sum model per evaluation weight.
///
/// # Errors
/// Training or evaluation errors.
pub fn dpo_ls(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
) -> Result<MethodResult> {
    let weights = eval_weights(task, config)?;
    let (evals, jobs, params) =
        one_model_per_weight(task, factory, config, &weights, "dpo-ls", 0x1500, |w| {
            Objective::Weighted(w.to_vec())
        })?;
    MethodResult::new(task, "DPO-LS", weights, evals, jobs, params)
}

/// Trains one unconditioned model per weight with the objective `objective(w)` and evaluates
/// it at `w` on the test split: the shared loop of DPO-LS and MO-DPO. Returns the evaluations,
/// the jobs and the total parameters.
fn one_model_per_weight<'a>(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
    weights: &[Vec<f64>],
    label: &str,
    seed_base: u64,
    objective: impl Fn(&[f64]) -> Objective<'a>,
) -> Result<(Vec<Evaluation>, Vec<TrainReport>, usize)> {
    let (mut evals, mut jobs, mut params) = (Vec::new(), Vec::new(), 0);
    for (i, w) in weights.iter().enumerate() {
        let p = factory.create(Conditioning::None, config.seed ^ (seed_base + i as u64))?;
        let job = train(
            task,
            p.as_ref(),
            &objective(w),
            config,
            config.baseline_epochs,
            &format!("{label}-{i}"),
            None,
        )?;
        jobs.push(job);
        evals.push(evaluate_at(task, p.as_ref(), w, None, Split::Test)?);
        params += p.parameters();
    }
    Ok((evals, jobs, params))
}

/// Trained models and the reports of their training jobs.
pub type TrainedModels = (Vec<Box<dyn Scorer>>, Vec<TrainReport>);

/// The `m` single-objective DPO models shared by DPO Soup and MO-DPO, with their jobs.
///
/// # Errors
/// Training errors.
pub fn single_objective_models(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
) -> Result<TrainedModels> {
    let mut models = Vec::new();
    let mut jobs = Vec::new();
    for (j, e) in unit_vectors(task.m()).into_iter().enumerate() {
        let p = factory.create(Conditioning::None, config.seed ^ (0x5000 + j as u64))?;
        jobs.push(train(
            task,
            p.as_ref(),
            &Objective::Weighted(e),
            config,
            config.baseline_epochs,
            &format!("single-{j}"),
            None,
        )?);
        models.push(p);
    }
    Ok((models, jobs))
}

/// Parameter averaging `θ_w = Σ_j w_j θ_j` into `target` (same architecture). Exact: every
/// variable of `target` becomes the weighted sum of the members' variables.
///
/// # Errors
/// [`Error::Config`] when the members and `target` differ in variables or shapes.
pub fn average_parameters(members: &[&dyn Scorer], w: &[f64], target: &dyn Scorer) -> Result<()> {
    if members.len() != w.len() || members.is_empty() {
        return Err(Error::config(
            "soup",
            format!("{} models for {} weights", members.len(), w.len()),
        ));
    }
    let member_vars: Vec<_> = members.iter().map(|p| p.var_store().variables()).collect();
    tch::no_grad(|| {
        for (name, mut var) in target.var_store().variables() {
            let mut acc = Tensor::zeros_like(&var);
            for (vars, &wj) in member_vars.iter().zip(w) {
                let Some(v) = vars.get(&name).filter(|v| v.size() == var.size()) else {
                    return Err(Error::config(
                        "soup",
                        format!("variable {name} differs between the models"),
                    ));
                };
                acc += v * wj;
            }
            var.copy_(&acc);
        }
        Ok(())
    })
}

/// DPO Soup: `m` single-objective models, parameters averaged with `w` at each weight.
///
/// # Errors
/// Training or evaluation errors.
pub fn soup(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
    singles: &[Box<dyn Scorer>],
    single_jobs: &[TrainReport],
) -> Result<MethodResult> {
    let weights = eval_weights(task, config)?;
    let soup = factory.create(Conditioning::None, config.seed)?;
    let members: Vec<&dyn Scorer> = singles.iter().map(|p| p.as_ref()).collect();
    let mut evals = Vec::new();
    for w in &weights {
        average_parameters(&members, w, soup.as_ref())?;
        evals.push(evaluate_at(task, soup.as_ref(), w, None, Split::Test)?);
    }
    let params = singles.iter().map(|p| p.parameters()).sum();
    MethodResult::new(
        task,
        "DPO Soup",
        weights,
        evals,
        single_jobs.to_vec(),
        params,
    )
}

/// MO-DPO: the `m` single-objective models, then one model per evaluation weight trained with
/// the eq. 22 loss (anchor = argmax w, `c_l = 1`).
///
/// # Errors
/// Training or evaluation errors.
pub fn mo_dpo(
    task: &dyn Task,
    factory: &dyn PolicyFactory,
    config: &TrainConfig,
    singles: &[Box<dyn Scorer>],
    single_jobs: &[TrainReport],
) -> Result<MethodResult> {
    let weights = eval_weights(task, config)?;
    let margins =
        || -> Vec<Option<&dyn Scorer>> { singles.iter().map(|p| Some(p.as_ref())).collect() };
    let (evals, jobs, params) =
        one_model_per_weight(task, factory, config, &weights, "mo-dpo", 0x3D00, |w| {
            Objective::MoDpo {
                w: w.to_vec(),
                margins: margins(),
            }
        })?;
    let jobs = single_jobs.iter().cloned().chain(jobs).collect();
    let params = params + singles.iter().map(|p| p.parameters()).sum::<usize>();
    MethodResult::new(task, "MO-DPO", weights, evals, jobs, params)
}
