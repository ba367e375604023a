//! `tcplens conns --diagnose`: every diagnosis rule on a bundled capture that shows it,
//! with the frame where the cause shows and its evidence, in both languages.
#![deny(unsafe_code)]

mod common;

use serde_json::Value;

/// The findings of a bundled capture: (stream, cause, frame, evidence frames, text).
fn findings(capture: &str, lang: &str) -> Vec<(u64, String, u64, Vec<u64>, String)> {
    findings_in(&common::root().join("tests/captures").join(capture), lang)
}

/// The findings of the capture at `path`, as [`findings`] gives them.
fn findings_in(path: &std::path::Path, lang: &str) -> Vec<(u64, String, u64, Vec<u64>, String)> {
    let capture = path.display();
    let out = common::run(&[
        "conns",
        "--diagnose",
        "--format",
        "json",
        "--lang",
        lang,
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{capture}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut v = Vec::new();
    for conv in doc["conversations"].as_array().expect("conversations") {
        let stream = conv["stream"].as_u64().unwrap();
        for f in conv["diagnosis"].as_array().expect("diagnosis key") {
            v.push((
                stream,
                f["cause"].as_str().unwrap().to_string(),
                f["frame"].as_u64().unwrap(),
                f["frames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect(),
                f["text"].as_str().unwrap().to_string(),
            ));
        }
    }
    v
}

/// Asserts that `capture` has a finding of `cause` on `frame` in `stream`, with `evidence`
/// among its frames and a text in each language; returns the English text.
fn shows(capture: &str, stream: u64, cause: &str, frame: u64, evidence: &[u64]) -> String {
    let mut english = String::new();
    for lang in ["en", "zh"] {
        let all = findings(capture, lang);
        let hit = all
            .iter()
            .find(|f| f.0 == stream && f.1 == cause && f.2 == frame)
            .unwrap_or_else(|| panic!("{capture}: no {cause} on frame {frame}: {all:#?}"));
        for e in evidence {
            assert!(
                hit.3.contains(e),
                "{capture} {cause}: frame {e} in {:?}",
                hit.3
            );
        }
        let cjk = hit
            .4
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert_eq!(cjk, lang == "zh", "{capture} {cause} ({lang}): {}", hit.4);
        if lang == "en" {
            english = hit.4.clone();
        }
    }
    english
}

fn causes(capture: &str) -> Vec<String> {
    findings(capture, "en").into_iter().map(|f| f.1).collect()
}

#[test]
fn loss_before_and_after_the_capture_point_lost_acks_and_reordering() {
    let cap = "netns-loss-reorder.pcap";
    let t = shows(cap, 0, "segment_lost_before_capture", 32, &[6, 17, 32]);
    assert!(
        t.contains("the server's 1448 bytes from seq 4345 never passed the capture point"),
        "{t}"
    );
    assert!(
        t.contains("by fast retransmission after duplicate ACKs"),
        "{t}"
    );
    assert!(
        t.ends_with("tcplens's evidence: the order of the IP IDs."),
        "{t}"
    );
    // Captured at the client, the receiver: bytes the capture saw had reached it, so a
    // resend of them is spurious (Wireshark calls frame 82 a fast retransmission).
    let t = shows(cap, 0, "ack_lost", 82, &[82]);
    assert!(
        t.contains("resends the server's 1448 bytes from seq 27513"),
        "{t}"
    );
    assert!(
        t.ends_with("tcplens's evidence: the order of the IP IDs, where the capture was taken."),
        "{t}"
    );
    assert!(!causes(cap)
        .iter()
        .any(|c| c == "segment_lost_after_capture"));
    let t = shows(cap, 0, "ack_lost", 76, &[76]);
    assert!(t.contains("spurious retransmission"), "{t}");
    shows(cap, 0, "reordering", 8, &[6, 8]);
    // The table shows each cause once in full, then where it shows again.
    let path = common::root().join("tests/captures").join(cap);
    let out = common::run(&["conns", "--diagnose", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("[reordering] Reordering in the network")
            .count(),
        1
    );
    assert!(
        text.contains("more [reordering] at frames 10, 12, 14, 16, 18, 27,"),
        "{text}"
    );
    assert!(
        text.contains("and 9 more [ack_lost] at frames 58, 60, 62, 67, 76, 78, 80, 82, 102\n"),
        "{text}"
    );
}

#[test]
fn a_reset_with_data_in_flight() {
    let t = shows(
        "seed-https-rst.pcap",
        0,
        "reset_with_unacked_data",
        13,
        &[12, 13],
    );
    assert!(
        t.contains("the server aborted the connection with RST at frame 13 while 31 bytes it had sent were not yet acknowledged"),
        "{t}"
    );
}

#[test]
fn a_zero_window_episode_with_probes_is_one_finding_and_the_probes_are_no_losses() {
    let t = shows(
        "netns-zero-window-probe.pcap",
        0,
        "receiver_window_exhausted",
        33,
        &[8, 9, 13, 17, 21, 33],
    );
    assert!(t.contains("stayed closed for 2.959 s"), "{t}");
    assert_eq!(
        causes("netns-zero-window-probe.pcap"),
        ["receiver_window_exhausted"]
    );
    shows(
        "netns-zero-window.pcap",
        0,
        "receiver_window_exhausted",
        17,
        &[10, 11],
    );
}

#[test]
fn keep_alives_and_port_reuse() {
    shows("netns-keepalive.pcap", 0, "keep_alive_idle", 15, &[6, 15]);
    shows("netns-port-reuse.pcap", 1, "port_reuse", 9, &[9]);
    shows("synthetic-port-reuse.pcap", 1, "port_reuse", 7, &[7]);
}

#[test]
fn handshakes_that_fail_a_capture_that_starts_late_and_one_that_drops_packets() {
    let cap = "synthetic-diagnosis.pcap";
    let t = shows(cap, 0, "handshake_no_answer", 1, &[1, 2, 3]);
    assert!(
        t.contains("sent 3 SYN(s) (frames 1, 2, 3) over 3.000 s"),
        "{t}"
    );
    shows(cap, 1, "handshake_refused", 5, &[4, 5]);
    shows(cap, 2, "handshake_unfinished", 7, &[6, 7]);
    shows(cap, 3, "mid_connection_start", 8, &[8]);
    let t = shows(cap, 4, "capture_missed_packets", 15, &[14, 15]);
    assert!(t.contains("the client's 100 bytes from seq 101"), "{t}");
    let t = shows(cap, 5, "keep_alive_idle", 21, &[19, 21]);
    assert!(t.contains("after 45.000 s without data"), "{t}");
}

#[test]
fn textbook_connections_have_nothing_to_report() {
    for cap in ["seed-nc.pcap", "seed-http-get.pcap"] {
        assert!(causes(cap).is_empty(), "{cap}: {:?}", causes(cap));
    }
    let out = common::run(&[
        "conns",
        "--diagnose",
        common::root()
            .join("tests/captures/seed-nc.pcap")
            .to_str()
            .unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("diagnosis:\n  nothing to report"), "{text}");
}

#[test]
fn without_diagnose_the_json_has_no_diagnosis_key() {
    let path = common::root().join("tests/captures/seed-https-rst.pcap");
    let out = common::run(&["conns", "--format", "json", path.to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(doc["conversations"][0].get("diagnosis").is_none());
}

#[test]
fn the_shared_captures_show_the_rules_on_real_traffic() {
    let Some(shared) = common::shared_captures() else {
        eprintln!("SKIPPED: ../shared/captures is not here");
        return;
    };
    let want = [
        ("csp-synscan.pcapng", "handshake_refused"),
        ("csp-synscan.pcapng", "handshake_no_answer"),
        ("csp-tcp_zerowindowdead.pcapng", "receiver_window_exhausted"),
        ("zeek-missing-syn.pcap", "mid_connection_start"),
        ("zeek-rst-inject-rae.pcap", "handshake_refused"),
        ("arkime-wireshark-retrans.pcap", "capture_duplicates"),
        ("ndpi-smtp-starttls.pcap", "capture_missed_packets"),
        ("ndpi-instagram.pcap", "icmp_unreachable"),
    ];
    for (name, cause) in want {
        let Some(path) = shared.iter().find(|p| p.ends_with(name)) else {
            panic!("{name} is missing from ../shared/captures");
        };
        let out = common::run(&[
            "conns",
            "--diagnose",
            "--format",
            "json",
            path.to_str().unwrap(),
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!("\"cause\": \"{cause}\"")),
            "{name}: no {cause}"
        );
    }
    // A packet captured twice is not a loss.
    if let Some(path) = shared.iter().find(|p| p.ends_with("zeek-ssh-dups.pcap")) {
        let out = common::run(&[
            "conns",
            "--diagnose",
            "--format",
            "json",
            path.to_str().unwrap(),
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("segment_lost"), "zeek-ssh-dups.pcap");
    }
}

/// `arkime-wireshark-retrans.pcap` holds most frames two to four times (same IP ID, TTL
/// and MACs, 4 µs to 50 ms apart): one `capture_duplicates` finding tells it, and none of
/// the copies is a loss, a lost ACK or a keep-alive (the 11 `segment_lost_after_capture`
/// and 5 `ack_lost` of before were copies). `zeek-ssh-dups.pcap` (every packet four
/// times, 0 µs apart) is told the same way.
#[test]
fn capture_duplicates_on_real_captures_are_told_and_are_never_losses() {
    let Some(shared) = common::shared_captures() else {
        eprintln!("SKIPPED: ../shared/captures is not here");
        return;
    };
    let find = |name: &str| {
        shared
            .iter()
            .find(|p| p.ends_with(name))
            .unwrap_or_else(|| panic!("{name} is missing from ../shared/captures"))
            .clone()
    };
    let arkime = find("arkime-wireshark-retrans.pcap");
    let all = findings_in(&arkime, "en");
    let causes: Vec<&str> = all.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(causes, ["capture_duplicates"], "{all:#?}");
    let (_, _, frame, frames, text) = &all[0];
    assert_eq!((*frame, frames.as_slice()), (2, &[1, 2, 3, 5, 7][..]));
    assert!(
        text.starts_with("Capture duplicates: the capture holds 81 packet(s) of this connection a second time (36 with data), the first at frame 2, a copy of frame 1"),
        "{text}"
    );
    assert!(text.contains("4–50452 µs after the earlier copy"), "{text}");
    let zh = &findings_in(&arkime, "zh")[0].4;
    assert!(
        zh.starts_with("抓包重复：本次抓包把该连接的 81 个数据包又记录了一次"),
        "{zh}"
    );

    let zeek = findings_in(&find("zeek-ssh-dups.pcap"), "en");
    let causes: Vec<&str> = zeek.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(causes, ["capture_duplicates"], "{zeek:#?}");
    // The client's pure ACKs carry IP ID 0: their copies cannot be told from duplicate
    // ACKs, and are not counted (95 of the 280 repeated frames).
    assert!(zeek[0].4.contains("holds 187 packet(s)"), "{}", zeek[0].4);
}

/// `tests/groundtruth/span-every-data.pcap` is `loss-reorder-server.pcap` with each of its
/// 181 data segments a second time, 0.3 to 2.4 ms later, `span-duplicates.pcap` with 39
/// of them and 7 pure ACKs: the copies make one `capture_duplicates` finding of as many
/// as the truth lists, and the other findings are the source capture's, frame for frame
/// (through the truth's `source_frame`).
#[test]
fn span_copies_are_counted_and_leave_the_source_capture_s_findings() {
    let gt = common::root().join("tests/groundtruth");
    let source = findings_in(&gt.join("loss-reorder-server.pcap"), "en");
    let want: Vec<(String, u64, Vec<u64>)> = source
        .iter()
        .map(|f| (f.1.clone(), f.2, f.3.clone()))
        .collect();
    assert!(want.iter().any(|f| f.0 == "ack_lost"), "{want:#?}");
    for (name, copies, data) in [("span-every-data", 181, 181), ("span-duplicates", 46, 39)] {
        let span = findings_in(&gt.join(format!("{name}.pcap")), "en");
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(gt.join(format!("{name}.truth.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(truth["duplicates"], copies, "{name}");
        assert_eq!(truth["duplicate_data_segments"], data, "{name}");
        let to_source = |n: u64| truth["source_frame"][n as usize - 1].as_u64().unwrap();
        let dups: Vec<_> = span
            .iter()
            .filter(|f| f.1 == "capture_duplicates")
            .collect();
        assert_eq!(dups.len(), 1, "{name}: {span:#?}");
        let says =
            format!("holds {copies} packet(s) of this connection a second time ({data} with data)");
        assert!(dups[0].4.contains(&says), "{name}: {}", dups[0].4);
        let mapped: Vec<(String, u64, Vec<u64>)> = span
            .iter()
            .filter(|f| f.1 != "capture_duplicates")
            .map(|f| {
                (
                    f.1.clone(),
                    to_source(f.2),
                    f.3.iter().map(|&n| to_source(n)).collect(),
                )
            })
            .collect();
        assert_eq!(mapped, want, "{name}");
    }
}

/// `ndpi-instagram.pcap`: SYNs the local stack answered with ICMP port unreachable
/// (streams 10, 18, 19: only the ICMP errors were captured), and connections caught
/// mid-stream whose first packet came from the server (streams 8 and 20).
#[test]
fn icmp_unreachable_and_mid_stream_clients_on_a_real_capture() {
    let Some(shared) = common::shared_captures() else {
        eprintln!("SKIPPED: ../shared/captures is not here");
        return;
    };
    let path = shared
        .iter()
        .find(|p| p.ends_with("ndpi-instagram.pcap"))
        .expect("ndpi-instagram.pcap is missing from ../shared/captures");
    let out = common::run(&[
        "conns",
        "--diagnose",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let convs = doc["conversations"].as_array().unwrap();
    let conv = |n: u64| convs.iter().find(|c| c["stream"] == n).unwrap();
    for (stream, frames) in [(10, vec![341, 342]), (18, vec![417, 418]), (19, vec![439])] {
        let d = conv(stream)["diagnosis"].as_array().unwrap();
        let causes: Vec<&str> = d.iter().map(|f| f["cause"].as_str().unwrap()).collect();
        assert_eq!(causes, ["icmp_unreachable"], "stream {stream}");
        let frames: Vec<Value> = frames.into_iter().map(Value::from).collect();
        assert_eq!(
            d[0]["frames"].as_array().unwrap(),
            &frames,
            "stream {stream}"
        );
        let text = d[0]["text"].as_str().unwrap();
        assert!(
            text.contains("\"port unreachable\" from 192.168.0.103"),
            "{text}"
        );
        assert!(text.contains("the connection never started"), "{text}");
    }
    for (stream, client, server) in [
        (8, "192.168.0.103:33934", "31.13.93.52:443"),
        (20, "192.168.0.103:41562", "92.122.48.138:80"),
    ] {
        let c = conv(stream);
        assert_eq!(
            (c["client"].as_str(), c["server"].as_str()),
            (Some(client), Some(server))
        );
        let text = c["diagnosis"][0]["text"].as_str().unwrap();
        assert!(text.contains("guessed from the ports"), "{text}");
        assert!(text.contains("from the server"), "{text}");
    }
}

/// The diagnosis section after the table speaks the chosen language, headings and frame
/// lists included.
#[test]
fn the_chinese_diagnosis_section_has_no_english_words() {
    let path = common::root().join("tests/captures/netns-loss-reorder.pcap");
    let out = common::run(&[
        "conns",
        "--diagnose",
        "--lang",
        "zh",
        path.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let section = &text[text.find("\n诊断：\n").expect("the section's heading")..];
    assert!(
        section.contains("\n  流 0（10.77.1.1:38830 -> 10.77.1.2:5005）：\n"),
        "{section}"
    );
    assert!(section.contains("（证据：第 6、8 帧）"), "{section}");
    assert!(
        section.contains("另有 32 处 [reordering]，在第 10、12、"),
        "{section}"
    );
    for english in ["diagnosis", "stream ", "frame", " more ", " at "] {
        assert!(!section.contains(english), "{english:?} in {section}");
    }
    let nc = common::root().join("tests/captures/seed-nc.pcap");
    let out = common::run(&["conns", "--diagnose", "--lang", "zh", nc.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("\n诊断：\n  没有发现问题\n"));
}

/// `zeek-retransmit-fast009.pcap`, captured near the server, the sender: frames 32, 34 and
/// 36 resend bytes the capture saw go out and the client asked for again. Frame 32 follows
/// three duplicate ACKs; 34 and 36 follow dup ACKs whose SACK blocks show the holes (the
/// issue's case: 34 was told as a retransmission timeout, 388 ms after a frame that never
/// carried its bytes). The losses come from tcplens's own verdict and say its evidence.
#[test]
fn sack_driven_resends_are_told_with_their_trigger_and_evidence() {
    let Some(shared) = common::shared_captures() else {
        eprintln!("SKIPPED: ../shared/captures is not here");
        return;
    };
    let path = shared
        .iter()
        .find(|p| p.ends_with("zeek-retransmit-fast009.pcap"))
        .expect("zeek-retransmit-fast009.pcap is missing from ../shared/captures");
    let en = findings_in(path, "en");
    let seen: Vec<(&str, u64)> = en.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(
        seen,
        [
            ("segment_lost_after_capture", 32),
            ("segment_lost_after_capture", 34),
            ("segment_lost_after_capture", 36),
        ],
        "{en:#?}"
    );
    assert!(
        en[0]
            .4
            .contains("frame 32 resends them by fast retransmission after duplicate ACKs."),
        "{}",
        en[0].4
    );
    for f in &en[1..] {
        assert!(
            f.4.contains("after SACK blocks showed the hole."),
            "{}",
            f.4
        );
        assert!(!f.4.contains("timeout"), "{}", f.4);
        assert!(
            f.4.ends_with("tcplens's evidence: where the capture was taken."),
            "{}",
            f.4
        );
    }
    let zh = findings_in(path, "zh");
    assert!(
        zh[1].4.contains("第 34 帧在 SACK 块显示空洞之后快速重传"),
        "{}",
        zh[1].4
    );
    assert!(
        zh[1].4.ends_with("tcplens 的依据：抓包位置。"),
        "{}",
        zh[1].4
    );
}
