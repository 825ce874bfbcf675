//! Exact money: ISO 4217 currencies, amounts, rounding and allocation.
//!
//! A [`Money`] is a [`Decimal`] amount plus a [`Currency`]. Its amount never
//! carries more decimals than the currency's minor unit allows (a `Money` in
//! JPY is always whole yen, in KWD always whole fils), so every `Money` is an
//! amount that can actually be paid. Operations that could produce more
//! decimals (multiplying by a rate) take an explicit [`RoundingMode`].
//!
//! Mixing currencies is an error ([`MoneyError::CurrencyMismatch`]); so is an
//! overflow ([`MoneyError::Overflow`]). Nothing here panics on caller input.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod exact;
pub(crate) use exact::mul_round;

/// Most parts [`Money::split`] produces (a caller asking for more gets
/// [`MoneyError::Bounds`], never a huge allocation; [`Money::allocate`]
/// makes one part per weight the caller already holds).
pub const MAX_PARTS: usize = 1_000_000;

/// Errors from money arithmetic, parsing and allocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The currency code is not ISO 4217 (among those built in) and was not
    /// registered by the host.
    #[error("unknown currency code {code:?} (not built in and not registered)")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// A currency code that is not three ASCII letters A–Z.
    #[error("invalid currency code {code:?}: expected three letters A-Z")]
    InvalidCurrencyCode {
        /// The code as given.
        code: String,
    },
    /// A minor-unit exponent outside 0..=9.
    #[error("invalid minor units {minor_units} for currency {code}: expected 0..=9")]
    InvalidMinorUnits {
        /// The currency code.
        code: String,
        /// The exponent as given.
        minor_units: u32,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} vs {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in a 96-bit decimal.
    #[error("arithmetic overflow in {operation}")]
    Overflow {
        /// The operation that overflowed (e.g. `"add"`).
        operation: &'static str,
    },
    /// An amount has more decimals than the currency's minor unit.
    #[error("amount {amount} has more than {minor_units} decimals allowed for {currency}")]
    Precision {
        /// The amount as given.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The currency's minor-unit exponent.
        minor_units: u32,
    },
    /// A text that is not a decimal number.
    #[error("invalid decimal {text:?} for {field}")]
    InvalidDecimal {
        /// Which input it was.
        field: &'static str,
        /// The text as given.
        text: String,
    },
    /// A size the caller asked for beyond its bound (parts of a split).
    #[error(transparent)]
    Bounds(#[from] crate::bounds::BoundsError),
    /// A value outside the range an operation accepts.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidArgument {
        /// Which input it was.
        field: &'static str,
        /// The value as given, rendered.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
}

/// An ISO 4217 currency: its three-letter code and minor-unit exponent.
///
/// Small and `Copy`. Built-in currencies come from [`Currency::iso`]; hosts
/// with other codes (a loyalty currency, an ISO code not built in) create
/// them with [`Currency::new`] or a [`CurrencyRegistry`].
///
/// ```
/// use credit_core::money::Currency;
/// let jpy = Currency::iso("JPY").unwrap();
/// assert_eq!(jpy.minor_units(), 0);
/// assert_eq!(Currency::iso("KWD").unwrap().minor_units(), 3);
/// assert!(Currency::iso("XYZ").is_err());
/// ```
#[derive(Clone, Copy, Eq, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    /// Code and minor units as one integer: equality in one compare (hot in
    /// exposure scans).
    #[inline]
    fn key(&self) -> u32 {
        u32::from_le_bytes([self.code[0], self.code[1], self.code[2], self.minor_units])
    }
}

impl PartialEq for Currency {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl std::hash::Hash for Currency {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u32(self.key());
    }
}

/// ISO 4217 codes built in, with their minor units (ISO 4217 list one,
/// published by SIX Financial Information as maintenance agency). Covers the
/// currencies in the BIS Triennial Survey's most-traded list and more.
const ISO_CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

fn parse_code(code: &str) -> Result<[u8; 3], MoneyError> {
    let b = code.as_bytes();
    if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
        Ok([b[0], b[1], b[2]])
    } else {
        Err(MoneyError::InvalidCurrencyCode {
            code: code.to_string(),
        })
    }
}

impl Currency {
    /// A currency with an explicit code and minor-unit exponent (0..=9).
    ///
    /// Use this for codes that are not built in. The code must be three
    /// uppercase ASCII letters.
    ///
    /// # Errors
    /// [`MoneyError::InvalidCurrencyCode`] or [`MoneyError::InvalidMinorUnits`].
    pub fn new(code: &str, minor_units: u32) -> Result<Self, MoneyError> {
        let code_bytes = parse_code(code)?;
        if minor_units > 9 {
            return Err(MoneyError::InvalidMinorUnits {
                code: code.to_string(),
                minor_units,
            });
        }
        Ok(Currency {
            code: code_bytes,
            minor_units: minor_units as u8,
        })
    }

    /// The built-in ISO 4217 currency with this code (case-sensitive, e.g.
    /// `"EUR"`).
    ///
    /// # Errors
    /// [`MoneyError::InvalidCurrencyCode`] for a malformed code,
    /// [`MoneyError::UnknownCurrency`] for a code not built in.
    pub fn iso(code: &str) -> Result<Self, MoneyError> {
        let code_bytes = parse_code(code)?;
        match ISO_CURRENCIES.binary_search_by(|(c, _)| c.as_bytes().cmp(&code_bytes[..])) {
            Ok(i) => Ok(Currency {
                code: code_bytes,
                minor_units: ISO_CURRENCIES[i].1,
            }),
            Err(_) => Err(MoneyError::UnknownCurrency {
                code: code.to_string(),
            }),
        }
    }

    /// Every built-in ISO 4217 currency, sorted by code.
    pub fn all_iso() -> impl Iterator<Item = Currency> {
        ISO_CURRENCIES.iter().map(|(c, m)| Currency {
            code: parse_code(c).unwrap_or(*b"XXX"),
            minor_units: *m,
        })
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes were validated as ASCII uppercase on construction.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// The minor-unit exponent: 2 for EUR (cents), 0 for JPY, 3 for KWD.
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// True when this is a built-in ISO currency with its ISO minor units.
    pub fn is_builtin_iso(&self) -> bool {
        Currency::iso(self.code()).is_ok_and(|c| c == *self)
    }

    /// The smallest payable amount, e.g. `0.01` for EUR, `1` for JPY.
    pub fn minor_unit(&self) -> Decimal {
        Decimal::new(1, self.minor_units())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.code(), self.minor_units)
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::iso(s)
    }
}

/// Built-in ISO currencies serialize as their code (`"EUR"`); other
/// currencies as `{"code": "XPT", "minor_units": 3}` so they round-trip.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_builtin_iso() {
            s.serialize_str(self.code())
        } else {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct("Currency", 2)?;
            st.serialize_field("code", self.code())?;
            st.serialize_field("minor_units", &self.minor_units)?;
            st.end()
        }
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Code(String),
            Full { code: String, minor_units: u32 },
        }
        match Repr::deserialize(d)? {
            Repr::Code(c) => Currency::iso(&c).map_err(serde::de::Error::custom),
            Repr::Full { code, minor_units } => {
                Currency::new(&code, minor_units).map_err(serde::de::Error::custom)
            }
        }
    }
}

/// The host's set of currencies: the built-in ISO list plus any it registers.
///
/// ```
/// use credit_core::money::CurrencyRegistry;
/// let mut reg = CurrencyRegistry::iso();
/// assert!(reg.get("XPT").is_err());
/// reg.register("XPT", 3).unwrap();
/// assert_eq!(reg.get("XPT").unwrap().minor_units(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrencyRegistry {
    extra: Vec<Currency>,
}

impl CurrencyRegistry {
    /// A registry holding only the built-in ISO currencies.
    pub fn iso() -> Self {
        CurrencyRegistry::default()
    }

    /// Registers (or overrides the minor units of) a currency code.
    ///
    /// # Errors
    /// As [`Currency::new`].
    pub fn register(&mut self, code: &str, minor_units: u32) -> Result<Currency, MoneyError> {
        let c = Currency::new(code, minor_units)?;
        self.extra.retain(|e| e.code != c.code);
        self.extra.push(c);
        Ok(c)
    }

    /// Looks a code up: registered codes first, then the ISO list.
    ///
    /// # Errors
    /// [`MoneyError::UnknownCurrency`] or [`MoneyError::InvalidCurrencyCode`].
    pub fn get(&self, code: &str) -> Result<Currency, MoneyError> {
        let b = parse_code(code)?;
        if let Some(c) = self.extra.iter().find(|c| c.code == b) {
            return Ok(*c);
        }
        Currency::iso(code)
    }
}

/// How to round a value that has more decimals than wanted.
///
/// "Down" and "up" are toward and away from zero (as in Java's
/// `RoundingMode`), so they treat debits and credits symmetrically; `Floor`
/// and `Ceiling` go toward negative and positive infinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingMode {
    /// Round half to even ("banker's rounding"): 2.5 → 2, 3.5 → 4. Default.
    #[default]
    HalfEven,
    /// Round half away from zero: 2.5 → 3, -2.5 → -3.
    HalfUp,
    /// Round half toward zero: 2.5 → 2, -2.5 → -2.
    HalfDown,
    /// Truncate toward zero: 2.9 → 2, -2.9 → -2.
    Down,
    /// Away from zero: 2.1 → 3, -2.1 → -3.
    Up,
    /// Toward negative infinity: 2.9 → 2, -2.1 → -3.
    Floor,
    /// Toward positive infinity: 2.1 → 3, -2.9 → -2.
    Ceiling,
}

impl RoundingMode {
    /// Every mode, in declaration order.
    pub const ALL: [RoundingMode; 7] = [
        RoundingMode::HalfEven,
        RoundingMode::HalfUp,
        RoundingMode::HalfDown,
        RoundingMode::Down,
        RoundingMode::Up,
        RoundingMode::Floor,
        RoundingMode::Ceiling,
    ];

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    /// The snake_case name used in JSON and by the bindings.
    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfEven => "half_even",
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfDown => "half_down",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
            RoundingMode::Floor => "floor",
            RoundingMode::Ceiling => "ceiling",
        }
    }

    /// Parses a name as given by [`RoundingMode::name`].
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`] naming the text.
    pub fn from_name(name: &str) -> Result<Self, MoneyError> {
        RoundingMode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| MoneyError::InvalidArgument {
                field: "rounding",
                value: name.to_string(),
                reason: "expected half_even, half_up, half_down, down, up, floor or ceiling",
            })
    }
}

/// `value` written with exactly `dp` decimals when that loses nothing
/// (`52500.0000` → `52500.00`, `25000` → `25000.00` for a currency with two
/// decimals); a value with more significant decimals than that keeps them
/// (`1025.01025` stays as it is): shown at its currency's precision, never
/// rounded.
///
/// ```
/// use credit_core::money::at_precision;
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(at_precision(d("52500.0000"), 2).to_string(), "52500.00");
/// assert_eq!(at_precision(d("25000"), 2).to_string(), "25000.00");
/// assert_eq!(at_precision(d("1025.01025"), 2).to_string(), "1025.01025");
/// assert_eq!(at_precision(d("1200000.0"), 0).to_string(), "1200000");
/// ```
pub fn at_precision(value: Decimal, dp: u32) -> Decimal {
    let mut v = value.normalize();
    if v.scale() > dp {
        return value;
    }
    // Raising the scale keeps the value; at the 28-digit limit rescale
    // settles for fewer decimals, and the value then stays as it was.
    v.rescale(dp);
    if v.scale() == dp && v == value {
        v
    } else {
        value
    }
}

/// Rounds `value` to `dp` decimal places with `mode`.
///
/// ```
/// use credit_core::money::{round_dp, RoundingMode};
/// use rust_decimal::Decimal;
/// let v: Decimal = "2.345".parse().unwrap();
/// assert_eq!(round_dp(v, 2, RoundingMode::HalfEven).to_string(), "2.34");
/// assert_eq!(round_dp(v, 2, RoundingMode::HalfUp).to_string(), "2.35");
/// ```
pub fn round_dp(value: Decimal, dp: u32, mode: RoundingMode) -> Decimal {
    value.round_dp_with_strategy(dp, mode.strategy())
}

/// Rounds `value` to a multiple of `step` (e.g. 1000 for credit limits,
/// 0.05 for Swiss cash rounding) with `mode`.
///
/// ```
/// use credit_core::money::{round_to_step, RoundingMode};
/// use rust_decimal::Decimal;
/// let v = Decimal::from(12_500);
/// assert_eq!(round_to_step(v, Decimal::from(1000), RoundingMode::HalfEven).unwrap(), Decimal::from(12_000));
/// assert_eq!(round_to_step(v, Decimal::from(1000), RoundingMode::HalfUp).unwrap(), Decimal::from(13_000));
/// ```
///
/// # Errors
/// [`MoneyError::InvalidArgument`] if `step` is not positive,
/// [`MoneyError::Overflow`] if the result does not fit.
pub fn round_to_step(
    value: Decimal,
    step: Decimal,
    mode: RoundingMode,
) -> Result<Decimal, MoneyError> {
    if step <= Decimal::ZERO {
        return Err(MoneyError::InvalidArgument {
            field: "step",
            value: step.to_string(),
            reason: "must be positive",
        });
    }
    let q = value.checked_div(step).ok_or(MoneyError::Overflow {
        operation: "round_to_step",
    })?;
    let q = q.round_dp_with_strategy(0, mode.strategy());
    q.checked_mul(step)
        .map(|d| d.normalize())
        .ok_or(MoneyError::Overflow {
            operation: "round_to_step",
        })
}

/// Parses a decimal from text strictly: optional sign, digits, optional
/// fraction. No exponent, no spaces, no thousands separators.
///
/// # Errors
/// [`MoneyError::InvalidDecimal`] naming `field` and the text.
pub fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, MoneyError> {
    let bad = || MoneyError::InvalidDecimal {
        field,
        text: text.to_string(),
    };
    crate::serde_decimal::parse_strict(text).ok_or_else(bad)
}

/// An amount of money in one currency, never with more decimals than the
/// currency's minor unit.
///
/// ```
/// use credit_core::money::{Currency, Money, RoundingMode};
/// let eur = Currency::iso("EUR").unwrap();
/// let a = Money::parse("100.10", eur).unwrap();
/// let b = Money::parse("0.25", eur).unwrap();
/// assert_eq!(a.checked_add(&b).unwrap().to_string(), "100.35 EUR");
/// // 100.10 × 0.19 = 19.019 → 19.02 (half-even)
/// let vat = a.checked_mul_rate("0.19".parse().unwrap(), RoundingMode::HalfEven).unwrap();
/// assert_eq!(vat.amount().to_string(), "19.02");
/// // Too many decimals for EUR is an error, never a silent rounding.
/// assert!(Money::parse("1.005", eur).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency. The amount's scale is normalised to the
    /// currency's minor units (`10.5` EUR is stored as `10.50`).
    ///
    /// # Errors
    /// [`MoneyError::Precision`] if the amount has more significant decimals
    /// than the currency allows (use [`Money::new_rounded`] to round);
    /// [`MoneyError::Overflow`] if the amount cannot be held with the
    /// currency's decimals (beyond 2^96 − 1 minor units, e.g. above
    /// 792281625142643375935439503.35 EUR).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let mu = currency.minor_units();
        let rounded = amount.round_dp_with_strategy(mu, RoundingStrategy::ToZero);
        if rounded != amount {
            return Err(MoneyError::Precision {
                amount,
                currency,
                minor_units: mu,
            });
        }
        Ok(Money {
            amount: at_scale(rounded, mu, "amount")?,
            currency,
        })
    }

    /// An amount rounded once to the currency's minor unit with `mode`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] if the rounded amount cannot be held with
    /// the currency's decimals.
    pub fn new_rounded(
        amount: Decimal,
        currency: Currency,
        mode: RoundingMode,
    ) -> Result<Self, MoneyError> {
        let mu = currency.minor_units();
        Ok(Money {
            amount: at_scale(round_dp(amount, mu, mode), mu, "round")?,
            currency,
        })
    }

    /// Parses a decimal text (e.g. `"-1234.50"`) in a currency.
    ///
    /// # Errors
    /// [`MoneyError::InvalidDecimal`] or [`MoneyError::Precision`].
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        Money::new(parse_decimal("amount", text)?, currency)
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::new(0, currency.minor_units()),
            currency,
        }
    }

    /// The amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True for a zero amount.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True for an amount below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// The amount in minor units (cents for EUR), as an integer.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] cannot happen for a valid `Money` but is
    /// reported rather than assumed.
    pub fn minor_units(&self) -> Result<i128, MoneyError> {
        // Every constructor stores the amount at the currency's scale.
        if self.amount.scale() != self.currency.minor_units() {
            return Err(MoneyError::Overflow {
                operation: "minor_units",
            });
        }
        Ok(self.amount.mantissa())
    }

    /// Builds a `Money` from an integer count of minor units.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] if the count exceeds 96 bits.
    pub fn from_minor_units(units: i128, currency: Currency) -> Result<Self, MoneyError> {
        let amount =
            Decimal::try_from_i128_with_scale(units, currency.minor_units()).map_err(|_| {
                MoneyError::Overflow {
                    operation: "from_minor_units",
                }
            })?;
        Ok(Money { amount, currency })
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        // In integer minor units: exact, or an overflow (`Decimal` addition
        // would instead drop decimals near its limit).
        let u = self
            .minor_units()?
            .checked_add(other.minor_units()?)
            .ok_or(MoneyError::Overflow { operation: "add" })?;
        Money::from_minor_units(u, self.currency)
            .map_err(|_| MoneyError::Overflow { operation: "add" })
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let u = self
            .minor_units()?
            .checked_sub(other.minor_units()?)
            .ok_or(MoneyError::Overflow { operation: "sub" })?;
        Money::from_minor_units(u, self.currency)
            .map_err(|_| MoneyError::Overflow { operation: "sub" })
    }

    /// `-self`.
    pub fn neg(&self) -> Money {
        Money {
            amount: -self.amount,
            currency: self.currency,
        }
    }

    /// `self × rate`, computed exactly and rounded once to the currency's
    /// minor unit with `mode`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] if the result cannot be held with the
    /// currency's decimals.
    pub fn checked_mul_rate(&self, rate: Decimal, mode: RoundingMode) -> Result<Money, MoneyError> {
        let mu = self.currency.minor_units();
        let amount = mul_round(self.amount, rate, 0, mu, mode).ok_or(MoneyError::Overflow {
            operation: "mul_rate",
        })?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// `self × percent / 100`, computed exactly and rounded once with `mode`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] if the result cannot be held with the
    /// currency's decimals.
    pub fn checked_percent(
        &self,
        percent: Decimal,
        mode: RoundingMode,
    ) -> Result<Money, MoneyError> {
        let mu = self.currency.minor_units();
        let amount = mul_round(self.amount, percent, 2, mu, mode).ok_or(MoneyError::Overflow {
            operation: "percent",
        })?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// Rounds to a multiple of `step` (e.g. 1000 for limits) with `mode`.
    /// The step may be finer than the minor unit only if the result still
    /// fits the currency; otherwise it is an error.
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`], [`MoneyError::Overflow`] or
    /// [`MoneyError::Precision`].
    pub fn round_to_step(&self, step: Decimal, mode: RoundingMode) -> Result<Money, MoneyError> {
        Money::new(round_to_step(self.amount, step, mode)?, self.currency)
    }

    /// Splits the amount by non-negative `weights` into parts that sum to the
    /// whole exactly, to the minor unit.
    ///
    /// Method: largest remainder (Hamilton). Each part first gets the floor
    /// of its exact share in minor units; the minor units left over go one
    /// each to the parts with the largest remainders, ties to the earlier
    /// part. A negative amount is split as its absolute value, then negated,
    /// so `a.allocate(w)` and `a.neg().allocate(w)` mirror each other.
    ///
    /// ```
    /// use credit_core::money::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let eur = Currency::iso("EUR").unwrap();
    /// let parts = Money::parse("100.00", eur).unwrap()
    ///     .allocate(&[Decimal::ONE, Decimal::ONE, Decimal::ONE]).unwrap();
    /// let shown: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
    /// assert_eq!(shown, ["33.34", "33.33", "33.33"]);
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`] for no weights, a negative weight or
    /// all-zero weights; [`MoneyError::Overflow`] for weights too large to
    /// combine exactly.
    pub fn allocate(&self, weights: &[Decimal]) -> Result<Vec<Money>, MoneyError> {
        let units = allocate_units(self.minor_units()?, weights)?;
        units
            .into_iter()
            .map(|u| Money::from_minor_units(u, self.currency))
            .collect()
    }

    /// Splits the amount into `n` parts as equal as possible that sum to the
    /// whole (the first parts get the extra minor units).
    ///
    /// # Errors
    /// [`MoneyError::InvalidArgument`] if `n` is zero;
    /// [`MoneyError::Bounds`] above [`MAX_PARTS`].
    pub fn split(&self, n: usize) -> Result<Vec<Money>, MoneyError> {
        if n == 0 {
            return Err(MoneyError::InvalidArgument {
                field: "parts",
                value: n.to_string(),
                reason: "must be at least 1",
            });
        }
        if n > MAX_PARTS {
            return Err(crate::bounds::BoundsError::TooLarge {
                field: "parts",
                size: n,
                max: MAX_PARTS,
            }
            .into());
        }
        self.allocate(&vec![Decimal::ONE; n])
    }
}

/// `d` (already at most `dp` decimals) with scale exactly `dp`, or an
/// overflow when the mantissa cannot hold it (near the 96-bit limit).
fn at_scale(d: Decimal, dp: u32, operation: &'static str) -> Result<Decimal, MoneyError> {
    let mut r = d;
    r.rescale(dp);
    if r == d && r.scale() == dp {
        Ok(r)
    } else {
        Err(MoneyError::Overflow { operation })
    }
}

/// Integer core of [`Money::allocate`]: splits `units` minor units by
/// `weights` with the largest-remainder method.
fn allocate_units(units: i128, weights: &[Decimal]) -> Result<Vec<i128>, MoneyError> {
    if weights.is_empty() {
        return Err(MoneyError::InvalidArgument {
            field: "weights",
            value: "[]".into(),
            reason: "at least one weight is required",
        });
    }
    if let Some(w) = weights
        .iter()
        .find(|w| w.is_sign_negative() && !w.is_zero())
    {
        return Err(MoneyError::InvalidArgument {
            field: "weights",
            value: w.to_string(),
            reason: "weights must not be negative",
        });
    }
    let overflow = MoneyError::Overflow {
        operation: "allocate",
    };
    let max_scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let mut ints = Vec::with_capacity(weights.len());
    for w in weights {
        let f = 10i128
            .checked_pow(max_scale - w.scale())
            .ok_or(overflow.clone())?;
        ints.push(w.mantissa().checked_mul(f).ok_or(overflow.clone())?);
    }
    let total: i128 = ints
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or(overflow.clone())?;
    if total == 0 {
        return Err(MoneyError::InvalidArgument {
            field: "weights",
            value: "0".into(),
            reason: "weights must not all be zero",
        });
    }
    let negative = units < 0;
    let abs = units.checked_abs().ok_or(overflow.clone())?;
    let mut parts = Vec::with_capacity(ints.len());
    let mut rems = Vec::with_capacity(ints.len());
    let mut given: i128 = 0;
    for (i, w) in ints.iter().enumerate() {
        let prod = abs.checked_mul(*w).ok_or(overflow.clone())?;
        let q = prod / total;
        parts.push(q);
        rems.push((prod % total, i));
        given += q;
    }
    let mut left = abs - given;
    // Largest remainder first; equal remainders go to the earlier part.
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    if negative {
        for p in &mut parts {
            *p = -*p;
        }
    }
    Ok(parts)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    #[serde(with = "crate::serde_decimal")]
    amount: Decimal,
    currency: Currency,
}

/// Serializes as `{"amount": "1234.50", "currency": "EUR"}`.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyRepr {
            amount: self.amount,
            currency: self.currency,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = MoneyRepr::deserialize(d)?;
        Money::new(r.amount, r.currency).map_err(serde::de::Error::custom)
    }
}

/// `a + b` exactly: at the larger of the two scales, or `None` when that
/// does not fit a `Decimal` (`Decimal::checked_add` would instead drop
/// decimals to make it fit: 500000000000000000000000000.01 × 2 came back
/// as 1000000000000000000000000000.0).
pub(crate) fn add_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let at = |d: Decimal| {
        d.mantissa()
            .checked_mul(10i128.checked_pow(scale - d.scale())?)
    };
    let sum = at(a)?.checked_add(at(b)?)?;
    Decimal::try_from_i128_with_scale(sum, scale).ok()
}

/// `a − b` for non-negative `a` and `b` (amounts of the book: what is left
/// of an open amount after a part of it, an undisputed part, …). The
/// difference lies in `[−b, a]`, so it always fits a `Decimal`; this is the
/// one place the subtraction is written, so the arithmetic lint can refuse
/// every other `-` on a `Decimal`.
pub(crate) fn sub_nonneg(a: Decimal, b: Decimal) -> Decimal {
    debug_assert!(
        !a.is_sign_negative() || a.is_zero(),
        "sub_nonneg: negative minuend {a}"
    );
    debug_assert!(
        !b.is_sign_negative() || b.is_zero(),
        "sub_nonneg: negative subtrahend {b}"
    );
    a.saturating_sub(b)
}

/// `d` as an integer count of minor units of a currency with `mu`
/// decimals: exact, so `None` when `d` has more decimals than that, or on
/// overflow.
pub(crate) fn units_of(d: Decimal, mu: u32) -> Option<i128> {
    let scale = d.scale();
    if scale > mu {
        return None;
    }
    d.mantissa().checked_mul(10i128.checked_pow(mu - scale)?)
}

impl From<Currency> for crate::error::Detail {
    fn from(c: Currency) -> Self {
        crate::error::Detail::Currency {
            code: c.code().to_string(),
            minor_units: c.minor_units(),
        }
    }
}

impl crate::error::Classify for MoneyError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            MoneyError::UnknownCurrency { .. } | MoneyError::InvalidCurrencyCode { .. } => {
                K::UnknownCurrency
            }
            MoneyError::CurrencyMismatch { .. } => K::CurrencyMismatch,
            MoneyError::Overflow { .. } => K::Overflow,
            MoneyError::Precision { .. } => K::Precision,
            MoneyError::InvalidDecimal { .. } => K::InvalidArgument,
            MoneyError::InvalidMinorUnits { .. } => K::Validation,
            MoneyError::Bounds(b) => b.kind(),
            MoneyError::InvalidArgument { .. } => K::Validation,
        }
    }

    fn details(&self) -> crate::error::Details {
        match self {
            MoneyError::UnknownCurrency { code } | MoneyError::InvalidCurrencyCode { code } => {
                vec![("code", crate::error::text(code))]
            }
            MoneyError::CurrencyMismatch { left, right } => {
                vec![("left", (*left).into()), ("right", (*right).into())]
            }
            MoneyError::Bounds(b) => b.details(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn eur() -> Currency {
        Currency::iso("EUR").unwrap()
    }

    #[test]
    fn iso_table_is_sorted_unique_and_large_enough() {
        assert!(ISO_CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ISO_CURRENCIES.len() >= 30);
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        // ISO 4217 list one: JPY and KRW have no minor unit; BHD, KWD, TND three.
        for (code, mu) in [
            ("JPY", 0),
            ("KRW", 0),
            ("BHD", 3),
            ("KWD", 3),
            ("TND", 3),
            ("EUR", 2),
            ("USD", 2),
        ] {
            assert_eq!(Currency::iso(code).unwrap().minor_units(), mu, "{code}");
        }
    }

    #[test]
    fn unknown_and_malformed_codes_are_errors() {
        assert_eq!(
            Currency::iso("ABC"),
            Err(MoneyError::UnknownCurrency { code: "ABC".into() })
        );
        assert!(matches!(
            Currency::iso("eur"),
            Err(MoneyError::InvalidCurrencyCode { .. })
        ));
        assert!(matches!(
            Currency::iso("EURO"),
            Err(MoneyError::InvalidCurrencyCode { .. })
        ));
        assert!(matches!(
            Currency::new("ABC", 10),
            Err(MoneyError::InvalidMinorUnits { .. })
        ));
    }

    #[test]
    fn registry_adds_host_codes() {
        let mut r = CurrencyRegistry::iso();
        assert!(r.get("XPT").is_err());
        r.register("XPT", 4).unwrap();
        assert_eq!(r.get("XPT").unwrap().minor_units(), 4);
        assert_eq!(r.get("EUR").unwrap().minor_units(), 2);
    }

    #[test]
    fn every_rounding_mode_on_half_cases() {
        // Definitions: IEEE 754 / Java RoundingMode documentation table.
        let cases: [(&str, [&str; 7]); 6] = [
            // value: half_even, half_up, half_down, down, up, floor, ceiling
            ("2.5", ["2", "3", "2", "2", "3", "2", "3"]),
            ("3.5", ["4", "4", "3", "3", "4", "3", "4"]),
            ("-2.5", ["-2", "-3", "-2", "-2", "-3", "-3", "-2"]),
            ("2.51", ["3", "3", "3", "2", "3", "2", "3"]),
            ("-2.49", ["-2", "-2", "-2", "-2", "-3", "-3", "-2"]),
            ("7", ["7", "7", "7", "7", "7", "7", "7"]),
        ];
        for (v, expect) in cases {
            for (mode, e) in RoundingMode::ALL.into_iter().zip(expect) {
                assert_eq!(round_dp(d(v), 0, mode), d(e), "{v} {mode:?}");
            }
        }
    }

    #[test]
    fn rounding_to_minor_units_for_0_and_3_decimal_currencies() {
        let jpy = Currency::iso("JPY").unwrap();
        let kwd = Currency::iso("KWD").unwrap();
        assert_eq!(
            Money::new_rounded(d("1234.5"), jpy, RoundingMode::HalfEven)
                .unwrap()
                .amount(),
            d("1234")
        );
        assert_eq!(
            Money::new_rounded(d("1235.5"), jpy, RoundingMode::HalfEven)
                .unwrap()
                .amount(),
            d("1236")
        );
        assert_eq!(
            Money::new_rounded(d("1.0005"), kwd, RoundingMode::HalfEven)
                .unwrap()
                .amount(),
            d("1.000")
        );
        assert_eq!(
            Money::new_rounded(d("1.0005"), kwd, RoundingMode::HalfUp)
                .unwrap()
                .amount(),
            d("1.001")
        );
        assert!(Money::parse("1.5", jpy).is_err());
        assert_eq!(Money::parse("1.5", kwd).unwrap().to_string(), "1.500 KWD");
    }

    #[test]
    fn round_to_step_for_limits() {
        let m = Money::parse("12345.67", eur()).unwrap();
        assert_eq!(
            m.round_to_step(d("1000"), RoundingMode::Down)
                .unwrap()
                .amount(),
            d("12000")
        );
        assert_eq!(
            m.round_to_step(d("1000"), RoundingMode::Up)
                .unwrap()
                .amount(),
            d("13000")
        );
        assert_eq!(
            m.round_to_step(d("0.05"), RoundingMode::HalfEven)
                .unwrap()
                .amount(),
            d("12345.65")
        );
        assert!(m.round_to_step(Decimal::ZERO, RoundingMode::Up).is_err());
        assert!(m.round_to_step(d("0.001"), RoundingMode::Up).is_ok());
    }

    #[test]
    fn exact_addition_keeps_every_decimal_or_fails() {
        assert_eq!(add_exact(d("1.005"), d("2.1")), Some(d("3.105")));
        assert_eq!(add_exact(d("-1.50"), d("1.5")).map(|x| x.scale()), Some(2));
        let big = d("500000000000000000000000000.01");
        assert_eq!(add_exact(big, big), None);
        assert_eq!(
            big.checked_add(big),
            Some(d("1000000000000000000000000000.0"))
        );
        let half = d("396140812571321687967719751.67");
        assert_eq!(
            add_exact(half, d("396140812571321687967719751.68")),
            Some(d("792281625142643375935439503.35"))
        );
    }

    #[test]
    fn rounding_mode_names_round_trip() {
        let names: Vec<&str> = RoundingMode::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "half_even",
                "half_up",
                "half_down",
                "down",
                "up",
                "floor",
                "ceiling"
            ]
        );
        for m in RoundingMode::ALL {
            assert_eq!(RoundingMode::from_name(m.name()), Ok(m));
        }
        assert!(matches!(
            RoundingMode::from_name("HALF_EVEN"),
            Err(MoneyError::InvalidArgument {
                field: "rounding",
                ..
            })
        ));
    }

    #[test]
    fn a_registry_override_replaces_the_earlier_entry() {
        let mut r = CurrencyRegistry::iso();
        r.register("XLP", 0).unwrap();
        r.register("XGM", 3).unwrap();
        r.register("XLP", 2).unwrap();
        assert_eq!(r.get("XLP").unwrap().minor_units(), 2);
        assert_eq!(r.get("XGM").unwrap().minor_units(), 3);
        // An ISO code may be overridden, and the override wins.
        r.register("JPY", 2).unwrap();
        assert_eq!(r.get("JPY").unwrap().minor_units(), 2);
        assert_eq!(CurrencyRegistry::iso().get("JPY").unwrap().minor_units(), 0);
    }

    #[test]
    fn currencies_hash_by_code() {
        use std::hash::{BuildHasher, RandomState};
        let s = RandomState::new();
        let (a, b) = (Currency::iso("EUR").unwrap(), Currency::iso("USD").unwrap());
        assert_eq!(s.hash_one(a), s.hash_one(Currency::new("EUR", 2).unwrap()));
        assert_ne!(s.hash_one(a), s.hash_one(b));
    }

    #[test]
    fn currencies_debug_with_their_minor_units() {
        assert_eq!(format!("{:?}", Currency::iso("JPY").unwrap()), "JPY(0)");
        assert_eq!(format!("{:?}", Currency::new("XPT", 3).unwrap()), "XPT(3)");
    }

    #[test]
    fn mismatch_and_overflow_are_errors() {
        let usd = Currency::iso("USD").unwrap();
        let a = Money::parse("1", eur()).unwrap();
        let b = Money::parse("1", usd).unwrap();
        assert_eq!(
            a.checked_add(&b),
            Err(MoneyError::CurrencyMismatch {
                left: eur(),
                right: usd
            })
        );
        let jpy = Currency::iso("JPY").unwrap();
        let big = Money::new(Decimal::MAX, jpy).unwrap();
        assert_eq!(
            big.checked_add(&Money::parse("1", jpy).unwrap()),
            Err(MoneyError::Overflow { operation: "add" })
        );
        assert!(big
            .checked_mul_rate(d("2"), RoundingMode::HalfEven)
            .is_err());
    }

    #[test]
    fn strict_decimal_parsing() {
        for bad in [
            "", "-", "1e5", "1.", ".5", "1,000.00", " 1", "1 ", "NaN", "0x10", "1.2.3", "++1",
        ] {
            assert!(parse_decimal("amount", bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_decimal("amount", "-0.50").unwrap(), d("-0.50"));
        assert_eq!(parse_decimal("amount", "+7").unwrap(), d("7"));
    }

    #[test]
    fn allocation_largest_remainder() {
        // 100.00 by 1:1:1 → 33.34, 33.33, 33.33 (the one leftover cent to the first tie).
        let m = Money::parse("100.00", eur()).unwrap();
        let p = m.split(3).unwrap();
        assert_eq!(
            p.iter().map(|x| x.amount()).collect::<Vec<_>>(),
            vec![d("33.34"), d("33.33"), d("33.33")]
        );
        // 10.00 by 0.3:0.3:0.4 is exact.
        let p = Money::parse("10.00", eur())
            .unwrap()
            .allocate(&[d("0.3"), d("0.3"), d("0.4")])
            .unwrap();
        assert_eq!(
            p.iter().map(|x| x.amount()).collect::<Vec<_>>(),
            vec![d("3.00"), d("3.00"), d("4.00")]
        );
        // 0.05 by 1:2:2 → exact shares 0.01, 0.02, 0.02.
        // 0.07 by 1:1:1:1 → shares 1.75 cents each: floors 1,1,1,1, remainders equal, 3 left → 2,2,2,1.
        let p = Money::parse("0.07", eur()).unwrap().split(4).unwrap();
        assert_eq!(
            p.iter().map(|x| x.amount()).collect::<Vec<_>>(),
            vec![d("0.02"), d("0.02"), d("0.02"), d("0.01")]
        );
        // Negative amounts mirror positive ones.
        let p = Money::parse("-100.00", eur()).unwrap().split(3).unwrap();
        assert_eq!(p[0].amount(), d("-33.34"));
        // JPY: 1000 yen in 3 → 334, 333, 333.
        let jpy = Currency::iso("JPY").unwrap();
        let p = Money::parse("1000", jpy).unwrap().split(3).unwrap();
        assert_eq!(
            p.iter().map(|x| x.amount()).collect::<Vec<_>>(),
            vec![d("334"), d("333"), d("333")]
        );
        // A larger weight gets the larger remainder: 1.00 by 1:2 → 33.33.., 66.66.. → 0.33, 0.67.
        let p = Money::parse("1.00", eur())
            .unwrap()
            .allocate(&[d("1"), d("2")])
            .unwrap();
        assert_eq!(
            p.iter().map(|x| x.amount()).collect::<Vec<_>>(),
            vec![d("0.33"), d("0.67")]
        );
    }

    #[test]
    fn allocation_rejects_bad_weights() {
        let m = Money::parse("1.00", eur()).unwrap();
        assert!(m.allocate(&[]).is_err());
        assert!(m.allocate(&[d("0"), d("0")]).is_err());
        assert!(m.allocate(&[d("-1"), d("2")]).is_err());
        assert!(m.split(0).is_err());
        // Huge weights still combine exactly for ordinary amounts…
        assert_eq!(
            m.allocate(&[Decimal::MAX, Decimal::MAX]).unwrap()[0].amount(),
            d("0.50")
        );
        // …and a product beyond 128 bits is an overflow error, not a wrap.
        let huge = Money::new(Decimal::MAX, Currency::iso("JPY").unwrap()).unwrap();
        assert_eq!(
            huge.allocate(&[Decimal::MAX, Decimal::MAX]),
            Err(MoneyError::Overflow {
                operation: "allocate"
            })
        );
    }

    #[test]
    fn json_shapes() {
        let m = Money::parse("1234.5", eur()).unwrap();
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(j, r#"{"amount":"1234.50","currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&j).unwrap(), m);
        // Numbers (floats) are refused for amounts.
        assert!(serde_json::from_str::<Money>(r#"{"amount":1234.5,"currency":"EUR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1.001","currency":"EUR"}"#).is_err());
        let x = Currency::new("XPT", 4).unwrap();
        let j = serde_json::to_string(&x).unwrap();
        assert_eq!(j, r#"{"code":"XPT","minor_units":4}"#);
        assert_eq!(serde_json::from_str::<Currency>(&j).unwrap(), x);
    }
}
