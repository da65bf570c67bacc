//! The fine-tuned policy `s_θ`: a transformer scorer with one of the paper's parametrisations,
//! conditioned on `w` (Algorithm 1), on `w ⊕ β̄` (Algorithm 2, eq. 23) or on nothing (baselines).

use crate::config::{NetConfig, Parametrization};
use crate::task::net;
use crate::{Error, Result};
use hyperdpo_ltr::model::{parameter_count, ListScorer, TransformerScorer};
use tch::{nn, Device, Tensor};

/// What a policy is conditioned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Conditioning {
    /// Nothing (a baseline model for one fixed trade-off).
    None,
    /// The importance weights `w` (Algorithm 1).
    Weights,
    /// `w` and the normalised temperatures `β̄` (Algorithm 2, eq. 23).
    WeightsAndTemperature,
}

/// The condition of one forward pass.
#[derive(Debug, Clone, Copy)]
pub enum Cond<'a> {
    /// No condition.
    None,
    /// One `w` (and, for temperature-conditioned policies, `β`) for the whole batch.
    Shared {
        /// Weights on the simplex.
        w: &'a [f64],
        /// Temperatures (temperature-conditioned policies only).
        beta: Option<&'a [f64]>,
    },
    /// One `w` per list `[B, m]` (weight-conditioned policies only).
    PerList(&'a Tensor),
}

/// What the trainer needs from a policy: scores of a batch under a condition, and its
/// variables (trained, checkpointed, averaged). Implemented by the ranking [`Policy`] and by the
/// language-model policies.
pub trait Scorer {
    /// Scores `[B, n]` of a batch at a condition; `base` `[B, n]` are the base/reference scores.
    ///
    /// # Errors
    /// A condition that does not fit the policy; shape errors.
    fn scores(
        &self,
        inputs: &Tensor,
        mask: &Tensor,
        base: &Tensor,
        cond: Cond<'_>,
        train: bool,
    ) -> Result<Tensor>;
    /// The trainable variables.
    fn var_store(&self) -> &nn::VarStore;
    /// What the policy is conditioned on.
    fn conditioning(&self) -> Conditioning;
    /// Trainable parameters.
    fn parameters(&self) -> usize {
        parameter_count(self.var_store())
    }
    /// For language-model policies: the prompt prefix `[1, k, d]` at `w`, to generate text with.
    /// `None` for policies without one (rankers).
    fn prompt_prefix(&self, _w: &[f64]) -> Option<Result<Tensor>> {
        None
    }
}

/// Creates fresh policies of one architecture for a task (one per training job).
pub trait PolicyFactory {
    /// A new policy with the given conditioning, initialised from `seed`.
    ///
    /// # Errors
    /// Invalid sizes.
    fn create(&self, conditioning: Conditioning, seed: u64) -> Result<Box<dyn Scorer>>;
}

/// Builds ranking [`Policy`]s (transformer scorers over item features).
#[derive(Debug, Clone)]
pub struct RankerFactory {
    /// Features per item.
    pub input_dim: usize,
    /// Objectives.
    pub m: usize,
    /// Network sizes.
    pub net: NetConfig,
    /// Scratch or augmentation network.
    pub parametrization: Parametrization,
    /// Device.
    pub device: Device,
}

impl PolicyFactory for RankerFactory {
    fn create(&self, conditioning: Conditioning, seed: u64) -> Result<Box<dyn Scorer>> {
        Ok(Box::new(Policy::new(
            self.input_dim,
            self.m,
            conditioning,
            &self.net,
            self.parametrization,
            self.device,
            seed,
        )?))
    }
}

/// A trainable ranking policy. Its variables live in [`Policy::vs`].
pub struct Policy {
    /// The variables (trainable).
    pub vs: nn::VarStore,
    scorer: TransformerScorer,
    /// What the policy is conditioned on.
    pub conditioning: Conditioning,
    /// Scratch or augmentation network.
    pub parametrization: Parametrization,
    m: usize,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("conditioning", &self.conditioning)
            .field("parametrization", &self.parametrization)
            .field("parameters", &self.parameters())
            .finish()
    }
}

impl Policy {
    /// A new policy for items of `input_dim` features and `m` objectives; weights initialised
    /// from `seed` through libtorch's process-wide generator (`tch::manual_seed`), so create
    /// policies from one thread at a time when you need bit-identical initialisations. With [`Parametrization::Augmented`] the head starts at zero, so the policy
    /// starts exactly at the base model.
    ///
    /// ```
    /// use hyperdpo_train::config::{NetConfig, Parametrization};
    /// use hyperdpo_train::policy::{Conditioning, Policy};
    /// let p = Policy::new(5, 2, Conditioning::Weights, &NetConfig::default(), Parametrization::Scratch, tch::Device::Cpu, 0).unwrap();
    /// use hyperdpo_train::policy::Scorer;
    /// assert!(p.parameters() > 0);
    /// ```
    ///
    /// # Errors
    /// An invalid network config.
    pub fn new(
        input_dim: usize,
        m: usize,
        conditioning: Conditioning,
        net_config: &NetConfig,
        parametrization: Parametrization,
        device: Device,
        seed: u64,
    ) -> Result<Self> {
        tch::manual_seed(seed as i64);
        let vs = nn::VarStore::new(device);
        let cond_dim = match conditioning {
            Conditioning::None => 0,
            Conditioning::Weights => m,
            Conditioning::WeightsAndTemperature => 2 * m,
        };
        let cfg = net(
            input_dim,
            cond_dim,
            net_config,
            parametrization == Parametrization::Augmented,
        );
        let scorer = TransformerScorer::new(&vs.root(), cfg)?;
        Ok(Policy {
            vs,
            scorer,
            conditioning,
            parametrization,
            m,
        })
    }

    /// Number of objectives.
    pub fn m(&self) -> usize {
        self.m
    }
}

impl Scorer for Policy {
    fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }

    fn conditioning(&self) -> Conditioning {
        self.conditioning
    }

    /// Scores at a condition; `base` is used by the augmentation parametrisation and eq. 23.
    fn scores(
        &self,
        inputs: &Tensor,
        mask: &Tensor,
        base: &Tensor,
        cond: Cond<'_>,
        train: bool,
    ) -> Result<Tensor> {
        let dev = inputs.device();
        let (cond_t, beta) = match (self.conditioning, cond) {
            (Conditioning::None, Cond::None) => (None, None),
            (Conditioning::Weights, Cond::Shared { w, beta: None }) => (Some(host(w, dev)), None),
            (Conditioning::Weights, Cond::PerList(w)) => (Some(w.shallow_clone()), None),
            (
                Conditioning::WeightsAndTemperature,
                Cond::Shared {
                    w,
                    beta: Some(beta),
                },
            ) => {
                let (_, bar) = hyperdpo_losses::split_temperature(beta)?;
                let v: Vec<f64> = w.iter().chain(&bar).copied().collect();
                (Some(host(&v, dev)), Some(beta))
            }
            (c, _) => {
                return Err(Error::config(
                    "condition",
                    format!("a policy conditioned on {c:?} got a different condition"),
                ));
            }
        };
        if let Some(t) = &cond_t {
            let want = if beta.is_some() { 2 * self.m } else { self.m } as i64;
            if *t.size().last().unwrap_or(&0) != want {
                return Err(Error::config(
                    "condition",
                    format!("condition {:?} does not have {want} entries", t.size()),
                ));
            }
        }
        let raw = self.scorer.score(inputs, mask, cond_t.as_ref(), train)?;
        let s = match self.parametrization {
            Parametrization::Scratch => raw,
            Parametrization::Augmented => base.detach() + raw,
        };
        Ok(match beta {
            Some(beta) => hyperdpo_losses::temperature_conditioned(&s, base, beta)?,
            None => s,
        })
    }
}

fn host(v: &[f64], dev: Device) -> Tensor {
    Tensor::from_slice(&v.iter().map(|&x| x as f32).collect::<Vec<_>>()).to_device(dev)
}
