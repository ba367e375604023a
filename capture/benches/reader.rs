//! Microbenchmark of tcplens's own file reader: the cost of walking one record, classic pcap
//! and pcapng, parsed in place in the reader's buffer. The file is in memory, so what is
//! measured is the parsing and the copy into the buffer, not the kernel's `read`
//! (`records-floor` in `scripts/bench.sh` measures the whole process on a real file).
//! Throughput is in packets (elements) per second.
#![deny(unsafe_code)]

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tcplens_capture::pcapng::PcapngReader;
use tcplens_capture::records::{PcapReader, CHUNK};
use tcplens_core::synth::{
    pcapng_block, pcapng_epb, pcapng_section_header, PcapWriter, SegBuilder,
};

const FRAMES: u64 = 20_000;

/// The same frames as a pcap and as a pcapng file: one full-size data segment for every
/// two pure ACKs, as in a bulk transfer.
fn files() -> (Vec<u8>, Vec<u8>) {
    let data = SegBuilder::v4("10.0.0.1:40000", "192.0.2.7:443")
        .flags("PA")
        .payload(&[0x5a; 1448])
        .ethernet();
    let ack = SegBuilder::v4("192.0.2.7:443", "10.0.0.1:40000")
        .flags("A")
        .ethernet();
    let mut pcap = PcapWriter::new(1, 65535);
    let mut ng = pcapng_section_header();
    ng.extend(pcapng_block(1, &[1, 0, 0, 0, 0, 0, 1, 0]));
    for i in 0..FRAMES {
        let frame = if i % 3 == 0 { &data } else { &ack };
        pcap.push(1_700_000_000_000_000 + i * 100, frame);
        ng.extend(pcapng_epb(0, 1_700_000_000_000_000 + i * 100, frame));
    }
    (pcap.into_bytes(), ng)
}

fn reader(c: &mut Criterion) {
    let (pcap, pcapng) = files();
    let mut g = c.benchmark_group("reader");
    g.throughput(Throughput::Elements(FRAMES));
    g.bench_function("pcap", |b| {
        b.iter(|| {
            let mut r = PcapReader::new(Cursor::new(&pcap[..]), CHUNK)
                .unwrap()
                .unwrap();
            let mut bytes = 0usize;
            while let Some(rec) = r.next_record().unwrap() {
                bytes += rec.data.len();
            }
            black_box(bytes)
        })
    });
    g.bench_function("pcapng", |b| {
        b.iter(|| {
            let mut r = PcapngReader::new(Cursor::new(&pcapng[..]), CHUNK);
            let mut bytes = 0usize;
            while let Some(rec) = r.next_record().unwrap() {
                bytes += rec.data.len();
            }
            black_box(bytes)
        })
    });
    g.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
