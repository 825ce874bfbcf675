//! Payment plans: installment schedules for an amount owed, interest,
//! fees, a payment waterfall, status and early payoff as of any date.
//!
//! **Schedules.** The amount financed is the principal less any down
//! payment. Methods:
//!
//! * `annuity` — equal installments of principal + interest. The level
//!   payment is the closed form `A = P · r / (1 − (1 + r)^−n)` for a
//!   periodic rate `r > 0` (the ordinary-annuity present-value formula; e.g.
//!   Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2, or
//!   any amortization table), `A = P / n` at zero rate, rounded to the
//!   currency's minor unit (half-even); each period's interest is the
//!   balance times the period's rate as one exact product (the rate kept
//!   as a fraction — annual rate ÷ (100 × periods per year), or annual rate
//!   × days ÷ the day count's year — never divided first), rounded once,
//!   half-even, so an exact half cent is a half cent; principal = `A` −
//!   interest;
//!   the last installment takes the remaining balance, so the principal
//!   parts sum exactly to `P` and the balance ends at exactly zero;
//! * `equal_principal` — the principal split in equal parts, interest on
//!   the declining balance on top;
//! * `equal_split` — interest-free equal parts;
//! * `custom` — principal parts by percentages (summing to 100) or amounts
//!   (summing to `P`), interest on the declining balance.
//!
//! Split parts are cut to minor units toward zero; the remainder goes to
//! the last installment by default, or the first (`remainder`).
//!
//! **Interest periods.** `per_period`: the periodic rate is the nominal
//! annual rate divided by the periods per year (52 weekly, 26 every two
//! weeks, 12 monthly, 4 quarterly, 2 semi-annual, 1 annual, 365 / N every N days). `actual_days`:
//! the period's rate is the annual rate times the day-count year fraction
//! between consecutive due dates (ISDA 2006 §4.16: Act/365F, Act/360,
//! 30/360…); the annuity's level payment then uses the nominal periodic
//! rate and the last installment absorbs the difference.
//!
//! **Payments** are allocated by the waterfall: components in the plan's
//! order (default penalties → fees → interest → principal), oldest
//! installment first, either component by component across all due
//! installments (`by_component`) or installment by installment
//! (`by_installment`). Installments not yet due are paid in schedule order
//! after every due one; anything left is unapplied credit.
//!
//! **Late fees.** An installment not fully paid by the end of its due date
//! plus the grace days is *missed*: once, on the next day, it is charged
//! the late fee (fixed, or a percent of the missed amount, capped).
//!
//! **Status as of a date** replays the payments dated on or before it.

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{BusinessCalendar, BusinessDayConvention, DayCount};
use crate::money::{round_dp, Currency, RoundingMode};

/// Errors of payment plans.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A term of the plan out of range or inconsistent.
    #[error("invalid plan field {field}: {value} ({reason})")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// A payment that cannot apply.
    #[error("invalid payment: {0}")]
    Payment(String),
    /// The plan is cancelled or rescheduled.
    #[error("the plan is {0}")]
    Closed(&'static str),
    /// Arithmetic overflow or a date past the calendar.
    #[error("arithmetic overflow or date out of range in {0}")]
    Overflow(&'static str),
}

fn bad(field: &'static str, value: impl ToString, reason: impl Into<String>) -> PlanError {
    PlanError::InvalidField {
        field,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// What a plan's due dates are counted from. Each due date is its anchor
/// plus a whole number of periods, the day clipped to the month's end —
/// never chained from the previous due date, so a clipped day does not
/// stick. The two differ for monthly and longer frequencies when the
/// first due date was clipped: a plan starting on 31 January pays on
/// 28 February, then
///
/// * [`Anchor::FirstDue`] (default): the 28th of every month (first due +
///   k months: the day of the first due date);
/// * [`Anchor::Start`]: 31 March, 30 April, 31 May… (start + k months,
///   clipped: python-dateutil's `start + relativedelta(months=k)`, and
///   the roll day of swap schedules: every period end on the start's day
///   of the month).
///
/// Day-based frequencies (weekly, every N days) give the same dates
/// either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Due date k = first due date + (k − 1) periods. The default.
    #[default]
    FirstDue,
    /// Due date k = start + k periods (no separate first due date).
    Start,
}

impl Anchor {
    fn is_first_due(&self) -> bool {
        *self == Anchor::FirstDue
    }
}

/// How often installments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Biweekly,
    /// Every calendar month (counted from the plan's [`Anchor`], clipped
    /// to month ends).
    Monthly,
    /// Every 3 calendar months.
    Quarterly,
    /// Every 6 calendar months.
    SemiAnnual,
    /// Every 12 calendar months.
    Annual,
    /// Every N days.
    Days(u32),
}

impl Frequency {
    /// The `k`-th date after `anchor` (k = 0 is the anchor).
    pub fn nth(self, anchor: NaiveDate, k: u32) -> Option<NaiveDate> {
        let days = |n: u64| anchor.checked_add_days(chrono::Days::new(n));
        match self {
            Frequency::Weekly => days(7 * u64::from(k)),
            Frequency::Biweekly => days(14 * u64::from(k)),
            Frequency::Days(n) => days(u64::from(n) * u64::from(k)),
            Frequency::Monthly => add_months(anchor, k),
            Frequency::Quarterly => add_months(anchor, 3 * k),
            Frequency::SemiAnnual => add_months(anchor, 6 * k),
            Frequency::Annual => add_months(anchor, 12 * k),
        }
    }

    /// Periods per year for the per-period rate: 52, 26, 12, 4, 2, 1,
    /// 365 / N.
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "365 divided by a day count of at least 1 is at most 365"
    )]
    pub fn periods_per_year(self) -> Decimal {
        match self {
            Frequency::Weekly => Decimal::from(52),
            Frequency::Biweekly => Decimal::from(26),
            Frequency::Monthly => Decimal::from(12),
            Frequency::Quarterly => Decimal::from(4),
            Frequency::SemiAnnual => Decimal::from(2),
            Frequency::Annual => Decimal::ONE,
            Frequency::Days(n) => Decimal::from(365) / Decimal::from(n.max(1)),
        }
    }
}

/// How principal is repaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal installments of principal + interest.
    Annuity,
    /// Equal principal parts, interest on top (declining installments).
    EqualPrincipal,
    /// Interest-free equal parts.
    EqualSplit,
    /// Principal parts by percent of the amount financed (sum 100).
    CustomPercents(#[serde(with = "crate::serde_decimal::vec")] Vec<Decimal>),
    /// Principal parts as amounts (sum = amount financed).
    CustomAmounts(#[serde(with = "crate::serde_decimal::vec")] Vec<Decimal>),
}

/// How a period's interest rate is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodRate {
    /// Annual rate / periods per year.
    #[default]
    PerPeriod,
    /// Annual rate × day-count fraction between due dates.
    ActualDays,
}

/// Which installment takes the rounding remainder of split principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// The last installment.
    #[default]
    Last,
    /// The first installment.
    First,
}

/// A fee: a fixed amount or a percent (of the amount financed for a set-up
/// fee, of the missed amount for a late fee), optionally capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Fixed amount.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub fixed: Option<Decimal>,
    /// Percent.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent: Option<Decimal>,
    /// Cap on the fee.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cap: Option<Decimal>,
}

impl Fee {
    /// The fee on `base` in minor units of `mu` decimals (fixed + percent,
    /// rounded half-even, capped).
    fn units(&self, base: i128, mu: u32) -> Result<i128, PlanError> {
        let mut f = self.fixed.unwrap_or_default();
        if let Some(p) = self.percent {
            let b = Decimal::from_i128_with_scale(base, mu);
            f = b
                .checked_mul(p)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .and_then(|x| f.checked_add(x))
                .ok_or(PlanError::Overflow("fee"))?;
        }
        if let Some(c) = self.cap {
            f = f.min(c);
        }
        units(f, mu)
    }

    fn validate(&self, field: &'static str) -> Result<(), PlanError> {
        for v in [self.fixed, self.percent, self.cap].into_iter().flatten() {
            if v.is_sign_negative() && !v.is_zero() {
                return Err(bad(field, v, "fee figures must not be negative"));
            }
        }
        if self.fixed.is_none() && self.percent.is_none() {
            return Err(bad(field, "{}", "a fee needs a fixed amount or a percent"));
        }
        Ok(())
    }
}

/// The late fee on a missed installment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateFee {
    /// The fee (percent of the missed amount).
    pub fee: Fee,
    /// Days after the due date before an unpaid installment counts as missed.
    #[serde(default)]
    pub grace_days: u32,
}

/// A discount on early payoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoffDiscount {
    /// Percent of the interest still owed that is waived.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent_of_interest: Option<Decimal>,
    /// A fixed amount waived (at most the interest owed).
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub fixed: Option<Decimal>,
    /// Paid off on or before this date to earn it.
    #[serde(with = "crate::serde_date")]
    pub deadline: NaiveDate,
}

/// A component of an installment, for the waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Late fees charged on missed installments.
    Penalty,
    /// Scheduled fees (set-up fee).
    Fee,
    /// Scheduled interest.
    Interest,
    /// Principal.
    Principal,
}

/// Waterfall order across installments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaterfallBy {
    /// Each component across all due installments (oldest first) before the
    /// next component.
    #[default]
    ByComponent,
    /// Each due installment in full (components in order) before the next.
    ByInstallment,
}

fn default_waterfall() -> Vec<Component> {
    vec![
        Component::Penalty,
        Component::Fee,
        Component::Interest,
        Component::Principal,
    ]
}

/// When a late plan counts as broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokenRule {
    /// Broken once this many installments are missed (0 = never by count).
    #[serde(default)]
    pub missed_installments: u32,
    /// Broken once an installment is this many days late (0 = never by days).
    #[serde(default)]
    pub days_late: u32,
}

/// The terms of a payment plan (serde JSON; decimals as strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTerms {
    /// Currency.
    pub currency: Currency,
    /// Amount owed (before any down payment).
    #[serde(with = "crate::serde_decimal")]
    pub principal: Decimal,
    /// Plan start: interest runs from here; the down payment is due here.
    #[serde(with = "crate::serde_date")]
    pub start: NaiveDate,
    /// Installment frequency.
    pub frequency: Frequency,
    /// Number of installments (or give `installment_amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<u32>,
    /// A fixed installment amount (annuity: the level payment; split
    /// methods: the principal part); the count follows.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installment_amount: Option<Decimal>,
    /// Down payment due on the start date.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub down_payment: Option<Decimal>,
    /// First installment's due date (default: one period after the start).
    #[serde(
        with = "crate::serde_date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub first_due: Option<NaiveDate>,
    /// What the due dates of monthly and longer frequencies are counted
    /// from: the first due date (default) or the start (see [`Anchor`]).
    #[serde(default, skip_serializing_if = "Anchor::is_first_due")]
    pub anchor: Anchor,
    /// Calendar for moving due dates to business days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<BusinessCalendar>,
    /// Business-day convention for due dates (with a calendar).
    #[serde(default)]
    pub convention: BusinessDayConvention,
    /// Repayment method.
    pub method: Method,
    /// Nominal annual interest rate in percent (e.g. `"6"`).
    #[serde(default, with = "crate::serde_decimal")]
    pub annual_rate: Decimal,
    /// Day count for `actual_days` periods and accrued interest.
    #[serde(default = "act365")]
    pub day_count: DayCount,
    /// How a period's rate is found.
    #[serde(default)]
    pub period_rate: PeriodRate,
    /// Which installment takes the rounding remainder of split principal.
    #[serde(default)]
    pub remainder: Remainder,
    /// Set-up fee, due with the first installment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_fee: Option<Fee>,
    /// Late fee per missed installment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee: Option<LateFee>,
    /// Early-payoff discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payoff_discount: Option<PayoffDiscount>,
    /// Waterfall component order.
    #[serde(default = "default_waterfall")]
    pub waterfall: Vec<Component>,
    /// Waterfall across installments.
    #[serde(default)]
    pub waterfall_by: WaterfallBy,
    /// When the plan counts as broken.
    #[serde(default)]
    pub broken: BrokenRule,
    /// Open items the plan covers (excluded from dunning while it runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoices: Vec<crate::customer::InvoiceId>,
}

fn act365() -> DayCount {
    DayCount::Act365Fixed
}

/// One installment of a schedule. Installment 0 is the down payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInstallment {
    /// Number (0 = down payment, then 1..).
    pub number: u32,
    /// Due date.
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Principal part.
    #[serde(with = "crate::serde_decimal")]
    pub principal: Decimal,
    /// Interest part.
    #[serde(with = "crate::serde_decimal")]
    pub interest: Decimal,
    /// Scheduled fees.
    #[serde(with = "crate::serde_decimal")]
    pub fee: Decimal,
    /// Principal + interest + fee.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// Principal outstanding after this installment.
    #[serde(with = "crate::serde_decimal")]
    pub balance_after: Decimal,
}

/// A payment against a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPayment {
    /// Date received.
    #[serde(with = "crate::serde_date")]
    pub date: NaiveDate,
    /// Amount.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
}

/// Whether the plan still runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PlanState {
    /// Running.
    Active,
    /// Cancelled on a date.
    Cancelled {
        /// Date.
        #[serde(with = "crate::serde_date")]
        on: NaiveDate,
    },
    /// The remainder was rescheduled into another plan on a date.
    Rescheduled {
        /// Date.
        #[serde(with = "crate::serde_date")]
        on: NaiveDate,
    },
}

/// A payment plan: terms, schedule, payments and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentPlan {
    /// Terms.
    pub terms: PlanTerms,
    /// The schedule.
    pub schedule: Vec<PlanInstallment>,
    /// Payments received, in date order.
    pub payments: Vec<PlanPayment>,
    /// State.
    pub state: PlanState,
}

/// Minor units of a decimal at `mu` decimals (must already be at most that
/// precise).
fn units(d: Decimal, mu: u32) -> Result<i128, PlanError> {
    // Already at most `mu` decimals (the common case): no rounding needed.
    let r = if d.scale() <= mu {
        d
    } else {
        round_dp(d, mu, RoundingMode::HalfEven)
    };
    crate::money::units_of(r, mu).ok_or(PlanError::Overflow("minor units"))
}

fn exact_units(field: &'static str, d: Decimal, mu: u32) -> Result<i128, PlanError> {
    if d.normalize().scale() > mu {
        return Err(bad(
            field,
            d,
            format!("at most {mu} decimals for the currency"),
        ));
    }
    units(d, mu)
}

/// `u` minor units as a decimal with `mu` decimals; an overflow error
/// beyond the 96 bits a `Decimal` holds (a sum of huge amounts), never a
/// panic.
fn dec(u: i128, mu: u32) -> Result<Decimal, PlanError> {
    match i64::try_from(u) {
        Ok(v) => Ok(Decimal::new(v, mu)),
        Err(_) => {
            Decimal::try_from_i128_with_scale(u, mu).map_err(|_| PlanError::Overflow("amount"))
        }
    }
}

/// Interest in minor units: `balance × rate`, rounded half-even — exact
/// integer arithmetic when the product fits in 128 bits (always, for real
/// rates and balances), else through `Decimal`.
fn interest_units(balance: i128, rate: Frac, mu: u32) -> Result<i128, PlanError> {
    let (m, sc) = (rate.num.mantissa(), rate.num.scale());
    let exact = balance
        .checked_mul(m)
        .and_then(|p| p.checked_mul(rate.mul))
        .zip(10i128.checked_pow(sc).and_then(|d| d.checked_mul(rate.den)));
    if let Some((p, d)) = exact {
        if d <= 0 {
            return Err(PlanError::Overflow("interest"));
        }
        // Half-even on the remainder (balance, rate and time are ≥ 0).
        let (q, r) = (p / d, p % d);
        let twice = r * 2;
        let q = if twice > d || (twice == d && q % 2 != 0) {
            q + 1
        } else {
            q
        };
        return Ok(q);
    }
    // Beyond 128 bits: balance × rate × mul exactly, then one division.
    let whole = |v: i128| Decimal::try_from_i128_with_scale(v, 0).ok();
    let x = dec(balance, mu)?
        .checked_mul(rate.num)
        .zip(whole(rate.mul))
        .and_then(|(x, m)| x.checked_mul(m))
        .zip(whole(rate.den))
        .and_then(|(x, d)| x.checked_div(d))
        .ok_or(PlanError::Overflow("interest"))?;
    let x = round_dp(x, mu, RoundingMode::HalfEven);
    units(x, mu)
}

/// `anchor` plus `months` calendar months, the day clipped to the month's
/// end (chrono's rule, without its general-purpose path).
fn add_months(anchor: NaiveDate, months: u32) -> Option<NaiveDate> {
    let total = anchor.year() as i64 * 12 + i64::from(anchor.month0()) + i64::from(months);
    let (y, m0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    let y = i32::try_from(y).ok()?;
    let last = match m0 + 1 {
        2 => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    NaiveDate::from_ymd_opt(y, m0 + 1, anchor.day().min(last))
}

impl PlanTerms {
    fn validate(&self) -> Result<u32, PlanError> {
        let mu = self.currency.minor_units();
        let p = exact_units("principal", self.principal, mu)?;
        if p <= 0 {
            return Err(bad("principal", self.principal, "must be positive"));
        }
        if self.annual_rate.is_sign_negative() && !self.annual_rate.is_zero() {
            return Err(bad("annual_rate", self.annual_rate, "must not be negative"));
        }
        if self.annual_rate > Decimal::ONE_THOUSAND {
            return Err(bad(
                "annual_rate",
                self.annual_rate,
                "at most 1000 (percent)",
            ));
        }
        if let Frequency::Days(0) = self.frequency {
            return Err(bad("frequency", "days 0", "at least one day"));
        }
        if let Some(d) = self.down_payment {
            let u = exact_units("down_payment", d, mu)?;
            if u < 0 || u >= p {
                return Err(bad(
                    "down_payment",
                    d,
                    "between 0 and the principal (exclusive)",
                ));
            }
        }
        if let Some(f) = self.first_due {
            if f < self.start {
                return Err(bad("first_due", f, "on or after the start"));
            }
            if self.anchor == Anchor::Start {
                return Err(bad(
                    "anchor",
                    "start",
                    "a plan anchored on its start falls due one period after it: give no first_due",
                ));
            }
        }
        if let Some(f) = &self.setup_fee {
            f.validate("setup_fee")?;
        }
        if let Some(f) = &self.late_fee {
            f.fee.validate("late_fee")?;
        }
        let mut seen = 0u8;
        let mut twice = false;
        for c in &self.waterfall {
            let bit = 1u8 << (*c as u8);
            twice |= seen & bit != 0;
            seen |= bit;
        }
        if twice || seen & (1u8 << (Component::Principal as u8)) == 0 {
            return Err(bad(
                "waterfall",
                format!("{:?}", self.waterfall),
                "each component at most once, principal included",
            ));
        }
        match (self.installments, self.installment_amount) {
            (Some(n), None) => {
                if n == 0 || n > 1200 {
                    return Err(bad("installments", n, "1 to 1200"));
                }
                Ok(n)
            }
            (None, Some(a)) => {
                let u = exact_units("installment_amount", a, mu)?;
                if u <= 0 {
                    return Err(bad("installment_amount", a, "must be positive"));
                }
                if matches!(
                    self.method,
                    Method::CustomPercents(_) | Method::CustomAmounts(_)
                ) {
                    return Err(bad(
                        "installment_amount",
                        a,
                        "custom methods give their own parts",
                    ));
                }
                Ok(0)
            }
            (Some(n), Some(a)) => Err(bad(
                "installment_amount",
                a,
                format!("give installments ({n}) or an installment amount, not both"),
            )),
            (None, None) => match &self.method {
                Method::CustomPercents(v) | Method::CustomAmounts(v) => Ok(v.len() as u32),
                _ => Err(bad(
                    "installments",
                    "absent",
                    "give installments or installment_amount",
                )),
            },
        }
    }

    fn anchor(&self) -> Result<NaiveDate, PlanError> {
        match self.first_due {
            Some(f) => Ok(f),
            None => self
                .frequency
                .nth(self.start, 1)
                .ok_or(PlanError::Overflow("due dates")),
        }
    }

    fn due_date(&self, anchor: NaiveDate, k: u32) -> Result<NaiveDate, PlanError> {
        let d = match self.anchor {
            Anchor::FirstDue => self.frequency.nth(anchor, k - 1),
            Anchor::Start => self.frequency.nth(self.start, k),
        }
        .ok_or(PlanError::Overflow("due dates"))?;
        match &self.calendar {
            Some(c) => c
                .adjust(d, self.convention)
                .map_err(|_| PlanError::Overflow("due dates")),
            None => Ok(d),
        }
    }

    /// The nominal periodic rate (a fraction, not percent), as a decimal:
    /// for the annuity's level payment, whose closed form is not exact
    /// anyway (it is rounded once, to the minor unit).
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "the annual rate is validated to at most 1000 (%): its quotients cannot overflow"
    )]
    fn periodic_rate(&self) -> Decimal {
        self.annual_rate / Decimal::ONE_HUNDRED / self.frequency.periods_per_year()
    }

    /// The nominal periodic rate as an exact fraction: annual rate ÷ (100 ×
    /// periods per year), with 365 / N periods for every N days.
    fn periodic_frac(&self) -> Frac {
        let (per, per_den) = match self.frequency {
            Frequency::Weekly => (52, 1),
            Frequency::Biweekly => (26, 1),
            Frequency::Monthly => (12, 1),
            Frequency::Quarterly => (4, 1),
            Frequency::SemiAnnual => (2, 1),
            Frequency::Annual => (1, 1),
            Frequency::Days(n) => (365, i128::from(n)),
        };
        Frac {
            num: self.annual_rate,
            mul: per_den,
            den: 100 * per,
        }
    }

    /// A period's rate as an exact fraction: the nominal one, or the annual
    /// rate × the day-count year fraction from `from` to `to`.
    fn period_frac(&self, nominal: Frac, from: NaiveDate, to: NaiveDate) -> Frac {
        match self.period_rate {
            PeriodRate::PerPeriod => nominal,
            PeriodRate::ActualDays => self.days_frac(from, to),
        }
    }

    /// annual rate × year fraction from `from` to `to`, exactly.
    fn days_frac(&self, from: NaiveDate, to: NaiveDate) -> Frac {
        let (n, d) = self.day_count.year_fraction_exact(from, to);
        Frac {
            num: self.annual_rate,
            mul: n,
            den: 100 * d,
        }
    }
}

/// A rate as an exact fraction `num × mul / den` (`num` the rate in percent
/// as given, `mul` and `den` whole numbers), so that interest is one exact
/// product of balance, rate and time, divided and rounded once: an exact
/// half cent (3000.00 × 4.99 % ÷ 12 = 12.475) is then a half cent, not
/// 12.4749… from a rate divided first.
#[derive(Debug, Clone, Copy)]
struct Frac {
    num: Decimal,
    mul: i128,
    den: i128,
}

impl Frac {
    const ZERO: Frac = Frac {
        num: Decimal::ZERO,
        mul: 0,
        den: 1,
    };
}

/// Splits `total` units into parts proportional to nothing: `n` equal parts
/// (or the given parts) cut toward zero, remainder to the first or last.
fn place_remainder(parts: &mut [i128], total: i128, rem: Remainder) {
    let sum: i128 = parts.iter().sum();
    let left = total - sum;
    let i = match rem {
        Remainder::Last => parts.len() - 1,
        Remainder::First => 0,
    };
    parts[i] += left;
}

impl PaymentPlan {
    /// Builds a plan's schedule from its terms.
    ///
    /// # Errors
    /// [`PlanError::InvalidField`] naming the term: a non-positive
    /// principal, more decimals than the currency has, a negative rate, a
    /// down payment not below the principal, percentages not summing to 100
    /// or amounts not to the amount financed, both or neither of
    /// `installments` and `installment_amount`, an installment amount that
    /// never repays the debt; [`PlanError::Overflow`].
    pub fn new(terms: PlanTerms) -> Result<Self, PlanError> {
        let n0 = terms.validate()?;
        let mu = terms.currency.minor_units();
        let total = units(terms.principal, mu)?;
        let down = match terms.down_payment {
            Some(d) => units(d, mu)?,
            None => 0,
        };
        let financed = total - down;
        let mut schedule = Vec::with_capacity(n0 as usize + 1);
        if down > 0 {
            schedule.push(PlanInstallment {
                number: 0,
                due_date: terms.start,
                principal: dec(down, mu)?,
                interest: dec(0, mu)?,
                fee: dec(0, mu)?,
                total: dec(down, mu)?,
                balance_after: dec(financed, mu)?,
            });
        }
        // Principal parts for split methods; None for an annuity.
        let rate0 = terms.periodic_rate();
        let frac0 = terms.periodic_frac();
        let (principals, level): (Option<Vec<i128>>, Option<i128>) =
            match (&terms.method, terms.installment_amount) {
                (Method::Annuity, None) => {
                    let n = n0;
                    let a = if rate0.is_zero() {
                        // Equal parts; the last takes the rest.
                        financed / i128::from(n)
                    } else {
                        let one = Decimal::ONE
                            .checked_add(rate0)
                            .ok_or(PlanError::Overflow("annuity factor"))?;
                        let mut q = Decimal::ONE;
                        for _ in 0..n {
                            q = q
                                .checked_mul(one)
                                .ok_or(PlanError::Overflow("annuity factor"))?;
                        }
                        let a = dec(financed, mu)?
                            .checked_mul(rate0)
                            .and_then(|x| x.checked_mul(q))
                            .and_then(|x| x.checked_div(q.checked_sub(Decimal::ONE)?))
                            .ok_or(PlanError::Overflow("annuity payment"))?;
                        units(a, mu)?
                    };
                    (None, Some(a))
                }
                (Method::Annuity, Some(a)) => (None, Some(units(a, mu)?)),
                (Method::EqualPrincipal | Method::EqualSplit, None) => {
                    let n = i128::from(n0);
                    let mut parts = vec![financed / n; n0 as usize];
                    place_remainder(&mut parts, financed, terms.remainder);
                    (Some(parts), None)
                }
                (Method::EqualPrincipal | Method::EqualSplit, Some(a)) => {
                    let a = units(a, mu)?;
                    let n = (financed + a - 1) / a;
                    if n > 1200 {
                        return Err(bad(
                            "installment_amount",
                            dec(a, mu)?,
                            "more than 1200 installments",
                        ));
                    }
                    let mut parts = vec![a; n as usize];
                    let last = parts.len() - 1;
                    parts[last] = financed - a * (n - 1);
                    (Some(parts), None)
                }
                (Method::CustomPercents(p), _) => {
                    // A sum past the decimal limit is not 100 either.
                    let sum = p
                        .iter()
                        .try_fold(Decimal::ZERO, |a, x| a.checked_add(*x))
                        .unwrap_or(Decimal::MAX);
                    if sum != Decimal::ONE_HUNDRED || p.iter().any(|x| x.is_sign_negative()) {
                        return Err(bad(
                            "method.custom_percents",
                            sum,
                            "non-negative percents summing to 100",
                        ));
                    }
                    let mut parts = Vec::with_capacity(p.len());
                    for x in p {
                        let v = dec(financed, mu)?
                            .checked_mul(*x)
                            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
                            .ok_or(PlanError::Overflow("custom parts"))?;
                        parts.push(units(v.trunc_with_scale(mu), mu)?);
                    }
                    place_remainder(&mut parts, financed, terms.remainder);
                    (Some(parts), None)
                }
                (Method::CustomAmounts(a), _) => {
                    let mut parts = Vec::with_capacity(a.len());
                    for x in a {
                        parts.push(exact_units("method.custom_amounts", *x, mu)?);
                    }
                    if parts.iter().sum::<i128>() != financed || parts.iter().any(|x| *x < 0) {
                        return Err(bad(
                            "method.custom_amounts",
                            dec(parts.iter().sum(), mu)?,
                            format!(
                                "non-negative amounts summing to the amount financed {}",
                                dec(financed, mu)?
                            ),
                        ));
                    }
                    (Some(parts), None)
                }
            };
        let no_interest = matches!(terms.method, Method::EqualSplit);
        let setup = match &terms.setup_fee {
            Some(f) => f.units(financed, mu)?,
            None => 0,
        };
        let mut balance = financed;
        let mut prev = terms.start;
        let anchor = terms.anchor()?;
        let mut k = 1u32;
        // Σ installment totals, so the plan's sums (evaluate) fit a Decimal.
        let mut grand_total = 0i128;
        loop {
            let due = terms.due_date(anchor, k)?;
            let rate = if no_interest {
                Frac::ZERO
            } else {
                terms.period_frac(frac0, prev, due)
            };
            let interest = interest_units(balance, rate, mu)?;
            let principal = match (&principals, level) {
                (Some(parts), _) => parts[(k - 1) as usize],
                (None, Some(a)) => {
                    let last = n0 > 0 && k == n0;
                    if last || a - interest >= balance {
                        balance
                    } else {
                        let p = a - interest;
                        if p <= 0 {
                            return Err(bad(
                                "installment_amount",
                                dec(a, mu)?,
                                "does not cover the interest: the debt would never be repaid",
                            ));
                        }
                        p
                    }
                }
                (None, None) => return Err(PlanError::Overflow("schedule")),
            };
            balance -= principal;
            let fee = if k == 1 { setup } else { 0 };
            schedule.push(PlanInstallment {
                number: k,
                due_date: due,
                principal: dec(principal, mu)?,
                interest: dec(interest, mu)?,
                fee: dec(fee, mu)?,
                total: dec(principal + interest + fee, mu)?,
                balance_after: dec(balance, mu)?,
            });
            grand_total = grand_total
                .checked_add(principal + interest + fee)
                .ok_or(PlanError::Overflow("schedule total"))?;
            dec(grand_total, mu)?;
            prev = due;
            let done = match &principals {
                Some(parts) => k as usize == parts.len(),
                None => balance == 0,
            };
            if done {
                break;
            }
            k += 1;
            if k > 1200 {
                return Err(bad(
                    "installment_amount",
                    "too small",
                    "more than 1200 installments",
                ));
            }
        }
        Ok(PaymentPlan {
            terms,
            schedule,
            payments: Vec::new(),
            state: PlanState::Active,
        })
    }

    /// Reads a plan's terms from JSON and builds it.
    ///
    /// # Errors
    /// [`PlanError::InvalidField`] for malformed JSON (field `terms`) and
    /// everything [`PaymentPlan::new`] checks.
    pub fn from_terms_json(text: &str) -> Result<Self, PlanError> {
        // The bounded reader, so a wrong field is named by its path.
        let t: PlanTerms =
            crate::json::from_str("plan terms", text, &crate::bounds::Bounds::DEFAULT).map_err(
                |e| match e {
                    crate::json::DocumentError::Invalid { path, message, .. } => {
                        bad("terms", "JSON", format!("{path}: {message}"))
                    }
                    other => bad("terms", "JSON", other.to_string()),
                },
            )?;
        Self::new(t)
    }

    fn mu(&self) -> u32 {
        self.terms.currency.minor_units()
    }

    /// Records a payment. Payments may arrive in any date order; status
    /// replays them by date.
    ///
    /// # Errors
    /// [`PlanError::Payment`] for a non-positive amount or more decimals
    /// than the currency; [`PlanError::Closed`] on a cancelled or
    /// rescheduled plan when the payment is dated on or after its end.
    pub fn apply_payment(&mut self, date: NaiveDate, amount: Decimal) -> Result<(), PlanError> {
        let mu = self.mu();
        let u = exact_units("amount", amount, mu).map_err(|e| PlanError::Payment(e.to_string()))?;
        if u <= 0 {
            return Err(PlanError::Payment(format!(
                "amount {amount} must be positive"
            )));
        }
        match self.state {
            PlanState::Cancelled { on } if date >= on => {
                return Err(PlanError::Closed("cancelled"))
            }
            PlanState::Rescheduled { on } if date >= on => {
                return Err(PlanError::Closed("rescheduled"))
            }
            _ => {}
        }
        let pos = self.payments.partition_point(|p| p.date <= date);
        self.payments.insert(
            pos,
            PlanPayment {
                date,
                amount: dec(u, mu)?,
            },
        );
        Ok(())
    }

    /// Cancels the plan on a date.
    pub fn cancel(&mut self, on: NaiveDate) {
        self.state = PlanState::Cancelled { on };
    }

    /// Total scheduled interest.
    pub fn total_interest(&self) -> Decimal {
        Self::sum_of(self.schedule.iter().map(|i| i.interest))
    }

    /// A sum of a schedule's non-negative parts. `new` refuses a schedule
    /// whose installments do not sum within a `Decimal`, so this never
    /// saturates on a plan it built.
    fn sum_of(parts: impl Iterator<Item = Decimal>) -> Decimal {
        parts.fold(Decimal::ZERO, Decimal::saturating_add)
    }

    /// Evaluates the plan: total interest, total fees, total cost, total of
    /// installments and the effective annual rate.
    pub fn evaluate(&self) -> PlanEvaluation {
        let interest = self.total_interest();
        let fees = Self::sum_of(self.schedule.iter().map(|i| i.fee));
        let paid = Self::sum_of(self.schedule.iter().map(|i| i.total));
        PlanEvaluation {
            total_interest: interest,
            total_fees: fees,
            total_cost: interest.saturating_add(fees),
            total_payments: paid,
            effective_annual_rate: self.effective_annual_rate(),
        }
    }

    /// The effective annual rate: the rate `i` at which the installments,
    /// discounted as `(1 + i)^(−days/365)` from the start, are worth the
    /// amount owed (an XIRR with Actual/365 time). Found by bisection to
    /// 1e-10; a ratio, not money, so a float.
    pub fn effective_annual_rate(&self) -> Option<f64> {
        let p = self.terms.principal.to_f64()?;
        let flows: Vec<(f64, f64)> = self
            .schedule
            .iter()
            .map(|i| {
                let t = (i.due_date - self.terms.start).num_days() as f64 / 365.0;
                (t, i.total.to_f64().unwrap_or(0.0))
            })
            .collect();
        let npv = |r: f64| -> f64 {
            flows
                .iter()
                .map(|(t, a)| a / (1.0 + r).powf(*t))
                .sum::<f64>()
                - p
        };
        let (mut lo, mut hi) = (-0.99, 100.0);
        if npv(lo) < 0.0 || npv(hi) > 0.0 {
            return None;
        }
        for _ in 0..200 {
            let mid = (lo + hi) / 2.0;
            if npv(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-12 {
                break;
            }
        }
        Some((lo + hi) / 2.0)
    }
}

/// A plan's cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEvaluation {
    /// Scheduled interest.
    #[serde(with = "crate::serde_decimal")]
    pub total_interest: Decimal,
    /// Scheduled fees.
    #[serde(with = "crate::serde_decimal")]
    pub total_fees: Decimal,
    /// Interest + fees.
    #[serde(with = "crate::serde_decimal")]
    pub total_cost: Decimal,
    /// Sum of installments (down payment included).
    #[serde(with = "crate::serde_decimal")]
    pub total_payments: Decimal,
    /// Effective annual rate (fraction), if it can be found.
    pub effective_annual_rate: Option<f64>,
}

/// One installment's position as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentStatus {
    /// Number.
    pub number: u32,
    /// Due date.
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Scheduled total plus penalties charged.
    #[serde(with = "crate::serde_decimal")]
    pub due: Decimal,
    /// Paid so far.
    #[serde(with = "crate::serde_decimal")]
    pub paid: Decimal,
    /// Still to pay.
    #[serde(with = "crate::serde_decimal")]
    pub outstanding: Decimal,
    /// Outstanding and past its due date.
    #[serde(with = "crate::serde_decimal")]
    pub overdue: Decimal,
    /// Late fees charged.
    #[serde(with = "crate::serde_decimal")]
    pub penalty: Decimal,
    /// Days past the due date while outstanding (0 if not overdue).
    pub days_late: i64,
    /// Whether it was missed (unpaid after the grace days).
    pub missed: bool,
    /// Outstanding per component: penalty, fee, interest, principal.
    #[serde(with = "crate::serde_decimal::vec")]
    pub outstanding_by_component: Vec<Decimal>,
}

/// A plan's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PlanStatusKind {
    /// Nothing overdue.
    Current,
    /// Something overdue, not (yet) broken.
    Late {
        /// Days the oldest overdue installment is late.
        days: i64,
    },
    /// Broken by the plan's rule.
    Broken,
    /// Everything paid.
    Completed,
    /// Cancelled.
    Cancelled,
    /// Rescheduled into another plan.
    Rescheduled,
}

/// A plan as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStatus {
    /// The date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Status.
    pub status: PlanStatusKind,
    /// Installments.
    pub installments: Vec<InstallmentStatus>,
    /// Paid in total.
    #[serde(with = "crate::serde_decimal")]
    pub paid: Decimal,
    /// Outstanding in total (due or not).
    #[serde(with = "crate::serde_decimal")]
    pub outstanding: Decimal,
    /// Overdue in total.
    #[serde(with = "crate::serde_decimal")]
    pub overdue: Decimal,
    /// Payments beyond everything owed.
    #[serde(with = "crate::serde_decimal")]
    pub unapplied: Decimal,
    /// Installments missed.
    pub missed: u32,
}

/// Replay state of one installment: outstanding units per component slot
/// (penalty, fee, interest, principal), paid units, penalty charged.
#[derive(Clone)]
struct Slot {
    out: [i128; 4],
    paid: i128,
    penalty: i128,
    missed: bool,
    settled_on: Option<NaiveDate>,
}

fn comp_index(c: Component) -> usize {
    match c {
        Component::Penalty => 0,
        Component::Fee => 1,
        Component::Interest => 2,
        Component::Principal => 3,
    }
}

impl PaymentPlan {
    fn grace(&self) -> u32 {
        self.terms.late_fee.as_ref().map_or(0, |l| l.grace_days)
    }

    /// The day an installment counts as missed if still unpaid.
    fn miss_day(&self, due: NaiveDate) -> Option<NaiveDate> {
        due.checked_add_days(chrono::Days::new(u64::from(self.grace()) + 1))
    }

    /// Replays payments dated on or before `as_of`; returns the slots and
    /// the unapplied credit.
    fn replay(&self, as_of: NaiveDate) -> Result<(Vec<Slot>, i128), PlanError> {
        let mu = self.mu();
        let mut slots: Vec<Slot> = self
            .schedule
            .iter()
            .map(|i| {
                Ok(Slot {
                    out: [
                        0,
                        units(i.fee, mu)?,
                        units(i.interest, mu)?,
                        units(i.principal, mu)?,
                    ],
                    paid: 0,
                    penalty: 0,
                    missed: false,
                    settled_on: None,
                })
            })
            .collect::<Result<_, PlanError>>()?;
        let mut unapplied = 0i128;
        let assess = |slots: &mut Vec<Slot>, day: NaiveDate| -> Result<(), PlanError> {
            // Installments whose miss day has come, unpaid: charge once.
            for (i, inst) in self.schedule.iter().enumerate() {
                let s = &mut slots[i];
                if s.missed {
                    continue;
                }
                let Some(m) = self.miss_day(inst.due_date) else {
                    continue;
                };
                let owed: i128 = s.out.iter().sum();
                if m <= day && owed > 0 {
                    s.missed = true;
                    if let Some(l) = &self.terms.late_fee {
                        let f = l.fee.units(owed, mu)?;
                        s.out[0] += f;
                        s.penalty += f;
                    }
                }
            }
            Ok(())
        };
        for p in self.payments.iter().filter(|p| p.date <= as_of) {
            assess(&mut slots, p.date)?;
            let mut left = units(p.amount, mu)?;
            let due: Vec<usize> = (0..slots.len())
                .filter(|&i| self.schedule[i].due_date <= p.date)
                .collect();
            let future: Vec<usize> = (0..slots.len())
                .filter(|&i| self.schedule[i].due_date > p.date)
                .collect();
            let take = |s: &mut Slot, c: usize, left: &mut i128| {
                let t = s.out[c].min(*left);
                s.out[c] -= t;
                s.paid += t;
                *left -= t;
                if s.out.iter().all(|x| *x == 0) && s.settled_on.is_none() {
                    s.settled_on = Some(p.date);
                }
            };
            match self.terms.waterfall_by {
                WaterfallBy::ByComponent => {
                    for c in &self.terms.waterfall {
                        for &i in &due {
                            take(&mut slots[i], comp_index(*c), &mut left);
                        }
                    }
                }
                WaterfallBy::ByInstallment => {
                    for &i in &due {
                        for c in &self.terms.waterfall {
                            take(&mut slots[i], comp_index(*c), &mut left);
                        }
                    }
                }
            }
            for &i in &future {
                for c in &self.terms.waterfall {
                    take(&mut slots[i], comp_index(*c), &mut left);
                }
            }
            unapplied += left;
        }
        assess(&mut slots, as_of)?;
        Ok((slots, unapplied))
    }

    /// The plan as of a date: each installment's due, paid, outstanding and
    /// overdue parts, late fees charged, and the plan's status.
    ///
    /// # Errors
    /// [`PlanError::Overflow`].
    pub fn status(&self, as_of: NaiveDate) -> Result<PlanStatus, PlanError> {
        let mu = self.mu();
        let (slots, unapplied) = self.replay(as_of)?;
        let mut out = Vec::with_capacity(slots.len());
        let (mut paid, mut outstanding, mut overdue) = (0i128, 0i128, 0i128);
        let mut missed = 0u32;
        let mut max_late = 0i64;
        for (inst, s) in self.schedule.iter().zip(&slots) {
            let owed: i128 = s.out.iter().sum();
            let late = inst.due_date < as_of && owed > 0;
            let days = if late {
                (as_of - inst.due_date).num_days()
            } else {
                0
            };
            max_late = max_late.max(days);
            missed += u32::from(s.missed);
            paid += s.paid;
            outstanding += owed;
            if late {
                overdue += owed;
            }
            out.push(InstallmentStatus {
                number: inst.number,
                due_date: inst.due_date,
                due: dec(units(inst.total, mu)? + s.penalty, mu)?,
                paid: dec(s.paid, mu)?,
                outstanding: dec(owed, mu)?,
                overdue: dec(if late { owed } else { 0 }, mu)?,
                penalty: dec(s.penalty, mu)?,
                days_late: days,
                missed: s.missed,
                outstanding_by_component: s
                    .out
                    .iter()
                    .map(|u| dec(*u, mu))
                    .collect::<Result<_, _>>()?,
            });
        }
        let rule = self.terms.broken;
        let status = match self.state {
            PlanState::Cancelled { on } if on <= as_of => PlanStatusKind::Cancelled,
            PlanState::Rescheduled { on } if on <= as_of => PlanStatusKind::Rescheduled,
            _ if outstanding == 0 => PlanStatusKind::Completed,
            _ if (rule.missed_installments > 0 && missed >= rule.missed_installments)
                || (rule.days_late > 0 && max_late >= i64::from(rule.days_late)) =>
            {
                PlanStatusKind::Broken
            }
            _ if overdue > 0 => PlanStatusKind::Late { days: max_late },
            _ => PlanStatusKind::Current,
        };
        Ok(PlanStatus {
            as_of,
            status,
            installments: out,
            paid: dec(paid, mu)?,
            outstanding: dec(outstanding, mu)?,
            overdue: dec(overdue, mu)?,
            unapplied: dec(unapplied, mu)?,
            missed,
        })
    }

    /// What paying the plan off on `as_of` costs: outstanding principal,
    /// interest due and unpaid, interest accrued since the last due date on
    /// the principal outstanding (annual rate × day-count fraction), unpaid
    /// fees and late fees, less the payoff discount if `as_of` is on or
    /// before its deadline.
    ///
    /// # Errors
    /// [`PlanError::Overflow`].
    pub fn payoff(&self, as_of: NaiveDate) -> Result<Payoff, PlanError> {
        let mu = self.mu();
        let (slots, _) = self.replay(as_of)?;
        let mut principal = 0i128;
        let mut interest_due = 0i128;
        let mut fees = 0i128;
        let mut last_due = self.terms.start;
        for (inst, s) in self.schedule.iter().zip(&slots) {
            principal += s.out[3];
            fees += s.out[0] + s.out[1];
            if inst.due_date <= as_of {
                interest_due += s.out[2];
                last_due = last_due.max(inst.due_date);
            } else if inst.number > 0 {
                // Future scheduled fees are not owed on payoff.
                fees -= s.out[1];
            }
        }
        let accrued = if matches!(self.terms.method, Method::EqualSplit) || as_of <= last_due {
            0
        } else {
            interest_units(principal, self.terms.days_frac(last_due, as_of), mu)?
        };
        let interest = interest_due + accrued;
        let discount = match &self.terms.payoff_discount {
            Some(d) if as_of <= d.deadline => {
                let mut x = 0i128;
                if let Some(p) = d.percent_of_interest {
                    let d = crate::money::mul_round(
                        dec(interest, mu)?,
                        p,
                        2,
                        mu,
                        RoundingMode::HalfEven,
                    )
                    .ok_or(PlanError::Overflow("payoff discount"))?;
                    x += units(d, mu)?;
                }
                if let Some(f) = d.fixed {
                    x += units(f, mu)?;
                }
                x.min(interest)
            }
            _ => 0,
        };
        Ok(Payoff {
            as_of,
            principal: dec(principal, mu)?,
            interest_due: dec(interest_due, mu)?,
            accrued_interest: dec(accrued, mu)?,
            fees: dec(fees, mu)?,
            discount: dec(discount, mu)?,
            total: dec(principal + interest + fees - discount, mu)?,
        })
    }

    /// Reschedules what is owed on `on` into a new plan with `terms`: its
    /// principal is what paying off would cost that day before any payoff
    /// discount ([`PaymentPlan::payoff`]: the principal outstanding, the
    /// interest due and unpaid, the interest accrued since the last due
    /// date, and the unpaid fees), so that arrears are capitalised and
    /// interest not yet earned is not. This plan is marked rescheduled and
    /// keeps its history.
    ///
    /// # Errors
    /// As [`PaymentPlan::new`] for the new terms; [`PlanError::Closed`] if
    /// this plan is no longer active; [`PlanError::Payment`] if nothing is
    /// outstanding.
    pub fn reschedule(
        &mut self,
        on: NaiveDate,
        mut terms: PlanTerms,
    ) -> Result<PaymentPlan, PlanError> {
        if self.state != PlanState::Active {
            return Err(PlanError::Closed("no longer active"));
        }
        let owed = self.payoff(on)?;
        let owed = owed
            .principal
            .checked_add(owed.interest_due)
            .and_then(|x| x.checked_add(owed.accrued_interest))
            .and_then(|x| x.checked_add(owed.fees))
            .ok_or(PlanError::Overflow("rescheduled amount"))?;
        if owed.is_zero() {
            return Err(PlanError::Payment(
                "nothing outstanding to reschedule".into(),
            ));
        }
        terms.principal = owed;
        terms.currency = self.terms.currency;
        if terms.invoices.is_empty() {
            terms.invoices = self.terms.invoices.clone();
        }
        let next = PaymentPlan::new(terms)?;
        self.state = PlanState::Rescheduled { on };
        Ok(next)
    }

    /// Proposes a plan for `amount`: with `max_installment`, the schedule
    /// whose installments do not exceed it (level payment for an annuity,
    /// principal part for split methods); otherwise `installments` parts.
    /// The other terms come from `base` (its principal and count are
    /// replaced).
    ///
    /// # Errors
    /// As [`PaymentPlan::new`]; an affordable installment that does not
    /// cover the first period's interest is an error naming it.
    pub fn propose(
        mut base: PlanTerms,
        amount: Decimal,
        max_installment: Option<Decimal>,
        installments: Option<u32>,
    ) -> Result<PaymentPlan, PlanError> {
        base.principal = amount;
        base.installments = installments;
        base.installment_amount = max_installment;
        if max_installment.is_some() && installments.is_some() {
            base.installments = None;
        }
        PaymentPlan::new(base)
    }

    /// The month count of a plan's span, for display.
    pub fn months(&self) -> i32 {
        let last = self
            .schedule
            .last()
            .map_or(self.terms.start, |i| i.due_date);
        (last.year() - self.terms.start.year()) * 12 + last.month() as i32
            - self.terms.start.month() as i32
    }
}

/// The cost of paying a plan off on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payoff {
    /// The date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Principal outstanding.
    #[serde(with = "crate::serde_decimal")]
    pub principal: Decimal,
    /// Scheduled interest due and unpaid.
    #[serde(with = "crate::serde_decimal")]
    pub interest_due: Decimal,
    /// Interest accrued since the last due date.
    #[serde(with = "crate::serde_decimal")]
    pub accrued_interest: Decimal,
    /// Fees and late fees due and unpaid.
    #[serde(with = "crate::serde_decimal")]
    pub fees: Decimal,
    /// Early-payoff discount earned.
    #[serde(with = "crate::serde_decimal")]
    pub discount: Decimal,
    /// Amount to pay.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
}

impl crate::error::Classify for PlanError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            PlanError::InvalidField { .. } => K::Validation,
            PlanError::Payment(_) => K::InvalidPayment,
            PlanError::Closed(_) => K::PlanClosed,
            PlanError::Overflow(_) => K::Overflow,
        }
    }
}

#[cfg(test)]
mod tests;
