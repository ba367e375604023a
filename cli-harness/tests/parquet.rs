//! `analyze --format parquet` and `conns --format parquet`, read back with DuckDB (its Python
//! package, `tests/parquet_check.py`) and compared value by value with the JSONL and the
//! `conns` JSON of the same captures: every bundled capture, and `--stream` runs on captures
//! of several streams. DuckDB comes from `scripts/install-deps.sh --for test`; without it
//! the comparison is skipped, except on CI, where it fails.
#![deny(unsafe_code)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use tcplens_columnar::{kind, Kind};
use tcplens_core::schema::{KeyType, CONN_KEYS, FRAME_KEYS};

/// The captures of several streams the `--stream` runs use, with the streams they keep.
const STREAM_RUNS: &[(&str, &[u32])] = &[
    ("synthetic-malformed.pcap", &[1, 3]),
    ("synthetic-diagnosis.pcap", &[0, 4, 5]),
    ("netns-port-reuse.pcap", &[1]),
];

/// The DuckDB type a key's Parquet column must read as.
fn duckdb_type(ty: KeyType) -> &'static str {
    match kind(ty) {
        Kind::Unsigned => "UBIGINT",
        Kind::Seconds | Kind::Float => "DOUBLE",
        Kind::Bool => "BOOLEAN",
        Kind::Text => "VARCHAR",
        Kind::TextList => "VARCHAR[]",
    }
}

fn duckdb_available() -> bool {
    Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs tcplens with `args` and returns its standard output; it must succeed.
fn tcplens_ok(args: &[&str]) -> Vec<u8> {
    let out = common::run(args);
    assert!(
        out.status.success(),
        "tcplens {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Writes the JSON and Parquet outputs of one capture (narrowed to `streams` when given)
/// into `dir`, and returns their two checks.
fn outputs(dir: &Path, capture: &Path, streams: Option<&[u32]>) -> Vec<serde_json::Value> {
    let stem = capture.file_name().expect("file name").to_string_lossy();
    let tag = match streams {
        Some(s) => format!("{stem}.streams-{s:?}"),
        None => stem.to_string(),
    };
    let cap = capture.to_str().expect("utf-8 path");
    let stream_args: Vec<String> = streams
        .unwrap_or_default()
        .iter()
        .flat_map(|s| ["--stream".to_string(), s.to_string()])
        .collect();
    let mut checks = Vec::new();
    for (kind, command, text_format) in [("frames", "analyze", "jsonl"), ("conns", "conns", "json")]
    {
        let json_path = dir.join(format!("{tag}.{kind}.json"));
        let parquet_path: PathBuf = dir.join(format!("{tag}.{kind}.parquet"));
        // The JSON of the whole capture: the check narrows it to the streams itself.
        let text = tcplens_ok(&[command, "--format", text_format, cap]);
        std::fs::write(&json_path, text).expect("writing the JSON");
        let mut args = vec![command, "--format", "parquet", "-o"];
        let parquet = parquet_path.to_str().expect("utf-8 path");
        args.push(parquet);
        args.extend(stream_args.iter().map(String::as_str));
        args.push(cap);
        let stdout = tcplens_ok(&args);
        assert!(
            stdout.is_empty(),
            "parquet went to a file, yet stdout has {stdout:?}"
        );
        checks.push(json!({
            "kind": kind,
            "parquet": parquet,
            "json": json_path.to_str().expect("utf-8 path"),
            "streams": streams,
        }));
    }
    checks
}

#[test]
fn parquet_read_back_by_duckdb_equals_the_json_of_every_bundled_capture() {
    if !duckdb_available() {
        assert!(
            !common::in_ci(),
            "python3 cannot import duckdb: CI must read the Parquet outputs back (scripts/install-deps.sh --for test installs it)"
        );
        eprintln!("SKIPPED: python3 cannot import duckdb; run scripts/install-deps.sh --for test");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut checks = Vec::new();
    let captures = common::bundled_captures();
    assert!(captures.len() > 10, "the bundled captures are missing");
    for capture in &captures {
        checks.extend(outputs(dir.path(), capture, None));
    }
    for (name, streams) in STREAM_RUNS {
        let capture = common::root().join("tests/captures").join(name);
        checks.extend(outputs(dir.path(), &capture, Some(streams)));
    }
    let frame_keys: Vec<_> = FRAME_KEYS
        .iter()
        .map(|k| json!([k.name, duckdb_type(k.ty)]))
        .collect();
    let conn_keys: Vec<_> = CONN_KEYS
        .iter()
        .map(|k| json!([k.name, duckdb_type(k.ty)]))
        .collect();
    let manifest = dir.path().join("manifest.json");
    let doc = json!({"frame_keys": frame_keys, "conn_keys": conn_keys, "checks": checks});
    std::fs::write(&manifest, doc.to_string()).expect("writing the manifest");
    let out = Command::new("python3")
        .arg(common::root().join("tests/parquet_check.py"))
        .arg(&manifest)
        .output()
        .expect("running python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Parquet files differ from the JSON:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{stdout}");
    // Every check compared something: the script says how many values.
    assert!(
        stdout.contains(&format!("{} Parquet files equal their JSON", checks.len())),
        "{stdout}"
    );
}

#[test]
fn parquet_needs_a_file_and_is_never_written_to_standard_output() {
    let cap = common::root().join("tests/captures/seed-nc.pcap");
    let cap = cap.to_str().expect("utf-8 path");
    for args in [
        vec!["analyze", "--format", "parquet", cap],
        vec!["conns", "--format", "parquet", cap],
    ] {
        let out = common::run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("-o FILE"), "{args:?}: {err}");
    }
    // The diagnosis has no Parquet columns: refused rather than silently dropped.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("c.parquet");
    let out = common::run(&[
        "conns",
        "--diagnose",
        "--format",
        "parquet",
        "-o",
        file.to_str().expect("utf-8 path"),
        cap,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--diagnose"));
    assert!(!file.exists());
}

#[test]
fn a_parquet_file_that_cannot_be_created_is_an_output_error() {
    let cap = common::root().join("tests/captures/seed-nc.pcap");
    let out = common::run(&[
        "analyze",
        "--format",
        "parquet",
        "-o",
        "/nonexistent-dir/f.parquet",
        cap.to_str().expect("utf-8 path"),
    ]);
    // exit::OUTPUT, naming the file.
    assert_eq!(out.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir/f.parquet"));
}

/// The README's Parquet table gives every key type of both schemas the column type
/// tcplens-columnar writes.
#[test]
fn the_readme_parquet_table_is_the_writers_mapping() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README");
    let start = readme
        .find("\n## Parquet\n")
        .expect("README section Parquet");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let rows: Vec<Vec<&str>> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let types = FRAME_KEYS
        .iter()
        .map(|k| k.ty)
        .chain(CONN_KEYS.iter().map(|k| k.ty));
    for ty in types {
        let name = format!("`{ty:?}`");
        let row = rows
            .iter()
            .find(|r| r[0].split(", ").any(|t| t == name))
            .unwrap_or_else(|| panic!("the README's Parquet table has no row for {name}"));
        assert_eq!(row[2], duckdb_type(ty), "{name}");
        // The Arrow type as Arrow itself prints it.
        assert_eq!(row[1], kind(ty).data_type().to_string(), "{name}");
    }
}

/// `-o FILE` writes exactly what standard output would get, in every text format.
#[test]
fn dash_o_writes_what_standard_output_would_get() {
    let cap = common::root().join("tests/captures/synthetic-malformed.pcap");
    let cap = cap.to_str().expect("utf-8 path");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("out");
    let file_arg = file.to_str().expect("utf-8 path");
    for (command, format) in [
        ("analyze", "text"),
        ("analyze", "jsonl"),
        ("analyze", "csv"),
        ("conns", "table"),
        ("conns", "json"),
    ] {
        let want = tcplens_ok(&[command, "--format", format, cap]);
        assert!(!want.is_empty());
        let stdout = tcplens_ok(&[command, "--format", format, "-o", file_arg, cap]);
        assert!(stdout.is_empty(), "{command} {format}");
        assert_eq!(
            std::fs::read(&file).expect("the -o file"),
            want,
            "{command} {format}"
        );
    }
}
