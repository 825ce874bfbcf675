"""Python ingest: `CreditBook.load_open_items` from a DataFrame and
`CreditBook.apply_all` from dicts, against pandas reading the same rows from
CSV (`read_csv`, the rate a notebook user compares with).

    .venv/bin/python benches/python/ingest.py [rows]

Rows: open items of 5,000 customers (amounts as str, as read with
dtype=str; dates as datetime64), in date order and shuffled. Prints rows/s,
best of 3 (the book is built afresh each time). Noise: run it twice.
"""

from __future__ import annotations

import io
import sys
import time
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

import credit

POLICY = {"schema_version": 1, "policy_id": "bench", "steps": []}


def frame(rows: int, shuffled: bool) -> pd.DataFrame:
    k = np.arange(rows)
    cust = k % 5_000
    day = (k // 5_000 * 3 + cust % 7) % 330
    start = np.datetime64("2026-01-01")
    df = pd.DataFrame({
        "customer": np.array([f"C{c}" for c in cust], dtype=object),
        "invoice_id": np.array([f"I{i}" for i in k], dtype=object),
        "invoice_date": start + day.astype("timedelta64[D]"),
        "due_date": start + (day + 30).astype("timedelta64[D]"),
        "amount": np.array([f"{100 + (i * 17) % 90_000}.{i % 100:02d}" for i in k], dtype=object),
        "currency": "EUR",
    })
    if shuffled:
        df = df.sample(frac=1.0, random_state=7).reset_index(drop=True)
    return df


def book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    for c in range(5_000):
        b.upsert_customer({"id": f"C{c}", "name": f"C{c}", "currency": "EUR"}, as_of=date(2026, 1, 1))
    return b


def best(f, runs: int = 3) -> float:
    t = float("inf")
    for _ in range(runs):
        t = min(t, f())
    return t


def timed_load(df: pd.DataFrame) -> float:
    b = book()
    t = time.perf_counter()
    b.load_open_items(df)
    return time.perf_counter() - t


def timed_events(events: list[dict]) -> float:
    b = book()
    t = time.perf_counter()
    b.apply_all(events)
    return time.perf_counter() - t


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    df = frame(rows, shuffled=False)
    text = df.to_csv(index=False)
    t_csv = best(lambda: _time(lambda: pd.read_csv(io.StringIO(text), dtype={"amount": str},
                                                   parse_dates=["invoice_date", "due_date"])))
    print(f"pandas read_csv:                   {rows / t_csv:12,.0f} rows/s")
    for shuffled in (False, True):
        d = frame(rows, shuffled)
        t = best(lambda: timed_load(d))
        print(f"load_open_items ({'shuffled' if shuffled else 'by date '}):       {rows / t:12,.0f} rows/s")
    events = [
        {"id": f"e{i}", "customer": r.customer, "date": r.invoice_date.date(), "type": "invoiced",
         "invoice_id": r.invoice_id, "amount": Decimal(r.amount), "currency": "EUR",
         "due_date": r.due_date.date()}
        for i, r in enumerate(df.itertuples(index=False))
    ]
    t = best(lambda: timed_events(events))
    print(f"apply_all (dicts, by date):        {rows / t:12,.0f} rows/s")


def _time(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
