//! The harness's capture reader: arbitrary file bytes opened as `tcplens analyze FILE` opens
//! them (libpcap first, the built-in pcapng reader for the files libpcap refuses), every
//! frame fed to an analyzer until the end or the first read error; and the built-in pcapng
//! reader on its own, since libpcap only hands it the multi-interface files.
//!
//! The reader's modules are compiled in from `cli-harness/src`, unchanged.
#![deny(unsafe_code)]
#![no_main]

#[allow(dead_code)]
#[path = "../../cli-harness/src/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../../cli-harness/src/pcapng.rs"]
mod pcapng;
#[allow(dead_code)]
#[path = "../../cli-harness/src/source.rs"]
mod source;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tcplens_core::Analyzer;

use crate::source::{Next, Source};

/// libpcap reads files by name: one scratch file per fuzzing process, in memory when possible.
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let dir = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("tcplens-fuzz-reader-{}.cap", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("writing the scratch capture");
    let name = path.to_str().expect("utf-8 scratch path");
    if let Ok(mut src) = Source::open_file(name) {
        let mut analyzer = Analyzer::new();
        loop {
            match src.next() {
                Ok(Next::Frame(f)) => {
                    let _ = analyzer.process_linktype(f.linktype, f.data, f.orig_len, f.ts_ns);
                }
                Ok(Next::Retry) => continue,
                Ok(Next::End | Next::Interrupted) => break,
                Err(e) => {
                    let _ = (e.to_string(), e.exit_code());
                    break;
                }
            }
        }
    }
    if let Ok(mut r) = pcapng::PcapngReader::open(name) {
        while let Ok(Some(rec)) = r.next_record() {
            let _ = (rec.linktype, rec.ts_ns, rec.orig_len, rec.data.len());
        }
    }
});
