//! GPT-2 BPE against transformers' GPT2Tokenizer (fixture from `tests/fixtures/gen_tiny_bpe.py`).

use hyperdpo_hpt::tokenizer::{Gpt2Bpe, Tokenizer};
use std::path::PathBuf;

#[test]
fn matches_transformers_gpt2_tokenizer() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let tok = Gpt2Bpe::from_dir(&base.join("tiny-bpe")).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("tiny_bpe_cases.json")).unwrap())
            .unwrap();
    assert_eq!(tok.eos(), v["eos"].as_i64().unwrap());
    for c in v["cases"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let want: Vec<i64> = c["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        assert_eq!(tok.encode(text), want, "{text:?}");
        assert_eq!(tok.decode(&want), text, "round trip of {text:?}");
    }
    assert!(Gpt2Bpe::from_dir(&base.join("nonexistent")).is_err());
}
