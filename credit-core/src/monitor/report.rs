//! The monitoring reports over a book: aging, KPIs, their mergeable
//! partials, goals and KPI series, as of any date, from the ledger as it
//! stood on that date. Each is a function of a [`MonitorView`] (the book
//! implements it), the policy's monitoring section and the dates.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::columns::{day, ColumnCache, Counted, ItemColumns, Window};
use super::{
    Aging, AgingRow, GoalPeriod, GoalResult, GroupBy, KpiBasis, KpiReport, MonitorError,
    MonitoringPolicy, Partial, TrendPoint,
};
use crate::exposure::BookView;
use crate::ledger::{to_units, AccountState, EventKind};
use crate::money::{add_exact, Currency};

/// A book as the monitoring reports read it: its [`BookView`] and each
/// account's cache of monitoring columns (dropped by the book whenever the
/// account changes).
pub(crate) trait MonitorView: BookView<Error: From<MonitorError>> {
    /// Account `a`'s column cache.
    fn column_cache(&self, a: usize) -> &ColumnCache;
}

/// A report argument outside what it accepts.
fn invalid(field: &'static str, value: String, reason: &'static str) -> MonitorError {
    MonitorError::InvalidArgument {
        field,
        value,
        reason,
    }
}

/// The overflow error of a date or sum beyond its range.
fn overflow(what: &'static str) -> MonitorError {
    MonitorError::Overflow(what)
}

/// An account's partials per report currency, their buffers recycled from
/// one account to the next.
struct Locals {
    parts: Vec<(Currency, Partial)>,
    pool: Vec<Partial>,
    n_buckets: usize,
    months: usize,
}

impl Locals {
    /// The index of report currency `rc`'s partial, added on first use.
    fn slot(&mut self, rc: Currency) -> usize {
        match self.parts.iter().position(|(c, _)| *c == rc) {
            Some(i) => i,
            None => {
                let p = self
                    .pool
                    .pop()
                    .unwrap_or_else(|| Partial::new(self.n_buckets, self.months));
                self.parts.push((rc, p));
                self.parts.len() - 1
            }
        }
    }

    /// Report currency `rc`'s partial.
    fn part(&mut self, rc: Currency) -> &mut Partial {
        let i = self.slot(rc);
        &mut self.parts[i].1
    }

    /// Gives a partial's buffers back, zeroed.
    fn recycle(&mut self, mut p: Partial) {
        p.clear();
        self.pool.push(p);
    }
}

/// The positions `0..n` in the order of their keys, sorted on the keys'
/// first 16 bytes held inline (no pointer to follow), the whole key only on
/// a tie.
fn key_order<'a, K: Ord>(n: usize, key: impl Fn(usize) -> (&'a str, K)) -> Vec<usize> {
    let mut order: Vec<(u128, usize)> = (0..n).map(|i| (key_prefix(key(i).0), i)).collect();
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1).cmp(&key(b.1))));
    order.into_iter().map(|(_, i)| i).collect()
}

/// `items` in the order of their keys (see [`key_order`]); the items
/// themselves move once.
fn in_key_order<T, K: Ord>(
    items: Vec<T>,
    key: impl Fn(&T) -> (&str, K),
) -> impl Iterator<Item = T> {
    let order = key_order(items.len(), |i| key(&items[i]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(move |i| slots[i].take())
}

/// The months of sales history countback DSO walks back from `to`: the
/// policy's look-back, or the whole history — from the month of the book's
/// earliest invoice dated by `to` — at most [`MAX_HISTORY_MONTHS`].
fn look_back<B: MonitorView>(book: &B, policy: &MonitoringPolicy, to: NaiveDate) -> usize {
    if let Some(n) = policy.kpi.countback_look_back_months {
        return (n as usize).clamp(1, MAX_HISTORY_MONTHS);
    }
    let mut first = to;
    for ci in 0..book.customer_count() {
        for &a in book.accounts_of(ci) {
            for it in &book.state(a).items {
                first = first.min(it.invoice_date);
            }
        }
    }
    let m = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    usize::try_from(m(to) - m(first) + 1)
        .unwrap_or(MAX_HISTORY_MONTHS)
        .clamp(1, MAX_HISTORY_MONTHS)
}

/// The group a customer's account falls in (`cur`: the item currency,
/// for grouping by currency).
fn group_key<'a>(
    group_by: GroupBy,
    c: &'a crate::customer::Customer,
    segment: &'a str,
    cur: Currency,
) -> Cow<'a, str> {
    match group_by {
        GroupBy::Total => Cow::Borrowed("total"),
        GroupBy::Customer => Cow::Borrowed(&c.id.0),
        GroupBy::Segment => Cow::Borrowed(segment),
        GroupBy::Collector => Cow::Borrowed(c.collector.as_deref().unwrap_or("(none)")),
        GroupBy::RiskClass => Cow::Borrowed(c.risk_class.as_ref().map_or("(none)", |k| k.as_str())),
        GroupBy::Currency => Cow::Owned(cur.code().to_string()),
    }
}

/// The first 16 bytes of `s`, big-endian and zero-padded: their order is
/// the strings' order up to a tie.
fn key_prefix(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// The longest sales history a report keeps (months; fits the `u8` month
/// index of [`Window`]).
const MAX_HISTORY_MONTHS: usize = 240;

/// The first day of `d`'s month, `k` months back.
fn month_start(d: NaiveDate, k: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?.checked_sub_months(chrono::Months::new(k))
}

/// Account `a`'s live monitoring columns, built on first use. Safe to call
/// from several readers at once: two that race both build the same columns
/// and the first one stored is kept.
fn live_columns<B: MonitorView>(book: &B, a: usize) -> Result<Arc<ItemColumns>, B::Error> {
    let cache = book.column_cache(a);
    if let Some(c) = cache.0.get() {
        return Ok(Arc::clone(c));
    }
    let c = Arc::new(ItemColumns::build(book.state(a), book.events(a))?);
    Ok(Arc::clone(cache.0.get_or_init(|| c)))
}

/// The mergeable sums behind aging and KPIs for the period `from ..= to`,
/// per group, amounts in `currency` (converted with the book's FX rates,
/// item by item) — or, grouped by currency, in each item's own currency.
/// `months` months of sales history are kept for countback DSO.
///
/// # Errors
/// A period ending before it starts; `currency` missing when not grouping
/// by currency; missing FX rates; overflow.
pub(crate) fn partials<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    from: NaiveDate,
    to: NaiveDate,
    group_by: GroupBy,
    currency: Option<Currency>,
    months: usize,
) -> Result<BTreeMap<(String, Currency), Partial>, B::Error> {
    // Per customer the groups come in key order, each to the map's right
    // edge; other groupings have few groups.
    let mut out = BTreeMap::new();
    let period = Period {
        from,
        to,
        group_by,
        currency,
        months,
    };
    fold_groups(book, policy, &period, &mut |k, rc, p| {
        out.insert((k, rc), p.clone());
        Ok(())
    })?;
    Ok(out)
}

/// What a fold covers: the period, the grouping, the report currency (none:
/// each item's own, grouping by currency) and the months of sales history.
struct Period {
    from: NaiveDate,
    to: NaiveDate,
    group_by: GroupBy,
    currency: Option<Currency>,
    months: usize,
}

/// Where a fold hands each group's partial: (key, report currency, partial).
type Sink<'s, E> = dyn FnMut(String, Currency, &Partial) -> Result<(), E> + 's;

/// The work of [`partials`]: hands each group's merged partial to `sink`
/// (key, report currency, partial), recycling the partials' buffers.
/// Grouped by customer, the groups come in key order; otherwise in no set
/// order.
fn fold_groups<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    period: &Period,
    sink: &mut Sink<'_, B::Error>,
) -> Result<(), B::Error> {
    let Period {
        from,
        to,
        group_by,
        currency,
        months,
    } = *period;
    if to < from {
        return Err(invalid(
            "from",
            from.to_string(),
            "the period must not end before it starts",
        )
        .into());
    }
    if currency.is_none() && group_by != GroupBy::Currency {
        return Err(invalid(
            "currency",
            "absent".into(),
            "a report currency is needed unless grouping by currency",
        )
        .into());
    }
    if !(1..=MAX_HISTORY_MONTHS).contains(&months) {
        return Err(invalid(
            "months",
            months.to_string(),
            "the sales history must span 1 to 240 months",
        )
        .into());
    }
    let aging = &policy.aging;
    let n_buckets = aging.bounds.len() + 1;
    let before = from.pred_opt().ok_or(overflow("dates"))?;
    let history_start = month_start(to, months as u32 - 1).ok_or(overflow("dates"))?;
    // Grouped by customer, a group's accounts come together: each group
    // goes to the sink when the next begins. Otherwise the groups (a few:
    // segments, collectors, classes, currencies, the total) stay open to
    // the end.
    let together = group_by == GroupBy::Customer;
    let mut current: Option<((String, Currency), Partial)> = None;
    let mut open: BTreeMap<String, Vec<(Currency, Partial)>> = BTreeMap::new();
    let mut locals = Locals {
        parts: Vec::with_capacity(1),
        pool: Vec::new(),
        n_buckets,
        months,
    };
    let mut slots: Vec<usize> = Vec::with_capacity(1);
    let window = Window {
        aging,
        from: day(from),
        to: day(to),
        before: day(before),
        history: day(history_start),
        month_of: {
            let starts = (0..months as u32)
                .map(|k| month_start(to, k).map(day).ok_or(overflow("dates")))
                .collect::<Result<Vec<i32>, _>>()?;
            (day(history_start)..=day(to))
                .map(|d| starts.iter().position(|&s| d >= s).map_or(0, |m| m as u8))
                .collect()
        },
        net_sales: policy.sales == super::SalesBasis::Net,
    };
    // Amounts convert at the rates in force at the period's end.
    let fx = book.fx(to);
    // Customers in key order: per customer, each group is then complete
    // when the next begins and reaches the sink sorted; for every grouping,
    // the result (and the first error met) does not depend on the order
    // customers were created in.
    let order = key_order(book.customer_count(), |ci| {
        (book.customer(ci, to).id.as_str(), ())
    });
    for ci in order {
        for &a in book.accounts_of(ci) {
            // Utilisation: exposure against an amount limit.
            let exposure = match book.limit(a, to).and_then(|l| l.effective(to)) {
                Some(l) => {
                    let x = book.exposure(a, to)?;
                    Some((x.total, l, x.currency))
                }
                None => None,
            };
            // The account as it stood at the end of the period, in columns:
            // the cached ones of the live state when no later event exists,
            // else built from a replay.
            let end = book.state_at(a, to)?;
            let cols = match &end {
                Cow::Owned(st) => Arc::new(ItemColumns::build(st, book.events(a))?),
                Cow::Borrowed(_) => live_columns(book, a)?,
            };
            // The receivables the day before the period: from the end
            // state's dated reductions when that is exact (no opening
            // balance imported after that day, which the end state cannot
            // date), by replay otherwise.
            let imported_later = cols.last_import.is_some_and(|d| d > window.before);
            let begin = if imported_later {
                Some(book.state_at(a, before)?)
            } else {
                None
            };
            let end_st: &AccountState = &end;
            // The report currency of an amount in `cur`: the requested one,
            // or (grouping by currency) the item's own. The account
            // accumulates per report currency, then merges once.
            let target = |cur: Currency| currency.unwrap_or(cur);
            let conv = |x: Decimal, cur: Currency| -> Result<(Currency, i128), B::Error> {
                let rc = target(cur);
                Ok((rc, to_units(fx.convert(x, cur, rc)?, rc.minor_units())?))
            };
            // Every account with an event by the end of the period (or a
            // limit) counts in its group, even with nothing in it (zeros;
            // KPIs undefined where they divide by nothing).
            if exposure.is_none() && cols.first_event.is_none_or(|d| d > window.to) {
                continue;
            }
            locals.slot(target(end_st.currency));
            // Per item currency: its slot in `local`, and its minor units
            // converted to the report currency (the same currency passes
            // unchanged).
            slots.clear();
            for &c in &cols.currencies {
                slots.push(locals.slot(target(c)));
            }
            let to_report = |u: i128, k: usize| -> Result<i128, B::Error> {
                let cur = cols.currencies[k];
                let rc = target(cur);
                if rc == cur {
                    return Ok(u);
                }
                let x = Decimal::try_from_i128_with_scale(u, cur.minor_units())
                    .map_err(|_| overflow("minor units"))?;
                Ok(to_units(fx.convert(x, cur, rc)?, rc.minor_units())?)
            };
            if let Some((x, l, cur)) = exposure {
                let (rc, ex) = conv(x, cur)?;
                let (_, li) = conv(l, cur)?;
                let p = locals.part(rc);
                p.exposure += ex;
                p.limits += li;
            }
            // One sequential pass over the columns; without conversion (one
            // currency, reported in itself) the amounts pass as they are.
            if cols.currencies.iter().all(|&c| target(c) == c) {
                cols.scan(
                    &window,
                    &mut locals.parts,
                    &slots,
                    begin.is_none(),
                    |u, _| Ok::<i128, B::Error>(u),
                )?;
            } else {
                cols.scan(
                    &window,
                    &mut locals.parts,
                    &slots,
                    begin.is_none(),
                    to_report,
                )?;
            }
            if let Some(st) = &begin {
                for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                    let (rc, open) = conv(it.open, it.currency)?;
                    locals.part(rc).ar_begin += open;
                }
                for cr in st.credits.iter().filter(|c| !c.open.is_zero()) {
                    let (rc, open) = conv(cr.open, cr.currency)?;
                    locals.part(rc).ar_begin -= open;
                }
            }
            // Promises due in the period.
            for pr in &end_st.promises {
                if pr.promised_date >= from && pr.promised_date <= to {
                    let p = locals.part(target(pr.currency));
                    p.promises_due += 1;
                    p.promises_kept += u64::from(pr.paid >= pr.amount);
                }
            }
            // Write-offs, resolved disputes and promises made in the period.
            let start = cols.counted.partition_point(|c| c.day < window.from);
            for c in cols.counted[start..]
                .iter()
                .take_while(|c| c.day <= window.to)
            {
                let (rc, u) = conv(c.amount, c.currency)?;
                let p = locals.part(rc);
                match c.kind {
                    Counted::WriteOff => p.write_offs += u,
                    Counted::DisputeResolved => p.disputes_resolved += u,
                    Counted::PromiseMade => p.promises_made += 1,
                }
            }
            // Grouped by the master data in force at the period's end.
            let c = book.customer(ci, to);
            let seg = book.segment(a);
            let parts = std::mem::take(&mut locals.parts);
            for (rc, p) in parts {
                let key = group_key(group_by, c, seg, rc);
                if together {
                    match &mut current {
                        Some(((k, r), q)) if *k == key && *r == rc => {
                            q.merge(&p);
                            locals.recycle(p);
                        }
                        _ => {
                            if let Some(((k, r), q)) = current.take() {
                                sink(k, r, &q)?;
                                locals.recycle(q);
                            }
                            current = Some(((key.into_owned(), rc), p));
                        }
                    }
                } else {
                    let group = match open.get_mut(key.as_ref()) {
                        Some(g) => g,
                        None => open.entry(key.into_owned()).or_default(),
                    };
                    match group.iter_mut().find(|(r, _)| *r == rc) {
                        Some((_, q)) => {
                            q.merge(&p);
                            locals.recycle(p);
                        }
                        None => group.push((rc, p)),
                    }
                }
            }
        }
    }
    if let Some(((k, r), q)) = current.take() {
        sink(k, r, &q)?;
    }
    // The total has a row even for a book without accounts.
    if let (GroupBy::Total, true, Some(rc)) = (group_by, open.is_empty(), currency) {
        sink("total".into(), rc, &Partial::new(n_buckets, months))?;
    }
    for (k, group) in open {
        for (rc, p) in group {
            sink(k.clone(), rc, &p)?;
        }
    }
    Ok(())
}

/// Aging as of a date: open amounts per bucket (undisputed), disputed
/// separately; each row's total is its open balance.
///
/// # Errors
/// As [`partials`].
pub(crate) fn aging<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    as_of: NaiveDate,
    group_by: GroupBy,
    currency: Option<Currency>,
) -> Result<Aging, B::Error> {
    let mut rows = Vec::new();
    let period = Period {
        from: as_of,
        to: as_of,
        group_by,
        currency,
        months: 1,
    };
    fold_groups(book, policy, &period, &mut |key, cur, p| {
        let mu = cur.minor_units();
        let d =
            |u: i128| Decimal::try_from_i128_with_scale(u, mu).map_err(|_| overflow("aging sums"));
        let total: i128 = p.buckets.iter().sum::<i128>() + p.disputed;
        rows.push(AgingRow {
            key,
            currency: cur,
            buckets: p.buckets.iter().map(|u| d(*u)).collect::<Result<_, _>>()?,
            disputed: d(p.disputed)?,
            total: d(total)?,
            items: p.items,
        });
        Ok(())
    })?;
    let rows = in_key_order(rows, |r| (r.key.as_str(), r.currency)).collect();
    Ok(Aging {
        as_of,
        group_by,
        basis: policy.aging.basis,
        labels: policy.aging.labels(),
        rows,
    })
}

/// KPIs for the period `from ..= to` per group, in `currency`, by the
/// policy's KPI conventions, with the sales history countback DSO needs
/// ([`look_back`]).
///
/// # Errors
/// As [`partials`].
pub(crate) fn kpis<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    from: NaiveDate,
    to: NaiveDate,
    group_by: GroupBy,
    currency: Currency,
) -> Result<KpiReport, B::Error> {
    // Grouping by currency with one report currency would merge every
    // currency, converted, into one group named after the report currency.
    if group_by == GroupBy::Currency {
        return Err(B::Error::from(invalid(
            "group_by",
            "currency".into(),
            "a KPI report is in one report currency: run one report per currency, or group aging by currency",
        )));
    }
    let months = look_back(book, policy, to);
    let basis = KpiBasis::new(from, to, months, &policy.kpi)?;
    // One report currency: the keys are unique. Per customer they come in
    // key order, each to the map's right edge; other groupings have few
    // groups.
    let mut map = BTreeMap::new();
    let period = Period {
        from,
        to,
        group_by,
        currency: Some(currency),
        months,
    };
    fold_groups(book, policy, &period, &mut |k, cur, p| {
        map.insert(k, p.kpis(&basis, cur.minor_units())?);
        Ok(())
    })?;
    Ok(KpiReport {
        from,
        to,
        group_by,
        currency,
        groups: map,
    })
}

/// The first day of the goal period `p` that holds `d`.
fn period_start(p: GoalPeriod, d: NaiveDate) -> Option<NaiveDate> {
    match p {
        GoalPeriod::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        GoalPeriod::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1),
        GoalPeriod::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
    }
}

/// Every goal of the policy as of a date: the KPI over the goal's period to
/// date, the gap to the target, the status, and the KPI at the end of each
/// of the three previous periods.
///
/// # Errors
/// As [`kpis`].
pub(crate) fn goals_report<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    as_of: NaiveDate,
    currency: Currency,
) -> Result<Vec<GoalResult>, B::Error> {
    let mut out = Vec::with_capacity(policy.goals.len());
    for g in &policy.goals {
        let key = match g.scope {
            GroupBy::Total => "total".to_string(),
            _ => g.key.clone().unwrap_or_default(),
        };
        let from = period_start(g.period, as_of).ok_or(overflow("dates"))?;
        let r = kpis(book, policy, from, as_of, g.scope, currency)?;
        let actual = r.groups.get(&key).and_then(|k| k.get(g.kpi).value);
        let (status, gap) = g.judge(actual);
        // The three previous periods, in one pass over the ledger.
        let mut ends = Vec::with_capacity(3);
        let mut end = from.pred_opt().ok_or(overflow("dates"))?;
        let mut first = from;
        for _ in 0..3 {
            ends.push(end);
            first = period_start(g.period, end).ok_or(overflow("dates"))?;
            end = first.pred_opt().ok_or(overflow("dates"))?;
        }
        ends.reverse();
        let series = kpi_series(book, policy, first, &ends, g.scope, currency)?;
        let trend = series
            .iter()
            .rev()
            .map(|r| TrendPoint {
                end: r.to,
                value: r.groups.get(&key).and_then(|k| k.get(g.kpi).value),
            })
            .collect();
        out.push(GoalResult {
            goal: g.clone(),
            from,
            to: as_of,
            actual,
            gap,
            status,
            trend,
        });
    }
    Ok(out)
}

/// KPIs for consecutive periods — `start ..= ends[0]`, then
/// `ends[k-1] + 1 ..= ends[k]` — in one pass over the ledger: each
/// account's events are replayed once, in date order, and its figures
/// taken at every period end (so each point is exact as the ledger stood
/// then, without re-scanning per point). Limit utilisation is left out
/// of the series (undefined).
///
/// # Errors
/// Period ends not increasing or before `start`; `currency` and FX
/// rates as [`partials`]; overflow.
pub(crate) fn kpi_series<B: MonitorView>(
    book: &B,
    policy: &MonitoringPolicy,
    start: NaiveDate,
    ends: &[NaiveDate],
    group_by: GroupBy,
    currency: Currency,
) -> Result<Vec<KpiReport>, B::Error> {
    if ends.is_empty() || ends[0] < start || ends.windows(2).any(|w| w[0] >= w[1]) {
        return Err(B::Error::from(invalid(
            "ends",
            format!("{ends:?}"),
            "increasing period ends on or after the start",
        )));
    }
    if group_by == GroupBy::Currency {
        return Err(B::Error::from(invalid(
            "group_by",
            "currency".into(),
            "a series is in one report currency",
        )));
    }
    let months = look_back(book, policy, ends[ends.len() - 1]);
    let aging = &policy.aging;
    let net_sales = policy.sales == super::SalesBasis::Net;
    let nb = aging.bounds.len() + 1;
    let mu = currency.minor_units();
    let mut parts: Vec<BTreeMap<String, Partial>> = vec![BTreeMap::new(); ends.len()];
    for ci in 0..book.customer_count() {
        for &a in book.accounts_of(ci) {
            let cur_acc = book.state(a).currency;
            let mut events = book.effective_events(a).peekable();
            let mut st = AccountState::new(cur_acc);
            let mut traced = Vec::new();
            // Credit sales by month: in the report currency as units; in
            // another currency as the documents' amounts, converted at each
            // period's end (as `kpis` converts its sales history).
            let mut monthly: BTreeMap<(i32, u32), i128> = BTreeMap::new();
            let mut foreign: BTreeMap<(i32, u32), Vec<(Decimal, Currency)>> = BTreeMap::new();
            let mut cur_part = Partial::new(nb, months);
            let mut k = 0usize;
            let mut prev_ar = 0i128;
            let mut begin_set = false;
            // Each period converts at the rates in force on its end, as
            // `kpis` for that period does (its opening receivables too).
            let cv = |x: Decimal, from: Currency, on: NaiveDate| -> Result<i128, B::Error> {
                Ok(to_units(book.fx(on).convert(x, from, currency)?, mu)?)
            };
            let ar_of = |st: &AccountState, on: NaiveDate| -> Result<i128, B::Error> {
                let mut t = 0i128;
                for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                    t += cv(it.open, it.currency, on)?;
                }
                for cr in st.credits.iter().filter(|c| !c.open.is_zero()) {
                    t -= cv(cr.open, cr.currency, on)?;
                }
                Ok(t)
            };
            while k < ends.len() {
                let on = ends[k];
                // Grouped by the master data in force at the period's end.
                let key = group_key(group_by, book.customer(ci, on), book.segment(a), currency);
                let period_start = if k == 0 {
                    start
                } else {
                    ends[k - 1].succ_opt().ok_or(overflow("dates"))?
                };
                if k > 0 {
                    // The previous period's closing receivables, at this
                    // period's rates.
                    prev_ar = ar_of(&st, on)?;
                }
                // Apply every event dated up to this period's end.
                while let Some(e) = events.next_if(|e| e.date <= ends[k]) {
                    if !begin_set && e.date >= period_start {
                        prev_ar = ar_of(&st, on)?;
                        begin_set = true;
                    }
                    // A credit note on a charge is not a sales return.
                    let on_charge = match &e.kind {
                        EventKind::CreditNote { invoice_id, .. } => {
                            !st.credit_note_is_sales_return(invoice_id.as_ref())
                        }
                        _ => false,
                    };
                    traced.clear();
                    st.apply_traced(e, book.rules(), &mut traced)?;
                    let in_period = e.date >= period_start;
                    match &e.kind {
                        EventKind::CreditNote {
                            amount,
                            currency: c2,
                            ..
                        } if net_sales && !on_charge => {
                            let u = cv(*amount, *c2, on)?;
                            let key = (e.date.year(), e.date.month());
                            if *c2 == currency {
                                *monthly.entry(key).or_insert(0) -= u;
                            } else {
                                foreign.entry(key).or_default().push((-*amount, *c2));
                            }
                            if in_period {
                                cur_part.sales -= u;
                            }
                        }
                        EventKind::Invoiced {
                            amount,
                            currency: c2,
                            ..
                        } => {
                            let u = cv(*amount, *c2, on)?;
                            let key = (e.date.year(), e.date.month());
                            if *c2 == currency {
                                *monthly.entry(key).or_insert(0) += u;
                            } else {
                                foreign.entry(key).or_default().push((*amount, *c2));
                            }
                            if in_period {
                                cur_part.sales += u;
                            }
                        }
                        EventKind::WriteOff {
                            amount,
                            currency: c2,
                            ..
                        } if in_period => cur_part.write_offs += cv(*amount, *c2, on)?,
                        EventKind::DisputeResolved {
                            amount,
                            currency: c2,
                            ..
                        } if in_period => cur_part.disputes_resolved += cv(*amount, *c2, on)?,
                        EventKind::PromiseToPay { .. } if in_period => cur_part.promises_made += 1,
                        _ => {}
                    }
                    if in_period {
                        for &(i, paid, disc) in &traced {
                            let it = &st.items[i];
                            let settled =
                                add_exact(paid, disc).ok_or(overflow("settled amount"))?;
                            let u = cv(settled, it.currency, on)?;
                            cur_part.paid += u;
                            cur_part.paid_days +=
                                u * i128::from((e.date - it.invoice_date).num_days());
                            cur_part.paid_days_beyond +=
                                u * i128::from((e.date - it.due_date).num_days().max(0));
                            cur_part.paid_days_signed +=
                                u * i128::from((e.date - it.due_date).num_days());
                        }
                    }
                }
                if !begin_set {
                    prev_ar = ar_of(&st, on)?;
                }
                // Figures at the period's end.
                let end = ends[k];
                cur_part.ar_begin = prev_ar;
                for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                    for (due, open, disputed) in it.due_lines() {
                        if open.is_zero() {
                            continue;
                        }
                        let open = cv(open, it.currency, on)?;
                        let disputed = cv(disputed, it.currency, on)?;
                        cur_part.add_open(aging, end, due, it.invoice_date, open, disputed);
                    }
                }
                for cr in st.credits.iter().filter(|c| !c.open.is_zero()) {
                    let open = cv(cr.open, cr.currency, on)?;
                    cur_part.add_open(aging, end, cr.date, cr.date, -open, 0);
                }
                for p in &st.promises {
                    if p.promised_date >= period_start && p.promised_date <= end {
                        cur_part.promises_due += 1;
                        cur_part.promises_kept += u64::from(p.paid >= p.amount);
                    }
                }
                for (b, slot) in cur_part.monthly_sales.iter_mut().enumerate() {
                    let m0 = month_start(end, b as u32).ok_or(overflow("dates"))?;
                    let key = (m0.year(), m0.month());
                    let mut t = monthly.get(&key).copied().unwrap_or(0);
                    for &(x, c) in foreign.get(&key).into_iter().flatten() {
                        // A credit note is converted as its amount, then
                        // taken off (as `kpis` does).
                        let u = cv(x.abs(), c, on)?;
                        t += if x.is_sign_negative() { -u } else { u };
                    }
                    *slot = t;
                }
                let done = std::mem::replace(&mut cur_part, Partial::new(nb, months));
                begin_set = true;
                parts[k]
                    .entry(key.into_owned())
                    .or_insert_with(|| Partial::new(nb, months))
                    .merge(&done);
                k += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(ends.len());
    for (k, p) in parts.into_iter().enumerate() {
        let from = if k == 0 {
            start
        } else {
            ends[k - 1].succ_opt().ok_or(overflow("dates"))?
        };
        let to = ends[k];
        let basis = KpiBasis::new(from, to, months, &policy.kpi)?;
        out.push(KpiReport {
            from,
            to,
            group_by,
            currency,
            groups: p
                .into_iter()
                .map(|(key, part)| Ok((key, part.kpis(&basis, mu)?)))
                .collect::<Result<_, MonitorError>>()?,
        });
    }
    Ok(out)
}
