//! Dunning runs, worklists and promises on a book, worked by hand: level
//! progression, intervals, exclusions (disputes, promises, blocks, payment
//! plans), installment-level dunning, late interest and compensation
//! charged as receivables of their own.

use chrono::NaiveDate;
use credit_core::collections::{DunningRun, NextAction};
use credit_core::customer::{Customer, CustomerId};
use credit_core::engine::{Applied, CreditBook, PromiseState};
use credit_core::ledger::Event;
use credit_core::money::Currency;
use credit_core::plans::{PaymentPlan, PlanTerms};
use credit_core::policy::Policy;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn m(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn eur() -> Currency {
    Currency::iso("EUR").unwrap()
}

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "dun", "steps": [],
  "dunning": {
    "grace_days": 3,
    "levels": [
      {"level": 1, "min_days_overdue": 7},
      {"level": 2, "min_days_overdue": 21, "fee": "5.00", "charge_interest": true, "min_interval_days": 10},
      {"level": 3, "min_days_overdue": 35, "fee": "10.00", "charge_interest": true, "block_new_orders": true,
       "min_interval_days": 10, "min_amount": "100"}
    ],
    "interest": {"basis": {"fixed": "8"}, "day_count": "act365_fixed"},
    "compensation": [{"min_amount": "0", "amount": "40.00"}],
    "worklist": {"priority": "overdue_times_days", "call_after_days": 14, "stop_supply_after_days": 60}
  }}"#;

fn ev(json: &str) -> Event {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn book() -> CreditBook {
    let mut b = CreditBook::new(Policy::from_json(POLICY).unwrap()).unwrap();
    for (id, collector) in [("C1", "ann"), ("C2", "ann"), ("C3", "bob")] {
        let mut c = Customer::new(id, id, eur());
        c.collector = Some(collector.into());
        b.upsert_customer(c, d("2026-01-01")).unwrap();
    }
    for e in [
        r#"{"id":"i1","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"1000.00","currency":"EUR","due_date":"2026-01-31"}"#,
        r#"{"id":"i2","customer":"C1","date":"2026-01-15","type":"invoiced","invoice_id":"I2","amount":"500.00","currency":"EUR","due_date":"2026-02-14"}"#,
        r#"{"id":"x2","customer":"C1","date":"2026-01-20","type":"dispute_opened","invoice_id":"I2","amount":"500.00","currency":"EUR"}"#,
        r#"{"id":"i3","customer":"C1","date":"2026-01-10","type":"invoiced","invoice_id":"I3","amount":"600.00","currency":"EUR","terms":"50% Net 30, 50% Net 60"}"#,
        r#"{"id":"i4","customer":"C1","date":"2026-01-02","type":"invoiced","invoice_id":"I4","amount":"200.00","currency":"EUR","due_date":"2026-02-01"}"#,
        r#"{"id":"b4","customer":"C1","date":"2026-01-03","type":"dunning_blocked","invoice_id":"I4","reason":"address check","until":"2026-03-31"}"#,
        r#"{"id":"p1","customer":"C1","date":"2026-02-10","type":"payment","amount":"400.00","currency":"EUR","allocations":[{"invoice_id":"I1","amount":"400.00"}]}"#,
        r#"{"id":"i5","customer":"C2","date":"2026-01-01","type":"invoiced","invoice_id":"I5","amount":"300.00","currency":"EUR","due_date":"2026-01-31"}"#,
        r#"{"id":"pr5","customer":"C2","date":"2026-02-05","type":"promise_to_pay","amount":"300.00","currency":"EUR","promised_date":"2026-02-28"}"#,
        r#"{"id":"i6","customer":"C3","date":"2026-01-01","type":"invoiced","invoice_id":"I6","amount":"700.00","currency":"EUR","due_date":"2026-01-20"}"#,
        r#"{"id":"b6","customer":"C3","date":"2026-01-02","type":"dunning_blocked","reason":"insolvency proceedings","until":"2026-12-31"}"#,
    ] {
        b.apply(ev(e)).unwrap();
    }
    b
}

fn reasons(run: &DunningRun, who: &str) -> Vec<(Option<String>, String)> {
    run.excluded
        .iter()
        .filter(|e| e.customer.as_str() == who)
        .map(|e| (e.invoice_id.as_ref().map(|i| i.0.clone()), e.reason.clone()))
        .collect()
}

#[test]
fn dunning_levels_intervals_exclusions_interest_and_compensation() {
    let mut b = book();
    let r1 = b.dunning_run(d("2026-02-10"), &[]).unwrap();
    // C1: I1 is 10 days past its 01-31 due date (≥ 7, past the 3 grace
    // days): level 1 for the 600.00 still open, compensation 40.00 with its
    // first notice. I2 is not due until 02-14; I3's first installment
    // (02-09) is inside the grace days; I4 is blocked.
    assert_eq!(r1.notices.len(), 1);
    let n = &r1.notices[0];
    assert_eq!((n.customer.as_str(), n.level), ("C1", 1));
    assert_eq!(n.lines.len(), 1);
    assert_eq!(
        (
            n.lines[0].invoice_id.as_str(),
            n.lines[0].amount,
            n.lines[0].days_overdue
        ),
        ("I1", m("600.00"), 10)
    );
    assert_eq!(
        (n.interest, n.compensation, n.fee, n.total),
        (m("0"), m("40.00"), m("0"), m("640.00"))
    );
    assert_eq!(
        reasons(&r1, "C1"),
        [(Some("I4".into()), "dunning_block".into())]
    );
    // C2's 300 is covered by an active promise; C3's account is blocked.
    assert_eq!(reasons(&r1, "C2"), [(Some("I5".into()), "promise".into())]);
    assert_eq!(reasons(&r1, "C3"), [(None, "dunning_block".into())]);
    // Deterministic; issuing it twice is a no-op the second time.
    assert_eq!(b.dunning_run(d("2026-02-10"), &[]).unwrap(), r1);
    let events = r1.events();
    assert_eq!(events.len(), 2); // the notice and the compensation charge
    for e in events.clone() {
        assert_eq!(b.apply(e).unwrap(), Applied::Applied);
    }
    for e in events {
        assert_eq!(b.apply(e).unwrap(), Applied::Duplicate);
    }
    // The compensation is an open item of its own.
    let items = b
        .open_items(&CustomerId::from("C1"), "default", d("2026-02-10"))
        .unwrap();
    assert!(items
        .iter()
        .any(|i| i.invoice_id.as_str() == "COMP-I1" && i.open == m("40.00")));

    // 02-15: I1 is at level 1 and level 2 needs 21 days: nothing to send
    // for it; the compensation charge (due 02-10) is not yet 7 days late.
    let r = b.dunning_run(d("2026-02-15"), &[]).unwrap();
    assert!(r
        .notices
        .iter()
        .all(|n| n.customer.as_str() != "C1"
            || n.lines.iter().all(|l| l.invoice_id.as_str() != "I1")));

    // 02-25: I1 25 days late, 15 days since its notice (≥ 10): level 2.
    // Interest at 8 % from 02-01: 1000 × 10 days (02-01..02-10, the payment
    // day counts on the old base) + 600 × 15 days (02-11..02-25), /365:
    // 2.19178 + 1.97260 = 4.16438 → 4.16.
    // I3's first installment (300, due 02-09) is 16 days late: level 1, its
    // first notice brings compensation 40.00; interest 300 × .08 × 16/365
    // (02-10..02-25) = 1.05205 → 1.05. The compensation charge of 02-10 is
    // 15 days late: level 1, no interest on a charge.
    // I2 (due 02-14) is fully disputed: left out.
    let r2 = b.dunning_run(d("2026-02-25"), &[]).unwrap();
    assert!(reasons(&r2, "C1").contains(&(Some("I2".into()), "disputed".into())));
    let n = r2
        .notices
        .iter()
        .find(|n| n.customer.as_str() == "C1")
        .unwrap();
    assert_eq!(n.level, 2);
    let line = |inv: &str| {
        n.lines
            .iter()
            .find(|l| l.invoice_id.as_str() == inv)
            .unwrap()
    };
    assert_eq!((line("I1").level, line("I1").interest), (2, m("4.16")));
    assert_eq!(
        (
            line("I3").installment,
            line("I3").amount,
            line("I3").interest
        ),
        (Some(1), m("300.00"), m("1.05"))
    );
    assert_eq!(line("I3").compensation, m("40.00"));
    assert_eq!(
        (line("COMP-I1").amount, line("COMP-I1").interest),
        (m("40.00"), m("0"))
    );
    assert_eq!(n.fee, m("5.00"));
    // 600 + 300 + 40 + interest 5.21 + compensation 40 + fee 5.
    assert_eq!(n.total, m("990.21"));
    for e in r2.events() {
        b.apply(e).unwrap();
    }
    // The next run does not charge the same interest twice: on 03-08 I1 is
    // at level 2 and 11 days since (≥ 10) but level 3 needs 35 days (36 ✓):
    // interest to 03-08 is 4.16 + 600 × .08 × 11/365 = 1.44658…; total
    // exact 5.6110 → 5.61, less 4.16 charged = 1.45.
    let r3 = b.dunning_run(d("2026-03-08"), &[]).unwrap();
    let n = r3
        .notices
        .iter()
        .find(|n| n.customer.as_str() == "C1")
        .unwrap();
    let i1 = n
        .lines
        .iter()
        .find(|l| l.invoice_id.as_str() == "I1")
        .unwrap();
    assert_eq!((i1.level, i1.interest), (3, m("1.45")));
    assert!(n.block_new_orders);
    // C2's promise was broken on 02-28: I5 is dunned now (level 1).
    let n2 = r3
        .notices
        .iter()
        .find(|n| n.customer.as_str() == "C2")
        .unwrap();
    assert_eq!((n2.level, n2.amount), (1, m("300.00")));
    assert_eq!(
        b.promises(&CustomerId::from("C2"), "default", d("2026-03-08"))
            .unwrap()[0]
            .state,
        PromiseState::Broken
    );
    // JSON round trip of a run.
    let back: DunningRun = serde_json::from_str(&r3.to_json()).unwrap();
    assert_eq!(back, r3);
}

#[test]
fn payment_plans_take_their_invoices_out_of_dunning_until_broken() {
    let b = book();
    let terms: PlanTerms = serde_json::from_str(
        r#"{"currency": "EUR", "principal": "300.00", "start": "2026-02-01", "frequency": "monthly",
            "installments": 3, "method": "equal_split", "invoices": ["I5"],
            "broken": {"days_late": 10}}"#,
    )
    .unwrap();
    let plan = PaymentPlan::new(terms).unwrap();
    // 03-08: the promise is broken, but I5 is under a current plan.
    let r = b
        .dunning_run(d("2026-03-08"), std::slice::from_ref(&plan))
        .unwrap();
    assert!(r.notices.iter().all(|n| n.customer.as_str() != "C2"));
    assert_eq!(
        reasons(&r, "C2"),
        [(Some("I5".into()), "payment_plan".into())]
    );
    // 03-20: the 03-01 installment is 19 days late: the plan is broken and
    // I5 is dunned again.
    let r = b.dunning_run(d("2026-03-20"), &[plan]).unwrap();
    assert!(r.notices.iter().any(|n| n.customer.as_str() == "C2"));
}

#[test]
fn worklist_ranks_and_picks_the_next_action() {
    let b = book();
    let w = b.worklist(d("2026-02-25"), eur(), &[]).unwrap();
    // Grouped by collector: ann (C1, C2), then bob (C3).
    let who: Vec<&str> = w.iter().map(|x| x.customer.as_str()).collect();
    assert_eq!(who, ["C1", "C2", "C3"]);
    // C2: 300 × 25 days = 7500; overdue 25 days ≥ 21 → a level-1 notice is
    // due (level 0 so far).
    let c2 = &w[1];
    assert_eq!(
        (c2.overdue, c2.priority, c2.max_days_overdue),
        (m("300.00"), m("7500.00"), 25)
    );
    assert_eq!(c2.next_action, NextAction::Notice { level: 1 });
    // C1: I1 600 × 25 + I3's first installment 300 × 16 + I4 200 × 24 =
    // 15000 + 4800 + 4800 = 24600. I2 is disputed in full: like the
    // check's overdue amount and dunning, the worklist collects only
    // undisputed amounts (one walk, `exposure::overdue_lines`).
    assert_eq!((w[0].overdue, w[0].priority), (m("1100.00"), m("24600.00")));
    // C3: 700 × 36 days. Its account is blocked for dunning runs, but the
    // worklist still tells the collector a level-1 notice is due by days.
    assert_eq!((w[2].max_days_overdue, w[2].priority), (36, m("25200.00")));
    assert_eq!(w[2].next_action, NextAction::Notice { level: 1 });
    // 60 days: stop supply.
    let w = b.worklist(d("2026-03-25"), eur(), &[]).unwrap();
    assert_eq!(
        w.iter()
            .find(|x| x.customer.as_str() == "C3")
            .unwrap()
            .next_action,
        NextAction::StopSupply
    );
}

#[test]
fn a_policy_without_dunning_is_an_error() {
    let b = CreditBook::new(
        Policy::from_json(r#"{"schema_version": 1, "policy_id": "x", "steps": []}"#).unwrap(),
    )
    .unwrap();
    assert!(b.dunning_run(d("2026-01-01"), &[]).is_err());
    assert!(b.worklist(d("2026-01-01"), eur(), &[]).is_err());
    let bad = POLICY.replace(
        r#""level": 2, "min_days_overdue": 21"#,
        r#""level": 2, "min_days_overdue": 2"#,
    );
    let e = Policy::from_json(&bad).unwrap_err();
    assert!(
        e.to_string().contains("dunning.levels[1].min_days_overdue"),
        "{e}"
    );
}
