//! # credit-core
//!
//! The domain library of **credit**, an embeddable engine for customer
//! credit management in the order-to-cash cycle: risk analysis, the credit
//! check with holds and releases, payment terms and plans, dunning, and
//! performance monitoring, all as views of one receivables ledger.
//!
//! ## Module map
//!
//! The modules in rank order: a module may use the ones of a lower rank and
//! those of its own rank (without a cycle), never one of a higher rank. The
//! test `tests/layering.rs` reads this table and the sources and fails on
//! an upward import, so the table is the rule.
//!
//! | rank | module | holds |
//! | --- | --- | --- |
//! | 0 | [`error`], [`bounds`], `fnv`, `hindex`, `chunks`, `tagged`, [`serde_decimal`], [`serde_date`], [`json`], [`rows`] | one error classification, size bounds, hashing and a hash-keyed position index, shared append-only logs, flat tagged serde, decimal and date text marked by type, the bounded JSON reader, flat report records |
//! | 1 | [`money`], [`calendar`] | currencies, exact money, rounding, allocation; business days, day counts |
//! | 2 | [`terms`] | payment terms, their notation, schedules and settlements |
//! | 3 | [`ids`], [`customer`], [`plans`] | the host's ids; customers, segments, hierarchy, limits, effective-dated master data; a book's directory (hierarchy walks on a date, each customer's accounts); payment plans (schedules, waterfalls, status), which the ledger records |
//! | 4 | [`ledger`] | events; the per-account state they fold into, one rule per event family; the ledger of record (event store, id index, account journals, as-of replay, reversals, batch undo) |
//! | 5 | [`exposure`] | exposure figures by category, weights, FX rates, the overdue scan; exposure and group-exposure reports; the read-only book view the reports compute over |
//! | 6 | [`check`] | check steps and their configuration, the check as a pure function, decisions; the order desk (reservations, holds, releases, decision log, back-testing) |
//! | 7 | [`scoring`], [`features`], [`risk`] | scorecards and batch scoring; behavioural features; limit rules, customer scores and review runs over a book |
//! | 8 | [`collections`] | late interest, dunning runs, worklists and promises over a book |
//! | 9 | [`monitor`] | aging, KPIs, partials, goals, KPI series and alerts over a book |
//! | 10 | [`policy`] | the policy document composed of each module's configuration |
//! | 11 | [`engine`] | `CreditBook`, the facade hosts use: wires the components and delegates |
//!
//! Money is never a float; dates are parameters (nothing here reads the
//! clock); every bad input is a typed [`Error`], never a panic. Payment
//! terms in a few lines:
//!
//! ```
//! use credit_core::{money::{Currency, Money}, terms::{PaymentTerms, ScheduleOptions}};
//! use chrono::NaiveDate;
//! let terms: PaymentTerms = "2/10, 1/20, Net 45".parse()?;
//! let eur = Currency::iso("EUR")?;
//! let invoice = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
//! let s = terms.schedule(invoice, Money::parse("1500.00", eur)?, &ScheduleOptions::default())?;
//! assert_eq!(s.net_due_date(), NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
//! assert_eq!(s.discounts[1].amount.to_string(), "15.00 EUR");
//! # Ok::<(), credit_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// No Decimal operator on caller data can panic (issue 14): `+ - * /` on a
// `Decimal` is refused outside tests; sums go through the checked helpers
// (`money::add_exact`, each module's `add`), differences of non-negative
// amounts through `money::sub_nonneg`. The rare operator on values bounded
// by construction (day counts, constants) carries an `expect` with its
// reason. Integer and date arithmetic is allowed (clippy.toml): integers are
// bounded by the sizes in `bounds`, and a date minus a date cannot overflow.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]
#![deny(clippy::allow_attributes_without_reason)]

pub mod bounds;
pub mod calendar;
pub mod check;
mod chunks;
pub mod collections;
pub mod customer;
pub mod engine;
pub mod error;
pub mod exposure;
pub mod features;
mod fnv;
mod hindex;
pub mod ids;
pub mod json;
pub mod ledger;
pub mod money;
pub mod monitor;
pub mod plans;
pub mod policy;
pub mod risk;
pub mod rows;
pub mod scoring;
pub mod serde_date;
pub mod serde_decimal;
mod tagged;
pub mod terms;

pub use calendar::{BusinessCalendar, BusinessDayConvention, CalendarError, DayCount, Weekend};
pub use check::{Decision, Outcome, Reason};
pub use customer::{
    CreditLimit, Customer, CustomerError, CustomerId, EventId, InvoiceId, LimitAmount, OrderId,
};
pub use engine::{Applied, BookError, CreditBook, OrderRequest};
pub use ledger::{Event, EventKind, LedgerError};
pub use money::{Currency, CurrencyRegistry, Money, MoneyError, RoundingMode};
pub use policy::{Checkpoint, Policy, PolicyError};
pub use terms::{ParseError, PaymentTerms, Schedule, ScheduleOptions, Settlement, TermsError};

/// Every error of the crate, by family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money: currencies, precision, overflow, allocation.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendars and dates.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Payment terms: notation, validation, schedules.
    #[error(transparent)]
    Terms(#[from] TermsError),
    /// The credit book: customers, ledger, policy, checks.
    #[error(transparent)]
    Book(#[from] BookError),
    /// Scorecards: definitions, values, batches.
    #[error(transparent)]
    Scoring(#[from] scoring::ScoringError),
    /// Payment plans.
    #[error(transparent)]
    Plan(#[from] plans::PlanError),
    /// Late interest and dunning.
    #[error(transparent)]
    Collections(#[from] collections::CollectionsError),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README's Rust example, compiled and run as a doc test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

impl error::Classify for Error {
    fn kind(&self) -> error::ErrorKind {
        match self {
            Error::Money(e) => e.kind(),
            Error::Calendar(e) => e.kind(),
            Error::Terms(e) => e.kind(),
            Error::Book(e) => e.kind(),
            Error::Scoring(e) => e.kind(),
            Error::Plan(e) => e.kind(),
            Error::Collections(e) => e.kind(),
        }
    }

    fn details(&self) -> error::Details {
        match self {
            Error::Money(e) => e.details(),
            Error::Calendar(e) => e.details(),
            Error::Terms(e) => e.details(),
            Error::Book(e) => e.details(),
            Error::Scoring(e) => e.details(),
            Error::Plan(e) => e.details(),
            Error::Collections(e) => e.details(),
        }
    }
}
