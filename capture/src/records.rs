//! tcplens's own reader of capture files: classic pcap (microsecond and nanosecond magic,
//! both byte orders) and pcapng ([`crate::pcapng`]), without libpcap's copies.
//!
//! The file is read in large pieces ([`CHUNK`]) into one reusable buffer ([`ReadBuf`]) and
//! each record is parsed where it lies: a frame's bytes are borrowed from that buffer until
//! the next call, never copied. A record cut by the end of the buffer is moved to its front
//! before the next read; a record larger than the buffer grows it, at most doubling each
//! time it is full of real bytes, so a corrupt length costs no more memory than twice the
//! bytes the file really has. No `unsafe` (no mmap): the one copy left is the kernel's, from
//! the page cache into the buffer, a megabyte per `read`.
//!
//! Every error a damaged classic pcap file gives is worded as libpcap 1.10 words it (the
//! texts `docs/robustness.md` documents), since libpcap read these files before.

use std::fs::File;
use std::io::{self, Read};

use crate::pcapng::PcapngReader;

/// Bytes asked of the file per `read`.
pub const CHUNK: usize = 1 << 20;

/// libpcap's `MAXIMUM_SNAPLEN`, the largest captured length it takes for every link type
/// tcplens decodes.
pub(crate) const LIBPCAP_MAX_SNAPLEN: u32 = 262_144;

/// One packet record, borrowed from the reader's buffer until its next call.
pub struct Record<'a> {
    /// The pcap LINKTYPE_ of this record (pcapng files may mix several).
    pub linktype: u32,
    pub ts_ns: i64,
    pub orig_len: u32,
    pub data: &'a [u8],
}

pub(crate) fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// A window on the input: the bytes in `buf[start..end]` are read and not yet consumed.
pub struct ReadBuf<R> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> ReadBuf<R> {
    /// A buffer of `capacity` bytes (at least 64) over `src`.
    pub fn new(src: R, capacity: usize) -> ReadBuf<R> {
        ReadBuf {
            src,
            buf: vec![0; capacity.max(64)],
            start: 0,
            end: 0,
            eof: false,
        }
    }

    /// Makes at least `n` unconsumed bytes available, or all that is left of the input;
    /// returns how many are available.
    #[inline(always)]
    pub fn fill(&mut self, n: usize) -> io::Result<usize> {
        let have = self.end - self.start;
        if have >= n {
            return Ok(have);
        }
        self.refill(n)
    }

    /// [`ReadBuf::fill`] when the buffer is short: reads, moving and growing as needed.
    #[inline(never)]
    fn refill(&mut self, n: usize) -> io::Result<usize> {
        while self.end - self.start < n && !self.eof {
            // Move the unfinished record to the front when the rest of the buffer cannot
            // hold it (or is used up).
            if self.start > 0 && (self.end == self.buf.len() || self.buf.len() - self.start < n) {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                // Full of one record that is still short: grow, at most doubling, and only
                // now that the buffer holds that many real bytes.
                let len = self.buf.len();
                self.buf.resize(n.min(len.saturating_mul(2)), 0);
            }
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    /// The unconsumed bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Where the unconsumed bytes begin in [`ReadBuf::raw`].
    #[inline]
    pub fn pos(&self) -> usize {
        self.start
    }

    /// The whole buffer: bytes consumed by the last record stay valid until the next
    /// [`ReadBuf::fill`].
    #[inline]
    pub fn raw(&self) -> &[u8] {
        &self.buf
    }

    /// Marks `n` bytes as consumed (they stay in place until the next fill).
    #[inline]
    pub fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.end - self.start);
        self.start += n;
    }

    /// The buffer's size (for tests of its bound).
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }
}

/// The buffer size for a file of `size` bytes: a small file gets a small buffer.
pub(crate) fn capacity_for(size: Option<u64>) -> usize {
    match size {
        Some(s) => (s.saturating_add(1)).min(CHUNK as u64) as usize,
        None => CHUNK,
    }
}

fn u32_at(b: &[u8], i: usize, big_endian: bool) -> u32 {
    let v = [b[i], b[i + 1], b[i + 2], b[i + 3]];
    if big_endian {
        u32::from_be_bytes(v)
    } else {
        u32::from_le_bytes(v)
    }
}

/// A classic pcap file's 24-byte header, as far as this reader takes the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapHeader {
    pub big_endian: bool,
    pub nanos: bool,
    pub linktype: u32,
    pub snaplen: u32,
}

/// The header of a classic pcap file this reader reads: one of the four usual magics,
/// version 2.4, a link type without FCS or class bits. Anything else (`None`) is left to
/// libpcap, which knows the older and rarer variants.
pub fn pcap_header(b: &[u8]) -> Option<PcapHeader> {
    if b.len() < 24 {
        return None;
    }
    let (big_endian, nanos) = match u32::from_le_bytes([b[0], b[1], b[2], b[3]]) {
        0xa1b2_c3d4 => (false, false),
        0xa1b2_3c4d => (false, true),
        0xd4c3_b2a1 => (true, false),
        0x4d3c_b2a1 => (true, true),
        _ => return None,
    };
    let u16_at = |i: usize| {
        let v = [b[i], b[i + 1]];
        if big_endian {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }
    };
    if (u16_at(4), u16_at(6)) != (2, 4) {
        return None;
    }
    let linktype = u32_at(b, 20, big_endian);
    if linktype > 0xffff {
        return None;
    }
    Some(PcapHeader {
        big_endian,
        nanos,
        linktype,
        snaplen: u32_at(b, 16, big_endian),
    })
}

/// A classic pcap file.
pub struct PcapReader<R = File> {
    buf: ReadBuf<R>,
    header: PcapHeader,
    /// libpcap's snapshot length: the header's, or its maximum for 0 and lengths above
    /// `INT_MAX` (`pcap_adjust_snapshot`).
    snapshot: u32,
    /// The file is in the host's byte order: libpcap sign-extends its 32-bit timestamp
    /// fields then, and zero-extends them (`SWAPLONG`) otherwise.
    native: bool,
}

impl<R: Read> PcapReader<R> {
    /// Reads the header; `Ok(None)` when it is not one [`pcap_header`] takes.
    pub fn new(src: R, capacity: usize) -> io::Result<Option<PcapReader<R>>> {
        PcapReader::from_buf(ReadBuf::new(src, capacity))
    }

    /// As [`PcapReader::new`], over a buffer that has consumed nothing yet.
    pub fn from_buf(mut buf: ReadBuf<R>) -> io::Result<Option<PcapReader<R>>> {
        if buf.fill(24)? < 24 {
            return Ok(None);
        }
        let Some(header) = pcap_header(buf.bytes()) else {
            return Ok(None);
        };
        buf.consume(24);
        let snapshot = if header.snaplen == 0 || header.snaplen > i32::MAX as u32 {
            LIBPCAP_MAX_SNAPLEN
        } else {
            header.snaplen
        };
        Ok(Some(PcapReader {
            buf,
            header,
            snapshot,
            native: header.big_endian == cfg!(target_endian = "big"),
        }))
    }

    pub fn header(&self) -> PcapHeader {
        self.header
    }

    /// The next record, `None` at the end of the file.
    #[inline]
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        let have = self.buf.fill(16)?;
        if have == 0 {
            return Ok(None);
        }
        if have < 16 {
            return Err(bad(format!(
                "truncated dump file; tried to read 16 header bytes, only got {have}"
            )));
        }
        let be = self.header.big_endian;
        let h = &self.buf.bytes()[..16];
        let (sec, frac) = (u32_at(h, 0, be), u32_at(h, 4, be));
        let caplen = u32_at(h, 8, be);
        let orig_len = u32_at(h, 12, be);
        if caplen > LIBPCAP_MAX_SNAPLEN {
            return Err(bad(if caplen > self.snapshot {
                format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {}",
                    self.snapshot
                )
            } else {
                format!(
                    "invalid packet capture length {caplen}, bigger than maximum of {LIBPCAP_MAX_SNAPLEN}"
                )
            }));
        }
        let need = 16 + caplen as usize;
        let have = self.buf.fill(need)?;
        // libpcap keeps the first snapshot bytes of a longer record.
        let kept = caplen.min(self.snapshot);
        if have < need {
            let got = have - 16;
            return Err(bad(if got < kept as usize {
                format!("truncated dump file; tried to read {kept} captured bytes, only got {got}")
            } else {
                format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {got}"
                )
            }));
        }
        let at = self.buf.pos() + 16;
        self.buf.consume(need);
        // As libpcap hands them out at nanosecond precision.
        let (sec, frac) = if self.native {
            (i64::from(sec as i32), i64::from(frac as i32))
        } else {
            (i64::from(sec), i64::from(frac))
        };
        let frac = if self.header.nanos { frac } else { frac * 1000 };
        Ok(Some(Record {
            linktype: self.header.linktype,
            ts_ns: sec.saturating_mul(1_000_000_000).saturating_add(frac),
            orig_len,
            data: &self.buf.raw()[at..at + kept as usize],
        }))
    }
}

/// A capture file read by tcplens itself.
pub enum FileReader {
    Pcap(PcapReader),
    Pcapng(PcapngReader),
}

impl FileReader {
    /// Opens `path` when it is a classic pcap file [`pcap_header`] takes, or a pcapng file;
    /// `Ok(None)` for anything else.
    pub fn open(path: &str) -> io::Result<Option<FileReader>> {
        let file = File::open(path)?;
        let size = file.metadata().ok().map(|m| m.len());
        let mut buf = ReadBuf::new(file, capacity_for(size));
        if buf.fill(4)? < 4 {
            return Ok(None);
        }
        let b = buf.bytes();
        if u32::from_le_bytes([b[0], b[1], b[2], b[3]]) == crate::pcapng::SHB {
            return Ok(Some(FileReader::Pcapng(PcapngReader::from_buf(buf))));
        }
        Ok(PcapReader::from_buf(buf)?.map(FileReader::Pcap))
    }

    /// The next record, `None` at the end of the file.
    #[inline]
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        match self {
            FileReader::Pcap(r) => r.next_record(),
            FileReader::Pcapng(r) => r.next_record(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A pcap file of `frames` (seconds, fraction, data), in either byte order and unit.
    fn pcap(big_endian: bool, nanos: bool, snaplen: u32, frames: &[(u32, u32, &[u8])]) -> Vec<u8> {
        let w32 = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w16 = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut f = w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }).to_vec();
        f.extend(w16(2));
        f.extend(w16(4));
        f.extend([0; 8]);
        f.extend(w32(snaplen));
        f.extend(w32(1));
        for (s, frac, d) in frames {
            f.extend(w32(*s));
            f.extend(w32(*frac));
            f.extend(w32(d.len() as u32));
            f.extend(w32(d.len() as u32 + 4));
            f.extend_from_slice(d);
        }
        f
    }

    /// Every record as (ns, original length, data), then the error if any.
    type Reading = (Vec<(i64, u32, Vec<u8>)>, Option<String>);

    fn all(bytes: Vec<u8>, capacity: usize) -> Reading {
        let mut r = PcapReader::new(Cursor::new(bytes), capacity)
            .unwrap()
            .expect("a pcap header");
        let mut out = Vec::new();
        loop {
            match r.next_record() {
                Ok(Some(rec)) => out.push((rec.ts_ns, rec.orig_len, rec.data.to_vec())),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn both_byte_orders_and_both_units() {
        let frames: &[(u32, u32, &[u8])] = &[(1, 5, b"abc"), (2, 999_999, b""), (3, 7, b"xy")];
        for be in [false, true] {
            for nanos in [false, true] {
                let (got, err) = all(pcap(be, nanos, 65535, frames), 1 << 16);
                assert_eq!(err, None);
                let unit = if nanos { 1 } else { 1000 };
                let want: Vec<_> = frames
                    .iter()
                    .map(|(s, f, d)| {
                        (
                            i64::from(*s) * 1_000_000_000 + i64::from(*f) * unit,
                            d.len() as u32 + 4,
                            d.to_vec(),
                        )
                    })
                    .collect();
                assert_eq!(got, want, "big endian {be}, nanoseconds {nanos}");
            }
        }
    }

    #[test]
    fn records_crossing_the_buffer_and_bigger_than_it() {
        // 64-byte buffer: every record of 16 + 40 bytes crosses its end, and the 300-byte
        // one does not fit at all.
        let small = [7u8; 40];
        let big: Vec<u8> = (0..300).map(|i| i as u8).collect();
        let mut frames: Vec<(u32, u32, &[u8])> = (0..10).map(|i| (i, 0, &small[..])).collect();
        frames.insert(4, (99, 0, &big));
        let (got, err) = all(pcap(false, false, 65535, &frames), 64);
        assert_eq!(err, None);
        assert_eq!(got.len(), 11);
        assert_eq!(got[4].2, big);
        assert!(got.iter().enumerate().all(|(i, g)| i == 4 || g.2 == small));
    }

    #[test]
    fn truncated_records_are_worded_as_libpcap_words_them() {
        let f = pcap(false, false, 65535, &[(1, 0, &[1; 54]), (2, 0, &[2; 54])]);
        let (got, err) = all(f[..f.len() - 30].to_vec(), 64);
        assert_eq!(got.len(), 1);
        assert_eq!(
            err.as_deref(),
            Some("truncated dump file; tried to read 54 captured bytes, only got 24")
        );
        let (got, err) = all(f[..24 + 16 + 54 + 5].to_vec(), 64);
        assert_eq!(got.len(), 1);
        assert_eq!(
            err.as_deref(),
            Some("truncated dump file; tried to read 16 header bytes, only got 5")
        );
    }

    #[test]
    fn a_huge_captured_length_is_an_error_not_an_allocation() {
        let mut f = pcap(false, false, 65535, &[(1, 0, b"abc")]);
        f[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let (got, err) = all(f.clone(), 64);
        assert!(got.is_empty());
        assert_eq!(
            err.as_deref(),
            Some("invalid packet capture length 4294967295, bigger than snaplen of 65535")
        );
        // Within libpcap's maximum but past the end of a small file: the buffer grows only
        // as far as the bytes that are there.
        f[24 + 8..24 + 12].copy_from_slice(&200_000u32.to_le_bytes());
        let mut r = PcapReader::new(Cursor::new(f), 64).unwrap().unwrap();
        assert!(r.next_record().is_err());
        assert!(r.buf.capacity() <= 128, "{}", r.buf.capacity());
    }

    #[test]
    fn records_longer_than_the_snaplen_keep_its_first_bytes() {
        let (got, err) = all(pcap(true, true, 4, &[(1, 0, b"abcdef")]), 64);
        assert_eq!(err, None);
        assert_eq!(got[0].2, b"abcd");
        assert_eq!(got[0].1, 10);
    }

    #[test]
    fn other_headers_are_left_to_libpcap() {
        let f = pcap(false, false, 65535, &[]);
        assert!(pcap_header(&f).is_some());
        let mut old = f.clone();
        old[6] = 3; // version 2.3: lengths maybe swapped
        assert!(pcap_header(&old).is_none());
        let mut fcs = f.clone();
        fcs[23] = 0x10; // FCS bits in the link type
        assert!(pcap_header(&fcs).is_none());
        assert!(pcap_header(&f[..20]).is_none());
        assert!(pcap_header(b"\x0a\x0d\x0d\x0a0123456789abcdefghij").is_none());
    }
}
