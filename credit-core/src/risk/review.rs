//! Risk analysis over a book: scoring a customer from its behavioural
//! features and host attributes, the limit the rules recommend, and the
//! scheduled review run.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    recommend, LimitError, LimitRecommendation, LimitRule, ReviewEvent, ReviewEventKind,
    ReviewPolicy, ReviewResult, ReviewRun,
};
use crate::customer::CustomerId;
use crate::exposure::BookView;
use crate::features::{self, Features};
use crate::scoring::{Attributes, ScoreResult, Scorecard, ScoringError};

/// A customer's score with the features and attributes behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerScore {
    /// The customer.
    pub customer: CustomerId,
    /// The credit segment.
    pub segment: String,
    /// The date scored.
    #[serde(with = "crate::serde_date")]
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

/// The parts of the policy risk analysis reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RiskRules<'a> {
    /// Limit rules by risk class.
    pub(crate) limit_rules: &'a [LimitRule],
    /// Review frequencies and thresholds.
    pub(crate) review: &'a ReviewPolicy,
    /// The policy's id, recorded in a review run.
    pub(crate) policy_id: &'a str,
}

/// A book view whose errors take scoring and limit-rule errors.
pub(crate) trait RiskView: BookView<Error: From<ScoringError> + From<LimitError>> {}

impl<B: BookView<Error: From<ScoringError> + From<LimitError>>> RiskView for B {}

impl RiskRules<'_> {
    /// The limit recommendation for a score.
    fn recommendation(&self, s: &CustomerScore) -> Result<Option<LimitRecommendation>, LimitError> {
        recommend(
            self.limit_rules,
            s.result.class,
            s.features.avg_monthly_sales_12m,
            &s.attributes,
            s.features.currency,
        )
    }
}

/// Features, attributes and score of customer `c` in `segment`, without a
/// limit recommendation; the inner error when the card cannot score.
fn score_only<B: BookView>(
    book: &B,
    card: &Scorecard,
    c: usize,
    segment: &str,
    as_of: NaiveDate,
    host: &Attributes,
) -> Result<Result<CustomerScore, ScoringError>, B::Error> {
    let features = features::of_account(book, c, segment, as_of)?;
    let mut attributes = features.to_attributes();
    attributes.extend(host.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(card.score(&attributes).map(|result| CustomerScore {
        customer: book.customer(c, as_of).id.clone(),
        segment: segment.to_string(),
        as_of,
        features,
        attributes,
        result,
        recommendation: None,
    }))
}

/// Scores customer `c` with `card` from its features as of `as_of` and the
/// host's attributes, and recommends a limit by the rules.
///
/// # Errors
/// A [`ScoringError`] when the card rejects a value; a [`LimitError`] when
/// a limit rule's money attribute is missing or not a decimal; the
/// features' errors.
pub(crate) fn score<B: RiskView>(
    book: &B,
    rules: RiskRules<'_>,
    card: &Scorecard,
    c: usize,
    segment: &str,
    as_of: NaiveDate,
    host: &Attributes,
) -> Result<CustomerScore, B::Error> {
    let mut s = score_only(book, card, c, segment, as_of, host)??;
    s.recommendation = rules.recommendation(&s)?;
    Ok(s)
}

/// When customer `c` is due for review: the earlier of its previous
/// result's next review and the host's `next_review` (which counts until a
/// review on or after it); never reviewed and no host date: now.
fn due_on(host_date: Option<NaiveDate>, prev: Option<&ReviewResult>) -> Option<NaiveDate> {
    let host_date = host_date.filter(|d| prev.is_none_or(|p| p.reviewed_on < *d));
    match (prev.map(|p| p.next_review), host_date) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What changed since the previous review: score moves beyond the
/// threshold, class up- or downgrades, a new limit proposal.
fn changes(
    rules: RiskRules<'_>,
    card: &Scorecard,
    s: &CustomerScore,
    prev: Option<&ReviewResult>,
    current_limit: Option<Decimal>,
    events: &mut Vec<ReviewEventKind>,
) {
    let r = &s.result;
    if let Some(p) = prev {
        if let Some(from) = p.score {
            if (r.score - from).abs() > f64::from(rules.review.min_score_change) {
                events.push(ReviewEventKind::ScoreChanged { from, to: r.score });
            }
        }
        if let Some(from) = p.class {
            match card.classes().iter().position(|b| b.class == from) {
                Some(o) if r.class_index > o => {
                    events.push(ReviewEventKind::ClassUpgraded { from, to: r.class })
                }
                Some(o) if r.class_index < o => {
                    events.push(ReviewEventKind::ClassDowngraded { from, to: r.class })
                }
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
}

/// Runs the credit review as of a date: every customer due (never
/// reviewed, or its next review date — from `previous`, or the customer's
/// `next_review` if no review since has met it — has come) is re-scored
/// from the ledger and `host` attributes, compared with its previous
/// result, given a limit proposal and a next review date. Results of
/// customers not due carry over from `previous`. Deterministic: customers
/// in id order.
///
/// # Errors
/// A host attribute map for an unknown customer; missing FX rates or
/// overflow computing features. A customer the card cannot score is not an
/// error: it gets a `not_scored` event.
pub(crate) fn review_run<B: RiskView>(
    book: &B,
    rules: RiskRules<'_>,
    card: &Scorecard,
    segment: &str,
    as_of: NaiveDate,
    host: &BTreeMap<CustomerId, Attributes>,
    previous: Option<&ReviewRun>,
) -> Result<ReviewRun, B::Error> {
    for id in host.keys() {
        book.customer_index(id)?;
    }
    let mut order: Vec<usize> = (0..book.customer_count()).collect();
    order.sort_by(|a, b| {
        book.customer(*a, as_of)
            .id
            .cmp(&book.customer(*b, as_of).id)
    });
    let empty = Attributes::new();
    let mut run = ReviewRun {
        as_of,
        scorecard: card.name().to_string(),
        policy_id: rules.policy_id.to_string(),
        segment: segment.to_string(),
        reviewed: Vec::new(),
        results: Vec::with_capacity(order.len()),
        events: Vec::new(),
    };
    for c in order {
        let id = &book.customer(c, as_of).id;
        let prev = previous.and_then(|p| p.result(id));
        let due = due_on(book.customer(c, as_of).next_review, prev);
        if due.is_some_and(|d| d > as_of) {
            if let Some(p) = prev {
                run.results.push(p.clone());
            }
            continue;
        }
        let mut events = Vec::new();
        if let Some(d) = due.filter(|d| *d < as_of) {
            events.push(ReviewEventKind::ReviewOverdue {
                due: d,
                days: (as_of - d).num_days(),
            });
        }
        let current_limit = book
            .account_in(c, segment)
            .and_then(|a| book.limit(a, as_of))
            .and_then(|l| l.effective(as_of));
        let base = ReviewResult {
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
            next_review: rules.review.default.next_after(as_of).unwrap_or(as_of),
        };
        let attrs = host.get(id).unwrap_or(&empty);
        let result = match score_only(book, card, c, segment, as_of, attrs)? {
            Ok(mut s) => {
                match rules.recommendation(&s) {
                    Ok(r) => s.recommendation = r,
                    // Scored, but no proposal: say why.
                    Err(e) => events.push(ReviewEventKind::LimitNotRecommended {
                        reason: e.to_string(),
                    }),
                }
                changes(rules, card, &s, prev, current_limit, &mut events);
                let r = s.result;
                let freq = rules.review.frequency(card, Some(r.class));
                ReviewResult {
                    score: Some(r.score),
                    class: Some(r.class),
                    pd: r.pd,
                    block_new_orders: card
                        .classes()
                        .get(r.class_index)
                        .is_some_and(|b| b.block_new_orders),
                    reasons: r.reasons,
                    recommendation: s.recommendation,
                    next_review: freq.next_after(as_of).unwrap_or(as_of),
                    ..base
                }
            }
            Err(e) => {
                events.push(ReviewEventKind::NotScored {
                    reason: e.to_string(),
                });
                base
            }
        };
        run.events
            .extend(events.into_iter().map(|kind| ReviewEvent {
                customer: id.clone(),
                kind,
            }));
        run.reviewed.push(id.clone());
        run.results.push(result);
    }
    Ok(run)
}

/// What a review run writes back: the new master-data versions (valid from
/// the run's date) and the report of what was applied and proposed.
pub(crate) struct WriteBackPlan {
    /// New customer versions.
    pub(crate) customers: Vec<crate::customer::Customer>,
    /// New limit versions.
    pub(crate) limits: Vec<crate::customer::CreditLimit>,
    /// What was applied and what is left as proposals.
    pub(crate) report: super::ReviewWriteBack,
}

/// Whether a limit moving from `from` to `to` is applied under `wb`:
/// decreases per `limit_decreases`; increases when `to × 100 ≤ from × (100
/// + p)` (exact; an overflow proposes).
fn limit_action(wb: &super::WriteBack, from: Decimal, to: Decimal) -> super::ReviewAction {
    use super::ReviewAction;
    if to < from {
        return wb.limit_decreases;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let within = wb.limit_increases_up_to_percent.and_then(|p| {
        let lhs = to.checked_mul(hundred)?;
        let rhs = from.checked_mul(hundred.checked_add(p)?)?;
        Some(lhs <= rhs)
    });
    if within == Some(true) {
        ReviewAction::Apply
    } else {
        ReviewAction::Propose
    }
}

/// Plans the write-back of `run` under `wb`: for every customer the run
/// reviewed, the next review date; a changed class, applied or proposed;
/// a limit recommendation that differs from the account's (permanent)
/// limit in force on the run's date, applied or proposed. Changes are
/// compared with the master data in force on the run's date, so applying
/// the same run twice changes nothing the second time.
///
/// # Errors
/// An unknown customer in the run; a recommendation the currency cannot
/// hold.
pub(crate) fn plan_write_back<B: BookView>(
    book: &B,
    wb: &super::WriteBack,
    run: &ReviewRun,
) -> Result<WriteBackPlan, B::Error> {
    use super::{ReviewAction, ReviewChange, ReviewChangeOf};
    use crate::customer::{CreditLimit, LimitAmount};
    let on = run.as_of;
    let mut plan = WriteBackPlan {
        customers: Vec::new(),
        limits: Vec::new(),
        report: super::ReviewWriteBack {
            as_of: on,
            segment: run.segment.clone(),
            applied: Vec::new(),
            proposals: Vec::new(),
        },
    };
    for id in &run.reviewed {
        let c = book.customer_index(id)?;
        let Some(r) = run.result(id) else {
            continue;
        };
        let cur = book.customer(c, on);
        let mut next = cur.clone();
        next.valid_from = Some(on);
        let mut changed = false;
        let mut push = |action: ReviewAction, change: ReviewChange| {
            let ch = ReviewChangeOf {
                customer: id.clone(),
                change,
            };
            match action {
                ReviewAction::Apply => plan.report.applied.push(ch),
                ReviewAction::Propose => plan.report.proposals.push(ch),
            }
        };
        if cur.next_review != Some(r.next_review) {
            push(
                ReviewAction::Apply,
                ReviewChange::NextReview {
                    from: cur.next_review,
                    to: r.next_review,
                },
            );
            next.next_review = Some(r.next_review);
            changed = true;
        }
        if let Some(k) = r.class.filter(|k| cur.risk_class != Some(*k)) {
            push(
                wb.class,
                ReviewChange::RiskClass {
                    from: cur.risk_class,
                    to: k,
                },
            );
            if wb.class == ReviewAction::Apply {
                next.risk_class = Some(k);
                changed = true;
            }
        }
        if let Some(rec) = &r.recommendation {
            let in_force = book
                .account_in(c, &run.segment)
                .and_then(|a| book.limit(a, on));
            let (from, unlimited, action) = match in_force.map(|l| l.amount) {
                None => (None, false, Some(wb.new_limits)),
                Some(LimitAmount::Unlimited) => (None, true, Some(wb.limit_decreases)),
                Some(LimitAmount::Amount(m)) if m.amount() == rec.limit => {
                    (Some(m.amount()), false, None)
                }
                Some(LimitAmount::Amount(m)) => (
                    Some(m.amount()),
                    false,
                    Some(limit_action(wb, m.amount(), rec.limit)),
                ),
            };
            if let Some(action) = action {
                if action == ReviewAction::Apply {
                    let money = crate::money::Money::new(rec.limit, rec.currency)?;
                    let mut l = in_force.cloned().unwrap_or_else(|| CreditLimit {
                        segment: run.segment.clone(),
                        ..CreditLimit::amount(id.as_str(), money)
                    });
                    l.amount = LimitAmount::Amount(money);
                    l.valid_from = Some(on);
                    l.reason = Some(format!(
                        "review of {on} ({}, scorecard {}): limit rule {}",
                        run.policy_id, run.scorecard, rec.rule
                    ));
                    plan.limits.push(l);
                }
                push(
                    action,
                    ReviewChange::Limit {
                        from,
                        unlimited,
                        to: rec.limit,
                        currency: rec.currency,
                        rule: rec.rule,
                    },
                );
            }
        }
        if changed {
            plan.customers.push(next);
        }
    }
    Ok(plan)
}
