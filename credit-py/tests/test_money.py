"""Money, currencies, rounding and allocation from Python."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import credit
from credit import Currency, Money


def test_currencies_follow_iso_4217():
    # ISO 4217: JPY/KRW have no minor unit; BHD/KWD/TND have three.
    assert Currency("JPY").minor_units == 0
    assert Currency("KRW").minor_units == 0
    assert Currency("KWD").minor_units == 3
    assert Currency("TND").minor_units == 3
    assert Currency("EUR").minor_units == 2
    assert repr(Currency("EUR")) == "Currency('EUR')"
    assert Currency("EUR") == Currency("EUR") and hash(Currency("EUR")) == hash(Currency("EUR"))


def test_unknown_currency_is_an_error():
    with pytest.raises(credit.UnknownCurrency) as e:
        Currency("XYZ")
    assert "XYZ" in str(e.value) and e.value.code == "XYZ"
    assert isinstance(e.value, credit.CreditError) and isinstance(e.value, ValueError)
    custom = Currency.custom("XPT", 4)
    assert custom.minor_units == 4
    assert repr(custom) == "Currency.custom('XPT', 4)"
    assert Money("1.2345", custom).amount == Decimal("1.2345")


def test_money_is_exact_decimal_in_and_out():
    m = Money(Decimal("100.1"), "EUR")
    assert m.amount == Decimal("100.10") and str(m.amount) == "100.10"
    assert isinstance(m.amount, Decimal)
    assert m.currency == Currency("EUR")
    assert Money("0.25", "EUR") + m == Money("100.35", "EUR")
    assert m - Money("0.10", "EUR") == Money(100, "EUR")
    assert -m == Money("-100.10", "EUR")
    assert repr(m) == "Money('100.10', 'EUR')" and str(m) == "100.10 EUR"
    assert Money(Decimal("1E+3"), "JPY").amount == Decimal("1000")
    assert Money("1", "EUR") < Money("1.01", "EUR")


@pytest.mark.parametrize("bad", [1.5, 0.1 + 0.2, float("nan")])
def test_floats_are_refused_with_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="Decimal") as e:
        Money(bad, "EUR")
    assert isinstance(e.value, credit.CreditError)
    assert "float" in str(e.value)


def test_other_bad_amounts():
    with pytest.raises(credit.PrecisionError):
        Money("1.005", "EUR")
    with pytest.raises(credit.PrecisionError):
        Money("1.5", "JPY")
    with pytest.raises(credit.ValidationError, match="1e5"):
        Money("1e5", "EUR")
    with pytest.raises(credit.ValidationError):
        Money(Decimal("NaN"), "EUR")
    with pytest.raises(credit.ValidationError):
        Money(Decimal("Infinity"), "EUR")
    with pytest.raises(TypeError):
        Money(True, "EUR")
    with pytest.raises(TypeError):
        Money(None, "EUR")  # type: ignore[arg-type]


def test_mismatch_and_overflow():
    with pytest.raises(credit.CurrencyMismatch, match="EUR vs USD") as e:
        Money("1", "EUR") + Money("1", "USD")
    assert e.value.left == Currency("EUR") and e.value.right == Currency("USD")
    big = Money(Decimal("79228162514264337593543950335"), "JPY")
    with pytest.raises(credit.ArithmeticOverflow):
        big + big
    with pytest.raises(ArithmeticError):
        big.mul_rate("2")


def test_rounding_modes_on_half_cases():
    # 0.125 EUR at 2 decimals.
    expected = {
        "half_even": "0.12",
        "half_up": "0.13",
        "half_down": "0.12",
        "down": "0.12",
        "up": "0.13",
        "floor": "0.12",
        "ceiling": "0.13",
    }
    assert set(credit.rounding_modes()) == set(expected)
    for mode, want in expected.items():
        assert Money.rounded(Decimal("0.125"), "EUR", mode).amount == Decimal(want), mode
    assert Money.rounded("-0.125", "EUR", "floor").amount == Decimal("-0.13")
    with pytest.raises(credit.ValidationError, match="bankers"):
        Money.rounded("1", "EUR", "bankers")
    # 100.10 x 0.19 = 19.019 -> 19.02; 1025 JPY x 0.02 = 20.5 -> 20 (half-even) / 21 (half-up).
    assert Money("100.10", "EUR").mul_rate(Decimal("0.19")).amount == Decimal("19.02")
    assert Money(1025, "JPY").mul_rate("0.02").amount == Decimal("20")
    assert Money(1025, "JPY").mul_rate("0.02", "half_up").amount == Decimal("21")


def test_round_to_step_for_limits():
    m = Money("12345.67", "EUR")
    assert m.round_to_step(1000, "down").amount == Decimal("12000")
    assert m.round_to_step(Decimal("1000"), "up").amount == Decimal("13000")
    assert m.round_to_step("0.05").amount == Decimal("12345.65")
    with pytest.raises(credit.ValidationError):
        m.round_to_step(0)


def test_allocation_sums_exactly():
    parts = Money("100.00", "EUR").split(3)
    assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    parts = Money("1.00", "EUR").allocate([1, 2])
    assert [p.amount for p in parts] == [Decimal("0.33"), Decimal("0.67")]
    parts = Money("1000", "JPY").allocate(["0.5", "0.25", "0.25"])
    assert [p.amount for p in parts] == [Decimal(500), Decimal(250), Decimal(250)]
    with pytest.raises(credit.ValidationError):
        Money("1", "EUR").allocate([])
    with pytest.raises(credit.ValidationError):
        Money("1", "EUR").allocate([-1, 2])
    with pytest.raises(TypeError):
        Money("1", "EUR").allocate([0.5, 0.5])


def test_pickle_json_and_hash():
    m = Money("-12.30", "KWD")
    assert pickle.loads(pickle.dumps(m)) == m
    assert m.to_json() == '{"amount":"-12.300","currency":"KWD"}'
    assert Money.from_json(m.to_json()) == m
    assert len({Money("1.5", "EUR"), Money("1.50", "EUR")}) == 1
    with pytest.raises(credit.ParseError):
        Money.from_json('{"amount": 1.5, "currency": "EUR"}')


@given(
    cents=st.integers(min_value=-(10**15), max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=10),
)
def test_allocation_property(cents, weights):
    m = Money(Decimal(cents).scaleb(-2), "EUR")
    if sum(weights) == 0:
        with pytest.raises(credit.ValidationError):
            m.allocate(weights)
        return
    parts = m.allocate(weights)
    assert sum((p.amount for p in parts), Decimal(0)) == m.amount
