#!/usr/bin/env python3
"""Wireshark's verdicts against tcplens's own, per case, on issue 14's target figures.

Takes pairs of score_groundtruth.py JSON files: Wireshark's (without --tool-cmd) and
tcplens's (--key verdict --tool-cmd 'tcplens analyze --format jsonl {}'), and prints one
Markdown table: a row per case and a total, each cell "Wireshark → tcplens".

    python3 scripts/groundtruth-versus.py WS.json OWN.json [WS2.json OWN2.json ...]
"""
import json
import sys

FIGURES = [
    ("receiver_3class_accuracy_anomalous", "receiver 3-class (≥97%)"),
    ("receiver_4class_accuracy_anomalous", "receiver 4-class (≥95%)"),
    ("receiver_spurious_called_spurious", "receiver spurious called spurious (≥95%)"),
    ("sender_retrans_called_some_retransmission", "sender resends called a resend (≥95%)"),
    ("sender_retrans_kind_right", "sender spurious vs needed (≥85%)"),
    ("receiver_normal_flagged", "receiver first tx flagged (≤0.5%)"),
    ("sender_first_tx_flagged", "sender first tx flagged (≤0.5%)"),
]


def cell(h):
    if not h or not h.get("of"):
        return "-"
    return "%d/%d" % (h["n"], h["of"])


def pct(n, of):
    return "%d/%d (%.1f%%)" % (n, of, 100.0 * n / of) if of else "-"


def main(paths):
    if len(paths) < 2 or len(paths) % 2:
        sys.exit(__doc__)
    rows = []
    totals = {k: [0, 0, 0, 0] for k, _ in FIGURES}
    for ws_path, own_path in zip(paths[::2], paths[1::2]):
        ws, own = json.load(open(ws_path)), json.load(open(own_path))
        for case in sorted(own["cases"]):
            w = ws["cases"].get(case, {}).get("headline", {})
            o = own["cases"][case]["headline"]
            cells = []
            for key, _ in FIGURES:
                a, b = w.get(key, {}), o.get(key, {})
                t = totals[key]
                t[0] += a.get("n", 0)
                t[1] += a.get("of", 0)
                t[2] += b.get("n", 0)
                t[3] += b.get("of", 0)
                cells.append("%s → %s" % (cell(a), cell(b)))
            rows.append("| `%s` | %s |" % (case, " | ".join(cells)))
    print("| case | " + " | ".join(label for _, label in FIGURES) + " |")
    print("|---|" + "---:|" * len(FIGURES))
    print("\n".join(rows))
    total = []
    for key, _ in FIGURES:
        n0, of0, n1, of1 = totals[key]
        total.append("%s → **%s**" % (pct(n0, of0), pct(n1, of1)))
    print("| all | " + " | ".join(total) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
