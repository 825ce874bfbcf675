//! Risk analysis on the book, worked by hand: behavioural features from a
//! small ledger, scoring with features and host attributes, limit
//! recommendations, and a sequence of review runs.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId, RiskClass};
use credit_core::engine::CreditBook;
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::policy::Policy;
use credit_core::risk::{ReviewEventKind, ReviewRun};
use credit_core::scoring::{Attributes, Scorecard, Value};
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

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "risk-test",
  "weights": {"open_orders": "1", "delivered_not_invoiced": "1", "open_receivables": "1",
              "disputed": "1", "special_liabilities": "1"},
  "steps": [],
  "limit_rules": [
    {"classes": ["A", "B"], "basis": "avg_monthly_sales", "factor": "2",
     "floor": "5000", "cap": "50000", "step": "1000"},
    {"classes": ["C"], "basis": {"attribute": "equity"}, "factor": "0.10", "step": "500"}
  ],
  "review": {"default": "monthly", "by_class": {"C": "weekly"}}
}"#;

const CARD: &str = r#"{"schema_version": 1, "name": "behaviour-v1", "base_points": 400,
  "no_match": "reject",
  "characteristics": [
    {"name": "avg_days_beyond_terms_12m", "code": "DBT",
     "bins": {"type": "numeric", "cuts": [5, 15], "points": [50, 30, 0]}, "missing": 40},
    {"name": "current_days_overdue", "code": "ODUE",
     "bins": {"type": "numeric", "cuts": [1, 30], "points": [40, 20, -10]}},
    {"name": "equity_ratio", "code": "EQR",
     "bins": {"type": "numeric", "cuts": [0.2], "points": [0, 30]}, "missing": 10}
  ],
  "classes": [
    {"class": "C", "max": 450, "pd": 0.1, "block_new_orders": true},
    {"class": "B", "min": 450, "max": 500, "pd": 0.03, "review": "monthly"},
    {"class": "A", "min": 500, "pd": 0.01, "review": "quarterly"}
  ]}"#;

fn ev(json: &str) -> Event {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// C1: three invoices, paid 10 and 20 days late, the third open and overdue,
/// a dispute, a broken promise, a dunning notice. C2: no history.
fn book() -> CreditBook {
    let mut b = CreditBook::new(Policy::from_json(POLICY).unwrap()).unwrap();
    for id in ["C1", "C2"] {
        b.upsert_customer(Customer::new(id, id, eur()), d("2026-01-01"))
            .unwrap();
    }
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("10000.00", eur()).unwrap()),
        d("2026-01-01"),
    )
    .unwrap();
    for e in [
        r#"{"id":"i1","customer":"C1","date":"2026-01-10","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"EUR","due_date":"2026-02-09"}"#,
        r#"{"id":"p1","customer":"C1","date":"2026-02-19","type":"payment","amount":"1000.00","currency":"EUR"}"#,
        r#"{"id":"i2","customer":"C1","date":"2026-06-01","type":"invoiced","invoice_id":"I2","amount":"2000.00","currency":"EUR","due_date":"2026-07-01"}"#,
        r#"{"id":"p2","customer":"C1","date":"2026-07-01","type":"payment","amount":"500.00","currency":"EUR"}"#,
        r#"{"id":"p3","customer":"C1","date":"2026-07-21","type":"payment","amount":"1500.00","currency":"EUR"}"#,
        r#"{"id":"i3","customer":"C1","date":"2026-09-01","type":"invoiced","invoice_id":"I3","amount":"3000.00","currency":"EUR","due_date":"2026-10-01"}"#,
        r#"{"id":"x1","customer":"C1","date":"2026-09-15","type":"dispute_opened","invoice_id":"I3","amount":"500.00","currency":"EUR"}"#,
        r#"{"id":"pr1","customer":"C1","date":"2026-09-20","type":"promise_to_pay","amount":"1000.00","currency":"EUR","promised_date":"2026-10-05"}"#,
        r#"{"id":"dn1","customer":"C1","date":"2026-10-10","type":"dunning_notice","level":1,"invoices":["I3"]}"#,
    ] {
        b.apply(ev(e)).unwrap();
    }
    b
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn features_by_hand() {
    let b = book();
    let f = b
        .features(&CustomerId::from("C1"), "default", d("2026-11-01"))
        .unwrap();
    // 3 months = after 2026-08-01: no payment.
    assert_eq!(f.avg_days_to_pay_3m, None);
    assert_eq!(f.avg_days_beyond_terms_3m, None);
    // 6 months: 500 paid at 30 days (on the due date), 1500 at 50 days
    // (20 late): to pay (500·30 + 1500·50) / 2000 = 45; beyond 30000 / 2000 = 15.
    assert!(close(f.avg_days_to_pay_6m, 45.0));
    assert!(close(f.avg_days_beyond_terms_6m, 15.0));
    // 12 months adds 1000 at 40 days (10 late): 130000 / 3000, 40000 / 3000.
    assert!(close(f.avg_days_to_pay_12m, 130000.0 / 3000.0));
    assert!(close(f.avg_days_beyond_terms_12m, 40000.0 / 3000.0));
    // I1 and I2 settled, both late; I3 open 31 days past its 2026-10-01 due date.
    assert_eq!(f.share_paid_late_12m, Some(1.0));
    assert_eq!(f.current_days_overdue, 31);
    assert_eq!(f.max_days_overdue_12m, 31);
    assert_eq!(f.overdue_share, Some(1.0));
    // Exposure 3000 (2500 open + 500 disputed) of a 10000 limit.
    assert_eq!(f.utilisation, Some(0.3));
    assert_eq!(f.max_dunning_level_12m, 1);
    assert_eq!(f.disputes_12m, 1);
    assert_eq!((f.broken_promises_12m, f.kept_promises_12m), (1, 0));
    // 2026-01-10 → 2026-11-01: 9 whole months.
    assert_eq!(f.months_since_first_invoice, Some(9));
    assert_eq!(f.dbt_trend, None);
    // (1000 + 2000 + 3000) / 12.
    assert_eq!(f.avg_monthly_sales_12m, dec("500.00"));
    // As of an earlier date, later events do not count: on 2026-07-10 only
    // the 500 of 07-01 is in the last 3 months (beyond terms 0).
    let f = b
        .features(&CustomerId::from("C1"), "default", d("2026-07-10"))
        .unwrap();
    assert!(close(f.avg_days_beyond_terms_3m, 0.0));
    assert_eq!(f.current_days_overdue, 9);
    // The 3 months before that, (01-10, 04-10], hold the payment of 02-19,
    // 10 days late: the trend is 0 − 10 = −10 (paying earlier).
    assert!(close(f.dbt_trend, -10.0));
    // A customer with no history: nothing defined but the counts.
    let f = b
        .features(&CustomerId::from("C2"), "default", d("2026-11-01"))
        .unwrap();
    assert_eq!(f.avg_days_to_pay_12m, None);
    assert_eq!(f.months_since_first_invoice, None);
    assert_eq!(f.utilisation, None);
    assert_eq!(f.avg_monthly_sales_12m, Decimal::ZERO);
}

fn host(ratio: f64, equity: Option<&str>) -> Attributes {
    let mut a = Attributes::new();
    a.insert("equity_ratio".into(), Value::Number(ratio));
    if let Some(e) = equity {
        a.insert("equity".into(), Value::Text(e.into()));
    }
    a
}

#[test]
fn score_customer_with_features_and_host_attributes() {
    let b = book();
    let card = Scorecard::from_json(CARD).unwrap();
    let s = b
        .score_customer(
            &card,
            &CustomerId::from("C1"),
            "default",
            d("2026-11-01"),
            &host(0.35, None),
        )
        .unwrap();
    // DBT 13.3 → [5,15) 30; 31 days overdue → −10; equity ratio 0.35 → 30:
    // 400 + 30 − 10 + 30 = 450 → B (min inclusive).
    assert_eq!(s.result.score, 450.0);
    assert_eq!(s.result.class.as_str(), "B");
    // Reasons: ODUE lost 50, DBT lost 20 (best 50).
    let codes: Vec<&str> = s.result.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["ODUE", "DBT"]);
    // B: 2 × 500.00 = 1000 → floor 5000.
    let rec = s.recommendation.unwrap();
    assert_eq!(rec.raw, dec("1000"));
    assert_eq!(rec.limit, dec("5000"));
    assert_eq!(rec.bounded_by.as_deref(), Some("floor"));
    // With a low equity ratio: 400 + 30 − 10 + 0 = 420 → C: 10 % of equity
    // 123456.78 = 12345.678 → down to a 500 step: 12000.
    let s = b
        .score_customer(
            &card,
            &CustomerId::from("C1"),
            "default",
            d("2026-11-01"),
            &host(0.1, Some("123456.78")),
        )
        .unwrap();
    assert_eq!(s.result.class.as_str(), "C");
    let rec = s.recommendation.unwrap();
    assert_eq!(
        (rec.rule, rec.limit, rec.bounded_by),
        (1, dec("12000"), None)
    );
    // Money from a float is refused.
    let mut h = host(0.1, None);
    h.insert("equity".into(), Value::Number(123456.78));
    let e = b
        .score_customer(
            &card,
            &CustomerId::from("C1"),
            "default",
            d("2026-11-01"),
            &h,
        )
        .unwrap_err();
    assert!(e.to_string().contains("equity"), "{e}");
    // Unknown customer.
    assert!(b
        .score_customer(
            &card,
            &CustomerId::from("nobody"),
            "default",
            d("2026-11-01"),
            &host(0.1, None)
        )
        .is_err());
}

fn kinds(run: &ReviewRun, who: &str) -> Vec<ReviewEventKind> {
    run.events
        .iter()
        .filter(|e| e.customer.as_str() == who)
        .map(|e| e.kind.clone())
        .collect()
}

#[test]
fn review_runs_compare_schedule_and_carry() {
    let b = book();
    let card = Scorecard::from_json(CARD).unwrap();
    let c1 = CustomerId::from("C1");
    let mut hosts = BTreeMap::new();
    hosts.insert(c1.clone(), host(0.35, None));
    let r1 = b
        .review_run(&card, "default", d("2026-11-01"), &hosts, None)
        .unwrap();
    assert_eq!(r1.reviewed, [c1.clone(), CustomerId::from("C2")]);
    let res = r1.result(&c1).unwrap();
    assert_eq!(res.score, Some(450.0));
    // B reviews monthly (card band): next 2026-12-01.
    assert_eq!(res.next_review, d("2026-12-01"));
    assert_eq!(
        kinds(&r1, "C1"),
        [ReviewEventKind::LimitProposed {
            current: Some(dec("10000.00")),
            proposed: dec("5000"),
            rule: 0
        }]
    );
    // C2: DBT missing 40, no overdue 40, ratio missing 10 → 490, B; no limit yet.
    let c2 = r1.result(&CustomerId::from("C2")).unwrap();
    assert_eq!(c2.score, Some(490.0));
    assert_eq!(c2.current_limit, None);
    // Deterministic, and the stored JSON reads back equal.
    let again = b
        .review_run(&card, "default", d("2026-11-01"), &hosts, None)
        .unwrap();
    assert_eq!(again, r1);
    let stored = ReviewRun::from_json(&r1.to_json()).unwrap();
    assert_eq!(stored, r1);
    // Mid-month: nobody is due; results carry over.
    let r2 = b
        .review_run(&card, "default", d("2026-11-15"), &hosts, Some(&stored))
        .unwrap();
    assert!(r2.reviewed.is_empty() && r2.events.is_empty());
    assert_eq!(r2.results, r1.results);
    // Two days after the due date, with a weaker equity ratio: 420 → C.
    hosts.insert(c1.clone(), host(0.1, Some("123456.78")));
    let r3 = b
        .review_run(&card, "default", d("2026-12-03"), &hosts, Some(&r2))
        .unwrap();
    // Features on 12-03: still 63 days overdue, DBT unchanged → 400+30−10+0.
    assert_eq!(
        kinds(&r3, "C1"),
        [
            ReviewEventKind::ReviewOverdue {
                due: d("2026-12-01"),
                days: 2
            },
            ReviewEventKind::ScoreChanged {
                from: 450.0,
                to: 420.0
            },
            ReviewEventKind::ClassDowngraded {
                from: RiskClass::new("B").unwrap(),
                to: RiskClass::new("C").unwrap()
            },
            ReviewEventKind::LimitProposed {
                current: Some(dec("10000.00")),
                proposed: dec("12000"),
                rule: 1
            },
        ]
    );
    let res = r3.result(&c1).unwrap();
    assert!(res.block_new_orders);
    assert_eq!(res.previous_class, Some(RiskClass::new("B").unwrap()));
    // C reviews weekly (the policy's by_class beats the card).
    assert_eq!(res.next_review, d("2026-12-10"));
    // A money attribute given as a float: scored, no recommendation.
    hosts.insert(c1.clone(), {
        let mut h = host(0.1, None);
        h.insert("equity".into(), Value::Number(1.0));
        h
    });
    let r4 = b
        .review_run(&card, "default", d("2026-12-10"), &hosts, Some(&r3))
        .unwrap();
    let k = kinds(&r4, "C1");
    assert!(
        matches!(k[0], ReviewEventKind::LimitNotRecommended { .. }),
        "{k:?}"
    );
    assert_eq!(r4.result(&c1).unwrap().score, Some(420.0));
    // Host attributes for an unknown customer are an error.
    hosts.insert(CustomerId::from("ghost"), Attributes::new());
    assert!(b
        .review_run(&card, "default", d("2026-12-10"), &hosts, Some(&r3))
        .is_err());
}

#[test]
fn a_host_review_date_counts_until_a_review_meets_it() {
    let mut b = book();
    let card = Scorecard::from_json(CARD).unwrap();
    let mut c2 = Customer::new("C2", "C2", eur());
    c2.next_review = Some(d("2026-10-31"));
    b.upsert_customer(c2, d("2026-01-01")).unwrap();
    let hosts = BTreeMap::new();
    let r1 = b
        .review_run(&card, "default", d("2026-11-22"), &hosts, None)
        .unwrap();
    let overdue = |run: &ReviewRun| -> Vec<ReviewEventKind> {
        kinds(run, "C2")
            .into_iter()
            .filter(|k| matches!(k, ReviewEventKind::ReviewOverdue { .. }))
            .collect()
    };
    assert_eq!(
        overdue(&r1),
        [ReviewEventKind::ReviewOverdue {
            due: d("2026-10-31"),
            days: 22
        }]
    );
    // Reviewed on 11-22 (B, monthly): due again 12-22, on time, not overdue.
    let r2 = b
        .review_run(&card, "default", d("2026-12-22"), &hosts, Some(&r1))
        .unwrap();
    assert!(r2.reviewed.contains(&CustomerId::from("C2")));
    assert!(overdue(&r2).is_empty(), "{:?}", kinds(&r2, "C2"));
}

#[test]
fn review_frequency_policy_then_band_then_default() {
    use credit_core::scoring::ReviewFrequency as F;
    let p = Policy::from_json(POLICY).unwrap();
    let card = Scorecard::from_json(CARD).unwrap();
    let rc = |s: &str| Some(RiskClass::new(s).unwrap());
    // The policy's entry for C wins over the band (which has none anyway).
    assert_eq!(p.review.frequency(&card, rc("C")), F::Weekly);
    // B and A: their bands' frequencies.
    assert_eq!(p.review.frequency(&card, rc("B")), F::Monthly);
    assert_eq!(p.review.frequency(&card, rc("A")), F::Quarterly);
    // A class on neither, and no class: the default.
    assert_eq!(p.review.frequency(&card, rc("Z")), F::Monthly);
    assert_eq!(p.review.frequency(&card, None), F::Monthly);
    // A policy entry overrides the band's own frequency.
    let over = Policy::from_json(&POLICY.replace(r#""C": "weekly""#, r#""A": "weekly""#)).unwrap();
    assert_eq!(over.review.frequency(&card, rc("A")), F::Weekly);
}
