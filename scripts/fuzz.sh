#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for SECONDS each (default 60)
# and prints the executions per target. Crash inputs are written to
# fuzz/regressions/TARGET/, where the test command replays them: commit
# them with the fix. The working corpus lives in target/fuzz-corpus/
# (not committed); fuzz/seeds/ are the committed seeds (scripts/fuzz_seeds.py).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#   KEEP_GOING=1 scripts/fuzz.sh 3600   # long run: report crashes, do not stop
#
# Stable toolchain only: cargo-fuzz runs with RUSTC_BOOTSTRAP=1 and
# --sanitizer none (libFuzzer's coverage guidance without ASan); it is
# installed from crates.io if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(terms policy scorecard plans book ffi)
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --version 0.13.2 --quiet
fi
cd fuzz
cargo fuzz build --sanitizer none 2>&1 | grep -v "^ *Compiling" || true
status=0
total=0
for t in "${TARGETS[@]}"; do
    corpus="$ROOT/target/fuzz-corpus/$t"
    mkdir -p "$corpus" "regressions/$t"
    log="$ROOT/target/fuzz-$t.log"
    set +e
    cargo fuzz run --sanitizer none "$t" "$corpus" "seeds/$t" -- \
        -max_total_time="$SECS" -max_len=4096 -timeout=30 -rss_limit_mb=4096 \
        -artifact_prefix="regressions/$t/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    total=$((total + execs))
    if [ $rc -eq 0 ]; then
        printf '%-10s %12s execs  %4ss  ok\n' "$t" "$execs" "$SECS"
    else
        printf '%-10s %12s execs  %4ss  CRASH (exit %s), see %s and fuzz/regressions/%s/\n' \
            "$t" "$execs" "$SECS" "$rc" "$log" "$t"
        grep -m 20 -E 'panicked|ERROR|step [0-9]+:' "$log" || true
        status=1
        [ "${KEEP_GOING:-0}" = 1 ] || break
    fi
done
echo "total $total execs"
exit $status
