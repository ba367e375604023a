//! `analyze --threads N` and `conns --threads N`: the output is the same bytes whatever N, in
//! every format, on every bundled and shared capture (the two-sided cases included, whose
//! rows wait for their verdicts to settle), with the same summary line and exit code; and
//! when the output cannot be written, or the capture breaks part-way, the error and what was
//! written are the same. `conns` shards its conversations across the threads, so it runs
//! on two threads and on three (a reader that owns a share, and one or two workers).
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

fn run(command: &str, threads: u32, args: &[&str], capture: &Path) -> Output {
    common::tcplens()
        .args([command, "--threads", &threads.to_string()])
        .args(args)
        .arg(capture)
        .output()
        .expect("running tcplens")
}

fn analyze(threads: u32, args: &[&str], capture: &Path) -> Output {
    run("analyze", threads, args, capture)
}

/// Runs `command args` with one thread and with each of `more`, and asserts that stdout,
/// stderr and the exit code are the same; returns the one-thread run.
fn same_on(command: &str, more: &[u32], args: &[&str], capture: &Path) -> Output {
    let one = run(command, 1, args, capture);
    let name = capture.display();
    for &threads in more {
        let other = run(command, threads, args, capture);
        assert_eq!(
            one.status.code(),
            other.status.code(),
            "{name} {command} {args:?} on {threads} threads: exit"
        );
        assert!(
            one.stdout == other.stdout,
            "{name} {command} {args:?} on {threads} threads: the output differs"
        );
        assert_eq!(
            String::from_utf8_lossy(&one.stderr),
            String::from_utf8_lossy(&other.stderr),
            "{name} {command} {args:?} on {threads} threads: stderr"
        );
    }
    one
}

/// `analyze args` on one thread and on two: the same.
fn same(args: &[&str], capture: &Path) -> Output {
    same_on("analyze", &[2], args, capture)
}

/// `conns args` on one thread, two and three: the same.
fn same_conns(args: &[&str], capture: &Path) -> Output {
    same_on("conns", &[2, 3], args, capture)
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
    let cap = common::root().join("tests/groundtruth/loss-reorder-client.pcap");
    same_parquet("analyze", &[1, 2], &cap);
}

/// `command --format parquet` on each of `threads`: the same file, byte for byte.
fn same_parquet(command: &str, threads: &[u32], cap: &Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for &n in threads {
        let path = dir.path().join(format!("t{n}.parquet"));
        let path = path.to_str().expect("utf-8 path");
        let out = run(command, n, &["--format", "parquet", "-o", path], cap);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        files.push(std::fs::read(path).expect("the Parquet file"));
    }
    assert!(files[0].len() > 1000);
    assert!(
        files.iter().all(|f| *f == files[0]),
        "{command}: the Parquet files differ"
    );
}

/// A capture cut part-way: the rows before the break, the same error and exit code.
#[test]
fn a_capture_that_breaks_part_way_ends_the_same_way() {
    let src = common::root().join("tests/groundtruth/loss-reorder-server.pcap");
    let bytes = std::fs::read(&src).expect("capture");
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
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

#[test]
fn conns_gives_the_same_bytes_on_one_two_and_three_threads() {
    let mut conversations = 0;
    for cap in captures() {
        for format in ["table", "json", "zeek"] {
            let out = same_conns(&["--format", format], &cap);
            if format == "zeek" {
                conversations += out.stdout.iter().filter(|&&b| b == b'\n').count();
            }
        }
    }
    assert!(conversations > 1000, "only {conversations} conversations");
}

#[test]
fn conns_streams_languages_diagnosis_and_parquet_are_the_same_on_more_threads() {
    let cap = common::root().join("tests/captures/synthetic-diagnosis.pcap");
    same_conns(&["--stream", "0", "--stream", "4"], &cap);
    // A stream the capture lacks: the same error, and no diagnosis section for no row.
    let out = same_conns(&["--stream", "4000"], &cap);
    assert!(!out.status.success());
    let out = same_conns(&["--stream", "4000", "--diagnose"], &cap);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("nothing to report"));
    let out = same_conns(&["--stream", "0", "--diagnose"], &cap);
    assert!(String::from_utf8_lossy(&out.stdout).contains("diagnosis"));
    for lang in ["en", "zh"] {
        // The diagnosis sees every conversation: it runs on one thread whatever the count.
        same_conns(&["--diagnose", "--lang", lang], &cap);
    }
    let cap = common::root().join("tests/groundtruth/both-directions-client.pcap");
    same_parquet("conns", &[1, 2, 3], &cap);
}

/// 300 conversations interleaved: every SYN, then the SYN-ACKs backwards, the handshake
/// ACKs, data, and the first 20 4-tuples used again by a new SYN (port reuse).
fn many_conversations(dir: &Path) -> PathBuf {
    use tcplens_core::synth::{PcapWriter, SegBuilder};
    let client = |i: u32| format!("10.0.{}.{}:{}", i / 200, i % 200 + 1, 40000 + i);
    let server = "10.9.9.9:80";
    let mut w = PcapWriter::new(1, 65535);
    let mut t = 0u64;
    let mut push = |b: SegBuilder| {
        t += 100;
        w.push(t, &b.ethernet());
    };
    for i in 0..300 {
        push(SegBuilder::v4(&client(i), server).flags("S").seq(i * 1000));
    }
    for i in (0..300).rev() {
        push(
            SegBuilder::v4(server, &client(i))
                .flags("SA")
                .seq(7)
                .ack(i * 1000 + 1),
        );
    }
    for i in 0..300 {
        push(
            SegBuilder::v4(&client(i), server)
                .flags("A")
                .seq(i * 1000 + 1)
                .ack(8),
        );
        push(
            SegBuilder::v4(&client(i), server)
                .flags("PA")
                .seq(i * 1000 + 1)
                .ack(8)
                .payload(b"GET / HTTP/1.0\r\n\r\n"),
        );
    }
    for i in 0..20 {
        push(
            SegBuilder::v4(&client(i), server)
                .flags("S")
                .seq(i * 1000 + 500_000),
        );
    }
    let path = dir.join("many.pcap");
    std::fs::write(&path, w.into_bytes()).expect("write the capture");
    path
}

/// Over the cap, the sharded run gives way to one thread, which evicts as it always has:
/// the same table, the same message about the evictions.
#[test]
fn conns_over_the_cap_is_the_same_as_on_one_thread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cap = many_conversations(dir.path());
    let out = same_conns(&["--format", "json"], &cap);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"stream\": 319"));
    let out = same_conns(&["--max-conns", "40"], &cap);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        // Evicted conversations start again on their next packet: 840 in all.
        err.contains("800 of 840 conversations were evicted to stay under --max-conns 40"),
        "{err}"
    );
    // At the cap exactly, nothing is evicted and the run stays sharded.
    let out = same_conns(&["--max-conns", "320"], &cap);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("evicted"));
    let stats = run("conns", 2, &["--max-conns", "320", "--stats"], &cap);
    let stats = String::from_utf8_lossy(&stats.stderr);
    assert!(stats.contains("on 2 threads"), "{stats}");
    let stats = run("conns", 2, &["--max-conns", "319", "--stats"], &cap);
    let stats = String::from_utf8_lossy(&stats.stderr);
    assert!(stats.contains("on 1 thread;"), "{stats}");
}

#[test]
fn conns_stats_say_the_threads_and_standard_input_uses_one() {
    let cap = common::root().join("tests/captures/synthetic-diagnosis.pcap");
    let stats = |threads: u32| {
        let out = run("conns", threads, &["--stats"], &cap);
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(stats(1).contains("on 1 thread;"), "{}", stats(1));
    assert!(stats(3).contains("on 3 threads;"), "{}", stats(3));
    let out = common::tcplens()
        .args(["conns", "--threads", "2", "--stats", "-"])
        .stdin(std::fs::File::open(&cap).expect("capture"))
        .output()
        .expect("running tcplens");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("on 1 thread;"), "{err}");
}

#[test]
fn conns_on_a_capture_that_breaks_part_way_ends_the_same_way() {
    let src = common::root().join("tests/groundtruth/loss-reorder-server.pcap");
    let bytes = std::fs::read(&src).expect("capture");
    let dir = std::env::temp_dir().join(format!("tcplens-conns-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for cut in [bytes.len() / 3, bytes.len() - 5] {
        let path = dir.join(format!("cut-{cut}.pcap"));
        std::fs::write(&path, &bytes[..cut]).expect("write cut capture");
        let out = same_conns(&["--format", "json"], &path);
        assert!(!out.status.success(), "a cut capture must fail");
        assert!(!out.stdout.is_empty(), "the conversations before the break");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let out = run("conns", 0, &[], &src);
    assert_eq!(out.status.code(), Some(2));
}
