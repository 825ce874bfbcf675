//! Serde helpers: decimals as JSON strings, never as floats.
//!
//! `#[serde(with = "credit_core::serde_decimal")]` on a `Decimal` field
//! writes `"12.50"` and reads only strings (a JSON number is refused, since a
//! parser may already have turned it into a binary float).

use rust_decimal::Decimal;
use serde::{Deserializer, Serializer};

/// Writes the decimal as its exact string.
pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// Reads a decimal string; anything else (a number, a bool) is refused with
/// a message saying a decimal string is expected.
struct DecimalText;

impl serde::de::Visitor<'_> for DecimalText {
    type Value = Decimal;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a decimal string such as \"1234.50\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse(v).map_err(E::custom)
    }
}

/// The strict decimal syntax, with a message that needs no field name (the
/// document reader puts the field's path in front of it).
fn parse(text: &str) -> Result<Decimal, String> {
    parse_strict(text).ok_or_else(|| {
        format!(
            "invalid decimal {text:?}: expected digits with an optional sign and fraction, \
             at most 28 significant digits, no exponent"
        )
    })
}

/// The strict decimal syntax every decimal text in the crate is read with:
/// an optional sign, digits, an optional fraction with at least one digit;
/// no exponent, no spaces, at most 28 significant digits (what a 96-bit
/// decimal holds exactly). `None` for anything else.
///
/// ```
/// use credit_core::serde_decimal::parse_strict;
/// assert_eq!(parse_strict("-12.50").unwrap().to_string(), "-12.50");
/// assert!(parse_strict("1e3").is_none() && parse_strict(".5").is_none());
/// ```
pub fn parse_strict(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_ok(int) || frac.is_some_and(|f| f.is_empty() || !digits_ok(f)) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// Reads a decimal from a JSON string only.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_str(DecimalText)
}

/// The same for `Option<Decimal>`: `null` or a string.
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Writes `null` or the decimal's exact string.
    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads `null` or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        struct Opt;
        impl<'de> serde::de::Visitor<'de> for Opt {
            type Value = Option<Decimal>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null or a decimal string such as \"1234.50\"")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(Opt)
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
            .map(|s| super::parse(s).map_err(serde::de::Error::custom))
            .collect()
    }
}
