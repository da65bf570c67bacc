//! Our GPT-2 against Hugging Face transformers (fixture from `tests/fixtures/gen_tiny_gpt2.py`):
//! the checkpoint is read through the real loading code, logits agree to 1e-5.

use hyperdpo_hpt::gpt2::{Gpt2, Lora};
use std::path::PathBuf;
use tch::{nn, Device, Kind, Tensor};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn json() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("tiny_gpt2_logits.json")).unwrap(),
    )
    .unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn ints(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()))
        .collect()
}

#[test]
fn logits_match_hugging_face() {
    let m = Gpt2::from_pretrained(&fixtures().join("tiny-gpt2"), Device::Cpu).unwrap();
    let f = json();
    let ids = Tensor::from_slice(&ints(&f["ids"])).view([2, 6]);
    let mask = Tensor::from_slice(&ints(&f["mask"])).view([2, 6]).gt(0);
    let logits = m.logits(&ids, Some(&mask)).unwrap();
    let want = Tensor::from_slice(&floats(&f["logits"])).view([2, 6, 97]);
    // compare at real positions (padded positions carry no meaning)
    let diff = (&logits - &want)
        .abs()
        .amax([2i64].as_slice(), false)
        .masked_select(&mask);
    let max = diff.max().double_value(&[]);
    assert!(max < 1e-5, "max |Δlogit| at real positions = {max}");
}

#[test]
fn prefix_embeddings_match_hugging_face() {
    let m = Gpt2::from_pretrained(&fixtures().join("tiny-gpt2"), Device::Cpu).unwrap();
    let f = json();
    let ids = Tensor::from_slice(&ints(&f["ids"])).view([2, 6]);
    let mask = Tensor::from_slice(&ints(&f["mask"])).view([2, 6]).gt(0);
    let prefix = Tensor::from_slice(&floats(&f["prefix"])).view([2, 2, 24]);
    let h = Tensor::cat(&[&prefix, &m.embed(&ids).unwrap()], 1);
    let full_mask = Tensor::cat(
        &[&Tensor::ones([2, 2], (Kind::Bool, Device::Cpu)), &mask],
        1,
    );
    let logits = m.forward_embeddings(&h, Some(&full_mask), None).unwrap();
    let want = Tensor::from_slice(&floats(&f["logits_prefix"])).view([2, 8, 97]);
    let diff = (&logits - &want)
        .abs()
        .amax([2i64].as_slice(), false)
        .masked_select(&full_mask);
    assert!(diff.max().double_value(&[]) < 1e-5);
}

#[test]
fn save_load_round_trip_and_lora_starts_at_the_base() {
    let m = Gpt2::from_pretrained(&fixtures().join("tiny-gpt2"), Device::Cpu).unwrap();
    let dir = std::env::temp_dir().join(format!("gpt2_rt_{}", std::process::id()));
    m.save_pretrained(&dir).unwrap();
    let m2 = Gpt2::from_pretrained(&dir, Device::Cpu).unwrap();
    let ids = Tensor::from_slice(&[3i64, 4, 5, 6]).view([1, 4]);
    let a = m.logits(&ids, None).unwrap();
    assert_eq!(
        (&a - m2.logits(&ids, None).unwrap())
            .abs()
            .max()
            .double_value(&[]),
        0.0
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let vs = nn::VarStore::new(Device::Cpu);
    let lora = Lora::new(&vs.root(), &m, 4, 8.0).unwrap();
    let b = m
        .forward_embeddings(&m.embed(&ids).unwrap(), None, Some(&lora))
        .unwrap();
    assert_eq!((&a - &b).abs().max().double_value(&[]), 0.0);
    // a missing tensor is named
    let bad = std::env::temp_dir().join(format!("gpt2_bad_{}.safetensors", std::process::id()));
    Tensor::write_safetensors(
        &[(
            "wte.weight",
            Tensor::zeros([97, 24], (Kind::Float, Device::Cpu)),
        )],
        &bad,
    )
    .unwrap();
    let mut m3 = Gpt2::from_pretrained(&fixtures().join("tiny-gpt2"), Device::Cpu).unwrap();
    let e = m3.load_safetensors(&bad).unwrap_err().to_string();
    assert!(e.contains("missing"), "{e}");
    std::fs::remove_file(&bad).unwrap();
}
