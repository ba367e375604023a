//! The engine end to end, on a few synthetic segments through the analyzer.

use super::*;
use crate::synth::SegBuilder;
use crate::wire::LinkType;
use crate::{Analyzer, Outcome};

pub(super) const MS: i64 = 1_000_000;
const C: &str = "10.0.0.1:40000";
const S: &str = "10.0.0.2:80";

pub(super) fn c(seq: u32, ack: u32) -> SegBuilder {
    SegBuilder::v4(C, S).flags("A").seq(seq).ack(ack)
}
pub(super) fn s(seq: u32, ack: u32) -> SegBuilder {
    SegBuilder::v4(S, C).flags("A").seq(seq).ack(ack)
}

/// A handshake captured next to the client (the SYN-ACK 40 ms after the SYN, the ACK at
/// once): the client's data is seen at its sender, the server's at its receiver.
pub(super) fn near_client() -> Vec<(SegBuilder, i64)> {
    vec![
        (c(0, 0).flags("S").ip_id(1000), 0),
        (s(0, 1).flags("SA").ip_id(5000), 40),
        (c(1, 1).ip_id(1001), 40),
    ]
}

/// The verdicts of every frame (ms times).
pub(super) fn run(frames: &[(SegBuilder, i64)]) -> Vec<Own> {
    let mut a = Analyzer::new();
    frames
        .iter()
        .map(|(b, t)| {
            let raw = b.raw();
            match a.process(LinkType::Raw, &raw, raw.len() as u32, t * MS) {
                Outcome::Tcp { analysis, .. } => analysis.own,
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

fn data(seg: SegBuilder, n: usize) -> SegBuilder {
    seg.flags("PA").payload(&vec![7; n])
}

fn verdict(o: &Own) -> (Option<&'static str>, Vec<&'static str>) {
    (
        o.verdict.map(OwnVerdict::name),
        o.evidence.kinds().map(|k| k.name()).collect(),
    )
}

/// The server's data at the receiver, its IP IDs counting from 5001.
fn server_data(order: &[(u32, u16, i64)]) -> Vec<Own> {
    let mut f = near_client();
    for &(seq, id, t) in order {
        f.push((data(s(seq, 1), 100).ip_id(id), t));
    }
    run(&f)[3..].to_vec()
}

#[test]
fn at_the_receiver_an_older_ip_id_in_a_hole_is_reordering() {
    // 301 sent (5004) before 401 (5005), arrives after it.
    let v = server_data(&[
        (1, 5001, 100),
        (101, 5002, 100),
        (201, 5003, 100),
        (401, 5005, 101),
        (301, 5004, 102),
        (501, 5006, 103),
    ]);
    assert_eq!(verdict(&v[4]), (Some("out_of_order"), vec!["ip_id"]));
    assert!(v[5].verdict.is_none());
}

#[test]
fn at_the_receiver_a_newer_ip_id_in_a_hole_is_a_needed_resend() {
    // 101 was lost (5002); its resend is 5006.
    let v = server_data(&[
        (1, 5001, 100),
        (201, 5003, 101),
        (301, 5004, 102),
        (401, 5005, 103),
        (501, 5006, 104),
        (101, 5007, 145),
    ]);
    assert_eq!(verdict(&v[5]), (Some("retransmission"), vec!["ip_id"]));
}

#[test]
fn at_the_receiver_bytes_seen_again_are_a_spurious_resend() {
    let v = server_data(&[
        (1, 5001, 100),
        (101, 5002, 101),
        (201, 5003, 102),
        (101, 5004, 150),
    ]);
    assert_eq!(
        verdict(&v[3]),
        (Some("spurious_retransmission"), vec!["ip_id", "vantage"])
    );
}

#[test]
fn tsval_orders_when_the_ip_id_does_not() {
    // IP ID 0 throughout: TSval decides (RFC 7323 §5.4).
    let mut f = near_client();
    for (seq, ts, t) in [
        (1, 100, 100),
        (201, 102, 101),
        (101, 101, 102),
        (301, 103, 103),
        (401, 150, 150),
    ] {
        f.push((data(s(seq, 1), 100).ip_id(0).timestamps(ts, 1), t));
    }
    f.push((data(s(101, 1), 100).ip_id(0).timestamps(160, 1), 160));
    let v = run(&f);
    assert_eq!(verdict(&v[5]), (Some("out_of_order"), vec!["tsval"]));
    // Bytes seen again, with a newer TSval.
    assert_eq!(v[8].verdict, Some(OwnVerdict::SpuriousRetransmission));
}

#[test]
fn at_the_sender_a_segment_below_the_highest_sent_is_a_resend_never_reordering() {
    let mut f = near_client();
    for (seq, id, t) in [
        (1, 1002, 41),
        (101, 1003, 41),
        (201, 1004, 42),
        (101, 1005, 90),
    ] {
        f.push((data(c(seq, 1), 100).ip_id(id), t));
    }
    // The server SACKs 201-301 and ACKs 101: then resending 201 is spurious.
    f.push((s(1, 101).sack(&[(201, 301)]).ip_id(5001), 95));
    f.push((data(c(201, 1), 100).ip_id(1006), 96));
    let v = run(&f);
    assert_eq!(verdict(&v[6]), (Some("retransmission"), vec!["vantage"]));
    assert_eq!(
        verdict(&v[8]),
        (Some("spurious_retransmission"), vec!["sack", "vantage"])
    );
}

#[test]
fn the_same_packet_again_is_a_duplicate_and_changes_nothing() {
    let v = server_data(&[(1, 5001, 100), (1, 5001, 101), (101, 5002, 102)]);
    assert_eq!(
        verdict(&v[1]),
        (Some("duplicate"), vec!["ip_id", "same_packet"])
    );
    assert!(v[2].verdict.is_none());
}

#[test]
fn without_ip_id_or_tsval_timing_decides() {
    let mut f = near_client();
    for (seq, t) in [
        (1, 100),
        (201, 101),
        (101, 105),
        (301, 106),
        (401, 107),
        (501, 200),
    ] {
        f.push((data(s(seq, 1), 100).ip_id(0), t));
    }
    f.push((data(s(501, 1), 100).ip_id(0), 250));
    f.push((data(s(601, 1), 100).ip_id(0), 251));
    f.push((data(s(801, 1), 100).ip_id(0), 252));
    f.push((data(s(701, 1), 100).ip_id(0), 320));
    let v = run(&f);
    // 4 ms after the data above it, against a 40 ms RTT: reordering.
    assert_eq!(verdict(&v[5]), (Some("out_of_order"), vec!["timing"]));
    // 68 ms after: a resend.
    assert_eq!(verdict(&v[12]), (Some("retransmission"), vec!["timing"]));
}

#[test]
fn a_little_endian_ip_id_counter_orders_in_order_data_as_in_order() {
    // zeek-retransmit-fast009.pcap's server: 0x763d, 0x773d, ... (the counter kept in the
    // host's byte order), bursts a few thousand apart: no verdict on any of it.
    let mut ids = vec![];
    for burst in [0x3d76_u16, 0x4776, 0x4c75] {
        for k in 0..5 {
            ids.push((burst + k).swap_bytes());
        }
    }
    let order: Vec<(u32, u16, i64)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (1 + 100 * i as u32, id, 100 + 40 * (i as i64 / 5)))
        .collect();
    let v = server_data(&order);
    assert!(v.iter().all(|o| o.verdict.is_none()), "{v:?}");
}

#[test]
fn one_ip_id_on_two_segments_of_different_data_gives_no_order() {
    // zeek-206_example_b.pcap: a middlebox gives 0x077e and 0x077f to two segments each;
    // the segments are new and in order.
    let v = server_data(&[
        (1, 0x0778, 100),
        (101, 0x0779, 100),
        (201, 0x077a, 100),
        (301, 0x077b, 100),
        (401, 0x077c, 100),
        (501, 0x077d, 100),
        (601, 0x077e, 100),
        (701, 0x077f, 100),
        (801, 0x077e, 100),
        (901, 0x077f, 100),
        (1001, 0x0780, 100),
    ]);
    assert!(v.iter().all(|o| o.verdict.is_none()), "{v:?}");
}

#[test]
fn a_counter_started_afresh_after_the_handshake_is_followed() {
    // ndpi-KakaoTalk_chat.pcap: the SYN-ACK carries 0x30b5 (here 5000), the data counts
    // from 0xde2c: every later segment is not "made before" the SYN-ACK.
    let v = server_data(&[
        (1, 0xde2c, 100),
        (101, 0xde2d, 100),
        (201, 0xde2e, 101),
        (301, 0xde2f, 101),
        (401, 0xde30, 102),
    ]);
    assert!(v.iter().all(|o| o.verdict.is_none()), "{v:?}");
}

#[test]
fn data_on_a_syn_is_a_first_transmission() {
    // sv-tfo.pcap: TCP Fast Open's SYN carries 3 bytes (RFC 7413), sequence ISN+1..ISN+4.
    let f = vec![
        (data(c(0, 0), 3).flags("S").ip_id(1000), 0),
        (s(0, 4).flags("SA").ip_id(5000), 1),
        (c(4, 1).ip_id(1001), 1),
        (data(c(4, 1), 10).ip_id(1002), 2),
    ];
    let v = run(&f);
    assert!(v.iter().all(|o| o.verdict.is_none()), "{v:?}");
    // The SYN sent again with its data is a resend.
    let mut again = f[..1].to_vec();
    again.push((data(c(0, 0), 3).flags("S").ip_id(1001), 1000));
    assert_eq!(run(&again)[1].verdict, Some(OwnVerdict::Retransmission));
}

#[test]
fn the_rtt_from_hostile_ack_rtts_saturates_instead_of_overflowing() {
    // fuzz/regressions/analyzer: timestamps far apart gave two ACK RTTs whose sum overflowed.
    let mut c = ConvVerdicts::default();
    c.on_ack_rtt(Side::Client, i64::MAX - 1);
    c.on_ack_rtt(Side::Server, i64::MAX - 1);
    assert_eq!(c.rtt_ns(None), Some(i64::MAX));
    assert_eq!(c.rtt_ns(Some(5)), Some(5));
}

#[test]
fn bytes_sent_into_a_closed_window_are_no_resend_and_not_delivered() {
    // netns-zero-window-probe.pcap: the client (the receiver, captured beside it) closes
    // its window; the server probes with one byte, twice, and after the window opens resends
    // the probe byte with more. The receiver dropped the probes (RFC 9293 §3.10.7.4), so
    // the resend is needed, not spurious.
    let mut f = near_client();
    f.push((data(s(1, 1), 100).ip_id(5001), 100));
    f.push((c(1, 101).window(0).ip_id(1002), 101));
    f.push((data(s(101, 1), 1).ip_id(5002), 400));
    f.push((c(1, 101).window(0).ip_id(1003), 401));
    f.push((data(s(101, 1), 1).ip_id(5003), 1000));
    f.push((c(1, 101).window(0).ip_id(1004), 1001));
    f.push((c(1, 101).window(8192).ip_id(1005), 1500));
    f.push((data(s(101, 1), 100).ip_id(5004), 1501));
    let v = run(&f);
    assert_eq!(verdict(&v[3]), (None, vec![]));
    assert_eq!(verdict(&v[5]), (None, vec![]), "a probe");
    assert_eq!(
        verdict(&v[7]),
        (None, vec![]),
        "a probe again, not a resend"
    );
    assert_eq!(v[7].basis, Some(Basis::ClosedWindow { frame: 7 }));
    assert_eq!(
        verdict(&v[10]).0,
        Some("retransmission"),
        "the probe byte was dropped: its resend is needed"
    );
}

/// The comparison behind each verdict, with the frame and the two values compared
/// (issue 14 item 5: the explanation's numbers).
mod basis {
    use super::*;
    use core::num::NonZeroU32;

    fn ip(mine: u16, theirs: u16) -> Option<Clock> {
        Some(Clock::IpId { mine, theirs })
    }

    #[test]
    fn reordering_names_the_later_sent_packet_seen_first() {
        // Frames 4.. : 301 (5004, frame 8) arrives after 401 (5005, frame 7).
        let v = server_data(&[
            (1, 5001, 100),
            (101, 5002, 100),
            (201, 5003, 100),
            (401, 5005, 101),
            (301, 5004, 102),
        ]);
        assert_eq!(
            v[4].basis,
            Some(Basis::Before {
                frame: 7,
                clock: ip(5004, 5005).unwrap()
            })
        );
    }

    #[test]
    fn a_resend_in_a_hole_names_the_higher_data_it_was_made_after() {
        // 101 (5002) lost; its resend 5007 (frame 9) was made after 501 (5006, frame 8).
        let v = server_data(&[
            (1, 5001, 100),
            (201, 5003, 101),
            (301, 5004, 102),
            (401, 5005, 103),
            (501, 5006, 104),
            (101, 5007, 145),
        ]);
        assert_eq!(
            v[5].basis,
            Some(Basis::AfterHigher {
                frame: 8,
                clock: ip(5007, 5006).unwrap()
            })
        );
    }

    #[test]
    fn a_resend_of_bytes_seen_names_the_frame_that_carried_them() {
        // At the receiver, 101 again (5004, frame 7) after frame 5 (5002) brought it.
        let v = server_data(&[
            (1, 5001, 100),
            (101, 5002, 101),
            (201, 5003, 102),
            (101, 5004, 150),
        ]);
        assert_eq!(
            v[3].basis,
            Some(Basis::SentBefore {
                frame: 5,
                clock: ip(5004, 5002)
            })
        );
        // TSvals, as issue 14's example: "its TSval 1000 is newer than frame 4's 990
        // carrying the same bytes, so it is a retransmission of frame 4" (at the sender).
        let mut f = near_client();
        f.push((data(c(1, 1), 100).ip_id(0).timestamps(990, 1), 41));
        f.push((data(c(101, 1), 100).ip_id(0).timestamps(990, 1), 41));
        f.push((data(c(1, 1), 100).ip_id(0).timestamps(1000, 1), 300));
        let v = run(&f);
        assert_eq!(v[5].verdict, Some(OwnVerdict::Retransmission));
        assert_eq!(
            v[5].basis,
            Some(Basis::SentBefore {
                frame: 4,
                clock: Some(Clock::Tsval {
                    mine: 1000,
                    theirs: 990
                })
            })
        );
    }

    #[test]
    fn a_spurious_resend_at_the_sender_names_the_ack_or_sack_that_covered_it() {
        let mut f = near_client();
        for (seq, id, t) in [(1, 1002, 41), (101, 1003, 41), (201, 1004, 42)] {
            f.push((data(c(seq, 1), 100).ip_id(id), t));
        }
        // Frame 7: ACK 101 and SACK 201-301; frame 8 resends 1 (acked), frame 9 201 (sacked).
        f.push((s(1, 101).sack(&[(201, 301)]).ip_id(5001), 95));
        f.push((data(c(1, 1), 100).ip_id(1005), 96));
        f.push((data(c(201, 1), 100).ip_id(1006), 96));
        let v = run(&f);
        // The client's ISN is 0: the numbers are raw here (the explanation makes them
        // relative).
        assert_eq!(v[7].basis, Some(Basis::Acked { frame: 7, ack: 101 }));
        assert_eq!(
            v[8].basis,
            Some(Basis::Sacked {
                frame: 7,
                left: 201,
                right: 301
            })
        );
    }

    #[test]
    fn timing_names_the_gap_and_the_rtt() {
        let mut f = near_client();
        for (seq, t) in [(1, 100), (201, 101), (101, 105)] {
            f.push((data(s(seq, 1), 100).ip_id(0), t));
        }
        let v = run(&f);
        assert_eq!(v[5].verdict, Some(OwnVerdict::OutOfOrder));
        assert_eq!(
            v[5].basis,
            Some(Basis::Gap {
                gap_us: 4_000,
                rtt_us: NonZeroU32::new(40_000)
            })
        );
    }
}
