//! The frame loop's policy on captures built here: hostile times saturate, a capture that
//! breaks off hands out every frame before the damage and then the damage.

use tcplens_capture::{CaptureError, Source};
use tcplens_core::synth::{pcapng_block, pcapng_epb, pcapng_section_header, SegBuilder};
use tcplens_core::Analyzer;
use tcplens_drive::{self as drive, Seen};

const IDB: u32 = 1;

/// An Interface Description Block of raw IP (or Ethernet) with an `if_tsoffset` in seconds.
fn idb(linktype: u16, offset_s: i64) -> Vec<u8> {
    let mut b = linktype.to_le_bytes().to_vec();
    b.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    b.extend_from_slice(&14u16.to_le_bytes());
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&offset_s.to_le_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    pcapng_block(IDB, &b)
}

/// An Enhanced Packet Block of `iface` at timestamp 1.
fn epb(iface: u32, data: &[u8]) -> Vec<u8> {
    pcapng_epb(iface, 1, data)
}

fn frames(path: &str) -> (Vec<(u64, i64, bool)>, drive::End) {
    let mut src = Source::open_file(path).expect("opens");
    let mut analyzer = Analyzer::new();
    let mut seen_frames = Vec::new();
    let end = drive::run(
        &mut src,
        &mut analyzer,
        drive::Options { progress: false },
        |_, n, t, seen| {
            seen_frames.push((n, t, matches!(seen, Seen::Tcp(_))));
            Ok(())
        },
    )
    .expect("the loop runs");
    (seen_frames, end)
}

#[test]
fn hostile_interface_time_offsets_saturate() {
    let syn = SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
        .flags("S")
        .raw();
    let synack = SegBuilder::v4("10.0.0.2:80", "10.0.0.1:1000")
        .flags("SA")
        .raw();
    // Two interfaces of different link types (the built-in reader), whose offsets put the
    // first frame near i64::MIN ns and the second near i64::MAX ns.
    let mut f = pcapng_section_header();
    f.extend(idb(101, -(1 << 62)));
    f.extend(idb(228, 1 << 62));
    f.extend(epb(0, &syn));
    f.extend(epb(1, &synack));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offsets.pcapng");
    std::fs::write(&path, f).unwrap();
    let (seen, end) = frames(path.to_str().unwrap());
    assert_eq!(seen, [(1, 0, true), (2, i64::MAX, true)]);
    assert!(end.broke.is_none());
}

#[test]
fn a_capture_that_breaks_off_hands_out_the_frames_before_the_damage() {
    let syn = SegBuilder::v4("10.0.0.1:1000", "10.0.0.2:80")
        .flags("S")
        .raw();
    let mut f = pcapng_section_header();
    f.extend(idb(101, 0));
    f.extend(epb(0, &syn));
    f.extend(epb(0, &syn));
    f.truncate(f.len() - 10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.pcapng");
    std::fs::write(&path, f).unwrap();
    let (seen, end) = frames(path.to_str().unwrap());
    assert_eq!(seen, [(1, 0, true)]);
    assert!(
        matches!(end.broke, Some(CaptureError::Corrupt { frames: 1, .. })),
        "{:?}",
        end.broke
    );
    assert_eq!(end.frames, 1);
}
