//! Link layers: from a captured frame to the network-layer bytes it carries.
//!
//! Each supported pcap `LINKTYPE_*` is a small function that peels its header(s) and says
//! which network protocol follows. The Ethernet family goes through etherparse's header
//! slices; the Linux cooked headers and BSD loopback are short enough to read directly.

use etherparse::{EtherType, Ethernet2HeaderSlice, SingleVlanHeaderSlice};

use super::encap::{fabricpath, llc, mpls, pbb, pppoe, pw, vntag, Encap, Layer};
use super::DecodeError;

pub mod arcnet;
pub mod avs;
pub mod fddi;
pub mod ieee80211;
pub mod ipoib;
pub mod juniper;
pub mod prism;
pub mod radiotap;

/// Declares [`LinkType`] from one table: each link type's variant, its pcap `LINKTYPE_*`
/// number and its short name (as tcpdump prints it). Everything else about a link type is
/// derived from this table.
macro_rules! link_types {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $number:literal, $name:literal,
    )*) => {
        /// The link types the decoder understands, by their pcap `LINKTYPE_*` number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum LinkType {
            $($(#[$doc])* $variant,)*
        }

        impl LinkType {
            /// Every supported pcap `LINKTYPE_*` number, in the table's order.
            pub const ALL_LINKTYPES: [u32; [$($number),*].len()] = [$($number),*];

            /// Maps a pcap `LINKTYPE_*` value; `None` when it is not supported.
            pub fn from_linktype(value: u32) -> Option<Self> {
                match value {
                    $($number => Some(LinkType::$variant),)*
                    _ => None,
                }
            }

            /// The pcap `LINKTYPE_*` value.
            pub fn linktype(self) -> u32 {
                match self {
                    $(LinkType::$variant => $number,)*
                }
            }

            /// A short human name, as tcpdump prints it.
            pub fn name(self) -> &'static str {
                match self {
                    $(LinkType::$variant => $name,)*
                }
            }
        }
    };
}

link_types! {
    /// `LINKTYPE_NULL` (0): BSD loopback, a 4-byte address family in the capturing host's byte order.
    Null => 0, "NULL (BSD loopback)",
    /// `LINKTYPE_ETHERNET` (1), with any number of 802.1Q / 802.1ad (QinQ) tags.
    Ethernet => 1, "EN10MB (Ethernet)",
    /// `LINKTYPE_ARCNET_BSD` (7): ARCNET without the Linux offset field.
    ArcnetBsd => 7, "ARCNET (ARCNET, BSD)",
    /// `LINKTYPE_PPP` (9): PPP (RFC 1661), with or without the HDLC-like address and control
    /// bytes 0xFF 0x03 (RFC 1662); a Cisco HDLC header is recognised as Wireshark does.
    Ppp => 9, "PPP",
    /// `LINKTYPE_FDDI` (10): FDDI, LLC/SNAP frames.
    Fddi => 10, "FDDI",
    /// `LINKTYPE_RAW` (101): a bare IPv4 or IPv6 packet.
    Raw => 101, "RAW (raw IP)",
    /// `LINKTYPE_C_HDLC` (104): Cisco HDLC, address, control and a 16-bit EtherType.
    CiscoHdlc => 104, "C_HDLC (Cisco HDLC)",
    /// `LINKTYPE_IEEE802_11` (105): 802.11 frames, data frames through LLC/SNAP.
    Ieee80211 => 105, "IEEE802_11 (802.11)",
    /// `LINKTYPE_LOOP` (108): OpenBSD loopback, the address family in network byte order.
    Loop => 108, "LOOP (OpenBSD loopback)",
    /// `LINKTYPE_LINUX_SLL` (113): Linux cooked capture v1.
    LinuxSll => 113, "LINUX_SLL (Linux cooked v1)",
    /// `LINKTYPE_IEEE802_11_PRISM` (119): a Prism (or AVS) header, then 802.11.
    Prism => 119, "PRISM_HEADER (802.11 plus Prism header)",
    /// `LINKTYPE_IEEE802_11_RADIOTAP` (127): a radiotap header, then 802.11.
    Radiotap => 127, "IEEE802_11_RADIO (802.11 plus radiotap header)",
    /// `LINKTYPE_ARCNET_LINUX` (129): ARCNET with the Linux 2-byte offset field.
    ArcnetLinux => 129, "ARCNET_LINUX (Linux ARCNET)",
    /// `LINKTYPE_IEEE802_11_AVS` (163): an AVS header, then 802.11.
    Avs => 163, "IEEE802_11_RADIO_AVS (802.11 plus AVS header)",
    /// `LINKTYPE_JUNIPER_ETHER` (178): Juniper's header, then Ethernet.
    JuniperEther => 178, "JUNIPER_ETHER (Juniper Ethernet)",
    /// `LINKTYPE_IPV4` (228).
    Ipv4 => 228, "IPV4 (raw IPv4)",
    /// `LINKTYPE_IPV6` (229).
    Ipv6 => 229, "IPV6 (raw IPv6)",
    /// `LINKTYPE_NFLOG` (239): Linux netfilter log, a 4-byte header and TLVs, the packet in
    /// the payload TLV.
    Nflog => 239, "NFLOG (Linux netfilter log)",
    /// `LINKTYPE_IPOIB` (242): IP over InfiniBand (RFC 4391 §6).
    Ipoib => 242, "IPOIB (IP over InfiniBand)",
    /// `LINKTYPE_LINUX_SLL2` (276): Linux cooked capture v2.
    LinuxSll2 => 276, "LINUX_SLL2 (Linux cooked v2)",
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
    /// The network-layer bytes' length on the wire when the link header states it (an
    /// NFLOG payload TLV); otherwise the rest of the frame's original length.
    pub wire_len: Option<usize>,
    /// Bytes at the end of the frame that are not the network layer's (an FCS).
    pub trailer_len: usize,
    /// The layers peeled inside an Ethernet frame (VLAN tags, PPPoE, MPLS), in order.
    pub path: Encap,
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
            wire_len: None,
            trailer_len: 0,
            path: Encap::new(),
        }),
        LinkType::Null => bsd_loopback(frame, false),
        LinkType::Loop => bsd_loopback(frame, true),
        LinkType::LinuxSll => linux_sll(frame),
        LinkType::LinuxSll2 => linux_sll2(frame),
        LinkType::Ppp => ppp(frame),
        LinkType::CiscoHdlc => cisco_hdlc(frame),
        LinkType::Nflog => nflog(frame),
        LinkType::Ieee80211 => ieee80211::strip(frame, false, false),
        LinkType::Radiotap => radiotap::strip(frame),
        LinkType::Prism => prism::strip(frame),
        LinkType::Avs => avs::strip(frame),
        LinkType::Ipoib => ipoib::strip(frame),
        LinkType::Fddi => fddi::strip(frame),
        LinkType::ArcnetBsd => arcnet::strip(frame, false),
        LinkType::ArcnetLinux => arcnet::strip(frame, true),
        LinkType::JuniperEther => match juniper::strip(frame)? {
            juniper::Inner::Net(p) => Ok(p),
            juniper::Inner::Ethernet(len) => {
                let mut p = ethernet(&frame[len..])?;
                p.header_len += len;
                p.path = p
                    .path
                    .layers()
                    .fold(Encap::new().push(Layer::Eth), Encap::push);
                Ok(p)
            }
        },
    }
}

impl LinkType {
    /// The layer the `encap` path names for this link type's own header (raw IP has none);
    /// the layers found inside it (tags, LLC, 802.11 ...) follow it.
    pub fn layer(self) -> Option<Layer> {
        Some(match self {
            LinkType::Ethernet => Layer::Eth,
            LinkType::Raw | LinkType::Ipv4 | LinkType::Ipv6 => return None,
            LinkType::Null | LinkType::Loop => Layer::Null,
            LinkType::LinuxSll | LinkType::LinuxSll2 => Layer::Sll,
            LinkType::Ppp => Layer::Ppp,
            LinkType::CiscoHdlc => Layer::Chdlc,
            LinkType::Nflog => Layer::Nflog,
            LinkType::Ieee80211 => return None,
            LinkType::Radiotap => Layer::Radiotap,
            LinkType::Prism => Layer::Prism,
            LinkType::Avs => Layer::Avs,
            LinkType::Ipoib => Layer::Ipoib,
            LinkType::Fddi => Layer::Fddi,
            LinkType::ArcnetBsd | LinkType::ArcnetLinux => Layer::Arcnet,
            LinkType::JuniperEther => Layer::Juniper,
        })
    }
}

pub(crate) fn ether_proto(ether_type: u16) -> NetProto {
    match ether_type {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => NetProto::Ip,
        other => NetProto::Other(other),
    }
}

/// Ethernet II (or IEEE 802.3 with LLC/SNAP), then what its EtherType names, as many
/// times as headers are stacked: VLAN tags (802.1Q, 802.1ad QinQ, the pre-standard
/// 0x9100), VN-Tag, 802.1ah backbone bridging (a customer Ethernet header inside), a PPPoE
/// session and an MPLS stack, in any order Wireshark's EtherType dispatch would follow.
/// At most [`MAX_ETHER_HEADERS`] of them: a hostile frame cannot loop.
fn ethernet(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    // The common frame, Ethernet II carrying IP at once, without the walk below (which
    // gives it the same payload: none of the tags it looks for is IP's EtherType).
    if let (Some(&[hi, lo]), Some(data)) = (frame.get(12..14), frame.get(14..)) {
        let t = u16::from_be_bytes([hi, lo]);
        if t == ETHERTYPE_IPV4 || t == ETHERTYPE_IPV6 {
            return Ok(LinkPayload {
                proto: ether_proto(t),
                data,
                header_len: 14,
                wire_len: None,
                trailer_len: 0,
                path: Encap::new(),
            });
        }
    }
    let mut path = Encap::new();
    // Cisco FabricPath: an outer header before the classical frame, recognised (as
    // Wireshark's heuristic does) before the EtherType dispatch.
    let start = if fabricpath::is_fabricpath(frame) {
        path = path.push(Layer::Fabricpath).push(Layer::Eth);
        fabricpath::HEADER_LEN
    } else {
        0
    };
    let inner = frame.get(start..).unwrap_or(&[]);
    let eth = Ethernet2HeaderSlice::from_slice(inner).map_err(|_| DecodeError::TruncatedLink)?;
    let mut ether_type: EtherType = eth.ether_type();
    let mut offset = start + eth.slice().len();
    // IEEE 802.3: the field is the length, and the LLC header says what follows.
    if ether_type.0 <= llc::MAX_LENGTH {
        let rest = frame.get(offset..).unwrap_or(&[]);
        if let Some(snap) = llc::snap_ethertype(rest) {
            path = path.push(Layer::Llc);
            offset += llc::HEADER_LEN;
            ether_type = EtherType(snap);
        }
    }
    for _ in 0..MAX_ETHER_HEADERS {
        let rest = frame.get(offset..).unwrap_or(&[]);
        let t = ether_type.0;
        if VLAN_TAGS.contains(&t) {
            let vlan =
                SingleVlanHeaderSlice::from_slice(rest).map_err(|_| DecodeError::TruncatedLink)?;
            ether_type = vlan.ether_type();
            offset += vlan.slice().len();
            path = path.push(Layer::Vlan);
        } else if t == vntag::ETHERTYPE {
            let next = vntag::next_ethertype(rest).ok_or(DecodeError::TruncatedLink)?;
            ether_type = EtherType(next);
            offset += vntag::HEADER_LEN;
            path = path.push(Layer::Vntag);
        } else if t == pbb::ETHERTYPE {
            let next = pbb::next_ethertype(rest).ok_or(DecodeError::TruncatedLink)?;
            ether_type = EtherType(next);
            offset += pbb::HEADER_LEN;
            path = path.push(Layer::Pbb).push(Layer::Eth);
        } else if t == pppoe::ETHERTYPE {
            // A PPPoE session (RFC 2516) names the IP version it carries; discovery or a
            // cut header stays not IP, counted by its EtherType.
            let Some((proto, inner)) = pppoe::payload(rest) else {
                break;
            };
            path = path.push(Layer::Pppoe).push(Layer::Ppp);
            offset = frame.len() - inner.len();
            ether_type = EtherType(pppoe::ip_ethertype(proto).unwrap_or(pppoe::ETHERTYPE));
            if ether_type.0 == pppoe::ETHERTYPE {
                break;
            }
        } else if mpls::ETHERTYPES.contains(&t) {
            // An MPLS stack (RFC 3032) carries IP, which ends the chain, or an Ethernet
            // pseudowire (RFC 4448), whose frame continues it.
            if let Some((len, inner_type)) = mpls::payload(rest) {
                path = path.push(Layer::Mpls);
                offset += len;
                ether_type = EtherType(inner_type);
                break;
            }
            let Some(len) = mpls::stack_len(rest) else {
                break;
            };
            let Some(cw) = pw::ethernet_offset(&rest[len..]) else {
                break;
            };
            path = path.push(Layer::Mpls);
            if cw > 0 {
                path = path.push(Layer::Pwcw);
            }
            // A control word cut by the frame's end is a cut link header.
            let inner = rest.get(len + cw..).ok_or(DecodeError::TruncatedLink)?;
            let eth =
                Ethernet2HeaderSlice::from_slice(inner).map_err(|_| DecodeError::TruncatedLink)?;
            path = path.push(Layer::Eth);
            ether_type = eth.ether_type();
            offset += len + cw + eth.slice().len();
        } else {
            break;
        }
    }
    Ok(LinkPayload {
        proto: ether_proto(ether_type.0),
        data: &frame[offset..],
        header_len: offset,
        wire_len: None,
        // Wireshark takes a FabricPath frame's last 4 bytes as its FCS.
        trailer_len: if start > 0 { fabricpath::FCS_LEN } else { 0 },
        path,
    })
}

/// The most headers [`ethernet`] peels after the first EtherType.
const MAX_ETHER_HEADERS: usize = 16;

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
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
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
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
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
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    })
}

const PPP_IPV4: u16 = 0x0021;
const PPP_IPV6: u16 = 0x0057;

/// PPP as `LINKTYPE_PPP` frames carry it, read the way Wireshark's `ppp_hdlc` dissector
/// reads them: a first byte of 0x0F or 0x8F is a Cisco HDLC header; 0xFF starts the
/// RFC 1662 address and control bytes (0xFF 0x03), otherwise they were compressed away
/// (RFC 1661 §6.6); then the protocol field, one byte when its low bit is set (protocol
/// field compression, RFC 1661 §6.5), else two. 0x0021 is IPv4, 0x0057 IPv6.
pub(crate) fn ppp(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let first = *frame.first().ok_or(DecodeError::TruncatedLink)?;
    if first == 0x0f || first == 0x8f {
        return cisco_hdlc(frame);
    }
    let start = if first == 0xff { 2 } else { 0 };
    let b0 = *frame.get(start).ok_or(DecodeError::TruncatedLink)?;
    let (proto, len) = if b0 & 1 == 1 {
        (u16::from(b0), 1)
    } else {
        let b1 = *frame.get(start + 1).ok_or(DecodeError::TruncatedLink)?;
        (u16::from_be_bytes([b0, b1]), 2)
    };
    let header_len = start + len;
    Ok(LinkPayload {
        proto: match proto {
            PPP_IPV4 | PPP_IPV6 => NetProto::Ip,
            other => NetProto::Other(other),
        },
        data: &frame[header_len..],
        header_len,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    })
}

/// Cisco HDLC: address (0x0F unicast, 0x8F broadcast), control, then an EtherType.
fn cisco_hdlc(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let hdr = frame.get(..4).ok_or(DecodeError::TruncatedLink)?;
    Ok(LinkPayload {
        proto: ether_proto(u16::from_be_bytes([hdr[2], hdr[3]])),
        data: &frame[4..],
        header_len: 4,
        wire_len: None,
        trailer_len: 0,
        path: Encap::new(),
    })
}

const NFULA_PAYLOAD: u16 = 9;
const LINUX_AF_INET: u8 = 2;
const LINUX_AF_INET6: u8 = 10;

/// Linux NFLOG: a header (address family, version, 16-bit resource id), then TLVs whose
/// length (counting the 4-byte TLV header) and type are in the capturing host's byte
/// order, little-endian as Wireshark reads them by default on the hosts that write them;
/// each TLV is padded to 4 bytes. The payload TLV (type 9) holds the packet, IPv4 or IPv6
/// by the header's family; other families carry no IP.
fn nflog(frame: &[u8]) -> Result<LinkPayload<'_>, DecodeError> {
    let family = *frame.first().ok_or(DecodeError::TruncatedLink)?;
    if frame.len() < 4 {
        return Err(DecodeError::TruncatedLink);
    }
    let mut off = 4;
    while let Some(tlv) = frame.get(off..off + 4) {
        let tlv_len = usize::from(u16::from_le_bytes([tlv[0], tlv[1]]));
        // The top bit of the type is the netlink "nested" flag.
        let tlv_type = u16::from_le_bytes([tlv[2], tlv[3]]) & 0x7fff;
        if tlv_len < 4 {
            return Err(DecodeError::BadLinkHeader);
        }
        if tlv_type == NFULA_PAYLOAD {
            let start = off + 4;
            let value_len = tlv_len - 4;
            let end = (start + value_len).min(frame.len());
            return Ok(LinkPayload {
                proto: match family {
                    LINUX_AF_INET | LINUX_AF_INET6 => NetProto::Ip,
                    other => NetProto::Other(u16::from(other)),
                },
                data: &frame[start..end],
                header_len: start,
                wire_len: Some(value_len),
                trailer_len: 0,
                path: Encap::new(),
            });
        }
        off += tlv_len.div_ceil(4) * 4;
    }
    // The TLVs end (or the frame does) before any payload TLV.
    Err(DecodeError::TruncatedLink)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An MPLS stack whose pseudowire control word is cut by the frame's end (found by
    /// the decode fuzz target: it sliced past the end) is a cut link header.
    #[test]
    fn a_cut_pseudowire_control_word_is_a_cut_link_header() {
        let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0x47];
        // One label with the bottom-of-stack bit, then two bytes of a control word.
        f.extend_from_slice(&[0, 1, 1, 64, 0, 0]);
        assert_eq!(
            strip(LinkType::Ethernet, &f).err(),
            Some(DecodeError::TruncatedLink)
        );
        // The fuzzer's input itself, through the whole decoder.
        let crash = [
            2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 136, 71, 0, 1, 0, 64, 0, 0, 56, 0, 0, 0, 0, 64, 1,
            0, 0, 10, 3, 0, 2, 1, 64, 96, 0, 0, 0, 0, 20, 6, 64, 0, 0, 0, 0, 0, 0, 0, 22, 80, 16,
            250, 240, 169, 223, 0, 207, 0,
        ];
        for orig in [crash.len() as u32, crash.len() as u32 + 2] {
            let _ = crate::wire::decode(LinkType::Ethernet, &crash, orig);
        }
    }

    /// A hostile chain of tags stops after [`MAX_ETHER_HEADERS`], as not IP.
    #[test]
    fn the_ethertype_chain_is_bounded() {
        let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x89, 0x26];
        for _ in 0..40 {
            f.extend_from_slice(&[0x80, 0x01, 0x00, 0x02, 0x89, 0x26]);
        }
        f.extend_from_slice(&[0x45; 20]);
        let p = strip(LinkType::Ethernet, &f).unwrap();
        assert_eq!(p.proto, NetProto::Other(vntag::ETHERTYPE));
        assert_eq!(p.path.len(), Encap::CAPACITY);
    }

    /// 802.3 with LLC/SNAP, then 802.1ah with a tagged customer frame.
    #[test]
    fn llc_snap_and_backbone_bridging() {
        let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x00, 0x30];
        f.extend_from_slice(&[0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45]);
        let p = strip(LinkType::Ethernet, &f).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.path.to_string()),
            (NetProto::Ip, 22, "llc".into())
        );
        let mut f = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xE7];
        f.extend_from_slice(&[0, 0, 0, 42]);
        f.extend_from_slice(&[0x02; 12]);
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x0A, 0x86, 0xDD, 0x60]);
        let p = strip(LinkType::Ethernet, &f).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.path.to_string()),
            (NetProto::Ip, 14 + 18 + 4, "pbb:eth:vlan".into())
        );
    }

    #[test]
    fn linktype_numbers_round_trip() {
        for v in [
            0, 1, 7, 9, 10, 101, 104, 105, 108, 113, 119, 127, 129, 163, 178, 228, 229, 239, 242,
            276,
        ] {
            assert_eq!(LinkType::from_linktype(v).unwrap().linktype(), v);
        }
        assert_eq!(LinkType::ALL_LINKTYPES.len(), 20);
        assert_eq!(LinkType::from_linktype(106), None);
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

    #[test]
    fn ppp_with_and_without_address_and_control() {
        let full = [0xff, 0x03, 0x00, 0x21, 0x45];
        let p = strip(LinkType::Ppp, &full).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.data),
            (NetProto::Ip, 4, &[0x45][..])
        );
        let bare = [0x00, 0x57, 0x60];
        let p = strip(LinkType::Ppp, &bare).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 2));
        // Protocol field compression: one odd byte.
        let pfc = [0xff, 0x03, 0x21, 0x45];
        let p = strip(LinkType::Ppp, &pfc).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 3));
        // LCP is not IP.
        assert_eq!(
            strip(LinkType::Ppp, &[0xff, 0x03, 0xc0, 0x21, 1])
                .unwrap()
                .proto,
            NetProto::Other(0xc021)
        );
        // A Cisco HDLC header in a PPP capture, as Wireshark reads it.
        let p = strip(LinkType::Ppp, &[0x0f, 0x00, 0x08, 0x00, 0x45]).unwrap();
        assert_eq!((p.proto, p.header_len), (NetProto::Ip, 4));
    }

    #[test]
    fn truncated_ppp_is_a_typed_error() {
        for f in [
            &[][..],
            &[0xff, 0x03][..],
            &[0xff, 0x03, 0x00][..],
            &[0x00][..],
        ] {
            assert_eq!(
                strip(LinkType::Ppp, f).unwrap_err(),
                DecodeError::TruncatedLink,
                "{f:?}"
            );
        }
    }

    #[test]
    fn cisco_hdlc_ethertype() {
        let p = strip(LinkType::CiscoHdlc, &[0x8f, 0x00, 0x86, 0xdd, 0x60]).unwrap();
        assert_eq!(
            (p.proto, p.header_len, p.data),
            (NetProto::Ip, 4, &[0x60][..])
        );
        assert_eq!(
            strip(LinkType::CiscoHdlc, &[0x8f, 0x00, 0x80, 0x35])
                .unwrap()
                .proto,
            NetProto::Other(0x8035)
        );
        assert_eq!(
            strip(LinkType::CiscoHdlc, &[0x0f, 0x00, 0x08]).unwrap_err(),
            DecodeError::TruncatedLink
        );
    }

    /// An NFLOG frame: header, a prefix TLV of 5 bytes (padded to 8), then the payload TLV.
    fn nflog_frame(family: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![family, 0, 0, 1];
        f.extend_from_slice(&[5, 0, 10, 0, b'a', 0, 0, 0]);
        f.extend_from_slice(&((4 + payload.len()) as u16).to_le_bytes());
        f.extend_from_slice(&9u16.to_le_bytes());
        f.extend_from_slice(payload);
        f.resize(f.len().div_ceil(4) * 4, 0);
        f
    }

    #[test]
    fn nflog_payload_tlv() {
        let f = nflog_frame(2, &[0x45, 1, 2, 3, 4]);
        let p = strip(LinkType::Nflog, &f).unwrap();
        assert_eq!(p.proto, NetProto::Ip);
        assert_eq!((p.header_len, p.wire_len), (16, Some(5)));
        assert_eq!(p.data, &[0x45, 1, 2, 3, 4]);
        let f = nflog_frame(10, &[0x60]);
        assert_eq!(strip(LinkType::Nflog, &f).unwrap().proto, NetProto::Ip);
        let f = nflog_frame(7, &[0x60]);
        assert_eq!(
            strip(LinkType::Nflog, &f).unwrap().proto,
            NetProto::Other(7)
        );
    }

    #[test]
    fn nflog_errors_are_typed() {
        // No payload TLV, a cut header, a TLV length below its own header.
        assert_eq!(
            strip(LinkType::Nflog, &[2, 0, 0, 1, 8, 0, 1, 0, 0, 0, 0, 0]).unwrap_err(),
            DecodeError::TruncatedLink
        );
        assert_eq!(
            strip(LinkType::Nflog, &[2, 0]).unwrap_err(),
            DecodeError::TruncatedLink
        );
        assert_eq!(
            strip(LinkType::Nflog, &[2, 0, 0, 1, 2, 0, 1, 0, 0, 0, 0, 0]).unwrap_err(),
            DecodeError::BadLinkHeader
        );
        // A huge TLV length in a short frame reads what is there, without panicking.
        let p = strip(LinkType::Nflog, &[2, 0, 0, 1, 0xff, 0xff, 9, 0, 0x45]).unwrap();
        assert_eq!((p.data, p.wire_len), (&[0x45][..], Some(0xfffb)));
    }
}
