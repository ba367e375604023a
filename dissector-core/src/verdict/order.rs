//! The order the sender made its packets in, as the last `LAST` (8) data packets of the
//! direction show it (their sequence numbers and [`Stamp`]s: IP ID and TSval), with the
//! packet that carried the highest data and the latest-made packet seen. A sender
//! makes its first transmissions in sequence order (RFC 9293 §3.10.1), so:
//! - a packet made *after* one carrying higher sequence numbers is a resend (a first
//!   transmission of its bytes came before that higher data);
//! - a packet made *before* one already seen, and not a resend, is a first transmission
//!   overtaken on the path: out of order, even when its sequence numbers are the highest.

use super::basis::Clock;
use super::ip_id::IdClock;
use super::{tsval, EvidenceKind, Stamp};
use crate::seq::{ge, gt, lt};

/// Data packets remembered per direction.
pub(crate) const LAST: usize = 8;

/// See the module's documentation (24 bytes a packet: its sequence numbers, stamp and
/// frame), and the recent resends and hole fills ([`Fills`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SentOrder {
    /// The packet that carried the highest data: its sequence number, stamp and frame.
    top: Option<(u32, Stamp, u32)>,
    /// The latest-made packet seen, data or not, and its frame.
    newest: Option<(Stamp, u32)>,
    seqs: [u32; LAST],
    ends: [u32; LAST],
    stamps: [Stamp; LAST],
    frames: [u32; LAST],
    n: u8,
    next: u8,
}

/// This packet against another of its sender: the other's frame, and the clock that
/// ordered them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cmp {
    pub(crate) frame: u32,
    pub(crate) clock: Clock,
}

impl Cmp {
    pub(crate) fn kind(self) -> EvidenceKind {
        self.clock.kind()
    }
}

/// What the packets seen say of a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Made {
    /// After a packet carrying higher sequence numbers: a resend.
    AfterHigherData(Cmp),
    /// Before a packet already seen (and after none with higher data).
    BeforeSeen(Cmp),
    Unknown,
}

/// Whether `a` was made before `b`, and by which evidence: the IP ID when the sender
/// increments it (`ids`), else TSval.
pub(crate) fn order(a: Stamp, b: Stamp, ids: IdClock) -> Option<(bool, EvidenceKind)> {
    if let Some(x) = ids.sent_before(a.ip_id(), b.ip_id()) {
        return Some((x, EvidenceKind::IpId));
    }
    tsval::sent_before(a.tsval(), b.tsval()).map(|x| (x, EvidenceKind::Tsval))
}

/// The values `k` compared: `mine`'s and `theirs`'.
pub(crate) fn clock(k: EvidenceKind, mine: Stamp, theirs: Stamp) -> Clock {
    match k {
        EvidenceKind::IpId => Clock::IpId {
            mine: mine.ip_id().unwrap_or(0),
            theirs: theirs.ip_id().unwrap_or(0),
        },
        _ => Clock::Tsval {
            mine: mine.tsval().unwrap_or(0),
            theirs: theirs.tsval().unwrap_or(0),
        },
    }
}

impl SentOrder {
    /// Notes any packet of the direction (a pure ACK too: it may overtake data), seen in
    /// frame `frame`.
    pub(crate) fn note(&mut self, stamp: Stamp, frame: u32, ids: IdClock) {
        if stamp.ip_id().is_none() && stamp.tsval().is_none() {
            return;
        }
        // A packet far behind the newest by IP ID comes from a counter started afresh
        // (`ndpi-KakaoTalk_chat.pcap`: a SYN-ACK with 0x30b5, then data from 0xde2c):
        // it becomes the newest, or every later packet would seem made before it.
        let newer = self.newest.is_none_or(|(n, _)| {
            ids.far_apart(n.ip_id(), stamp.ip_id()) || order(n, stamp, ids).is_some_and(|o| o.0)
        });
        if newer {
            self.newest = Some((stamp, frame));
        }
    }

    /// Notes a data packet, `seq`..`end`, of frame `frame`; `top`: it carried the highest
    /// data so far.
    pub(crate) fn push(&mut self, seq: u32, end: u32, stamp: Stamp, frame: u32, top: bool) {
        if top {
            self.top = Some((seq, stamp, frame));
        }
        let i = usize::from(self.next);
        self.seqs[i] = seq;
        self.ends[i] = end;
        self.stamps[i] = stamp;
        self.frames[i] = frame;
        self.next = ((i + 1) % LAST) as u8;
        self.n = self.n.saturating_add(1).min(LAST as u8);
    }

    /// Where the packet `stamp`, ending at `end`, stands against the packets seen.
    /// `start`..`end`: its sequence numbers.
    pub(crate) fn of(&self, start: u32, end: u32, stamp: Stamp, ids: IdClock) -> Made {
        let cmp = |k, other, frame| Cmp {
            frame,
            clock: clock(k, stamp, other),
        };
        // The packet with the highest data, made before: the commonest proof of a resend,
        // and one the list may have dropped.
        if let Some((seq, other, frame)) = self.top {
            if let (Some((true, k)), true) = (order(other, stamp, ids), ge(seq, end)) {
                return Made::AfterHigherData(cmp(k, other, frame));
            }
        }
        // Made before the newest packet, when that carried no data (an ACK that overtook
        // it); data packets are weighed in the loop below.
        let mut before = self.newest.and_then(|(n, frame)| {
            order(stamp, n, ids).and_then(|(b, k)| b.then(|| cmp(k, n, frame)))
        });
        for i in 0..usize::from(self.n) {
            let (seq, other) = (self.seqs[i], self.stamps[i]);
            // One IP ID on two packets of different data: the IDs are no packet counter
            // here (a middlebox rewrote them: `zeek-206_example_b.pcap` gives 0x077e and
            // 0x077f to two segments each), so the order they give says nothing.
            if ids != IdClock::Off
                && other.ip_id().is_some_and(|id| Some(id) == stamp.ip_id())
                && seq != start
            {
                return Made::Unknown;
            }
            match order(other, stamp, ids) {
                Some((true, k)) if ge(seq, end) => {
                    return Made::AfterHigherData(cmp(k, other, self.frames[i]))
                }
                Some((false, k)) => before = Some(cmp(k, other, self.frames[i])),
                _ => {}
            }
        }
        before.map_or(Made::Unknown, Made::BeforeSeen)
    }

    /// The remembered packet that carried most of `start`..`end` before (the latest of
    /// equals; none made after `stamp`), and, when the stamps order them, how `stamp` was
    /// made after it.
    pub(crate) fn carrier(
        &self,
        start: u32,
        end: u32,
        stamp: Stamp,
        ids: IdClock,
    ) -> Option<(u32, Option<Clock>)> {
        let mut best: Option<(u32, usize)> = None;
        for k in 0..usize::from(self.n) {
            // From the oldest to the latest, so that the latest of equals wins.
            let i = (usize::from(self.next) + LAST - usize::from(self.n) + k) % LAST;
            let (s, e) = (self.seqs[i], self.ends[i]);
            // A packet made after this one is not what it sends again.
            if order(stamp, self.stamps[i], ids).is_some_and(|o| o.0) {
                continue;
            }
            let lo = if gt(s, start) { s } else { start };
            let hi = if lt(e, end) { e } else { end };
            if !gt(hi, lo) {
                continue;
            }
            let overlap = hi.wrapping_sub(lo);
            if best.is_none_or(|(o, _)| overlap >= o) {
                best = Some((overlap, i));
            }
        }
        let (_, i) = best?;
        let other = self.stamps[i];
        let made_after = match order(other, stamp, ids) {
            Some((true, k)) => Some(clock(k, stamp, other)),
            _ => None,
        };
        Some((self.frames[i], made_after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(id: u16) -> Stamp {
        Stamp::new(Some(id), None)
    }

    #[test]
    fn made_after_higher_data_is_a_resend_made_before_seen_is_reordering() {
        let mut o = SentOrder::default();
        o.push(0, 100, st(1), 10, true);
        o.push(200, 300, st(3), 12, true);
        let ids = |mine, theirs| Clock::IpId { mine, theirs };
        // 100-200 made as 2: before 200-300 (3, frame 12), after nothing higher.
        assert_eq!(
            o.of(100, 200, st(2), IdClock::Net),
            Made::BeforeSeen(Cmp {
                frame: 12,
                clock: ids(2, 3)
            })
        );
        // made as 4: after 200-300 (3).
        assert_eq!(
            o.of(100, 200, st(4), IdClock::Net),
            Made::AfterHigherData(Cmp {
                frame: 12,
                clock: ids(4, 3)
            })
        );
        // Without usable IP IDs or TSvals: unknown.
        assert_eq!(o.of(100, 200, st(4), IdClock::Off), Made::Unknown);
        // The bytes 0-100 again: frame 10 carried them, made before.
        assert_eq!(
            o.carrier(0, 100, st(5), IdClock::Net),
            Some((10, Some(ids(5, 1))))
        );
        assert_eq!(o.carrier(50, 250, st(5), IdClock::Off), Some((12, None)));
        assert_eq!(o.carrier(100, 200, st(5), IdClock::Net), None);
        // Frame 12 (IP ID 3) was made after a packet with IP ID 2: not what it resends.
        assert_eq!(o.carrier(200, 300, st(2), IdClock::Net), None);
    }
}

/// Recent segments that filled holes or resent data: when a segment arrives whose bytes
/// one of them carried, and it was made before it, it is the original arriving after its
/// resend (out of order), and the fill was a spurious resend.
pub(crate) const FILLS: usize = 16;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fill {
    pub(crate) frame: u32,
    pub(crate) seq: u32,
    pub(crate) end: u32,
    pub(crate) stamp: Stamp,
    /// When it was seen, in wrapping microseconds.
    pub(crate) at_us: u32,
    /// Called a needed retransmission: later evidence may revise it to spurious.
    pub(crate) needed: bool,
    /// Seen at its sender.
    pub(crate) at_sender: bool,
    /// Seen at its sender, and no ACK has covered it yet: the first that does settles it.
    pub(crate) awaiting_ack: bool,
}

/// The last [`FILLS`] fills, boxed at the first: most conversations resend nothing, and
/// pay a pointer instead of the list's 448 bytes a direction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fills {
    list: Option<Box<[Fill; FILLS]>>,
    next: u8,
}

impl Fills {
    pub(crate) fn push(&mut self, f: Fill) {
        let i = usize::from(self.next);
        self.list.get_or_insert_with(Box::default)[i] = f;
        self.next = ((i + 1) % FILLS) as u8;
    }

    /// The fills, to settle them ([`super::settle`]).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Fill> {
        self.list
            .iter_mut()
            .flat_map(|l| l.iter_mut())
            .filter(|f| f.frame != 0)
    }

    /// A fill overlapping `[s, e)` made after `stamp`, and the clock that tells it
    /// (`stamp`'s value, the fill's).
    pub(crate) fn made_after(
        &self,
        s: u32,
        e: u32,
        stamp: Stamp,
        ids: IdClock,
    ) -> Option<(Fill, Clock)> {
        self.list.as_ref()?.iter().find_map(|f| {
            if f.frame == 0 || !(lt(s, f.end) && gt(e, f.seq)) {
                return None;
            }
            match order(stamp, f.stamp, ids) {
                Some((true, k)) => Some((*f, clock(k, stamp, f.stamp))),
                _ => None,
            }
        })
    }
}
