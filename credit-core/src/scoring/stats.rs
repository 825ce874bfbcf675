//! Scorecard monitoring: is the card still stable, does it still rank?
//!
//! * Population stability index (Siddiqi, *Credit Risk Scorecards*, 2006,
//!   ch. 8; Yurdakul, "Statistical properties of the population stability
//!   index", 2018): `PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ)` over bins, `eᵢ` the
//!   baseline share and `aᵢ` the current share. A bin empty on either side
//!   makes the logarithm undefined; such shares are floored at
//!   [`SHARE_FLOOR`] (a common convention, stated so it is never a
//!   surprise). Rule of thumb: < 0.10 stable, 0.10–0.25 a shift worth a
//!   look, > 0.25 a major shift.
//! * Characteristic stability: the same index over one characteristic's
//!   bins, plus the score shift `Σ (aᵢ − eᵢ) · pointsᵢ` (Siddiqi ch. 8,
//!   "characteristic analysis").
//! * Discrimination given outcomes: AUC = P(a random good scores above a
//!   random bad), ties counting one half (the Mann–Whitney U statistic
//!   divided by `n_good · n_bad`); Gini (accuracy ratio) = 2·AUC − 1; KS =
//!   the largest gap between the cumulative score distributions of bads and
//!   goods, evaluated at every distinct score.

use super::{batch::Column, Scorecard, ScoringError};

/// Shares below this are raised to it in stability indexes.
pub const SHARE_FLOOR: f64 = 1e-4;

/// A stability index and each bin's contribution.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stability {
    /// The index (PSI formula).
    pub index: f64,
    /// Contribution of each bin.
    pub contributions: Vec<f64>,
    /// Baseline share of each bin.
    pub baseline_shares: Vec<f64>,
    /// Current share of each bin.
    pub current_shares: Vec<f64>,
}

fn bad(field: &str, reason: impl Into<String>) -> ScoringError {
    ScoringError::Batch {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Population stability index between two distributions given as counts
/// per bin.
///
/// # Errors
/// [`ScoringError::Batch`] for different numbers of bins or an empty side.
pub fn psi(baseline: &[u64], current: &[u64]) -> Result<Stability, ScoringError> {
    if baseline.len() != current.len() {
        return Err(bad(
            "current",
            format!(
                "{} bins, but the baseline has {}",
                current.len(),
                baseline.len()
            ),
        ));
    }
    // Checked: counts summing past 2^64 are an error, not a wrapped total
    // (identical distributions gave PSI 8.2e20 in release builds).
    let total = |counts: &[u64], field: &'static str| {
        counts
            .iter()
            .try_fold(0u64, |acc, &k| acc.checked_add(k))
            .ok_or_else(|| bad(field, "counts sum past 2^64 - 1"))
    };
    let nb = total(baseline, "baseline")?;
    let nc = total(current, "current")?;
    if nb == 0 || nc == 0 {
        return Err(bad(
            if nb == 0 { "baseline" } else { "current" },
            "no observations",
        ));
    }
    let share = |k: u64, n: u64| k as f64 / n as f64;
    let mut out = Stability {
        index: 0.0,
        contributions: Vec::with_capacity(baseline.len()),
        baseline_shares: Vec::with_capacity(baseline.len()),
        current_shares: Vec::with_capacity(baseline.len()),
    };
    for (&b, &c) in baseline.iter().zip(current) {
        let e = share(b, nb);
        let a = share(c, nc);
        let (ef, af) = (e.max(SHARE_FLOOR), a.max(SHARE_FLOOR));
        let x = (af - ef) * (af / ef).ln();
        out.index += x;
        out.contributions.push(x);
        out.baseline_shares.push(e);
        out.current_shares.push(a);
    }
    Ok(out)
}

/// Counts of scores per band: `edges` are the lower bounds of bands 1..
/// (band 0 starts at −∞), each band `[edgeₖ, edgeₖ₊₁)`. NaN scores (rejected
/// rows) are not counted.
pub fn histogram(scores: &[f64], edges: &[f64]) -> Vec<u64> {
    let mut out = vec![0u64; edges.len() + 1];
    for &s in scores {
        if !s.is_nan() {
            out[edges.partition_point(|&e| s >= e)] += 1;
        }
    }
    out
}

/// Population stability index of two score samples over the card's risk
/// bands.
///
/// # Errors
/// As [`psi`].
pub fn score_psi(
    card: &Scorecard,
    baseline: &[f64],
    current: &[f64],
) -> Result<Stability, ScoringError> {
    psi(
        &histogram(baseline, &card.band_mins),
        &histogram(current, &card.band_mins),
    )
}

/// Stability of one characteristic.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CharacteristicStability {
    /// Attribute name.
    pub name: String,
    /// Stability index over its bins (regular, missing, no match, special).
    pub stability: Stability,
    /// Score shift: `Σ (current share − baseline share) · points` (rejected
    /// rows' bin counts no points).
    pub score_shift: f64,
}

impl Scorecard {
    /// How many rows fall in each bin of each characteristic. Bins per
    /// characteristic: regular bins in order, then missing, no match, and
    /// the special bins.
    ///
    /// # Errors
    /// As [`Scorecard::score_batch`] for absent or ill-shaped columns.
    pub fn bin_counts(
        &self,
        columns: &[(&str, Column<'_>)],
        rows: usize,
    ) -> Result<Vec<Vec<u64>>, ScoringError> {
        let mut out = Vec::with_capacity(self.compiled.len());
        for (c, def) in self.compiled.iter().zip(&self.def.characteristics) {
            let col = columns
                .iter()
                .find(|(n, _)| *n == def.name)
                .map(|(_, col)| *col)
                .ok_or_else(|| bad(&def.name, "no column for this characteristic"))?;
            let mut counts = vec![0u64; c.points.len()];
            let mut add = |slot: u32| counts[slot as usize] += 1;
            match (col, c.numeric) {
                (Column::Numeric(x), true) if x.len() == rows => {
                    x.iter().for_each(|&v| add(c.numeric_slot(v)))
                }
                (Column::Codes(x), false) if x.len() == rows => {
                    x.iter().for_each(|&k| add(c.code_slot(i64::from(k))))
                }
                (Column::Text(x), false) if x.len() == rows => x.iter().for_each(|v| {
                    add(match v {
                        Some(s) => c.text_slot(s),
                        None => c.missing_slot,
                    })
                }),
                _ => {
                    return Err(bad(
                        &def.name,
                        format!("a column of {rows} rows of the characteristic's kind"),
                    ))
                }
            }
            out.push(counts);
        }
        Ok(out)
    }

    /// Characteristic stability between a baseline and a current sample.
    ///
    /// # Errors
    /// As [`Scorecard::bin_counts`] and [`psi`].
    pub fn characteristic_stability(
        &self,
        baseline: &[(&str, Column<'_>)],
        baseline_rows: usize,
        current: &[(&str, Column<'_>)],
        current_rows: usize,
    ) -> Result<Vec<CharacteristicStability>, ScoringError> {
        let b = self.bin_counts(baseline, baseline_rows)?;
        let c = self.bin_counts(current, current_rows)?;
        let mut out = Vec::with_capacity(b.len());
        for (k, (cb, cc)) in b.iter().zip(&c).enumerate() {
            let s = psi(cb, cc)?;
            let pts = &self.compiled[k].points;
            let score_shift = s
                .current_shares
                .iter()
                .zip(&s.baseline_shares)
                .zip(pts)
                .map(|((a, e), p)| if p.is_nan() { 0.0 } else { (a - e) * p })
                .sum();
            out.push(CharacteristicStability {
                name: self.def.characteristics[k].name.clone(),
                stability: s,
                score_shift,
            });
        }
        Ok(out)
    }
}

/// How well scores separate goods from bads.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Discrimination {
    /// Area under the ROC curve.
    pub auc: f64,
    /// Gini coefficient (accuracy ratio) = 2·AUC − 1.
    pub gini: f64,
    /// Kolmogorov–Smirnov statistic (0..=1).
    pub ks: f64,
    /// The score at which KS is reached (cumulative up to and including it).
    pub ks_score: f64,
    /// Number of goods.
    pub goods: u64,
    /// Number of bads.
    pub bads: u64,
}

/// AUC, Gini and KS of scores against outcomes (`bad[i]` = row i went bad);
/// higher scores are meant to be better.
///
/// # Errors
/// [`ScoringError::Batch`] for different lengths, a NaN score, or no goods
/// or no bads (the statistics are then undefined).
pub fn discrimination(scores: &[f64], bad_flags: &[bool]) -> Result<Discrimination, ScoringError> {
    if scores.len() != bad_flags.len() {
        return Err(bad(
            "bad",
            format!("{} outcomes for {} scores", bad_flags.len(), scores.len()),
        ));
    }
    if let Some(i) = scores.iter().position(|s| s.is_nan()) {
        return Err(bad("scores", format!("score {i} is NaN (a rejected row)")));
    }
    let bads = bad_flags.iter().filter(|&&b| b).count() as u64;
    let goods = scores.len() as u64 - bads;
    if bads == 0 || goods == 0 {
        return Err(bad(
            "bad",
            format!("{goods} goods and {bads} bads: AUC, Gini and KS need both"),
        ));
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Walk groups of tied scores in increasing order.
    let (mut cum_good, mut cum_bad) = (0u64, 0u64);
    // Twice the pairs where the good scores above the bad (ties count ½),
    // in integers.
    let mut u2 = 0u128;
    // The KS gap in exact integers: |cum_bad·goods − cum_good·bads|, so that
    // equal gaps compare equal and the first score reaching it is reported.
    let (mut ks_num, mut ks_score) = (0u128, scores[idx[0]]);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        let (mut g, mut b) = (0u64, 0u64);
        while i < idx.len() && scores[idx[i]] == s {
            if bad_flags[idx[i]] {
                b += 1;
            } else {
                g += 1;
            }
            i += 1;
        }
        // Goods in this group beat every bad below it, tie with bads in it.
        u2 += 2 * u128::from(g) * u128::from(cum_bad) + u128::from(g) * u128::from(b);
        cum_good += g;
        cum_bad += b;
        let gap = (u128::from(cum_bad) * u128::from(goods))
            .abs_diff(u128::from(cum_good) * u128::from(bads));
        if gap > ks_num {
            ks_num = gap;
            ks_score = s;
        }
    }
    let auc = u2 as f64 / (2.0 * goods as f64 * bads as f64);
    let ks = ks_num as f64 / (goods as f64 * bads as f64);
    Ok(Discrimination {
        auc,
        gini: 2.0 * auc - 1.0,
        ks,
        ks_score,
        goods,
        bads,
    })
}
