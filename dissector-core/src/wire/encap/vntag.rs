//! Cisco VN-Tag (IEEE 802.1Qbh draft, as Wireshark's `vntag` dissector reads it):
//! EtherType 0x8926, 4 bytes of tag (direction, pointer, destination and source virtual
//! interfaces), then the EtherType of what follows.

pub const ETHERTYPE: u16 = 0x8926;
/// The tag and the next EtherType.
pub const HEADER_LEN: usize = 6;

/// After the 0x8926 EtherType: the next EtherType.
pub fn next_ethertype(tag: &[u8]) -> Option<u16> {
    let h = tag.get(..HEADER_LEN)?;
    Some(u16::from_be_bytes([h[4], h[5]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_after_the_tag() {
        assert_eq!(
            next_ethertype(&[0x80, 0x01, 0x00, 0x02, 0x08, 0x00]),
            Some(0x0800)
        );
        assert_eq!(next_ethertype(&[0x80, 0x01, 0x00, 0x02, 0x08]), None);
    }
}
