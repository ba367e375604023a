//! The Community ID flow hash, version 1 (github.com/corelight/community-id-spec), seed 0:
//! `"1:"` and the base64 of the SHA-1 of seed (u16, big-endian) ‖ the lower endpoint's
//! address ‖ the other's ‖ protocol (u8) ‖ a zero byte ‖ the lower endpoint's port ‖ the
//! other's (u16 each, big-endian), the endpoints ordered so that the smaller (address,
//! port) comes first. Zeek, Suricata and others print the same string for the same flow.
//!
//! SHA-1 and base64 are written here (a few dozen lines) rather than pulled in.

use core::net::IpAddr;

use crate::flow::Endpoint;

/// The IP protocol number of TCP.
pub const PROTO_TCP: u8 = 6;

/// The Community ID v1 string of the TCP flow between `a` and `b` (either order), seed 0.
pub fn community_id(a: &Endpoint, b: &Endpoint) -> String {
    community_id_v1(a, b, PROTO_TCP, 0)
}

/// The Community ID v1 string of a flow with ports, for any `proto` and `seed`.
pub fn community_id_v1(a: &Endpoint, b: &Endpoint, proto: u8, seed: u16) -> String {
    let key = |e: &Endpoint| (addr_bytes(e.addr), e.port);
    let (lo, hi) = if key(a) <= key(b) { (a, b) } else { (b, a) };
    let mut input = Vec::with_capacity(2 + 32 + 6);
    input.extend_from_slice(&seed.to_be_bytes());
    input.extend_from_slice(addr_bytes(lo.addr).as_slice());
    input.extend_from_slice(addr_bytes(hi.addr).as_slice());
    input.push(proto);
    input.push(0);
    input.extend_from_slice(&lo.port.to_be_bytes());
    input.extend_from_slice(&hi.port.to_be_bytes());
    let mut out = String::from("1:");
    base64(&sha1(&input), &mut out);
    out
}

/// The address in network order (4 or 16 bytes).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum AddrBytes {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl AddrBytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            AddrBytes::V4(b) => b,
            AddrBytes::V6(b) => b,
        }
    }
}

fn addr_bytes(a: IpAddr) -> AddrBytes {
    match a {
        IpAddr::V4(v4) => AddrBytes::V4(v4.octets()),
        IpAddr::V6(v6) => AddrBytes::V6(v6.octets()),
    }
}

/// SHA-1 (FIPS 180-4) of `data`.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6u32),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Standard base64 (RFC 4648 §4, with `=` padding) of `data`, appended to `out`.
pub fn base64(data: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(s: &str) -> Endpoint {
        let sa: core::net::SocketAddr = s.parse().unwrap();
        Endpoint {
            addr: sa.ip(),
            port: sa.port(),
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn sha1_of_the_fips_examples() {
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn base64_of_the_rfc_4648_examples() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut s = String::new();
            base64(input.as_bytes(), &mut s);
            assert_eq!(s, want, "{input}");
        }
    }

    #[test]
    fn the_specs_published_tcp_vector_in_both_directions() {
        // community-id-spec README and baseline: tcp 128.232.110.120:34855 -> 66.35.250.204:80.
        let (a, b) = (ep("128.232.110.120:34855"), ep("66.35.250.204:80"));
        assert_eq!(community_id(&a, &b), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        assert_eq!(community_id(&b, &a), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    }

    #[test]
    fn the_seed_and_ipv6_change_the_hash_and_order_does_not() {
        let (a, b) = (ep("[2001:db8::1]:1000"), ep("[2001:db8::2]:80"));
        let id = community_id(&a, &b);
        assert!(id.starts_with("1:") && id.len() == 30, "{id}");
        assert_eq!(id, community_id(&b, &a));
        assert_ne!(community_id_v1(&a, &b, PROTO_TCP, 1), id);
        // Same addresses: the lower port goes first.
        let (x, y) = (ep("10.0.0.1:2000"), ep("10.0.0.1:80"));
        assert_eq!(community_id(&x, &y), community_id(&y, &x));
    }
}
