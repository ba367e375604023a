//! The C ABI: the only module of the core with `unsafe` code.
//!
//! A C host (the Wireshark plugin, a C program) creates an analyzer from a config,
//! feeds it frames in capture order, and reads each frame's verdict back as a `repr(C)`
//! struct. Every entry point checks its pointers and runs its whole body through one panic
//! boundary (`entry`), which turns a panic into [`TCPLENS_ERR_PANIC`] (or NULL); nothing
//! unwinds into C. Statuses are one `repr(i32)` enum, [`TcplensStatus`]; the names C reads
//! (states, events, verdicts, error codes) are the core's own tables, NUL-terminated once.
//! `include/tcplens.h` is generated from this file by cbindgen (a test fails when it is
//! stale).
//!
//! Safety contract, for every function: pointer arguments are either NULL (rejected with
//! [`TCPLENS_ERR_NULL`]) or valid for the stated length; an analyzer pointer comes from
//! [`tcplens_analyzer_new`] and is used from one thread at a time until
//! [`tcplens_analyzer_free`].

use core::ffi::c_char;
use core::net::IpAddr;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use crate::analysis::{FrameAnalysis, Verdict};
use crate::analyzer::{Analyzer, Outcome};
use crate::explain::{explain, explain_quote, Lang};
use crate::lifecycle::{Event, Side, TcpState};
use crate::record::FrameRecord;
use crate::wire::{DecodeError, OptionError, TcpQuote, TcpSegment};

/// The ABI version this library implements; a host passes it in its config. Version 3
/// added `tcplens_set_max_conns` and the `TcplensStatus` enum (same values as version 2's
/// status codes); version 4 the encapsulation path (`encap_len`, `encap`,
/// `tcplens_layer_name`), which changes the verdict's layout; version 5 room for 12 layers
/// in `encap` (VXLAN inside ERSPAN inside GRE takes 10, two VLAN tags more 12), and
/// `TCPLENS_QUOTE_CUT` verdicts for TCP headers quoted cut short in ICMP errors, and the
/// event code 8 (`late_syn`); version 6 tcplens's own verdict (`verdict`, `evidence`,
/// `trigger`, named by `tcplens_own_verdict_name`, `tcplens_evidence_name` and
/// `tcplens_trigger_name`), which changes the verdict's layout; version 7 the frame a copy
/// copies (`copy_of_frame`, `copy_identified`, `copy_gap_ns`), for the explanation;
/// version 8 the comparison that decided the own verdict (`basis`, `basis_clock`,
/// `basis_frame`, `basis_a`, `basis_b`, the code named by `tcplens_basis_name`), for the
/// explanation's numbers.
pub const TCPLENS_ABI_VERSION: u32 = 8;

/// What a call did. Every function that returns a status returns one of these (as an
/// `int32_t`); `tcplens_explain` returns a length, or one of the negative ones.
#[repr(i32)]
#[allow(non_camel_case_types)] // The C names, in C and in Rust alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcplensStatus {
    /// The call succeeded; for `tcplens_feed`, the frame is TCP and the verdict was written.
    TCPLENS_OK = 0,
    /// `tcplens_feed`: the frame is not TCP (skipped and counted).
    TCPLENS_NOT_TCP = 1,
    /// `tcplens_feed`: the frame could not be decoded; the verdict holds only the frame,
    /// the time and the error code.
    TCPLENS_UNDECODABLE = 2,
    /// A required pointer was NULL.
    TCPLENS_ERR_NULL = -1,
    /// An argument is out of range (an unknown ABI version, a frame never fed ...).
    TCPLENS_ERR_INVALID = -2,
    /// The core panicked; the analyzer should be reset or freed.
    TCPLENS_ERR_PANIC = -3,
}

pub use TcplensStatus::*;

impl TcplensStatus {
    /// The status of a code a C function returned, if it is one (a host loading the
    /// library reads an `int32_t`, never trusting it to be a valid enum value).
    pub fn from_code(code: i32) -> Option<TcplensStatus> {
        Some(match code {
            0 => TCPLENS_OK,
            1 => TCPLENS_NOT_TCP,
            2 => TCPLENS_UNDECODABLE,
            -1 => TCPLENS_ERR_NULL,
            -2 => TCPLENS_ERR_INVALID,
            -3 => TCPLENS_ERR_PANIC,
            _ => return None,
        })
    }
}

impl From<TcplensStatus> for i32 {
    fn from(s: TcplensStatus) -> i32 {
        s as i32
    }
}

impl From<TcplensStatus> for i64 {
    fn from(s: TcplensStatus) -> i64 {
        i64::from(s as i32)
    }
}

/// `present` bits of [`TcplensVerdict`]: which nullable fields hold a value.
pub const TCPLENS_HAS_ACK: u32 = 1 << 0;
pub const TCPLENS_HAS_LEN: u32 = 1 << 1;
pub const TCPLENS_HAS_NEXT_SEQ: u32 = 1 << 2;
pub const TCPLENS_HAS_WINDOW_SCALED: u32 = 1 << 3;
pub const TCPLENS_HAS_DUP_ACK: u32 = 1 << 4;
pub const TCPLENS_HAS_ACKS_FRAME: u32 = 1 << 5;
pub const TCPLENS_HAS_ACK_RTT: u32 = 1 << 6;
pub const TCPLENS_HAS_INITIAL_RTT: u32 = 1 << 7;
pub const TCPLENS_HAS_BYTES_IN_FLIGHT: u32 = 1 << 8;
pub const TCPLENS_HAS_RTO: u32 = 1 << 9;
pub const TCPLENS_HAS_COMPLETENESS: u32 = 1 << 10;
pub const TCPLENS_HAS_RST: u32 = 1 << 11;
/// Not a field: the header was quoted inside an ICMP error.
pub const TCPLENS_ICMP_QUOTED: u32 = 1 << 12;
/// `expected_seq` is set (a `lost_segment` frame).
pub const TCPLENS_HAS_EXPECTED_SEQ: u32 = 1 << 13;
/// Not a field: an ICMP error quoting a TCP header cut before 16 bytes, which belongs to no
/// conversation. Only the addresses, ports and `encap` are set (and `seq`, `seq_raw` with
/// `TCPLENS_QUOTE_SEQ`); `error` says `truncated_tcp_header` and `error_detail` holds the
/// quote: the bytes quoted, 0x100 for ICMPv6, the ICMP type << 16 and code << 24.
pub const TCPLENS_QUOTE_CUT: u32 = 1 << 14;
/// With `TCPLENS_QUOTE_CUT`: `seq` and `seq_raw` hold the quoted sequence number.
pub const TCPLENS_QUOTE_SEQ: u32 = 1 << 15;

/// Explanation languages for `tcplens_explain_lang`.
pub const TCPLENS_LANG_EN: u32 = 0;
pub const TCPLENS_LANG_ZH: u32 = 1;

/// How an analyzer is set up.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TcplensConfig {
    /// Must be [`TCPLENS_ABI_VERSION`].
    pub abi_version: u32,
    /// Non-zero: keep every frame's verdict so `tcplens_get_verdict` can read it back.
    pub keep_verdicts: u32,
}

/// One frame's verdict: every key of the JSONL record. Text fields are codes; their names
/// come from `tcplens_state_name`, `tcplens_event_name`, `tcplens_verdict_name` and
/// `tcplens_error_name`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TcplensVerdict {
    /// 1-based frame number, as Wireshark numbers frames.
    pub frame: u64,
    /// Nanoseconds since the first frame fed.
    pub time_ns: i64,
    pub stream: u32,
    /// Which nullable fields are present (`TCPLENS_HAS_*`).
    pub present: u32,
    /// 4 or 6; addresses are in network order, IPv4 in the first four bytes.
    pub ip_version: u8,
    pub src_addr: [u8; 16],
    pub dst_addr: [u8; 16],
    pub sport: u16,
    pub dport: u16,
    /// 1 when the client sent this frame.
    pub from_client: u8,
    /// TCP flag bits as in the header (FIN 0x01 ... NS 0x100).
    pub tcp_flags: u16,
    pub seq: u32,
    pub ack: u32,
    pub seq_raw: u32,
    pub ack_raw: u32,
    pub len: u32,
    pub next_seq: u32,
    pub window: u16,
    pub window_scaled: u32,
    /// 0 none, 1–3.
    pub handshake: u8,
    /// 0 none, 1–4, or 23 for the combined ACK+FIN ("2+3").
    pub teardown: u8,
    /// 0 none, else an event code (`tcplens_event_name`).
    pub event: u8,
    /// With `TCPLENS_HAS_RST`: 0 client, 1 server.
    pub rst_by: u8,
    /// With `TCPLENS_HAS_RST`: the aborting side's state code.
    pub rst_from: u8,
    pub client_state: u8,
    pub server_state: u8,
    /// `tcp.analysis` verdicts as shown by Wireshark (bit `1 << i` is `tcplens_verdict_name(i)`).
    pub flags: u32,
    pub dup_ack_num: u32,
    pub dup_ack_frame: u32,
    pub acks_frame: u32,
    pub ack_rtt_ns: i64,
    pub initial_rtt_ns: i64,
    pub bytes_in_flight: u32,
    pub push_bytes_sent: u32,
    pub rto_ns: i64,
    pub rto_frame: u32,
    pub completeness: u8,
    /// 0 none; else 1 + the index of the reason in the core's decode reasons, or, after
    /// them, a malformed TCP option (`tcplens_error_name` names each).
    pub error: u8,
    /// The value the reason carries (link type, IP version, header length), else 0.
    pub error_detail: u32,
    /// With `TCPLENS_HAS_EXPECTED_SEQ`: the relative sequence number a `lost_segment`
    /// frame was expected to start at.
    pub expected_seq: u32,
    /// How many layer codes `encap` holds.
    pub encap_len: u8,
    /// The layers the segment was found under, outermost first, as codes
    /// (`tcplens_layer_name`): the JSONL `encap` joins their names with ':'.
    pub encap: [u8; 12],
    /// tcplens's own verdict on a data segment: 0 none (a first transmission, in order),
    /// else a code (`tcplens_own_verdict_name`).
    pub verdict: u8,
    /// What made the sender resend: 0 unknown, else a code (`tcplens_trigger_name`).
    pub trigger: u8,
    /// The evidence that decided `verdict`: bit `1 << i` is `tcplens_evidence_name(i)`.
    pub evidence: u16,
    /// The packet is a copy of an earlier one (the `duplicate` verdict on data; a SYN, FIN
    /// or ACK copy too): the frame it copies, else 0. For the explanation.
    pub copy_of_frame: u32,
    /// With `copy_of_frame`: 1 when told by the same IP ID, 0 by time alone.
    pub copy_identified: u8,
    /// With `copy_of_frame`: the time since the earlier copy.
    pub copy_gap_ns: i64,
    /// The comparison that decided `verdict`, for the explanation: 0 none, else a code
    /// (`tcplens_basis_name`): 1 `after_higher` (made after frame `basis_frame`, which
    /// carried higher data), 2 `before` (made before frame `basis_frame`, seen first),
    /// 3 `before_its_resend` (made before `basis_frame`, its resend, which came first),
    /// 4 `original_later` (frame `basis_frame`, the original, came after this resend),
    /// 5 `sent_before` (frame `basis_frame` carried the bytes before), each with the
    /// clock in `basis_clock` and this packet's value in `basis_a`, the other's in
    /// `basis_b`; 6 `acked` (frame `basis_frame`'s cumulative ACK `basis_a`), 7 `sacked`
    /// and 8 `dsack` (its SACK or D-SACK block `basis_a`-`basis_b`), 9 `echoes_original`
    /// (its ACK echoes TSecr `basis_a`, older than this resend's TSval `basis_b`),
    /// 10 `ack_too_soon` (its ACK came `basis_a` µs after the resend, the RTT `basis_b`
    /// µs), 11 `gap` (the data above came `basis_a` µs before, the RTT `basis_b` µs, 0
    /// when none was measured), 12 `closed_window` (no verdict: sent into the zero window
    /// frame `basis_frame` advertised, a zero-window probe). Sequence numbers are raw.
    pub basis: u8,
    /// With `basis` 1 to 5: 1 when the values are IP IDs, 2 TSvals, 0 none (`sent_before`
    /// without an order).
    pub basis_clock: u8,
    /// With `basis` 1 to 10: the other frame.
    pub basis_frame: u32,
    /// With `basis`: the first value (see `basis`).
    pub basis_a: u32,
    /// With `basis`: the second value (see `basis`).
    pub basis_b: u32,
}

/// An analyzer as C sees it: opaque.
pub struct TcplensAnalyzer {
    analyzer: Analyzer,
    keep: bool,
    first_ns: Option<i64>,
    frames: u64,
    /// Kept verdicts by frame number (index = frame − 1), when asked for.
    kept: Vec<Option<TcplensVerdict>>,
}

/// What an entry point returns when its body panicked.
trait OnPanic {
    fn on_panic() -> Self;
}

impl OnPanic for TcplensStatus {
    fn on_panic() -> Self {
        TCPLENS_ERR_PANIC
    }
}

/// `tcplens_explain`'s length or negative status.
impl OnPanic for i64 {
    fn on_panic() -> Self {
        TCPLENS_ERR_PANIC.into()
    }
}

impl OnPanic for u32 {
    /// No ABI version is 0.
    fn on_panic() -> Self {
        0
    }
}

impl<T> OnPanic for *mut T {
    fn on_panic() -> Self {
        core::ptr::null_mut()
    }
}

impl<T> OnPanic for *const T {
    fn on_panic() -> Self {
        core::ptr::null()
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

/// The one panic boundary: every `extern "C"` function runs its whole body through it, so
/// no panic unwinds into C; a panic becomes the function's [`OnPanic`] value
/// ([`TCPLENS_ERR_PANIC`], NULL ...).
fn entry<T: OnPanic>(body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| T::on_panic())
}

/// The `error` code of a segment with malformed options: the one after the decode reasons.
const OPTION_ERROR: u8 = 1 + DecodeError::ALL_CODES.len() as u8;

/// A verdict's `error` code and `error_detail` for a record.
fn error_of(rec: &FrameRecord) -> (u8, u32) {
    match rec.malformed {
        Some(e) => (1 + e.index() as u8, e.detail()),
        None if rec.bits.has(crate::record::RecordBits::OPTION_ERROR) => (OPTION_ERROR, 0),
        None => (0, 0),
    }
}

/// The decode reason of a verdict's `error` code and `error_detail`, if it names one.
pub fn decode_error_of(error: u8, detail: u32) -> Option<DecodeError> {
    DecodeError::from_parts(usize::from(error).checked_sub(1)?, detail)
}

fn ip_bytes(a: &IpAddr) -> (u8, [u8; 16]) {
    let mut out = [0u8; 16];
    match a {
        IpAddr::V4(v4) => {
            out[..4].copy_from_slice(&v4.octets());
            (4, out)
        }
        IpAddr::V6(v6) => (6, v6.octets()),
    }
}

/// Builds the C verdict of a TCP frame.
pub fn verdict_of(
    frame: u64,
    time_ns: i64,
    seg: &TcpSegment<'_>,
    rec: &FrameRecord,
    an: &FrameAnalysis,
) -> TcplensVerdict {
    let (ip_version, src_addr) = ip_bytes(&seg.src);
    let (_, dst_addr) = ip_bytes(&seg.dst);
    let mut v = TcplensVerdict {
        frame,
        time_ns,
        stream: rec.stream,
        ip_version,
        src_addr,
        dst_addr,
        sport: seg.src_port,
        dport: seg.dst_port,
        from_client: u8::from(rec.sender() == Side::Client),
        tcp_flags: rec.tcp_flags.0,
        seq: rec.seq,
        seq_raw: rec.seq_raw,
        ack_raw: rec.ack_raw,
        window: rec.window,
        handshake: rec.handshake.map_or(0, |h| h as u8),
        teardown: rec.teardown.map_or(0, |t| t as u8),
        event: rec.event as u8,
        client_state: rec.client_state as u8,
        server_state: rec.server_state as u8,
        encap_len: rec.encap.codes().len() as u8,
        ..TcplensVerdict::default()
    };
    v.encap[..rec.encap.codes().len()].copy_from_slice(rec.encap.codes());
    let mut present = 0;
    let mut put = |bit: u32, val: Option<u32>, slot: &mut u32| {
        if let Some(x) = val {
            present |= bit;
            *slot = x;
        }
    };
    put(TCPLENS_HAS_ACK, rec.ack(), &mut v.ack);
    put(TCPLENS_HAS_LEN, rec.seg_len(), &mut v.len);
    put(TCPLENS_HAS_NEXT_SEQ, rec.next_seq(), &mut v.next_seq);
    put(
        TCPLENS_HAS_WINDOW_SCALED,
        an.window_scaled,
        &mut v.window_scaled,
    );
    put(TCPLENS_HAS_DUP_ACK, an.dup_ack_num, &mut v.dup_ack_num);
    put(TCPLENS_HAS_DUP_ACK, an.dup_ack_frame, &mut v.dup_ack_frame);
    put(TCPLENS_HAS_ACKS_FRAME, an.acks_frame, &mut v.acks_frame);
    put(
        TCPLENS_HAS_BYTES_IN_FLIGHT,
        an.bytes_in_flight,
        &mut v.bytes_in_flight,
    );
    put(
        TCPLENS_HAS_BYTES_IN_FLIGHT,
        an.push_bytes_sent,
        &mut v.push_bytes_sent,
    );
    put(TCPLENS_HAS_RTO, an.rto_frame, &mut v.rto_frame);
    put(
        TCPLENS_HAS_EXPECTED_SEQ,
        an.expected_seq,
        &mut v.expected_seq,
    );
    if let Some(x) = an.ack_rtt_ns {
        present |= TCPLENS_HAS_ACK_RTT;
        v.ack_rtt_ns = x;
    }
    if let Some(x) = an.initial_rtt_ns {
        present |= TCPLENS_HAS_INITIAL_RTT;
        v.initial_rtt_ns = x;
    }
    if let Some(x) = an.rto_ns {
        v.rto_ns = x;
    }
    if let Some(c) = an.completeness {
        present |= TCPLENS_HAS_COMPLETENESS;
        v.completeness = c;
    }
    if rec.is_icmp_quote() {
        present |= TCPLENS_ICMP_QUOTED;
    }
    if rec.event == Event::Rst {
        present |= TCPLENS_HAS_RST;
        v.rst_by = rec.sender() as u8;
        v.rst_from = rec.rst_from.map_or(0, |s| s as u8);
    }
    v.flags = an
        .verdicts
        .shown()
        .map(|x| 1u32 << x.index())
        .fold(0, |a, b| a | b);
    (v.error, v.error_detail) = error_of(rec);
    v.present = present;
    v.verdict = an.own.verdict.map_or(0, |x| x as u8);
    v.trigger = an.own.trigger.map_or(0, |x| x as u8);
    v.evidence = an.own.evidence.0;
    if let Some(c) = an.copy_of {
        v.copy_of_frame = c.frame;
        v.copy_identified = u8::from(c.identified);
        v.copy_gap_ns = c.gap_ns;
    }
    if let Some(b) = an.own.basis {
        let p = b.to_parts();
        (v.basis, v.basis_clock, v.basis_frame, v.basis_a, v.basis_b) =
            (p.code, p.clock, p.frame, p.a, p.b);
    }
    v
}

/// The sender's and receiver's endpoints of a C verdict.
pub fn endpoints_of(v: &TcplensVerdict) -> (crate::flow::Endpoint, crate::flow::Endpoint) {
    let addr = |b: &[u8; 16]| -> core::net::IpAddr {
        if v.ip_version == 4 {
            core::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).into()
        } else {
            core::net::Ipv6Addr::from(*b).into()
        }
    };
    (
        crate::flow::Endpoint {
            addr: addr(&v.src_addr),
            port: v.sport,
        },
        crate::flow::Endpoint {
            addr: addr(&v.dst_addr),
            port: v.dport,
        },
    )
}

/// Rebuilds the analysis keys from a C verdict.
pub fn analysis_of(v: &TcplensVerdict) -> FrameAnalysis {
    use crate::analysis::Verdicts;
    let has = |bit: u32| v.present & bit != 0;
    let mut verdicts = Verdicts::default();
    for x in Verdict::ALL {
        if v.flags & (1 << x.index()) != 0 {
            verdicts.set(x);
        }
    }
    // `flags` holds what Wireshark shows: a fast or spurious retransmission also shows
    // `retransmission`, which the compact form leaves implied.
    if verdicts.has(Verdict::FastRetransmission) || verdicts.has(Verdict::SpuriousRetransmission) {
        verdicts.0 &= !Verdict::Retransmission.bit();
    }
    FrameAnalysis {
        verdicts,
        dup_ack_num: has(TCPLENS_HAS_DUP_ACK).then_some(v.dup_ack_num),
        dup_ack_frame: has(TCPLENS_HAS_DUP_ACK).then_some(v.dup_ack_frame),
        acks_frame: has(TCPLENS_HAS_ACKS_FRAME).then_some(v.acks_frame),
        ack_rtt_ns: has(TCPLENS_HAS_ACK_RTT).then_some(v.ack_rtt_ns),
        initial_rtt_ns: has(TCPLENS_HAS_INITIAL_RTT).then_some(v.initial_rtt_ns),
        bytes_in_flight: has(TCPLENS_HAS_BYTES_IN_FLIGHT).then_some(v.bytes_in_flight),
        push_bytes_sent: has(TCPLENS_HAS_BYTES_IN_FLIGHT).then_some(v.push_bytes_sent),
        rto_ns: has(TCPLENS_HAS_RTO).then_some(v.rto_ns),
        rto_frame: has(TCPLENS_HAS_RTO).then_some(v.rto_frame),
        window_scaled: has(TCPLENS_HAS_WINDOW_SCALED).then_some(v.window_scaled),
        completeness: has(TCPLENS_HAS_COMPLETENESS).then_some(v.completeness),
        expected_seq: has(TCPLENS_HAS_EXPECTED_SEQ).then_some(v.expected_seq),
        own: crate::verdict::Own {
            verdict: crate::verdict::OwnVerdict::from_code(v.verdict),
            evidence: crate::verdict::Evidence(v.evidence),
            trigger: crate::verdict::Trigger::from_code(v.trigger),
            basis: crate::verdict::Basis::from_parts(crate::verdict::basis::BasisParts {
                code: v.basis,
                clock: v.basis_clock,
                frame: v.basis_frame,
                a: v.basis_a,
                b: v.basis_b,
            }),
        },
        copy_of: (v.copy_of_frame != 0).then_some(crate::verdict::CopyOf {
            frame: v.copy_of_frame,
            gap_ns: v.copy_gap_ns,
            identified: v.copy_identified != 0,
        }),
    }
}

/// The verdict of an ICMP error quoting a TCP header cut before 16 bytes.
pub fn quote_verdict(frame: u64, time_ns: i64, q: &TcpQuote) -> TcplensVerdict {
    let (ip_version, src_addr) = ip_bytes(&q.src);
    let (_, dst_addr) = ip_bytes(&q.dst);
    let seq = q.shown_seq();
    let mut v = TcplensVerdict {
        frame,
        time_ns,
        present: TCPLENS_QUOTE_CUT | if seq.is_some() { TCPLENS_QUOTE_SEQ } else { 0 },
        ip_version,
        src_addr,
        dst_addr,
        sport: q.src_port,
        dport: q.dst_port,
        seq: seq.unwrap_or(0),
        seq_raw: seq.unwrap_or(0),
        error: 1 + DecodeError::TruncatedTcp.index() as u8,
        error_detail: u32::from(q.quoted_len)
            | u32::from(q.v6) << 8
            | u32::from(q.icmp_type) << 16
            | u32::from(q.icmp_code) << 24,
        encap_len: q.encap.codes().len() as u8,
        ..TcplensVerdict::default()
    };
    v.encap[..q.encap.codes().len()].copy_from_slice(q.encap.codes());
    v
}

/// Rebuilds a quote from its verdict (`None` for any other verdict).
pub fn quote_of(v: &TcplensVerdict) -> Option<TcpQuote> {
    if v.present & TCPLENS_QUOTE_CUT == 0 {
        return None;
    }
    let addr = |b: &[u8; 16]| -> IpAddr {
        if v.ip_version == 4 {
            IpAddr::from([b[0], b[1], b[2], b[3]])
        } else {
            IpAddr::from(*b)
        }
    };
    let d = v.error_detail;
    Some(TcpQuote {
        src: addr(&v.src_addr),
        dst: addr(&v.dst_addr),
        src_port: v.sport,
        dst_port: v.dport,
        seq: (v.present & TCPLENS_QUOTE_SEQ != 0).then_some(v.seq),
        quoted_len: d as u8,
        v6: d & 0x100 != 0,
        icmp_type: (d >> 16) as u8,
        icmp_code: (d >> 24) as u8,
        encap: crate::wire::Encap::from_codes(
            v.encap.get(..usize::from(v.encap_len)).unwrap_or(&[]),
        ),
    })
}

/// Rebuilds the compact record from a C verdict (for explanations and output).
pub fn record_of(v: &TcplensVerdict) -> FrameRecord {
    use crate::lifecycle::{Handshake, Teardown};
    use crate::record::RecordBits;
    let mut bits = RecordBits::default();
    bits.set(RecordBits::FROM_CLIENT, v.from_client != 0);
    bits.set(RecordBits::OPTION_ERROR, v.error == OPTION_ERROR);
    bits.set(RecordBits::HAS_LEN, v.present & TCPLENS_HAS_LEN != 0);
    bits.set(
        RecordBits::HAS_NEXT_SEQ,
        v.present & TCPLENS_HAS_NEXT_SEQ != 0,
    );
    bits.set(RecordBits::ACK_SHOWN, v.present & TCPLENS_HAS_ACK != 0);
    bits.set(
        RecordBits::ICMP_QUOTED,
        v.present & TCPLENS_ICMP_QUOTED != 0,
    );
    let malformed = decode_error_of(v.error, v.error_detail);
    FrameRecord {
        stream: v.stream,
        seq: v.seq,
        ack: v.ack,
        seq_raw: v.seq_raw,
        ack_raw: v.ack_raw,
        len: v.len,
        next_seq: v.next_seq,
        window: v.window,
        tcp_flags: crate::wire::TcpFlags(v.tcp_flags),
        analysis: analysis_of(v).verdicts.0,
        handshake: Handshake::from_u8(v.handshake),
        teardown: Teardown::from_u8(v.teardown),
        event: Event::from_u8(v.event).unwrap_or_default(),
        rst_from: TcpState::from_u8(v.rst_from).filter(|_| v.present & TCPLENS_HAS_RST != 0),
        client_state: TcpState::from_u8(v.client_state).unwrap_or_default(),
        server_state: TcpState::from_u8(v.server_state).unwrap_or_default(),
        bits,
        malformed,
        encap: crate::wire::Encap::from_codes(
            v.encap.get(..usize::from(v.encap_len)).unwrap_or(&[]),
        ),
    }
}

/// The ABI version of this library.
#[no_mangle]
pub extern "C" fn tcplens_abi_version() -> u32 {
    entry(|| TCPLENS_ABI_VERSION)
}

/// Creates an analyzer; NULL if `config` is NULL or asks for another ABI version.
///
/// # Safety
/// `config` is NULL or points to a valid `TcplensConfig`.
#[no_mangle]
pub unsafe extern "C" fn tcplens_analyzer_new(
    config: *const TcplensConfig,
) -> *mut TcplensAnalyzer {
    entry(|| {
        // SAFETY: checked for NULL; the caller promises a valid struct otherwise.
        let Some(cfg) = (unsafe { config.as_ref() }) else {
            return core::ptr::null_mut();
        };
        if cfg.abi_version != TCPLENS_ABI_VERSION {
            return core::ptr::null_mut();
        }
        Box::into_raw(Box::new(TcplensAnalyzer {
            analyzer: Analyzer::new(),
            keep: cfg.keep_verdicts != 0,
            first_ns: None,
            frames: 0,
            kept: Vec::new(),
        }))
    })
}

/// Keeps at most `max_conns` conversations in memory (0 = no cap), as `tcplens analyze
/// --max-conns` does: when the table is full, closed conversations are evicted first, then
/// the least recently seen. Call it before the first frame; afterwards it is
/// TCPLENS_ERR_INVALID. A new analyzer has no cap.
///
/// # Safety
/// `a` is NULL or a live analyzer.
#[no_mangle]
pub unsafe extern "C" fn tcplens_set_max_conns(
    a: *mut TcplensAnalyzer,
    max_conns: usize,
) -> TcplensStatus {
    entry(|| {
        // SAFETY: checked for NULL; otherwise a live analyzer used from this thread only.
        let Some(a) = (unsafe { a.as_mut() }) else {
            return TCPLENS_ERR_NULL;
        };
        if a.frames != 0 {
            return TCPLENS_ERR_INVALID;
        }
        a.analyzer = Analyzer::with_max_conns(max_conns);
        TCPLENS_OK
    })
}

/// Frees an analyzer (NULL is ignored).
///
/// # Safety
/// `a` is NULL or came from `tcplens_analyzer_new` and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tcplens_analyzer_free(a: *mut TcplensAnalyzer) {
    entry(|| {
        if !a.is_null() {
            // SAFETY: not NULL, so it came from `Box::into_raw` in `tcplens_analyzer_new`;
            // ownership returns to Rust exactly once, as the contract says.
            drop(unsafe { Box::from_raw(a) });
        }
    });
}

/// Forgets every frame and conversation (a capture reload).
///
/// # Safety
/// `a` is NULL or a live analyzer.
#[no_mangle]
pub unsafe extern "C" fn tcplens_reset(a: *mut TcplensAnalyzer) -> TcplensStatus {
    entry(|| {
        // SAFETY: checked for NULL; otherwise a live analyzer used from this thread only.
        let Some(a) = (unsafe { a.as_mut() }) else {
            return TCPLENS_ERR_NULL;
        };
        a.analyzer.reset();
        a.first_ns = None;
        a.frames = 0;
        a.kept.clear();
        TCPLENS_OK
    })
}

/// Feeds the next frame, in capture order. `frame` is its 1-based number (frames must
/// come in order, each once); `linktype` its pcap LINKTYPE_; `caplen` bytes at `data`;
/// `orig_len` its length on the wire. Writes the verdict to `out` (which may be NULL when
/// only the analysis is wanted) and returns TCPLENS_OK, TCPLENS_NOT_TCP,
/// TCPLENS_UNDECODABLE or an error.
///
/// # Safety
/// `a` is a live analyzer; `data` points to `caplen` readable bytes (or is NULL with
/// `caplen` 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tcplens_feed(
    a: *mut TcplensAnalyzer,
    frame: u64,
    ts_ns: i64,
    linktype: u32,
    data: *const u8,
    caplen: u32,
    orig_len: u32,
    out: *mut TcplensVerdict,
) -> TcplensStatus {
    entry(|| {
        // SAFETY: checked for NULL; otherwise a live analyzer used from this thread only.
        let Some(a) = (unsafe { a.as_mut() }) else {
            return TCPLENS_ERR_NULL;
        };
        if data.is_null() && caplen != 0 {
            return TCPLENS_ERR_NULL;
        }
        if frame != a.frames + 1 {
            return TCPLENS_ERR_INVALID;
        }
        let bytes: &[u8] = if caplen == 0 {
            &[]
        } else {
            // SAFETY: non-NULL and, by contract, `caplen` readable bytes.
            unsafe { core::slice::from_raw_parts(data, caplen as usize) }
        };
        a.frames = frame;
        // A frame lost to a panic still counts: the core numbers frames as the host does.
        let missed = (frame - 1).saturating_sub(a.analyzer.counters().frames);
        a.analyzer.skip_frames(missed);
        let start = *a.first_ns.get_or_insert(ts_ns);
        // Hostile timestamps (i64::MIN after i64::MAX) must not overflow.
        let time_ns = ts_ns.saturating_sub(start);
        let (code, v) = match a
            .analyzer
            .process_linktype(linktype, bytes, orig_len, ts_ns)
        {
            Outcome::Tcp {
                segment,
                record,
                analysis,
            } => (
                TCPLENS_OK,
                verdict_of(frame, time_ns, &segment, &record, &analysis),
            ),
            Outcome::Quote(q) => (TCPLENS_OK, quote_verdict(frame, time_ns, &q)),
            Outcome::NotTcp(_) => (
                TCPLENS_NOT_TCP,
                TcplensVerdict {
                    frame,
                    time_ns,
                    ..Default::default()
                },
            ),
            Outcome::Undecodable(e) => (
                TCPLENS_UNDECODABLE,
                TcplensVerdict {
                    frame,
                    time_ns,
                    error: 1 + e.index() as u8,
                    error_detail: e.detail(),
                    ..Default::default()
                },
            ),
        };
        if a.keep {
            // A frame lost to a caught panic left no verdict: keep its slot empty, so
            // `tcplens_get_verdict(n)` stays frame n's.
            let index = usize::try_from(frame - 1).unwrap_or(usize::MAX);
            if a.kept.len() < index {
                a.kept.resize(index, None);
            }
            a.kept.push((code != TCPLENS_NOT_TCP).then_some(v));
        }
        // SAFETY: checked for NULL; otherwise writable by contract.
        if let Some(out) = unsafe { out.as_mut() } {
            *out = v;
        }
        code
    })
}

/// Reads back the verdict of an earlier frame (needs `keep_verdicts`). Returns TCPLENS_OK,
/// TCPLENS_UNDECODABLE, TCPLENS_NOT_TCP for a frame that was not TCP, or
/// TCPLENS_ERR_INVALID.
///
/// # Safety
/// `a` is a live analyzer; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tcplens_get_verdict(
    a: *const TcplensAnalyzer,
    frame: u64,
    out: *mut TcplensVerdict,
) -> TcplensStatus {
    entry(|| {
        // SAFETY: both checked for NULL; valid by contract otherwise.
        let (Some(a), Some(out)) = (unsafe { a.as_ref() }, unsafe { out.as_mut() }) else {
            return TCPLENS_ERR_NULL;
        };
        let Some(slot) = frame.checked_sub(1).and_then(|i| a.kept.get(i as usize)) else {
            return TCPLENS_ERR_INVALID;
        };
        match slot {
            Some(v) => {
                *out = *v;
                if v.error != 0 && v.present == 0 {
                    TCPLENS_UNDECODABLE
                } else {
                    TCPLENS_OK
                }
            }
            None => TCPLENS_NOT_TCP,
        }
    })
}

/// Writes the frame's English explanation, NUL-terminated, into `buf` (`buf_len` bytes,
/// may be 0) and returns the length the full text needs without the NUL, or an error.
/// The text is cut when `buf` is too small. A verdict whose `error` code is unknown is
/// TCPLENS_ERR_INVALID.
///
/// # Safety
/// `v` points to a verdict; `buf` is NULL with `buf_len` 0, or writable for `buf_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcplens_explain(
    v: *const TcplensVerdict,
    buf: *mut c_char,
    buf_len: usize,
) -> i64 {
    // SAFETY: the same contract as `explain_into`'s.
    entry(|| unsafe { explain_into(v, TCPLENS_LANG_EN, buf, buf_len) })
}

/// `tcplens_explain` in a language: `TCPLENS_LANG_EN` or `TCPLENS_LANG_ZH` (UTF-8);
/// any other value is `TCPLENS_ERR_INVALID`.
///
/// # Safety
/// `v` points to a verdict; `buf` is NULL with `buf_len` 0, or writable for `buf_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcplens_explain_lang(
    v: *const TcplensVerdict,
    lang: u32,
    buf: *mut c_char,
    buf_len: usize,
) -> i64 {
    // SAFETY: the same contract as `explain_into`'s.
    entry(|| unsafe { explain_into(v, lang, buf, buf_len) })
}

/// The body of `tcplens_explain_lang`.
///
/// # Safety
/// `v` points to a verdict; `buf` is NULL with `buf_len` 0, or writable for `buf_len` bytes.
unsafe fn explain_into(
    v: *const TcplensVerdict,
    lang: u32,
    buf: *mut c_char,
    buf_len: usize,
) -> i64 {
    // SAFETY: checked for NULL; valid by contract otherwise.
    let Some(v) = (unsafe { v.as_ref() }) else {
        return TCPLENS_ERR_NULL.into();
    };
    if buf.is_null() && buf_len != 0 {
        return TCPLENS_ERR_NULL.into();
    }
    let lang = match lang {
        TCPLENS_LANG_EN => Lang::En,
        TCPLENS_LANG_ZH => Lang::Zh,
        _ => return TCPLENS_ERR_INVALID.into(),
    };
    let mut text = String::new();
    if let Some(q) = quote_of(v) {
        let _ = explain_quote(lang, &q, &mut text);
    } else if v.present == 0 && v.error != 0 {
        // An undecodable frame's verdict: its reason, which must be a known one.
        match decode_error_of(v.error, v.error_detail) {
            Some(e) => text = e.to_string(),
            None => return TCPLENS_ERR_INVALID.into(),
        }
    } else {
        let _ = explain(lang, &record_of(v), &analysis_of(v), &mut text);
    }
    if buf_len > 0 {
        // Cut on a character boundary so the C string stays valid UTF-8.
        let mut n = text.len().min(buf_len - 1);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: `buf` is not NULL (checked with `buf_len` > 0) and writable for
        // `buf_len` > n bytes by contract; `text` is a different allocation.
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
    }
    text.len() as i64
}

/// NUL-terminated copies of one of the core's name tables, made on first use and kept for
/// the life of the process, so the pointers handed to C stay valid. `None` is no name.
struct CNames(OnceLock<Box<[Option<CString>]>>);

impl CNames {
    const fn new() -> CNames {
        CNames(OnceLock::new())
    }

    /// The name at `i` in the table `names` makes, or NULL.
    fn get<I>(&self, i: usize, names: impl FnOnce() -> I) -> *const c_char
    where
        I: IntoIterator<Item = Option<&'static str>>,
    {
        let table = self.0.get_or_init(|| {
            names()
                .into_iter()
                .map(|n| n.and_then(|n| CString::new(n).ok()))
                .collect()
        });
        table
            .get(i)
            .and_then(Option::as_ref)
            .map_or(core::ptr::null(), |n| n.as_ptr())
    }
}

/// The RFC 9293 name of a state code ("ESTABLISHED"), or NULL.
#[no_mangle]
pub extern "C" fn tcplens_state_name(code: u8) -> *const c_char {
    static NAMES: CNames = CNames::new();
    // `TcpState::from_u8` reads the same table: a state's code is its position in it.
    entry(|| NAMES.get(code.into(), || TcpState::ALL.map(|s| Some(s.name()))))
}

/// The JSON `event` name of an event code ("rst"), or NULL for 0 and unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_event_name(code: u8) -> *const c_char {
    static NAMES: CNames = CNames::new();
    // `Event::from_u8` reads the same table; `Event::None` (0) has no name.
    entry(|| NAMES.get(code.into(), || Event::ALL.map(Event::code)))
}

/// The `encap` name of a layer code ("eth", "vlan", "gre" ...), or NULL for unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_layer_name(code: u8) -> *const c_char {
    static NAMES: CNames = CNames::new();
    // `Encap::from_codes` reads the same table: a layer's code is its position in it.
    entry(|| {
        NAMES.get(code.into(), || {
            crate::wire::Layer::ALL.map(|l| Some(crate::wire::Layer::name(l)))
        })
    })
}

/// The name of verdict bit `index` ("retransmission" for 0 ...), or NULL.
#[no_mangle]
pub extern "C" fn tcplens_verdict_name(index: u32) -> *const c_char {
    static NAMES: CNames = CNames::new();
    entry(|| {
        NAMES.get(index as usize, || {
            let mut by_bit = [None; 16];
            for v in Verdict::ALL {
                by_bit[v.index() as usize] = Some(v.name());
            }
            by_bit
        })
    })
}

/// The name of tcplens's own verdict code ("out_of_order" for 1 ...), or NULL for 0 and
/// unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_own_verdict_name(code: u8) -> *const c_char {
    use crate::verdict::OwnVerdict;
    static NAMES: CNames = CNames::new();
    entry(|| {
        NAMES.get(code.into(), || {
            (0..=OwnVerdict::ALL.len() as u8)
                .map(|c| OwnVerdict::from_code(c).map(OwnVerdict::name))
        })
    })
}

/// The name of evidence bit `index` ("tsval" for 0 ...), or NULL.
#[no_mangle]
pub extern "C" fn tcplens_evidence_name(index: u32) -> *const c_char {
    use crate::verdict::EvidenceKind;
    static NAMES: CNames = CNames::new();
    entry(|| {
        NAMES.get(index as usize, || {
            let mut by_bit = [None; 16];
            for k in EvidenceKind::ALL {
                by_bit[(k as u16).trailing_zeros() as usize] = Some(k.name());
            }
            by_bit
        })
    })
}

/// The name of a trigger code ("dup_acks" for 1 ...), or NULL for 0 and unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_trigger_name(code: u8) -> *const c_char {
    use crate::verdict::Trigger;
    static NAMES: CNames = CNames::new();
    entry(|| {
        NAMES.get(code.into(), || {
            (0..=Trigger::ALL.len() as u8).map(|c| Trigger::from_code(c).map(Trigger::name))
        })
    })
}

/// The name of a basis code ("after_higher" for 1 ...), or NULL for 0 and unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_basis_name(code: u8) -> *const c_char {
    use crate::verdict::Basis;
    static NAMES: CNames = CNames::new();
    entry(|| {
        NAMES.get(code.into(), || {
            [None].into_iter().chain(Basis::NAMES.into_iter().map(Some))
        })
    })
}

/// The code of a verdict's `error` field ("ip_fragment"), or NULL for 0 and unknown codes.
#[no_mangle]
pub extern "C" fn tcplens_error_name(error: u8) -> *const c_char {
    static NAMES: CNames = CNames::new();
    // Code 0 is no error; then the decode reasons, then a malformed option (`error_of`).
    entry(|| {
        NAMES.get(error.into(), || {
            [None]
                .into_iter()
                .chain(DecodeError::ALL_CODES.map(Some))
                .chain([Some(OptionError::CODE)])
        })
    })
}

/// Per-connection summary, by stream.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct TcplensConnSummary {
    pub stream: u32,
    pub ip_version: u8,
    pub client_addr: [u8; 16],
    pub server_addr: [u8; 16],
    pub client_port: u16,
    pub server_port: u16,
    pub first_ns: i64,
    pub last_ns: i64,
    pub packets_client: u64,
    pub bytes_client: u64,
    pub packets_server: u64,
    pub bytes_server: u64,
    /// Negative when unknown.
    pub handshake_rtt_ns: i64,
    pub client_state: u8,
    pub server_state: u8,
    /// Zeek-style history letters, NUL-terminated.
    pub history: [c_char; 17],
    /// Zeek conn_state ("SF"), NUL-terminated.
    pub conn_state: [c_char; 8],
}

/// Fills `out` with the summary of conversation `stream`.
///
/// # Safety
/// `a` is a live analyzer; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn tcplens_conn_summary(
    a: *const TcplensAnalyzer,
    stream: u32,
    out: *mut TcplensConnSummary,
) -> TcplensStatus {
    entry(|| {
        // SAFETY: both checked for NULL; valid by contract otherwise.
        let (Some(a), Some(out)) = (unsafe { a.as_ref() }, unsafe { out.as_mut() }) else {
            return TCPLENS_ERR_NULL;
        };
        let Some(c) = a.analyzer.conversations().get(stream) else {
            return TCPLENS_ERR_INVALID;
        };
        let (ip_version, client_addr) = ip_bytes(&c.endpoints[0].addr);
        let (_, server_addr) = ip_bytes(&c.endpoints[1].addr);
        let s = &c.stats;
        let mut sum = TcplensConnSummary {
            stream,
            ip_version,
            client_addr,
            server_addr,
            client_port: c.endpoints[0].port,
            server_port: c.endpoints[1].port,
            first_ns: s.first_ns,
            last_ns: s.last_ns,
            packets_client: s.packets[0],
            bytes_client: s.bytes[0],
            packets_server: s.packets[1],
            bytes_server: s.bytes[1],
            handshake_rtt_ns: s.handshake_rtt_ns.unwrap_or(-1),
            client_state: c.lifecycle.state(Side::Client) as u8,
            server_state: c.lifecycle.state(Side::Server) as u8,
            ..TcplensConnSummary::default()
        };
        for (d, b) in sum
            .history
            .iter_mut()
            .zip(s.history.as_str().bytes().take(16))
        {
            *d = b as c_char;
        }
        for (d, b) in sum
            .conn_state
            .iter_mut()
            .zip(s.conn_state().bytes().take(7))
        {
            *d = b as c_char;
        }
        *out = sum;
        TCPLENS_OK
    })
}

impl Verdict {
    /// This verdict's bit index in [`TcplensVerdict::flags`].
    pub fn index(self) -> u32 {
        (self as u16).trailing_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SegBuilder;

    #[test]
    fn a_cut_icmp_quote_goes_through_its_verdict_and_back() {
        for (v6, seq) in [(false, Some(900)), (true, None)] {
            let q = TcpQuote {
                src: if v6 {
                    IpAddr::from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
                } else {
                    IpAddr::from([10, 0, 0, 1])
                },
                dst: if v6 {
                    IpAddr::from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
                } else {
                    IpAddr::from([10, 0, 0, 2])
                },
                src_port: 1004,
                dst_port: 80,
                seq,
                quoted_len: 12,
                v6,
                icmp_type: 3,
                icmp_code: 3,
                encap: crate::wire::Encap::new()
                    .push(crate::wire::Layer::Ip)
                    .push(crate::wire::Layer::Icmp)
                    .push(crate::wire::Layer::Ip),
            };
            let v = quote_verdict(5, 7, &q);
            assert_eq!(quote_of(&v), Some(q));
            assert_eq!(v.present & TCPLENS_QUOTE_SEQ != 0, seq.is_some());
            let mut buf = [0 as c_char; 512];
            // SAFETY: a verdict and a writable buffer.
            let n = unsafe { tcplens_explain(&v, buf.as_mut_ptr(), buf.len()) };
            assert!(n > 0);
        }
    }

    fn new() -> *mut TcplensAnalyzer {
        let cfg = TcplensConfig {
            abi_version: TCPLENS_ABI_VERSION,
            keep_verdicts: 1,
        };
        // SAFETY: a valid config.
        unsafe { tcplens_analyzer_new(&cfg) }
    }

    #[test]
    fn the_conversation_cap_is_set_before_the_first_frame() {
        let a = new();
        let mut v = TcplensVerdict::default();
        // SAFETY: a live analyzer, valid buffers; NULL is rejected.
        unsafe {
            assert_eq!(
                tcplens_set_max_conns(core::ptr::null_mut(), 2),
                TCPLENS_ERR_NULL
            );
            assert_eq!(tcplens_set_max_conns(a, 2), TCPLENS_OK);
            for (i, client) in ["10.0.0.1:1000", "10.0.0.1:1001", "10.0.0.1:1002"]
                .iter()
                .enumerate()
            {
                let syn = SegBuilder::v4(client, "10.0.0.2:80").flags("S").raw();
                let n = syn.len() as u32;
                let frame = i as u64 + 1;
                let code = tcplens_feed(a, frame, 0, 101, syn.as_ptr(), n, n, &mut v);
                assert_eq!((code, v.stream), (TCPLENS_OK, i as u32));
            }
            // The third conversation evicted the least recently seen one.
            let mut sum = TcplensConnSummary::default();
            assert_eq!(tcplens_conn_summary(a, 0, &mut sum), TCPLENS_ERR_INVALID);
            assert_eq!(tcplens_conn_summary(a, 2, &mut sum), TCPLENS_OK);
            assert_eq!(tcplens_set_max_conns(a, 0), TCPLENS_ERR_INVALID);
            tcplens_analyzer_free(a);
        }
    }

    #[test]
    fn feed_read_back_explain_and_free() {
        let a = new();
        assert!(!a.is_null());
        let syn = SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
            .flags("S")
            .seq(5)
            .raw();
        let mut v = TcplensVerdict::default();
        // SAFETY: live analyzer, valid buffers.
        unsafe {
            assert_eq!(
                tcplens_feed(
                    a,
                    1,
                    1_000,
                    101,
                    syn.as_ptr(),
                    syn.len() as u32,
                    syn.len() as u32,
                    &mut v
                ),
                TCPLENS_OK
            );
            assert_eq!(
                (v.frame, v.handshake, v.client_state),
                (1, 1, TcpState::SynSent as u8)
            );
            assert_eq!(
                tcplens_feed(a, 1, 1_000, 101, syn.as_ptr(), 0, 0, &mut v),
                TCPLENS_ERR_INVALID,
                "frames come once, in order"
            );
            assert_eq!(
                tcplens_feed(a, 2, 2_000, 101, [0x45u8].as_ptr(), 1, 1, &mut v),
                TCPLENS_UNDECODABLE
            );
            let mut back = TcplensVerdict::default();
            assert_eq!(tcplens_get_verdict(a, 1, &mut back), TCPLENS_OK);
            assert_eq!(back.seq_raw, 5);
            assert_eq!(tcplens_get_verdict(a, 9, &mut back), TCPLENS_ERR_INVALID);
            let need = tcplens_explain(&back, core::ptr::null_mut(), 0);
            assert!(need > 10);
            let mut buf = vec![0 as c_char; need as usize + 1];
            assert_eq!(tcplens_explain(&back, buf.as_mut_ptr(), buf.len()), need);
            let text = std::ffi::CStr::from_ptr(buf.as_ptr()).to_str().unwrap();
            assert!(text.starts_with("Handshake step 1 of 3"), "{text}");
            // In Chinese, and cut on a character boundary when the buffer is short.
            let need = tcplens_explain_lang(&back, TCPLENS_LANG_ZH, core::ptr::null_mut(), 0);
            let mut buf = vec![0 as c_char; need as usize + 1];
            assert_eq!(
                tcplens_explain_lang(&back, TCPLENS_LANG_ZH, buf.as_mut_ptr(), buf.len()),
                need
            );
            let text = std::ffi::CStr::from_ptr(buf.as_ptr()).to_str().unwrap();
            assert!(text.starts_with("第一次握手"), "{text}");
            let mut short = [0 as c_char; 5];
            tcplens_explain_lang(&back, TCPLENS_LANG_ZH, short.as_mut_ptr(), short.len());
            let cut = std::ffi::CStr::from_ptr(short.as_ptr()).to_str();
            assert_eq!(cut, Ok("第"), "one whole character of the first two fits");
            assert_eq!(
                tcplens_explain_lang(&back, 7, buf.as_mut_ptr(), buf.len()),
                i64::from(TCPLENS_ERR_INVALID)
            );
            let mut sum = TcplensConnSummary::default();
            assert_eq!(tcplens_conn_summary(a, 0, &mut sum), TCPLENS_OK);
            assert_eq!(
                std::ffi::CStr::from_ptr(sum.conn_state.as_ptr())
                    .to_str()
                    .unwrap(),
                "S0"
            );
            assert_eq!(tcplens_reset(a), TCPLENS_OK);
            assert_eq!(tcplens_get_verdict(a, 1, &mut back), TCPLENS_ERR_INVALID);
            tcplens_analyzer_free(a);
        }
    }

    #[test]
    fn null_and_bad_arguments_are_error_codes() {
        let mut v = TcplensVerdict::default();
        // SAFETY: NULL pointers are part of the contract.
        unsafe {
            assert!(tcplens_analyzer_new(core::ptr::null()).is_null());
            let bad = TcplensConfig {
                abi_version: 99,
                keep_verdicts: 0,
            };
            assert!(tcplens_analyzer_new(&bad).is_null());
            assert_eq!(
                tcplens_feed(
                    core::ptr::null_mut(),
                    1,
                    0,
                    1,
                    core::ptr::null(),
                    0,
                    0,
                    &mut v
                ),
                TCPLENS_ERR_NULL
            );
            let a = new();
            assert_eq!(
                tcplens_feed(a, 1, 0, 1, core::ptr::null(), 5, 5, &mut v),
                TCPLENS_ERR_NULL
            );
            assert_eq!(
                tcplens_feed(a, 1, 0, 105, core::ptr::null(), 0, 0, core::ptr::null_mut()),
                TCPLENS_UNDECODABLE
            );
            assert_eq!(
                tcplens_get_verdict(a, 1, core::ptr::null_mut()),
                TCPLENS_ERR_NULL
            );
            assert_eq!(
                tcplens_explain(core::ptr::null(), core::ptr::null_mut(), 0),
                -1
            );
            assert_eq!(
                tcplens_conn_summary(a, 7, &mut Default::default()),
                TCPLENS_ERR_INVALID
            );
            tcplens_analyzer_free(a);
            tcplens_analyzer_free(core::ptr::null_mut());
            assert_eq!(tcplens_reset(core::ptr::null_mut()), TCPLENS_ERR_NULL);
        }
        assert!(tcplens_state_name(11).is_null() && tcplens_event_name(0).is_null());
        assert!(tcplens_verdict_name(15).is_null() && tcplens_error_name(0).is_null());
    }

    #[test]
    fn an_unknown_error_code_is_invalid_not_a_panic() {
        // Found by the c_abi fuzz target: an unknown `error` code was reported as a panic.
        let v = TcplensVerdict {
            error: 200,
            ..Default::default()
        };
        let mut buf = [0 as c_char; 8];
        // SAFETY: a verdict and a writable buffer of its stated length.
        let r = unsafe { tcplens_explain(&v, buf.as_mut_ptr(), buf.len()) };
        assert_eq!(r, i64::from(TCPLENS_ERR_INVALID));
    }

    #[test]
    fn timestamps_at_the_ends_of_i64_do_not_overflow() {
        let mut v = TcplensVerdict::default();
        let a = new();
        // SAFETY: a live analyzer; no data with length 0; `v` is writable.
        unsafe {
            let steps = [(1, i64::MAX, 0), (2, i64::MIN, i64::MIN), (3, 0, -i64::MAX)];
            for (frame, ts, time_ns) in steps {
                let r = tcplens_feed(a, frame, ts, 1, core::ptr::null(), 0, 0, &mut v);
                assert_eq!(
                    (r, v.time_ns),
                    (TCPLENS_UNDECODABLE, time_ns),
                    "frame {frame}"
                );
            }
            tcplens_analyzer_free(a);
        }
    }

    #[test]
    fn name_tables_match_the_rust_names() {
        let name = |p: *const c_char| {
            // SAFETY: the functions return static NUL-terminated strings.
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_str()
                .unwrap()
                .to_owned()
        };
        for s in TcpState::ALL {
            assert_eq!(name(tcplens_state_name(s as u8)), s.name());
        }
        for e in Event::ALL.into_iter().skip(1) {
            assert_eq!(Some(name(tcplens_event_name(e as u8)).as_str()), e.code());
        }
        for v in Verdict::ALL {
            assert_eq!(name(tcplens_verdict_name(v.index())), v.name());
        }
        for (i, code) in DecodeError::ALL_CODES.iter().enumerate() {
            assert_eq!(name(tcplens_error_name(i as u8 + 1)), *code);
        }
        assert_eq!(name(tcplens_error_name(OPTION_ERROR)), OptionError::CODE);
        assert!(tcplens_error_name(OPTION_ERROR + 1).is_null());
        assert!(tcplens_event_name(Event::ALL.len() as u8).is_null());
        assert!(tcplens_verdict_name(u32::MAX).is_null());
        for b in crate::verdict::Basis::examples() {
            assert_eq!(name(tcplens_basis_name(b.code())), b.name());
        }
        assert!(tcplens_basis_name(0).is_null());
        assert!(tcplens_basis_name(crate::verdict::Basis::NAMES.len() as u8 + 1).is_null());
        // The same pointer every time: C may keep it.
        assert_eq!(tcplens_state_name(4), tcplens_state_name(4));
    }

    /// The basis goes through the C verdict and back (ABI 8), so `--core-lib` and the
    /// plugin explain the same numbers.
    #[test]
    fn the_basis_crosses_the_c_abi() {
        for b in crate::verdict::Basis::examples() {
            let mut v = TcplensVerdict::default();
            let p = b.to_parts();
            (v.basis, v.basis_clock, v.basis_frame, v.basis_a, v.basis_b) =
                (p.code, p.clock, p.frame, p.a, p.b);
            assert_eq!(analysis_of(&v).own.basis, Some(b));
        }
        assert_eq!(analysis_of(&TcplensVerdict::default()).own.basis, None);
    }

    #[test]
    fn statuses_keep_their_abi_values() {
        let all = [
            (TCPLENS_OK, 0),
            (TCPLENS_NOT_TCP, 1),
            (TCPLENS_UNDECODABLE, 2),
            (TCPLENS_ERR_NULL, -1),
            (TCPLENS_ERR_INVALID, -2),
            (TCPLENS_ERR_PANIC, -3),
        ];
        for (status, code) in all {
            assert_eq!(i32::from(status), code);
            assert_eq!(TcplensStatus::from_code(code), Some(status));
        }
        assert_eq!(TcplensStatus::from_code(3), None);
        assert_eq!(core::mem::size_of::<TcplensStatus>(), 4);
    }

    #[test]
    fn a_panic_becomes_the_entry_points_panic_value() {
        assert_eq!(
            entry(|| -> TcplensStatus { panic!("inside") }),
            TCPLENS_ERR_PANIC
        );
        assert_eq!(entry(|| -> i64 { panic!("inside") }), -3);
        assert!(entry(|| -> *const c_char { panic!("inside") }).is_null());
    }
}
