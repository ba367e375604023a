//! Reading a capture for the pictures: every TCP frame with its analysis, and the packets
//! of chosen streams as `tcplens_render`'s [`Stream`]s.

use tcplens_core::analysis::FrameAnalysis;
use tcplens_core::{Analyzer, FrameRecord, TcpSegment};
use tcplens_render::trace::{Packet, Stream};

use crate::error::CliError;
use tcplens_capture::Source;
use tcplens_drive::{self as drive, Seen, TcpFrame};

/// How a scan ended.
#[derive(Debug, Default)]
pub struct ScanEnd {
    /// The capture time of the first frame.
    pub first_ns: Option<i64>,
    /// The damage that ended a file early; the frames before it were scanned.
    pub broke: Option<CliError>,
}

/// Feeds every frame of the file at `path` to `analyzer` through the frame loop and hands
/// each TCP frame to `sink` with the analyzer, the frame's number and its time since the
/// capture's first frame.
pub fn scan<F>(path: &str, analyzer: &mut Analyzer, mut sink: F) -> Result<ScanEnd, CliError>
where
    F: FnMut(&mut Analyzer, u32, i64, &TcpSegment<'_>, &FrameRecord, &FrameAnalysis),
{
    let mut src = Source::open_file(path)?;
    let end = drive::run(
        &mut src,
        analyzer,
        drive::Options::default(),
        |analyzer, n, t, seen| {
            if let Seen::Tcp(TcpFrame {
                segment: Some(segment),
                record,
                analysis,
                ..
            }) = seen
            {
                // The pictures number frames as u32 (`Packet::frame`).
                let frame = u32::try_from(n).unwrap_or(u32::MAX);
                sink(analyzer, frame, t, segment, record, analysis);
            }
            Ok(())
        },
    )?;
    Ok(ScanEnd {
        first_ns: end.first_ns,
        broke: end.broke.map(CliError::from),
    })
}

/// The frames of `stream` in the file at `path`.
pub fn load_stream(path: &str, stream: u32) -> Result<(Stream, Option<CliError>), CliError> {
    let (mut found, broke) = load_streams(path, &[stream])?;
    match found.pop() {
        Some(s) => Ok((s, broke)),
        None => Err(CliError::NoSuchStream {
            name: path.to_string(),
            stream,
        }),
    }
}

/// The frames of each stream in `streams` (those the capture has, in that order).
pub fn load_streams(
    path: &str,
    streams: &[u32],
) -> Result<(Vec<Stream>, Option<CliError>), CliError> {
    let mut analyzer = Analyzer::new();
    let mut packets: Vec<Vec<Packet>> = vec![Vec::new(); streams.len()];
    let end = scan(path, &mut analyzer, |_, n, t, seg, rec, an| {
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
