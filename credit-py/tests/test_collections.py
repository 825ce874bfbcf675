"""Payment plans, late interest, dunning and the worklist from Python: the
shared plan cases, DataFrames, pickling, floats refused, and a dunning run
issued back into the book."""

from __future__ import annotations

import json
import pickle
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

import credit
from conftest import ROOT


def d(s: str) -> date:
    return date.fromisoformat(s)


def test_shared_plan_cases() -> None:
    plan = None
    cases = 0
    for raw in (ROOT / "tests/conformance/plan_cases.txt").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        op, _, rest = line.partition(" ")
        f = rest.split()
        if op == "terms":
            plan = credit.PaymentPlan(json.loads(rest))
        elif op == "count":
            assert len(plan.schedule_rows()) == int(f[0])
        elif op == "row":
            r = next(x for x in plan.schedule_rows() if x["number"] == int(f[0]))
            assert (r["due_date"], r["principal"], r["interest"], r["fee"], r["total"]) == (
                d(f[1]), Decimal(f[2]), Decimal(f[3]), Decimal(f[4]), Decimal(f[5]))
            assert str(r["total"]) == f[5]
        elif op == "interest":
            assert plan.evaluate()["total_interest"] == Decimal(f[0])
        elif op == "pay":
            plan.apply_payment(d(f[0]), Decimal(f[1]))
        elif op == "status":
            s = plan.status(d(f[0]))
            assert (s["outstanding"], s["overdue"], s["paid"], s["missed"]) == (
                Decimal(f[1]), Decimal(f[2]), Decimal(f[3]), int(f[4])), line
            assert s["status"]["status"] == f[5]
        elif op == "payoff":
            assert plan.payoff(d(f[0]))["total"] == Decimal(f[1])
        elif op == "end":
            cases += 1
    assert cases == 13


TERMS = {"currency": "EUR", "principal": "10000.00", "start": date(2026, 1, 1), "frequency": "monthly",
         "installments": 12, "method": "annuity", "annual_rate": Decimal("12")}


def test_schedule_frame_pickle_and_errors() -> None:
    p = credit.PaymentPlan(TERMS)
    df = p.schedule()
    assert isinstance(df, pd.DataFrame) and len(df) == 12
    assert df["principal"].sum() == Decimal("10000.00")
    assert df.loc[0, "total"] == Decimal("888.49") and df.loc[0, "due_date"] == date(2026, 2, 1)
    p.apply_payment(date(2026, 2, 1), "888.49")
    again = pickle.loads(pickle.dumps(p))
    assert again == p and again.status(date(2026, 2, 1))["paid"] == Decimal("888.49")
    ev = p.evaluate()
    assert ev["total_interest"] == Decimal("661.86") and 0.12 < ev["effective_annual_rate"] < 0.13
    with pytest.raises(credit.InvalidTypeError):
        p.apply_payment(date(2026, 3, 1), 100.0)
    with pytest.raises(credit.InvalidTypeError):
        credit.PaymentPlan({**TERMS, "principal": 10000.0})
    with pytest.raises(credit.ValidationError, match="principal"):
        credit.PaymentPlan({**TERMS, "principal": "-5"})
    with pytest.raises(credit.ValidationError, match="positive"):
        p.apply_payment(date(2026, 3, 1), Decimal("-1"))
    # Proposal: at most 300 a month on 1000 at 12 %: four installments.
    prop = credit.PaymentPlan.propose(TERMS, Decimal("1000.00"), max_installment=Decimal("300.00"))
    assert [r["total"] for r in prop.schedule_rows()] == [Decimal("300.00")] * 3 + [Decimal("122.48")]
    # Rescheduled on 02-15: what is owed that day, 9211.51 principal plus
    # interest accrued since 02-01 (9211.51 x 12 % x 14/365 = 42.40).
    owed = p.payoff(date(2026, 2, 15))
    nxt = p.reschedule(date(2026, 2, 15), {**TERMS, "installments": 6})
    assert (owed["principal"], owed["accrued_interest"]) == (Decimal("9211.51"), Decimal("42.40"))
    assert nxt.terms["principal"] == Decimal("9253.91")
    assert p.status(date(2026, 2, 16))["status"]["status"] == "rescheduled"


def test_late_interest_and_compensation() -> None:
    # 10000 due 2024-06-10, 4000 paid 06-30, rest 07-20; base rate 3.62 %
    # then 3.37 %, + 9 points: 69.1507 + 40.6685 = 109.8192 -> 109.82.
    policy = {"basis": {"reference": {"series": [{"from": "2024-01-01", "rate": "3.62"},
                                                  {"from": "2024-07-01", "rate": "3.37"}],
                                       "margin": "9", "fixing": "semi_annual"}}}
    r = credit.late_interest(policy, date(2024, 6, 10), Decimal("10000.00"), date(2024, 12, 31), "EUR",
                             payments=[(date(2024, 6, 30), Decimal("4000.00")), (date(2024, 7, 20), "6000.00")])
    assert r["total"] == Decimal("109.82")
    assert [p["rate"] for p in r["periods"]] == [Decimal("12.62"), Decimal("12.37")]
    assert r["periods"][1]["from"] == date(2024, 7, 1)
    with pytest.raises(credit.InvalidTypeError):
        credit.late_interest(policy, date(2024, 6, 10), 10000.0, date(2024, 12, 31), "EUR")
    # Issue 14: one exact product, divided once — 54.75 × 10 % × 1/365 =
    # 0.015 exactly -> 0.02 (0.01 with the year fraction divided first);
    # Act/Act ISDA counts the accrual day 2028-01-01 in 2028: 36600 × 0.10
    # / 366 = 10.00 (10.03 in 2027's 365 days).
    fixed = {"basis": {"fixed": "10"}}
    assert credit.late_interest(fixed, date(2026, 3, 1), Decimal("54.75"), date(2026, 3, 2), "EUR")["total"] == Decimal("0.02")
    act = dict(fixed, day_count="act_act_isda")
    assert credit.late_interest(act, date(2027, 12, 31), Decimal("36600.00"), date(2028, 1, 1), "EUR")["total"] == Decimal("10.00")
    # A negative principal, a negative payment and a EUR amount with three
    # decimals are refused, naming the field (silently 0, a larger debt
    # and an unrounded figure before).
    with pytest.raises(credit.ValidationError, match="amount"):
        credit.late_interest(fixed, date(2026, 3, 1), Decimal("-54.75"), date(2026, 3, 9), "EUR")
    with pytest.raises(credit.ValidationError, match="decimals"):
        credit.late_interest(fixed, date(2026, 3, 1), Decimal("54.755"), date(2026, 3, 9), "EUR")
    with pytest.raises(credit.ValidationError, match=r"payments\[0\]"):
        credit.late_interest(fixed, date(2026, 3, 1), Decimal("54.75"), date(2026, 3, 9), "EUR",
                             payments=[(date(2026, 3, 5), Decimal("-1.00"))])
    uk = [{"min_amount": "0", "amount": "40"}, {"min_amount": "1000", "amount": "70"},
          {"min_amount": "10000", "amount": "100"}]
    assert credit.compensation(uk, Decimal("999.99")) == Decimal("40")
    assert credit.compensation(uk, "10000") == Decimal("100")


POLICY = {
    "schema_version": 1, "policy_id": "dun", "steps": [],
    "dunning": {
        "grace_days": 3,
        "levels": [
            {"level": 1, "min_days_overdue": 7},
            {"level": 2, "min_days_overdue": 21, "fee": "5.00", "charge_interest": True, "min_interval_days": 10},
        ],
        "interest": {"basis": {"fixed": "8"}},
        "compensation": [{"min_amount": "0", "amount": "40.00"}],
    },
}


def test_dunning_run_issue_and_worklist() -> None:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "collector": "ann"}, date(2026, 1, 1))
    b.apply_all([
        {"id": "i1", "customer": "C1", "date": "2026-01-01", "type": "invoiced", "invoice_id": "I1",
         "amount": "1000.00", "currency": "EUR", "due_date": "2026-01-31"},
        {"id": "p1", "customer": "C1", "date": "2026-02-10", "type": "payment", "amount": "400.00",
         "currency": "EUR"},
    ])
    run = b.dunning_run(date(2026, 2, 10))
    n = run.notices[0]
    # 600 open, 10 days late: level 1, compensation 40.
    assert (n["level"], n["amount"], n["compensation"], n["total"]) == (1, Decimal("600.00"), Decimal("40.00"), Decimal("640.00"))
    frame = run.to_frame()
    assert frame.loc[0, "invoice_id"] == "I1" and frame.loc[0, "days_overdue"] == 10
    assert pickle.loads(pickle.dumps(run)) == run
    assert b.apply_all(run.events()) == ["applied", "applied"]
    # 02-25, level 2: interest 1000 × .08 × 10/365 + 600 × .08 × 15/365 = 4.16.
    run2 = b.dunning_run(date(2026, 2, 25))
    i1 = next(x for x in run2.notices[0]["lines"] if x["invoice_id"] == "I1")
    assert (i1["level"], i1["interest"]) == (2, Decimal("4.16"))
    w = b.worklist(date(2026, 2, 25), "EUR")
    assert list(w.columns)[:2] == ["collector", "customer"]
    assert w.loc[0, "overdue"] == Decimal("640.00")
    assert (w.loc[0, "next_action"], w.loc[0, "notice_level"]) == ("notice", 2)
    b.apply({"id": "pr", "customer": "C1", "date": "2026-02-26", "type": "promise_to_pay", "amount": "100.00",
             "currency": "EUR", "promised_date": "2026-03-01"})
    assert b.promises("C1", date(2026, 3, 2))[0]["state"] == "broken"
    # A plan over I1 keeps it out of the run while current.
    plan = credit.PaymentPlan({"currency": "EUR", "principal": "600.00", "start": date(2026, 2, 25),
                               "frequency": "monthly", "installments": 3, "method": "equal_split",
                               "invoices": ["I1"]})
    run3 = b.dunning_run(date(2026, 3, 10), plans=[plan])
    assert any(e["reason"] == "payment_plan" for e in run3.excluded)
    with pytest.raises(credit.ValidationError, match="dunning"):
        credit.CreditBook({"schema_version": 1, "policy_id": "x", "steps": []}).dunning_run(date(2026, 1, 1))


def test_plan_performance() -> None:
    def plan(start: date) -> credit.PaymentPlan:
        return credit.PaymentPlan({"currency": "EUR", "principal": "100.00", "start": start, "frequency": "monthly",
                                   "installments": 2, "method": "equal_split", "broken": {"days_late": 30}})
    # As of 03-10: not yet due, 9 days late, 37 days late (broken).
    r = credit.plan_performance([plan(date(2026, 3, 1)), plan(date(2026, 2, 1)), plan(date(2026, 1, 1))], date(2026, 3, 10))
    assert (r["current"], r["late"], r["broken"]) == (1, 1, 1)
    assert r["percent_current"]["value"] == Decimal("33.33")


def test_amounts_past_the_decimal_range_raise_a_credit_error_not_a_panic() -> None:
    """Issue 14: a 28-digit principal and a payment of 1e27 raised
    ``pyo3_runtime.PanicException`` (a ``BaseException``); each is now an
    ``ArithmeticOverflow`` or a ``ValidationError`` (both ``CreditError``)."""
    with pytest.raises(credit.CreditError) as big:
        credit.PaymentPlan({**TERMS, "principal": "9999999999999999999999999999"})
    assert isinstance(big.value, (credit.ArithmeticOverflow, credit.ValidationError))
    p = credit.PaymentPlan(TERMS)
    with pytest.raises(credit.CreditError):
        p.apply_payment(date(2026, 2, 1), Decimal("1e27"))
    # The plan is unchanged by the refused payment.
    assert p.status(date(2026, 2, 1))["paid"] == Decimal("0")
