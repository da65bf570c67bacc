//! A GPT-2-architecture decoder on libtorch that loads Hugging Face GPT-2 checkpoints.
//!
//! Weight names and layouts follow Hugging Face's `GPT2LMHeadModel` (`transformer.` prefix
//! optional): `wte`, `wpe`, `h.{i}.ln_1`, `h.{i}.attn.c_attn` / `c_proj` and `h.{i}.mlp.c_fc` /
//! `c_proj` as `Conv1D` (weight `[in, out]`, `y = x·W + b`), `ln_f`, and the output head tied to
//! `wte`. Activation `gelu_new` (tanh approximation), layer-norm ε from the config.
//!
//! The model takes input *embeddings*, so that trainable prefixes (prompt tuning, Hyper Prompt
//! Tuning) can be placed in front of the tokens: [`Gpt2::embed`] gives token + position
//! embeddings, [`Gpt2::forward_embeddings`] runs the blocks on any `[B, L, d]` sequence with a
//! padding mask and causal attention.

use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;
use tch::{nn, Device, Kind, Tensor};

/// The sizes of a GPT-2 model (the fields of Hugging Face's `config.json` that matter here).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gpt2Config {
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Longest sequence (position embeddings).
    pub n_positions: usize,
    /// Hidden size.
    pub n_embd: usize,
    /// Blocks.
    pub n_layer: usize,
    /// Attention heads.
    pub n_head: usize,
    /// Layer-norm epsilon.
    #[serde(default = "default_eps")]
    pub layer_norm_epsilon: f64,
}

fn default_eps() -> f64 {
    1e-5
}

impl Gpt2Config {
    /// Reads Hugging Face's `config.json` (other fields are ignored).
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::Config`] for invalid JSON or sizes.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            file: path.display().to_string(),
            source,
        })?;
        let c: Gpt2Config = serde_json::from_str(&text).map_err(|e| Error::Config {
            file: path.display().to_string(),
            reason: e.to_string(),
        })?;
        c.check().map_err(|reason| Error::Config {
            file: path.display().to_string(),
            reason,
        })?;
        Ok(c)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.vocab_size == 0
            || self.n_positions == 0
            || self.n_embd == 0
            || self.n_head == 0
            || !self.n_embd.is_multiple_of(self.n_head)
        {
            return Err(format!(
                "invalid sizes: {self:?} (n_embd must be a positive multiple of n_head)"
            ));
        }
        Ok(())
    }
}

/// A variable named with Hugging Face's dotted name (VarStore paths use `.` as separator).
fn var(root: &nn::Path, dotted: &str, shape: &[i64], init: nn::Init) -> Tensor {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let name = parts.pop().unwrap_or(dotted);
    let path = parts.iter().fold(root.clone(), |p, seg| &p / *seg);
    path.var(name, shape, init)
}

#[derive(Debug)]
struct Block {
    ln1_w: Tensor,
    ln1_b: Tensor,
    attn_w: Tensor,
    attn_b: Tensor,
    proj_w: Tensor,
    proj_b: Tensor,
    ln2_w: Tensor,
    ln2_b: Tensor,
    fc_w: Tensor,
    fc_b: Tensor,
    out_w: Tensor,
    out_b: Tensor,
}

/// LoRA adapters (Hu et al. 2021) on every block's attention input projection `c_attn`:
/// `W x + (α / r) · (x A) B`, `A` random, `B` zero at initialisation (so the adapted model
/// starts equal to the base). The paper uses `r = 4`, `α = 8`.
#[derive(Debug)]
pub struct Lora {
    a: Vec<Tensor>,
    b: Vec<Tensor>,
    scale: f64,
}

impl Lora {
    /// Adapters for `model` under `path` (trainable there).
    ///
    /// # Errors
    /// [`Error::Invalid`] for `r = 0`.
    pub fn new(path: &nn::Path, model: &Gpt2, r: usize, alpha: f64) -> Result<Self> {
        if r == 0 {
            return Err(Error::Invalid {
                name: "r",
                reason: "LoRA rank must be >= 1".into(),
            });
        }
        let d = model.config.n_embd as i64;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..model.config.n_layer {
            let p = path / format!("h{i}");
            a.push(p.var(
                "lora_a",
                &[d, r as i64],
                nn::Init::Randn {
                    mean: 0.0,
                    stdev: 1.0 / (d as f64).sqrt(),
                },
            ));
            b.push(p.var("lora_b", &[r as i64, 3 * d], nn::Init::Const(0.0)));
        }
        Ok(Lora {
            a,
            b,
            scale: alpha / r as f64,
        })
    }
}

/// A GPT-2 language model. Its weights live in [`Gpt2::vs`].
#[derive(Debug)]
pub struct Gpt2 {
    /// Sizes.
    pub config: Gpt2Config,
    /// The variables (HF names without the `transformer.` prefix).
    pub vs: nn::VarStore,
    wte: Tensor,
    wpe: Tensor,
    blocks: Vec<Block>,
    lnf_w: Tensor,
    lnf_b: Tensor,
}

impl Gpt2 {
    /// A randomly initialised model (normal(0, 0.02) weights, as GPT-2), seeded by libtorch's RNG.
    ///
    /// ```
    /// use hyperdpo_hpt::gpt2::{Gpt2, Gpt2Config};
    /// let cfg = Gpt2Config { vocab_size: 50, n_positions: 16, n_embd: 8, n_layer: 1, n_head: 2, layer_norm_epsilon: 1e-5 };
    /// let m = Gpt2::new(cfg, tch::Device::Cpu).unwrap();
    /// let ids = tch::Tensor::from_slice(&[1i64, 2, 3]).view([1, 3]);
    /// assert_eq!(m.logits(&ids, None).unwrap().size(), vec![1, 3, 50]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid sizes.
    pub fn new(config: Gpt2Config, device: Device) -> Result<Self> {
        config.check().map_err(|reason| Error::Invalid {
            name: "config",
            reason,
        })?;
        let vs = nn::VarStore::new(device);
        let root = vs.root();
        let (d, v, p) = (
            config.n_embd as i64,
            config.vocab_size as i64,
            config.n_positions as i64,
        );
        let init = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        let ones = nn::Init::Const(1.0);
        let zeros = nn::Init::Const(0.0);
        let wte = var(&root, "wte.weight", &[v, d], init);
        let wpe = var(
            &root,
            "wpe.weight",
            &[p, d],
            nn::Init::Randn {
                mean: 0.0,
                stdev: 0.01,
            },
        );
        let blocks = (0..config.n_layer)
            .map(|i| {
                let b = |n: &str, s: &[i64], ini| var(&root, &format!("h.{i}.{n}"), s, ini);
                Block {
                    ln1_w: b("ln_1.weight", &[d], ones),
                    ln1_b: b("ln_1.bias", &[d], zeros),
                    attn_w: b("attn.c_attn.weight", &[d, 3 * d], init),
                    attn_b: b("attn.c_attn.bias", &[3 * d], zeros),
                    proj_w: b("attn.c_proj.weight", &[d, d], init),
                    proj_b: b("attn.c_proj.bias", &[d], zeros),
                    ln2_w: b("ln_2.weight", &[d], ones),
                    ln2_b: b("ln_2.bias", &[d], zeros),
                    fc_w: b("mlp.c_fc.weight", &[d, 4 * d], init),
                    fc_b: b("mlp.c_fc.bias", &[4 * d], zeros),
                    out_w: b("mlp.c_proj.weight", &[4 * d, d], init),
                    out_b: b("mlp.c_proj.bias", &[d], zeros),
                }
            })
            .collect();
        let lnf_w = var(&root, "ln_f.weight", &[d], ones);
        let lnf_b = var(&root, "ln_f.bias", &[d], zeros);
        Ok(Gpt2 {
            config,
            vs,
            wte,
            wpe,
            blocks,
            lnf_w,
            lnf_b,
        })
    }

    /// Loads a Hugging Face GPT-2 folder (`config.json` + `model.safetensors`).
    ///
    /// # Errors
    /// [`Error::Io`]/[`Error::Config`] for the config, [`Error::Checkpoint`] naming a missing or
    /// mis-shaped tensor, [`Error::Torch`] for an unreadable safetensors file.
    pub fn from_pretrained(dir: &Path, device: Device) -> Result<Self> {
        let config = Gpt2Config::from_file(&dir.join("config.json"))?;
        let mut m = Gpt2::new(config, device)?;
        m.load_safetensors(&dir.join("model.safetensors"))?;
        Ok(m)
    }

    /// Copies the weights of a safetensors file (HF names, `transformer.` prefix optional;
    /// `lm_head.weight` must equal the tied `wte` if present and is otherwise ignored).
    ///
    /// # Errors
    /// [`Error::Checkpoint`] naming the tensor; [`Error::Torch`].
    pub fn load_safetensors(&mut self, path: &Path) -> Result<()> {
        let file = path.display().to_string();
        let saved: HashMap<String, Tensor> = Tensor::read_safetensors(path)?
            .into_iter()
            .map(|(k, v)| {
                (
                    k.strip_prefix("transformer.")
                        .map(str::to_string)
                        .unwrap_or(k),
                    v,
                )
            })
            .collect();
        let vars = self.vs.variables();
        for (name, var) in &vars {
            let Some(t) = saved.get(name) else {
                return Err(Error::Checkpoint {
                    file,
                    name: name.clone(),
                    reason: "missing".into(),
                });
            };
            if t.size() != var.size() {
                return Err(Error::Checkpoint {
                    file,
                    name: name.clone(),
                    reason: format!("shape {:?}, expected {:?}", t.size(), var.size()),
                });
            }
        }
        tch::no_grad(|| {
            for (name, mut var) in vars {
                var.copy_(&saved[&name].to_kind(var.kind()).to_device(var.device()));
            }
        });
        Ok(())
    }

    /// Token + position embeddings `[B, T, d]` of `ids` `[B, T]` (positions `0..T`).
    ///
    /// # Errors
    /// [`Error::Invalid`] for sequences longer than `n_positions` or ids outside the vocabulary.
    pub fn embed(&self, ids: &Tensor) -> Result<Tensor> {
        let t = ids.size()[1];
        if t > self.config.n_positions as i64 {
            return Err(Error::Invalid {
                name: "ids",
                reason: format!(
                    "{t} tokens exceed n_positions = {}",
                    self.config.n_positions
                ),
            });
        }
        if ids.numel() > 0 {
            let (lo, hi) = (ids.min().int64_value(&[]), ids.max().int64_value(&[]));
            if lo < 0 || hi >= self.config.vocab_size as i64 {
                return Err(Error::Invalid { name: "ids", reason: format!("token ids span {lo}..={hi}, the vocabulary has {} (a tokenizer for another model?)", self.config.vocab_size) });
            }
        }
        let pos = Tensor::arange(t, (Kind::Int64, ids.device()));
        Ok(self
            .wte
            .index_select(0, &ids.reshape([-1]))
            .view([ids.size()[0], t, -1])
            + self.wpe.index_select(0, &pos).unsqueeze(0))
    }

    /// Logits `[B, L, vocab]` of an embedded sequence `h` `[B, L, d]` with causal attention;
    /// `mask` `[B, L]` (bool, `true` = real) hides padded keys. `lora` adds adapters.
    ///
    /// # Errors
    /// Shape errors.
    pub fn forward_embeddings(
        &self,
        h: &Tensor,
        mask: Option<&Tensor>,
        lora: Option<&Lora>,
    ) -> Result<Tensor> {
        let (b, l, d) = h.size3()?;
        if d != self.config.n_embd as i64 {
            return Err(Error::Invalid {
                name: "h",
                reason: format!("hidden size {d}, model has {}", self.config.n_embd),
            });
        }
        let heads = self.config.n_head as i64;
        let dh = d / heads;
        let low = f64::from(f32::MIN);
        let causal = Tensor::ones([l, l], (Kind::Bool, h.device())).tril(0);
        let allowed = match mask {
            Some(m) => causal.unsqueeze(0).logical_and(&m.unsqueeze(1)), // [B, L(query), L(key)]
            None => causal.unsqueeze(0).expand([b, l, l], false),
        };
        let bias = allowed.logical_not().to_kind(h.kind()).unsqueeze(1) * low; // [B, 1, L, L]
        let eps = self.config.layer_norm_epsilon;
        let mut x = h.shallow_clone();
        for (i, blk) in self.blocks.iter().enumerate() {
            let a = x.layer_norm([d], Some(&blk.ln1_w), Some(&blk.ln1_b), eps, false);
            let mut qkv = a.matmul(&blk.attn_w) + &blk.attn_b;
            if let Some(lo) = lora {
                // not `+=`: an in-place add would clobber tensors autograd saved
                qkv = qkv.f_add(&(a.matmul(&lo.a[i]).matmul(&lo.b[i]) * lo.scale))?;
            }
            let qkv = qkv.view([b, l, 3, heads, dh]).permute([2, 0, 3, 1, 4]);
            let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
            let att =
                (q.matmul(&k.transpose(-2, -1)) / (dh as f64).sqrt() + &bias).softmax(-1, h.kind());
            let y = att.matmul(&v).transpose(1, 2).contiguous().view([b, l, d]);
            x = x.f_add(&(y.matmul(&blk.proj_w) + &blk.proj_b))?;
            let m = x.layer_norm([d], Some(&blk.ln2_w), Some(&blk.ln2_b), eps, false);
            let m = (m.matmul(&blk.fc_w) + &blk.fc_b)
                .gelu("tanh")
                .matmul(&blk.out_w)
                + &blk.out_b;
            x = x.f_add(&m)?;
        }
        let x = x.layer_norm([d], Some(&self.lnf_w), Some(&self.lnf_b), eps, false);
        Ok(x.matmul(&self.wte.transpose(0, 1)))
    }

    /// Logits of token ids `[B, T]` with an optional padding mask.
    ///
    /// # Errors
    /// As [`Gpt2::embed`] and [`Gpt2::forward_embeddings`].
    pub fn logits(&self, ids: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        self.forward_embeddings(&self.embed(ids)?, mask, None)
    }

    /// Hidden size `d`.
    pub fn hidden(&self) -> usize {
        self.config.n_embd
    }

    /// Saves the weights (HF names, safetensors) and `config.json` into `dir`, atomically per
    /// file, so that [`Gpt2::from_pretrained`] (or Hugging Face) can read them back.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::Torch`].
    pub fn save_pretrained(&self, dir: &Path) -> Result<()> {
        let io = |source| Error::Io {
            file: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let named: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .map(|(k, v)| (format!("transformer.{k}"), v))
            .collect();
        let tmp = dir.join(format!(".model.tmp.{}.safetensors", std::process::id()));
        Tensor::write_safetensors(&named, &tmp)?;
        std::fs::rename(&tmp, dir.join("model.safetensors")).map_err(io)?;
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "model_type": "gpt2", "vocab_size": self.config.vocab_size, "n_positions": self.config.n_positions,
            "n_embd": self.config.n_embd, "n_layer": self.config.n_layer, "n_head": self.config.n_head,
            "layer_norm_epsilon": self.config.layer_norm_epsilon, "activation_function": "gelu_new", "tie_word_embeddings": true
        }))
        .unwrap_or_default();
        let tmp = dir.join(format!(".config.tmp.{}", std::process::id()));
        std::fs::write(&tmp, json).map_err(io)?;
        std::fs::rename(&tmp, dir.join("config.json")).map_err(io)
    }
}
