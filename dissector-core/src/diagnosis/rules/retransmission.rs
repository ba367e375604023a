//! Retransmissions and out-of-order segments, read against the bytes the capture missed:
//! `segment_lost_before_capture` (the segment fills a hole the capture saw open),
//! `segment_lost_after_capture` (the capture saw the bytes before), `ack_lost` (a spurious
//! retransmission of acknowledged bytes) and `reordering` (out of order, not resent).

use crate::analysis::Verdict;
use crate::diagnosis::{Detail, Finding, Obs, State};

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    let spurious = o.has(Verdict::SpuriousRetransmission);
    let fast = o.has(Verdict::FastRetransmission);
    let rto = o.has(Verdict::Retransmission);
    let ooo = o.has(Verdict::OutOfOrder);
    if o.rec.len == 0 || o.rec.handshake.is_some() {
        return;
    }
    let (seq, next) = (o.rec.seq, o.rec.seq.wrapping_add(o.rec.len));
    // Every data segment fills what it covers; only the flagged ones say how it was missed.
    let filled = c.dirs[me].holes.fill(seq, next);
    if !(spurious || fast || rto || ooo) || super::probe(c, o) {
        return;
    }
    let dups = c.dirs[peer].dup_acks;
    let bytes = o.rec.len;
    if spurious {
        // The ACK that covered these bytes never reached the sender in time.
        let ack_frame = c.dirs[peer].acked.map(|(_, fr)| fr);
        let lost = Detail::AckLost {
            ack_frame,
            seq,
            bytes,
        };
        out.push(o.finding(o.side, lost).with_frames(ack_frame));
        return;
    }
    match filled {
        Some(h) if ooo => {
            let late = Detail::Reordering {
                later_frame: Some(h.frame),
                seq: h.seq,
                bytes: h.bytes,
            };
            out.push(o.finding(o.side, late).with_frames([h.frame]));
        }
        Some(h) => {
            let lost = Detail::SegmentLostBeforeCapture {
                gap_frame: h.frame,
                seq: h.seq,
                bytes: h.bytes,
                dup_acks: dups.seen,
                fast,
            };
            out.push(
                o.finding(o.side, lost)
                    .with_frames([h.frame])
                    .with_frames(dups.kept().iter().copied()),
            );
        }
        None if ooo => {
            let late = Detail::Reordering {
                later_frame: None,
                seq,
                bytes,
            };
            out.push(o.finding(o.side, late));
        }
        None => {
            let lost = Detail::SegmentLostAfterCapture {
                seq,
                bytes,
                dup_acks: dups.seen,
                fast,
            };
            out.push(
                o.finding(o.side, lost)
                    .with_frames(dups.kept().iter().copied()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn gap_dup_acks_then_fast_retransmission_is_a_loss_before_the_capture_point() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            // 101..201 lost before the capture point.
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (s("A", 1, 101), 110),
            (s("A", 1, 101), 111),
            (s("A", 1, 101), 112),
            (c("PA", 101, 1).payload(&[0; 100]), 113),
        ]);
        let f = diagnose(&p);
        let l = only(&f, Cause::SegmentLostBeforeCapture);
        assert_eq!(l.frame, 9);
        assert_eq!(
            l.detail,
            Detail::SegmentLostBeforeCapture {
                gap_frame: 5,
                seq: 101,
                bytes: 100,
                dup_acks: 2,
                fast: true
            }
        );
        assert_eq!(l.frames, [5, 7, 8, 9]);
        let (en, zh) = both(l);
        assert_eq!(en, "Segment lost before the capture point: the client's 100 bytes from seq 101 never passed the capture point (the gap shows at frame 5); the server sent 2 duplicate ACKs asking for byte 101, and the client resent them at frame 9 by fast retransmission.");
        assert!(zh.starts_with("分段在抓包点之前丢失：客户端从 seq 101 开始的 100 字节没有经过抓包点（第 5 帧出现缺口）"), "{zh}");
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
                bytes: 100
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
                bytes: 50
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
                fast: false
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
}
