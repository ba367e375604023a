//! Per-frame verdicts kept across passes in a few bytes per TCP frame.
//!
//! A host that shows frames more than once (Wireshark's GUI, `tshark -2`) analyses each
//! frame once, in order, and must give the same answer when the frame is shown again.
//! Keeping the whole [`FrameRecord`] and [`FrameAnalysis`] costs about 130 bytes a frame;
//! [`FrameStore`] keeps 24 bytes a frame (plus a few sparse entries) and rebuilds the rest:
//! - what the frame's own bytes say (raw numbers, flags, window, length, malformation)
//!   comes from decoding the frame again;
//! - relative numbers come from each stream's base sequence numbers, which change rarely
//!   and are kept per stream with the frame they start at;
//! - the ACK's frame and RTT are kept for the frames that have them (about half), the RTT
//!   in 32 bits of nanoseconds; dup-ACK and RTO keys are rare and kept as they are;
//! - the initial RTT is one number per stream.
//!
//! Packing is checked: a frame whose rebuilt verdict would differ in any way is kept whole
//! in a side list, so [`FrameStore::get`] always returns exactly what was pushed.

use crate::analysis::{FrameAnalysis, Verdicts};
use crate::lifecycle::{Event, Handshake, TcpState, Teardown};
use crate::record::{FrameRecord, RecordBits};
use crate::verdict::{CopyOf, Own};
use crate::wire::{Layer, SegmentKind, TcpSegment};

use rustc_hash::FxHashMap;

/// The dense part: 16 bytes per TCP frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Dense {
    frame: u32,
    stream: u32,
    verdicts: u16,
    /// handshake (2 bits) | teardown code (3 bits) | event (3 bits) | rst_from + 1 (4 bits).
    lifecycle: u16,
    /// client state (4 bits) | server state (4 bits).
    states: u8,
    bits: RecordBits,
    /// completeness (6 bits) | [`HAS_COMPLETENESS`].
    completeness: u8,
    /// window shift (4 bits) | presence bits.
    extra: u8,
}

const HAS_COMPLETENESS: u8 = 0x80;
const HAS_WINDOW_SCALED: u8 = 0x10;
const HAS_BYTES_IN_FLIGHT: u8 = 0x20;
const HAS_PUSH_BYTES: u8 = 0x40;
const HAS_INITIAL_RTT: u8 = 0x80;

/// `(frame, bytes_in_flight, push_bytes_sent)`: frames that carry data.
type FlightEntry = (u32, u32, u32);
/// `(frame, acks_frame, ack_rtt_ns)`; an RTT that does not fit keeps the frame whole.
type AckEntry = (u32, u32, u32);
/// `(frame, dup_ack_num, dup_ack_frame)`.
type DupEntry = (u32, u32, u32);
/// `(frame, rto_frame, rto_ns)`.
type RtoEntry = (u32, u32, i64);
/// `(frame, expected_seq)`: what a "previous segment not captured" frame was expected to be.
type GapEntry = (u32, u32);
/// `(frame, own verdict)`: the data segments with a verdict of tcplens's own.
type OwnEntry = (u32, Own);
/// `(frame, copy)`: the packets found to be copies of earlier ones.
type CopyEntry = (u32, CopyOf);

/// A growable list in fixed chunks: no doubling slack and no copying as it grows, so a
/// long capture costs what it holds.
#[derive(Debug)]
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

const CHUNK: usize = 4096;

impl<T: Copy> Chunked<T> {
    const fn new() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }

    fn push(&mut self, x: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.chunks
            .last_mut()
            .expect("a chunk was just made")
            .push(x);
        self.len += 1;
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }

    /// The entry whose key is `key`, in a list sorted by key.
    fn find<K: Ord>(&self, key: &K, key_of: impl Fn(&T) -> K) -> Option<&T> {
        let c = self
            .chunks
            .partition_point(|c| c.last().is_some_and(|x| key_of(x) < *key));
        let chunk = self.chunks.get(c)?;
        let i = chunk.binary_search_by(|x| key_of(x).cmp(key)).ok()?;
        Some(&chunk[i])
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * core::mem::size_of::<Vec<T>>()
            + self.chunks.len() * CHUNK * core::mem::size_of::<T>()
    }
}

impl<T: Copy> Default for Chunked<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The sparse keys of one frame: (acks_frame, ack_rtt), (dup_ack_num, dup_ack_frame),
/// (rto_frame, rto).
#[derive(Debug, Clone, Copy, Default)]
struct Sparse {
    acks: Option<(u32, i64)>,
    dup: Option<(u32, u32)>,
    rto: Option<(u32, i64)>,
    expected_seq: Option<u32>,
    /// tcplens's own verdict.
    own: Own,
    copy_of: Option<CopyOf>,
    /// Bytes in flight and bytes sent since the last PSH, when [`Dense::extra`] says so.
    flight: (u32, u32),
}

/// What is kept per stream: its latest base sequence numbers and its initial RTT
/// (16 bytes; an iRTT beyond 32 bits of nanoseconds keeps the stream's frames whole).
#[derive(Debug, Clone, Copy, Default)]
struct StreamInfo {
    bases: [u32; 2],
    /// Which of `bases` are set (bit 0 client, bit 1 server).
    set: u8,
    irtt_ns: u32,
}

impl StreamInfo {
    fn bases(&self) -> [Option<u32>; 2] {
        [0, 1].map(|i| (self.set & (1 << i) != 0).then_some(self.bases[i]))
    }
}

/// A stream's bases before frame `until` (a SYN-ACK with a new ISN re-bases its sender).
type Rebase = (u32, [Option<u32>; 2]);

/// Compact, exact per-frame verdicts. Frames are pushed in increasing frame order.
#[derive(Debug, Default)]
pub struct FrameStore {
    dense: Chunked<Dense>,
    flight: Chunked<FlightEntry>,
    acks: Chunked<AckEntry>,
    dups: Vec<DupEntry>,
    rtos: Vec<RtoEntry>,
    gaps: Vec<GapEntry>,
    owns: Vec<OwnEntry>,
    copies: Vec<CopyEntry>,
    streams: Chunked<StreamInfo>,
    /// Earlier bases of re-based streams, per stream in frame order. A base set for the
    /// first time needs no entry: no earlier frame of the stream used it.
    rebases: FxHashMap<u32, Vec<Rebase>>,
    /// Frames that do not fit the compact form, kept whole.
    whole: Vec<(u32, FrameRecord, FrameAnalysis)>,
    /// The segments of frames that completed an IP datagram: their bytes alone decode
    /// to a fragment, so a later pass gets the segment here ([`FrameStore::reassembled`]).
    reassembled: Vec<(u32, TcpSegment<'static>)>,
}

/// A record's lifecycle in 13 bits: handshake step (bits 0-1), teardown step (2-4), event
/// (5-8), reset's state + 1 (9-12).
fn lifecycle_code(rec: &FrameRecord) -> u16 {
    let hs = rec.handshake.map_or(0, |h| h as u16);
    let td = match rec.teardown {
        None => 0,
        Some(Teardown::AckAndFin) => 5,
        Some(t) => t as u16,
    };
    let rst = rec.rst_from.map_or(0, |s| s as u16 + 1);
    hs | td << 2 | (rec.event as u16) << 5 | rst << 9
}

fn lifecycle_of(code: u16) -> (Option<Handshake>, Option<Teardown>, Event, Option<TcpState>) {
    let td = match (code >> 2) & 7 {
        5 => Some(Teardown::AckAndFin),
        t => Teardown::from_u8(t as u8),
    };
    let rst = ((code >> 9) & 0xF) as u8;
    (
        Handshake::from_u8((code & 3) as u8),
        td,
        Event::from_u8(((code >> 5) & 0xF) as u8).unwrap_or_default(),
        rst.checked_sub(1).and_then(TcpState::from_u8),
    )
}

/// The shift `k` with `window << k == scaled`, if there is one.
fn window_shift(window: u16, scaled: u32) -> Option<u8> {
    (0..=14u8).find(|&k| u32::from(window) << k == scaled)
}

impl FrameStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// TCP frames stored.
    pub fn len(&self) -> usize {
        self.dense.len + self.whole.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held, allocations included: what the store costs the host.
    pub fn heap_bytes(&self) -> usize {
        use core::mem::size_of;
        self.dense.heap_bytes()
            + self.flight.heap_bytes()
            + self.acks.heap_bytes()
            + self.dups.capacity() * size_of::<DupEntry>()
            + self.rtos.capacity() * size_of::<RtoEntry>()
            + self.gaps.capacity() * size_of::<GapEntry>()
            + self.owns.capacity() * size_of::<OwnEntry>()
            + self.copies.capacity() * size_of::<CopyEntry>()
            + self.streams.heap_bytes()
            + self.rebases.capacity() * size_of::<(u32, Vec<Rebase>)>()
            + self
                .rebases
                .values()
                .map(|v| v.capacity() * size_of::<Rebase>())
                .sum::<usize>()
            + self.whole.capacity() * size_of::<(u32, FrameRecord, FrameAnalysis)>()
            + self.reassembled.capacity() * size_of::<(u32, TcpSegment<'static>)>()
    }

    /// Bytes of the entries held, without the unfilled end of the last chunk: what the
    /// store costs per frame on a long capture.
    pub fn used_bytes(&self) -> usize {
        use core::mem::size_of;
        self.dense.len * size_of::<Dense>()
            + self.flight.len * size_of::<FlightEntry>()
            + self.acks.len * size_of::<AckEntry>()
            + self.dups.len() * size_of::<DupEntry>()
            + self.rtos.len() * size_of::<RtoEntry>()
            + self.gaps.len() * size_of::<GapEntry>()
            + self.owns.len() * size_of::<OwnEntry>()
            + self.copies.len() * size_of::<CopyEntry>()
            + self.streams.len * size_of::<StreamInfo>()
            + self
                .rebases
                .values()
                .map(|v| v.len() * size_of::<Rebase>())
                .sum::<usize>()
            + self.whole.len() * size_of::<(u32, FrameRecord, FrameAnalysis)>()
            + self.reassembled.len() * size_of::<(u32, TcpSegment<'static>)>()
    }

    /// The segment of `frame` when it completed an IP datagram (its bytes alone are a
    /// fragment); `None` for every other frame.
    pub fn reassembled(&self, frame: u32) -> Option<TcpSegment<'static>> {
        let i = self
            .reassembled
            .binary_search_by_key(&frame, |e| e.0)
            .ok()?;
        Some(self.reassembled[i].1)
    }

    /// Applies a revision of the own verdict of `frame`, kept earlier (later evidence
    /// settled it, [`crate::verdict::settle`]); what made the sender resend stays.
    pub fn revise(&mut self, frame: u32, own: Own) {
        let merge = |old: &mut Own| {
            let trigger = old.trigger;
            *old = own;
            old.trigger = old.trigger.or(trigger);
        };
        if let Ok(i) = self.whole.binary_search_by_key(&frame, |e| e.0) {
            merge(&mut self.whole[i].2.own);
        } else if let Ok(i) = self.owns.binary_search_by_key(&frame, |e| e.0) {
            merge(&mut self.owns[i].1);
        } else if self.dense.find(&frame, |d| d.frame).is_some() {
            let i = self.owns.partition_point(|e| e.0 < frame);
            self.owns.insert(i, (frame, own));
        }
    }

    /// Keeps the verdict of `frame` (1-based, increasing). `bases` are the stream's base
    /// sequence numbers `[client, server]` after the frame.
    pub fn push(
        &mut self,
        frame: u32,
        seg: &TcpSegment<'_>,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        bases: [Option<u32>; 2],
    ) {
        if seg.encap.layers().any(|l| l == Layer::IpFrag) {
            self.reassembled.push((frame, seg.detached()));
        }
        let stream = rec.stream as usize;
        while self.streams.len <= stream {
            self.streams.push(StreamInfo::default());
        }
        let info = self.streams.get_mut(stream).expect("just grown");
        let old = info.bases();
        if (0..2).any(|i| old[i].is_some_and(|b| bases[i] != Some(b))) {
            self.rebases
                .entry(rec.stream)
                .or_default()
                .push((frame, old));
        }
        info.bases = bases.map(|b| b.unwrap_or(0));
        info.set = u8::from(bases[0].is_some()) | u8::from(bases[1].is_some()) << 1;
        if let Some(irtt) = an.initial_rtt_ns.and_then(|x| u32::try_from(x).ok()) {
            if info.irtt_ns == 0 {
                info.irtt_ns = irtt;
            }
        }

        let Some(dense) = self.pack(frame, rec, an) else {
            self.whole.push((frame, *rec, *an));
            return;
        };
        // Check the compact form against the original before trusting it.
        let sparse = Sparse {
            acks: an.acks_frame.zip(an.ack_rtt_ns),
            dup: an.dup_ack_num.zip(an.dup_ack_frame),
            rto: an.rto_frame.zip(an.rto_ns),
            expected_seq: an.expected_seq,
            own: an.own,
            copy_of: an.copy_of,
            flight: (
                an.bytes_in_flight.unwrap_or(0),
                an.push_bytes_sent.unwrap_or(0),
            ),
        };
        let rebuilt = self.unpack(&dense, seg, sparse);
        if rebuilt != (*rec, *an) {
            self.whole.push((frame, *rec, *an));
            return;
        }
        self.dense.push(dense);
        if dense.extra & (HAS_BYTES_IN_FLIGHT | HAS_PUSH_BYTES) != 0 {
            let flight = sparse.flight;
            self.flight.push((frame, flight.0, flight.1));
        }
        if let (Some(f), Some(rtt)) = (an.acks_frame, an.ack_rtt_ns) {
            self.acks.push((frame, f, rtt as u32));
        }
        if let (Some(n), Some(f)) = (an.dup_ack_num, an.dup_ack_frame) {
            self.dups.push((frame, n, f));
        }
        if let (Some(f), Some(rto)) = (an.rto_frame, an.rto_ns) {
            self.rtos.push((frame, f, rto));
        }
        if let Some(x) = an.expected_seq {
            self.gaps.push((frame, x));
        }
        if an.own != Own::default() {
            self.owns.push((frame, an.own));
        }
        if let Some(c) = an.copy_of {
            self.copies.push((frame, c));
        }
    }

    fn pack(&self, frame: u32, rec: &FrameRecord, an: &FrameAnalysis) -> Option<Dense> {
        // Pairs that must come together, and an RTT that fits 32 bits.
        if an.dup_ack_num.is_some() != an.dup_ack_frame.is_some()
            || an.ack_rtt_ns.is_some_and(|x| u32::try_from(x).is_err())
            || an.rto_frame.is_some() != an.rto_ns.is_some()
            || an.acks_frame.is_some() != an.ack_rtt_ns.is_some()
            || an.initial_rtt_ns.is_some_and(|x| {
                Some(x)
                    != self
                        .streams
                        .get(rec.stream as usize)
                        .map(|s| i64::from(s.irtt_ns))
            })
        {
            return None;
        }
        let mut extra = 0;
        if let Some(scaled) = an.window_scaled {
            extra |= HAS_WINDOW_SCALED | window_shift(rec.window, scaled)?;
        }
        if an.bytes_in_flight.is_some() {
            extra |= HAS_BYTES_IN_FLIGHT;
        }
        if an.push_bytes_sent.is_some() {
            extra |= HAS_PUSH_BYTES;
        }
        if an.initial_rtt_ns.is_some() {
            extra |= HAS_INITIAL_RTT;
        }
        Some(Dense {
            frame,
            stream: rec.stream,
            verdicts: an.verdicts.0,
            lifecycle: lifecycle_code(rec),
            states: (rec.client_state as u8) | (rec.server_state as u8) << 4,
            bits: rec.bits,
            completeness: an.completeness.map_or(0, |c| (c & 0x3F) | HAS_COMPLETENESS),
            extra,
        })
    }

    /// The bases frame `frame` of `stream` was shown with: those of the first re-base
    /// after it, else the stream's latest.
    fn bases_at(&self, stream: u32, frame: u32) -> [Option<u32>; 2] {
        let earlier = self.rebases.get(&stream).and_then(|list| {
            let i = list.partition_point(|r| r.0 <= frame);
            list.get(i).map(|r| r.1)
        });
        earlier
            .or_else(|| self.streams.get(stream as usize).map(StreamInfo::bases))
            .unwrap_or([None, None])
    }

    fn unpack(
        &self,
        d: &Dense,
        seg: &TcpSegment<'_>,
        sparse: Sparse,
    ) -> (FrameRecord, FrameAnalysis) {
        let (handshake, teardown, event, rst_from) = lifecycle_of(d.lifecycle);
        let sender = usize::from(!d.bits.has(RecordBits::FROM_CLIENT));
        let bases = self.bases_at(d.stream, d.frame);
        let relative = d.bits.has(RecordBits::RELATIVE);
        let (mut seq, mut ack) = (seg.seq, seg.ack);
        if relative {
            seq = seq.wrapping_sub(bases[sender].unwrap_or(0));
            if let (true, Some(b)) = (seg.flags.ack(), bases[1 - sender]) {
                ack = ack.wrapping_sub(b);
            }
        }
        let len = match seg.kind {
            SegmentKind::HeaderOnly | SegmentKind::IcmpQuoted(_) => 0,
            _ => seg.seg_len,
        };
        let next_seq = if seg.kind == SegmentKind::Complete {
            let control = u32::from(seg.flags.syn() || seg.flags.fin());
            seq.wrapping_add(seg.seg_len).wrapping_add(control)
        } else {
            0
        };
        let rec = FrameRecord {
            stream: d.stream,
            seq,
            ack,
            seq_raw: seg.seq,
            ack_raw: seg.ack,
            len,
            next_seq,
            window: seg.window,
            tcp_flags: seg.flags,
            analysis: if seg.kind == SegmentKind::Complete {
                d.verdicts
            } else {
                0
            },
            handshake,
            teardown,
            event,
            rst_from,
            client_state: TcpState::from_u8(d.states & 0xF).unwrap_or_default(),
            server_state: TcpState::from_u8(d.states >> 4).unwrap_or_default(),
            bits: d.bits,
            malformed: seg.malformed,
            encap: seg.encap,
        };
        let an = FrameAnalysis {
            own: sparse.own,
            copy_of: sparse.copy_of,
            verdicts: Verdicts(d.verdicts),
            dup_ack_num: sparse.dup.map(|e| e.0),
            dup_ack_frame: sparse.dup.map(|e| e.1),
            acks_frame: sparse.acks.map(|e| e.0),
            ack_rtt_ns: sparse.acks.map(|e| e.1),
            initial_rtt_ns: (d.extra & HAS_INITIAL_RTT != 0).then(|| {
                self.streams
                    .get(d.stream as usize)
                    .map_or(0, |s| i64::from(s.irtt_ns))
            }),
            bytes_in_flight: (d.extra & HAS_BYTES_IN_FLIGHT != 0).then_some(sparse.flight.0),
            push_bytes_sent: (d.extra & HAS_PUSH_BYTES != 0).then_some(sparse.flight.1),
            rto_ns: sparse.rto.map(|e| e.1),
            rto_frame: sparse.rto.map(|e| e.0),
            expected_seq: sparse.expected_seq,
            window_scaled: (d.extra & HAS_WINDOW_SCALED != 0)
                .then(|| u32::from(seg.window) << (d.extra & 0xF)),
            completeness: (d.completeness & HAS_COMPLETENESS != 0).then_some(d.completeness & 0x3F),
        };
        (rec, an)
    }

    /// The verdict pushed for `frame`, rebuilt with the frame's segment decoded again.
    pub fn get(&self, frame: u32, seg: &TcpSegment<'_>) -> Option<(FrameRecord, FrameAnalysis)> {
        if let Ok(i) = self.whole.binary_search_by_key(&frame, |e| e.0) {
            let (_, rec, an) = self.whole[i];
            return Some((rec, an));
        }
        let d = self.dense.find(&frame, |d| d.frame)?;
        let rto = self
            .rtos
            .binary_search_by_key(&frame, |e| e.0)
            .ok()
            .map(|i| (self.rtos[i].1, self.rtos[i].2));
        let dup = self
            .dups
            .binary_search_by_key(&frame, |e| e.0)
            .ok()
            .map(|i| (self.dups[i].1, self.dups[i].2));
        let sparse = Sparse {
            acks: self
                .acks
                .find(&frame, |e| e.0)
                .map(|e| (e.1, i64::from(e.2))),
            dup,
            rto,
            expected_seq: self
                .gaps
                .binary_search_by_key(&frame, |e| e.0)
                .ok()
                .map(|i| self.gaps[i].1),
            own: self
                .owns
                .binary_search_by_key(&frame, |e| e.0)
                .map_or(Own::default(), |i| self.owns[i].1),
            copy_of: self
                .copies
                .binary_search_by_key(&frame, |e| e.0)
                .ok()
                .map(|i| self.copies[i].1),
            flight: self
                .flight
                .find(&frame, |e| e.0)
                .map_or((0, 0), |e| (e.1, e.2)),
        };
        Some(self.unpack(d, seg, sparse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revised_own_verdict_is_what_a_later_pass_reads() {
        use crate::verdict::{Evidence, EvidenceKind, OwnVerdict, Trigger};
        let mut a = Analyzer::new();
        let mut store = FrameStore::new();
        let seg = crate::synth::SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
            .flags("PA")
            .seq(1)
            .payload(&[1; 10]);
        let raw = seg.raw();
        let Outcome::Tcp {
            segment,
            record,
            mut analysis,
        } = a.process(LinkType::Raw, &raw, raw.len() as u32, 0)
        else {
            panic!("not TCP")
        };
        analysis.own = Own {
            verdict: Some(OwnVerdict::Retransmission),
            evidence: Evidence::of(&[EvidenceKind::Vantage]),
            trigger: Some(Trigger::Sack),
            basis: None,
        };
        store.push(1, &segment, &record, &analysis, [Some(1), None]);
        let settled = Own {
            verdict: Some(OwnVerdict::SpuriousRetransmission),
            evidence: Evidence::of(&[EvidenceKind::Dsack, EvidenceKind::Vantage]),
            trigger: None,
            basis: Some(crate::verdict::Basis::Dsack {
                frame: 9,
                left: 1,
                right: 11,
            }),
        };
        store.revise(1, settled);
        let (_, an) = store.get(1, &segment).expect("kept");
        assert_eq!(
            an.own,
            Own {
                trigger: Some(Trigger::Sack),
                ..settled
            }
        );
    }
    use crate::wire::{decode, Decoded, LinkType};
    use crate::{Analyzer, Outcome};

    /// Classic little-endian pcap with µs or ns timestamps: (linktype, ts_ns, bytes, orig_len).
    fn read_pcap(b: &[u8]) -> Vec<(u32, i64, &[u8], u32)> {
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().expect("4 bytes"));
        let nanos = b[..4] == [0x4D, 0x3C, 0xB2, 0xA1];
        let link = u32_at(20) & 0x0FFF_FFFF;
        let mut out = Vec::new();
        let mut o = 24;
        while o + 16 <= b.len() {
            let (secs, frac, caplen, orig) =
                (u32_at(o), u32_at(o + 4), u32_at(o + 8), u32_at(o + 12));
            let data = &b[o + 16..(o + 16 + caplen as usize).min(b.len())];
            let ts =
                i64::from(secs) * 1_000_000_000 + i64::from(frac) * if nanos { 1 } else { 1000 };
            out.push((link, ts, data, orig));
            o += 16 + caplen as usize;
        }
        out
    }

    /// Pushes every frame of a pcap through an analyzer and the store, then checks that
    /// every frame comes back exactly. Returns (TCP frames, store bytes).
    fn round_trip(pcap: &[u8]) -> (usize, usize) {
        let frames = read_pcap(pcap);
        let mut a = Analyzer::new();
        let mut store = FrameStore::new();
        let mut expected = Vec::new();
        for (i, (link, ts, data, orig)) in frames.iter().enumerate() {
            let frame = i as u32 + 1;
            if let Outcome::Tcp {
                segment,
                record,
                analysis,
            } = a.process_linktype(*link, data, *orig, *ts)
            {
                let conv = a.conversations().get(record.stream).expect("stream exists");
                store.push(
                    frame,
                    &segment,
                    &record,
                    &analysis,
                    conv.flows.map(|f| f.base_seq),
                );
                expected.push((frame, record, analysis));
            }
        }
        for (frame, rec, an) in &expected {
            let (link, _, data, orig) = &frames[*frame as usize - 1];
            let Some(link) = LinkType::from_linktype(*link) else {
                panic!("frame {frame}: link type");
            };
            let seg = match decode(link, data, *orig) {
                Ok(Decoded::Tcp(seg)) => seg,
                Ok(Decoded::Fragment(_)) => store
                    .reassembled(*frame)
                    .unwrap_or_else(|| panic!("frame {frame}: reassembled segment kept")),
                _ => panic!("frame {frame} decoded before"),
            };
            let got = store.get(*frame, &seg);
            assert_eq!(got, Some((*rec, *an)), "frame {frame}");
        }
        assert!(
            store.whole.len() * 100 <= expected.len().max(100),
            "{} of {} frames did not fit the compact form",
            store.whole.len(),
            expected.len()
        );
        (expected.len(), store.used_bytes())
    }

    #[test]
    fn every_bundled_capture_round_trips_exactly_in_at_most_32_bytes_a_frame() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/captures");
        let (mut files, mut frames, mut used) = (0, 0, 0);
        for entry in std::fs::read_dir(dir).expect("tests/captures") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            if bytes.starts_with(&[0xD4, 0xC3, 0xB2, 0xA1])
                || bytes.starts_with(&[0x4D, 0x3C, 0xB2, 0xA1])
            {
                let (f, b) = round_trip(&bytes);
                (files, frames, used) = (files + 1, frames + f, used + b);
            }
        }
        assert!(files >= 10, "only {files} classic pcap files found");
        assert!(used <= 32 * frames, "{used} bytes for {frames} frames");
    }

    #[test]
    fn lifecycle_codes_round_trip() {
        let mut rec = FrameRecord {
            stream: 0,
            seq: 0,
            ack: 0,
            seq_raw: 0,
            ack_raw: 0,
            len: 0,
            next_seq: 0,
            window: 0,
            tcp_flags: Default::default(),
            analysis: 0,
            handshake: None,
            teardown: None,
            event: Event::None,
            rst_from: None,
            client_state: TcpState::Closed,
            server_state: TcpState::Closed,
            bits: RecordBits::default(),
            malformed: None,
            encap: Default::default(),
        };
        for hs in [
            None,
            Some(Handshake::Syn),
            Some(Handshake::SynAck),
            Some(Handshake::Ack),
        ] {
            for td in [
                None,
                Some(Teardown::Fin),
                Some(Teardown::LastAck),
                Some(Teardown::AckAndFin),
            ] {
                for ev in Event::ALL {
                    for rst in [None, Some(TcpState::Closed), Some(TcpState::TimeWait)] {
                        (rec.handshake, rec.teardown, rec.event, rec.rst_from) = (hs, td, ev, rst);
                        assert_eq!(lifecycle_of(lifecycle_code(&rec)), (hs, td, ev, rst));
                    }
                }
            }
        }
    }

    #[test]
    fn window_shift_finds_the_power_of_two() {
        assert_eq!(window_shift(502, 502 << 7), Some(7));
        assert_eq!(window_shift(502, 502), Some(0));
        assert_eq!(window_shift(502, 1000), None);
        assert_eq!(window_shift(0, 0), Some(0));
    }
}
