//! The book's reports, each a delegation to its domain module over the
//! book's read-only view: features, scores and reviews ([`crate::risk`]),
//! dunning, worklists and promises ([`crate::collections`]), aging, KPIs,
//! goals and alerts ([`crate::monitor`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{BookError, CreditBook};
use crate::collections::{DunningProcedure, DunningRun, PromiseStatus, WorkItem};
use crate::customer::CustomerId;
use crate::features::Features;
use crate::money::Currency;
use crate::monitor::columns::ColumnCache;
use crate::monitor::{
    Aging, Alert, AlertRun, GoalResult, GroupBy, KpiReport, MonitorView, Partial,
};
use crate::plans::PaymentPlan;
use crate::policy::PolicyError;
use crate::risk::{CustomerScore, ReviewRun, RiskRules};
use crate::scoring::{Attributes, Scorecard};

impl MonitorView for CreditBook {
    fn column_cache(&self, a: usize) -> &ColumnCache {
        &self.accounts[a].columns
    }
}

impl CreditBook {
    fn risk_rules(&self) -> RiskRules<'_> {
        RiskRules {
            limit_rules: &self.policy.limit_rules,
            review: &self.policy.review,
            policy_id: &self.policy.policy_id,
        }
    }

    fn procedure(&self) -> Result<&DunningProcedure, BookError> {
        self.policy.dunning.as_ref().ok_or_else(|| {
            BookError::Policy(PolicyError::InvalidField {
                field: "dunning".into(),
                value: "absent".into(),
                reason: "the policy has no dunning procedure",
            })
        })
    }

    /// Behavioural features of an account as of a date (see
    /// [`crate::features`]); `utilisation` is exposure / effective limit.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn features(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Features, BookError> {
        crate::features::of_account(self, self.cust(customer)?, segment, as_of)
    }

    /// Scores a customer with `card` from its features as of `as_of` and the
    /// host's attributes, and recommends a limit by the policy's rules.
    ///
    /// # Errors
    /// Unknown customer; a [`crate::scoring::ScoringError`] when the card
    /// rejects a value; a [`crate::risk::LimitError`] when a limit rule's
    /// money attribute is missing or not a decimal.
    pub fn score_customer(
        &self,
        card: &Scorecard,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
        host: &Attributes,
    ) -> Result<CustomerScore, BookError> {
        let c = self.cust(customer)?;
        crate::risk::score(self, self.risk_rules(), card, c, segment, as_of, host)
    }

    /// Runs the credit review as of a date (see the rules in
    /// [`crate::risk`]): every customer due is re-scored from the ledger and
    /// `host` attributes, compared with its result in `previous`, given a
    /// limit proposal and a next review date. Deterministic: customers in id
    /// order.
    ///
    /// # Errors
    /// A host attribute map for an unknown customer; missing FX rates or
    /// overflow computing features. A customer the card cannot score is not
    /// an error: it gets a `not_scored` event.
    pub fn review_run(
        &self,
        card: &Scorecard,
        segment: &str,
        as_of: NaiveDate,
        host: &BTreeMap<CustomerId, Attributes>,
        previous: Option<&ReviewRun>,
    ) -> Result<ReviewRun, BookError> {
        crate::risk::review_run(
            self,
            self.risk_rules(),
            card,
            segment,
            as_of,
            host,
            previous,
        )
    }

    /// Proposes dunning notices as of a date, for every account, by the
    /// policy's dunning procedure (rules in [`crate::collections`]): past due
    /// plus grace, the level's days and interval, installments per overdue
    /// installment; blocks, disputes, amounts covered by open credits (cash
    /// and credit notes on account, unless the policy's
    /// `credits.in_dunning` is off), promises, current or late `plans` and
    /// amounts below a level's minimum are left out and listed. Issue a run
    /// by applying [`DunningRun::events`].
    ///
    /// # Errors
    /// A policy without a dunning procedure; missing FX rates; a reference
    /// rate missing for a day interest accrues; overflow.
    pub fn dunning_run(
        &self,
        as_of: NaiveDate,
        plans: &[PaymentPlan],
    ) -> Result<DunningRun, BookError> {
        let p = self.procedure()?;
        crate::collections::dunning_run(
            self,
            p,
            &self.policy.policy_id,
            as_of,
            plans,
            self.policy.credits.in_dunning,
        )
    }

    /// The collection worklist as of a date: every customer with overdue
    /// items (all segments, converted to `currency`; invoices of current or
    /// late `plans` left out), ranked by the policy's priority formula, with
    /// the next action, grouped by collector (unassigned last) and highest
    /// priority first.
    ///
    /// # Errors
    /// A policy without a dunning procedure; missing FX rates; overflow.
    pub fn worklist(
        &self,
        as_of: NaiveDate,
        currency: Currency,
        plans: &[PaymentPlan],
    ) -> Result<Vec<WorkItem>, BookError> {
        crate::collections::worklist(
            self,
            self.procedure()?,
            as_of,
            currency,
            plans,
            self.policy.credits.in_dunning,
        )
    }

    /// Promises to pay of an account and whether each was kept, as of a date.
    ///
    /// # Errors
    /// Unknown customer.
    pub fn promises(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<PromiseStatus>, BookError> {
        match self.account_idx(self.cust(customer)?, segment) {
            Some(a) => crate::collections::promises(self, a, as_of),
            None => Ok(Vec::new()),
        }
    }

    /// The mergeable sums behind aging and KPIs for the period `from ..=
    /// to`, per group, amounts in `currency` (converted with the book's FX
    /// rates, item by item) — or, grouped by currency, in each item's own
    /// currency. `months` months of sales history are kept for countback
    /// DSO.
    ///
    /// # Errors
    /// A period ending before it starts; `currency` missing when not
    /// grouping by currency; missing FX rates; overflow.
    pub fn monitor_partials(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        group_by: GroupBy,
        currency: Option<Currency>,
        months: usize,
    ) -> Result<BTreeMap<(String, Currency), Partial>, BookError> {
        let p = &self.policy.monitoring;
        crate::monitor::partials(self, p, from, to, group_by, currency, months)
    }

    /// Aging as of a date: open amounts per bucket (undisputed), disputed
    /// separately; each row's total is its open balance.
    ///
    /// # Errors
    /// As [`CreditBook::monitor_partials`].
    pub fn aging(
        &self,
        as_of: NaiveDate,
        group_by: GroupBy,
        currency: Option<Currency>,
    ) -> Result<Aging, BookError> {
        crate::monitor::aging(self, &self.policy.monitoring, as_of, group_by, currency)
    }

    /// KPIs for the period `from ..= to` per group, in `currency`, with 12
    /// months of sales history for countback DSO.
    ///
    /// # Errors
    /// As [`CreditBook::monitor_partials`]; [`GroupBy::Currency`] is refused
    /// (a KPI report is in one report currency: run one per currency).
    pub fn kpis(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        group_by: GroupBy,
        currency: Currency,
    ) -> Result<KpiReport, BookError> {
        crate::monitor::kpis(self, &self.policy.monitoring, from, to, group_by, currency)
    }

    /// KPIs for consecutive periods — `start ..= ends[0]`, then
    /// `ends[k-1] + 1 ..= ends[k]` — in one pass over the ledger, each point
    /// exact as the ledger stood then. Limit utilisation is left out of the
    /// series (undefined).
    ///
    /// # Errors
    /// Period ends not increasing or before `start`; as
    /// [`CreditBook::monitor_partials`].
    pub fn kpi_series(
        &self,
        start: NaiveDate,
        ends: &[NaiveDate],
        group_by: GroupBy,
        currency: Currency,
    ) -> Result<Vec<KpiReport>, BookError> {
        let p = &self.policy.monitoring;
        crate::monitor::kpi_series(self, p, start, ends, group_by, currency)
    }

    /// Every goal of the policy as of a date: the KPI over the goal's period
    /// to date, the gap to the target, the status, and the KPI at the end
    /// of each of the three previous periods.
    ///
    /// # Errors
    /// As [`CreditBook::kpis`].
    pub fn goals_report(
        &self,
        as_of: NaiveDate,
        currency: Currency,
    ) -> Result<Vec<GoalResult>, BookError> {
        crate::monitor::goals_report(self, &self.policy.monitoring, as_of, currency)
    }

    /// Creditworthiness alerts as of a date by the policy's thresholds,
    /// compared with `previous` (the last run's `active` list): a condition
    /// is raised once when it starts and cleared when it ends. `reviews` is
    /// the latest review run (for score drops and downgrades); `plans` pairs
    /// each payment plan with its customer. Deterministic: alerts sorted by
    /// code, customer and subject.
    ///
    /// # Errors
    /// Missing FX rates; overflow.
    pub fn alerts(
        &self,
        as_of: NaiveDate,
        previous: &[Alert],
        reviews: Option<&ReviewRun>,
        plans: &[(CustomerId, PaymentPlan)],
    ) -> Result<AlertRun, BookError> {
        let pol = &self.policy.monitoring.alerts;
        crate::monitor::alert_run(self, pol, as_of, previous, reviews, plans)
    }
}
