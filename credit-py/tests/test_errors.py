"""One error classification: every kind of the core's errors has its own
exception class, raised with ``kind`` and the figures the error names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import credit

POLICY = {"schema_version": 1, "policy_id": "v1",
          "steps": [{"step": "static_limit", "action": "block"}]}
D0 = date(2026, 1, 1)
INVOICE = {"id": "i1", "customer": "C1", "date": D0, "type": "invoiced", "invoice_id": "I1",
           "amount": Decimal("700.00"), "currency": "EUR", "terms": "Net 30"}


def new_book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "1000.00", "currency": "EUR"}}, D0)
    b.apply(INVOICE)
    return b


def test_every_error_kind_has_its_own_class() -> None:
    kinds = credit.error_kinds()
    names = [k for k, _ in kinds]
    classes = [c for _, c in kinds]
    assert len(kinds) >= 25 and len(set(names)) == len(names)
    assert len(set(classes)) == len(classes), "two kinds share a class"
    assert all(issubclass(c, credit.CreditError) for c in classes)
    assert dict(kinds)["not_on_hold"] is credit.NotOnHold
    assert dict(kinds)["overflow"] is credit.ArithmeticOverflow
    # Each class is exported by the package under its own name.
    assert all(getattr(credit, c.__name__) is c for c in classes)


def test_book_failures_are_told_apart() -> None:
    b = new_book()
    with pytest.raises(credit.ConflictingEvent) as e:
        b.apply({**INVOICE, "amount": Decimal("701.00")})
    assert (e.value.kind, e.value.event) == ("conflicting_event", "i1")
    with pytest.raises(credit.DuplicateId) as e:
        b.apply({**INVOICE, "id": "i2"})
    assert (e.value.kind, e.value.id, e.value.event) == ("duplicate_id", "I1", "i2")
    with pytest.raises(credit.UnknownInvoice) as e:
        b.apply({"id": "p1", "customer": "C1", "date": D0, "type": "payment", "amount": "1.00",
                 "currency": "EUR", "allocations": [{"invoice_id": "I9", "amount": "1.00"}]})
    assert (e.value.invoice, e.value.event) == ("I9", "p1")
    with pytest.raises(credit.UnknownOrder) as e:
        b.apply({"id": "d1", "customer": "C1", "date": D0, "type": "delivered", "order_id": "O9",
                 "amount": "1.00", "currency": "EUR"})
    assert e.value.order == "O9"
    with pytest.raises(credit.ReversalRefused) as e:
        b.apply({"id": "r1", "customer": "C1", "date": D0, "type": "reversal", "event_id": "nope"})
    assert e.value.event == "nope"
    with pytest.raises(credit.HierarchyCycle) as e:
        b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "parent": "C1"}, D0)
    assert (e.value.customer, e.value.parent) == ("C1", "C1")
    with pytest.raises(credit.NotOnHold) as e:
        b.release("O1", "j.doe", "ok", D0)
    assert (e.value.kind, e.value.order) == ("not_on_hold", "O1")
    with pytest.raises(credit.UnknownCustomer) as e:
        b.exposure("NOPE", D0)
    assert e.value.customer == "NOPE"
    # None of them changed the book.
    assert b.exposure("C1", D0)["figures"]["receivables"] == Decimal("700.00")


def test_currency_mismatch_names_both_currencies_wherever_raised() -> None:
    b = new_book()
    with pytest.raises(credit.CurrencyMismatch) as e:
        b.apply({"id": "p2", "customer": "C1", "date": D0, "type": "payment", "amount": "1.00",
                 "currency": "USD", "allocations": [{"invoice_id": "I1", "amount": "1.00"}]})
    assert (e.value.left, e.value.right) == (credit.Currency("USD"), credit.Currency("EUR"))
    with pytest.raises(credit.CurrencyMismatch) as e:
        credit.Money("1.00", "EUR") + credit.Money("1.00", "USD")
    assert (e.value.left, e.value.right) == (credit.Currency("EUR"), credit.Currency("USD"))


def test_plan_failures_are_told_apart() -> None:
    p = credit.PaymentPlan({"currency": "EUR", "principal": "1200.00", "start": D0, "frequency": "monthly",
                            "installments": 12, "method": "annuity", "annual_rate": Decimal("0")})
    with pytest.raises(credit.InvalidPayment) as e:
        p.apply_payment(D0, Decimal("-1"))
    assert e.value.kind == "invalid_payment"
    p.cancel(D0)
    with pytest.raises(credit.PlanClosed):
        p.apply_payment(D0, Decimal("1"))


def test_a_snapshot_that_cannot_be_restored_is_its_own_class() -> None:
    with pytest.raises(credit.InvalidSnapshot) as e:
        credit.CreditBook.restore("{}")
    # Still a ParseError, as before the classification.
    assert isinstance(e.value, credit.ParseError) and e.value.kind == "invalid_snapshot"


def test_a_prefixed_error_keeps_its_attributes() -> None:
    b = new_book()
    with pytest.raises(credit.UnknownCustomer) as e:
        b.apply_all([{"id": "x1", "customer": "NOPE", "date": D0, "type": "payment", "amount": "1.00",
                      "currency": "EUR"}])
    assert str(e.value).startswith("events[0]: ") and e.value.customer == "NOPE"
