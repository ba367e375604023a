//! Capture duplicates: the same packet recorded again by the capture (a SPAN port that
//! mirrors both the ingress and the egress of a switch, two taps merged into one file),
//! told apart from a retransmission, which the sender makes anew.
//!
//! A segment is the earlier one seen again when, in the same direction,
//! - everything TCP says is the same: sequence and acknowledgment numbers, length, flags,
//!   window, the TSval and TSecr (when present), the SACK blocks and the captured payload
//!   (a 64-bit hash of them all, [`Packet::key`]);
//! - the IPv4 identification is the same too. Most stacks number their packets (Linux, per
//!   connection) or pick them at random (the BSDs): a retransmission is a new packet with a
//!   new one, so an equal identification names the same packet, and the copy may come up
//!   to [`IDENTIFIED_WITHIN_NS`] later (a SPAN port may hold it back; `arkime-wireshark-
//!   retrans.pcap` has copies 50 ms late);
//! - without such an identification (IPv6; an IPv4 identification of 0, or one the sender
//!   repeats on different packets, as stacks that set DF may do), only a segment that
//!   occupies sequence space (data, SYN, FIN), with its payload whole in the capture, can
//!   be called a copy, and only within [`UNIDENTIFIED_WITHIN_NS`] and under the
//!   conversation's handshake RTT: a retransmission comes at least a round trip after the
//!   original (a timeout takes 200 ms or more on Linux, RFC 6298 §2.4 asks for 1 s; a fast
//!   retransmission waits for duplicate ACKs, a loss probe for 2 RTTs), while SPAN copies
//!   come 0.3 to 2.4 ms apart (`tests/groundtruth/span-*.pcap`). A pure ACK is then never
//!   called a copy: a receiver's duplicate ACKs are byte-identical by design.
//!
//! The time counts from the latest copy, so a packet recorded four times is one original
//! and three copies. Only the conversation's last [`RECENT`] distinct packets are kept
//! (16 bytes each, the sender mixed into the key): in `span-every-data.pcap` up to 19
//! frames come between a packet and its copy, and 12 remembered would miss 2 of its 181
//! copies, 8 would miss 32. The copies found go
//! to the `capture_duplicates` finding at the end of the conversation, and to no other
//! rule: they are not retransmissions, duplicate ACKs or losses.

use crate::diagnosis::state::{Frames, MAX_EVIDENCE};
use crate::diagnosis::{Detail, Finding, State};
use crate::lifecycle::{Handshake, Side};
use crate::record::FrameRecord;
use crate::wire::TcpSegment;

/// A copy with the same IPv4 identification counts up to this long after the earlier copy:
/// below Linux's minimum retransmission timeout (200 ms), so even a stack that reused the
/// identification could not have resent the segment by then.
pub(crate) const IDENTIFIED_WITHIN_NS: i64 = 200_000_000;

/// A copy without an identifying IP ID counts only this long after the earlier copy (and
/// under the handshake RTT, when the capture saw the handshake).
pub(crate) const UNIDENTIFIED_WITHIN_NS: i64 = 3_000_000;

/// Distinct packets remembered per conversation (both directions).
pub(crate) const RECENT: usize = 16;

/// What the duplicate check needs of one decoded segment (made by the analyzer, only with
/// the diagnosis on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packet {
    /// Hash of the segment's numbers, flags, window, timestamps, SACK blocks, IP ID and
    /// captured payload.
    key: u64,
    ip_id: Option<u16>,
    /// Data, SYN or FIN, with the payload whole in the capture.
    whole_data: bool,
}

/// FNV-1a's constants, over 64-bit words.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn mix(h: u64, word: u64) -> u64 {
    (h ^ word).wrapping_mul(FNV_PRIME)
}

impl Packet {
    pub(crate) fn of(seg: &TcpSegment<'_>) -> Packet {
        let o = &seg.options;
        let mut h = FNV_OFFSET;
        h = mix(h, u64::from(seg.seq) << 32 | u64::from(seg.ack));
        h = mix(
            h,
            u64::from(seg.seg_len) << 32 | u64::from(seg.flags.0) << 16 | u64::from(seg.window),
        );
        h = mix(h, seg.ip_id.map_or(1 << 16, u64::from));
        h = mix(
            h,
            o.timestamps
                .map_or(1 << 63, |(v, e)| u64::from(v) << 32 | u64::from(e)),
        );
        for &(l, r) in o.sack.iter().take(usize::from(o.sack_count)) {
            h = mix(h, u64::from(l) << 32 | u64::from(r));
        }
        h = mix(h, seg.payload.len() as u64);
        let mut words = seg.payload.chunks_exact(8);
        for w in &mut words {
            h = mix(h, u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
        }
        for &b in words.remainder() {
            h = mix(h, u64::from(b));
        }
        let occupies = seg.seg_len > 0 || seg.flags.syn() || seg.flags.fin();
        Packet {
            key: h,
            ip_id: seg.ip_id,
            whole_data: occupies && seg.payload.len() as u64 >= u64::from(seg.seg_len),
        }
    }
}

/// One packet remembered (16 bytes): its key, when it was last seen (in µs, wrapping
/// every 71 minutes: only gaps under a second matter), the frame that first carried it
/// (0: an empty slot).
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    key: u64,
    ts_us: u32,
    frame: u32,
}

/// A time in wrapping microseconds.
fn us(ts_ns: i64) -> u32 {
    (ts_ns.div_euclid(1_000)) as u32
}

/// The last distinct packets of the conversation (the sender is in the key).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Recent {
    list: [Seen; RECENT],
    next: u8,
    /// The IP ID of each side's latest distinct packet.
    last_id: [Option<u16>; 2],
    /// The side gave its latest two distinct packets the same IP ID: it does not name them.
    id_repeats: [bool; 2],
}

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

/// Whether the frame is a copy of a packet seen shortly before; if so it is counted, and
/// the caller shows it to no rule. Otherwise it is remembered (and the handshake RTT noted).
pub(super) fn is_copy(c: &mut State, frame: u32, ts_ns: i64, rec: &FrameRecord, p: Packet) -> bool {
    if rec.handshake == Some(Handshake::Ack) && c.syns.seen > 0 {
        c.hs_rtt_ns
            .get_or_insert(ts_ns.saturating_sub(c.last_syn_ns));
    }
    let side = rec.sender();
    let me = side.idx();
    let key = mix(p.key, me as u64);
    let r = &mut c.recent;
    let identified = p.ip_id.is_some_and(|id| id != 0) && !r.id_repeats[me];
    let within = if identified {
        IDENTIFIED_WITHIN_NS
    } else if p.whole_data {
        c.hs_rtt_ns.map_or(UNIDENTIFIED_WITHIN_NS, |rtt| {
            rtt.min(UNIDENTIFIED_WITHIN_NS)
        })
    } else {
        0
    };
    let now = us(ts_ns);
    let gap_ns = |s: &Seen| i64::from(now.wrapping_sub(s.ts_us)) * 1_000;
    let hit = r
        .list
        .iter_mut()
        .find(|s| s.frame != 0 && s.key == key && gap_ns(s) < within);
    if let Some(s) = hit {
        let gap = gap_ns(s);
        s.ts_us = now;
        let data = u32::from(rec.len > 0);
        match c.copies.as_mut() {
            None => {
                let mut frames = Frames::default();
                frames.push(frame);
                c.copies = Some(Copies {
                    frames,
                    first_of: s.frame,
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
        return true;
    }
    r.id_repeats[me] = p.ip_id.is_some() && p.ip_id == r.last_id[me];
    r.last_id[me] = p.ip_id;
    let slot = usize::from(r.next) % RECENT;
    r.list[slot] = Seen {
        key,
        ts_us: now,
        frame,
    };
    r.next = ((slot + 1) % RECENT) as u8;
    false
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
        // 16 remembered packets of 16 bytes, the copies found and the RTT.
        assert_eq!(core::mem::size_of::<Recent>(), 272);
        assert_eq!(core::mem::size_of::<Option<Copies>>(), 48);
        assert!(
            core::mem::size_of::<State>() <= 800,
            "{}",
            core::mem::size_of::<State>()
        );
    }
}
