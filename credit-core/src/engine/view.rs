//! The book's as-of queries (exposure, group exposure, open items), its
//! canonical digest, and the read-only [`BookView`] the reports compute
//! over.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BookError, CreditBook};
use crate::customer::{CreditLimit, Customer, CustomerId};
use crate::exposure::{self, BookView, Exposure, Figures, Fx, GroupExposure, GroupMember};
use crate::ledger::{AccountState, ApplyRules, Event, OpenCredit, OpenItem};

impl BookView for CreditBook {
    type Error = BookError;

    fn fx(&self, on: NaiveDate) -> Fx<'_> {
        self.fx.on(on)
    }

    fn rules(&self) -> &ApplyRules {
        self.ledger.rules()
    }

    fn credit_cover(&self) -> exposure::CreditCover {
        self.policy.credits
    }

    fn customer_count(&self) -> usize {
        self.directory.len()
    }

    fn customer(&self, c: usize, on: NaiveDate) -> &Customer {
        self.directory.customer_on(c, on)
    }

    fn customer_index(&self, id: &CustomerId) -> Result<usize, BookError> {
        self.cust(id)
    }

    fn accounts_of(&self, c: usize) -> &[usize] {
        self.directory.accounts(c)
    }

    fn segment(&self, a: usize) -> &str {
        &self.accounts[a].segment
    }

    fn state(&self, a: usize) -> &AccountState {
        self.ledger.journal(a).state()
    }

    fn state_at(&self, a: usize, as_of: NaiveDate) -> Result<Cow<'_, AccountState>, BookError> {
        Ok(self.ledger.state_at(a, as_of)?)
    }

    fn events(&self, a: usize) -> impl Iterator<Item = (&Event, bool)> {
        self.ledger.events(a)
    }

    fn effective_events(&self, a: usize) -> impl Iterator<Item = &Event> {
        self.ledger.effective_events(a)
    }

    fn limit(&self, a: usize, on: NaiveDate) -> Option<&CreditLimit> {
        self.accounts[a].limit.on(on)
    }

    fn exposure(&self, a: usize, as_of: NaiveDate) -> Result<Exposure, BookError> {
        let acc = &self.accounts[a];
        let st = self.ledger.state_at(a, as_of)?;
        let horizon_end = self.horizon_end(as_of);
        let f = exposure::figures(&st, horizon_end, self.fx.on(as_of), None)?;
        let figures = self
            .desk
            .add_reservations(a, f, horizon_end, None, Some(as_of))?;
        Ok(Exposure {
            customer: self.directory.customer(acc.customer).id.clone(),
            segment: acc.segment.clone(),
            currency: st.currency,
            as_of,
            figures,
            reserved: figures
                .open_orders
                .checked_sub(f.open_orders)
                .ok_or(BookError::Overflow("reserved orders"))?,
            total: figures
                .weighted(&self.policy.weights, false)
                .ok_or(BookError::Overflow("exposure"))?,
            limit: acc.limit.on(as_of).and_then(|l| l.effective(as_of)),
        })
    }
}

impl CreditBook {
    /// An account's exposure as it stood on `as_of`: events dated after it
    /// are ignored; reservations made by checks up to that date count as
    /// open orders.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn exposure(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Exposure, BookError> {
        let c = self.cust(customer)?;
        match self.account_idx(c, segment) {
            Some(a) => BookView::exposure(self, a, as_of),
            None => Ok(Exposure {
                customer: customer.clone(),
                segment: segment.to_string(),
                currency: self.directory.customer(c).segment_currency(segment),
                as_of,
                figures: Figures::default(),
                reserved: Decimal::ZERO,
                total: Decimal::ZERO,
                limit: None,
            }),
        }
    }

    /// The exposure of the group headed by `head` (itself and everything
    /// below it) in `segment`, as it stood on `as_of`, in the head's currency.
    ///
    /// # Errors
    /// Unknown customer, missing FX rate, overflow.
    pub fn group_exposure(
        &self,
        head: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<GroupExposure, BookError> {
        let h = self.cust(head)?;
        let currency = self.directory.customer(h).segment_currency(segment);
        let mut members = Vec::new();
        let mut total = Decimal::ZERO;
        for c in self.directory.subtree_on(h, as_of) {
            let id = &self.directory.customer(c).id;
            let x = self.exposure(id, segment, as_of)?;
            let v = self.fx.on(as_of).convert(x.total, x.currency, currency)?;
            total = total
                .checked_add(v)
                .ok_or(BookError::Overflow("group exposure"))?;
            members.push(GroupMember {
                customer: id.clone(),
                exposure: v,
            });
        }
        let limit = self
            .account_idx(h, segment)
            .and_then(|a| self.accounts[a].group_limit.on(as_of))
            .and_then(|l| l.effective(as_of));
        Ok(GroupExposure {
            head: head.clone(),
            segment: segment.to_string(),
            currency,
            as_of,
            members,
            total,
            limit,
        })
    }

    /// Open items (open amount above zero) of an account as they stood on `as_of`.
    ///
    /// # Errors
    /// Unknown customer.
    pub fn open_items(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<OpenItem>, BookError> {
        let c = self.cust(customer)?;
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(Vec::new());
        };
        let st = self.ledger.state_at(a, as_of)?;
        Ok(st
            .items
            .iter()
            .filter(|i| !i.open.is_zero())
            .cloned()
            .collect())
    }

    /// Open credits of an account as they stood on `as_of`: cash and
    /// credit notes on account not yet fully cleared, oldest first. With
    /// [`CreditBook::open_items`] they are the account's open items
    /// (credits counting negative).
    ///
    /// # Errors
    /// Unknown customer.
    pub fn open_credits(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<OpenCredit>, BookError> {
        let c = self.cust(customer)?;
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(Vec::new());
        };
        let st = self.ledger.state_at(a, as_of)?;
        Ok(st
            .credits
            .iter()
            .filter(|c| !c.open.is_zero())
            .cloned()
            .collect())
    }

    /// The payment plans agreed on an account as they stood on `as_of`
    /// (agreed on or before it, payments dated on or before it), in the
    /// order agreed.
    ///
    /// # Errors
    /// Unknown customer; a plan status that cannot be computed.
    pub fn plans(
        &self,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<crate::ledger::BookPlanReport>, BookError> {
        let c = self.cust(customer)?;
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(Vec::new());
        };
        let st = self.ledger.state_at(a, as_of)?;
        let mut out = Vec::with_capacity(st.plans.len());
        for p in &st.plans {
            out.push(p.report(as_of)?);
        }
        Ok(out)
    }

    /// A canonical text of the book's whole state: its snapshot (customers,
    /// limits, FX rates, events, reservations, holds, releases, the logs
    /// and the policy, in key order) and every account's state as the
    /// ledger folded it, in (customer, segment) order — so it is
    /// independent of the order accounts were created in. Two books with
    /// equal digests behave identically.
    pub fn state_digest(&self) -> String {
        let mut accounts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (a, acc) in self.accounts.iter().enumerate() {
            let id = self.directory.customer(acc.customer).id.as_str();
            accounts.insert((id, acc.segment.as_str()), a);
        }
        let mut parts = vec![self.snapshot().unwrap_or_default()];
        for ((c, s), a) in accounts {
            let state = serde_json::to_string(self.ledger.journal(a).state());
            parts.push(format!("{c}/{s}:{}", state.unwrap_or_default()));
        }
        parts.join("\n")
    }
}
