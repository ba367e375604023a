#!/usr/bin/env python3
"""A userspace 802.1Q trunk, for kernels built without CONFIG_VLAN_8021Q (where
`ip link add ... type vlan` fails with "Unknown device type").

Runs in its own namespace with four interfaces: ACCESS_A and ACCESS_B carry
untagged frames to and from the two hosts; TRUNK_A and TRUNK_B are the two ends
of a veth pair inside this namespace, the "trunk". Frames from ACCESS_A are sent
on TRUNK_A with an 802.1Q tag (--vid); frames arriving on TRUNK_A lose their tag
and go to ACCESS_A. The same for B. A capture on TRUNK_A or TRUNK_B sees every
frame tagged, as on a switch trunk port. Exits after --seconds.

Usage: vlan_trunk.py ACCESS_A TRUNK_A TRUNK_B ACCESS_B [--vid 100] [--seconds 20]
"""
import argparse
import select
import socket
import struct
import time

ETH_P_ALL = 3
ETH_P_8021Q = 0x8100
PACKET_OUTGOING = 4

ap = argparse.ArgumentParser()
ap.add_argument("access_a"); ap.add_argument("trunk_a")
ap.add_argument("trunk_b"); ap.add_argument("access_b")
ap.add_argument("--vid", type=int, default=100)
ap.add_argument("--pcp", type=int, default=0)
ap.add_argument("--seconds", type=float, default=20)
a = ap.parse_args()

socks = {}
for name in (a.access_a, a.trunk_a, a.trunk_b, a.access_b):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    s.setblocking(False)
    socks[name] = s

# where a frame received on an interface goes, and whether it gets a tag there
route = {
    a.access_a: (a.trunk_a, True),
    a.trunk_a: (a.access_a, False),
    a.access_b: (a.trunk_b, True),
    a.trunk_b: (a.access_b, False),
}
byfd = {s.fileno(): n for n, s in socks.items()}
tci = struct.pack("!HH", ETH_P_8021Q, (a.pcp << 13) | a.vid)
stats = {"tagged": 0, "untagged": 0, "other_vid": 0}


def vid_of(frame):
    return struct.unpack("!H", frame[14:16])[0] & 0x0FFF


end = time.monotonic() + a.seconds
while time.monotonic() < end:
    r, _, _ = select.select(list(socks.values()), [], [], 0.05)
    for s in r:
        name = byfd[s.fileno()]
        out, tag = route[name]
        while True:
            try:
                frame, addr = s.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            if tag:
                frame = frame[:12] + tci + frame[12:]
                stats["tagged"] += 1
            else:
                # The kernel normally moves a received tag into packet metadata,
                # so the frame read here has none; strip it if it is still inline.
                if frame[12:14] == b"\x81\x00":
                    if vid_of(frame) != a.vid:
                        stats["other_vid"] += 1
                        continue
                    frame = frame[:12] + frame[16:]
                stats["untagged"] += 1
            try:
                socks[out].send(frame)
            except OSError as e:
                print("send error", e, len(frame), flush=True)
print(stats, flush=True)
