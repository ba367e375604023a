#!/usr/bin/env python3
"""Markdown table of score_groundtruth.py's headline figures, one column per case (issue 14).

  groundtruth-table.py MAIN.json [EXTRA.json ...] [--compare OTHER.json ...]

MAIN.json is `score_groundtruth.py --dir tests/groundtruth --json MAIN.json`: a column for
each of its cases, then one for each case of every EXTRA.json (marked "shared"), then MAIN's
headline over all its cases. With --compare, instead of a table, says whether the headline
and per-case figures of OTHER.json (e.g. a --tool-cmd run, in the same order as MAIN and
EXTRA) are exactly those of MAIN and EXTRA (exit status 1 if not). Standard library only.
"""
import argparse, json, sys

ROWS = [
    "receiver_3class_accuracy_anomalous",
    "receiver_4class_accuracy_anomalous",
    "receiver_reordered_called_out_of_order",
    "receiver_reordered_called_retransmission",
    "receiver_retrans_called_some_retransmission",
    "receiver_retrans_called_out_of_order",
    "receiver_spurious_called_spurious",
    "receiver_needed_called_spurious",
    "receiver_normal_flagged",
    "sender_retrans_called_some_retransmission",
    "sender_retrans_kind_right",
    "sender_spurious_called_spurious",
    "sender_first_tx_flagged",
    "receiver_holes_flagged_lost_segment",
    "receiver_lost_segment_precision_true_loss",
]


def cell(f):
    if not f or not f.get("of"):
        return "0/0"
    return "%d/%d (%.2f)" % (f["n"], f["of"], f["n"] / f["of"])


def columns(main, extras):
    cols = [("`%s`" % c, v["headline"]) for c, v in sorted(main["cases"].items())]
    for j in extras:
        cols += [("`%s` (shared)" % c, v["headline"]) for c, v in sorted(j["cases"].items())]
    cols.append(("all %d cases" % len(main["cases"]), main["headline"]))
    return cols


def figures(j):
    return {"headline": j["headline"], "cases": {c: v["headline"] for c, v in j["cases"].items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("main")
    ap.add_argument("extra", nargs="*")
    ap.add_argument("--compare", nargs="+", help="JSONs of another scorer, in the order main, extra...")
    a = ap.parse_args()
    load = lambda p: json.load(open(p))
    ref = [load(p) for p in [a.main] + a.extra]
    if a.compare:
        other = [load(p) for p in a.compare]
        same = len(other) == len(ref) and all(figures(x) == figures(y) for x, y in zip(ref, other))
        print("identical figures" if same else "figures differ")
        sys.exit(0 if same else 1)
    cols = columns(ref[0], ref[1:])
    print("| figure | " + " | ".join(c for c, _ in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for r in ROWS:
        print("| `%s` | " % r + " | ".join(cell(h.get(r)) for _, h in cols) + " |")


if __name__ == "__main__":
    main()
