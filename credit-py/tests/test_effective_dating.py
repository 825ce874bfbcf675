"""Effective-dated master data from Python (issue 13, item 7): limits,
customer data and FX rates are versions by valid-from date, every as-of view
and check reads the version in force on its date, and a new version never
changes an earlier date (the cases of ``credit-core/tests/effective_dating.rs``,
worked by hand in the comments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import credit

POLICY = {
    "schema_version": 1,
    "policy_id": "dated",
    "blocked_risk_classes": ["E"],
    "steps": [
        {"step": "customer_blocked", "action": "block"},
        {"step": "risk_class_blocked", "action": "block"},
        {"step": "static_limit", "action": "block"},
        {"step": "group_limit", "action": "block"},
    ],
}
D0 = date(2026, 1, 1)


def book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "1000.00", "currency": "EUR"}}, D0)
    return b


def codes(b: credit.CreditBook, customer: str, amount: str, on: date) -> list[str]:
    d = b.simulate_check(customer, "O1", Decimal(amount), "EUR", as_of=on)
    return [r.code for r in d.reasons]


def test_a_limit_version_is_in_force_from_its_date() -> None:
    b = book()
    b.set_limit(
        {"customer": "C1", "limit": {"amount": "5000.00", "currency": "EUR"}, "valid_from": "2026-04-01"},
        date(2026, 4, 1),
    )
    assert b.exposure("C1", date(2026, 3, 31))["limit"] == Decimal("1000.00")
    assert b.exposure("C1", date(2026, 4, 1))["limit"] == Decimal("5000.00")
    # 3000 is above 1000 in March, within 5000 in April.
    assert codes(b, "C1", "3000.00", date(2026, 3, 31)) == ["STATIC_LIMIT_EXCEEDED"]
    assert codes(b, "C1", "3000.00", date(2026, 4, 1)) == []
    history = b.limit_history("C1")
    assert [h.get("valid_from") for h in history] == [None, date(2026, 4, 1)]
    assert history[1]["limit"] == {"amount": Decimal("5000.00"), "currency": "EUR"}


def test_customer_master_data_as_it_stood() -> None:
    b = book()
    b.upsert_customer(
        {"id": "C1", "name": "Acme", "currency": "EUR", "risk_class": "E",
         "collector": "ana", "valid_from": "2026-05-01"},
        date(2026, 5, 1),
    )
    assert codes(b, "C1", "10.00", date(2026, 4, 30)) == []
    assert codes(b, "C1", "10.00", date(2026, 5, 1)) == ["RISK_CLASS_BLOCKED"]
    april = b.customer("C1", on=date(2026, 4, 30))
    assert april is not None and april["collector"] is None and "valid_from" not in april
    latest = b.customer("C1")
    assert latest is not None and (latest["collector"], latest["valid_from"]) == ("ana", date(2026, 5, 1))
    assert len(b.customer_history("C1")) == 2
    assert b.customer("nobody") is None
    # Another credit currency in a version: refused, naming the field.
    with pytest.raises(credit.ValidationError, match="currency"):
        b.upsert_customer({"id": "C1", "name": "Acme", "currency": "USD", "valid_from": "2026-06-01"},
                          date(2026, 6, 1))
    assert len(b.customer_history("C1")) == 2


def test_a_group_is_its_members_on_the_date() -> None:
    b = book()
    b.upsert_customer({"id": "C2", "name": "Sub", "currency": "EUR"}, D0)
    b.upsert_customer({"id": "C2", "name": "Sub", "currency": "EUR", "parent": "C1",
                       "valid_from": "2026-03-01"}, date(2026, 3, 1))
    b.set_limit({"customer": "C2", "limit": {"amount": "5000.00", "currency": "EUR"}}, D0)
    b.set_group_limit({"customer": "C1", "limit": {"amount": "1500.00", "currency": "EUR"}}, D0)
    b.apply({"id": "o1", "customer": "C1", "date": "2026-01-05", "type": "order_placed",
             "order_id": "P1", "amount": "900.00", "currency": "EUR"})
    # From 03-01 the group holds 900 + 1000 = 1900 > 1500.
    assert codes(b, "C2", "1000.00", date(2026, 2, 28)) == []
    assert codes(b, "C2", "1000.00", date(2026, 3, 1)) == ["GROUP_LIMIT_EXCEEDED"]
    members = [m["customer"] for m in b.group_exposure("C1", date(2026, 2, 28))["members"]]
    assert members == ["C1"]


def test_fx_rates_by_date() -> None:
    b = book()
    b.set_fx_rate("USD", "EUR", Decimal("0.90"))
    b.set_fx_rate("USD", "EUR", Decimal("0.80"), valid_from=date(2026, 3, 1))
    b.apply({"id": "i1", "customer": "C1", "date": "2026-02-01", "type": "invoiced", "invoice_id": "I1",
             "amount": "1000.00", "currency": "USD", "due_date": "2026-06-01"})
    # 1000 USD at 0.90 until 02-28, at 0.80 from 03-01.
    assert b.exposure("C1", date(2026, 2, 28))["figures"]["receivables"] == Decimal("900.00")
    assert b.exposure("C1", date(2026, 3, 1))["figures"]["receivables"] == Decimal("800.00")
    restored = credit.CreditBook.restore(b.snapshot())
    for on in (date(2026, 2, 28), date(2026, 3, 1)):
        assert restored.exposure("C1", on) == b.exposure("C1", on)
    with pytest.raises(credit.ValidationError):
        b.set_fx_rate("USD", "EUR", Decimal("0"), valid_from=date(2026, 4, 1))
