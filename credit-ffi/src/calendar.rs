//! Business-day calendars and day counts.

use std::ffi::c_char;

use credit_core::calendar::{BusinessCalendar, BusinessDayConvention, DayCount, Weekend};

use crate::credit_date;
use crate::error::{credit_status, guard, FfiError};
use crate::handle::{
    borrow, free_handle, from_date, into_handle, out, put_json, put_string, str_arg, to_date,
};

/// A business-day calendar: weekend days and holidays. Immutable; may be
/// shared across threads.
pub struct credit_calendar(pub(crate) BusinessCalendar);

/// Business-day conventions (ISDA 2006 §4.12), passed as `int32_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_business_day_convention {
    /// Leave the date as it is.
    CREDIT_BDC_UNADJUSTED = 0,
    /// Next business day.
    CREDIT_BDC_FOLLOWING = 1,
    /// Next business day unless in the next month, then previous.
    CREDIT_BDC_MODIFIED_FOLLOWING = 2,
    /// Previous business day.
    CREDIT_BDC_PRECEDING = 3,
    /// Previous business day unless in the previous month, then next.
    CREDIT_BDC_MODIFIED_PRECEDING = 4,
}

/// Day-count conventions (ISDA 2006 §4.16), passed as `int32_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum credit_day_count {
    /// Actual/365 (Fixed).
    CREDIT_DAY_COUNT_ACT365_FIXED = 0,
    /// Actual/360.
    CREDIT_DAY_COUNT_ACT360 = 1,
    /// 30/360 US bond basis.
    CREDIT_DAY_COUNT_THIRTY360 = 2,
    /// 30E/360 Eurobond basis.
    CREDIT_DAY_COUNT_THIRTY_E360 = 3,
    /// Actual/Actual (ISDA).
    CREDIT_DAY_COUNT_ACT_ACT_ISDA = 4,
}

/// Weekend bit: Monday (bit 0) … Sunday (bit 6). Saturday + Sunday is
/// `CREDIT_WEEKEND_SAT | CREDIT_WEEKEND_SUN` = 0x60.
pub const CREDIT_WEEKEND_MON: u8 = 1;
/// Weekend bit for Tuesday.
pub const CREDIT_WEEKEND_TUE: u8 = 2;
/// Weekend bit for Wednesday.
pub const CREDIT_WEEKEND_WED: u8 = 4;
/// Weekend bit for Thursday.
pub const CREDIT_WEEKEND_THU: u8 = 8;
/// Weekend bit for Friday.
pub const CREDIT_WEEKEND_FRI: u8 = 16;
/// Weekend bit for Saturday.
pub const CREDIT_WEEKEND_SAT: u8 = 32;
/// Weekend bit for Sunday.
pub const CREDIT_WEEKEND_SUN: u8 = 64;

pub(crate) fn convention(v: i32) -> Result<BusinessDayConvention, FfiError> {
    usize::try_from(v)
        .ok()
        .and_then(|i| BusinessDayConvention::ALL.get(i).copied())
        .ok_or_else(|| {
            FfiError::invalid(format!(
                "convention {v} is not a credit_business_day_convention value (0..=4)"
            ))
        })
}

/// Creates a calendar from a weekend mask (`CREDIT_WEEKEND_*` bits) and
/// `holiday_count` holiday dates (`holidays` may be NULL when the count is
/// 0). Free it with `credit_calendar_free`.
///
/// Errors: `CREDIT_VALIDATION_ERROR` if all seven days are weekend,
/// `CREDIT_INVALID_ARGUMENT` for an impossible holiday date.
///
/// # Safety
/// `holidays` must hold `holiday_count` dates; `out_calendar` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_new(
    weekend_mask: u8,
    holidays: *const credit_date,
    holiday_count: usize,
    out_calendar: *mut *mut credit_calendar,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_calendar, "out_calendar") }?;
        if weekend_mask > 0x7f {
            return Err(FfiError::invalid(format!(
                "weekend_mask {weekend_mask:#x} has bits above Sunday (0x40)"
            )));
        }
        let weekend = Weekend::from_mask(weekend_mask)?;
        let days = unsafe { crate::handle::slice(holidays, holiday_count, "holidays") }?
            .iter()
            .map(|d| to_date(*d, "holiday"))
            .collect::<Result<Vec<_>, _>>()?;
        *slot = into_handle(credit_calendar(BusinessCalendar::new(weekend, days)));
        Ok(())
    })
}

/// Creates a calendar from JSON: `{"weekend": ["Sat", "Sun"], "holidays":
/// ["2026-12-25"]}`. Errors: `CREDIT_PARSE_ERROR` with the serde message.
///
/// # Safety
/// `json` a NUL-terminated string; `out_calendar` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_from_json(
    json: *const c_char,
    out_calendar: *mut *mut credit_calendar,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let slot = unsafe { out(out_calendar, "out_calendar") }?;
        let text = unsafe { str_arg(json, "json") }?;
        let cal: BusinessCalendar = crate::book::json(text, "calendar")?;
        *slot = into_handle(credit_calendar(cal));
        Ok(())
    })
}

/// The calendar as JSON. Free the string with `credit_string_free`.
///
/// # Safety
/// `calendar` a live handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_to_json(
    calendar: *const credit_calendar,
    out_json: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract.
        let c = unsafe { borrow(calendar, "calendar") }?;
        // SAFETY: caller contract.
        unsafe { put_json(out_json, "out_json", &c.0) }
    })
}

/// Frees a calendar. NULL is a no-op.
///
/// # Safety
/// `calendar` NULL or a live handle, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_free(calendar: *mut credit_calendar) {
    // SAFETY: caller contract.
    unsafe { free_handle(calendar) }
}

/// Whether `date` is a business day (not a weekend day, not a holiday).
///
/// # Safety
/// `calendar` a live handle; `out_is_business_day` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_is_business_day(
    calendar: *const credit_calendar,
    date: credit_date,
    out_is_business_day: *mut bool,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(calendar, "calendar") }?;
        let o = unsafe { out(out_is_business_day, "out_is_business_day") }?;
        *o = c.0.is_business_day(to_date(date, "date")?);
        Ok(())
    })
}

/// Moves `date` to a business day with `convention` (a
/// `credit_business_day_convention` value).
///
/// # Safety
/// `calendar` a live handle; `out_date` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_adjust(
    calendar: *const credit_calendar,
    date: credit_date,
    convention_value: i32,
    out_date: *mut credit_date,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(calendar, "calendar") }?;
        let o = unsafe { out(out_date, "out_date") }?;
        *o = from_date(c.0.adjust(to_date(date, "date")?, convention(convention_value)?)?);
        Ok(())
    })
}

/// Adds `days` business days to `date` (negative goes back; 0 returns the
/// date unchanged; counting starts the day after).
///
/// # Safety
/// `calendar` a live handle; `out_date` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_calendar_add_business_days(
    calendar: *const credit_calendar,
    date: credit_date,
    days: i32,
    out_date: *mut credit_date,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let c = unsafe { borrow(calendar, "calendar") }?;
        let o = unsafe { out(out_date, "out_date") }?;
        *o = from_date(c.0.add_business_days(to_date(date, "date")?, days)?);
        Ok(())
    })
}

/// The year fraction from `start` to `end` under `day_count` (a
/// `credit_day_count` value), as a decimal string with up to 28 significant
/// digits. Free the string with `credit_string_free`.
///
/// # Safety
/// `out_fraction` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_year_fraction(
    day_count: i32,
    start: credit_date,
    end: credit_date,
    out_fraction: *mut *mut c_char,
) -> credit_status {
    guard(|| {
        let dc = usize::try_from(day_count)
            .ok()
            .and_then(|i| DayCount::ALL.get(i).copied())
            .ok_or_else(|| {
                FfiError::invalid(format!(
                    "day_count {day_count} is not a credit_day_count value (0..=4)"
                ))
            })?;
        let yf = dc.year_fraction(to_date(start, "start")?, to_date(end, "end")?);
        // SAFETY: caller contract.
        unsafe { put_string(out_fraction, "out_fraction", yf.to_string()) }
    })
}

/// Parses a strict ISO `YYYY-MM-DD` string into a `credit_date`.
/// Errors: `CREDIT_INVALID_ARGUMENT` naming the text.
///
/// # Safety
/// `text` a NUL-terminated string; `out_date` writable.
#[no_mangle]
pub unsafe extern "C" fn credit_date_parse(
    text: *const c_char,
    out_date: *mut credit_date,
) -> credit_status {
    guard(|| {
        // SAFETY: caller contract for every pointer below.
        let o = unsafe { out(out_date, "out_date") }?;
        let t = unsafe { str_arg(text, "text") }?;
        *o = from_date(credit_core::calendar::parse_date("date", t)?);
        Ok(())
    })
}
