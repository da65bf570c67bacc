//! Optimisation sense per objective and Pareto dominance between two points.

use crate::{Error, Result};

/// Whether an objective is minimised or maximised.
///
/// ```
/// use hyperdpo_moo::Sense;
/// assert!(Sense::Minimize.better(1.0, 2.0));
/// assert!(Sense::Maximize.better(2.0, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sense {
    /// Smaller is better (moocore's and the classic `hv` tool's convention).
    #[default]
    Minimize,
    /// Larger is better (the paper's NDCG fronts).
    Maximize,
}

impl Sense {
    /// `true` when `a` is strictly better than `b` under this sense.
    ///
    /// ```
    /// use hyperdpo_moo::Sense;
    /// assert!(!Sense::Minimize.better(1.0, 1.0));
    /// ```
    #[inline]
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Sense::Minimize => a < b,
            Sense::Maximize => a > b,
        }
    }

    /// `+1.0` for [`Sense::Minimize`], `-1.0` for [`Sense::Maximize`]: multiplying a value by
    /// it turns every objective into one to minimise.
    ///
    /// ```
    /// use hyperdpo_moo::Sense;
    /// assert_eq!(Sense::Maximize.sign(), -1.0);
    /// ```
    #[inline]
    pub fn sign(self) -> f64 {
        match self {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        }
    }
}

/// The senses of all objectives of a problem: one for all, or one per objective.
///
/// ```
/// use hyperdpo_moo::{Sense, Senses};
/// let s = Senses::all(Sense::Maximize);
/// assert_eq!(s.get(7), Sense::Maximize);
/// let s = Senses::per_objective(vec![Sense::Minimize, Sense::Maximize]);
/// assert_eq!(s.get(1), Sense::Maximize);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Senses {
    /// The same sense for every objective.
    All(Sense),
    /// One sense per objective (its length must equal the number of objectives).
    PerObjective(Vec<Sense>),
}

impl Default for Senses {
    fn default() -> Self {
        Senses::All(Sense::Minimize)
    }
}

impl Senses {
    /// The same sense for every objective.
    ///
    /// ```
    /// use hyperdpo_moo::{Sense, Senses};
    /// assert_eq!(Senses::all(Sense::Minimize).get(0), Sense::Minimize);
    /// ```
    pub fn all(sense: Sense) -> Self {
        Senses::All(sense)
    }

    /// One sense per objective.
    ///
    /// ```
    /// use hyperdpo_moo::{Sense, Senses};
    /// let s = Senses::per_objective(vec![Sense::Maximize]);
    /// assert_eq!(s.get(0), Sense::Maximize);
    /// ```
    pub fn per_objective(senses: Vec<Sense>) -> Self {
        Senses::PerObjective(senses)
    }

    /// The sense of objective `j` (objectives past the end of a per-objective list are
    /// minimised; [`Senses::check`] rejects such lists up front).
    ///
    /// ```
    /// use hyperdpo_moo::{Sense, Senses};
    /// assert_eq!(Senses::default().get(3), Sense::Minimize);
    /// ```
    #[inline]
    pub fn get(&self, j: usize) -> Sense {
        match self {
            Senses::All(s) => *s,
            Senses::PerObjective(v) => v.get(j).copied().unwrap_or_default(),
        }
    }

    /// Checks that a per-objective list has exactly `dim` entries.
    ///
    /// ```
    /// use hyperdpo_moo::{Sense, Senses};
    /// assert!(Senses::per_objective(vec![Sense::Minimize]).check(2).is_err());
    /// assert!(Senses::all(Sense::Minimize).check(2).is_ok());
    /// ```
    pub fn check(&self, dim: usize) -> Result<()> {
        match self {
            Senses::PerObjective(v) if v.len() != dim => Err(Error::LengthMismatch {
                what: "senses",
                expected: dim,
                got: v.len(),
            }),
            _ => Ok(()),
        }
    }
}

impl From<Sense> for Senses {
    fn from(s: Sense) -> Self {
        Senses::All(s)
    }
}

impl From<Vec<Sense>> for Senses {
    fn from(v: Vec<Sense>) -> Self {
        Senses::PerObjective(v)
    }
}

/// How two points compare under Pareto dominance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dominance {
    /// The first point is at least as good everywhere and strictly better somewhere.
    Dominates,
    /// The second point dominates the first.
    DominatedBy,
    /// Both points are equal in every objective.
    Equal,
    /// Each is strictly better than the other somewhere.
    Incomparable,
}

/// Compares two points under Pareto dominance (paper, section 2.2).
///
/// ```
/// use hyperdpo_moo::{dominance, Dominance, Sense, Senses};
/// let min = Senses::all(Sense::Minimize);
/// assert_eq!(dominance(&[1.0, 2.0], &[1.0, 3.0], &min).unwrap(), Dominance::Dominates);
/// assert_eq!(dominance(&[1.0, 4.0], &[2.0, 3.0], &min).unwrap(), Dominance::Incomparable);
/// let max = Senses::all(Sense::Maximize);
/// assert_eq!(dominance(&[1.0, 2.0], &[1.0, 3.0], &max).unwrap(), Dominance::DominatedBy);
/// ```
///
/// # Errors
/// [`Error::LengthMismatch`] when the points (or the senses) differ in length,
/// [`Error::NoObjectives`] for empty points. NaN values compare as incomparable.
pub fn dominance(a: &[f64], b: &[f64], senses: &Senses) -> Result<Dominance> {
    if a.is_empty() {
        return Err(Error::NoObjectives);
    }
    if a.len() != b.len() {
        return Err(Error::LengthMismatch {
            what: "second point",
            expected: a.len(),
            got: b.len(),
        });
    }
    senses.check(a.len())?;
    let (mut a_better, mut b_better) = (false, false);
    for (j, (&x, &y)) in a.iter().zip(b).enumerate() {
        let s = senses.get(j);
        if s.better(x, y) {
            a_better = true;
        } else if s.better(y, x) {
            b_better = true;
        } else if x != y {
            // NaN involved: neither better, not equal.
            a_better = true;
            b_better = true;
        }
    }
    Ok(match (a_better, b_better) {
        (true, false) => Dominance::Dominates,
        (false, true) => Dominance::DominatedBy,
        (false, false) => Dominance::Equal,
        (true, true) => Dominance::Incomparable,
    })
}
