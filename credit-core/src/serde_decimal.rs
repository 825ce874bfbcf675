//! Serde helpers: decimals as JSON strings, never as floats, marked by
//! their type.
//!
//! `#[serde(with = "credit_core::serde_decimal")]` on a `Decimal` field
//! writes `"12.50"` and reads strings and integers — an integer is exact
//! (`12` is `12`); a number with a fraction or an exponent is refused,
//! since a parser may already have turned it into a binary float (and so is
//! an integer too large for 64 bits, which JSON parsers read as a float).
//!
//! **Marked by type.** A decimal is written as a newtype struct named
//! [`MARK`] holding its exact string. JSON (and every serializer that does
//! not know the name) writes just the string; a serializer that knows it —
//! the Python binding's — makes a `decimal.Decimal` of it. So a binding
//! never guesses a value's type from its field's name.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The newtype name every decimal is written under (see the module docs).
pub const MARK: &str = "$credit::Decimal";

/// A decimal that serializes marked and deserializes from a strict decimal
/// string: for decimals inside tuples, lists and maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(pub Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d).map(Dec)
    }
}

/// Writes the decimal as its exact string, marked as a decimal.
pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_newtype_struct(MARK, d.to_string().as_str())
}

/// Reads a decimal string; anything else (a number, a bool) is refused with
/// a message saying a decimal string is expected.
struct DecimalText;

impl serde::de::Visitor<'_> for DecimalText {
    type Value = Decimal;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a decimal string such as \"1234.50\" or an integer")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse(v).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(v, 0)
            .map_err(|_| E::custom(format!("integer {v} is beyond the decimal range")))
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Decimal, E> {
        i128::try_from(v)
            .map_err(|_| E::custom(format!("integer {v} is beyond the decimal range")))
            .and_then(|v| self.visit_i128(v))
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

/// Reads a decimal from a string or an integer (see the module docs).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalText)
}

/// The same for `Option<Decimal>`: `null`, a string or an integer.
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Writes `null` or the decimal's exact string, marked.
    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::Dec(*d)),
            None => s.serialize_none(),
        }
    }

    /// Reads `null` or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        struct Opt;
        impl<'de> serde::de::Visitor<'de> for Opt {
            type Value = Option<Decimal>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null, a decimal string such as \"1234.50\" or an integer")
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

    /// Writes a list of exact decimal strings, each marked.
    pub fn serialize<S: Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for d in v {
            seq.serialize_element(&super::Dec(*d))?;
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

/// The same for `Vec<(K, Decimal)>` (an amount by currency, by delivery,
/// …): a list of `[key, "decimal"]` pairs.
pub mod keyed {
    use rust_decimal::Decimal;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Dec;

    /// Writes `[key, decimal]` pairs, each decimal marked.
    pub fn serialize<K: Serialize, S: Serializer>(
        v: &[(K, Decimal)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(k, d)| (k, Dec(*d))))
    }

    /// Reads `[key, "decimal"]` pairs.
    pub fn deserialize<'de, K: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(K, Decimal)>, D::Error> {
        let v = Vec::<(K, Dec)>::deserialize(d)?;
        Ok(v.into_iter().map(|(k, x)| (k, x.0)).collect())
    }
}

/// The same for `Vec<(A, B, Decimal)>` (an FX rate from, to): a list of
/// `[a, b, "decimal"]` triples.
pub mod keyed2 {
    use rust_decimal::Decimal;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Dec;

    /// Writes `[a, b, decimal]` triples, each decimal marked.
    pub fn serialize<A: Serialize, B: Serialize, S: Serializer>(
        v: &[(A, B, Decimal)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(a, b, d)| (a, b, Dec(*d))))
    }

    /// Reads `[a, b, "decimal"]` triples.
    pub fn deserialize<'de, A: DeserializeOwned, B: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(A, B, Decimal)>, D::Error> {
        let v = Vec::<(A, B, Dec)>::deserialize(d)?;
        Ok(v.into_iter().map(|(a, b, x)| (a, b, x.0)).collect())
    }
}

/// The same for `BTreeMap<K, Decimal>`: a map of decimal strings.
pub mod map {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Dec;

    /// Writes the map, each decimal marked.
    pub fn serialize<K: Serialize, S: Serializer>(
        m: &BTreeMap<K, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(m.iter().map(|(k, d)| (k, Dec(*d))))
    }

    /// Reads a map of decimal strings.
    pub fn deserialize<'de, K: DeserializeOwned + Ord, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<K, Decimal>, D::Error> {
        let m = BTreeMap::<K, Dec>::deserialize(d)?;
        Ok(m.into_iter().map(|(k, x)| (k, x.0)).collect())
    }
}

/// The same for `Vec<(NaiveDate, Decimal)>` (dated amounts): a list of
/// `["date", "decimal"]` pairs, both marked.
pub mod dated {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Dec;
    use crate::serde_date::Day;

    /// Writes `[date, decimal]` pairs, both marked.
    pub fn serialize<S: Serializer>(v: &[(NaiveDate, Decimal)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(t, d)| (Day(*t), Dec(*d))))
    }

    /// Reads `["date", "decimal"]` pairs.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(NaiveDate, Decimal)>, D::Error> {
        let v = Vec::<(Day, Dec)>::deserialize(d)?;
        Ok(v.into_iter().map(|(t, x)| (t.0, x.0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct A {
        #[serde(with = "super")]
        a: Decimal,
        #[serde(default, with = "super::option")]
        b: Option<Decimal>,
    }

    /// Issue 14: an integer is exact and accepted; a fraction, an exponent
    /// or an integer past 64 bits (read as a float by JSON) is refused.
    #[test]
    fn integers_are_exact_floats_are_refused() {
        let a = |t: &str| serde_json::from_str::<A>(t).map(|x| (x.a, x.b));
        assert_eq!(
            a(r#"{"a": 12, "b": -7}"#).unwrap(),
            (Decimal::from(12), Some(Decimal::from(-7)))
        );
        assert_eq!(
            a(r#"{"a": "12.50"}"#).unwrap(),
            ("12.50".parse().unwrap(), None)
        );
        assert_eq!(
            a(r#"{"a": 18446744073709551615}"#).unwrap().0,
            Decimal::from(u64::MAX)
        );
        for bad in [
            r#"{"a": 1.5}"#,
            r#"{"a": 1e3}"#,
            r#"{"a": 100000000000000000000}"#,
            r#"{"a": true}"#,
        ] {
            let e = a(bad).unwrap_err().to_string();
            assert!(e.contains("expected a decimal string"), "{bad}: {e}");
        }
    }
}
