//! An Ethernet pseudowire over MPLS (RFC 4448), with or without the generic control word
//! (RFC 4385 §3: four bytes whose first nibble is 0). Nothing in the packet says which.
//! Wireshark 4.0 (packet-mpls.c, then its "pw_eth_heuristic") decides so by default: after
//! the bottom of the label stack, a first nibble of 4 or 6 is IP, 1 an associated channel;
//! otherwise, if the first 12 bytes look like two Ethernet addresses (both their OUIs are
//! in its manufacturer database), a frame without control word, else a control word and
//! then the frame. Without that database, an OUI "looks known" here when its
//! locally-administered bit is clear (a globally assigned OUI): the same answer for every
//! assigned OUI, documented in docs/encapsulations.md for the unassigned ones.

/// The control word's length.
pub const CONTROL_WORD_LEN: usize = 4;
/// The locally administered (U/L) bit of an address's first byte.
const LOCAL_BIT: u8 = 0x02;

/// Where the Ethernet frame starts after the label stack (`pw` starts at the payload):
/// after a control word (4) or at once (0); `None` for IP, an associated channel, or
/// an empty payload.
pub fn ethernet_offset(pw: &[u8]) -> Option<usize> {
    match pw.first()? >> 4 {
        1 | 4 | 6 => None,
        _ if looks_like_plain_ethernet(pw) => Some(0),
        _ => Some(CONTROL_WORD_LEN),
    }
}

/// Two globally assigned addresses and a type field: an Ethernet frame at once.
fn looks_like_plain_ethernet(frame: &[u8]) -> bool {
    frame.len() >= 14 && frame[0] & LOCAL_BIT == 0 && frame[6] & LOCAL_BIT == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_word_or_not() {
        // Two Intel addresses: a plain frame.
        let mut eth = vec![0x00, 0x1b, 0x21, 0, 0, 1, 0x3c, 0xfd, 0xfe, 0, 0, 2];
        eth.extend_from_slice(&[0x08, 0x00, 0x45]);
        assert_eq!(ethernet_offset(&eth), Some(0));
        // A control word, then a frame whose address bytes, read 4 bytes early, hold a
        // locally administered OUI.
        let mut cw = vec![0, 0, 0, 1];
        cw.extend_from_slice(&[0x00, 0x00, 0x5e, 0x00, 0x53, 0x01]);
        cw.extend_from_slice(&[0x00, 0x1b, 0x21, 0, 0, 1, 0x08, 0x00, 0x45]);
        assert_eq!(ethernet_offset(&cw), Some(4));
        assert_eq!(ethernet_offset(&[0xa2, 1, 2]), Some(4));
        assert_eq!(ethernet_offset(&[0x45]), None);
        assert_eq!(ethernet_offset(&[0x10, 0, 0, 0]), None);
        assert_eq!(ethernet_offset(&[]), None);
    }
}
