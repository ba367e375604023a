//! MPLS label stack (RFC 3032 §2.1): 4-byte entries (label 20 bits, traffic class 3, the
//! bottom-of-stack bit S, TTL 8) after EtherType 0x8847 (0x8848 multicast). RFC 3032 gives
//! the payload no type; as Wireshark 4.0 does by default, the first nibble after the bottom
//! of the stack tells IPv4 (4) from IPv6 (6).

/// The EtherTypes of MPLS unicast and multicast.
pub const ETHERTYPES: [u16; 2] = [0x8847, 0x8848];
/// How many labels are followed before a stack is given up on.
const MAX_LABELS: usize = 16;

/// The label stack's length in bytes and the EtherType its payload stands for (IPv4 or
/// IPv6), or `None` when the stack is cut, too deep, or carries something else.
pub fn payload(mpls: &[u8]) -> Option<(usize, u16)> {
    let len = stack_len(mpls)?;
    match mpls.get(len)? >> 4 {
        4 => Some((len, 0x0800)),
        6 => Some((len, 0x86dd)),
        _ => None,
    }
}

/// The label stack's length: up to and including the entry with the bottom-of-stack bit.
pub fn stack_len(mpls: &[u8]) -> Option<usize> {
    (0..MAX_LABELS).find_map(|i| {
        let entry = mpls.get(i * 4..i * 4 + 4)?;
        Some(entry[2] & 0x01 != 0)
            .filter(|&bottom| bottom)
            .map(|_| (i + 1) * 4)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_ends_at_the_bottom_bit() {
        // Two labels, the second with S set, then IPv4.
        let f = [0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64, 0x45];
        assert_eq!(payload(&f), Some((8, 0x0800)));
        let f = [0, 0x10, 0x01, 64, 0x60];
        assert_eq!(payload(&f), Some((4, 0x86dd)));
        // A pseudowire control word (first nibble 0) is not IP.
        assert_eq!(payload(&[0, 0x10, 0x01, 64, 0x00]), None);
        // No bottom of stack in the bytes, or a stack deeper than the bound.
        assert_eq!(payload(&[0, 0x10, 0x00, 64]), None);
        assert_eq!(payload(&[0u8; 4 * 20]), None);
    }
}
