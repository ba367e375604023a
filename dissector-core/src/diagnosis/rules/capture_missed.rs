//! `capture_missed_packets` (`tcp.analysis.ack_lost_segment`): the receiver acknowledges
//! bytes the capture did not see; they were delivered, the capture point dropped them.

use crate::analysis::Verdict;
use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::lifecycle::Event;

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let peer = o.side.other();
    if !o.rec.tcp_flags.ack() || o.rec.event == Event::Rst {
        return;
    }
    let missed = c.dirs[peer.idx()].holes.acked(o.rec.ack);
    if !o.has(Verdict::AckLostSegment) || c.dirs[peer.idx()].probing {
        // An accepted zero-window probe is also "ACKed unseen" to Wireshark.
        return;
    }
    let detail = match missed {
        Some(h) => Detail::CaptureMissedPackets {
            gap_frame: Some(h.frame),
            seq: h.seq,
            bytes: h.bytes,
        },
        None => Detail::CaptureMissedPackets {
            gap_frame: None,
            seq: o.rec.ack,
            bytes: 0,
        },
    };
    out.push(o.finding(peer, detail).with_frames(missed.map(|h| h.frame)));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn an_ack_over_a_gap_means_the_capture_missed_packets() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (s("A", 1, 301), 150),
        ]);
        let f = diagnose(&p);
        let m = only(&f, Cause::CaptureMissedPackets);
        assert_eq!((m.frame, m.side), (6, Side::Client));
        assert_eq!(
            m.detail,
            Detail::CaptureMissedPackets {
                gap_frame: Some(5),
                seq: 101,
                bytes: 100
            }
        );
        let (en, zh) = both(m);
        assert!(en.contains("acknowledges the client's 100 bytes from seq 101 that the capture never saw (gap at frame 5)"), "{en}");
        assert!(zh.contains("漏抓"), "{zh}");
    }

    #[test]
    fn an_ack_beyond_what_was_seen_without_a_gap() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (s("A", 1, 301), 150),
        ]);
        let f = diagnose(&p);
        let m = only(&f, Cause::CaptureMissedPackets);
        assert_eq!(
            (m.frame, m.frames.as_slice(), m.detail),
            (
                5,
                &[5][..],
                Detail::CaptureMissedPackets {
                    gap_frame: None,
                    seq: 301,
                    bytes: 0
                }
            )
        );
        assert!(both(m)
            .0
            .contains("the client's bytes up to 301, beyond what the capture saw"));
    }
}
