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
