//! PPPoE session stage (RFC 2516 §4, §6): EtherType 0x8864, a 6-byte header (version and
//! type 1, code 0, session id, payload length), then a 2-byte PPP protocol field
//! (RFC 1661 §2): 0x0021 IPv4, 0x0057 IPv6.

/// The EtherType of the PPPoE session stage.
pub const ETHERTYPE: u16 = 0x8864;
const HEADER_LEN: usize = 6;

/// After a PPPoE session header: the PPP protocol number and the bytes after it.
pub fn payload(pppoe: &[u8]) -> Option<(u16, &[u8])> {
    let head = pppoe.get(..HEADER_LEN + 2)?;
    // Version 1, type 1, code 0 (session data).
    if head[0] != 0x11 || head[1] != 0 {
        return None;
    }
    let proto = u16::from_be_bytes([head[6], head[7]]);
    Some((proto, &pppoe[HEADER_LEN + 2..]))
}

/// The EtherType standing for a PPP protocol number carrying IP, if it does.
pub fn ip_ethertype(ppp_proto: u16) -> Option<u16> {
    match ppp_proto {
        0x0021 => Some(0x0800),
        0x0057 => Some(0x86dd),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_header_then_ppp_protocol() {
        let f = [0x11, 0, 0x12, 0x34, 0, 22, 0x00, 0x21, 0x45];
        assert_eq!(payload(&f), Some((0x21, &[0x45][..])));
        assert_eq!(ip_ethertype(0x57), Some(0x86dd));
        assert_eq!(ip_ethertype(0xc021), None);
        // Discovery (code 0x09 PADI) and cut headers are not sessions.
        assert_eq!(payload(&[0x11, 0x09, 0, 0, 0, 0, 0, 0x21]), None);
        assert_eq!(payload(&[0x11, 0, 0, 0, 0, 2, 0]), None);
    }
}
