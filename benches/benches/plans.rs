//! Throughput of payment-plan schedules (12 monthly annuity installments)
//! and of a dunning run over a book of 100,000 customers with 1,000,000
//! open items. Run: `cargo bench -p credit-benches --bench plans`.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use credit_core::customer::{Customer, CustomerId, EventId, InvoiceId};
use credit_core::engine::CreditBook;
use credit_core::ledger::{Event, EventKind};
use credit_core::money::Currency;
use credit_core::plans::{Frequency, Method, PaymentPlan, PlanTerms};
use credit_core::policy::Policy;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;

const POLICY: &str = r#"{"schema_version": 1, "policy_id": "bench", "steps": [],
  "dunning": {"grace_days": 3, "levels": [
    {"level": 1, "min_days_overdue": 7},
    {"level": 2, "min_days_overdue": 21, "fee": "5.00", "charge_interest": true, "min_interval_days": 10},
    {"level": 3, "min_days_overdue": 35, "fee": "10.00", "charge_interest": true, "min_interval_days": 10}],
   "interest": {"basis": {"fixed": "8"}},
   "compensation": [{"min_amount": "0", "amount": "40.00"}]}}"#;

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(n)
}

fn bench(c: &mut Criterion) {
    let eur = Currency::iso("EUR").expect("EUR");
    let template: PlanTerms = serde_json::from_str(
        r#"{"currency": "EUR", "principal": "1.00", "start": "2026-01-15", "frequency": "monthly",
            "installments": 12, "method": "annuity", "annual_rate": "6"}"#,
    )
    .expect("terms");
    let mut g = c.benchmark_group("plans");
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("annuity_12_installments_x10000", |b| {
        b.iter(|| {
            for i in 0..10_000i64 {
                let mut t = template.clone();
                t.principal = Decimal::new(100_000 + i * 37, 2);
                black_box(PaymentPlan::new(t).expect("plan"));
            }
        })
    });
    g.bench_function("equal_principal_12_installments_x10000", |b| {
        b.iter(|| {
            for i in 0..10_000i64 {
                let mut t = template.clone();
                t.method = Method::EqualPrincipal;
                t.frequency = Frequency::Monthly;
                t.principal = Decimal::new(100_000 + i * 37, 2);
                black_box(PaymentPlan::new(t).expect("plan"));
            }
        })
    });
    g.finish();

    // 100,000 customers × 10 invoices, due from 2026-01-10 on; as of
    // 2026-03-31 most are overdue at various levels.
    let mut book = CreditBook::new(Policy::from_json(POLICY).expect("policy")).expect("book");
    let customers = 100_000;
    for k in 0..customers {
        let id = format!("C{k}");
        book.upsert_customer(Customer::new(&id, &id, eur), day(0))
            .expect("customer");
    }
    let mut events = Vec::with_capacity(customers * 10);
    for k in 0..customers {
        for j in 0..10u64 {
            let inv = format!("I{k}-{j}");
            let date = day(j * 7 + (k as u64 % 5));
            events.push(Event {
                id: EventId(format!("e{k}-{j}")),
                customer: CustomerId(format!("C{k}")),
                segment: "default".into(),
                date,
                kind: EventKind::Invoiced {
                    invoice_id: InvoiceId(inv),
                    amount: Decimal::new(10_000 + (k as i64 % 900) * 100 + j as i64, 2),
                    currency: eur,
                    terms: None,
                    due_date: Some(date + Days::new(30)),
                    order_id: None,
                    delivery_id: None,
                    discount_base: None,
                },
            });
        }
    }
    book.apply_all(events).expect("events");
    let as_of = day(89);
    let run = book.dunning_run(as_of, &[]).expect("run");
    eprintln!(
        "dunning run over {} open items: {} notices, {} lines",
        customers * 10,
        run.notices.len(),
        run.notices.iter().map(|n| n.lines.len()).sum::<usize>()
    );
    let mut g = c.benchmark_group("dunning");
    g.sample_size(10);
    g.throughput(Throughput::Elements((customers * 10) as u64));
    g.bench_function("run_1m_open_items", |b| {
        b.iter(|| black_box(book.dunning_run(black_box(as_of), &[]).expect("run")))
    });
    // Issue the run; three weeks later level 2 charges late interest on
    // every line (interest accrued per item from its reduction history).
    book.apply_all(run.events()).expect("issue");
    let later = day(110);
    let run2 = book.dunning_run(later, &[]).expect("run");
    eprintln!(
        "second run: {} notices, {} lines, interest {}",
        run2.notices.len(),
        run2.notices.iter().map(|n| n.lines.len()).sum::<usize>(),
        run2.notices.iter().map(|n| n.interest).sum::<Decimal>()
    );
    g.bench_function("run_1m_open_items_with_interest", |b| {
        b.iter(|| black_box(book.dunning_run(black_box(later), &[]).expect("run")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
