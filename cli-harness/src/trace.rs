//! The packets of one TCP stream, as the pictures need them: each frame's verdict plus the
//! few segment facts the record does not keep (SACK blocks, the scaled window).

use tcplens_core::analysis::{FrameAnalysis, Verdict};
use tcplens_core::record::RecordBits;
use tcplens_core::{Analyzer, FrameRecord, Side, TcpSegment};

use crate::error::CliError;
use tcplens_capture::Source;
use tcplens_drive::{self as drive, Seen, TcpFrame};

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

/// How a scan ended.
#[derive(Debug, Default)]
pub struct ScanEnd {
    /// The capture time of the first frame.
    pub first_ns: Option<i64>,
    /// The damage that ended a file early; the frames before it were scanned.
    pub broke: Option<CliError>,
}

/// Feeds every frame of the file at `path` to `analyzer` through the frame loop and hands
/// each TCP frame to `sink` with its number and time since the capture's first frame.
pub fn scan<F>(path: &str, analyzer: &mut Analyzer, mut sink: F) -> Result<ScanEnd, CliError>
where
    F: FnMut(u32, i64, &TcpSegment<'_>, &FrameRecord, &FrameAnalysis),
{
    let mut src = Source::open_file(path)?;
    let end = drive::run(
        &mut src,
        analyzer,
        drive::Options::default(),
        |_, n, t, seen| {
            if let Seen::Tcp(TcpFrame {
                segment: Some(segment),
                record,
                analysis,
                ..
            }) = seen
            {
                // The pictures number frames as u32 (`Packet::frame`).
                let frame = u32::try_from(n).unwrap_or(u32::MAX);
                sink(frame, t, segment, record, analysis);
            }
            Ok(())
        },
    )?;
    Ok(ScanEnd {
        first_ns: end.first_ns,
        broke: end.broke.map(CliError::from),
    })
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
    /// The frames of `stream` in the file at `path`.
    pub fn load(path: &str, stream: u32) -> Result<(Stream, Option<CliError>), CliError> {
        let (mut found, broke) = Stream::load_many(path, &[stream])?;
        match found.pop() {
            Some(s) => Ok((s, broke)),
            None => Err(CliError::NoSuchStream {
                name: path.to_string(),
                stream,
            }),
        }
    }

    /// The frames of each stream in `streams` (those the capture has, in that order).
    pub fn load_many(
        path: &str,
        streams: &[u32],
    ) -> Result<(Vec<Stream>, Option<CliError>), CliError> {
        let mut analyzer = Analyzer::new();
        let mut packets: Vec<Vec<Packet>> = vec![Vec::new(); streams.len()];
        let end = scan(path, &mut analyzer, |n, t, seg, rec, an| {
            if let Some(i) = streams.iter().position(|s| *s == rec.stream) {
                packets[i].push(Packet::new(n, t, seg, *rec, *an));
            }
        })?;
        let found = streams
            .iter()
            .zip(packets)
            .filter_map(|(&stream, packets)| {
                let conv = analyzer.conversations().get(stream)?;
                Some(Stream {
                    stream,
                    endpoints: conv.endpoints.map(|e| e.to_string()),
                    packets,
                })
            })
            .collect();
        Ok((found, end.broke))
    }

    pub fn endpoint(&self, side: Side) -> &str {
        &self.endpoints[side.idx()]
    }
}
