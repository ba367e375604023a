//! Timing, the last resort, when neither IP ID nor TSval orders the transmissions: a
//! first transmission overtaken on the path arrives within a fraction of a round trip
//! after the data that overtook it, while a resend of a lost segment needs at least one
//! round trip after the first data above the hole arrived (the duplicate ACKs or SACK
//! blocks travel to the sender, the resend back).

use core::num::NonZeroU32;

use super::basis::micros;
use super::{Basis, Evidence, EvidenceKind, Own, OwnVerdict};

/// Without a measured RTT: Wireshark's default out-of-order window.
pub(crate) const DEFAULT_WINDOW_NS: i64 = 3_000_000;

/// New bytes in a hole; the first data above them arrived `since_first_above_ns` before.
pub(crate) fn order_of_new(since_first_above_ns: Option<i64>, rtt_ns: Option<i64>) -> Own {
    let window = rtt_ns.map_or(DEFAULT_WINDOW_NS, |r| r.saturating_mul(3) / 4);
    let verdict = match since_first_above_ns {
        Some(gap) if gap < window => OwnVerdict::OutOfOrder,
        _ => OwnVerdict::Retransmission,
    };
    Own {
        verdict: Some(verdict),
        evidence: Evidence::of(&[EvidenceKind::Timing]),
        trigger: None,
        basis: since_first_above_ns.map(|gap| Basis::Gap {
            gap_us: micros(gap),
            rtt_us: rtt_ns.and_then(|r| NonZeroU32::new(micros(r))),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const MS: i64 = 1_000_000;

    #[test]
    fn within_three_quarters_of_an_rtt_is_reordering() {
        let v = |gap, rtt| order_of_new(gap, rtt).verdict;
        assert_eq!(
            v(Some(20 * MS), Some(40 * MS)),
            Some(OwnVerdict::OutOfOrder)
        );
        assert_eq!(
            v(Some(45 * MS), Some(40 * MS)),
            Some(OwnVerdict::Retransmission)
        );
        assert_eq!(v(Some(2 * MS), None), Some(OwnVerdict::OutOfOrder));
        assert_eq!(v(None, None), Some(OwnVerdict::Retransmission));
        // The gap and the RTT it was weighed against.
        assert_eq!(
            order_of_new(Some(20 * MS), Some(40 * MS)).basis,
            Some(Basis::Gap {
                gap_us: 20_000,
                rtt_us: NonZeroU32::new(40_000)
            })
        );
        assert_eq!(order_of_new(None, Some(40 * MS)).basis, None);
    }
}
