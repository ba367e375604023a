//! Data books, after the other rules have seen the frame: the highest byte each side sent,
//! its last data, and the end of probing.

use crate::analysis::Verdict;
use crate::diagnosis::{Finding, Obs, State};
use crate::seq::gt;

pub(super) fn observe(c: &mut State, o: &Obs<'_>, _: &mut Vec<Finding>) {
    let me = o.side.idx();
    if o.rec.len == 0 || o.has(Verdict::KeepAlive) || o.has(Verdict::ZeroWindowProbe) {
        return;
    }
    let next = o.rec.seq.wrapping_add(o.rec.len);
    let d = &mut c.dirs[me];
    let resent = [
        Verdict::Retransmission,
        Verdict::FastRetransmission,
        Verdict::SpuriousRetransmission,
    ]
    .into_iter()
    .any(|v| o.has(v));
    if o.rec.len > 1 && !resent {
        d.probing = false;
    }
    if d.sent_next.is_none_or(|n| gt(next, n)) {
        d.sent_next = Some(next);
    }
    d.last_data = Some((o.frame, o.ts_ns));
    d.idle_reported = false;
}
