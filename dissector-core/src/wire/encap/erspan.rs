//! ERSPAN, Cisco's encapsulated remote SPAN (draft-foschiano-erspan-03), carried in GRE:
//! - type I: GRE protocol 0x88BE without a sequence number, no ERSPAN header at all;
//! - type II: GRE protocol 0x88BE with a sequence number, an 8-byte header (version 1);
//! - type III: GRE protocol 0x22EB, a 12-byte header (version 2) and, when its O flag (the
//!   lowest bit) is set, an 8-byte platform-specific subheader.
//!
//! Then the mirrored Ethernet frame. As Wireshark does, a 0x88BE header's version field
//! decides between II and III.

/// GRE protocol types of ERSPAN.
pub const GRE_TYPE_II: u16 = 0x88BE;
pub const GRE_TYPE_III: u16 = 0x22EB;

/// The length of the ERSPAN header at the start of `erspan` (after the GRE header), given
/// whether GRE carried a sequence number; `None` when it is cut.
pub fn header_len(gre_has_seq: bool, gre_proto: u16, erspan: &[u8]) -> Option<usize> {
    if gre_proto == GRE_TYPE_II && !gre_has_seq {
        return Some(0);
    }
    let version = erspan.first()? >> 4;
    let len = match version {
        1 => 8,
        2 => {
            let flags = *erspan.get(11)?;
            if flags & 0x01 != 0 {
                20
            } else {
                12
            }
        }
        _ => return None,
    };
    (erspan.len() >= len).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_types() {
        assert_eq!(header_len(false, GRE_TYPE_II, &[0x02]), Some(0));
        let ii = [0x10, 0x0a, 0, 0x01, 0, 0, 0, 0, 0x02];
        assert_eq!(header_len(true, GRE_TYPE_II, &ii), Some(8));
        let mut iii = vec![0x20, 0x0a, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(header_len(true, GRE_TYPE_III, &iii), Some(12));
        iii[11] = 0x01;
        iii.extend_from_slice(&[0; 8]);
        assert_eq!(header_len(true, GRE_TYPE_III, &iii), Some(20));
        assert_eq!(header_len(true, GRE_TYPE_III, &iii[..15]), None);
        assert_eq!(header_len(true, GRE_TYPE_II, &[0x30; 8]), None);
        assert_eq!(header_len(true, GRE_TYPE_II, &[]), None);
    }
}
