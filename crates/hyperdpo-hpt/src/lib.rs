//! # hyperdpo-hpt — Hyper Prompt Tuning for language models
//!
//! The paper's language-model experiment (section 4.2, Figure 3, Table 2):
//!
//! * [`gpt2`]: a GPT-2-architecture decoder that loads Hugging Face GPT-2 safetensors
//!   checkpoints (Conv1D layout, tied embeddings), takes input embeddings so that prefixes can
//!   be prepended, and has LoRA adapters ([`gpt2::Lora`]) for the baselines.
//!
//! * [`prompt`]: Hyper Prompt Tuning (w → `A(w)·B(w)` mask ⊙ trainable prefix, Figure 3) and
//!   plain prompt tuning;
//! * [`sequence`]: batched `log p(response | prompt [, prefix])` for DPO (eq. 4);
//! * [`data`]: preference data (PKU-SafeRLHF JSONL, generic listwise JSONL, a synthetic set);
//! * [`tokenizer`]: GPT-2 byte-level BPE from a checkpoint folder (`tokenizer.json` or
//!   `vocab.json` + `merges.txt`) and a byte tokenizer for the embedded default;
//! * [`generate`]: greedy and top-k generation with a prefix;
//! * [`pretrain`]: next-token pretraining of a small model for the embedded default.
//!
//! The language-model task that plugs these into the trainer is `hyperdpo_train::llm`.

pub mod data;
mod error;
pub mod generate;
pub mod gpt2;
pub mod pretrain;
pub mod prompt;
pub mod sequence;
pub mod tokenizer;

pub use error::{Error, Result};
