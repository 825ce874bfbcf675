//! The book at scale, one figure per stage, for `benches/scale.sh`:
//!
//! ```text
//! cargo run --release -p credit-benches --bin scale -- load [--customers N] [--items M] [--unsorted]
//! cargo run --release -p credit-benches --bin scale -- kpi       # load, first and repeated KPI report
//! cargo run --release -p credit-benches --bin scale -- snapshot  # load, JSON snapshot write and restore
//! cargo run --release -p credit-benches --bin scale -- rate      # events/s at 200, 2,000, 10,000 items per customer
//! cargo run --release -p credit-benches --bin scale -- check [--reps R]  # checks/s at 100k customers / 1M items
//! ```
//!
//! The ledger is the monitoring bench's (and `benches/python/monitor_pandas.py`'s):
//! by default 50,000 customers × 200 invoices (10 M open items), every other
//! one part-paid 50.00 (5 M payments), rows in date order as an ERP export
//! gives them, or shuffled with `--unsorted`. Memory is read from
//! `/proc/self/status` (resident now, and the peak since the last reset).
//! Each stage prints one `name: value` line, so the script can tabulate two
//! runs side by side.

use std::time::Instant;

use chrono::{Days, NaiveDate};
use credit_core::customer::{CreditLimit, Customer, CustomerId, EventId, InvoiceId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::{Allocation, Event, EventKind};
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
use credit_core::policy::{Checkpoint, Policy};
use rust_decimal::Decimal;

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(n)
}

fn eur() -> Currency {
    Currency::iso("EUR").expect("EUR")
}

/// A field of `/proc/self/status` in MiB (`VmRSS`, `VmHWM`); 0 elsewhere.
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Resets the peak resident size (`VmHWM`) to the current one.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Args {
    stage: String,
    customers: usize,
    items: usize,
    unsorted: bool,
    /// Rounds of the check loop (more to profile it).
    reps: usize,
}

fn args() -> Args {
    let mut a = Args {
        stage: String::new(),
        customers: 50_000,
        items: 200,
        unsorted: false,
        reps: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        match s.as_str() {
            "--customers" => a.customers = it.next().and_then(|v| v.parse().ok()).expect("N"),
            "--items" => a.items = it.next().and_then(|v| v.parse().ok()).expect("M"),
            "--unsorted" => a.unsorted = true,
            "--reps" => a.reps = it.next().and_then(|v| v.parse().ok()).expect("R"),
            _ => a.stage = s,
        }
    }
    a
}

fn empty_book(customers: usize, policy: &str) -> CreditBook {
    let mut book = CreditBook::new(Policy::from_json(policy).expect("policy")).expect("book");
    for k in 0..customers {
        let id = format!("C{k}");
        book.upsert_customer(Customer::new(&id, &id, eur()), day(0))
            .expect("customer");
    }
    book
}

/// The ledger rows: `items` invoices per customer, every other one
/// part-paid; in date order, or shuffled (a fixed permutation).
fn ledger(customers: usize, items: usize, unsorted: bool) -> Vec<Event> {
    let eur = eur();
    let mut events = Vec::with_capacity(customers * items * 3 / 2);
    for k in 0..customers {
        let cust = CustomerId(format!("C{k}"));
        for j in 0..items {
            let date = day((j as u64 * 3 + k as u64 % 7) % 330);
            let inv = InvoiceId(format!("I{k}-{j}"));
            let amount = Decimal::new(10_000 + ((k * 31 + j * 17) % 90_000) as i64, 2);
            events.push(Event {
                id: EventId(format!("i{k}-{j}")),
                customer: cust.clone(),
                segment: "default".into(),
                date,
                kind: EventKind::Invoiced {
                    invoice_id: inv.clone(),
                    amount,
                    currency: eur,
                    terms: None,
                    due_date: Some(date + Days::new(30)),
                    order_id: None,
                    delivery_id: None,
                    discount_base: None,
                },
            });
            if j % 2 == 0 {
                events.push(Event {
                    id: EventId(format!("p{k}-{j}")),
                    customer: cust.clone(),
                    segment: "default".into(),
                    date: date + Days::new(20 + (j as u64 % 40)),
                    kind: EventKind::Payment {
                        amount: Decimal::new(5_000, 2),
                        currency: eur,
                        allocations: vec![Allocation {
                            invoice_id: inv,
                            amount: Decimal::new(5_000, 2),
                        }],
                        reference: None,
                    },
                });
            }
        }
    }
    if unsorted {
        // Fisher–Yates with a fixed linear congruential generator.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for i in (1..events.len()).rev() {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            events.swap(i, (x >> 33) as usize % (i + 1));
        }
    } else {
        events.sort_by_key(|e| e.date);
    }
    events
}

/// Loads the ledger into a book with the customers; prints the figures.
fn load(a: &Args) -> CreditBook {
    let mut book = empty_book(
        a.customers,
        r#"{"schema_version": 1, "policy_id": "bench", "steps": []}"#,
    );
    let base = status_mib("VmRSS");
    let events = ledger(a.customers, a.items, a.unsorted);
    let n = events.len();
    reset_peak();
    let t = Instant::now();
    book.apply_all(events).expect("load");
    let secs = t.elapsed().as_secs_f64();
    let rss = status_mib("VmRSS");
    println!("events: {n}");
    println!("order: {}", if a.unsorted { "shuffled" } else { "by date" });
    println!("load_s: {secs:.2}");
    println!("events_per_s: {:.0}", n as f64 / secs);
    println!("book_mib: {:.0}", rss - base);
    println!(
        "bytes_per_event: {:.0}",
        (rss - base) * 1_048_576.0 / n as f64
    );
    println!("load_peak_mib: {:.0}", status_mib("VmHWM"));
    book
}

fn kpi(a: &Args) {
    let book = load(a);
    let (from, to) = (day(300), day(400));
    let t = Instant::now();
    book.kpis(from, to, GroupBy::Customer, eur()).expect("kpis");
    println!("kpi_first_s: {:.3}", t.elapsed().as_secs_f64());
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        book.kpis(from, to, GroupBy::Customer, eur()).expect("kpis");
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("kpi_repeat_s: {best:.3}");
    std::mem::forget(book);
}

fn snapshot(a: &Args) {
    let book = load(a);
    let path = std::env::temp_dir().join("credit-scale-snapshot.json");
    reset_peak();
    let t = Instant::now();
    let json = book.snapshot_view().to_json().expect("snapshot");
    std::fs::write(&path, &json).expect("write");
    println!("snapshot_write_s: {:.2}", t.elapsed().as_secs_f64());
    println!("snapshot_mib: {:.0}", json.len() as f64 / 1_048_576.0);
    println!("snapshot_write_peak_mib: {:.0}", status_mib("VmHWM"));
    drop(json);
    reset_peak();
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read");
    let restored = CreditBook::restore(&text).expect("restore");
    println!("snapshot_restore_s: {:.2}", t.elapsed().as_secs_f64());
    println!("snapshot_restore_peak_mib: {:.0}", status_mib("VmHWM"));
    assert_eq!(restored.event_count(), book.event_count());
    let _ = std::fs::remove_file(&path);
    std::mem::forget(restored);
    std::mem::forget(book);
}

fn rate() {
    const TOTAL: usize = 2_000_000;
    for per in [200, 2_000, 10_000] {
        let a = Args {
            stage: String::new(),
            customers: TOTAL / per,
            items: per,
            unsorted: false,
            reps: 0,
        };
        let mut book = empty_book(
            a.customers,
            r#"{"schema_version": 1, "policy_id": "bench", "steps": []}"#,
        );
        let events = ledger(a.customers, a.items, false);
        let n = events.len();
        let t = Instant::now();
        book.apply_all(events).expect("load");
        println!(
            "events_per_s_at_{per}_items: {:.0}",
            n as f64 / t.elapsed().as_secs_f64()
        );
        std::mem::forget(book);
    }
}

const CHECK_POLICY: &str = r#"{"schema_version": 1, "policy_id": "bench", "horizon_days": 30, "blocked_risk_classes": ["E"], "steps": [
    {"step": "customer_blocked", "action": "block"}, {"step": "risk_class_blocked", "action": "block"},
    {"step": "static_limit", "action": "block", "tolerance_percent": "5"}, {"step": "dynamic_limit", "action": "block"},
    {"step": "group_limit", "action": "block"}, {"step": "max_order_value", "action": "warn", "percent_of_limit": "50"},
    {"step": "oldest_overdue", "action": "block", "days": 60, "materiality": "10"},
    {"step": "overdue_amount", "action": "warn", "percent_of_balance": "90"},
    {"step": "dunning_level", "action": "block", "level": 3}, {"step": "limit_expired", "action": "warn"},
    {"step": "review_overdue", "action": "warn"}]}"#;

fn check(a: &Args) {
    let customers = 100_000;
    let mut book = empty_book(customers, CHECK_POLICY);
    for k in 0..customers {
        let id = format!("C{k}");
        book.set_limit(
            CreditLimit::amount(&id, Money::parse("1000000.00", eur()).expect("m")),
            day(0),
        )
        .expect("limit");
    }
    let mut events = ledger(customers, 10, false);
    events.retain(|e| matches!(e.kind, EventKind::Invoiced { .. }));
    book.apply_all(events).expect("load");
    let reqs: Vec<OrderRequest> = (0..100_000)
        .map(|i| OrderRequest {
            customer: CustomerId(format!("C{}", (i * 7919) % customers)),
            segment: "default".into(),
            order_id: OrderId(format!("N{i}")),
            amount: Money::parse("2500.00", eur()).expect("m"),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: day(60),
        })
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..a.reps.max(1) {
        let t = Instant::now();
        for r in &reqs {
            std::hint::black_box(book.simulate_check(r).expect("check"));
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("checks_per_s_simulate: {:.0}", reqs.len() as f64 / best);
    let t = Instant::now();
    for r in reqs {
        std::hint::black_box(book.check_order(r).expect("check"));
    }
    println!(
        "checks_per_s_logged: {:.0}",
        100_000.0 / t.elapsed().as_secs_f64()
    );
    std::mem::forget(book);
}

fn main() {
    let a = args();
    match a.stage.as_str() {
        "load" => std::mem::forget(load(&a)),
        "kpi" => kpi(&a),
        "snapshot" => snapshot(&a),
        "rate" => rate(),
        "check" => check(&a),
        other => {
            eprintln!("unknown stage {other:?}: load | kpi | snapshot | rate | check");
            std::process::exit(2)
        }
    }
}
