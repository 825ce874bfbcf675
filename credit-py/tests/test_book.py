"""The credit book from Python: events, checks, holds, releases, the
decision log, back-testing, imports and thread safety."""

from __future__ import annotations

import pickle
import threading
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import credit

POLICY = {
    "schema_version": 1,
    "policy_id": "v1",
    "horizon_days": 30,
    "blocked_risk_classes": ["E"],
    "steps": [
        {"step": "customer_blocked", "action": "block"},
        {"step": "risk_class_blocked", "action": "block"},
        {"step": "static_limit", "action": "block"},
        {"step": "oldest_overdue", "action": "warn", "days": 30, "materiality": "50"},
    ],
}
D0 = date(2026, 1, 1)


def new_book(limit: str = "1000.00") -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": limit, "currency": "EUR"}}, D0)
    return b


def invoice(eid: str, inv: str, amount: str, day: date, due: date, currency: str = "EUR") -> dict:
    return {"id": eid, "customer": "C1", "date": day, "type": "invoiced", "invoice_id": inv,
            "amount": Decimal(amount), "currency": currency, "due_date": due}


def test_events_stages_and_as_of():
    b = new_book()
    assert b.apply({"id": "e1", "customer": "C1", "date": date(2026, 1, 5), "type": "order_placed",
                    "order_id": "O1", "amount": Decimal("600.00"), "currency": "EUR"}) == "applied"
    b.apply({"id": "e2", "customer": "C1", "date": date(2026, 1, 6), "type": "delivered",
             "order_id": "O1", "amount": "250.00", "currency": "EUR"})
    x = b.exposure("C1", date(2026, 1, 6))
    # 600 ordered, 250 of it delivered: 350 open + 250 delivered-not-invoiced.
    assert (x["figures"]["open_orders"], x["figures"]["delivered_not_invoiced"], x["total"]) == (
        Decimal("350.00"), Decimal("250.00"), Decimal("600.00"))
    assert x["as_of"] == date(2026, 1, 6) and x["currency"] == "EUR"
    b.apply({"id": "e3", "customer": "C1", "date": date(2026, 1, 7), "type": "invoiced", "invoice_id": "I1",
             "amount": "250.00", "currency": "EUR", "terms": "2/10 Net 30", "order_id": "O1"})
    items = b.open_items("C1", date(2026, 1, 7))
    assert [(i["invoice_id"], i["open"], i["due_date"]) for i in items] == [("I1", Decimal("250.00"), date(2026, 2, 6))]
    assert b.apply({"id": "e3", "customer": "C1", "date": date(2026, 1, 7), "type": "invoiced", "invoice_id": "I1",
                    "amount": "250.00", "currency": "EUR", "terms": "2/10 Net 30", "order_id": "O1"}) == "duplicate"
    # 245 on the discount deadline settles I1 (2 % of 250 = 5).
    b.apply({"id": "p1", "customer": "C1", "date": date(2026, 1, 17), "type": "payment", "amount": "245.00", "currency": "EUR"})
    assert b.open_items("C1", date(2026, 1, 17)) == []
    # As of 2026-01-16 the payment had not happened.
    assert b.exposure("C1", date(2026, 1, 16))["figures"]["receivables"] == Decimal("250.00")
    assert b.event_count == 4


def test_events_as_objects():
    import dataclasses

    @dataclasses.dataclass
    class Invoiced:
        id: str
        customer: str
        date: date
        invoice_id: str
        amount: Decimal
        currency: str
        due_date: date
        type: str = "invoiced"

    class Payment:
        def __init__(self, eid: str, amount: Decimal) -> None:
            self.eid, self.amount = eid, amount

        def to_dict(self) -> dict:
            return {"id": self.eid, "customer": "C1", "date": date(2026, 1, 20), "type": "payment",
                    "amount": self.amount, "currency": "EUR"}

    b = new_book()
    assert b.apply(Invoiced("e1", "C1", D0, "I1", Decimal("100.00"), "EUR", date(2026, 1, 31))) == "applied"
    assert b.apply(Payment("e2", Decimal("60.00"))) == "applied"
    assert b.open_items("C1", date(2026, 1, 20))[0]["open"] == Decimal("40.00")


def test_group_exposure():
    b = new_book()
    b.upsert_customer({"id": "C2", "name": "Sub", "currency": "EUR", "parent": "C1"}, D0)
    b.set_group_limit({"customer": "C1", "limit": {"amount": "1500.00", "currency": "EUR"}}, D0)
    b.apply(invoice("i1", "I1", "700.00", D0, date(2026, 1, 31)))
    b.apply({"id": "i2", "customer": "C2", "date": D0, "type": "invoiced", "invoice_id": "J1",
             "amount": "300.00", "currency": "EUR", "due_date": date(2026, 1, 31)})
    g = b.group_exposure("C1", date(2026, 1, 2))
    assert (g["total"], g["limit"], [m["customer"] for m in g["members"]]) == (Decimal("1000.00"), Decimal("1500.00"), ["C1", "C2"])


def test_bad_events_raise_and_change_nothing():
    b = new_book()
    snap = b.snapshot()
    with pytest.raises(TypeError, match="float"):
        b.apply({"id": "x", "customer": "C1", "date": D0, "type": "payment", "amount": 1.5, "currency": "EUR"})
    with pytest.raises(credit.UnknownCustomer) as e:
        b.apply({"id": "x", "customer": "NOPE", "date": D0, "type": "payment", "amount": "1.50", "currency": "EUR"})
    assert e.value.customer == "NOPE"
    with pytest.raises(credit.ValidationError, match="unknown order O9"):
        b.apply({"id": "x", "customer": "C1", "date": D0, "type": "delivered", "order_id": "O9", "amount": "1.00", "currency": "EUR"})
    with pytest.raises(credit.PrecisionError):
        b.apply({"id": "x", "customer": "C1", "date": D0, "type": "payment", "amount": "1.001", "currency": "EUR"})
    with pytest.raises(credit.ValidationError):
        b.apply({"id": "x", "customer": "C1", "date": D0, "type": "teleport"})
    with pytest.raises(TypeError):
        b.apply({"id": "x", "customer": "C1", "date": "2026-01-01T10:00", "type": "payment", "amount": object()})
    assert b.snapshot() == snap


def test_check_hold_release_and_log():
    b = new_book()
    b.apply(invoice("i1", "I1", "700.00", D0, date(2026, 1, 31)))
    ok = b.check_order("C1", "O1", Decimal("200.00"), "EUR", as_of=date(2026, 1, 2))
    assert (ok.outcome, ok.approved, ok.reasons) == ("approved", True, [])
    blocked = b.check_order("C1", "O2", credit.Money("200.00", "EUR"), as_of=date(2026, 1, 2))
    # 700 receivable + 200 reserved + 200 = 1100 > 1000.
    assert blocked.outcome == "blocked" and not blocked.approved
    (r,) = blocked.reasons
    assert (r.code, r.action, r.threshold, r.observed) == ("STATIC_LIMIT_EXCEEDED", "block", Decimal("1000.00"), Decimal("1100.00"))
    assert "exceeds limit" in r.message
    assert (blocked.exposure_before, blocked.exposure_after, blocked.limit, blocked.available) == (
        Decimal("900.00"), Decimal("1100.00"), Decimal("1000.00"), Decimal("100.00"))
    assert "STATIC_LIMIT_EXCEEDED" in repr(blocked) and "O2" in repr(blocked)
    assert pickle.loads(pickle.dumps(blocked)) == blocked
    assert pickle.loads(pickle.dumps(r)) == r
    d = blocked.to_dict()
    assert d["outcome"] == "blocked" and d["reasons"][0]["observed"] == Decimal("1100.00")
    assert [h["request"]["order_id"] for h in b.holds()] == ["O2"]
    with pytest.raises(credit.ValidationError, match="reason"):
        b.release("O2", "j.doe", " ", date(2026, 1, 3))
    rel = b.release("O2", "j.doe", "director approval", date(2026, 1, 3))
    assert (rel["by"], rel["reason"], rel["date"], rel["amount"]["amount"]) == ("j.doe", "director approval", date(2026, 1, 3), Decimal("200.00"))
    assert b.holds() == [] and len(b.releases()) == 1
    why = b.decisions_for("O2")
    assert why[0]["policy_id"] == "v1" and why[0]["decision"]["outcome"] == "blocked"
    assert why[0]["inputs"]["figures"]["receivables"] == Decimal("700.00")
    assert len(b.decision_log()) == 2
    # A simulation records nothing.
    sim = b.simulate_check("C1", "O3", "1.00", "EUR", as_of=date(2026, 1, 3))
    assert sim.outcome == "blocked" and len(b.decision_log()) == 2 and b.holds() == []


def test_set_policy_reports_releasable_and_apply_all_is_atomic():
    b = new_book()
    assert not b.check_order("C1", "O1", "1500.00", "EUR", as_of=D0).approved
    looser = dict(POLICY, policy_id="v2", steps=[{"step": "static_limit", "action": "block", "tolerance_percent": "50"}])
    r = b.set_policy(looser, D0)
    assert [d.order_id for d in r.releasable] == ["O1"] and r.not_rechecked == []
    assert b.policy["policy_id"] == "v2"
    events = [invoice("a1", "A1", "10.00", D0, date(2026, 1, 31)), invoice("a2", "A2", "-1.00", D0, date(2026, 1, 31))]
    with pytest.raises(credit.ValidationError, match=r"events\[1\]"):
        b.apply_all(events)
    assert b.event_count == 0
    assert b.apply_all(events[:1] + events[:1]) == ["applied", "duplicate"]


def test_holds_that_cannot_be_rechecked_are_reported():
    policy = dict(POLICY, steps=[{"step": "static_limit", "action": "block"}, {"step": "group_limit", "action": "block"}])
    b = credit.CreditBook(policy)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "1000.00", "currency": "EUR"}}, D0)
    assert not b.check_order("C1", "O1", "1500.00", "EUR", as_of=D0).approved
    b.upsert_customer({"id": "H", "name": "Holding", "currency": "USD"}, D0)
    b.set_group_limit({"customer": "H", "limit": {"amount": "10000.00", "currency": "USD"}}, D0)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "parent": "H"}, D0)
    # O1 passes its raised limit, but the group check needs EUR->USD.
    r = b.set_limit({"customer": "C1", "limit": {"amount": "2000.00", "currency": "EUR"}}, D0)
    assert r.releasable == []
    assert r.not_rechecked == [{"order_id": "O1", "error": "missing_rate", "message": "no FX rate from EUR to USD"}]
    assert len(b.holds()) == 1
    b.set_fx_rate("EUR", "USD", "1.10")  # group: 1500 x 1.10 = 1650 USD <= 10000
    r = b.releasable(D0)
    assert [x.order_id for x in r.releasable] == ["O1"] and r.not_rechecked == []
    assert "O1" in repr(r)


def test_withdraw_order():
    b = new_book()
    assert b.check_order("C1", "O1", "800.00", "EUR", as_of=D0).approved
    assert b.withdraw_order("O1") and not b.withdraw_order("O1")
    assert b.check_order("C1", "O2", "900.00", "EUR", as_of=D0).approved


def test_limit_change_reports_releasable_and_backtest():
    b = new_book()
    b.check_order("C1", "O1", "1500.00", "EUR", as_of=D0)
    b.check_order("C1", "O2", "3000.00", "EUR", as_of=D0)
    rel = b.set_limit({"customer": "C1", "limit": {"amount": "2000.00", "currency": "EUR"}}, date(2026, 1, 2))
    assert [d.order_id for d in rel.releasable] == ["O1"] and rel.not_rechecked == []
    assert [d.order_id for d in b.releasable(date(2026, 1, 2)).releasable] == ["O1"]
    v2 = dict(POLICY, policy_id="v2", steps=[{"step": "static_limit", "action": "warn"}])
    bt = b.backtest(v2)
    assert bt["total"] == 2 and [c[1] for c in bt["changed"]] == ["O1", "O2"]
    assert bt["changed"][0][2:] == ["blocked", "approved_with_warnings"]


def test_backtest_measures_again_from_the_ledger_as_of_each_decision():
    def v(pid: str, materiality: str) -> dict:
        return dict(POLICY, policy_id=pid, steps=[
            {"step": "static_limit", "action": "block"},
            {"step": "oldest_overdue", "action": "block", "days": 30, "materiality": materiality}])
    b = credit.CreditBook(v("v1", "500"))
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "10000.00", "currency": "EUR"}}, D0)
    b.apply(invoice("i1", "I1", "100.00", D0, date(2026, 2, 1)))
    # 100.00 is 38 days overdue on 03-11, under the 500 materiality: approved.
    assert b.check_order("C1", "O1", "50.00", "EUR", as_of=date(2026, 3, 11)).approved
    b.apply({"id": "p1", "customer": "C1", "date": date(2026, 3, 20), "type": "payment", "amount": "100.00",
             "currency": "EUR", "allocations": [{"invoice_id": "I1", "amount": "100.00"}]})
    assert b.decision_log()[0]["measured"]["measures"]["materiality"] == Decimal("500")
    same = b.backtest(v("v1b", "500"))
    assert (same["remeasured"], same["changed"], same["not_remeasured"]) == (0, [], [])
    # Materiality 50: the item counts as of 03-11 (paid only on 03-20).
    bt = b.backtest(v("v2", "50"))
    assert (bt["total"], bt["remeasured"], bt["changed"]) == (1, 1, [[0, "O1", "approved", "blocked"]])


def test_blocked_customer_risk_class_and_overdue_warning():
    b = new_book("100000.00")
    b.apply(invoice("i1", "I1", "100.00", D0, date(2026, 1, 31)))
    d = b.check_order("C1", "O1", "1.00", "EUR", as_of=date(2026, 3, 5))
    # 2026-01-31 -> 2026-03-05: 33 days overdue > 30.
    assert (d.outcome, [r.code for r in d.reasons], d.reasons[0].observed) == ("approved_with_warnings", ["OLDEST_ITEM_OVERDUE"], Decimal(33))
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "blocked": "fraud alert", "risk_class": "E"}, D0)
    d = b.check_order("C1", "O2", "1.00", "EUR", as_of=date(2026, 3, 5))
    assert [r.code for r in d.reasons] == ["CUSTOMER_BLOCKED", "RISK_CLASS_BLOCKED", "OLDEST_ITEM_OVERDUE"]


def test_fx_and_missing_rate():
    b = new_book("10000.00")
    b.apply(invoice("i1", "I1", "1000.00", D0, date(2026, 1, 31), currency="USD"))
    with pytest.raises(credit.MissingRate, match="USD to EUR"):
        b.exposure("C1", D0)
    b.set_fx_rate("USD", "EUR", Decimal("0.9234"))
    assert b.exposure("C1", D0)["figures"]["receivables"] == Decimal("923.40")
    with pytest.raises(TypeError):
        b.set_fx_rate("USD", "EUR", 0.9234)


def test_snapshot_restore_and_pickle():
    b = new_book()
    b.apply(invoice("i1", "I1", "700.00", D0, date(2026, 1, 31)))
    b.check_order("C1", "O1", "500.00", "EUR", as_of=D0)
    c = credit.CreditBook.restore(b.snapshot())
    assert c.snapshot() == b.snapshot()
    p = pickle.loads(pickle.dumps(b))
    assert p.snapshot() == b.snapshot() and "holds=1" in repr(p)
    with pytest.raises(credit.ParseError):
        credit.CreditBook.restore("{}")


def test_policy_errors_name_the_field():
    bad = dict(POLICY, steps=[{"step": "oldest_overdue", "action": "block", "days": 30, "materiality": "-1"}])
    with pytest.raises(credit.ValidationError, match=r"steps\[0\]\.materiality"):
        credit.CreditBook(bad)
    with pytest.raises(credit.ParseError):
        credit.CreditBook('{"schema_version": 1')
    assert credit.CreditBook(POLICY).policy["policy_id"] == "v1"


def test_load_open_items_from_a_dataframe():
    b = credit.CreditBook(POLICY)
    for cid in ("C1", "C2"):
        b.upsert_customer({"id": cid, "name": cid, "currency": "EUR"}, D0)
    # As an ERP export read with dtype=str: every value a string.
    df = pd.DataFrame({
        "customer": ["C1", "C1", "C2"],
        "invoice_id": ["A-1", "A-2", "B-1"],
        "invoice_date": ["2026-01-02", "2026-01-05", "2026-01-03"],
        "due_date": ["2026-02-01", "2026-02-04", "2026-02-02"],
        "amount": ["100.00", "250.50", "75.25"],
        "open": ["40.00", "250.50", "75.25"],
        "currency": ["EUR", "EUR", "EUR"],
    })
    assert b.load_open_items(df) == 3
    assert b.exposure("C1", date(2026, 1, 31))["figures"]["receivables"] == Decimal("290.50")
    # Float amounts are refused, and nothing is imported.
    df2 = df.assign(invoice_id=["X-1", "X-2", "X-3"], amount=[1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="row 0"):
        b.load_open_items(df2)
    # A bad row anywhere rejects the whole import.
    df3 = df.assign(invoice_id=["Y-1", "Y-2", "Y-3"], customer=["C1", "C1", "NOPE"])
    with pytest.raises(credit.UnknownCustomer, match="row 2"):
        b.load_open_items(df3)
    assert b.event_count == 3
    assert b.load_open_items({"customer": ["C2"], "invoice_id": ["B-2"], "invoice_date": [date(2026, 1, 9)],
                              "due_date": [date(2026, 2, 9)], "amount": [Decimal("10.00")], "currency": ["EUR"]}) == 1


def test_load_open_items_takes_datetime64_columns_whole() -> None:
    # Dates as pandas reads them (datetime64[ns], or numpy datetime64[D]):
    # converted as arrays, the same book as datetime.date cells (issue 15).
    def fresh() -> credit.CreditBook:
        b = credit.CreditBook(POLICY)
        b.upsert_customer({"id": "C1", "name": "C1", "currency": "EUR"}, D0)
        return b

    rows = {
        "customer": ["C1", "C1"],
        "invoice_id": ["A-1", "A-2"],
        "amount": ["100.00", "250.50"],
        "currency": ["EUR", "EUR"],
    }
    cells = fresh()
    cells.load_open_items(dict(rows, invoice_date=[date(2026, 1, 2), date(1969, 12, 31)],
                               due_date=[date(2026, 2, 1), date(2026, 1, 30)]))
    frame = fresh()
    frame.load_open_items(pd.DataFrame(dict(rows, invoice_date=pd.to_datetime(["2026-01-02", "1969-12-31"]),
                                            due_date=pd.to_datetime(["2026-02-01", "2026-01-30"]))))
    numpy_days = fresh()
    numpy_days.load_open_items(dict(rows, invoice_date=np.array(["2026-01-02", "1969-12-31"], dtype="datetime64[D]"),
                                    due_date=np.array(["2026-02-01", "2026-01-30"], dtype="datetime64[D]")))
    assert frame.snapshot() == cells.snapshot() == numpy_days.snapshot()
    items = frame.open_items("C1", date(2026, 1, 31))
    assert [(i["invoice_id"], i["invoice_date"], i["due_date"]) for i in items] == [
        ("A-2", date(1969, 12, 31), date(2026, 1, 30)),
        ("A-1", date(2026, 1, 2), date(2026, 2, 1)),
    ]
    # A missing date, a time of day or a time zone is refused, naming the
    # row, and nothing is imported.
    b = fresh()
    base = dict(rows, invoice_date=pd.to_datetime(["2026-01-02", "2026-01-03"]))
    with pytest.raises(credit.ValidationError, match=r"row 1: due_date is missing \(NaT\)"):
        b.load_open_items(pd.DataFrame(dict(base, due_date=pd.to_datetime(["2026-02-01", None]))))
    with pytest.raises(credit.ValidationError, match="row 0: due_date 2026-02-01T12:00.* has a time of day"):
        b.load_open_items(pd.DataFrame(dict(base, due_date=pd.to_datetime(["2026-02-01 12:00", "2026-02-01 00:00"]))))
    with pytest.raises(credit.ValidationError, match="due_date: the column has a time zone"):
        b.load_open_items(pd.DataFrame(dict(base, due_date=pd.to_datetime(["2026-02-01", "2026-02-02"]).tz_localize("UTC"))))
    assert b.event_count == 0


def test_checks_from_many_threads_never_exceed_the_limit():
    b = new_book("1000.00")
    approved: list[Decimal] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        for i in range(50):
            d = b.check_order("C1", f"T{t}-{i}", Decimal("7.00"), "EUR", as_of=D0)
            if d.approved:
                with lock:
                    approved.append(Decimal("7.00"))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 400 checks of 7.00 against 1000.00: exactly floor(1000 / 7) = 142 fit.
    assert len(approved) == 142
    assert sum(approved) == Decimal("994.00")
    assert len(b.decision_log()) == 400


def test_reports_run_beside_each_other_and_beside_checks():
    """Reports share a read lock (and release the GIL) while checks take the
    write lock: every report sees a consistent book and the checks still
    approve exactly what fits."""
    b = new_book("1000.00")
    b.apply(invoice("i1", "I1", "700.00", D0, date(2026, 1, 31)))
    approved: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def checker(t: int) -> None:
        for i in range(50):
            if b.check_order("C1", f"T{t}-{i}", Decimal("7.00"), "EUR", as_of=D0).approved:
                with lock:
                    approved.append(1)

    def reporter() -> None:
        for _ in range(50):
            aging = b.aging(D0, currency="EUR")
            x = b.exposure("C1", D0)
            if aging["total"].sum() != Decimal("700.00") or x["total"] > Decimal("1000.00"):
                with lock:
                    errors.append(f"{aging['total'].sum()} {x['total']}")

    threads = [threading.Thread(target=checker, args=(t,)) for t in range(2)]
    threads += [threading.Thread(target=reporter) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # 100 checks of 7.00 against the 300.00 left: floor(300 / 7) = 42 fit.
    assert len(approved) == 42


def test_segments_with_their_own_currency():
    b = new_book()
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR", "segment_currencies": {"us": "USD"}}, D0)
    b.set_limit({"customer": "C1", "segment": "us", "limit": {"amount": "500.00", "currency": "USD"}}, D0)
    b.apply({"id": "u1", "customer": "C1", "segment": "us", "date": D0, "type": "invoiced", "invoice_id": "U1",
             "amount": "450.00", "currency": "USD", "due_date": date(2026, 2, 1)})
    d = b.check_order("C1", "US-1", "60.00", "USD", as_of=date(2026, 1, 2), segment="us")
    # 450 + 60 = 510 > 500 USD; the EUR segment is untouched.
    assert (d.outcome, d.currency, d.exposure_after) == ("blocked", "USD", Decimal("510.00"))
    assert b.exposure("C1", date(2026, 1, 2), segment="us")["total"] == Decimal("450.00")
    assert b.check_order("C1", "EU-1", "900.00", "EUR", as_of=date(2026, 1, 2)).outcome == "approved"
