//! Where tcplens's own verdict differs from Wireshark's (the plugin's
//! `tcplens.expert.verdict_differs`): both put in the same classes and compared.
//!
//! Wireshark's `tcp.analysis` flags of a data segment map to the own verdicts' classes:
//! - `spurious_retransmission` → [`OwnVerdict::SpuriousRetransmission`];
//! - `retransmission` or `fast_retransmission` (not spurious) → [`OwnVerdict::Retransmission`];
//! - `out_of_order` → [`OwnVerdict::OutOfOrder`];
//! - none of these → none (a first transmission, in order).
//!
//! Wireshark has no class of its own for [`OwnVerdict::Duplicate`] (it calls a duplicated
//! packet a retransmission), so an own `duplicate` always differs. The other flags (lost
//! segment, duplicate ACK, keep-alive, window ...) say nothing of the segment's class and
//! are not compared. Only segments that carry data are compared: the own verdict is only
//! given to them, and Wireshark's retransmission of a SYN or FIN is no disagreement.

use super::OwnVerdict;
use crate::analysis::{Verdict, Verdicts};

/// Wireshark's and tcplens's classes of one data segment, where they differ (none: a
/// first transmission, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disagreement {
    pub wireshark: Option<OwnVerdict>,
    pub own: Option<OwnVerdict>,
}

/// The class of Wireshark's flags, as in the module comment (spurious first: Wireshark
/// sets one of these per segment, a spurious one shown with `retransmission` too).
pub fn wireshark_class(ws: Verdicts) -> Option<OwnVerdict> {
    if ws.has(Verdict::SpuriousRetransmission) {
        Some(OwnVerdict::SpuriousRetransmission)
    } else if ws.has(Verdict::Retransmission) || ws.has(Verdict::FastRetransmission) {
        Some(OwnVerdict::Retransmission)
    } else if ws.has(Verdict::OutOfOrder) {
        Some(OwnVerdict::OutOfOrder)
    } else {
        None
    }
}

/// Whether the own verdict `own` of a segment with `payload` bytes differs from
/// Wireshark's flags `ws`, and how.
pub fn disagreement(ws: Verdicts, own: Option<OwnVerdict>, payload: u32) -> Option<Disagreement> {
    if payload == 0 {
        return None;
    }
    let wireshark = wireshark_class(ws);
    (wireshark != own).then_some(Disagreement { wireshark, own })
}

#[cfg(test)]
mod tests {
    use super::*;
    use OwnVerdict::*;

    fn ws(flags: &[Verdict]) -> Verdicts {
        let mut v = Verdicts::default();
        for f in flags {
            v.set(*f);
        }
        v
    }

    #[test]
    fn wireshark_flags_map_to_the_own_classes() {
        assert_eq!(wireshark_class(ws(&[])), None);
        assert_eq!(
            wireshark_class(ws(&[Verdict::Retransmission])),
            Some(Retransmission)
        );
        assert_eq!(
            wireshark_class(ws(&[Verdict::FastRetransmission])),
            Some(Retransmission)
        );
        assert_eq!(
            wireshark_class(ws(&[Verdict::SpuriousRetransmission])),
            Some(SpuriousRetransmission)
        );
        assert_eq!(
            wireshark_class(ws(&[Verdict::OutOfOrder])),
            Some(OutOfOrder)
        );
        // Flags that say nothing of the segment's class.
        assert_eq!(
            wireshark_class(ws(&[
                Verdict::LostSegment,
                Verdict::DuplicateAck,
                Verdict::KeepAlive,
                Verdict::WindowFull
            ])),
            None
        );
    }

    #[test]
    fn same_class_agrees_another_differs() {
        let retrans = ws(&[Verdict::Retransmission]);
        assert_eq!(disagreement(retrans, Some(Retransmission), 100), None);
        assert_eq!(
            disagreement(
                ws(&[Verdict::FastRetransmission]),
                Some(Retransmission),
                100
            ),
            None
        );
        assert_eq!(
            disagreement(
                ws(&[Verdict::SpuriousRetransmission]),
                Some(SpuriousRetransmission),
                100
            ),
            None
        );
        assert_eq!(
            disagreement(ws(&[Verdict::OutOfOrder]), Some(OutOfOrder), 100),
            None
        );
        assert_eq!(disagreement(ws(&[]), None, 100), None);
        assert_eq!(
            disagreement(retrans, Some(Duplicate), 100),
            Some(Disagreement {
                wireshark: Some(Retransmission),
                own: Some(Duplicate)
            })
        );
        assert_eq!(
            disagreement(ws(&[Verdict::OutOfOrder]), Some(Retransmission), 100),
            Some(Disagreement {
                wireshark: Some(OutOfOrder),
                own: Some(Retransmission)
            })
        );
        assert_eq!(
            disagreement(retrans, Some(SpuriousRetransmission), 100),
            Some(Disagreement {
                wireshark: Some(Retransmission),
                own: Some(SpuriousRetransmission)
            })
        );
        assert_eq!(
            disagreement(retrans, None, 100),
            Some(Disagreement {
                wireshark: Some(Retransmission),
                own: None
            })
        );
        assert_eq!(
            disagreement(ws(&[]), Some(OutOfOrder), 100),
            Some(Disagreement {
                wireshark: None,
                own: Some(OutOfOrder)
            })
        );
    }

    #[test]
    fn segments_without_data_are_not_compared() {
        // A retransmitted SYN or FIN: Wireshark's flag, no own verdict, no disagreement.
        assert_eq!(disagreement(ws(&[Verdict::Retransmission]), None, 0), None);
    }
}
