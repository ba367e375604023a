#!/usr/bin/env python3
"""Small TCP peers for tests/netns/make-captures.sh. One subcommand per role:

  zw-recv      listen with a tiny SO_RCVBUF, stall before reading  (zero window)
  zw-send      connect and write --bytes with a small SO_SNDBUF
  ka-server    accept, answer, then idle with keep-alives on        (keep-alive)
  ka-client    connect, exchange, idle with keep-alives on, close
  bulk-server  accept, answer a request with --bytes of data        (loss/reorder)
  bulk-client  connect, request, read everything
  reuse-server accept --count connections, echo, close as told      (port reuse)
  reuse-client connect --count times from the same source port
  echo-server  accept one connection, echo lines until EOF           (ipv6-vlan, sll)
  echo-client  send a few lines, read the echoes, close

Every blocking call has a timeout, so no peer can hang a capture run.
"""
import argparse
import os
import socket
import struct
import sys
import time

TIMEOUT = 15.0  # seconds, per blocking socket call


def log(*a):
    print(f"[{os.path.basename(sys.argv[0])} {sys.argv[1]}]", *a, file=sys.stderr, flush=True)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def listener(addr, port, rcvbuf=None):
    s = socket.socket(family_of(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        # set before listen(): the accepted socket inherits it, and the
        # SYN-ACK's window and window scale are computed from it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(4)
    s.settimeout(TIMEOUT)
    return s


def connect(addr, port, src=None, sport=0, sndbuf=None, reuse=False, tries=40):
    """Connect, retrying while the server is not listening yet (up to ~4 s)."""
    last = None
    for _ in range(tries):
        s = socket.socket(family_of(addr), socket.SOCK_STREAM)
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if sndbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        if src or sport:
            s.bind((src or "", sport))
        s.settimeout(TIMEOUT)
        try:
            s.connect((addr, port))
            return s
        except (ConnectionRefusedError, OSError) as e:
            last = e
            s.close()
            time.sleep(0.1)
    raise SystemExit(f"connect {addr}:{port} failed: {last}")


def set_keepalive(s, idle, intvl, cnt):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)


def read_all(s, chunk=65536, pause=0.0):
    """Read until EOF (or until the peer resets the connection)."""
    n = 0
    while True:
        try:
            b = s.recv(chunk)
        except ConnectionResetError:
            return n
        if not b:
            return n
        n += len(b)
        if pause:
            time.sleep(pause)


def payload(n):
    # deterministic, mildly varied bytes
    block = bytes((i * 7 + 13) & 0xFF for i in range(4096))
    return (block * (n // len(block) + 1))[:n]


# --- zero window -----------------------------------------------------------

def zw_recv(a):
    ls = listener(a.bind, a.port, rcvbuf=a.rcvbuf)
    c, peer = ls.accept()
    c.settimeout(TIMEOUT)
    log("accepted", peer, "rcvbuf", c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
        f"stalling {a.stall}s")
    time.sleep(a.stall)
    n = read_all(c, chunk=a.chunk, pause=a.pause)
    log("read", n, "bytes")
    c.close()
    ls.close()


def zw_send(a):
    s = connect(a.connect, a.port, sndbuf=a.sndbuf)
    if a.nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log("connected, sndbuf", s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
    data = payload(a.bytes)
    step = a.write_size
    for i in range(0, len(data), step):
        s.sendall(data[i:i + step])
    # then single bytes, one per segment (TCP_NODELAY), --trickle-gap apart
    for i in range(a.trickle):
        s.sendall(b"z")
        time.sleep(a.trickle_gap)
    s.shutdown(socket.SHUT_WR)
    read_all(s)
    s.close()
    log("sent", len(data) + a.trickle, "bytes")


# --- keep-alive ------------------------------------------------------------

def ka_server(a):
    ls = listener(a.bind, a.port)
    c, peer = ls.accept()
    c.settimeout(TIMEOUT)
    if a.keepalive:
        set_keepalive(c, a.idle, a.intvl, 10)
    req = c.recv(100)
    c.sendall(b"hello " + req)
    # idle: wait for the client's goodbye (or EOF)
    bye = c.recv(100)
    if bye:
        c.sendall(b"bye\n")
    read_all(c)
    c.close()
    ls.close()


def ka_client(a):
    s = connect(a.connect, a.port)
    set_keepalive(s, a.idle, a.intvl, 10)
    s.sendall(b"client\n")
    s.recv(100)
    log(f"idle {a.quiet}s with TCP_KEEPIDLE={a.idle} TCP_KEEPINTVL={a.intvl}")
    time.sleep(a.quiet)
    s.sendall(b"bye\n")
    s.recv(100)
    s.close()


# --- bulk transfer ---------------------------------------------------------

def bulk_server(a):
    ls = listener(a.bind, a.port)
    c, peer = ls.accept()
    c.settimeout(TIMEOUT)
    c.recv(100)
    c.sendall(payload(a.bytes))
    c.shutdown(socket.SHUT_WR)
    read_all(c)
    c.close()
    ls.close()


def bulk_client(a):
    s = connect(a.connect, a.port)
    s.sendall(b"GET blob\n")
    n = read_all(s)
    s.close()
    log("received", n, "bytes")
    if n != a.bytes:
        raise SystemExit(f"short transfer: {n} of {a.bytes}")


# --- port reuse ------------------------------------------------------------
# --close is a string with one letter per connection, telling how it ends:
#   r = client aborts with SO_LINGER 0 (RST); f = client closes (FIN) first;
#   s = server closes first (the server, not the client, ends up in TIME_WAIT,
#       so the client may reuse its port at once).

def reuse_server(a):
    ls = listener(a.bind, a.port)
    for how in a.close:
        c, peer = ls.accept()
        c.settimeout(TIMEOUT)
        log("accepted", peer, "close mode", how)
        line = c.recv(100)
        c.sendall(b"echo " + line)
        if how == "s":
            c.close()
            continue
        read_all(c)  # wait for the client's FIN or RST
        c.close()
    ls.close()


def reuse_client(a):
    for i, how in enumerate(a.close):
        s = connect(a.connect, a.port, src=a.src, sport=a.sport, reuse=True)
        s.sendall(f"connection {i + 1}\n".encode())
        s.recv(100)
        if how == "r":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        elif how == "f":
            s.shutdown(socket.SHUT_WR)
            read_all(s)
            s.close()
        else:  # "s": wait for the server's FIN, then close
            read_all(s)
            s.close()
        time.sleep(a.gap)


# --- echo ------------------------------------------------------------------

def echo_server(a):
    ls = listener(a.bind, a.port)
    c, peer = ls.accept()
    c.settimeout(TIMEOUT)
    while True:
        b = c.recv(4096)
        if not b:
            break
        c.sendall(b)
    c.close()
    ls.close()


def echo_client(a):
    s = connect(a.connect, a.port)
    for i in range(a.lines):
        msg = f"line {i + 1} of {a.lines}: the quick brown fox\n".encode()
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            b = s.recv(4096)
            if not b:
                raise SystemExit("echo: early EOF")
            got += b
        time.sleep(a.gap)
    s.shutdown(socket.SHUT_WR)
    read_all(s)
    s.close()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)

    def p(name, fn, server):
        sp = sub.add_parser(name)
        sp.set_defaults(fn=fn)
        if server:
            sp.add_argument("--bind", required=True)
        else:
            sp.add_argument("--connect", required=True)
        sp.add_argument("--port", type=int, required=True)
        return sp

    sp = p("zw-recv", zw_recv, True)
    sp.add_argument("--rcvbuf", type=int, default=4096)
    sp.add_argument("--stall", type=float, default=3.0)
    sp.add_argument("--chunk", type=int, default=65536)
    sp.add_argument("--pause", type=float, default=0.0)
    sp = p("zw-send", zw_send, False)
    sp.add_argument("--sndbuf", type=int, default=16384)
    sp.add_argument("--bytes", type=int, default=65536)
    sp.add_argument("--write-size", type=int, default=4096)
    sp.add_argument("--nodelay", action="store_true")
    sp.add_argument("--trickle", type=int, default=0)
    sp.add_argument("--trickle-gap", type=float, default=0.002)

    for name, fn, server in (("ka-server", ka_server, True), ("ka-client", ka_client, False)):
        sp = p(name, fn, server)
        sp.add_argument("--idle", type=int, default=1)
        sp.add_argument("--intvl", type=int, default=1)
        sp.add_argument("--quiet", type=float, default=4.0)
        sp.add_argument("--keepalive", action="store_true")

    sp = p("bulk-server", bulk_server, True)
    sp.add_argument("--bytes", type=int, default=200000)
    sp = p("bulk-client", bulk_client, False)
    sp.add_argument("--bytes", type=int, default=200000)

    sp = p("reuse-server", reuse_server, True)
    sp.add_argument("--close", default="rs")
    sp = p("reuse-client", reuse_client, False)
    sp.add_argument("--close", default="rs")
    sp.add_argument("--src", required=True)
    sp.add_argument("--sport", type=int, required=True)
    sp.add_argument("--gap", type=float, default=0.2)

    p("echo-server", echo_server, True)
    sp = p("echo-client", echo_client, False)
    sp.add_argument("--lines", type=int, default=3)
    sp.add_argument("--gap", type=float, default=0.05)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
