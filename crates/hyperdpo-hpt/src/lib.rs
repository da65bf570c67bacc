//! # hyperdpo-hpt — Hyper Prompt Tuning for language models
//!
//! The paper's language-model experiment (section 4.2, Figure 3, Table 2): a GPT-2-architecture
//! decoder, the weight-conditioned prefix of **Hyper Prompt Tuning** (w → `A(w)·B(w)` mask ⊙
//! trainable prefix embedding), plain prompt tuning and LoRA adapters for the baselines,
//! preference data (PKU-SafeRLHF layout) and sequence log-probabilities for DPO (eq. 4).
