//! `ndcg` — NDCG@k of a TREC run against TREC qrels, printed like trec_eval's `ndcg_cut`.

use hyperdpo_ltr::ndcg::{Gain, Ndcg, Ties, ZeroIdeal};
use std::collections::HashMap;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: ndcg [OPTIONS] QRELS RUN

QRELS: `qid iter docno rel` per line. RUN: `qid Q0 docno rank score tag` per line.
Prints `ndcg_cut_K<TAB>all<TAB>value` per cutoff (mean over the queries of the run that have
judgements). Documents in the run but not in the qrels have relevance 0; the ideal ranking orders
all judged documents of the query (as trec_eval); negative relevance counts as 0.

Options:
  -k LIST             cutoffs, comma-separated (default 5,10,15,20,30,100,200,500,1000)
  -q                  also print one line per query
  --gain linear|exp   gain rel or 2^rel - 1 (default linear, as trec_eval)
  --ties stable|average|docno
                      equal scores: run-file order, group-mean gain (scikit-learn), or by
                      docno descending (trec_eval) (default docno)
  --zero zero|one|exclude
                      score of a query with no relevant document (default zero)
  -h, --help          this help

Exit status: 0 on success, 1 on bad input (file and line named), 2 on bad usage.";

struct Opts {
    ks: Vec<usize>,
    per_query: bool,
    gain: Gain,
    ties: String,
    zero: ZeroIdeal,
    files: Vec<String>,
}

fn parse_args() -> Result<Option<Opts>, String> {
    let mut o = Opts {
        ks: vec![5, 10, 15, 20, 30, 100, 200, 500, 1000],
        per_query: false,
        gain: Gain::Linear,
        ties: "docno".into(),
        zero: ZeroIdeal::Zero,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "-q" => o.per_query = true,
            "-k" => {
                o.ks = val("-k")?
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .parse::<usize>()
                            .ok()
                            .filter(|&k| k > 0)
                            .ok_or(format!("-k: `{s}` is not a positive integer"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--gain" => {
                o.gain = match val("--gain")?.as_str() {
                    "linear" => Gain::Linear,
                    "exp" => Gain::Exponential,
                    v => return Err(format!("--gain: `{v}` is not linear or exp")),
                }
            }
            "--ties" => {
                o.ties = val("--ties")?;
                if !["stable", "average", "docno"].contains(&o.ties.as_str()) {
                    return Err(format!(
                        "--ties: `{}` is not stable, average or docno",
                        o.ties
                    ));
                }
            }
            "--zero" => {
                o.zero = match val("--zero")?.as_str() {
                    "zero" => ZeroIdeal::Zero,
                    "one" => ZeroIdeal::One,
                    "exclude" => ZeroIdeal::Exclude,
                    v => return Err(format!("--zero: `{v}` is not zero, one or exclude")),
                }
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option `{s}`")),
            _ => o.files.push(a),
        }
    }
    if o.files.len() != 2 {
        return Err("expected two files: QRELS RUN".into());
    }
    Ok(Some(o))
}

type Qrels = HashMap<String, HashMap<String, f64>>;

fn read_qrels(path: &str) -> Result<Qrels, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut q: Qrels = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        if f.len() != 4 {
            return Err(format!(
                "{path}:{}: expected 4 fields `qid iter docno rel`, found {}",
                i + 1,
                f.len()
            ));
        }
        let rel: f64 = f[3].parse().map_err(|_| {
            format!(
                "{path}:{}: field 4: relevance `{}` is not a number",
                i + 1,
                f[3]
            )
        })?;
        if !rel.is_finite() {
            return Err(format!(
                "{path}:{}: field 4: relevance `{}` is not finite",
                i + 1,
                f[3]
            ));
        }
        q.entry(f[0].to_string())
            .or_default()
            .insert(f[2].to_string(), rel.max(0.0));
    }
    Ok(q)
}

/// A run: per query (in order of first appearance) its `(docno, score)` lines in file order.
type Run = Vec<(String, Vec<(String, f64)>)>;

fn read_run(path: &str) -> Result<Run, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut order: Run = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        if f.len() != 6 {
            return Err(format!(
                "{path}:{}: expected 6 fields `qid Q0 docno rank score tag`, found {}",
                i + 1,
                f.len()
            ));
        }
        let score: f64 = f[4].parse().map_err(|_| {
            format!(
                "{path}:{}: field 5: score `{}` is not a number",
                i + 1,
                f[4]
            )
        })?;
        if score.is_nan() {
            return Err(format!("{path}:{}: field 5: score is NaN", i + 1));
        }
        let k = *index.entry(f[0].to_string()).or_insert_with(|| {
            order.push((f[0].to_string(), Vec::new()));
            order.len() - 1
        });
        order[k].1.push((f[2].to_string(), score));
    }
    Ok(order)
}

fn run(o: Opts) -> Result<(), String> {
    let qrels = read_qrels(&o.files[0])?;
    let mut runs = read_run(&o.files[1])?;
    runs.retain(|(q, _)| qrels.contains_key(q));
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    let ties = if o.ties == "average" {
        Ties::Average
    } else {
        Ties::Stable
    };
    let mut out = String::new();
    for &k in &o.ks {
        let cfg = Ndcg {
            k,
            gain: o.gain,
            ties,
            zero_ideal: o.zero,
        };
        let (mut sum, mut count) = (0.0, 0usize);
        for (q, docs) in &runs {
            let judged = &qrels[q];
            let mut docs = docs.clone();
            if o.ties == "docno" {
                // trec_eval: score descending, then docno descending
                docs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            }
            let scores: Vec<f64> = docs.iter().map(|d| d.1).collect();
            let labels: Vec<f64> = docs
                .iter()
                .map(|d| judged.get(&d.0).copied().unwrap_or(0.0))
                .collect();
            let ideal: Vec<f64> = judged.values().copied().collect();
            if let Some(v) = cfg.list_with_ideal(&scores, &labels, &ideal) {
                sum += v;
                count += 1;
                if o.per_query {
                    out.push_str(&format!("{:<22}\t{q}\t{v:.4}\n", format!("ndcg_cut_{k}")));
                }
            }
        }
        let mean = if count > 0 { sum / count as f64 } else { 0.0 };
        out.push_str(&format!(
            "{:<22}\tall\t{mean:.4}\n",
            format!("ndcg_cut_{k}")
        ));
    }
    print!("{out}");
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Err(e) => {
            eprintln!("ndcg: {e}\nTry `ndcg --help`.");
            ExitCode::from(2)
        }
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(o)) => match run(o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ndcg: {e}");
                ExitCode::from(1)
            }
        },
    }
}
