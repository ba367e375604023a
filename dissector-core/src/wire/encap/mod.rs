//! Encapsulations between the link layer and the innermost IP/TCP: one small decoder per
//! protocol, each a zero-copy view with its own tests, and the [`Encap`] path a frame took.
//!
//! The path is a fixed-size value (no heap per frame): up to [`Encap::CAPACITY`] layer
//! codes, named from the one [`Layer`] table.

pub mod ayiya;
pub mod capwap;
pub mod erspan;
pub mod fabricpath;
pub mod geneve;
pub mod gre;
pub mod ipip;
pub mod llc;
pub mod mpls;
pub mod pbb;
pub mod pppoe;
pub mod pw;
pub mod vntag;
pub mod vxlan;

use core::fmt;

/// The UDP payload of `udp` (a UDP header and what follows) when either of its ports is
/// `port`: how Wireshark hands UDP to the tunnels registered on a port.
pub fn udp_payload_on_port(udp: &[u8], port: u16) -> Option<&[u8]> {
    let ports = udp.get(..4)?;
    let sport = u16::from_be_bytes([ports[0], ports[1]]);
    let dport = u16::from_be_bytes([ports[2], ports[3]]);
    (sport == port || dport == port).then(|| udp.get(8..))?
}

/// Declares [`Layer`] from one table: each layer's variant and the name the `encap` path
/// prints for it.
macro_rules! layers {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// One layer of a frame's encapsulation path.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Layer {
            $($(#[$doc])* $variant,)*
        }

        impl Layer {
            /// Every layer, in the table's order (its code is its index).
            pub const ALL: [Layer; [$($name),*].len()] = [$(Layer::$variant),*];

            /// The layer's short name in the `encap` path.
            pub fn name(self) -> &'static str {
                match self {
                    $(Layer::$variant => $name,)*
                }
            }
        }
    };
}

layers! {
    /// Ethernet II (also an Ethernet frame inside a tunnel).
    Eth => "eth",
    /// An 802.1Q / 802.1ad VLAN tag.
    Vlan => "vlan",
    /// Linux cooked capture v1/v2.
    Sll => "sll",
    /// BSD loopback.
    Null => "null",
    /// PPP.
    Ppp => "ppp",
    /// Cisco HDLC.
    Chdlc => "chdlc",
    /// Linux NFLOG.
    Nflog => "nflog",
    /// IPv4 or IPv6.
    Ip => "ip",
    /// GRE (RFC 2784/2890).
    Gre => "gre",
    /// UDP carrying a tunnel.
    Udp => "udp",
    /// VXLAN (RFC 7348).
    Vxlan => "vxlan",
    /// GTP-U (3GPP TS 29.281).
    Gtp => "gtp",
    /// An ICMP error quoting a header.
    Icmp => "icmp",
    /// A PPPoE session (RFC 2516).
    Pppoe => "pppoe",
    /// An MPLS label stack (RFC 3032).
    Mpls => "mpls",
    /// Geneve (RFC 8926).
    Geneve => "geneve",
    /// IEEE 802.2 LLC with SNAP (RFC 1042), in an IEEE 802.3 frame.
    Llc => "llc",
    /// Cisco VN-Tag.
    Vntag => "vntag",
    /// IEEE 802.1ah provider backbone bridging (its customer frame follows as `eth`).
    Pbb => "pbb",
    /// An IEEE 802.11 MAC header.
    Wlan => "wlan",
    /// A radiotap header.
    Radiotap => "radiotap",
    /// A Prism monitor-mode header.
    Prism => "prism",
    /// An AVS capture header.
    Avs => "avs",
    /// IP over InfiniBand (RFC 4391).
    Ipoib => "ipoib",
    /// FDDI.
    Fddi => "fddi",
    /// ARCNET.
    Arcnet => "arcnet",
    /// Juniper's capture header.
    Juniper => "juniper",
    /// ERSPAN (type I, II or III), in GRE.
    Erspan => "erspan",
    /// Cisco FabricPath (its classical Ethernet frame follows as `eth`).
    Fabricpath => "fabricpath",
    /// CAPWAP data (RFC 5415).
    Capwap => "capwap",
    /// AYIYA.
    Ayiya => "ayiya",
    /// An MPLS pseudowire control word (RFC 4385) before an Ethernet frame.
    Pwcw => "pwcw",
    /// An IP datagram reassembled from fragments (RFC 791 §3.2, RFC 8200 §4.5); its
    /// header follows as `ip`.
    IpFrag => "ipfrag",
}

/// The path of layers a frame's TCP was found under, e.g. `eth:ip:gre:eth:ip`. `Copy`,
/// 13 bytes; a path longer than the capacity keeps its first [`Encap::CAPACITY`] layers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Encap {
    layers: [u8; Encap::CAPACITY],
    len: u8,
}

impl Encap {
    /// The most layers a path records.
    pub const CAPACITY: usize = 12;

    /// The empty path.
    pub const fn new() -> Self {
        Encap {
            layers: [0; Encap::CAPACITY],
            len: 0,
        }
    }

    /// The path with `layer` appended (a full path is left as it is).
    #[must_use]
    pub fn push(mut self, layer: Layer) -> Self {
        if let Some(slot) = self.layers.get_mut(usize::from(self.len)) {
            *slot = layer as u8;
            self.len += 1;
        }
        self
    }

    /// The layers, outermost first.
    pub fn layers(&self) -> impl Iterator<Item = Layer> + '_ {
        self.layers[..usize::from(self.len)]
            .iter()
            .filter_map(|&c| Layer::ALL.get(usize::from(c)).copied())
    }

    /// The layers' codes (a layer's code is its position in [`Layer::ALL`]), outermost
    /// first: the C ABI's form.
    pub fn codes(&self) -> &[u8] {
        &self.layers[..usize::from(self.len)]
    }

    /// The path of these codes; unknown codes and those past the capacity are dropped.
    pub fn from_codes(codes: &[u8]) -> Self {
        codes
            .iter()
            .filter_map(|&c| Layer::ALL.get(usize::from(c)).copied())
            .fold(Encap::new(), Encap::push)
    }

    /// How many layers are recorded.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether no layer is recorded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Encap {
    /// The layer names joined by ':' ("eth:vlan:ip"), written straight to `w`: the
    /// `Display` text, without the formatting machinery (a row of JSONL writes one).
    pub fn write_names<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        for (i, layer) in self.layers().enumerate() {
            if i > 0 {
                w.write_str(":")?;
            }
            w.write_str(layer.name())?;
        }
        Ok(())
    }
}

impl fmt::Display for Encap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_names(f)
    }
}

impl fmt::Debug for Encap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encap({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let e = Encap::new()
            .push(Layer::Eth)
            .push(Layer::Vlan)
            .push(Layer::Ip)
            .push(Layer::Gre)
            .push(Layer::Ip);
        assert_eq!(Encap::from_codes(e.codes()), e);
        assert_eq!(e.to_string(), "eth:vlan:ip:gre:ip");
        // Unknown codes are dropped, not trusted.
        assert_eq!(Encap::from_codes(&[0, 200, 7]).to_string(), "eth:ip");
    }

    #[test]
    fn path_prints_its_layers_and_stops_at_capacity() {
        let p = Encap::new()
            .push(Layer::Eth)
            .push(Layer::Ip)
            .push(Layer::Gre)
            .push(Layer::Eth)
            .push(Layer::Ip);
        assert_eq!(p.to_string(), "eth:ip:gre:eth:ip");
        let mut full = Encap::new();
        for _ in 0..20 {
            full = full.push(Layer::Ip);
        }
        assert_eq!(full.len(), Encap::CAPACITY);
        assert_eq!(core::mem::size_of::<Encap>(), 13);
    }

    #[test]
    fn codes_are_table_indices() {
        for (i, l) in Layer::ALL.iter().enumerate() {
            assert_eq!(*l as usize, i);
        }
    }
}
