//! Limits from risk and scheduled credit reviews.
//!
//! **Limit rules** (in the policy) turn a risk class into a recommended
//! limit: `limit = basis × factor`, raised to the floor, lowered to the cap,
//! rounded to the step (down unless the rule says otherwise). The basis is
//! the account's average monthly sales over 12 months (from the ledger), a
//! host attribute holding money (e.g. `equity`, `agency_limit`, passed as a
//! decimal string in the account's currency), or a fixed amount (the factor).
//! The recommendation carries the rule and every figure that produced it.
//!
//! **Reviews**: a customer is due when it was never reviewed, when its
//! previous review's next date has come, or when the host's
//! `next_review` date on the customer has come. A review re-scores from the
//! ledger's features and the host's attributes, compares with the previous
//! result, proposes a limit and schedules the next review by the class's
//! frequency. Customers not due carry their previous result forward, so
//! each run holds the latest result of every customer and the next run can
//! compare.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::{CustomerId, RiskClass};
use crate::money::{round_to_step, Currency, RoundingMode};
use crate::scoring::{ReasonCode, ReviewFrequency, Value};

mod review;
pub(crate) use review::plan_write_back;
pub use review::CustomerScore;
pub(crate) use review::{review_run, score, RiskRules};

/// What a limit rule multiplies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitBasis {
    /// Average monthly sales over the last 12 months (from the ledger).
    AvgMonthlySales,
    /// A host attribute holding money as a decimal string (e.g. `equity`,
    /// `agency_limit`), in the account's currency.
    Attribute(String),
    /// The factor itself is the limit.
    Fixed,
}

impl LimitBasis {
    /// A short name: `avg_monthly_sales`, the attribute's name, or `fixed`.
    pub fn name(&self) -> &str {
        match self {
            LimitBasis::AvgMonthlySales => "avg_monthly_sales",
            LimitBasis::Attribute(a) => a,
            LimitBasis::Fixed => "fixed",
        }
    }
}

/// A rule recommending a limit for some risk classes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitRule {
    /// The classes the rule applies to (the first rule listing a class wins).
    pub classes: Vec<RiskClass>,
    /// What the factor multiplies.
    pub basis: LimitBasis,
    /// Multiplier (e.g. `"2"` months of sales, `"0.10"` for 10 % of equity;
    /// the amount itself for a fixed basis).
    #[serde(with = "crate::serde_decimal")]
    pub factor: Decimal,
    /// Lowest limit recommended.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub floor: Option<Decimal>,
    /// Highest limit recommended.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cap: Option<Decimal>,
    /// Rounding step (e.g. `"1000"`); absent = the currency's minor unit.
    #[serde(
        default,
        with = "crate::serde_decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub step: Option<Decimal>,
    /// Rounding to the step (default: down, never recommending more than
    /// the figures support).
    #[serde(default = "round_down")]
    pub rounding: RoundingMode,
}

fn round_down() -> RoundingMode {
    RoundingMode::Down
}

/// Review scheduling in the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Frequency for classes with none in `by_class` or on the scorecard's
    /// band.
    #[serde(default = "monthly")]
    pub default: ReviewFrequency,
    /// Frequencies by class (override the scorecard's bands).
    #[serde(default)]
    pub by_class: BTreeMap<RiskClass, ReviewFrequency>,
    /// A score change is reported when it moves by more than this many
    /// points (default 0: any change).
    #[serde(default)]
    pub min_score_change: u32,
    /// What [`crate::CreditBook::apply_review`] writes back to the master
    /// data and what it leaves as proposals.
    #[serde(default, skip_serializing_if = "WriteBack::is_default")]
    pub write_back: WriteBack,
}

/// Whether a review's change is applied to the master data or left as a
/// proposal for a person to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// Written back as a new version from the review's date.
    Apply,
    /// Listed as a proposal; the master data stays as it is.
    Propose,
}

/// What a review writes back (`review.write_back` in the policy). The next
/// review date is always written back: the review has happened.
///
/// Defaults: class changes and limit decreases apply at once (they only
/// reduce risk or follow the scorecard the policy approved), increases
/// and first limits are proposals — an extension of credit needs a
/// person's approval, the four-eyes principle of credit decisions (e.g.
/// MaRisk BTO 1.1; SAP FSCM routes limit increases above a threshold to a
/// documented credit decision). `limit_increases_up_to_percent` lets
/// small increases through without approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteBack {
    /// A changed risk class.
    #[serde(default = "apply")]
    pub class: ReviewAction,
    /// A proposed limit below the one in force (an unlimited account
    /// given an amount included).
    #[serde(default = "apply")]
    pub limit_decreases: ReviewAction,
    /// Proposed increases up to this percent of the limit in force are
    /// applied; larger ones are proposals. Absent: every increase is a
    /// proposal.
    #[serde(
        with = "crate::serde_decimal::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub limit_increases_up_to_percent: Option<Decimal>,
    /// A proposed limit for an account with no limit defined.
    #[serde(default = "propose")]
    pub new_limits: ReviewAction,
}

fn apply() -> ReviewAction {
    ReviewAction::Apply
}

fn propose() -> ReviewAction {
    ReviewAction::Propose
}

impl Default for WriteBack {
    fn default() -> Self {
        WriteBack {
            class: ReviewAction::Apply,
            limit_decreases: ReviewAction::Apply,
            limit_increases_up_to_percent: None,
            new_limits: ReviewAction::Propose,
        }
    }
}

impl WriteBack {
    /// Whether these are the defaults (left out of a policy document).
    pub fn is_default(&self) -> bool {
        *self == WriteBack::default()
    }
}

/// One change a review makes to a customer's master data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReviewChange {
    /// The next review date.
    NextReview {
        /// Before (the version in force on the review's date).
        #[serde(with = "crate::serde_date::option")]
        from: Option<NaiveDate>,
        /// After.
        #[serde(with = "crate::serde_date")]
        to: NaiveDate,
    },
    /// The risk class.
    RiskClass {
        /// Before.
        from: Option<RiskClass>,
        /// After.
        to: RiskClass,
    },
    /// The account's limit in the run's segment.
    Limit {
        /// The limit in force (`None`: none defined, or unlimited — see
        /// `unlimited`).
        #[serde(with = "crate::serde_decimal::option")]
        from: Option<Decimal>,
        /// Whether the limit in force is unlimited.
        unlimited: bool,
        /// The limit the rules recommend.
        #[serde(with = "crate::serde_decimal")]
        to: Decimal,
        /// Its currency.
        currency: Currency,
        /// The limit rule (index in the policy's `limit_rules`).
        rule: usize,
    },
}

/// A change of a review, applied or proposed, with its customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewChangeOf {
    /// The customer.
    pub customer: CustomerId,
    /// What changes.
    #[serde(flatten)]
    pub change: ReviewChange,
}

/// What [`crate::CreditBook::apply_review`] did: the changes written back
/// (each a master-data version valid from the run's date, so every as-of
/// view and back-test on or after it reads them and none before it does)
/// and those left as proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewWriteBack {
    /// The run's date: the changes are in force from it.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// The segment whose limits the run proposed.
    pub segment: String,
    /// Changes written back, by customer id.
    pub applied: Vec<ReviewChangeOf>,
    /// Changes left for approval, by customer id.
    pub proposals: Vec<ReviewChangeOf>,
}

fn monthly() -> ReviewFrequency {
    ReviewFrequency::Monthly
}

impl ReviewPolicy {
    /// How often a customer of risk class `class` is reviewed: the
    /// policy's frequency for the class, else the scorecard band's, else
    /// the default (also for a customer without a class).
    pub fn frequency(
        &self,
        card: &crate::scoring::Scorecard,
        class: Option<RiskClass>,
    ) -> ReviewFrequency {
        class
            .and_then(|k| {
                self.by_class.get(&k).copied().or_else(|| {
                    card.classes()
                        .iter()
                        .find(|b| b.class == k)
                        .and_then(|b| b.review)
                })
            })
            .unwrap_or(self.default)
    }
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            default: ReviewFrequency::Monthly,
            by_class: BTreeMap::new(),
            min_score_change: 0,
            write_back: WriteBack::default(),
        }
    }
}

/// Validates limit rules.
///
/// # Errors
/// [`LimitError::InvalidRule`] naming the rule's field.
pub fn validate_rules(rules: &[LimitRule]) -> Result<(), LimitError> {
    let bad = |field: String, value: String, reason: &'static str| LimitError::InvalidRule {
        field,
        value,
        reason,
    };
    for (i, r) in rules.iter().enumerate() {
        let f = |w: &str| format!("limit_rules[{i}].{w}");
        if r.classes.is_empty() {
            return Err(bad(f("classes"), "[]".into(), "at least one risk class"));
        }
        if r.factor.is_sign_negative() && !r.factor.is_zero() {
            return Err(bad(
                f("factor"),
                r.factor.to_string(),
                "must not be negative",
            ));
        }
        for (w, v) in [("floor", r.floor), ("cap", r.cap)] {
            if let Some(v) = v {
                if v.is_sign_negative() && !v.is_zero() {
                    return Err(bad(f(w), v.to_string(), "must not be negative"));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (r.floor, r.cap) {
            if lo > hi {
                return Err(bad(f("cap"), hi.to_string(), "must not be below the floor"));
            }
        }
        if let Some(s) = r.step {
            if s <= Decimal::ZERO {
                return Err(bad(f("step"), s.to_string(), "must be positive"));
            }
        }
        if let LimitBasis::Attribute(a) = &r.basis {
            if a.is_empty() {
                return Err(bad(
                    f("basis.attribute"),
                    "\"\"".into(),
                    "an attribute name",
                ));
            }
        }
    }
    Ok(())
}

/// A recommended limit and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitRecommendation {
    /// The risk class.
    pub class: RiskClass,
    /// Index of the rule in the policy's `limit_rules`.
    pub rule: usize,
    /// The basis.
    pub basis: LimitBasis,
    /// The basis's value.
    #[serde(with = "crate::serde_decimal")]
    pub basis_value: Decimal,
    /// The factor.
    #[serde(with = "crate::serde_decimal")]
    pub factor: Decimal,
    /// basis × factor, before floor, cap and rounding.
    #[serde(with = "crate::serde_decimal")]
    pub raw: Decimal,
    /// `"floor"` or `"cap"` when one bounded the raw figure.
    pub bounded_by: Option<String>,
    /// The recommended limit.
    #[serde(with = "crate::serde_decimal")]
    pub limit: Decimal,
    /// Its currency (the account's).
    pub currency: Currency,
}

/// Errors recommending a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// A money attribute that is absent or not a decimal string.
    #[error("limit rule {rule}: attribute {attribute} {reason}")]
    Attribute {
        /// The rule's index.
        rule: usize,
        /// The attribute.
        attribute: String,
        /// What is wrong.
        reason: String,
    },
    /// The multiplication overflowed.
    #[error("limit rule {0}: arithmetic overflow")]
    Overflow(usize),
    /// A rule with a field outside what is accepted.
    #[error("invalid limit rule field {field}: {value} ({reason})")]
    InvalidRule {
        /// The field path, e.g. `limit_rules[2].cap`.
        field: String,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
}

/// The limit the first rule listing `class` recommends, if any rule does.
///
/// # Errors
/// [`LimitError`] for an absent or non-decimal money attribute, or overflow.
pub fn recommend(
    rules: &[LimitRule],
    class: RiskClass,
    avg_monthly_sales: Decimal,
    attributes: &BTreeMap<String, Value>,
    currency: Currency,
) -> Result<Option<LimitRecommendation>, LimitError> {
    let Some((i, r)) = rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.classes.contains(&class))
    else {
        return Ok(None);
    };
    let basis_value = match &r.basis {
        LimitBasis::AvgMonthlySales => avg_monthly_sales,
        LimitBasis::Fixed => Decimal::ONE,
        LimitBasis::Attribute(a) => {
            let err = |reason: &str| LimitError::Attribute {
                rule: i,
                attribute: a.clone(),
                reason: reason.to_string(),
            };
            match attributes.get(a) {
                None | Some(Value::Missing) => return Err(err("is missing")),
                Some(Value::Number(_)) => {
                    return Err(err(
                        "is a float: pass money as a decimal string (money is never a float)",
                    ))
                }
                Some(Value::Text(t)) => crate::money::parse_decimal("attribute", t.trim())
                    .map_err(|_| err(&format!("is {t:?}, not a decimal amount")))?,
            }
        }
    };
    let raw = basis_value
        .checked_mul(r.factor)
        .ok_or(LimitError::Overflow(i))?;
    let mut v = raw.max(Decimal::ZERO);
    let mut bounded_by = None;
    if let Some(lo) = r.floor {
        if v < lo {
            v = lo;
            bounded_by = Some("floor".to_string());
        }
    }
    if let Some(hi) = r.cap {
        if v > hi {
            v = hi;
            bounded_by = Some("cap".to_string());
        }
    }
    let step = r
        .step
        .unwrap_or_else(|| Decimal::new(1, currency.minor_units()));
    let mut limit = round_to_step(v, step, r.rounding).map_err(|_| LimitError::Overflow(i))?;
    // Rounding must not undo the bounds.
    if let Some(hi) = r.cap {
        if limit > hi {
            limit =
                round_to_step(hi, step, RoundingMode::Down).map_err(|_| LimitError::Overflow(i))?;
        }
    }
    if let Some(lo) = r.floor {
        if limit < lo {
            limit =
                round_to_step(lo, step, RoundingMode::Up).map_err(|_| LimitError::Overflow(i))?;
        }
    }
    let limit = crate::money::round_dp(limit, currency.minor_units(), RoundingMode::HalfEven);
    Ok(Some(LimitRecommendation {
        class,
        rule: i,
        basis: r.basis.clone(),
        basis_value,
        factor: r.factor,
        raw,
        bounded_by,
        limit: limit.normalize(),
        currency,
    }))
}

/// What changed at a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReviewEventKind {
    /// The score moved by more than the policy's threshold.
    ScoreChanged {
        /// Previous score.
        from: f64,
        /// New score.
        to: f64,
    },
    /// The class improved.
    ClassUpgraded {
        /// Previous class.
        from: RiskClass,
        /// New class.
        to: RiskClass,
    },
    /// The class worsened.
    ClassDowngraded {
        /// Previous class.
        from: RiskClass,
        /// New class.
        to: RiskClass,
    },
    /// A limit different from the current one is proposed.
    LimitProposed {
        /// The current effective limit (`None` = none or unlimited).
        #[serde(with = "crate::serde_decimal::option")]
        current: Option<Decimal>,
        /// The proposal.
        #[serde(with = "crate::serde_decimal")]
        proposed: Decimal,
        /// The rule's index.
        rule: usize,
    },
    /// The review was due before the run's date.
    ReviewOverdue {
        /// When it was due.
        #[serde(with = "crate::serde_date")]
        due: NaiveDate,
        /// Days past that date.
        days: i64,
    },
    /// The customer could not be scored (e.g. a value the card rejects).
    NotScored {
        /// Why.
        reason: String,
    },
    /// A limit rule applies but could not compute (e.g. a money attribute
    /// is missing).
    LimitNotRecommended {
        /// Why.
        reason: String,
    },
}

/// A review event for a customer: one flat record, `{"customer": …,
/// "type": "limit_proposed", "current": …, "proposed": …, "rule": …}`, the
/// same on every surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvent {
    /// The customer.
    pub customer: CustomerId,
    /// What happened (its `type` and fields, beside `customer`).
    #[serde(flatten)]
    pub kind: ReviewEventKind,
}

/// A customer's latest review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewResult {
    /// The customer.
    pub customer: CustomerId,
    /// When the review ran.
    #[serde(with = "crate::serde_date")]
    pub reviewed_on: NaiveDate,
    /// The score (`None` when the card rejected the customer's data).
    pub score: Option<f64>,
    /// The risk class.
    pub class: Option<RiskClass>,
    /// Probability of default of the class.
    pub pd: Option<f64>,
    /// Whether the class blocks new orders.
    pub block_new_orders: bool,
    /// Reason codes.
    pub reasons: Vec<ReasonCode>,
    /// The previous score.
    pub previous_score: Option<f64>,
    /// The previous class.
    pub previous_class: Option<RiskClass>,
    /// The current effective limit (`None` = none or unlimited).
    #[serde(with = "crate::serde_decimal::option")]
    pub current_limit: Option<Decimal>,
    /// The recommended limit.
    pub recommendation: Option<LimitRecommendation>,
    /// The next review date.
    #[serde(with = "crate::serde_date")]
    pub next_review: NaiveDate,
}

/// A review run: the latest result of every customer reviewed so far and
/// what changed in this run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRun {
    /// The run's date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// The scorecard's name.
    pub scorecard: String,
    /// The policy's id.
    pub policy_id: String,
    /// The credit segment reviewed.
    pub segment: String,
    /// Customers reviewed in this run.
    pub reviewed: Vec<CustomerId>,
    /// Latest result per customer, by customer id.
    pub results: Vec<ReviewResult>,
    /// Events of this run, by customer id then kind.
    pub events: Vec<ReviewEvent>,
}

/// A customer's latest review result as a flat record: whether this run
/// reviewed it, the score and class before and after, the limit now and
/// proposed, the next review date and the reason codes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow<'a> {
    /// The customer.
    pub customer: &'a CustomerId,
    /// Reviewed in this run (else carried over from an earlier one).
    pub reviewed: bool,
    /// The review's date.
    #[serde(with = "crate::serde_date")]
    pub reviewed_on: NaiveDate,
    /// The score (`None`: not scored).
    pub score: Option<f64>,
    /// The risk class.
    pub risk_class: Option<RiskClass>,
    /// The class's probability of default.
    pub pd: Option<f64>,
    /// The previous review's score.
    pub previous_score: Option<f64>,
    /// The previous review's class.
    pub previous_class: Option<RiskClass>,
    /// Whether the class blocks new orders.
    pub block_new_orders: bool,
    /// The limit in force at the review.
    #[serde(with = "crate::serde_decimal::option")]
    pub current_limit: Option<Decimal>,
    /// The limit the rules propose.
    #[serde(with = "crate::serde_decimal::option")]
    pub proposed_limit: Option<Decimal>,
    /// The rule that proposed it.
    pub limit_rule: Option<usize>,
    /// The next review date.
    #[serde(with = "crate::serde_date")]
    pub next_review: NaiveDate,
    /// The reason codes, most points lost first.
    pub reasons: Vec<&'a str>,
}

impl crate::rows::Row for ReviewRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "customer",
        "reviewed",
        "reviewed_on",
        "score",
        "risk_class",
        "pd",
        "previous_score",
        "previous_class",
        "block_new_orders",
        "current_limit",
        "proposed_limit",
        "limit_rule",
        "next_review",
        "reasons",
    ];
}

impl ReviewRun {
    /// One flat record per customer result, in customer order.
    pub fn rows(&self) -> Vec<ReviewRow<'_>> {
        self.results
            .iter()
            .map(|r| ReviewRow {
                customer: &r.customer,
                reviewed: self.reviewed.contains(&r.customer),
                reviewed_on: r.reviewed_on,
                score: r.score,
                risk_class: r.class,
                pd: r.pd,
                previous_score: r.previous_score,
                previous_class: r.previous_class,
                block_new_orders: r.block_new_orders,
                current_limit: r.current_limit,
                proposed_limit: r.recommendation.as_ref().map(|x| x.limit),
                limit_rule: r.recommendation.as_ref().map(|x| x.rule),
                next_review: r.next_review,
                reasons: r.reasons.iter().map(|c| c.code.as_str()).collect(),
            })
            .collect()
    }

    /// The run as JSON.
    pub fn to_json(&self) -> String {
        // Scores are finite numbers; every other field is a string or date.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored run.
    ///
    /// # Errors
    /// A message for malformed JSON.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The latest result of a customer.
    pub fn result(&self, customer: &CustomerId) -> Option<&ReviewResult> {
        self.results
            .binary_search_by(|r| r.customer.cmp(customer))
            .ok()
            .map(|i| &self.results[i])
    }
}

impl crate::error::Classify for LimitError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            LimitError::Attribute { .. } => K::InvalidArgument,
            LimitError::Overflow(_) => K::Overflow,
            LimitError::InvalidRule { .. } => K::Validation,
        }
    }
}
