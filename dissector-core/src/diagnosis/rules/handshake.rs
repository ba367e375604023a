//! The handshake: `handshake_refused` (a server RST before the connection is established,
//! RFC 9293 §3.5.2: a SYN to a closed port is answered with RST), and at the end
//! `handshake_no_answer` (SYNs never answered) or `handshake_unfinished` (a SYN-ACK never
//! acknowledged).

use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::lifecycle::{Event, Handshake, Side, TcpState};

pub(super) fn observe(c: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    match o.rec.handshake {
        Some(Handshake::Syn) => {
            if c.syns.seen == 0 {
                c.first_syn_ns = o.ts_ns;
            }
            c.syns.push(o.frame);
            c.last_syn_ns = o.ts_ns;
        }
        Some(Handshake::SynAck) => {
            c.syn_ack.get_or_insert(o.frame);
        }
        _ => {}
    }
    if [o.rec.client_state, o.rec.server_state].iter().any(|s| {
        !matches!(
            s,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynReceived
        )
    }) {
        c.established = true;
    }
    if o.rec.event == Event::Rst
        && !c.established
        && !c.reset
        && c.syns.seen > 0
        && o.side == Side::Server
    {
        c.reset = true;
        let syns = c.syns.kept();
        let refused = Detail::HandshakeRefused {
            syn_frame: syns.first().copied().unwrap_or(o.frame),
            syns: c.syns.seen,
        };
        out.push(
            o.finding(Side::Client, refused)
                .with_frames(syns.iter().copied()),
        );
    }
}

/// SYNs never answered, or a SYN-ACK never acknowledged, by the end of the conversation.
pub(super) fn finish(stream: u32, c: &State, out: &mut Vec<Finding>) {
    // An ICMP error that answered the SYN tells the story (`icmp_unreachable`).
    if c.established || c.reset || c.syns.seen == 0 || c.unreachable.is_some_and(|u| u.syn) {
        return;
    }
    let syns = c.syns.kept();
    let first = syns[0];
    let f = match c.syn_ack {
        None => Finding::new(
            stream,
            first,
            Side::Client,
            Detail::HandshakeNoAnswer {
                syns: c.syns.seen,
                over_ns: c.last_syn_ns.saturating_sub(c.first_syn_ns),
            },
        ),
        Some(sa) => Finding::new(
            stream,
            sa,
            Side::Client,
            Detail::HandshakeUnfinished {
                syn_frame: first,
                syns: c.syns.seen,
            },
        ),
    };
    out.push(f.with_frames(syns.iter().copied()));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn syns_without_an_answer() {
        let f = diagnose(&[
            (c("S", 0, 0), 0),
            (c("S", 0, 0), 1000),
            (c("S", 0, 0), 3000),
        ]);
        let n = only(&f, Cause::HandshakeNoAnswer);
        assert_eq!(n.frames, [1, 2, 3]);
        assert_eq!(
            n.detail,
            Detail::HandshakeNoAnswer {
                syns: 3,
                over_ns: 3000 * MS
            }
        );
        assert!(both(n)
            .0
            .contains("sent 3 SYN(s) (frames 1, 2, 3) over 3.000 s"));
        assert!(both(n).1.contains("（第 1、2、3 帧）"));
    }

    #[test]
    fn a_syn_answered_by_rst_is_refused() {
        let f = diagnose(&[(c("S", 0, 0), 0), (s("RA", 0, 1), 1)]);
        let r = only(&f, Cause::HandshakeRefused);
        assert_eq!((r.frame, r.side), (2, Side::Client));
        assert_eq!(
            r.detail,
            Detail::HandshakeRefused {
                syn_frame: 1,
                syns: 1
            }
        );
        assert!(both(r).1.starts_with("连接被拒绝："));
        assert!(f.iter().all(|x| x.cause() != Cause::HandshakeNoAnswer));
    }

    #[test]
    fn a_syn_ack_never_acknowledged_is_unfinished() {
        let f = diagnose(&[(c("S", 0, 0), 0), (s("SA", 0, 1), 1)]);
        let u = only(&f, Cause::HandshakeUnfinished);
        assert_eq!((u.frame, u.frames.as_slice()), (2, &[1, 2][..]));
        assert!(both(u)
            .0
            .contains("answered the SYN (frame 1) with SYN-ACK at frame 2"));
    }
}
