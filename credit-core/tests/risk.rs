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

fn codes_on(b: &CreditBook, day: &str) -> Vec<&'static str> {
    let r = credit_core::engine::OrderRequest {
        customer: CustomerId::from("C1"),
        segment: "default".into(),
        order_id: "O-NEW".into(),
        amount: Money::parse("1.00", eur()).unwrap(),
        requested_delivery: None,
        checkpoint: credit_core::policy::Checkpoint::Order,
        as_of: d(day),
    };
    b.simulate_check(&r)
        .unwrap()
        .reasons
        .iter()
        .map(|x| x.code.0)
        .collect()
}

/// Reviews write back (issue 13, item 6): the next review date always; a
/// class change and a limit decrease at once by default; an increase or a
/// first limit as a proposal unless the policy lets it through. Each change
/// is a version from the run's date, so the day before reads as it was.
#[test]
fn a_review_writes_back_as_versions_from_its_date() {
    let mut b = book();
    let p = POLICY.replace(
        r#""steps": [],"#,
        r#""blocked_risk_classes": ["C"], "steps": [{"step": "review_overdue", "action": "block"},
           {"step": "risk_class_blocked", "action": "block"}],"#,
    );
    b.set_policy(Policy::from_json(&p).unwrap(), d("2026-01-01"))
        .unwrap();
    let mut c1 = Customer::new("C1", "C1", eur());
    c1.next_review = Some(d("2026-10-15"));
    b.upsert_customer(c1, d("2026-01-01")).unwrap();
    // Before the review: the host's review date 10-15 has passed.
    assert_eq!(codes_on(&b, "2026-11-01"), ["REVIEW_OVERDUE"]);
    let card = Scorecard::from_json(CARD).unwrap();
    let id1 = CustomerId::from("C1");
    let mut hosts = BTreeMap::new();
    hosts.insert(id1.clone(), host(0.35, None));
    // 11-01: C1 scores 450 (B, monthly: next 12-01), rule 0 proposes 5000
    // against 10000 in force (a decrease); C2 scores 490 (B) and has no
    // limit: 5000 (the floor) is a first limit.
    let r1 = b
        .review_run(&card, "default", d("2026-11-01"), &hosts, None)
        .unwrap();
    let (wb, _) = b.apply_review(&r1).unwrap();
    let show = |v: &[credit_core::risk::ReviewChangeOf]| -> Vec<String> {
        v.iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.customer,
                    serde_json::to_string(&c.change).unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        show(&wb.applied),
        [
            r#"C1 {"change":"next_review","from":"2026-10-15","to":"2026-12-01"}"#,
            r#"C1 {"change":"risk_class","from":null,"to":"B"}"#,
            r#"C1 {"change":"limit","from":"10000.00","unlimited":false,"to":"5000","currency":"EUR","rule":0}"#,
            r#"C2 {"change":"next_review","from":null,"to":"2026-12-01"}"#,
            r#"C2 {"change":"risk_class","from":null,"to":"B"}"#,
        ]
    );
    assert_eq!(
        show(&wb.proposals),
        [
            r#"C2 {"change":"limit","from":null,"unlimited":false,"to":"5000","currency":"EUR","rule":0}"#
        ]
    );
    // The review has happened: no REVIEW_OVERDUE from 11-01; the day
    // before still reads the old master data.
    assert!(codes_on(&b, "2026-11-01").is_empty());
    assert_eq!(codes_on(&b, "2026-10-31"), ["REVIEW_OVERDUE"]);
    let class_on = |b: &CreditBook, day: &str| b.customer_on(&id1, d(day)).unwrap().risk_class;
    assert_eq!(class_on(&b, "2026-10-31"), None);
    assert_eq!(class_on(&b, "2026-11-01"), RiskClass::new("B").ok());
    let limit_on = |b: &CreditBook, day: &str| b.exposure(&id1, "default", d(day)).unwrap().limit;
    assert_eq!(limit_on(&b, "2026-10-31"), Some(dec("10000.00")));
    assert_eq!(limit_on(&b, "2026-11-01"), Some(dec("5000.00")));
    let hist = b.limit_history(&id1, "default");
    assert_eq!(
        hist[1].reason.as_deref(),
        Some("review of 2026-11-01 (risk-test, scorecard behaviour-v1): limit rule 0")
    );
    // C2 has no limit: the proposal changed nothing.
    assert!(b
        .limit_history(&CustomerId::from("C2"), "default")
        .is_empty());
    // Applying the same run again changes nothing.
    let digest = b.state_digest();
    let (again, _) = b.apply_review(&r1).unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(again.proposals, wb.proposals);
    assert_eq!(b.state_digest(), digest);
    // 12-03: with a weak equity ratio C1 scores 420, class C (blocked by
    // the policy, weekly: next 12-10), rule 1 proposes 10 % of 123456.78 =
    // 12345.678 → 12000 (step 500, down) against 5000: +140 %.
    hosts.insert(id1.clone(), host(0.1, Some("123456.78")));
    let r3 = b
        .review_run(&card, "default", d("2026-12-03"), &hosts, Some(&r1))
        .unwrap();
    let (wb3, _) = b.apply_review(&r3).unwrap();
    // C2 (due 12-01) is reviewed again: its first limit still a proposal.
    assert_eq!(
        show(&wb3.proposals),
        [
            r#"C1 {"change":"limit","from":"5000.00","unlimited":false,"to":"12000","currency":"EUR","rule":1}"#,
            r#"C2 {"change":"limit","from":null,"unlimited":false,"to":"5000","currency":"EUR","rule":0}"#,
        ]
    );
    // From 12-03 class C blocks; on 12-02 the review due 12-01 was late.
    assert_eq!(codes_on(&b, "2026-12-03"), ["RISK_CLASS_BLOCKED"]);
    assert_eq!(codes_on(&b, "2026-12-02"), ["REVIEW_OVERDUE"]);
    assert_eq!(limit_on(&b, "2026-12-03"), Some(dec("5000.00")));
    // A policy letting increases up to 150 % through applies it: 12000 ×
    // 100 = 1200000 ≤ 5000 × 250 = 1250000.
    let p150 = p.replace(
        r#""review": {"#,
        r#""review": {"write_back": {"limit_increases_up_to_percent": "150"}, "#,
    );
    b.set_policy(Policy::from_json(&p150).unwrap(), d("2026-12-03"))
        .unwrap();
    let (wb4, _) = b.apply_review(&r3).unwrap();
    assert_eq!(show(&wb4.proposals), show(&wb3.proposals[1..]));
    assert_eq!(limit_on(&b, "2026-12-03"), Some(dec("12000.00")));
    assert_eq!(limit_on(&b, "2026-12-02"), Some(dec("5000.00")));
    // At 139 % it stays a proposal (12000 × 100 > 5000 × 239).
    let mut b2 = book();
    let p139 = POLICY.replace(
        r#""review": {"#,
        r#""review": {"write_back": {"limit_increases_up_to_percent": "139"}, "#,
    );
    b2.set_policy(Policy::from_json(&p139).unwrap(), d("2026-01-01"))
        .unwrap();
    let mut five = CreditLimit::amount("C1", Money::parse("5000.00", eur()).unwrap());
    five.valid_from = Some(d("2026-11-01"));
    b2.set_limit(five, d("2026-11-01")).unwrap();
    let r = b2
        .review_run(&card, "default", d("2026-12-03"), &hosts, Some(&r1))
        .unwrap();
    let (w, _) = b2.apply_review(&r).unwrap();
    assert_eq!(
        w.proposals
            .iter()
            .map(|c| c.customer.as_str())
            .collect::<Vec<_>>(),
        ["C1", "C2"]
    );
    // A negative percentage is refused naming the field.
    let bad = POLICY.replace(
        r#""review": {"#,
        r#""review": {"write_back": {"limit_increases_up_to_percent": "-1"}, "#,
    );
    let err = Policy::from_json(&bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("review.write_back.limit_increases_up_to_percent"),
        "{err}"
    );
    // A run naming an unknown customer changes nothing.
    let mut ghost = r3.clone();
    ghost.reviewed.push(CustomerId::from("ghost"));
    let digest = b.state_digest();
    assert!(b.apply_review(&ghost).is_err());
    assert_eq!(b.state_digest(), digest);
}
