//! Input validation shared by the hypervolume and Pareto functions: every public entry point
//! turns its input into a [`Points`] view (row-major, validated) first.

use crate::{Error, Result};
use ndarray::ArrayView2;
use std::borrow::Cow;

/// A validated, row-major set of `n` points with `d ≥ 1` finite objectives each.
///
/// Build it from an `ndarray` view, from a flat slice, or from rows; the hypervolume and Pareto
/// functions accept anything that converts into it ([`IntoPoints`]).
///
/// ```
/// use hyperdpo_moo::Points;
/// let p = Points::from_flat(&[1.0, 2.0, 3.0, 4.0], 2).unwrap();
/// assert_eq!((p.len(), p.dim()), (2, 2));
/// assert_eq!(p.row(1), &[3.0, 4.0]);
/// ```
#[derive(Debug, Clone)]
pub struct Points<'a> {
    data: Cow<'a, [f64]>,
    dim: usize,
}

impl<'a> Points<'a> {
    /// Points from a flat row-major buffer of `n · dim` values.
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// assert!(Points::from_flat(&[1.0, 2.0, 3.0], 2).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::NoObjectives`] if `dim == 0`, [`Error::RaggedBuffer`] if the length is not a
    /// multiple of `dim`, [`Error::NonFinite`] for NaN/inf.
    pub fn from_flat(data: &'a [f64], dim: usize) -> Result<Self> {
        if dim == 0 {
            return Err(Error::NoObjectives);
        }
        if !data.len().is_multiple_of(dim) {
            return Err(Error::RaggedBuffer {
                len: data.len(),
                dim,
            });
        }
        check_finite(data, dim)?;
        Ok(Points {
            data: Cow::Borrowed(data),
            dim,
        })
    }

    /// Points from an `ndarray` view, rows = points (any memory layout).
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// use ndarray::array;
    /// let a = array![[1.0, 2.0], [3.0, 4.0]];
    /// let p = Points::from_array(a.view()).unwrap();
    /// assert_eq!(p.row(0), &[1.0, 2.0]);
    /// ```
    ///
    /// # Errors
    /// [`Error::NoObjectives`] for zero columns, [`Error::NonFinite`] for NaN/inf.
    pub fn from_array(view: ArrayView2<'a, f64>) -> Result<Self> {
        let dim = view.ncols();
        if dim == 0 {
            return Err(Error::NoObjectives);
        }
        let data = match view.to_slice() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(view.iter().copied().collect()),
        };
        check_finite(&data, dim)?;
        Ok(Points { data, dim })
    }

    /// Points from rows of equal length.
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// let rows: Vec<Vec<f64>> = vec![vec![1.0, 2.0], vec![3.0]];
    /// assert!(Points::from_rows(&rows).is_err());
    /// ```
    ///
    /// An empty list of rows gives the empty set with `dim() == 0` (its dimension is unknown;
    /// the hypervolume of it is 0 for any reference point).
    ///
    /// # Errors
    /// [`Error::NoObjectives`] if the first row is empty, [`Error::RaggedRows`] for rows of
    /// different lengths, [`Error::NonFinite`] for NaN/inf.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Points<'static>> {
        let Some(first) = rows.first() else {
            return Ok(Points {
                data: Cow::Owned(Vec::new()),
                dim: 0,
            });
        };
        let dim = first.as_ref().len();
        if dim == 0 {
            return Err(Error::NoObjectives);
        }
        let mut data = Vec::with_capacity(rows.len() * dim);
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != dim {
                return Err(Error::RaggedRows {
                    point: i,
                    expected: dim,
                    got: r.len(),
                });
            }
            data.extend_from_slice(r);
        }
        check_finite(&data, dim)?;
        Ok(Points {
            data: Cow::Owned(data),
            dim,
        })
    }

    /// Number of points.
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// assert_eq!(Points::from_flat(&[], 3).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// `true` when there are no points.
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// assert!(Points::from_flat(&[], 3).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Number of objectives (0 only for an empty list of rows, see [`Points::from_rows`]).
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// assert_eq!(Points::from_flat(&[], 3).unwrap().dim(), 3);
    /// ```
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Point `i` (panics if `i >= len()`, like slice indexing).
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// let p = Points::from_flat(&[5.0, 6.0], 1).unwrap();
    /// assert_eq!(p.row(1), &[6.0]);
    /// ```
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// The row-major buffer.
    ///
    /// ```
    /// use hyperdpo_moo::Points;
    /// let p = Points::from_flat(&[5.0, 6.0], 2).unwrap();
    /// assert_eq!(p.as_flat(), &[5.0, 6.0]);
    /// ```
    pub fn as_flat(&self) -> &[f64] {
        &self.data
    }
}

fn check_finite(data: &[f64], dim: usize) -> Result<()> {
    match data.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(k) => Err(Error::NonFinite {
            point: k / dim,
            objective: k % dim,
            value: data[k],
        }),
    }
}

/// Conversion into validated [`Points`]; implemented for `ArrayView2`, `&Array2`, [`Points`]
/// and `&[Vec<f64>]`/`&[[f64; D]]` rows.
///
/// ```
/// use hyperdpo_moo::{hypervolume, Sense};
/// // rows as arrays, an ndarray, or validated points all work
/// let hv = hypervolume(&[[1.0, 2.0], [2.0, 1.0]][..], &[3.0, 3.0], Sense::Minimize).unwrap();
/// assert_eq!(hv, 3.0);
/// ```
pub trait IntoPoints<'a> {
    /// Validates and converts.
    ///
    /// # Errors
    /// As the [`Points`] constructors.
    fn into_points(self) -> Result<Points<'a>>;
}

impl<'a> IntoPoints<'a> for Points<'a> {
    fn into_points(self) -> Result<Points<'a>> {
        Ok(self)
    }
}

impl<'a> IntoPoints<'a> for ArrayView2<'a, f64> {
    fn into_points(self) -> Result<Points<'a>> {
        Points::from_array(self)
    }
}

impl<'a> IntoPoints<'a> for &'a ndarray::Array2<f64> {
    fn into_points(self) -> Result<Points<'a>> {
        Points::from_array(self.view())
    }
}

impl<'a> IntoPoints<'a> for &'a [Vec<f64>] {
    fn into_points(self) -> Result<Points<'a>> {
        Points::from_rows(self)
    }
}

impl<'a, const D: usize> IntoPoints<'a> for &'a [[f64; D]] {
    fn into_points(self) -> Result<Points<'a>> {
        Points::from_flat(self.as_flattened(), D)
    }
}
