#!/usr/bin/env python3
"""Adds span-style duplicates to a capture and writes which frames they are (issue 14).

  make-span-duplicates.py IN.pcap OUT.pcap [--truth OUT.truth.json] [--seed N]
                          [--data-fraction F] [--ack-fraction F] [--min-gap-ms A] [--max-gap-ms B]

A mirror (SPAN) port that sees a frame twice, once on the way in and once on the way out,
records two byte-identical copies a fraction of a millisecond to a few milliseconds apart
(../shared/captures/arkime-wireshark-retrans.pcap: same IP ID, same everything, 0.005 to
2.4 ms apart). This copies IN to OUT and gives a chosen fraction of the TCP data segments
(and a smaller fraction of the pure ACKs) a second, byte-identical copy a uniform 0.3-2.4 ms
later; frames are written in time order, so other frames can fall between a frame and its
copy. Classic pcap in and out (micro- or nanosecond), Ethernet/SLL/raw IPv4, standard
library only.

The truth (JSON): every duplicate's frame number in OUT and the frame number of the copy it
repeats, the gap, and whether it is a data segment or an ACK; `source_frame` maps every
frame of OUT to its frame in IN, so the truth of IN (e.g. from ground_truth.py) carries
over to the frames that are not duplicates.
"""
import argparse, json, os, random, struct


def read_pcap(path):
    buf = open(path, "rb").read()
    magic = buf[:4]
    if magic not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        raise SystemExit("%s: not a classic pcap file (convert pcapng with editcap -F pcap)" % path)
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", buf[20:24])[0] & 0x0FFFFFFF
    frames, off = [], 24
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        off += 16
        ticks = sec * (10 ** 9 if nano else 10 ** 6) + frac   # in the file's own unit
        frames.append((ticks, orig, buf[off:off + incl]))
        off += incl
    return buf[:24], e, nano, linktype, frames


def tcp_kind(linktype, d):
    """'data', 'ack' (no payload, no SYN/FIN/RST) or None for anything else."""
    if linktype == 1:
        et, o = struct.unpack(">H", d[12:14])[0], 14
        while et in (0x8100, 0x88A8):
            et, o = struct.unpack(">H", d[o + 2:o + 4])[0], o + 4
        if et != 0x0800:
            return None
    elif linktype == 113:
        if struct.unpack(">H", d[14:16])[0] != 0x0800:
            return None
        o = 16
    elif linktype == 276:
        if struct.unpack(">H", d[0:2])[0] != 0x0800:
            return None
        o = 20
    elif linktype in (101, 12, 228):
        o = 0
    else:
        return None
    ip = d[o:]
    if len(ip) < 40 or ip[0] >> 4 != 4 or ip[9] != 6:
        return None
    ihl, tot = (ip[0] & 15) * 4, struct.unpack(">H", ip[2:4])[0]
    t = ip[ihl:]
    thl, flags = (t[12] >> 4) * 4, t[13]
    if tot - ihl - thl > 0:
        return "data"
    return "ack" if flags & 0x10 and not flags & 0x07 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--truth", help="truth JSON (default: OUTPUT with .truth.json)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--data-fraction", type=float, default=0.2, help="share of data segments seen twice")
    ap.add_argument("--ack-fraction", type=float, default=0.05, help="share of pure ACKs seen twice")
    ap.add_argument("--min-gap-ms", type=float, default=0.3)
    ap.add_argument("--max-gap-ms", type=float, default=2.4)
    a = ap.parse_args()
    header, e, nano, linktype, frames = read_pcap(a.input)
    unit = 1e6 if nano else 1e3          # ticks per millisecond
    rng = random.Random(a.seed)
    recs = []                            # (ticks, order, source index, duplicate?, kind, gap ticks)
    for i, (ticks, orig, data) in enumerate(frames):
        recs.append((ticks, 2 * i, i, False, None, 0))
        kind = tcp_kind(linktype, data)
        p = a.data_fraction if kind == "data" else a.ack_fraction if kind == "ack" else 0.0
        if p and rng.random() < p:
            gap = max(1, round(rng.uniform(a.min_gap_ms, a.max_gap_ms) * unit))
            recs.append((ticks + gap, 2 * i + 1, i, True, kind, gap))
    recs.sort(key=lambda r: (r[0], r[1]))
    out_no_of_source = {}
    dups, source_frame = [], []
    with open(a.output, "wb") as f:
        f.write(header)
        for n, (ticks, _, i, dup, kind, gap) in enumerate(recs, 1):
            _, orig, data = frames[i]
            div = 10 ** 9 if nano else 10 ** 6
            f.write(struct.pack(e + "IIII", ticks // div, ticks % div, len(data), orig) + data)
            source_frame.append(i + 1)
            if dup:
                dups.append({"frame": n, "duplicate_of": out_no_of_source[i], "kind": kind,
                             "gap_ms": round(gap / unit, 3),
                             "frames_between": n - out_no_of_source[i] - 1})
            else:
                out_no_of_source[i] = n
    kinds = [tcp_kind(linktype, d) for _, _, d in frames]
    truth = {
        "source": os.path.basename(a.input), "output": os.path.basename(a.output),
        "command": "python3 scripts/make-span-duplicates.py %s %s --seed %d --data-fraction %g --ack-fraction %g"
                   " --min-gap-ms %g --max-gap-ms %g" % (os.path.basename(a.input), os.path.basename(a.output),
                                                         a.seed, a.data_fraction, a.ack_fraction,
                                                         a.min_gap_ms, a.max_gap_ms),
        "frames_in": len(frames), "frames_out": len(recs),
        "data_segments_in": kinds.count("data"), "pure_acks_in": kinds.count("ack"),
        "duplicates": len(dups),
        "duplicate_data_segments": sum(d["kind"] == "data" for d in dups),
        "duplicate_acks": sum(d["kind"] == "ack" for d in dups),
        "duplicates_with_frames_between": sum(d["frames_between"] > 0 for d in dups),
        "note": "every listed frame is a byte-identical second copy of duplicate_of (same IP ID); its truth is "
                "'duplicate'. Every other frame is frame source_frame[n-1] of the source capture and keeps "
                "that frame's truth (ground_truth.py on the source pair).",
        "duplicate_frames": dups,
        "source_frame": source_frame,
    }
    path = a.truth or (a.output.rsplit(".", 1)[0] + ".truth.json")
    with open(path, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    print("%s: %d frames -> %d (%d duplicates: %d data, %d ACKs); truth in %s" % (
        a.output, len(frames), len(recs), len(dups), truth["duplicate_data_segments"], truth["duplicate_acks"], path))


if __name__ == "__main__":
    main()
