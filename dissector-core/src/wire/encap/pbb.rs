//! IEEE 802.1ah provider backbone bridging (MAC-in-MAC): EtherType 0x88E7, a 4-byte I-TAG
//! (priority, drop eligibility, I-SID), then the customer's Ethernet header (destination,
//! source, EtherType), 18 bytes in all, as Wireshark's `ieee8021ah` dissector reads it.

pub const ETHERTYPE: u16 = 0x88E7;
/// I-TAG (4), customer destination and source (12), EtherType (2).
pub const HEADER_LEN: usize = 18;

/// After the 0x88E7 EtherType: the customer frame's EtherType.
pub fn next_ethertype(itag: &[u8]) -> Option<u16> {
    let h = itag.get(..HEADER_LEN)?;
    Some(u16::from_be_bytes([h[16], h[17]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_ethertype() {
        let mut f = [0u8; HEADER_LEN];
        f[..4].copy_from_slice(&[0x00, 0x01, 0x00, 0x2A]);
        f[16..].copy_from_slice(&[0x81, 0x00]);
        assert_eq!(next_ethertype(&f), Some(0x8100));
        assert_eq!(next_ethertype(&f[..17]), None);
    }
}
