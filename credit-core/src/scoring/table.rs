//! Import of the tabular card format that scorecardpy and optbinning
//! export: one row per variable × bin, the bin written as text.
//!
//! Bin notations read:
//!
//! * intervals `[1.5,3.0)`, `(1.5, 3.0]`, `(-inf, 1.50)`, `[3.00, inf)`
//!   (scorecardpy writes `[a,b)`; optbinning `(-inf, a)`, `[a, b)`,
//!   `[b, inf)`);
//! * `missing` / `Missing` (also `nan`, `None`), `special` / `Special`;
//! * categories: scorecardpy joins merged categories with `%,%`
//!   (`retail%,%food`), optbinning lists them (`['retail' 'food']`,
//!   `["retail", "food"]`, `[retail, food]`); a lone value is one category;
//! * parts joined with `%,%` may mix an interval and `missing`
//!   (`[-inf,1.5)%,%missing`): the bin also holds missing values.
//!
//! A variable named `basepoints` (any case) adds its points to the base.
//! Interval bounds are read as written, so a table printed for display —
//! optbinning's `Scorecard.table()` writes every cut point with 2 decimals
//! (`[8.50, 11.50)`), rounding 0.0953736 to `0.10` — would mis-score: a
//! bound written with fixed decimals (a fraction of two or more digits
//! ending in 0) is refused unless [`TableOptions::accept_rounded_cut_points`]
//! says the table is exact anyway. Import a fitted optbinning scorecard from
//! the object itself (the Python `Scorecard.from_optbinning`), which writes
//! each split in its shortest round-trip form; scorecardpy's card frames
//! already hold its exact breaks (it bins by re-reading that text).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    invalid, Bins, CategoryBin, Characteristic, Closed, Infinities, NoMatch, PointsRounding,
    RiskBand, ScorecardDef, ScoringError, SpecialBin, SCORECARD_SCHEMA_VERSION,
};

/// One row of a tabular card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRow {
    /// Variable (attribute) name.
    pub variable: String,
    /// The bin, as text.
    pub bin: String,
    /// Points of the bin.
    pub points: f64,
}

/// What a table does not say, for building a card from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableOptions {
    /// The card's name.
    pub name: String,
    /// No-match policy.
    pub no_match: NoMatch,
    /// Risk bands.
    pub classes: Vec<RiskBand>,
    /// Rounding of points (the tools export rounded points already).
    #[serde(default)]
    pub rounding: PointsRounding,
    /// Number of reason codes (default 3).
    #[serde(default = "super::default_reasons")]
    pub reason_count: usize,
    /// Sentinel values per variable, for rows whose bin is `Special`.
    #[serde(default)]
    pub special_values: BTreeMap<String, Vec<f64>>,
    /// Accept cut points printed with fixed decimals (`8.50`, `0.10`):
    /// off by default, since such a table was printed for display and its
    /// cut points may be rounded (optbinning's table prints 2 decimals, so a
    /// split at 0.0953736 reads `0.10` and scores differently).
    #[serde(default)]
    pub accept_rounded_cut_points: bool,
    /// Where ±∞ falls (the exporting tool's convention: scorecardpy scores
    /// it as −999, `{"as_value": -999}`; optbinning in the end bins,
    /// `"end_bins"`); default no bin.
    #[serde(default)]
    pub infinities: Infinities,
}

/// The first finite cut point of `bin` printed with fixed decimals: a
/// fraction of two or more digits ending in 0 (`8.50`, `0.10`, `3.00`) —
/// what display formatting writes and a float's shortest form never does
/// (`8.5`, `0.1`, `3.0`).
fn fixed_decimal_bound(bin: &str) -> Option<&str> {
    for part in bin.split("%,%") {
        let p = part.trim();
        if !(p.starts_with(['[', '(']) && p.ends_with([']', ')'])) || p.len() < 3 {
            continue;
        }
        for b in p[1..p.len() - 1].split(',') {
            let b = b.trim();
            if let Some((_, frac)) = b.split_once('.') {
                if frac.len() >= 2
                    && frac.ends_with('0')
                    && frac.bytes().all(|c| c.is_ascii_digit())
                {
                    return Some(b);
                }
            }
        }
    }
    None
}

/// One part of a bin's notation.
#[derive(Debug, Clone, PartialEq)]
pub enum BinNotation {
    /// A numeric interval (`lo` may be −∞, `hi` +∞).
    Interval {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
        /// Which end is closed.
        closed: Closed,
    },
    /// Category values.
    Categories(Vec<String>),
    /// The missing bin.
    Missing,
    /// The special-values bin.
    Special,
}

fn num(s: &str) -> Option<f64> {
    let t = s.trim();
    let x: f64 = t.parse().ok()?;
    (!x.is_nan()).then_some(x)
}

fn interval(t: &str) -> Result<Option<BinNotation>, String> {
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().last()) else {
        return Ok(None);
    };
    if !matches!(first, '[' | '(') || !matches!(last, ']' | ')') || t.len() < 3 {
        return Ok(None);
    }
    let inner = &t[1..t.len() - 1];
    let mut it = inner.split(',');
    let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
        return Ok(None);
    };
    let (Some(lo), Some(hi)) = (num(a), num(b)) else {
        return Ok(None);
    };
    if lo >= hi {
        return Err(format!(
            "interval {t}: the lower bound must be below the upper"
        ));
    }
    let lo_closed = first == '[' && lo.is_finite();
    let hi_closed = last == ']' && hi.is_finite();
    let closed = match (lo.is_finite(), hi.is_finite()) {
        (true, true) if lo_closed && !hi_closed => Closed::Left,
        (true, true) if !lo_closed && hi_closed => Closed::Right,
        (true, true) => {
            return Err(format!(
                "interval {t}: exactly one end must be closed ([a, b) or (a, b])"
            ))
        }
        (false, true) => {
            if hi_closed {
                Closed::Right
            } else {
                Closed::Left
            }
        }
        (true, false) => {
            if lo_closed {
                Closed::Left
            } else {
                Closed::Right
            }
        }
        (false, false) => Closed::Left,
    };
    Ok(Some(BinNotation::Interval { lo, hi, closed }))
}

/// The values of a bracketed list: `['a' 'b']`, `["a", "b"]`, `[a, b]`.
fn list(t: &str) -> Option<Vec<String>> {
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let mut v = String::new();
        if c == '\'' || c == '"' {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => v.extend(chars.next()),
                    Some(ch) if ch == c => break,
                    Some(ch) => v.push(ch),
                    None => return None,
                }
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch == ',' {
                    break;
                }
                v.push(ch);
                chars.next();
            }
            v = v.trim().to_string();
        }
        out.push(v);
    }
    Some(out)
}

/// Parses a bin's notation into its parts.
///
/// # Errors
/// [`ScoringError::InvalidValue`] naming the text for an empty bin or an
/// interval with both or neither finite end closed, or bounds out of order.
pub fn parse_bin(text: &str) -> Result<Vec<BinNotation>, ScoringError> {
    let err = |reason: &'static str| ScoringError::InvalidValue {
        characteristic: "bin".into(),
        value: format!("{text:?}"),
        reason,
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(err("an empty bin"));
    }
    let mut out = Vec::new();
    for part in t.split("%,%") {
        let p = part.trim();
        let lower = p.to_ascii_lowercase();
        if matches!(lower.as_str(), "missing" | "nan" | "none" | "null") {
            out.push(BinNotation::Missing);
            continue;
        }
        if lower == "special" {
            out.push(BinNotation::Special);
            continue;
        }
        match interval(p) {
            Ok(Some(iv)) => {
                out.push(iv);
                continue;
            }
            // Shaped like an interval (an open end and a comma) but not
            // one: a typo in a bound, not a category of that name.
            Ok(None) if (p.starts_with('(') || p.ends_with(')')) && p.contains(',') => {
                return Err(err("an interval whose bounds are not numbers"))
            }
            Ok(None) => {}
            Err(_) => {
                return Err(err(
                    "an interval needs bounds in order and exactly one closed finite end",
                ))
            }
        }
        if p.starts_with('[') && p.ends_with(']') {
            match list(p) {
                Some(v) if !v.is_empty() => {
                    out.push(BinNotation::Categories(v));
                    continue;
                }
                _ => return Err(err("a list of categories")),
            }
        }
        out.push(BinNotation::Categories(vec![part.to_string()]));
    }
    // Merge the category parts of a `%,%` list into one.
    let mut merged: Vec<BinNotation> = Vec::with_capacity(out.len());
    for b in out {
        match (merged.last_mut(), b) {
            (Some(BinNotation::Categories(v)), BinNotation::Categories(w)) => v.extend(w),
            (_, b) => merged.push(b),
        }
    }
    Ok(merged)
}

impl ScorecardDef {
    /// Builds a card definition from a tabular card (scorecardpy /
    /// optbinning style), rows in table order.
    ///
    /// # Errors
    /// [`ScoringError::InvalidField`] naming the variable and bin: a bin
    /// that cannot be parsed, numeric intervals that do not tile the line
    /// from −∞ to +∞, mixed interval closures, a variable mixing intervals
    /// and categories, two missing bins; then everything [`super::Scorecard::new`]
    /// checks.
    pub fn from_table(rows: &[TableRow], opts: &TableOptions) -> Result<Self, ScoringError> {
        let mut order: Vec<&str> = Vec::new();
        let mut by_var: BTreeMap<&str, Vec<(&TableRow, Vec<BinNotation>)>> = BTreeMap::new();
        let mut base = 0.0;
        for (i, r) in rows.iter().enumerate() {
            if r.variable.trim().eq_ignore_ascii_case("basepoints") {
                base += r.points;
                continue;
            }
            if !opts.accept_rounded_cut_points {
                if let Some(b) = fixed_decimal_bound(&r.bin) {
                    return Err(invalid(
                        format!("rows[{i}].bin"),
                        format!("{:?} ({})", r.bin, r.variable),
                        format!(
                            "cut point {b} is printed with fixed decimals and may be rounded \
                             (optbinning's table prints 2): import the fitted scorecard \
                             (Scorecard.from_optbinning) or set accept_rounded_cut_points"
                        ),
                    ));
                }
            }
            let parts = parse_bin(&r.bin).map_err(|_| {
                invalid(
                    format!("rows[{i}].bin"),
                    format!("{:?}", r.bin),
                    "a bin notation (interval, category list, missing, special)",
                )
            })?;
            if !by_var.contains_key(r.variable.as_str()) {
                order.push(&r.variable);
            }
            by_var.entry(&r.variable).or_default().push((r, parts));
        }
        let mut chars = Vec::with_capacity(order.len());
        for var in order {
            chars.push(characteristic(var, &by_var[var], opts)?);
        }
        Ok(ScorecardDef {
            schema_version: SCORECARD_SCHEMA_VERSION,
            name: opts.name.clone(),
            base_points: base,
            rounding: opts.rounding,
            no_match: opts.no_match.clone(),
            scaling: None,
            reason_count: opts.reason_count,
            characteristics: chars,
            classes: opts.classes.clone(),
            infinities: opts.infinities,
        })
    }
}

fn characteristic(
    var: &str,
    rows: &[(&TableRow, Vec<BinNotation>)],
    opts: &TableOptions,
) -> Result<Characteristic, ScoringError> {
    let f = |what: &str| format!("{var}.{what}");
    let mut missing = None;
    let mut special = Vec::new();
    let mut intervals: Vec<(f64, f64, Closed, f64)> = Vec::new();
    let mut cats: Vec<CategoryBin> = Vec::new();
    for (r, parts) in rows {
        for p in parts {
            match p {
                BinNotation::Missing => {
                    if missing.replace(r.points).is_some() {
                        return Err(invalid(f("bin"), &r.bin, "a second missing bin"));
                    }
                }
                BinNotation::Special => {
                    // optbinning writes a Special row even when the binning
                    // had no special codes; without sentinel values no value
                    // can reach it, so it is dropped.
                    if let Some(values) = opts.special_values.get(var) {
                        special.push(SpecialBin {
                            values: values.clone(),
                            points: r.points,
                        });
                    }
                }
                BinNotation::Interval { lo, hi, closed } => {
                    intervals.push((*lo, *hi, *closed, r.points))
                }
                BinNotation::Categories(v) => cats.push(CategoryBin {
                    values: v.clone(),
                    points: r.points,
                }),
            }
        }
    }
    let bins = match (intervals.is_empty(), cats.is_empty()) {
        (false, true) => {
            intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
            let closed = intervals[0].2;
            let mut cuts = Vec::with_capacity(intervals.len() - 1);
            let mut points = Vec::with_capacity(intervals.len());
            if intervals[0].0 != f64::NEG_INFINITY {
                return Err(invalid(
                    f("bin"),
                    intervals[0].0,
                    "the lowest interval must start at -inf",
                ));
            }
            for (k, iv) in intervals.iter().enumerate() {
                if iv.2 != closed {
                    return Err(invalid(
                        f("bin"),
                        format!("{:?}", (iv.0, iv.1)),
                        "all intervals must close on the same side",
                    ));
                }
                if k > 0 {
                    if intervals[k - 1].1 != iv.0 {
                        return Err(invalid(
                            f("bin"),
                            format!("{} then {}", intervals[k - 1].1, iv.0),
                            "intervals must meet without gaps or overlaps",
                        ));
                    }
                    cuts.push(iv.0);
                }
                points.push(iv.3);
            }
            if intervals[intervals.len() - 1].1 != f64::INFINITY {
                return Err(invalid(
                    f("bin"),
                    intervals[intervals.len() - 1].1,
                    "the highest interval must end at inf",
                ));
            }
            Bins::Numeric {
                cuts,
                points,
                closed,
            }
        }
        (true, false) => {
            if !special.is_empty() {
                return Err(invalid(
                    f("bin"),
                    "Special",
                    "special values apply to numeric variables",
                ));
            }
            Bins::Categorical { categories: cats }
        }
        (false, false) => {
            return Err(invalid(
                f("bin"),
                var,
                "a variable's bins must be all intervals or all categories",
            ))
        }
        (true, true) => return Err(invalid(f("bin"), var, "no interval or category bins")),
    };
    Ok(Characteristic {
        name: var.to_string(),
        code: None,
        weight: 1.0,
        bins,
        missing,
        special,
        no_match: None,
    })
}
