//! Wire formats: from captured bytes to a parsed TCP segment.
//!
//! `decode` never panics and never allocates. It answers one of three ways: a TCP
//! segment, a frame that is simply not TCP (counted and skipped), or a typed reason why a
//! frame could not be decoded.
//!
//! Lengths follow Wireshark: the segment length comes from the IP length fields and the
//! frame's *original* length, never from how many bytes were captured, so a capture cut by
//! its snaplen is analysed exactly like the full one.

pub mod encap;
pub mod icmp;
pub mod ipv6;
pub mod link;
pub mod tcp;

use core::fmt;
use core::net::IpAddr;

use etherparse::{err, IpNumber, LaxIpSlice, TcpHeaderSlice};

pub use encap::{Encap, Layer};
pub use icmp::{IcmpError, Unreachable};
pub use link::{LinkType, NetProto};
pub use tcp::{OptionError, TcpFlags, TcpOptions};

/// Declares [`DecodeError`] from one table: each reason's variant (with the value it
/// carries, if any) and its code, in code order. Everything else about a reason, its
/// index, its code, the value it carries and its rebuilding from (index, value), in Rust
/// and through the C ABI, is derived from this table.
macro_rules! decode_errors {
    ($(
        $(#[$doc:meta])*
        $variant:ident $(($value:ident: $ty:ty))? => $code:literal,
    )*) => {
        /// Why a frame could not be decoded to a TCP segment.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DecodeError {
            $($(#[$doc])* $variant $(($ty))?,)*
        }

        /// The position of each reason in the table.
        #[repr(u8)]
        enum Position {
            $($variant,)*
        }

        impl DecodeError {
            /// Every reason's code, in the table's order: `ALL_CODES[e.index()] == e.code()`.
            pub const ALL_CODES: [&'static str; [$($code),*].len()] = [$($code),*];

            /// This reason's position in [`DecodeError::ALL_CODES`].
            pub fn index(self) -> usize {
                match self {
                    $(DecodeError::$variant { .. } => Position::$variant as usize,)*
                }
            }

            /// The value a reason carries (a link type, an IP version, a header length),
            /// else 0.
            pub fn detail(self) -> u32 {
                match self {
                    $(DecodeError::$variant $(($value))? => 0 $(+ u32::from($value))?,)*
                }
            }

            /// The reason at `index` in [`DecodeError::ALL_CODES`], carrying `detail`
            /// (cut to the width of the value it carries).
            pub fn from_parts(index: usize, detail: u32) -> Option<DecodeError> {
                $(
                    if index == Position::$variant as usize {
                        $(let $value = detail as $ty;)?
                        return Some(DecodeError::$variant $(($value))?);
                    }
                )*
                None
            }
        }
    };
}

decode_errors! {
    /// The frame's link type (a pcap LINKTYPE_ value) is not one tcplens decodes.
    UnsupportedLinkType(link_type: u32) => "unsupported_link_type",
    /// The frame ends inside its link-layer header.
    TruncatedLink => "truncated_link_header",
    /// The IP version nibble is neither 4 nor 6.
    BadIpVersion(version: u8) => "bad_ip_version",
    /// The frame ends inside the IP header or its extension headers.
    TruncatedIp => "truncated_ip_header",
    /// The IPv4 header length (IHL) is below 5 words.
    BadIpHeaderLength(ihl: u8) => "bad_ip_header_length",
    /// The IP total/payload length is smaller than the headers it must contain.
    IpLengthTooSmall => "ip_length_too_small",
    /// An IPv6 extension header or IPv4 AH could not be read.
    BadIpExtension => "bad_ip_extension_header",
    /// A fragment of a TCP datagram, past the first, that was not captured whole: it
    /// cannot be reassembled, and its TCP header is in another frame.
    IpFragment => "ip_fragment",
    /// The frame ends inside the fixed 20-byte TCP header.
    TruncatedTcp => "truncated_tcp_header",
    /// The TCP data offset is below 5 words (RFC 9293 §3.1).
    BadTcpDataOffset(offset: u8) => "bad_tcp_data_offset",
    /// The TCP data offset points past the end of the IP payload.
    TcpHeaderBeyondIp => "tcp_header_beyond_ip_length",
    /// A link-layer header's own lengths are impossible (an NFLOG TLV shorter than its
    /// 4-byte header).
    BadLinkHeader => "bad_link_header",
    /// An 802.11 data frame with the Protected flag: its body is encrypted.
    WlanProtected => "wlan_protected",
    /// An 802.11 A-MSDU: several subframes in one body, not decoded.
    WlanAmsdu => "wlan_amsdu",
}

impl DecodeError {
    /// A stable machine name (used in JSON/CSV output and in counts).
    pub fn code(self) -> &'static str {
        DecodeError::ALL_CODES[self.index()]
    }
}

/// The English words of the reason (in `text::en`, beside its words in the other languages).
impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <crate::text::En as crate::text::ExplainWords>::decode_error(f, *self)
    }
}

impl std::error::Error for DecodeError {}

/// A frame that carries no TCP: skipped and counted, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotTcp {
    /// The link layer carries something other than IP (ARP, LLDP ...): its EtherType.
    NonIp(u16),
    /// IP carrying another protocol (UDP, ICMP ...): its protocol number.
    OtherTransport(u8),
    /// A fragment of an IP datagram, held until the datagram is complete (`crate::defrag`).
    Fragment,
}

/// A decoded TCP segment: addresses, header fields and options. Borrowed, `Copy`, no heap.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    /// The raw 16-bit window field (unscaled).
    pub window: u16,
    /// TCP header length in bytes.
    pub header_len: u16,
    /// Payload length on the wire, from the IP length (Wireshark's `tcp.len`).
    pub seg_len: u32,
    /// The IP packet's length on the wire, headers included (0 for a quoted header).
    pub ip_len: u32,
    /// The IPv4 identification field; `None` over IPv6, which has none outside fragments.
    /// A packet captured twice carries the same one, a retransmission a new one from most
    /// stacks (the diagnosis tells them apart with it).
    pub ip_id: Option<u16>,
    pub options: TcpOptions,
    /// The payload bytes that were captured (may be shorter than `seg_len`; empty for a
    /// segment reassembled from IP fragments, see [`TcpSegment::detached`]).
    pub payload: &'a [u8],
    /// How completely the header could be read.
    pub kind: SegmentKind,
    /// For an incomplete or bogus header: why (Wireshark marks such frames malformed).
    pub malformed: Option<DecodeError>,
    /// The layers the TCP header was found under, link first (`eth:vlan:ip:gre:eth:ip`).
    pub encap: Encap,
}

/// How completely a TCP header could be read; it decides what is shown and analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// A whole header: analysed in full.
    Complete,
    /// The data offset is below 5 words: the segment names its conversation and moves the
    /// base sequence numbers, its length is counted from the bogus offset, and it is not
    /// analysed further.
    BadDataOffset,
    /// Only 16 to 19 bytes of header, or a header longer than the segment: the conversation
    /// is named, the numbers stay raw, there is no length.
    HeaderOnly,
    /// A header quoted inside an ICMP error, handled like `HeaderOnly`; the error with it.
    IcmpQuoted(IcmpError),
}

impl<'a> TcpSegment<'a> {
    /// The segment without its payload bytes, so it can outlive them (a datagram
    /// reassembled from fragments lives only for its frame).
    pub fn detached(self) -> TcpSegment<'static> {
        TcpSegment {
            src: self.src,
            dst: self.dst,
            src_port: self.src_port,
            dst_port: self.dst_port,
            seq: self.seq,
            ack: self.ack,
            flags: self.flags,
            window: self.window,
            header_len: self.header_len,
            seg_len: self.seg_len,
            ip_len: self.ip_len,
            ip_id: self.ip_id,
            options: self.options,
            payload: &[],
            kind: self.kind,
            malformed: self.malformed,
            encap: self.encap,
        }
    }
}

/// The start of a TCP header quoted in an ICMP or ICMPv6 error and cut before 16 bytes
/// (RFC 792 asks only for the IP header and 8 bytes). Wireshark 4.0 dissects it as TCP
/// (ports from 4 bytes, the sequence number from 8 in ICMPv4 errors) but ties it to no
/// conversation: no stream, no analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpQuote {
    /// The quoted packet's addresses (its sender first).
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    /// The quoted sequence number, when at least 8 bytes are quoted.
    pub seq: Option<u32>,
    /// How many bytes of the TCP header are quoted (4 to 15).
    pub quoted_len: u8,
    /// The error that quotes it: ICMPv6 rather than ICMP, its type and code.
    pub v6: bool,
    pub icmp_type: u8,
    pub icmp_code: u8,
    /// The layers the quoted header was found under (`ip:icmp:ip`).
    pub encap: Encap,
}

impl TcpQuote {
    /// The sequence number as Wireshark 4.0 shows it (`tcp.seq`): only in ICMPv4 errors,
    /// whose TCP dissector adds it early for this case; ICMPv6 quotes get it only with the
    /// rest of a 16-byte header.
    pub fn shown_seq(&self) -> Option<u32> {
        self.seq.filter(|_| !self.v6)
    }
}

/// What one frame turned out to be.
#[derive(Debug, Clone, Copy)]
pub enum Decoded<'a> {
    Tcp(TcpSegment<'a>),
    /// A TCP header quoted in an ICMP error, cut before 16 bytes.
    Quote(TcpQuote),
    NotTcp(NotTcp),
    /// A fragment of an IP datagram, captured whole: for the reassembly
    /// (`crate::defrag`), which decodes the datagram with [`decode_reassembled`] once its
    /// last piece arrives.
    Fragment(IpFragment<'a>),
}

/// Which datagram a fragment belongs to: Wireshark's reassembly key (addresses and
/// identification; the protocol too, as IPv4's key mixes it in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragmentKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    pub proto: u8,
}

/// One fragment of an IP datagram (RFC 791 §3.2, RFC 8200 §4.5) whose bytes were all
/// captured. Borrowed, `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct IpFragment<'a> {
    pub key: FragmentKey,
    /// Where `data` goes in the datagram's payload, in bytes.
    pub offset: u32,
    /// More fragments follow (the last one has it clear and fixes the datagram's length).
    pub more: bool,
    /// The fragment's data: after the IPv4 header, or after the IPv6 Fragment header.
    pub data: &'a [u8],
    /// The IPv4 header (options included) or the IPv6 fixed header: the reassembled
    /// datagram's header is the first fragment's.
    pub header: &'a [u8],
    /// The encapsulation above this IP header, and how deep in tunnels it is.
    pub path: Encap,
    pub depth: u8,
}

/// The header of a reassembled datagram of `payload_len` bytes, written to the start of
/// `out` from the first fragment's `header`: IPv4 with the fragment fields cleared (DF
/// kept) and the total length set (0, "use the frame's length", past 65,535); IPv6 as its
/// fixed header with the Fragment header's next header and the payload length (the
/// extension headers before the Fragment header are left out).
pub fn reassembled_header(header: &[u8], proto: u8, payload_len: usize, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(header);
    if header.first().is_some_and(|b| b >> 4 == 6) && out.len() >= 40 {
        out.truncate(40);
        let plen = u16::try_from(payload_len).unwrap_or(u16::MAX);
        out[4..6].copy_from_slice(&plen.to_be_bytes());
        out[6] = proto;
    } else if out.len() >= 20 {
        let total = u16::try_from(header.len() + payload_len).unwrap_or(0);
        out[2..4].copy_from_slice(&total.to_be_bytes());
        out[6] &= 0x40;
        out[7] = 0;
    }
}

/// Decodes a datagram reassembled from `first`'s fragments (`datagram` = header and
/// payload, as [`reassembled_header`] and the data make it). Its path shows the
/// reassembly as `ipfrag` before the `ip` layer.
pub fn decode_reassembled<'d>(
    first: &IpFragment<'_>,
    datagram: &'d [u8],
) -> Result<Decoded<'d>, DecodeError> {
    decode_ip(
        datagram,
        datagram.len(),
        first.depth,
        first.path.push(Layer::IpFrag),
    )
}

/// Decodes one frame. `orig_len` is the frame's length on the wire (pcap `orig_len`).
pub fn decode(link: LinkType, frame: &[u8], orig_len: u32) -> Result<Decoded<'_>, DecodeError> {
    let l2 = link::strip(link, frame)?;
    if let NetProto::Other(proto) = l2.proto {
        return Ok(Decoded::NotTcp(NotTcp::NonIp(proto)));
    }
    // Bytes from the IP header to the end of the frame as it was on the wire.
    let rest = (orig_len as usize)
        .max(frame.len())
        .saturating_sub(l2.header_len + l2.trailer_len);
    // A link header that states its payload's length (NFLOG) bounds it, and a payload said
    // to run past the frame's end is a cut link header (Wireshark's bounds error).
    let reported = match l2.wire_len {
        Some(len) if len > rest => return Err(DecodeError::TruncatedLink),
        Some(len) => len,
        None => rest,
    };
    decode_ip(l2.data, reported, 0, link_path(link, l2.path))
}

/// The path of the link layer: its name, then the layers peeled inside it.
fn link_path(link: LinkType, inside: Encap) -> Encap {
    let outer = link.layer().map_or(Encap::new(), |l| Encap::new().push(l));
    inside.layers().fold(outer, Encap::push)
}

/// Follows an Ethernet frame carried inside a tunnel (GRE 0x6558, VXLAN) to its IP packet;
/// `reported` is the frame's length on the wire.
fn decode_inner_ethernet(
    frame: &[u8],
    reported: usize,
    depth: u8,
    path: Encap,
) -> Result<Decoded<'_>, DecodeError> {
    let l2 = link::strip(LinkType::Ethernet, frame)?;
    if let NetProto::Other(proto) = l2.proto {
        return Ok(Decoded::NotTcp(NotTcp::NonIp(proto)));
    }
    let path = link_path(LinkType::Ethernet, l2.path)
        .layers()
        .fold(path, Encap::push);
    decode_ip(
        l2.data,
        reported.saturating_sub(l2.header_len + l2.trailer_len),
        depth + 1,
        path,
    )
}

/// What a tunnel header says follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tunnelled {
    /// An IP packet.
    Ip,
    /// An Ethernet frame.
    Ethernet,
    /// An ERSPAN header (already skipped), then an Ethernet frame.
    Erspan,
    /// A PPP frame (PPTP).
    Ppp,
    /// An IEEE 802.11 frame; `swapped_fc` for CAPWAP's Cisco frame control order.
    Wlan { swapped_fc: bool },
}

/// The tunnels Wireshark follows over UDP by port (either side): GTP-U (2152), VXLAN
/// (4789), Geneve (6081), GRE over UDP (4754), CAPWAP data (5247), AYIYA (5072). `udp`
/// starts at the UDP header; the answer is the tunnel's layer, what it carries and where.
fn udp_tunnel(udp: &[u8]) -> Option<(Layer, Tunnelled, &[u8])> {
    if let Some(inner) = gtp_u_payload(udp) {
        return Some((Layer::Gtp, Tunnelled::Ip, inner));
    }
    if let Some(inner) = encap::vxlan::payload(udp) {
        return Some((Layer::Vxlan, Tunnelled::Ethernet, inner));
    }
    if let Some((kind, inner)) = encap::geneve::payload(udp) {
        let kind = match kind {
            encap::geneve::GenevePayload::Ethernet => Tunnelled::Ethernet,
            encap::geneve::GenevePayload::Ip => Tunnelled::Ip,
        };
        return Some((Layer::Geneve, kind, inner));
    }
    if let Some(gre) = encap::udp_payload_on_port(udp, encap::gre::UDP_PORT) {
        let (kind, inner) = gre_payload(gre)?;
        return Some((Layer::Gre, kind, inner));
    }
    if let Some((kind, inner)) = encap::capwap::payload(udp) {
        let kind = match kind {
            encap::capwap::CapwapPayload::Ieee80211 => Tunnelled::Wlan { swapped_fc: true },
            encap::capwap::CapwapPayload::Ethernet => Tunnelled::Ethernet,
        };
        return Some((Layer::Capwap, kind, inner));
    }
    if let Some(inner) = encap::ayiya::payload(udp) {
        return Some((Layer::Ayiya, Tunnelled::Ip, inner));
    }
    None
}

/// A GRE header (RFC 2784, PPTP's version 1, with any ERSPAN header) and what it carries.
fn gre_payload(gre: &[u8]) -> Option<(Tunnelled, &[u8])> {
    use encap::gre::GrePayload;
    let (len, kind) = encap::gre::parse(gre)?;
    let kind = match kind {
        GrePayload::Ip => Tunnelled::Ip,
        GrePayload::Ethernet => Tunnelled::Ethernet,
        GrePayload::Erspan => Tunnelled::Erspan,
        GrePayload::Ppp => Tunnelled::Ppp,
        GrePayload::Wlan => Tunnelled::Wlan { swapped_fc: false },
    };
    Some((kind, &gre[len..]))
}

/// Follows what a tunnel carries to its IP packet; `reported` is its length on the wire.
fn tunnel_payload(
    kind: Tunnelled,
    inner: &[u8],
    reported: usize,
    depth: u8,
    path: Encap,
) -> Result<Decoded<'_>, DecodeError> {
    let (path, p) = match kind {
        Tunnelled::Ip => return decode_ip(inner, reported, depth + 1, path),
        Tunnelled::Ethernet => return decode_inner_ethernet(inner, reported, depth, path),
        Tunnelled::Erspan => {
            return decode_inner_ethernet(inner, reported, depth, path.push(Layer::Erspan))
        }
        Tunnelled::Ppp => (path.push(Layer::Ppp), link::ppp(inner)?),
        Tunnelled::Wlan { swapped_fc } => (path, link::ieee80211::strip(inner, false, swapped_fc)?),
    };
    if let NetProto::Other(proto) = p.proto {
        return Ok(Decoded::NotTcp(NotTcp::NonIp(proto)));
    }
    let path = p.path.layers().fold(path, Encap::push);
    decode_ip(
        p.data,
        reported.saturating_sub(p.header_len + p.trailer_len),
        depth + 1,
        path,
    )
}

/// How deep tunnels (GTP-U) and ICMP quotes may nest before a frame is given up on.
const MAX_NESTING: u8 = 3;
const UDP_PORT_GTP_U: u16 = 2152;

/// Decodes an IPv4/IPv6 packet (with extension headers) and the TCP header it carries.
/// `reported` is the packet's length on the wire, counted from the IP header.
/// `path` is the encapsulation above this packet; `depth` how many tunnels and quotes it is
/// inside, bounded by `MAX_NESTING` so a hostile capture cannot recurse without end.
pub fn decode_ip(
    data: &[u8],
    reported: usize,
    depth: u8,
    path: Encap,
) -> Result<Decoded<'_>, DecodeError> {
    match plain_ipv4_tcp(data, reported, path) {
        Some(d) => d,
        None => decode_ip_walked(data, reported, depth, path),
    }
}

/// The common packet, IPv4 without options and unfragmented, carrying TCP, read in place:
/// the same result as [`decode_ip_walked`] gives it (the tests compare the two on every
/// byte of such headers, and the `decode` fuzz target on any bytes), without etherparse's
/// general walk. `None` for any other packet.
#[inline]
fn plain_ipv4_tcp(
    data: &[u8],
    reported: usize,
    path: Encap,
) -> Option<Result<Decoded<'_>, DecodeError>> {
    let h: &[u8; 20] = data.get(..20)?.try_into().ok()?;
    // Version 4, IHL 5; protocol TCP; no More Fragments bit, fragment offset 0 (RFC 791 §3.1).
    if h[0] != 0x45 || h[9] != 6 || h[6] & 0x3f != 0 || h[7] != 0 {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    // The payload as etherparse's lax slice cuts it: to the total length when the data
    // holds it all, else to the data's end.
    let payload = if (20..=data.len()).contains(&total) {
        &data[20..total]
    } else {
        &data[20..]
    };
    // A total length of 0 is what TSO-offloaded captures show: the frame's length counts.
    let total = if total == 0 { reported } else { total };
    if total < 20 {
        return Some(Err(DecodeError::IpLengthTooSmall));
    }
    let ip_end = total.min(reported.max(data.len()));
    let ends = IpEnds {
        src: IpAddr::V4([h[12], h[13], h[14], h[15]].into()),
        dst: IpAddr::V4([h[16], h[17], h[18], h[19]].into()),
        ip_id: Some(u16::from_be_bytes([h[4], h[5]])),
    };
    Some(tcp_header(
        ends,
        payload,
        ip_end - 20,
        ip_end,
        path.push(Layer::Ip),
    ))
}

/// The addresses and IPv4 identification of the packet carrying a TCP header.
#[derive(Clone, Copy)]
struct IpEnds {
    src: IpAddr,
    dst: IpAddr,
    ip_id: Option<u16>,
}

impl IpEnds {
    fn of(ip: &LaxIpSlice<'_>) -> IpEnds {
        IpEnds {
            src: ip.source_addr(),
            dst: ip.destination_addr(),
            ip_id: match ip {
                LaxIpSlice::Ipv4(v4) => Some(v4.header().identification()),
                LaxIpSlice::Ipv6(_) => None,
            },
        }
    }
}

/// [`decode_ip`] for every packet: etherparse walks the IP header and its extensions.
#[doc(hidden)]
pub fn decode_ip_walked(
    data: &[u8],
    reported: usize,
    depth: u8,
    path: Encap,
) -> Result<Decoded<'_>, DecodeError> {
    let (ip, ext_err) = LaxIpSlice::from_slice(data).map_err(|e| match e {
        err::ip::LaxHeaderSliceError::Len(_) => DecodeError::TruncatedIp,
        err::ip::LaxHeaderSliceError::Content(c) => match c {
            err::ip::HeaderError::UnsupportedIpVersion { version_number } => {
                DecodeError::BadIpVersion(version_number)
            }
            err::ip::HeaderError::Ipv4HeaderLengthSmallerThanHeader { ihl } => {
                DecodeError::BadIpHeaderLength(ihl)
            }
        },
    })?;

    // The IP payload length on the wire: from the length field, but never past the frame's
    // reported end (Wireshark shrinks the IP tvb to the length field and no further).
    let (headers_len, length_field_end) = match &ip {
        LaxIpSlice::Ipv4(v4) => {
            let hdr = v4.header();
            let hdr_len = hdr.slice().len();
            let auth_len = v4.extensions().auth.map_or(0, |a| a.slice().len());
            let total = hdr.total_len() as usize;
            // A total length of 0 is what TSO-offloaded captures show: Wireshark then uses the
            // frame's length.
            let total = if total == 0 { reported } else { total };
            if total < hdr_len {
                return Err(DecodeError::IpLengthTooSmall);
            }
            (hdr_len + auth_len, total)
        }
        LaxIpSlice::Ipv6(v6) => {
            let ext = v6.extensions().slice();
            let plen = match v6.header().payload_length() {
                // A jumbogram (RFC 2675): the length is in the hop-by-hop header.
                0 if v6.header().next_header().0 == ipv6::HOP_BY_HOP => {
                    ipv6::jumbo_payload_len(ext).map_or(0, |n| n as usize)
                }
                n => usize::from(n),
            };
            (40 + ext.len(), 40 + plen)
        }
    };
    let ip_end = length_field_end.min(reported.max(data.len()));

    let payload = ip.payload();
    if payload.fragmented {
        if let Some(d) = fragment(
            data,
            &ip,
            payload,
            ip_end.saturating_sub(headers_len),
            depth,
            path,
        ) {
            return d;
        }
        // A first fragment not captured whole: what is here is decoded, as Wireshark does.
    }
    if ext_err.is_some() {
        // The extension chain could not be followed to its end.
        return Err(DecodeError::BadIpExtension);
    }
    if ip_end < headers_len {
        return Err(DecodeError::IpLengthTooSmall);
    }
    let transport_wire_len = ip_end - headers_len;
    let path = path.push(Layer::Ip);
    // What the inner bytes' wire length is, given how many outer bytes precede them.
    let inner_len = |inner: &[u8]| {
        transport_wire_len.saturating_sub(payload.payload.len().saturating_sub(inner.len()))
    };
    match payload.ip_number {
        // Plain TCP first: the common path stays one comparison.
        IpNumber::TCP => {}
        IpNumber::UDP if depth < MAX_NESTING => {
            let udp = payload.payload;
            let path = path.push(Layer::Udp);
            let Some((layer, kind, inner)) = udp_tunnel(udp) else {
                return Ok(Decoded::NotTcp(NotTcp::OtherTransport(17)));
            };
            return tunnel_payload(kind, inner, inner_len(inner), depth, path.push(layer));
        }
        IpNumber::GRE if depth < MAX_NESTING => {
            let Some((kind, inner)) = gre_payload(payload.payload) else {
                return Ok(Decoded::NotTcp(NotTcp::OtherTransport(47)));
            };
            return tunnel_payload(kind, inner, inner_len(inner), depth, path.push(Layer::Gre));
        }
        IpNumber(n) if encap::ipip::is_ip_in_ip(n) && depth < MAX_NESTING => {
            let inner = payload.payload;
            return decode_ip(inner, transport_wire_len, depth + 1, path);
        }
        IpNumber::ICMP | IpNumber::IPV6_ICMP if depth < MAX_NESTING => {
            let from = ip.source_addr();
            let path = path.push(Layer::Icmp);
            return Ok(icmp_quote(payload.ip_number, from, payload.payload, path)
                .unwrap_or(Decoded::NotTcp(NotTcp::OtherTransport(payload.ip_number.0))));
        }
        other => return Ok(Decoded::NotTcp(NotTcp::OtherTransport(other.0))),
    }
    tcp_header(
        IpEnds::of(&ip),
        payload.payload,
        transport_wire_len,
        ip_end,
        path,
    )
}

/// A fragment (`wire_len` bytes of data on the wire): whole in the capture, for the
/// reassembly; else, past the first fragment, a frame without its transport header
/// (`ip_fragment` for TCP, as Wireshark shows "Fragmented IP protocol"). `None` for a
/// first fragment cut by the snaplen, which Wireshark dissects as it is.
fn fragment<'a>(
    data: &'a [u8],
    ip: &LaxIpSlice<'a>,
    payload: &etherparse::LaxIpPayloadSlice<'a>,
    wire_len: usize,
    depth: u8,
    path: Encap,
) -> Option<Result<Decoded<'a>, DecodeError>> {
    let (header_len, id, offset, more) = match ip {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            let offset = u32::from(h.fragments_offset().value()) * 8;
            (
                h.slice().len(),
                u32::from(h.identification()),
                offset,
                h.more_fragments(),
            )
        }
        LaxIpSlice::Ipv6(v6) => {
            let f = ipv6::fragment_header(v6.header().next_header().0, v6.extensions().slice())?;
            (40, f.id, f.offset, f.more)
        }
    };
    let header = data.get(..header_len)?;
    let proto = payload.ip_number.0;
    if wire_len > 0 && payload.payload.len() >= wire_len {
        let key = FragmentKey {
            src: ip.source_addr(),
            dst: ip.destination_addr(),
            id,
            proto,
        };
        return Some(Ok(Decoded::Fragment(IpFragment {
            key,
            offset,
            more,
            data: &payload.payload[..wire_len],
            header,
            path,
            depth,
        })));
    }
    match (offset, proto) {
        (0, _) => None,
        (_, 6) => Some(Err(DecodeError::IpFragment)),
        (_, p) => Some(Ok(Decoded::NotTcp(NotTcp::OtherTransport(p)))),
    }
}

/// Reads the TCP header at the start of `tcp_bytes` (captured bytes, already bounded by the
/// IP length) whose segment is `wire_len` bytes on the wire. Wireshark 4.0's outcomes:
/// - under 16 bytes: no conversation at all (an exception before the lookup);
/// - 16 to 19 bytes, or a header longer than the segment: the conversation is named, the
///   numbers stay raw and there is no length ([`SegmentKind::HeaderOnly`]);
/// - a data offset below 5: "bogus TCP header length", yet the length is counted from it
///   and the bases move ([`SegmentKind::BadDataOffset`]).
fn tcp_header(
    ip: IpEnds,
    tcp_bytes: &[u8],
    wire_len: usize,
    ip_len: usize,
    encap: Encap,
) -> Result<Decoded<'_>, DecodeError> {
    let avail = tcp_bytes.len().min(wire_len);
    if avail < 16 {
        return Err(DecodeError::TruncatedTcp);
    }
    let be16 = |i: usize| u16::from_be_bytes([tcp_bytes[i], tcp_bytes[i + 1]]);
    let be32 = |i: usize| {
        u32::from_be_bytes([
            tcp_bytes[i],
            tcp_bytes[i + 1],
            tcp_bytes[i + 2],
            tcp_bytes[i + 3],
        ])
    };
    let data_offset = tcp_bytes[12] >> 4;
    let header_len = usize::from(data_offset) * 4;
    let (kind, malformed) = if avail < 20 {
        (SegmentKind::HeaderOnly, Some(DecodeError::TruncatedTcp))
    } else if data_offset < 5 {
        (
            SegmentKind::BadDataOffset,
            Some(DecodeError::BadTcpDataOffset(data_offset)),
        )
    } else if header_len > wire_len {
        (
            SegmentKind::HeaderOnly,
            Some(DecodeError::TcpHeaderBeyondIp),
        )
    } else {
        (SegmentKind::Complete, None)
    };
    // The fixed header is captured; the options may have been cut by the snaplen, in which
    // case the segment is still analysed and the options carry a typed note.
    let options = match kind {
        SegmentKind::Complete => match TcpHeaderSlice::from_slice(tcp_bytes) {
            Ok(h) => TcpOptions::parse(h.options(), true),
            Err(_) => TcpOptions::parse(&tcp_bytes[20..], false),
        },
        _ => TcpOptions::default(),
    };
    let seg_len = match kind {
        SegmentKind::Complete | SegmentKind::BadDataOffset => (wire_len - header_len) as u32,
        _ => 0,
    };
    Ok(Decoded::Tcp(TcpSegment {
        src: ip.src,
        dst: ip.dst,
        src_port: be16(0),
        dst_port: be16(2),
        seq: be32(4),
        ack: be32(8),
        flags: TcpFlags(be16(12) & 0x01ff),
        window: be16(14),
        header_len: header_len as u16,
        seg_len,
        ip_len: u32::try_from(ip_len).unwrap_or(u32::MAX),
        ip_id: ip.ip_id,
        options,
        payload: if kind == SegmentKind::Complete {
            tcp_bytes.get(header_len..).unwrap_or(&[])
        } else {
            &[]
        },
        kind,
        malformed,
        encap,
    }))
}

/// The inner IP packet of a GTP-U G-PDU (3GPP TS 29.281 §5) carried over UDP port 2152,
/// which Wireshark dissects by default. `udp` starts at the UDP header.
fn gtp_u_payload(udp: &[u8]) -> Option<&[u8]> {
    let gtp = encap::udp_payload_on_port(udp, UDP_PORT_GTP_U)?;
    let flags = *gtp.first()?;
    // Version 1, protocol type GTP, message type G-PDU (255).
    if flags >> 5 != 1 || flags & 0x10 == 0 || *gtp.get(1)? != 0xff {
        return None;
    }
    let mut off = 8;
    if flags & 0x07 != 0 {
        // Sequence number, N-PDU number and next-extension-header type are present.
        off = 12;
        let mut next = *gtp.get(11)?;
        while next != 0 {
            let len = usize::from(*gtp.get(off)?) * 4;
            if len == 0 {
                return None;
            }
            off += len;
            next = *gtp.get(off - 1)?;
        }
    }
    let inner = gtp.get(off..)?;
    matches!(inner.first()? >> 4, 4 | 6).then_some(inner)
}

/// A TCP header quoted in an ICMP or ICMPv6 error (RFC 792, RFC 4443 §3). Wireshark files
/// it under the quoted conversation (creating it if need be) when at least 16 bytes of the
/// TCP header are quoted; a shorter quote (RFC 792's 8 bytes) names no conversation but
/// still shows its ports, and from 8 bytes in ICMPv4 its sequence number ([`TcpQuote`]).
fn icmp_quote(proto: IpNumber, from: IpAddr, icmp: &[u8], path: Encap) -> Option<Decoded<'_>> {
    let v6 = proto == IpNumber::IPV6_ICMP;
    let kind = *icmp.first()?;
    if !IcmpError::is_error(v6, kind) {
        return None;
    }
    let error = IcmpError {
        from,
        v6,
        kind,
        code: *icmp.get(1)?,
    };
    quoted_tcp_header(error, icmp.get(8..)?, path)
}

/// Reads a quoted IP header and the TCP header after it. The quoted IP length describes
/// the original packet, so only the quoted bytes count.
fn quoted_tcp_header(error: IcmpError, quoted: &[u8], path: Encap) -> Option<Decoded<'_>> {
    let (ip, _) = LaxIpSlice::from_slice(quoted).ok()?;
    let p = ip.payload();
    if p.ip_number != IpNumber::TCP || p.fragmented {
        return None;
    }
    let tcp = p.payload;
    if tcp.len() < 16 {
        // Wireshark reads the ports before anything can throw; 1 to 3 bytes show nothing.
        let be16 = |i: usize| u16::from_be_bytes([tcp[i], tcp[i + 1]]);
        return (tcp.len() >= 4).then(|| {
            Decoded::Quote(TcpQuote {
                src: ip.source_addr(),
                dst: ip.destination_addr(),
                src_port: be16(0),
                dst_port: be16(2),
                seq: tcp
                    .get(4..8)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                quoted_len: tcp.len() as u8,
                v6: error.v6,
                icmp_type: error.kind,
                icmp_code: error.code,
                encap: path.push(Layer::Ip),
            })
        });
    }
    match tcp_header(IpEnds::of(&ip), tcp, tcp.len(), 0, path.push(Layer::Ip)) {
        Ok(Decoded::Tcp(t)) => Some(Decoded::Tcp(TcpSegment {
            kind: SegmentKind::IcmpQuoted(error),
            seg_len: 0,
            payload: &[],
            ..t
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SegBuilder;

    fn tcp(d: Result<Decoded<'_>, DecodeError>) -> TcpSegment<'_> {
        match d {
            Ok(Decoded::Tcp(t)) => t,
            other => panic!("expected TCP, got {other:?}"),
        }
    }

    /// The plain IPv4/TCP path gives what the general walk gives, byte for byte of the
    /// result, on packets with every header byte changed to values at the edges of each
    /// check, cut at every length, and with the wire length below, at and beyond the data.
    #[test]
    fn the_plain_ipv4_path_decodes_as_the_general_walk() {
        let c = |f: &str| SegBuilder::v4("10.0.0.1:40000", "10.0.0.2:80").flags(f);
        let bases = [
            c("S")
                .seq(7)
                .mss(1460)
                .wscale(7)
                .sack_permitted()
                .timestamps(1, 0)
                .raw(),
            c("A").seq(8).ack(9).payload(b"hello, world").raw(),
            c("PA")
                .seq(8)
                .ack(9)
                .timestamps(5, 6)
                .sack(&[(1, 2), (3, 4)])
                .payload(&[0; 40])
                .raw(),
            c("FA").seq(8).ack(9).ip_id(0xbeef).raw(),
        ];
        let values = [
            0u8, 1, 4, 5, 6, 0x14, 0x20, 0x3f, 0x40, 0x44, 0x45, 0x46, 0x50, 0x80, 0xff,
        ];
        let (mut plain, mut compared) = (0, 0);
        let mut compare = |data: &[u8], reported: usize| {
            let fast = decode_ip(data, reported, 0, Encap::new());
            let walked = decode_ip_walked(data, reported, 0, Encap::new());
            assert_eq!(
                format!("{fast:?}"),
                format!("{walked:?}"),
                "{data:02x?} reported {reported}"
            );
            plain += usize::from(plain_ipv4_tcp(data, reported, Encap::new()).is_some());
            compared += 1;
        };
        for base in &bases {
            for cut in 0..=base.len() {
                for reported in [0, cut / 2, cut, base.len(), base.len() + 100] {
                    compare(&base[..cut], reported);
                }
            }
            for at in 0..base.len().min(60) {
                for v in values
                    .iter()
                    .copied()
                    .chain([base[at].wrapping_add(1), base[at].wrapping_sub(1)])
                {
                    let mut p = base.clone();
                    p[at] = v;
                    for reported in [0, p.len(), p.len() + 100] {
                        compare(&p, reported);
                    }
                }
            }
        }
        // The test means something only if the plain path ran, and not on every packet.
        assert!(
            plain > compared / 4 && plain < compared,
            "{plain} of {compared}"
        );
    }

    #[test]
    fn codes_and_indices_agree() {
        let all = [
            DecodeError::UnsupportedLinkType(9),
            DecodeError::TruncatedLink,
            DecodeError::BadIpVersion(7),
            DecodeError::TruncatedIp,
            DecodeError::BadIpHeaderLength(3),
            DecodeError::IpLengthTooSmall,
            DecodeError::BadIpExtension,
            DecodeError::IpFragment,
            DecodeError::TruncatedTcp,
            DecodeError::BadTcpDataOffset(2),
            DecodeError::TcpHeaderBeyondIp,
            DecodeError::BadLinkHeader,
            DecodeError::WlanProtected,
            DecodeError::WlanAmsdu,
        ];
        assert_eq!(all.len(), DecodeError::ALL_CODES.len());
        for (i, e) in all.into_iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(DecodeError::ALL_CODES[i], e.code());
            assert_eq!(DecodeError::from_parts(i, e.detail()), Some(e));
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(DecodeError::UnsupportedLinkType(9).detail(), 9);
        assert_eq!(
            DecodeError::from_parts(2, 0x107),
            Some(DecodeError::BadIpVersion(7))
        );
        assert_eq!(DecodeError::from_parts(all.len(), 0), None);
    }

    #[test]
    fn ethernet_ipv4_tcp_with_payload() {
        let f = SegBuilder::v4("10.0.0.1:1234", "10.0.0.2:80")
            .seq(100)
            .ack(7)
            .flags("PA")
            .payload(b"hello")
            .ethernet();
        let t = tcp(decode(LinkType::Ethernet, &f, f.len() as u32));
        assert_eq!(t.src.to_string(), "10.0.0.1");
        assert_eq!((t.src_port, t.dst_port), (1234, 80));
        assert_eq!((t.seq, t.ack, t.seg_len), (100, 7, 5));
        assert_eq!(t.flags.to_string(), "PSH,ACK");
        assert_eq!(t.payload, b"hello");
        assert_eq!((t.kind, t.malformed), (SegmentKind::Complete, None));
    }

    #[test]
    fn the_ipv4_identification_is_kept_and_ipv6_has_none() {
        let v4 = SegBuilder::v4("10.0.0.1:1234", "10.0.0.2:80").ip_id(0x0dfc);
        let v6 = SegBuilder::v6("[2001:db8::1]:1", "[2001:db8::2]:2");
        let f = v4.ethernet();
        assert_eq!(tcp(decode(LinkType::Ethernet, &f, 54)).ip_id, Some(0x0dfc));
        let f = v6.raw();
        assert_eq!(tcp(decode(LinkType::Raw, &f, f.len() as u32)).ip_id, None);
    }

    #[test]
    fn every_link_type_reaches_the_same_segment() {
        let b = SegBuilder::v4("10.0.0.1:1234", "10.0.0.2:80")
            .seq(9)
            .payload(b"xy");
        let v6 = SegBuilder::v6("[2001:db8::1]:1", "[2001:db8::2]:2")
            .seq(9)
            .payload(b"xy");
        let frames = [
            (LinkType::Ethernet, b.ethernet()),
            (LinkType::Ethernet, b.ethernet_vlan(&[100])),
            (LinkType::Ethernet, b.ethernet_vlan(&[100, 200])),
            (LinkType::LinuxSll, b.sll()),
            (LinkType::LinuxSll2, b.sll2()),
            (LinkType::Raw, b.raw()),
            (LinkType::Ipv4, b.raw()),
            (LinkType::Null, b.null()),
            (LinkType::Ipv6, v6.raw()),
            (LinkType::LinuxSll2, v6.sll2()),
            (LinkType::Null, v6.null()),
        ];
        for (link, f) in &frames {
            let t = tcp(decode(*link, f, f.len() as u32));
            assert_eq!((t.seq, t.seg_len), (9, 2), "{link:?}");
        }
    }

    #[test]
    fn seg_len_comes_from_ip_length_not_caplen() {
        let f = SegBuilder::v4("10.0.0.1:1234", "10.0.0.2:80")
            .payload(&[7u8; 1000])
            .ethernet();
        let cut = &f[..54 + 10];
        let t = tcp(decode(LinkType::Ethernet, cut, f.len() as u32));
        assert_eq!(t.seg_len, 1000);
        assert_eq!(t.payload.len(), 10);
    }

    #[test]
    fn ipv6_with_extension_header() {
        let f = SegBuilder::v6("[2001:db8::1]:5000", "[2001:db8::2]:443")
            .hop_by_hop()
            .payload(b"abc")
            .raw();
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!(t.dst.to_string(), "2001:db8::2");
        assert_eq!(t.seg_len, 3);
    }

    #[test]
    fn typed_reasons_for_bad_headers() {
        let good = SegBuilder::v4("10.0.0.1:1", "10.0.0.2:2").raw();
        let err = |f: &[u8]| decode(LinkType::Raw, f, f.len() as u32).unwrap_err();
        // IP total length smaller than the IP header.
        let mut shorter = good.clone();
        shorter[2..4].copy_from_slice(&10u16.to_be_bytes());
        assert_eq!(err(&shorter), DecodeError::IpLengthTooSmall);
        // Fewer than 16 bytes of TCP: nothing to name a conversation with.
        assert_eq!(
            decode(LinkType::Raw, &good[..30], good.len() as u32).unwrap_err(),
            DecodeError::TruncatedTcp
        );
        let mut ten = good.clone();
        ten[2..4].copy_from_slice(&30u16.to_be_bytes());
        assert_eq!(err(&ten), DecodeError::TruncatedTcp);
        // A first fragment captured whole goes to the reassembly; one cut by the snaplen
        // is decoded as it is (Wireshark's "first fragment"); a later one cut short is a
        // TCP fragment that cannot be reassembled, and for another protocol, not TCP.
        let mut frag = good.clone();
        frag[6] = 0x20; // MF
        let whole = decode(LinkType::Raw, &frag, frag.len() as u32);
        assert!(matches!(whole, Ok(Decoded::Fragment(f)) if f.more && f.offset == 0));
        fn cut(f: &[u8]) -> Result<Decoded<'_>, DecodeError> {
            decode(LinkType::Raw, &f[..f.len() - 2], f.len() as u32)
        }
        assert!(matches!(cut(&frag), Ok(Decoded::Tcp(_))));
        frag[7] = 0x10; // offset 128
        assert_eq!(cut(&frag).unwrap_err(), DecodeError::IpFragment);
        frag[9] = 17;
        assert!(matches!(
            cut(&frag),
            Ok(Decoded::NotTcp(NotTcp::OtherTransport(17)))
        ));
        // Version 7.
        let mut v7 = good.clone();
        v7[0] = 0x75;
        assert_eq!(err(&v7), DecodeError::BadIpVersion(7));
        // IHL 4.
        let mut ihl = good.clone();
        ihl[0] = 0x44;
        assert_eq!(err(&ihl), DecodeError::BadIpHeaderLength(4));
        // Link header cut.
        assert_eq!(
            decode(LinkType::Ethernet, &[0u8; 10], 10).unwrap_err(),
            DecodeError::TruncatedLink
        );
    }

    #[test]
    fn malformed_headers_still_name_their_conversation() {
        let good = SegBuilder::v4("10.0.0.1:1", "10.0.0.2:2")
            .payload(b"abcd")
            .raw();
        // Data offset 4: length counted from 16 bytes, as Wireshark does.
        let mut bad = good.clone();
        bad[20 + 12] = 0x40;
        let t = tcp(decode(LinkType::Raw, &bad, bad.len() as u32));
        assert_eq!(
            (t.kind, t.malformed, t.seg_len),
            (
                SegmentKind::BadDataOffset,
                Some(DecodeError::BadTcpDataOffset(4)),
                8
            )
        );
        // Header longer than the segment: a "short segment".
        let mut short = good.clone();
        short[20 + 12] = 0xf0;
        let t = tcp(decode(LinkType::Raw, &short, short.len() as u32));
        assert_eq!(
            (t.kind, t.malformed),
            (
                SegmentKind::HeaderOnly,
                Some(DecodeError::TcpHeaderBeyondIp)
            )
        );
        // 16 bytes of TCP within the IP length.
        let mut sixteen = good.clone();
        sixteen[2..4].copy_from_slice(&36u16.to_be_bytes());
        let t = tcp(decode(LinkType::Raw, &sixteen, sixteen.len() as u32));
        assert_eq!(
            (t.kind, t.malformed, t.src_port),
            (SegmentKind::HeaderOnly, Some(DecodeError::TruncatedTcp), 1)
        );
    }

    #[test]
    fn options_cut_by_snaplen_still_decode() {
        let f = SegBuilder::v4("10.0.0.1:1", "10.0.0.2:2")
            .flags("S")
            .mss(1460)
            .wscale(7)
            .raw();
        let t = tcp(decode(LinkType::Raw, &f[..44], f.len() as u32));
        assert_eq!(t.options.mss, Some(1460));
        assert_eq!(t.options.error, Some(OptionError::NotCaptured));
        assert_eq!((t.seg_len, t.kind), (0, SegmentKind::Complete));
    }

    #[test]
    fn non_tcp_is_skipped_not_an_error() {
        let mut f = SegBuilder::v4("10.0.0.1:1", "10.0.0.2:2").raw();
        f[9] = 17;
        assert!(matches!(
            decode(LinkType::Raw, &f, f.len() as u32),
            Ok(Decoded::NotTcp(NotTcp::OtherTransport(17)))
        ));
        let mut arp = SegBuilder::v4("10.0.0.1:1", "10.0.0.2:2").ethernet();
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        assert!(matches!(
            decode(LinkType::Ethernet, &arp, arp.len() as u32),
            Ok(Decoded::NotTcp(NotTcp::NonIp(0x0806)))
        ));
    }

    #[test]
    fn icmp_error_quoting_a_whole_tcp_header() {
        let inner = SegBuilder::v4("10.0.0.1:49400", "10.0.0.2:443")
            .flags("S")
            .seq(77)
            .mss(1460)
            .raw();
        let mut icmp = vec![3u8, 3, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&inner);
        let mut outer = vec![0x45, 0];
        outer.extend_from_slice(&((20 + icmp.len()) as u16).to_be_bytes());
        outer.extend_from_slice(&[0, 0, 0x40, 0, 64, 1, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]);
        outer.extend_from_slice(&icmp);
        let t = tcp(decode(LinkType::Raw, &outer, outer.len() as u32));
        assert_eq!(
            (t.kind, t.seq, t.dst_port),
            (
                SegmentKind::IcmpQuoted(IcmpError {
                    from: IpAddr::from([10, 0, 0, 2]),
                    v6: false,
                    kind: 3,
                    code: 3
                }),
                77,
                443
            )
        );
    }

    /// An ICMP (or ICMPv6) port unreachable quoting `inner` cut to `cut` bytes, in raw IP.
    fn icmp_quoting(inner: &[u8], cut: usize) -> Vec<u8> {
        let v6 = inner[0] >> 4 == 6;
        let mut icmp = if v6 {
            vec![1u8, 4, 0, 0, 0, 0, 0, 0]
        } else {
            vec![3u8, 3, 0, 0, 0, 0, 0, 0]
        };
        icmp.extend_from_slice(&inner[..cut]);
        if !v6 {
            return outer_v4(1, &icmp);
        }
        let mut f = vec![0x60, 0, 0, 0];
        f.extend_from_slice(&(icmp.len() as u16).to_be_bytes());
        f.extend_from_slice(&[58, 64]);
        f.extend_from_slice(&[0; 32]);
        f.extend_from_slice(&icmp);
        f
    }

    fn quote(f: &[u8]) -> TcpQuote {
        match decode(LinkType::Raw, f, f.len() as u32) {
            Ok(Decoded::Quote(q)) => q,
            other => panic!("expected a quote, got {other:?}"),
        }
    }

    #[test]
    fn icmp_error_quoting_8_bytes_gives_ports_and_seq() {
        let inner = SegBuilder::v4("10.0.0.1:49400", "10.0.0.2:443")
            .flags("PA")
            .seq(77)
            .ack(5)
            .payload(b"data")
            .raw();
        let q = quote(&icmp_quoting(&inner, 20 + 8));
        assert_eq!(
            (q.src, q.dst, q.src_port, q.dst_port),
            (
                IpAddr::from([10, 0, 0, 1]),
                IpAddr::from([10, 0, 0, 2]),
                49400,
                443
            )
        );
        assert_eq!(
            (q.seq, q.shown_seq(), q.quoted_len),
            (Some(77), Some(77), 8)
        );
        assert_eq!((q.icmp_type, q.icmp_code, q.v6), (3, 3, false));
        assert_eq!(q.encap.to_string(), "ip:icmp:ip");
        // 12 and 15 bytes: the same, the acknowledgement is not read.
        assert_eq!(quote(&icmp_quoting(&inner, 20 + 12)).quoted_len, 12);
        assert_eq!(quote(&icmp_quoting(&inner, 20 + 15)).seq, Some(77));
        // 4 bytes: the ports only; 3: nothing TCP at all.
        let q = quote(&icmp_quoting(&inner, 20 + 4));
        assert_eq!((q.dst_port, q.seq, q.shown_seq()), (443, None, None));
        assert!(matches!(
            decode(LinkType::Raw, &icmp_quoting(&inner, 23), 51),
            Ok(Decoded::NotTcp(NotTcp::OtherTransport(1)))
        ));
        // 16 bytes: the conversation is named, as before.
        let f = icmp_quoting(&inner, 20 + 16);
        assert!(matches!(
            tcp(decode(LinkType::Raw, &f, f.len() as u32)).kind,
            SegmentKind::IcmpQuoted(_)
        ));
    }

    #[test]
    fn icmpv6_error_quoting_8_bytes_shows_only_the_ports() {
        let inner = SegBuilder::v6("[2001:db8::1]:40001", "[2001:db8::2]:443")
            .flags("A")
            .seq(7001)
            .raw();
        let q = quote(&icmp_quoting(&inner, 40 + 8));
        assert_eq!((q.src_port, q.dst_port, q.quoted_len), (40001, 443, 8));
        assert_eq!((q.seq, q.shown_seq()), (Some(7001), None));
        assert_eq!((q.v6, q.icmp_type, q.icmp_code), (true, 1, 4));
        assert_eq!(q.dst.to_string(), "2001:db8::2");
        // Not an error message (echo request): nothing.
        let mut echo = icmp_quoting(&inner, 40 + 8);
        echo[40] = 128;
        assert!(matches!(
            decode(LinkType::Raw, &echo, echo.len() as u32),
            Ok(Decoded::NotTcp(NotTcp::OtherTransport(58)))
        ));
    }

    #[test]
    fn gtp_u_tunnel_is_followed() {
        let inner = SegBuilder::v4("10.1.0.1:5000", "10.1.0.2:80")
            .seq(5)
            .payload(b"hi")
            .raw();
        let mut udp = vec![0x08, 0x68, 0x08, 0x68];
        udp.extend_from_slice(&((8 + 8 + inner.len()) as u16).to_be_bytes());
        udp.extend_from_slice(&[0, 0]);
        udp.extend_from_slice(&[0x30, 0xff]);
        udp.extend_from_slice(&(inner.len() as u16).to_be_bytes());
        udp.extend_from_slice(&[0, 0, 0, 1]);
        udp.extend_from_slice(&inner);
        let mut outer = vec![0x45, 0];
        outer.extend_from_slice(&((20 + udp.len()) as u16).to_be_bytes());
        outer.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0, 192, 168, 0, 1, 192, 168, 0, 2]);
        outer.extend_from_slice(&udp);
        let t = tcp(decode(LinkType::Raw, &outer, outer.len() as u32));
        assert_eq!(
            (t.src.to_string().as_str(), t.seq, t.seg_len),
            ("10.1.0.1", 5, 2)
        );
    }

    /// An IPv4 header around `payload` with protocol `proto`.
    fn outer_v4(proto: u8, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
        p.extend_from_slice(payload);
        p
    }

    fn inner() -> SegBuilder {
        SegBuilder::v4("10.9.0.1:4000", "10.9.0.2:443")
            .seq(7)
            .payload(b"abc")
    }

    #[test]
    fn plain_ethernet_path() {
        let f = inner().ethernet_vlan(&[5, 6]);
        let t = tcp(decode(LinkType::Ethernet, &f, f.len() as u32));
        assert_eq!(t.encap.to_string(), "eth:vlan:vlan:ip");
    }

    #[test]
    fn ip_in_gre_and_ethernet_in_gre() {
        let mut gre = vec![0x20, 0, 0x08, 0x00, 0, 0, 0, 9];
        gre.extend_from_slice(&inner().raw());
        let f = outer_v4(47, &gre);
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!((t.src_port, t.seq, t.seg_len), (4000, 7, 3));
        assert_eq!(t.encap.to_string(), "ip:gre:ip");

        let mut gre = vec![0, 0, 0x65, 0x58];
        gre.extend_from_slice(&inner().ethernet());
        let f = outer_v4(47, &gre);
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!((t.dst_port, t.seg_len), (443, 3));
        assert_eq!(t.encap.to_string(), "ip:gre:eth:ip");
    }

    #[test]
    fn vxlan_carries_ethernet() {
        let eth = inner().ethernet();
        let mut udp = vec![0xc0, 0x01, 0x12, 0xb5];
        udp.extend_from_slice(&((16 + eth.len()) as u16).to_be_bytes());
        udp.extend_from_slice(&[0, 0, 0x08, 0, 0, 0, 0, 0, 42, 0]);
        udp.extend_from_slice(&eth);
        let f = outer_v4(17, &udp);
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!((t.src.to_string().as_str(), t.seg_len), ("10.9.0.1", 3));
        assert_eq!(t.encap.to_string(), "ip:udp:vxlan:eth:ip");
    }

    #[test]
    fn six_in_four_and_four_in_six() {
        let v6 = SegBuilder::v6("[2001:db8::1]:1234", "[2001:db8::2]:80")
            .payload(b"xy")
            .raw();
        let f = outer_v4(41, &v6);
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!((t.dst.to_string().as_str(), t.seg_len), ("2001:db8::2", 2));
        assert_eq!(t.encap.to_string(), "ip:ip");

        let v4 = inner().raw();
        let mut f = vec![0x60, 0, 0, 0];
        f.extend_from_slice(&(v4.len() as u16).to_be_bytes());
        f.extend_from_slice(&[4, 64]);
        f.extend_from_slice(&[0; 32]);
        f.extend_from_slice(&v4);
        let t = tcp(decode(LinkType::Raw, &f, f.len() as u32));
        assert_eq!((t.src_port, t.seg_len), (4000, 3));
    }

    #[test]
    fn nesting_is_bounded() {
        // IP in IP in IP in IP: the fourth level is past MAX_NESTING and is not followed.
        let mut p = inner().raw();
        for _ in 0..MAX_NESTING {
            p = outer_v4(4, &p);
        }
        assert!(matches!(
            decode(LinkType::Raw, &p, p.len() as u32),
            Ok(Decoded::Tcp(_))
        ));
        let p = outer_v4(4, &p);
        assert!(matches!(
            decode(LinkType::Raw, &p, p.len() as u32),
            Ok(Decoded::NotTcp(NotTcp::OtherTransport(4)))
        ));
    }

    #[test]
    fn pppoe_and_mpls_inside_ethernet() {
        let ip = inner().raw();
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64];
        f.extend_from_slice(&[0x11, 0, 0x12, 0x34, 0, (2 + ip.len()) as u8, 0, 0x21]);
        f.extend_from_slice(&ip);
        let t = tcp(decode(LinkType::Ethernet, &f, f.len() as u32));
        assert_eq!(
            (t.seg_len, t.encap.to_string()),
            (3, "eth:pppoe:ppp:ip".into())
        );

        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x47];
        f.extend_from_slice(&[0, 1, 0, 64, 0, 2, 1, 64]);
        f.extend_from_slice(&ip);
        let t = tcp(decode(LinkType::Ethernet, &f, f.len() as u32));
        assert_eq!((t.seg_len, t.encap.to_string()), (3, "eth:mpls:ip".into()));
    }
}
