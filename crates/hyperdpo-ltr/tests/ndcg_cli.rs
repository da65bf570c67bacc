//! The `ndcg` binary: trec_eval-style output, flags, and errors with file and line.

use std::process::Command;

fn dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ndcg_cli_{}_{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ndcg(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ndcg"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn d(i: usize) -> f64 {
    1.0 / ((i + 2) as f64).log2()
}

#[test]
fn hand_computed_run() {
    let t = dir();
    let qrels = t.join("qrels");
    let run = t.join("run");
    // q1: a (2), b (0), c (1) judged; d unjudged. q2: only x (1). q3 is judged but not run.
    std::fs::write(&qrels, "q1 0 a 2\nq1 0 b 0\nq1 0 c 1\nq2 0 x 1\nq3 0 z 3\n").unwrap();
    std::fs::write(
        &run,
        "q1 Q0 d 1 3.0 t\nq1 Q0 c 2 2.0 t\nq1 Q0 a 3 1.0 t\nq2 Q0 y 1 5.0 t\nq2 Q0 x 2 4.0 t\n",
    )
    .unwrap();
    let (rc, out, err) = ndcg(&[
        "-k",
        "2,10",
        "-q",
        qrels.to_str().unwrap(),
        run.to_str().unwrap(),
    ]);
    assert_eq!(rc, 0, "{err}");
    let q1_2 = (1.0 * d(1)) / (2.0 * d(0) + 1.0 * d(1));
    let q2_2 = d(1) / d(0);
    let q1_10 = (1.0 * d(1) + 2.0 * d(2)) / (2.0 * d(0) + 1.0 * d(1));
    let want = format!(
        "{:<22}\tq1\t{q1_2:.4}\n{:<22}\tq2\t{q2_2:.4}\n{:<22}\tall\t{:.4}\n{:<22}\tq1\t{q1_10:.4}\n{:<22}\tq2\t{q2_2:.4}\n{:<22}\tall\t{:.4}\n",
        "ndcg_cut_2", "ndcg_cut_2", "ndcg_cut_2", (q1_2 + q2_2) / 2.0, "ndcg_cut_10", "ndcg_cut_10", "ndcg_cut_10", (q1_10 + q2_2) / 2.0
    );
    assert_eq!(out, want);
}

#[test]
fn tie_rules_and_gain() {
    let t = dir();
    let qrels = t.join("qrels");
    let run = t.join("run");
    std::fs::write(&qrels, "q 0 a 0\nq 0 b 1\n").unwrap();
    // tied scores; file order a, b; docno descending puts b first
    std::fs::write(&run, "q Q0 a 1 1.0 t\nq Q0 b 2 1.0 t\n").unwrap();
    let get = |extra: &[&str]| {
        let mut args = vec!["-k", "1"];
        args.extend_from_slice(extra);
        args.push(qrels.to_str().unwrap());
        args.push(run.to_str().unwrap());
        let (rc, out, _) = ndcg(&args);
        assert_eq!(rc, 0);
        out.split('\t')
            .nth(2)
            .unwrap()
            .trim()
            .parse::<f64>()
            .unwrap()
    };
    assert_eq!(get(&[]), 1.0); // trec_eval's docno rule
    assert_eq!(get(&["--ties", "stable"]), 0.0);
    assert_eq!(get(&["--ties", "average"]), 0.5);
    assert_eq!(get(&["--ties", "average", "--gain", "exp"]), 0.5);
}

#[test]
fn bad_lines_name_file_and_line() {
    let t = dir();
    let qrels = t.join("qrels");
    let run = t.join("run");
    std::fs::write(&qrels, "q 0 a 1\nq 0 b x\n").unwrap();
    std::fs::write(&run, "q Q0 a 1 1.0 t\n").unwrap();
    let (rc, _, err) = ndcg(&[qrels.to_str().unwrap(), run.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        format!(
            "ndcg: {}:2: field 4: relevance `x` is not a number",
            qrels.display()
        )
    );
    std::fs::write(&qrels, "q 0 a 1\n").unwrap();
    std::fs::write(&run, "q Q0 a 1 1.0 t\nq Q0 b 2 oops t\n").unwrap();
    let (rc, _, err) = ndcg(&[qrels.to_str().unwrap(), run.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        format!(
            "ndcg: {}:2: field 5: score `oops` is not a number",
            run.display()
        )
    );
    std::fs::write(&run, "q Q0 a 1\n").unwrap();
    let (rc, _, err) = ndcg(&[qrels.to_str().unwrap(), run.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert!(err.contains(":1: expected 6 fields"), "{err}");
    let (rc, _, _) = ndcg(&["--ties", "random", "a", "b"]);
    assert_eq!(rc, 2);
}

#[test]
fn agrees_with_trec_eval() {
    // fixtures/gen_trec.py: values from pytrec_eval (trec_eval's C code)
    let base = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trec");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("expected.json")).unwrap())
            .unwrap();
    let (rc, out, err) = ndcg(&[
        "-q",
        "-k",
        "5,10,20",
        base.join("qrels").to_str().unwrap(),
        base.join("run").to_str().unwrap(),
    ]);
    assert_eq!(rc, 0, "{err}");
    let mut checked = 0;
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let k = f[0].trim().trim_start_matches("ndcg_cut_");
        let got: f64 = f[2].parse().unwrap();
        let table = &expected["ndcg_cut"][k];
        let want = if f[1] == "all" {
            let vals: Vec<f64> = table
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_f64().unwrap())
                .collect();
            vals.iter().sum::<f64>() / vals.len() as f64
        } else {
            table[f[1]].as_f64().unwrap()
        };
        assert!((got - want).abs() <= 5.1e-5, "{line}: trec_eval {want}");
        checked += 1;
    }
    assert_eq!(checked, 3 * 26);
}
