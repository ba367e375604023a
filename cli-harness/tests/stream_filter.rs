//! `analyze --stream N` (repeatable) and `conns --stream N`: the output is the unfiltered
//! output narrowed to those streams, in every text format, with the same numbers, verdicts,
//! summary line and exit code (the analysis still sees every frame). The Parquet case is in
//! `parquet.rs`, read back by DuckDB.
#![deny(unsafe_code)]

mod common;

use std::process::Output;

/// Captures of several streams (and, for the first, frames with no stream), and the
/// streams kept.
const RUNS: &[(&str, &[u32])] = &[
    ("synthetic-malformed.pcap", &[1, 3]),
    ("synthetic-malformed.pcap", &[0]),
    ("synthetic-diagnosis.pcap", &[0, 4, 5]),
    ("netns-port-reuse.pcap", &[1]),
];

fn run(capture: &str, args: &[&str], streams: &[u32]) -> Output {
    let path = common::root().join("tests/captures").join(capture);
    let mut cmd = common::tcplens();
    cmd.args(args);
    for s in streams {
        cmd.args(["--stream", &s.to_string()]);
    }
    let out = cmd.arg(path).output().expect("running tcplens");
    assert!(
        out.status.success(),
        "{capture} {args:?} {streams:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// The text output as frames: each frame line with the explanation lines under it, and the
/// stream it names (`#N` third; none for an undecodable frame).
fn text_frames(s: &str) -> Vec<(Option<u32>, String)> {
    let mut frames: Vec<(Option<u32>, String)> = Vec::new();
    for line in s.lines() {
        // A frame line starts with its number, right-aligned in 7 columns; explanations
        // are indented further.
        let starts_frame = line.get(..7).is_some_and(|h| !h.trim().is_empty());
        if starts_frame {
            let stream = line
                .split_whitespace()
                .nth(2)
                .and_then(|w| w.strip_prefix('#'))
                .map(|n| n.parse().expect("a stream number after #"));
            frames.push((stream, format!("{line}\n")));
        } else {
            let last = frames.last_mut().expect("an explanation follows a frame");
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    frames
}

#[test]
fn analyze_text_with_streams_is_the_full_text_narrowed_to_them() {
    for (capture, streams) in RUNS {
        let full = text_frames(&text(&run(capture, &["analyze"], &[])));
        let want: String = full
            .iter()
            .filter(|(s, _)| s.is_some_and(|s| streams.contains(&s)))
            .map(|(_, t)| t.as_str())
            .collect();
        let got = text(&run(capture, &["analyze"], streams));
        let full_len: usize = full.iter().map(|f| f.1.len()).sum();
        assert!(
            !want.is_empty() && want.len() < full_len,
            "{capture} {streams:?}"
        );
        assert_eq!(got, want, "{capture} {streams:?}");
    }
}

#[test]
fn analyze_jsonl_with_streams_is_the_full_jsonl_narrowed_to_them() {
    for (capture, streams) in RUNS {
        let full = text(&run(capture, &["analyze", "--format", "jsonl"], &[]));
        let want: String = full
            .lines()
            .filter(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
                v["stream"]
                    .as_u64()
                    .is_some_and(|s| streams.contains(&(s as u32)))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let got = text(&run(capture, &["analyze", "--format", "jsonl"], streams));
        assert!(
            !want.is_empty() && want.len() < full.len(),
            "{capture} {streams:?}"
        );
        assert_eq!(got, want, "{capture} {streams:?}");
    }
}

#[test]
fn analyze_csv_with_streams_is_the_full_csv_narrowed_to_them() {
    for (capture, streams) in RUNS {
        let full = text(&run(capture, &["analyze", "--format", "csv"], &[]));
        let mut lines = full.lines();
        let header = lines.next().expect("a header row");
        let col = header
            .split(',')
            .position(|c| c == "stream")
            .expect("a stream column");
        // The cells before `stream` (frame, time) are never quoted.
        let want: String = std::iter::once(header)
            .chain(lines.filter(|l| {
                l.split(',')
                    .nth(col)
                    .and_then(|c| c.parse::<u32>().ok())
                    .is_some_and(|s| streams.contains(&s))
            }))
            .map(|l| format!("{l}\n"))
            .collect();
        let got = text(&run(capture, &["analyze", "--format", "csv"], streams));
        assert!(want.len() < full.len(), "{capture} {streams:?}");
        assert_eq!(got, want, "{capture} {streams:?}");
    }
}

#[test]
fn the_summary_line_and_exit_code_are_those_of_the_whole_capture() {
    for (capture, streams) in RUNS {
        let full = run(capture, &["analyze"], &[]);
        let narrowed = run(capture, &["analyze"], streams);
        assert_eq!(narrowed.stderr, full.stderr, "{capture}");
        assert_eq!(narrowed.status.code(), full.status.code());
        assert!(String::from_utf8_lossy(&full.stderr).contains(" TCP in "));
    }
}

#[test]
fn conns_with_streams_keeps_their_rows() {
    for (capture, streams) in RUNS {
        let full: serde_json::Value =
            serde_json::from_slice(&run(capture, &["conns", "--format", "json"], &[]).stdout)
                .expect("JSON");
        let got: serde_json::Value =
            serde_json::from_slice(&run(capture, &["conns", "--format", "json"], streams).stdout)
                .expect("JSON");
        let want: Vec<&serde_json::Value> = full["conversations"]
            .as_array()
            .expect("conversations")
            .iter()
            .filter(|c| streams.contains(&(c["stream"].as_u64().expect("stream") as u32)))
            .collect();
        assert_eq!(want.len(), streams.len(), "{capture} {streams:?}");
        let got_rows: Vec<&serde_json::Value> = got["conversations"]
            .as_array()
            .expect("conversations")
            .iter()
            .collect();
        assert_eq!(got_rows, want, "{capture} {streams:?}");
        // The capture counters stay the whole capture's.
        assert_eq!(got["capture"], full["capture"]);
        // The table: its heading and the same rows.
        let table = text(&run(capture, &["conns"], streams));
        assert_eq!(table.lines().count(), streams.len() + 1, "{table}");
    }
}

#[test]
fn a_stream_the_capture_does_not_have_is_an_error_after_the_output() {
    let path = common::root().join("tests/captures/netns-port-reuse.pcap");
    let path = path.to_str().expect("utf-8 path");
    for command in ["analyze", "conns"] {
        let out = common::run(&[command, "--stream", "1", "--stream", "3", path]);
        // exit::NO_SUCH_STREAM; the capture has streams 0 to 2.
        assert_eq!(out.status.code(), Some(12), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no TCP stream 3"), "{command}: {err}");
        assert!(
            !out.stdout.is_empty(),
            "{command}: stream 1 is still written"
        );
    }
}
