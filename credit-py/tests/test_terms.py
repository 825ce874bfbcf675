"""Payment terms, schedules and settlements from Python."""

from __future__ import annotations

import json
import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import credit
from credit import Calendar, Money, PaymentTerms


def test_parse_display_repr():
    t = PaymentTerms.parse("2/10 net 30")
    assert repr(t) == "PaymentTerms('2/10 Net 30')"
    assert str(t) == "2/10 Net 30"
    assert PaymentTerms("2/10, 1/20, NET 45") == PaymentTerms.parse("2/10 1/20 Net 45")
    assert str(PaymentTerms("net 30 eom")) == "Net 30 EOM"
    assert str(PaymentTerms("1/10 EOM Net 30")) == "1/10 EOM, Net 30 EOM"
    assert PaymentTerms("Day 1-25: 10 Prox; Day 26-31: Day 10 of month +2").line_count == 2


def test_schedule_with_tiers():
    t = PaymentTerms("2/10, 1/20, Net 45")
    s = t.schedule(date(2026, 3, 1), Decimal("1234.56"), "EUR")
    assert s.net_due_date == date(2026, 4, 15)
    assert [i.amount for i in s.installments] == [Money("1234.56", "EUR")]
    d1, d2 = s.discounts
    assert (d1.percent, d1.deadline, d1.amount.amount, d1.amount_to_settle.amount) == (
        Decimal("2"), date(2026, 3, 11), Decimal("24.69"), Decimal("1209.87"))
    assert (d2.deadline, d2.amount.amount) == (date(2026, 3, 21), Decimal("12.35"))
    on_deadline = s.settlement(date(2026, 3, 11))
    assert on_deadline.discount_percent == Decimal("2") and on_deadline.amount_to_settle == Money("1209.87", "EUR")
    late = s.settlement(date(2026, 4, 20))
    assert (late.discount_percent, late.discount.amount, late.days_late) == (None, Decimal("0.00"), 5)
    assert s.days_late(date(2026, 4, 15)) == 0


def test_settlement_straight_from_the_terms():
    t = PaymentTerms("2/10 Net 30")
    st = t.settlement(date(2026, 2, 10), date(2026, 1, 31), Decimal("1000.00"), "EUR")
    assert (st.discount_percent, st.amount_to_settle, st.days_late) == (Decimal("2"), Money("980.00", "EUR"), 0)
    st = t.settlement(date(2026, 3, 5), date(2026, 1, 31), Money("1000.00", "EUR"))
    assert (st.discount.amount, st.amount_to_settle.amount, st.days_late) == (Decimal("0.00"), Decimal("1000.00"), 3)
    with pytest.raises(TypeError, match="payment_date"):
        t.settlement("2026-03-05", date(2026, 1, 31), Money("1000.00", "EUR"))  # type: ignore[arg-type]


def test_schedule_options():
    t = PaymentTerms("2/10 Net 30")
    # Tax excluded from the discount base: 2 % of 1000.00, not of 1190.00.
    s = t.schedule(date(2026, 6, 1), Money("1190.00", "EUR"), discount_base=Decimal("1000.00"))
    assert s.discounts[0].amount == Money("20.00", "EUR") and s.discount_base == Money("1000.00", "EUR")
    # Baseline = delivery date.
    s = PaymentTerms("Net 30").schedule(date(2026, 1, 31), "10.00", "EUR", baseline=date(2026, 2, 10))
    assert (s.invoice_date, s.baseline, s.net_due_date) == (date(2026, 1, 31), date(2026, 2, 10), date(2026, 3, 12))
    # Business-day adjustment: net 2026-01-31 is a Saturday.
    cal = Calendar()
    assert t.schedule(date(2026, 1, 1), "10.00", "EUR", calendar=cal).net_due_date == date(2026, 2, 2)
    s = t.schedule(date(2026, 1, 1), "10.00", "EUR", calendar=cal, convention="modified_following")
    assert s.net_due_date == date(2026, 1, 30)
    # Rounding of the discount: 2 % of 0.25 EUR = 0.005.
    assert t.schedule(date(2026, 1, 1), "0.25", "EUR").discounts[0].amount.amount == Decimal("0.00")
    assert t.schedule(date(2026, 1, 1), "0.25", "EUR", rounding="half_up").discounts[0].amount.amount == Decimal("0.01")


def test_host_currency_not_built_in():
    xpt = credit.Currency.custom("XPT", 4)
    s = PaymentTerms("2/10 Net 30").schedule(date(2026, 3, 1), Money("10.0125", xpt))
    # 2 % of 10.0125 = 0.20025 -> 0.2002 (half-even at 4 decimals).
    assert s.discounts[0].amount == Money("0.2002", xpt)
    assert s.discounts[0].amount_to_settle.amount == Decimal("9.8123")


def test_installments_sum_exactly():
    s = PaymentTerms("30% due on receipt, 70% net 60").schedule(date(2026, 1, 1), "100.01", "EUR")
    assert [(i.number, i.due_date, i.amount.amount) for i in s.installments] == [
        (1, date(2026, 1, 1), Decimal("30.00")),
        (2, date(2026, 3, 2), Decimal("70.01")),
    ]
    assert s.settlement(date(2026, 2, 1)).installments_overdue == 1


def test_errors():
    with pytest.raises(credit.ParseError) as e:
        PaymentTerms("2/10 Nett 30")
    assert (e.value.position, e.value.found) == (5, '"nett"')
    assert "'Net'" in e.value.expected
    assert isinstance(e.value, ValueError) and isinstance(e.value, credit.CreditError)
    with pytest.raises(credit.ValidationError, match="falls after"):
        PaymentTerms("2/40 Net 30")
    with pytest.raises(credit.ValidationError, match="99.99"):
        PaymentTerms("33.33% Net 30, 33.33% Net 60, 33.33% Net 90")
    t = PaymentTerms("Net 30")
    with pytest.raises(TypeError, match="Decimal"):
        t.schedule(date(2026, 1, 1), 100.0, "EUR")
    with pytest.raises(credit.UnknownCurrency):
        t.schedule(date(2026, 1, 1), "100.00", "EURO")
    with pytest.raises(credit.ValidationError, match="negative"):
        t.schedule(date(2026, 1, 1), "-1.00", "EUR")
    with pytest.raises(credit.CurrencyMismatch):
        t.schedule(date(2026, 1, 1), Money("1", "EUR"), "USD")
    with pytest.raises(credit.CurrencyMismatch):
        t.schedule(date(2026, 1, 1), Money("1", "EUR"), discount_base=Money("1", "USD"))
    with pytest.raises(TypeError, match="currency"):
        t.schedule(date(2026, 1, 1), "100.00")
    with pytest.raises(TypeError, match="datetime.date"):
        t.schedule("2026-01-01", "100.00", "EUR")  # type: ignore[arg-type]


def test_json_and_pickle_round_trip():
    t = PaymentTerms("Day 1-15: 2/10, 1/20, Net 45; Day 16-31: 1.5/10 EOM, Net 30 EOM")
    assert PaymentTerms.from_json(t.to_json()) == t
    doc = json.loads(t.to_json())
    assert doc["lines"][1]["body"]["discounts"][0]["percent"] == "1.5"
    assert pickle.loads(pickle.dumps(t)) == t and hash(pickle.loads(pickle.dumps(t))) == hash(t)
    s = t.schedule(date(2026, 1, 10), "99.99", "EUR")
    assert pickle.loads(pickle.dumps(s)) == s
    assert credit.Schedule.from_json(s.to_json()) == s
    st_ = s.settlement(date(2026, 1, 15))
    assert pickle.loads(pickle.dumps(st_)) == st_
    assert pickle.loads(pickle.dumps(s.discounts[0])) == s.discounts[0]
    assert pickle.loads(pickle.dumps(s.installments[0])) == s.installments[0]
    with pytest.raises(credit.ParseError, match="total 60"):
        PaymentTerms.from_json(
            '{"lines":[{"up_to_day":31,"body":{"type":"installments",'
            '"installments":[{"percent":"60","due":{"rule":"on_receipt"}}]}}]}'
        )


_RULES = ["0", "10", "30", "45", "10 EOM", "30 EOM", "45 then EOM", "10 Prox", "25 Prox"]


@given(
    net=st.sampled_from(_RULES),
    days=st.integers(min_value=0, max_value=3000),
    cents=st.integers(min_value=0, max_value=10**12),
)
def test_due_dates_never_before_the_invoice(net, days, cents):
    t = PaymentTerms("Net " + net)
    invoice = date(2024, 1, 1).fromordinal(date(2024, 1, 1).toordinal() + days)
    s = t.schedule(invoice, Decimal(cents).scaleb(-2), "EUR")
    assert s.net_due_date >= invoice
    assert PaymentTerms(str(t)) == t


@given(st.text(max_size=40))
def test_parser_never_crashes(text):
    try:
        PaymentTerms(text)
    except credit.CreditError:
        pass


def test_baseline_end_of_month_and_cutoff_day_round_trip_and_are_reported():
    """Issue 14: '(baseline end of month, cut-off day 25)' in the notation
    and JSON; an invoice dated the 26th counts as February's, so the
    schedule's baseline is 28 February and Net 30 falls on 30 March."""
    t = PaymentTerms.parse("net 30 (cut-off day 25, baseline end of month)")
    assert str(t) == "Net 30 (baseline end of month, cut-off day 25)"
    doc = json.loads(t.to_json())
    assert (doc["baseline"], doc["eom_cutoff_day"]) == ("end_of_month", 25)
    assert PaymentTerms.from_json(t.to_json()) == t
    s = t.schedule(date(2026, 1, 26), Money("100.00", "EUR"))
    assert (s.baseline, s.net_due_date) == (date(2026, 2, 28), date(2026, 3, 30))
    # On the cut-off day itself, still January's.
    s = t.schedule(date(2026, 1, 25), Money("100.00", "EUR"))
    assert (s.baseline, s.net_due_date) == (date(2026, 1, 31), date(2026, 3, 2))
    with pytest.raises(credit.ValidationError, match="eom_cutoff_day"):
        PaymentTerms.parse("Net 30 (cut-off day 31)")
