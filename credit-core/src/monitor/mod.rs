//! Performance monitoring: aging, receivables KPIs and goals, as of any
//! date, tying to the ledger.
//!
//! Every aggregate is built from a [`Partial`] of integer minor units (and
//! amount × days products) that merges by addition, so customers split
//! across partitions or workers give the same totals, to the cent, as one
//! pass over everything; ratios are taken only at the end, by
//! [`Partial::kpis`].
//!
//! KPI definitions (Credit Research Foundation and common practice; e.g.
//! CRF, *Manual of Credit and Accounts Receivable Management*; Hackett /
//! APQC AR benchmarks):
//!
//! * **DSO** (standard) = ending receivables / credit sales of the period ×
//!   days in the period;
//! * **countback DSO**: from the period's end, walk back month by month,
//!   taking each month's credit sales off the ending receivables while they
//!   cover them and counting that month's days; the remainder is a fraction
//!   of the next month's days (seasonality-proof);
//! * **Best Possible DSO** = current (not past due) receivables / credit
//!   sales × days; **Average Days Delinquent** = DSO − BPDSO, computed
//!   from the unrounded parts as (receivables − current) / sales × days
//!   and rounded once;
//! * **CEI** = (beginning receivables + credit sales − ending receivables) /
//!   (beginning receivables + credit sales − ending current receivables) ×
//!   100;
//! * **average days to pay** and **average days beyond terms**: over the
//!   payments received in the period, weighted by the amount paid (days
//!   beyond terms count 0 for payments on time; the signed figure beside
//!   it counts early payments negative);
//! * **percent current** and **percent over 90 days** of receivables;
//!   **bad-debt ratio** = write-offs / credit sales × 100; **limit
//!   utilisation** = exposure / limits × 100 (accounts with an amount
//!   limit); **promises kept** = kept / promises due in the period × 100.
//!
//! Where practice has two readings — days in the period, DSO on ending or
//! average receivables, CEI's CRF form with sales / N, countback's month
//! days and look-back, the rounding — the policy chooses (see
//! [`KpiConventions`], each with its source); the defaults are the
//! definitions above, rounded half-even.
//!
//! A ratio whose denominator is zero is *undefined* — `value: null` with
//! the reason — never a division by zero or a made-up number.

use std::borrow::Cow;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{round_dp, Currency, RoundingMode};

mod alerts;
pub(crate) mod columns;
mod report;
pub(crate) use alerts::run as alert_run;
pub use alerts::{account_alerts, covered_overdue, customer_alerts, AccountFacts};
pub(crate) use report::{aging, goals_report, kpi_series, kpis, partials, MonitorView};

/// Errors of the monitoring figures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MonitorError {
    /// A sum beyond the decimal range (names the figure).
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// A payment plan's status could not be computed.
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    /// A report argument outside what the report accepts (a period ending
    /// before it starts, a missing report currency, …).
    #[error("invalid {field} {value}: {reason}")]
    InvalidArgument {
        /// The argument.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
}

/// What aging buckets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingBasis {
    /// Days past the due date (0 or less = current).
    #[default]
    DaysPastDue,
    /// Days since the invoice date.
    DaysSinceInvoice,
}

/// Aging buckets: upper bounds (inclusive) in days; the first bucket is
/// "current" (≤ the first bound), the last is open above the last bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgingPolicy {
    /// What the days count.
    #[serde(default)]
    pub basis: AgingBasis,
    /// Upper bounds, strictly increasing (default 0, 30, 60, 90:
    /// current, 1–30, 31–60, 61–90, 91+).
    #[serde(default = "default_bounds")]
    pub bounds: Vec<i64>,
}

fn default_bounds() -> Vec<i64> {
    vec![0, 30, 60, 90]
}

impl Default for AgingPolicy {
    fn default() -> Self {
        AgingPolicy {
            basis: AgingBasis::default(),
            bounds: default_bounds(),
        }
    }
}

impl AgingPolicy {
    /// Bucket labels: `current` (or `0-B`), `a-b`, …, `N+`.
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.bounds.len() + 1);
        for (i, b) in self.bounds.iter().enumerate() {
            if i == 0 {
                out.push(if *b == 0 && self.basis == AgingBasis::DaysPastDue {
                    "current".to_string()
                } else {
                    format!("..{b}")
                });
            } else {
                out.push(format!("{}-{b}", self.bounds[i - 1] + 1));
            }
        }
        out.push(format!("{}+", self.bounds.last().map_or(0, |b| b + 1)));
        out
    }

    /// The bucket of an item `days` old.
    #[inline]
    pub fn bucket(&self, days: i64) -> usize {
        // The bounds are few and increasing: a count beats a search.
        self.bounds.iter().take_while(|&&b| b < days).count()
    }

    /// Validates the bounds.
    ///
    /// # Errors
    /// A message naming the problem.
    pub fn validate(&self) -> Result<(), String> {
        if self.bounds.is_empty() {
            return Err("monitoring.aging.bounds: at least one bound".into());
        }
        if self.bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!(
                "monitoring.aging.bounds: {:?} must be strictly increasing",
                self.bounds
            ));
        }
        Ok(())
    }
}

/// How results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row for everything.
    #[default]
    Total,
    /// Per customer.
    Customer,
    /// Per credit segment.
    Segment,
    /// Per collector (`(none)` when unassigned).
    Collector,
    /// Per risk class (`(none)` when unclassified).
    RiskClass,
    /// Per item currency (amounts not converted).
    Currency,
}

impl GroupBy {
    /// Every grouping.
    pub const ALL: [GroupBy; 6] = [
        GroupBy::Total,
        GroupBy::Customer,
        GroupBy::Segment,
        GroupBy::Collector,
        GroupBy::RiskClass,
        GroupBy::Currency,
    ];

    /// The grouping of this name.
    ///
    /// # Errors
    /// [`crate::error::UnknownName`] listing the names.
    pub fn from_name(name: &str) -> Result<Self, crate::error::UnknownName> {
        crate::error::UnknownName::find("group_by", name, &Self::ALL, Self::name)
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Total => "total",
            GroupBy::Customer => "customer",
            GroupBy::Segment => "segment",
            GroupBy::Collector => "collector",
            GroupBy::RiskClass => "risk_class",
            GroupBy::Currency => "currency",
        }
    }
}

/// Mergeable sums behind aging and the KPIs of one group, in minor units
/// of the report's currency (amount × days products for the weighted
/// averages). Merge with [`Partial::merge`]; finish with [`Partial::kpis`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Partial {
    /// Open (undisputed) amounts per aging bucket.
    pub buckets: Vec<i128>,
    /// Disputed open amounts.
    pub disputed: i128,
    /// Receivables at the start of the period (the day before it).
    pub ar_begin: i128,
    /// Receivables at the end of the period.
    pub ar_end: i128,
    /// Current (not past due) receivables at the end.
    pub ar_current: i128,
    /// Receivables more than 90 days past due at the end.
    pub ar_over_90: i128,
    /// Credit sales (invoices) in the period.
    pub sales: i128,
    /// Credit sales per calendar month, the period's last month first (for
    /// countback DSO), over the months the report asks for.
    pub monthly_sales: Vec<i128>,
    /// Write-offs in the period.
    pub write_offs: i128,
    /// Payments in the period (amount applied, with discounts).
    pub paid: i128,
    /// Σ amount × (payment date − invoice date).
    pub paid_days: i128,
    /// Σ amount × max(0, payment date − due date).
    pub paid_days_beyond: i128,
    /// Σ amount × (payment date − due date), early payments negative.
    #[serde(default)]
    pub paid_days_signed: i128,
    /// Exposure of accounts with an amount limit.
    pub exposure: i128,
    /// Their limits.
    pub limits: i128,
    /// Promises due in the period: kept.
    pub promises_kept: u64,
    /// Promises due in the period: all.
    pub promises_due: u64,
    /// Promises to pay obtained (made) in the period.
    pub promises_made: u64,
    /// Disputed amounts resolved in the period.
    pub disputes_resolved: i128,
    /// Open due lines counted: an item counts once per open installment
    /// (once without installments); open credits count too.
    pub items: u64,
}

impl Partial {
    /// An empty partial for `buckets` aging buckets and `months` months of
    /// sales history.
    pub fn new(buckets: usize, months: usize) -> Self {
        Partial {
            buckets: vec![0; buckets],
            monthly_sales: vec![0; months],
            ..Partial::default()
        }
    }

    /// Zeroes every sum, keeping the shape (buckets, months).
    pub fn clear(&mut self) {
        let (mut buckets, mut monthly_sales) = (
            std::mem::take(&mut self.buckets),
            std::mem::take(&mut self.monthly_sales),
        );
        buckets.fill(0);
        monthly_sales.fill(0);
        *self = Partial {
            buckets,
            monthly_sales,
            ..Partial::default()
        };
    }

    /// Counts an item open on `as_of` (amounts in minor units): the
    /// undisputed part in its aging bucket, the disputed part apart, and
    /// the receivables, current and over-90 sums.
    pub fn add_open(
        &mut self,
        aging: &AgingPolicy,
        as_of: NaiveDate,
        due_date: NaiveDate,
        invoice_date: NaiveDate,
        open: i128,
        disputed: i128,
    ) {
        self.add_open_days(
            aging,
            (as_of - due_date).num_days(),
            (as_of - invoice_date).num_days(),
            open,
            disputed,
        );
    }

    /// [`Partial::add_open`] with the item's age given as days past due
    /// and days since the invoice.
    #[inline]
    pub fn add_open_days(
        &mut self,
        aging: &AgingPolicy,
        past_due: i64,
        since_invoice: i64,
        open: i128,
        disputed: i128,
    ) {
        let days = match aging.basis {
            AgingBasis::DaysPastDue => past_due,
            AgingBasis::DaysSinceInvoice => since_invoice,
        };
        self.buckets[aging.bucket(days)] += open - disputed;
        self.disputed += disputed;
        self.ar_end += open;
        if past_due <= 0 {
            self.ar_current += open;
        }
        if past_due > 90 {
            self.ar_over_90 += open;
        }
        self.items += 1;
    }

    /// Adds another partial (same shape) into this one.
    pub fn merge(&mut self, o: &Partial) {
        for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
            *a += b;
        }
        for (a, b) in self.monthly_sales.iter_mut().zip(&o.monthly_sales) {
            *a += b;
        }
        self.disputed += o.disputed;
        self.ar_begin += o.ar_begin;
        self.ar_end += o.ar_end;
        self.ar_current += o.ar_current;
        self.ar_over_90 += o.ar_over_90;
        self.sales += o.sales;
        self.write_offs += o.write_offs;
        self.paid += o.paid;
        self.paid_days += o.paid_days;
        self.paid_days_beyond += o.paid_days_beyond;
        self.paid_days_signed += o.paid_days_signed;
        self.exposure += o.exposure;
        self.limits += o.limits;
        self.promises_kept += o.promises_kept;
        self.promises_due += o.promises_due;
        self.promises_made += o.promises_made;
        self.disputes_resolved += o.disputes_resolved;
        self.items += o.items;
    }

    /// The KPIs of this group for the period `basis` describes, by its
    /// conventions (see [`KpiConventions`]); each ratio is taken once from
    /// the exact integer sums and rounded once.
    ///
    /// # Errors
    /// [`MonitorError::Overflow`] for a sum beyond the decimal range.
    pub fn kpis(&self, basis: &KpiBasis, mu: u32) -> Result<Kpis, MonitorError> {
        let d = |u: i128| {
            Decimal::try_from_i128_with_scale(u, mu).map_err(|_| MonitorError::Overflow("KPI sums"))
        };
        let conv = &basis.conventions;
        let mode = conv.rounding;
        let ratio =
            |num: Option<i128>, den: Option<i128>, scale: i128, why: &'static str| match (num, den)
            {
                (_, Some(0)) => KpiValue::undefined(why),
                (Some(n), Some(d)) => KpiValue::ratio(n, d, scale, mode),
                _ => KpiValue::undefined(TOO_LARGE),
            };
        let no_sales = "no credit sales in the period";
        let days = i128::from(basis.days);
        // DSO on ending receivables (CRF) or on the period's average
        // receivables: (begin + end) / 2 / sales × days, as one ratio.
        let dso = match conv.dso_receivables {
            DsoReceivables::Ending => ratio(Some(self.ar_end), Some(self.sales), days, no_sales),
            DsoReceivables::Average => ratio(
                self.ar_begin.checked_add(self.ar_end),
                self.sales.checked_mul(2),
                days,
                no_sales,
            ),
        };
        let bpdso = ratio(Some(self.ar_current), Some(self.sales), days, no_sales);
        // ADD = DSO − BPDSO on ending receivables, from the unrounded parts
        // and rounded once: (receivables − current) / sales × days
        // (rounding DSO and BPDSO first could move it a cent: 20.67 −
        // 10.33 = 10.34 for 10.33).
        let add = ratio(
            self.ar_end.checked_sub(self.ar_current),
            Some(self.sales),
            days,
            no_sales,
        );
        // CEI with the period's sales, or in the CRF form with sales / N:
        // (B + S/N − E) / (B + S/N − C) = (N·B + S − N·E) / (N·B + S − N·C),
        // one exact ratio.
        let n = i128::from(basis.cei_months.unwrap_or(1));
        let nb_s = self
            .ar_begin
            .checked_mul(n)
            .and_then(|b| b.checked_add(self.sales));
        let cei = ratio(
            nb_s.and_then(|x| x.checked_sub(self.ar_end.checked_mul(n)?)),
            nb_s.and_then(|x| x.checked_sub(self.ar_current.checked_mul(n)?)),
            100,
            "nothing was collectible in the period",
        );
        // Countback: take whole months of sales off the ending receivables;
        // the last month counts in part: whole days + left / sales × its
        // days = (whole days × sales + left × days) / sales.
        let countback = if self.ar_end == 0 {
            KpiValue::of(Decimal::new(0, 2), mode)
        } else {
            let mut left = self.ar_end;
            let mut whole: i128 = 0;
            let mut out = KpiValue::undefined("receivables exceed the sales history");
            for (s, md) in self.monthly_sales.iter().zip(&basis.month_days) {
                let md = i128::from(*md);
                if *s <= 0 {
                    whole += md;
                    continue;
                }
                if left > *s {
                    left -= s;
                    whole += md;
                } else {
                    let num = whole
                        .checked_mul(*s)
                        .and_then(|w| w.checked_add(left.checked_mul(md)?));
                    out = ratio(num, Some(*s), 1, no_sales);
                    break;
                }
            }
            out
        };
        let no_payments = "no payments in the period";
        let paid = Some(self.paid);
        Ok(Kpis {
            collected: d(self.paid)?,
            promises_made: self.promises_made,
            promises_kept_count: self.promises_kept,
            disputes_resolved: d(self.disputes_resolved)?,
            beginning_receivables: d(self.ar_begin)?,
            receivables: d(self.ar_end)?,
            current: d(self.ar_current)?,
            overdue: d(self.ar_end - self.ar_current)?,
            disputed: d(self.disputed)?,
            credit_sales: d(self.sales)?,
            days_in_period: basis.days,
            dso,
            countback_dso: countback,
            best_possible_dso: bpdso,
            average_days_delinquent: add,
            cei,
            average_days_to_pay: ratio(Some(self.paid_days), paid, 1, no_payments),
            average_days_beyond_terms: ratio(Some(self.paid_days_beyond), paid, 1, no_payments),
            average_days_beyond_terms_signed: ratio(
                Some(self.paid_days_signed),
                paid,
                1,
                no_payments,
            ),
            percent_current: ratio(
                Some(self.ar_current),
                Some(self.ar_end),
                100,
                "no receivables",
            ),
            percent_over_90: ratio(
                Some(self.ar_over_90),
                Some(self.ar_end),
                100,
                "no receivables",
            ),
            bad_debt_ratio: ratio(Some(self.write_offs), Some(self.sales), 100, no_sales),
            limit_utilisation: ratio(
                Some(self.exposure),
                Some(self.limits),
                100,
                "no amount limits",
            ),
            promises_kept: ratio(
                Some(i128::from(self.promises_kept)),
                Some(i128::from(self.promises_due)),
                100,
                "no promises due in the period",
            ),
        })
    }
}

/// What a period brings to its KPIs beside the sums of its [`Partial`]s:
/// the days of DSO, BPDSO and ADD under the policy's
/// [`DaysInPeriod`], the `N` of CEI's CRF form, and the days of each
/// month counted back for countback DSO — computed once per report, shared
/// by every group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiBasis {
    /// Days in the period, by the convention.
    pub days: i64,
    /// CEI's `N` (sales divided by it), `None` for the period's sales.
    pub cei_months: Option<u32>,
    /// Days of each month counted back from the period's end (the first
    /// only up to the end), actual or 30, for countback DSO.
    pub month_days: Vec<i64>,
    /// The conventions (rounding, DSO receivables, …).
    pub conventions: KpiConventions,
}

impl KpiBasis {
    /// The basis of the period `from ..= to` with `months` months of sales
    /// history, under `conventions`.
    ///
    /// # Errors
    /// [`MonitorError::InvalidArgument`] for a period ending before it
    /// starts; [`MonitorError::Overflow`] for dates past the calendar.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        months: usize,
        conventions: &KpiConventions,
    ) -> Result<Self, MonitorError> {
        if to < from {
            return Err(MonitorError::InvalidArgument {
                field: "from",
                value: from.to_string(),
                reason: "the period must not end before it starts",
            });
        }
        let dates = MonitorError::Overflow("dates");
        let days = match conventions.days_in_period {
            DaysInPeriod::Actual => (to - from).num_days() + 1,
            DaysInPeriod::Thirty360 => days_30_360(from.pred_opt().ok_or(dates.clone())?, to),
            DaysInPeriod::Fixed(n) => i64::from(n),
        };
        let cei_months = match conventions.cei_sales {
            CeiSales::Period => None,
            CeiSales::MonthlyAverage => {
                let m = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
                Some(u32::try_from(m(to) - m(from) + 1).map_err(|_| dates.clone())?)
            }
            CeiSales::Months(n) => Some(n),
        };
        let thirty = conventions.countback_month_days == MonthDays::Thirty;
        let mut month_days = Vec::with_capacity(months);
        let mut end = to;
        for k in 0..months {
            let first = end.with_day(1).ok_or(dates.clone())?;
            let full = k > 0 || is_month_end(to);
            month_days.push(match (thirty, full) {
                (true, true) => 30,
                (true, false) => i64::from(end.day().min(30)),
                (false, _) => (end - first).num_days() + 1,
            });
            end = first.pred_opt().ok_or(dates.clone())?;
        }
        Ok(KpiBasis {
            days,
            cei_months,
            month_days,
            conventions: conventions.clone(),
        })
    }
}

/// Whether `d` is the last day of its month.
fn is_month_end(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|n| n.month() != d.month())
}

/// Days from `start` (excluded) to `end` on 30-day months: each date's day
/// is 30 when it is the last of its month (or the 31st), so every whole
/// calendar month counts 30 and a year 360 — 30E/360 (ISDA), ISDA 2006
/// §4.16(h), without its exception for a February termination date.
fn days_30_360(start: NaiveDate, end: NaiveDate) -> i64 {
    let day = |d: NaiveDate| {
        if is_month_end(d) {
            30
        } else {
            i64::from(d.day().min(30))
        }
    };
    360 * i64::from(end.year() - start.year())
        + 30 * (i64::from(end.month()) - i64::from(start.month()))
        + day(end)
        - day(start)
}

/// Conventions of the receivables KPIs where finance practice has more
/// than one reading (policy field `monitoring.kpi`); the defaults are the
/// figures the engine has always given.
///
/// * `days_in_period` — the days of DSO, BPDSO and ADD: the period's
///   actual days (default; CRF), 30-day months (`"thirty_360"`: a month
///   30, a quarter 90, a year 360 — ISDA 2006 §4.16(h) 30E/360 day
///   counting), or a given number (`{"fixed": 365}`, `{"fixed": 360}`:
///   the annualised DSO of many textbooks, with the year's sales).
/// * `dso_receivables` — DSO on the ending receivables (default; CRF) or
///   on the average of the beginning and ending receivables
///   (`"average"`: (begin + end) / 2 / sales × days, as in e.g. the
///   Farlex Financial Dictionary's DSO worked example). BPDSO and ADD
///   stay on ending receivables.
/// * `cei_sales` — CEI with the period's credit sales (default), or the
///   Credit Research Foundation's form with credit sales / N:
///   `"monthly_average"` (N = calendar months the period spans) or
///   `{"months": N}`. CRF: (beginning receivables + credit sales / N −
///   ending total receivables) / (beginning receivables + credit sales /
///   N − ending current receivables) × 100, "N = number of months".
/// * `countback_month_days` — countback DSO counting each month's actual
///   days (default) or 30 (`"thirty"`).
/// * `countback_look_back_months` — the months of sales history countback
///   may walk back (1 to 240); absent (default): the whole history (from
///   the month of the book's earliest invoice, at most 240 months).
/// * `rounding` — how every KPI is rounded to 2 decimals: half-even
///   (default) or any [`RoundingMode`] (`"half_up"`: the spreadsheet
///   convention).
///
/// Average days beyond terms is reported both ways: late-only
/// (`average_days_beyond_terms`, an early payment counts 0) and signed
/// (`average_days_beyond_terms_signed`, early payments negative, as
/// Oracle JD Edwards' "average days late", weighted by the amount paid).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiConventions {
    /// Days in the period for DSO, BPDSO and ADD.
    #[serde(default)]
    pub days_in_period: DaysInPeriod,
    /// Receivables of DSO: ending or average.
    #[serde(default)]
    pub dso_receivables: DsoReceivables,
    /// Sales of CEI: the period's, or per month (CRF).
    #[serde(default)]
    pub cei_sales: CeiSales,
    /// Days of each month in countback DSO.
    #[serde(default)]
    pub countback_month_days: MonthDays,
    /// Months of sales history countback may walk back (absent: the whole
    /// history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countback_look_back_months: Option<u32>,
    /// Rounding of every KPI to 2 decimals.
    #[serde(default)]
    pub rounding: RoundingMode,
}

impl KpiConventions {
    fn is_default(&self) -> bool {
        *self == KpiConventions::default()
    }

    /// Checks the numbers: fixed days 1 to 3660, CEI months and the
    /// look-back 1 to 240.
    ///
    /// # Errors
    /// `(field, value, reason)` of the first out of range.
    pub fn validate(&self) -> Result<(), (&'static str, u32, &'static str)> {
        if let DaysInPeriod::Fixed(n) = self.days_in_period {
            if !(1..=3660).contains(&n) {
                return Err(("days_in_period.fixed", n, "from 1 to 3660 days"));
            }
        }
        if let CeiSales::Months(n) = self.cei_sales {
            if !(1..=240).contains(&n) {
                return Err(("cei_sales.months", n, "from 1 to 240 months"));
            }
        }
        if let Some(n) = self.countback_look_back_months {
            if !(1..=240).contains(&n) {
                return Err(("countback_look_back_months", n, "from 1 to 240 months"));
            }
        }
        Ok(())
    }
}

/// The days of a KPI period (see [`KpiConventions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaysInPeriod {
    /// The period's calendar days. The default.
    #[default]
    Actual,
    /// 30-day months (a year 360).
    #[serde(rename = "thirty_360")]
    Thirty360,
    /// A given number of days.
    Fixed(u32),
}

/// The receivables DSO divides (see [`KpiConventions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DsoReceivables {
    /// Receivables at the period's end. The default.
    #[default]
    Ending,
    /// (Beginning + ending) / 2.
    Average,
}

/// The credit sales CEI counts (see [`KpiConventions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeiSales {
    /// The period's credit sales. The default.
    #[default]
    Period,
    /// Credit sales / the calendar months the period spans (CRF).
    MonthlyAverage,
    /// Credit sales / N (CRF, N given).
    Months(u32),
}

/// How countback DSO counts a month's days (see [`KpiConventions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthDays {
    /// Its calendar days. The default.
    #[default]
    Actual,
    /// 30 (the period's last month: its days to the end, at most 30; 30
    /// when the period ends on the month's last day).
    Thirty,
}

/// How payment plans are doing as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanPerformance {
    /// Plans counted (active ones, completed, broken, …).
    pub plans: u64,
    /// Current (nothing overdue).
    pub current: u64,
    /// Late, not broken.
    pub late: u64,
    /// Broken.
    pub broken: u64,
    /// Completed.
    pub completed: u64,
    /// Cancelled or rescheduled.
    pub closed: u64,
    /// Percent of open plans (current + late + broken) that are current.
    pub percent_current: KpiValue,
}

/// Counts payment plans by status as of a date.
///
/// # Errors
/// A plan's status computation overflowing.
pub fn plan_performance(
    plans: &[crate::plans::PaymentPlan],
    as_of: NaiveDate,
) -> Result<PlanPerformance, crate::plans::PlanError> {
    use crate::plans::PlanStatusKind as K;
    let mut p = PlanPerformance::default();
    for plan in plans {
        p.plans += 1;
        match plan.status(as_of)?.status {
            K::Current => p.current += 1,
            K::Late { .. } => p.late += 1,
            K::Broken => p.broken += 1,
            K::Completed => p.completed += 1,
            K::Cancelled | K::Rescheduled => p.closed += 1,
        }
    }
    let open = p.current + p.late + p.broken;
    p.percent_current = if open == 0 {
        KpiValue::undefined("no open plans")
    } else {
        KpiValue::ratio(
            i128::from(p.current),
            i128::from(open),
            100,
            RoundingMode::HalfEven,
        )
    };
    Ok(p)
}

/// Why a KPI of sums beyond the decimal range is undefined.
const TOO_LARGE: &str = "amounts beyond the decimal range";

/// `num / den × scale` rounded by `mode` to 2 decimals, computed exactly
/// in integers; `None` if a product overflows (or `den` is 0).
fn exact_ratio(num: i128, den: i128, scale: i128, mode: RoundingMode) -> Option<Decimal> {
    let n = num.checked_mul(scale)?.checked_mul(100)?;
    if den == 0 {
        return None;
    }
    let negative = (n < 0) != (den < 0);
    let (a, b) = (n.unsigned_abs(), den.unsigned_abs());
    let (mut q, r) = (a / b, a % b);
    // Away from zero by one unit when the mode says so: `r` against the
    // half `b − r` (no overflow), the sign for floor and ceiling.
    let up = r != 0
        && match mode {
            RoundingMode::HalfEven => r > b - r || (r == b - r && q % 2 == 1),
            RoundingMode::HalfUp => r >= b - r,
            RoundingMode::HalfDown => r > b - r,
            RoundingMode::Down => false,
            RoundingMode::Up => true,
            RoundingMode::Floor => negative,
            RoundingMode::Ceiling => !negative,
        };
    if up {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -q } else { q }, 2).ok()
}

/// A KPI value, or undefined with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KpiValue {
    /// The value (rounded to 2 decimals by the policy's KPI rounding,
    /// half-even by default), `None` if undefined.
    #[serde(with = "crate::serde_decimal::option")]
    pub value: Option<Decimal>,
    /// Why it is undefined (a fixed text; owned only when read back from
    /// JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undefined: Option<Cow<'static, str>>,
}

impl KpiValue {
    fn of(v: Decimal, mode: RoundingMode) -> Self {
        KpiValue {
            value: Some(round_dp(v, 2, mode)),
            undefined: None,
        }
    }

    /// `num / den × scale` (`den` ≠ 0) rounded by `mode` to 2 decimals,
    /// exactly: in integers, or — when a product would overflow them — in
    /// decimals.
    fn ratio(num: i128, den: i128, scale: i128, mode: RoundingMode) -> Self {
        match exact_ratio(num, den, scale, mode) {
            Some(v) => KpiValue {
                value: Some(v),
                undefined: None,
            },
            None => {
                let dec = |x: i128| Decimal::try_from_i128_with_scale(x, 0).ok();
                match (dec(num), dec(den), dec(scale)) {
                    (Some(n), Some(d), Some(s)) => n
                        .checked_div(d)
                        .and_then(|q| q.checked_mul(s))
                        .map_or_else(|| KpiValue::undefined(TOO_LARGE), |v| KpiValue::of(v, mode)),
                    _ => KpiValue::undefined(TOO_LARGE),
                }
            }
        }
    }

    fn undefined(why: &'static str) -> Self {
        KpiValue {
            value: None,
            undefined: Some(Cow::Borrowed(why)),
        }
    }
}

/// The KPIs of a group (grouped by collector: the collector's results).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpis {
    /// Amount collected (payments applied in the period, with discounts).
    #[serde(with = "crate::serde_decimal")]
    pub collected: Decimal,
    /// Promises to pay obtained in the period.
    pub promises_made: u64,
    /// Promises due in the period and kept.
    pub promises_kept_count: u64,
    /// Disputed amounts resolved in the period.
    #[serde(with = "crate::serde_decimal")]
    pub disputes_resolved: Decimal,
    /// Receivables at the start of the period (the day before it).
    #[serde(with = "crate::serde_decimal")]
    pub beginning_receivables: Decimal,
    /// Receivables at the end of the period.
    #[serde(with = "crate::serde_decimal")]
    pub receivables: Decimal,
    /// Current (not past due) receivables.
    #[serde(with = "crate::serde_decimal")]
    pub current: Decimal,
    /// Past-due receivables (receivables − current).
    #[serde(with = "crate::serde_decimal")]
    pub overdue: Decimal,
    /// Disputed receivables.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Credit sales in the period.
    #[serde(with = "crate::serde_decimal")]
    pub credit_sales: Decimal,
    /// The days DSO, BPDSO and ADD count, by the policy's
    /// [`DaysInPeriod`].
    pub days_in_period: i64,
    /// DSO, standard method (days).
    pub dso: KpiValue,
    /// DSO, countback method (days).
    pub countback_dso: KpiValue,
    /// Best Possible DSO (days).
    pub best_possible_dso: KpiValue,
    /// Average Days Delinquent = DSO − BPDSO, from the unrounded parts
    /// ((receivables − current) / sales × days), rounded once.
    pub average_days_delinquent: KpiValue,
    /// Collection Effectiveness Index (percent).
    pub cei: KpiValue,
    /// Payment-weighted average days to pay.
    pub average_days_to_pay: KpiValue,
    /// Payment-weighted average days beyond terms, late-only (a payment on
    /// or before its due date counts 0).
    pub average_days_beyond_terms: KpiValue,
    /// Payment-weighted average days beyond terms, signed (a payment
    /// before its due date counts negative).
    pub average_days_beyond_terms_signed: KpiValue,
    /// Percent of receivables current.
    pub percent_current: KpiValue,
    /// Percent of receivables more than 90 days past due.
    pub percent_over_90: KpiValue,
    /// Write-offs / credit sales (percent).
    pub bad_debt_ratio: KpiValue,
    /// Exposure / limits (percent).
    pub limit_utilisation: KpiValue,
    /// Promises kept / due (percent).
    pub promises_kept: KpiValue,
}

/// A KPI by name (for goals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// DSO (standard).
    Dso,
    /// Countback DSO.
    CountbackDso,
    /// Best Possible DSO.
    BestPossibleDso,
    /// Average Days Delinquent.
    AverageDaysDelinquent,
    /// CEI.
    Cei,
    /// Average days to pay.
    AverageDaysToPay,
    /// Average days beyond terms (late-only).
    AverageDaysBeyondTerms,
    /// Average days beyond terms (signed).
    AverageDaysBeyondTermsSigned,
    /// Percent current.
    PercentCurrent,
    /// Percent over 90 days.
    #[serde(rename = "percent_over_90")]
    PercentOver90,
    /// Bad-debt ratio.
    BadDebtRatio,
    /// Limit utilisation.
    LimitUtilisation,
    /// Promises kept.
    PromisesKept,
}

impl Kpi {
    /// Every KPI, in report order.
    pub const ALL: [Kpi; 13] = [
        Kpi::Dso,
        Kpi::CountbackDso,
        Kpi::BestPossibleDso,
        Kpi::AverageDaysDelinquent,
        Kpi::Cei,
        Kpi::AverageDaysToPay,
        Kpi::AverageDaysBeyondTerms,
        Kpi::AverageDaysBeyondTermsSigned,
        Kpi::PercentCurrent,
        Kpi::PercentOver90,
        Kpi::BadDebtRatio,
        Kpi::LimitUtilisation,
        Kpi::PromisesKept,
    ];

    /// The KPI's name, as in JSON (`dso`, `countback_dso`, …).
    pub fn name(self) -> &'static str {
        match self {
            Kpi::Dso => "dso",
            Kpi::CountbackDso => "countback_dso",
            Kpi::BestPossibleDso => "best_possible_dso",
            Kpi::AverageDaysDelinquent => "average_days_delinquent",
            Kpi::Cei => "cei",
            Kpi::AverageDaysToPay => "average_days_to_pay",
            Kpi::AverageDaysBeyondTerms => "average_days_beyond_terms",
            Kpi::AverageDaysBeyondTermsSigned => "average_days_beyond_terms_signed",
            Kpi::PercentCurrent => "percent_current",
            Kpi::PercentOver90 => "percent_over_90",
            Kpi::BadDebtRatio => "bad_debt_ratio",
            Kpi::LimitUtilisation => "limit_utilisation",
            Kpi::PromisesKept => "promises_kept",
        }
    }
}

/// One group of a KPI report as a flat record: `key`, the amounts and
/// counts, then every KPI's value by [`Kpi::name`] (`null` when undefined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiRow<'a> {
    /// The group's key.
    pub key: &'a str,
    /// Its KPIs.
    pub kpis: &'a Kpis,
}

impl Serialize for KpiRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let k = self.kpis;
        let mut m = s.serialize_map(Some(<Self as crate::rows::Row>::COLUMNS.len()))?;
        m.serialize_entry("key", self.key)?;
        let dec = crate::serde_decimal::Dec;
        m.serialize_entry("beginning_receivables", &dec(k.beginning_receivables))?;
        m.serialize_entry("receivables", &dec(k.receivables))?;
        m.serialize_entry("current", &dec(k.current))?;
        m.serialize_entry("overdue", &dec(k.overdue))?;
        m.serialize_entry("disputed", &dec(k.disputed))?;
        m.serialize_entry("credit_sales", &dec(k.credit_sales))?;
        m.serialize_entry("collected", &dec(k.collected))?;
        m.serialize_entry("disputes_resolved", &dec(k.disputes_resolved))?;
        m.serialize_entry("promises_made", &k.promises_made)?;
        m.serialize_entry("promises_kept_count", &k.promises_kept_count)?;
        m.serialize_entry("days_in_period", &k.days_in_period)?;
        for kpi in Kpi::ALL {
            m.serialize_entry(kpi.name(), &k.get(kpi).value.map(dec))?;
        }
        m.end()
    }
}

impl crate::rows::Row for KpiRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "key",
        "beginning_receivables",
        "receivables",
        "current",
        "overdue",
        "disputed",
        "credit_sales",
        "collected",
        "disputes_resolved",
        "promises_made",
        "promises_kept_count",
        "days_in_period",
        "dso",
        "countback_dso",
        "best_possible_dso",
        "average_days_delinquent",
        "cei",
        "average_days_to_pay",
        "average_days_beyond_terms",
        "average_days_beyond_terms_signed",
        "percent_current",
        "percent_over_90",
        "bad_debt_ratio",
        "limit_utilisation",
        "promises_kept",
    ];
}

impl KpiReport {
    /// One flat record per group, in key order.
    pub fn rows(&self) -> Vec<KpiRow<'_>> {
        self.groups
            .iter()
            .map(|(key, kpis)| KpiRow { key, kpis })
            .collect()
    }
}

impl Kpis {
    /// A figure by its JSON name: a KPI (`Some(None)` when undefined), an
    /// amount (`collected`, `beginning_receivables`, `receivables`,
    /// `current`, `overdue`, `disputed`, `credit_sales`,
    /// `disputes_resolved`) or a count (`promises_made`,
    /// `promises_kept_count`, `days_in_period`); `None` for an unknown
    /// name.
    pub fn figure(&self, name: &str) -> Option<Option<Decimal>> {
        let amount = match name {
            "collected" => self.collected,
            "beginning_receivables" => self.beginning_receivables,
            "receivables" => self.receivables,
            "current" => self.current,
            "overdue" => self.overdue,
            "disputed" => self.disputed,
            "credit_sales" => self.credit_sales,
            "disputes_resolved" => self.disputes_resolved,
            "promises_made" => Decimal::from(self.promises_made),
            "promises_kept_count" => Decimal::from(self.promises_kept_count),
            "days_in_period" => Decimal::from(self.days_in_period),
            _ => {
                let kpi = Kpi::ALL.into_iter().find(|k| k.name() == name)?;
                return Some(self.get(kpi).value);
            }
        };
        Some(Some(amount))
    }

    /// One KPI by name.
    pub fn get(&self, k: Kpi) -> &KpiValue {
        match k {
            Kpi::Dso => &self.dso,
            Kpi::CountbackDso => &self.countback_dso,
            Kpi::BestPossibleDso => &self.best_possible_dso,
            Kpi::AverageDaysDelinquent => &self.average_days_delinquent,
            Kpi::Cei => &self.cei,
            Kpi::AverageDaysToPay => &self.average_days_to_pay,
            Kpi::AverageDaysBeyondTerms => &self.average_days_beyond_terms,
            Kpi::AverageDaysBeyondTermsSigned => &self.average_days_beyond_terms_signed,
            Kpi::PercentCurrent => &self.percent_current,
            Kpi::PercentOver90 => &self.percent_over_90,
            Kpi::BadDebtRatio => &self.bad_debt_ratio,
            Kpi::LimitUtilisation => &self.limit_utilisation,
            Kpi::PromisesKept => &self.promises_kept,
        }
    }
}

/// One row of an aging report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingRow {
    /// The group's key (customer id, segment, collector, class, currency or
    /// `total`).
    pub key: String,
    /// Currency of the amounts.
    pub currency: Currency,
    /// Undisputed open amounts per bucket.
    #[serde(with = "crate::serde_decimal::vec")]
    pub buckets: Vec<Decimal>,
    /// Disputed open amounts.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Σ buckets + disputed = the open balance.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// Open items.
    pub items: u64,
}

/// An aging report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aging {
    /// The date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Grouping.
    pub group_by: GroupBy,
    /// What the days count.
    pub basis: AgingBasis,
    /// Bucket labels.
    pub labels: Vec<String>,
    /// Rows, by key.
    pub rows: Vec<AgingRow>,
}

/// A KPI report for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiReport {
    /// First day of the period.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// Last day of the period (the as-of date).
    #[serde(with = "crate::serde_date")]
    pub to: NaiveDate,
    /// Grouping.
    pub group_by: GroupBy,
    /// Currency of the amounts.
    pub currency: Currency,
    /// KPIs by group key.
    pub groups: BTreeMap<String, Kpis>,
}

/// Which way a goal points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The KPI should be at most the target (DSO, ADD, percent over 90…).
    AtMost,
    /// The KPI should be at least the target (CEI, percent current…).
    AtLeast,
}

/// The period a goal is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalPeriod {
    /// The calendar month to date.
    Month,
    /// The calendar quarter to date.
    Quarter,
    /// The calendar year to date.
    Year,
}

/// A goal: a KPI for a scope, a target, a direction, a tolerance band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// A name for reports.
    pub name: String,
    /// The KPI.
    pub kpi: Kpi,
    /// The scope: `total` or a grouping.
    #[serde(default)]
    pub scope: GroupBy,
    /// The group's key when the scope is not `total` (a segment, collector,
    /// customer…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Target value.
    #[serde(with = "crate::serde_decimal")]
    pub target: Decimal,
    /// Direction.
    pub direction: Direction,
    /// Band beyond the target still counted "at risk" rather than missed.
    #[serde(default, with = "crate::serde_decimal")]
    pub tolerance: Decimal,
    /// Period.
    pub period: GoalPeriod,
}

/// A goal's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// On the right side of the target.
    Met,
    /// Beyond the target but inside the tolerance band.
    AtRisk,
    /// Beyond the band.
    Missed,
    /// The KPI is undefined.
    Undefined,
}

impl Goal {
    /// The status of an actual value, and its gap (actual − target).
    pub fn judge(&self, actual: Option<Decimal>) -> (GoalStatus, Option<Decimal>) {
        let Some(a) = actual else {
            return (GoalStatus::Undefined, None);
        };
        // A gap beyond `Decimal`'s range (a KPI near 7.9e28 against a
        // negative target) is reported as none, its status still judged by
        // comparing: it is then far beyond any tolerance.
        let gap = a.checked_sub(self.target);
        let beyond = match (gap, self.direction) {
            (Some(g), Direction::AtMost) => Some(g),
            (Some(g), Direction::AtLeast) => Some(-g),
            (None, _) => None,
        };
        let status = match beyond {
            Some(b) if b <= Decimal::ZERO => GoalStatus::Met,
            Some(b) if b <= self.tolerance => GoalStatus::AtRisk,
            Some(_) => GoalStatus::Missed,
            None => {
                let right_side = match self.direction {
                    Direction::AtMost => a <= self.target,
                    Direction::AtLeast => a >= self.target,
                };
                if right_side {
                    GoalStatus::Met
                } else {
                    GoalStatus::Missed
                }
            }
        };
        (status, gap)
    }
}

/// One goal's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalResult {
    /// The goal.
    pub goal: Goal,
    /// Period measured.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// To.
    #[serde(with = "crate::serde_date")]
    pub to: NaiveDate,
    /// Actual value.
    #[serde(with = "crate::serde_decimal::option")]
    pub actual: Option<Decimal>,
    /// Actual − target.
    #[serde(with = "crate::serde_decimal::option")]
    pub gap: Option<Decimal>,
    /// Status.
    pub status: GoalStatus,
    /// The KPI over the previous periods, most recent first.
    pub trend: Vec<TrendPoint>,
}

/// A goal's result as a flat record: the goal's fields, the period, the
/// actual value, gap and status, and the trend's values (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalRow<'a> {
    /// The goal's name.
    pub name: &'a str,
    /// The KPI.
    pub kpi: Kpi,
    /// Its scope.
    pub scope: GroupBy,
    /// The group key, if the scope has one.
    pub key: Option<&'a str>,
    /// The target.
    #[serde(with = "crate::serde_decimal")]
    pub target: Decimal,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// The tolerance band.
    #[serde(with = "crate::serde_decimal")]
    pub tolerance: Decimal,
    /// The period's first day.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// The date of the result.
    #[serde(with = "crate::serde_date")]
    pub to: NaiveDate,
    /// The KPI over the period to date.
    #[serde(with = "crate::serde_decimal::option")]
    pub actual: Option<Decimal>,
    /// The gap to the target.
    #[serde(with = "crate::serde_decimal::option")]
    pub gap: Option<Decimal>,
    /// Met, within tolerance, missed or undefined.
    pub status: GoalStatus,
    /// The KPI at the end of each earlier period, oldest first (`None`
    /// where undefined).
    pub trend: Vec<Option<crate::serde_decimal::Dec>>,
}

impl GoalResult {
    /// The result as a flat record.
    pub fn row(&self) -> GoalRow<'_> {
        let g = &self.goal;
        GoalRow {
            name: &g.name,
            kpi: g.kpi,
            scope: g.scope,
            key: g.key.as_deref(),
            target: g.target,
            direction: g.direction,
            tolerance: g.tolerance,
            from: self.from,
            to: self.to,
            actual: self.actual,
            gap: self.gap,
            status: self.status,
            trend: self
                .trend
                .iter()
                .map(|t| t.value.map(crate::serde_decimal::Dec))
                .collect(),
        }
    }
}

impl crate::rows::Row for GoalRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "kpi",
        "scope",
        "key",
        "target",
        "direction",
        "tolerance",
        "from",
        "to",
        "actual",
        "gap",
        "status",
        "trend",
    ];
}

/// A KPI value at the end of a past period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The period's last day.
    #[serde(with = "crate::serde_date")]
    pub end: NaiveDate,
    /// The KPI (`None`: undefined).
    #[serde(with = "crate::serde_decimal::option")]
    pub value: Option<Decimal>,
}

/// The monitoring section of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringPolicy {
    /// Aging buckets.
    #[serde(default)]
    pub aging: AgingPolicy,
    /// Credit sales net of credit notes (the default) or gross.
    #[serde(default, skip_serializing_if = "SalesBasis::is_net")]
    pub sales: SalesBasis,
    /// KPI conventions (days in the period, DSO receivables, CEI's form,
    /// countback, rounding).
    #[serde(default, skip_serializing_if = "KpiConventions::is_default")]
    pub kpi: KpiConventions,
    /// Goals.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Creditworthiness alerts.
    #[serde(default)]
    pub alerts: AlertPolicy,
}

/// What the credit sales of DSO, CEI, countback DSO and the bad-debt
/// ratio count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesBasis {
    /// Net credit sales: invoices less credit notes dated in the period
    /// (credit notes on charges left out), the usual definition (the
    /// Credit Research Foundation's DSO and CEI use net credit sales;
    /// so do SAP's and Dynamics 365's DSO). The default.
    #[default]
    Net,
    /// Gross: invoices only.
    Gross,
}

impl SalesBasis {
    fn is_net(&self) -> bool {
        *self == SalesBasis::Net
    }
}

/// Alert thresholds; an absent threshold turns its alert off.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertPolicy {
    /// Exposure above this percent of the limit.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub utilisation_above: Option<Decimal>,
    /// An open item more than this many days past due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_days_above: Option<i64>,
    /// Days beyond terms of the last 3 months worse than the 3 before by
    /// more than this many days.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub dbt_worsening_days: Option<Decimal>,
    /// A score drop of more than this many points at a review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_drop_points: Option<u32>,
    /// Alert on a risk-class downgrade at a review.
    #[serde(default)]
    pub class_downgrade: bool,
    /// Alert on a promise to pay broken in the last this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken_promise_days: Option<i64>,
    /// Alert on a broken payment plan.
    #[serde(default)]
    pub broken_plan: bool,
    /// Alert when a limit's validity or the review date has passed.
    #[serde(default)]
    pub expired: bool,
    /// An order placed in the last 7 days above this percent of the
    /// customer's average monthly sales.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub large_order_percent_of_monthly_sales: Option<Decimal>,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum AlertCode {
    /// Exposure above the utilisation threshold.
    UtilisationHigh,
    /// An item past due by more than the threshold.
    ItemOverdue,
    /// Days beyond terms worsening.
    DbtWorsening,
    /// The score dropped at a review.
    ScoreDrop,
    /// The risk class was downgraded at a review.
    ClassDowngrade,
    /// A promise to pay was broken.
    PromiseBroken,
    /// A payment plan is broken.
    PlanBroken,
    /// The credit limit's validity has passed.
    LimitExpired,
    /// The review date has passed.
    ReviewExpired,
    /// A large order relative to average monthly sales.
    LargeOrder,
}

/// A figure an alert shows: its observed value or the threshold it is
/// compared with. Its kind is fixed by the alert's code (see
/// [`AlertCode::figures`]), so every surface reads it back as the same
/// type: a count of days or points, a decimal (a percentage, an amount), a
/// date, a label, or nothing.
///
/// In JSON a figure is its plain value: a number, a decimal string, an ISO
/// date string, a string, or `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// No figure.
    None,
    /// A count: days, points, a level.
    Count(i64),
    /// A decimal: a percentage, an amount, a trend in days.
    Decimal(Decimal),
    /// A date.
    Date(NaiveDate),
    /// A label: a risk class, a plan state.
    Text(String),
}

/// The kind of figure an alert code shows (see [`AlertCode::figures`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FigureKind {
    /// [`Figure::Count`].
    Count,
    /// [`Figure::Decimal`].
    Decimal,
    /// [`Figure::Date`] (or [`Figure::None`] when the date is unknown).
    Date,
    /// [`Figure::Text`].
    Text,
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Figure::None => Ok(()),
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Decimal(d) => write!(f, "{d}"),
            Figure::Date(d) => write!(f, "{d}"),
            Figure::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Figure::None => s.serialize_none(),
            Figure::Count(n) => s.serialize_i64(*n),
            Figure::Decimal(d) => crate::serde_decimal::serialize(d, s),
            Figure::Date(d) => crate::serde_date::serialize(d, s),
            Figure::Text(t) => s.serialize_str(t),
        }
    }
}

impl Figure {
    /// Reads a figure of `kind` from its JSON value.
    fn read(kind: FigureKind, v: serde_json::Value, field: &str) -> Result<Figure, String> {
        use serde_json::Value as V;
        let bad = |v: &V| format!("{field}: expected a {kind:?} figure, got {v}");
        Ok(match (kind, v) {
            (_, V::Null) => Figure::None,
            (FigureKind::Count, V::Number(n)) => {
                Figure::Count(n.as_i64().ok_or_else(|| bad(&V::Number(n.clone())))?)
            }
            (FigureKind::Decimal, V::String(t)) => Figure::Decimal(
                crate::serde_decimal::parse_strict(&t).ok_or_else(|| bad(&V::String(t.clone())))?,
            ),
            (FigureKind::Date, V::String(t)) => {
                Figure::Date(t.parse().map_err(|_| bad(&V::String(t.clone())))?)
            }
            (FigureKind::Text, V::String(t)) => Figure::Text(t),
            (_, v) => return Err(bad(&v)),
        })
    }
}

impl AlertCode {
    /// The kinds of the observed figure and of the threshold this code
    /// shows:
    ///
    /// | code | observed | threshold |
    /// | --- | --- | --- |
    /// | `UTILISATION_HIGH` | utilisation in % (decimal) | the policy's % |
    /// | `ITEM_OVERDUE` | days overdue (count) | the policy's days |
    /// | `DBT_WORSENING` | the DBT trend in days (decimal) | the policy's days |
    /// | `SCORE_DROP` | the drop in points (decimal) | the policy's points (count) |
    /// | `CLASS_DOWNGRADE` | the new class (text) | the previous class |
    /// | `PROMISE_BROKEN` | the amount paid (decimal) | the amount promised |
    /// | `PLAN_BROKEN` | the plan's state (text) | the plan's breaking rule (text) |
    /// | `LIMIT_EXPIRED` | the limit's valid-to date (date, or none) | the date of the run |
    /// | `REVIEW_EXPIRED` | the review date (date) | the date of the run |
    /// | `LARGE_ORDER` | the order in % of monthly sales (decimal) | the policy's % |
    pub fn figures(self) -> (FigureKind, FigureKind) {
        use FigureKind as F;
        match self {
            AlertCode::UtilisationHigh | AlertCode::DbtWorsening | AlertCode::LargeOrder => {
                (F::Decimal, F::Decimal)
            }
            AlertCode::PromiseBroken => (F::Decimal, F::Decimal),
            AlertCode::ItemOverdue => (F::Count, F::Count),
            AlertCode::ScoreDrop => (F::Decimal, F::Count),
            AlertCode::ClassDowngrade | AlertCode::PlanBroken => (F::Text, F::Text),
            AlertCode::LimitExpired | AlertCode::ReviewExpired => (F::Date, F::Date),
        }
    }
}

/// An alert: a condition that holds for a customer (and a subject such as
/// an invoice or an order), with the figures and the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Code.
    pub code: AlertCode,
    /// Customer.
    pub customer: crate::customer::CustomerId,
    /// What it is about within the customer (invoice, order, promise date;
    /// empty for the account).
    pub subject: String,
    /// The observed figure (its kind: [`AlertCode::figures`]).
    pub observed: Figure,
    /// The threshold it is compared with.
    pub threshold: Figure,
    /// The date the condition was first seen.
    #[serde(with = "crate::serde_date")]
    pub raised_on: NaiveDate,
}

impl<'de> Deserialize<'de> for Alert {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct In {
            code: AlertCode,
            customer: crate::customer::CustomerId,
            subject: String,
            observed: serde_json::Value,
            threshold: serde_json::Value,
            #[serde(with = "crate::serde_date")]
            raised_on: NaiveDate,
        }
        let a = In::deserialize(d)?;
        let (o, t) = a.code.figures();
        let err = serde::de::Error::custom;
        Ok(Alert {
            code: a.code,
            customer: a.customer,
            subject: a.subject,
            observed: Figure::read(o, a.observed, "observed").map_err(err)?,
            threshold: Figure::read(t, a.threshold, "threshold").map_err(err)?,
            raised_on: a.raised_on,
        })
    }
}

impl Alert {
    /// The identity of the condition (code, customer, subject).
    pub fn key(&self) -> (AlertCode, String, String) {
        (self.code, self.customer.0.clone(), self.subject.clone())
    }
}

/// An active alert as a flat record, with whether this run raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertRow<'a> {
    /// The alert.
    #[serde(flatten)]
    pub alert: &'a Alert,
    /// Raised by this run (the condition started now).
    pub new: bool,
}

impl crate::rows::Row for AlertRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "customer",
        "subject",
        "observed",
        "threshold",
        "raised_on",
        "new",
    ];
}

/// An alert run: what started, what ended, what is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRun {
    /// The date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Conditions that started (not active in the previous run).
    pub raised: Vec<Alert>,
    /// Conditions of the previous run that no longer hold.
    pub cleared: Vec<Alert>,
    /// Every condition holding now (store it; pass it to the next run).
    pub active: Vec<Alert>,
}

impl AlertRun {
    /// Compares the conditions holding now with the previous run's active
    /// alerts: a condition already active keeps its first date and is not
    /// raised again.
    pub fn diff(as_of: NaiveDate, now: Vec<Alert>, previous: &[Alert]) -> AlertRun {
        let prev: BTreeMap<_, _> = previous.iter().map(|a| (a.key(), a)).collect();
        let mut raised = Vec::new();
        let mut active = Vec::with_capacity(now.len());
        let mut seen = std::collections::BTreeSet::new();
        for mut a in now {
            let k = a.key();
            if !seen.insert(k.clone()) {
                continue;
            }
            match prev.get(&k) {
                Some(p) => a.raised_on = p.raised_on,
                None => raised.push(a.clone()),
            }
            active.push(a);
        }
        let cleared = previous
            .iter()
            .filter(|p| !seen.contains(&p.key()))
            .cloned()
            .collect();
        active.sort_by_key(|a| a.key());
        raised.sort_by_key(|a| a.key());
        AlertRun {
            as_of,
            raised,
            cleared,
            active,
        }
    }

    /// The active alerts as flat records, each marked when this run raised
    /// it, in (code, customer, subject) order.
    pub fn rows(&self) -> Vec<AlertRow<'_>> {
        let raised: std::collections::BTreeSet<_> = self.raised.iter().map(Alert::key).collect();
        self.active
            .iter()
            .map(|alert| AlertRow {
                alert,
                new: raised.contains(&alert.key()),
            })
            .collect()
    }
}

impl crate::error::Classify for MonitorError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            MonitorError::Overflow(_) => crate::error::ErrorKind::Overflow,
            MonitorError::Plan(e) => e.kind(),
            // Reported as before this error had its own variant (as a
            // policy field): the report's arguments failed validation.
            MonitorError::InvalidArgument { .. } => crate::error::ErrorKind::Validation,
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            MonitorError::Plan(e) => e.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every rounding mode of the integer ratio agrees with `Decimal`'s
    /// rounding of the exact quotient (n / 1000 is exact in decimals).
    #[test]
    fn every_rounding_mode_matches_decimal_rounding() {
        for mode in RoundingMode::ALL {
            for n in -2000i128..=2000 {
                let exact = Decimal::new(i64::try_from(n).unwrap(), 3);
                assert_eq!(
                    exact_ratio(n, 1000, 1, mode),
                    Some(round_dp(exact, 2, mode)),
                    "{n} {mode:?}"
                );
            }
        }
    }

    #[test]
    fn ratios_round_half_even_exactly() {
        let r = |n: i128, d: i128, s: i128| {
            exact_ratio(n, d, s, RoundingMode::HalfEven).map(|v| v.to_string())
        };
        // 1/8 × 100 = 12.5 exactly; 1/3 × 100 = 33.333…
        assert_eq!(r(1, 8, 100).as_deref(), Some("12.50"));
        assert_eq!(r(1, 3, 100).as_deref(), Some("33.33"));
        assert_eq!(r(2, 3, 100).as_deref(), Some("66.67"));
        // Ties at the third decimal: 0.125 → 0.12, 0.375 → 0.38, -0.125 → -0.12.
        assert_eq!(r(1, 8, 1).as_deref(), Some("0.12"));
        assert_eq!(r(3, 8, 1).as_deref(), Some("0.38"));
        assert_eq!(r(-1, 8, 1).as_deref(), Some("-0.12"));
        assert_eq!(r(1, -8, 1).as_deref(), Some("-0.12"));
        // Just over a tie goes up: 1001/8000 = 0.125125.
        assert_eq!(r(1001, 8000, 1).as_deref(), Some("0.13"));
        assert_eq!(r(1, 0, 1), None);
        // Overflowing products fall back to decimals (same rounding) or,
        // beyond their range, an undefined value: never a panic.
        let he = RoundingMode::HalfEven;
        assert_eq!(exact_ratio(i128::MAX / 10, 7, 100, he), None);
        let v = KpiValue::ratio(10i128.pow(27), 3 * 10i128.pow(27), 10i128.pow(12), he);
        assert_eq!(v.value, Some("333333333333.33".parse().unwrap()));
        let v = KpiValue::ratio(10i128.pow(36), 10i128.pow(36), 100, he);
        assert_eq!(v.undefined.as_deref(), Some(TOO_LARGE));
    }

    #[test]
    fn buckets_and_labels() {
        let a = AgingPolicy::default();
        assert_eq!(a.labels(), ["current", "1-30", "31-60", "61-90", "91+"]);
        assert_eq!(
            [
                a.bucket(-5),
                a.bucket(0),
                a.bucket(1),
                a.bucket(30),
                a.bucket(31),
                a.bucket(91)
            ],
            [0, 0, 1, 1, 2, 4]
        );
        assert!(AgingPolicy {
            basis: AgingBasis::DaysPastDue,
            bounds: vec![30, 30]
        }
        .validate()
        .is_err());
    }

    #[test]
    fn kpis_by_hand_and_undefined() {
        // Period of 30 days: begin AR 1000, sales 3000, end AR 1500 of which
        // 900 current and 200 over 90 days.
        let mut p = Partial::new(5, 3);
        p.ar_begin = 100_000;
        p.sales = 300_000;
        p.ar_end = 150_000;
        p.ar_current = 90_000;
        p.ar_over_90 = 20_000;
        p.monthly_sales = vec![100_000, 80_000, 50_000];
        p.paid = 200_000;
        p.paid_days = 200_000 * 35;
        p.paid_days_beyond = 50_000 * 10;
        // September 2026: 30 days, then August and July (31 each).
        let (from, to) = (d(2026, 9, 1), d(2026, 9, 30));
        let basis = KpiBasis::new(from, to, 3, &KpiConventions::default()).unwrap();
        assert_eq!(
            (basis.days, basis.month_days.as_slice()),
            (30, &[30, 31, 31][..])
        );
        let k = p.kpis(&basis, 2).unwrap();
        // DSO = 1500 / 3000 × 30 = 15; BPDSO = 900 / 3000 × 30 = 9; ADD 6.
        assert_eq!(k.dso.value, Some(Decimal::from(15)));
        assert_eq!(k.best_possible_dso.value, Some(Decimal::from(9)));
        assert_eq!(k.average_days_delinquent.value, Some(Decimal::from(6)));
        // CEI = (1000 + 3000 − 1500) / (1000 + 3000 − 900) × 100 = 80.645… → 80.65.
        assert_eq!(k.cei.value, Some("80.65".parse().unwrap()));
        // Countback: 1500 − 1000 (30 days) = 500; 500 / 800 × 31 = 19.375 → 49.38.
        assert_eq!(k.countback_dso.value, Some("49.38".parse().unwrap()));
        // ADP 35; ADBT 500 × 10 / 2000 = 2.5.
        assert_eq!(k.average_days_to_pay.value, Some(Decimal::from(35)));
        assert_eq!(
            k.average_days_beyond_terms.value,
            Some("2.5".parse().unwrap())
        );
        assert_eq!(k.percent_current.value, Some(Decimal::from(60)));
        assert_eq!(k.percent_over_90.value, Some("13.33".parse().unwrap()));
        // Nothing sold: undefined, with the reason.
        let z = Partial::new(5, 3).kpis(&basis, 2).unwrap();
        assert_eq!(z.dso.value, None);
        assert_eq!(
            z.dso.undefined.as_deref(),
            Some("no credit sales in the period")
        );
        assert_eq!(z.promises_kept.value, None);
        // Issue 14, the variants on the same sums (each by hand):
        let with = |c: KpiConventions| p.kpis(&KpiBasis::new(from, to, 3, &c).unwrap(), 2).unwrap();
        // Average receivables: (1000 + 1500) / 2 / 3000 × 30 = 12.50.
        let k = with(KpiConventions {
            dso_receivables: DsoReceivables::Average,
            ..KpiConventions::default()
        });
        assert_eq!(k.dso.value, Some("12.50".parse().unwrap()));
        assert_eq!(k.best_possible_dso.value, Some(Decimal::from(9)));
        // A fixed 360-day year: 1500 / 3000 × 360 = 180.
        let k = with(KpiConventions {
            days_in_period: DaysInPeriod::Fixed(360),
            ..KpiConventions::default()
        });
        assert_eq!(
            (k.days_in_period, k.dso.value),
            (360, Some(Decimal::from(180)))
        );
        // CRF CEI with N = 3: (1000 + 3000/3 − 1500) / (1000 + 3000/3 −
        // 900) = 500 / 1100 = 45.4545… → 45.45.
        let k = with(KpiConventions {
            cei_sales: CeiSales::Months(3),
            ..KpiConventions::default()
        });
        assert_eq!(k.cei.value, Some("45.45".parse().unwrap()));
        // Countback on 30-day months: 30 + 500 / 800 × 30 = 48.75.
        let k = with(KpiConventions {
            countback_month_days: MonthDays::Thirty,
            ..KpiConventions::default()
        });
        assert_eq!(k.countback_dso.value, Some("48.75".parse().unwrap()));
        // Signed days beyond terms: 500 paid 10 days late, 1500 4 days
        // early: (5000 − 6000) / 2000 = −0.50; late-only 2.50.
        let mut q = p.clone();
        q.paid_days_signed = 50_000 * 10 - 150_000 * 4;
        let k = q.kpis(&basis, 2).unwrap();
        assert_eq!(
            k.average_days_beyond_terms_signed.value,
            Some("-0.50".parse().unwrap())
        );
        assert_eq!(
            k.average_days_beyond_terms.value,
            Some("2.50".parse().unwrap())
        );
        // Rounding at an exact half with an even last digit: 250 × 1 day /
        // 2000 = 0.125 → 0.12 half-even (the default), 0.13 half-up.
        q.paid_days_beyond = 25_000;
        let k = q.kpis(&basis, 2).unwrap();
        assert_eq!(
            k.average_days_beyond_terms.value,
            Some("0.12".parse().unwrap())
        );
        let up = KpiConventions {
            rounding: RoundingMode::HalfUp,
            ..KpiConventions::default()
        };
        let k = q
            .kpis(&KpiBasis::new(from, to, 3, &up).unwrap(), 2)
            .unwrap();
        assert_eq!(
            k.average_days_beyond_terms.value,
            Some("0.13".parse().unwrap())
        );
        // −0.125 rounds away from zero half-up (−0.13), to even (−0.12).
        q.paid_days_signed = -25_000;
        let k = q
            .kpis(&KpiBasis::new(from, to, 3, &up).unwrap(), 2)
            .unwrap();
        assert_eq!(
            k.average_days_beyond_terms_signed.value,
            Some("-0.13".parse().unwrap())
        );
        assert_eq!(
            q.kpis(&basis, 2)
                .unwrap()
                .average_days_beyond_terms_signed
                .value,
            Some("-0.12".parse().unwrap())
        );
    }

    /// 30-day months (30E/360 ISDA, ISDA 2006 §4.16(h)): every whole month
    /// is 30, February too; a quarter 90, a year 360; a part month its
    /// days. CRF's N for "monthly_average" is the months the period spans.
    #[test]
    fn thirty_day_months_and_crf_months() {
        let t = KpiConventions {
            days_in_period: DaysInPeriod::Thirty360,
            cei_sales: CeiSales::MonthlyAverage,
            countback_month_days: MonthDays::Thirty,
            ..KpiConventions::default()
        };
        let b = |f, t2, c: &KpiConventions| KpiBasis::new(f, t2, 3, c).unwrap();
        for (f, t2, days, n) in [
            (d(2026, 2, 1), d(2026, 2, 28), 30, 1),
            (d(2028, 2, 1), d(2028, 2, 29), 30, 1),
            (d(2026, 1, 1), d(2026, 3, 31), 90, 3),
            (d(2026, 1, 1), d(2026, 12, 31), 360, 12),
            (d(2026, 2, 1), d(2026, 2, 15), 15, 1),
            (d(2026, 1, 15), d(2026, 2, 14), 30, 2),
        ] {
            let x = b(f, t2, &t);
            assert_eq!((x.days, x.cei_months), (days, Some(n)), "{f} {t2}");
        }
        // Countback months: a period ending mid-month counts its days (at
        // most 30), the months before 30 each; actual days otherwise.
        assert_eq!(
            b(d(2026, 3, 1), d(2026, 3, 15), &t).month_days,
            [15, 30, 30]
        );
        assert_eq!(
            b(d(2026, 3, 1), d(2026, 3, 31), &t).month_days,
            [30, 30, 30]
        );
        let a = KpiConventions::default();
        assert_eq!(
            b(d(2026, 3, 1), d(2026, 3, 31), &a).month_days,
            [31, 28, 31]
        );
        assert_eq!(b(d(2026, 3, 1), d(2026, 3, 31), &a).days, 31);
        // Validation names the field.
        let bad = KpiConventions {
            countback_look_back_months: Some(241),
            ..KpiConventions::default()
        };
        assert_eq!(bad.validate().unwrap_err().0, "countback_look_back_months");
    }

    #[test]
    fn merging_partials_equals_one_pass() {
        let mut a = Partial::new(2, 1);
        a.buckets = vec![5, 7];
        a.sales = 10;
        a.ar_end = 4;
        let mut b = Partial::new(2, 1);
        b.buckets = vec![1, 2];
        b.sales = 30;
        b.ar_end = 6;
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m.buckets, [6, 9]);
        assert_eq!((m.sales, m.ar_end), (40, 10));
    }

    #[test]
    fn plan_performance_counts() {
        let terms = |start: &str| -> crate::plans::PlanTerms {
            serde_json::from_str(&format!(
                r#"{{"currency": "EUR", "principal": "100.00", "start": "{start}", "frequency": "monthly",
                    "installments": 2, "method": "equal_split", "broken": {{"days_late": 30}}}}"#
            ))
            .unwrap()
        };
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // As of 2026-03-10: one not due yet (current), one 9 days late
        // (due 03-01), one 37 days late (due 02-01: broken), one paid.
        let current = crate::plans::PaymentPlan::new(terms("2026-03-01")).unwrap();
        let late = crate::plans::PaymentPlan::new(terms("2026-02-01")).unwrap();
        let broken = crate::plans::PaymentPlan::new(terms("2026-01-01")).unwrap();
        let mut done = crate::plans::PaymentPlan::new(terms("2026-01-01")).unwrap();
        done.apply_payment(d("2026-01-15"), Decimal::from(100))
            .unwrap();
        let p = plan_performance(&[current, late, broken, done], d("2026-03-10")).unwrap();
        assert_eq!(
            (p.plans, p.current, p.late, p.broken, p.completed),
            (4, 1, 1, 1, 1)
        );
        assert_eq!(p.percent_current.value, Some("33.33".parse().unwrap()));
        assert_eq!(
            plan_performance(&[], d("2026-03-10"))
                .unwrap()
                .percent_current
                .value,
            None
        );
    }

    #[test]
    fn goals_judge_with_a_band() {
        let g = Goal {
            name: "DSO".into(),
            kpi: Kpi::Dso,
            scope: GroupBy::Total,
            key: None,
            target: Decimal::from(45),
            direction: Direction::AtMost,
            tolerance: Decimal::from(5),
            period: GoalPeriod::Month,
        };
        assert_eq!(g.judge(Some(Decimal::from(40))).0, GoalStatus::Met);
        assert_eq!(g.judge(Some(Decimal::from(45))).0, GoalStatus::Met);
        assert_eq!(
            g.judge(Some(Decimal::from(48))),
            (GoalStatus::AtRisk, Some(Decimal::from(3)))
        );
        assert_eq!(g.judge(Some(Decimal::from(51))).0, GoalStatus::Missed);
        assert_eq!(g.judge(None).0, GoalStatus::Undefined);
        let g = Goal {
            direction: Direction::AtLeast,
            target: Decimal::from(80),
            ..g
        };
        assert_eq!(g.judge(Some(Decimal::from(77))).0, GoalStatus::AtRisk);
        assert_eq!(g.judge(Some(Decimal::from(90))).0, GoalStatus::Met);
        // A gap past the decimal range (issue 14): no gap, the status by
        // comparison — far below an at-least target is missed, far above
        // met.
        let g = Goal {
            target: Decimal::MAX,
            ..g
        };
        assert_eq!(g.judge(Some(Decimal::MIN)), (GoalStatus::Missed, None));
        let g = Goal {
            target: Decimal::MIN,
            ..g
        };
        assert_eq!(g.judge(Some(Decimal::MAX)), (GoalStatus::Met, None));
    }
}
