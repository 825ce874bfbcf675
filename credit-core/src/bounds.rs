//! Bounds on the sizes a caller controls: ids, free text, the nesting depth
//! and size of JSON documents. Anything over a bound is refused with an
//! error naming the field, its size and the bound — never a huge
//! allocation, a stack overflow or a silently truncated value.
//!
//! The book's bounds are part of its [`Policy`](crate::policy::Policy)
//! (field `bounds`, defaults below), so a host can raise or lower them on
//! every surface. Outputs sized by a count the caller passes have their own
//! documented caps next to the function: [`MAX_PARTS`](crate::money::MAX_PARTS)
//! for money splits, a scorecard's characteristics for reason codes, a
//! plan's installments.
//!
//! | bound | default | applies to |
//! | --- | --- | --- |
//! | `max_id_bytes` | 256 | event, customer, order, invoice, delivery ids and segments: 1..=max bytes of UTF-8, no control characters |
//! | `max_text_bytes` | 4096 | names, reasons, ratings, terms texts, attribute values: at most max bytes, no NUL |
//! | `max_json_depth` | 128 | nesting of a JSON document or of the dicts and lists a binding converts (serde_json's own parser limit is 128) |
//! | `max_document_bytes` | 64 MiB | one JSON document given as text (a policy, an event, a scorecard); snapshots are bounded by the book they hold instead |

use serde::{Deserialize, Serialize};

/// Size bounds on caller input (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bounds {
    /// Longest id, in bytes of UTF-8.
    pub max_id_bytes: usize,
    /// Longest free text, in bytes of UTF-8.
    pub max_text_bytes: usize,
    /// Deepest nesting of a JSON document or a converted dict/list.
    pub max_json_depth: usize,
    /// Largest JSON document given as text, in bytes.
    pub max_document_bytes: usize,
}

/// Upper limits for the bounds themselves (a policy may not set more).
pub const CEILING: Bounds = Bounds {
    max_id_bytes: 4096,
    max_text_bytes: 1 << 20,
    max_json_depth: 128,
    max_document_bytes: 1 << 30,
};

impl Bounds {
    /// The defaults: 256-byte ids, 4 KiB texts, depth 128, 64 MiB documents.
    pub const DEFAULT: Bounds = Bounds {
        max_id_bytes: 256,
        max_text_bytes: 4096,
        max_json_depth: 128,
        max_document_bytes: 64 << 20,
    };

    /// Checks each bound is between 1 and its [`CEILING`].
    ///
    /// # Errors
    /// [`BoundsError::OutOfRange`] naming the bound.
    pub fn validate(&self) -> Result<(), BoundsError> {
        let check = |field: &'static str, v: usize, max: usize| {
            if v == 0 || v > max {
                Err(BoundsError::OutOfRange {
                    field,
                    value: v,
                    max,
                })
            } else {
                Ok(())
            }
        };
        check("max_id_bytes", self.max_id_bytes, CEILING.max_id_bytes)?;
        check(
            "max_text_bytes",
            self.max_text_bytes,
            CEILING.max_text_bytes,
        )?;
        check(
            "max_json_depth",
            self.max_json_depth,
            CEILING.max_json_depth,
        )?;
        check(
            "max_document_bytes",
            self.max_document_bytes,
            CEILING.max_document_bytes,
        )
    }

    /// Checks an id: 1 to `max_id_bytes` bytes, no control characters
    /// (a NUL cannot cross into C; a newline breaks every export).
    ///
    /// ```
    /// use credit_core::bounds::{Bounds, BoundsError};
    /// let b = Bounds::DEFAULT;
    /// assert!(b.check_id("order_id", "SO-1001").is_ok());
    /// assert!(matches!(b.check_id("order_id", ""), Err(BoundsError::InvalidId { .. })));
    /// assert!(matches!(b.check_id("order_id", "SO\u{0}1"), Err(BoundsError::InvalidId { .. })));
    /// assert!(matches!(b.check_id("order_id", &"x".repeat(257)), Err(BoundsError::TooLarge { .. })));
    /// ```
    ///
    /// # Errors
    /// [`BoundsError::InvalidId`] or [`BoundsError::TooLarge`] naming `field`.
    pub fn check_id(&self, field: &'static str, id: &str) -> Result<(), BoundsError> {
        if id.len() > self.max_id_bytes {
            return Err(BoundsError::TooLarge {
                field,
                size: id.len(),
                max: self.max_id_bytes,
            });
        }
        if id.is_empty() {
            return Err(BoundsError::InvalidId {
                field,
                value: String::new(),
                reason: "must not be empty",
            });
        }
        // Control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F):
        // an ASCII id is checked by byte, any other by character.
        let ascii_ok = id.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !ascii_ok && id.chars().any(char::is_control) {
            return Err(BoundsError::InvalidId {
                field,
                value: id.escape_debug().to_string(),
                reason: "must not contain control characters",
            });
        }
        Ok(())
    }

    /// Checks a free text: at most `max_text_bytes` bytes, no NUL.
    ///
    /// # Errors
    /// [`BoundsError::InvalidId`] (a NUL) or [`BoundsError::TooLarge`].
    pub fn check_text(&self, field: &'static str, text: &str) -> Result<(), BoundsError> {
        if text.len() > self.max_text_bytes {
            return Err(BoundsError::TooLarge {
                field,
                size: text.len(),
                max: self.max_text_bytes,
            });
        }
        if text.contains('\0') {
            return Err(BoundsError::InvalidId {
                field,
                value: text.escape_debug().to_string(),
                reason: "must not contain NUL",
            });
        }
        Ok(())
    }

    /// Checks the size of a JSON document given as text.
    ///
    /// # Errors
    /// [`BoundsError::TooLarge`].
    pub fn check_document(&self, field: &'static str, bytes: usize) -> Result<(), BoundsError> {
        if bytes > self.max_document_bytes {
            return Err(BoundsError::TooLarge {
                field,
                size: bytes,
                max: self.max_document_bytes,
            });
        }
        Ok(())
    }
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds::DEFAULT
    }
}

/// A size or id outside its bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BoundsError {
    /// A value larger than its bound.
    #[error("{field} is too large: {size} (at most {max})")]
    TooLarge {
        /// What was too large.
        field: &'static str,
        /// Its size (bytes, parts, depth…).
        size: usize,
        /// The bound.
        max: usize,
    },
    /// An id (or text) with characters it may not hold.
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidId {
        /// The field.
        field: &'static str,
        /// The value, escaped.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A bound set outside `1..=` its ceiling.
    #[error("bound {field} = {value} is out of range (1 to {max})")]
    OutOfRange {
        /// The bound.
        field: &'static str,
        /// The value given.
        value: usize,
        /// Its ceiling.
        max: usize,
    },
}

impl crate::error::Classify for BoundsError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            BoundsError::TooLarge { .. } => K::TooLarge,
            BoundsError::InvalidId { .. } | BoundsError::OutOfRange { .. } => K::InvalidArgument,
        }
    }

    fn details(&self) -> crate::error::Details {
        use crate::error::{int, text};
        match self {
            BoundsError::TooLarge { field, size, max } => {
                vec![
                    ("field", text(field)),
                    ("size", int(*size)),
                    ("max", int(*max)),
                ]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_at_and_past_the_bound() {
        let b = Bounds {
            max_id_bytes: 4,
            ..Bounds::DEFAULT
        };
        assert!(b.check_id("id", "abcd").is_ok());
        assert_eq!(
            b.check_id("id", "abcde"),
            Err(BoundsError::TooLarge {
                field: "id",
                size: 5,
                max: 4
            })
        );
        // Bytes, not characters: "é" is two bytes.
        assert!(b.check_id("id", "éé").is_ok());
        assert!(b.check_id("id", "ééa").is_err());
        assert!(b.check_id("id", "a\nb").is_err());
        assert!(b.check_id("id", "a\u{7f}").is_err());
        // C1 controls (U+0080–U+009F) are two bytes in UTF-8: the byte
        // fast path hands a non-ASCII id to the character check.
        assert!(b.check_id("id", "a\u{85}").is_err());
        assert!(b.check_id("id", "\u{9f}").is_err());
        assert!(b.check_id("id", "\u{a0}").is_ok());
        assert!(b.check_id("id", "\u{1f}").is_err());
        assert!(b.check_id("id", " ~").is_ok());
        assert!(b.check_text("reason", "two\nlines").is_ok());
        assert!(b.check_text("reason", "nul\0").is_err());
        // Texts: at the bound and one byte past it.
        let t = Bounds {
            max_text_bytes: 5,
            ..Bounds::DEFAULT
        };
        assert!(t.check_text("reason", "12345").is_ok());
        assert!(t.check_text("reason", "1234").is_ok());
        assert_eq!(
            t.check_text("reason", "123456"),
            Err(BoundsError::TooLarge {
                field: "reason",
                size: 6,
                max: 5
            })
        );
        // Documents likewise.
        let doc = Bounds {
            max_document_bytes: 10,
            ..Bounds::DEFAULT
        };
        assert!(doc.check_document("event", 10).is_ok());
        assert!(doc.check_document("event", 11).is_err());
    }

    #[test]
    fn bounds_are_validated() {
        assert_eq!(Bounds::DEFAULT.validate(), Ok(()));
        assert_eq!(CEILING.validate(), Ok(()));
        let zero = Bounds {
            max_id_bytes: 0,
            ..Bounds::DEFAULT
        };
        assert!(matches!(
            zero.validate(),
            Err(BoundsError::OutOfRange {
                field: "max_id_bytes",
                ..
            })
        ));
        let deep = Bounds {
            max_json_depth: 129,
            ..Bounds::DEFAULT
        };
        assert!(deep.validate().is_err());
        assert!(Bounds::DEFAULT.check_document("policy", 64 << 20).is_ok());
        assert!(Bounds::DEFAULT
            .check_document("policy", (64 << 20) + 1)
            .is_err());
    }
}
