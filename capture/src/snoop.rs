//! A reader for the Solaris snoop format (RFC 1761), which Wireshark reads and libpcap does not.
//!
//! The file starts with a 16-byte header: the magic `snoop\0\0\0`, a version (2) and a
//! datalink type, all big-endian. Each record then has a 24-byte header (original length,
//! included length, record length, cumulative drops, seconds, microseconds), the
//! included bytes and padding up to the record length. Datalink types are mapped to pcap
//! `LINKTYPE_*` numbers as Wireshark's `wiretap/snoop.c` maps them to its encapsulations.

use std::fs::File;
use std::io::{self, BufReader, Read};

/// The first 8 bytes of every snoop file.
pub const MAGIC: [u8; 8] = *b"snoop\0\0\0";
/// Records larger than this are taken as corruption rather than allocated (Wireshark's
/// largest packet size).
const MAX_RECORD: u32 = 256 << 20;
const RECORD_HEADER: u32 = 24;

/// Why a snoop file cannot be read at all.
#[derive(Debug)]
pub enum OpenError {
    Io(io::Error),
    /// A version other than 2 (Wireshark's 3-5 are Shomiti and Network General variants).
    Version(u32),
    /// A datalink type with no pcap link type tcplens decodes.
    Datalink(u32),
}

/// The pcap `LINKTYPE_*` of a snoop datalink type, where Wireshark reads it as one tcplens
/// can decode: 802.3 (0) and Ethernet (4) are both Ethernet (1); FDDI (8) is FDDI (10),
/// bit-swapped addresses in both, which matter only for display. (Snoop's IP over
/// InfiniBand, 0x12, lacks the 40-byte pseudo-header of `LINKTYPE_IPOIB` and is not
/// mapped.)
pub fn linktype_of_datalink(datalink: u32) -> Option<u32> {
    match datalink {
        0 | 4 => Some(1),
        8 => Some(10),
        _ => None,
    }
}

/// Whether `path` starts with the snoop magic (an unreadable or short file does not).
pub fn is_snoop(path: &str) -> bool {
    let mut head = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|_| head == MAGIC)
        .unwrap_or(false)
}

/// One packet record.
pub struct Record<'a> {
    pub ts_ns: i64,
    pub orig_len: u32,
    pub data: &'a [u8],
}

pub struct SnoopReader<R = BufReader<File>> {
    r: R,
    /// The pcap `LINKTYPE_*` of every record.
    pub linktype: u32,
    buf: Vec<u8>,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

impl SnoopReader {
    pub fn open(path: &str) -> Result<SnoopReader, OpenError> {
        let f = File::open(path).map_err(OpenError::Io)?;
        SnoopReader::new(BufReader::with_capacity(1 << 16, f))
    }
}

impl<R: Read> SnoopReader<R> {
    /// Reads the file header.
    pub fn new(mut r: R) -> Result<SnoopReader<R>, OpenError> {
        let mut head = [0u8; 16];
        r.read_exact(&mut head).map_err(|e| {
            OpenError::Io(match e.kind() {
                io::ErrorKind::UnexpectedEof => bad("the file ends inside the snoop header"),
                _ => e,
            })
        })?;
        if head[..8] != MAGIC {
            return Err(OpenError::Io(bad("bad snoop magic")));
        }
        let version = be32(&head, 8);
        if version != 2 {
            return Err(OpenError::Version(version));
        }
        let datalink = be32(&head, 12);
        let linktype = linktype_of_datalink(datalink).ok_or(OpenError::Datalink(datalink))?;
        Ok(SnoopReader {
            r,
            linktype,
            buf: Vec::new(),
        })
    }

    /// The next record; `None` at a clean end of file, an error where the file breaks off
    /// or a record's lengths contradict each other.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        let mut head = [0u8; RECORD_HEADER as usize];
        let mut got = 0;
        while got < head.len() {
            match self.r.read(&mut head[got..]) {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(bad("the file ends inside a record header")),
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let orig_len = be32(&head, 0);
        let incl_len = be32(&head, 4);
        let rec_len = be32(&head, 8);
        let secs = be32(&head, 16);
        let usecs = be32(&head, 20);
        if incl_len > MAX_RECORD || rec_len > MAX_RECORD + RECORD_HEADER + 4 {
            return Err(bad(format!(
                "a record of {incl_len} bytes is larger than the largest tcplens reads"
            )));
        }
        if rec_len < RECORD_HEADER + incl_len {
            return Err(bad(format!(
                "a record length of {rec_len} is shorter than its header and {incl_len} included bytes"
            )));
        }
        let body = (rec_len - RECORD_HEADER) as usize;
        // The buffer grows only as bytes arrive, so a corrupt length costs no more memory
        // than the file.
        self.buf.clear();
        (&mut self.r).take(body as u64).read_to_end(&mut self.buf)?;
        if self.buf.len() < body {
            return Err(bad(format!(
                "the file ends inside a record of {rec_len} bytes ({} of its bytes are missing)",
                body - self.buf.len()
            )));
        }
        let ts_ns = i64::from(secs) * 1_000_000_000 + i64::from(usecs) * 1_000;
        Ok(Some(Record {
            ts_ns,
            orig_len,
            data: &self.buf[..incl_len as usize],
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(version: u32, datalink: u32) -> Vec<u8> {
        let mut f = MAGIC.to_vec();
        f.extend_from_slice(&version.to_be_bytes());
        f.extend_from_slice(&datalink.to_be_bytes());
        f
    }

    fn record(data: &[u8], secs: u32, usecs: u32) -> Vec<u8> {
        let rec_len = 24 + data.len().div_ceil(4) * 4;
        let mut r = Vec::new();
        for v in [
            data.len(),
            data.len(),
            rec_len,
            0,
            secs as usize,
            usecs as usize,
        ] {
            r.extend_from_slice(&(v as u32).to_be_bytes());
        }
        r.extend_from_slice(data);
        r.resize(rec_len, 0);
        r
    }

    #[test]
    fn reads_records_and_padding() {
        let mut f = header(2, 4);
        f.extend(record(&[1, 2, 3, 4, 5], 10, 500));
        f.extend(record(&[9; 8], 11, 0));
        let mut r = SnoopReader::new(&f[..]).unwrap();
        assert_eq!(r.linktype, 1);
        let a = r.next_record().unwrap().unwrap();
        assert_eq!(
            (a.ts_ns, a.orig_len, a.data),
            (10_000_500_000, 5, &[1, 2, 3, 4, 5][..])
        );
        let b = r.next_record().unwrap().unwrap();
        assert_eq!((b.ts_ns, b.data), (11_000_000_000, &[9u8; 8][..]));
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn bad_headers_and_records_are_errors() {
        assert!(matches!(
            SnoopReader::new(&header(3, 4)[..]),
            Err(OpenError::Version(3))
        ));
        assert!(matches!(
            SnoopReader::new(&header(2, 2)[..]),
            Err(OpenError::Datalink(2))
        ));
        assert!(matches!(
            SnoopReader::new(&MAGIC[..]),
            Err(OpenError::Io(_))
        ));
        let mut f = header(2, 4);
        f.extend(record(&[1; 12], 1, 0));
        f.truncate(f.len() - 3);
        let mut r = SnoopReader::new(&f[..]).unwrap();
        assert!(r.next_record().is_err());
        let mut f = header(2, 0);
        let mut rec = record(&[1; 12], 1, 0);
        rec[8..12].copy_from_slice(&20u32.to_be_bytes());
        f.extend(rec);
        let mut r = SnoopReader::new(&f[..]).unwrap();
        assert!(r.next_record().is_err());
    }
}
