#!/usr/bin/env bash
# Byte-identical output check for restructurings: runs every mode of two builds of tcplens
# over every capture under tests/captures and ../shared/captures, and reports each output
# that differs. A restructuring that changes no behaviour must report 0 differences.
#
#   bash scripts/compare-outputs.sh --snapshot DIR     # record the current build's outputs
#   bash scripts/compare-outputs.sh --against DIR      # compare the current build with them
#
# "The current build" is target/release (tcplens, libtcplens_core.so) plus the C program
# tests/c/tcplens_dump.c compiled against it, and, when tshark is installed, the plugin
# (target/release/libtcplens.so) inside tshark (`-T fields` of every tcplens field, one pass
# and two). Modes per capture: analyze text/jsonl/csv in English and Chinese, --core-lib,
# the C program, conns table/json, conns --diagnose in both languages, diagram, graph and
# report of stream 0.
set -euo pipefail

usage() {
  echo "usage: scripts/compare-outputs.sh (--snapshot DIR | --against DIR) [--no-build] [--no-plugin]" >&2
  exit 2
}

MODE=
DIR=
BUILD=1
PLUGIN=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --snapshot | --against) MODE=${1#--}; DIR=${2-}; [ -n "$DIR" ] || usage; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-plugin) PLUGIN=0; shift ;;
    *) usage ;;
  esac
done
[ -n "$MODE" ] || usage

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$BUILD" -eq 1 ]; then
  cargo build --quiet --release --workspace
fi
BIN=$ROOT/target/release/tcplens
CORE=$ROOT/target/release/libtcplens_core.so
PLUGIN_SO=$ROOT/target/release/libtcplens.so

OUT=$(mktemp -d)
chmod a+rx "$OUT"
trap 'rm -rf "$OUT"' EXIT

# The C program, against this build's core.
DUMP=$OUT/tcplens_dump
cc -std=c11 -D_DEFAULT_SOURCE -O1 -I include tests/c/tcplens_dump.c \
  -L target/release -Wl,-rpath,"$ROOT/target/release" -ltcplens_core -lpcap -o "$DUMP"

captures=()
for f in tests/captures/*.pcap tests/captures/*.pcapng ../shared/captures/*.pcap ../shared/captures/*.pcapng; do
  [ -f "$f" ] && captures+=("$f")
done

# run NAME CMD...: stdout, stderr and the exit code of CMD, in one file.
run() {
  local name=$1
  shift
  local rc=0
  "$@" >"$OUT/cur/$name.out" 2>"$OUT/cur/$name.err" || rc=$?
  echo "$rc" >"$OUT/cur/$name.rc"
}

mkdir -p "$OUT/cur"
for cap in "${captures[@]}"; do
  b=$(basename "$cap")
  run "$b.text" "$BIN" analyze --no-progress "$cap"
  run "$b.text-zh" "$BIN" analyze --no-progress --lang zh "$cap"
  run "$b.jsonl" "$BIN" analyze --format jsonl "$cap"
  run "$b.jsonl-zh" "$BIN" analyze --format jsonl --lang zh "$cap"
  run "$b.csv" "$BIN" analyze --format csv "$cap"
  run "$b.corelib" "$BIN" analyze --format jsonl --core-lib "$CORE" "$cap"
  run "$b.corelib-zh" "$BIN" analyze --format jsonl --lang zh --core-lib "$CORE" "$cap"
  run "$b.c" "$DUMP" "$cap"
  run "$b.conns" "$BIN" conns "$cap"
  run "$b.conns-json" "$BIN" conns --format json "$cap"
  run "$b.diagnose" "$BIN" conns --diagnose "$cap"
  run "$b.diagnose-zh" "$BIN" conns --diagnose --lang zh "$cap"
  run "$b.diagnose-json" "$BIN" conns --diagnose --format json "$cap"
  run "$b.diagram" "$BIN" diagram --stream 0 "$cap"
  run "$b.diagram-zh" "$BIN" diagram --stream 0 --lang zh "$cap"
  run "$b.graph" "$BIN" graph --stream 0 "$cap"
  run "$b.report" "$BIN" report "$cap"
  run "$b.report-zh" "$BIN" report --lang zh "$cap"
done

if [ "$PLUGIN" -eq 1 ] && command -v tshark >/dev/null 2>&1; then
  # shellcheck source=plugin-env.sh
  . scripts/plugin-env.sh
  TCPLENS_SO=$PLUGIN_SO
  home=$OUT/home
  plugin_home "$home"
  fields=$(as_tshark_user "$home" tshark -G fields 2>/dev/null | awk -F'\t' '$1 == "F" && $3 ~ /^tcplens\./ {print $3}' | sort)
  args=()
  for f in $fields; do args+=(-e "$f"); done
  for cap in tests/captures/*.pcap tests/captures/*.pcapng; do
    b=$(basename "$cap")
    run "$b.plugin" as_tshark_user "$home" tshark -r "$cap" -T fields -e frame.number "${args[@]}"
    run "$b.plugin-2" as_tshark_user "$home" tshark -2 -r "$cap" -T fields -e frame.number "${args[@]}"
    run "$b.plugin-expert" as_tshark_user "$home" tshark -q -r "$cap" -z expert
  done
  echo "$fields" >"$OUT/cur/plugin-fields.list"
fi

# Paths inside messages name the temporary folder: make them stable.
find "$OUT/cur" -type f -exec sed -i "s#$OUT#OUT#g" {} +

if [ "$MODE" = snapshot ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  cp -a "$OUT/cur/." "$DIR/"
  echo "compare-outputs: recorded $(find "$DIR" -type f | wc -l) outputs of ${#captures[@]} captures in $DIR"
  exit 0
fi

n=0
differ=0
for f in "$DIR"/*; do
  name=$(basename "$f")
  n=$((n + 1))
  if [ ! -f "$OUT/cur/$name" ]; then
    echo "missing now: $name"
    differ=$((differ + 1))
  elif ! cmp -s "$f" "$OUT/cur/$name"; then
    echo "differs: $name"
    { diff "$f" "$OUT/cur/$name" || true; } | head -5 | sed "s/^/    /"
    differ=$((differ + 1))
  fi
done
for f in "$OUT/cur"/*; do
  [ -f "$DIR/$(basename "$f")" ] || { echo "new output: $(basename "$f")"; differ=$((differ + 1)); }
done
echo "compare-outputs: $n outputs of ${#captures[@]} captures compared, $differ differ"
[ "$differ" -eq 0 ]
