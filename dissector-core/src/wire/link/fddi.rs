//! FDDI, `LINKTYPE_FDDI` (10): a frame control byte and two 6-byte addresses (ANSI X3.139),
//! then, for LLC frames (frame control 0x50-0x57 asynchronous, 0xD0-0xD7 synchronous),
//! an IEEE 802.2 LLC/SNAP header naming an EtherType (RFC 1390).

use super::super::encap::{llc, Encap, Layer};
use super::super::DecodeError;
use super::{ether_proto, LinkPayload, NetProto};

/// Frame control and the two addresses.
pub const HEADER_LEN: usize = 13;

pub fn strip(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let fc = *frame.first().ok_or(DecodeError::TruncatedLink)?;
    let rest = frame.get(HEADER_LEN..).ok_or(DecodeError::TruncatedLink)?;
    let snap = if fc & 0x78 == 0x50 {
        llc::snap_ethertype(rest)
    } else {
        None
    };
    let Some(ether_type) = snap else {
        return Ok(LinkPayload {
            proto: NetProto::Other(0),
            data: &[],
            header_len: frame.len(),
            wire_len: None,
            trailer_len: 0,
            path: Encap::new(),
        });
    };
    let header_len = HEADER_LEN + llc::HEADER_LEN;
    Ok(LinkPayload {
        proto: ether_proto(ether_type),
        data: &frame[header_len..],
        header_len,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new().push(Layer::Llc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llc_frames_carry_snap() {
        let mut f = vec![0x50];
        f.extend_from_slice(&[0x02; 12]);
        f.extend_from_slice(&[0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        let p = strip(&f).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.data),
            (NetProto::Ip, 21, &[0x45][..])
        );
        assert_eq!(p.path.to_string(), "llc");
        // A MAC (token) frame is not LLC.
        f[0] = 0x80;
        assert_eq!(strip(&f).unwrap().proto, NetProto::Other(0));
        assert_eq!(strip(&f[..10]).unwrap_err(), DecodeError::TruncatedLink);
    }
}
