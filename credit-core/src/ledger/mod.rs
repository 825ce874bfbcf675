//! The AR ledger: events and the per-account state they build.
//!
//! Every event has an id, a customer, a credit segment, a date and a
//! payload. Applying an event to an [`AccountState`] either succeeds fully
//! or fails with a [`LedgerError`] and changes nothing: every check runs
//! before the first write.
//!
//! Values move between stages without double counting: an order's value is
//! *open* until delivered, *delivered not invoiced* until invoiced, then an
//! *open receivable* until paid, credited or written off. Invoicing an
//! order takes the value from "delivered not invoiced" first and then from
//! the undelivered remainder (services invoiced without delivery).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bounds::{Bounds, BoundsError};
use crate::customer::{CustomerId, EventId, InvoiceId, OrderId, DEFAULT_SEGMENT};
use crate::money::{Currency, MoneyError};
use crate::plans::{PaymentPlan, PlanStatusKind};
use crate::terms::{PaymentTerms, TermsError};

mod state;
mod store;
pub(crate) use store::batch_order;
pub use store::Applied;
pub(crate) use store::Ledger;

fn default_segment() -> String {
    DEFAULT_SEGMENT.to_string()
}

/// Errors from applying events and from ledger queries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// An amount that must be positive (or not negative) is not.
    #[error("invalid {field} {value} in event {event}: {reason}")]
    InvalidAmount {
        /// The event id.
        event: EventId,
        /// The field.
        field: &'static str,
        /// The value as given.
        value: Decimal,
        /// What was expected.
        reason: &'static str,
    },
    /// An event references an order the account does not have.
    #[error("event {event}: unknown order {order}")]
    UnknownOrder {
        /// The event id.
        event: EventId,
        /// The order id.
        order: OrderId,
    },
    /// An event references an invoice the account does not have.
    #[error("event {event}: unknown invoice {invoice}")]
    UnknownInvoice {
        /// The event id.
        event: EventId,
        /// The invoice id.
        invoice: InvoiceId,
    },
    /// An order or invoice id used twice.
    #[error("event {event}: {what} {id} already exists")]
    AlreadyExists {
        /// The event id.
        event: EventId,
        /// `order` or `invoice`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An operation the item's state does not allow.
    #[error("event {event}: {reason}")]
    NotAllowed {
        /// The event id.
        event: EventId,
        /// Why.
        reason: String,
    },
    /// Amounts in different currencies.
    #[error("event {event}: currency {given} does not match {expected}")]
    CurrencyMismatch {
        /// The event id.
        event: EventId,
        /// The event's currency.
        given: Currency,
        /// The currency of the order, invoice or account.
        expected: Currency,
    },
    /// No host-supplied FX rate for a conversion.
    #[error("no FX rate from {from} to {to}")]
    MissingRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
    },
    /// Invalid payment terms or due-date fields on an invoice.
    #[error("event {event}: {source}")]
    Terms {
        /// The event id.
        event: EventId,
        /// The terms error.
        source: TermsError,
    },
    /// Money precision or overflow.
    #[error("event {event}: {source}")]
    Money {
        /// The event id (empty for queries).
        event: EventId,
        /// The money error.
        source: MoneyError,
    },
    /// Arithmetic overflow.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// The same event id with different content.
    #[error("event id {0} was already applied with different content")]
    ConflictingEvent(EventId),
    /// A reversal that cannot apply.
    #[error("cannot reverse {target}: {reason}")]
    ReversalRefused {
        /// The event to reverse.
        target: EventId,
        /// Why not.
        reason: String,
    },
    /// A payment plan's terms or a payment it refuses.
    #[error("event {event}: {source}")]
    Plan {
        /// The event id (empty for queries).
        event: EventId,
        /// The plan's error.
        source: crate::plans::PlanError,
    },
}

/// One allocation of a payment to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// The invoice paid.
    pub invoice_id: InvoiceId,
    /// Amount applied (in the payment's currency).
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
}

/// What happened. Amounts are decimal strings with a `currency` code.
///
/// In JSON the variant is the event's `type` field, beside its fields
/// (`{"type": "payment", "amount": "100.00", "currency": "EUR"}`, inside
/// the [`Event`]'s map); unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EventKind {
    /// A sales order was placed.
    OrderPlaced {
        /// Order id.
        order_id: OrderId,
        /// Order value.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// Requested delivery date (for the credit horizon).
        #[serde(with = "crate::serde_date::option", default)]
        requested_delivery: Option<NaiveDate>,
        /// Prepaid orders carry no credit risk: they count zero.
        #[serde(default)]
        prepaid: bool,
    },
    /// An order's total value (or delivery date) changed.
    OrderChanged {
        /// Order id.
        order_id: OrderId,
        /// New total order value.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency (must be the order's).
        currency: Currency,
        /// New requested delivery date, if it changed.
        #[serde(with = "crate::serde_date::option", default)]
        requested_delivery: Option<NaiveDate>,
    },
    /// The undelivered remainder of an order was cancelled.
    OrderCancelled {
        /// Order id.
        order_id: OrderId,
    },
    /// Part or all of an order was delivered.
    Delivered {
        /// Order id.
        order_id: OrderId,
        /// The delivery's id, if the host tracks deliveries (invoices may
        /// then name it).
        #[serde(default)]
        delivery_id: Option<String>,
        /// Delivered value.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency (must be the order's).
        currency: Currency,
    },
    /// An invoice: a new open item with its due date from `terms` (trade
    /// notation) or an explicit `due_date`.
    Invoiced {
        /// Invoice id.
        invoice_id: InvoiceId,
        /// Invoice amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// Payment terms in trade notation (e.g. `2/10 Net 30`).
        #[serde(default)]
        terms: Option<String>,
        /// Explicit due date (instead of terms).
        #[serde(with = "crate::serde_date::option", default)]
        due_date: Option<NaiveDate>,
        /// The order invoiced, if any.
        #[serde(default)]
        order_id: Option<OrderId>,
        /// The delivery invoiced, if any (must be a delivery of `order_id`).
        #[serde(default)]
        delivery_id: Option<String>,
        /// Discountable part of the amount (e.g. before tax).
        #[serde(default, with = "crate::serde_decimal::option")]
        discount_base: Option<Decimal>,
    },
    /// A payment, allocated explicitly or by the ledger's automatic
    /// clearing rules ([`LedgerConventions::auto_clearing`]).
    Payment {
        /// Amount received.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// Explicit allocations; empty means automatic: the clearing rules
        /// (by default oldest due first), the rest on account.
        #[serde(default)]
        allocations: Vec<Allocation>,
        /// The remittance's reference (an invoice number as the payer
        /// quoted it), read by the `by_reference` clearing rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A credit note, against an invoice or on account.
    CreditNote {
        /// The invoice credited, or none (credit on account).
        #[serde(default)]
        invoice_id: Option<InvoiceId>,
        /// Amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
    },
    /// Part of an invoice written off as bad debt.
    WriteOff {
        /// The invoice.
        invoice_id: InvoiceId,
        /// Amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
    },
    /// A dispute over part of an invoice was opened.
    DisputeOpened {
        /// The invoice.
        invoice_id: InvoiceId,
        /// Disputed amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
    },
    /// A dispute was resolved (the amount is no longer disputed).
    DisputeResolved {
        /// The invoice.
        invoice_id: InvoiceId,
        /// Amount no longer disputed.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
    },
    /// An earlier event of the same account is undone.
    Reversal {
        /// The event reversed.
        event_id: EventId,
    },
    /// An open credit (cash or a credit note on account, see
    /// [`OpenCredit`]) is applied to open items, in full or in part:
    /// each item and the credit are reduced on the event's date (the
    /// clearing date, which SAP also records as the item's payment date
    /// in its payment history). Allocations are in the credit's currency;
    /// none means oldest due first, up to the credit's open amount. Cash
    /// received within an item's discount period earns the discount when
    /// it settles the rest of the item (judged on the date the cash came
    /// in, not the clearing date); a credit note earns none. Undone by a
    /// [`EventKind::Reversal`] of this event; a payment or credit note
    /// cleared later can only be reversed after its clearings.
    Cleared {
        /// The open credit: the id of the payment or credit note event.
        credit_id: EventId,
        /// Explicit allocations; empty means oldest due first.
        #[serde(default)]
        allocations: Vec<Allocation>,
    },
    /// The customer promised to pay an amount by a date.
    PromiseToPay {
        /// Amount promised.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// Date promised.
        #[serde(with = "crate::serde_date")]
        promised_date: NaiveDate,
    },
    /// A dunning notice was issued for open items.
    DunningNotice {
        /// Dunning level (1 = first reminder).
        level: u8,
        /// Invoices dunned.
        invoices: Vec<InvoiceId>,
    },
    /// An external rating was received.
    RatingReceived {
        /// Agency.
        agency: String,
        /// Rating.
        rating: String,
    },
    /// Host-supplied special liabilities (replaces the previous figure).
    SpecialLiabilities {
        /// Amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency (the account's credit currency).
        currency: Currency,
    },
    /// A charge (late interest, a dunning fee, compensation) becomes an
    /// open item of its own, due on the event date: paying the principal
    /// does not clear it.
    Charged {
        /// The charge's id (an open-item id).
        charge_id: InvoiceId,
        /// What is charged.
        kind: ChargeKind,
        /// Amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// The invoice it is charged for, if any.
        #[serde(default)]
        for_invoice: Option<InvoiceId>,
    },
    /// Dunning is blocked for an invoice (or the whole account) until a date.
    DunningBlocked {
        /// The invoice; none blocks the account.
        #[serde(default)]
        invoice_id: Option<InvoiceId>,
        /// Why.
        reason: String,
        /// Blocked up to and including this date.
        #[serde(with = "crate::serde_date")]
        until: NaiveDate,
    },
    /// A payment plan agreed for open invoices of the account (the
    /// terms' `invoices`; its principal is their open amount on the
    /// event's date). While the plan runs — current or late, not broken,
    /// completed or cancelled — its invoices are paid only through
    /// [`EventKind::PlanPayment`]s and are left out of the check's overdue
    /// steps, dunning and the worklist; a broken or cancelled plan gives
    /// them back as they stand.
    PlanAgreed {
        /// The plan's id (unique in the account).
        plan_id: String,
        /// The plan's terms.
        terms: Box<crate::plans::PlanTerms>,
    },
    /// A payment under a plan, posted once: the plan records it and splits
    /// it by its waterfall; the principal part pays the plan's invoices,
    /// oldest due first; interest, fees and late fees are the plan's
    /// income; anything beyond what the plan is owed goes on account.
    PlanPayment {
        /// The plan.
        plan_id: String,
        /// Amount received.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Currency (the plan's).
        currency: Currency,
    },
    /// A plan cancelled: its invoices are given back as they stand.
    PlanCancelled {
        /// The plan.
        plan_id: String,
    },
    /// An open item imported from another system (opening balance).
    OpenItemImported {
        /// Invoice id.
        invoice_id: InvoiceId,
        /// Invoice date.
        #[serde(with = "crate::serde_date")]
        invoice_date: NaiveDate,
        /// Due date.
        #[serde(with = "crate::serde_date")]
        due_date: NaiveDate,
        /// Original amount.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// Amount still open.
        #[serde(with = "crate::serde_decimal")]
        open: Decimal,
        /// Currency.
        currency: Currency,
    },
}

impl EventKind {
    /// Every event type, as the `type` field names it.
    pub const TYPES: [&'static str; 22] = [
        "order_placed",
        "order_changed",
        "order_cancelled",
        "delivered",
        "invoiced",
        "payment",
        "credit_note",
        "write_off",
        "dispute_opened",
        "dispute_resolved",
        "reversal",
        "cleared",
        "promise_to_pay",
        "dunning_notice",
        "rating_received",
        "special_liabilities",
        "charged",
        "dunning_blocked",
        "open_item_imported",
        "plan_agreed",
        "plan_payment",
        "plan_cancelled",
    ];

    /// This event's type, as the `type` field names it (one of
    /// [`EventKind::TYPES`]).
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::OrderPlaced { .. } => "order_placed",
            EventKind::OrderChanged { .. } => "order_changed",
            EventKind::OrderCancelled { .. } => "order_cancelled",
            EventKind::Delivered { .. } => "delivered",
            EventKind::Invoiced { .. } => "invoiced",
            EventKind::Payment { .. } => "payment",
            EventKind::CreditNote { .. } => "credit_note",
            EventKind::WriteOff { .. } => "write_off",
            EventKind::DisputeOpened { .. } => "dispute_opened",
            EventKind::DisputeResolved { .. } => "dispute_resolved",
            EventKind::Reversal { .. } => "reversal",
            EventKind::Cleared { .. } => "cleared",
            EventKind::PromiseToPay { .. } => "promise_to_pay",
            EventKind::DunningNotice { .. } => "dunning_notice",
            EventKind::RatingReceived { .. } => "rating_received",
            EventKind::SpecialLiabilities { .. } => "special_liabilities",
            EventKind::Charged { .. } => "charged",
            EventKind::DunningBlocked { .. } => "dunning_blocked",
            EventKind::OpenItemImported { .. } => "open_item_imported",
            EventKind::PlanAgreed { .. } => "plan_agreed",
            EventKind::PlanPayment { .. } => "plan_payment",
            EventKind::PlanCancelled { .. } => "plan_cancelled",
        }
    }
}

/// An event: id, customer, segment, date and what happened.
///
/// JSON: one flat map, `{"id": "e1", "customer": "C1", "segment":
/// "default", "date": "2026-03-01", "type": "payment", "amount": "100.00",
/// "currency": "EUR"}` (`segment` may be left out). An unknown field is an
/// error naming it; a bad value is an error naming its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique id (applying the same id again is a reported no-op).
    pub id: EventId,
    /// The customer.
    pub customer: CustomerId,
    /// The credit segment (`"default"` if absent).
    pub segment: String,
    /// Business date.
    pub date: NaiveDate,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// Checks every id and text the event carries against `b`.
    ///
    /// # Errors
    /// [`BoundsError`] naming the field.
    pub fn check_bounds(&self, b: &Bounds) -> Result<(), BoundsError> {
        b.check_id("event id", &self.id.0)?;
        b.check_id("customer", &self.customer.0)?;
        b.check_id("segment", &self.segment)?;
        let order = |id: &OrderId| b.check_id("order_id", &id.0);
        let invoice = |id: &InvoiceId| b.check_id("invoice_id", &id.0);
        match &self.kind {
            EventKind::OrderPlaced { order_id, .. }
            | EventKind::OrderChanged { order_id, .. }
            | EventKind::OrderCancelled { order_id } => order(order_id)?,
            EventKind::Delivered {
                order_id,
                delivery_id,
                ..
            } => {
                order(order_id)?;
                if let Some(d) = delivery_id {
                    b.check_id("delivery_id", d)?;
                }
            }
            EventKind::Invoiced {
                invoice_id,
                terms,
                order_id,
                delivery_id,
                ..
            } => {
                invoice(invoice_id)?;
                if let Some(t) = terms {
                    b.check_text("terms", t)?;
                }
                if let Some(o) = order_id {
                    order(o)?;
                }
                if let Some(d) = delivery_id {
                    b.check_id("delivery_id", d)?;
                }
            }
            EventKind::Payment {
                allocations,
                reference,
                ..
            } => {
                for a in allocations {
                    invoice(&a.invoice_id)?;
                }
                if let Some(r) = reference {
                    b.check_text("reference", r)?;
                }
            }
            EventKind::CreditNote { invoice_id, .. } => {
                if let Some(i) = invoice_id {
                    invoice(i)?;
                }
            }
            EventKind::WriteOff { invoice_id, .. }
            | EventKind::DisputeOpened { invoice_id, .. }
            | EventKind::DisputeResolved { invoice_id, .. }
            | EventKind::OpenItemImported { invoice_id, .. } => invoice(invoice_id)?,
            EventKind::Reversal { event_id } => b.check_id("event_id", &event_id.0)?,
            EventKind::Cleared {
                credit_id,
                allocations,
            } => {
                b.check_id("credit_id", &credit_id.0)?;
                for a in allocations {
                    invoice(&a.invoice_id)?;
                }
            }
            EventKind::PromiseToPay { .. } | EventKind::SpecialLiabilities { .. } => {}
            EventKind::PlanAgreed { plan_id, terms } => {
                b.check_id("plan_id", plan_id)?;
                for i in &terms.invoices {
                    invoice(i)?;
                }
            }
            EventKind::PlanPayment { plan_id, .. } | EventKind::PlanCancelled { plan_id } => {
                b.check_id("plan_id", plan_id)?
            }
            EventKind::DunningNotice { invoices, .. } => {
                for i in invoices {
                    invoice(i)?;
                }
            }
            EventKind::RatingReceived { agency, rating } => {
                b.check_text("agency", agency)?;
                b.check_text("rating", rating)?;
            }
            EventKind::Charged {
                charge_id,
                for_invoice,
                ..
            } => {
                b.check_id("charge_id", &charge_id.0)?;
                if let Some(i) = for_invoice {
                    invoice(i)?;
                }
            }
            EventKind::DunningBlocked {
                invoice_id, reason, ..
            } => {
                if let Some(i) = invoice_id {
                    invoice(i)?;
                }
                b.check_text("reason", reason)?;
            }
        }
        Ok(())
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("customer", &self.customer)?;
        m.serialize_entry("segment", &self.segment)?;
        m.serialize_entry("date", &crate::serde_date::Day(self.date))?;
        crate::tagged::write_flat(&self.kind, "type", &mut m)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut m = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        fn take<T: serde::de::DeserializeOwned, E: Error>(
            m: &mut serde_json::Map<String, serde_json::Value>,
            k: &'static str,
        ) -> Result<Option<T>, E> {
            m.remove(k)
                .map(|v| serde_json::from_value(v).map_err(|e| E::custom(format!("{k}: {e}"))))
                .transpose()
        }
        Ok(Event {
            id: take(&mut m, "id")?.ok_or_else(|| D::Error::missing_field("id"))?,
            customer: take(&mut m, "customer")?
                .ok_or_else(|| D::Error::missing_field("customer"))?,
            segment: take(&mut m, "segment")?.unwrap_or_else(default_segment),
            date: take(&mut m, "date")?.ok_or_else(|| D::Error::missing_field("date"))?,
            kind: crate::tagged::from_flat(m, "type").map_err(D::Error::custom)?,
        })
    }
}

/// One open item of an opening balance imported from another system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenItemRow {
    /// The customer.
    pub customer: CustomerId,
    /// The credit segment.
    #[serde(default = "default_segment")]
    pub segment: String,
    /// Invoice id.
    pub invoice_id: InvoiceId,
    /// Invoice date (the event's date).
    #[serde(with = "crate::serde_date")]
    pub invoice_date: NaiveDate,
    /// Net due date.
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Original amount.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Amount still open; the whole amount when absent.
    #[serde(default, with = "crate::serde_decimal::option")]
    pub open: Option<Decimal>,
    /// Currency.
    pub currency: Currency,
}

impl OpenItemRow {
    /// The import event for this row. Its id, `import:{customer}:{segment}:{invoice}`,
    /// makes importing the same row twice a reported duplicate.
    pub fn into_event(self) -> Event {
        Event {
            id: EventId(format!(
                "import:{}:{}:{}",
                self.customer, self.segment, self.invoice_id
            )),
            customer: self.customer,
            segment: self.segment,
            date: self.invoice_date,
            kind: EventKind::OpenItemImported {
                invoice_id: self.invoice_id,
                invoice_date: self.invoice_date,
                due_date: self.due_date,
                amount: self.amount,
                open: self.open.unwrap_or(self.amount),
                currency: self.currency,
            },
        }
    }
}

/// An order's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderState {
    /// Order id.
    pub id: OrderId,
    /// Currency.
    pub currency: Currency,
    /// Total order value.
    #[serde(with = "crate::serde_decimal")]
    pub total: Decimal,
    /// Value delivered so far.
    #[serde(with = "crate::serde_decimal")]
    pub delivered: Decimal,
    /// Value invoiced so far against this order.
    #[serde(with = "crate::serde_decimal")]
    pub invoiced: Decimal,
    /// Requested delivery date.
    #[serde(with = "crate::serde_date::option")]
    pub requested_delivery: Option<NaiveDate>,
    /// Prepaid orders count zero.
    pub prepaid: bool,
    /// Undelivered remainder cancelled.
    pub cancelled: bool,
    /// Deliveries with an id: (delivery id, value).
    #[serde(with = "crate::serde_decimal::keyed")]
    pub deliveries: Vec<(String, Decimal)>,
}

impl OrderState {
    /// Value neither delivered nor invoiced (zero when cancelled or prepaid).
    pub fn open_value(&self) -> Decimal {
        if self.cancelled || self.prepaid {
            return Decimal::ZERO;
        }
        crate::money::sub_nonneg(self.total, self.delivered.max(self.invoiced)).max(Decimal::ZERO)
    }

    /// Value delivered and not yet invoiced (zero when prepaid).
    pub fn delivered_not_invoiced(&self) -> Decimal {
        if self.prepaid {
            return Decimal::ZERO;
        }
        crate::money::sub_nonneg(self.delivered, self.invoiced).max(Decimal::ZERO)
    }
}

/// An invoice as an open item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    /// Invoice id.
    pub invoice_id: InvoiceId,
    /// Currency.
    pub currency: Currency,
    /// Invoice date.
    #[serde(with = "crate::serde_date")]
    pub invoice_date: NaiveDate,
    /// Net due date.
    #[serde(with = "crate::serde_date")]
    pub due_date: NaiveDate,
    /// Original amount.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Amount still open.
    #[serde(with = "crate::serde_decimal")]
    pub open: Decimal,
    /// Disputed part of `open`.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Amount written off.
    #[serde(with = "crate::serde_decimal")]
    pub written_off: Decimal,
    /// Early-payment discount taken.
    #[serde(with = "crate::serde_decimal")]
    pub discount_taken: Decimal,
    /// Highest dunning level issued for it (0: none).
    pub dunning_level: u8,
    /// Discount tiers: (last day, discount amount), best first.
    #[serde(with = "crate::serde_decimal::dated")]
    pub discounts: Vec<(NaiveDate, Decimal)>,
    /// The order invoiced, if any.
    pub order_id: Option<OrderId>,
    /// The delivery invoiced, if any.
    pub delivery_id: Option<String>,
    /// Collection state: installments, reductions, dunning, charges.
    #[serde(default, skip_serializing_if = "ItemCollection::is_empty")]
    pub collection: ItemCollection,
}

/// What a charge item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// Late-payment interest.
    Interest,
    /// A dunning fee.
    DunningFee,
    /// Fixed compensation for late payment.
    Compensation,
    /// Another fee.
    Fee,
}

/// A dunning block: no notices until a date, for a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningBlock {
    /// Why.
    pub reason: String,
    /// Blocked up to and including this date.
    #[serde(with = "crate::serde_date")]
    pub until: NaiveDate,
}

/// The collection state of an open item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemCollection {
    /// Installments (due date, amount) when the terms have several.
    #[serde(
        with = "crate::serde_decimal::dated",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub installments: Vec<(NaiveDate, Decimal)>,
    /// Reductions of the open amount (payments with their discount, credit
    /// notes, write-offs): (date, amount).
    #[serde(
        with = "crate::serde_decimal::dated",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub reductions: Vec<(NaiveDate, Decimal)>,
    /// Payments applied (with the discount they earned): (date, amount).
    #[serde(
        with = "crate::serde_decimal::dated",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub payments: Vec<(NaiveDate, Decimal)>,
    /// The latest date in `reductions` (kept inline so that period scans
    /// skip items with nothing in the period without touching the lists).
    #[serde(
        with = "crate::serde_date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_reduction: Option<NaiveDate>,
    /// Date of the latest dunning notice.
    #[serde(
        with = "crate::serde_date::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_dunned: Option<NaiveDate>,
    /// Set when the item is itself a charge (interest, fee, compensation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<ChargeKind>,
    /// The invoice a charge is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_invoice: Option<InvoiceId>,
    /// A dunning block on the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<DunningBlock>,
    /// Late interest charged for this item so far.
    #[serde(
        default,
        with = "crate::serde_decimal",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub interest_charged: Decimal,
    /// Whether compensation was charged for this item.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compensation_charged: bool,
    /// Whether the item came in as an opening balance (not a sale).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
}

impl ItemCollection {
    fn is_empty(&self) -> bool {
        *self == ItemCollection::default()
    }
}

impl OpenItem {
    /// A new item: nothing disputed, written off or dunned yet.
    fn fresh(
        invoice_id: InvoiceId,
        currency: Currency,
        invoice_date: NaiveDate,
        due_date: NaiveDate,
        amount: Decimal,
        open: Decimal,
    ) -> Self {
        OpenItem {
            invoice_id,
            currency,
            invoice_date,
            due_date,
            amount,
            open,
            disputed: Decimal::ZERO,
            written_off: Decimal::ZERO,
            discount_taken: Decimal::ZERO,
            dunning_level: 0,
            discounts: Vec::new(),
            order_id: None,
            delivery_id: None,
            collection: ItemCollection::default(),
        }
    }

    /// Whether the item is due in several installments.
    pub fn has_installments(&self) -> bool {
        !self.collection.installments.is_empty()
    }

    /// The item's due lines, oldest first: (due date, open, disputed) of
    /// each installment, or of the item itself. Reductions (payments with
    /// their discounts, credit notes, write-offs) settle installments
    /// oldest first; the disputed amount sits on the latest lines (so an
    /// overdue installment counts as disputed only when the dispute exceeds
    /// what is not yet due). The lines' open amounts sum to the item's.
    pub fn due_lines(&self) -> Vec<(NaiveDate, Decimal, Decimal)> {
        if !self.has_installments() {
            return vec![(self.due_date, self.open, self.disputed)];
        }
        let less = crate::money::sub_nonneg;
        let mut reduced = less(self.amount, self.open);
        let mut lines: Vec<(NaiveDate, Decimal, Decimal)> = self
            .collection
            .installments
            .iter()
            .map(|&(due, amount)| {
                let take = reduced.min(amount).max(Decimal::ZERO);
                reduced = less(reduced, take);
                (due, less(amount, take), Decimal::ZERO)
            })
            .collect();
        // Installments sum to the amount, so nothing is left over; a
        // remainder (never the case) stays on the last line.
        if let Some(last) = lines.last_mut() {
            last.1 = less(last.1, reduced);
        }
        let mut disputed = self.disputed;
        for l in lines.iter_mut().rev() {
            let t = l.1.min(disputed);
            l.2 = t;
            disputed = less(disputed, t);
        }
        lines
    }

    /// Per due line (as [`OpenItem::due_lines`]), the reductions and the
    /// payments that settled it: (reductions, payments), each (date,
    /// amount) in date order. Reductions settle the oldest line first; a
    /// reduction is a payment when the item's payments list it.
    #[allow(
        clippy::type_complexity,
        reason = "two parallel (date, amount) lists per line"
    )]
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "every term is a part of the item's amount: the running differences stay within ± that amount"
    )]
    pub fn line_histories(&self) -> Vec<(Vec<(NaiveDate, Decimal)>, Vec<(NaiveDate, Decimal)>)> {
        let c = &self.collection;
        if !self.has_installments() {
            return vec![(c.reductions.clone(), c.payments.clone())];
        }
        let n = c.installments.len();
        let mut out = vec![(Vec::new(), Vec::new()); n];
        let mut pays = c.payments.clone();
        let (mut k, mut left) = (0, c.installments[0].1);
        for &(date, amount) in &c.reductions {
            let is_payment = match pays.iter().position(|p| *p == (date, amount)) {
                Some(i) => {
                    pays.remove(i);
                    true
                }
                None => false,
            };
            let mut r = amount;
            while r > Decimal::ZERO {
                // Past the last installment (never the case: they sum to
                // the amount) the rest stays on the last line.
                let t = if k + 1 >= n && left <= Decimal::ZERO {
                    r
                } else {
                    r.min(left)
                };
                if t > Decimal::ZERO {
                    let line = &mut out[k.min(n - 1)];
                    line.0.push((date, t));
                    if is_payment {
                        line.1.push((date, t));
                    }
                }
                r -= t;
                left -= t;
                if left <= Decimal::ZERO && k + 1 < n {
                    k += 1;
                    left = c.installments[k].1;
                }
            }
        }
        out
    }

    /// The discount of the best tier a payment on `date` is in time for,
    /// as scheduled on the whole invoice (zero: none).
    fn tier_on(&self, date: NaiveDate) -> Decimal {
        self.discounts
            .iter()
            .find(|(deadline, _)| date <= *deadline)
            .map(|(_, d)| *d)
            .unwrap_or(Decimal::ZERO)
    }

    /// How `cash` paid on `date` settles this item: (cash applied,
    /// discount taken), with cash applied ≤ `cash` and their sum ≤ the open
    /// amount.
    ///
    /// The discount base shrinks with the open amount: a tier worth `D` on
    /// the invoice amount `A` is worth `D × open / A` on what is open
    /// (so a credit note of 10 % takes 10 % off the discount). Cash of at
    /// least `open − D × open / A` settles the item (the discount is then
    /// the rest). Less cash settles pro rata under
    /// [`PartialDiscount::ProRata`]: `cash × A / (A − D)` of the item, the
    /// difference being the discount, as SAP and Dynamics 365 treat a
    /// partial payment with cash discount; under
    /// [`PartialDiscount::AllOrNothing`] it settles only itself. Every
    /// amount is computed exactly in minor units and rounded once, half to
    /// even. With `take_all`, the whole `cash` is applied (an explicit
    /// allocation); otherwise only what settles the item.
    ///
    /// # Errors
    /// [`LedgerError::Overflow`] for amounts whose products exceed 128 bits.
    fn settle(
        &self,
        cash: Decimal,
        discount_date: Option<NaiveDate>,
        rule: PartialDiscount,
        take_all: bool,
    ) -> Result<(Decimal, Decimal), LedgerError> {
        let mu = self.currency.minor_units();
        let tier = discount_date.map_or(Decimal::ZERO, |d| self.tier_on(d));
        let (open, cash_u) = (to_units(self.open, mu)?, to_units(cash, mu)?);
        let dec = |u: i128| {
            Decimal::try_from_i128_with_scale(u, mu).map_err(|_| LedgerError::Overflow("discount"))
        };
        let amount = to_units(self.amount, mu)?;
        let d = to_units(tier, mu)?;
        if d == 0 || amount <= 0 || open <= 0 {
            let applied = cash_u.min(open);
            return Ok((dec(applied)?, Decimal::ZERO));
        }
        let overflow = || LedgerError::Overflow("discount");
        // The tier's worth on the open amount: D × open / A.
        let left_disc = div_half_even(d.checked_mul(open).ok_or_else(overflow)?, amount);
        let needed = open - left_disc;
        if cash_u >= needed {
            // Settled: the discount is what the cash leaves of the item.
            let applied = if take_all { cash_u.min(open) } else { needed };
            return Ok((dec(applied)?, dec(open - applied)?));
        }
        match rule {
            PartialDiscount::AllOrNothing => Ok((cash, Decimal::ZERO)),
            PartialDiscount::ProRata => {
                // cash × A / (A − D) of the item, below what settles it.
                let gross =
                    div_half_even(cash_u.checked_mul(amount).ok_or_else(overflow)?, amount - d)
                        .min(open - 1)
                        .max(cash_u);
                Ok((cash, dec(gross - cash_u)?))
            }
        }
    }
}

/// `n / d` rounded half to even (`n ≥ 0`, `d > 0`).
fn div_half_even(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// How a payment inside a discount period that does not settle the whole
/// item earns its discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartialDiscount {
    /// Each part payment earns its share: cash `P` settles `P / (1 − d)`
    /// of the item at discount rate `d` (SAP's and Dynamics 365's
    /// treatment of partial payments with cash discount). The default.
    #[default]
    ProRata,
    /// Only a payment that settles the rest of the item earns the
    /// discount (on what is then open); a part payment earns none.
    AllOrNothing,
}

/// The ledger's settlement conventions: how events settle items. They are
/// part of the ledger's history, so a book refuses to change them once it
/// holds events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerConventions {
    /// Discounts on part payments (pro rata by default).
    #[serde(default)]
    pub partial_payment_discount: PartialDiscount,
    /// How a payment without allocations (and a clearing without them) is
    /// applied: the rules tried in order; what they leave stays on
    /// account. Default `["oldest_due"]`.
    #[serde(default, skip_serializing_if = "ClearingRules::is_default")]
    pub auto_clearing: ClearingRules,
    /// The residue an automatic clearing writes off instead of leaving it
    /// open (none by default).
    #[serde(default, skip_serializing_if = "ResidueTolerance::is_none")]
    pub residue_tolerance: ResidueTolerance,
}

/// One automatic clearing rule (see [`ClearingRules`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClearingRule {
    /// The open item whose invoice id is the payment's `reference`: the
    /// cash settles it (with its discount, if in the period); more cash
    /// goes on to the next rule.
    ByReference,
    /// The oldest open item the cash settles exactly on the payment date
    /// (its discount taken if in the period), or within the residue
    /// tolerance.
    ExactAmount,
    /// Open items oldest due first, each settled in full while the cash
    /// lasts, the last one in part (pro rata discount per
    /// [`PartialDiscount`]).
    OldestDue,
}

/// The automatic clearing rules, tried in order on a payment without
/// allocations — by default `["oldest_due"]`; `[]` leaves every such
/// payment on account (unapplied cash) until a [`EventKind::Cleared`]
/// applies it. The usual ERP order is reference first, then amount, then
/// age (SAP's automatic clearing and lockbox: the reference selects the
/// item, then the amount; Dynamics 365 settlement by transaction id, then
/// by amount, then by due date). Each rule at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<ClearingRule>", into = "Vec<ClearingRule>")]
pub struct ClearingRules([Option<ClearingRule>; 3]);

impl Default for ClearingRules {
    fn default() -> Self {
        ClearingRules([Some(ClearingRule::OldestDue), None, None])
    }
}

impl ClearingRules {
    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = ClearingRule> + '_ {
        self.0.iter().flatten().copied()
    }

    /// Whether these are the defaults (`["oldest_due"]`).
    pub fn is_default(&self) -> bool {
        *self == ClearingRules::default()
    }
}

impl TryFrom<Vec<ClearingRule>> for ClearingRules {
    type Error = String;

    fn try_from(v: Vec<ClearingRule>) -> Result<Self, String> {
        let mut out = [None; 3];
        for (i, r) in v.iter().enumerate() {
            // Three rules exist: a fourth entry repeats one, caught here
            // before it could index past `out`.
            if v[..i].contains(r) {
                return Err(format!("auto_clearing: {r:?} is listed twice"));
            }
            let Some(slot) = out.get_mut(i) else {
                return Err("auto_clearing: at most three rules".into());
            };
            *slot = Some(*r);
        }
        Ok(ClearingRules(out))
    }
}

impl From<ClearingRules> for Vec<ClearingRule> {
    fn from(r: ClearingRules) -> Self {
        r.rules().collect()
    }
}

/// The residue an automatic clearing writes off: what the cash leaves of
/// an item it was matched to (by reference, amount or as the last item
/// oldest first), if at most `amount` and at most `percent` of the item's
/// amount (both when both are given: the lower limit counts, as in SAP's
/// tolerance groups, OBA3). The residue is booked as a payment difference,
/// counted with the discount taken (SAP posts it to the payment-difference
/// account beside cash discount). Above the tolerance it stays open on its
/// invoice (a residual item linked to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidueTolerance {
    /// The most written off, in the item's currency.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// The most written off, as a percent of the item's amount.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent: Option<Decimal>,
}

impl ResidueTolerance {
    /// Whether no tolerance is set (nothing is written off).
    pub fn is_none(&self) -> bool {
        self.amount.is_none() && self.percent.is_none()
    }

    /// The tolerance for an item of `amount` in minor units `mu`, in minor
    /// units (rounded down: never more than the limits).
    pub fn units_for(&self, amount: Decimal, mu: u32) -> i128 {
        if self.is_none() {
            return 0;
        }
        let floor_units = |d: Decimal| {
            d.checked_mul(Decimal::from(10i64.pow(mu)))
                .and_then(|x| i128::try_from(x.floor()).ok())
                .unwrap_or(i128::MAX)
                .max(0)
        };
        let by_amount = self.amount.map_or(i128::MAX, floor_units);
        let by_percent = self.percent.map_or(i128::MAX, |p| {
            amount
                .checked_mul(p)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .map_or(i128::MAX, floor_units)
        });
        by_amount.min(by_percent)
    }
}

impl LedgerConventions {
    /// Whether these are the defaults (left out of a policy document).
    pub fn is_default(&self) -> bool {
        *self == LedgerConventions::default()
    }
}

/// What an open credit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditKind {
    /// Cash received on account: a payment without allocations while
    /// nothing was open, or the part of a payment left after them.
    Payment,
    /// A credit note issued on account (without an invoice).
    CreditNote,
}

/// Cash or a credit note on account: an open item of its own that counts
/// negative in every view (exposure, aging, KPIs) until it is cleared
/// against items by an [`EventKind::Cleared`] event. In aging it is aged
/// from its own date, as SAP's due-date analysis ages a payment on account
/// from its baseline (document) date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCredit {
    /// The payment or credit note event it comes from.
    pub credit_id: EventId,
    /// Cash or a credit note.
    pub kind: CreditKind,
    /// Currency.
    pub currency: Currency,
    /// The date of the payment or credit note.
    #[serde(with = "crate::serde_date")]
    pub date: NaiveDate,
    /// Amount on account (positive).
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Amount not yet cleared (positive; zero when fully cleared).
    #[serde(with = "crate::serde_decimal")]
    pub open: Decimal,
    /// Clearings so far: (date, amount).
    #[serde(with = "crate::serde_decimal::dated")]
    pub clearings: Vec<(NaiveDate, Decimal)>,
}

/// A promise to pay and how much of it payments have kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// Date the promise was made.
    #[serde(with = "crate::serde_date")]
    pub made_on: NaiveDate,
    /// Amount promised.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Date promised.
    #[serde(with = "crate::serde_date")]
    pub promised_date: NaiveDate,
    /// Paid towards it (payments dated from `made_on` to `promised_date`).
    #[serde(with = "crate::serde_decimal")]
    pub paid: Decimal,
}

/// What applying an event reads beside the event and the account: the
/// ledger's settlement conventions and the parsed payment terms by
/// notation (so each distinct text parses once). Shared between threads:
/// lookups take a read lock, a first parse a write lock (so queries that
/// replay events can run side by side).
#[derive(Debug, Default)]
pub struct ApplyRules {
    conventions: LedgerConventions,
    terms: std::sync::RwLock<crate::fnv::FnvMap<String, Arc<PaymentTerms>>>,
}

impl Clone for ApplyRules {
    fn clone(&self) -> Self {
        ApplyRules {
            conventions: self.conventions,
            terms: std::sync::RwLock::new(self.read().clone()),
        }
    }
}

impl ApplyRules {
    /// Rules with these conventions (and nothing parsed yet).
    pub fn new(conventions: LedgerConventions) -> Self {
        ApplyRules {
            conventions,
            ..ApplyRules::default()
        }
    }

    /// The settlement conventions.
    pub fn conventions(&self) -> LedgerConventions {
        self.conventions
    }

    fn read(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, crate::fnv::FnvMap<String, Arc<PaymentTerms>>> {
        // A panic while holding the lock cannot leave the map half-written
        // (an insert is one call), so a poisoned lock is still sound.
        self.terms
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, text: &str) -> Result<Arc<PaymentTerms>, TermsError> {
        // Parse on first use; afterwards a lookup (FNV-hashed) per invoice.
        if let Some(t) = self.read().get(text) {
            return Ok(Arc::clone(t));
        }
        let t = Arc::new(PaymentTerms::parse(text)?);
        let mut map = self
            .terms
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(Arc::clone(map.entry(text.to_string()).or_insert(t)))
    }
}

/// A payment plan agreed on an account ([`EventKind::PlanAgreed`]): the
/// plan with the payments posted to it, and what they paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookPlan {
    /// The plan's id (unique in the account).
    pub plan_id: String,
    /// The event that agreed it.
    pub event_id: EventId,
    /// The date it was agreed.
    #[serde(with = "crate::serde_date")]
    pub agreed_on: NaiveDate,
    /// Terms, schedule, the payments posted to it and its state.
    pub plan: PaymentPlan,
    /// Principal its payments paid to its invoices.
    #[serde(with = "crate::serde_decimal")]
    pub principal_paid: Decimal,
    /// Interest, fees and late fees its payments paid: the plan's income,
    /// never receivables of the ledger.
    #[serde(with = "crate::serde_decimal")]
    pub charges_paid: Decimal,
}

/// A plan on an account as it stood on a date ([`BookPlan::report`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookPlanReport {
    /// The plan's id.
    pub plan_id: String,
    /// The date it was agreed.
    #[serde(with = "crate::serde_date")]
    pub agreed_on: NaiveDate,
    /// The invoices it holds while it runs.
    pub invoices: Vec<InvoiceId>,
    /// Whether it holds them on the date.
    pub runs: bool,
    /// Its status on the date (installments, paid, outstanding, overdue).
    pub status: crate::plans::PlanStatus,
    /// Principal its payments paid to its invoices.
    #[serde(with = "crate::serde_decimal")]
    pub principal_paid: Decimal,
    /// Interest, fees and late fees its payments paid.
    #[serde(with = "crate::serde_decimal")]
    pub charges_paid: Decimal,
}

impl BookPlan {
    /// The plan as it stands on `on` (payments dated on or before it).
    ///
    /// # Errors
    /// A status that cannot be computed (overflow).
    pub fn report(&self, on: NaiveDate) -> Result<BookPlanReport, LedgerError> {
        let status = self.status(on)?;
        Ok(BookPlanReport {
            plan_id: self.plan_id.clone(),
            agreed_on: self.agreed_on,
            invoices: self.plan.terms.invoices.clone(),
            runs: Self::runs(self.agreed_on, on, &status),
            status,
            principal_paid: self.principal_paid,
            charges_paid: self.charges_paid,
        })
    }

    /// Whether the plan runs on `on`: agreed by then and current or late
    /// (not broken, completed or cancelled). A running plan holds its
    /// invoices: paid only through it, left out of the overdue steps,
    /// dunning and the worklist.
    ///
    /// # Errors
    /// A status that cannot be computed (overflow).
    pub fn runs_on(&self, on: NaiveDate) -> Result<bool, LedgerError> {
        if self.agreed_on > on {
            return Ok(false);
        }
        Ok(Self::runs(self.agreed_on, on, &self.status(on)?))
    }

    /// The plan's status on `on` (payments dated on or before it).
    ///
    /// # Errors
    /// A status that cannot be computed (overflow).
    pub fn status(&self, on: NaiveDate) -> Result<crate::plans::PlanStatus, LedgerError> {
        self.plan.status(on).map_err(|source| LedgerError::Plan {
            event: self.event_id.clone(),
            source,
        })
    }

    /// Whether a plan agreed on `agreed` with `status` on `on` runs then.
    fn runs(agreed: NaiveDate, on: NaiveDate, status: &crate::plans::PlanStatus) -> bool {
        agreed <= on
            && matches!(
                status.status,
                PlanStatusKind::Current | PlanStatusKind::Late { .. }
            )
    }
}

/// The state of one credit account (customer × segment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountState {
    /// The account's credit currency.
    pub currency: Currency,
    /// Orders.
    pub orders: Vec<OrderState>,
    /// Open items, kept sorted by due date (then arrival). The ledger
    /// indexes them by invoice id as events apply: change them only through
    /// events (a state whose items were edited by hand is looked up by scan
    /// until its next event, and an edited id is not found).
    pub items: Vec<OpenItem>,
    /// Open credits (cash and credit notes on account), in date order;
    /// cleared ones stay with a zero open amount.
    pub credits: Vec<OpenCredit>,
    /// Host-supplied special liabilities (credit currency).
    #[serde(with = "crate::serde_decimal")]
    pub special_liabilities: Decimal,
    /// Promises to pay.
    pub promises: Vec<Promise>,
    /// External ratings received: (agency, rating, date).
    #[serde(with = "crate::serde_date::keyed2")]
    pub ratings: Vec<(String, String, NaiveDate)>,
    /// A dunning block on the whole account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dunning_block: Option<DunningBlock>,
    /// Payment plans agreed on the account, in the order agreed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<BookPlan>,
    /// `items` by invoice id, derived from them (never serialized).
    #[serde(skip)]
    pub(crate) index: ItemIndex,
}

/// An account's item positions by invoice id, and how many leading items
/// are settled (a clearing run starts after them). Derived from the items:
/// it takes no part in equality, and a state deserialized without it is
/// re-indexed at its next event.
#[derive(Clone, Default)]
pub(crate) struct ItemIndex {
    by_id: crate::hindex::HashIndex,
    /// No item before this position has anything open.
    settled: usize,
}

impl PartialEq for ItemIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ItemIndex {}

impl std::fmt::Debug for ItemIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemIndex")
    }
}

impl AccountState {
    /// Whether a credit note on `invoice` (none: on account) is a sales
    /// return: not when it credits a charge (interest, a fee).
    pub fn credit_note_is_sales_return(&self, invoice: Option<&InvoiceId>) -> bool {
        !invoice.is_some_and(|i| {
            self.find_item(i.as_str())
                .is_some_and(|p| self.items[p].collection.charge.is_some())
        })
    }
}

/// An amount with at most `mu` decimals (a stored or converted money
/// amount) as an integer count of minor units.
#[inline]
pub(crate) fn to_units(d: Decimal, mu: u32) -> Result<i128, LedgerError> {
    // More decimals than `mu` is never the case for amounts the ledger
    // stored or converted.
    crate::money::units_of(d, mu).ok_or(LedgerError::Overflow("minor units"))
}

#[inline]
fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, LedgerError> {
    a.checked_add(b).ok_or(LedgerError::Overflow(what))
}

/// `a − b`, or the overflow error naming `what`.
fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, LedgerError> {
    a.checked_sub(b).ok_or(LedgerError::Overflow(what))
}

impl crate::error::Classify for LedgerError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            LedgerError::InvalidAmount { .. } => K::Validation,
            LedgerError::UnknownOrder { .. } => K::UnknownOrder,
            LedgerError::UnknownInvoice { .. } => K::UnknownInvoice,
            LedgerError::AlreadyExists { .. } => K::DuplicateId,
            LedgerError::NotAllowed { .. } => K::EventNotAllowed,
            LedgerError::CurrencyMismatch { .. } => K::CurrencyMismatch,
            LedgerError::MissingRate { .. } => K::MissingRate,
            LedgerError::Terms { source, .. } => source.kind(),
            LedgerError::Money { source, .. } => source.kind(),
            LedgerError::Overflow(_) => K::Overflow,
            LedgerError::ConflictingEvent(_) => K::ConflictingEvent,
            LedgerError::ReversalRefused { .. } => K::ReversalRefused,
            LedgerError::Plan { source, .. } => source.kind(),
        }
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::text;
        match self {
            LedgerError::UnknownOrder { event, order } => {
                vec![("event", text(event)), ("order", text(order))]
            }
            LedgerError::UnknownInvoice { event, invoice } => {
                vec![("event", text(event)), ("invoice", text(invoice))]
            }
            LedgerError::AlreadyExists { event, id, .. } => {
                vec![("event", text(event)), ("id", text(id))]
            }
            LedgerError::CurrencyMismatch {
                event,
                given,
                expected,
            } => vec![
                ("event", text(event)),
                ("left", (*given).into()),
                ("right", (*expected).into()),
            ],
            LedgerError::MissingRate { from, to } => {
                vec![("left", (*from).into()), ("right", (*to).into())]
            }
            LedgerError::Terms { source, .. } => source.details(),
            LedgerError::Money { source, .. } => source.details(),
            LedgerError::ConflictingEvent(id) => vec![("event", text(id))],
            LedgerError::ReversalRefused { target, .. } => vec![("event", text(target))],
            LedgerError::Plan { event, source } => {
                let mut d = vec![("event", text(event))];
                d.extend(source.details());
                d
            }
            _ => Vec::new(),
        }
    }
}
