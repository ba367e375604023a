//! `--core-lib PATH`: the same analysis through the core's C ABI, loaded with libloading.
//!
//! This is the crate's FFI layer and its only `unsafe` code: it resolves the C entry
//! points of `libtcplens_core.so` (see `include/tcplens.h`) and calls them with buffers it
//! owns. Running a command this way checks that the C ABI gives exactly what the Rust
//! API gives.

use std::ffi::{c_char, CStr};
use std::fmt;
use std::path::Path;

use libloading::Library;
use tcplens_capture::Frame;
use tcplens_core::explain::Lang;
use tcplens_core::ffi::{
    analysis_of, decode_error_of, endpoints_of, quote_of, record_of, TcplensAnalyzer,
    TcplensConfig, TcplensStatus, TcplensVerdict, TCPLENS_ABI_VERSION, TCPLENS_LANG_EN,
    TCPLENS_LANG_ZH, TCPLENS_QUOTE_CUT,
};
use tcplens_core::DecodeError;

use crate::engine::{Engine, Seen, TcpFrame};
use crate::DriveError;

type AbiVersionFn = unsafe extern "C" fn() -> u32;
type NewFn = unsafe extern "C" fn(*const TcplensConfig) -> *mut TcplensAnalyzer;
type SetMaxConnsFn = unsafe extern "C" fn(*mut TcplensAnalyzer, usize) -> i32;
type FreeFn = unsafe extern "C" fn(*mut TcplensAnalyzer);
// The status as the raw `int32_t` it is in C: a library is not trusted to return only the
// values of `TcplensStatus`, so the code is checked with `TcplensStatus::from_code`.
type FeedFn = unsafe extern "C" fn(
    *mut TcplensAnalyzer,
    u64,
    i64,
    u32,
    *const u8,
    u32,
    u32,
    *mut TcplensVerdict,
) -> i32;
type ExplainFn = unsafe extern "C" fn(*const TcplensVerdict, u32, *mut c_char, usize) -> i64;

/// The core library could not be loaded, or failed.
#[derive(Debug)]
pub struct CoreLibError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for CoreLibError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot use the core library {}: {} (build it with `cargo build -p tcplens-core`; it is target/*/libtcplens_core.so)",
            self.path, self.reason
        )
    }
}

impl std::error::Error for CoreLibError {}

/// A loaded core library with one analyzer.
pub struct CoreLib {
    /// The library's path, for messages.
    path: String,
    analyzer: *mut TcplensAnalyzer,
    free: FreeFn,
    feed: FeedFn,
    explain: ExplainFn,
    buf: Vec<c_char>,
    /// The verdict of the frame fed last, for its explanation.
    last: TcplensVerdict,
    // Declared last: dropped after the analyzer is freed.
    _lib: Library,
}

fn lib_err(path: &Path, reason: impl fmt::Display) -> CoreLibError {
    CoreLibError {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

impl CoreLib {
    /// Loads the library; its analyzer keeps at most `max_conns` conversations (0: no cap).
    pub fn load(path: &Path, max_conns: usize) -> Result<CoreLib, CoreLibError> {
        // SAFETY: loading runs the library's initialisers; `path` is the user's choice of a
        // tcplens core library, whose initialisers are Rust's own.
        let lib = unsafe { Library::new(path) }.map_err(|e| lib_err(path, e))?;
        // The version first: a library of another ABI may lack the other symbols, and
        // saying which version it is helps more than naming a missing symbol.
        // SAFETY: resolved with the signature `include/tcplens.h` declares.
        let abi = unsafe {
            *lib.get::<AbiVersionFn>(b"tcplens_abi_version\0")
                .map_err(|e| lib_err(path, e))?
        };
        // SAFETY: a function of no arguments, resolved above.
        let version = unsafe { abi() };
        if version != TCPLENS_ABI_VERSION {
            return Err(lib_err(
                path,
                format!("ABI version {version}, this tcplens needs {TCPLENS_ABI_VERSION}"),
            ));
        }
        // SAFETY: each symbol is resolved with the signature `include/tcplens.h` declares.
        let (new, set_max_conns, free, feed, explain) = unsafe {
            (
                *lib.get::<NewFn>(b"tcplens_analyzer_new\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<SetMaxConnsFn>(b"tcplens_set_max_conns\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<FreeFn>(b"tcplens_analyzer_free\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<FeedFn>(b"tcplens_feed\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<ExplainFn>(b"tcplens_explain_lang\0")
                    .map_err(|e| lib_err(path, e))?,
            )
        };
        let config = TcplensConfig {
            abi_version: TCPLENS_ABI_VERSION,
            keep_verdicts: 0,
        };
        // SAFETY: a valid config on the stack; the library copies what it needs.
        let analyzer = unsafe { new(&config) };
        if analyzer.is_null() {
            return Err(lib_err(path, "tcplens_analyzer_new refused the config"));
        }
        let lib = CoreLib {
            path: path.display().to_string(),
            analyzer,
            free,
            feed,
            explain,
            buf: vec![0; 512],
            last: TcplensVerdict::default(),
            _lib: lib,
        };
        // SAFETY: the live analyzer created above, before its first frame.
        let code = unsafe { set_max_conns(lib.analyzer, max_conns) };
        if TcplensStatus::from_code(code) != Some(TcplensStatus::TCPLENS_OK) {
            return Err(lib_err(
                path,
                format!("tcplens_set_max_conns returned {code}"),
            ));
        }
        Ok(lib)
    }

    /// The last verdict's explanation, through the C ABI, into `out`.
    fn explain_last(&mut self, lang: Lang, out: &mut String) {
        out.clear();
        let lang = match lang {
            Lang::En => TCPLENS_LANG_EN,
            Lang::Zh => TCPLENS_LANG_ZH,
        };
        loop {
            // SAFETY: `last` is a verdict; `buf` is writable for its length.
            let need =
                unsafe { (self.explain)(&self.last, lang, self.buf.as_mut_ptr(), self.buf.len()) };
            if need < 0 {
                return;
            }
            if (need as usize) < self.buf.len() {
                break;
            }
            self.buf.resize(need as usize + 1, 0);
        }
        // SAFETY: tcplens_explain_lang NUL-terminated the text inside `buf`.
        let text = unsafe { CStr::from_ptr(self.buf.as_ptr()) };
        out.push_str(&text.to_string_lossy());
    }
}

impl Engine for CoreLib {
    fn feed<'a>(&mut self, number: u64, frame: &Frame<'a>) -> Result<Seen<'a>, DriveError> {
        let mut v = TcplensVerdict::default();
        // SAFETY: a live analyzer; `frame.data` is valid for its length; `v` is writable.
        let code = unsafe {
            (self.feed)(
                self.analyzer,
                number,
                frame.ts_ns,
                frame.linktype,
                frame.data.as_ptr(),
                frame.data.len() as u32,
                frame.orig_len,
                &mut v,
            )
        };
        self.last = v;
        // The raw status: a library is not trusted to return only the enum's values.
        match TcplensStatus::from_code(code) {
            Some(TcplensStatus::TCPLENS_OK) if v.present & TCPLENS_QUOTE_CUT != 0 => {
                Ok(quote_of(&v).map_or(Seen::NotTcp, Seen::Quote))
            }
            Some(TcplensStatus::TCPLENS_OK) => Ok(Seen::Tcp(TcpFrame {
                record: record_of(&v),
                analysis: analysis_of(&v),
                endpoints: endpoints_of(&v),
                segment: None,
            })),
            Some(TcplensStatus::TCPLENS_UNDECODABLE) => Ok(Seen::Undecodable(
                decode_error_of(v.error, v.error_detail).unwrap_or(DecodeError::TruncatedLink),
            )),
            Some(TcplensStatus::TCPLENS_NOT_TCP) => Ok(Seen::NotTcp),
            _ => Err(DriveError::CoreLib(CoreLibError {
                path: self.path.clone(),
                reason: format!("tcplens_feed returned {code} on frame {number}"),
            })),
        }
    }

    fn explain(&mut self, seen: &Seen<'_>, lang: Lang, out: &mut String) {
        match seen {
            Seen::Tcp(_) | Seen::Quote(_) | Seen::Undecodable(_) => self.explain_last(lang, out),
            Seen::NotTcp => out.clear(),
        }
    }
}

impl Drop for CoreLib {
    fn drop(&mut self) {
        // SAFETY: the analyzer came from this library and is freed once.
        unsafe { (self.free)(self.analyzer) };
    }
}
