//! Effective dating: a value kept as versions, each in force from its
//! valid-from date until the next version's.
//!
//! A version without a date is the *base*: in force on every date before
//! the first dated version. Setting a version never changes what a date
//! before its valid-from reads (history is never rewritten); setting one
//! with a date already held replaces that version (a correction of it).
//! This is how SAP FSCM and Dynamics 365 keep credit master data (limit
//! and rating histories with a valid-from date) and how reference data
//! such as FX rates are published (a rate per date, in force until the
//! next one).

use chrono::NaiveDate;

/// Versions of a value by the date each takes effect, base (undated) first,
/// then by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    versions: Vec<(Option<NaiveDate>, T)>,
}

impl<T> Default for Dated<T> {
    fn default() -> Self {
        Dated {
            versions: Vec::new(),
        }
    }
}

impl<T> Dated<T> {
    /// Sets the version valid from `from` (`None`: the base); returns the
    /// version it replaces, if one had that date.
    pub fn set(&mut self, from: Option<NaiveDate>, value: T) -> Option<T> {
        match self.versions.binary_search_by(|(f, _)| f.cmp(&from)) {
            Ok(i) => Some(std::mem::replace(&mut self.versions[i].1, value)),
            Err(i) => {
                self.versions.insert(i, (from, value));
                None
            }
        }
    }

    /// The version in force on `date`: the latest dated on or before it,
    /// else the base; `None` before any version.
    pub fn on(&self, date: NaiveDate) -> Option<&T> {
        let i = self.versions.partition_point(|(f, _)| *f <= Some(date));
        i.checked_sub(1).map(|i| &self.versions[i].1)
    }

    /// The latest version (in force from its date on).
    pub fn latest(&self) -> Option<&T> {
        self.versions.last().map(|(_, v)| v)
    }

    /// The version valid from exactly `from`, if held.
    pub fn exactly(&self, from: Option<NaiveDate>) -> Option<&T> {
        self.versions
            .binary_search_by(|(f, _)| f.cmp(&from))
            .ok()
            .map(|i| &self.versions[i].1)
    }

    /// Every version with its valid-from date, base first, then by date.
    pub fn iter(&self) -> impl Iterator<Item = (Option<NaiveDate>, &T)> {
        self.versions.iter().map(|(f, v)| (*f, v))
    }

    /// Versions held.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// True when no version is held.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn versions_are_in_force_from_their_date_until_the_next() {
        let mut v = Dated::default();
        assert_eq!(v.on(d("2026-01-01")), None);
        v.set(Some(d("2026-03-01")), 300);
        v.set(Some(d("2026-01-15")), 115);
        // Before the first dated version and no base: nothing in force.
        assert_eq!(v.on(d("2026-01-14")), None);
        assert_eq!(v.on(d("2026-01-15")), Some(&115));
        assert_eq!(v.on(d("2026-02-28")), Some(&115));
        assert_eq!(v.on(d("2026-03-01")), Some(&300));
        v.set(None, 1);
        assert_eq!(v.on(d("2025-12-31")), Some(&1));
        assert_eq!(v.on(d("2026-01-15")), Some(&115));
        // A later version leaves every earlier date as it read.
        v.set(Some(d("2026-06-01")), 600);
        assert_eq!(v.on(d("2026-05-31")), Some(&300));
        assert_eq!(v.latest(), Some(&600));
        // Same date: a correction of that version only.
        assert_eq!(v.set(Some(d("2026-03-01")), 301), Some(300));
        assert_eq!(v.on(d("2026-04-01")), Some(&301));
        let dates: Vec<_> = v.iter().map(|(f, _)| f).collect();
        assert_eq!(
            dates,
            vec![
                None,
                Some(d("2026-01-15")),
                Some(d("2026-03-01")),
                Some(d("2026-06-01"))
            ]
        );
        assert_eq!(v.exactly(Some(d("2026-01-15"))), Some(&115));
        assert_eq!(v.exactly(Some(d("2026-01-16"))), None);
    }
}
