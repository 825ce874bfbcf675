"""Exact import of fitted optbinning scorecards (conversion only: the
fitted objects' numbers become the core's table rows, written so that every
cut point reads back as the same binary float; the core builds and checks
the card)."""

from __future__ import annotations

import json
import math
from typing import Any

from credit._errors import ValidationError


def _bound(x: float) -> str:
    """A cut point as text that parses back to the same float: Python's
    shortest round-trip repr (``0.09537360000000001``, never ``0.10``)."""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(float(x))


def optbinning_rows(scorecard: Any) -> tuple[list[tuple[str, str, float]], dict[str, list[float]]]:
    """(variable, bin, points) rows and special values of a fitted
    ``optbinning.Scorecard``: each numeric variable's bins from its binned
    variable's exact ``splits`` (``(-inf, s0)``, ``[s0, s1)``, …, ``[sn,
    inf)``, as optbinning bins them), each categorical one's from its lists
    of categories, then its ``Special`` and ``Missing`` bins; the points are
    the scorecard table's, unrounded."""
    try:
        process = scorecard.binning_process_
        table = scorecard.table(style="detailed")
    except Exception as e:  # noqa: BLE001 - any failure means not fitted
        raise ValidationError(f"not a fitted optbinning Scorecard: {e}") from None
    rows: list[tuple[str, str, float]] = []
    specials: dict[str, list[float]] = {}
    for var in dict.fromkeys(table["Variable"].tolist()):
        sub = table[table["Variable"] == var]
        texts = [str(b) for b in sub["Bin"].tolist()]
        points = [float(p) for p in sub["Points"].tolist()]
        binned = process.get_binned_variable(var)
        regular = [i for i, t in enumerate(texts) if t not in ("Special", "Missing")]
        if binned.dtype == "numerical":
            edges = [-math.inf, *(float(s) for s in binned.splits), math.inf]
            bins = [
                f"({_bound(edges[k])}, {_bound(edges[k + 1])})" if k == 0
                else f"[{_bound(edges[k])}, {_bound(edges[k + 1])})"
                for k in range(len(edges) - 1)
            ]
        elif binned.dtype == "categorical":
            bins = [json.dumps([str(c) for c in cats]) for cats in binned.splits]
        else:
            raise ValidationError(f"variable {var!r}: optbinning dtype {binned.dtype!r} is not imported")
        if len(bins) != len(regular):
            raise ValidationError(
                f"variable {var!r}: {len(bins)} bins from the splits but {len(regular)} in the table"
            )
        for k, i in enumerate(regular):
            rows.append((var, bins[k], points[i]))
        for i, t in enumerate(texts):
            if t in ("Special", "Missing"):
                rows.append((var, t.lower(), points[i]))
        codes = getattr(binned, "special_codes", None)
        if codes:
            specials[var] = [float(c) for c in codes]
    return rows, specials
