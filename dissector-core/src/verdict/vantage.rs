//! Where the capture sits on each direction's path, from the handshake's timing
//! ([`crate::statistics::Vantage::from_handshake`], the `vantage` of `conns`): near the
//! client, the client's data is seen at its sender and the server's at its receiver; near
//! the server, the other way round; in the middle or without a handshake, neither.
//! Without a handshake the smallest ACK RTTs each way decide it the same way
//! ([`crate::statistics::Vantage::from_acks`]).

use super::SegIn;
use crate::lifecycle::Side;
use crate::statistics::{Vantage, VantageEvidence};

/// The capture's place on one direction's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// At the sender: every byte below the highest seen was sent before.
    Sender,
    /// At the receiver: every byte seen had arrived.
    Receiver,
    Unknown,
}

/// The handshake's times (24 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Roles {
    syn_ns: Option<i64>,
    syn_ack_ns: Option<i64>,
    vantage: Option<Vantage>,
}

impl Roles {
    pub(crate) fn on_segment(&mut self, s: &SegIn, hs_rtt_ns: Option<i64>) {
        if self.vantage.is_some() {
            return;
        }
        if s.syn && !s.has_ack && s.side == Side::Client {
            self.syn_ns = Some(s.ts_ns);
        } else if s.syn && s.has_ack && s.side == Side::Server {
            self.syn_ack_ns = Some(s.ts_ns);
        } else if hs_rtt_ns.is_some() {
            self.vantage = Vantage::from_handshake(&VantageEvidence {
                syn_ns: self.syn_ns,
                syn_ack_ns: self.syn_ack_ns,
                handshake_rtt_ns: hs_rtt_ns,
                ..VantageEvidence::default()
            });
        }
    }

    /// Without a handshake: from the smallest ACK RTT of each side's data.
    pub(crate) fn on_ack_rtts(&mut self, min_ack_rtt_ns: [Option<i64>; 2]) {
        if self.vantage.is_some() || self.syn_ns.is_some() {
            return;
        }
        if let [Some(c), Some(s)] = min_ack_rtt_ns {
            self.vantage = Vantage::from_acks(&VantageEvidence {
                rtt_client: Some((Vantage::MIN_SAMPLES, c)),
                rtt_server: Some((Vantage::MIN_SAMPLES, s)),
                ..VantageEvidence::default()
            });
        }
    }

    /// The vantage point inferred so far (unknown until the handshake or the ACK RTTs
    /// tell).
    pub(crate) fn vantage(&self) -> Vantage {
        self.vantage.unwrap_or(Vantage::Unknown)
    }

    /// The capture's place on the path of `side`'s data.
    pub(crate) fn role(&self, side: Side) -> Role {
        match (self.vantage, side) {
            (Some(Vantage::Client), Side::Client) | (Some(Vantage::Server), Side::Server) => {
                Role::Sender
            }
            (Some(Vantage::Client), Side::Server) | (Some(Vantage::Server), Side::Client) => {
                Role::Receiver
            }
            _ => Role::Unknown,
        }
    }
}
