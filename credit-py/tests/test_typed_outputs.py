"""Typed outputs, on the bundled sample book (the demo's data).

Two properties of every dict and frame the package returns:

* **Typed by the core, not by field names.** No ``str`` value looks like a
  decimal (``"12.50"``) or an ISO date (``"2026-01-31"``): amounts come back
  as ``decimal.Decimal`` and dates as ``datetime.date`` wherever they are,
  including inside lists, tuples and nested records. (The binding used to
  decide by two key lists, so ``policy["weights"]["open_receivables"]`` came
  back as ``'1'`` beside ``Decimal`` siblings.)
* **As the stubs say.** Each dict matches its ``TypedDict`` in
  ``credit._types`` key by key and type by type.
"""

from __future__ import annotations

import datetime
import json
import re
import typing
from decimal import Decimal
from typing import Any, Union

import pandas as pd
import pytest

import credit
from credit import _types as T
from conftest import ROOT

DATA = ROOT / "credit-core" / "examples" / "data"
DATE_TEXT = re.compile(r"^[+-]?\d{4,}-\d{2}-\d{2}$")
DECIMAL_TEXT = re.compile(r"^-?\d+\.\d+$")


def sample_book() -> tuple[credit.CreditBook, datetime.date, list[credit.Decision]]:
    sample = json.loads((DATA / "sample_book.json").read_text())
    book = credit.CreditBook(sample["policy"])
    day = datetime.date(2026, 1, 1)
    for c in sample["customers"]:
        book.upsert_customer(c, day)
    for lim in sample["limits"]:
        book.set_limit(lim, day)
    for lim in sample["group_limits"]:
        book.set_group_limit(lim, day)
    for f, t, r in sample["fx"]:
        book.set_fx_rate(f, t, r)
    decisions = []
    for s in sample["steps"]:
        on = datetime.date.fromisoformat(s.get("date", sample["as_of"]))
        if s["op"] == "event":
            book.apply(s["event"])
        elif s["op"] == "check":
            decisions.append(
                book.check_order(s["customer"], s["order_id"], s["amount"], s["currency"], as_of=on,
                                 checkpoint=s.get("checkpoint", "order"))
            )
        elif s["op"] == "limit":
            book.set_limit(s["limit"], on)
        elif s["op"] == "release":
            book.release(s["order_id"], s["by"], s["reason"], on)
    return book, datetime.date.fromisoformat(sample["as_of"]), decisions


# Text by definition: an alert's subject is an identifier (a date subject is
# written ISO), and host attributes are echoed as scoring holds them (a
# Decimal attribute as its exact text, which limit rules read).
TEXT_KEYS = {"subject", "attributes"}


def untyped_text(v: Any, path: str = "") -> list[str]:
    """Paths of every str in `v` that reads as a decimal or a date."""
    if isinstance(v, str):
        return [f"{path} = {v!r}"] if DATE_TEXT.match(v) or DECIMAL_TEXT.match(v) else []
    if isinstance(v, dict):
        return [p for k, x in v.items() if k not in TEXT_KEYS for p in untyped_text(x, f"{path}.{k}")]
    if isinstance(v, (list, tuple)):
        return [p for i, x in enumerate(v) for p in untyped_text(x, f"{path}[{i}]")]
    if isinstance(v, pd.DataFrame):
        out = untyped_text(v.to_dict(orient="list"), path)
        return out + untyped_text(list(v.index), f"{path}.index") + untyped_text(dict(v.attrs), f"{path}.attrs")
    return []


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")


def conforms(v: Any, tp: Any, path: str) -> list[str]:
    """Mismatches of `v` against the type `tp` (a TypedDict, a list, dict,
    Optional/Union or a plain type), each naming its path."""
    if tp is Any:
        return []
    if _is_typeddict(tp):
        if not isinstance(v, dict):
            return [f"{path}: expected a dict, got {type(v).__name__}"]
        hints = typing.get_type_hints(tp)
        out = [f"{path}.{k}: key not in {tp.__name__}" for k in v if k not in hints]
        out += [f"{path}.{k}: missing" for k in tp.__required_keys__ if k not in v]
        for k, x in v.items():
            if k in hints:
                out += conforms(x, hints[k], f"{path}.{k}")
        return out
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return [] if v in args else [f"{path}: expected one of {args}, got {v!r}"]
    if origin is Union:
        tries = [conforms(v, a, path) for a in args]
        return [] if any(not t for t in tries) else min(tries, key=len)
    if origin is list:
        if not isinstance(v, list):
            return [f"{path}: expected a list, got {type(v).__name__}"]
        return [p for i, x in enumerate(v) for p in conforms(x, args[0] if args else Any, f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(v, dict):
            return [f"{path}: expected a dict, got {type(v).__name__}"]
        return [p for k, x in v.items() for p in conforms(x, args[1] if args else Any, f"{path}.{k}")]
    if tp is type(None):
        return [] if v is None else [f"{path}: expected None, got {v!r}"]
    if tp in (int, float) and isinstance(v, bool):
        return [f"{path}: expected {tp.__name__}, got bool"]
    if tp is datetime.date and isinstance(v, datetime.datetime):
        return [f"{path}: expected a date, got a datetime"]
    if tp is float and isinstance(v, int):
        return []
    return [] if isinstance(v, tp) else [f"{path}: expected {tp.__name__}, got {type(v).__name__} {v!r}"]


@pytest.fixture(scope="module")
def outputs() -> list[tuple[str, Any, Any]]:
    """(name, value, expected type) of every dict-returning call on the book."""
    book, as_of, decisions = sample_book()
    month = as_of + datetime.timedelta(days=30)
    card = credit.Scorecard.from_json((DATA / "sample_scorecard.json").read_text())
    attrs = json.loads((DATA / "sample_attributes.json").read_text())["customers"]
    plan_doc = json.loads((DATA / "sample_plan.json").read_text())
    plan = credit.PaymentPlan(plan_doc["terms"])
    for d, amount in plan_doc["payments"]:
        plan.apply_payment(datetime.date.fromisoformat(d), Decimal(amount))
    review = book.review_run(card, as_of, attrs)
    written, _ = credit.CreditBook.restore(book.snapshot()).apply_review(review)
    run = book.dunning_run(month)
    alerts = book.alerts(month, reviews=review)
    L = list
    out: list[tuple[str, Any, Any]] = [
        ("decisions", [d.to_dict() for d in decisions], L[T.DecisionDict]),
        ("reasons", [r.to_dict() for d in decisions for r in d.reasons], L[T.ReasonDict]),
        ("holds", book.holds(), L[T.HoldDict]),
        ("releases", book.releases(), L[T.ReleaseDict]),
        ("decision_log", book.decision_log(), L[T.LogEntryDict]),
        ("decisions_for", book.decisions_for("SO-102"), L[T.LogEntryDict]),
        ("backtest", book.backtest(book.policy), T.BacktestDict),
        ("exposure", [book.exposure(c, as_of) for c in ("ACME", "BORE", "COBH", "DAIK")], L[T.ExposureDict]),
        ("group_exposure", book.group_exposure("COBH", as_of), T.GroupExposureDict),
        ("open_items", book.open_items("ACME", as_of) + book.open_items("BORE", month), L[T.OpenItemDict]),
        ("features", book.features("ACME", as_of), T.FeaturesDict),
        ("customer", book.customer("COBH", on=as_of), T.CustomerDict),
        ("customer_history", book.customer_history("ACME"), L[T.CustomerDict]),
        ("limit_history", book.limit_history("ACME") + book.limit_history("COBH"), L[T.CreditLimitDict]),
        ("score_customer", book.score_customer(card, "ACME", as_of, attrs["ACME"]), T.CustomerScoreDict),
        ("promises", book.promises("BORE", month), L[T.PromiseStatusDict]),
        ("review.results", review.results, L[T.ReviewResultDict]),
        ("review.events", review.events, L[T.ReviewEventDict]),
        ("apply_review", written, T.ReviewWriteBackDict),
        ("apply_review.applied", written["applied"], L[T.ReviewChangeDict]),
        ("dunning.notices", run.notices, L[T.NoticeDict]),
        ("dunning.excluded", book.dunning_run(as_of).excluded, L[T.DunningExclusionDict]),
        ("dunning.events", run.events(), L[dict[str, Any]]),
        ("alerts.active", alerts.active, L[T.AlertDict]),
        ("alerts.raised", alerts.raised, L[T.AlertDict]),
        ("plan.schedule_rows", plan.schedule_rows(), L[T.ScheduleRowDict]),
        ("plan.status", plan.status(month), T.PlanStatusDict),
        ("plan.payoff", plan.payoff(month), T.PayoffDict),
        ("plan.evaluate", plan.evaluate(), T.PlanEvaluationDict),
        ("plan_performance", credit.plan_performance([plan], month), T.PlanPerformanceDict),
        ("late_interest", credit.late_interest(book.policy["dunning"]["interest"], datetime.date(2026, 1, 1),
                                               Decimal("100.00"), datetime.date(2026, 3, 1), "EUR"),
         T.LateInterestDict),
        ("psi", credit.psi([10, 20, 30], [12, 18, 30]), T.PsiDict),
        ("discrimination", credit.discrimination([1.0, 2.0, 3.0], [True, False, False]), T.DiscriminationDict),
        # Documents and frames: typed values, shapes of their own.
        ("policy", book.policy, dict[str, Any]),
        ("plan.terms", plan.terms, dict[str, Any]),
        ("worklist", book.worklist(month, "EUR"), pd.DataFrame),
        ("dunning.frame", run.to_frame(), pd.DataFrame),
        ("review.frame", review.to_frame(), pd.DataFrame),
        ("review.events_frame", review.events_frame(), pd.DataFrame),
        ("alerts.frame", alerts.to_frame(), pd.DataFrame),
        ("aging", book.aging(month, group_by="customer", currency="EUR"), pd.DataFrame),
        ("kpis", book.kpis(datetime.date(2026, 10, 1), month, "EUR", group_by="customer"), pd.DataFrame),
        ("goals", book.goals(month, "EUR"), pd.DataFrame),
        ("schedule", plan.schedule(), pd.DataFrame),
    ]
    return out


def test_no_output_holds_a_decimal_or_a_date_as_text(outputs: list[tuple[str, Any, Any]]) -> None:
    bad = [p for name, v, _ in outputs for p in untyped_text(v, name)]
    assert bad == []


def test_every_dict_is_as_its_typeddict_says(outputs: list[tuple[str, Any, Any]]) -> None:
    bad: list[str] = []
    for name, v, tp in outputs:
        if tp is pd.DataFrame:
            assert isinstance(v, pd.DataFrame), name
            continue
        bad += conforms(v, tp, name)
    assert bad == []


def test_the_sample_book_exercises_each_shape(outputs: list[tuple[str, Any, Any]]) -> None:
    """Each list above has entries, so the checks above check something."""
    empty = [name for name, v, _ in outputs if isinstance(v, (list, pd.DataFrame)) and len(v) == 0]
    assert empty == []


def test_the_reported_cases() -> None:
    book, as_of, _ = sample_book()
    # A weight of 1 among Decimal siblings was the string '1'.
    assert book.policy["weights"]["open_receivables"] == Decimal("1")
    assert isinstance(book.policy["weights"]["open_receivables"], Decimal)
    # Alert figures: days are int, percentages Decimal, dates date.
    run = book.alerts(as_of + datetime.timedelta(days=30))
    kinds = {a["code"]: (type(a["observed"]), type(a["threshold"])) for a in run.active}
    assert kinds["ITEM_OVERDUE"] == (int, int)
    assert all(isinstance(a["observed"], Decimal) for a in run.active if a["code"] == "UTILISATION_HIGH")
    # The stored run reads back equal (figures typed by the code).
    assert credit.AlertRun.from_json(run.to_json()) == run
