#!/usr/bin/env bash
# Makes small real captures of the Linux TCP stack, inside network namespaces, for
# tcp.analysis verdicts that the shared captures have few of. Writes
# tests/captures/netns-<case>.pcap. See tests/netns/README.md.
#
#   sudo bash tests/netns/make-captures.sh            # every case
#   sudo bash tests/netns/make-captures.sh keepalive  # just some: zero-window zero-window-probe
#                                                     #   keepalive loss-reorder port-reuse ipv6-vlan sll 6in4
#
# Needs root, ip and ss (iproute2), tcpdump, python3, timeout and flock; tshark (optional)
# for the flag check. The impairment cases use shared/tools/impair_bridge.py (beside the
# repository clone, or IMPAIR_BRIDGE=path).
# Traffic never leaves the namespaces made here (tcplens-a, tcplens-b, tcplens-m): only
# 10.77.x.x / fd00:77:: addresses on veth pairs between them. Every peer runs under
# timeout(1), and the EXIT trap stops what this script started and deletes the namespaces.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(cd "$HERE/../captures" && pwd)"
PEERS="$HERE/peers.py"
IMPAIR="${IMPAIR_BRIDGE:-$HERE/../../../shared/tools/impair_bridge.py}"
NS_A=tcplens-a
NS_B=tcplens-b
NS_M=tcplens-m
ALL_NS=("$NS_A" "$NS_B" "$NS_M")
ALL_CASES=(zero-window zero-window-probe keepalive loss-reorder port-reuse ipv6-vlan sll 6in4)
PEER_TIMEOUT=25   # seconds, hard limit for any single peer / tcpdump

if [ "$(id -u)" != 0 ]; then
  echo "make-captures.sh: must be run as root (it creates network namespaces)" >&2
  exit 1
fi
for tool in ip ss tcpdump python3 timeout flock; do
  command -v "$tool" >/dev/null || { echo "make-captures.sh: $tool not found" >&2; exit 1; }
done
HAVE_TSHARK=0
command -v tshark >/dev/null && HAVE_TSHARK=1

# one run at a time: the namespace names are fixed
exec 9>/tmp/tcplens-netns.lock
flock -n 9 || { echo "make-captures.sh: another run holds /tmp/tcplens-netns.lock" >&2; exit 1; }

WORK="$(mktemp -d /tmp/tcplens-netns.XXXXXX)"
PIDS=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in "${PIDS[@]}"; do
    kill -INT "$p" 2>/dev/null || true
  done
  sleep 0.3
  for p in "${PIDS[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
  done
  PIDS=()
  del_namespaces
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

del_namespaces() {
  local ns
  for ns in "${ALL_NS[@]}"; do
    if ip netns list | grep -qw "^$ns"; then
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

log() { printf '== %s\n' "$*" >&2; }

# --- topology --------------------------------------------------------------

ns_add() {
  ip netns add "$1"
  ip -n "$1" link set lo up
}

# veth IF1 (in NS1) <-> IF2 (in NS2), offloads off so frames are wire-sized
# (no TSO/GSO super-frames) and carry real checksums.
veth_pair() {
  local ns1=$1 if1=$2 ns2=$3 if2=$4
  ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2"
  ip netns exec "$ns1" python3 "$HERE/offload_off.py" "$if1"
  ip netns exec "$ns2" python3 "$HERE/offload_off.py" "$if2"
  ip -n "$ns1" link set "$if1" up
  ip -n "$ns2" link set "$if2" up
}

# tcplens-a (vA 10.77.0.1) <-> tcplens-b (vB 10.77.0.2)
topo_direct() {
  del_namespaces
  ns_add "$NS_A"; ns_add "$NS_B"
  veth_pair "$NS_A" vA "$NS_B" vB
  ip -n "$NS_A" addr add 10.77.0.1/24 dev vA
  ip -n "$NS_B" addr add 10.77.0.2/24 dev vB
}

# tcplens-a (vA 10.77.1.1) <-> [mA  tcplens-m  mB] <-> tcplens-b (vB 10.77.1.2);
# impair_bridge.py (shared/tools) forwards between mA and mB.
topo_bridged() {
  del_namespaces
  ns_add "$NS_A"; ns_add "$NS_B"; ns_add "$NS_M"
  veth_pair "$NS_A" vA "$NS_M" mA
  veth_pair "$NS_B" vB "$NS_M" mB
  ip -n "$NS_A" addr add 10.77.1.1/24 dev vA
  ip -n "$NS_B" addr add 10.77.1.2/24 dev vB
}

# --- processes ---------------------------------------------------------------

# bg VAR NS CMD...: run CMD in NS in the background under timeout; pid into VAR.
bg() {
  local var=$1 ns=$2; shift 2
  timeout -s INT -k 3 "$PEER_TIMEOUT" ip netns exec "$ns" "$@" &
  local pid=$!
  PIDS+=("$pid")
  printf -v "$var" '%s' "$pid"
}

# run NS CMD...: run CMD in NS under timeout and wait for it (a background job +
# wait, so that a TERM/INT to this script runs the cleanup trap at once).
run() {
  local ns=$1; shift
  timeout -s INT -k 3 "$PEER_TIMEOUT" ip netns exec "$ns" "$@" &
  local pid=$!
  PIDS+=("$pid")
  wait_pid "$pid"
}

forget_pid() {
  local p keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

wait_pid() {  # wait_pid PID: wait, and fail if it failed
  local rc=0
  wait "$1" || rc=$?
  forget_pid "$1"
  return "$rc"
}

# start_capture VAR NS IFACE FILE FILTER [tcpdump options...]
start_capture() {
  local var=$1 ns=$2 ifc=$3 file=$4 filter=$5; shift 5
  local err="$file.stderr"
  timeout -s INT -k 3 "$PEER_TIMEOUT" \
    ip netns exec "$ns" tcpdump -Z root --immediate-mode -i "$ifc" -s 0 -U -n "$@" -w "$file" "$filter" 2>"$err" &
  local pid=$!
  PIDS+=("$pid")
  printf -v "$var" '%s' "$pid"
  local i
  for i in $(seq 1 50); do
    grep -q "listening on" "$err" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$err" >&2
  echo "tcpdump did not start on $ns/$ifc" >&2
  return 1
}

stop_capture() {  # stop_capture PID FILE
  sleep 0.3   # let the last frames (final ACKs) in
  kill -INT "$1" 2>/dev/null || true
  wait_pid "$1" || true
  grep -E "packets (captured|received|dropped)" "$2.stderr" | sed 's/^/   tcpdump: /' >&2 || true
}

# --- checking ------------------------------------------------------------------

FLAGS=(retransmission fast_retransmission spurious_retransmission out_of_order lost_segment
       ack_lost_segment duplicate_ack zero_window zero_window_probe zero_window_probe_ack
       window_full window_update keep_alive keep_alive_ack reused_ports)

# flag_counts FILE: "N packets; flag=count ..." for the flags present
flag_counts() {
  local f=$1 out fields=() fl n
  n=$(tshark -n -r "$f" -T fields -e frame.number | wc -l)
  for fl in "${FLAGS[@]}"; do fields+=(-e "tcp.analysis.$fl"); done
  out=$(tshark -n -r "$f" -Y tcp.analysis.flags -T fields -E separator=/t -E occurrence=f "${fields[@]}")
  printf '%s packets;' "$n"
  local i=1
  for fl in "${FLAGS[@]}"; do
    local c
    c=$(printf '%s\n' "$out" | awk -F'\t' -v k="$i" '$k != "" {c++} END {print c+0}')
    [ "$c" -gt 0 ] && printf ' %s=%s' "$fl" "$c"
    i=$((i + 1))
  done
  printf '\n'
}

# finish CASE FILE WANT...: move the capture into tests/captures, report the
# tcp.analysis flags, and warn about wanted flags that did not show up.
finish() {
  local name=$1 file=$2; shift 2
  local dest="$OUT/netns-$name.pcap"
  cp "$file" "$dest"
  chmod 0644 "$dest"
  if [ "$HAVE_TSHARK" = 1 ]; then
    local summary fl missing=()
    summary=$(flag_counts "$dest")
    for fl in "$@"; do
      grep -qw "$fl" <<<"$summary" || missing+=("$fl")
    done
    log "netns-$name.pcap: $(stat -c %s "$dest") bytes, $summary"
    [ "${#missing[@]}" -eq 0 ] || log "WARNING netns-$name.pcap lacks: ${missing[*]}"
    printf 'netns-%s.pcap\t%s\n' "$name" "$summary" >>"$WORK/summary.tsv"
  else
    log "netns-$name.pcap written (tshark not found, flags not checked)"
  fi
}

# wait_listen NS PORT: wait (up to 5 s) until something listens on PORT in NS
wait_listen() {
  local i
  for i in $(seq 1 50); do
    if ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $2 in $1" >&2
  return 1
}

stop_bridge() {
  kill -TERM "$1" 2>/dev/null || true
  wait_pid "$1" || true
}

need_impair() {
  [ -f "$IMPAIR" ] || { echo "impair_bridge.py not found at $IMPAIR (set IMPAIR_BRIDGE)" >&2; exit 1; }
}

# --- cases -------------------------------------------------------------------

# 1. A receiver with a small SO_RCVBUF stops reading for 3 s while the sender
#    writes 96 KB: window full, zero window, Linux persist probes (seq = snd_una-1,
#    no payload, so Wireshark calls them keep-alives), window update on resume.
case_zero_window() {
  topo_direct
  local cap="$WORK/zero-window.pcap" tp rp
  start_capture tp "$NS_B" vB "$cap" "tcp port 5001"
  bg rp "$NS_B" python3 "$PEERS" zw-recv --bind 10.77.0.2 --port 5001 --rcvbuf 4096 --stall 3
  wait_listen "$NS_B" 5001
  run "$NS_A" python3 "$PEERS" zw-send --connect 10.77.0.2 --port 5001 --sndbuf 16384 --bytes 98304
  wait_pid "$rp"
  stop_capture "$tp" "$cap"
  finish zero-window "$cap" zero_window window_full window_update keep_alive
}

# 1b. The same stall, but the receiver's namespace allows window shrinking
#    (net.ipv4.tcp_shrink_window=1, Linux >= 6.5) and the path has 20 ms of delay
#    each way (impair_bridge.py without loss). The sender trickles 1-byte segments
#    (TCP_NODELAY); the receiver retracts its window to 0 while some are in flight,
#    so at the receiver's capture point a 1-byte segment at the next sequence number
#    arrives after a zero window: Wireshark's zero_window_probe, and the receiver's
#    zero-window ACK dropping it is a zero_window_probe_ack.
case_zero_window_probe() {
  need_impair
  topo_bridged
  ip netns exec "$NS_B" sysctl -qw net.ipv4.tcp_shrink_window=1
  ip netns exec "$NS_B" sysctl -qw net.ipv4.tcp_rmem="4096 ${ZWP_RMEM:-8192} 4194304"
  local cap="$WORK/zero-window-probe.pcap" tp rp bp
  bg bp "$NS_M" python3 "$IMPAIR" mA mB --loss 0 --reorder 0 --delay 0.020 --seconds 20 \
    >"$WORK/bridge.log" 2>&1
  sleep 0.3   # let the bridge bind its sockets
  start_capture tp "$NS_B" vB "$cap" "tcp port 5002"
  bg rp "$NS_B" python3 "$PEERS" zw-recv --bind 10.77.1.2 --port 5002 --rcvbuf 0 --stall 3
  wait_listen "$NS_B" 5002
  run "$NS_A" python3 "$PEERS" zw-send --connect 10.77.1.2 --port 5002 --nodelay \
    --bytes "${ZWP_BULK:-4096}" --trickle "${ZWP_TRICKLE:-200}" --trickle-gap "${ZWP_GAP:-0.002}"
  wait_pid "$rp"
  stop_capture "$tp" "$cap"
  stop_bridge "$bp"
  finish zero-window-probe "$cap" zero_window_probe zero_window_probe_ack
}

# 2. Two idle connections at once, quiet for 4 s, with SO_KEEPALIVE,
#    TCP_KEEPIDLE=1, TCP_KEEPINTVL=1: on port 5003 only the client has keep-alive
#    on (probe, probe ACK, once a second); on port 5004 both ends do, so the
#    probes cross and Wireshark calls one of the two ACKs a duplicate ACK.
#    Linux keep-alive probes carry seq = snd_una-1 and no payload.
case_keepalive() {
  topo_direct
  local cap="$WORK/keepalive.pcap" tp s1 s2 c1
  start_capture tp "$NS_A" vA "$cap" "tcp portrange 5003-5004"
  bg s1 "$NS_B" python3 "$PEERS" ka-server --bind 10.77.0.2 --port 5003
  bg s2 "$NS_B" python3 "$PEERS" ka-server --bind 10.77.0.2 --port 5004 --keepalive
  wait_listen "$NS_B" 5003
  wait_listen "$NS_B" 5004
  bg c1 "$NS_A" python3 "$PEERS" ka-client --connect 10.77.0.2 --port 5003 --quiet 4
  sleep 0.25  # keep the two connections' probes apart in time
  run "$NS_A" python3 "$PEERS" ka-client --connect 10.77.0.2 --port 5004 --quiet 4
  wait_pid "$c1"
  wait_pid "$s1"
  wait_pid "$s2"
  stop_capture "$tp" "$cap"
  finish keepalive "$cap" keep_alive keep_alive_ack
}

# 3. A 120 KB download through impair_bridge.py (5% loss, 10% reordered,
#    5 ms delay each way), captured at the client (the data's receiver): gaps
#    ("previous segment not captured"), out-of-order arrivals, the client's
#    duplicate ACKs, and the server's fast and timeout retransmissions.
case_loss_reorder() {
  need_impair
  topo_bridged
  local cap="$WORK/loss-reorder.pcap" tp sp bp
  bg bp "$NS_M" python3 "$IMPAIR" mA mB --loss "${LR_LOSS:-0.05}" --reorder "${LR_REORDER:-0.10}" \
    --delay "${LR_DELAY:-0.005}" --seconds 20 --seed "${LR_SEED:-2}" >"$WORK/bridge.log" 2>&1
  sleep 0.3   # let the bridge bind its sockets
  start_capture tp "$NS_A" vA "$cap" "tcp port 5005"
  bg sp "$NS_B" python3 "$PEERS" bulk-server --bind 10.77.1.2 --port 5005 --bytes "${LR_BYTES:-120000}"
  wait_listen "$NS_B" 5005
  run "$NS_A" python3 "$PEERS" bulk-client --connect 10.77.1.2 --port 5005 --bytes "${LR_BYTES:-120000}"
  wait_pid "$sp"
  stop_capture "$tp" "$cap"
  stop_bridge "$bp"
  finish loss-reorder "$cap" retransmission duplicate_ack out_of_order lost_segment
}

# 4. Three connections in a row from the same client port 10.77.0.1:40001
#    (SO_REUSEADDR + bind): the first is aborted by the client with SO_LINGER 0
#    (RST), the second is closed by the server first (so the server, not the
#    client, holds TIME_WAIT and accepts the next SYN), the third ends with a
#    normal FIN exchange. Each new SYN has a new ISN: reused_ports.
case_port_reuse() {
  topo_direct
  local cap="$WORK/port-reuse.pcap" tp sp
  start_capture tp "$NS_A" vA "$cap" "tcp port 5006"
  bg sp "$NS_B" python3 "$PEERS" reuse-server --bind 10.77.0.2 --port 5006 --close rsf
  wait_listen "$NS_B" 5006
  run "$NS_A" python3 "$PEERS" reuse-client --connect 10.77.0.2 --port 5006 --close rsf \
    --src 10.77.0.1 --sport 40001 --gap 0.2
  wait_pid "$sp"
  stop_capture "$tp" "$cap"
  finish port-reuse "$cap" reused_ports
}

# 5. An IPv6 echo exchange on VLAN 100, captured where every frame carries an
#    802.1Q tag. With CONFIG_VLAN_8021Q: VLAN sub-interfaces vA.100 <-> vB.100
#    (fd00:77:100::1 <-> ::2), captured on the parent veth vA. Without it (`ip link
#    add ... type vlan` says "Unknown device type", as on the machine that made the
#    committed capture): the hosts use vA/vB untagged and vlan_trunk.py in
#    tcplens-m tags/untags them onto a veth "trunk" tA <-> tB, captured on tA.
case_ipv6_vlan() {
  local cap="$WORK/ipv6-vlan.pcap" tp sp trp="" cap_ns cap_if
  topo_direct
  if ip -n "$NS_A" link add link vA name vA.100 type vlan id 100 2>/dev/null; then
    log "ipv6-vlan: kernel VLAN sub-interfaces"
    ip -n "$NS_B" link add link vB name vB.100 type vlan id 100
    ip netns exec "$NS_A" python3 "$HERE/offload_off.py" vA.100
    ip netns exec "$NS_B" python3 "$HERE/offload_off.py" vB.100
    ip -n "$NS_A" link set vA.100 up
    ip -n "$NS_B" link set vB.100 up
    ip -n "$NS_A" addr add fd00:77:100::1/64 dev vA.100 nodad
    ip -n "$NS_B" addr add fd00:77:100::2/64 dev vB.100 nodad
    cap_ns=$NS_A cap_if=vA
  else
    log "ipv6-vlan: no 802.1Q support in this kernel; using vlan_trunk.py"
    del_namespaces
    ns_add "$NS_A"; ns_add "$NS_B"; ns_add "$NS_M"
    veth_pair "$NS_A" vA "$NS_M" mA
    veth_pair "$NS_B" vB "$NS_M" mB
    veth_pair "$NS_M" tA "$NS_M" tB
    ip -n "$NS_A" addr add fd00:77:100::1/64 dev vA nodad
    ip -n "$NS_B" addr add fd00:77:100::2/64 dev vB nodad
    bg trp "$NS_M" python3 "$HERE/vlan_trunk.py" mA tA tB mB --vid 100 --seconds 20 \
      >"$WORK/trunk.log" 2>&1
    sleep 0.3   # let the trunk bind its sockets
    cap_ns=$NS_M cap_if=tA
  fi
  start_capture tp "$cap_ns" "$cap_if" "$cap" "vlan 100 and ip6 and tcp port 5007"
  bg sp "$NS_B" python3 "$PEERS" echo-server --bind fd00:77:100::2 --port 5007
  wait_listen "$NS_B" 5007
  run "$NS_A" python3 "$PEERS" echo-client --connect fd00:77:100::2 --port 5007 --lines 3
  wait_pid "$sp"
  stop_capture "$tp" "$cap"
  if [ -n "$trp" ]; then stop_bridge "$trp"; fi
  finish ipv6-vlan "$cap"
}

# 7. IPv6 through a 6in4 (sit, RFC 4213) tunnel between tcplens-a (10.77.0.1, fd00:77:641::1)
#    and tcplens-b (10.77.0.2, fd00:77:641::2): a 20 KB download, captured on the veth vA
#    under the tunnel (eth:ip:ipv6:tcp), snaplen 128 (every header, little payload).
#    With the kernel's sit driver when there is one; otherwise (CONFIG_IPV6_SIT not set,
#    as on the kernel the committed file was made on) with sit_tun.py, a userspace sit
#    over a TUN interface and a raw IPv4 socket of protocol 41.
case_6in4() {
  topo_direct
  local cap="$WORK/6in4.pcap" tp sp ta="" tb=""
  if ip -n "$NS_A" link add s6 type sit local 10.77.0.1 remote 10.77.0.2 ttl 64 2>/dev/null; then
    log "6in4: kernel sit driver"
    ip -n "$NS_B" link add s6 type sit local 10.77.0.2 remote 10.77.0.1 ttl 64
  else
    log "6in4: no sit in this kernel (CONFIG_IPV6_SIT); using sit_tun.py"
    bg ta "$NS_A" python3 "$HERE/sit_tun.py" s6 10.77.0.1 10.77.0.2 --seconds 20 \
      2>"$WORK/sit-a.log"
    bg tb "$NS_B" python3 "$HERE/sit_tun.py" s6 10.77.0.2 10.77.0.1 --seconds 20 \
      2>"$WORK/sit-b.log"
    local i
    for i in $(seq 1 100); do
      ip -n "$NS_A" link show s6 >/dev/null 2>&1 && ip -n "$NS_B" link show s6 >/dev/null 2>&1 && break
      sleep 0.1
    done
    ip -n "$NS_A" link show s6 >/dev/null && ip -n "$NS_B" link show s6 >/dev/null ||
      { cat "$WORK"/sit-?.log >&2; return 1; }
    ip -n "$NS_A" link set s6 mtu 1480
    ip -n "$NS_B" link set s6 mtu 1480
  fi
  ip -n "$NS_A" link set s6 up
  ip -n "$NS_B" link set s6 up
  ip -n "$NS_A" addr add fd00:77:641::1/64 dev s6 nodad
  ip -n "$NS_B" addr add fd00:77:641::2/64 dev s6 nodad
  start_capture tp "$NS_A" vA "$cap" "ip proto 41" -s 128
  bg sp "$NS_B" python3 "$PEERS" bulk-server --bind fd00:77:641::2 --port 5010 --bytes 20000
  wait_listen "$NS_B" 5010
  run "$NS_A" python3 "$PEERS" bulk-client --connect fd00:77:641::2 --port 5010 --bytes 20000
  wait_pid "$sp"
  stop_capture "$tp" "$cap"
  if [ -n "$ta" ]; then stop_bridge "$ta"; stop_bridge "$tb"; cat "$WORK"/sit-?.log >&2; fi
  finish 6in4 "$cap"
}

# 6. Two small echo exchanges (IPv4 10.77.0.x:5008, then IPv6 fd00:77::x:5009)
#    captured inside tcplens-a with `tcpdump -i any` twice at once: tcpdump 4.99's
#    default for "any" (LINUX_SLL2, netns-sll2.pcap) and -y LINUX_SLL
#    (netns-sll.pcap).
case_sll() {
  topo_direct
  ip -n "$NS_A" addr add fd00:77::1/64 dev vA nodad
  ip -n "$NS_B" addr add fd00:77::2/64 dev vB nodad
  local cap2="$WORK/sll2.pcap" cap1="$WORK/sll.pcap" tp2 tp1 s4 s6
  start_capture tp2 "$NS_A" any "$cap2" "tcp portrange 5008-5009"
  start_capture tp1 "$NS_A" any "$cap1" "tcp portrange 5008-5009" -y LINUX_SLL
  bg s4 "$NS_B" python3 "$PEERS" echo-server --bind 10.77.0.2 --port 5008
  bg s6 "$NS_B" python3 "$PEERS" echo-server --bind fd00:77::2 --port 5009
  wait_listen "$NS_B" 5008
  wait_listen "$NS_B" 5009
  run "$NS_A" python3 "$PEERS" echo-client --connect 10.77.0.2 --port 5008 --lines 2
  run "$NS_A" python3 "$PEERS" echo-client --connect fd00:77::2 --port 5009 --lines 2
  wait_pid "$s4"
  wait_pid "$s6"
  stop_capture "$tp2" "$cap2"
  stop_capture "$tp1" "$cap1"
  local lt2 lt1
  lt2=$(linktype "$cap2"); lt1=$(linktype "$cap1")
  log "link types: default -i any -> $lt2, -y LINUX_SLL -> $lt1"
  if [ "$lt2" = 276 ]; then
    finish sll2 "$cap2"
  else
    echo "tcpdump -i any wrote link type $lt2, not LINUX_SLL2 (276); not keeping it" >&2
  fi
  [ "$lt1" = 113 ] || { echo "-y LINUX_SLL gave link type $lt1, not 113" >&2; return 1; }
  finish sll "$cap1"
}

# linktype FILE: the pcap header's link type (a little-endian pcap as tcpdump writes)
linktype() {
  python3 -c 'import struct,sys; h=open(sys.argv[1],"rb").read(24); print(struct.unpack("<I", h[20:24])[0] & 0xFFFF)' "$1"
}

# --- main --------------------------------------------------------------------

cases=("$@")
[ "${#cases[@]}" -gt 0 ] || cases=("${ALL_CASES[@]}")
for c in "${cases[@]}"; do
  fn="case_${c//-/_}"
  declare -F "$fn" >/dev/null || { echo "unknown case: $c (known: ${ALL_CASES[*]})" >&2; exit 2; }
done
: >"$WORK/summary.tsv"
for c in "${cases[@]}"; do
  log "case $c"
  start=$SECONDS
  "case_${c//-/_}"
  del_namespaces
  log "case $c took $((SECONDS - start)) s"
done
if [ -s "$WORK/summary.tsv" ]; then
  log "summary"
  column -t -s $'\t' "$WORK/summary.tsv" >&2 || cat "$WORK/summary.tsv" >&2
fi
