//! Writes the small hand-made captures under `tests/captures/` (deterministic).
//!
//!     cargo run -p tcplens-core --example make_test_captures -- tests/captures
//!
//! Seed cases (textbook connections whose every step the tests pin) and synthetic cases
//! for link types, port reuse, sequence wrap, simultaneous open/close and malformed
//! headers. Every file is also checked against tshark by the differential test.
#![deny(unsafe_code)]

use std::path::Path;

use tcplens_core::synth::{
    pcapng_block, pcapng_epb, pcapng_section_header, PcapWriter, SegBuilder,
};

/// A conversation script: builds segments between a client and a server with running
/// sequence numbers, so each case reads like the exchange it describes.
struct Script {
    client: String,
    server: String,
    cseq: u32,
    sseq: u32,
    t_us: u64,
    frames: Vec<(u64, SegBuilder)>,
}

impl Script {
    fn new(client: &str, server: &str, cisn: u32, sisn: u32) -> Script {
        Script {
            client: client.into(),
            server: server.into(),
            cseq: cisn,
            sseq: sisn,
            t_us: 1_700_000_000_000_000,
            frames: Vec::new(),
        }
    }

    fn at(&mut self, delta_us: u64) -> &mut Self {
        self.t_us += delta_us;
        self
    }

    /// A segment from the client: flags, payload; seq/ack from the running state.
    fn c(&mut self, flags: &str, payload: &[u8]) -> &mut Self {
        let b = SegBuilder::v4_or_v6(&self.client, &self.server)
            .flags(flags)
            .seq(self.cseq)
            .ack(if flags.contains('A') { self.sseq } else { 0 })
            .payload(payload);
        self.cseq = self.cseq.wrapping_add(
            payload.len() as u32 + u32::from(flags.contains('S')) + u32::from(flags.contains('F')),
        );
        self.frames.push((self.t_us, b));
        self
    }

    /// A segment from the server.
    fn s(&mut self, flags: &str, payload: &[u8]) -> &mut Self {
        let b = SegBuilder::v4_or_v6(&self.server, &self.client)
            .flags(flags)
            .seq(self.sseq)
            .ack(if flags.contains('A') { self.cseq } else { 0 })
            .payload(payload);
        self.sseq = self.sseq.wrapping_add(
            payload.len() as u32 + u32::from(flags.contains('S')) + u32::from(flags.contains('F')),
        );
        self.frames.push((self.t_us, b));
        self
    }

    /// Adds a raw, already-built segment.
    fn raw(&mut self, b: SegBuilder) -> &mut Self {
        self.frames.push((self.t_us, b));
        self
    }

    fn handshake(&mut self, rtt_us: u64) -> &mut Self {
        self.c("S", b"")
            .at(rtt_us / 2)
            .s("SA", b"")
            .at(rtt_us / 2)
            .c("A", b"")
    }
}

trait V4OrV6 {
    fn v4_or_v6(src: &str, dst: &str) -> SegBuilder;
}

impl V4OrV6 for SegBuilder {
    fn v4_or_v6(src: &str, dst: &str) -> SegBuilder {
        SegBuilder::new(src.parse().expect("address"), dst.parse().expect("address"))
    }
}

enum Link {
    Ethernet,
    Vlan(&'static [u16]),
    Sll,
    Sll2,
    Null,
    Raw,
    /// PPP (LINKTYPE_PPP), the framing varying frame by frame: with the 0xFF 0x03 address
    /// and control bytes, without them, and with a compressed 1-byte protocol field.
    Ppp,
    /// Cisco HDLC (LINKTYPE_C_HDLC): unicast address 0x0F, control 0, EtherType.
    CiscoHdlc,
    /// Linux NFLOG (LINKTYPE_NFLOG): header, packet-header, prefix and payload TLVs.
    Nflog,
    /// Ethernet, outer IPv4 192.0.2.1 → 192.0.2.2, then a tunnel around the segment.
    Tunnel(Tunnel),
    /// Raw IP; an IPv6 packet too long for the 16-bit payload length is a jumbogram
    /// (RFC 2675: payload length 0, a hop-by-hop Jumbo Payload option), as Linux BIG TCP
    /// captures show.
    Jumbo,
    /// A link type other than Ethernet whose header is built by [`other_link`].
    Other(OtherLink),
}

/// Link types whose frames [`other_link`] builds around the segment.
#[derive(Clone, Copy)]
enum OtherLink {
    /// IEEE 802.11 (LINKTYPE_IEEE802_11) data frames, frame by frame: To DS, QoS data
    /// From DS, and a 4-address QoS frame; LLC/SNAP inside.
    Wlan,
    /// The same behind a radiotap header (TSFT, Flags, Rate), the QoS frames with the
    /// "data pad" flag and their header padded to 4 bytes.
    Radiotap,
    /// The same behind a 144-byte Prism header (little-endian message code and length).
    Prism,
    /// The same behind a 64-byte AVS version 1 header.
    Avs,
    /// IP over InfiniBand: a 40-byte pseudo-header holding only the destination (QPN 1,
    /// a link-local GID), then RFC 4391 §6's EtherType and 16 reserved bits.
    Ipoib,
    /// FDDI, LLC frame control 0x50, LLC/SNAP (RFC 1390).
    Fddi,
    /// Linux ARCNET: addresses, 2-byte offset, RFC 1201 protocol, split flag, sequence.
    ArcnetLinux,
    /// BSD ARCNET: RFC 1051 IP (240) on even frames, RFC 1201 on odd ones.
    ArcnetBsd,
    /// Juniper Ethernet: "MGC", flags, on odd frames an extension TLV, then Ethernet.
    Juniper,
}

impl OtherLink {
    fn linktype(self) -> u32 {
        match self {
            OtherLink::Wlan => 105,
            OtherLink::Radiotap => 127,
            OtherLink::Prism => 119,
            OtherLink::Avs => 163,
            OtherLink::Ipoib => 242,
            OtherLink::Fddi => 10,
            OtherLink::ArcnetLinux => 129,
            OtherLink::ArcnetBsd => 7,
            OtherLink::Juniper => 178,
        }
    }
}

/// An LLC/SNAP header (RFC 1042) naming the segment's EtherType, then the segment.
fn llc_snap(b: &SegBuilder) -> Vec<u8> {
    let mut p = vec![0xAA, 0xAA, 0x03, 0, 0, 0];
    p.extend_from_slice(&b.ethertype());
    p.extend_from_slice(&b.raw());
    p
}

/// An 802.11 data frame of kind `i % 3` (IEEE 802.11-2020 §9.3.2.1) around the segment;
/// `pad` pads the MAC header to 4 bytes as radiotap's "data pad" flag says.
fn wlan(i: usize, b: &SegBuilder, pad: bool) -> Vec<u8> {
    let (subtype, flags) = match i % 3 {
        0 => (0u8, 0x01u8),
        1 => (8, 0x02),
        _ => (8, 0x03),
    };
    let mut f = vec![(subtype << 4) | 0x08, flags, 0x2c, 0];
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x0a, 0x02, 0, 0, 0, 0, 0x0b]);
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x0c]);
    f.extend_from_slice(&((i as u16) << 4).to_le_bytes());
    if flags == 0x03 {
        f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x0d]);
    }
    if subtype == 8 {
        f.extend_from_slice(&[0, 0]);
    }
    if pad {
        f.resize(f.len().div_ceil(4) * 4, 0);
    }
    f.extend(llc_snap(b));
    f
}

fn other_link(kind: OtherLink, i: usize, b: &SegBuilder) -> Vec<u8> {
    let v4 = b.is_ipv4();
    let with = |mut head: Vec<u8>, body: Vec<u8>| {
        head.extend(body);
        head
    };
    match kind {
        OtherLink::Wlan => wlan(i, b, false),
        OtherLink::Radiotap => {
            // Present: TSFT, Flags, Rate; Flags 0x20 (data pad) on the QoS frames.
            let mut r = vec![0, 0, 18, 0, 0x07, 0, 0, 0];
            r.extend_from_slice(&(1_000_000 + i as u64).to_le_bytes());
            r.extend_from_slice(&[if i.is_multiple_of(3) { 0 } else { 0x20 }, 12]);
            with(r, wlan(i, b, !i.is_multiple_of(3)))
        }
        OtherLink::Prism => {
            let mut p = Vec::new();
            p.extend_from_slice(&0x44u32.to_le_bytes());
            p.extend_from_slice(&144u32.to_le_bytes());
            p.extend_from_slice(b"wlan0\0\0\0\0\0\0\0\0\0\0\0");
            p.resize(144, 0);
            with(p, wlan(i, b, false))
        }
        OtherLink::Avs => {
            let mut a = vec![0x80, 0x21, 0x10, 0x01, 0, 0, 0, 64];
            a.resize(64, 0);
            with(a, wlan(i, b, false))
        }
        OtherLink::Ipoib => {
            let mut h = vec![0u8; 20];
            h.extend_from_slice(&[0, 0, 0, 1, 0xfe, 0x80, 0, 0, 0, 0, 0, 0]);
            h.extend_from_slice(&[0, 0x02, 0xc9, 0x03, 0, 0x12, 0x34, 0x56]);
            h.extend_from_slice(&b.ethertype());
            h.extend_from_slice(&[0, 0]);
            with(h, b.raw())
        }
        OtherLink::Fddi => {
            let mut h = vec![0x50];
            h.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]);
            with(h, llc_snap(b))
        }
        OtherLink::ArcnetLinux => {
            let proto = if v4 { 212 } else { 196 };
            with(vec![0x01, 0x02, 0, 0, proto, 0, 0, i as u8], b.raw())
        }
        OtherLink::ArcnetBsd => {
            let h = if v4 && i.is_multiple_of(2) {
                vec![0x01, 0x02, 240]
            } else {
                vec![0x01, 0x02, if v4 { 212 } else { 196 }, 0, 0, i as u8]
            };
            with(h, b.raw())
        }
        OtherLink::Juniper => {
            let h = if i.is_multiple_of(2) {
                b"MGC\x01".to_vec()
            } else {
                // Extension: one TLV, type 1 (interface index), length 1.
                b"MGC\x81\x00\x03\x01\x01\x07".to_vec()
            };
            with(h, b.ethernet())
        }
    }
}

/// The tunnels a synthetic capture can wrap its segments in.
#[derive(Clone, Copy)]
enum Tunnel {
    /// GRE (RFC 2784/2890), frame by frame: plain IP in GRE, IP in GRE with key and
    /// sequence number, and transparent Ethernet bridging (0x6558) with a checksum word.
    Gre,
    /// VXLAN (RFC 7348) over UDP 49152 → 4789, VNI 42, an Ethernet frame inside.
    Vxlan,
    /// IP in IP: protocol 41 (6in4, RFC 4213) for IPv6 segments, 4 for IPv4 ones.
    IpInIp,
    /// Geneve (RFC 8926) over UDP 49152 → 6081, one 4-byte option, an Ethernet frame.
    Geneve,
    /// A PPPoE session (RFC 2516), session id 0x1234, PPP protocol 0x0021 / 0x0057.
    Pppoe,
    /// An MPLS stack of two labels (RFC 3032), the second with the bottom-of-stack bit.
    Mpls,
    /// IEEE 802.3 frames (a length, not an EtherType) with LLC/SNAP (RFC 1042).
    LlcSnap,
    /// Cisco VN-Tag (0x8926), then every other frame an 802.1Q tag.
    VnTag,
    /// IEEE 802.1ah (0x88E7, I-SID 42), a customer frame inside with an 802.1Q tag.
    Pbb,
    /// ERSPAN in GRE, frame by frame: type I (0x88BE, no sequence number), type II
    /// (0x88BE, sequence number, 8-byte header), type III (0x22EB, 12-byte header with the
    /// O flag and an 8-byte platform subheader); a mirrored Ethernet frame inside.
    Erspan,
    /// A mirrored VXLAN frame (as [`Tunnel::Vxlan`]) in ERSPAN type II in GRE: ten
    /// layers above the TCP header, as a data centre's SPAN of an overlay shows them.
    ErspanVxlan,
    /// GTP-U (3GPP TS 29.281): UDP 2152 → 2152, a G-PDU (version 1, PT, type 0xFF) with
    /// TEID 0x1234, the user's IP packet inside; on odd frames the optional sequence
    /// number word (S flag) is present.
    GtpU,
    /// GRE over UDP (RFC 8086): UDP 49152 → 4754, GRE carrying IP.
    GreUdp,
    /// PPTP's enhanced GRE (RFC 2637 §4.1, version 1, key = payload length and call id),
    /// sequence number on even frames, acknowledgment number on odd ones, then PPP in the
    /// framings of [`ppp`].
    Pptp,
    /// Aruba's GRE (protocol 0x8200 / 0x8210) carrying an 802.11 data frame with LLC/SNAP.
    ArubaGre,
    /// Cisco FabricPath: outer addresses, FP tag 0x8903 (FTag 1, TTL 63), the frame, and
    /// the FCS that FabricPath frames end with (Wireshark always takes it off).
    FabricPath,
    /// CAPWAP data (RFC 5415): UDP 49152 → 5247, HLEN 2, radio 1, WBID 1 (802.11), T set;
    /// the 802.11 frame control bytes swapped, as Cisco controllers send them.
    Capwap,
    /// AYIYA: UDP 49152 → 5072, a 16-byte identity, a 20-byte signature, opcode forward.
    Ayiya,
    /// An Ethernet pseudowire over MPLS (RFC 4448): one label, then on even frames the
    /// RFC 4385 control word, then the customer's Ethernet frame (Intel and IANA
    /// addresses, so that Wireshark's OUI heuristic sees what is there).
    MplsPw,
}

/// A UDP header from `sport` to `dport` (checksum 0: none) before `payload`.
fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = sport.to_be_bytes().to_vec();
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

/// An Ethernet header of EtherType `ether_type` before `payload`.
fn ethernet_of(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
    f.extend_from_slice(&ether_type.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// The IEEE 802.3 frame check sequence (CRC-32, reflected, polynomial 0xEDB88320).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The RFC 1071 Internet checksum of `data`.
fn inet_checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An Ethernet frame with an outer IPv4 header of protocol `proto` around `payload`.
fn outer_ipv4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
    let sum = inet_checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00];
    f.extend_from_slice(&ip);
    f.extend_from_slice(payload);
    f
}

fn tunnel(kind: Tunnel, i: usize, b: &SegBuilder) -> Vec<u8> {
    match kind {
        Tunnel::Gre => {
            let mut g = match i % 3 {
                0 => vec![0x00, 0x00],
                1 => vec![0x30, 0x00],
                _ => vec![0x80, 0x00],
            };
            match i % 3 {
                0 | 1 => g.extend_from_slice(&b.ethertype()),
                _ => g.extend_from_slice(&[0x65, 0x58]),
            }
            match i % 3 {
                // Key 7, sequence number i.
                1 => {
                    g.extend_from_slice(&7u32.to_be_bytes());
                    g.extend_from_slice(&(i as u32).to_be_bytes());
                }
                // Checksum (filled in below) and reserved.
                2 => g.extend_from_slice(&[0; 4]),
                _ => {}
            }
            if i % 3 == 2 {
                g.extend_from_slice(&b.ethernet());
                // RFC 2784 §2.2: the checksum covers the GRE header and payload.
                let sum = inet_checksum(&g);
                g[4..6].copy_from_slice(&sum.to_be_bytes());
            } else {
                g.extend_from_slice(&b.raw());
            }
            outer_ipv4(47, &g)
        }
        Tunnel::Vxlan => {
            let eth = b.ethernet();
            let mut u = vec![0xc0, 0x00, 0x12, 0xb5];
            u.extend_from_slice(&((16 + eth.len()) as u16).to_be_bytes());
            // UDP checksum 0 (none, RFC 7348 §5), flags I, VNI 42.
            u.extend_from_slice(&[0, 0, 0x08, 0, 0, 0, 0, 0, 42, 0]);
            u.extend_from_slice(&eth);
            outer_ipv4(17, &u)
        }
        Tunnel::IpInIp => outer_ipv4(if b.is_ipv4() { 4 } else { 41 }, &b.raw()),
        Tunnel::Geneve => {
            let eth = b.ethernet();
            let mut u = vec![0xc0, 0x00, 0x17, 0xc1];
            u.extend_from_slice(&((8 + 12 + eth.len()) as u16).to_be_bytes());
            u.extend_from_slice(&[0, 0, 0x01, 0, 0x65, 0x58, 0, 0, 7, 0]);
            // One option: class 0x0102, type 0 (not critical), no data.
            u.extend_from_slice(&[0x01, 0x02, 0x00, 0x00]);
            u.extend_from_slice(&eth);
            outer_ipv4(17, &u)
        }
        Tunnel::Pppoe => {
            let ip = b.raw();
            let mut p = vec![0x11, 0x00, 0x12, 0x34];
            p.extend_from_slice(&((2 + ip.len()) as u16).to_be_bytes());
            p.extend_from_slice(if b.is_ipv4() {
                &[0x00, 0x21]
            } else {
                &[0x00, 0x57]
            });
            p.extend_from_slice(&ip);
            ethernet_of(0x8864, &p)
        }
        Tunnel::Mpls => {
            // Label 16 then label 32 (bottom of stack), TTL 64.
            let mut p = vec![0x00, 0x01, 0x00, 64, 0x00, 0x02, 0x01, 64];
            p.extend_from_slice(&b.raw());
            ethernet_of(0x8847, &p)
        }
        Tunnel::LlcSnap => {
            let mut p = vec![0xAA, 0xAA, 0x03, 0, 0, 0];
            p.extend_from_slice(&b.ethertype());
            p.extend_from_slice(&b.raw());
            ethernet_of(p.len() as u16, &p)
        }
        Tunnel::VnTag => {
            // Direction 1, destination VIF 1, source VIF 2.
            let mut p = vec![0x80, 0x01, 0x00, 0x02];
            if i % 2 == 1 {
                p.extend_from_slice(&[0x81, 0x00, 0x00, 0x0A]);
            }
            p.extend_from_slice(&b.ethertype());
            p.extend_from_slice(&b.raw());
            ethernet_of(0x8926, &p)
        }
        Tunnel::Pbb => {
            // I-TAG: priority 0, I-SID 42; the customer's addresses; an 802.1Q tag, VLAN 10.
            let mut p = vec![0x00, 0x00, 0x00, 42];
            p.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x12, 0x02, 0, 0, 0, 0, 0x11]);
            p.extend_from_slice(&[0x81, 0x00, 0x00, 0x0A]);
            p.extend_from_slice(&b.ethertype());
            p.extend_from_slice(&b.raw());
            ethernet_of(0x88E7, &p)
        }
        Tunnel::Erspan => {
            let seq = (i as u32).to_be_bytes();
            let mut g = match i % 3 {
                0 => vec![0x00, 0x00, 0x88, 0xBE],
                1 => {
                    // Sequence number; version 1, VLAN 0, session 1, index 0.
                    let mut g = vec![0x10, 0x00, 0x88, 0xBE];
                    g.extend_from_slice(&seq);
                    g.extend_from_slice(&[0x10, 0x00, 0x00, 0x01, 0, 0, 0, 0]);
                    g
                }
                _ => {
                    // Version 2, session 1, a timestamp, SGT 0, the O flag, then the
                    // 8-byte platform-specific subheader.
                    let mut g = vec![0x10, 0x00, 0x22, 0xEB];
                    g.extend_from_slice(&seq);
                    g.extend_from_slice(&[0x20, 0x00, 0x00, 0x01, 0, 0, 0x10, 0]);
                    g.extend_from_slice(&[0, 0, 0x00, 0x01]);
                    g.extend_from_slice(&[0x0C, 0, 0, 0, 0, 0, 0, 0]);
                    g
                }
            };
            g.extend_from_slice(&b.ethernet());
            outer_ipv4(47, &g)
        }
        Tunnel::ErspanVxlan => {
            // Sequence number; ERSPAN version 1, VLAN 0, session 1, index 0.
            let mut g = vec![0x10, 0x00, 0x88, 0xBE];
            g.extend_from_slice(&(i as u32).to_be_bytes());
            g.extend_from_slice(&[0x10, 0x00, 0x00, 0x01, 0, 0, 0, 0]);
            g.extend_from_slice(&tunnel(Tunnel::Vxlan, i, b));
            outer_ipv4(47, &g)
        }
        Tunnel::GtpU => {
            let ip = b.raw();
            let seq = i % 2 == 1;
            let mut g = vec![if seq { 0x32 } else { 0x30 }, 0xFF];
            g.extend_from_slice(&((ip.len() + if seq { 4 } else { 0 }) as u16).to_be_bytes());
            g.extend_from_slice(&0x1234u32.to_be_bytes());
            if seq {
                // Sequence number, N-PDU number, next extension header type (none).
                g.extend_from_slice(&[0, i as u8, 0, 0]);
            }
            g.extend_from_slice(&ip);
            outer_ipv4(17, &udp(2152, 2152, &g))
        }
        Tunnel::GreUdp => {
            let mut g = vec![0, 0];
            g.extend_from_slice(&b.ethertype());
            g.extend_from_slice(&b.raw());
            outer_ipv4(17, &udp(49152, 4754, &g))
        }
        Tunnel::Pptp => {
            let ppp = ppp(i, b);
            let ack = i % 2 == 1;
            let mut g = vec![if ack { 0x20 } else { 0x30 }, if ack { 0x81 } else { 0x01 }];
            g.extend_from_slice(&[0x88, 0x0B]);
            g.extend_from_slice(&(ppp.len() as u16).to_be_bytes());
            g.extend_from_slice(&[0x12, 0x34]);
            g.extend_from_slice(&(i as u32).to_be_bytes());
            g.extend_from_slice(&ppp);
            outer_ipv4(47, &g)
        }
        Tunnel::ArubaGre => {
            let mut g = vec![0, 0, 0x82, if i.is_multiple_of(2) { 0x00 } else { 0x10 }];
            g.extend(wlan(i, b, false));
            outer_ipv4(47, &g)
        }
        Tunnel::FabricPath => {
            let mut f = vec![0x02, 0, 0x01, 0, 0, 0x02, 0x02, 0, 0x02, 0, 0, 0x01];
            f.extend_from_slice(&[0x89, 0x03, 0x00, 0x7f]);
            f.extend_from_slice(&b.ethernet());
            let fcs = crc32(&f);
            f.extend_from_slice(&fcs.to_le_bytes());
            f
        }
        Tunnel::Capwap => {
            // Preamble 0; HLEN 2 words, radio 1, WBID 1, T; no fragment.
            let mut c = vec![0x00, 0x10, 0x43, 0x00, 0, 0, 0, 0];
            let mut w = wlan(i, b, false);
            w.swap(0, 1);
            c.extend(w);
            outer_ipv4(17, &udp(49152, 5247, &c))
        }
        Tunnel::Ayiya => {
            // Identity length 2^4, type 1; signature 5 words, SHA-1; auth 1, forward.
            let next = if b.is_ipv4() { 4 } else { 41 };
            let mut a = vec![0x41, 0x52, 0x11, next, 0x65, 0x53, 0xF1, 0x00];
            a.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
            a.extend_from_slice(&[0x5A; 20]);
            a.extend_from_slice(&b.raw());
            outer_ipv4(17, &udp(49152, 5072, &a))
        }
        Tunnel::MplsPw => {
            // Label 100, bottom of stack, TTL 64.
            // Wireshark tells the two apart by whether the first 12 bytes look like two
            // assigned addresses (its OUI database): two Intel addresses without a control
            // word; with one, IANA's 00-00-5E (read 4 bytes early: 5E-00-53, a locally
            // administered OUI).
            let mut p = vec![0x00, 0x06, 0x41, 64];
            if i.is_multiple_of(2) {
                p.extend_from_slice(&[0, 0, 0, i as u8]);
                p.extend_from_slice(&[0x00, 0x00, 0x5e, 0x00, 0x53, 0x01]);
            } else {
                p.extend_from_slice(&[0x00, 0x1b, 0x21, 0x00, 0x00, 0x01]);
            }
            p.extend_from_slice(&[0x3c, 0xfd, 0xfe, 0x00, 0x00, 0x02]);
            p.extend_from_slice(&b.ethertype());
            p.extend_from_slice(&b.raw());
            ethernet_of(0x8847, &p)
        }
    }
}

/// PPP framing number `i % 3`: RFC 1662 address and control, none, or a 1-byte protocol.
fn ppp(i: usize, b: &SegBuilder) -> Vec<u8> {
    let v4 = b.is_ipv4();
    let mut f = match i % 3 {
        0 => vec![0xff, 0x03, 0x00, if v4 { 0x21 } else { 0x57 }],
        1 => vec![0x00, if v4 { 0x21 } else { 0x57 }],
        _ => vec![0xff, 0x03, if v4 { 0x21 } else { 0x57 }],
    };
    f.extend_from_slice(&b.raw());
    f
}

/// An NFLOG TLV: little-endian length (header included) and type, padded to 4 bytes.
fn nflog_tlv(f: &mut Vec<u8>, tlv_type: u16, value: &[u8]) {
    f.extend_from_slice(&(4 + value.len() as u16).to_le_bytes());
    f.extend_from_slice(&tlv_type.to_le_bytes());
    f.extend_from_slice(value);
    f.resize(f.len().div_ceil(4) * 4, 0);
}

fn nflog(b: &SegBuilder) -> Vec<u8> {
    let v4 = b.is_ipv4();
    // Family AF_INET (2) or AF_INET6 (10), version 0, resource id (group) 5.
    let mut f = vec![if v4 { 2 } else { 10 }, 0, 0, 5];
    // NFULA_PACKET_HDR: hardware protocol (big-endian EtherType), hook, padding.
    let ether = if v4 { [0x08, 0x00] } else { [0x86, 0xdd] };
    nflog_tlv(&mut f, 1, &[ether[0], ether[1], 3, 0]);
    // NFULA_PREFIX: a NUL-terminated log prefix (5 bytes: padded).
    nflog_tlv(&mut f, 10, b"tcpl\0");
    // NFULA_PAYLOAD: the packet.
    nflog_tlv(&mut f, 9, &b.raw());
    f
}

fn write(dir: &Path, name: &str, link: Link, snaplen: u32, frames: &[(u64, SegBuilder)]) {
    let linktype = match link {
        Link::Ethernet | Link::Vlan(_) => 1,
        Link::Sll => 113,
        Link::Sll2 => 276,
        Link::Null => 0,
        Link::Raw | Link::Jumbo => 101,
        Link::Ppp => 9,
        Link::CiscoHdlc => 104,
        Link::Nflog => 239,
        Link::Tunnel(_) => 1,
        Link::Other(kind) => kind.linktype(),
    };
    let mut w = PcapWriter::new(linktype, snaplen);
    for (i, (t, b)) in frames.iter().enumerate() {
        let bytes = match link {
            Link::Ethernet => b.ethernet(),
            Link::Vlan(tags) => b.ethernet_vlan(tags),
            Link::Sll => b.sll(),
            Link::Sll2 => b.sll2(),
            Link::Null => b.null(),
            Link::Raw => b.raw(),
            Link::Ppp => ppp(i, b),
            Link::CiscoHdlc => {
                let mut f = vec![0x0f, 0x00];
                f.extend_from_slice(&b.ethertype());
                f.extend_from_slice(&b.raw());
                f
            }
            Link::Nflog => nflog(b),
            Link::Tunnel(kind) => tunnel(kind, i, b),
            Link::Jumbo => jumbogram(b.raw()),
            Link::Other(kind) => other_link(kind, i, b),
        };
        w.push(*t, &bytes);
    }
    let path = dir.join(name);
    std::fs::write(&path, w.into_bytes())
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    println!("wrote {} ({} frames)", path.display(), frames.len());
}

/// One connection (the HTTP GET) seen at several layers, as a capture point that sees both a
/// tunnel's underlay and its endpoints' own traffic does: frame by frame plain Ethernet,
/// IPv4 in GRE, Ethernet in VXLAN; the request, the first response segment and the client's
/// final ACK are each seen twice, once plain and once tunnelled, 20 µs apart. Wireshark keys
/// every copy by the innermost addresses and ports, so all are one tcp.stream and the second
/// copy of a segment is a retransmission (of an ACK, a duplicate ACK).
fn tunnel_mixed(dir: &Path) {
    let frames = http_get();
    let last = frames.len() - 1;
    let mut w = PcapWriter::new(1, 262_144);
    for (i, (t, b)) in frames.iter().enumerate() {
        let bytes = match i % 3 {
            0 => b.ethernet(),
            // GRE's plain IP framing (no key, no checksum).
            1 => tunnel(Tunnel::Gre, 0, b),
            _ => tunnel(Tunnel::Vxlan, i, b),
        };
        w.push(*t, &bytes);
        // The request (3), the first response segment (5) and the last ACK, twice.
        if i == 3 || i == 5 || i == last {
            let copy = if i % 3 == 0 {
                tunnel(Tunnel::Vxlan, i, b)
            } else {
                b.ethernet()
            };
            w.push(*t + 20, &copy);
        }
    }
    let path = dir.join("synthetic-tunnel-mixed.pcap");
    std::fs::write(&path, w.into_bytes())
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    println!("wrote {} ({} frames)", path.display(), frames.len() + 3);
}

/// An IPv6 packet whose payload does not fit the 16-bit length, rewritten as a jumbogram:
/// payload length 0, next header 0 (hop-by-hop), then a hop-by-hop header holding the
/// Jumbo Payload option (type 0xC2, 4 bytes: the length after the IPv6 header). Other
/// packets are left as they are.
fn jumbogram(raw: Vec<u8>) -> Vec<u8> {
    if raw[0] >> 4 != 6 || raw.len() - 40 <= 0xFFFF {
        return raw;
    }
    let next = raw[6];
    let jumbo = (raw.len() - 40 + 8) as u32;
    let mut p = raw[..40].to_vec();
    p[4..6].copy_from_slice(&[0, 0]);
    p[6] = 0;
    p.extend_from_slice(&[next, 0, 0xC2, 4]);
    p.extend_from_slice(&jumbo.to_be_bytes());
    p.extend_from_slice(&raw[40..]);
    p
}

/// The handshake, one data segment from the client and its ACK, then the four-way close.
fn one_segment_then_close(mut s: Script, data: &[u8]) -> Vec<(u64, SegBuilder)> {
    s.handshake(1_000)
        .at(500)
        .c("PA", data)
        .at(300)
        .s("A", b"")
        .at(300)
        .c("FA", b"")
        .at(300)
        .s("FA", b"")
        .at(300)
        .c("A", b"");
    s.frames
}

/// A BIG TCP transfer over IPv6: one 70,000-byte segment (a jumbogram) and its ACK.
fn big_tcp() -> Vec<(u64, SegBuilder)> {
    let s = Script::new("[2001:db8::5]:40001", "[2001:db8::9]:5201", 11, 90_000);
    let data = vec![b'x'; 70_000];
    one_segment_then_close(s, &data)
}

/// nc: handshake, 10 bytes each way-acked, 6 bytes back, then the three-packet close.
fn nc() -> Vec<(u64, SegBuilder)> {
    let mut s = Script::new(
        "10.0.0.1:43210",
        "10.0.0.2:5000",
        3_356_233_000,
        1_017_620_000,
    );
    s.handshake(200)
        .at(5_000)
        .c("PA", b"hello nc!\n")
        .at(100)
        .s("A", b"")
        .at(3_000)
        .s("PA", b"hi 42\n")
        .at(100)
        .c("A", b"")
        .at(2_000)
        .c("FA", b"")
        .at(100)
        .s("FA", b"")
        .at(100)
        .c("A", b"");
    s.frames
}

/// HTTP GET: a 77-byte request, a 2781-byte response in two segments, and the
/// four-packet close where the server's ACK and FIN come separately.
fn http_get() -> Vec<(u64, SegBuilder)> {
    let request =
        b"GET / HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n";
    assert_eq!(request.len(), 77);
    let mut response =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2700\r\n\r\n".to_vec();
    response.resize(2781, b'x');
    let mut s = Script::new(
        "192.168.1.100:51234",
        "93.184.216.34:80",
        2_001_000_000,
        3_900_000_000,
    );
    s.handshake(24_000)
        .at(150)
        .c("PA", request)
        .at(12_000)
        .s("A", b"")
        .at(300)
        .s("A", &response[..1448])
        .at(10)
        .s("PA", &response[1448..])
        .at(120)
        .c("A", b"")
        .at(4_000)
        .c("FA", b"")
        .at(12_000)
        .s("A", b"")
        .at(40)
        .s("FA", b"")
        .at(12_000)
        .c("A", b"");
    s.frames
}

/// HTTPS: the client closes first; the server answers with FIN+PSH+ACK carrying a TLS
/// close_notify, then resets.
fn https_rst() -> Vec<(u64, SegBuilder)> {
    let mut s = Script::new(
        "192.168.1.100:51300",
        "151.101.1.69:443",
        1_500_000_000,
        700_000_000,
    );
    let hello = vec![0x16; 517];
    let server_flight = vec![0x16; 1400];
    let finished = vec![0x17; 64];
    let app = vec![0x17; 350];
    let alert = vec![0x15; 31];
    s.handshake(30_000)
        .at(200)
        .c("PA", &hello)
        .at(15_000)
        .s("A", b"")
        .at(1_000)
        .s("PA", &server_flight)
        .at(200)
        .c("A", b"")
        .at(2_000)
        .c("PA", &finished)
        .at(15_000)
        .s("PA", &app)
        .at(200)
        .c("A", b"")
        .at(30_000)
        .c("FA", b"")
        .at(15_000)
        .s("FPA", &alert)
        .at(50)
        .s("R", b"");
    s.frames
}

/// One short connection, used to show every link type gives the same answer.
fn small_v4() -> Vec<(u64, SegBuilder)> {
    let s = Script::new("172.16.0.5:40000", "172.16.0.9:22", 100, 900);
    one_segment_then_close(s, b"SSH-2.0\r\n")
}

fn small_v6() -> Vec<(u64, SegBuilder)> {
    let mut s = Script::new("[2001:db8::5]:40000", "[2001:db8::9]:443", 7, 70_000);
    s.handshake(1_000)
        .at(500)
        .c("PA", b"hello over v6")
        .at(300)
        .s("A", b"")
        .at(300)
        .s("FA", b"")
        .at(300)
        .c("FA", b"")
        .at(300)
        .s("A", b"");
    s.frames
}

/// A VNC (RFB 3.8) session from `client` to `server`: the version exchange both ways,
/// security type None, ClientInit/ServerInit, a framebuffer update request and one raw
/// 16×8 update at 32 bits a pixel, then a FIN close. Wireshark 4.0's VNC heuristic makes a
/// new conversation on the first version message it sees, which splits the tcp.stream (see
/// docs/wireshark-differences.md).
fn vnc(client: &str, server: &str) -> Vec<(u64, SegBuilder)> {
    let mut server_init = Vec::new();
    server_init.extend_from_slice(&16u16.to_be_bytes());
    server_init.extend_from_slice(&8u16.to_be_bytes());
    // Pixel format: 32 bpp, depth 24, little-endian, true colour, 255/255/255, 16/8/0.
    server_init.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    server_init.extend_from_slice(&4u32.to_be_bytes());
    server_init.extend_from_slice(b"desk");
    // FramebufferUpdateRequest: not incremental, 0,0 16×8.
    let request = [3u8, 0, 0, 0, 0, 0, 0, 16, 0, 8];
    // FramebufferUpdate: one raw rectangle 0,0 16×8, 512 bytes of pixels.
    let mut update = vec![0u8, 0, 0, 1, 0, 0, 0, 0, 0, 16, 0, 8, 0, 0, 0, 0];
    update.extend((0..512u32).map(|i| (i % 251) as u8));
    let mut s = Script::new(client, server, 1_500_000_000, 2_600_000_000);
    s.handshake(1_000)
        .at(2_000)
        .s("PA", b"RFB 003.008\n")
        .at(500)
        .c("PA", b"RFB 003.008\n")
        .at(500)
        .s("PA", &[1, 1])
        .at(500)
        .c("PA", &[1])
        .at(500)
        .s("PA", &0u32.to_be_bytes())
        .at(500)
        .c("PA", &[1])
        .at(500)
        .s("PA", &server_init)
        .at(500)
        .c("PA", &request)
        .at(3_000)
        .s("PA", &update)
        .at(500)
        .c("A", b"")
        .at(2_000)
        .c("FA", b"")
        .at(500)
        .s("FA", b"")
        .at(500)
        .c("A", b"");
    s.frames
}

/// Two VNC sessions: the first to port 5999, where only Wireshark's VNC heuristic
/// recognises the version message (and splits the stream), the second to 5900, VNC's
/// registered port, where it does not; one second apart.
fn vnc_sessions() -> Vec<(u64, SegBuilder)> {
    let mut frames = vnc("10.5.0.1:50123", "10.5.0.2:5999");
    frames.extend(
        vnc("10.5.0.1:50124", "10.5.0.2:5900")
            .into_iter()
            .map(|(t, b)| (t + 1_000_000, b)),
    );
    frames
}

/// Same 4-tuple twice: a new ISN after the first connection closed is port reuse
/// (a new tcp.stream); the same ISN again is a repeated SYN on the same stream.
fn port_reuse() -> Vec<(u64, SegBuilder)> {
    let mut s = Script::new("10.9.0.1:33000", "10.9.0.2:80", 5_000, 9_000);
    s.handshake(1_000)
        .at(300)
        .c("FA", b"")
        .at(300)
        .s("FA", b"")
        .at(300)
        .c("A", b"");
    let mut again = Script::new("10.9.0.1:33000", "10.9.0.2:80", 77_000, 99_000);
    again.t_us = s.t_us + 2_000_000;
    // The second SYN repeats the first (same ISN) after a 1 s timeout.
    let repeat = SegBuilder::v4("10.9.0.1:33000", "10.9.0.2:80")
        .flags("S")
        .seq(77_000);
    again
        .c("S", b"")
        .at(1_000_000)
        .raw(repeat)
        .at(500)
        .s("SA", b"")
        .at(500)
        .c("A", b"")
        .at(300)
        .c("R", b"");
    s.frames.extend(again.frames);
    s.frames
}

/// One connection per diagnosis rule the other captures do not show: SYNs never
/// answered, a refused SYN, a SYN-ACK never acknowledged, a capture that starts
/// mid-connection, an ACK over bytes the capture missed, and a keep-alive after idling.
fn diagnosis_cases() -> Vec<(u64, SegBuilder)> {
    let start = 1_700_000_000_000_000;
    let mut frames = Vec::new();
    let mut add = |s: Script| frames.extend(s.frames);

    let mut unanswered = Script::new("10.8.0.1:40001", "10.8.0.2:80", 1_000, 0);
    let syn = || {
        SegBuilder::v4("10.8.0.1:40001", "10.8.0.2:80")
            .flags("S")
            .seq(1_000)
    };
    unanswered
        .raw(syn())
        .at(1_000_000)
        .raw(syn())
        .at(2_000_000)
        .raw(syn());
    add(unanswered);

    let mut refused = Script::new("10.8.0.1:40002", "10.8.0.2:81", 2_000, 0);
    refused.t_us = start + 3_100_000;
    refused.c("S", b"").at(300).s("RA", b"");
    add(refused);

    let mut unfinished = Script::new("10.8.0.1:40003", "10.8.0.2:82", 3_000, 7_000);
    unfinished.t_us = start + 3_200_000;
    unfinished.c("S", b"").at(300).s("SA", b"");
    add(unfinished);

    let mut midway = Script::new("10.8.0.1:40004", "10.8.0.2:83", 4_000, 8_000);
    midway.t_us = start + 3_300_000;
    midway
        .c("PA", b"GET / HTTP/1.0\r\n\r\n")
        .at(500)
        .s("A", b"");
    add(midway);

    let mut missed = Script::new("10.8.0.1:40005", "10.8.0.2:84", 5_000, 9_000);
    missed.t_us = start + 3_400_000;
    missed.handshake(1_000).at(200).c("PA", &[b'a'; 100]);
    // 100 bytes the capture point drops, then the rest; the server acknowledges it all.
    missed.cseq += 100;
    missed.at(100).c("PA", &[b'c'; 100]).at(500).s("A", b"");
    add(missed);

    let mut idle = Script::new("10.8.0.1:40006", "10.8.0.2:85", 6_000, 10_000);
    idle.t_us = start + 3_500_000;
    idle.handshake(1_000)
        .at(200)
        .c("PA", b"ping")
        .at(500)
        .s("A", b"");
    // 45 s later, a keep-alive: one byte below the next sequence number, no data.
    idle.cseq -= 1;
    idle.at(45_000_000).c("A", b"").at(400).s("A", b"");
    add(idle);
    frames
}

/// Sequence numbers that wrap through zero on both sides.
fn seq_wrap() -> Vec<(u64, SegBuilder)> {
    let mut s = Script::new("10.7.0.1:44000", "10.7.0.2:8080", 0xffff_fff0, 0xffff_ff00);
    s.handshake(1_000)
        .at(100)
        .c("PA", &[1u8; 40])
        .at(100)
        .s("PA", &[2u8; 300])
        .at(100)
        .c("A", b"")
        .at(100)
        .c("FA", b"")
        .at(100)
        .s("FA", b"")
        .at(100)
        .c("A", b"");
    s.frames
}

/// Simultaneous open (RFC 9293 figure 7) and simultaneous close (figure 13), with
/// half-close data in between on another connection.
fn simultaneous() -> Vec<(u64, SegBuilder)> {
    let a = "10.5.0.1:6000";
    let b = "10.5.0.2:6001";
    let seg = |src: &str, dst: &str, f: &str, seq: u32, ack: u32| {
        SegBuilder::v4_or_v6(src, dst).flags(f).seq(seq).ack(ack)
    };
    let mut s = Script::new(a, b, 0, 0);
    s.raw(seg(a, b, "S", 100, 0))
        .at(10)
        .raw(seg(b, a, "S", 300, 0))
        .at(500)
        .raw(seg(a, b, "SA", 100, 301))
        .at(10)
        .raw(seg(b, a, "SA", 300, 101))
        .at(500)
        .raw(seg(a, b, "PA", 101, 301).payload(b"ping"))
        .at(500)
        .raw(seg(b, a, "A", 301, 105))
        .at(500)
        .raw(seg(a, b, "FA", 105, 301))
        .at(10)
        .raw(seg(b, a, "FA", 301, 105))
        .at(500)
        .raw(seg(a, b, "A", 106, 302))
        .at(10)
        .raw(seg(b, a, "A", 302, 106));
    // Half-close: the client closes, the server goes on sending, then closes.
    let mut h = Script::new("10.5.1.1:7000", "10.5.1.2:80", 1_000, 50_000);
    h.t_us = s.t_us + 1_000;
    h.handshake(400)
        .at(100)
        .c("PA", b"GET /big\r\n")
        .at(100)
        .c("FA", b"")
        .at(200)
        .s("A", b"")
        .at(200)
        .s("A", &[3u8; 1000])
        .at(10)
        .s("PA", &[4u8; 500])
        .at(200)
        .c("A", b"")
        .at(300)
        .s("FA", b"")
        .at(200)
        .c("A", b"");
    s.frames.extend(h.frames);
    s.frames
}

/// Raw-IP frames with broken or unusual headers, each one a case Wireshark handles in
/// its own way: a bogus data offset, a header cut at 16 bytes, a "short segment", ICMP
/// errors quoting TCP (whole and 8 bytes), GTP-U, an IP fragment, bad IP headers, UDP.
fn malformed(dir: &Path) {
    let base = |sport: u16| SegBuilder::v4(&format!("10.3.0.1:{sport}"), "10.3.0.2:80");
    let mut frames: Vec<Vec<u8>> = Vec::new();
    frames.push(base(1000).flags("S").seq(500).mss(1460).raw());
    // Data offset 4 words, 4 bytes of payload.
    let mut f = base(1001).flags("S").seq(600).payload(b"abcd").raw();
    f[32] = 0x40 | (f[32] & 0x0f);
    frames.push(f);
    // Only 16 bytes of TCP inside the IP length.
    let mut f = base(1002).flags("SA").seq(700).ack(7).raw();
    f.truncate(36);
    f[2..4].copy_from_slice(&36u16.to_be_bytes());
    frames.push(f);
    // A header claiming 60 bytes in a 32-byte segment.
    let mut f = base(1003)
        .flags("PA")
        .seq(800)
        .ack(9)
        .payload(&[0u8; 12])
        .raw();
    f[32] = 0xf0 | (f[32] & 0x0f);
    frames.push(f);
    // The ACK after frame 1's SYN, to show the conversation goes on.
    frames.push(
        SegBuilder::v4("10.3.0.2:80", "10.3.0.1:1000")
            .flags("SA")
            .seq(9000)
            .ack(501)
            .raw(),
    );
    // ICMP port unreachable quoting a whole TCP header, then one quoting only 8 bytes.
    let quoted = base(1004).flags("S").seq(900).mss(1460).raw();
    for cut in [quoted.len(), 28] {
        let mut icmp = vec![3u8, 3, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&quoted[..cut]);
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&((20 + icmp.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0, 0, 64, 1, 0, 0, 10, 3, 0, 2, 10, 3, 0, 1]);
        ip.extend_from_slice(&icmp);
        frames.push(ip);
    }
    // GTP-U (UDP 2152) carrying a TCP SYN.
    let inner = SegBuilder::v4("10.200.0.1:40000", "10.200.0.2:443")
        .flags("S")
        .seq(1)
        .raw();
    let mut udp = vec![0x08, 0x68, 0x08, 0x68];
    udp.extend_from_slice(&((16 + inner.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0, 0x30, 0xff]);
    udp.extend_from_slice(&(inner.len() as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0, 0, 1]);
    udp.extend_from_slice(&inner);
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + udp.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 50, 1, 192, 168, 50, 2]);
    ip.extend_from_slice(&udp);
    frames.push(ip);
    // An IP fragment (more fragments) whose partner never comes.
    let mut f = base(1005)
        .flags("PA")
        .seq(1)
        .ack(1)
        .payload(&[1u8; 100])
        .ip_id(77)
        .raw();
    f[6] = 0x20;
    f[7] = 0;
    frames.push(f);
    // IHL 4, IP version 7, and a plain UDP datagram.
    let mut f = base(1006).flags("S").raw();
    f[0] = 0x44;
    frames.push(f);
    let mut f = base(1007).flags("S").raw();
    f[0] = 0x75;
    frames.push(f);
    let mut f = base(1008).flags("S").raw();
    f[9] = 17;
    frames.push(f);

    let mut w = PcapWriter::new(101, 262_144);
    for (i, f) in frames.iter().enumerate() {
        w.push(1_700_000_000_000_000 + i as u64 * 1000, f);
    }
    let path = dir.join("synthetic-malformed.pcap");
    std::fs::write(&path, w.into_bytes()).expect("writing synthetic-malformed.pcap");
    println!("wrote {} ({} frames)", path.display(), frames.len());
}

/// The IPv4 packet `pkt` (20-byte header) as fragments: each piece is (offset, length) of
/// its payload; more-fragments is set on all but the piece reaching the end; `id` is the
/// identification.
fn fragments_v4(pkt: &[u8], id: u16, pieces: &[(usize, usize)]) -> Vec<Vec<u8>> {
    let payload = &pkt[20..];
    pieces
        .iter()
        .map(|&(off, len)| {
            let mut f = pkt[..20].to_vec();
            f[2..4].copy_from_slice(&((20 + len) as u16).to_be_bytes());
            f[4..6].copy_from_slice(&id.to_be_bytes());
            let more = if off + len < payload.len() { 0x2000 } else { 0 };
            f[6..8].copy_from_slice(&((more | (off / 8)) as u16).to_be_bytes());
            f[10..12].copy_from_slice(&[0, 0]);
            let sum = inet_checksum(&f);
            f[10..12].copy_from_slice(&sum.to_be_bytes());
            f.extend_from_slice(&payload[off..off + len]);
            f
        })
        .collect()
}

/// The IPv6 packet `pkt` (40-byte header, no extension) as fragments with a Fragment
/// header (RFC 8200 §4.5) of identification `id`, pieces as in [`fragments_v4`].
fn fragments_v6(pkt: &[u8], id: u32, pieces: &[(usize, usize)]) -> Vec<Vec<u8>> {
    let payload = &pkt[40..];
    pieces
        .iter()
        .map(|&(off, len)| {
            let mut f = pkt[..40].to_vec();
            f[4..6].copy_from_slice(&((8 + len) as u16).to_be_bytes());
            f[6] = 44;
            let more = u16::from(off + len < payload.len());
            f.extend_from_slice(&[pkt[6], 0]);
            f.extend_from_slice(&((off as u16) | more).to_be_bytes());
            f.extend_from_slice(&id.to_be_bytes());
            f.extend_from_slice(&payload[off..off + len]);
            f
        })
        .collect()
}

/// IP fragments as Wireshark reassembles them (issue 15). IPv4: a 3,000-byte segment in
/// three fragments in order; a 2,000-byte one out of order with a duplicate first
/// fragment; a late copy of a fragment of a completed datagram (starts a datagram that
/// never completes); overlapping fragments; a lone middle fragment. IPv6: a 2,500-byte
/// segment in two fragments. GRE and GTP-U: a segment whose outer IPv4 header is
/// fragmented (GTP-U's fragments out of order).
fn ip_fragments(dir: &Path) {
    let mut frames: Vec<(u64, Vec<u8>)> = Vec::new();
    // Each script frame as Ethernet frames, 100 µs apart: its IP packet in the pieces
    // `split` makes of it (frame index, packet).
    let push = |frames: &mut Vec<(u64, Vec<u8>)>,
                s: &Script,
                ether_type: u16,
                split: &dyn Fn(usize, Vec<u8>) -> Vec<Vec<u8>>| {
        for (i, (t, b)) in s.frames.iter().enumerate() {
            for (k, p) in split(i, b.raw()).iter().enumerate() {
                frames.push((t + k as u64 * 100, ethernet_of(ether_type, p)));
            }
        }
    };
    let mut s = Script::new("10.9.0.1:40000", "10.9.0.2:80", 1000, 5000);
    s.handshake(2_000);
    for (fill, len) in [(b'a', 3000), (b'b', 2000), (b'c', 1500)] {
        s.at(1_000).c("PA", &vec![fill; len]).at(1_000).s("A", b"");
    }
    close(&mut s);
    push(&mut frames, &s, 0x0800, &|i, ip| {
        let id = 0x100 + i as u16;
        match i {
            3 => fragments_v4(&ip, id, &[(0, 1480), (1480, 1480), (2960, 60)]),
            5 => {
                let f = fragments_v4(&ip, id, &[(0, 1000), (1000, 1000), (2000, 20)]);
                // Last, first, first again, middle; then the last once more, late.
                [2, 0, 0, 1, 2].iter().map(|&k| f[k].clone()).collect()
            }
            // Bytes 1000..1200 arrive twice.
            7 => fragments_v4(&ip, id, &[(0, 1200), (1000, 520)]),
            _ => vec![ip],
        }
    });
    // A lone middle fragment of a datagram whose other pieces were not captured.
    let lone = SegBuilder::v4("10.9.0.1:40000", "10.9.0.2:80")
        .flags("PA")
        .payload(&[b'z'; 3000])
        .raw();
    let t = frames.last().map_or(0, |f| f.0) + 1_000;
    let mid = fragments_v4(&lone, 0x999, &[(1480, 1480)]);
    frames.push((t, ethernet_of(0x0800, &mid[0])));

    let mut s = Script::new("[2001:db8::1]:40001", "[2001:db8::2]:80", 1, 7000);
    s.t_us = t + 1_000;
    s.handshake(2_000)
        .at(1_000)
        .c("PA", &[b'd'; 2500])
        .at(1_000)
        .s("A", b"");
    close(&mut s);
    push(&mut frames, &s, 0x86DD, &|i, ip| match i {
        3 => fragments_v6(&ip, 0xABCD, &[(0, 1448), (1448, 1072)]),
        _ => vec![ip],
    });

    // GRE (IP in GRE) over an outer IPv4 header fragmented in two.
    let mut s = Script::new("10.20.0.1:40002", "10.20.0.2:443", 100, 900);
    s.t_us = frames.last().map_or(0, |f| f.0) + 1_000;
    s.handshake(2_000)
        .at(1_000)
        .c("PA", &[b'e'; 1600])
        .at(1_000)
        .s("A", b"");
    push(&mut frames, &s, 0x0800, &|i, inner| {
        let mut gre = vec![0, 0, 0x08, 0x00];
        gre.extend_from_slice(&inner);
        let mut outer = outer_ipv4(47, &gre).split_off(14);
        if i != 3 {
            return vec![outer];
        }
        outer[6] = 0; // clear DF
        fragments_v4(&outer, 0x4242, &[(0, 1400), (1400, gre.len() - 1400)])
    });

    // GTP-U over an outer IPv4 header fragmented in two, the second fragment first.
    let mut s = Script::new("10.30.0.1:40003", "10.30.0.2:443", 300, 700);
    s.t_us = frames.last().map_or(0, |f| f.0) + 1_000;
    s.handshake(2_000)
        .at(1_000)
        .c("PA", &[b'f'; 1600])
        .at(1_000)
        .s("A", b"");
    push(&mut frames, &s, 0x0800, &|i, inner| {
        let mut g = vec![0x30, 0xFF];
        g.extend_from_slice(&(inner.len() as u16).to_be_bytes());
        g.extend_from_slice(&[0, 0, 0x56, 0x78]);
        g.extend_from_slice(&inner);
        let u = udp(2152, 2152, &g);
        let mut outer = outer_ipv4(17, &u).split_off(14);
        if i != 3 {
            return vec![outer];
        }
        outer[6] = 0; // clear DF
        let f = fragments_v4(&outer, 0x4343, &[(0, 1400), (1400, u.len() - 1400)]);
        vec![f[1].clone(), f[0].clone()]
    });

    let mut w = PcapWriter::new(1, 262_144);
    for (t, f) in &frames {
        w.push(*t, f);
    }
    let path = dir.join("synthetic-ip-fragments.pcap");
    std::fs::write(&path, w.into_bytes()).expect("writing synthetic-ip-fragments.pcap");
    println!("wrote {} ({} frames)", path.display(), frames.len());
}

/// The four-way close, 1 ms apart: client FIN, server FIN, client ACK.
fn close(s: &mut Script) {
    s.at(1_000)
        .c("FA", b"")
        .at(1_000)
        .s("FA", b"")
        .at(1_000)
        .c("A", b"");
}

/// Ethernet frames of a short IPv4 and a short IPv6 connection, with ICMP and ICMPv6
/// errors from a router quoting only the start of the client's data segment: 8 bytes of
/// TCP header (RFC 792's minimum: ports and sequence number), 12 bytes, and 4 (the ports).
/// tshark shows the ports of each and, in ICMPv4 only, the sequence number, but files none
/// of them under a conversation.
fn icmp_truncated_quote(dir: &Path) {
    fn ether(ip: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        f.extend_from_slice(if ip[0] >> 4 == 6 {
            &[0x86, 0xdd]
        } else {
            &[0x08, 0x00]
        });
        f.extend_from_slice(ip);
        f
    }
    /// An ICMP(v6) error from `router` quoting the first `tcp_bytes` of `segment`'s TCP
    /// header (after its IP header).
    fn error(router: [u8; 16], kind: u8, code: u8, segment: &[u8], tcp_bytes: usize) -> Vec<u8> {
        let v6 = segment[0] >> 4 == 6;
        let ip_len = if v6 { 40 } else { 20 };
        let mut icmp = vec![kind, code, 0, 0, 0, 0, 0, 0];
        if v6 && kind == 2 {
            // Packet too big: the MTU of the next hop.
            icmp[4..8].copy_from_slice(&1280u32.to_be_bytes());
        }
        icmp.extend_from_slice(&segment[..ip_len + tcp_bytes]);
        if v6 {
            let mut ip = vec![0x60, 0, 0, 0];
            ip.extend_from_slice(&(icmp.len() as u16).to_be_bytes());
            ip.extend_from_slice(&[58, 64]);
            ip.extend_from_slice(&router);
            ip.extend_from_slice(&segment[8..24]);
            ip.extend_from_slice(&icmp);
            ip
        } else {
            let mut ip = vec![0x45, 0];
            ip.extend_from_slice(&((20 + icmp.len()) as u16).to_be_bytes());
            ip.extend_from_slice(&[0, 0, 0, 0, 64, 1, 0, 0]);
            ip.extend_from_slice(&router[..4]);
            ip.extend_from_slice(&segment[12..16]);
            ip.extend_from_slice(&icmp);
            ip
        }
    }
    /// ICMP type, code, and how many bytes of TCP header the error quotes.
    type Quote = (u8, u8, usize);
    let mut frames: Vec<(u64, Vec<u8>)> = Vec::new();
    let cases: [(&str, &str, [u8; 16], &[Quote]); 2] = [
        (
            "192.0.2.10:51000",
            "198.51.100.20:80",
            [192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            // Fragmentation needed, time exceeded, administratively prohibited.
            &[(3, 4, 8), (11, 0, 12), (3, 13, 4)],
        ),
        (
            "[2001:db8::10]:51001",
            "[2001:db8:1::20]:443",
            [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            // Packet too big, administratively prohibited.
            &[(2, 0, 8), (1, 1, 12)],
        ),
    ];
    for (client, server, router, errors) in cases {
        let mut s = Script::new(client, server, 4_000, 80_000);
        // The second connection starts after the first, so time only goes forward.
        s.t_us = frames.last().map_or(s.t_us, |(t, _)| t + 10_000);
        s.handshake(2_000)
            .at(500)
            .c("PA", b"GET / HTTP/1.1\r\n\r\n");
        let data = s.frames.last().expect("the data segment").1.raw();
        for &(kind, code, n) in errors {
            s.at(1_000);
            frames.push((s.t_us, ether(&error(router, kind, code, &data, n))));
        }
        // The errors go between the data segment and the rest of the connection.
        let errs = frames.split_off(frames.len() - errors.len());
        frames.extend(s.frames.drain(..).map(|(t, b)| (t, ether(&b.raw()))));
        frames.extend(errs);
        s.at(20_000)
            .s("A", b"")
            .at(300)
            .c("FA", b"")
            .at(300)
            .s("FA", b"")
            .at(300)
            .c("A", b"");
        frames.extend(s.frames.drain(..).map(|(t, b)| (t, ether(&b.raw()))));
    }
    let mut w = PcapWriter::new(1, 262_144);
    for (t, f) in &frames {
        w.push(*t, f);
    }
    let path = dir.join("synthetic-icmp-truncated-quote.pcap");
    std::fs::write(&path, w.into_bytes()).expect("writing synthetic-icmp-truncated-quote.pcap");
    println!("wrote {} ({} frames)", path.display(), frames.len());
}

/// A pcapng file with two interfaces of different link types and snapshot lengths
/// (Ethernet and raw IP), as merged captures have; libpcap 1.10 refuses it.
fn two_interfaces(dir: &Path) {
    let mut f = pcapng_section_header();
    // Interface 0: Ethernet, snaplen 65535; interface 1: raw IP, snaplen 8192, ns timestamps.
    f.extend(pcapng_block(1, &[1, 0, 0, 0, 0xff, 0xff, 0, 0]));
    f.extend(pcapng_block(
        1,
        &[101, 0, 0, 0, 0, 0x20, 0, 0, 9, 0, 1, 0, 9, 0, 0, 0],
    ));
    let frames = small_v4();
    for (i, (t_us, b)) in frames.iter().enumerate() {
        let (iface, ts, bytes) = if i % 2 == 0 {
            (0u32, *t_us, b.ethernet())
        } else {
            (1, t_us * 1000, b.raw())
        };
        f.extend(pcapng_epb(iface, ts, &bytes));
    }
    let path = dir.join("synthetic-two-interfaces.pcapng");
    std::fs::write(&path, f).expect("writing synthetic-two-interfaces.pcapng");
    println!("wrote {} ({} frames)", path.display(), frames.len());
}

/// Wireshark 4.0 quirks tcplens reproduces, one small capture each
/// (docs/wireshark-differences.md explains them).
fn quirks(dir: &Path) {
    let a = "10.8.0.1:5555";
    let b = "10.8.0.2:80";
    let seg = |src: &str, dst: &str, f: &str, seq: u32, ack: u32| {
        SegBuilder::v4_or_v6(src, dst).flags(f).seq(seq).ack(ack)
    };
    let handshake = |s: &mut Script| {
        s.raw(seg(a, b, "S", 0, 0).timestamps(1, 0))
            .at(1_000)
            .raw(seg(b, a, "SA", 1000, 1).timestamps(2, 1))
            .at(1_000)
            .raw(seg(a, b, "A", 1, 1001).timestamps(3, 2));
    };

    // Options cut by a 44-byte snaplen: Wireshark's option dissector throws and no
    // SEQ/ACK analysis is shown, although it ran.
    let mut s = Script::new(a, b, 0, 0);
    handshake(&mut s);
    s.at(1_000)
        .raw(
            seg(a, b, "PA", 1, 1001)
                .timestamps(4, 3)
                .payload(&[1u8; 100]),
        )
        .at(1_000)
        .raw(seg(b, a, "A", 1001, 101).timestamps(5, 4));
    write(
        dir,
        "quirk-options-cut-by-snaplen.pcap",
        Link::Raw,
        44,
        &s.frames,
    );

    // An empty SACK option (kind 5, length 2): the same exception, on one frame.
    let mut s = Script::new(a, b, 0, 0);
    handshake(&mut s);
    s.at(1_000)
        .raw(seg(a, b, "PA", 1, 1001).payload(&[1u8; 100]))
        .at(1_000)
        .raw(seg(b, a, "A", 1001, 101).sack(&[]))
        .at(1_000)
        .raw(seg(a, b, "PA", 101, 1001).payload(&[2u8; 100]))
        .at(1_000)
        .raw(seg(b, a, "A", 1001, 201));
    write(dir, "quirk-empty-sack.pcap", Link::Raw, 262_144, &s.frames);

    // Four SACK blocks: bytes in flight subtract only the first three.
    let mut s = Script::new(a, b, 0, 0);
    handshake(&mut s);
    for (i, seq) in [1u32, 201, 401, 601, 801].into_iter().enumerate() {
        s.at(100)
            .raw(seg(a, b, "A", seq, 1001).payload(&[i as u8; 100]));
    }
    s.at(1_000)
        .raw(seg(b, a, "A", 1001, 101).sack(&[(201, 301), (401, 501), (601, 701), (801, 901)]))
        .at(100)
        .raw(seg(a, b, "A", 901, 1001).payload(&[9u8; 100]));
    write(
        dir,
        "quirk-four-sack-blocks.pcap",
        Link::Raw,
        262_144,
        &s.frames,
    );

    // A timeout retransmission of the second of two unacknowledged segments: 4.0 points
    // rto_frame at the oldest unacknowledged segment (frame 4), not the one resent (5).
    let mut s = Script::new(a, b, 0, 0);
    handshake(&mut s);
    s.at(1_000)
        .raw(seg(a, b, "PA", 1, 1001).payload(&[1u8; 100]))
        .at(100)
        .raw(seg(a, b, "PA", 101, 1001).payload(&[2u8; 100]))
        .at(300_000)
        .raw(seg(a, b, "PA", 101, 1001).payload(&[2u8; 100]))
        .at(1_000)
        .raw(seg(b, a, "A", 1001, 201));
    write(
        dir,
        "quirk-rto-oldest-segment.pcap",
        Link::Raw,
        262_144,
        &s.frames,
    );
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/captures".into());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("creating the output folder");
    write(dir, "seed-nc.pcap", Link::Ethernet, 262_144, &nc());
    write(
        dir,
        "seed-http-get.pcap",
        Link::Ethernet,
        262_144,
        &http_get(),
    );
    write(
        dir,
        "seed-https-rst.pcap",
        Link::Ethernet,
        262_144,
        &https_rst(),
    );
    write(
        dir,
        "synthetic-vlan-qinq.pcap",
        Link::Vlan(&[100, 200]),
        262_144,
        &small_v4(),
    );
    write(dir, "synthetic-sll.pcap", Link::Sll, 262_144, &small_v6());
    write(dir, "synthetic-sll2.pcap", Link::Sll2, 262_144, &small_v4());
    write(
        dir,
        "synthetic-null-ipv6.pcap",
        Link::Null,
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-raw-snaplen64.pcap",
        Link::Raw,
        64,
        &http_get(),
    );
    write(
        dir,
        "synthetic-port-reuse.pcap",
        Link::Ethernet,
        262_144,
        &port_reuse(),
    );
    write(
        dir,
        "synthetic-seq-wrap.pcap",
        Link::Ethernet,
        262_144,
        &seq_wrap(),
    );
    write(
        dir,
        "synthetic-simultaneous-half-close.pcap",
        Link::Ethernet,
        262_144,
        &simultaneous(),
    );
    write(
        dir,
        "synthetic-diagnosis.pcap",
        Link::Ethernet,
        262_144,
        &diagnosis_cases(),
    );
    write(dir, "synthetic-ppp.pcap", Link::Ppp, 262_144, &http_get());
    write(
        dir,
        "synthetic-gre.pcap",
        Link::Tunnel(Tunnel::Gre),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-vxlan.pcap",
        Link::Tunnel(Tunnel::Vxlan),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-6in4.pcap",
        Link::Tunnel(Tunnel::IpInIp),
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-geneve.pcap",
        Link::Tunnel(Tunnel::Geneve),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-pppoe.pcap",
        Link::Tunnel(Tunnel::Pppoe),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-mpls.pcap",
        Link::Tunnel(Tunnel::Mpls),
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-ipv6-jumbogram.pcap",
        Link::Jumbo,
        262_144,
        &big_tcp(),
    );
    write(
        dir,
        "synthetic-llc-snap.pcap",
        Link::Tunnel(Tunnel::LlcSnap),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-vntag.pcap",
        Link::Tunnel(Tunnel::VnTag),
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-pbb.pcap",
        Link::Tunnel(Tunnel::Pbb),
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-ipip.pcap",
        Link::Tunnel(Tunnel::IpInIp),
        262_144,
        &nc(),
    );
    write(
        dir,
        "synthetic-ppp-ipv6.pcap",
        Link::Ppp,
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-cisco-hdlc.pcap",
        Link::CiscoHdlc,
        262_144,
        &small_v6(),
    );
    write(
        dir,
        "synthetic-nflog.pcap",
        Link::Nflog,
        262_144,
        &http_get(),
    );
    write(
        dir,
        "synthetic-nflog-ipv6.pcap",
        Link::Nflog,
        262_144,
        &small_v6(),
    );
    // The encapsulations and link types of issue 15, each over a short conversation.
    for (name, link, v6) in [
        ("synthetic-erspan.pcap", Link::Tunnel(Tunnel::Erspan), false),
        (
            "synthetic-erspan-vxlan.pcap",
            Link::Tunnel(Tunnel::ErspanVxlan),
            true,
        ),
        ("synthetic-gre-udp.pcap", Link::Tunnel(Tunnel::GreUdp), true),
        ("synthetic-gtp-u.pcap", Link::Tunnel(Tunnel::GtpU), false),
        ("synthetic-pptp.pcap", Link::Tunnel(Tunnel::Pptp), false),
        (
            "synthetic-aruba-gre.pcap",
            Link::Tunnel(Tunnel::ArubaGre),
            false,
        ),
        (
            "synthetic-fabricpath.pcap",
            Link::Tunnel(Tunnel::FabricPath),
            false,
        ),
        ("synthetic-capwap.pcap", Link::Tunnel(Tunnel::Capwap), false),
        ("synthetic-ayiya.pcap", Link::Tunnel(Tunnel::Ayiya), true),
        (
            "synthetic-mpls-pw.pcap",
            Link::Tunnel(Tunnel::MplsPw),
            false,
        ),
        ("synthetic-wlan.pcap", Link::Other(OtherLink::Wlan), false),
        (
            "synthetic-radiotap.pcap",
            Link::Other(OtherLink::Radiotap),
            false,
        ),
        ("synthetic-prism.pcap", Link::Other(OtherLink::Prism), true),
        ("synthetic-avs.pcap", Link::Other(OtherLink::Avs), false),
        ("synthetic-ipoib.pcap", Link::Other(OtherLink::Ipoib), true),
        ("synthetic-fddi.pcap", Link::Other(OtherLink::Fddi), false),
        (
            "synthetic-arcnet-linux.pcap",
            Link::Other(OtherLink::ArcnetLinux),
            true,
        ),
        (
            "synthetic-arcnet-bsd.pcap",
            Link::Other(OtherLink::ArcnetBsd),
            false,
        ),
        (
            "synthetic-juniper-ether.pcap",
            Link::Other(OtherLink::Juniper),
            false,
        ),
    ] {
        let frames = if v6 { small_v6() } else { http_get() };
        write(dir, name, link, 262_144, &frames);
    }
    write(
        dir,
        "synthetic-vnc.pcap",
        Link::Ethernet,
        262_144,
        &vnc_sessions(),
    );
    tunnel_mixed(dir);
    malformed(dir);
    ip_fragments(dir);
    icmp_truncated_quote(dir);
    two_interfaces(dir);
    quirks(dir);
}
