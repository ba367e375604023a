//! tcplens's own verdict on every data segment, decided from the evidence the capture
//! holds (issue 14), beside Wireshark's `tcp.analysis` flags, which stay as they are.
//!
//! A data segment is, as its sender made it and as the path carried it:
//! - a first transmission in order (no verdict);
//! - [`OwnVerdict::OutOfOrder`]: a first transmission that arrives after data its sender
//!   sent later (reordering in the network);
//! - [`OwnVerdict::Retransmission`]: a resend of bytes some of which had not reached the
//!   receiver;
//! - [`OwnVerdict::SpuriousRetransmission`]: a resend of bytes that had all reached the
//!   receiver already;
//! - [`OwnVerdict::Duplicate`]: the same packet seen again (same IP ID, TSval and payload).
//!
//! Each verdict comes with the [`Evidence`] that decided it and, for resends, what
//! [`Trigger`]ed them. The rules, one file each, in the order the engine asks them:
//! - [`duplicate`]: the same packet again;
//! - [`seen`]: which bytes of the direction the capture has seen (the scoreboard every
//!   other rule reads): a segment wholly at or above the highest byte seen is new;
//! - [`vantage`]: where the capture sits on each direction's path (from the handshake): at
//!   the sender every byte below the highest sent was sent before, so a segment there is a
//!   resend, never reordering; at the receiver every byte seen had arrived, so a resend of
//!   seen bytes is spurious;
//! - [`ip_id`] and [`tsval`]: the order in which the sender made two packets, from an IP ID
//!   it increments per packet, or from TSval (RFC 7323 §5.4: it never decreases); [`order`]
//!   applies it to the packets seen, which tells a late first transmission (made before
//!   data already seen) from a resend (made after higher data);
//! - [`sack`]: the receiver's cumulative ACK and SACK blocks (RFC 2018): bytes already
//!   acknowledged when a resend is sent were resent spuriously;
//! - [`timing`]: the last resort, scaled by the measured RTT;
//! - [`trigger`]: duplicate ACKs, SACK, a timeout or a tail probe.
//!
//! [`versus`] compares the own verdict with Wireshark's flags (the plugin's expert info
//! where they differ).
//!
//! A verdict is decided when its frame is seen, from the frames before it (provisional);
//! [`settle`] revises it when later frames show a resend taken as needed was spurious, and
//! a host that holds its output back applies the revisions (`tcplens analyze` does, within
//! [`settle::HOLD_NS`] or [`settle::HOLD_FRAMES`]). The state is bounded per conversation
//! (see [`ConvVerdicts`]'s size test).

pub mod basis;
pub mod duplicate;
pub mod ip_id;
pub mod order;
pub mod sack;
pub mod seen;
pub mod settle;
pub mod timing;
pub mod trigger;
pub mod tsval;
pub mod vantage;
pub mod versus;

pub use basis::{Basis, Clock};
pub use duplicate::CopyOf;

use crate::lifecycle::Side;
use crate::seq::{ge, gt};
use crate::wire::TcpSegment;

use ip_id::IpIdOrder;
use order::{Fill, Fills, Made, SentOrder};
use sack::AckState;
use seen::Scoreboard;
use vantage::Role;

/// tcplens's verdict on one data segment (none: a first transmission, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OwnVerdict {
    OutOfOrder = 1,
    Retransmission = 2,
    SpuriousRetransmission = 3,
    Duplicate = 4,
}

impl OwnVerdict {
    pub const ALL: [OwnVerdict; 4] = [
        OwnVerdict::OutOfOrder,
        OwnVerdict::Retransmission,
        OwnVerdict::SpuriousRetransmission,
        OwnVerdict::Duplicate,
    ];

    /// The name every output uses (the `verdict` key).
    pub const fn name(self) -> &'static str {
        match self {
            OwnVerdict::OutOfOrder => "out_of_order",
            OwnVerdict::Retransmission => "retransmission",
            OwnVerdict::SpuriousRetransmission => "spurious_retransmission",
            OwnVerdict::Duplicate => "duplicate",
        }
    }

    /// The verdict numbered `code` ([`OwnVerdict`] as `u8`; 0 is none).
    pub fn from_code(code: u8) -> Option<OwnVerdict> {
        Self::ALL.into_iter().find(|v| *v as u8 == code)
    }
}

/// One kind of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum EvidenceKind {
    /// TCP timestamps (RFC 7323): the TSval orders the sender's transmissions.
    Tsval = 1 << 0,
    /// The IPv4 identification, which this sender increments per packet.
    IpId = 1 << 1,
    /// The receiver's SACK blocks (RFC 2018).
    Sack = 1 << 2,
    /// A D-SACK block (RFC 2883): bytes the receiver got twice.
    Dsack = 1 << 3,
    /// The receiver's cumulative ACK.
    Ack = 1 << 4,
    /// Where the capture was taken: at the sender or at the receiver.
    Vantage = 1 << 5,
    /// Time, scaled by the measured RTT.
    Timing = 1 << 6,
    /// The same IP ID, TCP header and payload as an earlier packet.
    SamePacket = 1 << 7,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 8] = [
        EvidenceKind::Tsval,
        EvidenceKind::IpId,
        EvidenceKind::Sack,
        EvidenceKind::Dsack,
        EvidenceKind::Ack,
        EvidenceKind::Vantage,
        EvidenceKind::Timing,
        EvidenceKind::SamePacket,
    ];

    /// The name every output uses (in the `evidence` list).
    pub const fn name(self) -> &'static str {
        match self {
            EvidenceKind::Tsval => "tsval",
            EvidenceKind::IpId => "ip_id",
            EvidenceKind::Sack => "sack",
            EvidenceKind::Dsack => "dsack",
            EvidenceKind::Ack => "ack",
            EvidenceKind::Vantage => "vantage",
            EvidenceKind::Timing => "timing",
            EvidenceKind::SamePacket => "same_packet",
        }
    }
}

/// A set of evidence kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Evidence(pub u16);

impl Evidence {
    pub fn of(kinds: &[EvidenceKind]) -> Evidence {
        Evidence(kinds.iter().fold(0, |a, k| a | *k as u16))
    }
    pub fn has(self, k: EvidenceKind) -> bool {
        self.0 & k as u16 != 0
    }
    pub fn with(self, k: EvidenceKind) -> Evidence {
        Evidence(self.0 | k as u16)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The kinds, in [`EvidenceKind::ALL`]'s order.
    pub fn kinds(self) -> impl Iterator<Item = EvidenceKind> {
        EvidenceKind::ALL.into_iter().filter(move |k| self.has(*k))
    }
}

/// What made the sender resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Trigger {
    /// Duplicate ACKs (RFC 5681 §3.2: fast retransmit).
    DupAcks = 1,
    /// SACK blocks showing the hole (RFC 6675 loss recovery).
    Sack = 2,
    /// The retransmission timer (RFC 6298): the gap is at least the measured RTT and the
    /// minimum RTO ([`trigger::MIN_RTO_NS`]).
    Timeout = 3,
    /// A tail loss probe: the last segment again, after about two RTTs of silence.
    TailProbe = 4,
}

impl Trigger {
    pub const ALL: [Trigger; 4] = [
        Trigger::DupAcks,
        Trigger::Sack,
        Trigger::Timeout,
        Trigger::TailProbe,
    ];

    /// The name every output uses (the `trigger` key).
    pub const fn name(self) -> &'static str {
        match self {
            Trigger::DupAcks => "dup_acks",
            Trigger::Sack => "sack",
            Trigger::Timeout => "timeout",
            Trigger::TailProbe => "tail_probe",
        }
    }

    /// The trigger numbered `code` ([`Trigger`] as `u8`; 0 is none).
    pub fn from_code(code: u8) -> Option<Trigger> {
        Self::ALL.into_iter().find(|t| *t as u8 == code)
    }
}

/// tcplens's verdict on one frame, its evidence, (for resends) its trigger and the
/// comparison that decided it, with its numbers, where the rule has one: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Own {
    pub verdict: Option<OwnVerdict>,
    pub evidence: Evidence,
    pub trigger: Option<Trigger>,
    pub basis: Option<Basis>,
}

impl Own {
    fn is(verdict: OwnVerdict, evidence: Evidence) -> Own {
        Own {
            verdict: Some(verdict),
            evidence,
            trigger: None,
            basis: None,
        }
    }

    /// The same verdict, decided by `basis`.
    fn because(self, basis: Basis) -> Own {
        Own {
            basis: Some(basis),
            ..self
        }
    }

    /// Whether later frames may still revise this verdict ([`settle`]): only a resend
    /// called needed can turn out spurious. A host holding rows back for revisions need
    /// hold only these, and the rows after them.
    pub fn may_be_revised(&self) -> bool {
        self.verdict == Some(OwnVerdict::Retransmission)
    }
}

/// What the engine reads of one segment.
#[derive(Debug, Clone, Copy)]
pub struct SegIn {
    pub frame: u32,
    pub side: Side,
    pub ts_ns: i64,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub has_ack: bool,
    pub ip_id: Option<u16>,
    pub tsval: Option<u32>,
    pub tsecr: Option<u32>,
    pub sack: [(u32, u32); 4],
    pub sack_count: u8,
    /// The raw window field: zero closes the peer's window.
    pub window: u16,
}

impl SegIn {
    pub fn of(frame: u32, side: Side, seg: &TcpSegment<'_>, ts_ns: i64) -> SegIn {
        let o = &seg.options;
        SegIn {
            frame,
            side,
            ts_ns,
            seq: seg.seq,
            ack: seg.ack,
            len: seg.seg_len,
            syn: seg.flags.syn(),
            fin: seg.flags.fin(),
            rst: seg.flags.rst(),
            has_ack: seg.flags.ack(),
            ip_id: seg.ip_id,
            tsval: o.timestamps.map(|t| t.0),
            tsecr: o.timestamps.map(|t| t.1),
            sack: o.sack,
            sack_count: o.sack_count,
            window: seg.window,
        }
    }

    fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..usize::from(self.sack_count.min(4))]
    }

    /// Where the data starts: after the SYN's own sequence number when it carries data
    /// (TCP Fast Open, RFC 7413).
    fn data_seq(&self) -> u32 {
        self.seq.wrapping_add(u32::from(self.syn))
    }

    fn end(&self) -> u32 {
        self.data_seq().wrapping_add(self.len)
    }
}

/// A verdict given earlier, revised by later evidence: frame `frame` is now `own`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    pub frame: u32,
    pub own: Own,
}

/// When and in which order the sender made a packet: its IP ID and TSval (8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    id: u16,
    /// Bit 0: `id` is set; bit 1: `ts` is.
    has: u8,
    ts: u32,
}

impl Stamp {
    /// An IP ID of 0 counts as none (Linux sends its SYN-ACKs with 0, and stacks that set
    /// DF may send every packet with it).
    pub fn new(ip_id: Option<u16>, tsval: Option<u32>) -> Stamp {
        let ip_id = ip_id.filter(|id| *id != 0);
        Stamp {
            id: ip_id.unwrap_or(0),
            has: u8::from(ip_id.is_some()) | u8::from(tsval.is_some()) << 1,
            ts: tsval.unwrap_or(0),
        }
    }
    pub fn ip_id(self) -> Option<u16> {
        (self.has & 1 != 0).then_some(self.id)
    }
    pub fn tsval(self) -> Option<u32> {
        (self.has & 2 != 0).then_some(self.ts)
    }
}

/// The verdict state of one direction (what one side sent).
#[derive(Debug, Clone, Default)]
pub(crate) struct Dir {
    /// Data seen from this side.
    started: bool,
    /// One past the highest sequence number of data seen.
    high: u32,
    /// When `high` last moved, and when this side last sent data.
    high_ns: i64,
    last_data_ns: i64,
    /// The bytes seen.
    seen: Scoreboard,
    /// The order the latest data packets were made in.
    made: SentOrder,
    /// The latest resends and hole fills.
    fills: Fills,
    /// Whether this side increments its IP ID per packet.
    ids: IpIdOrder,
    /// The peer's ACKs of this side's data.
    acks: AckState,
    /// Resends made since the peer's ACK last moved (for the trigger).
    resends_in_recovery: u8,
    /// The frame where the peer's latest window, zero, closed it: data from this side is
    /// not accepted (0: open).
    closed: u32,
}

/// The verdict state of one conversation: both directions, the copy detector, the
/// handshake times for the vantage point and the measured RTT.
#[derive(Debug, Clone, Default)]
pub struct ConvVerdicts {
    dirs: [Dir; 2],
    recent: duplicate::Recent,
    roles: vantage::Roles,
    /// The smallest ACK RTT seen for each side's data (Wireshark's `ack_rtt`).
    min_ack_rtt_ns: [Option<i64>; 2],
}

impl ConvVerdicts {
    /// Whether `p` (frame `frame`) is a copy of a packet seen shortly before.
    pub(crate) fn copy_of(
        &mut self,
        frame: u32,
        ts_ns: i64,
        side: Side,
        p: duplicate::Packet,
        hs_rtt_ns: Option<i64>,
    ) -> Option<CopyOf> {
        self.recent.check(frame, ts_ns, side, p, hs_rtt_ns)
    }

    /// The measured round trip: the handshake's, else the two directions' smallest ACK
    /// RTTs added up (each is the part of the round trip beyond the capture point).
    pub fn rtt_ns(&self, hs_rtt_ns: Option<i64>) -> Option<i64> {
        hs_rtt_ns.filter(|r| *r > 0).or_else(|| {
            match self.min_ack_rtt_ns {
                // Saturating: a capture's timestamps can be hostile (fuzz/regressions/analyzer).
                [Some(a), Some(b)] => Some(a.saturating_add(b)),
                [Some(a), None] | [None, Some(a)] => Some(a),
                [None, None] => None,
            }
            .filter(|r| *r > 0)
        })
    }

    /// Where the capture sits, as the verdicts use it so far (the plugin's
    /// `tcplens.vantage`; [`crate::statistics::Vantage`], from the handshake or else the
    /// smallest ACK RTTs, the same rule `conns` applies at the end).
    pub fn vantage(&self) -> crate::statistics::Vantage {
        self.roles.vantage()
    }

    /// Notes an ACK RTT sample of `side`'s data.
    pub(crate) fn on_ack_rtt(&mut self, side: Side, rtt_ns: i64) {
        let m = &mut self.min_ack_rtt_ns[side.idx()];
        *m = Some(m.map_or(rtt_ns, |x| x.min(rtt_ns)));
        self.roles.on_ack_rtts(self.min_ack_rtt_ns);
    }

    /// The handshake's steps, for the vantage point.
    pub(crate) fn on_handshake(&mut self, s: &SegIn, hs_rtt_ns: Option<i64>) {
        self.roles.on_segment(s, hs_rtt_ns);
    }

    /// The verdict on one segment (not a copy: see [`copy_of`](Self::copy_of)); verdicts
    /// of earlier frames that this one settles go to `revised`.
    pub(crate) fn on_segment(
        &mut self,
        s: &SegIn,
        hs_rtt_ns: Option<i64>,
        revised: &mut Vec<Revision>,
    ) -> Own {
        let rtt = self.rtt_ns(hs_rtt_ns);
        let me = s.side.idx();
        let role = self.roles.role(s.side);
        // This segment's ACK and SACK blocks speak of the peer's data.
        {
            let peer = &mut self.dirs[1 - me];
            if !s.syn && !s.rst {
                peer.closed = if s.window == 0 { s.frame } else { 0 };
            }
            if s.has_ack && !s.rst {
                peer.acks.on_ack(s, peer.started);
                if peer.acks.advanced {
                    peer.resends_in_recovery = 0;
                }
                settle::on_ack(peer, s.ts_ns, s.frame, rtt, revised);
            }
        }
        let d = &mut self.dirs[me];
        d.ids.observe(s.ip_id);
        if s.syn && !d.started {
            // The sequence space starts after the SYN: nothing of it seen yet (a copy of
            // the SYN later starts nothing again).
            let next = s.seq.wrapping_add(1);
            d.started = true;
            d.high = next;
            d.high_ns = s.ts_ns;
            d.seen.start(next);
        }
        let stamp = Stamp::new(s.ip_id, s.tsval);
        if s.len == 0 || s.rst {
            d.made.note(stamp, s.frame, d.ids.byte_order());
            return Own::default();
        }
        let ids = d.ids.clock();
        let (s0, e) = (s.data_seq(), s.end());
        if !d.started {
            d.started = true;
            d.high = e;
            d.high_ns = s.ts_ns;
            d.last_data_ns = s.ts_ns;
            d.seen.start(e);
            d.made.push(s0, e, stamp, s.frame, true);
            d.made.note(stamp, s.frame, d.ids.byte_order());
            return Own::default();
        }
        if d.closed != 0 {
            // RFC 9293 §3.10.7.4: while the receive window is zero no data is acceptable.
            // A zero-window probe (or data sent into the closed window) is dropped by the
            // receiver by design: it is no resend, and its bytes are not delivered, so a
            // later resend of them is needed (RFC 9293 §3.8.6.1).
            note_sent(d, s, stamp);
            return Own {
                basis: Some(Basis::ClosedWindow { frame: d.closed }),
                ..Own::default()
            };
        }
        let made = d.made.of(s0, e, stamp, ids);
        let own = if ge(s0, d.high) {
            // Wholly new bytes, at or above the highest seen: a first transmission, in
            // order unless made before a packet already seen.
            match made {
                Made::BeforeSeen(c) => before(c),
                _ => Own::default(),
            }
        } else {
            let cover = d.seen.coverage(s0, e);
            let mut own = match (cover, role) {
                // At the sender every byte below the highest sent was sent before.
                (seen::Cover::All, Role::Sender) | (seen::Cover::Some, Role::Sender) => {
                    sack::resend_at_sender(&d.acks, s0, e)
                }
                (seen::Cover::None, Role::Sender) => {
                    // The capture missed the original: as a receiver would see it.
                    order_of_new(d, s, made, rtt)
                }
                (seen::Cover::All, Role::Receiver) => {
                    // Every byte had arrived: a spurious resend, or the original itself
                    // arriving after its resend.
                    match (made, d.fills.made_after(s0, e, stamp, ids)) {
                        (Made::AfterHigherData(_), _) | (_, None) => {}
                        (_, Some((fill, clock))) => {
                            settle::late_original(d, fill, s.frame, clock, revised);
                            return finish(
                                d,
                                s,
                                stamp,
                                Own::is(OwnVerdict::OutOfOrder, Evidence::of(&[clock.kind()]))
                                    .because(Basis::BeforeItsResend {
                                        frame: fill.frame,
                                        clock,
                                    }),
                            );
                        }
                    }
                    match made {
                        // Named by the packet that carried the bytes, when remembered,
                        // else by the higher data it was made after.
                        Made::AfterHigherData(c) => Own::is(
                            OwnVerdict::SpuriousRetransmission,
                            Evidence::of(&[EvidenceKind::Vantage, c.kind()]),
                        )
                        .because(d.made.carrier(s0, e, stamp, ids).map_or(
                            Basis::AfterHigher {
                                frame: c.frame,
                                clock: c.clock,
                            },
                            |(frame, clock)| Basis::SentBefore { frame, clock },
                        )),
                        Made::Unknown | Made::BeforeSeen(_) => Own::is(
                            OwnVerdict::SpuriousRetransmission,
                            Evidence::of(&[EvidenceKind::Vantage]),
                        ),
                    }
                }
                (seen::Cover::All, Role::Unknown) => sack::resend_unknown(&d.acks, s0, e),
                (seen::Cover::Some, _) => {
                    // Partly new bytes below the highest: a resend, some of it needed.
                    Own::is(
                        OwnVerdict::Retransmission,
                        Evidence::of(&[EvidenceKind::Vantage]),
                    )
                }
                (seen::Cover::None, _) => order_of_new(d, s, made, rtt),
            };
            if matches!(
                own.verdict,
                Some(OwnVerdict::Retransmission | OwnVerdict::SpuriousRetransmission)
            ) {
                if own.basis.is_none() {
                    // Bytes seen before: the packet that carried them, when remembered.
                    own.basis = d
                        .made
                        .carrier(s0, e, stamp, ids)
                        .map(|(frame, clock)| Basis::SentBefore { frame, clock });
                }
                own.trigger = trigger::of(d, s, rtt);
                d.resends_in_recovery = d.resends_in_recovery.saturating_add(1);
            }
            if own.verdict.is_some() {
                let needed = own.may_be_revised();
                d.fills.push(Fill {
                    frame: s.frame,
                    seq: s0,
                    end: e,
                    stamp,
                    at_us: settle::us(s.ts_ns),
                    needed,
                    at_sender: role == Role::Sender,
                    awaiting_ack: needed && role == Role::Sender,
                });
            }
            own
        };
        finish(d, s, stamp, own)
    }
}

/// Notes the segment seen, after its verdict.
fn finish(d: &mut Dir, s: &SegIn, stamp: Stamp, own: Own) -> Own {
    d.seen.add(s.data_seq(), s.end(), s.ts_ns);
    note_sent(d, s, stamp);
    own
}

/// Notes the segment sent: the order it was made in, the highest byte, the last data
/// (without counting its bytes as seen: [`finish`] does that).
fn note_sent(d: &mut Dir, s: &SegIn, stamp: Stamp) {
    let (s0, e) = (s.data_seq(), s.end());
    d.made.push(s0, e, stamp, s.frame, gt(e, d.high));
    d.made.note(stamp, s.frame, d.ids.byte_order());
    if gt(e, d.high) {
        d.high = e;
        d.high_ns = s.ts_ns;
    }
    d.last_data_ns = s.ts_ns;
}

/// New bytes below the highest seen (a hole filled): a first transmission that was
/// overtaken, or the resend of one the capture never saw. A first transmission was made
/// before every byte above it; a resend after some of them ([`order`]).
fn order_of_new(d: &Dir, s: &SegIn, made: Made, rtt: Option<i64>) -> Own {
    match made {
        Made::AfterHigherData(c) => Own::is(OwnVerdict::Retransmission, Evidence::of(&[c.kind()]))
            .because(Basis::AfterHigher {
                frame: c.frame,
                clock: c.clock,
            }),
        Made::BeforeSeen(c) => before(c),
        Made::Unknown => {
            timing::order_of_new(d.seen.since_first_arrival_above(s.end(), s.ts_ns), rtt)
        }
    }
}

/// A first transmission made before a packet already seen: out of order.
fn before(c: order::Cmp) -> Own {
    Own::is(OwnVerdict::OutOfOrder, Evidence::of(&[c.kind()])).because(Basis::Before {
        frame: c.frame,
        clock: c.clock,
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod size {
    #[test]
    fn the_state_stays_small() {
        let n = core::mem::size_of::<super::ConvVerdicts>();
        // Two directions of about 550 bytes (the scoreboard's 16 ranges of 12 bytes, the 8
        // latest packets' sequence numbers, stamps and frames, the ACK state with its two
        // ACKs' frames, the IP ID counter in both byte orders, and a pointer to the fills),
        // the copy detector's 16 packets (272) and the handshake: 1416 bytes. The 16 fills
        // of 28 bytes are boxed at a direction's first resend or hole fill (448 bytes more
        // each); 2280 bytes before they were. The frames and ends of the remembered packets
        // (72 bytes a direction) and of the ACKs (8) name the packet a verdict was decided
        // against (`Basis`).
        assert!(n <= 1416, "ConvVerdicts grew to {n} bytes");
        let fills = core::mem::size_of::<[super::order::Fill; super::order::FILLS]>();
        assert_eq!(fills, 448);
    }

    #[test]
    fn names_are_unique() {
        use super::*;
        let mut v: Vec<&str> = OwnVerdict::ALL.iter().map(|x| x.name()).collect();
        v.extend(EvidenceKind::ALL.iter().map(|x| x.name()));
        let n = v.len();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), n);
    }
}
