"""The monitoring bench's computation in pandas, for comparison with
`cargo bench -p credit-benches --bench monitor`: the same ledger shape
(50,000 customers × 200 invoices, every other one part-paid 50.00) and, per
customer, aging as of the end date, DSO for the period, and the
payment-weighted days to pay and beyond terms.

    .venv/bin/python benches/python/monitor_pandas.py

Prints the computation time (best of 3, data already in memory) and the
process's peak memory. Amounts are int64 cents here (pandas' fastest exact
option; floats would not be exact).
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

CUSTOMERS, ITEMS = 50_000, 200
START = np.datetime64("2026-01-01")


def build() -> tuple[pd.DataFrame, pd.DataFrame]:
    k = np.repeat(np.arange(CUSTOMERS), ITEMS)
    j = np.tile(np.arange(ITEMS), CUSTOMERS)
    inv_day = (j * 3 + k % 7) % 330
    items = pd.DataFrame({
        "customer": k,
        "invoice_date": START + inv_day.astype("timedelta64[D]"),
        "due_date": START + (inv_day + 30).astype("timedelta64[D]"),
        "amount": 10_000 + (k * 31 + j * 17) % 90_000,
    })
    paid = j % 2 == 0
    payments = pd.DataFrame({
        "item": np.nonzero(paid)[0],
        "date": START + (inv_day[paid] + 20 + j[paid] % 40).astype("timedelta64[D]"),
        "amount": np.full(paid.sum(), 5_000),
    })
    return items, payments


def compute(items: pd.DataFrame, payments: pd.DataFrame, frm: np.datetime64, to: np.datetime64) -> pd.DataFrame:
    pay = payments[payments["date"] <= to]
    paid_by_item = pay.groupby("item")["amount"].sum()
    it = items[items["invoice_date"] <= to]
    open_ = it["amount"] - paid_by_item.reindex(it.index, fill_value=0)
    days = (to - it["due_date"]).dt.days
    bucket = np.searchsorted(np.array([0, 30, 60, 90]), days.to_numpy(), side="left")
    aging = pd.crosstab(it["customer"], bucket, values=open_, aggfunc="sum").fillna(0)
    ar = open_.groupby(it["customer"]).sum()
    sales = it[it["invoice_date"] >= frm].groupby("customer")["amount"].sum()
    period_days = (to - frm).astype(int) + 1
    dso = ar / sales.reindex(ar.index) * period_days
    inper = pay[(pay["date"] >= frm)]
    src = items.loc[inper["item"].to_numpy()]
    w = inper["amount"].to_numpy()
    to_pay = (inper["date"].to_numpy() - src["invoice_date"].to_numpy()).astype("timedelta64[D]").astype(int)
    beyond = np.maximum((inper["date"].to_numpy() - src["due_date"].to_numpy()).astype("timedelta64[D]").astype(int), 0)
    g = pd.DataFrame({"c": src["customer"].to_numpy(), "w": w, "wd": w * to_pay, "wb": w * beyond}).groupby("c").sum()
    out = aging.assign(ar=ar, dso=dso, adp=g["wd"] / g["w"], adbt=g["wb"] / g["w"])
    return out


def main() -> None:
    items, payments = build()
    frm, to = START + np.timedelta64(300, "D"), START + np.timedelta64(400, "D")
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        out = compute(items, payments, frm, to)
        best = min(best, time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pandas: {len(items):,} items, {len(out):,} customers: {best:.2f} s (best of 3); peak RSS {peak:,.0f} MiB")
    print(out.head(3))


if __name__ == "__main__":
    main()
