//! Invariants, checked with proptest over generated inputs.

use chrono::{Days, NaiveDate};
use credit_core::calendar::{BusinessCalendar, BusinessDayConvention, DayCount, Weekend};
use credit_core::money::{Currency, Money, RoundingMode};
use credit_core::terms::{
    DiscountTier, DueRule, Installment, PaymentTerms, ScheduleOptions, TermBaseline, TermBody,
    TermLine,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn date() -> impl Strategy<Value = NaiveDate> {
    // 1990-01-01 .. ~2090.
    (0u64..36_500).prop_map(|n| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(n))
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::all_iso().collect::<Vec<_>>())
}

fn money() -> impl Strategy<Value = Money> {
    (currency(), -10_000_000_000i64..10_000_000_000i64)
        .prop_map(|(c, units)| Money::from_minor_units(i128::from(units), c).unwrap())
}

fn rule() -> impl Strategy<Value = DueRule> {
    prop_oneof![
        Just(DueRule::OnReceipt),
        (0u32..400).prop_map(|days| DueRule::DaysAfter { days }),
        (0u32..400).prop_map(|days| DueRule::DaysAfterMonthEnd { days }),
        (0u32..400).prop_map(|days| DueRule::DaysThenMonthEnd { days }),
        (1u32..=31, 0u32..13).prop_map(|(day, months)| DueRule::DayOfMonth { day, months }),
    ]
}

fn percent() -> impl Strategy<Value = Decimal> {
    (1i64..10_000, 0u32..3)
        .prop_map(|(m, s)| Decimal::new(m, s))
        .prop_filter("below 100", |p| *p < Decimal::ONE_HUNDRED)
}

fn body() -> impl Strategy<Value = TermBody> {
    prop_oneof![
        (prop::collection::vec((percent(), rule()), 0..4), rule()).prop_map(|(mut tiers, net)| {
            tiers.sort_by_key(|t| std::cmp::Reverse(t.0));
            tiers.dedup_by(|a, b| a.0 == b.0);
            TermBody::Standard {
                discounts: tiers
                    .into_iter()
                    .map(|(percent, within)| DiscountTier { percent, within })
                    .collect(),
                net,
            }
        }),
        prop::collection::vec((1u32..100, rule()), 1..5).prop_map(|parts| {
            // Percentages that total exactly 100: the last takes the rest.
            let mut left = Decimal::ONE_HUNDRED;
            let mut out = Vec::new();
            for (i, (w, due)) in parts.iter().enumerate() {
                let p = if i + 1 == parts.len() {
                    left
                } else {
                    (Decimal::from(*w) / Decimal::from(parts.len() as u32 * 2)).round_dp(2)
                };
                left -= p;
                out.push(Installment {
                    percent: p,
                    due: *due,
                });
            }
            TermBody::Installments { installments: out }
        }),
    ]
}

fn terms() -> impl Strategy<Value = PaymentTerms> {
    prop_oneof![
        body().prop_map(|b| vec![TermLine {
            up_to_day: 31,
            body: b
        }]),
        (1u32..31, body(), body()).prop_map(|(limit, a, b)| vec![
            TermLine {
                up_to_day: limit,
                body: a
            },
            TermLine {
                up_to_day: 31,
                body: b
            },
        ]),
    ]
    .prop_flat_map(|lines| {
        (
            Just(lines),
            prop::sample::select(vec![TermBaseline::InvoiceDate, TermBaseline::EndOfMonth]),
            prop::option::of(1u32..=30),
        )
    })
    .prop_filter_map("valid terms", |(lines, baseline, cutoff)| {
        let t = PaymentTerms::new(lines).ok()?;
        // Day limits take no baseline rule: then the terms as they are.
        Some(t.clone().with_baseline(baseline, cutoff).unwrap_or(t))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn allocation_parts_sum_to_the_whole(m in money(), weights in prop::collection::vec(0u32..1000, 1..12), scale in 0u32..4) {
        let w: Vec<Decimal> = weights.iter().map(|x| Decimal::new(i64::from(*x), scale)).collect();
        match m.allocate(&w) {
            Ok(parts) => {
                prop_assert_eq!(parts.len(), w.len());
                let mut sum = Money::zero(m.currency());
                for p in &parts {
                    prop_assert_eq!(p.currency(), m.currency());
                    sum = sum.checked_add(p).unwrap();
                }
                prop_assert_eq!(sum, m);
                // No part is more than one minor unit from its exact share.
                let total: Decimal = w.iter().sum();
                for (p, wi) in parts.iter().zip(&w) {
                    let exact = m.amount() * *wi / total;
                    prop_assert!((p.amount() - exact).abs() < m.currency().minor_unit());
                }
            }
            Err(_) => prop_assert!(weights.iter().all(|x| *x == 0)),
        }
    }

    #[test]
    fn split_is_as_even_as_possible(m in money(), n in 1usize..50) {
        let parts = m.split(n).unwrap();
        let sum = parts.iter().try_fold(Money::zero(m.currency()), |a, p| a.checked_add(p)).unwrap();
        prop_assert_eq!(sum, m);
        let max = parts.iter().map(|p| p.amount()).max().unwrap();
        let min = parts.iter().map(|p| p.amount()).min().unwrap();
        prop_assert!(max - min <= m.currency().minor_unit());
    }

    #[test]
    fn rounding_keeps_currency_and_scale(m in money(), rate in -100_000i64..100_000, mode in prop::sample::select(RoundingMode::ALL.to_vec())) {
        let r = m.checked_mul_rate(Decimal::new(rate, 4), mode).unwrap();
        prop_assert_eq!(r.currency(), m.currency());
        prop_assert!(r.amount().scale() <= m.currency().minor_units());
    }

    #[test]
    fn money_json_round_trip(m in money()) {
        let j = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&j).unwrap(), m);
        prop_assert_eq!(Money::parse(&m.amount().to_string(), m.currency()).unwrap(), m);
    }

    #[test]
    fn adjusted_dates_are_business_days(d in date(), holidays in prop::collection::vec(date(), 0..30), conv in prop::sample::select(BusinessDayConvention::ALL.to_vec()), n in -40i32..40) {
        let cal = BusinessCalendar::new(Weekend::SAT_SUN, holidays);
        let a = cal.adjust(d, conv).unwrap();
        if conv != BusinessDayConvention::Unadjusted {
            prop_assert!(cal.is_business_day(a));
        }
        let moved = cal.add_business_days(d, n).unwrap();
        prop_assert!(cal.is_business_day(moved) || n == 0);
        // (d, moved] holds n business days; going back, (moved, d] holds |n| when d is one.
        if n >= 0 || cal.is_business_day(d) {
            prop_assert_eq!(cal.business_days_between(d, moved), i64::from(n));
        }
        let cal2: BusinessCalendar = serde_json::from_str(&serde_json::to_string(&cal).unwrap()).unwrap();
        prop_assert_eq!(cal2, cal);
    }

    #[test]
    fn year_fractions_are_additive_for_actual_conventions(a in date(), b in date(), c in date()) {
        for dc in [DayCount::Act365Fixed, DayCount::Act360, DayCount::ActActIsda] {
            let whole = dc.year_fraction(a, c);
            let parts = dc.year_fraction(a, b) + dc.year_fraction(b, c);
            prop_assert!((whole - parts).abs() < Decimal::new(1, 20));
        }
        for dc in DayCount::ALL {
            prop_assert_eq!(dc.year_fraction(a, b), -dc.year_fraction(b, a));
        }
    }

    #[test]
    fn terms_notation_and_json_round_trip(t in terms()) {
        let shown = t.to_string();
        prop_assert_eq!(PaymentTerms::parse(&shown).unwrap(), t.clone(), "{}", shown);
        let j = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(serde_json::from_str::<PaymentTerms>(&j).unwrap(), t);
    }

    #[test]
    fn schedules_hold_their_invariants(t in terms(), invoice in date(), units in 0i64..10_000_000_000, c in currency()) {
        let amount = Money::from_minor_units(i128::from(units), c).unwrap();
        let s = t.schedule(invoice, amount, &ScheduleOptions::default()).unwrap();
        let sum = s.installments.iter().try_fold(Money::zero(c), |a, i| a.checked_add(&i.amount)).unwrap();
        prop_assert_eq!(sum, amount);
        for w in s.installments.windows(2) {
            prop_assert!(w[0].due_date <= w[1].due_date);
        }
        for i in &s.installments {
            prop_assert!(i.due_date >= invoice);
        }
        let net = s.net_due_date();
        for (k, d) in s.discounts.iter().enumerate() {
            prop_assert!(d.deadline >= invoice);
            prop_assert!(d.deadline <= net);
            prop_assert!(d.amount.amount() >= Decimal::ZERO && d.amount.amount() <= amount.amount());
            prop_assert_eq!(d.amount.checked_add(&d.amount_to_settle).unwrap(), amount);
            if let Some(next) = s.discounts.get(k + 1) {
                prop_assert!(d.deadline <= next.deadline);
            }
        }
        let j = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(serde_json::from_str::<credit_core::terms::Schedule>(&j).unwrap(), s);
    }

    #[test]
    fn business_day_adjustment_never_reverses_dates(t in terms(), invoice in date(), holidays in prop::collection::vec(date(), 0..40), conv in prop::sample::select(BusinessDayConvention::ALL.to_vec())) {
        let cal = BusinessCalendar::new(Weekend::SAT_SUN, holidays);
        let opts = ScheduleOptions { calendar: Some(&cal), convention: conv, ..Default::default() };
        let eur = Currency::iso("EUR").unwrap();
        let s = t.schedule(invoice, Money::parse("100.00", eur).unwrap(), &opts).unwrap();
        let net = s.net_due_date();
        for w in s.installments.windows(2) {
            prop_assert!(w[0].due_date <= w[1].due_date);
        }
        for d in &s.discounts {
            prop_assert!(d.deadline <= net);
            if conv != BusinessDayConvention::Unadjusted {
                prop_assert!(cal.is_business_day(d.deadline));
            }
        }
        if conv != BusinessDayConvention::Unadjusted {
            prop_assert!(cal.is_business_day(net));
        }
    }

    #[test]
    fn parser_never_panics(text in "\\PC{0,40}") {
        let _ = PaymentTerms::parse(&text);
    }

    #[test]
    fn parser_never_panics_on_near_notation(parts in prop::collection::vec(prop::sample::select(vec![
        "Net", "net", "n/", "2/", "1.5/", "10", "30", "0", "99999999999", "EOM", "then", "Prox", "Day", "of", "month", "+", "-", ":", ";", ",", "%", "50%", "Due", "on", "receipt", "days", "1-25:", "26-31:",
    ]), 0..12)) {
        let _ = PaymentTerms::parse(&parts.join(" "));
    }
}
