//! Flat, tagged JSON for enums that share a map with other fields (an
//! event's `type` beside its `id` and `date`; a check step's `step` beside
//! its `action`).
//!
//! serde's own `#[serde(tag = …)]` with `#[serde(flatten)]` buffers the
//! fields first, which loses the path of a bad field and accepts unknown
//! fields silently. Here the enum keeps serde's default (externally
//! tagged) derive with `deny_unknown_fields`; these helpers move its
//! variant name into the tag field on the way out and back on the way in,
//! so every error names the field (`amount: invalid decimal "x"`) and an
//! unknown field is refused.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// `value` (an externally tagged enum) as a flat map: `{tag: variant,
/// ...fields}`.
pub(crate) fn to_flat<T: Serialize>(value: &T, tag: &str) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::String(variant) => {
            let mut m = Map::new();
            m.insert(tag.to_string(), Value::String(variant));
            Ok(m)
        }
        Value::Object(outer) if outer.len() == 1 => {
            let Some((variant, fields)) = outer.into_iter().next() else {
                return Err("empty variant".into());
            };
            let mut m = Map::new();
            m.insert(tag.to_string(), Value::String(variant));
            match fields {
                Value::Object(f) => m.extend(f),
                Value::Null => {}
                other => return Err(format!("variant {tag} holds {other} instead of fields")),
            }
            Ok(m)
        }
        other => Err(format!("not an enum value: {other}")),
    }
}

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
