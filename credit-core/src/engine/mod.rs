//! [`CreditBook`]: the one facade hosts use. It wires the components, each
//! in its own module with its own rules and tests:
//!
//! | component | module | holds |
//! | --- | --- | --- |
//! | policy | [`crate::policy`] | the rules every view and check follows |
//! | directory | [`crate::customer`] | customers, the hierarchy, each customer's accounts |
//! | ledger | [`crate::ledger`] | the event store, each account's journal and state, replay, reversals, batch undo |
//! | desk | [`crate::check`] | reservations, holds, releases, the decision log, back-testing |
//! | fx | [`crate::exposure`] | the host's FX rates |
//!
//! and hands the reports (features and reviews in [`crate::features`] and
//! [`crate::risk`], dunning and worklists in [`crate::collections`],
//! aging, KPIs, goals and alerts in [`crate::monitor`]) a read-only view
//! of itself. A method here is a short delegation.
//!
//! * **Idempotent, atomic events.** [`CreditBook::apply`] reports a repeated
//!   id as [`Applied::Duplicate`] and changes nothing; a rejected event
//!   changes nothing; [`CreditBook::apply_all`] is all or nothing.
//! * **As of any date.** Queries for a date fold the events dated on or
//!   before it, so a payment dated later never shows.
//! * **Check and reserve.** An approved order's value is reserved in the
//!   exposure until the order is placed or cancelled, so two checks can
//!   never together exceed a limit.
//! * **Shared reads.** Queries and reports take `&self` and may run on
//!   several threads at once; only changes take `&mut self`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::check::desk::{DeskError, OrderDesk};
use crate::customer::directory::Directory;
use crate::customer::{CreditLimit, Customer, CustomerError, CustomerId, Dated};
use crate::exposure::FxRates;
use crate::ledger::{AccountState, Event, EventKind, Ledger, LedgerError, OpenItemRow};
use crate::money::{Currency, MoneyError};
use crate::policy::{Policy, PolicyError};

mod desk;
mod reports;
mod snapshot;
mod view;
pub use crate::check::desk::{
    Backtest, Hold, LogEntry, Measured, Measures, MemberReserved, OrderRequest, Release,
    Reservation, ReservedPart,
};
pub use crate::chunks::Entries;
pub use crate::collections::{promise_state, PromiseState, PromiseStatus};
pub use crate::exposure::{Exposure, GroupExposure, GroupMember};
pub use crate::ledger::Applied;
pub use crate::risk::CustomerScore;
pub use desk::{NotRechecked, NotRecheckedReport, Recheck, RecheckReport};
pub use snapshot::{SnapshotView, SNAPSHOT_SCHEMA_VERSION};

/// Errors of the book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BookError {
    /// Customer or limit master data.
    #[error(transparent)]
    Customer(#[from] CustomerError),
    /// An event or ledger query (including a conflicting event id and a
    /// refused reversal).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The policy.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// Money (FX rate, precision).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Holds and releases.
    #[error(transparent)]
    Desk(#[from] DeskError),
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
    /// Arithmetic overflow, naming the figure (`credit check`, `exposure`,
    /// `group exposure`, …).
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// A scorecard or a value it cannot score.
    #[error(transparent)]
    Scoring(#[from] crate::scoring::ScoringError),
    /// A limit rule that cannot compute.
    #[error(transparent)]
    Limit(#[from] crate::risk::LimitError),
    /// A payment plan.
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    /// Late interest, dunning or the worklist.
    #[error(transparent)]
    Collections(#[from] crate::collections::CollectionsError),
    /// A monitoring report.
    #[error(transparent)]
    Monitor(#[from] crate::monitor::MonitorError),
    /// An id or text outside the policy's bounds (too long, empty, control
    /// characters).
    #[error(transparent)]
    Bounds(#[from] crate::bounds::BoundsError),
}

/// What the book keeps per account besides its journal (same position).
#[derive(Debug, Clone)]
struct Account {
    customer: usize,
    segment: String,
    /// The account's limit, by valid-from date.
    limit: Dated<CreditLimit>,
    /// The group limit the account's customer heads, by valid-from date.
    group_limit: Dated<CreditLimit>,
    /// Monitoring's columnar copy of the state, built on first use and
    /// dropped whenever the account changes.
    columns: crate::monitor::columns::ColumnCache,
}

/// The credit book: policy, customers, limits, ledger, holds and decisions.
#[derive(Debug, Clone)]
pub struct CreditBook {
    policy: Policy,
    directory: Directory,
    accounts: Vec<Account>,
    ledger: Ledger,
    desk: OrderDesk,
    fx: FxRates,
}

impl CreditBook {
    /// An empty book under a (validated) policy.
    ///
    /// # Errors
    /// [`BookError::Policy`] if the policy does not validate.
    pub fn new(policy: Policy) -> Result<Self, BookError> {
        policy.validate()?;
        let mut ledger = Ledger::default();
        ledger.set_conventions(policy.ledger);
        Ok(CreditBook {
            policy,
            directory: Directory::default(),
            accounts: Vec::new(),
            ledger,
            desk: OrderDesk::default(),
            fx: FxRates::default(),
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn cust(&self, id: &CustomerId) -> Result<usize, BookError> {
        Ok(self.directory.require(id)?)
    }

    /// A customer by id: its latest version of master data.
    pub fn customer(&self, id: &CustomerId) -> Option<&Customer> {
        self.directory.find(id).map(|c| self.directory.customer(c))
    }

    /// A customer's master data as it stood on `date`: the version in
    /// force that day (before its first version, the first).
    pub fn customer_on(&self, id: &CustomerId, date: NaiveDate) -> Option<&Customer> {
        self.directory
            .find(id)
            .map(|c| self.directory.customer_on(c, date))
    }

    /// Every version of a customer's master data, base first, then by
    /// valid-from date (empty for an unknown customer).
    pub fn customer_history(&self, id: &CustomerId) -> Vec<&Customer> {
        self.directory
            .find(id)
            .map(|c| self.directory.versions(c).map(|v| &**v).collect())
            .unwrap_or_default()
    }

    fn account_idx(&self, c: usize, segment: &str) -> Option<usize> {
        self.directory
            .accounts(c)
            .iter()
            .copied()
            .find(|a| self.accounts[*a].segment == segment)
    }

    fn account_or_new(&mut self, c: usize, segment: &str) -> usize {
        if let Some(a) = self.account_idx(c, segment) {
            return a;
        }
        let currency = self.directory.customer(c).segment_currency(segment);
        let a = self.ledger.open(currency);
        self.push_account(c, segment, a);
        a
    }

    /// Adds the book's record of account `a` (just opened in the ledger),
    /// keeping the customer's accounts in segment order: every view that
    /// walks them is then independent of the order they were opened in.
    fn push_account(&mut self, c: usize, segment: &str, a: usize) {
        debug_assert_eq!(a, self.accounts.len());
        self.accounts.push(Account {
            customer: c,
            segment: segment.to_string(),
            limit: Dated::default(),
            group_limit: Dated::default(),
            columns: Default::default(),
        });
        let accounts = &self.accounts;
        let pos = self
            .directory
            .accounts(c)
            .partition_point(|&k| accounts[k].segment.as_str() < segment);
        self.directory.insert_account(c, pos, a);
    }

    /// Adds a customer, or a version of its master data in force from its
    /// `valid_from` (absent: the base version, in force before every dated
    /// one; a version with a date already held replaces that version, and
    /// no other date's master data changes — see [`Dated`]). Every as-of
    /// view and check reads the version in force on its date: class,
    /// blocked, next review, collector, attributes and parent (so a group's
    /// members are those linked on the date). The parent must exist
    /// already and may not close a loop on any date; every version has the
    /// same credit currencies, and changing them for a customer with
    /// accounts is refused. Returns
    /// the [`Recheck`] of the held orders: those that now pass, and
    /// those it could not re-check (they stay on hold), e.g. after a
    /// risk-class change.
    ///
    /// # Errors
    /// [`CustomerError`] for invalid fields, an unknown parent or a cycle.
    pub fn upsert_customer(
        &mut self,
        customer: Customer,
        as_of: NaiveDate,
    ) -> Result<Recheck, BookError> {
        self.put_customer(customer)?;
        Ok(self.releasable(as_of))
    }

    /// Validates and stores a customer version (see
    /// [`CreditBook::upsert_customer`]).
    fn put_customer(&mut self, customer: Customer) -> Result<(), BookError> {
        customer.validate()?;
        customer.check_bounds(&self.policy.bounds)?;
        let (accounts, ledger) = (&self.accounts, &self.ledger);
        self.directory.upsert(customer, |existing, new| {
            for &a in existing {
                let want = new.segment_currency(&accounts[a].segment);
                if want != ledger.journal(a).state().currency {
                    return Err(CustomerError::InvalidField {
                        field: "currency",
                        value: want.to_string(),
                        reason: "the customer already has an account in this segment in another credit currency",
                    });
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Writes a review run back to the master data under the policy's
    /// `review.write_back`: every reviewed customer's next review date,
    /// its new risk class (or a proposal), and its limit recommendation in
    /// the run's segment (applied or proposed: by default decreases apply
    /// and increases are proposals). Each applied change is a master-data
    /// version valid from the run's date, so checks, as-of views and
    /// back-tests on or after it read it and none before it does; an
    /// applied limit carries the review as its `reason`. All or nothing;
    /// applying the same run again changes nothing. Returns what was
    /// applied and proposed, and the [`Recheck`] of the held orders as of
    /// the run's date.
    ///
    /// # Errors
    /// An unknown customer in the run, a segment outside the bounds, a
    /// recommendation the currency cannot hold; nothing changes.
    pub fn apply_review(
        &mut self,
        run: &crate::risk::ReviewRun,
    ) -> Result<(crate::risk::ReviewWriteBack, Recheck), BookError> {
        self.policy.bounds.check_id("segment", &run.segment)?;
        let plan = crate::risk::plan_write_back(self, &self.policy.review.write_back, run)?;
        // Everything is checked before anything changes.
        for c in &plan.customers {
            c.validate()?;
            c.check_bounds(&self.policy.bounds)?;
        }
        for l in &plan.limits {
            self.validate_limit(l)?;
        }
        for c in plan.customers {
            self.put_customer(c)?;
        }
        for l in plan.limits {
            let c = self.validate_limit(&l)?;
            let a = self.account_or_new(c, &l.segment.clone());
            self.accounts[a].limit.set(l.valid_from, l);
        }
        Ok((plan.report, self.releasable(run.as_of)))
    }

    fn validate_limit(&self, limit: &CreditLimit) -> Result<usize, BookError> {
        self.policy.bounds.check_id("segment", &limit.segment)?;
        if let Some(r) = &limit.reason {
            self.policy.bounds.check_text("reason", r)?;
        }
        let c = self.cust(&limit.customer)?;
        limit.validate(self.directory.customer(c).segment_currency(&limit.segment))?;
        Ok(c)
    }

    /// Sets a version of an account's credit limit, in force from its
    /// `valid_from` (absent: the base version, in force before every dated
    /// one) until the next version's; a version with a date already held
    /// replaces that version, and no other date's limit changes (see
    /// [`Dated`]). Every check, exposure and report reads the limit in
    /// force on its date. Returns the [`Recheck`] of the held orders as of
    /// `as_of`: those that now pass, and those it could not re-check (they
    /// stay on hold).
    ///
    /// # Errors
    /// [`CustomerError`] for an unknown customer or a limit in another currency.
    ///
    /// # Example
    /// ```
    /// # use credit_core::{CreditBook, CreditLimit, Customer, Policy};
    /// # use credit_core::money::{Currency, Money};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let eur = Currency::iso("EUR")?;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let policy = Policy::from_json(r#"{"schema_version": 1, "policy_id": "v1",
    ///     "steps": [{"step": "static_limit", "action": "block"}]}"#)?;
    /// let mut book = CreditBook::new(policy)?;
    /// book.upsert_customer(Customer::new("C1", "Acme", eur), d("2026-01-01"))?;
    /// book.set_limit(CreditLimit::amount("C1", Money::parse("1000.00", eur)?), d("2026-01-01"))?;
    /// let mut raised = CreditLimit::amount("C1", Money::parse("5000.00", eur)?);
    /// raised.valid_from = Some(d("2026-04-01"));
    /// book.set_limit(raised, d("2026-04-01"))?;
    /// let id = "C1".into();
    /// assert_eq!(book.exposure(&id, "default", d("2026-03-31"))?.limit, Some("1000.00".parse()?));
    /// assert_eq!(book.exposure(&id, "default", d("2026-04-01"))?.limit, Some("5000.00".parse()?));
    /// # Ok(()) }
    /// ```
    pub fn set_limit(
        &mut self,
        limit: CreditLimit,
        as_of: NaiveDate,
    ) -> Result<Recheck, BookError> {
        let c = self.validate_limit(&limit)?;
        let a = self.account_or_new(c, &limit.segment.clone());
        self.accounts[a].limit.set(limit.valid_from, limit);
        Ok(self.releasable(as_of))
    }

    /// The versions of an account's limit, base first, then by
    /// valid-from date (empty for an unknown customer or account).
    pub fn limit_history(&self, customer: &CustomerId, segment: &str) -> Vec<&CreditLimit> {
        self.directory
            .find(customer)
            .and_then(|c| self.account_idx(c, segment))
            .map(|a| self.accounts[a].limit.iter().map(|(_, l)| l).collect())
            .unwrap_or_default()
    }

    /// Sets a version of a group limit on a group head (dated as
    /// [`CreditBook::set_limit`]): shared by it and every customer below it
    /// on the date, in the limit's segment. Returns the
    /// [`Recheck`] of the held orders: those that now pass, and
    /// those it could not re-check (they stay on hold).
    ///
    /// # Errors
    /// As [`CreditBook::set_limit`].
    pub fn set_group_limit(
        &mut self,
        limit: CreditLimit,
        as_of: NaiveDate,
    ) -> Result<Recheck, BookError> {
        let c = self.validate_limit(&limit)?;
        let a = self.account_or_new(c, &limit.segment.clone());
        self.accounts[a].group_limit.set(limit.valid_from, limit);
        Ok(self.releasable(as_of))
    }

    /// Sets the base FX rate of a pair, `amount_in_to = amount_in_from ×
    /// rate`: in force on every date before the pair's first dated rate
    /// ([`CreditBook::set_fx_rate_from`]).
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

    /// Sets an FX rate in force from `valid_from` until the pair's next
    /// dated rate (a rate with a date already held replaces it): every
    /// as-of view and check converts at the rate in force on its date, so
    /// last quarter's figures keep last quarter's rates.
    ///
    /// # Errors
    /// As [`CreditBook::set_fx_rate`].
    pub fn set_fx_rate_from(
        &mut self,
        from: Currency,
        to: Currency,
        rate: Decimal,
        valid_from: NaiveDate,
    ) -> Result<(), BookError> {
        Ok(self.fx.set_from(from, to, rate, Some(valid_from))?)
    }

    /// Replaces the policy. Returns the
    /// [`Recheck`] of the held orders: those that now pass, and
    /// those it could not re-check (they stay on hold).
    ///
    /// # Errors
    /// [`BookError::Policy`] if it does not validate, or if it changes the
    /// ledger's settlement conventions (`ledger`) of a book that holds
    /// events (they decide how those events settled; history is never
    /// rewritten).
    pub fn set_policy(&mut self, policy: Policy, as_of: NaiveDate) -> Result<Recheck, BookError> {
        policy.validate()?;
        let before = self.policy.ledger;
        if !self.ledger.set_conventions(policy.ledger) {
            let new = policy.ledger;
            let (field, value) = if new.partial_payment_discount != before.partial_payment_discount
            {
                (
                    "ledger.partial_payment_discount",
                    serde_json::to_string(&new.partial_payment_discount),
                )
            } else if new.auto_clearing != before.auto_clearing {
                (
                    "ledger.auto_clearing",
                    serde_json::to_string(&new.auto_clearing),
                )
            } else {
                (
                    "ledger.residue_tolerance",
                    serde_json::to_string(&new.residue_tolerance),
                )
            };
            return Err(crate::policy::PolicyError::InvalidField {
                field: field.into(),
                value: value.unwrap_or_default(),
                reason: "the ledger conventions cannot change once the book holds events",
            }
            .into());
        }
        self.policy = policy;
        Ok(self.releasable(as_of))
    }

    /// Applies an event. A repeated id with the same content is reported as
    /// [`Applied::Duplicate`]; with other content it is an error. Any error
    /// leaves the book unchanged.
    ///
    /// # Errors
    /// [`CustomerError::UnknownCustomer`], [`LedgerError`] from the ledger
    /// rules (a conflicting id, a refused reversal included).
    pub fn apply(&mut self, event: Event) -> Result<Applied, BookError> {
        event.check_bounds(&self.policy.bounds)?;
        if let Some(seen) = self.ledger.seen(&event)? {
            return Ok(seen);
        }
        let c = self.cust(&event.customer)?;
        let order = match &event.kind {
            EventKind::OrderPlaced { order_id, .. } => Some((order_id.clone(), false)),
            EventKind::OrderCancelled { order_id } => Some((order_id.clone(), true)),
            _ => None,
        };
        let a = match (self.account_idx(c, &event.segment), &event.kind) {
            (None, EventKind::Reversal { event_id }) => {
                return Err(LedgerError::ReversalRefused {
                    target: event_id.clone(),
                    reason: "the account has no events".into(),
                }
                .into())
            }
            (Some(a), EventKind::Reversal { .. }) => {
                self.ledger.reverse(a, event)?;
                a
            }
            (Some(a), _) => {
                self.ledger.apply(a, event)?;
                a
            }
            (None, _) => {
                // A rejected event must not leave an empty account behind.
                let currency = self.directory.customer(c).segment_currency(&event.segment);
                let st = self.ledger.first_state(currency, &event)?;
                let segment = event.segment.clone();
                let a = self.ledger.open_with(st, event);
                self.push_account(c, &segment, a);
                a
            }
        };
        self.accounts[a].columns = Default::default();
        if let Some((order_id, cancelled)) = order {
            self.desk.order_event(&order_id, cancelled);
        }
        Ok(Applied::Applied)
    }

    /// Applies events all or nothing (e.g. an opening-balance import): on
    /// the first error the book is left as it was and the error says which
    /// event (0-based position in `events`) failed. The outcomes are in the
    /// order given.
    ///
    /// The batch applies in date order (ties in the order given; a
    /// [`EventKind::Reversal`] where it stands, between the events given
    /// before and after it), so an export need not be sorted: each event
    /// appends to its account instead of replaying it, and the book is the
    /// one the events give in any order (each account folds its events in
    /// date order). A batch is therefore refused only if its events cannot
    /// stand in date order, and the error reported is the first in that
    /// order.
    ///
    /// # Errors
    /// `(position, error)` of the first event that fails.
    pub fn apply_all(&mut self, events: Vec<Event>) -> Result<Vec<Applied>, (usize, BookError)> {
        let order = crate::ledger::batch_order(&events);
        let mut slots: Vec<Option<Event>> = events.into_iter().map(Some).collect();
        self.ledger.begin_batch();
        self.desk.begin_batch();
        let mut out = vec![Applied::Duplicate; slots.len()];
        for i in order {
            let Some(e) = slots[i].take() else { continue };
            match self.apply(e) {
                Ok(r) => out[i] = r,
                Err(err) => {
                    self.roll_back();
                    return Err((i, err));
                }
            }
        }
        self.ledger.end_batch();
        self.desk.end_batch();
        Ok(out)
    }

    /// Restores the book as it was before a batch.
    fn roll_back(&mut self) {
        self.desk.roll_back();
        let (accounts, restored) = self.ledger.roll_back();
        while self.accounts.len() > accounts {
            if let Some(acc) = self.accounts.pop() {
                self.directory
                    .remove_account(acc.customer, self.accounts.len());
            }
        }
        self.desk.forget_accounts_from(accounts);
        for a in restored {
            self.accounts[a].columns = Default::default();
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

    fn horizon_end(&self, as_of: NaiveDate) -> NaiveDate {
        desk::horizon_end(as_of, self.policy.horizon_days)
    }

    /// An account's current state (all events applied), if it exists.
    pub fn account_state(&self, customer: &CustomerId, segment: &str) -> Option<&AccountState> {
        let c = self.directory.find(customer)?;
        self.account_idx(c, segment)
            .map(|a| self.ledger.journal(a).state())
    }

    /// Number of events applied.
    pub fn event_count(&self) -> usize {
        self.ledger.store().len()
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
            BookError::Desk(e) => e.kind(),
            BookError::Snapshot(_) => K::InvalidSnapshot,
            BookError::InvalidArgument { .. } => K::InvalidArgument,
            BookError::Overflow(_) => K::Overflow,
            BookError::Scoring(e) => e.kind(),
            BookError::Limit(e) => e.kind(),
            BookError::Plan(e) => e.kind(),
            BookError::Collections(e) => e.kind(),
            BookError::Monitor(e) => e.kind(),
            BookError::Bounds(e) => e.kind(),
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            BookError::Customer(e) => e.details(),
            BookError::Ledger(e) => e.details(),
            BookError::Policy(e) => e.details(),
            BookError::Money(e) => e.details(),
            BookError::Desk(e) => e.details(),
            BookError::Scoring(e) => e.details(),
            BookError::Limit(e) => e.details(),
            BookError::Plan(e) => e.details(),
            BookError::Collections(e) => e.details(),
            BookError::Monitor(e) => e.details(),
            BookError::Bounds(e) => e.details(),
            _ => Vec::new(),
        }
    }
}
