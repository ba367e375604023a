//! The sequence-analysis rules, one small function each, in Wireshark 4.0's order.
//!
//! "Step N" is step N of §3 of `docs/wireshark-4.0-tcp-analysis.md`. [`VERDICT_RULES`] holds
//! steps 1–9; a rule may end the table early (a zero-window probe, a keep-alive ACK or a
//! zero-window-probe ACK is nothing else). [`RETRANSMISSION_RULES`] holds the
//! fast-retransmission and out-of-order tests of step 12e, in the default order of
//! `tcp.fastrt_supersedes_ooo`. The bookkeeping steps (10, 11, 13–15) follow as named
//! functions.

use super::{
    rel, FlowAnalysis, SegmentIn, Ta, Unacked, Verdict, DUPACK_SENTINEL, FAST_RETRANSMISSION_NS,
    MAX_UNACKED, OUT_OF_ORDER_DEFAULT_NS,
};
use crate::seq::{gt, le, lt};

/// Everything a rule may look at or change for one segment.
pub struct Ctx<'a, 'o> {
    pub(crate) seg: &'a SegmentIn<'o>,
    /// The sender's direction.
    pub(crate) fwd: &'a mut FlowAnalysis,
    /// The other direction.
    pub(crate) rev: &'a mut FlowAnalysis,
    /// The conversation's initial RTT (0 = unknown).
    pub(crate) irtt: i64,
    pub(crate) ta: Ta,
}

/// What the table does after a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Continue,
    /// Skip the remaining verdict rules (Wireshark's `goto finished_checking_retransmission_type`
    /// equivalent for probes and probe/keep-alive ACKs).
    StopVerdicts,
}

type Rule = for<'a, 'o> fn(&mut Ctx<'a, 'o>) -> Next;
/// A retransmission-type test: given `not_adv`, whether it decided the verdict.
type RetransmissionRule = for<'a, 'o> fn(&mut Ctx<'a, 'o>, bool) -> bool;

/// Steps 1–9, in evaluation order.
pub const VERDICT_RULES: [(&str, Rule); 9] = [
    ("zero_window_probe", zero_window_probe),
    ("zero_window", zero_window),
    ("lost_segment", lost_segment),
    ("keep_alive", keep_alive),
    ("window_update", window_update),
    ("window_full", window_full),
    ("keep_alive_ack", keep_alive_ack),
    ("zero_window_probe_ack", zero_window_probe_ack),
    ("duplicate_ack", duplicate_ack),
];

/// Step 12e, with `tcp.fastrt_supersedes_ooo` at its default (fast retransmission first).
pub const RETRANSMISSION_RULES: [(&str, RetransmissionRule); 2] = [
    ("fast_retransmission", fast_retransmission),
    ("out_of_order", out_of_order),
];

impl Ctx<'_, '_> {
    /// Steps 0–15 for one segment; `base` is the sender's base sequence number.
    pub(crate) fn analyze(&mut self, base: u32) {
        if self.seg.flags.ack() {
            self.rev.valid_bif = true;
        }
        for (_, rule) in VERDICT_RULES {
            if rule(self) == Next::StopVerdicts {
                break;
            }
        }
        self.reset_dupacks_on_new_ack();
        self.acked_unseen();
        self.retransmissions();
        self.bookkeeping();
        self.match_acks();
        self.bytes_in_flight(base);
    }

    /// The segment's sequence space ends at the sender's highest seq + len.
    fn at_next(&self) -> bool {
        self.seg.seq == self.fwd.nextseq
    }

    /// A pure ACK that repeats the sender's last seq and ack.
    fn same_seq_and_ack(&self) -> bool {
        self.at_next() && self.seg.ack == self.fwd.lastack
    }
}

/// Step 1: A one-byte segment at the next sequence number while the peer's window is zero.
pub fn zero_window_probe(c: &mut Ctx<'_, '_>) -> Next {
    if c.seg.seglen == 1 && c.at_next() && c.rev.window == 0 {
        c.ta.flag(Verdict::ZeroWindowProbe);
        return Next::StopVerdicts;
    }
    Next::Continue
}

/// Step 2: The sender advertises a zero window (not on SYN, FIN or RST).
pub fn zero_window(c: &mut Ctx<'_, '_>) -> Next {
    if c.seg.window == 0 && !c.seg.syn_fin_rst() {
        c.ta.flag(Verdict::ZeroWindow);
    }
    Next::Continue
}

/// Step 3: "Previous segment not captured": the segment starts beyond the highest byte seen.
pub fn lost_segment(c: &mut Ctx<'_, '_>) -> Next {
    if c.fwd.nextseq != 0 && gt(c.seg.seq, c.fwd.nextseq) && !c.seg.flags.rst() {
        c.ta.flag(Verdict::LostSegment);
        c.ta.expected_seq = c.fwd.nextseq;
        c.fwd.valid_bif = false;
    }
    Next::Continue
}

/// Step 4: Zero or one byte at one below the next sequence number.
pub fn keep_alive(c: &mut Ctx<'_, '_>) -> Next {
    if c.seg.seglen <= 1 && c.seg.seq == c.fwd.nextseq.wrapping_sub(1) && !c.seg.syn_fin_rst() {
        c.ta.flag(Verdict::KeepAlive);
    }
    Next::Continue
}

/// Step 5: A pure ACK whose only news is a different non-zero window.
pub fn window_update(c: &mut Ctx<'_, '_>) -> Next {
    let w = u32::from(c.seg.window);
    if c.seg.seglen == 0
        && w != 0
        && w != c.fwd.window
        && c.same_seq_and_ack()
        && !c.seg.syn_fin_rst()
    {
        c.ta.flag(Verdict::WindowUpdate);
    }
    Next::Continue
}

/// Step 6: The segment fills the receiver's advertised window exactly.
pub fn window_full(c: &mut Ctx<'_, '_>) -> Next {
    use super::WinScale;
    let shift = match c.rev.win_scale {
        WinScale::Unknown => return Next::Continue,
        _ if c.rev.is_first_ack => 0,
        WinScale::None => 0,
        WinScale::Shift(s) => u32::from(s),
    };
    let edge = c.rev.lastack.wrapping_add(c.rev.window << shift);
    if c.seg.seglen > 0 && c.seg.seq.wrapping_add(c.seg.seglen) == edge && !c.seg.syn_fin_rst() {
        c.ta.flag(Verdict::WindowFull);
    }
    Next::Continue
}

/// Step 7: The ACK of a keep-alive: nothing changes, and the peer's last segment was one.
pub fn keep_alive_ack(c: &mut Ctx<'_, '_>) -> Next {
    let w = u32::from(c.seg.window);
    if c.seg.seglen == 0
        && w != 0
        && w == c.fwd.window
        && c.same_seq_and_ack()
        && c.rev.last_flags.has(Verdict::KeepAlive)
        && !c.seg.syn_fin_rst()
    {
        c.ta.flag(Verdict::KeepAliveAck);
        return Next::StopVerdicts;
    }
    Next::Continue
}

/// Step 8: The ACK of a zero-window probe: the window stays zero.
pub fn zero_window_probe_ack(c: &mut Ctx<'_, '_>) -> Next {
    if c.seg.seglen == 0
        && c.seg.window == 0
        && c.fwd.window == 0
        && c.same_seq_and_ack()
        && c.rev.last_flags.has(Verdict::ZeroWindowProbe)
        && !c.seg.syn_fin_rst()
    {
        c.ta.flag(Verdict::ZeroWindowProbeAck);
        return Next::StopVerdicts;
    }
    Next::Continue
}

/// Step 9: A pure ACK repeating seq, ack and a non-zero window: a duplicate ACK, numbered.
pub fn duplicate_ack(c: &mut Ctx<'_, '_>) -> Next {
    let w = u32::from(c.seg.window);
    if c.seg.seglen == 0
        && w != 0
        && w == c.fwd.window
        && c.same_seq_and_ack()
        && !c.seg.syn_fin_rst()
    {
        c.fwd.dupacknum = if c.fwd.dupacknum == DUPACK_SENTINEL {
            1
        } else {
            c.fwd.dupacknum.wrapping_add(1)
        };
        c.ta.flag(Verdict::DuplicateAck);
        c.ta.dupack_num = c.fwd.dupacknum;
        c.ta.dupack_frame = c.fwd.lastnondupack;
    }
    Next::Continue
}

impl Ctx<'_, '_> {
    /// Step 10: A new ack value starts a new run of duplicates.
    fn reset_dupacks_on_new_ack(&mut self) {
        if self.seg.ack != self.fwd.lastack {
            self.fwd.lastnondupack = self.seg.frame;
            self.fwd.dupacknum = 0;
        }
    }

    /// Step 11: "ACKed segment that wasn't captured": the ack covers bytes never seen.
    fn acked_unseen(&mut self) {
        let rev = &mut *self.rev;
        if rev.maxseqtobeacked != 0 && gt(self.seg.ack, rev.maxseqtobeacked) && self.seg.flags.ack()
        {
            self.ta.exists = true;
            if lt(rev.maxseqtobeacked, rev.nextseq) {
                rev.maxseqtobeacked = rev.nextseq;
                self.ta.flag(Verdict::AckLostSegment);
            } else {
                if rev.dupacknum == 0 {
                    self.ta.flag(Verdict::AckLostSegment);
                }
                rev.dupacknum = DUPACK_SENTINEL;
            }
        }
    }

    /// Step 12: Retransmission, spurious, fast, out of order: only for segments that take
    /// sequence space.
    fn retransmissions(&mut self) {
        let s = self.seg;
        if !(s.seglen > 0 || s.flags.syn() || s.flags.fin()) {
            return;
        }
        let mut not_adv = self.fwd.nextseq != 0 && lt(s.seq, self.fwd.nextseq);
        if self.ta.flags.has(Verdict::KeepAlive) {
            return;
        }
        // Data right after a one-byte probe is not a retransmission.
        if s.seglen > 1 && s.seq == self.fwd.nextseq.wrapping_sub(1) {
            not_adv = false;
        }
        if s.seglen > 0
            && self.rev.lastack != 0
            && le(s.seq.wrapping_add(s.seglen), self.rev.lastack)
        {
            self.ta.flag(Verdict::SpuriousRetransmission);
            return;
        }
        for (_, rule) in RETRANSMISSION_RULES {
            if rule(self, not_adv) {
                return;
            }
        }
        if not_adv {
            self.ta.flag(Verdict::Retransmission);
            self.ta.rto = s.now.saturating_sub(self.fwd.nextseq_time);
            self.ta.rto_frame = self.fwd.nextseq_frame;
            // 4.0 quirk: the oldest unacked segment, whatever its sequence number.
            if let Some(oldest) = self.fwd.segments.first() {
                self.ta.rto = s.now.saturating_sub(oldest.time);
                self.ta.rto_frame = oldest.frame;
            }
        }
    }

    /// Step 13: The sender's state after this segment.
    fn bookkeeping(&mut self) {
        let s = self.seg;
        let fwd = &mut *self.fwd;
        let zwp = self.ta.flags.has(Verdict::ZeroWindowProbe);
        let mut nextseq = s.seq.wrapping_add(s.seglen);
        if (s.seglen > 0 || s.flags.syn() || s.flags.fin()) && fwd.segments.len() < MAX_UNACKED {
            if s.flags.syn() || s.flags.fin() {
                nextseq = nextseq.wrapping_add(1);
            }
            fwd.segments.push(Unacked {
                frame: s.frame,
                seq: s.seq,
                nextseq,
                time: s.now,
            });
        }
        if (gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !zwp {
            fwd.nextseq = nextseq;
            fwd.nextseq_frame = s.frame;
            fwd.nextseq_time = s.now;
        }
        if (s.seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
            fwd.maxseqtobeacked = fwd.nextseq;
        }
        fwd.window = u32::from(s.window);
        fwd.lastack = s.ack;
        fwd.lastack_time = s.now;
        fwd.last_flags = if self.ta.exists {
            self.ta.flags
        } else {
            Default::default()
        };
    }

    /// Step 14: Match the ack against the other direction's unacked segments: an exact match
    /// gives `acks_frame` and the ACK RTT (the oldest match wins), covered ones go.
    fn match_acks(&mut self) {
        let ack = self.seg.ack;
        let now = self.seg.now;
        let ta = &mut self.ta;
        let segs = &mut self.rev.segments;
        // One pass, oldest first (up to 10,000 segments: no `Vec::remove` in the loop).
        // Wireshark walks newest first and each match overwrites the last, so the oldest
        // match wins: here, the first one.
        let mut matched = false;
        segs.retain_mut(|u| {
            if ack == u.nextseq {
                if !matched {
                    matched = true;
                    ta.exists = true;
                    ta.frame_acked = u.frame;
                    ta.ack_rtt = now.saturating_sub(u.time);
                }
                false
            } else if gt(ack, u.seq) && le(ack, u.nextseq) {
                u.seq = ack;
                true
            } else {
                // Still outstanding, or wholly acknowledged and gone.
                gt(u.nextseq, ack)
            }
        });
        // An idle connection keeps no list (most of a conversation's memory otherwise).
        if segs.is_empty() && segs.capacity() > 0 {
            *segs = Vec::new();
        }
    }

    /// Step 15: Bytes in flight and bytes sent since the last PSH.
    fn bytes_in_flight(&mut self, base: u32) {
        let s = self.seg;
        let fwd = &mut *self.fwd;
        if !(s.seglen > 0 && !fwd.segments.is_empty() && fwd.valid_bif) {
            return;
        }
        let first = fwd
            .segments
            .iter()
            .map(|u| rel(u.seq, base))
            .min()
            .unwrap_or(0);
        let last = fwd
            .segments
            .iter()
            .map(|u| rel(u.nextseq, base))
            .max()
            .unwrap_or(0);
        let mut bif = last.wrapping_sub(first);
        bif = bif.wrapping_sub(self.rev.sacked);
        let psh = s.flags.psh();
        fwd.push_bytes_sent = match (psh, fwd.push_set_last) {
            (true, false) => fwd.push_bytes_sent.wrapping_add(s.seglen),
            (true, true) | (false, true) => s.seglen,
            (false, false) => fwd.push_bytes_sent.wrapping_add(s.seglen),
        };
        fwd.push_set_last = psh;
        // The block exists once bytes in flight are computed, even if out of range
        // (SACKed bytes can exceed the span), so the initial RTT still shows.
        self.ta.exists = true;
        if bif > 0 && bif < 2_000_000_000 {
            self.ta.bif = bif - u32::from(s.flags.syn() || s.flags.fin());
            self.ta.push_bytes_sent = fwd.push_bytes_sent;
        }
    }
}

/// Step 12e: A fast retransmission: re-sends what the peer's duplicate ACKs ask for, within 20 ms.
pub fn fast_retransmission(c: &mut Ctx<'_, '_>, not_adv: bool) -> bool {
    let s = c.seg;
    let delta = s.now.saturating_sub(c.rev.lastack_time);
    if not_adv
        && c.rev.dupacknum >= 2
        && c.rev.lastack == s.seq
        && (0..FAST_RETRANSMISSION_NS).contains(&delta)
    {
        c.ta.flag(Verdict::FastRetransmission);
        return true;
    }
    false
}

/// Step 12e: Out of order: below the highest sequence seen, soon after it (within the initial
/// RTT, or 3 ms when unknown), and not ending exactly where the highest segment ends.
pub fn out_of_order(c: &mut Ctx<'_, '_>, not_adv: bool) -> bool {
    let s = c.seg;
    let threshold = if c.irtt != 0 {
        c.irtt
    } else {
        OUT_OF_ORDER_DEFAULT_NS
    };
    let delta = s.now.saturating_sub(c.fwd.nextseq_time);
    let control = u32::from(s.flags.syn() || s.flags.fin());
    let ends_at_next = c.fwd.nextseq == s.seq.wrapping_add(s.seglen).wrapping_add(control);
    // packet-tcp.c compares the two as unsigned 64-bit values: a negative delta is huge,
    // and so is a negative initial RTT (timestamps going backwards in the handshake).
    if not_adv && (delta as u64) < (threshold as u64) && !ends_at_next {
        c.ta.flag(Verdict::OutOfOrder);
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    //! One test (or a few) per rule, each built from a handful of packets fed through the
    //! whole [`Analyzer`], with the expected verdicts worked out from §3 of `docs/wireshark-4.0-tcp-analysis.md`.

    use crate::analysis::{FrameAnalysis, Verdict};
    use crate::analyzer::{Analyzer, Outcome};
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;
    use Verdict::*;

    const C: &str = "10.0.0.1:1000";
    const S: &str = "10.0.0.2:80";
    const MS: i64 = 1_000_000;
    /// Not the epoch: a SYN stamped at time 0 would not start the initial-RTT clock.
    const T0: i64 = 1_000 * MS;
    /// Client and server ISNs of the ordinary tests.
    const CI: u32 = 1000;
    const SI: u32 = 5000;
    /// ISNs close to 2^32, so that the client's data wraps mid-transfer.
    const CI_WRAP: u32 = 0xffff_fff0;
    const SI_WRAP: u32 = 0xffff_ff00;

    fn ms(m: i64) -> i64 {
        T0 + m * MS
    }
    fn us(u: i64) -> i64 {
        T0 + u * 1000
    }
    /// A segment from the client.
    fn c(flags: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(C, S).flags(flags).seq(seq).ack(ack)
    }
    /// A segment from the server.
    fn s(flags: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4(S, C).flags(flags).seq(seq).ack(ack)
    }
    /// `len` bytes of payload.
    fn data(b: SegBuilder, len: usize) -> SegBuilder {
        b.payload(&vec![b'x'; len])
    }

    /// SYN at 0 ms, SYN-ACK at 1 ms, ACK at 2 ms: no window scaling, initial RTT 2 ms.
    fn handshake(ci: u32, si: u32) -> Vec<(SegBuilder, i64)> {
        vec![
            (c("S", ci, 0), ms(0)),
            (s("SA", si, ci.wrapping_add(1)), ms(1)),
            (c("A", ci.wrapping_add(1), si.wrapping_add(1)), ms(2)),
        ]
    }

    /// The analysis of each frame fed, indexed by Wireshark's 1-based frame number.
    struct Run(Vec<FrameAnalysis>);

    fn run(pkts: Vec<(SegBuilder, i64)>) -> Run {
        let mut a = Analyzer::new();
        let out = pkts
            .iter()
            .enumerate()
            .map(|(i, (b, ts))| {
                let bytes = b.raw();
                match a.process(LinkType::Raw, &bytes, bytes.len() as u32, *ts) {
                    Outcome::Tcp {
                        record, analysis, ..
                    } => {
                        assert_eq!(record.stream, 0, "frame {}", i + 1);
                        analysis
                    }
                    other => panic!("frame {}: {other:?}", i + 1),
                }
            })
            .collect();
        Run(out)
    }

    impl Run {
        fn f(&self, frame: usize) -> &FrameAnalysis {
            &self.0[frame - 1]
        }
        /// Asserts the exact set of verdicts of a frame.
        #[track_caller]
        fn verdicts(&self, frame: usize, want: &[Verdict]) {
            let got: Vec<&str> = Verdict::ALL
                .iter()
                .filter(|v| self.f(frame).verdicts.has(**v))
                .map(|v| v.name())
                .collect();
            let want: Vec<&str> = Verdict::ALL
                .iter()
                .filter(|v| want.contains(v))
                .map(|v| v.name())
                .collect();
            assert_eq!(got, want, "verdicts of frame {frame}");
        }
        #[track_caller]
        fn dup(&self, frame: usize, num: u32, of: u32) {
            let f = self.f(frame);
            assert!(f.verdicts.has(DuplicateAck), "frame {frame} is no dup ACK");
            assert_eq!(
                (f.dup_ack_num, f.dup_ack_frame),
                (Some(num), Some(of)),
                "dup ACK number and frame of frame {frame}"
            );
        }
        #[track_caller]
        fn rto(&self, frame: usize, rto_frame: u32, rto_ns: i64) {
            let f = self.f(frame);
            assert_eq!(
                (f.rto_frame, f.rto_ns),
                (Some(rto_frame), Some(rto_ns)),
                "rto of frame {frame}"
            );
        }
        #[track_caller]
        fn acks(&self, frame: usize, acked: u32, rtt_ns: i64) {
            let f = self.f(frame);
            assert_eq!(
                (f.acks_frame, f.ack_rtt_ns),
                (Some(acked), Some(rtt_ns)),
                "acks_frame and ack_rtt of frame {frame}"
            );
        }
    }

    // ---- Step 1: zero-window probe -------------------------------------------------------

    #[test]
    fn zero_window_probe_is_one_byte_at_nextseq_into_a_zero_window() {
        let mut p = handshake(CI, SI);
        p.extend([
            (s("A", SI + 1, CI + 1).window(0), ms(3)),
            (data(c("PA", CI + 1, SI + 1), 1), ms(4)),
            (s("A", SI + 1, CI + 1).window(0), ms(5)),
            // No flag exclusions: a one-byte FIN probes too. The first probe did not
            // advance nextseq, so this one sits at the same sequence number.
            (data(c("FPA", CI + 1, SI + 1), 1), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(4, &[ZeroWindow]);
        r.verdicts(5, &[ZeroWindowProbe]);
        r.verdicts(7, &[ZeroWindowProbe]);
    }

    #[test]
    fn zero_window_probe_needs_a_zero_peer_window_and_exactly_one_byte() {
        let mut p = handshake(CI, SI);
        p.extend([
            // Open window: an ordinary one-byte segment.
            (data(c("PA", CI + 1, SI + 1), 1), ms(3)),
            (s("A", SI + 1, CI + 2).window(0), ms(4)),
            // Closed window, but two bytes.
            (data(c("PA", CI + 2, SI + 1), 2), ms(5)),
        ]);
        let r = run(p);
        r.verdicts(4, &[]);
        r.verdicts(5, &[ZeroWindow]);
        r.verdicts(6, &[]);
    }

    #[test]
    fn zero_window_probe_accepted_by_the_peer_gives_acked_unseen_and_lost_segment() {
        // Quirk 6 (§11 of docs/wireshark-4.0-tcp-analysis.md): a probe does not advance nextseq, so when the receiver
        // takes the byte, 4.0 calls its ACK "ACKed unseen" and the next data "not captured".
        let mut p = handshake(CI, SI);
        p.extend([
            (s("A", SI + 1, CI + 1).window(0), ms(3)),
            (data(c("PA", CI + 1, SI + 1), 1), ms(4)),
            (s("A", SI + 1, CI + 2).window(0), ms(5)),
            (data(c("PA", CI + 2, SI + 1), 10), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(5, &[ZeroWindowProbe]);
        r.verdicts(6, &[AckLostSegment, ZeroWindow]);
        r.acks(6, 5, MS);
        r.verdicts(7, &[LostSegment]);
    }

    // ---- Step 2: zero window -------------------------------------------------------------

    #[test]
    fn zero_window_is_flagged_on_acks_but_never_on_syn_fin_or_rst() {
        let p = vec![
            (c("S", CI, 0).window(0), ms(0)),
            (s("SA", SI, CI + 1).window(0), ms(1)),
            (c("A", CI + 1, SI + 1).window(0), ms(2)),
            // The same zero-window ACK again is not a duplicate ACK (that needs a window).
            (c("A", CI + 1, SI + 1).window(0), ms(3)),
            (s("FA", SI + 1, CI + 1).window(0), ms(4)),
            (c("R", CI + 1, 0).window(0), ms(5)),
        ];
        let r = run(p);
        r.verdicts(1, &[]);
        r.verdicts(2, &[]);
        r.verdicts(3, &[ZeroWindow]);
        r.verdicts(4, &[ZeroWindow]);
        r.verdicts(5, &[]);
        r.verdicts(6, &[]);
    }

    // ---- Step 3: previous segment not captured -------------------------------------------

    #[test]
    fn lost_segment_when_seq_jumps_past_nextseq_and_bytes_in_flight_pause() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(3)),
            // CI+11..CI+21 not captured.
            (data(c("A", CI + 21, SI + 1), 10), ms(4)),
            (s("A", SI + 1, CI + 11), ms(5)),
            (data(c("A", CI + 31, SI + 1), 10), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(4, &[]);
        r.verdicts(5, &[LostSegment]);
        assert_eq!(
            r.f(5).bytes_in_flight,
            None,
            "a gap suspends bytes in flight"
        );
        r.acks(6, 4, 2 * MS);
        // The peer's ACK makes bytes in flight valid again: CI+21..CI+41 is outstanding.
        r.verdicts(7, &[]);
        assert_eq!(r.f(7).bytes_in_flight, Some(20));
    }

    #[test]
    fn lost_segment_can_be_a_fin_but_never_an_rst() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(3)),
            (c("FA", CI + 21, SI + 1), ms(4)),
            (c("R", CI + 100, 0), ms(5)),
        ]);
        let r = run(p);
        r.verdicts(5, &[LostSegment]);
        r.verdicts(6, &[]);
    }

    #[test]
    fn lost_segment_and_out_of_order_across_the_sequence_wrap() {
        let mut p = handshake(CI_WRAP, SI_WRAP);
        let a = SI_WRAP + 1;
        p.extend([
            (data(c("A", 0xffff_fff1, a), 10), ms(3)), // ends at 0xffff_fffb
            // 0xffff_fffb..5 not captured: 5 is after 0xffff_fffb.
            (data(c("A", 5, a), 10), ms(4)),
            (data(c("A", 15, a), 10), ms(5)),
            // The hole, 1 ms after the highest segment (iRTT 2 ms).
            (data(c("A", 0xffff_fffb, a), 10), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(4, &[]);
        r.verdicts(5, &[LostSegment]);
        r.verdicts(6, &[]);
        r.verdicts(7, &[OutOfOrder]);
    }

    #[test]
    fn nextseq_wrapping_to_exactly_zero_is_treated_as_unknown() {
        // Quirk 1: 0 is the "unknown" sentinel, so a gap right after it goes unnoticed.
        let ci = 0xffff_fff5;
        let mut p = handshake(ci, SI);
        p.extend([
            (data(c("A", 0xffff_fff6, SI + 1), 10), ms(3)), // ends at 0
            (data(c("A", 20, SI + 1), 10), ms(4)),          // 0..20 never seen
            (data(c("A", 40, SI + 1), 10), ms(5)),          // 30..40 never seen
        ]);
        let r = run(p);
        r.verdicts(5, &[]);
        r.verdicts(6, &[LostSegment]);
    }

    // ---- Step 4: keep-alive --------------------------------------------------------------

    /// Handshake, 10 bytes from the client (frame 4) and their ACK (frame 5).
    fn ten_bytes_acked() -> Vec<(SegBuilder, i64)> {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(3)),
            (s("A", SI + 1, CI + 11), ms(4)),
        ]);
        p
    }

    #[test]
    fn keep_alive_is_zero_or_one_byte_at_nextseq_minus_one() {
        let mut p = ten_bytes_acked();
        p.extend([
            (c("A", CI + 10, SI + 1), ms(1000)),
            (s("A", SI + 1, CI + 11), ms(1001)),
            // One garbage byte below nextseq: a keep-alive, not a retransmission.
            (data(c("A", CI + 10, SI + 1), 1), ms(2000)),
            (s("A", SI + 1, CI + 11), ms(2001)),
        ]);
        let r = run(p);
        r.verdicts(6, &[KeepAlive]);
        r.verdicts(8, &[KeepAlive]);
        assert_eq!(r.f(8).rto_frame, None);
    }

    #[test]
    fn keep_alive_is_never_flagged_on_fin_or_rst() {
        let mut p = ten_bytes_acked();
        p.extend([
            // A FIN at nextseq-1 is below nextseq, so it is a retransmission instead.
            (c("FA", CI + 10, SI + 1), ms(1000)),
            (c("R", CI + 10, 0), ms(2000)),
        ]);
        let r = run(p);
        r.verdicts(6, &[Retransmission]);
        r.verdicts(7, &[]);
    }

    // ---- Step 5: window update -----------------------------------------------------------

    #[test]
    fn window_update_is_a_pure_ack_with_only_a_new_window() {
        let mut p = ten_bytes_acked();
        p.extend([
            (s("A", SI + 1, CI + 11).window(65000), ms(5)),
            // The same window again is a duplicate ACK instead.
            (s("A", SI + 1, CI + 11).window(65000), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(5, &[]);
        r.verdicts(6, &[WindowUpdate]);
        r.verdicts(7, &[DuplicateAck]);
        r.dup(7, 1, 5);
    }

    #[test]
    fn window_update_is_never_flagged_on_data_or_fin() {
        let mut p = ten_bytes_acked();
        p.extend([
            (data(s("PA", SI + 1, CI + 11).window(30000), 5), ms(5)),
            (s("FA", SI + 6, CI + 11).window(40000), ms(6)),
            (s("RA", SI + 7, CI + 11).window(50000), ms(7)),
        ]);
        let r = run(p);
        r.verdicts(6, &[]);
        r.verdicts(7, &[]);
        r.verdicts(8, &[]);
    }

    // ---- Step 6: window full -------------------------------------------------------------

    #[test]
    fn window_full_is_an_exact_fill_of_the_scaled_window() {
        let p = vec![
            (c("S", CI, 0).wscale(7), ms(0)),
            (s("SA", SI, CI + 1).wscale(2).window(50), ms(1)),
            (c("A", CI + 1, SI + 1).window(501), ms(2)),
            // Before the server's first ACK its (SYN-ACK) window is not scaled: 50 bytes.
            (data(c("PA", CI + 1, SI + 1), 50), ms(3)),
            // Now 25 << 2 = 100 bytes past CI+51.
            (s("A", SI + 1, CI + 51).window(25), ms(4)),
            (data(c("PA", CI + 51, SI + 1), 99), ms(5)),
            (data(c("PA", CI + 150, SI + 1), 1), ms(6)),
            (s("A", SI + 1, CI + 151).window(25), ms(7)),
            // An exact fill with FIN is not flagged.
            (data(c("FPA", CI + 151, SI + 1), 100), ms(8)),
        ];
        let r = run(p);
        r.verdicts(4, &[WindowFull]);
        r.verdicts(5, &[]);
        r.verdicts(6, &[]);
        r.verdicts(7, &[WindowFull]);
        r.verdicts(8, &[]);
        r.acks(8, 7, MS);
        r.verdicts(9, &[]);
    }

    #[test]
    fn window_full_needs_a_known_window_scale() {
        // Mid-stream: no SYN seen, the scale stays unknown and the check is off.
        let p = vec![
            (s("A", SI, CI).window(100), ms(0)),
            (data(c("PA", CI, SI), 100), ms(1)),
        ];
        let r = run(p);
        r.verdicts(2, &[]);
    }

    // ---- Step 7: keep-alive ACK ----------------------------------------------------------

    #[test]
    fn keep_alive_ack_answers_a_keep_alive_and_is_no_dup_ack() {
        let mut p = ten_bytes_acked();
        p.extend([
            (c("A", CI + 10, SI + 1), ms(1000)),
            (s("A", SI + 1, CI + 11), ms(1001)),
            (data(c("A", CI + 10, SI + 1), 1), ms(2000)),
            (s("A", SI + 1, CI + 11), ms(2001)),
        ]);
        let r = run(p);
        r.verdicts(7, &[KeepAliveAck]);
        r.verdicts(9, &[KeepAliveAck]);
        // The one-byte keep-alive was listed; this ACK matches it exactly.
        r.acks(9, 8, MS);
    }

    #[test]
    fn keep_alive_ack_needs_a_keep_alive_just_before() {
        let mut p = ten_bytes_acked();
        p.push((s("A", SI + 1, CI + 11), ms(5)));
        let r = run(p);
        r.verdicts(6, &[DuplicateAck]);
    }

    // ---- Step 8: zero-window-probe ACK ---------------------------------------------------

    #[test]
    fn zero_window_probe_ack_keeps_the_window_closed() {
        let mut p = handshake(CI, SI);
        p.extend([
            (s("A", SI + 1, CI + 1).window(0), ms(3)),
            (data(c("PA", CI + 1, SI + 1), 1), ms(4)),
            (s("A", SI + 1, CI + 1).window(0), ms(5)),
            // The client's latest segment is still the probe: another probe ACK.
            (s("A", SI + 1, CI + 1).window(0), ms(6)),
            // Once the client sends something else, the same ACK is only a zero window.
            (c("A", CI + 1, SI + 1), ms(7)),
            (s("A", SI + 1, CI + 1).window(0), ms(8)),
            // A reopened window is a window update, not a probe ACK.
            (data(c("PA", CI + 1, SI + 1), 1), ms(9)),
            (s("A", SI + 1, CI + 1).window(100), ms(10)),
        ]);
        let r = run(p);
        r.verdicts(6, &[ZeroWindow, ZeroWindowProbeAck]);
        r.verdicts(7, &[ZeroWindow, ZeroWindowProbeAck]);
        r.verdicts(8, &[DuplicateAck]);
        r.verdicts(9, &[ZeroWindow]);
        r.verdicts(10, &[ZeroWindowProbe]);
        r.verdicts(11, &[WindowUpdate]);
    }

    // ---- Step 9: duplicate ACK -----------------------------------------------------------

    /// Handshake; the client sends CI+1 (frame 4), loses CI+11..21, sends CI+21, CI+31,
    /// CI+41 (frames 5-7, 1 ms apart); the server ACKs CI+11 at 7 ms (frame 8) and then
    /// repeats that ACK `dups` times, 1 ms apart.
    fn hole_then_dup_acks(dups: usize) -> Vec<(SegBuilder, i64)> {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(3)),
            (data(c("A", CI + 21, SI + 1), 10), ms(4)),
            (data(c("A", CI + 31, SI + 1), 10), ms(5)),
            (data(c("A", CI + 41, SI + 1), 10), ms(6)),
            (s("A", SI + 1, CI + 11), ms(7)),
        ]);
        for i in 0..dups {
            p.push((s("A", SI + 1, CI + 11), ms(8 + i as i64)));
        }
        p
    }

    #[test]
    fn duplicate_ack_counts_1_2_3_and_names_the_last_frame_that_moved_the_ack() {
        let mut p = hole_then_dup_acks(3);
        p.extend([
            (data(c("A", CI + 11, SI + 1), 10), ms(15)),
            (s("A", SI + 1, CI + 51), ms(16)),
            (s("A", SI + 1, CI + 51), ms(17)),
        ]);
        let r = run(p);
        r.verdicts(5, &[LostSegment]);
        r.verdicts(8, &[]);
        r.acks(8, 4, 4 * MS);
        r.dup(9, 1, 8);
        r.dup(10, 2, 8);
        r.dup(11, 3, 8);
        for f in 9..=11 {
            r.verdicts(f, &[DuplicateAck]);
        }
        // A new ack value starts a new run.
        r.verdicts(13, &[]);
        r.dup(14, 1, 13);
    }

    #[test]
    fn duplicate_ack_is_never_flagged_on_fin_or_rst() {
        let mut p = ten_bytes_acked();
        p.extend([
            (s("FA", SI + 1, CI + 11), ms(5)),
            (s("RA", SI + 2, CI + 11), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(6, &[]);
        r.verdicts(7, &[]);
    }

    #[test]
    fn duplicate_ack_does_not_need_the_ack_bit() {
        let mut p = ten_bytes_acked();
        p.push((s("", SI + 1, CI + 11), ms(5)));
        let r = run(p);
        r.verdicts(6, &[DuplicateAck]);
        r.dup(6, 1, 5);
    }

    // ---- Step 11: ACKed unseen segment ---------------------------------------------------

    #[test]
    fn acked_unseen_when_the_ack_covers_a_gap() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(3)),
            (data(c("A", CI + 21, SI + 1), 10), ms(4)),
            (s("A", SI + 1, CI + 31), ms(5)),
            (s("A", SI + 1, CI + 31), ms(6)),
        ]);
        let r = run(p);
        r.verdicts(5, &[LostSegment]);
        r.verdicts(6, &[AckLostSegment]);
        r.acks(6, 5, MS);
        // maxseqtobeacked moved up to nextseq: the repeat is only a dup ACK.
        r.verdicts(7, &[DuplicateAck]);
    }

    #[test]
    fn acked_unseen_sentinel_silences_repeats_until_the_ack_changes() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(3)),
            // The server acks CI+21: bytes CI+11..21 were never seen.
            (s("A", SI + 1, CI + 21), ms(4)),
            (s("A", SI + 1, CI + 21), ms(5)),
            // A client dup ACK turns the client's "-1" into 1 ...
            (c("A", CI + 11, SI + 1), ms(6)),
            // ... which still is not 0: no new verdict, and the "-1" comes back.
            (s("A", SI + 1, CI + 21), ms(7)),
            (data(s("PA", SI + 1, CI + 21), 5), ms(8)),
            // The client's ack changes, which resets its count to 0 ...
            (c("A", CI + 11, SI + 6), ms(9)),
            // ... so the next ACK beyond what was seen is flagged again.
            (s("A", SI + 6, CI + 21), ms(10)),
        ]);
        let r = run(p);
        r.verdicts(5, &[AckLostSegment]);
        assert_eq!(
            r.f(5).acks_frame,
            None,
            "the segment is passed, not matched"
        );
        r.verdicts(6, &[DuplicateAck]);
        r.dup(6, 1, 5);
        r.verdicts(7, &[DuplicateAck]);
        r.dup(7, 1, 3);
        r.verdicts(8, &[DuplicateAck]);
        r.dup(8, 2, 5);
        r.verdicts(9, &[]);
        r.verdicts(10, &[]);
        r.acks(10, 9, MS);
        r.verdicts(11, &[AckLostSegment, DuplicateAck]);
        r.dup(11, 3, 5);
    }

    #[test]
    fn acked_unseen_sentinel_counts_as_two_dup_acks_for_fast_retransmission() {
        // Quirk 2: the "-1" is 0xFFFFFFFF unsigned, so it passes the ">= 2 dup ACKs" test.
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(3)),
            (data(c("PA", CI + 11, SI + 1), 10), ms(4)),
            (s("A", SI + 1, CI + 11), ms(5)),
            // The client acks server bytes that were never seen.
            (c("A", CI + 21, SI + 100), ms(6)),
            // No dup ACK at all, yet this is a fast retransmission (2 ms after the ACK).
            (data(c("PA", CI + 11, SI + 100), 10), ms(7)),
        ]);
        let r = run(p);
        r.verdicts(7, &[AckLostSegment]);
        r.verdicts(8, &[FastRetransmission]);
    }

    #[test]
    fn acked_unseen_needs_the_ack_bit() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(3)),
            (s("R", SI + 1, CI + 50), ms(4)),
            (s("RA", SI + 1, CI + 50), ms(5)),
        ]);
        let r = run(p);
        r.verdicts(5, &[]);
        r.verdicts(6, &[AckLostSegment]);
    }

    // ---- Step 12d: spurious retransmission -----------------------------------------------

    #[test]
    fn spurious_retransmission_resends_bytes_already_acked() {
        let mut p = ten_bytes_acked();
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(100)),
            (data(c("PA", CI + 11, SI + 1), 10), ms(101)),
            // Partial ACK: CI+16..21 is still outstanding.
            (s("A", SI + 1, CI + 16), ms(102)),
            (data(c("PA", CI + 11, SI + 1), 10), ms(300)),
        ]);
        let r = run(p);
        r.verdicts(6, &[SpuriousRetransmission]);
        assert!(r.f(6).verdicts.shown().any(|v| v == Retransmission));
        assert_eq!(r.f(6).rto_frame, None);
        r.verdicts(7, &[]);
        r.verdicts(8, &[]);
        // Not wholly acked: a plain retransmission. The partial ACK trimmed frame 7's
        // entry and dropped frame 6's, so frame 7 is the oldest unacked segment.
        r.verdicts(9, &[Retransmission]);
        r.rto(9, 7, 199 * MS);
    }

    #[test]
    fn spurious_retransmission_does_not_need_the_segment_below_nextseq() {
        let mut p = handshake(CI, SI);
        p.extend([
            // The server acks 10 bytes the capture has not seen yet ...
            (s("A", SI + 1, CI + 11), ms(3)),
            // ... so their late copy is spurious although it advances nextseq.
            (data(c("PA", CI + 1, SI + 1), 10), ms(4)),
        ]);
        let r = run(p);
        r.verdicts(4, &[AckLostSegment]);
        r.verdicts(5, &[SpuriousRetransmission]);
    }

    // ---- Step 12e: fast retransmission ---------------------------------------------------

    #[test]
    fn fast_retransmission_resends_the_dup_acked_segment_within_20ms() {
        let mut p = hole_then_dup_acks(2);
        p.push((data(c("A", CI + 11, SI + 1), 10), ms(28)));
        let r = run(p);
        r.dup(10, 2, 8);
        // 28 - 9 = 19 ms after the last dup ACK.
        r.verdicts(11, &[FastRetransmission]);
        assert_eq!(
            r.f(11).rto_frame,
            None,
            "only plain retransmissions get an RTO"
        );
    }

    #[test]
    fn fast_retransmission_needs_two_dup_acks() {
        let mut p = hole_then_dup_acks(1);
        p.push((data(c("A", CI + 11, SI + 1), 10), ms(10)));
        let r = run(p);
        r.verdicts(10, &[Retransmission]);
        // 4.0: the oldest unacked segment (frame 5), not the one resent (never seen).
        r.rto(10, 5, 6 * MS);
    }

    #[test]
    fn fast_retransmission_needs_the_dup_acks_within_20ms() {
        let mut p = hole_then_dup_acks(2);
        p.push((data(c("A", CI + 11, SI + 1), 10), ms(29)));
        let r = run(p);
        r.verdicts(11, &[Retransmission]);
    }

    #[test]
    fn fast_retransmission_needs_seq_at_the_dup_acked_sequence_number() {
        let mut p = hole_then_dup_acks(3);
        p.push((data(c("A", CI + 21, SI + 1), 10), ms(12)));
        let r = run(p);
        r.verdicts(12, &[Retransmission]);
    }

    // ---- Step 12e: out of order ----------------------------------------------------------

    #[test]
    fn out_of_order_within_3ms_when_the_initial_rtt_is_unknown() {
        // Mid-stream, no handshake: no iRTT, so the window is 3 ms (exclusive).
        let p = vec![
            (data(c("A", 1001, 9001), 10), ms(0)),
            (data(c("A", 1021, 9001), 10), ms(1)),
            (data(c("A", 1011, 9001), 10), ms(2)),
            (data(c("A", 1031, 9001), 10), ms(3)),
            (data(c("A", 1051, 9001), 10), ms(4)),
            (data(c("A", 1041, 9001), 10), ms(7)),
            (data(c("A", 1071, 9001), 10), ms(8)),
            (data(c("A", 1061, 9001), 10), us(10_999)),
        ];
        let r = run(p);
        r.verdicts(2, &[LostSegment]);
        r.verdicts(3, &[OutOfOrder]);
        assert_eq!(r.f(3).rto_frame, None);
        r.verdicts(5, &[LostSegment]);
        // Exactly 3 ms after the highest segment: a retransmission.
        r.verdicts(6, &[Retransmission]);
        r.rto(6, 1, 7 * MS);
        r.verdicts(8, &[OutOfOrder]);
    }

    #[test]
    fn out_of_order_window_is_the_initial_rtt_when_known() {
        // iRTT 10 ms: later than 3 ms is still out of order.
        let mut p = vec![
            (c("S", CI, 0), ms(0)),
            (s("SA", SI, CI + 1), ms(5)),
            (c("A", CI + 1, SI + 1), ms(10)),
        ];
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(11)),
            (data(c("A", CI + 21, SI + 1), 10), ms(12)),
            (data(c("A", CI + 11, SI + 1), 10), ms(20)),
            (data(c("A", CI + 31, SI + 1), 10), ms(21)),
            (data(c("A", CI + 51, SI + 1), 10), ms(22)),
            (data(c("A", CI + 41, SI + 1), 10), ms(32)),
        ]);
        let r = run(p);
        assert_eq!(r.f(4).initial_rtt_ns, Some(10 * MS));
        r.verdicts(6, &[OutOfOrder]);
        r.verdicts(9, &[Retransmission]);
        r.rto(9, 4, 21 * MS);
    }

    #[test]
    fn out_of_order_not_when_the_segment_ends_at_nextseq() {
        let p = vec![
            (data(c("A", 1001, 9001), 20), ms(0)),
            (data(c("A", 1011, 9001), 10), ms(1)),
        ];
        let r = run(p);
        r.verdicts(2, &[Retransmission]);
        r.rto(2, 1, MS);
    }

    #[test]
    fn out_of_order_not_when_timestamps_go_backwards() {
        let p = vec![
            (data(c("A", 1001, 9001), 10), ms(5)),
            (data(c("A", 1021, 9001), 10), ms(6)),
            (data(c("A", 1011, 9001), 10), ms(4)),
        ];
        let r = run(p);
        r.verdicts(3, &[Retransmission]);
    }

    #[test]
    fn out_of_order_window_is_unbounded_when_the_initial_rtt_is_negative() {
        // The handshake's ACK is stamped before the SYN (merged interfaces, clock steps):
        // iRTT = -1 ms. packet-tcp.c compares `(guint64)delta < (guint64)irtt`, so the
        // window is 2^64 - 1 ms: out of order unless delta is in [-1 ms, 0). Checked with
        // tshark 4.0.17 on this very capture.
        let mut p = vec![
            (c("S", CI, 0), ms(10)),
            (s("SA", SI, CI + 1), ms(11)),
            (c("A", CI + 1, SI + 1), ms(9)),
        ];
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(20)),
            (data(c("A", CI + 21, SI + 1), 10), ms(21)),
            (data(c("A", CI + 11, SI + 1), 10), ms(19)), // delta -2 ms
            (data(c("A", CI + 31, SI + 1), 10), ms(30)),
            (data(c("A", CI + 51, SI + 1), 10), ms(31)),
            (data(c("A", CI + 41, SI + 1), 10), us(30_500)), // delta -0.5 ms
            (data(c("A", CI + 71, SI + 1), 10), ms(40)),
            (data(c("A", CI + 61, SI + 1), 10), ms(5000)), // delta +4.96 s
        ]);
        let r = run(p);
        assert_eq!(r.f(4).initial_rtt_ns, Some(-MS));
        r.verdicts(6, &[OutOfOrder]);
        r.verdicts(9, &[Retransmission]);
        r.verdicts(11, &[OutOfOrder]);
    }

    // ---- Step 12f: plain retransmission --------------------------------------------------

    #[test]
    fn retransmission_rto_points_at_the_oldest_unacked_segment() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("A", CI + 1, SI + 1), 10), ms(10)),
            (data(c("A", CI + 11, SI + 1), 10), ms(11)),
            (data(c("A", CI + 21, SI + 1), 10), ms(12)),
            (s("A", SI + 1, CI + 11), ms(20)),
            // Resends frame 6's bytes; 4.0 measures from frame 5 (quirk 7).
            (data(c("A", CI + 21, SI + 1), 10), ms(300)),
            (s("A", SI + 1, CI + 31), ms(310)),
        ]);
        let r = run(p);
        r.verdicts(8, &[Retransmission]);
        r.rto(8, 5, 289 * MS);
        // Both frame 6 and frame 8 end at CI+31: the original wins.
        r.verdicts(9, &[]);
        r.acks(9, 6, 298 * MS);
    }

    #[test]
    fn retransmission_and_ack_matching_across_the_sequence_wrap() {
        let mut p = handshake(CI_WRAP, SI_WRAP);
        let a = SI_WRAP + 1;
        p.extend([
            (data(c("A", 0xffff_fff1, a), 10), ms(10)),
            (data(c("A", 0xffff_fffb, a), 10), ms(11)), // wraps to 5
            (data(c("A", 5, a), 10), ms(12)),
            (s("A", a, 0xffff_fffb), ms(20)),
            (data(c("A", 0xffff_fffb, a), 10), ms(300)),
            (s("A", a, 15), ms(310)),
        ]);
        let r = run(p);
        for f in 4..=6 {
            r.verdicts(f, &[]);
        }
        assert_eq!(r.f(6).bytes_in_flight, Some(30));
        r.acks(7, 4, 10 * MS);
        r.verdicts(8, &[Retransmission]);
        r.rto(8, 5, 289 * MS);
        assert_eq!(r.f(8).bytes_in_flight, Some(20));
        r.verdicts(9, &[]);
        r.acks(9, 6, 298 * MS);
    }

    #[test]
    fn repeated_syn_is_a_retransmission_not_out_of_order() {
        let p = vec![(c("S", CI, 0), ms(0)), (c("S", CI, 0), ms(1))];
        let r = run(p);
        r.verdicts(1, &[]);
        r.verdicts(2, &[Retransmission]);
        r.rto(2, 1, MS);
    }

    #[test]
    fn repeated_fin_is_a_plain_retransmission_never_spurious() {
        let mut p = handshake(CI, SI);
        p.extend([
            (c("FA", CI + 1, SI + 1), ms(3)),
            (s("A", SI + 1, CI + 2), ms(4)),
            (c("FA", CI + 1, SI + 1), ms(300)),
        ]);
        let r = run(p);
        r.acks(5, 4, MS);
        r.verdicts(6, &[Retransmission]);
        // Nothing is listed any more: the reference is the frame that set nextseq.
        r.rto(6, 4, 297 * MS);
    }

    #[test]
    fn bare_rst_is_never_a_retransmission_but_rst_with_data_can_be() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(3)),
            (c("R", CI + 1, 0), ms(300)),
            (data(c("R", CI + 1, 0), 5), ms(400)),
        ]);
        let r = run(p);
        r.verdicts(5, &[]);
        r.verdicts(6, &[Retransmission]);
    }

    // ---- Step 14: ACK matching -----------------------------------------------------------

    #[test]
    fn ack_matching_sets_acks_frame_and_rtt_on_exact_matches_only() {
        let mut p = handshake(CI, SI);
        p.extend([
            (data(c("PA", CI + 1, SI + 1), 10), ms(3)),
            (data(c("PA", CI + 11, SI + 1), 10), ms(4)),
            // Partial ACK: no match, and no analysis tree at all.
            (s("A", SI + 1, CI + 6), ms(5)),
            // Cumulative ACK: matches frame 5, drops frame 4's rest.
            (s("A", SI + 1, CI + 21), ms(7)),
            (data(c("PA", CI + 21, SI + 1), 10), ms(8)),
            // Same timestamp: acks_frame, but a zero RTT is not shown.
            (s("A", SI + 1, CI + 31), ms(8)),
        ]);
        let r = run(p);
        r.acks(2, 1, MS);
        r.acks(3, 2, MS);
        assert_eq!(r.f(3).initial_rtt_ns, Some(2 * MS));
        assert_eq!(
            r.f(6),
            &FrameAnalysis {
                window_scaled: r.f(6).window_scaled,
                completeness: r.f(6).completeness,
                ..FrameAnalysis::default()
            }
        );
        r.acks(7, 5, 3 * MS);
        assert_eq!(r.f(7).initial_rtt_ns, Some(2 * MS));
        assert_eq!((r.f(9).acks_frame, r.f(9).ack_rtt_ns), (Some(8), None));
    }

    // ---- Step 15: bytes in flight and push bytes sent ------------------------------------

    #[test]
    fn bytes_in_flight_subtracts_at_most_three_sack_blocks() {
        let mut p = handshake(CI, SI);
        for i in 0..5u32 {
            p.push((data(c("A", CI + 1 + 10 * i, SI + 1), 10), ms(3 + i as i64)));
        }
        p.extend([
            (
                s("A", SI + 1, CI + 11).sack(&[(CI + 21, CI + 31), (CI + 41, CI + 51)]),
                ms(10),
            ),
            (data(c("A", CI + 51, SI + 1), 10), ms(11)),
            (
                s("A", SI + 1, CI + 11).sack(&[
                    (CI + 21, CI + 22),
                    (CI + 31, CI + 33),
                    (CI + 41, CI + 44),
                    (CI + 51, CI + 55),
                ]),
                ms(12),
            ),
            (data(c("A", CI + 61, SI + 1), 10), ms(13)),
            // A packet without SACK clears the server's blocks.
            (s("A", SI + 1, CI + 11), ms(14)),
            (data(c("A", CI + 71, SI + 1), 10), ms(15)),
        ]);
        let r = run(p);
        let bif: Vec<_> = (4..=8).map(|f| r.f(f).bytes_in_flight).collect();
        assert_eq!(bif, [Some(10), Some(20), Some(30), Some(40), Some(50)]);
        assert_eq!(
            r.f(3).bytes_in_flight,
            None,
            "no payload, no bytes in flight"
        );
        r.acks(9, 4, 7 * MS);
        // CI+11..CI+61 minus 20 SACKed bytes.
        assert_eq!(r.f(10).bytes_in_flight, Some(30));
        // CI+11..CI+71 minus 1+2+3: the fourth block (4 bytes) is not counted.
        assert_eq!(r.f(12).bytes_in_flight, Some(54));
        assert_eq!(r.f(14).bytes_in_flight, Some(70));
    }

    #[test]
    fn bytes_in_flight_discounts_this_segments_fin() {
        let mut p = handshake(CI, SI);
        p.push((data(c("FPA", CI + 1, SI + 1), 10), ms(3)));
        let r = run(p);
        assert_eq!(r.f(4).bytes_in_flight, Some(10));
        assert_eq!(r.f(4).push_bytes_sent, Some(10));
    }

    #[test]
    fn push_bytes_sent_restarts_after_a_psh_segment() {
        let mut p = handshake(CI, SI);
        let sends = [
            ("A", 10),
            ("A", 10),
            ("PA", 10),
            ("PA", 5),
            ("A", 7),
            ("A", 3),
            ("PA", 4),
        ];
        let mut seq = CI + 1;
        for (i, (flags, len)) in sends.iter().enumerate() {
            p.push((data(c(flags, seq, SI + 1), *len), ms(3 + i as i64)));
            seq += *len as u32;
        }
        let r = run(p);
        let pushed: Vec<_> = (4..4 + sends.len())
            .map(|f| r.f(f).push_bytes_sent)
            .collect();
        let want = [10, 20, 30, 5, 7, 10, 14].map(Some);
        assert_eq!(pushed, want);
    }
}
