#!/usr/bin/env bash
# Long-budget run of the reference property test (tests/reference_props.rs): random identity /
# boundary pairs checked against the independent reference evaluator in tests/reference/.
#
# Usage: scripts/fuzz-verify.sh [CASES]     (default 20000; or set IAMX_REFERENCE_CASES)
# IAMX_REFERENCE_SEED=N draws other cases than the fixed seed CI uses.
# Prints the summary line
#   N cases: A agree, S soundness bugs, P precision bugs, E explain disagreements
# plus the engine's verdict counts and up to a dozen failing examples, and exits non-zero when
# any bug was found. Builds in release mode; set CARGO_TARGET_DIR to use a private target dir.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-${IAMX_REFERENCE_CASES:-20000}}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
IAMX_REFERENCE_CASES="$cases" cargo test --release --test reference_props \
    engine_agrees_with_the_reference_evaluator -- --nocapture >"$log" 2>&1 || status=$?
if ! grep -E '^[0-9]+ cases: ' "$log"; then
    # The test did not get as far as its summary (build error, panic): show why.
    tail -n 40 "$log"
    exit "${status:-1}"
fi
grep -E '^engine verdicts:' "$log" || true
grep -E -A2 '^(soundness|precision|explain) ' "$log" || true
exit "$status"
