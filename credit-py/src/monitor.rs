//! `credit.AlertRun` and the book's monitoring reports (aging, KPIs, KPI
//! series, goals, alerts) as pandas frames: conversion only.

use pyo3::prelude::*;

use credit_core::monitor::{GoalResult, GoalRow, KpiReport};

use crate::conversions::{parse_json, serde_to_py, table, to_currency, to_date};

/// The KPI names, in report order (the columns of `CreditBook.kpis`,
/// the `kpi` of a goal).
#[pyfunction]
pub(crate) fn kpi_names() -> Vec<&'static str> {
    credit_core::monitor::Kpi::ALL
        .iter()
        .map(|k| k.name())
        .collect()
}

fn group_by_arg(py: Python<'_>, name: &str) -> PyResult<credit_core::monitor::GroupBy> {
    credit_core::monitor::GroupBy::from_name(name).map_err(|e| crate::errors::err(py, e))
}

/// A KPI report as a pandas DataFrame indexed by group key: the core's KPI
/// rows, Decimal (None where undefined) unless `floats`; the period and
/// currency in `attrs`.
fn kpi_frame(py: Python<'_>, r: &KpiReport, floats: bool) -> PyResult<PyObject> {
    let rows = table(py, &r.rows())?;
    let period = (
        crate::conversions::py_date(py, r.from)?,
        crate::conversions::py_date(py, r.to)?,
        r.currency.code(),
    );
    Ok(py
        .import("credit._batch")?
        .call_method1("kpi_frame", (rows, floats, period))?
        .unbind())
}

/// An alert run: alerts raised (new conditions), cleared (ended) and
/// active (all holding now; pass the run to the next `CreditBook.alerts`).
#[pyclass(name = "AlertRun", module = "credit", frozen)]
pub(crate) struct PyAlertRun(pub(crate) credit_core::monitor::AlertRun);

#[pymethods]
impl PyAlertRun {
    /// Reads a stored run.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "alert run").map(PyAlertRun)
    }

    /// The run as JSON.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// Alerts raised by this run (conditions that started), as dicts.
    #[getter]
    fn raised(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.raised)
    }

    /// Alerts cleared by this run (conditions that ended).
    #[getter]
    fn cleared(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.cleared)
    }

    /// Every alert active now.
    #[getter]
    fn active(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.active)
    }

    /// The active alerts as a pandas DataFrame (code, customer, subject,
    /// observed, threshold, raised_on), with a `new` column for those raised
    /// by this run.
    fn to_frame(&self, py: Python<'_>) -> PyResult<PyObject> {
        table(py, &self.0.rows())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<PyAlertRun>()
            .is_ok_and(|o| o.get().0 == self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }

    fn __repr__(&self) -> String {
        format!(
            "AlertRun(as_of={}, raised={}, cleared={}, active={})",
            self.0.as_of,
            self.0.raised.len(),
            self.0.cleared.len(),
            self.0.active.len()
        )
    }
}

/// Book methods of this module, called from `PyCreditBook`.
impl crate::book::PyCreditBook {
    pub(crate) fn aging_impl(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        group_by: &str,
        currency: Option<&Bound<'_, PyAny>>,
        floats: bool,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let g = group_by_arg(py, group_by)?;
        let cur = currency.map(to_currency).transpose()?;
        let a = py
            .allow_threads(|| self.read().aging(day, g, cur))
            .map_err(|e| crate::errors::err(py, e))?;
        let v = serde_to_py(py, &a)?;
        Ok(py
            .import("credit._batch")?
            .call_method1("aging_frame", (v, floats))?
            .unbind())
    }

    pub(crate) fn kpis_impl(
        &self,
        py: Python<'_>,
        from_date: &Bound<'_, PyAny>,
        to_date: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        group_by: &str,
        floats: bool,
    ) -> PyResult<PyObject> {
        let f = crate::conversions::to_date(from_date, "from_date")?;
        let t = crate::conversions::to_date(to_date, "to_date")?;
        let g = group_by_arg(py, group_by)?;
        let cur = to_currency(currency)?;
        let r = py
            .allow_threads(|| self.read().kpis(f, t, g, cur))
            .map_err(|e| crate::errors::err(py, e))?;
        kpi_frame(py, &r, floats)
    }

    pub(crate) fn kpi_series_impl(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        ends: Vec<Bound<'_, PyAny>>,
        currency: &Bound<'_, PyAny>,
        group_by: &str,
        floats: bool,
    ) -> PyResult<PyObject> {
        let s = to_date(start, "start")?;
        let e: Vec<chrono::NaiveDate> = ends
            .iter()
            .map(|d| to_date(d, "ends"))
            .collect::<PyResult<_>>()?;
        let g = group_by_arg(py, group_by)?;
        let cur = to_currency(currency)?;
        let r = py
            .allow_threads(|| self.read().kpi_series(s, &e, g, cur))
            .map_err(|e| crate::errors::err(py, e))?;
        let frames = r
            .iter()
            .map(|k| kpi_frame(py, k, floats))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(py
            .import("credit._batch")?
            .call_method1("series_frame", (frames,))?
            .unbind())
    }

    pub(crate) fn goals_impl(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let cur = to_currency(currency)?;
        let r = py
            .allow_threads(|| self.read().goals_report(day, cur))
            .map_err(|e| crate::errors::err(py, e))?;
        let rows: Vec<GoalRow<'_>> = r.iter().map(GoalResult::row).collect();
        table(py, &rows)
    }

    pub(crate) fn alerts_impl(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        previous: Option<PyRef<'_, crate::monitor::PyAlertRun>>,
        reviews: Option<PyRef<'_, crate::scoring::PyReviewRun>>,
        plans: Option<Vec<(String, PyRef<'_, crate::plans::PyPaymentPlan>)>>,
    ) -> PyResult<crate::monitor::PyAlertRun> {
        let day = to_date(as_of, "as_of")?;
        let prev = previous.map(|p| p.0.active.clone()).unwrap_or_default();
        let plans: Vec<(
            credit_core::customer::CustomerId,
            credit_core::plans::PaymentPlan,
        )> = plans
            .unwrap_or_default()
            .iter()
            .map(|(c, p)| {
                (
                    credit_core::customer::CustomerId::from(c.as_str()),
                    p.0.clone(),
                )
            })
            .collect();
        {
            let run = reviews.as_ref().map(|r| &r.0);
            py.allow_threads(|| self.read().alerts(day, &prev, run, &plans))
        }
        .map(crate::monitor::PyAlertRun)
        .map_err(|e| crate::errors::err(py, e))
    }
}
