//! Settling: evidence that comes after a verdict and revises it. A resend taken as needed
//! when it was seen becomes spurious when
//! - at the receiver, the original arrives after it (made before it);
//! - at the sender, the receiver reports the bytes twice in a D-SACK block (RFC 2883 §4);
//! - at the sender, the first ACK that covers the resend echoes a TSecr older than the
//!   resend's TSval, so the original, not the resend, drew it (the Eifel detection, RFC
//!   3522 §3.2);
//! - at the sender without timestamps (or with the resend's TSval equal to the echoed one),
//!   that first ACK (cumulative or SACK) comes sooner than three quarters of the measured
//!   RTT after the resend, too soon to answer it.
//!
//! The revisions go to the host ([`crate::Analyzer::take_revisions`]), which applies them
//! to the rows it still holds (the CLI holds [`HOLD_NS`] of capture time or
//! [`HOLD_FRAMES`] frames, whichever is first reached). A revision for a frame already
//! written is lost: that frame keeps its provisional verdict.

use super::basis::micros;
use super::order::Fill;
use super::{Basis, Clock, Dir, Evidence, EvidenceKind, Own, OwnVerdict, Revision};
use crate::seq::{ge, le};

/// How long the CLI holds its rows back for revisions, in capture time.
pub const HOLD_NS: i64 = 2_000_000_000;
/// How many rows the CLI holds back at most.
pub const HOLD_FRAMES: usize = 4096;

/// A time in wrapping microseconds.
pub(crate) fn us(ts_ns: i64) -> u32 {
    ts_ns.div_euclid(1_000) as u32
}

fn spurious(frame: u32, kinds: &[EvidenceKind], basis: Basis) -> Revision {
    Revision {
        frame,
        own: Own {
            verdict: Some(OwnVerdict::SpuriousRetransmission),
            evidence: Evidence::of(kinds),
            trigger: None,
            basis: Some(basis),
        },
    }
}

/// At the receiver, `fill` (a resend taken as needed) had these bytes before their
/// original, frame `original`, which has just arrived (made before it, by `clock`: the
/// original's value, the fill's): the resend was spurious.
pub(crate) fn late_original(
    d: &mut Dir,
    fill: Fill,
    original: u32,
    clock: Clock,
    out: &mut Vec<Revision>,
) {
    if let Some(f) = d
        .fills
        .iter_mut()
        .find(|f| f.frame == fill.frame && f.needed)
    {
        f.needed = false;
        // Told from the resend's side: its value, the original's.
        let clock = clock.swapped();
        out.push(spurious(
            f.frame,
            &[EvidenceKind::Vantage, clock.kind()],
            Basis::OriginalLater {
                frame: original,
                clock,
            },
        ));
    }
}

/// The peer's ACK just noted in `d.acks` (at `now`, in frame `frame`), against `d`'s
/// resends seen at their sender.
pub(crate) fn on_ack(
    d: &mut Dir,
    now: i64,
    frame: u32,
    rtt_ns: Option<i64>,
    out: &mut Vec<Revision>,
) {
    let a = d.acks;
    let now_us = us(now);
    // RFC 2883: the bytes arrived twice; the copy that came second is the latest one sent
    // (an earlier resend of the same bytes, after a lost original, was needed).
    if let Some((l, r)) = a.dsack {
        let covered = |f: &&mut Fill| le(l, f.seq) && ge(r, f.end) || le(f.seq, l) && ge(f.end, r);
        if let Some(f) = d
            .fills
            .iter_mut()
            .filter(|f| f.at_sender)
            .filter(covered)
            .max_by_key(|f| f.frame)
        {
            f.awaiting_ack = false;
            if f.needed {
                f.needed = false;
                out.push(spurious(
                    f.frame,
                    &[EvidenceKind::Vantage, EvidenceKind::Dsack],
                    Basis::Dsack {
                        frame,
                        left: l,
                        right: r,
                    },
                ));
            }
        }
    }
    for f in d.fills.iter_mut().filter(|f| f.needed && f.at_sender) {
        if !f.awaiting_ack {
            continue;
        }
        let Some((k, _)) = a.covers(f.seq, f.end) else {
            continue;
        };
        f.awaiting_ack = false;
        // RFC 3522 §3.2: the ACK echoes the TSval of the segment that drew it.
        // An equal TSval (a clock tick longer than the resend's delay) tells nothing.
        if let (Some(ecr), Some(val)) = (a.tsecr, f.stamp.tsval()) {
            let newer = val.wrapping_sub(ecr) as i32;
            if newer > 0 {
                f.needed = false;
                out.push(spurious(
                    f.frame,
                    &[EvidenceKind::Vantage, EvidenceKind::Tsval],
                    Basis::EchoesOriginal {
                        frame,
                        tsecr: ecr,
                        tsval: val,
                    },
                ));
            }
            if newer != 0 {
                continue;
            }
        }
        let Some(rtt) = rtt_ns else { continue };
        let since = i64::from(now_us.wrapping_sub(f.at_us) as i32) * 1_000;
        // With an equal TSval the ACK may well echo the resend itself: only an ACK within
        // half an RTT then counts.
        let within = if a.tsecr.is_some() && f.stamp.tsval().is_some() {
            rtt / 2
        } else {
            rtt.saturating_mul(3) / 4
        };
        if since < within {
            f.needed = false;
            out.push(spurious(
                f.frame,
                &[EvidenceKind::Vantage, k, EvidenceKind::Timing],
                Basis::AckTooSoon {
                    frame,
                    since_us: micros(since),
                    rtt_us: micros(rtt),
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{c, near_client, MS};
    use super::*;
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;
    use crate::{Analyzer, Outcome};

    fn revisions(frames: &[(SegBuilder, i64)]) -> Vec<Revision> {
        let mut a = Analyzer::new();
        let mut out = Vec::new();
        for (b, t) in frames {
            let raw = b.raw();
            assert!(matches!(
                a.process(LinkType::Raw, &raw, raw.len() as u32, t * MS),
                Outcome::Tcp { .. }
            ));
            a.take_revisions(&mut out);
        }
        out
    }

    fn data(seq: u32, id: u16, ts: u32) -> SegBuilder {
        c(seq, 1)
            .flags("PA")
            .payload(&[1; 100])
            .ip_id(id)
            .timestamps(ts, 7)
    }

    fn ack(ack: u32, ecr: u32, sack: &[(u32, u32)]) -> SegBuilder {
        super::super::tests::s(1, ack).timestamps(9, ecr).sack(sack)
    }

    #[test]
    fn at_the_receiver_the_original_arriving_after_its_resend_settles_it_as_spurious() {
        // The server's data at the client (the receiver): 101-201 (5003) is delayed; its
        // resend (5007) arrives first, then the original.
        let s = |seq: u32, id: u16| {
            super::super::tests::s(seq, 1)
                .flags("PA")
                .payload(&[1; 100])
                .ip_id(id)
        };
        let mut f = near_client();
        f.extend([
            (s(1, 5002), 100),
            (s(201, 5004), 100),
            (s(301, 5005), 101),
            (s(401, 5006), 101),
            (s(101, 5007), 145),
            (s(101, 5003), 150),
        ]);
        let r = revisions(&f);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].frame, 8);
        assert_eq!(r[0].own.verdict, Some(OwnVerdict::SpuriousRetransmission));
        assert_eq!(
            r[0].own
                .evidence
                .kinds()
                .map(|k| k.name())
                .collect::<Vec<_>>(),
            ["ip_id", "vantage"]
        );
        // The original, frame 9, was made before the resend (5003 against its 5007).
        assert_eq!(
            r[0].own.basis,
            Some(Basis::OriginalLater {
                frame: 9,
                clock: Clock::IpId {
                    mine: 5007,
                    theirs: 5003
                }
            })
        );
    }

    #[test]
    fn a_dsack_settles_a_resend_at_the_sender_as_spurious() {
        let mut f = near_client();
        f.extend([
            (data(1, 1002, 41), 41),
            (data(101, 1003, 41), 41),
            (data(1, 1004, 60), 60),
            // The receiver had both copies: D-SACK 1-101 below the ACK (RFC 2883 §4.1.1).
            (ack(201, 41, &[(1, 101)]), 100),
        ]);
        let r = revisions(&f);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].frame, 6);
        assert_eq!(
            r[0].own
                .evidence
                .kinds()
                .map(|k| k.name())
                .collect::<Vec<_>>(),
            ["dsack", "vantage"]
        );
        // Frame 7's D-SACK block 1-101.
        assert_eq!(
            r[0].own.basis,
            Some(Basis::Dsack {
                frame: 7,
                left: 1,
                right: 101
            })
        );
    }

    #[test]
    fn an_ack_echoing_the_original_settles_it_as_spurious_eifel() {
        let mut f = near_client();
        f.extend([
            (data(1, 1002, 41), 41),
            (data(101, 1003, 41), 41),
            (data(1, 1004, 60), 60),
            // The ACK covering 1-101 echoes TSval 41: the original's.
            (ack(101, 41, &[]), 82),
        ]);
        let r = revisions(&f);
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].own
                .evidence
                .kinds()
                .map(|k| k.name())
                .collect::<Vec<_>>(),
            ["tsval", "vantage"]
        );
        assert_eq!(
            r[0].own.basis,
            Some(Basis::EchoesOriginal {
                frame: 7,
                tsecr: 41,
                tsval: 60
            })
        );
        // Echoing the resend's TSval: it was needed, nothing revised.
        let mut f = near_client();
        f.extend([
            (data(1, 1002, 41), 41),
            (data(101, 1003, 41), 41),
            (data(1, 1004, 60), 60),
            (ack(201, 60, &[]), 101),
        ]);
        assert!(revisions(&f).is_empty());
    }
}
