//! [`CreditBook`]: the one facade hosts use. It owns the policy, the
//! customers and limits, the event log and the account states, the
//! reservations and holds, and the decision log.
//!
//! * **Idempotent, atomic events.** [`CreditBook::apply`] reports a repeated
//!   id as [`Applied::Duplicate`] and changes nothing; a rejected event
//!   changes nothing. Reversals rebuild the account from its events.
//! * **As of any date.** An account's state is the fold of its events in
//!   date order (ties in arrival order). A back-dated event rebuilds the
//!   account in that order and is refused if a later event would no longer
//!   apply. Queries for a date fold the events dated on or before it — a
//!   prefix of the same sequence — so a payment dated later never shows.
//!   A reversed event is left out of every view, past ones included: the
//!   ledger of record says it never happened.
//! * **Check and reserve.** An approved order's value is reserved in the
//!   exposure until the order is placed (then it counts as an open order) or
//!   cancelled, so two checks can never together exceed a limit. Methods
//!   take `&mut self`: the bindings put the book behind a mutex.
//! * **Documented decisions.** Every check is logged with the policy id and
//!   the [`CheckInputs`] it saw; [`CreditBook::backtest`] re-runs the log
//!   under another policy.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::fnv::FnvMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::add_days;
use crate::check::{evaluate, CheckInputs, Decision, GroupView, LimitView, Outcome, ReleaseView};
use crate::customer::{
    CreditLimit, Customer, CustomerError, CustomerId, EventId, OrderId, DEFAULT_SEGMENT,
};
use crate::exposure::{self, Figures, FxRates};
use crate::ledger::{
    AccountState, Event, EventKind, LedgerError, OpenItem, OpenItemRow, TermsCache,
};
use crate::money::{Currency, Money, MoneyError};
use crate::policy::{Checkpoint, Policy, PolicyError, StepKind};

mod chunks;
mod collections;
mod monitor;
mod review;
mod snapshot;
pub use crate::collections::{promise_state, PromiseState, PromiseStatus};
use chunks::Chunked;
pub use chunks::Entries;
pub use review::CustomerScore;
pub use snapshot::{SnapshotView, SNAPSHOT_SCHEMA_VERSION};

fn id_hash(id: &EventId) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<crate::fnv::Fnv>::default().hash_one(id)
}

/// Errors of the book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BookError {
    /// Customer or limit master data.
    #[error(transparent)]
    Customer(#[from] CustomerError),
    /// An event or ledger query.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The policy.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// Money (FX rate, precision).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The same event id with different content.
    #[error("event id {0} was already applied with different content")]
    ConflictingEvent(EventId),
    /// A reversal that cannot apply.
    #[error("cannot reverse {target}: {reason}")]
    Reversal {
        /// The event to reverse.
        target: EventId,
        /// Why not.
        reason: String,
    },
    /// An order that is not on hold.
    #[error("order {0} is not on hold")]
    NotOnHold(OrderId),
    /// A release needs who and why.
    #[error("a release needs {0}")]
    ReleaseIncomplete(&'static str),
    /// A snapshot that cannot be read.
    #[error("invalid snapshot: {0}")]
    Snapshot(String),
    /// An argument outside what the operation accepts (e.g. an order
    /// amount that is not positive).
    #[error("invalid {field} {value}: {reason}")]
    InvalidArgument {
        /// The argument.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// Arithmetic overflow in a check.
    #[error("arithmetic overflow in the credit check")]
    Overflow,
    /// A scorecard or a value it cannot score.
    #[error(transparent)]
    Scoring(#[from] crate::scoring::ScoringError),
    /// A limit rule that cannot compute.
    #[error(transparent)]
    Limit(#[from] crate::risk::LimitError),
    /// A payment plan.
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    /// Late interest or dunning.
    #[error(transparent)]
    Collections(#[from] crate::collections::CollectionsError),
    /// An id or text outside the policy's bounds (too long, empty, control
    /// characters).
    #[error(transparent)]
    Bounds(#[from] crate::bounds::BoundsError),
}

impl From<crate::monitor::MonitorError> for BookError {
    fn from(e: crate::monitor::MonitorError) -> Self {
        match e {
            crate::monitor::MonitorError::Overflow(what) => {
                BookError::Ledger(LedgerError::Overflow(what))
            }
            crate::monitor::MonitorError::Plan(e) => BookError::Plan(e),
        }
    }
}

/// Result of applying an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// The event was applied.
    Applied,
    /// An event with this id and the same content was applied before: nothing changed.
    Duplicate,
}

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
    #[serde(default)]
    pub requested_delivery: Option<NaiveDate>,
    /// Where in the flow the check runs.
    pub checkpoint: Checkpoint,
    /// Check date.
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
    pub requested_delivery: Option<NaiveDate>,
    /// Date of the check that reserved it.
    pub date: NaiveDate,
}

/// An account's exposure by category, in its credit currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The customer.
    pub customer: CustomerId,
    /// The segment.
    pub segment: String,
    /// Credit currency.
    pub currency: Currency,
    /// The date the figures stand at.
    pub as_of: NaiveDate,
    /// Categories, unweighted. Reservations are included in `open_orders`.
    pub figures: Figures,
    /// Reserved by approved checks (part of `open_orders`).
    #[serde(with = "crate::serde_decimal")]
    pub reserved: Decimal,
    /// Weighted total with the policy's weights (all orders).
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// The limit in force (None: unlimited or not defined).
    #[serde(with = "crate::serde_decimal::option")]
    pub limit: Option<Decimal>,
}

/// A group's exposure: the head and every customer below it, in one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupExposure {
    /// The group head.
    pub head: CustomerId,
    /// The segment.
    pub segment: String,
    /// The head's credit currency (the group total's currency).
    pub currency: Currency,
    /// The date the figures stand at.
    pub as_of: NaiveDate,
    /// Each member's weighted exposure in the group currency.
    pub members: Vec<(CustomerId, Decimal)>,
    /// The sum over members.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// The group limit in force, if any.
    #[serde(with = "crate::serde_decimal::option")]
    pub limit: Option<Decimal>,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Account {
    customer: usize,
    segment: String,
    limit: Option<CreditLimit>,
    group_limit: Option<CreditLimit>,
    state: AccountState,
    events: Vec<usize>,
    /// Latest event date: events dated on or after it append in order.
    last_date: Option<NaiveDate>,
    reservations: Vec<Reserved>,
    /// Monitoring's columnar copy of the state, built on first use and
    /// dropped whenever the account changes.
    #[serde(skip)]
    columns: crate::monitor::columns::ColumnCache,
}

impl Account {
    /// Drops what was derived from the account's state (call on change).
    fn touch(&mut self) {
        self.columns = crate::monitor::columns::ColumnCache::default();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Reserved {
    order_id: OrderId,
    /// In the account's credit currency.
    amount: Money,
    requested_delivery: Option<NaiveDate>,
    date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CustomerRec {
    /// Shared, so a snapshot copies a pointer, not the record.
    customer: Arc<Customer>,
    accounts: Vec<usize>,
    children: Vec<usize>,
}

/// What a batch changed, to restore the book if it fails (see
/// [`CreditBook::apply_all`]); each change notes itself where it is made.
#[derive(Debug, Clone)]
struct Undo {
    /// Events before the batch.
    events: usize,
    /// Accounts before the batch.
    accounts: usize,
    /// Accounts the batch touched, as they were.
    saved: FnvMap<usize, Account>,
    /// Reversal targets' flags as they were.
    reversed: Vec<(usize, bool)>,
    /// Reservations as they were (none: absent).
    reservations: Vec<(OrderId, Option<usize>)>,
    /// Holds as they were.
    holds: Vec<(OrderId, Option<Hold>)>,
}

/// The credit book: policy, customers, limits, ledger, holds and decisions.
#[derive(Debug, Clone)]
pub struct CreditBook {
    policy: Policy,
    customers: Vec<CustomerRec>,
    customer_index: FnvMap<CustomerId, usize>,
    accounts: Vec<Account>,
    events: Chunked<Event>,
    reversed: Vec<bool>,
    /// Event position by the FNV hash of its id (the id itself lives in
    /// `events`, so indexing costs no copy); ids whose hash is taken by
    /// another id go to `event_collisions`.
    event_index: FnvMap<u64, usize>,
    event_collisions: FnvMap<u64, Vec<usize>>,
    fx: FxRates,
    terms: TermsCache,
    reservations: FnvMap<OrderId, usize>,
    holds: BTreeMap<OrderId, Hold>,
    releases: FnvMap<OrderId, Release>,
    release_log: Chunked<Release>,
    log: Chunked<LogEntry>,
    /// While `apply_all` runs: what its events changed, to restore on
    /// failure.
    undo: Option<Undo>,
}

impl CreditBook {
    /// An empty book under a (validated) policy.
    ///
    /// # Errors
    /// [`BookError::Policy`] if the policy does not validate.
    pub fn new(policy: Policy) -> Result<Self, BookError> {
        policy.validate()?;
        Ok(CreditBook {
            policy,
            customers: Vec::new(),
            customer_index: FnvMap::default(),
            accounts: Vec::new(),
            events: Chunked::default(),
            reversed: Vec::new(),
            event_index: FnvMap::default(),
            event_collisions: FnvMap::default(),
            fx: FxRates::default(),
            terms: TermsCache::default(),
            reservations: FnvMap::default(),
            holds: BTreeMap::new(),
            releases: FnvMap::default(),
            release_log: Chunked::default(),
            log: Chunked::default(),
            undo: None,
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn cust(&self, id: &CustomerId) -> Result<usize, BookError> {
        self.customer_index
            .get(id)
            .copied()
            .ok_or_else(|| CustomerError::UnknownCustomer(id.clone()).into())
    }

    /// A customer by id.
    pub fn customer(&self, id: &CustomerId) -> Option<&Customer> {
        self.customer_index
            .get(id)
            .map(|i| &*self.customers[*i].customer)
    }

    fn account_idx(&self, c: usize, segment: &str) -> Option<usize> {
        self.customers[c]
            .accounts
            .iter()
            .copied()
            .find(|a| self.accounts[*a].segment == segment)
    }

    fn account_or_new(&mut self, c: usize, segment: &str) -> usize {
        if let Some(a) = self.account_idx(c, segment) {
            return a;
        }
        let currency = self.customers[c].customer.segment_currency(segment);
        self.accounts.push(Account {
            customer: c,
            segment: segment.to_string(),
            limit: None,
            group_limit: None,
            state: AccountState::new(currency),
            events: Vec::new(),
            last_date: None,
            reservations: Vec::new(),
            columns: crate::monitor::columns::ColumnCache::default(),
        });
        let a = self.accounts.len() - 1;
        // A customer's accounts stay in segment order: every view that walks
        // them is then independent of the order they were opened in (a
        // restored book opens them in key order).
        let accounts = &self.accounts;
        let list = &mut self.customers[c].accounts;
        let pos = list.partition_point(|&k| accounts[k].segment.as_str() < segment);
        list.insert(pos, a);
        a
    }

    /// Adds or updates a customer. The parent must exist already; changing
    /// the credit currency of a customer with accounts is refused. Returns
    /// the held orders that now pass (e.g. after a risk-class change).
    ///
    /// # Errors
    /// [`CustomerError`] for invalid fields, an unknown parent or a cycle.
    pub fn upsert_customer(
        &mut self,
        customer: Customer,
        as_of: NaiveDate,
    ) -> Result<Vec<(OrderId, Decision)>, BookError> {
        customer.validate()?;
        customer.check_bounds(&self.policy.bounds)?;
        let parent = match &customer.parent {
            Some(p) => Some(self.cust(p)?),
            None => None,
        };
        let existing = self.customer_index.get(&customer.id).copied();
        if let (Some(me), Some(mut p)) = (existing, parent) {
            // Walk up from the new parent: reaching `me` would make a loop.
            loop {
                if p == me {
                    return Err(CustomerError::HierarchyCycle {
                        customer: customer.id.clone(),
                        parent: customer
                            .parent
                            .clone()
                            .unwrap_or_else(|| customer.id.clone()),
                    }
                    .into());
                }
                match &self.customers[p].customer.parent {
                    Some(pp) => p = self.cust(pp)?,
                    None => break,
                }
            }
        }
        let me = match existing {
            Some(me) => {
                for &a in &self.customers[me].accounts {
                    let acc = &self.accounts[a];
                    let want = customer.segment_currency(&acc.segment);
                    if want != acc.state.currency {
                        return Err(CustomerError::InvalidField {
                            field: "currency",
                            value: want.to_string(),
                            reason: "the customer already has an account in this segment in another credit currency",
                        }
                        .into());
                    }
                }
                let old = &self.customers[me].customer;
                if let Some(op) = old
                    .parent
                    .as_ref()
                    .and_then(|p| self.customer_index.get(p).copied())
                {
                    self.customers[op].children.retain(|c| *c != me);
                }
                self.customers[me].customer = Arc::new(customer);
                me
            }
            None => {
                self.customers.push(CustomerRec {
                    customer: Arc::new(customer.clone()),
                    accounts: Vec::new(),
                    children: Vec::new(),
                });
                let me = self.customers.len() - 1;
                self.customer_index.insert(customer.id, me);
                me
            }
        };
        if let Some(p) = parent {
            self.customers[p].children.push(me);
        }
        Ok(self.releasable(as_of))
    }

    fn validate_limit(&self, limit: &CreditLimit) -> Result<usize, BookError> {
        self.policy.bounds.check_id("segment", &limit.segment)?;
        let c = self.cust(&limit.customer)?;
        limit.validate(self.customers[c].customer.segment_currency(&limit.segment))?;
        Ok(c)
    }

    /// Sets (replaces) an account's credit limit. Returns the held orders
    /// that now pass.
    ///
    /// # Errors
    /// [`CustomerError`] for an unknown customer or a limit in another currency.
    pub fn set_limit(
        &mut self,
        limit: CreditLimit,
        as_of: NaiveDate,
    ) -> Result<Vec<(OrderId, Decision)>, BookError> {
        let c = self.validate_limit(&limit)?;
        let a = self.account_or_new(c, &limit.segment.clone());
        self.accounts[a].limit = Some(limit);
        Ok(self.releasable(as_of))
    }

    /// Sets a group limit on a group head: shared by it and every customer
    /// below it, in the limit's segment. Returns the held orders that now pass.
    ///
    /// # Errors
    /// As [`CreditBook::set_limit`].
    pub fn set_group_limit(
        &mut self,
        limit: CreditLimit,
        as_of: NaiveDate,
    ) -> Result<Vec<(OrderId, Decision)>, BookError> {
        let c = self.validate_limit(&limit)?;
        let a = self.account_or_new(c, &limit.segment.clone());
        self.accounts[a].group_limit = Some(limit);
        Ok(self.releasable(as_of))
    }

    /// Sets an FX rate: `amount_in_to = amount_in_from × rate`.
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`] for a rate that is not positive.
    pub fn set_fx_rate(
        &mut self,
        from: Currency,
        to: Currency,
        rate: Decimal,
    ) -> Result<(), BookError> {
        Ok(self.fx.set(from, to, rate)?)
    }

    /// Replaces the policy. Returns the held orders that now pass.
    ///
    /// # Errors
    /// [`BookError::Policy`] if it does not validate.
    pub fn set_policy(
        &mut self,
        policy: Policy,
        as_of: NaiveDate,
    ) -> Result<Vec<(OrderId, Decision)>, BookError> {
        policy.validate()?;
        self.policy = policy;
        Ok(self.releasable(as_of))
    }

    /// Applies an event. A repeated id with the same content is reported as
    /// [`Applied::Duplicate`]; with other content it is an error. Any error
    /// leaves the book unchanged.
    ///
    /// # Errors
    /// [`CustomerError::UnknownCustomer`], [`LedgerError`] from the ledger
    /// rules, [`BookError::ConflictingEvent`], [`BookError::Reversal`].
    pub fn apply(&mut self, event: Event) -> Result<Applied, BookError> {
        event.check_bounds(&self.policy.bounds)?;
        if let Some(i) = self.find_event(&event.id) {
            return if self.events[i] == event {
                Ok(Applied::Duplicate)
            } else {
                Err(BookError::ConflictingEvent(event.id))
            };
        }
        let c = self.cust(&event.customer)?;
        let existing = self.account_idx(c, &event.segment);
        if let EventKind::Reversal { event_id } = &event.kind {
            let a = existing.ok_or_else(|| BookError::Reversal {
                target: event_id.clone(),
                reason: "the account has no events".into(),
            })?;
            return self.apply_reversal(a, event);
        }
        let a = match existing {
            Some(a) => {
                self.note_account(a);
                if self.accounts[a].last_date.is_none_or(|l| l <= event.date) {
                    // In date order: apply incrementally.
                    self.accounts[a].touch();
                    self.accounts[a].state.apply(&event, &self.terms)?;
                } else {
                    // Back-dated: rebuild the account in date order with it.
                    self.rebuild_with(a, &event)?;
                }
                a
            }
            None => {
                // Build the new account's state first: a rejected event must
                // not leave an empty account behind.
                let mut st =
                    AccountState::new(self.customers[c].customer.segment_currency(&event.segment));
                st.apply(&event, &self.terms)?;
                let a = self.account_or_new(c, &event.segment);
                self.accounts[a].state = st;
                a
            }
        };
        self.after_apply(&event);
        self.record(a, event);
        Ok(Applied::Applied)
    }

    /// Position of the event with this id, if applied.
    fn find_event(&self, id: &EventId) -> Option<usize> {
        let h = id_hash(id);
        let first = *self.event_index.get(&h)?;
        if self.events[first].id == *id {
            return Some(first);
        }
        self.event_collisions
            .get(&h)?
            .iter()
            .copied()
            .find(|i| self.events[*i].id == *id)
    }

    /// Applies events all or nothing (e.g. an opening-balance import): on
    /// the first error the book is left as it was and the error says which
    /// event (0-based position) failed.
    ///
    /// # Errors
    /// `(position, error)` of the first event that fails.
    pub fn apply_all(&mut self, events: Vec<Event>) -> Result<Vec<Applied>, (usize, BookError)> {
        // An undo log of what the batch changes (the accounts it touches,
        // as they were, and the global entries it adds or removes), so that
        // a failure restores the book without copying it whole.
        self.undo = Some(Undo {
            events: self.events.len(),
            accounts: self.accounts.len(),
            saved: FnvMap::default(),
            reversed: Vec::new(),
            reservations: Vec::new(),
            holds: Vec::new(),
        });
        let mut out = Vec::with_capacity(events.len());
        for (i, e) in events.into_iter().enumerate() {
            match self.apply(e) {
                Ok(r) => out.push(r),
                Err(err) => {
                    if let Some(undo) = self.undo.take() {
                        self.roll_back(undo);
                    }
                    return Err((i, err));
                }
            }
        }
        self.undo = None;
        Ok(out)
    }

    /// In a batch: keeps account `a` as it was before the batch first
    /// changes it (accounts the batch opens are simply dropped).
    fn note_account(&mut self, a: usize) {
        if let Some(u) = &mut self.undo {
            if a < u.accounts && !u.saved.contains_key(&a) {
                u.saved.insert(a, self.accounts[a].clone());
            }
        }
    }

    /// Restores the book as it was before a batch.
    fn roll_back(&mut self, undo: Undo) {
        for (id, old) in undo.holds.into_iter().rev() {
            match old {
                Some(h) => self.holds.insert(id, h),
                None => self.holds.remove(&id),
            };
        }
        for (id, old) in undo.reservations.into_iter().rev() {
            match old {
                Some(a) => self.reservations.insert(id, a),
                None => self.reservations.remove(&id),
            };
        }
        for (t, old) in undo.reversed.into_iter().rev() {
            self.reversed[t] = old;
        }
        // Events recorded by the batch: out of the id index, then the log.
        while self.events.len() > undo.events {
            let i = self.events.len() - 1;
            let h = id_hash(&self.events[i].id);
            if self.event_index.get(&h) == Some(&i) {
                self.event_index.remove(&h);
            }
            if let Some(v) = self.event_collisions.get_mut(&h) {
                v.retain(|&k| k != i);
                if v.is_empty() {
                    self.event_collisions.remove(&h);
                }
            }
            self.events.pop();
            self.reversed.pop();
        }
        // Accounts the batch opened, then the ones it changed.
        while self.accounts.len() > undo.accounts {
            if let Some(acc) = self.accounts.pop() {
                let a = self.accounts.len();
                self.customers[acc.customer].accounts.retain(|&k| k != a);
            }
        }
        for (a, acc) in undo.saved {
            self.accounts[a] = acc;
        }
    }

    /// Imports an opening balance of open items, all or nothing (see
    /// [`OpenItemRow::into_event`] for the event ids); returns the row count.
    ///
    /// # Errors
    /// `(row, error)` of the first row that fails.
    pub fn import_open_items(
        &mut self,
        rows: Vec<OpenItemRow>,
    ) -> Result<usize, (usize, BookError)> {
        let n = rows.len();
        self.apply_all(rows.into_iter().map(OpenItemRow::into_event).collect())?;
        Ok(n)
    }

    /// Records an applied event, keeping the account's events in (date,
    /// arrival) order: the canonical order every state and as-of view folds.
    fn record(&mut self, a: usize, event: Event) {
        let i = self.events.len();
        let date = event.date;
        let h = id_hash(&event.id);
        match self.event_index.entry(h) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.event_collisions.entry(h).or_default().push(i)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
        self.events.push(event);
        self.reversed.push(false);
        self.accounts[a].touch();
        let acc = &self.accounts[a];
        if acc.last_date.is_none_or(|l| l <= date) {
            self.accounts[a].events.push(i);
            self.accounts[a].last_date = Some(date);
        } else {
            let pos = acc.events.partition_point(|e| self.events[*e].date <= date);
            self.accounts[a].events.insert(pos, i);
        }
    }

    /// Replays the account with a back-dated event in its date position; on
    /// success the account takes the new state (the event is recorded by
    /// the caller), on failure nothing changes.
    fn rebuild_with(&mut self, a: usize, event: &Event) -> Result<(), BookError> {
        let tentative = self.events.len();
        self.events.push(event.clone());
        self.reversed.push(false);
        let mut order = self.accounts[a].events.clone();
        let pos = order.partition_point(|e| self.events[*e].date <= event.date);
        order.insert(pos, tentative);
        let currency = self.accounts[a].state.currency;
        let result = self.replay(&order, None, currency);
        self.events.pop();
        self.reversed.pop();
        self.accounts[a].state = result?;
        self.accounts[a].touch();
        Ok(())
    }

    fn after_apply(&mut self, event: &Event) {
        if let (
            Some(u),
            EventKind::OrderPlaced { order_id, .. } | EventKind::OrderCancelled { order_id },
        ) = (&mut self.undo, &event.kind)
        {
            u.reservations
                .push((order_id.clone(), self.reservations.get(order_id).copied()));
            u.holds
                .push((order_id.clone(), self.holds.get(order_id).cloned()));
        }
        match &event.kind {
            EventKind::OrderPlaced { order_id, .. } => self.drop_reservation(order_id),
            EventKind::OrderCancelled { order_id } => {
                self.drop_reservation(order_id);
                self.holds.remove(order_id);
            }
            _ => {}
        }
    }

    /// Drops an order's reservation from the account that holds it
    /// (reservations are indexed by order id across the book, so the
    /// account of the event or check at hand may be another one).
    fn drop_reservation(&mut self, order_id: &OrderId) {
        if let Some(a) = self.reservations.remove(order_id) {
            self.note_account(a);
            self.accounts[a]
                .reservations
                .retain(|r| &r.order_id != order_id);
        }
    }

    /// Folds the account's events (already in date order) into a fresh
    /// state, leaving out reversed events and reversal markers, up to and
    /// including `until`. Every as-of view is thus a prefix of the canonical
    /// sequence, so it always applies.
    fn replay(
        &self,
        events: &[usize],
        until: Option<NaiveDate>,
        currency: Currency,
    ) -> Result<AccountState, BookError> {
        let mut st = AccountState::new(currency);
        for &i in events {
            let e = &self.events[i];
            if until.is_some_and(|u| e.date > u) {
                break;
            }
            if self.reversed[i] || matches!(e.kind, EventKind::Reversal { .. }) {
                continue;
            }
            st.apply(e, &self.terms)?;
        }
        Ok(st)
    }

    fn apply_reversal(&mut self, a: usize, event: Event) -> Result<Applied, BookError> {
        let EventKind::Reversal { event_id } = &event.kind else {
            return Err(BookError::Reversal {
                target: event.id.clone(),
                reason: "not a reversal".into(),
            });
        };
        let fail = |reason: &str| BookError::Reversal {
            target: event_id.clone(),
            reason: reason.to_string(),
        };
        let t = self
            .find_event(event_id)
            .ok_or_else(|| fail("no such event"))?;
        if !self.accounts[a].events.contains(&t) {
            return Err(fail("it belongs to another account"));
        }
        if self.reversed[t] {
            return Err(fail("it is already reversed"));
        }
        if matches!(self.events[t].kind, EventKind::Reversal { .. }) {
            return Err(fail("a reversal cannot be reversed"));
        }
        let events = self.accounts[a].events.clone();
        let currency = self.accounts[a].state.currency;
        self.note_account(a);
        if let Some(u) = &mut self.undo {
            u.reversed.push((t, false));
        }
        self.reversed[t] = true;
        match self.replay(&events, None, currency) {
            Ok(st) => {
                self.accounts[a].state = st;
                self.accounts[a].touch();
                self.record(a, event);
                Ok(Applied::Applied)
            }
            Err(e) => {
                self.reversed[t] = false;
                Err(fail(&format!("the remaining events no longer apply: {e}")))
            }
        }
    }

    fn horizon_end(&self, as_of: NaiveDate) -> NaiveDate {
        add_days(as_of, self.policy.horizon_days).unwrap_or(NaiveDate::MAX)
    }

    fn account_figures(
        &self,
        a: usize,
        as_of: NaiveDate,
        exclude: Option<&OrderId>,
    ) -> Result<Figures, BookError> {
        let acc = &self.accounts[a];
        let f = exposure::figures(&acc.state, self.horizon_end(as_of), &self.fx, exclude)?;
        self.add_reservations(a, f, as_of, exclude, None)
    }

    /// Adds the account's reservations to `f`: every one for a check (a
    /// reservation is a present commitment, whatever date its check ran
    /// on), or those made up to `made_by` for a view of the past.
    fn add_reservations(
        &self,
        a: usize,
        mut f: Figures,
        as_of: NaiveDate,
        exclude: Option<&OrderId>,
        made_by: Option<NaiveDate>,
    ) -> Result<Figures, BookError> {
        let horizon_end = self.horizon_end(as_of);
        for r in &self.accounts[a].reservations {
            if exclude == Some(&r.order_id) || made_by.is_some_and(|d| r.date > d) {
                continue;
            }
            f.open_orders = f
                .open_orders
                .checked_add(r.amount.amount())
                .ok_or(BookError::Overflow)?;
            if r.requested_delivery.is_none_or(|d| d <= horizon_end) {
                f.open_orders_in_horizon = f
                    .open_orders_in_horizon
                    .checked_add(r.amount.amount())
                    .ok_or(BookError::Overflow)?;
            }
        }
        Ok(f)
    }

    fn limit_view(limit: &Option<CreditLimit>, as_of: NaiveDate) -> LimitView {
        match limit {
            None => LimitView::NotDefined,
            Some(l) => match l.effective(as_of) {
                None => LimitView::Unlimited {
                    expired: l.expired(as_of),
                },
                Some(amount) => LimitView::Amount {
                    amount,
                    expired: l.expired(as_of),
                },
            },
        }
    }

    /// Weighted exposure (in `gcur`) of the group headed by customer `h`:
    /// the head and everything below it, in `segment`, without the order
    /// being checked. Recursive, so it allocates nothing.
    fn group_exposure_for_check(
        &self,
        h: usize,
        segment: &str,
        req: &OrderRequest,
        gcur: Currency,
    ) -> Result<Decimal, BookError> {
        let mut total = Decimal::ZERO;
        if let Some(ma) = self.account_idx(h, segment) {
            let f = self.account_figures(ma, req.as_of, Some(&req.order_id))?;
            let w = f
                .weighted(&self.policy.weights, false)
                .ok_or(BookError::Overflow)?;
            total = self.fx.convert(w, self.accounts[ma].state.currency, gcur)?;
        }
        for &c in &self.customers[h].children {
            let sub = self.group_exposure_for_check(c, segment, req, gcur)?;
            total = total.checked_add(sub).ok_or(BookError::Overflow)?;
        }
        Ok(total)
    }

    fn group_view(
        &self,
        c: usize,
        segment: &str,
        req: &OrderRequest,
        order_amount: Decimal,
        currency: Currency,
    ) -> Result<Option<GroupView>, BookError> {
        let mut best: Option<GroupView> = None;
        let mut head = Some(c);
        while let Some(h) = head {
            if let Some(a) = self.account_idx(h, segment) {
                if let Some(gl) = &self.accounts[a].group_limit {
                    if let Some(limit) = gl.effective(req.as_of) {
                        let gcur = self.customers[h].customer.segment_currency(segment);
                        let exposure = self.group_exposure_for_check(h, segment, req, gcur)?;
                        let order_g = self.fx.convert(order_amount, currency, gcur)?;
                        let view = GroupView {
                            exposure_before: exposure,
                            order_amount: order_g,
                            limit,
                        };
                        let headroom = |g: &GroupView| {
                            g.limit
                                .saturating_sub(g.exposure_before)
                                .saturating_sub(g.order_amount)
                        };
                        if best.as_ref().is_none_or(|b| headroom(&view) < headroom(b)) {
                            best = Some(view);
                        }
                    }
                }
            }
            head = self.customers[h]
                .customer
                .parent
                .as_ref()
                .and_then(|p| self.customer_index.get(p).copied());
        }
        Ok(best)
    }

    fn materiality(&self) -> Decimal {
        self.policy
            .steps
            .iter()
            .find_map(|s| match &s.kind {
                StepKind::OldestOverdue { materiality, .. } => {
                    Some(materiality.unwrap_or(Decimal::ZERO))
                }
                _ => None,
            })
            .unwrap_or(Decimal::ZERO)
    }

    /// The figures a check of `req` sees (without recording anything).
    ///
    /// A check is a present act: it counts everything the book holds now —
    /// every event and every reservation, whatever their dates — and uses
    /// `req.as_of` for what depends on time (days overdue, the horizon,
    /// limit validity, review dates). So no choice of dates lets two checks
    /// together exceed a limit. [`CreditBook::exposure`] as of a date on or
    /// after the latest event and reservation shows the same figures.
    ///
    /// # Errors
    /// [`BookError::InvalidArgument`] for an order amount that is not
    /// positive; unknown customer, missing FX rate, overflow.
    pub fn check_inputs(&self, req: &OrderRequest) -> Result<CheckInputs, BookError> {
        if req.amount.is_negative() || req.amount.is_zero() {
            // A negative order would lower the exposure and free limit for
            // other orders; a zero one has nothing to check.
            return Err(BookError::InvalidArgument {
                field: "amount",
                value: req.amount.to_string(),
                reason: "an order amount must be positive",
            });
        }
        let b = &self.policy.bounds;
        b.check_id("customer", &req.customer.0)?;
        b.check_id("order_id", &req.order_id.0)?;
        b.check_id("segment", &req.segment)?;
        let c = self.cust(&req.customer)?;
        let cust = &self.customers[c].customer;
        let currency = cust.segment_currency(&req.segment);
        let order_amount = self
            .fx
            .convert(req.amount.amount(), req.amount.currency(), currency)?;
        let horizon_end = self.horizon_end(req.as_of);
        let (figures, limit, overdue) = match self.account_idx(c, &req.segment) {
            Some(a) => {
                let (f, o) = exposure::scan(
                    &self.accounts[a].state,
                    req.as_of,
                    horizon_end,
                    self.materiality(),
                    &self.fx,
                    Some(&req.order_id),
                )?;
                (
                    self.add_reservations(a, f, req.as_of, Some(&req.order_id), None)?,
                    Self::limit_view(&self.accounts[a].limit, req.as_of),
                    o,
                )
            }
            None => (
                Figures::default(),
                LimitView::NotDefined,
                crate::exposure::Overdue::default(),
            ),
        };
        Ok(CheckInputs {
            as_of: req.as_of,
            checkpoint: req.checkpoint,
            currency,
            order_amount,
            order_in_horizon: req.requested_delivery.is_none_or(|d| d <= horizon_end),
            figures,
            limit,
            group: self.group_view(c, &req.segment, req, order_amount, currency)?,
            customer_blocked: cust.blocked.is_some(),
            risk_class: cust.risk_class,
            oldest_overdue_days: overdue.oldest_overdue_days,
            overdue_amount: overdue.overdue_amount,
            balance: overdue.balance,
            max_dunning_level: overdue.max_dunning_level,
            next_review: cust.next_review,
            release: self.releases.get(&req.order_id).map(|r| ReleaseView {
                amount: r.amount.amount(),
                date: r.date,
            }),
        })
    }

    /// What checking `req` would decide now, without logging, reserving or
    /// holding anything (an order simulation). Allocates nothing unless a
    /// step fails.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn simulate_check(&self, req: &OrderRequest) -> Result<Decision, BookError> {
        let inputs = self.check_inputs(req)?;
        evaluate(&self.policy.check_config(), &inputs).map_err(|_| BookError::Overflow)
    }

    /// Checks an order: runs the policy's steps for its checkpoint, logs the
    /// decision, and reserves the order's value when approved (or puts the
    /// order on hold when blocked).
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, precision, overflow. Nothing is
    /// logged or reserved on error.
    pub fn check_order(&mut self, req: OrderRequest) -> Result<Decision, BookError> {
        let inputs = self.check_inputs(&req)?;
        let decision =
            evaluate(&self.policy.check_config(), &inputs).map_err(|_| BookError::Overflow)?;
        let seq = self.log.len() as u64;
        let c = self.cust(&req.customer)?;
        // The converted value is at the credit currency's precision.
        let value = Money::new(inputs.order_amount, inputs.currency)?;
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
            let a = self.account_or_new(c, &req.segment);
            self.reserve(a, &req, value);
        }
        self.log.push(LogEntry {
            seq,
            request: req,
            policy_id: self.policy.policy_id.clone(),
            inputs,
            decision: decision.clone(),
        });
        Ok(decision)
    }

    fn reserve(&mut self, a: usize, req: &OrderRequest, amount: Money) {
        // A placed order already counts as an open order: no reservation.
        if self.accounts[a].state.order(&req.order_id).is_some() {
            return;
        }
        // A re-check replaces the order's reservation, wherever it was.
        self.drop_reservation(&req.order_id);
        let acc = &mut self.accounts[a];
        acc.reservations.push(Reserved {
            order_id: req.order_id.clone(),
            amount,
            requested_delivery: req.requested_delivery,
            date: req.as_of,
        });
        self.reservations.insert(req.order_id.clone(), a);
    }

    /// Releases a held order: a documented credit decision (who, when, why).
    /// The order's value is then reserved like an approved order's.
    ///
    /// # Errors
    /// [`BookError::NotOnHold`]; [`BookError::ReleaseIncomplete`] without `by` or `reason`.
    pub fn release(
        &mut self,
        order_id: &OrderId,
        by: &str,
        reason: &str,
        date: NaiveDate,
    ) -> Result<Release, BookError> {
        if by.trim().is_empty() {
            return Err(BookError::ReleaseIncomplete("who releases (by)"));
        }
        if reason.trim().is_empty() {
            return Err(BookError::ReleaseIncomplete("a reason"));
        }
        self.policy.bounds.check_text("by", by)?;
        self.policy.bounds.check_text("reason", reason)?;
        let hold = self
            .holds
            .get(order_id)
            .ok_or_else(|| BookError::NotOnHold(order_id.clone()))?;
        let entry = self
            .log
            .get(hold.decision_seq as usize)
            .ok_or_else(|| BookError::NotOnHold(order_id.clone()))?;
        let release = Release {
            order_id: order_id.clone(),
            customer: hold.request.customer.clone(),
            // Already in the credit currency at its precision.
            amount: Money::new(entry.inputs.order_amount, entry.inputs.currency)?,
            by: by.to_string(),
            reason: reason.to_string(),
            date,
            decision_seq: hold.decision_seq,
        };
        let req = hold.request.clone();
        let c = self.cust(&req.customer)?;
        let a = self.account_or_new(c, &req.segment);
        self.reserve(a, &req, release.amount);
        self.holds.remove(order_id);
        self.releases.insert(order_id.clone(), release.clone());
        self.release_log.push(release.clone());
        Ok(release)
    }

    /// Withdraws an order that was checked but will not be placed: its
    /// reservation (if approved) or its hold (if blocked) is removed.
    /// Returns false when the book holds nothing for it. (A placed order is
    /// cancelled with an `order_cancelled` event instead.)
    pub fn withdraw_order(&mut self, order_id: &OrderId) -> bool {
        let held = self.holds.remove(order_id).is_some();
        let reserved = self.reservations.contains_key(order_id);
        self.drop_reservation(order_id);
        held || reserved
    }

    /// Re-checks every held order as of `as_of` (without logging) and
    /// returns those that would now pass.
    pub fn releasable(&self, as_of: NaiveDate) -> Vec<(OrderId, Decision)> {
        let mut out = Vec::new();
        for (oid, h) in &self.holds {
            let mut req = h.request.clone();
            req.as_of = as_of;
            if let Ok(inputs) = self.check_inputs(&req) {
                if let Ok(d) = evaluate(&self.policy.check_config(), &inputs) {
                    if d.outcome != Outcome::Blocked {
                        out.push((oid.clone(), d));
                    }
                }
            }
        }
        out
    }

    /// Held orders, by order id.
    pub fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.values()
    }

    /// Every release, oldest first.
    pub fn releases(&self) -> Entries<'_, Release> {
        Entries::new(&self.release_log)
    }

    /// The decision log, oldest first.
    pub fn decision_log(&self) -> Entries<'_, LogEntry> {
        Entries::new(&self.log)
    }

    /// The decisions for one order, oldest first ("why was X blocked on D?").
    pub fn decisions_for(&self, order_id: &OrderId) -> impl Iterator<Item = &LogEntry> {
        let id = order_id.clone();
        self.log.iter().filter(move |e| e.request.order_id == id)
    }

    /// Re-runs every logged decision under `policy` with the figures it saw,
    /// and lists the decisions whose outcome changes. Thresholds, actions,
    /// steps, checkpoints, weights and blocked risk classes take effect;
    /// figures measured with the old policy's horizon and materiality are
    /// reused as recorded.
    ///
    /// # Errors
    /// [`BookError::Policy`] if `policy` does not validate; overflow.
    pub fn backtest(&self, policy: &Policy) -> Result<Backtest, BookError> {
        policy.validate()?;
        let mut changed = Vec::new();
        for e in self.log.iter() {
            let d = evaluate(&policy.check_config(), &e.inputs).map_err(|_| BookError::Overflow)?;
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
            policy_id: policy.policy_id.clone(),
            total: self.log.len(),
            changed,
        })
    }

    /// The account's state as it stood on `as_of`: the current state when
    /// no event is dated after it, else a replay of the events up to it.
    fn state_as_of(&self, a: usize, as_of: NaiveDate) -> Result<AccountState, BookError> {
        if self.accounts[a].last_date.is_none_or(|l| l <= as_of) {
            return Ok(self.accounts[a].state.clone());
        }
        let events = self.accounts[a].events.clone();
        let currency = self.accounts[a].state.currency;
        self.replay(&events, Some(as_of), currency)
    }

    /// An account's exposure as it stood on `as_of`: events dated after it
    /// are ignored; reservations made by checks up to that date count as
    /// open orders.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn exposure(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Exposure, BookError> {
        let c = self.cust(customer)?;
        let currency = self.customers[c].customer.segment_currency(segment);
        let mut out = Exposure {
            customer: customer.clone(),
            segment: segment.to_string(),
            currency,
            as_of,
            figures: Figures::default(),
            reserved: Decimal::ZERO,
            total: Decimal::ZERO,
            limit: None,
        };
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(out);
        };
        let st = self.state_as_of(a, as_of)?;
        let f = exposure::figures(&st, self.horizon_end(as_of), &self.fx, None)?;
        out.figures = self.add_reservations(a, f, as_of, None, Some(as_of))?;
        out.reserved = out.figures.open_orders - f.open_orders;
        out.total = out
            .figures
            .weighted(&self.policy.weights, false)
            .ok_or(BookError::Overflow)?;
        out.limit = self.accounts[a]
            .limit
            .as_ref()
            .and_then(|l| l.effective(as_of));
        Ok(out)
    }

    /// The exposure of the group headed by `head` (itself and everything
    /// below it) in `segment`, as it stood on `as_of`, in the head's currency.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn group_exposure(
        &self,
        head: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<GroupExposure, BookError> {
        let h = self.cust(head)?;
        let currency = self.customers[h].customer.segment_currency(segment);
        let mut stack = vec![h];
        let mut members = Vec::new();
        let mut total = Decimal::ZERO;
        while let Some(c) = stack.pop() {
            stack.extend(self.customers[c].children.iter().rev());
            let id = self.customers[c].customer.id.clone();
            let x = self.exposure(&id, segment, as_of)?;
            let v = self.fx.convert(x.total, x.currency, currency)?;
            total = total.checked_add(v).ok_or(BookError::Overflow)?;
            members.push((id, v));
        }
        let limit = self
            .account_idx(h, segment)
            .and_then(|a| self.accounts[a].group_limit.as_ref())
            .and_then(|l| l.effective(as_of));
        Ok(GroupExposure {
            head: head.clone(),
            segment: segment.to_string(),
            currency,
            as_of,
            members,
            total,
            limit,
        })
    }

    /// Open items (open amount above zero) of an account as they stood on `as_of`.
    ///
    /// # Errors
    /// Unknown customer.
    pub fn open_items(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<OpenItem>, BookError> {
        let c = self.cust(customer)?;
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(Vec::new());
        };
        let st = self.state_as_of(a, as_of)?;
        Ok(st.items.into_iter().filter(|i| !i.open.is_zero()).collect())
    }

    /// An account's current state (all events applied), if it exists.
    pub fn account_state(&self, customer: &CustomerId, segment: &str) -> Option<&AccountState> {
        let c = *self.customer_index.get(customer)?;
        self.account_idx(c, segment)
            .map(|a| &self.accounts[a].state)
    }

    /// Number of events applied.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// A canonical text of the book's whole state (customers, limits,
    /// account states, reservations, holds, releases, log), independent of
    /// the order accounts were created in. Two books with equal digests
    /// behave identically.
    pub fn state_digest(&self) -> String {
        let mut accounts: BTreeMap<(String, String), &Account> = BTreeMap::new();
        for a in &self.accounts {
            accounts.insert(
                (
                    self.customers[a.customer].customer.id.0.clone(),
                    a.segment.clone(),
                ),
                a,
            );
        }
        let mut parts: Vec<String> = Vec::new();
        let mut customers: Vec<&Customer> = self.customers.iter().map(|c| &*c.customer).collect();
        customers.sort_by(|a, b| a.id.cmp(&b.id));
        parts.push(serde_json::to_string(&customers).unwrap_or_default());
        for ((c, s), a) in accounts {
            let mut res = a.reservations.clone();
            res.sort_by(|x, y| x.order_id.cmp(&y.order_id));
            parts.push(format!(
                "{c}/{s}:{}|{}|{}|{}",
                serde_json::to_string(&a.limit).unwrap_or_default(),
                serde_json::to_string(&a.group_limit).unwrap_or_default(),
                serde_json::to_string(&a.state).unwrap_or_default(),
                serde_json::to_string(&res).unwrap_or_default(),
            ));
        }
        parts.push(
            serde_json::to_string(&self.events.iter().collect::<Vec<_>>()).unwrap_or_default(),
        );
        parts.push(serde_json::to_string(&self.holds).unwrap_or_default());
        let mut rel: Vec<&Release> = self.releases.values().collect();
        rel.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        parts.push(serde_json::to_string(&rel).unwrap_or_default());
        parts.push(serde_json::to_string(&self.releases()).unwrap_or_default());
        parts.push(serde_json::to_string(&self.decision_log()).unwrap_or_default());
        parts.push(serde_json::to_string(&self.fx).unwrap_or_default());
        parts.push(self.policy.to_json());
        parts.join("\n")
    }
}

impl crate::error::Classify for BookError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            BookError::Customer(e) => e.kind(),
            BookError::Ledger(e) => e.kind(),
            BookError::Policy(e) => e.kind(),
            BookError::Money(e) => e.kind(),
            BookError::ConflictingEvent(_) => K::ConflictingEvent,
            BookError::Reversal { .. } => K::ReversalRefused,
            BookError::NotOnHold(_) => K::NotOnHold,
            BookError::ReleaseIncomplete(_) => K::ReleaseIncomplete,
            BookError::Snapshot(_) => K::InvalidSnapshot,
            BookError::InvalidArgument { .. } => K::InvalidArgument,
            BookError::Overflow => K::Overflow,
            BookError::Scoring(e) => e.kind(),
            BookError::Limit(e) => e.kind(),
            BookError::Plan(e) => e.kind(),
            BookError::Collections(e) => e.kind(),
            BookError::Bounds(e) => e.kind(),
        }
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::text;
        match self {
            BookError::Customer(e) => e.details(),
            BookError::Ledger(e) => e.details(),
            BookError::Money(e) => e.details(),
            BookError::Scoring(e) => e.details(),
            BookError::Bounds(e) => e.details(),
            BookError::ConflictingEvent(id) => vec![("event", text(id))],
            BookError::Reversal { target, .. } => vec![("event", text(target))],
            BookError::NotOnHold(id) => vec![("order", text(id))],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_log_spans_chunks() {
        let p =
            Policy::from_json(r#"{"schema_version": 1, "policy_id": "p", "steps": []}"#).unwrap();
        let mut b = CreditBook::new(p).unwrap();
        let eur = Currency::iso("EUR").unwrap();
        b.upsert_customer(Customer::new("C1", "Acme", eur), NaiveDate::MIN)
            .unwrap();
        let ev = |i: usize, day: u32| -> Event {
            serde_json::from_str(&format!(
                r#"{{"id":"e{i}","customer":"C1","date":"2026-03-{day:02}","type":"special_liabilities","amount":"{i}.00","currency":"EUR"}}"#
            ))
            .unwrap()
        };
        for i in 0..chunks::CHUNK + 10 {
            assert_eq!(b.apply(ev(i, 10)).unwrap(), Applied::Applied);
        }
        assert_eq!(b.event_count(), chunks::CHUNK + 10);
        assert_eq!(b.find_event(&EventId::from("e0")), Some(0));
        assert_eq!(
            b.find_event(&EventId(format!("e{}", chunks::CHUNK + 5))),
            Some(chunks::CHUNK + 5)
        );
        // A back-dated event rebuilds the account (pushes and pops a tentative event).
        assert_eq!(b.apply(ev(99_999, 1)).unwrap(), Applied::Applied);
        let st = b.account_state(&CustomerId::from("C1"), "default").unwrap();
        // The latest-dated figure (the last event on 2026-03-10) stands.
        assert_eq!(
            st.special_liabilities,
            Decimal::from(chunks::CHUNK as u64 + 9)
        );
        let restored = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
        assert_eq!(restored.state_digest(), b.state_digest());
        assert_eq!(b.apply(ev(3, 10)).unwrap(), Applied::Duplicate);
    }

    #[test]
    fn event_ids_whose_hashes_collide_stay_distinct() {
        let p =
            Policy::from_json(r#"{"schema_version": 1, "policy_id": "p", "steps": []}"#).unwrap();
        let mut b = CreditBook::new(p).unwrap();
        let eur = Currency::iso("EUR").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        b.upsert_customer(Customer::new("C1", "Acme", eur), day)
            .unwrap();
        let ev = |id: &str, amount: &str| -> Event {
            serde_json::from_str(&format!(
                r#"{{"id":"{id}","customer":"C1","date":"2026-01-01","type":"special_liabilities","amount":"{amount}","currency":"EUR"}}"#
            ))
            .unwrap()
        };
        assert_eq!(b.apply(ev("e1", "1.00")).unwrap(), Applied::Applied);
        // Force "e2" to hash onto e1's slot, as a real collision would.
        b.event_index.insert(id_hash(&EventId::from("e2")), 0);
        assert_eq!(b.find_event(&EventId::from("e2")), None);
        assert_eq!(b.apply(ev("e2", "2.00")).unwrap(), Applied::Applied);
        assert_eq!(b.find_event(&EventId::from("e2")), Some(1));
        assert_eq!(b.apply(ev("e2", "2.00")).unwrap(), Applied::Duplicate);
        assert!(matches!(
            b.apply(ev("e2", "3.00")),
            Err(BookError::ConflictingEvent(_))
        ));
        assert_eq!(b.find_event(&EventId::from("e1")), Some(0));
    }
}
