//! `vantage` on two-sided captures: every `*-client.pcap` of `tests/groundtruth/` (and of
//! `../shared/captures`, when present) was taken in the client's namespace, every
//! `*-server.pcap` in the server's, so each conversation's `vantage` must be `client` or
//! `server`. The handshake decides; the ACK-RTT rule, which decides when no handshake was
//! captured, must agree on the same captures (computed with the core's own rule from the
//! `rtt_min_*` and `rtt_samples_*` that `conns` prints). The figures are in
//! docs/statistics.md, "Vantage point".

mod common;

use std::path::{Path, PathBuf};

use tcplens_core::statistics::{Vantage, VantageEvidence};

fn conversations(capture: &Path) -> Vec<serde_json::Value> {
    let out = common::tcplens()
        .args(["conns", "--format", "json"])
        .arg(capture)
        .output()
        .expect("running tcplens");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["conversations"]
        .as_array()
        .expect("conversations")
        .clone()
}

/// `*-client.pcap` and `*-server.pcap` in `dir`, with the end each was captured at.
fn two_sided(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    common::captures_in(dir)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            let end = if name.ends_with("-client") {
                "client"
            } else if name.ends_with("-server") {
                "server"
            } else {
                return None;
            };
            Some((p, end))
        })
        .collect()
}

/// The ACK-RTT rule alone, from the JSON: what `vantage` would be without the handshake.
fn from_acks(c: &serde_json::Value) -> Option<Vantage> {
    let side = |s: &str| {
        let n = c[format!("rtt_samples_{s}")].as_u64()? as u32;
        let min = (c[format!("rtt_min_{s}")].as_f64()? * 1e9).round() as i64;
        Some((n, min))
    };
    Vantage::from_acks(&VantageEvidence {
        rtt_client: side("client"),
        rtt_server: side("server"),
        ..VantageEvidence::default()
    })
}

#[test]
fn two_sided_captures_are_seen_from_the_end_they_were_taken_at() {
    let mut cases = two_sided(&common::root().join("tests/groundtruth"));
    match common::shared_captures() {
        Some(_) => cases.extend(two_sided(&common::root().join("../shared/captures"))),
        None => eprintln!("../shared/captures not found: the bundled captures only"),
    }
    assert!(cases.len() >= 14, "{} two-sided captures", cases.len());
    let (mut right, mut total) = (0, 0);
    let mut wrong = Vec::new();
    for (capture, end) in &cases {
        let name = capture.file_name().unwrap().to_string_lossy();
        let convs = conversations(capture);
        assert!(!convs.is_empty(), "{name}: no conversation");
        for c in &convs {
            total += 1;
            let vantage = c["vantage"].as_str().expect("vantage");
            let acks = from_acks(c).map(Vantage::name);
            eprintln!(
                "{name} stream {}: {vantage} (ACK RTTs: {acks:?})",
                c["stream"]
            );
            if vantage == *end && acks == Some(*end) {
                right += 1;
            } else {
                wrong.push(format!(
                    "{name} stream {}: {vantage}, ACKs {acks:?}",
                    c["stream"]
                ));
            }
        }
    }
    eprintln!("{right} of {total} conversations right");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
