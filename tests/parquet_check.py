#!/usr/bin/env python3
"""Reads tcplens's Parquet outputs back with DuckDB and compares them with the JSON outputs
of the same capture, value by value.

    python3 tests/parquet_check.py MANIFEST.json

The manifest (written by cli-harness/tests/parquet.rs) holds:
    {"frame_keys": [[name, duckdb_type], ...], "conn_keys": [...],
     "checks": [{"kind": "frames"|"conns", "parquet": PATH, "json": PATH,
                 "streams": [N, ...] or null}, ...]}
"frames" compares `analyze --format parquet` with `analyze --format jsonl` (one object a
line); "conns" compares `conns --format parquet` with the "conversations" of
`conns --format json`. With "streams", the JSON rows are first narrowed to those streams (the
Parquet file being the output of `--stream`).

Checked: the columns are the keys, in schema order, with the DuckDB types the schema's key
types map to; every JSON object has the same keys in the same order; the row counts match;
every value equals the JSON's (null for null, integers exactly, seconds as the same double,
text, lists of names). Exits 1 listing the first differences, 0 with a summary line.
"""

import json
import sys

import duckdb

# The JSON value types each DuckDB column type may hold.
JSON_TYPES = {
    "UBIGINT": int,
    "DOUBLE": (int, float),
    "BOOLEAN": bool,
    "VARCHAR": str,
    "VARCHAR[]": list,
}
MAX_SHOWN = 20


def json_rows(check):
    with open(check["json"], encoding="utf-8") as f:
        if check["kind"] == "frames":
            rows = [json.loads(line) for line in f if line.strip()]
        else:
            rows = json.load(f)["conversations"]
    streams = check.get("streams")
    if streams is not None:
        rows = [r for r in rows if r.get("stream") in streams]
    return rows


def same(want, got):
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return want == got
    return type(want) is type(got) and want == got


def compare(con, check, keys, problems):
    where = f"{check['kind']} {check['parquet']}"
    path = check["parquet"]
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    columns = [(name, ty) for name, ty, *_ in described]
    if columns != [tuple(k) for k in keys]:
        problems.append(f"{where}: columns {columns} are not the schema's {keys}")
        return 0
    names = [k[0] for k in keys]
    got = con.execute(
        "SELECT * EXCLUDE (file_row_number) FROM read_parquet(?, file_row_number = true) "
        "ORDER BY file_row_number",
        [path],
    ).fetchall()
    want = json_rows(check)
    if len(got) != len(want):
        problems.append(f"{where}: {len(got)} rows, the JSON has {len(want)}")
        return 0
    if not want:
        problems.append(f"{where}: no rows to compare (pick a capture with rows)")
        return 0
    compared = 0
    for i, (w, g) in enumerate(zip(want, got)):
        if list(w.keys()) != names:
            problems.append(f"{where} row {i}: JSON keys {list(w.keys())} are not {names}")
            continue
        for (name, ty), value in zip(keys, g):
            jv = w[name]
            if jv is not None and not isinstance(jv, JSON_TYPES[ty]):
                problems.append(f"{where} row {i} {name}: JSON {jv!r} in a {ty} column")
            elif not same(jv, value):
                problems.append(f"{where} row {i} {name}: parquet {value!r}, JSON {jv!r}")
            compared += 1
    return compared


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    con = duckdb.connect()
    problems = []
    values = 0
    for check in manifest["checks"]:
        keys = manifest["frame_keys" if check["kind"] == "frames" else "conn_keys"]
        values += compare(con, check, keys, problems)
    if problems:
        for p in problems[:MAX_SHOWN]:
            print(p)
        print(f"{len(problems)} differences ({len(manifest['checks'])} files)")
        sys.exit(1)
    print(f"{len(manifest['checks'])} Parquet files equal their JSON: {values} values compared")


if __name__ == "__main__":
    main()
