//! What made the sender resend, from what the capture saw before the resend:
//! - silence since the sender's last data and the receiver's last ACK for at least the
//!   measured RTT and the minimum RTO: the retransmission timer (RFC 6298), `timeout`;
//! - three or more duplicate ACKs: fast retransmit (RFC 5681 §3.2), `dup_acks`;
//! - duplicate ACKs whose SACK blocks show the hole, or SACK blocks on the latest ACK, for
//!   the further resends of a recovery or before three duplicates (RFC 6675 loss recovery,
//!   RACK), `sack`;
//! - the highest segment again after at least an RTT of silence, shorter than the minimum
//!   RTO: a tail loss probe (RFC 8985 §7), `tail_probe`;
//! - otherwise unknown.

use super::{Dir, SegIn, Trigger};

/// Linux's minimum retransmission timeout (RFC 6298 §2.4 asks for 1 s; Linux uses 200 ms).
pub const MIN_RTO_NS: i64 = 200_000_000;

pub(crate) fn of(d: &Dir, s: &SegIn, rtt_ns: Option<i64>) -> Option<Trigger> {
    let a = &d.acks;
    // Silence since the sender's last data and the receiver's last ACK: the timer.
    let quiet_since = d
        .last_data_ns
        .max(if a.known { a.last_ns } else { i64::MIN });
    let gap = s.ts_ns.saturating_sub(quiet_since);
    if gap >= MIN_RTO_NS && rtt_ns.is_none_or(|r| gap >= r) {
        return Some(Trigger::Timeout);
    }
    if a.dupacks >= 3 && d.resends_in_recovery == 0 {
        return Some(Trigger::DupAcks);
    }
    if (a.dupacks >= 1 && a.dup_sack) || a.sacking() {
        return Some(Trigger::Sack);
    }
    if a.dupacks >= 3 {
        return Some(Trigger::DupAcks);
    }
    if a.dupacks == 0 && s.end() == d.high && rtt_ns.is_some_and(|r| gap >= r) {
        return Some(Trigger::TailProbe);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::tests::{c, near_client, run, s};
    use super::*;

    #[test]
    fn three_dup_acks_then_sack_then_timeout() {
        // The client's first segment is lost; three duplicate ACKs with SACK blocks.
        let mut f = near_client();
        for (seq, id, t) in [
            (1, 1002, 41),
            (101, 1003, 41),
            (201, 1004, 42),
            (301, 1005, 42),
        ] {
            f.push((c(seq, 1).flags("PA").payload(&[1; 100]).ip_id(id), t));
        }
        f.push((s(1, 1).sack(&[(101, 201)]).ip_id(5001), 82));
        f.push((s(1, 1).sack(&[(101, 301)]).ip_id(5002), 82));
        f.push((s(1, 1).sack(&[(101, 401)]).ip_id(5003), 83));
        f.push((c(1, 1).flags("PA").payload(&[1; 100]).ip_id(1006), 83));
        f.push((s(1, 101).sack(&[(101, 401)]).ip_id(5004), 124));
        // Then silence, and 101 again 300 ms later: a timeout.
        f.push((c(101, 1).flags("PA").payload(&[1; 100]).ip_id(1007), 424));
        let v = run(&f);
        assert_eq!(v[10].trigger, Some(Trigger::DupAcks));
        assert_eq!(v[12].trigger, Some(Trigger::Timeout), "{:?}", v[12]);
    }
}
