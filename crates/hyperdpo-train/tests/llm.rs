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

#[test]
fn hpt_policy_trains_and_follows_w() {
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
