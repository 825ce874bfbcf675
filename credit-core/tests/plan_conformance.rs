//! The shared payment-plan cases (tests/conformance/plan_cases.txt).

use chrono::NaiveDate;
use credit_core::plans::{PaymentPlan, PlanStatusKind};
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn m(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn status_name(k: PlanStatusKind) -> &'static str {
    match k {
        PlanStatusKind::Current => "current",
        PlanStatusKind::Late { .. } => "late",
        PlanStatusKind::Broken => "broken",
        PlanStatusKind::Completed => "completed",
        PlanStatusKind::Cancelled => "cancelled",
        PlanStatusKind::Rescheduled => "rescheduled",
    }
}

#[test]
fn shared_plan_cases() {
    let text = include_str!("../../tests/conformance/plan_cases.txt");
    let mut plan: Option<PaymentPlan> = None;
    let mut name = String::new();
    let mut checked = 0;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (op, rest) = line.split_once(' ').unwrap_or((line, ""));
        let f: Vec<&str> = rest.split_whitespace().collect();
        match op {
            "case" => name = rest.to_string(),
            "terms" => {
                plan = Some(
                    PaymentPlan::from_terms_json(rest).unwrap_or_else(|e| panic!("{name}: {e}")),
                )
            }
            "count" => assert_eq!(
                plan.as_ref().unwrap().schedule.len(),
                f[0].parse::<usize>().unwrap(),
                "{name}"
            ),
            "row" => {
                let p = plan.as_ref().unwrap();
                let n: u32 = f[0].parse().unwrap();
                let r = p.schedule.iter().find(|i| i.number == n).unwrap();
                assert_eq!(
                    (r.due_date, r.principal, r.interest, r.fee, r.total),
                    (d(f[1]), m(f[2]), m(f[3]), m(f[4]), m(f[5])),
                    "{name} row {n}"
                );
                assert_eq!(r.total.to_string(), f[5], "{name} row {n}: scale");
            }
            "interest" => assert_eq!(plan.as_ref().unwrap().total_interest(), m(f[0]), "{name}"),
            "pay" => plan
                .as_mut()
                .unwrap()
                .apply_payment(d(f[0]), m(f[1]))
                .unwrap(),
            "status" => {
                let s = plan.as_ref().unwrap().status(d(f[0])).unwrap();
                assert_eq!(
                    (s.outstanding, s.overdue, s.paid, s.missed),
                    (m(f[1]), m(f[2]), m(f[3]), f[4].parse().unwrap()),
                    "{name} {line}"
                );
                assert_eq!(status_name(s.status), f[5], "{name} {line}");
            }
            "payoff" => assert_eq!(
                plan.as_ref().unwrap().payoff(d(f[0])).unwrap().total,
                m(f[1]),
                "{name}"
            ),
            "end" => checked += 1,
            other => panic!("unknown op {other}"),
        }
    }
    assert_eq!(checked, 13);
}
