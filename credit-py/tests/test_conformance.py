"""Cross-surface conformance: tests/conformance/terms_cases.json must pass
here exactly as in the Rust and C tests."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import credit
from credit import Calendar, Money, PaymentTerms

from conftest import ROOT

CASES = json.loads((ROOT / "tests" / "conformance" / "terms_cases.json").read_text())["cases"]


def _d(s: str) -> date:
    return date.fromisoformat(s)


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    if case["error"]:
        expected = credit.ParseError if case["error"] == "parse" else credit.ValidationError
        with pytest.raises(expected) as e:
            PaymentTerms(case["terms"])
        if case["error"] == "validation":
            assert not isinstance(e.value, credit.ParseError)
        return
    t = PaymentTerms(case["terms"])
    assert str(t) == case["display"]
    kwargs: dict = {}
    if case["baseline"]:
        kwargs["baseline"] = _d(case["baseline"])
    if case["discount_base"]:
        kwargs["discount_base"] = Decimal(case["discount_base"])
    if case["adjust"]:
        holidays = [_d(h) for h in case["holidays"].split(",") if h]
        kwargs["calendar"] = Calendar(holidays=holidays)
        kwargs["convention"] = case["adjust"]
    s = t.schedule(_d(case["invoice_date"]), Decimal(case["amount"]), case["currency"], **kwargs)
    inst = ";".join(f"{i.due_date.isoformat()} {i.amount.amount}" for i in s.installments)
    assert inst == case["installments"]
    disc = ";".join(
        f"{d.percent} {d.deadline.isoformat()} {d.amount.amount} {d.amount_to_settle.amount}" for d in s.discounts
    )
    assert disc == case["discounts"]
    for spec in filter(None, case["settlements"].split(";")):
        pay = spec.split(" ")[0]
        st = s.settlement(_d(pay))
        assert f"{pay} {st.discount.amount} {st.amount_to_settle.amount} {st.days_late}" == spec
    assert sum((i.amount for i in s.installments), Money(0, case["currency"])) == s.amount
