//! Same answers as Wireshark: for every TCP frame of every capture, every key and every
//! verdict of `tcplens analyze` must equal tshark 4.0's (one pass, default preferences),
//! as `tcplens diff-tshark` measures it: `tcp.stream`, `tcp.seq`, `tcp.ack`, `tcp.len`,
//! `tcp.nxtseq`, `tcp.window_size`, `tcp.completeness`, the `tcp.analysis` values and all
//! fifteen `tcp.analysis` flags.
//!
//! Captures: `tests/captures/*` always; `../shared/captures/*` when that folder is beside
//! the repository (it is in CI); or the files named in `TCPLENS_DIFF_CAPTURES`
//! (colon-separated), which `tests/differential.sh` sets. The only differences allowed are
//! the (capture, key) pairs in `tests/known-differences.tsv`, and each of those must still
//! occur. Without tshark the test fails in CI and says so elsewhere.
#![deny(unsafe_code)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// (capture file name, key) pairs known to differ, from tests/known-differences.tsv.
fn known_differences() -> BTreeSet<(String, String)> {
    common::tsv_rows("known-differences.tsv")
        .into_iter()
        .map(|c| {
            let mut c = c.into_iter();
            (c.next().unwrap_or_default(), c.next().unwrap_or_default())
        })
        .collect()
}

struct Report {
    frames: u64,
    /// (key, disagreements, examples)
    disagreements: Vec<(String, u64, Vec<String>)>,
}

/// Runs `tcplens diff-tshark --format json` on one capture.
fn compare(capture: &Path) -> Report {
    let out = common::tcplens()
        .args(["diff-tshark", "--format", "json"])
        .arg(capture)
        .output()
        .expect("running tcplens diff-tshark");
    assert!(
        out.status.success(),
        "diff-tshark failed on {}: {}",
        capture.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("diff-tshark JSON");
    let mut disagreements = Vec::new();
    for row in doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["flags"].as_array().unwrap())
    {
        let compared = row["compared"].as_u64().unwrap();
        let agree = row["agreements"].as_u64().unwrap();
        if compared != agree {
            let examples = row["examples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_string())
                .collect();
            disagreements.push((
                row["name"].as_str().unwrap().to_string(),
                compared - agree,
                examples,
            ));
        }
    }
    Report {
        frames: doc["tcp_frames"].as_u64().unwrap(),
        disagreements,
    }
}

#[test]
fn every_key_and_verdict_equals_tsharks() {
    if !common::tshark_available() {
        assert!(
            !common::in_ci(),
            "tshark is not installed: CI must run the differential test"
        );
        eprintln!("SKIPPED: tshark not found on PATH; install it (make deps) to run the differential test");
        return;
    }
    let known = known_differences();
    let caps = common::tshark_compared_captures("differential test");
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
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|c| {
                            let r = compare(&c);
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
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        for (key, n, examples) in &r.disagreements {
            let pair = (name.clone(), key.clone());
            if known.contains(&pair) {
                seen.insert(pair);
            } else {
                failures.push(format!(
                    "{name}: {key} differs on {n} frame(s), e.g. {examples:?}"
                ));
            }
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
