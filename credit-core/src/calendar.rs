//! Business-day calendars, date adjustment conventions and day counts.
//!
//! A [`BusinessCalendar`] is host data: which weekdays are the weekend and
//! which dates are holidays. [`BusinessDayConvention`] moves a date that is
//! not a business day (ISDA 2006 Definitions, section 4.12). [`DayCount`]
//! gives year fractions (ISDA 2006 Definitions, section 4.16).

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Errors from calendar and date arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// Every day of the week was declared weekend: no business day exists.
    #[error("invalid weekend: all seven days are weekend days")]
    NoBusinessDays,
    /// A date computation left chrono's supported range.
    #[error("date out of range: {operation} from {date}")]
    OutOfRange {
        /// What was computed.
        operation: &'static str,
        /// The starting date.
        date: NaiveDate,
    },
    /// A text that is not an ISO `YYYY-MM-DD` date, or a day that does not exist.
    #[error("invalid date {text:?} for {field}: expected YYYY-MM-DD")]
    InvalidDate {
        /// Which input it was.
        field: &'static str,
        /// The text as given.
        text: String,
    },
    /// An unknown convention or day-count name.
    #[error("unknown {field} {value:?}; expected one of {expected}")]
    UnknownName {
        /// Which input it was.
        field: &'static str,
        /// The text as given.
        value: String,
        /// The accepted names.
        expected: &'static str,
    },
}

/// Parses an ISO `YYYY-MM-DD` date strictly.
///
/// ```
/// use credit_core::calendar::parse_date;
/// assert!(parse_date("invoice_date", "2028-02-29").is_ok());
/// assert!(parse_date("invoice_date", "2027-02-29").is_err());
/// ```
///
/// # Errors
/// [`CalendarError::InvalidDate`] naming `field` and the text.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, CalendarError> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let bad = || CalendarError::InvalidDate {
        field,
        text: text.to_string(),
    };
    if !shape_ok {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

/// The last day of `date`'s month.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = (date.year(), date.month());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        // Only fails at chrono's maximum year; then the max date is the end.
        .unwrap_or(NaiveDate::MAX)
}

/// Number of days in the month `months` after `date`'s month, and that
/// month's (year, month). `months` may be 0.
pub(crate) fn shift_month(date: NaiveDate, months: u32) -> Option<(i32, u32)> {
    let idx = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(months);
    let y = i32::try_from(idx.div_euclid(12)).ok()?;
    let m = u32::try_from(idx.rem_euclid(12)).ok()? + 1;
    Some((y, m))
}

/// Day `day` of the given month, clipped to the month's last day
/// (day 31 in April is April 30; day 30 in February 2028 is February 29).
pub(crate) fn clipped_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = end_of_month(first).day();
    NaiveDate::from_ymd_opt(year, month, day.min(last))
}

/// Adds calendar days, as an error rather than a panic past chrono's range.
///
/// # Errors
/// [`CalendarError::OutOfRange`].
pub fn add_days(date: NaiveDate, days: u32) -> Result<NaiveDate, CalendarError> {
    date.checked_add_days(Days::new(u64::from(days)))
        .ok_or(CalendarError::OutOfRange {
            operation: "add days",
            date,
        })
}

/// Set of weekdays that are not business days.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekend(u8);

impl Weekend {
    /// Saturday and Sunday.
    pub const SAT_SUN: Weekend = Weekend(0b110_0000);
    /// Friday and Saturday (e.g. most Gulf states).
    pub const FRI_SAT: Weekend = Weekend(0b011_0000);
    /// No weekend at all (every day is a business day unless a holiday).
    pub const NONE: Weekend = Weekend(0);

    /// A weekend from a list of days.
    ///
    /// # Errors
    /// [`CalendarError::NoBusinessDays`] if all seven days are listed.
    pub fn from_days(days: &[Weekday]) -> Result<Self, CalendarError> {
        let mut bits = 0u8;
        for d in days {
            bits |= 1 << d.num_days_from_monday();
        }
        Weekend::from_mask(bits)
    }

    /// A weekend from a bit mask: bit 0 = Monday … bit 6 = Sunday.
    ///
    /// # Errors
    /// [`CalendarError::NoBusinessDays`] if all seven bits are set.
    pub fn from_mask(mask: u8) -> Result<Self, CalendarError> {
        let bits = mask & 0x7f;
        if bits == 0x7f {
            return Err(CalendarError::NoBusinessDays);
        }
        Ok(Weekend(bits))
    }

    /// The bit mask: bit 0 = Monday … bit 6 = Sunday.
    pub fn mask(self) -> u8 {
        self.0
    }

    /// True if `day` is a weekend day.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// The weekend days, Monday first.
    pub fn days(self) -> Vec<Weekday> {
        (0..7u8)
            .filter(|i| self.0 & (1 << i) != 0)
            .filter_map(|i| Weekday::try_from(i).ok())
            .collect()
    }
}

impl fmt::Debug for Weekend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.days()).finish()
    }
}

impl Serialize for Weekend {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let names: Vec<String> = self.days().iter().map(|d| d.to_string()).collect();
        names.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Weekend {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let mut days = Vec::with_capacity(names.len());
        for n in names {
            let day: Weekday = n.parse().map_err(|_| {
                serde::de::Error::custom(format!(
                    "invalid weekday {n:?} in weekend; expected Mon..Sun"
                ))
            })?;
            days.push(day);
        }
        Weekend::from_days(&days).map_err(serde::de::Error::custom)
    }
}

/// How a date that is not a business day is moved (ISDA 2006 §4.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BusinessDayConvention {
    /// Leave the date as it is.
    #[default]
    Unadjusted,
    /// The next business day.
    Following,
    /// The next business day, unless that is in the next month: then the
    /// previous business day.
    ModifiedFollowing,
    /// The previous business day.
    Preceding,
    /// The previous business day, unless that is in the previous month: then
    /// the next business day.
    ModifiedPreceding,
}

impl BusinessDayConvention {
    /// Every convention, in declaration order.
    pub const ALL: [BusinessDayConvention; 5] = [
        BusinessDayConvention::Unadjusted,
        BusinessDayConvention::Following,
        BusinessDayConvention::ModifiedFollowing,
        BusinessDayConvention::Preceding,
        BusinessDayConvention::ModifiedPreceding,
    ];

    /// The snake_case name used in JSON and by the bindings.
    pub fn name(self) -> &'static str {
        match self {
            BusinessDayConvention::Unadjusted => "unadjusted",
            BusinessDayConvention::Following => "following",
            BusinessDayConvention::ModifiedFollowing => "modified_following",
            BusinessDayConvention::Preceding => "preceding",
            BusinessDayConvention::ModifiedPreceding => "modified_preceding",
        }
    }

    /// Parses a name as given by [`BusinessDayConvention::name`].
    ///
    /// # Errors
    /// [`CalendarError::UnknownName`].
    pub fn from_name(name: &str) -> Result<Self, CalendarError> {
        BusinessDayConvention::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| CalendarError::UnknownName {
                field: "convention",
                value: name.to_string(),
                expected:
                    "unadjusted, following, modified_following, preceding, modified_preceding",
            })
    }
}

/// A business-day calendar: weekend days plus a host-supplied holiday list.
///
/// ```
/// use credit_core::calendar::{BusinessCalendar, BusinessDayConvention, Weekend};
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let cal = BusinessCalendar::new(Weekend::SAT_SUN, [d("2026-12-25")]);
/// // Saturday 2026-10-31: following → Monday 2026-11-02,
/// // modified following stays in October → Friday 2026-10-30.
/// assert_eq!(cal.adjust(d("2026-10-31"), BusinessDayConvention::Following).unwrap(), d("2026-11-02"));
/// assert_eq!(cal.adjust(d("2026-10-31"), BusinessDayConvention::ModifiedFollowing).unwrap(), d("2026-10-30"));
/// // Thursday 2026-12-24 + 1 business day skips Christmas → Monday 2026-12-28.
/// assert_eq!(cal.add_business_days(d("2026-12-24"), 1).unwrap(), d("2026-12-28"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessCalendar {
    /// Weekend days, e.g. `["Sat", "Sun"]`.
    pub weekend: Weekend,
    /// Holidays (dates that are not business days), as ISO dates.
    #[serde(default, with = "crate::serde_date::set")]
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar {
            weekend: Weekend::SAT_SUN,
            holidays: BTreeSet::new(),
        }
    }
}

impl BusinessCalendar {
    /// A calendar with these weekend days and holidays.
    pub fn new(weekend: Weekend, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        BusinessCalendar {
            weekend,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// True if `date` is neither a weekend day nor a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.weekend.contains(date.weekday()) && !self.holidays.contains(&date)
    }

    fn step(date: NaiveDate, forward: bool) -> Result<NaiveDate, CalendarError> {
        let next = if forward {
            date.succ_opt()
        } else {
            date.pred_opt()
        };
        next.ok_or(CalendarError::OutOfRange {
            operation: "business day step",
            date,
        })
    }

    fn roll(&self, mut date: NaiveDate, forward: bool) -> Result<NaiveDate, CalendarError> {
        // Terminates: the weekend leaves at least one weekday free and the
        // holiday set is finite, so a business day lies within
        // holidays.len() + 7 steps (or the date range ends: an error).
        while !self.is_business_day(date) {
            date = Self::step(date, forward)?;
        }
        Ok(date)
    }

    /// Moves `date` to a business day with `convention`.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] at the ends of chrono's date range.
    pub fn adjust(
        &self,
        date: NaiveDate,
        convention: BusinessDayConvention,
    ) -> Result<NaiveDate, CalendarError> {
        use BusinessDayConvention::*;
        match convention {
            Unadjusted => Ok(date),
            Following => self.roll(date, true),
            Preceding => self.roll(date, false),
            ModifiedFollowing => {
                let f = self.roll(date, true)?;
                if f.month() == date.month() {
                    Ok(f)
                } else {
                    self.roll(date, false)
                }
            }
            ModifiedPreceding => {
                let p = self.roll(date, false)?;
                if p.month() == date.month() {
                    Ok(p)
                } else {
                    self.roll(date, true)
                }
            }
        }
    }

    /// Adds `n` business days (negative `n` goes back). Counting starts from
    /// the day after (or before) `date`, so `date` itself need not be a
    /// business day; `n = 0` returns `date` unchanged.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`].
    pub fn add_business_days(&self, date: NaiveDate, n: i32) -> Result<NaiveDate, CalendarError> {
        let forward = n >= 0;
        let mut left = n.unsigned_abs();
        let mut d = date;
        while left > 0 {
            d = self.roll(Self::step(d, forward)?, forward)?;
            left -= 1;
        }
        Ok(d)
    }

    /// Number of business days in `(start, end]` (negative if `end < start`).
    pub fn business_days_between(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        let (a, b, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let count = a
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= b)
            .filter(|d| self.is_business_day(*d))
            .count();
        sign * count as i64
    }
}

/// Day-count conventions (ISDA 2006 Definitions §4.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DayCount {
    /// Actual/365 (Fixed): actual days / 365 (§4.16(d)).
    Act365Fixed,
    /// Actual/360: actual days / 360 (§4.16(e)).
    Act360,
    /// 30/360, US bond basis (§4.16(f)): D1 = 31 → 30; D2 = 31 → 30 only
    /// when D1 is 30 or 31 (after the first rule).
    Thirty360,
    /// 30E/360, Eurobond basis (§4.16(g)): D1 = 31 → 30; D2 = 31 → 30.
    ThirtyE360,
    /// Actual/Actual (ISDA) (§4.16(b)): days in leap years / 366 + days in
    /// other years / 365.
    ActActIsda,
}

impl DayCount {
    /// Every convention, in declaration order.
    pub const ALL: [DayCount; 5] = [
        DayCount::Act365Fixed,
        DayCount::Act360,
        DayCount::Thirty360,
        DayCount::ThirtyE360,
        DayCount::ActActIsda,
    ];

    /// The snake_case name used in JSON and by the bindings.
    pub fn name(self) -> &'static str {
        match self {
            DayCount::Act365Fixed => "act365_fixed",
            DayCount::Act360 => "act360",
            DayCount::Thirty360 => "thirty360",
            DayCount::ThirtyE360 => "thirty_e360",
            DayCount::ActActIsda => "act_act_isda",
        }
    }

    /// Parses a name as given by [`DayCount::name`].
    ///
    /// # Errors
    /// [`CalendarError::UnknownName`].
    pub fn from_name(name: &str) -> Result<Self, CalendarError> {
        DayCount::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| CalendarError::UnknownName {
                field: "day_count",
                value: name.to_string(),
                expected: "act365_fixed, act360, thirty360, thirty_e360, act_act_isda",
            })
    }

    /// The day count numerator from `start` to `end` under this convention
    /// (negative if `end < start`). For Act/Act ISDA it is the actual days.
    pub fn days(self, start: NaiveDate, end: NaiveDate) -> i64 {
        match self {
            DayCount::Thirty360 | DayCount::ThirtyE360 => {
                let (y1, m1, mut d1) = (
                    i64::from(start.year()),
                    i64::from(start.month()),
                    i64::from(start.day()),
                );
                let (y2, m2, mut d2) = (
                    i64::from(end.year()),
                    i64::from(end.month()),
                    i64::from(end.day()),
                );
                if d1 == 31 {
                    d1 = 30;
                }
                if d2 == 31 && (self == DayCount::ThirtyE360 || d1 == 30) {
                    d2 = 30;
                }
                360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
            }
            _ => (end - start).num_days(),
        }
    }

    /// The year fraction from `start` to `end` as an exact fraction
    /// `(numerator, denominator)` of whole numbers, so that an amount ×
    /// rate × time can be multiplied out before the one division (a
    /// decimal `n / 365` is already rounded at its 28th digit). Act/Act
    /// ISDA: days in 365-day years count 366 and days in leap years 365
    /// over 365 × 366. Negative when `end` is before `start`.
    pub fn year_fraction_exact(self, start: NaiveDate, end: NaiveDate) -> (i128, i128) {
        if end < start {
            let (n, d) = self.year_fraction_exact(end, start);
            return (-n, d);
        }
        let n = i128::from(self.days(start, end));
        match self {
            DayCount::Act365Fixed => (n, 365),
            DayCount::Act360 | DayCount::Thirty360 | DayCount::ThirtyE360 => (n, 360),
            DayCount::ActActIsda => {
                let mut total = 0i128;
                let mut from = start;
                while from < end {
                    let y = from.year();
                    let next_year = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(NaiveDate::MAX);
                    let to = next_year.min(end);
                    let days = i128::from((to - from).num_days());
                    let leap = NaiveDate::from_ymd_opt(y, 2, 29).is_some();
                    total += days * if leap { 365 } else { 366 };
                    if to == from {
                        break;
                    }
                    from = to;
                }
                (total, 365 * 366)
            }
        }
    }

    /// The year fraction from `start` to `end` (negative if `end < start`),
    /// to rust_decimal's 28 significant digits.
    ///
    /// ```
    /// use credit_core::calendar::DayCount;
    /// use chrono::NaiveDate;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// // 2027-12-15 → 2028-03-15: 17 days of 2027 (/365) + 74 days of leap 2028 (/366).
    /// let yf = DayCount::ActActIsda.year_fraction(d("2027-12-15"), d("2028-03-15"));
    /// let expect = rust_decimal::Decimal::from(17) / rust_decimal::Decimal::from(365)
    ///     + rust_decimal::Decimal::from(74) / rust_decimal::Decimal::from(366);
    /// assert_eq!(yf, expect);
    /// ```
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "day counts are bounded by chrono's ±262 143 years: their quotients by 360–366 and the sum of them fit a Decimal"
    )]
    pub fn year_fraction(self, start: NaiveDate, end: NaiveDate) -> Decimal {
        if end < start {
            return -self.year_fraction(end, start);
        }
        let n = Decimal::from(self.days(start, end));
        match self {
            DayCount::Act365Fixed => n / Decimal::from(365),
            DayCount::Act360 | DayCount::Thirty360 | DayCount::ThirtyE360 => n / Decimal::from(360),
            DayCount::ActActIsda => {
                let mut total = Decimal::ZERO;
                let mut from = start;
                while from < end {
                    let y = from.year();
                    let next_year = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(NaiveDate::MAX);
                    let to = next_year.min(end);
                    let days = Decimal::from((to - from).num_days());
                    let basis = if NaiveDate::from_ymd_opt(y, 2, 29).is_some() {
                        366
                    } else {
                        365
                    };
                    total += days / Decimal::from(basis);
                    if to == from {
                        break;
                    }
                    from = to;
                }
                total
            }
        }
    }
}

impl crate::error::Classify for CalendarError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            CalendarError::OutOfRange { .. } => K::DateOutOfRange,
            CalendarError::NoBusinessDays => K::Validation,
            CalendarError::InvalidDate { .. } | CalendarError::UnknownName { .. } => {
                K::InvalidArgument
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date("test", s).unwrap()
    }

    #[test]
    fn strict_iso_dates() {
        for bad in [
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "2026-02-30",
            "2026-13-01",
            "",
            "2026-01-01T00:00",
        ] {
            assert!(parse_date("x", bad).is_err(), "{bad}");
        }
        assert_eq!(d("2028-02-29").day(), 29);
    }

    #[test]
    fn month_ends_and_clipping() {
        assert_eq!(end_of_month(d("2026-01-31")), d("2026-01-31"));
        assert_eq!(end_of_month(d("2028-02-10")), d("2028-02-29"));
        assert_eq!(end_of_month(d("2027-02-10")), d("2027-02-28"));
        assert_eq!(end_of_month(d("2026-12-05")), d("2026-12-31"));
        // Jan 31 "plus one month" clipped: Feb 28 (2027) / Feb 29 (2028).
        let (y, m) = shift_month(d("2027-01-31"), 1).unwrap();
        assert_eq!(clipped_day(y, m, 31).unwrap(), d("2027-02-28"));
        let (y, m) = shift_month(d("2028-01-31"), 1).unwrap();
        assert_eq!(clipped_day(y, m, 31).unwrap(), d("2028-02-29"));
        let (y, m) = shift_month(d("2026-12-15"), 1).unwrap();
        assert_eq!((y, m), (2027, 1));
    }

    #[test]
    fn weekend_needs_a_business_day() {
        use Weekday::*;
        assert_eq!(
            Weekend::from_days(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun]),
            Err(CalendarError::NoBusinessDays)
        );
        assert_eq!(Weekend::from_days(&[Fri, Sat]).unwrap(), Weekend::FRI_SAT);
    }

    #[test]
    fn conventions_by_hand() {
        // 2026-05-30 is a Saturday, 2026-05-31 a Sunday, 2026-06-01 a Monday;
        // 2026-08-01 is a Saturday and 2026-07-31 a Friday.
        let cal = BusinessCalendar::default();
        use BusinessDayConvention::*;
        assert_eq!(
            cal.adjust(d("2026-05-30"), Following).unwrap(),
            d("2026-06-01")
        );
        assert_eq!(
            cal.adjust(d("2026-05-30"), ModifiedFollowing).unwrap(),
            d("2026-05-29")
        );
        assert_eq!(
            cal.adjust(d("2026-05-30"), Preceding).unwrap(),
            d("2026-05-29")
        );
        assert_eq!(
            cal.adjust(d("2026-08-01"), Preceding).unwrap(),
            d("2026-07-31")
        );
        assert_eq!(
            cal.adjust(d("2026-08-01"), ModifiedPreceding).unwrap(),
            d("2026-08-03")
        );
        assert_eq!(
            cal.adjust(d("2026-08-01"), Unadjusted).unwrap(),
            d("2026-08-01")
        );
        // A business day never moves.
        for c in BusinessDayConvention::ALL {
            assert_eq!(cal.adjust(d("2026-07-31"), c).unwrap(), d("2026-07-31"));
        }
    }

    #[test]
    fn holidays_and_business_day_counting() {
        // New Year 2027 is a Friday; with it a holiday, Thu 2026-12-31 + 1 → Mon 2027-01-04.
        let cal = BusinessCalendar::new(Weekend::SAT_SUN, [d("2027-01-01")]);
        assert_eq!(
            cal.add_business_days(d("2026-12-31"), 1).unwrap(),
            d("2027-01-04")
        );
        assert_eq!(
            cal.add_business_days(d("2027-01-04"), -1).unwrap(),
            d("2026-12-31")
        );
        assert_eq!(
            cal.add_business_days(d("2027-01-02"), 0).unwrap(),
            d("2027-01-02")
        );
        // Fri-Sat weekend: Thu 2026-11-26 + 1 → Sun 2026-11-29.
        let gulf = BusinessCalendar::new(Weekend::FRI_SAT, []);
        assert_eq!(
            gulf.add_business_days(d("2026-11-26"), 1).unwrap(),
            d("2026-11-29")
        );
        assert_eq!(
            cal.business_days_between(d("2026-12-31"), d("2027-01-08")),
            5
        );
        assert_eq!(
            cal.business_days_between(d("2027-01-08"), d("2026-12-31")),
            -5
        );
    }

    #[test]
    fn out_of_range_is_an_error() {
        let cal = BusinessCalendar::default();
        assert!(cal.add_business_days(NaiveDate::MAX, 1).is_err());
        assert!(add_days(NaiveDate::MAX, 1).is_err());
    }

    #[test]
    fn day_counts_by_hand() {
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        // 2026-01-31 → 2026-03-31: 59 actual days.
        let (a, b) = (d("2026-01-31"), d("2026-03-31"));
        assert_eq!(DayCount::Act365Fixed.days(a, b), 59);
        assert_eq!(
            DayCount::Act360.year_fraction(a, b),
            Decimal::from(59) / Decimal::from(360)
        );
        // 30/360 bond basis: D1 31→30, D2 31→30 since D1=30: 30*2 + 0 = 60.
        assert_eq!(DayCount::Thirty360.days(a, b), 60);
        assert_eq!(
            DayCount::Thirty360.year_fraction(a, b),
            dec("60") / dec("360")
        );
        // 2026-01-15 → 2026-03-31: bond basis keeps D2 = 31 (D1 = 15): 60 + 16 = 76; 30E/360: 75.
        assert_eq!(DayCount::Thirty360.days(d("2026-01-15"), b), 76);
        assert_eq!(DayCount::ThirtyE360.days(d("2026-01-15"), b), 75);
        // Feb end is not special in either: 2027-02-28 → 2027-03-31: 30E: 30+2 = 32... (D1 28, D2 30) = 32.
        assert_eq!(
            DayCount::ThirtyE360.days(d("2027-02-28"), d("2027-03-31")),
            32
        );
        // A full leap year under Act/Act ISDA is exactly 1.
        assert_eq!(
            DayCount::ActActIsda.year_fraction(d("2028-01-01"), d("2029-01-01")),
            Decimal::ONE
        );
        assert_eq!(
            DayCount::Act365Fixed.year_fraction(d("2027-01-01"), d("2028-01-01")),
            Decimal::ONE
        );
        assert_eq!(
            DayCount::Act365Fixed.year_fraction(d("2028-01-01"), d("2027-01-01")),
            -Decimal::ONE
        );
        // Dec 15 2027 → Mar 15 2028 (91 days): Dec 15..Dec 31 are 17 days of 2027,
        // Jan 1..Mar 14 are 31 + 29 + 14 = 74 days of leap 2028.
        let yf = DayCount::ActActIsda.year_fraction(d("2027-12-15"), d("2028-03-15"));
        assert_eq!(yf, dec("17") / dec("365") + dec("74") / dec("366"));
    }

    #[test]
    fn calendar_json_round_trip() {
        let cal = BusinessCalendar::new(Weekend::FRI_SAT, [d("2026-12-02")]);
        let j = serde_json::to_string(&cal).unwrap();
        assert_eq!(j, r#"{"weekend":["Fri","Sat"],"holidays":["2026-12-02"]}"#);
        assert_eq!(serde_json::from_str::<BusinessCalendar>(&j).unwrap(), cal);
        assert!(serde_json::from_str::<BusinessCalendar>(r#"{"weekend":["Funday"]}"#).is_err());
        assert!(serde_json::from_str::<BusinessCalendar>(
            r#"{"weekend":["Mon","Tue","Wed","Thu","Fri","Sat","Sun"]}"#
        )
        .is_err());
    }
}
