//! Numbers, seconds and addresses appended to byte buffers without the `fmt` machinery.
//!
//! The per-frame and per-conversation writers spend most of their time turning integers
//! into text; `core::fmt` costs a few hundred instructions per number (argument structs,
//! padding logic, dynamic dispatch), these a few dozen. Output is byte-for-byte what the
//! `Display` forms they replace print (tests below compare them).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `v` in decimal with commas between groups of three digits: `1,024`.
pub fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many decimal digits `v` has.
#[inline]
fn decimal_len(v: u64) -> usize {
    let mut n = 1;
    let mut rest = v;
    while rest >= 10_000 {
        rest /= 10_000;
        n += 4;
    }
    if rest >= 1000 {
        n + 3
    } else if rest >= 100 {
        n + 2
    } else if rest >= 10 {
        n + 1
    } else {
        n
    }
}

/// Appends `v` in decimal, written in place: no intermediate buffer and no `memcpy` call
/// for a handful of bytes (a row has two dozen numbers).
#[inline]
pub fn push_u64(buf: &mut Vec<u8>, v: u64) {
    push_padded(buf, v, decimal_len(v));
}

/// Lowercase hexadecimal digits (IPv6 groups, JSON's `\u00XX` escapes).
pub const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// "00" "01" … "99": two digits per division.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes the low `out.len()` decimal digits of `v` into `out`, two at a time.
#[inline]
fn fill_digits(out: &mut [u8], mut v: u64) {
    let mut at = out.len();
    while at >= 2 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        out[at - 2..at].copy_from_slice(&PAIRS[pair..pair + 2]);
        at -= 2;
    }
    if at == 1 {
        out[0] = b'0' + (v % 10) as u8;
    }
}

/// Appends `v` as exactly `n` digits, zero-padded (`v < 10^n`, `n <= 20`).
#[inline]
fn push_padded(buf: &mut Vec<u8>, v: u64, n: usize) {
    let start = buf.len();
    // A fixed-size append the compiler inlines (`resize` by a variable count calls
    // `memset`), cut to the digit count.
    buf.extend_from_slice(&[b'0'; 20]);
    buf.truncate(start + n);
    fill_digits(&mut buf[start..], v);
}

/// Appends nanoseconds as seconds with all nine decimals ("-1.000000500").
pub fn push_secs9(buf: &mut Vec<u8>, ns: i64) {
    if ns < 0 {
        buf.push(b'-');
    }
    let abs = ns.unsigned_abs();
    push_u64(buf, abs / 1_000_000_000);
    buf.push(b'.');
    push_padded(buf, abs % 1_000_000_000, 9);
}

/// Appends nanoseconds as seconds with six decimals when the rest are zeros, else nine
/// (microsecond captures print as tshark prints them, nanosecond ones lose nothing).
pub fn push_secs(buf: &mut Vec<u8>, ns: i64) {
    let frac = ns.unsigned_abs() % 1_000_000_000;
    if !frac.is_multiple_of(1000) {
        return push_secs9(buf, ns);
    }
    if ns < 0 {
        buf.push(b'-');
    }
    push_u64(buf, ns.unsigned_abs() / 1_000_000_000);
    buf.push(b'.');
    push_padded(buf, frac / 1000, 6);
}

/// Appends nanoseconds as seconds rounded to six decimals (half away from zero).
pub fn push_secs6(buf: &mut Vec<u8>, ns: i64) {
    let us = (ns.unsigned_abs() + 500) / 1000;
    // Like `{:.6}` of a negative f64, a negative value that rounds to zero keeps its sign.
    if ns < 0 {
        buf.push(b'-');
    }
    push_u64(buf, us / 1_000_000);
    buf.push(b'.');
    push_padded(buf, us % 1_000_000, 6);
}

/// Appends nanoseconds as milliseconds with one decimal, exactly as `{:.1}` prints
/// `ns as f64 / 1e6`. Away from a tie (ns ending in 50,000) the quotient is at least 1 ns
/// from one, and below 2^52 ns (52 days) the division errs by under half of that, so
/// rounding the integer gives the same tenth; a tie, a negative or a larger value is
/// formatted.
pub fn push_ms1(buf: &mut Vec<u8>, ns: i64) {
    if (0..1 << 52).contains(&ns) && ns % 100_000 != 50_000 {
        let tenths = (ns as u64 + 50_000) / 100_000;
        push_u64(buf, tenths / 10);
        buf.push(b'.');
        buf.push(b'0' + (tenths % 10) as u8);
    } else {
        use std::io::Write as _;
        // Writing to a Vec cannot fail.
        let _ = write!(buf, "{:.1}", ns as f64 / 1e6);
    }
}

/// Appends `x` with one decimal, exactly as `{:.1}` prints it. `{:.1}` rounds the exact
/// binary value; below 10^8, ten times it is computed to within 2^-24 (half a unit in the
/// last place of 10^9), so where its fraction is farther than 10^-6 from one half, rounding
/// it gives the same tenth. Near a half, and for a negative, large or not finite value,
/// the value is formatted.
pub fn push_fixed1(buf: &mut Vec<u8>, x: f64) {
    let t = x * 10.0;
    let frac = t - t.floor();
    if x.is_sign_positive() && x < 1e8 && (frac - 0.5).abs() > 1e-6 {
        let tenths = (t + 0.5).floor() as u64;
        push_u64(buf, tenths / 10);
        buf.push(b'.');
        buf.push(b'0' + (tenths % 10) as u8);
    } else {
        use std::io::Write as _;
        // Writing to a Vec cannot fail.
        let _ = write!(buf, "{x:.1}");
    }
}

/// Appends an address as `Display` prints it (IPv6 in RFC 5952 form).
pub fn push_ip(buf: &mut Vec<u8>, addr: IpAddr) {
    match addr {
        IpAddr::V4(a) => push_ipv4(buf, a),
        IpAddr::V6(a) => push_ipv6(buf, a),
    }
}

fn push_ipv4(buf: &mut Vec<u8>, a: Ipv4Addr) {
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        if o >= 100 {
            buf.push(b'0' + o / 100);
        }
        if o >= 10 {
            buf.push(b'0' + o / 10 % 10);
        }
        buf.push(b'0' + o % 10);
    }
}

/// An IPv6 address as RFC 5952 writes it, and as `Ipv6Addr`'s `Display` does without its
/// formatting machinery (a thousand instructions an address): lowercase hex without leading
/// zeros, the first longest run of two or more zero groups as `::` (§4.2), and an
/// IPv4-mapped address as `::ffff:` and the dotted quad (§5).
fn push_ipv6(buf: &mut Vec<u8>, a: Ipv6Addr) {
    if let Some(v4) = a.to_ipv4_mapped() {
        buf.extend_from_slice(b"::ffff:");
        return push_ipv4(buf, v4);
    }
    let groups = a.segments();
    let (mut run, mut best) = ((0, 0), (0, 0));
    for (i, &g) in groups.iter().enumerate() {
        if g != 0 {
            run.1 = 0;
            continue;
        }
        if run.1 == 0 {
            run.0 = i;
        }
        run.1 += 1;
        if run.1 > best.1 {
            best = run;
        }
    }
    let hex = |buf: &mut Vec<u8>, g: u16| {
        let mut shift = 12;
        while shift > 0 && g >> shift == 0 {
            shift -= 4;
        }
        loop {
            buf.push(HEX_DIGITS[usize::from(g >> shift & 15)]);
            if shift == 0 {
                break;
            }
            shift -= 4;
        }
    };
    let list = |buf: &mut Vec<u8>, groups: &[u16]| {
        for (i, &g) in groups.iter().enumerate() {
            if i > 0 {
                buf.push(b':');
            }
            hex(buf, g);
        }
    };
    if best.1 > 1 {
        list(buf, &groups[..best.0]);
        buf.extend_from_slice(b"::");
        list(buf, &groups[best.0 + best.1..]);
    } else {
        list(buf, &groups);
    }
}

/// Appends `addr:port`, with IPv6 addresses in brackets (as `Endpoint`'s `Display`).
pub fn push_endpoint(buf: &mut Vec<u8>, addr: IpAddr, port: u16) {
    let v6 = addr.is_ipv6();
    if v6 {
        buf.push(b'[');
    }
    push_ip(buf, addr);
    if v6 {
        buf.push(b']');
    }
    buf.push(b':');
    push_u64(buf, port.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern of zero groups (the compression's cases), with group values of each
    /// hex width, IPv4-mapped and -compatible addresses: as `Display` writes them.
    #[test]
    fn ipv6_addresses_read_as_display_writes_them() {
        let values = [1u16, 0xf, 0x10, 0xab, 0x100, 0xfff, 0x1000, 0xffff];
        let mut n = 0;
        for zeros in 0u32..256 {
            for (k, &v) in values.iter().enumerate() {
                let groups: [u16; 8] = core::array::from_fn(|i| {
                    if zeros >> i & 1 == 1 {
                        0
                    } else {
                        values[(k + i) % values.len()].max(v >> (i % 4))
                    }
                });
                let a = Ipv6Addr::from(groups);
                let mut buf = Vec::new();
                push_ip(&mut buf, IpAddr::V6(a));
                assert_eq!(
                    String::from_utf8(buf).unwrap(),
                    a.to_string(),
                    "{groups:x?}"
                );
                n += 1;
            }
        }
        for s in [
            "::ffff:10.0.0.1",
            "::10.0.0.1",
            "::ffff:0.0.0.0",
            "64:ff9b::1.2.3.4",
            "::",
            "::1",
        ] {
            let a: Ipv6Addr = s.parse().unwrap();
            let mut buf = Vec::new();
            push_ip(&mut buf, IpAddr::V6(a));
            assert_eq!(String::from_utf8(buf).unwrap(), a.to_string());
            n += 1;
        }
        assert_eq!(n, 256 * 8 + 6);
    }

    #[test]
    fn thousands_groups_by_three() {
        for (v, want) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1024, "1,024"),
            (999_999, "999,999"),
            (1_000_000, "1,000,000"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(v), want);
        }
    }

    fn s(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn milliseconds_match_display_with_one_decimal() {
        let mut cases: Vec<i64> = vec![0, 1, 49_999, 50_000, 50_001, 150_000, 250_000, -1];
        cases.extend([
            -50_000,
            -150_001,
            (1 << 52) - 1,
            1 << 52,
            i64::MAX,
            i64::MIN,
        ]);
        // Around every tie and tenth up to 10 s, and spread far beyond.
        for k in 0..100_000i64 {
            let t = k * 100_000;
            cases.extend([t - 1, t, t + 1, t + 49_999, t + 50_000, t + 50_001]);
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((x >> (x % 40)) as i64);
        }
        for ns in cases {
            assert_eq!(
                s(|b| push_ms1(b, ns)),
                format!("{:.1}", ns as f64 / 1e6),
                "{ns}"
            );
        }
    }

    #[test]
    fn one_decimal_matches_display() {
        let mut cases = vec![0.0, -0.0, 0.05, 0.15, 0.25, 0.95, 99.95, 100.0, 1e8, 1e300];
        cases.extend([
            f64::NAN,
            f64::INFINITY,
            -1.25,
            5e-324,
            99_999_999.95,
            99_999_999.96,
        ]);
        // Shares of every count up to 300 in 300, as percentages (the table's retr%).
        for n in 1..=300u32 {
            for k in 0..=n {
                cases.push(f64::from(k) / f64::from(n) * 100.0);
            }
        }
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((x >> 11) as f64 / (1u64 << (x % 53)) as f64);
        }
        for v in cases {
            assert_eq!(s(|b| push_fixed1(b, v)), format!("{v:.1}"), "{v:e}");
        }
    }

    #[test]
    fn integers_match_display() {
        let mut cases = vec![0, u32::MAX.into(), u64::MAX, u64::MAX - 1];
        // Every power of ten and its neighbours, where the digit count changes.
        for p in 0..20 {
            let t = 10u64.pow(p);
            cases.extend([t - 1, t, t + 1]);
        }
        for v in cases {
            assert_eq!(s(|b| push_u64(b, v)), v.to_string());
        }
    }

    #[test]
    fn seconds_keep_microseconds_and_nanoseconds() {
        assert_eq!(s(|b| push_secs(b, 1_500_000)), "0.001500");
        assert_eq!(s(|b| push_secs(b, 2_000_000_123)), "2.000000123");
        assert_eq!(s(|b| push_secs(b, -1_000)), "-0.000001");
        assert_eq!(s(|b| push_secs9(b, -1_000_000_500)), "-1.000000500");
        assert_eq!(s(|b| push_secs9(b, 42)), "0.000000042");
    }

    #[test]
    fn six_decimals_round_like_float_formatting() {
        // Whole microseconds (pcap) and values away from a tie print as `{:.6}` of the
        // seconds as f64 does.
        for ns in [
            0,
            1_000,
            999_999_000,
            1_234_567_890,
            3_600_000_000_123,
            -2_500_400,
            -400,
        ] {
            let f = format!("{:.6}", ns as f64 / 1e9);
            assert_eq!(s(|b| push_secs6(b, ns)), f, "{ns}");
        }
        assert_eq!(s(|b| push_secs6(b, 1_499)), "0.000001");
    }

    #[test]
    fn addresses_match_display() {
        let cases: [IpAddr; 6] = [
            "10.0.4.176".parse().unwrap(),
            "0.0.0.0".parse().unwrap(),
            "255.100.10.9".parse().unwrap(),
            "1.99.101.250".parse().unwrap(),
            "2001:db8::1".parse().unwrap(),
            "::ffff:1.2.3.4".parse().unwrap(),
        ];
        for a in cases {
            assert_eq!(s(|b| push_ip(b, a)), a.to_string());
            let ep = tcplens_core::flow::Endpoint { addr: a, port: 443 };
            assert_eq!(s(|b| push_endpoint(b, a, 443)), ep.to_string());
        }
    }
}
