//! Preference data: PKU-SafeRLHF-style pairs and a generic listwise layout, as JSON lines.

use crate::{Error, Result};
use std::io::BufRead;

/// One prompt with `n` responses and one label per objective and response (`labels[j][i]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PreferenceRecord {
    /// The prompt text.
    pub prompt: String,
    /// The responses.
    pub responses: Vec<String>,
    /// `labels[j][i]`: label of response `i` for objective `j` (higher = preferred).
    pub labels: Vec<Vec<f64>>,
}

/// A data set of preference records with objective names and the lines a lenient read skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct PreferenceSet {
    /// The records.
    pub records: Vec<PreferenceRecord>,
    /// Objective names.
    pub objectives: Vec<String>,
    /// `(line, reason)` of skipped lines (lenient mode).
    pub skipped: Vec<(usize, String)>,
}

fn field<'a>(
    v: &'a serde_json::Value,
    name: &str,
) -> std::result::Result<&'a serde_json::Value, String> {
    v.get(name).ok_or_else(|| format!("missing field `{name}`"))
}

fn text(v: &serde_json::Value, name: &str) -> std::result::Result<String, String> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("field `{name}` is not a string"))
}

fn pku(v: &serde_json::Value) -> std::result::Result<PreferenceRecord, String> {
    let id = |name: &str| -> std::result::Result<usize, String> {
        match field(v, name)?.as_u64() {
            Some(i @ 0..=1) => Ok(i as usize),
            _ => Err(format!("field `{name}` must be 0 or 1")),
        }
    };
    let (better, safer) = (id("better_response_id")?, id("safer_response_id")?);
    let onehot = |i: usize| {
        if i == 0 {
            vec![1.0, 0.0]
        } else {
            vec![0.0, 1.0]
        }
    };
    Ok(PreferenceRecord {
        prompt: text(v, "prompt")?,
        responses: vec![text(v, "response_0")?, text(v, "response_1")?],
        labels: vec![onehot(better), onehot(safer)],
    })
}

fn listwise(
    v: &serde_json::Value,
    objectives: &[String],
) -> std::result::Result<PreferenceRecord, String> {
    let responses: Vec<String> = field(v, "responses")?
        .as_array()
        .ok_or("field `responses` is not a list")?
        .iter()
        .map(|r| {
            r.as_str()
                .map(str::to_string)
                .ok_or_else(|| "field `responses` holds a non-string".to_string())
        })
        .collect::<std::result::Result<_, _>>()?;
    if responses.len() < 2 {
        return Err("field `responses` needs at least 2 responses".into());
    }
    let scores = field(v, "scores")?
        .as_object()
        .ok_or("field `scores` is not an object")?;
    let mut labels = Vec::new();
    for o in objectives {
        let s: Vec<f64> = scores
            .get(o)
            .and_then(|x| x.as_array())
            .ok_or_else(|| format!("field `scores.{o}` is missing or not a list"))?
            .iter()
            .map(|x| {
                x.as_f64()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| format!("field `scores.{o}` holds a non-number"))
            })
            .collect::<std::result::Result<_, _>>()?;
        if s.len() != responses.len() {
            return Err(format!(
                "field `scores.{o}` has {} values for {} responses",
                s.len(),
                responses.len()
            ));
        }
        labels.push(s);
    }
    Ok(PreferenceRecord {
        prompt: text(v, "prompt")?,
        responses,
        labels,
    })
}

/// Which JSONL layout to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// PKU-SafeRLHF: `prompt`, `response_0`, `response_1`, `better_response_id`,
    /// `safer_response_id` → objectives `helpful` and `harmless` (label 1 for the preferred).
    Pku,
    /// `{"prompt": …, "responses": [...], "scores": {"name": [...], …}}` with the named
    /// objectives.
    Listwise(Vec<String>),
}

/// Reads preference records from JSON lines (blank lines are skipped).
///
/// ```
/// use hyperdpo_hpt::data::{read_jsonl, Layout};
/// let line = r#"{"prompt":"p","response_0":"a","response_1":"b","better_response_id":1,"safer_response_id":0}"#;
/// let set = read_jsonl(line.as_bytes(), "d.jsonl", &Layout::Pku, false).unwrap();
/// assert_eq!(set.records[0].labels, vec![vec![0.0, 1.0], vec![1.0, 0.0]]);
/// let e = read_jsonl("{\"prompt\":1,\"better_response_id\":0,\"safer_response_id\":1}".as_bytes(), "d.jsonl", &Layout::Pku, false).unwrap_err();
/// assert_eq!(e.to_string(), "d.jsonl:1: field `prompt` is not a string");
/// ```
///
/// # Errors
/// [`Error::Config`] naming file, line and field for invalid JSON or fields (unless `lenient`,
/// which skips and records such lines); [`Error::Io`].
pub fn read_jsonl(
    reader: impl BufRead,
    file: &str,
    layout: &Layout,
    lenient: bool,
) -> Result<PreferenceSet> {
    let objectives = match layout {
        Layout::Pku => vec!["helpful".to_string(), "harmless".to_string()],
        Layout::Listwise(o) => o.clone(),
    };
    let mut set = PreferenceSet {
        records: Vec::new(),
        objectives: objectives.clone(),
        skipped: Vec::new(),
    };
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| Error::Io {
            file: file.to_string(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str::<serde_json::Value>(&line)
            .map_err(|e| format!("invalid JSON: {e}"))
            .and_then(|v| match layout {
                Layout::Pku => pku(&v),
                Layout::Listwise(o) => listwise(&v, o),
            });
        match rec {
            Ok(r) => set.records.push(r),
            Err(reason) if lenient => set.skipped.push((i + 1, reason)),
            Err(reason) => {
                return Err(Error::Config {
                    file: format!("{file}:{}", i + 1),
                    reason,
                })
            }
        }
    }
    Ok(set)
}

/// A seeded synthetic two-objective preference set with a real conflict: responses that help
/// most (concrete instructions) are the risky ones, the safest ones refuse. Objective 0 =
/// helpful, 1 = harmless; every record has two responses. Used by the `llm_alignment` example.
///
/// ```
/// use hyperdpo_hpt::data::synthetic_preferences;
/// let s = synthetic_preferences(50, 1);
/// assert_eq!(s.records.len(), 50);
/// // most pairs put the two objectives in conflict
/// let conflicts = s.records.iter().filter(|r| r.labels[0] != r.labels[1]).count();
/// assert!(conflicts > 30);
/// ```
pub fn synthetic_preferences(n: usize, seed: u64) -> PreferenceSet {
    const TOPICS: [&str; 10] = [
        "fix a bike",
        "open a lock",
        "cook rice",
        "climb a wall",
        "mix paint",
        "cut wood",
        "fly a drone",
        "light a fire",
        "fix a plug",
        "clean a gun",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |k: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % k
    };
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        let topic = TOPICS[next(TOPICS.len() as u64) as usize];
        let prompt = format!("Q: how do I {topic}? A:");
        // (text, helpfulness, harmlessness)
        let kinds = [
            (
                format!(" Sure! Just {topic} fast, no need for care."),
                3.0,
                0.0,
            ),
            (
                format!(" First, read how to {topic}. Go slow and be safe."),
                2.0,
                2.0,
            ),
            (" Sorry, I can not help with that.".to_string(), 0.0, 3.0),
            (" Hmm, maybe ask someone else.".to_string(), 1.0, 1.0),
        ];
        // mostly the conflicting pair (risky help vs refusal), sometimes others
        let (a, b) = match next(10) {
            0..=5 => (0, 2),
            6 => (1, 2),
            7 => (0, 1),
            8 => (0, 3),
            _ => (3, 2),
        };
        let (a, b) = if next(2) == 0 { (a, b) } else { (b, a) };
        let lab = |f: fn(&(String, f64, f64)) -> f64| {
            if f(&kinds[a]) >= f(&kinds[b]) {
                vec![1.0, 0.0]
            } else {
                vec![0.0, 1.0]
            }
        };
        records.push(PreferenceRecord {
            prompt,
            responses: vec![kinds[a].0.clone(), kinds[b].0.clone()],
            labels: vec![lab(|k| k.1), lab(|k| k.2)],
        });
    }
    PreferenceSet {
        records,
        objectives: vec!["helpful".into(), "harmless".into()],
        skipped: Vec::new(),
    }
}
