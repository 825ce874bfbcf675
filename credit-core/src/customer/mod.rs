//! Customers, credit segments, credit limits and group limits.
//!
//! A *credit account* is a customer in a credit segment (a company may run
//! several segments, each with its own limit). Exposure, limits and checks
//! are per account; a group limit is shared by a parent customer and every
//! customer below it in the hierarchy, in the same segment.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bounds::{Bounds, BoundsError};
use crate::money::{Currency, Money};

mod dated;
pub(crate) mod directory;

pub use dated::Dated;

pub use crate::ids::{CustomerId, EventId, InvoiceId, OrderId, DEFAULT_SEGMENT};

fn default_segment() -> String {
    DEFAULT_SEGMENT.to_string()
}

/// Longest risk-class label accepted (kept inline so checks never allocate).
pub const MAX_RISK_CLASS_LEN: usize = 15;

/// A risk-class label such as `"A"` or `"BB+"`, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RiskClass {
    len: u8,
    bytes: [u8; MAX_RISK_CLASS_LEN],
}

impl RiskClass {
    /// A risk class from its label (1..=15 bytes of UTF-8).
    ///
    /// # Errors
    /// [`CustomerError::InvalidField`] for an empty or too long label.
    pub fn new(label: &str) -> Result<Self, CustomerError> {
        let b = label.as_bytes();
        if b.is_empty() || b.len() > MAX_RISK_CLASS_LEN {
            return Err(CustomerError::InvalidField {
                field: "risk_class",
                value: label.to_string(),
                reason: "1 to 15 bytes",
            });
        }
        let mut bytes = [0u8; MAX_RISK_CLASS_LEN];
        bytes[..b.len()].copy_from_slice(b);
        Ok(RiskClass {
            len: b.len() as u8,
            bytes,
        })
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        // Constructed from a &str, so the prefix is valid UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for RiskClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for RiskClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RiskClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RiskClass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RiskClass::new(&s).map_err(serde::de::Error::custom)
    }
}

/// Errors in customer and limit master data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CustomerError {
    /// A field with a value outside what is accepted.
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A customer id that the book does not know.
    #[error("unknown customer {0}")]
    UnknownCustomer(CustomerId),
    /// A parent link that would make the hierarchy a cycle.
    #[error("customer {customer} cannot have parent {parent}: the hierarchy would loop")]
    HierarchyCycle {
        /// The customer.
        customer: CustomerId,
        /// The parent asked for.
        parent: CustomerId,
    },
    /// A limit in a currency other than the customer's credit currency.
    #[error("limit for {customer} is in {given}, the customer's credit currency is {expected}")]
    LimitCurrency {
        /// The customer.
        customer: CustomerId,
        /// The limit's currency.
        given: Currency,
        /// The customer's credit currency.
        expected: Currency,
    },
}

/// A customer and its credit master data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The host's id.
    pub id: CustomerId,
    /// Display name.
    pub name: String,
    /// Credit currency: limits and exposure are in it (in every segment not
    /// listed in `segment_currencies`).
    pub currency: Currency,
    /// Credit currency of segments that use another one than `currency`.
    #[serde(default)]
    pub segment_currencies: BTreeMap<String, Currency>,
    /// Parent in the credit group hierarchy, if any.
    #[serde(default)]
    pub parent: Option<CustomerId>,
    /// Risk class (e.g. from the risk-analysis scorecard), if assigned.
    #[serde(default)]
    pub risk_class: Option<RiskClass>,
    /// Set when the customer is blocked for new business: the reason.
    #[serde(default)]
    pub blocked: Option<String>,
    /// Next credit review date.
    #[serde(with = "crate::serde_date::option", default)]
    pub next_review: Option<NaiveDate>,
    /// Assigned collector.
    #[serde(default)]
    pub collector: Option<String>,
    /// Free host attributes (region, industry code, …).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// First day this version of the master data is in force (see
    /// [`Dated`]); absent: the base version, in force before every dated
    /// one. Every as-of view and check reads the version in force on its
    /// date; the credit currencies are the same in every version.
    #[serde(
        with = "crate::serde_date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<NaiveDate>,
}

impl Customer {
    /// A customer with only id, name and credit currency set.
    pub fn new(id: &str, name: &str, currency: Currency) -> Self {
        Customer {
            id: CustomerId::from(id),
            name: name.to_string(),
            currency,
            segment_currencies: BTreeMap::new(),
            parent: None,
            risk_class: None,
            blocked: None,
            next_review: None,
            collector: None,
            attributes: BTreeMap::new(),
            valid_from: None,
        }
    }

    /// Checks every id and text against `b` (ids: id, parent, segment
    /// keys; texts: name, blocked reason, collector, attributes).
    ///
    /// # Errors
    /// [`BoundsError`] naming the field.
    pub fn check_bounds(&self, b: &Bounds) -> Result<(), BoundsError> {
        b.check_id("customer id", &self.id.0)?;
        if let Some(p) = &self.parent {
            b.check_id("parent", &p.0)?;
        }
        for k in self.segment_currencies.keys() {
            b.check_id("segment", k)?;
        }
        b.check_text("name", &self.name)?;
        for t in [&self.blocked, &self.collector].into_iter().flatten() {
            b.check_text("blocked or collector", t)?;
        }
        for (k, v) in &self.attributes {
            b.check_id("attribute name", k)?;
            b.check_text("attribute value", v)?;
        }
        Ok(())
    }

    /// The credit currency of a segment.
    pub fn segment_currency(&self, segment: &str) -> Currency {
        self.segment_currencies
            .get(segment)
            .copied()
            .unwrap_or(self.currency)
    }

    /// Checks the fields.
    ///
    /// # Errors
    /// [`CustomerError::InvalidField`] for an empty id, or a parent equal to the id.
    pub fn validate(&self) -> Result<(), CustomerError> {
        if self.id.0.is_empty() {
            return Err(CustomerError::InvalidField {
                field: "id",
                value: String::new(),
                reason: "must not be empty",
            });
        }
        if self.parent.as_ref() == Some(&self.id) {
            return Err(CustomerError::HierarchyCycle {
                customer: self.id.clone(),
                parent: self.id.clone(),
            });
        }
        Ok(())
    }
}

/// A limit amount: explicitly unlimited, or an amount (which may be zero).
/// An account with no limit record at all has *no limit defined*, which the
/// static-limit step reports as its own failure — never read as either.
///
/// JSON: `"unlimited"` or a money object `{"amount": "1000.00", "currency": "EUR"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitAmount {
    /// No ceiling: the limit steps always pass.
    Unlimited,
    /// A ceiling in the customer's credit currency (zero allowed).
    Amount(Money),
}

impl Serialize for LimitAmount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LimitAmount::Unlimited => s.serialize_str("unlimited"),
            LimitAmount::Amount(m) => m.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for LimitAmount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Word(String),
            Amount(Money),
        }
        match Repr::deserialize(d)? {
            Repr::Word(w) if w == "unlimited" => Ok(LimitAmount::Unlimited),
            Repr::Word(w) => Err(serde::de::Error::custom(format!(
                "limit must be \"unlimited\" or {{\"amount\": \"…\", \"currency\": \"…\"}}, got {w:?}"
            ))),
            Repr::Amount(m) => Ok(LimitAmount::Amount(m)),
        }
    }
}

/// A temporary limit increase, valid on `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryIncrease {
    /// The extra amount.
    pub amount: Money,
    /// First day it applies.
    #[serde(with = "crate::serde_date")]
    pub from: NaiveDate,
    /// Last day it applies.
    #[serde(with = "crate::serde_date")]
    pub to: NaiveDate,
}

/// A credit limit for one customer in one segment (or, as a group limit,
/// for a parent and everything below it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditLimit {
    /// The customer (for a group limit: the group's parent).
    pub customer: CustomerId,
    /// The credit segment.
    #[serde(default = "default_segment")]
    pub segment: String,
    /// The limit (`"limit"` in JSON).
    #[serde(rename = "limit")]
    pub amount: LimitAmount,
    /// First day this version of the limit is in force (see [`Dated`]);
    /// absent: the base version, in force before every dated one. A
    /// version replaces the previous one whole (temporary increases
    /// included) from its date on.
    #[serde(
        with = "crate::serde_date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<NaiveDate>,
    /// Why the limit was set (e.g. the review that applied it), kept with
    /// the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Last day the limit is valid; after it, the limit-expired step fails.
    #[serde(with = "crate::serde_date::option", default)]
    pub valid_to: Option<NaiveDate>,
    /// Temporary increases.
    #[serde(default)]
    pub temporary: Vec<TemporaryIncrease>,
}

impl CreditLimit {
    /// An amount limit in the default segment, with no end date.
    pub fn amount(customer: &str, amount: Money) -> Self {
        CreditLimit {
            customer: CustomerId::from(customer),
            segment: default_segment(),
            amount: LimitAmount::Amount(amount),
            valid_from: None,
            reason: None,
            valid_to: None,
            temporary: Vec::new(),
        }
    }

    /// Checks currencies and increase dates against the customer's currency.
    ///
    /// # Errors
    /// [`CustomerError::LimitCurrency`] or [`CustomerError::InvalidField`].
    pub fn validate(&self, currency: Currency) -> Result<(), CustomerError> {
        let check = |m: &Money| {
            if m.currency() != currency {
                return Err(CustomerError::LimitCurrency {
                    customer: self.customer.clone(),
                    given: m.currency(),
                    expected: currency,
                });
            }
            if m.is_negative() {
                return Err(CustomerError::InvalidField {
                    field: "limit amount",
                    value: m.to_string(),
                    reason: "must not be negative",
                });
            }
            Ok(())
        };
        if let LimitAmount::Amount(m) = &self.amount {
            check(m)?;
        }
        for t in &self.temporary {
            check(&t.amount)?;
            if t.to < t.from {
                return Err(CustomerError::InvalidField {
                    field: "temporary increase",
                    value: format!("{}..{}", t.from, t.to),
                    reason: "to must not be before from",
                });
            }
        }
        if self.segment.is_empty() {
            return Err(CustomerError::InvalidField {
                field: "segment",
                value: String::new(),
                reason: "must not be empty",
            });
        }
        Ok(())
    }

    /// The limit in force on `date` (base + active temporary increases,
    /// saturating at the largest decimal), or `None` when unlimited. Expiry is reported separately ([`CreditLimit::expired`]).
    pub fn effective(&self, date: NaiveDate) -> Option<Decimal> {
        match self.amount {
            LimitAmount::Unlimited => None,
            LimitAmount::Amount(m) => Some(
                self.temporary
                    .iter()
                    .filter(|t| t.from <= date && date <= t.to)
                    .fold(m.amount(), |acc, t| acc.saturating_add(t.amount.amount())),
            ),
        }
    }

    /// True when `date` is after `valid_to`.
    pub fn expired(&self, date: NaiveDate) -> bool {
        self.valid_to.is_some_and(|v| date > v)
    }
}

impl crate::error::Classify for CustomerError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            CustomerError::InvalidField { .. } => K::Validation,
            CustomerError::UnknownCustomer(_) => K::UnknownCustomer,
            CustomerError::HierarchyCycle { .. } => K::HierarchyCycle,
            CustomerError::LimitCurrency { .. } => K::CurrencyMismatch,
        }
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::text;
        match self {
            CustomerError::UnknownCustomer(id) => vec![("customer", text(id))],
            CustomerError::HierarchyCycle { customer, parent } => {
                vec![("customer", text(customer)), ("parent", text(parent))]
            }
            CustomerError::LimitCurrency {
                customer,
                given,
                expected,
            } => vec![
                ("customer", text(customer)),
                ("left", (*given).into()),
                ("right", (*expected).into()),
            ],
            _ => Vec::new(),
        }
    }
}
