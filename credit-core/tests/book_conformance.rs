//! Cross-surface conformance: `tests/conformance/book_cases.txt` (hand-
//! computed scenarios) must pass here exactly as in the Python and C tests.

use chrono::NaiveDate;
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{Applied, CreditBook, OrderRequest};
use credit_core::ledger::Event;
use credit_core::money::{Currency, Money};
use credit_core::policy::{Checkpoint, Policy};

fn norm(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn run_case(name: &str, lines: &[&str]) -> Result<usize, String> {
    let day0 = date("2000-01-01");
    let mut book: Option<CreditBook> = None;
    let mut ops = 0;
    for line in lines {
        let (lhs, expect) = match line.split_once(" => ") {
            Some((l, e)) => (l, Some(e)),
            None => (*line, None),
        };
        let (op, args) = lhs.split_once(' ').unwrap_or((lhs, ""));
        let fail = |what: String| Err(format!("{name}: `{line}`: {what}"));
        ops += 1;
        if op == "policy" {
            book = Some(
                CreditBook::new(Policy::from_json(args).map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?,
            );
            continue;
        }
        let b = book.as_mut().ok_or("policy must come first")?;
        match op {
            "customer" => {
                b.upsert_customer(serde_json::from_str::<Customer>(args).unwrap(), day0)
                    .map_err(|e| e.to_string())?;
            }
            "limit" => {
                b.set_limit(serde_json::from_str::<CreditLimit>(args).unwrap(), day0)
                    .map_err(|e| e.to_string())?;
            }
            "group_limit" => {
                b.set_group_limit(serde_json::from_str::<CreditLimit>(args).unwrap(), day0)
                    .map_err(|e| e.to_string())?;
            }
            "fx" => {
                let f: Vec<&str> = args.split(' ').collect();
                b.set_fx_rate(
                    Currency::iso(f[0]).unwrap(),
                    Currency::iso(f[1]).unwrap(),
                    f[2].parse().unwrap(),
                )
                .map_err(|e| e.to_string())?;
            }
            "apply" => {
                let got = match serde_json::from_str::<Event>(args)
                    .map_err(|e| e.to_string())
                    .and_then(|e| b.apply(e).map_err(|e| e.to_string()))
                {
                    Ok(Applied::Applied) => "applied",
                    Ok(Applied::Duplicate) => "duplicate",
                    Err(_) => "error",
                };
                if Some(got) != expect {
                    return fail(format!("got {got}"));
                }
            }
            "check" => {
                let f: Vec<&str> = args.split(' ').collect();
                let cur = Currency::iso(f[3]).unwrap();
                let req = OrderRequest {
                    customer: CustomerId::from(f[0]),
                    segment: "default".into(),
                    order_id: OrderId::from(f[1]),
                    amount: Money::parse(f[2], cur).unwrap(),
                    requested_delivery: (f[6] != "-").then(|| date(f[6])),
                    checkpoint: Checkpoint::ALL
                        .into_iter()
                        .find(|c| c.name() == f[5])
                        .unwrap(),
                    as_of: date(f[4]),
                };
                let d = b.check_order(req).map_err(|e| e.to_string())?;
                let codes: Vec<&str> = d.reasons.iter().map(|r| r.code.0).collect();
                let codes = if codes.is_empty() {
                    "-".to_string()
                } else {
                    codes.join(",")
                };
                let got = format!(
                    "{} {} {}",
                    d.outcome.name(),
                    codes,
                    norm(&d.exposure_after.to_string())
                );
                if Some(got.as_str()) != expect {
                    return fail(format!("got {got}"));
                }
            }
            "release" => {
                let f: Vec<&str> = args.splitn(4, ' ').collect();
                b.release(&OrderId::from(f[0]), f[1], f[3], date(f[2]))
                    .map_err(|e| e.to_string())?;
            }
            "exposure" => {
                let f: Vec<&str> = args.split(' ').collect();
                let got = match b.exposure(&CustomerId::from(f[0]), "default", date(f[1])) {
                    Ok(x) => format!(
                        "{} {}",
                        norm(&x.total.to_string()),
                        norm(&x.figures.receivables.to_string())
                    ),
                    Err(_) => "error".into(),
                };
                if Some(got.as_str()) != expect {
                    return fail(format!("got {got}"));
                }
            }
            "group_exposure" => {
                let f: Vec<&str> = args.split(' ').collect();
                let got = match b.group_exposure(&CustomerId::from(f[0]), "default", date(f[1])) {
                    Ok(g) => norm(&g.total.to_string()),
                    Err(_) => "error".into(),
                };
                if Some(got.as_str()) != expect {
                    return fail(format!("got {got}"));
                }
            }
            "holds" | "releasable" => {
                let mut ids: Vec<String> = if op == "holds" {
                    b.holds().map(|h| h.request.order_id.0.clone()).collect()
                } else {
                    let r = b.releasable(date(args));
                    assert!(r.not_rechecked.is_empty(), "{:?}", r.not_rechecked);
                    r.releasable.into_iter().map(|(o, _)| o.0).collect()
                };
                ids.sort();
                let got = if ids.is_empty() {
                    "-".to_string()
                } else {
                    ids.join(",")
                };
                if Some(got.as_str()) != expect {
                    return fail(format!("got {got}"));
                }
            }
            other => return fail(format!("unknown op {other}")),
        }
    }
    Ok(ops)
}

#[test]
fn every_book_case_passes() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/book_cases.txt"
    ))
    .unwrap();
    let mut cases = 0;
    let mut ops = 0;
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut failures = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some(name) = line.strip_prefix("case ") {
            current = Some((name.to_string(), Vec::new()));
        } else if line == "end" {
            let (name, lines) = current.take().expect("end without case");
            cases += 1;
            match run_case(&name, &lines) {
                Ok(n) => ops += n,
                Err(e) => failures.push(e),
            }
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(cases >= 6 && ops >= 50, "{cases} cases, {ops} ops");
}
