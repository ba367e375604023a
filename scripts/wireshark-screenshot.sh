#!/usr/bin/env bash
# Opens bundled captures in Wireshark (Qt) under Xvfb with the tcplens plugin installed in
# a private HOME, expands the packet details on a retransmission and on a teardown step, and
# saves docs/img/wireshark-tcplens.png. Needs: wireshark-qt xvfb xdotool imagemagick
# (installs them when missing, like scripts/install-deps.sh). Run from the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in wireshark-qt xvfb xdotool imagemagick; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cargo build --release -p tcplens-epan
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
work=$(mktemp -d /tmp/tcplens-shot.XXXXXX)
trap 'kill "${xvfb_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/home/.local/lib/wireshark/plugins/$ver/epan" "$work/home/.config/wireshark"
cp target/release/libtcplens.so "$work/home/.local/lib/wireshark/plugins/$ver/epan/tcplens.so"
cp tests/captures/netns-loss-reorder.pcap tests/captures/seed-http-get.pcap "$work/"
# Packet list on top, details below, no bytes pane; no welcome or update prompts.
cat > "$work/home/.config/wireshark/preferences" <<'PREFS'
gui.layout_type: 1
gui.layout_content_1: PLIST
gui.layout_content_2: PDETAILS
gui.layout_content_3: NONE
gui.update.enabled: FALSE
PREFS
chmod -R a+rwX "$work"

display=:97
Xvfb "$display" -screen 0 1500x1000x24 -ac -nolisten tcp &
xvfb_pid=$!
sleep 2

# Wireshark ignores personal plugins as root: run it as nobody with the private HOME.
as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work/home" DISPLAY="$display" "$@"
  else
    env HOME="$work/home" DISPLAY="$display" "$@"
  fi
}

shot() { # capture frame filter out.png
  local cap=$1 frame=$2 filter=$3 out=$4
  as_user wireshark -r "$work/$cap" -Y "$filter" -g "$frame" >/dev/null 2>&1 &
  local ws=$!
  local win=""
  for _ in $(seq 60); do
    win=$(DISPLAY="$display" xdotool search --onlyvisible --name "$cap" 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.5
  done
  [ -n "$win" ] || { echo "Wireshark did not open a window for $cap" >&2; kill "$ws"; return 1; }
  DISPLAY="$display" xdotool windowsize "$win" 1500 1000 windowmove "$win" 0 0
  sleep 2
  # There is no window manager: click into the packet details pane, collapse every tree
  # (Ctrl+Left), select the last one (TCP Lens, the post-dissector's) and expand it with
  # its subtrees (Shift+Right), then scroll to its end where the verdicts and expert infos are.
  DISPLAY="$display" xdotool windowfocus "$win" mousemove 300 620 click 1 sleep 0.5 \
    key ctrl+Left sleep 0.3 key End sleep 0.3 key shift+Right sleep 0.3 key End
  sleep 2
  DISPLAY="$display" import -window root "$out"
  kill "$ws" 2>/dev/null || true
  wait "$ws" 2>/dev/null || true
}

retrans=$(as_user tshark -r "$work/netns-loss-reorder.pcap" -Y tcplens.retransmission -T fields -e frame.number | head -1)
shot netns-loss-reorder.pcap "$retrans" "tcplens" "$work/a.png"
shot seed-http-get.pcap 9 "tcplens" "$work/b.png"
convert "$work/a.png" "$work/b.png" -append -resize 1200x -colors 96 docs/img/wireshark-tcplens.png
echo "wrote docs/img/wireshark-tcplens.png"
