//! Effective-dated master data: limits (with temporary increases), customer
//! data (class, blocked, next review, collector, parent) and FX rates are
//! versions by valid-from date; every as-of view and check reads the version
//! in force on its date, and a new version never changes an earlier date.
//! (SAP FSCM keeps credit limits and ratings with valid-from dates and
//! Dynamics 365 keeps credit limit history the same way; ECB reference
//! rates are published per day, in force until the next.)

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId, RiskClass, TemporaryIncrease};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::Event;
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
fn usd() -> Currency {
    Currency::iso("USD").unwrap()
}
fn eur_m(s: &str) -> Money {
    Money::parse(s, eur()).unwrap()
}
fn id(s: &str) -> CustomerId {
    CustomerId::from(s)
}

fn book() -> CreditBook {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "dated", "blocked_risk_classes": ["E"],
            "steps": [{"step": "customer_blocked", "action": "block"},
                      {"step": "risk_class_blocked", "action": "block"},
                      {"step": "review_overdue", "action": "block"},
                      {"step": "static_limit", "action": "block"},
                      {"step": "group_limit", "action": "block"}],
            "dunning": {"levels": [{"level": 1, "min_days_overdue": 1}]}}"#,
    )
    .unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(CreditLimit::amount("C1", eur_m("1000.00")), d("2026-01-01"))
        .unwrap();
    b
}

fn dated_limit(customer: &str, amount: &str, from: &str) -> CreditLimit {
    let mut l = CreditLimit::amount(customer, eur_m(amount));
    l.valid_from = Some(d(from));
    l
}

fn req(customer: &str, order: &str, amount: &str, date: &str) -> OrderRequest {
    OrderRequest {
        customer: id(customer),
        segment: "default".into(),
        order_id: order.into(),
        amount: eur_m(amount),
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(date),
    }
}

fn codes(b: &CreditBook, r: OrderRequest) -> Vec<String> {
    b.simulate_check(&r)
        .unwrap()
        .reasons
        .iter()
        .map(|x| x.code.0.to_string())
        .collect()
}

fn apply(b: &mut CreditBook, body: &str) {
    let e: Event = serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
    b.apply(e).unwrap_or_else(|e| panic!("{body}: {e}"));
}

#[test]
fn a_limit_version_is_in_force_from_its_date_and_leaves_earlier_dates_alone() {
    let mut b = book();
    // 1000 until 03-31, 5000 from 04-01 (with +500 in May), 2000 from 07-01.
    let mut raised = dated_limit("C1", "5000.00", "2026-04-01");
    raised.temporary.push(TemporaryIncrease {
        amount: eur_m("500.00"),
        from: d("2026-05-01"),
        to: d("2026-05-31"),
    });
    b.set_limit(raised, d("2026-04-01")).unwrap();
    let limit_on =
        |b: &CreditBook, day: &str| b.exposure(&id("C1"), "default", d(day)).unwrap().limit;
    assert_eq!(limit_on(&b, "2026-03-31"), Some(dec("1000.00")));
    assert_eq!(limit_on(&b, "2026-04-01"), Some(dec("5000.00")));
    assert_eq!(limit_on(&b, "2026-05-15"), Some(dec("5500.00")));
    b.set_limit(dated_limit("C1", "2000.00", "2026-07-01"), d("2026-07-01"))
        .unwrap();
    // The later version changed nothing before its date.
    assert_eq!(limit_on(&b, "2026-03-31"), Some(dec("1000.00")));
    assert_eq!(limit_on(&b, "2026-06-30"), Some(dec("5000.00")));
    assert_eq!(limit_on(&b, "2026-07-01"), Some(dec("2000.00")));
    // The check reads the limit in force on its date: 3000 is above 1000 in
    // March, within 5000 in April, above 2000 in July.
    assert_eq!(
        codes(&b, req("C1", "O1", "3000.00", "2026-03-31")),
        ["STATIC_LIMIT_EXCEEDED"]
    );
    assert!(codes(&b, req("C1", "O1", "3000.00", "2026-04-01")).is_empty());
    assert_eq!(
        codes(&b, req("C1", "O1", "3000.00", "2026-07-01")),
        ["STATIC_LIMIT_EXCEEDED"]
    );
    let history: Vec<_> = b
        .limit_history(&id("C1"), "default")
        .iter()
        .map(|l| l.valid_from)
        .collect();
    assert_eq!(
        history,
        [None, Some(d("2026-04-01")), Some(d("2026-07-01"))]
    );
    // A correction of the April version replaces it, nothing else.
    b.set_limit(dated_limit("C1", "4000.00", "2026-04-01"), d("2026-04-01"))
        .unwrap();
    assert_eq!(limit_on(&b, "2026-05-15"), Some(dec("4000.00")));
    assert_eq!(limit_on(&b, "2026-03-31"), Some(dec("1000.00")));
    assert_eq!(limit_on(&b, "2026-07-01"), Some(dec("2000.00")));
    assert_eq!(b.limit_history(&id("C1"), "default").len(), 3);
}

#[test]
fn before_its_first_version_an_account_has_no_limit_defined() {
    let mut b = book();
    b.upsert_customer(Customer::new("C2", "Beta", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(dated_limit("C2", "800.00", "2026-03-01"), d("2026-03-01"))
        .unwrap();
    assert_eq!(
        codes(&b, req("C2", "O1", "100.00", "2026-02-28")),
        ["NO_LIMIT_DEFINED"]
    );
    assert!(codes(&b, req("C2", "O1", "100.00", "2026-03-01")).is_empty());
}

#[test]
fn customer_master_data_is_read_as_it_stood_on_the_date() {
    let mut b = book();
    // From 05-01: class E (blocked by the policy), a blocked flag, a review
    // due 05-10 and another collector.
    let mut v = Customer::new("C1", "Acme", eur());
    v.valid_from = Some(d("2026-05-01"));
    v.risk_class = Some(RiskClass::new("E").unwrap());
    v.blocked = Some("insolvency filing".into());
    v.next_review = Some(d("2026-05-10"));
    v.collector = Some("ana".into());
    b.upsert_customer(v, d("2026-05-01")).unwrap();
    assert!(codes(&b, req("C1", "O1", "10.00", "2026-04-30")).is_empty());
    assert_eq!(
        codes(&b, req("C1", "O1", "10.00", "2026-05-11")),
        ["CUSTOMER_BLOCKED", "RISK_CLASS_BLOCKED", "REVIEW_OVERDUE"]
    );
    assert_eq!(
        b.customer_on(&id("C1"), d("2026-04-30")).unwrap().collector,
        None
    );
    assert_eq!(
        b.customer(&id("C1")).unwrap().collector.as_deref(),
        Some("ana")
    );
    assert_eq!(b.customer_history(&id("C1")).len(), 2);
    // The worklist and KPIs by collector read the collector of their date.
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-02-01","type":"invoiced","invoice_id":"I1","amount":"300.00","currency":"EUR","due_date":"2026-03-01"}"#,
    );
    let wl = |day: &str| {
        b.worklist(d(day), eur(), &[])
            .unwrap()
            .into_iter()
            .map(|w| w.collector)
            .collect::<Vec<_>>()
    };
    assert_eq!(wl("2026-04-15"), [None]);
    assert_eq!(wl("2026-05-15"), [Some("ana".to_string())]);
    let kpi_groups = |from: &str, to: &str| {
        b.kpis(d(from), d(to), GroupBy::Collector, eur())
            .unwrap()
            .groups
            .into_keys()
            .collect::<Vec<_>>()
    };
    assert_eq!(kpi_groups("2026-04-01", "2026-04-30"), ["(none)"]);
    assert_eq!(kpi_groups("2026-05-01", "2026-05-31"), ["ana"]);
    let series: Vec<String> = b
        .kpi_series(
            d("2026-04-01"),
            &[d("2026-04-30"), d("2026-05-31")],
            GroupBy::Collector,
            eur(),
        )
        .unwrap()
        .into_iter()
        .flat_map(|k| k.groups.into_keys())
        .collect();
    assert_eq!(series, ["(none)", "ana"]);
}

#[test]
fn a_group_is_its_members_on_the_date() {
    let mut b = book();
    // C2 joins C1's group on 03-01; the group limit is 1500.
    b.upsert_customer(Customer::new("C2", "Sub", eur()), d("2026-01-01"))
        .unwrap();
    let mut joined = Customer::new("C2", "Sub", eur());
    joined.parent = Some(id("C1"));
    joined.valid_from = Some(d("2026-03-01"));
    b.upsert_customer(joined, d("2026-03-01")).unwrap();
    b.set_limit(CreditLimit::amount("C2", eur_m("5000.00")), d("2026-01-01"))
        .unwrap();
    b.set_group_limit(CreditLimit::amount("C1", eur_m("1500.00")), d("2026-01-01"))
        .unwrap();
    apply(
        &mut b,
        r#"{"id":"o1","customer":"C1","date":"2026-01-05","type":"order_placed","order_id":"P1","amount":"900.00","currency":"EUR"}"#,
    );
    // Before 03-01 C2 is alone: 1000 against its own 5000 and C2 heads no
    // group limit. From 03-01 the group holds 900 + 1000 = 1900 > 1500.
    assert!(codes(&b, req("C2", "S1", "1000.00", "2026-02-28")).is_empty());
    assert_eq!(
        codes(&b, req("C2", "S1", "1000.00", "2026-03-01")),
        ["GROUP_LIMIT_EXCEEDED"]
    );
    let members = |day: &str| {
        b.group_exposure(&id("C1"), "default", d(day))
            .unwrap()
            .members
            .into_iter()
            .map(|m| m.customer.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(members("2026-02-28"), ["C1"]);
    assert_eq!(members("2026-03-01"), ["C1", "C2"]);
    // C1 under C2 would loop on 03-01: refused, whatever its date.
    let mut loopy = Customer::new("C1", "Acme", eur());
    loopy.parent = Some(id("C2"));
    loopy.valid_from = Some(d("2026-01-01"));
    assert!(b.upsert_customer(loopy, d("2026-01-01")).is_err());
    // Another credit currency in a version: refused, naming the field.
    let mut usd_version = Customer::new("C2", "Sub", usd());
    usd_version.valid_from = Some(d("2026-06-01"));
    let err = b.upsert_customer(usd_version, d("2026-06-01")).unwrap_err();
    assert!(err.to_string().contains("currency"), "{err}");
}

#[test]
fn fx_rates_convert_at_the_rate_in_force_on_the_date() {
    let mut b = book();
    // A USD invoice on a EUR account: 1000 USD at 0.90 until 02-28, 0.80
    // from 03-01.
    b.set_fx_rate(usd(), eur(), dec("0.90")).unwrap();
    b.set_fx_rate_from(usd(), eur(), dec("0.80"), d("2026-03-01"))
        .unwrap();
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-02-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"USD","due_date":"2026-06-01"}"#,
    );
    let recv = |day: &str| {
        b.exposure(&id("C1"), "default", d(day))
            .unwrap()
            .figures
            .receivables
    };
    assert_eq!(recv("2026-02-28"), dec("900.00"));
    assert_eq!(recv("2026-03-01"), dec("800.00"));
    // The check of 02-28 sees 900 + 150 > 1000; on 03-01, 800 + 150 fits.
    assert_eq!(
        codes(&b, req("C1", "O1", "150.00", "2026-02-28")),
        ["STATIC_LIMIT_EXCEEDED"]
    );
    assert!(codes(&b, req("C1", "O1", "150.00", "2026-03-01")).is_empty());
    // No rate in force yet: an error naming the pair, not a silent 1.
    let mut b2 = book();
    b2.set_fx_rate_from(usd(), eur(), dec("0.80"), d("2026-03-01"))
        .unwrap();
    apply(
        &mut b2,
        r#"{"id":"i1","customer":"C1","date":"2026-02-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"USD","due_date":"2026-06-01"}"#,
    );
    let err = b2
        .exposure(&id("C1"), "default", d("2026-02-15"))
        .unwrap_err();
    assert!(err.to_string().contains("USD"), "{err}");
}

#[test]
fn a_restore_keeps_every_version() {
    let mut b = book();
    b.set_limit(dated_limit("C1", "5000.00", "2026-04-01"), d("2026-04-01"))
        .unwrap();
    let mut v = Customer::new("C1", "Acme", eur());
    v.valid_from = Some(d("2026-05-01"));
    v.collector = Some("ana".into());
    b.upsert_customer(v, d("2026-05-01")).unwrap();
    b.set_fx_rate(usd(), eur(), dec("0.90")).unwrap();
    b.set_fx_rate_from(usd(), eur(), dec("0.80"), d("2026-03-01"))
        .unwrap();
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-02-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"USD","due_date":"2026-06-01"}"#,
    );
    let r = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(r.state_digest(), b.state_digest());
    // Compared with the live book, date by date.
    for day in ["2026-02-15", "2026-03-15", "2026-04-15", "2026-05-15"] {
        assert_eq!(
            r.exposure(&id("C1"), "default", d(day)).unwrap(),
            b.exposure(&id("C1"), "default", d(day)).unwrap(),
            "{day}"
        );
        assert_eq!(
            r.customer_on(&id("C1"), d(day)),
            b.customer_on(&id("C1"), d(day)),
            "{day}"
        );
    }
    // A snapshot listing a version twice is refused, naming it.
    let snap = b.snapshot().unwrap();
    let twice = snap.replacen(
        r#"["USD","EUR","0.80","2026-03-01"]"#,
        r#"["USD","EUR","0.80","2026-03-01"],["USD","EUR","0.70","2026-03-01"]"#,
        1,
    );
    assert_ne!(twice, snap);
    let err = CreditBook::restore(&twice).unwrap_err();
    assert!(err.to_string().contains("listed twice"), "{err}");
}

#[test]
fn a_kpi_series_converts_each_period_at_its_own_rates_as_kpis_do() {
    let mut b = book();
    // USD invoices in January and March on a EUR account; 0.90 until 02-28,
    // 0.80 from 03-01. March's KPIs convert everything (the January sale in
    // the countback history and the receivables at the start of March
    // included) at 0.80, in the series as in `kpis` for March alone.
    b.set_fx_rate(usd(), eur(), dec("0.90")).unwrap();
    b.set_fx_rate_from(usd(), eur(), dec("0.80"), d("2026-03-01"))
        .unwrap();
    apply(
        &mut b,
        r#"{"id":"i1","customer":"C1","date":"2026-01-10","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"USD","due_date":"2026-02-09"}"#,
    );
    apply(
        &mut b,
        r#"{"id":"i2","customer":"C1","date":"2026-03-10","type":"invoiced","invoice_id":"I2","amount":"500.00","currency":"USD","due_date":"2026-04-09"}"#,
    );
    let ends = [d("2026-01-31"), d("2026-02-28"), d("2026-03-31")];
    let series = b
        .kpi_series(d("2026-01-01"), &ends, GroupBy::Total, eur())
        .unwrap();
    let jan = &series[0].groups["total"];
    let mar = &series[2].groups["total"];
    let alone = b
        .kpis(d("2026-03-01"), d("2026-03-31"), GroupBy::Total, eur())
        .unwrap();
    let k = &alone.groups["total"];
    // January at 0.90: 900.00 of sales and receivables.
    assert_eq!(
        (jan.credit_sales, jan.receivables),
        (dec("900.00"), dec("900.00"))
    );
    // March at 0.80: sales 400.00, receivables 800.00 + 400.00.
    assert_eq!(
        (mar.credit_sales, mar.receivables),
        (dec("400.00"), dec("1200.00"))
    );
    assert_eq!(
        (
            &mar.credit_sales,
            &mar.receivables,
            &mar.dso,
            &mar.countback_dso,
            &mar.cei
        ),
        (
            &k.credit_sales,
            &k.receivables,
            &k.dso,
            &k.countback_dso,
            &k.cei
        )
    );
}
