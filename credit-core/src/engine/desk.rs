//! The book's order desk: what a check sees, the check itself, holds,
//! releases and the decision log (the rules are in [`crate::check`]).

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookError, CreditBook};
use crate::calendar::add_days;
use crate::check::desk::{
    Backtest, Hold, LogEntry, Measured, Measures, MemberReserved, OrderRequest, Release, Reserve,
    ReservedPart,
};
use crate::check::{evaluate, CheckInputs, Decision, GroupView, LimitView, Outcome, ReleaseView};
use crate::chunks::Entries;
use crate::customer::OrderId;
use crate::exposure::{self, Figures, Overdue};
use crate::money::{Currency, Money};
use crate::policy::Policy;

/// What re-checking the held orders found ([`CreditBook::releasable`]; also
/// returned by every change that can free a hold: a policy, a limit, a
/// customer's data).
#[derive(Debug, Clone, Default)]
pub struct Recheck {
    /// The held orders that would now pass, with the decision they would get.
    pub releasable: Vec<(OrderId, Decision)>,
    /// The held orders that could not be re-checked, with the reason. They
    /// stay on hold; nothing about them is known to have changed.
    pub not_rechecked: Vec<NotRechecked>,
}

/// A held order whose re-check failed.
#[derive(Debug, Clone)]
pub struct NotRechecked {
    /// The held order.
    pub order_id: OrderId,
    /// Why it could not be re-checked.
    pub error: BookError,
}

/// [`Recheck`] as the bindings return it: decision reports, and each
/// failed re-check with its error kind's name and message.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecheckReport<'a> {
    /// The held orders that would now pass.
    pub releasable: Vec<crate::check::DecisionReport<'a>>,
    /// The held orders that could not be re-checked.
    pub not_rechecked: Vec<NotRecheckedReport<'a>>,
}

/// One failed re-check in a [`RecheckReport`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct NotRecheckedReport<'a> {
    /// The held order.
    pub order_id: &'a str,
    /// The error kind's stable name ([`crate::error::ErrorKind::name`]).
    pub error: &'static str,
    /// The error's message.
    pub message: String,
}

impl Recheck {
    /// The report form: every decision with its messages, every failure
    /// with its kind and message.
    pub fn report(&self) -> RecheckReport<'_> {
        use crate::error::Classify;
        RecheckReport {
            releasable: self
                .releasable
                .iter()
                .map(|(o, d)| d.report(o.as_str()))
                .collect(),
            not_rechecked: self
                .not_rechecked
                .iter()
                .map(|n| NotRecheckedReport {
                    order_id: n.order_id.as_str(),
                    error: n.error.kind().name(),
                    message: n.error.to_string(),
                })
                .collect(),
        }
    }

    /// The ids of the releasable orders, in hold order.
    pub fn releasable_ids(&self) -> Vec<&str> {
        self.releasable.iter().map(|(o, _)| o.as_str()).collect()
    }
}

/// Where a check's figures come from.
#[derive(Clone, Copy)]
enum Source<'e> {
    /// Everything the book holds now, with the desk's reservations (a check).
    Now,
    /// The ledger as of the check's date, with the reservations a logged
    /// check counted (a back-test measuring again).
    Logged(&'e Measured, usize),
}

/// The reservations added to an account's ledger figures.
enum Reservations<'e> {
    /// The desk's, now.
    Desk,
    /// Recorded by delivery date.
    Parts(&'e [ReservedPart]),
    /// A recorded total (a group member: a group weighs all its orders).
    Total(Decimal),
}

/// The end of the horizon of `days` from `as_of`.
pub(super) fn horizon_end(as_of: NaiveDate, days: u32) -> NaiveDate {
    add_days(as_of, days).unwrap_or(NaiveDate::MAX)
}

impl CreditBook {
    /// Account `a`'s figures for a check of another order than `exclude`,
    /// measured with `m`: the ledger (now, or as of `as_of` for a logged
    /// check) plus `res`.
    fn check_figures(
        &self,
        a: usize,
        as_of: NaiveDate,
        exclude: &OrderId,
        m: &Measures,
        res: Reservations<'_>,
    ) -> Result<(Figures, Overdue), BookError> {
        let horizon_end = horizon_end(as_of, m.horizon_days);
        let state = match res {
            Reservations::Desk => Cow::Borrowed(self.ledger.journal(a).state()),
            _ => self.ledger.state_at(a, as_of)?,
        };
        let (mut f, o) = exposure::scan(
            &state,
            as_of,
            horizon_end,
            m.materiality,
            m.credits_cover,
            self.fx.on(as_of),
            Some(exclude),
        )?;
        let add =
            |x: Decimal, v: Decimal| x.checked_add(v).ok_or(BookError::Overflow("reservations"));
        match res {
            Reservations::Desk => {
                f = self
                    .desk
                    .add_reservations(a, f, horizon_end, Some(exclude), None)?;
            }
            Reservations::Parts(parts) => {
                for p in parts {
                    f.open_orders = add(f.open_orders, p.amount)?;
                    if p.requested_delivery.is_none_or(|d| d <= horizon_end) {
                        f.open_orders_in_horizon = add(f.open_orders_in_horizon, p.amount)?;
                    }
                }
            }
            Reservations::Total(t) => f.open_orders = add(f.open_orders, t)?,
        }
        Ok((f, o))
    }

    /// Weighted exposure (in `gcur`) of the group headed by customer `h` in
    /// `segment`, without the order being checked, measured with `m`.
    fn group_exposure_for_check(
        &self,
        h: usize,
        req: &OrderRequest,
        gcur: Currency,
        m: &Measures,
        src: Source<'_>,
    ) -> Result<Decimal, BookError> {
        let mut total = Decimal::ZERO;
        self.directory.walk_subtree_on(h, req.as_of, &mut |c| {
            if let Some(a) = self.account_idx(c, &req.segment) {
                let res = match src {
                    Source::Now => Reservations::Desk,
                    Source::Logged(rec, checked) if c == checked => {
                        Reservations::Parts(&rec.reserved)
                    }
                    Source::Logged(rec, _) => {
                        let id = &self.directory.customer(c).id;
                        Reservations::Total(
                            rec.group_reserved
                                .iter()
                                .find(|r| &r.customer == id)
                                .map_or(Decimal::ZERO, |r| r.amount),
                        )
                    }
                };
                let (f, _) = self.check_figures(a, req.as_of, &req.order_id, m, res)?;
                let w = f
                    .weighted(&m.weights, false)
                    .ok_or(BookError::Overflow("group exposure"))?;
                let v = self.fx.on(req.as_of).convert(
                    w,
                    self.ledger.journal(a).state().currency,
                    gcur,
                )?;
                total = total
                    .checked_add(v)
                    .ok_or(BookError::Overflow("group exposure"))?;
            }
            Ok::<(), BookError>(())
        })?;
        Ok(total)
    }

    /// The tightest group limit over the customer's group heads (the one
    /// with the least headroom after the order), with its head.
    fn group_view(
        &self,
        c: usize,
        req: &OrderRequest,
        order_amount: Decimal,
        currency: Currency,
    ) -> Result<Option<(usize, GroupView)>, BookError> {
        let m = self.policy.measures();
        let mut best: Option<(usize, GroupView)> = None;
        for h in self.directory.ancestors_on(c, req.as_of) {
            let Some(limit) = self
                .account_idx(h, &req.segment)
                .and_then(|a| self.accounts[a].group_limit.on(req.as_of))
                .and_then(|gl| gl.effective(req.as_of))
            else {
                continue;
            };
            let gcur = self.directory.customer(h).segment_currency(&req.segment);
            let view = GroupView {
                exposure_before: self.group_exposure_for_check(h, req, gcur, &m, Source::Now)?,
                order_amount: self
                    .fx
                    .on(req.as_of)
                    .convert(order_amount, currency, gcur)?,
                limit,
                currency: gcur,
            };
            if best
                .as_ref()
                .is_none_or(|(_, b)| view.headroom() < b.headroom())
            {
                best = Some((h, view));
            }
        }
        Ok(best)
    }

    /// The figures a check of `req` sees (without recording anything).
    ///
    /// A check is a present act: it counts everything the book holds now —
    /// every event and every reservation, whatever their dates — and uses
    /// `req.as_of` for what depends on time (days overdue, the horizon,
    /// limit validity, review dates). So no choice of dates lets two checks
    /// together exceed a limit. [`CreditBook::exposure`] as of a date on or
    /// after the latest event and reservation shows the same figures.
    ///
    /// # Errors
    /// [`BookError::InvalidArgument`] for an order amount that is not
    /// positive; unknown customer, missing FX rate, overflow.
    pub fn check_inputs(&self, req: &OrderRequest) -> Result<CheckInputs, BookError> {
        Ok(self.measure(req)?.0)
    }

    /// [`CreditBook::check_inputs`], with the head of the group whose
    /// limit it used.
    fn measure(&self, req: &OrderRequest) -> Result<(CheckInputs, Option<usize>), BookError> {
        if req.amount.is_negative() || req.amount.is_zero() {
            // A negative order would lower the exposure and free limit for
            // other orders; a zero one has nothing to check.
            return Err(BookError::InvalidArgument {
                field: "amount",
                value: req.amount.to_string(),
                reason: "an order amount must be positive",
            });
        }
        let b = &self.policy.bounds;
        b.check_id("customer", &req.customer.0)?;
        b.check_id("order_id", &req.order_id.0)?;
        b.check_id("segment", &req.segment)?;
        let c = self.cust(&req.customer)?;
        let cust = self.directory.customer_on(c, req.as_of);
        let currency = cust.segment_currency(&req.segment);
        let order_amount =
            self.fx
                .on(req.as_of)
                .convert(req.amount.amount(), req.amount.currency(), currency)?;
        let m = self.policy.measures();
        let (figures, limit, overdue) = match self.account_idx(c, &req.segment) {
            Some(a) => {
                let (f, o) =
                    self.check_figures(a, req.as_of, &req.order_id, &m, Reservations::Desk)?;
                (
                    f,
                    LimitView::of(self.accounts[a].limit.on(req.as_of), req.as_of),
                    o,
                )
            }
            None => (
                Figures::default(),
                LimitView::NotDefined,
                Overdue::default(),
            ),
        };
        let group = self.group_view(c, req, order_amount, currency)?;
        let inputs = CheckInputs {
            as_of: req.as_of,
            checkpoint: req.checkpoint,
            currency,
            order_amount,
            order_in_horizon: req
                .requested_delivery
                .is_none_or(|d| d <= self.horizon_end(req.as_of)),
            figures,
            limit,
            group: group.as_ref().map(|(_, g)| *g),
            customer_blocked: cust.blocked.is_some(),
            risk_class: cust.risk_class,
            oldest_overdue_days: overdue.oldest_overdue_days,
            overdue_amount: overdue.overdue_amount,
            balance: overdue.balance,
            max_dunning_level: overdue.max_dunning_level,
            next_review: cust.next_review,
            release: self.desk.release_of(&req.order_id).map(|r| ReleaseView {
                amount: r.amount.amount(),
                date: r.date,
            }),
        };
        Ok((inputs, group.map(|(h, _)| h)))
    }

    /// What a check of `req` measured with and the reservations it
    /// counted (for its log entry); `head` the group whose limit it used.
    fn measured(&self, req: &OrderRequest, head: Option<usize>) -> Result<Measured, BookError> {
        let c = self.cust(&req.customer)?;
        let reserved = match self.account_idx(c, &req.segment) {
            Some(a) => self.desk.reserved_parts(a, &req.order_id)?,
            None => Vec::new(),
        };
        let mut group_reserved = Vec::new();
        if let Some(h) = head {
            self.directory.walk_subtree_on(h, req.as_of, &mut |m| {
                let Some(a) = self.account_idx(m, &req.segment).filter(|_| m != c) else {
                    return Ok(());
                };
                let mut amount = Decimal::ZERO;
                for p in self.desk.reserved_parts(a, &req.order_id)? {
                    amount = amount
                        .checked_add(p.amount)
                        .ok_or(BookError::Overflow("reservations"))?;
                }
                if !amount.is_zero() {
                    let customer = self.directory.customer(m).id.clone();
                    group_reserved.push(MemberReserved { customer, amount });
                }
                Ok::<(), BookError>(())
            })?;
        }
        Ok(Measured {
            measures: self.policy.measures(),
            reserved,
            group_head: head.map(|h| self.directory.customer(h).id.clone()),
            group_reserved,
        })
    }

    /// A logged check's inputs with its figures measured again with `m`:
    /// from the ledger as of the check's date (events dated on or before
    /// it) plus the reservations it counted. What does not depend on how
    /// figures are measured (the order, limits, class, blocked flag, review
    /// date, release) is kept as recorded.
    fn remeasure(
        &self,
        e: &LogEntry,
        rec: &Measured,
        m: &Measures,
    ) -> Result<CheckInputs, BookError> {
        let req = &e.request;
        let mut i = e.inputs;
        let c = self.cust(&req.customer)?;
        i.order_in_horizon = req
            .requested_delivery
            .is_none_or(|d| d <= horizon_end(req.as_of, m.horizon_days));
        if let Some(a) = self.account_idx(c, &req.segment) {
            let res = Reservations::Parts(&rec.reserved);
            let (f, o) = self.check_figures(a, req.as_of, &req.order_id, m, res)?;
            i.figures = f;
            i.oldest_overdue_days = o.oldest_overdue_days;
            i.overdue_amount = o.overdue_amount;
            i.balance = o.balance;
            i.max_dunning_level = o.max_dunning_level;
        }
        if let (Some(g), Some(head)) = (i.group.as_mut(), rec.group_head.as_ref()) {
            let h = self.cust(head)?;
            g.exposure_before =
                self.group_exposure_for_check(h, req, g.currency, m, Source::Logged(rec, c))?;
        }
        Ok(i)
    }

    /// What checking `req` would decide now, without logging, reserving or
    /// holding anything (an order simulation). Allocates nothing unless a
    /// step fails.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn simulate_check(&self, req: &OrderRequest) -> Result<Decision, BookError> {
        let inputs = self.check_inputs(req)?;
        evaluate(&self.policy.check_config(), &inputs)
            .map_err(|_| BookError::Overflow("the credit check"))
    }

    /// Whether account `a` already holds `order` as a placed order (which
    /// then counts as an open order, not as a reservation).
    fn placed(&self, a: usize, order: &OrderId) -> bool {
        self.ledger.journal(a).state().order(order).is_some()
    }

    /// Checks an order: runs the policy's steps for its checkpoint, logs the
    /// decision, and reserves the order's value when approved (or puts the
    /// order on hold when blocked).
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, precision, overflow. Nothing is
    /// logged or reserved on error.
    pub fn check_order(&mut self, req: OrderRequest) -> Result<Decision, BookError> {
        let (inputs, head) = self.measure(&req)?;
        let decision = evaluate(&self.policy.check_config(), &inputs)
            .map_err(|_| BookError::Overflow("the credit check"))?;
        let measured = self.measured(&req, head)?;
        // The converted value is at the credit currency's precision.
        let value = Money::new(inputs.order_amount, inputs.currency)?;
        let c = self.cust(&req.customer)?;
        // A blocked order reserves nothing: no account needs opening.
        let reserve = (decision.outcome != Outcome::Blocked).then(|| {
            let account = self.account_or_new(c, &req.segment);
            Reserve {
                account,
                value,
                placed: self.placed(account, &req.order_id),
            }
        });
        let policy_id = self.policy.policy_id.clone();
        self.desk
            .record(req, &policy_id, inputs, &decision, reserve, measured);
        Ok(decision)
    }

    /// Releases a held order: a documented credit decision (who, when, why).
    /// The order's value is then reserved like an approved order's.
    ///
    /// # Errors
    /// [`crate::check::desk::DeskError::NotOnHold`];
    /// [`crate::check::desk::DeskError::ReleaseIncomplete`] without `by` or
    /// `reason`.
    pub fn release(
        &mut self,
        order_id: &OrderId,
        by: &str,
        reason: &str,
        date: NaiveDate,
    ) -> Result<Release, BookError> {
        let (release, req) =
            self.desk
                .prepare_release(order_id, by, reason, date, &self.policy.bounds)?;
        let (customer, segment) = (req.customer.clone(), req.segment.clone());
        let c = self.cust(&customer)?;
        let a = self.account_or_new(c, &segment);
        let placed = self.placed(a, order_id);
        self.desk.release(release.clone(), a, placed);
        Ok(release)
    }

    /// Withdraws an order that was checked but will not be placed: its
    /// reservation (if approved) or its hold (if blocked) is removed.
    /// Returns false when the book holds nothing for it. (A placed order is
    /// cancelled with an `order_cancelled` event instead.)
    pub fn withdraw_order(&mut self, order_id: &OrderId) -> bool {
        self.desk.withdraw(order_id)
    }

    /// Re-checks every held order as of `as_of` (without logging): those
    /// that would now pass, and those that cannot be re-checked (a missing
    /// FX rate, an overflow), each with its error. A hold still blocked is
    /// in neither list.
    ///
    /// ```
    /// use credit_core::money::{Currency, Money};
    /// use credit_core::{Checkpoint, CreditBook, CreditLimit, Customer, OrderRequest, Policy};
    /// let policy = Policy::from_json(r#"{"schema_version": 1, "policy_id": "v1",
    ///     "steps": [{"step": "static_limit", "action": "block"}]}"#)?;
    /// let mut book = CreditBook::new(policy)?;
    /// let (eur, day) = (Currency::iso("EUR")?, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    /// book.upsert_customer(Customer::new("C1", "Acme", eur), day)?;
    /// book.set_limit(CreditLimit::amount("C1", Money::parse("1000.00", eur)?), day)?;
    /// book.check_order(OrderRequest {
    ///     customer: "C1".into(), segment: "default".into(), order_id: "SO-1".into(),
    ///     amount: Money::parse("1500.00", eur)?, requested_delivery: None,
    ///     checkpoint: Checkpoint::Order, as_of: day,
    /// })?; // blocked: 1500 > 1000
    /// let r = book.set_limit(CreditLimit::amount("C1", Money::parse("2000.00", eur)?), day)?;
    /// assert_eq!((r.releasable_ids(), r.not_rechecked.len()), (vec!["SO-1"], 0));
    /// assert_eq!(book.releasable(day).releasable_ids(), ["SO-1"]); // reported, still held
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn releasable(&self, as_of: NaiveDate) -> Recheck {
        let config = self.policy.check_config();
        let mut out = Recheck::default();
        for h in self.desk.holds() {
            let req = OrderRequest {
                as_of,
                ..h.request.clone()
            };
            let decided = self.check_inputs(&req).and_then(|i| {
                evaluate(&config, &i).map_err(|_| BookError::Overflow("the credit check"))
            });
            match decided {
                Ok(d) if d.outcome != Outcome::Blocked => out.releasable.push((req.order_id, d)),
                Ok(_) => {}
                Err(error) => out.not_rechecked.push(NotRechecked {
                    order_id: req.order_id,
                    error,
                }),
            }
        }
        out
    }

    /// Held orders, by order id.
    pub fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.desk.holds()
    }

    /// Every release, oldest first.
    pub fn releases(&self) -> Entries<'_, Release> {
        self.desk.releases()
    }

    /// The decision log, oldest first.
    pub fn decision_log(&self) -> Entries<'_, LogEntry> {
        self.desk.log()
    }

    /// The decisions for one order, oldest first ("why was X blocked on D?").
    pub fn decisions_for(&self, order_id: &OrderId) -> impl Iterator<Item = &LogEntry> {
        let id = order_id.clone();
        self.desk
            .log()
            .iter()
            .filter(move |e| e.request.order_id == id)
    }

    /// Re-runs every logged decision under `policy` and lists the
    /// decisions whose outcome changes. Thresholds, actions, steps,
    /// checkpoints, weights and blocked risk classes take effect.
    ///
    /// A decision is re-run with the figures it saw when `policy` measures
    /// them as its check did. When `policy` measures them differently — the
    /// horizon, the `oldest_overdue` materiality, whether open credits cover
    /// overdue items, or the weights of a group's members — they are
    /// measured again: from the ledger as of the decision's date (events
    /// dated on or before it) plus the reservations the check counted
    /// (kept with its log entry, as the ledger cannot give them back). The
    /// order, the limits, the class, the blocked flag, the review date and
    /// any release stay as recorded; FX rates are today's. The count is in
    /// [`Backtest::remeasured`]; entries logged without their measures (by
    /// an earlier version) are listed in [`Backtest::not_remeasured`].
    ///
    /// ```
    /// use credit_core::money::{Currency, Money};
    /// use credit_core::{Checkpoint, CreditBook, CreditLimit, Customer, OrderRequest, Outcome, Policy};
    /// let policy = |horizon: u32| Policy::from_json(&format!(r#"{{"schema_version": 1,
    ///     "policy_id": "h{horizon}", "horizon_days": {horizon},
    ///     "steps": [{{"step": "dynamic_limit", "action": "block"}}]}}"#));
    /// let mut book = CreditBook::new(policy(30)?)?;
    /// let (eur, day) = (Currency::iso("EUR")?, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    /// book.upsert_customer(Customer::new("C1", "Acme", eur), day)?;
    /// book.set_limit(CreditLimit::amount("C1", Money::parse("1000.00", eur)?), day)?;
    /// let order = |id: &str, delivery: u32| OrderRequest {
    ///     customer: "C1".into(), segment: "default".into(), order_id: id.into(),
    ///     amount: Money::parse("600.00", eur).unwrap(),
    ///     requested_delivery: chrono::NaiveDate::from_ymd_opt(2026, 1, delivery),
    ///     checkpoint: Checkpoint::Order, as_of: day,
    /// };
    /// book.check_order(order("SO-1", 20))?; // approved, reserved for delivery on the 20th
    /// // 600 + 600 > 1000, but SO-1 is due beyond a 10-day horizon:
    /// assert_eq!(book.check_order(order("SO-2", 5))?.outcome, Outcome::Blocked);
    /// let bt = book.backtest(&policy(10)?)?;
    /// assert_eq!((bt.remeasured, bt.changed.len()), (2, 1));
    /// assert_eq!(bt.changed[0].1.as_str(), "SO-2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`BookError::Policy`] if `policy` does not validate; missing FX
    /// rate, overflow.
    pub fn backtest(&self, policy: &Policy) -> Result<Backtest, BookError> {
        policy.validate()?;
        let m = policy.measures();
        self.desk
            .backtest(&policy.check_config(), &policy.policy_id, &m, |e, rec| {
                self.remeasure(e, rec, &m)
            })
    }
}
