//! Payment terms: due rules, early-payment discounts, installments, day
//! limits, and the trade notation (`2/10, 1/20, Net 45`).
//!
//! # Conventions (and where they come from)
//!
//! * **Baseline.** Every period runs from the baseline date: the invoice date
//!   unless the caller passes another (e.g. the delivery date) in
//!   [`ScheduleOptions::baseline`]. This is SAP's "baseline date for payment".
//!   A term may move it ([`PaymentTerms::with_baseline`], notation
//!   `(baseline end of month)`, `(cut-off day 25)`): to the end of the
//!   document's month (SAP's baseline date calculation on a fixed day 31),
//!   and past an end-of-month cut-off day to the 1st of the next month (the
//!   EOM trade practice "dated after the 25th counts as next month's").
//!   The baseline used is [`Schedule::baseline`].
//! * **Inclusive deadlines.** Paying *on* a discount deadline still earns the
//!   discount; paying on the net due date is on time.
//! * **"Net 30 EOM".** Trade use reads it two ways, and both are supported
//!   under explicit names: [`DueRule::DaysAfterMonthEnd`] (go to the end of
//!   the invoice month, then add 30 days — the reading of US trade-credit
//!   practice, where "EOM dating" means periods start at the end of the
//!   invoice month) and [`DueRule::DaysThenMonthEnd`] (add the days, then go
//!   to the end of that month — the French "45 jours fin de mois" reading
//!   that the DGCCRF also accepts under Code de commerce art. L441-10). The
//!   notation parser reads `Net 30 EOM` as `DaysAfterMonthEnd`; the other
//!   reading is written `Net 45 then EOM`.
//! * **EOM dating shorthand.** In `1/10 EOM Net 30` (no comma between the
//!   EOM discount and `Net`), the whole term is EOM-dated: the net period
//!   also runs from the end of the month (`Net 30 EOM`). With a comma
//!   (`1/10 EOM, Net 60`) each rule stands as written.
//! * **Proximo.** `10 Prox` is day 10 of the month after the baseline's
//!   ([`DueRule::DayOfMonth`] with `day = 10, months = 1`). Day 31 means the
//!   month's last day, clipped in short months. With `months = 0`, a day
//!   already past in the baseline month moves to the next month, so a due
//!   date is never before the baseline.
//! * **Day limits** (SAP "day limit"): a term may hold several lines; a line
//!   applies to baselines whose day of month is up to its limit (and after the
//!   previous line's). `Day 1-25: 10 Prox; Day 26-31: Day 10 of month +2`
//!   treats invoices after the 25th as next month's.
//! * **Discounts do not split the invoice.** The invoice stays 100 % due
//!   until its net date; a discount is what a timely payer may deduct.
//! * **Discount base.** By default the discount is a percentage of the whole
//!   invoice amount. Where tax is not discountable, pass the taxable net
//!   amount as [`ScheduleOptions::discount_base`]: the discount is that base
//!   × percent, rounded once to the currency's minor unit.
//! * **Installments.** Percentages must total exactly 100; amounts are split
//!   with [`Money::allocate`] (largest remainder) so they sum exactly to the
//!   invoice amount. Installment lines carry no discounts.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{
    self, add_days, end_of_month, BusinessCalendar, BusinessDayConvention, CalendarError,
};
use crate::money::{Money, MoneyError, RoundingMode};

/// Largest day count a due rule accepts (ten years).
pub const MAX_DAYS: u32 = 3660;
/// Largest month offset a due rule accepts.
pub const MAX_MONTHS: u32 = 120;

/// Errors from payment terms: notation, validation and schedules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermsError {
    /// The terms text does not follow the notation.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A due rule parameter out of range.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidRule {
        /// The parameter (`days`, `day`, `months`).
        field: &'static str,
        /// The value as given.
        value: u32,
        /// The accepted range.
        reason: &'static str,
    },
    /// A percentage out of range or in the wrong order.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidPercent {
        /// Which percentage (`discount percent`, `installment percent`).
        field: &'static str,
        /// The value as given.
        value: Decimal,
        /// What was expected.
        reason: &'static str,
    },
    /// Installment percentages that do not total exactly 100.
    #[error("installment percentages total {total}, expected exactly 100")]
    InstallmentTotal {
        /// The total as given.
        total: Decimal,
    },
    /// A term with nothing in it.
    #[error("payment terms need at least one {what}")]
    Empty {
        /// What is missing (`line`, `installment`).
        what: &'static str,
    },
    /// Two dates of a term in the wrong order for some baseline.
    #[error("{earlier} falls after {later} for baseline {baseline}")]
    DeadlineOrder {
        /// The rule that should come first, in notation.
        earlier: String,
        /// The rule that should come later, in notation.
        later: String,
        /// A baseline date where the order breaks.
        baseline: NaiveDate,
    },
    /// Day-limit lines that do not cover days 1–31 in increasing order.
    #[error("invalid day limit {value}: {reason}")]
    DayLimit {
        /// The limit as given.
        value: u32,
        /// What was expected.
        reason: &'static str,
    },
    /// A negative or otherwise unusable amount.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidAmount {
        /// Which amount (`amount`, `discount_base`).
        field: &'static str,
        /// The amount as given.
        value: Decimal,
        /// What was expected.
        reason: &'static str,
    },
    /// A money error (currency mismatch, precision, overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A date error (out of range).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// A notation error: what was expected at which character position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse payment terms at position {position}: expected {expected}, found {found}")]
pub struct ParseError {
    /// 0-based character offset into the text.
    pub position: usize,
    /// What the parser expected there.
    pub expected: String,
    /// What it found (`end of text` at the end).
    pub found: String,
}

/// When a due date (or a discount deadline) falls, relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DueRule {
    /// Due on the baseline date itself (`Due on receipt`).
    OnReceipt,
    /// `days` days after the baseline (`Net 30`).
    DaysAfter {
        /// Calendar days.
        days: u32,
    },
    /// `days` days after the end of the baseline's month (`Net 30 EOM`).
    DaysAfterMonthEnd {
        /// Calendar days after the month end.
        days: u32,
    },
    /// `days` days after the baseline, then the end of that month
    /// (`Net 45 then EOM`, "45 jours fin de mois").
    DaysThenMonthEnd {
        /// Calendar days before going to the month end.
        days: u32,
    },
    /// Day `day` of the month `months` after the baseline's month (`10 Prox`
    /// is day 10, months 1). Day 31 is the month's last day; days past the
    /// month's end are clipped. With `months = 0` a day already past moves
    /// to the next month.
    DayOfMonth {
        /// Day of month, 1..=31.
        day: u32,
        /// Months after the baseline's month, 0..=120.
        months: u32,
    },
}

impl DueRule {
    /// Checks the parameters' ranges.
    ///
    /// # Errors
    /// [`TermsError::InvalidRule`].
    pub fn validate(&self) -> Result<(), TermsError> {
        match *self {
            DueRule::OnReceipt => Ok(()),
            DueRule::DaysAfter { days }
            | DueRule::DaysAfterMonthEnd { days }
            | DueRule::DaysThenMonthEnd { days } => {
                if days > MAX_DAYS {
                    Err(TermsError::InvalidRule {
                        field: "days",
                        value: days,
                        reason: "at most 3660",
                    })
                } else {
                    Ok(())
                }
            }
            DueRule::DayOfMonth { day, months } => {
                if !(1..=31).contains(&day) {
                    Err(TermsError::InvalidRule {
                        field: "day",
                        value: day,
                        reason: "day of month must be 1..=31",
                    })
                } else if months > MAX_MONTHS {
                    Err(TermsError::InvalidRule {
                        field: "months",
                        value: months,
                        reason: "at most 120",
                    })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The unadjusted date this rule gives for `baseline`. Never before the
    /// baseline.
    ///
    /// ```
    /// use credit_core::terms::DueRule;
    /// use chrono::NaiveDate;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// let b = d("2026-01-31");
    /// assert_eq!(DueRule::DaysAfter { days: 30 }.due_date(b).unwrap(), d("2026-03-02"));
    /// assert_eq!(DueRule::DaysAfterMonthEnd { days: 30 }.due_date(b).unwrap(), d("2026-03-02"));
    /// assert_eq!(DueRule::DaysThenMonthEnd { days: 45 }.due_date(b).unwrap(), d("2026-03-31"));
    /// assert_eq!(DueRule::DayOfMonth { day: 31, months: 1 }.due_date(b).unwrap(), d("2026-02-28"));
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] near the end of chrono's date range.
    pub fn due_date(&self, baseline: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let oor = || CalendarError::OutOfRange {
            operation: "due date",
            date: baseline,
        };
        match *self {
            DueRule::OnReceipt => Ok(baseline),
            DueRule::DaysAfter { days } => add_days(baseline, days),
            DueRule::DaysAfterMonthEnd { days } => add_days(end_of_month(baseline), days),
            DueRule::DaysThenMonthEnd { days } => Ok(end_of_month(add_days(baseline, days)?)),
            DueRule::DayOfMonth { day, months } => {
                let (y, m) = calendar::shift_month(baseline, months).ok_or_else(oor)?;
                let date = calendar::clipped_day(y, m, day).ok_or_else(oor)?;
                if date >= baseline {
                    return Ok(date);
                }
                let (y, m) = calendar::shift_month(baseline, months + 1).ok_or_else(oor)?;
                calendar::clipped_day(y, m, day).ok_or_else(oor)
            }
        }
    }

    /// For rule pairs whose order does not depend on the baseline, whether
    /// `self` is always on or before `other`; `None` if it depends.
    fn static_le(&self, other: &DueRule) -> Option<bool> {
        use DueRule::*;
        match (*self, *other) {
            (OnReceipt, _) => Some(true),
            // baseline + a ≤ baseline + b ≤ month end(baseline + b), and
            // baseline + a ≤ month end(baseline) + b.
            (
                DaysAfter { days: a },
                DaysAfterMonthEnd { days: b } | DaysThenMonthEnd { days: b },
            ) if a <= b => Some(true),
            (DaysAfter { days: a }, DaysAfter { days: b })
            | (DaysAfterMonthEnd { days: a }, DaysAfterMonthEnd { days: b })
            | (DaysThenMonthEnd { days: a }, DaysThenMonthEnd { days: b }) => Some(a <= b),
            (DayOfMonth { day: a, months: ma }, DayOfMonth { day: b, months: mb })
                if ma == mb && ma >= 1 =>
            {
                Some(a <= b)
            }
            _ => None,
        }
    }

    fn fmt_rule(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DueRule::OnReceipt => f.write_str("0"),
            DueRule::DaysAfter { days } => write!(f, "{days}"),
            DueRule::DaysAfterMonthEnd { days } => write!(f, "{days} EOM"),
            DueRule::DaysThenMonthEnd { days } => write!(f, "{days} then EOM"),
            DueRule::DayOfMonth { day, months: 1 } => write!(f, "{day} Prox"),
            DueRule::DayOfMonth { day, months } => write!(f, "Day {day} of month +{months}"),
        }
    }

    fn fmt_net(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueRule::OnReceipt => f.write_str("Due on receipt"),
            DueRule::DayOfMonth { .. } => self.fmt_rule(f),
            _ => {
                f.write_str("Net ")?;
                self.fmt_rule(f)
            }
        }
    }
}

/// Displays the rule as a net rule (`Net 30`, `10 Prox`, `Due on receipt`).
impl fmt::Display for DueRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_net(f)
    }
}

/// An early-payment discount: `percent` off when paid by the date `within`
/// gives (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountTier {
    /// Percent of the discount base, e.g. `2` for 2 %; 0 < percent < 100.
    #[serde(with = "crate::serde_decimal")]
    pub percent: Decimal,
    /// The deadline rule.
    pub within: DueRule,
}

/// One installment of an installment term.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installment {
    /// Percent of the invoice amount; all installments total exactly 100.
    #[serde(with = "crate::serde_decimal")]
    pub percent: Decimal,
    /// When it is due.
    pub due: DueRule,
}

/// What a term line says: discounts and a net rule, or installments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TermBody {
    /// Discount tiers (earliest deadline first, highest percent first) and
    /// the net rule.
    Standard {
        /// Discount tiers, possibly none.
        #[serde(default)]
        discounts: Vec<DiscountTier>,
        /// When the full amount is due.
        net: DueRule,
    },
    /// Installments in due-date order, percentages totalling 100.
    Installments {
        /// The installments.
        installments: Vec<Installment>,
    },
}

/// A line of a term: applies to baselines whose day of month is at most
/// `up_to_day` (and after the previous line's limit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermLine {
    /// Last day of month (1..=31) of the baselines this line applies to.
    pub up_to_day: u32,
    /// The line's rules.
    pub body: TermBody,
}

/// Validated payment terms: one line, or several with day limits.
///
/// ```
/// use credit_core::terms::PaymentTerms;
/// let t: PaymentTerms = "2/10, 1/20, net 45".parse().unwrap();
/// assert_eq!(t.to_string(), "2/10, 1/20, Net 45");
/// assert_eq!(t.to_string().parse::<PaymentTerms>().unwrap(), t);
/// let err = "2/10 Nett 30".parse::<PaymentTerms>().unwrap_err();
/// assert!(err.to_string().contains("position 5"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TermsRepr", into = "TermsRepr")]
pub struct PaymentTerms {
    lines: Vec<TermLine>,
    baseline: TermBaseline,
    eom_cutoff_day: Option<u32>,
}

/// What the periods of a term run from (SAP's "baseline date
/// calculation"): the document date — the invoice date, or the
/// [`ScheduleOptions::baseline`] the caller passes — or the end of its
/// month. The baseline used is reported as [`Schedule::baseline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermBaseline {
    /// The document date itself. The default.
    #[default]
    InvoiceDate,
    /// The last day of the document date's month (notation `(baseline end
    /// of month)`): `Net 30` then runs like `Net 30 EOM`, and discount
    /// periods too.
    EndOfMonth,
}

impl TermBaseline {
    fn is_default(&self) -> bool {
        *self == TermBaseline::InvoiceDate
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermsRepr {
    lines: Vec<TermLine>,
    #[serde(default, skip_serializing_if = "TermBaseline::is_default")]
    baseline: TermBaseline,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eom_cutoff_day: Option<u32>,
}

impl TryFrom<TermsRepr> for PaymentTerms {
    type Error = TermsError;
    fn try_from(r: TermsRepr) -> Result<Self, TermsError> {
        PaymentTerms::new(r.lines)?.with_baseline(r.baseline, r.eom_cutoff_day)
    }
}

impl From<PaymentTerms> for TermsRepr {
    fn from(t: PaymentTerms) -> Self {
        TermsRepr {
            lines: t.lines,
            baseline: t.baseline,
            eom_cutoff_day: t.eom_cutoff_day,
        }
    }
}

/// First and last baseline used to check the order of rule dates that depend
/// on the baseline: four years, one of them a leap year, cover every
/// combination of day of month and month lengths that the rules can see.
const CHECK_FROM: (i32, u32, u32) = (2027, 1, 1);
const CHECK_DAYS: u64 = 4 * 365 + 1;

/// Checks that `earlier` gives a date on or before `later`'s for every
/// baseline whose day of month lies in `days`.
fn check_order(
    earlier: &DueRule,
    later: &DueRule,
    days: std::ops::RangeInclusive<u32>,
) -> Result<(), TermsError> {
    if earlier.static_le(later) == Some(true) {
        return Ok(());
    }
    let start =
        NaiveDate::from_ymd_opt(CHECK_FROM.0, CHECK_FROM.1, CHECK_FROM.2).unwrap_or_default();
    for b in start.iter_days().take(CHECK_DAYS as usize) {
        if !days.contains(&b.day()) {
            continue;
        }
        let (e, l) = (earlier.due_date(b)?, later.due_date(b)?);
        if e > l {
            return Err(TermsError::DeadlineOrder {
                earlier: rule_text(earlier),
                later: rule_text(later),
                baseline: b,
            });
        }
    }
    Ok(())
}

fn rule_text(r: &DueRule) -> String {
    struct R<'a>(&'a DueRule);
    impl fmt::Display for R<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_net(f)
        }
    }
    R(r).to_string()
}

fn validate_percent(field: &'static str, p: Decimal) -> Result<(), TermsError> {
    if p <= Decimal::ZERO || p >= Decimal::ONE_HUNDRED {
        return Err(TermsError::InvalidPercent {
            field,
            value: p,
            reason: "must be above 0 and below 100",
        });
    }
    if p.normalize().scale() > 6 {
        return Err(TermsError::InvalidPercent {
            field,
            value: p,
            reason: "at most 6 decimals",
        });
    }
    Ok(())
}

impl TermBody {
    /// Stores `DaysAfter { days: 0 }` as `OnReceipt` (the same dates), so
    /// every term has one canonical form and one notation.
    fn canonicalize(&mut self) {
        let fix = |r: &mut DueRule| {
            if *r == (DueRule::DaysAfter { days: 0 }) {
                *r = DueRule::OnReceipt;
            }
        };
        match self {
            TermBody::Standard { discounts, net } => {
                fix(net);
                discounts.iter_mut().for_each(|t| fix(&mut t.within));
            }
            TermBody::Installments { installments } => {
                installments.iter_mut().for_each(|i| fix(&mut i.due))
            }
        }
    }

    fn validate(&self, days: std::ops::RangeInclusive<u32>) -> Result<(), TermsError> {
        match self {
            TermBody::Standard { discounts, net } => {
                net.validate()?;
                for (i, t) in discounts.iter().enumerate() {
                    t.within.validate()?;
                    validate_percent("discount percent", t.percent)?;
                    if let Some(next) = discounts.get(i + 1) {
                        if next.percent >= t.percent {
                            return Err(TermsError::InvalidPercent {
                                field: "discount percent",
                                value: next.percent,
                                reason: "each later discount must be smaller than the one before",
                            });
                        }
                        check_order(&t.within, &next.within, days.clone())?;
                    }
                }
                if let Some(last) = discounts.last() {
                    check_order(&last.within, net, days)?;
                }
                Ok(())
            }
            TermBody::Installments { installments } => {
                if installments.is_empty() {
                    return Err(TermsError::Empty {
                        what: "installment",
                    });
                }
                let mut total = Decimal::ZERO;
                for (i, inst) in installments.iter().enumerate() {
                    inst.due.validate()?;
                    if inst.percent <= Decimal::ZERO || inst.percent > Decimal::ONE_HUNDRED {
                        return Err(TermsError::InvalidPercent {
                            field: "installment percent",
                            value: inst.percent,
                            reason: "must be above 0 and at most 100",
                        });
                    }
                    // Each percent is in (0, 100]; a total that saturated
                    // is far from 100 and refused below like any other.
                    total = total.saturating_add(inst.percent);
                    if let Some(next) = installments.get(i + 1) {
                        check_order(&inst.due, &next.due, days.clone())?;
                    }
                }
                if total != Decimal::ONE_HUNDRED {
                    return Err(TermsError::InstallmentTotal { total });
                }
                Ok(())
            }
        }
    }
}

impl PaymentTerms {
    /// Terms from lines, validated: day limits strictly increasing and ending
    /// at 31; rule parameters in range; discount percents in (0, 100) and
    /// decreasing; discount deadlines in order and never after the net date;
    /// installment percentages totalling exactly 100 with due dates in order.
    ///
    /// # Errors
    /// The [`TermsError`] naming the offending field and value.
    pub fn new(lines: Vec<TermLine>) -> Result<Self, TermsError> {
        if lines.is_empty() {
            return Err(TermsError::Empty { what: "line" });
        }
        let mut prev = 0u32;
        for line in &lines {
            if line.up_to_day <= prev || line.up_to_day > 31 {
                return Err(TermsError::DayLimit {
                    value: line.up_to_day,
                    reason: "day limits must increase and lie in 1..=31",
                });
            }
            line.body.validate(prev + 1..=line.up_to_day)?;
            prev = line.up_to_day;
        }
        if prev != 31 {
            return Err(TermsError::DayLimit {
                value: prev,
                reason: "the last line must cover up to day 31",
            });
        }
        let mut lines = lines;
        for l in &mut lines {
            l.body.canonicalize();
        }
        Ok(PaymentTerms {
            lines,
            baseline: TermBaseline::InvoiceDate,
            eom_cutoff_day: None,
        })
    }

    /// These terms with a baseline rule and an end-of-month cut-off day:
    /// a document dated after day `eom_cutoff_day` of its month counts as
    /// dated the 1st of the next month (the trade practice for EOM terms,
    /// e.g. "invoices dated after the 25th are treated as dated the
    /// following month"; SAP writes it as day limits), then `baseline`
    /// applies (the end of that month, or that date itself).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use credit_core::money::{Currency, Money};
    /// use credit_core::terms::{PaymentTerms, ScheduleOptions, TermBaseline};
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// let t = PaymentTerms::parse("2/10 Net 30").unwrap()
    ///     .with_baseline(TermBaseline::EndOfMonth, Some(25)).unwrap();
    /// assert_eq!(t.to_string(), "2/10 Net 30 (baseline end of month, cut-off day 25)");
    /// let eur = Currency::iso("EUR").unwrap();
    /// let amount = Money::parse("100.00", eur).unwrap();
    /// // Dated the 26th: next month's, baseline 28 February.
    /// let s = t.schedule(d("2026-01-26"), amount, &ScheduleOptions::default()).unwrap();
    /// assert_eq!((s.baseline, s.net_due_date()), (d("2026-02-28"), d("2026-03-30")));
    /// ```
    ///
    /// # Errors
    /// [`TermsError::InvalidRule`] for a cut-off day outside 1..=30;
    /// [`TermsError::DayLimit`] for terms with day limits (they already
    /// choose by the day of the month: use one or the other).
    pub fn with_baseline(
        mut self,
        baseline: TermBaseline,
        eom_cutoff_day: Option<u32>,
    ) -> Result<Self, TermsError> {
        if let Some(c) = eom_cutoff_day {
            if !(1..=30).contains(&c) {
                return Err(TermsError::InvalidRule {
                    field: "eom_cutoff_day",
                    value: c,
                    reason: "a day of the month from 1 to 30",
                });
            }
        }
        let moved = baseline != TermBaseline::InvoiceDate || eom_cutoff_day.is_some();
        if moved && self.lines.len() > 1 {
            return Err(TermsError::DayLimit {
                value: self.lines[0].up_to_day,
                reason: "day limits already choose by the day of the month: give them or a baseline rule and cut-off day, not both",
            });
        }
        self.baseline = baseline;
        self.eom_cutoff_day = eom_cutoff_day;
        Ok(self)
    }

    /// The baseline rule.
    pub fn baseline(&self) -> TermBaseline {
        self.baseline
    }

    /// The end-of-month cut-off day, if any.
    pub fn eom_cutoff_day(&self) -> Option<u32> {
        self.eom_cutoff_day
    }

    /// The baseline the periods run from for a document dated `date`: moved
    /// to the 1st of the next month past the cut-off day, then to its
    /// month's end under [`TermBaseline::EndOfMonth`].
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] at the end of the calendar.
    pub fn baseline_for(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let date = match self.eom_cutoff_day {
            Some(c) if date.day() > c => {
                end_of_month(date)
                    .succ_opt()
                    .ok_or(CalendarError::OutOfRange {
                        operation: "cut-off day",
                        date,
                    })?
            }
            _ => date,
        };
        Ok(match self.baseline {
            TermBaseline::InvoiceDate => date,
            TermBaseline::EndOfMonth => end_of_month(date),
        })
    }

    /// Single-line terms with discount tiers and a net rule.
    ///
    /// # Errors
    /// As [`PaymentTerms::new`].
    pub fn standard(discounts: Vec<DiscountTier>, net: DueRule) -> Result<Self, TermsError> {
        PaymentTerms::new(vec![TermLine {
            up_to_day: 31,
            body: TermBody::Standard { discounts, net },
        }])
    }

    /// Single-line installment terms.
    ///
    /// # Errors
    /// As [`PaymentTerms::new`].
    pub fn installments(installments: Vec<Installment>) -> Result<Self, TermsError> {
        PaymentTerms::new(vec![TermLine {
            up_to_day: 31,
            body: TermBody::Installments { installments },
        }])
    }

    /// Parses the trade notation (see [`PaymentTerms::from_str`](std::str::FromStr)).
    ///
    /// # Errors
    /// [`TermsError::Parse`] with the position and what was expected, or a
    /// validation error.
    pub fn parse(text: &str) -> Result<Self, TermsError> {
        let (lines, baseline, cutoff) = Parser::new(text)?.terms()?;
        PaymentTerms::new(lines)?.with_baseline(baseline, cutoff)
    }

    /// The lines (one unless the term has day limits).
    pub fn lines(&self) -> &[TermLine] {
        &self.lines
    }

    /// The line that applies to a baseline date.
    pub fn line_for(&self, baseline: NaiveDate) -> &TermLine {
        let day = baseline.day();
        // `new` guarantees the last line covers day 31.
        self.lines
            .iter()
            .find(|l| day <= l.up_to_day)
            .unwrap_or(&self.lines[self.lines.len() - 1])
    }

    /// The schedule for an invoice: installments with due dates and amounts,
    /// discount deadlines with discount amounts.
    ///
    /// ```
    /// use credit_core::money::{Currency, Money};
    /// use credit_core::terms::{PaymentTerms, ScheduleOptions};
    /// use chrono::NaiveDate;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// let eur = Currency::iso("EUR").unwrap();
    /// let t = PaymentTerms::parse("2/10 Net 30").unwrap();
    /// let s = t.schedule(d("2026-01-31"), Money::parse("1000.00", eur).unwrap(), &ScheduleOptions::default()).unwrap();
    /// assert_eq!(s.net_due_date(), d("2026-03-02"));
    /// assert_eq!(s.discounts[0].deadline, d("2026-02-10"));
    /// assert_eq!(s.discounts[0].amount.amount().to_string(), "20.00");
    /// let paid = s.settlement(d("2026-02-10"));
    /// assert_eq!(paid.amount_to_settle.amount().to_string(), "980.00");
    /// assert_eq!(s.settlement(d("2026-03-05")).days_late, 3);
    /// ```
    ///
    /// # Errors
    /// [`TermsError::InvalidAmount`] for a negative amount or a discount base
    /// outside `0..=amount`; [`MoneyError::CurrencyMismatch`] for a discount
    /// base in another currency; [`CalendarError::OutOfRange`] near the end
    /// of the date range.
    pub fn schedule(
        &self,
        invoice_date: NaiveDate,
        amount: Money,
        opts: &ScheduleOptions<'_>,
    ) -> Result<Schedule, TermsError> {
        if amount.is_negative() {
            return Err(TermsError::InvalidAmount {
                field: "amount",
                value: amount.amount(),
                reason: "must not be negative",
            });
        }
        let base = match opts.discount_base {
            None => amount,
            Some(b) => {
                if b.currency() != amount.currency() {
                    return Err(MoneyError::CurrencyMismatch {
                        left: amount.currency(),
                        right: b.currency(),
                    }
                    .into());
                }
                if b.is_negative() || b.amount() > amount.amount() {
                    return Err(TermsError::InvalidAmount {
                        field: "discount_base",
                        value: b.amount(),
                        reason: "must lie between 0 and the invoice amount",
                    });
                }
                b
            }
        };
        let document = opts.baseline.unwrap_or(invoice_date);
        let baseline = self.baseline_for(document)?;
        let adjust = |d: NaiveDate| -> Result<NaiveDate, TermsError> {
            match opts.calendar {
                Some(cal) => Ok(cal.adjust(d, opts.convention)?),
                None => Ok(d),
            }
        };
        let line = self.line_for(document);
        let mut installments = Vec::new();
        let mut discounts = Vec::new();
        match &line.body {
            TermBody::Standard {
                discounts: tiers,
                net,
            } => {
                installments.push(ScheduledInstallment {
                    number: 1,
                    percent: Decimal::ONE_HUNDRED,
                    due_date: adjust(net.due_date(baseline)?)?,
                    amount,
                });
                for t in tiers {
                    let disc = base.checked_percent(t.percent, opts.rounding)?;
                    discounts.push(ScheduledDiscount {
                        percent: t.percent,
                        deadline: adjust(t.within.due_date(baseline)?)?,
                        amount: disc,
                        amount_to_settle: amount.checked_sub(&disc)?,
                    });
                }
            }
            TermBody::Installments { installments: list } => {
                let weights: Vec<Decimal> = list.iter().map(|i| i.percent).collect();
                let parts = amount.allocate(&weights)?;
                for (n, (inst, part)) in list.iter().zip(parts).enumerate() {
                    installments.push(ScheduledInstallment {
                        number: n as u32 + 1,
                        percent: inst.percent,
                        due_date: adjust(inst.due.due_date(baseline)?)?,
                        amount: part,
                    });
                }
            }
        }
        Ok(Schedule {
            invoice_date,
            baseline,
            amount,
            discount_base: base,
            installments,
            discounts,
        })
    }
}

impl PaymentTerms {
    /// What paying the whole invoice on `payment_date` means: the discount
    /// earned, the amount that settles it, the days late. Shorthand for
    /// `self.schedule(invoice_date, amount, opts)?.settlement(payment_date)`.
    ///
    /// ```
    /// use credit_core::money::{Currency, Money};
    /// use credit_core::terms::{PaymentTerms, ScheduleOptions};
    /// use chrono::NaiveDate;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// let eur = Currency::iso("EUR").unwrap();
    /// let t = PaymentTerms::parse("2/10 Net 30").unwrap();
    /// let st = t.settlement(d("2026-01-31"), Money::parse("1000.00", eur).unwrap(), &ScheduleOptions::default(), d("2026-02-10")).unwrap();
    /// assert_eq!(st.amount_to_settle.amount().to_string(), "980.00");
    /// ```
    ///
    /// # Errors
    /// As [`PaymentTerms::schedule`].
    pub fn settlement(
        &self,
        invoice_date: NaiveDate,
        amount: Money,
        opts: &ScheduleOptions<'_>,
        payment_date: NaiveDate,
    ) -> Result<Settlement, TermsError> {
        Ok(self
            .schedule(invoice_date, amount, opts)?
            .settlement(payment_date))
    }
}

/// Options for [`PaymentTerms::schedule`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ScheduleOptions<'a> {
    /// The document date the baseline comes from, if not the invoice date
    /// (e.g. the delivery date); the term's [`TermBaseline`] and cut-off day
    /// then apply to it.
    pub baseline: Option<NaiveDate>,
    /// The discountable part of the invoice (e.g. the amount before tax);
    /// the whole amount if `None`.
    pub discount_base: Option<Money>,
    /// A calendar to move every computed date to a business day.
    pub calendar: Option<&'a BusinessCalendar>,
    /// The convention used with `calendar` (unadjusted by default, which
    /// leaves dates as computed). The preceding conventions may move a date
    /// before the baseline, and a discount deadline onto the same day as the
    /// net date; the order of dates is never reversed.
    pub convention: BusinessDayConvention,
    /// How discount amounts are rounded to the minor unit (half-even by default).
    pub rounding: RoundingMode,
}

/// One installment of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledInstallment {
    /// 1-based position.
    pub number: u32,
    /// Percent of the invoice.
    #[serde(with = "crate::serde_decimal")]
    pub percent: Decimal,
    /// Due date (adjusted if a calendar was given).
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Amount due.
    pub amount: Money,
}

/// One discount tier of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledDiscount {
    /// Percent of the discount base.
    #[serde(with = "crate::serde_decimal")]
    pub percent: Decimal,
    /// Last day (inclusive) to pay and earn it.
    #[serde(with = "crate::serde_date")]
    pub deadline: NaiveDate,
    /// The discount amount.
    pub amount: Money,
    /// What settles the invoice when paid by the deadline.
    pub amount_to_settle: Money,
}

/// An invoice's schedule under its payment terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The invoice date.
    #[serde(with = "crate::serde_date")]
    pub invoice_date: NaiveDate,
    /// The baseline all periods ran from (after the term's cut-off day and
    /// baseline rule).
    #[serde(with = "crate::serde_date")]
    pub baseline: NaiveDate,
    /// The invoice amount.
    pub amount: Money,
    /// The amount discounts are computed on.
    pub discount_base: Money,
    /// Installments (one for standard terms), in due-date order; amounts
    /// sum exactly to `amount`.
    pub installments: Vec<ScheduledInstallment>,
    /// Discount tiers, earliest deadline first.
    pub discounts: Vec<ScheduledDiscount>,
}

/// What paying the whole invoice on a date means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// The payment date.
    #[serde(with = "crate::serde_date")]
    pub payment_date: NaiveDate,
    /// Percent of the discount earned, if any.
    #[serde(with = "crate::serde_decimal::option")]
    pub discount_percent: Option<Decimal>,
    /// Discount earned (zero if none).
    pub discount: Money,
    /// Amount that settles the invoice.
    pub amount_to_settle: Money,
    /// Days after the net due date (0 if on time).
    pub days_late: i64,
    /// Installments whose due date is before the payment date.
    pub installments_overdue: u32,
}

impl Schedule {
    /// The net due date: the last installment's due date.
    pub fn net_due_date(&self) -> NaiveDate {
        self.installments
            .last()
            .map(|i| i.due_date)
            .unwrap_or(self.baseline)
    }

    /// The best discount a payment on `date` earns (deadlines inclusive).
    pub fn discount_on(&self, date: NaiveDate) -> Option<&ScheduledDiscount> {
        // Tiers are validated to have decreasing percents, so the first
        // tier still open is the best one.
        self.discounts.iter().find(|d| date <= d.deadline)
    }

    /// Days from the net due date to `date` (0 if not after it).
    pub fn days_late(&self, date: NaiveDate) -> i64 {
        (date - self.net_due_date()).num_days().max(0)
    }

    /// Paying the whole invoice on `date`: discount earned, amount that
    /// settles it, days late.
    pub fn settlement(&self, date: NaiveDate) -> Settlement {
        let disc = self.discount_on(date);
        Settlement {
            payment_date: date,
            discount_percent: disc.map(|d| d.percent),
            discount: disc
                .map(|d| d.amount)
                .unwrap_or(Money::zero(self.amount.currency())),
            amount_to_settle: disc.map(|d| d.amount_to_settle).unwrap_or(self.amount),
            days_late: self.days_late(date),
            installments_overdue: self
                .installments
                .iter()
                .filter(|i| i.due_date < date)
                .count() as u32,
        }
    }
}

fn fmt_percent(p: Decimal) -> String {
    p.normalize().to_string()
}

impl fmt::Display for TermBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermBody::Standard { discounts, net } => {
                for (i, t) in discounts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}/", fmt_percent(t.percent))?;
                    t.within.fmt_rule(f)?;
                }
                if let Some(last) = discounts.last() {
                    // A single plain tier before a "Net" rule reads "2/10 Net 30";
                    // otherwise a comma (always after an EOM tier, so the EOM
                    // dating shorthand never applies to displayed terms).
                    let eom = matches!(last.within, DueRule::DaysAfterMonthEnd { .. });
                    let net_word = matches!(
                        net,
                        DueRule::DaysAfter { .. }
                            | DueRule::DaysAfterMonthEnd { .. }
                            | DueRule::DaysThenMonthEnd { .. }
                    );
                    f.write_str(if discounts.len() == 1 && !eom && net_word {
                        " "
                    } else {
                        ", "
                    })?;
                }
                net.fmt_net(f)
            }
            TermBody::Installments { installments } => {
                for (i, inst) in installments.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}% ", fmt_percent(inst.percent))?;
                    inst.due.fmt_net(f)?;
                }
                Ok(())
            }
        }
    }
}

/// The canonical notation; `PaymentTerms::parse(&t.to_string()) == Ok(t)`.
impl fmt::Display for PaymentTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lines.len() == 1 {
            self.lines[0].body.fmt(f)?;
        } else {
            let mut from = 1;
            for (i, l) in self.lines.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "Day {}-{}: {}", from, l.up_to_day, l.body)?;
                from = l.up_to_day + 1;
            }
        }
        let mut options = Vec::new();
        if self.baseline == TermBaseline::EndOfMonth {
            options.push("baseline end of month".to_string());
        }
        if let Some(c) = self.eom_cutoff_day {
            options.push(format!("cut-off day {c}"));
        }
        if !options.is_empty() {
            write!(f, " ({})", options.join(", "))?;
        }
        Ok(())
    }
}

/// Parses the trade notation, case- and space-insensitively.
///
/// Grammar (`N` a whole number, `P` a decimal percent):
///
/// ```text
/// terms       := (line | dayline (";" dayline)*) [options]
/// options     := "(" option ("," option)* ")"
/// option      := "baseline" ("end of month" | "invoice date")
///              | "cut-off day" N
/// dayline     := "Day" N "-" N ":" line
/// line        := installment ("," installment)*
///              | (discount [","])* net
/// installment := P "%" net
/// discount    := P "/" rule
/// net         := ("Net" | "n/") rule | "Due on receipt" | N "Prox"
///              | "Day" N "of month" "+" N
/// rule        := N ["days"] ["EOM" | "then EOM" | "Prox"]
///              | "Day" N "of month" "+" N
/// ```
impl std::str::FromStr for PaymentTerms {
    type Err = TermsError;
    fn from_str(s: &str) -> Result<Self, TermsError> {
        PaymentTerms::parse(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Word(String),
    Sym(char),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number {n}"),
            Tok::Word(w) => format!("{w:?}"),
            Tok::Sym(c) => format!("{c:?}"),
            Tok::End => "end of text".into(),
        }
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
}

impl Parser {
    fn new(text: &str) -> Result<Self, ParseError> {
        let chars: Vec<char> = text.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_digit() {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                toks.push((Tok::Num(chars[start..i].iter().collect()), start));
            } else if c.is_ascii_alphabetic() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let w: String = chars[start..i]
                    .iter()
                    .collect::<String>()
                    .to_ascii_lowercase();
                toks.push((Tok::Word(w), start));
            } else if "/,%;:-+()".contains(c) {
                toks.push((Tok::Sym(c), i));
                i += 1;
            } else {
                return Err(ParseError {
                    position: i,
                    expected: "a number, a word or one of / , % ; : - + ( )".into(),
                    found: format!("{c:?}"),
                });
            }
        }
        toks.push((Tok::End, chars.len()));
        Ok(Parser { toks, i: 0 })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.i.min(self.toks.len() - 1)].0
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].0
    }

    fn pos(&self) -> usize {
        self.toks[self.i.min(self.toks.len() - 1)].1
    }

    fn err<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            position: self.pos(),
            expected: expected.into(),
            found: self.peek().describe(),
        })
    }

    fn bump(&mut self) {
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }

    fn is_sym(&self, c: char) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == c)
    }

    fn word(&mut self, w: &str) -> Result<(), ParseError> {
        if self.is_word(w) {
            self.bump();
            Ok(())
        } else {
            self.err(&format!("{w:?}"))
        }
    }

    fn sym(&mut self, c: char) -> Result<(), ParseError> {
        if self.is_sym(c) {
            self.bump();
            Ok(())
        } else {
            self.err(&format!("{c:?}"))
        }
    }

    fn int(&mut self, what: &str) -> Result<u32, ParseError> {
        if let Tok::Num(n) = self.peek() {
            if let Ok(v) = n.parse::<u32>() {
                self.bump();
                return Ok(v);
            }
        }
        self.err(what)
    }

    fn percent(&mut self) -> Result<Decimal, ParseError> {
        if let Tok::Num(n) = self.peek() {
            if let Ok(v) = crate::money::parse_decimal("percent", n) {
                self.bump();
                return Ok(v);
            }
        }
        self.err("a percentage such as 2 or 1.5")
    }

    fn terms(&mut self) -> Result<(Vec<TermLine>, TermBaseline, Option<u32>), ParseError> {
        let lines = if self.is_word("day") && matches!(self.peek_at(2), Tok::Sym('-')) {
            let mut lines = Vec::new();
            let mut expect_from = 1;
            loop {
                self.word("day")?;
                let from_pos = self.pos();
                let from = self.int("the first day of the range")?;
                if from != expect_from {
                    return Err(ParseError {
                        position: from_pos,
                        expected: format!(
                            "day {expect_from} (ranges must follow each other from day 1)"
                        ),
                        found: format!("day {from}"),
                    });
                }
                self.sym('-')?;
                let to = self.int("the last day of the range")?;
                self.sym(':')?;
                let body = self.line()?;
                lines.push(TermLine {
                    up_to_day: to,
                    body,
                });
                expect_from = to.saturating_add(1);
                if self.is_sym(';') {
                    self.bump();
                } else {
                    break;
                }
            }
            lines
        } else {
            vec![TermLine {
                up_to_day: 31,
                body: self.line()?,
            }]
        };
        let (mut baseline, mut cutoff) = (TermBaseline::InvoiceDate, None);
        if self.is_sym('(') {
            self.bump();
            loop {
                if self.is_word("baseline") {
                    self.bump();
                    if self.is_word("invoice") {
                        self.bump();
                        self.word("date")?;
                        baseline = TermBaseline::InvoiceDate;
                    } else {
                        self.word("end")?;
                        self.word("of")?;
                        self.word("month")?;
                        baseline = TermBaseline::EndOfMonth;
                    }
                } else if self.is_word("cut") {
                    self.bump();
                    self.sym('-')?;
                    self.word("off")?;
                    self.word("day")?;
                    cutoff = Some(self.int("a cut-off day of the month")?);
                } else {
                    return self.err(
                        "'baseline end of month', 'baseline invoice date' or 'cut-off day N'",
                    );
                }
                if self.is_sym(',') {
                    self.bump();
                } else {
                    break;
                }
            }
            self.sym(')')?;
        }
        if *self.peek() != Tok::End {
            return self.err("end of text");
        }
        Ok((lines, baseline, cutoff))
    }

    fn line(&mut self) -> Result<TermBody, ParseError> {
        if matches!(self.peek(), Tok::Num(_)) && matches!(self.peek_at(1), Tok::Sym('%')) {
            let mut installments = Vec::new();
            loop {
                let percent = self.percent()?;
                self.sym('%')?;
                let due = self.net()?;
                installments.push(Installment { percent, due });
                if self.is_sym(',') {
                    self.bump();
                } else {
                    break;
                }
            }
            return Ok(TermBody::Installments { installments });
        }
        let mut discounts = Vec::new();
        let mut eom_shorthand = false;
        while matches!(self.peek(), Tok::Num(_)) && matches!(self.peek_at(1), Tok::Sym('/')) {
            let percent = self.percent()?;
            self.sym('/')?;
            let within = self.rule()?;
            discounts.push(DiscountTier { percent, within });
            eom_shorthand = false;
            if self.is_sym(',') {
                self.bump();
            } else if matches!(within, DueRule::DaysAfterMonthEnd { .. }) {
                eom_shorthand = true;
            }
        }
        let mut net = self.net()?;
        if eom_shorthand {
            if let DueRule::DaysAfter { days } = net {
                net = DueRule::DaysAfterMonthEnd { days };
            }
        }
        Ok(TermBody::Standard { discounts, net })
    }

    fn net(&mut self) -> Result<DueRule, ParseError> {
        const EXPECTED: &str =
            "'Net', 'Due on receipt', 'N Prox', 'Day N of month +M' or a discount such as '2/10'";
        match self.peek().clone() {
            Tok::Word(w) if w == "net" => {
                self.bump();
                self.rule()
            }
            Tok::Word(w) if w == "n" && matches!(self.peek_at(1), Tok::Sym('/')) => {
                self.bump();
                self.bump();
                self.rule()
            }
            Tok::Word(w) if w == "due" => {
                self.bump();
                self.word("on")?;
                self.word("receipt")?;
                Ok(DueRule::OnReceipt)
            }
            Tok::Word(w) if w == "day" => self.rule(),
            Tok::Num(_) if matches!(self.peek_at(1), Tok::Word(w) if w == "prox") => self.rule(),
            _ => self.err(EXPECTED),
        }
    }

    fn rule(&mut self) -> Result<DueRule, ParseError> {
        if self.is_word("day") {
            self.bump();
            let day = self.int("a day of month")?;
            self.word("of")?;
            self.word("month")?;
            self.sym('+')?;
            let months = self.int("a number of months")?;
            return Ok(DueRule::DayOfMonth { day, months });
        }
        let n = self.int("a number of days")?;
        if self.is_word("days") {
            self.bump();
        }
        if self.is_word("eom") {
            self.bump();
            Ok(DueRule::DaysAfterMonthEnd { days: n })
        } else if self.is_word("then") {
            self.bump();
            self.word("eom")?;
            Ok(DueRule::DaysThenMonthEnd { days: n })
        } else if self.is_word("prox") {
            self.bump();
            Ok(DueRule::DayOfMonth { day: n, months: 1 })
        } else if n == 0 {
            Ok(DueRule::OnReceipt)
        } else {
            Ok(DueRule::DaysAfter { days: n })
        }
    }
}

impl crate::error::Classify for ParseError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Parse
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::{int, text};
        vec![
            ("position", int(self.position)),
            ("expected", text(&self.expected)),
            ("found", text(&self.found)),
        ]
    }
}

impl crate::error::Classify for TermsError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            TermsError::Parse(p) => p.kind(),
            TermsError::Money(m) => m.kind(),
            TermsError::Calendar(c) => c.kind(),
            _ => crate::error::ErrorKind::Validation,
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            TermsError::Parse(p) => p.details(),
            TermsError::Money(m) => m.details(),
            TermsError::Calendar(c) => c.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
