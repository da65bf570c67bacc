//! Tokenizers: GPT-2's byte-level BPE (from a checkpoint folder) and a byte tokenizer for the
//! embedded default model.

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

use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// GPT-2's byte-level BPE, read from a checkpoint folder (`vocab.json` + `merges.txt`, or a
/// Hugging Face `tokenizer.json`).
///
/// Text is split with GPT-2's pre-tokenisation pattern
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (implemented by
/// hand: letters = `char::is_alphabetic`, numbers = `char::is_numeric`, whitespace =
/// `char::is_whitespace`), every byte of a piece is mapped to GPT-2's printable byte alphabet,
/// and merges are applied by rank. Decoding reverses the byte mapping.
#[derive(Debug, Clone)]
pub struct Gpt2Bpe {
    vocab: HashMap<String, i64>,
    inverse: HashMap<i64, String>,
    ranks: HashMap<(String, String), usize>,
    byte_to_char: [char; 256],
    char_to_byte: HashMap<char, u8>,
    eos: i64,
}

/// GPT-2's reversible byte → printable character table.
fn bytes_to_unicode() -> [char; 256] {
    let mut table = ['\0'; 256];
    let printable =
        |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
    let mut n = 0;
    for b in 0..256u32 {
        table[b as usize] = if printable(b) {
            char::from_u32(b).unwrap_or('?')
        } else {
            n += 1;
            char::from_u32(255 + n).unwrap_or('?')
        };
    }
    table
}

impl Gpt2Bpe {
    /// Reads `dir/tokenizer.json` if present, else `dir/vocab.json` + `dir/merges.txt`.
    ///
    /// # Errors
    /// [`Error::Io`] for missing files, [`Error::Config`] naming the file for malformed ones.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|source| Error::Io {
                file: p.display().to_string(),
                source,
            })
        };
        let bad = |p: &Path, reason: String| Error::Config {
            file: p.display().to_string(),
            reason,
        };
        let tj = dir.join("tokenizer.json");
        if tj.exists() {
            let v: serde_json::Value =
                serde_json::from_str(&read(&tj)?).map_err(|e| bad(&tj, e.to_string()))?;
            let model = &v["model"];
            let vocab: HashMap<String, i64> = serde_json::from_value(model["vocab"].clone())
                .map_err(|e| bad(&tj, format!("model.vocab: {e}")))?;
            let merges: Vec<(String, String)> = model["merges"]
                .as_array()
                .ok_or_else(|| bad(&tj, "model.merges is not a list".into()))?
                .iter()
                .map(|m| match m {
                    serde_json::Value::String(s) => s
                        .split_once(' ')
                        .map(|(a, b)| (a.to_string(), b.to_string())),
                    serde_json::Value::Array(a) if a.len() == 2 => {
                        Some((a[0].as_str()?.to_string(), a[1].as_str()?.to_string()))
                    }
                    _ => None,
                })
                .collect::<Option<_>>()
                .ok_or_else(|| bad(&tj, "model.merges holds an entry that is not a pair".into()))?;
            return Self::new(vocab, merges);
        }
        let vp = dir.join("vocab.json");
        let mp = dir.join("merges.txt");
        let vocab: HashMap<String, i64> =
            serde_json::from_str(&read(&vp)?).map_err(|e| bad(&vp, e.to_string()))?;
        let mut merges = Vec::new();
        for (i, line) in read(&mp)?.lines().enumerate() {
            if line.starts_with("#version") || line.trim().is_empty() {
                continue;
            }
            let (a, b) = line
                .split_once(' ')
                .ok_or_else(|| bad(&mp, format!("line {}: `{line}` is not a pair", i + 1)))?;
            merges.push((a.to_string(), b.to_string()));
        }
        Self::new(vocab, merges)
    }

    fn new(vocab: HashMap<String, i64>, merges: Vec<(String, String)>) -> Result<Self> {
        let byte_to_char = bytes_to_unicode();
        let char_to_byte = byte_to_char
            .iter()
            .enumerate()
            .map(|(b, &c)| (c, b as u8))
            .collect();
        let eos = vocab
            .get("<|endoftext|>")
            .copied()
            .unwrap_or(vocab.len() as i64);
        let inverse = vocab.iter().map(|(k, &v)| (v, k.clone())).collect();
        let ranks = merges
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, i))
            .collect();
        Ok(Gpt2Bpe {
            vocab,
            inverse,
            ranks,
            byte_to_char,
            char_to_byte,
            eos,
        })
    }

    /// GPT-2's pre-tokenisation: the pieces BPE runs on.
    ///
    /// ```
    /// use hyperdpo_hpt::tokenizer::Gpt2Bpe;
    /// assert_eq!(Gpt2Bpe::pieces("I'd go  now!\n"), vec!["I", "'d", " go", " ", " now", "!", "\n"]);
    /// ```
    pub fn pieces(text: &str) -> Vec<&str> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let end = text.len();
        let at = |i: usize| chars.get(i).map(|c| c.1);
        let off = |i: usize| chars.get(i).map_or(end, |c| c.0);
        let class = |c: char| {
            if c.is_alphabetic() {
                1
            } else if c.is_numeric() {
                2
            } else if c.is_whitespace() {
                0
            } else {
                3
            }
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].1;
            // contractions
            if c == '\'' {
                let rest = &text[off(i + 1)..];
                if let Some(len) = ["s", "t", "m", "d"]
                    .iter()
                    .find(|s| rest.starts_with(*s))
                    .map(|_| 1)
                    .or_else(|| {
                        ["re", "ve", "ll"]
                            .iter()
                            .find(|s| rest.starts_with(*s))
                            .map(|_| 2)
                    })
                {
                    out.push(&text[off(i)..off(i + 1 + len)]);
                    i += 1 + len;
                    continue;
                }
            }
            // ` ?X+` for letters, numbers, others
            let (start, first) = if c == ' ' && at(i + 1).is_some_and(|n| class(n) != 0) {
                (i + 1, at(i + 1))
            } else {
                (i, Some(c))
            };
            if let Some(f) = first {
                let k = class(f);
                if k != 0 {
                    let mut j = start + 1;
                    while at(j).is_some_and(|n| class(n) == k) {
                        j += 1;
                    }
                    out.push(&text[off(i)..off(j)]);
                    i = j;
                    continue;
                }
            }
            // whitespace: `\s+(?!\S)|\s+`
            let mut j = i;
            while at(j).is_some_and(char::is_whitespace) {
                j += 1;
            }
            if j < chars.len() && j - i > 1 {
                j -= 1; // leave one whitespace char to prefix the next piece
            }
            out.push(&text[off(i)..off(j)]);
            i = j;
        }
        out
    }

    fn bpe(&self, piece: &str) -> Vec<String> {
        let mut syms: Vec<String> = piece
            .bytes()
            .map(|b| self.byte_to_char[b as usize].to_string())
            .collect();
        while syms.len() > 1 {
            let best = (0..syms.len() - 1)
                .filter_map(|k| {
                    self.ranks
                        .get(&(syms[k].clone(), syms[k + 1].clone()))
                        .map(|&r| (r, k))
                })
                .min();
            let Some((_, k)) = best else { break };
            let (a, b) = (syms[k].clone(), syms[k + 1].clone());
            // merge every occurrence of the pair, left to right
            let mut merged = Vec::with_capacity(syms.len());
            let mut idx = 0;
            while idx < syms.len() {
                if idx + 1 < syms.len() && syms[idx] == a && syms[idx + 1] == b {
                    merged.push(format!("{a}{b}"));
                    idx += 2;
                } else {
                    merged.push(syms[idx].clone());
                    idx += 1;
                }
            }
            syms = merged;
        }
        syms
    }
}

impl Tokenizer for Gpt2Bpe {
    fn encode(&self, text: &str) -> Vec<i64> {
        Self::pieces(text)
            .into_iter()
            .flat_map(|p| self.bpe(p))
            .filter_map(|s| self.vocab.get(&s).copied())
            .collect()
    }

    fn decode(&self, ids: &[i64]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .filter(|&&i| i != self.eos)
            .filter_map(|i| self.inverse.get(i))
            .flat_map(|s| s.chars().filter_map(|c| self.char_to_byte.get(&c).copied()))
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn vocab_size(&self) -> usize {
        self.vocab.len()
    }

    fn eos(&self) -> i64 {
        self.eos
    }
}
