//! Collections over a book: dunning runs, the collection worklist and the
//! status of promises to pay, as of a date.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    promise_state, CollectionsError, DunningProcedure, DunningRun, NextAction, Priority,
    PromiseStatus, WorkItem,
};
use crate::customer::InvoiceId;
use crate::exposure::BookView;
use crate::money::Currency;
use crate::plans::{PaymentPlan, PlanError, PlanStatusKind};

/// A book view whose errors take the collections' own.
pub(crate) trait CollectionsView:
    BookView<Error: From<CollectionsError> + From<PlanError>>
{
}

impl<B: BookView<Error: From<CollectionsError> + From<PlanError>>> CollectionsView for B {}

/// Invoices of plans that are current or late on `as_of` (a broken plan
/// gives its invoices back to dunning).
fn covered_invoices(
    plans: &[PaymentPlan],
    as_of: NaiveDate,
) -> Result<BTreeSet<InvoiceId>, PlanError> {
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

/// Proposes dunning notices as of a date, for every account, by the
/// dunning procedure. An item is dunned when it is past its due date plus
/// the grace days, its next level's days are reached and the level's
/// interval since its previous notice has passed; installment terms are
/// dunned per overdue installment. Left out (and listed in `excluded`):
/// accounts and items under a dunning block, disputed amounts, amounts
/// covered by open credits (with `credits_cover`) or an active promise to
/// pay (oldest first), invoices of `plans`
/// that are current or late (not broken), notices below the level's
/// minimum amount. Deterministic: customers in id order, then segments.
///
/// # Errors
/// Missing FX rates; a reference rate missing for a day interest accrues;
/// overflow.
pub(crate) fn dunning_run<B: CollectionsView>(
    book: &B,
    proc_: &DunningProcedure,
    policy_id: &str,
    as_of: NaiveDate,
    plans: &[PaymentPlan],
    credits_cover: bool,
) -> Result<DunningRun, B::Error> {
    let covered = covered_invoices(plans, as_of)?;
    let mut order: Vec<(usize, usize)> = (0..book.customer_count())
        .flat_map(|c| book.accounts_of(c).iter().map(move |&a| (c, a)))
        .collect();
    order.sort_by(|x, y| {
        (&book.customer(x.0, as_of).id, book.segment(x.1))
            .cmp(&(&book.customer(y.0, as_of).id, book.segment(y.1)))
    });
    let mut run = DunningRun {
        as_of,
        policy_id: policy_id.to_string(),
        notices: Vec::new(),
        excluded: Vec::new(),
    };
    for (c, a) in order {
        let st = book.state_at(a, as_of)?;
        if let Some(n) = super::notice_for(
            proc_,
            &st,
            book.fx(as_of),
            &book.customer(c, as_of).id,
            book.segment(a),
            as_of,
            &covered,
            credits_cover,
            &mut run.excluded,
        )? {
            run.notices.push(n);
        }
    }
    Ok(run)
}

/// What one customer owes overdue, over all its accounts, in the worklist's
/// currency.
#[derive(Default)]
struct Overdue {
    amount: Decimal,
    /// Σ amount × days overdue.
    weighted: Decimal,
    max_days: i64,
    level: u8,
    /// The highest level a notice is due at, if any.
    notice_due: Option<u8>,
}

/// `a + b` exactly, or the overflow error (amounts near the decimal limit:
/// never a sum with decimals dropped).
fn add(a: Decimal, b: Decimal) -> Result<Decimal, CollectionsError> {
    crate::money::add_exact(a, b).ok_or(CollectionsError::Overflow("worklist sums"))
}

/// Customer `c`'s overdue amounts as of `as_of` (covered invoices left
/// out; with `credits_cover`, each account's open credits cover its oldest
/// overdue amounts first).
fn customer_overdue<B: CollectionsView>(
    book: &B,
    proc_: &DunningProcedure,
    c: usize,
    as_of: NaiveDate,
    currency: Currency,
    covered: &BTreeSet<InvoiceId>,
    credits_cover: bool,
) -> Result<Overdue, B::Error> {
    let grace = chrono::Days::new(u64::from(proc_.grace_days));
    let mut o = Overdue::default();
    for &a in book.accounts_of(c) {
        let st = book.state_at(a, as_of)?;
        // The check's walk (`exposure::overdue_lines`): the account's
        // credits cover its oldest overdue lines first, whatever else
        // leaves a line out of the worklist; disputed amounts are not
        // collected.
        for l in crate::exposure::overdue_lines(&st, as_of, book.fx(as_of), credits_cover)? {
            let it = &st.items[l.item];
            if covered.contains(&it.invoice_id) {
                continue;
            }
            let due = l.due;
            let v = book
                .fx(as_of)
                .convert(l.uncovered(), st.currency, currency)?;
            if v.is_zero() {
                continue;
            }
            let days = (as_of - due).num_days();
            o.amount = add(o.amount, v)?;
            let w = v
                .checked_mul(Decimal::from(days))
                .ok_or(CollectionsError::Overflow("worklist sums"))?;
            o.weighted = add(o.weighted, w)?;
            o.max_days = o.max_days.max(days);
            o.level = o.level.max(it.dunning_level);
            let next = it.dunning_level.saturating_add(1);
            if let Some(lv) = proc_.level(next) {
                let past_grace = due.checked_add_days(grace).is_some_and(|d| d < as_of);
                let interval_ok = it
                    .collection
                    .last_dunned
                    .is_none_or(|t| (as_of - t).num_days() >= i64::from(lv.min_interval_days));
                if past_grace && interval_ok && days >= i64::from(lv.min_days_overdue) {
                    o.notice_due = Some(o.notice_due.map_or(next, |n| n.max(next)));
                }
            }
        }
    }
    Ok(o)
}

/// The collection worklist as of a date: every customer with overdue items
/// (all segments, converted to `currency`; invoices of current or late
/// `plans` left out), ranked by the procedure's priority formula, with the
/// next action, grouped by collector (unassigned last) and highest priority
/// first.
///
/// # Errors
/// Missing FX rates; overflow.
pub(crate) fn worklist<B: CollectionsView>(
    book: &B,
    proc_: &DunningProcedure,
    as_of: NaiveDate,
    currency: Currency,
    plans: &[PaymentPlan],
    credits_cover: bool,
) -> Result<Vec<WorkItem>, B::Error> {
    let covered = covered_invoices(plans, as_of)?;
    let wl = &proc_.worklist;
    let mut out = Vec::new();
    for ci in 0..book.customer_count() {
        let o = customer_overdue(book, proc_, ci, as_of, currency, &covered, credits_cover)?;
        if o.amount.is_zero() {
            continue;
        }
        let c = book.customer(ci, as_of);
        let pd = c
            .risk_class
            .and_then(|k| wl.pd_by_class.get(&k).copied())
            .unwrap_or(Decimal::ONE_HUNDRED);
        let priority = match wl.priority {
            Priority::Overdue => o.amount,
            Priority::OverdueTimesDays => o.weighted,
            Priority::OverdueTimesPd => o
                .amount
                .checked_mul(pd)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .ok_or(CollectionsError::Overflow("worklist priority"))?,
        };
        let next_action = if o.max_days >= i64::from(wl.stop_supply_after_days) {
            NextAction::StopSupply
        } else if let Some(level) = o.notice_due {
            NextAction::Notice { level }
        } else if o.max_days >= i64::from(wl.call_after_days) {
            NextAction::Call
        } else {
            NextAction::Reminder
        };
        out.push(WorkItem {
            collector: c.collector.clone(),
            customer: c.id.clone(),
            currency,
            overdue: o.amount,
            max_days_overdue: o.max_days,
            dunning_level: o.level,
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

/// Promises to pay of account `a` and whether each was kept, as of a date.
///
/// # Errors
/// As the ledger's replay.
pub(crate) fn promises<B: BookView>(
    book: &B,
    a: usize,
    as_of: NaiveDate,
) -> Result<Vec<PromiseStatus>, B::Error> {
    let st = book.state_at(a, as_of)?;
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
