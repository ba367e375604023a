//! Microbenchmarks: the cost of one packet, decoded and analysed.
//!
//! `make bench-micro` (`cargo bench -p tcplens-core --bench core`) shows a change's effect
//! in a minute; `scripts/bench.sh` measures whole processes against tshark, tcptrace and
//! the libpcap floor. Throughput is in packets (elements) per second.
#![deny(unsafe_code)]

use std::hint::black_box;
use std::ops::Range;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tcplens_bench::gen::{self, Config, Mix};
use tcplens_core::flow::{ConversationTable, KeyHash};
use tcplens_core::synth::SegBuilder;
use tcplens_core::wire::{self, Decoded, TcpSegment};
use tcplens_core::{Analyzer, LinkType};

/// One frame of each shape the hot path sees most: full-size IPv4 and IPv6 data segments,
/// and a SYN with the usual options (MSS, SACK permitted, timestamps, window scale).
fn decode_cases() -> [(&'static str, Vec<u8>); 3] {
    let payload = [0x5a_u8; 1448];
    let v4_data = SegBuilder::v4("10.0.0.1:40000", "192.0.2.7:443")
        .seq(1_000_001)
        .ack(2_000_001)
        .flags("PA")
        .payload(&payload)
        .ethernet();
    let v6_data = SegBuilder::v6("[fd00::1]:40000", "[fd00::c0a8:7]:443")
        .seq(1_000_001)
        .ack(2_000_001)
        .flags("PA")
        .payload(&payload)
        .ethernet();
    let syn = SegBuilder::v4("10.0.0.1:40000", "192.0.2.7:443")
        .seq(1_000_000)
        .flags("S")
        .mss(1460)
        .sack_permitted()
        .timestamps(123_456, 0)
        .wscale(7)
        .ethernet();
    [
        ("ethernet_ipv4_data", v4_data),
        ("ethernet_ipv6_data", v6_data),
        ("ethernet_ipv4_syn_options", syn),
    ]
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for (name, frame) in decode_cases() {
        // A benchmark of a frame that does not decode as TCP would measure the error path.
        assert!(matches!(
            wire::decode(LinkType::Ethernet, &frame, frame.len() as u32),
            Ok(Decoded::Tcp(_))
        ));
        group.bench_function(name, |b| {
            b.iter(|| {
                wire::decode(
                    LinkType::Ethernet,
                    black_box(&frame),
                    black_box(frame.len() as u32),
                )
            })
        });
    }
    group.finish();
}

/// A generated capture held in memory: its bytes and each frame's place and time.
struct Capture {
    bytes: Vec<u8>,
    /// (timestamp in ns, frame bytes, length on the wire)
    frames: Vec<(i64, Range<usize>, u32)>,
}

impl Capture {
    /// A generated capture of `packets` over `conns` conversations, the realistic mix.
    fn realistic(packets: u64, conns: u32) -> (Config, Capture) {
        let cfg = Config {
            packets,
            conns,
            seed: 1,
            mix: Mix::Realistic,
            ..Config::default()
        };
        let capture = Capture::generate(&cfg);
        (cfg, capture)
    }

    fn generate(cfg: &Config) -> Capture {
        let mut bytes = Vec::new();
        gen::write_pcap(cfg, &mut bytes).expect("writing into a Vec");
        let word = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let mut frames = Vec::with_capacity(cfg.packets as usize);
        // Classic little-endian pcap: a 24-byte file header, then 16-byte record headers.
        let mut at = 24;
        while at < bytes.len() {
            let ts_ns = i64::from(word(&bytes, at)) * 1_000_000_000
                + i64::from(word(&bytes, at + 4)) * 1_000;
            let caplen = word(&bytes, at + 8) as usize;
            let orig_len = word(&bytes, at + 12);
            frames.push((ts_ns, at + 16..at + 16 + caplen, orig_len));
            at += 16 + caplen;
        }
        assert_eq!(frames.len() as u64, cfg.packets);
        Capture { bytes, frames }
    }

    /// Analyses every frame with a fresh analyzer; returns the TCP frames seen.
    fn analyse(&self) -> u64 {
        let mut analyzer = Analyzer::new();
        for (ts_ns, range, orig_len) in &self.frames {
            let outcome = analyzer.process(
                LinkType::Ethernet,
                &self.bytes[range.clone()],
                *orig_len,
                *ts_ns,
            );
            black_box(&outcome);
        }
        analyzer.counters().tcp
    }
}

/// Whole captures through `Analyzer::process`, reported per packet: few long
/// conversations (the table stays small and hot), and many short ones (most packets
/// open or close a conversation).
fn analyse(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyse");
    group.sample_size(10);
    for conns in [1_000_u32, 50_000] {
        let (cfg, capture) = Capture::realistic(100_000, conns);
        assert_eq!(
            capture.analyse(),
            cfg.packets,
            "every generated frame is TCP"
        );
        group.throughput(Throughput::Elements(cfg.packets));
        group.bench_with_input(
            BenchmarkId::new("realistic_100k_packets", format!("{conns}_conns")),
            &capture,
            |b, capture| b.iter(|| capture.analyse()),
        );
    }
    group.finish();
}

/// Finding each segment's conversation, alone: the segments of a generated capture
/// decoded beforehand and looked up, in capture order, in a table that already holds
/// their conversations. The table hot (1 k conversations) and beyond the caches (100 k:
/// about two index and conversation misses a lookup), the latter also with the prefetch
/// the batched loops use (a segment's bucket 8 segments ahead, its conversation 4).
fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup");
    for conns in [1_000_u32, 100_000] {
        let (cfg, capture) = Capture::realistic(400_000, conns);
        let segs: Vec<(i64, TcpSegment<'static>)> = capture
            .frames
            .iter()
            .filter_map(|(ts, range, orig_len)| {
                match wire::decode(LinkType::Ethernet, &capture.bytes[range.clone()], *orig_len) {
                    Ok(Decoded::Tcp(seg)) => Some((*ts, seg.detached())),
                    _ => None,
                }
            })
            .collect();
        assert_eq!(
            segs.len() as u64,
            cfg.packets,
            "every generated frame is TCP"
        );
        let mut table = ConversationTable::new();
        for (ts, seg) in &segs {
            table.lookup(seg, *ts);
        }
        let created = table.created();
        group.throughput(Throughput::Elements(cfg.packets));
        group.bench_function(
            BenchmarkId::new("in_order", format!("{conns}_conns")),
            |b| {
                b.iter(|| {
                    for (ts, seg) in &segs {
                        black_box(table.lookup(seg, *ts));
                    }
                })
            },
        );
        group.bench_function(
            BenchmarkId::new("prefetched", format!("{conns}_conns")),
            |b| {
                b.iter(|| {
                    // Each hash computed once, for both prefetches and the lookup, as
                    // `drive` does.
                    let mut ring = [KeyHash::default(); 8];
                    for (i, (_, seg)) in segs.iter().take(8).enumerate() {
                        ring[i] = table.key_hash(seg);
                        table.prefetch_bucket(ring[i]);
                    }
                    for (i, (ts, seg)) in segs.iter().enumerate() {
                        let hash = ring[i % 8];
                        if i + 4 < segs.len() {
                            table.prefetch_conversation(ring[(i + 4) % 8]);
                        }
                        if let Some((_, far)) = segs.get(i + 8) {
                            ring[i % 8] = table.key_hash(far);
                            table.prefetch_bucket(ring[i % 8]);
                        }
                        black_box(table.lookup_hashed(seg, *ts, hash));
                    }
                })
            },
        );
        // Looked up again, the segments found their conversations: none was created (a
        // SYN with a new ISN would have; the generator reuses no 4-tuple).
        assert_eq!(table.created(), created);
    }
    group.finish();
}

criterion_group!(benches, decode, analyse, lookup);
criterion_main!(benches);
