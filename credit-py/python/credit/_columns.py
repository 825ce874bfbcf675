"""Columns handed to the bulk loaders, converted with numpy as whole arrays
(never one Python object per cell): called by
:meth:`credit.CreditBook.load_open_items`."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from credit._errors import ValidationError


def days(col: Any, name: str) -> Optional[np.ndarray]:
    """Days since 1970-01-01 (``int64``) of a ``datetime64`` column, or None
    if the column is not one (its cells are then read one by one).

    A missing date (NaT), a time of day other than midnight (the date would
    be rounded) or a time zone is a ValidationError naming the row."""
    dtype = getattr(col, "dtype", None)
    if dtype is None or getattr(dtype, "kind", "") != "M":
        return None
    if getattr(dtype, "tz", None) is not None:
        raise ValidationError(
            f"{name}: the column has a time zone ({dtype}); pass calendar dates (e.g. .dt.tz_localize(None).dt.normalize())"
        )
    arr = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
    if arr.ndim != 1:
        raise ValidationError(f"{name}: expected one dimension, got {arr.ndim}")
    nat = np.isnat(arr)
    if nat.any():
        raise ValidationError(f"row {int(np.argmax(nat))}: {name} is missing (NaT)")
    d = arr.astype("datetime64[D]")
    timed = d != arr
    if timed.any():
        i = int(np.argmax(timed))
        raise ValidationError(
            f"row {i}: {name} {arr[i]} has a time of day; pass dates (e.g. .dt.normalize())"
        )
    return np.ascontiguousarray(d.view(np.int64))
