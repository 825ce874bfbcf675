//! The credit policy: one serde document, validated on load.
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "policy_id": "2026-11",
//!   "weights": {"open_orders": "1", "delivered_not_invoiced": "1",
//!               "open_receivables": "1", "disputed": "1", "special_liabilities": "1"},
//!   "horizon_days": 30,
//!   "blocked_risk_classes": ["E"],
//!   "rerelease": {"value_tolerance_percent": "10", "max_age_days": 30},
//!   "steps": [
//!     {"step": "customer_blocked", "action": "block"},
//!     {"step": "static_limit", "action": "block", "tolerance_percent": "5"},
//!     {"step": "oldest_overdue", "action": "warn", "days": 30, "materiality": "100"}
//!   ]
//! }
//! ```
//!
//! Amount thresholds are in the checked account's credit currency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::RiskClass;

/// The schema version this build reads and writes.
pub const POLICY_SCHEMA_VERSION: u32 = 1;

/// Errors in a policy document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A field with a value outside what is accepted.
    #[error("invalid policy field {field}: {value} ({reason})")]
    InvalidField {
        /// The field path, e.g. `steps[2].days`.
        field: String,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// The document is not valid JSON for a policy (the message names the
    /// path of the field at fault).
    #[error("{0}")]
    Document(String),
}

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
        use serde::ser::{Error, SerializeMap};
        let kind = crate::tagged::to_flat(&self.kind, "step").map_err(S::Error::custom)?;
        let mut m = s.serialize_map(Some(2 + kind.len()))?;
        if let Some(t) = kind.get("step") {
            m.serialize_entry("step", t)?;
        }
        for (k, v) in kind.iter().filter(|(k, _)| k.as_str() != "step") {
            m.serialize_entry(k, v)?;
        }
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

/// Weights of the exposure categories (1 counts in full, 0 leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureWeights {
    /// Open (undelivered) orders, incl. approved orders reserved by a check.
    #[serde(with = "crate::serde_decimal")]
    pub open_orders: Decimal,
    /// Delivered, not yet invoiced.
    #[serde(with = "crate::serde_decimal")]
    pub delivered_not_invoiced: Decimal,
    /// Open receivables (undisputed part, net of unapplied credits).
    #[serde(with = "crate::serde_decimal")]
    pub open_receivables: Decimal,
    /// Disputed part of open receivables.
    #[serde(with = "crate::serde_decimal")]
    pub disputed: Decimal,
    /// Host-supplied special liabilities.
    #[serde(with = "crate::serde_decimal")]
    pub special_liabilities: Decimal,
}

impl Default for ExposureWeights {
    fn default() -> Self {
        ExposureWeights {
            open_orders: Decimal::ONE,
            delivered_not_invoiced: Decimal::ONE,
            open_receivables: Decimal::ONE,
            disputed: Decimal::ONE,
            special_liabilities: Decimal::ONE,
        }
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

/// The whole credit policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Schema version of the document (must be 1).
    pub schema_version: u32,
    /// The policy's own version label, recorded with every decision.
    pub policy_id: String,
    /// Exposure category weights.
    #[serde(default)]
    pub weights: ExposureWeights,
    /// Credit horizon for the dynamic limit, in days after the check date.
    #[serde(default)]
    pub horizon_days: u32,
    /// Risk classes blocked for new orders.
    #[serde(default)]
    pub blocked_risk_classes: Vec<RiskClass>,
    /// Protection of released orders at later checkpoints.
    #[serde(default)]
    pub rerelease: Rerelease,
    /// The ordered check steps.
    pub steps: Vec<CheckStep>,
    /// Limit rules by risk class (risk analysis).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limit_rules: Vec<crate::risk::LimitRule>,
    /// Credit review scheduling.
    #[serde(default)]
    pub review: crate::risk::ReviewPolicy,
    /// The dunning procedure (levels, late interest, compensation,
    /// worklist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dunning: Option<crate::collections::DunningProcedure>,
    /// Monitoring: aging buckets and KPI goals.
    #[serde(default)]
    pub monitoring: crate::monitor::MonitoringPolicy,
    /// Size bounds on the book's input (ids, texts, JSON documents); see
    /// [`crate::bounds`]. Left out: the defaults.
    #[serde(default, skip_serializing_if = "is_default_bounds")]
    pub bounds: crate::bounds::Bounds,
}

fn is_default_bounds(b: &crate::bounds::Bounds) -> bool {
    *b == crate::bounds::Bounds::DEFAULT
}

fn bad(field: String, value: impl ToString, reason: &'static str) -> PolicyError {
    PolicyError::InvalidField {
        field,
        value: value.to_string(),
        reason,
    }
}

fn non_negative(field: String, v: Option<Decimal>) -> Result<(), PolicyError> {
    match v {
        Some(d) if d.is_sign_negative() && !d.is_zero() => {
            Err(bad(field, d, "must not be negative"))
        }
        _ => Ok(()),
    }
}

impl Policy {
    /// Reads and validates a policy from JSON.
    ///
    /// # Errors
    /// [`PolicyError::Document`] for malformed JSON or unknown fields,
    /// [`PolicyError::InvalidField`] naming the field for a bad value.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        // A policy is read before its own bounds are known: the defaults
        // bound its size and depth.
        let p: Policy = crate::json::from_str("policy", text, &crate::bounds::Bounds::DEFAULT)
            .map_err(|e| PolicyError::Document(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    /// Checks every field.
    ///
    /// # Errors
    /// [`PolicyError::InvalidField`] naming the field and value.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.schema_version != POLICY_SCHEMA_VERSION {
            return Err(bad(
                "schema_version".into(),
                self.schema_version,
                "this build reads version 1",
            ));
        }
        crate::risk::validate_rules(&self.limit_rules)?;
        self.monitoring.aging.validate().map_err(|e| {
            bad(
                "monitoring.aging.bounds".into(),
                e,
                "strictly increasing bounds",
            )
        })?;
        if let Some(d) = &self.dunning {
            d.validate().map_err(|e| match e {
                crate::collections::CollectionsError::InvalidField {
                    field,
                    value,
                    reason,
                } => PolicyError::InvalidField {
                    field,
                    value,
                    reason,
                },
                other => PolicyError::Document(other.to_string()),
            })?;
        }
        if self.policy_id.is_empty() {
            return Err(bad("policy_id".into(), "\"\"", "must not be empty"));
        }
        self.bounds.validate().map_err(|e| match e {
            crate::bounds::BoundsError::OutOfRange { field, value, .. } => bad(
                format!("bounds.{field}"),
                value,
                "out of range (see bounds::CEILING)",
            ),
            other => PolicyError::Document(other.to_string()),
        })?;
        self.bounds
            .check_text("policy_id", &self.policy_id)
            .map_err(|e| bad("policy_id".into(), e, "too long or holds a NUL"))?;
        let w = &self.weights;
        for (name, v) in [
            ("open_orders", w.open_orders),
            ("delivered_not_invoiced", w.delivered_not_invoiced),
            ("open_receivables", w.open_receivables),
            ("disputed", w.disputed),
            ("special_liabilities", w.special_liabilities),
        ] {
            if v.is_sign_negative() && !v.is_zero() || v > Decimal::from(10) {
                return Err(bad(format!("weights.{name}"), v, "must lie in 0..=10"));
            }
        }
        if self.horizon_days > 3660 {
            return Err(bad(
                "horizon_days".into(),
                self.horizon_days,
                "at most 3660",
            ));
        }
        non_negative(
            "rerelease.value_tolerance_percent".into(),
            Some(self.rerelease.value_tolerance_percent),
        )?;
        for (i, s) in self.steps.iter().enumerate() {
            let f = |name: &str| format!("steps[{i}].{name}");
            if s.checkpoints.is_empty() {
                return Err(bad(f("checkpoints"), "[]", "at least one checkpoint"));
            }
            match &s.kind {
                StepKind::StaticLimit {
                    tolerance_percent,
                    tolerance_amount,
                }
                | StepKind::DynamicLimit {
                    tolerance_percent,
                    tolerance_amount,
                } => {
                    non_negative(f("tolerance_percent"), *tolerance_percent)?;
                    non_negative(f("tolerance_amount"), *tolerance_amount)?;
                }
                StepKind::MaxOrderValue {
                    amount,
                    percent_of_limit,
                } => {
                    if amount.is_none() && percent_of_limit.is_none() {
                        return Err(bad(f("amount"), "null", "give amount or percent_of_limit"));
                    }
                    non_negative(f("amount"), *amount)?;
                    non_negative(f("percent_of_limit"), *percent_of_limit)?;
                }
                StepKind::OverdueAmount {
                    amount,
                    percent_of_balance,
                } => {
                    if amount.is_none() && percent_of_balance.is_none() {
                        return Err(bad(
                            f("amount"),
                            "null",
                            "give amount or percent_of_balance",
                        ));
                    }
                    non_negative(f("amount"), *amount)?;
                    non_negative(f("percent_of_balance"), *percent_of_balance)?;
                }
                StepKind::OldestOverdue { materiality, days } => {
                    non_negative(f("materiality"), *materiality)?;
                    if *days > 3660 {
                        return Err(bad(f("days"), days, "at most 3660"));
                    }
                }
                StepKind::DunningLevel { level } if *level == 0 => {
                    return Err(bad(f("level"), level, "dunning levels start at 1"));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The policy as JSON (decimals as strings).
    pub fn to_json(&self) -> String {
        // Our own types serialize infallibly (string keys only).
        serde_json_to_string(self)
    }
}

fn serde_json_to_string<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
