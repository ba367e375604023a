//! ICMP and ICMPv6 error messages (RFC 792, RFC 4443 §3): which error a router or host
//! sent, and from where. The TCP header such an error quotes is read by the IP decoder;
//! this file only says what the error means.

use core::net::IpAddr;

/// An ICMP or ICMPv6 error message that quotes a TCP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpError {
    /// Who sent the error (the outer IP source): a router on the path, or the peer's host.
    pub from: IpAddr,
    /// ICMPv6 (RFC 4443) rather than ICMP (RFC 792).
    pub v6: bool,
    /// The ICMP type.
    pub kind: u8,
    pub code: u8,
}

/// Why a destination was unreachable, in the classes both ICMP versions share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unreachable {
    /// No route to the destination's network.
    Net,
    /// The destination host did not answer (no ARP/ND reply) or is unknown.
    Host,
    /// The destination host does not speak TCP (RFC 792 code 2).
    Protocol,
    /// Nothing listens on the destination port: the host refused the connection.
    Port,
    /// A firewall or router policy refused it ("administratively prohibited", reject
    /// routes, source-address policy).
    Prohibited,
    /// A code neither RFC names.
    Other,
}

impl Unreachable {
    /// Every class.
    pub const ALL: [Unreachable; 6] = [
        Unreachable::Net,
        Unreachable::Host,
        Unreachable::Protocol,
        Unreachable::Port,
        Unreachable::Prohibited,
        Unreachable::Other,
    ];
}

impl IcmpError {
    /// Whether `kind` is an error message, the kind that quotes the offending packet
    /// (RFC 792: unreachable, source quench, redirect, time exceeded, parameter problem;
    /// RFC 4443 §3: unreachable, packet too big, time exceeded, parameter problem).
    pub fn is_error(v6: bool, kind: u8) -> bool {
        if v6 {
            matches!(kind, 1..=4)
        } else {
            matches!(kind, 3 | 4 | 5 | 11 | 12)
        }
    }

    /// The class of a "destination unreachable" error; `None` for other errors, and for
    /// ICMP's "fragmentation needed" (type 3 code 4), which is about the path MTU, not
    /// reachability.
    pub fn unreachable(&self) -> Option<Unreachable> {
        use Unreachable::*;
        Some(match (self.v6, self.kind, self.code) {
            // RFC 792, with RFC 1122 §3.2.2.1 and RFC 1812 §5.2.7.1 codes.
            (false, 3, 4) => return None,
            (false, 3, 0 | 6 | 11) => Net,
            (false, 3, 1 | 5 | 7 | 8 | 12) => Host,
            (false, 3, 2) => Protocol,
            (false, 3, 3) => Port,
            (false, 3, 9 | 10 | 13..=15) => Prohibited,
            (false, 3, _) => Other,
            // RFC 4443 §3.1.
            (true, 1, 0 | 2) => Net,
            (true, 1, 3) => Host,
            (true, 1, 4) => Port,
            (true, 1, 1 | 5 | 6) => Prohibited,
            (true, 1, _) => Other,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(v6: bool, kind: u8, code: u8) -> IcmpError {
        IcmpError {
            from: IpAddr::from([10, 0, 0, 1]),
            v6,
            kind,
            code,
        }
    }

    #[test]
    fn unreachable_classes_of_both_versions() {
        use Unreachable::*;
        assert_eq!(err(false, 3, 3).unreachable(), Some(Port));
        assert_eq!(err(true, 1, 4).unreachable(), Some(Port));
        assert_eq!(err(false, 3, 1).unreachable(), Some(Host));
        assert_eq!(err(true, 1, 3).unreachable(), Some(Host));
        assert_eq!(err(false, 3, 0).unreachable(), Some(Net));
        assert_eq!(err(true, 1, 0).unreachable(), Some(Net));
        assert_eq!(err(false, 3, 13).unreachable(), Some(Prohibited));
        assert_eq!(err(true, 1, 1).unreachable(), Some(Prohibited));
        assert_eq!(err(false, 3, 2).unreachable(), Some(Protocol));
        assert_eq!(err(false, 3, 99).unreachable(), Some(Other));
    }

    #[test]
    fn other_errors_are_not_unreachability() {
        // Fragmentation needed, time exceeded, packet too big.
        assert_eq!(err(false, 3, 4).unreachable(), None);
        assert_eq!(err(false, 11, 0).unreachable(), None);
        assert_eq!(err(true, 2, 0).unreachable(), None);
        assert!(IcmpError::is_error(false, 11));
        assert!(!IcmpError::is_error(false, 8));
        assert!(IcmpError::is_error(true, 2));
        assert!(!IcmpError::is_error(true, 128));
    }
}
