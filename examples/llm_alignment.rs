//! HyperDPO on language-model alignment — the paper's Table 2 experiment in one command.
//!
//! A GPT-2-architecture model (by default a tiny one pretrained here, in-process, on the
//! embedded synthetic preference data; `--model DIR` loads a Hugging Face GPT-2 folder) stays
//! frozen; HyperDPO trains one Hyper Prompt Tuning prefix for every helpful/harmless trade-off,
//! DPO-LS trains LoRA + prompt tuning once per weight, DPO Soup averages two such models. Prints
//! a Table 2-style table (HV with reference (1.1, 1.1), training time), greedy generations at
//! w = (1, 0), (0.5, 0.5), (0, 1), and writes `report.json`, `fronts.csv`, `fronts.svg`.
//!
//! ```text
//! cargo run --release --example llm_alignment                       # quick, embedded data
//! cargo run --release --example llm_alignment -- --data pku.jsonl --model ./gpt2 --device cuda
//! ```

use clap::Parser;
use hyperdpo::hpt::data::{read_jsonl, synthetic_preferences, Layout, PreferenceRecord};
use hyperdpo::hpt::generate::{generate, Sampling};
use hyperdpo::hpt::gpt2::{Gpt2, Gpt2Config};
use hyperdpo::hpt::pretrain::pretrain;
use hyperdpo::hpt::tokenizer::{ByteTokenizer, Gpt2Bpe, Tokenizer};
use hyperdpo::train::config::{NetConfig, PerObjective, TrainConfig};
use hyperdpo::train::llm::{LlmFactory, LlmTask};
use hyperdpo::train::methods::{dpo_ls, hyperdpo, single_objective_models, soup, MethodResult};
use hyperdpo::train::report::Report;
use hyperdpo::train::task::{Evaluation, Split, Task};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

#[derive(Parser, Debug)]
#[command(
    about = "HyperDPO (Hyper Prompt Tuning) vs DPO-LS and DPO Soup on LLM alignment (paper, Table 2)"
)]
struct Args {
    /// PKU-SafeRLHF-style JSONL (prompt, response_0, response_1, better_response_id,
    /// safer_response_id). Default: an embedded synthetic two-objective set.
    #[arg(long)]
    data: Option<PathBuf>,
    /// A Hugging Face GPT-2 folder: config.json, model.safetensors and the tokenizer
    /// (tokenizer.json, or vocab.json + merges.txt).
    #[arg(long)]
    model: Option<PathBuf>,
    /// cpu, cuda, cuda:N or auto.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Small budget (the default).
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// A larger budget.
    #[arg(long)]
    full: bool,
    /// Output directory.
    #[arg(long, default_value = "out/llm_alignment")]
    out: PathBuf,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Hide progress bars.
    #[arg(long)]
    no_progress: bool,
    /// A TOML/JSON training config (every hyperparameter); replaces the built-in budget.
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("llm_alignment: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let t_all = std::time::Instant::now();
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let scale = if args.full { 4 } else { 1 };
    let config = TrainConfig {
        seed: args.seed,
        device: args.device.clone(),
        beta: PerObjective::All(0.1),
        epochs: 12 * scale,
        baseline_epochs: 6 * scale,
        progress: !args.no_progress,
        model: NetConfig::default(),
        optim: hyperdpo::train::config::OptimConfig {
            lr: 1e-2,
            batch_size: 16,
            ..Default::default()
        },
        icos: hyperdpo::train::config::IcosConfig {
            alpha: PerObjective::All(0.5),
            lambda: 0.0,
            ..Default::default()
        },
        ..TrainConfig::default()
    };
    let config = match &args.config {
        Some(p) => TrainConfig::from_file(p).map_err(|e| err(&e))?,
        None => config,
    };
    let device = config.device().map_err(|e| err(&e))?;
    let tok: Box<dyn Tokenizer> = match &args.model {
        Some(dir) => Box::new(Gpt2Bpe::from_dir(dir).map_err(|e| err(&e))?),
        None => Box::new(ByteTokenizer),
    };
    let tok = tok.as_ref();
    let set = match &args.data {
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let s = read_jsonl(
                std::io::BufReader::new(f),
                &p.display().to_string(),
                &Layout::Pku,
                true,
            )
            .map_err(|e| err(&e))?;
            if !s.skipped.is_empty() {
                println!(
                    "skipped {} malformed lines (first: line {}: {})",
                    s.skipped.len(),
                    s.skipped[0].0,
                    s.skipped[0].1
                );
            }
            s
        }
        None => synthetic_preferences(400 * scale, args.seed),
    };
    let n = set.records.len();
    let (a, b) = (n * 6 / 10, n * 8 / 10);
    let (train, valid, test): (&[PreferenceRecord], _, _) =
        (&set.records[..a], &set.records[a..b], &set.records[b..]);
    println!(
        "data: {} ({} records: {}/{}/{}), objectives {:?}",
        args.data
            .as_ref()
            .map_or("synthetic helpful/harmless pairs".into(), |p| p
                .display()
                .to_string()),
        n,
        train.len(),
        valid.len(),
        test.len(),
        set.objectives
    );

    let model = match &args.model {
        Some(dir) => Gpt2::from_pretrained(dir, device).map_err(|e| err(&e))?,
        None => {
            tch::manual_seed(args.seed as i64);
            let cfg = Gpt2Config {
                vocab_size: tok.vocab_size(),
                n_positions: 96,
                n_embd: 64,
                n_layer: 2,
                n_head: 4,
                layer_norm_epsilon: 1e-5,
            };
            let m = Gpt2::new(cfg, device).map_err(|e| err(&e))?;
            let texts: Vec<String> = train
                .iter()
                .flat_map(|r| r.responses.iter().map(move |x| format!("{}{x}", r.prompt)))
                .collect();
            let t0 = std::time::Instant::now();
            let loss =
                pretrain(&m, tok, &texts, 300 * scale, 16, 3e-3, args.seed).map_err(|e| err(&e))?;
            println!("pretrained a tiny GPT-2 (d = 64, 2 layers, byte vocabulary) in-process: final loss {loss:.3} nats/token ({:.1} s)", t0.elapsed().as_secs_f64());
            m
        }
    };
    let mut model = model;
    model.vs.freeze();
    let model = Rc::new(model);
    let task = LlmTask::new(
        model.clone(),
        tok,
        set.objectives.clone(),
        train,
        valid,
        test,
        40,
        48,
        &config,
    )
    .map_err(|e| err(&e))?;
    let factory = LlmFactory {
        model: model.clone(),
        m: 2,
        tokens: 8,
        rank: 4,
        mlp_hidden: 32,
        lora_rank: 4,
        lora_alpha: 8.0,
    };
    let reference = task
        .evaluate(Split::Test, &mut |_x, _m, base| Ok(base.shallow_clone()))
        .map_err(|e| err(&e))?;

    let mut methods: Vec<MethodResult> = Vec::new();
    let (h, model_h) = hyperdpo(&task, &factory, &config, None).map_err(|e| err(&e))?;
    methods.push(h);
    methods.push(dpo_ls(&task, &factory, &config).map_err(|e| err(&e))?);
    let (singles, jobs) = single_objective_models(&task, &factory, &config).map_err(|e| err(&e))?;
    methods.push(soup(&task, &factory, &config, &singles, &jobs).map_err(|e| err(&e))?);

    println!("\n| method | HV (ref 1.1, 1.1) | IQR of log-lik. deviation (mean) | training time (s) | models | parameters |\n|---|---|---|---|---|---|");
    for m in &methods {
        println!(
            "| {} | {:.5} | {:.3} | {:.1} | {} | {} |",
            m.method, m.hv, m.main_mean, m.seconds, m.models, m.parameters
        );
    }
    let ls = &methods[1];
    println!(
        "\nDPO-LS time / HyperDPO time = {:.2}; reference model errors {:?}",
        ls.seconds / methods[0].seconds.max(1e-9),
        reference.aux
    );

    // generations at three trade-offs
    let prompt = &test[0].prompt;
    let ids = tok.encode(prompt);
    println!("\nprompt: {prompt}");
    for w in [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]] {
        let prefix = model_h
            .policy
            .prompt_prefix(&w)
            .ok_or("the HyperDPO policy has no prompt prefix")?
            .map_err(|e| err(&e))?;
        let out = generate(
            &model,
            &ids,
            44,
            tok.eos(),
            Some(&prefix),
            None,
            Sampling::Greedy,
        )
        .map_err(|e| err(&e))?;
        println!("  w = ({:.1}, {:.1}): {}", w[0], w[1], tok.decode(&out));
    }
    let out =
        generate(&model, &ids, 44, tok.eos(), None, None, Sampling::Greedy).map_err(|e| err(&e))?;
    println!("  reference     : {}", tok.decode(&out));

    let report = Report {
        data: "LLM alignment".into(),
        objectives: task.names(),
        metric: "cross-entropy error (lower is better)".into(),
        config: config.clone(),
        base: Evaluation {
            aux: reference.aux.clone(),
            main: reference.main,
        },
        base_seconds: 0.0,
        methods,
        temperature_sweeps: Vec::new(),
    };
    report.write(&args.out, 0, 1).map_err(|e| err(&e))?;
    println!(
        "wrote {}/{{report.json, fronts.csv, fronts.svg}} in {:.1} s total",
        args.out.display(),
        t_all.elapsed().as_secs_f64()
    );
    Ok(())
}
