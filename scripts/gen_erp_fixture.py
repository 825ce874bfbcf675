#!/usr/bin/env python3
"""Generates the ERP-shaped receivables fixture, deterministically.

    python3 scripts/gen_erp_fixture.py [OUT_DIR]   (default tests/fixtures/erp)

Writes ``customers.json`` (id, currency, collector) and ``events.jsonl`` (one
book event per line, in date order): about 500 customers and 20,000
documents over 18 months (2025-01-01 .. 2026-06-30), the way an ERP export
holds them — invoices with and without installment and discount terms,
payments in full, in part, on account and early with discount (full and pro
rata), payments quoting an invoice number without an allocation (left to
the book's clearing rules, by reference first), credit notes applied and on
account, clearings of cash and credit notes weeks later, reversed payments (a bounced cheque, paid again later),
disputes opened and resolved, write-offs, payment plans agreed for overdue
invoices of bad payers (three monthly installments, some paid in full, some
broken), and customers invoiced in USD.

Nothing is hand-picked: every choice comes from seeded generators (plans
from their own, so the other documents do not depend on them), and
the script tracks open amounts itself (with the published settlement rule
for cash discounts, below) only so that it never allocates more than is
open. The tests (Rust ``credit-core/tests/erp_fixture.rs``, Python
``credit-py/tests/test_erp_fixture.py``) recompute what they compare from
the documents alone; ``--check`` verifies the committed files are what this
script writes.

Cash discount on a payment inside the discount period (what the script
assumes, as the book's default ``partial_discount: pro_rata``; SAP and
Dynamics 365 treat a partial payment with cash discount this way): the
tier D = A × rate (rounded half-even to the cent) is worth D × open / A on
what is open; cash of at least ``open − D × open / A`` settles the item, less
cash P settles ``P × A / (A − D)`` of it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

SEED = 20261203
N_CUSTOMERS = 500
START = dt.date(2025, 1, 1)
END = dt.date(2026, 6, 30)
DISCOUNT_DAYS = 10
# (terms text or None for a plain due date, discount percent, installment
# plan as (percent, days) pairs or None, days to the (last) due date)
TERMS = [
    (None, 0, None, 30),
    (None, 0, None, 60),
    ("2/10 Net 30", 2, None, 30),
    ("30% due on receipt, 70% net 90", 0, [(30, 0), (70, 90)], 90),
    ("50% net 30, 50% net 60", 0, [(50, 30), (50, 60)], 60),
]
TERM_WEIGHTS = [40, 15, 25, 10, 10]


def half_even_div(n: int, d: int) -> int:
    """n / d rounded half to even (n >= 0, d > 0)."""
    q, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and q % 2 == 1):
        q += 1
    return q


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"


class Invoice:
    def __init__(self, inv_id: str, date: dt.date, cents: int, term: tuple) -> None:
        self.id = inv_id
        self.date = date
        self.amount = cents
        self.open = cents
        self.disputed = 0
        self.text, self.pct, self.plan, self.days = term
        self.tier = half_even_div(cents * self.pct, 100)
        self.due = date + dt.timedelta(days=self.days)

    def in_discount(self, day: dt.date) -> bool:
        return self.pct > 0 and day <= self.date + dt.timedelta(days=DISCOUNT_DAYS)

    def needed(self, day: dt.date) -> int:
        """Cash that settles the item on `day`."""
        if not self.in_discount(day) or self.tier == 0:
            return self.open
        return self.open - half_even_div(self.tier * self.open, self.amount)

    def pay(self, cash: int, day: dt.date) -> None:
        """Applies an explicit allocation of `cash` (never above needed)."""
        need = self.needed(day)
        assert 0 < cash <= need, (self.id, cash, need)
        if cash == need:
            self.open = 0
        elif self.in_discount(day) and self.tier:
            gross = half_even_div(cash * self.amount, self.amount - self.tier)
            gross = max(min(gross, self.open - 1), cash)
            self.open -= gross
        else:
            self.open -= cash


def add_months(day: dt.date, n: int) -> dt.date:
    """`day` n calendar months later, clipped to the month's end."""
    y, m = divmod(day.month - 1 + n, 12)
    y, m = day.year + y, m + 1
    last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(day.day, last))


def generate() -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    # Plans draw from their own stream, so every other document is as it
    # was without them.
    prng = random.Random(SEED + 1)
    customers = []
    events: list[tuple[dt.date, int, dict]] = []
    seq = 0

    def emit(cust: str, day: dt.date, kind: dict) -> str:
        nonlocal seq
        seq += 1
        eid = f"E{seq:06d}"
        ev = {"id": eid, "customer": cust, "date": day.isoformat()}
        ev.update(kind)
        events.append((day, seq, ev))
        return eid

    days_total = (END - START).days
    for c in range(N_CUSTOMERS):
        cid = f"C{c:04d}"
        usd = c % 10 == 7
        cur = "USD" if usd else "EUR"
        customers.append({"id": cid, "currency": cur, "collector": f"col{c % 6}"})
        late_mean = rng.choice([0, 0, 3, 8, 15, 30, 60])
        takes_discount = rng.random() < 0.5
        bad = rng.random() < 0.03
        n_inv = max(1, int(rng.gauss(20, 7)))
        inv_days = sorted(rng.randrange(days_total) for _ in range(n_inv))
        on_account: list[tuple[str, int, dt.date]] = []  # (credit id, open cents, date)
        for k, off in enumerate(inv_days):
            day = START + dt.timedelta(days=off)
            cents = rng.randrange(5_000, 2_500_000)
            term = rng.choices(TERMS, TERM_WEIGHTS)[0]
            inv = Invoice(f"{cid}-I{k:03d}", day, cents, term)
            kind = {"type": "invoiced", "invoice_id": inv.id, "amount": money(cents), "currency": cur}
            if inv.text:
                kind["terms"] = inv.text
            else:
                kind["due_date"] = inv.due.isoformat()
            emit(cid, day, kind)
            t = day
            # A rebate now and then: a credit note on account, cleared
            # later against an invoice or left open (a negative item).
            if rng.random() < 0.03:
                rday = day + dt.timedelta(days=rng.randrange(1, 30))
                if rday <= END:
                    amt = rng.randrange(1_000, 200_000)
                    rid = emit(cid, rday, {"type": "credit_note", "invoice_id": None,
                                           "amount": money(amt), "currency": cur})
                    on_account.append((rid, amt, rday))
            # A credit note on the invoice (price or quantity correction).
            if rng.random() < 0.06:
                t = t + dt.timedelta(days=rng.randrange(1, 8))
                cn = max(1, inv.open * rng.randrange(5, 30) // 100)
                emit(cid, t, {"type": "credit_note", "invoice_id": inv.id, "amount": money(cn), "currency": cur})
                inv.open -= cn
            # A dispute: most are resolved, some stay open.
            if rng.random() < 0.04:
                t = t + dt.timedelta(days=rng.randrange(5, 40))
                amt = max(1, inv.open * rng.randrange(10, 100) // 100)
                emit(cid, t, {"type": "dispute_opened", "invoice_id": inv.id, "amount": money(amt), "currency": cur})
                inv.disputed = amt
                if rng.random() < 0.7:
                    t = t + dt.timedelta(days=rng.randrange(10, 60))
                    emit(cid, t, {"type": "dispute_resolved", "invoice_id": inv.id, "amount": money(amt), "currency": cur})
                    inv.disputed = 0
                else:
                    continue
            # Payment behaviour.
            if bad and rng.random() < 0.5:
                # Never paid: written off after half a year, if in the period.
                w = inv.due + dt.timedelta(days=rng.randrange(150, 240))
                if inv.plan is None and inv.disputed == 0 and inv.open > 0 and prng.random() < 0.5:
                    # Or a payment plan three weeks past due: three monthly
                    # installments, interest-free; the customer pays some
                    # of them on their due dates, and a plan whose
                    # installment is 20 days late is broken.
                    plan_day = inv.due + dt.timedelta(days=21)
                    first = plan_day + dt.timedelta(days=30)
                    pid = f"{inv.id}-P"
                    emit(cid, plan_day, {"type": "plan_agreed", "plan_id": pid, "terms": {
                        "currency": cur, "principal": money(inv.open), "start": plan_day.isoformat(),
                        "frequency": "monthly", "installments": 3, "first_due": first.isoformat(),
                        "method": "equal_split", "broken": {"days_late": 20}, "invoices": [inv.id]}})
                    part = inv.open // 3
                    parts = [part, part, inv.open - 2 * part]
                    for n in range(prng.choice([0, 1, 2, 3, 3])):
                        due = add_months(first, n)
                        emit(cid, due, {"type": "plan_payment", "plan_id": pid,
                                        "amount": money(parts[n]), "currency": cur})
                    continue
                if w <= END and inv.open > 0:
                    emit(cid, w, {"type": "write_off", "invoice_id": inv.id, "amount": money(inv.open), "currency": cur})
                    inv.open = 0
                continue
            if takes_discount and inv.in_discount(day + dt.timedelta(days=DISCOUNT_DAYS)):
                pay_day = max(t, day + dt.timedelta(days=rng.randrange(3, DISCOUNT_DAYS + 1)))
                if pay_day <= inv.date + dt.timedelta(days=DISCOUNT_DAYS):
                    if rng.random() < 0.25:
                        # Pro rata: half now inside the period, the rest later.
                        part = inv.needed(pay_day) // 2
                        if part > 0:
                            emit(cid, pay_day, {"type": "payment", "amount": money(part), "currency": cur,
                                                "allocations": [{"invoice_id": inv.id, "amount": money(part)}]})
                            inv.pay(part, pay_day)
                            t = pay_day
                    else:
                        cash = inv.needed(pay_day)
                        emit(cid, pay_day, {"type": "payment", "amount": money(cash), "currency": cur,
                                            "allocations": [{"invoice_id": inv.id, "amount": money(cash)}]})
                        inv.pay(cash, pay_day)
                        continue
            lateness = max(0, int(rng.expovariate(1 / late_mean))) if late_mean else 0
            pay_day = max(t, inv.due + dt.timedelta(days=lateness - rng.randrange(0, 10)))
            if inv.in_discount(pay_day):
                pay_day = inv.date + dt.timedelta(days=DISCOUNT_DAYS + 1)
            if pay_day > END or inv.open <= 0:
                continue
            r = rng.random()
            if r < 0.12 and inv.open > 1:
                # In part now, the rest a few weeks later.
                part = inv.open * rng.randrange(20, 80) // 100
                if part > 0:
                    emit(cid, pay_day, {"type": "payment", "amount": money(part), "currency": cur,
                                        "allocations": [{"invoice_id": inv.id, "amount": money(part)}]})
                    inv.pay(part, pay_day)
                pay_day = pay_day + dt.timedelta(days=rng.randrange(14, 60))
                if pay_day > END:
                    continue
            elif 0.13 <= r < 0.25 and on_account and inv.pct == 0 and inv.disputed == 0:
                # Cash or a credit note on account, cleared against this
                # invoice weeks later (in full or in part).
                j = rng.randrange(len(on_account))
                pid, left, cday = on_account[j]
                clear_day = max(t, cday) + dt.timedelta(days=rng.randrange(14, 50))
                amt = min(left, inv.open)
                if clear_day <= END and amt > 0:
                    emit(cid, clear_day, {"type": "cleared", "credit_id": pid,
                                          "allocations": [{"invoice_id": inv.id, "amount": money(amt)}]})
                    inv.open -= amt
                    on_account[j] = (pid, left - amt, cday)
                    on_account = [x for x in on_account if x[1] > 0]
                if inv.open == 0:
                    continue
                pay_day = max(pay_day, clear_day)
                if pay_day > END:
                    continue
            elif r < 0.13:
                # A bounced cheque: paid, reversed a week later, paid again.
                cash = inv.open
                pid = emit(cid, pay_day, {"type": "payment", "amount": money(cash), "currency": cur,
                                          "allocations": [{"invoice_id": inv.id, "amount": money(cash)}]})
                back = pay_day + dt.timedelta(days=7)
                if back > END:
                    inv.open = 0
                    continue
                emit(cid, back, {"type": "reversal", "event_id": pid})
                pay_day = back + dt.timedelta(days=rng.randrange(7, 30))
                if pay_day > END:
                    continue
            if inv.open > 0 and inv.disputed == 0:
                cash = inv.needed(pay_day)
                # Now and then the customer pays in advance too: the extra
                # goes on account (unapplied cash) until a clearing uses it.
                extra = rng.randrange(10_000, 500_000) if rng.random() < 0.06 else 0
                pay = {"type": "payment", "amount": money(cash + extra), "currency": cur,
                       "allocations": [{"invoice_id": inv.id, "amount": money(cash)}]}
                if not extra and rng.random() < 0.25:
                    # A bank-statement line: the invoice number as the payer
                    # quoted it, no allocation (the book's clearing rules,
                    # by reference first, apply it).
                    pay = {"type": "payment", "amount": money(cash), "currency": cur, "reference": inv.id}
                pid = emit(cid, pay_day, pay)
                inv.pay(cash, pay_day)
                if extra:
                    on_account.append((pid, extra, pay_day))
    # Documents after the period (a late credit note, a clearing in the
    # next month) are not in the export; nothing before depends on them.
    events = sorted((e for e in events if e[0] <= END), key=lambda e: (e[0], e[1]))
    return customers, [e[2] for e in events]


def render(customers: list[dict], events: list[dict]) -> tuple[str, str]:
    c = "[\n" + ",\n".join(json.dumps(x, separators=(",", ":")) for x in customers) + "\n]\n"
    e = "".join(json.dumps(ev, separators=(",", ":")) + "\n" for ev in events)
    return c, e


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    out = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "erp"
    c, e = render(*generate())
    if check:
        same = (out / "customers.json").read_text() == c and (out / "events.jsonl").read_text() == e
        print("fixture up to date" if same else "fixture differs from scripts/gen_erp_fixture.py")
        return 0 if same else 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "customers.json").write_text(c)
    (out / "events.jsonl").write_text(e)
    docs = sum(1 for ev in json.loads("[" + ",".join(e.splitlines()) + "]") if ev["type"] != "dispute_opened")
    print(f"{len(c.splitlines())} lines of customers, {len(e.splitlines())} events ({docs} documents) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
