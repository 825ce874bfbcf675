//! Payment plans worked by hand (or, for the 12-row annuity table, by the
//! closed-form formula and a row-by-row table in Python's `decimal` with
//! the same rounding, written out in the comments).

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn m(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn terms(principal: &str, n: u32, method: Method, rate: &str) -> PlanTerms {
    PlanTerms {
        currency: Currency::iso("EUR").unwrap(),
        principal: m(principal),
        start: d("2026-01-01"),
        frequency: Frequency::Monthly,
        installments: Some(n),
        installment_amount: None,
        down_payment: None,
        first_due: None,
        anchor: Anchor::FirstDue,
        calendar: None,
        convention: BusinessDayConvention::Unadjusted,
        method,
        annual_rate: m(rate),
        day_count: DayCount::Act365Fixed,
        period_rate: PeriodRate::PerPeriod,
        remainder: Remainder::Last,
        setup_fee: None,
        late_fee: None,
        payoff_discount: None,
        waterfall: default_waterfall(),
        waterfall_by: WaterfallBy::ByComponent,
        broken: BrokenRule::default(),
        invoices: vec![],
    }
}

fn col(p: &PaymentPlan, f: impl Fn(&PlanInstallment) -> Decimal) -> Vec<Decimal> {
    p.schedule.iter().map(f).collect()
}

#[test]
fn annuity_matches_the_closed_form_and_the_table() {
    // A = 10000 · 0.01 / (1 − 1.01^−12) = 888.48788… → 888.49.
    // Row 1: interest 100.00, principal 788.49, balance 9211.51.
    // Row 2: interest 92.12 (92.1151), principal 796.37, balance 8415.14.
    // Row 12: interest 8.80, principal 879.67 (the rest), total 888.47.
    // Total interest 661.86.
    let p = PaymentPlan::new(terms("10000.00", 12, Method::Annuity, "12")).unwrap();
    let s = &p.schedule;
    assert_eq!(s.len(), 12);
    assert_eq!(
        (
            s[0].interest,
            s[0].principal,
            s[0].total,
            s[0].balance_after
        ),
        (m("100.00"), m("788.49"), m("888.49"), m("9211.51"))
    );
    assert_eq!(
        (s[1].interest, s[1].principal, s[1].balance_after),
        (m("92.12"), m("796.37"), m("8415.14"))
    );
    assert_eq!(
        (s[11].interest, s[11].principal, s[11].total),
        (m("8.80"), m("879.67"), m("888.47"))
    );
    assert_eq!(s[11].balance_after, Decimal::ZERO);
    assert_eq!(p.total_interest(), m("661.86"));
    assert_eq!(
        col(&p, |i| i.principal).into_iter().sum::<Decimal>(),
        m("10000.00")
    );
    assert_eq!(s[0].due_date, d("2026-02-01"));
    assert_eq!(s[11].due_date, d("2027-01-01"));
    // EAR of 1 % a month is about 1.01^12 − 1 = 12.68 % (Act/365 days).
    let ear = p.effective_annual_rate().unwrap();
    assert!((ear - 0.1268).abs() < 0.003, "{ear}");
}

#[test]
fn zero_rate_single_installment_and_other_currencies() {
    // 1000.00 / 3 = 333.33, 333.33, 333.34 (the last takes the cent).
    let p = PaymentPlan::new(terms("1000.00", 3, Method::Annuity, "0")).unwrap();
    assert_eq!(
        col(&p, |i| i.total),
        [m("333.33"), m("333.33"), m("333.34")]
    );
    let p = PaymentPlan::new(terms("1000.00", 3, Method::EqualSplit, "5")).unwrap();
    assert_eq!(
        col(&p, |i| i.interest),
        [Decimal::ZERO; 3].map(|z| z.round_dp(2))
    );
    assert_eq!(
        col(&p, |i| i.total),
        [m("333.33"), m("333.33"), m("333.34")]
    );
    // The first installment takes the remainder when asked.
    let mut t = terms("1000.00", 3, Method::EqualSplit, "0");
    t.remainder = Remainder::First;
    let p = PaymentPlan::new(t).unwrap();
    assert_eq!(
        col(&p, |i| i.total),
        [m("333.34"), m("333.33"), m("333.33")]
    );
    // One installment at 12 %: interest 10.00 on 1000.00.
    let p = PaymentPlan::new(terms("1000.00", 1, Method::Annuity, "12")).unwrap();
    assert_eq!(col(&p, |i| i.total), [m("1010.00")]);
    // JPY has no decimals: 100000 / 3 = 33333, 33333, 33334.
    let mut t = terms("100000", 3, Method::EqualPrincipal, "0");
    t.currency = Currency::iso("JPY").unwrap();
    let p = PaymentPlan::new(t).unwrap();
    assert_eq!(
        col(&p, |i| i.principal),
        [m("33333"), m("33333"), m("33334")]
    );
    // BHD has three: 100.000 / 3 = 33.333, 33.333, 33.334.
    let mut t = terms("100.000", 3, Method::EqualPrincipal, "0");
    t.currency = Currency::iso("BHD").unwrap();
    let p = PaymentPlan::new(t).unwrap();
    assert_eq!(
        col(&p, |i| i.principal),
        [m("33.333"), m("33.333"), m("33.334")]
    );
    // Too many decimals for the currency.
    assert!(PaymentPlan::new(terms("10.001", 2, Method::Annuity, "0")).is_err());
}

#[test]
fn equal_principal_declines() {
    // 1200 over 12 at 1 % a month: 100 principal each; interest 12, 11, …, 1.
    let p = PaymentPlan::new(terms("1200.00", 12, Method::EqualPrincipal, "12")).unwrap();
    assert_eq!(p.schedule[0].total, m("112.00"));
    assert_eq!(p.schedule[11].total, m("101.00"));
    assert_eq!(p.total_interest(), m("78.00"));
}

#[test]
fn custom_parts_down_payment_and_setup_fee() {
    let p = PaymentPlan::new(terms(
        "1000.00",
        3,
        Method::CustomPercents(vec![m("33.33"), m("33.33"), m("33.34")]),
        "0",
    ))
    .unwrap();
    assert_eq!(
        col(&p, |i| i.principal),
        [m("333.30"), m("333.30"), m("333.40")]
    );
    let e = PaymentPlan::new(terms(
        "1000.00",
        2,
        Method::CustomPercents(vec![m("50"), m("40")]),
        "0",
    ))
    .unwrap_err();
    assert!(matches!(
        e,
        PlanError::InvalidField {
            field: "method.custom_percents",
            ..
        }
    ));
    let e = PaymentPlan::new(terms(
        "1000.00",
        2,
        Method::CustomAmounts(vec![m("500"), m("400")]),
        "0",
    ))
    .unwrap_err();
    assert!(matches!(
        e,
        PlanError::InvalidField {
            field: "method.custom_amounts",
            ..
        }
    ));
    // Down payment 200 on the start date; 1000 financed in 2; 2 % set-up
    // fee (20.00) with the first installment.
    let mut t = terms("1200.00", 2, Method::EqualSplit, "0");
    t.down_payment = Some(m("200.00"));
    t.setup_fee = Some(Fee {
        fixed: None,
        percent: Some(m("2")),
        cap: None,
    });
    let p = PaymentPlan::new(t).unwrap();
    assert_eq!(p.schedule[0].number, 0);
    assert_eq!(p.schedule[0].due_date, d("2026-01-01"));
    assert_eq!(
        col(&p, |i| i.total),
        [m("200.00"), m("520.00"), m("500.00")]
    );
}

#[test]
fn fixed_installment_amount_and_an_unaffordable_one() {
    // A = 300 on 1000 at 1 %: 10/290 → 710; 7.10/292.90 → 417.10;
    // 4.17/295.83 → 121.27; last 121.27 + 1.21 = 122.48.
    let mut t = terms("1000.00", 1, Method::Annuity, "12");
    t.installments = None;
    t.installment_amount = Some(m("300.00"));
    let p = PaymentPlan::new(t.clone()).unwrap();
    assert_eq!(
        col(&p, |i| i.total),
        [m("300.00"), m("300.00"), m("300.00"), m("122.48")]
    );
    assert_eq!(p.total_interest(), m("22.48"));
    t.installment_amount = Some(m("10.00"));
    let e = PaymentPlan::new(t).unwrap_err();
    assert!(e.to_string().contains("never be repaid"), "{e}");
    // Proposal: the most the customer can pay a month, or a count.
    let p = PaymentPlan::propose(
        terms("1", 1, Method::Annuity, "12"),
        m("1000.00"),
        Some(m("300.00")),
        None,
    )
    .unwrap();
    assert_eq!(p.schedule.len(), 4);
    let p = PaymentPlan::propose(
        terms("1", 1, Method::EqualSplit, "0"),
        m("900.00"),
        None,
        Some(3),
    )
    .unwrap();
    assert_eq!(col(&p, |i| i.total), [m("300.00"); 3]);
}

/// 1000.00 over 2 months at 1 %: 510.00 on 02-01, 505.00 on 03-01; late
/// fee 10 % of the missed amount, capped at 30, after 5 grace days.
fn late_plan() -> PaymentPlan {
    let mut t = terms("1000.00", 2, Method::EqualPrincipal, "12");
    t.late_fee = Some(LateFee {
        fee: Fee {
            fixed: None,
            percent: Some(m("10")),
            cap: Some(m("30.00")),
        },
        grace_days: 5,
    });
    t.broken = BrokenRule {
        missed_installments: 2,
        days_late: 0,
    };
    PaymentPlan::new(t).unwrap()
}

#[test]
fn waterfall_late_fees_status_and_payoff() {
    let mut p = late_plan();
    assert_eq!(col(&p, |i| i.total), [m("510.00"), m("505.00")]);
    // 300 on 02-05 (inside the grace days): interest 10 then principal 290.
    p.apply_payment(d("2026-02-05"), m("300.00")).unwrap();
    let s = p.status(d("2026-02-06")).unwrap();
    assert_eq!(s.installments[0].outstanding, m("210.00"));
    assert_eq!(s.status, PlanStatusKind::Late { days: 5 });
    assert_eq!(s.missed, 0);
    // 02-07: missed; fee 10 % of 210 = 21.00 (under the cap).
    let s = p.status(d("2026-02-07")).unwrap();
    assert_eq!(
        (s.installments[0].penalty, s.installments[0].outstanding),
        (m("21.00"), m("231.00"))
    );
    assert_eq!(s.missed, 1);
    // Payoff on 02-15: principal 210 + 500, accrued 710 × 12 % × 14/365 =
    // 3.268… → 3.27, late fee 21: 734.27.
    let po = p.payoff(d("2026-02-15")).unwrap();
    assert_eq!(
        (po.principal, po.accrued_interest, po.fees, po.total),
        (m("710.00"), m("3.27"), m("21.00"), m("734.27"))
    );
    // 240 on 02-20: penalty 21, principal 210, then 9 ahead on installment
    // 2: interest 5, principal 4.
    p.apply_payment(d("2026-02-20"), m("240.00")).unwrap();
    let s = p.status(d("2026-02-20")).unwrap();
    assert_eq!(s.installments[0].outstanding, Decimal::ZERO.round_dp(2));
    assert_eq!(s.installments[1].outstanding, m("496.00"));
    assert_eq!(
        s.installments[1].outstanding_by_component,
        [m("0.00"), m("0.00"), m("0.00"), m("496.00")]
    );
    assert_eq!((s.paid, s.status), (m("540.00"), PlanStatusKind::Current));
    // Nothing more: 03-07 the second is missed (10 % of 496 = 49.60, capped
    // at 30.00); two missed = broken.
    let s = p.status(d("2026-03-10")).unwrap();
    assert_eq!(s.installments[1].penalty, m("30.00"));
    assert_eq!(s.installments[1].overdue, m("526.00"));
    assert_eq!(s.status, PlanStatusKind::Broken);
    // Paid in full later: completed; a surplus is unapplied.
    p.apply_payment(d("2026-03-20"), m("530.00")).unwrap();
    let s = p.status(d("2026-03-20")).unwrap();
    assert_eq!(
        (s.status, s.unapplied),
        (PlanStatusKind::Completed, m("4.00"))
    );
    // A payment dated later does not count earlier.
    assert_eq!(
        p.status(d("2026-03-19")).unwrap().status,
        PlanStatusKind::Broken
    );
}

#[test]
fn by_installment_waterfall_and_payoff_discount() {
    let mut t = late_plan().terms;
    t.waterfall = vec![Component::Principal, Component::Interest];
    t.waterfall_by = WaterfallBy::ByInstallment;
    t.payoff_discount = Some(PayoffDiscount {
        percent_of_interest: Some(m("50")),
        fixed: None,
        deadline: d("2026-02-28"),
    });
    let mut p = PaymentPlan::new(t).unwrap();
    // Principal first: 300 → principal 300 of 500; interest 10 stays.
    p.apply_payment(d("2026-02-03"), m("300.00")).unwrap();
    let s = p.status(d("2026-02-03")).unwrap();
    assert_eq!(
        s.installments[0].outstanding_by_component,
        [m("0.00"), m("0.00"), m("10.00"), m("200.00")]
    );
    // Payoff 02-10: principal 700, interest due 10, accrued 700 × .12 × 9/365
    // = 2.071… → 2.07; interest 12.07, half waived: 6.035 → 6.04 (half-even);
    // the first installment (210 still owed) was missed on 02-07: late fee
    // 21.00. Total 700 + 12.07 + 21 − 6.04 = 727.03.
    let po = p.payoff(d("2026-02-10")).unwrap();
    assert_eq!(
        (po.interest_due, po.accrued_interest, po.discount),
        (m("10.00"), m("2.07"), m("6.04"))
    );
    assert_eq!((po.fees, po.total), (m("21.00"), m("727.03")));
    // After the deadline: no discount.
    assert_eq!(p.payoff(d("2026-03-01")).unwrap().discount, m("0.00"));
}

#[test]
fn status_is_monotone_without_payments_and_reschedule_keeps_history() {
    let p = late_plan();
    let rank = |k: PlanStatusKind| match k {
        PlanStatusKind::Current => 0,
        PlanStatusKind::Late { .. } => 1,
        PlanStatusKind::Broken => 2,
        _ => 9,
    };
    let mut last = 0;
    let mut day = d("2026-01-01");
    while day < d("2026-06-01") {
        let r = rank(p.status(day).unwrap().status);
        assert!(r >= last, "{day}");
        last = r;
        day = day.succ_opt().unwrap();
    }
    let mut p = late_plan();
    p.apply_payment(d("2026-02-01"), m("510.00")).unwrap();
    let next = p
        .reschedule(d("2026-02-15"), terms("1", 5, Method::EqualSplit, "0"))
        .unwrap();
    // What is owed on 02-15, not the rest of the schedule (505.00, which
    // holds interest up to 03-01): principal 500.00 + interest accrued
    // since 02-01, 500 × 12 % × 14/365 = 2.30.
    assert_eq!(next.terms.principal, m("502.30"));
    assert_eq!(
        p.status(d("2026-02-16")).unwrap().status,
        PlanStatusKind::Rescheduled
    );
    assert!(p.apply_payment(d("2026-02-20"), m("1.00")).is_err());
    assert_eq!(p.payments.len(), 1);
}

#[test]
fn validation_names_the_field() {
    let bad_field = |t: PlanTerms| match PaymentPlan::new(t) {
        Err(PlanError::InvalidField { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        bad_field(terms("-1.00", 2, Method::Annuity, "0")),
        "principal"
    );
    assert_eq!(
        bad_field(terms("100.00", 2, Method::Annuity, "-1")),
        "annual_rate"
    );
    assert_eq!(
        bad_field(terms("100.00", 0, Method::Annuity, "0")),
        "installments"
    );
    let mut t = terms("100.00", 2, Method::Annuity, "0");
    t.down_payment = Some(m("100.00"));
    assert_eq!(bad_field(t), "down_payment");
    let mut t = terms("100.00", 2, Method::Annuity, "0");
    t.waterfall = vec![Component::Interest];
    assert_eq!(bad_field(t), "waterfall");
    assert!(PaymentPlan::from_terms_json("{").is_err());
    let mut p = PaymentPlan::new(terms("100.00", 2, Method::Annuity, "0")).unwrap();
    assert!(matches!(
        p.apply_payment(d("2026-02-01"), m("-1")),
        Err(PlanError::Payment(_))
    ));
    assert!(matches!(
        p.apply_payment(d("2026-02-01"), m("0.001")),
        Err(PlanError::Payment(_))
    ));
}

#[test]
fn json_round_trip() {
    let mut p = late_plan();
    p.apply_payment(d("2026-02-05"), m("300.00")).unwrap();
    let text = serde_json::to_string(&p).unwrap();
    let back: PaymentPlan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
    let t = serde_json::to_string(&p.terms).unwrap();
    assert_eq!(
        PaymentPlan::from_terms_json(&t).unwrap().schedule,
        p.schedule
    );
}

/// Interest is one exact product, rounded once (issue 14): 3000.00 ×
/// 4.99 % ÷ 12 = 12.475 exactly, a half cent, → 12.48 half-even. Dividing
/// the rate first (0.0499 / 12 = 0.0041583… at 28 digits) gave 12.4749…
/// → 12.47, and the lost cent carried into every later balance.
#[test]
fn an_exact_half_cent_of_interest_is_a_half_cent() {
    let p = PaymentPlan::new(terms("3000.00", 12, Method::Annuity, "4.99")).unwrap();
    assert_eq!(p.schedule[0].interest, m("12.48"));
    // Equal principal: 250.00 a month; month 2 on 2750.00: 2750 × 4.99 /
    // 1200 = 11.435416… → 11.44; month 7 on 1500.00: 6.2375 → 6.24.
    let p = PaymentPlan::new(terms("3000.00", 12, Method::EqualPrincipal, "4.99")).unwrap();
    let i: Vec<Decimal> = p.schedule.iter().map(|r| r.interest).collect();
    assert_eq!((i[0], i[1], i[6]), (m("12.48"), m("11.44"), m("6.24")));
    // Actual days, Act/365F: 36.50 at 1 % for 15 days = 36.50 × 0.01 × 15
    // / 365 = 0.015 exactly → 0.02 half-even (0.0149… → 0.01 before).
    let mut t = terms("36.50", 1, Method::EqualPrincipal, "1");
    t.frequency = Frequency::Days(15);
    t.period_rate = PeriodRate::ActualDays;
    let p = PaymentPlan::new(t).unwrap();
    assert_eq!(
        (p.schedule[0].due_date, p.schedule[0].interest),
        (d("2026-01-16"), m("0.02"))
    );
}

/// An anchor on the start with a separate first due date is a
/// contradiction: refused, naming the field.
#[test]
fn an_anchor_on_the_start_refuses_a_first_due_date() {
    let mut t = terms("400.00", 4, Method::EqualPrincipal, "0");
    t.anchor = Anchor::Start;
    t.first_due = Some(d("2026-02-15"));
    match PaymentPlan::new(t) {
        Err(PlanError::InvalidField { field, .. }) => assert_eq!(field, "anchor"),
        other => panic!("{other:?}"),
    }
}
