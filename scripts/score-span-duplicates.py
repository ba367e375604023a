#!/usr/bin/env python3
"""Scores verdicts on a span-duplicates capture against its truth (issue 14).

  score-span-duplicates.py SPAN.pcap [--truth SPAN.truth.json] [--tool-cmd 'CMD {}'] [--key flags]
                           [--tools DIR]

SPAN.pcap and its truth come from scripts/make-span-duplicates.py: every frame listed in
`duplicate_frames` is a byte-identical second copy (truth: duplicate); every other frame is
frame `source_frame[n-1]` of the source capture and should keep that frame's verdict.
The verdicts are tshark 4.0's (default preferences) or a --tool-cmd's, read by
../shared/tools/score_groundtruth.py's own readers (imported from --tools, not copied); with
`--key verdict` a tool's own verdict (one name: `duplicate`, `retransmission` ...) is read
the same way.
Prints one JSON line: for the duplicate copies (data and ACKs apart) the count of each
verdict, by precedence spurious_retransmission > fast_retransmission > retransmission >
out_of_order > duplicate_ack > duplicate > none; and how many other frames have flags
different from their frame in the source capture (run through the same scorer), counting
only the flags that make the verdicts and lost_segment (not window_update and the like).
"""
import argparse, json, os, sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER = ["spurious_retransmission", "fast_retransmission", "retransmission", "out_of_order",
         "duplicate_ack", "duplicate"]


def verdict(flags):
    return next((v for v in ORDER if v in flags), "none")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pcap")
    ap.add_argument("--truth", help="default: PCAP with .truth.json")
    ap.add_argument("--tool-cmd", help="command template printing JSON lines {frame, KEY}; {} = capture")
    ap.add_argument("--key", default="flags")
    ap.add_argument("--tools", default=os.path.join(ROOT, "..", "shared", "tools"))
    a = ap.parse_args()
    sys.path.insert(0, a.tools)
    import score_groundtruth as sg
    sg.FLAGS = sg.FLAGS + ["duplicate_ack"]   # the scorer's tshark reader asks for these only,
    read = (lambda cap: sg.tool_flags(a.tool_cmd, cap, a.key)) if a.tool_cmd else sg.tshark_flags
    # Any tool is cut to those names, and to `duplicate` (tcplens's own `verdict` key names a
    # copy so; Wireshark has no such flag).
    names = set(sg.FLAGS) | {"duplicate"}
    get = lambda cap: {n: f & names for n, f in read(cap).items()}
    truth = json.load(open(a.truth or a.pcap.rsplit(".", 1)[0] + ".truth.json"))
    src = os.path.join(os.path.dirname(a.pcap), truth["source"])
    span, orig = get(a.pcap), get(src)
    dups = {d["frame"]: d for d in truth["duplicate_frames"]}
    by_kind = {"data": Counter(), "ack": Counter()}
    for n, d in dups.items():
        by_kind[d["kind"]][verdict(span.get(n, set()))] += 1
    changed = [n for n, s in enumerate(truth["source_frame"], 1)
               if n not in dups and span.get(n, set()) != orig.get(s, set())]
    out = {
        "capture": os.path.basename(a.pcap),
        "scorer": "tool `%s` key %s" % (a.tool_cmd, a.key) if a.tool_cmd else "tshark (default preferences, one pass)",
        "duplicate_data_segments": sum(by_kind["data"].values()),
        "duplicate_data_verdicts": dict(by_kind["data"].most_common()),
        "duplicate_acks": sum(by_kind["ack"].values()),
        "duplicate_ack_verdicts": dict(by_kind["ack"].most_common()),
        "duplicates_called_duplicate": by_kind["data"]["duplicate"] + by_kind["ack"]["duplicate"],
        "other_frames": len(truth["source_frame"]) - len(dups),
        "other_frames_flags_changed": len(changed),
        "other_frames_flags_changed_first": changed[:10],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
