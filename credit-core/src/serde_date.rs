//! Serde helpers: dates as ISO 8601 strings (`"2026-03-31"`), marked by
//! their type.
//!
//! `#[serde(with = "credit_core::serde_date")]` on a `NaiveDate` field
//! writes the date as a newtype struct named [`MARK`] holding its ISO
//! text: JSON writes just the string, as chrono does; a serializer that
//! knows the name — the Python binding's — makes a `datetime.date` of it.
//! Reading is chrono's (an ISO date string).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The newtype name every date is written under (see the module docs).
pub const MARK: &str = "$credit::Date";

/// A date that serializes marked: for dates inside tuples and lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NaiveDate::deserialize(d).map(Day)
    }
}

/// Writes the date as its ISO text, marked as a date.
pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    // Display is chrono's own serde text (ISO 8601, a sign past year 9999).
    s.serialize_newtype_struct(MARK, d.to_string().as_str())
}

/// Reads an ISO date string.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    NaiveDate::deserialize(d)
}

/// The same for `Option<NaiveDate>`: `null` or a date.
pub mod option {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `null` or the marked date.
    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::Day(*d)),
            None => s.serialize_none(),
        }
    }

    /// Reads `null` or an ISO date string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<NaiveDate>::deserialize(d)
    }
}

/// The same for `Vec<NaiveDate>`:
/// a list of dates.
pub mod vec {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes a list of marked dates.
    pub fn serialize<S: Serializer>(v: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| super::Day(*d)))
    }

    /// Reads a list of ISO date strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<NaiveDate>::deserialize(d)
    }
}

/// The same for `Vec<(A, B, NaiveDate)>` (a rating by agency, received on
/// a date): a list of `[a, b, "date"]` triples.
pub mod keyed2 {
    use chrono::NaiveDate;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Day;

    /// Writes `[a, b, date]` triples, each date marked.
    pub fn serialize<A: Serialize, B: Serialize, S: Serializer>(
        v: &[(A, B, NaiveDate)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(a, b, d)| (a, b, Day(*d))))
    }

    /// Reads `[a, b, "date"]` triples.
    pub fn deserialize<'de, A: DeserializeOwned, B: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(A, B, NaiveDate)>, D::Error> {
        Ok(Vec::<(A, B, Day)>::deserialize(d)?
            .into_iter()
            .map(|(a, b, t)| (a, b, t.0))
            .collect())
    }
}

/// The same for `BTreeSet<NaiveDate>` (holidays): a list of dates.
pub mod set {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the dates in order, each marked.
    pub fn serialize<S: Serializer>(v: &BTreeSet<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| super::Day(*d)))
    }

    /// Reads a list of ISO date strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeSet<NaiveDate>, D::Error> {
        BTreeSet::<NaiveDate>::deserialize(d)
    }
}
