//! A small pcapng reader for the files libpcap refuses.
//!
//! libpcap 1.10 reads a pcapng file only when all its interfaces share one link type and
//! one snapshot length; captures merged from several interfaces often do not (Wireshark
//! reads them). For those, tcplens reads the blocks itself (pcapng draft, §4): Section
//! Header, Interface Description (link type, `if_tsresol`, `if_tsoffset`), Enhanced,
//! Simple and the obsolete Packet blocks. Every other block is skipped by its length.
//!
//! [`refused_interface`] tells, from the Interface Description Blocks themselves, whether
//! libpcap stopped because of such an interface, so the switch to this reader never
//! depends on the wording of libpcap's messages.

use std::fs::File;
use std::io::{self, BufReader, Read};

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
/// libpcap's default `MAXIMUM_SNAPLEN`.
const LIBPCAP_MAX_SNAPLEN: u32 = 262_144;
/// Blocks larger than this are taken as corruption rather than allocated.
const MAX_BLOCK: u32 = 256 << 20;

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: u32,
    snaplen: u32,
    /// Timestamp units: `Decimal(n)` is 10^-n s, `Binary(n)` is 2^-n s.
    resolution: Resolution,
    offset_s: i64,
}

#[derive(Debug, Clone, Copy)]
enum Resolution {
    Decimal(u8),
    Binary(u8),
}

impl Resolution {
    fn to_ns(self, units: u64) -> i64 {
        let ns: u128 = match self {
            Resolution::Decimal(n) if n <= 9 => u128::from(units) * 10u128.pow(u32::from(9 - n)),
            Resolution::Decimal(n) => u128::from(units) / 10u128.pow(u32::from(n.min(38) - 9)),
            Resolution::Binary(n) => (u128::from(units) * 1_000_000_000) >> n.min(127),
        };
        i64::try_from(ns).unwrap_or(i64::MAX)
    }
}

/// One packet record.
pub struct Record<'a> {
    pub linktype: u32,
    pub ts_ns: i64,
    pub orig_len: u32,
    pub data: &'a [u8],
}

pub struct PcapngReader {
    r: BufReader<File>,
    big_endian: bool,
    interfaces: Vec<Interface>,
    block: Vec<u8>,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Fills `buf`, or says which part of the file was cut short.
fn fill(r: &mut impl Read, buf: &mut [u8], what: &str) -> io::Result<()> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => bad(format!("the file ends inside {what}")),
        _ => e,
    })
}

/// Reads a block's body and trailer (`n` bytes in all) into `buf`. The buffer grows only as
/// bytes arrive, so a corrupt length in a small file costs no more memory than the file.
fn read_body(r: &mut impl Read, buf: &mut Vec<u8>, n: usize, block_len: u32) -> io::Result<()> {
    buf.clear();
    r.take(n as u64).read_to_end(buf)?;
    if buf.len() < n {
        return Err(bad(format!(
            "the file ends inside a block of {block_len} bytes ({} of its bytes are missing)",
            n - buf.len()
        )));
    }
    // The trailer (a copy of the length) is not part of the body.
    buf.truncate(n - 4);
    Ok(())
}

impl PcapngReader {
    pub fn open(path: &str) -> io::Result<PcapngReader> {
        Ok(PcapngReader {
            r: BufReader::with_capacity(1 << 16, File::open(path)?),
            big_endian: false,
            interfaces: Vec::new(),
            block: Vec::new(),
        })
    }

    fn u16_at(&self, b: &[u8], i: usize) -> u16 {
        let v = [b[i], b[i + 1]];
        if self.big_endian {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }
    }

    fn u32_at(&self, b: &[u8], i: usize) -> u32 {
        let v = [b[i], b[i + 1], b[i + 2], b[i + 3]];
        if self.big_endian {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        }
    }

    /// Reads the next block into `self.block` (body only); `None` at a clean end of file.
    fn next_block(&mut self) -> io::Result<Option<u32>> {
        let mut head = [0u8; 8];
        match self.r.read(&mut head[..1])? {
            0 => return Ok(None),
            _ => fill(&mut self.r, &mut head[1..], "a block header")?,
        }
        let raw_type = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if raw_type == SHB {
            // The byte-order magic follows the length; read it to learn the section's order.
            let mut magic = [0u8; 4];
            fill(&mut self.r, &mut magic, "a section header")?;
            self.big_endian = match u32::from_le_bytes(magic) {
                0x1A2B_3C4D => false,
                0x4D3C_2B1A => true,
                _ => return Err(bad("bad pcapng byte-order magic")),
            };
            let len = self.u32_at(&head, 4);
            if !(28..=MAX_BLOCK).contains(&len) || !len.is_multiple_of(4) {
                return Err(bad(format!("bad pcapng section header length {len}")));
            }
            // Body and trailer: the length less the type, length and magic fields.
            read_body(&mut self.r, &mut self.block, len as usize - 12, len)?;
            self.interfaces.clear();
            return Ok(Some(SHB));
        }
        let block_type = self.u32_at(&head, 0);
        let len = self.u32_at(&head, 4);
        if !(12..=MAX_BLOCK).contains(&len) || !len.is_multiple_of(4) {
            return Err(bad(format!("bad pcapng block length {len}")));
        }
        read_body(&mut self.r, &mut self.block, len as usize - 8, len)?;
        Ok(Some(block_type))
    }

    fn add_interface(&mut self) -> io::Result<()> {
        let b = &self.block;
        if b.len() < 8 {
            return Err(bad("interface description block too short"));
        }
        let mut iface = Interface {
            linktype: u32::from(self.u16_at(b, 0)),
            snaplen: self.u32_at(b, 4),
            resolution: Resolution::Decimal(6),
            offset_s: 0,
        };
        let mut i = 8;
        while i + 4 <= b.len() {
            let code = self.u16_at(b, i);
            let len = usize::from(self.u16_at(b, i + 2));
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
                    iface.offset_s = if self.big_endian {
                        i64::from_be_bytes(v)
                    } else {
                        i64::from_le_bytes(v)
                    };
                }
                _ => {}
            }
            i += 4 + len.div_ceil(4) * 4;
        }
        self.interfaces.push(iface);
        Ok(())
    }

    fn interface(&self, id: u32) -> io::Result<Interface> {
        self.interfaces
            .get(id as usize)
            .copied()
            .ok_or_else(|| bad(format!("packet refers to undeclared interface {id}")))
    }

    /// The next packet, `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            let Some(kind) = self.next_block()? else {
                return Ok(None);
            };
            let (iface, ts_units, caplen, orig_len, data_at) = match kind {
                IDB => {
                    self.add_interface()?;
                    continue;
                }
                EPB | PB => {
                    let b = &self.block;
                    if b.len() < 20 {
                        return Err(bad("packet block too short"));
                    }
                    let id = if kind == EPB {
                        self.u32_at(b, 0)
                    } else {
                        u32::from(self.u16_at(b, 0))
                    };
                    let ts = (u64::from(self.u32_at(b, 4)) << 32) | u64::from(self.u32_at(b, 8));
                    (
                        self.interface(id)?,
                        ts,
                        self.u32_at(b, 12),
                        self.u32_at(b, 16),
                        20usize,
                    )
                }
                SPB => {
                    let b = &self.block;
                    if b.len() < 4 {
                        return Err(bad("simple packet block too short"));
                    }
                    let iface = self.interface(0)?;
                    let orig = self.u32_at(b, 0);
                    let cap = orig.min(iface.snaplen.max(1)).min((b.len() - 4) as u32);
                    (iface, 0, cap, orig, 4usize)
                }
                _ => continue,
            };
            let data = self
                .block
                .get(data_at..data_at + caplen as usize)
                .ok_or_else(|| bad(format!("captured length {caplen} runs past its block")))?;
            let ts_ns = iface
                .resolution
                .to_ns(ts_units)
                .saturating_add(iface.offset_s.saturating_mul(1_000_000_000));
            return Ok(Some(Record {
                linktype: iface.linktype,
                ts_ns,
                orig_len: orig_len.max(caplen),
                data,
            }));
        }
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
    // libpcap's view of the first interface: (DLT_, adjusted snapshot length).
    let mut first: Option<(u32, u32)> = None;
    let mut first_big_endian = None;
    let mut packets: u64 = 0;
    loop {
        let kind = r.next_block().ok()??;
        let past = packets >= frames;
        match kind {
            SHB => {
                let order = *first_big_endian.get_or_insert(r.big_endian);
                // libpcap stops at a later section of another byte order or major version.
                let major = (r.block.len() >= 2).then(|| r.u16_at(&r.block, 0));
                if past && (order != r.big_endian || major != Some(1)) {
                    return None;
                }
            }
            IDB => {
                if r.block.len() < 8 {
                    return None;
                }
                let linktype = u32::from(r.u16_at(&r.block, 0));
                let snaplen = r.u32_at(&r.block, 4);
                match first {
                    None => {
                        let dlt = libpcap_dlt(linktype);
                        first = Some((dlt, libpcap_snapshot(dlt, snaplen)));
                    }
                    Some((dlt, snapshot)) if past => {
                        if linktype != dlt {
                            return Some(Refusal::LinkType { this: linktype });
                        }
                        if libpcap_snapshot(dlt, snaplen) != snapshot {
                            return Some(Refusal::Snaplen { this: snaplen });
                        }
                    }
                    Some(_) => {}
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
    use tcplens_core::synth::{pcapng_block, pcapng_section_header};

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(Resolution::Decimal(6).to_ns(1_500_000), 1_500_000_000);
        assert_eq!(Resolution::Decimal(9).to_ns(7), 7);
        assert_eq!(Resolution::Decimal(12).to_ns(7_000), 7);
        assert_eq!(Resolution::Binary(10).to_ns(1024), 1_000_000_000);
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
        f.extend(pcapng_block(99, &[1, 2, 3, 4]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pcapng");
        std::fs::write(&path, &f).unwrap();
        let mut r = PcapngReader::open(path.to_str().unwrap()).unwrap();
        let rec = r.next_record().unwrap().unwrap();
        assert_eq!(
            (rec.linktype, rec.ts_ns, rec.orig_len, rec.data),
            (101, 10, 5, &b"abc"[..])
        );
        assert!(r.next_record().unwrap().is_none());
    }

    fn reader_over(bytes: &[u8]) -> (tempfile::TempDir, PcapngReader) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pcapng");
        std::fs::write(&path, bytes).unwrap();
        let r = PcapngReader::open(path.to_str().unwrap()).unwrap();
        (dir, r)
    }

    fn one_packet_file() -> Vec<u8> {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(IDB, &[101, 0, 0, 0, 0, 0, 1, 0]));
        let mut epb = vec![0u8; 20];
        epb[12] = 3;
        epb[16] = 3;
        epb.extend_from_slice(b"abc");
        f.extend(pcapng_block(EPB, &epb));
        f
    }

    #[test]
    fn a_block_cut_by_the_end_of_the_file_is_named() {
        let f = one_packet_file();
        let (_d, mut r) = reader_over(&f[..f.len() - 6]);
        let e = r.next_record().err().expect("an error");
        assert!(
            e.to_string()
                .starts_with("the file ends inside a block of 36 bytes"),
            "{e}"
        );
        let (_d, mut r) = reader_over(&f[..51]);
        let e = r.next_record().err().expect("an error");
        assert_eq!(e.to_string(), "the file ends inside a block header");
    }

    #[test]
    fn a_huge_block_length_in_a_small_file_allocates_nothing_big() {
        // A block claiming 200 MiB (under MAX_BLOCK) in a 60-byte file: an error, and the
        // buffer holds only what the file had.
        let mut f = pcapng_section_header();
        f.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0x0c, 1, 2, 3, 4]);
        let (_d, mut r) = reader_over(&f);
        assert!(r.next_record().is_err());
        assert!(r.block.capacity() < 1 << 20, "{}", r.block.capacity());
    }

    #[test]
    fn unknown_blocks_are_skipped() {
        let mut f = pcapng_section_header();
        f.extend(pcapng_block(0x0bad, &[0xaa; 8]));
        f.extend_from_slice(&one_packet_file()[28..]);
        let (_d, mut r) = reader_over(&f);
        assert_eq!(r.next_record().unwrap().unwrap().data, b"abc");
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn corrupt_lengths_are_errors_not_panics() {
        let mut f = pcapng_section_header();
        f.extend_from_slice(&[6, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.pcapng");
        std::fs::write(&path, &f).unwrap();
        let mut r = PcapngReader::open(path.to_str().unwrap()).unwrap();
        assert!(r.next_record().is_err());
    }
}
