//! Resends and reordering, told from tcplens's own verdict on the segment
//! ([`crate::verdict`]: TSval, IP ID, SACK and D-SACK, the vantage point, timing as the
//! last resort), not from Wireshark's timing flags, and read against the holes the capture
//! saw open: `segment_lost_before_capture` (a needed resend fills a hole the capture saw),
//! `segment_lost_after_capture` (a needed resend of bytes the capture saw),
//! `ack_lost` (a spurious resend: the bytes had arrived) and `reordering` (a first
//! transmission overtaken by later data). Each finding carries the verdict's evidence; a
//! verdict revised by later evidence revises its finding ([`super::super::Diagnoser::revise`]).

use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::verdict::{Evidence, OwnVerdict};

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    if o.rec.len == 0 || o.rec.handshake.is_some() {
        return;
    }
    let (seq, next) = (o.rec.seq, o.rec.seq.wrapping_add(o.rec.len));
    // Every data segment fills what it covers; only the judged ones say how it was missed.
    let filled = c.dirs[me].holes.fill(seq, next);
    let own = o.an.own;
    let Some(verdict) = own.verdict else {
        return;
    };
    if super::probe(c, o) {
        return;
    }
    let dups = c.dirs[peer].dup_acks;
    let bytes = o.rec.len;
    let evidence = own.evidence;
    match (verdict, filled) {
        // Copies are set aside before the rules; a verdict given on one is no finding.
        (OwnVerdict::Duplicate, _) => {}
        (OwnVerdict::SpuriousRetransmission, _) => {
            out.push(ack_lost(c, o, seq, bytes, evidence));
        }
        (OwnVerdict::OutOfOrder, Some(h)) => {
            let late = Detail::Reordering {
                later_frame: Some(h.frame),
                seq: h.seq,
                bytes: h.bytes,
                evidence,
            };
            out.push(o.finding(o.side, late).with_frames([h.frame]));
        }
        (OwnVerdict::OutOfOrder, None) => {
            let late = Detail::Reordering {
                later_frame: None,
                seq,
                bytes,
                evidence,
            };
            out.push(o.finding(o.side, late));
        }
        (OwnVerdict::Retransmission, Some(h)) => {
            let lost = Detail::SegmentLostBeforeCapture {
                gap_frame: h.frame,
                seq: h.seq,
                bytes: h.bytes,
                dup_acks: dups.seen,
                trigger: own.trigger,
                evidence,
            };
            out.push(
                o.finding(o.side, lost)
                    .with_frames([h.frame])
                    .with_frames(dups.kept().iter().copied()),
            );
        }
        (OwnVerdict::Retransmission, None) => {
            let lost = Detail::SegmentLostAfterCapture {
                seq,
                bytes,
                dup_acks: dups.seen,
                trigger: own.trigger,
                evidence,
            };
            out.push(
                o.finding(o.side, lost)
                    .with_frames(dups.kept().iter().copied()),
            );
        }
    }
}

/// The ACK that covered the bytes never reached the sender in time (or the sender did not
/// wait for it).
fn ack_lost(c: &State, o: &Obs<'_>, seq: u32, bytes: u32, evidence: Evidence) -> Finding {
    let ack_frame = c.dirs[o.side.other().idx()].acked.map(|(_, fr)| fr);
    let lost = Detail::AckLost {
        ack_frame,
        seq,
        bytes,
        evidence,
    };
    o.finding(o.side, lost).with_frames(ack_frame)
}
#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::verdict::{Evidence, EvidenceKind, Trigger};

    #[test]
    fn gap_dup_acks_then_fast_retransmission_is_a_loss_before_the_capture_point() {
        let mut p = handshake();
        // The resend's TSval (113) is newer than that of the later bytes (101): made after
        // them, so a resend, not reordering.
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]).timestamps(100, 10), 100),
            // 101..201 lost before the capture point.
            (c("PA", 201, 1).payload(&[0; 100]).timestamps(101, 10), 101),
            (s("A", 1, 101).timestamps(60, 100), 110),
            (s("A", 1, 101).timestamps(61, 101), 111),
            (s("A", 1, 101).timestamps(62, 101), 112),
            (s("A", 1, 101).timestamps(63, 101), 112),
            (c("PA", 101, 1).payload(&[0; 100]).timestamps(113, 62), 113),
        ]);
        let f = diagnose(&p);
        let l = only(&f, Cause::SegmentLostBeforeCapture);
        assert_eq!(l.frame, 10);
        assert_eq!(
            l.detail,
            Detail::SegmentLostBeforeCapture {
                gap_frame: 5,
                seq: 101,
                bytes: 100,
                dup_acks: 3,
                trigger: Some(Trigger::DupAcks),
                evidence: Evidence::of(&[EvidenceKind::Tsval]),
            }
        );
        assert_eq!(l.frames, [5, 7, 8, 9, 10]);
        let (en, zh) = both(l);
        assert_eq!(en, "Segment lost before the capture point: the client's 100 bytes from seq 101 never passed the capture point (the gap shows at frame 5); the server sent 3 duplicate ACKs asking for byte 101, and the client resent them at frame 10 by fast retransmission after duplicate ACKs. tcplens's evidence: the order of the TSvals.");
        assert!(zh.starts_with("分段在抓包点之前丢失：客户端从 seq 101 开始的 100 字节没有经过抓包点（第 5 帧出现缺口）"), "{zh}");
        assert!(zh.ends_with("tcplens 的依据：TSval 的先后。"), "{zh}");
    }

    #[test]
    fn a_gap_filled_quickly_without_retransmission_is_reordering() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (c("PA", 101, 1).payload(&[0; 100]), 101),
        ]);
        let f = diagnose(&p);
        let r = only(&f, Cause::Reordering);
        assert_eq!((r.frame, r.frames.as_slice()), (6, &[5, 6][..]));
        assert_eq!(
            r.detail,
            Detail::Reordering {
                later_frame: Some(5),
                seq: 101,
                bytes: 100,
                evidence: Evidence::of(&[EvidenceKind::Timing]),
            }
        );
        assert!(f
            .iter()
            .all(|x| x.cause() != Cause::SegmentLostBeforeCapture));
        let (en, zh) = both(r);
        assert!(en.contains("after later bytes at frame 5"), "{en}");
        assert!(zh.contains("乱序"), "{zh}");
    }

    #[test]
    fn resending_acknowledged_bytes_is_a_lost_ack() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (s("A", 1, 51), 110),
            (c("PA", 1, 1).payload(&[0; 50]), 400),
        ]);
        let f = diagnose(&p);
        let a = only(&f, Cause::AckLost);
        assert_eq!(a.frame, 6);
        assert_eq!(
            a.detail,
            Detail::AckLost {
                ack_frame: Some(5),
                seq: 1,
                bytes: 50,
                evidence: Evidence::of(&[EvidenceKind::Ack]),
            }
        );
        let (en, zh) = both(a);
        assert!(en.contains("already acknowledged in frame 5"), "{en}");
        assert!(zh.contains("虚假重传"), "{zh}");
    }

    #[test]
    fn a_timeout_resend_of_a_seen_segment_is_a_loss_after_the_capture_point() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (c("PA", 1, 1).payload(&[0; 50]), 400),
        ]);
        let f = diagnose(&p);
        let l = only(&f, Cause::SegmentLostAfterCapture);
        assert_eq!(l.frame, 5);
        assert_eq!(
            l.detail,
            Detail::SegmentLostAfterCapture {
                seq: 1,
                bytes: 50,
                dup_acks: 0,
                trigger: Some(Trigger::Timeout),
                evidence: Evidence::default(),
            }
        );
        assert!(both(l).0.contains("after a timeout"));
    }

    #[test]
    fn a_packet_captured_twice_is_not_a_loss() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (c("PA", 1, 1).payload(&[0; 50]), 100),
        ]);
        let f = diagnose(&p);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].cause(), Cause::CaptureDuplicates);
    }

    #[test]
    fn a_late_segment_wireshark_calls_a_resend_is_reordering_by_its_ip_id() {
        // 50 ms after the gap, over the handshake's 20 ms RTT: by timing alone a resend
        // (Wireshark: Retransmission). The IP IDs, a counter, say frame 8 was made before
        // frame 7: it is reordering, never a loss.
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]).ip_id(10), 100),
            (c("PA", 101, 1).payload(&[0; 100]).ip_id(11), 100),
            (c("PA", 201, 1).payload(&[0; 100]).ip_id(12), 101),
            (c("PA", 401, 1).payload(&[0; 100]).ip_id(14), 101),
            (c("PA", 301, 1).payload(&[0; 100]).ip_id(13), 150),
        ]);
        let f = diagnose(&p);
        let r = only(&f, Cause::Reordering);
        assert_eq!(r.frame, 8);
        assert!(
            f.iter().all(|x| !matches!(
                x.cause(),
                Cause::SegmentLostBeforeCapture | Cause::SegmentLostAfterCapture
            )),
            "{f:#?}"
        );
        let (en, zh) = both(r);
        assert!(
            en.ends_with("tcplens's evidence: the order of the IP IDs."),
            "{en}"
        );
        assert!(zh.ends_with("tcplens 的依据：IP ID 的先后。"), "{zh}");
    }

    /// A resend after a timeout, then the receiver's D-SACK reporting its bytes twice.
    fn resend_then_dsack() -> Vec<(SegBuilder, i64)> {
        // Captured at the client (its ACK follows the SYN-ACK at once): every resend seen
        // is one the client made.
        vec![
            (c("S", 0, 0).ip_id(1000), 0),
            (s("SA", 0, 1).ip_id(5000), 40),
            (c("A", 1, 1).ip_id(1001), 40),
            (c("PA", 1, 1).payload(&[0; 50]).ip_id(1002), 100),
            (c("PA", 1, 1).payload(&[0; 50]).ip_id(1003), 400),
            // RFC 2883: D-SACK 1-51, below the ACK: the bytes arrived twice.
            (s("A", 1, 51).sack(&[(1, 51)]).ip_id(5001), 410),
        ]
    }

    #[test]
    fn a_resend_revised_to_spurious_by_a_dsack_is_a_lost_ack_not_a_loss() {
        let f = diagnose(&resend_then_dsack());
        let a = only(&f, Cause::AckLost);
        assert_eq!((a.frame, a.frames.as_slice()), (5, &[5, 6][..]), "{f:#?}");
        assert!(
            matches!(a.detail, Detail::AckLost { evidence, .. } if evidence.has(EvidenceKind::Dsack))
        );
        assert!(f
            .iter()
            .all(|x| x.cause() != Cause::SegmentLostAfterCapture));
        let (en, zh) = both(a);
        assert!(en.contains("D-SACK"), "{en}");
        assert!(zh.contains("D-SACK"), "{zh}");
    }

    #[test]
    fn a_host_that_took_the_finding_gets_the_revision_in_its_place() {
        // The plugin and the report take findings frame by frame: the revision replaces
        // the finding they hold.
        let mut a = crate::analyzer::Analyzer::new();
        a.diagnose(crate::diagnosis::TimeOrigin::FirstFrame);
        let mut held = Vec::new();
        let mut before_dsack = Vec::new();
        for (i, (b, t)) in resend_then_dsack().iter().enumerate() {
            let raw = b.raw();
            a.process(crate::wire::LinkType::Raw, &raw, raw.len() as u32, t * MS);
            a.take_findings(&mut held);
            if i == 4 {
                before_dsack = held.iter().map(|f| f.cause()).collect();
            }
        }
        a.finish_diagnosis(&mut held);
        assert_eq!(before_dsack, [Cause::SegmentLostAfterCapture]);
        let causes: Vec<Cause> = held.iter().map(|f| f.cause()).collect();
        assert_eq!(causes, [Cause::AckLost], "{held:#?}");
        assert!(!held[0].revises);
    }
}
