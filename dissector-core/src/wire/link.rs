//! Link layers: from a captured frame to the network-layer bytes it carries.
//!
//! Each supported pcap `LINKTYPE_*` is a small function that peels its header(s) and says
//! which network protocol follows. The Ethernet family goes through etherparse's header
//! slices; the Linux cooked headers and BSD loopback are short enough to read directly.

use etherparse::{EtherType, Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::DecodeError;

/// The link types the decoder understands, by their pcap `LINKTYPE_*` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// `LINKTYPE_NULL` (0): BSD loopback, a 4-byte address family in the capturing host's byte order.
    Null,
    /// `LINKTYPE_ETHERNET` (1), with any number of 802.1Q / 802.1ad (QinQ) tags.
    Ethernet,
    /// `LINKTYPE_RAW` (101): a bare IPv4 or IPv6 packet.
    Raw,
    /// `LINKTYPE_LOOP` (108): OpenBSD loopback, the address family in network byte order.
    Loop,
    /// `LINKTYPE_LINUX_SLL` (113): Linux cooked capture v1.
    LinuxSll,
    /// `LINKTYPE_IPV4` (228).
    Ipv4,
    /// `LINKTYPE_IPV6` (229).
    Ipv6,
    /// `LINKTYPE_LINUX_SLL2` (276): Linux cooked capture v2.
    LinuxSll2,
}

impl LinkType {
    /// Maps a pcap `LINKTYPE_*` value; `None` when it is not supported.
    pub fn from_linktype(value: u32) -> Option<Self> {
        Some(match value {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            101 => LinkType::Raw,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            276 => LinkType::LinuxSll2,
            _ => return None,
        })
    }

    /// The pcap `LINKTYPE_*` value.
    pub fn linktype(self) -> u32 {
        match self {
            LinkType::Null => 0,
            LinkType::Ethernet => 1,
            LinkType::Raw => 101,
            LinkType::Loop => 108,
            LinkType::LinuxSll => 113,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll2 => 276,
        }
    }

    /// A short human name, as tcpdump prints it.
    pub fn name(self) -> &'static str {
        match self {
            LinkType::Null => "NULL (BSD loopback)",
            LinkType::Ethernet => "EN10MB (Ethernet)",
            LinkType::Raw => "RAW (raw IP)",
            LinkType::Loop => "LOOP (OpenBSD loopback)",
            LinkType::LinuxSll => "LINUX_SLL (Linux cooked v1)",
            LinkType::Ipv4 => "IPV4 (raw IPv4)",
            LinkType::Ipv6 => "IPV6 (raw IPv6)",
            LinkType::LinuxSll2 => "LINUX_SLL2 (Linux cooked v2)",
        }
    }
}

/// What the link layer says follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetProto {
    /// IPv4 or IPv6, to be told apart by the version nibble.
    Ip,
    /// Some other protocol (ARP, LLDP, IPX ...): its EtherType or address family.
    Other(u16),
}

/// The network-layer part of a frame.
#[derive(Debug, Clone, Copy)]
pub struct LinkPayload<'a> {
    pub proto: NetProto,
    /// Bytes after the link header(s), as captured.
    pub data: &'a [u8],
    /// Length of the link header(s), so the on-the-wire length of the rest can be derived.
    pub header_len: usize,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const VLAN_TAGS: [u16; 3] = [0x8100, 0x88a8, 0x9100];

/// Peels the link layer of one frame.
pub fn strip(link: LinkType, frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    match link {
        LinkType::Ethernet => ethernet(frame),
        LinkType::Raw | LinkType::Ipv4 | LinkType::Ipv6 => Ok(LinkPayload {
            proto: NetProto::Ip,
            data: frame,
            header_len: 0,
        }),
        LinkType::Null => bsd_loopback(frame, false),
        LinkType::Loop => bsd_loopback(frame, true),
        LinkType::LinuxSll => linux_sll(frame),
        LinkType::LinuxSll2 => linux_sll2(frame),
    }
}

fn ether_proto(ether_type: u16) -> NetProto {
    match ether_type {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => NetProto::Ip,
        other => NetProto::Other(other),
    }
}

/// Ethernet II, then as many VLAN tags as are stacked (802.1Q, 802.1ad QinQ, and the
/// pre-standard 0x9100).
fn ethernet(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let eth = Ethernet2HeaderSlice::from_slice(frame).map_err(|_| DecodeError::TruncatedLink)?;
    let mut ether_type: EtherType = eth.ether_type();
    let mut offset = eth.slice().len();
    while VLAN_TAGS.contains(&ether_type.0) {
        let rest = frame.get(offset..).unwrap_or(&[]);
        let vlan =
            SingleVlanHeaderSlice::from_slice(rest).map_err(|_| DecodeError::TruncatedLink)?;
        ether_type = vlan.ether_type();
        offset += vlan.slice().len();
    }
    Ok(LinkPayload {
        proto: ether_proto(ether_type.0),
        data: &frame[offset..],
        header_len: offset,
    })
}

/// BSD loopback: a 4-byte address family. `LINKTYPE_NULL` stores it in the byte order of
/// the host that captured, so both orders are tried; `LINKTYPE_LOOP` is big-endian.
fn bsd_loopback(frame: &[u8], big_endian_only: bool) -> Result<LinkPayload<'_>, DecodeError> {
    let head: [u8; 4] = frame
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(DecodeError::TruncatedLink)?;
    let be = u32::from_be_bytes(head);
    let le = u32::from_le_bytes(head);
    // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD),
    // 30 (macOS).
    let is_ip = |af: u32| matches!(af, 2 | 10 | 24 | 28 | 30);
    let proto = if is_ip(be) || (!big_endian_only && is_ip(le)) {
        NetProto::Ip
    } else {
        NetProto::Other(if big_endian_only {
            be as u16
        } else {
            le as u16
        })
    };
    Ok(LinkPayload {
        proto,
        data: &frame[4..],
        header_len: 4,
    })
}

/// Linux cooked capture v1: 16 bytes, the protocol type in the last two.
fn linux_sll(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let hdr = frame.get(..16).ok_or(DecodeError::TruncatedLink)?;
    let proto = u16::from_be_bytes([hdr[14], hdr[15]]);
    Ok(LinkPayload {
        proto: ether_proto(proto),
        data: &frame[16..],
        header_len: 16,
    })
}

/// Linux cooked capture v2: 20 bytes, the protocol type in the first two.
fn linux_sll2(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let hdr = frame.get(..20).ok_or(DecodeError::TruncatedLink)?;
    let proto = u16::from_be_bytes([hdr[0], hdr[1]]);
    Ok(LinkPayload {
        proto: ether_proto(proto),
        data: &frame[20..],
        header_len: 20,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linktype_numbers_round_trip() {
        for v in [0, 1, 101, 108, 113, 228, 229, 276] {
            assert_eq!(LinkType::from_linktype(v).unwrap().linktype(), v);
        }
        assert_eq!(LinkType::from_linktype(105), None);
    }

    #[test]
    fn qinq_tags_are_peeled() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x08, 0x00]);
        f.extend_from_slice(&[0x45, 0, 0, 20]);
        let p = strip(LinkType::Ethernet, &f).unwrap();
        assert_eq!(p.proto, NetProto::Ip);
        assert_eq!(p.header_len, 22);
        assert_eq!(p.data[0], 0x45);
    }

    #[test]
    fn truncated_vlan_is_a_typed_error() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00]);
        assert_eq!(
            strip(LinkType::Ethernet, &f).unwrap_err(),
            DecodeError::TruncatedLink
        );
    }

    #[test]
    fn null_loopback_either_byte_order() {
        let le = [2u8, 0, 0, 0, 0x45];
        let be = [0u8, 0, 0, 30, 0x60];
        assert_eq!(strip(LinkType::Null, &le).unwrap().proto, NetProto::Ip);
        assert_eq!(strip(LinkType::Null, &be).unwrap().proto, NetProto::Ip);
        assert_eq!(
            strip(LinkType::Loop, &le).unwrap().proto,
            NetProto::Other(0)
        );
        assert_eq!(
            strip(LinkType::Null, &[2u8, 0]).unwrap_err(),
            DecodeError::TruncatedLink
        );
    }

    #[test]
    fn sll_and_sll2_protocol_fields() {
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x86, 0xdd]);
        assert_eq!(strip(LinkType::LinuxSll, &sll).unwrap().proto, NetProto::Ip);
        let mut sll2 = vec![0x08, 0x06];
        sll2.extend_from_slice(&[0u8; 18]);
        assert_eq!(
            strip(LinkType::LinuxSll2, &sll2).unwrap().proto,
            NetProto::Other(0x0806)
        );
    }
}
