#!/usr/bin/env python3
"""Executes a notebook headless (nbclient, the python3 kernel of the
running interpreter's environment) and fails on the first cell error.

    .venv/bin/python scripts/run_notebook.py notebooks/monitoring.ipynb
"""

from __future__ import annotations

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

path = pathlib.Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
if errors:
    sys.exit(f"{path}: {errors[0]['ename']}: {errors[0]['evalue']}")
print(f"{path}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran")
