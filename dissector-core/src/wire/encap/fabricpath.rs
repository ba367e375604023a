//! Cisco FabricPath (MAC-in-MAC): a 16-byte outer header (hierarchical destination and
//! source MAC addresses, then the 4-byte FP tag: EtherType 0x8903, forwarding tag and TTL)
//! before the classical Ethernet frame, and the frame's FCS at its end, which Wireshark
//! always takes off. Wireshark recognises it heuristically by the
//! EtherType position of an Ethernet frame, before the EtherType dispatch.

/// The EtherType of the FP tag.
pub const ETHERTYPE: u16 = 0x8903;
/// Outer addresses and the FP tag.
pub const HEADER_LEN: usize = 16;
/// The FCS after the frame.
pub const FCS_LEN: usize = 4;

/// Whether an Ethernet frame is a FabricPath frame.
pub fn is_fabricpath(frame: &[u8]) -> bool {
    frame
        .get(12..14)
        .is_some_and(|t| u16::from_be_bytes([t[0], t[1]]) == ETHERTYPE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognised_by_the_tag() {
        let mut f = vec![0x02; 12];
        f.extend_from_slice(&[0x89, 0x03, 0, 0x3f]);
        assert!(is_fabricpath(&f));
        f[13] = 0x00;
        assert!(!is_fabricpath(&f));
        assert!(!is_fabricpath(&[0x89, 0x03]));
    }
}
