//! The task-agnostic training loop: Algorithm 1 (ICOS), Algorithm 2 (TCOS), weighted-sum DPO and
//! MO-DPO, with early stopping on validation hypervolume, checkpoints and NaN detection.

use crate::config::TrainConfig;
use crate::optim::{lr_at, Adam};
use crate::policy::{Cond, Scorer};
use crate::task::{ListBatch, Split, Task};
use crate::{Error, Result};
use hyperdpo_losses::{icos, ListNetDpo, Lists, MarginScale, MoDpo, Weights};
use hyperdpo_moo::hypervolume;
use hyperdpo_moo::simplex::{evaluation_weights, DirichletSampler};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tch::{Kind, Tensor};

/// What a training job optimises.
pub enum Objective<'a> {
    /// Algorithm 1 (or Algorithm 2 when the config says `temperature_conditioned`): a fresh
    /// `w ~ Dir(α)` (and `β ~ Unif`) every step, ICOS loss (eq. 14).
    Icos,
    /// `wᵀL` for one fixed `w` (DPO-LS; a unit vector gives single-objective DPO).
    Weighted(Vec<f64>),
    /// MO-DPO (eq. 22) for one `w`, with the single-objective models as margins.
    MoDpo {
        /// The weight vector.
        w: Vec<f64>,
        /// Single-objective policies `s_{e_l}` (`None` where not needed).
        margins: Vec<Option<&'a dyn Scorer>>,
    },
}

/// Where and whether to keep checkpoints.
#[derive(Debug, Clone)]
pub struct Checkpointing {
    /// Directory of the checkpoint files.
    pub dir: PathBuf,
    /// Continue from an existing checkpoint of the same job and config.
    pub resume: bool,
}

/// What a training job did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainReport {
    /// Epochs completed (including resumed ones).
    pub epochs: usize,
    /// Optimiser steps.
    pub steps: usize,
    /// Wall-clock seconds of this call (not of resumed epochs).
    pub seconds: f64,
    /// Mean training loss per epoch.
    pub epoch_losses: Vec<f64>,
    /// Best validation hypervolume (ICOS jobs with early stopping).
    pub best_validation_hv: Option<f64>,
}

/// Trains `policy` on `task` for `epochs` epochs. `label` names the job (checkpoint files,
/// progress bar) and seeds its random choices together with `config.seed`.
///
/// Randomness is re-seeded at every epoch from `(seed, label, epoch)`, so a run resumed from an
/// epoch checkpoint continues exactly as an uninterrupted one on CPU.
///
/// # Errors
/// [`Error::NonFinite`] naming step, epoch and objective when the loss becomes NaN/inf (the last
/// checkpoint, written at the end of the previous epoch, is kept); loss, task and I/O errors.
pub fn train(
    task: &dyn Task,
    policy: &dyn Scorer,
    objective: &Objective<'_>,
    config: &TrainConfig,
    epochs: usize,
    label: &str,
    checkpoint: Option<&Checkpointing>,
) -> Result<TrainReport> {
    let m = task.m();
    config.validate(m)?;
    let beta = config.beta.resolve(m, "beta")?;
    let norms = config.norms.resolve(m, "norms")?;
    let alpha = config.icos.alpha.resolve(m, "icos.alpha")?;
    let listnet = ListNetDpo::new(beta.clone(), norms.clone())?;
    let mut opt = Adam::new(policy.var_store(), config.optim.weight_decay);
    let job_seed = config.seed ^ fnv(label);
    let mut report = TrainReport {
        epochs: 0,
        steps: 0,
        seconds: 0.0,
        epoch_losses: Vec::new(),
        best_validation_hv: None,
    };
    let early = matches!(objective, Objective::Icos) && config.patience > 0;
    let mut best: Option<(f64, HashMap<String, Tensor>)> = None;
    let mut since_best = 0;
    let mut start_epoch = 0;
    if let Some(ck) = checkpoint {
        if ck.resume {
            if let Some(state) = load_checkpoint(&ck.dir, label, config, policy, &mut opt)? {
                start_epoch = state.epochs;
                report = state;
            }
        }
    }
    let t0 = std::time::Instant::now();
    let bar = progress(config.progress, epochs, label);
    for epoch in start_epoch..epochs {
        tch::manual_seed((job_seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9)) as i64);
        let mut rng = StdRng::seed_from_u64(job_seed.wrapping_add(epoch as u64));
        let mut sampler = DirichletSampler::new(&alpha, job_seed ^ ((epoch as u64) << 24))?;
        let lr = lr_at(config.optim.schedule, config.optim.lr, epoch, epochs);
        let batches = task.batches(epoch, job_seed)?;
        let (mut sum, mut count) = (0.0, 0usize);
        for batch in &batches {
            let loss = step_loss(
                task,
                policy,
                objective,
                config,
                &listnet,
                &beta,
                &mut sampler,
                &mut rng,
                batch,
                report.steps,
                epoch,
            )?;
            opt.zero_grad();
            loss.backward();
            opt.clip_grad_norm(config.optim.clip_norm);
            opt.step(lr);
            sum += loss.double_value(&[]);
            count += 1;
            report.steps += 1;
        }
        report.epoch_losses.push(sum / count.max(1) as f64);
        report.epochs = epoch + 1;
        if early {
            let hv = validation_hv(task, policy, config)?;
            if best.as_ref().is_none_or(|(b, _)| hv > *b) {
                best = Some((hv, snapshot(policy)));
                since_best = 0;
            } else {
                since_best += 1;
            }
            report.best_validation_hv = best.as_ref().map(|b| b.0);
        }
        if let Some(ck) = checkpoint {
            save_checkpoint(&ck.dir, label, config, policy, &opt, &report)?;
        }
        if let Some(b) = &bar {
            b.set_message(format!(
                "loss {:.4}",
                report.epoch_losses.last().copied().unwrap_or(0.0)
            ));
            b.inc(1);
        }
        if early && since_best >= config.patience {
            break;
        }
    }
    if let Some((_, vars)) = best {
        restore(policy, &vars);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    report.seconds = t0.elapsed().as_secs_f64();
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn step_loss(
    task: &dyn Task,
    policy: &dyn Scorer,
    objective: &Objective<'_>,
    config: &TrainConfig,
    listnet: &ListNetDpo,
    beta: &[f64],
    sampler: &mut DirichletSampler,
    rng: &mut StdRng,
    b: &ListBatch,
    step: usize,
    epoch: usize,
) -> Result<Tensor> {
    let m = task.m();
    let (loss, losses) = match objective {
        Objective::Icos => {
            let tcos = config.temperature_conditioned;
            let beta_step: Vec<f64> = if tcos {
                (0..m)
                    .map(|_| rng.random_range(config.tcos.beta_low..=config.tcos.beta_high))
                    .collect()
            } else {
                beta.to_vec()
            };
            let per_list = config.icos.per_list_weights && !tcos;
            let w = sampler.sample();
            let w_lists = per_list.then(|| {
                let bsz = b.mask.size()[0] as usize;
                let rows: Vec<f32> = (0..bsz)
                    .flat_map(|_| sampler.sample())
                    .map(|v| v as f32)
                    .collect();
                Tensor::from_slice(&rows)
                    .view([bsz as i64, m as i64])
                    .to_device(b.mask.device())
            });
            let cond = match &w_lists {
                Some(t) => Cond::PerList(t),
                None => Cond::Shared {
                    w: &w,
                    beta: tcos.then_some(&beta_step[..]),
                },
            };
            let s = policy.scores(&b.inputs, &b.mask, &b.base, cond, true)?;
            let ln = if tcos {
                listnet.with_beta(beta_step.clone())?
            } else {
                listnet.clone()
            };
            let parts = ln.parts(Lists {
                policy: &s,
                base: &b.base,
                labels: &b.labels,
                mask: &b.mask,
            })?;
            let weights = match &w_lists {
                Some(t) => Weights::PerList(t),
                None => Weights::Shared(&w),
            };
            let out = icos(&parts, weights, config.icos.lambda, config.icos.penalty)?;
            (out.total, out.losses)
        }
        Objective::Weighted(w) => {
            let s = policy.scores(&b.inputs, &b.mask, &b.base, Cond::None, true)?;
            let parts = listnet.parts(Lists {
                policy: &s,
                base: &b.base,
                labels: &b.labels,
                mask: &b.mask,
            })?;
            let out = icos(&parts, Weights::Shared(w), 0.0, config.icos.penalty)?;
            (out.total, out.losses)
        }
        Objective::MoDpo { w, margins } => {
            let s = policy.scores(&b.inputs, &b.mask, &b.base, Cond::None, true)?;
            let margin_scores: Vec<Option<Tensor>> = margins
                .iter()
                .map(|p| {
                    p.map(|p| {
                        tch::no_grad(|| p.scores(&b.inputs, &b.mask, &b.base, Cond::None, false))
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?;
            let slots: Vec<Option<&Tensor>> = margin_scores.iter().map(Option::as_ref).collect();
            let mo = MoDpo {
                beta: beta.to_vec(),
                norms: listnet.norms().to_vec(),
                scale: MarginScale::One,
            };
            let l = mo
                .parts(
                    Lists {
                        policy: &s,
                        base: &b.base,
                        labels: &b.labels,
                        mask: &b.mask,
                    },
                    w,
                    None,
                    &slots,
                )?
                .mean();
            (l.sum(Kind::Float), l)
        }
    };
    // NaN/inf detection: name the objective (m = the total).
    let vals: Vec<f64> = Vec::try_from(
        Tensor::cat(
            &[
                losses.to_kind(Kind::Double).view([-1]),
                loss.to_kind(Kind::Double).view([1]),
            ],
            0,
        )
        .to_device(tch::Device::Cpu),
    )?;
    if let Some((j, &v)) = vals.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite {
            step,
            epoch,
            objective: j.min(m),
            value: v,
        });
    }
    Ok(loss)
}

/// Hypervolume (maximisation, reference 0) of the policy's front over the `K` evaluation weights
/// on the validation split.
fn validation_hv(task: &dyn Task, policy: &dyn Scorer, config: &TrainConfig) -> Result<f64> {
    let m = task.m();
    let beta = config.beta.resolve(m, "beta")?;
    let mut front = Vec::new();
    for w in evaluation_weights(m, config.eval.weights, config.seed)? {
        let cond_beta = config.temperature_conditioned.then_some(&beta[..]);
        let e = task.evaluate(Split::Validation, &mut |x, mask, base| {
            policy.scores(
                x,
                mask,
                base,
                Cond::Shared {
                    w: &w,
                    beta: cond_beta,
                },
                false,
            )
        })?;
        front.push(e.aux);
    }
    Ok(hypervolume(&front[..], &task.hv_reference(), task.sense())?)
}

fn snapshot(policy: &dyn Scorer) -> HashMap<String, Tensor> {
    policy
        .var_store()
        .variables()
        .into_iter()
        .map(|(k, v)| (k, v.detach().copy()))
        .collect()
}

fn restore(policy: &dyn Scorer, vars: &HashMap<String, Tensor>) {
    tch::no_grad(|| {
        for (k, mut v) in policy.var_store().variables() {
            if let Some(src) = vars.get(&k) {
                v.copy_(src);
            }
        }
    });
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn progress(enabled: bool, epochs: usize, label: &str) -> Option<indicatif::ProgressBar> {
    enabled.then(|| {
        let b = indicatif::ProgressBar::new(epochs as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>14} [{bar:30}] {pos}/{len} epochs {per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_prefix(label.to_string());
        b
    })
}

fn paths(dir: &Path, label: &str) -> (PathBuf, PathBuf) {
    (
        dir.join(format!("{label}.safetensors")),
        dir.join(format!("{label}.json")),
    )
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CheckpointMeta {
    config: TrainConfig,
    report: TrainReport,
}

fn save_checkpoint(
    dir: &Path,
    label: &str,
    config: &TrainConfig,
    policy: &dyn Scorer,
    opt: &Adam,
    report: &TrainReport,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (tensors, meta) = paths(dir, label);
    let mut named: Vec<(String, Tensor)> = policy
        .var_store()
        .variables()
        .into_iter()
        .map(|(k, v)| (format!("var.{k}"), v))
        .collect();
    named.extend(opt.state());
    let tmp = dir.join(format!(".{label}.tmp.{}.safetensors", std::process::id()));
    Tensor::write_safetensors(&named, &tmp)?;
    std::fs::rename(&tmp, &tensors).map_err(|e| Error::io(&tensors, e))?;
    let json = serde_json::to_string_pretty(&CheckpointMeta {
        config: config.clone(),
        report: report.clone(),
    })
    .unwrap_or_default();
    crate::report::write_atomically(&meta, json.as_bytes())
}

fn load_checkpoint(
    dir: &Path,
    label: &str,
    config: &TrainConfig,
    policy: &dyn Scorer,
    opt: &mut Adam,
) -> Result<Option<TrainReport>> {
    let (tensors, meta) = paths(dir, label);
    if !tensors.exists() || !meta.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&meta).map_err(|e| Error::io(&meta, e))?;
    let bad = |reason: String| Error::Checkpoint {
        file: meta.display().to_string(),
        reason,
    };
    let m: CheckpointMeta = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if &m.config != config {
        return Err(bad(
            "it was written with another config; remove it or use the same config".into(),
        ));
    }
    let saved: HashMap<String, Tensor> = Tensor::read_safetensors(&tensors)?.into_iter().collect();
    let vars = policy.var_store().variables();
    for (k, v) in &vars {
        match saved.get(&format!("var.{k}")) {
            Some(t) if t.size() == v.size() => {}
            _ => return Err(bad(format!("variable {k} is missing or has another shape"))),
        }
    }
    tch::no_grad(|| {
        for (k, mut v) in vars {
            v.copy_(&saved[&format!("var.{k}")]);
        }
    });
    if !opt.load_state(&saved) {
        return Err(bad("optimiser state does not match the model".into()));
    }
    Ok(Some(m.report))
}
