//! TCP timestamps as a clock (RFC 7323 §5.4): a sender's TSval never decreases, so of two
//! packets with different TSvals the smaller was made first. A copy of bytes already seen
//! with a newer TSval is a resend; a first transmission with a TSval older than data
//! already seen above it was sent before that data: reordering. Equal TSvals (Linux ticks
//! once a millisecond) tell nothing.

/// Whether the packet with TSval `a` was made before the one with `b`; none when either
/// has no timestamps or they are equal.
pub(crate) fn sent_before(a: Option<u32>, b: Option<u32>) -> Option<bool> {
    let (a, b) = (a?, b?);
    (a != b).then(|| (b.wrapping_sub(a) as i32) > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_tsval_was_sent_later_equal_tells_nothing() {
        assert_eq!(sent_before(Some(990), Some(1000)), Some(true));
        assert_eq!(sent_before(Some(1000), Some(990)), Some(false));
        assert_eq!(sent_before(Some(1000), Some(1000)), None);
        assert_eq!(sent_before(Some(u32::MAX), Some(2)), Some(true));
        assert_eq!(sent_before(None, Some(2)), None);
    }
}
