//! Geneve (RFC 8926 §3.4): over UDP port 6081, an 8-byte header (version 2 bits, options
//! length 6 bits in 4-byte words, flags, protocol type, 24-bit VNI, reserved), the options,
//! then the payload named by the protocol type (an EtherType; 0x6558 is Ethernet).

/// The IANA-assigned Geneve UDP port (RFC 8926 §3.3).
pub const UDP_PORT: u16 = 6081;

/// What a Geneve header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenevePayload {
    Ethernet,
    Ip,
}

/// The payload of a Geneve packet, given the UDP header and what follows (`udp`).
pub fn payload(udp: &[u8]) -> Option<(GenevePayload, &[u8])> {
    let g = super::udp_payload_on_port(udp, UDP_PORT)?;
    let head = g.get(..8)?;
    // Version 0 is the only one defined (RFC 8926 §3.4).
    if head[0] >> 6 != 0 {
        return None;
    }
    let len = 8 + usize::from(head[0] & 0x3f) * 4;
    let kind = match u16::from_be_bytes([head[2], head[3]]) {
        0x6558 => GenevePayload::Ethernet,
        0x0800 | 0x86dd => GenevePayload::Ip,
        _ => return None,
    };
    Some((kind, g.get(len..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_skipped() {
        let mut p = vec![0xc0, 0x00, 0x17, 0xc1, 0, 0, 0, 0];
        // One option word, protocol Ethernet, VNI 7.
        p.extend_from_slice(&[0x01, 0, 0x65, 0x58, 0, 0, 7, 0]);
        p.extend_from_slice(&[0x01, 0x02, 0x80, 0x00]);
        p.extend_from_slice(&[0xee; 14]);
        assert_eq!(
            payload(&p),
            Some((GenevePayload::Ethernet, &[0xee; 14][..]))
        );
        p[8] = 0x40;
        assert_eq!(payload(&p), None);
        p[8] = 0x3f;
        assert_eq!(payload(&p), None);
        p[3] = 0xc2;
        assert_eq!(payload(&p), None);
    }
}
