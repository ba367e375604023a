//! The same packet seen again: a capture duplicate (a SPAN port that mirrors both the
//! ingress and the egress of a switch, two taps merged into one file) or a network
//! duplicate, told apart from a retransmission, which the sender makes anew.
//!
//! One detector, used by the verdict engine (the `duplicate` verdict) and by the diagnosis
//! (the `capture_duplicates` finding), which counts what this detector finds.
//!
//! A segment is the earlier one seen again when, in the same direction,
//! - everything TCP says is the same: sequence and acknowledgment numbers, length, flags,
//!   window, the TSval and TSecr (when present), the SACK blocks and the captured payload
//!   (a 64-bit hash of them all, `Packet::key`);
//! - the IPv4 identification is the same too. Most stacks number their packets (Linux, per
//!   connection) or pick them at random (the BSDs): a retransmission is a new packet with a
//!   new one, so an equal identification names the same packet, and the copy may come up
//!   to `IDENTIFIED_WITHIN_NS` (200 ms) later (a SPAN port may hold it back; `arkime-wireshark-
//!   retrans.pcap` has copies 50 ms late);
//! - without such an identification (IPv6; an IPv4 identification of 0, or one the sender
//!   repeats on different packets, as stacks that set DF may do), only a segment that
//!   occupies sequence space (data, SYN, FIN), with its payload whole in the capture, can
//!   be called a copy, and only within `UNIDENTIFIED_WITHIN_NS` (3 ms) and under the
//!   conversation's handshake RTT: a retransmission comes at least a round trip after the
//!   original (a timeout takes 200 ms or more on Linux, RFC 6298 §2.4 asks for 1 s; a fast
//!   retransmission waits for duplicate ACKs, a loss probe for 2 RTTs), while SPAN copies
//!   come 0.3 to 2.4 ms apart (`tests/groundtruth/span-*.pcap`). A pure ACK is then never
//!   called a copy: a receiver's duplicate ACKs are byte-identical by design.
//!
//! The time counts from the latest copy, so a packet recorded four times is one original
//! and three copies. Only the conversation's last `RECENT` distinct packets are kept
//! (16 bytes each, the sender mixed into the key): in `span-every-data.pcap` up to 19
//! frames come between a packet and its copy, and 12 remembered would miss 2 of its 181
//! copies, 8 would miss 32.

use crate::lifecycle::Side;
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

/// What the duplicate check needs of one decoded segment.
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

/// A packet found to be a copy of an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyOf {
    /// The frame that first carried the packet.
    pub frame: u32,
    /// Since the latest earlier copy.
    pub gap_ns: i64,
    /// Told by an identifying IP ID (else by time alone).
    pub identified: bool,
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
pub(crate) struct Recent {
    list: [Seen; RECENT],
    next: u8,
    /// The IP ID of each side's latest distinct packet.
    last_id: [Option<u16>; 2],
    /// The side gave its latest two distinct packets the same IP ID: it does not name them.
    id_repeats: [bool; 2],
}

impl Recent {
    /// Whether the packet `p` (frame `frame` at `ts_ns`, sent by `side`) is a copy of one
    /// seen shortly before; otherwise it is remembered. `hs_rtt_ns`: the handshake's RTT.
    pub(crate) fn check(
        &mut self,
        frame: u32,
        ts_ns: i64,
        side: Side,
        p: Packet,
        hs_rtt_ns: Option<i64>,
    ) -> Option<CopyOf> {
        let me = side.idx();
        let key = mix(p.key, me as u64);
        let identified = p.ip_id.is_some_and(|id| id != 0) && !self.id_repeats[me];
        let within = if identified {
            IDENTIFIED_WITHIN_NS
        } else if p.whole_data {
            hs_rtt_ns.map_or(UNIDENTIFIED_WITHIN_NS, |rtt| {
                rtt.min(UNIDENTIFIED_WITHIN_NS)
            })
        } else {
            0
        };
        let now = us(ts_ns);
        let gap_ns = |s: &Seen| i64::from(now.wrapping_sub(s.ts_us)) * 1_000;
        if let Some(s) = self
            .list
            .iter_mut()
            .find(|s| s.frame != 0 && s.key == key && gap_ns(s) < within)
        {
            let gap = gap_ns(s);
            s.ts_us = now;
            return Some(CopyOf {
                frame: s.frame,
                gap_ns: gap,
                identified,
            });
        }
        self.id_repeats[me] = p.ip_id.is_some() && p.ip_id == self.last_id[me];
        self.last_id[me] = p.ip_id;
        let slot = usize::from(self.next) % RECENT;
        self.list[slot] = Seen {
            key,
            ts_us: now,
            frame,
        };
        self.next = ((slot + 1) % RECENT) as u8;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SegBuilder;
    use crate::wire::{decode, Decoded, LinkType};

    fn packet(b: SegBuilder) -> Packet {
        let raw = b.raw();
        match decode(LinkType::Raw, &raw, raw.len() as u32) {
            Ok(Decoded::Tcp(seg)) => Packet::of(&seg),
            other => panic!("{other:?}"),
        }
    }

    const MS: i64 = 1_000_000;

    #[test]
    fn the_same_ip_id_and_bytes_is_a_copy_a_new_ip_id_is_not() {
        let d = |id| {
            SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
                .flags("PA")
                .seq(1)
                .ip_id(id)
                .payload(&[7; 100])
        };
        let mut r = Recent::default();
        assert_eq!(r.check(1, 0, Side::Client, packet(d(5)), None), None);
        assert_eq!(
            r.check(2, MS, Side::Client, packet(d(5)), None),
            Some(CopyOf {
                frame: 1,
                gap_ns: MS,
                identified: true
            })
        );
        // The other side's packet with the same bytes is not a copy.
        assert_eq!(r.check(3, MS, Side::Server, packet(d(5)), None), None);
        // A resend: a new IP ID.
        assert_eq!(r.check(4, 2 * MS, Side::Client, packet(d(6)), None), None);
        // Too late for a copy.
        assert_eq!(r.check(5, 300 * MS, Side::Client, packet(d(6)), None), None);
    }

    #[test]
    fn the_state_stays_small() {
        assert_eq!(core::mem::size_of::<Recent>(), 272);
    }
}
