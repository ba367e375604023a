//! The comparison that decided a verdict, with its numbers, for the explanation (issue 14
//! item 5: "its TSval 1000 is newer than frame 104's 990 carrying the same bytes, so it is
//! a retransmission of frame 104"): which evidence, the other frame, and the two values.
//!
//! One variant per kind of comparison, each holding only what it compared: a [`Clock`]
//! reading is an IP ID or a TSval pair, never both; an ACK's numbers come with the ACK's
//! frame. Sequence numbers are raw (the explanation makes them relative to the sender's
//! base, as it shows `seq`); times are whole microseconds (saturating).

use core::num::NonZeroU32;

use super::EvidenceKind;

/// Two packets of one sender compared by the order it made them in: this one's value and
/// the other's (IP IDs as sent, even where the counter is read byte-swapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    IpId { mine: u16, theirs: u16 },
    Tsval { mine: u32, theirs: u32 },
}

impl Clock {
    /// The same comparison told from the other packet's side.
    pub const fn swapped(self) -> Clock {
        match self {
            Clock::IpId { mine, theirs } => Clock::IpId {
                mine: theirs,
                theirs: mine,
            },
            Clock::Tsval { mine, theirs } => Clock::Tsval {
                mine: theirs,
                theirs: mine,
            },
        }
    }

    /// The evidence kind the comparison is.
    pub const fn kind(self) -> EvidenceKind {
        match self {
            Clock::IpId { .. } => EvidenceKind::IpId,
            Clock::Tsval { .. } => EvidenceKind::Tsval,
        }
    }
}

/// See the module's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// Made after frame `frame`, which carried higher sequence numbers: a resend (of bytes
    /// whose first transmission the capture did not see).
    AfterHigher { frame: u32, clock: Clock },
    /// Made before frame `frame`, already seen: a first transmission overtaken.
    Before { frame: u32, clock: Clock },
    /// Made before frame `frame`, a resend of the same bytes that came first: the original
    /// arriving after its resend.
    BeforeItsResend { frame: u32, clock: Clock },
    /// (A revision of a resend.) Frame `frame` carries the same bytes and was made before
    /// this one: the original, arriving after its resend (`clock`: this resend's value,
    /// the original's).
    OriginalLater { frame: u32, clock: Clock },
    /// Frame `frame` carried these bytes before (and `clock`, when the two are ordered,
    /// shows this one made after it).
    SentBefore { frame: u32, clock: Option<Clock> },
    /// Frame `frame`'s cumulative ACK `ack` covered the bytes before they were resent.
    Acked { frame: u32, ack: u32 },
    /// Frame `frame`'s SACK block `left`-`right` covered them.
    Sacked { frame: u32, left: u32, right: u32 },
    /// (A revision.) Frame `frame`'s D-SACK block `left`-`right` reports them received
    /// twice.
    Dsack { frame: u32, left: u32, right: u32 },
    /// (A revision, RFC 3522.) Frame `frame`, the first ACK to cover the resend, echoes
    /// `tsecr`, older than the resend's `tsval`: the original drew it.
    EchoesOriginal { frame: u32, tsecr: u32, tsval: u32 },
    /// (A revision.) Frame `frame`, the first ACK to cover the resend, came `since_us`
    /// after it: too soon, against the RTT `rtt_us`, to answer it.
    AckTooSoon {
        frame: u32,
        since_us: u32,
        rtt_us: u32,
    },
    /// The first data above these bytes arrived `gap_us` before them, against the RTT
    /// `rtt_us` (none measured: Wireshark's 3 ms window).
    Gap {
        gap_us: u32,
        rtt_us: Option<NonZeroU32>,
    },
    /// (No verdict.) Frame `frame` closed the receiver's window (a zero window), and this
    /// segment was sent into it: a zero-window probe, which the receiver drops by design
    /// (RFC 9293 §3.10.7.4), not a resend.
    ClosedWindow { frame: u32 },
}

/// Whole microseconds of `ns`, saturating (a capture's times can be hostile).
pub(crate) fn micros(ns: i64) -> u32 {
    u32::try_from(ns.max(0) / 1_000).unwrap_or(u32::MAX)
}

/// The parts of a basis as the C ABI carries them (`TcplensVerdict`'s `basis*` members):
/// a code, the other frame, the clock it was read on (0 none, 1 IP ID, 2 TSval) and two
/// values. [`Basis::from_parts`] reads them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BasisParts {
    pub code: u8,
    pub clock: u8,
    pub frame: u32,
    pub a: u32,
    pub b: u32,
}

impl Basis {
    /// Every code, for [`Basis::name`] and the C ABI (0 is none).
    pub const NAMES: [&'static str; 12] = [
        "after_higher",
        "before",
        "before_its_resend",
        "original_later",
        "sent_before",
        "acked",
        "sacked",
        "dsack",
        "echoes_original",
        "ack_too_soon",
        "gap",
        "closed_window",
    ];

    /// The code of the variant (1 ..= 12).
    pub const fn code(self) -> u8 {
        match self {
            Basis::AfterHigher { .. } => 1,
            Basis::Before { .. } => 2,
            Basis::BeforeItsResend { .. } => 3,
            Basis::OriginalLater { .. } => 4,
            Basis::SentBefore { .. } => 5,
            Basis::Acked { .. } => 6,
            Basis::Sacked { .. } => 7,
            Basis::Dsack { .. } => 8,
            Basis::EchoesOriginal { .. } => 9,
            Basis::AckTooSoon { .. } => 10,
            Basis::Gap { .. } => 11,
            Basis::ClosedWindow { .. } => 12,
        }
    }

    /// The name of the variant (`before_its_resend` ...).
    pub const fn name(self) -> &'static str {
        Self::NAMES[self.code() as usize - 1]
    }

    /// The frame compared against, where there is one.
    pub const fn frame(self) -> Option<u32> {
        match self {
            Basis::AfterHigher { frame, .. }
            | Basis::Before { frame, .. }
            | Basis::BeforeItsResend { frame, .. }
            | Basis::OriginalLater { frame, .. }
            | Basis::SentBefore { frame, .. }
            | Basis::Acked { frame, .. }
            | Basis::Sacked { frame, .. }
            | Basis::Dsack { frame, .. }
            | Basis::EchoesOriginal { frame, .. }
            | Basis::AckTooSoon { frame, .. }
            | Basis::ClosedWindow { frame } => Some(frame),
            Basis::Gap { .. } => None,
        }
    }

    pub fn to_parts(self) -> BasisParts {
        let clock = |c: Clock| match c {
            Clock::IpId { mine, theirs } => (1, u32::from(mine), u32::from(theirs)),
            Clock::Tsval { mine, theirs } => (2, mine, theirs),
        };
        let (frame, (k, a, b)) = match self {
            Basis::AfterHigher { frame, clock: c }
            | Basis::Before { frame, clock: c }
            | Basis::BeforeItsResend { frame, clock: c }
            | Basis::OriginalLater { frame, clock: c }
            | Basis::SentBefore {
                frame,
                clock: Some(c),
            } => (frame, clock(c)),
            Basis::SentBefore { frame, clock: None } => (frame, (0, 0, 0)),
            Basis::Acked { frame, ack } => (frame, (0, ack, 0)),
            Basis::Sacked { frame, left, right } | Basis::Dsack { frame, left, right } => {
                (frame, (0, left, right))
            }
            Basis::EchoesOriginal {
                frame,
                tsecr,
                tsval,
            } => (frame, (0, tsecr, tsval)),
            Basis::AckTooSoon {
                frame,
                since_us,
                rtt_us,
            } => (frame, (0, since_us, rtt_us)),
            Basis::Gap { gap_us, rtt_us } => (0, (0, gap_us, rtt_us.map_or(0, NonZeroU32::get))),
            Basis::ClosedWindow { frame } => (frame, (0, 0, 0)),
        };
        BasisParts {
            code: self.code(),
            clock: k,
            frame,
            a,
            b,
        }
    }

    /// The basis the parts describe; none for code 0 or parts no basis has (an IP ID
    /// above 16 bits, a clock where the variant has none, a frame 0 where it needs one).
    pub fn from_parts(p: BasisParts) -> Option<Basis> {
        let clock = match p.clock {
            0 => None,
            1 => Some(Clock::IpId {
                mine: u16::try_from(p.a).ok()?,
                theirs: u16::try_from(p.b).ok()?,
            }),
            2 => Some(Clock::Tsval {
                mine: p.a,
                theirs: p.b,
            }),
            _ => return None,
        };
        let frame = p.frame;
        let needs_frame = p.code != 11;
        if needs_frame && frame == 0 {
            return None;
        }
        let clocked = matches!(p.code, 1..=5);
        if clock.is_some() && !clocked {
            return None;
        }
        Some(match p.code {
            1 => Basis::AfterHigher {
                frame,
                clock: clock?,
            },
            2 => Basis::Before {
                frame,
                clock: clock?,
            },
            3 => Basis::BeforeItsResend {
                frame,
                clock: clock?,
            },
            4 => Basis::OriginalLater {
                frame,
                clock: clock?,
            },
            5 => Basis::SentBefore { frame, clock },
            6 => Basis::Acked { frame, ack: p.a },
            7 => Basis::Sacked {
                frame,
                left: p.a,
                right: p.b,
            },
            8 => Basis::Dsack {
                frame,
                left: p.a,
                right: p.b,
            },
            9 => Basis::EchoesOriginal {
                frame,
                tsecr: p.a,
                tsval: p.b,
            },
            10 => Basis::AckTooSoon {
                frame,
                since_us: p.a,
                rtt_us: p.b,
            },
            11 if frame == 0 => Basis::Gap {
                gap_us: p.a,
                rtt_us: NonZeroU32::new(p.b),
            },
            12 => Basis::ClosedWindow { frame },
            _ => return None,
        })
    }

    /// One basis of every kind (with and without its optional parts), for tests.
    #[cfg(test)]
    pub(crate) fn examples() -> Vec<Basis> {
        let ip = Clock::IpId {
            mine: 0x97fc,
            theirs: 0x97f1,
        };
        let ts = Clock::Tsval {
            mine: 1000,
            theirs: 990,
        };
        vec![
            Basis::AfterHigher {
                frame: 218,
                clock: ip,
            },
            Basis::Before {
                frame: 104,
                clock: ts,
            },
            Basis::BeforeItsResend {
                frame: 104,
                clock: ip,
            },
            Basis::OriginalLater {
                frame: 104,
                clock: ts,
            },
            Basis::SentBefore {
                frame: 104,
                clock: Some(ts),
            },
            Basis::SentBefore {
                frame: 104,
                clock: None,
            },
            Basis::Acked {
                frame: 104,
                ack: 5000,
            },
            Basis::Sacked {
                frame: 104,
                left: 2000,
                right: 3000,
            },
            Basis::Dsack {
                frame: 104,
                left: 1000,
                right: 1500,
            },
            Basis::EchoesOriginal {
                frame: 104,
                tsecr: 41,
                tsval: 60,
            },
            Basis::AckTooSoon {
                frame: 104,
                since_us: 3_000,
                rtt_us: 40_000,
            },
            Basis::Gap {
                gap_us: 4_000,
                rtt_us: NonZeroU32::new(40_000),
            },
            Basis::Gap {
                gap_us: 2_000,
                rtt_us: None,
            },
            Basis::ClosedWindow { frame: 26 },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_back_and_bad_parts_are_none() {
        for b in Basis::examples() {
            assert_eq!(Basis::from_parts(b.to_parts()), Some(b), "{b:?}");
            assert_eq!(Basis::NAMES[usize::from(b.code()) - 1], b.name());
        }
        assert_eq!(Basis::from_parts(BasisParts::default()), None);
        let bad = [
            // An IP ID above 16 bits.
            BasisParts {
                code: 1,
                clock: 1,
                frame: 3,
                a: 70_000,
                b: 1,
            },
            // A clock on an ACK.
            BasisParts {
                code: 6,
                clock: 2,
                frame: 3,
                a: 1,
                b: 1,
            },
            // No frame where one is needed, or an order without its clock.
            BasisParts {
                code: 6,
                frame: 0,
                ..BasisParts::default()
            },
            BasisParts {
                code: 2,
                frame: 3,
                ..BasisParts::default()
            },
            BasisParts {
                code: 13,
                frame: 3,
                ..BasisParts::default()
            },
            BasisParts {
                code: 12,
                frame: 0,
                ..BasisParts::default()
            },
            BasisParts {
                code: 11,
                frame: 3,
                ..BasisParts::default()
            },
        ];
        for p in bad {
            assert_eq!(Basis::from_parts(p), None, "{p:?}");
        }
    }

    #[test]
    fn the_basis_is_small() {
        assert!(core::mem::size_of::<Option<Basis>>() <= 20);
    }
}
