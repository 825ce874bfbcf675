//! # credit-core
//!
//! The domain library of **credit**, an embeddable engine for customer
//! credit management in the order-to-cash cycle. This release holds the
//! foundation every credit decision rests on:
//!
//! * [`money`] — ISO 4217 currencies, exact [`money::Money`], explicit
//!   rounding, allocation that sums to the whole;
//! * [`calendar`] — business-day calendars, adjustment conventions, day
//!   counts;
//! * [`terms`] — payment terms (discount tiers, installments, EOM, proximo,
//!   day limits), their trade notation, and invoice schedules.
//!
//! Money is never a float; dates are parameters (nothing here reads the
//! clock); every bad input is a typed [`Error`], never a panic.
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

pub mod bounds;
pub mod calendar;
pub mod check;
pub mod collections;
pub mod customer;
pub mod engine;
pub mod features;
mod fnv;
pub mod json;
pub mod ledger;
pub mod money;
pub mod monitor;
pub mod plans;
pub mod policy;
pub mod risk;
pub mod scoring;
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
