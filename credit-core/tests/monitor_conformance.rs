//! The shared monitoring vectors (tests/conformance/monitor_cases.txt),
//! worked by hand there; Python and C run the same file.

use chrono::NaiveDate;
use credit_core::customer::Customer;
use credit_core::engine::CreditBook;
use credit_core::ledger::Event;
use credit_core::money::Currency;
use credit_core::monitor::{Alert, GroupBy};
use credit_core::policy::Policy;
use rust_decimal::Decimal;

const CASES: &str = include_str!("../../tests/conformance/monitor_cases.txt");

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("date {s}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("decimal {s}"))
}

fn cur(s: &str) -> Option<Currency> {
    (s != "-").then(|| Currency::iso(s).unwrap())
}

fn group(s: &str) -> GroupBy {
    serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
}

/// `CODE:CUSTOMER:SUBJECT` of each alert, or `-`.
fn triples(alerts: &[Alert]) -> String {
    if alerts.is_empty() {
        return "-".into();
    }
    alerts
        .iter()
        .map(|a| {
            let code = serde_json::to_value(a.code).unwrap();
            format!(
                "{}:{}:{}",
                code.as_str().unwrap(),
                a.customer.as_str(),
                a.subject
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn monitor_cases() {
    let mut book: Option<CreditBook> = None;
    let mut name = String::new();
    let mut previous: Vec<Alert> = Vec::new();
    let mut checked = 0;
    for (n, raw) in CASES.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{name}, line {}", n + 1);
        let (op, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (args, want) = match rest.split_once(" => ") {
            Some((a, w)) => (a, w.trim()),
            None => (rest, ""),
        };
        let a: Vec<&str> = args.split_whitespace().collect();
        match op {
            "case" => {
                name = rest.to_string();
                book = None;
                previous.clear();
            }
            "end" => book = None,
            "policy" => {
                book = Some(CreditBook::new(Policy::from_json(rest).unwrap()).unwrap());
            }
            "customer" => {
                let c: Customer = serde_json::from_str(rest).unwrap();
                let b = book.as_mut().unwrap();
                b.upsert_customer(c, date("2020-01-01")).unwrap();
            }
            "fx" => {
                let b = book.as_mut().unwrap();
                b.set_fx_rate(cur(a[0]).unwrap(), cur(a[1]).unwrap(), dec(a[2]))
                    .unwrap();
            }
            "apply" => {
                let e: Event = serde_json::from_str(rest).unwrap();
                book.as_mut().unwrap().apply(e).unwrap();
            }
            "aging" => {
                let b = book.as_mut().unwrap();
                let r = b.aging(date(a[0]), group(a[1]), cur(a[2])).unwrap();
                let row = r
                    .rows
                    .iter()
                    .find(|r| r.key == a[3])
                    .unwrap_or_else(|| panic!("{at}: no row {}", a[3]));
                let parts: Vec<&str> = want.split(" | ").collect();
                let buckets: Vec<Decimal> = parts[0].split_whitespace().map(dec).collect();
                assert_eq!(row.buckets, buckets, "{at}");
                assert_eq!(row.disputed, dec(parts[1]), "{at}");
                assert_eq!(row.total, dec(parts[2]), "{at}");
            }
            "kpi" => {
                let b = book.as_mut().unwrap();
                let r = b
                    .kpis(date(a[0]), date(a[1]), group(a[2]), cur(a[3]).unwrap())
                    .unwrap();
                let k = r
                    .groups
                    .get(a[4])
                    .unwrap_or_else(|| panic!("{at}: no group {}", a[4]));
                let v = k.figure(a[5]).unwrap_or_else(|| panic!("{at}: {}", a[5]));
                let expect = (want != "undefined").then(|| dec(want));
                assert_eq!(v, expect, "{at}: {}", a[5]);
            }
            "goal" => {
                let b = book.as_mut().unwrap();
                let g = b.goals_report(date(a[0]), cur(a[1]).unwrap()).unwrap();
                let r = &g[a[2].parse::<usize>().unwrap()];
                let w: Vec<&str> = want.split_whitespace().collect();
                let status = serde_json::to_value(r.status).unwrap();
                assert_eq!(status.as_str().unwrap(), w[0], "{at}");
                let opt = |s: &str| (s != "-").then(|| dec(s));
                assert_eq!((r.actual, r.gap), (opt(w[1]), opt(w[2])), "{at}");
            }
            "alerts" => {
                let b = book.as_mut().unwrap();
                let run = b.alerts(date(a[0]), &previous, None, &[]).unwrap();
                let (raised, cleared) = want.split_once(" | ").unwrap();
                assert_eq!(triples(&run.raised), raised, "{at}: raised");
                assert_eq!(triples(&run.cleared), cleared, "{at}: cleared");
                previous = run.active;
            }
            other => panic!("{at}: unknown operation {other}"),
        }
        if !want.is_empty() {
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} checks ran");
}
