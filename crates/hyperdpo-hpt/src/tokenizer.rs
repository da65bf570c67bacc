//! Tokenizers: a byte-level one for the embedded default model.

/// Text ↔ token ids.
pub trait Tokenizer {
    /// Token ids of `text`.
    fn encode(&self, text: &str) -> Vec<i64>;
    /// Text of token ids (unknown ids are skipped).
    fn decode(&self, ids: &[i64]) -> String;
    /// Vocabulary size.
    fn vocab_size(&self) -> usize;
    /// End-of-text id.
    fn eos(&self) -> i64;
}

/// One token per byte (ids 0–255) plus an end-of-text token (256).
///
/// ```
/// use hyperdpo_hpt::tokenizer::{ByteTokenizer, Tokenizer};
/// let t = ByteTokenizer;
/// assert_eq!(t.encode("hé"), vec![104, 195, 169]);
/// assert_eq!(t.decode(&t.encode("hé")), "hé");
/// assert_eq!(t.vocab_size(), 257);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ByteTokenizer;

impl Tokenizer for ByteTokenizer {
    fn encode(&self, text: &str) -> Vec<i64> {
        text.bytes().map(i64::from).collect()
    }

    fn decode(&self, ids: &[i64]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .filter(|&&i| (0..256).contains(&i))
            .map(|&i| i as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn vocab_size(&self) -> usize {
        257
    }

    fn eos(&self) -> i64 {
        256
    }
}
