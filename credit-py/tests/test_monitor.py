"""Aging, KPIs and goals from Python: the book of credit-core/tests/monitor.rs,
worked by hand there; Decimal by default, floats on request."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

import credit

POLICY = {
    "schema_version": 1, "policy_id": "mon", "steps": [],
    "weights": {k: "1" for k in ("open_orders", "delivered_not_invoiced", "open_receivables", "disputed", "special_liabilities")},
    "monitoring": {"goals": [
        {"name": "DSO under 45", "kpi": "dso", "target": "45", "direction": "at_most", "tolerance": "10", "period": "month"},
        {"name": "CEI over 25", "kpi": "cei", "target": "25", "direction": "at_least", "tolerance": "5", "period": "month"},
    ]},
}

EVENTS = [
    ("b1", "C2", "2025-10-01", "invoiced", {"invoice_id": "B1", "amount": "600.00", "due_date": "2025-10-31"}),
    ("a1", "C1", "2026-01-05", "invoiced", {"invoice_id": "A1", "amount": "1000.00", "due_date": "2026-02-04"}),
    ("a2", "C1", "2026-01-20", "invoiced", {"invoice_id": "A2", "amount": "2000.00", "due_date": "2026-02-19"}),
    ("b2", "C2", "2026-02-01", "invoiced", {"invoice_id": "B2", "amount": "400.00", "due_date": "2026-03-03"}),
    ("a3", "C1", "2026-02-10", "invoiced", {"invoice_id": "A3", "amount": "1500.00", "due_date": "2026-03-12"}),
    ("p1", "C1", "2026-02-14", "payment", {"amount": "1000.00"}),
    ("w1", "C2", "2026-02-20", "write_off", {"invoice_id": "B1", "amount": "100.00"}),
    ("x2", "C1", "2026-02-25", "dispute_opened", {"invoice_id": "A2", "amount": "500.00"}),
]


def book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "collector": "ann", "risk_class": "B"}, date(2025, 1, 1))
    b.upsert_customer({"id": "C2", "name": "Bolt", "currency": "EUR", "collector": "bob"}, date(2025, 1, 1))
    b.set_limit({"customer": "C1", "limit": {"amount": "10000.00", "currency": "EUR"}}, date(2025, 1, 1))
    b.apply_all([{"id": i, "customer": c, "date": d, "type": t, "currency": "EUR", **f} for i, c, d, t, f in EVENTS])
    return b


def test_aging_frame() -> None:
    b = book()
    a = b.aging(date(2026, 2, 28), currency="EUR")
    assert list(a.columns) == ["key", "currency", "current", "1-30", "31-60", "61-90", "91+", "disputed", "total", "items"]
    row = a.iloc[0]
    assert (row["current"], row["1-30"], row["91+"], row["disputed"], row["total"]) == (
        Decimal("1900.00"), Decimal("1500.00"), Decimal("500.00"), Decimal("500.00"), Decimal("4400.00"))
    by = b.aging(date(2026, 2, 28), group_by="collector", currency="EUR")
    assert list(by["key"]) == ["ann", "bob"] and sum(by["total"]) == Decimal("4400.00")
    f = b.aging(date(2026, 2, 28), currency="EUR", floats=True)
    assert f.loc[0, "total"] == 4400.0 and isinstance(f.loc[0, "total"], float)
    # Grouping by currency needs no report currency; other groupings do.
    assert b.aging(date(2026, 2, 28), group_by="currency").loc[0, "key"] == "EUR"
    with pytest.raises(credit.ValidationError, match="currency"):
        b.aging(date(2026, 2, 28), group_by="customer")
    with pytest.raises(credit.ValidationError, match="group_by"):
        b.aging(date(2026, 2, 28), group_by="planet", currency="EUR")


def test_kpis_and_goals() -> None:
    b = book()
    k = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR")
    t = k.loc["total"]
    assert (t["dso"], t["countback_dso"], t["cei"]) == (Decimal("64.84"), Decimal("53.83"), Decimal("30.56"))
    assert (t["average_days_to_pay"], t["average_days_beyond_terms"]) == (Decimal("40"), Decimal("10"))
    assert t["promises_kept"] is None
    kf = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR", floats=True)
    assert math.isnan(kf.loc["total", "promises_kept"]) and kf.loc["total", "dso"] == pytest.approx(64.84)
    per = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR", group_by="customer")
    assert list(per.index) == ["C1", "C2"]
    # Collectors' results: ann collected the 1000 of 02-14; her DSO 65.33.
    col = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR", group_by="collector")
    assert (col.loc["ann", "collected"], col.loc["ann", "dso"]) == (Decimal("1000.00"), Decimal("65.33"))
    g = b.goals(date(2026, 2, 28), "EUR")
    assert list(g["status"]) == ["missed", "met"]
    assert g.loc[0, "gap"] == Decimal("19.84") and g.loc[0, "trend"][0] == Decimal("37.20")


def test_alerts_raised_once_and_cleared() -> None:
    policy = {**POLICY, "monitoring": {**POLICY["monitoring"], "alerts": {"utilisation_above": "30", "overdue_days_above": 30}}}
    b = credit.CreditBook(policy)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "collector": "ann"}, date(2025, 1, 1))
    b.upsert_customer({"id": "C2", "name": "Bolt", "currency": "EUR", "collector": "bob"}, date(2025, 1, 1))
    b.set_limit({"customer": "C1", "limit": {"amount": "10000.00", "currency": "EUR"}}, date(2025, 1, 1))
    b.apply_all([{"id": i, "customer": c, "date": d, "type": t, "currency": "EUR", **f} for i, c, d, t, f in EVENTS])
    r1 = b.alerts(date(2026, 2, 28))
    # C1 at 35 % of its limit; B1 120 days past due.
    assert [(a["code"], a["customer"], a["subject"]) for a in r1.raised] == [
        ("UTILISATION_HIGH", "C1", "default"), ("ITEM_OVERDUE", "C2", "B1")]
    frame = r1.to_frame()
    assert list(frame["new"]) == [True, True] and frame.loc[0, "raised_on"] == date(2026, 2, 28)
    r2 = b.alerts(date(2026, 3, 1), previous=r1)
    assert r2.raised == [] and len(r2.active) == 2
    b.apply({"id": "p2", "customer": "C1", "date": "2026-03-02", "type": "payment", "amount": "1000.00", "currency": "EUR"})
    r3 = b.alerts(date(2026, 3, 2), previous=r2)
    assert [a["code"] for a in r3.cleared] == ["UTILISATION_HIGH"]
    import pickle
    assert pickle.loads(pickle.dumps(r3)) == r3


def test_a_broken_plan_raises_plan_broken() -> None:
    policy = {"schema_version": 1, "policy_id": "a", "steps": [], "monitoring": {"alerts": {"broken_plan": True}}}
    b = credit.CreditBook(policy)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, date(2026, 1, 1))
    # 300 in three monthly installments from 02-01, broken at the first one missed.
    plan = credit.PaymentPlan({"currency": "EUR", "principal": "300.00", "start": date(2026, 1, 1), "frequency": "monthly",
                               "installments": 3, "method": "annuity", "annual_rate": "0",
                               "broken": {"missed_installments": 1}, "invoices": ["I1"]})
    assert b.alerts(date(2026, 2, 1), plans=[("C1", plan)]).raised == []
    r = b.alerts(date(2026, 3, 15), plans=[("C1", plan)])
    assert [(a["code"], a["customer"], a["subject"]) for a in r.raised] == [("PLAN_BROKEN", "C1", "I1")]
    assert b.alerts(date(2026, 3, 15)).raised == []


def test_kpi_series_in_one_pass() -> None:
    b = book()
    s = b.kpi_series(date(2026, 1, 1), [date(2026, 1, 31), date(2026, 2, 28)], "EUR")
    assert list(s["to"]) == [date(2026, 1, 31), date(2026, 2, 28)]
    # January 3600 / 3000 x 31 = 37.20; February as computed alone, 64.84.
    assert list(s["dso"]) == [Decimal("37.20"), Decimal("64.84")]
    with pytest.raises(credit.ValidationError, match="ends"):
        b.kpi_series(date(2026, 3, 1), [date(2026, 1, 31)], "EUR")
