//! Snapshots: the book as one schema-versioned JSON document, and its
//! restore.
//!
//! * **Cheap to take.** [`CreditBook::snapshot_view`] copies what a snapshot
//!   writes in O(customers + accounts + open reservations and holds + log
//!   chunks): the event log and the decision log are shared, not copied. A
//!   host that keeps the book behind a lock takes the view under the lock
//!   and serializes it ([`SnapshotView::to_json`]) after releasing it, so a
//!   snapshot never stops the order desk for the length of a serialization.
//! * **Canonical.** Customers (parents first, then by id), accounts, limits
//!   and reservations are written in key order, never in the order they were
//!   created, so snapshot → restore → snapshot is byte-identical and two
//!   books with the same contents write the same document.
//! * **Exact.** Every amount is written with its own currency (a
//!   reservation in the account's credit currency), so a restore equals the
//!   live book to the minor unit.
//! * **Checked on restore.** Everything is replayed through the same
//!   validating calls as live input, and cross-references (a hold's decision,
//!   a release's decision, a reservation's account and currency) are checked:
//!   a malformed or inconsistent document is a [`BookError::Snapshot`] naming
//!   what is wrong, never a panic later.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BookError, CreditBook};
use crate::check::desk::{Hold, LogEntry, OrderDesk, Release, Reservation};
use crate::chunks::Chunked;
use crate::customer::{CreditLimit, Customer, CustomerId, Dated, OrderId};
use crate::exposure::FxRates;
use crate::ledger::Event;
use crate::policy::Policy;

/// Schema version of book snapshots.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// A consistent copy of a book's contents, ready to be written as a
/// snapshot. Taken by [`CreditBook::snapshot_view`] without copying the
/// event log or the decision log; independent of the book afterwards.
#[derive(Debug, Clone)]
pub struct SnapshotView {
    policy: Policy,
    customers: Vec<Arc<Customer>>,
    accounts: Vec<(CustomerId, String)>,
    limits: Vec<CreditLimit>,
    group_limits: Vec<CreditLimit>,
    fx: FxRates,
    events: Chunked<Event>,
    reservations: Vec<(OrderId, Reservation)>,
    holds: Vec<Hold>,
    releases: Vec<Release>,
    release_log: Chunked<Release>,
    log: Chunked<LogEntry>,
}

/// A sequence written from a shared log.
struct Seq<'a, T>(&'a Chunked<T>);

impl<T: Clone + Serialize> Serialize for Seq<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    schema_version: u32,
    policy: &'a Policy,
    customers: Vec<&'a Customer>,
    accounts: &'a [(CustomerId, String)],
    limits: &'a [CreditLimit],
    group_limits: &'a [CreditLimit],
    fx: &'a FxRates,
    events: Seq<'a, Event>,
    reservations: &'a [(OrderId, Reservation)],
    holds: &'a [Hold],
    releases: &'a [Release],
    release_log: Seq<'a, Release>,
    log: Seq<'a, LogEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotIn {
    schema_version: u32,
    policy: Policy,
    customers: Vec<Customer>,
    /// Absent in snapshots written before accounts were listed.
    #[serde(default)]
    accounts: Vec<(CustomerId, String)>,
    limits: Vec<CreditLimit>,
    group_limits: Vec<CreditLimit>,
    fx: FxRates,
    events: Vec<Event>,
    reservations: Vec<(OrderId, Reservation)>,
    holds: Vec<Hold>,
    releases: Vec<Release>,
    release_log: Vec<Release>,
    log: Vec<LogEntry>,
}

impl SnapshotView {
    /// The snapshot document (JSON). Restoring it with
    /// [`CreditBook::restore`] gives a book equal to the one the view was
    /// taken from.
    ///
    /// # Errors
    /// [`BookError::Snapshot`] if serialization fails (it does not for the
    /// book's own types; reported rather than written as an empty text).
    pub fn to_json(&self) -> Result<String, BookError> {
        let out = SnapshotOut {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            policy: &self.policy,
            customers: self.customers.iter().map(|c| &**c).collect(),
            accounts: &self.accounts,
            limits: &self.limits,
            group_limits: &self.group_limits,
            fx: &self.fx,
            events: Seq(&self.events),
            reservations: &self.reservations,
            holds: &self.holds,
            releases: &self.releases,
            release_log: Seq(&self.release_log),
            log: Seq(&self.log),
        };
        serde_json::to_string(&out).map_err(|e| BookError::Snapshot(e.to_string()))
    }
}

fn bad(what: String) -> BookError {
    BookError::Snapshot(what)
}

impl CreditBook {
    /// The book as a schema-versioned JSON document (see [`SnapshotView`]);
    /// [`CreditBook::restore`] reads it back.
    ///
    /// # Errors
    /// As [`SnapshotView::to_json`].
    pub fn snapshot(&self) -> Result<String, BookError> {
        self.snapshot_view().to_json()
    }

    /// A copy of what a snapshot writes, taken without copying the event
    /// or decision logs (see the module docs). Write it with
    /// [`SnapshotView::to_json`].
    pub fn snapshot_view(&self) -> SnapshotView {
        let dir = &self.directory;
        let mut customers: Vec<usize> = (0..dir.len()).collect();
        let depths = dir.depths();
        customers.sort_by_cached_key(|&c| (depths[c], &dir.customer(c).id));
        let key = |a: usize| -> (CustomerId, String) {
            let acc = &self.accounts[a];
            (dir.customer(acc.customer).id.clone(), acc.segment.clone())
        };
        let mut accounts: Vec<usize> = (0..self.accounts.len()).collect();
        accounts.sort_by_cached_key(|&a| key(a));
        let mut reservations: Vec<(OrderId, Reservation)> = self
            .desk
            .reservations()
            .map(|(a, r)| {
                let (customer, segment) = key(a);
                let res = Reservation {
                    customer,
                    segment,
                    amount: r.amount,
                    requested_delivery: r.requested_delivery,
                    date: r.date,
                };
                (r.order_id.clone(), res)
            })
            .collect();
        reservations.sort_by(|a, b| a.0.cmp(&b.0));
        let mut releases: Vec<Release> = self.desk.latest_releases().cloned().collect();
        releases.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        let (release_log, log) = self.desk.share_logs();
        // Every version of every limit: account order, then valid-from.
        let limits = |f: fn(&super::Account) -> &Dated<CreditLimit>| -> Vec<CreditLimit> {
            accounts
                .iter()
                .flat_map(|&a| f(&self.accounts[a]).iter().map(|(_, l)| l.clone()))
                .collect()
        };
        SnapshotView {
            policy: self.policy.clone(),
            // Every version of every customer: parents first, then by id,
            // each customer's versions base first, then by valid-from.
            customers: customers
                .iter()
                .flat_map(|&c| dir.versions(c).map(Arc::clone))
                .collect(),
            accounts: accounts.iter().map(|&a| key(a)).collect(),
            limits: limits(|a| &a.limit),
            group_limits: limits(|a| &a.group_limit),
            fx: self.fx.clone(),
            events: self.ledger.store().log().share(),
            reservations,
            holds: self.desk.holds().cloned().collect(),
            releases,
            release_log,
            log,
        }
    }

    /// Restores a book from [`CreditBook::snapshot`]: every part goes
    /// through the same validation as live input.
    ///
    /// # Errors
    /// [`BookError::Snapshot`] for a malformed document, another schema
    /// version or inconsistent cross-references; any error of replaying its
    /// contents.
    pub fn restore(text: &str) -> Result<Self, BookError> {
        let snap: SnapshotIn = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if snap.schema_version != SNAPSHOT_SCHEMA_VERSION {
            return Err(bad(format!(
                "schema_version {} (this build reads {SNAPSHOT_SCHEMA_VERSION})",
                snap.schema_version
            )));
        }
        // Contents were checked against the bounds in force when they
        // came in; a policy that lowered them since must not make its own
        // book unreadable. Replay under the ceiling, then install it.
        snap.policy.validate()?;
        let policy = snap.policy;
        let mut book = CreditBook::new(Policy {
            bounds: crate::bounds::CEILING,
            ..policy.clone()
        })?;
        let day = NaiveDate::MIN;
        for c in snap.customers {
            let listed = book.directory.find(&c.id).is_some_and(|k| {
                book.directory
                    .versions(k)
                    .any(|v| v.valid_from == c.valid_from)
            });
            if listed {
                return Err(bad(format!(
                    "customer {} from {:?} is listed twice",
                    c.id, c.valid_from
                )));
            }
            book.upsert_customer(c, day)?;
        }
        for (customer, segment) in snap.accounts {
            let c = book.cust(&customer)?;
            if segment.is_empty() || book.account_idx(c, &segment).is_some() {
                return Err(bad(format!(
                    "account {customer}/{segment:?} is empty or listed twice"
                )));
            }
            book.account_or_new(c, &segment);
        }
        for (group, list) in [(false, snap.limits), (true, snap.group_limits)] {
            for l in list {
                let held = book
                    .directory
                    .find(&l.customer)
                    .and_then(|c| book.account_idx(c, &l.segment))
                    .is_some_and(|a| {
                        let acc = &book.accounts[a];
                        let v = if group { &acc.group_limit } else { &acc.limit };
                        v.exactly(l.valid_from).is_some()
                    });
                if held {
                    return Err(bad(format!(
                        "limit of {}/{:?} from {:?} is listed twice",
                        l.customer, l.segment, l.valid_from
                    )));
                }
                if group {
                    book.set_group_limit(l, day)?;
                } else {
                    book.set_limit(l, day)?;
                }
            }
        }
        // Each rate was validated, and a pair's date listed twice refused,
        // as the document was read.
        book.fx = snap.fx;
        for e in snap.events {
            book.apply(e)?;
        }
        let mut reservations = Vec::with_capacity(snap.reservations.len());
        for (oid, r) in snap.reservations {
            let c = book.cust(&r.customer)?;
            let a = book.account_or_new(c, &r.segment);
            let st = book.ledger.journal(a).state();
            let (currency, placed) = (st.currency, st.order(&oid).is_some());
            reservations.push((oid, r, a, currency, placed));
        }
        for h in &snap.holds {
            book.cust(&h.request.customer)?;
        }
        book.desk = OrderDesk::restore(
            snap.log,
            reservations,
            snap.holds,
            snap.releases,
            snap.release_log,
        )
        .map_err(bad)?;
        book.policy = policy;
        Ok(book)
    }
}
