//! `credit.PaymentPlan` and plan performance: conversion only.

use pyo3::prelude::*;

use credit_core::plans::{PaymentPlan, PlanTerms};

use crate::conversions::{from_py, serde_to_py, to_date, to_decimal};

/// A payment plan: terms, schedule, payments received and state. Amounts
/// are Decimal, dates datetime.date; pickles; compares by value.
#[pyclass(name = "PaymentPlan", module = "credit")]
#[derive(Clone)]
pub(crate) struct PyPaymentPlan(pub(crate) PaymentPlan);

fn terms_from(obj: &Bound<'_, PyAny>) -> PyResult<PlanTerms> {
    from_py(obj, "plan terms")
}

#[pymethods]
impl PyPaymentPlan {
    /// Builds a plan from its terms (a dict or JSON text): currency,
    /// principal, start, frequency, installments or installment_amount,
    /// method, annual_rate, and the optional down payment, first due date,
    /// calendar, fees, waterfall, broken rule and covered invoices.
    #[new]
    fn new(py: Python<'_>, terms: &Bound<'_, PyAny>) -> PyResult<Self> {
        PaymentPlan::new(terms_from(terms)?)
            .map(PyPaymentPlan)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Proposes a plan for `amount` from `terms`: with `max_installment`,
    /// installments that do not exceed it; otherwise `installments` parts.
    #[staticmethod]
    #[pyo3(signature = (terms, amount, max_installment = None, installments = None))]
    fn propose(
        py: Python<'_>,
        terms: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        max_installment: Option<&Bound<'_, PyAny>>,
        installments: Option<u32>,
    ) -> PyResult<Self> {
        let t = terms_from(terms)?;
        let a = to_decimal(amount, "amount")?;
        let m = max_installment
            .map(|x| to_decimal(x, "max_installment"))
            .transpose()?;
        PaymentPlan::propose(t, a, m, installments)
            .map(PyPaymentPlan)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// A plan from `to_json` output (schedule, payments and state included).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        crate::conversions::parse_json::<PaymentPlan>(py, text, "payment plan").map(PyPaymentPlan)
    }

    /// The whole plan as JSON.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// The plan's terms as a dict.
    #[getter]
    fn terms(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.terms)
    }

    /// The schedule as a list of dicts (number, due_date, principal,
    /// interest, fee, total, balance_after).
    fn schedule_rows(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.schedule)
    }

    /// The schedule as a pandas DataFrame (Decimal and date columns).
    fn schedule(&self, py: Python<'_>) -> PyResult<PyObject> {
        let rows = self.schedule_rows(py)?;
        Ok(py
            .import("credit._batch")?
            .call_method1("rows_frame", (rows,))?
            .unbind())
    }

    /// Records a payment (Decimal, str or int; never float).
    fn apply_payment(
        &mut self,
        py: Python<'_>,
        date: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let d = to_date(date, "date")?;
        let a = to_decimal(amount, "amount")?;
        self.0
            .apply_payment(d, a)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// The plan as of a date: status, and per installment its due, paid,
    /// outstanding and overdue parts and late fees.
    fn status(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let d = to_date(as_of, "as_of")?;
        let s = self.0.status(d).map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &s)
    }

    /// What paying the plan off on a date costs (principal, interest due
    /// and accrued, fees, discount, total).
    fn payoff(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let d = to_date(as_of, "as_of")?;
        let p = self.0.payoff(d).map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &p)
    }

    /// Total interest, fees, cost and payments, and the effective annual
    /// rate (a float: a ratio, not money).
    fn evaluate(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.evaluate())
    }

    /// Reschedules what is owed on `on` (the payoff before any discount)
    /// into a new plan with `terms` (its principal is replaced); this plan
    /// is marked rescheduled.
    fn reschedule(
        &mut self,
        py: Python<'_>,
        on: &Bound<'_, PyAny>,
        terms: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let d = to_date(on, "on")?;
        let t = terms_from(terms)?;
        self.0
            .reschedule(d, t)
            .map(PyPaymentPlan)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Cancels the plan on a date.
    fn cancel(&mut self, on: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.cancel(to_date(on, "on")?);
        Ok(())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<PyPaymentPlan>()
            .is_ok_and(|o| o.borrow().0 == self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.borrow().to_json(),),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "PaymentPlan(principal='{} {}', installments={}, state={:?})",
            self.0.terms.principal,
            self.0.terms.currency,
            self.0.schedule.len(),
            self.0.state
        )
    }
}

/// How payment plans are doing as of a date: counts by status (current,
/// late, broken, completed, closed) and the percent of open plans current.
#[pyfunction]
pub(crate) fn plan_performance(
    py: Python<'_>,
    plans: Vec<PyRef<'_, PyPaymentPlan>>,
    as_of: &Bound<'_, PyAny>,
) -> PyResult<PyObject> {
    let d = to_date(as_of, "as_of")?;
    let list: Vec<PaymentPlan> = plans.iter().map(|p| p.0.clone()).collect();
    let r =
        credit_core::monitor::plan_performance(&list, d).map_err(|e| crate::errors::err(py, e))?;
    serde_to_py(py, &r)
}
