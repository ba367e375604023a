//! ARCNET (ATA 878.1), `LINKTYPE_ARCNET_BSD` (7) and `LINKTYPE_ARCNET_LINUX` (129), as
//! Wireshark reads them: source and destination addresses (1 byte each), on Linux a 2-byte
//! offset, then the protocol id. RFC 1201 protocols (IP 212, IPv6 196 per RFC 2497, ARP
//! ...) add a split flag and a 2-byte sequence number; in the BSD form a split flag of
//! 0xFF marks an exception packet with 4 more bytes (RFC 1201 §2.4). RFC 1051 IP (240)
//! has no fragmentation fields.

use super::super::encap::Encap;
use super::super::DecodeError;
use super::{LinkPayload, NetProto};

const PROTO_IP_1051: u8 = 240;
const PROTO_ARP_1051: u8 = 241;
const PROTO_IP_1201: u8 = 212;
const PROTO_IPV6: u8 = 196;
const PROTO_DIAGNOSE: u8 = 128;
const PROTO_BACNET: u8 = 205;

/// Peels the ARCNET header: `linux` for the form with the 2-byte offset (which has no
/// exception packets).
pub fn strip(frame: &[u8], linux: bool) -> Result<LinkPayload<'_>, DecodeError> {
    let mut off = if linux { 4 } else { 2 };
    let proto = *frame.get(off).ok_or(DecodeError::TruncatedLink)?;
    off += 1;
    if !matches!(
        proto,
        PROTO_IP_1051 | PROTO_ARP_1051 | PROTO_DIAGNOSE | PROTO_BACNET
    ) {
        let split = *frame.get(off).ok_or(DecodeError::TruncatedLink)?;
        off += 1;
        if !linux && split == 0xFF {
            off += 4;
        }
        off += 2;
    }
    let data = frame.get(off..).ok_or(DecodeError::TruncatedLink)?;
    Ok(LinkPayload {
        proto: match proto {
            PROTO_IP_1051 | PROTO_IP_1201 | PROTO_IPV6 => NetProto::Ip,
            other => NetProto::Other(u16::from(other)),
        },
        data,
        header_len: off,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_and_the_exception_packet() {
        let linux = [1, 2, 0, 0, PROTO_IP_1201, 0, 0, 7, 0x45];
        let p = strip(&linux, true).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 8));
        let bsd = [1, 2, PROTO_IPV6, 0, 0, 7, 0x60];
        let p = strip(&bsd, false).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 6));
        let exception = [
            1,
            2,
            PROTO_IP_1201,
            0xFF,
            0xFF,
            0xFF,
            PROTO_IP_1201,
            0,
            0,
            7,
            0x45,
        ];
        let p = strip(&exception, false).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 10));
        let old = [1, 2, PROTO_IP_1051, 0x45];
        assert_eq!(strip(&old, false).unwrap().header_len, 3);
        assert_eq!(
            strip(&[1, 2, 0], true).unwrap_err(),
            DecodeError::TruncatedLink
        );
        assert_eq!(
            strip(&[1, 2, PROTO_IP_1201, 0], false).unwrap_err(),
            DecodeError::TruncatedLink
        );
    }
}
