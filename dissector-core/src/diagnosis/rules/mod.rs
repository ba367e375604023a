//! The diagnosis rules, one file each, run in the order of [`RULES`] on every frame the
//! diagnosis observes; the ones with a `finish` also run when a conversation ends.
//!
//! A rule reads the frame ([`Obs`]) and the conversation's [`State`], updates the state,
//! and appends the findings the frame completes. Some only keep books for the others
//! (`gaps`, `bytes`); their place in the table is part of what the others see.

use super::{Finding, Obs, State};

mod bytes;
mod capture_missed;
mod gaps;
mod handshake;
mod icmp_unreachable;
mod keep_alive;
mod mid_connection_start;
mod port_reuse;
mod reset;
mod retransmission;
mod zero_window;

/// One rule.
pub(super) struct Rule {
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) name: &'static str,
    pub(super) observe: fn(&mut State, &Obs<'_>, &mut Vec<Finding>),
    /// At the end of the conversation (evicted, or the capture is over).
    pub(super) finish: Option<fn(u32, &State, &mut Vec<Finding>)>,
    /// Also sees TCP headers quoted in ICMP errors ([`Obs::icmp`]); the other rules see
    /// only the conversation's own segments.
    pub(super) quotes: bool,
}

/// Every rule, in the order they see a frame (and a conversation's end).
pub(super) const RULES: [Rule; 11] = [
    Rule {
        name: "mid_connection_start",
        observe: mid_connection_start::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "port_reuse",
        observe: port_reuse::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "icmp_unreachable",
        observe: icmp_unreachable::observe,
        finish: Some(icmp_unreachable::finish),
        quotes: true,
    },
    Rule {
        name: "handshake",
        observe: handshake::observe,
        finish: Some(handshake::finish),
        quotes: false,
    },
    Rule {
        name: "zero_window",
        observe: zero_window::observe,
        finish: Some(zero_window::finish),
        quotes: false,
    },
    Rule {
        name: "keep_alive",
        observe: keep_alive::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "retransmission",
        observe: retransmission::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "capture_missed",
        observe: capture_missed::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "gaps",
        observe: gaps::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "reset",
        observe: reset::observe,
        finish: None,
        quotes: false,
    },
    Rule {
        name: "bytes",
        observe: bytes::observe,
        finish: None,
        quotes: false,
    },
];

/// A one-byte segment while the receiver's window is closed, or any segment from a sender
/// that has been probing and not yet sent new data: a zero-window probe, its repetition, or
/// the resend of probe bytes the closed window dropped.
fn probe(c: &State, o: &Obs<'_>) -> bool {
    let (me, peer) = (o.side.idx(), o.side.other().idx());
    (o.rec.len == 1 && c.dirs[peer].zero_window.is_some()) || c.dirs[me].probing
}

/// The later of the two sides' last data: when the connection went quiet.
fn last_data(c: &State) -> Option<(u32, i64)> {
    c.dirs
        .iter()
        .filter_map(|d| d.last_data)
        .max_by_key(|&(_, ts)| ts)
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn the_table_names_each_rule_once_and_ends_conversations_handshake_first() {
        let names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        let finishing: Vec<&str> = RULES
            .iter()
            .filter(|r| r.finish.is_some())
            .map(|r| r.name)
            .collect();
        assert_eq!(finishing, ["icmp_unreachable", "handshake", "zero_window"]);
    }
}

/// What the rules' tests share: a client and a server, a handshake, and a run of frames
/// through an analyzer with the diagnosis on.
#[cfg(test)]
pub(super) mod testing {
    use crate::analyzer::Analyzer;
    use crate::diagnosis::TimeOrigin;
    pub(crate) use crate::diagnosis::{Cause, Detail, Finding};
    pub(crate) use crate::explain::Lang;
    pub(crate) use crate::lifecycle::Side;
    pub(crate) use crate::synth::SegBuilder;
    use crate::wire::LinkType;

    pub(crate) const MS: i64 = 1_000_000;

    pub(crate) fn c(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.1:4000", "10.0.0.2:80")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }

    pub(crate) fn s(f: &str, seq: u32, ack: u32) -> SegBuilder {
        SegBuilder::v4("10.0.0.2:80", "10.0.0.1:4000")
            .flags(f)
            .seq(seq)
            .ack(ack)
    }

    /// Runs frames (with times in ms) through an analyzer with the diagnosis on, to the
    /// end of the capture.
    pub(crate) fn diagnose(frames: &[(SegBuilder, i64)]) -> Vec<Finding> {
        let mut a = Analyzer::new();
        a.diagnose(TimeOrigin::FirstFrame);
        let mut out = Vec::new();
        for (b, t) in frames {
            let raw = b.raw();
            a.process(LinkType::Raw, &raw, raw.len() as u32, t * MS);
        }
        a.finish_diagnosis(&mut out);
        out
    }

    pub(crate) fn handshake() -> Vec<(SegBuilder, i64)> {
        vec![
            (c("S", 0, 0).window(8192), 0),
            (s("SA", 0, 1).window(8192), 10),
            (c("A", 1, 1).window(8192), 20),
        ]
    }

    pub(crate) fn only(f: &[Finding], cause: Cause) -> &Finding {
        let v: Vec<&Finding> = f.iter().filter(|x| x.cause() == cause).collect();
        assert_eq!(v.len(), 1, "{cause:?} in {f:#?}");
        v[0]
    }

    pub(crate) fn both(f: &Finding) -> (String, String) {
        let (mut en, mut zh) = (String::new(), String::new());
        f.write_text(Lang::En, &mut en).unwrap();
        f.write_text(Lang::Zh, &mut zh).unwrap();
        (en, zh)
    }
}
