//! `credit.Currency`, `credit.Money` and the rounding modes.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBool;

use credit_core::money::{Currency, Money, MoneyError, RoundingMode};

use crate::conversions::{
    count_arg, parse_json, py_decimal, to_currency, to_decimal, to_json, to_rounding,
};

// ---------------------------------------------------------------------------
// Currency.

/// An ISO 4217 currency: code and minor-unit exponent.
#[pyclass(name = "Currency", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyCurrency(pub(crate) Currency);

#[pymethods]
impl PyCurrency {
    /// The built-in ISO 4217 currency with this code, e.g. `Currency("EUR")`.
    #[new]
    fn new(py: Python<'_>, code: &str) -> PyResult<Self> {
        Currency::iso(code)
            .map(PyCurrency)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// A currency not built in, with an explicit minor-unit exponent (0..=9).
    #[staticmethod]
    fn custom(py: Python<'_>, code: &str, minor_units: u32) -> PyResult<Self> {
        Currency::new(code, minor_units)
            .map(PyCurrency)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// The three-letter code.
    #[getter]
    fn code(&self) -> &str {
        self.0.code()
    }

    /// Decimals of the minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
    #[getter]
    fn minor_units(&self) -> u32 {
        self.0.minor_units()
    }

    fn __repr__(&self) -> String {
        if self.0.is_builtin_iso() {
            format!("Currency('{}')", self.0.code())
        } else {
            format!(
                "Currency.custom('{}', {})",
                self.0.code(),
                self.0.minor_units()
            )
        }
    }

    fn __str__(&self) -> &str {
        self.0.code()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, u32))> {
        let c = slf.get().0;
        Ok((
            slf.get_type().getattr("custom")?,
            (c.code().to_string(), c.minor_units()),
        ))
    }
}

// ---------------------------------------------------------------------------
// Money.

/// An exact amount in one currency (never more decimals than the currency allows).
#[pyclass(name = "Money", module = "credit", frozen)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyMoney(pub(crate) Money);

impl PyMoney {
    fn other<'py>(&self, other: &Bound<'py, PyAny>) -> Option<Money> {
        other.downcast::<PyMoney>().ok().map(|m| m.get().0)
    }
}

#[pymethods]
impl PyMoney {
    /// `Money(amount, currency)`: amount a `Decimal`, `str` or `int` (never a
    /// float) with at most the currency's decimals; currency a `Currency` or code.
    #[new]
    fn new(amount: &Bound<'_, PyAny>, currency: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = amount.py();
        let a = to_decimal(amount, "amount")?;
        Money::new(a, to_currency(currency)?)
            .map(PyMoney)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// An amount rounded to the currency's minor unit with `rounding`.
    #[staticmethod]
    #[pyo3(signature = (amount, currency, rounding = "half_even"))]
    fn rounded(
        amount: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        rounding: &str,
    ) -> PyResult<Self> {
        let py = amount.py();
        Money::new_rounded(
            to_decimal(amount, "amount")?,
            to_currency(currency)?,
            to_rounding(py, rounding)?,
        )
        .map(PyMoney)
        .map_err(|e| crate::errors::err(py, e))
    }

    /// The amount as `decimal.Decimal`.
    #[getter]
    fn amount(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_decimal(py, self.0.amount())
    }

    /// The currency.
    #[getter]
    fn currency(&self) -> PyCurrency {
        PyCurrency(self.0.currency())
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match self.other(other) {
            Some(o) => Ok(PyMoney(
                self.0
                    .checked_add(&o)
                    .map_err(|e| crate::errors::err(py, e))?,
            )
            .into_pyobject(py)?
            .into_any()
            .unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    fn __sub__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match self.other(other) {
            Some(o) => Ok(PyMoney(
                self.0
                    .checked_sub(&o)
                    .map_err(|e| crate::errors::err(py, e))?,
            )
            .into_pyobject(py)?
            .into_any()
            .unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match self.other(other) {
            Some(o) => Ok(PyBool::new(py, o == self.0).to_owned().into_any().unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    fn __ne__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match self.other(other) {
            Some(o) => Ok(PyBool::new(py, o != self.0).to_owned().into_any().unbind()),
            None => Ok(py.NotImplemented()),
        }
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish()
    }

    fn __neg__(&self) -> Self {
        PyMoney(self.0.neg())
    }

    fn __lt__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.cmp(py, other).map(|o| o.is_lt())
    }

    fn __le__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.cmp(py, other).map(|o| o.is_le())
    }

    fn __gt__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.cmp(py, other).map(|o| o.is_gt())
    }

    fn __ge__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.cmp(py, other).map(|o| o.is_ge())
    }

    /// `self × rate`, rounded once to the minor unit.
    #[pyo3(signature = (rate, rounding = "half_even"))]
    fn mul_rate(&self, rate: &Bound<'_, PyAny>, rounding: &str) -> PyResult<Self> {
        let py = rate.py();
        let r = to_decimal(rate, "rate")?;
        self.0
            .checked_mul_rate(r, to_rounding(py, rounding)?)
            .map(PyMoney)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Rounds to a multiple of `step` (e.g. `Decimal(1000)` for limits).
    #[pyo3(signature = (step, rounding = "half_even"))]
    fn round_to_step(&self, step: &Bound<'_, PyAny>, rounding: &str) -> PyResult<Self> {
        let py = step.py();
        let s = to_decimal(step, "step")?;
        self.0
            .round_to_step(s, to_rounding(py, rounding)?)
            .map(PyMoney)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Splits by non-negative weights into parts that sum exactly to the whole.
    fn allocate(&self, py: Python<'_>, weights: &Bound<'_, PyAny>) -> PyResult<Vec<PyMoney>> {
        let mut w = Vec::new();
        for item in weights.try_iter()? {
            w.push(to_decimal(&item?, "weight")?);
        }
        let parts = py
            .allow_threads(|| self.0.allocate(&w))
            .map_err(|e| crate::errors::err(py, e))?;
        Ok(parts.into_iter().map(PyMoney).collect())
    }

    /// Splits into `n` parts as equal as possible that sum exactly to the whole.
    fn split(&self, py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<Vec<PyMoney>> {
        let n = count_arg(n, "parts")?;
        let parts = self.0.split(n).map_err(|e| crate::errors::err(py, e))?;
        Ok(parts.into_iter().map(PyMoney).collect())
    }

    /// JSON: `{"amount": "1234.50", "currency": "EUR"}`.
    fn to_json(&self) -> String {
        to_json(&self.0)
    }

    /// Reads the JSON written by `to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "money").map(PyMoney)
    }

    fn __repr__(&self) -> String {
        format!("Money('{}', '{}')", self.0.amount(), self.0.currency())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (to_json(&slf.get().0),),
        ))
    }
}

impl PyMoney {
    fn cmp(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<std::cmp::Ordering> {
        let o = self.other(other).ok_or_else(|| {
            PyTypeError::new_err(format!(
                "cannot compare Money with {}",
                other
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        if o.currency() != self.0.currency() {
            return Err(crate::errors::err(
                py,
                MoneyError::CurrencyMismatch {
                    left: self.0.currency(),
                    right: o.currency(),
                },
            ));
        }
        Ok(self.0.amount().cmp(&o.amount()))
    }
}

/// The names accepted for `rounding=` arguments.
#[pyfunction]
pub(crate) fn rounding_modes() -> Vec<&'static str> {
    RoundingMode::ALL.iter().map(|m| m.name()).collect()
}
