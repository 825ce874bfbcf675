//! A deterministic simulation of the book: a seeded scheduler interleaves
//! what several actors do — order desks checking orders concurrently (in
//! bursts against one limit), the ledger feed (events, back-dated ones,
//! reversals, batches), the credit manager (limits, releases, withdrawals,
//! policy and FX changes) and operations (snapshots and restores, every
//! report) — and checks the book's invariants after every step (see
//! [`crate::book`]). A burst also checks that concurrent approvals never
//! exceed a limit together and that each reserves exactly its amount.
//!
//! The same seed replays the same run; a failure names the seed and step.

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use credit_core::check::Outcome;
use credit_core::customer::{CreditLimit, CustomerId, OrderId};
use credit_core::engine::OrderRequest;
use credit_core::money::Money;
use credit_core::policy::Checkpoint;
use rust_decimal::Decimal;

use crate::book::{Failure, Op, World, CUSTOMERS};

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Steps run.
    pub steps: usize,
    /// Checks made in bursts.
    pub burst_checks: usize,
    /// Of which approved.
    pub approved: usize,
    /// Snapshots restored and compared.
    pub restores: usize,
    /// Invariant checks passed.
    pub invariant_checks: u64,
}

/// An operation for one actor, from random bytes (retried until one
/// decodes; the kinds are weighted by actor).
fn op_for(rng: &mut Rng, pick: impl Fn(&Op) -> bool) -> Op {
    loop {
        let bytes = rng.bytes(96);
        let mut u = Unstructured::new(&bytes);
        if let Ok(op) = Op::arbitrary(&mut u) {
            if pick(&op) {
                return op;
            }
        }
    }
}

/// Runs `steps` steps of the simulation for `seed`.
///
/// # Errors
/// The first broken invariant: its step and operation.
pub fn run(seed: u64, steps: usize) -> Result<Stats, Failure> {
    let mut rng = Rng::new(seed);
    let mut w = World::new();
    let mut stats = Stats::default();
    let mut burst_no = 0u64;
    for step in 0..steps {
        let r = rng.below(100);
        let fail = |op: String, what: String| Failure { step, op, what };
        if (50..70).contains(&r) {
            burst_no += 1;
            let (n, ok) = burst(&mut w, &mut rng, burst_no)
                .map_err(|what| fail(format!("burst {burst_no}"), what))?;
            stats.burst_checks += n;
            stats.approved += ok;
            w.invariants()
                .map_err(|what| fail(format!("after burst {burst_no}"), what))?;
        } else {
            let op = match r {
                0..=39 => op_for(&mut rng, |o| matches!(o, Op::Event(_))),
                40..=49 => op_for(&mut rng, |o| matches!(o, Op::Batch(_))),
                70..=74 => op_for(&mut rng, |o| {
                    matches!(o, Op::Release { .. } | Op::Withdraw { .. })
                }),
                75..=79 => op_for(&mut rng, |o| {
                    matches!(o, Op::Limit { .. } | Op::Customer { .. } | Op::Fx { .. })
                }),
                80..=82 => op_for(&mut rng, |o| matches!(o, Op::Policy(_))),
                83..=87 => Op::Snapshot,
                _ => op_for(&mut rng, |o| {
                    matches!(o, Op::Views { .. } | Op::Simulate(_) | Op::Check(_))
                }),
            };
            if matches!(op, Op::Snapshot) {
                stats.restores += 1;
            }
            w.step(&op).map_err(|what| fail(format!("{op:?}"), what))?;
        }
        stats.steps += 1;
    }
    w.restore_equals_live().map_err(|what| Failure {
        step: steps,
        op: "final restore".into(),
        what,
    })?;
    stats.restores += 1;
    stats.invariant_checks = w.checks;
    Ok(stats)
}

/// Several order desks check new orders of one account at one date,
/// interleaved in a random order, with nothing else in between. Under the
/// static-limit policy the approvals never exceed the limit together, each
/// reserves exactly its amount, and each refusal was needed.
fn burst(w: &mut World, rng: &mut Rng, no: u64) -> Result<(usize, usize), String> {
    let c = CUSTOMERS[rng.below(CUSTOMERS.len() as u64) as usize];
    let id = CustomerId::from(c);
    let seg = ["default", "eu"][rng.below(2) as usize];
    let day = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(rng.below(700))))
        .unwrap_or_default();
    let cur = match w.book.account_state(&id, seg) {
        Some(st) => st.currency,
        None => w
            .book
            .customer(&id)
            .map(|c| c.segment_currency(seg))
            .ok_or("no customer")?,
    };
    // A fresh limit, so bursts meet it often.
    let mu = cur.minor_units();
    let limit = Money::new(
        Decimal::new(rng.below(400_000) as i64 * 10i64.pow(mu), mu),
        cur,
    )
    .map_err(|e| e.to_string())?;
    let strict = w.book.policy().policy_id == "static";
    let d0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut l = CreditLimit::amount(c, limit);
    l.segment = seg.into();
    let ok = w.book.set_limit(l, d0).is_ok();
    if !ok {
        return Ok((0, 0));
    }
    // The present exposure (everything the book holds, as a check sees it).
    let now = NaiveDate::MAX;
    let before = w.book.exposure(&id, seg, now);
    let desks = 2 + rng.below(6);
    let per = 1 + rng.below(6);
    let mut queue: Vec<(u64, u64)> = (0..desks)
        .flat_map(|d| (0..per).map(move |k| (d, k)))
        .collect();
    // Interleave the desks' requests at random.
    for i in (1..queue.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        queue.swap(i, j);
    }
    let (mut n, mut approved) = (0usize, 0usize);
    let mut sum = Decimal::ZERO;
    for (desk, k) in queue {
        let amount = Decimal::new((1 + rng.below(50_000)) as i64 * 10i64.pow(mu), mu);
        let req = OrderRequest {
            customer: id.clone(),
            segment: seg.into(),
            order_id: OrderId(format!("B{no}-{desk}-{k}")),
            amount: Money::new(amount, cur).map_err(|e| e.to_string())?,
            requested_delivery: None,
            checkpoint: Checkpoint::Order,
            as_of: day,
        };
        let snap = w.book.state_digest();
        let d = match w.book.check_order(req) {
            Ok(d) => d,
            Err(_) => {
                if w.book.state_digest() != snap {
                    return Err("a refused check changed the book".into());
                }
                continue;
            }
        };
        n += 1;
        if d.outcome != Outcome::Blocked {
            approved += 1;
            sum += amount;
        } else if strict {
            // A refusal under the static limit: this order would have
            // taken the exposure past the limit.
            let x = w.book.exposure(&id, seg, now).map_err(|e| e.to_string())?;
            if x.total + amount <= limit.amount() {
                return Err(format!(
                    "order {amount} blocked with exposure {} under limit {}",
                    x.total,
                    limit.amount()
                ));
            }
        }
    }
    if let (true, Ok(before)) = (strict, before) {
        let after = w.book.exposure(&id, seg, now).map_err(|e| e.to_string())?;
        if after.total != before.total + sum {
            return Err(format!(
                "approvals of {sum} moved the exposure from {} to {}",
                before.total, after.total
            ));
        }
        if before.total <= limit.amount() && after.total > limit.amount() {
            let log: Vec<String> = w
                .book
                .decision_log()
                .iter()
                .rev()
                .take(n)
                .map(|e| {
                    format!(
                        "{} {:?} {:?} before={} after={} figures={:?}",
                        e.request.order_id,
                        e.decision.outcome,
                        e.request.as_of,
                        e.decision.exposure_before,
                        e.decision.exposure_after,
                        e.inputs.figures
                    )
                })
                .collect();
            return Err(format!(
                "approved orders exceed the limit together: {} > {} (before {}, approved {sum}, {c} on {day})\n{}",
                after.total,
                limit.amount(),
                before.total,
                log.join("\n")
            ));
        }
    }
    Ok((n, approved))
}
