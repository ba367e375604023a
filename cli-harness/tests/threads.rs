//! `analyze --threads N`: the output is the same bytes whatever N, in every format, on every
//! bundled and shared capture (the two-sided cases included, whose rows wait for their verdicts to
//! settle), with the same summary line and exit code; and when the output cannot be
//! written, or the capture breaks part-way, the error and what was written are the same.
#![deny(unsafe_code)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn captures() -> Vec<PathBuf> {
    let mut v = common::bundled_captures();
    v.extend(common::captures_in(
        &common::root().join("tests/groundtruth"),
    ));
    assert!(v.len() > 60, "the bundled captures are missing");
    v.extend(common::shared_captures().unwrap_or_default());
    v
}

fn analyze(threads: u32, args: &[&str], capture: &Path) -> Output {
    common::tcplens()
        .args(["analyze", "--threads", &threads.to_string()])
        .args(args)
        .arg(capture)
        .output()
        .expect("running tcplens")
}

/// Runs `args` with one thread and with two, and asserts that stdout, stderr and the exit
/// code are the same; returns the one-thread run.
fn same(args: &[&str], capture: &Path) -> Output {
    let one = analyze(1, args, capture);
    let two = analyze(2, args, capture);
    let name = capture.display();
    assert_eq!(
        one.status.code(),
        two.status.code(),
        "{name} {args:?}: exit"
    );
    assert!(
        one.stdout == two.stdout,
        "{name} {args:?}: the output differs"
    );
    assert_eq!(
        String::from_utf8_lossy(&one.stderr),
        String::from_utf8_lossy(&two.stderr),
        "{name} {args:?}: stderr"
    );
    one
}

#[test]
fn every_capture_gives_the_same_bytes_on_one_thread_and_on_two() {
    let mut rows = 0;
    for cap in captures() {
        for format in ["text", "jsonl", "csv"] {
            let out = same(&["--format", format], &cap);
            if format == "jsonl" {
                rows += out.stdout.iter().filter(|&&b| b == b'\n').count();
            }
        }
    }
    // Enough rows that the writer's batches fill many times over.
    assert!(rows > 10 * 512, "only {rows} rows");
}

/// The cases whose verdicts are revised by later frames: the rows are held back, revised,
/// and told again in the chosen language, on the writer's thread.
#[test]
fn revised_verdicts_and_their_explanations_are_the_same_in_both_languages() {
    let dir = common::root().join("tests/groundtruth");
    let mut spurious = 0;
    for cap in common::captures_in(&dir) {
        for lang in ["en", "zh"] {
            let out = same(&["--format", "jsonl", "--lang", lang], &cap);
            spurious += String::from_utf8_lossy(&out.stdout)
                .matches("\"verdict\":\"spurious_retransmission\"")
                .count();
        }
    }
    assert!(
        spurious > 100,
        "only {spurious} spurious resends: nothing was revised"
    );
}

#[test]
fn streams_and_parquet_are_the_same_on_two_threads() {
    let cap = common::root().join("tests/captures/synthetic-diagnosis.pcap");
    same(
        &["--format", "jsonl", "--stream", "0", "--stream", "4"],
        &cap,
    );
    let dir = std::env::temp_dir().join(format!("tcplens-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cap = common::root().join("tests/groundtruth/loss-reorder-client.pcap");
    let mut files = Vec::new();
    for threads in [1, 2] {
        let path = dir.join(format!("t{threads}.parquet"));
        let out = analyze(
            threads,
            &[
                "--format",
                "parquet",
                "-o",
                path.to_str().expect("utf-8 path"),
            ],
            &cap,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        files.push(std::fs::read(&path).expect("the Parquet file"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(files[0].len() > 1000);
    assert!(files[0] == files[1], "the Parquet files differ");
}

/// A capture cut part-way: the rows before the break, the same error and exit code.
#[test]
fn a_capture_that_breaks_part_way_ends_the_same_way() {
    let src = common::root().join("tests/groundtruth/loss-reorder-server.pcap");
    let bytes = std::fs::read(&src).expect("capture");
    let dir = std::env::temp_dir().join(format!("tcplens-threads-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for cut in [bytes.len() / 3, bytes.len() / 2 + 7, bytes.len() - 5] {
        let path = dir.join(format!("cut-{cut}.pcap"));
        std::fs::write(&path, &bytes[..cut]).expect("write cut capture");
        let out = same(&["--format", "jsonl"], &path);
        assert!(!out.status.success(), "a cut capture must fail");
        assert!(
            !out.stdout.is_empty(),
            "the rows before the break are written"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_output_that_cannot_be_written_is_the_same_error() {
    let cap = common::root().join("tests/captures/synthetic-diagnosis.pcap");
    let out = same(
        &["--format", "jsonl", "-o", "/nonexistent-dir/rows.jsonl"],
        &cap,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir/rows.jsonl"));
}

#[test]
fn zero_threads_is_refused() {
    let cap = common::root().join("tests/captures/synthetic-diagnosis.pcap");
    let out = analyze(0, &[], &cap);
    assert_eq!(out.status.code(), Some(2));
}
