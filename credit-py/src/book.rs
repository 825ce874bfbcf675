//! `credit.CreditBook` and its decisions: conversion only. Dict inputs go
//! through JSON (floats refused, `Decimal` and `date` written as strings);
//! dict outputs come back with `Decimal` and `datetime.date` values.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::NaiveDate;
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use credit_core::bounds::Bounds;
use credit_core::check::{Decision, Outcome, Reason};
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{Applied, BookError, CreditBook, OrderRequest, Recheck};
use credit_core::error::ErrorKind;
use credit_core::ledger::{Event, OpenItemRow};
use credit_core::money::Currency;
use credit_core::policy::{Checkpoint, Policy};

use crate::conversions::{
    from_py, from_py_bounded, money_arg, parse_json, py_decimal, serde_to_py, to_currency, to_date,
    to_decimal,
};

/// Days from the common era to 1970-01-01 (numpy's datetime64 epoch).
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A date column: a datetime64 column as days since 1970-01-01 (converted
/// whole), or cells read one by one.
enum Dates<'py> {
    Days(PyReadonlyArray1<'py, i64>),
    Cells(Vec<Bound<'py, PyAny>>),
}

impl Dates<'_> {
    fn len(&self) -> usize {
        match self {
            Dates::Days(a) => a.as_array().len(),
            Dates::Cells(c) => c.len(),
        }
    }
}

// ---------------------------------------------------------------------------
// Decisions.

/// One failed check step: a stable code, block/warn, and the figures behind it.
#[pyclass(name = "Reason", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PyReason(Reason);

#[pymethods]
impl PyReason {
    /// Stable code, e.g. "STATIC_LIMIT_EXCEEDED".
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code.0
    }
    /// "block" or "warn".
    #[getter]
    fn action(&self) -> &'static str {
        match self.0.action {
            credit_core::policy::Action::Block => "block",
            credit_core::policy::Action::Warn => "warn",
        }
    }
    /// The threshold compared against, or None.
    #[getter]
    fn threshold(&self, py: Python<'_>) -> PyResult<Option<PyObject>> {
        self.0.threshold.map(|d| py_decimal(py, d)).transpose()
    }
    /// The observed value, or None.
    #[getter]
    fn observed(&self, py: Python<'_>) -> PyResult<Option<PyObject>> {
        self.0.observed.map(|d| py_decimal(py, d)).transpose()
    }
    /// A readable sentence.
    #[getter]
    fn message(&self) -> String {
        self.0.to_string()
    }
    /// As a dict (code, action, threshold, observed, message).
    fn to_dict(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.report())
    }
    /// JSON form.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// Reads the JSON written by `to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "reason").map(PyReason)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }

    fn __repr__(&self) -> String {
        format!("Reason({})", self.0)
    }
}

/// A credit decision: outcome, reasons and the figures behind them.
#[pyclass(name = "Decision", module = "credit", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PyDecision {
    order_id: String,
    decision: Decision,
}

#[pymethods]
impl PyDecision {
    /// The order checked.
    #[getter]
    fn order_id(&self) -> &str {
        &self.order_id
    }
    /// "approved", "approved_with_warnings" or "blocked".
    #[getter]
    fn outcome(&self) -> &'static str {
        self.decision.outcome.name()
    }
    /// True unless blocked.
    #[getter]
    fn approved(&self) -> bool {
        self.decision.outcome != Outcome::Blocked
    }
    /// One reason per failed step, in policy order.
    #[getter]
    fn reasons(&self) -> Vec<PyReason> {
        self.decision
            .reasons
            .iter()
            .copied()
            .map(PyReason)
            .collect()
    }
    /// True when an earlier release let the order pass unchecked.
    #[getter]
    fn protected_by_release(&self) -> bool {
        self.decision.protected_by_release
    }
    /// The account's credit currency code.
    #[getter]
    fn currency(&self) -> &str {
        self.decision.currency.code()
    }
    /// Weighted exposure before the order.
    #[getter]
    fn exposure_before(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_decimal(py, self.decision.exposure_before)
    }
    /// Weighted exposure after the order.
    #[getter]
    fn exposure_after(&self, py: Python<'_>) -> PyResult<PyObject> {
        py_decimal(py, self.decision.exposure_after)
    }
    /// The limit in force (None: unlimited or not defined).
    #[getter]
    fn limit(&self, py: Python<'_>) -> PyResult<Option<PyObject>> {
        self.decision.limit.map(|d| py_decimal(py, d)).transpose()
    }
    /// Limit − exposure before the order (None without a limit amount).
    #[getter]
    fn available(&self, py: Python<'_>) -> PyResult<Option<PyObject>> {
        self.decision
            .available
            .map(|d| py_decimal(py, d))
            .transpose()
    }
    /// As a dict with `Decimal` amounts and the reasons as dicts.
    fn to_dict(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.decision.report(&self.order_id))
    }
    /// JSON form (order id and decision).
    fn to_json(&self) -> String {
        serde_json::json!({"order_id": self.order_id, "decision": self.decision}).to_string()
    }

    /// Reads the JSON written by `to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        #[derive(serde::Deserialize)]
        struct Repr {
            order_id: String,
            decision: Decision,
        }
        crate::conversions::parse_json::<Repr>(py, text, "decision").map(|r| PyDecision {
            order_id: r.order_id,
            decision: r.decision,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }

    fn __repr__(&self) -> String {
        let codes: Vec<&str> = self.decision.reasons.iter().map(|r| r.code.0).collect();
        format!(
            "Decision(order_id='{}', outcome='{}', reasons={:?}, exposure_after={} {}, limit={})",
            self.order_id,
            self.outcome(),
            codes,
            self.decision.exposure_after,
            self.decision.currency,
            self.decision
                .limit
                .map(|l| l.to_string())
                .unwrap_or_else(|| "None".into())
        )
    }
}

fn decision(order_id: &OrderId, d: Decision) -> PyDecision {
    PyDecision {
        order_id: order_id.0.clone(),
        decision: d,
    }
}

/// What re-checking the held orders found: those that now pass, and those
/// that could not be re-checked with the reason.
#[pyclass(name = "Recheck", module = "credit", frozen)]
pub(crate) struct PyRecheck {
    releasable: Vec<PyDecision>,
    not_rechecked: PyObject,
}

#[pymethods]
impl PyRecheck {
    /// The held orders that would now pass, with the decision they would get.
    #[getter]
    fn releasable(&self) -> Vec<PyDecision> {
        self.releasable.clone()
    }
    /// The held orders that could not be re-checked (a missing FX rate, an
    /// overflow): dicts with order_id, error (the error kind's name) and
    /// message. They stay on hold.
    #[getter]
    fn not_rechecked(&self, py: Python<'_>) -> PyObject {
        self.not_rechecked.clone_ref(py)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let ids: Vec<&str> = self
            .releasable
            .iter()
            .map(|d| d.order_id.as_str())
            .collect();
        let n = self.not_rechecked.bind(py).len()?;
        Ok(format!("Recheck(releasable={ids:?}, not_rechecked={n})"))
    }
}

fn recheck(py: Python<'_>, r: Recheck) -> PyResult<PyRecheck> {
    let not_rechecked = serde_to_py(py, &r.report().not_rechecked)?;
    Ok(PyRecheck {
        releasable: r
            .releasable
            .into_iter()
            .map(|(o, d)| decision(&o, d))
            .collect(),
        not_rechecked,
    })
}

// ---------------------------------------------------------------------------
// The book.

/// A credit book: policy, customers, limits, AR ledger, holds and decisions.
/// Safe to share between threads: queries and reports share a read lock
/// (and release the GIL), so they run side by side; events, checks and
/// releases take the write lock, and a check reserves an approved order's
/// value before the lock is released.
#[pyclass(name = "CreditBook", module = "credit", frozen)]
pub(crate) struct PyCreditBook(RwLock<CreditBook>);

impl PyCreditBook {
    // A panic while holding the lock cannot leave the book half-changed
    // (every operation validates before writing), so a poisoned lock is
    // still consistent.

    /// Shared access, for queries and reports.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, CreditBook> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Exclusive access, for everything that changes the book.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, CreditBook> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The size bounds of the book's policy (for converting its input).
    fn bounds(&self) -> Bounds {
        self.read().policy().bounds
    }
}

impl PyCreditBook {
    /// Shared body of the per-customer queries: converts the date, runs
    /// `query` under the lock, returns its result as Python values.
    pub(crate) fn account_query<T: serde::Serialize + Send>(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
        query: fn(&CreditBook, &CustomerId, &str, chrono::NaiveDate) -> Result<T, BookError>,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let id = CustomerId::from(customer);
        let value = py
            .allow_threads(|| query(&self.read(), &id, segment, day))
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &value)
    }
}

fn checkpoint(py: Python<'_>, name: &str) -> PyResult<Checkpoint> {
    Checkpoint::from_name(name).map_err(|e| crate::errors::err(py, e))
}

#[allow(clippy::too_many_arguments)]
fn order_request(
    py: Python<'_>,
    customer: &str,
    order_id: &str,
    amount: &Bound<'_, PyAny>,
    currency: Option<&Bound<'_, PyAny>>,
    as_of: &Bound<'_, PyAny>,
    segment: &str,
    requested_delivery: Option<&Bound<'_, PyAny>>,
    checkpoint_name: &str,
) -> PyResult<OrderRequest> {
    Ok(OrderRequest {
        customer: CustomerId::from(customer),
        segment: segment.to_string(),
        order_id: OrderId::from(order_id),
        amount: money_arg(amount, currency, "amount")?,
        requested_delivery: requested_delivery
            .map(|d| to_date(d, "requested_delivery"))
            .transpose()?,
        checkpoint: checkpoint(py, checkpoint_name)?,
        as_of: to_date(as_of, "as_of")?,
    })
}

#[pymethods]
impl PyCreditBook {
    /// `CreditBook(policy)`: the policy as a dict or a JSON string.
    #[new]
    fn new(py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<Self> {
        let p: Policy = from_py(policy, "policy")?;
        let book = CreditBook::new(p).map_err(|e| crate::errors::err(py, e))?;
        Ok(PyCreditBook(RwLock::new(book)))
    }

    /// Restores a book from `snapshot()`.
    #[staticmethod]
    fn restore(py: Python<'_>, snapshot: &str) -> PyResult<Self> {
        let book = py
            .allow_threads(|| CreditBook::restore(snapshot))
            .map_err(|e| crate::errors::err(py, e))?;
        Ok(PyCreditBook(RwLock::new(book)))
    }

    /// The whole book as a schema-versioned JSON string.
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        // The view is taken under the lock and written after releasing it,
        // so a snapshot does not stop other threads' checks.
        py.allow_threads(|| {
            let view = self.read().snapshot_view();
            view.to_json()
        })
        .map_err(|e| crate::errors::err(py, e))
    }

    /// The policy as a dict.
    #[getter]
    fn policy(&self, py: Python<'_>) -> PyResult<PyObject> {
        let p = self.read().policy().clone();
        serde_to_py(py, &p)
    }

    /// Replaces the policy; returns the re-check of the held orders.
    fn set_policy(
        &self,
        py: Python<'_>,
        policy: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<PyRecheck> {
        let p: Policy = from_py(policy, "policy")?;
        let day = to_date(as_of, "as_of")?;
        let r = self
            .write()
            .set_policy(p, day)
            .map_err(|e| crate::errors::err(py, e))?;
        recheck(py, r)
    }

    /// Adds or updates a customer (dict: id, name, currency, parent,
    /// risk_class, blocked, next_review, collector, attributes); returns the
    /// re-check of the held orders.
    fn upsert_customer(
        &self,
        py: Python<'_>,
        customer: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<PyRecheck> {
        let c: Customer = from_py_bounded(customer, "customer", &self.bounds())?;
        let day = to_date(as_of, "as_of")?;
        let r = self
            .write()
            .upsert_customer(c, day)
            .map_err(|e| crate::errors::err(py, e))?;
        recheck(py, r)
    }

    /// Sets an account's limit (dict: customer, segment, amount
    /// `{"amount": {...money...}}` or `"unlimited"`, valid_to, temporary);
    /// returns the re-check of the held orders.
    fn set_limit(
        &self,
        py: Python<'_>,
        limit: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<PyRecheck> {
        let l: CreditLimit = from_py_bounded(limit, "limit", &self.bounds())?;
        let day = to_date(as_of, "as_of")?;
        let r = self
            .write()
            .set_limit(l, day)
            .map_err(|e| crate::errors::err(py, e))?;
        recheck(py, r)
    }

    /// Sets a group limit on a group head; returns the re-check of the held orders.
    fn set_group_limit(
        &self,
        py: Python<'_>,
        limit: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<PyRecheck> {
        let l: CreditLimit = from_py_bounded(limit, "limit", &self.bounds())?;
        let day = to_date(as_of, "as_of")?;
        let r = self
            .write()
            .set_group_limit(l, day)
            .map_err(|e| crate::errors::err(py, e))?;
        recheck(py, r)
    }

    /// Sets an FX rate: amount_in_to = amount_in_from × rate. Without
    /// `valid_from`, the pair's base rate (in force before any dated one);
    /// with it, the rate in force from that date until the pair's next.
    #[pyo3(signature = (from_currency, to_currency_, rate, valid_from = None))]
    fn set_fx_rate(
        &self,
        py: Python<'_>,
        from_currency: &Bound<'_, PyAny>,
        to_currency_: &Bound<'_, PyAny>,
        rate: &Bound<'_, PyAny>,
        valid_from: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (f, t): (Currency, Currency) =
            (to_currency(from_currency)?, to_currency(to_currency_)?);
        let r = to_decimal(rate, "rate")?;
        let from = valid_from.map(|d| to_date(d, "valid_from")).transpose()?;
        let mut book = self.write();
        match from {
            None => book.set_fx_rate(f, t, r),
            Some(d) => book.set_fx_rate_from(f, t, r, d),
        }
        .map_err(|e| crate::errors::err(py, e))
    }

    /// A customer's master data as a dict: the version in force on `on`,
    /// or the latest without it; None for an unknown customer.
    #[pyo3(signature = (customer, on = None))]
    fn customer(
        &self,
        py: Python<'_>,
        customer: &str,
        on: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyObject> {
        let id = CustomerId::from(customer);
        let on = on.map(|d| to_date(d, "on")).transpose()?;
        let book = self.read();
        let c = match on {
            None => book.customer(&id),
            Some(d) => book.customer_on(&id, d),
        };
        serde_to_py(py, &c)
    }

    /// Every version of a customer's master data, base first, then by
    /// valid-from date (empty for an unknown customer).
    fn customer_history(&self, py: Python<'_>, customer: &str) -> PyResult<PyObject> {
        serde_to_py(
            py,
            &self.read().customer_history(&CustomerId::from(customer)),
        )
    }

    /// Every version of an account's limit, base first, then by valid-from
    /// date (empty for an unknown customer or account).
    #[pyo3(signature = (customer, segment = "default"))]
    fn limit_history(&self, py: Python<'_>, customer: &str, segment: &str) -> PyResult<PyObject> {
        serde_to_py(
            py,
            &self
                .read()
                .limit_history(&CustomerId::from(customer), segment),
        )
    }

    /// Applies one event (a dict with id, customer, date, type and its
    /// fields); returns "applied" or "duplicate".
    fn apply(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let e: Event = from_py_bounded(event, "event", &self.bounds())?;
        Ok(py
            .allow_threads(|| self.write().apply(e))
            .map_err(|e| crate::errors::err(py, e))?
            .name())
    }

    /// Applies events all or nothing; returns "applied"/"duplicate" per event.
    ///
    /// The batch applies in date order (same-day events in the order given,
    /// a reversal where it stands), so rows need not be sorted; an error
    /// names the first event that fails in that order as ``events[i]``.
    fn apply_all(&self, py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<Vec<&'static str>> {
        let bounds = self.bounds();
        let mut evs = Vec::new();
        for (i, item) in events.try_iter()?.enumerate() {
            evs.push(
                from_py_bounded::<Event>(&item?, "event", &bounds)
                    .map_err(|e| crate::errors::with_prefix(py, e, &format!("events[{i}]")))?,
            );
        }
        let r = py.allow_threads(|| self.write().apply_all(evs));
        match r {
            Ok(v) => Ok(v.into_iter().map(Applied::name).collect()),
            Err((i, e)) => Err(crate::errors::with_prefix(
                py,
                crate::errors::err(py, e),
                &format!("events[{i}]"),
            )),
        }
    }

    /// Imports open items (an opening balance) from a pandas DataFrame or a
    /// dict of columns: customer, invoice_id, invoice_date, due_date, amount,
    /// currency, and optionally open (default: amount) and segment. Amounts
    /// must be Decimal or str (read CSVs with dtype=str), dates a
    /// datetime64 column (converted whole: a missing date, a time of day
    /// or a time zone is refused) or datetime.date / ISO str cells, ids str
    /// (or int). An unknown column,
    /// columns of unequal length or a missing value are errors naming the
    /// column and row. All or nothing; returns the row count.
    fn load_open_items(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        const REQUIRED: [&str; 6] = [
            "customer",
            "invoice_id",
            "invoice_date",
            "due_date",
            "amount",
            "currency",
        ];
        const OPTIONAL: [&str; 2] = ["open", "segment"];
        if !data.hasattr("keys")? || !data.hasattr("__getitem__")? {
            return Err(crate::errors::type_err(
                py,
                format!(
                    "load_open_items: data must be a pandas DataFrame or a dict of columns, not {}",
                    data.get_type().name()?
                ),
            ));
        }
        // Every column is named: an unknown one (a typo, an unmapped ERP
        // field) is refused rather than ignored.
        let mut names = Vec::new();
        for k in data.call_method0("keys")?.try_iter()? {
            let k = k?;
            let name: String = k.extract().map_err(|_| {
                crate::errors::type_err(
                    py,
                    format!(
                        "load_open_items: column names must be str, got {}",
                        k.repr().map(|r| r.to_string()).unwrap_or_default()
                    ),
                )
            })?;
            if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
                return Err(crate::errors::kind_err(
                    py,
                    ErrorKind::Validation,
                    format!(
                        "load_open_items: unknown column {name:?}; expected {} and optionally {}",
                        REQUIRED.join(", "),
                        OPTIONAL.join(", ")
                    ),
                ));
            }
            names.push(name);
        }
        let column = |name: &str| -> PyResult<Option<Vec<Bound<'_, PyAny>>>> {
            if !names.iter().any(|n| n == name) {
                return Ok(None);
            }
            let col = data.get_item(name)?;
            let col = if col.hasattr("tolist")? {
                col.call_method0("tolist")?
            } else {
                col
            };
            Ok(Some(col.try_iter()?.collect::<PyResult<Vec<_>>>()?))
        };
        let need = |name: &str| -> PyResult<Vec<Bound<'_, PyAny>>> {
            column(name)?.ok_or_else(|| {
                crate::errors::kind_err(
                    py,
                    ErrorKind::Validation,
                    format!("open items need a column {name:?}"),
                )
            })
        };
        // A datetime64 column is converted whole (numpy), any other cell by
        // cell (datetime.date or ISO str).
        let columns = py.import("credit._columns")?;
        let dates = |name: &str| -> PyResult<Dates<'_>> {
            if names.iter().any(|n| n == name) {
                let days = columns.call_method1("days", (data.get_item(name)?, name))?;
                if !days.is_none() {
                    return Ok(Dates::Days(days.extract::<PyReadonlyArray1<'_, i64>>()?));
                }
            }
            Ok(Dates::Cells(need(name)?))
        };
        let (cust, inv, idate, due, amount, cur) = (
            need("customer")?,
            need("invoice_id")?,
            dates("invoice_date")?,
            dates("due_date")?,
            need("amount")?,
            need("currency")?,
        );
        let open = column("open")?;
        let segment = column("segment")?;
        let n = cust.len();
        let lengths = [
            ("invoice_id", inv.len()),
            ("invoice_date", idate.len()),
            ("due_date", due.len()),
            ("amount", amount.len()),
            ("currency", cur.len()),
            ("open", open.as_ref().map_or(n, Vec::len)),
            ("segment", segment.as_ref().map_or(n, Vec::len)),
        ];
        if let Some((name, len)) = lengths.iter().find(|(_, len)| *len != n) {
            return Err(crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("load_open_items: column {name:?} has {len} rows, \"customer\" has {n}"),
            ));
        }
        // Ids are text; an int is exact, but a float (1.0 from a numeric
        // column), None or NaN is not an id.
        let id_of = |v: &Bound<'_, PyAny>, field: &str| -> PyResult<String> {
            if v.is_instance_of::<PyString>() {
                return v.extract();
            }
            if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
                return v.str()?.extract();
            }
            Err(crate::errors::type_err(
                py,
                format!(
                    "{field} must be str (or int), not {} {}: read the file with dtype=str and fill missing ids",
                    v.get_type().name()?,
                    v.repr()?
                ),
            ))
        };
        let date_of = |d: &Dates<'_>, i: usize, field: &'static str| -> PyResult<NaiveDate> {
            match d {
                Dates::Cells(c) => crate::conversions::to_date_cell(&c[i], field),
                Dates::Days(a) => {
                    let v = a.as_slice()?[i];
                    i32::try_from(v)
                        .ok()
                        .and_then(|v| v.checked_add(UNIX_EPOCH_DAYS_FROM_CE))
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
                        .ok_or_else(|| {
                            crate::errors::kind_err(
                                py,
                                ErrorKind::DateOutOfRange,
                                format!("{field}: {v} days from 1970-01-01 is out of range"),
                            )
                        })
                }
            }
        };
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let row = || -> PyResult<OpenItemRow> {
                Ok(OpenItemRow {
                    customer: CustomerId(id_of(&cust[i], "customer")?),
                    segment: match &segment {
                        Some(s) => id_of(&s[i], "segment")?,
                        None => credit_core::customer::DEFAULT_SEGMENT.to_string(),
                    },
                    invoice_id: credit_core::customer::InvoiceId(id_of(&inv[i], "invoice_id")?),
                    invoice_date: date_of(&idate, i, "invoice_date")?,
                    due_date: date_of(&due, i, "due_date")?,
                    amount: to_decimal(&amount[i], "amount")?,
                    open: open
                        .as_ref()
                        .map(|o| to_decimal(&o[i], "open"))
                        .transpose()?,
                    currency: to_currency(&cur[i])?,
                })
            };
            rows.push(row().map_err(|e| crate::errors::with_prefix(py, e, &format!("row {i}")))?);
        }
        let r = py.allow_threads(|| self.write().import_open_items(rows));
        r.map_err(|(i, e)| {
            crate::errors::with_prefix(py, crate::errors::err(py, e), &format!("row {i}"))
        })
    }

    /// Checks an order and records the decision: approved orders are
    /// reserved in the exposure, blocked ones put on hold.
    #[pyo3(signature = (customer, order_id, amount, currency = None, *, as_of, segment = "default", requested_delivery = None, checkpoint = "order"))]
    #[allow(clippy::too_many_arguments)]
    fn check_order(
        &self,
        py: Python<'_>,
        customer: &str,
        order_id: &str,
        amount: &Bound<'_, PyAny>,
        currency: Option<&Bound<'_, PyAny>>,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
        requested_delivery: Option<&Bound<'_, PyAny>>,
        checkpoint: &str,
    ) -> PyResult<PyDecision> {
        let req = order_request(
            py,
            customer,
            order_id,
            amount,
            currency,
            as_of,
            segment,
            requested_delivery,
            checkpoint,
        )?;
        let oid = req.order_id.clone();
        let d = py
            .allow_threads(|| self.write().check_order(req))
            .map_err(|e| crate::errors::err(py, e))?;
        Ok(decision(&oid, d))
    }

    /// What `check_order` would decide, without recording anything.
    #[pyo3(signature = (customer, order_id, amount, currency = None, *, as_of, segment = "default", requested_delivery = None, checkpoint = "order"))]
    #[allow(clippy::too_many_arguments)]
    fn simulate_check(
        &self,
        py: Python<'_>,
        customer: &str,
        order_id: &str,
        amount: &Bound<'_, PyAny>,
        currency: Option<&Bound<'_, PyAny>>,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
        requested_delivery: Option<&Bound<'_, PyAny>>,
        checkpoint: &str,
    ) -> PyResult<PyDecision> {
        let req = order_request(
            py,
            customer,
            order_id,
            amount,
            currency,
            as_of,
            segment,
            requested_delivery,
            checkpoint,
        )?;
        let d = py
            .allow_threads(|| self.read().simulate_check(&req))
            .map_err(|e| crate::errors::err(py, e))?;
        Ok(decision(&req.order_id, d))
    }

    /// Releases a held order (who, why, when); returns the release as a dict.
    fn release(
        &self,
        py: Python<'_>,
        order_id: &str,
        by: &str,
        reason: &str,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<PyObject> {
        let day = to_date(date, "date")?;
        let r = self
            .write()
            .release(&OrderId::from(order_id), by, reason, day)
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &r)
    }

    /// Withdraws an order that was checked but will not be placed (drops its
    /// reservation or hold); returns False if the book held nothing for it.
    fn withdraw_order(&self, order_id: &str) -> bool {
        self.write().withdraw_order(&OrderId::from(order_id))
    }

    /// Re-checks every held order on `as_of`: those that would now pass, and
    /// those that could not be re-checked, with the reason.
    fn releasable(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<PyRecheck> {
        let day = to_date(as_of, "as_of")?;
        let r = self.read().releasable(day);
        recheck(py, r)
    }

    /// Held orders as dicts (the order request and the blocking decision's seq).
    fn holds(&self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        let book = self.read();
        book.holds().map(|h| serde_to_py(py, h)).collect()
    }

    /// Every release, oldest first, as dicts.
    fn releases(&self, py: Python<'_>) -> PyResult<PyObject> {
        let book = self.read();
        serde_to_py(py, &book.releases())
    }

    /// The decision log as dicts (seq, request, policy_id, inputs, decision).
    fn decision_log(&self, py: Python<'_>) -> PyResult<PyObject> {
        let book = self.read();
        serde_to_py(py, &book.decision_log())
    }

    /// The logged decisions for one order, oldest first.
    fn decisions_for(&self, py: Python<'_>, order_id: &str) -> PyResult<PyObject> {
        let book = self.read();
        let v: Vec<_> = book.decisions_for(&OrderId::from(order_id)).collect();
        serde_to_py(py, &v)
    }

    /// Re-runs the decision log under another policy: a dict with
    /// policy_id, total, changed [(seq, order_id, old, new)], remeasured
    /// (decisions whose figures were measured again from the ledger as of
    /// their date) and not_remeasured (seqs logged without their measures).
    fn backtest(&self, py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let p: Policy = from_py(policy, "policy")?;
        let bt = py
            .allow_threads(|| self.read().backtest(&p))
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &bt)
    }

    /// An account's exposure as it stood on `as_of`, as a dict.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn exposure(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(py, customer, as_of, segment, CreditBook::exposure)
    }

    /// The exposure of the group headed by `head` as it stood on `as_of`:
    /// a dict with members, total (head's currency) and the group limit.
    #[pyo3(signature = (head, as_of, segment = "default"))]
    fn group_exposure(
        &self,
        py: Python<'_>,
        head: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(py, head, as_of, segment, CreditBook::group_exposure)
    }

    /// Open items of an account as they stood on `as_of`, as dicts.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn open_items(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(py, customer, as_of, segment, CreditBook::open_items)
    }

    /// Open credits of an account as they stood on `as_of` (cash and credit
    /// notes on account not yet fully cleared), as dicts.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn open_credits(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(py, customer, as_of, segment, CreditBook::open_credits)
    }

    /// The payment plans agreed on an account (`plan_agreed` events) as
    /// they stood on `as_of`: each with plan_id, agreed_on, invoices, runs
    /// (whether it holds its invoices that day), status, principal_paid
    /// and charges_paid.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn plans(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.account_query(py, customer, as_of, segment, CreditBook::plans)
    }

    /// Behavioural features of an account as of a date (days to pay, days
    /// beyond terms, overdue, utilisation, dunning, disputes, promises…), as
    /// a dict; undefined ones are None.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn features(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.features_impl(py, customer, as_of, segment)
    }

    /// Scores a customer with `card` from its features as of `as_of` and the
    /// host's `attributes` (which win on a name clash), and recommends a
    /// limit by the policy's rules: a dict with features, attributes, result
    /// and recommendation.
    #[pyo3(signature = (card, customer, as_of, attributes = None, segment = "default"))]
    fn score_customer(
        &self,
        py: Python<'_>,
        card: &crate::scoring::PyScorecard,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        attributes: Option<&Bound<'_, PyAny>>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.score_customer_impl(py, card, customer, as_of, attributes, segment)
    }

    /// Runs the credit review as of a date: customers due are re-scored,
    /// compared with `previous` (a ReviewRun or its JSON), given a limit
    /// proposal and a next review date. `attributes` maps customer id to
    /// host attributes. Returns a ReviewRun (`to_frame()` for a DataFrame).
    #[pyo3(signature = (card, as_of, attributes = None, previous = None, segment = "default"))]
    fn review_run(
        &self,
        py: Python<'_>,
        card: &crate::scoring::PyScorecard,
        as_of: &Bound<'_, PyAny>,
        attributes: Option<&Bound<'_, PyAny>>,
        previous: Option<&Bound<'_, PyAny>>,
        segment: &str,
    ) -> PyResult<crate::scoring::PyReviewRun> {
        self.review_run_impl(py, card, as_of, attributes, previous, segment)
    }

    /// Writes a review run back to the master data under the policy's
    /// `review.write_back`: next review dates, class changes and limit
    /// changes applied (or left as proposals), each a version valid from the
    /// run's date. Returns `(write_back, recheck)`: a dict with `as_of`,
    /// `segment`, `applied` and `proposals` (each change a dict with
    /// `customer`, `change` and its figures), and the re-check of the held
    /// orders. All or nothing; applying the same run again changes nothing.
    fn apply_review(
        &self,
        py: Python<'_>,
        run: &crate::scoring::PyReviewRun,
    ) -> PyResult<(PyObject, PyRecheck)> {
        let (wb, r) = self
            .write()
            .apply_review(&run.0)
            .map_err(|e| crate::errors::err(py, e))?;
        Ok((serde_to_py(py, &wb)?, recheck(py, r)?))
    }

    /// Proposes dunning notices as of a date by the policy's dunning
    /// procedure; invoices of `plans` (PaymentPlan objects) that are current
    /// or late are left out. Returns a DunningRun (`events()` to issue it
    /// with `apply_all`, `to_frame()` for a DataFrame).
    #[pyo3(signature = (as_of, plans = None))]
    fn dunning_run(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        plans: Option<Vec<PyRef<'_, crate::plans::PyPaymentPlan>>>,
    ) -> PyResult<crate::collections::PyDunningRun> {
        self.dunning_run_impl(py, as_of, plans)
    }

    /// The collection worklist as of a date, amounts in `currency`: a pandas
    /// DataFrame (collector, customer, overdue, max_days_overdue,
    /// dunning_level, risk_class, priority, next_action), grouped by
    /// collector, highest priority first; invoices of current or late
    /// `plans` are left out.
    #[pyo3(signature = (as_of, currency, plans = None))]
    fn worklist(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        plans: Option<Vec<PyRef<'_, crate::plans::PyPaymentPlan>>>,
    ) -> PyResult<PyObject> {
        self.worklist_impl(py, as_of, currency, plans)
    }

    /// Aging as of a date: a pandas DataFrame with one row per group (`key`,
    /// `currency`, one column per bucket, `disputed`, `total`, `items`);
    /// amounts Decimal unless `floats=True` (for plotting). Group by
    /// "total", "customer", "segment", "collector", "risk_class" or
    /// "currency"; `currency` converts everything (required unless grouping
    /// by currency).
    #[pyo3(signature = (as_of, group_by = "total", currency = None, floats = false))]
    fn aging(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        group_by: &str,
        currency: Option<&Bound<'_, PyAny>>,
        floats: bool,
    ) -> PyResult<PyObject> {
        self.aging_impl(py, as_of, group_by, currency, floats)
    }

    /// KPIs for the period `from_date ..= to_date` per group, in `currency`:
    /// a pandas DataFrame indexed by group key, one column per KPI (DSO,
    /// countback DSO, BPDSO, ADD, CEI, days to pay, days beyond terms,
    /// percent current, percent over 90, bad-debt ratio, utilisation,
    /// promises kept) plus receivables, current, disputed and credit sales;
    /// Decimal values (None where undefined) unless `floats=True` (NaN).
    #[pyo3(signature = (from_date, to_date, currency, group_by = "total", floats = false))]
    fn kpis(
        &self,
        py: Python<'_>,
        from_date: &Bound<'_, PyAny>,
        to_date: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        group_by: &str,
        floats: bool,
    ) -> PyResult<PyObject> {
        self.kpis_impl(py, from_date, to_date, currency, group_by, floats)
    }

    /// KPIs for consecutive periods (`start ..= ends[0]`, then up to each
    /// next end), computed in one pass over the ledger: a pandas DataFrame
    /// with one row per period end and group (`to`, `key`, then the KPI
    /// columns); Decimal unless `floats=True`.
    #[pyo3(signature = (start, ends, currency, group_by = "total", floats = false))]
    fn kpi_series(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        ends: Vec<Bound<'_, PyAny>>,
        currency: &Bound<'_, PyAny>,
        group_by: &str,
        floats: bool,
    ) -> PyResult<PyObject> {
        self.kpi_series_impl(py, start, ends, currency, group_by, floats)
    }

    /// Every goal of the policy as of a date: a pandas DataFrame (name, kpi,
    /// scope, key, target, direction, from, to, actual, gap, status, trend).
    fn goals(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
    ) -> PyResult<PyObject> {
        self.goals_impl(py, as_of, currency)
    }

    /// Creditworthiness alerts as of a date, by the policy's thresholds:
    /// compared with `previous` (the last AlertRun), a condition is raised
    /// once and cleared when it ends. `reviews` is the latest ReviewRun;
    /// `plans` a list of (customer id, PaymentPlan).
    #[pyo3(signature = (as_of, previous = None, reviews = None, plans = None))]
    fn alerts(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        previous: Option<PyRef<'_, crate::monitor::PyAlertRun>>,
        reviews: Option<PyRef<'_, crate::scoring::PyReviewRun>>,
        plans: Option<Vec<(String, PyRef<'_, crate::plans::PyPaymentPlan>)>>,
    ) -> PyResult<crate::monitor::PyAlertRun> {
        self.alerts_impl(py, as_of, previous, reviews, plans)
    }

    /// Promises to pay of an account and their state as of a date (open,
    /// kept, partially_kept, broken), as dicts.
    #[pyo3(signature = (customer, as_of, segment = "default"))]
    fn promises(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        self.promises_impl(py, customer, as_of, segment)
    }

    /// Number of events applied.
    #[getter]
    fn event_count(&self) -> usize {
        self.read().event_count()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let py = slf.py();
        let snap = slf.get().snapshot(py)?;
        Ok((slf.get_type().getattr("restore")?, (snap,)))
    }

    fn __repr__(&self) -> String {
        let b = self.read();
        format!(
            "CreditBook(policy_id='{}', events={}, holds={}, decisions={})",
            b.policy().policy_id,
            b.event_count(),
            b.holds().count(),
            b.decision_log().len()
        )
    }
}
