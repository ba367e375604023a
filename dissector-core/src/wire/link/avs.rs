//! The AVS capture header (the "wlan-ng" capture format 2.0), `LINKTYPE_IEEE802_11_AVS`
//! (163), before an 802.11 frame: a big-endian version word whose top 28 bits are the
//! magic 0x8021100, then the header's length (big-endian, 64 for version 1), then
//! fields (times, PHY type, channel, rate, antenna, signal ...) that do not matter here.

use super::super::DecodeError;
use super::{ieee80211, LinkPayload};

const MAGIC: u32 = 0x8021_1000;

/// Whether `frame` starts with the AVS magic (versions 1 and 2).
pub fn has_magic(frame: &[u8]) -> bool {
    frame
        .get(..4)
        .is_some_and(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) & 0xFFFF_FFF0 == MAGIC)
}

/// Peels the AVS header, then the 802.11 frame after it.
pub fn strip(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let head = frame.get(..8).ok_or(DecodeError::TruncatedLink)?;
    if !has_magic(head) {
        return Err(DecodeError::BadLinkHeader);
    }
    let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
    if len < 8 {
        return Err(DecodeError::BadLinkHeader);
    }
    let wlan = frame.get(len..).ok_or(DecodeError::TruncatedLink)?;
    let mut p = ieee80211::strip(wlan, false, false)?;
    p.header_len += len;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::super::NetProto;
    use super::*;

    #[test]
    fn skips_the_stated_length() {
        let mut f = vec![0x80, 0x21, 0x10, 0x01, 0, 0, 0, 64];
        f.resize(64, 0);
        f.extend_from_slice(&[0x08, 0x02, 0, 0]);
        f.extend_from_slice(&[0x02; 18]);
        f.extend_from_slice(&[0x10, 0, 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        let p = strip(&f).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 64 + 32));
        assert_eq!(strip(&f[..40]).unwrap_err(), DecodeError::TruncatedLink);
        f[3] = 0x21;
        assert_eq!(strip(&f).unwrap_err(), DecodeError::BadLinkHeader);
        assert_eq!(
            strip(&[0x80, 0x21, 0x10, 0x01, 0, 0, 0, 4]).unwrap_err(),
            DecodeError::BadLinkHeader
        );
    }
}
