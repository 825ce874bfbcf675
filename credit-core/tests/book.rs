//! Worked scenarios for the credit book: ledger stages, idempotency, as-of
//! queries, every check step (pass and fail), holds, releases, re-block
//! tolerance, FX, reservations, snapshots and back-testing. Every expected
//! figure is computed by hand in the comment next to it.

use chrono::NaiveDate;
use credit_core::check::Outcome;
use credit_core::customer::{
    CreditLimit, Customer, CustomerId, LimitAmount, OrderId, RiskClass, TemporaryIncrease,
};
use credit_core::engine::{Applied, BookError, CreditBook, OrderRequest};
use credit_core::ledger::{Event, LedgerError};
use credit_core::money::{Currency, Money};
use credit_core::policy::{Checkpoint, Policy};
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn eur() -> Currency {
    Currency::iso("EUR").unwrap()
}
fn eur_m(s: &str) -> Money {
    Money::parse(s, eur()).unwrap()
}

fn policy(steps: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"schema_version": 1, "policy_id": "test", "horizon_days": 30, "blocked_risk_classes": ["E"],
            "rerelease": {{"value_tolerance_percent": "10", "max_age_days": 14}}, "steps": {steps}}}"#
    ))
    .unwrap()
}

const STATIC: &str = r#"[{"step": "static_limit", "action": "block"}]"#;

fn book_with(steps: &str, limit: &str) -> CreditBook {
    let mut b = CreditBook::new(policy(steps)).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(CreditLimit::amount("C1", eur_m(limit)), d("2026-01-01"))
        .unwrap();
    b
}

fn ev(json: &str) -> Event {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn apply(b: &mut CreditBook, json: &str) -> Applied {
    b.apply(ev(json)).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn req(order: &str, amount: &str, date: &str) -> OrderRequest {
    OrderRequest {
        customer: CustomerId::from("C1"),
        segment: "default".into(),
        order_id: OrderId::from(order),
        amount: eur_m(amount),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(date),
    }
}

fn codes(dec: &credit_core::check::Decision) -> Vec<&'static str> {
    dec.reasons.iter().map(|r| r.code.0).collect()
}

#[test]
fn values_move_between_stages_without_double_counting() {
    let mut b = book_with(STATIC, "10000.00");
    let c = CustomerId::from("C1");
    apply(
        &mut b,
        r#"{"id":"e1","customer":"C1","date":"2026-01-05","type":"order_placed","order_id":"O1","amount":"1000.00","currency":"EUR"}"#,
    );
    let x = b.exposure(&c, "default", d("2026-01-05")).unwrap();
    assert_eq!(
        (
            x.figures.open_orders,
            x.figures.delivered_not_invoiced,
            x.figures.receivables,
            x.total
        ),
        (dec("1000.00"), dec("0"), dec("0"), dec("1000.00"))
    );
    // Deliver 400: 600 open + 400 delivered-not-invoiced, still 1000 in total.
    apply(
        &mut b,
        r#"{"id":"e2","customer":"C1","date":"2026-01-06","type":"delivered","order_id":"O1","amount":"400.00","currency":"EUR"}"#,
    );
    let x = b.exposure(&c, "default", d("2026-01-06")).unwrap();
    assert_eq!(
        (
            x.figures.open_orders,
            x.figures.delivered_not_invoiced,
            x.total
        ),
        (dec("600.00"), dec("400.00"), dec("1000.00"))
    );
    // Invoice the 400: 600 open + 400 receivable.
    apply(
        &mut b,
        r#"{"id":"e3","customer":"C1","date":"2026-01-07","type":"invoiced","invoice_id":"I1","amount":"400.00","currency":"EUR","terms":"Net 30","order_id":"O1"}"#,
    );
    let x = b.exposure(&c, "default", d("2026-01-07")).unwrap();
    assert_eq!(
        (
            x.figures.open_orders,
            x.figures.delivered_not_invoiced,
            x.figures.receivables,
            x.total
        ),
        (dec("600.00"), dec("0"), dec("400.00"), dec("1000.00"))
    );
    let items = b.open_items(&c, "default", d("2026-01-07")).unwrap();
    assert_eq!((items.len(), items[0].due_date), (1, d("2026-02-06")));
    // Payment of 400: receivables 0, total 600 (the undelivered rest).
    apply(
        &mut b,
        r#"{"id":"e4","customer":"C1","date":"2026-01-20","type":"payment","amount":"400.00","currency":"EUR"}"#,
    );
    let x = b.exposure(&c, "default", d("2026-01-20")).unwrap();
    assert_eq!(
        (x.figures.receivables, x.total),
        (dec("0.00"), dec("600.00"))
    );
    // Cancel the rest: nothing left.
    apply(
        &mut b,
        r#"{"id":"e5","customer":"C1","date":"2026-01-21","type":"order_cancelled","order_id":"O1"}"#,
    );
    assert_eq!(
        b.exposure(&c, "default", d("2026-01-21")).unwrap().total,
        dec("0.00")
    );
    // Prepaid orders count zero.
    apply(
        &mut b,
        r#"{"id":"e6","customer":"C1","date":"2026-01-22","type":"order_placed","order_id":"O2","amount":"500.00","currency":"EUR","prepaid":true}"#,
    );
    assert_eq!(
        b.exposure(&c, "default", d("2026-01-22")).unwrap().total,
        dec("0.00")
    );
}

#[test]
fn duplicates_and_rejected_events_change_nothing() {
    let mut b = book_with(STATIC, "10000.00");
    let e1 = r#"{"id":"e1","customer":"C1","date":"2026-01-05","type":"order_placed","order_id":"O1","amount":"1000.00","currency":"EUR"}"#;
    assert_eq!(apply(&mut b, e1), Applied::Applied);
    let before = b.state_digest();
    assert_eq!(apply(&mut b, e1), Applied::Duplicate);
    assert_eq!(b.state_digest(), before);
    // Same id, other content: an error, nothing changes.
    let conflicting = ev(
        r#"{"id":"e1","customer":"C1","date":"2026-01-05","type":"order_placed","order_id":"O1","amount":"999.00","currency":"EUR"}"#,
    );
    assert_eq!(
        b.apply(conflicting),
        Err(BookError::Ledger(LedgerError::ConflictingEvent(
            credit_core::customer::EventId::from("e1")
        )))
    );
    // Over-delivery, unknown order, wrong currency, negative amount, unknown customer, too many decimals.
    for bad in [
        r#"{"id":"x1","customer":"C1","date":"2026-01-06","type":"delivered","order_id":"O1","amount":"1000.01","currency":"EUR"}"#,
        r#"{"id":"x2","customer":"C1","date":"2026-01-06","type":"delivered","order_id":"NOPE","amount":"1.00","currency":"EUR"}"#,
        r#"{"id":"x3","customer":"C1","date":"2026-01-06","type":"delivered","order_id":"O1","amount":"1.00","currency":"USD"}"#,
        r#"{"id":"x4","customer":"C1","date":"2026-01-06","type":"payment","amount":"-5.00","currency":"EUR"}"#,
        r#"{"id":"x5","customer":"C9","date":"2026-01-06","type":"payment","amount":"5.00","currency":"EUR"}"#,
        r#"{"id":"x6","customer":"C1","date":"2026-01-06","type":"payment","amount":"5.001","currency":"EUR"}"#,
        r#"{"id":"x7","customer":"C1","date":"2026-01-06","type":"invoiced","invoice_id":"I1","amount":"5.00","currency":"EUR","terms":"Nett 30"}"#,
        r#"{"id":"x8","customer":"C1","date":"2026-01-06","type":"invoiced","invoice_id":"I1","amount":"5.00","currency":"EUR"}"#,
        r#"{"id":"x9","customer":"C1","date":"2026-01-06","type":"payment","amount":"5.00","currency":"EUR","allocations":[{"invoice_id":"I9","amount":"5.00"}]}"#,
        r#"{"id":"x10","customer":"C1","date":"2026-01-06","type":"order_placed","order_id":"O1","amount":"1.00","currency":"EUR"}"#,
        r#"{"id":"x11","customer":"C1","segment":"other","date":"2026-01-06","type":"delivered","order_id":"O1","amount":"1.00","currency":"EUR"}"#,
    ] {
        assert!(b.apply(ev(bad)).is_err(), "{bad}");
        assert_eq!(b.state_digest(), before, "{bad}");
    }
    let err = b.apply(ev(r#"{"id":"x12","customer":"C1","date":"2026-01-06","type":"delivered","order_id":"O1","amount":"1.00","currency":"USD"}"#)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event x12: currency USD does not match EUR"
    );
}

#[test]
fn as_of_queries_ignore_later_events() {
    let mut b = book_with(STATIC, "10000.00");
    let c = CustomerId::from("C1");
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"EUR","due_date":"2026-01-31"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"p1","customer":"C1","date":"2026-02-01","type":"payment","amount":"1000.00","currency":"EUR"}"#,
    );
    assert_eq!(
        b.exposure(&c, "default", d("2026-01-15"))
            .unwrap()
            .figures
            .receivables,
        dec("1000.00")
    );
    assert_eq!(
        b.open_items(&c, "default", d("2026-01-31")).unwrap().len(),
        1
    );
    assert_eq!(
        b.exposure(&c, "default", d("2026-02-01"))
            .unwrap()
            .figures
            .receivables,
        dec("0.00")
    );
    assert!(b
        .open_items(&c, "default", d("2026-02-01"))
        .unwrap()
        .is_empty());
    // Before the invoice: nothing.
    assert_eq!(
        b.exposure(&c, "default", d("2025-12-31")).unwrap().total,
        dec("0")
    );
}

#[test]
fn static_limit_with_tolerance_and_reservation() {
    let steps = r#"[{"step": "static_limit", "action": "block", "tolerance_percent": "10"}]"#;
    let mut b = book_with(steps, "1000.00");
    // Limit 1000 + 10 % = 1100. 600 passes; the 600 is reserved.
    let d1 = b.check_order(req("O1", "600.00", "2026-01-10")).unwrap();
    assert_eq!(
        (
            d1.outcome,
            d1.exposure_before,
            d1.exposure_after,
            d1.available
        ),
        (
            Outcome::Approved,
            dec("0"),
            dec("600.00"),
            Some(dec("1000.00"))
        )
    );
    // 600 more would make 1200 > 1100: blocked, with the figures.
    let d2 = b.check_order(req("O2", "600.00", "2026-01-10")).unwrap();
    assert_eq!(d2.outcome, Outcome::Blocked);
    assert_eq!(codes(&d2), ["STATIC_LIMIT_EXCEEDED"]);
    assert_eq!(
        (d2.reasons[0].threshold, d2.reasons[0].observed),
        (Some(dec("1100.00")), Some(dec("1200.00")))
    );
    assert_eq!(
        (d2.exposure_before, d2.available),
        (dec("600.00"), Some(dec("400.00")))
    );
    assert_eq!(b.holds().count(), 1);
    // 500 fits exactly: 600 + 500 = 1100.
    assert_eq!(
        b.check_order(req("O3", "500.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    // Placing O1 turns its reservation into an open order: still 1100 in total, not 1700.
    apply(
        &mut b,
        r#"{"id":"e1","customer":"C1","date":"2026-01-11","type":"order_placed","order_id":"O1","amount":"600.00","currency":"EUR"}"#,
    );
    let x = b
        .exposure(&CustomerId::from("C1"), "default", d("2026-01-11"))
        .unwrap();
    assert_eq!(
        (x.figures.open_orders, x.reserved),
        (dec("1100.00"), dec("500.00"))
    );
    // Re-checking O1 at delivery does not count it twice: 500 + 600 = 1100.
    let mut r = req("O1", "600.00", "2026-01-12");
    r.checkpoint = Checkpoint::Delivery;
    let d4 = b.check_order(r).unwrap();
    assert_eq!(
        (d4.outcome, d4.exposure_before, d4.exposure_after),
        (Outcome::Approved, dec("500.00"), dec("1100.00"))
    );
}

#[test]
fn no_limit_defined_unlimited_and_zero_are_distinct() {
    let mut b = CreditBook::new(policy(STATIC)).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    let x = b.check_order(req("O1", "1.00", "2026-01-10")).unwrap();
    assert_eq!(codes(&x), ["NO_LIMIT_DEFINED"]);
    let mut unl = CreditLimit::amount("C1", eur_m("0"));
    unl.amount = LimitAmount::Unlimited;
    b.set_limit(unl, d("2026-01-10")).unwrap();
    assert_eq!(
        b.check_order(req("O2", "1000000.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    b.set_limit(CreditLimit::amount("C1", eur_m("0")), d("2026-01-10"))
        .unwrap();
    assert_eq!(
        codes(&b.check_order(req("O3", "0.01", "2026-01-10")).unwrap()),
        ["STATIC_LIMIT_EXCEEDED"]
    );
}

#[test]
fn dynamic_limit_leaves_out_orders_beyond_the_horizon() {
    let steps = r#"[{"step": "dynamic_limit", "action": "block"}, {"step": "static_limit", "action": "warn"}]"#;
    let mut b = book_with(steps, "1000.00");
    // An order for delivery in 60 days (beyond the 30-day horizon) and one in 10.
    apply(
        &mut b,
        r#"{"id":"e1","customer":"C1","date":"2026-01-01","type":"order_placed","order_id":"FAR","amount":"800.00","currency":"EUR","requested_delivery":"2026-03-01"}"#,
    );
    let mut r = req("NEAR", "500.00", "2026-01-01");
    r.requested_delivery = Some(d("2026-01-11"));
    // Dynamic: 0 + 500 ≤ 1000 passes; static: 800 + 500 = 1300 > 1000 warns.
    let x = b.check_order(r).unwrap();
    assert_eq!(
        (x.outcome, codes(&x)),
        (Outcome::ApprovedWithWarnings, vec!["STATIC_LIMIT_EXCEEDED"])
    );
    // A month later FAR is within the horizon: 800 + 500 (reserved NEAR) + 100 > 1000.
    let mut r = req("LATER", "100.00", "2026-02-15");
    r.requested_delivery = Some(d("2026-02-20"));
    let x = b.check_order(r).unwrap();
    assert_eq!(
        codes(&x),
        ["DYNAMIC_LIMIT_EXCEEDED", "STATIC_LIMIT_EXCEEDED"]
    );
    assert_eq!(x.reasons[0].observed, Some(dec("1400.00")));
}

#[test]
fn customer_risk_class_review_and_expiry_steps() {
    let steps = r#"[{"step": "customer_blocked", "action": "block"}, {"step": "risk_class_blocked", "action": "block"},
                    {"step": "limit_expired", "action": "warn"}, {"step": "review_overdue", "action": "warn"}]"#;
    let mut b = book_with(steps, "1000.00");
    assert_eq!(
        b.check_order(req("O1", "1.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    let mut c = Customer::new("C1", "Acme", eur());
    c.blocked = Some("insolvency filing".into());
    c.risk_class = Some(RiskClass::new("E").unwrap());
    c.next_review = Some(d("2026-01-09"));
    b.upsert_customer(c, d("2026-01-10")).unwrap();
    let mut l = CreditLimit::amount("C1", eur_m("1000.00"));
    l.valid_to = Some(d("2026-01-09"));
    b.set_limit(l, d("2026-01-10")).unwrap();
    let x = b.check_order(req("O2", "1.00", "2026-01-10")).unwrap();
    assert_eq!(x.outcome, Outcome::Blocked);
    assert_eq!(
        codes(&x),
        [
            "CUSTOMER_BLOCKED",
            "RISK_CLASS_BLOCKED",
            "LIMIT_EXPIRED",
            "REVIEW_OVERDUE"
        ]
    );
    // On the validity and review dates themselves nothing has expired yet.
    assert_eq!(
        codes(&b.check_order(req("O3", "1.00", "2026-01-09")).unwrap()),
        ["CUSTOMER_BLOCKED", "RISK_CLASS_BLOCKED"]
    );
}

#[test]
fn temporary_increase_counts_only_within_its_dates() {
    let mut b = book_with(STATIC, "1000.00");
    let mut l = CreditLimit::amount("C1", eur_m("1000.00"));
    l.temporary.push(TemporaryIncrease {
        amount: eur_m("500.00"),
        from: d("2026-12-01"),
        to: d("2026-12-31"),
    });
    b.set_limit(l, d("2026-11-01")).unwrap();
    assert_eq!(
        b.check_order(req("O1", "1200.00", "2026-11-30"))
            .unwrap()
            .outcome,
        Outcome::Blocked
    );
    let x = b.check_order(req("O2", "1200.00", "2026-12-01")).unwrap();
    assert_eq!(
        (x.outcome, x.limit),
        (Outcome::Approved, Some(dec("1500.00")))
    );
}

#[test]
fn max_order_value_by_amount_and_percent_of_limit() {
    let steps = r#"[{"step": "max_order_value", "action": "warn", "amount": "800", "percent_of_limit": "50"}]"#;
    let mut b = book_with(steps, "1000.00");
    // The tighter of 800 and 50 % of 1000 = 500 applies.
    assert_eq!(
        b.check_order(req("O1", "500.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    let x = b.check_order(req("O2", "500.01", "2026-01-10")).unwrap();
    assert_eq!(
        (x.outcome, x.reasons[0].threshold),
        (Outcome::ApprovedWithWarnings, Some(dec("500.00")))
    );
}

#[test]
fn oldest_overdue_counts_material_undisputed_unpromised_items() {
    let steps =
        r#"[{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "50"}]"#;
    let mut b = book_with(steps, "100000.00");
    // I1 due 2026-01-31 (100.00), I2 due 2026-02-28 (1000.00).
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"100.00","currency":"EUR","due_date":"2026-01-31"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"b","customer":"C1","date":"2026-01-29","type":"invoiced","invoice_id":"I2","amount":"1000.00","currency":"EUR","due_date":"2026-02-28"}"#,
    );
    // On 2026-03-05 I1 is 33 days overdue (Jan 31 → Mar 5), I2 only 5.
    let x = b.check_order(req("O1", "1.00", "2026-03-05")).unwrap();
    assert_eq!(
        (codes(&x), x.reasons[0].observed),
        (vec!["OLDEST_ITEM_OVERDUE"], Some(dec("33")))
    );
    // Disputing 60 of I1 leaves 40 < materiality 50: I1 no longer counts.
    apply(
        &mut b,
        r#"{"id":"c","customer":"C1","date":"2026-03-05","type":"dispute_opened","invoice_id":"I1","amount":"60.00","currency":"EUR"}"#,
    );
    assert_eq!(
        b.check_order(req("O2", "1.00", "2026-03-05"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    apply(
        &mut b,
        r#"{"id":"d","customer":"C1","date":"2026-03-05","type":"dispute_resolved","invoice_id":"I1","amount":"60.00","currency":"EUR"}"#,
    );
    assert_eq!(
        b.check_order(req("O3", "1.00", "2026-03-05"))
            .unwrap()
            .outcome,
        Outcome::Blocked
    );
    // A promise to pay 80 by 2026-03-20 covers 80 of I1 (oldest first): 20 left < 50.
    apply(
        &mut b,
        r#"{"id":"e","customer":"C1","date":"2026-03-05","type":"promise_to_pay","amount":"80.00","currency":"EUR","promised_date":"2026-03-20"}"#,
    );
    assert_eq!(
        b.check_order(req("O4", "1.00", "2026-03-06"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    // After the promised date the promise no longer covers anything.
    let x = b.check_order(req("O5", "1.00", "2026-03-21")).unwrap();
    assert_eq!(
        (codes(&x), x.reasons[0].observed),
        (vec!["OLDEST_ITEM_OVERDUE"], Some(dec("49")))
    );
}

#[test]
fn overdue_amount_and_dunning_level() {
    let steps = r#"[{"step": "overdue_amount", "action": "warn", "percent_of_balance": "25"},
                    {"step": "dunning_level", "action": "block", "level": 2}]"#;
    let mut b = book_with(steps, "100000.00");
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"300.00","currency":"EUR","due_date":"2026-01-31"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"b","customer":"C1","date":"2026-02-01","type":"invoiced","invoice_id":"I2","amount":"700.00","currency":"EUR","due_date":"2026-03-03"}"#,
    );
    // On 2026-02-10: overdue 300 of balance 1000 = 30 % > 25 % (threshold 250).
    let x = b.check_order(req("O1", "1.00", "2026-02-10")).unwrap();
    assert_eq!(
        (codes(&x), x.reasons[0].threshold, x.reasons[0].observed),
        (
            vec!["OVERDUE_AMOUNT_EXCEEDED"],
            Some(dec("250.00")),
            Some(dec("300.00"))
        )
    );
    apply(
        &mut b,
        r#"{"id":"c","customer":"C1","date":"2026-02-10","type":"dunning_notice","level":1,"invoices":["I1"]}"#,
    );
    assert_eq!(
        b.check_order(req("O2", "1.00", "2026-02-10"))
            .unwrap()
            .outcome,
        Outcome::ApprovedWithWarnings
    );
    apply(
        &mut b,
        r#"{"id":"d","customer":"C1","date":"2026-02-20","type":"dunning_notice","level":2,"invoices":["I1"]}"#,
    );
    let x = b.check_order(req("O3", "1.00", "2026-02-20")).unwrap();
    assert_eq!(
        (x.outcome, codes(&x)),
        (
            Outcome::Blocked,
            vec!["OVERDUE_AMOUNT_EXCEEDED", "DUNNING_LEVEL_REACHED"]
        )
    );
    // Paying I1 clears both.
    apply(
        &mut b,
        r#"{"id":"e","customer":"C1","date":"2026-02-21","type":"payment","amount":"300.00","currency":"EUR","allocations":[{"invoice_id":"I1","amount":"300.00"}]}"#,
    );
    assert_eq!(
        b.check_order(req("O4", "1.00", "2026-02-21"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
}

#[test]
fn group_limit_is_shared_by_the_members() {
    let steps = r#"[{"step": "static_limit", "action": "block"}, {"step": "group_limit", "action": "block"}]"#;
    let mut b = book_with(steps, "5000.00");
    let mut child = Customer::new("C2", "Acme Sub", eur());
    child.parent = Some(CustomerId::from("C1"));
    b.upsert_customer(child, d("2026-01-01")).unwrap();
    b.set_limit(CreditLimit::amount("C2", eur_m("5000.00")), d("2026-01-01"))
        .unwrap();
    b.set_group_limit(CreditLimit::amount("C1", eur_m("6000.00")), d("2026-01-01"))
        .unwrap();
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"order_placed","order_id":"P1","amount":"4000.00","currency":"EUR"}"#,
    );
    // C2's own limit allows 3000, but the group has 4000 + 3000 = 7000 > 6000.
    let mut r = req("S1", "3000.00", "2026-01-02");
    r.customer = CustomerId::from("C2");
    let x = b.check_order(r).unwrap();
    assert_eq!(codes(&x), ["GROUP_LIMIT_EXCEEDED"]);
    assert_eq!(
        (x.reasons[0].threshold, x.reasons[0].observed),
        (Some(dec("6000.00")), Some(dec("7000.00")))
    );
    let mut r = req("S2", "2000.00", "2026-01-02");
    r.customer = CustomerId::from("C2");
    assert_eq!(b.check_order(r).unwrap().outcome, Outcome::Approved);
    // A parent that would loop is refused.
    let mut loopy = Customer::new("C1", "Acme", eur());
    loopy.parent = Some(CustomerId::from("C2"));
    assert!(b.upsert_customer(loopy, d("2026-01-02")).is_err());
}

#[test]
fn holds_releases_and_the_rerelease_tolerance() {
    let mut b = book_with(STATIC, "1000.00");
    let x = b.check_order(req("O1", "1500.00", "2026-01-10")).unwrap();
    assert_eq!(x.outcome, Outcome::Blocked);
    assert!(b
        .release(&OrderId::from("O1"), "", "ok", d("2026-01-10"))
        .is_err());
    let rel = b
        .release(
            &OrderId::from("O1"),
            "j.doe",
            "secured by bank guarantee",
            d("2026-01-11"),
        )
        .unwrap();
    assert_eq!((rel.by.as_str(), rel.amount), ("j.doe", eur_m("1500.00")));
    assert_eq!(b.holds().count(), 0);
    // At delivery, up to 1500 + 10 % = 1650 and within 14 days: not blocked again.
    let mut r = req("O1", "1650.00", "2026-01-25");
    r.checkpoint = Checkpoint::Delivery;
    let x = b.check_order(r.clone()).unwrap();
    assert_eq!(
        (x.outcome, x.protected_by_release),
        (Outcome::Approved, true)
    );
    // Grown beyond the tolerance: checked again, and blocked.
    r.amount = eur_m("1650.01");
    assert_eq!(b.check_order(r.clone()).unwrap().outcome, Outcome::Blocked);
    b.release(
        &OrderId::from("O1"),
        "j.doe",
        "approved again",
        d("2026-01-25"),
    )
    .unwrap();
    // A release older than 14 days no longer protects it.
    r.amount = eur_m("1000.00");
    r.as_of = d("2026-02-09");
    r.checkpoint = Checkpoint::Invoice;
    let x = b.check_order(r).unwrap();
    assert!(!x.protected_by_release);
    assert_eq!(b.releases().len(), 2);
}

#[test]
fn limit_change_reports_releasable_holds() {
    let mut b = book_with(STATIC, "1000.00");
    b.check_order(req("O1", "1500.00", "2026-01-10")).unwrap();
    b.check_order(req("O2", "3000.00", "2026-01-10")).unwrap();
    let rel = b
        .set_limit(CreditLimit::amount("C1", eur_m("2000.00")), d("2026-01-11"))
        .unwrap();
    assert_eq!(rel.releasable_ids(), ["O1"]);
    assert!(rel.not_rechecked.is_empty());
    // Reported, not released: both stay on hold until someone decides.
    assert_eq!(b.holds().count(), 2);
}

#[test]
fn fx_conversion_and_missing_rates() {
    let mut b = book_with(STATIC, "10000.00");
    let c = CustomerId::from("C1");
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"USD","due_date":"2026-01-31"}"#,
    );
    let err = b.exposure(&c, "default", d("2026-01-02")).unwrap_err();
    assert_eq!(
        err,
        BookError::Ledger(LedgerError::MissingRate {
            from: Currency::iso("USD").unwrap(),
            to: eur()
        })
    );
    assert_eq!(err.to_string(), "no FX rate from USD to EUR");
    b.set_fx_rate(Currency::iso("USD").unwrap(), eur(), dec("0.9234"))
        .unwrap();
    // 1000.00 × 0.9234 = 923.40.
    assert_eq!(
        b.exposure(&c, "default", d("2026-01-02"))
            .unwrap()
            .figures
            .receivables,
        dec("923.4000")
    );
    // A JPY order: 100000 × 0.0061 = 610.00 EUR.
    b.set_fx_rate(Currency::iso("JPY").unwrap(), eur(), dec("0.0061"))
        .unwrap();
    let mut r = req("O1", "1.00", "2026-01-02");
    r.amount = Money::parse("100000", Currency::iso("JPY").unwrap()).unwrap();
    let x = b.check_order(r).unwrap();
    assert_eq!(x.exposure_after - x.exposure_before, dec("610.00"));
}

#[test]
fn payments_take_discounts_only_when_earned() {
    let mut b = book_with(STATIC, "10000.00");
    let c = CustomerId::from("C1");
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"EUR","terms":"2/10 Net 30"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"b","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I2","amount":"1000.00","currency":"EUR","terms":"2/10 Net 30"}"#,
    );
    // 980 on the deadline (Jan 11) settles I1 with the 20 discount.
    apply(
        &mut b,
        r#"{"id":"p1","customer":"C1","date":"2026-01-11","type":"payment","amount":"980.00","currency":"EUR"}"#,
    );
    let items = b.open_items(&c, "default", d("2026-01-11")).unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.invoice_id.as_str(), i.open))
            .collect::<Vec<_>>(),
        [("I2", dec("1000.00"))]
    );
    // 980 a day late does not earn it: 20 stays open on I2.
    apply(
        &mut b,
        r#"{"id":"p2","customer":"C1","date":"2026-01-12","type":"payment","amount":"980.00","currency":"EUR","allocations":[{"invoice_id":"I2","amount":"980.00"}]}"#,
    );
    let items = b.open_items(&c, "default", d("2026-01-12")).unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.invoice_id.as_str(), i.open))
            .collect::<Vec<_>>(),
        [("I2", dec("20.00"))]
    );
    // Reversing p2 reopens I2 in full.
    apply(
        &mut b,
        r#"{"id":"r1","customer":"C1","date":"2026-01-13","type":"reversal","event_id":"p2"}"#,
    );
    assert_eq!(
        b.open_items(&c, "default", d("2026-01-13")).unwrap()[0].open,
        dec("1000.00")
    );
    // Reversing the same payment twice is refused.
    assert!(b
        .apply(ev(
            r#"{"id":"r2","customer":"C1","date":"2026-01-13","type":"reversal","event_id":"p2"}"#
        ))
        .is_err());
}

#[test]
fn reversal_that_breaks_later_events_is_refused() {
    let mut b = book_with(STATIC, "10000.00");
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"100.00","currency":"EUR","due_date":"2026-01-31"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"p","customer":"C1","date":"2026-01-05","type":"payment","amount":"100.00","currency":"EUR","allocations":[{"invoice_id":"I1","amount":"100.00"}]}"#,
    );
    let before = b.state_digest();
    let err = b
        .apply(ev(
            r#"{"id":"r","customer":"C1","date":"2026-01-06","type":"reversal","event_id":"a"}"#,
        ))
        .unwrap_err();
    assert!(err.to_string().contains("unknown invoice I1"), "{err}");
    assert_eq!(b.state_digest(), before);
}

#[test]
fn snapshot_restore_and_backtest() {
    let mut b = book_with(STATIC, "1000.00");
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"700.00","currency":"EUR","terms":"Net 30"}"#,
    );
    b.check_order(req("O1", "200.00", "2026-01-02")).unwrap();
    b.check_order(req("O2", "200.00", "2026-01-02")).unwrap();
    b.release(&OrderId::from("O2"), "j.doe", "ok", d("2026-01-03"))
        .unwrap();
    let snap = b.snapshot().unwrap();
    let restored = CreditBook::restore(&snap).unwrap();
    assert_eq!(restored.state_digest(), b.state_digest());
    assert!(
        CreditBook::restore(&snap.replacen("\"schema_version\":1", "\"schema_version\":2", 1))
            .is_err()
    );
    // The log tells why O2 was blocked, with the policy id and the figures seen.
    let why: Vec<_> = b.decisions_for(&OrderId::from("O2")).collect();
    assert_eq!(
        (
            why[0].policy_id.as_str(),
            why[0].inputs.figures.receivables,
            why[0].decision.outcome
        ),
        ("test", dec("700.00"), Outcome::Blocked)
    );
    // Policy v2 with 20 % tolerance would have approved O2 (1100 ≤ 1200).
    let v2 = Policy::from_json(r#"{"schema_version": 1, "policy_id": "v2", "steps": [{"step": "static_limit", "action": "block", "tolerance_percent": "20"}]}"#).unwrap();
    let bt = b.backtest(&v2).unwrap();
    assert_eq!((bt.total, bt.changed.len()), (2, 1));
    assert_eq!(
        (bt.changed[0].1.as_str(), bt.changed[0].2, bt.changed[0].3),
        ("O2", Outcome::Blocked, Outcome::Approved)
    );
}

#[test]
fn policy_validation_names_the_field() {
    let err = Policy::from_json(r#"{"schema_version": 1, "policy_id": "x", "steps": [{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "-1"}]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid policy field steps[0].materiality: -1 (must not be negative)"
    );
    assert!(
        Policy::from_json(r#"{"schema_version": 2, "policy_id": "x", "steps": []}"#)
            .unwrap_err()
            .to_string()
            .contains("schema_version")
    );
    assert!(Policy::from_json(r#"{"schema_version": 1, "policy_id": "x", "steps": [{"step": "static_limit", "action": "explode"}]}"#).is_err());
    assert!(Policy::from_json(r#"{"schema_version": 1, "policy_id": "x", "steps": [{"step": "max_order_value", "action": "warn"}]}"#)
        .unwrap_err()
        .to_string()
        .contains("steps[0].amount"));
    assert!(Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "x", "weights": {"open_orders": 1}, "steps": []}"#
    )
    .is_err());
}

#[test]
fn back_dated_events_apply_in_date_order() {
    let mut b = book_with(STATIC, "10000.00");
    let c = CustomerId::from("C1");
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"100.00","currency":"EUR","due_date":"2026-01-31"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"p1","customer":"C1","date":"2026-01-20","type":"payment","amount":"100.00","currency":"EUR"}"#,
    );
    assert!(b
        .open_items(&c, "default", d("2026-01-20"))
        .unwrap()
        .is_empty());
    // An invoice dated earlier, due earlier, arrives late: in date order the
    // automatic payment went to it (oldest due first), so I1 is open again.
    apply(
        &mut b,
        r#"{"id":"i0","customer":"C1","date":"2025-12-31","type":"invoiced","invoice_id":"I0","amount":"100.00","currency":"EUR","due_date":"2026-01-15"}"#,
    );
    let open = b.open_items(&c, "default", d("2026-01-20")).unwrap();
    assert_eq!(
        open.iter()
            .map(|i| (i.invoice_id.as_str(), i.open))
            .collect::<Vec<_>>(),
        [("I1", dec("100.00"))]
    );
    // As of 2026-01-10 both invoices were open.
    assert_eq!(
        b.open_items(&c, "default", d("2026-01-10")).unwrap().len(),
        2
    );
    // A back-dated change that a later delivery contradicts is refused.
    apply(
        &mut b,
        r#"{"id":"o1","customer":"C1","date":"2026-02-01","type":"order_placed","order_id":"O1","amount":"500.00","currency":"EUR"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"o2","customer":"C1","date":"2026-02-10","type":"delivered","order_id":"O1","amount":"400.00","currency":"EUR"}"#,
    );
    let before = b.state_digest();
    let bad = ev(
        r#"{"id":"o3","customer":"C1","date":"2026-02-05","type":"order_changed","order_id":"O1","amount":"300.00","currency":"EUR"}"#,
    );
    let err = b.apply(bad).unwrap_err();
    assert!(err.to_string().contains("o2"), "{err}");
    assert_eq!(b.state_digest(), before);
}

#[test]
fn invoices_link_to_deliveries_and_groups_report_exposure() {
    let mut b = book_with(STATIC, "10000.00");
    apply(
        &mut b,
        r#"{"id":"o","customer":"C1","date":"2026-01-01","type":"order_placed","order_id":"O1","amount":"500.00","currency":"EUR"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"d1","customer":"C1","date":"2026-01-02","type":"delivered","order_id":"O1","delivery_id":"D1","amount":"200.00","currency":"EUR"}"#,
    );
    // The same delivery id twice, and an invoice naming an unknown delivery, are refused.
    assert!(b.apply(ev(r#"{"id":"d2","customer":"C1","date":"2026-01-02","type":"delivered","order_id":"O1","delivery_id":"D1","amount":"1.00","currency":"EUR"}"#)).is_err());
    let err = b
        .apply(ev(r#"{"id":"i0","customer":"C1","date":"2026-01-03","type":"invoiced","invoice_id":"I0","amount":"200.00","currency":"EUR","terms":"Net 30","order_id":"O1","delivery_id":"D9"}"#))
        .unwrap_err();
    assert!(err.to_string().contains("delivery D9"), "{err}");
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-01-03","type":"invoiced","invoice_id":"I1","amount":"200.00","currency":"EUR","terms":"Net 30","order_id":"O1","delivery_id":"D1"}"#,
    );
    let items = b
        .open_items(&CustomerId::from("C1"), "default", d("2026-01-03"))
        .unwrap();
    assert_eq!(
        (
            items[0].order_id.as_ref().unwrap().as_str(),
            items[0].delivery_id.as_deref()
        ),
        ("O1", Some("D1"))
    );
    // Group: C1 (500 = 300 open order + 200 receivable) and its child C2 (250 in USD at 0.9 = 225).
    let mut child = Customer::new("C2", "Sub", Currency::iso("USD").unwrap());
    child.parent = Some(CustomerId::from("C1"));
    b.upsert_customer(child, d("2026-01-03")).unwrap();
    apply(
        &mut b,
        r#"{"id":"u","customer":"C2","date":"2026-01-03","type":"order_placed","order_id":"U1","amount":"250.00","currency":"USD"}"#,
    );
    assert!(b
        .group_exposure(&CustomerId::from("C1"), "default", d("2026-01-03"))
        .is_err());
    b.set_fx_rate(Currency::iso("USD").unwrap(), eur(), dec("0.9"))
        .unwrap();
    let g = b
        .group_exposure(&CustomerId::from("C1"), "default", d("2026-01-03"))
        .unwrap();
    assert_eq!(
        (g.total, g.members.len(), g.limit),
        (dec("725.00"), 2, None)
    );
}

#[test]
fn segments_keep_their_own_limits_and_currencies() {
    let mut b = book_with(STATIC, "1000.00");
    let mut c = Customer::new("C1", "Acme", eur());
    c.segment_currencies
        .insert("us".into(), Currency::iso("USD").unwrap());
    b.upsert_customer(c, d("2026-01-01")).unwrap();
    let usd = |s: &str| Money::parse(s, Currency::iso("USD").unwrap()).unwrap();
    let mut l = CreditLimit::amount("C1", usd("500.00"));
    l.segment = "us".into();
    b.set_limit(l, d("2026-01-01")).unwrap();
    // A EUR limit for the USD segment is refused.
    let mut wrong = CreditLimit::amount("C1", eur_m("500.00"));
    wrong.segment = "us".into();
    assert!(b.set_limit(wrong, d("2026-01-01")).is_err());
    apply(
        &mut b,
        r#"{"id":"u1","customer":"C1","segment":"us","date":"2026-01-02","type":"invoiced","invoice_id":"U1","amount":"450.00","currency":"USD","due_date":"2026-02-01"}"#,
    );
    let mut r = req("US-1", "1.00", "2026-01-03");
    r.segment = "us".into();
    r.amount = usd("60.00");
    // 450 + 60 = 510 > 500 in the US segment, while the EUR segment is untouched.
    let x = b.check_order(r).unwrap();
    assert_eq!(
        (x.outcome, x.currency.code(), x.exposure_after),
        (Outcome::Blocked, "USD", dec("510.00"))
    );
    assert_eq!(
        b.check_order(req("EU-1", "900.00", "2026-01-03"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    // Moving the segment to another currency once it has an account is refused.
    let mut c = Customer::new("C1", "Acme", eur());
    c.segment_currencies
        .insert("us".into(), Currency::iso("GBP").unwrap());
    assert!(b.upsert_customer(c, d("2026-01-04")).is_err());
}

#[test]
fn withdrawn_orders_free_their_reservation_and_hold() {
    let mut b = book_with(STATIC, "1000.00");
    assert_eq!(
        b.check_order(req("O1", "800.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Approved
    );
    assert_eq!(
        b.check_order(req("O2", "800.00", "2026-01-10"))
            .unwrap()
            .outcome,
        Outcome::Blocked
    );
    assert!(b.withdraw_order(&OrderId::from("O1")));
    assert!(!b.withdraw_order(&OrderId::from("O1")));
    // With O1's 800 gone, O2 fits and is releasable; withdrawing it clears the hold.
    assert_eq!(b.releasable(d("2026-01-10")).releasable_ids(), ["O2"]);
    assert!(b.withdraw_order(&OrderId::from("O2")));
    assert_eq!(
        (
            b.holds().count(),
            b.exposure(&CustomerId::from("C1"), "default", d("2026-01-10"))
                .unwrap()
                .total
        ),
        (0, dec("0"))
    );
}

#[test]
fn opening_balance_import_is_atomic_and_idempotent() {
    use credit_core::ledger::OpenItemRow;
    let mut b = book_with(STATIC, "10000.00");
    let row = |inv: &str, customer: &str, open: Option<&str>| OpenItemRow {
        customer: CustomerId::from(customer),
        segment: "default".into(),
        invoice_id: inv.into(),
        invoice_date: d("2026-01-02"),
        due_date: d("2026-02-01"),
        amount: dec("100.00"),
        open: open.map(dec),
        currency: eur(),
    };
    // A bad row rejects the import; the error names its position.
    let err = b
        .import_open_items(vec![row("A1", "C1", None), row("A2", "NOPE", None)])
        .unwrap_err();
    assert_eq!(err.0, 1);
    assert_eq!(b.event_count(), 0);
    // 100.00 + 40.00 open; importing the same rows again changes nothing.
    assert_eq!(
        b.import_open_items(vec![row("A1", "C1", None), row("A2", "C1", Some("40.00"))])
            .unwrap(),
        2
    );
    assert_eq!(b.import_open_items(vec![row("A1", "C1", None)]).unwrap(), 1);
    assert_eq!(b.event_count(), 2);
    let x = b
        .exposure(&CustomerId::from("C1"), "default", d("2026-01-02"))
        .unwrap();
    assert_eq!(x.figures.receivables, dec("140.00"));
}

#[test]
fn holds_that_cannot_be_rechecked_are_reported_not_dropped() {
    let steps = r#"[{"step": "static_limit", "action": "block"}, {"step": "group_limit", "action": "block"}]"#;
    let mut b = book_with(steps, "1000.00");
    b.check_order(req("O1", "1500.00", "2026-01-10")).unwrap();
    let usd = Currency::iso("USD").unwrap();
    b.upsert_customer(Customer::new("H", "Holding", usd), d("2026-01-10"))
        .unwrap();
    b.set_group_limit(
        CreditLimit::amount("H", Money::parse("10000.00", usd).unwrap()),
        d("2026-01-10"),
    )
    .unwrap();
    // C1 joins a USD group and its limit rises: O1 would pass its own
    // limit, but the group check needs EUR→USD, which the book lacks.
    let mut c1 = Customer::new("C1", "Acme", eur());
    c1.parent = Some(CustomerId::from("H"));
    b.upsert_customer(c1, d("2026-01-11")).unwrap();
    let r = b
        .set_limit(CreditLimit::amount("C1", eur_m("2000.00")), d("2026-01-11"))
        .unwrap();
    assert!(r.releasable.is_empty());
    assert_eq!(r.not_rechecked.len(), 1);
    assert_eq!(r.not_rechecked[0].order_id.as_str(), "O1");
    assert_eq!(
        r.not_rechecked[0].error,
        BookError::Ledger(LedgerError::MissingRate {
            from: eur(),
            to: usd
        })
    );
    let report = r.report();
    assert_eq!(
        (
            report.not_rechecked[0].error,
            report.not_rechecked[0].message.as_str()
        ),
        ("missing_rate", "no FX rate from EUR to USD")
    );
    assert_eq!(
        b.holds().count(),
        1,
        "the hold stays until it can be decided"
    );
    // Once the rate is known, the same hold is re-checked and passes:
    // group 1500 × 1.10 = 1650 USD ≤ 10000.
    b.set_fx_rate(eur(), usd, dec("1.10")).unwrap();
    let r = b.releasable(d("2026-01-11"));
    assert_eq!((r.releasable_ids(), r.not_rechecked.len()), (vec!["O1"], 0));
}

#[test]
fn backtest_measures_again_when_the_policy_measures_differently() {
    // v1: the oldest item blocks only when more than 500.00 of it is
    // overdue beyond 30 days, so a 100.00 item 38 days overdue does not.
    let v = |id: &str, materiality: &str| {
        Policy::from_json(&format!(
            r#"{{"schema_version": 1, "policy_id": "{id}", "horizon_days": 30, "steps": [
                {{"step": "static_limit", "action": "block"}},
                {{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "{materiality}"}}]}}"#
        ))
        .unwrap()
    };
    let mut b = CreditBook::new(v("v1", "500")).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("C1", eur_m("10000.00")),
        d("2026-01-01"),
    )
    .unwrap();
    apply(
        &mut b,
        r#"{"id":"a","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"100.00","currency":"EUR","due_date":"2026-02-01"}"#,
    );
    let x = b.check_order(req("O1", "50.00", "2026-03-11")).unwrap();
    assert_eq!((x.outcome, b.decision_log().len()), (Outcome::Approved, 1));
    // Paid after the check: the back-test must still see it as of 03-11.
    apply(
        &mut b,
        r#"{"id":"p","customer":"C1","date":"2026-03-20","type":"payment","amount":"100.00","currency":"EUR","allocations":[{"invoice_id":"I1","amount":"100.00"}]}"#,
    );
    // Same measures: the recorded figures are re-run as they are.
    let same = b.backtest(&v("v1b", "500")).unwrap();
    assert_eq!((same.remeasured, same.changed.len()), (0, 0));
    // Materiality 50: the 100.00 item, 38 days overdue on 03-11 (due
    // 02-01), now counts, and O1 would have been blocked. The figures the
    // check recorded said "no material overdue item", so re-running them
    // as recorded would miss it.
    let bt = b.backtest(&v("v2", "50")).unwrap();
    assert_eq!((bt.total, bt.remeasured), (1, 1));
    assert!(bt.not_remeasured.is_empty());
    assert_eq!(
        bt.changed,
        [(0, OrderId::from("O1"), Outcome::Approved, Outcome::Blocked)]
    );
}

#[test]
fn backtest_keeps_the_reservations_a_check_counted() {
    // SO-1 (600, delivery 01-20) is approved and reserved; SO-2 (600,
    // delivery 01-05) then blocks on the dynamic limit: 600 + 600 > 1000
    // within 30 days. SO-1 is withdrawn later: its reservation is gone
    // from the book, but SO-2's decision counted it.
    let v = |id: &str, horizon: u32| {
        Policy::from_json(&format!(
            r#"{{"schema_version": 1, "policy_id": "{id}", "horizon_days": {horizon},
                "steps": [{{"step": "dynamic_limit", "action": "block"}}]}}"#
        ))
        .unwrap()
    };
    let mut b = CreditBook::new(v("h30", 30)).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(CreditLimit::amount("C1", eur_m("1000.00")), d("2026-01-01"))
        .unwrap();
    let order = |id: &str, delivery: &str| {
        let mut r = req(id, "600.00", "2026-01-01");
        r.requested_delivery = Some(d(delivery));
        r
    };
    assert_eq!(
        b.check_order(order("SO-1", "2026-01-20")).unwrap().outcome,
        Outcome::Approved
    );
    assert_eq!(
        b.check_order(order("SO-2", "2026-01-05")).unwrap().outcome,
        Outcome::Blocked
    );
    let logged = &b.decision_log().iter().nth(1).unwrap().measured;
    assert_eq!(
        logged.as_ref().unwrap().reserved,
        [credit_core::engine::ReservedPart {
            requested_delivery: Some(d("2026-01-20")),
            amount: dec("600.00")
        }]
    );
    assert!(b.withdraw_order(&OrderId::from("SO-1")));
    // 40 days: SO-1 still in the horizon, still counted, SO-2 still blocked.
    let bt = b.backtest(&v("h40", 40)).unwrap();
    assert_eq!((bt.remeasured, bt.changed.len()), (2, 0));
    // 10 days: SO-1 (01-20) is beyond 01-11, SO-2 alone is 600 ≤ 1000.
    let bt = b.backtest(&v("h10", 10)).unwrap();
    assert_eq!(
        bt.changed,
        [(
            1,
            OrderId::from("SO-2"),
            Outcome::Blocked,
            Outcome::Approved
        )]
    );
}

#[test]
fn backtest_weighs_a_groups_members_again() {
    // Group head C1 (limit 1500 for the group), member C2. C2 has an
    // approved order of 800 reserved; C1's order of 1000 then blocks on
    // the group limit: 800 + 1000 > 1500. With open orders weighted at
    // 50 % the group's exposure before the order is 400 (the order
    // checked counts in full): 400 + 1000 = 1400 ≤ 1500.
    let v = |id: &str, w: &str| {
        Policy::from_json(&format!(
            r#"{{"schema_version": 1, "policy_id": "{id}",
                "weights": {{"open_orders": "{w}", "delivered_not_invoiced": "1", "open_receivables": "1", "disputed": "1", "special_liabilities": "1"}},
                "steps": [{{"step": "group_limit", "action": "block"}}]}}"#
        ))
        .unwrap()
    };
    let mut b = CreditBook::new(v("w1", "1")).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    let mut c2 = Customer::new("C2", "Acme Sub", eur());
    c2.parent = Some(CustomerId::from("C1"));
    b.upsert_customer(c2, d("2026-01-01")).unwrap();
    b.set_group_limit(CreditLimit::amount("C1", eur_m("1500.00")), d("2026-01-01"))
        .unwrap();
    let mut r = req("S1", "800.00", "2026-01-02");
    r.customer = CustomerId::from("C2");
    assert_eq!(b.check_order(r).unwrap().outcome, Outcome::Approved);
    let x = b.check_order(req("P1", "1000.00", "2026-01-02")).unwrap();
    assert_eq!(codes(&x), ["GROUP_LIMIT_EXCEEDED"]);
    let m = b
        .decision_log()
        .iter()
        .nth(1)
        .unwrap()
        .measured
        .clone()
        .unwrap();
    assert_eq!(m.group_head, Some(CustomerId::from("C1")));
    assert_eq!(
        m.group_reserved,
        [credit_core::engine::MemberReserved {
            customer: CustomerId::from("C2"),
            amount: dec("800.00")
        }]
    );
    // S1 is withdrawn before the back-test: P1's decision still counts it.
    assert!(b.withdraw_order(&OrderId::from("S1")));
    let bt = b.backtest(&v("w05", "0.5")).unwrap();
    assert_eq!(bt.remeasured, 2);
    assert_eq!(
        bt.changed,
        [(1, OrderId::from("P1"), Outcome::Blocked, Outcome::Approved)]
    );
    // A weight of 0.9: 720 + 1000 = 1720 > 1500, still blocked.
    assert!(b.backtest(&v("w09", "0.9")).unwrap().changed.is_empty());
}

#[test]
fn backtest_says_which_entries_it_could_not_measure_again() {
    let mut b = book_with(STATIC, "1000.00");
    b.check_order(req("O1", "1500.00", "2026-01-02")).unwrap();
    // A log written before entries kept their measures.
    let mut snap: serde_json::Value = serde_json::from_str(&b.snapshot().unwrap()).unwrap();
    let removed = strip_key(&mut snap, "measured");
    assert_eq!(removed, 1);
    let old = CreditBook::restore(&snap.to_string()).unwrap();
    let bt = old
        .backtest(
            &Policy::from_json(r#"{"schema_version": 1, "policy_id": "v2", "horizon_days": 5, "steps": [{"step": "static_limit", "action": "block"}]}"#)
                .unwrap(),
        )
        .unwrap();
    assert_eq!((bt.remeasured, bt.not_remeasured), (0, vec![0]));
}

fn strip_key(v: &mut serde_json::Value, key: &str) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            let here = usize::from(m.remove(key).is_some());
            here + m.values_mut().map(|x| strip_key(x, key)).sum::<usize>()
        }
        serde_json::Value::Array(a) => a.iter_mut().map(|x| strip_key(x, key)).sum(),
        _ => 0,
    }
}
