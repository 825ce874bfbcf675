//! Exact-boundary tests: every check step, the release protection, the
//! oldest-overdue day count and materiality, dunning levels and aging
//! buckets, each at its threshold, one unit below and one above. A `>`
//! turned into `>=` (or the reverse) anywhere fails one of these.
//!
//! The rule at each boundary is the policy documentation's: limits,
//! tolerances and maxima are ceilings that may be reached ("above the
//! limit" fails); days overdue fail when *more than* the allowed days; a
//! dunning level fails when reached; a review is overdue the day after its
//! date; a release protects up to and including its tolerance and age.

use chrono::NaiveDate;
use credit_core::check::{
    evaluate, CheckInputs, Figures, GroupView, LimitView, Outcome, ReleaseView,
};
use credit_core::customer::{CreditLimit, Customer, CustomerId};
use credit_core::engine::CreditBook;
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

fn policy(steps: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"schema_version": 1, "policy_id": "b", "horizon_days": 10,
            "rerelease": {{"value_tolerance_percent": "10", "max_age_days": 14}}, "steps": {steps}}}"#
    ))
    .unwrap()
}

/// Inputs with an exposure of 900.00 (receivables), a limit of 1000.00 and
/// nothing else failing.
fn inputs(order: &str) -> CheckInputs {
    CheckInputs {
        as_of: d("2026-03-10"),
        checkpoint: Checkpoint::Order,
        currency: eur(),
        order_amount: dec(order),
        order_in_horizon: true,
        figures: Figures {
            receivables: dec("900.00"),
            ..Figures::default()
        },
        limit: LimitView::Amount {
            amount: dec("1000.00"),
            expired: false,
        },
        group: None,
        customer_blocked: false,
        risk_class: None,
        oldest_overdue_days: None,
        overdue_amount: Decimal::ZERO,
        balance: dec("900.00"),
        max_dunning_level: 0,
        next_review: None,
        release: None,
    }
}

fn outcome(p: &Policy, i: &CheckInputs) -> Outcome {
    evaluate(&p.check_config(), i).unwrap().outcome
}

const PASS: Outcome = Outcome::Approved;
const FAIL: Outcome = Outcome::Blocked;

#[test]
fn static_limit_is_a_ceiling_that_may_be_reached() {
    let p = policy(r#"[{"step": "static_limit", "action": "block"}]"#);
    assert_eq!(outcome(&p, &inputs("99.99")), PASS);
    assert_eq!(outcome(&p, &inputs("100.00")), PASS); // 900 + 100 = 1000: at the limit
    assert_eq!(outcome(&p, &inputs("100.01")), FAIL);
    // A tolerance in percent, in amount, or both (added: 5 % + 20.00).
    let both = policy(
        r#"[{"step": "static_limit", "action": "block", "tolerance_percent": "5", "tolerance_amount": "20"}]"#,
    );
    assert_eq!(outcome(&both, &inputs("170.00")), PASS);
    assert_eq!(outcome(&both, &inputs("170.01")), FAIL);
    let pct = policy(r#"[{"step": "static_limit", "action": "block", "tolerance_percent": "5"}]"#);
    assert_eq!(outcome(&pct, &inputs("150.00")), PASS); // 1050 = 1000 + 5 %
    assert_eq!(outcome(&pct, &inputs("150.01")), FAIL);
    let amt = policy(r#"[{"step": "static_limit", "action": "block", "tolerance_amount": "20"}]"#);
    assert_eq!(outcome(&amt, &inputs("120.00")), PASS);
    assert_eq!(outcome(&amt, &inputs("120.01")), FAIL);
}

#[test]
fn dynamic_limit_counts_orders_in_the_horizon_only() {
    let p = policy(r#"[{"step": "dynamic_limit", "action": "block"}]"#);
    let mut i = inputs("100.00");
    i.figures.open_orders = dec("500.00"); // all outside the horizon
    assert_eq!(outcome(&p, &i), PASS); // 900 + 0 + 100 = 1000
    i.order_amount = dec("100.01");
    assert_eq!(outcome(&p, &i), FAIL);
    i.order_in_horizon = false; // the order itself is outside too
    i.order_amount = dec("5000.00");
    assert_eq!(outcome(&p, &i), PASS); // 900 ≤ 1000
    i.figures.open_orders_in_horizon = dec("100.00");
    assert_eq!(outcome(&p, &i), PASS); // 1000
    i.figures.open_orders_in_horizon = dec("100.01");
    assert_eq!(outcome(&p, &i), FAIL);
}

#[test]
fn group_limit_is_a_ceiling_that_may_be_reached() {
    let p = policy(r#"[{"step": "group_limit", "action": "block"}]"#);
    let mut i = inputs("10.00");
    let g = |before: &str, order: &str| {
        Some(GroupView {
            exposure_before: dec(before),
            order_amount: dec(order),
            limit: dec("5000.00"),
            currency: credit_core::money::Currency::iso("EUR").unwrap(),
        })
    };
    i.group = g("4990.00", "10.00");
    assert_eq!(outcome(&p, &i), PASS);
    i.group = g("4990.00", "10.01");
    assert_eq!(outcome(&p, &i), FAIL);
    i.group = None;
    assert_eq!(outcome(&p, &i), PASS);
}

#[test]
fn max_order_value_takes_the_smaller_of_amount_and_percent() {
    let p = policy(
        r#"[{"step": "max_order_value", "action": "block", "amount": "300", "percent_of_limit": "25"}]"#,
    );
    // 25 % of 1000 = 250 < 300: the maximum is 250.
    assert_eq!(outcome(&p, &inputs("250.00")), PASS);
    assert_eq!(outcome(&p, &inputs("250.01")), FAIL);
    let only = policy(r#"[{"step": "max_order_value", "action": "block", "amount": "300"}]"#);
    assert_eq!(outcome(&only, &inputs("300.00")), PASS);
    assert_eq!(outcome(&only, &inputs("300.01")), FAIL);
}

#[test]
fn oldest_overdue_fails_after_more_than_the_allowed_days() {
    let p = policy(r#"[{"step": "oldest_overdue", "action": "block", "days": 30}]"#);
    let mut i = inputs("1.00");
    for (days, want) in [
        (Some(29), PASS),
        (Some(30), PASS),
        (Some(31), FAIL),
        (None, PASS),
    ] {
        i.oldest_overdue_days = days;
        assert_eq!(outcome(&p, &i), want, "{days:?} days");
    }
}

#[test]
fn overdue_amount_is_a_ceiling_in_amount_and_percent() {
    let p = policy(
        r#"[{"step": "overdue_amount", "action": "block", "amount": "200", "percent_of_balance": "50"}]"#,
    );
    let mut i = inputs("1.00");
    // 50 % of 900 = 450 > 200: the maximum is 200.
    for (over, want) in [("199.99", PASS), ("200.00", PASS), ("200.01", FAIL)] {
        i.overdue_amount = dec(over);
        assert_eq!(outcome(&p, &i), want, "{over}");
    }
    let pct =
        policy(r#"[{"step": "overdue_amount", "action": "block", "percent_of_balance": "10"}]"#);
    for (over, want) in [("90.00", PASS), ("90.01", FAIL)] {
        i.overdue_amount = dec(over);
        assert_eq!(outcome(&pct, &i), want, "{over}");
    }
}

#[test]
fn dunning_level_fails_when_reached() {
    let p = policy(r#"[{"step": "dunning_level", "action": "block", "level": 2}]"#);
    let mut i = inputs("1.00");
    for (level, want) in [(0, PASS), (1, PASS), (2, FAIL), (3, FAIL)] {
        i.max_dunning_level = level;
        assert_eq!(outcome(&p, &i), want, "level {level}");
    }
}

#[test]
fn review_is_overdue_the_day_after_its_date_and_limits_expire() {
    let p = policy(
        r#"[{"step": "review_overdue", "action": "block"}, {"step": "limit_expired", "action": "block"}]"#,
    );
    let mut i = inputs("1.00");
    for (review, want) in [
        ("2026-03-11", PASS),
        ("2026-03-10", PASS),
        ("2026-03-09", FAIL),
    ] {
        i.next_review = Some(d(review));
        assert_eq!(outcome(&p, &i), want, "review {review}");
    }
    i.next_review = None;
    i.limit = LimitView::Amount {
        amount: dec("1000.00"),
        expired: true,
    };
    assert_eq!(outcome(&p, &i), FAIL);
    i.limit = LimitView::Unlimited { expired: true };
    assert_eq!(outcome(&p, &i), FAIL);
    i.limit = LimitView::Unlimited { expired: false };
    assert_eq!(outcome(&p, &i), PASS);
}

#[test]
fn a_release_protects_up_to_its_tolerance_and_age() {
    // Released at 500.00 with 10 % tolerance (550.00) for 14 days.
    let p = policy(r#"[{"step": "static_limit", "action": "block"}]"#);
    let mut i = inputs("550.00");
    let released = |date: &str| {
        Some(ReleaseView {
            amount: dec("500.00"),
            date: d(date),
        })
    };
    i.release = released("2026-02-24"); // 14 days before 2026-03-10
    let r = evaluate(&p.check_config(), &i).unwrap();
    assert!(r.protected_by_release);
    assert_eq!(r.outcome, PASS);
    i.order_amount = dec("550.01");
    assert_eq!(outcome(&p, &i), FAIL);
    i.order_amount = dec("550.00");
    i.release = released("2026-02-23"); // 15 days: too old
    assert_eq!(outcome(&p, &i), FAIL);
    i.release = released("2026-03-11"); // released after the check date
    assert_eq!(outcome(&p, &i), FAIL);
    i.release = released("2026-03-10"); // the same day
    assert!(
        evaluate(&p.check_config(), &i)
            .unwrap()
            .protected_by_release
    );
}

#[test]
fn a_warning_step_never_blocks_and_a_block_wins() {
    let p = policy(
        r#"[{"step": "static_limit", "action": "warn"}, {"step": "dunning_level", "action": "block", "level": 1}]"#,
    );
    let mut i = inputs("100.01");
    assert_eq!(outcome(&p, &i), Outcome::ApprovedWithWarnings);
    i.max_dunning_level = 1;
    assert_eq!(outcome(&p, &i), Outcome::Blocked);
    // A step not run at this checkpoint does not fail.
    let at_delivery =
        policy(r#"[{"step": "static_limit", "action": "block", "checkpoints": ["delivery"]}]"#);
    assert_eq!(outcome(&at_delivery, &inputs("5000.00")), PASS);
}

// --- Ledger level: days overdue and materiality, dunning, aging. ---------

fn book(steps: &str, dunning: &str, aging: &str) -> CreditBook {
    let p = Policy::from_json(&format!(
        r#"{{"schema_version": 1, "policy_id": "b", "steps": {steps} {dunning} {aging}}}"#
    ))
    .unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("100000.00", eur()).unwrap()),
        d("2026-01-01"),
    )
    .unwrap();
    b
}

fn invoice(b: &mut CreditBook, id: &str, amount: &str, due: &str) {
    let e: Event = serde_json::from_str(&format!(
        r#"{{"id":"e-{id}","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"{id}","amount":"{amount}","currency":"EUR","due_date":"{due}"}}"#
    ))
    .unwrap();
    b.apply(e).unwrap();
}

#[test]
fn an_item_exactly_n_days_overdue_does_not_fail_n_days_allowed() {
    let mut b = book(
        r#"[{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "50"}]"#,
        "",
        "",
    );
    // Due 2026-02-01: on 2026-03-03 it is 30 days overdue, on 03-04 31.
    invoice(&mut b, "I1", "50.01", "2026-02-01");
    let check = |b: &CreditBook, day: &str| {
        let req = credit_core::engine::OrderRequest {
            customer: CustomerId::from("C1"),
            segment: "default".into(),
            order_id: credit_core::customer::OrderId::from("O1"),
            amount: Money::parse("1.00", eur()).unwrap(),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: d(day),
        };
        (
            b.check_inputs(&req).unwrap().oldest_overdue_days,
            b.simulate_check(&req).unwrap().outcome,
        )
    };
    assert_eq!(check(&b, "2026-02-01"), (None, PASS)); // due today: not overdue
    assert_eq!(check(&b, "2026-02-02"), (Some(1), PASS));
    assert_eq!(check(&b, "2026-03-03"), (Some(30), PASS));
    assert_eq!(check(&b, "2026-03-04"), (Some(31), FAIL));
    // Materiality 50: an item of exactly 50.00 is not material.
    let mut b2 = book(
        r#"[{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "50"}]"#,
        "",
        "",
    );
    invoice(&mut b2, "I1", "50.00", "2026-02-01");
    assert_eq!(check(&b2, "2026-03-04"), (None, PASS));
}

#[test]
fn dunning_levels_start_on_their_exact_day() {
    // Grace 3 days; level 1 from 7 days past due with at least 100.00;
    // level 2 from 21 days, 10 days after the previous notice. Each run
    // proposes an item's next level.
    let procedure = r#", "dunning": {"grace_days": 3, "levels": [
            {"level": 1, "min_days_overdue": 7, "min_amount": "100.00"},
            {"level": 2, "min_days_overdue": 21, "min_interval_days": 10}]}"#;
    let mut b = book("[]", procedure, "");
    invoice(&mut b, "I1", "100.00", "2026-02-01");
    let level = |b: &mut CreditBook, day: &str| -> u8 {
        let run = b.dunning_run(d(day), &[]).unwrap();
        run.notices.iter().map(|n| n.level).max().unwrap_or(0)
    };
    // 02-07 is 6 days past due, 02-08 is 7.
    assert_eq!(level(&mut b, "2026-02-07"), 0);
    assert_eq!(level(&mut b, "2026-02-08"), 1);
    // Issue the level-1 notice on 02-08.
    let run = b.dunning_run(d("2026-02-08"), &[]).unwrap();
    for e in run.events() {
        b.apply(e).unwrap();
    }
    // Level 2 needs 21 days (02-22) and 10 days since 02-08 (02-18).
    assert_eq!(level(&mut b, "2026-02-21"), 0);
    assert_eq!(level(&mut b, "2026-02-22"), 2);

    // The grace days gate eligibility: with level 1 from 1 day, an item
    // due 02-01 is dunned from 02-05 (past 02-01 + 3 days), not 02-04.
    let mut g = book(
        "[]",
        r#", "dunning": {"grace_days": 3, "levels": [{"level": 1, "min_days_overdue": 1}]}"#,
        "",
    );
    invoice(&mut g, "I1", "5.00", "2026-02-01");
    assert_eq!(level(&mut g, "2026-02-04"), 0);
    assert_eq!(level(&mut g, "2026-02-05"), 1);

    // The minimum amount is reached by 100.00 and missed by 99.99.
    let mut m = book("[]", procedure, "");
    invoice(&mut m, "I1", "99.99", "2026-02-01");
    assert_eq!(level(&mut m, "2026-02-08"), 0);
    let run = m.dunning_run(d("2026-02-08"), &[]).unwrap();
    assert!(run.excluded.iter().any(|x| x.reason == "below_minimum"));
}

#[test]
fn aging_buckets_take_their_upper_bound() {
    // Buckets current / 1–30 / 31–60 / 61–90 / 91+ by days past due.
    let mut b = book("[]", "", "");
    // Days past due on 2026-04-30: 0, 1, 30, 31, 60, 61, 90, 91.
    let real = [
        ("I0", "2026-04-30", "1.00"),
        ("I1", "2026-04-29", "2.00"),
        ("I30", "2026-03-31", "4.00"),
        ("I31", "2026-03-30", "8.00"),
        ("I60", "2026-03-01", "16.00"),
        ("I61", "2026-02-28", "32.00"),
        ("I90", "2026-01-30", "64.00"),
        ("I91", "2026-01-29", "128.00"),
    ];
    for (id, due, amount) in real {
        // Invoices dated 2026-01-01 with these due dates (all on or after it).
        invoice(&mut b, id, amount, due);
    }
    let a = b
        .aging(d("2026-04-30"), GroupBy::Total, Some(eur()))
        .unwrap();
    let row = &a.rows[0];
    let want: Vec<Decimal> = ["1.00", "6.00", "24.00", "96.00", "128.00"]
        .iter()
        .map(|s| dec(s))
        .collect();
    // current: I0 (1); 1–30: I1 + I30 (2 + 4); 31–60: I31 + I60 (8 + 16);
    // 61–90: I61 + I90 (32 + 64); 91+: I91 (128).
    assert_eq!(row.buckets, want);
    assert_eq!(row.total, dec("255.00"));
}

/// Money figures in a decision show at their currency's precision when that
/// is exact, and keep every significant decimal when it is not: the demo
/// used to print "exceeds limit 52500.0000" (50000.00 × 1.05) and "exceeds
/// maximum 25000.0000" (a policy maximum of 25000 × 1).
#[test]
fn money_figures_show_at_their_currency_precision() {
    // 900.00 open + 300.00 order = 1200.00 > 1000.00 + 5 % = 1050.00.
    let p = policy(
        r#"[{"step": "static_limit", "action": "block", "tolerance_percent": "5"},
            {"step": "max_order_value", "action": "warn", "amount": "250"}]"#,
    );
    let dec_of = evaluate(&p.check_config(), &inputs("300.00")).unwrap();
    let t: Vec<String> = dec_of
        .reasons
        .iter()
        .map(|r| format!("{} {}", r.threshold.unwrap(), r.observed.unwrap()))
        .collect();
    assert_eq!(t, ["1050.00 1200.00", "250.00 300.00"]);
    assert_eq!(
        dec_of.reasons[0].to_string(),
        "STATIC_LIMIT_EXCEEDED (block): exposure after order 1200.00 exceeds limit 1050.00"
    );
    // 2.5 % of 1000.00 is 25.0000 -> 1025.00; of 1000.01 it is 25.00025:
    // 1025.01025 is no amount of cents and is shown as it is, not rounded.
    let p = policy(r#"[{"step": "static_limit", "action": "block", "tolerance_percent": "2.5"}]"#);
    let mut i = inputs("300.00");
    i.limit = LimitView::Amount {
        amount: dec("1000.01"),
        expired: false,
    };
    let r = &evaluate(&p.check_config(), &i).unwrap().reasons[0];
    assert_eq!(r.threshold.unwrap().to_string(), "1025.01025");
    // A weight of 1.0 makes 1200.000; the decision shows 1200.00.
    let mut p = policy(r#"[]"#);
    p.weights.open_receivables = dec("1.0");
    p.weights.open_orders = dec("1.0");
    let d0 = evaluate(&p.check_config(), &inputs("300.00")).unwrap();
    assert_eq!(
        (
            d0.exposure_before.to_string(),
            d0.exposure_after.to_string()
        ),
        ("900.00".into(), "1200.00".into())
    );
}
