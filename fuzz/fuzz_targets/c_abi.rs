//! The C ABI: arbitrary sequences of calls on up to four analyzers, with NULL handles and
//! pointers wherever the API accepts them (it must answer TCPLENS_ERR_NULL), frames fed out
//! of order or twice (TCPLENS_ERR_INVALID), unknown ABI versions, codes and streams, short
//! and empty explanation buffers, and verdicts read back, explained and summed up.
//! Dangling pointers are outside the contract (undefined behaviour in C as well) and are
//! not passed. Everything is freed at the end, so LeakSanitizer sees any leak.
// This target drives the C ABI, whose every call is unsafe: the one fuzz target allowed it.
#![allow(unsafe_code)]
#![no_main]

use std::ffi::CStr;
use std::ptr::{null, null_mut};

use libfuzzer_sys::fuzz_target;
use tcplens_core::ffi::*;
use tcplens_fuzz::{next_frame, Input};

/// A name function's answer is NULL or a NUL-terminated string.
fn check_name(p: *const std::ffi::c_char) {
    if !p.is_null() {
        // SAFETY: the ABI returns NULL or a pointer to a static NUL-terminated string.
        let _ = unsafe { CStr::from_ptr(p) }.to_bytes().len();
    }
}

struct Handle {
    ptr: *mut TcplensAnalyzer,
    /// Frames fed so far (the next valid frame number is this + 1).
    fed: u64,
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mut handles: Vec<Handle> = Vec::new();
    let mut verdict = TcplensVerdict::default();
    let mut ts_ns: i64 = 1_700_000_000_000_000_000;
    while !input.is_empty() {
        let op = input.u8();
        // Which analyzer: a live one, or NULL when the selector points past them.
        let which = usize::from(input.u8());
        let handle = handles.get(which).map_or(null_mut(), |h| h.ptr);
        match op % 9 {
            0 if handles.len() < 4 => {
                let cfg = TcplensConfig {
                    abi_version: if op & 0x80 == 0 {
                        TCPLENS_ABI_VERSION
                    } else {
                        input.u32()
                    },
                    keep_verdicts: u32::from(op & 0x40 != 0),
                };
                let cfg_ptr = if op & 0x20 == 0 {
                    &cfg as *const _
                } else {
                    null()
                };
                // SAFETY: NULL or a valid config.
                let a = unsafe { tcplens_analyzer_new(cfg_ptr) };
                let expect_ok = cfg_ptr.is_null() || cfg.abi_version != TCPLENS_ABI_VERSION;
                assert_eq!(a.is_null(), expect_ok, "analyzer_new");
                if !a.is_null() {
                    handles.push(Handle { ptr: a, fed: 0 });
                }
            }
            1 => {
                if which < handles.len() {
                    let h = handles.swap_remove(which);
                    // SAFETY: a live analyzer, never used again.
                    unsafe { tcplens_analyzer_free(h.ptr) };
                } else {
                    // SAFETY: NULL is ignored.
                    unsafe { tcplens_analyzer_free(null_mut()) };
                }
            }
            2 => {
                // SAFETY: NULL or a live analyzer.
                let r = unsafe { tcplens_reset(handle) };
                match handles.get_mut(which) {
                    Some(h) => {
                        assert_eq!(r, TCPLENS_OK);
                        h.fed = 0;
                    }
                    None => assert_eq!(r, TCPLENS_ERR_NULL),
                }
            }
            3 | 4 => {
                let Some(f) = next_frame(&mut input) else {
                    break;
                };
                ts_ns = f.time_after(ts_ns);
                let next = handles.get(which).map_or(1, |h| h.fed + 1);
                // Mostly the next frame; sometimes a wrong number.
                let frame = if op & 0x80 == 0 {
                    next
                } else {
                    u64::from(input.u16())
                };
                let (data_ptr, caplen) = if op & 0x40 != 0 && f.bytes.is_empty() {
                    (null(), 0)
                } else if op & 0x20 != 0 {
                    // NULL data with a length: rejected.
                    (null(), f.bytes.len() as u32 | 1)
                } else {
                    (f.bytes.as_ptr(), f.bytes.len() as u32)
                };
                let out = if op & 0x10 == 0 {
                    &mut verdict as *mut _
                } else {
                    null_mut()
                };
                // SAFETY: NULL or a live analyzer; data NULL or `caplen` readable bytes;
                // out NULL or writable.
                let r = unsafe {
                    tcplens_feed(
                        handle, frame, ts_ns, f.linktype, data_ptr, caplen, f.orig_len, out,
                    )
                };
                assert_ne!(r, TCPLENS_ERR_PANIC, "tcplens_feed panicked");
                if handle.is_null() || (data_ptr.is_null() && caplen != 0) {
                    assert_eq!(r, TCPLENS_ERR_NULL);
                } else if frame != next {
                    assert_eq!(r, TCPLENS_ERR_INVALID);
                } else {
                    assert!(matches!(
                        r,
                        TCPLENS_OK | TCPLENS_NOT_TCP | TCPLENS_UNDECODABLE
                    ));
                    if let Some(h) = handles.get_mut(which) {
                        h.fed += 1;
                    }
                }
            }
            5 => {
                let frame = u64::from(input.u16());
                let out = if op & 0x80 == 0 {
                    &mut verdict as *mut _
                } else {
                    null_mut()
                };
                // SAFETY: NULL or a live analyzer; out NULL or writable.
                let r = unsafe { tcplens_get_verdict(handle, frame, out) };
                assert_ne!(r, TCPLENS_ERR_PANIC);
            }
            6 => {
                // The last verdict, or one made of arbitrary bytes (any bit pattern is a
                // valid TcplensVerdict: it holds only integers).
                let mut v = verdict;
                if op & 0x80 != 0 {
                    v.present = input.u32();
                    v.error = input.u8();
                    v.error_detail = input.u32();
                    v.handshake = input.u8();
                    v.teardown = input.u8();
                    v.event = input.u8();
                    v.rst_from = input.u8();
                    v.client_state = input.u8();
                    v.server_state = input.u8();
                    v.flags = input.u32();
                    v.tcp_flags = input.u16();
                    v.ip_version = input.u8();
                }
                let len = usize::from(input.u8() % 64);
                let mut buf = vec![0x55 as std::ffi::c_char; len];
                let (vp, bp) = (
                    if op & 0x40 == 0 {
                        &v as *const _
                    } else {
                        null()
                    },
                    if len == 0 {
                        null_mut()
                    } else {
                        buf.as_mut_ptr()
                    },
                );
                // SAFETY: v NULL or a verdict; buf NULL with 0 or writable for len bytes.
                let n = unsafe { tcplens_explain(vp, bp, len) };
                assert_ne!(n, i64::from(TCPLENS_ERR_PANIC));
                if len > 0 && n >= 0 {
                    assert!(buf.contains(&0), "explanation not NUL-terminated");
                }
            }
            7 => {
                let mut sum = TcplensConnSummary::default();
                let out = if op & 0x80 == 0 {
                    &mut sum as *mut _
                } else {
                    null_mut()
                };
                let stream = u32::from(input.u8());
                // SAFETY: NULL or a live analyzer; out NULL or writable.
                let r = unsafe { tcplens_conn_summary(handle, stream, out) };
                assert_ne!(r, TCPLENS_ERR_PANIC);
                if r == TCPLENS_OK {
                    assert_eq!(sum.history[16], 0);
                    assert_eq!(sum.conn_state[7], 0);
                }
            }
            _ => {
                let code = input.u32();
                assert_eq!(tcplens_abi_version(), TCPLENS_ABI_VERSION);
                check_name(tcplens_state_name(code as u8));
                check_name(tcplens_event_name(code as u8));
                check_name(tcplens_verdict_name(code));
                check_name(tcplens_error_name(code as u8));
            }
        }
    }
    for h in handles {
        // SAFETY: live analyzers, freed once.
        unsafe { tcplens_analyzer_free(h.ptr) };
    }
});
