//! Aging plus DSO, days to pay and days beyond terms for every customer of
//! a ledger of 10,000,000 open items and 50,000 customers (half the items
//! part-paid, so payments count too), one core.
//! Run: `cargo bench -p credit-benches --bench monitor`.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use credit_core::customer::{Customer, CustomerId, EventId, InvoiceId};
use credit_core::engine::CreditBook;
use credit_core::ledger::{Allocation, Event, EventKind};
use credit_core::money::Currency;
use credit_core::monitor::GroupBy;
use credit_core::policy::Policy;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;

const CUSTOMERS: usize = 50_000;
const ITEMS: usize = 200;

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(n)
}

/// Resident memory in MiB (Linux; 0 elsewhere).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |pages| pages * 4096.0 / 1048576.0)
}

fn bench(c: &mut Criterion) {
    let eur = Currency::iso("EUR").expect("EUR");
    let mut book = CreditBook::new(
        Policy::from_json(r#"{"schema_version": 1, "policy_id": "bench", "steps": []}"#)
            .expect("policy"),
    )
    .expect("book");
    for k in 0..CUSTOMERS {
        let id = format!("C{k}");
        book.upsert_customer(Customer::new(&id, &id, eur), day(0))
            .expect("customer");
    }
    let t0 = std::time::Instant::now();
    for k in 0..CUSTOMERS {
        let cust = CustomerId(format!("C{k}"));
        let mut events = Vec::with_capacity(ITEMS * 3 / 2);
        for j in 0..ITEMS {
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
        events.sort_by_key(|e| e.date);
        // A customer's batch, all or nothing (undo log: no copy of the book).
        book.apply_all(events).expect("events");
    }
    eprintln!(
        "built {} open items for {CUSTOMERS} customers in {:.1} s",
        CUSTOMERS * ITEMS,
        t0.elapsed().as_secs_f64()
    );
    let (from, to) = (day(300), day(400));
    // The first report builds each account's monitoring columns; the
    // measured ones reuse them.
    let (rss0, t1) = (rss_mib(), std::time::Instant::now());
    book.kpis(from, to, GroupBy::Customer, eur).expect("kpis");
    eprintln!(
        "first report (builds the columns): {:.2} s; resident memory {:.0} -> {:.0} MiB",
        t1.elapsed().as_secs_f64(),
        rss0,
        rss_mib()
    );
    let mut g = c.benchmark_group("monitor");
    g.sample_size(10);
    g.throughput(Throughput::Elements((CUSTOMERS * ITEMS) as u64));
    g.bench_function("aging_and_kpis_per_customer_10m_items", |b| {
        b.iter(|| {
            black_box(
                book.kpis(black_box(from), black_box(to), GroupBy::Customer, eur)
                    .expect("kpis"),
            )
        })
    });
    // The pandas script's computation: per customer, the aging buckets and
    // the sums DSO, days to pay and days beyond terms come from (mergeable
    // partials, no sales history beyond the period's month).
    g.bench_function("partials_per_customer_10m_items", |b| {
        b.iter(|| {
            black_box(
                book.monitor_partials(
                    black_box(from),
                    black_box(to),
                    GroupBy::Customer,
                    Some(eur),
                    1,
                )
                .expect("partials"),
            )
        })
    });
    g.bench_function("aging_total_10m_items", |b| {
        b.iter(|| {
            black_box(
                book.aging(black_box(to), GroupBy::Total, Some(eur))
                    .expect("aging"),
            )
        })
    });
    g.finish();
    // The process ends here: dropping 15 million events and 10 million
    // items one by one would only slow the exit.
    std::mem::forget(book);
}

criterion_group!(benches, bench);
criterion_main!(benches);
