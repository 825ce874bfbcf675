//! The credit check: a pure function of the policy and the figures an order
//! is checked against ([`CheckInputs`]), so a logged decision can be
//! re-run under another policy (back-testing).
//!
//! Evaluating allocates nothing unless a step fails (the reasons list).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::RiskClass;
use crate::exposure::ExposureWeights;
pub use crate::exposure::Figures;
use crate::money::{at_precision, Currency};

pub mod desk;

/// Where in the order-to-cash flow a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checkpoint {
    /// Sales order entry (or change).
    Order,
    /// Delivery / goods issue.
    Delivery,
    /// Billing.
    Invoice,
}

impl Checkpoint {
    /// Every checkpoint.
    pub const ALL: [Checkpoint; 3] = [Checkpoint::Order, Checkpoint::Delivery, Checkpoint::Invoice];

    /// The checkpoint of this name.
    ///
    /// # Errors
    /// [`crate::error::UnknownName`] listing the names.
    pub fn from_name(name: &str) -> Result<Self, crate::error::UnknownName> {
        crate::error::UnknownName::find("checkpoint", name, &Self::ALL, Self::name)
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Checkpoint::Order => "order",
            Checkpoint::Delivery => "delivery",
            Checkpoint::Invoice => "invoice",
        }
    }
}

/// What a failed step does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The order is blocked (put on hold).
    Block,
    /// The order is approved with a warning.
    Warn,
}

/// One credit-check step with its parameters. In JSON the variant is the
/// step's `step` field, beside its parameters (inside the [`CheckStep`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum StepKind {
    /// The customer's blocked flag is set.
    CustomerBlocked,
    /// The customer's risk class is in `blocked_risk_classes`.
    RiskClassBlocked,
    /// Exposure after the order (all open orders) above the limit plus
    /// tolerance. Also fails when the account has no limit defined.
    StaticLimit {
        /// Tolerance in percent of the limit.
        #[serde(default, with = "crate::serde_decimal::option")]
        tolerance_percent: Option<Decimal>,
        /// Tolerance as an amount.
        #[serde(default, with = "crate::serde_decimal::option")]
        tolerance_amount: Option<Decimal>,
    },
    /// Like the static limit, counting only orders whose requested delivery
    /// lies within the horizon (orders without a date count).
    DynamicLimit {
        /// Tolerance in percent of the limit.
        #[serde(default, with = "crate::serde_decimal::option")]
        tolerance_percent: Option<Decimal>,
        /// Tolerance as an amount.
        #[serde(default, with = "crate::serde_decimal::option")]
        tolerance_amount: Option<Decimal>,
    },
    /// Group exposure after the order above a group limit of the customer's
    /// parent (or any ancestor, or the customer itself as a group head).
    GroupLimit,
    /// The order value above an amount or a percent of the limit.
    MaxOrderValue {
        /// Largest order value.
        #[serde(default, with = "crate::serde_decimal::option")]
        amount: Option<Decimal>,
        /// Largest order value as percent of the limit.
        #[serde(default, with = "crate::serde_decimal::option")]
        percent_of_limit: Option<Decimal>,
    },
    /// The oldest open item overdue by more than `days`, counting only items
    /// whose uncovered amount (open − disputed − covered by an active
    /// promise to pay, oldest first) exceeds `materiality`.
    OldestOverdue {
        /// Days past due allowed.
        days: u32,
        /// Smallest amount that counts.
        #[serde(default, with = "crate::serde_decimal::option")]
        materiality: Option<Decimal>,
    },
    /// Overdue amount (undisputed) above an amount or a percent of the
    /// receivables balance.
    OverdueAmount {
        /// Largest overdue amount.
        #[serde(default, with = "crate::serde_decimal::option")]
        amount: Option<Decimal>,
        /// Largest overdue share of the balance, in percent.
        #[serde(default, with = "crate::serde_decimal::option")]
        percent_of_balance: Option<Decimal>,
    },
    /// Highest dunning level on an open item at or above `level`.
    DunningLevel {
        /// Level that fails.
        level: u8,
    },
    /// The account's limit is past its `valid_to` date.
    LimitExpired,
    /// The customer's next review date has passed.
    ReviewOverdue,
}

impl StepKind {
    /// The stable code of the step, also the reason code when it fails.
    pub fn code(&self) -> &'static str {
        match self {
            StepKind::CustomerBlocked => "CUSTOMER_BLOCKED",
            StepKind::RiskClassBlocked => "RISK_CLASS_BLOCKED",
            StepKind::StaticLimit { .. } => "STATIC_LIMIT_EXCEEDED",
            StepKind::DynamicLimit { .. } => "DYNAMIC_LIMIT_EXCEEDED",
            StepKind::GroupLimit => "GROUP_LIMIT_EXCEEDED",
            StepKind::MaxOrderValue { .. } => "MAX_ORDER_VALUE_EXCEEDED",
            StepKind::OldestOverdue { .. } => "OLDEST_ITEM_OVERDUE",
            StepKind::OverdueAmount { .. } => "OVERDUE_AMOUNT_EXCEEDED",
            StepKind::DunningLevel { .. } => "DUNNING_LEVEL_REACHED",
            StepKind::LimitExpired => "LIMIT_EXPIRED",
            StepKind::ReviewOverdue => "REVIEW_OVERDUE",
        }
    }
}

fn all_checkpoints() -> Vec<Checkpoint> {
    Checkpoint::ALL.to_vec()
}

/// A step, its failure action and where it runs.
///
/// JSON: one flat map, `{"step": "static_limit", "action": "block",
/// "tolerance_percent": "5"}` (`checkpoints` may be left out: all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStep {
    /// What is checked.
    pub kind: StepKind,
    /// What a failure does.
    pub action: Action,
    /// Where it runs (all checkpoints by default).
    pub checkpoints: Vec<Checkpoint>,
}

impl Serialize for CheckStep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        crate::tagged::write_flat(&self.kind, "step", &mut m)?;
        m.serialize_entry("action", &self.action)?;
        m.serialize_entry("checkpoints", &self.checkpoints)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for CheckStep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut m = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let field = |m: &mut serde_json::Map<String, serde_json::Value>, k: &'static str| {
            m.remove(k).map(|v| (k, v))
        };
        let action = match field(&mut m, "action") {
            Some((k, v)) => {
                serde_json::from_value(v).map_err(|e| D::Error::custom(format!("{k}: {e}")))?
            }
            None => return Err(D::Error::missing_field("action")),
        };
        let checkpoints = match field(&mut m, "checkpoints") {
            Some((k, v)) => {
                serde_json::from_value(v).map_err(|e| D::Error::custom(format!("{k}: {e}")))?
            }
            None => all_checkpoints(),
        };
        Ok(CheckStep {
            kind: crate::tagged::from_flat(m, "step").map_err(D::Error::custom)?,
            action,
            checkpoints,
        })
    }
}

/// When a released order may be blocked again at a later checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rerelease {
    /// The order value may grow by this percent without a new check.
    #[serde(with = "crate::serde_decimal")]
    pub value_tolerance_percent: Decimal,
    /// A release older than this many days no longer protects the order.
    pub max_age_days: u32,
}

impl Default for Rerelease {
    fn default() -> Self {
        Rerelease {
            value_tolerance_percent: Decimal::ZERO,
            max_age_days: 30,
        }
    }
}

/// The limit an account is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LimitView {
    /// The account has no limit record.
    NotDefined,
    /// Explicitly unlimited.
    Unlimited {
        /// True when past its validity date.
        expired: bool,
    },
    /// A limit amount (base + active temporary increases).
    Amount {
        /// The amount in force.
        #[serde(with = "crate::serde_decimal")]
        amount: Decimal,
        /// True when past its validity date.
        expired: bool,
    },
}

impl LimitView {
    /// The view of an account's limit record on `as_of`.
    pub fn of(limit: Option<&crate::customer::CreditLimit>, as_of: NaiveDate) -> Self {
        match limit {
            None => LimitView::NotDefined,
            Some(l) => match l.effective(as_of) {
                None => LimitView::Unlimited {
                    expired: l.expired(as_of),
                },
                Some(amount) => LimitView::Amount {
                    amount,
                    expired: l.expired(as_of),
                },
            },
        }
    }

    /// The amount, if there is one.
    pub fn amount(&self) -> Option<Decimal> {
        match self {
            LimitView::Amount { amount, .. } => Some(*amount),
            _ => None,
        }
    }
}

/// The tightest group limit over the customer's group heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    /// Group exposure (weighted) before the order, in the group's currency.
    #[serde(with = "crate::serde_decimal")]
    pub exposure_before: Decimal,
    /// The order in the group's currency.
    #[serde(with = "crate::serde_decimal")]
    pub order_amount: Decimal,
    /// The group limit in force.
    #[serde(with = "crate::serde_decimal")]
    pub limit: Decimal,
    /// The group's currency (the head's credit currency), in which the
    /// three figures are.
    pub currency: Currency,
}

impl GroupView {
    /// What is left of the limit after the order (negative: exceeded),
    /// saturating at the decimal range.
    pub fn headroom(&self) -> Decimal {
        self.limit
            .saturating_sub(self.exposure_before)
            .saturating_sub(self.order_amount)
    }
}

/// An earlier release of the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseView {
    /// Order value when released.
    #[serde(with = "crate::serde_decimal")]
    pub amount: Decimal,
    /// Release date.
    #[serde(with = "crate::serde_date")]
    pub date: NaiveDate,
}

/// Everything a check reads, fixed-size (no heap), recorded in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInputs {
    /// Check date.
    #[serde(with = "crate::serde_date")]
    pub as_of: NaiveDate,
    /// Where in the flow.
    pub checkpoint: Checkpoint,
    /// The account's credit currency.
    pub currency: Currency,
    /// Order value in the credit currency.
    #[serde(with = "crate::serde_decimal")]
    pub order_amount: Decimal,
    /// Whether the order's requested delivery is within the horizon.
    pub order_in_horizon: bool,
    /// Exposure without this order.
    pub figures: Figures,
    /// The account's limit.
    pub limit: LimitView,
    /// The tightest group limit, if the customer is in a group with one.
    pub group: Option<GroupView>,
    /// The customer's blocked flag.
    pub customer_blocked: bool,
    /// The customer's risk class.
    pub risk_class: Option<RiskClass>,
    /// Days the oldest material, uncovered item is overdue (None: none is).
    pub oldest_overdue_days: Option<i64>,
    /// Overdue amount (undisputed).
    #[serde(with = "crate::serde_decimal")]
    pub overdue_amount: Decimal,
    /// Open receivables balance (undisputed + disputed).
    #[serde(with = "crate::serde_decimal")]
    pub balance: Decimal,
    /// Highest dunning level on an open item (0: none).
    pub max_dunning_level: u8,
    /// The customer's next review date.
    #[serde(with = "crate::serde_date::option")]
    pub next_review: Option<NaiveDate>,
    /// An earlier release of this order.
    pub release: Option<ReleaseView>,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step passed.
    Approved,
    /// Only warning steps failed.
    ApprovedWithWarnings,
    /// A blocking step failed: the order is on hold.
    Blocked,
}

impl Outcome {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::ApprovedWithWarnings => "approved_with_warnings",
            Outcome::Blocked => "blocked",
        }
    }
}

/// One failed step: its stable code, its action and the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code, e.g. `STATIC_LIMIT_EXCEEDED`.
    pub code: ReasonCode,
    /// Block or warn.
    pub action: Action,
    /// The threshold the step compared against, if numeric.
    #[serde(with = "crate::serde_decimal::option")]
    pub threshold: Option<Decimal>,
    /// The observed value, if numeric.
    #[serde(with = "crate::serde_decimal::option")]
    pub observed: Option<Decimal>,
}

/// A stable reason code (the failing step's code, or `NO_LIMIT_DEFINED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReasonCode(pub &'static str);

const CODES: [&str; 12] = [
    "CUSTOMER_BLOCKED",
    "RISK_CLASS_BLOCKED",
    "STATIC_LIMIT_EXCEEDED",
    "DYNAMIC_LIMIT_EXCEEDED",
    "GROUP_LIMIT_EXCEEDED",
    "MAX_ORDER_VALUE_EXCEEDED",
    "OLDEST_ITEM_OVERDUE",
    "OVERDUE_AMOUNT_EXCEEDED",
    "DUNNING_LEVEL_REACHED",
    "LIMIT_EXPIRED",
    "REVIEW_OVERDUE",
    "NO_LIMIT_DEFINED",
];

impl Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CODES
            .iter()
            .find(|c| **c == s)
            .map(|c| ReasonCode(c))
            .ok_or_else(|| serde::de::Error::custom(format!("unknown reason code {s:?}")))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self
            .threshold
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let o = self
            .observed
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let what = match self.code.0 {
            "CUSTOMER_BLOCKED" => "customer is blocked".to_string(),
            "RISK_CLASS_BLOCKED" => "risk class is blocked for new orders".to_string(),
            "STATIC_LIMIT_EXCEEDED" => format!("exposure after order {o} exceeds limit {t}"),
            "DYNAMIC_LIMIT_EXCEEDED" => {
                format!("exposure within horizon after order {o} exceeds limit {t}")
            }
            "GROUP_LIMIT_EXCEEDED" => {
                format!("group exposure after order {o} exceeds group limit {t}")
            }
            "MAX_ORDER_VALUE_EXCEEDED" => format!("order value {o} exceeds maximum {t}"),
            "OLDEST_ITEM_OVERDUE" => format!("oldest open item is {o} days overdue (allowed {t})"),
            "OVERDUE_AMOUNT_EXCEEDED" => format!("overdue amount {o} exceeds {t}"),
            "DUNNING_LEVEL_REACHED" => format!("dunning level {o} reached (blocks at {t})"),
            "LIMIT_EXPIRED" => "credit limit has expired".to_string(),
            "REVIEW_OVERDUE" => "credit review date has passed".to_string(),
            "NO_LIMIT_DEFINED" => "no credit limit is defined for the account".to_string(),
            other => other.to_string(),
        };
        let act = match self.action {
            Action::Block => "block",
            Action::Warn => "warn",
        };
        write!(f, "{} ({act}): {what}", self.code.0)
    }
}

/// A credit decision with its reasons and figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Approved, approved with warnings, or blocked.
    pub outcome: Outcome,
    /// One reason per failed step, in policy order.
    pub reasons: Vec<Reason>,
    /// True when an earlier release of the order let it pass unchecked.
    pub protected_by_release: bool,
    /// The account's credit currency.
    pub currency: Currency,
    /// Weighted (static) exposure before the order.
    #[serde(with = "crate::serde_decimal")]
    pub exposure_before: Decimal,
    /// Weighted (static) exposure after the order.
    #[serde(with = "crate::serde_decimal")]
    pub exposure_after: Decimal,
    /// The limit in force (None: unlimited or not defined).
    #[serde(with = "crate::serde_decimal::option")]
    pub limit: Option<Decimal>,
    /// Limit − exposure before the order (None without a limit amount).
    #[serde(with = "crate::serde_decimal::option")]
    pub available: Option<Decimal>,
}

/// A reason as reported to people and hosts: its figures plus the
/// readable sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonReport {
    /// Stable code.
    pub code: ReasonCode,
    /// Block or warn.
    pub action: Action,
    /// The threshold, if numeric.
    #[serde(with = "crate::serde_decimal::option")]
    pub threshold: Option<Decimal>,
    /// The observed value, if numeric.
    #[serde(with = "crate::serde_decimal::option")]
    pub observed: Option<Decimal>,
    /// The reason in words.
    pub message: String,
}

impl Reason {
    /// The reason with its message, for reports.
    pub fn report(&self) -> ReasonReport {
        ReasonReport {
            code: self.code,
            action: self.action,
            threshold: self.threshold,
            observed: self.observed,
            message: self.to_string(),
        }
    }
}

/// A decision as reported for one order: what the bindings return as a
/// Python dict and as C JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionReport<'a> {
    /// The order checked.
    pub order_id: &'a str,
    /// The outcome.
    pub outcome: Outcome,
    /// The reasons with their messages.
    pub reasons: Vec<ReasonReport>,
    /// True when an earlier release let the order pass unchecked.
    pub protected_by_release: bool,
    /// The credit currency.
    pub currency: Currency,
    /// Weighted exposure before the order.
    #[serde(with = "crate::serde_decimal")]
    pub exposure_before: Decimal,
    /// Weighted exposure after the order.
    #[serde(with = "crate::serde_decimal")]
    pub exposure_after: Decimal,
    /// The limit in force.
    #[serde(with = "crate::serde_decimal::option")]
    pub limit: Option<Decimal>,
    /// Limit − exposure before the order.
    #[serde(with = "crate::serde_decimal::option")]
    pub available: Option<Decimal>,
}

impl Decision {
    /// The decision for `order_id` with every reason's message.
    pub fn report<'a>(&self, order_id: &'a str) -> DecisionReport<'a> {
        DecisionReport {
            order_id,
            outcome: self.outcome,
            reasons: self.reasons.iter().map(Reason::report).collect(),
            protected_by_release: self.protected_by_release,
            currency: self.currency,
            exposure_before: self.exposure_before,
            exposure_after: self.exposure_after,
            limit: self.limit,
            available: self.available,
        }
    }
}

/// Arithmetic overflow while evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic overflow in the credit check")]
pub struct CheckOverflow;

/// `base × percent / 100`, exactly: dividing by 100 moves the decimal point
/// (no division), falling back to a division only at the scale limit.
fn pct(base: Decimal, percent: Decimal) -> Result<Decimal, CheckOverflow> {
    let mut v = base.checked_mul(percent).ok_or(CheckOverflow)?;
    let scale = v.scale() + 2;
    if scale <= 28 && v.set_scale(scale).is_ok() {
        return Ok(v);
    }
    v.checked_div(Decimal::ONE_HUNDRED).ok_or(CheckOverflow)
}

fn tolerance(
    limit: Decimal,
    percent: Option<Decimal>,
    amount: Option<Decimal>,
) -> Result<Decimal, CheckOverflow> {
    let p = match percent {
        Some(p) => pct(limit, p)?,
        None => Decimal::ZERO,
    };
    p.checked_add(amount.unwrap_or(Decimal::ZERO))
        .ok_or(CheckOverflow)
}

/// The parts of the policy a check reads (see
/// [`Policy::check_config`](crate::policy::Policy::check_config)).
#[derive(Debug, Clone, Copy)]
pub struct CheckConfig<'a> {
    /// Exposure category weights.
    pub weights: &'a ExposureWeights,
    /// Risk classes blocked for new orders.
    pub blocked_risk_classes: &'a [RiskClass],
    /// Protection of released orders at later checkpoints.
    pub rerelease: &'a Rerelease,
    /// The ordered check steps.
    pub steps: &'a [CheckStep],
}

/// Runs the configured steps for `inputs.checkpoint` against the inputs.
///
/// # Errors
/// [`CheckOverflow`] if a figure overflows 96-bit decimals.
pub fn evaluate(policy: &CheckConfig<'_>, inputs: &CheckInputs) -> Result<Decision, CheckOverflow> {
    let w = policy.weights;
    let before = inputs.figures.weighted(w, false).ok_or(CheckOverflow)?;
    let order_weighted = inputs
        .order_amount
        .checked_mul(w.open_orders)
        .ok_or(CheckOverflow)?;
    let after = before.checked_add(order_weighted).ok_or(CheckOverflow)?;
    let limit = inputs.limit.amount();
    // Money figures are shown at their currency's precision wherever that
    // is exact (see `at_precision`); comparisons use the exact values.
    let mu = inputs.currency.minor_units();
    let shown = |v: Decimal| at_precision(v, mu);
    let mut d = Decision {
        outcome: Outcome::Approved,
        reasons: Vec::new(),
        protected_by_release: false,
        currency: inputs.currency,
        exposure_before: shown(before),
        exposure_after: shown(after),
        limit: limit.map(shown),
        available: limit.and_then(|l| l.checked_sub(before)).map(shown),
    };
    if let Some(r) = inputs.release {
        let max_value = r
            .amount
            .checked_add(pct(r.amount, policy.rerelease.value_tolerance_percent)?)
            .ok_or(CheckOverflow)?;
        let age = (inputs.as_of - r.date).num_days();
        if inputs.order_amount <= max_value
            && (0..=i64::from(policy.rerelease.max_age_days)).contains(&age)
        {
            d.protected_by_release = true;
            return Ok(d);
        }
    }
    for step in policy.steps {
        if !step.checkpoints.contains(&inputs.checkpoint) {
            continue;
        }
        let fail =
            |code: &'static str, threshold: Option<Decimal>, observed: Option<Decimal>| Reason {
                code: ReasonCode(code),
                action: step.action,
                threshold,
                observed,
            };
        // A money figure of the account's (or the group's) currency.
        let money = |code: &'static str, threshold: Decimal, observed: Decimal, dp: u32| {
            fail(
                code,
                Some(at_precision(threshold, dp)),
                Some(at_precision(observed, dp)),
            )
        };
        let failed: Option<Reason> = match &step.kind {
            StepKind::CustomerBlocked => inputs
                .customer_blocked
                .then(|| fail(step.kind.code(), None, None)),
            StepKind::RiskClassBlocked => inputs
                .risk_class
                .filter(|rc| policy.blocked_risk_classes.contains(rc))
                .map(|_| fail(step.kind.code(), None, None)),
            StepKind::StaticLimit {
                tolerance_percent,
                tolerance_amount,
            }
            | StepKind::DynamicLimit {
                tolerance_percent,
                tolerance_amount,
            } => {
                let dynamic = matches!(step.kind, StepKind::DynamicLimit { .. });
                match inputs.limit {
                    LimitView::NotDefined => {
                        Some(fail("NO_LIMIT_DEFINED", None, Some(shown(after))))
                    }
                    LimitView::Unlimited { .. } => None,
                    LimitView::Amount { amount, .. } => {
                        let exposure = if dynamic {
                            let b = inputs.figures.weighted(w, true).ok_or(CheckOverflow)?;
                            if inputs.order_in_horizon {
                                b.checked_add(order_weighted).ok_or(CheckOverflow)?
                            } else {
                                b
                            }
                        } else {
                            after
                        };
                        let ceiling = amount
                            .checked_add(tolerance(amount, *tolerance_percent, *tolerance_amount)?)
                            .ok_or(CheckOverflow)?;
                        (exposure > ceiling).then(|| money(step.kind.code(), ceiling, exposure, mu))
                    }
                }
            }
            StepKind::GroupLimit => match inputs.group {
                Some(g) => {
                    let after_g = g
                        .exposure_before
                        .checked_add(
                            g.order_amount
                                .checked_mul(w.open_orders)
                                .ok_or(CheckOverflow)?,
                        )
                        .ok_or(CheckOverflow)?;
                    (after_g > g.limit).then(|| {
                        money(step.kind.code(), g.limit, after_g, g.currency.minor_units())
                    })
                }
                None => None,
            },
            StepKind::MaxOrderValue {
                amount,
                percent_of_limit,
            } => {
                let by_pct = match (percent_of_limit, limit) {
                    (Some(p), Some(l)) => Some(pct(l, *p)?),
                    _ => None,
                };
                let max = match (amount, by_pct) {
                    (Some(a), Some(b)) => Some((*a).min(b)),
                    (a, b) => a.or(b),
                };
                max.filter(|m| inputs.order_amount > *m)
                    .map(|m| money(step.kind.code(), m, inputs.order_amount, mu))
            }
            StepKind::OldestOverdue { days, .. } => inputs
                .oldest_overdue_days
                .filter(|o| *o > i64::from(*days))
                .map(|o| {
                    fail(
                        step.kind.code(),
                        Some(Decimal::from(*days)),
                        Some(Decimal::from(o)),
                    )
                }),
            StepKind::OverdueAmount {
                amount,
                percent_of_balance,
            } => {
                let by_pct = match percent_of_balance {
                    Some(p) => Some(pct(inputs.balance, *p)?),
                    None => None,
                };
                let max = match (amount, by_pct) {
                    (Some(a), Some(b)) => Some((*a).min(b)),
                    (a, b) => a.or(b),
                };
                max.filter(|m| inputs.overdue_amount > *m)
                    .map(|m| money(step.kind.code(), m, inputs.overdue_amount, mu))
            }
            StepKind::DunningLevel { level } => (inputs.max_dunning_level >= *level).then(|| {
                fail(
                    step.kind.code(),
                    Some(Decimal::from(*level)),
                    Some(Decimal::from(inputs.max_dunning_level)),
                )
            }),
            StepKind::LimitExpired => match inputs.limit {
                LimitView::Amount { expired: true, .. }
                | LimitView::Unlimited { expired: true } => {
                    Some(fail(step.kind.code(), None, None))
                }
                _ => None,
            },
            StepKind::ReviewOverdue => inputs
                .next_review
                .filter(|r| inputs.as_of > *r)
                .map(|_| fail(step.kind.code(), None, None)),
        };
        if let Some(r) = failed {
            d.outcome = match (d.outcome, r.action) {
                (_, Action::Block) | (Outcome::Blocked, _) => Outcome::Blocked,
                _ => Outcome::ApprovedWithWarnings,
            };
            d.reasons.push(r);
        }
    }
    Ok(d)
}

impl crate::error::Classify for CheckOverflow {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Overflow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences_with_their_figures() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let r = |code: &'static str, t: Option<&str>, o: Option<&str>| Reason {
            code: ReasonCode(code),
            action: Action::Block,
            threshold: t.map(d),
            observed: o.map(d),
        };
        assert_eq!(
            r("STATIC_LIMIT_EXCEEDED", Some("50000.00"), Some("58000.00")).to_string(),
            "STATIC_LIMIT_EXCEEDED (block): exposure after order 58000.00 exceeds limit 50000.00"
        );
        assert_eq!(
            r("OLDEST_ITEM_OVERDUE", Some("30"), Some("31")).to_string(),
            "OLDEST_ITEM_OVERDUE (block): oldest open item is 31 days overdue (allowed 30)"
        );
        assert_eq!(
            r("CUSTOMER_BLOCKED", None, None).to_string(),
            "CUSTOMER_BLOCKED (block): customer is blocked"
        );
        // A figure that is absent reads as "-"; a warning says so.
        let mut w = r("MAX_ORDER_VALUE_EXCEEDED", None, Some("10"));
        w.action = Action::Warn;
        assert_eq!(
            w.to_string(),
            "MAX_ORDER_VALUE_EXCEEDED (warn): order value 10 exceeds maximum -"
        );
    }

    #[test]
    fn total_counts_every_category_once_with_all_orders() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let f = Figures {
            open_orders: d("100.00"),
            open_orders_in_horizon: d("40.00"),
            delivered_not_invoiced: d("50.00"),
            receivables: d("300.00"),
            disputed: d("20.00"),
            special_liabilities: d("30.00"),
        };
        // 100 + 50 + 300 + 20 + 30; the horizon's part is inside the 100.
        assert_eq!(f.total(), Some(d("500.00")));
        let w = crate::policy::ExposureWeights::default();
        assert_eq!(f.weighted(&w, true), Some(d("440.00")));
        let big = Figures {
            receivables: Decimal::MAX,
            special_liabilities: d("1"),
            ..Figures::default()
        };
        assert_eq!(big.total(), None);
    }

    #[test]
    fn percent_moves_the_decimal_point_exactly() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(pct(d("1000.00"), d("5")).unwrap(), d("50.00"));
        assert_eq!(pct(d("1234.56"), d("12.5")).unwrap(), d("154.32"));
        assert_eq!(pct(d("0.01"), d("0.001")).unwrap(), d("0.0000001"));
        // At the scale limit it falls back to dividing (rounded to 28 digits).
        let tiny = Decimal::new(1, 27);
        assert_eq!(pct(tiny, d("1")).unwrap(), tiny / Decimal::ONE_HUNDRED);
        assert!(pct(Decimal::MAX, d("200")).is_err());
    }
}
