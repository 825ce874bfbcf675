//! Errors: the one table from the core's error kinds to the Python classes
//! of `credit._errors`, looked up once; every exception carries `kind` (the
//! core's stable name) and the figures the core error names (`customer`,
//! `left`/`right`, `field`/`size`/`max`, …) as attributes.

use credit_core::error::{Classify, Detail, Details, ErrorKind};
use credit_core::money::Currency;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyString, PyType};

/// The one table: the Python class of each kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidArgument => "InvalidArgument",
        ErrorKind::Parse => "ParseError",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::UnknownCurrency => "UnknownCurrency",
        ErrorKind::CurrencyMismatch => "CurrencyMismatch",
        ErrorKind::Overflow => "ArithmeticOverflow",
        ErrorKind::Precision => "PrecisionError",
        ErrorKind::DateOutOfRange => "DateOutOfRange",
        ErrorKind::UnknownCustomer => "UnknownCustomer",
        ErrorKind::MissingRate => "MissingRate",
        ErrorKind::ScoringRejected => "ScoringRejected",
        ErrorKind::TooLarge => "TooLarge",
        ErrorKind::ConflictingEvent => "ConflictingEvent",
        ErrorKind::UnknownOrder => "UnknownOrder",
        ErrorKind::UnknownInvoice => "UnknownInvoice",
        ErrorKind::DuplicateId => "DuplicateId",
        ErrorKind::EventNotAllowed => "EventNotAllowed",
        ErrorKind::ReversalRefused => "ReversalRefused",
        ErrorKind::NotOnHold => "NotOnHold",
        ErrorKind::ReleaseIncomplete => "ReleaseIncomplete",
        ErrorKind::InvalidSnapshot => "InvalidSnapshot",
        ErrorKind::HierarchyCycle => "HierarchyCycle",
        ErrorKind::InvalidPayment => "InvalidPayment",
        ErrorKind::PlanClosed => "PlanClosed",
        ErrorKind::NoReferenceRate => "NoReferenceRate",
        // A kind added to the core without a row here: the Python test
        // `test_every_error_kind_has_its_own_class` fails.
        _ => "ValidationError",
    }
}

/// The classes, by position in [`ErrorKind::ALL`], then the binding's own
/// `InvalidTypeError` and the base `CreditError`.
static CLASSES: GILOnceCell<Vec<Py<PyType>>> = GILOnceCell::new();

const TYPE_ERROR: usize = ErrorKind::ALL.len();
const BASE: usize = ErrorKind::ALL.len() + 1;

fn classes(py: Python<'_>) -> PyResult<&Vec<Py<PyType>>> {
    CLASSES.get_or_try_init(py, || {
        let module = py.import("credit._errors")?;
        let names = ErrorKind::ALL
            .iter()
            .map(|k| class_name(*k))
            .chain(["InvalidTypeError", "CreditError"]);
        names
            .map(|n| Ok(module.getattr(n)?.downcast_into::<PyType>()?.unbind()))
            .collect()
    })
}

fn build(
    py: Python<'_>,
    class: usize,
    kind: Option<ErrorKind>,
    message: String,
    details: Details,
) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let exc = classes(py)?[class].bind(py).call1((message.clone(),))?;
        if let Some(k) = kind {
            exc.setattr("kind", k.name())?;
        }
        for (name, d) in details {
            let v: PyObject = match d {
                Detail::Text(t) => t.into_pyobject(py)?.into_any().unbind(),
                Detail::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
                Detail::Currency { code, minor_units } => match Currency::new(&code, minor_units) {
                    Ok(c) => crate::money::PyCurrency(c)
                        .into_pyobject(py)?
                        .into_any()
                        .unbind(),
                    Err(_) => code.into_pyobject(py)?.into_any().unbind(),
                },
            };
            exc.setattr(name, v)?;
        }
        Ok(PyErr::from_value(exc))
    };
    make().unwrap_or_else(|e| e)
}

fn index(kind: ErrorKind) -> usize {
    ErrorKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(BASE)
}

/// A core error as its Python exception.
pub(crate) fn err(py: Python<'_>, e: impl Classify) -> PyErr {
    let kind = e.kind();
    build(py, index(kind), Some(kind), e.to_string(), e.details())
}

/// A core error with `prefix: ` in front of its message (the row or field
/// of a batch it came from).
pub(crate) fn err_at(py: Python<'_>, e: impl Classify, prefix: &str) -> PyErr {
    let kind = e.kind();
    build(
        py,
        index(kind),
        Some(kind),
        format!("{prefix}: {e}"),
        e.details(),
    )
}

/// An error the binding finds itself, of a core kind.
pub(crate) fn kind_err(py: Python<'_>, kind: ErrorKind, message: impl Into<String>) -> PyErr {
    build(py, index(kind), Some(kind), message.into(), Vec::new())
}

/// An argument of the wrong Python type (`InvalidTypeError`, a `TypeError`).
pub(crate) fn type_err(py: Python<'_>, message: impl Into<String>) -> PyErr {
    build(py, TYPE_ERROR, None, message.into(), Vec::new())
}

/// A failure of the binding itself (`CreditError`): output that could not
/// be converted.
pub(crate) fn internal_err(py: Python<'_>, message: impl Into<String>) -> PyErr {
    build(py, BASE, None, message.into(), Vec::new())
}

/// The same exception with `prefix: ` in front of its message (the field
/// or row it came from), its attributes kept.
pub(crate) fn with_prefix(py: Python<'_>, err: PyErr, prefix: &str) -> PyErr {
    let value = err.value(py);
    let message = format!("{prefix}: {value}");
    let remake = || -> PyResult<PyErr> {
        let exc = value.get_type().call1((message.clone(),))?;
        if let Ok(attrs) = value.getattr("__dict__")?.downcast_into::<PyDict>() {
            for (k, v) in attrs.iter() {
                exc.setattr(k.downcast_into::<PyString>()?, v)?;
            }
        }
        Ok(PyErr::from_value(exc))
    };
    remake().unwrap_or(err)
}

/// Every kind's name and the Python class it raises (for the test that
/// walks them).
#[pyfunction]
pub(crate) fn error_kinds(py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyType>)>> {
    let c = classes(py)?;
    Ok(ErrorKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| (k.name(), c[i].clone_ref(py)))
        .collect())
}
