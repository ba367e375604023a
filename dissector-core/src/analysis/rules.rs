//! The sequence-analysis rules, one small function each, in Wireshark 4.0's order.
//!
//! [`VERDICT_RULES`] holds steps 1–9 of the reference (§3); a rule may end the table early
//! (a zero-window probe, a keep-alive ACK or a zero-window-probe ACK is nothing else).
//! [`RETRANSMISSION_RULES`] holds the fast-retransmission and out-of-order tests of step
//! 12e, in the default order of `tcp.fastrt_supersedes_ooo`. The bookkeeping steps (10, 11,
//! 13–15) follow as named functions.

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
            self.ta.rto = s.now - self.fwd.nextseq_time;
            self.ta.rto_frame = self.fwd.nextseq_frame;
            // 4.0 quirk: the oldest unacked segment, whatever its sequence number.
            if let Some(oldest) = self.fwd.segments.first() {
                self.ta.rto = s.now - oldest.time;
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
        // Wireshark walks newest first; keep that order for which match wins.
        let segs = &mut self.rev.segments;
        let mut i = segs.len();
        while i > 0 {
            i -= 1;
            let u = segs[i];
            if ack == u.nextseq {
                ta.exists = true;
                ta.frame_acked = u.frame;
                ta.ack_rtt = now - u.time;
                segs.remove(i);
            } else if gt(ack, u.seq) && le(ack, u.nextseq) {
                segs[i].seq = ack;
            } else if gt(u.nextseq, ack) {
                // still outstanding
            } else {
                segs.remove(i);
            }
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
        // 4.0 stores SACK blocks from index 1 of a 4-slot array: only the first three of
        // a packet's blocks are ever subtracted.
        let stored = usize::from(self.rev.sack_count).min(3);
        let sacked: u32 = self.rev.sack[..stored]
            .iter()
            .map(|(l, r)| r.wrapping_sub(*l))
            .fold(0u32, u32::wrapping_add);
        bif = bif.wrapping_sub(sacked);
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
    let delta = s.now - c.rev.lastack_time;
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
    let delta = s.now - c.fwd.nextseq_time;
    let control = u32::from(s.flags.syn() || s.flags.fin());
    let ends_at_next = c.fwd.nextseq == s.seq.wrapping_add(s.seglen).wrapping_add(control);
    if not_adv && (0..threshold).contains(&delta) && !ends_at_next {
        c.ta.flag(Verdict::OutOfOrder);
        return true;
    }
    false
}
