//! Shared fixtures for the criterion benches in `benches/benches/`.

use chrono::NaiveDate;

/// Payment-terms notations the benches parse: common to rare. The last one
/// mixes rule kinds whose order depends on the invoice date, so validation
/// checks it against every baseline of a four-year cycle (the slow path).
pub const NOTATIONS: [&str; 7] = [
    "Net 30",
    "2/10 Net 30",
    "2/10, 1/20, Net 45",
    "1/10 EOM Net 30",
    "30% Due on receipt, 40% Net 30, 30% Net 60",
    "Day 1-25: 10 Prox; Day 26-31: Day 10 of month +2",
    "2/10 Prox, Net 60",
];

/// `n` invoice dates spread over two years from 2026-01-01.
pub fn invoice_dates(n: usize) -> Vec<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date");
    (0..n)
        .map(|i| start + chrono::Days::new((i % 730) as u64))
        .collect()
}
