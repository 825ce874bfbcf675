//! The book under arbitrary operations: customers, limits, FX rates, every
//! event kind (alone and in batches), checks, simulations, releases,
//! withdrawals, policy changes, snapshots and every report — with the
//! book's invariants checked after each step:
//!
//! * a rejected call leaves the book unchanged (its digest);
//! * exposure ties to the open items: undisputed receivables = Σ open −
//!   disputed − open credits (cash and credit notes on account),
//!   disputed = Σ disputed (converted); the open-items view is the
//!   account's items with something open; aging per currency = Σ open of
//!   the items − Σ open of the credits in it;
//! * no cent is created or lost: per account and currency, payments +
//!   discounts + credit notes + write-offs = Σ reductions of the items +
//!   open credits; each item's open amount = its amount − its
//!   reductions (opening balances: their open − their reductions);
//! * a check decides what its simulation decided, on the same figures;
//! * restore(snapshot) equals the live book: digest, document, and every
//!   view.
//!
//! Ids come from small sets so operations collide (duplicates, conflicts,
//! payments against existing invoices, reversals of earlier events).

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{Days, NaiveDate};
use credit_core::customer::{
    CreditLimit, Customer, CustomerId, EventId, InvoiceId, LimitAmount, OrderId, RiskClass,
};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::exposure::FxRates;
use credit_core::ledger::{AccountState, Allocation, ChargeKind, Event, EventKind, OpenItemRow};
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
use credit_core::policy::{Checkpoint, Policy};
use rust_decimal::Decimal;

#[track_caller]
fn add(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let at = std::panic::Location::caller();
    a.checked_add(b)
        .ok_or_else(|| format!("harness sum {a} + {b} overflows (at {at})"))
}

/// What went wrong: the step and the broken invariant.
#[derive(Debug)]
pub struct Failure {
    /// Step index.
    pub step: usize,
    /// The operation.
    pub op: String,
    /// What failed.
    pub what: String,
}

pub(crate) const CUSTOMERS: [&str; 4] = ["C0", "C1", "C2", "C3"];
const SEGMENTS: [&str; 2] = ["default", "eu"];
const CURRENCIES: [&str; 3] = ["EUR", "USD", "JPY"];
const TERMS: [&str; 7] = [
    "Net 30",
    "2/10 Net 30",
    "2/10, 1/20, Net 45",
    "Net 30 EOM",
    "1/10 EOM Net 30",
    "30% due on receipt, 70% net 90",
    "3/10 Net 60",
];

/// A day: most fall in 2026–2028; a few at the ends of the date range.
#[derive(Debug, Clone, Copy)]
pub struct Day(pub u16);

impl<'a> Arbitrary<'a> for Day {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Day(u16::arbitrary(u)?))
    }
}

impl Day {
    pub(crate) fn date(self) -> NaiveDate {
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        match self.0 {
            0xFFFF => NaiveDate::MAX,
            0xFFFE => NaiveDate::MIN,
            0xFFFD => NaiveDate::from_ymd_opt(262_142, 12, 1).unwrap_or(NaiveDate::MAX),
            d => base
                .checked_add_days(Days::new(u64::from(d % 900)))
                .unwrap_or(base),
        }
    }
}

/// An amount: mostly cents; sometimes zero, negative, huge or too precise.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Amt {
    /// Cents.
    Cents(u16),
    /// Whole units (up to ~4 billion).
    Units(u32),
    /// Zero.
    Zero,
    /// Negative cents.
    Neg(u16),
    /// Near the decimal limit.
    Huge(u8),
    /// Three decimals.
    Fine(u16),
}

impl Amt {
    pub(crate) fn dec(self) -> Decimal {
        match self {
            Amt::Cents(c) => Decimal::new(i64::from(c) + 1, 2),
            Amt::Units(u) => Decimal::from(u),
            Amt::Zero => Decimal::ZERO,
            Amt::Neg(c) => -Decimal::new(i64::from(c) + 1, 2),
            Amt::Huge(k) => Decimal::MAX - Decimal::from(k),
            Amt::Fine(c) => Decimal::new(i64::from(c) * 10 + 1, 3),
        }
    }
}

/// A currency index (EUR, USD, JPY).
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Cur(u8);

impl Cur {
    fn code(self) -> &'static str {
        CURRENCIES[usize::from(self.0) % CURRENCIES.len()]
    }
    pub(crate) fn get(self) -> Currency {
        Currency::iso(self.code()).unwrap_or(Currency::iso("EUR").expect("EUR is built in"))
    }
}

/// A customer index.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Cust(u8);

impl Cust {
    pub(crate) fn id(self) -> &'static str {
        CUSTOMERS[usize::from(self.0) % CUSTOMERS.len()]
    }
}

/// A segment index.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Seg(u8);

impl Seg {
    pub(crate) fn name(self) -> &'static str {
        SEGMENTS[usize::from(self.0) % SEGMENTS.len()]
    }
}

/// The kinds of event, with ids from small sets.
#[derive(Debug, Clone, Arbitrary)]
pub enum Kind {
    OrderPlaced {
        order: u8,
        amount: Amt,
        cur: Cur,
        delivery: Option<Day>,
        prepaid: bool,
    },
    OrderChanged {
        order: u8,
        amount: Amt,
        cur: Cur,
        delivery: Option<Day>,
    },
    OrderCancelled {
        order: u8,
    },
    Delivered {
        order: u8,
        delivery: Option<u8>,
        amount: Amt,
        cur: Cur,
    },
    Invoiced {
        inv: u8,
        amount: Amt,
        cur: Cur,
        terms: Option<u8>,
        due: Day,
        order: Option<u8>,
        delivery: Option<u8>,
        discount_base: Option<Amt>,
    },
    Payment {
        amount: Amt,
        cur: Cur,
        allocs: Vec<(u8, Amt)>,
    },
    CreditNote {
        inv: Option<u8>,
        amount: Amt,
        cur: Cur,
    },
    WriteOff {
        inv: u8,
        amount: Amt,
        cur: Cur,
    },
    DisputeOpened {
        inv: u8,
        amount: Amt,
        cur: Cur,
    },
    DisputeResolved {
        inv: u8,
        amount: Amt,
        cur: Cur,
    },
    Reversal {
        event: u8,
    },
    Promise {
        amount: Amt,
        cur: Cur,
        days: u8,
    },
    Dunning {
        level: u8,
        invs: Vec<u8>,
    },
    Rating {
        good: bool,
    },
    Special {
        amount: Amt,
        cur: Cur,
    },
    Charged {
        charge: u8,
        kind: u8,
        amount: Amt,
        cur: Cur,
        for_inv: Option<u8>,
    },
    Blocked {
        inv: Option<u8>,
        until: Day,
    },
    Imported {
        inv: u8,
        amount: Amt,
        open: Amt,
        cur: Cur,
        due: Day,
    },
    Cleared {
        event: u8,
        allocs: Vec<(u8, Amt)>,
    },
}

/// An event: id from a small set (so ids repeat), customer, segment, date.
#[derive(Debug, Clone, Arbitrary)]
pub struct Ev {
    pub id: u8,
    pub c: Cust,
    pub seg: Seg,
    pub day: Day,
    pub kind: Kind,
}

fn inv_id(i: u8) -> InvoiceId {
    InvoiceId(format!("I{}", i % 12))
}
fn ord_id(o: u8) -> OrderId {
    OrderId(format!("O{}", o % 12))
}

impl Ev {
    /// The event, as a host would send it.
    pub fn event(&self) -> Event {
        let day = self.day.date();
        let kind = match &self.kind {
            Kind::OrderPlaced {
                order,
                amount,
                cur,
                delivery,
                prepaid,
            } => EventKind::OrderPlaced {
                order_id: ord_id(*order),
                amount: amount.dec(),
                currency: cur.get(),
                requested_delivery: delivery.map(Day::date),
                prepaid: *prepaid,
            },
            Kind::OrderChanged {
                order,
                amount,
                cur,
                delivery,
            } => EventKind::OrderChanged {
                order_id: ord_id(*order),
                amount: amount.dec(),
                currency: cur.get(),
                requested_delivery: delivery.map(Day::date),
            },
            Kind::OrderCancelled { order } => EventKind::OrderCancelled {
                order_id: ord_id(*order),
            },
            Kind::Delivered {
                order,
                delivery,
                amount,
                cur,
            } => EventKind::Delivered {
                order_id: ord_id(*order),
                delivery_id: delivery.map(|d| format!("D{}", d % 4)),
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::Invoiced {
                inv,
                amount,
                cur,
                terms,
                due,
                order,
                delivery,
                discount_base,
            } => {
                let (terms, due_date) = match terms {
                    Some(t) => (Some(TERMS[usize::from(*t) % TERMS.len()].to_string()), None),
                    None => (None, Some(due.date())),
                };
                EventKind::Invoiced {
                    invoice_id: inv_id(*inv),
                    amount: amount.dec(),
                    currency: cur.get(),
                    terms,
                    due_date,
                    order_id: order.map(ord_id),
                    delivery_id: delivery.map(|d| format!("D{}", d % 4)),
                    discount_base: discount_base.map(Amt::dec),
                }
            }
            Kind::Payment {
                amount,
                cur,
                allocs,
            } => EventKind::Payment {
                amount: amount.dec(),
                currency: cur.get(),
                allocations: allocs
                    .iter()
                    .take(4)
                    .map(|(i, a)| Allocation {
                        invoice_id: inv_id(*i),
                        amount: a.dec(),
                    })
                    .collect(),
                reference: None,
            },
            Kind::CreditNote { inv, amount, cur } => EventKind::CreditNote {
                invoice_id: inv.map(inv_id),
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::WriteOff { inv, amount, cur } => EventKind::WriteOff {
                invoice_id: inv_id(*inv),
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::DisputeOpened { inv, amount, cur } => EventKind::DisputeOpened {
                invoice_id: inv_id(*inv),
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::DisputeResolved { inv, amount, cur } => EventKind::DisputeResolved {
                invoice_id: inv_id(*inv),
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::Reversal { event } => EventKind::Reversal {
                event_id: EventId(format!("e{event}")),
            },
            Kind::Cleared { event, allocs } => EventKind::Cleared {
                credit_id: EventId(format!("e{event}")),
                allocations: allocs
                    .iter()
                    .take(3)
                    .map(|(i, a)| Allocation {
                        invoice_id: inv_id(*i),
                        amount: a.dec(),
                    })
                    .collect(),
            },
            Kind::Promise { amount, cur, days } => EventKind::PromiseToPay {
                amount: amount.dec(),
                currency: cur.get(),
                promised_date: day
                    .checked_add_days(Days::new(u64::from(*days % 60)))
                    .unwrap_or(day),
            },
            Kind::Dunning { level, invs } => EventKind::DunningNotice {
                level: level % 5,
                invoices: invs.iter().take(4).map(|i| inv_id(*i)).collect(),
            },
            Kind::Rating { good } => EventKind::RatingReceived {
                agency: "AG".into(),
                rating: if *good { "A" } else { "C" }.into(),
            },
            Kind::Special { amount, cur } => EventKind::SpecialLiabilities {
                amount: amount.dec(),
                currency: cur.get(),
            },
            Kind::Charged {
                charge,
                kind,
                amount,
                cur,
                for_inv,
            } => EventKind::Charged {
                charge_id: InvoiceId(format!("X{}", charge % 6)),
                kind: [
                    ChargeKind::Interest,
                    ChargeKind::DunningFee,
                    ChargeKind::Compensation,
                    ChargeKind::Fee,
                ][usize::from(*kind) % 4],
                amount: amount.dec(),
                currency: cur.get(),
                for_invoice: for_inv.map(inv_id),
            },
            Kind::Blocked { inv, until } => EventKind::DunningBlocked {
                invoice_id: inv.map(inv_id),
                reason: "talks".into(),
                until: until.date(),
            },
            Kind::Imported {
                inv,
                amount,
                open,
                cur,
                due,
            } => {
                return OpenItemRow {
                    customer: CustomerId::from(self.c.id()),
                    segment: self.seg.name().into(),
                    invoice_id: inv_id(*inv),
                    invoice_date: day,
                    due_date: due.date(),
                    amount: amount.dec(),
                    open: Some(open.dec()),
                    currency: cur.get(),
                }
                .into_event();
            }
        };
        Event {
            id: EventId(format!("e{}", self.id)),
            customer: CustomerId::from(self.c.id()),
            segment: self.seg.name().into(),
            date: day,
            kind,
        }
    }
}

/// A credit check.
#[derive(Debug, Clone, Arbitrary)]
pub struct CheckOp {
    pub c: Cust,
    pub seg: Seg,
    pub order: u8,
    pub amount: Amt,
    pub cur: Cur,
    pub day: Day,
    pub checkpoint: u8,
    pub delivery: Option<Day>,
}

impl CheckOp {
    pub(crate) fn request(&self) -> OrderRequest {
        OrderRequest {
            customer: CustomerId::from(self.c.id()),
            segment: self.seg.name().into(),
            order_id: ord_id(self.order),
            amount: Money::new(self.amount.dec(), self.cur.get())
                .unwrap_or_else(|_| Money::zero(self.cur.get())),
            requested_delivery: self.delivery.map(Day::date),
            checkpoint: Checkpoint::ALL[usize::from(self.checkpoint) % 3],
            as_of: self.day.date(),
        }
    }
}

/// One operation on the book.
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    Customer {
        c: Cust,
        cur: Cur,
        parent: Option<Cust>,
        risk: Option<u8>,
        blocked: bool,
        eu: Option<Cur>,
        review: Option<Day>,
    },
    Limit {
        c: Cust,
        seg: Seg,
        amount: Amt,
        cur: Cur,
        unlimited: bool,
        valid_to: Option<Day>,
        group: bool,
    },
    Fx {
        from: Cur,
        to: Cur,
        rate: u16,
    },
    Event(Ev),
    Batch(Vec<Ev>),
    Check(CheckOp),
    Simulate(CheckOp),
    Release {
        order: u8,
        blank: bool,
        day: Day,
    },
    Withdraw {
        order: u8,
    },
    Policy(u8),
    Snapshot,
    Views {
        c: Cust,
        seg: Seg,
        day: Day,
    },
}

/// The policies the operations switch between: every check step, weights,
/// a dunning procedure, goals — and one with tight bounds.
pub fn policy(which: u8) -> Policy {
    let text = match which % 4 {
        0 => {
            r#"{"schema_version": 1, "policy_id": "static", "steps": [{"step": "static_limit", "action": "block"}]}"#
        }
        1 => {
            r#"{"schema_version": 1, "policy_id": "full", "horizon_days": 30, "blocked_risk_classes": ["E"],
            "rerelease": {"value_tolerance_percent": "10", "max_age_days": 14},
            "steps": [
              {"step": "customer_blocked", "action": "block"},
              {"step": "risk_class_blocked", "action": "block"},
              {"step": "static_limit", "action": "block", "tolerance_percent": "5"},
              {"step": "dynamic_limit", "action": "warn", "tolerance_amount": "10"},
              {"step": "group_limit", "action": "block"},
              {"step": "max_order_value", "action": "warn", "amount": "5000", "percent_of_limit": "50"},
              {"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "10"},
              {"step": "overdue_amount", "action": "warn", "amount": "100", "percent_of_balance": "20"},
              {"step": "dunning_level", "action": "block", "level": 3},
              {"step": "limit_expired", "action": "warn"},
              {"step": "review_overdue", "action": "warn", "checkpoints": ["order"]}],
            "dunning": {"grace_days": 3, "levels": [
              {"level": 1, "min_days_overdue": 7, "fee": "5.00"},
              {"level": 2, "min_days_overdue": 21, "fee": "10.00", "charge_interest": true, "min_interval_days": 10},
              {"level": 3, "min_days_overdue": 45, "fee": "20.00", "charge_interest": true, "block_new_orders": true}],
              "interest": {"basis": {"fixed": "9.0"}},
              "compensation": [{"min_amount": "0", "amount": "40.00"}]}}"#
        }
        2 => {
            r#"{"schema_version": 1, "policy_id": "weights",
            "weights": {"open_orders": "0.5", "delivered_not_invoiced": "1", "open_receivables": "1", "disputed": "0", "special_liabilities": "2"},
            "steps": [{"step": "static_limit", "action": "block"}, {"step": "dynamic_limit", "action": "block"}],
            "monitoring": {"aging": {"basis": "days_past_due", "bounds": [0, 15, 45]}}}"#
        }
        _ => {
            r#"{"schema_version": 1, "policy_id": "tight", "steps": [{"step": "static_limit", "action": "block"}],
            "bounds": {"max_id_bytes": 2, "max_text_bytes": 5}}"#
        }
    };
    match Policy::from_json(text) {
        Ok(p) => p,
        // A policy the harness cannot load is a bug in the harness.
        Err(e) => panic!("harness policy {which}: {e}"),
    }
}

/// The book plus what the harness knows independently of it.
pub struct World {
    pub book: CreditBook,
    /// FX rates as set (mirrors the book's).
    pub fx: FxRates,
    /// Events the book accepted, in arrival order, with whether reversed.
    pub events: Vec<Event>,
    /// Invariant checks run.
    pub checks: u64,
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

impl World {
    /// An empty book under policy 0 with four EUR customers and limits.
    pub fn new() -> Self {
        let mut book = CreditBook::new(policy(0)).expect("policy 0 is valid");
        let d0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        for (i, c) in CUSTOMERS.iter().enumerate() {
            let mut cust = Customer::new(c, c, Currency::iso("EUR").expect("EUR"));
            if i == 3 {
                cust.currency = Currency::iso("JPY").expect("JPY");
                cust.segment_currencies
                    .insert("eu".into(), Currency::iso("EUR").expect("EUR"));
            }
            book.upsert_customer(cust, d0).expect("seed customer");
        }
        // Every account starts with a limit in its own currency, so checks
        // approve and reserve from the first step.
        for c in CUSTOMERS {
            for seg in SEGMENTS {
                let cur = book
                    .customer(&CustomerId::from(c))
                    .map(|x| x.segment_currency(seg))
                    .expect("seeded");
                let mut l = CreditLimit::amount(
                    c,
                    Money::new(Decimal::from(1_000_000), cur).expect("fits"),
                );
                l.segment = seg.into();
                book.set_limit(l, d0).expect("seed limit");
            }
        }
        World {
            book,
            fx: FxRates::default(),
            events: Vec::new(),
            checks: 0,
        }
    }

    /// Runs one operation, then the invariants. `Err` names what broke.
    pub fn step(&mut self, op: &Op) -> Result<(), String> {
        let before = self.book.state_digest();
        let ok = self.apply(op)?;
        if !ok {
            ensure!(
                self.book.state_digest() == before,
                "a rejected call changed the book"
            );
        }
        self.invariants()
    }

    /// Applies `op`; `Ok(false)` when the book refused it.
    fn apply(&mut self, op: &Op) -> Result<bool, String> {
        let d0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        Ok(match op {
            Op::Customer {
                c,
                cur,
                parent,
                risk,
                blocked,
                eu,
                review,
            } => {
                let mut cust = Customer::new(c.id(), c.id(), cur.get());
                cust.parent = parent.map(|p| CustomerId::from(p.id()));
                cust.risk_class = risk.and_then(|r| {
                    RiskClass::new(["A", "B", "C", "D", "E"][usize::from(r) % 5]).ok()
                });
                cust.blocked = blocked.then(|| "fraud".to_string());
                if let Some(e) = eu {
                    cust.segment_currencies.insert("eu".into(), e.get());
                }
                cust.next_review = review.map(Day::date);
                self.book.upsert_customer(cust, d0).is_ok()
            }
            Op::Limit {
                c,
                seg,
                amount,
                cur,
                unlimited,
                valid_to,
                group,
            } => {
                let amount = if *unlimited {
                    LimitAmount::Unlimited
                } else {
                    match Money::new(amount.dec(), cur.get()) {
                        Ok(m) => LimitAmount::Amount(m),
                        Err(_) => return Ok(false),
                    }
                };
                let l = CreditLimit {
                    customer: CustomerId::from(c.id()),
                    segment: seg.name().into(),
                    amount,
                    valid_from: None,
                    reason: None,
                    valid_to: valid_to.map(Day::date),
                    temporary: Vec::new(),
                };
                if *group {
                    self.book.set_group_limit(l, d0).is_ok()
                } else {
                    self.book.set_limit(l, d0).is_ok()
                }
            }
            Op::Fx { from, to, rate } => {
                let r = Decimal::new(i64::from(*rate), 3);
                let ok = self.book.set_fx_rate(from.get(), to.get(), r).is_ok();
                if ok {
                    self.fx
                        .set(from.get(), to.get(), r)
                        .map_err(|e| format!("mirror fx: {e}"))?;
                }
                ok
            }
            Op::Event(ev) => {
                let e = ev.event();
                // The event's JSON reads back as the same event.
                let text = serde_json::to_string(&e).map_err(|x| format!("event to JSON: {x}"))?;
                let back: Event =
                    serde_json::from_str(&text).map_err(|x| format!("{text}: {x}"))?;
                ensure!(back == e, "event JSON round trip: {text}");
                match self.book.apply(e.clone()) {
                    Ok(credit_core::engine::Applied::Applied) => {
                        self.events.push(e);
                        true
                    }
                    Ok(credit_core::engine::Applied::Duplicate) => true,
                    Err(_) => false,
                }
            }
            Op::Batch(evs) => {
                let es: Vec<Event> = evs.iter().take(8).map(Ev::event).collect();
                match self.book.apply_all(es.clone()) {
                    Ok(r) => {
                        for (e, a) in es.into_iter().zip(r) {
                            if a == credit_core::engine::Applied::Applied {
                                self.events.push(e);
                            }
                        }
                        true
                    }
                    Err(_) => false,
                }
            }
            Op::Check(c) => {
                let req = c.request();
                let sim = self.book.simulate_check(&req);
                let inputs = self.book.check_inputs(&req);
                match self.book.check_order(req) {
                    Ok(d) => {
                        let sim =
                            sim.map_err(|e| format!("check ok but simulation failed: {e}"))?;
                        ensure!(sim == d, "the check decided otherwise than its simulation");
                        let log = self.book.decision_log();
                        let last = log.last().ok_or("no log entry after a check")?;
                        ensure!(
                            inputs.as_ref().ok() == Some(&last.inputs),
                            "logged inputs differ from check_inputs"
                        );
                        true
                    }
                    Err(_) => {
                        ensure!(sim.is_err(), "the simulation passed but the check failed");
                        false
                    }
                }
            }
            Op::Simulate(c) => {
                let _ = self.book.simulate_check(&c.request());
                true
            }
            Op::Release { order, blank, day } => {
                let by = if *blank { " " } else { "anna" };
                self.book
                    .release(&ord_id(*order), by, "collateral", day.date())
                    .is_ok()
            }
            Op::Withdraw { order } => {
                self.book.withdraw_order(&ord_id(*order));
                true
            }
            Op::Policy(k) => self.book.set_policy(policy(*k), d0).is_ok(),
            Op::Snapshot => {
                self.restore_equals_live()?;
                true
            }
            Op::Views { c, seg, day } => {
                self.views(c.id(), seg.name(), day.date());
                true
            }
        })
    }

    /// Every report on one account and the whole book: errors are fine
    /// (typed), panics are not.
    fn views(&mut self, c: &str, seg: &str, day: NaiveDate) {
        let id = CustomerId::from(c);
        let eur = Currency::iso("EUR").expect("EUR");
        let b = &mut self.book;
        let _ = b.exposure(&id, seg, day);
        let _ = b.group_exposure(&id, seg, day);
        let _ = b.open_items(&id, seg, day);
        let _ = b.features(&id, seg, day);
        let _ = b.promises(&id, seg, day);
        let _ = b.releasable(day);
        let _ = b.aging(day, GroupBy::Customer, None);
        let from = day.checked_sub_days(Days::new(90)).unwrap_or(day);
        let _ = b.kpis(from, day, GroupBy::Total, eur);
        let _ = b.kpis(from, day, GroupBy::Customer, eur);
        let _ = b.goals_report(day, eur);
        let _ = b.alerts(day, &[], None, &[]);
        let _ = b.kpi_series(from, &[day], GroupBy::Segment, eur);
        if let Ok(run) = b.dunning_run(day, &[]) {
            let _ = run.events();
        }
        let _ = b.worklist(day, eur, &[]);
        let _ = b.backtest(&policy(1));
    }

    /// The invariants of the module docs, on every account.
    pub fn invariants(&mut self) -> Result<(), String> {
        self.checks += 1;
        let far = NaiveDate::MAX;
        // Σ open per customer and currency; `None` once the sum leaves the
        // decimal range (the book's aging must then refuse, not report).
        let mut aging_want: BTreeMap<Currency, Option<Decimal>> = BTreeMap::new();
        for c in CUSTOMERS {
            let id = CustomerId::from(c);
            for seg in SEGMENTS {
                let Some(st) = self.book.account_state(&id, seg).cloned() else {
                    continue;
                };
                self.conservation(c, seg, &st)?;
                for it in &st.items {
                    let e = aging_want.entry(it.currency).or_insert(Some(Decimal::ZERO));
                    *e = e.and_then(|v| v.checked_add(it.open));
                }
                for cr in &st.credits {
                    let e = aging_want.entry(cr.currency).or_insert(Some(Decimal::ZERO));
                    *e = e.and_then(|v| v.checked_sub(cr.open));
                }
                // Exposure ties to the items and unapplied credits.
                let x = match self.book.exposure(&id, seg, far) {
                    Ok(x) => x,
                    // A missing FX rate or an overflow is a refusal, not a tie-out break.
                    Err(_) => continue,
                };
                let cur = st.currency;
                let conv =
                    |fx: &FxRates, v: Decimal, from: Currency| fx.on(far).convert(v, from, cur);
                let mut undisputed = Decimal::ZERO;
                let mut disputed = Decimal::ZERO;
                for it in st.items.iter().filter(|i| !i.open.is_zero()) {
                    let u = conv(&self.fx, it.open - it.disputed, it.currency)
                        .map_err(|e| e.to_string())?;
                    undisputed = add(undisputed, u)?;
                    if !it.disputed.is_zero() {
                        disputed = add(
                            disputed,
                            conv(&self.fx, it.disputed, it.currency).map_err(|e| e.to_string())?,
                        )?;
                    }
                }
                for cr in &st.credits {
                    undisputed = add(
                        undisputed,
                        -conv(&self.fx, cr.open, cr.currency).map_err(|e| e.to_string())?,
                    )?;
                }
                // The total is the sum of its categories at the policy's
                // weights (by hand, not through Figures::weighted).
                let w = self.book.policy().weights;
                let f = &x.figures;
                let mut total = Decimal::ZERO;
                for (v, k) in [
                    (f.open_orders, w.open_orders),
                    (f.delivered_not_invoiced, w.delivered_not_invoiced),
                    (f.receivables, w.open_receivables),
                    (f.disputed, w.disputed),
                    (f.special_liabilities, w.special_liabilities),
                ] {
                    total = add(total, v.checked_mul(k).ok_or("harness product overflows")?)?;
                }
                ensure!(
                    x.total == total,
                    "{c}/{seg}: exposure {} != Σ weighted categories {total}",
                    x.total
                );
                ensure!(
                    x.reserved >= Decimal::ZERO && x.reserved <= f.open_orders,
                    "{c}/{seg}: reserved {} outside the open orders",
                    x.reserved
                );
                ensure!(
                    x.figures.receivables == undisputed,
                    "{c}/{seg}: receivables {} != Σ items {undisputed}",
                    x.figures.receivables
                );
                ensure!(
                    x.figures.disputed == disputed,
                    "{c}/{seg}: disputed {} != Σ items {disputed}",
                    x.figures.disputed
                );
                let open = self
                    .book
                    .open_items(&id, seg, far)
                    .map_err(|e| e.to_string())?;
                let want: Vec<_> = st
                    .items
                    .iter()
                    .filter(|i| !i.open.is_zero())
                    .cloned()
                    .collect();
                ensure!(
                    open == want,
                    "{c}/{seg}: the open-items view differs from the ledger"
                );
            }
        }
        // Aging per currency (no conversion) is the open balance of the
        // items less the open credits in it.
        if let Ok(aging) = self.book.aging(far, GroupBy::Currency, None) {
            for row in &aging.rows {
                let Some(want) = aging_want
                    .get(&row.currency)
                    .copied()
                    .unwrap_or(Some(Decimal::ZERO))
                else {
                    return Err(format!(
                        "aging {} {}: a total {} although Σ open overflows",
                        row.key, row.currency, row.total
                    ));
                };
                ensure!(
                    row.total == want,
                    "aging {} {}: {} != Σ open {want}",
                    row.key,
                    row.currency,
                    row.total
                );
                let sum: Decimal = row.buckets.iter().sum::<Decimal>() + row.disputed;
                ensure!(
                    sum == row.total,
                    "aging {}: buckets do not sum to the total",
                    row.key
                );
            }
        }
        Ok(())
    }

    /// No cent created or lost in one account (see the module docs).
    fn conservation(&self, c: &str, seg: &str, st: &AccountState) -> Result<(), String> {
        let mut reduced: BTreeMap<Currency, Decimal> = BTreeMap::new();
        for it in &st.items {
            let r = it
                .collection
                .reductions
                .iter()
                .try_fold(Decimal::ZERO, |s, (_, a)| add(s, *a))?;
            // An opening balance starts at its imported open amount, which
            // only its import event knows; every other item at its amount.
            if !it.collection.imported {
                ensure!(
                    it.amount - r == it.open,
                    "{c}/{seg} {}: open {} != amount − reductions",
                    it.invoice_id,
                    it.open
                );
            }
            ensure!(
                it.open >= Decimal::ZERO && it.disputed >= Decimal::ZERO && it.disputed <= it.open,
                "{c}/{seg} {}: open or disputed out of range",
                it.invoice_id
            );
            let e = reduced.entry(it.currency).or_default();
            *e = add(*e, r - it.discount_taken)?;
        }
        for cr in &st.credits {
            let e = reduced.entry(cr.currency).or_default();
            *e = add(*e, cr.open)?;
        }
        // What came in: the active (not reversed) events of this account.
        let reversed: Vec<&EventId> = self
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Reversal { event_id } => Some(event_id),
                _ => None,
            })
            .collect();
        let mut came: BTreeMap<Currency, Decimal> = BTreeMap::new();
        for e in self
            .events
            .iter()
            .filter(|e| e.customer.as_str() == c && e.segment == seg)
        {
            if reversed.contains(&&e.id) {
                continue;
            }
            let (cur, a) = match &e.kind {
                EventKind::Payment {
                    amount, currency, ..
                }
                | EventKind::CreditNote {
                    amount, currency, ..
                }
                | EventKind::WriteOff {
                    amount, currency, ..
                } => (*currency, *amount),
                _ => continue,
            };
            let e = came.entry(cur).or_default();
            *e = add(*e, a)?;
        }
        let nonzero = |m: BTreeMap<Currency, Decimal>| -> BTreeMap<Currency, Decimal> {
            m.into_iter().filter(|(_, v)| !v.is_zero()).collect()
        };
        let (came, reduced) = (nonzero(came), nonzero(reduced));
        ensure!(
            came == reduced,
            "{c}/{seg}: money in {came:?} != reductions + unapplied {reduced:?}"
        );
        Ok(())
    }

    /// Restores the book from its snapshot and compares it with the live
    /// one; then continues with the restored book (so later steps run on
    /// it too).
    pub fn restore_equals_live(&mut self) -> Result<(), String> {
        let text = self.book.snapshot().map_err(|e| format!("snapshot: {e}"))?;
        let r = CreditBook::restore(&text).map_err(|e| format!("restore: {e}"))?;
        ensure!(
            r.state_digest() == self.book.state_digest(),
            "restored digest differs"
        );
        let again = r
            .snapshot()
            .map_err(|e| format!("snapshot of the restore: {e}"))?;
        ensure!(
            again == text,
            "snapshot -> restore -> snapshot is not byte-identical"
        );
        let days = [
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default(),
            NaiveDate::MAX,
        ];
        let eur = Currency::iso("EUR").expect("EUR");
        for c in CUSTOMERS {
            let id = CustomerId::from(c);
            for seg in SEGMENTS {
                for d in days {
                    ensure!(
                        format!("{:?}", r.exposure(&id, seg, d))
                            == format!("{:?}", self.book.exposure(&id, seg, d)),
                        "{c}/{seg}: restored exposure on {d} differs"
                    );
                    ensure!(
                        format!("{:?}", r.open_items(&id, seg, d))
                            == format!("{:?}", self.book.open_items(&id, seg, d)),
                        "{c}/{seg}: restored open items on {d} differ"
                    );
                }
            }
        }
        for d in days {
            ensure!(
                format!("{:?}", r.aging(d, GroupBy::Customer, None))
                    == format!("{:?}", self.book.aging(d, GroupBy::Customer, None)),
                "restored aging on {d} differs"
            );
            let from = d.checked_sub_days(Days::new(90)).unwrap_or(d);
            let (a, b) = (
                format!("{:?}", r.kpis(from, d, GroupBy::Customer, eur)),
                format!("{:?}", self.book.kpis(from, d, GroupBy::Customer, eur)),
            );
            ensure!(
                a == b,
                "restored KPIs to {d} differ:\n restored {a}\n live     {b}"
            );
        }
        ensure!(
            format!("{:?}", r.releasable(days[1]))
                == format!("{:?}", self.book.releasable(days[1])),
            "restored releasable holds differ"
        );
        self.book = r;
        Ok(())
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

/// Runs operations from fuzzer bytes, ending with a restore compared with
/// the live book. Panics (for the fuzzer) on a broken invariant.
pub fn run_bytes(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut w = World::new();
    let mut step = 0usize;
    while !u.is_empty() && step < 64 {
        let Ok(op) = Op::arbitrary(&mut u) else { break };
        if let Err(what) = w.step(&op) {
            panic!(
                "{}",
                Failure {
                    step,
                    op: format!("{op:?}"),
                    what
                }
            );
        }
        step += 1;
    }
    if let Err(what) = w.restore_equals_live() {
        panic!(
            "{}",
            Failure {
                step,
                op: "final restore".into(),
                what
            }
        );
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {}: {}\n  op: {}", self.step, self.what, self.op)
    }
}
