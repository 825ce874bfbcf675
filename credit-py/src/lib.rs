//! Python bindings for `credit-core`: the private module `credit._credit`,
//! re-exported by the `credit` package.
//!
//! Thin by design: convert Python values (only `decimal.Decimal`, `str` and
//! `int` for amounts — never `float`; `datetime.date` for dates), call the
//! core, convert back, and map errors to the `credit.CreditError`
//! hierarchy defined in `credit/_errors.py`.

use chrono::{Datelike, NaiveDate};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyType};
use rust_decimal::Decimal;

mod book;
mod collections;
mod errors;
mod scoring;

use credit_core::calendar::{BusinessCalendar, BusinessDayConvention, DayCount, Weekend};
use credit_core::error::ErrorKind;
use credit_core::money::{parse_decimal, Currency, Money, MoneyError, RoundingMode};
use credit_core::terms::{
    PaymentTerms, Schedule, ScheduleOptions, ScheduledDiscount, ScheduledInstallment, Settlement,
};

// ---------------------------------------------------------------------------
// Errors: one mapping from core errors to the Python hierarchy.

/// `text` read as JSON into `T` (size and depth bounded by the defaults),
/// or an error naming `what` and the path of the field at fault.
fn parse_json<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    text: &str,
    what: &'static str,
) -> PyResult<T> {
    credit_core::json::from_str(what, text, &credit_core::bounds::Bounds::DEFAULT)
        .map_err(|e| crate::errors::err(py, e))
}

// ---------------------------------------------------------------------------
// Conversions.

static DECIMAL: GILOnceCell<Py<PyType>> = GILOnceCell::new();
static DATE: GILOnceCell<Py<PyType>> = GILOnceCell::new();
static DATETIME: GILOnceCell<Py<PyType>> = GILOnceCell::new();

/// A decimal from `decimal.Decimal`, `str` or `int`. Floats (and bools) are
/// refused: a float has already lost the exact amount.
fn to_decimal(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyFloat>() {
        return Err(crate::errors::type_err(
            py,
            format!(
                "{field} must be decimal.Decimal, str or int, not float ({}): floats cannot hold exact money; pass Decimal('{}') or the string",
                obj.repr()?,
                obj.repr()?
            ),
        ));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(crate::errors::type_err(
            py,
            format!("{field} must be decimal.Decimal, str or int, not bool"),
        ));
    }
    let text: String = if obj.is_instance_of::<PyString>() {
        obj.extract()?
    } else if obj.is_instance_of::<PyInt>() {
        obj.str()?.extract()?
    } else if obj.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)? {
        if !obj.call_method0("is_finite")?.is_truthy()? {
            return Err(crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("{field} must be a finite decimal, got {}", obj.repr()?),
            ));
        }
        // Fixed-point text ('1E+3' -> '1000'), keeping trailing zeros.
        py.import("builtins")?
            .call_method1("format", (obj, "f"))?
            .extract()?
    } else {
        return Err(crate::errors::type_err(
            py,
            format!(
                "{field} must be decimal.Decimal, str or int, not {}",
                obj.get_type().name()?
            ),
        ));
    };
    parse_decimal(field, &text).map_err(|e| crate::errors::err(py, e))
}

/// A count argument (parts, reasons): a non-negative int. Too large for
/// the machine is `TooLarge`, so the core's own bound check (which names
/// the bound) sees every value that fits.
pub(crate) fn count_arg(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<usize> {
    let py = obj.py();
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(crate::errors::type_err(
            py,
            format!("{field} must be int, not {}", obj.get_type().name()?),
        ));
    }
    if obj.lt(0)? {
        return Err(crate::errors::kind_err(
            py,
            ErrorKind::Validation,
            format!("{field} must not be negative, got {}", obj.repr()?),
        ));
    }
    obj.extract::<usize>().map_err(|_| {
        crate::errors::err_at(
            py,
            credit_core::bounds::BoundsError::TooLarge {
                field,
                size: usize::MAX,
                max: usize::MAX,
            },
            &format!(
                "{field} {}",
                obj.repr().map(|r| r.to_string()).unwrap_or_default()
            ),
        )
    })
}

fn py_decimal(py: Python<'_>, d: Decimal) -> PyResult<PyObject> {
    Ok(DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((d.to_string(),))?
        .unbind())
}

fn to_date(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDate> {
    let py = obj.py();
    let is_date = obj.is_instance(DATE.import(py, "datetime", "date")?)?;
    let is_datetime = obj.is_instance(DATETIME.import(py, "datetime", "datetime")?)?;
    if !is_date || is_datetime {
        return Err(crate::errors::type_err(
            py,
            format!(
                "{field} must be datetime.date (not datetime, str or {}), got {}",
                obj.get_type().name()?,
                obj.repr()?
            ),
        ));
    }
    let (y, m, d): (i32, u32, u32) = (
        obj.getattr("year")?.extract()?,
        obj.getattr("month")?.extract()?,
        obj.getattr("day")?.extract()?,
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        crate::errors::kind_err(
            py,
            ErrorKind::DateOutOfRange,
            format!("{field} {y:04}-{m:02}-{d:02} is out of range"),
        )
    })
}

fn py_date(py: Python<'_>, d: NaiveDate) -> PyResult<PyObject> {
    Ok(DATE
        .import(py, "datetime", "date")?
        .call1((d.year(), d.month(), d.day()))?
        .unbind())
}

fn to_currency(obj: &Bound<'_, PyAny>) -> PyResult<Currency> {
    let py = obj.py();
    if let Ok(c) = obj.downcast::<PyCurrency>() {
        return Ok(c.get().0);
    }
    if obj.is_instance_of::<PyString>() {
        let code: String = obj.extract()?;
        return Currency::iso(&code).map_err(|e| crate::errors::err(py, e));
    }
    Err(crate::errors::type_err(
        py,
        format!(
            "currency must be credit.Currency or a code str, not {}",
            obj.get_type().name()?
        ),
    ))
}

fn to_rounding(py: Python<'_>, name: &str) -> PyResult<RoundingMode> {
    RoundingMode::from_name(name).map_err(|e| crate::errors::err(py, e))
}

fn to_convention(py: Python<'_>, name: &str) -> PyResult<BusinessDayConvention> {
    BusinessDayConvention::from_name(name).map_err(|e| crate::errors::err(py, e))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing our own types to a string cannot fail (no maps with
    // non-string keys, no I/O).
    serde_json::to_string(v).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Currency.

/// An ISO 4217 currency: code and minor-unit exponent.
#[pyclass(name = "Currency", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
struct PyCurrency(Currency);

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
struct PyMoney(Money);

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

// ---------------------------------------------------------------------------
// Calendars and day counts.

/// A business-day calendar: weekend days and host-supplied holidays.
#[pyclass(name = "Calendar", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
struct PyCalendar(BusinessCalendar);

#[pymethods]
impl PyCalendar {
    /// `Calendar(weekend=("Sat", "Sun"), holidays=())`.
    #[new]
    #[pyo3(signature = (weekend = None, holidays = None))]
    fn new(
        py: Python<'_>,
        weekend: Option<Vec<String>>,
        holidays: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let weekend = match weekend {
            None => Weekend::SAT_SUN,
            Some(names) => {
                let mut days = Vec::new();
                for n in names {
                    days.push(n.parse::<chrono::Weekday>().map_err(|_| {
                        crate::errors::kind_err(
                            py,
                            ErrorKind::Validation,
                            format!("invalid weekday {n:?} in weekend; expected Mon..Sun"),
                        )
                    })?);
                }
                Weekend::from_days(&days).map_err(|e| crate::errors::err(py, e))?
            }
        };
        let mut hol = Vec::new();
        if let Some(h) = holidays {
            for item in h.try_iter()? {
                hol.push(to_date(&item?, "holiday")?);
            }
        }
        Ok(PyCalendar(BusinessCalendar::new(weekend, hol)))
    }

    /// Weekend day names, Monday first.
    #[getter]
    fn weekend(&self) -> Vec<String> {
        self.0
            .weekend
            .days()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    /// Holidays in date order.
    #[getter]
    fn holidays(&self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        self.0.holidays.iter().map(|d| py_date(py, *d)).collect()
    }

    /// True if `date` is neither a weekend day nor a holiday.
    fn is_business_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_business_day(to_date(date, "date")?))
    }

    /// Moves `date` to a business day: "following", "modified_following",
    /// "preceding", "modified_preceding" or "unadjusted".
    #[pyo3(signature = (date, convention = "following"))]
    fn adjust(&self, date: &Bound<'_, PyAny>, convention: &str) -> PyResult<PyObject> {
        let py = date.py();
        let d = self
            .0
            .adjust(to_date(date, "date")?, to_convention(py, convention)?)
            .map_err(|e| crate::errors::err(py, e))?;
        py_date(py, d)
    }

    /// Adds `n` business days (negative goes back).
    fn add_business_days(&self, date: &Bound<'_, PyAny>, n: i32) -> PyResult<PyObject> {
        let py = date.py();
        let d = self
            .0
            .add_business_days(to_date(date, "date")?, n)
            .map_err(|e| crate::errors::err(py, e))?;
        py_date(py, d)
    }

    /// Business days in `(start, end]` (negative if `end < start`).
    fn business_days_between(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        Ok(self
            .0
            .business_days_between(to_date(start, "start")?, to_date(end, "end")?))
    }

    /// JSON: `{"weekend": ["Sat", "Sun"], "holidays": ["2026-12-25"]}`.
    fn to_json(&self) -> String {
        to_json(&self.0)
    }

    /// Reads the JSON written by `to_json` (validated).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "calendar").map(PyCalendar)
    }

    fn __repr__(&self) -> String {
        let weekend: Vec<String> = self.weekend().iter().map(|d| format!("'{d}'")).collect();
        let holidays: Vec<String> = self
            .0
            .holidays
            .iter()
            .map(|d| format!("datetime.date({}, {}, {})", d.year(), d.month(), d.day()))
            .collect();
        format!(
            "Calendar(weekend=[{}], holidays=[{}])",
            weekend.join(", "),
            holidays.join(", ")
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (to_json(&slf.get().0),),
        ))
    }
}

/// The year fraction from `start` to `end` under a day-count convention:
/// "act365_fixed", "act360", "thirty360" (US bond basis), "thirty_e360" or
/// "act_act_isda".
#[pyfunction]
fn year_fraction(
    py: Python<'_>,
    day_count: &str,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
) -> PyResult<PyObject> {
    let dc = DayCount::from_name(day_count).map_err(|e| crate::errors::err(py, e))?;
    py_decimal(
        py,
        dc.year_fraction(to_date(start, "start")?, to_date(end, "end")?),
    )
}

// ---------------------------------------------------------------------------
// Terms and schedules.

/// Validated payment terms; `PaymentTerms("2/10 Net 30")`.
#[pyclass(name = "PaymentTerms", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
struct PyPaymentTerms(PaymentTerms);

#[pymethods]
impl PyPaymentTerms {
    /// Parses the trade notation (same as `PaymentTerms.parse`).
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        PaymentTerms::parse(text)
            .map(PyPaymentTerms)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Parses the trade notation, case- and space-insensitive.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        Self::new(py, text)
    }

    /// Reads the JSON written by `to_json` (validated).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "payment terms").map(PyPaymentTerms)
    }

    /// JSON form (decimals as strings).
    fn to_json(&self) -> String {
        to_json(&self.0)
    }

    /// Number of day-limit lines (1 without day limits).
    #[getter]
    fn line_count(&self) -> usize {
        self.0.lines().len()
    }

    /// The schedule for an invoice. `amount` is a `Money`, or a `Decimal`/
    /// `str`/`int` with `currency`. Dates are moved with `calendar` and
    /// `convention` (default "following") when a calendar is given.
    #[pyo3(signature = (invoice_date, amount, currency = None, *, baseline = None, discount_base = None, calendar = None, convention = "following", rounding = "half_even"))]
    #[allow(clippy::too_many_arguments)]
    fn schedule(
        &self,
        py: Python<'_>,
        invoice_date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        currency: Option<&Bound<'_, PyAny>>,
        baseline: Option<&Bound<'_, PyAny>>,
        discount_base: Option<&Bound<'_, PyAny>>,
        calendar: Option<PyRef<'_, PyCalendar>>,
        convention: &str,
        rounding: &str,
    ) -> PyResult<PySchedule> {
        let money = money_arg(amount, currency, "amount")?;
        let base = match discount_base {
            None => None,
            Some(b) => Some(money_arg(
                b,
                Some(&PyCurrency(money.currency()).into_pyobject(py)?.into_any()),
                "discount_base",
            )?),
        };
        let opts = ScheduleOptions {
            baseline: baseline.map(|b| to_date(b, "baseline")).transpose()?,
            discount_base: base,
            calendar: calendar.as_ref().map(|c| &c.0),
            convention: if calendar.is_some() {
                to_convention(py, convention)?
            } else {
                BusinessDayConvention::Unadjusted
            },
            rounding: to_rounding(py, rounding)?,
        };
        let inv = to_date(invoice_date, "invoice_date")?;
        self.0
            .schedule(inv, money, &opts)
            .map(PySchedule)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// What paying the whole invoice on `payment_date` means: the discount
    /// earned, the amount that settles it, the days late. Arguments after
    /// `payment_date` are those of `schedule`.
    #[pyo3(signature = (payment_date, invoice_date, amount, currency = None, *, baseline = None, discount_base = None, calendar = None, convention = "following", rounding = "half_even"))]
    #[allow(clippy::too_many_arguments)]
    fn settlement(
        &self,
        py: Python<'_>,
        payment_date: &Bound<'_, PyAny>,
        invoice_date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        currency: Option<&Bound<'_, PyAny>>,
        baseline: Option<&Bound<'_, PyAny>>,
        discount_base: Option<&Bound<'_, PyAny>>,
        calendar: Option<PyRef<'_, PyCalendar>>,
        convention: &str,
        rounding: &str,
    ) -> PyResult<PySettlement> {
        let pay = to_date(payment_date, "payment_date")?;
        let s = self.schedule(
            py,
            invoice_date,
            amount,
            currency,
            baseline,
            discount_base,
            calendar,
            convention,
            rounding,
        )?;
        Ok(PySettlement(s.0.settlement(pay)))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("PaymentTerms('{}')", self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (to_json(&slf.get().0),),
        ))
    }
}

fn money_arg(
    amount: &Bound<'_, PyAny>,
    currency: Option<&Bound<'_, PyAny>>,
    field: &'static str,
) -> PyResult<Money> {
    let py = amount.py();
    if let Ok(m) = amount.downcast::<PyMoney>() {
        let m = m.get().0;
        if let Some(c) = currency {
            let c = to_currency(c)?;
            if c != m.currency() {
                return Err(crate::errors::err(
                    py,
                    MoneyError::CurrencyMismatch {
                        left: c,
                        right: m.currency(),
                    },
                ));
            }
        }
        return Ok(m);
    }
    let c = currency.ok_or_else(|| {
        crate::errors::type_err(
            py,
            format!("{field}: pass a credit.Money, or a Decimal with currency="),
        )
    })?;
    Money::new(to_decimal(amount, field)?, to_currency(c)?).map_err(|e| crate::errors::err(py, e))
}

macro_rules! json_value_class {
    ($py:ident, $rust:ty, $what:literal, { $($methods:tt)* }) => {
        #[pymethods]
        impl $py {
            $($methods)*

            /// JSON form (decimals as strings, dates ISO).
            fn to_json(&self) -> String {
                to_json(&self.0)
            }

            /// Reads the JSON written by `to_json`.
            #[staticmethod]
            fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
                parse_json::<$rust>(py, text, $what).map($py)
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                Ok((slf.get_type().getattr("from_json")?, (to_json(&slf.get().0),)))
            }
        }
    };
}

/// One installment of a schedule.
#[pyclass(name = "ScheduledInstallment", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
struct PyInstallment(ScheduledInstallment);

json_value_class!(PyInstallment, ScheduledInstallment, "installment", {
    /// 1-based position.
    #[getter]
    fn number(&self) -> u32 {
        self.0.number
    }
    /// Percent of the invoice.
    #[getter]
    fn percent(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_decimal(py, self.0.percent)
    }
    /// Due date.
    #[getter]
    fn due_date(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.due_date)
    }
    /// Amount due.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    fn __repr__(&self) -> String {
        format!(
            "ScheduledInstallment(number={}, due_date={}, amount={})",
            self.0.number, self.0.due_date, self.0.amount
        )
    }
});

/// One discount tier of a schedule.
#[pyclass(name = "ScheduledDiscount", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
struct PyDiscount(ScheduledDiscount);

json_value_class!(PyDiscount, ScheduledDiscount, "discount", {
    /// Percent of the discount base.
    #[getter]
    fn percent(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_decimal(py, self.0.percent)
    }
    /// Last day (inclusive) to pay and earn it.
    #[getter]
    fn deadline(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.deadline)
    }
    /// The discount amount.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// What settles the invoice when paid by the deadline.
    #[getter]
    fn amount_to_settle(&self) -> PyMoney {
        PyMoney(self.0.amount_to_settle)
    }
    fn __repr__(&self) -> String {
        format!(
            "ScheduledDiscount(percent={}, deadline={}, amount={}, amount_to_settle={})",
            self.0.percent, self.0.deadline, self.0.amount, self.0.amount_to_settle
        )
    }
});

/// What paying the whole invoice on a date means.
#[pyclass(name = "Settlement", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
struct PySettlement(Settlement);

json_value_class!(PySettlement, Settlement, "settlement", {
    /// The payment date.
    #[getter]
    fn payment_date(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.payment_date)
    }
    /// Percent of the discount earned, or None.
    #[getter]
    fn discount_percent(&self, py: Python<'_>) -> PyResult<Option<PyObject>> {
        self.0
            .discount_percent
            .map(|p| py_decimal(py, p))
            .transpose()
    }
    /// Discount earned (zero if none).
    #[getter]
    fn discount(&self) -> PyMoney {
        PyMoney(self.0.discount)
    }
    /// Amount that settles the invoice.
    #[getter]
    fn amount_to_settle(&self) -> PyMoney {
        PyMoney(self.0.amount_to_settle)
    }
    /// Days after the net due date (0 if on time).
    #[getter]
    fn days_late(&self) -> i64 {
        self.0.days_late
    }
    /// Installments due before the payment date.
    #[getter]
    fn installments_overdue(&self) -> u32 {
        self.0.installments_overdue
    }
    fn __repr__(&self) -> String {
        format!(
            "Settlement(payment_date={}, discount={}, amount_to_settle={}, days_late={})",
            self.0.payment_date, self.0.discount, self.0.amount_to_settle, self.0.days_late
        )
    }
});

/// An invoice's schedule under its payment terms.
#[pyclass(name = "Schedule", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
struct PySchedule(Schedule);

json_value_class!(PySchedule, Schedule, "schedule", {
    /// The invoice date.
    #[getter]
    fn invoice_date(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.invoice_date)
    }
    /// The baseline all periods ran from.
    #[getter]
    fn baseline(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.baseline)
    }
    /// The invoice amount.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }
    /// The amount discounts are computed on.
    #[getter]
    fn discount_base(&self) -> PyMoney {
        PyMoney(self.0.discount_base)
    }
    /// Installments in due-date order; amounts sum exactly to `amount`.
    #[getter]
    fn installments(&self) -> Vec<PyInstallment> {
        self.0
            .installments
            .iter()
            .cloned()
            .map(PyInstallment)
            .collect()
    }
    /// Discount tiers, earliest deadline first.
    #[getter]
    fn discounts(&self) -> Vec<PyDiscount> {
        self.0.discounts.iter().cloned().map(PyDiscount).collect()
    }
    /// The net due date (the last installment's).
    #[getter]
    fn net_due_date(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_date(py, self.0.net_due_date())
    }
    /// Paying the whole invoice on `payment_date`.
    fn settlement(&self, payment_date: &Bound<'_, PyAny>) -> PyResult<PySettlement> {
        Ok(PySettlement(
            self.0.settlement(to_date(payment_date, "payment_date")?),
        ))
    }
    /// Days from the net due date to `date` (0 if not after it).
    fn days_late(&self, date: &Bound<'_, PyAny>) -> PyResult<i64> {
        Ok(self.0.days_late(to_date(date, "date")?))
    }
    fn __repr__(&self) -> String {
        format!(
            "Schedule(invoice_date={}, amount={}, net_due_date={}, installments={}, discounts={})",
            self.0.invoice_date,
            self.0.amount,
            self.0.net_due_date(),
            self.0.installments.len(),
            self.0.discounts.len()
        )
    }
});

/// The names accepted for `rounding=` arguments.
#[pyfunction]
fn rounding_modes() -> Vec<&'static str> {
    RoundingMode::ALL.iter().map(|m| m.name()).collect()
}

/// The `credit._credit` extension module.
#[pymodule]
fn _credit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyCurrency>()?;
    m.add_class::<PyMoney>()?;
    m.add_class::<PyCalendar>()?;
    m.add_class::<PyPaymentTerms>()?;
    m.add_class::<PySchedule>()?;
    m.add_class::<PyInstallment>()?;
    m.add_class::<PyDiscount>()?;
    m.add_class::<PySettlement>()?;
    m.add_class::<book::PyCreditBook>()?;
    m.add_class::<book::PyDecision>()?;
    m.add_class::<book::PyReason>()?;
    m.add_class::<scoring::PyScorecard>()?;
    m.add_class::<scoring::PyScoreResult>()?;
    m.add_class::<scoring::PyReviewRun>()?;
    m.add_function(wrap_pyfunction!(scoring::psi, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::score_psi, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::discrimination, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::feature_names, m)?)?;
    m.add_class::<collections::PyPaymentPlan>()?;
    m.add_class::<collections::PyDunningRun>()?;
    m.add_class::<collections::PyAlertRun>()?;
    m.add_function(wrap_pyfunction!(collections::late_interest, m)?)?;
    m.add_function(wrap_pyfunction!(collections::compensation, m)?)?;
    m.add_function(wrap_pyfunction!(collections::plan_performance, m)?)?;
    m.add_function(wrap_pyfunction!(year_fraction, m)?)?;
    m.add_function(wrap_pyfunction!(rounding_modes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    Ok(())
}
