//! End-to-end order-to-cash demo on bundled sample data.
//!
//! For each sample invoice: parse its payment terms, compute its schedule
//! (installments, discount deadlines and amounts, all moved to business days
//! with a Sat/Sun + holidays calendar), then, as of the data's date, say what
//! its payment earned or how late it is.
//!
//! ```text
//! cargo run --release --example order_to_cash [-- path/to/invoices.json [YYYY-MM-DD]]
//! ```

use std::collections::BTreeMap;
use std::error::Error;

use chrono::NaiveDate;
use credit_core::calendar::{parse_date, BusinessCalendar, BusinessDayConvention, Weekend};
use credit_core::money::{Currency, Money};
use credit_core::terms::{PaymentTerms, ScheduleOptions};
use serde::Deserialize;

#[derive(Deserialize)]
struct Sample {
    as_of: String,
    holidays: Vec<String>,
    invoices: Vec<Invoice>,
}

#[derive(Deserialize)]
struct Invoice {
    id: String,
    customer: String,
    date: String,
    amount: String,
    currency: String,
    terms: String,
    #[serde(default)]
    discount_base: Option<String>,
    #[serde(default)]
    paid_on: Option<String>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/data/sample_invoices.json"
        )
        .to_string()
    });
    let sample: Sample = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let as_of = parse_date("as_of", args.get(1).unwrap_or(&sample.as_of))?;
    let holidays = sample
        .holidays
        .iter()
        .map(|h| parse_date("holiday", h))
        .collect::<Result<Vec<_>, _>>()?;
    let calendar = BusinessCalendar::new(Weekend::SAT_SUN, holidays);

    println!(
        "credit {} — order-to-cash demo, as of {as_of}",
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "Dates moved to the next business day (Sat/Sun and {} holidays).\n",
        calendar.holidays.len()
    );
    let mut open: BTreeMap<String, Money> = BTreeMap::new();
    let mut earned: BTreeMap<String, Money> = BTreeMap::new();
    let mut rows: Vec<Vec<String>> = vec![[
        "Invoice",
        "Customer",
        "Terms",
        "Date",
        "Amount",
        "Ccy",
        "Net due",
        "Best discount",
        "Status",
    ]
    .map(String::from)
    .to_vec()];
    let mut details: Vec<Vec<String>> = vec![Vec::new()];
    for inv in &sample.invoices {
        let currency = Currency::iso(&inv.currency)?;
        let terms = PaymentTerms::parse(&inv.terms)?;
        let amount = Money::parse(&inv.amount, currency)?;
        let opts = ScheduleOptions {
            discount_base: inv
                .discount_base
                .as_deref()
                .map(|b| Money::parse(b, currency))
                .transpose()?,
            calendar: Some(&calendar),
            convention: BusinessDayConvention::Following,
            ..Default::default()
        };
        let date = parse_date("date", &inv.date)?;
        let s = terms.schedule(date, amount, &opts)?;
        let best = s
            .discounts
            .first()
            .map(|d| format!("{}% by {} = {}", d.percent, d.deadline, d.amount.amount()))
            .unwrap_or_else(|| "-".into());
        let status = match inv
            .paid_on
            .as_deref()
            .map(|p| parse_date("paid_on", p))
            .transpose()?
        {
            Some(paid) if paid <= as_of => {
                let st = s.settlement(paid);
                if !st.discount.is_zero() {
                    add(&mut earned, st.discount)?;
                }
                match (st.discount.is_zero(), st.days_late) {
                    (false, _) => format!(
                        "paid {paid}: took {} discount, settled {}",
                        st.discount.amount(),
                        st.amount_to_settle.amount()
                    ),
                    (true, 0) => format!("paid {paid} on time: {}", st.amount_to_settle.amount()),
                    (true, n) => format!("paid {paid}, {n} days late"),
                }
            }
            _ => {
                add(&mut open, amount)?;
                open_status(&s, as_of)
            }
        };
        rows.push(vec![
            inv.id.clone(),
            inv.customer.clone(),
            terms.to_string(),
            inv.date.clone(),
            amount.amount().to_string(),
            currency.to_string(),
            s.net_due_date().to_string(),
            best,
            status,
        ]);
        let n = s.installments.len();
        details.push(if n > 1 {
            s.installments
                .iter()
                .map(|i| {
                    format!(
                        "installment {} of {n}: {} {currency} due {}",
                        i.number,
                        i.amount.amount(),
                        i.due_date
                    )
                })
                .collect()
        } else {
            Vec::new()
        });
    }
    print_table(&rows, &details);
    println!();
    for (ccy, m) in &open {
        println!("Open receivables {ccy}: {}", m.amount());
    }
    for (ccy, m) in &earned {
        println!("Early-payment discounts taken {ccy}: {}", m.amount());
    }
    Ok(())
}

/// Prints rows as aligned columns (amounts right-aligned), each followed by
/// its detail lines.
fn print_table(rows: &[Vec<String>], details: &[Vec<String>]) {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (k, (row, extra)) in rows.iter().zip(details).enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (v, w))| {
                if c == 4 {
                    format!("{v:>w$}")
                } else {
                    format!("{v:<w$}")
                }
            })
            .collect();
        println!("{}", cells.join("  ").trim_end());
        if k == 0 {
            println!(
                "{}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1))
            );
        }
        for line in extra {
            println!("{:w$}  {line}", "", w = widths[0]);
        }
    }
}

fn add(totals: &mut BTreeMap<String, Money>, m: Money) -> Result<(), Box<dyn Error>> {
    let key = m.currency().code().to_string();
    let sum = match totals.get(&key) {
        Some(t) => t.checked_add(&m)?,
        None => m,
    };
    totals.insert(key, sum);
    Ok(())
}

fn open_status(s: &credit_core::terms::Schedule, as_of: NaiveDate) -> String {
    if let Some(d) = s.discount_on(as_of) {
        return format!(
            "open; pay {} by {} to earn {}%",
            d.amount_to_settle.amount(),
            d.deadline,
            d.percent
        );
    }
    let late = s.days_late(as_of);
    if late > 0 {
        return format!("OVERDUE {late} days");
    }
    let next = s.installments.iter().find(|i| i.due_date >= as_of);
    match next {
        Some(i) if s.installments.len() > 1 => {
            let overdue = s.installments.iter().filter(|i| i.due_date < as_of).count();
            format!(
                "open; {overdue} installment(s) past due, next {} on {}",
                i.amount.amount(),
                i.due_date
            )
        }
        _ => format!(
            "open; due in {} days",
            (s.net_due_date() - as_of).num_days()
        ),
    }
}
