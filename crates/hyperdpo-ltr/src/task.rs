//! From raw columns to a multi-objective fine-tuning task: input features, objectives, splits
//! and feature normalisation.

use crate::data::LtrData;
use crate::{Error, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// Where an objective's labels come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Column {
    /// The relevance label.
    Label,
    /// Feature column `i` (1-based, as in the file).
    Feature(usize),
}

/// Which columns are inputs and which are objectives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Columns {
    /// Input feature columns (1-based).
    pub inputs: Vec<usize>,
    /// The main objective (what the base model is trained on).
    pub main: Column,
    /// Auxiliary objectives, with names.
    pub objectives: Vec<(String, Column)>,
}

impl Columns {
    /// The paper's MSLR-WEB10K setup (section 4.1): features 1–131 are inputs, the relevance
    /// label is the main objective, and features 132–136 are the auxiliary objectives in the
    /// paper's order I–V: 134 query-URL click count, 135 URL click count, 136 URL dwell time,
    /// 132 quality score, 133 quality score 2 (a "badness" score — higher is worse — used as is,
    /// as in the paper). `m` picks the first `m` of them (the paper's 2-objective figures use
    /// I–II and IV–V; choose with [`Columns::with_objectives`]).
    ///
    /// ```
    /// use hyperdpo_ltr::task::{Column, Columns};
    /// let c = Columns::mslr_moft(5);
    /// assert_eq!(c.inputs.len(), 131);
    /// assert_eq!(c.objectives[0], ("I query-url clicks".to_string(), Column::Feature(134)));
    /// ```
    pub fn mslr_moft(m: usize) -> Self {
        let all = Self::mslr_objectives();
        Columns {
            inputs: (1..=131).collect(),
            main: Column::Label,
            objectives: all.into_iter().take(m.clamp(1, 5)).collect(),
        }
    }

    fn mslr_objectives() -> Vec<(String, Column)> {
        vec![
            ("I query-url clicks".into(), Column::Feature(134)),
            ("II url clicks".into(), Column::Feature(135)),
            ("III url dwell time".into(), Column::Feature(136)),
            ("IV quality score".into(), Column::Feature(132)),
            ("V quality score 2".into(), Column::Feature(133)),
        ]
    }

    /// The same inputs and main objective with the auxiliary objectives picked by their 1-based
    /// numbers in the paper's order (e.g. `[4, 5]` for IV and V).
    ///
    /// ```
    /// use hyperdpo_ltr::task::Columns;
    /// let c = Columns::mslr_moft(5).with_objectives(&[4, 5]).unwrap();
    /// assert_eq!(c.objectives.len(), 2);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for a number outside 1..=5.
    pub fn with_objectives(mut self, picks: &[usize]) -> Result<Self> {
        let all = Self::mslr_objectives();
        self.objectives = picks
            .iter()
            .map(|&p| {
                all.get(p.wrapping_sub(1))
                    .cloned()
                    .ok_or_else(|| Error::Invalid {
                        name: "objectives",
                        reason: format!("objective {p} is not one of I..V (1..=5)"),
                    })
            })
            .collect::<Result<_>>()?;
        Ok(self)
    }
}

/// A multi-objective ranking task: inputs, main labels and objective labels per document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MoftData {
    /// Number of input features `d`.
    pub dim: usize,
    /// Row-major `docs × d` inputs.
    pub inputs: Vec<f32>,
    /// Main-objective label per document.
    pub main: Vec<f32>,
    /// Row-major `docs × m` auxiliary labels.
    pub objectives: Vec<f32>,
    /// Objective names (`m` of them).
    pub names: Vec<String>,
    /// Query ids.
    pub query_ids: Vec<String>,
    /// Query offsets (`queries + 1`).
    pub offsets: Vec<usize>,
}

impl MoftData {
    /// Picks the columns of a task from raw data.
    ///
    /// ```
    /// use hyperdpo_ltr::data::{parse_letor, ParseOptions};
    /// use hyperdpo_ltr::task::{Column, Columns, MoftData};
    /// let d = parse_letor("2 qid:1 1:0.5 2:7 3:1\n0 qid:1 1:0.1 2:3\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// let cols = Columns { inputs: vec![1], main: Column::Label, objectives: vec![("clicks".into(), Column::Feature(2))] };
    /// let t = MoftData::from_columns(&d, &cols).unwrap();
    /// assert_eq!((t.dim, t.m()), (1, 1));
    /// assert_eq!(t.objectives, vec![7.0, 3.0]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for a column 0 or beyond the data's features, no inputs or no
    /// objectives.
    pub fn from_columns(data: &LtrData, cols: &Columns) -> Result<Self> {
        let check = |c: usize, what: &'static str| {
            if c == 0 || c > data.num_features {
                Err(Error::Invalid {
                    name: what,
                    reason: format!(
                        "feature column {c} does not exist (the data has 1..={})",
                        data.num_features
                    ),
                })
            } else {
                Ok(c - 1)
            }
        };
        if cols.inputs.is_empty() || cols.objectives.is_empty() {
            return Err(Error::Invalid {
                name: "columns",
                reason: "at least one input and one objective are needed".into(),
            });
        }
        let inputs: Vec<usize> = cols
            .inputs
            .iter()
            .map(|&c| check(c, "inputs"))
            .collect::<Result<_>>()?;
        let pick = |c: Column| -> Result<Option<usize>> {
            match c {
                Column::Label => Ok(None),
                Column::Feature(i) => check(i, "objectives").map(Some),
            }
        };
        let main = pick(cols.main)?;
        let objs: Vec<Option<usize>> = cols
            .objectives
            .iter()
            .map(|(_, c)| pick(*c))
            .collect::<Result<_>>()?;
        let docs = data.num_docs();
        let mut out = MoftData {
            dim: inputs.len(),
            inputs: Vec::with_capacity(docs * inputs.len()),
            main: Vec::with_capacity(docs),
            objectives: Vec::with_capacity(docs * objs.len()),
            names: cols.objectives.iter().map(|(n, _)| n.clone()).collect(),
            query_ids: data.query_ids.clone(),
            offsets: data.offsets.clone(),
        };
        for d in 0..docs {
            let row = data.row(d);
            out.inputs.extend(inputs.iter().map(|&c| row[c]));
            let val = |c: Option<usize>| c.map_or(data.labels[d], |c| row[c]);
            out.main.push(val(main));
            out.objectives.extend(objs.iter().map(|&c| val(c)));
        }
        Ok(out)
    }

    /// Number of auxiliary objectives `m`.
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 3, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// assert_eq!(t.m(), 2);
    /// ```
    pub fn m(&self) -> usize {
        self.names.len()
    }

    /// Number of queries.
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 3, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// assert_eq!(t.num_queries(), 3);
    /// ```
    pub fn num_queries(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of documents.
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 3, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// assert_eq!(t.num_docs(), t.main.len());
    /// ```
    pub fn num_docs(&self) -> usize {
        self.main.len()
    }

    /// The documents of query `q`.
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 3, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// assert_eq!(t.query(0).start, 0);
    /// ```
    pub fn query(&self, q: usize) -> std::ops::Range<usize> {
        self.offsets[q]..self.offsets[q + 1]
    }

    /// The sub-task of the given queries (in that order).
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 5, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// let s = t.subset(&[4, 0]);
    /// assert_eq!(s.query_ids, vec![t.query_ids[4].clone(), t.query_ids[0].clone()]);
    /// ```
    pub fn subset(&self, queries: &[usize]) -> Self {
        let (d, m) = (self.dim, self.m());
        let mut out = MoftData {
            dim: d,
            inputs: Vec::new(),
            main: Vec::new(),
            objectives: Vec::new(),
            names: self.names.clone(),
            query_ids: Vec::with_capacity(queries.len()),
            offsets: vec![0],
        };
        for &q in queries {
            let r = self.query(q);
            out.inputs
                .extend_from_slice(&self.inputs[r.start * d..r.end * d]);
            out.main.extend_from_slice(&self.main[r.clone()]);
            out.objectives
                .extend_from_slice(&self.objectives[r.start * m..r.end * m]);
            out.query_ids.push(self.query_ids[q].clone());
            out.offsets.push(out.main.len());
        }
        out
    }

    /// Splits the queries at random (seeded) into train/validation/test by the given fractions
    /// (the paper: 60/20/20).
    ///
    /// ```
    /// # use hyperdpo_ltr::synthetic::*;
    /// let t = SyntheticConfig { queries: 10, ..SyntheticConfig::default() }.generate_task(2).unwrap();
    /// let (tr, va, te) = t.split([0.6, 0.2, 0.2], 1).unwrap();
    /// assert_eq!((tr.num_queries(), va.num_queries(), te.num_queries()), (6, 2, 2));
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] unless the fractions are non-negative and sum to 1.
    pub fn split(&self, fractions: [f64; 3], seed: u64) -> Result<(Self, Self, Self)> {
        if fractions.iter().any(|f| !(0.0..=1.0).contains(f))
            || (fractions.iter().sum::<f64>() - 1.0).abs() > 1e-9
        {
            return Err(Error::Invalid {
                name: "fractions",
                reason: format!("{fractions:?} must be >= 0 and sum to 1"),
            });
        }
        let n = self.num_queries();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let a = (fractions[0] * n as f64).round() as usize;
        let b = ((fractions[0] + fractions[1]) * n as f64).round() as usize;
        Ok((
            self.subset(&order[..a]),
            self.subset(&order[a..b.max(a)]),
            self.subset(&order[b.max(a)..]),
        ))
    }
}

/// Feature normalisation fitted on the training split only: optional `log1p` per feature
/// (for heavy-tailed counts; applied as `sign(x)·ln(1 + |x|)`), then z-scoring. Saved with a
/// model (serde) so that inference applies the same transform.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureNorm {
    /// Whether `log1p` is applied to each feature.
    pub log1p: Vec<bool>,
    /// Mean after the optional `log1p`.
    pub mean: Vec<f32>,
    /// Standard deviation after the optional `log1p` (1 where a feature is constant).
    pub std: Vec<f32>,
}

impl FeatureNorm {
    /// Fits on row-major `inputs` with `dim` features; `log1p[j]` selects the log transform.
    ///
    /// ```
    /// use hyperdpo_ltr::task::FeatureNorm;
    /// let n = FeatureNorm::fit(&[1.0, 10.0, 3.0, 10.0], 2, &[false, false]).unwrap();
    /// assert_eq!(n.mean, vec![2.0, 10.0]);
    /// assert_eq!(n.std, vec![1.0, 1.0]); // constant feature: std 1
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] if `log1p.len() != dim` or `inputs.len()` is not a multiple of `dim`.
    pub fn fit(inputs: &[f32], dim: usize, log1p: &[bool]) -> Result<Self> {
        if dim == 0 || log1p.len() != dim || !inputs.len().is_multiple_of(dim) {
            return Err(Error::Invalid {
                name: "inputs",
                reason: format!(
                    "{} values, {dim} features, {} log1p flags",
                    inputs.len(),
                    log1p.len()
                ),
            });
        }
        let n = (inputs.len() / dim).max(1) as f64;
        let mut sum = vec![0f64; dim];
        let mut sq = vec![0f64; dim];
        for row in inputs.chunks_exact(dim) {
            for j in 0..dim {
                let v = transform(row[j], log1p[j]) as f64;
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let std = sq
            .iter()
            .zip(&mean)
            .map(|(q, m)| {
                let var = (q / n - m * m).max(0.0);
                if var > 1e-12 {
                    var.sqrt() as f32
                } else {
                    1.0
                }
            })
            .collect();
        Ok(FeatureNorm {
            log1p: log1p.to_vec(),
            mean: mean.into_iter().map(|m| m as f32).collect(),
            std,
        })
    }

    /// Applies the transform in place.
    ///
    /// ```
    /// use hyperdpo_ltr::task::FeatureNorm;
    /// let n = FeatureNorm::fit(&[1.0, 3.0], 1, &[false]).unwrap();
    /// let mut x = vec![1.0, 3.0, 2.0];
    /// n.apply(&mut x);
    /// assert_eq!(x, vec![-1.0, 1.0, 0.0]);
    /// ```
    pub fn apply(&self, inputs: &mut [f32]) {
        let dim = self.mean.len();
        for row in inputs.chunks_exact_mut(dim) {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (transform(*v, self.log1p[j]) - self.mean[j]) / self.std[j];
            }
        }
    }
}

#[inline]
fn transform(v: f32, log: bool) -> f32 {
    if log {
        v.signum() * v.abs().ln_1p()
    } else {
        v
    }
}
