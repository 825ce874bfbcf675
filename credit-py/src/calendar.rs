//! `credit.Calendar` and day counts.

use chrono::Datelike;
use pyo3::prelude::*;

use credit_core::calendar::{BusinessCalendar, DayCount, Weekend};
use credit_core::error::ErrorKind;

use crate::conversions::{parse_json, py_date, py_decimal, to_convention, to_date, to_json};

// ---------------------------------------------------------------------------
// Calendars and day counts.

/// A business-day calendar: weekend days and host-supplied holidays.
#[pyclass(name = "Calendar", module = "credit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyCalendar(pub(crate) BusinessCalendar);

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
pub(crate) fn year_fraction(
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
