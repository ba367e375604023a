#!/usr/bin/env bash
# valgrind memcheck over tshark with the tcplens plugin, on test captures. Reports every
# error (invalid read/write, uninitialised value, definite leak ...) whose stack passes
# through tcplens code (tcplens.so); glib and Wireshark's own noise is not ours, and
# scripts/valgrind.supp silences the known part of it.
#
#   scripts/valgrind-plugin.sh [CAPTURE...]      (default: every capture in tests/captures)
#
# Exit status 1 if any error involves tcplens. Under valgrind tshark takes ~20-40 s per
# small capture; `make test` runs it on two small captures.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=scripts/plugin-env.sh
. scripts/plugin-env.sh

command -v valgrind >/dev/null || { echo "valgrind-plugin: valgrind missing (apt install valgrind)" >&2; exit 1; }
build_tcplens

captures=("$@")
if [ "${#captures[@]}" -eq 0 ]; then
  mapfile -t captures < <(find tests/captures -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
fi

work=$(mktemp -d /tmp/tcplens-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
plugin_home "$work/home"
cp scripts/valgrind.supp "$work/home/"
chmod -R a+rX "$work/home"
# valgrind writes its report as the user tshark runs as.
mkdir -m 1777 "$work/out"

total=0
for cap in "${captures[@]}"; do
  name=$(basename "$cap")
  cp "$cap" "$work/home/$name"
  chmod a+r "$work/home/$name"
  xml="$work/out/$name.xml"
  start=$(date +%s)
  rc=0
  # -2: both passes, so the later pass (reading verdicts back) runs under valgrind too.
  as_tshark_user "$work/home" env G_SLICE=always-malloc G_DEBUG=gc-friendly \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
      --errors-for-leak-kinds=definite --track-origins=no --num-callers=40 \
      --suppressions="$work/home/valgrind.supp" --xml=yes --xml-file="$xml" \
    tshark -n -2 -r "$work/home/$name" -V >"$work/stdout" 2>"$work/stderr" || rc=$?
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ] && ! grep -q '^TCP Lens' "$work/stdout"; then
    echo "valgrind-plugin: $name: the plugin showed nothing; was it loaded?" >&2
    total=$((total + 1))
    continue
  fi
  if [ "$rc" -ne 0 ]; then
    echo "valgrind-plugin: tshark exit $rc on $name: $(tail -c 400 "$work/stderr")" >&2
    total=$((total + 1))
    continue
  fi
  found=$(python3 - "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

ours = 0
all_errors = 0
for err in ET.parse(sys.argv[1]).getroot().iter("error"):
    all_errors += 1
    frames = [(f.findtext("obj") or "", f.findtext("fn") or "") for f in err.iter("frame")]
    if any("tcplens" in o or "tcplens" in fn for o, fn in frames):
        ours += 1
        kind = err.findtext("kind")
        what = err.findtext("what") or err.findtext("xwhat/text") or ""
        print(f"  {kind}: {what}", file=sys.stderr)
        for o, fn in frames[:12]:
            print(f"    {fn}  ({o})", file=sys.stderr)
print(ours, all_errors)
PY
)
  read -r ours others <<<"$found"
  echo "valgrind-plugin: $name: ${secs}s, ${ours} error(s) in tcplens code, $((others - ours)) elsewhere (glib/Wireshark)"
  total=$((total + ours))
done
[ "$total" -eq 0 ] || { echo "valgrind-plugin: $total error(s) involving tcplens" >&2; exit 1; }
