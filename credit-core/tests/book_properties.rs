//! Book invariants over generated event sequences.

use chrono::{Datelike, Days, NaiveDate};
use credit_core::customer::{CreditLimit, Customer, CustomerId, EventId, InvoiceId, OrderId};
use credit_core::engine::{CreditBook, OrderRequest};
use credit_core::ledger::{Allocation, Event, EventKind};
use credit_core::money::{Currency, Money};
use credit_core::monitor::GroupBy;
use credit_core::policy::{Checkpoint, Policy};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn eur() -> Currency {
    Currency::iso("EUR").unwrap()
}

fn base_book() -> CreditBook {
    let p = Policy::from_json(
        r#"{"schema_version": 1, "policy_id": "p", "horizon_days": 20, "steps": [
            {"step": "static_limit", "action": "block"},
            {"step": "oldest_overdue", "action": "warn", "days": 10, "materiality": "5"},
            {"step": "group_limit", "action": "block"}],
            "ledger": {"auto_clearing": ["by_reference", "exact_amount", "oldest_due"],
                       "residue_tolerance": {"amount": "1.00", "percent": "0.5"}},
            "dunning": {"grace_days": 0, "levels": [{"level": 1, "min_days_overdue": 1}],
                        "worklist": {"priority": "overdue_times_days"}}}"#,
    )
    .unwrap();
    let mut b = CreditBook::new(p).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    b.upsert_customer(Customer::new("A", "A", eur()), day)
        .unwrap();
    let mut c = Customer::new("B", "B", eur());
    c.parent = Some(CustomerId::from("A"));
    b.upsert_customer(c, day).unwrap();
    for id in ["A", "B"] {
        b.set_limit(
            CreditLimit::amount(id, Money::parse("5000.00", eur()).unwrap()),
            day,
        )
        .unwrap();
    }
    b.set_group_limit(
        CreditLimit::amount("A", Money::parse("8000.00", eur()).unwrap()),
        day,
    )
    .unwrap();
    b.set_fx_rate(Currency::iso("USD").unwrap(), eur(), "0.9".parse().unwrap())
        .unwrap();
    b
}

fn amount() -> impl Strategy<Value = Decimal> {
    (1i64..300_000).prop_map(|c| Decimal::new(c, 2))
}

fn kind() -> impl Strategy<Value = EventKind> {
    let order = (0u8..3).prop_map(|i| OrderId(format!("O{i}")));
    let inv = (0u8..4).prop_map(|i| InvoiceId(format!("I{i}")));
    let cur = prop::sample::select(vec![eur(), eur(), eur(), Currency::iso("USD").unwrap()]);
    prop_oneof![
        (
            order.clone(),
            amount(),
            cur.clone(),
            prop::option::of(0u64..60),
            any::<bool>()
        )
            .prop_map(|(order_id, amount, currency, rd, prepaid)| {
                EventKind::OrderPlaced {
                    order_id,
                    amount,
                    currency,
                    requested_delivery: rd
                        .map(|n| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(n)),
                    prepaid: prepaid && amount > Decimal::from(2000),
                }
            }),
        (order.clone(), amount(), cur.clone()).prop_map(|(order_id, amount, currency)| {
            EventKind::Delivered {
                order_id,
                delivery_id: None,
                amount,
                currency,
            }
        }),
        (order.clone(), amount(), cur.clone()).prop_map(|(order_id, amount, currency)| {
            EventKind::OrderChanged {
                order_id,
                amount,
                currency,
                requested_delivery: None,
            }
        }),
        order
            .clone()
            .prop_map(|order_id| EventKind::OrderCancelled { order_id }),
        (
            inv.clone(),
            amount(),
            cur.clone(),
            prop::option::of(order.clone()),
            0u8..3
        )
            .prop_map(|(invoice_id, amount, currency, order_id, terms)| {
                EventKind::Invoiced {
                    invoice_id,
                    amount,
                    currency,
                    terms: match terms {
                        1 => Some("2/10 Net 30".to_string()),
                        2 => Some("30% net 5, 70% net 45".to_string()),
                        _ => None,
                    },
                    due_date: (terms == 0).then(|| NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()),
                    order_id,
                    delivery_id: None,
                    discount_base: None,
                }
            }),
        (
            amount(),
            cur.clone(),
            prop::option::of((inv.clone(), amount())),
            prop::option::of(inv.clone())
        )
            .prop_map(|(amount, currency, alloc, reference)| EventKind::Payment {
                amount,
                currency,
                allocations: alloc
                    .map(|(invoice_id, a)| vec![Allocation {
                        invoice_id,
                        amount: a.min(amount)
                    }])
                    .unwrap_or_default(),
                reference: reference.map(|r| r.0),
            }),
        (prop::option::of(inv.clone()), amount(), cur.clone()).prop_map(
            |(invoice_id, amount, currency)| EventKind::CreditNote {
                invoice_id,
                amount,
                currency
            }
        ),
        (inv.clone(), amount(), cur.clone()).prop_map(|(invoice_id, amount, currency)| {
            EventKind::WriteOff {
                invoice_id,
                amount,
                currency,
            }
        }),
        (inv.clone(), amount(), cur.clone()).prop_map(|(invoice_id, amount, currency)| {
            EventKind::DisputeOpened {
                invoice_id,
                amount,
                currency,
            }
        }),
        (inv.clone(), amount(), cur.clone()).prop_map(|(invoice_id, amount, currency)| {
            EventKind::DisputeResolved {
                invoice_id,
                amount,
                currency,
            }
        }),
        (0usize..40).prop_map(|i| EventKind::Reversal {
            event_id: EventId(format!("e{i}"))
        }),
        // Clearings of whatever credit event i left on account, in full or
        // by an allocation; most name no credit and are refused.
        (0usize..40, prop::option::of((inv.clone(), amount()))).prop_map(|(i, alloc)| {
            EventKind::Cleared {
                credit_id: EventId(format!("e{i}")),
                allocations: alloc
                    .map(|(invoice_id, amount)| vec![Allocation { invoice_id, amount }])
                    .unwrap_or_default(),
            }
        }),
        (amount(), 0u64..30).prop_map(|(amount, n)| EventKind::PromiseToPay {
            amount,
            currency: eur(),
            promised_date: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + Days::new(n)
        }),
        (1u8..4, prop::collection::vec(inv.clone(), 0..3))
            .prop_map(|(level, invoices)| EventKind::DunningNotice { level, invoices }),
        amount().prop_map(|amount| EventKind::SpecialLiabilities {
            amount,
            currency: eur()
        }),
        // Payment plans: interest-free, 2 or 3 monthly installments, broken
        // 10 days late; the principal is set to what is open when the
        // event is applied (`plan_for_what_is_open`), else it is refused.
        ((0u8..2), inv.clone(), 2u32..4, 0u64..20).prop_map(|(p, invoice, n, d)| {
            EventKind::PlanAgreed {
                plan_id: format!("P{p}"),
                terms: Box::new(
                    serde_json::from_value(serde_json::json!({
                        "currency": "EUR", "principal": "1.00",
                        "start": (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(d)).to_string(),
                        "frequency": "monthly", "installments": n, "method": "equal_split",
                        "broken": {"days_late": 10}, "invoices": [invoice.0],
                    }))
                    .unwrap(),
                ),
            }
        }),
        ((0u8..2), amount()).prop_map(|(p, amount)| EventKind::PlanPayment {
            plan_id: format!("P{p}"),
            amount,
            currency: eur(),
        }),
        (0u8..2).prop_map(|p| EventKind::PlanCancelled {
            plan_id: format!("P{p}")
        }),
    ]
}

/// A plan agreed for what an invoice has open on the plan's date (the
/// terms must finance it exactly): the generated invoice if it is open
/// then, else the customer's first open invoice in the plan's currency;
/// other events unchanged.
fn plan_for_what_is_open(b: &CreditBook, mut e: Event) -> Event {
    if let EventKind::PlanAgreed { terms, .. } = &mut e.kind {
        let items = b.open_items(&e.customer, "default", e.date).unwrap();
        let pick = items
            .iter()
            .find(|i| terms.invoices.contains(&i.invoice_id) && i.currency == terms.currency)
            .or_else(|| items.iter().find(|i| i.currency == terms.currency));
        if let Some(it) = pick {
            terms.invoices = vec![it.invoice_id.clone()];
            terms.principal = it.open;
        }
    }
    e
}

fn events() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((any::<bool>(), 0u64..40, kind()), 1..40)
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (b, day, kind))| Event {
                    id: EventId(format!("e{i}")),
                    customer: CustomerId::from(if b { "A" } else { "B" }),
                    segment: "default".into(),
                    date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(day),
                    kind,
                })
                .collect::<Vec<Event>>()
        })
        .prop_map(|mut evs| {
            // Plans are agreed late in the month (after most invoices) and
            // paid after that, so that many apply.
            for e in evs.iter_mut() {
                let off = (e.date - NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).num_days() as u64;
                match e.kind {
                    EventKind::PlanAgreed { .. } => {
                        e.date = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap() + Days::new(off % 5)
                    }
                    EventKind::PlanPayment { .. } | EventKind::PlanCancelled { .. } => {
                        e.date = NaiveDate::from_ymd_opt(2026, 2, 5).unwrap() + Days::new(off % 5)
                    }
                    _ => {}
                }
            }
            // A clearing names the latest earlier credit of its customer (cash
            // or a credit note that may have gone on account), so that some
            // apply; dated before it, a clearing is refused.
            for k in 0..evs.len() {
                if !matches!(evs[k].kind, EventKind::Cleared { .. }) {
                    continue;
                }
                let credit = evs[..k].iter().rev().find(|e| {
                    e.customer == evs[k].customer
                        && matches!(
                            e.kind,
                            EventKind::Payment { .. }
                                | EventKind::CreditNote {
                                    invoice_id: None,
                                    ..
                                }
                        )
                });
                if let (Some(c), EventKind::Cleared { credit_id, .. }) =
                    (credit.map(|c| c.id.clone()), &mut evs[k].kind)
                {
                    *credit_id = c;
                }
            }
            evs
        })
}

fn conv(v: Decimal, c: Currency) -> Decimal {
    if c == eur() {
        v
    } else {
        // The book's USD→EUR rate is 0.9, rounded half-even to cents.
        Money::new_rounded(
            v * Decimal::new(9, 1),
            eur(),
            credit_core::money::RoundingMode::HalfEven,
        )
        .unwrap()
        .amount()
    }
}

fn check_invariants(
    b: &mut CreditBook,
    day: NaiveDate,
    current: bool,
) -> Result<(), TestCaseError> {
    for id in ["A", "B"] {
        let c = CustomerId::from(id);
        let x = b.exposure(&c, "default", day).unwrap();
        let f = x.figures;
        // The total is the sum of its categories (policy weights are all 1).
        prop_assert_eq!(
            x.total,
            f.open_orders
                + f.delivered_not_invoiced
                + f.receivables
                + f.disputed
                + f.special_liabilities
        );
        prop_assert!(f.open_orders_in_horizon <= f.open_orders);
        prop_assert!(
            f.open_orders >= Decimal::ZERO
                && f.delivered_not_invoiced >= Decimal::ZERO
                && f.disputed >= Decimal::ZERO
        );
        let items = b.open_items(&c, "default", day).unwrap();
        let mut sum = Decimal::ZERO;
        for it in &items {
            prop_assert!(it.open > Decimal::ZERO && it.open <= it.amount && it.disputed <= it.open);
            sum += conv(it.open - it.disputed, it.currency) + conv(it.disputed, it.currency);
        }
        // Aging ties to the open items less the open credits, per currency
        // (no conversion).
        let credits = b.open_credits(&c, "default", day).unwrap();
        for cr in &credits {
            prop_assert!(cr.open > Decimal::ZERO && cr.open <= cr.amount);
            let cleared: Decimal = cr.clearings.iter().map(|x| x.1).sum();
            prop_assert_eq!(cr.open + cleared, cr.amount);
        }
        if current {
            overdue_views_agree(b, &c, day)?;
            // Receivables + disputed tie to the open items minus unapplied credits.
            let st = b.account_state(&c, "default").unwrap();
            let unapplied: Decimal = st.credits.iter().map(|c| conv(c.open, c.currency)).sum();
            prop_assert_eq!(f.receivables + f.disputed, sum - unapplied);
            for o in &st.orders {
                prop_assert!(
                    o.open_value() >= Decimal::ZERO && o.delivered_not_invoiced() >= Decimal::ZERO
                );
            }
        }
    }
    let aging = b.aging(day, GroupBy::Currency, None).unwrap();
    for row in &aging.rows {
        let mut want = Decimal::ZERO;
        for id in ["A", "B"] {
            let c = CustomerId::from(id);
            for it in b.open_items(&c, "default", day).unwrap() {
                if it.currency == row.currency {
                    want += it.open;
                }
            }
            for cr in b.open_credits(&c, "default", day).unwrap() {
                if cr.currency == row.currency {
                    want -= cr.open;
                }
            }
        }
        prop_assert_eq!(row.total, want, "aging {} on {}", row.currency, day);
    }
    Ok(())
}

/// The check's overdue figures, features, the worklist, dunning and the
/// item-overdue alert read one overdue walk: computed here from the open
/// items and credits alone — every due line past due, oldest due date
/// first (items' order on the same day), credits on account covering the
/// undisputed amounts oldest first, then active promises (for the check's
/// oldest line) — they must all agree with it.
fn overdue_views_agree(
    b: &CreditBook,
    c: &CustomerId,
    day: NaiveDate,
) -> Result<(), TestCaseError> {
    let st = b.account_state(c, "default").unwrap();
    // Invoices a running plan holds have no overdue lines.
    let held: Vec<&InvoiceId> = st
        .plans
        .iter()
        .filter(|p| p.runs_on(day).unwrap())
        .flat_map(|p| p.plan.terms.invoices.iter())
        .collect();
    let mut lines: Vec<(NaiveDate, usize, Decimal, Decimal)> = Vec::new();
    for (i, it) in st
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.open.is_zero() && !held.contains(&&i.invoice_id))
    {
        for (due, open, disputed) in it.due_lines() {
            if due < day && !open.is_zero() {
                lines.push((
                    due,
                    i,
                    conv(open - disputed, it.currency),
                    conv(disputed, it.currency),
                ));
            }
        }
    }
    lines.sort_by_key(|l| l.0);
    let mut credits: Decimal = st.credits.iter().map(|c| conv(c.open, c.currency)).sum();
    let (mut uncovered, mut oldest_left, mut with_disputed) = (Decimal::ZERO, None, 0i64);
    let mut short = std::collections::BTreeSet::new();
    let mut overdue_invoices = std::collections::BTreeSet::new();
    // Active promises cover, after credits, the oldest lines too (for the
    // check's oldest overdue line only).
    let mut promised: Decimal = st
        .promises
        .iter()
        .filter(|p| p.made_on <= day && day <= p.promised_date && p.paid < p.amount)
        .map(|p| conv(p.amount - p.paid, p.currency))
        .sum();
    for &(due, i, undisputed, disputed) in &lines {
        let by = undisputed.min(credits);
        credits -= by;
        let left = undisputed - by;
        uncovered += left;
        let days = (day - due).num_days();
        let by_promise = left.min(promised);
        promised -= by_promise;
        if left > by_promise {
            oldest_left.get_or_insert(days);
        }
        if left + disputed > Decimal::ZERO {
            with_disputed = with_disputed.max(days);
            short.insert(st.items[i].invoice_id.clone());
        }
        overdue_invoices.insert(st.items[i].invoice_id.clone());
    }
    // The check (materiality 0: any uncovered amount counts).
    let eur_fx = {
        let mut fx = credit_core::exposure::FxRates::default();
        fx.set(Currency::iso("USD").unwrap(), eur(), "0.9".parse().unwrap())
            .unwrap();
        fx
    };
    let o = credit_core::exposure::overdue(st, day, Decimal::ZERO, true, eur_fx.on(day)).unwrap();
    prop_assert_eq!(o.overdue_amount, uncovered, "check overdue amount of {}", c);
    prop_assert_eq!(
        o.oldest_overdue_days,
        oldest_left,
        "check oldest overdue of {}",
        c
    );
    // Features: the oldest line not covered (a disputed amount still counts).
    let f = b.features(c, "default", day).unwrap();
    prop_assert_eq!(f.current_days_overdue, with_disputed, "features of {}", c);
    // The worklist collects what is uncovered.
    let w = b.worklist(day, eur(), &[]).unwrap();
    let listed = w
        .iter()
        .find(|x| &x.customer == c)
        .map_or(Decimal::ZERO, |x| x.overdue);
    prop_assert_eq!(listed, uncovered, "worklist of {}", c);
    // Dunning never dunns more than is uncovered, nor a covered invoice.
    let run = b.dunning_run(day, &[]).unwrap();
    for n in run.notices.iter().filter(|n| &n.customer == c) {
        prop_assert!(
            n.amount <= uncovered,
            "dunned {} > {} for {}",
            n.amount,
            uncovered,
            c
        );
        for l in &n.lines {
            prop_assert!(
                short.contains(&l.invoice_id),
                "dunned covered {}",
                l.invoice_id
            );
        }
    }
    // Item-overdue alerts: exactly the overdue invoices not covered in full.
    let covered = credit_core::monitor::covered_overdue(st, day, eur_fx.on(day)).unwrap();
    for id in &covered {
        prop_assert!(
            overdue_invoices.contains(*id) && !short.contains(*id),
            "covered {}",
            id
        );
    }
    for id in overdue_invoices.iter().filter(|i| !short.contains(*i)) {
        prop_assert!(covered.contains(&id), "not covered {}", id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn exposure_ties_out_and_replay_is_deterministic(evs in events(), cut in 0usize..40) {
        let mut b1 = base_book();
        let mut b2 = base_book();
        let mut b3 = base_book();
        let cut = cut.min(evs.len());
        for (i, e) in evs.iter().enumerate() {
            let e = &plan_for_what_is_open(&b1, e.clone());
            let before = b1.state_digest();
            let r1 = b1.apply(e.clone());
            if r1.is_err() {
                // A rejected event changes nothing.
                prop_assert_eq!(b1.state_digest(), before);
            }
            let r2 = b2.apply(e.clone());
            prop_assert_eq!(r1.is_ok(), r2.is_ok());
            if i + 1 == cut {
                b3 = CreditBook::restore(&b2.snapshot().unwrap()).unwrap();
            }
            if i >= cut {
                let _ = b3.apply(e.clone());
            }
        }
        if cut == 0 {
            b3 = CreditBook::restore(&b2.snapshot().unwrap()).unwrap();
        }
        prop_assert_eq!(b1.state_digest(), b2.state_digest());
        prop_assert_eq!(b3.state_digest(), b1.state_digest());
        check_invariants(&mut b1, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), true)?;
        check_invariants(&mut b1, NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(), false)?;
    }

    #[test]
    fn concurrent_style_checks_never_exceed_the_limit(amounts in prop::collection::vec(1i64..300_000, 1..60)) {
        let mut b = base_book();
        let day = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        let mut approved = Decimal::ZERO;
        for (i, a) in amounts.iter().enumerate() {
            let amount = Money::from_minor_units(i128::from(*a), eur()).unwrap();
            let d = b.check_order(OrderRequest {
                customer: CustomerId::from(if i % 2 == 0 { "A" } else { "B" }),
                segment: "default".into(),
                order_id: OrderId(format!("X{i}")),
                amount,
                requested_delivery: None,
                checkpoint: Checkpoint::Order,
                as_of: day,
            }).unwrap();
            if d.outcome != credit_core::check::Outcome::Blocked {
                approved += amount.amount();
            }
        }
        // Reserved approvals never exceed the group limit (8000) nor both limits (2 × 5000).
        prop_assert!(approved <= Decimal::from(8000));
    }

    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,200}") {
        if let Ok(e) = serde_json::from_str::<Event>(&text) {
            let mut b = base_book();
            let _ = b.apply(e);
        }
        let _ = Policy::from_json(&text);
        let _ = CreditBook::restore(&text);
    }

    #[test]
    fn a_failed_batch_changes_nothing_and_a_good_one_equals_one_by_one_in_date_order(
        first in events(),
        batch in events(),
        checks in prop::collection::vec((0u8..3, 1i64..600_000), 0..4),
    ) {
        // A book with history, reservations and holds (order checks on the
        // generator's order ids), then a batch; some batch ids repeat the
        // history's (duplicates, conflicts), reversals point into both.
        let mut b = base_book();
        for e in first {
            let _ = b.apply(e);
        }
        let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        for (o, cents) in checks {
            let _ = b.check_order(OrderRequest {
                customer: CustomerId::from(if o % 2 == 0 { "A" } else { "B" }),
                segment: "default".into(),
                order_id: OrderId(format!("O{o}")),
                amount: Money::from_minor_units(i128::from(cents), eur()).unwrap(),
                requested_delivery: None,
                checkpoint: Checkpoint::Order,
                as_of: day,
            });
        }
        let batch: Vec<Event> = batch
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                if i % 3 != 0 {
                    e.id = EventId(format!("b{i}"));
                }
                e
            })
            .collect();
        let before = b.state_digest();
        let pristine = b.clone();
        let mut one_by_one = b.clone();
        // The batch is the events one by one in date order (ties and
        // reversals where given); its outcomes come back in the order given.
        let order = date_order(&batch);
        let results: Vec<(usize, bool)> = order
            .iter()
            .map(|&i| (i, one_by_one.apply(batch[i].clone()).is_ok()))
            .collect();
        match b.apply_all(batch.clone()) {
            Ok(out) => {
                prop_assert_eq!(out.len(), batch.len());
                prop_assert!(results.iter().all(|(_, ok)| *ok));
                prop_assert_eq!(b.state_digest(), one_by_one.state_digest());
            }
            Err((i, _)) => {
                prop_assert_eq!(Some(i), results.iter().find(|(_, ok)| !ok).map(|(i, _)| *i));
                prop_assert_eq!(b.state_digest(), before);
                // Nothing of the batch lingers (ids, reservations, holds,
                // reversal flags): the book answers every event, and the
                // same order checks, as the copy taken before it.
                let mut again = b;
                let mut copy = pristine;
                for e in &batch {
                    prop_assert_eq!(again.apply(e.clone()).is_ok(), copy.apply(e.clone()).is_ok());
                }
                prop_assert_eq!(again.state_digest(), copy.state_digest());
                for o in 0..3u8 {
                    let req = OrderRequest {
                        customer: CustomerId::from("A"),
                        segment: "default".into(),
                        order_id: OrderId(format!("O{o}")),
                        amount: Money::parse("1.00", eur()).unwrap(),
                        requested_delivery: None,
                        checkpoint: Checkpoint::Order,
                        as_of: day,
                    };
                    let (x, y) = (again.check_order(req.clone()), copy.check_order(req));
                    prop_assert_eq!(x.map(|d| d.outcome), y.map(|d| d.outcome));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// An export's row order does not matter (issue 15): the batch shuffled
    /// across days (rows of one day keep their order, which decides ties)
    /// gives the same book, the same outcomes and, when refused, the same
    /// failing event as in the order given.
    #[test]
    fn a_batch_in_any_order_across_days_gives_the_same_book(
        first in events(),
        batch in events(),
        keys in prop::collection::vec(any::<u32>(), 40),
    ) {
        let mut b = base_book();
        for e in first {
            let _ = b.apply(e);
        }
        let batch: Vec<Event> = batch
            .into_iter()
            .filter(|e| !matches!(e.kind, EventKind::Reversal { .. }))
            .enumerate()
            .map(|(i, mut e)| {
                e.id = EventId(format!("b{i}"));
                e
            })
            .collect();
        // Each day's rows move as a block, to the place the day's key gives.
        let mut perm: Vec<usize> = (0..batch.len()).collect();
        perm.sort_by_key(|&i| keys[(batch[i].date.ordinal() as usize) % keys.len()]);
        let shuffled: Vec<Event> = perm.iter().map(|&i| batch[i].clone()).collect();
        let mut x = b.clone();
        let mut y = b;
        match (x.apply_all(batch), y.apply_all(shuffled)) {
            (Ok(u), Ok(v)) => {
                let v_in_given_order: Vec<_> = {
                    let mut w = vec![None; v.len()];
                    for (k, &i) in perm.iter().enumerate() {
                        w[i] = Some(v[k]);
                    }
                    w.into_iter().flatten().collect()
                };
                prop_assert_eq!(u, v_in_given_order);
            }
            (Err((i, e)), Err((k, f))) => {
                prop_assert_eq!(i, perm[k]);
                prop_assert_eq!(e.to_string(), f.to_string());
            }
            (u, v) => prop_assert!(false, "{:?} vs {:?}", u.map(|_| ()), v.map(|_| ())),
        }
        prop_assert_eq!(x.state_digest(), y.state_digest());
    }
}

/// The order `CreditBook::apply_all` documents: by date, ties in the order
/// given, each run between two reversals on its own, a reversal where it
/// stands (written here with a stable sort, independently of the book's
/// counting sort).
fn date_order(batch: &[Event]) -> Vec<usize> {
    let mut order = Vec::with_capacity(batch.len());
    let mut run: Vec<usize> = Vec::new();
    for (i, e) in batch.iter().enumerate() {
        if matches!(e.kind, EventKind::Reversal { .. }) {
            run.sort_by_key(|&k| batch[k].date);
            order.append(&mut run);
            order.push(i);
        } else {
            run.push(i);
        }
    }
    run.sort_by_key(|&k| batch[k].date);
    order.append(&mut run);
    order
}

/// A batch that places a reserved order, places and cancels a held one and
/// reverses an earlier event, then fails: the hold, the reservation map and
/// the reversal flag are as before, and the book answers the same events as
/// a copy taken before the batch.
#[test]
fn a_failed_batch_restores_holds_reservations_and_reversals() {
    let day = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
    let ev = |id: &str, kind: EventKind| Event {
        id: EventId(id.into()),
        customer: CustomerId::from("A"),
        segment: "default".into(),
        date: day,
        kind,
    };
    let mut b = base_book();
    let inv = EventKind::Invoiced {
        invoice_id: InvoiceId("I1".into()),
        amount: Decimal::new(100_000, 2),
        currency: eur(),
        terms: None,
        due_date: Some(day),
        order_id: None,
        delivery_id: None,
        discount_base: None,
    };
    b.apply(ev("e1", inv)).unwrap();
    // 1000 open + 4500 > 5000: blocked, on hold.
    let d = b
        .check_order(OrderRequest {
            customer: CustomerId::from("A"),
            segment: "default".into(),
            order_id: OrderId("O1".into()),
            amount: Money::parse("4500.00", eur()).unwrap(),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: day,
        })
        .unwrap();
    assert_eq!(d.outcome, credit_core::check::Outcome::Blocked);
    // 100 fits: approved and reserved until its order is placed.
    let d = b
        .check_order(OrderRequest {
            customer: CustomerId::from("A"),
            segment: "default".into(),
            order_id: OrderId("O2".into()),
            amount: Money::parse("100.00", eur()).unwrap(),
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: day,
        })
        .unwrap();
    assert_eq!(d.outcome, credit_core::check::Outcome::Approved);
    let before = b.state_digest();
    let pristine = b.clone();
    let batch = vec![
        ev(
            "b0",
            EventKind::OrderPlaced {
                order_id: OrderId("O2".into()),
                amount: Decimal::new(10_000, 2),
                currency: eur(),
                requested_delivery: None,
                prepaid: false,
            },
        ),
        ev(
            "b1",
            EventKind::OrderPlaced {
                order_id: OrderId("O1".into()),
                amount: Decimal::new(450_000, 2),
                currency: eur(),
                requested_delivery: None,
                prepaid: false,
            },
        ),
        ev(
            "b2",
            EventKind::OrderCancelled {
                order_id: OrderId("O1".into()),
            },
        ),
        ev(
            "b3",
            EventKind::Reversal {
                event_id: EventId("e1".into()),
            },
        ),
        // Writes off an invoice that does not exist: the batch fails here.
        ev(
            "b4",
            EventKind::WriteOff {
                invoice_id: InvoiceId("I9".into()),
                amount: Decimal::ONE,
                currency: eur(),
            },
        ),
    ];
    assert_eq!(b.apply_all(batch.clone()).unwrap_err().0, 4);
    assert_eq!(b.state_digest(), before);
    // The same events one by one, on both: identical answers and books
    // (a reversal flag left set would refuse b3 or replay differently).
    let mut copy = pristine;
    for e in &batch[..4] {
        assert_eq!(
            b.apply(e.clone()).map_err(|e| e.to_string()),
            copy.apply(e.clone()).map_err(|e| e.to_string())
        );
    }
    let late = Event {
        date: day.pred_opt().unwrap(),
        ..ev(
            "b5",
            EventKind::SpecialLiabilities {
                amount: Decimal::ONE,
                currency: eur(),
            },
        )
    };
    assert!(b.apply(late.clone()).is_ok() && copy.apply(late).is_ok());
    assert_eq!(b.state_digest(), copy.state_digest());
}
