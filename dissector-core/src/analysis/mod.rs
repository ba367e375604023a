//! Wireshark-compatible TCP sequence analysis: every `tcp.analysis` verdict Wireshark 4.0
//! gives, with the same meaning, frame for frame.
//!
//! The behaviour is packet-tcp.c's (`tcp_analyze_sequence_number` and its callers in
//! 4.0.17), quirks included; the structure is not. Each verdict is a small named rule in
//! [`rules`], run from a table in Wireshark's order of evaluation; the bookkeeping that
//! follows them (unacked segments, ACK matching, bytes in flight) is in this module.
//! `docs/wireshark-4.0-tcp-analysis.md` is the specification followed; "§N" and "step N"
//! below cite its sections and steps.

pub mod rules;

use crate::lifecycle::Side;
use crate::summary::{initial_rtt, SynAtEpoch};
use crate::wire::{TcpFlags, TcpOptions};

/// One `tcp.analysis` verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Verdict {
    Retransmission = 1 << 0,
    FastRetransmission = 1 << 1,
    SpuriousRetransmission = 1 << 2,
    OutOfOrder = 1 << 3,
    LostSegment = 1 << 4,
    AckLostSegment = 1 << 5,
    DuplicateAck = 1 << 6,
    ZeroWindow = 1 << 7,
    ZeroWindowProbe = 1 << 8,
    ZeroWindowProbeAck = 1 << 9,
    WindowFull = 1 << 10,
    WindowUpdate = 1 << 11,
    KeepAlive = 1 << 12,
    KeepAliveAck = 1 << 13,
    ReusedPorts = 1 << 14,
}

impl Verdict {
    /// All verdicts, in the order tcplens lists them.
    pub const ALL: [Verdict; 15] = [
        Verdict::Retransmission,
        Verdict::FastRetransmission,
        Verdict::SpuriousRetransmission,
        Verdict::OutOfOrder,
        Verdict::LostSegment,
        Verdict::AckLostSegment,
        Verdict::DuplicateAck,
        Verdict::ZeroWindow,
        Verdict::ZeroWindowProbe,
        Verdict::ZeroWindowProbeAck,
        Verdict::WindowFull,
        Verdict::WindowUpdate,
        Verdict::KeepAlive,
        Verdict::KeepAliveAck,
        Verdict::ReusedPorts,
    ];

    /// The name of Wireshark's `tcp.analysis.*` leaf.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Retransmission => "retransmission",
            Verdict::FastRetransmission => "fast_retransmission",
            Verdict::SpuriousRetransmission => "spurious_retransmission",
            Verdict::OutOfOrder => "out_of_order",
            Verdict::LostSegment => "lost_segment",
            Verdict::AckLostSegment => "ack_lost_segment",
            Verdict::DuplicateAck => "duplicate_ack",
            Verdict::ZeroWindow => "zero_window",
            Verdict::ZeroWindowProbe => "zero_window_probe",
            Verdict::ZeroWindowProbeAck => "zero_window_probe_ack",
            Verdict::WindowFull => "window_full",
            Verdict::WindowUpdate => "window_update",
            Verdict::KeepAlive => "keep_alive",
            Verdict::KeepAliveAck => "keep_alive_ack",
            Verdict::ReusedPorts => "reused_ports",
        }
    }

    #[inline]
    pub fn bit(self) -> u16 {
        self as u16
    }
}

/// A set of verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Verdicts(pub u16);

impl Verdicts {
    #[inline]
    pub fn has(self, v: Verdict) -> bool {
        self.0 & v.bit() != 0
    }
    #[inline]
    pub fn set(&mut self, v: Verdict) {
        self.0 |= v.bit();
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The verdicts as Wireshark *shows* them: a fast or spurious retransmission also
    /// carries `retransmission` (its filter matches all three).
    pub fn shown(self) -> impl Iterator<Item = Verdict> {
        let mut bits = self.0;
        if bits & (Verdict::FastRetransmission.bit() | Verdict::SpuriousRetransmission.bit()) != 0 {
            bits |= Verdict::Retransmission.bit();
        }
        Verdict::ALL
            .into_iter()
            .filter(move |v| bits & v.bit() != 0)
    }
}

/// Wireshark's "−1" for `dupacknum` after an ACKed-unseen verdict (a `guint32`).
pub(crate) const DUPACK_SENTINEL: u32 = u32::MAX;
/// Wireshark keeps at most this many unacknowledged segments per direction.
pub(crate) const MAX_UNACKED: usize = 10_000;
/// `tcp.analysis.fast_retransmission` needs the dup ACKs within this time (packet-tcp.c).
pub(crate) const FAST_RETRANSMISSION_NS: i64 = 20_000_000;
/// Out-of-order window when the initial RTT is not known.
pub(crate) const OUT_OF_ORDER_DEFAULT_NS: i64 = 3_000_000;

/// Window-scale knowledge of one direction (§6 of `docs/wireshark-4.0-tcp-analysis.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinScale {
    /// No SYN seen yet (Wireshark's −1).
    Unknown,
    /// The handshake showed no scaling (−2).
    None,
    /// The shift announced in the SYN.
    Shift(u8),
}

/// One segment not yet acknowledged (Wireshark's `tcp_unacked_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unacked {
    pub frame: u32,
    pub seq: u32,
    pub nextseq: u32,
    pub time: i64,
}

/// Sequence-analysis state of one direction.
#[derive(Debug, Clone)]
pub struct FlowAnalysis {
    pub(crate) win_scale: WinScale,
    /// Last raw window field sent (0xFFFF_FFFF until the first packet).
    pub(crate) window: u32,
    pub(crate) is_first_ack: bool,
    pub(crate) valid_bif: bool,
    pub(crate) push_bytes_sent: u32,
    pub(crate) push_set_last: bool,
    /// The verdicts of this direction's previous packet.
    pub(crate) last_flags: Verdicts,
    /// Highest seq + len seen; 0 means unknown (a Wireshark quirk kept on purpose).
    pub(crate) nextseq: u32,
    pub(crate) nextseq_frame: u32,
    pub(crate) nextseq_time: i64,
    pub(crate) maxseqtobeacked: u32,
    /// Last ack field sent by this direction, and when.
    pub(crate) lastack: u32,
    pub(crate) lastack_time: i64,
    pub(crate) lastnondupack: u32,
    pub(crate) dupacknum: u32,
    /// Unacknowledged segments, oldest first (Wireshark keeps them newest first).
    pub(crate) segments: Vec<Unacked>,
    /// Bytes covered by the SACK blocks of this direction's latest packet, as Wireshark 4.0
    /// subtracts them from bytes in flight: it stores blocks from index 1 of a 4-slot
    /// array, so only the first three count.
    pub(crate) sacked: u32,
}

impl ConvAnalysis {
    /// Heap bytes held (the unacknowledged-segment lists).
    pub fn heap_bytes(&self) -> usize {
        self.flows
            .iter()
            .map(|f| f.segments.capacity() * core::mem::size_of::<Unacked>())
            .sum()
    }
}

impl Default for FlowAnalysis {
    fn default() -> Self {
        FlowAnalysis {
            win_scale: WinScale::Unknown,
            window: u32::MAX,
            is_first_ack: true,
            valid_bif: true,
            push_bytes_sent: 0,
            push_set_last: false,
            last_flags: Verdicts::default(),
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            lastnondupack: 0,
            dupacknum: 0,
            segments: Vec::new(),
            sacked: 0,
        }
    }
}

/// Sequence-analysis state of one conversation.
#[derive(Debug, Clone, Default)]
pub struct ConvAnalysis {
    /// `[client, server]`, like the conversation's flows.
    pub(crate) flows: [FlowAnalysis; 2],
    /// `tcp.completeness` bits (SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32).
    pub(crate) completeness: u8,
    /// Initial RTT in ns; 0 means not known yet (Wireshark's zero `nstime`). Its SYN time
    /// is the conversation's one ([`ConnStats::syn_ns`](crate::summary::ConnStats)).
    pub(crate) irtt: i64,
}

/// The analysis keys of one frame, `None` where tshark shows no such field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameAnalysis {
    pub verdicts: Verdicts,
    pub dup_ack_num: Option<u32>,
    pub dup_ack_frame: Option<u32>,
    pub acks_frame: Option<u32>,
    pub ack_rtt_ns: Option<i64>,
    pub initial_rtt_ns: Option<i64>,
    pub bytes_in_flight: Option<u32>,
    pub push_bytes_sent: Option<u32>,
    pub rto_ns: Option<i64>,
    pub rto_frame: Option<u32>,
    /// `tcp.window_size`: the window after scaling.
    pub window_scaled: Option<u32>,
    /// `tcp.completeness` as shown (the value before this packet).
    pub completeness: Option<u8>,
    /// With `lost_segment`: the relative sequence number the sender's next segment was
    /// expected to start at (its highest seq + len so far), for explanations.
    pub expected_seq: Option<u32>,
    /// tcplens's own verdict ([`crate::verdict`]), not Wireshark's: not part of what
    /// `diff-tshark` compares.
    pub own: crate::verdict::Own,
    /// The packet is a copy of an earlier one (the `duplicate` own verdict on data; a SYN,
    /// FIN or identified ACK too): the frame it copies and the gap, for explanations (the C ABI's
    /// `copy_of_frame`, `copy_identified`, `copy_gap_ns`).
    pub copy_of: Option<crate::verdict::CopyOf>,
}

/// One segment as the analysis sees it.
#[derive(Debug, Clone, Copy)]
pub struct SegmentIn<'o> {
    pub frame: u32,
    pub now: i64,
    pub seq: u32,
    pub ack: u32,
    pub seglen: u32,
    pub flags: TcpFlags,
    pub window: u16,
    pub options: &'o TcpOptions,
}

impl SegmentIn<'_> {
    #[inline]
    fn syn_fin_rst(&self) -> bool {
        self.flags.0 & (TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) != 0
    }
}

/// Wireshark's per-packet `tcp_acked` block: whether it exists decides what is shown.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ta {
    pub exists: bool,
    pub flags: Verdicts,
    pub dupack_num: u32,
    pub dupack_frame: u32,
    pub frame_acked: u32,
    pub ack_rtt: i64,
    pub rto: i64,
    pub rto_frame: u32,
    pub bif: u32,
    pub push_bytes_sent: u32,
    /// With `LostSegment`: the sender's next sequence number before this segment (raw).
    pub expected_seq: u32,
}

impl Ta {
    fn flag(&mut self, v: Verdict) {
        self.exists = true;
        self.flags.set(v);
    }
}

/// How a conversation lookup treated a pure SYN or SYN-ACK (Wireshark 4.0, §7 of
/// `docs/wireshark-4.0-tcp-analysis.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReuseInfo {
    /// This segment started a new conversation on a used 4-tuple, or re-based a SYN-ACK.
    pub reused_ports: bool,
    /// A pure SYN repeating the ISN already seen.
    pub same_isn_syn: bool,
    /// The conversation was created by this very segment.
    pub new_conversation: bool,
}

impl ConvAnalysis {
    /// Runs the whole per-packet pipeline for a complete TCP segment from `side`. `base`
    /// is each direction's base sequence number (indexed by [`Side`]), already set up;
    /// `last_syn_ns` the time of the conversation's latest SYN without ACK before this
    /// segment.
    pub fn on_segment(
        &mut self,
        side: Side,
        seg: &SegmentIn<'_>,
        base: [u32; 2],
        reuse: ReuseInfo,
        last_syn_ns: Option<i64>,
    ) -> FrameAnalysis {
        if reuse.reused_ports && reuse.new_conversation {
            // Wireshark 4.0 starts a reused conversation's completeness at SYN.
            self.completeness = 1;
        }
        let completeness_shown = self.completeness;
        let mut ta = Ta::default();
        if reuse.reused_ports {
            ta.flag(Verdict::ReusedPorts);
        }
        let [c, s] = &mut self.flows;
        let (fwd, rev) = match side {
            Side::Client => (c, s),
            Side::Server => (s, c),
        };
        if reuse.same_isn_syn {
            // A SYN with the ISN already seen: undo what an RST did to nextseq.
            fwd.nextseq = fwd.maxseqtobeacked;
            ta.exists = true;
        }

        let mut ctx = rules::Ctx {
            seg,
            fwd,
            rev,
            irtt: self.irtt,
            ta,
        };
        ctx.analyze(base[side.idx()]);
        let ta = ctx.ta;

        // Display: the calculated window, with the scale known *before* this packet's options.
        let window_scaled = if seg.flags.syn() {
            u32::from(seg.window)
        } else {
            match ctx.fwd.win_scale {
                WinScale::Shift(s) => u32::from(seg.window) << s,
                _ => u32::from(seg.window),
            }
        };

        self.update_completeness(seg, reuse.new_conversation);
        self.syn_and_irtt(side, seg, last_syn_ns);
        self.options(side, seg);

        let mut out = FrameAnalysis {
            verdicts: ta.flags,
            window_scaled: Some(window_scaled),
            completeness: Some(completeness_shown),
            ..FrameAnalysis::default()
        };
        if seg.options.aborts_dissection {
            // Wireshark's option dissector threw: the analysis ran, but nothing of it shows.
            out.verdicts = Verdicts::default();
            return out;
        }
        if ta.exists {
            if ta.frame_acked != 0 {
                out.acks_frame = Some(ta.frame_acked);
                if ta.ack_rtt != 0 {
                    out.ack_rtt_ns = Some(ta.ack_rtt);
                }
            }
            if self.irtt != 0 {
                out.initial_rtt_ns = Some(self.irtt);
            }
            if ta.bif != 0 {
                out.bytes_in_flight = Some(ta.bif);
                out.push_bytes_sent = Some(ta.push_bytes_sent);
            }
            if ta.flags.has(Verdict::LostSegment) {
                out.expected_seq = Some(rel(ta.expected_seq, base[side.idx()]));
            }
            if ta.flags.has(Verdict::DuplicateAck) {
                out.dup_ack_num = Some(ta.dupack_num);
                out.dup_ack_frame = Some(ta.dupack_frame);
            }
            if ta.flags.has(Verdict::Retransmission) && ta.rto != 0 {
                out.rto_ns = Some(ta.rto);
                out.rto_frame = Some(ta.rto_frame);
            }
        }
        out
    }

    /// A segment that names the conversation but is not analysed (ICMP quote, short
    /// segment): Wireshark still shows and updates the completeness.
    pub fn on_header_only(
        &mut self,
        seg_flags: TcpFlags,
        seglen: u32,
        new_conversation: bool,
    ) -> u8 {
        let shown = self.completeness;
        let f = seg_flags;
        self.completeness |= completeness_bits(f, seglen, new_conversation);
        shown
    }

    /// The calculated window Wireshark shows for a header it does not analyse (an ICMP
    /// quote): scaled like any other, with what is known of the sender's scale.
    pub fn window_scaled(&self, side: Side, flags: TcpFlags, window: u16) -> u32 {
        match self.flows[side.idx()].win_scale {
            WinScale::Shift(s) if !flags.syn() => u32::from(window) << s,
            _ => u32::from(window),
        }
    }

    fn update_completeness(&mut self, seg: &SegmentIn<'_>, new_conversation: bool) {
        self.completeness |= completeness_bits(seg.flags, seg.seglen, new_conversation);
    }

    /// Steps 9–10: `is_first_ack`, and the initial RTT from the latest SYN's time (kept
    /// by the conversation, [`ConnStats::syn_ns`](crate::summary::ConnStats)): set by the
    /// first ACK without SYN after it, from either side, while still unknown (0).
    fn syn_and_irtt(&mut self, side: Side, seg: &SegmentIn<'_>, last_syn_ns: Option<i64>) {
        let side = side.idx();
        let f = seg.flags;
        if f.syn() {
            self.flows[side].is_first_ack = true;
        }
        if f.ack() && !f.syn() {
            if self.irtt == 0 {
                if let Some(rtt) = initial_rtt(last_syn_ns, seg.now, SynAtEpoch::Unset) {
                    self.irtt = rtt;
                }
            }
            self.flows[side].is_first_ack = false;
        }
    }

    /// §1 steps 11 and 13: window scale and SACK blocks from the options.
    fn options(&mut self, side: Side, seg: &SegmentIn<'_>) {
        let (side, other) = (side.idx(), side.other().idx());
        let o = seg.options;
        if let Some(shift) = o.window_scale {
            self.flows[side].win_scale = WinScale::Shift(shift.min(14));
        }
        let fwd = &mut self.flows[side];
        fwd.sacked = o
            .sack_blocks()
            .iter()
            .take(3)
            .map(|(l, r)| r.wrapping_sub(*l))
            .fold(0u32, u32::wrapping_add);
        if seg.flags.syn() && !o.aborts_dissection {
            if self.flows[side].win_scale == WinScale::Unknown {
                self.flows[side].win_scale = WinScale::None;
                self.flows[other].win_scale = WinScale::None;
            } else if seg.flags.ack() && self.flows[other].win_scale == WinScale::None {
                self.flows[side].win_scale = WinScale::None;
            }
        }
    }
}

/// The `tcp.completeness` bits a segment adds (§8). A new conversation counts only a
/// pure SYN (plus DATA for a SYN with data).
pub(crate) fn completeness_bits(f: TcpFlags, seglen: u32, new_conversation: bool) -> u8 {
    const SYN: u8 = 1;
    const SYNACK: u8 = 2;
    const ACK: u8 = 4;
    const DATA: u8 = 8;
    const FIN: u8 = 16;
    const RST: u8 = 32;
    if new_conversation {
        return if f.syn() && !f.ack() {
            SYN | if seglen > 0 { DATA } else { 0 }
        } else {
            0
        };
    }
    let mut bits = 0;
    if f.syn() && f.ack() {
        bits |= SYNACK;
    }
    if f.ack() && !f.syn() {
        bits |= if seglen > 0 { DATA } else { ACK };
    }
    if f.fin() && f.ack() {
        bits |= FIN;
    }
    if f.rst() {
        bits |= RST;
    }
    bits
}

/// Offsets from a base, so that min/max work across the sequence-number wrap.
#[inline]
pub(crate) fn rel(x: u32, base: u32) -> u32 {
    x.wrapping_sub(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzer, Outcome};
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;

    const C: &str = "10.0.0.1:1000";
    const S: &str = "10.0.0.2:80";

    fn feed(frames: &[(SegBuilder, i64)]) -> Vec<FrameAnalysis> {
        let mut a = Analyzer::new();
        frames
            .iter()
            .map(|(b, t)| {
                let raw = b.raw();
                match a.process(LinkType::Raw, &raw, raw.len() as u32, *t) {
                    Outcome::Tcp { analysis, .. } => analysis,
                    o => panic!("{o:?}"),
                }
            })
            .collect()
    }

    fn c(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack)
    }
    fn s(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack)
    }

    #[test]
    fn completeness_is_shown_before_the_update() {
        let a = feed(&[
            (c("S", 0, 0), 1_000),
            (s("SA", 100, 1), 2_000),
            (c("A", 1, 101), 3_000),
            (c("PA", 1, 101).payload(b"x"), 4_000),
            (c("FA", 2, 101), 5_000),
            (s("R", 101, 0), 6_000),
            (s("R", 101, 0), 7_000),
        ]);
        let shown: Vec<u8> = a.iter().map(|x| x.completeness.unwrap()).collect();
        assert_eq!(shown, [0, 1, 3, 7, 15, 31, 63]);
    }

    #[test]
    fn a_mid_stream_first_packet_counts_nothing() {
        assert_eq!(completeness_bits(TcpFlags(TcpFlags::ACK), 10, true), 0);
        assert_eq!(completeness_bits(TcpFlags(TcpFlags::SYN), 5, true), 1 | 8);
        assert_eq!(
            completeness_bits(TcpFlags(TcpFlags::FIN), 0, false),
            0,
            "FIN without ACK is not counted"
        );
    }

    #[test]
    fn initial_rtt_from_the_latest_syn_to_the_first_ack() {
        let a = feed(&[
            (c("S", 0, 0), 1_000_000),
            (c("S", 0, 0), 2_000_000),
            (s("SA", 100, 1), 3_000_000),
            (c("PA", 1, 101).payload(b"hi"), 5_000_000),
        ]);
        assert_eq!(
            a[3].initial_rtt_ns,
            Some(3_000_000),
            "measured from the repeated SYN"
        );
        assert_eq!(a[2].initial_rtt_ns, None);
    }

    #[test]
    fn a_syn_at_the_epoch_sets_no_initial_rtt() {
        let a = feed(&[
            (c("S", 0, 0), 0),
            (s("SA", 100, 1), 1_000),
            (c("PA", 1, 101).payload(b"hi"), 2_000),
        ]);
        assert_eq!(a[2].initial_rtt_ns, None);
        assert!(
            a[2].bytes_in_flight.is_some(),
            "the analysis block exists, only the iRTT is missing"
        );
    }

    #[test]
    fn window_scaling_needs_both_syns() {
        let a = feed(&[
            (c("S", 0, 0).wscale(7).window(1000), 1_000),
            (s("SA", 100, 1).wscale(2).window(1000), 2_000),
            (c("A", 1, 101).window(1000), 3_000),
            (s("A", 101, 1).window(1000), 4_000),
        ]);
        let w: Vec<u32> = a.iter().map(|x| x.window_scaled.unwrap()).collect();
        assert_eq!(w, [1000, 1000, 128_000, 4_000]);
        // SYN with WS, SYN-ACK without: no scaling either way.
        let a = feed(&[
            (c("S", 0, 0).wscale(7), 1_000),
            (s("SA", 100, 1), 2_000),
            (c("A", 1, 101).window(1000), 3_000),
        ]);
        assert_eq!(a[2].window_scaled, Some(1000));
    }

    #[test]
    fn nextseq_zero_is_unknown() {
        // The client's data ends exactly at sequence number 0: the next segment is not
        // "previous segment not captured" because 0 reads as "unknown".
        let start = 0u32.wrapping_sub(10);
        let a = feed(&[
            (c("PA", start, 1).payload(&[0; 10]), 1_000),
            (c("PA", 500, 1).payload(&[0; 10]), 2_000),
        ]);
        assert!(!a[1].verdicts.has(Verdict::LostSegment));
        let a = feed(&[
            (c("PA", start, 1).payload(&[0; 9]), 1_000),
            (c("PA", 500, 1).payload(&[0; 10]), 2_000),
        ]);
        assert!(
            a[1].verdicts.has(Verdict::LostSegment),
            "one byte earlier, the gap is seen"
        );
    }

    #[test]
    fn shown_verdicts_add_retransmission_to_fast_and_spurious() {
        let mut v = Verdicts::default();
        v.set(Verdict::SpuriousRetransmission);
        let names: Vec<&str> = v.shown().map(Verdict::name).collect();
        assert_eq!(names, ["retransmission", "spurious_retransmission"]);
    }

    #[test]
    fn reused_ports_start_complete_at_syn() {
        let a = feed(&[
            (c("S", 0, 0), 1_000),
            (s("RA", 0, 1), 2_000),
            (c("S", 5_000, 0), 3_000),
        ]);
        assert!(a[2].verdicts.has(Verdict::ReusedPorts));
        assert_eq!(a[2].completeness, Some(1));
    }
}
