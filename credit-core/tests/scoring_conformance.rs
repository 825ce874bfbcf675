//! The shared hand-computed scorecard cases (tests/conformance/
//! scoring_cases.json), single and batch.

use credit_core::scoring::{Attributes, BatchOutput, Column, Scorecard};

#[test]
fn shared_cases_single_and_batch() {
    let text = include_str!("../../tests/conformance/scoring_cases.json");
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    let card = Scorecard::from_json(&doc["card"].to_string()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let num = |v: Option<&serde_json::Value>| -> f64 {
        match v {
            None | Some(serde_json::Value::Null) => f64::NAN,
            Some(serde_json::Value::String(s)) => s.parse().unwrap(),
            Some(x) => x.as_f64().unwrap(),
        }
    };
    let mut dbt = Vec::new();
    let mut util = Vec::new();
    let mut ind: Vec<Option<String>> = Vec::new();
    for c in cases {
        let a = &c["attributes"];
        let attrs: Attributes = serde_json::from_value(a.clone()).unwrap();
        let r = card.score(&attrs);
        match c.get("rejected_by") {
            Some(by) => {
                let e = r.unwrap_err();
                assert!(e.to_string().contains(by.as_str().unwrap()), "{e}");
            }
            None => {
                let r = r.unwrap();
                assert_eq!(r.score, c["score"].as_f64().unwrap(), "{}", c["note"]);
                assert_eq!(r.class.as_str(), c["class"].as_str().unwrap());
                let codes: Vec<&str> = r.reasons.iter().map(|x| x.code.as_str()).collect();
                let want: Vec<&str> = c["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect();
                assert_eq!(codes, want, "{}", c["note"]);
            }
        }
        dbt.push(num(a.get("dbt")));
        util.push(num(a.get("util")));
        ind.push(
            a.get("industry")
                .and_then(|v| v.as_str())
                .map(str::to_string),
        );
    }
    let refs: Vec<Option<&str>> = ind.iter().map(|s| s.as_deref()).collect();
    let n = cases.len();
    let mut totals = vec![0.0; n];
    let mut classes = vec![0i32; n];
    let s = card
        .score_batch(
            &[
                ("dbt", Column::Numeric(&dbt)),
                ("util", Column::Numeric(&util)),
                ("industry", Column::Text(&refs)),
            ],
            BatchOutput {
                totals: &mut totals,
                classes: Some(&mut classes),
                points: None,
                reasons: None,
            },
            1,
        )
        .unwrap();
    assert_eq!(s.rejected, 1);
    for (i, c) in cases.iter().enumerate() {
        match c["score"].as_f64() {
            Some(x) => assert_eq!(totals[i], x),
            None => assert!(totals[i].is_nan() && classes[i] == -1),
        }
    }
}
