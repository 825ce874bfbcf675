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

/// A scorecard JSON with `numeric` numeric characteristics (`n0`, `n1`, …;
/// five cut points, a missing bin) and `categorical` categorical ones (`c0`,
/// …; eight categories in four bins), risk classes A–E.
pub fn scorecard_json(numeric: usize, categorical: usize) -> String {
    let mut chars = Vec::new();
    for i in 0..numeric {
        let p: Vec<String> = (0..6).map(|k| format!("{}", (k * 7 + i) % 23)).collect();
        chars.push(format!(
            r#"{{"name": "n{i}", "bins": {{"type": "numeric", "cuts": [10, 20, 35, 50, 75], "points": [{}]}}, "missing": 3}}"#,
            p.join(", ")
        ));
    }
    for j in 0..categorical {
        chars.push(format!(
            r#"{{"name": "c{j}", "bins": {{"type": "categorical", "categories": [
                {{"values": ["a", "b"], "points": {}}}, {{"values": ["c", "d", "e"], "points": {}}},
                {{"values": ["f"], "points": {}}}, {{"values": ["g", "h"], "points": -4}}]}}}}"#,
            10 + j % 5,
            j % 7,
            20 - j % 3
        ));
    }
    format!(
        r#"{{"schema_version": 1, "name": "bench", "base_points": 300, "no_match": "zero",
            "characteristics": [{}],
            "classes": [{{"class": "E", "max": 320}}, {{"class": "D", "min": 320, "max": 360}},
                        {{"class": "C", "min": 360, "max": 400}}, {{"class": "B", "min": 400, "max": 450}},
                        {{"class": "A", "min": 450}}]}}"#,
        chars.join(",\n")
    )
}

/// Deterministic pseudo-random columns for [`scorecard_json`]: numbers in
/// 0..100 (1 in 20 NaN) and category codes in 0..10 (8 and 9 unseen).
pub fn scorecard_columns(
    numeric: usize,
    categorical: usize,
    rows: usize,
) -> (Vec<Vec<f64>>, Vec<Vec<i32>>) {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let num = (0..numeric)
        .map(|_| {
            (0..rows)
                .map(|_| {
                    let r = next();
                    if r % 20 == 0 {
                        f64::NAN
                    } else {
                        (r >> 11) as f64 / (1u64 << 53) as f64 * 100.0
                    }
                })
                .collect()
        })
        .collect();
    let cat = (0..categorical)
        .map(|_| (0..rows).map(|_| (next() % 10) as i32).collect())
        .collect();
    (num, cat)
}
