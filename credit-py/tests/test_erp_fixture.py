"""The ERP-shaped fixture (scripts/gen_erp_fixture.py) from Python.

The same documents the Rust test applies (500 customers, about 20,000
documents over 18 months, EUR and USD accounts); at every month end, for every
customer, the views tie out: aging total = open items - open credits =
exposure receivables + disputed; the worklist and features agree with the
overdue walk recomputed here from the open items (oldest due first, credits
covering undisputed amounts, the invoices a running payment plan holds left
out — the plans recomputed from their documents, and the book's plans view
agreeing); and the month's credit sales, receivables and
DSO equal what is recomputed from the documents alone (net credit sales:
invoices - credit notes, CRF; DSO = receivables / sales x days).
"""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

import credit

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "erp"
POLICY = {
    "schema_version": 1,
    "policy_id": "erp",
    "steps": [],
    "ledger": {"auto_clearing": ["by_reference", "oldest_due"]},
    "dunning": {"grace_days": 0, "levels": [{"level": 1, "min_days_overdue": 1}],
                "worklist": {"priority": "overdue_times_days"}},
}


def month_ends() -> list[date]:
    out = []
    for k in range(18):
        y, m = 2025 + k // 12, k % 12 + 1
        out.append(date(y, m, calendar.monthrange(y, m)[1]))
    return out


def due_lines(it: Mapping[str, Any]) -> list[tuple[date, Decimal, Decimal]]:
    """(due, open, disputed) per due line of an open item: reductions take the
    oldest installments first, disputes the latest (the ledger's rule)."""
    inst = it.get("collection", {}).get("installments")
    if not inst:
        return [(it["due_date"], it["open"], it["disputed"])]
    reduced = it["amount"] - it["open"]
    out = []
    for due, amount in inst:
        take = min(reduced, Decimal(amount))
        reduced -= take
        out.append([due, Decimal(amount) - take, Decimal(0)])
    disputed = it["disputed"]
    for line in reversed(out):
        t = min(line[1], disputed)
        line[2] = t
        disputed -= t
    return [(d, o, x) for d, o, x in out]


def overdue_walk(items: Sequence[Mapping[str, Any]], credits: Decimal, on: date) -> tuple[Decimal, int]:
    """The overdue lines oldest due first (items' order on a tie), credits on
    account covering the undisputed amounts: (uncovered undisputed amount,
    days of the oldest line not covered, a disputed amount counting)."""
    lines = [(d, o, x) for it in items for d, o, x in due_lines(it) if d < on and o > 0]
    lines.sort(key=lambda line: line[0])
    uncovered, oldest = Decimal(0), 0
    for due, open_, disputed in lines:
        by = min(open_ - disputed, credits)
        credits -= by
        left = open_ - disputed - by
        uncovered += left
        if left + disputed > 0:
            oldest = max(oldest, (on - due).days)
    return uncovered, oldest


def add_months(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    y, m = day.year + y, m + 1
    nxt = date(y + m // 12, m % 12 + 1, 1)
    return date(y, m, min(day.day, (nxt - date(y, m, 1)).days))


def plan_models(docs: list[dict]) -> dict[str, dict]:
    """Payment plans from the documents alone: interest-free, three monthly
    installments (equal split, the remainder on the last), payments on
    installments oldest first."""
    plans: dict[str, dict] = {}
    for d in docs:
        if d["type"] == "plan_agreed":
            t = d["terms"]
            principal, n = Decimal(t["principal"]), t["installments"]
            part = (principal / n).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
            first = date.fromisoformat(t["first_due"])
            plans[d["plan_id"]] = {
                "customer": d["customer"], "invoice": t["invoices"][0],
                "agreed": date.fromisoformat(d["date"]), "days_late": t["broken"]["days_late"],
                "installments": [(add_months(first, k), part if k < n - 1 else principal - part * (n - 1))
                                 for k in range(n)],
                "payments": [],
            }
        elif d["type"] == "plan_payment":
            plans[d["plan_id"]]["payments"].append((date.fromisoformat(d["date"]), Decimal(d["amount"])))
    return plans


def runs_on(p: dict, on: date) -> bool:
    """Agreed by `on`, not completed, and not broken (its oldest unpaid
    installment `days_late` days past due)."""
    if p["agreed"] > on:
        return False
    paid = sum((a for d, a in p["payments"] if d <= on), Decimal(0))
    for due, amount in p["installments"]:
        take = min(paid, amount)
        paid -= take
        if take < amount:
            return not (due < on and (on - due).days >= p["days_late"])
    return False


def test_every_view_ties_out_on_the_erp_fixture() -> None:
    customers = json.loads((FIXTURE / "customers.json").read_text())
    lines = (FIXTURE / "events.jsonl").read_text().splitlines()
    docs = [json.loads(x) for x in lines]
    assert len(docs) > 20_000
    b = credit.CreditBook(POLICY)
    for c in customers:
        b.upsert_customer({"id": c["id"], "name": c["id"], "currency": c["currency"],
                           "collector": c["collector"]}, date(2025, 1, 1))
    b.set_fx_rate("USD", "EUR", "0.92")
    b.set_fx_rate("EUR", "USD", "1.087")
    # Applied as JSON text, one batch (all or nothing).
    assert len(b.apply_all(lines)) == len(lines)
    assert b.event_count == len(lines)
    # Net credit sales by (customer, year, month), from the documents alone;
    # a reversed document never happened (the ledger's convention).
    reversed_ids = {d["event_id"] for d in docs if d["type"] == "reversal"}
    sales: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
    for d in docs:
        if d["id"] in reversed_ids:
            continue
        y, mo = int(d["date"][:4]), int(d["date"][5:7])
        if d["type"] == "invoiced":
            sales[(d["customer"], y, mo)] += Decimal(d["amount"])
        elif d["type"] == "credit_note":
            sales[(d["customer"], y, mo)] -= Decimal(d["amount"])
    ends = month_ends()
    plans = plan_models(docs)
    plans_of: dict[str, list[dict]] = defaultdict(list)
    for p in plans.values():
        plans_of[p["customer"]].append(p)
    assert len(plans) > 20
    by_cur: dict[str, list[dict]] = defaultdict(list)
    for c in customers:
        by_cur[c["currency"]].append(c)
    checked = overdue_seen = 0
    for cur, members in by_cur.items():
        series = b.kpi_series(date(2025, 1, 1), ends, cur, group_by="customer")
        for m in ends:
            aging = b.aging(m, group_by="customer", currency=cur).set_index("key")
            kp = series[series["to"] == m].set_index("key")
            work = b.worklist(m, cur).set_index("customer")
            for c in members:
                cid = c["id"]
                items = b.open_items(cid, m)
                credits = b.open_credits(cid, m)
                net = sum((i["open"] for i in items), Decimal(0)) - sum((x["open"] for x in credits), Decimal(0))
                x = b.exposure(cid, m)
                assert x["figures"]["receivables"] + x["figures"]["disputed"] == net, (cid, m)
                total = aging.loc[cid, "total"] if cid in aging.index else Decimal(0)
                assert total == net, (cid, m)
                # A running plan holds its invoice: no overdue lines (the
                # book's plans view says the same).
                held = {p["invoice"] for p in plans_of[cid] if runs_on(p, m)}
                assert {i for p in b.plans(cid, m) if p["runs"] for i in p["invoices"]} == held, (cid, m)
                walked = [i for i in items if i["invoice_id"] not in held]
                # The worklist and features read the check's overdue walk.
                uncovered, oldest = overdue_walk(walked, sum((x["open"] for x in credits), Decimal(0)), m)
                listed = work.loc[cid, "overdue"] if cid in work.index else Decimal(0)
                assert listed == uncovered, (cid, m)
                assert b.features(cid, m)["current_days_overdue"] == oldest, (cid, m)
                overdue_seen += uncovered > 0
                s = sales.get((cid, m.year, m.month), Decimal(0))
                if cid not in kp.index:
                    assert s == 0 and net == 0, (cid, m)
                    continue
                row = kp.loc[cid]
                assert row["credit_sales"] == s.quantize(Decimal("0.01")), (cid, m)
                assert row["receivables"] == net, (cid, m)
                want = None if s == 0 else (net * m.day / s).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
                assert row["dso"] == want, (cid, m)
                checked += 1
    assert checked > 5000 and overdue_seen > 1000, (checked, overdue_seen)
