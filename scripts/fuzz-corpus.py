#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the test captures.

    scripts/fuzz-corpus.py [OUT_DIR]        (default: fuzz/corpus)

One seed per frame (decode), per capture (analyzer, reader, c_abi) in the input format of
each target (fuzz/src/lib.rs documents the frame format), plus a few damaged files for the
reader. Generated, never committed: the captures are the source of truth.
"""
import hashlib
import re
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The core's link types, in the order of its table (the fuzz targets' selector indexes it):
# read from link.rs, where they are declared once.
LINKTYPES = [int(n) for n in re.findall(
    r"^\s+\w+ => (\d+), \"",
    (ROOT / "dissector-core/src/wire/link.rs").read_text(),
    re.M)]


def pcap_frames(data):
    """(linktype, caplen bytes, orig_len) of a classic pcap file; [] if it is not one."""
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return pcapng_frames(data)
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    out, i = [], 24
    while i + 16 <= len(data):
        caplen, orig = struct.unpack(e + "II", data[i + 8:i + 16])
        out.append((linktype, data[i + 16:i + 16 + caplen], orig))
        i += 16 + caplen
    return out


def pcapng_frames(data):
    out, links, i, e = [], [], 0, "<"
    while i + 12 <= len(data):
        btype = struct.unpack("<I", data[i:i + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[i + 8:i + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[i + 4:i + 8])[0]
        body = data[i + 8:i + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iface, _, _, caplen, orig = struct.unpack(e + "IIIII", body[:20])
            if iface < len(links):
                out.append((links[iface], body[20:20 + caplen], orig))
        if blen < 12:
            break
        i += blen
    return out


def selector(linktype):
    return LINKTYPES.index(linktype) if linktype in LINKTYPES else len(LINKTYPES)


def analyzer_frame(linktype, frame, orig):
    """A raw frame of the analyzer target: tag, step (1 ms), link, slack, len, bytes."""
    frame = frame[:0xFFFF]
    slack = max(0, min(255, orig - len(frame)))
    return (struct.pack("<BHBBH", 0, 1000, selector(linktype), slack, len(frame)) + frame)


def write(dirpath, blob):
    dirpath.mkdir(parents=True, exist_ok=True)
    (dirpath / hashlib.sha1(blob).hexdigest()).write_bytes(blob)


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
    captures = sorted(p for p in (ROOT / "tests" / "captures").iterdir()
                      if p.suffix in (".pcap", ".pcapng"))
    for cap in captures:
        data = cap.read_bytes()
        frames = pcap_frames(data)
        write(out / "reader", data)
        # Damaged copies: cut mid-record, and a bad magic number.
        write(out / "reader", data[:len(data) - 7])
        write(out / "reader", b"\x00\x00\x00\x00" + data[4:])
        # records: a buffer-size byte (64 + 4 × it bytes), then the file, whole and cut.
        write(out / "records", b"\x00" + data)
        write(out / "records", b"\x10" + data[:len(data) - 7])
        for linktype, frame, orig in frames:
            write(out / "decode", struct.pack("<BH", selector(linktype), max(0, min(0xFFFF, orig - len(frame)))) + frame)
        stream = b"".join(analyzer_frame(*f) for f in frames)
        write(out / "analyzer", stream)
        # c_abi: create a keeping analyzer (op 0x40), feed every frame (op 3), read back the
        # first verdict (op 5), explain it (op 6), sum up stream 0 (op 7), free (op 1).
        ops = bytearray(b"\x40\x00")
        for f in frames:
            ops += b"\x03\x00" + analyzer_frame(*f)
        ops += b"\x05\x00\x01\x00" + b"\x06\x00\x20" + b"\x07\x00\x00" + b"\x01\x00"
        write(out / "c_abi", bytes(ops))
    print(f"fuzz corpora from {len(captures)} captures in {out}")


if __name__ == "__main__":
    main()
