//! Flat records: the one shape a report's table takes on every surface (a
//! Python DataFrame, a C host's JSON array of objects, a CSV a Rust host
//! writes) — one record per row, one field per column, the columns in
//! [`Row::COLUMNS`] order, every field present (absent values `null`).
//!
//! Each report that has a table gives its rows (`WorkItem` as it is,
//! `DunningRun::lines`, `ReviewRun::rows`, `KpiReport::rows`,
//! `goal_rows`, `AlertRun::rows`), so no binding restates a column name.

use serde::Serialize;

/// A flat record of a report's table.
pub trait Row: Serialize {
    /// The column names, in order: exactly the keys the record serializes.
    const COLUMNS: &'static [&'static str];
}
