//! Conversions between Python and the core, in one place: the argument
//! rules (amounts as `decimal.Decimal`, `str` or `int`, never `float`;
//! dates as `datetime.date`; currencies; counts), Python values to JSON
//! documents (bounded, cycle-checked, errors naming the path), and core
//! values to Python by their type marks.

use chrono::{Datelike, NaiveDate};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3::BoundObject;
use rust_decimal::Decimal;
use serde_json::Value;

use credit_core::bounds::Bounds;
use credit_core::calendar::BusinessDayConvention;
use credit_core::error::ErrorKind;
use credit_core::money::{parse_decimal, Currency, Money, MoneyError, RoundingMode};

use crate::money::{PyCurrency, PyMoney};
/// `text` read as JSON into `T` (size and depth bounded by the defaults),
/// or an error naming `what` and the path of the field at fault.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    text: &str,
    what: &'static str,
) -> PyResult<T> {
    credit_core::json::from_str(what, text, &credit_core::bounds::Bounds::DEFAULT)
        .map_err(|e| crate::errors::err(py, e))
}

// ---------------------------------------------------------------------------
// Conversions.

pub(crate) static DECIMAL: GILOnceCell<Py<PyType>> = GILOnceCell::new();
pub(crate) static DATE: GILOnceCell<Py<PyType>> = GILOnceCell::new();
pub(crate) static DATETIME: GILOnceCell<Py<PyType>> = GILOnceCell::new();

/// A decimal from `decimal.Decimal`, `str` or `int`. Floats (and bools) are
/// refused: a float has already lost the exact amount.
pub(crate) fn to_decimal(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<Decimal> {
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

pub(crate) fn py_decimal(py: Python<'_>, d: Decimal) -> PyResult<PyObject> {
    Ok(DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((d.to_string(),))?
        .unbind())
}

pub(crate) fn to_date(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDate> {
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

/// A date in a column of rows (an ERP export read from a file): what
/// [`to_date`] accepts, or its ISO text (`"2026-01-31"`, strictly).
pub(crate) fn to_date_cell(obj: &Bound<'_, PyAny>, field: &'static str) -> PyResult<NaiveDate> {
    if obj.is_instance_of::<PyString>() {
        let s: String = obj.extract()?;
        return credit_core::calendar::parse_date(field, &s)
            .map_err(|e| crate::errors::err(obj.py(), e));
    }
    to_date(obj, field)
}

pub(crate) fn py_date(py: Python<'_>, d: NaiveDate) -> PyResult<PyObject> {
    // The core's calendar runs past Python's (years 1 to 9999): a date
    // beyond it is the typed date error, not `datetime`'s ValueError.
    if !(1..=9999).contains(&d.year()) {
        return Err(crate::errors::kind_err(
            py,
            ErrorKind::DateOutOfRange,
            format!("date out of range: {d} is past Python's dates (years 1 to 9999)"),
        ));
    }
    Ok(DATE
        .import(py, "datetime", "date")?
        .call1((d.year(), d.month(), d.day()))?
        .unbind())
}

pub(crate) fn to_currency(obj: &Bound<'_, PyAny>) -> PyResult<Currency> {
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

pub(crate) fn to_rounding(py: Python<'_>, name: &str) -> PyResult<RoundingMode> {
    RoundingMode::from_name(name).map_err(|e| crate::errors::err(py, e))
}

pub(crate) fn to_convention(py: Python<'_>, name: &str) -> PyResult<BusinessDayConvention> {
    BusinessDayConvention::from_name(name).map_err(|e| crate::errors::err(py, e))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing our own types to a string cannot fail (no maps with
    // non-string keys, no I/O).
    serde_json::to_string(v).unwrap_or_default()
}

pub(crate) fn money_arg(
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

// ---------------------------------------------------------------------------
// Python <-> JSON values.

/// One step of the path to a value inside the object being converted.
enum Seg {
    Key(String),
    Index(usize),
}

/// `root.key[3].field`, built only when an error needs it (a path string
/// per level would cost O(depth²) on deep input).
fn path_text(root: &str, stack: &[Seg]) -> String {
    let mut p = root.to_string();
    for s in stack {
        match s {
            Seg::Key(k) => {
                p.push('.');
                p.push_str(k);
            }
            Seg::Index(i) => p.push_str(&format!("[{i}]")),
        }
    }
    p
}

/// A Python value as JSON: dicts with str keys, lists/tuples, str, int,
/// bool, None, `Decimal` (as its exact string) and `date` (ISO). Floats are
/// refused: they cannot hold exact amounts. Nesting is bounded by
/// `bounds.max_json_depth` and a dict or list that contains itself is
/// refused, each with an error naming the path.
pub(crate) fn to_json_value(
    obj: &Bound<'_, PyAny>,
    root: &str,
    bounds: &Bounds,
) -> PyResult<Value> {
    let mut stack = Vec::new();
    let mut open = Vec::new();
    convert(obj, root, bounds, &mut stack, &mut open)
}

fn convert(
    obj: &Bound<'_, PyAny>,
    root: &str,
    bounds: &Bounds,
    stack: &mut Vec<Seg>,
    open: &mut Vec<usize>,
) -> PyResult<Value> {
    let py = obj.py();
    let path = |stack: &[Seg]| path_text(root, stack);
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(crate::errors::type_err(
            py,
            format!(
                "{} is a float ({}): pass decimal.Decimal or str for amounts",
                path(stack),
                obj.repr()?
            ),
        ));
    }
    if obj.is_instance_of::<PyInt>() {
        let v: i64 = obj.extract().map_err(|_| {
            crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!(
                    "{}: integer {} out of range",
                    path(stack),
                    obj.repr().map(|r| r.to_string()).unwrap_or_default()
                ),
            )
        })?;
        return Ok(Value::from(v));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::String(obj.extract()?));
    }
    if obj.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)? {
        let field = path(stack);
        return to_decimal(obj, "decimal")
            .map(|d| Value::String(d.to_string()))
            .map_err(|e| crate::errors::with_prefix(py, e, &field));
    }
    if obj.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        return Err(crate::errors::type_err(
            py,
            format!("{} is a datetime: pass datetime.date", path(stack)),
        ));
    }
    if obj.is_instance(DATE.import(py, "datetime", "date")?)? {
        let field = path(stack);
        return to_date(obj, "date")
            .map(|d| Value::String(d.to_string()))
            .map_err(|e| crate::errors::with_prefix(py, e, &field));
    }
    let is_dict = obj.is_instance_of::<PyDict>();
    let is_list = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    if is_dict || is_list {
        if stack.len() >= bounds.max_json_depth {
            return Err(crate::errors::err_at(
                py,
                credit_core::bounds::BoundsError::TooLarge {
                    field: "nesting depth",
                    size: stack.len() + 1,
                    max: bounds.max_json_depth,
                },
                &path(stack),
            ));
        }
        let id = obj.as_ptr() as usize;
        if open.contains(&id) {
            return Err(crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("{}: a dict or list that contains itself", path(stack)),
            ));
        }
        open.push(id);
        let out = if let Ok(d) = obj.downcast::<PyDict>() {
            let mut m = serde_json::Map::new();
            for (k, v) in d.iter() {
                let key: String = k.extract().map_err(|_| {
                    crate::errors::type_err(py, format!("{}: dict keys must be str", path(stack)))
                })?;
                stack.push(Seg::Key(key.clone()));
                let val = convert(&v, root, bounds, stack, open);
                stack.pop();
                m.insert(key, val?);
            }
            Value::Object(m)
        } else {
            let mut v = Vec::new();
            for (i, item) in obj.try_iter()?.enumerate() {
                stack.push(Seg::Index(i));
                let val = convert(&item?, root, bounds, stack, open);
                stack.pop();
                v.push(val?);
            }
            Value::Array(v)
        };
        open.pop();
        return Ok(out);
    }
    // Event objects: anything with to_dict(), or a dataclass instance.
    if obj.hasattr("to_dict")? {
        return convert(&obj.call_method0("to_dict")?, root, bounds, stack, open);
    }
    let dataclasses = py.import("dataclasses")?;
    if dataclasses
        .call_method1("is_dataclass", (obj,))?
        .is_truthy()?
        && !obj.is_instance_of::<pyo3::types::PyType>()
    {
        return convert(
            &dataclasses.call_method1("asdict", (obj,))?,
            root,
            bounds,
            stack,
            open,
        );
    }
    Err(crate::errors::type_err(
        py,
        format!(
            "{}: unsupported type {}",
            path(stack),
            obj.get_type().name()?
        ),
    ))
}

/// Reads a dict (or a JSON string) into a core type, bounded by `bounds`;
/// errors name the path of the field at fault.
pub(crate) fn from_py_bounded<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &'static str,
    bounds: &Bounds,
) -> PyResult<T> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        let text: String = obj.extract()?;
        return credit_core::json::from_str(what, &text, bounds)
            .map_err(|e| crate::errors::err(py, e));
    }
    let value = to_json_value(obj, what, bounds)?;
    credit_core::json::from_value(what, value).map_err(|e| crate::errors::err(py, e))
}

/// [`from_py_bounded`] with the default bounds (inputs not for a book).
pub(crate) fn from_py<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &'static str,
) -> PyResult<T> {
    from_py_bounded(obj, what, &Bounds::DEFAULT)
}

/// A report's flat records as a pandas DataFrame, one column per field in
/// the core's order ([`credit_core::rows::Row::COLUMNS`]; an empty report
/// keeps its columns).
pub(crate) fn table<R: credit_core::rows::Row>(py: Python<'_>, rows: &[R]) -> PyResult<PyObject> {
    let v = to_py(py, rows)?;
    Ok(py
        .import("credit._batch")?
        .call_method1("rows_frame", (v, R::COLUMNS.to_vec()))?
        .unbind())
}

/// A core value as Python (see [`to_py`]).
pub(crate) fn serde_to_py<T: serde::Serialize + ?Sized>(
    py: Python<'_>,
    v: &T,
) -> PyResult<PyObject> {
    to_py(py, v)
}

// ---------------------------------------------------------------------------
// Core values to Python, by type.

/// A core value as Python objects, in the shape its JSON has (maps and
/// structs as dicts, sequences and tuples as lists, a unit variant as its
/// name, another variant as `{name: value}`), with every decimal a
/// `decimal.Decimal` and every date a `datetime.date` — known by the type
/// marks the core writes ([`credit_core::serde_decimal::MARK`],
/// [`credit_core::serde_date::MARK`]), never by a field's name. Numbers are
/// `int` or `float` (a non-finite float is `None`, as JSON's `null`).
pub(crate) fn to_py<T: serde::Serialize + ?Sized>(py: Python<'_>, v: &T) -> PyResult<PyObject> {
    v.serialize(PySer { py }).map_err(|e| e.0)
}

/// The error of [`to_py`]: a Python exception.
#[derive(Debug)]
pub(crate) struct SerError(PyErr);

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for SerError {}

impl serde::ser::Error for SerError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        Python::with_gil(|py| SerError(crate::errors::internal_err(py, msg.to_string())))
    }
}

impl From<PyErr> for SerError {
    fn from(e: PyErr) -> Self {
        SerError(e)
    }
}

type Out = Result<PyObject, SerError>;

#[derive(Clone, Copy)]
struct PySer<'py> {
    py: Python<'py>,
}

impl<'py> PySer<'py> {
    fn any<T: IntoPyObject<'py>>(self, v: T) -> Out
    where
        PyErr: From<T::Error>,
    {
        Ok(v.into_pyobject(self.py)
            .map_err(PyErr::from)?
            .into_any()
            .unbind())
    }

    /// `{variant: value}`, as JSON writes a variant with data.
    fn tagged(self, variant: &'static str, value: PyObject) -> Out {
        let d = PyDict::new(self.py);
        d.set_item(variant, value)?;
        Ok(d.into_any().unbind())
    }
}

/// A list being filled (sequences, tuples; a tuple variant's fields).
struct Seq<'py> {
    py: Python<'py>,
    list: Bound<'py, PyList>,
    variant: Option<&'static str>,
}

impl<'py> Seq<'py> {
    fn push<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.list.append(v.serialize(PySer { py: self.py })?)?;
        Ok(())
    }

    fn done(self) -> Out {
        let list = self.list.into_any().unbind();
        match self.variant {
            Some(v) => PySer { py: self.py }.tagged(v, list),
            None => Ok(list),
        }
    }
}

impl serde::ser::SerializeSeq for Seq<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

impl serde::ser::SerializeTuple for Seq<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

impl serde::ser::SerializeTupleStruct for Seq<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_field<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

impl serde::ser::SerializeTupleVariant for Seq<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_field<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.push(v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

/// A dict being filled (maps, structs; a struct variant's fields).
struct Map<'py> {
    py: Python<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<PyObject>,
    variant: Option<&'static str>,
}

impl<'py> Map<'py> {
    fn done(self) -> Out {
        let dict = self.dict.into_any().unbind();
        match self.variant {
            Some(v) => PySer { py: self.py }.tagged(v, dict),
            None => Ok(dict),
        }
    }

    fn field<T: serde::Serialize + ?Sized>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.dict.set_item(k, v.serialize(PySer { py: self.py })?)?;
        Ok(())
    }
}

/// A map key as JSON has it: a string (numbers and marked values as their
/// text).
pub(crate) fn key_text(py: Python<'_>, k: PyObject) -> PyResult<PyObject> {
    let b = k.bind(py);
    if b.is_instance_of::<PyString>() {
        return Ok(k);
    }
    Ok(b.str()?.into_any().unbind())
}

impl serde::ser::SerializeMap for Map<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, k: &T) -> Result<(), SerError> {
        let key = k.serialize(PySer { py: self.py })?;
        self.key = Some(key_text(self.py, key)?);
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let Some(k) = self.key.take() else {
            return Err(serde::ser::Error::custom("a map value without its key"));
        };
        self.dict.set_item(k, v.serialize(PySer { py: self.py })?)?;
        Ok(())
    }
    fn end(self) -> Out {
        self.done()
    }
}

impl serde::ser::SerializeStruct for Map<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_field<T: serde::Serialize + ?Sized>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(k, v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

impl serde::ser::SerializeStructVariant for Map<'_> {
    type Ok = PyObject;
    type Error = SerError;
    fn serialize_field<T: serde::Serialize + ?Sized>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.field(k, v)
    }
    fn end(self) -> Out {
        self.done()
    }
}

/// Takes the string a type mark holds.
struct TakeStr;

macro_rules! not_text {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<String, SerError> {
            Err(serde::ser::Error::custom("a type mark holds a string"))
        })*
    };
}

impl serde::Serializer for TakeStr {
    type Ok = String;
    type Error = SerError;
    type SerializeSeq = serde::ser::Impossible<String, SerError>;
    type SerializeTuple = serde::ser::Impossible<String, SerError>;
    type SerializeTupleStruct = serde::ser::Impossible<String, SerError>;
    type SerializeTupleVariant = serde::ser::Impossible<String, SerError>;
    type SerializeMap = serde::ser::Impossible<String, SerError>;
    type SerializeStruct = serde::ser::Impossible<String, SerError>;
    type SerializeStructVariant = serde::ser::Impossible<String, SerError>;

    fn serialize_str(self, v: &str) -> Result<String, SerError> {
        Ok(v.to_string())
    }

    not_text! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: serde::Serialize + ?Sized>(self, _: &T) -> Result<String, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<String, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(serde::ser::Error::custom("a type mark holds a string"))
    }
}

impl<'py> serde::Serializer for PySer<'py> {
    type Ok = PyObject;
    type Error = SerError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Seq<'py>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Map<'py>;

    fn serialize_bool(self, v: bool) -> Out {
        Ok(PyBool::new(self.py, v).to_owned().into_any().unbind())
    }
    fn serialize_i8(self, v: i8) -> Out {
        self.any(v)
    }
    fn serialize_i16(self, v: i16) -> Out {
        self.any(v)
    }
    fn serialize_i32(self, v: i32) -> Out {
        self.any(v)
    }
    fn serialize_i64(self, v: i64) -> Out {
        self.any(v)
    }
    fn serialize_i128(self, v: i128) -> Out {
        self.any(v)
    }
    fn serialize_u8(self, v: u8) -> Out {
        self.any(v)
    }
    fn serialize_u16(self, v: u16) -> Out {
        self.any(v)
    }
    fn serialize_u32(self, v: u32) -> Out {
        self.any(v)
    }
    fn serialize_u64(self, v: u64) -> Out {
        self.any(v)
    }
    fn serialize_u128(self, v: u128) -> Out {
        self.any(v)
    }
    fn serialize_f32(self, v: f32) -> Out {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Out {
        if v.is_finite() {
            self.any(v)
        } else {
            Ok(self.py.None())
        }
    }
    fn serialize_char(self, v: char) -> Out {
        self.any(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Out {
        self.any(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out {
        Ok(pyo3::types::PyBytes::new(self.py, v).into_any().unbind())
    }
    fn serialize_none(self) -> Out {
        Ok(self.py.None())
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Out {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Out {
        Ok(self.py.None())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out {
        Ok(self.py.None())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out {
        self.any(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Out {
        if name == credit_core::serde_decimal::MARK {
            let text = v.serialize(TakeStr)?;
            let d = credit_core::serde_decimal::parse_strict(&text).ok_or_else(|| {
                <SerError as serde::ser::Error>::custom(format!("bad decimal {text:?}"))
            })?;
            return Ok(py_decimal(self.py, d)?);
        }
        if name == credit_core::serde_date::MARK {
            let text = v.serialize(TakeStr)?;
            let d: NaiveDate = text.parse().map_err(|_| {
                <SerError as serde::ser::Error>::custom(format!("bad date {text:?}"))
            })?;
            return Ok(py_date(self.py, d)?);
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Out {
        let inner = v.serialize(self)?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'py>, SerError> {
        Ok(Seq {
            py: self.py,
            list: PyList::empty(self.py),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'py>, SerError> {
        Ok(Seq {
            py: self.py,
            list: PyList::empty(self.py),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py>, SerError> {
        Ok(Map {
            py: self.py,
            dict: PyDict::new(self.py),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'py>, SerError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'py>, SerError> {
        Ok(Map {
            py: self.py,
            dict: PyDict::new(self.py),
            key: None,
            variant: Some(variant),
        })
    }
}
