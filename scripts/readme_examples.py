#!/usr/bin/env python3
"""Extracts the fenced ```python and ```c examples of README.md into a folder
so the test command can run them (the ```rust ones run as doc tests)."""

from __future__ import annotations

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
text = (root / "README.md").read_text(encoding="utf-8")
blocks = re.findall(r"^```(python|c)\n(.*?)^```", text, flags=re.S | re.M)
counts = {"python": 0, "c": 0}
for lang, body in blocks:
    counts[lang] += 1
    ext = "py" if lang == "python" else "c"
    (out / f"readme_{counts[lang]}.{ext}").write_text(body, encoding="utf-8")
if counts["python"] == 0 or counts["c"] == 0:
    sys.exit(f"README.md must hold at least one python and one c example, found {counts}")
print(f"extracted {counts['python']} python and {counts['c']} c examples")
