#!/usr/bin/env bash
# The whole-process benchmark: tcplens against tshark 4.0, tcptrace and two floors (libpcap's
# read loop, and a walk of tcplens's own reader's records) on one generated capture, interleaved and repeated; then the plugin's added instructions
# per packet inside tshark (callgrind). Prints a Markdown report and writes it to
# target/bench/results.md; progress goes to stderr.
#
#   bash scripts/bench.sh [--packets N] [--conns M] [--repeat R] [--snaplen S] [--skip-callgrind]
#
# Ratios, not absolute times, are the figures: the machine may be shared and noisy.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/bench.sh [OPTIONS]
  --packets N        packets in the generated capture (default 5000000)
  --conns M          conversations open at once (default 100000)
  --repeat R         rounds of the eight commands, interleaved (default 3)
  --snaplen S        cut every packet to S bytes (default 65535: whole packets)
  --skip-callgrind   skip the plugin's instructions-per-packet measurement
EOF
}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

PACKETS=5000000
CONNS=100000
REPEAT=3
SNAPLEN=65535
SEED=1
CALLGRIND=1
# The plugin measurement: the marginal cost of the packets between two prefixes of the
# same generated capture, so tshark's start-up (and the plugin's registration) cancels out.
CG_SMALL=2000
CG_LARGE=22000
CG_CONNS=1000

positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, not '$2'"; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --packets) positive_int "$1" "${2-}"; PACKETS=$2; shift 2 ;;
    --conns) positive_int "$1" "${2-}"; CONNS=$2; shift 2 ;;
    --repeat) positive_int "$1" "${2-}"; REPEAT=$2; shift 2 ;;
    --snaplen) positive_int "$1" "${2-}"; SNAPLEN=$2; shift 2 ;;
    --skip-callgrind) CALLGRIND=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# 1. Dependencies and the release build.
say "installing what is missing (scripts/install-deps.sh --for bench)"
bash scripts/install-deps.sh --for bench >&2
export PATH="$HOME/.cargo/bin:$PATH"
say "cargo build --release --workspace"
cargo build --release --workspace >&2
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release
for exe in tcplens tcplens-gen pcap-floor records-floor; do
  [ -x "$BIN/$exe" ] || die "$BIN/$exe was not built"
done
for tool in tshark tcptrace valgrind setpriv; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/install-deps.sh installs it)"
done
TIME=/usr/bin/time
[ -x "$TIME" ] || die "GNU time ($TIME) not found: apt-get install time"

OUT=$TARGET/bench
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A private, empty HOME: tshark loads no personal plugin (no tcplens.so) and no
# personal preferences during the comparisons.
TSHARK_HOME=$WORK/home
mkdir -p "$TSHARK_HOME"

# 2. The capture, cached by its parameters and the generator's source.
GEN_HASH=$(cat bench/src/gen.rs bench/Cargo.toml | sha256sum | cut -c1-12)
capture() { # packets conns -> path
  local path="$OUT/gen-n$1-c$2-seed$SEED-snap$SNAPLEN-$GEN_HASH.pcap"
  if [ -s "$path" ]; then
    say "capture cached: $path"
  else
    say "generating $path"
    "$BIN/tcplens-gen" -o "$path.tmp" -n "$1" -c "$2" --seed "$SEED" --snaplen "$SNAPLEN" >&2
    mv "$path.tmp" "$path"
  fi
  printf '%s\n' "$path"
}
CAP=$(capture "$PACKETS" "$CONNS")
counted=$("$BIN/pcap-floor" "$CAP" | awk '{print $1}')
[ "$counted" = "$PACKETS" ] || die "$CAP holds $counted packets, not $PACKETS"

# 3. The nine commands. Each prints to stdout, which goes to /dev/null. tcptrace gets -n:
# by default it looks up every address in DNS, which measures the resolver (and hangs
# without one); tshark resolves no addresses by default either.
NAMES=(tcplens_conns tcplens_conns2 tcplens_jsonl tcplens_jsonl2 tshark_fields tshark_r tcptrace floor records_floor)
label() {
  case "$1" in
    tcplens_conns) echo 'tcplens conns --threads 1' ;;
    tcplens_conns2) echo 'tcplens conns --threads 2' ;;
    tcplens_jsonl) echo 'tcplens analyze --format jsonl --threads 1' ;;
    tcplens_jsonl2) echo 'tcplens analyze --format jsonl --threads 2' ;;
    tshark_fields) echo 'tshark -T fields -e tcp.stream -e tcp.analysis.flags' ;;
    tshark_r) echo 'tshark -r (summary lines)' ;;
    tcptrace) echo 'tcptrace -n -l -r' ;;
    floor) echo 'pcap-floor (libpcap read loop)' ;;
    records_floor) echo "records-floor (tcplens's reader, records only)" ;;
  esac
}
command_of() { # name capture -> CMD (array)
  case "$1" in
    tcplens_conns) CMD=("$BIN/tcplens" conns --no-progress --threads 1 "$2") ;;
    tcplens_conns2) CMD=("$BIN/tcplens" conns --no-progress --threads 2 "$2") ;;
    tcplens_jsonl) CMD=("$BIN/tcplens" analyze --no-progress --threads 1 --format jsonl "$2") ;;
    tcplens_jsonl2) CMD=("$BIN/tcplens" analyze --no-progress --threads 2 --format jsonl "$2") ;;
    tshark_fields) CMD=(env -u XDG_CONFIG_HOME HOME="$TSHARK_HOME"
      tshark -r "$2" -T fields -e tcp.stream -e tcp.analysis.flags) ;;
    tshark_r) CMD=(env -u XDG_CONFIG_HOME HOME="$TSHARK_HOME" tshark -r "$2") ;;
    tcptrace) CMD=(tcptrace -n -l -r "$2") ;;
    floor) CMD=("$BIN/pcap-floor" "$2") ;;
    records_floor) CMD=("$BIN/records-floor" "$2") ;;
  esac
}

declare -A CPU WALL RSS
CMD=()
measure() { # name round -> appends to CPU/WALL/RSS
  local t="$WORK/time" err="$WORK/$1.stderr"
  say "round $2/$REPEAT: $(label "$1")"
  command_of "$1" "$CAP"
  if ! "$TIME" -o "$t" -f '%U %S %e %M' "${CMD[@]}" >/dev/null 2>"$err"; then
    tail -n 5 "$err" >&2
    die "$(label "$1") failed on $CAP"
  fi
  local user sys wall kb
  read -r user sys wall kb <"$t"
  CPU[$1]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
  WALL[$1]+="$wall "
  RSS[$1]+="$kb "
  say "  cpu $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s, wall $wall s, peak RSS $((kb / 1024)) MiB"
}

say "warming the page cache"
cat "$CAP" >/dev/null
for ((round = 1; round <= REPEAT; round++)); do
  for name in "${NAMES[@]}"; do
    measure "$name" "$round"
  done
done

median() { # values... -> median
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A MCPU MWALL MRSS
for name in "${NAMES[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  MCPU[$name]=$(median ${CPU[$name]})
  # shellcheck disable=SC2086
  MWALL[$name]=$(median ${WALL[$name]})
  # shellcheck disable=SC2086
  MRSS[$name]=$(median ${RSS[$name]})
done

calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# a / b as "12.3×", guarding a zero denominator (a command faster than GNU time's 10 ms).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
  if (b <= 0) print "n/a (under 10 ms)"; else if (a / b < 10) printf "%.2f×\n", a / b; else printf "%.1f×\n", a / b }'; }
# value op bound -> ✔ or ✘
check() { awk -v v="$1" -v b="$3" -v op="$2" 'BEGIN {
  ok = (v !~ /^n\/a/) && ((op == ">=") ? (v + 0 >= b) : (v + 0 <= b)); print ok ? "✔" : "✘" }'; }

# 4. The plugin's added instructions per packet inside tshark (callgrind).
TSHARK_MM=$(tshark --version | awk 'NR == 1 { split($3, v, "."); print v[1] "." v[2] }')
as_tshark_user() { # home args... : tshark's personal plugin folder is ignored as root
  if [ "$(id -u)" -eq 0 ]; then
    env -u XDG_CONFIG_HOME HOME="$1" setpriv --reuid=65534 --regid=65534 --clear-groups "${@:2}"
  else
    env -u XDG_CONFIG_HOME HOME="$1" "${@:2}"
  fi
}
callgrind_ir() { # home capture mode(no|yes|expert) -> total instructions
  local home=$1 cap=$2
  local out=$cap.$3.callgrind
  local args=(-r "$cap")
  [ "$3" = yes ] && args+=(-T fields -e tcp.stream)
  # -z expert: expert infos can be seen, so the plugin analyses every frame.
  [ "$3" = expert ] && args+=(-q -z expert)
  as_tshark_user "$home" valgrind --tool=callgrind --callgrind-out-file="$out" \
    tshark "${args[@]}" >/dev/null 2>"$out.stderr" \
    || { tail -n 5 "$out.stderr" >&2; die "tshark under callgrind failed"; }
  awk '/^(summary|totals):/ { print $2; exit }' "$out"
}
cg_args() { case "$1" in yes) echo '-T fields -e tcp.stream, ' ;; expert) echo '-q -z expert, ' ;; esac; }
declare -A IR
if [ "$CALLGRIND" -eq 1 ]; then
  PLAIN_HOME=$WORK/cg-plain
  PLUGIN_HOME=$WORK/cg-plugin
  plugin_dir=$PLUGIN_HOME/.local/lib/wireshark/plugins/$TSHARK_MM/epan
  mkdir -p "$PLAIN_HOME" "$plugin_dir"
  cp "$BIN/libtcplens.so" "$plugin_dir/tcplens.so"
  for n in "$CG_SMALL" "$CG_LARGE"; do
    c=$(capture "$n" "$CG_CONNS")
    cp "$c" "$PLAIN_HOME/cg-$n.pcap"
    cp "$c" "$PLUGIN_HOME/cg-$n.pcap"
  done
  chmod -R a+rwX "$PLAIN_HOME" "$PLUGIN_HOME"
  chmod a+rx "$WORK"
  # Captured first: with pipefail, grep -q closing the pipe early would fail tshark.
  plugins=$(as_tshark_user "$PLUGIN_HOME" tshark -G plugins 2>/dev/null || true)
  grep -q tcplens <<<"$plugins" || die "tshark does not load $plugin_dir/tcplens.so"
  plugins=$(as_tshark_user "$PLAIN_HOME" tshark -G plugins 2>/dev/null || true)
  if grep -q tcplens <<<"$plugins"; then
    die "tshark loads a tcplens plugin although HOME=$PLAIN_HOME holds none"
  fi
  for fields in no yes expert; do
    for which in plain plugin; do
      home=$PLAIN_HOME
      [ "$which" = plugin ] && home=$PLUGIN_HOME
      for n in "$CG_SMALL" "$CG_LARGE"; do
        say "callgrind: tshark -r ($(cg_args "$fields")$which, $n packets)"
        IR[$fields.$which.$n]=$(callgrind_ir "$home" "$home/cg-$n.pcap" "$fields")
      done
    done
  done
fi

# 5. The stats of the analysis state, when this tcplens has them.
STATS=""
if "$BIN/tcplens" conns --help | grep -q -- '--stats'; then
  say "tcplens conns --stats"
  "$BIN/tcplens" conns --no-progress --threads 1 --stats "$CAP" >"$OUT/conns-stats.txt" 2>&1 \
    || die "tcplens conns --stats failed: see $OUT/conns-stats.txt"
  STATS=$(grep -E '^tcplens: .*(bytes|per conversation)' "$OUT/conns-stats.txt" | head -n 20 || true)
  [ -n "$STATS" ] || STATS="(no line mentions bytes: see $OUT/conns-stats.txt)"
fi

# 6. The report.
report() {
  local conns=${MCPU[tcplens_conns]} jsonl=${MCPU[tcplens_jsonl]}
  echo "# tcplens whole-process benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no git')."
  echo "Capture: \`$(basename "$CAP")\`: $PACKETS packets, $CONNS conversations open at once, seed $SEED, snaplen $SNAPLEN ($(du -h "$CAP" | cut -f1))."
  echo "Each command ran $REPEAT× (rounds interleaved); figures are medians. CPU = user + sys (GNU time); packets/s = packets ÷ CPU s."
  echo
  echo "| command | CPU s | wall s | packets/s (CPU) | peak RSS MiB | RSS B/packet |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for name in "${NAMES[@]}"; do
    local pps
    pps=$(awk -v n="$PACKETS" -v c="${MCPU[$name]}" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "n/a" }')
    echo "| $(label "$name") | ${MCPU[$name]} | ${MWALL[$name]} | $pps | $(calc '%.0f' "${MRSS[$name]} / 1024") | $(calc '%.0f' "${MRSS[$name]} * 1024 / $PACKETS") |"
  done
  echo
  echo "## Ratios"
  echo
  echo "Each cell is **other ÷ tcplens** (CPU, wall or peak RSS): above 1× tcplens is cheaper."
  echo
  echo "| other | CPU ÷ conns | wall ÷ conns | RSS ÷ conns | CPU ÷ jsonl | wall ÷ jsonl | RSS ÷ jsonl |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for name in tshark_fields tshark_r tcptrace floor records_floor; do
    echo "| $(label "$name") | $(ratio "${MCPU[$name]}" "$conns") | $(ratio "${MWALL[$name]}" "${MWALL[tcplens_conns]}") | $(ratio "${MRSS[$name]}" "${MRSS[tcplens_conns]}") | $(ratio "${MCPU[$name]}" "$jsonl") | $(ratio "${MWALL[$name]}" "${MWALL[tcplens_jsonl]}") | $(ratio "${MRSS[$name]}" "${MRSS[tcplens_jsonl]}") |"
  done
  echo
  echo "## Targets"
  echo
  local r
  r=$(ratio "${MCPU[tshark_fields]}" "$conns")
  echo "- $(check "$r" '>=' 100) tshark -T fields CPU ÷ tcplens conns --threads 1 CPU = ${r} (target ≥ 100×)"
  r=$(ratio "${MCPU[tcptrace]}" "$conns")
  echo "- $(check "$r" '>=' 10) tcptrace -n -l CPU ÷ tcplens conns --threads 1 CPU = ${r} (target ≥ 10×)"
  r=$(ratio "$conns" "${MCPU[floor]}")
  echo "- $(check "$r" '<=' 1.5) tcplens conns --threads 1 CPU ÷ floor CPU = ${r} (target ≤ 1.5×)"
  r=$(ratio "$conns" "${MCPU[records_floor]}")
  echo "- (no target) tcplens conns CPU ÷ records-floor CPU = ${r}: all of it but the reading"
  r=$(ratio "${MCPU[tshark_fields]}" "$jsonl")
  echo "- $(check "$r" '>=' 25) tshark -T fields CPU ÷ tcplens analyze --format jsonl --threads 1 CPU = ${r} (target ≥ 25×)"
  r=$(calc '%.2f' "${MWALL[tcplens_conns2]} / ${MWALL[tcplens_conns]}")
  echo "- $(check "$r" '<=' 0.6) tcplens conns wall, --threads 2 ÷ --threads 1 = ${r} (target ≤ 0.6; $(nproc) CPUs)"
  r=$(calc '%.2f' "${MWALL[tcplens_jsonl2]} / ${MWALL[tcplens_jsonl]}")
  echo "- $(check "$r" '<=' 0.6) tcplens analyze --format jsonl wall, --threads 2 ÷ --threads 1 = ${r} (target ≤ 0.6; $(nproc) CPUs)"
  r=$(ratio "${MRSS[tshark_fields]}" "${MRSS[tcplens_conns]}")
  echo "- $(check "$r" '>=' 10) tshark -T fields peak RSS ÷ tcplens conns peak RSS = ${r} (target ≥ 10×, stated for 5 M packets / 100 k conversations)"
  if [ "$CALLGRIND" -eq 1 ]; then
    local span=$((CG_LARGE - CG_SMALL))
    echo
    echo "## The plugin inside tshark (callgrind)"
    echo
    echo "Instructions per packet = (Ir on $CG_LARGE packets − Ir on its first $CG_SMALL) ÷ $span, so start-up cancels out;"
    echo "tshark $TSHARK_MM run as $([ "$(id -u)" -eq 0 ] && echo 'user nobody (setpriv) ' )with a private HOME, without and with \`tcplens.so\` in its plugin folder. No tcplens field is asked for."
    echo "In a single pass that can show nothing of tcplens (the first two commands) the plugin does not analyse; with \`-z expert\` it does."
    echo
    echo "| tshark command | Ir/packet without | Ir/packet with | added Ir/packet | added % | target | start-up added (Ir) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    local fields bound without with added pct startup cmd
    for fields in no yes expert; do
      case "$fields" in
        yes) cmd='tshark -r F -T fields -e tcp.stream'; bound=10 ;;
        expert) cmd='tshark -r F -q -z expert'; bound='' ;;
        *) cmd='tshark -r F > /dev/null'; bound=5 ;;
      esac
      without=$(calc '%.0f' "(${IR[$fields.plain.$CG_LARGE]} - ${IR[$fields.plain.$CG_SMALL]}) / $span")
      with=$(calc '%.0f' "(${IR[$fields.plugin.$CG_LARGE]} - ${IR[$fields.plugin.$CG_SMALL]}) / $span")
      added=$((with - without))
      pct=$(calc '%.1f' "100 * $added / $without")
      startup=$(calc '%.0f' "${IR[$fields.plugin.$CG_SMALL]} - ${IR[$fields.plain.$CG_SMALL]} - $added * $CG_SMALL")
      if [ -n "$bound" ]; then
        echo "| \`$cmd\` | $without | $with | $added | $pct % | $(check "$pct" '<=' "$bound") ≤ $bound % | $startup |"
      else
        echo "| \`$cmd\` | $without | $with | $added | $pct % | (none: expert infos seen, so the plugin analyses) | $startup |"
      fi
    done
  fi
  if [ -n "$STATS" ]; then
    echo
    echo "## Analysis state (\`tcplens conns --stats\`)"
    echo
    echo '```'
    printf '%s\n' "$STATS"
    echo '```'
  fi
}

report | tee "$OUT/results.md"
say "written: $OUT/results.md"
