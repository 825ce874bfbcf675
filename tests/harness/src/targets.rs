//! Fuzz target bodies for the parsers and calculators: payment-terms
//! notation and schedules, policy documents, scorecards, payment plans
//! across the whole date range, and every C entry point that parses
//! input. Each asserts a property (round trips, sums, bit-identical
//! scores) besides "no panic".

use std::ffi::{c_char, CString};

use arbitrary::{Arbitrary, Unstructured};
use chrono::{Days, NaiveDate};
use credit_core::customer::{Customer, CustomerId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::money::{Currency, Money, RoundingMode};
use credit_core::plans::PaymentPlan;
use credit_core::policy::{Checkpoint, Policy};
use credit_core::scoring::{Attributes, Scorecard, Value};
use credit_core::terms::{PaymentTerms, ScheduleOptions};
use rust_decimal::Decimal;

use crate::book::{Amt, Day};

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A date anywhere in chrono's range, weighted to the ends.
fn any_date(u: &mut Unstructured<'_>) -> NaiveDate {
    let pick: u8 = u.arbitrary().unwrap_or(0);
    match pick % 8 {
        0 => NaiveDate::MIN,
        1 => NaiveDate::MAX,
        2 => NaiveDate::MAX
            .checked_sub_days(Days::new(u64::from(u.arbitrary::<u16>().unwrap_or(0))))
            .unwrap_or(NaiveDate::MAX),
        3 => NaiveDate::MIN
            .checked_add_days(Days::new(u64::from(u.arbitrary::<u16>().unwrap_or(0))))
            .unwrap_or(NaiveDate::MIN),
        _ => Day(u.arbitrary().unwrap_or(0)).date(),
    }
}

/// Payment terms: notation → parse; if it parses, its display parses to
/// the same terms, its JSON too, and schedules for any date and amount
/// have installments summing to the amount and discounts within it.
pub fn terms(data: &[u8]) {
    let (head, rest) = data.split_at(data.len().min(48));
    let Ok(t) = PaymentTerms::parse(&text(head)) else {
        return;
    };
    let shown = t.to_string();
    let again =
        PaymentTerms::parse(&shown).unwrap_or_else(|e| panic!("{shown:?} does not reparse: {e}"));
    assert_eq!(again, t, "display round trip of {shown:?}");
    let json = serde_json::to_string(&t).expect("terms serialize");
    let back: PaymentTerms = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    assert_eq!(back, t);
    let mut u = Unstructured::new(rest);
    for _ in 0..4 {
        let day = any_date(&mut u);
        let amt = Amt::arbitrary(&mut u).unwrap_or(Amt::Zero).dec();
        let cur =
            Currency::iso(["EUR", "JPY", "KWD"][usize::from(u.arbitrary::<u8>().unwrap_or(0)) % 3])
                .expect("built in");
        let Ok(m) = Money::new(amt, cur) else {
            continue;
        };
        let opts = ScheduleOptions {
            rounding: RoundingMode::ALL[usize::from(u.arbitrary::<u8>().unwrap_or(0)) % 7],
            ..Default::default()
        };
        let Ok(s) = t.schedule(day, m, &opts) else {
            continue;
        };
        let total = s
            .installments
            .iter()
            .try_fold(Money::zero(cur), |acc, i| acc.checked_add(&i.amount))
            .expect("installments add up");
        assert_eq!(total, m, "{shown}: installments must sum to the amount");
        for d in &s.discounts {
            assert!(d.amount.amount() >= Decimal::ZERO && d.amount.amount() <= m.amount().abs());
        }
        let pay = any_date(&mut u);
        let st = s.settlement(pay);
        assert!(st.days_late >= 0);
    }
}

/// Policy documents: read; if valid, its JSON reads back equal and a
/// book under it checks orders.
pub fn policy(data: &[u8]) {
    let Ok(p) = Policy::from_json(&text(data)) else {
        return;
    };
    let json = p.to_json();
    let back = Policy::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    assert_eq!(back, p, "policy round trip");
    let Ok(mut book) = CreditBook::new(p) else {
        return;
    };
    let eur = Currency::iso("EUR").expect("EUR");
    let d0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    if book
        .upsert_customer(Customer::new("C1", "Acme", eur), d0)
        .is_err()
    {
        return;
    }
    for (i, amount) in ["10.00", "1000000.00", "0.01"].iter().enumerate() {
        let req = OrderRequest {
            customer: CustomerId::from("C1"),
            segment: "default".into(),
            order_id: OrderId(format!("O{i}")),
            amount: Money::parse(amount, eur).expect("valid"),
            requested_delivery: None,
            checkpoint: Checkpoint::ALL[i % 3],
            as_of: d0,
        };
        let sim = book.simulate_check(&req);
        let real = book.check_order(req);
        assert_eq!(sim.is_ok(), real.is_ok());
    }
    let _ = book.backtest(&back);
}

/// Scorecards: read; if valid, its JSON reads back into a card that
/// scores every record bit for bit like the original.
pub fn scorecard(data: &[u8]) {
    let (doc, rest) = data.split_at(data.len() * 3 / 4);
    let Ok(card) = Scorecard::from_json(&text(doc)) else {
        return;
    };
    let json = card.to_json();
    let again = Scorecard::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    let names: Vec<String> = card.attributes().map(str::to_string).collect();
    let mut u = Unstructured::new(rest);
    for _ in 0..8 {
        let mut a = Attributes::new();
        for (i, n) in names.iter().enumerate() {
            let v = match u.arbitrary::<u8>().unwrap_or(0) % 4 {
                0 => Value::Missing,
                1 => Value::Number(f64::from(u.arbitrary::<i32>().unwrap_or(0)) / 7.0),
                2 => Value::Number(u.arbitrary::<f64>().unwrap_or(f64::NAN)),
                _ => Value::Text(
                    card.categories(i)
                        .and_then(|c| c.first().cloned())
                        .unwrap_or_else(|| "x".into()),
                ),
            };
            a.insert(n.clone(), v);
        }
        match (card.score(&a), again.score(&a)) {
            (Ok(x), Ok(y)) => {
                assert_eq!(
                    x.score.to_bits(),
                    y.score.to_bits(),
                    "reloaded card scores differently"
                );
                assert_eq!(x.class_index, y.class_index);
            }
            (Err(_), Err(_)) => {}
            (x, y) => panic!("reloaded card disagrees: {x:?} vs {y:?}"),
        }
    }
}

/// Payment plans anywhere in the date range, with any amounts: build,
/// pay, ask status and payoff, reschedule. The schedule's principal sums
/// to the amount financed; payments never vanish (paid + unapplied equals
/// what came in); JSON round-trips.
pub fn plans(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let methods = [
        r#""annuity""#,
        r#""equal_principal""#,
        r#""equal_split""#,
        r#"{"custom_percents": ["30", "70"]}"#,
        r#"{"custom_amounts": ["100.00", "900.00"]}"#,
    ];
    let freqs = [
        r#""weekly""#,
        r#""biweekly""#,
        r#""monthly""#,
        r#""quarterly""#,
        r#"{"days": 10}"#,
        r#"{"days": 0}"#,
    ];
    let pick =
        |u: &mut Unstructured<'_>, n: usize| usize::from(u.arbitrary::<u8>().unwrap_or(0)) % n;
    let start = any_date(&mut u);
    let principal = Amt::arbitrary(&mut u).unwrap_or(Amt::Zero).dec();
    let n = u.arbitrary::<u16>().unwrap_or(1) % 1300;
    let rate = Decimal::new(i64::from(u.arbitrary::<u16>().unwrap_or(0)), 2);
    let method = methods[pick(&mut u, methods.len())];
    let freq = freqs[pick(&mut u, freqs.len())];
    let extra = match pick(&mut u, 4) {
        0 => r#", "setup_fee": {"fixed": "25.00"}, "late_fee": {"fixed": "5.00", "grace_days": 3}"#,
        1 => {
            r#", "payoff_discount": {"deadline": "2030-01-01", "percent_of_interest": "50"}, "period_rate": "actual_days", "day_count": "act_act_isda""#
        }
        2 => r#", "down_payment": "100.00""#,
        _ => "",
    };
    let json = format!(
        r#"{{"currency": "EUR", "principal": "{principal}", "start": "{start}", "frequency": {freq}, "installments": {n}, "method": {method}, "annual_rate": "{rate}"{extra}}}"#
    );
    let Ok(mut plan) = PaymentPlan::from_terms_json(&json) else {
        return;
    };
    let financed: Decimal = plan.schedule.iter().map(|i| i.principal).sum();
    assert_eq!(
        financed, plan.terms.principal,
        "{json}: principal parts must sum to the principal"
    );
    let text = serde_json::to_string(&plan).expect("plan serializes");
    let back: PaymentPlan = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, plan);
    for _ in 0..6 {
        let d = any_date(&mut u);
        let a = Amt::arbitrary(&mut u).unwrap_or(Amt::Zero).dec();
        match u.arbitrary::<u8>().unwrap_or(0) % 4 {
            0 => {
                let _ = plan.apply_payment(d, a);
            }
            1 => {
                if let Ok(s) = plan.status(d) {
                    assert!(s.outstanding >= Decimal::ZERO);
                }
            }
            2 => {
                let _ = plan.payoff(d);
            }
            _ => {
                let _ = plan.reschedule(d, plan.terms.clone());
            }
        }
    }
    let _ = plan.evaluate();
}

/// Every C entry point that parses text: the input goes in as a C string
/// (cut at a NUL); each call returns a status, never CREDIT_PANIC, and its
/// outputs are freed.
pub fn ffi(data: &[u8]) {
    use credit::{
        book::*, calendar::*, collections::*, money::*, monitor::*, scoring::*, terms::*, *,
    };
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let Ok(s) = CString::new(&rest[..cut]) else {
        return;
    };
    let p = s.as_ptr();
    let d0 = credit_date {
        year: 2026,
        month: 1,
        day: 2,
    };
    let ok =
        |st: credit_status| assert_ne!(st, credit_status::CREDIT_PANIC, "entry {which} panicked");
    let mut out: *mut c_char = std::ptr::null_mut();
    let free = |o: &mut *mut c_char| {
        // SAFETY: NULL or a string this library returned.
        unsafe { credit_string_free(*o) };
        *o = std::ptr::null_mut();
    };
    // SAFETY: every pointer is NULL, a valid C string or a live handle
    // created here; outputs are freed with their own functions.
    unsafe {
        let eur = c"EUR".as_ptr();
        let policy = c"{\"schema_version\":1,\"policy_id\":\"p\",\"steps\":[{\"step\":\"static_limit\",\"action\":\"block\"}]}";
        let mut book: *mut credit_book = std::ptr::null_mut();
        ok(credit_book_new(policy.as_ptr(), &mut book));
        ok(credit_book_upsert_customer(
            book,
            c"{\"id\":\"C1\",\"name\":\"A\",\"currency\":\"EUR\"}".as_ptr(),
            d0,
            std::ptr::null_mut(),
        ));
        match which % 20 {
            0 => {
                let mut t = std::ptr::null_mut();
                ok(credit_terms_parse(p, &mut t));
                credit_terms_free(t);
            }
            1 => {
                let mut t = std::ptr::null_mut();
                ok(credit_terms_from_json(p, &mut t));
                credit_terms_free(t);
            }
            2 => {
                let mut m = std::ptr::null_mut();
                ok(credit_money_new(p, eur, &mut m));
                credit_money_free(m);
                // A failing call writes no output: start from NULL again.
                m = std::ptr::null_mut();
                ok(credit_money_new(c"1.00".as_ptr(), p, &mut m));
                credit_money_free(m);
            }
            3 => {
                let mut d = credit_date::default();
                ok(credit_date_parse(p, &mut d));
            }
            4 => {
                let mut c = std::ptr::null_mut();
                ok(credit_calendar_from_json(p, &mut c));
                credit_calendar_free(c);
            }
            5 => {
                let mut pl = std::ptr::null_mut();
                ok(credit_plan_new(p, &mut pl));
                credit_plan_free(pl);
            }
            6 => {
                let mut c = std::ptr::null_mut();
                ok(credit_scorecard_new(p, &mut c));
                credit_scorecard_free(c);
            }
            7 => {
                let mut b = std::ptr::null_mut();
                ok(credit_book_new(p, &mut b));
                credit_book_free(b);
            }
            8 => {
                let mut b = std::ptr::null_mut();
                ok(credit_book_restore(p, &mut b));
                credit_book_free(b);
            }
            9 => {
                let mut dup = false;
                ok(credit_book_apply(book, p, &mut dup));
            }
            10 => {
                ok(credit_book_upsert_customer(book, p, d0, &mut out));
                free(&mut out);
            }
            11 => {
                ok(credit_book_set_limit(book, p, d0, &mut out));
                free(&mut out);
                ok(credit_book_set_group_limit(book, p, d0, &mut out));
                free(&mut out);
            }
            12 => {
                ok(credit_book_set_policy(book, p, d0, &mut out));
                free(&mut out);
                ok(credit_book_backtest(book, p, &mut out));
                free(&mut out);
            }
            13 => {
                let until = credit_date {
                    year: 2026,
                    month: 3,
                    day: 1,
                };
                ok(credit_late_interest(
                    p,
                    d0,
                    c"100.00".as_ptr(),
                    std::ptr::null(),
                    until,
                    eur,
                    &mut out,
                ));
                free(&mut out);
                ok(credit_late_interest(
                    c"{\"basis\":{\"fixed\":\"9\"}}".as_ptr(),
                    d0,
                    c"100.00".as_ptr(),
                    p,
                    until,
                    eur,
                    &mut out,
                ));
                free(&mut out);
            }
            14 => {
                ok(credit_dunning_events(p, &mut out));
                free(&mut out);
            }
            15 => {
                let mut kpi = std::ptr::null_mut::<c_char>();
                ok(credit_plan_performance(p, d0, &mut kpi));
                free(&mut kpi);
            }
            16 => {
                ok(credit_book_set_fx_rate(book, eur, c"USD".as_ptr(), p));
                ok(credit_book_set_fx_rate(book, p, eur, c"1.1".as_ptr()));
            }
            17 => {
                let order = credit_order {
                    customer: c"C1".as_ptr(),
                    segment: std::ptr::null(),
                    order_id: c"O1".as_ptr(),
                    amount: p,
                    currency: eur,
                    as_of: d0,
                    requested_delivery: std::ptr::null(),
                    checkpoint: 0,
                };
                let mut dec = std::ptr::null_mut();
                ok(credit_book_check_order(book, &order, &mut dec));
                credit_decision_free(dec);
                dec = std::ptr::null_mut();
                let order = credit_order {
                    customer: p,
                    order_id: p,
                    amount: c"5.00".as_ptr(),
                    ..order
                };
                ok(credit_book_simulate_check(book, &order, &mut dec));
                credit_decision_free(dec);
            }
            18 => {
                let mut card = std::ptr::null_mut();
                ok(credit_scorecard_new(c"{\"schema_version\":1,\"name\":\"c\",\"base_points\":500,\"no_match\":\"zero\",\"characteristics\":[{\"name\":\"x\",\"code\":\"X\",\"bins\":{\"type\":\"numeric\",\"cuts\":[1],\"points\":[1,2]}}],\"classes\":[{\"class\":\"A\"}]}".as_ptr(), &mut card));
                let (mut score, mut class) = (0.0, 0i32);
                ok(credit_scorecard_score(
                    card, p, &mut score, &mut class, &mut out,
                ));
                free(&mut out);
                credit_scorecard_free(card);
            }
            _ => {
                ok(credit_book_release(book, p, p, p, d0, &mut out));
                free(&mut out);
                let mut found = false;
                ok(credit_book_withdraw_order(book, p, &mut found));
                ok(credit_book_exposure(book, p, p, d0, &mut out));
                free(&mut out);
                ok(credit_book_features(book, p, p, d0, &mut out));
                free(&mut out);
                ok(credit_book_kpi(book, d0, d0, 0, eur, p, p, &mut out));
                free(&mut out);
            }
        }
        credit_book_free(book);
    }
}
