//! Issue 14 item 5: the explanation of a data segment (and of a copy) tells tcplens's own
//! verdict with its evidence and trigger, and what Wireshark marks where it differs, on
//! the real captures the issue names and on a ground-truth case, in English and Chinese.

mod common;

use std::path::Path;

/// The explanation of frame `frame` of `capture` in `lang`.
fn explanation(capture: &Path, frame: u64, lang: &str) -> String {
    let out = common::run(&[
        "analyze",
        "--format",
        "jsonl",
        "--lang",
        lang,
        capture.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["frame"] == frame)
        .unwrap_or_else(|| panic!("no frame {frame} in {}", capture.display()))["explain"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A shared capture, or `None` (skipped) where `../shared/captures` is not here.
fn shared(name: &str) -> Option<std::path::PathBuf> {
    let Some(all) = common::shared_captures() else {
        eprintln!("SKIPPED: ../shared/captures is not here");
        return None;
    };
    let p = all.into_iter().find(|p| p.ends_with(name));
    Some(p.unwrap_or_else(|| panic!("{name} is missing from ../shared/captures")))
}

/// `arkime-wireshark-retrans.pcap` frame 2, a SPAN copy of the SYN 5 µs after it: the same
/// packet captured twice, which Wireshark calls a retransmission; no retransmission timeout.
#[test]
fn a_capture_duplicate_is_told_as_the_same_packet_not_a_timeout() {
    let Some(p) = shared("arkime-wireshark-retrans.pcap") else {
        return;
    };
    let en = explanation(&p, 2, "en");
    assert!(
        en.contains(
            "Wireshark marks this Retransmission by its timing rules; the evidence says otherwise. \
             tcplens's verdict: duplicate, the same packet captured twice: a copy of frame 1, \
             0.005 ms later, with the same IP ID, header and payload: not a resend"
        ),
        "{en}"
    );
    assert!(
        en.starts_with("Handshake step 1 of 3, seen again: the client's SYN (seq 0) appears again in the capture."),
        "{en}"
    );
    assert!(!en.contains("retransmission timeout"), "{en}");
    let zh = explanation(&p, 2, "zh");
    assert!(
        zh.contains(
            "Wireshark 按时间规则将其标记为重传，但证据表明并非如此。tcplens 判定：重复的包，\
             同一个包被抓到了两次：是第 1 帧的副本，晚 0.005 ms，IP ID、头部和载荷都相同，并不是重传"
        ),
        "{zh}"
    );
    assert!(
        zh.starts_with("第一次握手（再次出现）：客户端的 SYN（seq = 0）在抓包中再次出现。"),
        "{zh}"
    );
    assert!(!zh.contains("超时重传"), "{zh}");
}

/// `zeek-retransmit-fast009.pcap` frame 34: a SACK-driven resend, which Wireshark also
/// calls a retransmission; its trigger, not Wireshark's timeout, is told, and the frame
/// that carried the bytes before: frame 21 (`tshark -T fields -e tcp.seq -e tcp.len`:
/// 18639 and 1446, so 18639 to 20085, 1382 of the resend's 1430 bytes; frame 20 carried
/// the other 48). The IP IDs (0x7947, 0x754f, a counter kept byte-swapped, 2044 apart)
/// do not order the two, so no IP ID is compared.
#[test]
fn a_sack_driven_resend_is_not_called_a_timeout() {
    let Some(p) = shared("zeek-retransmit-fast009.pcap") else {
        return;
    };
    let en = explanation(&p, 34, "en");
    assert!(
        en.contains(
            "Retransmission: the server sends bytes 18591 to 20021 again. tcplens's verdict: \
             retransmission, a resend of bytes the receiver still missed (by where the capture \
             was taken), sent after SACK blocks showed the hole. Frame 21 carried these bytes \
             before, so it is a retransmission of frame 21."
        ),
        "{en}"
    );
    assert!(!en.contains("timeout"), "{en}");
    let zh = explanation(&p, 34, "zh");
    assert!(
        zh.contains(
            "重传：服务器再次发送字节 18591 到 20021。tcplens 判定：重传，接收端仍缺少其中的字节\
             （依据：抓包位置），由 SACK 块显示的空洞触发。第 21 帧之前已发送过这些字节，\
             所以它是第 21 帧的重传。"
        ),
        "{zh}"
    );
    assert!(!zh.contains("超时"), "{zh}");
}

/// `tests/groundtruth/loss-reorder-client.pcap` frame 220: Wireshark's Out-Of-Order is,
/// by the IP IDs, a resend after duplicate ACKs (the truth file has it a resend too, a
/// spurious one: the original, delayed, arrived after it, which the capture cannot know).
/// The numbers, from `tshark -T fields -e ip.id -e tcp.seq`: frame 220 has IP ID 0x97fc
/// and seq 126181 (to 127629), frame 218, the server's highest data before it, 0x97f1 and
/// seq 155141; no earlier frame carried 126181 (frame 180 ends there, 181 starts at 127629).
#[test]
fn wireshark_out_of_order_that_is_a_retransmission_says_so() {
    let p = common::root().join("tests/groundtruth/loss-reorder-client.pcap");
    let en = explanation(&p, 220, "en");
    assert!(
        en.contains(
            "Wireshark marks this Out-Of-Order by its timing rules; the evidence says otherwise. \
             tcplens's verdict: retransmission, a resend of bytes the receiver still missed (by \
             the order of the IP IDs), sent after duplicate ACKs (fast retransmit). Its IP ID \
             0x97fc is newer than frame 218's 0x97f1, which carried higher sequence numbers, so \
             it was sent after that data: a retransmission."
        ),
        "{en}"
    );
    assert!(
        !en.contains("Out-of-order:"),
        "Wireshark's own sentence is replaced: {en}"
    );
    let zh = explanation(&p, 220, "zh");
    assert!(
        zh.contains(
            "Wireshark 按时间规则将其标记为乱序，但证据表明并非如此。tcplens 判定：重传，\
             接收端仍缺少其中的字节（依据：IP ID 的先后），由重复确认触发（快速重传）。\
             它的 IP ID 0x97fc 比第 218 帧的 0x97f1 新，而第 218 帧携带的是更高的序列号，\
             所以它是在那些数据之后发送的：是重传。"
        ),
        "{zh}"
    );
    assert!(!zh.contains("乱序：seq"), "{zh}");
}

/// `loss-reorder-client.pcap` frame 222, which Wireshark marks Out-Of-Order: a spurious
/// resend of frame 214's bytes (`tshark -T fields -e ip.id -e tcp.seq`: both seq 152245,
/// IP IDs 0x9801 and 0x97ef); and frame 14, reordering: IP ID 0x9777 (seq 1653) against
/// frame 7's 0x977c (seq 8893), which arrived first.
#[test]
fn the_numbers_name_the_frame_compared_with() {
    let p = common::root().join("tests/groundtruth/loss-reorder-client.pcap");
    let en = explanation(&p, 222, "en");
    assert!(
        en.contains(
            "Wireshark marks this Out-Of-Order by its timing rules; the evidence says otherwise. \
             tcplens's verdict: spurious retransmission, a resend of bytes that had all reached \
             the receiver (by the order of the IP IDs, where the capture was taken), sent after \
             SACK blocks showed the hole. Its IP ID 0x9801 is newer than frame 214's 0x97ef \
             carrying the same bytes, which had arrived already, so it is a spurious \
             retransmission of frame 214."
        ),
        "{en}"
    );
    let zh = explanation(&p, 222, "zh");
    assert!(
        zh.contains(
            "它的 IP ID 0x9801 比携带同样字节的第 214 帧的 0x97ef 新，而这些字节已经到达，\
             所以它是第 214 帧的虚假重传。"
        ),
        "{zh}"
    );
    assert!(
        zh.contains("标记为乱序") && zh.contains("tcplens 判定：虚假重传"),
        "{zh}"
    );
    let en = explanation(&p, 14, "en");
    assert!(
        en.contains(
            "Its IP ID 0x9777 is older than frame 7's 0x977c, which arrived first, so it was \
             sent before that packet and overtaken on the way: out of order."
        ),
        "{en}"
    );
    let zh = explanation(&p, 14, "zh");
    assert!(
        zh.contains(
            "它的 IP ID 0x9777 比先到达的第 7 帧的 0x977c 旧，所以它发送在前、在路上被超过：是乱序。"
        ),
        "{zh}"
    );
}

/// Every row's explanation tells the row's own verdict, also where later frames revised it
/// while the row was held back (`analyze` tells it again as revised).
#[test]
fn every_explanation_tells_the_verdict_of_its_row() {
    let mut revised_cases = 0;
    for p in common::captures_in(&common::root().join("tests/groundtruth")) {
        for row in common::jsonl(&p) {
            let text = row["explain"].as_str().unwrap();
            let want = match row["verdict"].as_str() {
                None => continue,
                Some("out_of_order") => "tcplens's verdict: out of order,",
                Some("retransmission") => "tcplens's verdict: retransmission,",
                Some("spurious_retransmission") => "tcplens's verdict: spurious retransmission,",
                Some("duplicate") => "tcplens's verdict: duplicate,",
                Some(other) => panic!("verdict {other}"),
            };
            assert!(
                text.contains(want),
                "{} frame {}: {text}",
                p.display(),
                row["frame"]
            );
            revised_cases += usize::from(row["verdict"] == "spurious_retransmission");
        }
    }
    assert!(revised_cases > 0, "no spurious resends among the cases");
}
