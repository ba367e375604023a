//! Per-connection summary: packets and bytes each way, timing, a Zeek-style history string
//! and Zeek's `conn_state` classification (S0, SF, REJ, RSTO, ...).
//!
//! The history letters follow Zeek's `conn.log` (uppercase: originator, i.e. our client;
//! lowercase: responder): `S` SYN, `H` SYN-ACK, `A` pure ACK, `D` data, `F` FIN, `R` RST,
//! `T` retransmitted payload, `W` zero window. Each letter is recorded the first time it
//! happens in each direction.

use crate::analysis::FrameAnalysis;
use crate::lifecycle::Side;
use crate::seq;
use crate::statistics::DirStats;
use crate::wire::TcpSegment;

/// Zeek's view of one endpoint (the `TCP_*` endpoint states of its TCP analyzer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZeekEndpoint {
    #[default]
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

/// One value of a documented code (a history letter, a `conn_state`) and what it means.
/// `conns --help` prints these tables and a test checks the README's against them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning {
    pub value: &'static str,
    pub meaning: &'static str,
}

const fn m(value: &'static str, meaning: &'static str) -> Meaning {
    Meaning { value, meaning }
}

/// Which side a history letter's case stands for.
pub const HISTORY_CASE: &str = "uppercase: sent by the client, lowercase: by the server";

/// The history letters, in the order [`History`] checks them (one ASCII letter each).
pub const HISTORY_LETTERS: [Meaning; 8] = [
    m("S", "SYN without ACK"),
    m("H", "SYN-ACK"),
    m("A", "pure ACK"),
    m("D", "segment with payload"),
    m("F", "FIN"),
    m("R", "RST"),
    m("T", "retransmitted segment"),
    m("W", "zero window advertised"),
];

/// Every value [`ConnStats::conn_state`] returns, with its meaning (Zeek's, seen from the
/// client).
pub const CONN_STATES: [Meaning; 13] = [
    m("S0", "SYN seen, no reply"),
    m("S1", "established, not terminated"),
    m("SF", "established and closed normally"),
    m("REJ", "SYN answered by RST"),
    m("S2", "established, close attempt by the client only"),
    m("S3", "established, close attempt by the server only"),
    m("RSTO", "established, the client aborted (RST)"),
    m("RSTR", "established, the server aborted (RST)"),
    m("RSTOS0", "client sent SYN then RST, no SYN-ACK seen"),
    m("RSTRH", "server sent SYN-ACK then RST, no client SYN seen"),
    m("SH", "client sent SYN then FIN, no SYN-ACK seen"),
    m("SHR", "server sent SYN-ACK then FIN, no client SYN seen"),
    m("OTH", "no SYN seen, mid-stream traffic"),
];

/// A history string of at most 16 distinct letters, kept without a heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    letters: [u8; 16],
    len: u8,
    seen: u32,
}

impl History {
    /// The letters of [`HISTORY_LETTERS`], as bytes.
    const ORDER: &'static [u8; HISTORY_LETTERS.len()] = &{
        let mut order = [0u8; HISTORY_LETTERS.len()];
        let mut i = 0;
        while i < order.len() {
            order[i] = HISTORY_LETTERS[i].value.as_bytes()[0];
            i += 1;
        }
        order
    };

    fn push(&mut self, letter: u8, side: Side) {
        let Some(i) = Self::ORDER.iter().position(|&l| l == letter) else {
            return;
        };
        let bit = 1u32 << (i + 8 * side.idx());
        if self.seen & bit != 0 || self.len as usize >= self.letters.len() {
            return;
        }
        self.seen |= bit;
        self.letters[self.len as usize] = match side {
            Side::Client => letter,
            Side::Server => letter.to_ascii_lowercase(),
        };
        self.len += 1;
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        core::str::from_utf8(&self.letters[..self.len as usize]).unwrap_or("")
    }
}

/// What a SYN stamped 0 (the Unix epoch) means to [`initial_rtt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynAtEpoch {
    /// A SYN like any other: the handshake RTT (`conns`, the report, the C ABI).
    Counts,
    /// No SYN time: Wireshark's `tcp.analysis.initial_rtt`. packet-tcp.c keeps the SYN's
    /// time in an `nstime_t` whose zero means "unset", so after a SYN stamped 0 it shows no
    /// initial RTT (until a later SYN); the compatible analysis keeps that quirk.
    Unset,
}

/// The initial RTT: from the latest SYN without ACK (`last_syn_ns`) to the ACK at `ack_ns`;
/// `None` without a SYN. Both initial RTTs come from here, from the one SYN time the
/// conversation keeps ([`ConnStats::syn_ns`]); they differ in which ACK ends them (the
/// analysis's `irtt`: the first ACK without SYN from either side while it is unknown; the
/// handshake RTT: the ACK that completes the handshake) and in what `at_epoch` says.
pub fn initial_rtt(last_syn_ns: Option<i64>, ack_ns: i64, at_epoch: SynAtEpoch) -> Option<i64> {
    let syn = match (last_syn_ns, at_epoch) {
        (Some(0), SynAtEpoch::Unset) | (None, _) => return None,
        (Some(syn), _) => syn,
    };
    Some(ack_ns.saturating_sub(syn))
}

/// Running totals for one conversation.
#[derive(Debug, Clone, Default)]
pub struct ConnStats {
    pub first_ns: i64,
    pub last_ns: i64,
    pub packets: [u64; 2],
    /// Payload bytes (TCP segment lengths) each way.
    pub bytes: [u64; 2],
    /// Time of the latest SYN without ACK: the conversation's one record of it, for both
    /// initial RTTs ([`initial_rtt`]).
    pub syn_ns: Option<i64>,
    /// The latest SYN to the ACK that completes the handshake.
    pub handshake_rtt_ns: Option<i64>,
    pub history: History,
    pub zeek: [ZeekEndpoint; 2],
    /// Highest sequence number sent each way (for the `T` history letter).
    max_end: [Option<u32>; 2],
    /// The statistics of each direction, indexed by [`Side`] ([`crate::statistics`]), when
    /// the analyzer gathers them ([`Analyzer::gather_statistics`](crate::Analyzer::gather_statistics)):
    /// boxed, so that the hosts that never show them (`analyze`, the plugin) pay a pointer,
    /// not 336 bytes, per conversation.
    pub dir: Option<Box<[DirStats; 2]>>,
}

impl ConnStats {
    pub fn new(ts_ns: i64) -> ConnStats {
        ConnStats {
            first_ns: ts_ns,
            last_ns: ts_ns,
            ..ConnStats::default()
        }
    }

    /// Counts one segment sent by `side`.
    pub fn on_segment(
        &mut self,
        side: Side,
        seg: &TcpSegment<'_>,
        ts_ns: i64,
        completes_handshake: bool,
    ) {
        let (s, r) = (side.idx(), side.other().idx());
        self.last_ns = self.last_ns.max(ts_ns);
        self.packets[s] += 1;
        self.bytes[s] += u64::from(seg.seg_len);
        let f = seg.flags;

        if f.syn() && !f.ack() {
            self.syn_ns = Some(ts_ns);
        }
        if completes_handshake {
            if let Some(rtt) = initial_rtt(self.syn_ns, ts_ns, SynAtEpoch::Counts) {
                self.handshake_rtt_ns = Some(rtt);
            }
        }

        // History letters.
        let h = &mut self.history;
        if f.syn() {
            h.push(if f.ack() { b'H' } else { b'S' }, side);
        }
        if f.fin() {
            h.push(b'F', side);
        }
        if f.rst() {
            h.push(b'R', side);
        }
        if seg.seg_len > 0 {
            let end = seg.seq.wrapping_add(seg.seg_len);
            match self.max_end[s] {
                Some(max) if seq::le(end, max) => h.push(b'T', side),
                _ => h.push(b'D', side),
            }
            if self.max_end[s].is_none_or(|max| seq::gt(end, max)) {
                self.max_end[s] = Some(end);
            }
        } else if f.ack() && !f.syn() && !f.fin() && !f.rst() {
            h.push(b'A', side);
        }
        if seg.window == 0 && !f.rst() {
            h.push(b'W', side);
        }

        // Zeek's endpoint states.
        let z = &mut self.zeek;
        if f.rst() {
            z[s] = ZeekEndpoint::Reset;
        } else if f.syn() {
            if matches!(z[s], ZeekEndpoint::Inactive) {
                z[s] = if f.ack() {
                    ZeekEndpoint::SynAckSent
                } else {
                    ZeekEndpoint::SynSent
                };
            }
        } else {
            if f.ack() && matches!(z[s], ZeekEndpoint::SynSent | ZeekEndpoint::SynAckSent) {
                z[s] = ZeekEndpoint::Established;
                if matches!(z[r], ZeekEndpoint::SynSent | ZeekEndpoint::SynAckSent) {
                    z[r] = ZeekEndpoint::Established;
                }
            }
            if matches!(z[s], ZeekEndpoint::Inactive) {
                z[s] = ZeekEndpoint::Partial;
            }
            if f.fin() && z[s] != ZeekEndpoint::Reset {
                z[s] = ZeekEndpoint::Closed;
            }
        }
    }

    /// Gathers the statistics of one analysed segment sent by `side`, from the segment and
    /// its verdicts.
    pub fn on_analysis(
        &mut self,
        side: Side,
        seg: &TcpSegment<'_>,
        an: &FrameAnalysis,
        ts_ns: i64,
    ) {
        let handshake_open = self.handshake_rtt_ns.is_none();
        let [c, s] = &mut **self.dir.get_or_insert_with(Default::default);
        let (own, peer) = match side {
            Side::Client => (c, s),
            Side::Server => (s, c),
        };
        if seg.flags.syn() && handshake_open {
            own.on_handshake_syn(ts_ns);
        }
        own.on_segment(peer, seg, an, ts_ns);
    }

    /// Zeek's `conn_state`, from the originator's (client's) point of view.
    pub fn conn_state(&self) -> &'static str {
        use ZeekEndpoint as Z;
        let [os, rs] = self.zeek;
        let inactive = |z: Z| matches!(z, Z::Inactive | Z::Partial);
        if rs == Z::Reset {
            if matches!(os, Z::SynSent | Z::SynAckSent) || (os == Z::Reset && self.bytes == [0, 0])
            {
                "REJ"
            } else if inactive(os) {
                "RSTRH"
            } else {
                "RSTR"
            }
        } else if os == Z::Reset {
            if inactive(rs) {
                // Zeek: RSTOS0 when the history is a SYN, then (no SYN-ACK) a reset.
                let hist = self.history.as_str().trim_start_matches('^');
                if hist.starts_with('S') && !hist.contains(['H', 'h']) {
                    "RSTOS0"
                } else {
                    "OTH"
                }
            } else {
                "RSTO"
            }
        } else if rs == Z::Closed && os == Z::Closed {
            "SF"
        } else if os == Z::Closed {
            if inactive(rs) {
                "SH"
            } else {
                "S2"
            }
        } else if rs == Z::Closed {
            if inactive(os) {
                "SHR"
            } else {
                "S3"
            }
        } else if os == Z::SynSent && rs == Z::Inactive {
            "S0"
        } else if os == Z::Established && rs == Z::Established {
            "S1"
        } else {
            "OTH"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_name_every_letter_and_state_once() {
        assert_eq!(History::ORDER, b"SHADFRTW");
        for table in [&HISTORY_LETTERS[..], &CONN_STATES[..]] {
            let mut values: Vec<&str> = table.iter().map(|m| m.value).collect();
            values.sort_unstable();
            values.dedup();
            assert_eq!(values.len(), table.len());
        }
        assert!(HISTORY_LETTERS
            .iter()
            .all(|m| m.value.len() == 1 && m.value.as_bytes()[0].is_ascii_uppercase()));
        // Every state `conn_state` can return is in CONN_STATES, and nothing else is: the
        // quoted values in its body, read from this file.
        let src = include_str!("summary.rs");
        let start = src.find("pub fn conn_state(").unwrap();
        let body = &src[start..start + src[start..].find("\n    }\n").unwrap()];
        let mut returned: Vec<&str> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|v| {
                !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            })
            .collect();
        returned.sort_unstable();
        returned.dedup();
        let mut table: Vec<&str> = CONN_STATES.iter().map(|m| m.value).collect();
        table.sort_unstable();
        assert_eq!(returned, table);
    }
    use crate::synth::SegBuilder;
    use crate::wire::{decode, Decoded, LinkType};

    fn feed(stats: &mut ConnStats, side: Side, b: SegBuilder) {
        let raw = b.raw();
        let Ok(Decoded::Tcp(seg)) = decode(LinkType::Raw, &raw, raw.len() as u32) else {
            panic!("not TCP")
        };
        stats.on_segment(side, &seg, 0, false);
    }

    fn c(flags: &str) -> SegBuilder {
        SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80").flags(flags)
    }
    fn s(flags: &str) -> SegBuilder {
        SegBuilder::v4("10.0.0.2:80", "10.0.0.1:1000").flags(flags)
    }

    #[test]
    fn normal_connection_is_sf() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("S").seq(1));
        feed(&mut st, Side::Server, s("SA").seq(9).ack(2));
        feed(&mut st, Side::Client, c("A").seq(2).ack(10));
        feed(
            &mut st,
            Side::Client,
            c("PA").seq(2).ack(10).payload(b"GET"),
        );
        feed(&mut st, Side::Server, s("A").seq(10).ack(5));
        feed(&mut st, Side::Client, c("FA").seq(5).ack(10));
        feed(&mut st, Side::Server, s("FA").seq(10).ack(6));
        feed(&mut st, Side::Client, c("A").seq(6).ack(11));
        assert_eq!(st.history.as_str(), "ShADaFf");
        assert_eq!(st.conn_state(), "SF");
        assert_eq!(st.bytes, [3, 0]);
        assert_eq!(st.packets, [5, 3]);
    }

    #[test]
    fn unanswered_syn_is_s0_and_refused_is_rej() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("S"));
        assert_eq!(st.conn_state(), "S0");
        feed(&mut st, Side::Server, s("RA"));
        assert_eq!(st.conn_state(), "REJ");
        assert_eq!(st.history.as_str(), "Sr");
    }

    #[test]
    fn resets_after_establishment() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("S"));
        feed(&mut st, Side::Server, s("SA"));
        feed(&mut st, Side::Client, c("A"));
        let mut o = st.clone();
        feed(&mut st, Side::Server, s("R"));
        assert_eq!(st.conn_state(), "RSTR");
        feed(&mut o, Side::Client, c("R"));
        assert_eq!(o.conn_state(), "RSTO");
    }

    #[test]
    fn syn_then_client_reset_is_rstos0() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("S"));
        feed(&mut st, Side::Client, c("R"));
        assert_eq!(st.conn_state(), "RSTOS0");
    }

    #[test]
    fn midstream_is_oth_and_retransmission_is_t() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("PA").seq(100).payload(b"abc"));
        feed(&mut st, Side::Client, c("PA").seq(100).payload(b"abc"));
        feed(&mut st, Side::Server, s("A").window(0));
        assert_eq!(st.history.as_str(), "DTaw");
        assert_eq!(st.conn_state(), "OTH");
    }

    #[test]
    fn half_open_close_attempts() {
        let mut st = ConnStats::new(0);
        feed(&mut st, Side::Client, c("S"));
        feed(&mut st, Side::Client, c("FA"));
        assert_eq!(st.conn_state(), "SH");
    }

    #[test]
    fn initial_rtt_from_the_latest_syn_with_wiresharks_epoch_quirk_as_a_parameter() {
        use SynAtEpoch::*;
        assert_eq!(initial_rtt(None, 10, Counts), None);
        assert_eq!(initial_rtt(Some(4), 10, Unset), Some(6));
        assert_eq!(initial_rtt(Some(0), 10, Counts), Some(10));
        assert_eq!(initial_rtt(Some(0), 10, Unset), None);
        assert_eq!(
            initial_rtt(Some(i64::MIN), i64::MAX, Counts),
            Some(i64::MAX)
        );
    }
}
