//! Payment terms and invoice schedules.

use std::ffi::c_char;

use credit_core::money::{parse_decimal, Currency, Money};
use credit_core::terms::{PaymentTerms, Schedule, ScheduleOptions};

use crate::calendar::{convention, credit_calendar};
use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{
    borrow, free_handle, from_date, into_handle, opt_str_arg, out, put_json, put_string, str_arg,
    to_date,
};
use crate::money::{credit_money, currency, rounding};

/// Validated payment terms. Immutable; may be shared across threads.
pub struct credit_terms(pub(crate) PaymentTerms);

/// An invoice's schedule under its terms. Immutable; may be shared across
/// threads.
pub struct credit_schedule(pub(crate) Schedule);

/// Options for `credit_terms_schedule`. Zero-initialise it
/// (`credit_schedule_options o = {0};`) for the defaults: baseline = invoice
/// date, whole amount discountable, no calendar, half-even rounding.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credit_schedule_options {
    /// Baseline date if not the invoice date (e.g. delivery date), or NULL.
    pub baseline: *const credit_date,
    /// Discountable part of the amount (e.g. before tax) as a decimal
    /// string in the invoice currency, or NULL for the whole amount.
    pub discount_base: *const c_char,
    /// Calendar to move every date to a business day, or NULL.
    pub calendar: *const credit_calendar,
    /// A `credit_business_day_convention` value used with `calendar`.
    pub convention: i32,
    /// A `credit_rounding` value for discount amounts.
    pub rounding: i32,
}

/// Parses payment terms in trade notation, case- and space-insensitive:
/// `"Net 30"`, `"2/10 Net 30"`, `"2/10, 1/20, Net 45"`, `"Net 30 EOM"`
/// (30 days after the end of the invoice month), `"Net 45 then EOM"` (45
/// days, then to the month end), `"10 Prox"`, `"Due on receipt"`,
/// `"30% Due on receipt, 70% Net 60"`, `"Day 1-25: 10 Prox; Day 26-31: Day
/// 10 of month +2"`. Free the handle with `credit_terms_free`.
///
/// Errors: `CREDIT_PARSE_ERROR` (message gives the position and what was
/// expected), `CREDIT_VALIDATION_ERROR` (e.g. a discount deadline after the
/// net date, installments not totalling 100 %).
///
/// # Safety
/// `text` a NUL-terminated string; `out_terms` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_parse(
    text: *const c_char,
    out_terms: *mut *mut credit_terms,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_terms, "out_terms") }?;
        let t = PaymentTerms::parse(unsafe { str_arg(text, "text") }?)?;
        *slot = into_handle(credit_terms(t));
        Ok(())
    })
}

/// Creates terms from their JSON form (as `credit_terms_to_json` writes it),
/// validated on load. Errors: `CREDIT_PARSE_ERROR` with the reason.
///
/// # Safety
/// `json` a NUL-terminated string; `out_terms` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_from_json(
    json: *const c_char,
    out_terms: *mut *mut credit_terms,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_terms, "out_terms") }?;
        let t: PaymentTerms = crate::book::json(unsafe { str_arg(json, "json") }?, "terms")?;
        *slot = into_handle(credit_terms(t));
        Ok(())
    })
}

/// The terms as JSON (decimals as strings). Free with `credit_string_free`.
///
/// # Safety
/// `terms` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_to_json(
    terms: *const credit_terms,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let t = unsafe { borrow(terms, "terms") }?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &t.0) }
    })
}

/// The canonical notation (`"2/10, 1/20, Net 45"`); parsing it gives the
/// same terms back. Free with `credit_string_free`.
///
/// # Safety
/// `terms` a live handle; `out_text` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_display(
    terms: *const credit_terms,
    out_text: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let t = unsafe { borrow(terms, "terms") }?;
        // SAFETY: caller contract.
        unsafe { put_string(out_text, "out_text", t.0.to_string()) }
    })
}

/// Frees terms. NULL is a no-op.
///
/// # Safety
/// `terms` NULL or a live handle, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_free(terms: *mut credit_terms) {
    // SAFETY: caller contract.
    unsafe { free_handle(terms) }
}

/// Reads the caller's options (NULL for the defaults).
///
/// # Safety
/// `options` NULL or valid, with its pointers NULL or valid for `'a`.
unsafe fn schedule_options<'a>(
    options: *const credit_schedule_options,
    cur: Currency,
) -> Result<ScheduleOptions<'a>, FfiError> {
    let mut opts = ScheduleOptions::default();
    // SAFETY: caller contract for every pointer below.
    if let Some(o) = unsafe { options.as_ref() } {
        if let Some(b) = unsafe { o.baseline.as_ref() } {
            opts.baseline = Some(to_date(*b, "baseline")?);
        }
        if let Some(base) = unsafe { opt_str_arg(o.discount_base, "discount_base") }? {
            opts.discount_base = Some(Money::new(parse_decimal("discount_base", base)?, cur)?);
        }
        opts.calendar = unsafe { o.calendar.as_ref() }.map(|c| &c.0);
        opts.convention = convention(o.convention)?;
        opts.rounding = rounding(o.rounding)?;
    }
    Ok(opts)
}

/// Computes the schedule of an invoice (`invoice_date`, `amount` as a
/// decimal string in `currency_code`) under `terms`. `options` may be NULL
/// for the defaults. Free the result with `credit_schedule_free`.
///
/// Errors: `CREDIT_INVALID_ARGUMENT` (bad decimal or date),
/// `CREDIT_UNKNOWN_CURRENCY`, `CREDIT_PRECISION`, `CREDIT_VALIDATION_ERROR`
/// (negative amount, discount base outside 0..amount),
/// `CREDIT_CURRENCY_MISMATCH`, `CREDIT_DATE_OUT_OF_RANGE`.
///
/// # Safety
/// `terms` a live handle; strings NUL-terminated; `options` NULL or valid
/// with its pointers NULL or valid; `out_schedule` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_schedule(
    terms: *const credit_terms,
    invoice_date: credit_date,
    amount: *const c_char,
    currency_code: *const c_char,
    options: *const credit_schedule_options,
    out_schedule: *mut *mut credit_schedule,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_schedule, "out_schedule") }?;
        let t = unsafe { borrow(terms, "terms") }?;
        let cur = currency(unsafe { str_arg(currency_code, "currency_code") }?)?;
        let amount = Money::new(
            parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?,
            cur,
        )?;
        let opts = unsafe { schedule_options(options, cur) }?;
        let s =
            t.0.schedule(to_date(invoice_date, "invoice_date")?, amount, &opts)?;
        *slot = into_handle(credit_schedule(s));
        Ok(())
    })
}

/// Like `credit_terms_schedule`, with the amount as a money handle (for
/// currencies made with `credit_money_new_custom`). A `discount_base` in
/// the options is read in the amount's currency.
///
/// # Safety
/// As `credit_terms_schedule`; `amount` a live money handle.
#[no_mangle]
pub unsafe extern "C" fn credit_terms_schedule_money(
    terms: *const credit_terms,
    invoice_date: credit_date,
    amount: *const credit_money,
    options: *const credit_schedule_options,
    out_schedule: *mut *mut credit_schedule,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_schedule, "out_schedule") }?;
        let t = unsafe { borrow(terms, "terms") }?;
        let m = unsafe { borrow(amount, "amount") }?.0;
        let opts = unsafe { schedule_options(options, m.currency()) }?;
        let s =
            t.0.schedule(to_date(invoice_date, "invoice_date")?, m, &opts)?;
        *slot = into_handle(credit_schedule(s));
        Ok(())
    })
}

/// Frees a schedule. NULL is a no-op.
///
/// # Safety
/// `schedule` NULL or a live handle, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_free(schedule: *mut credit_schedule) {
    // SAFETY: caller contract.
    unsafe { free_handle(schedule) }
}

/// The schedule as JSON. Free with `credit_string_free`.
///
/// # Safety
/// `schedule` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_to_json(
    schedule: *const credit_schedule,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let s = unsafe { borrow(schedule, "schedule") }?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &s.0) }
    })
}

/// The net due date (the last installment's due date).
///
/// # Safety
/// `schedule` a live handle; `out_date` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_net_due_date(
    schedule: *const credit_schedule,
    out_date: *mut credit_date,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        *unsafe { out(out_date, "out_date") }? = from_date(s.0.net_due_date());
        Ok(())
    })
}

/// Number of installments (1 for terms without installments).
///
/// # Safety
/// `schedule` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_installment_count(
    schedule: *const credit_schedule,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        *unsafe { out(out_count, "out_count") }? = s.0.installments.len();
        Ok(())
    })
}

/// Installment `index` (0-based): its due date and amount (decimal string,
/// free with `credit_string_free`). Amounts of all installments sum exactly
/// to the invoice amount. Errors: `CREDIT_INVALID_ARGUMENT` for an index out
/// of range.
///
/// # Safety
/// `schedule` a live handle; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_installment(
    schedule: *const credit_schedule,
    index: usize,
    out_due_date: *mut credit_date,
    out_amount: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        let due = unsafe { out(out_due_date, "out_due_date") }?;
        let amt = unsafe { out(out_amount, "out_amount") }?;
        let i = s.0.installments.get(index).ok_or_else(|| {
            FfiError::invalid(format!(
                "installment index {index} out of range (count {})",
                s.0.installments.len()
            ))
        })?;
        *amt = crate::handle::new_string(i.amount.amount().to_string())?;
        *due = from_date(i.due_date);
        Ok(())
    })
}

/// Number of discount tiers.
///
/// # Safety
/// `schedule` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_discount_count(
    schedule: *const credit_schedule,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        *unsafe { out(out_count, "out_count") }? = s.0.discounts.len();
        Ok(())
    })
}

/// Discount tier `index` (0-based, earliest deadline first): its percent,
/// last day to pay (inclusive), discount amount and the amount that settles
/// the invoice when paid by then. The three strings are freed with
/// `credit_string_free`. Errors: `CREDIT_INVALID_ARGUMENT` for an index out
/// of range.
///
/// # Safety
/// `schedule` a live handle; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_discount(
    schedule: *const credit_schedule,
    index: usize,
    out_percent: *mut *mut c_char,
    out_deadline: *mut credit_date,
    out_discount: *mut *mut c_char,
    out_amount_to_settle: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        let pct = unsafe { out(out_percent, "out_percent") }?;
        let dl = unsafe { out(out_deadline, "out_deadline") }?;
        let disc = unsafe { out(out_discount, "out_discount") }?;
        let settle = unsafe { out(out_amount_to_settle, "out_amount_to_settle") }?;
        let d = s.0.discounts.get(index).ok_or_else(|| {
            FfiError::invalid(format!(
                "discount index {index} out of range (count {})",
                s.0.discounts.len()
            ))
        })?;
        let [p, a, st] = crate::handle::new_strings([
            d.percent.to_string(),
            d.amount.amount().to_string(),
            d.amount_to_settle.amount().to_string(),
        ])?;
        *pct = p;
        *disc = a;
        *settle = st;
        *dl = from_date(d.deadline);
        Ok(())
    })
}

/// Paying the whole invoice on `payment_date`: the discount earned (`"0.00"`
/// if none), the amount that settles the invoice, and the days after the
/// net due date (0 if on time). Strings are freed with `credit_string_free`.
///
/// # Safety
/// `schedule` a live handle; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_schedule_settlement(
    schedule: *const credit_schedule,
    payment_date: credit_date,
    out_discount: *mut *mut c_char,
    out_amount_to_settle: *mut *mut c_char,
    out_days_late: *mut i64,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let s = unsafe { borrow(schedule, "schedule") }?;
        let disc = unsafe { out(out_discount, "out_discount") }?;
        let settle = unsafe { out(out_amount_to_settle, "out_amount_to_settle") }?;
        let late = unsafe { out(out_days_late, "out_days_late") }?;
        let st = s.0.settlement(to_date(payment_date, "payment_date")?);
        let [a, b] = crate::handle::new_strings([
            st.discount.amount().to_string(),
            st.amount_to_settle.amount().to_string(),
        ])?;
        *disc = a;
        *settle = b;
        *late = st.days_late;
        Ok(())
    })
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn ok<T: Send + Sync>() {}
    ok::<credit_terms>();
    ok::<credit_schedule>();
    ok::<crate::money::credit_money>();
    ok::<credit_calendar>();
}
