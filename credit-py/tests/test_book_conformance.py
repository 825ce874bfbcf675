"""Cross-surface conformance: tests/conformance/book_cases.txt must pass here
exactly as in the Rust and C tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import credit

from conftest import read_cases


CASES = read_cases("book_cases.txt")


def norm(v: Decimal) -> str:
    s = format(v, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def d(s: str) -> date:
    return date.fromisoformat(s)


def test_enough_cases():
    assert len(CASES) >= 6


@pytest.mark.parametrize("name,lines", CASES, ids=[c[0] for c in CASES])
def test_case(name, lines):
    book = None
    day0 = date(2000, 1, 1)
    for line in lines:
        lhs, _, expect = line.partition(" => ")
        op, _, args = lhs.partition(" ")
        if op == "policy":
            book = credit.CreditBook(args)
            continue
        assert book is not None
        if op == "customer":
            book.upsert_customer(args, day0)
        elif op == "limit":
            book.set_limit(args, day0)
        elif op == "group_limit":
            book.set_group_limit(args, day0)
        elif op == "fx":
            f, t, r = args.split(" ")
            book.set_fx_rate(f, t, Decimal(r))
        elif op == "apply":
            try:
                got = book.apply(args)
            except credit.CreditError:
                got = "error"
            assert got == expect, line
        elif op == "check":
            c, o, amt, cur, as_of, cp, rd = args.split(" ")
            dec = book.check_order(c, o, Decimal(amt), cur, as_of=d(as_of), checkpoint=cp,
                                   requested_delivery=None if rd == "-" else d(rd))
            codes = ",".join(r.code for r in dec.reasons) or "-"
            assert f"{dec.outcome} {codes} {norm(dec.exposure_after)}" == expect, line
        elif op == "release":
            o, by, day, reason = args.split(" ", 3)
            book.release(o, by, reason, d(day))
        elif op == "exposure":
            c, day = args.split(" ")
            try:
                x = book.exposure(c, d(day))
                got = f"{norm(x['total'])} {norm(x['figures']['receivables'])}"
            except credit.CreditError:
                got = "error"
            assert got == expect, line
        elif op == "group_exposure":
            head, day = args.split(" ")
            assert norm(book.group_exposure(head, d(day))["total"]) == expect, line
        elif op in ("holds", "releasable"):
            if op == "holds":
                ids = sorted(h["request"]["order_id"] for h in book.holds())
            else:
                ids = sorted(x.order_id for x in book.releasable(d(args)).releasable)
            assert (",".join(ids) or "-") == expect, line
        else:
            raise AssertionError(f"unknown op {op}")
