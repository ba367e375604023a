//! No frame that tshark analyses as TCP is missing from tcplens's output (issue 15): for
//! every capture, the frames where tshark 4.0 (one pass, default preferences) gives a
//! `tcp.srcport` must each have a `tcplens analyze --format jsonl` row with a non-null
//! `sport`. The frame numbers are the join key; the values are `differential.rs`'s business.
//!
//! Captures: `tests/captures/*` always; `../shared/captures/*` when that folder is beside
//! the repository (it is in CI); or the files named in `TCPLENS_DIFF_CAPTURES`
//! (colon-separated), as for the differential test. The only frames allowed to be missing
//! are the (capture, frame) pairs of `tests/missing-frames.tsv`, tshark artefacts explained
//! in docs/wireshark-differences.md, and each of those must still be missing. Without
//! tshark the test fails in CI and says so elsewhere.
#![deny(unsafe_code)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// (capture file name, frame number) pairs tshark dissects as TCP and tcplens, by design,
/// does not: from tests/missing-frames.tsv.
fn known_artefacts() -> BTreeSet<(String, u64)> {
    common::tsv_rows("missing-frames.tsv")
        .into_iter()
        .map(|c| {
            let frame = c
                .get(1)
                .and_then(|f| f.trim().parse().ok())
                .unwrap_or_else(|| panic!("tests/missing-frames.tsv: bad line {c:?}"));
            (c[0].clone(), frame)
        })
        .collect()
}

/// The frames tshark dissects as TCP: those with a `tcp.srcport`, one tshark run.
fn tshark_tcp_frames(capture: &Path) -> BTreeSet<u64> {
    // A private, empty profile: tshark's default preferences, whatever the user changed.
    let home = tempfile::tempdir().expect("temp dir");
    let home = home.path();
    let out = Command::new("tshark")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["-n", "-r"])
        .arg(capture)
        .args([
            "-T",
            "fields",
            "-E",
            "occurrence=f",
            "-e",
            "frame.number",
            "-e",
            "tcp.srcport",
        ])
        .output()
        .expect("running tshark");
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (frame, port) = l.split_once('\t')?;
            (!port.trim().is_empty()).then(|| frame.parse().ok())?
        })
        .collect()
}

/// The frames tcplens gives a row with a source port.
fn tcplens_tcp_frames(capture: &Path) -> BTreeSet<u64> {
    common::jsonl(capture)
        .iter()
        .filter(|v| !v["sport"].is_null())
        .map(|v| v["frame"].as_u64().expect("frame number"))
        .collect()
}

struct Counts {
    name: String,
    tshark: usize,
    tcplens: usize,
    missing: BTreeSet<u64>,
}

fn check(capture: &Path) -> Counts {
    let theirs = tshark_tcp_frames(capture);
    let ours = tcplens_tcp_frames(capture);
    Counts {
        name: capture.file_name().unwrap().to_string_lossy().to_string(),
        tshark: theirs.len(),
        tcplens: ours.len(),
        missing: theirs.difference(&ours).copied().collect(),
    }
}

#[test]
fn every_frame_tshark_dissects_as_tcp_has_a_row() {
    if !common::tshark_available() {
        assert!(
            !common::in_ci(),
            "tshark is not installed: CI must run the missing-frames test"
        );
        eprintln!("SKIPPED: tshark not found on PATH; install it (make deps) to run the missing-frames test");
        return;
    }
    let known = known_artefacts();
    let caps = common::tshark_compared_captures("missing-frames test");
    assert!(!caps.is_empty(), "no captures to check");
    // Two workers: this machine has two cores and tshark is the slow side.
    let counts: Vec<Counts> = std::thread::scope(|s| {
        let handles: Vec<_> = caps
            .chunks(caps.len().div_ceil(2))
            .map(|chunk| s.spawn(move || chunk.iter().map(|c| check(c)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });

    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let (mut tshark, mut tcplens) = (0, 0);
    for c in &counts {
        tshark += c.tshark;
        tcplens += c.tcplens;
        eprintln!(
            "{}: tshark TCP frames {}, tcplens rows with a port {}, missing {}",
            c.name,
            c.tshark,
            c.tcplens,
            c.missing.len()
        );
        let unexplained: Vec<u64> = c
            .missing
            .iter()
            .copied()
            .filter(|&f| {
                let pair = (c.name.clone(), f);
                let listed = known.contains(&pair);
                if listed {
                    seen.insert(pair);
                }
                !listed
            })
            .collect();
        if !unexplained.is_empty() {
            failures.push(format!(
                "{}: {} frame(s) tshark dissects as TCP have no tcplens row: {unexplained:?}",
                c.name,
                unexplained.len()
            ));
        }
    }
    eprintln!(
        "{} captures: {tshark} frames tshark dissects as TCP, {tcplens} tcplens rows with a port",
        counts.len()
    );
    assert!(
        failures.is_empty(),
        "frames missing from tcplens's output:\n{}",
        failures.join("\n")
    );
    // Every listed artefact must still be missing (for captures that were checked).
    let checked: BTreeSet<&str> = counts.iter().map(|c| c.name.as_str()).collect();
    let stale: Vec<_> = known
        .iter()
        .filter(|k| checked.contains(k.0.as_str()) && !seen.contains(*k))
        .collect();
    assert!(
        stale.is_empty(),
        "listed in tests/missing-frames.tsv but no longer missing: {stale:?}"
    );
}
