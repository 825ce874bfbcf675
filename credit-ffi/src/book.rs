//! The credit book: customers, limits, events, credit checks, holds and the
//! decision log, behind one thread-safe handle.

use std::ffi::c_char;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use credit_core::bounds::Bounds;
use credit_core::check::{Decision, Outcome};
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId, DEFAULT_SEGMENT};
use credit_core::engine::{Applied, BookError, CreditBook, OrderRequest};
use credit_core::ledger::{Event, OpenItemRow};
use credit_core::money::{parse_decimal, Money};
use credit_core::policy::{Checkpoint, Policy};

use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{
    borrow, free_handle, into_handle, new_strings, opt_str_arg, out, put_json, str_arg, to_date,
};
use crate::money::currency;

/// A credit book. One handle may be used from many threads at once:
/// queries and reports share a read lock and run side by side; calls that
/// change the book (their handle argument is not `const`) take the write
/// lock, and a check reserves an approved order's value before the lock is
/// released, so concurrent checks never exceed a limit together.
pub struct credit_book(RwLock<CreditBook>);

/// Shared access to a book, for queries and reports.
pub(crate) fn read_book(b: &credit_book) -> RwLockReadGuard<'_, CreditBook> {
    b.read()
}

impl credit_book {
    // Operations validate before writing, so a poisoned lock still guards a
    // consistent book.
    fn read(&self) -> RwLockReadGuard<'_, CreditBook> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, CreditBook> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// A credit decision (outcome, reasons, figures). Immutable; may be shared
/// across threads.
pub struct credit_decision {
    order_id: String,
    decision: Decision,
}

/// Decision outcomes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_outcome {
    /// Every step passed.
    CREDIT_OUTCOME_APPROVED = 0,
    /// Only warning steps failed.
    CREDIT_OUTCOME_APPROVED_WITH_WARNINGS = 1,
    /// A blocking step failed: the order is on hold.
    CREDIT_OUTCOME_BLOCKED = 2,
}

/// Checkpoints in the order-to-cash flow, passed as `int32_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_checkpoint {
    /// Sales order entry or change.
    CREDIT_CHECKPOINT_ORDER = 0,
    /// Delivery.
    CREDIT_CHECKPOINT_DELIVERY = 1,
    /// Invoicing.
    CREDIT_CHECKPOINT_INVOICE = 2,
}

/// Failed-step actions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_action {
    /// The step blocks the order.
    CREDIT_ACTION_BLOCK = 0,
    /// The step only warns.
    CREDIT_ACTION_WARN = 1,
}

/// An order to check. `segment` and `requested_delivery` may be NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct credit_order {
    /// Customer id.
    pub customer: *const c_char,
    /// Credit segment, or NULL for "default".
    pub segment: *const c_char,
    /// Order id.
    pub order_id: *const c_char,
    /// Order value as a decimal string.
    pub amount: *const c_char,
    /// ISO currency code of the amount.
    pub currency: *const c_char,
    /// Check date.
    pub as_of: credit_date,
    /// Requested delivery date, or NULL.
    pub requested_delivery: *const credit_date,
    /// A `credit_checkpoint` value.
    pub checkpoint: i32,
}

/// Reads a JSON document with the default bounds (see [`json_bounded`]).
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
) -> Result<T, FfiError> {
    json_bounded(text, what, &Bounds::DEFAULT)
}

/// Reads a JSON document whose size and depth are bounded by `bounds`;
/// the message names the path of the field at fault.
pub(crate) fn json_bounded<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
    bounds: &Bounds,
) -> Result<T, FfiError> {
    credit_core::json::from_str(what, text, bounds).map_err(FfiError::from)
}

/// Writes `value` as JSON to `out_json` unless it is NULL (optional output).
///
/// # Safety
/// `out_json` NULL or writable.
unsafe fn maybe_json<T: serde::Serialize>(
    out_json: *mut *mut c_char,
    value: &T,
) -> Result<(), FfiError> {
    if out_json.is_null() {
        return Ok(());
    }
    // SAFETY: forwarded contract.
    unsafe { put_json(out_json, "out_json", value) }
}

/// Creates a book from a policy document (JSON). Free it with
/// `credit_book_free`. Errors: `CREDIT_PARSE_ERROR` (malformed JSON),
/// `CREDIT_VALIDATION_ERROR` (a field out of range; the message names it).
///
/// # Safety
/// `policy_json` a NUL-terminated string; `out_book` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_new(
    policy_json: *const c_char,
    out_book: *mut *mut credit_book,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_book, "out_book") }?;
        let p = Policy::from_json(unsafe { str_arg(policy_json, "policy_json") }?)
            .map_err(BookError::from)?;
        *slot = into_handle(credit_book(RwLock::new(CreditBook::new(p)?)));
        Ok(())
    })
}

/// Frees a book. NULL is a no-op.
///
/// # Safety
/// `book` NULL or a live handle, not yet freed, not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn credit_book_free(book: *mut credit_book) {
    // SAFETY: caller contract.
    unsafe { free_handle(book) }
}

/// The whole book as a schema-versioned JSON snapshot (free with
/// `credit_string_free`). The book is locked only to take a copy of what
/// is written (the logs are shared, not copied); writing the JSON does not
/// hold it, so other threads' checks go on meanwhile. Restoring it with
/// `credit_book_restore` gives a book equal to this one.
///
/// # Safety
/// `book` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_snapshot(
    book: *const credit_book,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let slot = unsafe { out(out_json, "out_json") }?;
        // Take the view under the lock, write it after releasing it: a
        // snapshot never stops other threads' checks for a serialization.
        let view = b.read().snapshot_view();
        *slot = crate::handle::new_string(view.to_json()?)?;
        Ok(())
    })
}

/// Restores a book from `credit_book_snapshot` output. Errors:
/// `CREDIT_INVALID_SNAPSHOT` for a malformed snapshot, another schema
/// version or a broken cross-reference.
///
/// # Safety
/// `snapshot_json` a NUL-terminated string; `out_book` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_restore(
    snapshot_json: *const c_char,
    out_book: *mut *mut credit_book,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_book, "out_book") }?;
        let b = CreditBook::restore(unsafe { str_arg(snapshot_json, "snapshot_json") }?)?;
        *slot = into_handle(credit_book(RwLock::new(b)));
        Ok(())
    })
}

/// Replaces the policy. If `out_recheck_json` is not NULL it receives the
/// re-check of the held orders as JSON: `{"releasable": [...],
/// "not_rechecked": [...]}`, the first the decision reports of the orders
/// that now pass (`order_id`, `outcome`, `reasons` with messages, exposure
/// figures), the second the held orders that could not be re-checked
/// (`order_id`, `error` (the error kind's name, e.g. `"missing_rate"`),
/// `message`); those stay on hold.
///
/// # Safety
/// `book` a live handle; `policy_json` a string; the output NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_set_policy(
    book: *mut credit_book,
    policy_json: *const c_char,
    as_of: credit_date,
    out_recheck_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let p = Policy::from_json(unsafe { str_arg(policy_json, "policy_json") }?)
            .map_err(BookError::from)?;
        let r = b.write().set_policy(p, to_date(as_of, "as_of")?)?;
        unsafe { maybe_json(out_recheck_json, &r.report()) }
    })
}

/// Adds or updates a customer from JSON (`{"id", "name", "currency",
/// "parent", "risk_class", "blocked", "next_review", "collector",
/// "attributes"}`). Optional output as in `credit_book_set_policy`.
///
/// # Safety
/// As `credit_book_set_policy`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_upsert_customer(
    book: *mut credit_book,
    customer_json: *const c_char,
    as_of: credit_date,
    out_recheck_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let c: Customer = json_bounded(
            unsafe { str_arg(customer_json, "customer_json") }?,
            "customer",
            &b.read().policy().bounds,
        )?;
        let r = b.write().upsert_customer(c, to_date(as_of, "as_of")?)?;
        unsafe { maybe_json(out_recheck_json, &r.report()) }
    })
}

/// Sets an account's credit limit from JSON (`{"customer", "segment",
/// "limit": {"amount", "currency"} or "unlimited", "valid_to",
/// "temporary": [...]}`). Optional output as in `credit_book_set_policy`.
///
/// # Safety
/// As `credit_book_set_policy`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_set_limit(
    book: *mut credit_book,
    limit_json: *const c_char,
    as_of: credit_date,
    out_recheck_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let l: CreditLimit = json_bounded(
            unsafe { str_arg(limit_json, "limit_json") }?,
            "limit",
            &b.read().policy().bounds,
        )?;
        let r = b.write().set_limit(l, to_date(as_of, "as_of")?)?;
        unsafe { maybe_json(out_recheck_json, &r.report()) }
    })
}

/// Sets a group limit on a group head (same JSON as a limit): shared by the
/// head and every customer below it. Optional output as in
/// `credit_book_set_policy`.
///
/// # Safety
/// As `credit_book_set_policy`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_set_group_limit(
    book: *mut credit_book,
    limit_json: *const c_char,
    as_of: credit_date,
    out_recheck_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let l: CreditLimit = json_bounded(
            unsafe { str_arg(limit_json, "limit_json") }?,
            "limit",
            &b.read().policy().bounds,
        )?;
        let r = b.write().set_group_limit(l, to_date(as_of, "as_of")?)?;
        unsafe { maybe_json(out_recheck_json, &r.report()) }
    })
}

/// Sets an FX rate (decimal string): amount_in_to = amount_in_from × rate.
///
/// # Safety
/// `book` a live handle; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn credit_book_set_fx_rate(
    book: *mut credit_book,
    from_currency: *const c_char,
    to_currency: *const c_char,
    rate: *const c_char,
) -> credit_status {
    // SAFETY: forwarded contract.
    guard(|| unsafe { set_fx(book, from_currency, to_currency, rate, None) })
}

/// Shared body of the two FX setters: converts, then sets the base rate
/// (`valid_from` None) or a dated one.
///
/// # Safety
/// As `credit_book_set_fx_rate`.
unsafe fn set_fx(
    book: *mut credit_book,
    from_currency: *const c_char,
    to_currency: *const c_char,
    rate: *const c_char,
    valid_from: Option<credit_date>,
) -> Result<(), FfiError> {
    // SAFETY: caller contract for every pointer below.
    let b = unsafe { borrow(book, "book") }?;
    let f = currency(unsafe { str_arg(from_currency, "from_currency") }?)?;
    let t = currency(unsafe { str_arg(to_currency, "to_currency") }?)?;
    let r = parse_decimal("rate", unsafe { str_arg(rate, "rate") }?)?;
    match valid_from {
        None => b.write().set_fx_rate(f, t, r)?,
        Some(d) => b
            .write()
            .set_fx_rate_from(f, t, r, to_date(d, "valid_from")?)?,
    }
    Ok(())
}

/// Sets an FX rate (decimal string) in force from `valid_from` until the
/// pair's next dated rate: amount_in_to = amount_in_from × rate. Every
/// as-of view and check converts at the rate in force on its date
/// (`credit_book_set_fx_rate` sets the pair's base rate, in force before
/// any dated one). A rate with a date already held replaces it.
///
/// # Safety
/// `book` a live handle; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn credit_book_set_fx_rate_from(
    book: *mut credit_book,
    from_currency: *const c_char,
    to_currency: *const c_char,
    rate: *const c_char,
    valid_from: credit_date,
) -> credit_status {
    // SAFETY: forwarded contract.
    guard(|| unsafe { set_fx(book, from_currency, to_currency, rate, Some(valid_from)) })
}

/// A customer's master data (JSON object, as `credit_book_upsert_customer`
/// takes it): the version in force on `*on`, or the latest when `on` is
/// NULL; `null` for an unknown customer.
///
/// # Safety
/// `book` a live handle; `customer` NUL-terminated; `on` NULL or valid;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_customer(
    book: *const credit_book,
    customer: *const c_char,
    on: *const credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let id = CustomerId::from(unsafe { str_arg(customer, "customer") }?);
        let on = match unsafe { on.as_ref() } {
            Some(d) => Some(to_date(*d, "on")?),
            None => None,
        };
        let book = b.read();
        let c = match on {
            None => book.customer(&id),
            Some(d) => book.customer_on(&id, d),
        };
        unsafe { put_json(out_json, "out_json", &c) }
    })
}

/// Every version of a customer's master data (JSON array), base first,
/// then by valid-from date; `[]` for an unknown customer.
///
/// # Safety
/// `book` a live handle; `customer` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_customer_history(
    book: *const credit_book,
    customer: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let id = CustomerId::from(unsafe { str_arg(customer, "customer") }?);
        unsafe { put_json(out_json, "out_json", &b.read().customer_history(&id)) }
    })
}

/// Every version of an account's limit (JSON array), base first, then by
/// valid-from date; `[]` for an unknown customer or account. `segment` may
/// be NULL for "default".
///
/// # Safety
/// `book` a live handle; strings NUL-terminated or NULL as stated;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_limit_history(
    book: *const credit_book,
    customer: *const c_char,
    segment: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let id = CustomerId::from(unsafe { str_arg(customer, "customer") }?);
        let s = unsafe { opt_str_arg(segment, "segment") }?.unwrap_or(DEFAULT_SEGMENT);
        unsafe { put_json(out_json, "out_json", &b.read().limit_history(&id, s)) }
    })
}

/// Writes a review run (`credit_book_review_run` output) back to the
/// master data under the policy's `review.write_back`: every reviewed
/// customer's next review date, class changes and limit changes (by
/// default decreases apply, increases and first limits are proposals), each
/// a version valid from the run's date. `*out_json` receives `{"as_of",
/// "segment", "applied": [...], "proposals": [...]}` (each change
/// `{"customer", "change": "next_review" | "risk_class" | "limit", "from",
/// "to", ...}`); `out_recheck_json` (NULL or writable) the re-check of the
/// held orders. All or nothing; the same run again changes nothing.
/// Errors: `CREDIT_PARSE_ERROR`, `CREDIT_UNKNOWN_CUSTOMER`,
/// `CREDIT_PRECISION`.
///
/// # Safety
/// `book` a live handle; `review_json` NUL-terminated; `out_json` writable;
/// `out_recheck_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_apply_review(
    book: *mut credit_book,
    review_json: *const c_char,
    out_json: *mut *mut c_char,
    out_recheck_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let run: credit_core::risk::ReviewRun = json(
            unsafe { str_arg(review_json, "review_json") }?,
            "review run",
        )?;
        let (wb, r) = b.write().apply_review(&run)?;
        unsafe { put_json(out_json, "out_json", &wb) }?;
        unsafe { maybe_json(out_recheck_json, &r.report()) }
    })
}

/// Applies one event given as JSON (`{"id", "customer", "segment", "date",
/// "type", ...}`; amounts as strings). `*out_duplicate` (if not NULL) is
/// set to true when an identical event with this id was applied before —
/// then nothing changed. A rejected event changes nothing.
///
/// Errors: `CREDIT_PARSE_ERROR`, `CREDIT_UNKNOWN_CUSTOMER`,
/// `CREDIT_CURRENCY_MISMATCH`, `CREDIT_PRECISION`, `CREDIT_CONFLICTING_EVENT`
/// (the id was applied with other content), `CREDIT_UNKNOWN_ORDER`,
/// `CREDIT_UNKNOWN_INVOICE`, `CREDIT_DUPLICATE_ID`, `CREDIT_EVENT_NOT_ALLOWED`,
/// `CREDIT_REVERSAL_REFUSED`, `CREDIT_HIERARCHY_CYCLE`, `CREDIT_MISSING_RATE`,
/// `CREDIT_VALIDATION_ERROR` (the message names the event and the problem).
///
/// # Safety
/// `book` a live handle; `event_json` a string; `out_duplicate` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_apply(
    book: *mut credit_book,
    event_json: *const c_char,
    out_duplicate: *mut bool,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let e: Event = json_bounded(
            unsafe { str_arg(event_json, "event_json") }?,
            "event",
            &b.read().policy().bounds,
        )?;
        let applied = b.write().apply(e)?;
        if let Some(d) = unsafe { out_duplicate.as_mut() } {
            *d = applied == Applied::Duplicate;
        }
        Ok(())
    })
}

/// The outcomes of a batch as `"applied"` / `"duplicate"` texts.
fn outcomes(v: &[Applied]) -> Vec<&'static str> {
    v.iter().map(|a| a.name()).collect()
}

/// A batch error: the failing entry's status, its message prefixed with
/// `{what}[i]: `.
fn batch_error(what: &str, i: usize, e: &BookError) -> FfiError {
    let f = FfiError::core(e);
    FfiError::new(f.status, format!("{what}[{i}]: {}", f.message))
}

/// Applies a JSON array of events all or nothing: either every event
/// applies (or is a reported duplicate) or the book is unchanged. If
/// `out_json` is not NULL it receives a JSON array with `"applied"` or
/// `"duplicate"` per event. On error the status is the failing event's (as
/// `credit_book_apply` gives it) and the message starts with `events[i]: `.
/// The batch applies in date order (same-day events in the order given, a
/// reversal where it stands), so the array need not be sorted; `i` is the
/// first event that fails in that order.
///
/// # Safety
/// `book` a live handle; `events_json` a string; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_apply_all(
    book: *mut credit_book,
    events_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let events: Vec<Event> = json_bounded(
            unsafe { str_arg(events_json, "events_json") }?,
            "events",
            &b.read().policy().bounds,
        )?;
        let applied = b
            .write()
            .apply_all(events)
            .map_err(|(i, e)| batch_error("events", i, &e))?;
        unsafe { maybe_json(out_json, &outcomes(&applied)) }
    })
}

/// Imports an opening balance: a JSON array of open items, each
/// `{"customer", "segment" (optional), "invoice_id", "invoice_date",
/// "due_date", "amount", "open" (optional: the whole amount), "currency"}`,
/// all or nothing. Importing a row twice is a reported duplicate (its event
/// id is `import:{customer}:{segment}:{invoice}`). `out_count` (NULL or
/// writable) receives the number of rows. On error nothing changed and the
/// message starts with `rows[i]: `.
///
/// # Safety
/// `book` a live handle; `rows_json` a string; `out_count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_import_open_items(
    book: *mut credit_book,
    rows_json: *const c_char,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let rows: Vec<OpenItemRow> = json_bounded(
            unsafe { str_arg(rows_json, "rows_json") }?,
            "rows",
            &b.read().policy().bounds,
        )?;
        let n = b
            .write()
            .import_open_items(rows)
            .map_err(|(i, e)| batch_error("rows", i, &e))?;
        if let Some(c) = unsafe { out_count.as_mut() } {
            *c = n;
        }
        Ok(())
    })
}

/// Reads an order struct.
///
/// # Safety
/// `order` valid, its strings NUL-terminated, `requested_delivery` NULL or valid.
unsafe fn order_request(order: *const credit_order) -> Result<OrderRequest, FfiError> {
    // SAFETY: caller contract for every pointer below.
    let o = unsafe { borrow(order, "order") }?;
    let cur = currency(unsafe { str_arg(o.currency, "order.currency") }?)?;
    let checkpoint = usize::try_from(o.checkpoint)
        .ok()
        .and_then(|i| Checkpoint::ALL.get(i).copied())
        .ok_or_else(|| {
            FfiError::invalid(format!(
                "checkpoint {} is not a credit_checkpoint value (0..=2)",
                o.checkpoint
            ))
        })?;
    Ok(OrderRequest {
        customer: CustomerId::from(unsafe { str_arg(o.customer, "order.customer") }?),
        segment: unsafe { opt_str_arg(o.segment, "order.segment") }?
            .unwrap_or(DEFAULT_SEGMENT)
            .to_string(),
        order_id: OrderId::from(unsafe { str_arg(o.order_id, "order.order_id") }?),
        amount: Money::new(
            parse_decimal("order.amount", unsafe {
                str_arg(o.amount, "order.amount")
            }?)?,
            cur,
        )?,
        requested_delivery: match unsafe { o.requested_delivery.as_ref() } {
            Some(d) => Some(to_date(*d, "order.requested_delivery")?),
            None => None,
        },
        checkpoint,
        as_of: to_date(o.as_of, "order.as_of")?,
    })
}

/// Checks an order and records the decision: an approved order's value is
/// reserved in the exposure, a blocked order goes on hold. Free the
/// decision with `credit_decision_free`.
///
/// # Safety
/// `book` a live handle; `order` valid; `out_decision` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_check_order(
    book: *mut credit_book,
    order: *const credit_order,
    out_decision: *mut *mut credit_decision,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let slot = unsafe { out(out_decision, "out_decision") }?;
        let req = unsafe { order_request(order) }?;
        let order_id = req.order_id.0.clone();
        let decision = b.write().check_order(req)?;
        *slot = into_handle(credit_decision { order_id, decision });
        Ok(())
    })
}

/// What `credit_book_check_order` would decide, recording nothing.
///
/// # Safety
/// As `credit_book_check_order`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_simulate_check(
    book: *const credit_book,
    order: *const credit_order,
    out_decision: *mut *mut credit_decision,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let slot = unsafe { out(out_decision, "out_decision") }?;
        let req = unsafe { order_request(order) }?;
        let decision = b.read().simulate_check(&req)?;
        *slot = into_handle(credit_decision {
            order_id: req.order_id.0,
            decision,
        });
        Ok(())
    })
}

/// Releases a held order: who, why and when are recorded (a documented
/// credit decision). If `out_release_json` is not NULL it receives the
/// release as JSON. Errors: `CREDIT_NOT_ON_HOLD` if the order is not on
/// hold, `CREDIT_RELEASE_INCOMPLETE` if `by` or `reason` is empty.
///
/// # Safety
/// `book` a live handle; strings NUL-terminated; the output NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_release(
    book: *mut credit_book,
    order_id: *const c_char,
    by: *const c_char,
    reason: *const c_char,
    date: credit_date,
    out_release_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let oid = OrderId::from(unsafe { str_arg(order_id, "order_id") }?);
        let by = unsafe { str_arg(by, "by") }?;
        let reason = unsafe { str_arg(reason, "reason") }?;
        let r = b
            .write()
            .release(&oid, by, reason, to_date(date, "date")?)?;
        unsafe { maybe_json(out_release_json, &r) }
    })
}

/// Withdraws an order that was checked but will not be placed: drops its
/// reservation (approved) or hold (blocked). `*out_found` (if not NULL) is
/// set to false when the book held nothing for it.
///
/// # Safety
/// `book` a live handle; `order_id` a string; `out_found` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_withdraw_order(
    book: *mut credit_book,
    order_id: *const c_char,
    out_found: *mut bool,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let oid = OrderId::from(unsafe { str_arg(order_id, "order_id") }?);
        let found = b.write().withdraw_order(&oid);
        if let Some(f) = unsafe { out_found.as_mut() } {
            *f = found;
        }
        Ok(())
    })
}

/// Which query `credit_book_query` runs.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_query {
    /// Held orders (JSON array).
    CREDIT_QUERY_HOLDS = 0,
    /// Re-checks the held orders on `as_of`: `{"releasable": [...],
    /// "not_rechecked": [...]}` as in `credit_book_set_policy`.
    CREDIT_QUERY_RELEASABLE = 1,
    /// Every release, oldest first.
    CREDIT_QUERY_RELEASES = 2,
    /// The decision log (seq, request, policy id, inputs, decision,
    /// measured).
    CREDIT_QUERY_DECISION_LOG = 3,
    /// The policy in force (the document `credit_book_set_policy` takes).
    CREDIT_QUERY_POLICY = 4,
}

/// Runs a book-wide query (a `credit_query` value) and writes its JSON
/// (free with `credit_string_free`). `as_of` is used by
/// `CREDIT_QUERY_RELEASABLE` only.
///
/// # Safety
/// `book` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_query(
    book: *const credit_book,
    query: i32,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let bk = b.read();
        let value = match query {
            0 => serde_json::to_value(bk.holds().collect::<Vec<_>>()),
            1 => serde_json::to_value(bk.releasable(to_date(as_of, "as_of")?).report()),
            2 => serde_json::to_value(bk.releases()),
            3 => serde_json::to_value(bk.decision_log()),
            4 => serde_json::to_value(bk.policy()),
            _ => {
                return Err(FfiError::invalid(format!(
                    "query {query} is not a credit_query value (0..=4)"
                )))
            }
        }
        .map_err(|e| FfiError::new(credit_status::CREDIT_PANIC, e.to_string()))?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &value) }
    })
}

/// The logged decisions for one order, oldest first, as a JSON array of
/// decision-log entries ("why was this order blocked on that day?"); `[]`
/// for an order never checked.
///
/// # Safety
/// `book` a live handle; `order_id` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_decisions_for(
    book: *const credit_book,
    order_id: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let id = OrderId::from(unsafe { str_arg(order_id, "order_id") }?);
        let bk = b.read();
        let entries: Vec<_> = bk.decisions_for(&id).collect();
        unsafe { put_json(out_json, "out_json", &entries) }
    })
}

/// The number of events applied to the book (duplicates not counted).
///
/// # Safety
/// `book` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_event_count(
    book: *const credit_book,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        *unsafe { out(out_count, "out_count") }? = b.read().event_count();
        Ok(())
    })
}

/// Shared body of the per-customer queries: reads the customer, the
/// optional segment and the date, runs `query`, writes its JSON.
///
/// # Safety
/// `book` a live handle; `customer` a string; `segment` NULL or a string;
/// `out_json` writable.
pub(crate) unsafe fn account_query<T: serde::Serialize>(
    book: *const credit_book,
    customer: *const c_char,
    customer_name: &str,
    segment: *const c_char,
    as_of: credit_date,
    out_json: *mut *mut c_char,
    query: fn(&CreditBook, &CustomerId, &str, chrono::NaiveDate) -> Result<T, BookError>,
) -> Result<(), FfiError> {
    // SAFETY: caller contract for every pointer below.
    let b = unsafe { borrow(book, "book") }?;
    let c = CustomerId::from(unsafe { str_arg(customer, customer_name) }?);
    let s = unsafe { opt_str_arg(segment, "segment") }?.unwrap_or(DEFAULT_SEGMENT);
    let value = query(&b.read(), &c, s, to_date(as_of, "as_of")?)?;
    unsafe { put_json(out_json, "out_json", &value) }
}

/// An account's exposure (JSON: categories, reserved, weighted total,
/// limit) as it stood on `as_of`. `segment` may be NULL for "default".
///
/// # Safety
/// `book` a live handle; strings NUL-terminated or NULL as stated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_exposure(
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
                CreditBook::exposure,
            )
        }
    })
}

/// The exposure of the group headed by `head` (itself and every customer
/// below it) as it stood on `as_of`, in the head's currency (JSON: members,
/// total, limit). `segment` may be NULL for "default".
///
/// # Safety
/// As `credit_book_exposure`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_group_exposure(
    book: *const credit_book,
    head: *const c_char,
    segment: *const c_char,
    as_of: credit_date,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        unsafe {
            account_query(
                book,
                head,
                "head",
                segment,
                as_of,
                out_json,
                CreditBook::group_exposure,
            )
        }
    })
}

/// An account's open items as they stood on `as_of` (JSON array).
///
/// # Safety
/// As `credit_book_exposure`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_open_items(
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
                CreditBook::open_items,
            )
        }
    })
}

/// An account's open credits as they stood on `as_of` (JSON array): cash
/// and credit notes on account not yet fully cleared, each with
/// `credit_id`, `kind` (`payment` or `credit_note`), `currency`, `date`,
/// `amount`, `open` and `clearings`.
///
/// # Safety
/// As `credit_book_exposure`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_open_credits(
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
                CreditBook::open_credits,
            )
        }
    })
}

/// The payment plans agreed on an account (`plan_agreed` events) as they
/// stood on `as_of` (JSON array): each with `plan_id`, `agreed_on`,
/// `invoices`, `runs` (whether it holds its invoices that day), `status`
/// (installments, paid, outstanding, overdue), `principal_paid` and
/// `charges_paid`. `segment` may be NULL for "default".
///
/// # Safety
/// As `credit_book_exposure`.
#[no_mangle]
pub unsafe extern "C" fn credit_book_plans(
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
                CreditBook::plans,
            )
        }
    })
}

/// Re-runs the decision log under another policy (JSON) and writes JSON:
/// `{"policy_id", "total", "changed": [[seq, order_id, old, new], ...],
/// "remeasured", "not_remeasured": [seq, ...]}`. When the policy measures
/// figures differently (horizon, materiality, credit cover, weights) they
/// are measured again from the ledger as of each decision's date, with the
/// reservations the check counted; `remeasured` counts them.
///
/// # Safety
/// `book` a live handle; `policy_json` a string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_book_backtest(
    book: *const credit_book,
    policy_json: *const c_char,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let b = unsafe { borrow(book, "book") }?;
        let p = Policy::from_json(unsafe { str_arg(policy_json, "policy_json") }?)
            .map_err(BookError::from)?;
        let bt = b.read().backtest(&p)?;
        unsafe { put_json(out_json, "out_json", &bt) }
    })
}

/// Frees a decision. NULL is a no-op.
///
/// # Safety
/// `decision` NULL or a live handle, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_decision_free(decision: *mut credit_decision) {
    // SAFETY: caller contract.
    unsafe { free_handle(decision) }
}

/// The outcome (a `credit_outcome` value).
///
/// # Safety
/// `decision` a live handle; `out_outcome` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_decision_outcome(
    decision: *const credit_decision,
    out_outcome: *mut i32,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let d = unsafe { borrow(decision, "decision") }?;
        *unsafe { out(out_outcome, "out_outcome") }? = match d.decision.outcome {
            Outcome::Approved => credit_outcome::CREDIT_OUTCOME_APPROVED as i32,
            Outcome::ApprovedWithWarnings => {
                credit_outcome::CREDIT_OUTCOME_APPROVED_WITH_WARNINGS as i32
            }
            Outcome::Blocked => credit_outcome::CREDIT_OUTCOME_BLOCKED as i32,
        };
        Ok(())
    })
}

/// The number of reasons (failed steps).
///
/// # Safety
/// `decision` a live handle; `out_count` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_decision_reason_count(
    decision: *const credit_decision,
    out_count: *mut usize,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let d = unsafe { borrow(decision, "decision") }?;
        *unsafe { out(out_count, "out_count") }? = d.decision.reasons.len();
        Ok(())
    })
}

/// Reason `index` (0-based): its stable code (e.g. "STATIC_LIMIT_EXCEEDED"),
/// action (`credit_action`), threshold and observed value (decimal strings,
/// or NULL when the step has none) and a readable message. Every non-NULL
/// string is freed with `credit_string_free`. Errors:
/// `CREDIT_INVALID_ARGUMENT` for an index out of range.
///
/// # Safety
/// `decision` a live handle; outputs writable.
#[no_mangle]
pub unsafe extern "C" fn credit_decision_reason(
    decision: *const credit_decision,
    index: usize,
    out_code: *mut *mut c_char,
    out_action: *mut i32,
    out_threshold: *mut *mut c_char,
    out_observed: *mut *mut c_char,
    out_message: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let d = unsafe { borrow(decision, "decision") }?;
        let code = unsafe { out(out_code, "out_code") }?;
        let action = unsafe { out(out_action, "out_action") }?;
        let threshold = unsafe { out(out_threshold, "out_threshold") }?;
        let observed = unsafe { out(out_observed, "out_observed") }?;
        let message = unsafe { out(out_message, "out_message") }?;
        let r = d.decision.reasons.get(index).ok_or_else(|| {
            FfiError::invalid(format!(
                "reason index {index} out of range (count {})",
                d.decision.reasons.len()
            ))
        })?;
        let [c, m] = new_strings([r.code.0.to_string(), r.to_string()])?;
        let opt = |v: Option<rust_decimal::Decimal>| -> Result<*mut c_char, FfiError> {
            match v {
                Some(x) => crate::handle::new_string(x.to_string()),
                None => Ok(std::ptr::null_mut()),
            }
        };
        let t = opt(r.threshold)?;
        let o = opt(r.observed)?;
        *code = c;
        *message = m;
        *threshold = t;
        *observed = o;
        *action = match r.action {
            credit_core::policy::Action::Block => credit_action::CREDIT_ACTION_BLOCK as i32,
            credit_core::policy::Action::Warn => credit_action::CREDIT_ACTION_WARN as i32,
        };
        Ok(())
    })
}

/// The decision as JSON (order id, outcome, reasons with code, action,
/// threshold, observed and message, exposure before/after, limit,
/// available). Free with `credit_string_free`.
///
/// # Safety
/// `decision` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_decision_to_json(
    decision: *const credit_decision,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let d = unsafe { borrow(decision, "decision") }?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &d.decision.report(&d.order_id)) }
    })
}
