#!/usr/bin/env bash
# Mutation testing of credit-core (cargo-mutants, installed from crates.io
# if missing): each mutant is a small change to the code (a `>` made `>=`,
# a function returning a default); a test should fail for each. Prints
# caught / missed / unviable / timeout per file, and lists the missed ones.
#
#   scripts/mutants.sh [FILE...]     default: the modules listed below
#   JOBS=2 scripts/mutants.sh credit-core/src/check.rs
#
# Long: about 13 s per mutant on one core. Results in target/mutants/.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=("$@")
[ ${#FILES[@]} -gt 0 ] || FILES=(
    credit-core/src/check.rs credit-core/src/money.rs credit-core/src/money/exact.rs
    credit-core/src/bounds.rs credit-core/src/json.rs credit-core/src/tagged.rs
    credit-core/src/customer.rs credit-core/src/policy.rs credit-core/src/risk.rs
    credit-core/src/engine/snapshot.rs credit-core/src/engine/chunks.rs
    credit-core/src/collections.rs credit-core/src/monitor.rs credit-core/src/ledger.rs
)
if ! cargo mutants --version >/dev/null 2>&1; then
    cargo install cargo-mutants --locked --version 27.1.0 --quiet
fi
# Mutants rebuild the core each time: unoptimised builds are faster here.
export CARGO_PROFILE_DEV_PACKAGE_CREDIT_CORE_OPT_LEVEL=0
args=()
for f in "${FILES[@]}"; do args+=(--file "$f"); done
OUT=target/mutants
mkdir -p "$OUT"
cargo mutants --package credit-core "${args[@]}" --jobs "${JOBS:-1}" --output "$OUT" --no-shuffle || true
python3 - "$OUT/mutants.out/outcomes.json" <<'PY'
import collections, json, sys
data = json.load(open(sys.argv[1]))
per = collections.defaultdict(collections.Counter)
missed = []
for o in data["outcomes"]:
    sc = o.get("scenario")
    if not isinstance(sc, dict) or "Mutant" not in sc:
        continue
    m = sc["Mutant"]
    f = m["file"]
    kind = o["summary"]
    per[f][kind] += 1
    if kind == "MissedMutant":
        missed.append(f'{f}:{m["span"]["start"]["line"]}: {m.get("function", {}).get("function_name", "")}: replace {m.get("genre", "")} {m.get("replacement", "")}')
print(f'{"file":45} {"caught":>7} {"missed":>7} {"unviable":>9} {"timeout":>8}')
for f in sorted(per):
    c = per[f]
    print(f'{f:45} {c["CaughtMutant"]:7} {c["MissedMutant"]:7} {c["Unviable"]:9} {c["Timeout"]:8}')
print("\nmissed:")
print("\n".join(missed) or "(none)")
PY
