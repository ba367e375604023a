//! `icmp_unreachable`: a router or the destination host answered the conversation's
//! segments with ICMP "destination unreachable" (RFC 792; ICMPv6, RFC 4443 §3.1). For a
//! SYN, RFC 1122 §4.2.3.9 has TCP abort the connection attempt on "port unreachable" and
//! "protocol unreachable": the port is closed (or a firewall rejects), and the handshake
//! never answered is explained. Reported once per conversation, at its end, with the
//! count and the first errors' frames.

use crate::diagnosis::state::UnreachableSeen;
use crate::diagnosis::{Detail, Finding, Obs, State};

pub(super) fn observe(c: &mut State, o: &Obs<'_>, _: &mut Vec<Finding>) {
    let Some(e) = o.icmp else { return };
    let Some(why) = e.unreachable() else { return };
    let seen = c.unreachable.get_or_insert(UnreachableSeen {
        why,
        from: e.from,
        side: o.side,
        syn: o.rec.tcp_flags.syn() && !o.rec.tcp_flags.ack(),
        frames: Default::default(),
    });
    seen.frames.push(o.frame);
}

pub(super) fn finish(stream: u32, c: &State, out: &mut Vec<Finding>) {
    let Some(u) = c.unreachable else { return };
    let frames = u.frames.kept();
    let Some(&first) = frames.first() else { return };
    let detail = Detail::IcmpUnreachable {
        why: u.why,
        from: u.from,
        syn: u.syn,
        errors: u.frames.seen,
    };
    out.push(Finding::new(stream, first, u.side, detail).with_frames(frames.iter().copied()));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::wire::Unreachable;

    /// An ICMP error from `from` (type `kind`, code `code`) quoting `inner`'s IP and TCP
    /// headers, as a raw IPv4 packet.
    fn icmp(inner: &SegBuilder, from: [u8; 4], kind: u8, code: u8) -> Vec<u8> {
        let quoted = inner.raw();
        let mut body = vec![kind, code, 0, 0, 0, 0, 0, 0];
        body.extend_from_slice(&quoted[..quoted.len().min(20 + 20)]);
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&((20 + body.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 1, 0, 0]);
        ip.extend_from_slice(&from);
        ip.extend_from_slice(&[10, 0, 0, 1]);
        ip.extend_from_slice(&body);
        ip
    }

    fn run(frames: &[(Vec<u8>, i64)]) -> Vec<Finding> {
        use crate::analyzer::Analyzer;
        use crate::diagnosis::TimeOrigin;
        use crate::wire::LinkType;
        let mut a = Analyzer::new();
        a.diagnose(TimeOrigin::FirstFrame);
        for (raw, t) in frames {
            a.process(LinkType::Raw, raw, raw.len() as u32, t * MS);
        }
        let mut out = Vec::new();
        a.finish_diagnosis(&mut out);
        out
    }

    #[test]
    fn a_syn_answered_by_port_unreachable_is_told_once_with_the_icmp_frames() {
        let syn = c("S", 0, 0);
        let f = run(&[
            (syn.raw(), 0),
            (icmp(&syn, [10, 0, 0, 2], 3, 3), 1),
            (syn.raw(), 1000),
            (icmp(&syn, [10, 0, 0, 2], 3, 3), 1001),
        ]);
        let u = only(&f, Cause::IcmpUnreachable);
        assert_eq!(
            (u.frame, u.side, &u.frames[..]),
            (2, Side::Client, &[2, 4][..])
        );
        assert_eq!(
            u.detail,
            Detail::IcmpUnreachable {
                why: Unreachable::Port,
                from: [10, 0, 0, 2].into(),
                syn: true,
                errors: 2,
            }
        );
        // The ICMP error is the answer: the handshake is not "never answered".
        assert!(f.iter().all(|x| x.cause() != Cause::HandshakeNoAnswer));
        let (en, zh) = both(u);
        assert!(en.contains("port unreachable"), "{en}");
        assert!(en.contains("from 10.0.0.2"), "{en}");
        assert!(en.contains("frames 2, 4"), "{en}");
        assert!(zh.contains("端口不可达"), "{zh}");
    }

    #[test]
    fn a_quote_alone_names_the_conversation_and_is_diagnosed() {
        // The SYN itself was not captured (the local stack refused it).
        let syn = c("S", 0, 0);
        let f = run(&[(icmp(&syn, [10, 0, 0, 9], 3, 13), 0)]);
        let u = only(&f, Cause::IcmpUnreachable);
        assert!(matches!(
            u.detail,
            Detail::IcmpUnreachable {
                why: Unreachable::Prohibited,
                syn: true,
                errors: 1,
                ..
            }
        ));
        assert!(f.iter().all(|x| x.cause() != Cause::MidConnectionStart));
    }

    #[test]
    fn other_icmp_errors_are_not_unreachability() {
        let syn = c("S", 0, 0);
        // Time exceeded, and fragmentation needed (path MTU).
        let f = run(&[
            (syn.raw(), 0),
            (icmp(&syn, [10, 9, 9, 9], 11, 0), 1),
            (icmp(&syn, [10, 9, 9, 9], 3, 4), 2),
        ]);
        assert!(f.iter().all(|x| x.cause() != Cause::IcmpUnreachable));
        assert_eq!(only(&f, Cause::HandshakeNoAnswer).frames, [1]);
    }
}
