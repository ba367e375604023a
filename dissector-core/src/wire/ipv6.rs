//! IPv6 jumbograms (RFC 2675): a packet whose payload does not fit the 16-bit payload
//! length sets it to 0 and carries the length in the hop-by-hop Jumbo Payload option
//! (type 0xC2, 4 bytes: the octets after the IPv6 header, hop-by-hop header included).
//! Linux BIG TCP (GSO/GRO above 64 KiB) shows them in captures.

/// The hop-by-hop header's next-header number in the IPv6 header.
pub const HOP_BY_HOP: u8 = 0;
const JUMBO_PAYLOAD: u8 = 0xC2;

/// The Jumbo Payload length a hop-by-hop options header carries, if it does (RFC 8200
/// §4.2 option TLVs; Pad1 is a single byte).
pub fn jumbo_payload_len(hop_by_hop: &[u8]) -> Option<u32> {
    let len = (usize::from(*hop_by_hop.get(1)?) + 1) * 8;
    let opts = hop_by_hop.get(2..len)?;
    let mut i = 0;
    while let Some(&kind) = opts.get(i) {
        if kind == 0 {
            i += 1;
            continue;
        }
        let n = usize::from(*opts.get(i + 1)?);
        let data = opts.get(i + 2..i + 2 + n)?;
        if kind == JUMBO_PAYLOAD && n == 4 {
            return Some(u32::from_be_bytes([data[0], data[1], data[2], data[3]]));
        }
        i += 2 + n;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jumbo_option_after_padding() {
        let h = [6, 0, 0xC2, 4, 0x00, 0x01, 0x11, 0x8C];
        assert_eq!(jumbo_payload_len(&h), Some(70_028));
        // Pad1, PadN, then the option, in a 16-byte header.
        let h = [6, 1, 0, 1, 1, 0, 0, 0, 0xC2, 4, 0, 2, 0, 0, 0, 0];
        assert_eq!(jumbo_payload_len(&h), Some(0x2_0000));
        // Router alert only; a cut header; an option running past the header.
        assert_eq!(jumbo_payload_len(&[6, 0, 5, 2, 0, 0, 1, 0]), None);
        assert_eq!(jumbo_payload_len(&[6, 0, 0xC2, 4]), None);
        assert_eq!(jumbo_payload_len(&[6, 0, 1, 9, 0, 0, 0, 0]), None);
    }
}
