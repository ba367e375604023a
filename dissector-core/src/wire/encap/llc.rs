//! IEEE 802.2 LLC with a SNAP header (RFC 1042): what an IEEE 802.3 frame (its type field
//! a length, at most 1500) carries IP in. DSAP 0xAA, SSAP 0xAA, control 0x03 (UI), then
//! the SNAP header: a 3-byte OUI and a 2-byte protocol id, an EtherType when the OUI is
//! 00-00-00 (RFC 1042) or 00-00-F8 (Cisco's 802.1H), as Wireshark's SNAP dissector takes them.

/// The largest 802.3 length field; larger values are EtherTypes (IEEE 802.3 §3.2.6).
pub const MAX_LENGTH: u16 = 1500;
/// LLC (3) and SNAP (5).
pub const HEADER_LEN: usize = 8;

/// After an 802.3 header: the EtherType a SNAP header names, if the LLC is SNAP.
pub fn snap_ethertype(llc: &[u8]) -> Option<u16> {
    let h = llc.get(..HEADER_LEN)?;
    let rfc1042 = h[3..6] == [0, 0, 0] || h[3..6] == [0, 0, 0xF8];
    (h[..3] == [0xAA, 0xAA, 0x03] && rfc1042).then(|| u16::from_be_bytes([h[6], h[7]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_names_the_ethertype() {
        let f = [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45];
        assert_eq!(snap_ethertype(&f), Some(0x0800));
        // Another OUI's protocol ids are not EtherTypes.
        assert_eq!(
            snap_ethertype(&[0xAA, 0xAA, 0x03, 0, 0x0C, 0x0C, 0x20, 0]),
            None
        );
        // Plain LLC (spanning tree: 0x42) and a cut header.
        assert_eq!(snap_ethertype(&[0x42, 0x42, 0x03, 0, 0, 0, 0, 0]), None);
        assert_eq!(snap_ethertype(&[0xAA, 0xAA, 0x03]), None);
    }
}
