//! One classification of every error of the crate.
//!
//! Each error type of each module says which [`ErrorKind`] it is and which
//! figures a host may want to read from it ([`Classify`]). The bindings map
//! kinds with one table each (C: a status code per kind; Python: an
//! exception class per kind), so a host can branch on every failure it has
//! to tell apart, and a new error variant cannot be forgotten by a binding
//! (a test walks [`ErrorKind::ALL`] through both tables).
//!
//! ```
//! use credit_core::error::{Classify, ErrorKind};
//! use credit_core::money::Currency;
//! let e = Currency::iso("XYZ").unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::UnknownCurrency);
//! assert_eq!(e.kind().name(), "unknown_currency");
//! ```

use std::fmt;

/// What kind of failure an error is. Stable: a kind is never renamed or
/// removed; new kinds may be added (hence `non_exhaustive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A malformed value: not a decimal, not a date, an unknown name, an
    /// id with characters it may not hold.
    InvalidArgument,
    /// Text that cannot be read: payment-terms notation, a JSON document.
    Parse,
    /// A well-formed value that breaks a rule (out of range, inconsistent).
    Validation,
    /// A currency code that is not known.
    UnknownCurrency,
    /// Amounts in different currencies were combined.
    CurrencyMismatch,
    /// Arithmetic beyond the decimal range.
    Overflow,
    /// An amount with more decimals than its currency allows.
    Precision,
    /// A date computation left the supported range.
    DateOutOfRange,
    /// A customer id the book does not know.
    UnknownCustomer,
    /// No FX rate for a currency pair that had to be converted.
    MissingRate,
    /// A value fits no bin of a scorecard characteristic that rejects.
    ScoringRejected,
    /// A size the caller controls is beyond its bound.
    TooLarge,
    /// An event id already applied with different content.
    ConflictingEvent,
    /// An order id the account does not know.
    UnknownOrder,
    /// An invoice id the account does not know.
    UnknownInvoice,
    /// An order or invoice id that already exists.
    DuplicateId,
    /// An event the account's state does not allow (e.g. a delivery beyond
    /// the ordered quantity, a payment allocated beyond the open amount).
    EventNotAllowed,
    /// A reversal the book refuses (unknown target, already reversed, an
    /// event that cannot be undone).
    ReversalRefused,
    /// A release of an order that is not on hold.
    NotOnHold,
    /// A release without a required field (who, why).
    ReleaseIncomplete,
    /// A snapshot that cannot be restored.
    InvalidSnapshot,
    /// A parent that would make the customer hierarchy loop.
    HierarchyCycle,
    /// A payment a payment plan cannot take.
    InvalidPayment,
    /// An operation on a payment plan that is closed.
    PlanClosed,
    /// No late-interest reference rate in force on a date.
    NoReferenceRate,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 25] = [
        ErrorKind::InvalidArgument,
        ErrorKind::Parse,
        ErrorKind::Validation,
        ErrorKind::UnknownCurrency,
        ErrorKind::CurrencyMismatch,
        ErrorKind::Overflow,
        ErrorKind::Precision,
        ErrorKind::DateOutOfRange,
        ErrorKind::UnknownCustomer,
        ErrorKind::MissingRate,
        ErrorKind::ScoringRejected,
        ErrorKind::TooLarge,
        ErrorKind::ConflictingEvent,
        ErrorKind::UnknownOrder,
        ErrorKind::UnknownInvoice,
        ErrorKind::DuplicateId,
        ErrorKind::EventNotAllowed,
        ErrorKind::ReversalRefused,
        ErrorKind::NotOnHold,
        ErrorKind::ReleaseIncomplete,
        ErrorKind::InvalidSnapshot,
        ErrorKind::HierarchyCycle,
        ErrorKind::InvalidPayment,
        ErrorKind::PlanClosed,
        ErrorKind::NoReferenceRate,
    ];

    /// The stable snake_case name (`"not_on_hold"`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Parse => "parse",
            ErrorKind::Validation => "validation",
            ErrorKind::UnknownCurrency => "unknown_currency",
            ErrorKind::CurrencyMismatch => "currency_mismatch",
            ErrorKind::Overflow => "overflow",
            ErrorKind::Precision => "precision",
            ErrorKind::DateOutOfRange => "date_out_of_range",
            ErrorKind::UnknownCustomer => "unknown_customer",
            ErrorKind::MissingRate => "missing_rate",
            ErrorKind::ScoringRejected => "scoring_rejected",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::ConflictingEvent => "conflicting_event",
            ErrorKind::UnknownOrder => "unknown_order",
            ErrorKind::UnknownInvoice => "unknown_invoice",
            ErrorKind::DuplicateId => "duplicate_id",
            ErrorKind::EventNotAllowed => "event_not_allowed",
            ErrorKind::ReversalRefused => "reversal_refused",
            ErrorKind::NotOnHold => "not_on_hold",
            ErrorKind::ReleaseIncomplete => "release_incomplete",
            ErrorKind::InvalidSnapshot => "invalid_snapshot",
            ErrorKind::HierarchyCycle => "hierarchy_cycle",
            ErrorKind::InvalidPayment => "invalid_payment",
            ErrorKind::PlanClosed => "plan_closed",
            ErrorKind::NoReferenceRate => "no_reference_rate",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A figure an error carries for the host (the ids, codes and sizes its
/// message names), so a binding can expose it without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// Text: an id, a code, a field name.
    Text(String),
    /// A count, a size, a position.
    Int(i64),
    /// A currency: its code and minor units.
    Currency {
        /// ISO 4217 (or registered) code.
        code: String,
        /// Decimals of its minor unit.
        minor_units: u32,
    },
}

/// Named figures of an error (see [`Detail`]).
pub type Details = Vec<(&'static str, Detail)>;

/// An error that says what kind it is.
pub trait Classify: std::error::Error {
    /// The kind of failure.
    fn kind(&self) -> ErrorKind;

    /// The figures the host may read (empty by default).
    fn details(&self) -> Details {
        Vec::new()
    }
}

/// A name that is not one of the accepted ones (a checkpoint, a grouping,
/// a rounding mode…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?}; expected one of {}", expected.join(", "))]
pub struct UnknownName {
    /// What was named (`checkpoint`, `group_by`, …).
    pub what: &'static str,
    /// The name given.
    pub name: String,
    /// The names accepted.
    pub expected: Vec<&'static str>,
}

impl UnknownName {
    /// The item of `all` whose `name` is `given`, or the error listing them.
    ///
    /// # Errors
    /// [`UnknownName`] when none is.
    pub fn find<T: Copy>(
        what: &'static str,
        given: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Result<T, UnknownName> {
        all.iter()
            .copied()
            .find(|t| name(*t) == given)
            .ok_or_else(|| UnknownName {
                what,
                name: given.to_string(),
                expected: all.iter().map(|t| name(*t)).collect(),
            })
    }
}

impl Classify for UnknownName {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Validation
    }
}

/// A [`Detail::Text`] from anything printable.
pub(crate) fn text(v: impl fmt::Display) -> Detail {
    Detail::Text(v.to_string())
}

/// A [`Detail::Int`] from a size (saturating).
pub(crate) fn int(v: usize) -> Detail {
    Detail::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_snake_case() {
        let mut names: Vec<_> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert_eq!(ErrorKind::NotOnHold.to_string(), "not_on_hold");
    }
}
