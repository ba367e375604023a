//! Per-connection diagnosis: likely causes, each with the frames that show it.
//!
//! A [`Diagnoser`] is fed every TCP frame's record and analysis in capture order and
//! reasons across packets the way an engineer reading the capture does ("a gap, two
//! duplicate ACKs, then a fast retransmission: the segment was lost before the capture
//! point"). Each rule is a small function over a fixed-size per-conversation state; a
//! [`Finding`] is emitted on the frame that completes its evidence, so a one-pass host
//! (tshark without `-2`) can attach it while dissecting that frame. End-of-capture
//! findings (a handshake that never completed, a window still closed) come from
//! [`Diagnoser::finish`]. `docs/diagnosis.md` lists the rules and their evidence.

use core::fmt::{self, Write};
use std::collections::HashMap;

use crate::analysis::{FrameAnalysis, Verdict};
use crate::explain::Lang;
use crate::lifecycle::{Event, Handshake, Side, TcpState};
use crate::record::FrameRecord;
use crate::seq::{gt, lt};

/// One diagnosis rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cause {
    /// A gap in the sender's bytes, (duplicate ACKs,) then a retransmission that fills it:
    /// the segment was lost before the capture point.
    SegmentLostBeforeCapture = 1,
    /// A segment the capture saw is sent again after duplicate ACKs or a timeout: it (or
    /// its ACK) was lost beyond the capture point.
    SegmentLostAfterCapture = 2,
    /// A spurious retransmission of bytes already acknowledged: the ACK was lost or late.
    AckLost = 3,
    /// Out-of-order bytes that were not retransmitted: the network reordered them.
    Reordering = 4,
    /// An ACK covers bytes the capture never saw: the capture point missed packets.
    CaptureMissedPackets = 5,
    /// The connection's first frame is not a SYN.
    MidConnectionStart = 6,
    /// The receiver advertised a zero window: how long it stayed closed, with the probes.
    ReceiverWindowExhausted = 7,
    /// Keep-alives on a connection without data.
    KeepAliveIdle = 8,
    /// An RST while data was unacknowledged.
    ResetWithUnackedData = 9,
    /// A new connection on the 4-tuple of an earlier one.
    PortReuse = 10,
    /// SYNs without any answer.
    HandshakeNoAnswer = 11,
    /// A SYN answered by RST.
    HandshakeRefused = 12,
    /// A SYN-ACK that never got the final ACK.
    HandshakeUnfinished = 13,
}

impl Cause {
    pub const ALL: [Cause; 13] = [
        Cause::SegmentLostBeforeCapture,
        Cause::SegmentLostAfterCapture,
        Cause::AckLost,
        Cause::Reordering,
        Cause::CaptureMissedPackets,
        Cause::MidConnectionStart,
        Cause::ReceiverWindowExhausted,
        Cause::KeepAliveIdle,
        Cause::ResetWithUnackedData,
        Cause::PortReuse,
        Cause::HandshakeNoAnswer,
        Cause::HandshakeRefused,
        Cause::HandshakeUnfinished,
    ];

    /// The snake_case key used in JSON output and expert-info names.
    pub fn name(self) -> &'static str {
        match self {
            Cause::SegmentLostBeforeCapture => "segment_lost_before_capture",
            Cause::SegmentLostAfterCapture => "segment_lost_after_capture",
            Cause::AckLost => "ack_lost",
            Cause::Reordering => "reordering",
            Cause::CaptureMissedPackets => "capture_missed_packets",
            Cause::MidConnectionStart => "mid_connection_start",
            Cause::ReceiverWindowExhausted => "receiver_window_exhausted",
            Cause::KeepAliveIdle => "keep_alive_idle",
            Cause::ResetWithUnackedData => "reset_with_unacked_data",
            Cause::PortReuse => "port_reuse",
            Cause::HandshakeNoAnswer => "handshake_no_answer",
            Cause::HandshakeRefused => "handshake_refused",
            Cause::HandshakeUnfinished => "handshake_unfinished",
        }
    }

    /// A short title in `lang` (expert-info summaries, table headings).
    pub fn title(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Cause::SegmentLostBeforeCapture) => "Segment lost before the capture point",
            (Lang::En, Cause::SegmentLostAfterCapture) => "Segment lost after the capture point",
            (Lang::En, Cause::AckLost) => "ACK lost or late",
            (Lang::En, Cause::Reordering) => "Reordering in the network",
            (Lang::En, Cause::CaptureMissedPackets) => "The capture point missed packets",
            (Lang::En, Cause::MidConnectionStart) => "Capture started mid-connection",
            (Lang::En, Cause::ReceiverWindowExhausted) => "Receiver window exhausted",
            (Lang::En, Cause::KeepAliveIdle) => "Keep-alive idling",
            (Lang::En, Cause::ResetWithUnackedData) => "Reset with unacknowledged data",
            (Lang::En, Cause::PortReuse) => "Port reuse",
            (Lang::En, Cause::HandshakeNoAnswer) => "Handshake never answered",
            (Lang::En, Cause::HandshakeRefused) => "Connection refused",
            (Lang::En, Cause::HandshakeUnfinished) => "Handshake never completed",
            (Lang::Zh, Cause::SegmentLostBeforeCapture) => "分段在抓包点之前丢失",
            (Lang::Zh, Cause::SegmentLostAfterCapture) => "分段在抓包点之后丢失",
            (Lang::Zh, Cause::AckLost) => "ACK 丢失或迟到",
            (Lang::Zh, Cause::Reordering) => "网络乱序",
            (Lang::Zh, Cause::CaptureMissedPackets) => "抓包点漏抓了数据包",
            (Lang::Zh, Cause::MidConnectionStart) => "抓包从连接中途开始",
            (Lang::Zh, Cause::ReceiverWindowExhausted) => "接收窗口耗尽",
            (Lang::Zh, Cause::KeepAliveIdle) => "空闲连接的保活",
            (Lang::Zh, Cause::ResetWithUnackedData) => "带着未确认数据的重置",
            (Lang::Zh, Cause::PortReuse) => "端口复用",
            (Lang::Zh, Cause::HandshakeNoAnswer) => "三次握手无应答",
            (Lang::Zh, Cause::HandshakeRefused) => "连接被拒绝",
            (Lang::Zh, Cause::HandshakeUnfinished) => "三次握手未完成",
        }
    }

    pub fn from_u8(v: u8) -> Option<Cause> {
        Cause::ALL.get(usize::from(v).checked_sub(1)?).copied()
    }
}

/// At most this many evidence frames of one kind are kept per conversation (the first ones).
const MAX_EVIDENCE: usize = 4;

/// One likely cause in one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub stream: u32,
    pub cause: Cause,
    /// The frame where the cause shows (the one that completes the evidence).
    pub frame: u32,
    /// The evidence frames, ascending (`frame` among them).
    pub frames: Vec<u32>,
    /// The endpoint the cause is about: the sender of the lost, resent or reordered bytes,
    /// the receiver whose window closed, the side that reset or sent the keep-alives.
    pub side: Side,
    /// The earlier frame the text names: where the gap, the covering ACK, the zero window,
    /// the last data or the first SYN was.
    pub ref_frame: Option<u32>,
    /// A relative sequence number: the first missing, resent or reordered byte.
    pub seq: u32,
    /// Bytes: missing, resent, reordered, or unacknowledged from `side`.
    pub bytes: u32,
    /// Unacknowledged bytes from the other side (resets).
    pub peer_bytes: u32,
    /// Duplicate ACKs, zero-window probes, or SYNs.
    pub count: u32,
    /// How long: the window stayed closed, the connection idled, the SYNs were repeated.
    pub duration_ns: i64,
    /// The loss was repaired by fast retransmission (not by a timeout).
    pub fast: bool,
    /// The condition still held at the end of the capture (a window never reopened).
    pub unresolved: bool,
}

impl Finding {
    fn new(stream: u32, cause: Cause, frame: u32, side: Side) -> Finding {
        Finding {
            stream,
            cause,
            frame,
            frames: vec![frame],
            side,
            ref_frame: None,
            seq: 0,
            bytes: 0,
            peer_bytes: 0,
            count: 0,
            duration_ns: 0,
            fast: false,
            unresolved: false,
        }
    }

    fn with_frames(mut self, extra: impl IntoIterator<Item = u32>) -> Finding {
        self.frames.extend(extra);
        self.frames.sort_unstable();
        self.frames.dedup();
        self
    }

    /// Writes the diagnosis as one or two sentences in `lang`.
    pub fn write_text(&self, lang: Lang, out: &mut impl Write) -> fmt::Result {
        match lang {
            Lang::En => en::text(self, out),
            Lang::Zh => zh::text(self, out),
        }
    }
}

/// Seconds with three decimals, from nanoseconds, in integer arithmetic.
struct Secs(i64);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let ms = self.0.unsigned_abs() / 1_000_000;
        write!(f, "{sign}{}.{:03} s", ms / 1_000, ms % 1_000)
    }
}

/// A list of frame numbers: "3, 4, 5" (or "3、4、5").
struct FrameList<'a>(&'a [u32], &'static str);

impl fmt::Display for FrameList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

/// A few frame numbers, without a heap.
#[derive(Debug, Clone, Copy, Default)]
struct Frames {
    list: [u32; MAX_EVIDENCE],
    /// How many were seen (may exceed the kept ones).
    seen: u32,
}

impl Frames {
    fn push(&mut self, frame: u32) {
        if let Some(slot) = self.list.get_mut(self.seen as usize) {
            *slot = frame;
        }
        self.seen = self.seen.saturating_add(1);
    }
    fn kept(&self) -> &[u32] {
        &self.list[..(self.seen as usize).min(MAX_EVIDENCE)]
    }
    fn clear(&mut self) {
        self.seen = 0;
    }
}

/// Bytes of one direction the capture has not seen: `[start, end)` in relative sequence
/// numbers, opened by the `lost_segment` frame `frame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hole {
    frame: u32,
    start: u32,
    end: u32,
}

/// The first bytes of a hole that a segment fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fill {
    /// The frame that showed the hole.
    frame: u32,
    /// The first byte filled.
    seq: u32,
    bytes: u32,
}

/// The holes of one direction, at most [`MAX_EVIDENCE`] (later ones are not tracked).
#[derive(Debug, Clone, Copy, Default)]
struct Holes {
    list: [Option<Hole>; MAX_EVIDENCE],
}

impl Holes {
    fn open(&mut self, h: Hole) {
        if let Some(slot) = self.list.iter_mut().find(|x| x.is_none()) {
            *slot = Some(h);
        }
    }

    /// Removes `[seq, next)` from the holes; returns the lowest part that was filled.
    fn fill(&mut self, seq: u32, next: u32) -> Option<Fill> {
        let mut first: Option<Fill> = None;
        let mut split: Option<Hole> = None;
        for slot in self.list.iter_mut() {
            let Some(h) = *slot else { continue };
            if !(lt(seq, h.end) && gt(next, h.start)) {
                continue;
            }
            let from = if gt(seq, h.start) { seq } else { h.start };
            let to = if lt(next, h.end) { next } else { h.end };
            if first.is_none_or(|f| lt(from, f.seq)) {
                first = Some(Fill {
                    frame: h.frame,
                    seq: from,
                    bytes: to.wrapping_sub(from),
                });
            }
            *slot = match (gt(seq, h.start), lt(next, h.end)) {
                (false, false) => None,
                (false, true) => Some(Hole { start: next, ..h }),
                (true, false) => Some(Hole { end: seq, ..h }),
                (true, true) => {
                    split = Some(Hole { start: next, ..h });
                    Some(Hole { end: seq, ..h })
                }
            };
        }
        if let Some(h) = split {
            self.open(h);
        }
        first
    }

    /// Removes every hole below `ack` (acknowledged by the receiver); returns the lowest
    /// one's frame and first byte, and the bytes removed.
    fn acked(&mut self, ack: u32) -> Option<Fill> {
        let mut out: Option<Fill> = None;
        for slot in self.list.iter_mut() {
            let Some(h) = *slot else { continue };
            if !lt(h.start, ack) {
                continue;
            }
            let end = if lt(ack, h.end) { ack } else { h.end };
            let bytes = end.wrapping_sub(h.start);
            *slot = lt(ack, h.end).then_some(Hole { start: ack, ..h });
            out = Some(match out {
                None => Fill {
                    frame: h.frame,
                    seq: h.start,
                    bytes,
                },
                Some(f) if lt(h.start, f.seq) => Fill {
                    frame: h.frame,
                    seq: h.start,
                    bytes: f.bytes.saturating_add(bytes),
                },
                Some(f) => Fill {
                    bytes: f.bytes.saturating_add(bytes),
                    ..f
                },
            });
        }
        out
    }
}

/// A zero-window episode of one receiver.
#[derive(Debug, Clone, Copy)]
struct ZeroWindow {
    frame: u32,
    ts_ns: i64,
    /// The peer's last window-full frame before it, if any.
    window_full: Option<u32>,
    probes: Frames,
}

/// What the rules remember of one direction (`side` = the sender).
#[derive(Debug, Clone, Copy, Default)]
struct Dir {
    /// Highest relative next sequence number of this side's data.
    sent_next: Option<u32>,
    /// Highest relative ack this side sent, and the frame that first carried it.
    acked: Option<(u32, u32)>,
    last_data: Option<(u32, i64)>,
    /// The sequence number, length and time of this side's latest data segment.
    last_segment: Option<(u32, u32, i64)>,
    holes: Holes,
    /// Duplicate ACKs this side sent since its ack last moved.
    dup_acks: Frames,
    last_window_full: Option<u32>,
    zero_window: Option<ZeroWindow>,
    /// A keep-alive was already reported since this side's last data.
    idle_reported: bool,
    /// This side sent zero-window probes since its last full-size data: its one-byte
    /// segments are probes, not data to lose (RFC 9293 §3.8.6.1).
    probing: bool,
}

/// The bounded per-conversation state.
#[derive(Debug, Clone, Copy)]
struct Conv {
    syns: Frames,
    first_syn_ns: i64,
    last_syn_ns: i64,
    syn_ack: Option<u32>,
    established: bool,
    reset: bool,
    last_ns: i64,
    dirs: [Dir; 2],
}

impl Conv {
    fn new() -> Conv {
        Conv {
            syns: Frames::default(),
            first_syn_ns: 0,
            last_syn_ns: 0,
            syn_ack: None,
            established: false,
            reset: false,
            last_ns: 0,
            dirs: [Dir::default(); 2],
        }
    }
}

/// Feeds on frames, emits findings.
#[derive(Debug, Default)]
pub struct Diagnoser {
    convs: HashMap<u32, Conv>,
}

/// One frame as the rules see it.
struct Obs<'a> {
    frame: u32,
    ts_ns: i64,
    rec: &'a FrameRecord,
    an: &'a FrameAnalysis,
    side: Side,
}

impl Obs<'_> {
    fn has(&self, v: Verdict) -> bool {
        self.an.verdicts.has(v)
    }
    fn finding(&self, cause: Cause, side: Side) -> Finding {
        Finding::new(self.rec.stream, cause, self.frame, side)
    }
}

impl Diagnoser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything (a capture reload).
    pub fn reset(&mut self) {
        self.convs.clear();
    }

    /// Observes one TCP frame (1-based `frame`, capture time `ts_ns`); findings this frame
    /// completes are appended to `out`.
    pub fn observe(
        &mut self,
        frame: u32,
        ts_ns: i64,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        out: &mut Vec<Finding>,
    ) {
        if rec.is_icmp_quote() || rec.malformed.is_some() {
            return;
        }
        let o = Obs {
            frame,
            ts_ns,
            rec,
            an,
            side: rec.sender(),
        };
        let new = !self.convs.contains_key(&rec.stream);
        let c = self.convs.entry(rec.stream).or_insert_with(Conv::new);
        c.last_ns = c.last_ns.max(ts_ns);
        if new {
            mid_connection_start(&o, out);
        }
        port_reuse(&o, out);
        handshake(c, &o, out);
        window(c, &o, out);
        keep_alive(c, &o, out);
        retransmissions(c, &o, out);
        acked_unseen(c, &o, out);
        gaps_and_dup_acks(c, &o);
        reset(c, &o, out);
        track_bytes(c, &o);
    }

    /// End of capture: findings that need to know nothing more came.
    pub fn finish(&mut self, out: &mut Vec<Finding>) {
        let mut streams: Vec<u32> = self.convs.keys().copied().collect();
        streams.sort_unstable();
        for stream in streams {
            let Some(c) = self.convs.remove(&stream) else {
                continue;
            };
            unanswered_handshake(stream, &c, out);
            for side in [Side::Client, Side::Server] {
                if let Some(z) = c.dirs[side.idx()].zero_window {
                    let mut f = Finding::new(stream, Cause::ReceiverWindowExhausted, z.frame, side)
                        .with_frames(
                            z.window_full
                                .into_iter()
                                .chain(z.probes.kept().iter().copied()),
                        );
                    f.ref_frame = Some(z.frame);
                    f.count = z.probes.seen;
                    f.duration_ns = c.last_ns.saturating_sub(z.ts_ns);
                    f.unresolved = true;
                    out.push(f);
                }
            }
        }
    }
}

/// The first frame of a conversation is not a SYN: the capture began after the handshake.
fn mid_connection_start(o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.rec.handshake != Some(Handshake::Syn) {
        out.push(o.finding(Cause::MidConnectionStart, o.side));
    }
}

/// `tcp.analysis.reused_ports`: a new connection on an old 4-tuple.
fn port_reuse(o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.has(Verdict::ReusedPorts) {
        out.push(o.finding(Cause::PortReuse, o.side));
    }
}

/// Handshake bookkeeping; a server RST before the connection is established refuses it
/// (RFC 9293 §3.5.2: a SYN to a closed port is answered with RST).
fn handshake(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    match o.rec.handshake {
        Some(Handshake::Syn) => {
            if c.syns.seen == 0 {
                c.first_syn_ns = o.ts_ns;
            }
            c.syns.push(o.frame);
            c.last_syn_ns = o.ts_ns;
        }
        Some(Handshake::SynAck) => {
            c.syn_ack.get_or_insert(o.frame);
        }
        _ => {}
    }
    if [o.rec.client_state, o.rec.server_state].iter().any(|s| {
        !matches!(
            s,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynReceived
        )
    }) {
        c.established = true;
    }
    if o.rec.event == Event::Rst
        && !c.established
        && !c.reset
        && c.syns.seen > 0
        && o.side == Side::Server
    {
        c.reset = true;
        let mut f = o
            .finding(Cause::HandshakeRefused, Side::Client)
            .with_frames(c.syns.kept().iter().copied());
        f.ref_frame = c.syns.kept().first().copied();
        f.count = c.syns.seen;
        out.push(f);
    }
}

/// SYNs never answered, or a SYN-ACK never acknowledged, by the end of the capture.
fn unanswered_handshake(stream: u32, c: &Conv, out: &mut Vec<Finding>) {
    if c.established || c.reset || c.syns.seen == 0 {
        return;
    }
    let first = c.syns.kept()[0];
    let mut f = match c.syn_ack {
        None => Finding::new(stream, Cause::HandshakeNoAnswer, first, Side::Client)
            .with_frames(c.syns.kept().iter().copied()),
        Some(sa) => Finding::new(stream, Cause::HandshakeUnfinished, sa, Side::Client)
            .with_frames(c.syns.kept().iter().copied()),
    };
    f.ref_frame = Some(first);
    f.count = c.syns.seen;
    f.duration_ns = c.last_syn_ns.saturating_sub(c.first_syn_ns);
    out.push(f);
}

/// Zero-window episodes (RFC 9293 §3.8.6.1): from the first zero window to the first
/// non-zero window of the same receiver, with the sender's probes.
fn window(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    if o.has(Verdict::WindowFull) {
        c.dirs[me].last_window_full = Some(o.frame);
    }
    if o.has(Verdict::ZeroWindowProbe) {
        if let Some(z) = c.dirs[peer].zero_window.as_mut() {
            z.probes.push(o.frame);
        }
    }
    if o.has(Verdict::ZeroWindow) {
        if c.dirs[me].zero_window.is_none() {
            c.dirs[me].zero_window = Some(ZeroWindow {
                frame: o.frame,
                ts_ns: o.ts_ns,
                window_full: c.dirs[peer].last_window_full,
                probes: Frames::default(),
            });
        }
        return;
    }
    let f = o.rec.tcp_flags;
    if o.rec.window == 0 || f.syn() || f.rst() || !f.ack() {
        return;
    }
    if let Some(z) = c.dirs[me].zero_window.take() {
        let mut finding = o
            .finding(Cause::ReceiverWindowExhausted, o.side)
            .with_frames(
                [z.frame]
                    .into_iter()
                    .chain(z.window_full)
                    .chain(z.probes.kept().iter().copied()),
            );
        finding.ref_frame = Some(z.frame);
        finding.count = z.probes.seen;
        finding.duration_ns = o.ts_ns.saturating_sub(z.ts_ns);
        out.push(finding);
    }
}

/// The first keep-alive after the sender's last data: the connection idles.
fn keep_alive(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    if !o.has(Verdict::KeepAlive) || c.dirs[me].idle_reported {
        return;
    }
    if c.dirs[peer].zero_window.is_some() {
        // Into a zero window, a keep-alive-shaped segment is the persist timer's probe.
        return;
    }
    c.dirs[me].idle_reported = true;
    // The later of the two sides' last data is when the connection went quiet.
    let last = c
        .dirs
        .iter()
        .filter_map(|d| d.last_data)
        .max_by_key(|&(_, ts)| ts);
    let mut f = o
        .finding(Cause::KeepAliveIdle, o.side)
        .with_frames(last.map(|(fr, _)| fr));
    f.ref_frame = last.map(|(fr, _)| fr);
    f.duration_ns = last.map_or(0, |(_, ts)| o.ts_ns.saturating_sub(ts));
    out.push(f);
}

/// Retransmissions and out-of-order segments, read against the bytes the capture missed.
fn retransmissions(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    let spurious = o.has(Verdict::SpuriousRetransmission);
    let fast = o.has(Verdict::FastRetransmission);
    let rto = o.has(Verdict::Retransmission);
    let ooo = o.has(Verdict::OutOfOrder);
    if o.rec.len == 0 || o.rec.handshake.is_some() {
        return;
    }
    let (seq, next) = (o.rec.seq, o.rec.seq.wrapping_add(o.rec.len));
    // Every data segment fills what it covers; only the flagged ones say how it was missed.
    let filled = c.dirs[me].holes.fill(seq, next);
    if !(spurious || fast || rto || ooo) || probe(c, o) {
        return;
    }
    let dups = c.dirs[peer].dup_acks;
    if spurious {
        // The ACK that covered these bytes never reached the sender in time.
        let ack_frame = c.dirs[peer].acked.map(|(_, fr)| fr);
        let mut f = o.finding(Cause::AckLost, o.side).with_frames(ack_frame);
        f.ref_frame = ack_frame;
        f.seq = seq;
        f.bytes = o.rec.len;
        out.push(f);
        return;
    }
    match filled {
        Some(h) => {
            let cause = if ooo {
                Cause::Reordering
            } else {
                Cause::SegmentLostBeforeCapture
            };
            let mut f = o.finding(cause, o.side).with_frames([h.frame]);
            if cause == Cause::SegmentLostBeforeCapture {
                f = f.with_frames(dups.kept().iter().copied());
                f.count = dups.seen;
                f.fast = fast;
            }
            f.ref_frame = Some(h.frame);
            f.seq = h.seq;
            f.bytes = h.bytes;
            out.push(f);
        }
        None if ooo => {
            let mut f = o.finding(Cause::Reordering, o.side);
            f.seq = seq;
            f.bytes = o.rec.len;
            out.push(f);
        }
        None if copy_of_previous(c, o) => {
            // The same bytes again within a millisecond, unasked: the capture holds a
            // duplicate of the packet (a SPAN port, two interfaces), not a loss.
        }
        None => {
            let mut f = o
                .finding(Cause::SegmentLostAfterCapture, o.side)
                .with_frames(dups.kept().iter().copied());
            f.seq = seq;
            f.bytes = o.rec.len;
            f.count = dups.seen;
            f.fast = fast;
            out.push(f);
        }
    }
}

/// A one-byte segment while the receiver's window is closed, or any segment from a sender
/// that has been probing and not yet sent new data: a zero-window probe, its repetition, or
/// the resend of probe bytes the closed window dropped.
fn probe(c: &Conv, o: &Obs<'_>) -> bool {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    (o.rec.len == 1 && c.dirs[peer].zero_window.is_some()) || c.dirs[me].probing
}

/// No sender resends its latest segment within this time: a timeout takes at least
/// 200 ms on Linux (RFC 6298 §2.4 asks for 1 s), and a fast retransmission waits for
/// duplicate ACKs of the segment *before* the one just sent.
const DUPLICATE_WITHIN_NS: i64 = 1_000_000;

/// The same bytes as the sender's latest segment, less than [`DUPLICATE_WITHIN_NS`] after
/// it: the capture holds the packet twice.
fn copy_of_previous(c: &Conv, o: &Obs<'_>) -> bool {
    c.dirs[o.side.idx()]
        .last_segment
        .is_some_and(|(seq, len, ts)| {
            seq == o.rec.seq && len == o.rec.len && o.ts_ns.saturating_sub(ts) < DUPLICATE_WITHIN_NS
        })
}

/// `ack_lost_segment`: the receiver acknowledges bytes the capture did not see.
fn acked_unseen(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let peer = o.side.other();
    if !o.rec.tcp_flags.ack() || o.rec.event == Event::Rst {
        return;
    }
    let missed = c.dirs[peer.idx()].holes.acked(o.rec.ack);
    if !o.has(Verdict::AckLostSegment) || c.dirs[peer.idx()].probing {
        // An accepted zero-window probe is also "ACKed unseen" to Wireshark.
        return;
    }
    let mut f = o
        .finding(Cause::CaptureMissedPackets, peer)
        .with_frames(missed.map(|h| h.frame));
    f.ref_frame = missed.map(|h| h.frame);
    match missed {
        Some(h) => {
            f.seq = h.seq;
            f.bytes = h.bytes;
        }
        None => f.seq = o.rec.ack,
    }
    out.push(f);
}

/// Opens a hole on `lost_segment`; counts duplicate ACKs until the ack moves.
fn gaps_and_dup_acks(c: &mut Conv, o: &Obs<'_>) {
    let me = o.side.idx();
    if o.has(Verdict::ZeroWindowProbe) {
        c.dirs[me].probing = true;
    }
    if o.has(Verdict::LostSegment) && !probe(c, o) {
        if let Some(expected) = o.an.expected_seq {
            c.dirs[me].holes.open(Hole {
                frame: o.frame,
                start: expected,
                end: o.rec.seq,
            });
        }
    }
    if o.has(Verdict::DuplicateAck) {
        c.dirs[me].dup_acks.push(o.frame);
    }
    if o.rec.tcp_flags.ack() && o.rec.event != Event::Rst {
        let ack = o.rec.ack;
        let moved = c.dirs[me].acked.is_none_or(|(prev, _)| gt(ack, prev));
        if moved {
            c.dirs[me].acked = Some((ack, o.frame));
            c.dirs[me].dup_acks.clear();
        }
    }
}

/// An RST while bytes were unacknowledged in either direction (RFC 9293 §3.10.7.1: data
/// queued or in flight is lost on reset).
fn reset(c: &mut Conv, o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.rec.event != Event::Rst || c.reset {
        return;
    }
    c.reset = true;
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    let unacked = |sender: usize, receiver: usize| -> u32 {
        match (c.dirs[sender].sent_next, c.dirs[receiver].acked) {
            (Some(next), Some((ack, _))) if gt(next, ack) => next.wrapping_sub(ack),
            // Data never acknowledged at all: everything after the SYN.
            (Some(next), None) => next.wrapping_sub(1),
            _ => 0,
        }
    };
    let mine = unacked(me, peer);
    // The RST's own ack (when it carries one) says what its sender had received.
    let theirs = match (c.dirs[peer].sent_next, o.rec.tcp_flags.ack()) {
        (Some(next), true) if gt(next, o.rec.ack) => next.wrapping_sub(o.rec.ack),
        (Some(_), true) => 0,
        _ => unacked(peer, me),
    };
    if mine == 0 && theirs == 0 {
        return;
    }
    let last = c
        .dirs
        .iter()
        .filter_map(|d| d.last_data)
        .max_by_key(|&(_, ts)| ts);
    let mut f = o
        .finding(Cause::ResetWithUnackedData, o.side)
        .with_frames(last.map(|(fr, _)| fr));
    f.ref_frame = last.map(|(fr, _)| fr);
    f.bytes = mine;
    f.peer_bytes = theirs;
    out.push(f);
}

/// Data bookkeeping after the rules: the highest byte sent and the last data frame.
fn track_bytes(c: &mut Conv, o: &Obs<'_>) {
    let me = o.side.idx();
    if o.rec.len > 0 {
        c.dirs[me].last_segment = Some((o.rec.seq, o.rec.len, o.ts_ns));
    }
    if o.rec.len == 0 || o.has(Verdict::KeepAlive) || o.has(Verdict::ZeroWindowProbe) {
        return;
    }
    let next = o.rec.seq.wrapping_add(o.rec.len);
    let d = &mut c.dirs[me];
    let resent = [
        Verdict::Retransmission,
        Verdict::FastRetransmission,
        Verdict::SpuriousRetransmission,
    ]
    .into_iter()
    .any(|v| o.has(v));
    if o.rec.len > 1 && !resent {
        d.probing = false;
    }
    if d.sent_next.is_none_or(|n| gt(next, n)) {
        d.sent_next = Some(next);
    }
    d.last_data = Some((o.frame, o.ts_ns));
    d.idle_reported = false;
}

mod en {
    use super::*;

    pub(super) fn text(f: &Finding, out: &mut impl Write) -> fmt::Result {
        let who = f.side.name();
        let peer = f.side.other().name();
        let fr = f.frame;
        let rf = f.ref_frame.unwrap_or(fr);
        let how = if f.fast {
            "by fast retransmission"
        } else {
            "after a timeout"
        };
        write!(out, "{}: ", f.cause.title(Lang::En))?;
        match f.cause {
            Cause::SegmentLostBeforeCapture => {
                write!(
                    out,
                    "the {who}'s {} bytes from seq {} never passed the capture point (the gap shows at frame {rf})",
                    f.bytes, f.seq
                )?;
                if f.count > 0 {
                    write!(out, "; the {peer} sent {} duplicate ACKs asking for byte {}", f.count, f.seq)?;
                }
                write!(out, ", and the {who} resent them at frame {fr} {how}.")
            }
            Cause::SegmentLostAfterCapture if f.count > 0 => write!(
                out,
                "the capture saw the {who}'s bytes from seq {}, but the {peer} sent {} duplicate ACKs asking for them, so they were lost between the capture point and the {peer}; frame {fr} resends them {how}.",
                f.seq, f.count
            ),
            Cause::SegmentLostAfterCapture => write!(
                out,
                "frame {fr} resends the {who}'s {} bytes from seq {} {how}; the capture saw them go out but no ACK had come back, so the segment was lost beyond the capture point or the {peer}'s ACK was lost or late.",
                f.bytes, f.seq
            ),
            Cause::AckLost => match f.ref_frame {
                Some(a) => write!(
                    out,
                    "frame {fr} resends the {who}'s {} bytes from seq {}, which the {peer} had already acknowledged in frame {a}; that ACK was probably lost or delayed on its way to the {who} (spurious retransmission).",
                    f.bytes, f.seq
                ),
                None => write!(
                    out,
                    "frame {fr} resends the {who}'s {} bytes from seq {}, which were already acknowledged; the ACK was probably lost or delayed on its way to the {who} (spurious retransmission).",
                    f.bytes, f.seq
                ),
            },
            Cause::Reordering => match f.ref_frame {
                Some(g) => write!(
                    out,
                    "the {who}'s bytes from seq {} arrive at frame {fr}, after later bytes at frame {g}, too soon to be a retransmission: the network delivered them out of order.",
                    f.seq
                ),
                None => write!(
                    out,
                    "the {who}'s {} bytes from seq {} arrive at frame {fr} after higher sequence numbers, too soon to be a retransmission: the network delivered them out of order.",
                    f.bytes, f.seq
                ),
            },
            Cause::CaptureMissedPackets => match f.ref_frame {
                Some(g) => write!(
                    out,
                    "frame {fr} from the {peer} acknowledges the {who}'s {} bytes from seq {} that the capture never saw (gap at frame {g}); they were delivered, the capture point dropped them.",
                    f.bytes, f.seq
                ),
                None => write!(
                    out,
                    "frame {fr} from the {peer} acknowledges the {who}'s bytes up to {}, beyond what the capture saw; they were delivered, the capture point dropped them.",
                    f.seq
                ),
            },
            Cause::MidConnectionStart => write!(
                out,
                "the first frame of this connection (frame {fr}, from the {who}) is not a SYN, so the handshake and the initial sequence numbers were not captured; relative numbers start from this frame."
            ),
            Cause::ReceiverWindowExhausted => {
                write!(out, "the {who} advertised a zero window at frame {rf}")?;
                if f.count > 0 {
                    write!(out, "; the {peer} sent {} zero-window probes", f.count)?;
                }
                if f.unresolved {
                    write!(out, "; the window was still closed at the end of the capture, {} later.", Secs(f.duration_ns))
                } else {
                    write!(out, "; it stayed closed for {} and reopened at frame {fr}.", Secs(f.duration_ns))
                }
            }
            Cause::KeepAliveIdle => match f.ref_frame {
                Some(d) => write!(
                    out,
                    "after {} without data (last data at frame {d}), the {who} checks with a keep-alive at frame {fr} that the {peer} is still there; the connection is idle, not broken.",
                    Secs(f.duration_ns)
                ),
                None => write!(
                    out,
                    "the connection carried no data; the {who} checks with a keep-alive at frame {fr} that the {peer} is still there."
                ),
            },
            Cause::ResetWithUnackedData => {
                write!(out, "the {who} aborted the connection with RST at frame {fr} while ")?;
                match (f.bytes, f.peer_bytes) {
                    (m, 0) => write!(out, "{m} bytes it had sent were not yet acknowledged")?,
                    (0, t) => write!(out, "{t} bytes from the {peer} were not yet acknowledged by it")?,
                    (m, t) => write!(out, "{m} bytes it had sent and {t} bytes from the {peer} were not yet acknowledged")?,
                }
                out.write_str("; data in flight is lost.")
            }
            Cause::PortReuse => write!(
                out,
                "frame {fr} opens a new connection (stream {}) on the addresses and ports of an earlier one; if the old one is not fully closed on the {peer}, the new SYN may be answered with the old state.",
                f.stream
            ),
            Cause::HandshakeNoAnswer => write!(
                out,
                "the {who} sent {} SYN(s) (frames {}) over {} and got no answer: the {peer} is unreachable, or a firewall drops the SYN or the answer.",
                f.count,
                FrameList(&f.frames, ", "),
                Secs(f.duration_ns)
            ),
            Cause::HandshakeRefused => write!(
                out,
                "the {peer} answered the SYN (frame {rf}) with RST at frame {fr}: nothing accepts connections on that port, or a firewall rejects them."
            ),
            Cause::HandshakeUnfinished => write!(
                out,
                "the {peer} answered the SYN (frame {rf}) with SYN-ACK at frame {fr}, but the {who} never sent the final ACK of the three-way handshake."
            ),
        }
    }
}

mod zh {
    use super::*;

    fn side(s: Side) -> &'static str {
        match s {
            Side::Client => "客户端",
            Side::Server => "服务器",
        }
    }

    pub(super) fn text(f: &Finding, out: &mut impl Write) -> fmt::Result {
        let who = side(f.side);
        let peer = side(f.side.other());
        let fr = f.frame;
        let rf = f.ref_frame.unwrap_or(fr);
        let how = if f.fast {
            "快速重传"
        } else {
            "超时重传"
        };
        write!(out, "{}：", f.cause.title(Lang::Zh))?;
        match f.cause {
            Cause::SegmentLostBeforeCapture => {
                write!(
                    out,
                    "{who}从 seq {} 开始的 {} 字节没有经过抓包点（第 {rf} 帧出现缺口）",
                    f.seq, f.bytes
                )?;
                if f.count > 0 {
                    write!(out, "，{peer}发送了 {} 个重复确认索要字节 {}", f.count, f.seq)?;
                }
                write!(out, "，{who}在第 {fr} 帧{how}了这些字节。")
            }
            Cause::SegmentLostAfterCapture if f.count > 0 => write!(
                out,
                "抓包点看到了{who}从 seq {} 开始的字节，但{peer}发送了 {} 个重复确认索要它们，说明它们在抓包点和{peer}之间丢失；第 {fr} 帧{how}。",
                f.seq, f.count
            ),
            Cause::SegmentLostAfterCapture => write!(
                out,
                "第 {fr} 帧{how}{who}从 seq {} 开始的 {} 字节；抓包点看到原始分段发出，但在此之前没有看到确认，说明分段在抓包点之后丢失，或{peer}的 ACK 丢失或迟到。",
                f.seq, f.bytes
            ),
            Cause::AckLost => match f.ref_frame {
                Some(a) => write!(
                    out,
                    "第 {fr} 帧重传了{who}从 seq {} 开始的 {} 字节，但{peer}已在第 {a} 帧确认过；这个 ACK 很可能在回到{who}的路上丢失或迟到了（虚假重传）。",
                    f.seq, f.bytes
                ),
                None => write!(
                    out,
                    "第 {fr} 帧重传了{who}从 seq {} 开始的 {} 字节，而它们已经被确认；ACK 很可能在回到{who}的路上丢失或迟到了（虚假重传）。",
                    f.seq, f.bytes
                ),
            },
            Cause::Reordering => match f.ref_frame {
                Some(g) => write!(
                    out,
                    "{who}从 seq {} 开始的字节在第 {fr} 帧才到达，晚于第 {g} 帧中更靠后的字节，间隔太短不可能是重传：网络把它们的顺序打乱了（乱序）。",
                    f.seq
                ),
                None => write!(
                    out,
                    "{who}从 seq {} 开始的 {} 字节在第 {fr} 帧才到达，晚于更大的序号，间隔太短不可能是重传：网络把它们的顺序打乱了（乱序）。",
                    f.seq, f.bytes
                ),
            },
            Cause::CaptureMissedPackets => match f.ref_frame {
                Some(g) => write!(
                    out,
                    "{peer}在第 {fr} 帧确认了{who}从 seq {} 开始的 {} 字节，而抓包中从未出现过它们（第 {g} 帧出现缺口）；这些字节已经送达，是抓包点漏抓了。",
                    f.seq, f.bytes
                ),
                None => write!(
                    out,
                    "{peer}在第 {fr} 帧确认了{who}到 {} 为止的字节，超出了抓包中看到的范围；这些字节已经送达，是抓包点漏抓了。",
                    f.seq
                ),
            },
            Cause::MidConnectionStart => write!(
                out,
                "这条连接的第一个包（第 {fr} 帧，来自{who}）不是 SYN，三次握手和初始序号没有被捕获，相对序号从这一帧开始计算。"
            ),
            Cause::ReceiverWindowExhausted => {
                write!(out, "{who}在第 {rf} 帧通告零窗口")?;
                if f.count > 0 {
                    write!(out, "，{peer}发送了 {} 个零窗口探测", f.count)?;
                }
                if f.unresolved {
                    write!(out, "；直到抓包结束（{} 之后）窗口仍未打开。", Secs(f.duration_ns))
                } else {
                    write!(out, "；窗口关闭了 {}，在第 {fr} 帧重新打开。", Secs(f.duration_ns))
                }
            }
            Cause::KeepAliveIdle => match f.ref_frame {
                Some(d) => write!(
                    out,
                    "连接已经 {} 没有数据（最后的数据在第 {d} 帧），{who}在第 {fr} 帧发送保活探测{peer}是否还在；连接只是空闲，并没有断开。",
                    Secs(f.duration_ns)
                ),
                None => write!(
                    out,
                    "连接没有传输过数据，{who}在第 {fr} 帧发送保活探测{peer}是否还在。"
                ),
            },
            Cause::ResetWithUnackedData => {
                write!(out, "{who}在第 {fr} 帧用 RST 中止连接时，")?;
                match (f.bytes, f.peer_bytes) {
                    (m, 0) => write!(out, "它发送的 {m} 字节还没有被确认")?,
                    (0, t) => write!(out, "{peer}发来的 {t} 字节它还没有确认")?,
                    (m, t) => write!(out, "它发送的 {m} 字节和{peer}发来的 {t} 字节都还没有被确认")?,
                }
                out.write_str("；在途数据随之丢失。")
            }
            Cause::PortReuse => write!(
                out,
                "第 {fr} 帧在旧连接用过的地址和端口上建立新连接（流 {}）；如果{peer}上的旧连接还没有完全关闭，新的 SYN 可能会按旧状态处理。",
                f.stream
            ),
            Cause::HandshakeNoAnswer => write!(
                out,
                "{who}在 {} 内发送了 {} 个 SYN（第 {} 帧），没有得到任何应答：{peer}不可达，或防火墙丢弃了 SYN 或应答。",
                Secs(f.duration_ns),
                f.count,
                FrameList(&f.frames, "、")
            ),
            Cause::HandshakeRefused => write!(
                out,
                "{peer}在第 {fr} 帧用 RST 回应了 SYN（第 {rf} 帧）：该端口上没有程序接受连接，或被防火墙拒绝。"
            ),
            Cause::HandshakeUnfinished => write!(
                out,
                "{peer}在第 {fr} 帧用 SYN+ACK 回应了 SYN（第 {rf} 帧），但{who}一直没有发送三次握手的最后一个 ACK。"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzer, Outcome};
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;

    const MS: i64 = 1_000_000;

    fn c(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.1:4000", "10.0.0.2:80")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }
    fn s(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.2:80", "10.0.0.1:4000")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }

    /// Runs frames (with times in ms) through the analyzer and a diagnoser.
    fn diagnose(frames: &[(SegBuilder, i64)]) -> Vec<Finding> {
        let mut a = Analyzer::new();
        let mut d = Diagnoser::new();
        let mut out = Vec::new();
        for (i, (b, t)) in frames.iter().enumerate() {
            let raw = b.raw();
            if let Outcome::Tcp {
                record, analysis, ..
            } = a.process(LinkType::Raw, &raw, raw.len() as u32, t * MS)
            {
                d.observe(i as u32 + 1, t * MS, &record, &analysis, &mut out);
            }
        }
        d.finish(&mut out);
        out
    }

    fn handshake() -> Vec<(SegBuilder, i64)> {
        vec![
            (c("S", 0, 0).window(8192), 0),
            (s("SA", 0, 1).window(8192), 10),
            (c("A", 1, 1).window(8192), 20),
        ]
    }

    fn only(f: &[Finding], cause: Cause) -> &Finding {
        let v: Vec<&Finding> = f.iter().filter(|x| x.cause == cause).collect();
        assert_eq!(v.len(), 1, "{cause:?} in {f:#?}");
        v[0]
    }

    fn both(f: &Finding) -> (String, String) {
        let (mut en, mut zh) = (String::new(), String::new());
        f.write_text(Lang::En, &mut en).unwrap();
        f.write_text(Lang::Zh, &mut zh).unwrap();
        (en, zh)
    }

    #[test]
    fn gap_dup_acks_then_fast_retransmission_is_a_loss_before_the_capture_point() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            // 101..201 lost before the capture point.
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (s("A", 1, 101), 110),
            (s("A", 1, 101), 111),
            (s("A", 1, 101), 112),
            (c("PA", 101, 1).payload(&[0; 100]), 113),
        ]);
        let f = diagnose(&p);
        let l = only(&f, Cause::SegmentLostBeforeCapture);
        assert_eq!(
            (l.frame, l.ref_frame, l.seq, l.bytes),
            (9, Some(5), 101, 100)
        );
        assert_eq!(l.frames, [5, 7, 8, 9]);
        assert_eq!(l.count, 2, "two duplicate ACKs");
        assert!(l.fast);
        let (en, zh) = both(l);
        assert_eq!(en, "Segment lost before the capture point: the client's 100 bytes from seq 101 never passed the capture point (the gap shows at frame 5); the server sent 2 duplicate ACKs asking for byte 101, and the client resent them at frame 9 by fast retransmission.");
        assert!(zh.starts_with("分段在抓包点之前丢失：客户端从 seq 101 开始的 100 字节没有经过抓包点（第 5 帧出现缺口）"), "{zh}");
    }

    #[test]
    fn a_gap_filled_quickly_without_retransmission_is_reordering() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (c("PA", 101, 1).payload(&[0; 100]), 101),
        ]);
        let f = diagnose(&p);
        let r = only(&f, Cause::Reordering);
        assert_eq!(
            (r.frame, r.ref_frame, r.frames.as_slice()),
            (6, Some(5), &[5, 6][..])
        );
        assert!(f.iter().all(|x| x.cause != Cause::SegmentLostBeforeCapture));
        let (en, zh) = both(r);
        assert!(en.contains("after later bytes at frame 5"), "{en}");
        assert!(zh.contains("乱序"), "{zh}");
    }

    #[test]
    fn resending_acknowledged_bytes_is_a_lost_ack() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (s("A", 1, 51), 110),
            (c("PA", 1, 1).payload(&[0; 50]), 400),
        ]);
        let f = diagnose(&p);
        let a = only(&f, Cause::AckLost);
        assert_eq!((a.frame, a.ref_frame, a.bytes), (6, Some(5), 50));
        let (en, zh) = both(a);
        assert!(en.contains("already acknowledged in frame 5"), "{en}");
        assert!(zh.contains("虚假重传"), "{zh}");
    }

    #[test]
    fn a_timeout_resend_of_a_seen_segment_is_a_loss_after_the_capture_point() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (c("PA", 1, 1).payload(&[0; 50]), 400),
        ]);
        let f = diagnose(&p);
        let l = only(&f, Cause::SegmentLostAfterCapture);
        assert_eq!((l.frame, l.count, l.fast), (5, 0, false));
        assert!(both(l).0.contains("after a timeout"));
    }

    #[test]
    fn a_packet_captured_twice_is_not_a_loss() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 50]), 100),
            (c("PA", 1, 1).payload(&[0; 50]), 100),
        ]);
        assert!(diagnose(&p).is_empty());
    }

    #[test]
    fn an_ack_over_a_gap_means_the_capture_missed_packets() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (c("PA", 201, 1).payload(&[0; 100]), 101),
            (s("A", 1, 301), 150),
        ]);
        let f = diagnose(&p);
        let m = only(&f, Cause::CaptureMissedPackets);
        assert_eq!(
            (m.frame, m.ref_frame, m.seq, m.bytes),
            (6, Some(5), 101, 100)
        );
        assert_eq!(m.side, Side::Client);
        let (en, zh) = both(m);
        assert!(en.contains("acknowledges the client's 100 bytes from seq 101 that the capture never saw (gap at frame 5)"), "{en}");
        assert!(zh.contains("漏抓"), "{zh}");
    }

    #[test]
    fn a_first_frame_without_syn_is_a_mid_connection_start() {
        let f = diagnose(&[
            (c("PA", 1000, 2000).payload(b"x"), 0),
            (s("A", 2000, 1001), 1),
        ]);
        let m = only(&f, Cause::MidConnectionStart);
        assert_eq!((m.frame, m.side), (1, Side::Client));
        assert!(diagnose(&handshake()).is_empty());
    }

    #[test]
    fn a_zero_window_episode_has_its_duration_and_probes() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (s("A", 1, 101).window(0), 110),
            (c("PA", 101, 1).payload(&[0; 1]), 400),
            (s("A", 1, 101).window(0), 410),
            (c("PA", 101, 1).payload(&[0; 1]), 1000),
            (s("A", 1, 101).window(0), 1010),
            (s("A", 1, 101).window(4096), 2110),
        ]);
        let f = diagnose(&p);
        let z = only(&f, Cause::ReceiverWindowExhausted);
        assert_eq!(
            (z.side, z.frame, z.ref_frame, z.count),
            (Side::Server, 10, Some(5), 2)
        );
        assert_eq!(z.duration_ns, 2_000 * MS);
        assert_eq!(z.frames, [5, 6, 8, 10]);
        let (en, zh) = both(z);
        assert_eq!(en, "Receiver window exhausted: the server advertised a zero window at frame 5; the client sent 2 zero-window probes; it stayed closed for 2.000 s and reopened at frame 10.");
        assert!(zh.contains("零窗口探测"), "{zh}");
    }

    #[test]
    fn a_window_still_closed_at_the_end_is_reported_by_finish() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (s("A", 1, 101).window(0), 110),
            (c("A", 101, 1), 5110),
        ]);
        let f = diagnose(&p);
        let z = only(&f, Cause::ReceiverWindowExhausted);
        assert!(z.unresolved);
        assert!(both(z)
            .0
            .contains("still closed at the end of the capture, 5.000 s later"));
    }

    #[test]
    fn a_keep_alive_after_idle_time_is_reported_once() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 10]), 100),
            (s("A", 1, 11), 110),
            (c("A", 10, 1), 45_110),
            (s("A", 1, 11), 45_111),
            (c("A", 10, 1), 90_110),
        ]);
        let f = diagnose(&p);
        let k = only(&f, Cause::KeepAliveIdle);
        assert_eq!((k.frame, k.ref_frame), (6, Some(4)));
        assert_eq!(k.duration_ns, 45_010 * MS);
        assert!(both(k).1.contains("保活"));
    }

    #[test]
    fn a_reset_with_bytes_in_flight_names_who_and_how_many() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 300]), 100),
            (s("PA", 1, 301).payload(&[0; 40]), 110),
            (c("RA", 301, 1), 120),
        ]);
        let f = diagnose(&p);
        let r = only(&f, Cause::ResetWithUnackedData);
        assert_eq!(
            (r.side, r.frame, r.bytes, r.peer_bytes),
            (Side::Client, 6, 0, 40)
        );
        let (en, zh) = both(r);
        assert!(
            en.contains("40 bytes from the server were not yet acknowledged by it"),
            "{en}"
        );
        assert!(zh.contains("服务器发来的 40 字节它还没有确认"), "{zh}");
        // A clean reset after everything was acknowledged says nothing.
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 300]), 100),
            (s("A", 1, 301), 110),
            (c("RA", 301, 1), 120),
        ]);
        assert!(diagnose(&p).is_empty());
    }

    #[test]
    fn handshakes_that_never_complete() {
        let f = diagnose(&[
            (c("S", 0, 0), 0),
            (c("S", 0, 0), 1000),
            (c("S", 0, 0), 3000),
        ]);
        let n = only(&f, Cause::HandshakeNoAnswer);
        assert_eq!(
            (n.count, n.frames.as_slice(), n.duration_ns),
            (3, &[1, 2, 3][..], 3000 * MS)
        );
        assert!(both(n)
            .0
            .contains("sent 3 SYN(s) (frames 1, 2, 3) over 3.000 s"));

        let f = diagnose(&[(c("S", 0, 0), 0), (s("RA", 0, 1), 1)]);
        let r = only(&f, Cause::HandshakeRefused);
        assert_eq!((r.frame, r.ref_frame), (2, Some(1)));
        assert!(both(r).1.starts_with("连接被拒绝："));
        assert!(f.iter().all(|x| x.cause != Cause::HandshakeNoAnswer));

        let f = diagnose(&[(c("S", 0, 0), 0), (s("SA", 0, 1), 1)]);
        assert_eq!(only(&f, Cause::HandshakeUnfinished).frame, 2);
    }

    #[test]
    fn a_syn_on_a_used_four_tuple_is_port_reuse() {
        let f = diagnose(&[
            (c("S", 0, 0), 0),
            (s("RA", 0, 1), 1),
            (c("S", 5000, 0), 2000),
        ]);
        let p = only(&f, Cause::PortReuse);
        assert_eq!((p.frame, p.stream), (3, 1));
    }

    #[test]
    fn every_cause_has_a_key_and_titles_in_both_languages() {
        let mut keys = std::collections::HashSet::new();
        for (i, c) in Cause::ALL.into_iter().enumerate() {
            assert_eq!(Cause::from_u8(c as u8), Some(c));
            assert_eq!(c as usize, i + 1);
            assert!(keys.insert(c.name()));
            assert!(c
                .name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(c.title(Lang::Zh).chars().any(|ch| ch > '\u{2e80}'));
            assert!(c.title(Lang::En).is_ascii());
            let f = Finding::new(0, c, 1, Side::Client);
            let (en, zh) = both(&f);
            assert!(en.starts_with(c.title(Lang::En)) && zh.starts_with(c.title(Lang::Zh)));
        }
        assert_eq!(Cause::from_u8(0), None);
    }
}
