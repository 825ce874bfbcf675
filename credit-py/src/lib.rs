//! Python bindings for `credit-core`: the private module `credit._credit`,
//! re-exported by the `credit` package.
//!
//! Thin by design: convert Python values (only `decimal.Decimal`, `str` and
//! `int` for amounts — never `float`; `datetime.date` for dates), call the
//! core, convert back, and map errors to the `credit.CreditError`
//! hierarchy defined in `credit/_errors.py`.

use pyo3::prelude::*;

mod book;
mod calendar;
mod collections;
mod conversions;
mod errors;
mod money;
mod monitor;
mod plans;
mod scoring;
mod terms;

/// The `credit._credit` extension module.
#[pymodule]
fn _credit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<money::PyCurrency>()?;
    m.add_class::<money::PyMoney>()?;
    m.add_class::<calendar::PyCalendar>()?;
    m.add_class::<terms::PyPaymentTerms>()?;
    m.add_class::<terms::PySchedule>()?;
    m.add_class::<terms::PyInstallment>()?;
    m.add_class::<terms::PyDiscount>()?;
    m.add_class::<terms::PySettlement>()?;
    m.add_class::<book::PyCreditBook>()?;
    m.add_class::<book::PyDecision>()?;
    m.add_class::<book::PyRecheck>()?;
    m.add_class::<book::PyReason>()?;
    m.add_class::<scoring::PyScorecard>()?;
    m.add_class::<scoring::PyScoreResult>()?;
    m.add_class::<scoring::PyReviewRun>()?;
    m.add_function(wrap_pyfunction!(scoring::psi, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::score_psi, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::discrimination, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::feature_names, m)?)?;
    m.add_class::<plans::PyPaymentPlan>()?;
    m.add_class::<collections::PyDunningRun>()?;
    m.add_class::<monitor::PyAlertRun>()?;
    m.add_function(wrap_pyfunction!(collections::late_interest, m)?)?;
    m.add_function(wrap_pyfunction!(collections::compensation, m)?)?;
    m.add_function(wrap_pyfunction!(plans::plan_performance, m)?)?;
    m.add_function(wrap_pyfunction!(monitor::kpi_names, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::year_fraction, m)?)?;
    m.add_function(wrap_pyfunction!(money::rounding_modes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    Ok(())
}
