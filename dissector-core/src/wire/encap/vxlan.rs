//! VXLAN (RFC 7348 §5): over UDP port 4789, an 8-byte header (flags with the I bit, 24
//! reserved bits, the 24-bit VNI, 8 reserved bits) followed by an Ethernet frame.

/// The IANA-assigned VXLAN UDP port (RFC 7348 §5).
pub const UDP_PORT: u16 = 4789;
const HEADER_LEN: usize = 8;

/// The inner Ethernet frame of a VXLAN packet, given the UDP header and what follows
/// (`udp`). As Wireshark does, the port decides, and the flags are not checked.
pub fn payload(udp: &[u8]) -> Option<&[u8]> {
    super::udp_payload_on_port(udp, UDP_PORT)?.get(HEADER_LEN..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_4789_carries_ethernet_after_16_bytes() {
        let mut p = vec![0xc0, 0x00, 0x12, 0xb5, 0, 30, 0, 0];
        p.extend_from_slice(&[0x08, 0, 0, 0, 0, 0, 1, 0]);
        p.extend_from_slice(&[0xaa; 14]);
        assert_eq!(payload(&p), Some(&[0xaa; 14][..]));
        p[3] = 0xb6;
        assert_eq!(payload(&p), None);
        assert_eq!(payload(&[0x12, 0xb5, 0, 0]), None);
    }
}
