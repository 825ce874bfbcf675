//! Cross-surface conformance: the cases in `tests/conformance/terms_cases.json`
//! (hand-computed) must pass here exactly as in the Python and C tests.

use std::collections::BTreeMap;

use credit_core::calendar::{parse_date, BusinessCalendar, BusinessDayConvention, Weekend};
use credit_core::money::{Currency, Money};
use credit_core::terms::{PaymentTerms, ScheduleOptions, TermsError};

type Case = BTreeMap<String, String>;

fn cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/terms_cases.json"
    );
    let text = std::fs::read_to_string(path).expect("conformance file");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    serde_json::from_value(doc["cases"].clone()).expect("cases are string maps")
}

fn run(c: &Case) -> Result<(), String> {
    let terms = match PaymentTerms::parse(&c["terms"]) {
        Ok(t) => t,
        Err(e) => {
            let kind = if matches!(e, TermsError::Parse(_)) {
                "parse"
            } else {
                "validation"
            };
            return if c["error"] == kind {
                Ok(())
            } else {
                Err(format!("unexpected {kind} error: {e}"))
            };
        }
    };
    if !c["error"].is_empty() {
        return Err(format!("expected a {} error, parsed {terms}", c["error"]));
    }
    if terms.to_string() != c["display"] {
        return Err(format!(
            "display {:?} != {:?}",
            terms.to_string(),
            c["display"]
        ));
    }
    let cur = Currency::iso(&c["currency"]).map_err(|e| e.to_string())?;
    let amount = Money::parse(&c["amount"], cur).map_err(|e| e.to_string())?;
    let holidays: Vec<_> = c["holidays"]
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| parse_date("holiday", s).unwrap())
        .collect();
    let cal = BusinessCalendar::new(Weekend::SAT_SUN, holidays);
    let opts = ScheduleOptions {
        baseline: (!c["baseline"].is_empty())
            .then(|| parse_date("baseline", &c["baseline"]).unwrap()),
        discount_base: (!c["discount_base"].is_empty())
            .then(|| Money::parse(&c["discount_base"], cur).unwrap()),
        calendar: (!c["adjust"].is_empty()).then_some(&cal),
        convention: if c["adjust"].is_empty() {
            BusinessDayConvention::Unadjusted
        } else {
            BusinessDayConvention::from_name(&c["adjust"]).unwrap()
        },
        ..Default::default()
    };
    let s = terms
        .schedule(
            parse_date("invoice_date", &c["invoice_date"]).unwrap(),
            amount,
            &opts,
        )
        .map_err(|e| e.to_string())?;
    let inst: Vec<String> = s
        .installments
        .iter()
        .map(|i| format!("{} {}", i.due_date, i.amount.amount()))
        .collect();
    if inst.join(";") != c["installments"] {
        return Err(format!(
            "installments {:?} != {:?}",
            inst.join(";"),
            c["installments"]
        ));
    }
    let disc: Vec<String> = s
        .discounts
        .iter()
        .map(|d| {
            format!(
                "{} {} {} {}",
                d.percent,
                d.deadline,
                d.amount.amount(),
                d.amount_to_settle.amount()
            )
        })
        .collect();
    if disc.join(";") != c["discounts"] {
        return Err(format!(
            "discounts {:?} != {:?}",
            disc.join(";"),
            c["discounts"]
        ));
    }
    for spec in c["settlements"].split(';').filter(|s| !s.is_empty()) {
        let f: Vec<&str> = spec.split(' ').collect();
        let st = s.settlement(parse_date("payment_date", f[0]).unwrap());
        let got = format!(
            "{} {} {} {}",
            f[0],
            st.discount.amount(),
            st.amount_to_settle.amount(),
            st.days_late
        );
        if got != spec {
            return Err(format!("settlement {got:?} != {spec:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_conformance_case_passes() {
    let all = cases();
    assert!(all.len() >= 20);
    let failures: Vec<String> = all
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("{}: {e}", c["name"])))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
