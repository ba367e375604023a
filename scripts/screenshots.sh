#!/usr/bin/env bash
# Renders the README's pictures from the current code: builds tcplens, draws a ladder
# diagram and the HTML report of a bundled capture, and screenshots both in headless
# Chromium kept off the network. Writes docs/img/diagram.png and docs/img/report.png (and
# the SVG/HTML they were taken from under target/demo/). Installs Debian's chromium when it
# is missing, like scripts/install-deps.sh. Run from anywhere; works from a fresh clone.
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
./target/release/tcplens diagram "$CAPTURE" --stream 0 -o "$OUT/diagram.svg"
./target/release/tcplens graph "$CAPTURE" --stream 0 -o "$OUT/graph.svg"
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

# The diagram at its own size: its SVG says how tall it is.
height=$(grep -o '<svg [^>]*' "$OUT/diagram.svg" | grep -o 'height="[0-9.]*"' | head -1 | tr -dc '0-9.')
shot "$OUT/diagram.svg" "$IMG/diagram.png" 980 "${height%.*}"
# The report's first screens: the tables and the start of the pictures.
shot "$OUT/report.html" "$IMG/report.png" 1280 1800

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
