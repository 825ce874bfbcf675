//! The monitoring column engine: a compact, columnar copy of what the
//! reports read from one account (days and minor-unit amounts in parallel
//! arrays), built once per account state and scanned in one sequential
//! pass per report.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{MonitorError, Partial};
use crate::ledger::{AccountState, Event, EventKind};
use crate::money::Currency;

/// An amount in integer minor units of its currency.
fn units(d: Decimal, mu: u32) -> Result<i128, MonitorError> {
    crate::money::units_of(d, mu).ok_or(MonitorError::Overflow("minor units"))
}

/// Days from the common era: the columns' date type.
pub(crate) fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Dated amounts per item (compressed rows: item `k`'s are at
/// `start[k] .. start[k + 1]`, in date order), in the item currency's minor
/// units.
#[derive(Debug, Default)]
struct PerItem {
    start: Vec<u32>,
    day: Vec<i32>,
    units: Vec<i128>,
}

impl PerItem {
    /// Appends the next item's list.
    fn push(&mut self, list: &[(NaiveDate, Decimal)], mu: u32) -> Result<(), MonitorError> {
        if self.start.is_empty() {
            self.start.push(0);
        }
        let from = self.day.len();
        for &(d, x) in list {
            self.day.push(day(d));
            self.units.push(units(x, mu)?);
        }
        // Date order (the ledger appends in date order; kept if not).
        if self.day[from..].windows(2).any(|w| w[0] > w[1]) {
            let mut pairs: Vec<(i32, i128)> = self.day[from..]
                .iter()
                .copied()
                .zip(self.units[from..].iter().copied())
                .collect();
            pairs.sort_by_key(|p| p.0);
            for (j, (d, u)) in pairs.into_iter().enumerate() {
                self.day[from + j] = d;
                self.units[from + j] = u;
            }
        }
        self.start.push(
            u32::try_from(self.day.len())
                .map_err(|_| MonitorError::Overflow("monitoring columns"))?,
        );
        Ok(())
    }

    /// Item `k`'s days and amounts.
    #[inline]
    fn of(&self, k: usize) -> (&[i32], &[i128]) {
        let (a, b) = (self.start[k] as usize, self.start[k + 1] as usize);
        (&self.day[a..b], &self.units[a..b])
    }
}

/// Marks an amount kept outside the 64-bit columns.
const WIDE: i64 = i64::MIN;

/// `u` for a 64-bit column; [`WIDE`] (with `u` kept in `wide`) when it
/// does not fit.
fn narrow(u: i128, item: u32, wide: &mut Vec<(u32, i128)>) -> i64 {
    match i64::try_from(u) {
        Ok(v) if v != WIDE => v,
        _ => {
            wide.push((item, u));
            WIDE
        }
    }
}

/// The amount a 64-bit column holds for `item`.
#[inline]
fn widen(v: i64, item: usize, wide: &[(u32, i128)]) -> i128 {
    if v != WIDE {
        return i128::from(v);
    }
    wide.binary_search_by_key(&item, |&(k, _)| k as usize)
        .map_or(0, |j| wide[j].1)
}

/// What a counted event is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counted {
    WriteOff,
    DisputeResolved,
    PromiseMade,
}

/// An event monitoring counts in its period.
#[derive(Debug, Clone)]
pub(crate) struct CountedEvent {
    pub(crate) day: i32,
    pub(crate) kind: Counted,
    pub(crate) currency: Currency,
    pub(crate) amount: Decimal,
}

/// A compact, columnar copy of what monitoring reads from one account: the
/// items' days and minor-unit amounts in parallel arrays, each item's dated
/// reductions and payments in compressed rows, and the events counted in a
/// period (write-offs, resolved disputes, promises made). Built once per
/// account state and scanned sequentially; a report never walks the event
/// log or the full items.
#[derive(Debug, Default)]
pub(crate) struct ItemColumns {
    /// The items' currencies (one for most accounts).
    pub(crate) currencies: Vec<Currency>,
    /// Per item: index into `currencies` (empty when there is only one).
    cur: Vec<u16>,
    /// Per item: invoice date.
    invoice_day: Vec<i32>,
    /// Per item: net due date.
    due_day: Vec<i32>,
    /// Per item: open amount ([`WIDE`]: see `wide_open`).
    open: Vec<i64>,
    /// Per item: its amount when it is a credit sale (not a charge, not an
    /// imported opening balance), else 0 ([`WIDE`]: see `wide_sale`).
    sale: Vec<i64>,
    /// Open amounts beyond 64 bits: (item, amount), by item.
    wide_open: Vec<(u32, i128)>,
    /// Sale amounts beyond 64 bits: (item, amount), by item.
    wide_sale: Vec<(u32, i128)>,
    /// The items with a disputed part: (item, disputed), by item.
    disputed: Vec<(u32, i128)>,
    /// Per item: the day of its latest reduction (`i32::MIN`: none), so
    /// that a scan skips the lists of items untouched in its period.
    last_reduction: Vec<i32>,
    /// Per item: reductions of the open amount (payments with their
    /// discounts, credit notes, write-offs).
    reductions: PerItem,
    /// Per item: payments.
    payments: PerItem,
    /// Write-offs, resolved disputes and promises made, by day.
    pub(crate) counted: Vec<CountedEvent>,
    /// Credit notes (not on charges), by day: (day, currency index, minor
    /// units), taken off the credit sales of their month when sales are
    /// net.
    credit_notes: Vec<(i32, usize, i128)>,
    /// The day of the latest opening balance imported.
    pub(crate) last_import: Option<i32>,
    /// The day of the account's first event.
    pub(crate) first_event: Option<i32>,
}

impl ItemColumns {
    /// The columns of `st`, with the counted events among `events` (the
    /// account's, in date order, each with whether it was reversed;
    /// reversed ones are not counted). Open credits (cash and credit notes
    /// on account) are rows of their own after the items: negative open
    /// amounts dated (and due) on their own date, their clearings as
    /// negative reductions, never a sale.
    pub(crate) fn build<'e>(
        st: &AccountState,
        events: impl IntoIterator<Item = (&'e Event, bool)>,
    ) -> Result<Self, MonitorError> {
        let n = st.items.len();
        let mut c = ItemColumns {
            cur: Vec::with_capacity(n),
            invoice_day: Vec::with_capacity(n),
            due_day: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            sale: Vec::with_capacity(n),
            ..ItemColumns::default()
        };
        // One row per due line: an item with installments has a row per
        // installment (aged by its own due date, its sale on the first),
        // others one row.
        let mut row = 0usize;
        for it in &st.items {
            let k = match c.currencies.iter().position(|&x| x == it.currency) {
                Some(k) => k,
                None => {
                    c.currencies.push(it.currency);
                    c.currencies.len() - 1
                }
            };
            let mu = it.currency.minor_units();
            let sale = if it.collection.charge.is_none() && !it.collection.imported {
                units(it.amount, mu)?
            } else {
                0
            };
            let lines = it.due_lines();
            let histories = if it.has_installments() {
                it.line_histories()
            } else {
                Vec::new()
            };
            for (j, &(due, open, disputed)) in lines.iter().enumerate() {
                let item =
                    u32::try_from(row).map_err(|_| MonitorError::Overflow("monitoring columns"))?;
                c.cur.push(
                    u16::try_from(k).map_err(|_| MonitorError::Overflow("monitoring columns"))?,
                );
                c.invoice_day.push(day(it.invoice_date));
                c.due_day.push(day(due));
                c.open
                    .push(narrow(units(open, mu)?, item, &mut c.wide_open));
                c.sale.push(narrow(
                    if j == 0 { sale } else { 0 },
                    item,
                    &mut c.wide_sale,
                ));
                if !disputed.is_zero() {
                    c.disputed.push((item, units(disputed, mu)?));
                }
                match histories.get(j) {
                    Some((reds, pays)) => {
                        c.reductions.push(reds, mu)?;
                        c.payments.push(pays, mu)?;
                    }
                    None => {
                        c.reductions.push(&it.collection.reductions, mu)?;
                        c.payments.push(&it.collection.payments, mu)?;
                    }
                }
                let (days, _) = c.reductions.of(row);
                c.last_reduction
                    .push(days.last().copied().unwrap_or(i32::MIN));
                row += 1;
            }
        }
        let n = row;
        let slot = |c: &mut ItemColumns, cur: Currency| -> usize {
            match c.currencies.iter().position(|&x| x == cur) {
                Some(k) => k,
                None => {
                    c.currencies.push(cur);
                    c.currencies.len() - 1
                }
            }
        };
        for (j, cr) in st.credits.iter().enumerate() {
            let item =
                u32::try_from(n + j).map_err(|_| MonitorError::Overflow("monitoring columns"))?;
            let k = slot(&mut c, cr.currency);
            let mu = cr.currency.minor_units();
            c.cur
                .push(u16::try_from(k).map_err(|_| MonitorError::Overflow("monitoring columns"))?);
            c.invoice_day.push(day(cr.date));
            c.due_day.push(day(cr.date));
            c.open
                .push(narrow(-units(cr.open, mu)?, item, &mut c.wide_open));
            c.sale.push(0);
            let negated: Vec<(NaiveDate, Decimal)> =
                cr.clearings.iter().map(|&(d, x)| (d, -x)).collect();
            c.reductions.push(&negated, mu)?;
            c.payments.push(&[], mu)?;
            c.last_reduction
                .push(cr.clearings.last().map_or(i32::MIN, |&(d, _)| day(d)));
        }
        if c.currencies.len() <= 1 {
            c.cur = Vec::new();
        }
        for (e, reversed) in events {
            if c.first_event.is_none() {
                c.first_event = Some(day(e.date));
            }
            if let EventKind::OpenItemImported { .. } = e.kind {
                c.last_import = Some(day(e.date));
            }
            if reversed {
                continue;
            }
            if let EventKind::CreditNote {
                invoice_id,
                amount,
                currency,
            } = &e.kind
            {
                if st.credit_note_is_sales_return(invoice_id.as_ref()) {
                    let k = slot(&mut c, *currency);
                    c.credit_notes
                        .push((day(e.date), k, units(*amount, currency.minor_units())?));
                }
                continue;
            }
            let (kind, currency, amount) = match &e.kind {
                EventKind::WriteOff {
                    amount, currency, ..
                } => (Counted::WriteOff, *currency, *amount),
                EventKind::DisputeResolved {
                    amount, currency, ..
                } => (Counted::DisputeResolved, *currency, *amount),
                EventKind::PromiseToPay { currency, .. } => {
                    (Counted::PromiseMade, *currency, Decimal::ZERO)
                }
                _ => continue,
            };
            c.counted.push(CountedEvent {
                day: day(e.date),
                kind,
                currency,
                amount,
            });
        }
        Ok(c)
    }

    /// Adds the columns' figures for `w` into the account's partials
    /// (`slots[k]`: the partial of currency `k`; `conv` converts minor
    /// units of currency `k` to the report currency): open items by age,
    /// credit sales by month, receivables the day before the period (when
    /// `with_begin`) and the period's payments.
    pub(crate) fn scan<F, E>(
        &self,
        w: &Window<'_>,
        local: &mut [(Currency, Partial)],
        slots: &[usize],
        with_begin: bool,
        conv: F,
    ) -> Result<(), E>
    where
        F: Fn(i128, usize) -> Result<i128, E>,
    {
        // One sequential pass over the items: aging and receivables
        // at the end, credit sales by month, receivables the day
        // before the period (the items then open, plus what was
        // taken off them since).
        let mut disputes = self.disputed.iter().peekable();
        let n = self.open.len();
        let mut run = 0;
        while run < n {
            // A run of items in one currency (all of them, mostly): its
            // partial is taken out so that its sums stay in registers.
            let k = self.cur.get(run).map_or(0, |&k| usize::from(k));
            let end = if self.cur.is_empty() {
                n
            } else {
                run + self.cur[run..]
                    .iter()
                    .take_while(|&&c| usize::from(c) == k)
                    .count()
            };
            let mut acc = std::mem::take(&mut local[slots[k]].1);
            let p = &mut acc;
            for i in run..end {
                let inv = self.invoice_day[i];
                let due = self.due_day[i];
                let disputed = match disputes.next_if(|(item, _)| *item as usize == i) {
                    Some(&(_, u)) => conv(u, k)?,
                    None => 0,
                };
                let open = widen(self.open[i], i, &self.wide_open);
                let begin = with_begin && inv <= w.before;
                if open != 0 {
                    let open = conv(open, k)?;
                    p.add_open_days(
                        w.aging,
                        i64::from(w.to - due),
                        i64::from(w.to - inv),
                        open,
                        disputed,
                    );
                    if begin {
                        p.ar_begin += open;
                    }
                }
                let sale = widen(self.sale[i], i, &self.wide_sale);
                if sale != 0 && inv >= w.history && inv <= w.to {
                    let sale = conv(sale, k)?;
                    p.monthly_sales[usize::from(w.month_of[(inv - w.history) as usize])] += sale;
                    if inv >= w.from {
                        p.sales += sale;
                    }
                }
                // Reduced in (or after) the period: what was taken off since
                // the day before it, and the period's payments weighted by
                // days to pay and beyond terms.
                if self.last_reduction[i] < w.from {
                    continue;
                }
                if begin {
                    let (days, units) = self.reductions.of(i);
                    for (&d, &u) in days.iter().zip(units).rev() {
                        if d <= w.before {
                            break;
                        }
                        if d <= w.to {
                            p.ar_begin += conv(u, k)?;
                        }
                    }
                }
                let (days, units) = self.payments.of(i);
                for (&d, &u) in days.iter().zip(units).rev() {
                    if d < w.from {
                        break;
                    }
                    if d <= w.to {
                        let u = conv(u, k)?;
                        p.paid += u;
                        p.paid_days += u * i128::from(d - inv);
                        p.paid_days_beyond += u * i128::from((d - due).max(0));
                        p.paid_days_signed += u * i128::from(d - due);
                    }
                }
            }
            local[slots[k]].1 = acc;
            run = end;
        }
        // Net credit sales: credit notes come off the sales of their month.
        if w.net_sales {
            for &(d, k, u) in &self.credit_notes {
                if d < w.history || d > w.to {
                    continue;
                }
                let u = conv(u, k)?;
                let p = &mut local[slots[k]].1;
                p.monthly_sales[usize::from(w.month_of[(d - w.history) as usize])] -= u;
                if d >= w.from {
                    p.sales -= u;
                }
            }
        }
        Ok(())
    }
}

/// The dates of a monitoring report, as days from the common era.
pub(crate) struct Window<'a> {
    pub(crate) aging: &'a crate::monitor::AgingPolicy,
    pub(crate) from: i32,
    pub(crate) to: i32,
    pub(crate) before: i32,
    pub(crate) history: i32,
    /// For each day from `history` to `to`: its month in the sales
    /// history (0: the month of `to`, 1: the one before, …).
    pub(crate) month_of: Vec<u8>,
    /// Credit sales net of credit notes (else gross invoices).
    pub(crate) net_sales: bool,
}

/// An account's cached [`ItemColumns`]: not part of the book's value (equal
/// whatever it holds, never serialized), dropped when the account changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnCache(pub(crate) std::sync::OnceLock<Arc<ItemColumns>>);

impl PartialEq for ColumnCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ColumnCache {}
