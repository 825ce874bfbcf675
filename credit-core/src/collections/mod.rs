//! Late-payment interest, fixed compensation, dunning procedures and
//! collection worklists.
//!
//! **Late interest** is simple interest accruing daily from the day after
//! the due date (after any grace days) up to and including the payment
//! date, on the amount outstanding each day: a partial payment counts for
//! its own day and reduces the base from the next day. The annual rate is a
//! fixed contractual rate, or a reference rate plus a margin in percentage
//! points. With `semi_annual` fixing the reference rate in force on the
//! first calendar day of each half-year (1 January, 1 July) applies for the
//! whole half-year — Directive 2011/7/EU art. 2(12) and German BGB §247(1)
//! with §288(2) (base rate + 9 points between businesses); with
//! `semi_annual_day_before` the rate in force on 31 December / 30 June
//! applies (UK Late Payment of Commercial Debts (Rate of Interest) (No. 3)
//! Order 2002: Bank of England base rate + 8 points). `daily` fixing uses
//! the rate in force each day. Each period of constant base and rate
//! accrues `base × rate × year fraction` (the policy's day count, ISDA 2006
//! §4.16); rounding is per day (each day's interest rounded to the minor
//! unit, then summed) or once on the total.
//!
//! **Compensation** is a fixed amount per late invoice from a table of
//! tiers by invoice amount: Directive 2011/7/EU art. 6(1) sets a minimum of
//! EUR 40 per late payment; the UK Act (s. 5A, as amended in 2002) uses
//! £40 below £1,000, £70 below £10,000 and £100 above. The table is data:
//! the policy states the law it follows.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::DayCount;
use crate::customer::{CustomerId, InvoiceId, RiskClass};
use crate::money::{round_dp, Currency, RoundingMode};

mod notice;
mod run;
pub use notice::{notice_for, promise_state, PromiseState, PromiseStatus};
pub(crate) use run::{dunning_run, promises, worklist};

/// Errors of late interest and dunning computations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollectionsError {
    /// A policy figure out of range.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidField {
        /// The field.
        field: String,
        /// The value.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// No reference rate is known for a date.
    #[error("no reference rate in force on {0}")]
    NoRate(NaiveDate),
    /// Arithmetic overflow.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// The ledger side of a run: a missing FX rate, an overflow.
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
}

/// A reference-rate series: (effective from, annual rate in percent),
/// e.g. the ECB main refinancing rate or a central bank's base rate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RateSeries(pub Vec<RatePoint>);

/// A rate in force from a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatePoint {
    /// In force from this date.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// Annual rate in percent.
    #[serde(with = "crate::serde_decimal")]
    pub rate: Decimal,
}

impl RateSeries {
    /// The rate in force on `d`.
    pub fn on(&self, d: NaiveDate) -> Option<Decimal> {
        let i = self.0.partition_point(|p| p.from <= d);
        (i > 0).then(|| self.0[i - 1].rate)
    }
}

/// Which reference rate applies on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fixing {
    /// The rate in force on the first day of the half-year (1 Jan / 1 Jul).
    #[default]
    SemiAnnual,
    /// The rate in force on the day before the half-year (31 Dec / 30 Jun).
    SemiAnnualDayBefore,
    /// The rate in force that day.
    Daily,
}

/// The annual rate of late interest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestBasis {
    /// A fixed contractual annual rate in percent.
    Fixed(#[serde(with = "crate::serde_decimal")] Decimal),
    /// A reference rate plus a margin in percentage points.
    Reference {
        /// The series.
        series: RateSeries,
        /// Margin in percentage points (e.g. `"9"`).
        #[serde(with = "crate::serde_decimal")]
        margin: Decimal,
        /// Fixing rule.
        #[serde(default)]
        fixing: Fixing,
    },
}

/// Rounding of late interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestRounding {
    /// Each day's interest rounded to the minor unit, then summed.
    PerDay,
    /// The exact total rounded once.
    #[default]
    Total,
}

/// Late-interest policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateInterestPolicy {
    /// The annual rate.
    pub basis: InterestBasis,
    /// Day count (default Actual/365 Fixed).
    #[serde(default = "act365")]
    pub day_count: DayCount,
    /// Days after the due date before interest starts.
    #[serde(default)]
    pub grace_days: u32,
    /// Rounding.
    #[serde(default)]
    pub rounding: InterestRounding,
}

fn act365() -> DayCount {
    DayCount::Act365Fixed
}

/// One period of constant base and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestPeriod {
    /// First day accruing.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// Last day accruing (inclusive).
    #[serde(with = "crate::serde_date")]
    pub to: NaiveDate,
    /// Days.
    pub days: i64,
    /// Amount outstanding.
    #[serde(with = "crate::serde_decimal")]
    pub base: Decimal,
    /// Annual rate in percent.
    #[serde(with = "crate::serde_decimal")]
    pub rate: Decimal,
    /// Interest of the period (rounded per the policy; with `total`
    /// rounding the periods' exact amounts are shown rounded, the total is
    /// rounded once).
    #[serde(with = "crate::serde_decimal")]
    pub interest: Decimal,
}

/// Late interest on one debt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateInterest {
    /// Periods.
    pub periods: Vec<InterestPeriod>,
    /// Total interest.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
}

impl LateInterestPolicy {
    /// Validates the policy.
    ///
    /// # Errors
    /// [`CollectionsError::InvalidField`] for a negative rate or margin, an
    /// empty or unsorted series.
    pub fn validate(&self, field: &str) -> Result<(), CollectionsError> {
        let bad = |f: &str, v: String, reason| CollectionsError::InvalidField {
            field: format!("{field}.{f}"),
            value: v,
            reason,
        };
        match &self.basis {
            InterestBasis::Fixed(r) => {
                if r.is_sign_negative() && !r.is_zero() {
                    return Err(bad("basis.fixed", r.to_string(), "must not be negative"));
                }
            }
            InterestBasis::Reference { series, margin, .. } => {
                if series.0.is_empty() {
                    return Err(bad(
                        "basis.reference.series",
                        "[]".into(),
                        "at least one rate",
                    ));
                }
                if series.0.windows(2).any(|w| w[0].from >= w[1].from) {
                    return Err(bad(
                        "basis.reference.series",
                        "dates".into(),
                        "strictly increasing dates",
                    ));
                }
                if margin.is_sign_negative() && !margin.is_zero() {
                    return Err(bad(
                        "basis.reference.margin",
                        margin.to_string(),
                        "must not be negative",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The annual rate (percent) applying on day `d`.
    ///
    /// # Errors
    /// [`CollectionsError::NoRate`] before the series starts.
    pub fn rate_on(&self, d: NaiveDate) -> Result<Decimal, CollectionsError> {
        match &self.basis {
            InterestBasis::Fixed(r) => Ok(*r),
            InterestBasis::Reference {
                series,
                margin,
                fixing,
            } => {
                let fix = match fixing {
                    Fixing::Daily => d,
                    Fixing::SemiAnnual | Fixing::SemiAnnualDayBefore => {
                        let first = NaiveDate::from_ymd_opt(
                            d.year(),
                            if d.month() <= 6 { 1 } else { 7 },
                            1,
                        )
                        .ok_or(CollectionsError::NoRate(d))?;
                        if *fixing == Fixing::SemiAnnual {
                            first
                        } else {
                            first.pred_opt().ok_or(CollectionsError::NoRate(d))?
                        }
                    }
                };
                let r = series.on(fix).ok_or(CollectionsError::NoRate(fix))?;
                r.checked_add(*margin)
                    .ok_or(CollectionsError::Overflow("rate plus margin"))
            }
        }
    }

    /// The next day after `d` on which the rate may change.
    fn next_change(&self, d: NaiveDate) -> Option<NaiveDate> {
        match &self.basis {
            InterestBasis::Fixed(_) => None,
            InterestBasis::Reference { series, fixing, .. } => match fixing {
                Fixing::Daily => series.0.iter().map(|p| p.from).find(|f| *f > d),
                _ => {
                    if d.month() <= 6 {
                        NaiveDate::from_ymd_opt(d.year(), 7, 1)
                    } else {
                        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
                    }
                }
            },
        }
    }

    /// Late interest on `amount` due on `due`, with `payments` (date,
    /// amount) reducing it, accrued up to and including `until` (or the day
    /// the debt is paid off, if earlier). Each period's interest is one
    /// exact product base × rate × days divided once by 100 × the day
    /// count's year, so an exact half cent rounds as one; Act/Act ISDA
    /// counts each accrual day in its own year (ISDA 2006 §4.16(b)).
    ///
    /// # Errors
    /// [`CollectionsError::NoRate`] when the series has no rate for a day;
    /// [`CollectionsError::Overflow`].
    pub fn accrue(
        &self,
        due: NaiveDate,
        amount: Decimal,
        payments: &[(NaiveDate, Decimal)],
        until: NaiveDate,
        currency: Currency,
    ) -> Result<LateInterest, CollectionsError> {
        let mu = currency.minor_units();
        let ov = CollectionsError::Overflow("late interest");
        // Nothing is accepted silently: an amount below zero, or more
        // precise than the currency, is an error naming it (a negative
        // principal earned nothing and a negative payment raised the debt).
        let check = |field: &str, v: Decimal, positive: bool| {
            let bad = |reason| CollectionsError::InvalidField {
                field: field.to_string(),
                value: v.to_string(),
                reason,
            };
            if v.is_sign_negative() && !v.is_zero() || positive && v.is_zero() {
                return Err(bad(if positive {
                    "must be positive"
                } else {
                    "must not be negative"
                }));
            }
            if v.round_dp(mu) != v {
                return Err(bad("has more decimals than the currency"));
            }
            Ok(())
        };
        check("amount", amount, false)?;
        for (k, (_, p)) in payments.iter().enumerate() {
            check(&format!("payments[{k}]"), *p, true)?;
        }
        let start = due
            .checked_add_days(chrono::Days::new(u64::from(self.grace_days) + 1))
            .ok_or(ov.clone())?;
        let mut pays: Vec<(NaiveDate, Decimal)> = payments.to_vec();
        pays.sort_by_key(|p| p.0);
        // Payments before the start reduce the opening base.
        let mut base = amount;
        let mut pi = 0;
        while pi < pays.len() && pays[pi].0 < start {
            base = base.checked_sub(pays[pi].1).ok_or(ov.clone())?;
            pi += 1;
        }
        let mut periods = Vec::new();
        let mut exact_total = Decimal::ZERO;
        let mut rounded_total = Decimal::ZERO;
        let mut day = start;
        while day <= until && base > Decimal::ZERO {
            let rate = self.rate_on(day)?;
            // The period ends at the earliest of: `until`, the day a payment
            // lands (it still accrues on the old base), the day before the
            // rate changes.
            let mut end = until;
            if let Some(p) = pays.get(pi) {
                end = end.min(p.0);
            }
            if let Some(c) = self.next_change(day) {
                end = end.min(c.pred_opt().ok_or(ov.clone())?);
            }
            let days = (end - day).num_days() + 1;
            // Interest on `base` for the accrual days `from ..= to`: one
            // exact product base × rate × days, divided once by 100 × the
            // day count's year (a year fraction divided first lost exact
            // half cents). Act/Act ISDA counts each accrual day in its own
            // year (the period `from .. to + 1`); the other day counts
            // measure from the day before, as the due date is.
            let over = |from: NaiveDate, to: NaiveDate| -> Result<Decimal, CollectionsError> {
                let (n, d) = match self.day_count {
                    DayCount::ActActIsda => self
                        .day_count
                        .year_fraction_exact(from, to.succ_opt().ok_or(ov.clone())?),
                    _ => self
                        .day_count
                        .year_fraction_exact(from.pred_opt().ok_or(ov.clone())?, to),
                };
                let whole = |v: i128| Decimal::try_from_i128_with_scale(v, 0).ok();
                base.checked_mul(rate)
                    .zip(whole(n))
                    .and_then(|(x, n)| x.checked_mul(n))
                    .zip(whole(d).and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED)))
                    .and_then(|(x, d)| x.checked_div(d))
                    .ok_or(ov.clone())
            };
            let (exact, rounded) = match self.rounding {
                InterestRounding::Total => {
                    let x = over(day, end)?;
                    (x, round_dp(x, mu, RoundingMode::HalfEven))
                }
                InterestRounding::PerDay => {
                    let mut sum = Decimal::ZERO;
                    let uniform =
                        matches!(self.day_count, DayCount::Act365Fixed | DayCount::Act360);
                    if uniform {
                        let per = round_dp(over(day, day)?, mu, RoundingMode::HalfEven);
                        sum = per.checked_mul(Decimal::from(days)).ok_or(ov.clone())?;
                    } else {
                        let mut d0 = day;
                        while d0 <= end {
                            let day = round_dp(over(d0, d0)?, mu, RoundingMode::HalfEven);
                            sum = crate::money::add_exact(sum, day).ok_or(ov.clone())?;
                            d0 = d0.succ_opt().ok_or(ov.clone())?;
                        }
                    }
                    (sum, sum)
                }
            };
            exact_total = exact_total.checked_add(exact).ok_or(ov.clone())?;
            rounded_total = crate::money::add_exact(rounded_total, rounded).ok_or(ov.clone())?;
            periods.push(InterestPeriod {
                from: day,
                to: end,
                days,
                base,
                rate,
                interest: rounded,
            });
            // Payments landing on `end` reduce the base from the next day.
            while pi < pays.len() && pays[pi].0 <= end {
                base = base.checked_sub(pays[pi].1).ok_or(ov.clone())?;
                pi += 1;
            }
            day = end.succ_opt().ok_or(ov.clone())?;
        }
        let total = match self.rounding {
            InterestRounding::Total => round_dp(exact_total, mu, RoundingMode::HalfEven),
            InterestRounding::PerDay => rounded_total,
        };
        Ok(LateInterest { periods, total })
    }
}

/// A compensation tier: invoices of at least `min_amount` get `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompensationTier {
    /// Lowest invoice amount of the tier (inclusive).
    #[serde(with = "crate::serde_decimal")]
    pub min_amount: Decimal,
    /// Fixed compensation.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
}

/// The compensation for a late invoice of `amount`: the tier with the
/// highest `min_amount` not above it (zero if none).
pub fn compensation(tiers: &[CompensationTier], amount: Decimal) -> Decimal {
    tiers
        .iter()
        .filter(|t| t.min_amount <= amount)
        .max_by_key(|t| t.min_amount)
        .map_or(Decimal::ZERO, |t| t.amount)
}

/// One level of a dunning procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DunningLevel {
    /// Level number (1 = first reminder), consecutive from 1.
    pub level: u8,
    /// Days past the due date an item needs to reach this level (counted
    /// from the due date; the item must also be past the procedure's grace
    /// days).
    pub min_days_overdue: u32,
    /// Lowest total of a notice at this level (account currency).
    #[serde(default, with = "crate::serde_decimal")]
    pub min_amount: Decimal,
    /// Lowest total as a percent of the open balance.
    #[serde(default, with = "crate::serde_decimal")]
    pub min_percent_of_balance: Decimal,
    /// Fee charged with a notice at this level.
    #[serde(default, with = "crate::serde_decimal")]
    pub fee: Decimal,
    /// Whether late interest is charged with a notice at this level.
    #[serde(default)]
    pub charge_interest: bool,
    /// Whether a notice at this level blocks new orders.
    #[serde(default)]
    pub block_new_orders: bool,
    /// Days since an item's previous notice before it can be dunned again.
    #[serde(default)]
    pub min_interval_days: u32,
}

/// How the worklist ranks customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Overdue amount.
    Overdue,
    /// Σ overdue amount × days overdue.
    #[default]
    OverdueTimesDays,
    /// Overdue amount × probability of default of the risk class.
    OverdueTimesPd,
}

/// Worklist settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorklistPolicy {
    /// Ranking formula.
    #[serde(default)]
    pub priority: Priority,
    /// Probability of default by risk class (percent), for `overdue_times_pd`;
    /// a customer without a class or PD counts 100 %.
    #[serde(with = "crate::serde_decimal::map", default)]
    pub pd_by_class: BTreeMap<RiskClass, Decimal>,
    /// Call the customer once the oldest item is this many days overdue.
    #[serde(default = "call_days")]
    pub call_after_days: u32,
    /// Stop supplying once the oldest item is this many days overdue.
    #[serde(default = "stop_days")]
    pub stop_supply_after_days: u32,
}

fn call_days() -> u32 {
    15
}
fn stop_days() -> u32 {
    90
}

impl Default for WorklistPolicy {
    fn default() -> Self {
        WorklistPolicy {
            priority: Priority::default(),
            pd_by_class: BTreeMap::new(),
            call_after_days: call_days(),
            stop_supply_after_days: stop_days(),
        }
    }
}

/// A dunning procedure (in the policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DunningProcedure {
    /// Days after the due date before an item is overdue for dunning.
    #[serde(default)]
    pub grace_days: u32,
    /// Levels 1, 2, … in order.
    pub levels: Vec<DunningLevel>,
    /// Late interest for levels that charge it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<LateInterestPolicy>,
    /// Fixed compensation per late invoice, charged with its first notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensation: Vec<CompensationTier>,
    /// Collection worklist settings.
    #[serde(default)]
    pub worklist: WorklistPolicy,
}

impl DunningProcedure {
    /// Validates the procedure.
    ///
    /// # Errors
    /// [`CollectionsError::InvalidField`] naming the field: levels not
    /// numbered 1, 2, … or with decreasing days, negative amounts.
    pub fn validate(&self) -> Result<(), CollectionsError> {
        let bad = |field: String, value: String, reason| CollectionsError::InvalidField {
            field,
            value,
            reason,
        };
        if self.levels.is_empty() {
            return Err(bad(
                "dunning.levels".into(),
                "[]".into(),
                "at least one level",
            ));
        }
        for (i, l) in self.levels.iter().enumerate() {
            let f = |w: &str| format!("dunning.levels[{i}].{w}");
            if usize::from(l.level) != i + 1 {
                return Err(bad(
                    f("level"),
                    l.level.to_string(),
                    "levels numbered 1, 2, … in order",
                ));
            }
            if i > 0 && l.min_days_overdue < self.levels[i - 1].min_days_overdue {
                return Err(bad(
                    f("min_days_overdue"),
                    l.min_days_overdue.to_string(),
                    "not below the previous level's",
                ));
            }
            for (w, v) in [
                ("min_amount", l.min_amount),
                ("min_percent_of_balance", l.min_percent_of_balance),
                ("fee", l.fee),
            ] {
                if v.is_sign_negative() && !v.is_zero() {
                    return Err(bad(f(w), v.to_string(), "must not be negative"));
                }
            }
        }
        for (i, t) in self.compensation.iter().enumerate() {
            if t.amount.is_sign_negative() || t.min_amount.is_sign_negative() {
                return Err(bad(
                    format!("dunning.compensation[{i}]"),
                    t.amount.to_string(),
                    "must not be negative",
                ));
            }
        }
        if let Some(i) = &self.interest {
            i.validate("dunning.interest")?;
        }
        Ok(())
    }

    /// The level definition.
    pub fn level(&self, n: u8) -> Option<&DunningLevel> {
        self.levels.get(usize::from(n).checked_sub(1)?)
    }
}

/// A line of a dunning notice: an overdue item or installment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    /// The invoice (or charge).
    pub invoice_id: InvoiceId,
    /// The installment number (1-based) for installment terms.
    pub installment: Option<u32>,
    /// Due date.
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Days past due.
    pub days_overdue: i64,
    /// Amount dunned (open, not disputed, not under a promise).
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Late interest charged with this notice.
    #[serde(with = "crate::serde_decimal")]
    pub interest: Decimal,
    /// Compensation charged with this notice (first notice of an invoice).
    #[serde(with = "crate::serde_decimal")]
    pub compensation: Decimal,
    /// The level the line reaches.
    pub level: u8,
}

/// A proposed dunning notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Customer.
    pub customer: CustomerId,
    /// Segment.
    pub segment: String,
    /// Currency (the account's).
    pub currency: Currency,
    /// Notice level (the highest of its lines).
    pub level: u8,
    /// Lines.
    pub lines: Vec<NoticeLine>,
    /// Sum of the lines' amounts.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Late interest.
    #[serde(with = "crate::serde_decimal")]
    pub interest: Decimal,
    /// Compensation.
    #[serde(with = "crate::serde_decimal")]
    pub compensation: Decimal,
    /// Level fee.
    #[serde(with = "crate::serde_decimal")]
    pub fee: Decimal,
    /// Amount + interest + compensation + fee.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// Whether the level blocks new orders.
    pub block_new_orders: bool,
}

/// Why an overdue item was left out of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Customer.
    pub customer: CustomerId,
    /// The invoice (none: the whole account).
    pub invoice_id: Option<InvoiceId>,
    /// Reason code: `dunning_block`, `disputed`, `promise`, `payment_plan`,
    /// `interval`, `below_minimum`.
    pub reason: String,
}

/// A dunning run: notices proposed as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningRun {
    /// The run's date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Policy id.
    pub policy_id: String,
    /// Notices, by customer then segment.
    pub notices: Vec<Notice>,
    /// Items (or accounts) left out, and why.
    pub excluded: Vec<Exclusion>,
}

/// The next step with a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// A friendly reminder (overdue, no level due yet).
    Reminder,
    /// Call the customer.
    Call,
    /// Send a notice at this level.
    Notice {
        /// Level.
        level: u8,
    },
    /// Stop supplying.
    StopSupply,
}

impl NextAction {
    /// The action's name: `reminder`, `call`, `notice` or `stop_supply`.
    pub fn name(self) -> &'static str {
        match self {
            NextAction::Reminder => "reminder",
            NextAction::Call => "call",
            NextAction::Notice { .. } => "notice",
            NextAction::StopSupply => "stop_supply",
        }
    }

    /// The notice level, for a notice.
    pub fn level(self) -> Option<u8> {
        match self {
            NextAction::Notice { level } => Some(level),
            _ => None,
        }
    }
}

/// `reminder`, `call`, `notice 2`, `stop_supply`.
impl std::fmt::Display for NextAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.level() {
            Some(l) => write!(f, "{} {l}", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// A worklist entry. Serialized flat (a [`Row`](crate::rows::Row)): the
/// next action as `next_action` (its name) and `notice_level` (`null`
/// unless a notice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WorkRow", try_from = "WorkRow")]
pub struct WorkItem {
    /// Collector (`None`: unassigned).
    pub collector: Option<String>,
    /// Customer.
    pub customer: CustomerId,
    /// Currency of the amounts (the worklist's).
    pub currency: Currency,
    /// Overdue amount to collect: undisputed, net of the credits on
    /// account that cover it (as the check reads it, in each account's
    /// credit currency, then converted to the worklist's; see
    /// [`crate::exposure::overdue_lines`]).
    pub overdue: Decimal,
    /// Days the oldest overdue item is past due.
    pub max_days_overdue: i64,
    /// Highest dunning level reached.
    pub dunning_level: u8,
    /// Risk class.
    pub risk_class: Option<RiskClass>,
    /// The priority figure (higher first).
    pub priority: Decimal,
    /// What to do next.
    pub next_action: NextAction,
}

/// [`WorkItem`]'s flat record.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkRow {
    collector: Option<String>,
    customer: CustomerId,
    currency: Currency,
    #[serde(with = "crate::serde_decimal")]
    overdue: Decimal,
    max_days_overdue: i64,
    dunning_level: u8,
    risk_class: Option<RiskClass>,
    #[serde(with = "crate::serde_decimal")]
    priority: Decimal,
    next_action: String,
    notice_level: Option<u8>,
}

impl From<WorkItem> for WorkRow {
    fn from(w: WorkItem) -> Self {
        WorkRow {
            collector: w.collector,
            customer: w.customer,
            currency: w.currency,
            overdue: w.overdue,
            max_days_overdue: w.max_days_overdue,
            dunning_level: w.dunning_level,
            risk_class: w.risk_class,
            priority: w.priority,
            next_action: w.next_action.name().to_string(),
            notice_level: w.next_action.level(),
        }
    }
}

impl TryFrom<WorkRow> for WorkItem {
    type Error = String;

    fn try_from(r: WorkRow) -> Result<Self, String> {
        let next_action = match (r.next_action.as_str(), r.notice_level) {
            ("reminder", None) => NextAction::Reminder,
            ("call", None) => NextAction::Call,
            ("notice", Some(level)) => NextAction::Notice { level },
            ("stop_supply", None) => NextAction::StopSupply,
            (a, l) => {
                return Err(format!(
                    "next_action {a:?} with notice_level {l:?}: expected reminder, call, \
                     stop_supply (no level) or notice (with a level)"
                ))
            }
        };
        Ok(WorkItem {
            collector: r.collector,
            customer: r.customer,
            currency: r.currency,
            overdue: r.overdue,
            max_days_overdue: r.max_days_overdue,
            dunning_level: r.dunning_level,
            risk_class: r.risk_class,
            priority: r.priority,
            next_action,
        })
    }
}

impl crate::rows::Row for WorkItem {
    const COLUMNS: &'static [&'static str] = &[
        "collector",
        "customer",
        "currency",
        "overdue",
        "max_days_overdue",
        "dunning_level",
        "risk_class",
        "priority",
        "next_action",
        "notice_level",
    ];
}

/// One line of a dunning run as a flat record: the notice's customer,
/// segment, level and currency beside the line's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeLineRow<'a> {
    /// Customer.
    pub customer: &'a CustomerId,
    /// Segment.
    pub segment: &'a str,
    /// The notice's level.
    pub notice_level: u8,
    /// The notice's currency.
    pub currency: Currency,
    /// The line.
    #[serde(flatten)]
    pub line: &'a NoticeLine,
}

impl crate::rows::Row for NoticeLineRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "customer",
        "segment",
        "notice_level",
        "currency",
        "invoice_id",
        "installment",
        "due_date",
        "days_overdue",
        "amount",
        "interest",
        "compensation",
        "level",
    ];
}

impl DunningRun {
    /// Every notice line of the run, as flat records, notice by notice.
    pub fn lines(&self) -> Vec<NoticeLineRow<'_>> {
        self.notices
            .iter()
            .flat_map(|n| {
                n.lines.iter().map(move |line| NoticeLineRow {
                    customer: &n.customer,
                    segment: &n.segment,
                    notice_level: n.level,
                    currency: n.currency,
                    line,
                })
            })
            .collect()
    }
}

impl crate::error::Classify for CollectionsError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            CollectionsError::InvalidField { .. } => K::Validation,
            CollectionsError::NoRate(_) => K::NoReferenceRate,
            CollectionsError::Overflow(_) => K::Overflow,
            CollectionsError::Ledger(e) => e.kind(),
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            CollectionsError::Ledger(e) => e.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn m(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn eur() -> Currency {
        Currency::iso("EUR").unwrap()
    }

    fn statutory(fixing: Fixing, rounding: InterestRounding) -> LateInterestPolicy {
        // A base rate of 3.12 % from 2023-07-01, 3.62 % from 2024-01-01 and
        // 3.37 % from 2024-07-01 (the German Basiszinssatz of those
        // half-years), + 9 points.
        LateInterestPolicy {
            basis: InterestBasis::Reference {
                series: RateSeries(vec![
                    RatePoint {
                        from: d("2023-07-01"),
                        rate: m("3.12"),
                    },
                    RatePoint {
                        from: d("2024-01-01"),
                        rate: m("3.62"),
                    },
                    RatePoint {
                        from: d("2024-07-01"),
                        rate: m("3.37"),
                    },
                ]),
                margin: m("9"),
                fixing,
            },
            day_count: DayCount::Act365Fixed,
            grace_days: 0,
            rounding,
        }
    }

    /// Issue 14: interest is one exact product, divided once. 54.75 at a
    /// fixed 10 % for one day, Act/365F: 54.75 × 10 × 1 / 36500 = 0.015
    /// exactly → 0.02 half-even (0.0149… → 0.01 with 1/365 divided
    /// first). Act/Act ISDA counts each accrual day in its own year:
    /// 36600.00 at 10 % accruing only on 2028-01-01 (leap) = 36600 × 0.10
    /// / 366 = 10.00 (10.03 when the day counted in 2027's 365).
    #[test]
    fn interest_is_exact_at_half_cents_and_act_act_counts_the_accrual_day() {
        let fixed = |day_count, rounding| LateInterestPolicy {
            basis: InterestBasis::Fixed(m("10")),
            day_count,
            grace_days: 0,
            rounding,
        };
        for r in [InterestRounding::Total, InterestRounding::PerDay] {
            let li = fixed(DayCount::Act365Fixed, r)
                .accrue(d("2026-03-01"), m("54.75"), &[], d("2026-03-02"), eur())
                .unwrap();
            assert_eq!(li.total, m("0.02"), "{r:?}");
            let li = fixed(DayCount::ActActIsda, r)
                .accrue(d("2027-12-31"), m("36600.00"), &[], d("2028-01-01"), eur())
                .unwrap();
            assert_eq!(li.total, m("10.00"), "{r:?}");
        }
        // Two days across the year end on 36500.00 at 10 %: 12-31 in 2027
        // (× 0.10 / 365 = 10.00) and 01-01 in 2028 (× 0.10 / 366 =
        // 9.97267…): 19.97267… → 19.97.
        let li = fixed(DayCount::ActActIsda, InterestRounding::Total)
            .accrue(d("2027-12-30"), m("36500.00"), &[], d("2028-01-01"), eur())
            .unwrap();
        assert_eq!(li.total, m("19.97"));
    }

    /// Issue 14: a negative principal (silently 0 before), a negative or
    /// zero payment (it raised the debt) and an amount more precise than
    /// the currency are errors naming the field.
    #[test]
    fn late_interest_refuses_what_makes_no_sense() {
        let p = statutory(Fixing::SemiAnnual, InterestRounding::Total);
        let field = |r: Result<LateInterest, CollectionsError>| match r {
            Err(CollectionsError::InvalidField { field, reason, .. }) => {
                format!("{field}: {reason}")
            }
            other => format!("{other:?}"),
        };
        let (due, until) = (d("2024-06-10"), d("2024-07-20"));
        assert_eq!(
            field(p.accrue(due, m("-100.00"), &[], until, eur())),
            "amount: must not be negative"
        );
        assert_eq!(
            field(p.accrue(due, m("100.005"), &[], until, eur())),
            "amount: has more decimals than the currency"
        );
        assert_eq!(
            field(p.accrue(
                due,
                m("100.00"),
                &[(d("2024-06-20"), m("-5.00"))],
                until,
                eur()
            )),
            "payments[0]: must be positive"
        );
        assert_eq!(
            field(p.accrue(due, m("100.00"), &[(d("2024-06-20"), m("0"))], until, eur())),
            "payments[0]: must be positive"
        );
        // Zero owed earns zero, as before.
        assert_eq!(
            p.accrue(due, m("0.00"), &[], until, eur()).unwrap().total,
            m("0")
        );
    }

    #[test]
    fn statutory_interest_across_a_rate_change_and_a_partial_payment() {
        // 10000.00 due 2024-06-10, 4000 paid 2024-06-30, the rest 2024-07-20.
        // 06-11..06-30: 20 days × 10000 × 12.62 % / 365 = 69.1507 → 69.15
        // 07-01..07-20: 20 days ×  6000 × 12.37 % / 365 = 40.6685 → 40.67
        // Total (rounded once): 109.8192 → 109.82.
        let p = statutory(Fixing::SemiAnnual, InterestRounding::Total);
        let li = p
            .accrue(
                d("2024-06-10"),
                m("10000.00"),
                &[
                    (d("2024-06-30"), m("4000.00")),
                    (d("2024-07-20"), m("6000.00")),
                ],
                d("2024-12-31"),
                eur(),
            )
            .unwrap();
        assert_eq!(li.periods.len(), 2);
        assert_eq!(
            (li.periods[0].days, li.periods[0].base, li.periods[0].rate),
            (20, m("10000.00"), m("12.62"))
        );
        assert_eq!(
            (li.periods[0].interest, li.periods[1].interest),
            (m("69.15"), m("40.67"))
        );
        assert_eq!(
            (li.periods[1].days, li.periods[1].base, li.periods[1].rate),
            (20, m("6000.00"), m("12.37"))
        );
        assert_eq!(li.total, m("109.82"));
        // Per day: 10000 × .1262 / 365 = 3.4575 → 3.46 × 20 = 69.20;
        // 6000 × .1237 / 365 = 2.0334 → 2.03 × 20 = 40.60; total 109.80.
        let p = statutory(Fixing::SemiAnnual, InterestRounding::PerDay);
        let li = p
            .accrue(
                d("2024-06-10"),
                m("10000.00"),
                &[
                    (d("2024-06-30"), m("4000.00")),
                    (d("2024-07-20"), m("6000.00")),
                ],
                d("2024-12-31"),
                eur(),
            )
            .unwrap();
        assert_eq!(li.total, m("109.80"));
        // UK-style fixing reads 31 Dec / 30 Jun: 2024-H1 runs on the rate of
        // 2023-12-31 (3.12), 2024-H2 on that of 2024-06-30 (3.62).
        let p = statutory(Fixing::SemiAnnualDayBefore, InterestRounding::Total);
        let li = p
            .accrue(d("2024-06-10"), m("10000.00"), &[], d("2024-07-20"), eur())
            .unwrap();
        let rates: Vec<Decimal> = li.periods.iter().map(|x| x.rate).collect();
        assert_eq!(rates, [m("12.12"), m("12.62")]);
        // Before the series starts: an error naming the day.
        let p = statutory(Fixing::Daily, InterestRounding::Total);
        assert_eq!(
            p.accrue(d("2023-06-01"), m("1.00"), &[], d("2023-06-05"), eur())
                .unwrap_err(),
            CollectionsError::NoRate(d("2023-06-02"))
        );
    }

    #[test]
    fn grace_days_and_paid_on_time() {
        let mut p = statutory(Fixing::Daily, InterestRounding::Total);
        p.basis = InterestBasis::Fixed(m("10"));
        p.grace_days = 5;
        // Paid within grace: nothing.
        let li = p
            .accrue(
                d("2024-03-01"),
                m("1000.00"),
                &[(d("2024-03-06"), m("1000.00"))],
                d("2024-12-31"),
                eur(),
            )
            .unwrap();
        assert_eq!(li.total, m("0"));
        // Paid on 03-16: interest from 03-07 to 03-16, 10 days at 10 %:
        // 1000 × .10 × 10 / 365 = 2.7397 → 2.74.
        let li = p
            .accrue(
                d("2024-03-01"),
                m("1000.00"),
                &[(d("2024-03-16"), m("1000.00"))],
                d("2024-12-31"),
                eur(),
            )
            .unwrap();
        assert_eq!(
            (li.periods[0].from, li.periods[0].to, li.total),
            (d("2024-03-07"), d("2024-03-16"), m("2.74"))
        );
    }

    #[test]
    fn compensation_tiers() {
        // UK: £40 below £1,000, £70 below £10,000, £100 from £10,000.
        let uk = [
            CompensationTier {
                min_amount: m("0"),
                amount: m("40"),
            },
            CompensationTier {
                min_amount: m("1000"),
                amount: m("70"),
            },
            CompensationTier {
                min_amount: m("10000"),
                amount: m("100"),
            },
        ];
        assert_eq!(compensation(&uk, m("999.99")), m("40"));
        assert_eq!(compensation(&uk, m("1000")), m("70"));
        assert_eq!(compensation(&uk, m("25000")), m("100"));
        assert_eq!(compensation(&[], m("25000")), m("0"));
    }

    #[test]
    fn procedure_validation() {
        let lvl = |level, days| DunningLevel {
            level,
            min_days_overdue: days,
            min_amount: Decimal::ZERO,
            min_percent_of_balance: Decimal::ZERO,
            fee: Decimal::ZERO,
            charge_interest: false,
            block_new_orders: false,
            min_interval_days: 0,
        };
        let mut p = DunningProcedure {
            grace_days: 0,
            levels: vec![lvl(1, 10), lvl(2, 5)],
            interest: None,
            compensation: vec![],
            worklist: WorklistPolicy::default(),
        };
        assert!(
            matches!(p.validate(), Err(CollectionsError::InvalidField { field, .. }) if field == "dunning.levels[1].min_days_overdue")
        );
        p.levels = vec![lvl(2, 10)];
        assert!(p.validate().is_err());
        p.levels = vec![lvl(1, 10), lvl(2, 20)];
        assert!(p.validate().is_ok());
    }
}
