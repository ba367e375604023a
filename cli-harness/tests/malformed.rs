//! Malformed capture files: each gets one clear line on stderr, a documented exit code, and
//! the results of the frames before the damage. The files are made here from a bundled
//! capture, so each case names exactly what is wrong.
#![deny(unsafe_code)]

mod common;

use std::path::Path;

use tcplens_core::synth::{pcapng_block, pcapng_section_header};

const SEED: &str = "seed-http-get.pcap";

fn seed() -> Vec<u8> {
    std::fs::read(common::root().join("tests/captures").join(SEED)).unwrap()
}

/// The golden JSONL lines of the seed capture.
fn golden() -> Vec<String> {
    std::fs::read_to_string(
        common::root()
            .join("tests/golden")
            .join(format!("{SEED}.jsonl")),
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect()
}

/// One pcap record: its 16-byte header and its data.
type Record = (Vec<u8>, Vec<u8>);

/// A little-endian classic pcap file: its 24-byte header and its records.
fn split(file: &[u8]) -> (Vec<u8>, Vec<Record>) {
    assert_eq!(
        &file[..4],
        b"\xd4\xc3\xb2\xa1",
        "a little-endian microsecond pcap"
    );
    let mut records = Vec::new();
    let mut i = 24;
    while i < file.len() {
        let caplen = u32::from_le_bytes(file[i + 8..i + 12].try_into().unwrap()) as usize;
        records.push((
            file[i..i + 16].to_vec(),
            file[i + 16..i + 16 + caplen].to_vec(),
        ));
        i += 16 + caplen;
    }
    (file[..24].to_vec(), records)
}

fn join(header: &[u8], records: &[Record]) -> Vec<u8> {
    let mut f = header.to_vec();
    for (h, d) in records {
        f.extend_from_slice(h);
        f.extend_from_slice(d);
    }
    f
}

struct Run {
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
}

fn analyze(dir: &Path, name: &str, bytes: &[u8]) -> Run {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    // `-q`: no summary line, so stderr holds only what the damage makes tcplens say (the
    // summary line has its own tests in cli.rs).
    let out = common::tcplens()
        .args(["analyze", "-q", "--format", "jsonl"])
        .arg(&path)
        .current_dir(dir)
        .output()
        .expect("running tcplens");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Exit code, the one stderr line (after the path) and the rows kept.
fn check(run: &Run, code: i32, message: &str, rows: &[String]) {
    assert_eq!(run.code, Some(code), "stderr: {}", run.stderr);
    let line = run.stderr.trim_end();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(
        line.starts_with("tcplens: ") && line.ends_with(message),
        "stderr {line:?} should end with {message:?}"
    );
    assert_eq!(run.stdout, rows, "the frames before the damage are kept");
}

#[test]
fn a_file_cut_in_the_middle_of_a_record_keeps_the_frames_before() {
    let dir = tempfile::tempdir().unwrap();
    let f = seed();
    let run = analyze(dir.path(), "cut.pcap", &f[..f.len() - 30]);
    check(
        &run,
        6,
        "cut.pcap: the capture breaks off after frame 11 (truncated dump file; tried to read 54 captured bytes, only got 24); the 11 frame(s) before it were analysed",
        &golden()[..11],
    );
}

#[test]
fn a_file_cut_before_its_first_record_is_damaged_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let run = analyze(dir.path(), "head.pcap", &seed()[..24 + 16 + 10]);
    check(
        &run,
        6,
        "head.pcap: the capture is damaged before its first frame (truncated dump file; tried to read 54 captured bytes, only got 10)",
        &[],
    );
}

#[test]
fn a_bad_magic_number_is_not_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = seed();
    f[..4].copy_from_slice(&[0x12, 0x34, 0x56, 0x78]);
    let run = analyze(dir.path(), "magic.pcap", &f);
    check(
        &run,
        4,
        "magic.pcap is not a capture file tcplens can read (unknown file format); expected pcap or pcapng",
        &[],
    );
}

#[test]
fn a_record_claiming_4_gb_stops_the_file_there() {
    let dir = tempfile::tempdir().unwrap();
    let (header, mut records) = split(&seed());
    records[1].0[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    let run = analyze(dir.path(), "huge.pcap", &join(&header, &records));
    check(
        &run,
        6,
        "huge.pcap: the capture breaks off after frame 1 (invalid packet capture length 4294967295, bigger than snaplen of 262144); the 1 frame(s) before it were analysed",
        &golden()[..1],
    );
}

#[test]
fn records_longer_than_the_snaplen_are_cut_to_it_and_analysed() {
    // libpcap keeps the first snaplen bytes of such a record (Wireshark keeps them all);
    // lengths come from the IP header, so the verdicts are the same.
    let dir = tempfile::tempdir().unwrap();
    let mut f = seed();
    f[16..20].copy_from_slice(&64u32.to_le_bytes());
    let run = analyze(dir.path(), "snaplen.pcap", &f);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, golden());
}

#[test]
fn zero_length_records_are_frames_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (header, mut records) = split(&seed());
    let mut empty = records[0].0.clone();
    empty[8..16].fill(0);
    records.insert(1, (empty, Vec::new()));
    let run = analyze(dir.path(), "empty.pcap", &join(&header, &records));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout.len(), 13);
    let row: serde_json::Value = serde_json::from_str(&run.stdout[1]).unwrap();
    assert_eq!(
        (row["frame"].as_u64(), row["error"].as_str()),
        (Some(2), Some("truncated_link_header"))
    );
    // Every later frame keeps its verdict, one frame number further on.
    let frames: Vec<u64> = run.stdout[2..]
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["frame"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(frames, (3..=13).collect::<Vec<_>>());
}

#[test]
fn timestamps_going_backwards_are_analysed_in_file_order_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (header, mut records) = split(&seed());
    let first_s = u32::from_le_bytes(records[0].0[..4].try_into().unwrap());
    records[4].0[..4].copy_from_slice(&(first_s - 100).to_le_bytes());
    let run = analyze(dir.path(), "back.pcap", &join(&header, &records));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.len(), 12);
    let row: serde_json::Value = serde_json::from_str(&run.stdout[4]).unwrap();
    assert!(row["time"].as_f64().unwrap() < -99.0, "{row}");
    check(
        &run,
        0,
        "back.pcap: timestamps go backwards 1 time(s), first at frame 5 (99.988000 s before frame 4); frames were analysed in file order, as Wireshark does",
        &run.stdout,
    );
}

/// The seed capture as pcapng: a section header, `ifaces` interface blocks (Ethernet, then
/// raw IP, which libpcap refuses to mix), an optional unknown block, one EPB per frame on
/// interface 0.
fn pcapng(ifaces: usize, unknown_block: bool) -> Vec<u8> {
    let (_, records) = split(&seed());
    let mut f = pcapng_section_header();
    f.extend(pcapng_block(1, &[1, 0, 0, 0, 0, 0, 4, 0]));
    if ifaces > 1 {
        f.extend(pcapng_block(1, &[101, 0, 0, 0, 0, 0, 1, 0]));
    }
    if unknown_block {
        f.extend(pcapng_block(0x0bad_cafe, &[0xaa; 20]));
    }
    for (h, d) in &records {
        let secs = u64::from(u32::from_le_bytes(h[..4].try_into().unwrap()));
        let micros = u64::from(u32::from_le_bytes(h[4..8].try_into().unwrap()));
        let ts = secs * 1_000_000 + micros;
        let mut epb = vec![0u8; 4];
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&h[8..16]);
        epb.extend_from_slice(d);
        f.extend(pcapng_block(6, &epb));
    }
    f
}

#[test]
fn pcapng_unknown_blocks_are_skipped_by_both_readers() {
    let dir = tempfile::tempdir().unwrap();
    for ifaces in [1, 2] {
        let run = analyze(dir.path(), "unknown.pcapng", &pcapng(ifaces, true));
        assert_eq!(run.code, Some(0), "{ifaces} interface(s): {}", run.stderr);
        assert_eq!(run.stdout, golden(), "{ifaces} interface(s)");
    }
}

#[test]
fn pcapng_truncated_blocks_keep_the_frames_before() {
    let dir = tempfile::tempdir().unwrap();
    // One interface: libpcap reads it.
    let f = pcapng(1, false);
    let run = analyze(dir.path(), "cut1.pcapng", &f[..f.len() - 10]);
    check(
        &run,
        6,
        "cut1.pcapng: the capture breaks off after frame 11 (truncated pcapng dump file; tried to read 80 bytes, only got 70); the 11 frame(s) before it were analysed",
        &golden()[..11],
    );
    // Two link types: tcplens's own reader.
    let f = pcapng(2, false);
    let run = analyze(dir.path(), "cut2.pcapng", &f[..f.len() - 10]);
    check(
        &run,
        6,
        "cut2.pcapng: the capture breaks off after frame 11 (the file ends inside a block of 88 bytes (10 of its bytes are missing)); the 11 frame(s) before it were analysed",
        &golden()[..11],
    );
    // A block whose length runs far past the end of the file.
    let mut f = pcapng(2, false);
    let last = f.len() - 88;
    f[last + 4..last + 8].copy_from_slice(&(88u32 + 4096).to_le_bytes());
    let run = analyze(dir.path(), "long.pcapng", &f);
    check(
        &run,
        6,
        "long.pcapng: the capture breaks off after frame 11 (the file ends inside a block of 4184 bytes (4096 of its bytes are missing)); the 11 frame(s) before it were analysed",
        &golden()[..11],
    );
}
