//! Where libpcap would stop in a pcapng file is decided from the file's Interface
//! Description Blocks (`pcapng::refused_interface`, and the same comparison inside the
//! reader, which words damage as libpcap until that point), never from libpcap's wording.
//! These cases hold the typed decision to what libpcap itself does on the same files: it
//! names a refused interface exactly when libpcap stops with its "different from the first
//! interface" complaint (the one place where its text is read: to check the decision).

use pcap::{Capture, Precision};
use tcplens_capture::pcapng::{refused_interface, Refusal};
use tcplens_capture::{Next, Source};
use tcplens_core::synth::{pcapng_block, pcapng_epb, pcapng_section_header};

const IDB: u32 = 1;

fn idb(linktype: u16, snaplen: u32) -> Vec<u8> {
    let mut b = linktype.to_le_bytes().to_vec();
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&snaplen.to_le_bytes());
    pcapng_block(IDB, &b)
}

/// An Enhanced Packet Block of `iface` at timestamp 1.
fn epb(iface: u32, data: &[u8]) -> Vec<u8> {
    pcapng_epb(iface, 1, data)
}

/// Interfaces as (link type, snapshot length), one list per section.
type Sections<'a> = &'a [&'a [(u16, u32)]];

/// A file of one section per list of interfaces, one packet after each interface.
fn file(sections: Sections<'_>) -> Vec<u8> {
    let mut f = Vec::new();
    for ifaces in sections {
        f.extend(pcapng_section_header());
        for (i, &(lt, snap)) in ifaces.iter().enumerate() {
            f.extend(idb(lt, snap));
            f.extend(epb(i as u32, &[0u8; 40]));
        }
    }
    f
}

/// How libpcap reads the file: the packets it hands out, and whether it then stopped at a
/// differing interface.
fn libpcap(path: &str) -> (u64, bool) {
    let mut cap =
        Capture::from_file_with_precision(path, Precision::Nano).expect("libpcap opens it");
    let mut n = 0;
    loop {
        match cap.next_packet() {
            Ok(_) => n += 1,
            Err(pcap::Error::NoMorePackets) => return (n, false),
            Err(e) => return (n, e.to_string().contains("different from the")),
        }
    }
}

#[test]
fn the_typed_decision_is_libpcaps() {
    let cases: &[(&str, Sections<'_>, Option<Refusal>)] = &[
        ("same", &[&[(1, 65535), (1, 65535)]], None),
        (
            "link",
            &[&[(1, 65535), (101, 65535)]],
            Some(Refusal::LinkType { this: 101 }),
        ),
        // libpcap compares the first interface's DLT_RAW (12) with LINKTYPE_RAW (101).
        (
            "raw-twice",
            &[&[(101, 65535), (101, 65535)]],
            Some(Refusal::LinkType { this: 101 }),
        ),
        (
            "snaplen",
            &[&[(1, 65535), (1, 262144)]],
            Some(Refusal::Snaplen { this: 262144 }),
        ),
        // 0 means the largest, 262144 for Ethernet.
        ("snaplen-0", &[&[(1, 0), (1, 262144)]], None),
        (
            "snaplen-big",
            &[&[(1, 300000), (1, 262144)]],
            Some(Refusal::Snaplen { this: 262144 }),
        ),
        // A second section compares with the first section's first interface.
        (
            "sections",
            &[&[(1, 65535)], &[(113, 65535)]],
            Some(Refusal::LinkType { this: 113 }),
        ),
        ("sections-same", &[&[(1, 65535)], &[(1, 65535)]], None),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, sections, want) in cases {
        let path = dir.path().join(format!("{name}.pcapng"));
        std::fs::write(&path, file(sections)).unwrap();
        let path = path.to_str().unwrap();
        let (frames, refused) = libpcap(path);
        let typed = refused_interface(path, frames);
        assert_eq!(typed, *want, "{name}");
        assert_eq!(typed.is_some(), refused, "{name}: libpcap disagrees");
    }
}

#[test]
fn a_refused_file_is_read_whole_by_tcplens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.pcapng");
    std::fs::write(&path, file(&[&[(1, 65535), (101, 65535), (113, 0)]])).unwrap();
    let mut src = Source::open_file(path.to_str().unwrap()).unwrap();
    let mut linktypes = Vec::new();
    while let Next::Frame(f) = src.next_frame().unwrap() {
        linktypes.push(f.linktype);
    }
    assert_eq!(linktypes, [1, 101, 113]);
}
