//! Worked examples, computed by hand from the definitions in the module docs.

use super::*;
use crate::calendar::Weekend;
use crate::money::Currency;

fn d(s: &str) -> NaiveDate {
    crate::calendar::parse_date("test", s).unwrap()
}
fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn eur(s: &str) -> Money {
    Money::parse(s, Currency::iso("EUR").unwrap()).unwrap()
}
fn net_due(terms: &str, baseline: &str) -> NaiveDate {
    PaymentTerms::parse(terms)
        .unwrap()
        .schedule(d(baseline), eur("100.00"), &ScheduleOptions::default())
        .unwrap()
        .net_due_date()
}

#[test]
fn days_after_across_month_and_year_ends() {
    // Jan 31 + 30 days: 28 days of February 2026 → Feb 28, then 2 more → Mar 2.
    assert_eq!(net_due("Net 30", "2026-01-31"), d("2026-03-02"));
    // Dec 15 + 30: 16 days to Dec 31, 14 more → Jan 14 of the next year.
    assert_eq!(net_due("Net 30", "2026-12-15"), d("2027-01-14"));
    // Leap day + 30: Mar 1 is day 1 → Mar 30.
    assert_eq!(net_due("Net 30", "2028-02-29"), d("2028-03-30"));
    // Jan 31 2028 + 30 (leap February has 29 days) → Mar 1.
    assert_eq!(net_due("Net 30", "2028-01-31"), d("2028-03-01"));
}

#[test]
fn eom_readings() {
    // Reading A (parser's): end of January, then 30 days.
    assert_eq!(net_due("Net 30 EOM", "2026-01-15"), d("2026-03-02"));
    assert_eq!(net_due("Net 30 EOM", "2028-01-15"), d("2028-03-01"));
    assert_eq!(net_due("Net 30 EOM", "2026-12-01"), d("2027-01-30"));
    // Reading B: Jan 20 + 45 = Mar 6, then the end of March.
    assert_eq!(net_due("Net 45 then EOM", "2026-01-20"), d("2026-03-31"));
    // Jan 10 + 45 = Feb 24, end of February (28 days in 2026, 29 in 2028).
    assert_eq!(net_due("Net 45 then EOM", "2026-01-10"), d("2026-02-28"));
    assert_eq!(net_due("Net 45 then EOM", "2028-01-10"), d("2028-02-29"));
    // 0 days: the end of the invoice month under both readings.
    assert_eq!(net_due("Net 0 EOM", "2026-02-03"), d("2026-02-28"));
    assert_eq!(net_due("Net 0 then EOM", "2026-02-03"), d("2026-02-28"));
}

#[test]
fn proximo_and_fixed_days() {
    assert_eq!(net_due("10 Prox", "2026-12-15"), d("2027-01-10"));
    assert_eq!(net_due("Net 10 Prox", "2026-12-15"), d("2027-01-10"));
    // Day 31 is the last day, clipped in short months.
    assert_eq!(net_due("31 Prox", "2028-01-05"), d("2028-02-29"));
    assert_eq!(net_due("31 Prox", "2027-01-31"), d("2027-02-28"));
    assert_eq!(net_due("30 Prox", "2027-03-31"), d("2027-04-30"));
    // Same month: a day already past moves to the next month; the day itself counts.
    assert_eq!(net_due("Day 15 of month +0", "2026-03-10"), d("2026-03-15"));
    assert_eq!(net_due("Day 15 of month +0", "2026-03-15"), d("2026-03-15"));
    assert_eq!(net_due("Day 15 of month +0", "2026-03-20"), d("2026-04-15"));
    // Leap day + 12 months on day 29: Feb 2029 has 28 days.
    assert_eq!(
        net_due("Day 29 of month +12", "2028-02-29"),
        d("2029-02-28")
    );
    assert_eq!(net_due("Due on receipt", "2026-05-05"), d("2026-05-05"));
}

#[test]
fn day_limits_treat_late_invoices_as_next_month() {
    let t = "Day 1-25: 10 Prox; Day 26-31: Day 10 of month +2";
    assert_eq!(net_due(t, "2026-01-25"), d("2026-02-10"));
    assert_eq!(net_due(t, "2026-01-26"), d("2026-03-10"));
    assert_eq!(net_due(t, "2026-01-31"), d("2026-03-10"));
    assert_eq!(net_due(t, "2026-02-01"), d("2026-03-10"));
    let parsed = PaymentTerms::parse(t).unwrap();
    assert_eq!(parsed.lines().len(), 2);
    assert_eq!(parsed.to_string(), t);
    // Gaps, overlaps and uncovered days are errors.
    assert!(matches!(
        PaymentTerms::parse("Day 1-15: Net 30; Day 17-31: Net 45"),
        Err(TermsError::Parse(_))
    ));
    assert!(matches!(
        PaymentTerms::parse("Day 1-15: Net 30; Day 16-30: Net 45"),
        Err(TermsError::DayLimit { value: 30, .. })
    ));
    assert!(matches!(
        PaymentTerms::parse("Day 1-32: Net 30"),
        Err(TermsError::DayLimit { value: 32, .. })
    ));
}

#[test]
fn discount_tiers_and_settlement() {
    // 2/10, 1/20, Net 45 on 1234.56 EUR dated 2026-03-01.
    let t = PaymentTerms::parse("2/10, 1/20, Net 45").unwrap();
    let s = t
        .schedule(d("2026-03-01"), eur("1234.56"), &ScheduleOptions::default())
        .unwrap();
    // Invoice stays 100 % due until the net date.
    assert_eq!(s.installments.len(), 1);
    assert_eq!(s.installments[0].amount, eur("1234.56"));
    assert_eq!(s.net_due_date(), d("2026-04-15"));
    // 2 % of 1234.56 = 24.6912 → 24.69; 1 % = 12.3456 → 12.35.
    assert_eq!(s.discounts[0].deadline, d("2026-03-11"));
    assert_eq!(s.discounts[0].amount, eur("24.69"));
    assert_eq!(s.discounts[0].amount_to_settle, eur("1209.87"));
    assert_eq!(s.discounts[1].deadline, d("2026-03-21"));
    assert_eq!(s.discounts[1].amount, eur("12.35"));
    assert_eq!(s.discounts[1].amount_to_settle, eur("1222.21"));
    // Deadlines are inclusive.
    assert_eq!(s.settlement(d("2026-03-11")).discount, eur("24.69"));
    assert_eq!(s.settlement(d("2026-03-12")).discount, eur("12.35"));
    assert_eq!(
        s.settlement(d("2026-03-21")).discount_percent,
        Some(dec("1"))
    );
    let late = s.settlement(d("2026-03-22"));
    assert_eq!(
        (late.discount, late.amount_to_settle, late.days_late),
        (eur("0.00"), eur("1234.56"), 0)
    );
    assert_eq!(s.settlement(d("2026-04-15")).days_late, 0);
    assert_eq!(s.settlement(d("2026-04-20")).days_late, 5);
    // Paying before the invoice date still earns the best discount.
    assert_eq!(s.settlement(d("2026-02-20")).discount, eur("24.69"));
}

#[test]
fn discount_base_excludes_tax() {
    // 1000.00 net + 190.00 VAT; only the net amount is discountable.
    let t = PaymentTerms::parse("2/10 Net 30").unwrap();
    let opts = ScheduleOptions {
        discount_base: Some(eur("1000.00")),
        ..Default::default()
    };
    let s = t.schedule(d("2026-06-01"), eur("1190.00"), &opts).unwrap();
    assert_eq!(s.discounts[0].amount, eur("20.00"));
    assert_eq!(s.discounts[0].amount_to_settle, eur("1170.00"));
    let too_big = ScheduleOptions {
        discount_base: Some(eur("1190.01")),
        ..Default::default()
    };
    assert!(matches!(
        t.schedule(d("2026-06-01"), eur("1190.00"), &too_big),
        Err(TermsError::InvalidAmount {
            field: "discount_base",
            ..
        })
    ));
    let usd = ScheduleOptions {
        discount_base: Some(Money::parse("1", Currency::iso("USD").unwrap()).unwrap()),
        ..Default::default()
    };
    assert!(matches!(
        t.schedule(d("2026-06-01"), eur("1190.00"), &usd),
        Err(TermsError::Money(MoneyError::CurrencyMismatch { .. }))
    ));
    assert!(matches!(
        t.schedule(d("2026-06-01"), eur("-1.00"), &ScheduleOptions::default()),
        Err(TermsError::InvalidAmount {
            field: "amount",
            ..
        })
    ));
}

#[test]
fn discount_rounding_on_half_cases_in_0_2_and_3_decimal_currencies() {
    let t = PaymentTerms::parse("2/10 Net 30").unwrap();
    let disc = |amount: &str, code: &str, rounding: RoundingMode| {
        let m = Money::parse(amount, Currency::iso(code).unwrap()).unwrap();
        let opts = ScheduleOptions {
            rounding,
            ..Default::default()
        };
        t.schedule(d("2026-01-01"), m, &opts).unwrap().discounts[0]
            .amount
            .amount()
    };
    // 2 % of 0.25 EUR = 0.005: half-even → 0.00, half-up → 0.01.
    assert_eq!(disc("0.25", "EUR", RoundingMode::HalfEven), dec("0.00"));
    assert_eq!(disc("0.25", "EUR", RoundingMode::HalfUp), dec("0.01"));
    // 2 % of 1025 JPY = 20.5: half-even → 20, half-up → 21, down → 20, up → 21.
    assert_eq!(disc("1025", "JPY", RoundingMode::HalfEven), dec("20"));
    assert_eq!(disc("1025", "JPY", RoundingMode::HalfUp), dec("21"));
    assert_eq!(disc("1025", "JPY", RoundingMode::Down), dec("20"));
    assert_eq!(disc("1025", "JPY", RoundingMode::Up), dec("21"));
    // 2 % of 10.125 KWD = 0.2025: half-even → 0.202, half-up → 0.203.
    assert_eq!(disc("10.125", "KWD", RoundingMode::HalfEven), dec("0.202"));
    assert_eq!(disc("10.125", "KWD", RoundingMode::HalfUp), dec("0.203"));
    assert_eq!(disc("10.125", "BHD", RoundingMode::HalfEven), dec("0.202"));
}

#[test]
fn installments_sum_exactly() {
    let t = PaymentTerms::parse("30% Due on receipt, 70% Net 60").unwrap();
    let s = t
        .schedule(d("2026-01-01"), eur("100.01"), &ScheduleOptions::default())
        .unwrap();
    // 10001 cents by 30:70 → 3000.3 and 7000.7; the leftover cent goes to the larger remainder.
    assert_eq!(s.installments[0].amount, eur("30.00"));
    assert_eq!(s.installments[1].amount, eur("70.01"));
    assert_eq!(s.installments[0].due_date, d("2026-01-01"));
    assert_eq!(s.installments[1].due_date, d("2026-03-02"));
    assert!(s.discounts.is_empty());
    let st = s.settlement(d("2026-02-01"));
    assert_eq!((st.installments_overdue, st.days_late), (1, 0));
    let thirds = PaymentTerms::parse("33.34% Net 30, 33.33% Net 60, 33.33% Net 90").unwrap();
    let s = thirds
        .schedule(d("2026-01-01"), eur("0.10"), &ScheduleOptions::default())
        .unwrap();
    let amounts: Vec<_> = s.installments.iter().map(|i| i.amount.amount()).collect();
    assert_eq!(amounts, vec![dec("0.04"), dec("0.03"), dec("0.03")]);
    assert_eq!(
        PaymentTerms::parse("33.33% Net 30, 33.33% Net 60, 33.33% Net 90"),
        Err(TermsError::InstallmentTotal {
            total: dec("99.99")
        })
    );
    assert!(matches!(
        PaymentTerms::parse("50% Net 60, 50% Net 30"),
        Err(TermsError::DeadlineOrder { .. })
    ));
}

#[test]
fn validation_errors_name_the_problem() {
    assert!(matches!(
        PaymentTerms::parse("2/40 Net 30"),
        Err(TermsError::DeadlineOrder { .. })
    ));
    // A discount by the 10th after month end can fall after "Net 30" from the invoice date.
    match PaymentTerms::parse("1/10 EOM, Net 30") {
        Err(TermsError::DeadlineOrder {
            earlier,
            later,
            baseline,
        }) => {
            assert_eq!((earlier.as_str(), later.as_str()), ("Net 10 EOM", "Net 30"));
            assert_eq!(baseline, d("2027-01-01"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        PaymentTerms::parse("0/10 Net 30"),
        Err(TermsError::InvalidPercent { .. })
    ));
    assert!(matches!(
        PaymentTerms::parse("100/10 Net 30"),
        Err(TermsError::InvalidPercent { .. })
    ));
    assert!(matches!(
        PaymentTerms::parse("1/10, 2/20, Net 30"),
        Err(TermsError::InvalidPercent { .. })
    ));
    assert!(matches!(
        PaymentTerms::parse("Net 4000"),
        Err(TermsError::InvalidRule {
            field: "days",
            value: 4000,
            ..
        })
    ));
    assert!(matches!(
        PaymentTerms::parse("32 Prox"),
        Err(TermsError::InvalidRule {
            field: "day",
            value: 32,
            ..
        })
    ));
    assert!(matches!(
        PaymentTerms::parse("0 Prox"),
        Err(TermsError::InvalidRule {
            field: "day",
            value: 0,
            ..
        })
    ));
}

#[test]
fn eom_dating_shorthand() {
    // "1/10 EOM Net 30": both periods from the end of the month.
    let t = PaymentTerms::parse("1/10 EOM Net 30").unwrap();
    assert_eq!(t.to_string(), "1/10 EOM, Net 30 EOM");
    let s = t
        .schedule(d("2026-01-25"), eur("500.00"), &ScheduleOptions::default())
        .unwrap();
    assert_eq!(s.discounts[0].deadline, d("2026-02-10"));
    assert_eq!(s.net_due_date(), d("2026-03-02"));
    // With a comma the net rule stands as written (here valid: 60 days from the invoice).
    let t = PaymentTerms::parse("1/10 EOM, Net 60").unwrap();
    assert_eq!(t.to_string(), "1/10 EOM, Net 60");
    assert_eq!(PaymentTerms::parse(&t.to_string()).unwrap(), t);
}

#[test]
fn notation_round_trips_and_is_case_insensitive() {
    for (input, shown) in [
        ("Net 30", "Net 30"),
        ("net30", "Net 30"),
        ("n/30", "Net 30"),
        ("Net 30 days", "Net 30"),
        ("2/10 Net 30", "2/10 Net 30"),
        ("2/10 n/30", "2/10 Net 30"),
        ("  2 / 10 ,  NET 30 ", "2/10 Net 30"),
        ("2/10, 1/20, Net 45", "2/10, 1/20, Net 45"),
        ("2/10 1/20 net 45", "2/10, 1/20, Net 45"),
        ("1.5/10 Net 30", "1.5/10 Net 30"),
        ("Net 30 EOM", "Net 30 EOM"),
        ("net 45 THEN eom", "Net 45 then EOM"),
        ("10 Prox", "10 Prox"),
        ("2/10 Prox, 25 Prox", "2/10 Prox, 25 Prox"),
        ("Day 10 of month +2", "Day 10 of month +2"),
        ("Due on receipt", "Due on receipt"),
        ("Net 0", "Due on receipt"),
        ("2/0 Net 30", "2/0 Net 30"),
        (
            "50% due on receipt, 50% net 30",
            "50% Due on receipt, 50% Net 30",
        ),
    ] {
        let t = PaymentTerms::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.to_string(), shown, "{input}");
        assert_eq!(PaymentTerms::parse(shown).unwrap(), t, "{shown}");
    }
}

#[test]
fn parse_errors_point_at_the_position() {
    let pe = |s: &str| match PaymentTerms::parse(s) {
        Err(TermsError::Parse(p)) => p,
        other => panic!("{s}: {other:?}"),
    };
    let e = pe("2/10 Nett 30");
    assert_eq!((e.position, e.found.as_str()), (5, "\"nett\""));
    assert!(e.expected.contains("'Net'"), "{}", e.expected);
    let e = pe("Net");
    assert_eq!(
        (e.position, e.expected.as_str(), e.found.as_str()),
        (3, "a number of days", "end of text")
    );
    let e = pe("Net 30 xyz");
    assert_eq!((e.position, e.expected.as_str()), (7, "end of text"));
    assert_eq!(pe("").position, 0);
    assert_eq!(pe("Net 30 €").position, 7);
    assert_eq!(pe("Net 1.5").position, 4);
    assert_eq!(pe("Net 99999999999").position, 4);
    assert_eq!(pe("2/ Net 30").position, 3);
}

#[test]
fn business_day_adjustment_of_every_date() {
    // Invoice 2026-01-01, 2/10 Net 30: deadline Sun 2026-01-11, net Sat 2026-01-31.
    let cal = BusinessCalendar::new(Weekend::SAT_SUN, []);
    let t = PaymentTerms::parse("2/10 Net 30").unwrap();
    let with = |convention| ScheduleOptions {
        calendar: Some(&cal),
        convention,
        ..Default::default()
    };
    let s = t
        .schedule(
            d("2026-01-01"),
            eur("10.00"),
            &with(BusinessDayConvention::Following),
        )
        .unwrap();
    assert_eq!(
        (s.discounts[0].deadline, s.net_due_date()),
        (d("2026-01-12"), d("2026-02-02"))
    );
    let s = t
        .schedule(
            d("2026-01-01"),
            eur("10.00"),
            &with(BusinessDayConvention::ModifiedFollowing),
        )
        .unwrap();
    assert_eq!(
        (s.discounts[0].deadline, s.net_due_date()),
        (d("2026-01-12"), d("2026-01-30"))
    );
    let s = t
        .schedule(
            d("2026-01-01"),
            eur("10.00"),
            &with(BusinessDayConvention::Unadjusted),
        )
        .unwrap();
    assert_eq!(s.net_due_date(), d("2026-01-31"));
}

#[test]
fn baseline_can_be_the_delivery_date() {
    let t = PaymentTerms::parse("Net 30").unwrap();
    let opts = ScheduleOptions {
        baseline: Some(d("2026-02-10")),
        ..Default::default()
    };
    let s = t.schedule(d("2026-01-31"), eur("10.00"), &opts).unwrap();
    assert_eq!(
        (s.invoice_date, s.baseline, s.net_due_date()),
        (d("2026-01-31"), d("2026-02-10"), d("2026-03-12"))
    );
}

#[test]
fn json_is_lossless_and_validated() {
    let t = PaymentTerms::parse("Day 1-15: 2/10, 1/20, Net 45; Day 16-31: 1.5/10 EOM, Net 30 EOM")
        .unwrap();
    let j = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<PaymentTerms>(&j).unwrap(), t);
    assert!(j.contains(r#""percent":"1.5""#), "{j}");
    let net30 = r#"{"lines":[{"up_to_day":31,"body":{"type":"standard","net":{"rule":"days_after","days":30}}}]}"#;
    assert_eq!(
        serde_json::from_str::<PaymentTerms>(net30).unwrap(),
        PaymentTerms::parse("Net 30").unwrap()
    );
    // Validation runs on load.
    let bad = r#"{"lines":[{"up_to_day":31,"body":{"type":"installments","installments":[{"percent":"60","due":{"rule":"on_receipt"}}]}}]}"#;
    let err = serde_json::from_str::<PaymentTerms>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("total 60"), "{err}");
    let float = r#"{"lines":[{"up_to_day":31,"body":{"type":"standard","discounts":[{"percent":2.0,"within":{"rule":"days_after","days":10}}],"net":{"rule":"days_after","days":30}}}]}"#;
    assert!(serde_json::from_str::<PaymentTerms>(float).is_err());
    let s = t
        .schedule(d("2026-01-10"), eur("99.99"), &ScheduleOptions::default())
        .unwrap();
    let j = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Schedule>(&j).unwrap(), s);
    let st = s.settlement(d("2026-01-15"));
    assert_eq!(
        serde_json::from_str::<Settlement>(&serde_json::to_string(&st).unwrap()).unwrap(),
        st
    );
}

#[test]
fn dates_past_the_supported_range_are_errors_not_panics() {
    let far = NaiveDate::MAX;
    for text in [
        "Net 30",
        "Net 30 EOM",
        "Net 45 then EOM",
        "10 Prox",
        "Day 10 of month +120",
        "30% Net 10, 70% Net 20",
    ] {
        let t = PaymentTerms::parse(text).unwrap();
        let r = t.schedule(far, eur("1.00"), &ScheduleOptions::default());
        assert!(
            matches!(
                r,
                Err(TermsError::Calendar(CalendarError::OutOfRange { .. }))
            ),
            "{text}: {r:?}"
        );
    }
    // The last representable day is a holiday: following must step past the range.
    let cal = BusinessCalendar::new(Weekend::NONE, [far]);
    let opts = ScheduleOptions {
        calendar: Some(&cal),
        convention: BusinessDayConvention::Following,
        ..Default::default()
    };
    let r = PaymentTerms::parse("Due on receipt")
        .unwrap()
        .schedule(far, eur("1.00"), &opts);
    assert!(
        matches!(
            r,
            Err(TermsError::Calendar(CalendarError::OutOfRange { .. }))
        ),
        "{r:?}"
    );
    // Preceding moves back to the day before instead.
    let opts = ScheduleOptions {
        convention: BusinessDayConvention::Preceding,
        ..opts
    };
    let s = PaymentTerms::parse("Due on receipt")
        .unwrap()
        .schedule(far, eur("1.00"), &opts)
        .unwrap();
    assert_eq!(s.net_due_date(), far.pred_opt().unwrap());
}
