//! tcplens's own reader against libpcap, which read these files before it: on every bundled
//! capture, and on thousands of damaged copies (bytes overwritten, lengths changed, files
//! cut), both hand out the same frames (time, lengths, bytes) and stop with the same
//! message. The one intended difference: libpcap stops at a pcapng interface whose link type
//! or snapshot length differs from the first, and tcplens reads on.

use pcap::{Capture, Precision};
use tcplens_capture::{Next, Source};
use tcplens_core::synth::{pcapng_block, pcapng_epb, pcapng_section_header};

/// Frames as (ns, original length, bytes), then the error message, if any.
type Reading = (Vec<(i64, u32, Vec<u8>)>, Option<String>);

fn libpcap(path: &str) -> Option<Reading> {
    let mut cap = Capture::from_file_with_precision(path, Precision::Nano).ok()?;
    let mut frames = Vec::new();
    loop {
        match cap.next_packet() {
            Ok(p) => {
                #[allow(clippy::unnecessary_cast)]
                let ns = (p.header.ts.tv_sec as i64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(p.header.ts.tv_usec as i64);
                frames.push((ns, p.header.len, p.data.to_vec()));
            }
            Err(pcap::Error::NoMorePackets) => return Some((frames, None)),
            Err(pcap::Error::PcapError(e)) => return Some((frames, Some(e))),
            Err(e) => return Some((frames, Some(e.to_string()))),
        }
    }
}

/// `None` when tcplens does not open the file: opening is still libpcap's (a header it
/// refuses, or a link type tcplens does not decode, is refused in the same words).
fn tcplens(path: &str) -> Option<Reading> {
    let mut src = Source::open_file(path).ok()?;
    let mut frames = Vec::new();
    loop {
        match src.next_frame() {
            Ok(Next::Frame(f)) => frames.push((f.ts_ns, f.orig_len, f.data.to_vec())),
            Ok(Next::End | Next::Interrupted) => return Some((frames, None)),
            Err(tcplens_capture::CaptureError::Corrupt { reason, .. }) => {
                return Some((frames, Some(reason)))
            }
            Err(e) => return Some((frames, Some(e.to_string()))),
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The seed pcap's frames as a one-interface pcapng file.
fn as_pcapng(pcap: &[u8]) -> Vec<u8> {
    let mut f = pcapng_section_header();
    f.extend(pcapng_block(1, &[1, 0, 0, 0, 0, 0, 4, 0]));
    let mut i = 24;
    while i + 16 <= pcap.len() {
        let w = |j: usize| u32::from_le_bytes(pcap[i + j..i + j + 4].try_into().unwrap());
        let caplen = w(8) as usize;
        let ts = u64::from(w(0)) * 1_000_000 + u64::from(w(4));
        f.extend(pcapng_epb(0, ts, &pcap[i + 16..i + 16 + caplen]));
        i += 16 + caplen;
    }
    f
}

#[test]
fn same_frames_and_messages_as_libpcap_on_damaged_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/captures");
    let mut files: Vec<Vec<u8>> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    files.sort();
    let seed = std::fs::read(root.join("seed-http-get.pcap")).unwrap();
    files.push(as_pcapng(&seed));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x");
    let path = path.to_str().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut compared, mut differ) = (0, Vec::new());
    for original in &files {
        for variant in 0..60 {
            let mut f = original.clone();
            match variant {
                0 => {}
                1..=20 => f.truncate(rng.below(f.len())),
                21..=40 => {
                    // A few bytes overwritten, near the start (where the lengths are) or anywhere.
                    for _ in 0..1 + rng.below(4) {
                        let at = if rng.next().is_multiple_of(2) {
                            rng.below(f.len().min(200))
                        } else {
                            rng.below(f.len())
                        };
                        f[at] = rng.next() as u8;
                    }
                }
                _ => {
                    // A 32-bit field set to an extreme or nearby value.
                    let at = rng.below(f.len() - 4) & !3;
                    let v: u32 = match rng.below(4) {
                        0 => u32::MAX,
                        1 => rng.next() as u32,
                        2 => 262_145,
                        _ => {
                            u32::from_le_bytes(f[at..at + 4].try_into().unwrap())
                                ^ (1 << rng.below(32))
                        }
                    };
                    f[at..at + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
            std::fs::write(path, &f).unwrap();
            let Some(want) = libpcap(path) else {
                continue;
            };
            if want
                .1
                .as_deref()
                .is_some_and(|e| e.contains("different from the"))
            {
                continue;
            }
            let Some(got) = tcplens(path) else {
                continue;
            };
            compared += 1;
            let got = Some(got);
            if got.as_ref() != Some(&want) {
                differ.push(format!(
                    "variant {variant} of a {}-byte file: libpcap {} frames, {:?}; tcplens {:?}",
                    original.len(),
                    want.0.len(),
                    want.1,
                    got.map(|g| (g.0.len(), g.1))
                ));
            }
        }
    }
    assert!(compared > 2000, "{compared}");
    assert!(
        differ.is_empty(),
        "{} of {compared} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// `pcapng_block` in big-endian byte order.
fn block_be(kind: u32, body: &[u8]) -> Vec<u8> {
    let len = (12 + body.len().div_ceil(4) * 4) as u32;
    let mut b = kind.to_be_bytes().to_vec();
    b.extend_from_slice(&len.to_be_bytes());
    b.extend_from_slice(body);
    b.resize(len as usize - 4, 0);
    b.extend_from_slice(&len.to_be_bytes());
    b
}

#[test]
fn nflog_in_the_other_byte_order_is_left_to_libpcap_which_swaps_its_tlvs() {
    // NFLOG header (AF_INET, version 0, resource 0), then a payload TLV (length 8, type 9)
    // holding 4 bytes, its length and type in the file's byte order.
    let nflog_be = [2u8, 0, 0, 0, 0, 8, 0, 9, 0x45, 0, 0, 20];
    let mut f = block_be(
        0x0A0D_0D0A,
        &[
            0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    );
    f.extend(block_be(1, &[0, 239, 0, 0, 0, 0, 0xff, 0xff]));
    let mut epb = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 12];
    epb.extend_from_slice(&nflog_be);
    f.extend(block_be(6, &epb));
    let mut pcap = vec![0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0];
    pcap.extend_from_slice(&[0, 0, 0xff, 0xff, 0, 0, 0, 239]);
    pcap.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 12]);
    pcap.extend_from_slice(&nflog_be);
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("be.pcapng", f), ("be.pcap", pcap)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.to_str().unwrap();
        let want = libpcap(path).unwrap();
        assert_eq!(want.0.len(), 1, "{name}");
        assert_ne!(
            want.0[0].2, nflog_be,
            "{name}: libpcap swaps the TLV header"
        );
        assert_eq!(tcplens(path), Some(want), "{name}");
    }
}
