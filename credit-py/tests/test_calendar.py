"""Calendars and day counts from Python."""

from __future__ import annotations

import pickle
from datetime import date, datetime
from decimal import Decimal

import pytest

import credit
from credit import Calendar


def test_adjust_and_add_business_days():
    cal = Calendar(holidays=[date(2026, 12, 25), date(2027, 1, 1)])
    # Saturday 2026-10-31.
    assert cal.adjust(date(2026, 10, 31)) == date(2026, 11, 2)
    assert cal.adjust(date(2026, 10, 31), "modified_following") == date(2026, 10, 30)
    assert cal.adjust(date(2026, 10, 31), "preceding") == date(2026, 10, 30)
    assert cal.adjust(date(2026, 8, 1), "modified_preceding") == date(2026, 8, 3)
    assert cal.adjust(date(2026, 10, 31), "unadjusted") == date(2026, 10, 31)
    # Thu 2026-12-24 + 1 skips Christmas (Fri) and the weekend.
    assert cal.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert cal.add_business_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert cal.business_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 4
    assert not cal.is_business_day(date(2027, 1, 1))
    assert cal.weekend == ["Sat", "Sun"]
    assert cal.holidays == [date(2026, 12, 25), date(2027, 1, 1)]


def test_gulf_weekend_and_errors():
    gulf = Calendar(weekend=["Fri", "Sat"])
    assert gulf.add_business_days(date(2026, 11, 26), 1) == date(2026, 11, 29)
    with pytest.raises(credit.ValidationError):
        Calendar(weekend=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    with pytest.raises(credit.ValidationError, match="Funday"):
        Calendar(weekend=["Funday"])
    with pytest.raises(credit.ValidationError, match="sideways"):
        gulf.adjust(date(2026, 1, 1), "sideways")
    with pytest.raises(TypeError, match="datetime.date"):
        gulf.adjust("2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gulf.adjust(datetime(2026, 1, 1, 12, 0))
    with pytest.raises(credit.DateOutOfRange):
        Calendar(weekend=[]).add_business_days(date(9999, 12, 31), 10**9)


def test_json_and_pickle():
    cal = Calendar(weekend=["Fri", "Sat"], holidays=[date(2026, 12, 2)])
    assert cal.to_json() == '{"weekend":["Fri","Sat"],"holidays":["2026-12-02"]}'
    assert Calendar.from_json(cal.to_json()) == cal
    assert pickle.loads(pickle.dumps(cal)) == cal
    assert repr(cal) == "Calendar(weekend=['Fri', 'Sat'], holidays=[datetime.date(2026, 12, 2)])"
    with pytest.raises(credit.ParseError):
        Calendar.from_json('{"weekend": ["Sat"], "extra": 1}')


def test_year_fractions_by_hand():
    # 30/360 bond basis: 2026-01-31 -> 2026-03-31 is 60/360.
    assert credit.year_fraction("thirty360", date(2026, 1, 31), date(2026, 3, 31)) == Decimal(60) / Decimal(360)
    # 30E/360: 2026-01-15 -> 2026-03-31 is 75/360 (bond basis 76/360).
    assert credit.year_fraction("thirty_e360", date(2026, 1, 15), date(2026, 3, 31)) == Decimal(75) / Decimal(360)
    assert credit.year_fraction("thirty360", date(2026, 1, 15), date(2026, 3, 31)) == Decimal(76) / Decimal(360)
    assert credit.year_fraction("act_act_isda", date(2028, 1, 1), date(2029, 1, 1)) == Decimal(1)
    assert credit.year_fraction("act365_fixed", date(2027, 1, 1), date(2028, 1, 1)) == Decimal(1)
    assert credit.year_fraction("act360", date(2026, 1, 1), date(2026, 1, 19)) == Decimal("0.05")
    with pytest.raises(credit.ValidationError):
        credit.year_fraction("act999", date(2026, 1, 1), date(2026, 1, 2))
