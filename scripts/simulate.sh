#!/usr/bin/env bash
# Runs the deterministic simulation of the book (tests/harness/src/sim.rs)
# over a long range of seeds, optimised, and prints what it did. A failing
# seed is printed with the command that replays it.
#
#   scripts/simulate.sh [FIRST] [LAST] [STEPS]    # default 0 2000 400
set -euo pipefail
cd "$(dirname "$0")/.."
FIRST=${1:-0}
LAST=${2:-2000}
STEPS=${3:-400}
SIM_SEEDS="$FIRST..$LAST" SIM_STEPS="$STEPS" \
    cargo test --release --locked -p credit-harness --test simulation -- --nocapture
