//! Exposure: what an account owes and has ordered, by category, in its
//! credit currency — the figures the credit check reads, the overdue
//! figures, the category weights and the host's FX rates.
//!
//! Every figure here is a view of the ledger's open items and orders
//! ([`AccountState`]); nothing is stored.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::{Dated, OrderId};
use crate::ledger::{to_units, AccountState, LedgerError};
use crate::money::{sub_nonneg, Currency, MoneyError, RoundingMode};

/// Exposure of an account by category, unweighted, in the account's credit
/// currency, *without* the order being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Figures {
    /// Undelivered value of open orders (incl. orders reserved by checks).
    #[serde(with = "crate::serde_decimal")]
    pub open_orders: Decimal,
    /// The part of `open_orders` due for delivery within the horizon.
    #[serde(with = "crate::serde_decimal")]
    pub open_orders_in_horizon: Decimal,
    /// Delivered, not yet invoiced.
    #[serde(with = "crate::serde_decimal")]
    pub delivered_not_invoiced: Decimal,
    /// Open receivables, undisputed part, net of open credits (cash and
    /// credit notes on account).
    #[serde(with = "crate::serde_decimal")]
    pub receivables: Decimal,
    /// Disputed part of open receivables.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Host-supplied special liabilities.
    #[serde(with = "crate::serde_decimal")]
    pub special_liabilities: Decimal,
}

impl Figures {
    /// Weighted exposure; `dynamic` counts only orders within the horizon.
    /// `None` on overflow.
    pub fn weighted(&self, w: &ExposureWeights, dynamic: bool) -> Option<Decimal> {
        let orders = if dynamic {
            self.open_orders_in_horizon
        } else {
            self.open_orders
        };
        [
            (orders, w.open_orders),
            (self.delivered_not_invoiced, w.delivered_not_invoiced),
            (self.receivables, w.open_receivables),
            (self.disputed, w.disputed),
            (self.special_liabilities, w.special_liabilities),
        ]
        .iter()
        .try_fold(Decimal::ZERO, |acc, (v, wt)| {
            acc.checked_add(v.checked_mul(*wt)?)
        })
    }

    /// Unweighted total (all orders).
    pub fn total(&self) -> Option<Decimal> {
        self.weighted(&ExposureWeights::default(), false)
    }
}

/// Weights of the exposure categories (1 counts in full, 0 leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureWeights {
    /// Open (undelivered) orders, incl. approved orders reserved by a check.
    #[serde(with = "crate::serde_decimal")]
    pub open_orders: Decimal,
    /// Delivered, not yet invoiced.
    #[serde(with = "crate::serde_decimal")]
    pub delivered_not_invoiced: Decimal,
    /// Open receivables (undisputed part, net of open credits).
    #[serde(with = "crate::serde_decimal")]
    pub open_receivables: Decimal,
    /// Disputed part of open receivables.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Host-supplied special liabilities.
    #[serde(with = "crate::serde_decimal")]
    pub special_liabilities: Decimal,
}

impl Default for ExposureWeights {
    fn default() -> Self {
        ExposureWeights {
            open_orders: Decimal::ONE,
            delivered_not_invoiced: Decimal::ONE,
            open_receivables: Decimal::ONE,
            disputed: Decimal::ONE,
            special_liabilities: Decimal::ONE,
        }
    }
}

/// Host-supplied FX rates, `amount_in_to = amount_in_from × rate`, each
/// pair's rate kept by valid-from date ([`Dated`]): a conversion on a date
/// uses the rate in force that day, so an as-of view of last quarter
/// converts at last quarter's rates and a new rate never rewrites it.
///
/// JSON: a list of `[from, to, "rate"]` (the pair's base rate, in force
/// before any dated one) and `[from, to, "rate", "valid_from"]` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FxRates {
    rates: Vec<(Currency, Currency, Dated<Decimal>)>,
}

impl FxRates {
    /// Sets the base rate from `from` to `to` (must be positive): in force
    /// on every date before the pair's first dated rate.
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`] for a rate that is not positive, or
    /// a "rate" from a currency to itself (always 1: storing another value
    /// would be ignored, so it is refused).
    pub fn set(&mut self, from: Currency, to: Currency, rate: Decimal) -> Result<(), MoneyError> {
        self.set_from(from, to, rate, None)
    }

    /// Sets the rate from `from` to `to` in force from `valid_from` (`None`:
    /// the base rate) until the pair's next dated rate; a rate with a date
    /// already held replaces that one.
    ///
    /// # Errors
    /// As [`FxRates::set`].
    pub fn set_from(
        &mut self,
        from: Currency,
        to: Currency,
        rate: Decimal,
        valid_from: Option<NaiveDate>,
    ) -> Result<(), MoneyError> {
        if from == to {
            return Err(MoneyError::InvalidArgument {
                field: "to_currency",
                value: to.to_string(),
                reason: "a rate needs two different currencies",
            });
        }
        if rate <= Decimal::ZERO {
            return Err(MoneyError::InvalidArgument {
                field: "rate",
                value: rate.to_string(),
                reason: "must be positive",
            });
        }
        match self
            .rates
            .iter_mut()
            .find(|(f, t, _)| *f == from && *t == to)
        {
            Some(r) => {
                r.2.set(valid_from, rate);
            }
            None => {
                let mut v = Dated::default();
                v.set(valid_from, rate);
                self.rates.push((from, to, v));
            }
        }
        Ok(())
    }

    /// The rate from `from` to `to` in force on `date`, if any.
    pub fn rate(&self, from: Currency, to: Currency, date: NaiveDate) -> Option<Decimal> {
        self.rates
            .iter()
            .find(|(f, t, _)| *f == from && *t == to)
            .and_then(|r| r.2.on(date).copied())
    }

    /// The rates in force on `date`, to convert with.
    pub fn on(&self, date: NaiveDate) -> Fx<'_> {
        Fx { rates: self, date }
    }

    /// Every rate as (from, to, valid-from, rate): pairs in the order they
    /// were first set, each pair's base first, then by date.
    pub fn all(
        &self,
    ) -> impl Iterator<Item = (Currency, Currency, Option<NaiveDate>, Decimal)> + '_ {
        self.rates
            .iter()
            .flat_map(|(f, t, v)| v.iter().map(move |(d, r)| (*f, *t, d, *r)))
    }
}

impl Serialize for FxRates {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::serde_date::Day;
        use crate::serde_decimal::Dec;
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Entry {
            Base(Currency, Currency, Dec),
            From(Currency, Currency, Dec, Day),
        }
        s.collect_seq(self.all().map(|(f, t, d, r)| match d {
            None => Entry::Base(f, t, Dec(r)),
            Some(d) => Entry::From(f, t, Dec(r), Day(d)),
        }))
    }
}

impl<'de> Deserialize<'de> for FxRates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use crate::serde_date::Day;
        use crate::serde_decimal::Dec;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            From(Currency, Currency, Dec, Day),
            Base(Currency, Currency, Dec),
        }
        let mut out = FxRates::default();
        for e in Vec::<Entry>::deserialize(d)? {
            let (f, t, r, day) = match e {
                Entry::Base(f, t, r) => (f, t, r.0, None),
                Entry::From(f, t, r, day) => (f, t, r.0, Some(day.0)),
            };
            let dup = out
                .rates
                .iter()
                .any(|(a, b, v)| *a == f && *b == t && v.exactly(day).is_some());
            if dup {
                return Err(serde::de::Error::custom(format!(
                    "FX rate {f}->{t} from {} is listed twice",
                    day.map_or("the start".to_string(), |x| x.to_string())
                )));
            }
            out.set_from(f, t, r, day)
                .map_err(serde::de::Error::custom)?;
        }
        Ok(out)
    }
}

/// The FX rates in force on one date ([`FxRates::on`]).
#[derive(Debug, Clone, Copy)]
pub struct Fx<'a> {
    rates: &'a FxRates,
    date: NaiveDate,
}

impl Fx<'_> {
    /// The date the rates are read on.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Converts `amount` from `from` to `to` at the rate in force on the
    /// date, rounded half-even to `to`'s minor unit. The same currency
    /// converts unchanged.
    ///
    /// # Errors
    /// [`LedgerError::MissingRate`] naming the pair (none set, or none in
    /// force yet on the date); [`LedgerError::Overflow`].
    pub fn convert(
        &self,
        amount: Decimal,
        from: Currency,
        to: Currency,
    ) -> Result<Decimal, LedgerError> {
        if from == to {
            return Ok(amount);
        }
        let rate = self
            .rates
            .rate(from, to, self.date)
            .ok_or(LedgerError::MissingRate { from, to })?;
        // Exact product, rounded once.
        crate::money::mul_round(amount, rate, 0, to.minor_units(), RoundingMode::HalfEven)
            .ok_or(LedgerError::Overflow("fx conversion"))
    }
}

/// Whether open credits (cash and credit notes on account, not yet
/// cleared) cover the oldest overdue items. Covered items neither block
/// the check's overdue steps nor are dunned: the customer has paid, the
/// clearing is only pending. Both default to yes — SAP's credit check
/// ("oldest open item" and "maximum open items %" checks in FD32/UKM)
/// and dunning (F150, which offsets credit items against overdue items of
/// the account) read the account balance net of credits on account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditCover {
    /// Open credits cover the oldest overdue items in the check's
    /// `oldest_overdue` and `overdue_amount` steps.
    #[serde(default = "yes")]
    pub in_check: bool,
    /// Open credits cover the oldest overdue items in dunning runs and the
    /// collection worklist.
    #[serde(default = "yes")]
    pub in_dunning: bool,
}

fn yes() -> bool {
    true
}

impl Default for CreditCover {
    fn default() -> Self {
        CreditCover {
            in_check: true,
            in_dunning: true,
        }
    }
}

impl CreditCover {
    /// Whether these are the defaults (left out of a policy document).
    pub fn is_default(&self) -> bool {
        *self == CreditCover::default()
    }
}

/// The open credits of an account (not yet cleared), converted to `cur`.
///
/// # Errors
/// [`LedgerError::MissingRate`] or [`LedgerError::Overflow`].
pub fn open_credits(
    account: &AccountState,
    cur: Currency,
    fx: Fx<'_>,
) -> Result<Decimal, LedgerError> {
    let mut total = Decimal::ZERO;
    for c in account.credits.iter().filter(|c| !c.open.is_zero()) {
        total = add(total, fx.convert(c.open, c.currency, cur)?, "open credits")?;
    }
    Ok(total)
}

/// Exposure figures in the credit currency, counting in the horizon only
/// orders with no requested delivery or one on or before `horizon_end`.
/// `exclude_order` leaves one order out (the one being checked).
///
/// # Errors
/// [`LedgerError::MissingRate`] or [`LedgerError::Overflow`].
pub fn figures(
    account: &AccountState,
    horizon_end: NaiveDate,
    fx: Fx<'_>,
    exclude_order: Option<&OrderId>,
) -> Result<Figures, LedgerError> {
    Ok(scan(
        account,
        NaiveDate::MIN,
        horizon_end,
        Decimal::ZERO,
        false,
        fx,
        exclude_order,
    )?
    .0)
}

/// Overdue figures as of `as_of` in the credit currency: days the oldest
/// material, uncovered item is overdue; overdue undisputed amount;
/// balance (undisputed + disputed, net of open credits); highest dunning
/// level on open items. With `credits_cover`, open credits cover the
/// oldest overdue items (see [`CreditCover`]).
///
/// # Errors
/// [`LedgerError::MissingRate`] or [`LedgerError::Overflow`].
pub fn overdue(
    account: &AccountState,
    as_of: NaiveDate,
    materiality: Decimal,
    credits_cover: bool,
    fx: Fx<'_>,
) -> Result<Overdue, LedgerError> {
    Ok(scan(account, as_of, as_of, materiality, credits_cover, fx, None)?.1)
}

/// Exposure and overdue figures in one pass over orders and items (the
/// credit check's scan). Items are sorted by due date, so the first
/// overdue item whose amount — net of disputes and of the cover of
/// active promises to pay and (with `credits_cover`) of open credits,
/// oldest first — exceeds `materiality` is the oldest one that counts.
/// With `credits_cover` the overdue amount is net of open credits too
/// (never below zero). Receivables and the balance are always net of
/// open credits (the balance never below zero).
///
/// # Errors
/// [`LedgerError::MissingRate`] or [`LedgerError::Overflow`].
pub fn scan(
    account: &AccountState,
    as_of: NaiveDate,
    horizon_end: NaiveDate,
    materiality: Decimal,
    credits_cover: bool,
    fx: Fx<'_>,
    exclude_order: Option<&OrderId>,
) -> Result<(Figures, Overdue), LedgerError> {
    let cur = account.currency;
    let mut f = Figures::default();
    for o in &account.orders {
        if exclude_order.is_some_and(|x| x == &o.id) {
            continue;
        }
        let open = o.open_value();
        if !open.is_zero() {
            let v = fx.convert(open, o.currency, cur)?;
            f.open_orders = add(f.open_orders, v, "open orders")?;
            if o.requested_delivery.is_none_or(|d| d <= horizon_end) {
                f.open_orders_in_horizon = add(f.open_orders_in_horizon, v, "open orders")?;
            }
        }
        let dni = o.delivered_not_invoiced();
        if !dni.is_zero() {
            f.delivered_not_invoiced = add(
                f.delivered_not_invoiced,
                fx.convert(dni, o.currency, cur)?,
                "delivered",
            )?;
        }
    }
    // Everything below is summed as integer minor units of the credit
    // currency: stored amounts are at their currency's scale and every
    // conversion is rounded to it, so the sums are exact and cheap.
    let mu = cur.minor_units();
    let u = |d: Decimal| to_units(d, mu);
    let overflow = || LedgerError::Overflow("receivables");
    let credits = u(open_credits(account, cur, fx)?)?;
    let mut cover = 0i128;
    for p in &account.promises {
        if p.made_on <= as_of && as_of <= p.promised_date && p.paid < p.amount {
            let c = u(fx.convert(sub_nonneg(p.amount, p.paid), p.currency, cur)?)?;
            cover = cover
                .checked_add(c)
                .ok_or(LedgerError::Overflow("promises"))?;
        }
    }
    // An integer amount x exceeds the materiality m exactly when x > floor(m);
    // a materiality too large to express in minor units is never exceeded.
    let materiality_u = Decimal::from(10i64.pow(mu))
        .checked_mul(materiality)
        .and_then(|m| i128::try_from(m.floor()).ok())
        .unwrap_or(i128::MAX);
    let mut out = Overdue::default();
    let (mut recv, mut disp, mut bal) = (0i128, 0i128, 0i128);
    for it in &account.items {
        if it.open.is_zero() {
            continue;
        }
        out.max_dunning_level = out.max_dunning_level.max(it.dunning_level);
        let undisputed = u(fx.convert(sub_nonneg(it.open, it.disputed), it.currency, cur)?)?;
        let (disputed, open) = if it.disputed.is_zero() {
            (0, undisputed)
        } else {
            (
                u(fx.convert(it.disputed, it.currency, cur)?)?,
                u(fx.convert(it.open, it.currency, cur)?)?,
            )
        };
        recv = recv.checked_add(undisputed).ok_or_else(overflow)?;
        disp = disp.checked_add(disputed).ok_or_else(overflow)?;
        bal = bal.checked_add(open).ok_or_else(overflow)?;
    }
    // The overdue lines as every view reads them (credits cover the oldest
    // first); then promises cover what credits left, oldest first; the
    // first material, uncovered line is the oldest that counts.
    let mut over = 0i128;
    let mut failed = None;
    for_each_overdue_line(account, as_of, fx, credits_cover, |l| {
        let Ok(left) = u(l.uncovered()) else {
            failed = Some(overflow());
            return;
        };
        let Some(sum) = over.checked_add(left) else {
            failed = Some(overflow());
            return;
        };
        over = sum;
        let covered = cover.min(left);
        cover -= covered;
        if out.oldest_overdue_days.is_none() && left - covered > materiality_u {
            out.oldest_overdue_days = Some((as_of - l.due).num_days());
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let dec = |v: i128| Decimal::try_from_i128_with_scale(v, mu).map_err(|_| overflow());
    f.receivables = dec(recv - credits)?;
    f.disputed = dec(disp)?;
    out.balance = dec((bal - credits).max(0))?;
    out.overdue_amount = dec(over)?;
    f.special_liabilities = account.special_liabilities;
    Ok((f, out))
}

/// One overdue due line of an account as of a date: an open item past its
/// due date, or one installment of it past its own (see
/// [`OpenItem::due_lines`](crate::ledger::OpenItem::due_lines)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueLine {
    /// Index of the item in [`AccountState::items`].
    pub item: usize,
    /// The installment (1-based), or `None` for an item without them.
    pub installment: Option<u32>,
    /// The line's due date.
    pub due: NaiveDate,
    /// Open amount of the line, in the item's currency.
    pub open: Decimal,
    /// Disputed part of `open` (the ledger puts disputes on the latest
    /// lines), in the item's currency.
    pub disputed: Decimal,
    /// `open − disputed` in the account's credit currency.
    pub undisputed: Decimal,
    /// The part of `undisputed` open credits cover, credit currency.
    pub by_credits: Decimal,
}

impl OverdueLine {
    /// What is overdue, undisputed and not covered by credits (credit
    /// currency).
    pub fn uncovered(&self) -> Decimal {
        sub_nonneg(self.undisputed, self.by_credits)
    }
}

/// The overdue lines of an account as of `as_of` — every due line with an
/// open amount due before `as_of` — oldest due date first (lines due the
/// same day in the items' order, then installment order). With
/// `credits_cover`, the account's open credits (cash and credit notes on
/// account, converted to the credit currency) cover the undisputed amounts
/// of these lines in that order, oldest first; disputed amounts are never
/// covered. Invoices held by a payment plan running on `as_of`
/// ([`crate::ledger::BookPlan::runs_on`]) have no overdue lines: the plan
/// replaced their due dates (as SAP's installment plans and Dynamics 365
/// collections payment plans take the original items out of dunning and
/// the overdue checks while the plan is kept); a broken or cancelled plan
/// gives them back.
///
/// This is the one walk every view reads — the check's overdue steps,
/// dunning, the worklist, features and alerts — so they agree on which
/// lines are overdue and which credits cover. Oldest-first application of
/// unapplied cash is the default of the usual ERP clearing rules (e.g. SAP
/// F-28/F.13 "oldest open item first"; Dynamics 365 "settle by due date");
/// see [`CreditCover`].
///
/// # Errors
/// [`LedgerError::MissingRate`] or [`LedgerError::Overflow`].
pub fn overdue_lines(
    account: &AccountState,
    as_of: NaiveDate,
    fx: Fx<'_>,
    credits_cover: bool,
) -> Result<Vec<OverdueLine>, LedgerError> {
    let mut out = Vec::new();
    for_each_overdue_line(account, as_of, fx, credits_cover, |l| out.push(*l))?;
    Ok(out)
}

/// [`overdue_lines`] one line at a time, oldest first, without
/// allocating unless an open item has installments (their lines must be
/// sorted into the items' due-date order).
///
/// # Errors
/// As [`overdue_lines`]; `f` is not called after an error.
pub fn for_each_overdue_line(
    account: &AccountState,
    as_of: NaiveDate,
    fx: Fx<'_>,
    credits_cover: bool,
    mut f: impl FnMut(&OverdueLine),
) -> Result<(), LedgerError> {
    let cur = account.currency;
    let mut left = if credits_cover {
        open_credits(account, cur, fx)?
    } else {
        Decimal::ZERO
    };
    let mut cover = |l: &mut OverdueLine| {
        let by = l.undisputed.min(left);
        l.by_credits = by;
        left = sub_nonneg(left, by);
    };
    let line = |i: usize, installment, due, open: Decimal, disputed: Decimal| {
        let it = &account.items[i];
        Ok::<_, LedgerError>(OverdueLine {
            item: i,
            installment,
            due,
            open,
            disputed,
            undisputed: fx.convert(sub_nonneg(open, disputed), it.currency, cur)?,
            by_credits: Decimal::ZERO,
        })
    };
    // Invoices held by a running payment plan are not overdue: the plan's
    // schedule replaced their due dates (empty, without allocating, on an
    // account without plans).
    let held = account.plan_items_on(as_of)?;
    let sorted = !account
        .items
        .iter()
        .any(|i| i.has_installments() && !i.open.is_zero());
    if sorted {
        // Items are kept in due-date order: stream them.
        for (i, it) in account.items.iter().enumerate() {
            if it.due_date >= as_of {
                break;
            }
            if it.open.is_zero() || held.contains(&i) {
                continue;
            }
            let mut l = line(i, None, it.due_date, it.open, it.disputed)?;
            cover(&mut l);
            f(&l);
        }
        return Ok(());
    }
    let mut lines = Vec::new();
    for (i, it) in account.items.iter().enumerate() {
        if it.open.is_zero() || held.contains(&i) {
            continue;
        }
        if !it.has_installments() {
            if it.due_date < as_of {
                lines.push(line(i, None, it.due_date, it.open, it.disputed)?);
            }
            continue;
        }
        for (k, (due, open, disputed)) in it.due_lines().into_iter().enumerate() {
            if due < as_of && !open.is_zero() {
                lines.push(line(i, Some(k as u32 + 1), due, open, disputed)?);
            }
        }
    }
    // Stable: the same due date keeps item, then installment, order.
    lines.sort_by_key(|l| l.due);
    for l in lines.iter_mut() {
        cover(l);
        f(l);
    }
    Ok(())
}

/// Overdue figures of an account (see [`overdue`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overdue {
    /// Days the oldest material, uncovered item is overdue.
    pub oldest_overdue_days: Option<i64>,
    /// Overdue undisputed amount.
    pub overdue_amount: Decimal,
    /// Open receivables balance.
    pub balance: Decimal,
    /// Highest dunning level on an open item.
    pub max_dunning_level: u8,
}

fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, LedgerError> {
    a.checked_add(b).ok_or(LedgerError::Overflow(what))
}

mod view;
pub(crate) use view::BookView;
pub use view::{Exposure, GroupExposure, GroupMember};
