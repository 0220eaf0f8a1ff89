#!/usr/bin/env bash
# A profile-guided release build of `iamx` (PGO): the binary to ship and to benchmark (issue 15).
#
# 1. builds `iamx` instrumented (`-Cprofile-generate`),
# 2. runs it on a training set: a generated 1,000-role platform-team project and a variant of it
#    (scripts/gen-bench-project.py: check, verify, build, diff, fmt) and the shipped examples
#    (check, verify, build), so every stage of the compiler and the verifier is profiled,
# 3. merges the profiles with the `llvm-profdata` of rustc's own LLVM version,
# 4. builds `iamx` again with `-Cprofile-use`, and checks that the two builds compile the
#    examples to byte-identical files (PGO changes how the code is laid out, never what it does).
#
# Usage: scripts/pgo-build.sh [--install-llvm]
#   --install-llvm  install Debian's `llvm-N` (apt-get) when no llvm-profdata is found (CI)
# Out: $CARGO_TARGET_DIR/pgo/iamx (default target/pgo/iamx) and the merged profile beside it.
# Environment: CARGO_TARGET_DIR; LLVM_PROFDATA (an llvm-profdata whose major version is rustc's
# LLVM's, `rustc -vV`), else the one of rustup's llvm-tools, else `llvm-profdata-N` or
# /usr/lib/llvm-N/bin/llvm-profdata (Debian's `llvm-N`).
#
# The training set is not the benchmark's: scripts/bench.sh times 10,000 and 100,000 roles.
set -euo pipefail

install_llvm=0
case "${1:-}" in
    --install-llvm) install_llvm=1 ;;
    "") ;;
    *) echo "usage: scripts/pgo-build.sh [--install-llvm]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$target"
target=$(realpath "$target")
out=$target/pgo

llvm_major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
host=$(rustc -vV | sed -n 's/^host: //p')
find_profdata() {
    local candidate
    for candidate in \
        "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata" \
        "$(command -v "llvm-profdata-$llvm_major" || true)" \
        "/usr/lib/llvm-$llvm_major/bin/llvm-profdata"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
}
profdata=${LLVM_PROFDATA:-$(find_profdata)}
if [ -z "$profdata" ] && [ "$install_llvm" = 1 ]; then
    echo "pgo-build: installing llvm-$llvm_major (Debian package) for llvm-profdata" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "llvm-$llvm_major" >/dev/null
    profdata=$(find_profdata)
fi
if [ -z "$profdata" ]; then
    echo "error: no llvm-profdata for LLVM $llvm_major (rustc's); install one of:" >&2
    echo "  rustup component add llvm-tools        # then rerun" >&2
    echo "  apt-get install llvm-$llvm_major       # Debian, Ubuntu" >&2
    echo "or set LLVM_PROFDATA to its path" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out" "$work/profiles"

echo "== 1/4 instrumented build" >&2
RUSTFLAGS="-Cprofile-generate=$work/profiles" \
    cargo build --release --quiet --target-dir "$target/pgo-generate"
trained=$target/pgo-generate/release/iamx

echo "== 2/4 training" >&2
python3 scripts/gen-bench-project.py "$work/p1000" 1000 10 >/dev/null
python3 scripts/gen-bench-project.py "$work/p1000-v2" 1000 10 --variant 50 >/dev/null
# Exit codes are not the point here (an example may warn); a crash is, and stops the script.
train() {
    local status=0
    "$trained" "$@" --color never >/dev/null 2>&1 || status=$?
    if [ "$status" -gt 3 ]; then
        echo "error: \`iamx $*\` exited with $status while training" >&2
        exit 1
    fi
}
for round in 1 2 3; do
    train check "$work/p1000"
    train verify "$work/p1000"
done
for round in 1 2 3; do
    train diff "$work/p1000" "$work/p1000-v2"
done
train build "$work/p1000" -o "$work/build-p1000"
train fmt --check "$work/p1000"
for project in examples/*; do
    train check "$project"
    train verify "$project"
    train build "$project" -o "$work/build-$(basename "$project")"
done

echo "== 3/4 merging the profiles with $profdata" >&2
"$profdata" merge -o "$out/iamx.profdata" "$work/profiles"

echo "== 4/4 optimised build" >&2
RUSTFLAGS="-Cprofile-use=$out/iamx.profdata" \
    cargo build --release --quiet --target-dir "$target/pgo-use"
cp "$target/pgo-use/release/iamx" "$out/iamx"

# The same output as the plain release build: the build output file for file, and the
# verification's report.
cargo build --release --quiet --target-dir "$target"
plain=$target/release/iamx
for project in examples/* "$work/p1000"; do
    name=$(basename "$project")
    "$plain" build "$project" -o "$work/plain-$name" >/dev/null 2>&1 || true
    "$out/iamx" build "$project" -o "$work/pgo-$name" >/dev/null 2>&1 || true
    "$plain" verify "$project" --format json >"$work/plain-$name.json" 2>/dev/null || true
    "$out/iamx" verify "$project" --format json >"$work/pgo-$name.json" 2>/dev/null || true
    if ! diff -r "$work/plain-$name" "$work/pgo-$name" >/dev/null ||
        ! cmp -s "$work/plain-$name.json" "$work/pgo-$name.json"; then
        echo "error: the PGO build's output for $project differs from the plain build's" >&2
        exit 1
    fi
done
echo "$out/iamx"
