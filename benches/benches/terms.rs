//! Throughput of payment-terms parsing, schedule computation and money
//! allocation. Run: `cargo bench -p credit-benches`.

use std::hint::black_box;

use credit_benches::{invoice_dates, NOTATIONS};
use credit_core::calendar::{BusinessCalendar, BusinessDayConvention, Weekend};
use credit_core::money::{Currency, Money};
use credit_core::terms::{PaymentTerms, ScheduleOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("terms_parse");
    g.throughput(Throughput::Elements(1));
    for text in NOTATIONS {
        g.bench_function(text, |b| {
            b.iter(|| PaymentTerms::parse(black_box(text)).expect("valid"))
        });
    }
    g.finish();
}

fn schedule(c: &mut Criterion) {
    let eur = Currency::iso("EUR").expect("EUR");
    let amount = Money::parse("12345.67", eur).expect("amount");
    let dates = invoice_dates(1024);
    let cal = BusinessCalendar::new(Weekend::SAT_SUN, invoice_dates(20).into_iter().step_by(3));
    let mut g = c.benchmark_group("terms_schedule");
    g.throughput(Throughput::Elements(dates.len() as u64));
    for text in NOTATIONS {
        let terms = PaymentTerms::parse(text).expect("valid");
        g.bench_function(format!("{text} / plain"), |b| {
            b.iter(|| {
                for d in &dates {
                    black_box(
                        terms
                            .schedule(*d, amount, &ScheduleOptions::default())
                            .expect("schedule"),
                    );
                }
            })
        });
    }
    let terms = PaymentTerms::parse("2/10, 1/20, Net 45").expect("valid");
    let opts = ScheduleOptions {
        calendar: Some(&cal),
        convention: BusinessDayConvention::ModifiedFollowing,
        ..Default::default()
    };
    g.bench_function("2/10, 1/20, Net 45 / business days + settlement", |b| {
        b.iter(|| {
            for d in &dates {
                let s = terms.schedule(*d, amount, &opts).expect("schedule");
                black_box(s.settlement(*d + chrono::Days::new(15)));
            }
        })
    });
    g.finish();
}

fn allocate(c: &mut Criterion) {
    let eur = Currency::iso("EUR").expect("EUR");
    let amount = Money::parse("1000000.01", eur).expect("amount");
    let weights: Vec<Decimal> = (1..=12).map(Decimal::from).collect();
    let mut g = c.benchmark_group("money");
    g.throughput(Throughput::Elements(1));
    g.bench_function("allocate 12 weights", |b| {
        b.iter(|| {
            black_box(&amount)
                .allocate(black_box(&weights))
                .expect("ok")
        })
    });
    g.bench_function("split 12", |b| {
        b.iter(|| black_box(&amount).split(12).expect("ok"))
    });
    g.finish();
}

criterion_group!(benches, parse, schedule, allocate);
criterion_main!(benches);
