//! Books for the loss rules: opens a hole on `lost_segment` (the bytes the capture did not
//! see), counts duplicate ACKs until the ack moves, and notes zero-window probing.

use crate::analysis::Verdict;
use crate::diagnosis::state::Hole;
use crate::diagnosis::{Finding, Obs, State};
use crate::lifecycle::Event;
use crate::seq::gt;

pub(super) fn observe(c: &mut State, o: &Obs<'_>, _: &mut Vec<Finding>) {
    let me = o.side.idx();
    if o.has(Verdict::ZeroWindowProbe) {
        c.dirs[me].probing = true;
    }
    if o.has(Verdict::LostSegment) && !super::probe(c, o) {
        if let Some(expected) = o.an.expected_seq {
            c.dirs[me].holes.open(Hole {
                frame: o.frame,
                start: expected,
                end: o.rec.seq,
            });
        }
    }
    if o.has(Verdict::DuplicateAck) {
        c.dirs[me].dup_acks.push(o.frame);
    }
    if o.rec.tcp_flags.ack() && o.rec.event != Event::Rst {
        let ack = o.rec.ack;
        let moved = c.dirs[me].acked.is_none_or(|(prev, _)| gt(ack, prev));
        if moved {
            c.dirs[me].acked = Some((ack, o.frame));
            c.dirs[me].dup_acks.clear();
        }
    }
}
