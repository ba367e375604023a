#!/usr/bin/env bash
# Opens bundled captures in Wireshark (Qt) under Xvfb with the tcplens plugin and the
# "tcplens" profile (wireshark-profile/) installed in a private HOME, and saves:
#   docs/img/wireshark-packet-list.png     the packet list with the profile's columns and colours
#   docs/img/wireshark-retransmission.png  the TCP Lens tree on a retransmission
#   docs/img/wireshark-teardown.png        the TCP Lens tree on teardown step 2+3
#   docs/img/wireshark-expert.png          Analyze > Expert Information
# Needs: wireshark-qt xvfb xdotool imagemagick (installs them when missing, like
# scripts/install-deps.sh). Run from the repository root (`make screenshots-wireshark`).
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
profile="$work/home/.config/wireshark/profiles/tcplens"
mkdir -p "$work/home/.local/lib/wireshark/plugins/$ver/epan" "$profile"
cp target/release/libtcplens.so "$work/home/.local/lib/wireshark/plugins/$ver/epan/tcplens.so"
cp tests/captures/netns-loss-reorder.pcap tests/captures/seed-https-rst.pcap "$work/"
# The shipped profile, plus for the pictures: packet list on top, details below, no bytes
# pane; no update prompts.
cp wireshark-profile/* "$profile/"
cat >> "$profile/preferences" <<'PREFS'
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

# open CAPTURE FRAME [ARGS...]: starts Wireshark with the profile on CAPTURE, FRAME
# selected; sets $ws (the background job), $win (its main window) and $wspid (the pid of
# the Wireshark that owns the window: the job is a subshell around setpriv).
open_ws() {
  local cap=$1 frame=$2
  shift 2
  as_user wireshark -C tcplens -r "$work/$cap" -g "$frame" "$@" >/dev/null 2>&1 &
  ws=$!
  win=""
  for _ in $(seq 60); do
    win=$(DISPLAY="$display" xdotool search --onlyvisible --name "$cap" 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.5
  done
  [ -n "$win" ] || { echo "Wireshark did not open a window for $cap" >&2; pkill -P "$ws" 2>/dev/null; kill "$ws"; return 1; }
  wspid=$(DISPLAY="$display" xdotool getwindowpid "$win" 2>/dev/null || true)
  DISPLAY="$display" xdotool windowsize "$win" 1500 1000 windowmove "$win" 0 0
  sleep 2
}

# Quits Wireshark (Ctrl+Q) and waits until it is gone, so the next picture shows one window.
# Only this script's Wireshark is ended (by its pid), never others on the machine.
close_ws() {
  DISPLAY="$display" xdotool windowfocus "$win" key ctrl+q 2>/dev/null || true
  for _ in $(seq 20); do
    [ -n "$wspid" ] && kill -0 "$wspid" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$wspid" ] && kill "$wspid" 2>/dev/null || true
  wait "$ws" 2>/dev/null || true
}

# tree CAPTURE FRAME OUT: the packet details with the TCP Lens tree expanded.
tree() {
  local cap=$1 frame=$2 out=$3
  open_ws "$cap" "$frame"
  # There is no window manager: click into the packet details pane, collapse every tree
  # (Ctrl+Left), select the last one (TCP Lens, the post-dissector's) and expand it
  # (Right: its collapsed "TCP header values" subtree stays collapsed).
  DISPLAY="$display" xdotool windowfocus "$win" mousemove 300 620 click 1 sleep 0.5 \
    key ctrl+Left sleep 0.3 key End sleep 0.3 key Right
  sleep 2
  DISPLAY="$display" import -window root "$out"
  close_ws
}

# The packet list with the profile's columns and colours.
open_ws seed-https-rst.pcap 12
DISPLAY="$display" import -window root "$work/list.png"
close_ws
convert "$work/list.png" -crop 1500x520+0+0 +repage -resize 1200x -colors 128 docs/img/wireshark-packet-list.png

retrans=$(as_user tshark -r "$work/netns-loss-reorder.pcap" -Y tcplens.retransmission -T fields -e frame.number | head -1)
tree netns-loss-reorder.pcap "$retrans" "$work/retrans.png"
convert "$work/retrans.png" -resize 1200x -colors 128 docs/img/wireshark-retransmission.png
tree seed-https-rst.pcap 12 "$work/teardown.png"
convert "$work/teardown.png" -resize 1200x -colors 128 docs/img/wireshark-teardown.png

# Analyze > Expert Information (Wireshark opens it for -z expert).
open_ws netns-loss-reorder.pcap 1 -z expert
sleep 3
dialog=$(DISPLAY="$display" xdotool search --onlyvisible --name "Expert Information" 2>/dev/null | head -1 || true)
[ -n "$dialog" ] || { echo "the Expert Information dialog did not open" >&2; close_ws; exit 1; }
DISPLAY="$display" xdotool windowsize "$dialog" 1100 700 windowmove "$dialog" 0 0
sleep 2
DISPLAY="$display" import -window "$dialog" "$work/expert.png"
close_ws
convert "$work/expert.png" -resize 1100x -colors 128 docs/img/wireshark-expert.png
echo "wrote docs/img/wireshark-{packet-list,retransmission,teardown,expert}.png"
