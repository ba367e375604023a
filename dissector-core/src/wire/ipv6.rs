//! IPv6 jumbograms (RFC 2675): a packet whose payload does not fit the 16-bit payload
//! length sets it to 0 and carries the length in the hop-by-hop Jumbo Payload option
//! (type 0xC2, 4 bytes: the octets after the IPv6 header, hop-by-hop header included).
//! Linux BIG TCP (GSO/GRO above 64 KiB) shows them in captures.
//!
//! And the Fragment header (RFC 8200 §4.5), found by walking the extension chain.

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

/// The Fragment header's next-header number.
pub const FRAGMENT: u8 = 44;

/// What an IPv6 Fragment header says (RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment6 {
    /// The Identification field.
    pub id: u32,
    /// Where this fragment's data goes in the original packet's fragmentable part, in bytes.
    pub offset: u32,
    /// The M flag: more fragments follow.
    pub more: bool,
}

/// The first Fragment header in the extension chain `ext` (the bytes after the fixed
/// header), whose first header is `first`: hop-by-hop (0), routing (43) and destination
/// options (60) are `(len + 1) * 8` bytes, AH (51) `(len + 2) * 4` (RFC 8200 §4.3-4.6,
/// RFC 4302 §2.2); the walk stops at any other header.
pub fn fragment_header(first: u8, ext: &[u8]) -> Option<Fragment6> {
    let (mut next, mut at) = (first, 0usize);
    loop {
        let h = ext.get(at..)?;
        let len = match next {
            FRAGMENT => {
                let f = h.get(..8)?;
                let off_flags = u16::from_be_bytes([f[2], f[3]]);
                return Some(Fragment6 {
                    id: u32::from_be_bytes([f[4], f[5], f[6], f[7]]),
                    offset: u32::from(off_flags & !7),
                    more: off_flags & 1 == 1,
                });
            }
            HOP_BY_HOP | 43 | 60 => (usize::from(*h.get(1)?) + 1) * 8,
            51 => (usize::from(*h.get(1)?) + 2) * 4,
            _ => return None,
        };
        next = *h.first()?;
        at += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fragment_header_after_other_extensions() {
        // Hop-by-hop (8 bytes), then a fragment at offset 1448, M set, id 0x01020304.
        let mut ext = vec![44, 0, 1, 4, 0, 0, 0, 0];
        ext.extend_from_slice(&[6, 0, 0x05, 0xA9, 1, 2, 3, 4]);
        assert_eq!(
            fragment_header(HOP_BY_HOP, &ext),
            Some(Fragment6 {
                id: 0x0102_0304,
                offset: 1448,
                more: true
            })
        );
        // No fragment header; a chain cut short.
        assert_eq!(fragment_header(6, &ext), None);
        assert_eq!(fragment_header(HOP_BY_HOP, &ext[..12]), None);
    }

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
