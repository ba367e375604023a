//! Plain-language explanations, generated from a [`FrameRecord`] on demand.
//!
//! Nothing here is stored: a host asks for the sentence when it shows the frame, and the
//! text is written into any `fmt::Write` (a reused `String`, a caller's buffer ...).

use core::fmt::{self, Write};

use crate::lifecycle::{Event, Handshake, Side, Teardown};
use crate::record::FrameRecord;

/// Writes one English sentence describing `rec`.
pub fn explain_en(rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    let who = rec.sender().name();
    let peer = rec.sender().other().name();
    let states = |out: &mut dyn Write| {
        write!(
            out,
            " (client {}, server {}).",
            rec.client_state, rec.server_state
        )
    };

    if rec.is_icmp_quote() {
        write!(
            out,
            "An ICMP error quotes the header of a segment the {who} sent (seq {}); ",
            rec.seq_raw
        )?;
        return out.write_str("the segment itself is not analysed.");
    }

    if let Some(e) = rec.malformed {
        write!(
            out,
            "Malformed TCP header from the {who} ({e}): it is filed under stream {} ",
            rec.stream
        )?;
        return out.write_str("but not analysed further, as Wireshark does.");
    }

    if rec.event == Event::Rst {
        let from = rec.rst_from.map_or("an unknown state", |s| s.name());
        write!(
            out,
            "The {who} resets the connection from {from}; both ends are now CLOSED."
        )?;
        return Ok(());
    }

    if let Some(h) = rec.handshake {
        match (h, rec.event) {
            (Handshake::Syn, Event::SynRepeat) => write!(out, "Handshake step 1 of 3 again: the {who} repeats its SYN (seq {})", rec.seq)?,
            (Handshake::Syn, Event::SimultaneousOpen) => write!(out, "Simultaneous open: the {who} sends its own SYN while the {peer}'s SYN is outstanding")?,
            (Handshake::Syn, _) => write!(out, "Handshake step 1 of 3: the {who} asks to connect with SYN, seq {}", rec.seq)?,
            (Handshake::SynAck, Event::SynAckRepeat) => write!(out, "Handshake step 2 of 3 again: the {who} repeats its SYN-ACK")?,
            (Handshake::SynAck, _) => write!(out, "Handshake step 2 of 3: the {who} answers SYN-ACK, ack {} = the {peer}'s ISN + 1", rec.ack)?,
            (Handshake::Ack, _) => write!(out, "Handshake step 3 of 3: the {who} acknowledges the {peer}'s SYN with ack {}; the connection is established", rec.ack)?,
        }
        return states(out);
    }

    if let Some(t) = rec.teardown {
        match (t, rec.event) {
            (_, Event::FinRepeat) => write!(out, "Teardown step {} again: the {who} repeats its FIN", t.label())?,
            (Teardown::Fin, _) => write!(out, "Teardown step 1 of 4: the {who} closes its direction with FIN (seq {})", rec.seq)?,
            (Teardown::AckOfFin, _) => write!(out, "Teardown step 2 of 4: the {who} acknowledges the {peer}'s FIN with ack {}, which counts the FIN as one byte", rec.ack)?,
            (Teardown::SecondFin, Event::SimultaneousClose) => write!(out, "Simultaneous close: the {who} sends its FIN before acknowledging the {peer}'s")?,
            (Teardown::SecondFin, _) => write!(out, "Teardown step 3 of 4: the {who} closes its direction too with FIN (seq {})", rec.seq)?,
            (Teardown::LastAck, _) => write!(out, "Teardown step 4 of 4: the {who} acknowledges the last FIN with ack {}", rec.ack)?,
            (Teardown::AckAndFin, _) => write!(out, "Teardown steps 2+3 in one segment: the {who} acknowledges the {peer}'s FIN (ack {}) and sends its own FIN", rec.ack)?,
        }
        if rec.event == Event::HalfCloseData {
            write!(out, ", carrying {} bytes of data", rec.len)?;
        }
        return states(out);
    }

    if rec.event == Event::HalfCloseData {
        write!(
            out,
            "Half-close: the {who} still sends {} bytes after the {peer}'s FIN",
            rec.len
        )?;
        return states(out);
    }

    if rec.len > 0 {
        write!(
            out,
            "The {who} sends {} bytes, seq {} to {}",
            rec.len, rec.seq, rec.next_seq
        )?;
    } else if rec.tcp_flags.ack() {
        write!(
            out,
            "The {who} acknowledges the {peer}'s bytes up to {}",
            rec.ack
        )?;
    } else {
        write!(
            out,
            "The {who} sends a segment with flags [{}]",
            rec.tcp_flags
        )?;
    }
    states(out)
}

/// The sender-side label of a frame's lifecycle step ("handshake 1/3", "teardown 2+3", ...),
/// empty when it has none.
pub fn step_label(rec: &FrameRecord, out: &mut impl Write) -> fmt::Result {
    if let Some(h) = rec.handshake {
        write!(out, "handshake {}/3", h as u8)?;
    } else if let Some(t) = rec.teardown {
        write!(out, "teardown {}/4", t.label())?;
    }
    if let Some(code) = rec.event.code() {
        if rec.handshake.is_some() || rec.teardown.is_some() {
            out.write_char(' ')?;
        }
        out.write_str(code)?;
        if rec.event == Event::Rst {
            let by = if rec.sender() == Side::Client {
                "client"
            } else {
                "server"
            };
            write!(out, " by {by}")?;
            if let Some(from) = rec.rst_from {
                write!(out, " from {from}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzer, Outcome};
    use crate::synth::SegBuilder;
    use crate::wire::LinkType;

    fn records(segs: &[SegBuilder]) -> Vec<FrameRecord> {
        let mut a = Analyzer::new();
        segs.iter()
            .map(|b| {
                let f = b.raw();
                match a.process(LinkType::Raw, &f, f.len() as u32, 0) {
                    Outcome::Tcp { record, .. } => record,
                    o => panic!("{o:?}"),
                }
            })
            .collect()
    }

    fn text(rec: &FrameRecord) -> String {
        let mut s = String::new();
        explain_en(rec, &mut s).unwrap();
        s
    }

    #[test]
    fn handshake_and_close_sentences_carry_the_numbers() {
        let c = |f: &str, seq, ack| {
            SegBuilder::v4("10.0.0.1:9", "10.0.0.2:80")
                .flags(f)
                .seq(seq)
                .ack(ack)
        };
        let s = |f: &str, seq, ack| {
            SegBuilder::v4("10.0.0.2:80", "10.0.0.1:9")
                .flags(f)
                .seq(seq)
                .ack(ack)
        };
        let r = records(&[
            c("S", 10, 0),
            s("SA", 90, 11),
            c("A", 11, 91),
            c("FA", 11, 91),
            s("FA", 91, 12),
            c("A", 12, 92),
            s("R", 92, 0),
        ]);
        assert_eq!(text(&r[0]), "Handshake step 1 of 3: the client asks to connect with SYN, seq 0 (client SYN_SENT, server LISTEN).");
        assert_eq!(text(&r[1]), "Handshake step 2 of 3: the server answers SYN-ACK, ack 1 = the client's ISN + 1 (client SYN_SENT, server SYN_RECEIVED).");
        assert!(text(&r[4]).starts_with(
            "Teardown steps 2+3 in one segment: the server acknowledges the client's FIN (ack 2)"
        ));
        assert!(text(&r[5]).ends_with("(client TIME_WAIT, server CLOSED)."));
        assert_eq!(
            text(&r[6]),
            "The server resets the connection from CLOSED; both ends are now CLOSED."
        );
        let mut l = String::new();
        step_label(&r[4], &mut l).unwrap();
        assert_eq!(l, "teardown 2+3/4");
    }
}
