"""Hostile and careless input from Python (issue 11): every case used to
crash the interpreter, panic, hang on a huge allocation or be accepted
silently; each must now be a typed ``credit.CreditError`` (or a
``TypeError`` subclass of it) naming the field, and change nothing."""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import credit
from conftest import ROOT

POLICY = {"schema_version": 1, "policy_id": "p", "steps": [{"step": "static_limit", "action": "block"}]}
D0 = date(2026, 1, 1)
CARD = credit.Scorecard.from_dict(json.loads((ROOT / "tests/conformance/scoring_cases.json").read_text())["card"])


def book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "100.00", "currency": "EUR"}}, D0)
    return b


def deep(n: int) -> object:
    v: object = "x"
    for _ in range(n):
        v = {"a": [v]}
    return v


def test_deep_or_cyclic_input_is_an_error_not_a_crash():
    b = book()
    snap = b.snapshot()
    # 100,000 levels used to overflow the C stack (a segfault).
    with pytest.raises(credit.TooLarge, match="nesting depth") as e:
        b.apply({"id": "e1", "customer": "C1", "date": D0, "type": "rating_received", "agency": "x",
                 "rating": deep(100_000)})
    assert (e.value.field, e.value.max) == ("nesting depth", 128)
    with pytest.raises(credit.TooLarge):
        credit.CreditBook(dict(POLICY, steps=[deep(100_000)]))
    with pytest.raises(credit.TooLarge):
        b.set_limit({"customer": "C1", "limit": deep(100_000)}, D0)
    loop: dict = {"id": "e2", "customer": "C1", "date": D0}
    loop["type"] = loop
    with pytest.raises(credit.ValidationError, match=r"event\.type: a dict or list that contains itself"):
        b.apply(loop)
    cyc: list = []
    cyc.append(cyc)
    with pytest.raises(credit.ValidationError, match="contains itself"):
        b.apply_all(cyc)
    # The same text, too deep for the JSON reader.
    with pytest.raises(credit.TooLarge):
        b.apply("[" * 200 + "]" * 200)
    # 127 levels are fine up to the core's own check of the content.
    with pytest.raises(credit.ValidationError):
        b.apply(deep(60))
    assert b.snapshot() == snap


def test_orders_that_are_not_positive_are_refused():
    b = book()
    snap = b.snapshot()
    for amount in ("-10.00", "0.00"):
        with pytest.raises(credit.ValidationError, match="amount"):
            b.check_order("C1", "SO-1", Decimal(amount), "EUR", as_of=D0)
        with pytest.raises(credit.ValidationError, match="amount"):
            b.simulate_check("C1", "SO-1", Decimal(amount), "EUR", as_of=D0)
    assert b.snapshot() == snap
    assert b.check_order("C1", "SO-2", Decimal("100.00"), "EUR", as_of=D0).approved
    assert not b.check_order("C1", "SO-3", Decimal("0.01"), "EUR", as_of=D0).approved


def test_sizes_a_caller_controls_are_bounded():
    m = credit.Money("100.00", "EUR")
    for n in (2**40, 2**62, 1_000_001):
        with pytest.raises(credit.TooLarge) as e:
            m.split(n)
        assert e.value.field == "parts"
    with pytest.raises(credit.TooLarge):
        m.split(2**70)
    with pytest.raises(credit.ValidationError):
        m.split(-1)
    with pytest.raises(credit.ValidationError):
        m.split(0)
    # Reason codes: at most 32 per row, whatever the rows (3 rows × 10^9
    # reasons used to be a 12 GB allocation).
    df = pd.DataFrame({"dbt": [1.0, 2.0, 3.0], "util": [0.1, 0.2, 0.3], "industry": ["retail"] * 3})
    with pytest.raises(credit.TooLarge, match="reasons") as e:
        CARD.score_batch(df, reasons=10**9)
    assert (e.value.field, e.value.size, e.value.max) == ("reasons", 10**9, 32)
    with pytest.raises(credit.TooLarge):
        CARD.score_batch(df, reasons=33)
    assert CARD.score_batch(df, reasons=32).shape == (3, 35)
    # Ids and texts.
    b = book()
    with pytest.raises(credit.TooLarge, match="order_id"):
        b.check_order("C1", "O" * 257, Decimal("1.00"), "EUR", as_of=D0)
    with pytest.raises(credit.ValidationError, match='invalid id "": must not be empty'):
        b.upsert_customer({"id": "", "name": "x", "currency": "EUR"}, D0)
    with pytest.raises(credit.ValidationError, match="control characters"):
        b.upsert_customer({"id": "A\x00B", "name": "x", "currency": "EUR"}, D0)


def test_money_near_the_decimal_limit_is_exact_or_an_overflow():
    big = credit.Money("700000000000000000000000000.01", "EUR")
    with pytest.raises(credit.ArithmeticOverflow):
        big + big
    with pytest.raises(credit.ArithmeticOverflow):
        big.mul_rate(Decimal(2))
    # A product rounded once at the exact half cent.
    assert credit.Money("0.05", "EUR").mul_rate(Decimal("0.5"), "half_up").amount == Decimal("0.03")


def test_load_open_items_refuses_missing_lossy_or_misshaped_columns():
    b = book()
    snap = b.snapshot()
    good = {"customer": ["C1", "C1"], "invoice_id": ["A-1", "A-2"], "invoice_date": ["2026-01-02"] * 2,
            "due_date": ["2026-02-01"] * 2, "amount": ["10.00", "20.00"], "currency": ["EUR", "EUR"]}
    with pytest.raises(credit.InvalidTypeError, match="DataFrame or a dict of columns, not NoneType"):
        b.load_open_items(None)  # type: ignore[arg-type]
    with pytest.raises(credit.ValidationError, match='column "amount" has 1 rows, "customer" has 2'):
        b.load_open_items(dict(good, amount=["10.00"]))
    # A longer column's extra rows used to be dropped silently.
    with pytest.raises(credit.ValidationError, match='"currency" has 3 rows'):
        b.load_open_items(dict(good, currency=["EUR"] * 3))
    with pytest.raises(credit.ValidationError, match='unknown column "amont"'):
        b.load_open_items(dict(good, amont=["1", "2"]))
    # A missing id was booked as "None", NaN as "nan", 1.0 as "1.0".
    for bad in ([None, "A-2"], [math.nan, "A-2"], [1.0, "A-2"]):
        with pytest.raises(credit.InvalidTypeError, match="row 0: invoice_id must be str"):
            b.load_open_items(dict(good, invoice_id=bad))
    with pytest.raises(credit.InvalidTypeError, match="row 1: customer must be str"):
        b.load_open_items(pd.DataFrame(dict(good, customer=["C1", None])))
    with pytest.raises(credit.CreditError, match="row 1"):
        b.load_open_items(pd.DataFrame(dict(good, amount=["10.00", None])))
    with pytest.raises(credit.CreditError, match="row 0"):
        b.load_open_items(pd.DataFrame(dict(good, due_date=[pd.NaT, "2026-02-01"])))
    assert b.snapshot() == snap
    # Whole-number ids are exact and accepted.
    assert b.load_open_items(dict(good, invoice_id=[1001, 1002])) == 2
    assert {i["invoice_id"] for i in b.open_items("C1", D0.replace(month=3))} == {"1001", "1002"}


def test_batch_scoring_refuses_columns_of_the_wrong_kind():
    base = {"dbt": [1.0, 2.0], "util": [0.1, 0.2], "industry": ["retail", "food"]}
    with pytest.raises(credit.ValidationError, match="column 'dbt'.*datetime64"):
        CARD.score_batch(pd.DataFrame(dict(base, dbt=pd.to_datetime(["2026-01-01", "2026-01-02"]))))
    with pytest.raises(credit.ValidationError, match="column 'util'.*bool"):
        CARD.score_batch(pd.DataFrame(dict(base, util=[True, False])))
    with pytest.raises(credit.ValidationError, match="column 'util'.*bool"):
        CARD.score_batch(dict(base, util=np.array([True, False])))
    with pytest.raises(credit.ValidationError, match="column 'industry'.*needs text.*int64"):
        CARD.score_batch(pd.DataFrame(dict(base, industry=[1, 2])))
    with pytest.raises(credit.ValidationError, match="column 'industry'.*needs str values, got int"):
        CARD.score_batch(dict(base, industry=np.array(["retail", 3], dtype=object)))
    # Missing values stay missing, not errors.
    out = CARD.score_batch(dict(base, industry=np.array(["retail", None], dtype=object)))
    assert len(out) == 2


def test_messages_name_the_field():
    b = book()
    head = {"id": "e1", "customer": "C1", "date": D0}
    with pytest.raises(credit.ValidationError, match="amount: invalid type: boolean `true`, expected a decimal string"):
        b.apply(dict(head, type="payment", amount=True, currency="EUR"))
    with pytest.raises(credit.ValidationError, match='amount: invalid decimal "1e400"'):
        b.apply(dict(head, type="payment", amount="1e400", currency="EUR"))
    with pytest.raises(credit.ValidationError, match="segmnt: unknown field"):
        b.apply(dict(head, segmnt="eu", type="payment", amount="1.00", currency="EUR"))
    with pytest.raises(credit.ValidationError, match=r"events\[1\]: invalid event: amount"):
        b.apply_all([dict(head, type="payment", amount="1.00", currency="EUR"),
                     dict(head, id="e2", type="payment", amount="x", currency="EUR")])
    with pytest.raises(credit.ValidationError, match="attribute dbt: .* too large for a number"):
        CARD.score({"dbt": 10**400, "util": 0.1, "industry": "retail"})
    with pytest.raises(credit.ValidationError, match="current"):
        credit.psi([1, 2], [2**63, 2**63])
    # A rate from a currency to itself is refused.
    with pytest.raises(credit.ValidationError, match="two different currencies"):
        b.set_fx_rate("EUR", "EUR", Decimal("1.1"))


def test_a_restore_equals_the_live_book():
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "JP1", "name": "Nippon", "currency": "JPY", "segment_currencies": {"eu": "EUR"}}, D0)
    b.set_limit({"customer": "JP1", "segment": "eu", "limit": {"amount": "100.00", "currency": "EUR"}}, D0)
    assert b.check_order("JP1", "SO-1", Decimal("22.22"), "EUR", as_of=D0, segment="eu").approved
    r = credit.CreditBook.restore(b.snapshot())
    live, back = b.exposure("JP1", D0, segment="eu"), r.exposure("JP1", D0, segment="eu")
    assert back["reserved"] == Decimal("22.22")
    assert back == live
    assert r.snapshot() == b.snapshot()


def test_snapshots_do_not_stop_the_order_desk():
    """Finding 10: a snapshot serialised the whole decision log while holding
    the book; a thread snapshotting in a loop stopped the checkers. Now the
    view is taken under the lock and written outside it: the checkers all
    finish, approve exactly the limit together, and every snapshot taken
    meanwhile restores to a consistent book."""
    import threading

    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": "5000.00", "currency": "EUR"}}, D0)
    for i in range(2000):  # a decision log worth writing
        b.simulate_check("C1", f"S{i}", Decimal("1.00"), "EUR", as_of=D0)
        b.check_order("C1", f"W{i}", Decimal("0.01"), "EUR", as_of=D0)
        b.withdraw_order(f"W{i}")
    snaps: list[str] = []
    stop = threading.Event()

    def snapshotter() -> None:
        while not stop.is_set():
            snaps.append(b.snapshot())

    approved: list[Decimal] = []
    lock = threading.Lock()

    def checker(t: int) -> None:
        for i in range(100):
            d = b.check_order("C1", f"T{t}-{i}", Decimal("10.00"), "EUR", as_of=D0)
            if d.approved:
                with lock:
                    approved.append(Decimal("10.00"))

    s = threading.Thread(target=snapshotter)
    s.start()
    workers = [threading.Thread(target=checker, args=(t,)) for t in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    s.join()
    # 8 × 100 orders of 10.00 against 5000.00: exactly 500 approved.
    assert sum(approved) == Decimal("5000.00")
    assert len(snaps) >= 1
    for text in (snaps[0], snaps[-1]):
        r = credit.CreditBook.restore(text)
        assert r.exposure("C1", D0)["total"] <= Decimal("5000.00")
    assert credit.CreditBook.restore(b.snapshot()).exposure("C1", D0) == b.exposure("C1", D0)


def test_table_import_refuses_missing_or_lossy_cells():
    kw = {"name": "t", "no_match": "zero",
          "classes": json.loads((ROOT / "tests/conformance/scoring_cases.json").read_text())["card"]["classes"]}
    rows = [("dbt", "[-inf,5.0)", 10.0), ("dbt", "[5.0,inf)", -5.0)]
    card = credit.Scorecard.from_table(pd.DataFrame(rows, columns=["variable", "bin", "points"]), **kw)
    assert card.attributes == ["dbt"]
    for bad, what in [
        ((None, "[5.0,inf)", -5.0), "variable must be a non-empty str"),
        ((math.nan, "[5.0,inf)", -5.0), "variable must be a non-empty str"),
        (("dbt", None, -5.0), "bin is missing"),
        (("dbt", "[5.0,inf)", math.nan), "points must be finite"),
        (("dbt", "[5.0,inf)", None), "points must be"),  # pandas makes it NaN
        (("dbt", "[5.0,inf)", True), "points must be a number"),
    ]:
        with pytest.raises(credit.ValidationError, match=r"table row 1.*" + what):
            credit.Scorecard.from_table(pd.DataFrame([rows[0], bad], columns=["variable", "bin", "points"]), **kw)
    with pytest.raises(credit.ValidationError, match="expected \\(variable, bin, points\\)"):
        credit.Scorecard.from_table([rows[0], ("dbt", "[5.0,inf)")], **kw)


def test_thread_and_reason_counts_are_checked() -> None:
    """Issue 14: threads=-1 raised OverflowError ("can't convert negative int
    to unsigned") and 0 ran on one thread silently; both are now a
    ValidationError naming the argument, as is a negative reason count."""
    df = pd.DataFrame({"dbt": [1.0], "util": [0.5], "industry": ["retail"]})
    for bad in (-1, 0, 1025):
        with pytest.raises(credit.ValidationError, match="threads"):
            CARD.score_batch(df, threads=bad)
    with pytest.raises(credit.ValidationError, match="reasons"):
        CARD.score_batch(df, reasons=-1)
    assert CARD.score_batch(df, threads=2).shape[0] == 1


def test_dates_past_pythons_calendar_are_date_out_of_range() -> None:
    """Issue 14: Net 30 from 9999-12-20 falls in year 10000, which the core
    computes but Python cannot hold: a DateOutOfRange (a CreditError), not
    datetime's ValueError."""
    t = credit.PaymentTerms("Net 30")
    with pytest.raises(credit.DateOutOfRange, match="10000-01-19"):
        t.schedule(date(9999, 12, 20), credit.Money("1.00", "EUR")).net_due_date
    terms = {"currency": "EUR", "principal": "100.00", "start": date(9999, 6, 1), "frequency": "monthly",
             "installments": 12, "method": "equal_split"}
    with pytest.raises(credit.DateOutOfRange):
        credit.PaymentPlan(terms).schedule()


def test_integers_are_accepted_where_a_decimal_is_exact() -> None:
    """Issue 14: an integer rate or amount in a document was refused ("invalid
    type: integer"); an int is exact, so it is read as that decimal. A float
    is still refused."""
    terms = {"currency": "EUR", "principal": 10000, "start": date(2026, 1, 1), "frequency": "monthly",
             "installments": 12, "method": "annuity", "annual_rate": 12}
    p = credit.PaymentPlan(terms)
    # The same plan as with "10000.00" and "12": 888.49 a month (the shared
    # plan cases).
    assert p.schedule_rows()[0]["total"] == Decimal("888.49")
    with pytest.raises(credit.InvalidTypeError):
        credit.PaymentPlan({**terms, "annual_rate": 12.0})
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, D0)
    b.set_limit({"customer": "C1", "limit": {"amount": 100, "currency": "EUR"}}, D0)
    assert b.exposure("C1", as_of=D0)["limit"] == Decimal("100.00")
