//! `conns --format zeek` read back by a reader of Zeek's TSV logs (`parsezeeklogs` from
//! PyPI, installed by `scripts/install-deps.sh --for test`), which honours `#fields` and
//! `#types`: every bundled capture's log parses with no line skipped, with Zeek's conn.log
//! types, and its values equal those of `conns --format json`. The Community ID is also
//! recomputed in Python (hashlib) from the parsed 4-tuple, an implementation independent of
//! the core's.

mod common;

use std::process::Command;

use serde_json::Value;

/// Reads the logs named by the arguments with parsezeeklogs; prints, for each, its types,
/// its records and how many lines it skipped, and the Community ID of each record's
/// 4-tuple computed here.
const READER: &str = r#"
import base64, hashlib, ipaddress, json, struct, sys
from parsezeeklogs import ZeekLog

def community_id(sa, sp, da, dp):
    s, d = ipaddress.ip_address(sa).packed, ipaddress.ip_address(da).packed
    if (s, sp) > (d, dp):
        s, d, sp, dp = d, s, dp, sp
    h = hashlib.sha1(struct.pack("!H", 0) + s + d + bytes([6, 0]) + struct.pack("!HH", sp, dp))
    return "1:" + base64.b64encode(h.digest()).decode()

out = []
for name in sys.argv[1:]:
    log = ZeekLog(name)
    records = list(log)
    for r in records:
        r["_community_id"] = community_id(r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"])
    out.append({"path": log.path, "types": log.types, "skipped": log.skipped, "records": records})
print(json.dumps(out))
"#;

fn reader_available() -> bool {
    Command::new("python3")
        .args(["-c", "import parsezeeklogs"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn zeeks_log_reader_reads_the_conn_log_with_the_values_of_the_json() {
    if !reader_available() {
        assert!(
            !common::in_ci(),
            "python3 with parsezeeklogs is not installed: CI must run this test"
        );
        eprintln!("SKIPPED: python3 -c 'import parsezeeklogs' failed; run scripts/install-deps.sh --for test");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tcplens-zeek-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let caps = common::bundled_captures();
    let mut logs = Vec::new();
    for cap in &caps {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let out = common::run(&["conns", "--format", "zeek", cap.to_str().unwrap()]);
        assert!(out.status.success(), "{name}");
        let log = dir.join(format!("{name}.conn.log"));
        std::fs::write(&log, &out.stdout).unwrap();
        logs.push(log);
    }
    // One Python run for all the logs.
    let parsed = Command::new("python3")
        .args(["-c", READER])
        .args(&logs)
        .output()
        .expect("running python3");
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let all: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let mut records_seen = 0;
    for (cap, z) in caps.iter().zip(all.as_array().unwrap()) {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let json = common::run(&["conns", "--format", "json", cap.to_str().unwrap()]);
        let j: Value = serde_json::from_slice(&json.stdout).unwrap();
        let convs = j["conversations"].as_array().unwrap();
        let recs = z["records"].as_array().unwrap();

        assert_eq!(z["path"], "conn", "{name}");
        assert_eq!(z["skipped"], 0, "{name}: lines the reader could not parse");
        let types = &z["types"];
        for (field, ty) in [
            ("ts", "time"),
            ("uid", "string"),
            ("id.orig_h", "addr"),
            ("id.orig_p", "port"),
            ("id.resp_h", "addr"),
            ("id.resp_p", "port"),
            ("proto", "enum"),
            ("duration", "interval"),
            ("orig_bytes", "count"),
            ("resp_bytes", "count"),
            ("conn_state", "string"),
            ("missed_bytes", "count"),
            ("history", "string"),
            ("orig_pkts", "count"),
            ("orig_ip_bytes", "count"),
            ("resp_pkts", "count"),
            ("resp_ip_bytes", "count"),
            ("community_id", "string"),
        ] {
            assert_eq!(types[field], ty, "{name}: type of {field}");
        }
        assert_eq!(
            recs.len(),
            convs.len(),
            "{name}: one record per conversation"
        );

        let mut uids = std::collections::BTreeSet::new();
        for (r, c) in recs.iter().zip(convs) {
            let at = format!("{name} stream {}", c["stream"]);
            let num = |k: &str| c[k].as_u64().unwrap();
            let (client, server) = (c["client"].as_str().unwrap(), c["server"].as_str().unwrap());
            let endpoint = |h: &Value, p: &Value| {
                let h = h.as_str().unwrap();
                let p = p.as_u64().unwrap();
                if h.contains(':') {
                    format!("[{h}]:{p}")
                } else {
                    format!("{h}:{p}")
                }
            };
            assert_eq!(endpoint(&r["id.orig_h"], &r["id.orig_p"]), client, "{at}");
            assert_eq!(endpoint(&r["id.resp_h"], &r["id.resp_p"]), server, "{at}");
            assert_eq!(r["proto"], "tcp", "{at}");
            // Times: the log's are absolute, the JSON's from the capture's first frame.
            let ts0 = recs[0]["ts"].as_f64().unwrap();
            let first0 = convs[0]["first"].as_f64().unwrap();
            let ts = r["ts"].as_f64().unwrap();
            let first = c["first"].as_f64().unwrap();
            assert!(((ts - ts0) - (first - first0)).abs() < 2e-6, "{at}: ts");
            let duration = c["duration"].as_f64().unwrap();
            if duration > 0.0 {
                assert!(
                    (r["duration"].as_f64().unwrap() - duration).abs() < 1e-6,
                    "{at}"
                );
                for (key, side) in [("orig_bytes", "client"), ("resp_bytes", "server")] {
                    let want =
                        num(&format!("unique_bytes_{side}")) + num(&format!("missed_bytes_{side}"));
                    assert_eq!(r[key].as_u64(), Some(want), "{at}: {key}");
                }
            } else {
                // Zeek leaves them unset for a zero duration.
                assert!(r["duration"].is_null() && r["orig_bytes"].is_null(), "{at}");
            }
            assert_eq!(r["conn_state"], c["conn_state"], "{at}");
            assert_eq!(
                r["missed_bytes"].as_u64(),
                Some(num("missed_bytes_client") + num("missed_bytes_server")),
                "{at}"
            );
            let history = c["history"].as_str().unwrap();
            if history.is_empty() {
                assert!(r["history"].is_null(), "{at}");
            } else {
                assert_eq!(r["history"], history, "{at}");
            }
            assert_eq!(r["orig_pkts"].as_u64(), Some(num("packets_client")), "{at}");
            assert_eq!(r["resp_pkts"].as_u64(), Some(num("packets_server")), "{at}");
            assert_eq!(
                r["orig_ip_bytes"].as_u64(),
                Some(num("ip_bytes_client")),
                "{at}"
            );
            assert_eq!(
                r["resp_ip_bytes"].as_u64(),
                Some(num("ip_bytes_server")),
                "{at}"
            );
            assert_eq!(r["community_id"], c["community_id"], "{at}");
            assert_eq!(r["community_id"], r["_community_id"], "{at}: hashlib's");
            let uid = r["uid"].as_str().unwrap();
            assert!(
                uid.starts_with('C')
                    && uid.len() > 10
                    && uid.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{at}: uid {uid}"
            );
            assert!(uids.insert(uid.to_string()), "{at}: uid {uid} repeated");
            records_seen += 1;
        }
    }
    assert!(records_seen > 30, "only {records_seen} records compared");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A capture written here, with its JSON statistics and its Zeek line computed by hand:
/// a client sends 300 bytes in three segments, one of them twice, the server acknowledges
/// them; times in milliseconds from 1 000 000 000 s since the epoch.
#[test]
fn a_small_capture_by_hand_through_json_and_the_zeek_log() {
    use tcplens_core::synth::{PcapWriter, SegBuilder};
    const C: &str = "10.1.0.1:5000";
    const S: &str = "10.1.0.2:443";
    let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack).window(500);
    let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack).window(700);
    let d = [b'y'; 100];
    let segs = [
        (0, c("S", 0, 0).mss(1200)),
        (4, s("SA", 1000, 1).mss(1300)),
        (8, c("A", 1, 1001)),
        (10, c("PA", 1, 1001).payload(&d)),
        (12, c("PA", 101, 1001).payload(&d)),
        (20, s("A", 1001, 201)),
        (30, c("PA", 201, 1001).payload(&d)),
        (60, c("PA", 201, 1001).payload(&d)),
        (64, s("A", 1001, 301)),
    ];
    let mut w = PcapWriter::new(1, 65535);
    for (ms, seg) in &segs {
        w.push(1_000_000_000_000_000 + ms * 1000, &seg.ethernet());
    }
    let dir = std::env::temp_dir().join(format!("tcplens-byhand-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cap = dir.join("byhand.pcap");
    std::fs::write(&cap, w.into_bytes()).unwrap();
    let cap = cap.to_str().unwrap();

    let out = common::run(&["conns", "--format", "json", cap]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &doc["conversations"][0];
    let n = |k: &str| c[k].as_u64().unwrap();
    let f = |k: &str| c[k].as_f64().unwrap();
    // Client: SYN, ACK, four data segments (one repeated).
    assert_eq!((n("packets_client"), n("data_packets_client")), (6, 4));
    assert_eq!((n("bytes_client"), n("unique_bytes_client")), (400, 300));
    assert_eq!((n("duplicate_client"), n("retrans_packets_client")), (1, 1));
    assert_eq!(f("retrans_share_client"), 0.25);
    // IP bytes: 40 per packet, 4 more for the MSS option of each SYN.
    assert_eq!(n("ip_bytes_client"), 6 * 40 + 4 + 400);
    assert_eq!(n("ip_bytes_server"), 3 * 40 + 4);
    // RTTs of the client's data, as Wireshark's ack_rtt takes them: the SYN 4 ms, ACK 201 at
    // 20 ms (the segment ending there was sent at 12: 8 ms), ACK 301 at 64 ms from the first
    // transmission at 30 ms, not the retransmission (34 ms).
    assert_eq!(n("rtt_samples_client"), 3);
    assert!((f("rtt_min_client") - 0.004).abs() < 1e-9);
    assert!((f("rtt_max_client") - 0.034).abs() < 1e-9);
    assert!((f("rtt_avg_client") - 0.046 / 3.0).abs() < 1e-9);
    // Sample deviation: differences from 46/3 are -34/3, -22/3 and 56/3 ms.
    let dev = ((34f64.powi(2) + 22f64.powi(2) + 56f64.powi(2)) / 9.0 / 2.0).sqrt() / 1e3;
    assert!((f("rtt_stddev_client") - dev).abs() < 1e-9);
    // Idle: the client's longest gap is 30 → 60 ms, the server's 20 → 64 ms.
    assert!((f("idle_max_client") - 0.030).abs() < 1e-9);
    assert!((f("idle_max_server") - 0.044).abs() < 1e-9);
    // Throughput: 300 unique bytes in 64 ms.
    assert_eq!(n("throughput_client"), 4688);
    assert_eq!((n("mss_client"), n("mss_server")), (1200, 1300));
    assert_eq!(
        (c["window_scale_client"].is_null(), n("max_window_server")),
        (true, 700)
    );

    let out = common::run(&["conns", "--format", "zeek", cap]);
    let log = String::from_utf8(out.stdout).unwrap();
    let line = log.lines().find(|l| !l.starts_with('#')).unwrap();
    let cells: Vec<&str> = line.split('\t').collect();
    assert_eq!(cells[0], "1000000000.000000", "ts");
    assert_eq!(&cells[2..7], ["10.1.0.1", "5000", "10.1.0.2", "443", "tcp"]);
    assert_eq!(cells[8], "0.064000", "duration");
    assert_eq!(
        &cells[9..12],
        ["300", "0", "S1"],
        "orig_bytes resp_bytes conn_state"
    );
    assert_eq!(&cells[14..20], ["0", "ShADaT", "6", "644", "3", "124"]);
    assert_eq!(log.lines().last().unwrap(), "#close\t2001-09-09-01-46-40");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A conn.log has no place for the diagnosis: asking for both is a usage error, not a
/// silently dropped option.
#[test]
fn the_diagnosis_is_refused_with_the_zeek_format() {
    let cap = common::root().join("tests/captures/seed-https-rst.pcap");
    let out = common::run(&[
        "conns",
        "--format",
        "zeek",
        "--diagnose",
        cap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--diagnose has no place in a Zeek conn.log")
    );
}
