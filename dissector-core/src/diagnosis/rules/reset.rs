//! `reset_with_unacked_data`: an RST while bytes were unacknowledged in either direction
//! (RFC 9293 §3.10.7.1: data queued or in flight is lost on reset).

use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::lifecycle::Event;
use crate::seq::gt;

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.rec.event != Event::Rst || c.reset {
        return;
    }
    c.reset = true;
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    let unacked = |sender: usize, receiver: usize| -> u32 {
        match (c.dirs[sender].sent_next, c.dirs[receiver].acked) {
            (Some(next), Some((ack, _))) if gt(next, ack) => next.wrapping_sub(ack),
            // Data never acknowledged at all: everything after the SYN.
            (Some(next), None) => next.wrapping_sub(1),
            _ => 0,
        }
    };
    let mine = unacked(me, peer);
    // The RST's own ack (when it carries one) says what its sender had received.
    let theirs = match (c.dirs[peer].sent_next, o.rec.tcp_flags.ack()) {
        (Some(next), true) if gt(next, o.rec.ack) => next.wrapping_sub(o.rec.ack),
        (Some(_), true) => 0,
        _ => unacked(peer, me),
    };
    if mine == 0 && theirs == 0 {
        return;
    }
    let last = super::last_data(c);
    let reset = Detail::ResetWithUnackedData {
        last_data: last.map(|(fr, _)| fr),
        unacked: mine,
        peer_unacked: theirs,
    };
    out.push(o.finding(o.side, reset).with_frames(last.map(|(fr, _)| fr)));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_reset_with_bytes_in_flight_names_who_and_how_many() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 300]), 100),
            (s("PA", 1, 301).payload(&[0; 40]), 110),
            (c("RA", 301, 1), 120),
        ]);
        let f = diagnose(&p);
        let r = only(&f, Cause::ResetWithUnackedData);
        assert_eq!((r.side, r.frame), (Side::Client, 6));
        assert_eq!(
            r.detail,
            Detail::ResetWithUnackedData {
                last_data: Some(5),
                unacked: 0,
                peer_unacked: 40
            }
        );
        let (en, zh) = both(r);
        assert!(
            en.contains("40 bytes from the server were not yet acknowledged by it"),
            "{en}"
        );
        assert!(zh.contains("服务器发来的 40 字节它还没有确认"), "{zh}");
    }

    #[test]
    fn a_clean_reset_after_everything_was_acknowledged_says_nothing() {
        let mut p = handshake();
        p.extend([
            (c("PA", 1, 1).payload(&[0; 300]), 100),
            (s("A", 1, 301), 110),
            (c("RA", 301, 1), 120),
        ]);
        assert!(diagnose(&p).is_empty());
    }
}
