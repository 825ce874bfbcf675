"""Receivables of record from Python (issue 13): cash and credit notes on
account are open credits every view nets, a ``cleared`` event applies them,
discounts survive credit notes and part payments, and every event kind
refuses an unknown field. Expected figures are worked by hand in the
comments (the same cases as ``credit-core/tests/receivables.rs``)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import credit
from conftest import ROOT

POLICY = {
    "schema_version": 1,
    "policy_id": "ar",
    "steps": [
        {"step": "oldest_overdue", "action": "block", "days": 0},
        {"step": "overdue_amount", "action": "block", "amount": "0"},
    ],
    "dunning": {"levels": [{"level": 1, "min_days_overdue": 1}]},
}
D0 = date(2026, 1, 1)


def book(**extra: object) -> credit.CreditBook:
    b = credit.CreditBook(dict(POLICY, **extra))
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "1000.00", "currency": "EUR"}}, D0)
    return b


def ev(id: str, day: str, **kind: object) -> dict[str, object]:
    return dict({"id": id, "customer": "C1", "date": day}, **kind)


def paid_on_account() -> credit.CreditBook:
    # 500 paid on account on 01-15, then an invoice of 500 due 02-01.
    b = book()
    b.apply(ev("p1", "2026-01-15", type="payment", amount="500.00", currency="EUR"))
    b.apply(ev("i1", "2026-01-20", type="invoiced", invoice_id="I1", amount="500.00",
               currency="EUR", due_date="2026-02-01"))
    return b


def test_cash_on_account_nets_in_every_view() -> None:
    b = paid_on_account()
    on = date(2026, 3, 1)
    (cr,) = b.open_credits("C1", on)
    assert (cr["credit_id"], cr["kind"], cr["open"], cr["date"]) == ("p1", "payment", Decimal("500.00"), date(2026, 1, 15))
    assert b.exposure("C1", on)["figures"]["receivables"] == Decimal("0.00")
    # The invoice 28 days past due (+500 in 1-30), the cash 45 days old
    # (-500 in 31-60); total 0.
    row = b.aging(on, currency="EUR").iloc[0]
    assert (row["1-30"], row["31-60"], row["total"]) == (Decimal("500.00"), Decimal("-500.00"), Decimal("0.00"))
    d = b.simulate_check("C1", "O-NEW", Decimal("10.00"), "EUR", as_of=on)
    assert d.outcome == "approved"
    run = b.dunning_run(on)
    assert run.notices == [] and [e["reason"] for e in run.excluded] == ["credit_on_account"]
    assert len(b.worklist(on, "EUR")) == 0
    k = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR").loc["total"]
    assert (k["receivables"], k["overdue"]) == (Decimal("0.00"), Decimal("0.00"))


def test_a_clearing_closes_both_and_its_reversal_reopens_them() -> None:
    b = paid_on_account()
    b.apply(ev("k1", "2026-03-05", type="cleared", credit_id="p1"))
    assert b.open_items("C1", date(2026, 3, 5)) == [] and b.open_credits("C1", date(2026, 3, 5)) == []
    assert b.open_items("C1", date(2026, 3, 4))[0]["open"] == Decimal("500.00")
    with pytest.raises(credit.ReversalRefused):
        b.apply(ev("r1", "2026-03-06", type="reversal", event_id="p1"))
    b.apply(ev("r2", "2026-03-06", type="reversal", event_id="k1"))
    assert b.open_credits("C1", date(2026, 3, 6))[0]["open"] == Decimal("500.00")


def test_a_credit_note_on_account_and_net_sales() -> None:
    # 400 invoiced, 150 credited on account: 250 owed; utilisation 25 %;
    # net credit sales 250, DSO 250 / 250 x 28 = 28.
    b = book()
    b.apply(ev("i1", "2026-02-02", type="invoiced", invoice_id="I1", amount="400.00",
               currency="EUR", due_date="2026-03-04"))
    b.apply(ev("c1", "2026-02-10", type="credit_note", amount="150.00", currency="EUR"))
    assert b.exposure("C1", date(2026, 2, 28))["figures"]["receivables"] == Decimal("250.00")
    k = b.kpis(date(2026, 2, 1), date(2026, 2, 28), "EUR").loc["total"]
    assert (k["receivables"], k["limit_utilisation"], k["credit_sales"], k["dso"]) == (
        Decimal("250.00"), Decimal("25.00"), Decimal("250.00"), Decimal("28.00"))


def test_discounts_survive_credit_notes_and_part_payments() -> None:
    # 1000 on 2/10; a credit note of 100 on day 1; 882 on day 4 settles it
    # (2 % of the 900 left is 18).
    b = book()
    b.apply(ev("i1", "2026-03-01", type="invoiced", invoice_id="I1", amount="1000.00",
               currency="EUR", terms="2/10 Net 30"))
    b.apply(ev("c1", "2026-03-02", type="credit_note", invoice_id="I1", amount="100.00", currency="EUR"))
    b.apply(ev("p1", "2026-03-05", type="payment", amount="882.00", currency="EUR"))
    assert b.open_items("C1", date(2026, 3, 5)) == []
    # Pro rata: 490 settles 490 / 0.98 = 500.
    b = book()
    b.apply(ev("i1", "2026-03-01", type="invoiced", invoice_id="I1", amount="1000.00",
               currency="EUR", terms="2/10 Net 30"))
    b.apply(ev("p1", "2026-03-05", type="payment", amount="490.00", currency="EUR"))
    (it,) = b.open_items("C1", date(2026, 3, 5))
    assert (it["open"], it["discount_taken"]) == (Decimal("500.00"), Decimal("10.00"))
    # All or nothing (the option): nothing earned, 510 open.
    b = book(ledger={"partial_payment_discount": "all_or_nothing"})
    b.apply(ev("i1", "2026-03-01", type="invoiced", invoice_id="I1", amount="1000.00",
               currency="EUR", terms="2/10 Net 30"))
    b.apply(ev("p1", "2026-03-05", type="payment", amount="490.00", currency="EUR"))
    assert b.open_items("C1", date(2026, 3, 5))[0]["open"] == Decimal("510.00")
    with pytest.raises(credit.ValidationError, match="ledger.partial_payment_discount"):
        b.set_policy(POLICY, date(2026, 3, 6))


def test_every_event_kind_refuses_an_unknown_field() -> None:
    lines = [json.loads(l) for l in (ROOT / "tests/conformance/event_kinds.jsonl").read_text().splitlines() if l.strip()]
    assert len({e["type"] for e in lines}) == len(lines) == 22
    b = book()
    for e in lines:
        before = b.snapshot()
        with pytest.raises(credit.ValidationError, match=r"unknown field `pre_paid`, expected"):
            b.apply(dict(e, pre_paid=True))
        with pytest.raises(credit.ValidationError, match="pre_paid"):
            b.apply_all([dict(e, pre_paid=True)])
        assert b.snapshot() == before
        b.apply(e)


def test_automatic_clearing_rules_and_residue_tolerance() -> None:
    # By reference, then exact amount, then oldest due; a residue of at most
    # 5.00 and 1 % of the item is written off (SAP tolerance groups: the
    # lower limit counts). The same cases as credit-core/tests/receivables.rs.
    b = book(ledger={"auto_clearing": ["by_reference", "exact_amount", "oldest_due"],
                     "residue_tolerance": {"amount": "5.00", "percent": "1"}})
    for i, (inv, amt, day, due) in enumerate([("I1", "300.00", "2026-01-05", "2026-02-04"),
                                              ("I2", "500.00", "2026-01-10", "2026-02-09"),
                                              ("I3", "200.00", "2026-01-15", "2026-02-14")]):
        b.apply(ev(f"i{i}", day, type="invoiced", invoice_id=inv, amount=amt, currency="EUR", due_date=due))
    # 500 quoting I2 settles I2, not the older I1.
    b.apply(ev("p1", "2026-01-20", type="payment", amount="500.00", currency="EUR", reference="I2"))
    # 200 with no reference: the item of exactly 200 (I3), not 200 of I1.
    b.apply(ev("p2", "2026-01-21", type="payment", amount="200.00", currency="EUR"))
    # 297 quoting I1 (300): residue 3.00 = 1 % of 300, written off.
    b.apply(ev("p3", "2026-01-22", type="payment", amount="297.00", currency="EUR", reference="I1"))
    assert b.open_items("C1", date(2026, 1, 22)) == []
    # No rules: cash stays on account until cleared.
    b2 = book(ledger={"auto_clearing": []})
    b2.apply(ev("i1", "2026-01-05", type="invoiced", invoice_id="I1", amount="300.00", currency="EUR",
                due_date="2026-02-04"))
    b2.apply(ev("p1", "2026-01-20", type="payment", amount="300.00", currency="EUR"))
    assert [c["open"] for c in b2.open_credits("C1", date(2026, 1, 20))] == [Decimal("300.00")]
    with pytest.raises(credit.ValidationError, match="twice"):
        book(ledger={"auto_clearing": ["oldest_due", "oldest_due"]})
    with pytest.raises(credit.ValidationError, match="residue_tolerance.amount"):
        book(ledger={"residue_tolerance": {"amount": "-1"}})


def test_a_plan_in_the_book_holds_its_invoice_until_broken() -> None:
    """Issue 13, item 8 (as credit-core/tests/plans_in_book.rs): 1200 in
    three monthly installments of 400 from 03-01, broken 15 days late."""
    b = book()
    b.set_limit({"customer": "C1", "limit": {"amount": "10000.00", "currency": "EUR"}}, D0)
    b.apply(ev("i1", "2026-01-02", type="invoiced", invoice_id="I1", amount="1200.00", currency="EUR",
               due_date="2026-02-01"))
    on = date(2026, 2, 15)
    assert "OLDEST_ITEM_OVERDUE" in [r.code for r in b.simulate_check("C1", "O", Decimal("1"), "EUR", as_of=on).reasons]
    b.apply(ev("pa", "2026-02-15", type="plan_agreed", plan_id="P1",
               terms={"currency": "EUR", "principal": "1200.00", "start": "2026-02-15", "frequency": "monthly",
                      "installments": 3, "first_due": "2026-03-01", "method": "equal_split",
                      "broken": {"days_late": 15}, "invoices": ["I1"]}))
    assert b.simulate_check("C1", "O", Decimal("1"), "EUR", as_of=on).reasons == []
    # Posted once: the plan and the invoice agree.
    b.apply(ev("pp1", "2026-03-01", type="plan_payment", plan_id="P1", amount="400.00", currency="EUR"))
    (p,) = b.plans("C1", date(2026, 3, 1))
    assert (p["plan_id"], p["runs"], p["principal_paid"], p["status"]["outstanding"]) == (
        "P1", True, Decimal("400.00"), Decimal("800.00"))
    assert b.open_items("C1", date(2026, 3, 1))[0]["open"] == Decimal("800.00")
    assert b.dunning_run(date(2026, 3, 10)).notices == []
    # A normal payment may not be allocated to the plan's invoice.
    with pytest.raises(credit.EventNotAllowed, match="plan P1"):
        b.apply(ev("p9", "2026-03-05", type="payment", amount="10.00", currency="EUR",
                   allocations=[{"invoice_id": "I1", "amount": "10.00"}]))
    # Installment 2 unpaid: broken on 04-16, I1 given back.
    (p,) = b.plans("C1", date(2026, 4, 16))
    assert (p["runs"], p["status"]["status"]) == (False, {"status": "broken"})
    codes = [r.code for r in b.simulate_check("C1", "O", Decimal("1"), "EUR", as_of=date(2026, 4, 16)).reasons]
    assert codes == ["OLDEST_ITEM_OVERDUE", "OVERDUE_AMOUNT_EXCEEDED"]
    restored = credit.CreditBook.restore(b.snapshot())
    assert restored.plans("C1", date(2026, 4, 16)) == b.plans("C1", date(2026, 4, 16))
