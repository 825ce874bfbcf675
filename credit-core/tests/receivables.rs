//! Receivables of record: cash and credit notes on account are open items
//! of their own (negative), clearings apply them later, discounts survive
//! credit notes and part payments, and credit sales are net of credit
//! notes. Each case is one of the bugs the receivables issue lists, worked
//! by hand in the comments; every view (exposure, aging, the check,
//! dunning, the worklist, KPIs, features) is asked the same question.

use chrono::NaiveDate;
use credit_core::check::Outcome;
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{BookError, CreditBook, OrderRequest};
use credit_core::ledger::{CreditKind, Event, LedgerError};
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
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

/// A policy blocking any overdue item (0 days, no materiality) and any
/// overdue amount, dunning from the first day past due, and `extra` fields.
fn policy(extra: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"schema_version": 1, "policy_id": "ar", {extra}
            "steps": [
              {{"step": "oldest_overdue", "action": "block", "days": 0}},
              {{"step": "overdue_amount", "action": "block", "amount": "0"}}],
            "dunning": {{"levels": [{{"level": 1, "min_days_overdue": 1}}]}}}}"#
    ))
    .unwrap()
}

fn book(extra: &str) -> CreditBook {
    let mut b = CreditBook::new(policy(extra)).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("1000.00", eur()).unwrap()),
        d("2026-01-01"),
    )
    .unwrap();
    b
}

fn apply(b: &mut CreditBook, body: &str) {
    let e: Event = serde_json::from_str(&format!(r#"{{"customer": "C1", {body}}}"#))
        .unwrap_or_else(|e| panic!("{body}: {e}"));
    b.apply(e).unwrap_or_else(|e| panic!("{body}: {e}"));
}

fn try_apply(b: &mut CreditBook, body: &str) -> Result<(), BookError> {
    let e: Event = serde_json::from_str(&format!(r#"{{"customer": "C1", {body}}}"#)).unwrap();
    b.apply(e).map(|_| ())
}

fn check(b: &CreditBook, as_of: &str) -> Outcome {
    b.simulate_check(&OrderRequest {
        customer: c1(),
        segment: "default".into(),
        order_id: OrderId::from("O-NEW"),
        amount: Money::parse("10.00", eur()).unwrap(),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(as_of),
    })
    .unwrap()
    .outcome
}

fn aging_total(b: &CreditBook, as_of: &str) -> (Vec<Decimal>, Decimal) {
    let r = b.aging(d(as_of), GroupBy::Total, Some(eur())).unwrap();
    (r.rows[0].buckets.clone(), r.rows[0].total)
}

fn kpi(b: &CreditBook, from: &str, to: &str, name: &str) -> Option<Decimal> {
    let r = b.kpis(d(from), d(to), GroupBy::Total, eur()).unwrap();
    r.groups["total"].figure(name).unwrap()
}

/// Pay 500 on account on 01-15, then invoice 500 due 02-01: on 03-01 every
/// view sees a customer who owes nothing.
fn paid_on_account() -> CreditBook {
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-15", "type": "payment", "amount": "500.00", "currency": "EUR""#,
    );
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-01-20", "type": "invoiced", "invoice_id": "I1", "amount": "500.00", "currency": "EUR", "due_date": "2026-02-01""#,
    );
    b
}

#[test]
fn cash_on_account_is_an_open_credit_every_view_nets() {
    let b = paid_on_account();
    let credits = b.open_credits(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(credits.len(), 1);
    assert_eq!(
        (credits[0].kind, credits[0].open, credits[0].date),
        (CreditKind::Payment, dec("500.00"), d("2026-01-15"))
    );
    // Exposure: 500 − 500 = 0.
    let x = b.exposure(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(x.figures.receivables, dec("0.00"));
    // Aging (default buckets current, 1–30, 31–60, 61–90, 90+): the
    // invoice 28 days past due (+500 in 1–30), the cash 45 days old
    // (−500 in 31–60, aged from its own date); total 0.
    let (buckets, total) = aging_total(&b, "2026-03-01");
    assert_eq!(
        buckets,
        vec![
            dec("0.00"),
            dec("500.00"),
            dec("-500.00"),
            dec("0.00"),
            dec("0.00")
        ]
    );
    assert_eq!(total, dec("0.00"));
    // The check: the cash covers the overdue invoice, so neither overdue
    // step blocks.
    assert_eq!(check(&b, "2026-03-01"), Outcome::Approved);
    // Dunning: nothing to dun; the invoice is left out as covered.
    let run = b.dunning_run(d("2026-03-01"), &[]).unwrap();
    assert!(run.notices.is_empty());
    assert_eq!(run.excluded.len(), 1);
    assert_eq!(run.excluded[0].reason, "credit_on_account");
    // The worklist has no one to call.
    assert!(b.worklist(d("2026-03-01"), eur(), &[]).unwrap().is_empty());
    // KPIs: receivables 0, nothing overdue.
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "receivables"),
        Some(dec("0.00"))
    );
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "overdue"),
        Some(dec("0.00"))
    );
    // Features: the oldest overdue item is covered.
    let f = b.features(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(f.current_days_overdue, 0);
    // No overdue alert either: the customer has paid.
    assert!(overdue_alerts(&b, "alerts").is_empty());
}

#[test]
fn credits_cover_overdue_only_when_the_policy_says_so() {
    let mut b = book(r#""credits": {"in_check": false, "in_dunning": false},"#);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-15", "type": "payment", "amount": "500.00", "currency": "EUR""#,
    );
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-01-20", "type": "invoiced", "invoice_id": "I1", "amount": "500.00", "currency": "EUR", "due_date": "2026-02-01""#,
    );
    // Exposure stays net (the credit is money the customer has paid).
    let x = b.exposure(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(x.figures.receivables, dec("0.00"));
    // …but the overdue steps and dunning see the invoice uncovered: 28
    // days overdue and 500 overdue.
    let inputs = b
        .check_inputs(&OrderRequest {
            customer: c1(),
            segment: "default".into(),
            order_id: OrderId::from("O-NEW"),
            amount: Money::parse("10.00", eur()).unwrap(),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: d("2026-03-01"),
        })
        .unwrap();
    assert_eq!(inputs.oldest_overdue_days, Some(28));
    assert_eq!(inputs.overdue_amount, dec("500.00"));
    assert_eq!(check(&b, "2026-03-01"), Outcome::Blocked);
    let run = b.dunning_run(d("2026-03-01"), &[]).unwrap();
    assert_eq!(run.notices.len(), 1);
    assert_eq!(run.notices[0].amount, dec("500.00"));
    // Features and the overdue alert read as the check: 28 days.
    let f = b.features(&c1(), "default", d("2026-03-01")).unwrap();
    assert_eq!(f.current_days_overdue, 28);
    assert_eq!(overdue_alerts(&b, "credits_in_check_false"), ["I1"]);
}

/// The invoices an `ITEM_OVERDUE` alert (beyond 7 days) names on 03-01,
/// under the book's policy with the alert turned on.
fn overdue_alerts(b: &CreditBook, id: &str) -> Vec<String> {
    let mut p = b.policy().clone();
    p.policy_id = id.into();
    p.monitoring.alerts.overdue_days_above = Some(7);
    let mut b = b.clone();
    b.set_policy(p, d("2026-03-01")).unwrap();
    b.alerts(d("2026-03-01"), &[], None, &[])
        .unwrap()
        .raised
        .iter()
        .filter(|a| a.code == credit_core::monitor::AlertCode::ItemOverdue)
        .map(|a| a.subject.clone())
        .collect()
}

#[test]
fn a_clearing_closes_both_and_a_reversal_reopens_them() {
    let mut b = paid_on_account();
    apply(
        &mut b,
        r#""id": "k1", "date": "2026-03-05", "type": "cleared", "credit_id": "p1""#,
    );
    // After the clearing nothing is open; before it, the views are as they
    // were (as-of views replay the ledger up to their date).
    assert!(b
        .open_items(&c1(), "default", d("2026-03-05"))
        .unwrap()
        .is_empty());
    assert!(b
        .open_credits(&c1(), "default", d("2026-03-05"))
        .unwrap()
        .is_empty());
    assert_eq!(
        b.open_items(&c1(), "default", d("2026-03-04")).unwrap()[0].open,
        dec("500.00")
    );
    // The invoice was paid at the clearing date (SAP's payment history
    // dates a cleared item's payment at the clearing): 44 days after the
    // invoice, 32 beyond its due date.
    assert_eq!(
        kpi(&b, "2026-03-01", "2026-03-31", "average_days_to_pay"),
        Some(dec("44.00"))
    );
    assert_eq!(
        kpi(&b, "2026-03-01", "2026-03-31", "average_days_beyond_terms"),
        Some(dec("32.00"))
    );
    // The payment cannot be reversed while its clearing stands…
    let err = try_apply(
        &mut b,
        r#""id": "r1", "date": "2026-03-06", "type": "reversal", "event_id": "p1""#,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        BookError::Ledger(LedgerError::ReversalRefused { .. })
    ));
    // …the clearing can: both are open again.
    apply(
        &mut b,
        r#""id": "r2", "date": "2026-03-06", "type": "reversal", "event_id": "k1""#,
    );
    assert_eq!(
        b.open_credits(&c1(), "default", d("2026-03-06")).unwrap()[0].open,
        dec("500.00")
    );
    assert_eq!(
        b.open_items(&c1(), "default", d("2026-03-06")).unwrap()[0].open,
        dec("500.00")
    );
}

#[test]
fn partial_clearings_and_refusals() {
    let mut b = paid_on_account();
    apply(
        &mut b,
        r#""id": "i2", "date": "2026-01-25", "type": "invoiced", "invoice_id": "I2", "amount": "300.00", "currency": "EUR", "due_date": "2026-02-25""#,
    );
    // 200 of the 500 to I2 on 03-02, the rest (300) oldest due first: I1.
    apply(
        &mut b,
        r#""id": "k1", "date": "2026-03-02", "type": "cleared", "credit_id": "p1", "allocations": [{"invoice_id": "I2", "amount": "200.00"}]"#,
    );
    let open = |b: &CreditBook| -> Vec<(String, Decimal)> {
        b.open_items(&c1(), "default", d("2026-03-31"))
            .unwrap()
            .iter()
            .map(|i| (i.invoice_id.0.clone(), i.open))
            .collect()
    };
    assert_eq!(
        open(&b),
        vec![("I1".into(), dec("500.00")), ("I2".into(), dec("100.00"))]
    );
    assert_eq!(
        b.open_credits(&c1(), "default", d("2026-03-02")).unwrap()[0].open,
        dec("300.00")
    );
    apply(
        &mut b,
        r#""id": "k2", "date": "2026-03-03", "type": "cleared", "credit_id": "p1""#,
    );
    assert_eq!(
        open(&b),
        vec![("I1".into(), dec("200.00")), ("I2".into(), dec("100.00"))]
    );
    let x = b.exposure(&c1(), "default", d("2026-03-31")).unwrap();
    assert_eq!(x.figures.receivables, dec("300.00"));
    // A cleared credit, an unknown one, and more than it holds: refused,
    // nothing changes.
    let before = b.state_digest();
    for body in [
        r#""id": "k3", "date": "2026-03-04", "type": "cleared", "credit_id": "p1""#,
        r#""id": "k4", "date": "2026-03-04", "type": "cleared", "credit_id": "nope""#,
        r#""id": "k5", "date": "2026-03-04", "type": "cleared", "credit_id": "i1""#,
    ] {
        let err = try_apply(&mut b, body).unwrap_err();
        assert!(
            matches!(err, BookError::Ledger(LedgerError::NotAllowed { .. })),
            "{body}: {err}"
        );
    }
    apply(
        &mut b,
        r#""id": "c9", "date": "2026-03-04", "type": "credit_note", "amount": "50.00", "currency": "EUR""#,
    );
    let before_cn = b.state_digest();
    let err = try_apply(
        &mut b,
        r#""id": "k6", "date": "2026-03-05", "type": "cleared", "credit_id": "c9", "allocations": [{"invoice_id": "I1", "amount": "60.00"}]"#,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        BookError::Ledger(LedgerError::InvalidAmount {
            field: "allocations",
            ..
        })
    ));
    assert_eq!(b.state_digest(), before_cn);
    assert_ne!(before, before_cn);
}

#[test]
fn a_credit_note_on_account_nets_receivables_and_utilisation_alike() {
    // 400 invoiced, 150 credited on account: 250 owed, in exposure, aging,
    // KPI receivables and the utilisation basis (250 / 1000 = 25 %).
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-02-02", "type": "invoiced", "invoice_id": "I1", "amount": "400.00", "currency": "EUR", "due_date": "2026-03-04""#,
    );
    apply(
        &mut b,
        r#""id": "c1", "date": "2026-02-10", "type": "credit_note", "amount": "150.00", "currency": "EUR""#,
    );
    let x = b.exposure(&c1(), "default", d("2026-02-28")).unwrap();
    assert_eq!(
        (x.figures.receivables, x.total),
        (dec("250.00"), dec("250.00"))
    );
    assert_eq!(aging_total(&b, "2026-02-28").1, dec("250.00"));
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "receivables"),
        Some(dec("250.00"))
    );
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "limit_utilisation"),
        Some(dec("25.00"))
    );
    // Net credit sales: 400 − 150 = 250; DSO 250 / 250 × 28 = 28.00.
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "credit_sales"),
        Some(dec("250.00"))
    );
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "dso"),
        Some(dec("28.00"))
    );
    let credits = b.open_credits(&c1(), "default", d("2026-02-28")).unwrap();
    assert_eq!(credits[0].kind, CreditKind::CreditNote);
    // The KPI series agrees with the single report.
    let s = b
        .kpi_series(d("2026-02-01"), &[d("2026-02-28")], GroupBy::Total, eur())
        .unwrap();
    assert_eq!(
        s[0].groups["total"].figure("receivables").unwrap(),
        Some(dec("250.00"))
    );
    assert_eq!(
        s[0].groups["total"].figure("credit_sales").unwrap(),
        Some(dec("250.00"))
    );
}

#[test]
fn a_fully_credited_invoice_is_no_collection() {
    // Invoiced and fully credited in January: net credit sales 0, nothing
    // was collectible, so CEI is undefined (it was 100 % on gross sales,
    // with nothing collected).
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-01-05", "type": "invoiced", "invoice_id": "I1", "amount": "700.00", "currency": "EUR", "due_date": "2026-02-04""#,
    );
    apply(
        &mut b,
        r#""id": "c1", "date": "2026-01-20", "type": "credit_note", "invoice_id": "I1", "amount": "700.00", "currency": "EUR""#,
    );
    assert_eq!(
        kpi(&b, "2026-01-01", "2026-01-31", "credit_sales"),
        Some(dec("0.00"))
    );
    assert_eq!(kpi(&b, "2026-01-01", "2026-01-31", "cei"), None);
    // On gross sales (the option) CEI is (0 + 700 − 0) / (0 + 700 − 0).
    let mut g = book(r#""monitoring": {"sales": "gross"},"#);
    apply(
        &mut g,
        r#""id": "i1", "date": "2026-01-05", "type": "invoiced", "invoice_id": "I1", "amount": "700.00", "currency": "EUR", "due_date": "2026-02-04""#,
    );
    apply(
        &mut g,
        r#""id": "c1", "date": "2026-01-20", "type": "credit_note", "invoice_id": "I1", "amount": "700.00", "currency": "EUR""#,
    );
    assert_eq!(
        kpi(&g, "2026-01-01", "2026-01-31", "cei"),
        Some(dec("100.00"))
    );
}

#[test]
fn a_credit_note_shrinks_the_discount_base_instead_of_losing_the_discount() {
    // 1000 on 2/10 Net 30 dated 03-01; credit note 100 on 03-02; payment
    // 882 on 03-05. The discount base is now 900: 2 % of it is 18.00 and
    // 900 − 18 = 882 settles the invoice (it left 18.00 open before).
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    apply(
        &mut b,
        r#""id": "c1", "date": "2026-03-02", "type": "credit_note", "invoice_id": "I1", "amount": "100.00", "currency": "EUR""#,
    );
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-03-05", "type": "payment", "amount": "882.00", "currency": "EUR""#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(st.items[0].open, dec("0.00"));
    assert_eq!(st.items[0].discount_taken, dec("18.00"));
    assert!(st.credits.is_empty());
}

#[test]
fn part_payments_each_earn_their_discount_pro_rata() {
    // 1000 on 2/10 Net 30: 490 on day 4 settles 490 / 0.98 = 500.00 (10.00
    // discount); 490 on day 9 settles the remaining 500 (2 % of 500 = 10.00).
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-03-05", "type": "payment", "amount": "490.00", "currency": "EUR""#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(
        (st.items[0].open, st.items[0].discount_taken),
        (dec("500.00"), dec("10.00"))
    );
    apply(
        &mut b,
        r#""id": "p2", "date": "2026-03-10", "type": "payment", "amount": "490.00", "currency": "EUR""#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(
        (st.items[0].open, st.items[0].discount_taken),
        (dec("0.00"), dec("20.00"))
    );
    // A part payment of 100: 100 / 0.98 = 102.0408… → 102.04 settled, 2.04
    // discount (rounded once, half to even).
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-03-05", "type": "payment", "amount": "100.00", "currency": "EUR""#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(
        (st.items[0].open, st.items[0].discount_taken),
        (dec("897.96"), dec("2.04"))
    );
}

#[test]
fn all_or_nothing_discounts_only_settling_payments() {
    // The same two payments of 490 under "all_or_nothing": the first
    // earns nothing (510 open); the second would need 510 − 2 % × 510 =
    // 510 − 10.20 = 499.80 to settle, so it earns nothing either: 20 open.
    let mut b = book(r#""ledger": {"partial_payment_discount": "all_or_nothing"},"#);
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    for (id, day) in [("p1", "2026-03-05"), ("p2", "2026-03-10")] {
        apply(
            &mut b,
            &format!(
                r#""id": "{id}", "date": "{day}", "type": "payment", "amount": "490.00", "currency": "EUR""#
            ),
        );
    }
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(
        (st.items[0].open, st.items[0].discount_taken),
        (dec("20.00"), dec("0.00"))
    );
    // The convention is part of the ledger's history: a book with events
    // refuses to change it.
    let err = b.set_policy(policy(""), d("2026-03-11")).unwrap_err();
    assert!(
        err.to_string().contains("ledger.partial_payment_discount"),
        "{err}"
    );
    assert_eq!(
        b.policy().ledger.partial_payment_discount,
        credit_core::policy::PartialDiscount::AllOrNothing
    );
}

#[test]
fn cash_on_account_earns_the_discount_by_the_day_it_came_in() {
    // 1000 on 2/10 Net 30 dated 03-01 and a 100 invoice; 1080 arrives on
    // 03-05 with a remittance for the 100 only: 980 stays on account. Its
    // clearing on 03-20 (after the discount period) settles the 1000 with
    // the 20.00 discount, since the cash came in on day 4.
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    apply(
        &mut b,
        r#""id": "i2", "date": "2026-03-01", "type": "invoiced", "invoice_id": "I2", "amount": "100.00", "currency": "EUR", "due_date": "2026-03-31""#,
    );
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-03-05", "type": "payment", "amount": "1080.00", "currency": "EUR", "allocations": [{"invoice_id": "I2", "amount": "100.00"}]"#,
    );
    assert_eq!(
        b.open_credits(&c1(), "default", d("2026-03-05")).unwrap()[0].open,
        dec("980.00")
    );
    apply(
        &mut b,
        r#""id": "k1", "date": "2026-03-20", "type": "cleared", "credit_id": "p1", "allocations": [{"invoice_id": "I1", "amount": "980.00"}]"#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    let i1 = st.items.iter().find(|i| i.invoice_id.0 == "I1").unwrap();
    assert_eq!((i1.open, i1.discount_taken), (dec("0.00"), dec("20.00")));
    assert_eq!(st.credits[0].open, dec("0.00"));
    // A credit note on account earns no discount: 100 credited on account
    // on 03-02, cleared against a 2/10 invoice, reduces it by 100 only.
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "c1", "date": "2026-03-02", "type": "credit_note", "amount": "100.00", "currency": "EUR""#,
    );
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-03-02", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "2/10 Net 30""#,
    );
    apply(
        &mut b,
        r#""id": "k1", "date": "2026-03-03", "type": "cleared", "credit_id": "c1""#,
    );
    let st = b.account_state(&c1(), "default").unwrap();
    assert_eq!(
        (st.items[0].open, st.items[0].discount_taken),
        (dec("900.00"), dec("0.00"))
    );
}

#[test]
fn each_installment_is_due_on_its_own_date() {
    // 1000 on "30% due on receipt, 70% net 90" dated 01-05: 45 days later
    // (02-19) the 300 due on receipt is 45 days overdue, the 700 current.
    let mut b = book("");
    apply(
        &mut b,
        r#""id": "i1", "date": "2026-01-05", "type": "invoiced", "invoice_id": "I1", "amount": "1000.00", "currency": "EUR", "terms": "30% due on receipt, 70% net 90""#,
    );
    let on = "2026-02-19";
    // Aging: 700 current, 300 in 31–60.
    let (buckets, total) = aging_total(&b, on);
    assert_eq!(
        buckets,
        vec![
            dec("700.00"),
            dec("0.00"),
            dec("300.00"),
            dec("0.00"),
            dec("0.00")
        ]
    );
    assert_eq!(total, dec("1000.00"));
    // The check sees 45 days and 300 overdue, and blocks.
    let req = OrderRequest {
        customer: c1(),
        segment: "default".into(),
        order_id: OrderId::from("O-NEW"),
        amount: Money::parse("10.00", eur()).unwrap(),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(on),
    };
    let inputs = b.check_inputs(&req).unwrap();
    assert_eq!(
        (inputs.oldest_overdue_days, inputs.overdue_amount),
        (Some(45), dec("300.00"))
    );
    assert_eq!(check(&b, on), Outcome::Blocked);
    assert_eq!(
        b.features(&c1(), "default", d(on))
            .unwrap()
            .current_days_overdue,
        45
    );
    // KPIs for 01-01..02-19 (50 days, sales 1000): BPDSO counts only the
    // 700 not yet due, 700 / 1000 × 50 = 35.00; DSO 1000 / 1000 × 50.
    let r = b
        .kpis(d("2026-01-01"), d(on), GroupBy::Total, eur())
        .unwrap();
    let k = &r.groups["total"];
    assert_eq!(k.figure("best_possible_dso").unwrap(), Some(dec("35.00")));
    assert_eq!(k.figure("dso").unwrap(), Some(dec("50.00")));
    assert_eq!(k.figure("overdue").unwrap(), Some(dec("300.00")));
    // The series sees the same lines.
    let s = b
        .kpi_series(d("2026-01-01"), &[d(on)], GroupBy::Total, eur())
        .unwrap();
    assert_eq!(
        s[0].groups["total"].figure("overdue").unwrap(),
        Some(dec("300.00"))
    );
    // Dunning duns the installment, not the invoice.
    let run = b.dunning_run(d(on), &[]).unwrap();
    assert_eq!(run.notices[0].lines.len(), 1);
    assert_eq!(run.notices[0].lines[0].installment, Some(1));
    assert_eq!(run.notices[0].amount, dec("300.00"));
    // Paying 300 settles the first installment: nothing is overdue.
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-02-19", "type": "payment", "amount": "300.00", "currency": "EUR""#,
    );
    assert_eq!(check(&b, on), Outcome::Approved);
    let (buckets, _) = aging_total(&b, on);
    assert_eq!(buckets[0], dec("700.00"));
    assert_eq!(buckets[2], dec("0.00"));
    // Paid 45 days after the invoice date and the first installment's due
    // date: days beyond terms 45, not 0 against the last installment.
    assert_eq!(
        kpi(&b, "2026-02-01", "2026-02-28", "average_days_beyond_terms"),
        Some(dec("45.00"))
    );
}

/// Open amount of each open item, by invoice id.
fn opens(b: &CreditBook, on: &str) -> Vec<(String, Decimal)> {
    b.open_items(&CustomerId::from("C1"), "default", d(on))
        .unwrap()
        .iter()
        .map(|i| (i.invoice_id.0.clone(), i.open))
        .collect()
}

fn credits_open(b: &CreditBook, on: &str) -> Decimal {
    b.open_credits(&CustomerId::from("C1"), "default", d(on))
        .unwrap()
        .iter()
        .map(|c| c.open)
        .sum()
}

const THREE: [&str; 3] = [
    r#""id": "i1", "date": "2026-01-05", "type": "invoiced", "invoice_id": "I1", "amount": "300.00", "currency": "EUR", "due_date": "2026-02-04""#,
    r#""id": "i2", "date": "2026-01-10", "type": "invoiced", "invoice_id": "I2", "amount": "500.00", "currency": "EUR", "due_date": "2026-02-09""#,
    r#""id": "i3", "date": "2026-01-15", "type": "invoiced", "invoice_id": "I3", "amount": "200.00", "currency": "EUR", "due_date": "2026-02-14""#,
];

/// A book with `extra` policy fields and the three invoices.
fn three(extra: &str) -> CreditBook {
    let mut b = book(extra);
    THREE.iter().for_each(|e| apply(&mut b, e));
    b
}

#[test]
fn automatic_clearing_by_reference_then_amount_then_oldest_due() {
    let rules = r#""ledger": {"auto_clearing": ["by_reference", "exact_amount", "oldest_due"]},"#;
    // By reference: 500 quoting I2 settles I2, not the older I1.
    let mut b = three(rules);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "500.00", "currency": "EUR", "reference": "I2""#,
    );
    assert_eq!(
        opens(&b, "2026-01-20"),
        [("I1".into(), dec("300.00")), ("I3".into(), dec("200.00"))]
    );
    // By amount: 200 with no reference settles I3 (the one item of 200),
    // not 200 of I1.
    let mut b = three(rules);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "200.00", "currency": "EUR""#,
    );
    assert_eq!(
        opens(&b, "2026-01-20"),
        [("I1".into(), dec("300.00")), ("I2".into(), dec("500.00"))]
    );
    // No reference, no amount match: oldest due first, 350 = I1 300 + 50 of I2.
    let mut b = three(rules);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "350.00", "currency": "EUR""#,
    );
    assert_eq!(
        opens(&b, "2026-01-20"),
        [("I2".into(), dec("450.00")), ("I3".into(), dec("200.00"))]
    );
    // Referenced 600 on I2 (500): the 100 over goes on to the next rules:
    // no exact match, then oldest due: 100 of I1.
    let mut b = three(rules);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "600.00", "currency": "EUR", "reference": "I2""#,
    );
    assert_eq!(
        opens(&b, "2026-01-20"),
        [("I1".into(), dec("200.00")), ("I3".into(), dec("200.00"))]
    );
}

#[test]
fn no_clearing_rules_leave_cash_on_account_until_cleared() {
    // `[]`: unapplied cash stays on account — it covers the oldest overdue
    // lines in the views, and a clearing applies it later.
    let mut b = three(r#""ledger": {"auto_clearing": []},"#);
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "300.00", "currency": "EUR""#,
    );
    assert_eq!(opens(&b, "2026-01-20").len(), 3);
    assert_eq!(credits_open(&b, "2026-01-20"), dec("300.00"));
    apply(
        &mut b,
        r#""id": "k1", "date": "2026-02-01", "type": "cleared", "credit_id": "p1", "allocations": [{"invoice_id": "I1", "amount": "300.00"}]"#,
    );
    assert_eq!(opens(&b, "2026-02-01").len(), 2);
    assert!(credits_open(&b, "2026-02-01").is_zero());
}

#[test]
fn a_residue_within_tolerance_is_written_off_above_it_stays_open() {
    // Tolerance: at most 5.00 and at most 1 % of the item (SAP tolerance
    // groups: the lower limit counts). I1 is 300: 1 % = 3.00 is the limit.
    let tol = r#""ledger": {"auto_clearing": ["by_reference", "oldest_due"],
                 "residue_tolerance": {"amount": "5.00", "percent": "1"}},"#;
    let mut b = three(tol);
    // 297.00 quoting I1: residue 3.00 ≤ 3.00, written off; I1 is settled.
    apply(
        &mut b,
        r#""id": "p1", "date": "2026-01-20", "type": "payment", "amount": "297.00", "currency": "EUR", "reference": "I1""#,
    );
    assert_eq!(
        opens(&b, "2026-01-20"),
        [("I2".into(), dec("500.00")), ("I3".into(), dec("200.00"))]
    );
    // 495.50 quoting I2 (500: limit min(5.00, 5.00) = 5.00): residue 4.50
    // written off.
    apply(
        &mut b,
        r#""id": "p2", "date": "2026-01-21", "type": "payment", "amount": "495.50", "currency": "EUR", "reference": "I2""#,
    );
    assert_eq!(opens(&b, "2026-01-21"), [("I3".into(), dec("200.00"))]);
    // 197.00 quoting I3 (200: limit 2.00): residue 3.00 stays open on I3.
    apply(
        &mut b,
        r#""id": "p3", "date": "2026-01-22", "type": "payment", "amount": "197.00", "currency": "EUR", "reference": "I3""#,
    );
    assert_eq!(opens(&b, "2026-01-22"), [("I3".into(), dec("3.00"))]);
    // No cent created or lost: 1000 invoiced = 989.50 paid + 7.50 written
    // off as payment differences + 3.00 open.
    let k = b
        .kpis(d("2026-01-01"), d("2026-01-31"), GroupBy::Total, eur())
        .unwrap();
    assert_eq!(k.groups["total"].collected, dec("997.00"));
    assert_eq!(k.groups["total"].receivables, dec("3.00"));
}

#[test]
fn clearing_rules_and_tolerances_are_validated() {
    for (ledger, field) in [
        (
            r#"{"auto_clearing": ["oldest_due", "oldest_due"]}"#,
            "twice",
        ),
        (r#"{"auto_clearing": ["by_amount"]}"#, "by_amount"),
        (
            r#"{"residue_tolerance": {"amount": "-1"}}"#,
            "residue_tolerance",
        ),
        (
            r#"{"residue_tolerance": {"percent": "101"}}"#,
            "residue_tolerance",
        ),
        (
            r#"{"residue_tolerance": {"amount": "1", "pct": "1"}}"#,
            "pct",
        ),
    ] {
        let e = Policy::from_json(&format!(
            r#"{{"schema_version": 1, "policy_id": "x", "steps": [], "ledger": {ledger}}}"#
        ))
        .unwrap_err();
        assert!(e.to_string().contains(field), "{ledger}: {e}");
    }
}
