//! `credit.DunningRun`, `credit.late_interest` and `credit.compensation`:
//! conversion only.

use pyo3::prelude::*;
use pyo3::types::PyList;

use credit_core::collections::{
    compensation as core_compensation, CompensationTier, DunningRun, LateInterestPolicy,
};

use crate::conversions::{
    from_py, py_decimal, serde_to_py, table, to_currency, to_date, to_decimal,
};

/// A dunning run: notices proposed as of a date.
#[pyclass(name = "DunningRun", module = "credit", frozen)]
pub(crate) struct PyDunningRun(pub(crate) DunningRun);

#[pymethods]
impl PyDunningRun {
    /// Reads a stored run.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        crate::conversions::parse_json(py, text, "dunning run").map(PyDunningRun)
    }

    /// The run as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// Notices as dicts (customer, level, lines, amount, interest,
    /// compensation, fee, total, block_new_orders).
    #[getter]
    fn notices(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.notices)
    }

    /// Items and accounts left out, with the reason.
    #[getter]
    fn excluded(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.excluded)
    }

    /// The ledger events that issue the run (notices and charges), as dicts
    /// for `CreditBook.apply_all`.
    fn events(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.events())
    }

    /// One row per notice line (the core's records): customer, segment,
    /// notice_level, currency, invoice_id, installment, due_date,
    /// days_overdue, amount, interest, compensation, level.
    fn to_frame(&self, py: Python<'_>) -> PyResult<PyObject> {
        table(py, &self.0.lines())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<PyDunningRun>()
            .is_ok_and(|o| o.get().0 == self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "DunningRun(as_of={}, notices={}, excluded={})",
            self.0.as_of,
            self.0.notices.len(),
            self.0.excluded.len()
        )
    }
}

/// Late-payment interest on `amount` due on `due`, reduced by `payments`
/// (a list of (date, amount)), accrued up to and including `until`, by
/// `policy` (a dict: basis fixed or reference + margin + fixing, day_count,
/// grace_days, rounding). Returns a dict with `periods` and `total`.
#[pyfunction]
#[pyo3(signature = (policy, due, amount, until, currency, payments = None))]
pub(crate) fn late_interest(
    py: Python<'_>,
    policy: &Bound<'_, PyAny>,
    due: &Bound<'_, PyAny>,
    amount: &Bound<'_, PyAny>,
    until: &Bound<'_, PyAny>,
    currency: &Bound<'_, PyAny>,
    payments: Option<&Bound<'_, PyList>>,
) -> PyResult<PyObject> {
    let p: LateInterestPolicy = from_py(policy, "late interest policy")?;
    p.validate("policy")
        .map_err(|e| crate::errors::err(py, e))?;
    let mut pays = Vec::new();
    if let Some(list) = payments {
        for (i, item) in list.iter().enumerate() {
            let (d, a): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
                crate::errors::type_err(py, format!("payments[{i}]: expected (date, amount)"))
            })?;
            pays.push((
                to_date(&d, "payment date")?,
                to_decimal(&a, "payment amount")?,
            ));
        }
    }
    let r = p
        .accrue(
            to_date(due, "due")?,
            to_decimal(amount, "amount")?,
            &pays,
            to_date(until, "until")?,
            to_currency(currency)?,
        )
        .map_err(|e| crate::errors::err(py, e))?;
    serde_to_py(py, &r)
}

/// The fixed compensation for a late invoice of `amount` from a table of
/// tiers (list of dicts with min_amount and amount).
#[pyfunction]
pub(crate) fn compensation(
    py: Python<'_>,
    tiers: &Bound<'_, PyAny>,
    amount: &Bound<'_, PyAny>,
) -> PyResult<PyObject> {
    let t: Vec<CompensationTier> = from_py(tiers, "compensation tiers")?;
    py_decimal(py, core_compensation(&t, to_decimal(amount, "amount")?))
}

/// Book methods of this module, called from `PyCreditBook`.
impl crate::book::PyCreditBook {
    pub(crate) fn dunning_run_impl(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        plans: Option<Vec<PyRef<'_, crate::plans::PyPaymentPlan>>>,
    ) -> PyResult<crate::collections::PyDunningRun> {
        let day = to_date(as_of, "as_of")?;
        let plans: Vec<credit_core::plans::PaymentPlan> = plans
            .unwrap_or_default()
            .iter()
            .map(|p| p.0.clone())
            .collect();
        py.allow_threads(|| self.read().dunning_run(day, &plans))
            .map(crate::collections::PyDunningRun)
            .map_err(|e| crate::errors::err(py, e))
    }

    pub(crate) fn worklist_impl(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        plans: Option<Vec<PyRef<'_, crate::plans::PyPaymentPlan>>>,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let cur = to_currency(currency)?;
        let plans: Vec<credit_core::plans::PaymentPlan> = plans
            .unwrap_or_default()
            .iter()
            .map(|p| p.0.clone())
            .collect();
        let w = py
            .allow_threads(|| self.read().worklist(day, cur, &plans))
            .map_err(|e| crate::errors::err(py, e))?;
        table(py, &w)
    }

    pub(crate) fn promises_impl(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(
            py,
            customer,
            as_of,
            segment,
            credit_core::engine::CreditBook::promises,
        )
    }
}
