//! Monitoring: aging, KPI and goals reports as JSON, and the most-used
//! figures (DSO, CEI, total overdue) through a direct accessor.

use std::ffi::c_char;

use credit_core::monitor::GroupBy;

use crate::book::{credit_book, read_book};
use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{borrow, new_strings, opt_str_arg, out, put_json, str_arg, to_date};
use crate::money::currency;

/// How reports are grouped, passed as `int32_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_group_by {
    /// One row for everything.
    CREDIT_GROUP_TOTAL = 0,
    /// Per customer.
    CREDIT_GROUP_CUSTOMER = 1,
    /// Per credit segment.
    CREDIT_GROUP_SEGMENT = 2,
    /// Per collector.
    CREDIT_GROUP_COLLECTOR = 3,
    /// Per risk class.
    CREDIT_GROUP_RISK_CLASS = 4,
    /// Per currency (amounts not converted).
    CREDIT_GROUP_CURRENCY = 5,
}

fn group_by(v: i32) -> Result<GroupBy, FfiError> {
    Ok(match v {
        0 => GroupBy::Total,
        1 => GroupBy::Customer,
        2 => GroupBy::Segment,
        3 => GroupBy::Collector,
        4 => GroupBy::RiskClass,
        5 => GroupBy::Currency,
        _ => {
            return Err(FfiError::invalid(format!(
                "group_by {v} is not a credit_group_by value (0..=5)"
            )))
        }
    })
}

/// Aging as of a date (JSON: labels, and per group the undisputed amounts
/// per bucket, disputed, total = open balance, item count). `group_by` is a
/// `credit_group_by`; `currency_code` converts everything (NULL only when
/// grouping by currency).
///
/// # Safety
/// `book` a live handle; `currency_code` NULL or NUL-terminated; `out_json`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_aging(
    book: *const credit_book,
    as_of: credit_date,
    group: i32,
    currency_code: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let cur = match unsafe { opt_str_arg(currency_code, "currency") }? {
            Some(c) => Some(currency(c)?),
            None => None,
        };
        let a = read_book(b).aging(to_date(as_of, "as_of")?, group_by(group)?, cur)?;
        unsafe { put_json(out_json, "out_json", &a) }
    })
}

/// The KPI report for `from ..= to` the KPI functions read.
///
/// # Safety
/// `book` a live handle; `currency_code` NUL-terminated.
unsafe fn kpi_report(
    book: *const credit_book,
    from: credit_date,
    to: credit_date,
    group: GroupBy,
    currency_code: *const c_char,
) -> Result<credit_core::monitor::KpiReport, FfiError> {
    // SAFETY: caller contract.
    let b = unsafe { borrow(book, "book") }?;
    let cur = currency(unsafe { str_arg(currency_code, "currency") }?)?;
    Ok(read_book(b).kpis(to_date(from, "from")?, to_date(to, "to")?, group, cur)?)
}

/// KPIs for the period `from ..= to` per group, in `currency_code` (JSON:
/// receivables, current, disputed, credit sales and each KPI as
/// `{"value": "12.34"}` or `{"value": null, "undefined": "why"}`).
/// `CREDIT_GROUP_CURRENCY` is refused (`CREDIT_VALIDATION_ERROR`): a KPI
/// report is in one report currency; run one report per currency.
///
/// # Safety
/// `book` a live handle; `currency_code` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_kpis(
    book: *const credit_book,
    from: credit_date,
    to: credit_date,
    group: i32,
    currency_code: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let r = unsafe { kpi_report(book, from, to, group_by(group)?, currency_code) }?;
        unsafe { put_json(out_json, "out_json", &r) }
    })
}

/// One figure of one group's KPIs for the period `from ..= to`, in
/// `currency_code`, as a decimal string freed with `credit_string_free`:
/// `name` is a KPI (`dso`, `countback_dso`, `best_possible_dso`,
/// `average_days_delinquent`, `cei`, `average_days_to_pay`,
/// `average_days_beyond_terms`, `average_days_beyond_terms_signed`,
/// `percent_current`, `percent_over_90`, `bad_debt_ratio`,
/// `limit_utilisation`, `promises_kept`), an amount (`collected`,
/// `beginning_receivables`, `receivables`, `current`, `overdue`,
/// `disputed`, `credit_sales`, `disputes_resolved`) or a count
/// (`promises_made`, `promises_kept_count`, `days_in_period`). The
/// conventions are the policy's `monitoring.kpi` fields. An undefined KPI is written as NULL with
/// `CREDIT_OK`; an unknown group key or name is `CREDIT_INVALID_ARGUMENT`.
///
/// # Safety
/// `book` a live handle; strings NUL-terminated; `out_value` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_kpi(
    book: *const credit_book,
    from: credit_date,
    to: credit_date,
    group: i32,
    currency_code: *const c_char,
    key: *const c_char,
    name: *const c_char,
    out_value: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let key = unsafe { str_arg(key, "key") }?;
        let name = unsafe { str_arg(name, "name") }?;
        let o = unsafe { out(out_value, "out_value") }?;
        let r = unsafe { kpi_report(book, from, to, group_by(group)?, currency_code) }?;
        let k = r
            .groups
            .get(key)
            .ok_or_else(|| FfiError::invalid(format!("key: no group \"{key}\" in the report")))?;
        let v = k
            .figure(name)
            .ok_or_else(|| FfiError::invalid(format!("name: \"{name}\" is not a KPI or figure")))?;
        *o = match v {
            Some(v) => {
                let [s] = new_strings([v.to_string()])?;
                s
            }
            None => std::ptr::null_mut(),
        };
        Ok(())
    })
}

/// Every goal of the policy as of a date (JSON: goal, period, actual, gap,
/// status met / at_risk / missed / undefined, trend).
///
/// # Safety
/// `book` a live handle; `currency_code` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_goals(
    book: *const credit_book,
    as_of: credit_date,
    currency_code: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let cur = currency(unsafe { str_arg(currency_code, "currency") }?)?;
        let r = read_book(b).goals_report(to_date(as_of, "as_of")?, cur)?;
        unsafe { put_json(out_json, "out_json", &r) }
    })
}

/// The book's DSO and CEI for the period `from ..= to` and its total
/// overdue receivables on `to`, in `currency_code`, as decimal strings
/// (each freed with `credit_string_free`); an undefined KPI is written as
/// NULL (e.g. DSO with no credit sales in the period).
///
/// # Safety
/// `book` a live handle; `currency_code` NUL-terminated; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_headline(
    book: *const credit_book,
    from: credit_date,
    to: credit_date,
    currency_code: *const c_char,
    out_dso: *mut *mut c_char,
    out_cei: *mut *mut c_char,
    out_overdue: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let (d, c, o) = unsafe {
            (
                out(out_dso, "out_dso")?,
                out(out_cei, "out_cei")?,
                out(out_overdue, "out_overdue")?,
            )
        };
        let r = unsafe { kpi_report(book, from, to, GroupBy::Total, currency_code) }?;
        let (dso, cei, overdue) = match r.groups.get("total") {
            Some(k) => (k.dso.value, k.cei.value, k.overdue),
            None => (None, None, rust_decimal::Decimal::ZERO),
        };
        let [sd, sc, so] = new_strings([
            dso.map(|x| x.to_string()).unwrap_or_default(),
            cei.map(|x| x.to_string()).unwrap_or_default(),
            overdue.to_string(),
        ])?;
        let keep = |p: *mut c_char, some: bool| {
            if some {
                p
            } else {
                // SAFETY: created just above by new_strings.
                unsafe { crate::handle::free_string(p) };
                std::ptr::null_mut()
            }
        };
        *d = keep(sd, dso.is_some());
        *c = keep(sc, cei.is_some());
        *o = so;
        Ok(())
    })
}

/// A payment plan with its customer, as `credit_book_alerts` reads it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerPlan {
    customer: credit_core::customer::CustomerId,
    plan: credit_core::plans::PaymentPlan,
}

/// Creditworthiness alerts as of a date (JSON: raised, cleared, active).
/// `previous_json`: NULL or the previous run's JSON (this function's
/// output); a condition active there is not raised again. `reviews_json`:
/// NULL or the latest review run (`credit_book_review_run` output).
/// `plans_json`: NULL or a JSON array of `{"customer": id, "plan": plan}`
/// (`plan` as `credit_plan_to_json` writes it), for `PLAN_BROKEN`.
///
/// # Safety
/// `book` a live handle; strings NULL or NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_alerts(
    book: *const credit_book,
    as_of: credit_date,
    previous_json: *const c_char,
    reviews_json: *const c_char,
    plans_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let prev: Vec<credit_core::monitor::Alert> = match unsafe {
            opt_str_arg(previous_json, "previous_json")
        }? {
            Some(t) => {
                crate::book::json::<credit_core::monitor::AlertRun>(t, "previous alert run")?.active
            }
            None => Vec::new(),
        };
        let reviews: Option<credit_core::risk::ReviewRun> =
            match unsafe { opt_str_arg(reviews_json, "reviews_json") }? {
                Some(t) => Some(crate::book::json(t, "review run")?),
                None => None,
            };
        let plans: Vec<CustomerPlan> = match unsafe { opt_str_arg(plans_json, "plans_json") }? {
            Some(t) => crate::book::json(t, "plans")?,
            None => Vec::new(),
        };
        let plans: Vec<_> = plans.into_iter().map(|p| (p.customer, p.plan)).collect();
        let run = read_book(b).alerts(to_date(as_of, "as_of")?, &prev, reviews.as_ref(), &plans)?;
        unsafe { put_json(out_json, "out_json", &run) }
    })
}

/// KPIs for consecutive periods (`start ..= ends[0]`, then up to each next
/// end), in one pass over the ledger (JSON: an array of KPI reports).
/// `ends` holds `n_ends` increasing dates.
///
/// # Safety
/// `book` a live handle; `ends` valid for `n_ends` reads; `currency_code`
/// NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_kpi_series(
    book: *const credit_book,
    start: credit_date,
    ends: *const credit_date,
    n_ends: usize,
    group: i32,
    currency_code: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let list = unsafe { crate::handle::slice(ends, n_ends, "ends") }?;
        let dates = list
            .iter()
            .map(|d| to_date(*d, "ends"))
            .collect::<Result<Vec<_>, _>>()?;
        let cur = currency(unsafe { str_arg(currency_code, "currency") }?)?;
        let r = read_book(b).kpi_series(to_date(start, "start")?, &dates, group_by(group)?, cur)?;
        unsafe { put_json(out_json, "out_json", &r) }
    })
}

/// The behavioural feature names, in the order `credit_book_features`
/// reports them, as a JSON array of strings. Free the string with
/// `credit_string_free`.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_feature_names(out_json: *mut *mut c_char) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &credit_core::features::FEATURE_NAMES) }
    })
}

/// The KPI names, in report order, as a JSON array of strings (`["dso",
/// "countback_dso", …]`): the names `credit_book_kpi` and a goal's `kpi`
/// take. Free the string with `credit_string_free`.
///
/// # Safety
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_kpi_names(out_json: *mut *mut c_char) -> credit_status {
    guard(|| {
        let names: Vec<&str> = credit_core::monitor::Kpi::ALL
            .iter()
            .map(|k| k.name())
            .collect();
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &names) }
    })
}
