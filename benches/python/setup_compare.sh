#!/usr/bin/env bash
# Makes target/bench-venv: credit (release wheel) + scorecardpy + optbinning,
# for benches/python/compare_tools.py. Not part of the test command: these
# tools are not dependencies of credit. pandas 2: scorecardpy 0.1.9.7 does
# not run on pandas 3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/bench-venv"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check maturin==1.16.0 \
    scorecardpy==0.1.9.7 optbinning==1.0.0 pandas==2.2.3 numpy==2.4.6
"$VENV/bin/maturin" build --quiet --release -m credit-py/Cargo.toml -o "$ROOT/target/bench-wheels"
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$ROOT"/target/bench-wheels/credit-*.whl
echo "ready: $VENV/bin/python benches/python/compare_tools.py"
