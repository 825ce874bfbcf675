//! Exact products rounded once.
//!
//! `rust_decimal` keeps at most 96 bits of mantissa and 28 decimals: when a
//! product does not fit, it silently lowers the scale (rounding away the
//! lowest digits). A rounding to cents after that is a second rounding and
//! can land on the wrong cent (a true 0.005000…0001 becomes 0.005, a tie), or
//! a value simply loses its last decimals. Here the product of two decimals
//! is formed exactly in 256-bit integer arithmetic, rounded once to the
//! wanted decimals with the wanted mode, and refused if the rounded result
//! does not fit a `Decimal` at that scale.

use rust_decimal::Decimal;

use super::RoundingMode;

/// An unsigned 256-bit integer, little-endian 64-bit limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct U256([u64; 4]);

impl U256 {
    /// The exact product of two 128-bit values.
    fn mul(a: u128, b: u128) -> U256 {
        let (a0, a1) = (a as u64, (a >> 64) as u64);
        let (b0, b1) = (b as u64, (b >> 64) as u64);
        let mut out = [0u64; 4];
        for (i, x) in [a0, a1].into_iter().enumerate() {
            let mut carry = 0u128;
            for (j, y) in [b0, b1].into_iter().enumerate() {
                let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + 2] = carry as u64;
        }
        U256(out)
    }

    /// Divides in place by `d` (non-zero) and returns the remainder.
    fn div_rem_small(&mut self, d: u64) -> u64 {
        let mut rem = 0u128;
        for limb in self.0.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*limb);
            *limb = (cur / u128::from(d)) as u64;
            rem = cur % u128::from(d);
        }
        rem as u64
    }

    /// Multiplies in place by `m`; false on overflow past 256 bits.
    fn mul_small(&mut self, m: u64) -> bool {
        let mut carry = 0u128;
        for limb in self.0.iter_mut() {
            let t = u128::from(*limb) * u128::from(m) + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        carry == 0
    }

    fn to_u128(self) -> Option<u128> {
        if self.0[2] == 0 && self.0[3] == 0 {
            Some(u128::from(self.0[0]) | (u128::from(self.0[1]) << 64))
        } else {
            None
        }
    }
}

/// Largest mantissa a `Decimal` holds (2^96 − 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// `a × b × 10^-shift` rounded once to `dp` decimals with `mode`, computed
/// exactly (`shift` = 2 divides by a hundred, for percentages). `None`
/// when the rounded result does not fit a `Decimal` with scale `dp` (or
/// `dp` exceeds 28). The result always has scale `dp`.
pub(crate) fn mul_round(
    a: Decimal,
    b: Decimal,
    shift: u32,
    dp: u32,
    mode: RoundingMode,
) -> Option<Decimal> {
    if dp > 28 || shift > 28 {
        return None;
    }
    let negative = a.is_sign_negative() != b.is_sign_negative() && !a.is_zero() && !b.is_zero();
    let mut p = U256::mul(a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let scale = a.scale() + b.scale() + shift;
    let magnitude = if dp >= scale {
        for _ in scale..dp {
            if !p.mul_small(10) {
                return None;
            }
        }
        p.to_u128()?
    } else {
        // Drop all but one of the extra digits (remembering whether any
        // was non-zero), then the guard digit decides the rounding.
        let mut sticky = false;
        let mut extra = scale - dp - 1;
        while extra > 0 {
            let k = extra.min(19);
            sticky |= p.div_rem_small(10u64.pow(k)) != 0;
            extra -= k;
        }
        let guard = p.div_rem_small(10);
        let q = p.to_u128()?;
        let up = match mode {
            RoundingMode::Down => false,
            RoundingMode::Up => guard > 0 || sticky,
            RoundingMode::HalfUp => guard >= 5,
            RoundingMode::HalfDown => guard > 5 || (guard == 5 && sticky),
            RoundingMode::HalfEven => guard > 5 || (guard == 5 && (sticky || q % 2 == 1)),
            RoundingMode::Floor => negative && (guard > 0 || sticky),
            RoundingMode::Ceiling => !negative && (guard > 0 || sticky),
        };
        q.checked_add(u128::from(up))?
    };
    if magnitude > MAX_MANTISSA {
        return None;
    }
    let m = i128::try_from(magnitude).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -m } else { m }, dp).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn products_round_once() {
        // 54.75 × 0.0002739726… is not what we test: exact ties are.
        // 0.125 × 1 → 0.12 half-even, 0.13 half-up.
        assert_eq!(
            mul_round(d("0.125"), d("1"), 0, 2, RoundingMode::HalfEven),
            Some(d("0.12"))
        );
        assert_eq!(
            mul_round(d("0.125"), d("1"), 0, 2, RoundingMode::HalfUp),
            Some(d("0.13"))
        );
        // 3000 × 0.0499 = 149.7 exactly; one decimal kept.
        assert_eq!(
            mul_round(d("3000.00"), d("0.0499"), 0, 1, RoundingMode::HalfEven),
            Some(d("149.7"))
        );
        // Negative: -2.5 → -2 half-even, -3 half-up, -3 floor, -2 ceiling.
        let m = d("-2.5");
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::HalfEven),
            Some(d("-2"))
        );
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::HalfUp),
            Some(d("-3"))
        );
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::Floor),
            Some(d("-3"))
        );
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::Ceiling),
            Some(d("-2"))
        );
        assert_eq!(mul_round(m, d("1"), 0, 0, RoundingMode::Up), Some(d("-3")));
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::Down),
            Some(d("-2"))
        );
        assert_eq!(
            mul_round(m, d("1"), 0, 0, RoundingMode::HalfDown),
            Some(d("-2"))
        );
    }

    #[test]
    fn digits_past_the_28th_still_count() {
        // 0.005 + 1e-28 is above the tie: exact rounding goes up, where a
        // product first cut to 28 decimals would see a tie and round to even.
        let a = d("0.0050000000000000000000000001"); // 28 decimals
        assert_eq!(
            mul_round(a, d("1.0"), 0, 2, RoundingMode::HalfEven),
            Some(d("0.01"))
        );
        // A product with 56 decimals: 1e-28 × 1e-28 is above zero.
        let tiny = d("0.0000000000000000000000000001");
        assert_eq!(
            mul_round(tiny, tiny, 0, 2, RoundingMode::Up),
            Some(d("0.01"))
        );
        assert_eq!(
            mul_round(tiny, tiny, 0, 2, RoundingMode::HalfUp),
            Some(d("0.00"))
        );
    }

    #[test]
    fn results_that_do_not_fit_are_refused() {
        // 700000000000000000000000000.01 × 2 needs 31 digits at 2 decimals.
        let big = d("700000000000000000000000000.01");
        assert_eq!(mul_round(big, d("2"), 0, 2, RoundingMode::HalfEven), None);
        // The largest mantissa times one fits; times two does not.
        assert_eq!(
            mul_round(Decimal::MAX, Decimal::ONE, 0, 0, RoundingMode::HalfEven),
            Some(Decimal::MAX)
        );
        assert_eq!(
            mul_round(Decimal::MAX, d("2"), 0, 0, RoundingMode::HalfEven),
            None
        );
        assert_eq!(
            mul_round(d("1"), d("1"), 0, 29, RoundingMode::HalfEven),
            None
        );
    }

    #[test]
    fn agrees_with_decimal_where_decimal_is_exact() {
        let cases = [
            ("19.99", "0.19"),
            ("-1234.56", "1.0725"),
            ("0.01", "0.5"),
            ("99999999.99", "0.000001"),
        ];
        for (a, b) in cases {
            for mode in RoundingMode::ALL {
                let exact = d(a) * d(b);
                let want = crate::money::round_dp(exact, 2, mode);
                let got = mul_round(d(a), d(b), 0, 2, mode).unwrap();
                assert_eq!(got, want, "{a} × {b} {mode:?}");
                assert_eq!(got.scale(), 2);
            }
        }
    }
}
