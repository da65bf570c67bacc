//! # hyperdpo-losses — the HyperDPO objectives on libtorch
//!
//! One implementation, shared by every trainer, baseline and task, of the losses of the paper:
//!
//! | paper | item |
//! |---|---|
//! | eq. 4, pairwise DPO | [`dpo_pairwise`] |
//! | eq. 8, Plackett–Luce ranking likelihood (listwise, ties grouped) | [`plackett_luce_dpo`] |
//! | eq. 9, label normalisation `t(·)` | [`LabelNorm`], [`normalize_labels`] |
//! | eq. 10/11, ListNet-DPO loss vector | [`ListNetDpo`], [`LossParts`] |
//! | eq. 12, weighted sum | [`weighted_sum`] |
//! | eq. 13, cosine penalty (both sign readings) | [`cosine_penalty`], [`Penalty`] |
//! | eq. 14, ICOS loss | [`icos`], [`Weights`] |
//! | eq. 15, post-training temperature control | [`rescale_temperature`] |
//! | eq. 22, MO-DPO | [`MoDpo`] |
//! | eq. 23, temperature-conditioned reparametrisation | [`temperature_conditioned`], [`split_temperature`] |
//!
//! All functions take a batch of padded lists (`docs/ARCHITECTURE.md`): policy scores `s_θ`
//! `[B, n]`, base scores `s_base` `[B, n]` (constants: they never receive gradient), labels
//! `[B, m, n]`, mask `[B, n]` (bool, `true` = real item). Results stay on the inputs' device and
//! in their float kind (f32 or f64; f16/bf16 work too). Padded items neither change a value nor
//! receive gradient. Bad arguments give an [`Error`], never a panic or a silent broadcast.
//!
//! ```
//! use hyperdpo_losses::*;
//! use tch::{Device, Kind, Tensor};
//! let dev = Device::cuda_if_available();
//! let opts = (Kind::Float, dev);
//! let policy = Tensor::randn([8, 10], opts).set_requires_grad(true);
//! let base = Tensor::randn([8, 10], opts);
//! let labels = Tensor::rand([8, 2, 10], opts);
//! let mask = Tensor::ones([8, 10], (Kind::Bool, dev));
//! let loss = ListNetDpo::new(vec![1.0, 1.0], vec![LabelNorm::Softmax, LabelNorm::L1]).unwrap();
//! let parts = loss.parts(Lists { policy: &policy, base: &base, labels: &labels, mask: &mask }).unwrap();
//! let out = icos(&parts, Weights::Shared(&[0.4, 0.6]), 0.05, Penalty::AsWritten).unwrap();
//! out.total.backward();
//! assert_eq!(policy.grad().size(), vec![8, 10]);
//! ```

mod check;
mod dpo;
mod error;
mod labels;
mod listnet;
mod modpo;
mod plackett_luce;
mod scalarize;
mod temperature;

pub use dpo::dpo_pairwise;
pub use error::{Error, Result};
pub use labels::{normalize_labels, LabelNorm};
pub use listnet::{ListNetDpo, Lists, LossParts};
pub use modpo::{MarginScale, MoDpo, MIN_ANCHOR_WEIGHT};
pub use plackett_luce::plackett_luce_dpo;
pub use scalarize::{
    cosine_penalty, icos, weighted_sum, IcosOutput, Penalty, Weights, WEIGHT_TOLERANCE,
};
pub use temperature::{rescale_temperature, split_temperature, temperature_conditioned};
