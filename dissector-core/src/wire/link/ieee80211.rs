//! IEEE 802.11 data frames (IEEE Std 802.11-2020 §9.2 and §9.3.2), `LINKTYPE_IEEE802_11`
//! (105) and the frame inside the radio headers (radiotap, Prism, AVS).
//!
//! The MAC header: frame control (2 bytes: protocol version, type and subtype in the first,
//! the flags in the second), duration, three addresses and sequence control (24 bytes); a
//! fourth address when both To DS and From DS are set (a wireless distribution system
//! frame); the QoS control field (2 bytes) for QoS data subtypes; the HT control field
//! (4 bytes) when a QoS frame has the +HTC/Order flag. Then the frame body: LLC/SNAP
//! (RFC 1042) naming an EtherType. The addresses are not needed: the conversation is keyed
//! by the IP packet inside, whichever way the frame went.
//!
//! A protected frame's body is encrypted, and an A-MSDU packs several subframes into one
//! body: neither is decoded, and each gets its own typed reason.

use super::super::encap::{llc, Encap, Layer};
use super::super::DecodeError;
use super::{ether_proto, LinkPayload, NetProto};

const TYPE_DATA: u8 = 2;
/// Flag bits of the second frame-control byte (§9.2.4.1).
const TO_DS: u8 = 0x01;
const FROM_DS: u8 = 0x02;
const PROTECTED: u8 = 0x40;
const ORDER: u8 = 0x80;
/// Subtype bits: QoS (0b1xxx) and "no data" (0bx1xx: Null, CF-Ack ... without a body).
const SUBTYPE_QOS: u8 = 0x8;
const SUBTYPE_NO_DATA: u8 = 0x4;
/// A-MSDU Present, bit 7 of the QoS control field (§9.2.4.5.9).
const QOS_AMSDU: u8 = 0x80;

/// Peels the MAC header (padded to 4 bytes when `pad_to_4`, as radiotap's "data pad" flag
/// asks) and the LLC/SNAP header of one 802.11 frame. `swapped_fc`: the two frame
/// control bytes come in the other order (Cisco's CAPWAP, as Wireshark reads it by
/// default).
pub fn strip(
    frame: &[u8],
    pad_to_4: bool,
    swapped_fc: bool,
) -> Result<LinkPayload<'_>, DecodeError> {
    let fc = frame.get(..2).ok_or(DecodeError::TruncatedLink)?;
    let (fc0, flags) = if swapped_fc {
        (fc[1], fc[0])
    } else {
        (fc[0], fc[1])
    };
    let (kind, subtype) = ((fc0 >> 2) & 0x3, fc0 >> 4);
    let not_ip = |proto| LinkPayload {
        proto: NetProto::Other(proto),
        data: &[],
        header_len: frame.len(),
        wire_len: None,
        trailer_len: 0,
        path: Encap::new().push(Layer::Wlan),
    };
    // Management and control frames, and data frames without a body, carry no IP.
    if kind != TYPE_DATA || subtype & SUBTYPE_NO_DATA != 0 {
        return Ok(not_ip(0));
    }
    let mut len = 24;
    if flags & (TO_DS | FROM_DS) == TO_DS | FROM_DS {
        len += 6;
    }
    if subtype & SUBTYPE_QOS != 0 {
        let qos = *frame.get(len).ok_or(DecodeError::TruncatedLink)?;
        if flags & PROTECTED == 0 && qos & QOS_AMSDU != 0 {
            return Err(DecodeError::WlanAmsdu);
        }
        len += 2;
        if flags & ORDER != 0 {
            len += 4;
        }
    }
    if frame.len() < len {
        return Err(DecodeError::TruncatedLink);
    }
    if flags & PROTECTED != 0 {
        return Err(DecodeError::WlanProtected);
    }
    if pad_to_4 {
        len = len.div_ceil(4) * 4;
    }
    let body = frame.get(len..).ok_or(DecodeError::TruncatedLink)?;
    let Some(ether_type) = llc::snap_ethertype(body) else {
        return Ok(not_ip(0));
    };
    let header_len = len + llc::HEADER_LEN;
    Ok(LinkPayload {
        proto: ether_proto(ether_type),
        data: &frame[header_len..],
        header_len,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new().push(Layer::Wlan).push(Layer::Llc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data frame of subtype `subtype` with `flags`, `extra` header bytes (address 4,
    /// QoS control ...) and an LLC/SNAP header naming IPv4.
    pub(crate) fn frame(subtype: u8, flags: u8, extra: &[u8]) -> Vec<u8> {
        let mut f = vec![(subtype << 4) | (TYPE_DATA << 2), flags, 0, 0];
        f.extend_from_slice(&[0x02; 18]);
        f.extend_from_slice(&[0x10, 0]);
        f.extend_from_slice(extra);
        f.extend_from_slice(&[0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        f
    }

    #[test]
    fn data_qos_and_four_address_frames() {
        let f = frame(0, TO_DS, &[]);
        let p = strip(&f, false, false).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.data),
            (NetProto::Ip, 32, &[0x45][..])
        );
        assert_eq!(p.path.to_string(), "wlan:llc");
        // QoS data, From DS.
        let f = frame(8, FROM_DS, &[0, 0]);
        let p = strip(&f, false, false).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 34));
        // A 4-address QoS frame with an HT control field.
        let f = frame(8, TO_DS | FROM_DS | ORDER, &[0; 12]);
        let p = strip(&f, false, false).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 24 + 6 + 2 + 4 + 8));
        // Radiotap's data pad: a 26-byte QoS header padded to 28.
        let f = frame(8, 0, &[0, 0, 0xEE, 0xEE]);
        let p = strip(&f, true, false).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 36));
    }

    #[test]
    fn protected_and_amsdu_frames_have_reasons() {
        assert_eq!(
            strip(&frame(0, PROTECTED, &[]), false, false).unwrap_err(),
            DecodeError::WlanProtected
        );
        assert_eq!(
            strip(&frame(8, 0, &[QOS_AMSDU, 0]), false, false).unwrap_err(),
            DecodeError::WlanAmsdu
        );
    }

    #[test]
    fn frames_without_ip() {
        // A beacon (management), a QoS Null, a non-SNAP body, a cut header.
        let beacon = [0x80, 0, 0, 0, 1, 2, 3];
        assert_eq!(
            strip(&beacon, false, false).unwrap().proto,
            NetProto::Other(0)
        );
        let null = frame(12, TO_DS, &[0, 0]);
        assert_eq!(
            strip(&null, false, false).unwrap().proto,
            NetProto::Other(0)
        );
        let mut stp = frame(0, 0, &[]);
        stp[24] = 0x42;
        assert_eq!(strip(&stp, false, false).unwrap().proto, NetProto::Other(0));
        assert_eq!(
            strip(&frame(0, 0, &[])[..20], false, false).unwrap_err(),
            DecodeError::TruncatedLink
        );
        assert_eq!(
            strip(&[0x08], false, false).unwrap_err(),
            DecodeError::TruncatedLink
        );
        // Swapped frame control: the flags byte first.
        let mut f = frame(0, TO_DS, &[]);
        f.swap(0, 1);
        assert_eq!(strip(&f, false, true).unwrap().proto, NetProto::Ip);
    }
}
