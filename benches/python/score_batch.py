"""Throughput of credit.Scorecard.score_batch from Python on numpy columns,
to hold against the criterion bench of the Rust evaluator (same card, same
shape of data: benches/lib.rs `scorecard_json` / `scorecard_columns`).

    .venv/bin/python benches/python/score_batch.py [rows]

Prints rows/s for numpy and pandas output, one and two threads; best of 7
runs after a warm-up (noise: run it twice).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

import credit


def card_json(numeric: int, categorical: int) -> str:
    """The card of benches/lib.rs `scorecard_json`, built the same way."""
    chars = []
    for i in range(numeric):
        pts = [(k * 7 + i) % 23 for k in range(6)]
        chars.append({"name": f"n{i}", "bins": {"type": "numeric", "cuts": [10, 20, 35, 50, 75], "points": pts}, "missing": 3})
    for j in range(categorical):
        chars.append(
            {
                "name": f"c{j}",
                "bins": {
                    "type": "categorical",
                    "categories": [
                        {"values": ["a", "b"], "points": 10 + j % 5},
                        {"values": ["c", "d", "e"], "points": j % 7},
                        {"values": ["f"], "points": 20 - j % 3},
                        {"values": ["g", "h"], "points": -4},
                    ],
                },
            }
        )
    classes = [
        {"class": "E", "max": 320},
        {"class": "D", "min": 320, "max": 360},
        {"class": "C", "min": 360, "max": 400},
        {"class": "B", "min": 400, "max": 450},
        {"class": "A", "min": 450},
    ]
    return json.dumps({"schema_version": 1, "name": "bench", "base_points": 300, "no_match": "zero",
                       "characteristics": chars, "classes": classes})


def best(f, runs: int = 7) -> float:
    f()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(7)
    for numeric, categorical in [(10, 0), (20, 10)]:
        card = credit.Scorecard.from_json(card_json(numeric, categorical))
        cols: dict[str, object] = {}
        for i in range(numeric):
            x = rng.uniform(0, 100, rows)
            x[rng.random(rows) < 0.05] = np.nan
            cols[f"n{i}"] = x
        cats = np.array(list("abcdefghij"))
        for j in range(categorical):
            cols[f"c{j}"] = pd.Categorical(cats[rng.integers(0, 10, rows)])
        frame = pd.DataFrame(cols)
        label = f"{numeric + categorical} chars ({numeric} numeric, {categorical} categorical)"
        for threads in (1, 2):
            t = best(lambda: card.score_batch(cols, output="numpy", threads=threads))
            print(f"{label}, numpy in/out, {threads} thread(s): {t * 1e3:8.2f} ms  {rows / t / 1e6:7.1f} M rows/s")
        t = best(lambda: card.score_batch(frame, threads=1), runs=3)
        print(f"{label}, DataFrame in/out, 1 thread: {t * 1e3:8.2f} ms  {rows / t / 1e6:7.1f} M rows/s")


if __name__ == "__main__":
    main()
