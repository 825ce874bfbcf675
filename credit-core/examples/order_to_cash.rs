//! End-to-end order-to-cash demo on bundled sample data.
//!
//! Part 1, payment terms: for each sample invoice, parse its terms, compute
//! its schedule (installments, discount deadlines and amounts, moved to
//! business days with a Sat/Sun + holidays calendar), then, as of the data's
//! date, say what its payment earned or how late it is.
//!
//! Part 2, credit control: a credit book with a policy, customers (one
//! group), limits and a stream of orders, deliveries, invoices and payments;
//! every order is checked and the decisions are printed with their reasons,
//! then the holds, a limit change that makes holds releasable, a documented
//! release, and the exposure of every customer.
//!
//! Part 3, risk analysis: a behavioural scorecard over the ledger's
//! features (days beyond terms, days overdue, limit utilisation) and the
//! host's attributes (equity ratio, industry) scores every customer, names
//! the reasons that cost the most points and proposes a limit by the
//! policy's rules; a review run a month later re-scores those due and
//! reports what changed.
//!
//! Part 4, payment plans and collections: an overdue customer agrees a
//! payment plan (schedule, one payment on time, one late with its late
//! fee, status and payoff); a month on, a dunning run proposes notices
//! (the plan's invoice left out) and the collection worklist ranks who to
//! chase.
//!
//! Part 5, monitoring: the aging of the book, the month's KPIs against the
//! policy's goals, and the day's creditworthiness alerts.
//!
//! Part 6, receivables of record: cash paid before its invoice and a
//! credit note, both on account, count as open credits in exposure, aging
//! and the check until a clearing applies them; an installment invoice is
//! aged and checked per installment.
//!
//! ```text
//! cargo run --release --example order_to_cash [-- invoices.json [book.json]]
//! ```

use std::collections::BTreeMap;
use std::error::Error;

use chrono::Datelike;
use chrono::NaiveDate;
use credit_core::calendar::{parse_date, BusinessCalendar, BusinessDayConvention, Weekend};
use credit_core::check::Outcome;
use credit_core::collections::NextAction;
use credit_core::customer::{CreditLimit, Customer, CustomerId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::{Event, EventKind};
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
use credit_core::plans::{PaymentPlan, PlanStatusKind, PlanTerms};
use credit_core::policy::{Checkpoint, Policy};
use credit_core::risk::ReviewEventKind;
use credit_core::scoring::{Attributes, Scorecard, Value};
use credit_core::terms::{PaymentTerms, ScheduleOptions};
use rust_decimal::Decimal;
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
    let as_of = parse_date("as_of", &sample.as_of)?;
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
    let book_path = args.get(1).cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/data/sample_book.json"
        )
        .to_string()
    });
    let (mut book, names, as_of) = credit_control(&book_path)?;
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");
    let reviews = risk_review(
        &mut book,
        &names,
        as_of,
        &format!("{data}sample_scorecard.json"),
        &format!("{data}sample_attributes.json"),
    )?;
    let (plan, later) = collections(&mut book, &names, as_of, &format!("{data}sample_plan.json"))?;
    monitoring(&mut book, &names, later, &reviews, plan)?;
    receivables(&format!("{data}sample_receivables.json"))
}

#[derive(Deserialize)]
struct ReceivablesSample {
    policy: Policy,
    customer: Customer,
    before: String,
    after: String,
    events: Vec<Event>,
}

/// Part 6: open credits, clearings and installments for one customer.
fn receivables(path: &str) -> Result<(), Box<dyn Error>> {
    let sample: ReceivablesSample = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let before = parse_date("before", &sample.before)?;
    let after = parse_date("after", &sample.after)?;
    let id = sample.customer.id.clone();
    let eur = Currency::iso("EUR")?;
    let mut book = CreditBook::new(sample.policy)?;
    book.upsert_customer(sample.customer, before)?;
    println!("\n\nReceivables of record — {id}");
    // The events up to `before`, the views as of then (a check reads the
    // ledger as it stands, so it runs before the later events arrive),
    // then the rest and the views as of `after`.
    let (early, late): (Vec<Event>, Vec<Event>) =
        sample.events.into_iter().partition(|e| e.date <= before);
    for (events, as_of) in [(early, before), (late, after)] {
        println!();
        for e in events {
            let date = e.date;
            let text = match &e.kind {
                EventKind::Cleared {
                    credit_id,
                    allocations,
                } => format!(
                    "cleared {credit_id} against {}",
                    allocations
                        .iter()
                        .map(|a| format!("{} {}", a.invoice_id, a.amount))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                EventKind::CreditNote {
                    amount, currency, ..
                } => format!("credit note on account: {amount} {currency}"),
                _ => describe(&e),
            };
            book.apply(e)?;
            println!("  {date}  {text}");
        }
        println!("\n  As of {as_of}:");
        for it in book.open_items(&id, "default", as_of)? {
            let parts: Vec<String> = it
                .due_lines()
                .iter()
                .filter(|l| !l.1.is_zero())
                .map(|(due, open, _)| format!("{open} due {due}"))
                .collect();
            println!("    open item   {:<8} {}", it.invoice_id, parts.join("; "));
        }
        for c in book.open_credits(&id, "default", as_of)? {
            let kind = match c.kind {
                credit_core::ledger::CreditKind::Payment => "cash on account",
                credit_core::ledger::CreditKind::CreditNote => "credit note",
            };
            println!(
                "    open credit {:<8} -{} {} ({kind}, {})",
                c.credit_id, c.open, c.currency, c.date
            );
        }
        let x = book.exposure(&id, "default", as_of)?;
        let aging = book.aging(as_of, GroupBy::Total, Some(eur))?;
        let row = &aging.rows[0];
        let buckets: Vec<String> = aging
            .labels
            .iter()
            .zip(&row.buckets)
            .map(|(l, b)| format!("{l} {b}"))
            .collect();
        println!(
            "    receivables {} EUR; aging {} = {}",
            x.figures.receivables,
            buckets.join(", "),
            row.total
        );
        let req = OrderRequest {
            customer: id.clone(),
            segment: "default".into(),
            order_id: OrderId::from("SO-901"),
            amount: Money::parse("1000.00", eur)?,
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of,
        };
        let inputs = book.check_inputs(&req)?;
        let d = book.simulate_check(&req)?;
        println!(
            "    check SO-901 1000.00 EUR: {:?} (overdue {} EUR, oldest uncovered {} days)",
            d.outcome,
            inputs.overdue_amount,
            inputs.oldest_overdue_days.unwrap_or(0)
        );
    }
    Ok(())
}

#[derive(Deserialize)]
struct BookSample {
    as_of: String,
    policy: Policy,
    customers: Vec<Customer>,
    limits: Vec<CreditLimit>,
    group_limits: Vec<CreditLimit>,
    fx: Vec<(String, String, String)>,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Step {
    Event {
        event: Event,
    },
    Check {
        customer: String,
        order_id: String,
        amount: String,
        currency: String,
        date: String,
        #[serde(default)]
        checkpoint: Option<Checkpoint>,
    },
    Limit {
        date: String,
        limit: CreditLimit,
    },
    Release {
        order_id: String,
        by: String,
        reason: String,
        date: String,
    },
}

type Names = BTreeMap<String, String>;

fn credit_control(path: &str) -> Result<(CreditBook, Names, NaiveDate), Box<dyn Error>> {
    let sample: BookSample = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let as_of = parse_date("as_of", &sample.as_of)?;
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    let n_steps = sample.policy.steps.len();
    let policy_id = sample.policy.policy_id.clone();
    let mut book = CreditBook::new(sample.policy)?;
    let mut names = BTreeMap::new();
    for c in sample.customers {
        names.insert(c.id.0.clone(), c.name.clone());
        book.upsert_customer(c, start)?;
    }
    for l in sample.limits {
        book.set_limit(l, start)?;
    }
    for l in sample.group_limits {
        book.set_group_limit(l, start)?;
    }
    for (from, to, rate) in &sample.fx {
        book.set_fx_rate(Currency::iso(from)?, Currency::iso(to)?, rate.parse()?)?;
    }
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    println!("\n\nCredit control — policy {policy_id} ({n_steps} check steps)\n");
    for step in sample.steps {
        match step {
            Step::Event { event } => {
                let what = describe(&event);
                let (date, who) = (event.date, name(event.customer.as_str()));
                book.apply(event)?;
                println!("{date}  event    {who:<20} {what}");
            }
            Step::Check {
                customer,
                order_id,
                amount,
                currency,
                date,
                checkpoint,
            } => {
                let cur = Currency::iso(&currency)?;
                let checkpoint = checkpoint.unwrap_or(Checkpoint::Order);
                let req = OrderRequest {
                    customer: CustomerId(customer.clone()),
                    segment: "default".into(),
                    order_id: OrderId(order_id.clone()),
                    amount: Money::parse(&amount, cur)?,
                    requested_delivery: None,
                    checkpoint,
                    as_of: parse_date("date", &date)?,
                };
                let d = book.check_order(req)?;
                let verdict = match d.outcome {
                    Outcome::Approved => "APPROVED",
                    Outcome::ApprovedWithWarnings => "APPROVED WITH WARNINGS",
                    Outcome::Blocked => "BLOCKED",
                };
                let limit = d
                    .limit
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "none".into());
                println!(
                    "{date}  check    {:<20} {order_id} {amount} {currency} at {}: {verdict} (exposure {} -> {} {}, limit {limit}){}",
                    name(&customer),
                    checkpoint.name(),
                    d.exposure_before,
                    d.exposure_after,
                    d.currency,
                    if d.protected_by_release { ", protected by its release" } else { "" }
                );
                for r in &d.reasons {
                    println!("{:<41}- {r}", "");
                }
            }
            Step::Limit { date, limit } => {
                let who = name(limit.customer.as_str());
                let recheck = book.set_limit(limit, parse_date("date", &date)?)?;
                println!(
                    "{date}  limit    {who:<20} limit changed; releasable now: {}",
                    recheck.releasable_ids().join(", ")
                );
                for n in &recheck.not_rechecked {
                    println!("{:<41}- {} not re-checked: {}", "", n.order_id, n.error);
                }
            }
            Step::Release {
                order_id,
                by,
                reason,
                date,
            } => {
                let r = book.release(
                    &OrderId(order_id.clone()),
                    &by,
                    &reason,
                    parse_date("date", &date)?,
                )?;
                println!(
                    "{date}  release  {:<20} {order_id} {} released by {by}: \"{reason}\"",
                    name(r.customer.as_str()),
                    r.amount
                );
            }
        }
    }
    println!("\nOrders on hold as of {as_of}:");
    for h in book.holds() {
        let seq = h.decision_seq as usize;
        let log = book.decision_log();
        let Some(entry) = log.get(seq) else { continue };
        let codes: Vec<&str> = entry
            .decision
            .reasons
            .iter()
            .filter(|r| r.action == credit_core::policy::Action::Block)
            .map(|r| r.code.0)
            .collect();
        println!(
            "  {:<7} {:<20} {} {}  ({})",
            h.request.order_id,
            name(h.request.customer.as_str()),
            h.request.amount.amount(),
            h.request.amount.currency(),
            codes.join(", ")
        );
    }
    println!("\nExposure as of {as_of}:");
    for id in names.keys() {
        let x = book.exposure(&CustomerId(id.clone()), "default", as_of)?;
        let limit = x
            .limit
            .map(|l| l.to_string())
            .unwrap_or_else(|| "none".into());
        println!(
            "  {:<20} {:>12} {}  (orders {}, delivered {}, receivables {}, disputed {}) limit {limit}",
            name(id),
            x.total,
            x.currency,
            x.figures.open_orders,
            x.figures.delivered_not_invoiced,
            x.figures.receivables,
            x.figures.disputed
        );
    }
    println!(
        "\n{} events applied, {} decisions logged.",
        book.event_count(),
        book.decision_log().len()
    );
    Ok((book, names, as_of))
}

#[derive(Deserialize)]
struct AttributesSample {
    customers: BTreeMap<CustomerId, Attributes>,
}

fn risk_review(
    book: &mut CreditBook,
    names: &Names,
    as_of: NaiveDate,
    card_path: &str,
    attrs_path: &str,
) -> Result<credit_core::risk::ReviewRun, Box<dyn Error>> {
    let card = Scorecard::from_json(&std::fs::read_to_string(card_path)?)?;
    let host: AttributesSample = serde_json::from_str(&std::fs::read_to_string(attrs_path)?)?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    println!(
        "\n\nRisk analysis — scorecard {} ({} characteristics, classes {})\n",
        card.name(),
        card.len(),
        card.classes()
            .iter()
            .map(|b| b.class.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let run = book.review_run(&card, "default", as_of, &host.customers, None)?;
    for r in &run.results {
        let who = name(r.customer.as_str());
        let (Some(score), Some(class)) = (r.score, r.class) else {
            println!("  {who:<20} not scored");
            continue;
        };
        let reasons: Vec<String> = r
            .reasons
            .iter()
            .map(|x| format!("{} {} (-{})", x.code, short(&x.value), x.points_lost))
            .collect();
        let limit = match &r.recommendation {
            Some(rec) => format!(
                "proposed limit {} {} (rule {}: {} {} x {}{})",
                rec.limit,
                rec.currency,
                rec.rule,
                rec.basis.name(),
                rec.basis_value,
                rec.factor,
                rec.bounded_by
                    .as_ref()
                    .map(|b| format!(", at the {b}"))
                    .unwrap_or_default()
            ),
            None => "no limit proposal".into(),
        };
        println!(
            "  {who:<20} score {score:>5} class {class} PD {:>5.1}%  reasons: {:<48} {limit}; next review {}",
            r.pd.unwrap_or(f64::NAN) * 100.0,
            reasons.join(", "),
            r.next_review
        );
    }
    let show = |run: &credit_core::risk::ReviewRun| {
        for e in &run.events {
            println!(
                "    {:<20} {}",
                name(e.customer.as_str()),
                describe_review(&e.kind)
            );
        }
    };
    println!("\n  Review events {as_of}:");
    show(&run);
    let later = as_of
        .checked_add_months(chrono::Months::new(1))
        .ok_or("date")?;
    let run2 = book.review_run(&card, "default", later, &host.customers, Some(&run))?;
    let due: Vec<String> = run2.reviewed.iter().map(|c| c.0.clone()).collect();
    println!("\n  Review run {later}: due {}", due.join(", "));
    show(&run2);
    Ok(run2)
}

/// A value for display: numbers with at most two decimals.
fn short(v: &Value) -> String {
    match v {
        Value::Number(x) if x.fract() != 0.0 => format!("{x:.2}"),
        other => other.to_string(),
    }
}

fn describe_review(k: &ReviewEventKind) -> String {
    match k {
        ReviewEventKind::ScoreChanged { from, to } => format!("score {from} -> {to}"),
        ReviewEventKind::ClassUpgraded { from, to } => format!("upgraded {from} -> {to}"),
        ReviewEventKind::ClassDowngraded { from, to } => format!("downgraded {from} -> {to}"),
        ReviewEventKind::LimitProposed {
            current,
            proposed,
            rule,
        } => format!(
            "limit proposal {proposed} (now {}, rule {rule})",
            current
                .map(|c| c.to_string())
                .unwrap_or_else(|| "none".into())
        ),
        ReviewEventKind::ReviewOverdue { due, days } => {
            format!("review was due {due} ({days} days overdue)")
        }
        ReviewEventKind::NotScored { reason } => format!("not scored: {reason}"),
        ReviewEventKind::LimitNotRecommended { reason } => format!("no limit proposal: {reason}"),
        _ => format!("{k:?}"),
    }
}

fn describe(e: &Event) -> String {
    match &e.kind {
        EventKind::OrderPlaced {
            order_id,
            amount,
            currency,
            ..
        } => format!("order {order_id} placed: {amount} {currency}"),
        EventKind::Delivered {
            order_id,
            amount,
            currency,
            ..
        } => format!("order {order_id} delivered: {amount} {currency}"),
        EventKind::Invoiced {
            invoice_id,
            amount,
            currency,
            terms,
            ..
        } => format!(
            "invoice {invoice_id}: {amount} {currency}{}",
            terms
                .as_ref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        ),
        EventKind::Payment {
            amount, currency, ..
        } => format!("payment received: {amount} {currency}"),
        EventKind::PromiseToPay {
            amount,
            currency,
            promised_date,
        } => format!("promise to pay {amount} {currency} by {promised_date}"),
        other => format!("{other:?}"),
    }
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

fn plan_status(k: PlanStatusKind) -> String {
    match k {
        PlanStatusKind::Late { days } => format!("late {days} days"),
        other => format!("{other:?}").to_lowercase(),
    }
}

#[derive(Deserialize)]
struct PlanSample {
    terms: PlanTerms,
    payments: Vec<(NaiveDate, Decimal)>,
    status_on: NaiveDate,
}

fn collections(
    book: &mut CreditBook,
    names: &Names,
    as_of: NaiveDate,
    plan_path: &str,
) -> Result<(PaymentPlan, NaiveDate), Box<dyn Error>> {
    let sample: PlanSample = serde_json::from_str(&std::fs::read_to_string(plan_path)?)?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let ccy = sample.terms.currency;
    let invoices: Vec<String> = sample.terms.invoices.iter().map(|i| i.0.clone()).collect();
    println!(
        "\n\nPayment plan for {} ({}): {} {ccy}, {} monthly installments, {} % a year\n",
        name("BORE"),
        invoices.join(", "),
        sample.terms.principal,
        sample.terms.installments.unwrap_or(0),
        sample.terms.annual_rate
    );
    let mut plan = PaymentPlan::new(sample.terms)?;
    println!(
        "  {:>2}  {:<10}  {:>10}  {:>9}  {:>7}  {:>10}  {:>10}",
        "#", "due", "principal", "interest", "fee", "total", "balance"
    );
    for i in &plan.schedule {
        println!(
            "  {:>2}  {}  {:>10}  {:>9}  {:>7}  {:>10}  {:>10}",
            i.number, i.due_date, i.principal, i.interest, i.fee, i.total, i.balance_after
        );
    }
    let ev = plan.evaluate();
    println!(
        "  total interest {} + fees {} = cost {} {ccy}; effective annual rate {:.2} %",
        ev.total_interest,
        ev.total_fees,
        ev.total_cost,
        ev.effective_annual_rate.unwrap_or(f64::NAN) * 100.0
    );
    for (i, (date, amount)) in sample.payments.iter().enumerate() {
        plan.apply_payment(*date, *amount)?;
        let st = plan.status(*date)?;
        let inst = &st.installments[i];
        println!(
            "  {date} paid {amount} {ccy}: installment {} outstanding {}, late fee {}; plan {}",
            inst.number,
            inst.outstanding,
            inst.penalty,
            plan_status(st.status)
        );
    }
    let st = plan.status(sample.status_on)?;
    let po = plan.payoff(sample.status_on)?;
    println!(
        "  as of {}: {}, outstanding {} {ccy}, overdue {}; payoff {} (principal {} + accrued interest {} + fees {})",
        sample.status_on,
        plan_status(st.status), st.outstanding, st.overdue, po.total, po.principal, po.accrued_interest, po.fees
    );

    let later = as_of
        .checked_add_days(chrono::Days::new(30))
        .ok_or("date")?;
    let plans = [plan];
    let run = book.dunning_run(later, &plans)?;
    println!("\nDunning run {later} (policy {}):", run.policy_id);
    for n in &run.notices {
        println!(
            "  {:<20} level {}  {} {}  (items {}, interest {}, compensation {}, fee {})",
            name(n.customer.as_str()),
            n.level,
            n.total,
            n.currency,
            n.amount,
            n.interest,
            n.compensation,
            n.fee
        );
        for l in &n.lines {
            println!(
                "      {:<8} due {}  {:>3} days  {:>10}  level {}",
                l.invoice_id, l.due_date, l.days_overdue, l.amount, l.level
            );
        }
    }
    for e in &run.excluded {
        println!(
            "  {:<20} {} left out: {}",
            name(e.customer.as_str()),
            e.invoice_id
                .as_ref()
                .map(|i| i.0.as_str())
                .unwrap_or("account"),
            e.reason
        );
    }
    let issued = run.events().len();
    for e in run.events() {
        book.apply(e)?;
    }
    println!("  issued: {issued} ledger events (notices and charges)");
    let eur = Currency::iso("EUR")?;
    let w = book.worklist(later, eur, &plans)?;
    println!("\nCollection worklist {later} (EUR, by collector, priority = overdue x days):");
    for x in &w {
        let action = match x.next_action {
            NextAction::Reminder => "reminder".to_string(),
            NextAction::Call => "call".to_string(),
            NextAction::Notice { level } => format!("notice level {level}"),
            NextAction::StopSupply => "stop supply".to_string(),
            _ => "-".to_string(),
        };
        println!(
            "  {:<10} {:<20} overdue {:>10} EUR  {:>3} days  level {}  priority {:>12}  next: {action}",
            x.collector.as_deref().unwrap_or("(none)"),
            name(x.customer.as_str()),
            x.overdue,
            x.max_days_overdue,
            x.dunning_level,
            x.priority
        );
    }
    let [plan] = plans;
    Ok((plan, later))
}

fn monitoring(
    book: &mut CreditBook,
    names: &Names,
    as_of: NaiveDate,
    reviews: &credit_core::risk::ReviewRun,
    plan: PaymentPlan,
) -> Result<(), Box<dyn Error>> {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let eur = Currency::iso("EUR")?;
    let aging = book.aging(as_of, GroupBy::Customer, Some(eur))?;
    println!("\n\nAging {as_of} (EUR, days past due; disputed apart)\n");
    print!("  {:<20}", "customer");
    for l in &aging.labels {
        print!(" {l:>11}");
    }
    println!(" {:>11} {:>11}", "disputed", "total");
    let mut sums = vec![Decimal::ZERO; aging.labels.len() + 2];
    for r in &aging.rows {
        print!("  {:<20}", name(&r.key));
        for (i, b) in r.buckets.iter().enumerate() {
            print!(" {b:>11}");
            sums[i] += b;
        }
        println!(" {:>11} {:>11}", r.disputed, r.total);
        let n = sums.len();
        sums[n - 2] += r.disputed;
        sums[n - 1] += r.total;
    }
    print!("  {:<20}", "total");
    for v in &sums {
        print!(" {v:>11}");
    }
    println!();
    let q_start =
        NaiveDate::from_ymd_opt(as_of.year(), as_of.month0() / 3 * 3 + 1, 1).ok_or("date")?;
    let k = book.kpis(q_start, as_of, GroupBy::Total, eur)?;
    let t = &k.groups["total"];
    let show = |v: &credit_core::monitor::KpiValue| match (&v.value, &v.undefined) {
        (Some(x), _) => x.to_string(),
        (None, Some(why)) => format!("undefined ({why})"),
        _ => "-".into(),
    };
    println!(
        "\nKPIs, quarter to date {q_start} to {as_of} (EUR): receivables {}, credit sales {}",
        t.receivables, t.credit_sales
    );
    println!(
        "  DSO {} (countback {}), best possible {}, days delinquent {}, CEI {} %, over 90 days {} %",
        show(&t.dso),
        show(&t.countback_dso),
        show(&t.best_possible_dso),
        show(&t.average_days_delinquent),
        show(&t.cei),
        show(&t.percent_over_90)
    );
    println!("\nGoals {as_of}:");
    let name_of = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    for g in book.goals_report(as_of, eur)? {
        println!(
            "  {:<28} actual {:>8}  target {} {:>3} (band {:>2})  {}",
            g.goal.name,
            g.actual
                .map(|a| a.to_string())
                .unwrap_or_else(|| "n/a".into()),
            name_of(serde_json::to_value(g.goal.direction)?),
            g.goal.target,
            g.goal.tolerance,
            name_of(serde_json::to_value(g.status)?)
        );
    }
    let plans = [(CustomerId::from("BORE"), plan)];
    let alerts = book.alerts(as_of, &[], Some(reviews), &plans)?;
    println!("\nAlerts {as_of}:");
    for a in &alerts.raised {
        println!(
            "  {:<18} {:<20} {:<10} observed {:<12} threshold {}",
            serde_json::to_string(&a.code)?
                .trim_matches('"')
                .to_string(),
            name(a.customer.as_str()),
            a.subject,
            a.observed,
            a.threshold
        );
    }
    Ok(())
}
