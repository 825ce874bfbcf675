//! Monitoring invariants over generated ledgers: the aging buckets always
//! sum to the open balance; as-of reports equal the same reports on a book
//! holding only the events up to that date; reports do not depend on the
//! order events arrive in; per-customer partials merge to the total; a
//! report after more events equals one on a fresh book (the cached columns
//! are dropped when an account changes).

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use credit_core::customer::{Customer, CustomerId};
use credit_core::engine::CreditBook;
use credit_core::ledger::Event;
use credit_core::money::Currency;
use credit_core::monitor::{GroupBy, Partial};
use credit_core::policy::Policy;
use proptest::prelude::*;
use rust_decimal::Decimal;

const CUSTOMERS: [&str; 3] = ["A", "B", "C"];

fn eur() -> Currency {
    Currency::iso("EUR").unwrap()
}

fn day(n: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(u64::from(n))
}

fn book() -> CreditBook {
    let mut b = CreditBook::new(
        Policy::from_json(r#"{"schema_version": 1, "policy_id": "p", "steps": []}"#).unwrap(),
    )
    .unwrap();
    for c in CUSTOMERS {
        b.upsert_customer(Customer::new(c, c, eur()), day(0))
            .unwrap();
    }
    b
}

/// What happens on a day: amounts in cents; `inv` picks an invoice by
/// number (it may not exist or be another customer's: then the ledger
/// refuses the event, the same way whatever else the book holds later).
#[derive(Debug, Clone)]
enum Op {
    Invoice { cents: i64, terms: u16 },
    Payment { cents: i64 },
    CreditNote { inv: u8, cents: i64 },
    WriteOff { inv: u8, cents: i64 },
    Dispute { inv: u8, cents: i64 },
    Resolve { inv: u8, cents: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (100i64..500_000, 0u16..90).prop_map(|(cents, terms)| Op::Invoice { cents, terms }),
        3 => (100i64..300_000).prop_map(|cents| Op::Payment { cents }),
        1 => (0u8..8, 100i64..50_000).prop_map(|(inv, cents)| Op::CreditNote { inv, cents }),
        1 => (0u8..8, 100i64..50_000).prop_map(|(inv, cents)| Op::WriteOff { inv, cents }),
        1 => (0u8..8, 100i64..80_000).prop_map(|(inv, cents)| Op::Dispute { inv, cents }),
        1 => (0u8..8, 100i64..80_000).prop_map(|(inv, cents)| Op::Resolve { inv, cents }),
    ]
}

/// Events on distinct days per customer (same-day order is the arrival
/// order, which the order-invariance property must not depend on), in
/// date order.
fn ledger(ops: Vec<(usize, u16, Op)>) -> Vec<Event> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut invoices = 0;
    for (n, (c, d, op)) in ops.into_iter().enumerate() {
        if !seen.insert((c, d)) {
            continue;
        }
        let (cust, date) = (CUSTOMERS[c], day(d));
        let money = |cents: i64| Decimal::new(cents, 2).to_string();
        let body = match op {
            Op::Invoice { cents, terms } => {
                invoices += 1;
                format!(
                    r#""type":"invoiced","invoice_id":"I{}","amount":"{}","currency":"EUR","due_date":"{}""#,
                    invoices - 1,
                    money(cents),
                    date + Days::new(u64::from(terms))
                )
            }
            Op::Payment { cents } => {
                format!(
                    r#""type":"payment","amount":"{}","currency":"EUR""#,
                    money(cents)
                )
            }
            Op::CreditNote { inv, cents } => format!(
                r#""type":"credit_note","invoice_id":"I{inv}","amount":"{}","currency":"EUR""#,
                money(cents)
            ),
            Op::WriteOff { inv, cents } => format!(
                r#""type":"write_off","invoice_id":"I{inv}","amount":"{}","currency":"EUR""#,
                money(cents)
            ),
            Op::Dispute { inv, cents } => format!(
                r#""type":"dispute_opened","invoice_id":"I{inv}","amount":"{}","currency":"EUR""#,
                money(cents)
            ),
            Op::Resolve { inv, cents } => format!(
                r#""type":"dispute_resolved","invoice_id":"I{inv}","amount":"{}","currency":"EUR""#,
                money(cents)
            ),
        };
        let json = format!(r#"{{"id":"e{n}","customer":"{cust}","date":"{date}",{body}}}"#);
        out.push(serde_json::from_str(&json).unwrap());
    }
    out.sort_by_key(|e: &Event| e.date);
    out
}

fn ops() -> impl Strategy<Value = Vec<(usize, u16, Op)>> {
    prop::collection::vec((0usize..3, 0u16..240, op()), 1..60)
}

/// Applies what the ledger accepts; returns the accepted events.
fn apply_all(b: &mut CreditBook, events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .filter(|e| b.apply((*e).clone()).is_ok())
        .cloned()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn buckets_sum_to_the_open_balance(ops in ops(), as_of in 0u16..300) {
        let mut b = book();
        apply_all(&mut b, &ledger(ops));
        let d = day(as_of);
        let total = b.aging(d, GroupBy::Total, Some(eur())).unwrap();
        let row = &total.rows[0];
        let sum: Decimal = row.buckets.iter().sum::<Decimal>() + row.disputed;
        prop_assert_eq!(sum, row.total);
        // Aging ties to the open items less the open credits (cash and
        // credit notes on account count negative).
        let open: Decimal = CUSTOMERS
            .iter()
            .flat_map(|c| b.open_items(&CustomerId::from(*c), "default", d).unwrap())
            .map(|i| i.open)
            .sum();
        let credits: Decimal = CUSTOMERS
            .iter()
            .flat_map(|c| b.open_credits(&CustomerId::from(*c), "default", d).unwrap())
            .map(|c| c.open)
            .sum();
        prop_assert_eq!(open - credits, row.total);
        let by = b.aging(d, GroupBy::Customer, Some(eur())).unwrap();
        prop_assert_eq!(by.rows.iter().map(|r| r.total).sum::<Decimal>(), row.total);
    }

    #[test]
    fn as_of_equals_a_book_truncated_at_that_date(
        ops in ops(), as_of in 0u16..260, span in 0u16..90,
    ) {
        let events = ledger(ops);
        let mut full = book();
        apply_all(&mut full, &events);
        let d = day(as_of);
        let mut cut = book();
        let upto: Vec<Event> = events.iter().filter(|e| e.date <= d).cloned().collect();
        apply_all(&mut cut, &upto);
        let from = day(as_of.saturating_sub(span));
        prop_assert_eq!(
            full.aging(d, GroupBy::Customer, Some(eur())).unwrap(),
            cut.aging(d, GroupBy::Customer, Some(eur())).unwrap()
        );
        prop_assert_eq!(
            full.kpis(from, d, GroupBy::Customer, eur()).unwrap(),
            cut.kpis(from, d, GroupBy::Customer, eur()).unwrap()
        );
    }

    #[test]
    fn reports_do_not_depend_on_arrival_order(
        ops in prop::collection::vec(
            (0usize..3, 0u16..240, prop_oneof![
                (100i64..500_000, 0u16..90).prop_map(|(cents, terms)| Op::Invoice { cents, terms }),
                (100i64..300_000).prop_map(|cents| Op::Payment { cents }),
            ]),
            1..50,
        ),
        seed in any::<u64>(),
        to in 30u16..300,
    ) {
        // Invoices and unallocated payments: every one is accepted in any
        // order, a back-dated one replays its account in date order.
        let events = ledger(ops);
        let mut sorted = book();
        prop_assert_eq!(apply_all(&mut sorted, &events).len(), events.len());
        let mut shuffled_events = events.clone();
        let mut s = seed | 1;
        for i in (1..shuffled_events.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            shuffled_events.swap(i, (s % (i as u64 + 1)) as usize);
        }
        // A report half-way fills the cached columns that back-dated events
        // must then drop.
        let mut shuffled = book();
        let half = shuffled_events.len() / 2;
        let mut accepted = apply_all(&mut shuffled, &shuffled_events[..half]).len();
        shuffled.kpis(day(0), day(to), GroupBy::Customer, eur()).unwrap();
        accepted += apply_all(&mut shuffled, &shuffled_events[half..]).len();
        prop_assert_eq!(accepted, events.len());
        let (from, to) = (day(to - 30), day(to));
        prop_assert_eq!(
            sorted.kpis(from, to, GroupBy::Customer, eur()).unwrap(),
            shuffled.kpis(from, to, GroupBy::Customer, eur()).unwrap()
        );
        prop_assert_eq!(
            sorted.aging(to, GroupBy::Total, Some(eur())).unwrap(),
            shuffled.aging(to, GroupBy::Total, Some(eur())).unwrap()
        );
    }

    #[test]
    fn partials_merge_to_the_total_and_reports_follow_new_events(
        ops in ops(), split in 0usize..60, to in 30u16..300,
    ) {
        let events = ledger(ops);
        let (from, to) = (day(to - 30), day(to));
        // Reports between batches (filling the cached columns), then the
        // rest: the same as a book given everything at once.
        let mut stepwise = book();
        let split = split.min(events.len());
        apply_all(&mut stepwise, &events[..split]);
        stepwise.kpis(from, to, GroupBy::Customer, eur()).unwrap();
        stepwise.aging(to, GroupBy::Total, Some(eur())).unwrap();
        apply_all(&mut stepwise, &events[split..]);
        let mut fresh = book();
        apply_all(&mut fresh, &events);
        prop_assert_eq!(
            stepwise.kpis(from, to, GroupBy::Customer, eur()).unwrap(),
            fresh.kpis(from, to, GroupBy::Customer, eur()).unwrap()
        );
        let parts = fresh
            .monitor_partials(from, to, GroupBy::Customer, Some(eur()), 12)
            .unwrap();
        let mut merged = Partial::new(5, 12);
        for p in parts.values() {
            merged.merge(p);
        }
        let total = fresh
            .monitor_partials(from, to, GroupBy::Total, Some(eur()), 12)
            .unwrap();
        prop_assert_eq!(&merged, total.values().next().unwrap());
    }
}
