//! # hyperdpo-ltr — the learning-to-rank task
//!
//! Data, metric and models of the paper's learning-to-rank experiment (section 4.1, Table 1,
//! Appendix B.2 and C):
//!
//! * [`data`]: a streaming LETOR/SVMlight parser (qid files and LightGBM `.query` groups) into
//!   contiguous `f32` storage, with errors naming file, line and field, a lenient mode, and a
//!   writer;
//! * [`task`]: input/objective columns (the paper's MSLR preset), query splits, feature
//!   normalisation fitted on the training split;
//! * [`synthetic`]: a seeded MSLR-like generator with conflicting auxiliary objectives;
//! * [`ndcg`]: NDCG@k (section 4.1) with explicit gain, tie and zero-ideal rules;
//! * with the `tch` feature (default): [`batch`] (padded tensors, bucketing, list-length caps),
//!   [`model`] (listwise transformer scorers: base `s_base`, importance-conditioned `s_θ(·, w)`
//!   (section 3.3), temperature-conditioned `s_θ(·, w, β̄)` (eq. 23), augmentation network
//!   (Appendix B.2.3)) and [`ndcg_tensor`] (batched NDCG on any device).
//!
//! With `default-features = false` the crate is pure Rust (data, tasks and NDCG).
//!
//! ```
//! use hyperdpo_ltr::ndcg::Ndcg;
//! use hyperdpo_ltr::synthetic::SyntheticConfig;
//! let task = SyntheticConfig { queries: 50, ..Default::default() }.generate_task(2).unwrap();
//! // NDCG@10 of the first auxiliary objective when ranking by the main label
//! let m = task.m();
//! let s = Ndcg::at(10).mean((0..task.num_queries()).map(|q| {
//!     let r = task.query(q);
//!     let scores: Vec<f64> = task.main[r.clone()].iter().map(|&v| v as f64).collect();
//!     let labels: Vec<f64> = r.map(|d| task.objectives[d * m] as f64).collect();
//!     (scores, labels)
//! }).collect::<Vec<_>>().iter().map(|(s, l)| (&s[..], &l[..])));
//! assert!(s.mean > 0.0 && s.mean < 1.0);
//! ```

#[cfg(feature = "tch")]
pub mod batch;
pub mod data;
mod error;
#[cfg(feature = "tch")]
pub mod model;
pub mod ndcg;
#[cfg(feature = "tch")]
pub mod ndcg_tensor;
pub mod synthetic;
pub mod task;
mod util;

pub use error::{Error, Result};
