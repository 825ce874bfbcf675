//! Collections on the book: dunning runs, the collection worklist and the
//! status of promises to pay.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookError, CreditBook};
use crate::collections::{
    overdue_parts, promise_state, DunningProcedure, DunningRun, NextAction, Priority,
    PromiseStatus, WorkItem,
};
use crate::customer::{CustomerId, InvoiceId};
use crate::money::Currency;
use crate::plans::{PaymentPlan, PlanStatusKind};
use crate::policy::PolicyError;

/// Invoices of plans that are current or late on `as_of` (a broken plan
/// gives its invoices back to dunning).
fn covered_invoices(
    plans: &[PaymentPlan],
    as_of: NaiveDate,
) -> Result<BTreeSet<InvoiceId>, BookError> {
    let mut covered = BTreeSet::new();
    for p in plans {
        let st = p.status(as_of)?;
        if matches!(
            st.status,
            PlanStatusKind::Current | PlanStatusKind::Late { .. }
        ) {
            covered.extend(p.terms.invoices.iter().cloned());
        }
    }
    Ok(covered)
}

impl CreditBook {
    fn procedure(&self) -> Result<&DunningProcedure, BookError> {
        self.policy.dunning.as_ref().ok_or_else(|| {
            BookError::Policy(PolicyError::InvalidField {
                field: "dunning".into(),
                value: "absent".into(),
                reason: "the policy has no dunning procedure",
            })
        })
    }

    /// Proposes dunning notices as of a date, for every account, by the
    /// policy's dunning procedure. An item is dunned when it is past its
    /// due date plus the grace days, its next level's days are reached and
    /// the level's interval since its previous notice has passed; installment
    /// terms are dunned per overdue installment. Left out (and listed in
    /// `excluded`): accounts and items under a dunning block, disputed
    /// amounts, amounts covered by an active promise to pay (oldest first),
    /// invoices of `plans` that are current or late (not broken), notices
    /// below the level's minimum amount. Deterministic: customers in id
    /// order. Issue a run by applying [`DunningRun::events`].
    ///
    /// # Errors
    /// A policy without a dunning procedure; missing FX rates; a reference
    /// rate missing for a day interest accrues; overflow.
    pub fn dunning_run(
        &self,
        as_of: NaiveDate,
        plans: &[PaymentPlan],
    ) -> Result<DunningRun, BookError> {
        let proc_ = self.procedure()?.clone();
        let covered = covered_invoices(plans, as_of)?;
        let mut order: Vec<(CustomerId, usize)> = Vec::new();
        for c in &self.customers {
            for &a in &c.accounts {
                order.push((c.customer.id.clone(), a));
            }
        }
        order.sort_by(|x, y| {
            x.0.cmp(&y.0)
                .then(self.accounts[x.1].segment.cmp(&self.accounts[y.1].segment))
        });
        let mut run = DunningRun {
            as_of,
            policy_id: self.policy.policy_id.clone(),
            notices: Vec::new(),
            excluded: Vec::new(),
        };
        for (customer, a) in order {
            let segment = self.accounts[a].segment.clone();
            // The current state when no event is dated after `as_of`; a
            // replay otherwise.
            let replayed = if self.accounts[a].last_date.is_none_or(|l| l <= as_of) {
                None
            } else {
                Some(self.state_as_of(a, as_of)?)
            };
            let st = replayed.as_ref().unwrap_or(&self.accounts[a].state);
            if let Some(n) = crate::collections::notice_for(
                &proc_,
                st,
                &self.fx,
                &customer,
                &segment,
                as_of,
                &covered,
                &mut run.excluded,
            )? {
                run.notices.push(n);
            }
        }
        Ok(run)
    }

    /// The collection worklist as of a date: every customer with overdue
    /// items (all segments, converted to `currency`; invoices of current or
    /// late `plans` left out), ranked by the policy's priority formula, with
    /// the next action, grouped by collector (unassigned last) and highest
    /// priority first.
    ///
    /// # Errors
    /// A policy without a dunning procedure; missing FX rates; overflow.
    pub fn worklist(
        &self,
        as_of: NaiveDate,
        currency: Currency,
        plans: &[PaymentPlan],
    ) -> Result<Vec<WorkItem>, BookError> {
        let proc_ = self.procedure()?.clone();
        let covered = covered_invoices(plans, as_of)?;
        let wl = &proc_.worklist;
        let grace = chrono::Days::new(u64::from(proc_.grace_days));
        let mut out = Vec::new();
        for ci in 0..self.customers.len() {
            let (mut overdue, mut weighted, mut max_days, mut level) =
                (Decimal::ZERO, Decimal::ZERO, 0i64, 0u8);
            let mut notice_due: Option<u8> = None;
            for &a in &self.customers[ci].accounts.clone() {
                let replayed = if self.accounts[a].last_date.is_none_or(|l| l <= as_of) {
                    None
                } else {
                    Some(self.state_as_of(a, as_of)?)
                };
                let st = replayed.as_ref().unwrap_or(&self.accounts[a].state);
                for it in st
                    .items
                    .iter()
                    .filter(|i| !i.open.is_zero() && !covered.contains(&i.invoice_id))
                {
                    for (due, open) in overdue_parts(it, as_of) {
                        let v = self.fx.convert(open, it.currency, currency)?;
                        let days = (as_of - due).num_days();
                        overdue = add(overdue, v)?;
                        weighted = add(
                            weighted,
                            v.checked_mul(Decimal::from(days))
                                .ok_or(BookError::Overflow)?,
                        )?;
                        max_days = max_days.max(days);
                        level = level.max(it.dunning_level);
                        let next = it.dunning_level.saturating_add(1);
                        if let Some(l) = proc_.level(next) {
                            let past_grace = due.checked_add_days(grace).is_some_and(|d| d < as_of);
                            let interval_ok = it.collection.last_dunned.is_none_or(|t| {
                                (as_of - t).num_days() >= i64::from(l.min_interval_days)
                            });
                            if past_grace && interval_ok && days >= i64::from(l.min_days_overdue) {
                                notice_due = Some(notice_due.map_or(next, |n| n.max(next)));
                            }
                        }
                    }
                }
            }
            if overdue.is_zero() {
                continue;
            }
            let c = &self.customers[ci].customer;
            let pd = c
                .risk_class
                .and_then(|k| wl.pd_by_class.get(&k).copied())
                .unwrap_or(Decimal::ONE_HUNDRED);
            let priority = match wl.priority {
                Priority::Overdue => overdue,
                Priority::OverdueTimesDays => weighted,
                Priority::OverdueTimesPd => overdue
                    .checked_mul(pd)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                    .ok_or(BookError::Overflow)?,
            };
            let next_action = if max_days >= i64::from(wl.stop_supply_after_days) {
                NextAction::StopSupply
            } else if let Some(level) = notice_due {
                NextAction::Notice { level }
            } else if max_days >= i64::from(wl.call_after_days) {
                NextAction::Call
            } else {
                NextAction::Reminder
            };
            out.push(WorkItem {
                collector: c.collector.clone(),
                customer: c.id.clone(),
                currency,
                overdue,
                max_days_overdue: max_days,
                dunning_level: level,
                risk_class: c.risk_class,
                priority: crate::money::round_dp(
                    priority,
                    currency.minor_units(),
                    crate::money::RoundingMode::HalfEven,
                ),
                next_action,
            });
        }
        out.sort_by(|a, b| {
            (a.collector.is_none(), &a.collector)
                .cmp(&(b.collector.is_none(), &b.collector))
                .then(b.priority.cmp(&a.priority))
                .then(a.customer.cmp(&b.customer))
        });
        Ok(out)
    }

    /// Promises to pay of an account and whether each was kept, as of a date.
    ///
    /// # Errors
    /// Unknown customer.
    pub fn promises(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<PromiseStatus>, BookError> {
        let c = self.cust(customer)?;
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(Vec::new());
        };
        let st = self.state_as_of(a, as_of)?;
        Ok(st
            .promises
            .iter()
            .filter(|p| p.made_on <= as_of)
            .map(|p| PromiseStatus {
                promise: p.clone(),
                state: promise_state(p, as_of),
            })
            .collect())
    }
}

/// `a + b` exactly, or the overflow error (amounts near the decimal
/// limit: never a sum with decimals dropped).
fn add(a: Decimal, b: Decimal) -> Result<Decimal, BookError> {
    crate::money::add_exact(a, b).ok_or(BookError::Overflow)
}
