//! Status codes, the thread-local last error, and the one macro every entry
//! point goes through.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use credit_core::bounds::BoundsError;
use credit_core::calendar::CalendarError;
use credit_core::money::MoneyError;
use credit_core::scoring::ScoringError;
use credit_core::terms::TermsError;

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

impl From<BoundsError> for FfiError {
    fn from(e: BoundsError) -> Self {
        let status = match &e {
            BoundsError::TooLarge { .. } => credit_status::CREDIT_TOO_LARGE,
            _ => credit_status::CREDIT_INVALID_ARGUMENT,
        };
        FfiError::new(status, e.to_string())
    }
}

impl From<MoneyError> for FfiError {
    fn from(e: MoneyError) -> Self {
        use credit_status::*;
        if let MoneyError::Bounds(b) = e {
            return b.into();
        }
        let status = match &e {
            MoneyError::UnknownCurrency { .. } => CREDIT_UNKNOWN_CURRENCY,
            MoneyError::CurrencyMismatch { .. } => CREDIT_CURRENCY_MISMATCH,
            MoneyError::Overflow { .. } => CREDIT_OVERFLOW,
            MoneyError::Precision { .. } => CREDIT_PRECISION,
            MoneyError::InvalidCurrencyCode { .. } | MoneyError::InvalidDecimal { .. } => {
                CREDIT_INVALID_ARGUMENT
            }
            _ => CREDIT_VALIDATION_ERROR,
        };
        FfiError::new(status, e.to_string())
    }
}

impl From<CalendarError> for FfiError {
    fn from(e: CalendarError) -> Self {
        use credit_status::*;
        let status = match &e {
            CalendarError::OutOfRange { .. } => CREDIT_DATE_OUT_OF_RANGE,
            CalendarError::NoBusinessDays => CREDIT_VALIDATION_ERROR,
            _ => CREDIT_INVALID_ARGUMENT,
        };
        FfiError::new(status, e.to_string())
    }
}

impl From<TermsError> for FfiError {
    fn from(e: TermsError) -> Self {
        match e {
            TermsError::Money(m) => m.into(),
            TermsError::Calendar(c) => c.into(),
            TermsError::Parse(p) => FfiError::new(credit_status::CREDIT_PARSE_ERROR, p.to_string()),
            other => FfiError::new(credit_status::CREDIT_VALIDATION_ERROR, other.to_string()),
        }
    }
}

impl From<ScoringError> for FfiError {
    fn from(e: ScoringError) -> Self {
        use credit_status::*;
        if let ScoringError::Bounds(b) = e {
            return b.into();
        }
        let status = match &e {
            ScoringError::Document(_) => CREDIT_PARSE_ERROR,
            ScoringError::Rejected { .. } => CREDIT_SCORING_REJECTED,
            ScoringError::InvalidValue { .. } | ScoringError::Batch { .. } => {
                CREDIT_INVALID_ARGUMENT
            }
            _ => CREDIT_VALIDATION_ERROR,
        };
        FfiError::new(status, e.to_string())
    }
}

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
    fn panics_become_a_status() {
        let s = guard(|| panic!("boom"));
        assert_eq!(s, credit_status::CREDIT_PANIC);
        let msg = unsafe { std::ffi::CStr::from_ptr(last_error_ptr()) };
        assert!(msg.to_str().unwrap().contains("boom"));
    }
}
