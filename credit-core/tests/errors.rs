//! The error classification from the core: each failure a host must tell
//! apart has its own [`ErrorKind`], with the ids it names as details.

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, OrderId};
use credit_core::engine::CreditBook;
use credit_core::error::{Classify, Detail, ErrorKind};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::policy::Policy;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn event(json: &str) -> Event {
    serde_json::from_str(json).unwrap()
}

fn book() -> CreditBook {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "static_limit", "action": "block"}]}"#,
    )
    .unwrap();
    let eur = Currency::iso("EUR").unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("1000.00", eur).unwrap()),
        d("2026-01-01"),
    )
    .unwrap();
    b.apply(event(INVOICE)).unwrap();
    b
}

const INVOICE: &str = r#"{"id": "i1", "customer": "C1", "date": "2026-01-01", "type": "invoiced",
    "invoice_id": "I1", "amount": "700.00", "currency": "EUR", "terms": "Net 30"}"#;

fn text(v: &str) -> Detail {
    Detail::Text(v.into())
}

#[test]
fn book_failures_have_their_own_kinds_and_name_their_ids() {
    let mut b = book();
    let e = b
        .apply(event(&INVOICE.replace("700.00", "701.00")))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingEvent);
    assert_eq!(e.details(), [("event", text("i1"))]);
    let e = b
        .apply(event(&INVOICE.replace(r#""id": "i1""#, r#""id": "i2""#)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
    assert_eq!(e.details(), [("event", text("i2")), ("id", text("I1"))]);
    let e = b
        .apply(event(
            r#"{"id": "p1", "customer": "C1", "date": "2026-01-02", "type": "payment", "amount": "1.00",
                "currency": "EUR", "allocations": [{"invoice_id": "I9", "amount": "1.00"}]}"#,
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownInvoice);
    let e = b
        .apply(event(
            r#"{"id": "p2", "customer": "C1", "date": "2026-01-02", "type": "payment", "amount": "1.00",
                "currency": "USD", "allocations": [{"invoice_id": "I1", "amount": "1.00"}]}"#,
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CurrencyMismatch);
    let cur = |c: &str, mu| Detail::Currency {
        code: c.into(),
        minor_units: mu,
    };
    assert_eq!(
        e.details(),
        [
            ("event", text("p2")),
            ("left", cur("USD", 2)),
            ("right", cur("EUR", 2))
        ]
    );
    let e = b
        .apply(event(
            r#"{"id": "r1", "customer": "C1", "date": "2026-01-02", "type": "reversal", "event_id": "nope"}"#,
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReversalRefused);
    let e = b
        .release(&OrderId::from("O1"), "j.doe", "ok", d("2026-01-02"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotOnHold);
    assert_eq!(e.details(), [("order", text("O1"))]);
    let e = b
        .release(&OrderId::from("O1"), "", "ok", d("2026-01-02"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReleaseIncomplete);
    let e = CreditBook::restore("{}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSnapshot);
}

#[test]
fn module_errors_classify_through_the_crate_error() {
    let e: credit_core::Error = Currency::iso("XYZ").unwrap_err().into();
    assert_eq!(e.kind(), ErrorKind::UnknownCurrency);
    assert_eq!(e.details(), [("code", text("XYZ"))]);
    let e: credit_core::Error = "2/10 net"
        .parse::<credit_core::PaymentTerms>()
        .unwrap_err()
        .into();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert_eq!(e.details()[0].0, "position");
}
