//! IP over InfiniBand, `LINKTYPE_IPOIB` (242): a 40-byte pseudo-header (the Global Route
//! Header of the InfiniBand spec, or, when its first 16 bits are 0, only the destination
//! QPN and GID in its last 20 bytes), then the 4-byte encapsulation header of RFC 4391 §6,
//! a 16-bit EtherType and 16 reserved bits, before the packet, as Wireshark reads it.

use super::super::encap::Encap;
use super::super::DecodeError;
use super::{ether_proto, LinkPayload};

/// The pseudo-header and the encapsulation header.
pub const HEADER_LEN: usize = 40 + 4;

pub fn strip(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let hdr = frame.get(..HEADER_LEN).ok_or(DecodeError::TruncatedLink)?;
    Ok(LinkPayload {
        proto: ether_proto(u16::from_be_bytes([hdr[40], hdr[41]])),
        data: &frame[HEADER_LEN..],
        header_len: HEADER_LEN,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::NetProto;
    use super::*;

    #[test]
    fn ethertype_then_packet() {
        let mut f = vec![0u8; 40];
        f.extend_from_slice(&[0x86, 0xDD, 0, 0, 0x60]);
        let p = strip(&f).unwrap();
        assert_eq!((p.proto, p.data), (NetProto::Ip, &[0x60][..]));
        f[40..42].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(strip(&f).unwrap().proto, NetProto::Other(0x0806));
        assert_eq!(strip(&f[..42]).unwrap_err(), DecodeError::TruncatedLink);
    }
}
