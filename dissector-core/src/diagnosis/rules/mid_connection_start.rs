//! `mid_connection_start`: the first frame of a conversation is not a SYN, so the capture
//! began after the handshake.

use crate::diagnosis::{Detail, Finding, Obs, State};
use crate::flow::ClientBy;
use crate::lifecycle::Handshake;

pub(super) fn observe(_: &mut State, o: &Obs<'_>, out: &mut Vec<Finding>) {
    if o.new && o.rec.handshake != Some(Handshake::Syn) {
        let server_port_guess = (o.conv.client_by == ClientBy::Ports).then_some(o.conv.server_port);
        out.push(o.finding(o.side, Detail::MidConnectionStart { server_port_guess }));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_first_frame_without_syn_is_a_mid_connection_start() {
        let f = diagnose(&[
            (c("PA", 1000, 2000).payload(b"x"), 0),
            (s("A", 2000, 1001), 1),
        ]);
        let m = only(&f, Cause::MidConnectionStart);
        assert_eq!((m.frame, m.side), (1, Side::Client));
        assert_eq!(
            both(m).0,
            "Capture started mid-connection: the first frame of this connection (frame 1, from the client) is not a SYN, so the handshake and the initial sequence numbers were not captured; relative numbers start from this frame. The client was guessed from the ports: port 80, the well-known or lower one, is taken to be the server's."
        );
        assert!(diagnose(&handshake()).is_empty());
    }
}
