//! GRE (RFC 2784 §2, with the key and sequence fields of RFC 2890 §2): a 4-byte header of
//! flags, version and protocol type (an EtherType), then an optional checksum+reserved
//! word (C bit), key (K bit) and sequence number (S bit), then the payload. Version 1 is
//! PPTP's enhanced GRE (RFC 2637 §4.1): a key (payload length and call id), an optional
//! sequence number (S) and acknowledgment number (A, 0x0080), then a PPP frame. GRE over
//! UDP (RFC 8086, port 4754) is the same header after a UDP header.
//!
//! The payloads followed, as Wireshark's `gre.proto` table dissects them by default: IP,
//! Ethernet (0x6558), ERSPAN (0x88BE, 0x22EB, then Ethernet), PPP (0x880B), and Aruba's
//! 802.11 frames (0x8200 to 0x8370 in steps of 0x10).

use super::erspan;

/// The payload a GRE header says it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrePayload {
    /// IPv4 (0x0800) or IPv6 (0x86DD).
    Ip,
    /// Transparent Ethernet bridging (0x6558): an Ethernet frame.
    Ethernet,
    /// ERSPAN (its header is counted in the GRE length): an Ethernet frame.
    Erspan,
    /// PPP (0x880B), as PPTP carries it.
    Ppp,
    /// An 802.11 frame from an Aruba access point.
    Wlan,
}

/// GRE over UDP's port (RFC 8086 §3).
pub const UDP_PORT: u16 = 4754;
const PROTO_PPP: u16 = 0x880B;
const FLAG_ACK: u16 = 0x0080;

/// Whether a GRE protocol type is one of Aruba's 802.11 encapsulations.
fn is_aruba(proto: u16) -> bool {
    (0x8200..=0x8370).contains(&proto) && proto & 0x000f == 0
}

const FLAG_CHECKSUM: u16 = 0x8000;
const FLAG_ROUTING: u16 = 0x4000;
const FLAG_KEY: u16 = 0x2000;
const FLAG_SEQ: u16 = 0x1000;

/// A GRE header at the start of the IP payload: its length (with any ERSPAN header after
/// it) and what follows. `None` when it is cut, carries RFC 1701 routing, is of another
/// version than 0 or 1 (or a version 1 header without PPP), or carries something else.
pub fn parse(gre: &[u8]) -> Option<(usize, GrePayload)> {
    let head = gre.get(..4)?;
    let flags = u16::from_be_bytes([head[0], head[1]]);
    let proto = u16::from_be_bytes([head[2], head[3]]);
    let version = flags & 0x0007;
    if flags & FLAG_ROUTING != 0 || version > 1 || (version == 1 && proto != PROTO_PPP) {
        return None;
    }
    let optional = if version == 1 {
        [FLAG_KEY, FLAG_SEQ, FLAG_ACK]
    } else {
        [FLAG_CHECKSUM, FLAG_KEY, FLAG_SEQ]
    };
    let len = 4 + optional.iter().filter(|&&bit| flags & bit != 0).count() * 4;
    let rest = gre.get(len..)?;
    let payload = match proto {
        0x0800 | 0x86dd => GrePayload::Ip,
        0x6558 => GrePayload::Ethernet,
        PROTO_PPP => GrePayload::Ppp,
        erspan::GRE_TYPE_II | erspan::GRE_TYPE_III => {
            let extra = erspan::header_len(flags & FLAG_SEQ != 0, proto, rest)?;
            return Some((len + extra, GrePayload::Erspan));
        }
        p if is_aruba(p) => GrePayload::Wlan,
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
            parse(&[0x30, 0x02, 0x88, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0]),
            None
        );
        assert_eq!(parse(&[0x20, 0x01, 0x08, 0x00, 0, 0, 0, 0]), None);
        assert_eq!(parse(&[0x40, 0, 0x08, 0x00, 0, 0, 0, 0]), None);
        assert_eq!(parse(&[0, 0, 0x88, 0x47]), None);
        assert_eq!(parse(&[0, 0]), None);
    }

    #[test]
    fn pptp_erspan_and_aruba() {
        // PPTP: key, sequence and acknowledgment numbers.
        let mut h = vec![0x30, 0x81, 0x88, 0x0b];
        h.extend_from_slice(&[0; 12]);
        assert_eq!(parse(&h), Some((16, GrePayload::Ppp)));
        // ERSPAN type I (no sequence number) and type II (8 more bytes).
        assert_eq!(parse(&[0, 0, 0x88, 0xbe, 2]), Some((4, GrePayload::Erspan)));
        let mut h = vec![0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 0, 0, 1, 0, 0, 0, 0];
        assert_eq!(parse(&h), Some((16, GrePayload::Erspan)));
        h.truncate(12);
        assert_eq!(parse(&h), None);
        assert_eq!(parse(&[0, 0, 0x82, 0x40]), Some((4, GrePayload::Wlan)));
        assert_eq!(parse(&[0, 0, 0x82, 0x41]), None);
        assert_eq!(parse(&[0, 0, 0x83, 0x80]), None);
    }
}
