//! The ids the host ERP gives its customers, events, orders and invoices,
//! and the default credit segment. Every module names things by these.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as the host ERP writes it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
    };
}

id_type!(
    /// A customer's id in the host ERP.
    CustomerId
);
id_type!(
    /// An event's unique id (idempotency key).
    EventId
);
id_type!(
    /// A sales order's id.
    OrderId
);
id_type!(
    /// An invoice's id (one invoice is one open item).
    InvoiceId
);

/// The segment every account uses unless an event or limit names another.
pub const DEFAULT_SEGMENT: &str = "default";
