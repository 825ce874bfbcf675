"""credit against scorecardpy and optbinning on the same card and rows.

Each tool builds its own card from the same data (ten numeric variables
with the same fixed cut points, 5 % missing, a logistic target); the card
is imported into credit (`Scorecard.from_table` from scorecardpy's card
frames, `Scorecard.from_optbinning` from the fitted optbinning object), the
scores are checked to be identical row by row, and the batch scoring calls are timed.
A third case fits optbinning on data of the German credit data's shape (7
numeric attributes, 13 categorical ones as text codes like "A11"), the way
read_csv hands them over (object columns of str).
scorecardpy and optbinning are not dependencies of credit: they live in a
separate virtualenv made by `benches/python/setup_compare.sh`.

    target/bench-venv/bin/python benches/python/compare_tools.py [rows]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

import credit

warnings.filterwarnings("ignore")
CUTS = [10.0, 20.0, 35.0, 50.0, 75.0]
NAMES = [f"x{i}" for i in range(10)]
CLASSES = [{"class": "B", "max": 500}, {"class": "A", "min": 500}]


def data(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols = {}
    z = np.full(rows, -1.0)
    for i, n in enumerate(NAMES):
        x = rng.uniform(0, 100, rows)
        z += (x - 50) / 50 * (0.2 + 0.05 * i)
        x[rng.random(rows) < 0.05] = np.nan
        cols[n] = x
    y = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame(cols), y


def timed(f, runs: int = 3) -> tuple[float, object]:
    out = f()
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    train, y = data(50_000, 1)
    test, _ = data(rows, 2)
    from sklearn.linear_model import LogisticRegression

    # scorecardpy: woebin with fixed breaks, WoE, logistic regression, card.
    import scorecardpy as sc

    dt = train.assign(y=y)
    bins = sc.woebin(dt, y="y", x=NAMES, breaks_list={n: CUTS for n in NAMES}, print_step=0)
    woe = sc.woebin_ply(dt, bins, print_step=0)
    lr = LogisticRegression().fit(woe[[f"{n}_woe" for n in NAMES]], woe["y"])
    card = sc.scorecard(bins, lr, [f"{n}_woe" for n in NAMES])
    ours = credit.Scorecard.from_table(card, name="scorecardpy", no_match="zero", classes=CLASSES)
    t_spy, spy = timed(lambda: sc.scorecard_ply(test, card, print_step=0)["score"].to_numpy(), runs=1)
    t_us, us = timed(lambda: ours.score_batch(test, output="numpy")["score"])
    diff = int(np.sum(spy != us))
    print(f"scorecardpy {sc.__version__ if hasattr(sc, '__version__') else ''}: {len(card) - 1} variables, "
          f"{rows} rows; scores differing: {diff}")
    print(f"  scorecardpy.scorecard_ply {t_spy * 1e3:10.1f} ms  {rows / t_spy / 1e6:8.2f} M rows/s")
    print(f"  credit score_batch        {t_us * 1e3:10.1f} ms  {rows / t_us / 1e6:8.2f} M rows/s   "
          f"x{t_spy / t_us:,.0f} faster")

    # optbinning: binning process with the same user splits, PDO scaling,
    # integer points.
    import optbinning
    from optbinning import BinningProcess, Scorecard

    bp = BinningProcess(NAMES, binning_fit_params={n: {"user_splits": CUTS, "user_splits_fixed": [True] * len(CUTS)} for n in NAMES})
    osc = Scorecard(binning_process=bp, estimator=LogisticRegression(), scaling_method="pdo_odds",
                    scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600}, rounding=True)
    osc.fit(train, y)
    # From the fitted object (exact splits), not its display table, whose
    # printed cut points may be rounded (and are refused).
    ours = credit.Scorecard.from_optbinning(osc, name="optbinning", no_match="zero", classes=CLASSES)
    t_ob, ob = timed(lambda: np.asarray(osc.score(test)), runs=1)
    t_us, us = timed(lambda: ours.score_batch(test, output="numpy")["score"])
    diff = int(np.sum(ob != us))
    print(f"optbinning {optbinning.__version__}: {rows} rows; scores differing: {diff}")
    print(f"  optbinning Scorecard.score {t_ob * 1e3:10.1f} ms  {rows / t_ob / 1e6:8.2f} M rows/s")
    print(f"  credit score_batch         {t_us * 1e3:10.1f} ms  {rows / t_us / 1e6:8.2f} M rows/s   "
          f"x{t_ob / t_us:,.0f} faster")

    german(rows)


# The German credit data's shape (Statlog, UCI: 7 numeric attributes and 13
# categorical ones coded A11, A12, …), synthetic rows.
GERMAN_NUM = ["duration", "amount", "installment_rate", "residence", "age", "credits", "liable"]
GERMAN_CAT = {
    "status": 4, "history": 5, "purpose": 10, "savings": 5, "employment": 5, "personal": 4,
    "debtors": 3, "property": 4, "plans": 3, "housing": 3, "job": 4, "telephone": 2, "foreign": 2,
}


def german_data(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Text categories as read_csv gives them (object columns of str)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    z = np.full(rows, -1.0)
    for i, n in enumerate(GERMAN_NUM):
        x = rng.gamma(2.0 + i, 10.0, rows).round()
        z += (x - x.mean()) / (x.std() + 1) * 0.1
        cols[n] = x
    for k, (n, levels) in enumerate(GERMAN_CAT.items()):
        codes = rng.integers(0, levels, rows)
        z += (codes - levels / 2) * 0.05
        names = np.array([f"A{k + 11}{j + 1}" for j in range(levels)], dtype=object)
        cols[n] = names[codes]
    y = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame(cols), y


def german(rows: int) -> None:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    names = GERMAN_NUM + list(GERMAN_CAT)
    train, y = german_data(20_000, 3)
    test, _ = german_data(rows, 4)
    bp = BinningProcess(names, categorical_variables=list(GERMAN_CAT))
    osc = Scorecard(binning_process=bp, estimator=LogisticRegression(max_iter=1000), scaling_method="pdo_odds",
                    scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600}, rounding=True)
    osc.fit(train, y)
    ours = credit.Scorecard.from_optbinning(osc, name="german", no_match="zero", classes=CLASSES)
    t_ob, ob = timed(lambda: np.asarray(osc.score(test)), runs=1)
    t_us, us = timed(lambda: ours.score_batch(test, output="numpy")["score"])
    diff = int(np.sum(ob != us))
    print(f"optbinning, German-credit shape (7 numeric, 13 text categorical): {rows} rows; scores differing: {diff}")
    print(f"  optbinning Scorecard.score {t_ob * 1e3:10.1f} ms  {rows / t_ob / 1e6:8.2f} M rows/s")
    print(f"  credit score_batch         {t_us * 1e3:10.1f} ms  {rows / t_us / 1e6:8.2f} M rows/s   "
          f"x{t_ob / t_us:,.0f} faster")
    cat = test.astype({n: "category" for n in GERMAN_CAT})
    t_cat, _ = timed(lambda: ours.score_batch(cat, output="numpy")["score"])
    print(f"  credit, pandas categorical columns {t_cat * 1e3:6.1f} ms (the text mapping costs "
          f"{(t_us - t_cat) * 1e3:.1f} ms)")
    # read_csv hands equal strings over as one object (decoded once); the
    # worst case is a distinct object per cell.
    distinct = test.assign(**{n: np.array(["".join(list(v)) for v in test[n]], dtype=object) for n in GERMAN_CAT})
    t_dis, _ = timed(lambda: ours.score_batch(distinct, output="numpy")["score"])
    print(f"  credit, a distinct str object per cell {t_dis * 1e3:6.1f} ms")
    t_pd, _ = timed(lambda: [pd.Categorical(test[n].to_numpy(dtype=object)) for n in GERMAN_CAT])
    print(f"  (the former path built pd.Categorical per text column: {t_pd * 1e3:.1f} ms before scoring)")


if __name__ == "__main__":
    main()
