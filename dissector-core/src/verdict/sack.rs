//! The receiver's acknowledgments of one direction's data: its cumulative ACK (RFC 9293
//! §3.4), its SACK blocks (RFC 2018) and its duplicate ACKs (RFC 5681 §2). At the sender,
//! a resend of bytes the receiver had already acknowledged, cumulatively or in a SACK
//! block, before the resend was made is spurious: the receiver had them.
//!
//! A D-SACK block (RFC 2883 §4: a first block below the cumulative ACK, or inside the
//! second block) reports bytes received twice; it comes an RTT after the resend it
//! confirms, so it reaches the verdict through [`super::settle`].

use super::{Basis, Evidence, EvidenceKind, Own, OwnVerdict, SegIn};
use crate::seq::{ge, gt, le};

/// What the peer said about this direction's data (56 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AckState {
    /// A cumulative ACK was seen.
    pub(crate) known: bool,
    /// The highest cumulative ACK, and the frame that carried it first.
    pub(crate) acked: u32,
    pub(crate) acked_frame: u32,
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
    /// When the latest ACK came, and its frame.
    pub(crate) last_ns: i64,
    pub(crate) last_frame: u32,
}

impl AckState {
    /// Notes the peer's segment `s` (which carries an ACK); `started`: this direction's
    /// data was seen.
    pub(crate) fn on_ack(&mut self, s: &SegIn, started: bool) {
        self.advanced = false;
        self.last_ns = s.ts_ns;
        self.last_frame = s.frame;
        if !self.known || gt(s.ack, self.acked) {
            self.known = true;
            self.acked = s.ack;
            self.acked_frame = s.frame;
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

    /// `[s, e)` was acknowledged: cumulatively (`ack`) or in a SACK block (`sack`), by
    /// which frame's ACK or block.
    pub(crate) fn covers(&self, s: u32, e: u32) -> Option<(EvidenceKind, Basis)> {
        if self.known && le(e, self.acked) {
            let b = Basis::Acked {
                frame: self.acked_frame,
                ack: self.acked,
            };
            return Some((EvidenceKind::Ack, b));
        }
        self.blocks[..usize::from(self.n)]
            .iter()
            .find(|&&(l, r)| le(l, s) && ge(r, e))
            .map(|&(left, right)| {
                let b = Basis::Sacked {
                    frame: self.last_frame,
                    left,
                    right,
                };
                (EvidenceKind::Sack, b)
            })
    }
}

/// A resend seen at its sender: spurious when already acknowledged, else taken as needed.
pub(crate) fn resend_at_sender(a: &AckState, s: u32, e: u32) -> Own {
    match a.covers(s, e) {
        Some((k, b)) => Own::is(
            OwnVerdict::SpuriousRetransmission,
            Evidence::of(&[EvidenceKind::Vantage, k]),
        )
        .because(b),
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
        Some((k, b)) => Own::is(OwnVerdict::SpuriousRetransmission, Evidence::of(&[k])).because(b),
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
            frame: ack / 100,
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
        // Frame 10 carried ACK 1000 first; the SACK block came on the latest ACK.
        assert_eq!(
            a.covers(500, 1000),
            Some((
                EvidenceKind::Ack,
                Basis::Acked {
                    frame: 10,
                    ack: 1000
                }
            ))
        );
        a.last_frame = 12;
        assert_eq!(
            a.covers(2000, 2500),
            Some((
                EvidenceKind::Sack,
                Basis::Sacked {
                    frame: 12,
                    left: 2000,
                    right: 3000
                }
            ))
        );
        assert_eq!(a.covers(1000, 2000), None);
        assert_eq!(
            resend_at_sender(&a, 1000, 2000).verdict,
            Some(OwnVerdict::Retransmission)
        );
        let spurious = resend_at_sender(&a, 2000, 2500);
        assert_eq!(spurious.verdict, Some(OwnVerdict::SpuriousRetransmission));
        assert_eq!(spurious.basis.and_then(Basis::frame), Some(12));
    }

    #[test]
    fn a_dsack_block_is_not_a_sack_block() {
        let mut a = AckState::default();
        // RFC 2883 §4.1.1: the first block below the ACK.
        a.on_ack(&ack(3000, &[(1000, 1500)]), true);
        assert_eq!((a.n, a.dsack), (0, Some((1000, 1500))));
        // §4.1.2: the first block inside the second.
        a.on_ack(&ack(3000, &[(4000, 4500), (4000, 5000)]), true);
        assert_eq!(a.covers(4000, 5000).map(|c| c.0), Some(EvidenceKind::Sack));
        assert_eq!(a.n, 1);
    }
}
