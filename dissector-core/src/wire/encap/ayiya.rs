//! AYIYA, "Anything In Anything" (draft-massar-v6ops-ayiya-02, UDP port 5072): a header of
//! identity length and type, signature length and hash method, authentication method and
//! operation code, the next header (an IP protocol number) and a 4-byte epoch time; then
//! the identity (2^IDLen bytes) and the signature (SigLen 4-byte words); then, for the
//! "forward" operation, the packet of the next-header protocol.

/// AYIYA's UDP port.
pub const UDP_PORT: u16 = 5072;
const OPCODE_FORWARD: u8 = 1;
const NEXT_IPV4: u8 = 4;
const NEXT_IPV6: u8 = 41;

/// The IP packet an AYIYA "forward" message carries, given the UDP header and what follows.
pub fn payload(udp: &[u8]) -> Option<&[u8]> {
    let body = super::udp_payload_on_port(udp, UDP_PORT)?;
    let h = body.get(..8)?;
    let id_len = 1usize << (h[0] >> 4);
    let sig_len = usize::from(h[1] >> 4) * 4;
    if h[2] & 0x0f != OPCODE_FORWARD || !matches!(h[3], NEXT_IPV4 | NEXT_IPV6) {
        return None;
    }
    body.get(8 + id_len + sig_len..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_skips_identity_and_signature() {
        // Identity of 16 bytes (IDLen 4), a 20-byte SHA-1 signature (SigLen 5), IPv6.
        let mut p = vec![0xc0, 0, 0x13, 0xd0, 0, 0, 0, 0];
        p.extend_from_slice(&[0x41, 0x52, 0x11, 41, 0, 0, 0, 0]);
        p.extend_from_slice(&[0; 36]);
        p.push(0x60);
        assert_eq!(payload(&p), Some(&[0x60][..]));
        p[10] = 0x12;
        assert_eq!(payload(&p), None);
        assert_eq!(payload(&p[..12]), None);
    }
}
