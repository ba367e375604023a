//! The Prism monitor-mode header, `LINKTYPE_IEEE802_11_PRISM` (119), before an 802.11
//! frame: a message code and a message length (both in the capturing host's byte order),
//! a 16-byte device name, then ten 12-byte DID items (host time, MAC time, channel, RSSI,
//! SQ, signal, noise, rate, is-TX, frame length): 144 bytes, as the linux-wlan-ng driver
//! writes it and Wireshark's Prism dissector reads it. A frame that starts with the AVS
//! magic instead is read as AVS, as Wireshark does.

use super::super::DecodeError;
use super::{avs, ieee80211, LinkPayload};

/// Message code, length, device name and the ten DID items.
pub const HEADER_LEN: usize = 4 + 4 + 16 + 10 * 12;

/// Peels the Prism (or AVS) header, then the 802.11 frame after it.
pub fn strip(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    if avs::has_magic(frame) {
        return avs::strip(frame);
    }
    let wlan = frame.get(HEADER_LEN..).ok_or(DecodeError::TruncatedLink)?;
    let mut p = ieee80211::strip(wlan, false, false)?;
    p.header_len += HEADER_LEN;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::super::NetProto;
    use super::*;

    #[test]
    fn skips_the_fixed_header() {
        let mut f = vec![0x44, 0, 0, 0, 144, 0, 0, 0];
        f.resize(HEADER_LEN, 0);
        f.extend_from_slice(&[0x08, 0x01, 0, 0]);
        f.extend_from_slice(&[0x02; 18]);
        f.extend_from_slice(&[0x10, 0, 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        let p = strip(&f).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 144 + 32));
        assert_eq!(strip(&f[..100]).unwrap_err(), DecodeError::TruncatedLink);
    }
}
