//! IP in IP: IPv4 in IPv4 (protocol 4, RFC 2003), and 6in4 / 4in6 / 6in6 (protocol 41 for
//! IPv6 inside, RFC 4213 §3.5; protocol 4 for IPv4 inside IPv6, RFC 2473). The inner
//! packet starts right after the outer headers; there is no header of its own to read.

/// IP protocol number of an IPv4 packet inside IP.
pub const IPPROTO_IPV4: u8 = 4;
/// IP protocol number of an IPv6 packet inside IP.
pub const IPPROTO_IPV6: u8 = 41;

/// Whether an IP protocol number carries another IP packet.
pub fn is_ip_in_ip(proto: u8) -> bool {
    proto == IPPROTO_IPV4 || proto == IPPROTO_IPV6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_4_and_41_are_ip_in_ip() {
        assert!(is_ip_in_ip(4));
        assert!(is_ip_in_ip(41));
        assert!(!is_ip_in_ip(6));
        assert!(!is_ip_in_ip(47));
    }
}
