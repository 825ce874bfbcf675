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

use crate::check::CheckConfig;
pub use crate::check::{Action, CheckStep, Checkpoint, Rerelease, StepKind};
use crate::customer::RiskClass;
pub use crate::exposure::{CreditCover, ExposureWeights};
pub use crate::ledger::{LedgerConventions, PartialDiscount};

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
    /// Whether open credits (cash and credit notes on account) cover the
    /// oldest overdue items in the check and in dunning (yes by default).
    #[serde(default, skip_serializing_if = "CreditCover::is_default")]
    pub credits: CreditCover,
    /// The ledger's settlement conventions (discounts on part payments).
    /// Fixed once the book holds events: they decide how past events
    /// settled.
    #[serde(default, skip_serializing_if = "LedgerConventions::is_default")]
    pub ledger: LedgerConventions,
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
        crate::risk::validate_rules(&self.limit_rules).map_err(|e| match e {
            crate::risk::LimitError::InvalidRule {
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
        self.monitoring.aging.validate().map_err(|e| {
            bad(
                "monitoring.aging.bounds".into(),
                e,
                "strictly increasing bounds",
            )
        })?;
        self.monitoring
            .kpi
            .validate()
            .map_err(|(field, value, reason)| {
                bad(format!("monitoring.kpi.{field}"), value, reason)
            })?;
        if let Some(p) = self
            .review
            .write_back
            .limit_increases_up_to_percent
            .filter(|p| p.is_sign_negative())
        {
            return Err(bad(
                "review.write_back.limit_increases_up_to_percent".into(),
                p,
                "a percentage is not negative",
            ));
        }
        let tol = &self.ledger.residue_tolerance;
        if let Some(a) = tol.amount.filter(|a| a.is_sign_negative()) {
            return Err(bad(
                "ledger.residue_tolerance.amount".into(),
                a,
                "a tolerance is not negative",
            ));
        }
        if let Some(p) = tol
            .percent
            .filter(|p| p.is_sign_negative() || *p > Decimal::ONE_HUNDRED)
        {
            return Err(bad(
                "ledger.residue_tolerance.percent".into(),
                p,
                "a percent from 0 to 100",
            ));
        }
        // A KPI report is in one report currency (see `CreditBook::kpis`).
        if let Some((i, _)) = self
            .monitoring
            .goals
            .iter()
            .enumerate()
            .find(|(_, g)| g.scope == crate::monitor::GroupBy::Currency)
        {
            return Err(bad(
                format!("monitoring.goals[{i}].scope"),
                "currency",
                "goals are measured in one report currency: scope them by total, segment, collector, risk class or customer",
            ));
        }
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

    /// The parts of the policy the credit check reads.
    pub fn check_config(&self) -> CheckConfig<'_> {
        CheckConfig {
            weights: &self.weights,
            blocked_risk_classes: &self.blocked_risk_classes,
            rerelease: &self.rerelease,
            steps: &self.steps,
        }
    }

    /// The settings that change how a check measures its figures.
    pub fn measures(&self) -> crate::check::desk::Measures {
        crate::check::desk::Measures {
            horizon_days: self.horizon_days,
            materiality: crate::check::desk::materiality(&self.steps),
            credits_cover: self.credits.in_check,
            weights: self.weights,
        }
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

impl crate::error::Classify for PolicyError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            PolicyError::InvalidField { .. } => crate::error::ErrorKind::Validation,
            PolicyError::Document(_) => crate::error::ErrorKind::Parse,
        }
    }
}
