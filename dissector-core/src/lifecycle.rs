//! The connection lifecycle as a passive observer infers it: handshake and teardown steps,
//! resets, and each endpoint's RFC 9293 state (§3.3.2) after every segment.
//!
//! The observer sits on the path and assumes what it sees is delivered. An endpoint's state
//! moves when it *sends* something that reveals it (a SYN, the ACK of its peer's FIN, its own
//! FIN) and, on the receiving side, only when it gets the ACK of its own SYN or FIN. That is
//! how textbooks draw the exchange: the client enters FIN_WAIT_2 when the server's ACK
//! arrives, and the server enters CLOSE_WAIT when it sends that ACK.
//!
//! A copy of a SYN or SYN-ACK after its sender reached ESTABLISHED (captured twice, or
//! delayed in the network) reveals nothing new: it is [`Event::LateSyn`] and moves no state,
//! so the lifecycle never goes back on a stale or duplicate segment.
//!
//! Teardown steps: 1 the first FIN, 2 its ACK, 3 the second FIN, 4 the ACK of the second
//! FIN. The common three-packet close, where one segment both acknowledges the first FIN and
//! carries the second, is step [`Teardown::AckAndFin`], written "2+3" and numbered 23.

use core::fmt;

use crate::seq;
use crate::wire::TcpFlags;

/// One side of a conversation. The client sent the first SYN (or, without one, the first
/// packet); the server is the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client = 0,
    Server = 1,
}

impl Side {
    #[inline]
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    #[inline]
    pub fn idx(self) -> usize {
        self as usize
    }
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// An endpoint's connection state, with RFC 9293's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum TcpState {
    #[default]
    Closed = 0,
    Listen = 1,
    SynSent = 2,
    SynReceived = 3,
    Established = 4,
    FinWait1 = 5,
    FinWait2 = 6,
    CloseWait = 7,
    Closing = 8,
    LastAck = 9,
    TimeWait = 10,
}

impl TcpState {
    pub const ALL: [TcpState; 11] = [
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynReceived,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The RFC 9293 name, as in "FIN_WAIT_1".
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynReceived => "SYN_RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }

    pub fn from_u8(v: u8) -> Option<TcpState> {
        TcpState::ALL.get(v as usize).copied()
    }

    /// The synchronized states (RFC 9293 §3.3.2): the handshake is complete from this
    /// endpoint's side.
    fn is_synchronized(self) -> bool {
        matches!(
            self,
            TcpState::Established
                | TcpState::FinWait1
                | TcpState::FinWait2
                | TcpState::CloseWait
                | TcpState::Closing
                | TcpState::LastAck
                | TcpState::TimeWait
        )
    }

    /// This endpoint has sent its FIN.
    fn has_closed(self) -> bool {
        matches!(
            self,
            TcpState::FinWait1
                | TcpState::FinWait2
                | TcpState::Closing
                | TcpState::LastAck
                | TcpState::TimeWait
        )
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The three-way handshake (RFC 9293 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Handshake {
    Syn = 1,
    SynAck = 2,
    Ack = 3,
}

impl Handshake {
    pub fn from_u8(v: u8) -> Option<Handshake> {
        match v {
            1 => Some(Handshake::Syn),
            2 => Some(Handshake::SynAck),
            3 => Some(Handshake::Ack),
            _ => None,
        }
    }
}

/// The connection close (RFC 9293 §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Teardown {
    /// The first FIN.
    Fin = 1,
    /// The ACK of the first FIN.
    AckOfFin = 2,
    /// The second FIN.
    SecondFin = 3,
    /// The ACK of the second FIN.
    LastAck = 4,
    /// One segment that acknowledges the first FIN and carries the second ("2+3").
    AckAndFin = 23,
}

impl Teardown {
    pub fn from_u8(v: u8) -> Option<Teardown> {
        match v {
            1 => Some(Teardown::Fin),
            2 => Some(Teardown::AckOfFin),
            3 => Some(Teardown::SecondFin),
            4 => Some(Teardown::LastAck),
            23 => Some(Teardown::AckAndFin),
            _ => None,
        }
    }
    /// "1", "2", "3", "4" or "2+3".
    pub fn label(self) -> &'static str {
        match self {
            Teardown::Fin => "1",
            Teardown::AckOfFin => "2",
            Teardown::SecondFin => "3",
            Teardown::LastAck => "4",
            Teardown::AckAndFin => "2+3",
        }
    }
}

/// Lifecycle situations beyond the plain steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Event {
    #[default]
    None = 0,
    /// Both sides sent a SYN before either saw the other's (RFC 9293 §3.5, figure 7).
    SimultaneousOpen = 1,
    /// A SYN with the same ISN as one already seen from this side.
    SynRepeat = 2,
    /// A SYN-ACK with the same ISN as one already seen from this side.
    SynAckRepeat = 3,
    /// A FIN sent before the peer's FIN was acknowledged by its sender (RFC 9293 §3.6 case 3).
    SimultaneousClose = 4,
    /// A FIN with the same sequence number as one already seen from this side.
    FinRepeat = 5,
    /// Data sent after the peer's FIN: the connection is half-closed.
    HalfCloseData = 6,
    /// A reset: the sender aborts the connection.
    Rst = 7,
    /// A copy of a SYN or SYN-ACK (the ISN already seen from its sender) arriving after its
    /// sender reached ESTABLISHED: a duplicate or a late copy, not a new attempt. The states
    /// stay where they are and the segment is no handshake step.
    LateSyn = 8,
}

impl Event {
    pub const ALL: [Event; 9] = [
        Event::None,
        Event::SimultaneousOpen,
        Event::SynRepeat,
        Event::SynAckRepeat,
        Event::SimultaneousClose,
        Event::FinRepeat,
        Event::HalfCloseData,
        Event::Rst,
        Event::LateSyn,
    ];
    pub fn from_u8(v: u8) -> Option<Event> {
        Event::ALL.get(v as usize).copied()
    }
    /// The machine name used in the JSON `event` key (`None` has none).
    pub fn code(self) -> Option<&'static str> {
        Some(match self {
            Event::None => return None,
            Event::SimultaneousOpen => "simultaneous_open",
            Event::SynRepeat => "syn_repeat",
            Event::SynAckRepeat => "syn_ack_repeat",
            Event::SimultaneousClose => "simultaneous_close",
            Event::FinRepeat => "fin_repeat",
            Event::HalfCloseData => "half_close_data",
            Event::Rst => "rst",
            Event::LateSyn => "late_syn",
        })
    }
}

/// What the lifecycle needs to know of a segment.
#[derive(Debug, Clone, Copy)]
pub struct SegmentView {
    pub side: Side,
    pub flags: TcpFlags,
    pub seq: u32,
    pub ack: u32,
    pub seg_len: u32,
}

/// What one segment did to the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    pub handshake: Option<Handshake>,
    pub teardown: Option<Teardown>,
    pub event: Event,
    /// For a reset: the state the sender was in when it aborted.
    pub rst_from: Option<TcpState>,
    /// Both endpoints' states after the segment, `[client, server]`.
    pub states: [TcpState; 2],
}

/// The lifecycle of one conversation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lifecycle {
    state: [TcpState; 2],
    /// Each side's ISN, from its SYN or SYN-ACK.
    isn: [Option<u32>; 2],
    /// Each side's FIN sequence number.
    fin: [Option<u32>; 2],
    /// Whether each side's FIN has been acknowledged by the other.
    fin_acked: [bool; 2],
    first_fin: Option<Side>,
    handshake_acked: bool,
    /// Whether each side has reached a synchronized state since it sent its current ISN:
    /// from then on a SYN or SYN-ACK with that ISN is a late copy ([`Event::LateSyn`]).
    synced: [bool; 2],
}

impl Lifecycle {
    /// The lifecycle of a conversation whose first segment is `first`.
    pub fn new(first: &SegmentView) -> Lifecycle {
        let f = first.flags;
        let state = if f.syn() && !f.ack() {
            [TcpState::Closed, TcpState::Listen]
        } else if f.syn() {
            // A SYN-ACK first: the client's SYN was not captured.
            [TcpState::SynSent, TcpState::Listen]
        } else {
            // Capture started mid-connection.
            [TcpState::Established, TcpState::Established]
        };
        Lifecycle {
            state,
            ..Lifecycle::default()
        }
    }

    pub fn states(&self) -> [TcpState; 2] {
        self.state
    }

    pub fn state(&self, side: Side) -> TcpState {
        self.state[side.idx()]
    }

    /// Applies one segment and says what it was.
    pub fn on_segment(&mut self, seg: &SegmentView) -> Step {
        let mut step = if seg.flags.rst() {
            self.on_rst(seg)
        } else if seg.flags.syn() {
            self.on_syn(seg)
        } else {
            self.on_segment_without_syn(seg)
        };
        for i in 0..2 {
            if self.isn[i].is_some() && self.state[i].is_synchronized() {
                self.synced[i] = true;
            }
        }
        step.states = self.state;
        step
    }

    /// RFC 9293 §3.10.7.4: a reset aborts the connection on both ends.
    fn on_rst(&mut self, seg: &SegmentView) -> Step {
        let from = self.state[seg.side.idx()];
        self.state = [TcpState::Closed; 2];
        Step {
            event: Event::Rst,
            rst_from: Some(from),
            ..Step::default()
        }
    }

    fn on_syn(&mut self, seg: &SegmentView) -> Step {
        let (s, r) = (seg.side.idx(), seg.side.other().idx());
        let repeat = self.isn[s] == Some(seg.seq);
        if repeat && self.synced[s] {
            // A copy of the sender's SYN (or SYN-ACK) after it reached ESTABLISHED: captured
            // twice or delayed in the network. It moves no state: a receiver in a
            // synchronized state answers a SYN with a challenge ACK and stays (RFC 9293
            // §3.10.7.4, RFC 5961 §4), and the sender has not restarted (same ISN).
            return Step {
                event: Event::LateSyn,
                ..Step::default()
            };
        }
        if !repeat {
            // A new ISN: a new attempt, which the sender makes from a closed state.
            self.synced[s] = false;
        }
        let mut step = Step::default();
        if !seg.flags.ack() {
            step.handshake = Some(Handshake::Syn);
            if repeat {
                step.event = Event::SynRepeat;
            } else if self.state[r] == TcpState::SynSent && self.isn[r].is_some() {
                step.event = Event::SimultaneousOpen;
            }
            self.state[s] = TcpState::SynSent;
            if matches!(self.state[r], TcpState::Closed) {
                self.state[r] = TcpState::Listen;
            }
        } else {
            step.handshake = Some(Handshake::SynAck);
            if repeat && self.state[s] == TcpState::SynReceived {
                step.event = Event::SynAckRepeat;
            }
            if self.state[s] != TcpState::Established {
                self.state[s] = TcpState::SynReceived;
            }
            self.receiver_gets_ack(seg);
        }
        self.isn[s] = Some(seg.seq);
        step
    }

    fn acks(&self, seg: &SegmentView, seq_of_control: Option<u32>) -> bool {
        seg.flags.ack() && seq_of_control.is_some_and(|c| seq::ge(seg.ack, c.wrapping_add(1)))
    }

    fn on_segment_without_syn(&mut self, seg: &SegmentView) -> Step {
        let (side, peer) = (seg.side, seg.side.other());
        let (s, r) = (side.idx(), peer.idx());
        let mut step = Step::default();

        // The sender has completed the handshake from its side.
        if seg.flags.ack() {
            match self.state[s] {
                TcpState::SynSent => {
                    self.state[s] = TcpState::Established;
                    if self.isn[r].is_some() && !self.handshake_acked {
                        self.handshake_acked = true;
                        step.handshake = Some(Handshake::Ack);
                    }
                }
                TcpState::SynReceived if self.acks(seg, self.isn[r]) || self.isn[r].is_none() => {
                    self.state[s] = TcpState::Established;
                }
                _ => {}
            }
        }

        // The first acknowledgment of the peer's FIN.
        let acks_peer_fin = self.acks(seg, self.fin[r]) && !self.fin_acked[r];
        if acks_peer_fin {
            self.fin_acked[r] = true;
            step.teardown = Some(if self.first_fin == Some(peer) {
                Teardown::AckOfFin
            } else {
                Teardown::LastAck
            });
            self.state[s] = match self.state[s] {
                TcpState::FinWait1 => TcpState::Closing,
                TcpState::FinWait2 => TcpState::TimeWait,
                st if st.has_closed() => st,
                _ => TcpState::CloseWait,
            };
        }

        // Data after the peer's FIN, before this side's own FIN: a half-closed connection.
        if seg.seg_len > 0 && self.fin[r].is_some() && self.fin[s].is_none() {
            step.event = Event::HalfCloseData;
        }

        if seg.flags.fin() {
            let fin_seq = seg.seq.wrapping_add(seg.seg_len);
            if self.fin[s] == Some(fin_seq) {
                step.event = Event::FinRepeat;
                step.teardown
                    .get_or_insert(if self.first_fin == Some(side) {
                        Teardown::Fin
                    } else {
                        Teardown::SecondFin
                    });
            } else {
                self.fin[s] = Some(fin_seq);
                match self.first_fin {
                    None => {
                        self.first_fin = Some(side);
                        step.teardown = Some(Teardown::Fin);
                        self.state[s] = TcpState::FinWait1;
                    }
                    Some(_) if self.state[s] == TcpState::CloseWait => {
                        step.teardown = Some(if acks_peer_fin {
                            Teardown::AckAndFin
                        } else {
                            Teardown::SecondFin
                        });
                        self.state[s] = TcpState::LastAck;
                    }
                    Some(_) => {
                        // The peer's FIN is not acknowledged by this FIN: both closed at once.
                        step.teardown = Some(Teardown::SecondFin);
                        step.event = Event::SimultaneousClose;
                        if !self.state[s].has_closed() {
                            self.state[s] = TcpState::FinWait1;
                        }
                    }
                }
            }
        }

        self.receiver_gets_ack(seg);
        step
    }

    /// The receiver's own SYN or FIN acknowledged: SYN_RECEIVED → ESTABLISHED,
    /// FIN_WAIT_1 → FIN_WAIT_2, CLOSING → TIME_WAIT, LAST_ACK → CLOSED.
    fn receiver_gets_ack(&mut self, seg: &SegmentView) {
        let r = seg.side.other().idx();
        if self.state[r] == TcpState::SynReceived && self.acks(seg, self.isn[r]) {
            self.state[r] = TcpState::Established;
        }
        if self.acks(seg, self.fin[r]) {
            self.state[r] = match self.state[r] {
                TcpState::FinWait1 => TcpState::FinWait2,
                TcpState::Closing => TcpState::TimeWait,
                TcpState::LastAck => TcpState::Closed,
                st => st,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::{Client as C, Server as S};
    use TcpState::*;

    fn seg(side: Side, flags: &str, seq: u32, ack: u32, len: u32) -> SegmentView {
        let bits = flags.chars().fold(0, |a, c| {
            a | match c {
                'S' => TcpFlags::SYN,
                'A' => TcpFlags::ACK,
                'F' => TcpFlags::FIN,
                'R' => TcpFlags::RST,
                'P' => TcpFlags::PSH,
                _ => unreachable!(),
            }
        });
        SegmentView {
            side,
            flags: TcpFlags(bits),
            seq,
            ack,
            seg_len: len,
        }
    }

    /// Runs segments through a fresh lifecycle and returns each step.
    fn run(segs: &[SegmentView]) -> Vec<Step> {
        let mut lc = Lifecycle::new(&segs[0]);
        segs.iter().map(|s| lc.on_segment(s)).collect()
    }

    fn handshake() -> Vec<SegmentView> {
        vec![
            seg(C, "S", 100, 0, 0),
            seg(S, "SA", 500, 101, 0),
            seg(C, "A", 101, 501, 0),
        ]
    }

    #[test]
    fn three_way_handshake_steps_and_states() {
        let st = run(&handshake());
        assert_eq!(st[0].handshake, Some(Handshake::Syn));
        assert_eq!(st[0].states, [SynSent, Listen]);
        assert_eq!(st[1].handshake, Some(Handshake::SynAck));
        assert_eq!(st[1].states, [SynSent, SynReceived]);
        assert_eq!(st[2].handshake, Some(Handshake::Ack));
        assert_eq!(st[2].states, [Established, Established]);
    }

    #[test]
    fn four_packet_close_client_first() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(S, "A", 501, 102, 0),
            seg(S, "FA", 501, 102, 0),
            seg(C, "A", 102, 502, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[3].teardown, Some(Teardown::Fin));
        assert_eq!(st[3].states, [FinWait1, Established]);
        assert_eq!(st[4].teardown, Some(Teardown::AckOfFin));
        assert_eq!(st[4].states, [FinWait2, CloseWait]);
        assert_eq!(st[5].teardown, Some(Teardown::SecondFin));
        assert_eq!(st[5].states, [FinWait2, LastAck]);
        assert_eq!(st[6].teardown, Some(Teardown::LastAck));
        assert_eq!(st[6].states, [TimeWait, Closed]);
    }

    #[test]
    fn three_packet_close_is_step_two_plus_three() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(S, "FA", 501, 102, 0),
            seg(C, "A", 102, 502, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[4].teardown, Some(Teardown::AckAndFin));
        assert_eq!(st[4].states, [FinWait2, LastAck]);
        assert_eq!(st[5].teardown, Some(Teardown::LastAck));
        assert_eq!(st[5].states, [TimeWait, Closed]);
    }

    #[test]
    fn server_closes_first() {
        let mut s = handshake();
        s.extend([
            seg(S, "FA", 501, 101, 0),
            seg(C, "FA", 101, 502, 0),
            seg(S, "A", 502, 102, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[3].states, [Established, FinWait1]);
        assert_eq!(st[4].teardown, Some(Teardown::AckAndFin));
        assert_eq!(st[4].states, [LastAck, FinWait2]);
        assert_eq!(st[5].states, [Closed, TimeWait]);
    }

    #[test]
    fn simultaneous_close_goes_through_closing() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(S, "FA", 501, 101, 0), // does not ack the client's FIN
            seg(C, "A", 102, 502, 0),
            seg(S, "A", 502, 102, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[4].event, Event::SimultaneousClose);
        assert_eq!(st[4].teardown, Some(Teardown::SecondFin));
        assert_eq!(st[4].states, [FinWait1, FinWait1]);
        assert_eq!(st[5].states[0], Closing);
        assert_eq!(st[6].states, [TimeWait, TimeWait]);
    }

    #[test]
    fn half_close_data_flows_after_the_first_fin() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(S, "A", 501, 102, 0),
            seg(S, "PA", 501, 102, 100),
            seg(C, "A", 102, 601, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[5].event, Event::HalfCloseData);
        assert_eq!(st[5].states, [FinWait2, CloseWait]);
        assert_eq!(st[6].teardown, None);
    }

    #[test]
    fn reset_records_who_and_from_where() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(S, "FPA", 501, 102, 30),
            seg(S, "R", 532, 0, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[4].teardown, Some(Teardown::AckAndFin));
        assert_eq!(st[4].event, Event::HalfCloseData);
        assert_eq!(st[5].event, Event::Rst);
        assert_eq!(st[5].rst_from, Some(LastAck));
        assert_eq!(st[5].states, [Closed, Closed]);
    }

    #[test]
    fn refused_connection() {
        let st = run(&[seg(C, "S", 7, 0, 0), seg(S, "RA", 0, 8, 0)]);
        assert_eq!(st[1].rst_from, Some(Listen));
        assert_eq!(st[1].states, [Closed, Closed]);
    }

    #[test]
    fn repeated_syn_and_syn_ack_are_labelled() {
        let st = run(&[
            seg(C, "S", 7, 0, 0),
            seg(C, "S", 7, 0, 0),
            seg(S, "SA", 70, 8, 0),
            seg(S, "SA", 70, 8, 0),
        ]);
        assert_eq!(st[1].event, Event::SynRepeat);
        assert_eq!(st[1].handshake, Some(Handshake::Syn));
        assert_eq!(st[3].event, Event::SynAckRepeat);
    }

    /// A SPAN port's late copies (arkime-wireshark-retrans.pcap, frames 10-12): the SYN and
    /// SYN-ACK again after the handshake completed leave both ends ESTABLISHED.
    #[test]
    fn late_syn_and_syn_ack_copies_move_no_state() {
        let mut s = handshake();
        s.extend([
            seg(C, "PA", 101, 501, 198),
            seg(C, "S", 100, 0, 0),
            seg(S, "SA", 500, 101, 0),
            seg(C, "A", 101, 501, 0),
        ]);
        let st = run(&s);
        for i in [4, 5] {
            assert_eq!(st[i].event, Event::LateSyn, "{i}");
            assert_eq!(st[i].handshake, None, "{i}");
            assert_eq!(st[i].states, [Established, Established], "{i}");
        }
        assert_eq!(st[6].handshake, None);
        assert_eq!(st[6].states, [Established, Established]);
    }

    #[test]
    fn late_syn_copy_during_the_close_and_after_a_reset() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(C, "S", 100, 0, 0),
            seg(S, "SA", 500, 101, 0),
            seg(S, "A", 501, 102, 0),
            seg(S, "R", 501, 0, 0),
            seg(S, "SA", 500, 101, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[4].event, Event::LateSyn);
        assert_eq!(st[4].states, [FinWait1, Established]);
        assert_eq!(st[5].event, Event::LateSyn);
        assert_eq!(st[5].states, [FinWait1, Established]);
        assert_eq!(st[6].teardown, Some(Teardown::AckOfFin));
        assert_eq!(st[6].states, [FinWait2, CloseWait]);
        assert_eq!(st[8].event, Event::LateSyn);
        assert_eq!(st[8].states, [Closed, Closed]);
    }

    /// A SYN with a new ISN is a new attempt, not a copy: its sender starts over. Copies of
    /// that new SYN before it is answered are plain repeats.
    #[test]
    fn a_new_isn_after_the_handshake_is_a_new_attempt() {
        let mut s = handshake();
        s.extend([
            seg(C, "S", 9000, 0, 0),
            seg(C, "S", 9000, 0, 0),
            seg(S, "SA", 700, 9001, 0),
            seg(C, "A", 9001, 701, 0),
            seg(C, "S", 9000, 0, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[3].event, Event::None);
        assert_eq!(st[3].states[0], SynSent);
        assert_eq!(st[4].event, Event::SynRepeat);
        assert_eq!(st[6].states, [Established, Established]);
        assert_eq!(st[7].event, Event::LateSyn);
        assert_eq!(st[7].states, [Established, Established]);
    }

    /// A capture that starts mid-connection has no ISN: the first SYN seen is a new attempt
    /// and its copies are repeats, not late copies.
    #[test]
    fn mid_stream_then_a_syn_is_not_a_late_copy() {
        let st = run(&[
            seg(C, "PA", 1000, 2000, 10),
            seg(C, "S", 5, 0, 0),
            seg(C, "S", 5, 0, 0),
        ]);
        assert_eq!(st[1].states[0], SynSent);
        assert_eq!(st[2].event, Event::SynRepeat);
    }

    /// Not every move back is stale: an ACK the peer sent before a reset reached it (it
    /// crossed the RST, as in ndpi-reddit.pcap stream 8) is new and shows the sender's state.
    #[test]
    fn an_ack_that_crossed_a_reset_still_shows_its_senders_state() {
        let mut s = handshake();
        s.extend([
            seg(C, "FA", 101, 501, 0),
            seg(C, "R", 102, 0, 0),
            seg(S, "A", 501, 102, 0),
        ]);
        let st = run(&s);
        assert_eq!(st[4].states, [Closed, Closed]);
        assert_eq!(st[5].teardown, Some(Teardown::AckOfFin));
        assert_eq!(st[5].states, [Closed, CloseWait]);
    }

    #[test]
    fn simultaneous_open() {
        let st = run(&[
            seg(C, "S", 7, 0, 0),
            seg(S, "S", 70, 0, 0),
            seg(C, "SA", 7, 71, 0),
            seg(S, "SA", 70, 8, 0),
        ]);
        assert_eq!(st[1].event, Event::SimultaneousOpen);
        assert_eq!(st[1].states, [SynSent, SynSent]);
        assert_eq!(st[2].states, [SynReceived, SynSent]);
        assert_eq!(st[3].states, [Established, SynReceived]);
    }

    #[test]
    fn mid_stream_start_assumes_established() {
        let st = run(&[seg(C, "PA", 1000, 2000, 10), seg(S, "FA", 2000, 1010, 0)]);
        assert_eq!(st[0].states, [Established, Established]);
        assert_eq!(st[1].teardown, Some(Teardown::Fin));
        assert_eq!(st[1].states, [Established, FinWait1]);
    }

    #[test]
    fn fin_repeat_keeps_its_step() {
        let mut s = handshake();
        s.extend([seg(C, "FA", 101, 501, 0), seg(C, "FA", 101, 501, 0)]);
        let st = run(&s);
        assert_eq!(st[4].event, Event::FinRepeat);
        assert_eq!(st[4].teardown, Some(Teardown::Fin));
        assert_eq!(st[4].states, [FinWait1, Established]);
    }

    #[test]
    fn fin_and_ack_across_sequence_wrap() {
        let st = run(&[
            seg(C, "S", 0xffff_fffe, 0, 0),
            seg(S, "SA", 9, 0xffff_ffff, 0),
            seg(C, "A", 0xffff_ffff, 10, 0),
            seg(C, "FA", 0xffff_ffff, 10, 0),
            seg(S, "FA", 10, 0, 0),
            seg(C, "A", 0, 11, 0),
        ]);
        assert_eq!(st[4].teardown, Some(Teardown::AckAndFin));
        assert_eq!(st[5].states, [TimeWait, Closed]);
    }
}
