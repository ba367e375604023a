//! The receiver's acknowledgments of one direction's data: its cumulative ACK (RFC 9293
//! §3.4), its SACK blocks (RFC 2018) and its duplicate ACKs (RFC 5681 §2). At the sender,
//! a resend of bytes the receiver had already acknowledged, cumulatively or in a SACK
//! block, before the resend was made is spurious: the receiver had them.
//!
//! A D-SACK block (RFC 2883 §4: a first block below the cumulative ACK, or inside the
//! second block) reports bytes received twice; it comes an RTT after the resend it
//! confirms, so it reaches the verdict through [`super::settle`].

use super::{Evidence, EvidenceKind, Own, OwnVerdict, SegIn};
use crate::seq::{ge, gt, le};

/// What the peer said about this direction's data (48 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AckState {
    /// A cumulative ACK was seen.
    pub(crate) known: bool,
    /// The highest cumulative ACK.
    pub(crate) acked: u32,
    /// When it last moved.
    pub(crate) advanced_ns: i64,
    /// The latest ACK moved it.
    pub(crate) advanced: bool,
    /// Duplicate ACKs since it last moved, and whether any carried SACK blocks.
    pub(crate) dupacks: u8,
    pub(crate) dup_sack: bool,
    /// The latest ACK's SACK blocks (D-SACK blocks left out).
    blocks: [(u32, u32); 3],
    n: u8,
    /// The latest ACK's D-SACK block, if it had one.
    pub(crate) dsack: Option<(u32, u32)>,
    /// The latest ACK's TSecr.
    pub(crate) tsecr: Option<u32>,
    /// When the latest ACK came.
    pub(crate) last_ns: i64,
}

impl AckState {
    /// Notes the peer's segment `s` (which carries an ACK); `started`: this direction's
    /// data was seen.
    pub(crate) fn on_ack(&mut self, s: &SegIn, started: bool) {
        self.advanced = false;
        self.last_ns = s.ts_ns;
        if !self.known || gt(s.ack, self.acked) {
            self.known = true;
            self.acked = s.ack;
            self.advanced_ns = s.ts_ns;
            self.advanced = true;
            self.dupacks = 0;
            self.dup_sack = false;
        } else if s.ack == self.acked && s.len == 0 && !s.fin && !s.syn && started {
            self.dupacks = self.dupacks.saturating_add(1);
            self.dup_sack |= s.sack_count > 0;
        }
        self.n = 0;
        self.dsack = None;
        self.tsecr = s.tsecr;
        let blocks = s.sack_blocks();
        for (i, &(l, r)) in blocks.iter().enumerate() {
            // RFC 2883 §4: a D-SACK block is first, below the ACK or inside the second.
            let dsack = i == 0
                && (le(r, s.ack)
                    || blocks
                        .get(1)
                        .is_some_and(|&(l2, r2)| ge(l, l2) && le(r, r2)));
            if dsack {
                self.dsack = Some((l, r));
            } else if usize::from(self.n) < self.blocks.len() {
                self.blocks[usize::from(self.n)] = (l, r);
                self.n += 1;
            }
        }
    }

    /// The latest ACK had SACK blocks: the receiver is reporting holes.
    pub(crate) fn sacking(&self) -> bool {
        self.n > 0
    }

    /// `[s, e)` was acknowledged: cumulatively (`ack`) or in a SACK block (`sack`).
    pub(crate) fn covers(&self, s: u32, e: u32) -> Option<EvidenceKind> {
        if self.known && le(e, self.acked) {
            return Some(EvidenceKind::Ack);
        }
        self.blocks[..usize::from(self.n)]
            .iter()
            .any(|&(l, r)| le(l, s) && ge(r, e))
            .then_some(EvidenceKind::Sack)
    }
}

/// A resend seen at its sender: spurious when already acknowledged, else taken as needed.
pub(crate) fn resend_at_sender(a: &AckState, s: u32, e: u32) -> Own {
    match a.covers(s, e) {
        Some(k) => Own::is(
            OwnVerdict::SpuriousRetransmission,
            Evidence::of(&[EvidenceKind::Vantage, k]),
        ),
        None => Own::is(
            OwnVerdict::Retransmission,
            Evidence::of(&[EvidenceKind::Vantage]),
        ),
    }
}

/// Bytes seen before, the vantage point unknown: a resend; spurious when already
/// acknowledged.
pub(crate) fn resend_unknown(a: &AckState, s: u32, e: u32) -> Own {
    match a.covers(s, e) {
        Some(k) => Own::is(OwnVerdict::SpuriousRetransmission, Evidence::of(&[k])),
        None => Own::is(OwnVerdict::Retransmission, Evidence::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Side;

    fn ack(ack: u32, sack: &[(u32, u32)]) -> SegIn {
        let mut blocks = [(0, 0); 4];
        blocks[..sack.len()].copy_from_slice(sack);
        SegIn {
            frame: 1,
            side: Side::Client,
            ts_ns: 0,
            seq: 1,
            ack,
            len: 0,
            syn: false,
            fin: false,
            rst: false,
            has_ack: true,
            ip_id: None,
            tsval: None,
            tsecr: None,
            sack: blocks,
            sack_count: sack.len() as u8,
            window: 1000,
        }
    }

    #[test]
    fn acked_or_sacked_bytes_resent_are_spurious() {
        let mut a = AckState::default();
        a.on_ack(&ack(1000, &[]), true);
        a.on_ack(&ack(1000, &[(2000, 3000)]), true);
        assert_eq!((a.dupacks, a.dup_sack), (1, true));
        assert_eq!(a.covers(500, 1000), Some(EvidenceKind::Ack));
        assert_eq!(a.covers(2000, 2500), Some(EvidenceKind::Sack));
        assert_eq!(a.covers(1000, 2000), None);
        assert_eq!(
            resend_at_sender(&a, 1000, 2000).verdict,
            Some(OwnVerdict::Retransmission)
        );
        assert_eq!(
            resend_at_sender(&a, 2000, 2500).verdict,
            Some(OwnVerdict::SpuriousRetransmission)
        );
    }

    #[test]
    fn a_dsack_block_is_not_a_sack_block() {
        let mut a = AckState::default();
        // RFC 2883 §4.1.1: the first block below the ACK.
        a.on_ack(&ack(3000, &[(1000, 1500)]), true);
        assert_eq!((a.n, a.dsack), (0, Some((1000, 1500))));
        // §4.1.2: the first block inside the second.
        a.on_ack(&ack(3000, &[(4000, 4500), (4000, 5000)]), true);
        assert_eq!(a.covers(4000, 5000), Some(EvidenceKind::Sack));
        assert_eq!(a.n, 1);
    }
}
