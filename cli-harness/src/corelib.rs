//! `--core-lib PATH`: the same analysis through the core's C ABI, loaded with libloading.
//!
//! This is the harness's FFI layer and its only `unsafe` code: it resolves the C entry
//! points of `libtcplens_core.so` (see `include/tcplens.h`) and calls them with buffers it
//! owns. Running the harness this way checks that the C ABI gives exactly what the Rust
//! API gives.
#![allow(unsafe_code)]

use std::ffi::{c_char, CStr};
use std::path::Path;

use libloading::Library;
use tcplens_core::explain::Lang;
use tcplens_core::ffi::{
    TcplensAnalyzer, TcplensConfig, TcplensStatus, TcplensVerdict, TCPLENS_ABI_VERSION,
    TCPLENS_LANG_EN, TCPLENS_LANG_ZH,
};

use crate::error::CliError;

type AbiVersionFn = unsafe extern "C" fn() -> u32;
type NewFn = unsafe extern "C" fn(*const TcplensConfig) -> *mut TcplensAnalyzer;
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

/// What feeding one frame gave.
pub enum Fed {
    Tcp(TcplensVerdict),
    Undecodable(TcplensVerdict),
    NotTcp,
}

/// A loaded core library with one analyzer.
pub struct CoreLib {
    analyzer: *mut TcplensAnalyzer,
    free: FreeFn,
    feed: FeedFn,
    explain: ExplainFn,
    lang: u32,
    buf: Vec<c_char>,
    frame: u64,
    // Declared last: dropped after the analyzer is freed.
    _lib: Library,
}

fn lib_err(path: &Path, reason: impl std::fmt::Display) -> CliError {
    CliError::CoreLib {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

impl CoreLib {
    /// Loads the library; explanations will be in `lang`.
    pub fn load(path: &Path, lang: Lang) -> Result<CoreLib, CliError> {
        // SAFETY: loading runs the library's initialisers; `path` is the user's choice of a
        // tcplens core library, whose initialisers are Rust's own.
        let lib = unsafe { Library::new(path) }.map_err(|e| lib_err(path, e))?;
        // SAFETY: each symbol is resolved with the signature `include/tcplens.h` declares.
        let (abi, new, free, feed, explain) = unsafe {
            (
                *lib.get::<AbiVersionFn>(b"tcplens_abi_version\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<NewFn>(b"tcplens_analyzer_new\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<FreeFn>(b"tcplens_analyzer_free\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<FeedFn>(b"tcplens_feed\0")
                    .map_err(|e| lib_err(path, e))?,
                *lib.get::<ExplainFn>(b"tcplens_explain_lang\0")
                    .map_err(|e| lib_err(path, e))?,
            )
        };
        // SAFETY: a function of no arguments, resolved above.
        let version = unsafe { abi() };
        if version != TCPLENS_ABI_VERSION {
            return Err(lib_err(
                path,
                format!("ABI version {version}, this tcplens needs {TCPLENS_ABI_VERSION}"),
            ));
        }
        let config = TcplensConfig {
            abi_version: TCPLENS_ABI_VERSION,
            keep_verdicts: 0,
        };
        // SAFETY: a valid config on the stack; the library copies what it needs.
        let analyzer = unsafe { new(&config) };
        if analyzer.is_null() {
            return Err(lib_err(path, "tcplens_analyzer_new refused the config"));
        }
        Ok(CoreLib {
            analyzer,
            free,
            feed,
            explain,
            lang: match lang {
                Lang::En => TCPLENS_LANG_EN,
                Lang::Zh => TCPLENS_LANG_ZH,
            },
            buf: vec![0; 512],
            frame: 0,
            _lib: lib,
        })
    }

    /// Feeds the next frame.
    pub fn feed(
        &mut self,
        ts_ns: i64,
        linktype: u32,
        data: &[u8],
        orig_len: u32,
    ) -> Result<Fed, CliError> {
        self.frame += 1;
        let mut v = TcplensVerdict::default();
        // SAFETY: a live analyzer; `data` is valid for its length; `v` is writable.
        let code = unsafe {
            (self.feed)(
                self.analyzer,
                self.frame,
                ts_ns,
                linktype,
                data.as_ptr(),
                data.len() as u32,
                orig_len,
                &mut v,
            )
        };
        match TcplensStatus::from_code(code) {
            Some(TcplensStatus::TCPLENS_OK) => Ok(Fed::Tcp(v)),
            Some(TcplensStatus::TCPLENS_UNDECODABLE) => Ok(Fed::Undecodable(v)),
            Some(TcplensStatus::TCPLENS_NOT_TCP) => Ok(Fed::NotTcp),
            _ => Err(CliError::CoreLib {
                path: "core library".into(),
                reason: format!("tcplens_feed returned {code} on frame {}", self.frame),
            }),
        }
    }

    /// The verdict's explanation, through the C ABI, into `out`.
    pub fn explain(&mut self, v: &TcplensVerdict, out: &mut String) {
        out.clear();
        loop {
            // SAFETY: `v` is a verdict; `buf` is writable for its length.
            let need =
                unsafe { (self.explain)(v, self.lang, self.buf.as_mut_ptr(), self.buf.len()) };
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

impl Drop for CoreLib {
    fn drop(&mut self) {
        // SAFETY: the analyzer came from this library and is freed once.
        unsafe { (self.free)(self.analyzer) };
    }
}
