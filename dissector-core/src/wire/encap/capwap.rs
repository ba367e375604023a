//! CAPWAP data channel (RFC 5415 §4.3, UDP port 5247): a preamble (version 0, type 0),
//! then a header whose HLEN field (5 bits) gives its length in 4-byte words, the wireless
//! binding id (WBID) and the T flag: with T set the payload is in the binding's native
//! format (WBID 1, IEEE 802.11, RFC 5416), else an IEEE 802.3 (Ethernet) frame. Fragments
//! (F flag) are not reassembled here. Wireshark's default "swap frame control" (for Cisco
//! controllers) reads the 802.11 frame control bytes swapped.

/// The CAPWAP data channel's UDP port.
pub const UDP_PORT_DATA: u16 = 5247;
const WBID_IEEE80211: u8 = 1;

/// What a CAPWAP data packet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapwapPayload {
    Ieee80211,
    Ethernet,
}

/// The payload of a CAPWAP data packet, given the UDP header and what follows.
pub fn payload(udp: &[u8]) -> Option<(CapwapPayload, &[u8])> {
    let capwap = super::udp_payload_on_port(udp, UDP_PORT_DATA)?;
    let c = capwap.get(..8)?;
    // Preamble: version 0, type 0 (a CAPWAP header follows, not DTLS).
    if c[0] != 0 {
        return None;
    }
    let hlen = usize::from(c[1] >> 3) * 4;
    let wbid = (c[2] >> 1) & 0x1f;
    let t = c[2] & 0x01 != 0;
    let f = c[3] & 0x80 != 0;
    if hlen < 8 || f {
        return None;
    }
    let body = capwap.get(hlen..)?;
    match (t, wbid) {
        (true, WBID_IEEE80211) => Some((CapwapPayload::Ieee80211, body)),
        (false, _) => Some((CapwapPayload::Ethernet, body)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(hlen_words: u8, wbid: u8, t: bool, f: bool) -> Vec<u8> {
        let mut p = vec![0xc0, 0x00, 0x14, 0x7f, 0, 0, 0, 0];
        // Radio id 1: its top 3 bits in byte 1, its low 2 bits in byte 2.
        let b2 = (1 << 6) | (wbid << 1) | u8::from(t);
        p.extend_from_slice(&[0, hlen_words << 3, b2, if f { 0x80 } else { 0 }]);
        p.resize(8 + usize::from(hlen_words) * 4, 0);
        p.push(0xAB);
        p
    }

    #[test]
    fn native_80211_and_ethernet() {
        let p = packet(2, 1, true, false);
        assert_eq!(payload(&p), Some((CapwapPayload::Ieee80211, &[0xAB][..])));
        let p = packet(4, 1, false, false);
        assert_eq!(payload(&p), Some((CapwapPayload::Ethernet, &[0xAB][..])));
        // A fragment, another binding's native format, another port.
        assert_eq!(payload(&packet(2, 1, true, true)), None);
        assert_eq!(payload(&packet(2, 3, true, false)), None);
        let mut p = packet(2, 1, true, false);
        p[3] = 0x7e;
        assert_eq!(payload(&p), None);
    }
}
