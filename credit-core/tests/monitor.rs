//! Aging, KPIs and goals on a small book, every figure worked by hand in
//! the comments; aging as of a past date ignores later payments; totals tie
//! to the open balance; grouping splits and merges exactly.

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId, RiskClass};
use credit_core::engine::CreditBook;
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::monitor::{Figure, GoalStatus, GroupBy, Partial};
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

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "mon", "steps": [],
  "weights": {"open_orders": "1", "delivered_not_invoiced": "1", "open_receivables": "1", "disputed": "1", "special_liabilities": "1"},
  "monitoring": {"goals": [
    {"name": "DSO under 45", "kpi": "dso", "target": "45", "direction": "at_most", "tolerance": "10", "period": "month"},
    {"name": "CEI over 25", "kpi": "cei", "target": "25", "direction": "at_least", "tolerance": "5", "period": "month"},
    {"name": "ann's DSO", "kpi": "dso", "scope": "collector", "key": "ann", "target": "80", "direction": "at_most", "period": "month"}
  ],
  "alerts": {"utilisation_above": "30", "overdue_days_above": 30, "broken_promise_days": 30, "expired": true,
             "large_order_percent_of_monthly_sales": "50"}}}"#;

fn book() -> CreditBook {
    let mut b = CreditBook::new(Policy::from_json(POLICY).unwrap()).unwrap();
    let mut c1 = Customer::new("C1", "Acme", eur());
    c1.collector = Some("ann".into());
    c1.risk_class = Some(RiskClass::new("B").unwrap());
    let mut c2 = Customer::new("C2", "Bolt", eur());
    c2.collector = Some("bob".into());
    b.upsert_customer(c1, d("2025-01-01")).unwrap();
    b.upsert_customer(c2, d("2025-01-01")).unwrap();
    b.set_limit(
        CreditLimit::amount("C1", Money::parse("10000.00", eur()).unwrap()),
        d("2025-01-01"),
    )
    .unwrap();
    for e in [
        r#"{"id":"b1","customer":"C2","date":"2025-10-01","type":"invoiced","invoice_id":"B1","amount":"600.00","currency":"EUR","due_date":"2025-10-31"}"#,
        r#"{"id":"a1","customer":"C1","date":"2026-01-05","type":"invoiced","invoice_id":"A1","amount":"1000.00","currency":"EUR","due_date":"2026-02-04"}"#,
        r#"{"id":"a2","customer":"C1","date":"2026-01-20","type":"invoiced","invoice_id":"A2","amount":"2000.00","currency":"EUR","due_date":"2026-02-19"}"#,
        r#"{"id":"b2","customer":"C2","date":"2026-02-01","type":"invoiced","invoice_id":"B2","amount":"400.00","currency":"EUR","due_date":"2026-03-03"}"#,
        r#"{"id":"a3","customer":"C1","date":"2026-02-10","type":"invoiced","invoice_id":"A3","amount":"1500.00","currency":"EUR","due_date":"2026-03-12"}"#,
        r#"{"id":"p1","customer":"C1","date":"2026-02-14","type":"payment","amount":"1000.00","currency":"EUR"}"#,
        r#"{"id":"w1","customer":"C2","date":"2026-02-20","type":"write_off","invoice_id":"B1","amount":"100.00","currency":"EUR"}"#,
        r#"{"id":"x2","customer":"C1","date":"2026-02-25","type":"dispute_opened","invoice_id":"A2","amount":"500.00","currency":"EUR"}"#,
    ] {
        b.apply(serde_json::from_str::<Event>(e).unwrap()).unwrap();
    }
    b
}

#[test]
fn aging_ties_to_the_open_balance_and_ignores_later_payments() {
    let b = book();
    let a = b
        .aging(d("2026-02-28"), GroupBy::Total, Some(eur()))
        .unwrap();
    assert_eq!(a.labels, ["current", "1-30", "31-60", "61-90", "91+"]);
    let r = &a.rows[0];
    // A2 2000 is 9 days past due, 500 of it disputed; A3 1500 and B2 400
    // are current; B1 500 (after the write-off) is 120 days past due.
    assert_eq!(
        r.buckets,
        [m("1900.00"), m("1500.00"), m("0"), m("0"), m("500.00")]
    );
    assert_eq!(r.disputed, m("500.00"));
    assert_eq!(r.total, m("4400.00"));
    // The total is the ledger's open balance.
    let open: Decimal = ["C1", "C2"]
        .iter()
        .flat_map(|c| {
            b.open_items(&CustomerId::from(*c), "default", d("2026-02-28"))
                .unwrap()
        })
        .map(|i| i.open)
        .sum();
    assert_eq!(open, r.total);
    // On 02-13 the payment of 02-14 has not happened: A1's 1000 is 9 days
    // past due; A2 2000, B2 400 and A3 1500 are current; B1 is 600.
    let a = b
        .aging(d("2026-02-13"), GroupBy::Total, Some(eur()))
        .unwrap();
    assert_eq!(
        a.rows[0].buckets,
        [m("3900.00"), m("1000.00"), m("0"), m("0"), m("600.00")]
    );
    // By collector, the rows add up to the total.
    let a = b
        .aging(d("2026-02-28"), GroupBy::Collector, Some(eur()))
        .unwrap();
    let keys: Vec<&str> = a.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["ann", "bob"]);
    assert_eq!(a.rows[0].total + a.rows[1].total, m("4400.00"));
    // By risk class: C2 has none.
    let a = b
        .aging(d("2026-02-28"), GroupBy::RiskClass, Some(eur()))
        .unwrap();
    assert_eq!(
        a.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["(none)", "B"]
    );
}

#[test]
fn kpis_for_february_by_hand() {
    let b = book();
    let r = b
        .kpis(d("2026-02-01"), d("2026-02-28"), GroupBy::Total, eur())
        .unwrap();
    let k = &r.groups["total"];
    // Begin (01-31) 3600, sales 1900, end 4400 (1900 current, 500 over 90).
    assert_eq!(
        (k.receivables, k.current, k.credit_sales),
        (m("4400.00"), m("1900.00"), m("1900.00"))
    );
    // DSO 4400 / 1900 × 28 = 64.84; BPDSO 28; ADD 36.84.
    assert_eq!(k.dso.value, Some(m("64.84")));
    assert_eq!(k.best_possible_dso.value, Some(m("28.00")));
    assert_eq!(k.average_days_delinquent.value, Some(m("36.84")));
    // CEI (3600 + 1900 − 4400) / (3600 + 1900 − 1900) = 30.56 %.
    assert_eq!(k.cei.value, Some(m("30.56")));
    // Countback: 4400 − 1900 (Feb, 28 days) = 2500 of January's 3000: 28 +
    // 2500/3000 × 31 = 53.83.
    assert_eq!(k.countback_dso.value, Some(m("53.83")));
    // The 1000 paid on 02-14 for A1 (invoiced 01-05, due 02-04): 40 days,
    // 10 beyond terms.
    assert_eq!(k.average_days_to_pay.value, Some(m("40")));
    assert_eq!(k.average_days_beyond_terms.value, Some(m("10")));
    // 1900 / 4400 = 43.18 %; 500 / 4400 = 11.36 %; write-off 100 / 1900 = 5.26 %.
    assert_eq!(
        (k.percent_current.value, k.percent_over_90.value),
        (Some(m("43.18")), Some(m("11.36")))
    );
    assert_eq!(k.bad_debt_ratio.value, Some(m("5.26")));
    // C1's exposure 3500 of its 10000 limit.
    assert_eq!(k.limit_utilisation.value, Some(m("35.00")));
    assert_eq!(k.promises_kept.value, None);
    // Collectors' results: ann (C1) collected the 1000 of 02-14.
    let by = b
        .kpis(d("2026-02-01"), d("2026-02-28"), GroupBy::Collector, eur())
        .unwrap();
    assert_eq!(
        (by.groups["ann"].collected, by.groups["bob"].collected),
        (m("1000.00"), m("0.00"))
    );
    // ann's DSO: 3500 on 1500 of sales over 28 days = 65.33.
    assert_eq!(by.groups["ann"].dso.value, Some(m("65.33")));
    // Per customer, the partials merge to the total exactly.
    let parts = b
        .monitor_partials(
            d("2026-02-01"),
            d("2026-02-28"),
            GroupBy::Customer,
            Some(eur()),
            12,
        )
        .unwrap();
    let mut merged = Partial::new(5, 12);
    for p in parts.values() {
        merged.merge(p);
    }
    let total = b
        .monitor_partials(
            d("2026-02-01"),
            d("2026-02-28"),
            GroupBy::Total,
            Some(eur()),
            12,
        )
        .unwrap();
    assert_eq!(&merged, total.values().next().unwrap());
    // A period with no sales: DSO undefined, with the reason.
    let r = b
        .kpis(d("2026-03-05"), d("2026-03-06"), GroupBy::Total, eur())
        .unwrap();
    assert_eq!(
        r.groups["total"].dso.undefined.as_deref(),
        Some("no credit sales in the period")
    );
    assert!(b
        .kpis(d("2026-03-06"), d("2026-03-05"), GroupBy::Total, eur())
        .is_err());
}

#[test]
fn kpis_and_goals_by_currency_are_refused_not_merged() {
    // A KPI report is in one report currency: grouped by currency it used
    // to put every currency, converted, in one group named after the
    // report currency (a USD book's sales under "EUR").
    let b = book();
    let e = b
        .kpis(d("2026-02-01"), d("2026-02-28"), GroupBy::Currency, eur())
        .unwrap_err();
    assert!(e.to_string().contains("group_by"), "{e}");
    let e = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "g", "steps": [], "monitoring": {"goals": [
            {"name": "EUR DSO", "kpi": "dso", "scope": "currency", "key": "EUR", "target": "45",
             "direction": "at_most", "period": "month"}]}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("monitoring.goals[0].scope"), "{e}");
}

#[test]
fn goals_with_status_and_trend() {
    let b = book();
    let g = b.goals_report(d("2026-02-28"), eur()).unwrap();
    // DSO 64.84 against at most 45 (+10 band): missed by 19.84.
    assert_eq!(
        (g[0].status, g[0].gap),
        (GoalStatus::Missed, Some(m("19.84")))
    );
    // January: end 3600 (A1, A2, B1), sales 3000, 31 days: 37.20.
    assert_eq!(
        (g[0].trend[0].end, g[0].trend[0].value),
        (d("2026-01-31"), Some(m("37.20")))
    );
    // CEI 30.56 against at least 25: met.
    assert_eq!(g[1].status, GoalStatus::Met);
    // ann's DSO: C1 ends with 3500 on 1500 of sales: 65.33 ≤ 80: met.
    assert_eq!(
        (g[2].actual, g[2].status),
        (Some(m("65.33")), GoalStatus::Met)
    );
}

#[test]
fn alerts_are_raised_once_and_cleared() {
    use credit_core::monitor::AlertCode;
    let mut b = book();
    // 02-28: C1 uses 3500 of 10000 (35 % > 30 %); B1 is 120 days past due.
    let r1 = b.alerts(d("2026-02-28"), &[], None, &[]).unwrap();
    let codes: Vec<(AlertCode, &str, &str)> = r1
        .raised
        .iter()
        .map(|a| (a.code, a.customer.as_str(), a.subject.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (AlertCode::UtilisationHigh, "C1", "default"),
            (AlertCode::ItemOverdue, "C2", "B1")
        ]
    );
    assert_eq!(r1.raised[0].observed, Figure::Decimal(m("35.00")));
    assert_eq!(r1.raised[0].threshold, Figure::Decimal(m("30")));
    // The overdue item's figures are day counts: 120 days > 30.
    assert_eq!(
        (&r1.raised[1].observed, &r1.raised[1].threshold),
        (&Figure::Count(120), &Figure::Count(30))
    );
    // The next day: the same conditions, nothing raised again.
    let r2 = b.alerts(d("2026-03-01"), &r1.active, None, &[]).unwrap();
    assert!(r2.raised.is_empty() && r2.cleared.is_empty());
    assert_eq!(r2.active[0].raised_on, d("2026-02-28"));
    // C1 pays 1000 on 03-02: 2500 of 10000, the utilisation alert clears.
    b.apply(serde_json::from_str::<Event>(r#"{"id":"p2","customer":"C1","date":"2026-03-02","type":"payment","amount":"1000.00","currency":"EUR"}"#).unwrap()).unwrap();
    let r3 = b.alerts(d("2026-03-02"), &r2.active, None, &[]).unwrap();
    assert_eq!(
        r3.cleared.iter().map(|a| a.code).collect::<Vec<_>>(),
        [AlertCode::UtilisationHigh]
    );
    // An order of 500 on 03-04 against average monthly sales of
    // (1000 + 2000 + 1500) / 12 = 375: 133.33 % > 50 %; exposure 3000 is
    // exactly 30 %, not above.
    b.apply(serde_json::from_str::<Event>(r#"{"id":"o1","customer":"C1","date":"2026-03-04","type":"order_placed","order_id":"SO-9","amount":"500.00","currency":"EUR"}"#).unwrap()).unwrap();
    let r4 = b.alerts(d("2026-03-05"), &r3.active, None, &[]).unwrap();
    assert_eq!(r4.raised.len(), 1);
    assert_eq!(
        (
            r4.raised[0].code,
            r4.raised[0].subject.as_str(),
            &r4.raised[0].observed
        ),
        (AlertCode::LargeOrder, "SO-9", &Figure::Decimal(m("133.33")))
    );
    // Deterministic and serializable.
    let again = b.alerts(d("2026-03-05"), &r3.active, None, &[]).unwrap();
    assert_eq!(again, r4);
    let text = serde_json::to_string(&r4).unwrap();
    assert_eq!(
        serde_json::from_str::<credit_core::monitor::AlertRun>(&text).unwrap(),
        r4
    );
}

#[test]
fn a_series_in_one_pass_equals_each_period_alone() {
    let b = book();
    let ends = [d("2026-01-31"), d("2026-02-28"), d("2026-03-31")];
    let series = b
        .kpi_series(d("2026-01-01"), &ends, GroupBy::Total, eur())
        .unwrap();
    let starts = [d("2026-01-01"), d("2026-02-01"), d("2026-03-01")];
    for (k, r) in series.iter().enumerate() {
        let alone = b.kpis(starts[k], ends[k], GroupBy::Total, eur()).unwrap();
        let (x, y) = (&r.groups["total"], &alone.groups["total"]);
        assert_eq!((r.from, r.to), (starts[k], ends[k]));
        assert_eq!(x.receivables, y.receivables, "{k}");
        assert_eq!(x.dso, y.dso, "{k}");
        assert_eq!(x.countback_dso, y.countback_dso, "{k}");
        assert_eq!(x.cei, y.cei, "{k}");
        assert_eq!(x.average_days_to_pay, y.average_days_to_pay, "{k}");
        assert_eq!(x.percent_over_90, y.percent_over_90, "{k}");
        assert_eq!(x.bad_debt_ratio, y.bad_debt_ratio, "{k}");
        assert_eq!(x.collected, y.collected, "{k}");
    }
    // January by hand: 3600 open on 3000 of sales over 31 days = 37.20.
    assert_eq!(series[0].groups["total"].dso.value, Some(m("37.20")));
    assert!(b
        .kpi_series(d("2026-02-01"), &[d("2026-01-31")], GroupBy::Total, eur())
        .is_err());
}

#[test]
fn amounts_beyond_64_bits_stay_exact() {
    // 100,000,000,000,000,000.00 EUR is 10^19 cents: past the 64-bit
    // columns (9.22 × 10^18), kept exactly beside them.
    let mut b = CreditBook::new(Policy::from_json(POLICY).unwrap()).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2025-01-01"))
        .unwrap();
    for e in [
        r#"{"id":"h1","customer":"C1","date":"2026-01-05","type":"invoiced","invoice_id":"H1","amount":"100000000000000000.00","currency":"EUR","due_date":"2026-02-04"}"#,
        r#"{"id":"h2","customer":"C1","date":"2026-01-06","type":"invoiced","invoice_id":"H2","amount":"0.01","currency":"EUR","due_date":"2026-01-06"}"#,
        r#"{"id":"p1","customer":"C1","date":"2026-01-20","type":"payment","amount":"0.01","currency":"EUR"}"#,
    ] {
        b.apply(serde_json::from_str::<Event>(e).unwrap()).unwrap();
    }
    let a = b
        .aging(d("2026-01-31"), GroupBy::Total, Some(eur()))
        .unwrap();
    // 10^17 + 0.01 invoiced, 0.01 paid.
    assert_eq!(a.rows[0].total, m("100000000000000000.00"));
    let open: Decimal = b
        .open_items(&CustomerId::from("C1"), "default", d("2026-01-31"))
        .unwrap()
        .iter()
        .map(|i| i.open)
        .sum();
    assert_eq!(open, a.rows[0].total);
    let k = b
        .kpis(d("2026-01-01"), d("2026-01-31"), GroupBy::Total, eur())
        .unwrap();
    let t = &k.groups["total"];
    assert_eq!(t.credit_sales, m("100000000000000000.01"));
    // 10^17 / (10^17 + 0.01) × 31 = 30.999… rounds to 31.00.
    assert_eq!(t.dso.value, Some(m("31.00")));
}

#[test]
fn a_broken_plan_raises_plan_broken_once() {
    use credit_core::monitor::AlertCode;
    use credit_core::plans::PaymentPlan;
    let p = Policy::from_json(r#"{"schema_version": 1, "policy_id": "a", "steps": [], "monitoring": {"alerts": {"broken_plan": true}}}"#).unwrap();
    let mut b = CreditBook::new(p).unwrap();
    b.upsert_customer(Customer::new("C1", "Acme", eur()), d("2026-01-01"))
        .unwrap();
    // 300 in three monthly installments from 02-01, broken at the first
    // one missed; nothing is paid.
    let plan = PaymentPlan::from_terms_json(
        r#"{"currency": "EUR", "principal": "300.00", "start": "2026-01-01", "frequency": "monthly",
            "installments": 3, "method": "annuity", "annual_rate": "0",
            "broken": {"missed_installments": 1}, "invoices": ["I1"]}"#,
    )
    .unwrap();
    let plans = [(CustomerId::from("C1"), plan)];
    assert!(b
        .alerts(d("2026-02-01"), &[], None, &plans)
        .unwrap()
        .raised
        .is_empty());
    let r = b.alerts(d("2026-03-15"), &[], None, &plans).unwrap();
    let raised: Vec<_> = r
        .raised
        .iter()
        .map(|a| (a.code, a.customer.as_str(), a.subject.as_str()))
        .collect();
    assert_eq!(raised, [(AlertCode::PlanBroken, "C1", "I1")]);
    // Raised once: the next run with it active raises nothing.
    let again = b.alerts(d("2026-03-16"), &r.active, None, &plans).unwrap();
    assert!(again.raised.is_empty() && again.active.len() == 1);
    // Without the plan: nothing to alert on.
    assert!(b
        .alerts(d("2026-03-15"), &[], None, &[])
        .unwrap()
        .raised
        .is_empty());
}

/// Issue 14: the KPI conventions are policy fields, checked with their
/// path; an unknown one is refused, not ignored.
#[test]
fn kpi_conventions_are_validated_with_their_path() {
    let with = |kpi: &str| {
        Policy::from_json(&format!(
            r#"{{"schema_version": 1, "policy_id": "k", "steps": [], "monitoring": {{"kpi": {kpi}}}}}"#
        ))
    };
    let e = with(r#"{"countback_look_back_months": 0}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("monitoring.kpi.countback_look_back_months"),
        "{e}"
    );
    let e = with(r#"{"days_in_period": {"fixed": 0}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("monitoring.kpi.days_in_period.fixed"), "{e}");
    let e = with(r#"{"cei_sales": {"months": 241}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("monitoring.kpi.cei_sales.months"), "{e}");
    let e = with(r#"{"cei_months": 3}"#).unwrap_err().to_string();
    assert!(e.contains("cei_months"), "{e}");
    // Every convention round-trips through the policy's JSON.
    let p = with(
        r#"{"days_in_period": "thirty_360", "dso_receivables": "average", "cei_sales": "monthly_average",
            "countback_month_days": "thirty", "countback_look_back_months": 24, "rounding": "half_up"}"#,
    )
    .unwrap();
    let again = Policy::from_json(&p.to_json()).unwrap();
    assert_eq!(again.monitoring.kpi, p.monitoring.kpi);
    assert_eq!(p.monitoring.kpi.countback_look_back_months, Some(24));
}
