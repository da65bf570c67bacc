//! Run configuration: every hyperparameter and seed, from TOML or JSON files.

use crate::{Error, Result};
use hyperdpo_losses::{LabelNorm, Penalty};
use hyperdpo_ltr::ndcg::ZeroIdeal;
use std::path::Path;

/// A value given once for all objectives or once per objective.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum PerObjective<T> {
    /// The same value for every objective.
    All(T),
    /// One value per objective.
    Each(Vec<T>),
}

impl<T: Clone> PerObjective<T> {
    /// The values for `m` objectives.
    ///
    /// ```
    /// use hyperdpo_train::config::PerObjective;
    /// assert_eq!(PerObjective::All(0.5).resolve(3, "alpha").unwrap(), vec![0.5; 3]);
    /// assert!(PerObjective::Each(vec![1.0]).resolve(2, "alpha").is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] naming `field` when a per-objective list has the wrong length.
    pub fn resolve(&self, m: usize, field: &str) -> Result<Vec<T>> {
        match self {
            PerObjective::All(v) => Ok(vec![v.clone(); m]),
            PerObjective::Each(v) if v.len() == m => Ok(v.clone()),
            PerObjective::Each(v) => Err(Error::config(
                field,
                format!("{} values given for {m} objectives", v.len()),
            )),
        }
    }
}

/// How the conditioned model is parametrised (Appendix B.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parametrization {
    /// A separate network `s_θ(·, w)` (the paper's main experiments).
    Scratch,
    /// `s_base + Δs_θ(·, w)` with the base frozen and `Δs_θ` starting at 0.
    Augmented,
}

/// Learning-rate schedule.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Schedule {
    /// Constant learning rate.
    Constant,
    /// Cosine decay to 0 over the run.
    Cosine,
    /// Multiply by `gamma` every `every` epochs.
    Step {
        /// Epochs between decays.
        every: usize,
        /// Factor.
        gamma: f64,
    },
}

/// Algorithm 1 settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IcosConfig {
    /// Dirichlet concentration `α` (scalar or per objective).
    pub alpha: PerObjective<f64>,
    /// Penalty coefficient `λ`.
    pub lambda: f64,
    /// Sign reading of eq. 13.
    pub penalty: Penalty,
    /// Sample one `w` per list instead of one per step.
    pub per_list_weights: bool,
}

impl Default for IcosConfig {
    fn default() -> Self {
        IcosConfig {
            alpha: PerObjective::All(1.0),
            lambda: 0.05,
            penalty: Penalty::AsWritten,
            per_list_weights: false,
        }
    }
}

/// Algorithm 2 settings: `β ~ Unif([low, high]^m)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TcosConfig {
    /// Lower bound of the box.
    pub beta_low: f64,
    /// Upper bound of the box.
    pub beta_high: f64,
}

impl Default for TcosConfig {
    fn default() -> Self {
        TcosConfig {
            beta_low: 0.67,
            beta_high: 1.5,
        }
    }
}

/// Optimisation settings shared by every training job.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimConfig {
    /// Adam learning rate.
    pub lr: f64,
    /// Decoupled weight decay (AdamW).
    pub weight_decay: f64,
    /// Global gradient-norm clip (0 = off).
    pub clip_norm: f64,
    /// Lists per batch.
    pub batch_size: usize,
    /// Longest list in a training batch (longer lists are subsampled); 0 = no cap.
    pub max_list_len: usize,
    /// Learning-rate schedule.
    pub schedule: Schedule,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            lr: 1e-3,
            weight_decay: 0.0,
            clip_norm: 1.0,
            batch_size: 32,
            max_list_len: 0,
            schedule: Schedule::Cosine,
        }
    }
}

/// Sizes of a scorer network.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetConfig {
    /// Hidden size.
    pub hidden: usize,
    /// Transformer layers.
    pub layers: usize,
    /// Attention heads.
    pub heads: usize,
    /// Dropout.
    pub dropout: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            hidden: 64,
            layers: 2,
            heads: 4,
            dropout: 0.1,
        }
    }
}

/// Evaluation settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// Number of evaluation weights `K` (the paper: 11).
    pub weights: usize,
    /// NDCG cutoff (the paper: 10).
    pub ndcg_k: usize,
    /// Lists whose ideal DCG is 0 (e.g. no clicks): how they count in the NDCG means.
    pub zero_ideal: ZeroIdeal,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            weights: 11,
            ndcg_k: 10,
            zero_ideal: ZeroIdeal::Exclude,
        }
    }
}

/// Everything a run needs; `Default` is a small CPU budget that a test can afford.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Seed of every random choice (weights, batches, initialisation, dropout).
    pub seed: u64,
    /// `"cpu"`, `"cuda"`, `"cuda:N"` or `"auto"` (CUDA when available).
    pub device: String,
    /// Temperatures `β` (scalar or per objective).
    pub beta: PerObjective<f64>,
    /// Label normalisation per auxiliary objective.
    pub norms: PerObjective<LabelNorm>,
    /// Algorithm 1.
    pub icos: IcosConfig,
    /// Algorithm 2 (used when [`TrainConfig::temperature_conditioned`]).
    pub tcos: TcosConfig,
    /// Train a temperature-conditioned model (Algorithm 2) instead of Algorithm 1.
    pub temperature_conditioned: bool,
    /// Parametrisation of the conditioned model.
    pub parametrization: Parametrization,
    /// Optimiser.
    pub optim: OptimConfig,
    /// The conditioned (HyperDPO) network.
    pub model: NetConfig,
    /// The base network (trained on the main objective).
    pub base: NetConfig,
    /// Epochs of the base model.
    pub base_epochs: usize,
    /// Epochs of the HyperDPO model.
    pub epochs: usize,
    /// Epochs of each baseline model (DPO-LS, Soup, MO-DPO).
    pub baseline_epochs: usize,
    /// Early stopping: epochs without validation-HV improvement before stopping (0 = off).
    pub patience: usize,
    /// Evaluation.
    pub eval: EvalConfig,
    /// Show progress bars.
    pub progress: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            seed: 0,
            device: "cpu".into(),
            beta: PerObjective::All(1.0),
            norms: PerObjective::All(LabelNorm::L1),
            icos: IcosConfig::default(),
            tcos: TcosConfig::default(),
            temperature_conditioned: false,
            parametrization: Parametrization::Scratch,
            optim: OptimConfig::default(),
            model: NetConfig::default(),
            base: NetConfig {
                hidden: 128,
                ..NetConfig::default()
            },
            base_epochs: 10,
            epochs: 20,
            baseline_epochs: 8,
            patience: 0,
            eval: EvalConfig::default(),
            progress: false,
        }
    }
}

impl TrainConfig {
    /// Reads a `.toml` or `.json` file; missing fields take their defaults, unknown fields are
    /// errors.
    ///
    /// ```
    /// use hyperdpo_train::config::TrainConfig;
    /// let p = std::env::temp_dir().join(format!("cfg_{}.toml", std::process::id()));
    /// std::fs::write(&p, "seed = 7\nepochs = 3\n[icos]\nalpha = [0.5, 0.5]\nlambda = 0.1\n").unwrap();
    /// let c = TrainConfig::from_file(&p).unwrap();
    /// assert_eq!((c.seed, c.epochs, c.icos.lambda), (7, 3, 0.1));
    /// std::fs::write(&p, "sed = 7\n").unwrap();
    /// assert!(TrainConfig::from_file(&p).unwrap_err().to_string().contains("unknown field `sed`"));
    /// std::fs::remove_file(&p).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable, [`Error::ConfigFile`] with the parser's line/column message,
    /// or for another extension.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => toml::from_str(&text).map_err(|e| Error::ConfigFile {
                file,
                reason: e.to_string(),
            }),
            Some("json") => serde_json::from_str(&text).map_err(|e| Error::ConfigFile {
                file,
                reason: e.to_string(),
            }),
            _ => Err(Error::ConfigFile {
                file,
                reason: "config files must end in .toml or .json".into(),
            }),
        }
    }

    /// Checks every value for a task with `m` objectives.
    ///
    /// ```
    /// use hyperdpo_train::config::TrainConfig;
    /// let mut c = TrainConfig::default();
    /// assert!(c.validate(2).is_ok());
    /// c.optim.lr = -1.0;
    /// assert_eq!(c.validate(2).unwrap_err().to_string(), "config `optim.lr`: -1 must be finite and > 0");
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] naming the field.
    pub fn validate(&self, m: usize) -> Result<()> {
        let pos = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::config(field, format!("{v} must be finite and > 0")))
            }
        };
        if m == 0 {
            return Err(Error::config(
                "objectives",
                "at least one auxiliary objective is needed",
            ));
        }
        for (j, b) in self.beta.resolve(m, "beta")?.iter().enumerate() {
            pos(&format!("beta[{j}]"), *b)?;
        }
        self.norms.resolve(m, "norms")?;
        for (j, a) in self.icos.alpha.resolve(m, "icos.alpha")?.iter().enumerate() {
            pos(&format!("icos.alpha[{j}]"), *a)?;
        }
        if !self.icos.lambda.is_finite() {
            return Err(Error::config("icos.lambda", "must be finite"));
        }
        pos("tcos.beta_low", self.tcos.beta_low)?;
        if self.tcos.beta_high.is_nan() || self.tcos.beta_high < self.tcos.beta_low {
            return Err(Error::config(
                "tcos.beta_high",
                format!(
                    "{} must be >= beta_low {}",
                    self.tcos.beta_high, self.tcos.beta_low
                ),
            ));
        }
        pos("optim.lr", self.optim.lr)?;
        if !(self.optim.weight_decay >= 0.0 && self.optim.clip_norm >= 0.0) {
            return Err(Error::config(
                "optim",
                "weight_decay and clip_norm must be >= 0",
            ));
        }
        if self.optim.batch_size == 0 {
            return Err(Error::config("optim.batch_size", "must be >= 1"));
        }
        if let Schedule::Step { every, gamma } = self.optim.schedule {
            if every == 0 || gamma.is_nan() || gamma <= 0.0 {
                return Err(Error::config(
                    "optim.schedule",
                    "step schedule needs every >= 1 and gamma > 0",
                ));
            }
        }
        for (name, net) in [("model", &self.model), ("base", &self.base)] {
            if net.hidden == 0 || net.heads == 0 || net.hidden % net.heads != 0 {
                return Err(Error::config(
                    &format!("{name}.hidden"),
                    format!(
                        "{} must be a positive multiple of heads {}",
                        net.hidden, net.heads
                    ),
                ));
            }
            if !(0.0..1.0).contains(&net.dropout) {
                return Err(Error::config(
                    &format!("{name}.dropout"),
                    format!("{} is outside [0, 1)", net.dropout),
                ));
            }
        }
        if self.eval.weights < m {
            return Err(Error::config(
                "eval.weights",
                format!(
                    "{} weights cannot hold the {m} unit vectors",
                    self.eval.weights
                ),
            ));
        }
        if self.eval.ndcg_k == 0 {
            return Err(Error::config("eval.ndcg_k", "must be >= 1"));
        }
        self.device()?;
        Ok(())
    }

    /// The libtorch device named by [`TrainConfig::device`].
    ///
    /// ```
    /// use hyperdpo_train::config::TrainConfig;
    /// assert_eq!(TrainConfig::default().device().unwrap(), tch::Device::Cpu);
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown name or CUDA without a GPU.
    pub fn device(&self) -> Result<tch::Device> {
        match self.device.as_str() {
            "cpu" => Ok(tch::Device::Cpu),
            "auto" => Ok(tch::Device::cuda_if_available()),
            s if s == "cuda" || s.starts_with("cuda:") => {
                let idx = s
                    .strip_prefix("cuda:")
                    .map_or(Ok(0), |i| i.parse::<usize>())
                    .map_err(|_| Error::config("device", format!("`{s}`: expected cuda:N")))?;
                if !tch::Cuda::is_available() || idx >= tch::Cuda::device_count() as usize {
                    return Err(Error::config(
                        "device",
                        format!("`{s}` requested but no such CUDA device is available"),
                    ));
                }
                Ok(tch::Device::Cuda(idx))
            }
            s => Err(Error::config(
                "device",
                format!("`{s}` is not cpu, cuda, cuda:N or auto"),
            )),
        }
    }
}
