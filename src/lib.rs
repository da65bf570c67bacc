//! # hyperdpo — one fine-tuned model for the whole Pareto front
//!
//! Facade over the hyperdpo workspace, an implementation of HyperDPO (conditioned one-shot
//! multi-objective fine-tuning): a ranker or a language model is fine-tuned once and then serves
//! every trade-off between objectives, steered after training by a weight vector `w` on the
//! simplex and a temperature `β`.
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`moo`] | `hyperdpo-moo` | hypervolume, Pareto utilities, simplex weights (no libtorch) |
//! | [`losses`] | `hyperdpo-losses` | ListNet-DPO, ICOS, MO-DPO, temperature control |
//! | [`ltr`] | `hyperdpo-ltr` | learning-to-rank data, NDCG, transformer scorers |
//! | [`hpt`] | `hyperdpo-hpt` | Hyper Prompt Tuning for GPT-2-style models |
//! | [`train`] | `hyperdpo-train` | Algorithms 1 and 2, baselines, evaluation |
//!
//! [`tch`] is re-exported so that users build tensors with the same version the crates use:
//!
//! ```
//! use hyperdpo::tch::{Device, Kind, Tensor};
//! let t = Tensor::ones([2, 3], (Kind::Float, Device::Cpu));
//! assert_eq!(t.size(), vec![2, 3]);
//! ```

pub use hyperdpo_hpt as hpt;
pub use hyperdpo_losses as losses;
pub use hyperdpo_ltr as ltr;
pub use hyperdpo_moo as moo;
pub use hyperdpo_train as train;
pub use tch;
