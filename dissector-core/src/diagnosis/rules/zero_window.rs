//! `receiver_window_exhausted`: zero-window episodes (RFC 9293 §3.8.6.1), from the first
//! zero window to the first non-zero window of the same receiver, with the sender's probes;
//! a window still closed when the conversation ends is reported then.

use crate::analysis::Verdict;
use crate::diagnosis::state::{Frames, ZeroWindow};
use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::lifecycle::Side;

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    if o.has(Verdict::WindowFull) {
        c.dirs[me].last_window_full = Some(o.frame);
    }
    if o.has(Verdict::ZeroWindowProbe) {
        if let Some(z) = c.dirs[peer].zero_window.as_mut() {
            z.probes.push(o.frame);
        }
    }
    if o.has(Verdict::ZeroWindow) {
        if c.dirs[me].zero_window.is_none() {
            c.dirs[me].zero_window = Some(ZeroWindow {
                frame: o.frame,
                ts_ns: o.ts_ns,
                window_full: c.dirs[peer].last_window_full,
                probes: Frames::default(),
            });
        }
        return;
    }
    let f = o.rec.tcp_flags;
    if o.rec.window == 0 || f.syn() || f.rst() || !f.ack() {
        return;
    }
    if let Some(z) = c.dirs[me].zero_window.take() {
        let reopened = Detail::ReceiverWindowExhausted {
            zero_frame: z.frame,
            probes: z.probes.seen,
            closed_ns: o.ts_ns.saturating_sub(z.ts_ns),
            unresolved: false,
        };
        out.push(
            o.finding(o.side, reopened).with_frames(
                [z.frame]
                    .into_iter()
                    .chain(z.window_full)
                    .chain(z.probes.kept().iter().copied()),
            ),
        );
    }
}

/// A window still closed at the end.
pub(super) fn finish(stream: u32, c: &State, out: &mut Vec<Finding>) {
    for side in [Side::Client, Side::Server] {
        if let Some(z) = c.dirs[side.idx()].zero_window {
            let closed = Detail::ReceiverWindowExhausted {
                zero_frame: z.frame,
                probes: z.probes.seen,
                closed_ns: c.last_ns.saturating_sub(z.ts_ns),
                unresolved: true,
            };
            out.push(
                Finding::new(stream, z.frame, side, closed).with_frames(
                    z.window_full
                        .into_iter()
                        .chain(z.probes.kept().iter().copied()),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_zero_window_episode_has_its_duration_and_probes() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (s("A", 1, 101).window(0), 110),
            (c("PA", 101, 1).payload(&[0; 1]), 400),
            (s("A", 1, 101).window(0), 410),
            (c("PA", 101, 1).payload(&[0; 1]), 1000),
            (s("A", 1, 101).window(0), 1010),
            (s("A", 1, 101).window(4096), 2110),
        ]);
        let f = diagnose(&p);
        let z = only(&f, Cause::ReceiverWindowExhausted);
        assert_eq!((z.side, z.frame), (Side::Server, 10));
        assert_eq!(
            z.detail,
            Detail::ReceiverWindowExhausted {
                zero_frame: 5,
                probes: 2,
                closed_ns: 2_000 * MS,
                unresolved: false
            }
        );
        assert_eq!(z.frames, [5, 6, 8, 10]);
        let (en, zh) = both(z);
        assert_eq!(en, "Receiver window exhausted: the server advertised a zero window at frame 5; the client sent 2 zero-window probes; it stayed closed for 2.000 s and reopened at frame 10.");
        assert!(zh.contains("零窗口探测"), "{zh}");
    }

    #[test]
    fn a_window_still_closed_at_the_end_is_reported_by_finish() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 100]), 100),
            (s("A", 1, 101).window(0), 110),
            (c("A", 101, 1), 5110),
        ]);
        let f = diagnose(&p);
        let z = only(&f, Cause::ReceiverWindowExhausted);
        assert!(matches!(
            z.detail,
            Detail::ReceiverWindowExhausted {
                unresolved: true,
                ..
            }
        ));
        assert!(both(z)
            .0
            .contains("still closed at the end of the capture, 5.000 s later"));
    }
}
