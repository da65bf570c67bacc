//! The language-model task through the same trainer: the reference model's errors are ln 2,
//! and HyperDPO with Hyper Prompt Tuning steers the two objectives with w.

use hyperdpo_hpt::data::synthetic_preferences;
use hyperdpo_hpt::gpt2::{Gpt2, Gpt2Config};
use hyperdpo_hpt::pretrain::pretrain;
use hyperdpo_hpt::tokenizer::{ByteTokenizer, Tokenizer};
use hyperdpo_train::config::{IcosConfig, OptimConfig, PerObjective, TrainConfig};
use hyperdpo_train::llm::{LlmFactory, LlmTask};
use hyperdpo_train::methods::evaluate_at;
use hyperdpo_train::policy::{Conditioning, PolicyFactory};
use hyperdpo_train::task::{Split, Task};
use hyperdpo_train::trainer::{train, Objective};
use std::rc::Rc;
use tch::Device;

/// libtorch's generator is process-wide: the tests in this file run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn hpt_policy_trains_and_follows_w() {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tok = ByteTokenizer;
    let set = synthetic_preferences(120, 2);
    let (train_r, valid, test) = (
        &set.records[..80],
        &set.records[80..100],
        &set.records[100..],
    );
    tch::manual_seed(0);
    let mut model = Gpt2::new(
        Gpt2Config {
            vocab_size: tok.vocab_size(),
            n_positions: 96,
            n_embd: 32,
            n_layer: 1,
            n_head: 2,
            layer_norm_epsilon: 1e-5,
        },
        Device::Cpu,
    )
    .unwrap();
    let texts: Vec<String> = train_r
        .iter()
        .flat_map(|r| r.responses.iter().map(move |x| format!("{}{x}", r.prompt)))
        .collect();
    let loss = pretrain(&model, &tok, &texts, 120, 16, 3e-3, 0).unwrap();
    assert!(loss < 1.5, "pretraining loss {loss}");
    model.vs.freeze();
    let model = Rc::new(model);
    let config = TrainConfig {
        beta: PerObjective::All(0.1),
        optim: OptimConfig {
            lr: 1e-2,
            batch_size: 16,
            ..Default::default()
        },
        icos: IcosConfig {
            alpha: PerObjective::All(0.5),
            lambda: 0.0,
            ..Default::default()
        },
        ..TrainConfig::default()
    };
    let task = LlmTask::new(
        model.clone(),
        &tok,
        set.objectives.clone(),
        train_r,
        valid,
        test,
        40,
        48,
        &config,
    )
    .unwrap();
    // the reference itself: Δ = 0 → σ(0) = 1/2 → cross-entropy ln 2 for both objectives
    let reference = task
        .evaluate(Split::Validation, &mut |_x, _m, base| {
            Ok(base.shallow_clone())
        })
        .unwrap();
    for v in &reference.aux {
        assert!((v - std::f64::consts::LN_2).abs() < 1e-12);
    }
    assert_eq!(reference.main, 0.0);
    let factory = LlmFactory {
        model: model.clone(),
        m: 2,
        tokens: 4,
        rank: 2,
        mlp_hidden: 16,
        lora_rank: 2,
        lora_alpha: 4.0,
    };
    let policy = factory.create(Conditioning::Weights, 1).unwrap();
    let before: std::collections::HashMap<String, tch::Tensor> = model
        .vs
        .variables()
        .into_iter()
        .map(|(k, v)| (k, v.copy()))
        .collect();
    // (the ICOS loss of an epoch depends on the w drawn, so steering is what is checked here)
    let rep = train(
        &task,
        policy.as_ref(),
        &Objective::Icos,
        &config,
        8,
        "hpt",
        None,
    )
    .unwrap();
    assert!(rep.epoch_losses.iter().all(|l| l.is_finite()));
    let helpful =
        evaluate_at(&task, policy.as_ref(), &[1.0, 0.0], None, Split::Validation).unwrap();
    let harmless =
        evaluate_at(&task, policy.as_ref(), &[0.0, 1.0], None, Split::Validation).unwrap();
    // lower is better: w = e_1 has the lower helpfulness error, w = e_2 the lower harmlessness error
    assert!(
        helpful.aux[0] < harmless.aux[0],
        "{:?} vs {:?}",
        helpful.aux,
        harmless.aux
    );
    assert!(
        harmless.aux[1] < helpful.aux[1],
        "{:?} vs {:?}",
        helpful.aux,
        harmless.aux
    );
    // the base model's weights are untouched
    for (name, v) in model.vs.variables() {
        assert!(!v.requires_grad(), "base variable {name} is trainable");
        assert!(
            bool::try_from(v.eq_tensor(&before[&name]).all()).unwrap(),
            "base variable {name} changed"
        );
    }
}

#[test]
fn a_user_checkpoint_folder_with_bpe_and_pku_jsonl_runs_through_the_task() {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The path of `llm_alignment --model DIR --data FILE.jsonl`: HF checkpoint + GPT-2 BPE
    // (tests/fixtures/gen_tiny_checkpoint.py in hyperdpo-hpt) and PKU-SafeRLHF JSON lines.
    use hyperdpo_hpt::data::{read_jsonl, Layout};
    use hyperdpo_hpt::tokenizer::Gpt2Bpe;
    let fixtures =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../hyperdpo-hpt/tests/fixtures");
    let dir = fixtures.join("tiny-gpt2-bpe");
    let tok = Gpt2Bpe::from_dir(&dir).unwrap();
    let mut model = Gpt2::from_pretrained(&dir, Device::Cpu).unwrap();
    assert_eq!(model.config.vocab_size, tok.vocab_size());
    model.vs.freeze();
    let f = std::fs::File::open(fixtures.join("pku_sample.jsonl")).unwrap();
    let set = read_jsonl(
        std::io::BufReader::new(f),
        "pku_sample.jsonl",
        &Layout::Pku,
        false,
    )
    .unwrap();
    assert_eq!(set.records.len(), 12);
    let config = TrainConfig {
        beta: PerObjective::All(0.1),
        optim: OptimConfig {
            lr: 1e-2,
            batch_size: 4,
            ..Default::default()
        },
        ..TrainConfig::default()
    };
    let model = Rc::new(model);
    let r = &set.records;
    let task = LlmTask::new(
        model.clone(),
        &tok,
        set.objectives.clone(),
        &r[..8],
        &r[8..10],
        &r[10..],
        40,
        48,
        &config,
    )
    .unwrap();
    let factory = LlmFactory {
        model,
        m: 2,
        tokens: 4,
        rank: 2,
        mlp_hidden: 8,
        lora_rank: 2,
        lora_alpha: 4.0,
    };
    for cond in [Conditioning::Weights, Conditioning::None] {
        let p = factory.create(cond, 3).unwrap();
        let obj = if cond == Conditioning::None {
            Objective::Weighted(vec![0.5, 0.5])
        } else {
            Objective::Icos
        };
        let rep = train(&task, p.as_ref(), &obj, &config, 2, "user-folder", None).unwrap();
        assert_eq!(rep.epochs, 2);
        let e = evaluate_at(&task, p.as_ref(), &[0.5, 0.5], None, Split::Test).unwrap();
        assert!(e.aux.iter().all(|v| v.is_finite() && *v > 0.0));
    }
}
