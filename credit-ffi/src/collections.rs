//! Payment plans (create, schedule through indexed accessors or JSON,
//! payments, status, payoff), late interest, dunning runs and worklists.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard};

use credit_core::collections::{CompensationTier, LateInterestPolicy};
use credit_core::money::parse_decimal;
use credit_core::plans::{PaymentPlan, PlanTerms};

use crate::book::{credit_book, json, read_book};
use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{
    borrow, free_handle, from_date, into_handle, new_strings, opt_str_arg, out, put_json,
    put_string, str_arg, to_date,
};
use crate::money::currency;

/// A payment plan. Payments change it; every call locks it, so one handle
/// may be used from several threads.
pub struct credit_plan(Mutex<PaymentPlan>);

impl credit_plan {
    fn lock(&self) -> MutexGuard<'_, PaymentPlan> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Creates a plan from its terms (JSON: currency, principal, start,
/// frequency, installments or installment_amount, method, annual_rate, …;
/// decimals as strings). Free it with `credit_plan_free`. Errors:
/// `CREDIT_VALIDATION_ERROR` naming the term (malformed JSON included).
///
/// # Safety
/// `terms_json` NUL-terminated; `out_plan` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_new(
    terms_json: *const c_char,
    out_plan: *mut *mut credit_plan,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_plan, "out_plan") }?;
        let p = PaymentPlan::from_terms_json(unsafe { str_arg(terms_json, "terms_json") }?)?;
        *slot = into_handle(credit_plan(Mutex::new(p)));
        Ok(())
    })
}

/// Frees a plan. NULL is a no-op.
///
/// # Safety
/// `plan` NULL or a live handle, not yet freed, not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_free(plan: *mut credit_plan) {
    // SAFETY: caller contract.
    unsafe { free_handle(plan) }
}

/// Proposes a plan for `amount` (decimal string) on `terms_json` (its
/// principal is replaced): the installment count that keeps each
/// installment at or under `max_installment` (decimal string, or NULL),
/// or exactly `installments` (0 = not given). Give exactly one of the two.
/// Free it with `credit_plan_free`. Errors: `CREDIT_VALIDATION_ERROR`
/// naming the term.
///
/// # Safety
/// `terms_json` and `amount` NUL-terminated; `max_installment` NULL or
/// NUL-terminated; `out_plan` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_propose(
    terms_json: *const c_char,
    amount: *const c_char,
    max_installment: *const c_char,
    installments: u32,
    out_plan: *mut *mut credit_plan,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_plan, "out_plan") }?;
        let terms: PlanTerms = json(unsafe { str_arg(terms_json, "terms_json") }?, "plan terms")?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        let m = unsafe { opt_str_arg(max_installment, "max_installment") }?
            .map(|t| parse_decimal("max_installment", t))
            .transpose()?;
        let n = (installments > 0).then_some(installments);
        let p = PaymentPlan::propose(terms, a, m, n)?;
        *slot = into_handle(credit_plan(Mutex::new(p)));
        Ok(())
    })
}

/// A plan from `credit_plan_to_json` output (schedule, payments and state
/// included; unknown fields are refused). Free it with `credit_plan_free`.
///
/// # Safety
/// `plan_json` NUL-terminated; `out_plan` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_from_json(
    plan_json: *const c_char,
    out_plan: *mut *mut credit_plan,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_plan, "out_plan") }?;
        let p: PaymentPlan = json(unsafe { str_arg(plan_json, "plan_json") }?, "payment plan")?;
        *slot = into_handle(credit_plan(Mutex::new(p)));
        Ok(())
    })
}

/// What the plan costs (JSON: total_interest, total_fees, total_cost,
/// total_paid, effective_annual_rate).
///
/// # Safety
/// `plan` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_evaluate(
    plan: *const credit_plan,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p = unsafe { borrow(plan, "plan") }?;
        let e = p.lock().evaluate();
        unsafe { put_json(out_json, "out_json", &e) }
    })
}

/// Reschedules what is outstanding on `on` into a new plan with
/// `terms_json` (its principal is replaced by the outstanding amount);
/// `plan` is marked rescheduled. Free the new plan with
/// `credit_plan_free`. Errors: `CREDIT_PLAN_CLOSED` for a plan no longer
/// active, `CREDIT_VALIDATION_ERROR` naming a term; `plan` is unchanged
/// then.
///
/// # Safety
/// `plan` a live handle; `terms_json` NUL-terminated; `out_plan` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_reschedule(
    plan: *mut credit_plan,
    on: credit_date,
    terms_json: *const c_char,
    out_plan: *mut *mut credit_plan,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p = unsafe { borrow(plan, "plan") }?;
        let slot = unsafe { out(out_plan, "out_plan") }?;
        let terms: PlanTerms = json(unsafe { str_arg(terms_json, "terms_json") }?, "plan terms")?;
        let next = p.lock().reschedule(to_date(on, "on")?, terms)?;
        *slot = into_handle(credit_plan(Mutex::new(next)));
        Ok(())
    })
}

/// Cancels the plan on a date (its invoices are given back to dunning).
///
/// # Safety
/// `plan` a live handle.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_cancel(
    plan: *mut credit_plan,
    on: credit_date,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let p = unsafe { borrow(plan, "plan") }?;
        p.lock().cancel(to_date(on, "on")?);
        Ok(())
    })
}

/// The fixed compensation for a late invoice of `amount` (decimal string)
/// by `tiers_json` (a JSON array of `{"min_amount", "amount"}`: the tier
/// with the highest `min_amount` at or under the amount applies; none:
/// 0), written as a decimal string.
///
/// # Safety
/// `tiers_json` and `amount` NUL-terminated; `out_amount` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_compensation(
    tiers_json: *const c_char,
    amount: *const c_char,
    out_amount: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let tiers: Vec<CompensationTier> = json(
            unsafe { str_arg(tiers_json, "tiers_json") }?,
            "compensation tiers",
        )?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        let c = credit_core::collections::compensation(&tiers, a);
        unsafe { put_string(out_amount, "out_amount", c.to_string()) }
    })
}

/// Number of schedule rows (the down payment, if any, is row 0).
///
/// # Safety
/// `plan` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_installment_count(
    plan: *const credit_plan,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let p = unsafe { borrow(plan, "plan") }?;
        // SAFETY: caller contract.
        *unsafe { out(out_count, "out_count") }? = p.lock().schedule.len();
        Ok(())
    })
}

/// Schedule row `index` (0-based position in the schedule): its number (0
/// = down payment), due date, and principal, interest, fee and total as
/// decimal strings (each freed with `credit_string_free`). Errors:
/// `CREDIT_INVALID_ARGUMENT` for an index past the schedule.
///
/// # Safety
/// `plan` a live handle; every output writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_installment(
    plan: *const credit_plan,
    index: usize,
    out_number: *mut u32,
    out_due: *mut credit_date,
    out_principal: *mut *mut c_char,
    out_interest: *mut *mut c_char,
    out_fee: *mut *mut c_char,
    out_total: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p = unsafe { borrow(plan, "plan") }?;
        let (n, due, a, b, c, t) = unsafe {
            (
                out(out_number, "out_number")?,
                out(out_due, "out_due")?,
                out(out_principal, "out_principal")?,
                out(out_interest, "out_interest")?,
                out(out_fee, "out_fee")?,
                out(out_total, "out_total")?,
            )
        };
        let g = p.lock();
        let row = g.schedule.get(index).ok_or_else(|| {
            FfiError::invalid(format!(
                "index {index} past the schedule ({} rows)",
                g.schedule.len()
            ))
        })?;
        let [sa, sb, sc, st] = new_strings([
            row.principal.to_string(),
            row.interest.to_string(),
            row.fee.to_string(),
            row.total.to_string(),
        ])?;
        *n = row.number;
        *due = from_date(row.due_date);
        (*a, *b, *c, *t) = (sa, sb, sc, st);
        Ok(())
    })
}

/// The whole plan (terms, schedule, payments, state) as JSON.
///
/// # Safety
/// `plan` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_to_json(
    plan: *const credit_plan,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let p = unsafe { borrow(plan, "plan") }?;
        let g = p.lock();
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &*g) }
    })
}

/// Records a payment (decimal string). Errors: `CREDIT_INVALID_PAYMENT`
/// for a non-positive amount or too many decimals, `CREDIT_PLAN_CLOSED`
/// for a closed plan.
///
/// # Safety
/// `plan` a live handle; `amount` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_apply_payment(
    plan: *mut credit_plan,
    date: credit_date,
    amount: *const c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p = unsafe { borrow(plan, "plan") }?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        p.lock().apply_payment(to_date(date, "date")?, a)?;
        Ok(())
    })
}

/// The plan as of a date (JSON: status, per installment due / paid /
/// outstanding / overdue / penalty / days late, totals).
///
/// # Safety
/// `plan` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_status(
    plan: *const credit_plan,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let p = unsafe { borrow(plan, "plan") }?;
        let s = p.lock().status(to_date(as_of, "as_of")?)?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &s) }
    })
}

/// What paying the plan off on a date costs: the total as a decimal string
/// and, if `out_json` is not NULL, the breakdown as JSON.
///
/// # Safety
/// `plan` a live handle; `out_total` writable; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_payoff(
    plan: *const credit_plan,
    as_of: credit_date,
    out_total: *mut *mut c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p = unsafe { borrow(plan, "plan") }?;
        let slot = unsafe { out(out_total, "out_total") }?;
        let po = p.lock().payoff(to_date(as_of, "as_of")?)?;
        if !out_json.is_null() {
            // SAFETY: checked non-NULL; caller contract.
            unsafe { put_json(out_json, "out_json", &po) }?;
        }
        *slot = crate::handle::new_string(po.total.to_string())?;
        Ok(())
    })
}

/// Late-payment interest (JSON result: periods and total) on `amount` due
/// on `due`, reduced by `payments_json` (NULL or a JSON array of
/// `[date, amount]` pairs), accrued up to and including `until`, by
/// `policy_json` (basis, day_count, grace_days, rounding).
///
/// # Safety
/// Strings NUL-terminated (or NULL where stated); `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_late_interest(
    policy_json: *const c_char,
    due: credit_date,
    amount: *const c_char,
    payments_json: *const c_char,
    until: credit_date,
    currency_code: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let p: LateInterestPolicy = json(
            unsafe { str_arg(policy_json, "policy_json") }?,
            "late interest policy",
        )?;
        p.validate("policy")?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        let pays: Vec<(chrono::NaiveDate, String)> =
            match unsafe { opt_str_arg(payments_json, "payments_json") }? {
                Some(t) => json(t, "payments")?,
                None => Vec::new(),
            };
        let mut list = Vec::with_capacity(pays.len());
        for (d, x) in pays {
            list.push((d, parse_decimal("payment amount", &x)?));
        }
        let cur = currency(unsafe { str_arg(currency_code, "currency") }?)?;
        let r = p.accrue(
            to_date(due, "due")?,
            a,
            &list,
            to_date(until, "until")?,
            cur,
        )?;
        unsafe { put_json(out_json, "out_json", &r) }
    })
}

/// A dunning run as of a date (JSON: notices with lines, amounts,
/// interest, compensation, fees; exclusions). `plans_json`: NULL or a JSON
/// array of plans (`credit_plan_to_json` output) whose invoices stay out of
/// dunning while current or late. Issue the run by applying the events of
/// `credit_book_dunning_events`.
///
/// # Safety
/// `book` a live handle; `plans_json` NULL or NUL-terminated; `out_json`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_dunning_run(
    book: *const credit_book,
    as_of: credit_date,
    plans_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let plans: Vec<PaymentPlan> = match unsafe { opt_str_arg(plans_json, "plans_json") }? {
            Some(t) => json(t, "plans")?,
            None => Vec::new(),
        };
        let run = read_book(b).dunning_run(to_date(as_of, "as_of")?, &plans)?;
        unsafe { put_string(out_json, "out_json", run.to_json()) }
    })
}

/// The ledger events that issue a dunning run (`run_json` from
/// `credit_book_dunning_run`) as a JSON array; apply each with
/// `credit_book_apply`.
///
/// # Safety
/// `run_json` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_dunning_events(
    run_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let run: credit_core::collections::DunningRun =
            json(unsafe { str_arg(run_json, "run_json") }?, "dunning run")?;
        unsafe { put_json(out_json, "out_json", &run.events()) }
    })
}

/// The collection worklist as of a date, amounts in `currency_code` (JSON:
/// collector, customer, overdue, max_days_overdue, dunning_level,
/// risk_class, priority, next_action), grouped by collector, highest
/// priority first. `plans_json`: NULL or a JSON array of plans whose
/// invoices are left out while current or late.
///
/// # Safety
/// `book` a live handle; `currency_code` NUL-terminated; `plans_json` NULL
/// or NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_worklist(
    book: *const credit_book,
    as_of: credit_date,
    currency_code: *const c_char,
    plans_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let cur = currency(unsafe { str_arg(currency_code, "currency") }?)?;
        let plans: Vec<PaymentPlan> = match unsafe { opt_str_arg(plans_json, "plans_json") }? {
            Some(t) => json(t, "plans")?,
            None => Vec::new(),
        };
        let w = read_book(b).worklist(to_date(as_of, "as_of")?, cur, &plans)?;
        unsafe { put_json(out_json, "out_json", &w) }
    })
}

/// Promises to pay of an account and their state as of a date (JSON: made
/// on, amount, promised date, paid, state open / kept / partially_kept /
/// broken). `segment` may be NULL for "default".
///
/// # Safety
/// `book` a live handle; strings NUL-terminated or NULL as stated;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_promises(
    book: *const credit_book,
    customer: *const c_char,
    segment: *const c_char,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        unsafe {
            crate::book::account_query(
                book,
                customer,
                "customer",
                segment,
                as_of,
                out_json,
                credit_core::engine::CreditBook::promises,
            )
        }
    })
}

/// How payment plans are doing as of a date (JSON: counts by status and the
/// percent of open plans current). `plans_json` is a JSON array of plans
/// (`credit_plan_to_json` output).
///
/// # Safety
/// `plans_json` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_plan_performance(
    plans_json: *const c_char,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let plans: Vec<PaymentPlan> = json(unsafe { str_arg(plans_json, "plans_json") }?, "plans")?;
        let r = credit_core::monitor::plan_performance(&plans, to_date(as_of, "as_of")?)?;
        unsafe { put_json(out_json, "out_json", &r) }
    })
}
