//! The compact per-frame verdict.
//!
//! One `FrameRecord` per TCP frame: `Copy`, no heap, at most 64 bytes, so a host can keep
//! one for every frame of a large capture (the Wireshark plugin does, to answer later
//! passes). Text is generated from it on demand (`explain`), never stored in it.

use crate::community_id::community_id;
use crate::flow::{ClientBy, Conversation, Endpoint};
use crate::lifecycle::{Event, Handshake, Side, TcpState, Teardown};
use crate::statistics::{DirStats, RttSummary, Vantage, VantageEvidence};
use crate::wire::{DecodeError, Encap, TcpFlags};

/// Per-frame facts that are yes/no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RecordBits(pub u8);

impl RecordBits {
    /// The sender is the conversation's client.
    pub const FROM_CLIENT: u8 = 0x01;
    /// `seq`/`ack` are relative to the flows' bases (Wireshark's default display).
    pub const RELATIVE: u8 = 0x02;
    /// `len` is known (not for a header-only or ICMP-quoted segment).
    pub const HAS_LEN: u8 = 0x04;
    /// The header was quoted inside an ICMP error.
    pub const ICMP_QUOTED: u8 = 0x08;
    /// The TCP options were malformed (a truncated option or a bad option length).
    pub const OPTION_ERROR: u8 = 0x10;
    /// `next_seq` is known (Wireshark shows `tcp.nxtseq`).
    pub const HAS_NEXT_SEQ: u8 = 0x20;
    /// `ack` is shown (Wireshark omits `tcp.ack` on a bogus-header segment without ACK).
    pub const ACK_SHOWN: u8 = 0x40;

    #[inline]
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    #[inline]
    pub fn set(&mut self, bit: u8, on: bool) {
        if on {
            self.0 |= bit;
        } else {
            self.0 &= !bit;
        }
    }
}

/// The verdict for one TCP frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameRecord {
    /// Wireshark's `tcp.stream`.
    pub stream: u32,
    /// `tcp.seq`: relative to the sender's base, or raw when there is none.
    pub seq: u32,
    /// `tcp.ack`: relative to the receiver's base when the ACK bit is set, else raw.
    pub ack: u32,
    pub seq_raw: u32,
    pub ack_raw: u32,
    /// `tcp.len`: payload bytes on the wire.
    pub len: u32,
    /// `tcp.nxtseq`: `seq + len`, plus one for SYN or FIN.
    pub next_seq: u32,
    /// The raw window field.
    pub window: u16,
    pub tcp_flags: TcpFlags,
    /// Wireshark's `tcp.analysis` verdicts as the rules decided them: the bits of
    /// [`Verdicts`](crate::analysis::Verdicts), one per [`Verdict`](crate::analysis::Verdict)
    /// (a fast or spurious retransmission without the `retransmission` bit that
    /// [`Verdicts::shown`](crate::analysis::Verdicts::shown) adds). 0 for a frame the rules
    /// do not analyse (a header-only, bogus-offset or ICMP-quoted segment, or one whose
    /// options stopped Wireshark's dissection).
    pub analysis: u16,
    pub handshake: Option<Handshake>,
    pub teardown: Option<Teardown>,
    pub event: Event,
    /// For an RST: the state its sender was in.
    pub rst_from: Option<TcpState>,
    pub client_state: TcpState,
    pub server_state: TcpState,
    pub bits: RecordBits,
    /// Why the TCP header is malformed, when it is (the segment is then only partly used).
    pub malformed: Option<DecodeError>,
    /// The layers the segment was found under (the JSONL `encap`).
    pub encap: Encap,
}

impl FrameRecord {
    /// Which side sent the frame.
    pub fn sender(&self) -> Side {
        if self.bits.has(RecordBits::FROM_CLIENT) {
            Side::Client
        } else {
            Side::Server
        }
    }

    /// `len`, when the frame has one.
    pub fn seg_len(&self) -> Option<u32> {
        self.bits.has(RecordBits::HAS_LEN).then_some(self.len)
    }

    /// `next_seq`, when the frame has one.
    pub fn next_seq(&self) -> Option<u32> {
        self.bits
            .has(RecordBits::HAS_NEXT_SEQ)
            .then_some(self.next_seq)
    }

    /// `ack`, when it is shown.
    pub fn ack(&self) -> Option<u32> {
        self.bits.has(RecordBits::ACK_SHOWN).then_some(self.ack)
    }

    /// The state of the frame's sender after it.
    pub fn sender_state(&self) -> TcpState {
        match self.sender() {
            Side::Client => self.client_state,
            Side::Server => self.server_state,
        }
    }

    pub fn is_icmp_quote(&self) -> bool {
        self.bits.has(RecordBits::ICMP_QUOTED)
    }

    /// The `error` key of a TCP frame: a malformed header, else a malformed option.
    pub fn error_code(&self) -> Option<&'static str> {
        if let Some(e) = self.malformed {
            return Some(e.code());
        }
        self.bits
            .has(RecordBits::OPTION_ERROR)
            .then_some(MALFORMED_OPTION_CODE)
    }
}

/// The `error` code of a frame whose TCP options are malformed (the frame is analysed).
pub const MALFORMED_OPTION_CODE: &str = crate::wire::OptionError::CODE;

/// The record of one conversation, as `conns` lists it (its keys: [`crate::schema::ConnKey`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnRecord {
    pub stream: u32,
    pub client: Endpoint,
    pub server: Endpoint,
    /// How the client was told from the server.
    pub client_by: ClientBy,
    /// Nanoseconds since the first frame of the capture.
    pub first_ns: i64,
    pub last_ns: i64,
    pub duration_ns: i64,
    /// Packets and payload bytes each way.
    pub packets_client: u64,
    pub bytes_client: u64,
    pub packets_server: u64,
    pub bytes_server: u64,
    /// SYN to the ACK completing the handshake.
    pub handshake_rtt_ns: Option<i64>,
    pub client_state: TcpState,
    pub server_state: TcpState,
    /// The Zeek-style history letters.
    pub history: String,
    /// The Zeek-style `conn_state`.
    pub conn_state: &'static str,
    /// The first packet's capture time, in nanoseconds since the Unix epoch.
    pub first_epoch_ns: i64,
    /// The Community ID v1 of the 4-tuple (seed 0), worked out when first asked for
    /// ([`ConnRecord::community_id`]): a SHA-1 per conversation that the table never shows.
    pub community_id: std::sync::OnceLock<String>,
    /// Per-direction statistics, indexed by [`Side`]: what each side sent and advertised.
    pub dirs: [DirRecord; 2],
    /// Where the capture was taken ([`Vantage`]); unknown when statistics were not gathered.
    pub vantage: Vantage,
}

/// The statistics of one direction, as `conns` reports them ([`crate::statistics`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirRecord {
    pub data_packets: u64,
    pub unique_bytes: u64,
    pub ip_bytes: u64,
    pub retrans_packets: u64,
    pub retrans_bytes: u64,
    pub out_of_order: u64,
    pub duplicate: u64,
    pub dup_acks: u64,
    pub zero_window: u64,
    pub zero_window_ns: i64,
    /// RTT samples of this side's data (from the peer's ACKs).
    pub rtt: Option<RttSummary>,
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    /// `None` when no SYN of this side was seen.
    pub sack_permitted: Option<bool>,
    pub timestamps: Option<bool>,
    pub max_window: Option<u32>,
    pub min_window: Option<u32>,
    pub idle_max_ns: i64,
    pub missed_bytes: u64,
}

impl DirRecord {
    /// `scaled`: both SYNs offered window scaling.
    fn new(d: &DirStats, end_ns: i64, scaled: bool) -> DirRecord {
        DirRecord {
            data_packets: d.data_packets.into(),
            unique_bytes: d.unique_bytes,
            ip_bytes: d.ip_bytes,
            retrans_packets: d.retrans_packets.into(),
            retrans_bytes: d.retrans_bytes,
            out_of_order: d.out_of_order.into(),
            duplicate: d.duplicate.into(),
            dup_acks: d.dup_acks.into(),
            zero_window: d.zero_window.into(),
            zero_window_ns: d.zero_window_ns(end_ns),
            rtt: d.rtt(),
            mss: d.mss,
            window_scale: d.window_scale,
            sack_permitted: d.syn_option(DirStats::SACK_PERMITTED),
            timestamps: d.syn_option(DirStats::TIMESTAMPS),
            max_window: d.max_window(),
            min_window: d.min_window(scaled),
            idle_max_ns: d.idle_max_ns(),
            missed_bytes: d.cover.missed(),
        }
    }
}

impl ConnRecord {
    /// Retransmitted payload bytes as a share of all payload bytes `side` sent (0 to 1,
    /// four decimals), when it sent any.
    pub fn retrans_share(&self, side: Side) -> Option<f64> {
        let bytes = match side {
            Side::Client => self.bytes_client,
            Side::Server => self.bytes_server,
        };
        let r = self.dirs[side.idx()].retrans_bytes;
        (bytes > 0).then(|| (r as f64 / bytes as f64 * 1e4).round() / 1e4)
    }

    /// Unique bytes `side` sent per second of the conversation's duration (rounded), when
    /// the duration is not zero.
    pub fn throughput(&self, side: Side) -> Option<u64> {
        (self.duration_ns > 0).then(|| {
            (self.dirs[side.idx()].unique_bytes as f64 / (self.duration_ns as f64 / 1e9)).round()
                as u64
        })
    }

    /// Zeek's `missed_bytes`: both directions'.
    pub fn missed_bytes(&self) -> u64 {
        self.dirs[0].missed_bytes + self.dirs[1].missed_bytes
    }
}

impl ConnRecord {
    /// The Community ID v1 of the 4-tuple (seed 0), as Zeek and Suricata print it.
    pub fn community_id(&self) -> &str {
        self.community_id
            .get_or_init(|| community_id(&self.client, &self.server))
    }

    /// The record of `c`, with times counted from `capture_start_ns` (saturating: a hostile
    /// capture may put its frames at the ends of time).
    pub fn new(c: &Conversation, capture_start_ns: i64) -> ConnRecord {
        let s = &c.stats;
        ConnRecord {
            stream: c.stream,
            client: c.endpoints[0],
            server: c.endpoints[1],
            client_by: c.client_by,
            first_ns: s.first_ns.saturating_sub(capture_start_ns),
            last_ns: s.last_ns.saturating_sub(capture_start_ns),
            duration_ns: s.last_ns.saturating_sub(s.first_ns),
            packets_client: s.packets[Side::Client.idx()],
            bytes_client: s.bytes[Side::Client.idx()],
            packets_server: s.packets[Side::Server.idx()],
            bytes_server: s.bytes[Side::Server.idx()],
            handshake_rtt_ns: s.handshake_rtt_ns,
            client_state: c.lifecycle.state(Side::Client),
            server_state: c.lifecycle.state(Side::Server),
            history: s.history.as_str().to_string(),
            conn_state: s.conn_state(),
            first_epoch_ns: s.first_ns,
            community_id: std::sync::OnceLock::new(),
            vantage: {
                let dir = s.dir.as_deref().copied().unwrap_or_default();
                let rtt = |d: &DirStats| d.rtt().map(|t| (t.samples, t.min_ns));
                Vantage::infer(&VantageEvidence {
                    syn_ns: dir[Side::Client.idx()].handshake_syn_ns(),
                    syn_ack_ns: dir[Side::Server.idx()].handshake_syn_ns(),
                    handshake_rtt_ns: s.handshake_rtt_ns,
                    rtt_client: rtt(&dir[Side::Client.idx()]),
                    rtt_server: rtt(&dir[Side::Server.idx()]),
                })
            },
            dirs: {
                // Zeros when the analyzer did not gather statistics.
                let dir = s.dir.as_deref().copied().unwrap_or_default();
                let scaled = dir.iter().all(|d| d.window_scale.is_some());
                [
                    DirRecord::new(&dir[0], s.last_ns, scaled),
                    DirRecord::new(&dir[1], s.last_ns, scaled),
                ]
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_is_small_and_copy() {
        fn assert_copy<T: Copy>() {}
        assert_copy::<FrameRecord>();
        assert!(
            core::mem::size_of::<FrameRecord>() <= 64,
            "FrameRecord grew to {} bytes",
            core::mem::size_of::<FrameRecord>()
        );
    }

    #[test]
    fn bits_set_and_clear() {
        let mut b = RecordBits::default();
        b.set(RecordBits::HAS_LEN, true);
        b.set(RecordBits::FROM_CLIENT, true);
        b.set(RecordBits::FROM_CLIENT, false);
        assert!(b.has(RecordBits::HAS_LEN) && !b.has(RecordBits::FROM_CLIENT));
    }
}
