//! Status codes, the thread-local last error, and the one macro every entry
//! point goes through.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use credit_core::error::{Classify, ErrorKind};

/// Result of every fallible libcredit call. Numbers are stable: never
/// renumbered, never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_status {
    /// Success.
    CREDIT_OK = 0,
    /// A required pointer argument was NULL.
    CREDIT_NULL_ARGUMENT = 1,
    /// An argument was malformed: not UTF-8, not a decimal, not a date,
    /// an unknown enum value, an index out of range.
    CREDIT_INVALID_ARGUMENT = 2,
    /// Payment-terms text that does not follow the notation.
    CREDIT_PARSE_ERROR = 3,
    /// Well-formed input that breaks a rule (installments not totalling
    /// 100, a discount deadline after the net date, a negative amount…).
    CREDIT_VALIDATION_ERROR = 4,
    /// A currency code that is not known.
    CREDIT_UNKNOWN_CURRENCY = 5,
    /// Amounts in different currencies were combined.
    CREDIT_CURRENCY_MISMATCH = 6,
    /// Arithmetic overflow.
    CREDIT_OVERFLOW = 7,
    /// An amount with more decimals than its currency allows.
    CREDIT_PRECISION = 8,
    /// A date computation left the supported range.
    CREDIT_DATE_OUT_OF_RANGE = 9,
    /// A caller buffer was too small.
    CREDIT_BUFFER_TOO_SMALL = 10,
    /// A customer id the book does not know.
    CREDIT_UNKNOWN_CUSTOMER = 11,
    /// No FX rate was supplied for a currency pair the book had to convert.
    CREDIT_MISSING_RATE = 12,
    /// A value fits no bin of a scorecard characteristic whose no-match
    /// policy is `reject`.
    CREDIT_SCORING_REJECTED = 13,
    /// A size the caller controls is beyond its documented bound: an id or
    /// text too long, a JSON document too large or too deeply nested, too
    /// many parts or reasons asked for. The message names the field, its
    /// size and the bound.
    CREDIT_TOO_LARGE = 14,
    /// An event id already applied with different content.
    CREDIT_CONFLICTING_EVENT = 15,
    /// An order id the account does not know.
    CREDIT_UNKNOWN_ORDER = 16,
    /// An invoice id the account does not know.
    CREDIT_UNKNOWN_INVOICE = 17,
    /// An order or invoice id that already exists on the account.
    CREDIT_DUPLICATE_ID = 18,
    /// An event the account's state does not allow (a delivery beyond the
    /// ordered quantity, a payment allocated beyond the open amount…).
    CREDIT_EVENT_NOT_ALLOWED = 19,
    /// A reversal the book refuses (no such event, already reversed, a
    /// reversal of a reversal).
    CREDIT_REVERSAL_REFUSED = 20,
    /// A release of an order that is not on hold.
    CREDIT_NOT_ON_HOLD = 21,
    /// A release without a required field (who, why).
    CREDIT_RELEASE_INCOMPLETE = 22,
    /// A snapshot that cannot be restored (malformed, another schema
    /// version, a broken cross-reference).
    CREDIT_INVALID_SNAPSHOT = 23,
    /// A parent that would make the customer hierarchy loop.
    CREDIT_HIERARCHY_CYCLE = 24,
    /// A payment a payment plan cannot take.
    CREDIT_INVALID_PAYMENT = 25,
    /// An operation on a payment plan that is closed.
    CREDIT_PLAN_CLOSED = 26,
    /// No late-interest reference rate in force on the date.
    CREDIT_NO_REFERENCE_RATE = 27,
    /// An internal error (a bug in libcredit), caught before it reached C.
    CREDIT_PANIC = 99,
}

/// An error on its way to C: a status and a message.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub status: credit_status,
    pub message: String,
}

impl FfiError {
    pub(crate) fn new(status: credit_status, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(credit_status::CREDIT_INVALID_ARGUMENT, message)
    }
}

/// The one table from the core's error kinds to status codes.
pub(crate) fn status_of(kind: ErrorKind) -> credit_status {
    use credit_status::*;
    match kind {
        ErrorKind::InvalidArgument => CREDIT_INVALID_ARGUMENT,
        ErrorKind::Parse => CREDIT_PARSE_ERROR,
        ErrorKind::Validation => CREDIT_VALIDATION_ERROR,
        ErrorKind::UnknownCurrency => CREDIT_UNKNOWN_CURRENCY,
        ErrorKind::CurrencyMismatch => CREDIT_CURRENCY_MISMATCH,
        ErrorKind::Overflow => CREDIT_OVERFLOW,
        ErrorKind::Precision => CREDIT_PRECISION,
        ErrorKind::DateOutOfRange => CREDIT_DATE_OUT_OF_RANGE,
        ErrorKind::UnknownCustomer => CREDIT_UNKNOWN_CUSTOMER,
        ErrorKind::MissingRate => CREDIT_MISSING_RATE,
        ErrorKind::ScoringRejected => CREDIT_SCORING_REJECTED,
        ErrorKind::TooLarge => CREDIT_TOO_LARGE,
        ErrorKind::ConflictingEvent => CREDIT_CONFLICTING_EVENT,
        ErrorKind::UnknownOrder => CREDIT_UNKNOWN_ORDER,
        ErrorKind::UnknownInvoice => CREDIT_UNKNOWN_INVOICE,
        ErrorKind::DuplicateId => CREDIT_DUPLICATE_ID,
        ErrorKind::EventNotAllowed => CREDIT_EVENT_NOT_ALLOWED,
        ErrorKind::ReversalRefused => CREDIT_REVERSAL_REFUSED,
        ErrorKind::NotOnHold => CREDIT_NOT_ON_HOLD,
        ErrorKind::ReleaseIncomplete => CREDIT_RELEASE_INCOMPLETE,
        ErrorKind::InvalidSnapshot => CREDIT_INVALID_SNAPSHOT,
        ErrorKind::HierarchyCycle => CREDIT_HIERARCHY_CYCLE,
        ErrorKind::InvalidPayment => CREDIT_INVALID_PAYMENT,
        ErrorKind::PlanClosed => CREDIT_PLAN_CLOSED,
        ErrorKind::NoReferenceRate => CREDIT_NO_REFERENCE_RATE,
        // A kind added to the core without a row here: the test
        // `every_kind_has_its_own_status` fails.
        _ => CREDIT_VALIDATION_ERROR,
    }
}

impl FfiError {
    /// A core error: its kind's status and its message.
    pub(crate) fn core(e: &(impl Classify + ?Sized)) -> Self {
        FfiError::new(status_of(e.kind()), e.to_string())
    }
}

macro_rules! from_core {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for FfiError {
            fn from(e: $t) -> Self {
                FfiError::core(&e)
            }
        }
    )*};
}

from_core!(
    credit_core::bounds::BoundsError,
    credit_core::calendar::CalendarError,
    credit_core::money::MoneyError,
    credit_core::terms::TermsError,
    credit_core::scoring::ScoringError,
    credit_core::json::DocumentError,
    credit_core::engine::BookError,
    credit_core::plans::PlanError,
    credit_core::collections::CollectionsError,
    credit_core::ledger::LedgerError,
    credit_core::customer::CustomerError,
    credit_core::policy::PolicyError,
);

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn set_last_error(message: &str) {
    // Interior NULs cannot be represented in C; replace them.
    let clean = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = clean);
}

pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// # Safety
/// See `credit_last_error_message`.
pub(crate) unsafe fn copy_last_error(
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> credit_status {
    LAST_ERROR.with(|e| {
        let e = e.borrow();
        let bytes = e.as_bytes_with_nul();
        if !needed.is_null() {
            // SAFETY: caller guarantees `needed` is writable when not NULL.
            unsafe { *needed = bytes.len() };
        }
        if buf.is_null() || len == 0 {
            return if bytes.len() <= len {
                credit_status::CREDIT_OK
            } else {
                credit_status::CREDIT_BUFFER_TOO_SMALL
            };
        }
        let n = bytes.len().min(len);
        // SAFETY: `buf` has `len` writable bytes and `n <= len`.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), buf, n);
            if n < bytes.len() {
                *buf.add(n - 1) = 0;
            }
        }
        if n < bytes.len() {
            credit_status::CREDIT_BUFFER_TOO_SMALL
        } else {
            credit_status::CREDIT_OK
        }
    })
}

/// Runs an entry point's body: catches panics (→ `CREDIT_PANIC`), maps an
/// `Err(FfiError)` to its status and records its message.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), FfiError>) -> credit_status {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(())) => credit_status::CREDIT_OK,
        Ok(Err(e)) => {
            set_last_error(&e.message);
            e.status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            set_last_error(&format!("internal error (please report): {what}"));
            credit_status::CREDIT_PANIC
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_status() {
        let mut seen = std::collections::BTreeMap::new();
        for k in ErrorKind::ALL {
            let s = status_of(k) as i32;
            assert!(s != 0 && s != 1 && s != 10 && s != 99, "{k}: {s}");
            if let Some(other) = seen.insert(s, k) {
                panic!("{k} and {other} share status {s}");
            }
        }
        assert_eq!(seen.len(), ErrorKind::ALL.len());
        assert_eq!(
            status_of(ErrorKind::NotOnHold),
            credit_status::CREDIT_NOT_ON_HOLD
        );
    }

    #[test]
    fn panics_become_a_status() {
        let s = guard(|| panic!("boom"));
        assert_eq!(s, credit_status::CREDIT_PANIC);
        let msg = unsafe { std::ffi::CStr::from_ptr(last_error_ptr()) };
        assert!(msg.to_str().unwrap().contains("boom"));
    }
}
