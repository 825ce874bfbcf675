//! The order desk: what the credit check leaves behind. Approved orders'
//! reservations (by account), held orders, documented releases, the
//! decision log and back-testing it under another policy.
//!
//! * **Check and reserve.** An approved order's value is reserved in the
//!   exposure until the order is placed (then it counts as an open order)
//!   or cancelled, so two checks can never together exceed a limit.
//! * **Documented decisions.** Every check is logged with the policy id and
//!   the [`CheckInputs`] it saw; back-testing re-runs the log
//!   under another policy.
//! * **Releases.** A held order is released by someone, for a reason, on a
//!   date; its value is then reserved like an approved order's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{evaluate, CheckConfig, CheckInputs, Checkpoint, Decision, Figures, Outcome};
use crate::bounds::{Bounds, BoundsError};
use crate::chunks::{Chunked, Entries};
use crate::customer::{CustomerId, OrderId, DEFAULT_SEGMENT};
use crate::exposure::ExposureWeights;
use crate::fnv::FnvMap;
use crate::money::{Money, MoneyError};

/// An order to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// The customer.
    pub customer: CustomerId,
    /// The credit segment.
    #[serde(default = "default_segment")]
    pub segment: String,
    /// The order id.
    pub order_id: OrderId,
    /// Order value (converted to the credit currency with the book's FX rates).
    pub amount: Money,
    /// Requested delivery date (for the dynamic limit's horizon).
    #[serde(with = "crate::serde_date::option", default)]
    pub requested_delivery: Option<NaiveDate>,
    /// Where in the flow the check runs.
    pub checkpoint: Checkpoint,
    /// Check date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
}

fn default_segment() -> String {
    DEFAULT_SEGMENT.to_string()
}

/// A logged decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Position in the log (0-based).
    pub seq: u64,
    /// The order checked.
    pub request: OrderRequest,
    /// The policy's id when checked.
    pub policy_id: String,
    /// The figures the check saw.
    pub inputs: CheckInputs,
    /// The decision.
    pub decision: Decision,
    /// How the check measured its figures and the reservations it counted,
    /// so that a back-test under a policy that measures differently can
    /// measure them again from the ledger. `None` in entries logged before
    /// the book kept it (a back-test then reuses their figures and says so).
    #[serde(default)]
    pub measured: Option<Measured>,
}

/// How a check measured its figures: the policy settings that change them
/// (the horizon, the oldest-overdue materiality, whether open credits
/// cover overdue items, the exposure weights of a group's members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measures {
    /// Days ahead for the dynamic limit's horizon.
    pub horizon_days: u32,
    /// The `oldest_overdue` step's materiality (zero without one).
    #[serde(with = "crate::serde_decimal")]
    pub materiality: Decimal,
    /// Open credits cover the oldest overdue items.
    pub credits_cover: bool,
    /// The exposure weights (a group's exposure is weighted per member).
    pub weights: ExposureWeights,
}

/// What a logged check measured with, and the reservations it counted
/// (without the order checked): the desk's part of the figures, which the
/// ledger cannot give back later (a reservation ends when its order is
/// placed or withdrawn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// The settings the figures were measured with.
    pub measures: Measures,
    /// The account's reservations, summed by requested delivery date
    /// (`None`: no date given), in the account's credit currency.
    pub reserved: Vec<ReservedPart>,
    /// The head of the group whose limit the check used, if any.
    pub group_head: Option<CustomerId>,
    /// The reservations of that group's other members, per member, in the
    /// member's credit currency (members with none are left out).
    pub group_reserved: Vec<MemberReserved>,
}

/// Reservations with one requested delivery date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservedPart {
    /// The requested delivery date (`None`: none given).
    #[serde(with = "crate::serde_date::option", default)]
    pub requested_delivery: Option<NaiveDate>,
    /// Their sum.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
}

/// A group member's reservations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberReserved {
    /// The member.
    pub customer: CustomerId,
    /// Their sum, in the member's credit currency.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
}

/// A blocked order waiting for a credit decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// The order as checked.
    pub request: OrderRequest,
    /// The log entry of the blocking decision.
    pub decision_seq: u64,
}

/// A documented release of a held order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The order.
    pub order_id: OrderId,
    /// The customer.
    pub customer: CustomerId,
    /// Order value released (credit currency).
    pub amount: Money,
    /// Who released it.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When.
    #[serde(with = "crate::serde_date")]
    pub date: NaiveDate,
    /// The blocking decision's log entry.
    pub decision_seq: u64,
}

/// An approved order's value held in the exposure until the order is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// The customer.
    pub customer: CustomerId,
    /// The segment.
    pub segment: String,
    /// Value in the credit currency.
    pub amount: Money,
    /// Requested delivery date.
    #[serde(with = "crate::serde_date::option")]
    pub requested_delivery: Option<NaiveDate>,
    /// Date of the check that reserved it.
    #[serde(with = "crate::serde_date")]
    pub date: NaiveDate,
}

/// What re-running the decision log under another policy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backtest {
    /// The policy tried.
    pub policy_id: String,
    /// Decisions re-run.
    pub total: usize,
    /// Decisions whose outcome changes: (seq, order, old, new).
    pub changed: Vec<(u64, OrderId, Outcome, Outcome)>,
    /// Decisions whose figures were measured again from the ledger as of
    /// their date, because the policy measures them differently than the
    /// check did (horizon, materiality, credit cover, weights).
    pub remeasured: usize,
    /// Decisions logged without their measures (by an earlier version,
    /// see [`LogEntry::measured`]): their recorded figures were reused
    /// whatever the policy measures. By seq.
    pub not_remeasured: Vec<u64>,
}

/// Errors of the order desk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// An order that is not on hold.
    #[error("order {0} is not on hold")]
    NotOnHold(OrderId),
    /// A release needs who and why.
    #[error("a release needs {0}")]
    ReleaseIncomplete(&'static str),
    /// A text beyond the bounds.
    #[error(transparent)]
    Bounds(#[from] BoundsError),
    /// A released amount not at its currency's precision.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Arithmetic overflow adding reservations or re-running a decision.
    #[error("arithmetic overflow in the order desk")]
    Overflow,
}

impl crate::error::Classify for DeskError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            DeskError::NotOnHold(_) => K::NotOnHold,
            DeskError::ReleaseIncomplete(_) => K::ReleaseIncomplete,
            DeskError::Bounds(e) => e.kind(),
            DeskError::Money(e) => e.kind(),
            DeskError::Overflow => K::Overflow,
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            DeskError::NotOnHold(id) => vec![("order", crate::error::text(id))],
            DeskError::Bounds(e) => e.details(),
            DeskError::Money(e) => e.details(),
            _ => Vec::new(),
        }
    }
}

/// A reservation as an account holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reserved {
    pub(crate) order_id: OrderId,
    /// In the account's credit currency.
    pub(crate) amount: Money,
    #[serde(with = "crate::serde_date::option")]
    pub(crate) requested_delivery: Option<NaiveDate>,
    #[serde(with = "crate::serde_date")]
    pub(crate) date: NaiveDate,
}

/// Where an approved order's value is reserved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reserve {
    /// The account's position.
    pub(crate) account: usize,
    /// The value in the account's credit currency.
    pub(crate) value: Money,
    /// The order is already placed: it counts as an open order, nothing
    /// is reserved.
    pub(crate) placed: bool,
}

/// A change a batch made, to undo it.
#[derive(Debug, Clone)]
enum Change {
    /// A reservation dropped: its account and itself.
    Unreserved(OrderId, usize, Reserved),
    /// A hold removed.
    Unheld(OrderId, Hold),
}

/// Reservations, holds, releases and the decision log. Accounts are the
/// book's account positions.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderDesk {
    reserved: FnvMap<usize, Vec<Reserved>>,
    by_order: FnvMap<OrderId, usize>,
    holds: BTreeMap<OrderId, Hold>,
    releases: FnvMap<OrderId, Release>,
    release_log: Chunked<Release>,
    log: Chunked<LogEntry>,
    /// While a batch of events runs: what it changed.
    undo: Option<Vec<Change>>,
}

impl OrderDesk {
    /// Account `a`'s reservations.
    pub(crate) fn reserved_in(&self, a: usize) -> &[Reserved] {
        self.reserved.get(&a).map_or(&[], Vec::as_slice)
    }

    /// Whether the order has a reservation.
    pub(crate) fn is_reserved(&self, order: &OrderId) -> bool {
        self.by_order.contains_key(order)
    }

    /// The release of an order, if it was released.
    pub(crate) fn release_of(&self, order: &OrderId) -> Option<&Release> {
        self.releases.get(order)
    }

    /// Adds account `a`'s reservations to `f` as open orders (in the
    /// horizon when their delivery is due by `horizon_end`): every one for a
    /// check (a reservation is a present commitment, whatever date its
    /// check ran on), or those made up to `made_by` for a view of the past.
    ///
    /// # Errors
    /// [`DeskError::Overflow`].
    pub(crate) fn add_reservations(
        &self,
        a: usize,
        mut f: Figures,
        horizon_end: NaiveDate,
        exclude: Option<&OrderId>,
        made_by: Option<NaiveDate>,
    ) -> Result<Figures, DeskError> {
        for r in self.reserved_in(a) {
            if exclude == Some(&r.order_id) || made_by.is_some_and(|d| r.date > d) {
                continue;
            }
            let v = r.amount.amount();
            f.open_orders = f.open_orders.checked_add(v).ok_or(DeskError::Overflow)?;
            if r.requested_delivery.is_none_or(|d| d <= horizon_end) {
                f.open_orders_in_horizon = f
                    .open_orders_in_horizon
                    .checked_add(v)
                    .ok_or(DeskError::Overflow)?;
            }
        }
        Ok(f)
    }

    /// Records a check's decision: logs it, and holds the order when
    /// blocked, else reserves its value (see [`Reserve`]; `None` when the
    /// decision blocks).
    pub(crate) fn record(
        &mut self,
        req: OrderRequest,
        policy_id: &str,
        inputs: CheckInputs,
        decision: &Decision,
        reserve: Option<Reserve>,
        measured: Measured,
    ) {
        let seq = self.log.len() as u64;
        if decision.outcome == Outcome::Blocked {
            self.holds.insert(
                req.order_id.clone(),
                Hold {
                    request: req.clone(),
                    decision_seq: seq,
                },
            );
        } else {
            self.holds.remove(&req.order_id);
            if let Some(r) = reserve {
                self.reserve(r.account, &req, r.value, r.placed);
            }
        }
        self.log.push(LogEntry {
            seq,
            request: req,
            policy_id: policy_id.to_string(),
            inputs,
            decision: decision.clone(),
            measured: Some(measured),
        });
    }

    /// Account `a`'s reservations without `exclude`, summed by requested
    /// delivery date (in date order, `None` first).
    pub(crate) fn reserved_parts(
        &self,
        a: usize,
        exclude: &OrderId,
    ) -> Result<Vec<ReservedPart>, DeskError> {
        let mut by: BTreeMap<Option<NaiveDate>, Decimal> = BTreeMap::new();
        for r in self.reserved_in(a) {
            if &r.order_id != exclude {
                let v = by.entry(r.requested_delivery).or_default();
                *v = v
                    .checked_add(r.amount.amount())
                    .ok_or(DeskError::Overflow)?;
            }
        }
        Ok(by
            .into_iter()
            .map(|(requested_delivery, amount)| ReservedPart {
                requested_delivery,
                amount,
            })
            .collect())
    }

    /// Reserves `amount` for `req` in account `a`, replacing the order's
    /// reservation wherever it was; nothing when the order is `placed`.
    fn reserve(&mut self, a: usize, req: &OrderRequest, amount: Money, placed: bool) {
        if placed {
            return;
        }
        self.drop_reservation(&req.order_id);
        self.reserved.entry(a).or_default().push(Reserved {
            order_id: req.order_id.clone(),
            amount,
            requested_delivery: req.requested_delivery,
            date: req.as_of,
        });
        self.by_order.insert(req.order_id.clone(), a);
    }

    /// Drops an order's reservation from the account that holds it.
    fn drop_reservation(&mut self, order: &OrderId) {
        let Some(a) = self.by_order.remove(order) else {
            return;
        };
        if let Some(list) = self.reserved.get_mut(&a) {
            if let Some(pos) = list.iter().position(|r| &r.order_id == order) {
                let r = list.remove(pos);
                if let Some(u) = &mut self.undo {
                    u.push(Change::Unreserved(order.clone(), a, r));
                }
            }
            if list.is_empty() {
                self.reserved.remove(&a);
            }
        }
    }

    fn drop_hold(&mut self, order: &OrderId) -> bool {
        match self.holds.remove(order) {
            Some(h) => {
                if let Some(u) = &mut self.undo {
                    u.push(Change::Unheld(order.clone(), h));
                }
                true
            }
            None => false,
        }
    }

    /// An order was placed (it now counts as an open order: its
    /// reservation goes) or cancelled (its reservation and hold go).
    pub(crate) fn order_event(&mut self, order: &OrderId, cancelled: bool) {
        self.drop_reservation(order);
        if cancelled {
            self.drop_hold(order);
        }
    }

    /// Withdraws an order that was checked but will not be placed; false
    /// when the desk holds nothing for it.
    pub(crate) fn withdraw(&mut self, order: &OrderId) -> bool {
        let held = self.drop_hold(order);
        let reserved = self.is_reserved(order);
        self.drop_reservation(order);
        held || reserved
    }

    /// The release of a held order, checked (who, why, bounds, the hold
    /// and its decision) but not yet recorded; with the request that was
    /// held.
    ///
    /// # Errors
    /// [`DeskError::NotOnHold`], [`DeskError::ReleaseIncomplete`],
    /// [`DeskError::Bounds`].
    pub(crate) fn prepare_release(
        &self,
        order: &OrderId,
        by: &str,
        reason: &str,
        date: NaiveDate,
        bounds: &Bounds,
    ) -> Result<(Release, &OrderRequest), DeskError> {
        if by.trim().is_empty() {
            return Err(DeskError::ReleaseIncomplete("who releases (by)"));
        }
        if reason.trim().is_empty() {
            return Err(DeskError::ReleaseIncomplete("a reason"));
        }
        bounds.check_text("by", by)?;
        bounds.check_text("reason", reason)?;
        let not_held = || DeskError::NotOnHold(order.clone());
        let hold = self.holds.get(order).ok_or_else(not_held)?;
        let entry = self
            .log
            .get(hold.decision_seq as usize)
            .ok_or_else(not_held)?;
        let release = Release {
            order_id: order.clone(),
            customer: hold.request.customer.clone(),
            // Already in the credit currency at its precision.
            amount: Money::new(entry.inputs.order_amount, entry.inputs.currency)?,
            by: by.to_string(),
            reason: reason.to_string(),
            date,
            decision_seq: hold.decision_seq,
        };
        Ok((release, &hold.request))
    }

    /// Records a release from [`OrderDesk::prepare_release`]: the hold
    /// goes, the value is reserved in account `a`.
    pub(crate) fn release(&mut self, release: Release, a: usize, placed: bool) {
        if let Some(h) = self.holds.remove(&release.order_id) {
            self.reserve(a, &h.request, release.amount, placed);
        }
        self.releases
            .insert(release.order_id.clone(), release.clone());
        self.release_log.push(release);
    }

    /// Held orders, by order id.
    pub(crate) fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.values()
    }

    /// Every release, oldest first.
    pub(crate) fn releases(&self) -> Entries<'_, Release> {
        Entries::new(&self.release_log)
    }

    /// The latest release of each order, in no set order.
    pub(crate) fn latest_releases(&self) -> impl Iterator<Item = &Release> {
        self.releases.values()
    }

    /// The decision log, oldest first.
    pub(crate) fn log(&self) -> Entries<'_, LogEntry> {
        Entries::new(&self.log)
    }

    /// Every reservation with its account, in no set order.
    pub(crate) fn reservations(&self) -> impl Iterator<Item = (usize, &Reserved)> {
        self.reserved
            .iter()
            .flat_map(|(a, list)| list.iter().map(move |r| (*a, r)))
    }

    /// Re-runs every logged decision under `config` with the figures it
    /// saw, and lists the decisions whose outcome changes.
    ///
    /// # Errors
    /// [`DeskError::Overflow`].
    pub(crate) fn backtest<E: From<DeskError>>(
        &self,
        config: &CheckConfig<'_>,
        policy_id: &str,
        measures: &Measures,
        remeasure: impl Fn(&LogEntry, &Measured) -> Result<CheckInputs, E>,
    ) -> Result<Backtest, E> {
        let (mut changed, mut remeasured, mut not_remeasured) = (Vec::new(), 0, Vec::new());
        for e in self.log.iter() {
            let inputs = match &e.measured {
                Some(m) if &m.measures != measures => {
                    remeasured += 1;
                    remeasure(e, m)?
                }
                Some(_) => e.inputs,
                None => {
                    not_remeasured.push(e.seq);
                    e.inputs
                }
            };
            let d = evaluate(config, &inputs).map_err(|_| DeskError::Overflow)?;
            if d.outcome != e.decision.outcome {
                changed.push((
                    e.seq,
                    e.request.order_id.clone(),
                    e.decision.outcome,
                    d.outcome,
                ));
            }
        }
        Ok(Backtest {
            policy_id: policy_id.to_string(),
            total: self.log.len(),
            changed,
            remeasured,
            not_remeasured,
        })
    }

    /// Starts a batch of events: until it ends, what they drop is noted.
    pub(crate) fn begin_batch(&mut self) {
        self.undo = Some(Vec::new());
    }

    /// Ends a batch, keeping its changes.
    pub(crate) fn end_batch(&mut self) {
        self.undo = None;
    }

    /// Ends a batch, restoring what it dropped.
    pub(crate) fn roll_back(&mut self) {
        for change in self.undo.take().unwrap_or_default().into_iter().rev() {
            match change {
                Change::Unreserved(order, a, r) => {
                    self.reserved.entry(a).or_default().push(r);
                    self.by_order.insert(order, a);
                }
                Change::Unheld(order, h) => {
                    self.holds.insert(order, h);
                }
            }
        }
    }

    /// Drops the reservations of accounts at positions `from..` (accounts a
    /// failed batch opened hold none, but the index must not point there).
    pub(crate) fn forget_accounts_from(&mut self, from: usize) {
        self.reserved.retain(|a, _| *a < from);
        self.by_order.retain(|_, a| *a < from);
    }

    /// The release log and the decision log, sharing their chunks (for a
    /// snapshot: O(chunks), nothing copied).
    pub(crate) fn share_logs(&self) -> (Chunked<Release>, Chunked<LogEntry>) {
        (self.release_log.share(), self.log.share())
    }

    /// Restores the desk's contents from a snapshot, checking every
    /// cross-reference: log positions, holds and releases pointing at a
    /// logged check of their order, reservations at most once per order.
    /// `account` gives a reservation's account position, currency and
    /// whether the order is already placed.
    ///
    /// # Errors
    /// The text of the first inconsistency.
    pub(crate) fn restore(
        log: Vec<LogEntry>,
        reservations: Vec<(OrderId, Reservation, usize, crate::money::Currency, bool)>,
        holds: Vec<Hold>,
        releases: Vec<Release>,
        release_log: Vec<Release>,
    ) -> Result<Self, String> {
        let mut desk = OrderDesk::default();
        for (i, e) in log.into_iter().enumerate() {
            if e.seq != i as u64 {
                return Err(format!("log entry {i} has seq {}", e.seq));
            }
            desk.log.push(e);
        }
        let decision = |desk: &OrderDesk, seq: u64, order: &OrderId| -> Result<(), String> {
            match desk.log.get(seq as usize) {
                Some(e) if &e.request.order_id == order => Ok(()),
                _ => Err(format!(
                    "order {order}: decision {seq} is not a logged check of it"
                )),
            }
        };
        for (oid, r, a, currency, placed) in reservations {
            // Zero is possible: a small order converted into a currency
            // without decimals (0.22 EUR is 0 JPY at 100).
            if r.amount.currency() != currency
                || r.amount.is_negative()
                || desk.by_order.contains_key(&oid)
                || placed
            {
                return Err(format!(
                    "reservation of order {oid}: {} is negative or not in the account's \
                     currency {currency}, or the order is reserved twice or already placed",
                    r.amount
                ));
            }
            desk.reserved.entry(a).or_default().push(Reserved {
                order_id: oid.clone(),
                amount: r.amount,
                requested_delivery: r.requested_delivery,
                date: r.date,
            });
            desk.by_order.insert(oid, a);
        }
        for h in holds {
            let oid = h.request.order_id.clone();
            decision(&desk, h.decision_seq, &oid)?;
            if desk.holds.insert(oid.clone(), h).is_some() {
                return Err(format!("order {oid} is held twice"));
            }
        }
        for r in releases {
            decision(&desk, r.decision_seq, &r.order_id)?;
            let oid = r.order_id.clone();
            if desk.releases.insert(oid.clone(), r).is_some() {
                return Err(format!("order {oid} is released twice"));
            }
        }
        for r in release_log {
            decision(&desk, r.decision_seq, &r.order_id)?;
            desk.release_log.push(r);
        }
        Ok(desk)
    }
}

/// The materiality the oldest-overdue step of `steps` uses (zero without
/// one): items below it do not count as overdue for the check.
pub(crate) fn materiality(steps: &[super::CheckStep]) -> Decimal {
    steps
        .iter()
        .find_map(|s| match &s.kind {
            super::StepKind::OldestOverdue { materiality, .. } => {
                Some(materiality.unwrap_or(Decimal::ZERO))
            }
            _ => None,
        })
        .unwrap_or(Decimal::ZERO)
}
