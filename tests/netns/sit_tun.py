#!/usr/bin/env python3
"""A userspace stand-in for the kernel's `sit` (6in4, RFC 4213) driver, for kernels built
without CONFIG_IPV6_SIT (see tests/netns/README.md, case 6in4).

    sit_tun.py IFNAME LOCAL_V4 REMOTE_V4 --seconds N

Makes a TUN interface IFNAME (IFF_TUN | IFF_NO_PI: bare IPv6 packets). Each IPv6 packet
the kernel routes into it is sent to REMOTE_V4 through a raw IPv4 socket of protocol 41,
so the kernel's IPv4 stack writes the outer header, exactly where sit would. Each protocol
41 packet from REMOTE_V4 has its IPv4 header taken off and the IPv6 packet written into
the TUN interface. The raw socket also keeps the kernel from answering protocol 41 with
an ICMP "protocol unreachable". The TCP/IP stacks at both ends stay the kernel's.

Runs for --seconds at most, or until SIGTERM/SIGINT. The script that starts it sets the
interface up and gives it its IPv6 address.
"""
import argparse
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
IPPROTO_IPV6 = 41


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ifname")
    ap.add_argument("local")
    ap.add_argument("remote")
    ap.add_argument("--seconds", type=float, default=20.0)
    a = ap.parse_args()

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", a.ifname.encode(), IFF_TUN | IFF_NO_PI))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_IPV6)
    raw.bind((a.local, 0))
    remote = socket.inet_aton(a.remote)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print(f"sit_tun: {a.ifname} {a.local} -> {a.remote}", file=sys.stderr, flush=True)
    end = time.monotonic() + a.seconds
    out = inn = 0
    while not stop and time.monotonic() < end:
        try:
            ready, _, _ = select.select([tun, raw], [], [], 0.2)
        except InterruptedError:
            continue
        if tun in ready:
            pkt = os.read(tun, 65535)
            if pkt and pkt[0] >> 4 == 6:
                raw.sendto(pkt, (a.remote, 0))
                out += 1
        if raw in ready:
            pkt = raw.recv(65535)
            # A raw IPv4 socket receives the IPv4 header too.
            ihl = (pkt[0] & 0x0F) * 4
            if pkt[12:16] == remote and len(pkt) > ihl and pkt[ihl] >> 4 == 6:
                try:
                    os.write(tun, pkt[ihl:])
                    inn += 1
                except OSError:
                    # EIO while our interface is still down (the peer's router
                    # solicitation can come first): dropped, as sit would drop it.
                    pass
    print(f"sit_tun: {a.ifname} sent {out}, received {inn}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
