//! Listwise transformer scorers (paper, section 4.1: "a 2-layer transformer of hidden dimension
//! 128 for the base model, … 64 with the weight vector w concatenated to the input").
//!
//! One architecture serves every role: items of a list attend to each other (key-padding mask,
//! no positional encoding, so scores are permutation-equivariant), an optional condition vector
//! (`w`, or `w ⊕ β̄`) is concatenated to every item's input, and a linear head gives one score per
//! item.
//!
//! * base model `s_base(y|x)`: `cond_dim = 0`;
//! * importance-conditioned `s_θ(·, w)` (section 3.3): `cond_dim = m`;
//! * temperature-conditioned `s_θ(·, w, β̄)` (eq. 23, Appendix C.2): `cond_dim = 2m`, see
//!   [`temperature_conditioned_scores`];
//! * augmentation network (Appendix B.2.3): [`Augmented`], `s_base + Δs_θ(·, w)` with the base
//!   frozen and `Δs_θ` starting at exactly 0.

use crate::{Error, Result};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// Sizes of a [`TransformerScorer`]; serialisable so that a checkpoint's config travels with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScorerConfig {
    /// Input features per item `d`.
    pub input_dim: usize,
    /// Length of the condition vector concatenated to every item (0 = unconditioned).
    pub cond_dim: usize,
    /// Hidden size.
    pub hidden: usize,
    /// Number of encoder layers.
    pub layers: usize,
    /// Attention heads (must divide `hidden`).
    pub heads: usize,
    /// Feed-forward size as a multiple of `hidden`.
    pub ff_mult: usize,
    /// Dropout probability (training only).
    pub dropout: f64,
    /// Start with a zero output head, so the scorer outputs exactly 0 (for augmentation nets).
    pub zero_init_head: bool,
}

impl ScorerConfig {
    /// The paper's base model: 2 layers, hidden 128, 4 heads.
    ///
    /// ```
    /// use hyperdpo_ltr::model::ScorerConfig;
    /// assert_eq!(ScorerConfig::base(131).hidden, 128);
    /// ```
    pub fn base(input_dim: usize) -> Self {
        ScorerConfig {
            input_dim,
            cond_dim: 0,
            hidden: 128,
            layers: 2,
            heads: 4,
            ff_mult: 2,
            dropout: 0.1,
            zero_init_head: false,
        }
    }

    /// The paper's importance-conditioned model: 2 layers, hidden 64, `w` (length `m`) as input.
    ///
    /// ```
    /// use hyperdpo_ltr::model::ScorerConfig;
    /// let c = ScorerConfig::conditioned(131, 5);
    /// assert_eq!((c.hidden, c.cond_dim), (64, 5));
    /// ```
    pub fn conditioned(input_dim: usize, m: usize) -> Self {
        ScorerConfig {
            cond_dim: m,
            hidden: 64,
            ..Self::base(input_dim)
        }
    }

    fn check(&self) -> Result<()> {
        let bad = |reason: String| {
            Err(Error::Invalid {
                name: "ScorerConfig",
                reason,
            })
        };
        if self.input_dim == 0 || self.hidden == 0 || self.heads == 0 || self.ff_mult == 0 {
            return bad(format!(
                "input_dim, hidden, heads and ff_mult must be >= 1: {self:?}"
            ));
        }
        if !self.hidden.is_multiple_of(self.heads) {
            return bad(format!(
                "hidden {} is not a multiple of heads {}",
                self.hidden, self.heads
            ));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return bad(format!("dropout {} is outside [0, 1)", self.dropout));
        }
        Ok(())
    }
}

#[derive(Debug)]
struct EncoderLayer {
    ln1: nn::LayerNorm,
    qkv: nn::Linear,
    out: nn::Linear,
    ln2: nn::LayerNorm,
    ff1: nn::Linear,
    ff2: nn::Linear,
    heads: i64,
    dropout: f64,
}

impl EncoderLayer {
    fn new(p: &nn::Path, c: &ScorerConfig) -> Self {
        let h = c.hidden as i64;
        EncoderLayer {
            ln1: nn::layer_norm(p / "ln1", vec![h], Default::default()),
            qkv: nn::linear(p / "qkv", h, 3 * h, Default::default()),
            out: nn::linear(p / "out", h, h, Default::default()),
            ln2: nn::layer_norm(p / "ln2", vec![h], Default::default()),
            ff1: nn::linear(p / "ff1", h, h * c.ff_mult as i64, Default::default()),
            ff2: nn::linear(p / "ff2", h * c.ff_mult as i64, h, Default::default()),
            heads: c.heads as i64,
            dropout: c.dropout,
        }
    }

    /// Pre-norm encoder layer; `key_bias` `[B, 1, 1, n]` is 0 for real items and a huge negative
    /// number for padding, so padded keys get attention weight exactly 0.
    fn forward(&self, x: &Tensor, key_bias: &Tensor, train: bool) -> Tensor {
        let (b, n, h) = x.size3().expect("[B, n, hidden]");
        let dh = h / self.heads;
        let qkv = self
            .ln1
            .forward(x)
            .apply(&self.qkv)
            .view([b, n, 3, self.heads, dh])
            .permute([2, 0, 3, 1, 4]);
        let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2)); // [B, heads, n, dh]
        let att =
            (q.matmul(&k.transpose(-2, -1)) / (dh as f64).sqrt() + key_bias).softmax(-1, x.kind());
        let att = att.dropout(self.dropout, train);
        let y = att
            .matmul(&v)
            .transpose(1, 2)
            .contiguous()
            .view([b, n, h])
            .apply(&self.out);
        let x = x + y.dropout(self.dropout, train);
        let y = self
            .ln2
            .forward(&x)
            .apply(&self.ff1)
            .gelu("none")
            .apply(&self.ff2);
        x + y.dropout(self.dropout, train)
    }
}

/// A listwise transformer scorer: `[B, n, d]` features (+ a `[B, c]` or `[c]` condition) →
/// `[B, n]` scores.
#[derive(Debug)]
pub struct TransformerScorer {
    config: ScorerConfig,
    input: nn::Linear,
    layers: Vec<EncoderLayer>,
    ln: nn::LayerNorm,
    head: nn::Linear,
}

/// A scorer of padded lists, optionally conditioned — the trait trainers use.
pub trait ListScorer {
    /// Scores `[B, n]` of `features` `[B, n, d]` with `mask` `[B, n]` and an optional condition
    /// `[B, c]` (or `[c]`, shared by the batch). Padded items get arbitrary scores.
    ///
    /// # Errors
    /// Shape mismatches, a missing or unexpected condition.
    fn score(
        &self,
        features: &Tensor,
        mask: &Tensor,
        cond: Option<&Tensor>,
        train: bool,
    ) -> Result<Tensor>;

    /// Length of the condition vector this scorer expects (0 = none).
    fn cond_dim(&self) -> usize;
}

impl TransformerScorer {
    /// Builds the scorer's variables under `path` (random initialisation from libtorch's RNG:
    /// call `tch::manual_seed` first for reproducible weights).
    ///
    /// ```
    /// use hyperdpo_ltr::model::{ListScorer, ScorerConfig, TransformerScorer};
    /// use tch::{nn, Device, Kind, Tensor};
    /// tch::manual_seed(0);
    /// let vs = nn::VarStore::new(Device::Cpu);
    /// let s = TransformerScorer::new(&vs.root(), ScorerConfig::conditioned(4, 2)).unwrap();
    /// let x = Tensor::randn([3, 5, 4], (Kind::Float, Device::Cpu));
    /// let mask = Tensor::ones([3, 5], (Kind::Bool, Device::Cpu));
    /// let w = Tensor::from_slice(&[0.3f32, 0.7]);
    /// assert_eq!(s.score(&x, &mask, Some(&w), false).unwrap().size(), vec![3, 5]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for an invalid config.
    pub fn new(path: &nn::Path, config: ScorerConfig) -> Result<Self> {
        config.check()?;
        let h = config.hidden as i64;
        let head_cfg = if config.zero_init_head {
            nn::LinearConfig {
                ws_init: nn::Init::Const(0.0),
                bs_init: Some(nn::Init::Const(0.0)),
                bias: true,
            }
        } else {
            Default::default()
        };
        Ok(TransformerScorer {
            input: nn::linear(
                path / "input",
                (config.input_dim + config.cond_dim) as i64,
                h,
                Default::default(),
            ),
            layers: (0..config.layers)
                .map(|i| EncoderLayer::new(&(path / format!("layer{i}")), &config))
                .collect(),
            ln: nn::layer_norm(path / "ln", vec![h], Default::default()),
            head: nn::linear(path / "head", h, 1, head_cfg),
            config,
        })
    }

    /// The configuration.
    ///
    /// ```
    /// # use hyperdpo_ltr::model::*;
    /// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    /// let s = TransformerScorer::new(&vs.root(), ScorerConfig::base(3)).unwrap();
    /// assert_eq!(s.config().layers, 2);
    /// ```
    pub fn config(&self) -> &ScorerConfig {
        &self.config
    }
}

impl ListScorer for TransformerScorer {
    fn score(
        &self,
        features: &Tensor,
        mask: &Tensor,
        cond: Option<&Tensor>,
        train: bool,
    ) -> Result<Tensor> {
        let size = features.size();
        let (c, d) = (self.config.cond_dim as i64, self.config.input_dim as i64);
        if size.len() != 3 || size[2] != d || mask.size() != [size[0], size[1]] {
            return Err(Error::Invalid {
                name: "features",
                reason: format!(
                    "features {size:?} and mask {:?} must be [B, n, {d}] and [B, n]",
                    mask.size()
                ),
            });
        }
        let (b, n) = (size[0], size[1]);
        let x = match (cond, c) {
            (None, 0) => features.shallow_clone(),
            (Some(w), c) if c > 0 => {
                let w = match w.size().as_slice() {
                    [k] if *k == c => w.view([1, c]).expand([b, c], false),
                    [bb, k] if *bb == b && *k == c => w.shallow_clone(),
                    other => {
                        return Err(Error::Invalid {
                            name: "cond",
                            reason: format!(
                                "condition has shape {other:?}, expected [{c}] or [{b}, {c}]"
                            ),
                        })
                    }
                };
                let w = w
                    .to_kind(features.kind())
                    .unsqueeze(1)
                    .expand([b, n, c], false);
                Tensor::cat(&[features, &w], 2)
            }
            (None, c) => {
                return Err(Error::Invalid {
                    name: "cond",
                    reason: format!("this scorer needs a condition of length {c}"),
                })
            }
            (Some(_), _) => {
                return Err(Error::Invalid {
                    name: "cond",
                    reason: "this scorer takes no condition".into(),
                })
            }
        };
        let low = if features.kind() == Kind::Half {
            -30000.0
        } else {
            -1e30
        };
        let key_bias = (mask.logical_not().to_kind(features.kind()) * low).view([b, 1, 1, n]);
        let mut h = x.apply(&self.input);
        for layer in &self.layers {
            h = layer.forward(&h, &key_bias, train);
        }
        Ok(self.ln.forward(&h).apply(&self.head).squeeze_dim(-1))
    }

    fn cond_dim(&self) -> usize {
        self.config.cond_dim
    }
}

/// The augmentation network of Appendix B.2.3: `s_θ(y, w | x) = s_base(y|x) + Δs_θ(y, w | x)`,
/// with the base model frozen (its scores are computed without gradient) and `Δs_θ` a
/// conditioned scorer whose head starts at zero, so that at initialisation the network equals
/// the base model exactly.
#[derive(Debug)]
pub struct Augmented<'b, B: ListScorer> {
    /// The frozen base model.
    pub base: &'b B,
    /// The trainable correction `Δs_θ`.
    pub delta: TransformerScorer,
}

impl<B: ListScorer> ListScorer for Augmented<'_, B> {
    fn score(
        &self,
        features: &Tensor,
        mask: &Tensor,
        cond: Option<&Tensor>,
        train: bool,
    ) -> Result<Tensor> {
        let base = tch::no_grad(|| self.base.score(features, mask, None, false))?;
        Ok(base + self.delta.score(features, mask, cond, train)?)
    }

    fn cond_dim(&self) -> usize {
        self.delta.cond_dim()
    }
}

/// Eq. 23 for a temperature-conditioned scorer `inner` (`cond_dim = 2m`, condition `w ⊕ β̄`):
/// returns `(1 − 1/c) s_base + inner(x, w, β̄) / c` with `c = ‖β‖₁`, `β̄ = β / c`.
///
/// ```
/// use hyperdpo_ltr::model::*;
/// use tch::{nn, Device, Kind, Tensor};
/// let vs = nn::VarStore::new(Device::Cpu);
/// let inner = TransformerScorer::new(&vs.root(), ScorerConfig { cond_dim: 4, ..ScorerConfig::conditioned(3, 2) }).unwrap();
/// let x = Tensor::randn([2, 4, 3], (Kind::Float, Device::Cpu));
/// let mask = Tensor::ones([2, 4], (Kind::Bool, Device::Cpu));
/// let base = Tensor::zeros([2, 4], (Kind::Float, Device::Cpu));
/// let s = temperature_conditioned_scores(&inner, &x, &mask, &[0.5, 0.5], &[1.0, 3.0], &base, false).unwrap();
/// assert_eq!(s.size(), vec![2, 4]);
/// ```
///
/// # Errors
/// [`Error::Invalid`] for weights/temperatures of the wrong length, [`Error::Loss`] for
/// non-positive temperatures; scorer errors. The blend is `hyperdpo_losses::temperature_conditioned`.
#[allow(clippy::too_many_arguments)]
pub fn temperature_conditioned_scores(
    inner: &impl ListScorer,
    features: &Tensor,
    mask: &Tensor,
    w: &[f64],
    beta: &[f64],
    base_scores: &Tensor,
    train: bool,
) -> Result<Tensor> {
    if w.len() != beta.len() || inner.cond_dim() != 2 * w.len() {
        return Err(Error::Invalid {
            name: "beta",
            reason: format!(
                "{} weights, {} temperatures, scorer condition of length {}",
                w.len(),
                beta.len(),
                inner.cond_dim()
            ),
        });
    }
    let (_, beta_bar) = hyperdpo_losses::split_temperature(beta)?;
    let cond: Vec<f32> = w.iter().chain(&beta_bar).map(|&v| v as f32).collect();
    let cond = Tensor::from_slice(&cond).to_device(features.device());
    let inner_scores = inner.score(features, mask, Some(&cond), train)?;
    Ok(hyperdpo_losses::temperature_conditioned(
        &inner_scores,
        &base_scores.to_kind(inner_scores.kind()),
        beta,
    )?)
}

/// Number of trainable parameters in a VarStore.
///
/// ```
/// use hyperdpo_ltr::model::*;
/// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
/// let _s = TransformerScorer::new(&vs.root(), ScorerConfig { layers: 0, ..ScorerConfig::base(3) }).unwrap();
/// // input 3→128 (+bias), final layer norm 2·128, head 128→1 (+bias)
/// assert_eq!(parameter_count(&vs), 3 * 128 + 128 + 256 + 128 + 1);
/// ```
pub fn parameter_count(vs: &nn::VarStore) -> usize {
    vs.trainable_variables().iter().map(|t| t.numel()).sum()
}

/// Saves a VarStore as safetensors, atomically (temporary file in the same directory, then
/// rename). `path` should end in `.safetensors`.
///
/// ```
/// use hyperdpo_ltr::model::*;
/// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
/// let _s = TransformerScorer::new(&vs.root(), ScorerConfig::base(3)).unwrap();
/// let p = std::env::temp_dir().join(format!("scorer_{}.safetensors", std::process::id()));
/// save_varstore(&vs, &p).unwrap();
/// let mut vs2 = tch::nn::VarStore::new(tch::Device::Cpu);
/// let _s2 = TransformerScorer::new(&vs2.root(), ScorerConfig::base(3)).unwrap();
/// vs2.load(&p).unwrap();
/// std::fs::remove_file(&p).unwrap();
/// ```
///
/// # Errors
/// [`Error::Torch`] if writing fails, [`Error::Io`] if the rename fails.
pub fn save_varstore(vs: &nn::VarStore, path: &std::path::Path) -> Result<()> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file}.tmp.{}.safetensors", std::process::id()));
    if let Err(e) = vs.save(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
