"""Shared paths for the Python tests."""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def read_cases(name: str) -> list[tuple[str, list[str]]]:
    """The cases of a shared vectors file in tests/conformance: each case's
    name and its lines (comments and blank lines left out)."""
    out: list[tuple[str, list[str]]] = []
    cur: tuple[str, list[str]] | None = None
    for raw in (ROOT / "tests" / "conformance" / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("case "):
            cur = (line[5:], [])
        elif line == "end":
            assert cur is not None
            out.append(cur)
            cur = None
        else:
            assert cur is not None
            cur[1].append(line)
    return out
