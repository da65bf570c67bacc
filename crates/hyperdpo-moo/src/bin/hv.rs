//! `hv` — exact hypervolume of point sets from files or standard input.
//!
//! Compatible with the classic `hv` tool of Fonseca, Paquete and López-Ibáñez (and moocore's
//! file format): whitespace-separated points, one per line; blank lines separate sets; `#`
//! starts a comment line. Prints one hypervolume per set, with 17 significant digits.

use hyperdpo_moo::io::{read_point_sets, PointSet};
use hyperdpo_moo::{hypervolume, Points, Sense, Senses};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: hv [OPTIONS] [FILE...]

Computes the exact hypervolume of each set of points in FILE(s) (or standard input when no
FILE or `-` is given). Points: one per line, objectives separated by whitespace. Sets: separated
by blank lines. Lines starting with `#` are ignored. Objectives are minimised unless told.

Options:
  -r, --reference \"R1 R2 ...\"   reference point (spaces or commas between values);
                                default: the worst value of each objective over all input,
                                so points at that worst value add nothing
  -M, --maximise[=LIST]         maximise all objectives, or those in LIST (1-based, e.g. 1,3)
      --maximize[=LIST]         same as --maximise
  -s, --sum                     also print the sum over all sets of each file
  -q, --quiet                   do not print notes on standard error
  -h, --help                    print this help
  -V, --version                 print the version

Exit status: 0 on success, 1 on bad input (the message names file and line), 2 on bad usage.";

struct Options {
    reference: Option<Vec<f64>>,
    maximise: Option<Vec<usize>>, // Some(empty) = all
    files: Vec<String>,
    quiet: bool,
    sum: bool,
}

fn parse_args(args: Vec<String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        reference: None,
        maximise: None,
        files: Vec::new(),
        quiet: false,
        sum: false,
    };
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("hv (hyperdpo-moo) {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-q" | "--quiet" => o.quiet = true,
            "-s" | "--sum" => o.sum = true,
            "-r" | "--reference" => {
                let v = match inline {
                    Some(v) => v,
                    None => it.next().ok_or("-r needs a value, e.g. -r \"1 1\"")?,
                };
                let vals: Result<Vec<f64>, _> = v
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<f64>()
                            .map_err(|_| format!("reference point: `{s}` is not a number"))
                    })
                    .collect();
                let vals = vals?;
                if vals.is_empty() {
                    return Err("reference point is empty".into());
                }
                o.reference = Some(vals);
            }
            "-M" | "--maximise" | "--maximize" => {
                let list = match inline {
                    None => Vec::new(),
                    Some(v) => v
                        .split(',')
                        .map(|s| match s.trim().parse::<usize>() {
                            Ok(k) if k >= 1 => Ok(k - 1),
                            _ => Err(format!(
                                "--maximise: `{s}` is not an objective number (1-based)"
                            )),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                };
                o.maximise = Some(list);
            }
            "-" => o.files.push(a),
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option `{a}`")),
            _ => o.files.push(a),
        }
    }
    Ok(Some(o))
}

fn senses(o: &Options, dim: usize) -> Result<Senses, String> {
    match &o.maximise {
        None => Ok(Senses::all(Sense::Minimize)),
        Some(l) if l.is_empty() => Ok(Senses::all(Sense::Maximize)),
        Some(l) => {
            let mut s = vec![Sense::Minimize; dim];
            for &k in l {
                if k >= dim {
                    return Err(format!(
                        "--maximise: objective {} does not exist (points have {dim})",
                        k + 1
                    ));
                }
                s[k] = Sense::Maximize;
            }
            Ok(Senses::per_objective(s))
        }
    }
}

fn run(o: Options) -> Result<(), String> {
    let sources: Vec<String> = if o.files.is_empty() {
        vec!["-".into()]
    } else {
        o.files.clone()
    };
    let mut inputs: Vec<(String, Vec<PointSet>)> = Vec::new();
    for src in &sources {
        let (name, sets) = if src == "-" {
            (
                "<stdin>".to_string(),
                read_point_sets(std::io::stdin(), "<stdin>"),
            )
        } else {
            let file = std::fs::File::open(src).map_err(|e| format!("{src}: {e}"))?;
            (src.clone(), read_point_sets(file, src))
        };
        let sets = sets.map_err(|e| e.to_string())?;
        inputs.push((name, sets));
    }
    let dim = inputs
        .iter()
        .flat_map(|(_, s)| s.iter())
        .map(|s| s.dim)
        .next();
    let Some(dim) = dim else {
        return Err(format!("{}: no points found", sources.join(", ")));
    };
    for (name, sets) in &inputs {
        if let Some(s) = sets.iter().find(|s| s.dim != dim) {
            return Err(format!(
                "{name}:{}: {} objectives, but earlier points have {dim}",
                s.first_line, s.dim
            ));
        }
    }
    let senses = senses(&o, dim)?;
    let reference = match &o.reference {
        Some(r) if r.len() != dim => {
            return Err(format!(
                "reference point has {} values, but the points have {dim} objectives",
                r.len()
            ))
        }
        Some(r) => r.clone(),
        None => {
            let mut r: Vec<f64> = (0..dim)
                .map(|j| match senses.get(j) {
                    Sense::Minimize => f64::NEG_INFINITY,
                    Sense::Maximize => f64::INFINITY,
                })
                .collect();
            for (_, sets) in &inputs {
                for s in sets {
                    for p in s.data.chunks_exact(dim) {
                        for j in 0..dim {
                            r[j] = match senses.get(j) {
                                Sense::Minimize => r[j].max(p[j]),
                                Sense::Maximize => r[j].min(p[j]),
                            };
                        }
                    }
                }
            }
            if !o.quiet {
                let txt: Vec<String> = r.iter().map(|v| format!("{v}")).collect();
                eprintln!(
                    "hv: note: no reference point given; using the worst values: {}",
                    txt.join(" ")
                );
            }
            r
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (name, sets) in &inputs {
        let mut total = 0.0;
        for s in sets {
            let pts = Points::from_flat(&s.data, dim)
                .map_err(|e| format!("{name}:{}: {e}", s.first_line))?;
            let v =
                hypervolume(pts, &reference, senses.clone()).map_err(|e| format!("{name}: {e}"))?;
            total += v;
            writeln!(out, "{v:.16e}").map_err(|e| e.to_string())?;
        }
        if o.sum {
            writeln!(out, "# sum {name}: {total:.16e}").map_err(|e| e.to_string())?;
        }
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(args) {
        Err(e) => {
            eprintln!("hv: {e}\nTry `hv --help`.");
            ExitCode::from(2)
        }
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(o)) => match run(o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hv: {e}");
                ExitCode::from(1)
            }
        },
    }
}
