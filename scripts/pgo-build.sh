#!/usr/bin/env bash
# The release binary to ship and to benchmark (issue 15): `iamx` optimised with the profile of
# its own runs, by LLVM (profile-guided optimisation, PGO) and then BOLT (code layout).
#
# 1. builds `iamx` instrumented (`-Cprofile-generate`) and runs it on the training set: a
#    generated 1,000-role platform-team project and a variant of it (scripts/gen-bench-project.py:
#    check, verify, diff, build, fmt), the shipped examples (check, verify, build) and plain IAM
#    JSON (check of the documents built, of the policies in tests/data and of 582 AWS managed
#    policies), so every stage of the compiler, the verifier and the JSON checks is profiled;
# 2. merges the profiles with the `llvm-profdata` of rustc's own LLVM version and builds `iamx`
#    again with them (`-Cprofile-use`, relocations kept for BOLT);
# 3. when `llvm-bolt` is at hand: instruments that binary, runs the training set again, and lets
#    BOLT lay the code out by the profile (hot code together, cold code split off);
# 4. checks that the result gives the examples and the training project byte-identical build
#    output, verification reports and diagnostics to the plain `cargo build --release`'s: these
#    tools change how the code is laid out, never what it does.
#
# Usage: scripts/pgo-build.sh [--install-llvm] [--no-bolt]
#   --install-llvm  install Debian's `llvm-N` and `bolt-N` (apt-get) when missing (CI)
#   --no-bolt       stop after the PGO build
# Out: $CARGO_TARGET_DIR/pgo/iamx (default target/pgo/iamx), the profile beside it; the path of
# the binary on the last line of standard output.
# Environment: CARGO_TARGET_DIR; LLVM_PROFDATA (an llvm-profdata whose major version is rustc's
# LLVM's, `rustc -vV`), else the one of rustup's llvm-tools, else `llvm-profdata-N` or
# /usr/lib/llvm-N/bin/llvm-profdata (Debian's `llvm-N`); LLVM_BOLT (with merge-fdata beside
# it), else /usr/lib/llvm-N/bin/llvm-bolt (Debian's `bolt-N`).
#
# The training set is not the benchmark's: scripts/bench.sh times 10,000 and 100,000 roles.
set -euo pipefail

install_llvm=0
bolt_wanted=1
for argument in "$@"; do
    case "$argument" in
        --install-llvm) install_llvm=1 ;;
        --no-bolt) bolt_wanted=0 ;;
        *) echo "usage: scripts/pgo-build.sh [--install-llvm] [--no-bolt]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$target"
target=$(realpath "$target")
out=$target/pgo

llvm_major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
host=$(rustc -vV | sed -n 's/^host: //p')
# The first executable of the arguments, or nothing.
first_executable() {
    local candidate
    for candidate in "$@"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
}
find_tools() {
    profdata=${LLVM_PROFDATA:-$(first_executable \
        "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata" \
        "$(command -v "llvm-profdata-$llvm_major" || true)" \
        "/usr/lib/llvm-$llvm_major/bin/llvm-profdata")}
    bolt=${LLVM_BOLT:-$(first_executable "/usr/lib/llvm-$llvm_major/bin/llvm-bolt")}
}
find_tools
if [ "$install_llvm" = 1 ] && { [ -z "$profdata" ] || { [ "$bolt_wanted" = 1 ] && [ -z "$bolt" ]; }; }; then
    echo "pgo-build: installing llvm-$llvm_major and bolt-$llvm_major (Debian packages)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "llvm-$llvm_major" "bolt-$llvm_major" >/dev/null
    find_tools
fi
if [ -z "$profdata" ]; then
    echo "error: no llvm-profdata for LLVM $llvm_major (rustc's); install one of:" >&2
    echo "  rustup component add llvm-tools        # then rerun" >&2
    echo "  apt-get install llvm-$llvm_major       # Debian, Ubuntu" >&2
    echo "or set LLVM_PROFDATA to its path" >&2
    exit 2
fi
if [ "$bolt_wanted" = 1 ] && [ -z "$bolt" ]; then
    echo "pgo-build: no llvm-bolt (Debian's bolt-$llvm_major, or LLVM_BOLT): PGO only" >&2
    bolt_wanted=0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out" "$work/profiles" "$work/bolt"
python3 scripts/gen-bench-project.py "$work/p1000" 1000 10 >/dev/null
python3 scripts/gen-bench-project.py "$work/p1000-v2" 1000 10 --variant 50 >/dev/null
# IAM JSON as accounts hold it: AWS's managed policies (moto's pinned set, the tests' own,
# written by scripts/moto.sh before CI gets here), one file each, but for the first 1,000 by
# name. `scripts/bench.sh` measures `check` of the first 1,000 by name of a set no smaller, so
# the profile has seen none of the policies measured. Left out, with a message, where the set
# cannot be had (no pip index).
managed=${IAMX_MANAGED_POLICIES:-$target/aws-managed-policies.json}
if [ -f "$managed" ] || scripts/aws-managed-policies.sh "$managed" >/dev/null; then
    python3 - "$managed" "$work/managed" <<'PY'
import json, os, sys
policies = json.load(open(sys.argv[1]))
os.makedirs(sys.argv[2])
for name in sorted(policies)[1000:]:
    with open(os.path.join(sys.argv[2], name + ".json"), "w") as out:
        json.dump(policies[name]["Document"], out, indent=2)
PY
else
    echo "pgo-build: no AWS managed policies to train on" >&2
fi

# Runs the training set with the binary `$1`. Findings (exit 1) and undecided proofs (3) are
# runs like any other; a usage error (2) would have trained nothing, and a crash is a bug: both
# stop the script.
train() {
    local binary=$1
    run() {
        local status=0
        "$binary" "$@" --color never >/dev/null 2>&1 || status=$?
        if [ "$status" -eq 2 ] || [ "$status" -gt 3 ]; then
            echo "error: \`iamx $*\` exited with $status while training" >&2
            exit 1
        fi
    }
    for round in 1 2 3; do
        run check "$work/p1000"
        run verify "$work/p1000"
        run diff "$work/p1000" "$work/p1000-v2"
        if compgen -G "$work/managed/*.json" >/dev/null; then
            run check "$work"/managed/*.json
        fi
    done
    rm -rf "$work/build"
    run build "$work/p1000" -o "$work/build/p1000"
    run fmt --check "$work/p1000"
    for project in examples/*; do
        run check "$project"
        run verify "$project"
        run build "$project" -o "$work/build/$(basename "$project")"
    done
    # Plain IAM JSON, as `iamx check` reads what accounts hold: the documents just built, and
    # the test data's policies with their findings.
    for output in "$work"/build/*; do
        run check "$output"
    done
    run check tests/data/lints.json tests/data/unknown-key.json tests/data/invalid.json
}

echo "== instrumented build and training (PGO)" >&2
RUSTFLAGS="-Cprofile-generate=$work/profiles" \
    cargo build --release --quiet --target-dir "$target/pgo-generate"
train "$target/pgo-generate/release/iamx"
"$profdata" merge -o "$out/iamx.profdata" "$work/profiles"

echo "== build with the profile" >&2
flags="-Cprofile-use=$out/iamx.profdata"
if [ "$bolt_wanted" = 1 ]; then
    # BOLT moves functions, which needs the relocations the linker would otherwise drop.
    flags="$flags -Clink-arg=-Wl,--emit-relocs"
fi
RUSTFLAGS="$flags" cargo build --release --quiet --target-dir "$target/pgo-use"
cp "$target/pgo-use/release/iamx" "$out/iamx"

if [ "$bolt_wanted" = 1 ]; then
    echo "== instrumented by BOLT, training, layout" >&2
    "$bolt" "$out/iamx" -instrument -o "$work/iamx-instrumented" \
        --instrumentation-file="$work/bolt/profile" --instrumentation-file-append-pid \
        >/dev/null
    train "$work/iamx-instrumented"
    "$(dirname "$bolt")/merge-fdata" "$work"/bolt/profile.*.fdata >"$out/iamx.fdata" 2>/dev/null
    "$bolt" "$out/iamx" -o "$work/iamx-bolted" -data="$out/iamx.fdata" \
        -reorder-blocks=ext-tsp -reorder-functions=cdsort -split-functions -split-all-cold \
        -split-eh -icf=all -use-gnu-stack -update-debug-sections >/dev/null
    mv "$work/iamx-bolted" "$out/iamx"
fi

echo "== the same output as the plain release build" >&2
cargo build --release --quiet --target-dir "$target"
plain=$target/release/iamx
for project in examples/* "$work/p1000"; do
    name=$(basename "$project")
    for build in plain optimised; do
        binary=$plain
        [ "$build" = optimised ] && binary=$out/iamx
        "$binary" build "$project" -o "$work/$build-$name" >/dev/null 2>&1 || true
        "$binary" verify "$project" --format json >"$work/$build-$name.json" 2>/dev/null || true
        "$binary" check "$project" --diagnostics json >"$work/$build-$name-check.json" \
            2>/dev/null || true
    done
    if ! diff -r "$work/plain-$name" "$work/optimised-$name" >/dev/null ||
        ! cmp -s "$work/plain-$name.json" "$work/optimised-$name.json" ||
        ! cmp -s "$work/plain-$name-check.json" "$work/optimised-$name-check.json"; then
        echo "error: the optimised build's output for $project differs from the plain build's" >&2
        exit 1
    fi
    if [ ! -s "$work/plain-$name.json" ] || [ ! -s "$work/plain-$name-check.json" ] ||
        [ ! -f "$work/plain-$name/manifest.json" ]; then
        echo "error: no build or verification report for $project to compare" >&2
        exit 1
    fi
done
echo "$out/iamx"
