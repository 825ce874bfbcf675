//! Reading JSON documents (policies, events, scorecards, customers…) the
//! same way on every surface: the text's size and nesting depth are bounded
//! ([`Bounds`]), unknown fields are refused by the types themselves, and
//! every error names the path of the field it is about
//! (`steps[2].tolerance_percent: invalid decimal "1e400"`).

use serde::de::DeserializeOwned;

use crate::bounds::{Bounds, BoundsError};

/// A JSON document that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// Malformed JSON, a missing, unknown or mistyped field, or a value a
    /// field does not accept.
    #[error("invalid {what}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    Invalid {
        /// What the document is (`policy`, `event`…).
        what: &'static str,
        /// Where: `steps[2].tolerance_percent`; empty for the whole document.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A document larger or deeper than its bound.
    #[error("invalid {what}: {source}")]
    Bounds {
        /// What the document is.
        what: &'static str,
        /// The bound it exceeds.
        source: BoundsError,
    },
}

/// Deepest nesting of `[` and `{` in a JSON text (strings skipped), or
/// more than `limit` as soon as that is reached.
fn depth(text: &str, limit: usize) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if max > limit {
                    return max;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn path_error<E: std::fmt::Display>(
    what: &'static str,
    e: serde_path_to_error::Error<E>,
) -> DocumentError {
    let mut path = e.path().to_string();
    if path == "." {
        path.clear();
    }
    let mut message = e.inner().to_string();
    // Types that read a flat tagged map (events, check steps) name the
    // field inside it at the start of their message: join it to the path.
    if let Some((field, rest)) = message.split_once(": ") {
        let is_field = !field.is_empty()
            && field
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.[]".contains(&b));
        if is_field {
            path = if path.is_empty() {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
            message = rest.to_string();
        }
    }
    DocumentError::Invalid {
        what,
        path,
        message,
    }
}

/// Reads a `T` from JSON text, bounded by `bounds`.
///
/// ```
/// use credit_core::{bounds::Bounds, json, policy::Policy};
/// let err = json::from_str::<Policy>(
///     "policy",
///     r#"{"schema_version": 1, "policy_id": "p",
///         "steps": [{"step": "static_limit", "action": "block", "tolerance_percent": "1e400"}]}"#,
///     &Bounds::DEFAULT,
/// ).unwrap_err();
/// assert!(err.to_string().starts_with(r#"invalid policy: steps[0].tolerance_percent: invalid decimal "1e400""#), "{err}");
/// ```
///
/// # Errors
/// [`DocumentError`] naming the path of the field at fault.
pub fn from_str<T: DeserializeOwned>(
    what: &'static str,
    text: &str,
    bounds: &Bounds,
) -> Result<T, DocumentError> {
    let bound = |source| DocumentError::Bounds { what, source };
    bounds.check_document(what, text.len()).map_err(bound)?;
    let d = depth(text, bounds.max_json_depth);
    if d > bounds.max_json_depth {
        return Err(bound(BoundsError::TooLarge {
            field: "nesting depth",
            size: d,
            max: bounds.max_json_depth,
        }));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let v = serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(what, e))?;
    de.end().map_err(|e| DocumentError::Invalid {
        what,
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(v)
}

/// Reads a `T` from a JSON value (as the bindings build from dicts).
///
/// # Errors
/// [`DocumentError::Invalid`] naming the path of the field at fault.
pub fn from_value<T: DeserializeOwned>(
    what: &'static str,
    value: serde_json::Value,
) -> Result<T, DocumentError> {
    serde_path_to_error::deserialize(value).map_err(|e| path_error(what, e))
}

impl crate::error::Classify for DocumentError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            DocumentError::Bounds { source, .. } => source.kind(),
            _ => crate::error::ErrorKind::Parse,
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            DocumentError::Bounds { source, .. } => source.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_skips_strings() {
        assert_eq!(depth(r#"{"a": [1, {"b": "[[[{{{"}]}"#, 128), 3);
        assert_eq!(depth(r#""\"[""#, 128), 0);
        // An escaped quote does not end the string, and the string does end
        // at the next quote: what follows is measured.
        assert_eq!(depth(r#"{"a": "x\"y", "b": [[[1]]]}"#, 128), 4);
        assert_eq!(depth(r#"["\\", [[1]]]"#, 128), 3);
        // Closing brackets come back up: siblings are not nested.
        assert_eq!(depth("[[1],[2],[3],[[4]]]", 128), 3);
    }

    #[test]
    fn a_field_named_inside_a_flat_map_joins_the_path() {
        use crate::policy::Policy;
        let e = |t: &str| match from_str::<Policy>("policy", t, &Bounds::DEFAULT) {
            Err(DocumentError::Invalid { path, message, .. }) => (path, message),
            other => panic!("{other:?}"),
        };
        let (path, message) = e(
            r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "static_limit", "action": "block", "tolerance_percent": 5.5}]}"#,
        );
        // (An integer is exact and accepted since issue 14; a float is not.)
        assert_eq!(path, "steps[0].tolerance_percent");
        assert!(
            message.starts_with("invalid type: floating point `5.5`"),
            "{message}"
        );
        // A message that does not start with a field name stays whole.
        let (path, message) = e(
            r#"{"schema_version": 1, "policy_id": "p", "steps": [{"step": "customer_blocked", "action": "block", "x": 1}]}"#,
        );
        assert_eq!(path, "steps[0]");
        assert!(message.starts_with("unknown field `x`"), "{message}");
        // An unknown top-level field is its own path.
        let (path, message) =
            e(r#"{"schema_version": 1, "policy_id": "p", "steps": [], "bogus": 1}"#);
        assert_eq!(path, "bogus");
        assert!(message.starts_with("unknown field `bogus`"), "{message}");
        assert_eq!(depth(&"[".repeat(10_000), 128), 129);
    }

    #[test]
    fn deep_and_large_documents_are_refused_before_parsing() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = from_str::<serde_json::Value>("event", &deep, &Bounds::DEFAULT).unwrap_err();
        assert!(matches!(
            e,
            DocumentError::Bounds {
                source: BoundsError::TooLarge {
                    size: 129,
                    max: 128,
                    ..
                },
                ..
            }
        ));
        let small = Bounds {
            max_document_bytes: 10,
            max_json_depth: 2,
            ..Bounds::DEFAULT
        };
        assert!(from_str::<serde_json::Value>("event", "[[1]]", &small).is_ok());
        assert!(from_str::<serde_json::Value>("event", "[[[1]]]", &small).is_err());
        assert!(from_str::<serde_json::Value>("event", "[1,2,3,4,5,6]", &small).is_err());
        // Trailing text is refused too.
        assert!(from_str::<serde_json::Value>("event", "[1] x", &Bounds::DEFAULT).is_err());
    }
}
