//! What the category modules share: the [`Inputs`] accessor that reads an example's named inputs
//! and turns every problem into an [`Error`] naming the formula and the input; builders for the
//! JSON results; and the numerical kernels several formulas use (stable softmax and log-sum-exp,
//! vector helpers, a symmetric eigensolver).

use std::cell::RefCell;

use serde_json::{Map, Value};

use crate::Error;

/// A formula implementation: reads its inputs, returns a number or (nested) array of numbers.
pub(crate) type Formula = fn(&Inputs) -> Result<Value, Error>;

/// The shared body of every category module's `lookup`.
pub(crate) fn find(table: &[(&str, Formula)], name: &str) -> Option<Formula> {
    table
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, formula)| *formula)
}

/// An example's inputs, read by name. Every accessor records the name it looked up, so that
/// [`Inputs::check_all_read`] can report inputs the formula never reads.
pub(crate) struct Inputs<'a> {
    formula: &'a str,
    map: &'a Map<String, Value>,
    read: RefCell<Vec<String>>,
}

/// A number or an array of numbers, for formulas that apply elementwise.
pub(crate) struct Values {
    /// The numbers (one, for a scalar).
    pub(crate) data: Vec<f64>,
    /// Whether the input was a bare number, so the result is one too.
    pub(crate) scalar: bool,
}

impl Values {
    /// Builds a result of the same shape as this input: a number for a scalar, else an array.
    pub(crate) fn output(&self, data: Vec<f64>) -> Value {
        if self.scalar && data.len() == 1 {
            scalar(data[0])
        } else {
            array(&data)
        }
    }
}

impl<'a> Inputs<'a> {
    pub(crate) fn new(formula: &'a str, map: &'a Map<String, Value>) -> Self {
        Inputs {
            formula,
            map,
            read: RefCell::new(Vec::new()),
        }
    }

    /// Fails on the first input that no accessor looked up.
    pub(crate) fn check_all_read(&self) -> Result<(), Error> {
        let read = self.read.borrow();
        match self.map.keys().find(|key| !read.contains(key)) {
            None => Ok(()),
            Some(key) => Err(Error::UnusedInput {
                formula: self.formula.to_string(),
                input: key.clone(),
                reads: read.join(", "),
            }),
        }
    }

    /// The raw value of an input, if present.
    pub(crate) fn raw(&self, name: &str) -> Option<&'a Value> {
        let mut read = self.read.borrow_mut();
        if !read.iter().any(|r| r == name) {
            read.push(name.to_string());
        }
        self.map.get(name)
    }

    /// Whether the input is present (and counts it as read).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// A required input of any type; `wanted` describes it for the error message.
    pub(crate) fn required(&self, name: &str, wanted: &str) -> Result<&'a Value, Error> {
        self.raw(name).ok_or_else(|| Error::MissingInput {
            formula: self.formula.to_string(),
            input: name.to_string(),
            wanted: wanted.to_string(),
        })
    }

    /// An error for an input of the wrong type or shape.
    pub(crate) fn malformed(&self, name: &str, wanted: &str, found: &Value) -> Error {
        let mut shown = found.to_string();
        if shown.chars().count() > 60 {
            // By characters: a string input may hold multi-byte text.
            shown = shown.chars().take(57).collect::<String>() + "...";
        }
        Error::MalformedInput {
            formula: self.formula.to_string(),
            input: name.to_string(),
            wanted: wanted.to_string(),
            found: shown,
        }
    }

    /// An error for inputs outside the formula's domain; `reason` says what to change.
    pub(crate) fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::Invalid {
            formula: self.formula.to_string(),
            reason: reason.into(),
        }
    }

    fn as_number(&self, name: &str, value: &Value) -> Result<f64, Error> {
        value
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| self.malformed(name, "a number", value))
    }

    /// A required number.
    pub(crate) fn number(&self, name: &str) -> Result<f64, Error> {
        let value = self.required(name, "a number")?;
        self.as_number(name, value)
    }

    /// An optional number.
    pub(crate) fn optional_number(&self, name: &str) -> Result<Option<f64>, Error> {
        self.raw(name)
            .map(|value| self.as_number(name, value))
            .transpose()
    }

    /// An optional number with a default.
    pub(crate) fn number_or(&self, name: &str, default: f64) -> Result<f64, Error> {
        Ok(self.optional_number(name)?.unwrap_or(default))
    }

    /// A required number that must be greater than 0.
    pub(crate) fn positive(&self, name: &str) -> Result<f64, Error> {
        let x = self.number(name)?;
        if x <= 0.0 {
            return Err(self.invalid(format!("input `{name}` is {x}; it must be greater than 0")));
        }
        Ok(x)
    }

    /// A required number in [0, 1].
    pub(crate) fn probability(&self, name: &str) -> Result<f64, Error> {
        let x = self.number(name)?;
        self.check_probability(name, x)?;
        Ok(x)
    }

    /// Fails unless `x`, read from input `name`, is in [0, 1].
    pub(crate) fn check_probability(&self, name: &str, x: f64) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&x) {
            return Err(self.invalid(format!(
                "input `{name}` holds {x}; probabilities must lie in [0, 1]"
            )));
        }
        Ok(())
    }

    fn as_integer(&self, name: &str, value: &Value) -> Result<i64, Error> {
        // Integral floats (`3.0`) are accepted: TOML authors write both.
        if let Some(i) = value.as_i64() {
            return Ok(i);
        }
        match value.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(x as i64),
            _ => Err(self.malformed(name, "an integer", value)),
        }
    }

    /// A required integer.
    pub(crate) fn integer(&self, name: &str) -> Result<i64, Error> {
        let value = self.required(name, "an integer")?;
        self.as_integer(name, value)
    }

    /// A required integer that is 0 or more, e.g. a count or an index.
    pub(crate) fn count(&self, name: &str) -> Result<usize, Error> {
        let value = self.required(name, "an integer, 0 or more")?;
        self.as_count(name, value)
    }

    /// An optional count with a default.
    pub(crate) fn count_or(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.raw(name) {
            None => Ok(default),
            Some(value) => self.as_count(name, value),
        }
    }

    fn as_count(&self, name: &str, value: &Value) -> Result<usize, Error> {
        let i = self.as_integer(name, value)?;
        usize::try_from(i).map_err(|_| self.malformed(name, "an integer, 0 or more", value))
    }

    /// An optional yes/no switch, given as `true`/`false` or `1`/`0`.
    pub(crate) fn flag_or(&self, name: &str, default: bool) -> Result<bool, Error> {
        match self.raw(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(value) => match value.as_f64() {
                Some(0.0) => Ok(false),
                Some(1.0) => Ok(true),
                _ => Err(self.malformed(name, "true, false, 1 or 0", value)),
            },
        }
    }

    /// The items of a non-empty array, or the malformed-input error naming what was wanted.
    fn non_empty_array<'v>(
        &self,
        name: &str,
        wanted: &str,
        value: &'v Value,
    ) -> Result<&'v Vec<Value>, Error> {
        value
            .as_array()
            .filter(|items| !items.is_empty())
            .ok_or_else(|| self.malformed(name, wanted, value))
    }

    fn as_vector(&self, name: &str, value: &Value) -> Result<Vec<f64>, Error> {
        let wanted = "a non-empty array of numbers";
        let items = self.non_empty_array(name, wanted, value)?;
        items
            .iter()
            .map(|item| {
                item.as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| self.malformed(name, wanted, value))
            })
            .collect()
    }

    /// A required non-empty array of numbers.
    pub(crate) fn vector(&self, name: &str) -> Result<Vec<f64>, Error> {
        let value = self.required(name, "an array of numbers")?;
        self.as_vector(name, value)
    }

    /// An optional non-empty array of numbers.
    pub(crate) fn optional_vector(&self, name: &str) -> Result<Option<Vec<f64>>, Error> {
        self.raw(name)
            .map(|value| self.as_vector(name, value))
            .transpose()
    }

    /// A required number or non-empty array of numbers.
    pub(crate) fn values(&self, name: &str) -> Result<Values, Error> {
        let value = self.required(name, "a number or an array of numbers")?;
        if value.is_array() {
            Ok(Values {
                data: self.as_vector(name, value)?,
                scalar: false,
            })
        } else {
            Ok(Values {
                data: vec![self.as_number(name, value)?],
                scalar: true,
            })
        }
    }

    /// A required array of non-empty arrays of numbers; rows may differ in length.
    pub(crate) fn rows(&self, name: &str) -> Result<Vec<Vec<f64>>, Error> {
        let wanted = "an array of non-empty arrays of numbers";
        let value = self.required(name, wanted)?;
        let items = self.non_empty_array(name, wanted, value)?;
        items
            .iter()
            .map(|row| {
                self.as_vector(name, row)
                    .map_err(|_| self.malformed(name, wanted, value))
            })
            .collect()
    }

    /// A required vector or matrix, as rows (a vector is one row), and whether it was a matrix.
    pub(crate) fn vector_or_matrix(&self, name: &str) -> Result<(Vec<Vec<f64>>, bool), Error> {
        let is_matrix = self
            .required(name, "a vector or a matrix")?
            .as_array()
            .is_some_and(|items| items.first().is_some_and(Value::is_array));
        let rows = if is_matrix {
            self.matrix(name)?
        } else {
            vec![self.vector(name)?]
        };
        Ok((rows, is_matrix))
    }

    /// A required matrix: a non-empty array of equally long, non-empty arrays of numbers.
    pub(crate) fn matrix(&self, name: &str) -> Result<Vec<Vec<f64>>, Error> {
        let rows = self.rows(name)?;
        if rows.iter().any(|row| row.len() != rows[0].len()) {
            return Err(self.malformed(
                name,
                "a matrix (rows of equal length)",
                self.map.get(name).unwrap_or(&Value::Null),
            ));
        }
        Ok(rows)
    }

    /// An optional matrix.
    pub(crate) fn optional_matrix(&self, name: &str) -> Result<Option<Vec<Vec<f64>>>, Error> {
        if self.has(name) {
            self.matrix(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails unless the named arrays have the same length.
    pub(crate) fn same_length(&self, a: (&str, usize), b: (&str, usize)) -> Result<(), Error> {
        if a.1 != b.1 {
            return Err(self.invalid(format!(
                "inputs `{}` ({} elements) and `{}` ({} elements) must have the same length",
                a.0, a.1, b.0, b.1
            )));
        }
        Ok(())
    }
}

/// A number as a JSON value (non-finite numbers become null, which `evaluate` reports).
pub(crate) fn scalar(x: f64) -> Value {
    Value::from(x)
}

/// An array of numbers as a JSON value.
pub(crate) fn array(xs: &[f64]) -> Value {
    Value::Array(xs.iter().copied().map(scalar).collect())
}

/// A matrix as a JSON array of arrays.
pub(crate) fn nested(rows: &[Vec<f64>]) -> Value {
    Value::Array(rows.iter().map(|row| array(row)).collect())
}

/// log(sum(exp(x))), computed as max + log(sum(exp(x - max))) so that no exponential overflows.
/// Returns -inf for an empty slice or when every entry is -inf.
pub(crate) fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// Softmax with the maximum subtracted first: the largest exponent is e^0 = 1, so nothing
/// overflows, and the result is mathematically unchanged.
pub(crate) fn softmax(xs: &[f64]) -> Vec<f64> {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = xs.iter().map(|x| (x - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| e / total).collect()
}

/// The arithmetic mean (NaN for an empty slice).
pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The dot product of two equally long vectors.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The Euclidean norm.
pub(crate) fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// The product of an (n x k) and a (k x m) matrix; the caller checks the shapes.
pub(crate) fn matmul(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let columns = b.first().map_or(0, Vec::len);
    a.iter()
        .map(|row| {
            (0..columns)
                .map(|j| row.iter().zip(b).map(|(x, b_row)| x * b_row[j]).sum())
                .collect()
        })
        .collect()
}

/// The transpose of a rectangular matrix.
pub(crate) fn transpose(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let columns = a.first().map_or(0, Vec::len);
    (0..columns)
        .map(|j| a.iter().map(|row| row[j]).collect())
        .collect()
}

/// Whether a square matrix equals its transpose, up to a relative 1e-12.
pub(crate) fn is_symmetric(a: &[Vec<f64>]) -> bool {
    let scale = a
        .iter()
        .flatten()
        .fold(0.0_f64, |m, x| m.max(x.abs()))
        .max(1.0);
    (0..a.len()).all(|i| (0..i).all(|j| (a[i][j] - a[j][i]).abs() <= 1e-12 * scale))
}

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations. Returns the
/// eigenvalues and a matrix whose columns are the matching unit eigenvectors. Jacobi is slow for
/// large matrices but accurate and short, and worked examples are a few rows at most.
pub(crate) fn symmetric_eigen(matrix: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = matrix.len();
    let mut a = matrix.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let total: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-30 * total || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // The rotation angle that zeroes a[p][q]; t = tan(angle) is the smaller root of
                // t^2 + 2 theta t - 1 = 0, which keeps the rotation small and stable.
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let sign = if theta >= 0.0 { 1.0 } else { -1.0 };
                let t = sign / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (kp, kq) = (row[p], row[q]);
                    row[p] = c * kp - s * kq;
                    row[q] = s * kp + c * kq;
                }
                // p < q, so row p lies in the first half of the split and row q starts the second.
                let (upper, lower) = a.split_at_mut(q);
                for (pk, qk) in upper[p].iter_mut().zip(lower[0].iter_mut()) {
                    let (x, y) = (*pk, *qk);
                    *pk = c * x - s * y;
                    *qk = s * x + c * y;
                }
                for row in v.iter_mut() {
                    let (kp, kq) = (row[p], row[q]);
                    row[p] = c * kp - s * kq;
                    row[q] = s * kp + c * kq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

/// The principal square root of a symmetric positive semi-definite matrix, V sqrt(L) V^T.
/// Eigenvalues that rounding pushed slightly below 0 are treated as 0.
pub(crate) fn psd_sqrt(matrix: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let (values, vectors) = symmetric_eigen(matrix);
    let n = matrix.len();
    let roots: Vec<f64> = values.iter().map(|l| l.max(0.0).sqrt()).collect();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    (0..n)
                        .map(|k| vectors[i][k] * roots[k] * vectors[j][k])
                        .sum()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_sum_exp_and_softmax_survive_large_logits() {
        let lse = log_sum_exp(&[1000.0, 1000.0]);
        assert!((lse - (1000.0 + 2f64.ln())).abs() < 1e-12);
        let p = softmax(&[1000.0, 1001.0]);
        assert!((p[1] - 1.0 / (1.0 + (-1f64).exp())).abs() < 1e-15);
        assert_eq!(log_sum_exp(&[f64::NEG_INFINITY]), f64::NEG_INFINITY);
    }

    #[test]
    fn jacobi_finds_eigenpairs() {
        let a = vec![
            vec![4.0, 1.0, 0.0],
            vec![1.0, 3.0, 1.0],
            vec![0.0, 1.0, 2.0],
        ];
        let (values, vectors) = symmetric_eigen(&a);
        for (k, lambda) in values.iter().enumerate() {
            let x: Vec<f64> = vectors.iter().map(|row| row[k]).collect();
            let ax: Vec<f64> = a.iter().map(|row| dot(row, &x)).collect();
            for (l, r) in ax.iter().zip(&x) {
                assert!((l - lambda * r).abs() < 1e-12, "A x != lambda x");
            }
        }
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        // The trace is the sum of the eigenvalues; 3 is an eigenvalue (x = (1, 0, -1)).
        assert!((sorted.iter().sum::<f64>() - 9.0).abs() < 1e-12);
        assert!((sorted[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn psd_sqrt_squares_back() {
        let a = vec![vec![5.0, 4.0], vec![4.0, 5.0]];
        let r = psd_sqrt(&a);
        // Eigenvalues 9 and 1: the root is [[2, 1], [1, 2]].
        for (got, want) in r.iter().flatten().zip([2.0, 1.0, 1.0, 2.0]) {
            assert!((got - want).abs() < 1e-12);
        }
    }
}
