//! The packets of one TCP stream, as the pictures need them: each frame's verdict plus the
//! few segment facts the record does not keep (SACK blocks, the scaled window).

use tcplens_core::analysis::{FrameAnalysis, Verdict};
use tcplens_core::record::RecordBits;
use tcplens_core::{FrameRecord, Side, TcpSegment};

/// One TCP frame of a stream.
#[derive(Debug, Clone, Copy)]
pub struct Packet {
    /// Wireshark's frame number.
    pub frame: u32,
    /// Capture time, nanoseconds since the first frame of the capture.
    pub t_ns: i64,
    pub rec: FrameRecord,
    pub an: FrameAnalysis,
    /// SACK blocks (RFC 2018 §3), relative to the receiver's base like `ack`.
    pub sack: [(u32, u32); 4],
    pub sack_count: u8,
}

impl Packet {
    pub fn new(
        frame: u32,
        t_ns: i64,
        seg: &TcpSegment<'_>,
        rec: FrameRecord,
        an: FrameAnalysis,
    ) -> Packet {
        // `ack` and the SACK edges count in the peer's sequence space; the record gives
        // that space's base as ack_raw - ack when the numbers are relative.
        let base = if rec.bits.has(RecordBits::RELATIVE) && rec.tcp_flags.ack() {
            rec.ack_raw.wrapping_sub(rec.ack)
        } else {
            0
        };
        let mut sack = [(0, 0); 4];
        let blocks = seg.options.sack_blocks();
        for (dst, (l, r)) in sack.iter_mut().zip(blocks) {
            *dst = (l.wrapping_sub(base), r.wrapping_sub(base));
        }
        Packet {
            frame,
            t_ns,
            rec,
            an,
            sack,
            sack_count: blocks.len().min(4) as u8,
        }
    }

    pub fn from(&self) -> Side {
        self.rec.sender()
    }

    pub fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..self.sack_count as usize]
    }

    /// The anomalies Wireshark would show on this frame.
    pub fn anomalies(&self) -> impl Iterator<Item = Verdict> {
        self.an.verdicts.shown()
    }

    pub fn is_anomalous(&self) -> bool {
        !self.an.verdicts.is_empty()
    }
}

/// One stream's packets and endpoints.
#[derive(Debug, Clone)]
pub struct Stream {
    pub stream: u32,
    /// `[client, server]`, as "addr:port".
    pub endpoints: [String; 2],
    pub packets: Vec<Packet>,
}

impl Stream {
    pub fn endpoint(&self, side: Side) -> &str {
        &self.endpoints[side.idx()]
    }
}
