//! C ABI for `credit-core`: `libcredit` and `include/credit.h`.
//!
//! Thin by design: every function converts its C inputs, calls the core,
//! converts outputs, and maps errors to a [`credit_status`] plus a
//! thread-local message. No domain logic lives here.
//!
//! Conventions (repeated in the header for C users):
//! * every fallible function returns a `credit_status`, `CREDIT_OK` (0) on
//!   success; results go through out-parameters, written only on success;
//! * on failure `credit_last_error()` gives a message for this thread;
//! * decimals cross as NUL-terminated strings (`"-1234.50"`), dates as
//!   [`credit_date`] (year, month, day);
//! * strings returned through `char **` are owned by the caller and released
//!   with `credit_string_free`; handles with their own `_free` (NULL is a no-op);
//! * handles may be shared across threads: functions taking a `const`
//!   handle only read it (reports run side by side), functions taking a
//!   non-`const` handle change it and run alone on it;
//! * no Rust panic crosses the boundary: it becomes `CREDIT_PANIC`.
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

mod error;
mod handle;

pub mod book;
pub mod calendar;
pub mod collections;
pub mod money;
pub mod monitor;
pub mod scoring;
pub mod terms;

pub use error::credit_status;

use std::ffi::c_char;

/// Major version of libcredit (matches the crate version).
pub const CREDIT_VERSION_MAJOR: u32 = 0;
/// Minor version of libcredit (matches the crate version).
pub const CREDIT_VERSION_MINOR: u32 = 1;
/// Patch version of libcredit (matches the crate version).
pub const CREDIT_VERSION_PATCH: u32 = 0;

/// A calendar date. `month` is 1..=12, `day` 1..=31; an impossible date
/// (2027-02-29) is rejected with `CREDIT_INVALID_ARGUMENT`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct credit_date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1..=12.
    pub month: i32,
    /// Day of month, 1..=31.
    pub day: i32,
}

/// The library version as a static NUL-terminated string, e.g. `"0.1.0"`.
/// Cannot fail; the string must not be freed.
#[no_mangle]
pub extern "C" fn credit_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The message of the last failed call on this thread, as a NUL-terminated
/// string owned by the library, valid until the next failing call on this
/// thread. An empty string if no call has failed yet. Cannot fail.
#[no_mangle]
pub extern "C" fn credit_last_error() -> *const c_char {
    error::last_error_ptr()
}

/// Copies the last error message of this thread into `buf` (`len` bytes,
/// NUL-terminated) and stores the length it needs, NUL included, in
/// `*needed` when `needed` is not NULL.
///
/// Returns `CREDIT_BUFFER_TOO_SMALL` when `len` is too small (`buf` then
/// holds a truncated, still NUL-terminated message if `len > 0`).
///
/// # Safety
/// `buf` must point to `len` writable bytes (or be NULL with `len == 0`);
/// `needed` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn credit_last_error_message(
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> credit_status {
    // SAFETY: forwarded contract.
    unsafe { error::copy_last_error(buf, len, needed) }
}

/// Frees a string returned by this library through a `char **` output.
/// NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a string returned by libcredit, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_string_free(s: *mut c_char) {
    // SAFETY: forwarded contract.
    unsafe { handle::free_string(s) }
}
