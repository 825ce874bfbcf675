//! The only place that casts between C pointers and Rust values.

use std::ffi::{c_char, CStr, CString};

use chrono::NaiveDate;

use crate::credit_date;
use crate::error::{credit_status, FfiError};

fn null(name: &str) -> FfiError {
    FfiError::new(
        credit_status::CREDIT_NULL_ARGUMENT,
        format!("{name} is NULL"),
    )
}

/// Borrows a handle.
///
/// # Safety
/// `p` must be NULL or a live handle of type `T` created by this library.
pub(crate) unsafe fn borrow<'a, T>(p: *const T, name: &str) -> Result<&'a T, FfiError> {
    // SAFETY: caller contract; NULL is checked.
    unsafe { p.as_ref() }.ok_or_else(|| null(name))
}

/// A writable out-parameter.
///
/// # Safety
/// `p` must be NULL or valid for writes of `T`.
pub(crate) unsafe fn out<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, FfiError> {
    // SAFETY: caller contract; NULL is checked.
    unsafe { p.as_mut() }.ok_or_else(|| null(name))
}

/// Moves a value into a new heap handle owned by the caller.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle created by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or a handle from [`into_handle`] not yet freed.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: caller contract.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` must be NULL or a valid NUL-terminated string.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, FfiError> {
    if p.is_null() {
        return Err(null(name));
    }
    // SAFETY: caller contract.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| FfiError::invalid(format!("{name} is not valid UTF-8")))
}

/// Like [`str_arg`], but NULL means "absent".
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, FfiError> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// A new C string owned by the caller (freed with `credit_string_free`).
pub(crate) fn new_string(s: String) -> Result<*mut c_char, FfiError> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| FfiError::new(credit_status::CREDIT_PANIC, "string with interior NUL"))
}

/// Several new C strings, all or none: if one fails the others are freed.
pub(crate) fn new_strings<const N: usize>(s: [String; N]) -> Result<[*mut c_char; N], FfiError> {
    let mut out = [std::ptr::null_mut(); N];
    for (i, text) in s.into_iter().enumerate() {
        match new_string(text) {
            Ok(p) => out[i] = p,
            Err(e) => {
                for p in &out[..i] {
                    // SAFETY: created just above by new_string.
                    unsafe { free_string(*p) };
                }
                return Err(e);
            }
        }
    }
    Ok(out)
}

/// Frees a string from [`new_string`]; NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or from [`new_string`], not yet freed.
pub(crate) unsafe fn free_string(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: caller contract.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Writes a string output, or fails with NULL_ARGUMENT.
///
/// # Safety
/// `p` must be NULL or valid for writes of a pointer.
pub(crate) unsafe fn put_string(
    p: *mut *mut c_char,
    name: &str,
    s: String,
) -> Result<(), FfiError> {
    // SAFETY: forwarded contract.
    let slot = unsafe { out(p, name) }?;
    *slot = new_string(s)?;
    Ok(())
}

/// Writes a value's JSON as a string output.
///
/// # Safety
/// `p` must be NULL or valid for writes of a pointer.
pub(crate) unsafe fn put_json<T: serde::Serialize>(
    p: *mut *mut c_char,
    name: &str,
    value: &T,
) -> Result<(), FfiError> {
    let json = serde_json::to_string(value)
        .map_err(|e| FfiError::new(credit_status::CREDIT_PANIC, e.to_string()))?;
    // SAFETY: forwarded contract.
    unsafe { put_string(p, name, json) }
}

pub(crate) fn to_date(d: credit_date, name: &str) -> Result<NaiveDate, FfiError> {
    let m = u32::try_from(d.month).ok();
    let dd = u32::try_from(d.day).ok();
    m.zip(dd)
        .and_then(|(m, dd)| NaiveDate::from_ymd_opt(d.year, m, dd))
        .ok_or_else(|| {
            FfiError::invalid(format!(
                "{name} {:04}-{:02}-{:02} is not a valid date",
                d.year, d.month, d.day
            ))
        })
}

pub(crate) fn from_date(d: NaiveDate) -> credit_date {
    use chrono::Datelike;
    credit_date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    }
}

/// No buffer of `n` values of `T` can exist past `isize::MAX` bytes: a
/// count that large is refused (`CREDIT_TOO_LARGE`) before any slice is
/// made of it or any memory sized by it.
pub(crate) fn fits<T>(n: usize, name: &str) -> Result<(), FfiError> {
    let max = isize::MAX as usize / std::mem::size_of::<T>().max(1);
    if n > max {
        return Err(FfiError::new(
            credit_status::CREDIT_TOO_LARGE,
            format!("{name}: {n} values cannot fit in memory (at most {max})"),
        ));
    }
    Ok(())
}

/// A slice from a C pointer and a length; NULL is allowed only when empty.
///
/// # Safety
/// `p` NULL or valid for reads of `n` values.
pub(crate) unsafe fn slice<'a, T>(p: *const T, n: usize, name: &str) -> Result<&'a [T], FfiError> {
    if n == 0 {
        return Ok(&[]);
    }
    fits::<T>(n, name)?;
    if p.is_null() {
        return Err(null(name));
    }
    // SAFETY: caller contract: p valid for n reads; n fits the address space.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// As [`slice`], writable; NULL means "not wanted".
///
/// # Safety
/// `p` NULL or valid for writes of `n` values, not aliased.
pub(crate) unsafe fn slice_mut<'a, T>(
    p: *mut T,
    n: usize,
    name: &str,
) -> Result<Option<&'a mut [T]>, FfiError> {
    fits::<T>(n, name)?;
    Ok(if p.is_null() {
        None
    } else if n == 0 {
        Some(&mut [])
    } else {
        // SAFETY: caller contract; n fits the address space.
        Some(unsafe { std::slice::from_raw_parts_mut(p, n) })
    })
}
