//! The pcapng reader (pcapng draft, §4): Section Header (both byte orders, any number of
//! sections), Interface Description (link type, snapshot length, `if_tsresol`,
//! `if_tsoffset`; any number of interfaces and link types), Enhanced, Simple and the
//! obsolete Packet blocks. Every other block is skipped by its length. Records are parsed in
//! place in [`ReadBuf`]'s buffer, as classic pcap records are ([`crate::records`]).
//!
//! libpcap 1.10 used to read these files, and still stops at an interface whose link type
//! or snapshot length differs from the file's first one; tcplens reads on. Until such an
//! interface, damage is worded as libpcap words it (the texts `docs/robustness.md`
//! documents for files libpcap read); after it, in this reader's own words, as before.
//! [`refused_interface`] tells, from the Interface Description Blocks themselves, whether
//! and where libpcap would have stopped.

use std::fs::File;
use std::io::{self, Read};

pub use crate::records::Record;
use crate::records::{bad, capacity_for, ReadBuf, LIBPCAP_MAX_SNAPLEN};

pub(crate) const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
/// Blocks larger than this are taken as corruption.
const MAX_BLOCK: u32 = 256 << 20;
/// libpcap's largest block (`INITIAL_MAX_BLOCKSIZE`; it grows only for link types tcplens
/// does not decode).
const LIBPCAP_MAX_BLOCK: u32 = 16 << 20;

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: u32,
    snaplen: u32,
    /// Timestamp units: `Decimal(n)` is 10^-n s, `Binary(n)` is 2^-n s.
    resolution: Resolution,
    offset_ns: i64,
}

#[derive(Debug, Clone, Copy)]
enum Resolution {
    Decimal(u8),
    Binary(u8),
}

impl Resolution {
    #[inline]
    fn to_ns(self, units: u64) -> i64 {
        match self {
            Resolution::Decimal(6) => (units.saturating_mul(1000)).min(i64::MAX as u64) as i64,
            _ => self.to_ns_slow(units),
        }
    }

    fn to_ns_slow(self, units: u64) -> i64 {
        let ns: u128 = match self {
            Resolution::Decimal(n) if n <= 9 => u128::from(units) * 10u128.pow(u32::from(9 - n)),
            Resolution::Decimal(n) => u128::from(units) / 10u128.pow(u32::from(n.min(38) - 9)),
            Resolution::Binary(n) => (u128::from(units) * 1_000_000_000) >> n.min(127),
        };
        i64::try_from(ns).unwrap_or(i64::MAX)
    }
}

/// What libpcap would make of the file so far.
#[derive(Debug, Clone, Copy, Default)]
struct LibpcapView {
    /// libpcap would have gone no further: an interface it refuses, or a section in
    /// another byte order, was met.
    past: bool,
    /// The file's first interface as libpcap keeps it: (DLT_, adjusted snapshot length).
    first: Option<(u32, u32)>,
    /// The first section's byte order.
    first_big_endian: Option<bool>,
    /// A section header was read.
    seen_shb: bool,
}

impl LibpcapView {
    /// Takes an Interface Description Block; `Some` when libpcap refuses it.
    fn interface(&mut self, linktype: u32, snaplen: u32) -> Option<Refusal> {
        match self.first {
            None => {
                let dlt = libpcap_dlt(linktype);
                self.first = Some((dlt, libpcap_snapshot(dlt, snaplen)));
                None
            }
            Some((dlt, snapshot)) => {
                let refusal = if linktype != dlt {
                    Some(Refusal::LinkType { this: linktype })
                } else if libpcap_snapshot(dlt, snaplen) != snapshot {
                    Some(Refusal::Snaplen { this: snaplen })
                } else {
                    None
                };
                self.past |= refusal.is_some();
                refusal
            }
        }
    }
}

pub struct PcapngReader<R = File> {
    buf: ReadBuf<R>,
    big_endian: bool,
    interfaces: Vec<Interface>,
    libpcap: LibpcapView,
}

#[inline]
fn u16_in(b: &[u8], i: usize, big_endian: bool) -> u16 {
    let v = [b[i], b[i + 1]];
    if big_endian {
        u16::from_be_bytes(v)
    } else {
        u16::from_le_bytes(v)
    }
}

#[inline]
fn u32_in(b: &[u8], i: usize, big_endian: bool) -> u32 {
    let v = [b[i], b[i + 1], b[i + 2], b[i + 3]];
    if big_endian {
        u32::from_be_bytes(v)
    } else {
        u32::from_le_bytes(v)
    }
}

/// An Interface Description Block's body (at least 8 bytes).
fn parse_interface(b: &[u8], big_endian: bool) -> Interface {
    let mut iface = Interface {
        linktype: u32::from(u16_in(b, 0, big_endian)),
        snaplen: u32_in(b, 4, big_endian),
        resolution: Resolution::Decimal(6),
        offset_ns: 0,
    };
    let mut i = 8;
    while i + 4 <= b.len() {
        let code = u16_in(b, i, big_endian);
        let len = usize::from(u16_in(b, i + 2, big_endian));
        let Some(val) = b.get(i + 4..i + 4 + len) else {
            break;
        };
        match (code, len) {
            (0, _) => break,
            (9, 1) => {
                let v = val[0];
                iface.resolution = if v & 0x80 == 0 {
                    Resolution::Decimal(v)
                } else {
                    Resolution::Binary(v & 0x7f)
                };
            }
            (14, 8) => {
                let v: [u8; 8] = val.try_into().unwrap_or([0; 8]);
                let s = if big_endian {
                    i64::from_be_bytes(v)
                } else {
                    i64::from_le_bytes(v)
                };
                iface.offset_ns = s.saturating_mul(1_000_000_000);
            }
            _ => {}
        }
        i += 4 + len.div_ceil(4) * 4;
    }
    iface
}

/// A block: its type and where its body (after the type and length, or after a section
/// header's byte-order magic; before the trailer) lies in the buffer.
#[derive(Debug, Clone, Copy)]
struct Block {
    kind: u32,
    at: usize,
    len: usize,
}

impl PcapngReader<File> {
    pub fn open(path: &str) -> io::Result<PcapngReader<File>> {
        let file = File::open(path)?;
        let size = file.metadata().ok().map(|m| m.len());
        Ok(PcapngReader::new(file, capacity_for(size)))
    }
}

impl<R: Read> PcapngReader<R> {
    /// A reader over `src` with a buffer of `capacity` bytes (it grows for larger blocks).
    pub fn new(src: R, capacity: usize) -> PcapngReader<R> {
        PcapngReader::from_buf(ReadBuf::new(src, capacity))
    }

    /// A reader over a buffer that has consumed nothing yet.
    pub fn from_buf(buf: ReadBuf<R>) -> PcapngReader<R> {
        PcapngReader {
            buf,
            big_endian: false,
            interfaces: Vec::new(),
            libpcap: LibpcapView::default(),
        }
    }

    /// Whether the file's first section is big-endian (`None`: no section header magic yet
    /// read, or a bad one). Reads ahead; consumes nothing.
    pub fn first_section_big_endian(&mut self) -> io::Result<Option<bool>> {
        if self.libpcap.seen_shb || self.buf.fill(12)? < 12 {
            return Ok(None);
        }
        let b = self.buf.bytes();
        Ok(match u32::from_le_bytes([b[8], b[9], b[10], b[11]]) {
            0x1A2B_3C4D => Some(false),
            0x4D3C_2B1A => Some(true),
            _ => None,
        })
    }

    /// The file ends `have` bytes into a block of `len` bytes (`None`: before its length).
    fn cut(&self, have: usize, len: Option<u32>) -> io::Error {
        match (self.libpcap.past, len) {
            (false, None) => bad(format!(
                "truncated pcapng dump file; tried to read 8 bytes, only got {have}"
            )),
            (false, Some(len)) => bad(format!(
                "truncated pcapng dump file; tried to read {} bytes, only got {}",
                len - 8,
                have - 8
            )),
            (true, None) => bad("the file ends inside a block header"),
            (true, Some(len)) => bad(format!(
                "the file ends inside a block of {len} bytes ({} of its bytes are missing)",
                len as usize - have
            )),
        }
    }

    /// The next block, `None` at a clean end of file. Its body stays in the buffer until
    /// the next call.
    fn next_block(&mut self) -> io::Result<Option<Block>> {
        let have = self.buf.fill(8)?;
        if have == 0 {
            return Ok(None);
        }
        if have < 8 {
            return Err(self.cut(have, None));
        }
        let h = self.buf.bytes();
        let shb = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) == SHB;
        if shb {
            // The byte-order magic follows the length; read it to learn the section's order.
            let have = self.buf.fill(12)?;
            if have < 12 {
                return Err(if self.libpcap.past {
                    bad("the file ends inside a section header")
                } else {
                    let len = u32_in(self.buf.bytes(), 4, self.big_endian);
                    self.cut(have, Some(len.max(12)))
                });
            }
            let h = self.buf.bytes();
            self.big_endian = match u32::from_le_bytes([h[8], h[9], h[10], h[11]]) {
                0x1A2B_3C4D => false,
                0x4D3C_2B1A => true,
                _ if !self.libpcap.past => {
                    return Err(bad(
                        "the file has a section with a bad byte order magic field",
                    ))
                }
                _ => return Err(bad("bad pcapng byte-order magic")),
            };
            let first = *self.libpcap.first_big_endian.get_or_insert(self.big_endian);
            self.libpcap.past |= first != self.big_endian;
            let len = u32_in(h, 4, self.big_endian);
            if !(28..=MAX_BLOCK).contains(&len) || !len.is_multiple_of(4) {
                return Err(bad(format!("bad pcapng section header length {len}")));
            }
        }
        let h = self.buf.bytes();
        let (kind, len) = (u32_in(h, 0, self.big_endian), u32_in(h, 4, self.big_endian));
        if !self.libpcap.past {
            if len < 12 {
                return Err(bad(format!(
                    "block in pcapng dump file has a length of {len} < 12"
                )));
            }
            if !len.is_multiple_of(4) {
                return Err(bad(format!(
                    "block in pcapng dump file has a length of {len} that is not a multiple of 4"
                )));
            }
            if len > LIBPCAP_MAX_BLOCK {
                return Err(bad(format!(
                    "pcapng block size {len} > maximum {LIBPCAP_MAX_BLOCK}"
                )));
            }
        } else if !(12..=MAX_BLOCK).contains(&len) || !len.is_multiple_of(4) {
            return Err(bad(format!("bad pcapng block length {len}")));
        }
        let n = len as usize;
        let have = self.buf.fill(n)?;
        if have < n {
            return Err(self.cut(have, Some(len)));
        }
        let at = self.buf.pos();
        // libpcap checks the trailer's copy of the length, except the first section
        // header's (which it reads on opening).
        let first_shb = shb && !self.libpcap.seen_shb;
        self.libpcap.seen_shb = true;
        if !self.libpcap.past
            && !first_shb
            && u32_in(self.buf.bytes(), n - 4, self.big_endian) != len
        {
            return Err(bad("block total length in header and trailer don't match"));
        }
        self.buf.consume(n);
        Ok(Some(if shb {
            self.interfaces.clear();
            Block {
                kind: SHB,
                at: at + 12,
                len: n - 16,
            }
        } else {
            Block {
                kind,
                at: at + 8,
                len: n - 12,
            }
        }))
    }

    fn body(&self, b: Block) -> &[u8] {
        &self.buf.raw()[b.at..b.at + b.len]
    }

    fn interface(&self, id: u32) -> io::Result<Interface> {
        self.interfaces.get(id as usize).copied().ok_or_else(|| {
            bad(if self.libpcap.past {
                format!("packet refers to undeclared interface {id}")
            } else {
                format!("a packet arrived on interface {id}, but there's no Interface Description Block for that interface")
            })
        })
    }

    /// The next packet, `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        let (iface, ts_units, caplen, orig_len, data_at) = loop {
            let Some(block) = self.next_block()? else {
                return Ok(None);
            };
            let be = self.big_endian;
            match block.kind {
                EPB | PB => {
                    let b = self.body(block);
                    if b.len() < 20 {
                        return Err(bad("packet block too short"));
                    }
                    let id = if block.kind == EPB {
                        u32_in(b, 0, be)
                    } else {
                        u32::from(u16_in(b, 0, be))
                    };
                    let ts = (u64::from(u32_in(b, 4, be)) << 32) | u64::from(u32_in(b, 8, be));
                    let (caplen, orig_len) = (u32_in(b, 12, be), u32_in(b, 16, be));
                    let iface = self.interface(id)?;
                    if let (false, Some((_, snapshot))) = (self.libpcap.past, self.libpcap.first) {
                        if caplen > snapshot {
                            return Err(bad(format!(
                                "invalid packet capture length {caplen}, bigger than snaplen of {snapshot}"
                            )));
                        }
                    }
                    break (iface, ts, caplen, orig_len, block.at + 20);
                }
                SPB => {
                    let b = self.body(block);
                    if b.len() < 4 {
                        return Err(bad("simple packet block too short"));
                    }
                    let orig = u32_in(b, 0, be);
                    let room = (b.len() - 4) as u32;
                    let iface = self.interface(0)?;
                    let cap = orig.min(iface.snaplen.max(1)).min(room);
                    break (iface, 0, cap, orig, block.at + 4);
                }
                IDB => {
                    let b = self.body(block);
                    if b.len() < 8 {
                        return Err(bad("interface description block too short"));
                    }
                    let iface = parse_interface(b, be);
                    self.libpcap.interface(iface.linktype, iface.snaplen);
                    self.interfaces.push(iface);
                }
                SHB => {
                    let b = self.body(block);
                    let major = u16_in(b, 0, be);
                    if !self.libpcap.past && major != 1 {
                        return Err(bad(format!(
                            "unknown pcapng savefile major version number {major}"
                        )));
                    }
                }
                _ => {}
            }
        };
        let end = data_at + caplen as usize;
        let block_end = self.buf.pos();
        // The trailer is not part of the body.
        if end > block_end - 4 {
            return Err(bad(format!("captured length {caplen} runs past its block")));
        }
        let ts_ns = iface
            .resolution
            .to_ns(ts_units)
            .saturating_add(iface.offset_ns);
        Ok(Some(Record {
            linktype: iface.linktype,
            ts_ns,
            orig_len: orig_len.max(caplen),
            data: &self.buf.raw()[data_at..end],
        }))
    }
}

/// An Interface Description Block libpcap refuses: it differs from the file's first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Another link type (`this`, as written in the block).
    LinkType { this: u32 },
    /// Another snapshot length (`this`, as written in the block).
    Snaplen { this: u32 },
}

/// libpcap 1.10's `linktype_to_dlt` on Linux: the LINKTYPE_ numbers whose DLT_ differs.
fn libpcap_dlt(linktype: u32) -> u32 {
    match linktype {
        100 => 11,
        101 => 12,
        102 => 15,
        103 => 16,
        106 => 19,
        other => other,
    }
}

/// libpcap 1.10's `pcap_adjust_snapshot`: 0 or a length above `INT_MAX` means the link
/// type's largest.
fn libpcap_snapshot(dlt: u32, snaplen: u32) -> u32 {
    if snaplen != 0 && snaplen <= i32::MAX as u32 {
        return snaplen;
    }
    match dlt {
        231 => 128 << 20, // DLT_DBUS
        279 => 8 << 20,   // DLT_EBHSCR
        249 => 1 << 20,   // DLT_USBPCAP
        _ => LIBPCAP_MAX_SNAPLEN,
    }
}

/// Whether libpcap, having handed out `frames` packets of the pcapng file at `path` and
/// then failed, stopped at an interface it refuses: an Interface Description Block, among
/// the blocks after the `frames`-th packet block, whose link type or snapshot length
/// differs from the file's first interface (compared as libpcap 1.10 compares them,
/// link type as a DLT_ against the raw number). A packet block, a section libpcap cannot
/// continue into, the end of the file or a damaged block come first: `None`, the failure
/// was something else.
pub fn refused_interface(path: &str, frames: u64) -> Option<Refusal> {
    let mut r = PcapngReader::open(path).ok()?;
    let mut packets: u64 = 0;
    loop {
        let block = r.next_block().ok()??;
        let past = packets >= frames;
        match block.kind {
            SHB => {
                // libpcap stops at a later section of another byte order or major version.
                let b = r.body(block);
                let major = (b.len() >= 2).then(|| u16_in(b, 0, r.big_endian));
                let other_order = r.libpcap.first_big_endian != Some(r.big_endian);
                if past && (other_order || major != Some(1)) {
                    return None;
                }
            }
            IDB => {
                let b = r.body(block);
                if b.len() < 8 {
                    return None;
                }
                let (linktype, snaplen) = (
                    u32::from(u16_in(b, 0, r.big_endian)),
                    u32_in(b, 4, r.big_endian),
                );
                match r.libpcap.interface(linktype, snaplen) {
                    Some(refusal) if past => return Some(refusal),
                    // Only the first refusal counts; keep comparing with the first interface.
                    _ => r.libpcap.past = false,
                }
            }
            EPB | PB | SPB if past => return None,
            EPB | PB | SPB => packets += 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use tcplens_core::synth::{pcapng_block, pcapng_epb, pcapng_section_header};

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(Resolution::Decimal(6).to_ns(1_500_000), 1_500_000_000);
        assert_eq!(Resolution::Decimal(9).to_ns(7), 7);
        assert_eq!(Resolution::Decimal(12).to_ns(7_000), 7);
        assert_eq!(Resolution::Binary(10).to_ns(1024), 1_000_000_000);
        assert_eq!(Resolution::Decimal(6).to_ns(u64::MAX), i64::MAX);
    }

    fn reader_over(bytes: &[u8], capacity: usize) -> PcapngReader<Cursor<Vec<u8>>> {
        PcapngReader::new(Cursor::new(bytes.to_vec()), capacity)
    }

    /// Every record as (link type, ns, original length, data), then the error if any.
    type Reading = (Vec<(u32, i64, u32, Vec<u8>)>, Option<String>);

    fn all(bytes: &[u8], capacity: usize) -> Reading {
        let mut r = reader_over(bytes, capacity);
        let mut out = Vec::new();
        loop {
            match r.next_record() {
                Ok(Some(rec)) => {
                    out.push((rec.linktype, rec.ts_ns, rec.orig_len, rec.data.to_vec()))
                }
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn two_interfaces_with_different_link_types() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[1, 0, 0, 0, 0, 0, 1, 0]));
        f.extend(pcapng_block(
            IDB,
            &[101, 0, 0, 0, 0, 0x20, 0, 0, 9, 0, 1, 0, 9, 0, 0, 0],
        ));
        let mut epb = vec![1, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0];
        epb.extend_from_slice(b"abc");
        f.extend(pcapng_block(EPB, &epb));
        f.extend(pcapng_epb(0, 2_000_000, b"de"));
        f.extend(pcapng_block(99, &[1, 2, 3, 4]));
        let (got, err) = all(&f, 64);
        assert_eq!(err, None);
        assert_eq!(
            got,
            [
                (101, 10, 5, b"abc".to_vec()),
                (1, 2_000_000_000, 2, b"de".to_vec())
            ]
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
    fn sections_in_both_byte_orders_with_their_own_interfaces() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[1, 0, 0, 0, 0, 0, 1, 0]));
        f.extend(pcapng_epb(0, 1_000_000, b"le"));
        // A big-endian section: version 1.0, one raw-IP interface in nanoseconds with an
        // offset of 2 s, one Enhanced and one Simple Packet Block.
        let mut shb = vec![0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0];
        shb.extend_from_slice(&[0xff; 8]);
        f.extend(block_be(SHB, &shb));
        let mut idb = vec![0, 101, 0, 0, 0, 0, 0, 64];
        idb.extend_from_slice(&[0, 9, 0, 1, 9, 0, 0, 0]);
        idb.extend_from_slice(&[0, 14, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend(block_be(IDB, &idb));
        let mut epb = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 9];
        epb.extend_from_slice(b"be");
        f.extend(block_be(EPB, &epb));
        let mut spb = vec![0, 0, 0, 3];
        spb.extend_from_slice(b"spb");
        f.extend(block_be(SPB, &spb));
        let (got, err) = all(&f, 64);
        assert_eq!(err, None);
        assert_eq!(
            got,
            [
                (1, 1_000_000_000, 2, b"le".to_vec()),
                (101, 2_000_000_005, 9, b"be".to_vec()),
                (101, 2_000_000_000, 3, b"spb".to_vec()),
            ]
        );
    }

    fn one_packet_file() -> Vec<u8> {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[101, 0, 0, 0, 0, 0, 1, 0]));
        f.extend(pcapng_epb(0, 0, b"abc"));
        f
    }

    /// One interface, or two libpcap refuses to mix: damage after the second is in
    /// tcplens's words, before it in libpcap's.
    fn two_link_types() -> Vec<u8> {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[101, 0, 0, 0, 0, 0, 1, 0]));
        f.extend(pcapng_block(IDB, &[1, 0, 0, 0, 0, 0, 1, 0]));
        f.extend(pcapng_epb(1, 0, b"abc"));
        f
    }

    #[test]
    fn a_block_cut_by_the_end_of_the_file_is_named() {
        let f = one_packet_file();
        let (_, e) = all(&f[..f.len() - 6], 64);
        assert_eq!(
            e.as_deref(),
            Some("truncated pcapng dump file; tried to read 28 bytes, only got 22")
        );
        let (_, e) = all(&f[..51], 64);
        assert_eq!(
            e.as_deref(),
            Some("truncated pcapng dump file; tried to read 8 bytes, only got 3")
        );
        let f = two_link_types();
        let (_, e) = all(&f[..f.len() - 6], 64);
        assert_eq!(
            e.as_deref(),
            Some("the file ends inside a block of 36 bytes (6 of its bytes are missing)")
        );
        let (_, e) = all(&f[..f.len() - 33], 64);
        assert_eq!(e.as_deref(), Some("the file ends inside a block header"));
    }

    #[test]
    fn bad_block_lengths_are_errors_not_panics() {
        for (file, libpcap) in [(one_packet_file(), true), (two_link_types(), false)] {
            let last = file.len() - 36;
            for (len, libpcap_says, own) in [
                (
                    8u32,
                    "block in pcapng dump file has a length of 8 < 12",
                    "bad pcapng block length 8",
                ),
                (
                    38,
                    "block in pcapng dump file has a length of 38 that is not a multiple of 4",
                    "bad pcapng block length 38",
                ),
                (
                    0x7fff_fffc,
                    "pcapng block size 2147483644 > maximum 16777216",
                    "bad pcapng block length 2147483644",
                ),
            ] {
                let mut f = file.clone();
                f[last + 4..last + 8].copy_from_slice(&len.to_le_bytes());
                let (got, e) = all(&f, 64);
                assert!(got.is_empty());
                assert_eq!(e.as_deref(), Some(if libpcap { libpcap_says } else { own }));
            }
        }
    }

    #[test]
    fn a_huge_block_length_in_a_small_file_allocates_nothing_big() {
        // A block claiming 200 MiB (under MAX_BLOCK) in a small file, past an interface
        // libpcap refuses: an error, and the buffer holds only what the file had.
        let mut f = two_link_types();
        let last = f.len() - 36;
        f[last + 4..last + 8].copy_from_slice(&(200u32 << 20).to_le_bytes());
        let mut r = reader_over(&f, 64);
        assert!(r.next_record().is_err());
        assert!(r.buf.capacity() < 1 << 10, "{}", r.buf.capacity());
    }

    #[test]
    fn records_crossing_the_buffer_and_bigger_than_it() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[1, 0, 0, 0, 0, 0, 0, 0]));
        let big: Vec<u8> = (0..1000).map(|i| i as u8).collect();
        let mut want = Vec::new();
        for i in 0..20u8 {
            let data = if i == 7 {
                big.clone()
            } else {
                vec![i; 5 + usize::from(i)]
            };
            f.extend(pcapng_epb(0, u64::from(i), &data));
            want.push((1, i64::from(i) * 1000, data.len() as u32, data));
        }
        for capacity in [64, 100, 256, 4096] {
            let (got, err) = all(&f, capacity);
            assert_eq!(err, None);
            assert_eq!(got, want, "buffer of {capacity} bytes");
        }
    }

    #[test]
    fn unknown_blocks_are_skipped() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(0x0bad, &[0xaa; 8]));
        f.extend_from_slice(&one_packet_file()[28..]);
        let (got, err) = all(&f, 64);
        assert_eq!(err, None);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].3, b"abc");
    }

    #[test]
    fn packets_on_undeclared_interfaces_and_overlong_captures() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_epb(0, 0, b"abc"));
        assert_eq!(
            all(&f, 64).1.as_deref(),
            Some("a packet arrived on interface 0, but there's no Interface Description Block for that interface")
        );
        let mut f = one_packet_file();
        let last = f.len() - 36;
        f[last + 20..last + 24].copy_from_slice(&200u32.to_le_bytes());
        assert_eq!(
            all(&f, 64).1.as_deref(),
            Some("captured length 200 runs past its block")
        );
    }
}
