//! HyperDPO on learning to rank — the paper's Table 1 experiment in one command.
//!
//! Trains a base ranker on the main objective (relevance), then HyperDPO (one model for the whole
//! front) and the baselines DPO-LS, DPO Soup and MO-DPO on the auxiliary objectives, evaluates
//! every method at the same K weights on the test split, and prints a Table 1-style table
//! (hypervolume, main NDCG@10, training time, parameters). Writes `report.json`, `fronts.csv`,
//! `fronts.svg`, `temperature.svg` (post-training temperature control) and `feature_norm.json`
//! (the input transform fitted on the training split, also next to `--checkpoint-dir`
//! checkpoints) to `--out`.
//!
//! ```text
//! cargo run --release --example ltr_pareto                      # synthetic MSLR-like data, m = 2, quick
//! cargo run --release --example ltr_pareto -- --m 5             # five auxiliary objectives
//! cargo run --release --example ltr_pareto -- --data ../shared/data/letor4-mq2008-sample/vali.txt --aux 45,46
//! cargo run --release --example ltr_pareto -- --data /path/to/MSLR-WEB10K/Fold1 --full
//! cargo run --release --example ltr_pareto -- --sweep alpha=0.2,0.5,1.0
//! ```

use clap::Parser;
use hyperdpo::ltr::data::{load, ParseOptions};
use hyperdpo::ltr::synthetic::SyntheticConfig;
use hyperdpo::ltr::task::{Column, Columns, FeatureNorm, MoftData};
use hyperdpo::moo::hypervolume;
use hyperdpo::moo::Sense;
use hyperdpo::train::config::{Parametrization, PerObjective, TrainConfig};
use hyperdpo::train::methods::{
    dpo_ls, hyperdpo, mo_dpo, single_objective_models, soup, MethodResult,
};
use hyperdpo::train::policy::RankerFactory;
use hyperdpo::train::report::{Report, TemperatureSweep};
use hyperdpo::train::task::{LtrTask, Split};
use hyperdpo::train::trainer::Checkpointing;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(about = "HyperDPO vs DPO-LS, DPO Soup and MO-DPO on learning to rank (paper, Table 1)")]
struct Args {
    /// LETOR/SVMlight data: a file (split 60/20/20 by query) or an MSLR fold directory with
    /// train.txt, vali.txt and test.txt. Default: the embedded synthetic MSLR-like data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Number of auxiliary objectives of the synthetic/MSLR task (paper order I..V).
    #[arg(long, default_value_t = 2)]
    m: usize,
    /// Auxiliary objectives: for MSLR-shaped data the paper's numbers (e.g. 4,5 = IV, V); for
    /// other data the 1-based feature columns to use as objectives (default: the last m).
    #[arg(long, value_delimiter = ',')]
    aux: Vec<usize>,
    /// Methods to run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "hyperdpo,dpo-ls,soup,mo-dpo"
    )]
    methods: Vec<String>,
    /// cpu, cuda, cuda:N or auto.
    #[arg(long)]
    device: Option<String>,
    /// Output directory.
    #[arg(long, default_value = "out/ltr_pareto")]
    out: PathBuf,
    /// Small budget that finishes in a few minutes on 2 CPU cores (the default).
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// The paper's budget (much longer).
    #[arg(long)]
    full: bool,
    /// A TOML/JSON config file; its fields replace the budget's.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Train HyperDPO with Algorithm 2 (temperature-conditioned).
    #[arg(long)]
    tcos: bool,
    /// Use the augmentation-network parametrisation (Appendix B.2.3).
    #[arg(long)]
    augmented: bool,
    /// Ablation: `alpha=0.2,0.5,1` or `depth=1,2,3` — HyperDPO once per value, one table and plot.
    #[arg(long)]
    sweep: Option<String>,
    /// Hide progress bars.
    #[arg(long)]
    no_progress: bool,
    /// Write HyperDPO checkpoints (every epoch, atomically) into this directory.
    #[arg(long)]
    checkpoint_dir: Option<PathBuf>,
    /// Resume HyperDPO from the checkpoint in --checkpoint-dir (same config required).
    #[arg(long, requires = "checkpoint_dir")]
    resume: bool,
}

fn budget(full: bool) -> TrainConfig {
    let mut c = TrainConfig {
        progress: true,
        ..TrainConfig::default()
    };
    if full {
        c.base_epochs = 30;
        c.epochs = 120;
        c.baseline_epochs = 30;
        c.patience = 15;
        c.optim.batch_size = 64;
    } else {
        c.base_epochs = 8;
        c.epochs = 24;
        c.baseline_epochs = 8;
        c.optim.max_list_len = 64;
        c.optim.lr = 2e-3;
    }
    // α = 0.5 puts more weight draws near the simplex's corners than α = 1; on the synthetic
    // m = 2 task it gave the higher validation HV (measured; see the issue notes).
    c.icos.alpha = PerObjective::All(0.5);
    c
}

/// Inputs, objectives and splits.
fn load_task(args: &Args) -> Result<(String, MoftData, MoftData, MoftData), String> {
    let seed = args.seed.unwrap_or(0);
    let Some(path) = &args.data else {
        let queries = if args.full { 3000 } else { 600 };
        let cfg = SyntheticConfig {
            queries,
            seed,
            ..SyntheticConfig::default()
        };
        let mut cols = Columns::mslr_moft(args.m);
        if !args.aux.is_empty() {
            cols = cols.with_objectives(&args.aux).map_err(|e| e.to_string())?;
        }
        let task = MoftData::from_columns(&cfg.generate().map_err(|e| e.to_string())?, &cols)
            .map_err(|e| e.to_string())?;
        let (a, b, c) = task
            .split([0.6, 0.2, 0.2], seed)
            .map_err(|e| e.to_string())?;
        return Ok((
            format!("synthetic MSLR-like ({queries} queries, seed {seed})"),
            a,
            b,
            c,
        ));
    };
    let opts = ParseOptions::default();
    let read = |p: &Path| load(p, &opts).map(|r| r.data).map_err(|e| e.to_string());
    let fold = path.is_dir();
    let first = if fold {
        read(&path.join("train.txt"))?
    } else {
        read(path)?
    };
    let nf = first.num_features;
    let cols = if nf == 136 {
        let c = Columns::mslr_moft(args.m);
        if args.aux.is_empty() {
            c
        } else {
            c.with_objectives(&args.aux).map_err(|e| e.to_string())?
        }
    } else {
        let aux: Vec<usize> = if args.aux.is_empty() {
            (nf + 1 - args.m..=nf).collect()
        } else {
            args.aux.clone()
        };
        if aux.iter().any(|&c| c == 0 || c > nf) {
            return Err(format!(
                "--aux {aux:?}: the data has feature columns 1..={nf}"
            ));
        }
        Columns {
            inputs: (1..=nf).filter(|c| !aux.contains(c)).collect(),
            main: Column::Label,
            objectives: aux
                .iter()
                .map(|&c| (format!("feature {c}"), Column::Feature(c)))
                .collect(),
        }
    };
    let pick = |d: &hyperdpo::ltr::data::LtrData| {
        MoftData::from_columns(d, &cols).map_err(|e| e.to_string())
    };
    if fold {
        let (tr, va, te) = (
            pick(&first)?,
            pick(&read(&path.join("vali.txt"))?)?,
            pick(&read(&path.join("test.txt"))?)?,
        );
        Ok((format!("{} (fold)", path.display()), tr, va, te))
    } else {
        let (a, b, c) = pick(&first)?
            .split([0.6, 0.2, 0.2], seed)
            .map_err(|e| e.to_string())?;
        Ok((
            format!("{} (60/20/20 split, seed {seed})", path.display()),
            a,
            b,
            c,
        ))
    }
}

/// z-score fitted on train; `log1p` for non-negative heavy-tailed features (max > 100).
fn normalise(train: &mut MoftData, others: &mut [&mut MoftData]) -> Result<FeatureNorm, String> {
    let d = train.dim;
    let log1p: Vec<bool> = (0..d)
        .map(|j| {
            let col = train.inputs.iter().skip(j).step_by(d);
            let (min, max) = col.fold((f32::INFINITY, f32::NEG_INFINITY), |a, &v| {
                (a.0.min(v), a.1.max(v))
            });
            min >= 0.0 && max > 100.0
        })
        .collect();
    let norm = FeatureNorm::fit(&train.inputs, d, &log1p).map_err(|e| e.to_string())?;
    norm.apply(&mut train.inputs);
    for o in others {
        norm.apply(&mut o.inputs);
    }
    Ok(norm)
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ltr_pareto: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let t_all = std::time::Instant::now();
    let mut config = match &args.config {
        Some(p) => TrainConfig::from_file(p).map_err(|e| e.to_string())?,
        None => budget(args.full),
    };
    if let Some(s) = args.seed {
        config.seed = s;
    }
    if let Some(d) = &args.device {
        config.device = d.clone();
    }
    if args.tcos {
        config.temperature_conditioned = true;
    }
    if args.augmented {
        config.parametrization = Parametrization::Augmented;
    }
    if args.no_progress {
        config.progress = false;
    }
    let (desc, mut train, mut valid, mut test) = load_task(&args)?;
    let norm = normalise(&mut train, &mut [&mut valid, &mut test])?;
    // The transform the models were trained with: inference must apply it to raw features.
    let norm_json = serde_json::to_vec_pretty(&norm).map_err(|e| e.to_string())?;
    for dir in std::iter::once(&args.out).chain(args.checkpoint_dir.as_ref()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        hyperdpo::train::report::write_atomically(&dir.join("feature_norm.json"), &norm_json)
            .map_err(|e| e.to_string())?;
    }
    let m = train.m();
    println!("data: {desc}");
    println!(
        "objectives: {} | queries train/valid/test: {}/{}/{} | device {}",
        train.names.join(", "),
        train.num_queries(),
        valid.num_queries(),
        test.num_queries(),
        config.device
    );
    let task = LtrTask::new(train, valid, test, &config).map_err(|e| e.to_string())?;
    let dim = task.input_dim();
    let factory = RankerFactory {
        input_dim: dim,
        m,
        net: config.model.clone(),
        parametrization: config.parametrization,
        device: config.device().map_err(|e| e.to_string())?,
    };
    let base = task.evaluate_base(Split::Test).map_err(|e| e.to_string())?;
    println!(
        "base model: main NDCG@{k} {:.4}, aux NDCG@{k} {:?} ({:.1} s, {} parameters)",
        base.main,
        base.aux
            .iter()
            .map(|v| (v * 1e4).round() / 1e4)
            .collect::<Vec<_>>(),
        task.base_seconds,
        task.base_parameters,
        k = config.eval.ndcg_k
    );

    let mut methods: Vec<MethodResult> = Vec::new();
    let mut sweeps = Vec::new();
    if let Some(sweep) = &args.sweep {
        let (key, values) = sweep.split_once('=').ok_or("--sweep takes key=v1,v2,...")?;
        for v in values.split(',') {
            let mut c = config.clone();
            let x: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("--sweep: `{v}` is not a number"))?;
            let label = match key {
                "alpha" => {
                    c.icos.alpha = PerObjective::All(x);
                    format!("HyperDPO α={x}")
                }
                "depth" => {
                    c.model.layers = x as usize;
                    format!("HyperDPO depth={}", x as usize)
                }
                k => return Err(format!("--sweep: unknown key `{k}` (alpha or depth)")),
            };
            let (mut r, _) = hyperdpo(
                &task,
                &RankerFactory {
                    net: c.model.clone(),
                    ..factory.clone()
                },
                &c,
                None,
            )
            .map_err(|e| e.to_string())?;
            r.method = label;
            methods.push(r);
        }
    } else {
        let want = |name: &str| args.methods.iter().any(|m| m == name);
        if want("hyperdpo") {
            let ck = args.checkpoint_dir.as_ref().map(|d| Checkpointing {
                dir: d.clone(),
                resume: args.resume,
            });
            let (r, model) =
                hyperdpo(&task, &factory, &config, ck.as_ref()).map_err(|e| e.to_string())?;
            // post-training temperature control: fronts at c·β (eq. 15) or any β (TCOS)
            let beta = config.beta.resolve(m, "beta").map_err(|e| e.to_string())?;
            for c in [0.5, 1.0, 2.0, 4.0] {
                let b: Vec<f64> = beta.iter().map(|x| x * c).collect();
                let evals = model
                    .front(&task, &r.weights, &b)
                    .map_err(|e| e.to_string())?;
                let front: Vec<Vec<f64>> = evals.iter().map(|e| e.aux.clone()).collect();
                sweeps.push(TemperatureSweep {
                    label: format!("β = {c}·β₀"),
                    hv: hypervolume(&front[..], &vec![0.0; m], Sense::Maximize)
                        .map_err(|e| e.to_string())?,
                    beta: b,
                    main: evals.iter().map(|e| e.main).collect(),
                    front,
                });
            }
            methods.push(r);
        }
        if want("dpo-ls") {
            methods.push(dpo_ls(&task, &factory, &config).map_err(|e| e.to_string())?);
        }
        if want("soup") || want("mo-dpo") {
            let (singles, jobs) =
                single_objective_models(&task, &factory, &config).map_err(|e| e.to_string())?;
            if want("soup") {
                methods.push(
                    soup(&task, &factory, &config, &singles, &jobs).map_err(|e| e.to_string())?,
                );
            }
            if want("mo-dpo") {
                methods.push(
                    mo_dpo(&task, &factory, &config, &singles, &jobs).map_err(|e| e.to_string())?,
                );
            }
        }
    }
    let report = Report {
        data: desc,
        objectives: task_names(&task),
        metric: format!("NDCG@{}", config.eval.ndcg_k),
        config: config.clone(),
        base,
        base_seconds: task.base_seconds,
        methods,
        temperature_sweeps: sweeps,
    };
    println!("\n{}", report.table());
    if let Some(h) = report
        .methods
        .iter()
        .find(|r| r.method.starts_with("HyperDPO"))
    {
        if let Some(ls) = report.methods.iter().find(|r| r.method == "DPO-LS") {
            println!(
                "DPO-LS time / HyperDPO time = {:.2}",
                ls.seconds / h.seconds.max(1e-9)
            );
        }
        for t in &report.temperature_sweeps {
            println!(
                "temperature control {}: HV {:.4e}, main {:.4}",
                t.label,
                t.hv,
                t.main.iter().sum::<f64>() / t.main.len() as f64
            );
        }
    }
    report
        .write(&args.out, 0, 1.min(m - 1))
        .map_err(|e| e.to_string())?;
    println!(
        "wrote {}/{{report.json, fronts.csv, fronts.svg, feature_norm.json{}}} in {:.1} s total",
        args.out.display(),
        if report.temperature_sweeps.is_empty() {
            ""
        } else {
            ", temperature.svg"
        },
        t_all.elapsed().as_secs_f64()
    );
    Ok(())
}

fn task_names(task: &LtrTask) -> Vec<String> {
    use hyperdpo::train::task::Task;
    task.names()
}
