//! tcplens as a Wireshark 4.x epan post-dissector plugin (`tcplens.so`).
//!
//! On the first, in-order pass the post-dissector feeds every frame to the tcplens core
//! and keeps the frame's verdict; every later pass (the GUI's random access, `tshark -2`)
//! reads it back, with tcplens's own verdict (`tcplens.verdict`) as later frames settled it
//! (a single pass shows the provisional one). Fields are named `tcplens.<JSONL key>`, each verdict is also a
//! `tcplens.<flag>` field and an expert info, each lifecycle step an expert info (Chat),
//! each diagnosis finding an expert info on the frame where its cause shows.
//! `tcplens.vantage` gives the conversation's vantage point on each of its frames (as the
//! core knows it then; its final value on later passes), and where tcplens's own verdict is
//! of another class than Wireshark's flags an expert info names both
//! (`tcplens.expert.verdict_differs`, preference `tcplens.verdict_differs`).
//! No panic crosses into Wireshark: one becomes an expert error on the frame.
//!
//! Work is skipped where nobody can see it: without a tree (`tshark -r`), and in a
//! `tshark -T fields` that names no tcplens field (read from the command line, see
//! [`cmdline`]), only the expert infos are added, and only when a tap, the Expert column
//! or the highest severity takes them; tshark without `-2` keeps no per-frame store.
//!
//! All `unsafe` code of the plugin is at the epan boundary: the generated bindings
//! ([`sys`]), the entry points Wireshark calls and the functions that hand data to epan
//! (each marked `#[allow(unsafe_code)]`, here and in [`diagnosis`]); the rest of the crate
//! denies it, and the analysis is the core's safe Rust.
// SPDX-License-Identifier: GPL-2.0-or-later

#![deny(unsafe_code)]

/// The epan bindings bindgen generates (build.rs): C names, `extern` declarations.
#[allow(unsafe_code)]
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

mod cmdline;
mod compat;
// Registers and adds expert infos through epan.
#[allow(unsafe_code)]
mod diagnosis;
mod lines;

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{addr_of_mut, null, null_mut};
use std::sync::atomic::{AtomicI32, Ordering};

use compat::Truth as _;
use std::sync::{Mutex, OnceLock};

use tcplens_core::analysis::{FrameAnalysis, Verdict};
use tcplens_core::compact::FrameStore;
use tcplens_core::diagnosis::TimeOrigin;
use tcplens_core::explain::{explain, explain_quote, Lang};
use tcplens_core::flow::endpoints;
use tcplens_core::schema::{self, Body, FrameKey, FrameVisitor, KeyType, TcpFrame, FRAME_KEYS};
use tcplens_core::statistics::Vantage;
use tcplens_core::text::{ExpertStep, PluginWords};
use tcplens_core::verdict::versus::{disagreement, Disagreement};
use tcplens_core::wire::{decode, Decoded};
use tcplens_core::{Analyzer, Event, FrameRecord, LinkType, Outcome, TcpSegment};

// The loader's symbols: `#[export_name]` is an unsafe attribute (two libraries exporting
// one name clash), and these names are the loader's.
/// The version string Wireshark's loader reads.
#[allow(unsafe_code)]
#[export_name = "plugin_version"]
#[used]
pub static PLUGIN_VERSION: [u8; 6] = *b"0.1.0\0";
/// The Wireshark major.minor this plugin was built against (from `ws_version.h`).
#[allow(unsafe_code)]
#[export_name = "plugin_want_major"]
#[used]
pub static PLUGIN_WANT_MAJOR: c_int = sys::WIRESHARK_VERSION_MAJOR as c_int;
#[allow(unsafe_code)]
#[export_name = "plugin_want_minor"]
#[used]
pub static PLUGIN_WANT_MINOR: c_int = sys::WIRESHARK_VERSION_MINOR as c_int;

/// What kind of plugin this is, for `tshark -G plugins` (Wireshark 4.3 and later read it;
/// `WS_PLUGIN_DESC_DISSECTOR` is bit 0 of wsutil/plugins.h).
#[cfg(ws_plugin_describe)]
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    entry(|| 1).unwrap_or(1)
}

/// Called once by the loader.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn plugin_register() {
    static PLUGIN: sys::proto_plugin = sys::proto_plugin {
        register_protoinfo: Some(register_protoinfo),
        register_handoff: Some(register_handoff),
    };
    // SAFETY: Wireshark keeps the pointer; PLUGIN is 'static.
    entry(|| unsafe { sys::proto_register_plugin(&PLUGIN) });
}

/// The plugin's one panic boundary: every function Wireshark calls (the loader's, the
/// registration and init routines, the dissector) runs its body through it, so no panic
/// unwinds into Wireshark. `None`: the body panicked (the dissector then adds an expert
/// error to the frame).
fn entry<T>(body: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(body)).ok()
}

/// How a field is shown.
#[derive(Clone, Copy)]
enum Kind {
    U32,
    /// A frame number: FT_FRAMENUM, so Wireshark links it ("Go to Linked Packet").
    Frame,
    Str,
    RelTime,
    Bool,
    /// An address key's IPv4 field (`tcplens.src`), so `tcplens.src == 10.0.0.0/8` works.
    Ipv4,
    /// An address key's IPv6 twin (`tcplens.src6`). One abbreviation registered with two
    /// types (FT_IPv4 and FT_IPv6) breaks filtering on it in Wireshark 4.0 and 4.4, so the
    /// IPv6 address has a field of its own, as Wireshark's own `ip.src` / `ipv6.src`.
    Ipv6,
}

impl Kind {
    /// The field type of a schema key.
    fn of(ty: KeyType) -> Kind {
        match ty {
            KeyType::Integer => Kind::U32,
            KeyType::FrameNumber => Kind::Frame,
            KeyType::Seconds | KeyType::Seconds9 => Kind::RelTime,
            KeyType::Address => Kind::Ipv4,
            KeyType::Text
            | KeyType::Name
            | KeyType::Names
            | KeyType::Endpoint
            | KeyType::Decimal
            | KeyType::Flag => Kind::Str,
        }
    }
}

/// One field id per schema key (`tcplens.<key>`); keys the plugin does not show
/// ([`Key::in_plugin`](tcplens_core::schema::Key)) keep -1.
const NF: usize = FRAME_KEYS.len();
const NV: usize = Verdict::ALL.len();

/// Lifecycle expert infos: abbrev suffixes, in the order of [`ExpertStep::ALL`].
const STEPS: [&str; 9] = [
    "handshake1",
    "handshake2",
    "handshake3",
    "teardown1",
    "teardown2",
    "teardown3",
    "teardown4",
    "teardown23",
    "rst",
];
const NS: usize = STEPS.len();

/// The language of the registered summaries: Wireshark takes them at registration, before
/// it reads the preferences. An expert info shown in another language carries its own
/// message instead.
const REGISTERED: Lang = Lang::En;

// Ids Wireshark writes at registration. Only touched by Wireshark's single dissection
// thread (registration, then dissection). The two ids keep epan's own names.
#[allow(non_upper_case_globals)]
static mut proto_tcplens: c_int = -1;
#[allow(non_upper_case_globals)]
static mut ett_tcplens: c_int = -1;
/// The (childless) continuation lines of a long text.
pub(crate) static mut ETT_LINE: c_int = -1;
/// The collapsed subtree of the values that repeat the TCP tree's.
static mut ETT_TCP_VALUES: c_int = -1;
static mut HF: [c_int; NF] = [-1; NF];
/// The IPv6 twins of the address keys' fields (by key index; -1 for other keys).
static mut HF6: [c_int; NF] = [-1; NF];
static mut HF_VERDICT: [c_int; NV] = [-1; NV];
static mut EI_VERDICT: [sys::expert_field; NV] = [sys::expert_field { ei: -1, hf: -1 }; NV];
static mut EI_STEP: [sys::expert_field; NS] = [sys::expert_field { ei: -1, hf: -1 }; NS];
static mut EI_PANIC: sys::expert_field = sys::expert_field { ei: -1, hf: -1 };
/// `tcplens.vantage`: where the conversation was captured (plugin only: `conns` reports it
/// per conversation, the plugin on each of its frames).
static mut HF_VANTAGE: c_int = -1;
/// `tcplens.expert.verdict_differs`: tcplens's own verdict differs from Wireshark's.
static mut EI_VERDICT_DIFFERS: sys::expert_field = sys::expert_field { ei: -1, hf: -1 };
/// `tcplens.verdict_differs`: add that expert info. On by default.
static mut PREF_VERDICT_DIFFERS: compat::WsBool = compat::TRUE;
static mut PREF_EXPLAIN: compat::WsBool = compat::TRUE;
static mut PREF_LANGUAGE: c_int = 0;
/// `tcplens.tcp_analysis_experts`: repeat Wireshark's own `tcp.analysis` verdicts as
/// tcplens expert infos. Off by default, so Analyze → Expert Information lists each of
/// them once (under TCP); the `tcplens.<verdict>` fields are there either way.
static mut PREF_TCP_ANALYSIS_EXPERTS: compat::WsBool = compat::FALSE;

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
        let mut analyzer = Analyzer::new();
        // Diagnosis findings become expert infos; times as Wireshark gives them.
        analyzer.diagnose(TimeOrigin::Epoch);
        State {
            analyzer,
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

/// The `tcplens.tcp_analysis_experts` preference.
#[allow(unsafe_code)] // epan boundary: reads a preference Wireshark writes.
fn pref_tcp_analysis_experts() -> bool {
    // SAFETY: written by Wireshark's preference code on its single thread, which is this one.
    unsafe { PREF_TCP_ANALYSIS_EXPERTS }.truth()
}

/// The `tcplens.verdict_differs` preference.
#[allow(unsafe_code)] // epan boundary: reads a preference Wireshark writes.
fn pref_verdict_differs() -> bool {
    // SAFETY: written by Wireshark's preference code on its single thread, which is this one.
    unsafe { PREF_VERDICT_DIFFERS }.truth()
}

/// The `tcplens.language` preference.
#[allow(unsafe_code)] // epan boundary: reads a preference Wireshark writes.
fn pref_lang() -> Lang {
    // SAFETY: written by Wireshark's preference code on its single thread, which is this one.
    if unsafe { PREF_LANGUAGE } == 1 {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The summary of a verdict's field and expert info, in `lang`.
fn summary(lang: Lang, v: Verdict) -> &'static str {
    tcplens_core::with_lang!(lang, L => L::verdict_summary(v))
}

/// Adds the expert info `ei` in `lang`: with its registered summary, or in another
/// language with the message `text` gives.
///
/// # Safety
/// `pinfo` and `ti` are Wireshark's for the frame being dissected (`ti` may be NULL); `ei`
/// is a registered expert field.
#[allow(unsafe_code)] // epan boundary: adds an expert info.
unsafe fn add_expert(
    pinfo: *mut sys::packet_info,
    ti: *mut sys::proto_item,
    ei: *mut sys::expert_field,
    lang: Lang,
    text: impl FnOnce(Lang) -> &'static str,
) {
    if lang == REGISTERED {
        // SAFETY: as the caller promises.
        unsafe { sys::expert_add_info(pinfo, ti, ei) };
        return;
    }
    let Ok(message) = CString::new(text(lang)) else {
        return;
    };
    // SAFETY: as the caller promises; "%s" with one NUL-terminated string that epan copies.
    unsafe { sys::expert_add_info_format(pinfo, ti, ei, c"%s".as_ptr(), message.as_ptr()) };
}

/// epan's `value_string` (epan/value_string.h): a number and its name.
#[repr(C)]
struct ValueString {
    value: u32,
    strptr: *const c_char,
}

/// The named values of the handshake and teardown step fields (the steps' expert
/// summaries: "Teardown 2+3/4: ..." where the number is 23), so Wireshark shows the step,
/// not the bare number; NULL for every other key. A `value_string` array ends with a
/// NULL name.
fn step_names(key: FrameKey) -> *const c_void {
    let value = |s: ExpertStep| match (key, s) {
        (FrameKey::Handshake, ExpertStep::Handshake(h)) => Some(h as u32),
        (FrameKey::Teardown, ExpertStep::Teardown(t)) => Some(t as u32),
        _ => None,
    };
    let mut vals: Vec<ValueString> = ExpertStep::ALL
        .iter()
        .filter_map(|s| {
            value(*s).map(|value| ValueString {
                value,
                strptr: leak(tcplens_core::with_lang!(REGISTERED, L => L::step_summary(*s))),
            })
        })
        .collect();
    if vals.is_empty() {
        return null();
    }
    vals.push(ValueString {
        value: 0,
        strptr: null(),
    });
    vals.leak().as_ptr().cast()
}

/// The keys whose values repeat the TCP tree's (addresses, ports, flags, raw and relative
/// numbers, windows): shown in a collapsed subtree of their own, after what tcplens adds.
fn repeats_tcp(key: FrameKey) -> bool {
    use FrameKey::*;
    matches!(
        key,
        Src | Dst
            | Sport
            | Dport
            | TcpFlags
            | Seq
            | Ack
            | SeqRaw
            | AckRaw
            | Len
            | NextSeq
            | Window
            | WindowScaled
    )
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
        // epan requires BASE_NONE for FT_FRAMENUM; proto_tree_add_uint accepts it.
        Kind::Frame => (sys::FT_FRAMENUM, sys::BASE_NONE as c_int),
        Kind::Str => (sys::FT_STRING, sys::BASE_NONE as c_int),
        Kind::RelTime => (sys::FT_RELATIVE_TIME, sys::BASE_NONE as c_int),
        Kind::Bool => (sys::FT_BOOLEAN, sys::BASE_NONE as c_int),
        Kind::Ipv4 => (sys::FT_IPv4, sys::BASE_NONE as c_int),
        Kind::Ipv6 => (sys::FT_IPv6, sys::BASE_NONE as c_int),
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

#[allow(unsafe_code)]
unsafe extern "C" fn register_protoinfo() {
    entry(|| {
        // SAFETY: registration runs once, on Wireshark's main thread, before dissection;
        // every pointer handed over is 'static (statics or leaked allocations).
        unsafe {
            proto_tcplens =
                sys::proto_register_protocol(leak("TCP Lens"), leak("TCPLENS"), leak("tcplens"));
            let mut hf: Vec<sys::hf_register_info> = Vec::with_capacity(NF + NV);
            let ids = addr_of_mut!(HF).cast::<c_int>();
            for (i, key) in FRAME_KEYS.iter().enumerate() {
                if key.in_plugin {
                    let mut info = hf_info(
                        ids.add(i),
                        key.label,
                        &format!("tcplens.{}", key.name),
                        Kind::of(key.ty),
                        key.description,
                    );
                    info.hfinfo.strings = step_names(FrameKey::ALL[i]);
                    hf.push(info);
                    if key.ty == KeyType::Address {
                        hf.push(hf_info(
                            addr_of_mut!(HF6).cast::<c_int>().add(i),
                            &format!("{} (IPv6)", key.label),
                            &format!("tcplens.{}6", key.name),
                            Kind::Ipv6,
                            key.description,
                        ));
                    }
                }
            }
            let vids = addr_of_mut!(HF_VERDICT).cast::<c_int>();
            for (i, v) in Verdict::ALL.iter().enumerate() {
                hf.push(hf_info(
                    vids.add(i),
                    summary(REGISTERED, *v),
                    &format!("tcplens.{}", v.name()),
                    Kind::Bool,
                    summary(REGISTERED, *v),
                ));
            }
            hf.push(hf_info(
                addr_of_mut!(HF_VANTAGE),
                "Vantage point",
                "tcplens.vantage",
                Kind::Str,
                "where this conversation was captured: client, server, middle or unknown (the vantage of conns; on later passes its final value)",
            ));
            let hf: &'static mut [sys::hf_register_info] = hf.leak();
            sys::proto_register_field_array(proto_tcplens, hf.as_mut_ptr(), hf.len() as c_int);
            let ett: &'static mut [*mut c_int; 3] = Box::leak(Box::new([
                addr_of_mut!(ett_tcplens),
                addr_of_mut!(ETT_LINE),
                addr_of_mut!(ETT_TCP_VALUES),
            ]));
            sys::proto_register_subtree_array(ett.as_ptr(), 3);

            let mut ei: Vec<sys::ei_register_info> = Vec::new();
            let eids = addr_of_mut!(EI_VERDICT).cast::<sys::expert_field>();
            for (i, v) in Verdict::ALL.iter().enumerate() {
                let abbrev = format!("tcplens.expert.{}", v.name());
                ei.push(ei_info(
                    eids.add(i),
                    &abbrev,
                    sys::PI_SEQUENCE,
                    severity(*v),
                    summary(REGISTERED, *v),
                ));
            }
            let sids = addr_of_mut!(EI_STEP).cast::<sys::expert_field>();
            for (i, (name, step)) in STEPS.iter().zip(ExpertStep::ALL).enumerate() {
                let abbrev = format!("tcplens.expert.{name}");
                ei.push(ei_info(
                    sids.add(i),
                    &abbrev,
                    sys::PI_SEQUENCE,
                    sys::PI_CHAT as c_int,
                    tcplens_core::with_lang!(REGISTERED, L => L::step_summary(step)),
                ));
            }
            ei.push(ei_info(
                addr_of_mut!(EI_VERDICT_DIFFERS),
                "tcplens.expert.verdict_differs",
                sys::PI_SEQUENCE,
                sys::PI_NOTE as c_int,
                tcplens_core::with_lang!(REGISTERED, L => L::verdict_differs_summary()),
            ));
            diagnosis::register(&mut ei);
            ei.push(ei_info(
                addr_of_mut!(EI_PANIC),
                "tcplens.expert.internal_error",
                sys::PI_MALFORMED,
                sys::PI_ERROR as c_int,
                tcplens_core::with_lang!(REGISTERED, L => L::internal_error()),
            ));
            let ei: &'static mut [sys::ei_register_info] = ei.leak();
            let module = sys::expert_register_protocol(proto_tcplens);
            sys::expert_register_field_array(module, ei.as_mut_ptr(), ei.len() as c_int);

            let prefs = sys::prefs_register_protocol(proto_tcplens, None);
            sys::prefs_register_bool_preference(
                prefs,
                // The preference is named after the key it switches.
                leak(FrameKey::Explain.name()),
                leak("Explain each frame"),
                leak(&format!(
                    "Add a plain-language explanation (tcplens.{}) to every TCP frame",
                    FrameKey::Explain.name()
                )),
                addr_of_mut!(PREF_EXPLAIN),
            );
            sys::prefs_register_bool_preference(
                prefs,
                leak("tcp_analysis_experts"),
                leak("Repeat Wireshark's TCP analysis expert infos"),
                leak("Also raise each tcp.analysis verdict (retransmission, duplicate ACK ...) as a TCPLENS expert info; off, the Expert Information dialog lists each once, under TCP"),
                addr_of_mut!(PREF_TCP_ANALYSIS_EXPERTS),
            );
            sys::prefs_register_bool_preference(
                prefs,
                leak("verdict_differs"),
                leak("Flag where tcplens's verdict differs from Wireshark's"),
                leak("Add an expert info (Sequence, Note) to each data segment whose tcplens.verdict is of another class than Wireshark's tcp.analysis flags (retransmission, spurious retransmission, out-of-order, or none)"),
                addr_of_mut!(PREF_VERDICT_DIFFERS),
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
                compat::FALSE,
            );
            sys::register_init_routine(Some(reset));
        }
    });
}

#[allow(unsafe_code)]
unsafe extern "C" fn register_handoff() {
    entry(|| {
        // SAFETY: registration context; the dissector function is 'static.
        unsafe {
            let handle = sys::create_dissector_handle(Some(dissect), proto_tcplens);
            sys::register_postdissector(handle);
        }
    });
}

/// A capture is (re)loaded: forget everything.
#[allow(unsafe_code)]
unsafe extern "C" fn reset() {
    entry(|| {
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
        // Wiretap reads LINKTYPE_PPP (9) and PPP_HDLC (50) as WTAP_ENCAP_PPP; the core's
        // PPP decoder takes both framings.
        sys::WTAP_ENCAP_PPP => 9,
        sys::WTAP_ENCAP_CHDLC => 104,
        sys::WTAP_ENCAP_NFLOG => 239,
        sys::WTAP_ENCAP_IEEE_802_11 => 105,
        sys::WTAP_ENCAP_IEEE_802_11_PRISM => 119,
        sys::WTAP_ENCAP_IEEE_802_11_RADIOTAP => 127,
        sys::WTAP_ENCAP_IEEE_802_11_AVS => 163,
        sys::WTAP_ENCAP_IP_OVER_IB_PCAP => 242,
        // Wiretap names FDDI by the bit order it assumes for the MAC addresses; the core
        // reads no MAC address, so both are pcap's 10.
        sys::WTAP_ENCAP_FDDI | sys::WTAP_ENCAP_FDDI_BITSWAPPED => 10,
        sys::WTAP_ENCAP_ARCNET => 7,
        sys::WTAP_ENCAP_ARCNET_LINUX => 129,
        sys::WTAP_ENCAP_JUNIPER_ETHER => 178,
        other => 0x8000_0000 | other,
    }
}

#[allow(unsafe_code)]
unsafe extern "C" fn dissect(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    _data: *mut c_void,
) -> c_int {
    let r = entry(|| {
        // SAFETY: Wireshark hands a valid tvb and pinfo (tree may be NULL) for this call.
        unsafe { dissect_inner(tvb, pinfo, tree) }
    });
    match r {
        Some(n) => n,
        None => {
            // SAFETY: tvb/pinfo are valid for this call; tree may be NULL, which epan accepts.
            unsafe {
                let ti = sys::proto_tree_add_item(tree, proto_tcplens, tvb, 0, 0, sys::ENC_NA);
                add_expert(
                    pinfo,
                    ti,
                    addr_of_mut!(EI_PANIC),
                    pref_lang(),
                    |lang| tcplens_core::with_lang!(lang, L => L::internal_error()),
                );
            }
            0
        }
    }
}

#[allow(unsafe_code)]
unsafe fn dissect_inner(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
) -> c_int {
    // SAFETY: Wireshark's pinfo and tree for this frame; proto_tcplens is registered.
    if unsafe { nothing_can_show(pinfo, tree) } {
        return 0;
    }
    // Pointers come from Wireshark for this call; every length passed to epan is the tvb's
    // own.
    // SAFETY: `pinfo` is Wireshark's valid packet_info for this frame.
    let p = unsafe { &*pinfo };
    let frame = p.num;
    let Some(idx) = (frame as usize).checked_sub(1) else {
        return 0;
    };
    // SAFETY: `fd`, the frame's frame_data, is set for every dissected frame.
    let visited = unsafe { (*p.fd).visited() } != 0;
    // SAFETY: `tvb` is Wireshark's valid buffer for this frame; the lengths cannot throw.
    let len = unsafe { sys::tvb_captured_length(tvb) };
    // SAFETY: as above.
    let orig = unsafe { sys::tvb_reported_length(tvb) };
    // Offset 0 and the tvb's own captured length are always in bounds, so tvb_get_ptr
    // cannot throw (an epan exception is a longjmp, which must never cross Rust frames);
    // a length beyond c_int is taken as no bytes rather than passed on negative.
    let bytes: &[u8] = match c_int::try_from(len) {
        Ok(0) | Err(_) => &[],
        Ok(n) => {
            // SAFETY: a valid tvb, and 0..n in its bounds (see above).
            let ptr = unsafe { sys::tvb_get_ptr(tvb, 0, n) };
            if ptr.is_null() {
                &[]
            } else {
                // SAFETY: tvb_get_ptr returned n contiguous bytes that live as long as the
                // tvb, which outlives this call.
                unsafe { std::slice::from_raw_parts(ptr, n as usize) }
            }
        }
    };
    // SAFETY: `rec` is NULL or the frame's wtap record, valid for this call.
    let rec = unsafe { p.rec.as_ref() };
    let encap = match rec {
        // SAFETY: a REC_TYPE_PACKET record's header is the packet_header of the union.
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
    let (segment, record, analysis, vantage) = if !visited && frame > state.fed {
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
                diagnosis::collect(&mut state.analyzer);
                // Only a later pass reads the store, and tshark without -2 has none.
                if !cmdline::single_pass() {
                    let bases = state
                        .analyzer
                        .conversations()
                        .get(record.stream)
                        .map_or([None, None], |c| c.flows.map(|f| f.base_seq));
                    state.store.push(frame, &segment, &record, &analysis, bases);
                }
                // Later evidence settling earlier frames' own verdicts: the later passes
                // show the settled verdict, a single pass the provisional one.
                let mut revised = Vec::new();
                state.analyzer.take_revisions(&mut revised);
                if !cmdline::single_pass() {
                    for r in revised {
                        state.store.revise(r.frame, r.own);
                    }
                }
                let vantage = vantage_of(&state.analyzer, record.stream);
                (segment, record, analysis, vantage)
            }
            Outcome::Quote(q) => {
                drop(guard);
                // SAFETY: the tvb and tree Wireshark handed to this call.
                unsafe { show_quote(tvb, tree, frame, ts.saturating_sub(start), &q) };
                return 0;
            }
            _ => return 0,
        }
    } else {
        // A later pass: decode the frame again and rebuild its verdict.
        if visited {
            diagnosis::finish_once(&mut state.analyzer);
        }
        let segment = match LinkType::from_linktype(linktype).map(|link| decode(link, bytes, orig))
        {
            Some(Ok(Decoded::Tcp(segment))) => segment,
            // The frame that completed an IP datagram: its segment was kept.
            Some(Ok(Decoded::Fragment(_))) => match state.store.reassembled(frame) {
                Some(segment) => segment,
                None => return 0,
            },
            // A cut quote needs no state: decoded again, shown again.
            Some(Ok(Decoded::Quote(q))) => {
                drop(guard);
                // SAFETY: the tvb and tree Wireshark handed to this call.
                unsafe { show_quote(tvb, tree, frame, ts.saturating_sub(start), &q) };
                return 0;
            }
            _ => return 0,
        };
        let Some((record, analysis)) = state.store.get(frame, &segment) else {
            return 0;
        };
        // Every frame is in: the conversation's final vantage point.
        let vantage = vantage_of(&state.analyzer, record.stream);
        (segment, record, analysis, vantage)
    };
    drop(guard);
    let shown = Shown {
        frame,
        time_ns: ts.saturating_sub(start),
        seg: &segment,
        rec: &record,
        an: &analysis,
        vantage,
    };
    // SAFETY: the tvb, pinfo and tree Wireshark handed to this call.
    unsafe { show(tvb, pinfo, tree, &shown) };
    0
}

/// One TCP frame's answer, as analysed (first pass) or rebuilt from the store (later ones).
struct Shown<'a> {
    frame: u32,
    /// Since the capture's first frame.
    time_ns: i64,
    seg: &'a TcpSegment<'a>,
    rec: &'a FrameRecord,
    an: &'a FrameAnalysis,
    /// Where the conversation was captured, as the core knows it now (none when the
    /// conversation was evicted).
    vantage: Option<Vantage>,
}

/// The vantage point of conversation `stream`, as the core knows it so far (none before
/// its first judged frame, or when it was evicted).
fn vantage_of(analyzer: &Analyzer, stream: u32) -> Option<Vantage> {
    analyzer
        .conversations()
        .get(stream)
        .and_then(|c| c.verdicts.as_ref())
        .map(|v| v.vantage())
}

impl Shown<'_> {
    /// `tcplens.<flag>` bits by `Verdict::index`, as Wireshark shows them.
    fn flags(&self) -> u32 {
        self.an
            .verdicts
            .shown()
            .fold(0, |bits, v| bits | 1 << v.index())
    }

    /// The lifecycle step's index in [`STEPS`], if the frame is one.
    fn step(&self) -> Option<usize> {
        match (self.rec.handshake, self.rec.teardown) {
            (Some(h), _) if (1..=3).contains(&(h as u8)) => Some(h as usize - 1),
            (_, Some(t)) if (1..=4).contains(&(t as u8)) => Some(t as usize + 2),
            (_, Some(t)) if t as u8 == 23 => Some(7),
            _ if self.rec.event == Event::Rst => Some(8),
            _ => None,
        }
    }

    /// Where tcplens's own verdict differs from Wireshark's, when the preference asks.
    fn differs(&self) -> Option<Disagreement> {
        if !pref_verdict_differs() {
            return None;
        }
        disagreement(self.an.verdicts, self.an.own.verdict, self.rec.len)
    }

    /// The highest severity among the frame's expert infos (0 when it has none).
    fn max_severity(&self) -> c_int {
        let flags = if pref_tcp_analysis_experts() {
            self.flags()
        } else {
            0
        };
        let verdicts = Verdict::ALL
            .iter()
            .filter(|v| flags & 1 << v.index() != 0)
            .map(|v| severity(*v));
        let step = self.step().map(|_| sys::PI_CHAT as c_int);
        let differs = self.differs().map(|_| sys::PI_NOTE as c_int);
        verdicts
            .chain(step)
            .chain(differs)
            .chain(diagnosis::max_severity(self.frame))
            .max()
            .unwrap_or(0)
    }
}

/// The "expert" tap's id, looked up once (0: not found yet).
static EXPERT_TAP: AtomicI32 = AtomicI32::new(0);

/// Whether expert infos added to a frame dissected without a tree can be seen. Without a
/// tree, `expert_set_info_vformat` (epan/expert.c) only raises the capture's highest
/// severity (the GUI's status bar), writes the Expert column and queues the "expert" tap
/// (`tshark -z expert`, the GUI's Expert Information dialog); when none of these would
/// change, adding them is wasted work.
///
/// # Safety
/// `pinfo` is Wireshark's for the frame being dissected.
#[allow(unsafe_code)]
unsafe fn experts_seen_without_tree(pinfo: *mut sys::packet_info, f: &Shown<'_>) -> bool {
    // SAFETY: an exported epan function.
    let highest = unsafe { sys::expert_get_highest_severity() };
    // Warn is the highest severity of a verdict, step or finding.
    if highest < sys::PI_WARN as c_int && f.max_severity() > highest {
        return true;
    }
    // SAFETY: as this function's.
    unsafe { experts_listened(pinfo) }
}

/// Whether expert infos reach anything but the highest severity: the "expert" tap has a
/// listener (`tshark -z expert`, the GUI's Expert Information dialog) or the Expert column
/// is shown.
///
/// # Safety
/// `pinfo` is Wireshark's for the frame being dissected.
#[allow(unsafe_code)]
unsafe fn experts_listened(pinfo: *mut sys::packet_info) -> bool {
    // SAFETY: exported epan functions; cinfo and its col_first array (one entry per
    // column format) are Wireshark's for this frame when not NULL.
    unsafe {
        let mut tap = EXPERT_TAP.load(Ordering::Relaxed);
        if tap <= 0 {
            tap = sys::find_tap_id(c"expert".as_ptr());
            EXPERT_TAP.store(tap, Ordering::Relaxed);
        }
        // An unknown tap (never seen in 4.x) is taken as listened to.
        if tap <= 0 || sys::have_tap_listener(tap).truth() {
            return true;
        }
        let cinfo = (*pinfo).cinfo;
        !cinfo.is_null()
            && !(*cinfo).col_first.is_null()
            && *(*cinfo).col_first.add(sys::COL_EXPERT as usize) >= 0
    }
}

/// Whether nothing tcplens adds can be seen in this run, so that analysing is wasted work
/// (item 4 of issue 17), as Wireshark's own dissectors skip what no tree shows: tshark in
/// one pass ([`cmdline::single_pass`]: no later pass reads the analysis), with no tree or
/// a `-T fields` tree that prints no tcplens field and that nothing references
/// ([`fields_only_unreferenced`]), and no expert info that can be seen (no `-z expert`, no
/// Expert column; the highest severity, which only the GUI shows, is not). tshark fixes
/// its tree, taps and columns for the whole run before the first frame, so this is decided
/// on the first frame and kept: such a run skips every frame, and any other analyses every
/// frame.
///
/// # Safety
/// `pinfo` is Wireshark's for the frame being dissected; `proto_tcplens` is registered.
#[allow(unsafe_code)]
unsafe fn nothing_can_show(pinfo: *mut sys::packet_info, tree: *mut sys::proto_tree) -> bool {
    static DECIDED: OnceLock<bool> = OnceLock::new();
    if !cmdline::single_pass() {
        return false;
    }
    *DECIDED.get_or_init(|| {
        // SAFETY: as this function's.
        unsafe { (tree.is_null() || fields_only_unreferenced()) && !experts_listened(pinfo) }
    })
}

/// Whether this is a `tshark -T fields` that prints no tcplens field (see [`cmdline`])
/// and nothing references one: no filter, tap, custom column or Lua field extractor has
/// primed a tcplens field (priming marks the protocol `ref_type` indirect at least).
///
/// # Safety
/// Dissection context: `proto_tcplens` is registered.
#[allow(unsafe_code)]
unsafe fn fields_only_unreferenced() -> bool {
    if !cmdline::fields_without_tcplens() {
        return false;
    }
    // SAFETY: proto_tcplens is a registered id, so the registrar returns its hfinfo.
    let proto = unsafe { sys::proto_registrar_get_nth(proto_tcplens as u32) };
    // SAFETY: not NULL: the registrar's hfinfo, which lives as long as the protocol.
    !proto.is_null() && unsafe { (*proto).ref_type } == sys::HF_REF_TYPE_NONE
}

/// A reused buffer for the NUL-terminated strings handed to epan (which copies them).
#[derive(Default)]
struct CText(String);

#[allow(unsafe_code)]
impl CText {
    /// Builds a string with `fill` and adds it as field `hf`; skipped, as before with
    /// `CString`, when the text holds a NUL.
    ///
    /// # Safety
    /// `t` and `tvb` are Wireshark's for the frame being dissected (`t` may be NULL).
    unsafe fn add(
        &mut self,
        t: *mut sys::proto_tree,
        tvb: *mut sys::tvbuff_t,
        hf: c_int,
        fill: impl FnOnce(&mut String) -> std::fmt::Result,
    ) {
        self.0.clear();
        if fill(&mut self.0).is_err() || self.0.as_bytes().contains(&0) {
            return;
        }
        self.0.push('\0');
        // SAFETY: NUL-terminated, alive for the call; offset 0 and length 0 are in
        // bounds of any tvb, so epan cannot throw.
        unsafe { sys::proto_tree_add_string(t, hf, tvb, 0, 0, self.0.as_ptr().cast()) };
    }

    /// Adds field `hf` with the value `value` and, as its label's value, the text `fill`
    /// builds (a named value of a string field); skipped when either holds a NUL.
    ///
    /// # Safety
    /// As [`CText::add`].
    unsafe fn add_named(
        &mut self,
        t: *mut sys::proto_tree,
        tvb: *mut sys::tvbuff_t,
        hf: c_int,
        value: &str,
        fill: impl FnOnce(&mut String) -> std::fmt::Result,
    ) {
        self.0.clear();
        if fill(&mut self.0).is_err() {
            return;
        }
        let (Ok(label), Ok(value)) = (CString::new(self.0.as_str()), CString::new(value)) else {
            return;
        };
        // SAFETY: NUL-terminated strings alive for the call, "%s" with one string
        // argument; offset 0 and length 0 are in bounds of any tvb.
        unsafe {
            sys::proto_tree_add_string_format_value(
                t,
                hf,
                tvb,
                0,
                0,
                value.as_ptr(),
                c"%s".as_ptr(),
                label.as_ptr(),
            )
        };
    }

    /// As [`CText::add`], for a text that may be longer than a tree item's label
    /// (240 bytes in Wireshark 4.0, cut with `[truncated]` past it): the field holds the
    /// whole text (for filters and `-T fields`), its label the first line, and each
    /// further line is a text item after it.
    ///
    /// # Safety
    /// As [`CText::add`].
    unsafe fn add_lines(
        &mut self,
        t: *mut sys::proto_tree,
        tvb: *mut sys::tvbuff_t,
        hf: c_int,
        fill: impl FnOnce(&mut String) -> std::fmt::Result,
    ) {
        self.0.clear();
        if fill(&mut self.0).is_err() || self.0.as_bytes().contains(&0) {
            return;
        }
        if self.0.len() <= lines::LINE_BYTES {
            self.0.push('\0');
            // SAFETY: as in `add`.
            unsafe { sys::proto_tree_add_string(t, hf, tvb, 0, 0, self.0.as_ptr().cast()) };
            return;
        }
        let split: Vec<CString> = lines::split_lines(&self.0, lines::LINE_BYTES)
            .into_iter()
            .filter_map(|l| CString::new(l).ok())
            .collect();
        self.0.push('\0');
        let Some((first, rest)) = split.split_first() else {
            return;
        };
        // SAFETY: NUL-terminated strings alive for the calls, "%s" with one string
        // argument; offset 0 and length 0 are in bounds of any tvb; `ETT_LINE` is
        // registered (an unregistered one would make epan throw).
        unsafe {
            sys::proto_tree_add_string_format_value(
                t,
                hf,
                tvb,
                0,
                0,
                self.0.as_ptr().cast(),
                c"%s".as_ptr(),
                first.as_ptr(),
            );
            for line in rest {
                sys::proto_tree_add_subtree_format(
                    t,
                    tvb,
                    0,
                    0,
                    ETT_LINE,
                    null_mut(),
                    c"%s".as_ptr(),
                    line.as_ptr(),
                );
            }
        }
    }
}

#[allow(unsafe_code)]
unsafe fn show(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    f: &Shown<'_>,
) {
    let lang = pref_lang();
    // SAFETY: valid pinfo for this call; proto_tcplens is registered.
    if tree.is_null() || unsafe { fields_only_unreferenced() } {
        // Nothing to show (`tshark -r` without -V, the GUI's first pass, `tshark -T fields`
        // naming no tcplens field): only the expert infos' side effects could be seen.
        // SAFETY: valid pinfo for this call.
        if unsafe { experts_seen_without_tree(pinfo, f) } {
            if tree.is_null() {
                // SAFETY: as above; ti NULL is accepted by expert_add_info.
                unsafe { add_experts(pinfo, tvb, null_mut(), null_mut(), f, lang) };
                return;
            }
            // A visible tree whose expert infos are seen: built whole, as they refer to it.
        } else {
            return;
        }
    }
    // SAFETY: (the whole block) valid tvb/pinfo/tree for this call; strings are
    // NUL-terminated temporaries that epan copies. Every item is added at offset 0 with
    // length 0, in bounds for any tvb (even an empty one), so no epan call here can throw.
    unsafe {
        let mut text = std::mem::take(&mut *TEXT.lock().unwrap_or_else(|e| e.into_inner()));
        let ti = match summary_line(&mut text.0, f, lang).ok().and_then(|()| {
            text.0.push('\0');
            CStr::from_bytes_with_nul(text.0.as_bytes()).ok()
        }) {
            // "%s" with one NUL-terminated string that epan copies.
            Some(label) => sys::proto_tree_add_protocol_format(
                tree,
                proto_tcplens,
                tvb,
                0,
                0,
                c"%s".as_ptr(),
                label.as_ptr(),
            ),
            None => sys::proto_tree_add_item(tree, proto_tcplens, tvb, 0, 0, sys::ENC_NA),
        };
        let t = sys::proto_item_add_subtree(ti, ett_tcplens);
        let (rec, an, seg) = (f.rec, f.an, f.seg);
        let ends = endpoints(seg);
        let frame = schema::Frame {
            number: u64::from(f.frame),
            time_ns: f.time_ns,
            body: Body::Tcp(TcpFrame {
                ends: &ends,
                rec,
                an,
            }),
            // Built below, only when someone looks at it.
            explain: None,
        };
        add_own_items(t, tvb, &mut text, lang, &frame, |out| {
            explain(lang, rec, an, out)
        });
        if let Some(v) = f.vantage {
            text.add(t, tvb, HF_VANTAGE, |out| {
                out.push_str(v.name());
                Ok(())
            });
        }
        add_experts(pinfo, tvb, t, ti, f, lang);
        add_tcp_values(t, tvb, &mut text, lang, &frame);
        *TEXT.lock().unwrap_or_else(|e| e.into_inner()) = text;
    }
}

/// tcplens's own keys of `frame` under `t`, then its explanation (written by `explain`)
/// when the preference allows it and someone looks at it.
///
/// # Safety
/// `t` and `tvb` are Wireshark's for this call (`t` may be NULL).
#[allow(unsafe_code)]
unsafe fn add_own_items(
    t: *mut sys::proto_tree,
    tvb: *mut sys::tvbuff_t,
    text: &mut CText,
    lang: Lang,
    frame: &schema::Frame<'_>,
    explain: impl FnOnce(&mut String) -> std::fmt::Result,
) {
    schema::visit_frame(
        &mut TreeItems {
            t,
            tvb,
            text,
            repeats: false,
            lang,
        },
        frame,
    );
    // SAFETY: HF is written only at registration, before any dissection.
    let hf_explain = unsafe { HF[FrameKey::Explain as usize] };
    // SAFETY: a non-NULL `t` is this frame's subtree and hf_explain a registered id; the
    // lines are added as `CText::add_lines` requires.
    unsafe {
        if PREF_EXPLAIN.truth()
            && !t.is_null()
            && sys::proto_field_is_referenced(t, hf_explain).truth()
        {
            text.add_lines(t, tvb, hf_explain, explain);
        }
    }
}

/// Last and collapsed under `t`: the keys that repeat what the TCP tree shows already.
///
/// # Safety
/// `t` and `tvb` are Wireshark's for this call (`t` may be NULL).
#[allow(unsafe_code)]
unsafe fn add_tcp_values(
    t: *mut sys::proto_tree,
    tvb: *mut sys::tvbuff_t,
    text: &mut CText,
    lang: Lang,
    frame: &schema::Frame<'_>,
) {
    let words = tcplens_core::with_lang!(lang, L => L::tree_tcp_values());
    let Ok(title) = CString::new(words) else {
        return;
    };
    // SAFETY: valid tree/tvb for this call; "%s" with one NUL-terminated string epan
    // copies; offset 0, length 0, in bounds for any tvb.
    let sub = unsafe {
        sys::proto_tree_add_subtree_format(
            t,
            tvb,
            0,
            0,
            ETT_TCP_VALUES,
            null_mut(),
            c"%s".as_ptr(),
            title.as_ptr(),
        )
    };
    schema::visit_frame(
        &mut TreeItems {
            t: sub,
            tvb,
            text,
            repeats: true,
            lang,
        },
        frame,
    );
}

/// A TCP header quoted cut short in an ICMP error (Wireshark shows its ports, files it under
/// no stream): the TCP Lens item, labelled with what it is, and the keys
/// the schema gives it (addresses, ports, path, the sequence number where tshark has it).
///
/// # Safety
/// `tvb` and `tree` are Wireshark's for this call (`tree` may be NULL).
#[allow(unsafe_code)]
unsafe fn show_quote(
    tvb: *mut sys::tvbuff_t,
    tree: *mut sys::proto_tree,
    number: u32,
    time_ns: i64,
    q: &tcplens_core::TcpQuote,
) {
    if tree.is_null() {
        return;
    }
    let lang = pref_lang();
    let mut label = String::from("TCP Lens: ");
    if tcplens_core::with_lang!(lang, L => L::tree_quote(&mut label, q.quoted_len)).is_err() {
        label.truncate("TCP Lens".len());
    }
    // SAFETY: (the whole block) valid tvb/tree for this call; NUL-terminated strings that
    // epan copies; every item at offset 0, length 0, in bounds for any tvb.
    unsafe {
        let ti = match CString::new(label) {
            Ok(label) => sys::proto_tree_add_protocol_format(
                tree,
                proto_tcplens,
                tvb,
                0,
                0,
                c"%s".as_ptr(),
                label.as_ptr(),
            ),
            Err(_) => sys::proto_tree_add_item(tree, proto_tcplens, tvb, 0, 0, sys::ENC_NA),
        };
        let t = sys::proto_item_add_subtree(ti, ett_tcplens);
        let mut text = std::mem::take(&mut *TEXT.lock().unwrap_or_else(|e| e.into_inner()));
        let frame = schema::Frame {
            number: u64::from(number),
            time_ns,
            body: Body::Quote(q),
            explain: None,
        };
        add_own_items(t, tvb, &mut text, lang, &frame, |out| {
            explain_quote(lang, q, out)
        });
        add_tcp_values(t, tvb, &mut text, lang, &frame);
        *TEXT.lock().unwrap_or_else(|e| e.into_inner()) = text;
    }
}

/// The TCP Lens item's label: what the frame is (its lifecycle step, else its verdicts,
/// else its stream) and both endpoints' states after it, e.g. "TCP Lens: Teardown 2+3/4:
/// ACK of the first FIN and second FIN in one segment · client FIN_WAIT_2, server
/// LAST_ACK". Kept under Wireshark's label limit: verdicts that do not fit are counted.
fn summary_line(out: &mut String, f: &Shown<'_>, lang: Lang) -> std::fmt::Result {
    out.clear();
    out.push_str("TCP Lens: ");
    tcplens_core::with_lang!(lang, L => {
        if let Some(i) = f.step() {
            out.push_str(L::step_summary(ExpertStep::ALL[i]));
        } else {
            let flags = f.flags();
            let shown: Vec<&str> = Verdict::ALL
                .iter()
                .filter(|v| flags & 1 << v.index() != 0)
                .map(|v| L::verdict_summary(*v))
                .collect();
            if shown.is_empty() {
                L::tree_stream(out, f.rec.stream)?;
            }
            for (n, v) in shown.iter().enumerate() {
                if out.len() + v.len() > lines::LINE_BYTES / 2 && n > 0 {
                    write!(out, " (+{})", shown.len() - n)?;
                    break;
                }
                if n > 0 {
                    out.push_str("; ");
                }
                out.push_str(v);
            }
        }
        out.push_str(" · ");
        L::tree_states(out, f.rec.client_state.name(), f.rec.server_state.name())
    })
}

/// Adds a frame's schema keys to its tcplens subtree: each key with a value becomes an item
/// of its `tcplens.<key>` field. Text is built only for a tree that shows or filters on it
/// (an invisible tree would fake the item anyway: the summary-line pass of `tshark -r`).
struct TreeItems<'a> {
    t: *mut sys::proto_tree,
    tvb: *mut sys::tvbuff_t,
    text: &'a mut CText,
    /// Which keys this pass adds: those that repeat the TCP tree's ([`repeats_tcp`]), or
    /// the others.
    repeats: bool,
    /// The language of the words shown before a code (the lifecycle event's).
    lang: Lang,
}

#[allow(unsafe_code)] // epan boundary: reads the registered field ids.
impl TreeItems<'_> {
    /// The key's field id, when the plugin registers it.
    fn hf(&self, key: FrameKey) -> Option<c_int> {
        // SAFETY: HF is written only at registration, before any dissection.
        let id = unsafe { HF[key as usize] };
        (key.info().in_plugin && id >= 0 && repeats_tcp(key) == self.repeats).then_some(id)
    }

    /// The key's field id, when the tree shows or filters on it.
    fn wanted(&self, key: FrameKey) -> Option<c_int> {
        let hf = self.hf(key)?;
        // SAFETY: `t` is this frame's subtree (non-NULL is checked), hf a registered id.
        (!self.t.is_null() && unsafe { sys::proto_field_is_referenced(self.t, hf) }.truth())
            .then_some(hf)
    }
}

#[allow(unsafe_code)] // epan boundary: adds the tree items.
impl FrameVisitor for TreeItems<'_> {
    fn integer(&mut self, key: FrameKey, v: Option<u64>) {
        if let (Some(v), Some(hf)) = (v, self.hf(key)) {
            let v = u32::try_from(v).unwrap_or(u32::MAX);
            // SAFETY: valid tree and tvb for this frame; offset 0, length 0 is in bounds.
            unsafe { sys::proto_tree_add_uint(self.t, hf, self.tvb, 0, 0, v) };
        }
    }
    fn seconds(&mut self, key: FrameKey, ns: Option<i64>, _: bool) {
        if let (Some(ns), Some(hf)) = (ns, self.hf(key)) {
            let ts = sys::nstime_t {
                secs: ns.div_euclid(1_000_000_000),
                nsecs: ns.rem_euclid(1_000_000_000) as c_int,
            };
            // SAFETY: as above; epan copies the time.
            unsafe { sys::proto_tree_add_time(self.t, hf, self.tvb, 0, 0, &ts) };
        }
    }
    fn text(&mut self, key: FrameKey, v: Option<&str>) {
        let (Some(v), Some(hf)) = (v, self.wanted(key)) else {
            return;
        };
        // The lifecycle event shows its words before its code ("Data after the peer's FIN
        // (half-closed) (half_close_data)"); the field's value stays the code, for filters.
        let event = (key == FrameKey::Event)
            .then(|| Event::ALL.into_iter().find(|e| e.code() == Some(v)))
            .flatten();
        if let Some(e) = event {
            let words = tcplens_core::with_lang!(self.lang, L => L::event_summary(e));
            // SAFETY: as above.
            unsafe {
                self.text
                    .add_named(self.t, self.tvb, hf, v, |out| write!(out, "{words} ({v})"))
            };
            return;
        }
        // SAFETY: as above.
        unsafe {
            self.text.add(self.t, self.tvb, hf, |out| {
                out.push_str(v);
                Ok(())
            })
        };
    }
    /// An IPv4 address in the key's own field, an IPv6 one in its `<key>6` twin.
    fn address(&mut self, key: FrameKey, v: Option<IpAddr>) {
        let (Some(a), Some(hf)) = (v, self.hf(key)) else {
            return;
        };
        match a {
            IpAddr::V4(v4) => {
                // SAFETY: as above; epan takes the address in network byte order.
                unsafe {
                    sys::proto_tree_add_ipv4(
                        self.t,
                        hf,
                        self.tvb,
                        0,
                        0,
                        u32::from_ne_bytes(v4.octets()),
                    )
                };
            }
            IpAddr::V6(v6) => {
                // SAFETY: HF6 is written only at registration, before any dissection.
                let hf6 = unsafe { HF6[key as usize] };
                if hf6 < 0 {
                    return;
                }
                let addr = sys::ws_in6_addr { bytes: v6.octets() };
                // SAFETY: as above; epan copies the 16 bytes.
                unsafe { sys::proto_tree_add_ipv6(self.t, hf6, self.tvb, 0, 0, &addr) };
            }
        }
    }
    /// The verdicts are `tcplens.<verdict>` fields and expert infos of their own
    /// ([`add_experts`]); another list of names (the `evidence` of tcplens's own verdict)
    /// is one string field, the names joined by commas.
    fn names<I: Iterator<Item = &'static str>>(&mut self, key: FrameKey, v: Option<I>) {
        let (Some(names), Some(hf)) = (v, self.hf(key)) else {
            return;
        };
        // SAFETY: as for `text`.
        unsafe {
            self.text.add(self.t, self.tvb, hf, |out| {
                for (i, n) in names.enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(n);
                }
                Ok(())
            })
        };
    }
}

/// [`CText`]'s buffer, kept between frames.
static TEXT: Mutex<CText> = Mutex::new(CText(String::new()));

/// The frame's verdicts (each a `tcplens.<flag>` item in subtree `t`, when there is one,
/// followed by its expert info), lifecycle step and diagnosis findings, as expert infos on `ti`.
///
/// # Safety
/// `tvb` and `pinfo` are Wireshark's for the frame being dissected; `t` and `ti` are NULL
/// or its tcplens subtree and item.
#[allow(unsafe_code)]
unsafe fn add_experts(
    pinfo: *mut sys::packet_info,
    tvb: *mut sys::tvbuff_t,
    t: *mut sys::proto_tree,
    ti: *mut sys::proto_item,
    f: &Shown<'_>,
    lang: Lang,
) {
    let flags = f.flags();
    // SAFETY: valid pinfo/tvb/t/ti for this call; every index is inside its static array;
    // offset 0 and length 0 are in bounds of any tvb.
    unsafe {
        for (i, verdict) in Verdict::ALL.iter().enumerate() {
            if flags & (1 << verdict.index()) != 0 {
                if !t.is_null() {
                    sys::proto_tree_add_boolean(t, HF_VERDICT[i], tvb, 0, 0, 1);
                }
                if !pref_tcp_analysis_experts() {
                    continue;
                }
                add_expert(
                    pinfo,
                    ti,
                    addr_of_mut!(EI_VERDICT).cast::<sys::expert_field>().add(i),
                    lang,
                    |lang| summary(lang, *verdict),
                );
            }
        }
        if let Some(d) = f.differs() {
            let mut message = String::new();
            if tcplens_core::with_lang!(lang, L => L::verdict_differs(&mut message, d.wireshark, d.own))
                .is_ok()
            {
                if let Ok(message) = CString::new(message) {
                    // "%s" with one NUL-terminated string that epan copies.
                    sys::expert_add_info_format(
                        pinfo,
                        ti,
                        addr_of_mut!(EI_VERDICT_DIFFERS),
                        c"%s".as_ptr(),
                        message.as_ptr(),
                    );
                }
            }
        }
        if let Some(i) = f.step() {
            add_expert(
                pinfo,
                ti,
                addr_of_mut!(EI_STEP).cast::<sys::expert_field>().add(i),
                lang,
                |lang| tcplens_core::with_lang!(lang, L => L::step_summary(ExpertStep::ALL[i])),
            );
        }
        diagnosis::show(pinfo, tvb, t, ti, f.frame, lang);
    }
}
