//! A credit check that passes allocates nothing: counted with a global
//! allocator wrapper (this test binary only).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::policy::{Checkpoint, Policy};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded to the system allocator with the same layout.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded to the system allocator with the same layout.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn a_passing_check_allocates_nothing() {
    let policy = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "horizon_days": 30, "blocked_risk_classes": ["E"], "steps": [
        {"step": "customer_blocked", "action": "block"}, {"step": "risk_class_blocked", "action": "block"},
        {"step": "static_limit", "action": "block"}, {"step": "dynamic_limit", "action": "block"},
        {"step": "group_limit", "action": "block"}, {"step": "max_order_value", "action": "warn", "percent_of_limit": "50"},
        {"step": "oldest_overdue", "action": "block", "days": 60, "materiality": "10"},
        {"step": "overdue_amount", "action": "warn", "percent_of_balance": "100"},
        {"step": "dunning_level", "action": "block", "level": 3}, {"step": "limit_expired", "action": "warn"},
        {"step": "review_overdue", "action": "warn"}]}"#,
    )
    .unwrap();
    let eur = Currency::iso("EUR").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut b = CreditBook::new(policy).unwrap();
    b.upsert_customer(Customer::new("G", "Group", eur), day)
        .unwrap();
    let mut c = Customer::new("C1", "Acme", eur);
    c.parent = Some(CustomerId::from("G"));
    b.upsert_customer(c, day).unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("100000.00", eur).unwrap()),
        day,
    )
    .unwrap();
    b.set_group_limit(
        CreditLimit::amount("G", Money::parse("200000.00", eur).unwrap()),
        day,
    )
    .unwrap();
    for i in 0..10 {
        let e: Event = serde_json::from_str(&format!(
            r#"{{"id":"i{i}","customer":"C1","date":"2026-02-0{}","type":"invoiced","invoice_id":"I{i}","amount":"1000.00","currency":"EUR","due_date":"2026-02-2{}"}}"#,
            i % 9 + 1,
            i % 9
        ))
        .unwrap();
        b.apply(e).unwrap();
    }
    let req = OrderRequest {
        customer: CustomerId::from("C1"),
        segment: "default".into(),
        order_id: OrderId::from("O1"),
        amount: Money::parse("2500.00", eur).unwrap(),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: day,
    };
    let first = b.simulate_check(&req).unwrap();
    assert!(first.reasons.is_empty(), "{:?}", first.reasons);
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..1000 {
        let d = b.simulate_check(&req).unwrap();
        assert!(d.reasons.is_empty());
    }
    assert_eq!(ALLOCS.load(Ordering::Relaxed) - before, 0);
}
