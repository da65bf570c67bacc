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

/// Reads point sets from `reader` as a stream, with the rules of [`parse_point_sets`].
///
/// The input is read in line-aligned blocks of 256 KiB that up to
/// `std::thread::available_parallelism()` threads (at most 4) parse concurrently; memory is that
/// of the values plus one block per thread, never the whole text. Results and error messages
/// are exactly those of the sequential parser.
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
pub fn read_point_sets(reader: impl Read + Send, source_name: &str) -> Result<Vec<PointSet>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    read_blocks(reader, source_name, 256 << 10, threads)
}

/// What one block of lines parsed to, for merging with its neighbours.
struct BlockResult {
    index: usize,
    sets: Vec<PointSet>,
    /// A blank line came before the block's first point.
    blank_before_first: bool,
    /// The block had a blank line after its last point (or a blank line and no points).
    ends_outside_set: bool,
    /// Line of the block's first point.
    first_point_line: Option<usize>,
    error: Option<Error>,
}

struct Source<R> {
    reader: R,
    carry: Vec<u8>,
    next_index: usize,
    next_line: usize,
    done: bool,
}

fn read_blocks<R: Read + Send>(
    reader: R,
    source_name: &str,
    block: usize,
    threads: usize,
) -> Result<Vec<PointSet>> {
    let source = std::sync::Mutex::new(Source {
        reader,
        carry: Vec::new(),
        next_index: 0,
        next_line: 0,
        done: false,
    });
    // Hands out the next line-aligned block: (index, line offset), text in `buf`.
    let next = |buf: &mut Vec<u8>| -> Result<Option<(usize, usize)>> {
        let mut guard = source.lock().unwrap_or_else(|e| e.into_inner());
        let src = &mut *guard;
        if src.done {
            return Ok(None);
        }
        buf.clear();
        buf.append(&mut src.carry);
        let mut eof = false;
        while buf.len() < block || !buf.contains(&b'\n') {
            let start = buf.len();
            buf.resize(start + block.max(4096), 0);
            match src.reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    eof = true;
                    break;
                }
                Ok(k) => buf.truncate(start + k),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
                Err(e) => {
                    src.done = true;
                    return Err(Error::Io {
                        source_name: source_name.to_string(),
                        message: e.to_string(),
                    });
                }
            }
        }
        if eof {
            src.done = true;
        } else {
            let cut = buf
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(buf.len(), |k| k + 1);
            src.carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
        }
        let index = src.next_index;
        let line = src.next_line;
        src.next_index += 1;
        src.next_line += buf.iter().filter(|&&c| c == b'\n').count();
        Ok(Some((index, line)))
    };
    let work = || -> Result<Vec<BlockResult>> {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some((index, line)) = next(&mut buf)? {
            out.push(parse_block(&buf, source_name, index, line));
        }
        Ok(out)
    };
    let mut results: Vec<BlockResult> = Vec::new();
    if threads <= 1 {
        results = work()?;
    } else {
        let parts: Vec<Result<Vec<BlockResult>>> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads).map(|_| sc.spawn(work)).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Io {
                            source_name: source_name.to_string(),
                            message: "a parsing thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        for p in parts {
            results.extend(p?);
        }
    }
    results.sort_by_key(|r| r.index);
    merge_blocks(results, source_name)
}

fn parse_block(text: &[u8], source_name: &str, index: usize, line_offset: usize) -> BlockResult {
    let mut b = SetsBuilder::new(source_name);
    b.line_no = line_offset;
    let mut blank_before_first = false;
    let mut ends_outside_set = false;
    let mut error = None;
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if !text.is_empty() {
        for line in body.split(|&c| c == b'\n') {
            let step = match std::str::from_utf8(line) {
                Ok(l) => b.line(l),
                Err(_) => Err(Error::Parse {
                    source_name: source_name.to_string(),
                    line: b.line_no + 1,
                    reason: "the line is not valid UTF-8".into(),
                }),
            };
            if let Err(e) = step {
                error = Some(e);
                break;
            }
            if !b.in_set && !line.iter().all(|c| c.is_ascii_whitespace()) {
                continue; // a comment
            }
            if b.sets.is_empty() && !b.in_set {
                blank_before_first = true;
            }
            ends_outside_set = !b.in_set;
        }
    }
    BlockResult {
        index,
        first_point_line: b.sets.first().map(|s| s.first_line),
        sets: b.sets,
        blank_before_first,
        ends_outside_set,
        error,
    }
}

fn merge_blocks(blocks: Vec<BlockResult>, source_name: &str) -> Result<Vec<PointSet>> {
    let mut sets: Vec<PointSet> = Vec::new();
    let mut dim: Option<usize> = None;
    let mut in_set = false;
    for blk in blocks {
        if let (Some(d), Some(first)) = (dim, blk.sets.first()) {
            let mismatch_line = blk.first_point_line.unwrap_or(first.first_line);
            let error_first = blk.error.as_ref().is_some_and(|e| match e {
                Error::Parse { line, .. } => *line <= mismatch_line,
                _ => true,
            });
            if first.dim != d && !error_first {
                return Err(Error::Parse {
                    source_name: source_name.to_string(),
                    line: mismatch_line,
                    reason: format!("{} objectives, but the first point has {d}", first.dim),
                });
            }
        }
        if let Some(e) = blk.error {
            return Err(e);
        }
        let mut it = blk.sets.into_iter();
        if let Some(first) = it.next() {
            dim.get_or_insert(first.dim);
            match sets.last_mut() {
                Some(last) if in_set && !blk.blank_before_first => last.data.extend(first.data),
                _ => sets.push(first),
            }
            sets.extend(it);
            in_set = !blk.ends_outside_set;
        } else if blk.ends_outside_set {
            in_set = false;
        }
    }
    Ok(sets)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Random point files: points of 2 (sometimes 3) objectives, blank lines, comments, bad
    /// tokens, `\r\n` endings, with or without a final newline.
    fn text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            6 => prop::collection::vec(-1000i32..1000, 2).prop_map(|v| format!("{} {}.5", v[0], v[1])),
            1 => Just(String::new()),
            1 => Just("   \t".to_string()),
            1 => Just("# comment 1 2".to_string()),
            1 => Just("1 2\r".to_string()),
            1 => prop_oneof![Just("1 2 3"), Just("x 1"), Just("1 inf"), Just("1e999 2")].prop_map(String::from),
        ];
        (prop::collection::vec(line, 0..60), any::<bool>()).prop_map(|(lines, nl)| {
            let mut t = lines.join("\n");
            if nl {
                t.push('\n');
            }
            t
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]
        #[test]
        fn block_reader_equals_sequential_parser(t in text(), block in 1usize..80, threads in 1usize..4) {
            let want = parse_point_sets(&t, "f");
            let got = read_blocks(t.as_bytes(), "f", block, threads);
            prop_assert_eq!(got, want);
        }
    }
}
