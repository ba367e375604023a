//! Which sentence a finding needs, and which clauses: decided once, here. A language
//! (`crate::text::en`, `crate::text::zh`) writes each of them ([`DiagnosisWords`]).

use core::fmt::{self, Write};

use super::{Detail, Finding};
use crate::explain::Lang;
use crate::text::DiagnosisWords;

/// The words of `lang`.
/// The diagnosis's words in `lang` (the `conns --diagnose` section's too).
pub fn words(lang: Lang) -> &'static dyn DiagnosisWords {
    match lang {
        Lang::En => &crate::text::en::Diagnosis,
        Lang::Zh => &crate::text::zh::Diagnosis,
    }
}

/// Seconds with three decimals, from nanoseconds, in integer arithmetic: "2.000 s".
#[derive(Debug, Clone, Copy)]
pub struct Secs(pub i64);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let ms = self.0.unsigned_abs() / 1_000_000;
        write!(f, "{sign}{}.{:03} s", ms / 1_000, ms % 1_000)
    }
}

/// The time from a copy to the earlier copy, shortest to longest, in microseconds:
/// "334 µs", "334–2412 µs".
#[derive(Debug, Clone, Copy)]
pub struct Micros(pub i64, pub i64);

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.0 / 1_000, self.1 / 1_000);
        if a == b {
            write!(f, "{a} µs")
        } else {
            write!(f, "{a}–{b} µs")
        }
    }
}

/// A list of frame numbers with a language's separator: "3, 4, 5" (or "3、4、5").
#[derive(Debug, Clone, Copy)]
pub struct FrameList<'a>(pub &'a [u32], pub &'static str);

impl fmt::Display for FrameList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

/// Who a sentence is about, named in its language: the finding's side (`who`), the other
/// side (`peer`), and the frame where the cause shows.
#[derive(Debug, Clone, Copy)]
pub struct Parties {
    pub who: &'static str,
    pub peer: &'static str,
    pub frame: u32,
}

impl Finding {
    /// Writes the diagnosis as one or two sentences in `lang`, opening with the cause's
    /// title.
    pub fn write_text(&self, lang: Lang, out: &mut impl Write) -> fmt::Result {
        write_text(self, words(lang), out)
    }
}

fn write_text(f: &Finding, w: &dyn DiagnosisWords, out: &mut dyn Write) -> fmt::Result {
    let p = Parties {
        who: w.side(f.side),
        peer: w.side(f.side.other()),
        frame: f.frame,
    };
    out.write_str(w.title(f.cause()))?;
    out.write_str(w.title_end())?;
    match f.detail {
        Detail::SegmentLostBeforeCapture {
            gap_frame,
            seq,
            bytes,
            dup_acks,
            trigger,
            evidence,
        } => {
            w.lost_before_capture(out, p, seq, bytes, gap_frame)?;
            if dup_acks > 0 {
                w.lost_before_capture_dup_acks(out, p, dup_acks, seq)?;
            }
            w.lost_before_capture_resent(out, p, w.resent(trigger))?;
            w.evidence(out, evidence)
        }
        Detail::SegmentLostAfterCapture {
            seq,
            bytes,
            dup_acks,
            trigger,
            evidence,
        } => {
            if dup_acks > 0 {
                w.lost_after_capture_dup_acks(out, p, seq, dup_acks, w.resent(trigger))?;
            } else {
                w.lost_after_capture(out, p, seq, bytes, w.resent(trigger))?;
            }
            w.evidence(out, evidence)
        }
        Detail::AckLost {
            ack_frame,
            seq,
            bytes,
            evidence,
        } => {
            match ack_frame {
                Some(a) => w.ack_lost(out, p, seq, bytes, a)?,
                None => w.ack_lost_ack_unseen(out, p, seq, bytes)?,
            }
            w.evidence(out, evidence)
        }
        Detail::Reordering {
            later_frame,
            seq,
            bytes,
            evidence,
        } => {
            match later_frame {
                Some(g) => w.reordering_into_gap(out, p, seq, g)?,
                None => w.reordering(out, p, seq, bytes)?,
            }
            w.evidence(out, evidence)
        }
        Detail::CaptureMissedPackets {
            gap_frame,
            seq,
            bytes,
        } => match gap_frame {
            Some(g) => w.capture_missed(out, p, seq, bytes, g),
            None => w.capture_missed_beyond(out, p, seq),
        },
        Detail::MidConnectionStart { server_port_guess } => {
            w.mid_connection_start(out, p)?;
            match server_port_guess {
                Some(port) => w.mid_connection_start_ports(out, port),
                None => Ok(()),
            }
        }
        Detail::ReceiverWindowExhausted {
            zero_frame,
            probes,
            closed_ns,
            unresolved,
        } => {
            w.zero_window(out, p, zero_frame)?;
            if probes > 0 {
                w.zero_window_probes(out, p, probes)?;
            }
            if unresolved {
                w.zero_window_still_closed(out, p, Secs(closed_ns))
            } else {
                w.zero_window_reopened(out, p, Secs(closed_ns))
            }
        }
        Detail::KeepAliveIdle { last_data, idle_ns } => match last_data {
            Some(d) => w.keep_alive_idle(out, p, Secs(idle_ns), d),
            None => w.keep_alive_no_data(out, p),
        },
        Detail::ResetWithUnackedData {
            unacked,
            peer_unacked,
            ..
        } => {
            w.reset(out, p)?;
            match (unacked, peer_unacked) {
                (m, 0) => w.reset_unacked_sent(out, p, m)?,
                (0, t) => w.reset_unacked_received(out, p, t)?,
                (m, t) => w.reset_unacked_both(out, p, m, t)?,
            }
            w.reset_end(out, p)
        }
        Detail::PortReuse => w.port_reuse(out, p, f.stream),
        Detail::HandshakeNoAnswer { syns, over_ns } => {
            w.handshake_no_answer(out, p, syns, &f.frames, Secs(over_ns))
        }
        Detail::HandshakeRefused { syn_frame, .. } => w.handshake_refused(out, p, syn_frame),
        Detail::HandshakeUnfinished { syn_frame, .. } => w.handshake_unfinished(out, p, syn_frame),
        Detail::IcmpUnreachable { why, from, syn, .. } => {
            let name = w.unreachable(why);
            if syn {
                w.icmp_unreachable_syn(out, p, name, from, &f.frames)?;
            } else {
                w.icmp_unreachable_data(out, p, name, from, &f.frames)?;
            }
            w.icmp_unreachable_meaning(out, p, why, syn)
        }
        Detail::CaptureDuplicates {
            copies,
            data,
            first_of,
            min_gap_ns,
            max_gap_ns,
        } => w.capture_duplicates(
            out,
            p,
            copies,
            data,
            first_of,
            Micros(min_gap_ns, max_gap_ns),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{Cause, CAUSES};
    use crate::lifecycle::Side;
    use crate::verdict::{Evidence, EvidenceKind, Trigger};

    /// A finding of every cause, with every clause its sentence can have.
    fn samples() -> Vec<Finding> {
        let d = [
            Detail::SegmentLostBeforeCapture {
                gap_frame: 1,
                seq: 1,
                bytes: 1,
                dup_acks: 0,
                trigger: None,
                evidence: Evidence::default(),
            },
            Detail::SegmentLostBeforeCapture {
                gap_frame: 1,
                seq: 1,
                bytes: 1,
                dup_acks: 2,
                trigger: Some(Trigger::DupAcks),
                evidence: Evidence::of(&[EvidenceKind::Sack]),
            },
            Detail::SegmentLostAfterCapture {
                seq: 1,
                bytes: 1,
                dup_acks: 0,
                trigger: None,
                evidence: Evidence::default(),
            },
            Detail::SegmentLostAfterCapture {
                seq: 1,
                bytes: 1,
                dup_acks: 3,
                trigger: Some(Trigger::Sack),
                evidence: Evidence::of(&[EvidenceKind::Tsval, EvidenceKind::IpId]),
            },
            Detail::AckLost {
                ack_frame: None,
                seq: 1,
                bytes: 1,
                evidence: Evidence::of(&[EvidenceKind::Dsack]),
            },
            Detail::AckLost {
                ack_frame: Some(1),
                seq: 1,
                bytes: 1,
                evidence: Evidence::of(&[EvidenceKind::Ack, EvidenceKind::Vantage]),
            },
            Detail::Reordering {
                later_frame: None,
                seq: 1,
                bytes: 1,
                evidence: Evidence::of(&[EvidenceKind::Timing]),
            },
            Detail::Reordering {
                later_frame: Some(1),
                seq: 1,
                bytes: 1,
                evidence: Evidence::default(),
            },
            Detail::CaptureMissedPackets {
                gap_frame: None,
                seq: 1,
                bytes: 0,
            },
            Detail::CaptureMissedPackets {
                gap_frame: Some(1),
                seq: 1,
                bytes: 1,
            },
            Detail::MidConnectionStart {
                server_port_guess: None,
            },
            Detail::MidConnectionStart {
                server_port_guess: Some(443),
            },
            Detail::ReceiverWindowExhausted {
                zero_frame: 1,
                probes: 0,
                closed_ns: 1,
                unresolved: false,
            },
            Detail::ReceiverWindowExhausted {
                zero_frame: 1,
                probes: 2,
                closed_ns: 1,
                unresolved: true,
            },
            Detail::KeepAliveIdle {
                last_data: None,
                idle_ns: 0,
            },
            Detail::KeepAliveIdle {
                last_data: Some(1),
                idle_ns: 1,
            },
            Detail::ResetWithUnackedData {
                last_data: None,
                unacked: 1,
                peer_unacked: 0,
            },
            Detail::ResetWithUnackedData {
                last_data: None,
                unacked: 0,
                peer_unacked: 1,
            },
            Detail::ResetWithUnackedData {
                last_data: Some(1),
                unacked: 1,
                peer_unacked: 1,
            },
            Detail::PortReuse,
            Detail::HandshakeNoAnswer {
                syns: 1,
                over_ns: 0,
            },
            Detail::HandshakeRefused {
                syn_frame: 1,
                syns: 1,
            },
            Detail::HandshakeUnfinished {
                syn_frame: 1,
                syns: 1,
            },
        ]
        .into_iter()
        .chain([Detail::CaptureDuplicates {
            copies: 2,
            data: 1,
            first_of: 1,
            min_gap_ns: 334_000,
            max_gap_ns: 2_412_999,
        }])
        .chain(crate::wire::Unreachable::ALL.into_iter().flat_map(|why| {
            [true, false].map(|syn| Detail::IcmpUnreachable {
                why,
                from: [10, 0, 0, 1].into(),
                syn,
                errors: 1,
            })
        }));
        d.map(|d| Finding::new(0, 2, Side::Client, d)).collect()
    }

    #[test]
    fn every_finding_opens_with_its_title_and_says_something_in_every_language() {
        let all = samples();
        for (c, _) in CAUSES {
            assert!(all.iter().any(|f| f.cause() == c), "{c:?} has no sample");
        }
        for f in &all {
            for lang in Lang::ALL {
                let mut t = String::new();
                f.write_text(lang, &mut t).unwrap();
                let title = f.cause().title(lang);
                assert!(t.starts_with(title), "{t}");
                assert!(t.len() > title.len() + 20, "{t}");
                assert!(t.ends_with(['.', '。']), "{t}");
            }
        }
        assert_eq!(
            Secs(-1_234_567_890).to_string() + &FrameList(&[1, 2], "、").to_string(),
            "-1.234 s1、2"
        );
        assert_eq!(Micros(5_999, 5_000).to_string(), "5 µs");
        assert_eq!(Micros(334_000, 2_412_999).to_string(), "334–2412 µs");
        assert_eq!(
            Cause::HandshakeUnfinished.title(Lang::En),
            "Handshake never completed"
        );
    }
}
