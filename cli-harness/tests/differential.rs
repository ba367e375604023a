//! Same numbers as Wireshark: for every TCP frame of every capture, `tcplens analyze`
//! must give tshark 4.0's `tcp.stream`, `tcp.seq`, `tcp.ack`, `tcp.len` and `tcp.nxtseq`
//! (one pass, default preferences).
//!
//! Captures: `tests/captures/*` always; `../shared/captures/*` when that folder is beside
//! the repository (it is in CI); or the files named in `TCPLENS_DIFF_CAPTURES`
//! (colon-separated), which `tests/differential.sh` sets. Without tshark the test fails in
//! CI and says so elsewhere.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIELDS: [&str; 5] = ["stream", "seq", "ack", "len", "next_seq"];
const TSHARK_FIELDS: [&str; 5] = ["tcp.stream", "tcp.seq", "tcp.ack", "tcp.len", "tcp.nxtseq"];

/// Per frame: the five fields as tshark prints them ("" when absent).
type Frames = BTreeMap<u64, [String; 5]>;

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tshark(capture: &Path, home: &Path) -> Frames {
    let mut cmd = Command::new("tshark");
    // A fresh HOME: default preferences, whatever the machine's profile says.
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.args(["-n", "-r"]).arg(capture).args([
        "-Y",
        "tcp",
        "-T",
        "fields",
        "-E",
        "separator=/t",
        "-e",
        "frame.number",
    ]);
    for f in TSHARK_FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("running tshark");
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let mut cols = line.split('\t');
            let frame = cols
                .next()
                .and_then(|f| f.parse().ok())
                .expect("frame number");
            let vals: Vec<String> = cols.map(str::to_string).collect();
            let mut arr: [String; 5] = Default::default();
            for (a, v) in arr.iter_mut().zip(vals) {
                *a = v;
            }
            (frame, arr)
        })
        .collect()
}

fn tcplens(capture: &Path) -> Frames {
    common::jsonl(capture)
        .into_iter()
        .map(|v| {
            let frame = v["frame"].as_u64().expect("frame");
            let arr = FIELDS.map(|k| match &v[k] {
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            });
            (frame, arr)
        })
        // A frame tcplens could not tie to a conversation has no stream, like tshark's
        // malformed frames, and tshark lists those under -Y tcp with empty fields.
        .collect()
}

/// (capture file name, field) pairs known to differ, from tests/known-differences.tsv.
fn known_differences() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(common::root().join("tests/known-differences.tsv"))
        .expect("known-differences.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut c = l.split('\t');
            (
                c.next().unwrap_or("").to_string(),
                c.next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

struct Report {
    frames: usize,
    mismatches: Vec<String>,
    /// Known differences that actually showed up.
    known_seen: BTreeSet<(String, String)>,
}

fn compare(capture: &Path, home: &Path, known: &BTreeSet<(String, String)>) -> Report {
    let name = capture.file_name().unwrap().to_string_lossy().to_string();
    let theirs = tshark(capture, home);
    let ours = tcplens(capture);
    let mut report = Report {
        frames: theirs.len(),
        mismatches: Vec::new(),
        known_seen: BTreeSet::new(),
    };
    let empty: [String; 5] = Default::default();
    for (frame, t) in &theirs {
        let o = ours.get(frame).unwrap_or(&empty);
        // A frame tshark ties to no conversation (a malformed header, an ICMP quote of only
        // 8 bytes) is not analysed by either tool: only the absent stream is compared.
        let fields = if t[0].is_empty() { 1 } else { FIELDS.len() };
        for (i, field) in FIELDS.iter().enumerate().take(fields) {
            if o[i] == t[i] {
                continue;
            }
            let key = (name.clone(), field.to_string());
            if known.contains(&key) {
                report.known_seen.insert(key);
            } else if report.mismatches.len() < 10 {
                report.mismatches.push(format!(
                    "{name} frame {frame} {field}: tcplens {:?}, tshark {:?}",
                    o[i], t[i]
                ));
            } else {
                report.mismatches.push(String::new());
            }
        }
    }
    // tcplens must not report a stream for a frame tshark does not show as TCP.
    for (frame, o) in &ours {
        if !o[0].is_empty() && !theirs.contains_key(frame) {
            report.mismatches.push(format!(
                "{name} frame {frame}: tcplens sees TCP stream {}, tshark no TCP",
                o[0]
            ));
        }
    }
    report
}

fn captures() -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("TCPLENS_DIFF_CAPTURES") {
        return std::env::split_paths(&list).collect();
    }
    let mut v = common::bundled_captures();
    match common::shared_captures() {
        Some(shared) => v.extend(shared),
        None if common::in_ci() => panic!("../shared/captures is missing: CI must run the differential test on the shared captures"),
        None => eprintln!("note: ../shared/captures not found; comparing the bundled captures only"),
    }
    v
}

#[test]
fn stream_seq_ack_len_next_seq_equal_tsharks() {
    if !tshark_available() {
        assert!(
            !common::in_ci(),
            "tshark is not installed: CI must run the differential test"
        );
        eprintln!("SKIPPED: tshark not found on PATH; install it (make deps) to run the differential test");
        return;
    }
    let home = tempfile::tempdir().expect("temp HOME");
    let known = known_differences();
    let caps = captures();
    assert!(!caps.is_empty(), "no captures to compare");
    // Two workers: this machine has two cores and tshark is the slow side.
    let reports: Vec<(PathBuf, Report)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<PathBuf>> = caps
            .chunks(caps.len().div_ceil(2))
            .map(<[PathBuf]>::to_vec)
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (home, known) = (home.path(), &known);
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|c| {
                            let r = compare(&c, home, known);
                            (c, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });

    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for (cap, r) in &reports {
        total += r.frames;
        seen.extend(r.known_seen.iter().cloned());
        if !r.mismatches.is_empty() {
            let shown: Vec<&String> = r.mismatches.iter().filter(|m| !m.is_empty()).collect();
            failures.push(format!(
                "{}: {} mismatching values, first: {:#?}",
                cap.display(),
                r.mismatches.len(),
                shown
            ));
        }
    }
    eprintln!(
        "compared {total} TCP frames in {} captures with tshark",
        reports.len()
    );
    assert!(
        failures.is_empty(),
        "tcplens differs from tshark:\n{}",
        failures.join("\n")
    );
    // Every listed difference must still happen (for captures that were compared).
    let compared: BTreeSet<String> = reports
        .iter()
        .map(|(c, _)| c.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let stale: Vec<_> = known
        .iter()
        .filter(|k| compared.contains(&k.0) && !seen.contains(*k))
        .collect();
    assert!(
        stale.is_empty(),
        "listed in tests/known-differences.tsv but no longer different: {stale:?}"
    );
}
