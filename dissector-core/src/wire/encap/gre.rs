//! GRE (RFC 2784 §2, with the key and sequence fields of RFC 2890 §2): a 4-byte header of
//! flags, version and protocol type (an EtherType), then an optional checksum+reserved
//! word (C bit), key (K bit) and sequence number (S bit), then the payload.

/// The payload a GRE header says it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrePayload {
    /// IPv4 (0x0800) or IPv6 (0x86DD).
    Ip,
    /// Transparent Ethernet bridging (0x6558): an Ethernet frame.
    Ethernet,
}

const FLAG_CHECKSUM: u16 = 0x8000;
const FLAG_ROUTING: u16 = 0x4000;
const FLAG_KEY: u16 = 0x2000;
const FLAG_SEQ: u16 = 0x1000;

/// A GRE header at the start of the IP payload: its length and what follows. `None` when
/// it is cut, is not version 0 (version 1 is PPTP's enhanced GRE), carries RFC 1701
/// routing, or carries something other than IP or Ethernet.
pub fn parse(gre: &[u8]) -> Option<(usize, GrePayload)> {
    let head = gre.get(..4)?;
    let flags = u16::from_be_bytes([head[0], head[1]]);
    let proto = u16::from_be_bytes([head[2], head[3]]);
    if flags & 0x0007 != 0 || flags & FLAG_ROUTING != 0 {
        return None;
    }
    let len = 4 + [FLAG_CHECKSUM, FLAG_KEY, FLAG_SEQ]
        .iter()
        .filter(|&&bit| flags & bit != 0)
        .count()
        * 4;
    if gre.len() < len {
        return None;
    }
    let payload = match proto {
        0x0800 | 0x86dd => GrePayload::Ip,
        0x6558 => GrePayload::Ethernet,
        _ => return None,
    };
    Some((len, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_optional_fields() {
        assert_eq!(parse(&[0, 0, 0x08, 0x00, 0x45]), Some((4, GrePayload::Ip)));
        // Checksum, key and sequence: 4 + 12 bytes.
        let mut h = vec![0xb0, 0x00, 0x65, 0x58];
        h.extend_from_slice(&[0; 12]);
        assert_eq!(parse(&h), Some((16, GrePayload::Ethernet)));
        // Key only.
        assert_eq!(
            parse(&[0x20, 0, 0x86, 0xdd, 0, 0, 0, 1]),
            Some((8, GrePayload::Ip))
        );
    }

    #[test]
    fn cut_versioned_routed_or_foreign_is_refused() {
        assert_eq!(parse(&[0x20, 0, 0x08, 0x00, 0, 0]), None);
        assert_eq!(
            parse(&[0x30, 0x01, 0x88, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0]),
            None
        );
        assert_eq!(parse(&[0x40, 0, 0x08, 0x00, 0, 0, 0, 0]), None);
        assert_eq!(parse(&[0, 0, 0x88, 0x47]), None);
        assert_eq!(parse(&[0, 0]), None);
    }
}
