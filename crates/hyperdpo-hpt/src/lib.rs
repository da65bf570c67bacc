//! # hyperdpo-hpt — Hyper Prompt Tuning for language models
//!
//! The paper's language-model experiment (section 4.2, Figure 3, Table 2). Built so far:
//!
//! * [`gpt2`]: a GPT-2-architecture decoder that loads Hugging Face GPT-2 safetensors
//!   checkpoints (Conv1D layout, tied embeddings), takes input embeddings so that prefixes can
//!   be prepended, and has LoRA adapters ([`gpt2::Lora`]) for the baselines.
//!
//! Still to come (issue #7): Hyper Prompt Tuning itself (w → `A(w)·B(w)` mask ⊙ trainable prefix),
//! plain prompt tuning, the tokenizers, preference data, sequence log-probabilities, the LLM task
//! in the trainer and the `llm_alignment` example.

mod error;
pub mod gpt2;

pub use error::{Error, Result};
