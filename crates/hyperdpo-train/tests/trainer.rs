//! The trainer on a tiny synthetic ranking task: the loss goes down, the front follows w,
//! eq. 15 control matches a model trained at cβ, Soup averaging is exact, resumed runs equal
//! uninterrupted ones, NaN losses stop the run, bad configs are explained.

use hyperdpo_ltr::synthetic::SyntheticConfig;
use hyperdpo_ltr::task::{FeatureNorm, MoftData};
use hyperdpo_train::config::{NetConfig, Parametrization, PerObjective, TrainConfig};
use hyperdpo_train::methods::{average_parameters, evaluate_at, hyperdpo};
use hyperdpo_train::policy::{Cond, Conditioning, Policy, RankerFactory, Scorer};
use hyperdpo_train::task::{Evaluation, ListBatch, LtrTask, ScoreFn, Split, Task};
use hyperdpo_train::trainer::{train, Checkpointing, Objective};
use hyperdpo_train::Error;
use tch::{Device, Kind, Tensor};

fn config() -> TrainConfig {
    let net = NetConfig {
        hidden: 16,
        layers: 1,
        heads: 2,
        dropout: 0.0,
    };
    TrainConfig {
        seed: 3,
        model: net.clone(),
        base: net,
        base_epochs: 4,
        epochs: 12,
        baseline_epochs: 4,
        icos: hyperdpo_train::config::IcosConfig {
            alpha: PerObjective::All(0.5),
            ..Default::default()
        },
        optim: hyperdpo_train::config::OptimConfig {
            lr: 5e-3,
            batch_size: 16,
            ..Default::default()
        },
        ..TrainConfig::default()
    }
}

fn data() -> (MoftData, MoftData, MoftData) {
    let task = SyntheticConfig {
        queries: 100,
        min_docs: 8,
        max_docs: 14,
        conflict: 0.8,
        seed: 5,
    }
    .generate_task(2)
    .unwrap();
    let (mut a, mut b, mut c) = task.split([0.6, 0.2, 0.2], 1).unwrap();
    let log1p: Vec<bool> = vec![false; a.dim];
    let norm = FeatureNorm::fit(&a.inputs, a.dim, &log1p).unwrap();
    norm.apply(&mut a.inputs);
    norm.apply(&mut b.inputs);
    norm.apply(&mut c.inputs);
    (a, b, c)
}

/// libtorch's random generator is global to the process: tests that rely on seeded
/// initialisation take this lock so that parallel tests do not interleave their draws.
static RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    RNG.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    // libtorch tensors are not Sync: one task (with its trained base model) per test thread.
    static TASK: &'static LtrTask = {
        let (a, b, c) = data();
        Box::leak(Box::new(LtrTask::new(a, b, c, &config()).unwrap()))
    };
}

fn task() -> &'static LtrTask {
    TASK.with(|t| *t)
}

fn new_policy(cond: Conditioning, seed: u64) -> Policy {
    Policy::new(
        task().input_dim(),
        2,
        cond,
        &config().model,
        Parametrization::Scratch,
        Device::Cpu,
        seed,
    )
    .unwrap()
}

#[test]
fn icos_loss_decreases_and_front_follows_w() {
    let _guard = serial();
    let t = task();
    let p = new_policy(Conditioning::Weights, 1);
    let rep = train(t, &p, &Objective::Icos, &config(), 40, "icos-test", None).unwrap();
    assert_eq!(rep.epochs, 40);
    let (first, last) = (rep.epoch_losses[0], *rep.epoch_losses.last().unwrap());
    assert!(last < first * 0.97, "ICOS loss {first} -> {last}");
    // NDCG of objective j grows with w_j (the two objectives conflict)
    let e10 = evaluate_at(t, &p, &[1.0, 0.0], None, Split::Validation).unwrap();
    let e01 = evaluate_at(t, &p, &[0.0, 1.0], None, Split::Validation).unwrap();
    assert!(
        e10.aux[0] > e01.aux[0] + 0.02,
        "objective 1: {:?} vs {:?}",
        e10.aux,
        e01.aux
    );
    assert!(
        e01.aux[1] > e10.aux[1] + 0.02,
        "objective 2: {:?} vs {:?}",
        e10.aux,
        e01.aux
    );
}

#[test]
fn eq15_control_matches_a_model_trained_at_c_beta() {
    let _guard = serial();
    let t = task();
    let mut cfg = config();
    cfg.epochs = 14;
    let factory = RankerFactory {
        input_dim: t.input_dim(),
        m: 2,
        net: cfg.model.clone(),
        parametrization: Parametrization::Scratch,
        device: Device::Cpu,
    };
    let (_, model) = hyperdpo(t, &factory, &cfg, None).unwrap();
    let c = 2.0;
    let mut cfg_c = cfg.clone();
    cfg_c.beta = PerObjective::All(c);
    let (_, model_c) = hyperdpo(t, &factory, &cfg_c, None).unwrap();
    let weights = vec![vec![1.0, 0.0], vec![0.5, 0.5], vec![0.0, 1.0]];
    let controlled = model.front(t, &weights, &[c, c]).unwrap();
    let trained = model_c.front(t, &weights, &[c, c]).unwrap();
    let uncontrolled = model.front(t, &weights, &[1.0, 1.0]).unwrap();
    let dist = |a: &[Evaluation], b: &[Evaluation]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| {
                (x.main - y.main).abs()
                    + x.aux
                        .iter()
                        .zip(&y.aux)
                        .map(|(p, q)| (p - q).abs())
                        .sum::<f64>()
            })
            .sum::<f64>()
            / a.len() as f64
    };
    let (d_ctrl, d_raw) = (dist(&controlled, &trained), dist(&uncontrolled, &trained));
    assert!(
        d_ctrl < 0.06,
        "eq. 15 front differs from the cβ model by {d_ctrl}"
    );
    assert!(
        d_ctrl < d_raw,
        "eq. 15 ({d_ctrl}) should be closer to the cβ model than no control ({d_raw})"
    );
    // an Algorithm 1 model refuses non-proportional temperatures
    let x = Tensor::zeros([1, 2, t.input_dim() as i64], (Kind::Float, Device::Cpu));
    let mask = Tensor::ones([1, 2], (Kind::Bool, Device::Cpu));
    let base = Tensor::zeros([1, 2], (Kind::Float, Device::Cpu));
    assert!(matches!(
        model.scores(&x, &mask, &base, &[0.5, 0.5], &[1.0, 2.0]),
        Err(Error::Config { .. })
    ));
}

#[test]
fn soup_parameter_averaging_is_exact() {
    let _guard = serial();
    let (a, b) = (
        new_policy(Conditioning::None, 10),
        new_policy(Conditioning::None, 11),
    );
    let soup = new_policy(Conditioning::None, 12);
    let w = [0.3, 0.7];
    average_parameters(&[&a, &b], &w, &soup).unwrap();
    let (a, b) = (
        new_policy(Conditioning::None, 10),
        new_policy(Conditioning::None, 11),
    );
    let (va, vb) = (a.vs.variables(), b.vs.variables());
    for (name, v) in soup.vs.variables() {
        let want = Tensor::zeros_like(&v) + &va[&name] * 0.3 + &vb[&name] * 0.7;
        assert!(bool::try_from(v.eq_tensor(&want).all()).unwrap(), "{name}");
    }
    // w = e_1 reproduces the first model's scores exactly
    let one = new_policy(Conditioning::None, 13);
    average_parameters(&[&a, &b], &[1.0, 0.0], &one).unwrap();
    let a = new_policy(Conditioning::None, 10);
    let x = Tensor::randn(
        [2, 5, task().input_dim() as i64],
        (Kind::Float, Device::Cpu),
    );
    let mask = Tensor::ones([2, 5], (Kind::Bool, Device::Cpu));
    let base = Tensor::zeros([2, 5], (Kind::Float, Device::Cpu));
    let s1 = one.scores(&x, &mask, &base, Cond::None, false).unwrap();
    let s2 = a.scores(&x, &mask, &base, Cond::None, false).unwrap();
    assert_eq!((s1 - s2).abs().max().double_value(&[]), 0.0);
}

/// Wraps a task; fails or poisons the batches of one epoch.
struct Faulty<'a> {
    inner: &'a LtrTask,
    epoch: usize,
    poison: bool,
}

impl Task for Faulty<'_> {
    fn m(&self) -> usize {
        self.inner.m()
    }
    fn names(&self) -> Vec<String> {
        self.inner.names()
    }
    fn device(&self) -> Device {
        self.inner.device()
    }
    fn batches(&self, epoch: usize, seed: u64) -> hyperdpo_train::Result<Vec<ListBatch>> {
        let mut b = self.inner.batches(epoch, seed)?;
        if epoch == self.epoch {
            if !self.poison {
                return Err(Error::Config {
                    field: "test".into(),
                    reason: "simulated crash".into(),
                });
            }
            for x in &mut b {
                x.base = Tensor::full_like(&x.base, f64::NAN);
            }
        }
        Ok(b)
    }
    fn evaluate(
        &self,
        split: Split,
        score: &mut ScoreFn<'_>,
    ) -> hyperdpo_train::Result<Evaluation> {
        self.inner.evaluate(split, score)
    }
}

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("hyperdpo_train_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn resumed_run_equals_uninterrupted_run() {
    let _guard = serial();
    let t = task();
    let cfg = config();
    let epochs = 4;
    let full_dir = tmpdir("full");
    let full = new_policy(Conditioning::Weights, 20);
    let ck_full = Checkpointing {
        dir: full_dir.clone(),
        resume: false,
    };
    let rep_full = train(
        t,
        &full,
        &Objective::Icos,
        &cfg,
        epochs,
        "job",
        Some(&ck_full),
    )
    .unwrap();

    let dir = tmpdir("resume");
    let ck = Checkpointing {
        dir: dir.clone(),
        resume: true,
    };
    let crashed = new_policy(Conditioning::Weights, 20);
    let faulty = Faulty {
        inner: t,
        epoch: 2,
        poison: false,
    };
    assert!(train(
        &faulty,
        &crashed,
        &Objective::Icos,
        &cfg,
        epochs,
        "job",
        Some(&ck)
    )
    .is_err());
    // a fresh process: new policy (different init), resume from the epoch-2 checkpoint
    let resumed = new_policy(Conditioning::Weights, 99);
    let rep = train(
        t,
        &resumed,
        &Objective::Icos,
        &cfg,
        epochs,
        "job",
        Some(&ck),
    )
    .unwrap();
    assert_eq!(rep.epochs, epochs);
    assert_eq!(rep.epoch_losses, rep_full.epoch_losses);
    let (a, b) = (full.vs.variables(), resumed.vs.variables());
    for (k, v) in a {
        assert!(
            bool::try_from(v.eq_tensor(&b[&k]).all()).unwrap(),
            "variable {k} differs"
        );
    }
    // a checkpoint of another config is refused with an explanation
    let mut other = cfg.clone();
    other.icos.lambda = 0.5;
    let e = train(
        t,
        &new_policy(Conditioning::Weights, 1),
        &Objective::Icos,
        &other,
        epochs,
        "job",
        Some(&ck),
    )
    .unwrap_err();
    assert!(e.to_string().contains("another config"), "{e}");
    let _ = std::fs::remove_dir_all(&full_dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nan_loss_stops_the_run_and_keeps_the_last_checkpoint() {
    let _guard = serial();
    let t = task();
    let dir = tmpdir("nan");
    let ck = Checkpointing {
        dir: dir.clone(),
        resume: false,
    };
    let p = new_policy(Conditioning::Weights, 30);
    let faulty = Faulty {
        inner: t,
        epoch: 1,
        poison: true,
    };
    let e = train(
        &faulty,
        &p,
        &Objective::Icos,
        &config(),
        3,
        "nan-job",
        Some(&ck),
    )
    .unwrap_err();
    match e {
        Error::NonFinite {
            epoch,
            step,
            objective,
            value,
        } => {
            assert_eq!(epoch, 1);
            assert!(step > 0 && objective <= 2 && !value.is_finite());
        }
        other => panic!("expected NonFinite, got {other}"),
    }
    assert!(e_message_names_step());
    // the epoch-0 checkpoint survives and is usable
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("nan-job.json")).unwrap()).unwrap();
    assert_eq!(meta["report"]["epochs"], 1);
    assert!(dir.join("nan-job.safetensors").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

fn e_message_names_step() -> bool {
    let e = Error::NonFinite {
        step: 7,
        epoch: 1,
        objective: 0,
        value: f64::NAN,
    };
    e.to_string() == "non-finite loss at step 7 (epoch 1), objective 0: NaN"
}

#[test]
fn bad_configs_are_explained() {
    let _guard = serial();
    let mut c = config();
    c.icos.alpha = PerObjective::Each(vec![1.0, 1.0, 1.0]);
    assert_eq!(
        c.validate(2).unwrap_err().to_string(),
        "config `icos.alpha`: 3 values given for 2 objectives"
    );
    let mut c = config();
    c.beta = PerObjective::Each(vec![1.0, 0.0]);
    assert_eq!(
        c.validate(2).unwrap_err().to_string(),
        "config `beta[1]`: 0 must be finite and > 0"
    );
    let mut c = config();
    c.device = "tpu".into();
    assert!(c
        .validate(2)
        .unwrap_err()
        .to_string()
        .contains("`tpu` is not cpu, cuda, cuda:N or auto"));
    let mut c = config();
    c.model.hidden = 15;
    assert!(c
        .validate(2)
        .unwrap_err()
        .to_string()
        .starts_with("config `model.hidden`"));
    let mut c = config();
    c.eval.weights = 1;
    assert!(c.validate(2).is_err());
    let p = std::env::temp_dir().join(format!("bad_{}.toml", std::process::id()));
    std::fs::write(&p, "epochs = \"many\"\n").unwrap();
    let e = TrainConfig::from_file(&p).unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("epochs"), "{e}");
    std::fs::remove_file(&p).unwrap();
    // a TCOS policy refuses a condition without temperatures
    let p = new_policy(Conditioning::WeightsAndTemperature, 1);
    let x = Tensor::zeros(
        [1, 2, task().input_dim() as i64],
        (Kind::Float, Device::Cpu),
    );
    let mask = Tensor::ones([1, 2], (Kind::Bool, Device::Cpu));
    assert!(p
        .scores(
            &x,
            &mask,
            &Tensor::zeros([1, 2], (Kind::Float, Device::Cpu)),
            Cond::Shared {
                w: &[0.5, 0.5],
                beta: None
            },
            false
        )
        .is_err());
}
