//! The TCP header (RFC 9293 §3.1) and its options.
//!
//! etherparse gives the fixed header; the options are walked here as kind/length pairs so
//! that kinds etherparse does not know (MPTCP, TCP Fast Open, experimental ones) are simply
//! skipped instead of stopping the walk.

use core::fmt;

/// The TCP flag bits, as in the header's 12-bit flags field (NS/AE in bit 8).
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const NS: u16 = 0x100;

    const NAMES: [(u16, &'static str); 9] = [
        (Self::NS, "NS"),
        (Self::CWR, "CWR"),
        (Self::ECE, "ECE"),
        (Self::URG, "URG"),
        (Self::ACK, "ACK"),
        (Self::PSH, "PSH"),
        (Self::RST, "RST"),
        (Self::SYN, "SYN"),
        (Self::FIN, "FIN"),
    ];

    #[inline]
    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
    #[inline]
    pub fn syn(self) -> bool {
        self.has(Self::SYN)
    }
    #[inline]
    pub fn ack(self) -> bool {
        self.has(Self::ACK)
    }
    #[inline]
    pub fn fin(self) -> bool {
        self.has(Self::FIN)
    }
    #[inline]
    pub fn rst(self) -> bool {
        self.has(Self::RST)
    }
    #[inline]
    pub fn psh(self) -> bool {
        self.has(Self::PSH)
    }

    /// Writes the set flags in tcpdump/Wireshark order ("SYN,ACK"), without allocating.
    pub fn write_names(self, out: &mut impl fmt::Write, sep: &str) -> fmt::Result {
        let mut first = true;
        // Wireshark lists SYN before ACK etc. in its Info column: "[SYN, ACK]".
        for name in self.names() {
            if !first {
                out.write_str(sep)?;
            }
            out.write_str(name)?;
            first = false;
        }
        Ok(())
    }

    /// The names of the set flags, in the order Wireshark's Info column uses.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        const ORDER: [usize; 9] = [8, 7, 6, 5, 4, 3, 2, 1, 0]; // FIN SYN RST PSH ACK URG ECE CWR NS
        ORDER.into_iter().filter_map(move |i| {
            let (bit, name) = Self::NAMES[i];
            self.has(bit).then_some(name)
        })
    }
}

impl fmt::Display for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_names(f, ",")
    }
}

impl fmt::Debug for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TcpFlags({self})")
    }
}

/// A problem met while walking the options. The segment is still analysed, as Wireshark
/// does (it adds an expert note and carries on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionError {
    /// An option's length byte runs past the end of the header (or is missing).
    Truncated { kind: u8 },
    /// An option's length does not fit its kind (for example an MSS that is not 4 bytes).
    BadLength { kind: u8, len: u8 },
    /// The header's option bytes were not all captured (snaplen cut inside the header).
    NotCaptured,
}

impl OptionError {
    /// The `error` code of a segment whose options are malformed (any of these problems).
    pub const CODE: &'static str = "malformed_tcp_option";
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::Truncated { kind } => write!(f, "TCP option {kind} is truncated"),
            OptionError::BadLength { kind, len } => {
                write!(f, "TCP option {kind} has an invalid length {len}")
            }
            OptionError::NotCaptured => f.write_str("TCP options were cut by the capture snaplen"),
        }
    }
}

/// The options tcplens reads (RFC 9293 §3.2, RFC 7323, RFC 2018). Fixed size, no heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpOptions {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// Up to four SACK blocks (left edge, right edge), raw sequence numbers.
    pub sack: [(u32, u32); 4],
    pub sack_count: u8,
    /// TSval, TSecr.
    pub timestamps: Option<(u32, u32)>,
    /// The first problem met, if any.
    pub error: Option<OptionError>,
    /// Wireshark's option dissector would throw here (an option runs past the captured
    /// bytes, or a SACK option whose length holds no whole block): the rest of the TCP
    /// tree, the SEQ/ACK analysis included, is then not shown for this frame.
    pub aborts_dissection: bool,
}

impl TcpOptions {
    pub fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..self.sack_count as usize]
    }

    /// Walks the option bytes. `complete` says whether all of them were captured.
    pub fn parse(bytes: &[u8], complete: bool) -> TcpOptions {
        let mut o = TcpOptions::default();
        let mut i = 0;
        while i < bytes.len() {
            let kind = bytes[i];
            match kind {
                0 => break,  // End of Option List
                1 => i += 1, // No-Operation
                _ => {
                    let Some(&len) = bytes.get(i + 1) else {
                        o.note(OptionError::Truncated { kind });
                        break;
                    };
                    if len < 2 {
                        o.note(OptionError::BadLength { kind, len });
                        break;
                    }
                    let Some(body) = bytes.get(i + 2..i + len as usize) else {
                        o.note(OptionError::Truncated { kind });
                        break;
                    };
                    o.read(kind, len, body);
                    i += len as usize;
                }
            }
        }
        if !complete {
            // The walk stopped at the captured end; an option was cut (or none follows).
            o.aborts_dissection = true;
            if o.error.is_none() {
                o.error = Some(OptionError::NotCaptured);
            }
        }
        o
    }

    fn note(&mut self, e: OptionError) {
        self.error.get_or_insert(e);
    }

    fn read(&mut self, kind: u8, len: u8, body: &[u8]) {
        let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        match (kind, body.len()) {
            (2, 2) => self.mss = Some(u16::from_be_bytes([body[0], body[1]])),
            (3, 1) => self.window_scale = Some(body[0]),
            (4, 0) => self.sack_permitted = true,
            (5, n) if n == 0 || n % 8 != 0 => {
                // packet-tcp.c reads a whole block before checking the length.
                self.aborts_dissection = true;
                self.note(OptionError::BadLength { kind, len });
            }
            (5, _) => {
                for block in body.chunks_exact(8).take(4) {
                    self.sack[self.sack_count as usize] = (be32(&block[..4]), be32(&block[4..]));
                    self.sack_count += 1;
                }
            }
            (8, 8) => self.timestamps = Some((be32(&body[..4]), be32(&body[4..]))),
            (2..=4, _) | (8, _) => self.note(OptionError::BadLength { kind, len }),
            _ => {} // other kinds are carried but not interpreted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_follow_wireshark_order() {
        let f = TcpFlags(TcpFlags::SYN | TcpFlags::ACK);
        assert_eq!(f.to_string(), "SYN,ACK");
        let f = TcpFlags(TcpFlags::FIN | TcpFlags::PSH | TcpFlags::ACK);
        assert_eq!(f.to_string(), "FIN,PSH,ACK");
        assert_eq!(TcpFlags(0).to_string(), "");
    }

    #[test]
    fn common_syn_options() {
        // MSS 1460, SACK-permitted, TS, NOP, WS 7 (Linux SYN).
        let b = [
            2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
        ];
        let o = TcpOptions::parse(&b, true);
        assert_eq!(o.mss, Some(1460));
        assert!(o.sack_permitted);
        assert_eq!(o.timestamps, Some((1, 0)));
        assert_eq!(o.window_scale, Some(7));
        assert_eq!(o.error, None);
    }

    #[test]
    fn sack_blocks_and_unknown_kinds() {
        let b = [30, 4, 0, 0, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9, 1, 1];
        let o = TcpOptions::parse(&b, true);
        assert_eq!(o.sack_blocks(), &[(1, 9)]);
        assert_eq!(o.error, None);
    }

    #[test]
    fn truncated_and_bad_lengths_are_typed() {
        assert_eq!(
            TcpOptions::parse(&[8, 10, 0, 0], true).error,
            Some(OptionError::Truncated { kind: 8 })
        );
        assert_eq!(
            TcpOptions::parse(&[2], true).error,
            Some(OptionError::Truncated { kind: 2 })
        );
        assert_eq!(
            TcpOptions::parse(&[2, 1, 0, 0], true).error,
            Some(OptionError::BadLength { kind: 2, len: 1 })
        );
        assert_eq!(
            TcpOptions::parse(&[2, 3, 0, 0], true).error,
            Some(OptionError::BadLength { kind: 2, len: 3 })
        );
        assert_eq!(
            TcpOptions::parse(&[], false).error,
            Some(OptionError::NotCaptured)
        );
    }
}
