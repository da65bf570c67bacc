//! Preference data: both JSONL layouts, errors naming line and field, lenient mode.

use hyperdpo_hpt::data::{read_jsonl, Layout};

#[test]
fn pku_layout() {
    let text = concat!(
        r#"{"prompt":"How?","response_0":"a","response_1":"b","better_response_id":0,"safer_response_id":1,"extra":true}"#,
        "\n\n",
        r#"{"prompt":"Why?","response_0":"c","response_1":"d","better_response_id":1,"safer_response_id":1}"#,
        "\n"
    );
    let s = read_jsonl(text.as_bytes(), "pku.jsonl", &Layout::Pku, false).unwrap();
    assert_eq!(s.objectives, vec!["helpful", "harmless"]);
    assert_eq!(s.records.len(), 2);
    assert_eq!(s.records[0].labels, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert_eq!(s.records[1].responses, vec!["c", "d"]);
}

#[test]
fn errors_name_line_and_field_and_lenient_mode_skips() {
    let text = concat!(
        r#"{"prompt":"ok","response_0":"a","response_1":"b","better_response_id":0,"safer_response_id":0}"#,
        "\n",
        r#"{"prompt":"x","response_0":"a","response_1":"b","better_response_id":2,"safer_response_id":0}"#,
        "\n",
        "not json\n",
        r#"{"prompt":"y","response_1":"b","better_response_id":0,"safer_response_id":0}"#,
        "\n"
    );
    let e = read_jsonl(text.as_bytes(), "f.jsonl", &Layout::Pku, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "f.jsonl:2: field `better_response_id` must be 0 or 1"
    );
    let s = read_jsonl(text.as_bytes(), "f.jsonl", &Layout::Pku, true).unwrap();
    assert_eq!(s.records.len(), 1);
    assert_eq!(
        s.skipped.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    assert!(s.skipped[1].1.starts_with("invalid JSON"));
    assert_eq!(s.skipped[2].1, "missing field `response_0`");
}

#[test]
fn listwise_layout() {
    let layout = Layout::Listwise(vec!["helpful".into(), "concise".into()]);
    let line = r#"{"prompt":"p","responses":["a","b","c"],"scores":{"helpful":[1,0,2],"concise":[0.5,0.1,0.2]}}"#;
    let s = read_jsonl(line.as_bytes(), "l.jsonl", &layout, false).unwrap();
    assert_eq!(
        s.records[0].labels,
        vec![vec![1.0, 0.0, 2.0], vec![0.5, 0.1, 0.2]]
    );
    let bad =
        r#"{"prompt":"p","responses":["a","b"],"scores":{"helpful":[1,0,2],"concise":[0.5,0.1]}}"#;
    let e = read_jsonl(bad.as_bytes(), "l.jsonl", &layout, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "l.jsonl:1: field `scores.helpful` has 3 values for 2 responses"
    );
}
