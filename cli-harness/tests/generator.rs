//! The benchmark capture generator (`tcplens_bench::gen`): deterministic, and what it makes
//! is what tshark 4.0 sees: `tcplens diff-tshark` agrees on every frame and every one of the
//! fifteen `tcp.analysis` verdicts occurs. The syn-flood mix is one conversation per packet.
#![deny(unsafe_code)]

mod common;

use common::FLAGS;

use std::path::{Path, PathBuf};

use tcplens_bench::gen::{self, Config, Mix};

/// ~30 k packets, 1 k conversations at once: small enough for tshark in a test, large
/// enough that every impairment kind of the realistic mix occurs.
const REALISTIC: Config = Config {
    packets: 30_000,
    conns: 1_000,
    seed: 7,
    snaplen: 65_535,
    v6_percent: 20,
    mix: Mix::Realistic,
};

fn bytes(cfg: &Config) -> Vec<u8> {
    let mut buf = Vec::new();
    let written = gen::write_pcap(cfg, &mut buf).expect("writing into a Vec");
    assert_eq!(written, cfg.packets);
    buf
}

fn write(dir: &Path, name: &str, cfg: &Config) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes(cfg)).expect("writing the capture");
    path
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = bytes(&REALISTIC);
    assert_eq!(a, bytes(&REALISTIC));
    assert_ne!(
        a,
        bytes(&Config {
            seed: 8,
            ..REALISTIC
        })
    );
}

#[test]
fn tshark_agrees_on_every_frame_and_sees_all_fifteen_verdicts() {
    if !common::tshark_available() {
        assert!(
            !common::in_ci(),
            "tshark is not installed: CI must run this test"
        );
        eprintln!("SKIPPED: tshark not found");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let capture = write(dir.path(), "realistic.pcap", &REALISTIC);
    let out = common::tcplens()
        .args(["diff-tshark", "--format", "json", "--min-agreement", "100"])
        .arg(&capture)
        .output()
        .expect("running tcplens diff-tshark");
    assert!(
        out.status.success(),
        "diff-tshark below 100% agreement (exit {:?}): {}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("diff-tshark JSON");
    assert_eq!(doc["tcp_frames"].as_u64(), Some(REALISTIC.packets));
    let flags = doc["flags"].as_array().expect("flags list");
    for &name in FLAGS.iter() {
        let row = flags
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("diff-tshark reports no flag {name}"));
        let seen = row["tshark_present"].as_u64().expect("tshark_present");
        assert!(seen > 0, "tshark saw no {name} in the generated capture");
    }
}

#[test]
fn syn_flood_is_one_conversation_per_packet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = Config {
        packets: 5_000,
        mix: Mix::SynFlood,
        ..REALISTIC
    };
    let capture = write(dir.path(), "syn-flood.pcap", &cfg);
    let out = common::tcplens()
        .args(["conns", "--no-progress", "--format", "json"])
        .arg(&capture)
        .output()
        .expect("running tcplens conns");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("conns JSON");
    assert_eq!(doc["capture"]["tcp"].as_u64(), Some(cfg.packets));
    let conns = doc["conversations"].as_array().expect("conversations");
    assert_eq!(conns.len() as u64, cfg.packets);
    for c in conns {
        assert_eq!(c["packets_client"], 1, "{c}");
        assert_eq!(c["packets_server"], 0, "{c}");
        assert_eq!(c["history"], "S", "{c}");
    }
}
