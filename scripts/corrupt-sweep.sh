#!/usr/bin/env bash
# Corruption sweep: every capture under tests/ corrupted by `editcap -E RATE --seed SEED`
# (Wireshark's own way of damaging captures on purpose), fed to `tcplens analyze` and to
# tshark with the tcplens plugin. Fails on a crash, a hang, a panic caught inside the plugin
# (its expert error "tcplens failed on this frame"), or an exit code tcplens does not
# document.
#
#   scripts/corrupt-sweep.sh [--rates "0.001 0.01 0.05"] [--seeds "1 2 3"] [--no-tshark]
#                            [--valgrind]
#
# --valgrind runs `tcplens analyze` under valgrind memcheck (any error fails); for the
# plugin under valgrind, see scripts/valgrind-plugin.sh.
#
# `make test` runs the fixed small set --rates "0.01 0.1" --seeds "1" ; the defaults are the
# wider sweep of the robustness note.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=scripts/plugin-env.sh
. scripts/plugin-env.sh

rates="0.001 0.01 0.05 0.2"
seeds="1 2 3 4 5"
use_tshark=1
under=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --no-tshark) use_tshark=0; shift ;;
    --valgrind) under=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite); shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "corrupt-sweep: unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v editcap >/dev/null || { echo "corrupt-sweep: editcap missing (apt install tshark)" >&2; exit 1; }
build_tcplens

work=$(mktemp -d /tmp/tcplens-sweep.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"   # tshark may run as nobody
if [ "$use_tshark" -eq 1 ]; then
  plugin_home "$work/home"
fi

mapfile -t captures < <(find tests -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
tried=0
failed=0
fail() {
  echo "corrupt-sweep: FAIL $*" >&2
  failed=$((failed + 1))
}

for cap in "${captures[@]}"; do
  for rate in $rates; do
    for seed in $seeds; do
      out="$work/home/$(basename "$cap").E$rate.s$seed"
      mkdir -p "$work/home"
      editcap -E "$rate" --seed "$seed" "$cap" "$out" >/dev/null 2>&1 || { fail "editcap on $cap"; continue; }
      chmod a+r "$out"
      tried=$((tried + 1))
      what="$(basename "$cap") -E $rate --seed $seed"

      rc=0
      timeout 300 "${under[@]}" "$TCPLENS_BIN" analyze --format jsonl "$out" >/dev/null 2>"$work/err" || rc=$?
      case $rc in
        0|6) ;;   # analysed; or damaged part-way (editcap -E keeps the file's structure)
        124) fail "tcplens hangs on $what" ;;
        99) fail "valgrind errors in tcplens on $what: $(head -c 600 "$work/err")" ;;
        *) fail "tcplens exit $rc on $what: $(head -c 300 "$work/err")" ;;
      esac

      if [ "$use_tshark" -eq 1 ]; then
        rc=0
        as_tshark_user "$work/home" timeout 120 tshark -n -r "$out" -T fields \
          -e frame.number -e tcplens.stream -e _ws.expert.message \
          >"$work/tshark.out" 2>"$work/tshark.err" || rc=$?
        if [ "$rc" -ne 0 ]; then
          # editcap -E keeps the file's structure: any failure is a crash (>= 128), a hang
          # (124) or the plugin breaking tshark.
          fail "tshark with the plugin: exit $rc on $what: $(head -c 300 "$work/tshark.err")"
        elif grep -q 'tcplens failed on this frame' "$work/tshark.out"; then
          fail "the plugin caught a panic on $what: frame(s) $(grep 'tcplens failed' "$work/tshark.out" | cut -f1 | head -5 | tr '\n' ' ')"
        fi
      fi
    done
  done
done

grep -q . "$work/tshark.out" 2>/dev/null || [ "$use_tshark" -eq 0 ] || fail "tshark printed nothing"
echo "corrupt-sweep: ${tried} corrupted captures (${#captures[@]} captures x rates {$rates} x seeds {$seeds}), tshark: $([ "$use_tshark" -eq 1 ] && echo yes || echo no), failures: $failed"
[ "$failed" -eq 0 ]
