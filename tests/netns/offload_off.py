#!/usr/bin/env python3
"""Turn off checksum/segmentation offloads on interfaces of the current netns
(what `ethtool -K IF tx off rx off sg off tso off gso off gro off` does), using
the legacy SIOCETHTOOL set commands, so no ethtool binary is needed.
Usage: offload_off.py IFACE [IFACE ...]"""
import array, fcntl, socket, struct, sys

SIOCETHTOOL = 0x8946
# legacy ethtool "set" commands (include/uapi/linux/ethtool.h)
CMDS = [("gro", 0x2c), ("gso", 0x24), ("tso", 0x1f), ("sg", 0x19),
        ("tx-csum", 0x17), ("rx-csum", 0x15)]

def ethtool_set(sock, ifname, cmd, value):
    ev = array.array("B", struct.pack("II", cmd, value))
    addr, _ = ev.buffer_info()
    ifr = struct.pack("16sP", ifname.encode(), addr)
    fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifr)

def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rc = 0
    for ifname in sys.argv[1:]:
        for name, cmd in CMDS:
            try:
                ethtool_set(s, ifname, cmd, 0)
            except OSError as e:
                print(f"offload_off: {ifname} {name}: {e}", file=sys.stderr)
                rc = 1
    sys.exit(rc)

if __name__ == "__main__":
    main()
