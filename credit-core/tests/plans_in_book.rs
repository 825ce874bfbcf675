//! Plans in the book (issue 13, item 8): a plan is agreed by an event on
//! the account, its payments are posted once (a `plan_payment` splits by
//! the plan's waterfall; the principal part pays the plan's invoices), the
//! plan is in snapshots with the events, the check, dunning and the
//! worklist leave the invoices of a running plan out, and a broken or
//! cancelled plan gives them back. Figures worked by hand in the comments.

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::plans::PlanStatusKind;
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
fn c1() -> CustomerId {
    CustomerId::from("C1")
}

fn book() -> CreditBook {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "plans",
            "steps": [{"step": "oldest_overdue", "action": "block", "days": 0},
                      {"step": "static_limit", "action": "block"}],
            "dunning": {"levels": [{"level": 1, "min_days_overdue": 1}]},
            "monitoring": {"alerts": {"broken_plan": true}}}"#,
    )
    .unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("10000.00", eur()).unwrap()),
        d("2026-01-01"),
    )
    .unwrap();
    // I1 1200 due 02-01, I2 300 due 04-01 (not in the plan).
    apply(
        &mut b,
        r#""id":"i1","date":"2026-01-02","type":"invoiced","invoice_id":"I1","amount":"1200.00","currency":"EUR","due_date":"2026-02-01""#,
    );
    apply(
        &mut b,
        r#""id":"i2","date":"2026-03-02","type":"invoiced","invoice_id":"I2","amount":"300.00","currency":"EUR","due_date":"2026-04-01""#,
    );
    b
}

fn apply(b: &mut CreditBook, body: &str) {
    let e: Event = serde_json::from_str(&format!(r#"{{"customer": "C1", {body}}}"#))
        .unwrap_or_else(|e| panic!("{body}: {e}"));
    b.apply(e).unwrap_or_else(|e| panic!("{body}: {e}"));
}

fn try_apply(b: &mut CreditBook, body: &str) -> Result<(), String> {
    let e: Event = serde_json::from_str(&format!(r#"{{"customer": "C1", {body}}}"#))
        .map_err(|e| e.to_string())?;
    b.apply(e).map(|_| ()).map_err(|e| e.to_string())
}

/// 1200 in three monthly installments of 400 from 03-01, interest-free;
/// broken once an installment is 15 days late.
const PLAN: &str = r#""id":"pa","date":"2026-02-15","type":"plan_agreed","plan_id":"P1",
    "terms":{"currency":"EUR","principal":"1200.00","start":"2026-02-15","frequency":"monthly",
             "installments":3,"first_due":"2026-03-01","method":"equal_split",
             "broken":{"days_late":15},"invoices":["I1"]}"#;

fn codes(b: &CreditBook, day: &str) -> Vec<&'static str> {
    let r = OrderRequest {
        customer: c1(),
        segment: "default".into(),
        order_id: "O-NEW".into(),
        amount: Money::parse("1.00", eur()).unwrap(),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(day),
    };
    b.simulate_check(&r)
        .unwrap()
        .reasons
        .iter()
        .map(|x| x.code.0)
        .collect()
}

fn dunned(b: &CreditBook, day: &str) -> Vec<String> {
    b.dunning_run(d(day), &[])
        .unwrap()
        .notices
        .iter()
        .flat_map(|n| n.lines.iter().map(|l| l.invoice_id.to_string()))
        .collect()
}

#[test]
fn a_running_plan_holds_its_invoices_and_a_broken_one_gives_them_back() {
    let mut b = book();
    // Before the plan: I1 is 14 days overdue on 02-15.
    assert_eq!(codes(&b, "2026-02-15"), ["OLDEST_ITEM_OVERDUE"]);
    apply(&mut b, PLAN);
    // Under a current plan: neither blocked nor dunned for I1.
    assert!(codes(&b, "2026-02-15").is_empty());
    assert!(dunned(&b, "2026-02-20").is_empty());
    let run = b.dunning_run(d("2026-02-20"), &[]).unwrap();
    assert_eq!(
        run.excluded
            .iter()
            .map(|x| (
                x.invoice_id.as_ref().map(|i| i.to_string()),
                x.reason.as_str()
            ))
            .collect::<Vec<_>>(),
        [(Some("I1".to_string()), "payment_plan")]
    );
    // 400 on 03-01 pays installment 1: I1 open 800 (the plan's principal
    // outstanding 800 too).
    apply(
        &mut b,
        r#""id":"pp1","date":"2026-03-01","type":"plan_payment","plan_id":"P1","amount":"400.00","currency":"EUR""#,
    );
    let items = b.open_items(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(items[0].open, dec("800.00"));
    let plans = b.plans(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(plans[0].principal_paid, dec("400.00"));
    assert_eq!(plans[0].status.outstanding, dec("800.00"));
    // A normal payment does not reach the plan's invoice: 300 goes to I2
    // (oldest due first, I1 held by the plan).
    apply(
        &mut b,
        r#""id":"p2","date":"2026-03-05","type":"payment","amount":"300.00","currency":"EUR""#,
    );
    let items = b.open_items(&c1(), "default", d("2026-03-05")).unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.invoice_id.to_string(), i.open))
            .collect::<Vec<_>>(),
        [("I1".to_string(), dec("800.00"))]
    );
    // Nor may it be allocated there explicitly.
    let err = try_apply(&mut b, r#""id":"p3","date":"2026-03-06","type":"payment","amount":"10.00","currency":"EUR","allocations":[{"invoice_id":"I1","amount":"10.00"}]"#).unwrap_err();
    assert!(err.contains("plan P1"), "{err}");
    // Installment 2 (04-01) unpaid: late from 04-02, still holding I1;
    // broken on 04-16 (15 days late): I1 is given back, overdue since 02-01.
    let status =
        |b: &CreditBook, day: &str| b.plans(&c1(), "default", d(day)).unwrap()[0].status.status;
    assert!(matches!(
        status(&b, "2026-04-10"),
        PlanStatusKind::Late { days: 9 }
    ));
    assert!(codes(&b, "2026-04-15").is_empty());
    assert_eq!(status(&b, "2026-04-16"), PlanStatusKind::Broken);
    assert_eq!(codes(&b, "2026-04-16"), ["OLDEST_ITEM_OVERDUE"]);
    assert_eq!(dunned(&b, "2026-04-16"), ["I1"]);
    let alerts = |day: &str| {
        b.alerts(d(day), &[], None, &[])
            .unwrap()
            .active
            .iter()
            .map(|a| (serde_json::to_string(&a.code).unwrap(), a.subject.clone()))
            .collect::<Vec<_>>()
    };
    assert!(alerts("2026-04-15").is_empty());
    assert_eq!(
        alerts("2026-04-16"),
        [(r#""PLAN_BROKEN""#.to_string(), "P1".to_string())]
    );
    // A restore reads the same plan from the events.
    let r = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(r.state_digest(), b.state_digest());
    assert_eq!(
        r.plans(&c1(), "default", d("2026-04-16")).unwrap(),
        b.plans(&c1(), "default", d("2026-04-16")).unwrap()
    );
}

#[test]
fn plan_payments_split_by_the_waterfall_and_cancelling_gives_back() {
    let mut b = book();
    // 1200 at 12 % a year, equal principal 600 + 600, monthly from 03-15
    // (per period 1 %): installment 1 = 600 + 12.00 interest.
    apply(
        &mut b,
        r#""id":"pa","date":"2026-02-15","type":"plan_agreed","plan_id":"P1",
        "terms":{"currency":"EUR","principal":"1200.00","start":"2026-02-15","frequency":"monthly",
                 "installments":2,"method":"equal_principal","annual_rate":"12","invoices":["I1"]}"#,
    );
    apply(
        &mut b,
        r#""id":"pp1","date":"2026-03-15","type":"plan_payment","plan_id":"P1","amount":"612.00","currency":"EUR""#,
    );
    // Interest first (12.00, the plan's income), then principal 600 to I1.
    let p = &b.plans(&c1(), "default", d("2026-03-15")).unwrap()[0];
    assert_eq!(
        (p.principal_paid, p.charges_paid),
        (dec("600.00"), dec("12.00"))
    );
    let items = b.open_items(&c1(), "default", d("2026-03-15")).unwrap();
    assert_eq!(items[0].open, dec("600.00"));
    // No cent lost: 612 cash = 600 off I1 + 12 interest; nothing on account.
    assert!(b
        .open_credits(&c1(), "default", d("2026-03-15"))
        .unwrap()
        .is_empty());
    // Cancelled: I1 (600) is given back, overdue since 02-01.
    apply(
        &mut b,
        r#""id":"pc","date":"2026-03-20","type":"plan_cancelled","plan_id":"P1""#,
    );
    assert_eq!(codes(&b, "2026-03-20"), ["OLDEST_ITEM_OVERDUE"]);
    let err = try_apply(&mut b, r#""id":"pp2","date":"2026-04-15","type":"plan_payment","plan_id":"P1","amount":"606.00","currency":"EUR""#).unwrap_err();
    assert!(err.contains("cancelled"), "{err}");
}

#[test]
fn a_plan_is_refused_unless_it_finances_open_invoices_exactly() {
    let mut b = book();
    let with = |principal: &str, invoices: &str| {
        format!(
            r#""id":"pa","date":"2026-03-15","type":"plan_agreed","plan_id":"P1",
            "terms":{{"currency":"EUR","principal":"{principal}","start":"2026-03-15","frequency":"monthly",
                     "installments":2,"method":"equal_split","invoices":{invoices}}}"#
        )
    };
    let err = try_apply(&mut b, &with("1000.00", r#"["I1"]"#)).unwrap_err();
    assert!(err.contains("terms.principal"), "{err}");
    let err = try_apply(&mut b, &with("1200.00", r#"["NOPE"]"#)).unwrap_err();
    assert!(err.contains("NOPE"), "{err}");
    let err = try_apply(&mut b, &with("1200.00", "[]")).unwrap_err();
    assert!(err.contains("at least one invoice"), "{err}");
    // An invoice not yet issued on the plan's date is unknown then.
    let early = with("1500.00", r#"["I1", "I2"]"#).replace("2026-03-15", "2026-02-15");
    let err = try_apply(&mut b, &early).unwrap_err();
    assert!(err.contains("I2"), "{err}");
    // Both invoices on 03-15: 1200 + 300 = 1500.
    apply(&mut b, &with("1500.00", r#"["I1", "I2"]"#));
    // A second plan on I1 while P1 runs: refused.
    let err = try_apply(
        &mut b,
        &with("1200.00", r#"["I1"]"#)
            .replace("\"pa\"", "\"pb\"")
            .replace("P1", "P2"),
    )
    .unwrap_err();
    assert!(err.contains("another running plan"), "{err}");
    // An unknown field in the terms: refused naming it.
    let err = try_apply(
        &mut b,
        &with("1500.00", r#"["I1"], "interest": "1""#).replace("\"pa\"", "\"pz\""),
    )
    .unwrap_err();
    assert!(err.contains("interest"), "{err}");
}
