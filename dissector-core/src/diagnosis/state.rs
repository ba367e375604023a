//! What the diagnosis remembers of one conversation: a fixed-size [`State`], boxed into the
//! conversation (`flow::Conversation::diagnosis`) when the diagnosis first observes it, so
//! it is created and evicted with the conversation and costs a pointer when the diagnosis
//! is off.

use super::duplicates::Copies;
use crate::seq::{gt, lt};

/// At most this many evidence frames of one kind are kept per conversation (the first ones).
pub(super) const MAX_EVIDENCE: usize = 4;

/// A few frame numbers, without a heap.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Frames {
    list: [u32; MAX_EVIDENCE],
    /// How many were seen (may exceed the kept ones).
    pub(super) seen: u32,
}

impl Frames {
    pub(super) fn push(&mut self, frame: u32) {
        if let Some(slot) = self.list.get_mut(self.seen as usize) {
            *slot = frame;
        }
        self.seen = self.seen.saturating_add(1);
    }

    pub(super) fn kept(&self) -> &[u32] {
        &self.list[..(self.seen as usize).min(MAX_EVIDENCE)]
    }

    pub(super) fn clear(&mut self) {
        self.seen = 0;
    }
}

/// Bytes of one direction the capture has not seen: `[start, end)` in relative sequence
/// numbers, opened by the `lost_segment` frame `frame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hole {
    pub(super) frame: u32,
    pub(super) start: u32,
    pub(super) end: u32,
}

/// The first bytes of a hole that a segment fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fill {
    /// The frame that showed the hole.
    pub(super) frame: u32,
    /// The first byte filled.
    pub(super) seq: u32,
    pub(super) bytes: u32,
}

/// The holes of one direction, at most [`MAX_EVIDENCE`] (later ones are not tracked).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Holes {
    list: [Option<Hole>; MAX_EVIDENCE],
}

impl Holes {
    pub(super) fn open(&mut self, h: Hole) {
        if let Some(slot) = self.list.iter_mut().find(|x| x.is_none()) {
            *slot = Some(h);
        }
    }

    /// Removes `[seq, next)` from the holes; returns the lowest part that was filled.
    pub(super) fn fill(&mut self, seq: u32, next: u32) -> Option<Fill> {
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
    pub(super) fn acked(&mut self, ack: u32) -> Option<Fill> {
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
pub(super) struct ZeroWindow {
    pub(super) frame: u32,
    pub(super) ts_ns: i64,
    /// The peer's last window-full frame before it, if any.
    pub(super) window_full: Option<u32>,
    pub(super) probes: Frames,
}

/// What the rules remember of one direction (`side` = the sender).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Dir {
    /// Highest relative next sequence number of this side's data.
    pub(super) sent_next: Option<u32>,
    /// Highest relative ack this side sent, and the frame that first carried it.
    pub(super) acked: Option<(u32, u32)>,
    pub(super) last_data: Option<(u32, i64)>,
    pub(super) holes: Holes,
    /// Duplicate ACKs this side sent since its ack last moved.
    pub(super) dup_acks: Frames,
    pub(super) last_window_full: Option<u32>,
    pub(super) zero_window: Option<ZeroWindow>,
    /// A keep-alive was already reported since this side's last data.
    pub(super) idle_reported: bool,
    /// This side sent zero-window probes since its last full-size data: its one-byte
    /// segments are probes, not data to lose (RFC 9293 §3.8.6.1).
    pub(super) probing: bool,
}

/// The diagnosis's bounded state of one conversation.
#[derive(Debug, Clone, Copy)]
pub struct State {
    pub(super) syns: Frames,
    pub(super) first_syn_ns: i64,
    pub(super) last_syn_ns: i64,
    pub(super) syn_ack: Option<u32>,
    pub(super) established: bool,
    pub(super) reset: bool,
    /// The latest time seen, never before the diagnosis's
    /// [`TimeOrigin`](super::TimeOrigin).
    pub(super) last_ns: i64,
    pub(super) dirs: [Dir; 2],
    /// A TCP frame (not only ICMP quotes) was observed.
    pub(super) tcp_seen: bool,
    /// ICMP "destination unreachable" errors quoting this conversation's segments.
    pub(super) unreachable: Option<UnreachableSeen>,
    /// The capture duplicates found.
    pub(super) copies: Option<Copies>,
}

/// The ICMP unreachable errors of one conversation: the first one's facts, and the frames.
#[derive(Debug, Clone, Copy)]
pub(super) struct UnreachableSeen {
    pub(super) why: crate::wire::Unreachable,
    pub(super) from: core::net::IpAddr,
    /// The sender of the quoted segment.
    pub(super) side: crate::lifecycle::Side,
    pub(super) syn: bool,
    pub(super) frames: Frames,
}

impl State {
    pub(super) fn new() -> State {
        State {
            syns: Frames::default(),
            first_syn_ns: 0,
            last_syn_ns: 0,
            syn_ack: None,
            established: false,
            reset: false,
            last_ns: 0,
            dirs: [Dir::default(); 2],
            tcp_seen: false,
            unreachable: None,
            copies: None,
        }
    }
}
