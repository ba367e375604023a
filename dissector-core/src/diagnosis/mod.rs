//! Per-connection diagnosis: likely causes, each with the frames that show it.
//!
//! The analyzer, with the diagnosis on ([`Analyzer::diagnose`](crate::Analyzer::diagnose)),
//! hands every TCP frame's record and analysis, in capture order, to its `Diagnoser`, which
//! reasons across packets the way an engineer reading the capture does ("a gap, two
//! duplicate ACKs, then a fast retransmission: the segment was lost before the capture
//! point").
//!
//! - The engine (this file) runs the rules of one table (`rules::RULES`) in order over the
//!   conversation's bounded [`State`], which lives in the conversation itself: created when
//!   the diagnosis first observes it, evicted with it (its end-of-capture findings come out
//!   then), bounded by `--max-conns` like the rest of the conversation.
//! - Each rule is one file under `rules/`, with its tests built from a few packets.
//! - Before the rules, `duplicates` sets aside a frame that is the capture's copy of a
//!   packet seen shortly before (a SPAN port, two taps): it is counted for the
//!   `capture_duplicates` finding and shown to no rule, so copies are never losses.
//! - A [`Finding`] is emitted on the frame that completes its evidence, so a one-pass host
//!   (tshark without `-2`) can attach it while dissecting that frame; its [`Detail`] carries
//!   what that cause needs to be told. End-of-capture findings (a handshake that never
//!   completed, a window still closed) come when the conversation ends: evicted, or at
//!   [`Analyzer::finish_diagnosis`](crate::Analyzer::finish_diagnosis).
//! - [`CAUSES`] is the one table of the causes' keys; the words are in the text module
//!   ([`DiagnosisWords`](crate::text::DiagnosisWords)), chosen here in [`Finding::write_text`].
//!
//! `docs/diagnosis.md` lists the rules and their evidence.

mod duplicates;
mod rules;
mod state;
mod text;

use crate::analysis::{FrameAnalysis, Verdict};
use crate::explain::Lang;
use crate::flow::ClientBy;
use crate::lifecycle::Side;
use crate::record::FrameRecord;
use crate::verdict::{CopyOf, Evidence, Own, OwnVerdict, Trigger};
use crate::wire::{IcmpError, Unreachable};

pub use state::State;
pub use text::{words, FrameList, Micros, Parties, Secs};

/// One diagnosis cause (the kind of a [`Finding`]); its key is in [`CAUSES`].
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
    /// An ICMP "destination unreachable" answered a segment (a SYN: the connection was
    /// refused or could not be routed).
    IcmpUnreachable = 14,
    /// The capture holds packets twice: the same packet seen again, not a retransmission.
    CaptureDuplicates = 15,
}

/// Every cause and its key (JSON `cause`, the expert info `tcplens.diagnosis.<key>`), in
/// the order of their numbers; like the event tables of Suricata and Zeek, the one place
/// a cause is named.
pub const CAUSES: [(Cause, &str); 15] = [
    (
        Cause::SegmentLostBeforeCapture,
        "segment_lost_before_capture",
    ),
    (Cause::SegmentLostAfterCapture, "segment_lost_after_capture"),
    (Cause::AckLost, "ack_lost"),
    (Cause::Reordering, "reordering"),
    (Cause::CaptureMissedPackets, "capture_missed_packets"),
    (Cause::MidConnectionStart, "mid_connection_start"),
    (Cause::ReceiverWindowExhausted, "receiver_window_exhausted"),
    (Cause::KeepAliveIdle, "keep_alive_idle"),
    (Cause::ResetWithUnackedData, "reset_with_unacked_data"),
    (Cause::PortReuse, "port_reuse"),
    (Cause::HandshakeNoAnswer, "handshake_no_answer"),
    (Cause::HandshakeRefused, "handshake_refused"),
    (Cause::HandshakeUnfinished, "handshake_unfinished"),
    (Cause::IcmpUnreachable, "icmp_unreachable"),
    (Cause::CaptureDuplicates, "capture_duplicates"),
];

impl Cause {
    /// Every cause, in the order of [`CAUSES`].
    pub const ALL: [Cause; CAUSES.len()] = {
        let mut all = [Cause::SegmentLostBeforeCapture; CAUSES.len()];
        let mut i = 0;
        while i < CAUSES.len() {
            all[i] = CAUSES[i].0;
            i += 1;
        }
        all
    };

    /// The snake_case key used in JSON output and expert-info names.
    pub fn name(self) -> &'static str {
        // The numbers run from 1 in the table's order (a test holds it).
        CAUSES[self as usize - 1].1
    }

    /// A short title in `lang` (expert-info summaries, table headings).
    pub fn title(self, lang: Lang) -> &'static str {
        text::words(lang).title(self)
    }

    pub fn from_u8(v: u8) -> Option<Cause> {
        Cause::ALL.get(usize::from(v).checked_sub(1)?).copied()
    }
}

/// One likely cause in one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub stream: u32,
    /// The frame where the cause shows (the one that completes the evidence).
    pub frame: u32,
    /// The evidence frames, ascending (`frame` among them).
    pub frames: Vec<u32>,
    /// The endpoint the cause is about: the sender of the lost, resent or reordered bytes,
    /// the receiver whose window closed, the side that reset or sent the keep-alives.
    pub side: Side,
    /// The cause, with what it needs to be told.
    pub detail: Detail,
    /// This finding replaces the one already made on the same stream and frame: later
    /// evidence revised tcplens's verdict on the frame ([`absorb`] applies it).
    pub revises: bool,
}

/// A finding's cause and its own data. Sequence numbers are relative; `seq` is the first
/// missing, resent or reordered byte, `bytes` how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    SegmentLostBeforeCapture {
        /// Where the gap showed.
        gap_frame: u32,
        seq: u32,
        bytes: u32,
        /// Duplicate ACKs the receiver sent asking for `seq`.
        dup_acks: u32,
        /// What made the sender resend, when tcplens's verdict names it.
        trigger: Option<Trigger>,
        /// What showed the resend was needed (tcplens's verdict's evidence).
        evidence: Evidence,
    },
    SegmentLostAfterCapture {
        seq: u32,
        bytes: u32,
        /// Duplicate ACKs the receiver sent asking for the bytes.
        dup_acks: u32,
        /// What made the sender resend, when tcplens's verdict names it.
        trigger: Option<Trigger>,
        /// What showed the resend was needed (tcplens's verdict's evidence).
        evidence: Evidence,
    },
    AckLost {
        /// The receiver's ACK that had covered the bytes, when the capture saw it.
        ack_frame: Option<u32>,
        seq: u32,
        bytes: u32,
        /// What showed the bytes had arrived (tcplens's verdict's evidence).
        evidence: Evidence,
    },
    Reordering {
        /// The frame with the later bytes, when the late ones fill a gap it showed.
        later_frame: Option<u32>,
        seq: u32,
        bytes: u32,
        /// What showed the bytes were sent before the later ones (tcplens's verdict's
        /// evidence).
        evidence: Evidence,
    },
    CaptureMissedPackets {
        /// Where the gap showed, when the capture saw it open; without it `seq` is the ACK,
        /// the end of the bytes delivered, and `bytes` 0.
        gap_frame: Option<u32>,
        seq: u32,
        bytes: u32,
    },
    MidConnectionStart {
        /// The server's port, when the client was guessed from the ports
        /// ([`ClientBy::Ports`]).
        server_port_guess: Option<u16>,
    },
    ReceiverWindowExhausted {
        /// Where the receiver advertised the zero window.
        zero_frame: u32,
        /// Zero-window probes from the sender.
        probes: u32,
        /// How long the window stayed closed (to the end of the capture when unresolved).
        closed_ns: i64,
        /// The window was still closed at the end of the capture.
        unresolved: bool,
    },
    KeepAliveIdle {
        /// The connection's last data, if it carried any.
        last_data: Option<u32>,
        /// Time since that data.
        idle_ns: i64,
    },
    ResetWithUnackedData {
        /// The connection's last data.
        last_data: Option<u32>,
        /// Bytes the resetting side had sent that were not acknowledged.
        unacked: u32,
        /// Bytes from the other side the reset's sender had not acknowledged.
        peer_unacked: u32,
    },
    PortReuse,
    HandshakeNoAnswer {
        /// SYNs sent (the first ones are the evidence frames).
        syns: u32,
        /// From the first SYN to the last.
        over_ns: i64,
    },
    HandshakeRefused {
        /// The first SYN.
        syn_frame: u32,
        syns: u32,
    },
    HandshakeUnfinished {
        /// The first SYN.
        syn_frame: u32,
        syns: u32,
    },
    IcmpUnreachable {
        why: Unreachable,
        /// Who sent the ICMP error (a router, or the destination host).
        from: core::net::IpAddr,
        /// The quoted segment was a SYN: the connection never started.
        syn: bool,
        /// The ICMP errors seen (the first ones are the evidence frames).
        errors: u32,
    },
    CaptureDuplicates {
        /// Packets seen again (a packet recorded three times makes two copies).
        copies: u32,
        /// Of them, copies of segments with data.
        data: u32,
        /// The packet the first copy repeats.
        first_of: u32,
        /// The shortest and longest time from a copy to the earlier copy.
        min_gap_ns: i64,
        max_gap_ns: i64,
    },
}

impl Detail {
    pub fn cause(&self) -> Cause {
        match self {
            Detail::SegmentLostBeforeCapture { .. } => Cause::SegmentLostBeforeCapture,
            Detail::SegmentLostAfterCapture { .. } => Cause::SegmentLostAfterCapture,
            Detail::AckLost { .. } => Cause::AckLost,
            Detail::Reordering { .. } => Cause::Reordering,
            Detail::CaptureMissedPackets { .. } => Cause::CaptureMissedPackets,
            Detail::MidConnectionStart { .. } => Cause::MidConnectionStart,
            Detail::ReceiverWindowExhausted { .. } => Cause::ReceiverWindowExhausted,
            Detail::KeepAliveIdle { .. } => Cause::KeepAliveIdle,
            Detail::ResetWithUnackedData { .. } => Cause::ResetWithUnackedData,
            Detail::PortReuse => Cause::PortReuse,
            Detail::HandshakeNoAnswer { .. } => Cause::HandshakeNoAnswer,
            Detail::HandshakeRefused { .. } => Cause::HandshakeRefused,
            Detail::HandshakeUnfinished { .. } => Cause::HandshakeUnfinished,
            Detail::IcmpUnreachable { .. } => Cause::IcmpUnreachable,
            Detail::CaptureDuplicates { .. } => Cause::CaptureDuplicates,
        }
    }
}

impl Finding {
    fn new(stream: u32, frame: u32, side: Side, detail: Detail) -> Finding {
        Finding {
            stream,
            frame,
            frames: vec![frame],
            side,
            detail,
            revises: false,
        }
    }

    fn with_frames(mut self, extra: impl IntoIterator<Item = u32>) -> Finding {
        self.frames.extend(extra);
        self.frames.sort_unstable();
        self.frames.dedup();
        self
    }

    pub fn cause(&self) -> Cause {
        self.detail.cause()
    }

    /// Whether the finding comes from tcplens's verdict on a resent or reordered segment
    /// (the findings a later revision of that verdict replaces).
    fn tells_a_verdict(&self) -> bool {
        matches!(
            self.cause(),
            Cause::SegmentLostBeforeCapture
                | Cause::SegmentLostAfterCapture
                | Cause::AckLost
                | Cause::Reordering
        )
    }
}

/// How far back in a host's list [`absorb`] looks for the finding a revision replaces:
/// revisions come within the verdicts' settle window, a few thousand frames at most.
const REVISE_LOOKBACK: usize = 4096;

/// Adds `f` to `list`; a finding that [`revises`](Finding::revises) replaces the finding of
/// its stream and frame instead, when that one is among the last [`REVISE_LOOKBACK`] (else
/// the host no longer holds it, and the revision is dropped: the list stays in the order
/// the findings were made). Every host that keeps findings as they come (the plugin, the
/// report) keeps them through this.
pub fn absorb(list: &mut Vec<Finding>, mut f: Finding) {
    if !f.revises {
        list.push(f);
        return;
    }
    f.revises = false;
    let from = list.len().saturating_sub(REVISE_LOOKBACK);
    if let Some(old) = list[from..]
        .iter_mut()
        .rev()
        .find(|o| o.stream == f.stream && o.frame == f.frame && o.tells_a_verdict())
    {
        *old = f;
    }
}

/// One frame as the rules see it.
struct Obs<'a> {
    frame: u32,
    /// From the diagnosis's [`TimeOrigin`].
    ts_ns: i64,
    rec: &'a FrameRecord,
    an: &'a FrameAnalysis,
    side: Side,
    /// The first TCP frame of the conversation the diagnosis observes.
    new: bool,
    /// What the conversation knows of itself.
    conv: ConvFacts,
    /// For a TCP header quoted in an ICMP error: the error (only rules that take quotes
    /// see such frames).
    icmp: Option<IcmpError>,
}

/// What the conversation knows of itself that its frames do not say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConvFacts {
    pub(crate) client_by: ClientBy,
    /// The server's port.
    pub(crate) server_port: u16,
}

impl Obs<'_> {
    fn has(&self, v: Verdict) -> bool {
        self.an.verdicts.has(v)
    }

    fn finding(&self, side: Side, detail: Detail) -> Finding {
        Finding::new(self.rec.stream, self.frame, side, detail)
    }
}

/// Where the diagnosis counts time from. Only durations are reported, so the origin shows
/// in one place: a conversation's end time (for a window still closed at the end) is never
/// before it. `tcplens` has always counted from the capture's first frame, the plugin from
/// the epoch; each keeps its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeOrigin {
    /// The capture's first frame (any frame, TCP or not).
    #[default]
    FirstFrame,
    /// The Unix epoch: capture times as they are.
    Epoch,
}

/// The engine: observes frames through the rules, keeps the findings until the host takes
/// them. The per-conversation [`State`] is the conversation's, passed in by the analyzer.
#[derive(Debug, Default)]
pub(crate) struct Diagnoser {
    origin: TimeOrigin,
    /// The origin's time, once known.
    origin_ns: Option<i64>,
    found: Vec<Finding>,
    /// The verdict findings already taken, the latest [`RECENT_TAKEN`], so that a revision
    /// of one can be told (see [`revise`](Self::revise)).
    taken: std::collections::VecDeque<Finding>,
}

/// How many taken verdict findings the diagnoser remembers for revisions.
const RECENT_TAKEN: usize = 64;

impl Diagnoser {
    pub(crate) fn new(origin: TimeOrigin) -> Self {
        Diagnoser {
            origin,
            origin_ns: None,
            found: Vec::new(),
            taken: std::collections::VecDeque::new(),
        }
    }

    pub(crate) fn origin(&self) -> TimeOrigin {
        self.origin
    }

    /// A frame (any frame) at `ts_ns` was fed: the first one is [`TimeOrigin::FirstFrame`].
    #[inline]
    pub(crate) fn on_frame(&mut self, ts_ns: i64) {
        if self.origin_ns.is_none() {
            self.origin_ns = Some(match self.origin {
                TimeOrigin::FirstFrame => ts_ns,
                TimeOrigin::Epoch => 0,
            });
        }
    }

    /// Observes one TCP frame (1-based `frame`, capture time `ts_ns`) of the conversation
    /// whose diagnosis state is `state` (allocated here on its first observed frame);
    /// findings this frame completes are kept for [`take`](Self::take). A header quoted in
    /// an ICMP error (`icmp`) goes only to the rules that take quotes. A copy of a packet
    /// seen shortly before (`copy`, found by [`crate::verdict::duplicate`]) is counted and goes
    /// to no rule.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn observe(
        &mut self,
        state: &mut Option<Box<State>>,
        frame: u32,
        ts_ns: i64,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        conv: ConvFacts,
        icmp: Option<IcmpError>,
        copy: Option<CopyOf>,
    ) {
        if rec.malformed.is_some() && icmp.is_none() {
            return;
        }
        let c = state.get_or_insert_with(|| Box::new(State::new()));
        let ts = ts_ns.saturating_sub(self.origin_ns.unwrap_or(0));
        if let (None, Some(copy)) = (icmp, copy) {
            duplicates::count(c, frame, rec, copy);
            c.last_ns = c.last_ns.max(ts);
            return;
        }
        let new = icmp.is_none() && !c.tcp_seen;
        let o = Obs {
            frame,
            ts_ns: ts,
            rec,
            an,
            side: rec.sender(),
            new,
            conv,
            icmp,
        };
        c.last_ns = c.last_ns.max(o.ts_ns);
        c.tcp_seen |= icmp.is_none();
        for rule in &rules::RULES {
            if icmp.is_none() || rule.quotes {
                (rule.observe)(c, &o, &mut self.found);
            }
        }
    }

    /// The conversation of `stream` ends (evicted, or the capture is over): the findings
    /// that needed to know nothing more would come.
    pub(crate) fn finish(&mut self, stream: u32, state: &State) {
        for rule in &rules::RULES {
            if let Some(finish) = rule.finish {
                finish(stream, state, &mut self.found);
            }
        }
        duplicates::finish(stream, state, &mut self.found);
    }

    /// Later evidence revised tcplens's verdict on frame `frame` of `stream` to `own` (at
    /// frame `at`, [`crate::verdict::settle`]): its finding is told again. A finding not yet
    /// taken is replaced where it is; one already taken (a one-pass host, the report) is
    /// followed by a finding that [`revises`](Finding::revises) it.
    pub(crate) fn revise(&mut self, stream: u32, frame: u32, own: Own, at: u32) {
        if own.verdict != Some(OwnVerdict::SpuriousRetransmission) {
            return;
        }
        let is_it = |f: &Finding| f.stream == stream && f.frame == frame && f.tells_a_verdict();
        let spurious = |old: &Finding| {
            let (seq, bytes) = match old.detail {
                Detail::SegmentLostAfterCapture { seq, bytes, .. }
                | Detail::AckLost { seq, bytes, .. } => (seq, bytes),
                // A resend that filled a hole, or data called reordered: the frame's own
                // bytes are the hole's, at most.
                Detail::SegmentLostBeforeCapture { seq, bytes, .. }
                | Detail::Reordering { seq, bytes, .. } => (seq, bytes),
                _ => return None,
            };
            let d = Detail::AckLost {
                ack_frame: None,
                seq,
                bytes,
                evidence: own.evidence,
            };
            let mut f = Finding::new(stream, frame, old.side, d).with_frames([at]);
            f.revises = true;
            Some(f)
        };
        if let Some(i) = self.found.iter().rposition(is_it) {
            if let Some(mut f) = spurious(&self.found[i]) {
                f.revises = false;
                self.found[i] = f;
            }
        } else if let Some(f) = self
            .taken
            .iter()
            .rev()
            .find(|f| is_it(f))
            .and_then(spurious)
        {
            self.found.push(f);
        }
    }

    /// Moves the findings made so far to the end of `out`, in the order they were made
    /// (through [`absorb`]).
    pub(crate) fn take(&mut self, out: &mut Vec<Finding>) {
        for f in self.found.drain(..) {
            if f.tells_a_verdict() {
                if let Some(i) = self
                    .taken
                    .iter()
                    .position(|t| t.stream == f.stream && t.frame == f.frame)
                {
                    self.taken.remove(i);
                }
                if self.taken.len() == RECENT_TAKEN {
                    self.taken.pop_front();
                }
                self.taken.push_back(f.clone());
            }
            absorb(out, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_has_one_key_and_titles_in_both_languages() {
        let mut keys = std::collections::HashSet::new();
        for (i, (c, key)) in CAUSES.into_iter().enumerate() {
            assert_eq!(Cause::ALL[i], c);
            assert_eq!(Cause::from_u8(c as u8), Some(c));
            assert_eq!(c as usize, i + 1);
            assert_eq!(c.name(), key);
            assert!(keys.insert(key));
            assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(c.title(Lang::Zh).chars().any(|ch| ch > '\u{2e80}'));
            assert!(c.title(Lang::En).is_ascii());
        }
        assert_eq!(Cause::from_u8(0), None);
        assert_eq!(Cause::from_u8(16), None);
    }

    #[test]
    fn a_revision_replaces_its_finding_or_is_dropped_never_appended_out_of_order() {
        let lost = |frame| {
            let d = Detail::SegmentLostAfterCapture {
                seq: 1,
                bytes: 10,
                dup_acks: 0,
                trigger: None,
                evidence: Evidence::default(),
            };
            Finding::new(0, frame, Side::Client, d)
        };
        let revision = |frame| {
            let d = Detail::AckLost {
                ack_frame: None,
                seq: 1,
                bytes: 10,
                evidence: Evidence::default(),
            };
            let mut f = Finding::new(0, frame, Side::Client, d);
            f.revises = true;
            f
        };
        let mut list = Vec::new();
        absorb(&mut list, lost(5));
        absorb(&mut list, lost(9));
        absorb(&mut list, revision(5));
        let got: Vec<(u32, Cause, bool)> = list
            .iter()
            .map(|f| (f.frame, f.cause(), f.revises))
            .collect();
        assert_eq!(
            got,
            [
                (5, Cause::AckLost, false),
                (9, Cause::SegmentLostAfterCapture, false)
            ]
        );
        absorb(&mut list, revision(7));
        assert_eq!(
            list.len(),
            2,
            "a revision of a finding the host lacks is dropped"
        );
    }
}
