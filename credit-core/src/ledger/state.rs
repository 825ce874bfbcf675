//! How each event family folds into an [`AccountState`]: one method per
//! event, grouped by family (orders, open items, reductions, disputes,
//! collections, master data, payments). Every method checks everything
//! before its first write, so a refused event changes nothing.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    add, AccountState, Allocation, ApplyRules, BookPlan, ChargeKind, ClearingRule, CreditKind,
    DunningBlock, Event, EventKind, ItemCollection, ItemIndex, LedgerConventions, LedgerError,
    OpenCredit, OpenItem, OrderState, Promise,
};
use crate::customer::{EventId, InvoiceId, OrderId};
use crate::hindex;
use crate::money::{sub_nonneg, Currency, Money};
use crate::plans::{PaymentPlan, PlanError, PlanState, PlanStatus};
use crate::terms::ScheduleOptions;

/// The error for an event handed to the method of another event kind
/// (never the case through [`AccountState::apply`]).
fn misrouted(ev: &Event) -> LedgerError {
    LedgerError::NotAllowed {
        event: ev.id.clone(),
        reason: "the event reached the rule of another event kind".into(),
    }
}

impl AccountState {
    /// An empty account in `currency`.
    pub fn new(currency: Currency) -> Self {
        AccountState {
            currency,
            orders: Vec::new(),
            items: Vec::new(),
            credits: Vec::new(),
            special_liabilities: Decimal::ZERO,
            promises: Vec::new(),
            ratings: Vec::new(),
            dunning_block: None,
            plans: Vec::new(),
            index: ItemIndex::default(),
        }
    }

    /// Position in `items` of the item with this id: by the index (O(1)),
    /// or by scan when the items were not built by events.
    pub(crate) fn find_item(&self, id: &str) -> Option<usize> {
        if self.indexed() {
            let h = hindex::hash(id);
            self.index.by_id.find(h, |p| {
                self.items.get(p).is_some_and(|it| it.invoice_id.0 == id)
            })
        } else {
            self.items.iter().position(|it| it.invoice_id.0 == id)
        }
    }

    /// Whether the index is in step with the items.
    fn indexed(&self) -> bool {
        self.index.by_id.len() == self.items.len()
    }

    /// Rebuilds the index if the items were not built by events.
    fn reindex(&mut self) {
        if self.indexed() {
            return;
        }
        let mut by_id = crate::hindex::HashIndex::default();
        for (p, it) in self.items.iter().enumerate() {
            by_id.insert(hindex::hash(it.invoice_id.as_str()), p);
        }
        self.index = ItemIndex { by_id, settled: 0 };
        self.note_settled();
    }

    /// Where a clearing run starts: no item before it has anything open.
    fn first_unsettled(&self) -> usize {
        if self.indexed() {
            self.index.settled.min(self.items.len())
        } else {
            0
        }
    }

    /// Moves the settled mark past items a reduction closed (open amounts
    /// only fall in place; a reopened item is a replay, which re-indexes).
    fn note_settled(&mut self) {
        let mut p = self.index.settled;
        while self.items.get(p).is_some_and(|it| it.open.is_zero()) {
            p += 1;
        }
        self.index.settled = p;
    }

    /// The order with this id.
    pub fn order(&self, id: &OrderId) -> Option<&OrderState> {
        self.orders.iter().find(|o| &o.id == id)
    }

    fn order_idx(&self, ev: &Event, id: &OrderId) -> Result<usize, LedgerError> {
        self.orders
            .iter()
            .position(|o| &o.id == id)
            .ok_or_else(|| LedgerError::UnknownOrder {
                event: ev.id.clone(),
                order: id.clone(),
            })
    }

    /// An order that can still change or be delivered: it exists, is in
    /// `currency`, and is not cancelled.
    fn live_order(
        &self,
        ev: &Event,
        id: &OrderId,
        currency: Currency,
    ) -> Result<usize, LedgerError> {
        let i = self.order_idx(ev, id)?;
        let o = &self.orders[i];
        Self::same(ev, currency, o.currency)?;
        if o.cancelled {
            return Err(Self::not_allowed(ev, format!("order {id} is cancelled")));
        }
        Ok(i)
    }

    fn item_idx(&self, ev: &Event, id: &InvoiceId) -> Result<usize, LedgerError> {
        self.find_item(id.as_str())
            .ok_or_else(|| LedgerError::UnknownInvoice {
                event: ev.id.clone(),
                invoice: id.clone(),
            })
    }

    fn money(
        &self,
        ev: &Event,
        amount: Decimal,
        currency: Currency,
        field: &'static str,
        positive: bool,
    ) -> Result<Decimal, LedgerError> {
        let m = Money::new(amount, currency).map_err(|source| LedgerError::Money {
            event: ev.id.clone(),
            source,
        })?;
        if m.is_negative() || (positive && m.is_zero()) {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field,
                value: amount,
                reason: if positive {
                    "must be positive"
                } else {
                    "must not be negative"
                },
            });
        }
        Ok(m.amount())
    }

    fn same(ev: &Event, given: Currency, expected: Currency) -> Result<(), LedgerError> {
        if given == expected {
            Ok(())
        } else {
            Err(LedgerError::CurrencyMismatch {
                event: ev.id.clone(),
                given,
                expected,
            })
        }
    }

    fn not_allowed(ev: &Event, reason: String) -> LedgerError {
        LedgerError::NotAllowed {
            event: ev.id.clone(),
            reason,
        }
    }

    /// Refuses an open-item id the account already has.
    fn ensure_new_item(&self, ev: &Event, id: &InvoiceId) -> Result<(), LedgerError> {
        if self.find_item(id.as_str()).is_some() {
            return Err(LedgerError::AlreadyExists {
                event: ev.id.clone(),
                what: "invoice",
                id: id.0.clone(),
            });
        }
        Ok(())
    }

    /// Inserts an item in due-date position (after those due the same
    /// day); the items due later shift, and their index entries with them.
    fn insert_item(&mut self, item: OpenItem) {
        self.reindex();
        let pos = self.items.partition_point(|i| i.due_date <= item.due_date);
        for k in (pos..self.items.len()).rev() {
            let h = hindex::hash(self.items[k].invoice_id.as_str());
            self.index.by_id.relocate(h, k, k + 1);
        }
        self.index
            .by_id
            .insert(hindex::hash(item.invoice_id.as_str()), pos);
        self.index.settled = self.index.settled.min(pos);
        self.items.insert(pos, item);
        self.note_settled();
    }

    /// Takes `amount` off an item's open amount (credit note, write-off):
    /// same currency, at most the open amount; disputes shrink with it.
    fn reduce_item(
        &mut self,
        ev: &Event,
        invoice: &InvoiceId,
        amount: Decimal,
        currency: Currency,
    ) -> Result<usize, LedgerError> {
        let i = self.item_idx(ev, invoice)?;
        let it = &self.items[i];
        Self::same(ev, currency, it.currency)?;
        if amount > it.open {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "amount",
                value: amount,
                reason: "exceeds the open amount of the invoice",
            });
        }
        let it = &mut self.items[i];
        it.open = sub_nonneg(it.open, amount);
        it.disputed = it.disputed.min(it.open);
        it.collection.reductions.push((ev.date, amount));
        it.collection.last_reduction = it.collection.last_reduction.max(Some(ev.date));
        self.note_settled();
        Ok(i)
    }

    /// Refuses a credit on account that would take the open credits in
    /// `currency` past the decimal range (every view sums them).
    fn room_on_account(&self, currency: Currency, amount: Decimal) -> Result<(), LedgerError> {
        let mut total = amount;
        for c in self.credits.iter().filter(|c| c.currency == currency) {
            total = add(total, c.open, "open credits")?;
        }
        Ok(())
    }

    /// Puts `amount` on account as an open credit of the event (after
    /// [`AccountState::room_on_account`]).
    fn credit_on_account(
        &mut self,
        ev: &Event,
        kind: CreditKind,
        currency: Currency,
        amount: Decimal,
    ) {
        self.credits.push(OpenCredit {
            credit_id: ev.id.clone(),
            kind,
            currency,
            date: ev.date,
            amount,
            open: amount,
            clearings: Vec::new(),
        });
    }

    /// The open credit from event `id`.
    pub fn credit(&self, id: &EventId) -> Option<&OpenCredit> {
        self.credits.iter().find(|c| &c.credit_id == id)
    }

    /// Applies an event as [`AccountState::apply`] does and, for a payment,
    /// appends what it settled to `applied`: (index in `items` right after
    /// the payment, amount paid, discount taken).
    ///
    /// # Errors
    /// As [`AccountState::apply`].
    pub fn apply_traced(
        &mut self,
        ev: &Event,
        rules: &ApplyRules,
        applied: &mut Vec<(usize, Decimal, Decimal)>,
    ) -> Result<(), LedgerError> {
        let conv = rules.conventions();
        match &ev.kind {
            EventKind::Payment { .. } => self.apply_payment(ev, conv, Some(applied)),
            EventKind::Cleared { .. } => self.cleared(ev, conv, Some(applied)),
            EventKind::PlanPayment { .. } => self.plan_payment(ev, Some(applied)),
            _ => self.apply(ev, rules),
        }
    }

    /// Applies an event (not a reversal, which the book handles by replay).
    /// Either everything applies or nothing changes.
    ///
    /// # Errors
    /// The [`LedgerError`] naming the event and the problem.
    pub fn apply(&mut self, ev: &Event, terms: &ApplyRules) -> Result<(), LedgerError> {
        use EventKind as K;
        let conv = terms.conventions();
        match &ev.kind {
            K::OrderPlaced { .. } => self.order_placed(ev),
            K::OrderChanged { .. } => self.order_changed(ev),
            K::OrderCancelled { .. } => self.order_cancelled(ev),
            K::Delivered { .. } => self.delivered(ev),
            K::Invoiced { .. } => self.invoiced(ev, terms),
            K::OpenItemImported { .. } => self.item_imported(ev),
            K::Charged { .. } => self.charged(ev),
            K::Payment { .. } => self.apply_payment(ev, conv, None),
            K::Cleared { .. } => self.cleared(ev, conv, None),
            K::CreditNote { .. } => self.credit_note(ev),
            K::WriteOff { .. } => self.write_off(ev),
            K::DisputeOpened { .. } | K::DisputeResolved { .. } => self.dispute(ev),
            K::PromiseToPay { .. } => self.promise(ev),
            K::DunningNotice { .. } => self.dunning_notice(ev),
            K::DunningBlocked { .. } => self.dunning_blocked(ev),
            K::RatingReceived { .. } => self.rating(ev),
            K::SpecialLiabilities { .. } => self.special_liabilities(ev),
            K::PlanAgreed { .. } => self.plan_agreed(ev),
            K::PlanPayment { .. } => self.plan_payment(ev, None),
            K::PlanCancelled { .. } => self.plan_cancelled(ev),
            K::Reversal { .. } => Err(Self::not_allowed(
                ev,
                "reversals are applied by the book".into(),
            )),
        }
    }
}

/// Orders: placed, changed, cancelled, delivered.
impl AccountState {
    /// An order: its value is open until delivered or invoiced.
    fn order_placed(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::OrderPlaced {
            order_id,
            amount,
            currency,
            requested_delivery,
            prepaid,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", false)?;
        if self.order(order_id).is_some() {
            return Err(LedgerError::AlreadyExists {
                event: ev.id.clone(),
                what: "order",
                id: order_id.0.clone(),
            });
        }
        self.orders.push(OrderState {
            id: order_id.clone(),
            currency: *currency,
            total: amount,
            delivered: Decimal::ZERO,
            invoiced: Decimal::ZERO,
            requested_delivery: *requested_delivery,
            prepaid: *prepaid,
            cancelled: false,
            deliveries: Vec::new(),
        });
        Ok(())
    }

    /// A new order value (not below what is delivered or invoiced) or delivery date.
    fn order_changed(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::OrderChanged {
            order_id,
            amount,
            currency,
            requested_delivery,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", false)?;
        let i = self.live_order(ev, order_id, *currency)?;
        let o = &self.orders[i];
        if amount < o.delivered.max(o.invoiced) {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "amount",
                value: amount,
                reason: "below the value already delivered or invoiced",
            });
        }
        let o = &mut self.orders[i];
        o.total = amount;
        if requested_delivery.is_some() {
            o.requested_delivery = *requested_delivery;
        }
        Ok(())
    }

    /// Cancels an order's undelivered remainder.
    fn order_cancelled(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::OrderCancelled { order_id } = &ev.kind else {
            return Err(misrouted(ev));
        };
        let i = self.order_idx(ev, order_id)?;
        if self.orders[i].cancelled {
            return Err(Self::not_allowed(
                ev,
                format!("order {order_id} is already cancelled"),
            ));
        }
        self.orders[i].cancelled = true;
        Ok(())
    }

    /// A delivery against an order: delivered, not yet invoiced.
    fn delivered(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::Delivered {
            order_id,
            delivery_id,
            amount,
            currency,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        let i = self.live_order(ev, order_id, *currency)?;
        let o = &self.orders[i];
        let undelivered = sub_nonneg(o.total, o.delivered);
        if amount > undelivered {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "amount",
                value: amount,
                reason: "exceeds the undelivered order value",
            });
        }
        if let Some(d) = delivery_id {
            if o.deliveries.iter().any(|(id, _)| id == d) {
                return Err(LedgerError::AlreadyExists {
                    event: ev.id.clone(),
                    what: "delivery",
                    id: d.clone(),
                });
            }
        }
        let o = &mut self.orders[i];
        o.delivered = add(o.delivered, amount, "delivered")?;
        if let Some(d) = delivery_id {
            o.deliveries.push((d.clone(), amount));
        }
        Ok(())
    }
}

/// Open items: invoices, opening balances, charges.
impl AccountState {
    /// An invoice: an open item due by its terms (or a due date), taking its value off the order.
    fn invoiced(&mut self, ev: &Event, terms: &ApplyRules) -> Result<(), LedgerError> {
        let EventKind::Invoiced {
            invoice_id,
            amount,
            currency,
            terms: notation,
            due_date,
            order_id,
            delivery_id,
            discount_base,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", false)?;
        self.ensure_new_item(ev, invoice_id)?;
        let order = match order_id {
            Some(oid) => {
                let i = self.order_idx(ev, oid)?;
                Self::same(ev, *currency, self.orders[i].currency)?;
                Some(i)
            }
            None => None,
        };
        if let Some(d) = delivery_id {
            let known =
                order.is_some_and(|i| self.orders[i].deliveries.iter().any(|(id, _)| id == d));
            if !known {
                return Err(Self::not_allowed(
                    ev,
                    format!("delivery {d} is not a delivery of the invoiced order"),
                ));
            }
        }
        let term_err = |source| LedgerError::Terms {
            event: ev.id.clone(),
            source,
        };
        let money = Money::new(amount, *currency).map_err(|source| LedgerError::Money {
            event: ev.id.clone(),
            source,
        })?;
        let mut installments = Vec::new();
        let (due, discounts) = match (notation, due_date) {
            (Some(text), None) => {
                let base =
                    match discount_base {
                        Some(b) => Some(Money::new(*b, *currency).map_err(|source| {
                            LedgerError::Money {
                                event: ev.id.clone(),
                                source,
                            }
                        })?),
                        None => None,
                    };
                let opts = ScheduleOptions {
                    discount_base: base,
                    ..Default::default()
                };
                let s = terms
                    .get(text)
                    .map_err(term_err)?
                    .schedule(ev.date, money, &opts)
                    .map_err(term_err)?;
                let d: Vec<(NaiveDate, Decimal)> = s
                    .discounts
                    .iter()
                    .map(|d| (d.deadline, d.amount.amount()))
                    .collect();
                if s.installments.len() > 1 {
                    installments = s
                        .installments
                        .iter()
                        .map(|i| (i.due_date, i.amount.amount()))
                        .collect();
                }
                (s.net_due_date(), d)
            }
            (None, Some(d)) => {
                if *d < ev.date {
                    return Err(Self::not_allowed(
                        ev,
                        format!("due date {d} is before the invoice date {}", ev.date),
                    ));
                }
                (*d, Vec::new())
            }
            _ => {
                return Err(Self::not_allowed(
                    ev,
                    "an invoice needs exactly one of terms or due_date".into(),
                ))
            }
        };
        if let Some(i) = order {
            let o = &mut self.orders[i];
            o.invoiced = add(o.invoiced, amount, "invoiced")?;
        }
        self.insert_item(OpenItem {
            discounts,
            order_id: order_id.clone(),
            delivery_id: delivery_id.clone(),
            collection: ItemCollection {
                installments,
                ..ItemCollection::default()
            },
            ..OpenItem::fresh(invoice_id.clone(), *currency, ev.date, due, amount, amount)
        });
        Ok(())
    }

    /// An open item of an opening balance.
    fn item_imported(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::OpenItemImported {
            invoice_id,
            invoice_date,
            due_date,
            amount,
            open,
            currency,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", false)?;
        let open = self.money(ev, *open, *currency, "open", false)?;
        if open > amount {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "open",
                value: open,
                reason: "exceeds the invoice amount",
            });
        }
        self.ensure_new_item(ev, invoice_id)?;
        self.insert_item(OpenItem {
            collection: ItemCollection {
                imported: true,
                ..ItemCollection::default()
            },
            ..OpenItem::fresh(
                invoice_id.clone(),
                *currency,
                *invoice_date,
                *due_date,
                amount,
                open,
            )
        });
        Ok(())
    }

    /// A charge (interest, fee, compensation) as an open item of its own.
    fn charged(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::Charged {
            charge_id,
            kind,
            amount,
            currency,
            for_invoice,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        self.ensure_new_item(ev, charge_id)?;
        let target = match for_invoice {
            Some(inv) => Some(self.item_idx(ev, inv)?),
            None => None,
        };
        if let Some(t) = target {
            let it = &mut self.items[t];
            match kind {
                ChargeKind::Interest => {
                    it.collection.interest_charged =
                        add(it.collection.interest_charged, amount, "interest charged")?
                }
                ChargeKind::Compensation => it.collection.compensation_charged = true,
                _ => {}
            }
        }
        self.insert_item(OpenItem {
            collection: ItemCollection {
                charge: Some(*kind),
                for_invoice: for_invoice.clone(),
                ..ItemCollection::default()
            },
            ..OpenItem::fresh(
                charge_id.clone(),
                *currency,
                ev.date,
                ev.date,
                amount,
                amount,
            )
        });
        Ok(())
    }
}

/// Reductions other than payments: credit notes and write-offs.
impl AccountState {
    /// A credit note: on an invoice, or on account as an open credit.
    fn credit_note(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::CreditNote {
            invoice_id,
            amount,
            currency,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        match invoice_id {
            Some(inv) => {
                self.reduce_item(ev, inv, amount, *currency)?;
            }
            None => {
                self.room_on_account(*currency, amount)?;
                self.credit_on_account(ev, CreditKind::CreditNote, *currency, amount)
            }
        }
        Ok(())
    }

    /// A write-off of (part of) an invoice.
    fn write_off(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::WriteOff {
            invoice_id,
            amount,
            currency,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        let i = self.reduce_item(ev, invoice_id, amount, *currency)?;
        let it = &mut self.items[i];
        #[expect(
            clippy::arithmetic_side_effects,
            reason = "write-offs reduce the open amount, so their sum is at most the item's amount"
        )]
        {
            it.written_off += amount;
        }
        Ok(())
    }
}

/// Disputes.
impl AccountState {
    /// A dispute opened or resolved on part of an invoice's open amount.
    fn dispute(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let (EventKind::DisputeOpened {
            invoice_id,
            amount,
            currency,
        }
        | EventKind::DisputeResolved {
            invoice_id,
            amount,
            currency,
        }) = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let opened = matches!(ev.kind, EventKind::DisputeOpened { .. });
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        let i = self.item_idx(ev, invoice_id)?;
        let it = &self.items[i];
        Self::same(ev, *currency, it.currency)?;
        let new = if opened {
            add(it.disputed, amount, "disputed")?
        } else {
            sub_nonneg(it.disputed, amount)
        };
        if new > it.open || new < Decimal::ZERO {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "amount",
                value: amount,
                reason: if opened {
                    "disputed amount would exceed the open amount"
                } else {
                    "exceeds the disputed amount"
                },
            });
        }
        self.items[i].disputed = new;
        Ok(())
    }
}

/// Collections: promises, dunning notices and blocks.
impl AccountState {
    /// A promise to pay.
    fn promise(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::PromiseToPay {
            amount,
            currency,
            promised_date,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", true)?;
        if *promised_date < ev.date {
            return Err(Self::not_allowed(
                ev,
                format!("promised date {promised_date} is before the promise"),
            ));
        }
        self.promises.push(Promise {
            made_on: ev.date,
            amount,
            currency: *currency,
            promised_date: *promised_date,
            paid: Decimal::ZERO,
        });
        Ok(())
    }

    /// A dunning notice: raises the items' levels.
    fn dunning_notice(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::DunningNotice { level, invoices } = &ev.kind else {
            return Err(misrouted(ev));
        };
        if *level == 0 {
            return Err(Self::not_allowed(ev, "dunning levels start at 1".into()));
        }
        let mut idx = Vec::with_capacity(invoices.len());
        for inv in invoices {
            idx.push(self.item_idx(ev, inv)?);
        }
        for i in idx {
            let it = &mut self.items[i];
            it.dunning_level = it.dunning_level.max(*level);
            it.collection.last_dunned = Some(ev.date);
        }
        Ok(())
    }

    /// A dunning block on an item or the whole account.
    fn dunning_blocked(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::DunningBlocked {
            invoice_id,
            reason,
            until,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let block = DunningBlock {
            reason: reason.clone(),
            until: *until,
        };
        match invoice_id {
            Some(inv) => {
                let i = self.item_idx(ev, inv)?;
                self.items[i].collection.block = Some(block);
            }
            None => self.dunning_block = Some(block),
        }
        Ok(())
    }
}

/// Master data carried by events: ratings, special liabilities.
impl AccountState {
    /// An external rating.
    fn rating(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::RatingReceived { agency, rating } = &ev.kind else {
            return Err(misrouted(ev));
        };
        self.ratings.push((agency.clone(), rating.clone(), ev.date));
        Ok(())
    }

    /// The host's special liabilities (replaces the previous figure).
    fn special_liabilities(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::SpecialLiabilities { amount, currency } = &ev.kind else {
            return Err(misrouted(ev));
        };
        let amount = self.money(ev, *amount, *currency, "amount", false)?;
        Self::same(ev, *currency, self.currency)?;
        self.special_liabilities = amount;
        Ok(())
    }
}

/// Payments and clearings: allocation (given or oldest due first),
/// early-payment discounts, cash on account and promises kept.
impl AccountState {
    /// Plans how `cash` in `currency` settles items, by `allocations` or
    /// (none given) by the automatic clearing rules of `conv`: (item index,
    /// cash applied, discount taken — with any residue written off) per
    /// item, and the cash left. Changes nothing.
    #[allow(
        clippy::type_complexity,
        clippy::too_many_arguments,
        reason = "a settlement plan is (item, paid, discount) triples over the whole clearing context"
    )]
    fn plan_settlement(
        &self,
        ev: &Event,
        cash: Decimal,
        currency: Currency,
        allocations: &[Allocation],
        reference: Option<&str>,
        discount_date: Option<NaiveDate>,
        conv: LedgerConventions,
    ) -> Result<(Vec<(usize, Decimal, Decimal)>, Decimal), LedgerError> {
        let rule = conv.partial_payment_discount;
        let mut plan: Vec<(usize, Decimal, Decimal)> = Vec::new();
        let mut left = cash;
        if allocations.is_empty() {
            let tol = conv.residue_tolerance;
            let mu = currency.minor_units();
            // (paid, discount) with a residue within the tolerance written
            // off with the discount.
            let with_residue = |it: &OpenItem, paid: Decimal, disc: Decimal| {
                // paid + disc ≤ open (`settle`), so the residue is ≥ 0.
                let residue = sub_nonneg(sub_nonneg(it.open, paid), disc);
                if residue > Decimal::ZERO
                    && super::to_units(residue, mu).is_ok_and(|r| r <= tol.units_for(it.amount, mu))
                {
                    (paid, sub_nonneg(it.open, paid))
                } else {
                    (paid, disc)
                }
            };
            // An item a rule may still take: open, in the cash's currency,
            // not already in the plan (a plan holds a few items), not held
            // by a running payment plan (paid through the plan only).
            let held = self.plan_items_on(ev.date)?;
            let eligible = |i: usize, plan: &[(usize, Decimal, Decimal)]| {
                let it = &self.items[i];
                it.currency == currency
                    && !it.open.is_zero()
                    && !plan.iter().any(|p| p.0 == i)
                    && !held.contains(&i)
            };
            let (start, n) = (self.first_unsettled(), self.items.len());
            for r in conv.auto_clearing.rules() {
                if left.is_zero() {
                    break;
                }
                match r {
                    ClearingRule::ByReference => {
                        let Some(reference) = reference else { continue };
                        let hit = self.find_item(reference).filter(|&i| eligible(i, &plan));
                        if let Some(i) = hit {
                            let it = &self.items[i];
                            let (paid, disc) = it.settle(left, discount_date, rule, false)?;
                            let (paid, disc) = with_residue(it, paid, disc);
                            plan.push((i, paid, disc));
                            left = sub_nonneg(left, paid);
                        }
                    }
                    ClearingRule::ExactAmount => {
                        // The oldest item this cash settles: exactly, or
                        // leaving a residue within the tolerance.
                        let mut hit = None;
                        for i in (start..n).filter(|&i| eligible(i, &plan)) {
                            let it = &self.items[i];
                            let (paid, disc) = it.settle(left, discount_date, rule, false)?;
                            if paid != left {
                                continue;
                            }
                            let (paid, disc) = with_residue(it, paid, disc);
                            if sub_nonneg(it.open, paid) == disc {
                                hit = Some((i, paid, disc));
                                break;
                            }
                        }
                        if let Some((i, paid, disc)) = hit {
                            plan.push((i, paid, disc));
                            left = sub_nonneg(left, paid);
                        }
                    }
                    ClearingRule::OldestDue => {
                        for i in start..n {
                            if left.is_zero() {
                                break;
                            }
                            if !eligible(i, &plan) {
                                continue;
                            }
                            let it = &self.items[i];
                            let (paid, disc) = it.settle(left, discount_date, rule, false)?;
                            let (paid, disc) = with_residue(it, paid, disc);
                            plan.push((i, paid, disc));
                            left = sub_nonneg(left, paid);
                        }
                    }
                }
            }
            return Ok((plan, left));
        }
        let held = self.plan_items_on(ev.date)?;
        for a in allocations {
            let a_amt = self.money(ev, a.amount, currency, "allocation amount", true)?;
            let i = self.item_idx(ev, &a.invoice_id)?;
            if held.contains(&i) {
                let plan = self
                    .plans
                    .iter()
                    .find(|p| p.plan.terms.invoices.contains(&a.invoice_id));
                return Err(Self::not_allowed(
                    ev,
                    format!(
                        "invoice {} is held by plan {}: pay it with a plan_payment",
                        a.invoice_id,
                        plan.map_or("", |p| p.plan_id.as_str())
                    ),
                ));
            }
            if plan.iter().any(|(j, _, _)| *j == i) {
                return Err(Self::not_allowed(
                    ev,
                    format!("invoice {} is allocated twice", a.invoice_id),
                ));
            }
            let it = &self.items[i];
            Self::same(ev, currency, it.currency)?;
            if a_amt > it.open {
                return Err(LedgerError::InvalidAmount {
                    event: ev.id.clone(),
                    field: "allocation amount",
                    value: a_amt,
                    reason: "exceeds the open amount of the invoice",
                });
            }
            if a_amt > left {
                return Err(LedgerError::InvalidAmount {
                    event: ev.id.clone(),
                    field: "allocations",
                    value: a_amt,
                    reason: "allocations exceed the amount available",
                });
            }
            let (paid, disc) = it.settle(a_amt, discount_date, rule, true)?;
            plan.push((i, paid, disc));
            left = sub_nonneg(left, paid);
        }
        Ok((plan, left))
    }

    /// Writes a settlement plan: each item reduced by cash and discount on
    /// the event's date; `as_payment` records it as a payment too.
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "a plan's paid + discount is at most the item's open amount (`settle`), and the discounts taken on an item sum to at most its amount"
    )]
    fn settle_items(
        &mut self,
        date: NaiveDate,
        plan: &[(usize, Decimal, Decimal)],
        as_payment: bool,
    ) {
        for &(i, paid, disc) in plan {
            let it = &mut self.items[i];
            it.open -= paid + disc;
            it.discount_taken += disc;
            it.disputed = it.disputed.min(it.open);
            it.collection.reductions.push((date, paid + disc));
            if as_payment {
                it.collection.payments.push((date, paid + disc));
            }
            it.collection.last_reduction = it.collection.last_reduction.max(Some(date));
        }
        self.note_settled();
    }

    fn apply_payment(
        &mut self,
        ev: &Event,
        conv: LedgerConventions,
        trace: Option<&mut Vec<(usize, Decimal, Decimal)>>,
    ) -> Result<(), LedgerError> {
        let EventKind::Payment {
            amount,
            currency,
            allocations,
            reference,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let (currency, reference) = (*currency, reference.as_deref());
        let amount = self.money(ev, *amount, currency, "amount", true)?;
        // Plan every application first; write only when the plan is valid.
        let (plan, left) = self.plan_settlement(
            ev,
            amount,
            currency,
            allocations,
            reference,
            Some(ev.date),
            conv,
        )?;
        self.room_on_account(currency, left)?;
        if let Some(t) = trace {
            t.extend_from_slice(&plan);
        }
        self.settle_items(ev.date, &plan, true);
        if !left.is_zero() {
            self.credit_on_account(ev, CreditKind::Payment, currency, left);
        }
        // Payments count towards active promises, oldest first.
        let mut towards = amount;
        for p in self.promises.iter_mut() {
            if towards.is_zero() {
                break;
            }
            if p.currency != currency
                || ev.date < p.made_on
                || ev.date > p.promised_date
                || p.paid >= p.amount
            {
                continue;
            }
            let take = sub_nonneg(p.amount, p.paid).min(towards);
            // take ≤ amount − paid, so paid stays at most the amount.
            p.paid = p.paid.saturating_add(take);
            towards = sub_nonneg(towards, take);
        }
        Ok(())
    }

    /// Applies an open credit to items (see [`EventKind::Cleared`]).
    fn cleared(
        &mut self,
        ev: &Event,
        conv: LedgerConventions,
        trace: Option<&mut Vec<(usize, Decimal, Decimal)>>,
    ) -> Result<(), LedgerError> {
        let EventKind::Cleared {
            credit_id,
            allocations,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let k = self
            .credits
            .iter()
            .position(|c| &c.credit_id == credit_id)
            .ok_or_else(|| {
                Self::not_allowed(ev, format!("no open credit {credit_id} on the account"))
            })?;
        let c = &self.credits[k];
        if c.open.is_zero() {
            return Err(Self::not_allowed(
                ev,
                format!("credit {credit_id} is already cleared"),
            ));
        }
        // Cash earns a discount by the day it came in; a credit note none.
        let discount_date = (c.kind == CreditKind::Payment).then_some(c.date);
        let as_payment = c.kind == CreditKind::Payment;
        let (plan, left) = self.plan_settlement(
            ev,
            c.open,
            c.currency,
            allocations,
            None,
            discount_date,
            conv,
        )?;
        let used = sub_nonneg(c.open, left);
        if used.is_zero() {
            return Err(Self::not_allowed(
                ev,
                format!("credit {credit_id} has nothing to clear in its currency"),
            ));
        }
        if let Some(t) = trace {
            if as_payment {
                t.extend_from_slice(&plan);
            }
        }
        self.settle_items(ev.date, &plan, as_payment);
        let c = &mut self.credits[k];
        c.open = left;
        c.clearings.push((ev.date, used));
        Ok(())
    }
}

/// Payment plans agreed on the account ([`EventKind::PlanAgreed`]).
impl AccountState {
    fn plan_idx(&self, ev: &Event, plan_id: &str) -> Result<usize, LedgerError> {
        self.plans
            .iter()
            .position(|p| p.plan_id == plan_id)
            .ok_or_else(|| Self::not_allowed(ev, format!("no plan {plan_id} on the account")))
    }

    /// Positions in `items` of the invoices under a plan that runs on `on`:
    /// agreed on or before it, and current or late then (not broken,
    /// completed or cancelled). Empty, without allocating, on an account
    /// without plans.
    ///
    /// # Errors
    /// A plan whose status cannot be computed (overflow).
    pub fn plan_items_on(&self, on: NaiveDate) -> Result<Vec<usize>, LedgerError> {
        let mut out = Vec::new();
        for p in &self.plans {
            if p.agreed_on > on || !p.runs_on(on)? {
                continue;
            }
            for id in &p.plan.terms.invoices {
                if let Some(i) = self.find_item(id.as_str()) {
                    out.push(i);
                }
            }
        }
        Ok(out)
    }

    fn plan_agreed(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::PlanAgreed { plan_id, terms } = &ev.kind else {
            return Err(misrouted(ev));
        };
        if self.plans.iter().any(|p| &p.plan_id == plan_id) {
            return Err(Self::not_allowed(
                ev,
                format!("plan {plan_id} is already agreed"),
            ));
        }
        if terms.invoices.is_empty() {
            return Err(Self::not_allowed(
                ev,
                "a plan covers at least one invoice".into(),
            ));
        }
        let planned = self.plan_items_on(ev.date)?;
        let mut open = Decimal::ZERO;
        for (k, id) in terms.invoices.iter().enumerate() {
            let i = self.item_idx(ev, id)?;
            let it = &self.items[i];
            Self::same(ev, terms.currency, it.currency)?;
            if it.open.is_zero() || terms.invoices[..k].contains(id) {
                return Err(Self::not_allowed(
                    ev,
                    format!("invoice {id} is settled or listed twice"),
                ));
            }
            if planned.contains(&i) {
                return Err(Self::not_allowed(
                    ev,
                    format!("invoice {id} is under another running plan"),
                ));
            }
            open = super::add(open, it.open, "plan principal")?;
        }
        if terms.principal != open {
            return Err(LedgerError::InvalidAmount {
                event: ev.id.clone(),
                field: "terms.principal",
                value: terms.principal,
                reason: "must equal the open amount of the plan's invoices",
            });
        }
        let plan = PaymentPlan::new((**terms).clone()).map_err(plan_err(ev))?;
        self.plans.push(BookPlan {
            plan_id: plan_id.clone(),
            event_id: ev.id.clone(),
            agreed_on: ev.date,
            plan,
            principal_paid: Decimal::ZERO,
            charges_paid: Decimal::ZERO,
        });
        Ok(())
    }

    fn plan_cancelled(&mut self, ev: &Event) -> Result<(), LedgerError> {
        let EventKind::PlanCancelled { plan_id } = &ev.kind else {
            return Err(misrouted(ev));
        };
        let k = self.plan_idx(ev, plan_id)?;
        if !matches!(self.plans[k].plan.state, PlanState::Active) {
            return Err(Self::not_allowed(
                ev,
                format!("plan {plan_id} is not running"),
            ));
        }
        self.plans[k].plan.cancel(ev.date);
        Ok(())
    }

    /// A payment under a plan ([`EventKind::PlanPayment`]).
    fn plan_payment(
        &mut self,
        ev: &Event,
        trace: Option<&mut Vec<(usize, Decimal, Decimal)>>,
    ) -> Result<(), LedgerError> {
        let EventKind::PlanPayment {
            plan_id,
            amount,
            currency,
        } = &ev.kind
        else {
            return Err(misrouted(ev));
        };
        let k = self.plan_idx(ev, plan_id)?;
        let currency = *currency;
        Self::same(ev, currency, self.plans[k].plan.terms.currency)?;
        let amount = self.money(ev, *amount, currency, "amount", true)?;
        let before = self.plans[k].plan.status(ev.date).map_err(plan_err(ev))?;
        let mut plan = self.plans[k].plan.clone();
        plan.apply_payment(ev.date, amount).map_err(plan_err(ev))?;
        let after = plan.status(ev.date).map_err(plan_err(ev))?;
        let sub = super::sub;
        let principal = sub(
            principal_outstanding(&before)?,
            principal_outstanding(&after)?,
            "plan principal",
        )?;
        let beyond = sub(after.unapplied, before.unapplied, "plan payment")?;
        let charges = sub(
            sub(amount, principal, "plan charges")?,
            beyond,
            "plan charges",
        )?;
        // The principal part pays the plan's invoices, oldest due first.
        let mut left = principal;
        let mut alloc: Vec<(usize, Decimal, Decimal)> = Vec::new();
        for (i, it) in self.items.iter().enumerate() {
            if left.is_zero() {
                break;
            }
            if it.open.is_zero() || !plan.terms.invoices.contains(&it.invoice_id) {
                continue;
            }
            let take = it.open.min(left);
            alloc.push((i, take, Decimal::ZERO));
            left = sub_nonneg(left, take);
        }
        // What the plan is not owed, and principal its invoices no longer
        // need (a credit note reduced one), goes on account.
        let on_account = super::add(beyond, left, "plan payment")?;
        self.room_on_account(currency, on_account)?;
        let bp = &mut self.plans[k];
        bp.plan = plan;
        bp.principal_paid = super::add(
            bp.principal_paid,
            sub_nonneg(principal, left),
            "plan principal",
        )?;
        bp.charges_paid = super::add(bp.charges_paid, charges, "plan charges")?;
        if let Some(t) = trace {
            t.extend_from_slice(&alloc);
        }
        self.settle_items(ev.date, &alloc, true);
        if !on_account.is_zero() {
            self.credit_on_account(ev, CreditKind::Payment, currency, on_account);
        }
        Ok(())
    }
}

/// A plan's error on event `ev`.
fn plan_err(ev: &Event) -> impl Fn(PlanError) -> LedgerError + '_ {
    move |source| LedgerError::Plan {
        event: ev.id.clone(),
        source,
    }
}

/// Principal still owed on a plan (every installment's principal part).
fn principal_outstanding(s: &PlanStatus) -> Result<Decimal, LedgerError> {
    let mut t = Decimal::ZERO;
    for i in &s.installments {
        t = super::add(t, i.outstanding_by_component[3], "plan principal")?;
    }
    Ok(t)
}
