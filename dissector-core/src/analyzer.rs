//! The analyzer: one call per captured frame, in capture order.
//!
//! decode → conversation lookup → relative numbers → lifecycle → summary totals → record
//! (→ diagnosis, when it is on). The hot path allocates nothing per frame: the only growth
//! is the conversation table, once per new conversation (and the diagnosis's state and
//! findings, when it is on).

use crate::analysis::{FrameAnalysis, ReuseInfo, SegmentIn};
use crate::defrag::{Defragmenter, FragmentCounters};
use crate::diagnosis::{ConvFacts, Diagnoser, Finding, TimeOrigin};
use crate::flow::{relative_numbers, ConversationTable, KeyHash, Prefetch};
use crate::lifecycle::{Handshake, SegmentView, Side};
use crate::record::{FrameRecord, RecordBits};
use crate::verdict::duplicate::Packet;
use crate::verdict::{Evidence, EvidenceKind, Own, OwnVerdict, Revision, SegIn};
use crate::wire::{
    self, DecodeError, Decoded, IpFragment, LinkType, NotTcp, SegmentKind, TcpQuote, TcpSegment,
};

/// Counts of what the analyzer has been fed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub frames: u64,
    pub tcp: u64,
    /// Frames that are not TCP (ARP, UDP, ICMP without a quoted TCP header ...).
    pub not_tcp: u64,
    /// TCP headers quoted in ICMP errors.
    pub icmp_quoted: u64,
    /// Frames that could not be decoded, by reason (indexed like [`DecodeError::ALL_CODES`]).
    pub undecodable: [u64; DecodeError::ALL_CODES.len()],
    /// Frames the host counted but could not hand over ([`Analyzer::skip_frames`]).
    pub skipped: u64,
    /// The IP fragment reassembly's counts (held fragments are also `not_tcp`).
    pub fragments: FragmentCounters,
}

impl Counters {
    pub fn undecodable_total(&self) -> u64 {
        self.undecodable.iter().sum()
    }

    fn count_error(&mut self, e: DecodeError) {
        self.undecodable[e.index()] += 1;
    }
}

/// What one frame was, and for TCP, its verdict.
// TCP is the common case: boxing it would allocate on every frame.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Tcp {
        segment: TcpSegment<'a>,
        record: FrameRecord,
        analysis: FrameAnalysis,
    },
    /// A TCP header quoted in an ICMP error and cut before 16 bytes: shown, tied to no
    /// conversation.
    Quote(TcpQuote),
    NotTcp(NotTcp),
    Undecodable(DecodeError),
}

/// What decoding made of a frame before any conversation is looked up
/// ([`Analyzer::route`]).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum Routed<'a> {
    /// A TCP segment, for [`Analyzer::analyse_segment`] in its conversation.
    Segment(TcpSegment<'a>),
    /// Anything else, already the frame's outcome (never [`Outcome::Tcp`]).
    Done(Outcome<'a>),
}

/// Test builds only (`--features test-panic`): the core panics on the frame numbered
/// `TCPLENS_TEST_PANIC_FRAME`, before counting it, so tests can show that hosts survive a
/// panic in the core and keep their frame numbers. Never in a release build of tcplens.
#[cfg(feature = "test-panic")]
mod test_panic {
    use std::sync::OnceLock;

    pub fn on_frame(frame: u64) {
        static FRAME: OnceLock<Option<u64>> = OnceLock::new();
        let chosen =
            FRAME.get_or_init(|| std::env::var("TCPLENS_TEST_PANIC_FRAME").ok()?.parse().ok());
        if *chosen == Some(frame) {
            panic!("tcplens test panic on frame {frame} (feature test-panic)");
        }
    }
}

/// The analysis of one capture.
#[derive(Debug, Default)]
pub struct Analyzer {
    conversations: ConversationTable,
    counters: Counters,
    /// The diagnosis, when it is on ([`diagnose`](Self::diagnose)).
    diagnoser: Option<Diagnoser>,
    /// Per-connection statistics are gathered ([`gather_statistics`](Self::gather_statistics)).
    statistics: bool,
    /// tcplens's own verdicts are not judged ([`skip_own_verdicts`](Self::skip_own_verdicts)).
    no_own_verdicts: bool,
    /// IP datagrams being reassembled from their fragments.
    defrag: Defragmenter,
    /// Own verdicts of earlier frames revised by later evidence, until the host takes them
    /// ([`take_revisions`](Self::take_revisions)); at most [`MAX_REVISIONS`].
    revisions: Vec<Revision>,
}

/// Revisions kept for a host that does not take them.
const MAX_REVISIONS: usize = 4096;

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// An analyzer that keeps at most `max_conns` conversations in memory (0 = no cap;
    /// see [`ConversationTable::with_max`]).
    pub fn with_max_conns(max_conns: usize) -> Self {
        Analyzer {
            conversations: ConversationTable::with_max(max_conns),
            counters: Counters::default(),
            diagnoser: None,
            statistics: false,
            no_own_verdicts: false,
            defrag: Defragmenter::default(),
            revisions: Vec::new(),
        }
    }

    /// Forgets everything (a capture reload); the cap and the diagnosis switch stay.
    pub fn reset(&mut self) {
        let origin = self.diagnoser.as_ref().map(Diagnoser::origin);
        let (statistics, no_own_verdicts) = (self.statistics, self.no_own_verdicts);
        *self = Self::with_max_conns(self.conversations.max());
        self.statistics = statistics;
        self.no_own_verdicts = no_own_verdicts;
        if let Some(origin) = origin {
            self.diagnose(origin);
        }
    }

    /// Turns the diagnosis on, from the next frame, with times counted from `origin`: every
    /// TCP frame then goes through the diagnosis rules, over a state kept in its
    /// conversation (evicted with it). Findings wait for [`take_findings`](Self::take_findings)
    /// and [`finish_diagnosis`](Self::finish_diagnosis).
    pub fn diagnose(&mut self, origin: TimeOrigin) {
        self.diagnoser = Some(Diagnoser::new(origin));
    }

    /// Gathers the per-connection statistics (`crate::statistics`: retransmissions, RTT
    /// samples, windows ...) from the next frame on, for the connection records. Off by
    /// default: they cost 336 bytes per conversation, and `analyze` and the plugin never
    /// show them.
    pub fn gather_statistics(&mut self) {
        self.statistics = true;
    }

    /// Leaves out tcplens's own verdicts (`verdict`, `evidence`, `trigger`), from the next
    /// frame on, for a host that shows none of them (`conns` without its diagnosis): they
    /// cost about 2 KiB per conversation and a hash of every packet. The diagnosis needs
    /// them (its copies are the `duplicate` verdicts), so they are judged while it is on.
    pub fn skip_own_verdicts(&mut self) {
        self.no_own_verdicts = true;
    }

    /// Whether the diagnosis is on.
    pub fn diagnosing(&self) -> bool {
        self.diagnoser.is_some()
    }

    /// Moves the findings made so far (in the order they were made) to the end of `out`.
    pub fn take_findings(&mut self, out: &mut Vec<Finding>) {
        if let Some(d) = self.diagnoser.as_mut() {
            d.take(out);
        }
    }

    /// End of capture: the findings made so far, then those that needed to know nothing
    /// more would come, conversation by conversation in stream order, to the end of `out`.
    /// The diagnosis is off afterwards.
    pub fn finish_diagnosis(&mut self, out: &mut Vec<Finding>) {
        let Some(mut d) = self.diagnoser.take() else {
            return;
        };
        for c in self.conversations.iter_mut() {
            if let Some(state) = c.diagnosis.take() {
                d.finish(c.stream, &state);
            }
        }
        d.take(out);
    }

    /// Moves the revisions of earlier frames' own verdicts made so far (in the order they
    /// were made) to the end of `out` ([`crate::verdict::settle`]).
    pub fn take_revisions(&mut self, out: &mut Vec<Revision>) {
        out.append(&mut self.revisions);
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn conversations(&self) -> &ConversationTable {
        &self.conversations
    }

    /// Counts `n` frames that were captured but not analysed (the host caught a panic on
    /// them), so the frame numbers of later verdicts stay the host's (Wireshark's
    /// `frame.number`).
    pub fn skip_frames(&mut self, n: u64) {
        self.counters.frames = self.counters.frames.saturating_add(n);
        self.counters.skipped = self.counters.skipped.saturating_add(n);
    }

    /// Analyses one frame whose link type is a pcap `LINKTYPE_*` number; an unsupported one
    /// is a typed per-frame reason.
    pub fn process_linktype<'a>(
        &mut self,
        linktype: u32,
        data: &'a [u8],
        orig_len: u32,
        ts_ns: i64,
    ) -> Outcome<'a> {
        let routed = self.route_linktype(linktype, data, orig_len, ts_ns);
        self.analyse_routed(routed, ts_ns)
    }

    /// Analyses one frame. `orig_len` is its length on the wire; `ts_ns` its capture time.
    pub fn process<'a>(
        &mut self,
        link: LinkType,
        data: &'a [u8],
        orig_len: u32,
        ts_ns: i64,
    ) -> Outcome<'a> {
        let routed = self.route(link, data, orig_len, ts_ns);
        self.analyse_routed(routed, ts_ns)
    }

    fn analyse_routed<'a>(&mut self, routed: Routed<'a>, ts_ns: i64) -> Outcome<'a> {
        match routed {
            Routed::Segment(segment) => {
                // Frame numbers are Wireshark's: every frame fed counts.
                let frame = self.counters.frames as u32;
                let (record, analysis) = self.analyse_segment(frame, &segment, ts_ns);
                Outcome::Tcp {
                    segment,
                    record,
                    analysis,
                }
            }
            Routed::Done(outcome) => outcome,
        }
    }

    /// The first half of [`process_linktype`](Self::process_linktype): the frame is
    /// counted, decoded and, if it is an IP fragment, reassembled; nothing about any
    /// conversation is read or changed. A TCP segment comes back to be analysed in its
    /// conversation by [`analyse_segment`](Self::analyse_segment), possibly by another
    /// analyzer that holds that conversation (`conns --threads`: one analyzer decodes,
    /// others, each holding the conversations of one shard of the 4-tuples, analyse).
    pub fn route_linktype<'a>(
        &mut self,
        linktype: u32,
        data: &'a [u8],
        orig_len: u32,
        ts_ns: i64,
    ) -> Routed<'a> {
        #[cfg(feature = "test-panic")]
        test_panic::on_frame(self.counters.frames + 1);
        match LinkType::from_linktype(linktype) {
            Some(link) => self.route(link, data, orig_len, ts_ns),
            None => {
                self.counters.frames += 1;
                if let Some(d) = self.diagnoser.as_mut() {
                    d.on_frame(ts_ns);
                }
                let e = DecodeError::UnsupportedLinkType(linktype);
                self.counters.count_error(e);
                Routed::Done(Outcome::Undecodable(e))
            }
        }
    }

    /// [`route_linktype`](Self::route_linktype) for a known link type.
    pub fn route<'a>(
        &mut self,
        link: LinkType,
        data: &'a [u8],
        orig_len: u32,
        ts_ns: i64,
    ) -> Routed<'a> {
        self.counters.frames += 1;
        if let Some(d) = self.diagnoser.as_mut() {
            d.on_frame(ts_ns);
        }
        let decoded = wire::decode(link, data, orig_len);
        self.on_decoded(decoded, ts_ns)
    }

    fn on_decoded<'a>(
        &mut self,
        decoded: Result<Decoded<'a>, DecodeError>,
        ts_ns: i64,
    ) -> Routed<'a> {
        Routed::Done(match decoded {
            Ok(Decoded::Tcp(segment)) => {
                self.counters.tcp += 1;
                if matches!(segment.kind, SegmentKind::IcmpQuoted(_)) {
                    self.counters.icmp_quoted += 1;
                }
                return Routed::Segment(segment);
            }
            Ok(Decoded::Quote(quote)) => {
                self.counters.tcp += 1;
                self.counters.icmp_quoted += 1;
                Outcome::Quote(quote)
            }
            Ok(Decoded::NotTcp(why)) => {
                self.counters.not_tcp += 1;
                Outcome::NotTcp(why)
            }
            Ok(Decoded::Fragment(f)) => return self.on_fragment(&f, ts_ns),
            Err(e) => {
                self.counters.count_error(e);
                Outcome::Undecodable(e)
            }
        })
    }

    /// A fragment: held (not TCP) until it completes its datagram, which this frame then
    /// carries. A fragment inside a reassembled datagram (a fragmented packet in a
    /// fragmented tunnel) goes round again; tunnels bound the nesting.
    fn on_fragment(&mut self, f: &IpFragment<'_>, ts_ns: i64) -> Routed<'static> {
        let datagram = self.defrag.add(f, ts_ns);
        self.counters.fragments = self.defrag.counters();
        let Some(datagram) = datagram else {
            self.counters.not_tcp += 1;
            return Routed::Done(Outcome::NotTcp(NotTcp::Fragment));
        };
        match wire::decode_reassembled(f, &datagram) {
            Ok(Decoded::Tcp(segment)) => {
                self.on_decoded(Ok(Decoded::Tcp(segment.detached())), ts_ns)
            }
            Ok(Decoded::NotTcp(why)) => self.on_decoded(Ok(Decoded::NotTcp(why)), ts_ns),
            Ok(Decoded::Quote(quote)) => self.on_decoded(Ok(Decoded::Quote(quote)), ts_ns),
            Ok(Decoded::Fragment(inner)) => self.on_fragment(&inner, ts_ns),
            Err(e) => self.on_decoded(Err(e), ts_ns),
        }
    }

    /// The hash of `seg`'s 4-tuple in this analyzer's table, for [`prefetch`](Self::prefetch).
    #[inline]
    pub fn key_hash(&self, seg: &TcpSegment<'_>) -> KeyHash {
        self.conversations.key_hash(seg)
    }

    /// Prefetches, a few segments ahead of [`analyse_segment`](Self::analyse_segment), what
    /// analysing the segment of `hash` reads, one level at a time, since each level's
    /// address is read from the one before: first its index bucket, then its conversation,
    /// then what the conversation holds on the heap.
    #[inline]
    pub fn prefetch(&self, hash: KeyHash, level: Prefetch) {
        match level {
            Prefetch::Bucket => self.conversations.prefetch_bucket(hash),
            Prefetch::Conversation => self.conversations.prefetch_conversation(hash),
            Prefetch::Held => self.conversations.prefetch_held(hash),
        }
    }

    /// The second half of [`process_linktype`](Self::process_linktype): the segment of
    /// frame `frame` (Wireshark's number), which [`route`](Self::route) returned, analysed
    /// in its conversation. The frames of one conversation must come in capture order; what
    /// the analysis of a conversation reads is its own frames, so conversations split
    /// across analyzers by 4-tuple give the same records (without a cap, a diagnosis or own
    /// verdicts' revisions, which see every conversation; their counters are the routing
    /// analyzer's).
    pub fn analyse_segment(
        &mut self,
        frame: u32,
        seg: &TcpSegment<'_>,
        ts_ns: i64,
    ) -> (FrameRecord, FrameAnalysis) {
        let hash = self.key_hash(seg);
        self.on_tcp(frame, seg, ts_ns, hash)
    }

    /// [`analyse_segment`](Self::analyse_segment) with the segment's
    /// [`key_hash`](Self::key_hash), computed already for its prefetches.
    pub fn analyse_hashed(
        &mut self,
        frame: u32,
        seg: &TcpSegment<'_>,
        ts_ns: i64,
        hash: KeyHash,
    ) -> (FrameRecord, FrameAnalysis) {
        self.on_tcp(frame, seg, ts_ns, hash)
    }

    fn on_tcp(
        &mut self,
        frame: u32,
        seg: &TcpSegment<'_>,
        ts_ns: i64,
        hash: KeyHash,
    ) -> (FrameRecord, FrameAnalysis) {
        let lookup = self.conversations.lookup_hashed(seg, ts_ns, hash);
        if let Some(d) = self.diagnoser.as_mut() {
            // Conversations evicted to make room say what they know first.
            for (stream, state) in self.conversations.take_evicted_diagnosis() {
                d.finish(stream, &state);
            }
        }
        let conv = self.conversations.slot_mut(lookup.slot);
        conv.warm();
        let mut bits = RecordBits::default();
        bits.set(RecordBits::FROM_CLIENT, lookup.side == Side::Client);
        bits.set(
            RecordBits::OPTION_ERROR,
            seg.options
                .error
                .is_some_and(|e| e != crate::wire::OptionError::NotCaptured),
        );
        let [client_state, server_state] = conv.lifecycle.states();
        let mut rec = FrameRecord {
            stream: lookup.stream,
            seq: seg.seq,
            ack: seg.ack,
            seq_raw: seg.seq,
            ack_raw: seg.ack,
            len: seg.seg_len,
            next_seq: 0,
            window: seg.window,
            tcp_flags: seg.flags,
            analysis: 0,
            handshake: None,
            teardown: None,
            event: Default::default(),
            rst_from: None,
            client_state,
            server_state,
            bits,
            malformed: seg.malformed,
            encap: seg.encap,
        };

        let mut analysis = FrameAnalysis::default();
        match seg.kind {
            SegmentKind::HeaderOnly | SegmentKind::IcmpQuoted(_) => {
                // Named conversation, raw numbers, nothing else.
                if matches!(seg.kind, SegmentKind::IcmpQuoted(_)) {
                    rec.bits.set(RecordBits::ICMP_QUOTED, true);
                }
                analysis.window_scaled = Some(conv.analysis.window_scaled(
                    lookup.side,
                    seg.flags,
                    seg.window,
                ));
                rec.bits.set(RecordBits::ACK_SHOWN, true);
                rec.len = 0;
                analysis.completeness =
                    Some(conv.analysis.on_header_only(seg.flags, 0, lookup.new));
            }
            SegmentKind::BadDataOffset => {
                // The bases move, the length counts from the bogus offset; no analysis.
                let rel = relative_numbers(&mut conv.flows, lookup.side, seg);
                rec.seq = rel.seq;
                rec.ack = rel.ack;
                rec.bits.set(RecordBits::RELATIVE, true);
                rec.bits.set(RecordBits::HAS_LEN, true);
                rec.bits.set(RecordBits::ACK_SHOWN, seg.flags.ack());
                analysis.completeness = Some(conv.analysis.on_header_only(
                    seg.flags,
                    seg.seg_len,
                    lookup.new,
                ));
            }
            SegmentKind::Complete => {
                let own_base = conv.flows[lookup.side.idx()].base_seq;
                let f = seg.flags;
                let reuse = ReuseInfo {
                    // A new conversation on a used 4-tuple, or a SYN-ACK with a new ISN.
                    reused_ports: lookup.reused_ports
                        || (f.syn() && f.ack() && own_base.is_some_and(|b| b != seg.seq)),
                    same_isn_syn: !lookup.new && f.syn() && !f.ack() && own_base == Some(seg.seq),
                    new_conversation: lookup.new,
                };
                let rel = relative_numbers(&mut conv.flows, lookup.side, seg);
                let bases = conv.flows.map(|fl| fl.base_seq.unwrap_or(0));
                analysis = conv.analysis.on_segment(
                    lookup.side,
                    &SegmentIn {
                        frame,
                        now: ts_ns,
                        seq: seg.seq,
                        ack: seg.ack,
                        seglen: seg.seg_len,
                        flags: seg.flags,
                        window: seg.window,
                        options: &seg.options,
                    },
                    bases,
                    reuse,
                    conv.stats.syn_ns,
                );
                let step = conv.lifecycle.on_segment(&SegmentView {
                    side: lookup.side,
                    flags: seg.flags,
                    seq: seg.seq,
                    ack: seg.ack,
                    seg_len: seg.seg_len,
                });
                conv.stats.on_segment(
                    lookup.side,
                    seg,
                    ts_ns,
                    step.handshake == Some(Handshake::Ack),
                );
                if self.statistics {
                    conv.stats.on_analysis(lookup.side, seg, &analysis, ts_ns);
                }
                let control = u32::from(seg.flags.syn() || seg.flags.fin());
                rec.seq = rel.seq;
                rec.ack = rel.ack;
                rec.next_seq = rel.seq.wrapping_add(seg.seg_len).wrapping_add(control);
                rec.analysis = analysis.verdicts.0;
                rec.handshake = step.handshake;
                rec.teardown = step.teardown;
                rec.event = step.event;
                rec.rst_from = step.rst_from;
                rec.client_state = step.states[0];
                rec.server_state = step.states[1];
                for bit in [
                    RecordBits::RELATIVE,
                    RecordBits::HAS_LEN,
                    RecordBits::HAS_NEXT_SEQ,
                    RecordBits::ACK_SHOWN,
                ] {
                    rec.bits.set(bit, true);
                }
            }
        }
        // tcplens's own verdict: a copy of a recent packet, else the evidence rules.
        let quoted = matches!(seg.kind, SegmentKind::IcmpQuoted(_));
        let judged = !self.no_own_verdicts || self.diagnoser.is_some();
        let mut verdicts = if judged && !quoted && rec.malformed.is_none() {
            Some(conv.verdicts.get_or_insert_with(Box::default))
        } else {
            None
        };
        let copy = match verdicts {
            None => None,
            Some(ref mut v) => v.copy_of(
                frame,
                ts_ns,
                lookup.side,
                Packet::of(seg),
                conv.stats.handshake_rtt_ns,
            ),
        };
        if let (Some(verdicts), SegmentKind::Complete) = (verdicts, seg.kind) {
            let s = SegIn::of(frame, lookup.side, seg, ts_ns);
            let hs = conv.stats.handshake_rtt_ns;
            if let Some(c) = copy {
                // Told in the explanation of any copy (a SYN's too); the verdict is
                // given on data.
                analysis.copy_of = Some(c);
                if seg.seg_len > 0 {
                    let mut ev = Evidence::of(&[EvidenceKind::SamePacket]);
                    if c.identified {
                        ev = ev.with(EvidenceKind::IpId);
                    } else {
                        ev = ev.with(EvidenceKind::Timing);
                    }
                    analysis.own = Own {
                        verdict: Some(OwnVerdict::Duplicate),
                        evidence: ev,
                        trigger: None,
                        basis: None,
                    };
                }
            } else {
                verdicts.on_handshake(&s, hs);
                if let Some(rtt) = analysis.ack_rtt_ns {
                    // The ACK's RTT measures the peer's data.
                    verdicts.on_ack_rtt(lookup.side.other(), rtt);
                }
                let before = self.revisions.len();
                analysis.own = verdicts.on_segment(&s, hs, &mut self.revisions);
                if let Some(d) = self.diagnoser.as_mut() {
                    // The diagnosis tells a revised verdict again.
                    for r in &self.revisions[before..] {
                        d.revise(rec.stream, r.frame, r.own, frame);
                    }
                }
                if self.revisions.len() > MAX_REVISIONS {
                    // Nobody takes them: keep the latest.
                    self.revisions.drain(..MAX_REVISIONS / 2);
                }
            }
        }
        if let Some(d) = self.diagnoser.as_mut() {
            let facts = ConvFacts {
                client_by: conv.client_by,
                server_port: conv.endpoints[Side::Server.idx()].port,
            };
            let icmp = match seg.kind {
                SegmentKind::IcmpQuoted(e) => Some(e),
                _ => None,
            };
            d.observe(
                &mut conv.diagnosis,
                frame,
                ts_ns,
                &rec,
                &analysis,
                facts,
                icmp,
                copy,
            );
        }
        (rec, analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{TcpState, Teardown};
    use crate::synth::SegBuilder;

    const C: &str = "192.168.1.10:40000";
    const S: &str = "192.168.1.20:80";

    fn run(segs: &[SegBuilder]) -> Vec<FrameRecord> {
        let mut a = Analyzer::new();
        segs.iter()
            .enumerate()
            .map(|(i, b)| {
                let f = b.ethernet();
                match a.process(LinkType::Ethernet, &f, f.len() as u32, i as i64 * 1000) {
                    Outcome::Tcp { record, .. } => record,
                    other => panic!("frame {i}: {other:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn nc_exchange_numbers_and_lifecycle() {
        let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack);
        let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack);
        let recs = run(&[
            c("S", 1000, 0),
            s("SA", 5000, 1001),
            c("A", 1001, 5001),
            c("PA", 1001, 5001).payload(b"0123456789"),
            s("A", 5001, 1011),
            c("FA", 1011, 5001),
            s("FA", 5001, 1012),
            c("A", 1012, 5002),
        ]);
        let got: Vec<_> = recs
            .iter()
            .map(|r| (r.seq, r.ack, r.len, r.next_seq))
            .collect();
        assert_eq!(
            got,
            [
                (0, 0, 0, 1),
                (0, 1, 0, 1),
                (1, 1, 0, 1),
                (1, 1, 10, 11),
                (1, 11, 0, 1),
                (11, 1, 0, 12),
                (1, 12, 0, 2),
                (12, 2, 0, 12)
            ]
        );
        assert_eq!(recs[5].teardown, Some(Teardown::Fin));
        assert_eq!(recs[6].teardown, Some(Teardown::AckAndFin));
        assert_eq!(
            (recs[7].client_state, recs[7].server_state),
            (TcpState::TimeWait, TcpState::Closed)
        );
        assert!(recs.iter().all(|r| r.stream == 0));
    }

    #[test]
    fn counters_split_tcp_non_tcp_and_errors() {
        let mut a = Analyzer::new();
        let tcp = SegBuilder::v4(C, S).flags("S").ethernet();
        let mut udp = tcp.clone();
        udp[14 + 9] = 17;
        let cut = &tcp[..20];
        a.process(LinkType::Ethernet, &tcp, tcp.len() as u32, 0);
        a.process(LinkType::Ethernet, &udp, udp.len() as u32, 0);
        assert!(matches!(
            a.process(LinkType::Ethernet, cut, tcp.len() as u32, 0),
            Outcome::Undecodable(DecodeError::TruncatedIp)
        ));
        let c = a.counters();
        assert_eq!(
            (c.frames, c.tcp, c.not_tcp, c.undecodable_total()),
            (3, 1, 1, 1)
        );
    }

    /// Feeds `segs` (Ethernet) and returns each frame's (stream, record, analysis).
    fn feed(a: &mut Analyzer, segs: &[SegBuilder]) -> Vec<(FrameRecord, FrameAnalysis)> {
        segs.iter()
            .enumerate()
            .map(|(i, b)| {
                let f = b.ethernet();
                match a.process(LinkType::Ethernet, &f, f.len() as u32, i as i64 * 1000) {
                    Outcome::Tcp {
                        record, analysis, ..
                    } => (record, analysis),
                    other => panic!("frame {i}: {other:?}"),
                }
            })
            .collect()
    }

    /// A handshake, a data segment and its ACK between port `p` and the server; closed
    /// with FINs when `close`.
    fn exchange(p: u16, close: bool) -> Vec<SegBuilder> {
        let c = format!("10.1.0.1:{p}");
        let (c, s) = (c.as_str(), "10.1.0.2:80");
        let mut v = vec![
            SegBuilder::v4(c, s).flags("S").seq(100),
            SegBuilder::v4(s, c).flags("SA").seq(500).ack(101),
            SegBuilder::v4(c, s).flags("A").seq(101).ack(501),
            SegBuilder::v4(c, s)
                .flags("PA")
                .seq(101)
                .ack(501)
                .payload(&[0; 10]),
            SegBuilder::v4(s, c).flags("A").seq(501).ack(111),
        ];
        if close {
            v.extend([
                SegBuilder::v4(c, s).flags("FA").seq(111).ack(501),
                SegBuilder::v4(s, c).flags("FA").seq(501).ack(112),
                SegBuilder::v4(c, s).flags("A").seq(112).ack(502),
            ]);
        }
        v
    }

    #[test]
    fn the_cap_evicts_closed_conversations_first_then_the_least_recently_seen() {
        let mut a = Analyzer::with_max_conns(3);
        feed(&mut a, &exchange(1001, false)); // stream 0: open, oldest
        feed(&mut a, &exchange(1002, true)); // stream 1: closed
        feed(&mut a, &exchange(1003, false)); // stream 2: open
        assert_eq!(a.conversations().len(), 3);
        feed(&mut a, &exchange(1004, false)); // full: the closed one goes
        let t = a.conversations();
        assert_eq!(t.evictions(), crate::flow::Evictions { closed: 1, idle: 0 });
        assert!(t.get(1).is_none());
        feed(&mut a, &exchange(1005, false)); // full again: the least recently seen, 0
        let t = a.conversations();
        assert_eq!(t.evictions(), crate::flow::Evictions { closed: 1, idle: 1 });
        assert!(t.get(0).is_none());
        let kept: Vec<u32> = t.iter().map(|c| c.stream).collect();
        assert_eq!(kept, [2, 3, 4]);
        assert_eq!(t.created(), 5);
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn conversations_that_stay_keep_their_streams_and_verdicts() {
        // One conversation interleaved with a flood of new ones: with a cap small enough to
        // evict at every new one (but larger than a round of the flood, so the kept
        // conversation is never the least recently seen), its frames get the same records
        // and analysis as without a cap.
        let keep = exchange(2000, true);
        let mut frames = Vec::new();
        for (i, seg) in keep.iter().enumerate() {
            frames.push((true, seg.clone()));
            for j in 0..5u16 {
                let c = format!("10.2.{}.{}:3000", i, j + 1);
                frames.push((false, SegBuilder::v4(&c, "10.1.0.2:80").flags("S").seq(7)));
            }
        }
        let run = |max| {
            let mut a = Analyzer::with_max_conns(max);
            let out = feed(
                &mut a,
                &frames.iter().map(|f| f.1.clone()).collect::<Vec<_>>(),
            );
            let evicted = a.conversations().evictions().total();
            let mine: Vec<_> = out
                .into_iter()
                .zip(&frames)
                .filter(|(_, f)| f.0)
                .map(|(r, _)| r)
                .collect();
            (mine, evicted)
        };
        let (uncapped, none) = run(0);
        let (capped, evicted) = run(8);
        assert_eq!(none, 0);
        assert!(evicted >= 30, "{evicted} evictions");
        assert_eq!(capped, uncapped);
    }

    #[test]
    fn timestamps_at_the_ends_of_i64_do_not_overflow() {
        // Found by the c_abi fuzz target: any time difference (initial RTT, ACK RTT, RTO,
        // the fast-retransmission and out-of-order windows, the handshake RTT) overflowed
        // when a hostile host or a pcapng offset put one frame at i64::MIN and the next
        // at i64::MAX.
        let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack);
        let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack);
        let frames = [
            c("S", 1000, 0),
            s("SA", 5000, 1001),
            c("A", 1001, 5001),
            c("PA", 1001, 5001).payload(b"abcd"),
            c("PA", 1005, 5001).payload(b"efgh"),
            s("A", 5001, 1001),
            s("A", 5001, 1001),
            s("A", 5001, 1001),
            c("PA", 1001, 5001).payload(b"abcd"),
            c("PA", 1003, 5001).payload(b"cd"),
            s("A", 5001, 1009),
        ];
        for times in [[i64::MIN, i64::MAX], [i64::MAX, i64::MIN], [0, i64::MIN]] {
            let mut a = Analyzer::new();
            for (i, b) in frames.iter().enumerate() {
                let f = b.ethernet();
                let outcome = a.process(LinkType::Ethernet, &f, f.len() as u32, times[i % 2]);
                assert!(matches!(outcome, Outcome::Tcp { .. }), "frame {i}");
            }
        }
    }

    fn analysis_of(a: &mut Analyzer, b: SegBuilder) -> FrameAnalysis {
        let f = b.ethernet();
        match a.process(LinkType::Ethernet, &f, f.len() as u32, 0) {
            Outcome::Tcp { analysis, .. } => analysis,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_skipped_frame_keeps_later_frame_numbers() {
        // Frame 2 is lost to a caught panic in the host; frame 4 ACKs frame 3's data, and
        // must say so with the host's frame number.
        let mut a = Analyzer::new();
        analysis_of(&mut a, SegBuilder::v4(C, S).seq(1000).ack(5000));
        a.skip_frames(1);
        let data = SegBuilder::v4(C, S).flags("PA").seq(1000).ack(5000);
        analysis_of(&mut a, data.payload(b"abc"));
        let ack = analysis_of(&mut a, SegBuilder::v4(S, C).seq(5000).ack(1003));
        assert_eq!(ack.acks_frame, Some(3));
        assert_eq!((a.counters().frames, a.counters().skipped), (4, 1));
    }

    #[test]
    fn the_diagnosis_state_is_a_pointer_until_the_diagnosis_observes() {
        let mut a = Analyzer::new();
        feed(&mut a, &exchange(1001, true));
        let c = a.conversations().get(0).unwrap();
        assert!(c.diagnosis.is_none());
        assert!(core::mem::size_of::<Option<Box<crate::diagnosis::State>>>() <= 8);
        let mut found = Vec::new();
        a.finish_diagnosis(&mut found);
        assert!(found.is_empty());

        let mut a = Analyzer::new();
        a.diagnose(TimeOrigin::FirstFrame);
        feed(&mut a, &exchange(1001, true));
        assert!(a.conversations().get(0).unwrap().diagnosis.is_some());
        a.finish_diagnosis(&mut found);
        assert!(found.is_empty(), "{found:?}");
        assert!(a.conversations().get(0).unwrap().diagnosis.is_none());
        assert!(!a.diagnosing());
    }

    #[test]
    fn an_evicted_conversation_takes_its_diagnosis_along_and_says_what_it_knew() {
        use crate::diagnosis::Cause;
        let mut a = Analyzer::with_max_conns(1);
        a.diagnose(TimeOrigin::FirstFrame);
        // Stream 0: a SYN never answered; stream 1 evicts it.
        feed(
            &mut a,
            &[SegBuilder::v4("10.1.0.1:1001", "10.1.0.2:80").flags("S")],
        );
        let mut found = Vec::new();
        a.take_findings(&mut found);
        assert!(found.is_empty());
        feed(&mut a, &exchange(1002, true));
        assert_eq!(a.conversations().evictions().total(), 1);
        a.take_findings(&mut found);
        let causes: Vec<(u32, Cause)> = found.iter().map(|f| (f.stream, f.cause())).collect();
        assert_eq!(causes, [(0, Cause::HandshakeNoAnswer)]);
        // The capture's end adds nothing for it, and nothing for the clean stream 1.
        a.finish_diagnosis(&mut found);
        assert_eq!(found.len(), 1);
        // Memory: one diagnosis state, the one in memory's.
        assert!(a.conversations().iter().all(|c| c.diagnosis.is_none()));
    }

    #[test]
    fn both_initial_rtts_come_from_the_one_syn_time_and_differ_only_at_the_epoch() {
        let c = |f: &str, seq, ack| SegBuilder::v4(C, S).flags(f).seq(seq).ack(ack);
        let s = |f: &str, seq, ack| SegBuilder::v4(S, C).flags(f).seq(seq).ack(ack);
        for (syn_ns, irtt, handshake_rtt) in [(5, Some(20), Some(20)), (0, None, Some(25))] {
            let mut a = Analyzer::new();
            let mut last = FrameAnalysis::default();
            for (b, t) in [
                (c("S", 1000, 0), syn_ns),
                (s("SA", 5000, 1001), 15),
                (c("A", 1001, 5001), 25),
            ] {
                let f = b.ethernet();
                if let Outcome::Tcp { analysis, .. } =
                    a.process(LinkType::Ethernet, &f, f.len() as u32, t)
                {
                    last = analysis;
                }
            }
            // Wireshark's: a SYN stamped 0 is no SYN time; the handshake RTT's: it is one.
            assert_eq!(last.initial_rtt_ns, irtt, "SYN at {syn_ns}");
            let stats = &a.conversations().get(0).unwrap().stats;
            assert_eq!(stats.handshake_rtt_ns, handshake_rtt, "SYN at {syn_ns}");
        }
    }
}
