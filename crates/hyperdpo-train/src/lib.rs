//! # hyperdpo-train — one-shot HyperDPO training and evaluation
//!
//! The task-agnostic trainer and the paper's comparison:
//!
//! | paper | item |
//! |---|---|
//! | Algorithm 1 (ICOS, `w ~ Dir(α)` each step, eq. 14) | [`trainer::train`] with [`trainer::Objective::Icos`] |
//! | Algorithm 2 (TCOS, `β ~ Unif`, eq. 23) | the same with [`config::TrainConfig::temperature_conditioned`] |
//! | post-training control (eq. 15, Algorithm 1 line 5) | [`methods::HyperModel::scores`] |
//! | base model on the main objective | [`task::LtrTask`] |
//! | DPO-LS, DPO Soup, MO-DPO (Appendix B.1) | [`methods::dpo_ls`], [`methods::soup`], [`methods::mo_dpo`] |
//! | augmentation network (Appendix B.2.3) | [`config::Parametrization::Augmented`] |
//! | evaluation: front at `K` weights, HV (reference 0), main NDCG (section 4, Table 1) | [`methods::MethodResult`] |
//! | Figure 2 / Figures 10–12 style plots, JSON/CSV reports | [`report::Report`] |
//!
//! A [`task::Task`] yields batches of padded lists (with base scores and labels) and evaluates
//! any scoring function; a [`policy::Policy`] scores a batch under a condition. The trainer
//! knows nothing else about the items, so the language-model task plugs into the same loop.
//!
//! Determinism: every random choice derives from `config.seed` and the job's name, re-seeded at
//! each epoch, so the same seed gives the same CPU results and a run resumed from a checkpoint
//! matches an uninterrupted one.

pub mod config;
mod error;
pub mod llm;
pub mod methods;
pub mod optim;
pub mod policy;
pub mod report;
pub mod task;
pub mod trainer;

pub use error::{Error, Result};
