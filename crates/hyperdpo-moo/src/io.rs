//! Reading point sets in the text format of the classic `hv` tool (Fonseca, Paquete,
//! López-Ibáñez), which moocore reads too: one point per line, objectives separated by
//! whitespace; blank lines separate sets; lines starting with `#` are comments.

use crate::{Error, Result};
use std::io::Read;

/// One set of points read from a file: row-major values, the number of objectives, and the
/// 1-based line where the set starts.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSet {
    /// Row-major values (`len() = n · dim`).
    pub data: Vec<f64>,
    /// Number of objectives.
    pub dim: usize,
    /// 1-based line number of the first point.
    pub first_line: usize,
}

impl PointSet {
    /// Number of points.
    ///
    /// ```
    /// use hyperdpo_moo::io::parse_point_sets;
    /// let sets = parse_point_sets("1 2\n3 4\n", "x").unwrap();
    /// assert_eq!(sets[0].len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len() / self.dim
    }

    /// `true` when the set holds no points (never the case for parsed sets).
    ///
    /// ```
    /// use hyperdpo_moo::io::parse_point_sets;
    /// assert!(!parse_point_sets("1\n", "x").unwrap()[0].is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Parses point sets from text; `source_name` is used in error messages (a file name or
/// `<stdin>`). Every point of every set must have the same number of objectives.
///
/// ```
/// use hyperdpo_moo::io::parse_point_sets;
/// let text = "# front A\n1 2\n2 1\n\n\n0.5 3\n";
/// let sets = parse_point_sets(text, "fronts.txt").unwrap();
/// assert_eq!(sets.len(), 2);
/// assert_eq!(sets[1].data, vec![0.5, 3.0]);
/// assert_eq!(sets[1].first_line, 6);
/// let err = parse_point_sets("1 2\n3 x\n", "f.txt").unwrap_err();
/// assert_eq!(err.to_string(), "f.txt:2: column 2: `x` is not a number");
/// ```
///
/// # Errors
/// [`Error::Parse`] with file, line and column for a non-number, a non-finite value, or a line
/// with a different number of objectives than the first point.
pub fn parse_point_sets(text: &str, source_name: &str) -> Result<Vec<PointSet>> {
    let mut sets: Vec<PointSet> = Vec::new();
    let mut dim: Option<usize> = None;
    let mut in_set = false;
    for (ln, line) in text.lines().enumerate() {
        let line_no = ln + 1;
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        if trimmed.is_empty() {
            in_set = false;
            continue;
        }
        if !in_set {
            sets.push(PointSet {
                data: Vec::new(),
                dim: dim.unwrap_or(0),
                first_line: line_no,
            });
            in_set = true;
        }
        let set = sets.last_mut().expect("a set was just pushed");
        let before = set.data.len();
        for (col, tok) in trimmed.split_ascii_whitespace().enumerate() {
            let v: f64 = tok.parse().map_err(|_| Error::Parse {
                source_name: source_name.to_string(),
                line: line_no,
                reason: format!("column {}: `{tok}` is not a number", col + 1),
            })?;
            if !v.is_finite() {
                return Err(Error::Parse {
                    source_name: source_name.to_string(),
                    line: line_no,
                    reason: format!("column {}: `{tok}` is not finite", col + 1),
                });
            }
            set.data.push(v);
        }
        let got = set.data.len() - before;
        match dim {
            None => {
                dim = Some(got);
                set.dim = got;
            }
            Some(d) if d != got => {
                return Err(Error::Parse {
                    source_name: source_name.to_string(),
                    line: line_no,
                    reason: format!("{got} objectives, but the first point has {d}"),
                })
            }
            _ => {}
        }
    }
    Ok(sets)
}

/// Reads everything from `reader` and parses it with [`parse_point_sets`].
///
/// ```
/// use hyperdpo_moo::io::read_point_sets;
/// let sets = read_point_sets("1 2\n".as_bytes(), "<stdin>").unwrap();
/// assert_eq!(sets[0].dim, 2);
/// ```
///
/// # Errors
/// [`Error::Io`] if reading fails or the input is not UTF-8, else as [`parse_point_sets`].
pub fn read_point_sets(mut reader: impl Read, source_name: &str) -> Result<Vec<PointSet>> {
    let mut text = String::new();
    reader.read_to_string(&mut text).map_err(|e| Error::Io {
        source_name: source_name.to_string(),
        message: e.to_string(),
    })?;
    parse_point_sets(&text, source_name)
}
