"""Cross-surface conformance: tests/conformance/monitor_cases.txt (figures
worked by hand there) must pass here exactly as in the Rust and C tests."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Optional

import credit

from conftest import read_cases


CASES = read_cases("monitor_cases.txt")


def d(s: str) -> date:
    return date.fromisoformat(s)


def opt(s: str) -> Optional[Decimal]:
    return None if s in ("-", "undefined") else Decimal(s)


def triples(alerts: list[dict[str, Any]]) -> str:
    return ",".join(f"{a['code']}:{a['customer']}:{a['subject']}" for a in alerts) or "-"


def run_case(name: str, lines: list[str]) -> int:
    book: Optional[credit.CreditBook] = None
    previous: Optional[credit.AlertRun] = None
    checks = 0
    for line in lines:
        op, _, rest = line.partition(" ")
        args, _, want = rest.partition(" => ")
        a = args.split()
        where = f"{name}: {line}"
        if op == "policy":
            book = credit.CreditBook(json.loads(rest))
            continue
        assert book is not None, where
        if op == "customer":
            book.upsert_customer(json.loads(rest), date(2020, 1, 1))
        elif op == "fx":
            book.set_fx_rate(a[0], a[1], a[2])
        elif op == "apply":
            assert book.apply(json.loads(rest)) == "applied", where
        elif op == "aging":
            frame = book.aging(d(a[0]), group_by=a[1], currency=None if a[2] == "-" else a[2])
            row = frame[frame["key"] == a[3]].iloc[0]
            buckets, disputed, total = want.split(" | ")
            labels = list(frame.columns[2:-3])
            assert [row[c] for c in labels] == [Decimal(x) for x in buckets.split()], where
            assert (row["disputed"], row["total"]) == (Decimal(disputed), Decimal(total)), where
            checks += 1
        elif op == "kpi":
            frame = book.kpis(d(a[0]), d(a[1]), a[3], group_by=a[2])
            value = frame.loc[a[4], a[5]]
            expect = opt(want)
            # Amounts and KPIs are Decimal, counts (days_in_period) int64.
            assert (None if value is None else Decimal(str(value))) == expect, where
            checks += 1
        elif op == "goal":
            goals = book.goals(d(a[0]), a[1])
            row = goals.iloc[int(a[2])]
            status, actual, gap = want.split()
            assert (row["status"], row["actual"], row["gap"]) == (status, opt(actual), opt(gap)), where
            checks += 1
        elif op == "alerts":
            run = book.alerts(d(a[0]), previous=previous)
            raised, cleared = want.split(" | ")
            assert (triples(run.raised), triples(run.cleared)) == (raised, cleared), where
            previous = run
            checks += 1
        else:
            raise AssertionError(f"unknown operation in {where}")
    return checks


def test_every_case_passes() -> None:
    assert len(CASES) >= 5
    checks = sum(run_case(name, lines) for name, lines in CASES)
    assert checks >= 60
