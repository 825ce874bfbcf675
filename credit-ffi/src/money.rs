//! Money: `credit_money` handles, arithmetic, rounding and allocation.

use std::ffi::c_char;

use credit_core::money::{parse_decimal, Currency, Money, MoneyError, RoundingMode};
use rust_decimal::Decimal;

use crate::error::{credit_status, guard, FfiError};
use crate::handle::{borrow, free_handle, into_handle, out, put_string, slice, slice_mut, str_arg};

/// An amount in a currency, never with more decimals than the currency
/// allows. Immutable; may be shared across threads.
pub struct credit_money(pub(crate) Money);

/// Rounding modes, passed as `int32_t`. "Down"/"up" are toward/away from
/// zero; floor/ceiling toward negative/positive infinity.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_rounding {
    /// Half to even (banker's rounding), the default: 2.5 → 2, 3.5 → 4.
    CREDIT_ROUNDING_HALF_EVEN = 0,
    /// Half away from zero: 2.5 → 3.
    CREDIT_ROUNDING_HALF_UP = 1,
    /// Half toward zero: 2.5 → 2.
    CREDIT_ROUNDING_HALF_DOWN = 2,
    /// Toward zero (truncate).
    CREDIT_ROUNDING_DOWN = 3,
    /// Away from zero.
    CREDIT_ROUNDING_UP = 4,
    /// Toward negative infinity.
    CREDIT_ROUNDING_FLOOR = 5,
    /// Toward positive infinity.
    CREDIT_ROUNDING_CEILING = 6,
}

pub(crate) fn rounding(v: i32) -> Result<RoundingMode, FfiError> {
    usize::try_from(v)
        .ok()
        .and_then(|i| RoundingMode::ALL.get(i).copied())
        .ok_or_else(|| {
            FfiError::invalid(format!(
                "rounding {v} is not a credit_rounding value (0..=6)"
            ))
        })
}

pub(crate) fn currency(code: &str) -> Result<Currency, FfiError> {
    Ok(Currency::iso(code)?)
}

/// Looks up the minor-unit exponent of an ISO 4217 code (2 for "EUR", 0 for
/// "JPY", 3 for "KWD").
///
/// Errors: `CREDIT_NULL_ARGUMENT`, `CREDIT_UNKNOWN_CURRENCY` (a code not
/// built in or registered, malformed codes included).
///
/// # Safety
/// `code` must be a NUL-terminated string; `out_minor_units` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_currency_minor_units(
    code: *const c_char,
    out_minor_units: *mut u32,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = currency(unsafe { str_arg(code, "code") }?)?;
        *unsafe { out(out_minor_units, "out_minor_units") }? = c.minor_units();
        Ok(())
    })
}

/// Creates a money handle from a decimal string (`"-1234.50"`: optional
/// sign, digits, optional fraction; no exponent, no separators) and an ISO
/// currency code. Free it with `credit_money_free`.
///
/// Errors: `CREDIT_NULL_ARGUMENT`, `CREDIT_INVALID_ARGUMENT` (not a decimal),
/// `CREDIT_UNKNOWN_CURRENCY`, `CREDIT_PRECISION` (too many decimals for the
/// currency, e.g. "1.005" EUR).
///
/// # Safety
/// `amount` and `currency_code` must be NUL-terminated strings; `out_money`
/// must be writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_new(
    amount: *const c_char,
    currency_code: *const c_char,
    out_money: *mut *mut credit_money,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_money, "out_money") }?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        let c = currency(unsafe { str_arg(currency_code, "currency_code") }?)?;
        *slot = into_handle(credit_money(Money::new(a, c)?));
        Ok(())
    })
}

/// Like `credit_money_new`, for a currency that is not built in (a host
/// code such as "XPT", or an ISO code with other minor units): the code is
/// three letters A-Z, `minor_units` 0..=9.
///
/// Errors: `CREDIT_NULL_ARGUMENT`, `CREDIT_UNKNOWN_CURRENCY` (malformed
/// code), `CREDIT_INVALID_ARGUMENT` (malformed amount),
/// `CREDIT_VALIDATION_ERROR` (minor units above 9),
/// `CREDIT_PRECISION`.
///
/// # Safety
/// `amount` and `currency_code` must be NUL-terminated strings; `out_money`
/// must be writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_new_custom(
    amount: *const c_char,
    currency_code: *const c_char,
    minor_units: u32,
    out_money: *mut *mut credit_money,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_money, "out_money") }?;
        let a = parse_decimal("amount", unsafe { str_arg(amount, "amount") }?)?;
        let c = Currency::new(
            unsafe { str_arg(currency_code, "currency_code") }?,
            minor_units,
        )?;
        *slot = into_handle(credit_money(Money::new(a, c)?));
        Ok(())
    })
}

/// Frees a money handle. NULL is a no-op.
///
/// # Safety
/// `money` must be NULL or a handle from libcredit, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_money_free(money: *mut credit_money) {
    // SAFETY: caller contract.
    unsafe { free_handle(money) }
}

/// The amount as a decimal string with the currency's decimals
/// (`"1234.50"`). Free the string with `credit_string_free`.
///
/// # Safety
/// `money` must be a live handle; `out_amount` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_amount(
    money: *const credit_money,
    out_amount: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let m = unsafe { borrow(money, "money") }?;
        // SAFETY: caller contract.
        unsafe { put_string(out_amount, "out_amount", m.0.amount().to_string()) }
    })
}

/// The currency code (`"EUR"`). Free the string with `credit_string_free`.
///
/// # Safety
/// `money` must be a live handle; `out_code` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_currency(
    money: *const credit_money,
    out_code: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let m = unsafe { borrow(money, "money") }?;
        // SAFETY: caller contract.
        unsafe { put_string(out_code, "out_code", m.0.currency().code().to_string()) }
    })
}

unsafe fn binary(
    a: *const credit_money,
    b: *const credit_money,
    out_money: *mut *mut credit_money,
    op: fn(&Money, &Money) -> Result<Money, MoneyError>,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_money, "out_money") }?;
        let (a, b) = (unsafe { borrow(a, "a") }?, unsafe { borrow(b, "b") }?);
        *slot = into_handle(credit_money(op(&a.0, &b.0)?));
        Ok(())
    })
}

/// `a + b` as a new handle. Errors: `CREDIT_CURRENCY_MISMATCH`,
/// `CREDIT_OVERFLOW`, `CREDIT_NULL_ARGUMENT`.
///
/// # Safety
/// `a`, `b` live handles; `out_money` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_add(
    a: *const credit_money,
    b: *const credit_money,
    out_money: *mut *mut credit_money,
) -> credit_status {
    // SAFETY: forwarded contract.
    unsafe { binary(a, b, out_money, Money::checked_add) }
}

/// `a - b` as a new handle. Errors: `CREDIT_CURRENCY_MISMATCH`,
/// `CREDIT_OVERFLOW`, `CREDIT_NULL_ARGUMENT`.
///
/// # Safety
/// `a`, `b` live handles; `out_money` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_sub(
    a: *const credit_money,
    b: *const credit_money,
    out_money: *mut *mut credit_money,
) -> credit_status {
    // SAFETY: forwarded contract.
    unsafe { binary(a, b, out_money, Money::checked_sub) }
}

/// Shared body of the functions that apply a decimal argument and a
/// rounding mode to a money handle.
unsafe fn with_decimal(
    money: *const credit_money,
    arg: *const c_char,
    name: &'static str,
    rounding_mode: i32,
    out_money: *mut *mut credit_money,
    op: fn(&Money, Decimal, RoundingMode) -> Result<Money, MoneyError>,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_money, "out_money") }?;
        let m = unsafe { borrow(money, "money") }?;
        let d = parse_decimal(name, unsafe { str_arg(arg, name) }?)?;
        *slot = into_handle(credit_money(op(&m.0, d, rounding(rounding_mode)?)?));
        Ok(())
    })
}

/// `money × rate` (rate a decimal string such as `"0.19"`), rounded once to
/// the currency's minor unit with `rounding` (a `credit_rounding` value).
///
/// # Safety
/// `money` a live handle; `rate` a NUL-terminated string; `out_money` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_mul_rate(
    money: *const credit_money,
    rate: *const c_char,
    rounding_mode: i32,
    out_money: *mut *mut credit_money,
) -> credit_status {
    // SAFETY: forwarded contract.
    unsafe {
        with_decimal(
            money,
            rate,
            "rate",
            rounding_mode,
            out_money,
            Money::checked_mul_rate,
        )
    }
}

/// Rounds to a multiple of `step` (a positive decimal string, e.g. `"1000"`
/// for credit limits or `"0.05"` for cash rounding) with `rounding`.
///
/// # Safety
/// `money` a live handle; `step` a NUL-terminated string; `out_money` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_money_round_to_step(
    money: *const credit_money,
    step: *const c_char,
    rounding_mode: i32,
    out_money: *mut *mut credit_money,
) -> credit_status {
    // SAFETY: forwarded contract.
    unsafe {
        with_decimal(
            money,
            step,
            "step",
            rounding_mode,
            out_money,
            Money::round_to_step,
        )
    }
}

/// The caller's array of `count` output slots (required).
///
/// # Safety
/// `out_parts` NULL or valid for writes of `count` pointers.
unsafe fn part_slots<'a>(
    out_parts: *mut *mut credit_money,
    count: usize,
) -> Result<&'a mut [*mut credit_money], FfiError> {
    // SAFETY: forwarded contract.
    unsafe { slice_mut(out_parts, count, "out_parts") }?
        .ok_or_else(|| FfiError::new(credit_status::CREDIT_NULL_ARGUMENT, "out_parts is NULL"))
}

fn write_parts(parts: Vec<Money>, slots: &mut [*mut credit_money]) {
    for (slot, p) in slots.iter_mut().zip(parts) {
        *slot = into_handle(credit_money(p));
    }
}

/// Splits `money` by `count` non-negative decimal weights (strings) into
/// `count` parts that sum exactly to it (largest remainder; ties to the
/// earlier part). On success `out_parts[0..count]` hold new handles, each
/// to free with `credit_money_free`; on failure nothing is written.
///
/// # Safety
/// `weights` must hold `count` NUL-terminated strings and `out_parts` room
/// for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn credit_money_allocate(
    money: *const credit_money,
    weights: *const *const c_char,
    count: usize,
    out_parts: *mut *mut credit_money,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let m = unsafe { borrow(money, "money") }?;
        if weights.is_null() {
            return Err(FfiError::new(
                credit_status::CREDIT_NULL_ARGUMENT,
                "weights is NULL",
            ));
        }
        let slots = unsafe { part_slots(out_parts, count) }?;
        let w = unsafe { slice(weights, count, "weights") }?
            .iter()
            .map(|p| Ok(parse_decimal("weight", unsafe { str_arg(*p, "weight") }?)?))
            .collect::<Result<Vec<_>, FfiError>>()?;
        write_parts(m.0.allocate(&w)?, slots);
        Ok(())
    })
}

/// Splits `money` into `count` parts as equal as possible that sum exactly
/// to it (the first parts get the extra minor units). Outputs as in
/// `credit_money_allocate`.
///
/// # Safety
/// `out_parts` must have room for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn credit_money_split(
    money: *const credit_money,
    count: usize,
    out_parts: *mut *mut credit_money,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let m = unsafe { borrow(money, "money") }?;
        // The count is checked (at most money::MAX_PARTS) before the slots
        // are touched.
        let parts = m.0.split(count)?;
        let slots = unsafe { part_slots(out_parts, count) }?;
        write_parts(parts, slots);
        Ok(())
    })
}
