//! Payment-plan invariants, checked with proptest: principal parts sum
//! exactly to the amount financed, the balance ends at exactly zero,
//! allocation never creates or loses a cent, interest is never negative,
//! status only worsens while nothing is paid.

use chrono::{Days, NaiveDate};
use credit_core::money::Currency;
use credit_core::plans::{PaymentPlan, PlanStatusKind, PlanTerms};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn terms() -> impl Strategy<Value = PlanTerms> {
    (
        prop::sample::select(vec!["EUR", "JPY", "BHD"]),
        1i64..100_000_000,
        1u32..40,
        prop::sample::select(vec!["annuity", "equal_principal", "equal_split"]),
        0u32..3000,
        prop::sample::select(vec![
            "\"weekly\"",
            "\"monthly\"",
            "\"quarterly\"",
            "{\"days\": 10}",
        ]),
        prop::option::of(0u32..50),
        any::<bool>(),
    )
        .prop_map(|(ccy, units, n, method, rate_bp, freq, down_pct, actual)| {
            let c = Currency::iso(ccy).unwrap();
            let principal = Decimal::new(units, c.minor_units());
            let down = down_pct
                .map(|p| {
                    (principal * Decimal::from(p) / Decimal::ONE_HUNDRED)
                        .trunc_with_scale(c.minor_units())
                })
                .filter(|d| *d > Decimal::ZERO && *d < principal);
            let json = format!(
                r#"{{"currency": "{ccy}", "principal": "{principal}", "start": "2026-01-31",
                    "frequency": {freq}, "installments": {n}, "method": "{method}",
                    "annual_rate": "{}", "period_rate": "{}" {} }}"#,
                Decimal::new(i64::from(rate_bp), 2),
                if actual { "actual_days" } else { "per_period" },
                down.map(|d| format!(r#", "down_payment": "{d}""#))
                    .unwrap_or_default()
            );
            serde_json::from_str(&json).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn schedules_sum_exactly(t in terms()) {
        let p = PaymentPlan::new(t.clone()).unwrap();
        let principal: Decimal = p.schedule.iter().map(|i| i.principal).sum();
        prop_assert_eq!(principal, t.principal);
        prop_assert_eq!(p.schedule.last().unwrap().balance_after, Decimal::ZERO);
        for i in &p.schedule {
            prop_assert!(i.interest >= Decimal::ZERO);
            prop_assert!(i.principal >= Decimal::ZERO);
            prop_assert_eq!(i.total, i.principal + i.interest + i.fee);
            prop_assert!(i.principal.scale() <= t.currency.minor_units());
        }
        prop_assert!(p.schedule.windows(2).all(|w| w[0].due_date <= w[1].due_date));
    }

    #[test]
    fn allocation_never_creates_or_loses_a_cent(
        t in terms(),
        pays in prop::collection::vec((0u64..500, 1i64..5_000_000), 0..8),
        at in 0u64..800,
    ) {
        let mut p = PaymentPlan::new(t.clone()).unwrap();
        let mu = t.currency.minor_units();
        let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let mut total = Decimal::ZERO;
        let as_of = start + Days::new(at);
        for (day, units) in pays {
            let a = Decimal::new(units, mu);
            let date = start + Days::new(day);
            p.apply_payment(date, a).unwrap();
            if date <= as_of {
                total += a;
            }
        }
        let s = p.status(as_of).unwrap();
        // Everything received is either applied or unapplied.
        prop_assert_eq!(s.paid + s.unapplied, total);
        // Owed = scheduled + late fees − paid, installment by installment.
        for i in &s.installments {
            prop_assert_eq!(i.outstanding, i.due - i.paid);
            prop_assert!(i.outstanding >= Decimal::ZERO);
            let by: Decimal = i.outstanding_by_component.iter().copied().sum();
            prop_assert_eq!(by, i.outstanding);
        }
    }

    #[test]
    fn status_only_worsens_while_nothing_is_paid(t in terms(), step in 1u64..20) {
        let mut t = t;
        t.broken.missed_installments = 2;
        let p = PaymentPlan::new(t).unwrap();
        let rank = |k: PlanStatusKind| match k {
            PlanStatusKind::Current => 0,
            PlanStatusKind::Late { .. } => 1,
            PlanStatusKind::Broken => 2,
            _ => 3,
        };
        let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let mut last = 0;
        let mut late_days = -1i64;
        for k in 0..60 {
            let s = p.status(start + Days::new(k * step)).unwrap();
            let r = rank(s.status);
            prop_assert!(r >= last);
            if let PlanStatusKind::Late { days } = s.status {
                prop_assert!(days > late_days);
                late_days = days;
            }
            last = r;
        }
    }
}
