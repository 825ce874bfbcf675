//! Serde helpers: decimals as JSON strings, never as floats.
//!
//! `#[serde(with = "credit_core::serde_decimal")]` on a `Decimal` field
//! writes `"12.50"` and reads only strings (a JSON number is refused, since a
//! parser may already have turned it into a binary float).

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes the decimal as its exact string.
pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// Reads a decimal from a JSON string only.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let s = String::deserialize(d)?;
    crate::money::parse_decimal("decimal", &s).map_err(serde::de::Error::custom)
}

/// The same for `Option<Decimal>`: `null` or a string.
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `null` or the decimal's exact string.
    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads `null` or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => crate::money::parse_decimal("decimal", &s)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// The same for `Vec<Decimal>`: a list of strings.
pub mod vec {
    use rust_decimal::Decimal;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes a list of exact decimal strings.
    pub fn serialize<S: Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for d in v {
            seq.serialize_element(&d.to_string())?;
        }
        seq.end()
    }

    /// Reads a list of decimal strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| crate::money::parse_decimal("decimal", s).map_err(serde::de::Error::custom))
            .collect()
    }
}
