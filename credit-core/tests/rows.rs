//! The flat report records (`credit_core::rows::Row`) on the bundled sample
//! book: every record serializes exactly the columns its type declares, so
//! a binding that builds tables from `COLUMNS` can never drift from the
//! data; and each table has the rows the reports hold.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::policy::{Checkpoint, Policy};
use credit_core::rows::Row;
use credit_core::scoring::{Attributes, Scorecard, Value};
use serde_json::Value as J;

fn data(name: &str) -> J {
    let path = format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn d(v: &J) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

/// The sample book after every step of `sample_book.json`, and its date.
fn sample() -> (CreditBook, NaiveDate) {
    let s = data("sample_book.json");
    let policy = Policy::from_json(&s["policy"].to_string()).unwrap();
    let mut b = CreditBook::new(policy).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for c in s["customers"].as_array().unwrap() {
        b.upsert_customer(serde_json::from_value::<Customer>(c.clone()).unwrap(), day)
            .unwrap();
    }
    for l in s["limits"].as_array().unwrap() {
        b.set_limit(
            serde_json::from_value::<CreditLimit>(l.clone()).unwrap(),
            day,
        )
        .unwrap();
    }
    for l in s["group_limits"].as_array().unwrap() {
        b.set_group_limit(
            serde_json::from_value::<CreditLimit>(l.clone()).unwrap(),
            day,
        )
        .unwrap();
    }
    for f in s["fx"].as_array().unwrap() {
        let c = |i: usize| Currency::iso(f[i].as_str().unwrap()).unwrap();
        b.set_fx_rate(c(0), c(1), f[2].as_str().unwrap().parse().unwrap())
            .unwrap();
    }
    for st in s["steps"].as_array().unwrap() {
        match st["op"].as_str().unwrap() {
            "event" => {
                b.apply(serde_json::from_value::<Event>(st["event"].clone()).unwrap())
                    .unwrap();
            }
            "check" => {
                let cur = Currency::iso(st["currency"].as_str().unwrap()).unwrap();
                let checkpoint = st["checkpoint"].as_str().unwrap_or("order");
                b.check_order(OrderRequest {
                    customer: CustomerId::from(st["customer"].as_str().unwrap()),
                    segment: "default".into(),
                    order_id: OrderId::from(st["order_id"].as_str().unwrap()),
                    amount: Money::parse(st["amount"].as_str().unwrap(), cur).unwrap(),
                    requested_delivery: None,
                    checkpoint: Checkpoint::from_name(checkpoint).unwrap(),
                    as_of: d(&st["date"]),
                })
                .unwrap();
            }
            "limit" => {
                let l = serde_json::from_value::<CreditLimit>(st["limit"].clone()).unwrap();
                b.set_limit(l, d(&st["date"])).unwrap();
            }
            "release" => {
                let o = OrderId::from(st["order_id"].as_str().unwrap());
                let (by, why) = (st["by"].as_str().unwrap(), st["reason"].as_str().unwrap());
                b.release(&o, by, why, d(&st["date"])).unwrap();
            }
            other => panic!("unknown op {other}"),
        }
    }
    (b, d(&s["as_of"]))
}

/// The sorted keys `row` serializes, and its sorted `COLUMNS`.
fn keys_and_columns<R: Row>(row: &R) -> (Vec<String>, Vec<String>) {
    let J::Object(m) = serde_json::to_value(row).unwrap() else {
        panic!("a row serializes as an object");
    };
    let mut cols: Vec<String> = R::COLUMNS.iter().map(|c| c.to_string()).collect();
    cols.sort();
    (m.keys().cloned().collect(), cols)
}

fn check<R: Row>(what: &str, rows: &[R]) {
    assert!(!rows.is_empty(), "{what}: the sample book has rows");
    for r in rows {
        let (keys, cols) = keys_and_columns(r);
        assert_eq!(keys, cols, "{what}: serialized keys = COLUMNS");
    }
}

#[test]
fn every_report_record_has_exactly_its_columns() {
    let (b, as_of) = sample();
    let month = as_of.checked_add_days(Days::new(30)).unwrap();
    let eur = Currency::iso("EUR").unwrap();
    let run = b.dunning_run(month, &[]).unwrap();
    check("dunning lines", &run.lines());
    let work = b.worklist(month, eur, &[]).unwrap();
    check("worklist", &work);
    // Every next action reads back from the flat record.
    for w in &work {
        let back: credit_core::collections::WorkItem =
            serde_json::from_value(serde_json::to_value(w).unwrap()).unwrap();
        assert_eq!(&back, w);
    }
    let kpis = b
        .kpis(
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            month,
            credit_core::monitor::GroupBy::Customer,
            eur,
        )
        .unwrap();
    check("kpis", &kpis.rows());
    assert_eq!(kpis.rows().len(), kpis.groups.len());
    let goals = b.goals_report(month, eur).unwrap();
    let goal_rows: Vec<_> = goals.iter().map(|g| g.row()).collect();
    check("goals", &goal_rows);
    let alerts = b.alerts(month, &[], None, &[]).unwrap();
    check("alerts", &alerts.rows());
    assert!(
        alerts.rows().iter().all(|r| r.new),
        "a first run raises all"
    );
    let card: Scorecard = serde_json::from_value(data("sample_scorecard.json")).unwrap();
    let attrs = data("sample_attributes.json");
    let host: BTreeMap<CustomerId, Attributes> = attrs["customers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, m)| {
            let a: Attributes = m
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        J::Number(n) => Value::Number(n.as_f64().unwrap()),
                        J::String(s) => Value::Text(s.clone()),
                        _ => Value::Missing,
                    };
                    (k.clone(), v)
                })
                .collect();
            (CustomerId::from(id.as_str()), a)
        })
        .collect();
    let review = b.review_run(&card, "default", as_of, &host, None).unwrap();
    check("review", &review.rows());
    assert!(review.rows().iter().all(|r| r.reviewed));
}
