//! Juniper's capture header, `LINKTYPE_JUNIPER_ETHER` (178), as Junos writes it and
//! Wireshark's Juniper dissector reads it: the magic "MGC" (0x4D4743) and a flags byte;
//! with the extension flag (0x80), a 2-byte length of TLVs that follow; then the Ethernet
//! frame, or, with the "no layer 2" flag (0x02), a 4-byte little-endian protocol
//! (2 IPv4, 6 IPv6) and the bare packet.

use super::super::encap::Encap;
use super::super::DecodeError;
use super::{LinkPayload, NetProto};

const MAGIC: [u8; 3] = *b"MGC";
const FLAG_NO_L2: u8 = 0x02;
const FLAG_EXT: u8 = 0x80;
const PROTO_IPV4: u32 = 2;
const PROTO_IPV6: u32 = 6;

/// What follows the Juniper header.
pub enum Inner<'a> {
    /// An Ethernet frame, `header_len` bytes in.
    Ethernet(usize),
    /// The network layer directly.
    Net(LinkPayload<'a>),
}

pub fn strip(frame: &[u8]) -> Result<Inner<'_>, DecodeError> {
    let head = frame.get(..4).ok_or(DecodeError::TruncatedLink)?;
    if head[..3] != MAGIC {
        return Err(DecodeError::BadLinkHeader);
    }
    let flags = head[3];
    let mut len = 4;
    if flags & FLAG_EXT != 0 {
        let ext = frame.get(4..6).ok_or(DecodeError::TruncatedLink)?;
        len = 6 + usize::from(u16::from_be_bytes([ext[0], ext[1]]));
    }
    if flags & FLAG_NO_L2 == 0 {
        frame.get(len..).ok_or(DecodeError::TruncatedLink)?;
        return Ok(Inner::Ethernet(len));
    }
    let p = frame.get(len..len + 4).ok_or(DecodeError::TruncatedLink)?;
    let proto = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let header_len = len + 4;
    Ok(Inner::Net(LinkPayload {
        proto: match proto {
            PROTO_IPV4 | PROTO_IPV6 => NetProto::Ip,
            other => NetProto::Other(other as u16),
        },
        data: &frame[header_len..],
        header_len,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_extensions_and_layer_2() {
        assert!(matches!(strip(b"MGC\x01\xAA"), Ok(Inner::Ethernet(4))));
        assert!(matches!(
            strip(b"MGC\x81\x00\x03\x01\x01\x07\xAA"),
            Ok(Inner::Ethernet(9))
        ));
        let Ok(Inner::Net(p)) = strip(b"MGC\x03\x02\x00\x00\x00\x45") else {
            panic!("no layer 2")
        };
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 8));
        assert_eq!(strip(b"MGX\x01").err(), Some(DecodeError::BadLinkHeader));
        assert_eq!(
            strip(b"MGC\x81\x00\x09").err(),
            Some(DecodeError::TruncatedLink)
        );
    }
}
