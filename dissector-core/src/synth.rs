//! Synthetic packets and pcap files, for tests, fixtures and capture generators.
//!
//! `SegBuilder` writes one TCP segment in any supported link type with correct IP and TCP
//! checksums; `PcapWriter` lays frames into a classic pcap file (microsecond timestamps).
//! Nothing here is on the analysis path.

use core::net::{IpAddr, SocketAddr};

/// Builds one TCP segment.
#[derive(Debug, Clone)]
pub struct SegBuilder {
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    options: Vec<u8>,
    payload: Vec<u8>,
    hop_by_hop: bool,
    ip_id: u16,
}

fn sock(s: &str) -> SocketAddr {
    s.parse()
        .unwrap_or_else(|_| panic!("not an address:port: {s}"))
}

impl SegBuilder {
    /// An IPv4 segment from `src` to `dst`, both "a.b.c.d:port".
    pub fn v4(src: &str, dst: &str) -> Self {
        Self::new(sock(src), sock(dst))
    }
    /// An IPv6 segment from `src` to `dst`, both "\[addr\]:port".
    pub fn v6(src: &str, dst: &str) -> Self {
        Self::new(sock(src), sock(dst))
    }
    pub fn new(src: SocketAddr, dst: SocketAddr) -> Self {
        SegBuilder {
            src,
            dst,
            seq: 0,
            ack: 0,
            flags: crate::wire::TcpFlags::ACK,
            window: 64240,
            options: Vec::new(),
            payload: Vec::new(),
            hop_by_hop: false,
            ip_id: 0,
        }
    }
    pub fn seq(mut self, seq: u32) -> Self {
        self.seq = seq;
        self
    }
    pub fn ack(mut self, ack: u32) -> Self {
        self.ack = ack;
        self
    }
    /// Flags as letters: S(YN) A(CK) F(IN) R(ST) P(SH) U(RG) E(CE) C(WR).
    pub fn flags(mut self, letters: &str) -> Self {
        use crate::wire::TcpFlags as F;
        self.flags = letters
            .chars()
            .map(|c| match c {
                'S' => F::SYN,
                'A' => F::ACK,
                'F' => F::FIN,
                'R' => F::RST,
                'P' => F::PSH,
                'U' => F::URG,
                'E' => F::ECE,
                'C' => F::CWR,
                other => panic!("unknown TCP flag letter {other:?}"),
            })
            .fold(0, |a, b| a | b);
        self
    }
    pub fn window(mut self, window: u16) -> Self {
        self.window = window;
        self
    }
    pub fn ip_id(mut self, id: u16) -> Self {
        self.ip_id = id;
        self
    }
    pub fn payload(mut self, data: &[u8]) -> Self {
        self.payload = data.to_vec();
        self
    }
    pub fn mss(mut self, mss: u16) -> Self {
        self.options.extend_from_slice(&[2, 4]);
        self.options.extend_from_slice(&mss.to_be_bytes());
        self
    }
    pub fn wscale(mut self, shift: u8) -> Self {
        self.options.extend_from_slice(&[1, 3, 3, shift]);
        self
    }
    pub fn sack_permitted(mut self) -> Self {
        self.options.extend_from_slice(&[1, 1, 4, 2]);
        self
    }
    pub fn timestamps(mut self, tsval: u32, tsecr: u32) -> Self {
        self.options.extend_from_slice(&[1, 1, 8, 10]);
        self.options.extend_from_slice(&tsval.to_be_bytes());
        self.options.extend_from_slice(&tsecr.to_be_bytes());
        self
    }
    pub fn sack(mut self, blocks: &[(u32, u32)]) -> Self {
        self.options
            .extend_from_slice(&[1, 1, 5, 2 + 8 * blocks.len() as u8]);
        for (l, r) in blocks {
            self.options.extend_from_slice(&l.to_be_bytes());
            self.options.extend_from_slice(&r.to_be_bytes());
        }
        self
    }
    /// IPv6 only: put an (empty) hop-by-hop options header before TCP.
    pub fn hop_by_hop(mut self) -> Self {
        self.hop_by_hop = true;
        self
    }

    fn tcp_bytes(&self) -> Vec<u8> {
        let mut opts = self.options.clone();
        while !opts.len().is_multiple_of(4) {
            opts.push(0);
        }
        let hlen = 20 + opts.len();
        let mut t = Vec::with_capacity(hlen + self.payload.len());
        t.extend_from_slice(&self.src.port().to_be_bytes());
        t.extend_from_slice(&self.dst.port().to_be_bytes());
        t.extend_from_slice(&self.seq.to_be_bytes());
        t.extend_from_slice(&self.ack.to_be_bytes());
        let off_flags = ((hlen as u16 / 4) << 12) | (self.flags & 0x1ff);
        t.extend_from_slice(&off_flags.to_be_bytes());
        t.extend_from_slice(&self.window.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
        t.extend_from_slice(&opts);
        t.extend_from_slice(&self.payload);
        t
    }

    /// The bare IP packet (LINKTYPE_RAW).
    pub fn raw(&self) -> Vec<u8> {
        let mut tcp = self.tcp_bytes();
        match (self.src.ip(), self.dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let mut pseudo = Vec::new();
                pseudo.extend_from_slice(&s.octets());
                pseudo.extend_from_slice(&d.octets());
                pseudo.extend_from_slice(&[0, 6]);
                pseudo.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
                let c = checksum(&[&pseudo, &tcp]);
                tcp[16..18].copy_from_slice(&c.to_be_bytes());
                let mut ip = vec![0x45, 0];
                ip.extend_from_slice(&(20 + tcp.len() as u16).to_be_bytes());
                ip.extend_from_slice(&self.ip_id.to_be_bytes());
                ip.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]);
                ip.extend_from_slice(&s.octets());
                ip.extend_from_slice(&d.octets());
                let c = checksum(&[&ip]);
                ip[10..12].copy_from_slice(&c.to_be_bytes());
                ip.extend_from_slice(&tcp);
                ip
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let mut pseudo = Vec::new();
                pseudo.extend_from_slice(&s.octets());
                pseudo.extend_from_slice(&d.octets());
                pseudo.extend_from_slice(&(tcp.len() as u32).to_be_bytes());
                pseudo.extend_from_slice(&[0, 0, 0, 6]);
                let c = checksum(&[&pseudo, &tcp]);
                tcp[16..18].copy_from_slice(&c.to_be_bytes());
                let ext: &[u8] = if self.hop_by_hop {
                    &[6, 0, 1, 4, 0, 0, 0, 0]
                } else {
                    &[]
                };
                let next = if self.hop_by_hop { 0 } else { 6 };
                let mut ip = vec![0x60, 0, 0, 0];
                ip.extend_from_slice(&((ext.len() + tcp.len()) as u16).to_be_bytes());
                ip.extend_from_slice(&[next, 64]);
                ip.extend_from_slice(&s.octets());
                ip.extend_from_slice(&d.octets());
                ip.extend_from_slice(ext);
                ip.extend_from_slice(&tcp);
                ip
            }
            _ => panic!("source and destination must be the same IP version"),
        }
    }

    /// Whether the segment is carried over IPv4.
    pub fn is_ipv4(&self) -> bool {
        self.src.is_ipv4()
    }

    /// The EtherType of the segment's IP version.
    pub fn ethertype(&self) -> [u8; 2] {
        if self.src.is_ipv4() {
            [0x08, 0x00]
        } else {
            [0x86, 0xdd]
        }
    }

    /// Ethernet II framing, with the given 802.1Q tags (outermost first).
    pub fn ethernet_vlan(&self, vlans: &[u16]) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
        for (i, id) in vlans.iter().enumerate() {
            f.extend_from_slice(if i == 0 && vlans.len() > 1 {
                &[0x88, 0xa8]
            } else {
                &[0x81, 0x00]
            });
            f.extend_from_slice(&(id & 0x0fff).to_be_bytes());
        }
        f.extend_from_slice(&self.ethertype());
        f.extend_from_slice(&self.raw());
        f
    }
    /// Ethernet II framing (LINKTYPE_ETHERNET).
    pub fn ethernet(&self) -> Vec<u8> {
        self.ethernet_vlan(&[])
    }
    /// Linux cooked v1 (LINKTYPE_LINUX_SLL).
    pub fn sll(&self) -> Vec<u8> {
        let mut f = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
        f.extend_from_slice(&self.ethertype());
        f.extend_from_slice(&self.raw());
        f
    }
    /// Linux cooked v2 (LINKTYPE_LINUX_SLL2).
    pub fn sll2(&self) -> Vec<u8> {
        let mut f = self.ethertype().to_vec();
        f.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
        f.extend_from_slice(&self.raw());
        f
    }
    /// BSD loopback (LINKTYPE_NULL), little-endian family as a Linux or x86 BSD host writes it.
    pub fn null(&self) -> Vec<u8> {
        let af: u32 = if self.src.is_ipv4() { 2 } else { 30 };
        let mut f = af.to_le_bytes().to_vec();
        f.extend_from_slice(&self.raw());
        f
    }
}

/// The Internet checksum (RFC 1071) over several pieces.
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        for &b in part.iter() {
            match odd.take() {
                Some(hi) => sum += u32::from(u16::from_be_bytes([hi, b])),
                None => odd = Some(b),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u32::from(u16::from_be_bytes([hi, 0]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Writes a classic little-endian pcap file with microsecond timestamps.
#[derive(Debug, Clone)]
pub struct PcapWriter {
    buf: Vec<u8>,
    snaplen: u32,
}

impl PcapWriter {
    pub fn new(linktype: u32, snaplen: u32) -> Self {
        let mut buf = Vec::new();
        buf.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        buf.extend_from_slice(&2u16.to_le_bytes());
        buf.extend_from_slice(&4u16.to_le_bytes());
        buf.extend_from_slice(&0i32.to_le_bytes());
        buf.extend_from_slice(&0u32.to_le_bytes());
        buf.extend_from_slice(&snaplen.to_le_bytes());
        buf.extend_from_slice(&linktype.to_le_bytes());
        PcapWriter { buf, snaplen }
    }

    /// Adds a frame at `micros` microseconds since the epoch, cut to the snaplen.
    pub fn push(&mut self, micros: u64, frame: &[u8]) {
        let cap = frame.len().min(self.snaplen as usize);
        self.buf
            .extend_from_slice(&((micros / 1_000_000) as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
        self.buf.extend_from_slice(&(cap as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&(frame.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(&frame[..cap]);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// One pcapng block (pcapng draft §3.1) of `kind` around `body`, little-endian, padded
/// to 32 bits, with its length at both ends.
pub fn pcapng_block(kind: u32, body: &[u8]) -> Vec<u8> {
    let len = (12 + body.len().div_ceil(4) * 4) as u32;
    let mut b = kind.to_le_bytes().to_vec();
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(body);
    b.resize(len as usize - 4, 0);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

/// An Enhanced Packet Block (pcapng draft §4.3) of interface `iface` at timestamp `ts` (in
/// the interface's units), holding all of `data`.
pub fn pcapng_epb(iface: u32, ts: u64, data: &[u8]) -> Vec<u8> {
    let len = data.len() as u32;
    let mut b = Vec::with_capacity(20 + data.len());
    for v in [iface, (ts >> 32) as u32, ts as u32, len, len] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(data);
    pcapng_block(6, &b)
}

/// A little-endian pcapng section header block (version 1.0, section length unknown).
pub fn pcapng_section_header() -> Vec<u8> {
    pcapng_block(
        0x0A0D_0D0A,
        &[
            0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_a_known_header() {
        // RFC 1071-style example: an IPv4 header whose checksum is 0xb861.
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&[&hdr]), 0xb861);
    }

    #[test]
    fn pcap_header_and_snaplen_cut() {
        let mut w = PcapWriter::new(1, 60);
        w.push(1_500_000, &[0u8; 100]);
        let b = w.into_bytes();
        assert_eq!(b.len(), 24 + 16 + 60);
        assert_eq!(&b[24..28], &1u32.to_le_bytes());
        assert_eq!(&b[28..32], &500_000u32.to_le_bytes());
        assert_eq!(&b[36..40], &100u32.to_le_bytes());
    }
}
