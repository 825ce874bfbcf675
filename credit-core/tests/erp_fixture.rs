//! The ERP-shaped fixture (`scripts/gen_erp_fixture.py`: 500 customers,
//! about 20,000 documents over 18 months, EUR and USD accounts) applied to
//! a book; at every month end, for every customer, the book's views tie to
//! each other and to a ledger recomputed here from the documents alone:
//!
//! * aging total = Σ open items − Σ open credits = exposure receivables +
//!   disputed = the receivables recomputed from the documents;
//! * aging's past-due buckets, the worklist, features and the dunning run
//!   agree with the overdue due lines recomputed from the documents (credits
//!   on account covering the undisputed amounts, oldest due first; the
//!   invoices a running payment plan holds have none, a broken plan gives
//!   them back — the plans recomputed here from their documents);
//! * credit sales (net: invoices − credit notes, CRF), receivables, current
//!   receivables, DSO and CEI per customer and month match the CRF
//!   definitions computed from the recomputed ledger.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use credit_core::customer::{Customer, CustomerId};
use credit_core::engine::CreditBook;
use credit_core::ledger::Event;
use credit_core::money::Currency;
use credit_core::monitor::GroupBy;
use credit_core::policy::Policy;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/erp");

fn cur(s: &str) -> Currency {
    Currency::iso(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Cents of a two-decimal amount text.
fn cents(v: &Value) -> i64 {
    let d: Decimal = v.as_str().unwrap().parse().unwrap();
    (d * Decimal::ONE_HUNDRED).try_into().unwrap()
}

fn half_even_div(n: i64, d: i64) -> i64 {
    let (q, r) = (n / d, n % d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// Installment amounts by the largest-remainder (Hamilton) method, as the
/// terms module documents: each share floored to the cent, the cents left
/// going to the largest remainders, the earlier line first on a tie.
fn split(amount: i64, pcts: [i64; 2]) -> [i64; 2] {
    let mut out = pcts.map(|p| amount * p / 100);
    let rems = pcts.map(|p| amount * p % 100);
    let mut left = amount - out.iter().sum::<i64>();
    let mut order = [0usize, 1];
    order.sort_by_key(|&i| std::cmp::Reverse(rems[i]));
    for i in order {
        if left > 0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}

/// An invoice as the documents describe it.
struct Inv {
    customer: usize,
    date: NaiveDate,
    amount: i64,
    /// Reductions so far (payments, discounts, credit notes, write-offs).
    reduced: i64,
    disputed: i64,
    /// Discount percent inside 10 days (2/10 Net 30), else 0.
    pct: i64,
    /// Due lines (due date, amount); installments settle oldest first.
    lines: Vec<(NaiveDate, i64)>,
}

impl Inv {
    fn open(&self) -> i64 {
        self.amount - self.reduced
    }

    /// (due, open, disputed) per line: reductions take the oldest lines
    /// first, disputes the latest.
    fn line_opens(&self) -> Vec<(NaiveDate, i64, i64)> {
        let mut red = self.reduced;
        let mut out: Vec<(NaiveDate, i64, i64)> = self
            .lines
            .iter()
            .map(|&(d, a)| {
                let t = red.min(a);
                red -= t;
                (d, a - t, 0)
            })
            .collect();
        let mut disp = self.disputed;
        for l in out.iter_mut().rev() {
            let t = l.1.min(disp);
            l.2 = t;
            disp -= t;
        }
        out
    }

    /// What an explicit allocation of `cash` on `day` takes off the item:
    /// inside the discount period, the tier D = A × rate is worth
    /// D × open / A; cash of open − that settles the item, less cash P
    /// settles P × A / (A − D) (pro rata, SAP / Dynamics 365).
    fn settles(&self, cash: i64, day: NaiveDate) -> i64 {
        let open = self.open();
        let tier = half_even_div(self.amount * self.pct, 100);
        if self.pct == 0 || tier == 0 || day > self.date + Days::new(10) {
            return cash.min(open);
        }
        let needed = open - half_even_div(tier * open, self.amount);
        if cash >= needed {
            return open;
        }
        half_even_div(cash * self.amount, self.amount - tier)
            .min(open - 1)
            .max(cash)
    }
}

/// The ledger recomputed from the documents, as of a date.
#[derive(Default)]
struct Docs {
    invoices: BTreeMap<String, Inv>,
    /// Open credit by document id: (customer, date, open).
    credits: BTreeMap<String, (usize, NaiveDate, i64)>,
    /// Ids of reversed events.
    reversed: std::collections::BTreeSet<String>,
    /// Net credit sales by (customer, year, month).
    sales: BTreeMap<(usize, i32, u32), i64>,
    /// Payment plans by plan id.
    plans: BTreeMap<String, Plan>,
}

/// A payment plan as its documents describe it: interest-free, its
/// payments posted on installments oldest first.
struct Plan {
    invoice: String,
    agreed: NaiveDate,
    /// (due date, amount) per installment.
    installments: Vec<(NaiveDate, i64)>,
    paid: i64,
    days_late: i64,
}

impl Plan {
    /// Whether the plan holds its invoice on `m`: agreed by then, not
    /// completed, and its oldest unpaid installment (paid oldest first)
    /// not `days_late` days past due (else broken).
    fn runs_on(&self, m: NaiveDate) -> bool {
        if self.agreed > m {
            return false;
        }
        let mut paid = self.paid;
        for &(due, amount) in &self.installments {
            let t = paid.min(amount);
            paid -= t;
            if t < amount {
                return !(due < m && (m - due).num_days() >= self.days_late);
            }
        }
        false
    }
}

impl Docs {
    fn apply(&mut self, c: usize, ev: &Value) {
        let day = date(ev["date"].as_str().unwrap());
        let id = ev["id"].as_str().unwrap().to_string();
        if self.reversed.contains(&id) {
            return;
        }
        let month = (c, day.year(), day.month());
        match ev["type"].as_str().unwrap() {
            "invoiced" => {
                let amount = cents(&ev["amount"]);
                let (pct, lines) = match ev["terms"].as_str() {
                    None => (0, vec![(date(ev["due_date"].as_str().unwrap()), amount)]),
                    Some("2/10 Net 30") => (2, vec![(day + Days::new(30), amount)]),
                    Some("30% due on receipt, 70% net 90") => {
                        let [a, b] = split(amount, [30, 70]);
                        (0, vec![(day, a), (day + Days::new(90), b)])
                    }
                    Some("50% net 30, 50% net 60") => {
                        let [a, b] = split(amount, [50, 50]);
                        (0, vec![(day + Days::new(30), a), (day + Days::new(60), b)])
                    }
                    Some(t) => panic!("terms {t} not in the fixture's table"),
                };
                let inv = Inv {
                    customer: c,
                    date: day,
                    amount,
                    reduced: 0,
                    disputed: 0,
                    pct,
                    lines,
                };
                self.invoices
                    .insert(ev["invoice_id"].as_str().unwrap().into(), inv);
                *self.sales.entry(month).or_default() += amount;
            }
            "credit_note" => {
                let amount = cents(&ev["amount"]);
                *self.sales.entry(month).or_default() -= amount;
                match ev["invoice_id"].as_str() {
                    Some(inv) => self.invoices.get_mut(inv).unwrap().reduced += amount,
                    None => {
                        self.credits.insert(id, (c, day, amount));
                    }
                }
            }
            "payment" => {
                let amount = cents(&ev["amount"]);
                let mut allocated = 0;
                for a in ev["allocations"].as_array().into_iter().flatten() {
                    let inv_id = a["invoice_id"].as_str().unwrap();
                    let cash = cents(&a["amount"]);
                    let inv = self.invoices.get_mut(inv_id).unwrap();
                    let r = inv.settles(cash, day);
                    inv.reduced += r;
                    allocated += cash;
                }
                // No allocation but a reference: the book's first clearing
                // rule (by reference) applies the cash to that invoice.
                if let (None, Some(r)) = (ev["allocations"].as_array(), ev["reference"].as_str()) {
                    let inv = self.invoices.get_mut(r).unwrap();
                    let need = inv.settles(amount, day);
                    inv.reduced += need;
                    allocated = amount.min(need);
                }
                if amount > allocated {
                    self.credits.insert(id, (c, day, amount - allocated));
                }
            }
            "cleared" => {
                let credit = ev["credit_id"].as_str().unwrap();
                for a in ev["allocations"].as_array().unwrap() {
                    let cash = cents(&a["amount"]);
                    let inv = self
                        .invoices
                        .get_mut(a["invoice_id"].as_str().unwrap())
                        .unwrap();
                    inv.reduced += cash;
                    self.credits.get_mut(credit).unwrap().2 -= cash;
                }
            }
            // A reversed event never happened, in every view, past ones
            // included (the ledger's documented convention): it is left
            // out before replay (`Docs::reversed`); the marker changes
            // nothing.
            "reversal" => {}
            "write_off" => {
                let inv = self
                    .invoices
                    .get_mut(ev["invoice_id"].as_str().unwrap())
                    .unwrap();
                inv.reduced += cents(&ev["amount"]);
            }
            "dispute_opened" => {
                let inv = self
                    .invoices
                    .get_mut(ev["invoice_id"].as_str().unwrap())
                    .unwrap();
                inv.disputed += cents(&ev["amount"]);
            }
            "dispute_resolved" => {
                let inv = self
                    .invoices
                    .get_mut(ev["invoice_id"].as_str().unwrap())
                    .unwrap();
                inv.disputed -= cents(&ev["amount"]);
            }
            "plan_agreed" => {
                let t = &ev["terms"];
                let principal = cents(&t["principal"]);
                let n = t["installments"].as_i64().unwrap();
                let first = date(t["first_due"].as_str().unwrap());
                // Equal split, cut to the cent, the remainder on the last
                // installment (the plans module's default); monthly.
                let part = principal / n;
                let installments = (0..n)
                    .map(|k| {
                        let due = first
                            .checked_add_months(chrono::Months::new(k as u32))
                            .unwrap();
                        let amount = if k == n - 1 {
                            principal - part * (n - 1)
                        } else {
                            part
                        };
                        (due, amount)
                    })
                    .collect();
                let plan = Plan {
                    invoice: t["invoices"][0].as_str().unwrap().into(),
                    agreed: day,
                    installments,
                    paid: 0,
                    days_late: t["broken"]["days_late"].as_i64().unwrap(),
                };
                self.plans
                    .insert(ev["plan_id"].as_str().unwrap().into(), plan);
            }
            "plan_payment" => {
                // Interest-free: the whole payment is principal, paying
                // the plan's invoice.
                let amount = cents(&ev["amount"]);
                let plan = self.plans.get_mut(ev["plan_id"].as_str().unwrap()).unwrap();
                plan.paid += amount;
                self.invoices.get_mut(&plan.invoice).unwrap().reduced += amount;
            }
            other => panic!("event type {other} not in the fixture"),
        }
    }

    /// Per customer on `m`: (receivables, current, overdue undisputed not
    /// covered by credits, the oldest uncovered line's days — a disputed
    /// amount counting — as features read it).
    fn month_end(&self, n: usize, m: NaiveDate) -> Vec<(i64, i64, i64, i64)> {
        let mut out = vec![(0i64, 0i64, 0i64, 0i64); n];
        let mut lines: Vec<Vec<(NaiveDate, i64, i64)>> = vec![Vec::new(); n];
        let mut credits = vec![0i64; n];
        // Invoices a running plan holds have no overdue lines (aging still
        // ages them by their own due dates).
        let held: std::collections::BTreeSet<&str> = self
            .plans
            .values()
            .filter(|p| p.runs_on(m))
            .map(|p| p.invoice.as_str())
            .collect();
        for (id, inv) in &self.invoices {
            for (due, open, disputed) in inv.line_opens() {
                if open == 0 {
                    continue;
                }
                let o = &mut out[inv.customer];
                o.0 += open;
                if due >= m {
                    o.1 += open;
                } else if !held.contains(id.as_str()) {
                    lines[inv.customer].push((due, open - disputed, disputed));
                }
            }
        }
        for &(c, d, open) in self.credits.values() {
            out[c].0 -= open;
            if d >= m {
                out[c].1 -= open;
            }
            credits[c] += open;
        }
        for (c, ls) in lines.iter_mut().enumerate() {
            ls.sort_by_key(|l| l.0);
            let mut left = credits[c];
            for &(due, undisputed, disputed) in ls.iter() {
                let by = undisputed.min(left);
                left -= by;
                out[c].2 += undisputed - by;
                if undisputed - by + disputed > 0 {
                    out[c].3 = out[c].3.max((m - due).num_days());
                }
            }
        }
        out
    }
}

fn month_ends() -> Vec<NaiveDate> {
    (0..18)
        .map(|k| {
            let first = NaiveDate::from_ymd_opt(2025 + (k / 12), k as u32 % 12 + 1, 1).unwrap();
            first.checked_add_months(chrono::Months::new(1)).unwrap() - Days::new(1)
        })
        .collect()
}

fn ratio(num: i64, den: i64, scale: i64) -> Option<Decimal> {
    (den != 0).then(|| {
        (Decimal::from(num) * Decimal::from(scale) / Decimal::from(den))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
    })
}

#[test]
fn every_view_ties_out_on_the_erp_fixture() {
    let customers: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/customers.json")).unwrap())
            .unwrap();
    let policy = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "erp", "steps": [],
            "ledger": {"auto_clearing": ["by_reference", "oldest_due"]},
            "dunning": {"grace_days": 0, "levels": [{"level": 1, "min_days_overdue": 1}],
                        "worklist": {"priority": "overdue_times_days"}}}"#,
    )
    .unwrap();
    let mut b = CreditBook::new(policy).unwrap();
    let start = date("2025-01-01");
    let mut index = BTreeMap::new();
    for (k, c) in customers.iter().enumerate() {
        let mut cu = Customer::new(
            c["id"].as_str().unwrap(),
            c["id"].as_str().unwrap(),
            cur(c["currency"].as_str().unwrap()),
        );
        cu.collector = Some(c["collector"].as_str().unwrap().into());
        b.upsert_customer(cu, start).unwrap();
        index.insert(c["id"].as_str().unwrap().to_string(), k);
    }
    b.set_fx_rate(cur("USD"), cur("EUR"), "0.92".parse().unwrap())
        .unwrap();
    b.set_fx_rate(cur("EUR"), cur("USD"), "1.087".parse().unwrap())
        .unwrap();
    let text = std::fs::read_to_string(format!("{DIR}/events.jsonl")).unwrap();
    let docs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(docs.len() > 20_000, "{} events", docs.len());
    for (n, line) in text.lines().enumerate() {
        let ev: Event = serde_json::from_str(line).unwrap();
        b.apply(ev)
            .unwrap_or_else(|e| panic!("event {} ({line}) refused: {e}", n + 1));
    }
    let ends = month_ends();
    let n = customers.len();
    let ids: Vec<CustomerId> = customers
        .iter()
        .map(|c| CustomerId::from(c["id"].as_str().unwrap()))
        .collect();
    let currency_of: Vec<Currency> = customers
        .iter()
        .map(|c| cur(c["currency"].as_str().unwrap()))
        .collect();
    // KPIs per customer and month, in each customer's own currency (no
    // conversion between the book and the recomputation).
    let series: BTreeMap<&str, Vec<_>> = ["EUR", "USD"]
        .into_iter()
        .map(|c| {
            (
                c,
                b.kpi_series(start, &ends, GroupBy::Customer, cur(c))
                    .unwrap(),
            )
        })
        .collect();
    let mut ledger = Docs {
        reversed: docs
            .iter()
            .filter(|d| d["type"] == "reversal")
            .map(|d| d["event_id"].as_str().unwrap().to_string())
            .collect(),
        ..Docs::default()
    };
    let mut next = 0;
    let mut prev_ar = vec![0i64; n];
    let (mut overdue_seen, mut credits_seen, mut dunned_seen, mut kpis_seen) = (0, 0, 0, 0);
    for (k, &m) in ends.iter().enumerate() {
        while next < docs.len() && date(docs[next]["date"].as_str().unwrap()) <= m {
            let c = index[docs[next]["customer"].as_str().unwrap()];
            ledger.apply(c, &docs[next]);
            next += 1;
        }
        let want = ledger.month_end(n, m);
        // Aging per customer in each customer's own currency.
        let agings: Vec<_> = ["EUR", "USD"]
            .iter()
            .map(|c| (cur(c), b.aging(m, GroupBy::Customer, Some(cur(c))).unwrap()))
            .collect();
        let worklist = b.worklist(m, cur("EUR"), &[]).unwrap();
        let run = b.dunning_run(m, &[]).unwrap();
        for (c, id) in ids.iter().enumerate() {
            let (ar, current, uncovered, oldest) = want[c];
            let ccy = currency_of[c];
            let dec = |u: i64| Decimal::new(u, 2);
            // Aging = open items − open credits = exposure = documents.
            let items = b.open_items(id, "default", m).unwrap();
            let credits = b.open_credits(id, "default", m).unwrap();
            let net: Decimal = items.iter().map(|i| i.open).sum::<Decimal>()
                - credits.iter().map(|c| c.open).sum::<Decimal>();
            credits_seen += usize::from(!credits.is_empty());
            assert_eq!(net, dec(ar), "{id} open items on {m}");
            let x = b.exposure(id, "default", m).unwrap();
            assert_eq!(
                x.figures.receivables + x.figures.disputed,
                dec(ar),
                "{id} exposure on {m}"
            );
            let row = agings
                .iter()
                .find(|a| a.0 == ccy)
                .and_then(|a| a.1.rows.iter().find(|r| r.key == id.as_str()));
            assert_eq!(
                row.map_or(Decimal::ZERO, |r| r.total),
                dec(ar),
                "{id} aging on {m}"
            );
            // Past due in aging (every bucket but current, disputed
            // included) = the documents' overdue lines net of nothing.
            if let Some(r) = row {
                assert_eq!(r.currency, ccy);
                let past_due: Decimal = r.buckets[1..].iter().sum::<Decimal>() + r.disputed;
                let want_past: i64 = ar - current;
                // Disputed amounts of lines not yet due sit in `disputed`,
                // not in the current bucket: compare net of that.
                let not_due_disputed: i64 = ledger
                    .invoices
                    .values()
                    .filter(|i| i.customer == c)
                    .flat_map(|i| i.line_opens())
                    .filter(|l| l.0 >= m)
                    .map(|l| l.2)
                    .sum();
                assert_eq!(
                    past_due - dec(not_due_disputed),
                    dec(want_past),
                    "{id} aging past due on {m}"
                );
            }
            // The worklist and features read the same overdue walk.
            let listed = worklist
                .iter()
                .find(|w| &w.customer == id)
                .map_or(Decimal::ZERO, |w| w.overdue);
            if ccy == cur("EUR") {
                assert_eq!(listed, dec(uncovered), "{id} worklist on {m}");
            } else {
                assert_eq!(listed.is_zero(), uncovered == 0, "{id} worklist on {m}");
            }
            overdue_seen += usize::from(uncovered > 0);
            if k + 1 == ends.len() {
                // The check's overdue steps on the book as it stands (the
                // last month end is the period's end).
                let st = b.account_state(id, "default").unwrap();
                let fx = credit_core::exposure::FxRates::default();
                let o =
                    credit_core::exposure::overdue(st, m, Decimal::ZERO, true, fx.on(m)).unwrap();
                assert_eq!(
                    o.overdue_amount,
                    dec(uncovered),
                    "{id} check overdue on {m}"
                );
                assert_eq!(
                    o.oldest_overdue_days.is_some(),
                    uncovered > 0,
                    "{id} check oldest on {m}"
                );
            }
            let f = b.features(id, "default", m).unwrap();
            assert_eq!(f.current_days_overdue, oldest, "{id} features on {m}");
            // Dunning: a notice only for what is overdue and uncovered.
            for notice in run.notices.iter().filter(|x| &x.customer == id) {
                dunned_seen += 1;
                assert!(
                    notice.amount <= dec(uncovered),
                    "{id} dunned {} on {m}",
                    notice.amount
                );
            }
            // KPIs of the month, from the documents (CRF definitions).
            let kp = &series[ccy.code()][k];
            let got = kp.groups.get(id.as_str());
            let sales = ledger
                .sales
                .get(&(c, m.year(), m.month()))
                .copied()
                .unwrap_or(0);
            let days = i64::from(m.day());
            match got {
                None => assert!(
                    sales == 0 && ar == 0 && prev_ar[c] == 0,
                    "{id} KPIs missing on {m}"
                ),
                Some(kp) => {
                    kpis_seen += 1;
                    assert_eq!(kp.credit_sales, dec(sales), "{id} sales on {m}");
                    assert_eq!(kp.receivables, dec(ar), "{id} receivables on {m}");
                    assert_eq!(kp.current, dec(current), "{id} current on {m}");
                    assert_eq!(kp.dso.value, ratio(ar, sales, days), "{id} DSO on {m}");
                    assert_eq!(
                        kp.cei.value,
                        ratio(prev_ar[c] + sales - ar, prev_ar[c] + sales - current, 100),
                        "{id} CEI on {m}"
                    );
                }
            }
            prev_ar[c] = ar;
        }
    }
    assert_eq!(next, docs.len());
    // The fixture exercises what it claims to.
    assert!(kpis_seen > 5000, "{kpis_seen} customer-months of KPIs");
    assert!(
        overdue_seen > 1000 && credits_seen > 100 && dunned_seen > 1000,
        "overdue {overdue_seen}, credits {credits_seen}, dunned {dunned_seen}"
    );
}
