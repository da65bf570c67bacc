//! LETOR / SVMlight / LightGBM ranking data: a fast streaming parser, contiguous `f32` storage
//! with per-query offsets, and a writer.
//!
//! Line format: `label [qid:Q] index:value index:value … [# comment]`, feature indices 1-based
//! and strictly increasing within a line, absent features = 0. Files either carry `qid:` on every
//! line (LETOR, MSLR, Yahoo, Istella) or on none, with group sizes in a separate `.query` file
//! (LightGBM's layout: one integer per line, the sizes of consecutive groups).

use crate::{Error, Result};

use std::io::Write;
use std::path::Path;

/// A ranking data set in memory: documents grouped into queries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LtrData {
    /// Number of feature columns (the largest index seen, or the `num_features` option).
    pub num_features: usize,
    /// Row-major `docs × num_features` values; feature `i` (1-based) is column `i − 1`.
    pub features: Vec<f32>,
    /// Relevance label of every document.
    pub labels: Vec<f32>,
    /// Query id of every query (for files without `qid:`, the group number as text).
    pub query_ids: Vec<String>,
    /// `offsets[q]..offsets[q + 1]` are the documents of query `q` (`len = queries + 1`).
    pub offsets: Vec<usize>,
}

impl LtrData {
    /// Number of documents.
    ///
    /// ```
    /// use hyperdpo_ltr::data::{parse_letor, ParseOptions};
    /// let d = parse_letor("2 qid:1 1:0.5\n0 qid:1 2:1\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// assert_eq!((d.num_docs(), d.num_queries(), d.num_features), (2, 1, 2));
    /// ```
    pub fn num_docs(&self) -> usize {
        self.labels.len()
    }

    /// Number of queries.
    ///
    /// ```
    /// # use hyperdpo_ltr::data::*;
    /// let d = parse_letor("1 qid:a 1:1\n1 qid:b 1:1\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// assert_eq!(d.num_queries(), 2);
    /// ```
    pub fn num_queries(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Feature row of document `doc` (panics if out of range, like slice indexing).
    ///
    /// ```
    /// # use hyperdpo_ltr::data::*;
    /// let d = parse_letor("1 qid:a 2:3\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// assert_eq!(d.row(0), &[0.0, 3.0]);
    /// ```
    pub fn row(&self, doc: usize) -> &[f32] {
        &self.features[doc * self.num_features..(doc + 1) * self.num_features]
    }

    /// The document range of query `q`.
    ///
    /// ```
    /// # use hyperdpo_ltr::data::*;
    /// let d = parse_letor("1 qid:a 1:1\n0 qid:a 1:2\n1 qid:b 1:1\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// assert_eq!(d.query(1), 2..3);
    /// ```
    pub fn query(&self, q: usize) -> std::ops::Range<usize> {
        self.offsets[q]..self.offsets[q + 1]
    }

    /// Writes the data in LETOR text format (`label qid:Q i:v …`, all non-zero features), to a
    /// temporary file in the same directory that is then renamed into place.
    ///
    /// ```
    /// # use hyperdpo_ltr::data::*;
    /// let d = parse_letor("1 qid:7 1:0.25 3:2\n".as_bytes(), "x", &ParseOptions::default()).unwrap().data;
    /// let path = std::env::temp_dir().join(format!("ltr_doc_{}.txt", std::process::id()));
    /// d.write_letor(&path).unwrap();
    /// assert_eq!(std::fs::read_to_string(&path).unwrap(), "1 qid:7 1:0.25 3:2\n");
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub fn write_letor(&self, path: &Path) -> Result<()> {
        crate::util::write_atomically(path, |w| {
            let mut line = String::new();
            for q in 0..self.num_queries() {
                for doc in self.query(q) {
                    line.clear();
                    use std::fmt::Write as _;
                    let _ = write!(line, "{} qid:{}", self.labels[doc], self.query_ids[q]);
                    for (j, v) in self.row(doc).iter().enumerate() {
                        if *v != 0.0 {
                            let _ = write!(line, " {}:{}", j + 1, v);
                        }
                    }
                    line.push('\n');
                    w.write_all(line.as_bytes())?;
                }
            }
            Ok(())
        })
        .map_err(|e| Error::io(path, e))
    }
}

/// Options of the parser.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParseOptions {
    /// Number of feature columns; `None` = the largest index in the file. An index above a
    /// given number is an error.
    pub num_features: Option<usize>,
    /// Skip bad lines instead of failing; they are reported in [`Parsed::skipped`].
    pub lenient: bool,
    /// Group sizes for files without `qid:` (LightGBM's `.query` file). When given, lines must not
    /// carry `qid:`; when absent, every line must.
    pub group_sizes: Option<Vec<usize>>,
}

/// A line the lenient parser skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// 1-based line number.
    pub line: usize,
    /// The error it would have raised.
    pub reason: String,
}

/// What the parser returns: the data and the lines it skipped (lenient mode only).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The data set.
    pub data: LtrData,
    /// Skipped lines, in file order.
    pub skipped: Vec<Skipped>,
}

struct LineError {
    field: usize,
    reason: String,
}

fn bad(field: usize, reason: impl Into<String>) -> LineError {
    LineError {
        field,
        reason: reason.into(),
    }
}

/// Parses a finite `f32` from an ASCII token.
#[inline]
fn parse_value(tok: &[u8], field: usize, what: &str) -> std::result::Result<f32, LineError> {
    let s =
        std::str::from_utf8(tok).map_err(|_| bad(field, format!("{what} is not valid UTF-8")))?;
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(bad(field, format!("{what} `{s}` is not finite"))),
        Err(_) => Err(bad(field, format!("{what} `{s}` is not a number"))),
    }
}

#[inline]
fn parse_index(tok: &[u8], field: usize) -> std::result::Result<usize, LineError> {
    if tok.is_empty() || tok.len() > 9 || !tok.iter().all(u8::is_ascii_digit) {
        return Err(bad(
            field,
            format!(
                "feature index `{}` is not a positive integer",
                String::from_utf8_lossy(tok)
            ),
        ));
    }
    Ok(tok
        .iter()
        .fold(0usize, |a, &d| a * 10 + (d - b'0') as usize))
}

/// The parser's state: storage that grows as lines arrive.
struct Builder<'o> {
    opts: &'o ParseOptions,
    width: usize,
    features: Vec<f32>,
    labels: Vec<f32>,
    query_ids: Vec<String>,
    offsets: Vec<usize>,
    row: Vec<(usize, f32)>,
    seen: std::collections::HashSet<String>,
}

impl Builder<'_> {
    /// Widens every stored row to `new` columns.
    fn widen(&mut self, new: usize) {
        let docs = self.labels.len();
        let old = self.width;
        let mut f = vec![0.0f32; docs * new];
        for d in 0..docs {
            f[d * new..d * new + old].copy_from_slice(&self.features[d * old..(d + 1) * old]);
        }
        self.features = f;
        self.width = new;
    }

    /// Parses one line (comment stripped, non-empty). Nothing is stored unless it succeeds.
    fn line(&mut self, line: &[u8]) -> std::result::Result<(), LineError> {
        let mut toks = line
            .split(|c| c.is_ascii_whitespace())
            .filter(|t| !t.is_empty());
        let label = parse_value(toks.next().unwrap_or_default(), 1, "label")?;
        let mut field = 1;
        let mut qid: Option<&[u8]> = None;
        self.row.clear();
        let mut last = 0usize;
        for tok in toks {
            field += 1;
            if field == 2 && tok.starts_with(b"qid:") {
                let q = &tok[4..];
                if q.is_empty() {
                    return Err(bad(field, "empty qid"));
                }
                qid = Some(q);
                continue;
            }
            let colon = tok.iter().position(|&c| c == b':').ok_or_else(|| {
                bad(
                    field,
                    format!("`{}` is not index:value", String::from_utf8_lossy(tok)),
                )
            })?;
            let idx = parse_index(&tok[..colon], field)?;
            if idx == 0 {
                return Err(bad(field, "feature index 0 (indices are 1-based)"));
            }
            if idx <= last {
                return Err(bad(
                    field,
                    if idx == last {
                        format!("feature index {idx} appears twice")
                    } else {
                        format!("feature index {idx} after {last} (indices must increase)")
                    },
                ));
            }
            if let Some(n) = self.opts.num_features {
                if idx > n {
                    return Err(bad(
                        field,
                        format!("feature index {idx} above num_features = {n}"),
                    ));
                }
            }
            last = idx;
            let v = parse_value(&tok[colon + 1..], field, &format!("value of feature {idx}"))?;
            self.row.push((idx, v));
        }
        // Query bookkeeping.
        match (&self.opts.group_sizes, qid) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    2,
                    "qid: given, but group sizes come from a .query file",
                ))
            }
            (None, None) => return Err(bad(2, "missing qid: (this file's lines carry qid:)")),
            (None, Some(q)) => {
                let same = self.query_ids.last().is_some_and(|l| l.as_bytes() == q);
                if !same {
                    let q = String::from_utf8_lossy(q).into_owned();
                    if self.seen(&q) {
                        return Err(bad(2, format!("qid {q} reappears after other queries (documents of a query must be contiguous)")));
                    }
                    self.offsets.push(self.labels.len());
                    self.query_ids.push(q);
                }
            }
            (Some(_), None) => {}
        }
        if last > self.width {
            let target = self.opts.num_features.unwrap_or(last).max(last);
            self.widen(target);
        }
        let base = self.features.len();
        self.features.resize(base + self.width, 0.0);
        for &(i, v) in &self.row {
            self.features[base + i - 1] = v;
        }
        self.labels.push(label);
        Ok(())
    }

    /// `true` if query `q` was seen before (and records it).
    fn seen(&mut self, q: &str) -> bool {
        !self.seen.insert(q.to_string())
    }
}

/// Parses LETOR/SVMlight text from `reader`; `file` names it in errors.
///
/// ```
/// use hyperdpo_ltr::data::{parse_letor, ParseOptions};
/// let text = "2 qid:10 1:0.5 3:1.5 # doc a\n0 qid:10 2:1\n1 qid:11 1:1\n";
/// let d = parse_letor(text.as_bytes(), "train.txt", &ParseOptions::default()).unwrap().data;
/// assert_eq!(d.num_features, 3);
/// assert_eq!(d.offsets, vec![0, 2, 3]);
/// assert_eq!(d.row(0), &[0.5, 0.0, 1.5]);
/// let err = parse_letor("1 qid:1 1:x\n".as_bytes(), "f.txt", &ParseOptions::default()).unwrap_err();
/// assert_eq!(err.to_string(), "f.txt:1: field 3: value of feature 1 `x` is not a number");
/// ```
///
/// # Errors
/// [`Error::Parse`] with file, line and field for: a non-numeric or non-finite label or value,
/// a feature index that is 0, repeated, decreasing or above `num_features`, a missing `qid:` in a
/// qid file (or one present when group sizes are given), a qid that reappears after other
/// queries; [`Error::File`] when group sizes do not add up to the number of lines;
/// [`Error::Io`]. In lenient mode, line errors are collected in [`Parsed::skipped`] instead.
pub fn parse_letor(
    mut reader: impl std::io::Read,
    file: &str,
    opts: &ParseOptions,
) -> Result<Parsed> {
    let mut b = Builder {
        opts,
        width: opts.num_features.unwrap_or(0),
        features: Vec::new(),
        labels: Vec::new(),
        query_ids: Vec::new(),
        offsets: Vec::new(),
        row: Vec::new(),
        seen: Default::default(),
    };
    let mut skipped = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut filled = 0;
    let mut line_no = 0;
    let mut eof = false;
    while !eof {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let got = loop {
            match reader.read(&mut buf[filled..]) {
                Ok(k) => break k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(Path::new(file), e)),
            }
        };
        filled += got;
        eof = got == 0;
        let end = if eof {
            filled
        } else {
            match buf[..filled].iter().rposition(|&c| c == b'\n') {
                Some(k) => k + 1,
                None => continue,
            }
        };
        let mut start = 0;
        while start < end {
            let stop = buf[start..end]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(end, |k| start + k);
            let mut line = &buf[start..stop];
            start = stop + 1;
            line_no += 1;
            if let Some(h) = line.iter().position(|&c| c == b'#') {
                line = &line[..h];
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if let Err(e) = b.line(line) {
                if opts.lenient {
                    skipped.push(Skipped {
                        line: line_no,
                        reason: format!("field {}: {}", e.field, e.reason),
                    });
                } else {
                    return Err(Error::Parse {
                        file: file.to_string(),
                        line: line_no,
                        field: e.field,
                        reason: e.reason,
                    });
                }
            }
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
    let docs = b.labels.len();
    match &opts.group_sizes {
        None => b.offsets.push(docs),
        Some(sizes) => {
            let total: usize = sizes.iter().sum();
            if total != docs {
                return Err(Error::File {
                    file: file.to_string(),
                    reason: format!(
                        "group sizes add up to {total}, but the file has {docs} documents"
                    ),
                });
            }
            if let Some(g) = sizes.iter().position(|&s| s == 0) {
                return Err(Error::File {
                    file: file.to_string(),
                    reason: format!("group {} has size 0", g + 1),
                });
            }
            b.offsets = std::iter::once(0)
                .chain(sizes.iter().scan(0, |acc, &s| {
                    *acc += s;
                    Some(*acc)
                }))
                .collect();
            b.query_ids = (1..=sizes.len()).map(|g| g.to_string()).collect();
        }
    }
    let width = b.width;
    Ok(Parsed {
        data: LtrData {
            num_features: width,
            features: b.features,
            labels: b.labels,
            query_ids: b.query_ids,
            offsets: b.offsets,
        },
        skipped,
    })
}

/// Reads a LightGBM `.query` file: one positive group size per line.
///
/// ```
/// use hyperdpo_ltr::data::parse_group_sizes;
/// assert_eq!(parse_group_sizes("3\n2\n".as_bytes(), "q").unwrap(), vec![3, 2]);
/// assert!(parse_group_sizes("3\nx\n".as_bytes(), "q").is_err());
/// ```
///
/// # Errors
/// [`Error::Parse`] for a line that is not a non-negative integer, [`Error::Io`].
pub fn parse_group_sizes(mut reader: impl std::io::Read, file: &str) -> Result<Vec<usize>> {
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| Error::io(Path::new(file), e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        out.push(t.parse::<usize>().map_err(|_| Error::Parse {
            file: file.to_string(),
            line: i + 1,
            field: 1,
            reason: format!("`{t}` is not a group size"),
        })?);
    }
    Ok(out)
}

/// Loads a data file: LETOR with `qid:`, or — when `FILE.query` exists next to it — LightGBM's
/// layout with group sizes from that file.
///
/// ```no_run
/// use hyperdpo_ltr::data::{load, ParseOptions};
/// let parsed = load("../shared/data/lightgbm-lambdarank/rank.train".as_ref(), &ParseOptions::default()).unwrap();
/// println!("{} queries", parsed.data.num_queries());
/// ```
///
/// # Errors
/// As [`parse_letor`] and [`parse_group_sizes`]; [`Error::Io`] for unreadable files.
pub fn load(path: &Path, opts: &ParseOptions) -> Result<Parsed> {
    let name = path.display().to_string();
    let mut opts = opts.clone();
    let qpath = {
        let mut s = path.as_os_str().to_owned();
        s.push(".query");
        std::path::PathBuf::from(s)
    };
    if opts.group_sizes.is_none() && qpath.exists() {
        let f = std::fs::File::open(&qpath).map_err(|e| Error::io(&qpath, e))?;
        opts.group_sizes = Some(parse_group_sizes(f, &qpath.display().to_string())?);
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    parse_letor(f, &name, &opts)
}
