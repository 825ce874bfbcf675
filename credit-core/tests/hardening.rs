//! One test per finding of the hardening review (issue 11), each written to
//! fail on the code before its fix: a snapshot that lost money, negative
//! orders that freed limit, silent inexact money, unbounded sizes, wrong data
//! accepted, messages that did not name the field, restores that were not
//! canonical. A restore is always compared with the live book.

use chrono::NaiveDate;
use credit_core::bounds::BoundsError;
use credit_core::check::Outcome;
use credit_core::collections::CollectionsError;
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{BookError, CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money, MoneyError, RoundingMode};
use credit_core::policy::{Checkpoint, Policy};
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn cur(code: &str) -> Currency {
    Currency::iso(code).unwrap()
}
fn money(s: &str, code: &str) -> Money {
    Money::parse(s, cur(code)).unwrap()
}

fn policy() -> Policy {
    Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "static_limit", "action": "block"}]}"#,
    )
    .unwrap()
}

/// A book under the static-limit policy with customers in `currency`,
/// each with `limit`.
fn book_of(customers: &[&str], currency: &str, limit: &str) -> CreditBook {
    let mut b = CreditBook::new(policy()).unwrap();
    for c in customers {
        b.upsert_customer(Customer::new(c, c, cur(currency)), d("2026-01-01"))
            .unwrap();
        b.set_limit(
            CreditLimit::amount(c, money(limit, currency)),
            d("2026-01-01"),
        )
        .unwrap();
    }
    b
}

fn order(customer: &str, segment: &str, id: &str, amount: Money, day: &str) -> OrderRequest {
    OrderRequest {
        customer: CustomerId::from(customer),
        segment: segment.into(),
        order_id: OrderId::from(id),
        amount,
        requested_delivery: None,
        checkpoint: Checkpoint::Order,
        as_of: d(day),
    }
}

fn ev(json: &str) -> Event {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// Every view a host reads of one account, as text: exposure, open items.
fn views(b: &mut CreditBook, customer: &str, segment: &str, day: &str) -> String {
    let c = CustomerId::from(customer);
    format!(
        "{:?}\n{:?}",
        b.exposure(&c, segment, d(day)).unwrap(),
        b.open_items(&c, segment, d(day)).unwrap()
    )
}

/// Finding 1: a JPY customer's EUR-segment reservation of 22.22 came back
/// as 22 after restore (rounded to the customer's main currency), so the
/// restored exposure differed from the live one by 0.22.
#[test]
fn a_reservation_keeps_its_accounts_currency_through_a_snapshot() {
    let mut b = CreditBook::new(policy()).unwrap();
    let mut c = Customer::new("JP1", "Nippon KK", cur("JPY"));
    c.segment_currencies.insert("eu".into(), cur("EUR"));
    b.upsert_customer(c, d("2026-01-01")).unwrap();
    let mut limit = CreditLimit::amount("JP1", money("1000.00", "EUR"));
    limit.segment = "eu".into();
    b.set_limit(limit, d("2026-01-01")).unwrap();
    let decision = b
        .check_order(order(
            "JP1",
            "eu",
            "SO-1",
            money("22.22", "EUR"),
            "2026-01-02",
        ))
        .unwrap();
    assert!(decision.outcome == Outcome::Approved);
    let live = b
        .exposure(&CustomerId::from("JP1"), "eu", d("2026-01-02"))
        .unwrap();
    assert_eq!(live.reserved, dec("22.22"));

    let restored = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    let back = restored
        .exposure(&CustomerId::from("JP1"), "eu", d("2026-01-02"))
        .unwrap();
    assert_eq!(back.reserved, dec("22.22"));
    assert_eq!(back, live);
    assert_eq!(restored.state_digest(), b.state_digest());
}

/// Finding 3: an order of −10 was approved and reserved −10, lowering the
/// exposure and freeing limit for other orders.
#[test]
fn orders_that_are_not_positive_are_refused_and_change_nothing() {
    let mut b = book_of(&["C1"], "EUR", "100.00");
    let before = b.state_digest();
    for amount in ["-10.00", "0.00", "-0.01"] {
        let r = order("C1", "default", "SO-1", money(amount, "EUR"), "2026-01-02");
        assert!(matches!(
            b.check_order(r.clone()),
            Err(BookError::InvalidArgument {
                field: "amount",
                ..
            })
        ));
        assert!(matches!(
            b.simulate_check(&r),
            Err(BookError::InvalidArgument {
                field: "amount",
                ..
            })
        ));
        assert_eq!(b.state_digest(), before, "{amount} changed the book");
    }
    // The full limit is still there for a real order, and no more.
    let ok = order(
        "C1",
        "default",
        "SO-2",
        money("100.00", "EUR"),
        "2026-01-02",
    );
    assert!(b.check_order(ok).unwrap().outcome == Outcome::Approved);
    let over = order("C1", "default", "SO-3", money("0.01", "EUR"), "2026-01-02");
    assert_eq!(b.check_order(over).unwrap().outcome, Outcome::Blocked);
}

/// Finding 6: `Money` add and multiply near the 96-bit limit returned OK
/// with a value rounded to fewer decimals.
#[test]
fn money_near_the_decimal_limit_is_exact_or_an_overflow() {
    let big = money("700000000000000000000000000.01", "EUR");
    assert_eq!(
        big.checked_add(&big),
        Err(MoneyError::Overflow { operation: "add" })
    );
    assert_eq!(
        big.checked_mul_rate(dec("2"), RoundingMode::HalfEven),
        Err(MoneyError::Overflow {
            operation: "mul_rate"
        })
    );
    assert!(big
        .checked_percent(dec("200"), RoundingMode::HalfEven)
        .is_err());
    // The largest EUR amount a Money holds (2^96 − 1 cents) and one cent
    // more.
    let max = money("792281625142643375935439503.35", "EUR");
    assert_eq!(
        max.checked_add(&money("0.01", "EUR")),
        Err(MoneyError::Overflow { operation: "add" })
    );
    assert!(Money::new(dec("792281625142643375935439503.36"), cur("EUR")).is_err());
    assert!(Money::new(dec("7922816251426433759354395033.5"), cur("EUR")).is_err());
    // Just below the limit, sums and differences are exact to the cent.
    let a = money("396140812571321687967719751.67", "EUR");
    assert_eq!(
        a.checked_add(&money("396140812571321687967719751.68", "EUR"))
            .unwrap(),
        max
    );
    assert_eq!(
        max.checked_sub(&money("0.01", "EUR")).unwrap().amount(),
        dec("792281625142643375935439503.34")
    );
    // A product rounded once: 0.05 × 0.5 = 0.025 → 0.02 half-even, 0.03
    // half-up (a double rounding cannot move it).
    let m = money("0.05", "EUR");
    assert_eq!(
        m.checked_mul_rate(dec("0.5"), RoundingMode::HalfEven)
            .unwrap()
            .amount(),
        dec("0.02")
    );
    assert_eq!(
        m.checked_mul_rate(dec("0.5"), RoundingMode::HalfUp)
            .unwrap()
            .amount(),
        dec("0.03")
    );
    // 54.75 × 10 % = 5.475 → 5.48 half-up.
    assert_eq!(
        money("54.75", "EUR")
            .checked_percent(dec("10"), RoundingMode::HalfUp)
            .unwrap()
            .amount(),
        dec("5.48")
    );
}

/// Finding 5: `split(2**40)` aborted the process on a 16 TiB allocation and
/// `split(2**62)` panicked.
#[test]
fn a_split_into_more_parts_than_the_bound_is_refused() {
    let m = money("100.00", "EUR");
    for n in [
        credit_core::money::MAX_PARTS + 1,
        1 << 40,
        1 << 62,
        usize::MAX,
    ] {
        assert!(
            matches!(
                m.split(n),
                Err(MoneyError::Bounds(BoundsError::TooLarge {
                    field: "parts",
                    max: 1_000_000,
                    ..
                }))
            ),
            "{n}"
        );
    }
    let parts = m.split(credit_core::money::MAX_PARTS).unwrap();
    assert_eq!(parts.len(), 1_000_000);
    // 10000 cents over a million parts: the first 10000 get one cent.
    assert_eq!(parts[9_999].amount(), dec("0.01"));
    assert_eq!(parts[10_000].amount(), dec("0.00"));
}

/// Finding 7: an FX rate from a currency to itself was stored.
#[test]
fn a_rate_from_a_currency_to_itself_is_refused() {
    let mut b = CreditBook::new(policy()).unwrap();
    let before = b.state_digest();
    assert!(matches!(
        b.set_fx_rate(cur("EUR"), cur("EUR"), dec("1.1")),
        Err(BookError::Money(MoneyError::InvalidArgument { .. }))
    ));
    assert_eq!(b.state_digest(), before);
}

/// Finding 7: empty or NUL-containing event, order and customer ids were
/// accepted; so were ids of any length.
#[test]
fn ids_must_be_non_empty_printable_and_bounded() {
    let mut b = CreditBook::new(policy()).unwrap();
    for bad in ["", "A\u{0}B", "line\nbreak"] {
        assert!(
            matches!(
                b.upsert_customer(Customer::new(bad, "x", cur("EUR")), d("2026-01-01")),
                Err(BookError::Bounds(BoundsError::InvalidId { .. })) | Err(BookError::Customer(_))
            ),
            "{bad:?}"
        );
    }
    let long = "C".repeat(257);
    assert!(matches!(
        b.upsert_customer(Customer::new(&long, "x", cur("EUR")), d("2026-01-01")),
        Err(BookError::Bounds(BoundsError::TooLarge {
            size: 257,
            max: 256,
            ..
        }))
    ));
    b.upsert_customer(Customer::new("C1", "Acme", cur("EUR")), d("2026-01-01"))
        .unwrap();
    let before = b.state_digest();
    for (field, json) in [
        (
            "event id",
            r#"{"id":"","customer":"C1","date":"2026-01-02","type":"order_placed","order_id":"O1","amount":"1.00","currency":"EUR"}"#,
        ),
        (
            "order_id",
            r#"{"id":"e1","customer":"C1","date":"2026-01-02","type":"order_placed","order_id":"O\u0000","amount":"1.00","currency":"EUR"}"#,
        ),
        (
            "segment",
            r#"{"id":"e1","customer":"C1","segment":"","date":"2026-01-02","type":"order_placed","order_id":"O1","amount":"1.00","currency":"EUR"}"#,
        ),
        (
            "invoice_id",
            r#"{"id":"e1","customer":"C1","date":"2026-01-02","type":"invoiced","invoice_id":"\t","amount":"1.00","currency":"EUR","due_date":"2026-02-01"}"#,
        ),
    ] {
        match b.apply(ev(json)) {
            Err(BookError::Bounds(BoundsError::InvalidId { field: f, .. })) => {
                assert_eq!(f, field)
            }
            other => panic!("{field}: {other:?}"),
        }
        assert_eq!(b.state_digest(), before);
    }
    let r = order("C1", "default", "", money("1.00", "EUR"), "2026-01-02");
    assert!(matches!(
        b.check_order(r),
        Err(BookError::Bounds(BoundsError::InvalidId {
            field: "order_id",
            ..
        }))
    ));
    assert_eq!(b.state_digest(), before);
}

/// The bounds are the policy's: a host may lower them, and a book whose
/// policy lowered them after the fact still restores.
#[test]
fn bounds_are_configurable_in_the_policy() {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [], "bounds": {"max_id_bytes": 8}}"#,
    )
    .unwrap();
    assert_eq!(p.bounds.max_id_bytes, 8);
    assert_eq!(p.bounds.max_text_bytes, 4096);
    let mut b = CreditBook::new(policy()).unwrap();
    b.upsert_customer(
        Customer::new("CUSTOMER-12345", "x", cur("EUR")),
        d("2026-01-01"),
    )
    .unwrap();
    b.set_policy(p.clone(), d("2026-01-01")).unwrap();
    assert!(matches!(
        b.upsert_customer(
            Customer::new("CUSTOMER-2", "x", cur("EUR")),
            d("2026-01-01")
        ),
        Err(BookError::Bounds(BoundsError::TooLarge { max: 8, .. }))
    ));
    let restored = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(restored.state_digest(), b.state_digest());
    assert_eq!(restored.policy().bounds.max_id_bytes, 8);
    // Bounds out of range are a policy error naming the bound.
    let e = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [], "bounds": {"max_json_depth": 1000}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("bounds.max_json_depth"), "{e}");
    let e = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [], "bounds": {"max_ids": 8}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `max_ids`"), "{e}");
}

/// Finding 8: `amount: true` said only "invalid type: boolean"; `"1e400"`
/// said "invalid decimal "1e400" for decimal"; unknown and misspelled event
/// fields were silently accepted.
#[test]
fn document_errors_name_the_field_and_unknown_fields_are_refused() {
    use credit_core::{bounds::Bounds, json};
    let read = |t: &str| {
        json::from_str::<Event>("event", t, &Bounds::DEFAULT)
            .unwrap_err()
            .to_string()
    };
    let head = r#""id":"e1","customer":"C1","date":"2026-01-02""#;
    let e = read(&format!(
        r#"{{{head},"type":"payment","amount":true,"currency":"EUR"}}"#
    ));
    assert!(
        e.starts_with(
            "invalid event: amount: invalid type: boolean `true`, expected a decimal string"
        ),
        "{e}"
    );
    let e = read(&format!(
        r#"{{{head},"type":"payment","amount":"1e400","currency":"EUR"}}"#
    ));
    assert!(
        e.starts_with(r#"invalid event: amount: invalid decimal "1e400""#),
        "{e}"
    );
    let e = read(&format!(
        r#"{{{head},"segmnt":"eu","type":"payment","amount":"1.00","currency":"EUR"}}"#
    ));
    assert!(e.contains("segmnt: unknown field `segmnt`"), "{e}");
    let e = read(&format!(r#"{{{head},"type":"payment","currency":"EUR"}}"#));
    assert!(e.contains("missing field `amount`"), "{e}");
    let e = read(
        r#"{"id":"e1","customer":"C1","date":"2026-02-30","type":"reversal","event_id":"e0"}"#,
    );
    assert!(e.starts_with("invalid event: date:"), "{e}");
    // Policy steps too, with the step's index. An integer is exact and
    // accepted (issue 14); a float is refused, naming the field.
    let e = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "oldest_overdue", "action": "warn", "days": 30, "materiality": 5.5}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("invalid policy: steps[0].materiality: invalid type: floating point `5.5`"),
        "{e}"
    );
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "oldest_overdue", "action": "warn", "days": 30, "materiality": 5}]}"#,
    )
    .unwrap();
    assert!(
        p.to_json().contains(r#""materiality":"5""#),
        "{}",
        p.to_json()
    );
    // A flat event and a flat step write back the same fields they read.
    let text = format!(
        r#"{{{head},"segment":"default","type":"credit_note","invoice_id":null,"amount":"5.00","currency":"EUR"}}"#
    );
    let e: Event = serde_json::from_str(&text).unwrap();
    let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

/// Finding 9: an account left empty by a withdrawn reservation was not
/// recreated by restore (so the digests differed), and reservations were
/// written in account-creation order, so snapshot → restore → snapshot was
/// not byte-identical.
#[test]
fn restore_is_canonical() {
    // The limit step only warns: a check in a segment without a limit is
    // approved (with a warning) and reserves, which opens the account.
    let warn = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "static_limit", "action": "warn"}]}"#,
    )
    .unwrap();
    let build = |order_of_customers: &[&str]| {
        let mut b = CreditBook::new(warn.clone()).unwrap();
        for c in order_of_customers {
            b.upsert_customer(Customer::new(c, c, cur("EUR")), d("2026-01-01"))
                .unwrap();
        }
        for c in order_of_customers.iter().rev() {
            b.set_limit(
                CreditLimit::amount(c, money("500.00", "EUR")),
                d("2026-01-01"),
            )
            .unwrap();
            let mut l2 = CreditLimit::amount(c, money("50.00", "EUR"));
            l2.segment = "spare".into();
            b.set_limit(l2, d("2026-01-01")).unwrap();
        }
        for (i, c) in order_of_customers.iter().enumerate() {
            let r = order(
                c,
                "default",
                &format!("SO-{c}"),
                money("10.00", "EUR"),
                "2026-01-02",
            );
            assert!(b.check_order(r).unwrap().outcome == Outcome::Approved);
            // An account opened by an approved check alone, then left empty
            // by withdrawing the order.
            let r = order(
                c,
                "other",
                &format!("X-{i}"),
                money("1.00", "EUR"),
                "2026-01-02",
            );
            assert_eq!(
                b.check_order(r).unwrap().outcome,
                Outcome::ApprovedWithWarnings
            );
            assert!(b.account_state(&CustomerId::from(*c), "other").is_some());
            assert!(b.withdraw_order(&OrderId::from(format!("X-{i}").as_str())));
            assert!(b.account_state(&CustomerId::from(*c), "other").is_some());
        }
        b
    };
    let a = build(&["C3", "C1", "C2"]);
    let s1 = a.snapshot().unwrap();
    let r = CreditBook::restore(&s1).unwrap();
    assert_eq!(r.state_digest(), a.state_digest());
    assert_eq!(r.snapshot().unwrap(), s1);
    // The same contents created in another order write the same
    // document, but for the decision log, which keeps its own order.
    let b = build(&["C1", "C2", "C3"]);
    let strip = |s: &str| s[..s.find("\"log\"").unwrap()].to_string();
    assert_eq!(
        strip(&b.snapshot().unwrap())
            .replace("X-0", "X")
            .replace("X-1", "X")
            .replace("X-2", "X"),
        strip(&s1)
            .replace("X-0", "X")
            .replace("X-1", "X")
            .replace("X-2", "X")
    );
    let mut a = a;
    let mut r = r;
    for c in ["C1", "C2", "C3"] {
        for seg in ["default", "spare", "other"] {
            assert_eq!(
                views(&mut r, c, seg, "2026-01-03"),
                views(&mut a, c, seg, "2026-01-03")
            );
        }
    }
}

/// Inconsistent snapshots are refused with a message, never a later panic
/// (a hold whose decision is not in the log used to be accepted and made
/// `release` index out of bounds).
#[test]
fn inconsistent_snapshots_are_refused() {
    let mut b = book_of(&["C1"], "EUR", "10.00");
    let r = order("C1", "default", "SO-1", money("20.00", "EUR"), "2026-01-02");
    assert_eq!(b.check_order(r).unwrap().outcome, Outcome::Blocked);
    let s = b.snapshot().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
    v["log"] = serde_json::json!([]);
    let e = CreditBook::restore(&v.to_string()).unwrap_err();
    assert!(
        e.to_string().contains("decision 0 is not a logged check"),
        "{e}"
    );
    let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
    v["extra"] = serde_json::json!(1);
    assert!(matches!(
        CreditBook::restore(&v.to_string()),
        Err(BookError::Snapshot(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
    v["fx"] = serde_json::json!({"rates": [["EUR", "EUR", "1"]]});
    assert!(CreditBook::restore(&v.to_string()).is_err());
}

/// Finding 10: a snapshot serialized the whole decision log while holding
/// the book. A view is now taken without copying the logs (the chunks are
/// shared), and the book can change while the view is written.
#[test]
fn a_snapshot_view_is_independent_of_later_changes() {
    let mut b = book_of(&["C1"], "EUR", "1000000.00");
    for i in 0..5000 {
        let r = order(
            "C1",
            "default",
            &format!("SO-{i}"),
            money("1.00", "EUR"),
            "2026-01-02",
        );
        b.check_order(r).unwrap();
    }
    let view = b.snapshot_view();
    let expected = b.snapshot().unwrap();
    for i in 5000..5100 {
        let r = order(
            "C1",
            "default",
            &format!("SO-{i}"),
            money("1.00", "EUR"),
            "2026-01-02",
        );
        b.check_order(r).unwrap();
    }
    assert_eq!(view.to_json().unwrap(), expected);
    assert_eq!(b.decision_log().len(), 5100);
}

/// Found by the book fuzzer: reservations are indexed by order id across
/// the book, but a re-check under another account (or the order placed in
/// another account) dropped it only from the account at hand, so a ghost
/// reservation inflated the first account's exposure for good (and a
/// snapshot then held the order twice and would not restore).
#[test]
fn a_reservation_lives_in_one_account_only() {
    let mut b = book_of(&["C1", "C2"], "EUR", "1000.00");
    let reserved = |b: &mut CreditBook, c: &str| {
        b.exposure(&CustomerId::from(c), "default", d("2026-01-05"))
            .unwrap()
            .reserved
    };
    let check = |b: &mut CreditBook, c: &str, amount: &str| {
        let r = order(c, "default", "SO-1", money(amount, "EUR"), "2026-01-02");
        assert_eq!(b.check_order(r).unwrap().outcome, Outcome::Approved);
    };
    check(&mut b, "C1", "300.00");
    check(&mut b, "C2", "200.00");
    // The re-check moved the reservation: C1 holds nothing any more.
    assert_eq!(reserved(&mut b, "C1"), dec("0"));
    assert_eq!(reserved(&mut b, "C2"), dec("200.00"));
    check(&mut b, "C1", "300.00");
    // Placing the order (in C2) ends the reservation wherever it is.
    b.apply(ev(
        r#"{"id":"e1","customer":"C2","date":"2026-01-03","type":"order_placed","order_id":"SO-1","amount":"300.00","currency":"EUR"}"#,
    ))
    .unwrap();
    assert_eq!(reserved(&mut b, "C1"), dec("0"));
    assert_eq!(reserved(&mut b, "C2"), dec("0"));
    let restored = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(restored.state_digest(), b.state_digest());
    // A failed batch that placed it puts the reservation back where it was.
    check(&mut b, "C1", "300.00");
    let before = b.state_digest();
    let placed = ev(
        r#"{"id":"e2","customer":"C2","date":"2026-01-04","type":"order_placed","order_id":"SO-9","amount":"1.00","currency":"EUR"}"#,
    );
    let cancel_c1_order_elsewhere = ev(
        r#"{"id":"e3","customer":"C2","date":"2026-01-04","type":"order_cancelled","order_id":"SO-1"}"#,
    );
    let bad = ev(
        r#"{"id":"e4","customer":"C2","date":"2026-01-04","type":"order_cancelled","order_id":"NOPE"}"#,
    );
    assert!(b
        .apply_all(vec![placed, cancel_c1_order_elsewhere, bad])
        .is_err());
    assert_eq!(b.state_digest(), before);
    assert_eq!(reserved(&mut b, "C1"), dec("300.00"));
}

/// Finding 4: a plan panicked (`Decimal::from_i128_with_scale`) on amounts
/// past the decimal range: a 28-digit principal, a payment of 1e27, a
/// payoff summing beyond it. Each is now a typed overflow or refusal.
#[test]
fn plans_with_amounts_past_the_decimal_range_are_errors_not_panics() {
    use credit_core::plans::{PaymentPlan, PlanError};
    let terms = |principal: &str| {
        format!(
            r#"{{"currency": "EUR", "principal": "{principal}", "start": "2026-01-01", "frequency": "monthly",
                "installments": 12, "method": "annuity", "annual_rate": "12"}}"#
        )
    };
    // 28 digits of euros is 30 digits of cents: past 96 bits.
    let big = PaymentPlan::from_terms_json(&terms("9999999999999999999999999999"));
    assert!(
        matches!(
            big,
            Err(PlanError::Overflow(_)) | Err(PlanError::InvalidField { .. })
        ),
        "{big:?}"
    );
    let mut p = PaymentPlan::from_terms_json(&terms("10000.00")).unwrap();
    let day = d("2026-02-01");
    let r = p.apply_payment(day, dec("1000000000000000000000000000"));
    assert!(r.is_err(), "{r:?}");
    // A plan near the top of the range: schedule, status and payoff either
    // work or say overflow.
    match PaymentPlan::from_terms_json(&terms("790000000000000000000000000.00")) {
        Ok(p) => {
            for when in ["2026-06-01", "2027-06-01"] {
                if let Err(e) = p.payoff(d(when)) {
                    assert!(matches!(e, PlanError::Overflow(_)), "{e:?}");
                }
                if let Err(e) = p.status(d(when)) {
                    assert!(matches!(e, PlanError::Overflow(_)), "{e:?}");
                }
            }
        }
        Err(e) => assert!(matches!(e, PlanError::Overflow(_)), "{e:?}"),
    }
}

/// Found by the book fuzzer: a small order converted into a currency
/// without decimals reserves zero (0.22 EUR at 1 JPY/EUR is 0 JPY), and
/// restore refused its own snapshot of it.
#[test]
fn a_zero_reservation_survives_a_snapshot() {
    let mut b = CreditBook::new(policy()).unwrap();
    b.upsert_customer(Customer::new("JP1", "Nippon", cur("JPY")), d("2026-01-01"))
        .unwrap();
    b.set_limit(
        CreditLimit::amount("JP1", money("1000", "JPY")),
        d("2026-01-01"),
    )
    .unwrap();
    b.set_fx_rate(cur("EUR"), cur("JPY"), dec("1")).unwrap();
    let r = order("JP1", "default", "SO-1", money("0.22", "EUR"), "2026-01-02");
    assert_eq!(b.check_order(r).unwrap().outcome, Outcome::Approved);
    let x = b
        .exposure(&CustomerId::from("JP1"), "default", d("2026-01-02"))
        .unwrap();
    assert_eq!(x.reserved, dec("0"));
    let restored = CreditBook::restore(&b.snapshot().unwrap()).unwrap();
    assert_eq!(restored.state_digest(), b.state_digest());
}

/// Found by the book fuzzer: a dunning run summed and multiplied notice
/// amounts unchecked and panicked on amounts near the decimal limit (a
/// panic a Python or C host would see). It is now an overflow error; so is
/// the worklist's; a dunning level of 255 no longer overflows a `u8`.
#[test]
fn dunning_and_worklist_on_huge_amounts_are_errors_not_panics() {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "steps": [],
            "dunning": {"levels": [{"level": 1, "min_days_overdue": 1, "min_percent_of_balance": "50"}]}}"#,
    )
    .unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", cur("EUR")), d("2026-01-01"))
        .unwrap();
    // Two invoices each near the largest EUR amount: their sum does not fit
    // with cents (it used to come back with a decimal silently dropped).
    for (i, inv) in ["I1", "I2"].iter().enumerate() {
        b.apply(ev(&format!(
            r#"{{"id":"e{i}","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"{inv}","amount":"500000000000000000000000000.01","currency":"EUR","due_date":"2026-01-02"}}"#
        )))
        .unwrap();
    }
    let run = b.dunning_run(d("2026-02-01"), &[]);
    assert!(
        matches!(
            run,
            Err(BookError::Collections(CollectionsError::Overflow(
                "dunning sums"
            )))
        ),
        "{run:?}"
    );
    let w = b.worklist(d("2026-02-01"), cur("EUR"), &[]);
    assert!(
        matches!(
            w,
            Err(BookError::Collections(CollectionsError::Overflow(
                "worklist sums"
            )))
        ),
        "{w:?}"
    );
    // A notice at level 255 (the u8's top) leaves the next level at 255.
    let mut small = CreditBook::new(
        Policy::from_json(
            r#"{"schema_version": 1, "policy_id": "p", "steps": [],
                "dunning": {"levels": [{"level": 1, "min_days_overdue": 1}]}}"#,
        )
        .unwrap(),
    )
    .unwrap();
    small
        .upsert_customer(Customer::new("C1", "Acme", cur("EUR")), d("2026-01-01"))
        .unwrap();
    small
        .apply(ev(r#"{"id":"e1","customer":"C1","date":"2026-01-01","type":"invoiced","invoice_id":"I1","amount":"10.00","currency":"EUR","due_date":"2026-01-02"}"#))
        .unwrap();
    small
        .apply(ev(r#"{"id":"e2","customer":"C1","date":"2026-01-10","type":"dunning_notice","level":255,"invoices":["I1"]}"#))
        .unwrap();
    assert!(small.dunning_run(d("2026-03-01"), &[]).is_ok());
    assert!(small.worklist(d("2026-03-01"), cur("EUR"), &[]).is_ok());
}

/// One event of every kind (a valid sequence for customer C1 in EUR),
/// shared with the Python and C tests.
const EVERY_KIND: &str = include_str!("../../tests/conformance/event_kinds.jsonl");

#[test]
fn every_event_kind_refuses_an_unknown_field_and_changes_nothing() {
    use credit_core::ledger::EventKind;
    let lines: Vec<&str> = EVERY_KIND
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    // The fixture holds each type exactly once, and every type there is.
    let mut types: Vec<&str> = lines
        .iter()
        .map(|l| {
            let e: Event = serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            e.kind.type_name()
        })
        .collect();
    types.sort_unstable();
    let mut all = EventKind::TYPES.to_vec();
    all.sort_unstable();
    assert_eq!(types, all);
    let mut b = CreditBook::new(
        Policy::from_json(r#"{"schema_version": 1, "policy_id": "p", "steps": []}"#).unwrap(),
    )
    .unwrap();
    b.upsert_customer(
        Customer::new("C1", "Acme", Currency::iso("EUR").unwrap()),
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap();
    for l in &lines {
        // With a misspelt field the event is refused, naming the field and
        // the valid ones, and the book is unchanged…
        let bad = format!("{},\"pre_paid\":true}}", l.trim_end().trim_end_matches('}'));
        let before = b.state_digest();
        let e = serde_json::from_str::<Event>(&bad).unwrap_err().to_string();
        assert!(e.contains("unknown field `pre_paid`, expected"), "{l}: {e}");
        let e = credit_core::json::from_str::<Event>(
            "event",
            &bad,
            &credit_core::bounds::Bounds::DEFAULT,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("pre_paid"), "{l}: {e}");
        assert_eq!(b.state_digest(), before);
        // …and without it, it applies.
        b.apply(serde_json::from_str(l).unwrap())
            .unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

/// Issue 14: an overflow names what overflowed. Each account's 7e26 fits;
/// 120 of them do not fit one total: aging says "aging sums" and the KPIs
/// "KPI sums" (an overflow in aging once said "the credit check").
#[test]
fn an_overflow_names_the_figure_that_overflowed() {
    use credit_core::monitor::GroupBy;
    let ids: Vec<String> = (0..120).map(|i| format!("C{i:03}")).collect();
    let names: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut b = book_of(&names, "EUR", "1.00");
    for c in &names {
        b.apply(ev(&format!(
            r#"{{"id":"e{c}","customer":"{c}","date":"2026-01-02","type":"invoiced","invoice_id":"I{c}","amount":"700000000000000000000000000.00","currency":"EUR","due_date":"2026-02-01"}}"#
        )))
        .unwrap();
    }
    let eur = cur("EUR");
    let e = b
        .aging(d("2026-03-01"), GroupBy::Total, Some(eur))
        .unwrap_err();
    assert_eq!(e.to_string(), "arithmetic overflow in aging sums");
    let e = b
        .kpis(d("2026-01-01"), d("2026-03-01"), GroupBy::Total, eur)
        .unwrap_err();
    assert_eq!(e.to_string(), "arithmetic overflow in KPI sums");
    // Per customer each figure fits.
    assert!(b
        .aging(d("2026-03-01"), GroupBy::Customer, Some(eur))
        .is_ok());
}
