//! tcplens's own file reader (`tcplens_capture::records`: classic pcap and pcapng, parsed in
//! place in one buffer) over arbitrary bytes, in memory. The first byte picks a small
//! buffer (64 to 1,087 bytes) so that records cross its end and outgrow it; the rest is the
//! file. Every run reads the file twice, through the small buffer and through a 1 MiB one,
//! and the two readings must agree record for record and on the error that ends them:
//! where a record falls in the buffer never changes what is read.
#![deny(unsafe_code)]
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tcplens_capture::pcapng::PcapngReader;
use tcplens_capture::records::{PcapReader, Record, CHUNK};

/// What a reading gives: every record, then the error that ended it (if any).
type Reading = (Vec<(u32, i64, u32, Vec<u8>)>, Option<String>);

fn collect(mut next: impl FnMut() -> std::io::Result<Option<(u32, i64, u32, Vec<u8>)>>) -> Reading {
    let mut out = Vec::new();
    // A bound on records, so that a hang would show as a failed assertion instead.
    for _ in 0..1_000_000 {
        match next() {
            Ok(Some(r)) => out.push(r),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e.to_string())),
        }
    }
    panic!("a million records from a fuzzed input");
}

fn owned(r: Record<'_>) -> (u32, i64, u32, Vec<u8>) {
    (r.linktype, r.ts_ns, r.orig_len, r.data.to_vec())
}

fn read(file: &[u8], capacity: usize) -> (Option<Reading>, Reading) {
    let pcap = match PcapReader::new(Cursor::new(file), capacity) {
        Ok(Some(mut r)) => Some(collect(|| r.next_record().map(|o| o.map(owned)))),
        _ => None,
    };
    let mut r = PcapngReader::new(Cursor::new(file), capacity);
    let pcapng = collect(|| r.next_record().map(|o| o.map(owned)));
    (pcap, pcapng)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, file)) = data.split_first() else {
        return;
    };
    let small = 64 + usize::from(first) * 4;
    assert_eq!(read(file, small), read(file, CHUNK));
});
