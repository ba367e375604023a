//! `port_reuse` (`tcp.analysis.reused_ports`): a new connection on an old 4-tuple.

use crate::analysis::Verdict;
use crate::diagnosis::{Detail, Finding, Obs, State};

pub(super) fn observe(_: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.has(Verdict::ReusedPorts) {
        out.push(o.finding(o.side, Detail::PortReuse));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_syn_on_a_used_four_tuple_is_port_reuse() {
        let f = diagnose(&[
            (c("S", 0, 0), 0),
            (s("RA", 0, 1), 1),
            (c("S", 5000, 0), 2000),
        ]);
        let p = only(&f, Cause::PortReuse);
        assert_eq!((p.frame, p.stream), (3, 1));
        assert!(both(p).0.contains("opens a new connection (stream 1)"));
    }
}
