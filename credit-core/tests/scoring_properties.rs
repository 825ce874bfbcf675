//! Scorecard invariants, checked with proptest over generated cards and
//! rows: batch scoring equals single scoring row by row (bit for bit),
//! scores stay within the card's range, JSON round-trips score the same,
//! arbitrary JSON never panics.

use credit_core::customer::RiskClass;
use credit_core::scoring::{
    Attributes, BatchOutput, Bins, CategoryBin, Characteristic, Closed, Column, Infinities,
    NoMatch, PointsRounding, RiskBand, Scorecard, ScorecardDef, SpecialBin, Value,
    SCORECARD_SCHEMA_VERSION,
};
use proptest::prelude::*;

fn points() -> impl Strategy<Value = f64> {
    prop_oneof![(-100i32..100).prop_map(f64::from), -100.0f64..100.0]
}

fn no_match() -> impl Strategy<Value = NoMatch> {
    prop_oneof![
        Just(NoMatch::Zero),
        Just(NoMatch::Min),
        Just(NoMatch::Reject),
        Just(NoMatch::Bin(0)),
    ]
}

fn characteristic(i: usize) -> impl Strategy<Value = Characteristic> {
    let numeric = (
        prop::collection::btree_set(-50i32..50, 0..20),
        prop::collection::vec(points(), 21),
        any::<bool>(),
        prop::option::of(points()),
        prop::option::of(points()),
    )
        .prop_map(move |(cuts, pts, right, missing, special)| {
            let cuts: Vec<f64> = cuts.into_iter().map(|c| f64::from(c) / 2.0).collect();
            let n = cuts.len() + 1;
            Characteristic {
                name: format!("n{i}"),
                code: None,
                weight: 1.0,
                bins: Bins::Numeric {
                    cuts,
                    points: pts[..n].to_vec(),
                    closed: if right { Closed::Right } else { Closed::Left },
                },
                missing,
                special: special
                    .map(|p| SpecialBin {
                        values: vec![-999.0],
                        points: p,
                    })
                    .into_iter()
                    .collect(),
                no_match: None,
            }
        });
    let categorical = (
        prop::collection::vec(points(), 1..5),
        prop::option::of(points()),
    )
        .prop_map(move |(pts, missing)| Characteristic {
            name: format!("c{i}"),
            code: None,
            weight: 1.0,
            bins: Bins::Categorical {
                categories: pts
                    .iter()
                    .enumerate()
                    .map(|(k, &p)| CategoryBin {
                        values: vec![format!("v{k}"), format!("w{k}")],
                        points: p,
                    })
                    .collect(),
            },
            missing,
            special: vec![],
            no_match: None,
        });
    (
        prop_oneof![numeric, categorical],
        prop::option::of(no_match()),
        prop::sample::select(vec![1.0, 0.5, 2.0]),
    )
        .prop_map(|(mut c, nm, w)| {
            c.no_match = nm;
            c.weight = w;
            c
        })
}

fn card() -> impl Strategy<Value = Scorecard> {
    (
        (1usize..6).prop_flat_map(|n| (0..n).map(characteristic).collect::<Vec<_>>()),
        no_match(),
        any::<bool>(),
        prop::collection::btree_set(-300i32..300, 0..4),
        prop::sample::select(vec![
            Infinities::NoMatch,
            Infinities::EndBins,
            Infinities::AsValue(-999.0),
            Infinities::AsValue(5.0),
        ]),
    )
        .prop_map(|(chars, nm, int, edges, infinities)| {
            let edges: Vec<f64> = edges.into_iter().map(f64::from).collect();
            let mut classes = Vec::new();
            for k in 0..=edges.len() {
                classes.push(RiskBand {
                    class: RiskClass::new(&format!("K{k}")).unwrap(),
                    min: (k > 0).then(|| edges[k - 1]),
                    max: edges.get(k).copied(),
                    pd: None,
                    block_new_orders: false,
                    review: None,
                });
            }
            Scorecard::new(ScorecardDef {
                schema_version: SCORECARD_SCHEMA_VERSION,
                name: "prop".into(),
                base_points: 100.0,
                rounding: if int {
                    PointsRounding::Integer
                } else {
                    PointsRounding::None
                },
                no_match: nm,
                scaling: None,
                reason_count: 3,
                characteristics: chars,
                classes,
                infinities,
            })
            .unwrap()
        })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -60.0f64..60.0,
        (-50i32..50).prop_map(|c| f64::from(c) / 2.0), // exactly on cut points
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-999.0),
    ]
}

fn code() -> impl Strategy<Value = i32> {
    -2i32..12
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn batch_equals_single_and_stays_in_range(
        card in card(),
        rows in prop::collection::vec((prop::collection::vec(number(), 6), prop::collection::vec(code(), 6)), 1..40),
        threads in 1usize..3,
    ) {
        let n = rows.len();
        let k = card.len();
        let names: Vec<String> = card.attributes().map(str::to_string).collect();
        let num_cols: Vec<Vec<f64>> = (0..k).map(|c| rows.iter().map(|r| r.0[c]).collect()).collect();
        let code_cols: Vec<Vec<i32>> = (0..k).map(|c| rows.iter().map(|r| r.1[c]).collect()).collect();
        let mut cols = Vec::new();
        for c in 0..k {
            if card.is_numeric(c).unwrap() {
                cols.push((names[c].as_str(), Column::Numeric(&num_cols[c])));
            } else {
                cols.push((names[c].as_str(), Column::Codes(&code_cols[c])));
            }
        }
        let mut totals = vec![0.0; n];
        let mut classes = vec![0i32; n];
        let mut pts = vec![0.0; n * k];
        let mut reasons = vec![0i32; n * 3];
        let sum = card.score_batch(&cols, BatchOutput {
            totals: &mut totals, classes: Some(&mut classes), points: Some(&mut pts), reasons: Some(&mut reasons),
        }, threads).unwrap();
        let (lo, hi) = card.score_range();
        let mut rejected = 0;
        for r in 0..n {
            let mut a = Attributes::new();
            for c in 0..k {
                let v = if card.is_numeric(c).unwrap() {
                    Value::Number(num_cols[c][r])
                } else {
                    let code = code_cols[c][r];
                    let cats = card.categories(c).unwrap();
                    if code < 0 { Value::Missing }
                    else { cats.get(code as usize).map_or(Value::Text("unseen".into()), |s| Value::Text(s.clone())) }
                };
                a.insert(names[c].clone(), v);
            }
            match card.score(&a) {
                Ok(s) => {
                    prop_assert_eq!(totals[r].to_bits(), s.score.to_bits());
                    prop_assert_eq!(classes[r], s.class_index as i32);
                    prop_assert!(s.score >= lo - 1e-9 && s.score <= hi + 1e-9, "{} not in {}..{}", s.score, lo, hi);
                    for j in 0..3 {
                        let want = s.reasons.get(j).map_or(-1, |x| names.iter().position(|n| *n == x.characteristic).unwrap() as i32);
                        prop_assert_eq!(reasons[j * n + r], want);
                    }
                    for c in 0..k {
                        prop_assert_eq!(pts[c * n + r].to_bits(), s.characteristics[c].points.to_bits());
                    }
                }
                Err(_) => {
                    rejected += 1;
                    prop_assert!(totals[r].is_nan());
                    prop_assert_eq!(classes[r], -1);
                }
            }
        }
        prop_assert_eq!(sum.rejected, rejected);
    }

    #[test]
    fn json_round_trip_scores_the_same(card in card(), xs in prop::collection::vec(number(), 6)) {
        let again = Scorecard::from_json(&card.to_json()).unwrap();
        prop_assert_eq!(&card, &again);
        let mut a = Attributes::new();
        for (i, n) in card.attributes().enumerate() {
            a.insert(n.to_string(), if card.is_numeric(i).unwrap() { Value::Number(xs[i]) } else { Value::Text("v0".into()) });
        }
        // Debug text, so that a NaN value compares equal to itself.
        prop_assert_eq!(format!("{:?}", card.score(&a)), format!("{:?}", again.score(&a)));
    }

    #[test]
    fn arbitrary_json_never_panics(s in ".{0,200}") {
        let _ = Scorecard::from_json(&s);
        let _ = credit_core::scoring::parse_bin(&s);
    }

    #[test]
    fn mutated_card_json_never_panics(card in card(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut text = card.to_json().into_bytes();
        let i = at.index(text.len());
        text[i] = byte;
        if let Ok(s) = String::from_utf8(text) {
            let _ = Scorecard::from_json(&s);
        }
    }
}
