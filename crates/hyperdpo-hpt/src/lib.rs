//! # hyperdpo-hpt — Hyper Prompt Tuning for language models
//!
//! The paper's language-model experiment (section 4.2, Figure 3, Table 2). Built so far:
//!
//! * [`gpt2`]: a GPT-2-architecture decoder that loads Hugging Face GPT-2 safetensors
//!   checkpoints (Conv1D layout, tied embeddings), takes input embeddings so that prefixes can
//!   be prepended, and has LoRA adapters ([`gpt2::Lora`]) for the baselines.
//!
//! * [`prompt`]: Hyper Prompt Tuning (w → `A(w)·B(w)` mask ⊙ trainable prefix, Figure 3) and
//!   plain prompt tuning;
//! * [`sequence`]: batched `log p(response | prompt [, prefix])` for DPO (eq. 4).
//!
//! Still to come (issue #7): the tokenizers, preference data, the LLM task in the trainer,
//! generation and the `llm_alignment` example.

mod error;
pub mod gpt2;
pub mod prompt;
pub mod sequence;

pub use error::{Error, Result};
