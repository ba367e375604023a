//! Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial numbers).
//!
//! Comparisons use the signed 32-bit difference, as Wireshark's `GT_SEQ`/`LT_SEQ` do, so
//! they hold across the wrap from 0xffff_ffff to 0.

/// `a` is after `b`.
#[inline]
pub fn gt(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}

/// `a` is at or after `b`.
#[inline]
pub fn ge(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) <= 0
}

/// `a` is before `b`.
#[inline]
pub fn lt(a: u32, b: u32) -> bool {
    gt(b, a)
}

/// `a` is at or before `b`.
#[inline]
pub fn le(a: u32, b: u32) -> bool {
    ge(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_comparisons() {
        assert!(gt(2, 1) && !gt(1, 2) && !gt(1, 1));
        assert!(ge(1, 1) && le(1, 1) && lt(1, 2));
    }

    #[test]
    fn comparisons_hold_across_the_wrap() {
        let near_top = 0xffff_fff0;
        assert!(
            gt(5, near_top),
            "5 comes after 0xfffffff0 once the space wraps"
        );
        assert!(lt(near_top, 5));
        assert!(ge(near_top.wrapping_add(0x20), near_top));
        assert!(le(0xffff_ffff, 0));
    }
}
