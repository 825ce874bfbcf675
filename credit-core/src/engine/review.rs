//! Risk analysis on the book: behavioural features, scoring a customer,
//! limit recommendations and scheduled review runs.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{BookError, CreditBook};
use crate::customer::CustomerId;
use crate::features::{self, Features};
use crate::ledger::EventKind;
use crate::risk::{
    recommend, LimitRecommendation, ReviewEvent, ReviewEventKind, ReviewResult, ReviewRun,
};
use crate::scoring::{Attributes, ScoreResult, Scorecard};

/// A customer's score with the features and attributes behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerScore {
    /// The customer.
    pub customer: CustomerId,
    /// The credit segment.
    pub segment: String,
    /// The date scored.
    pub as_of: NaiveDate,
    /// Behavioural features from the ledger.
    pub features: Features,
    /// The attributes scored: features, then host attributes (which win on
    /// a name clash).
    pub attributes: Attributes,
    /// The score.
    pub result: ScoreResult,
    /// The limit the policy's rules recommend for the class, if one applies.
    pub recommendation: Option<LimitRecommendation>,
}

impl CreditBook {
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
        let c = self.cust(customer)?;
        let currency = self.customers[c].customer.segment_currency(segment);
        let Some(a) = self.account_idx(c, segment) else {
            return Ok(features::compute(
                [],
                currency,
                as_of,
                &self.terms,
                &self.fx,
            )?);
        };
        let events = &self.events;
        let reversed = &self.reversed;
        let list = self.accounts[a].events.iter().filter_map(|&i| {
            let e = &events[i];
            (!reversed[i] && !matches!(e.kind, EventKind::Reversal { .. })).then_some(e)
        });
        let mut f = features::compute(list, currency, as_of, &self.terms, &self.fx)?;
        let x = self.exposure(customer, segment, as_of)?;
        f.utilisation = match x.limit {
            Some(l) if l > Decimal::ZERO => x.total.checked_div(l).and_then(|u| u.to_f64()),
            _ => None,
        };
        Ok(f)
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
        let mut s = self.score_only(card, customer, segment, as_of, host)?;
        s.recommendation = self.recommendation(&s)?;
        Ok(s)
    }

    /// Features, attributes and score, without a limit recommendation.
    fn score_only(
        &self,
        card: &Scorecard,
        customer: &CustomerId,
        segment: &str,
        as_of: NaiveDate,
        host: &Attributes,
    ) -> Result<CustomerScore, BookError> {
        let features = self.features(customer, segment, as_of)?;
        let mut attributes = features.to_attributes();
        attributes.extend(host.iter().map(|(k, v)| (k.clone(), v.clone())));
        let result = card.score(&attributes)?;
        Ok(CustomerScore {
            customer: customer.clone(),
            segment: segment.to_string(),
            as_of,
            features,
            attributes,
            result,
            recommendation: None,
        })
    }

    /// The policy's limit recommendation for a score.
    fn recommendation(
        &self,
        s: &CustomerScore,
    ) -> Result<Option<LimitRecommendation>, crate::risk::LimitError> {
        recommend(
            &self.policy.limit_rules,
            s.result.class,
            s.features.avg_monthly_sales_12m,
            &s.attributes,
            s.features.currency,
        )
    }

    /// The current effective limit of an account (`None`: none or unlimited).
    fn effective_limit(&self, c: usize, segment: &str, as_of: NaiveDate) -> Option<Decimal> {
        let a = self.account_idx(c, segment)?;
        self.accounts[a].limit.as_ref()?.effective(as_of)
    }

    /// Runs the credit review as of a date: every customer due (never
    /// reviewed, or its next review date — from `previous`, or the
    /// customer's `next_review` if no review since has met it — has come)
    /// is re-scored from the ledger
    /// and `host` attributes, compared with its previous result, given a
    /// limit proposal and a next review date. Results of customers not due
    /// carry over from `previous`. Deterministic: customers in id order.
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
        for id in host.keys() {
            self.cust(id)?;
        }
        let mut ids: Vec<CustomerId> = self
            .customers
            .iter()
            .map(|c| c.customer.id.clone())
            .collect();
        ids.sort();
        let empty = Attributes::new();
        let mut run = ReviewRun {
            as_of,
            scorecard: card.name().to_string(),
            policy_id: self.policy.policy_id.clone(),
            segment: segment.to_string(),
            reviewed: Vec::new(),
            results: Vec::with_capacity(ids.len()),
            events: Vec::new(),
        };
        for id in ids {
            let c = self.cust(&id)?;
            let prev = previous.and_then(|p| p.result(&id));
            // The host's date counts until a review on or after it.
            let host_date = self.customers[c]
                .customer
                .next_review
                .filter(|d| prev.is_none_or(|p| p.reviewed_on < *d));
            let due_on = match (prev.map(|p| p.next_review), host_date) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if due_on.is_some_and(|d| d > as_of) {
                if let Some(p) = prev {
                    run.results.push(p.clone());
                }
                continue;
            }
            let mut events = Vec::new();
            if let Some(d) = due_on.filter(|d| *d < as_of) {
                events.push(ReviewEventKind::ReviewOverdue {
                    due: d,
                    days: (as_of - d).num_days(),
                });
            }
            let current_limit = self.effective_limit(c, segment, as_of);
            let attrs = host.get(&id).unwrap_or(&empty);
            let scored = match self.score_only(card, &id, segment, as_of, attrs) {
                Ok(mut s) => {
                    match self.recommendation(&s) {
                        Ok(r) => s.recommendation = r,
                        // Scored, but no proposal: say why.
                        Err(e) => events.push(ReviewEventKind::LimitNotRecommended {
                            reason: e.to_string(),
                        }),
                    }
                    Ok(s)
                }
                Err(BookError::Scoring(e)) => Err(ReviewEventKind::NotScored {
                    reason: e.to_string(),
                }),
                Err(e) => return Err(e),
            };
            let result = match scored {
                Ok(s) => {
                    let r = &s.result;
                    if let Some(p) = prev {
                        if let Some(from) = p.score {
                            if (r.score - from).abs()
                                > f64::from(self.policy.review.min_score_change)
                            {
                                events.push(ReviewEventKind::ScoreChanged { from, to: r.score });
                            }
                        }
                        if let Some(from) = p.class {
                            let old = card.classes().iter().position(|b| b.class == from);
                            match old {
                                Some(o) if r.class_index > o => events
                                    .push(ReviewEventKind::ClassUpgraded { from, to: r.class }),
                                Some(o) if r.class_index < o => events
                                    .push(ReviewEventKind::ClassDowngraded { from, to: r.class }),
                                _ => {}
                            }
                        }
                    }
                    if let Some(rec) = &s.recommendation {
                        if Some(rec.limit) != current_limit.map(|l| l.normalize()) {
                            events.push(ReviewEventKind::LimitProposed {
                                current: current_limit,
                                proposed: rec.limit,
                                rule: rec.rule,
                            });
                        }
                    }
                    let freq = self.policy.review.frequency(card, Some(r.class));
                    ReviewResult {
                        customer: id.clone(),
                        reviewed_on: as_of,
                        score: Some(r.score),
                        class: Some(r.class),
                        pd: r.pd,
                        block_new_orders: card.classes()[r.class_index].block_new_orders,
                        reasons: r.reasons.clone(),
                        previous_score: prev.and_then(|p| p.score),
                        previous_class: prev.and_then(|p| p.class),
                        current_limit,
                        recommendation: s.recommendation,
                        next_review: freq.next_after(as_of).unwrap_or(as_of),
                    }
                }
                Err(kind) => {
                    events.push(kind);
                    ReviewResult {
                        customer: id.clone(),
                        reviewed_on: as_of,
                        score: None,
                        class: None,
                        pd: None,
                        block_new_orders: false,
                        reasons: Vec::new(),
                        previous_score: prev.and_then(|p| p.score),
                        previous_class: prev.and_then(|p| p.class),
                        current_limit,
                        recommendation: None,
                        next_review: self
                            .policy
                            .review
                            .default
                            .next_after(as_of)
                            .unwrap_or(as_of),
                    }
                }
            };
            run.events
                .extend(events.into_iter().map(|kind| ReviewEvent {
                    customer: id.clone(),
                    kind,
                }));
            run.reviewed.push(id);
            run.results.push(result);
        }
        Ok(run)
    }
}
