//! The radiotap header (<https://www.radiotap.org>), `LINKTYPE_IEEE802_11_RADIOTAP` (127),
//! before an 802.11 frame: version 0, a pad byte, the header's length (little-endian) and
//! one or more 32-bit "present" bitmaps (bit 31 says another follows), then the fields,
//! each aligned to its own size. Only the Flags field (bit 1, after the 8-byte TSFT of
//! bit 0) matters here: 0x10 says the frame ends with its FCS, 0x20 that padding follows
//! the 802.11 header up to a 4-byte boundary.

use super::super::DecodeError;
use super::{ieee80211, LinkPayload};

const PRESENT_TSFT: u32 = 1 << 0;
const PRESENT_FLAGS: u32 = 1 << 1;
const PRESENT_EXT: u32 = 1 << 31;
const FLAG_FCS: u8 = 0x10;
const FLAG_DATA_PAD: u8 = 0x20;
/// The FCS trailer's length (a CRC-32).
const FCS_LEN: usize = 4;

/// Peels the radiotap header, then the 802.11 frame after it.
pub fn strip(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let head = frame.get(..8).ok_or(DecodeError::TruncatedLink)?;
    let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
    if head[0] != 0 || len < 8 {
        return Err(DecodeError::BadLinkHeader);
    }
    let hdr = frame.get(..len).ok_or(DecodeError::TruncatedLink)?;
    let le32 = |i: usize| {
        hdr.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let present = le32(4).ok_or(DecodeError::TruncatedLink)?;
    // The fields start after the last present bitmap.
    let mut off = 8;
    let mut word = present;
    while word & PRESENT_EXT != 0 {
        word = le32(off).ok_or(DecodeError::BadLinkHeader)?;
        off += 4;
    }
    if present & PRESENT_TSFT != 0 {
        off = off.div_ceil(8) * 8 + 8;
    }
    let flags = if present & PRESENT_FLAGS != 0 {
        *hdr.get(off).ok_or(DecodeError::BadLinkHeader)?
    } else {
        0
    };
    let mut p = ieee80211::strip(&frame[len..], flags & FLAG_DATA_PAD != 0, false)?;
    p.header_len += len;
    if flags & FLAG_FCS != 0 {
        p.trailer_len = FCS_LEN;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::super::NetProto;
    use super::*;

    fn wlan() -> Vec<u8> {
        let mut f = vec![0x08, 0x01, 0, 0];
        f.extend_from_slice(&[0x02; 18]);
        f.extend_from_slice(&[0x10, 0]);
        f.extend_from_slice(&[0xAA, 0xAA, 0x03, 0, 0, 0, 0x86, 0xDD, 0x60]);
        f
    }

    #[test]
    fn skips_the_fields_to_the_frame() {
        // TSFT and Flags (no FCS), then the rate: 8 + 8 + 1 + 1 = 18 bytes.
        let mut f = vec![0, 0, 18, 0, 0x07, 0, 0, 0];
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&[0x00, 0x02]);
        f.extend(wlan());
        let p = strip(&f).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.data),
            (NetProto::Ip, 18 + 32, &[0x60][..])
        );
        // Two present words, Flags with the FCS bit; the FCS is cut off the frame.
        let mut f = vec![0, 0, 13, 0, 0x02, 0, 0, 0x80, 0, 0, 0, 0, FLAG_FCS];
        f.extend(wlan());
        f.extend_from_slice(&[1, 2, 3, 4]);
        let p = strip(&f).unwrap();
        assert_eq!((p.proto, p.trailer_len), (NetProto::Ip, FCS_LEN));
    }

    #[test]
    fn bad_headers_are_typed() {
        assert_eq!(strip(&[0, 0, 8]).unwrap_err(), DecodeError::TruncatedLink);
        assert_eq!(
            strip(&[1, 0, 8, 0, 0, 0, 0, 0]).unwrap_err(),
            DecodeError::BadLinkHeader
        );
        assert_eq!(
            strip(&[0, 0, 40, 0, 0, 0, 0, 0]).unwrap_err(),
            DecodeError::TruncatedLink
        );
        // Present words running past the header's length.
        assert_eq!(
            strip(&[0, 0, 8, 0, 0, 0, 0, 0x80, 0, 0]).unwrap_err(),
            DecodeError::BadLinkHeader
        );
    }
}
