//! The schemas drive every output: each consumer carries exactly the schema's keys, in the
//! schema's order (the plugin's fields: tests/plugin.rs; the C ABI and the C program:
//! dissector-core/tests/header.rs).

mod common;

use tcplens_core::schema::{Column, CONN_KEYS, FRAME_KEYS};

fn capture() -> std::path::PathBuf {
    common::root().join("tests/captures/synthetic-malformed.pcap")
}

fn frame_key_names() -> Vec<&'static str> {
    FRAME_KEYS.iter().map(|k| k.name).collect()
}

#[test]
fn every_jsonl_row_has_every_frame_key_in_schema_order() {
    let out = common::run(&["analyze", "--format", "jsonl", capture().to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = 0;
    for line in text.lines() {
        // serde_json keeps the order of an object's keys only with its preserve_order
        // feature, so the keys are read off the text: `{"frame":1,"time":...`.
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.len(), FRAME_KEYS.len(), "{line}");
        let mut at = 0;
        for name in frame_key_names() {
            let lead = format!("\"{name}\":");
            let found = line[at..]
                .find(&lead)
                .unwrap_or_else(|| panic!("{name} missing or out of order in {line}"));
            at += found + lead.len();
        }
        rows += 1;
    }
    assert!(rows > 0);
}

#[test]
fn the_csv_header_is_the_frame_schema() {
    let out = common::run(&["analyze", "--format", "csv", capture().to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next().unwrap(), frame_key_names().join(","));
}

#[test]
fn diff_tshark_compares_every_key_with_a_tshark_field() {
    if std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(!common::in_ci(), "tshark is missing: CI must run this test");
        eprintln!("SKIPPED: tshark not found");
        return;
    }
    let out = common::run(&[
        "diff-tshark",
        "--format",
        "json",
        capture().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<&str> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = FRAME_KEYS
        .iter()
        .filter(|k| k.tshark.is_some())
        .map(|k| k.name)
        .collect();
    assert_eq!(rows, want);
}

#[test]
fn conns_json_and_table_follow_the_conversation_schema() {
    let cap = common::root().join("tests/captures/seed-https-rst.pcap");
    let out = common::run(&["conns", "--format", "json", cap.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let conv = doc["conversations"][0].as_object().unwrap();
    assert_eq!(conv.len(), CONN_KEYS.len());
    let mut at = 0;
    for k in CONN_KEYS {
        let lead = format!("\"{}\":", k.name);
        at += text[at..]
            .find(&lead)
            .unwrap_or_else(|| panic!("{} missing or out of order", k.name))
            + lead.len();
    }

    let out = common::run(&["conns", cap.to_str().unwrap()]);
    let table = String::from_utf8(out.stdout).unwrap();
    let head: Vec<&str> = table
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let want: Vec<&str> = CONN_KEYS
        .iter()
        .filter_map(|k| match k.column {
            Column::Own => Some(k.name),
            Column::Headed(h) | Column::HeadedShort(h) => Some(h),
            Column::JoinedToPrevious | Column::JsonOnly => None,
        })
        .collect();
    assert_eq!(head, want);
}

/// The README's "JSONL keys" table documents every key of the frame schema, and no other.
#[test]
fn the_readme_documents_every_frame_key() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("## JSONL keys")
        .expect("README section JSONL keys");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut documented: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split(" |").next())
        .flat_map(|cell| cell.split(", "))
        .map(|k| k.trim_matches('`'))
        .collect();
    documented.sort_unstable();
    let mut want = frame_key_names();
    want.sort_unstable();
    assert_eq!(documented, want);
}

/// The README's "Connection keys" table documents every key of the conversation schema, in
/// schema order, with its place in the conns table.
#[test]
fn the_readme_documents_every_conversation_key() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("## Connection keys (`conns`)")
        .expect("README section Connection keys");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut documented: Vec<&str> = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let keys: Vec<&str> = cells[0].split(", ").map(|k| k.trim_matches('`')).collect();
        let first = CONN_KEYS.iter().find(|k| k.name == keys[0]).expect(line);
        let column = match first.column {
            Column::Own => format!("`{}`", first.name),
            Column::Headed(h) | Column::HeadedShort(h) => format!("`{h}`"),
            Column::JoinedToPrevious => "(joined)".into(),
            Column::JsonOnly => "JSON only".into(),
        };
        assert_eq!(cells[1], column, "{line}");
        documented.extend(keys);
    }
    let want: Vec<&str> = CONN_KEYS.iter().map(|k| k.name).collect();
    assert_eq!(documented, want);
}
