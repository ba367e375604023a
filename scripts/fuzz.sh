#!/usr/bin/env bash
# Runs the fuzz targets (cargo fuzz, libFuzzer with AddressSanitizer and LeakSanitizer) on
# seed corpora built from tests/captures.
#
#   scripts/fuzz.sh [--time SECONDS | --runs N] [--max-len BYTES] [--sanitizer address|leak]
#                   [TARGET...]
#
# Default: every target (decode analyzer reader c_abi) for 20 s each (`make test`: 15 s).
# Built with AddressSanitizer (or --sanitizer leak: LeakSanitizer alone, about twice as fast,
# for long runs of targets without unsafe code) and debug assertions, so an arithmetic
# overflow is a crash too.
# The long runs of the robustness note: scripts/fuzz.sh --runs 10000000 (one target at a
# time; the last "Done N runs" line of each is the count). A crash, a hang (-timeout), a
# leak or an out-of-memory (-rss_limit_mb) fails the script and leaves the input in
# fuzz/artifacts/TARGET/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

limit=(-max_total_time=20)
max_len=4096
sanitizer=address
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit=("-max_total_time=$2"); shift 2 ;;
    --runs) limit=("-runs=$2"); shift 2 ;;
    --max-len) max_len=$2; shift 2 ;;
    --sanitizer) sanitizer=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(decode analyzer reader records c_abi)

command -v cargo-fuzz >/dev/null 2>&1 || { echo "fuzz.sh: cargo-fuzz missing: make deps" >&2; exit 1; }
cargo +nightly --version >/dev/null 2>&1 || { echo "fuzz.sh: no nightly toolchain: make deps" >&2; exit 1; }

python3 scripts/fuzz-corpus.py fuzz/corpus >/dev/null

for t in "${targets[@]}"; do
  echo "fuzz.sh: $t ${limit[*]}"
  # Small inputs keep the executions fast; a frame sequence of 4 KiB (the default
  # --max-len) still holds dozens of segments, and the corpora's longer captures are cut
  # to that length.
  # Inputs that once crashed (fuzz/regressions/TARGET) are replayed first, every run.
  regressions=()
  [ -d "fuzz/regressions/$t" ] && regressions=("regressions/$t")
  (cd fuzz && cargo +nightly fuzz run -s "$sanitizer" --debug-assertions --jobs 1 "$t" "corpus/$t" "${regressions[@]}" -- \
      "${limit[@]}" "-max_len=$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      2>&1) | tee "fuzz/last-$t.log" | grep -E '^Done|^stat::number_of_executed_units|ERROR|panicked' || true
  grep -q '^Done [0-9]* runs' "fuzz/last-$t.log" || {
    echo "fuzz.sh: $t failed, see fuzz/last-$t.log and fuzz/artifacts/$t/" >&2
    tail -40 "fuzz/last-$t.log" >&2
    exit 1
  }
done
