//! The command as a user meets it: formats, conversations, errors and exit codes.
#![deny(unsafe_code)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use tcplens_core::synth::{PcapWriter, SegBuilder};

fn capture(name: &str) -> String {
    common::root()
        .join("tests/captures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One clear line, no panic text.
fn assert_clean_error(out: &std::process::Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(
        err.starts_with("tcplens: ") && err.contains(needle),
        "stderr: {err}"
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn missing_file_exits_3() {
    let out = common::run(&["analyze", "/nonexistent/x.pcap"]);
    assert_clean_error(&out, 3, "No such file");
}

#[test]
fn a_text_file_is_not_a_capture_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.pcap");
    std::fs::write(
        &p,
        "these are not packets, just some text that is long enough\n",
    )
    .unwrap();
    let out = common::run(&["analyze", p.to_str().unwrap()]);
    assert_clean_error(&out, 4, "not a capture file");
}

#[test]
fn an_empty_file_is_said_to_be_empty_and_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.pcap");
    std::fs::write(&p, b"").unwrap();
    for command in ["analyze", "conns"] {
        let out = common::run(&[command, p.to_str().unwrap()]);
        assert_clean_error(&out, 4, "(the file is empty)");
        assert!(!stderr(&out).contains("truncated"), "{}", stderr(&out));
    }
    // Empty standard input says so too.
    let out = common::tcplens()
        .args(["analyze", "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_clean_error(&out, 4, "(standard input is empty)");
}

#[test]
fn unsupported_link_type_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("token-ring.pcap");
    let mut w = PcapWriter::new(6, 65535); // IEEE 802.5 Token Ring
    w.push(0, &[0u8; 40]);
    std::fs::write(&p, w.into_bytes()).unwrap();
    let out = common::run(&["conns", p.to_str().unwrap()]);
    assert_clean_error(&out, 5, "link type 6 is not supported");
}

#[test]
fn truncated_file_keeps_what_came_before_and_exits_6() {
    let full = std::fs::read(capture("seed-http-get.pcap")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.pcap");
    // Cut in the middle of the last record.
    std::fs::write(&p, &full[..full.len() - 20]).unwrap();
    let out = common::run(&["analyze", "--format", "jsonl", p.to_str().unwrap()]);
    assert_clean_error(&out, 6, "breaks off");
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        lines.lines().count(),
        11,
        "the 11 whole frames are analysed"
    );
}

#[test]
fn stdin_gives_the_same_answer_as_the_file() {
    let path = capture("seed-nc.pcap");
    let mut child = common::tcplens()
        .args(["analyze", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&path).unwrap())
        .unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert!(from_stdin.status.success());
    let from_file = common::run(&["analyze", "--format", "jsonl", &path]);
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn closed_pipe_ends_quietly() {
    // A capture large enough that the output outlives the reader.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.pcap");
    let mut w = PcapWriter::new(1, 65535);
    for i in 0..20_000u32 {
        let b = SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
            .seq(i * 10)
            .ack(1)
            .payload(b"0123456789");
        w.push(u64::from(i), &b.ethernet());
    }
    std::fs::write(&p, w.into_bytes()).unwrap();
    let mut child = common::tcplens()
        .args(["analyze", p.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("10.0.0.1:1000"));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit {:?}", out.status);
    assert!(stderr(&out).is_empty(), "stderr: {}", stderr(&out));
}

#[test]
fn csv_has_a_header_and_the_same_columns_on_every_row() {
    let out = common::run(&[
        "analyze",
        "--format",
        "csv",
        &capture("seed-https-rst.pcap"),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("frame,time,stream,src,dst,sport,dport,encap,tcp_flags,seq,ack"));
    let ncols = header.split(',').count();
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert_eq!(rows.len(), 13);
    for row in &rows {
        assert_eq!(row.len(), ncols, "{row:?}");
    }
    let col = |name: &str| header.split(',').position(|c| c == name).unwrap();
    assert_eq!(rows[1][col("tcp_flags")], "SYN,ACK");
    assert_eq!(rows[1][col("encap")], "eth:ip");
    let (t, e) = (col("teardown"), col("event"));
    assert_eq!(
        (rows[11][t].as_str(), rows[11][e].as_str()),
        ("23", "half_close_data")
    );
    assert_eq!(&rows[12][e..e + 3], ["rst", "server", "LAST_ACK"]);
    assert_eq!(
        rows[8][col("acks_frame")],
        "8",
        "frame 9 acknowledges frame 8"
    );
}

/// Splits one CSV row (RFC 4180: quoted fields, doubled quotes).
fn csv_fields(row: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn text_lines_name_the_steps_and_carry_the_explanation() {
    let out = common::run(&["analyze", &capture("seed-nc.pcap")]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // One summary line per frame, its explanation indented on the next.
    assert_eq!(lines.len(), 20);
    assert!(lines[0].contains("[SYN] Seq=0 Ack=0") && lines[0].contains("handshake 1/3"));
    assert!(lines[1].trim_start().starts_with("Handshake step 1 of 3"));
    assert!(
        lines[16].contains("teardown 2+3/4")
            && lines[16].contains("client=FIN_WAIT_2 server=LAST_ACK")
    );
    assert!(lines[17]
        .trim_start()
        .starts_with("Teardown steps 2+3 in one segment"));
    let out = common::run(&["analyze", "--lang", "zh", &capture("seed-nc.pcap")]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 20);
    assert!(
        lines[17]
            .trim_start()
            .starts_with("第二、三次挥手合并为一个包"),
        "{}",
        lines[17]
    );
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let out = common::run(&["analyze", "--lang", "fr", &capture("seed-nc.pcap")]);
    assert_eq!(out.status.code(), Some(2));
}

/// IP fragments: the frame completing a datagram carries its segment (path `ipfrag`), the
/// other fragments carry none, and the summary line and `conns --format json` count them.
#[test]
fn ip_fragments_are_reassembled_on_the_completing_frame() {
    let path = capture("synthetic-ip-fragments.pcap");
    let rows = common::jsonl(std::path::Path::new(&path));
    let reassembled: Vec<(u64, u64, &str)> = rows
        .iter()
        .filter(|v| v["encap"].as_str().is_some_and(|e| e.contains("ipfrag")))
        .map(|v| {
            (
                v["frame"].as_u64().unwrap_or(0),
                v["len"].as_u64().unwrap_or(0),
                v["encap"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        reassembled,
        [
            (6, 3000, "eth:ipfrag:ip"),
            (11, 2000, "eth:ipfrag:ip"),
            (15, 1500, "eth:ipfrag:ip"),
            (25, 2500, "eth:ipfrag:ip"),
            (34, 1600, "eth:ipfrag:ip:gre:ip"),
            (40, 1600, "eth:ipfrag:ip:udp:gtp:ip"),
        ]
    );
    // Held fragments give no row, and no error.
    assert!(rows.iter().all(|v| v["error"].is_null()));
    assert!(!rows.iter().any(|v| v["frame"] == 4 || v["frame"] == 12));
    let out = common::run(&["analyze", &path]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("41 frames: 30 TCP in 4 conversations, 11 not TCP, 0 undecodable; 17 IP fragments: 6 datagrams reassembled, 2 never completed"),
        "{err}"
    );
    let out = common::run(&["conns", "--format", "json", &path]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = &doc["capture"]["ip_fragments"];
    assert_eq!(
        (&f["fragments"], &f["reassembled"], &f["incomplete"]),
        (&17.into(), &6.into(), &2.into())
    );
}

#[test]
fn undecodable_frames_carry_a_reason() {
    let out = common::jsonl(std::path::Path::new(&capture("synthetic-malformed.pcap")));
    let errors: Vec<(u64, &str)> = out
        .iter()
        .filter_map(|v| Some((v["frame"].as_u64()?, v["error"].as_str()?)))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "bad_tcp_data_offset"),
            (3, "truncated_tcp_header"),
            (4, "tcp_header_beyond_ip_length"),
            // An ICMP error quoting 8 bytes of TCP header: the ports and seq, no stream.
            (7, "truncated_tcp_header"),
            // Frame 9, a first fragment whose partner never comes, is held for the
            // reassembly: no row (tshark shows no TCP there either).
            (10, "bad_ip_header_length"),
            (11, "bad_ip_version"),
        ]
    );
    // Every row has every key.
    let keys: Vec<&str> = out[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for v in &out {
        assert_eq!(v.as_object().unwrap().len(), keys.len());
    }
}

#[test]
fn conns_table_and_json() {
    let out = common::run(&["conns", &capture("seed-http-get.pcap")]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text.lines().nth(1).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(
        row.contains("192.168.1.100:51234") && cells.contains(&"ShADadFf") && cells.contains(&"SF"),
        "{row}"
    );
    // The last three columns: retransmission shares and mean RTTs, client/server, and the
    // vantage point (the seed's handshake splits 12 ms each way: the middle).
    assert_eq!(cells[cells.len() - 3], "0.0/0.0", "{row}");
    assert!(cells[cells.len() - 2].contains('/'), "{row}");
    assert_eq!(cells[cells.len() - 1], "middle", "{row}");
    assert!(row.contains("TIME_WAIT/CLOSED"), "{row}");

    let out = common::run(&[
        "conns",
        "--format",
        "json",
        &capture("synthetic-port-reuse.pcap"),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let convs = doc["conversations"].as_array().unwrap();
    assert_eq!(convs.len(), 2);
    assert_eq!(convs[0]["conn_state"], "SF");
    assert_eq!(convs[1]["conn_state"], "RSTO");
    assert_eq!(
        (
            convs[1]["packets_client"].as_u64(),
            convs[1]["packets_server"].as_u64()
        ),
        (Some(4), Some(1))
    );
    assert_eq!(doc["capture"]["tcp"], 11);
    let rtt = convs[0]["handshake_rtt"].as_f64().unwrap();
    assert!((rtt - 0.001).abs() < 1e-9, "{rtt}");
}

#[test]
fn filter_needs_an_interface() {
    let out = common::run(&["analyze", "-f", "tcp", &capture("seed-nc.pcap")]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn live_capture_on_a_missing_interface_exits_7() {
    let out = common::run(&["analyze", "-i", "tcplens-no-such-if0"]);
    assert_eq!(out.status.code(), Some(7), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("live capture on tcplens-no-such-if0 failed"));
}

/// A capture of `n` TCP frames in `conns` conversations, then `udp` UDP frames and
/// `bad` frames too short to decode.
fn mixed_capture(dir: &std::path::Path, tcp: u32, conns: u32, udp: u32, bad: u32) -> String {
    let p = dir.join("mixed.pcap");
    let mut w = PcapWriter::new(1, 65535);
    let mut t = 0u64;
    for i in 0..tcp {
        let client = format!("10.0.0.1:{}", 1000 + i % conns);
        let b = SegBuilder::v4(&client, "10.0.0.2:80")
            .seq(i * 10)
            .ack(1)
            .payload(b"0123456789");
        w.push(t, &b.ethernet());
        t += 1;
    }
    for _ in 0..udp {
        // Ethernet, IPv4 with protocol 17 (UDP), an 8-byte UDP header.
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&[
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        f.extend_from_slice(&[0, 53, 0, 53, 0, 8, 0, 0]);
        w.push(t, &f);
        t += 1;
    }
    for _ in 0..bad {
        w.push(t, &[0u8; 6]);
        t += 1;
    }
    std::fs::write(&p, w.into_bytes()).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn analyze_ends_a_file_with_one_summary_line_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let p = mixed_capture(dir.path(), 1000, 12, 24, 2);
    for format in ["text", "jsonl", "csv"] {
        let out = common::run(&["analyze", "--format", format, &p]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "tcplens: {p}: 1,026 frames: 1,000 TCP in 12 conversations, 24 not TCP, 2 undecodable\n"
            ),
            "--format {format}"
        );
    }
    // -q and --quiet silence it; the output itself is the same.
    let loud = common::run(&["analyze", "--format", "jsonl", &p]);
    for q in ["-q", "--quiet"] {
        let out = common::run(&["analyze", q, "--format", "jsonl", &p]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "{q}");
        assert_eq!(out.stdout, loud.stdout, "{q}");
    }
}

#[test]
fn a_capture_without_tcp_still_gets_its_summary() {
    // `analyze udp-only.pcap` used to print nothing at all.
    let dir = tempfile::tempdir().unwrap();
    let p = mixed_capture(dir.path(), 0, 1, 3, 0);
    let out = common::run(&["analyze", &p]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        format!("tcplens: {p}: 3 frames: 0 TCP in 0 conversations, 3 not TCP, 0 undecodable\n")
    );
}

#[test]
fn without_a_file_or_interface_the_error_and_the_usage_agree() {
    for command in ["analyze", "conns"] {
        let out = common::run(&[command]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("a capture file or -i INTERFACE is required"),
            "{err}"
        );
        let usage = format!("Usage: tcplens {command} [OPTIONS] <FILE | -i INTERFACE>");
        assert!(err.contains(&usage), "{err}");
        let help = common::run(&[command, "--help"]);
        let help = String::from_utf8(help.stdout).unwrap();
        assert!(help.contains(&usage), "{help}");
    }
    // A file alone, or an interface alone, is enough (the interface fails later, exit 7).
    assert!(common::run(&["analyze", "-q", &capture("seed-nc.pcap")])
        .status
        .success());
    let out = common::run(&["conns", "-i", "tcplens-no-such-if0"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
}

#[test]
fn conns_long_help_explains_every_column_letter_and_state() {
    use tcplens_core::schema::{Column, CONN_KEYS};
    use tcplens_core::summary::{CONN_STATES, HISTORY_LETTERS};
    let out = common::run(&["conns", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for k in CONN_KEYS.iter() {
        assert!(help.contains(k.description), "{}: {help}", k.name);
        let heading = match k.column {
            Column::Own => k.name,
            Column::Headed(h) | Column::HeadedShort(h) => h,
            Column::JoinedToPrevious | Column::JsonOnly => continue,
        };
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(heading)),
            "column {heading}: {help}"
        );
    }
    for m in HISTORY_LETTERS.iter().chain(CONN_STATES.iter()) {
        let line = format!("  {} ", m.value);
        assert!(
            help.lines()
                .any(|l| l.starts_with(&line) && l.ends_with(m.meaning)),
            "{} {}: {help}",
            m.value,
            m.meaning
        );
    }
    // The short help stays short.
    let short = String::from_utf8(common::run(&["conns", "-h"]).stdout).unwrap();
    assert!(!short.contains("History letters"), "{short}");
}

/// The rows `| `value` | meaning |` of the README table after the line starting `title`.
fn readme_table(readme: &str, title: &str) -> Vec<(String, String)> {
    let start = readme
        .lines()
        .position(|l| l.starts_with(title))
        .unwrap_or_else(|| panic!("README has no {title:?}"));
    readme
        .lines()
        .skip(start + 1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // heading and rule
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 2, "{l}");
            (cells[0].trim_matches('`').to_string(), cells[1].to_string())
        })
        .collect()
}

#[test]
fn the_readme_tables_of_history_letters_and_conn_state_are_the_cores() {
    use tcplens_core::summary::{Meaning, CONN_STATES, HISTORY_CASE, HISTORY_LETTERS};
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let rows = |t: &[Meaning]| -> Vec<(String, String)> {
        t.iter()
            .map(|m| (m.value.to_string(), m.meaning.to_string()))
            .collect()
    };
    assert_eq!(
        readme_table(&readme, &format!("History letters ({HISTORY_CASE}):")),
        rows(&HISTORY_LETTERS)
    );
    assert_eq!(readme_table(&readme, "`conn_state`:"), rows(&CONN_STATES));
}
