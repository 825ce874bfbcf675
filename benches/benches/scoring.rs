//! Throughput of the compiled scorecard evaluator on 1,000,000 rows:
//! 10 numeric characteristics, and 30 mixed (20 numeric, 10 categorical),
//! one thread and two; total score and risk class out (plus a run with
//! reason codes). Run: `cargo bench -p credit-benches --bench scoring`.

use std::hint::black_box;

use credit_benches::{scorecard_columns, scorecard_json};
use credit_core::scoring::{BatchOutput, Column, Scorecard};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const ROWS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("score_batch");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.sample_size(20);
    for (numeric, categorical) in [(10, 0), (20, 10)] {
        let card = Scorecard::from_json(&scorecard_json(numeric, categorical)).expect("card");
        let (num, cat) = scorecard_columns(numeric, categorical, ROWS);
        let names: Vec<String> = (0..numeric)
            .map(|i| format!("n{i}"))
            .chain((0..categorical).map(|j| format!("c{j}")))
            .collect();
        let mut cols: Vec<(&str, Column<'_>)> = Vec::new();
        for (i, x) in num.iter().enumerate() {
            cols.push((&names[i], Column::Numeric(x)));
        }
        for (j, x) in cat.iter().enumerate() {
            cols.push((&names[numeric + j], Column::Codes(x)));
        }
        let mut totals = vec![0.0; ROWS];
        let mut classes = vec![0i32; ROWS];
        let label = numeric + categorical;
        for threads in [1, 2] {
            g.bench_function(format!("{label}_chars_{threads}_threads"), |b| {
                b.iter(|| {
                    card.score_batch(
                        black_box(&cols),
                        BatchOutput {
                            totals: &mut totals,
                            classes: Some(&mut classes),
                            points: None,
                            reasons: None,
                        },
                        threads,
                    )
                    .expect("batch")
                })
            });
        }
        let mut reasons = vec![0i32; ROWS * 3];
        g.bench_function(format!("{label}_chars_1_thread_3_reasons"), |b| {
            b.iter(|| {
                card.score_batch(
                    black_box(&cols),
                    BatchOutput {
                        totals: &mut totals,
                        classes: Some(&mut classes),
                        points: None,
                        reasons: Some(&mut reasons),
                    },
                    1,
                )
                .expect("batch")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
