//! The analysis engine the loop feeds: the built-in analyzer or the core's C ABI.

use std::fmt::Write as _;

use tcplens_capture::Frame;
use tcplens_core::analysis::FrameAnalysis;
use tcplens_core::explain::{explain, explain_quote, Lang};
use tcplens_core::flow::{endpoints, Endpoint};
use tcplens_core::schema::{Body, TcpFrame as SchemaTcp};
use tcplens_core::verdict::Revision;
use tcplens_core::{Analyzer, DecodeError, FrameRecord, Outcome, TcpQuote, TcpSegment};

use crate::DriveError;

/// What the engine made of one frame.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum Seen<'a> {
    Tcp(TcpFrame<'a>),
    /// An ICMP error quoting a TCP header cut before 16 bytes: shown, in no conversation.
    Quote(TcpQuote),
    Undecodable(DecodeError),
    NotTcp,
}

impl<'a> Seen<'a> {
    /// The frame as the schema reads it (none for a frame that is not TCP).
    pub fn body(&'a self) -> Option<Body<'a>> {
        match self {
            Seen::Tcp(f) => Some(Body::Tcp(SchemaTcp {
                ends: &f.endpoints,
                rec: &f.record,
                an: &f.analysis,
            })),
            Seen::Quote(q) => Some(Body::Quote(q)),
            Seen::Undecodable(e) => Some(Body::Undecodable(*e)),
            Seen::NotTcp => None,
        }
    }
}

/// A TCP frame's verdict.
#[derive(Debug, Clone, Copy)]
pub struct TcpFrame<'a> {
    pub record: FrameRecord,
    pub analysis: FrameAnalysis,
    /// (source, destination).
    pub endpoints: (Endpoint, Endpoint),
    /// The decoded segment (SACK blocks, options ...); only the built-in engine has it.
    pub segment: Option<TcpSegment<'a>>,
}

/// The built-in engine's explanation of the frame `body` in `lang`, into `out` (cleared
/// first). It reads nothing but the frame, so any thread holding the frame can write it.
pub fn tell(body: &Body<'_>, lang: Lang, out: &mut String) {
    out.clear();
    match *body {
        Body::Tcp(t) => {
            let _ = explain(lang, t.rec, t.an, out);
        }
        Body::Quote(q) => {
            let _ = explain_quote(lang, q, out);
        }
        Body::Undecodable(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// An analysis fed frame by frame, in capture order.
pub trait Engine {
    /// Analyses frame `number` (1-based; every frame of the capture, once, in order).
    fn feed<'a>(&mut self, number: u64, frame: &Frame<'a>) -> Result<Seen<'a>, DriveError>;

    /// The explanation of the frame just fed (`seen`) in `lang`, into `out` (cleared
    /// first); nothing for a frame that is not TCP. The built-in engine's is [`tell`].
    fn explain(&mut self, seen: &Seen<'_>, lang: Lang, out: &mut String);

    /// The built-in analyzer's state (counters, conversations), when this engine is it.
    fn builtin(&self) -> Option<&Analyzer> {
        None
    }

    /// Moves the revisions of earlier frames' own verdicts (later evidence settling them,
    /// `tcplens_core::verdict::settle`) to the end of `out`; none through the C ABI.
    fn take_revisions(&mut self, _out: &mut Vec<Revision>) {}
}

impl Engine for Analyzer {
    // Inlined into the loop, so a sink that ignores parts of the frame (conns) lets the
    // compiler drop building them.
    #[inline]
    fn feed<'a>(&mut self, _number: u64, frame: &Frame<'a>) -> Result<Seen<'a>, DriveError> {
        let outcome =
            self.process_linktype(frame.linktype, frame.data, frame.orig_len, frame.ts_ns);
        Ok(match outcome {
            Outcome::Tcp {
                segment,
                record,
                analysis,
            } => Seen::Tcp(TcpFrame {
                record,
                analysis,
                endpoints: endpoints(&segment),
                segment: Some(segment),
            }),
            Outcome::Quote(q) => Seen::Quote(q),
            Outcome::Undecodable(e) => Seen::Undecodable(e),
            Outcome::NotTcp(_) => Seen::NotTcp,
        })
    }

    fn explain(&mut self, seen: &Seen<'_>, lang: Lang, out: &mut String) {
        match seen.body() {
            Some(body) => tell(&body, lang, out),
            None => out.clear(),
        }
    }

    fn builtin(&self) -> Option<&Analyzer> {
        Some(self)
    }

    fn take_revisions(&mut self, out: &mut Vec<Revision>) {
        Analyzer::take_revisions(self, out);
    }
}
