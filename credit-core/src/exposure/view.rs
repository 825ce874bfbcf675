//! Exposure as a report ([`Exposure`], [`GroupExposure`]) and the read-only
//! view of a book ([`BookView`]) that the reports above the exposure —
//! features, reviews, collections, monitoring — compute over, so each lives
//! in its own module and the book only wires them.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Figures, Fx};
use crate::customer::{CreditLimit, Customer, CustomerId};
use crate::ledger::{AccountState, ApplyRules, Event, LedgerError};
use crate::money::{Currency, MoneyError};

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
    #[serde(with = "crate::serde_date")]
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
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Each member's weighted exposure in the group currency.
    pub members: Vec<GroupMember>,
    /// The sum over members.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// The group limit in force, if any.
    #[serde(with = "crate::serde_decimal::option")]
    pub limit: Option<Decimal>,
}

/// One member of a group and its weighted exposure in the group currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    /// The member.
    pub customer: CustomerId,
    /// Its weighted exposure, in the group's currency.
    #[serde(with = "crate::serde_decimal")]
    pub exposure: Decimal,
}

/// What the reports read of a book: its customers and their accounts (by
/// position), each account's state now and as of a date, its events, its
/// limit and exposure, and the book's FX rates. The book implements it;
/// the reports are functions over it.
pub(crate) trait BookView {
    /// The book's error, which every report's errors convert into.
    type Error: From<LedgerError> + From<MoneyError>;
    /// The book's FX rates in force on `on`.
    fn fx(&self, on: NaiveDate) -> Fx<'_>;
    /// Parsed payment terms, shared by every replay.
    fn rules(&self) -> &ApplyRules;
    /// Whether open credits cover the oldest overdue items (the policy's
    /// `credits`): the check's reading also governs the credit-assessment
    /// views (features, overdue alerts), dunning's governs collections.
    fn credit_cover(&self) -> super::CreditCover;
    /// Customers held (positions `0..customer_count()`).
    fn customer_count(&self) -> usize;
    /// The customer at position `c` as its master data stood on `on` (its
    /// id and credit currencies are the same on every date).
    fn customer(&self, c: usize, on: NaiveDate) -> &Customer;
    /// The position of a customer.
    ///
    /// # Errors
    /// An unknown customer.
    fn customer_index(&self, id: &CustomerId) -> Result<usize, Self::Error>;
    /// Customer `c`'s accounts (positions), in segment order.
    fn accounts_of(&self, c: usize) -> &[usize];
    /// Customer `c`'s account in `segment`, if it has one.
    fn account_in(&self, c: usize, segment: &str) -> Option<usize> {
        self.accounts_of(c)
            .iter()
            .copied()
            .find(|&a| self.segment(a) == segment)
    }
    /// Account `a`'s segment.
    fn segment(&self, a: usize) -> &str;
    /// Account `a`'s state now (every event applied).
    fn state(&self, a: usize) -> &AccountState;
    /// Account `a`'s state as it stood on `as_of`.
    ///
    /// # Errors
    /// As the ledger's replay (none for applied events in practice).
    fn state_at(&self, a: usize, as_of: NaiveDate) -> Result<Cow<'_, AccountState>, Self::Error>;
    /// Account `a`'s events in date order, each with whether it was
    /// reversed (reversal markers included).
    fn events(&self, a: usize) -> impl Iterator<Item = (&Event, bool)>;
    /// Account `a`'s events that make its state, in date order.
    fn effective_events(&self, a: usize) -> impl Iterator<Item = &Event>;
    /// Account `a`'s limit in force on `on`, if any.
    fn limit(&self, a: usize, on: NaiveDate) -> Option<&CreditLimit>;
    /// Account `a`'s exposure as it stood on `as_of`.
    ///
    /// # Errors
    /// Missing FX rates, overflow.
    fn exposure(&self, a: usize, as_of: NaiveDate) -> Result<Exposure, Self::Error>;
}
