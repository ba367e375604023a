//! Bytes per TCP frame that `compact::FrameStore` (the plugin's per-frame memory) holds
//! for a classic pcap file: `cargo run --release -p tcplens-core --example store_bytes -- F`.
#![deny(unsafe_code)]

use tcplens_core::compact::FrameStore;
use tcplens_core::{Analyzer, Outcome};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: store_bytes FILE.pcap");
        std::process::exit(2);
    };
    let b = match std::fs::read(&path) {
        Ok(b) if b.len() >= 24 && b[..4] == [0xD4, 0xC3, 0xB2, 0xA1] => b,
        Ok(_) => {
            eprintln!("{path}: not a little-endian microsecond pcap");
            std::process::exit(4);
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(3);
        }
    };
    let u32_at = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
    let link = u32_at(20);
    let (mut a, mut store) = (Analyzer::new(), FrameStore::new());
    let (mut o, mut frame) = (24, 0u32);
    while o + 16 <= b.len() {
        let caplen = u32_at(o + 8) as usize;
        let ts = i64::from(u32_at(o)) * 1_000_000_000 + i64::from(u32_at(o + 4)) * 1000;
        let data = &b[o + 16..(o + 16 + caplen).min(b.len())];
        frame += 1;
        if let Outcome::Tcp {
            segment,
            record,
            analysis,
        } = a.process_linktype(link, data, u32_at(o + 12), ts)
        {
            let bases = a
                .conversations()
                .get(record.stream)
                .map_or([None, None], |c| c.flows.map(|f| f.base_seq));
            store.push(frame, &segment, &record, &analysis, bases);
        }
        o += 16 + caplen;
    }
    let n = store.len().max(1) as f64;
    println!(
        "{} TCP frames: {} bytes allocated ({:.1} B/frame), {} bytes used ({:.1} B/frame)",
        store.len(),
        store.heap_bytes(),
        store.heap_bytes() as f64 / n,
        store.used_bytes(),
        store.used_bytes() as f64 / n
    );
}
