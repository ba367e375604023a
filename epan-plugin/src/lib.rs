//! tcplens as a Wireshark 4.x epan post-dissector plugin (`tcplens.so`).
//!
//! On the first, in-order pass the post-dissector feeds every frame to the tcplens core
//! and keeps the frame's verdict; every later pass (the GUI's random access, `tshark -2`)
//! reads it back. Fields are named `tcplens.<JSONL key>`, each verdict is also a
//! `tcplens.<flag>` field and an expert info, each lifecycle step an expert info (Chat),
//! each diagnosis finding an expert info on the frame where its cause shows.
//! No panic crosses into Wireshark: one becomes an expert error on the frame.
//!
//! All `unsafe` code of the plugin is here, at the epan boundary; the analysis is the
//! core's safe Rust.
// SPDX-License-Identifier: GPL-2.0-or-later

#![allow(non_upper_case_globals)]

mod sys {
    #![allow(
        non_upper_case_globals,
        non_camel_case_types,
        non_snake_case,
        dead_code
    )]
    #![allow(clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

mod diagnosis;

use std::ffi::{c_char, c_int, c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{addr_of_mut, null, null_mut};
use std::sync::Mutex;

use tcplens_core::analysis::Verdict;
use tcplens_core::compact::FrameStore;
use tcplens_core::explain::{explain, Lang};
use tcplens_core::ffi::{self as core_ffi, TcplensVerdict};
use tcplens_core::wire::{decode, Decoded};
use tcplens_core::{Analyzer, LinkType, Outcome};

/// The version string Wireshark's loader reads.
#[no_mangle]
#[used]
pub static plugin_version: [u8; 6] = *b"0.1.0\0";
/// The Wireshark major.minor this plugin was built against (from `ws_version.h`).
#[no_mangle]
#[used]
pub static plugin_want_major: c_int = sys::WIRESHARK_VERSION_MAJOR as c_int;
#[no_mangle]
#[used]
pub static plugin_want_minor: c_int = sys::WIRESHARK_VERSION_MINOR as c_int;

/// What kind of plugin this is, for `tshark -G plugins` (Wireshark 4.3 and later read it;
/// `WS_PLUGIN_DESC_DISSECTOR` is bit 0 of wsutil/plugins.h).
#[cfg(ws_plugin_describe)]
#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    1
}

/// Called once by the loader.
#[no_mangle]
pub extern "C" fn plugin_register() {
    static PLUGIN: sys::proto_plugin = sys::proto_plugin {
        register_protoinfo: Some(register_protoinfo),
        register_handoff: Some(register_handoff),
    };
    // SAFETY: Wireshark keeps the pointer; PLUGIN is 'static.
    unsafe { sys::proto_register_plugin(&PLUGIN) };
}

/// How a field is shown.
#[derive(Clone, Copy)]
enum Kind {
    U32,
    Str,
    RelTime,
    Bool,
}

/// Every JSONL key (but `frame`, which is Wireshark's own) as `tcplens.<key>`, in order.
const FIELDS: [(&str, &str, Kind); 33] = [
    ("time", "Time since the first frame", Kind::RelTime),
    ("stream", "Stream index", Kind::U32),
    ("src", "Source", Kind::Str),
    ("dst", "Destination", Kind::Str),
    ("sport", "Source port", Kind::U32),
    ("dport", "Destination port", Kind::U32),
    ("tcp_flags", "TCP flags", Kind::Str),
    ("seq", "Sequence number (relative)", Kind::U32),
    ("ack", "Acknowledgment number (relative)", Kind::U32),
    ("seq_raw", "Sequence number (raw)", Kind::U32),
    ("ack_raw", "Acknowledgment number (raw)", Kind::U32),
    ("len", "Segment length", Kind::U32),
    ("next_seq", "Next sequence number", Kind::U32),
    ("window", "Window (raw)", Kind::U32),
    ("window_scaled", "Window (scaled)", Kind::U32),
    ("handshake", "Handshake step", Kind::U32),
    ("teardown", "Teardown step (23 = 2+3)", Kind::U32),
    ("event", "Lifecycle event", Kind::Str),
    ("rst_by", "Reset by", Kind::Str),
    ("rst_from", "Reset from state", Kind::Str),
    ("client_state", "Client state", Kind::Str),
    ("server_state", "Server state", Kind::Str),
    ("dup_ack_num", "Duplicate ACK number", Kind::U32),
    ("dup_ack_frame", "Duplicate ACK of frame", Kind::U32),
    ("acks_frame", "ACKs frame", Kind::U32),
    ("ack_rtt", "ACK RTT", Kind::RelTime),
    ("initial_rtt", "Initial RTT", Kind::RelTime),
    ("bytes_in_flight", "Bytes in flight", Kind::U32),
    ("push_bytes_sent", "Bytes sent since last PSH", Kind::U32),
    ("rto", "Retransmission timeout", Kind::RelTime),
    ("rto_frame", "RTO based on delta from frame", Kind::U32),
    ("completeness", "Conversation completeness", Kind::U32),
    ("explain", "Explanation", Kind::Str),
];
const NF: usize = FIELDS.len();
const NV: usize = Verdict::ALL.len();

/// Lifecycle expert infos: (abbrev suffix, summary).
const STEPS: [(&str, &str); 9] = [
    ("handshake1", "Handshake 1/3: client asks to connect (SYN)"),
    ("handshake2", "Handshake 2/3: server accepts (SYN-ACK)"),
    ("handshake3", "Handshake 3/3: client acknowledges (ACK)"),
    ("teardown1", "Teardown 1/4: first FIN"),
    ("teardown2", "Teardown 2/4: ACK of the first FIN"),
    ("teardown3", "Teardown 3/4: second FIN"),
    ("teardown4", "Teardown 4/4: ACK of the second FIN"),
    (
        "teardown23",
        "Teardown 2+3/4: ACK of the first FIN and second FIN in one segment",
    ),
    ("rst", "Connection reset"),
];
const NS: usize = STEPS.len();

// Ids Wireshark writes at registration. Only touched by Wireshark's single dissection
// thread (registration, then dissection).
static mut proto_tcplens: c_int = -1;
static mut ett_tcplens: c_int = -1;
static mut HF: [c_int; NF] = [-1; NF];
static mut HF_VERDICT: [c_int; NV] = [-1; NV];
static mut EI_VERDICT: [sys::expert_field; NV] = [sys::expert_field { ei: -1, hf: -1 }; NV];
static mut EI_STEP: [sys::expert_field; NS] = [sys::expert_field { ei: -1, hf: -1 }; NS];
static mut EI_PANIC: sys::expert_field = sys::expert_field { ei: -1, hf: -1 };
static mut PREF_EXPLAIN: sys::gboolean = 1;
static mut PREF_LANGUAGE: c_int = 0;

/// What the first pass keeps for the later ones.
struct State {
    analyzer: Analyzer,
    first_ns: Option<i64>,
    /// The highest frame number fed to the analyzer.
    fed: u32,
    /// Verdicts of the TCP frames, a few bytes each; rebuilt with the frame's bytes.
    store: FrameStore,
}

impl State {
    fn new() -> State {
        State {
            analyzer: Analyzer::new(),
            first_ns: None,
            fed: 0,
            store: FrameStore::new(),
        }
    }
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

/// A string that lives as long as Wireshark (registration data).
fn leak(s: &str) -> *const c_char {
    CString::new(s).map_or(null(), |c| c.into_raw().cast_const())
}

/// Wireshark's severity for the same condition (packet-tcp.c).
fn severity(v: Verdict) -> c_int {
    (match v {
        Verdict::OutOfOrder
        | Verdict::LostSegment
        | Verdict::AckLostSegment
        | Verdict::WindowFull
        | Verdict::ZeroWindow => sys::PI_WARN,
        Verdict::WindowUpdate => sys::PI_CHAT,
        _ => sys::PI_NOTE,
    }) as c_int
}

fn summary(v: Verdict) -> &'static str {
    match v {
        Verdict::Retransmission => "This frame is a (suspected) retransmission",
        Verdict::FastRetransmission => "This frame is a (suspected) fast retransmission",
        Verdict::SpuriousRetransmission => "This frame is a (suspected) spurious retransmission",
        Verdict::OutOfOrder => "This frame is a (suspected) out-of-order segment",
        Verdict::LostSegment => "Previous segment(s) not captured (common at capture start)",
        Verdict::AckLostSegment => "ACKed segment that wasn't captured (common at capture start)",
        Verdict::DuplicateAck => "Duplicate ACK",
        Verdict::ZeroWindow => "TCP Zero Window segment",
        Verdict::ZeroWindowProbe => "TCP Zero Window Probe",
        Verdict::ZeroWindowProbeAck => "ACK to a TCP Zero Window Probe",
        Verdict::WindowFull => "TCP window specified by the receiver is now completely full",
        Verdict::WindowUpdate => "TCP window update",
        Verdict::KeepAlive => "TCP keep-alive segment",
        Verdict::KeepAliveAck => "ACK to a TCP keep-alive segment",
        Verdict::ReusedPorts => {
            "A new tcp session is started with the same ports as an earlier session in this trace"
        }
    }
}

fn hf_info(
    id: *mut c_int,
    name: &str,
    abbrev: &str,
    kind: Kind,
    blurb: &str,
) -> sys::hf_register_info {
    let (type_, display) = match kind {
        Kind::U32 => (sys::FT_UINT32, sys::BASE_DEC as c_int),
        Kind::Str => (sys::FT_STRING, sys::BASE_NONE as c_int),
        Kind::RelTime => (sys::FT_RELATIVE_TIME, sys::BASE_NONE as c_int),
        Kind::Bool => (sys::FT_BOOLEAN, sys::BASE_NONE as c_int),
    };
    sys::hf_register_info {
        p_id: id,
        hfinfo: sys::header_field_info {
            name: leak(name),
            abbrev: leak(abbrev),
            type_,
            display,
            strings: null(),
            bitmask: 0,
            blurb: leak(blurb),
            id: -1,
            parent: 0,
            ref_type: sys::HF_REF_TYPE_NONE,
            same_name_prev_id: -1,
            same_name_next: null_mut(),
        },
    }
}

fn ei_info(
    id: *mut sys::expert_field,
    abbrev: &str,
    group: u32,
    sev: c_int,
    text: &str,
) -> sys::ei_register_info {
    sys::ei_register_info {
        ids: id,
        eiinfo: sys::expert_field_info {
            name: leak(abbrev),
            group: group as c_int,
            severity: sev,
            summary: leak(text),
            id: 0,
            protocol: null(),
            orig_severity: 0,
            hf_info: sys::hf_register_info {
                p_id: null_mut(),
                hfinfo: sys::header_field_info {
                    name: null(),
                    abbrev: null(),
                    type_: sys::FT_NONE,
                    display: sys::BASE_NONE as c_int,
                    strings: null(),
                    bitmask: 0,
                    blurb: null(),
                    id: -1,
                    parent: 0,
                    ref_type: sys::HF_REF_TYPE_NONE,
                    same_name_prev_id: -1,
                    same_name_next: null_mut(),
                },
            },
        },
    }
}

unsafe extern "C" fn register_protoinfo() {
    let _ = catch_unwind(|| {
        // SAFETY: registration runs once, on Wireshark's main thread, before dissection;
        // every pointer handed over is 'static (statics or leaked allocations).
        unsafe {
            proto_tcplens =
                sys::proto_register_protocol(leak("TCP Lens"), leak("TCPLENS"), leak("tcplens"));
            let mut hf: Vec<sys::hf_register_info> = Vec::with_capacity(NF + NV);
            let ids = addr_of_mut!(HF).cast::<c_int>();
            for (i, (key, name, kind)) in FIELDS.iter().enumerate() {
                hf.push(hf_info(
                    ids.add(i),
                    name,
                    &format!("tcplens.{key}"),
                    *kind,
                    name,
                ));
            }
            let vids = addr_of_mut!(HF_VERDICT).cast::<c_int>();
            for (i, v) in Verdict::ALL.iter().enumerate() {
                hf.push(hf_info(
                    vids.add(i),
                    summary(*v),
                    &format!("tcplens.{}", v.name()),
                    Kind::Bool,
                    summary(*v),
                ));
            }
            let hf: &'static mut [sys::hf_register_info] = hf.leak();
            sys::proto_register_field_array(proto_tcplens, hf.as_mut_ptr(), hf.len() as c_int);
            let ett: &'static mut [*mut c_int; 1] =
                Box::leak(Box::new([addr_of_mut!(ett_tcplens)]));
            sys::proto_register_subtree_array(ett.as_ptr(), 1);

            let mut ei: Vec<sys::ei_register_info> = Vec::new();
            let eids = addr_of_mut!(EI_VERDICT).cast::<sys::expert_field>();
            for (i, v) in Verdict::ALL.iter().enumerate() {
                let abbrev = format!("tcplens.expert.{}", v.name());
                ei.push(ei_info(
                    eids.add(i),
                    &abbrev,
                    sys::PI_SEQUENCE,
                    severity(*v),
                    summary(*v),
                ));
            }
            let sids = addr_of_mut!(EI_STEP).cast::<sys::expert_field>();
            for (i, (name, text)) in STEPS.iter().enumerate() {
                let abbrev = format!("tcplens.expert.{name}");
                ei.push(ei_info(
                    sids.add(i),
                    &abbrev,
                    sys::PI_SEQUENCE,
                    sys::PI_CHAT as c_int,
                    text,
                ));
            }
            diagnosis::register(&mut ei);
            ei.push(ei_info(
                addr_of_mut!(EI_PANIC),
                "tcplens.expert.internal_error",
                sys::PI_MALFORMED,
                sys::PI_ERROR as c_int,
                "tcplens failed on this frame (internal error caught)",
            ));
            let ei: &'static mut [sys::ei_register_info] = ei.leak();
            let module = sys::expert_register_protocol(proto_tcplens);
            sys::expert_register_field_array(module, ei.as_mut_ptr(), ei.len() as c_int);

            let prefs = sys::prefs_register_protocol(proto_tcplens, None);
            sys::prefs_register_bool_preference(
                prefs,
                leak("explain"),
                leak("Explain each frame"),
                leak("Add a plain-language explanation (tcplens.explain) to every TCP frame"),
                addr_of_mut!(PREF_EXPLAIN),
            );
            let langs: &'static [sys::enum_val_t; 3] = Box::leak(Box::new([
                sys::enum_val_t {
                    name: c"en".as_ptr(),
                    description: c"English".as_ptr(),
                    value: 0,
                },
                sys::enum_val_t {
                    name: c"zh".as_ptr(),
                    description: c"Simplified Chinese (简体中文)".as_ptr(),
                    value: 1,
                },
                sys::enum_val_t {
                    name: null(),
                    description: null(),
                    value: 0,
                },
            ]));
            sys::prefs_register_enum_preference(
                prefs,
                leak("language"),
                leak("Language of explanations"),
                leak("en or zh"),
                addr_of_mut!(PREF_LANGUAGE),
                langs.as_ptr(),
                0,
            );
            sys::register_init_routine(Some(reset));
        }
    });
}

unsafe extern "C" fn register_handoff() {
    let _ = catch_unwind(|| {
        // SAFETY: registration context; the dissector function is 'static.
        unsafe {
            let handle = sys::create_dissector_handle(Some(dissect), proto_tcplens);
            sys::register_postdissector(handle);
        }
    });
}

/// A capture is (re)loaded: forget everything.
unsafe extern "C" fn reset() {
    let _ = catch_unwind(|| {
        if let Ok(mut s) = STATE.lock() {
            *s = Some(State::new());
        }
        diagnosis::reset();
    });
}

/// pcap LINKTYPE_ of a Wiretap encapsulation (wtap_wtap_encap_to_pcap_encap is not exported).
fn linktype_of(encap: c_int) -> u32 {
    match encap as u32 {
        sys::WTAP_ENCAP_ETHERNET => 1,
        sys::WTAP_ENCAP_NULL => 0,
        sys::WTAP_ENCAP_LOOP => 108,
        sys::WTAP_ENCAP_RAW_IP => 101,
        sys::WTAP_ENCAP_RAW_IP4 => 228,
        sys::WTAP_ENCAP_RAW_IP6 => 229,
        sys::WTAP_ENCAP_SLL => 113,
        sys::WTAP_ENCAP_SLL2 => 276,
        other => 0x8000_0000 | other,
    }
}

unsafe extern "C" fn dissect(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    _data: *mut c_void,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: Wireshark hands a valid tvb and pinfo (tree may be NULL) for this call.
        unsafe { dissect_inner(tvb, pinfo, tree) }
    }));
    match r {
        Ok(n) => n,
        Err(_) => {
            // SAFETY: tvb/pinfo are valid for this call; tree may be NULL, which epan accepts.
            unsafe {
                let ti = sys::proto_tree_add_item(tree, proto_tcplens, tvb, 0, 0, sys::ENC_NA);
                sys::expert_add_info(pinfo, ti, addr_of_mut!(EI_PANIC));
            }
            0
        }
    }
}

unsafe fn dissect_inner(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
) -> c_int {
    // SAFETY (whole function): pointers come from Wireshark for this call; every length
    // passed to epan is the tvb's own.
    let p = unsafe { &*pinfo };
    let frame = p.num;
    let Some(idx) = (frame as usize).checked_sub(1) else {
        return 0;
    };
    let visited = unsafe { (*p.fd).visited() } != 0;
    let len = unsafe { sys::tvb_captured_length(tvb) };
    let orig = unsafe { sys::tvb_reported_length(tvb) };
    // Offset 0 and the tvb's own captured length are always in bounds, so tvb_get_ptr
    // cannot throw (an epan exception is a longjmp, which must never cross Rust frames);
    // a length beyond c_int is taken as no bytes rather than passed on negative.
    let bytes: &[u8] = match c_int::try_from(len) {
        Ok(0) | Err(_) => &[],
        Ok(n) => {
            let ptr = unsafe { sys::tvb_get_ptr(tvb, 0, n) };
            if ptr.is_null() {
                &[]
            } else {
                unsafe { std::slice::from_raw_parts(ptr, n as usize) }
            }
        }
    };
    let rec = unsafe { p.rec.as_ref() };
    let encap = match rec {
        Some(r) if r.rec_type == sys::REC_TYPE_PACKET => unsafe {
            r.rec_header.packet_header.pkt_encap
        },
        _ => -1,
    };
    let linktype = linktype_of(encap);
    let ts = p
        .abs_ts
        .secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(p.abs_ts.nsecs));
    let mut guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let state = guard.get_or_insert_with(State::new);
    let start = *state.first_ns.get_or_insert(ts);
    let v = if !visited && frame > state.fed {
        // First pass, in order: analyse and keep the compact verdict. Frames lost to a
        // caught panic still count, so the core numbers frames as Wireshark does (its
        // acks_frame, dup_ack_frame ... name Wireshark's frames).
        let missed = u64::from(idx as u32).saturating_sub(state.analyzer.counters().frames);
        state.analyzer.skip_frames(missed);
        state.fed = frame;
        match state.analyzer.process_linktype(linktype, bytes, orig, ts) {
            Outcome::Tcp {
                segment,
                record,
                analysis,
            } => {
                diagnosis::observe(frame, ts, &record, &analysis);
                let bases = state
                    .analyzer
                    .conversations()
                    .get(record.stream)
                    .map_or([None, None], |c| c.flows.map(|f| f.base_seq));
                state.store.push(frame, &segment, &record, &analysis, bases);
                core_ffi::verdict_of(
                    u64::from(frame),
                    ts.saturating_sub(start),
                    &segment,
                    &record,
                    &analysis,
                )
            }
            _ => return 0,
        }
    } else {
        // A later pass: decode the frame again and rebuild its verdict.
        if visited {
            diagnosis::finish_once();
        }
        let Some(Ok(Decoded::Tcp(segment))) =
            LinkType::from_linktype(linktype).map(|link| decode(link, bytes, orig))
        else {
            return 0;
        };
        let Some((record, analysis)) = state.store.get(frame, &segment) else {
            return 0;
        };
        core_ffi::verdict_of(
            u64::from(frame),
            ts.saturating_sub(start),
            &segment,
            &record,
            &analysis,
        )
    };
    drop(guard);
    unsafe { show(tvb, pinfo, tree, &v) };
    0
}

unsafe fn show(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    v: &TcplensVerdict,
) {
    // SAFETY (whole function): valid tvb/pinfo for this call; tree may be NULL, which every
    // proto_tree_add_* accepts; strings are NUL-terminated temporaries that epan copies.
    // Every item is added at offset 0 with length 0, in bounds for any tvb (even an empty
    // one), so no epan call here can throw.
    unsafe {
        let ti = sys::proto_tree_add_item(tree, proto_tcplens, tvb, 0, 0, sys::ENC_NA);
        let t = sys::proto_item_add_subtree(ti, ett_tcplens);
        let hf = |i: usize| HF[i];
        let u = |i: usize, x: u32| {
            sys::proto_tree_add_uint(t, hf(i), tvb, 0, 0, x);
        };
        // Strings are built only for a tree that shows or filters on them: an invisible
        // tree would fake the item anyway (the summary-line pass of `tshark -r`).
        let wants = |i: usize| !t.is_null() && sys::proto_field_is_referenced(t, hf(i)) != 0;
        let s = |i: usize, x: &str| {
            if !wants(i) {
                return;
            }
            if let Ok(c) = CString::new(x) {
                sys::proto_tree_add_string(t, hf(i), tvb, 0, 0, c.as_ptr());
            }
        };
        let rt = |i: usize, ns: i64| {
            let ts = sys::nstime_t {
                secs: ns.div_euclid(1_000_000_000),
                nsecs: ns.rem_euclid(1_000_000_000) as c_int,
            };
            sys::proto_tree_add_time(t, hf(i), tvb, 0, 0, &ts);
        };
        let has = |bit: u32| v.present & bit != 0;
        let (src, dst) = core_ffi::endpoints_of(v);
        let rec = core_ffi::record_of(v);
        let an = core_ffi::analysis_of(v);
        rt(0, v.time_ns);
        u(1, v.stream);
        if wants(2) {
            s(2, &src.addr.to_string());
        }
        if wants(3) {
            s(3, &dst.addr.to_string());
        }
        if wants(6) {
            s(6, &rec.tcp_flags.to_string());
        }
        u(4, u32::from(v.sport));
        u(5, u32::from(v.dport));
        u(7, v.seq);
        if has(core_ffi::TCPLENS_HAS_ACK) {
            u(8, v.ack);
        }
        u(9, v.seq_raw);
        u(10, v.ack_raw);
        if has(core_ffi::TCPLENS_HAS_LEN) {
            u(11, v.len);
        }
        if has(core_ffi::TCPLENS_HAS_NEXT_SEQ) {
            u(12, v.next_seq);
        }
        u(13, u32::from(v.window));
        if has(core_ffi::TCPLENS_HAS_WINDOW_SCALED) {
            u(14, v.window_scaled);
        }
        if v.handshake != 0 {
            u(15, u32::from(v.handshake));
        }
        if v.teardown != 0 {
            u(16, u32::from(v.teardown));
        }
        if let Some(code) = rec.event.code() {
            s(17, code);
        }
        if has(core_ffi::TCPLENS_HAS_RST) {
            s(18, if v.rst_by == 0 { "client" } else { "server" });
            if let Some(from) = rec.rst_from {
                s(19, from.name());
            }
        }
        s(20, rec.client_state.name());
        s(21, rec.server_state.name());
        if let (Some(n), Some(f)) = (an.dup_ack_num, an.dup_ack_frame) {
            u(22, n);
            u(23, f);
        }
        if let Some(f) = an.acks_frame {
            u(24, f);
        }
        if let Some(x) = an.ack_rtt_ns {
            rt(25, x);
        }
        if let Some(x) = an.initial_rtt_ns {
            rt(26, x);
        }
        if let (Some(b), Some(p)) = (an.bytes_in_flight, an.push_bytes_sent) {
            u(27, b);
            u(28, p);
        }
        if let (Some(x), Some(f)) = (an.rto_ns, an.rto_frame) {
            rt(29, x);
            u(30, f);
        }
        if let Some(c) = an.completeness {
            u(31, u32::from(c));
        }
        // Text is built only when someone looks at it.
        let lang = if PREF_LANGUAGE == 1 {
            Lang::Zh
        } else {
            Lang::En
        };
        if PREF_EXPLAIN != 0 && !t.is_null() && sys::proto_field_is_referenced(t, hf(32)) != 0 {
            let mut text = String::new();
            let _ = explain(lang, &rec, &an, &mut text);
            s(32, &text);
        }
        for (i, verdict) in Verdict::ALL.iter().enumerate() {
            if v.flags & (1 << verdict.index()) != 0 {
                sys::proto_tree_add_boolean(t, HF_VERDICT[i], tvb, 0, 0, 1);
                sys::expert_add_info(
                    pinfo,
                    ti,
                    addr_of_mut!(EI_VERDICT).cast::<sys::expert_field>().add(i),
                );
            }
        }
        let step = match (v.handshake, v.teardown) {
            (h @ 1..=3, _) => Some(h as usize - 1),
            (_, t @ 1..=4) => Some(t as usize + 2),
            (_, 23) => Some(7),
            _ if has(core_ffi::TCPLENS_HAS_RST) => Some(8),
            _ => None,
        };
        if let Some(i) = step {
            sys::expert_add_info(
                pinfo,
                ti,
                addr_of_mut!(EI_STEP).cast::<sys::expert_field>().add(i),
            );
        }
        diagnosis::show(pinfo, ti, v.frame as u32, lang);
    }
}
