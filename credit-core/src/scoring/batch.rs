//! The columnar batch evaluator: one column per attribute in, columns of
//! totals, classes, points and reason codes out; no per-row allocation;
//! optionally parallel over row ranges.
//!
//! Each row is scored exactly as [`Scorecard::score`] scores it: same
//! slots, same points, same order of summation, so batch and single scores
//! are equal bit for bit.

use super::{fmt_num, Compiled, Scorecard, ScoringError};

/// One input column.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// Numbers; NaN is missing. For numeric characteristics.
    Numeric(&'a [f64]),
    /// Category codes: positions in [`Scorecard::categories`]; negative is
    /// missing; a code past the dictionary is an unseen category. For
    /// categorical characteristics.
    Codes(&'a [i32]),
    /// Category values; `None` is missing. For categorical characteristics.
    Text(&'a [Option<&'a str>]),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Numeric(x) => x.len(),
            Column::Codes(x) => x.len(),
            Column::Text(x) => x.len(),
        }
    }
}

/// Where a batch writes its results. Every buffer has one entry per row,
/// per column for the column-major ones.
#[derive(Debug)]
pub struct BatchOutput<'a> {
    /// Total scores (NaN for a rejected row).
    pub totals: &'a mut [f64],
    /// Risk-class indexes into [`Scorecard::classes`] (−1 for a rejected row).
    pub classes: Option<&'a mut [i32]>,
    /// Weighted points per characteristic, column-major: characteristic
    /// `c`, row `r` at `c · rows + r` (NaN where a row was rejected by that
    /// characteristic).
    pub points: Option<&'a mut [f64]>,
    /// Reason codes as characteristic indexes, column-major: reason `k`
    /// (0 = most points lost), row `r` at `k · rows + r`; −1 where a row has
    /// fewer reasons or was rejected. Its length fixes the number of
    /// reasons per row (`len / rows`).
    pub reasons: Option<&'a mut [i32]>,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    /// Rows scored (including rejected ones).
    pub rows: usize,
    /// Rows rejected by a `reject` no-match policy.
    pub rejected: usize,
    /// The first rejected row: (row, characteristic, value).
    pub first_rejection: Option<(usize, String, String)>,
}

/// Rows per block: a block's totals and scratch stay in L1.
const BLOCK: usize = 1024;
/// Fewer rows than this per thread are not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 16 * 1024;

/// One bound input: the characteristic and its column.
struct Bound<'c, 'a> {
    c: &'c Compiled,
    col: Column<'a>,
}

/// One thread's share of the outputs.
struct Part<'o> {
    totals: &'o mut [f64],
    classes: Option<&'o mut [i32]>,
    points: Vec<&'o mut [f64]>,
    reasons: Vec<&'o mut [i32]>,
}

impl Scorecard {
    /// Scores a batch of rows given as columns, matched to characteristics
    /// by attribute name (extra columns are ignored). `threads` ≥ 2 splits
    /// the rows over that many scoped threads (for batches big enough).
    ///
    /// # Errors
    /// [`ScoringError::Batch`] when a characteristic's column is absent, of
    /// the wrong kind (numeric vs categorical) or length, or an output
    /// buffer has the wrong length. Rejected rows are not errors: they get
    /// NaN / −1 and are counted in the summary.
    pub fn score_batch(
        &self,
        columns: &[(&str, Column<'_>)],
        out: BatchOutput<'_>,
        threads: usize,
    ) -> Result<BatchSummary, ScoringError> {
        let rows = out.totals.len();
        let bad = |field: &str, reason: String| ScoringError::Batch {
            field: field.to_string(),
            reason,
        };
        let mut bound = Vec::with_capacity(self.compiled.len());
        for (c, def) in self.compiled.iter().zip(&self.def.characteristics) {
            let col = columns
                .iter()
                .find(|(n, _)| *n == def.name)
                .map(|(_, col)| *col)
                .ok_or_else(|| bad(&def.name, "no column for this characteristic".into()))?;
            if col.len() != rows {
                return Err(bad(
                    &def.name,
                    format!("{} rows, but the totals buffer has {rows}", col.len()),
                ));
            }
            match (c.numeric, &col) {
                (true, Column::Numeric(_)) | (false, Column::Codes(_) | Column::Text(_)) => {}
                (true, _) => {
                    return Err(bad(
                        &def.name,
                        "numeric characteristic: pass a numeric column".into(),
                    ))
                }
                (false, _) => {
                    return Err(bad(
                        &def.name,
                        "categorical characteristic: pass category codes or text".into(),
                    ))
                }
            }
            bound.push(Bound { c, col });
        }
        let n_chars = bound.len();
        if let Some(c) = &out.classes {
            if c.len() != rows {
                return Err(bad(
                    "classes",
                    format!("{} entries for {rows} rows", c.len()),
                ));
            }
        }
        if let Some(p) = &out.points {
            if p.len() != rows * n_chars {
                return Err(bad(
                    "points",
                    format!(
                        "{} entries; {rows} rows × {n_chars} characteristics need {}",
                        p.len(),
                        rows * n_chars
                    ),
                ));
            }
        }
        let n_reasons = match &out.reasons {
            Some(r) if rows > 0 => {
                if r.len() % rows != 0 {
                    return Err(bad(
                        "reasons",
                        format!(
                            "{} entries is not a whole number of columns of {rows} rows",
                            r.len()
                        ),
                    ));
                }
                r.len() / rows
            }
            _ => 0,
        };
        self.check_reasons(n_reasons)?;
        if rows == 0 {
            return Ok(BatchSummary {
                rows: 0,
                rejected: 0,
                first_rejection: None,
            });
        }
        let threads = threads.clamp(1, rows.div_ceil(MIN_ROWS_PER_THREAD).max(1));
        let per = rows.div_ceil(threads);
        // Split every output into per-thread row ranges.
        let mut parts: Vec<Part<'_>> = Vec::with_capacity(threads);
        let BatchOutput {
            totals,
            classes,
            points,
            reasons,
        } = out;
        let mut totals = totals;
        let mut classes = classes;
        let mut points_cols: Vec<&mut [f64]> = match points {
            Some(p) => p.chunks_mut(rows).collect(),
            None => Vec::new(),
        };
        let mut reason_cols: Vec<&mut [i32]> = match reasons {
            Some(r) if n_reasons > 0 => r.chunks_mut(rows).collect(),
            _ => Vec::new(),
        };
        let mut start = 0;
        while start < rows {
            let n = per.min(rows - start);
            let (t, rest) = std::mem::take(&mut totals).split_at_mut(n);
            totals = rest;
            let cl = match classes.take() {
                Some(c) => {
                    let (a, b) = c.split_at_mut(n);
                    classes = Some(b);
                    Some(a)
                }
                None => None,
            };
            let mut pc = Vec::with_capacity(points_cols.len());
            for col in points_cols.iter_mut() {
                let (a, b) = std::mem::take(col).split_at_mut(n);
                *col = b;
                pc.push(a);
            }
            let mut rc = Vec::with_capacity(reason_cols.len());
            for col in reason_cols.iter_mut() {
                let (a, b) = std::mem::take(col).split_at_mut(n);
                *col = b;
                rc.push(a);
            }
            parts.push(Part {
                totals: t,
                classes: cl,
                points: pc,
                reasons: rc,
            });
            start += n;
        }
        let results: Vec<(usize, Option<usize>)> = if parts.len() == 1 {
            parts
                .into_iter()
                .map(|p| self.run_part(&bound, 0, p))
                .collect()
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let bound = &bound;
                        s.spawn(move || self.run_part(bound, k * per, p))
                    })
                    .collect();
                handles
                    .into_iter()
                    // A worker's panic (a bug) is re-raised here, never
                    // turned into rows silently left unscored.
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        let rejected = results.iter().map(|r| r.0).sum();
        let first_rejection = results.iter().find_map(|r| r.1).map(|row| {
            let (name, value) = self.rejection_of(&bound, row);
            (row, name, value)
        });
        Ok(BatchSummary {
            rows,
            rejected,
            first_rejection,
        })
    }

    /// The characteristic that rejected `row`, and its value.
    fn rejection_of(&self, bound: &[Bound<'_, '_>], row: usize) -> (String, String) {
        for (b, def) in bound.iter().zip(&self.def.characteristics) {
            let (slot, value) = match b.col {
                Column::Numeric(x) => (b.c.numeric_slot(x[row]), fmt_num(x[row])),
                Column::Codes(x) => (b.c.code_slot(i64::from(x[row])), format!("code {}", x[row])),
                Column::Text(x) => match x[row] {
                    Some(s) => (b.c.text_slot(s), format!("{s:?}")),
                    None => (b.c.missing_slot, "missing".into()),
                },
            };
            if b.c.points[slot as usize].is_nan() {
                return (def.name.clone(), value);
            }
        }
        (String::new(), String::new())
    }

    /// Scores rows `offset ..` into one part; returns (rejected, first
    /// rejected row).
    fn run_part(
        &self,
        bound: &[Bound<'_, '_>],
        offset: usize,
        mut p: Part<'_>,
    ) -> (usize, Option<usize>) {
        let rows = p.totals.len();
        let n_chars = bound.len();
        let need_scratch = !p.reasons.is_empty() && p.points.is_empty();
        let mut scratch = if need_scratch {
            vec![0.0; n_chars * BLOCK]
        } else {
            Vec::new()
        };
        let best: Vec<f64> = bound.iter().map(|b| b.c.best).collect();
        let mut lost = vec![0.0f64; if p.reasons.is_empty() { 0 } else { n_chars }];
        let mut rejected = 0;
        let mut first = None;
        let mut s = 0;
        while s < rows {
            let e = (s + BLOCK).min(rows);
            let tot = &mut p.totals[s..e];
            tot.fill(self.base);
            for (ci, b) in bound.iter().enumerate() {
                let g = offset + s..offset + e;
                let pts_out: Option<&mut [f64]> = if let Some(col) = p.points.get_mut(ci) {
                    Some(&mut col[s..e])
                } else if need_scratch {
                    Some(&mut scratch[ci * BLOCK..ci * BLOCK + (e - s)])
                } else {
                    None
                };
                match b.col {
                    Column::Numeric(x) => numeric(b.c, &x[g], tot, pts_out),
                    Column::Codes(x) => {
                        let c = b.c;
                        apply_slots(
                            &c.points,
                            x[g].iter().map(|&k| c.code_slot(i64::from(k))),
                            tot,
                            pts_out,
                        )
                    }
                    Column::Text(x) => {
                        let c = b.c;
                        apply_slots(
                            &c.points,
                            x[g].iter().map(|v| match v {
                                Some(s) => c.text_slot(s),
                                None => c.missing_slot,
                            }),
                            tot,
                            pts_out,
                        )
                    }
                }
            }
            if let Some(cl) = p.classes.as_deref_mut() {
                for (c, &t) in cl[s..e].iter_mut().zip(tot.iter()) {
                    *c = if t.is_nan() {
                        -1
                    } else {
                        self.class_index(t) as i32
                    };
                }
            }
            for (r, &t) in tot.iter().enumerate() {
                if t.is_nan() {
                    rejected += 1;
                    first.get_or_insert(offset + s + r);
                }
            }
            if !p.reasons.is_empty() {
                // The block's points per characteristic, wherever they are.
                let cols: Vec<&[f64]> = if p.points.is_empty() {
                    scratch.chunks(BLOCK).map(|c| &c[..e - s]).collect()
                } else {
                    p.points.iter().map(|c| &c[s..e]).collect()
                };
                for r in 0..e - s {
                    if p.totals[s + r].is_nan() {
                        for col in p.reasons.iter_mut() {
                            col[s + r] = -1;
                        }
                        continue;
                    }
                    for (l, (col, b)) in lost.iter_mut().zip(cols.iter().zip(&best)) {
                        *l = b - col[r];
                    }
                    // Top-k selection: most points lost first, ties to the
                    // earlier characteristic (as in single scoring); a
                    // characteristic picked is set to 0 so it is not again.
                    for col in p.reasons.iter_mut() {
                        let mut pick = usize::MAX;
                        let mut most = 0.0;
                        for (ci, &l) in lost.iter().enumerate() {
                            if l > most {
                                most = l;
                                pick = ci;
                            }
                        }
                        if pick == usize::MAX {
                            col[s + r] = -1;
                        } else {
                            col[s + r] = pick as i32;
                            lost[pick] = 0.0;
                        }
                    }
                }
            }
            s = e;
        }
        (rejected, first)
    }
}

#[inline]
fn apply_slots(
    points: &[f64],
    slots: impl Iterator<Item = u32>,
    tot: &mut [f64],
    out: Option<&mut [f64]>,
) {
    match out {
        Some(out) => {
            for ((t, o), k) in tot.iter_mut().zip(out.iter_mut()).zip(slots) {
                let v = points[k as usize];
                *t += v;
                *o = v;
            }
        }
        None => {
            for (t, k) in tot.iter_mut().zip(slots) {
                *t += points[k as usize];
            }
        }
    }
}

/// The slot of `x` given its count of cut points passed.
#[inline(always)]
fn finish_slot(c: &Compiled, x: f64, count: u32) -> u32 {
    let mut s = count;
    if x.is_infinite() && c.infinity_no_match() {
        s = c.nomatch_slot;
    }
    if x.is_nan() {
        s = c.missing_slot;
    }
    for &(v, k) in &c.specials {
        if x == v {
            s = k;
        }
    }
    s
}

#[inline(always)]
fn kernel<const N: usize, const RIGHT: bool>(
    c: &Compiled,
    cuts: &[f64; N],
    xs: &[f64],
    tot: &mut [f64],
    out: Option<&mut [f64]>,
) {
    let count = |x: f64| -> u32 {
        let mut n = 0u32;
        for &k in cuts {
            n += u32::from(if RIGHT { x > k } else { x >= k });
        }
        n
    };
    if c.specials.is_empty() {
        // A chain of selects over the increasing cut points picks exactly
        // the bin's points, with no table lookup and no branch; done on the
        // bits with masks, the loop vectorizes.
        let mut by_bin = [0u64; 17];
        for (b, p) in by_bin.iter_mut().zip(&c.points[..=N]) {
            *b = p.to_bits();
        }
        let pm = c.points[c.missing_slot as usize].to_bits();
        let pn = c.points[c.nomatch_slot as usize].to_bits();
        #[inline(always)]
        fn sel(m: bool, a: u64, b: u64) -> u64 {
            let m = u64::from(m).wrapping_neg();
            (m & a) | (!m & b)
        }
        let inf_no_match = c.infinity_no_match();
        let value = |x: f64| -> f64 {
            let x = c.fix_infinity(x);
            let mut v = by_bin[0];
            for k in 0..N {
                let pass = if RIGHT { x > cuts[k] } else { x >= cuts[k] };
                v = sel(pass, by_bin[k + 1], v);
            }
            v = sel(inf_no_match && x.abs() == f64::INFINITY, pn, v);
            #[allow(clippy::eq_op, reason = "x != x is the branch-free NaN test")]
            let nan = x != x;
            f64::from_bits(sel(nan, pm, v))
        };
        match out {
            Some(out) => {
                for ((t, o), &x) in tot.iter_mut().zip(out.iter_mut()).zip(xs) {
                    let v = value(x);
                    *t += v;
                    *o = v;
                }
            }
            None => {
                for (t, &x) in tot.iter_mut().zip(xs) {
                    *t += value(x);
                }
            }
        }
    } else {
        apply_slots(
            &c.points,
            xs.iter().map(|&x| {
                let x = c.fix_infinity(x);
                finish_slot(c, x, count(x))
            }),
            tot,
            out,
        );
    }
}

fn numeric(c: &Compiled, xs: &[f64], tot: &mut [f64], out: Option<&mut [f64]>) {
    macro_rules! dispatch {
        ($($n:literal)*) => {
            match (c.cuts.len(), c.right_closed) {
                $(
                    ($n, false) => {
                        if let Ok(cuts) = <&[f64; $n]>::try_from(c.cuts.as_slice()) {
                            return kernel::<$n, false>(c, cuts, xs, tot, out);
                        }
                    }
                    ($n, true) => {
                        if let Ok(cuts) = <&[f64; $n]>::try_from(c.cuts.as_slice()) {
                            return kernel::<$n, true>(c, cuts, xs, tot, out);
                        }
                    }
                )*
                _ => {}
            }
        };
    }
    dispatch!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    // Many cut points: binary search.
    let cuts = &c.cuts;
    let right = c.right_closed;
    apply_slots(
        &c.points,
        xs.iter().map(|&x| {
            let x = c.fix_infinity(x);
            let n = if right {
                cuts.partition_point(|&k| x > k)
            } else {
                cuts.partition_point(|&k| x >= k)
            };
            finish_slot(c, x, n as u32)
        }),
        tot,
        out,
    );
}
