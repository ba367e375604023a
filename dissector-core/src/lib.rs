//! tcplens-core analyses TCP frame by frame: bytes in, verdicts out, with no I/O.
//!
//! Layers, each in its own module:
//! - [`wire`]: link, IP and TCP decoding (zero-copy views, typed errors);
//! - [`flow`]: the conversation table, `tcp.stream` numbering and relative numbers (a
//!   seeded 4-tuple hash, the index's buckets in `slot_index`); one `Conversation` holds
//!   all of a connection's state, so `--max-conns` bounds it whole;
//! - [`analysis`]: Wireshark-compatible `tcp.analysis` verdicts, one small rule each;
//! - [`lifecycle`]: handshake, teardown, resets and RFC 9293 endpoint states;
//! - [`summary`]: per-connection totals, history and Zeek-style `conn_state`;
//! - [`statistics`]: per-direction statistics (retransmissions, RTT, windows, ...), and
//!   [`community_id`] the Community ID flow hash;
//! - [`record`]: the compact per-frame record and the per-conversation record;
//! - [`schema`]: every key of those records once, driving every output;
//! - [`explain`]: which sentences explain a frame, chosen once for every language;
//! - [`diagnosis`]: likely causes per connection, an engine and one file per rule;
//! - [`text`]: every sentence tcplens prints, one file per language;
//! - [`compact`]: verdicts kept across passes in a few bytes per frame;
//! - [`verdict`]: tcplens's own verdict per data segment, decided from evidence;
//! - [`analyzer`]: the per-frame pipeline that ties them together.
//!
//! - [`ffi`]: the C ABI (`include/tcplens.h`), the only module with `unsafe` code besides
//!   [`prefetch`]'s one hint instruction.
#![deny(unsafe_code)]

pub mod analysis;
pub mod analyzer;
pub mod community_id;
pub mod compact;
pub mod defrag;
pub mod diagnosis;
pub mod explain;
#[allow(unsafe_code)]
pub mod ffi;
pub mod flow;
pub mod lifecycle;
#[allow(unsafe_code)]
pub mod prefetch;
pub mod record;
pub mod schema;
pub mod seq;
mod slot_index;
pub mod statistics;
pub mod summary;
pub mod synth;
pub mod text;
pub mod verdict;
pub mod wire;

pub use analyzer::{Analyzer, Counters, Outcome, Routed};
pub use lifecycle::{Event, Handshake, Side, TcpState, Teardown};
pub use record::FrameRecord;
pub use wire::{DecodeError, LinkType, NotTcp, TcpQuote, TcpSegment};
