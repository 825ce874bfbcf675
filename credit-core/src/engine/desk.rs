//! The book's order desk: what a check sees, the check itself, holds,
//! releases and the decision log (the rules are in [`crate::check`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookError, CreditBook};
use crate::check::desk::{materiality, Backtest, Hold, LogEntry, OrderRequest, Release, Reserve};
use crate::check::{evaluate, CheckInputs, Decision, GroupView, LimitView, Outcome, ReleaseView};
use crate::chunks::Entries;
use crate::customer::OrderId;
use crate::exposure::{self, Figures, Overdue};
use crate::money::{Currency, Money};
use crate::policy::Policy;

impl CreditBook {
    /// Account `a`'s figures for a check of another order than `exclude`:
    /// everything the ledger holds now plus every reservation.
    fn check_figures(
        &self,
        a: usize,
        as_of: NaiveDate,
        exclude: &OrderId,
    ) -> Result<(Figures, Overdue), BookError> {
        let horizon_end = self.horizon_end(as_of);
        let (f, o) = exposure::scan(
            self.ledger.journal(a).state(),
            as_of,
            horizon_end,
            materiality(&self.policy.steps),
            self.policy.credits.in_check,
            &self.fx,
            Some(exclude),
        )?;
        let f = self
            .desk
            .add_reservations(a, f, horizon_end, Some(exclude), None)?;
        Ok((f, o))
    }

    /// Weighted exposure (in `gcur`) of the group headed by customer `h` in
    /// `segment`, without the order being checked.
    fn group_exposure_for_check(
        &self,
        h: usize,
        segment: &str,
        req: &OrderRequest,
        gcur: Currency,
    ) -> Result<Decimal, BookError> {
        let mut total = Decimal::ZERO;
        self.directory.walk_subtree(h, &mut |c| {
            if let Some(a) = self.account_idx(c, segment) {
                let (f, _) = self.check_figures(a, req.as_of, &req.order_id)?;
                let w = f
                    .weighted(&self.policy.weights, false)
                    .ok_or(BookError::Overflow)?;
                let v = self
                    .fx
                    .convert(w, self.ledger.journal(a).state().currency, gcur)?;
                total = total.checked_add(v).ok_or(BookError::Overflow)?;
            }
            Ok::<(), BookError>(())
        })?;
        Ok(total)
    }

    /// The tightest group limit over the customer's group heads (the one
    /// with the least headroom after the order).
    fn group_view(
        &self,
        c: usize,
        req: &OrderRequest,
        order_amount: Decimal,
        currency: Currency,
    ) -> Result<Option<GroupView>, BookError> {
        let mut best: Option<GroupView> = None;
        for h in self.directory.ancestors(c) {
            let Some(limit) = self
                .account_idx(h, &req.segment)
                .and_then(|a| self.accounts[a].group_limit.as_ref())
                .and_then(|gl| gl.effective(req.as_of))
            else {
                continue;
            };
            let gcur = self.directory.customer(h).segment_currency(&req.segment);
            let view = GroupView {
                exposure_before: self.group_exposure_for_check(h, &req.segment, req, gcur)?,
                order_amount: self.fx.convert(order_amount, currency, gcur)?,
                limit,
                currency: gcur,
            };
            if best.as_ref().is_none_or(|b| view.headroom() < b.headroom()) {
                best = Some(view);
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
        let cust = self.directory.customer(c);
        let currency = cust.segment_currency(&req.segment);
        let order_amount = self
            .fx
            .convert(req.amount.amount(), req.amount.currency(), currency)?;
        let (figures, limit, overdue) = match self.account_idx(c, &req.segment) {
            Some(a) => {
                let (f, o) = self.check_figures(a, req.as_of, &req.order_id)?;
                (
                    f,
                    LimitView::of(self.accounts[a].limit.as_ref(), req.as_of),
                    o,
                )
            }
            None => (
                Figures::default(),
                LimitView::NotDefined,
                Overdue::default(),
            ),
        };
        Ok(CheckInputs {
            as_of: req.as_of,
            checkpoint: req.checkpoint,
            currency,
            order_amount,
            order_in_horizon: req
                .requested_delivery
                .is_none_or(|d| d <= self.horizon_end(req.as_of)),
            figures,
            limit,
            group: self.group_view(c, req, order_amount, currency)?,
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
        })
    }

    /// What checking `req` would decide now, without logging, reserving or
    /// holding anything (an order simulation). Allocates nothing unless a
    /// step fails.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn simulate_check(&self, req: &OrderRequest) -> Result<Decision, BookError> {
        let inputs = self.check_inputs(req)?;
        evaluate(&self.policy.check_config(), &inputs).map_err(|_| BookError::Overflow)
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
        let inputs = self.check_inputs(&req)?;
        let decision =
            evaluate(&self.policy.check_config(), &inputs).map_err(|_| BookError::Overflow)?;
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
            .record(req, &policy_id, inputs, &decision, reserve);
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

    /// Re-checks every held order as of `as_of` (without logging) and
    /// returns those that would now pass.
    pub fn releasable(&self, as_of: NaiveDate) -> Vec<(OrderId, Decision)> {
        let config = self.policy.check_config();
        self.desk
            .holds()
            .filter_map(|h| {
                let req = OrderRequest {
                    as_of,
                    ..h.request.clone()
                };
                let d = evaluate(&config, &self.check_inputs(&req).ok()?).ok()?;
                (d.outcome != Outcome::Blocked).then_some((req.order_id, d))
            })
            .collect()
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

    /// Re-runs every logged decision under `policy` with the figures it saw,
    /// and lists the decisions whose outcome changes. Thresholds, actions,
    /// steps, checkpoints, weights and blocked risk classes take effect;
    /// figures measured with the old policy's horizon and materiality are
    /// reused as recorded.
    ///
    /// # Errors
    /// [`BookError::Policy`] if `policy` does not validate; overflow.
    pub fn backtest(&self, policy: &Policy) -> Result<Backtest, BookError> {
        policy.validate()?;
        Ok(self
            .desk
            .backtest(&policy.check_config(), &policy.policy_id)?)
    }
}
