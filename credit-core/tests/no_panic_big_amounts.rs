//! Issue 14, item 3: amounts near the top of `Decimal`'s range (about
//! 7.9e28) are either computed or refused with a typed error — never a
//! panic. Plans (schedule, payments, status, payoff, evaluation), late
//! interest, and a book's aging, KPIs, features, exposure, the credit
//! check and a dunning run are driven with such amounts. `credit-core`
//! itself denies `clippy::arithmetic_side_effects` outside tests, so a new
//! unchecked `+`, `-`, `*` or `/` on a `Decimal` does not compile; this
//! test is the behavioural side of that rule.

use chrono::{Days, NaiveDate};
use credit_core::calendar::DayCount;
use credit_core::collections::{InterestBasis, InterestRounding, LateInterestPolicy};
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
use credit_core::plans::PaymentPlan;
use credit_core::policy::{Checkpoint, Policy};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn eur() -> Currency {
    Currency::iso("EUR").unwrap()
}

/// An amount of cents with 1 to 28 digits: most are huge, some fit.
fn cents() -> impl Strategy<Value = Decimal> {
    (1u32..=28, any::<u128>()).prop_map(|(digits, r)| {
        let top = 10u128.pow(digits);
        let mantissa = i128::try_from(r % top).unwrap().max(1);
        Decimal::from_i128_with_scale(mantissa.min(Decimal::MAX.mantissa()), 2)
    })
}

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "big", "steps": [{"step": "static_limit", "action": "block"}],
  "dunning": {
    "levels": [
      {"level": 1, "min_days_overdue": 1, "fee": "5.00", "charge_interest": true},
      {"level": 2, "min_days_overdue": 30, "fee": "10.00", "charge_interest": true, "min_interval_days": 10}
    ],
    "interest": {"basis": {"fixed": "12"}, "day_count": "act365_fixed"},
    "compensation": [{"min_amount": "0", "amount": "40.00"}]
  }}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn plans_compute_or_refuse(
        principal in cents(),
        n in 1u32..60,
        method in prop::sample::select(vec!["annuity", "equal_principal", "equal_split"]),
        rate in prop::sample::select(vec!["0", "4.99", "99", "1000"]),
        freq in prop::sample::select(vec!["\"monthly\"", "\"weekly\"", "\"annual\"", "{\"days\": 10}"]),
        pays in prop::collection::vec((0u64..800, cents()), 0..4),
    ) {
        let json = format!(
            r#"{{"currency": "EUR", "principal": "{principal}", "start": "2026-01-31",
                "frequency": {freq}, "installments": {n}, "method": "{method}",
                "annual_rate": "{rate}", "late_fee": {{"fee": {{"fixed": "5.00", "percent": "2"}}}}}}"#
        );
        // Reaching here without unwinding is the property; an error is
        // allowed (the amount may not fit), its text must name something.
        let Ok(mut p) = PaymentPlan::from_terms_json(&json) else {
            return Ok(());
        };
        let start = d("2026-01-31");
        for (day, amount) in pays {
            if let Err(e) = p.apply_payment(start + Days::new(day), amount) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
        for day in [0u64, 45, 400, 4000] {
            let _ = p.status(start + Days::new(day));
            let _ = p.payoff(start + Days::new(day));
        }
        let _ = p.evaluate();
    }

    #[test]
    fn late_interest_computes_or_refuses(
        amount in cents(),
        pays in prop::collection::vec((0u64..2000, cents()), 0..3),
        rate in prop::sample::select(vec!["0.01", "12", "1000000"]),
        days in 1u64..3000,
        dc in prop::sample::select(vec![DayCount::Act365Fixed, DayCount::ActActIsda, DayCount::Thirty360]),
        per_day in any::<bool>(),
    ) {
        let policy = LateInterestPolicy {
            basis: InterestBasis::Fixed(rate.parse().unwrap()),
            day_count: dc,
            grace_days: 0,
            rounding: if per_day { InterestRounding::PerDay } else { InterestRounding::Total },
        };
        let due = d("2026-01-31");
        let payments: Vec<_> = pays.into_iter().map(|(k, a)| (due + Days::new(k), a)).collect();
        match policy.accrue(due, amount, &payments, due + Days::new(days), eur()) {
            Ok(li) => prop_assert!(li.total >= Decimal::ZERO),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn book_views_compute_or_refuse(
        invoices in prop::collection::vec((0u64..90, cents()), 1..4),
        payment in prop::option::of(cents()),
        order in cents(),
    ) {
        let mut b = CreditBook::new(Policy::from_json(POLICY).unwrap()).unwrap();
        b.upsert_customer(Customer::new("C1", "C1", eur()), d("2025-01-01")).unwrap();
        b.set_limit(
            CreditLimit::amount("C1", Money::parse("100000000000000000000000000.00", eur()).unwrap()),
            d("2025-01-01"),
        )
        .unwrap();
        let start = d("2025-10-01");
        for (k, (day, amount)) in invoices.iter().enumerate() {
            let date = start + Days::new(*day);
            let json = format!(
                r#"{{"id":"i{k}","customer":"C1","date":"{date}","type":"invoiced","invoice_id":"I{k}","amount":"{amount}","currency":"EUR","due_date":"{}"}}"#,
                date + Days::new(30)
            );
            // An invoice that would carry the balance past the range is
            // refused, and the book goes on.
            let _ = b.apply(serde_json::from_str::<Event>(&json).unwrap());
        }
        if let Some(a) = payment {
            let json = format!(
                r#"{{"id":"p","customer":"C1","date":"2026-01-15","type":"payment","amount":"{a}","currency":"EUR"}}"#
            );
            let _ = b.apply(serde_json::from_str::<Event>(&json).unwrap());
        }
        let c = CustomerId::from("C1");
        let on = d("2026-03-31");
        let _ = b.aging(on, GroupBy::Total, Some(eur()));
        let _ = b.kpis(d("2026-01-01"), on, GroupBy::Total, eur());
        let _ = b.kpi_series(d("2025-10-01"), &[d("2025-12-31"), on], GroupBy::Total, eur());
        let _ = b.features(&c, "", on);
        let _ = b.exposure(&c, "", on);
        let _ = b.open_items(&c, "", on);
        let _ = b.dunning_run(on, &[]);
        let _ = b.alerts(on, &[], None, &[]);
        let _ = b.goals_report(on, eur());
        let request = OrderRequest {
            customer: c.clone(),
            segment: String::new(),
            order_id: OrderId::from("O1"),
            amount: Money::new(order, eur()).unwrap(),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: on,
        };
        // The check on an order beyond the limit's reach either decides or
        // says what overflowed; it never unwinds.
        if let Err(e) = b.check_order(request) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
