#!/usr/bin/env bash
# Renders the README's pictures from the current code: builds tcplens, draws a ladder
# diagram, a diagram of part of a connection (--from/--to, with an idle stretch folded),
# each graph kind (sequence, throughput, rtt, window) and the HTML report of bundled
# captures, and screenshots them in headless Chromium kept off the network. Writes
# docs/img/diagram.png, diagram-range.png, graph-<kind>.png and report.png (and the
# SVG/HTML they were taken from under target/demo/). Installs Debian's chromium when it is
# missing, like scripts/install-deps.sh. Run from anywhere; works from a fresh clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CAPTURE=${CAPTURE:-tests/captures/netns-zero-window-probe.pcap}
OUT=target/demo
IMG=docs/img

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
if ! command -v chromium >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi

cargo build --release -p tcplens-cli
mkdir -p "$OUT" "$IMG"
# GRAPHS: each kind and the capture that shows it best (zero window and probes in the
# sequence and window views, loss and reordering in the throughput and RTT views).
GRAPHS="sequence:$CAPTURE throughput:tests/captures/netns-loss-reorder.pcap
rtt:tests/captures/netns-loss-reorder.pcap window:$CAPTURE"
./target/release/tcplens diagram "$CAPTURE" --stream 0 -o "$OUT/diagram.svg"
# Part of a keep-alive connection, from frame 5 to 3.1 s: the idle seconds between
# its keep-alives folded.
./target/release/tcplens diagram tests/captures/netns-keepalive.pcap --stream 0 \
  --from f5 --to 3.1 -o "$OUT/diagram-range.svg"
for g in $GRAPHS; do
  ./target/release/tcplens graph "${g#*:}" --stream 0 --kind "${g%%:*}" -o "$OUT/graph-${g%%:*}.svg"
done
./target/release/tcplens report "$CAPTURE" -o "$OUT/report.html"

profile=$(mktemp -d /tmp/tcplens-chromium.XXXXXX)
trap 'rm -rf "$profile"' EXIT

# shot FILE PNG WIDTH HEIGHT: one headless screenshot. Nothing in the pages is fetched;
# these flags also stop Chromium's own background traffic, and every host name resolves
# to nothing, so the browser stays off the network.
# Root needs Chromium's sandbox off.
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)

shot() {
  local file=$1 png=$2 width=$3 height=$4
  chromium --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --disable-domain-reliability \
    --no-default-browser-check --host-resolver-rules='MAP * ~NOTFOUND' \
    --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$width,$height" --screenshot="$PWD/$png" "file://$PWD/$file" \
    2>"$profile/chromium.log" || { cat "$profile/chromium.log" >&2; return 1; }
  test -s "$png"
  echo "screenshots: $png ($width x $height) from $file"
}

# An SVG at its own size: the SVG says how wide and tall it is.
svg_shot() {
  local svg=$1 png=$2 size width height
  size=$(grep -o '<svg [^>]*' "$svg" | head -1)
  width=$(grep -o ' width="[0-9.]*"' <<<"$size" | tr -dc '0-9.')
  height=$(grep -o ' height="[0-9.]*"' <<<"$size" | tr -dc '0-9.')
  shot "$svg" "$png" "${width%.*}" "${height%.*}"
}
svg_shot "$OUT/diagram.svg" "$IMG/diagram.png"
svg_shot "$OUT/diagram-range.svg" "$IMG/diagram-range.png"
for g in $GRAPHS; do
  svg_shot "$OUT/graph-${g%%:*}.svg" "$IMG/graph-${g%%:*}.png"
done
# The report's first screens at 1400 px: the tables (scrolling in their box, never cut by
# the page) and the start of the pictures with their zoom buttons.
shot "$OUT/report.html" "$IMG/report.png" 1400 1800

# The report's tables sort in the browser: on a capture with two connections, click the
# "packets →" header twice (descending) and read the row order back from the live DOM.
./target/release/tcplens report tests/captures/netns-keepalive.pcap -o "$OUT/sort.html"
sed 's#</body>#<script>var h = document.querySelectorAll("\#conns th")[5]; h.click(); h.click();</script></body>#' \
  "$OUT/sort.html" >"$OUT/sort-clicked.html"
order=$(chromium --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$profile" \
  --dump-dom "file://$PWD/$OUT/sort-clicked.html" 2>/dev/null |
  grep -o '<tr data-stream="[0-9]*"' | head -2 | grep -o '[0-9]*' | tr '\n' ' ')
if [ "$order" != "1 0 " ]; then
  echo "screenshots: sorting the connections table gave streams '$order', expected '1 0 '" >&2
  exit 1
fi
echo "screenshots: the connections table sorts (packets → descending: streams $order)"

# The pictures zoom in the browser: click the first picture's "zoom in" button and read
# its SVG's width back from the live DOM (980 units drawn 1.5 times as wide).
sed 's#</body>#<script>document.querySelector("figure.zoomable button[data-zoom=in]").click();</script></body>#' \
  "$OUT/report.html" >"$OUT/zoom-clicked.html"
width=$(chromium --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$profile" \
  --dump-dom "file://$PWD/$OUT/zoom-clicked.html" 2>/dev/null |
  grep -o '<svg [^>]*' | head -1 | grep -o ' width="[0-9.]*"' | tr -dc '0-9.')
if [ "$width" != "1470" ]; then
  echo "screenshots: zooming in on the first picture gave width '$width', expected 1470" >&2
  exit 1
fi
echo "screenshots: the report's pictures zoom (980 -> $width)"
