//! Monitoring on the book: aging, KPIs and goals, as of any date, from the
//! ledger as it stood on that date.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{BookError, CreditBook};
use crate::ledger::{to_units, AccountState, EventKind};
use crate::money::Currency;
use crate::monitor::{
    Aging, AgingRow, GoalPeriod, GoalResult, GroupBy, KpiReport, Partial, TrendPoint,
};

/// Days of the `months` calendar months counted back from `to` (the first
/// only up to `to`), for countback DSO.
fn month_days(to: NaiveDate, months: usize) -> Vec<i64> {
    (0..months as u32)
        .map(|k| {
            if k == 0 {
                i64::from(to.day())
            } else {
                let s = month_start(to, k).unwrap_or(to);
                let e = month_start(to, k - 1).unwrap_or(to);
                (e - s).num_days()
            }
        })
        .collect()
}

/// The group a customer's account falls in (`cur`: the item currency,
/// for grouping by currency).
fn group_key(
    group_by: GroupBy,
    c: &crate::customer::Customer,
    segment: &str,
    cur: Currency,
) -> String {
    match group_by {
        GroupBy::Total => "total".to_string(),
        GroupBy::Customer => c.id.0.clone(),
        GroupBy::Segment => segment.to_string(),
        GroupBy::Collector => c.collector.clone().unwrap_or_else(|| "(none)".into()),
        GroupBy::RiskClass => c
            .risk_class
            .map_or_else(|| "(none)".into(), |k| k.as_str().to_string()),
        GroupBy::Currency => cur.code().to_string(),
    }
}

/// The first day of `d`'s month, `k` months back.
fn month_start(d: NaiveDate, k: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?.checked_sub_months(chrono::Months::new(k))
}

impl CreditBook {
    fn state_at(&mut self, a: usize, as_of: NaiveDate) -> Result<Option<AccountState>, BookError> {
        if self.accounts[a].last_date.is_none_or(|l| l <= as_of) {
            Ok(None)
        } else {
            Ok(Some(self.state_as_of(a, as_of)?))
        }
    }

    /// The mergeable sums behind aging and KPIs for the period `from ..=
    /// to`, per group, amounts in `currency` (converted with the book's FX
    /// rates, item by item) — or, grouped by currency, in each item's own
    /// currency. `months` months of sales history are kept for countback
    /// DSO.
    ///
    /// # Errors
    /// A period ending before it starts; `currency` missing when not
    /// grouping by currency; missing FX rates; overflow.
    pub fn monitor_partials(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        group_by: GroupBy,
        currency: Option<Currency>,
        months: usize,
    ) -> Result<BTreeMap<(String, Currency), Partial>, BookError> {
        if to < from {
            return Err(BookError::Policy(
                crate::policy::PolicyError::InvalidField {
                    field: "from".into(),
                    value: from.to_string(),
                    reason: "the period must not end before it starts",
                },
            ));
        }
        if currency.is_none() && group_by != GroupBy::Currency {
            return Err(BookError::Policy(
                crate::policy::PolicyError::InvalidField {
                    field: "currency".into(),
                    value: "absent".into(),
                    reason: "a report currency is needed unless grouping by currency",
                },
            ));
        }
        let aging = self.policy.monitoring.aging.clone();
        let n_buckets = aging.bounds.len() + 1;
        let before = from.pred_opt().ok_or(BookError::Overflow)?;
        let history_start =
            month_start(to, months.saturating_sub(1) as u32).ok_or(BookError::Overflow)?;
        let mut out: BTreeMap<(String, Currency), Partial> = BTreeMap::new();
        for ci in 0..self.customers.len() {
            let accounts = self.customers[ci].accounts.clone();
            for a in accounts {
                // Utilisation: exposure against an amount limit (computed
                // first: it needs the book mutably).
                let limit = self.accounts[a]
                    .limit
                    .as_ref()
                    .and_then(|l| l.effective(to));
                let exposure = match limit {
                    Some(l) => {
                        let id = self.customers[ci].customer.id.clone();
                        let seg = self.accounts[a].segment.clone();
                        let x = self.exposure(&id, &seg, to)?;
                        Some((x.total, l, x.currency))
                    }
                    None => None,
                };
                let end = self.state_at(a, to)?;
                // The receivables the day before the period: from the end
                // state's dated reductions when that is exact (no opening
                // balance imported after that day, which the end state
                // cannot date), by replay otherwise.
                let evs = &self.accounts[a].events;
                let after = evs.partition_point(|&i| self.events[i].date <= before);
                let imported_later = evs[after..]
                    .iter()
                    .any(|&i| matches!(self.events[i].kind, EventKind::OpenItemImported { .. }));
                let begin = if imported_later {
                    self.state_at(a, before)?
                } else {
                    None
                };
                let c = &self.customers[ci].customer;
                let seg = self.accounts[a].segment.clone();
                let key_for = |cur: Currency| group_key(group_by, c, &seg, cur);
                let end_st = end.as_ref().unwrap_or(&self.accounts[a].state);
                let begin_st: Option<&AccountState> = begin.as_ref();
                let fx = &self.fx;
                // Which group and currency an amount in `cur` lands in.
                // The group's key is fixed per account except when grouping
                // by currency, where the report currency is the item's: the
                // account accumulates per report currency, then merges once.
                let target = |cur: Currency| currency.unwrap_or(cur);
                let conv = |x: Decimal, cur: Currency| -> Result<(Currency, i128), BookError> {
                    let rc = target(cur);
                    Ok((rc, to_units(fx.convert(x, cur, rc)?, rc.minor_units())?))
                };
                let mut local: Vec<(Currency, Partial)> = Vec::with_capacity(1);
                let mut add = |rc: Currency, f: &mut dyn FnMut(&mut Partial)| {
                    let i = match local.iter().position(|(c, _)| *c == rc) {
                        Some(i) => i,
                        None => {
                            local.push((rc, Partial::new(n_buckets, months)));
                            local.len() - 1
                        }
                    };
                    f(&mut local[i].1);
                };
                if let Some((x, l, cur)) = exposure {
                    let rc = target(cur);
                    let ex = to_units(fx.convert(x, cur, rc)?, rc.minor_units())?;
                    let li = to_units(fx.convert(l, cur, rc)?, rc.minor_units())?;
                    add(rc, &mut |p| {
                        p.exposure += ex;
                        p.limits += li;
                    });
                }
                // One pass over the items: aging and receivables at the end,
                // payments in the period, receivables the day before it.
                for it in &end_st.items {
                    let rc = currency.unwrap_or(it.currency);
                    let mu = rc.minor_units();
                    let same = it.currency == rc;
                    let cv = |x: Decimal| -> Result<i128, BookError> {
                        let v = if same {
                            x
                        } else {
                            fx.convert(x, it.currency, rc)?
                        };
                        Ok(to_units(v, mu)?)
                    };
                    let mut pay = (0i128, 0i128, 0i128);
                    // Reduced in (or after) the period at all?
                    let touched = it.collection.last_reduction.is_some_and(|r| r >= from);
                    for &(d, amt) in if touched {
                        it.collection.payments.as_slice()
                    } else {
                        &[]
                    } {
                        if d < from || d > to {
                            continue;
                        }
                        let u = cv(amt)?;
                        pay.0 += u;
                        pay.1 += u * i128::from((d - it.invoice_date).num_days());
                        pay.2 += u * i128::from((d - it.due_date).num_days().max(0));
                    }
                    let begin_units = if begin_st.is_none() && it.invoice_date <= before {
                        let mut v = cv(it.open)?;
                        let later: &[(NaiveDate, Decimal)] = if touched {
                            &it.collection.reductions
                        } else {
                            &[]
                        };
                        for &(d, x) in later {
                            if d > before {
                                v += cv(x)?;
                            }
                        }
                        v
                    } else {
                        0
                    };
                    let open = if it.open.is_zero() { 0 } else { cv(it.open)? };
                    let disputed = if it.disputed.is_zero() {
                        0
                    } else {
                        cv(it.disputed)?
                    };
                    // Credit sales: invoices (not charges, not imported
                    // opening balances) by month, from the items.
                    let sale = it.collection.charge.is_none()
                        && !it.collection.imported
                        && it.invoice_date >= history_start
                        && it.invoice_date <= to;
                    let sale_units = if sale { cv(it.amount)? } else { 0 };
                    let back = (to.year() - it.invoice_date.year()) * 12 + to.month() as i32
                        - it.invoice_date.month() as i32;
                    let in_period_sale = sale && it.invoice_date >= from;
                    add(rc, &mut |p| {
                        if sale {
                            if let Some(slot) = usize::try_from(back)
                                .ok()
                                .and_then(|i| p.monthly_sales.get_mut(i))
                            {
                                *slot += sale_units;
                            }
                            if in_period_sale {
                                p.sales += sale_units;
                            }
                        }
                        p.paid += pay.0;
                        p.paid_days += pay.1;
                        p.paid_days_beyond += pay.2;
                        p.ar_begin += begin_units;
                        if open != 0 {
                            p.add_open(&aging, to, it.due_date, it.invoice_date, open, disputed);
                        }
                    });
                }
                if let Some(st) = begin_st {
                    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                        let (rc, open) = conv(it.open, it.currency)?;
                        add(rc, &mut |p| p.ar_begin += open);
                    }
                }
                // Promises due in the period.
                for pr in &end_st.promises {
                    if pr.promised_date >= from && pr.promised_date <= to {
                        let rc = target(pr.currency);
                        let kept = pr.paid >= pr.amount;
                        add(rc, &mut |p| {
                            p.promises_due += 1;
                            p.promises_kept += u64::from(kept);
                        });
                    }
                }
                // Sales and write-offs from the events of the period and of
                // the sales history.
                // Write-offs, resolved disputes and promises made: from the
                // period's events only (sales came from the items).
                let evs = &self.accounts[a].events;
                let startpos = evs.partition_point(|&i| self.events[i].date < from);
                for &i in &evs[startpos..] {
                    let e = &self.events[i];
                    if e.date > to {
                        break;
                    }
                    if self.reversed[i] {
                        continue;
                    }
                    match &e.kind {
                        EventKind::WriteOff {
                            amount,
                            currency: cur,
                            ..
                        } if e.date >= from => {
                            let (rc, u) = conv(*amount, *cur)?;
                            add(rc, &mut |p| p.write_offs += u);
                        }
                        EventKind::DisputeResolved {
                            amount,
                            currency: cur,
                            ..
                        } if e.date >= from => {
                            let (rc, u) = conv(*amount, *cur)?;
                            add(rc, &mut |p| p.disputes_resolved += u);
                        }
                        EventKind::PromiseToPay { currency: cur, .. } if e.date >= from => {
                            let rc = target(*cur);
                            add(rc, &mut |p| p.promises_made += 1);
                        }
                        _ => {}
                    }
                }
                for (rc, p) in local {
                    out.entry((key_for(rc), rc))
                        .or_insert_with(|| Partial::new(n_buckets, months))
                        .merge(&p);
                }
            }
        }
        Ok(out)
    }

    /// Aging as of a date: open amounts per bucket (undisputed), disputed
    /// separately; each row's total is its open balance.
    ///
    /// # Errors
    /// As [`CreditBook::monitor_partials`].
    pub fn aging(
        &mut self,
        as_of: NaiveDate,
        group_by: GroupBy,
        currency: Option<Currency>,
    ) -> Result<Aging, BookError> {
        let parts = self.monitor_partials(as_of, as_of, group_by, currency, 1)?;
        let policy = &self.policy.monitoring.aging;
        let rows = parts
            .into_iter()
            .map(|((key, cur), p)| {
                let mu = cur.minor_units();
                let d = |u: i128| Decimal::from_i128_with_scale(u, mu);
                let total: i128 = p.buckets.iter().sum::<i128>() + p.disputed;
                AgingRow {
                    key,
                    currency: cur,
                    buckets: p.buckets.iter().map(|u| d(*u)).collect(),
                    disputed: d(p.disputed),
                    total: d(total),
                    items: p.items,
                }
            })
            .collect();
        Ok(Aging {
            as_of,
            group_by,
            basis: policy.basis,
            labels: policy.labels(),
            rows,
        })
    }

    /// KPIs for the period `from ..= to` per group, in `currency`, with 12
    /// months of sales history for countback DSO.
    ///
    /// # Errors
    /// As [`CreditBook::monitor_partials`].
    pub fn kpis(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        group_by: GroupBy,
        currency: Currency,
    ) -> Result<KpiReport, BookError> {
        let months = 12usize;
        let parts = self.monitor_partials(from, to, group_by, Some(currency), months)?;
        let days = (to - from).num_days() + 1;
        let month_days = month_days(to, months);
        let groups = parts
            .into_iter()
            .map(|((k, cur), p)| (k, p.kpis(days, &month_days, cur.minor_units())))
            .collect();
        Ok(KpiReport {
            from,
            to,
            group_by,
            currency,
            groups,
        })
    }

    /// Every goal of the policy as of a date: the KPI over the goal's period
    /// to date, the gap to the target, the status, and the KPI at the end
    /// of each of the three previous periods.
    ///
    /// # Errors
    /// As [`CreditBook::kpis`].
    pub fn goals_report(
        &mut self,
        as_of: NaiveDate,
        currency: Currency,
    ) -> Result<Vec<GoalResult>, BookError> {
        let goals = self.policy.monitoring.goals.clone();
        let mut out = Vec::with_capacity(goals.len());
        let period_start = |p: GoalPeriod, d: NaiveDate| -> Option<NaiveDate> {
            match p {
                GoalPeriod::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
                GoalPeriod::Quarter => {
                    NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1)
                }
                GoalPeriod::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
            }
        };
        for g in goals {
            let key = match g.scope {
                GroupBy::Total => "total".to_string(),
                _ => g.key.clone().unwrap_or_default(),
            };
            let value_at = |book: &mut CreditBook,
                            to: NaiveDate|
             -> Result<(NaiveDate, Option<Decimal>), BookError> {
                let from = period_start(g.period, to).ok_or(BookError::Overflow)?;
                let r = book.kpis(from, to, g.scope, currency)?;
                Ok((from, r.groups.get(&key).and_then(|k| k.get(g.kpi).value)))
            };
            let (from, actual) = value_at(self, as_of)?;
            let (status, gap) = g.judge(actual);
            // The three previous periods, in one pass over the ledger.
            let mut ends = Vec::with_capacity(3);
            let mut end = from.pred_opt().ok_or(BookError::Overflow)?;
            let mut first = from;
            for _ in 0..3 {
                ends.push(end);
                first = period_start(g.period, end).ok_or(BookError::Overflow)?;
                end = first.pred_opt().ok_or(BookError::Overflow)?;
            }
            ends.reverse();
            let trend_scope = if g.scope == GroupBy::Currency {
                GroupBy::Total
            } else {
                g.scope
            };
            let series = self.kpi_series(first, &ends, trend_scope, currency)?;
            let trend = series
                .iter()
                .rev()
                .map(|r| TrendPoint {
                    end: r.to,
                    value: r.groups.get(&key).and_then(|k| k.get(g.kpi).value),
                })
                .collect();
            out.push(GoalResult {
                goal: g,
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
}

impl CreditBook {
    /// Creditworthiness alerts as of a date by the policy's thresholds,
    /// compared with `previous` (the last run's `active` list): a condition
    /// is raised once when it starts and cleared when it ends. `reviews` is
    /// the latest review run (for score drops and downgrades); `plans` pairs
    /// each payment plan with its customer. Deterministic: alerts sorted by
    /// code, customer and subject.
    ///
    /// # Errors
    /// Missing FX rates; overflow.
    pub fn alerts(
        &mut self,
        as_of: NaiveDate,
        previous: &[crate::monitor::Alert],
        reviews: Option<&crate::risk::ReviewRun>,
        plans: &[(crate::customer::CustomerId, crate::plans::PaymentPlan)],
    ) -> Result<crate::monitor::AlertRun, BookError> {
        use crate::monitor::{Alert, AlertCode, AlertRun};
        let pol = self.policy.monitoring.alerts.clone();
        let mut now = Vec::new();
        let alert = |code,
                     customer: &crate::customer::CustomerId,
                     subject: String,
                     observed: String,
                     threshold: String| Alert {
            code,
            customer: customer.clone(),
            subject,
            observed,
            threshold,
            raised_on: as_of,
        };
        for ci in 0..self.customers.len() {
            let id = self.customers[ci].customer.id.clone();
            if let Some(r) = self.customers[ci].customer.next_review {
                if pol.expired && r < as_of {
                    now.push(alert(
                        AlertCode::ReviewExpired,
                        &id,
                        String::new(),
                        r.to_string(),
                        as_of.to_string(),
                    ));
                }
            }
            for a in self.customers[ci].accounts.clone() {
                let seg = self.accounts[a].segment.clone();
                if let Some(l) = &self.accounts[a].limit {
                    if pol.expired && l.expired(as_of) {
                        let v = l.valid_to.map(|d| d.to_string()).unwrap_or_default();
                        now.push(alert(
                            AlertCode::LimitExpired,
                            &id,
                            seg.clone(),
                            v,
                            as_of.to_string(),
                        ));
                    }
                }
                if let Some(t) = pol.utilisation_above {
                    let x = self.exposure(&id, &seg, as_of)?;
                    if let Some(l) = x.limit.filter(|l| *l > Decimal::ZERO) {
                        let pct = crate::money::round_dp(
                            x.total / l * Decimal::ONE_HUNDRED,
                            2,
                            crate::money::RoundingMode::HalfEven,
                        );
                        if pct > t {
                            now.push(alert(
                                AlertCode::UtilisationHigh,
                                &id,
                                seg.clone(),
                                pct.to_string(),
                                t.to_string(),
                            ));
                        }
                    }
                }
                let st = match self.state_at(a, as_of)? {
                    Some(s) => s,
                    None => self.accounts[a].state.clone(),
                };
                if let Some(n) = pol.overdue_days_above {
                    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                        let days = (as_of - it.due_date).num_days();
                        if days > n {
                            now.push(alert(
                                AlertCode::ItemOverdue,
                                &id,
                                it.invoice_id.0.clone(),
                                days.to_string(),
                                n.to_string(),
                            ));
                        }
                    }
                }
                if let Some(n) = pol.broken_promise_days {
                    for p in &st.promises {
                        let age = (as_of - p.promised_date).num_days();
                        if age > 0 && age <= n && p.paid < p.amount {
                            now.push(alert(
                                AlertCode::PromiseBroken,
                                &id,
                                p.promised_date.to_string(),
                                format!("{} of {} paid", p.paid, p.amount),
                                format!("within {n} days"),
                            ));
                        }
                    }
                }
                if pol.dbt_worsening_days.is_some()
                    || pol.large_order_percent_of_monthly_sales.is_some()
                {
                    let f = self.features(&id, &seg, as_of)?;
                    if let (Some(t), Some(trend)) = (pol.dbt_worsening_days, f.dbt_trend) {
                        let t64: f64 = t.to_string().parse().unwrap_or(f64::INFINITY);
                        if trend > t64 {
                            now.push(alert(
                                AlertCode::DbtWorsening,
                                &id,
                                seg.clone(),
                                format!("{trend:.2}"),
                                t.to_string(),
                            ));
                        }
                    }
                    if let Some(pct) = pol.large_order_percent_of_monthly_sales {
                        let avg = f.avg_monthly_sales_12m;
                        if avg > Decimal::ZERO {
                            let week = as_of - chrono::Days::new(7);
                            for &i in &self.accounts[a].events {
                                let e = &self.events[i];
                                if e.date <= week || e.date > as_of || self.reversed[i] {
                                    continue;
                                }
                                if let EventKind::OrderPlaced {
                                    order_id,
                                    amount,
                                    currency,
                                    ..
                                } = &e.kind
                                {
                                    let v = self.fx.convert(*amount, *currency, f.currency)?;
                                    let share = v / avg * Decimal::ONE_HUNDRED;
                                    if share > pct {
                                        now.push(alert(
                                            AlertCode::LargeOrder,
                                            &id,
                                            order_id.0.clone(),
                                            crate::money::round_dp(
                                                share,
                                                2,
                                                crate::money::RoundingMode::HalfEven,
                                            )
                                            .to_string(),
                                            pct.to_string(),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(run) = reviews {
                if let Some(r) = run.result(&id) {
                    if let (Some(n), Some(prev), Some(score)) =
                        (pol.score_drop_points, r.previous_score, r.score)
                    {
                        if prev - score > f64::from(n) {
                            now.push(alert(
                                AlertCode::ScoreDrop,
                                &id,
                                r.reviewed_on.to_string(),
                                format!("{prev} -> {score}"),
                                n.to_string(),
                            ));
                        }
                    }
                }
                if pol.class_downgrade {
                    for e in run.events.iter().filter(|e| e.customer == id) {
                        if let crate::risk::ReviewEventKind::ClassDowngraded { from, to } = &e.kind
                        {
                            now.push(alert(
                                AlertCode::ClassDowngrade,
                                &id,
                                run.as_of.to_string(),
                                format!("{from} -> {to}"),
                                String::new(),
                            ));
                        }
                    }
                }
            }
            if pol.broken_plan {
                for (k, (cust, p)) in plans.iter().enumerate() {
                    if *cust == id
                        && p.status(as_of)?.status == crate::plans::PlanStatusKind::Broken
                    {
                        let subject = p
                            .terms
                            .invoices
                            .first()
                            .map_or_else(|| format!("plan {k}"), |i| i.0.clone());
                        now.push(alert(
                            AlertCode::PlanBroken,
                            &id,
                            subject,
                            "broken".into(),
                            format!("{:?}", p.terms.broken),
                        ));
                    }
                }
            }
        }
        Ok(AlertRun::diff(as_of, now, previous))
    }
}

impl CreditBook {
    /// KPIs for consecutive periods — `start ..= ends[0]`, then
    /// `ends[k-1] + 1 ..= ends[k]` — in one pass over the ledger: each
    /// account's events are replayed once, in date order, and its figures
    /// taken at every period end (so each point is exact as the ledger stood
    /// then, without re-scanning per point). Limit utilisation is left out
    /// of the series (undefined).
    ///
    /// # Errors
    /// Period ends not increasing or before `start`; `currency` and FX
    /// rates as [`CreditBook::monitor_partials`]; overflow.
    pub fn kpi_series(
        &mut self,
        start: NaiveDate,
        ends: &[NaiveDate],
        group_by: GroupBy,
        currency: Currency,
    ) -> Result<Vec<KpiReport>, BookError> {
        let bad = |field: &str, value: String, reason: &'static str| {
            BookError::Policy(crate::policy::PolicyError::InvalidField {
                field: field.into(),
                value,
                reason,
            })
        };
        if ends.is_empty() || ends[0] < start || ends.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad(
                "ends",
                format!("{ends:?}"),
                "increasing period ends on or after the start",
            ));
        }
        if group_by == GroupBy::Currency {
            return Err(bad(
                "group_by",
                "currency".into(),
                "a series is in one report currency",
            ));
        }
        let months = 12usize;
        let aging = self.policy.monitoring.aging.clone();
        let nb = aging.bounds.len() + 1;
        let mu = currency.minor_units();
        let mut parts: Vec<BTreeMap<String, Partial>> = vec![BTreeMap::new(); ends.len()];
        for ci in 0..self.customers.len() {
            for a in self.customers[ci].accounts.clone() {
                let c = &self.customers[ci].customer;
                let key = group_key(group_by, c, &self.accounts[a].segment, currency);
                let cur_acc = self.accounts[a].state.currency;
                let events: Vec<usize> = self.accounts[a]
                    .events
                    .iter()
                    .copied()
                    .filter(|&i| {
                        !self.reversed[i]
                            && !matches!(self.events[i].kind, EventKind::Reversal { .. })
                    })
                    .collect();
                let mut st = AccountState::new(cur_acc);
                let mut traced = Vec::new();
                let mut monthly: BTreeMap<(i32, u32), i128> = BTreeMap::new();
                let mut cur_part = Partial::new(nb, months);
                let mut k = 0usize;
                let mut prev_ar = 0i128;
                let mut begin_set = false;
                let mut ei = 0usize;
                let fx = self.fx.clone();
                let cv = |x: Decimal, from: Currency| -> Result<i128, BookError> {
                    Ok(to_units(fx.convert(x, from, currency)?, mu)?)
                };
                let ar_of = |st: &AccountState| -> Result<i128, BookError> {
                    let mut t = 0i128;
                    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                        t += cv(it.open, it.currency)?;
                    }
                    Ok(t)
                };
                while k < ends.len() {
                    let period_start = if k == 0 {
                        start
                    } else {
                        ends[k - 1].succ_opt().ok_or(BookError::Overflow)?
                    };
                    // Apply every event dated up to this period's end.
                    while ei < events.len() && self.events[events[ei]].date <= ends[k] {
                        let e = &self.events[events[ei]];
                        if !begin_set && e.date >= period_start {
                            prev_ar = ar_of(&st)?;
                            begin_set = true;
                        }
                        traced.clear();
                        st.apply_traced(e, &mut self.terms, &mut traced)?;
                        let in_period = e.date >= period_start;
                        match &e.kind {
                            EventKind::Invoiced {
                                amount,
                                currency: c2,
                                ..
                            } => {
                                let u = cv(*amount, *c2)?;
                                *monthly.entry((e.date.year(), e.date.month())).or_insert(0) += u;
                                if in_period {
                                    cur_part.sales += u;
                                }
                            }
                            EventKind::WriteOff {
                                amount,
                                currency: c2,
                                ..
                            } if in_period => cur_part.write_offs += cv(*amount, *c2)?,
                            EventKind::DisputeResolved {
                                amount,
                                currency: c2,
                                ..
                            } if in_period => cur_part.disputes_resolved += cv(*amount, *c2)?,
                            EventKind::PromiseToPay { .. } if in_period => {
                                cur_part.promises_made += 1
                            }
                            _ => {}
                        }
                        if in_period {
                            for &(i, paid, disc) in &traced {
                                let it = &st.items[i];
                                let u = cv(paid + disc, it.currency)?;
                                cur_part.paid += u;
                                cur_part.paid_days +=
                                    u * i128::from((e.date - it.invoice_date).num_days());
                                cur_part.paid_days_beyond +=
                                    u * i128::from((e.date - it.due_date).num_days().max(0));
                            }
                        }
                        ei += 1;
                    }
                    if !begin_set {
                        prev_ar = ar_of(&st)?;
                    }
                    // Figures at the period's end.
                    let end = ends[k];
                    cur_part.ar_begin = prev_ar;
                    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                        let open = cv(it.open, it.currency)?;
                        let disputed = cv(it.disputed, it.currency)?;
                        cur_part.add_open(
                            &aging,
                            end,
                            it.due_date,
                            it.invoice_date,
                            open,
                            disputed,
                        );
                    }
                    for p in &st.promises {
                        if p.promised_date >= period_start && p.promised_date <= end {
                            cur_part.promises_due += 1;
                            cur_part.promises_kept += u64::from(p.paid >= p.amount);
                        }
                    }
                    for (b, slot) in cur_part.monthly_sales.iter_mut().enumerate() {
                        let m0 = month_start(end, b as u32).ok_or(BookError::Overflow)?;
                        *slot = monthly.get(&(m0.year(), m0.month())).copied().unwrap_or(0);
                    }
                    let done = std::mem::replace(&mut cur_part, Partial::new(nb, months));
                    prev_ar = done.ar_end;
                    begin_set = true;
                    parts[k]
                        .entry(key.clone())
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
                ends[k - 1].succ_opt().ok_or(BookError::Overflow)?
            };
            let to = ends[k];
            let days = (to - from).num_days() + 1;
            let month_days = month_days(to, months);
            out.push(KpiReport {
                from,
                to,
                group_by,
                currency,
                groups: p
                    .into_iter()
                    .map(|(key, part)| (key, part.kpis(days, &month_days, mu)))
                    .collect(),
            });
        }
        Ok(out)
    }
}
