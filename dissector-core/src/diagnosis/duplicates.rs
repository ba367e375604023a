//! Capture duplicates: the same packet recorded again by the capture (a SPAN port that
//! mirrors both the ingress and the egress of a switch, two taps merged into one file),
//! told apart from a retransmission, which the sender makes anew.
//!
//! Which packets are copies is decided once, by [`crate::verdict::duplicate`] (the same
//! detector gives those frames the verdict `duplicate`): the same IP ID, TCP header and
//! payload within a bound of time. Here the copies found are counted, for the
//! `capture_duplicates` finding at the end of the conversation, and shown to no other
//! rule: they are not retransmissions, duplicate ACKs or losses.

use crate::diagnosis::state::{Frames, MAX_EVIDENCE};
use crate::diagnosis::{Detail, Finding, State};
use crate::lifecycle::Side;
use crate::record::FrameRecord;
use crate::verdict::CopyOf;

/// The copies found in one conversation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Copies {
    /// The copies' frames (the first ones kept).
    pub(super) frames: Frames,
    /// The frame the first copy repeats, and who sent it.
    pub(super) first_of: u32,
    pub(super) side: Side,
    /// Copies of segments that carry data.
    pub(super) data: u32,
    pub(super) min_gap_ns: i64,
    pub(super) max_gap_ns: i64,
}

/// Counts the frame, a copy of `copy.frame` (see [`crate::verdict::duplicate`]).
pub(super) fn count(c: &mut State, frame: u32, rec: &FrameRecord, copy: CopyOf) {
    let side = rec.sender();
    let gap = copy.gap_ns;
    let data = u32::from(rec.len > 0);
    match c.copies.as_mut() {
        None => {
            let mut frames = Frames::default();
            frames.push(frame);
            c.copies = Some(Copies {
                frames,
                first_of: copy.frame,
                side,
                data,
                min_gap_ns: gap,
                max_gap_ns: gap,
            });
        }
        Some(k) => {
            k.frames.push(frame);
            k.data = k.data.saturating_add(data);
            k.min_gap_ns = k.min_gap_ns.min(gap);
            k.max_gap_ns = k.max_gap_ns.max(gap);
        }
    }
}

/// At the end of the conversation: the copies, if any.
pub(super) fn finish(stream: u32, c: &State, out: &mut Vec<Finding>) {
    let Some(k) = c.copies else { return };
    let kept = k.frames.kept();
    let detail = Detail::CaptureDuplicates {
        copies: k.frames.seen,
        data: k.data,
        first_of: k.first_of,
        min_gap_ns: k.min_gap_ns,
        max_gap_ns: k.max_gap_ns,
    };
    let first = kept.first().copied().unwrap_or(k.first_of);
    out.push(
        Finding::new(stream, first, k.side, detail)
            .with_frames([k.first_of])
            .with_frames(kept.iter().copied()),
    );
    debug_assert!(kept.len() <= MAX_EVIDENCE);
}

#[cfg(test)]
mod tests {
    use super::super::rules::testing::*;
    use super::*;

    fn copies(f: &[Finding]) -> Option<(u32, Detail, Vec<u32>)> {
        let v: Vec<&Finding> = f
            .iter()
            .filter(|x| x.cause() == Cause::CaptureDuplicates)
            .collect();
        assert!(v.len() <= 1, "{f:#?}");
        v.first().map(|x| (x.frame, x.detail, x.frames.clone()))
    }

    fn no_loss(f: &[Finding]) {
        assert!(
            f.iter().all(|x| !matches!(
                x.cause(),
                Cause::SegmentLostAfterCapture | Cause::AckLost | Cause::SegmentLostBeforeCapture
            )),
            "{f:#?}"
        );
    }

    /// A handshake with numbered IP IDs (as Linux numbers them) and a 20 ms RTT.
    fn numbered() -> Vec<(SegBuilder, i64)> {
        handshake()
            .into_iter()
            .enumerate()
            .map(|(i, (b, t))| (b.ip_id(0x100 + i as u16), t))
            .collect()
    }

    #[test]
    fn the_same_ip_id_names_the_same_packet_even_50_ms_later() {
        let mut p = numbered();
        p.extend([
            (c("PA", 1, 1).ip_id(0x0e10).payload(&[7; 100]), 100),
            (s("A", 1, 101).ip_id(0xa344), 130),
            // The SPAN port repeats both, late.
            (c("PA", 1, 1).ip_id(0x0e10).payload(&[7; 100]), 150),
            (s("A", 1, 101).ip_id(0xa344), 180),
            (s("A", 1, 101).ip_id(0xa344), 181),
        ]);
        let f = diagnose(&p);
        no_loss(&f);
        let (frame, d, frames) = copies(&f).expect("copies");
        assert_eq!(frame, 6);
        assert_eq!(frames, [4, 6, 7, 8]);
        assert_eq!(
            d,
            Detail::CaptureDuplicates {
                copies: 3,
                data: 1,
                first_of: 4,
                min_gap_ns: MS,
                max_gap_ns: 50 * MS,
            }
        );
        let (en, zh) = both(only(&f, Cause::CaptureDuplicates));
        assert_eq!(en, "Capture duplicates: the capture holds 3 packet(s) of this connection a second time (1 with data), the first at frame 6, a copy of frame 4: the same IP ID, TCP header and payload, 1000–50000 µs after the earlier copy. This is typical of a SPAN port or two taps; the copies are not retransmissions, and the diagnosis leaves them out.");
        assert!(zh.starts_with("抓包重复：本次抓包把该连接的 3 个数据包又记录了一次（其中 1 个带数据），第一个在第 6 帧，是第 4 帧的副本"), "{zh}");
    }

    #[test]
    fn a_retransmission_is_a_new_packet_with_a_new_ip_id() {
        let mut p = numbered();
        p.extend([
            (c("PA", 1, 1).ip_id(0x10).payload(&[7; 100]), 100),
            (c("PA", 1, 1).ip_id(0x11).payload(&[7; 100]), 101),
            (c("PA", 1, 1).ip_id(0x12).payload(&[7; 100]), 400),
        ]);
        let f = diagnose(&p);
        assert_eq!(copies(&f), None);
        assert!(f
            .iter()
            .any(|x| x.cause() == Cause::SegmentLostAfterCapture));
    }

    #[test]
    fn an_ip_id_copy_counts_only_within_200_ms() {
        let mut p = numbered();
        p.extend([
            (c("PA", 1, 1).ip_id(0x10).payload(&[7; 100]), 100),
            (c("PA", 1, 1).ip_id(0x10).payload(&[7; 100]), 300),
        ]);
        assert_eq!(copies(&diagnose(&p)), None);
    }

    #[test]
    fn without_an_ip_id_identical_acks_are_duplicate_acks_and_data_copies_must_be_quick() {
        // IP ID 0 (the builder's), no timestamps: the receiver's duplicate ACKs are
        // byte-identical, and so is a retransmission.
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[7; 100]), 100),
            (s("A", 1, 1), 101),
            (s("A", 1, 1), 101),
            (c("PA", 1, 1).payload(&[7; 100]), 102),
            (c("PA", 101, 1).payload(&[8; 100]), 110),
            (c("PA", 101, 1).payload(&[8; 100]), 114),
        ]);
        let f = diagnose(&p);
        let (frame, d, _) = copies(&f).expect("copies");
        assert_eq!(frame, 7);
        assert!(
            matches!(d, Detail::CaptureDuplicates { copies: 1, .. }),
            "{d:?}"
        );
        // The one 4 ms later is not a copy: it stays what it looks like.
        assert!(f
            .iter()
            .any(|x| x.frame == 9 && x.cause() != Cause::CaptureDuplicates));
    }

    #[test]
    fn without_an_ip_id_the_handshake_rtt_bounds_a_copy() {
        let mut p = vec![
            (c("S", 0, 0), 0),
            (s("SA", 0, 1), 0),
            (c("A", 1, 1), 1),
            (c("PA", 1, 1).payload(&[7; 100]), 100),
            (c("PA", 1, 1).payload(&[7; 100]), 102),
        ];
        assert_eq!(copies(&diagnose(&p)), None);
        p[4].1 = 100;
        assert!(copies(&diagnose(&p)).is_some());
    }

    #[test]
    fn ipv6_copies_need_the_same_tsval_or_the_whole_payload() {
        let c6 = |f: &str, seq: u32, ack: u32| {
            SegBuilder::v6("[2001:db8::1]:4000", "[2001:db8::2]:80")
                .flags(f)
                .seq(seq)
                .ack(ack)
        };
        let s6 = |f: &str, seq: u32, ack: u32| {
            SegBuilder::v6("[2001:db8::2]:80", "[2001:db8::1]:4000")
                .flags(f)
                .seq(seq)
                .ack(ack)
        };
        let p = vec![
            (c6("S", 0, 0).timestamps(10, 0), 0),
            (s6("SA", 0, 1).timestamps(50, 10), 10),
            (c6("A", 1, 1).timestamps(20, 50), 20),
            (c6("PA", 1, 1).timestamps(100, 50).payload(&[7; 10]), 100),
            (c6("PA", 1, 1).timestamps(100, 50).payload(&[7; 10]), 101),
            // The same bytes with a new TSval: sent again, not copied.
            (c6("PA", 1, 1).timestamps(101, 50).payload(&[7; 10]), 101),
            // The same numbers, other bytes: not the same packet.
            (c6("PA", 11, 1).timestamps(102, 50).payload(&[1; 10]), 103),
            (c6("PA", 11, 1).timestamps(102, 50).payload(&[2; 10]), 103),
            // Identical pure ACKs: duplicate ACKs.
            (s6("A", 1, 21).timestamps(60, 102), 104),
            (s6("A", 1, 21).timestamps(60, 102), 104),
        ];
        let f = diagnose(&p);
        let (frame, d, _) = copies(&f).expect("copies");
        assert_eq!(frame, 5);
        assert!(
            matches!(d, Detail::CaptureDuplicates { copies: 1, .. }),
            "{d:?}"
        );
    }

    #[test]
    fn the_state_stays_small() {
        // The copies found (the packets remembered are the verdict engine's).
        assert_eq!(core::mem::size_of::<Option<Copies>>(), 48);
        assert!(
            core::mem::size_of::<State>() <= 800,
            "{}",
            core::mem::size_of::<State>()
        );
    }
}
