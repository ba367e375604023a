//! `keep_alive_idle`: the first keep-alive after the sender's last data; the connection
//! idles.

use crate::analysis::Verdict;
use crate::diagnosis::{Detail, Finding, Obs, State};

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    if !o.has(Verdict::KeepAlive) || c.dirs[me].idle_reported {
        return;
    }
    if c.dirs[peer].zero_window.is_some() {
        // Into a zero window, a keep-alive-shaped segment is the persist timer's probe.
        return;
    }
    c.dirs[me].idle_reported = true;
    let last = super::last_data(c);
    let idle = Detail::KeepAliveIdle {
        last_data: last.map(|(fr, _)| fr),
        idle_ns: last.map_or(0, |(_, ts)| o.ts_ns.saturating_sub(ts)),
    };
    out.push(o.finding(o.side, idle).with_frames(last.map(|(fr, _)| fr)));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_keep_alive_after_idle_time_is_reported_once() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 10]), 100),
            (s("A", 1, 11), 110),
            (c("A", 10, 1), 45_110),
            (s("A", 1, 11), 45_111),
            (c("A", 10, 1), 90_110),
        ]);
        let f = diagnose(&p);
        let k = only(&f, Cause::KeepAliveIdle);
        assert_eq!(k.frame, 6);
        assert_eq!(
            k.detail,
            Detail::KeepAliveIdle {
                last_data: Some(4),
                idle_ns: 45_010 * MS
            }
        );
        assert!(both(k).1.contains("保活"));
    }
}
