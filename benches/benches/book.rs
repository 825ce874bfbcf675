//! Throughput of event application and of the credit check on a book of
//! 100,000 customers with 1,000,000 open items; the cost of a snapshot
//! under the book's lock against writing it.
//! Run: `cargo bench -p credit-benches --bench book`.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use credit_core::customer::{CreditLimit, Customer, CustomerId, EventId, InvoiceId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::{Event, EventKind};
use credit_core::money::{Currency, Money};
use credit_core::policy::{Checkpoint, Policy};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rust_decimal::Decimal;

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "bench", "horizon_days": 30, "blocked_risk_classes": ["E"], "steps": [
    {"step": "customer_blocked", "action": "block"}, {"step": "risk_class_blocked", "action": "block"},
    {"step": "static_limit", "action": "block", "tolerance_percent": "5"}, {"step": "dynamic_limit", "action": "block"},
    {"step": "group_limit", "action": "block"}, {"step": "max_order_value", "action": "warn", "percent_of_limit": "50"},
    {"step": "oldest_overdue", "action": "block", "days": 60, "materiality": "10"},
    {"step": "overdue_amount", "action": "warn", "percent_of_balance": "90"},
    {"step": "dunning_level", "action": "block", "level": 3}, {"step": "limit_expired", "action": "warn"},
    {"step": "review_overdue", "action": "warn"}]}"#;

fn eur() -> Currency {
    Currency::iso("EUR").expect("EUR")
}

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(n)
}

fn book(customers: usize) -> CreditBook {
    let mut b = CreditBook::new(Policy::from_json(POLICY).expect("policy")).expect("book");
    for c in 0..customers {
        let id = format!("C{c}");
        b.upsert_customer(Customer::new(&id, &id, eur()), day(0))
            .expect("customer");
        b.set_limit(
            CreditLimit::amount(&id, Money::parse("1000000.00", eur()).expect("m")),
            day(0),
        )
        .expect("limit");
    }
    b
}

/// Ten open items per customer, dated and due over the last months.
fn invoices(customers: usize, per: usize) -> Vec<Event> {
    let mut v = Vec::with_capacity(customers * per);
    for k in 0..per {
        for c in 0..customers {
            v.push(Event {
                id: EventId(format!("inv-{c}-{k}")),
                customer: CustomerId(format!("C{c}")),
                segment: "default".into(),
                date: day(k as u64),
                kind: EventKind::Invoiced {
                    invoice_id: InvoiceId(format!("I{c}-{k}")),
                    amount: Decimal::new(100_000 + (c as i64 % 977) * 100, 2),
                    currency: eur(),
                    terms: None,
                    due_date: Some(day(k as u64 + 30)),
                    order_id: None,
                    delivery_id: None,
                    discount_base: None,
                },
            });
        }
    }
    v
}

/// An order-to-cash stream: order, delivery, invoice (terms), payment.
fn stream(customers: usize, n: usize) -> Vec<Event> {
    let mut v = Vec::with_capacity(n);
    for i in 0..n / 4 {
        let c = CustomerId(format!("C{}", i % customers));
        let order = OrderId(format!("O{i}"));
        let amount = Decimal::new(50_000 + (i as i64 % 1000) * 10, 2);
        let date = day(40 + (i / customers) as u64);
        let mk = |k: usize, kind: EventKind| Event {
            id: EventId(format!("s{i}-{k}")),
            customer: c.clone(),
            segment: "default".into(),
            date,
            kind,
        };
        v.push(mk(
            0,
            EventKind::OrderPlaced {
                order_id: order.clone(),
                amount,
                currency: eur(),
                requested_delivery: None,
                prepaid: false,
            },
        ));
        v.push(mk(
            1,
            EventKind::Delivered {
                order_id: order.clone(),
                delivery_id: None,
                amount,
                currency: eur(),
            },
        ));
        v.push(mk(
            2,
            EventKind::Invoiced {
                invoice_id: InvoiceId(format!("SI{i}")),
                amount,
                currency: eur(),
                terms: Some("2/10 Net 30".into()),
                due_date: None,
                order_id: Some(order),
                delivery_id: None,
                discount_base: None,
            },
        ));
        v.push(mk(
            3,
            EventKind::Payment {
                amount,
                currency: eur(),
                allocations: Vec::new(),
                reference: None,
            },
        ));
    }
    v
}

fn apply_events(c: &mut Criterion) {
    let mut g = c.benchmark_group("book_apply");
    let n = 100_000;
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    let base = book(10_000);
    g.bench_function("order-to-cash stream, 10k customers", |b| {
        b.iter_batched(
            || (base.clone(), stream(10_000, n)),
            |(mut book, evs)| {
                for e in evs {
                    book.apply(e).expect("apply");
                }
                book
            },
            BatchSize::PerIteration,
        )
    });
    let base = book(10_000);
    g.bench_function("invoices with due dates, 10k customers", |b| {
        b.iter_batched(
            || (base.clone(), invoices(10_000, 10)),
            |(mut book, evs)| {
                for e in evs {
                    book.apply(e).expect("apply");
                }
                book
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn checks(c: &mut Criterion) {
    let customers = 100_000;
    let mut big = book(customers);
    for e in invoices(customers, 10) {
        big.apply(e).expect("apply");
    }
    let reqs: Vec<OrderRequest> = (0..10_000)
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
    let mut g = c.benchmark_group("credit_check_100k_customers_1m_items");
    g.throughput(Throughput::Elements(reqs.len() as u64));
    g.bench_function("simulate (no log, no reservation)", |b| {
        b.iter(|| {
            for r in &reqs {
                black_box(big.simulate_check(r).expect("check"));
            }
        })
    });
    g.finish();
    // The same check on a book that fits in cache: the compute cost alone.
    let mut small = book(1_000);
    for e in invoices(1_000, 10) {
        small.apply(e).expect("apply");
    }
    let small_reqs: Vec<OrderRequest> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.customer = CustomerId(format!("C{}", (i * 7919) % 1_000));
            r
        })
        .collect();
    let mut g = c.benchmark_group("credit_check_1k_customers_10k_items");
    g.throughput(Throughput::Elements(small_reqs.len() as u64));
    g.bench_function("simulate (no log, no reservation)", |b| {
        b.iter(|| {
            for r in &small_reqs {
                black_box(small.simulate_check(r).expect("check"));
            }
        })
    });
    g.finish();
    // Logging and reserving change the book, so each sample starts from a
    // fresh clone of a 10,000-customer book (100,000 items).
    let mut mid = book(10_000);
    for e in invoices(10_000, 10) {
        mid.apply(e).expect("apply");
    }
    let reqs: Vec<OrderRequest> = reqs
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.customer = CustomerId(format!("C{}", (i * 7919) % 10_000));
            r
        })
        .collect();
    let mut g = c.benchmark_group("credit_check_10k_customers_100k_items");
    g.throughput(Throughput::Elements(reqs.len() as u64));
    g.sample_size(10);
    g.bench_function("check_order (log + reservation)", |b| {
        b.iter_batched(
            || (mid.clone(), reqs.clone()),
            |(mut book, rs)| {
                for r in rs {
                    black_box(book.check_order(r).expect("check"));
                }
                book
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// A snapshot of a book with 10,000 customers, 100,000 open items and
/// 100,000 logged decisions: the view a host takes under the book's lock
/// (no log is copied) against writing it (outside the lock).
fn snapshots(c: &mut Criterion) {
    let mut b = book(10_000);
    for e in invoices(10_000, 10) {
        b.apply(e).expect("apply");
    }
    for i in 0..100_000 {
        let r = OrderRequest {
            customer: CustomerId(format!("C{}", (i * 7919) % 10_000)),
            segment: "default".into(),
            order_id: OrderId(format!("S{i}")),
            amount: Money::parse("10.00", eur()).expect("m"),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: day(60),
        };
        b.check_order(r).expect("check");
    }
    let mut g = c.benchmark_group("snapshot_10k_customers_100k_items_100k_decisions");
    g.sample_size(10);
    g.bench_function("snapshot_view (under the lock)", |x| {
        x.iter(|| black_box(b.snapshot_view()))
    });
    let view = b.snapshot_view();
    g.bench_function("to_json (outside the lock)", |x| {
        x.iter(|| black_box(view.to_json().expect("json").len()))
    });
    g.finish();
}

/// Read throughput with 1 and 2 threads sharing one book behind a
/// read-write lock (as the Python and C bindings hold it): queries and
/// reports take `&self`, so readers run side by side.
fn concurrent_reads(c: &mut Criterion) {
    use std::sync::{Arc, RwLock};
    use std::time::{Duration, Instant};
    let mut b = book(10_000);
    for e in invoices(10_000, 10) {
        b.apply(e).expect("apply");
    }
    let book = Arc::new(RwLock::new(b));
    let ids: Arc<Vec<CustomerId>> =
        Arc::new((0..10_000).map(|c| CustomerId(format!("C{c}"))).collect());
    let mut g = c.benchmark_group("reads_10k_customers_100k_items");
    for threads in [1usize, 2] {
        g.throughput(Throughput::Elements(threads as u64));
        g.bench_function(format!("exposure, {threads} thread(s)"), |x| {
            x.iter_custom(|iters| {
                let start = Instant::now();
                std::thread::scope(|s| {
                    for t in 0..threads {
                        let (book, ids) = (Arc::clone(&book), Arc::clone(&ids));
                        s.spawn(move || {
                            for i in 0..iters as usize {
                                let id = &ids[(i * 7919 + t * 13) % ids.len()];
                                let r = book.read().expect("lock");
                                black_box(r.exposure(id, "default", day(60)).expect("exposure"));
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
        g.bench_function(format!("aging report, {threads} thread(s)"), |x| {
            x.iter_custom(|iters| {
                let start = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..threads {
                        let book = Arc::clone(&book);
                        s.spawn(move || {
                            for _ in 0..iters {
                                let r = book.read().expect("lock");
                                black_box(
                                    r.aging(
                                        day(60),
                                        credit_core::monitor::GroupBy::Total,
                                        Some(eur()),
                                    )
                                    .expect("aging"),
                                );
                            }
                        });
                    }
                });
                start.elapsed().max(Duration::from_nanos(1))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, apply_events, checks, snapshots, concurrent_reads);
criterion_main!(benches);
