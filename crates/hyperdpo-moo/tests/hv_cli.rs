//! The `hv` binary: output, sets, senses, and error messages with file and line.

use std::io::Write;
use std::process::{Command, Stdio};

fn hv(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hv"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hv starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn one_value_per_set_full_precision() {
    let (rc, out, _) = hv(&["-r", "3 3"], "# two sets\n1 2\n2 1\n\n\n0.5 0.5\n");
    assert_eq!(rc, 0);
    let vals: Vec<f64> = out.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(vals, vec![3.0, 6.25]);
    assert_eq!(out.lines().next().unwrap(), "3.0000000000000000e0");
}

#[test]
fn maximise_all_or_some_objectives() {
    let (_, out, _) = hv(&["--maximise", "-r", "0,0"], "0.4 0.1\n0.2 0.3\n");
    let v: f64 = out.trim().parse().unwrap();
    assert!((v - 0.08).abs() < 1e-16);
    let (_, out, _) = hv(&["--maximise=2", "-r", "1 0"], "0.5 2\n");
    assert_eq!(out.trim().parse::<f64>().unwrap(), 1.0);
}

#[test]
fn files_and_default_reference() {
    let dir = std::env::temp_dir().join(format!("hv_cli_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("front.txt");
    std::fs::write(&f, "0 2\n1 1\n2 0\n").unwrap();
    let (rc, out, err) = hv(&[f.to_str().unwrap()], "");
    assert_eq!(rc, 0);
    // reference = (2, 2): only (1, 1) strictly dominates it
    assert_eq!(out.trim().parse::<f64>().unwrap(), 1.0);
    assert!(err.contains("no reference point given"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_names_file_line_and_column() {
    let (rc, out, err) = hv(&["-r", "3 3"], "1 2\n2 1\n\n1 nan\n");
    assert_eq!(rc, 1);
    assert!(out.is_empty());
    assert_eq!(err.trim(), "hv: <stdin>:4: column 2: `nan` is not finite");
    let (rc, _, err) = hv(&["-r", "3 3"], "1 2\n1 2 3\n");
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        "hv: <stdin>:2: 3 objectives, but the first point has 2"
    );
    let (rc, _, err) = hv(&["-r", "3"], "1 2\n");
    assert_eq!(rc, 1);
    assert!(err.contains("reference point has 1 values"), "{err}");
    let (rc, _, err) = hv(&["/nonexistent/file.txt"], "");
    assert_eq!(rc, 1);
    assert!(err.starts_with("hv: /nonexistent/file.txt:"), "{err}");
    let (rc, _, err) = hv(&["--frobnicate"], "");
    assert_eq!(rc, 2);
    assert!(err.contains("unknown option"));
}
