#!/usr/bin/env python3
"""Markdown table of score_groundtruth.py's headline figures, one column per case (issue 14).

  groundtruth-table.py MAIN.json [EXTRA.json ...] [--compare OTHER.json ...]
  groundtruth-table.py --cases DIR

With --cases, instead: the tables of docs/verdicts.md that describe the cases, from every
NAME.truth.json of a two-sided case in DIR (tests/groundtruth): recipe, sizes, frames,
bridge drops against one-sided frames, and the truth's label counts with the kernels' own
retransmission counters.

MAIN.json is `score_groundtruth.py --dir tests/groundtruth --json MAIN.json`: a column for
each of its cases, then one for each case of every EXTRA.json (marked "shared"), then MAIN's
headline over all its cases, then (with EXTRA) the sum of MAIN's and EXTRA's counts. With --compare, instead of a table, says whether the headline
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
    rank = lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c)
    cols = [("`%s`" % c, main["cases"][c]["headline"]) for c in sorted(main["cases"], key=rank)]
    for j in extras:
        cols += [("`%s` (shared)" % c, v["headline"]) for c, v in sorted(j["cases"].items())]
    cols.append(("all %d cases" % len(main["cases"]), main["headline"]))
    if extras:   # the headline figures are sums of counts, so the cases add up
        n = len(main["cases"]) + sum(len(j["cases"]) for j in extras)
        total = {r: {"n": sum(h.get(r, {}).get("n", 0) for _, h in cols[-1:] + cols[len(main["cases"]):-1]),
                     "of": sum(h.get(r, {}).get("of", 0) for _, h in cols[-1:] + cols[len(main["cases"]):-1])}
                 for r in ROWS}
        cols.append(("all %d with the shared" % n, total))
    return cols


def figures(j):
    return {"headline": j["headline"], "cases": {c: v["headline"] for c, v in j["cases"].items()}}


ORDER = ["loss-reorder", "no-timestamps", "no-sack", "both-directions", "high-loss-timeouts",
         "short-rtt-reorder", "long-rtt"]
COUNTERS = [("TcpExtTCPFastRetrans", "FastRetrans"), ("TcpExtTCPTimeouts", "Timeouts"),
            ("TcpExtTCPSpuriousRTOs", "SpuriousRTOs"), ("TcpExtTCPLossProbes", "LossProbes"),
            ("TcpExtTCPDSACKRecv", "DSACKRecv"), ("TcpExtTCPSACKReorder", "SACKReorder"),
            ("TcpExtTCPTSReorder", "TSReorder"), ("TcpExtTCPRenoReorder", "RenoReorder")]


def case_tables(d):
    import glob, os, re
    truths = {}
    for p in glob.glob(os.path.join(d, "*.truth.json")):
        j = json.load(open(p))
        if "recipe" in j:
            truths[j["recipe"]["case"]] = j
    names = [c for c in ORDER if c in truths] + sorted(c for c in truths if c not in ORDER)
    kinds = {"http": "HTTP download", "both": "both ways at once", "paced": "paced download"}
    print("| case | impairment (each way) | transfer | sysctls (both ends) | client / server pcap "
          "| TCP frames client / server | bridge drops = one-sided frames |")
    print("|---|---|---|---|---:|---:|---:|")
    for c in names:
        j, r = truths[c], truths[c]["recipe"]
        b = r["impair_bridge"]
        size = lambda side: os.path.getsize(os.path.join(d, "%s-%s.pcap" % (c, side)))
        m = j["matching"]
        print("| `%s` | loss %g%%, reorder %g%%, delay %g ms, seed %d | %s, %d kB%s | %s | %d / %d kB | %d / %d | %d = %d |" % (
            c, b["loss"] * 100, b["reorder"] * 100, b["delay_s"] * 1000, b["seed"], kinds[r["transfer"]],
            r["bytes"] // 1000, " each way" if r["transfer"] == "both" else "",
            ", ".join("`%s`" % x for x in r["sysctls_both_ends"]) or "-",
            round(size("client") / 1000), round(size("server") / 1000),
            m["matched"] + m["unmatched_a"], m["matched"] + m["unmatched_b"],
            j["checks"]["bridge_drops"], j["checks"]["one_sided_frames"]))
    print()
    print("| case | receiver side: normal / reordered / retrans. needed / retrans. spurious "
          "| sender side: normal / lost / retrans. needed / retrans. spurious | holes: lost / reordered / both "
          "| Linux counters (both ends) |")
    print("|---|---|---|---|---|")
    for c in names:
        j = truths[c]
        cnt, holes = {}, {}
        for v in j["labels"].values():
            for k, n in v["counts"].items():
                k = re.sub(r"^(\w+/retransmission_\w+)/lost$", r"\1", k)   # a retransmission that was lost too
                cnt[k] = cnt.get(k, 0) + n
            for k, n in v["holes"].items():
                holes[k] = holes.get(k, 0) + n
        g = lambda side, labels: " / ".join(str(cnt.get("%s/%s" % (side, l), 0)) for l in labels)
        k = j["kernel_tcp_counters"]
        kc = ", ".join("%s %d" % (short, k["client"].get(key, 0) + k["server"].get(key, 0))
                       for key, short in COUNTERS if k["client"].get(key, 0) + k["server"].get(key, 0))
        print("| `%s` | %s | %s | %s | %s |" % (
            c, g("receiver", ["normal", "reordered", "retransmission_needed", "retransmission_spurious"]),
            g("sender", ["normal", "lost", "retransmission_needed", "retransmission_spurious"]),
            " / ".join(str(holes.get(h, 0)) for h in ["lost", "reordered", "lost+reordered"]), kc or "-"))


def main():
    if sys.argv[1:2] == ["--cases"] and len(sys.argv) == 3:
        return case_tables(sys.argv[2])
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
