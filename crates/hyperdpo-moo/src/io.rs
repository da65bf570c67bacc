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
    let mut b = SetsBuilder::new(source_name);
    // `split('\n')` finds line ends with a vectorised byte search; a trailing '\r' is
    // whitespace to `split_ascii_whitespace`.
    for line in text.split('\n') {
        b.line(line)?;
    }
    Ok(b.sets)
}

/// Reads point sets from `reader` as a stream (64 KiB at a time, so memory is that of the
/// values, not of the text) with the rules of [`parse_point_sets`].
///
/// ```
/// use hyperdpo_moo::io::read_point_sets;
/// let sets = read_point_sets("1 2\n\n3 4\n".as_bytes(), "<stdin>").unwrap();
/// assert_eq!((sets.len(), sets[1].first_line), (2, 3));
/// ```
///
/// # Errors
/// [`Error::Io`] if reading fails, [`Error::Parse`] for a line that is not UTF-8, and the
/// errors of [`parse_point_sets`].
pub fn read_point_sets(mut reader: impl Read, source_name: &str) -> Result<Vec<PointSet>> {
    let mut b = SetsBuilder::new(source_name);
    let mut buf = vec![0u8; 1 << 16];
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0); // a line longer than the buffer
        }
        let got = match reader.read(&mut buf[filled..]) {
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Io {
                    source_name: source_name.to_string(),
                    message: e.to_string(),
                })
            }
        };
        filled += got;
        let eof = got == 0;
        // Complete lines are everything up to the last '\n' (or all of it at the end).
        let end = if eof {
            filled
        } else {
            match buf[..filled].iter().rposition(|&c| c == b'\n') {
                Some(k) => k + 1,
                None => continue,
            }
        };
        let chunk = &buf[..end];
        let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        for line in body.split(|&c| c == b'\n') {
            let line = std::str::from_utf8(line).map_err(|_| Error::Parse {
                source_name: source_name.to_string(),
                line: b.line_no + 1,
                reason: "the line is not valid UTF-8".into(),
            })?;
            b.line(line)?;
        }
        if eof {
            return Ok(b.sets);
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
}

/// Line-by-line state shared by [`parse_point_sets`] and [`read_point_sets`].
struct SetsBuilder<'a> {
    source_name: &'a str,
    sets: Vec<PointSet>,
    dim: Option<usize>,
    in_set: bool,
    line_no: usize,
}

impl<'a> SetsBuilder<'a> {
    fn new(source_name: &'a str) -> Self {
        SetsBuilder {
            source_name,
            sets: Vec::new(),
            dim: None,
            in_set: false,
            line_no: 0,
        }
    }

    fn err(&self, reason: String) -> Error {
        Error::Parse {
            source_name: self.source_name.to_string(),
            line: self.line_no,
            reason,
        }
    }

    fn line(&mut self, line: &str) -> Result<()> {
        self.line_no += 1;
        let mut toks = line.split_ascii_whitespace().peekable();
        let Some(first) = toks.peek() else {
            self.in_set = false;
            return Ok(());
        };
        if first.starts_with('#') {
            return Ok(());
        }
        if !self.in_set {
            self.sets.push(PointSet {
                data: Vec::new(),
                dim: self.dim.unwrap_or(0),
                first_line: self.line_no,
            });
            self.in_set = true;
        }
        let set = self.sets.last_mut().expect("a set was just pushed");
        let before = set.data.len();
        for (col, tok) in toks.enumerate() {
            let problem = match tok.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    set.data.push(v);
                    continue;
                }
                Ok(_) => "is not finite",
                Err(_) => "is not a number",
            };
            return Err(self.err(format!("column {}: `{tok}` {problem}", col + 1)));
        }
        let got = set.data.len() - before;
        match self.dim {
            None => {
                self.dim = Some(got);
                set.dim = got;
            }
            Some(d) if d != got => {
                return Err(self.err(format!("{got} objectives, but the first point has {d}")))
            }
            _ => {}
        }
        Ok(())
    }
}
