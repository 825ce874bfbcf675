//! `credit.PaymentTerms` and the schedules, installments, discounts and
//! settlements they give.

use pyo3::prelude::*;

use credit_core::calendar::BusinessDayConvention;
use credit_core::terms::{
    PaymentTerms, Schedule, ScheduleOptions, ScheduledDiscount, ScheduledInstallment, Settlement,
};

use crate::calendar::PyCalendar;
use crate::conversions::{
    money_arg, parse_json, py_date, py_decimal, to_convention, to_date, to_json, to_rounding,
};
use crate::money::{PyCurrency, PyMoney};

// ---------------------------------------------------------------------------
// Terms and schedules.

/// Validated payment terms; `PaymentTerms("2/10 Net 30")`.
#[pyclass(name = "PaymentTerms", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyPaymentTerms(pub(crate) PaymentTerms);

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
pub(crate) struct PyInstallment(pub(crate) ScheduledInstallment);

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
pub(crate) struct PyDiscount(pub(crate) ScheduledDiscount);

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
pub(crate) struct PySettlement(pub(crate) Settlement);

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
pub(crate) struct PySchedule(pub(crate) Schedule);

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
