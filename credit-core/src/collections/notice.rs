//! Dunning eligibility: which open items of an account a dunning run
//! reminds, at which level, with which interest and compensation; the
//! state of promises to pay; the events that issue a run.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    compensation, CollectionsError, DunningProcedure, DunningRun, Exclusion, Notice, NoticeLine,
};
use crate::customer::{CustomerId, EventId, InvoiceId};
use crate::exposure::Fx;
use crate::ledger::{AccountState, ChargeKind, Event, EventKind, OpenItem, Promise};
use crate::money::Currency;

/// Whether a promise to pay was kept, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseState {
    /// Its date has not passed and it is not paid in full yet.
    Open,
    /// Paid in full by its date.
    Kept,
    /// Its date passed with part of it paid.
    PartiallyKept,
    /// Its date passed with nothing paid.
    Broken,
}

/// A promise to pay and its state as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseStatus {
    /// The promise.
    #[serde(flatten)]
    pub promise: Promise,
    /// Its state.
    pub state: PromiseState,
}

/// The state of a promise as of `as_of` (payments counted are those the
/// ledger applied up to that date).
pub fn promise_state(p: &Promise, as_of: NaiveDate) -> PromiseState {
    if p.paid >= p.amount {
        PromiseState::Kept
    } else if as_of <= p.promised_date {
        PromiseState::Open
    } else if p.paid > Decimal::ZERO {
        PromiseState::PartiallyKept
    } else {
        PromiseState::Broken
    }
}

impl DunningRun {
    /// The ledger events that issue this run: per notice a `dunning_notice`
    /// (id `dun:{date}:{customer}:{segment}`), a `charged` dunning fee
    /// (`fee:…`), and per line its late interest (`int:{date}:{invoice}`)
    /// and compensation (`comp:{invoice}`). Ids are deterministic, so
    /// applying the same run twice is a reported no-op.
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::new();
        for n in &self.notices {
            let ev = |id: String, kind: EventKind| Event {
                id: EventId(id),
                customer: n.customer.clone(),
                segment: n.segment.clone(),
                date: self.as_of,
                kind,
            };
            let mut invoices: Vec<InvoiceId> = Vec::new();
            for l in &n.lines {
                if !invoices.contains(&l.invoice_id) {
                    invoices.push(l.invoice_id.clone());
                }
            }
            out.push(ev(
                format!("dun:{}:{}:{}", self.as_of, n.customer, n.segment),
                EventKind::DunningNotice {
                    level: n.level,
                    invoices,
                },
            ));
            if !n.fee.is_zero() {
                out.push(ev(
                    format!("fee:{}:{}:{}", self.as_of, n.customer, n.segment),
                    EventKind::Charged {
                        charge_id: InvoiceId(format!("FEE-{}-{}", self.as_of, n.customer)),
                        kind: ChargeKind::DunningFee,
                        amount: n.fee,
                        currency: n.currency,
                        for_invoice: None,
                    },
                ));
            }
            for l in &n.lines {
                let suffix = l.installment.map(|k| format!("#{k}")).unwrap_or_default();
                if !l.interest.is_zero() {
                    out.push(ev(
                        format!("int:{}:{}{suffix}", self.as_of, l.invoice_id),
                        EventKind::Charged {
                            charge_id: InvoiceId(format!(
                                "INT-{}-{}{suffix}",
                                self.as_of, l.invoice_id
                            )),
                            kind: ChargeKind::Interest,
                            amount: l.interest,
                            currency: n.currency,
                            for_invoice: Some(l.invoice_id.clone()),
                        },
                    ));
                }
                if !l.compensation.is_zero() {
                    out.push(ev(
                        format!("comp:{}", l.invoice_id),
                        EventKind::Charged {
                            charge_id: InvoiceId(format!("COMP-{}", l.invoice_id)),
                            kind: ChargeKind::Compensation,
                            amount: l.compensation,
                            currency: n.currency,
                            for_invoice: Some(l.invoice_id.clone()),
                        },
                    ));
                }
            }
        }
        out
    }

    /// The run as JSON.
    pub fn to_json(&self) -> String {
        // Only strings, dates, integers and booleans.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Dated amounts: (date, amount).
type Dated = Vec<(NaiveDate, Decimal)>;

/// An overdue part of an item: (installment, due, undisputed, uncovered by
/// credits, amount, reductions); amounts in the credit currency but the
/// installment amount (the item's).
type Part<'a> = (Option<u32>, NaiveDate, Decimal, Decimal, Decimal, Reds<'a>);

/// Reductions of an item or installment, borrowed when they can be.
type Reds<'a> = std::borrow::Cow<'a, [(NaiveDate, Decimal)]>;

/// Per-installment outstanding amounts and reduction histories of an item
/// with installment terms, as the ledger's due lines settle them (oldest
/// installment first).
pub(crate) fn installment_split(it: &OpenItem) -> Vec<(NaiveDate, Decimal, Dated)> {
    it.due_lines()
        .into_iter()
        .zip(it.line_histories())
        .map(|((due, open, _), (reds, _))| (due, open, reds))
        .collect()
}

/// The dunning notice an account gets as of `as_of` under the procedure,
/// if any: every open item past its due date (or an installment past its
/// own) by more than the grace days, not blocked, not covered by a current
/// payment plan (`covered`), not dunned within the level's interval, net of
/// disputes, of open credits (cash and credit notes on account, when
/// `credits_cover`; see [`crate::exposure::CreditCover`]) and of the cover
/// of active promises to pay (both oldest first), with
/// late interest and compensation where the level charges them. Items left
/// out are recorded in `excluded` with the reason. Amounts are converted to
/// the account's credit currency with `fx`.
///
/// # Errors
/// [`CollectionsError::Ledger`] for a missing FX rate; overflow.
#[allow(
    clippy::too_many_arguments,
    reason = "the notice reads the whole dunning context"
)]
pub fn notice_for(
    proc_: &DunningProcedure,
    st: &AccountState,
    fx: Fx<'_>,
    customer: &CustomerId,
    segment: &str,
    as_of: NaiveDate,
    covered: &BTreeSet<InvoiceId>,
    credits_cover: bool,
    excluded: &mut Vec<Exclusion>,
) -> Result<Option<Notice>, CollectionsError> {
    let exclude = |excluded: &mut Vec<Exclusion>, inv: Option<&InvoiceId>, reason: &str| {
        excluded.push(Exclusion {
            customer: customer.clone(),
            invoice_id: inv.cloned(),
            reason: reason.to_string(),
        })
    };
    let cur = st.currency;
    if st.dunning_block.as_ref().is_some_and(|b| b.until >= as_of) {
        if st
            .items
            .iter()
            .any(|i| !i.open.is_zero() && i.due_date < as_of)
        {
            exclude(excluded, None, "dunning_block");
        }
        return Ok(None);
    }
    let conv = |x: Decimal, c: Currency| fx.convert(x, c, cur);
    let mut balance = Decimal::ZERO;
    for it in st.items.iter().filter(|i| !i.open.is_zero()) {
        balance = add(balance, conv(it.open, it.currency)?)?;
    }
    // The balance is net of open credits; with `credits_cover` they cover
    // the oldest overdue amounts first.
    let credits = crate::exposure::open_credits(st, cur, fx)?;
    balance = crate::money::sub_nonneg(balance, credits).max(Decimal::ZERO);
    // The overdue lines, in item order (stable: installments in order).
    let mut lines_of = crate::exposure::overdue_lines(st, as_of, fx, credits_cover)?;
    lines_of.sort_by_key(|l| l.item);
    let mut promised = Decimal::ZERO;
    for p in &st.promises {
        if p.made_on <= as_of && as_of <= p.promised_date && p.paid < p.amount {
            promised = add(
                promised,
                conv(crate::money::sub_nonneg(p.amount, p.paid), p.currency)?,
            )?;
        }
    }
    // Invoices a running plan in the ledger holds, as a host's plans.
    let held = st.plan_items_on(as_of)?;
    let grace = chrono::Days::new(u64::from(proc_.grace_days));
    let max_level = proc_.levels.len() as u8;
    let mut lines: Vec<NoticeLine> = Vec::new();
    // (line index → reductions, base amount) for interest.
    let mut interest_inputs: Vec<(Decimal, Reds<'_>, Decimal)> = Vec::new();
    for (idx, it) in st
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.open.is_zero())
    {
        let overdue_from = |due: NaiveDate| due.checked_add_days(grace).is_some_and(|d| d < as_of);
        if !overdue_from(it.due_date)
            && !it
                .collection
                .installments
                .iter()
                .any(|(d, _)| overdue_from(*d))
        {
            continue;
        }
        let inv = &it.invoice_id;
        if it
            .collection
            .block
            .as_ref()
            .is_some_and(|b| b.until >= as_of)
        {
            exclude(excluded, Some(inv), "dunning_block");
            continue;
        }
        if covered.contains(inv) || held.contains(&idx) {
            exclude(excluded, Some(inv), "payment_plan");
            continue;
        }
        let next = it.dunning_level.saturating_add(1).min(max_level);
        let Some(level) = proc_.level(next) else {
            continue;
        };
        if let Some(t) = it.collection.last_dunned {
            if (as_of - t).num_days() < i64::from(level.min_interval_days) {
                exclude(excluded, Some(inv), "interval");
                continue;
            }
        }
        // The item's overdue parts past grace — installments, or the
        // whole item — as the check's walk reads them
        // (`exposure::overdue_lines`: disputes on the latest lines,
        // credits covering the oldest lines first).
        // (installment, due, undisputed, uncovered, amount, reductions)
        let mut splits = if it.has_installments() {
            installment_split(it)
        } else {
            Vec::new()
        };
        let mut parts: Vec<Part> = Vec::new();
        let from = lines_of.partition_point(|l| l.item < idx);
        let to = lines_of.partition_point(|l| l.item <= idx);
        for l in lines_of[from..to].iter().filter(|l| overdue_from(l.due)) {
            let (base, reds) = match l.installment {
                None => (
                    it.amount,
                    std::borrow::Cow::Borrowed(it.collection.reductions.as_slice()),
                ),
                Some(k) => {
                    let k = k as usize - 1;
                    (
                        it.collection.installments[k].1,
                        // Each installment is one line: its history moves.
                        std::borrow::Cow::Owned(std::mem::take(&mut splits[k].2)),
                    )
                }
            };
            parts.push((
                l.installment,
                l.due,
                l.undisputed,
                l.uncovered(),
                base,
                reds,
            ));
        }
        if parts.iter().all(|p| p.2.is_zero()) {
            exclude(excluded, Some(inv), "disputed");
            continue;
        }
        let mut item_comp = if !it.collection.compensation_charged
            && it.collection.charge.is_none()
            && it.dunning_level == 0
        {
            conv(compensation(&proc_.compensation, it.amount), it.currency)?
        } else {
            Decimal::ZERO
        };
        for (installment, due, undisputed, uncovered, base, reds) in parts {
            if undisputed.is_zero() {
                continue;
            }
            let days = (as_of - due).num_days();
            if days < i64::from(level.min_days_overdue) {
                continue;
            }
            // Credits on account (already taken, oldest lines first),
            // then promises, cover the oldest overdue amounts first.
            let mut amount = uncovered;
            if amount.is_zero() {
                exclude(excluded, Some(inv), "credit_on_account");
                continue;
            }
            let cover = amount.min(promised);
            amount = crate::money::sub_nonneg(amount, cover);
            promised = crate::money::sub_nonneg(promised, cover);
            if amount.is_zero() {
                exclude(excluded, Some(inv), "promise");
                continue;
            }
            lines.push(NoticeLine {
                invoice_id: inv.clone(),
                installment,
                due_date: due,
                days_overdue: days,
                amount,
                interest: Decimal::ZERO,
                compensation: std::mem::take(&mut item_comp),
                level: next,
            });
            let is_charge = it.collection.charge.is_some();
            interest_inputs.push((
                if is_charge { Decimal::ZERO } else { base },
                reds,
                it.collection.interest_charged,
            ));
        }
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let level_no = lines.iter().map(|l| l.level).max().unwrap_or(1);
    let Some(level) = proc_.level(level_no) else {
        return Ok(None);
    };
    let amount = sum(lines.iter().map(|l| l.amount))?;
    // amount / balance ≥ min % ⇔ amount × 100 ≥ min % × balance.
    let pct_ok = balance.is_zero()
        || amount
            .checked_mul(Decimal::ONE_HUNDRED)
            .zip(level.min_percent_of_balance.checked_mul(balance))
            .ok_or(CollectionsError::Overflow("dunning minimum"))
            .map(|(a, b)| a >= b)?;
    if amount < level.min_amount || !pct_ok {
        exclude(excluded, None, "below_minimum");
        return Ok(None);
    }
    if level.charge_interest {
        if let Some(ip) = &proc_.interest {
            // Interest already charged for an item comes off its lines
            // in order.
            let mut charged_left: Vec<(InvoiceId, Decimal)> = Vec::new();
            for (l, (base, reds, charged)) in lines.iter_mut().zip(interest_inputs) {
                if base.is_zero() {
                    continue;
                }
                let acc = ip.accrue(l.due_date, base, &reds, as_of, cur)?;
                let k = match charged_left.iter().position(|(i, _)| *i == l.invoice_id) {
                    Some(k) => k,
                    None => {
                        charged_left.push((l.invoice_id.clone(), charged));
                        charged_left.len() - 1
                    }
                };
                let take = acc.total.min(charged_left[k].1);
                charged_left[k].1 = crate::money::sub_nonneg(charged_left[k].1, take);
                l.interest = crate::money::sub_nonneg(acc.total, take);
            }
        }
    }
    let interest = sum(lines.iter().map(|l| l.interest))?;
    let comp = sum(lines.iter().map(|l| l.compensation))?;
    let total = sum([amount, interest, comp, level.fee])?;
    Ok(Some(Notice {
        customer: customer.clone(),
        segment: segment.to_string(),
        currency: cur,
        level: level_no,
        amount,
        interest,
        compensation: comp,
        fee: level.fee,
        total,
        block_new_orders: level.block_new_orders,
        lines,
    }))
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, CollectionsError> {
    crate::money::add_exact(a, b).ok_or(CollectionsError::Overflow("dunning sums"))
}

fn sum(xs: impl IntoIterator<Item = Decimal>) -> Result<Decimal, CollectionsError> {
    xs.into_iter().try_fold(Decimal::ZERO, add)
}
