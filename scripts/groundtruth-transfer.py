#!/usr/bin/env python3
"""Transfers for the ground-truth cases (scripts/make-groundtruth.sh); standard library only.

  groundtruth-transfer.py server PORT --send N [--recv] [--chunk C --interval T]
  groundtruth-transfer.py client HOST PORT --send N [--recv] [--chunk C --interval T]

Each side sends N bytes (in writes of C bytes, T seconds apart when --interval is given,
with TCP_NODELAY so that every paced write leaves as its own segment), then shuts down its
sending half; with --recv it reads what the peer sends, at the same time, until EOF.
The server serves one connection and exits. The bytes are a fixed pattern, so the
payloads are the same from run to run.
"""
import argparse, socket, threading, time


def pattern(n):
    block = bytes((i * 7 + 13) & 0xFF for i in range(4096))
    return (block * (n // len(block) + 1))[:n]


def run(sock, a):
    got = [0]

    def reader():
        while True:
            b = sock.recv(65536)
            if not b:
                break
            got[0] += len(b)

    t = threading.Thread(target=reader)
    t.start()
    data, off = pattern(a.send), 0
    if a.interval:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while off < len(data):
        sock.sendall(data[off:off + a.chunk])
        off += a.chunk
        if a.interval:
            time.sleep(a.interval)
    sock.shutdown(socket.SHUT_WR)
    t.join()
    sock.close()
    return got[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("role", choices=["server", "client"])
    ap.add_argument("addr", nargs="+", help="server: PORT; client: HOST PORT")
    ap.add_argument("--send", type=int, default=0, help="bytes to send")
    ap.add_argument("--recv", action="store_true", help="(ignored: both sides always read until EOF)")
    ap.add_argument("--chunk", type=int, default=16384, help="bytes per write")
    ap.add_argument("--interval", type=float, default=0.0, help="seconds between writes (paced)")
    a = ap.parse_args()
    if a.role == "server":
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", int(a.addr[0])))
        ls.listen(1)
        s, _ = ls.accept()
        ls.close()
    else:
        s = socket.create_connection((a.addr[0], int(a.addr[1])), timeout=120)
        s.settimeout(None)
    n = run(s, a)
    print("%s: sent %d, received %d" % (a.role, a.send, n))


if __name__ == "__main__":
    main()
