//! Bounded memory under floods (`--max-conns`): a SYN flood and a half-open/mid-stream
//! flood from the generator keep at most the cap in memory, say how many were evicted, and
//! leave the conversations that stay as they would be without a cap.
#![deny(unsafe_code)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use tcplens_bench::gen::{self, Config, Mix};

fn flood(dir: &Path, mix: Mix, packets: u64) -> std::path::PathBuf {
    let path = dir.join("flood.pcap");
    let cfg = Config {
        packets,
        conns: 1,
        seed: 11,
        snaplen: 65_535,
        v6_percent: 20,
        mix,
    };
    let file = std::fs::File::create(&path).expect("create capture");
    gen::write_pcap(&cfg, std::io::BufWriter::new(file)).expect("write capture");
    path
}

fn conns(args: &[&str], file: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tcplens"))
        .args(["conns", "--no-progress", "--format", "json", "--stats"])
        .args(args)
        .arg(file)
        .output()
        .expect("running tcplens");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn streams(out: &Output) -> Vec<u64> {
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["conversations"]
        .as_array()
        .expect("conversations")
        .iter()
        .map(|c| c["stream"].as_u64().expect("stream"))
        .collect()
}

#[test]
fn a_syn_flood_keeps_at_most_the_cap_and_reports_evictions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = flood(dir.path(), Mix::SynFlood, 20_000);
    let capped = conns(&["--max-conns", "1000"], &file);
    let err = String::from_utf8_lossy(&capped.stderr);
    assert!(
        err.contains("were evicted to stay under --max-conns 1000"),
        "{err}"
    );
    assert!(err.contains("20000 created, "), "{err}");
    let kept = streams(&capped);
    // Eviction frees a sixteenth of the cap at a time.
    assert!(
        (1000 - 1000 / 16..=1000).contains(&kept.len()),
        "{}",
        kept.len()
    );
    // Every SYN is its own conversation and none ever comes back: the newest stay.
    let first = 20_000 - kept.len() as u64;
    assert_eq!(kept, (first..20_000).collect::<Vec<u64>>());

    let uncapped = conns(&["--max-conns", "0"], &file);
    assert_eq!(streams(&uncapped).len(), 20_000);
    assert!(!String::from_utf8_lossy(&uncapped.stderr).contains("evicted to stay"));
}

#[test]
fn half_open_and_mid_stream_floods_keep_the_rows_that_stay_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = flood(dir.path(), Mix::HalfOpen, 12_000);
    let doc = |out: &Output| -> Vec<Value> {
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        doc["conversations"].as_array().expect("rows").clone()
    };
    let capped = doc(&conns(&["--max-conns", "500"], &file));
    let uncapped = doc(&conns(&["--max-conns", "0"], &file));
    assert!(
        (500 - 500 / 16..=500).contains(&capped.len()),
        "{}",
        capped.len()
    );
    // Rows that stayed are the same rows, stream numbers included.
    for row in &capped {
        let s = row["stream"].as_u64().expect("stream") as usize;
        assert_eq!(row, &uncapped[s], "stream {s}");
    }
}
