//! Flat, tagged JSON for enums that share a map with other fields (an
//! event's `type` beside its `id` and `date`; a check step's `step` beside
//! its `action`).
//!
//! serde's own `#[serde(tag = …)]` with `#[serde(flatten)]` buffers the
//! fields first, which loses the path of a bad field and accepts unknown
//! fields silently. Here the enum keeps serde's default (externally
//! tagged) derive with `deny_unknown_fields`; these helpers move its
//! variant name into the tag field on the way out ([`write_flat`], each
//! field through its own `Serialize`) and back on the way in,
//! so every error names the field (`amount: invalid decimal "x"`) and an
//! unknown field is refused.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Reads an externally tagged enum from the flat map `fields` whose
/// variant name is under `tag`. Errors name the field (`amount: …`).
pub(crate) fn from_flat<T: DeserializeOwned>(
    mut fields: Map<String, Value>,
    tag: &'static str,
) -> Result<T, String> {
    let variant = match fields.remove(tag) {
        Some(Value::String(v)) => v,
        Some(other) => return Err(format!("{tag}: expected a string, found {other}")),
        None => return Err(format!("missing field `{tag}`")),
    };
    let unit = || serde_json::from_value::<T>(Value::String(variant.clone()));
    if fields.is_empty() {
        // A unit variant reads from its name; a struct variant whose
        // fields all have defaults from an empty map.
        if let Ok(v) = unit() {
            return Ok(v);
        }
    }
    let mut outer = Map::new();
    outer.insert(variant.clone(), Value::Object(fields.clone()));
    match serde_path_to_error::deserialize(Value::Object(outer)) {
        Ok(v) => Ok(v),
        Err(e) => {
            if !fields.is_empty() && unit().is_ok() {
                let first = fields.keys().next().cloned().unwrap_or_default();
                return Err(format!(
                    "unknown field `{first}`: {tag} `{variant}` takes no fields"
                ));
            }
            // Drop the variant's own segment from the path.
            let path = e.path().to_string();
            let inner = path
                .strip_prefix(variant.as_str())
                .map(|p| p.trim_start_matches('.'))
                .unwrap_or("");
            if inner.is_empty() {
                Err(format!("{tag} `{variant}`: {}", e.inner()))
            } else {
                Err(format!("{inner}: {}", e.inner()))
            }
        }
    }
}

/// Writes `value` (an externally tagged enum of unit and struct variants)
/// into the open map `map` as `tag: variant` followed by the variant's
/// fields, each through its own `Serialize` — so decimals and dates keep
/// their type marks (see [`crate::serde_decimal`]), which a detour through
/// a JSON value would lose.
///
/// # Errors
/// The map's error; a custom error for a value that is not such an enum.
pub(crate) fn write_flat<T: Serialize + ?Sized, M: serde::ser::SerializeMap>(
    value: &T,
    tag: &'static str,
    map: &mut M,
) -> Result<(), M::Error> {
    value.serialize(Flat { tag, map })
}

/// The serializer of [`write_flat`]: accepts only a unit or struct variant.
struct Flat<'m, M> {
    tag: &'static str,
    map: &'m mut M,
}

/// The fields of a struct variant, written as entries of the outer map.
struct FlatFields<'m, M> {
    map: &'m mut M,
}

impl<M: serde::ser::SerializeMap> serde::ser::SerializeStructVariant for FlatFields<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.map.serialize_entry(key, value)
    }

    fn skip_field(&mut self, _key: &'static str) -> Result<(), M::Error> {
        Ok(())
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

/// Refuses a value that is not a unit or struct variant.
fn not_flat<E: serde::ser::Error>(what: &str) -> E {
    E::custom(format!(
        "flat tagged form holds unit and struct variants, not {what}"
    ))
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*) $what:literal;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), M::Error> {
            Err(not_flat($what))
        })*
    };
}

impl<'m, M: serde::ser::SerializeMap> serde::Serializer for Flat<'m, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = serde::ser::Impossible<(), M::Error>;
    type SerializeTuple = serde::ser::Impossible<(), M::Error>;
    type SerializeTupleStruct = serde::ser::Impossible<(), M::Error>;
    type SerializeTupleVariant = serde::ser::Impossible<(), M::Error>;
    type SerializeMap = serde::ser::Impossible<(), M::Error>;
    type SerializeStruct = serde::ser::Impossible<(), M::Error>;
    type SerializeStructVariant = FlatFields<'m, M>;

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), M::Error> {
        self.map.serialize_entry(self.tag, variant)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<FlatFields<'m, M>, M::Error> {
        self.map.serialize_entry(self.tag, variant)?;
        Ok(FlatFields { map: self.map })
    }

    refuse! {
        serialize_bool(bool) "a bool";
        serialize_i8(i8) "a number";
        serialize_i16(i16) "a number";
        serialize_i32(i32) "a number";
        serialize_i64(i64) "a number";
        serialize_u8(u8) "a number";
        serialize_u16(u16) "a number";
        serialize_u32(u32) "a number";
        serialize_u64(u64) "a number";
        serialize_f32(f32) "a number";
        serialize_f64(f64) "a number";
        serialize_char(char) "a char";
        serialize_str(&str) "a string";
        serialize_bytes(&[u8]) "bytes";
        serialize_none() "none";
        serialize_unit() "unit";
        serialize_unit_struct(&'static str) "a unit struct";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), M::Error> {
        Err(not_flat("an option"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(not_flat("a newtype struct"))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(not_flat("a newtype variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(not_flat("a sequence"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(not_flat("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(not_flat("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(not_flat("a tuple variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Err(not_flat("a map"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, M::Error> {
        Err(not_flat("a struct"))
    }
}
