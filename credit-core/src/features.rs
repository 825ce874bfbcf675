//! Behavioural features of a credit account, computed from the ledger as of
//! a date, to feed scorecards by name beside host-supplied attributes.
//!
//! Windows: "last N months" is the dates after `as_of − N months` up to and
//! including `as_of` (calendar months, clipped at month ends).
//!
//! * `avg_days_to_pay_{3,6,12}m` — payment-weighted average of (payment
//!   date − invoice date) over the amounts payments settled in the window
//!   (discounts taken count with the payment that earned them);
//! * `avg_days_beyond_terms_{3,6,12}m` — the same of max(0, payment date −
//!   due date): early payments count as zero days beyond terms;
//! * `share_paid_late_12m` — of the invoices a payment fully settled in the
//!   window, the share settled after their due date;
//! * `max_days_overdue_12m` — the most days past due of an invoice settled
//!   in the window or still open;
//! * `current_days_overdue` — days past due of the oldest open overdue item
//!   or installment that open credits (cash and credit notes on account, oldest items
//!   first) do not cover (0 if none); credits cover only when the policy's
//!   `credits.in_check` says so (the default), as in the credit check;
//! * `overdue_share` — uncovered overdue amount / open balance net of open
//!   credits (undefined when that is not positive);
//! * `utilisation` — exposure / effective limit (set by the book; undefined
//!   without a limit or with an unlimited one);
//! * `max_dunning_level_12m`, `disputes_12m`, `broken_promises_12m`,
//!   `kept_promises_12m` — counts from events in the window (a promise is
//!   broken when its date has passed, within the window, short of the
//!   promised amount);
//! * `months_since_first_invoice` — whole months from the first invoice;
//! * `dbt_trend` — `avg_days_beyond_terms` of the last 3 months minus that
//!   of the 3 months before (positive = paying later);
//! * `avg_monthly_sales_12m` — invoiced in the window / 12, in the
//!   account's currency (for limit rules; money, so a decimal).
//!
//! An undefined feature is `None`, scored as a missing value.

use chrono::{Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::exposure::{BookView, Fx};
use crate::ledger::{AccountState, ApplyRules, Event, EventKind, LedgerError};
use crate::money::{Currency, RoundingMode};
use crate::scoring::{Attributes, Value};

/// Behavioural features of one account as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// The date the features describe.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Payment-weighted average days to pay, last 3 months.
    pub avg_days_to_pay_3m: Option<f64>,
    /// Payment-weighted average days to pay, last 6 months.
    pub avg_days_to_pay_6m: Option<f64>,
    /// Payment-weighted average days to pay, last 12 months.
    pub avg_days_to_pay_12m: Option<f64>,
    /// Payment-weighted average days beyond terms, last 3 months.
    pub avg_days_beyond_terms_3m: Option<f64>,
    /// Payment-weighted average days beyond terms, last 6 months.
    pub avg_days_beyond_terms_6m: Option<f64>,
    /// Payment-weighted average days beyond terms, last 12 months.
    pub avg_days_beyond_terms_12m: Option<f64>,
    /// Share of invoices settled in the last 12 months that were settled late.
    pub share_paid_late_12m: Option<f64>,
    /// Most days past due of an invoice settled in the last 12 months or open.
    pub max_days_overdue_12m: i64,
    /// Days past due of the oldest open overdue item.
    pub current_days_overdue: i64,
    /// Overdue open amount / open balance.
    pub overdue_share: Option<f64>,
    /// Exposure / effective limit.
    pub utilisation: Option<f64>,
    /// Highest dunning level issued in the last 12 months.
    pub max_dunning_level_12m: u8,
    /// Disputes opened in the last 12 months.
    pub disputes_12m: u32,
    /// Promises to pay due in the last 12 months and broken.
    pub broken_promises_12m: u32,
    /// Promises to pay due in the last 12 months and kept.
    pub kept_promises_12m: u32,
    /// Whole months since the first invoice.
    pub months_since_first_invoice: Option<u32>,
    /// Days-beyond-terms trend: last 3 months minus the 3 before.
    pub dbt_trend: Option<f64>,
    /// Invoiced in the last 12 months / 12, in the account currency.
    #[serde(with = "crate::serde_decimal")]
    pub avg_monthly_sales_12m: Decimal,
    /// The account currency.
    pub currency: Currency,
}

/// The feature names [`Features::to_attributes`] writes.
pub const FEATURE_NAMES: [&str; 18] = [
    "avg_days_to_pay_3m",
    "avg_days_to_pay_6m",
    "avg_days_to_pay_12m",
    "avg_days_beyond_terms_3m",
    "avg_days_beyond_terms_6m",
    "avg_days_beyond_terms_12m",
    "share_paid_late_12m",
    "max_days_overdue_12m",
    "current_days_overdue",
    "overdue_share",
    "utilisation",
    "max_dunning_level_12m",
    "disputes_12m",
    "broken_promises_12m",
    "kept_promises_12m",
    "months_since_first_invoice",
    "dbt_trend",
    "avg_monthly_sales_12m",
];

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Missing, Value::Number)
}

impl Features {
    /// The features as scorecard attributes, by the names in
    /// [`FEATURE_NAMES`]; undefined ones are missing.
    pub fn to_attributes(&self) -> Attributes {
        let vals = [
            opt(self.avg_days_to_pay_3m),
            opt(self.avg_days_to_pay_6m),
            opt(self.avg_days_to_pay_12m),
            opt(self.avg_days_beyond_terms_3m),
            opt(self.avg_days_beyond_terms_6m),
            opt(self.avg_days_beyond_terms_12m),
            opt(self.share_paid_late_12m),
            Value::Number(self.max_days_overdue_12m as f64),
            Value::Number(self.current_days_overdue as f64),
            opt(self.overdue_share),
            opt(self.utilisation),
            Value::Number(f64::from(self.max_dunning_level_12m)),
            Value::Number(f64::from(self.disputes_12m)),
            Value::Number(f64::from(self.broken_promises_12m)),
            Value::Number(f64::from(self.kept_promises_12m)),
            opt(self.months_since_first_invoice.map(f64::from)),
            opt(self.dbt_trend),
            Value::Number(self.avg_monthly_sales_12m.to_f64().unwrap_or(f64::NAN)),
        ];
        FEATURE_NAMES
            .iter()
            .map(|n| n.to_string())
            .zip(vals)
            .collect()
    }
}

/// Weighted sums of days over a window, exact.
#[derive(Default, Clone, Copy)]
struct Acc {
    weight: Decimal,
    to_pay: Decimal,
    beyond: Decimal,
}

impl Acc {
    fn add(&mut self, w: Decimal, to_pay: i64, beyond: i64) -> Result<(), LedgerError> {
        let ov = || LedgerError::Overflow("feature sums");
        self.weight = self.weight.checked_add(w).ok_or_else(ov)?;
        self.to_pay = self
            .to_pay
            .checked_add(w.checked_mul(Decimal::from(to_pay)).ok_or_else(ov)?)
            .ok_or_else(ov)?;
        self.beyond = self
            .beyond
            .checked_add(w.checked_mul(Decimal::from(beyond)).ok_or_else(ov)?)
            .ok_or_else(ov)?;
        Ok(())
    }

    fn avg(&self, sum: Decimal) -> Option<f64> {
        if self.weight.is_zero() {
            None
        } else {
            sum.checked_div(self.weight)?.to_f64()
        }
    }
}

fn months_back(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n))
        .unwrap_or(NaiveDate::MIN)
}

/// Whole months from `from` to `to` (0 when `to` is before `from`).
fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    use chrono::Datelike;
    let m = (to.year() - from.year()) * 12 + to.month() as i32
        - from.month() as i32
        - i32::from(to.day() < from.day());
    m.max(0) as u32
}

/// The features of customer `c`'s account in `segment` of a book as of a
/// date: [`compute`] over the account's events, with `utilisation` =
/// exposure / effective limit (an account the customer does not have yet
/// has no events).
///
/// # Errors
/// As [`compute`]; the exposure's errors.
pub(crate) fn of_account<B: BookView>(
    book: &B,
    c: usize,
    segment: &str,
    as_of: NaiveDate,
) -> Result<Features, B::Error> {
    let currency = book.customer(c, as_of).segment_currency(segment);
    let Some(a) = book.account_in(c, segment) else {
        return Ok(compute(
            [],
            currency,
            as_of,
            book.rules(),
            book.fx(as_of),
            false,
        )?);
    };
    let mut f = compute(
        book.effective_events(a),
        currency,
        as_of,
        book.rules(),
        book.fx(as_of),
        book.credit_cover().in_check,
    )?;
    let x = book.exposure(a, as_of)?;
    f.utilisation = match x.limit {
        Some(l) if l > Decimal::ZERO => x.total.checked_div(l).and_then(|u| u.to_f64()),
        _ => None,
    };
    Ok(f)
}

/// Computes an account's features from its events (in date order, dated on
/// or before `as_of`, reversed ones left out). `utilisation` is left
/// undefined: the book sets it. `credits_cover`: open credits cover the
/// oldest overdue items (the policy's `credits.in_check`).
///
/// # Errors
/// A [`LedgerError`] if an event does not apply (as when the book applied
/// it, so not for a book's own events) or a missing FX rate for an invoice
/// in another currency than the account's.
pub fn compute<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    currency: Currency,
    as_of: NaiveDate,
    terms: &ApplyRules,
    fx: Fx<'_>,
    credits_cover: bool,
) -> Result<Features, LedgerError> {
    let starts = [
        months_back(as_of, 3),
        months_back(as_of, 6),
        months_back(as_of, 12),
    ];
    let prior_start = months_back(as_of, 6);
    let prior_end = starts[0];
    let mut acc = [Acc::default(); 3];
    let mut prior = Acc::default();
    let (mut settled, mut settled_late) = (0u32, 0u32);
    let mut max_late = 0i64;
    let mut dunning = 0u8;
    let mut disputes = 0u32;
    let mut first_invoice: Option<NaiveDate> = None;
    let mut sales = Decimal::ZERO;
    let mut st = AccountState::new(currency);
    let mut applied = Vec::new();
    for ev in events {
        if ev.date > as_of {
            break;
        }
        applied.clear();
        st.apply_traced(ev, terms, &mut applied)?;
        let in12 = ev.date > starts[2];
        match &ev.kind {
            EventKind::Invoiced {
                amount,
                currency: c,
                ..
            } => {
                first_invoice.get_or_insert(ev.date);
                if in12 {
                    let v = fx.convert(*amount, *c, currency)?;
                    sales = sales.checked_add(v).ok_or(LedgerError::Overflow("sales"))?;
                }
            }
            EventKind::OpenItemImported { invoice_date, .. } => {
                let f = first_invoice.get_or_insert(*invoice_date);
                *f = (*f).min(*invoice_date);
            }
            EventKind::DunningNotice { level, .. } if in12 => dunning = dunning.max(*level),
            EventKind::DisputeOpened { .. } if in12 => disputes += 1,
            _ => {}
        }
        for &(i, paid, disc) in &applied {
            let it = &st.items[i];
            let w =
                crate::money::add_exact(paid, disc).ok_or(LedgerError::Overflow("feature sums"))?;
            let to_pay = (ev.date - it.invoice_date).num_days();
            let late = (ev.date - it.due_date).num_days();
            let beyond = late.max(0);
            for (a, &s) in acc.iter_mut().zip(&starts) {
                if ev.date > s {
                    a.add(w, to_pay, beyond)?;
                }
            }
            if ev.date > prior_start && ev.date <= prior_end {
                prior.add(w, to_pay, beyond)?;
            }
            if in12 && it.open.is_zero() {
                settled += 1;
                if late > 0 {
                    settled_late += 1;
                    max_late = max_late.max(late);
                }
            }
        }
    }
    // The balance is net of open credits (cash and credit notes on
    // account); with `credits_cover` (the check's reading, `CreditCover`)
    // they also cover the oldest overdue lines first — the same walk as
    // the check's (`exposure::overdue_lines`). Disputed amounts still
    // count as overdue here (a behaviour signal), never covered.
    let credits = crate::exposure::open_credits(&st, currency, fx)?;
    let mut balance = Decimal::ZERO;
    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
        let v = fx.convert(it.open, it.currency, currency)?;
        balance = balance
            .checked_add(v)
            .ok_or(LedgerError::Overflow("balance"))?;
    }
    let mut overdue = Decimal::ZERO;
    let mut current = 0i64;
    for l in crate::exposure::overdue_lines(&st, as_of, fx, credits_cover)? {
        let disputed = fx.convert(l.disputed, st.items[l.item].currency, currency)?;
        let left = l
            .uncovered()
            .checked_add(disputed)
            .ok_or(LedgerError::Overflow("overdue"))?;
        if left.is_zero() {
            continue;
        }
        overdue = overdue
            .checked_add(left)
            .ok_or(LedgerError::Overflow("overdue"))?;
        current = current.max((as_of - l.due).num_days());
    }
    let balance = crate::money::sub_nonneg(balance, credits);
    let (mut broken, mut kept) = (0u32, 0u32);
    for p in &st.promises {
        if p.promised_date > starts[2] && p.promised_date < as_of {
            if p.paid >= p.amount {
                kept += 1;
            } else {
                broken += 1;
            }
        }
    }
    let dbt3 = acc[0].avg(acc[0].beyond);
    let dbt_prior = prior.avg(prior.beyond);
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "a quotient by 12 is smaller than the sum: it cannot overflow"
    )]
    let monthly = sales / Decimal::from(12);
    let avg_sales = crate::money::round_dp(monthly, currency.minor_units(), RoundingMode::HalfEven);
    Ok(Features {
        as_of,
        avg_days_to_pay_3m: acc[0].avg(acc[0].to_pay),
        avg_days_to_pay_6m: acc[1].avg(acc[1].to_pay),
        avg_days_to_pay_12m: acc[2].avg(acc[2].to_pay),
        avg_days_beyond_terms_3m: dbt3,
        avg_days_beyond_terms_6m: acc[1].avg(acc[1].beyond),
        avg_days_beyond_terms_12m: acc[2].avg(acc[2].beyond),
        share_paid_late_12m: (settled > 0).then(|| f64::from(settled_late) / f64::from(settled)),
        max_days_overdue_12m: max_late.max(current),
        current_days_overdue: current,
        overdue_share: if balance > Decimal::ZERO {
            overdue.checked_div(balance).and_then(|x| x.to_f64())
        } else {
            None
        },
        utilisation: None,
        max_dunning_level_12m: dunning,
        disputes_12m: disputes,
        broken_promises_12m: broken,
        kept_promises_12m: kept,
        months_since_first_invoice: first_invoice.map(|f| whole_months(f, as_of)),
        dbt_trend: match (dbt3, dbt_prior) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        },
        avg_monthly_sales_12m: avg_sales,
        currency,
    })
}
