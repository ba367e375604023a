//! The capture reader (`tcplens-capture`): arbitrary file bytes opened as `tcplens analyze
//! FILE` opens them (libpcap opens, tcplens's own pcap/pcapng reader reads; libpcap reads
//! what that reader leaves to it), every frame fed to an analyzer by the frame loop
//! (`tcplens-drive`) until the end or the first read error; and the pcapng reader on its
//! own over the same bytes, whatever their magic. The `records` target fuzzes the reader
//! alone, in memory.
#![deny(unsafe_code)]
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tcplens_core::Analyzer;

use tcplens_capture::pcapng::PcapngReader;
use tcplens_capture::Source;
use tcplens_drive as drive;

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
        // The frame loop every command runs, to the end or the first read error.
        let mut analyzer = Analyzer::new();
        let opts = drive::Options { progress: false };
        match drive::run(&mut src, &mut analyzer, opts, |_, _, _, _| Ok(())) {
            Ok(end) => {
                let _ = end.broke.map(|e| e.to_string());
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(mut r) = PcapngReader::open(name) {
        while let Ok(Some(rec)) = r.next_record() {
            let _ = (rec.linktype, rec.ts_ns, rec.orig_len, rec.data.len());
        }
    }
});
