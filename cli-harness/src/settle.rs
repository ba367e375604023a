//! `analyze`'s rows held back so that later evidence can settle tcplens's own verdicts
//! (`tcplens_core::verdict::settle`): a row whose verdict may still be revised waits until
//! the capture has moved [`HOLD_NS`] past it or [`HOLD_FRAMES`] rows came after it,
//! whichever is first, and the rows after it wait behind it; the engine's revisions apply
//! to the rows still waiting. A live capture holds nothing (its rows show the provisional
//! verdicts as they happen); through the `--core-lib` engine, whose C ABI gives no
//! revisions, the rows wait and nothing revises them.

use std::collections::VecDeque;
use std::io;

use tcplens_core::explain::Lang;
use tcplens_core::schema::{Body, Frame, TcpFrame};
use tcplens_core::verdict::settle::{HOLD_FRAMES, HOLD_NS};
use tcplens_core::verdict::Revision;
use tcplens_drive::tell;

use crate::output::{FrameSink, FrameWriter, OwnedBody, OwnedFrame};

/// Whether a later revision may change the row of `f`: only a TCP frame's whose verdict may
/// be revised.
fn may_be_revised(f: &Frame<'_>) -> bool {
    matches!(f.body, Body::Tcp(t) if t.an.own.may_be_revised())
}

/// A row waiting: its place among all the rows handed in, its capture time, and either
/// its lines, already rendered (it cannot change), or the row itself (it may be revised,
/// or the sink is Parquet).
struct Waiting {
    index: u64,
    frame: u64,
    time_ns: i64,
    what: Kept,
}

enum Kept {
    /// Rendered: its lines end at this position of [`Rendered`]'s stream.
    Lines { end: u64 },
    /// The frame and its explanation. Boxed: few rows wait whole, and the rendered ones
    /// stay small.
    Row(Box<(OwnedFrame, String)>),
}

impl Waiting {
    /// Whether it must still wait for its due time: a row that may be revised.
    fn may_be_revised(&self) -> bool {
        match &self.what {
            Kept::Row(row) => {
                matches!(&row.0.body, OwnedBody::Tcp { an, .. } if an.own.may_be_revised())
            }
            Kept::Lines { .. } => false,
        }
    }
}

/// The lines of the rows waiting that were rendered, as one stream of bytes: the buffer's
/// first byte is the stream's byte `base`, and the buffer's bytes before `start` were
/// written out.
struct Rendered {
    writer: FrameWriter<Vec<u8>>,
    base: u64,
    start: usize,
}

impl Rendered {
    /// The stream's position after the last byte rendered.
    fn end(&mut self) -> u64 {
        self.base + self.writer.lines().len() as u64
    }

    /// Writes the stream up to position `end`.
    fn write_to(&mut self, w: &mut FrameSink<'_>, end: u64) -> io::Result<()> {
        let upto = (end - self.base) as usize;
        let start = self.start;
        self.start = upto;
        w.rendered(&self.writer.lines()[start..upto])
    }

    /// Drops the bytes written: all of them when nothing waits, else once they are most of
    /// the buffer (so each byte is moved at most once on average).
    fn compact(&mut self, nothing_waits: bool) {
        let lines = self.writer.lines();
        if nothing_waits && self.start == lines.len() {
            self.base += lines.len() as u64;
            lines.clear();
            self.start = 0;
        } else if self.start >= 1 << 16 && self.start * 2 >= lines.len() {
            lines.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
    }
}

/// The rows waiting, in frame order, and the revisions taken from the engine.
///
/// Only a row whose verdict may still be revised ([`tcplens_core::verdict::Own::may_be_revised`])
/// waits for its due time; the rows after it wait behind it, so that the output stays in
/// frame order, already rendered (they cannot change). Every other row is written as it
/// comes. A row is due when the capture has moved [`HOLD_NS`] past it or [`HOLD_FRAMES`]
/// rows came after it, so at most that many rows (and one) wait.
pub struct Held {
    rows: VecDeque<Waiting>,
    /// Where rows that cannot change wait, rendered (none for Parquet).
    rendered: Option<Rendered>,
    /// Whether rows wait at all.
    hold: bool,
    revisions: Vec<Revision>,
    /// The explanations' language, to tell a revised verdict again.
    lang: Lang,
    /// How many rows were handed in so far.
    pushed: u64,
}

impl Held {
    /// Rows held (when `hold`) for the sink `w`.
    pub fn new(hold: bool, lang: Lang, w: &FrameSink<'_>) -> Held {
        Held {
            rows: VecDeque::new(),
            rendered: w.renderer().map(|writer| Rendered {
                writer,
                base: 0,
                start: 0,
            }),
            hold,
            revisions: Vec::new(),
            lang,
            pushed: 0,
        }
    }

    /// The engine's revisions, in `revisions` (filled by the caller, emptied here), applied
    /// to the rows still waiting.
    pub fn revise(&mut self) -> &mut Vec<Revision> {
        &mut self.revisions
    }

    fn apply(&mut self) {
        for r in self.revisions.drain(..) {
            let frame = u64::from(r.frame);
            // Rows wait in frame order; rendered ones are not revised.
            let i = self.rows.partition_point(|w| w.frame < frame);
            let Some(Waiting {
                what: Kept::Row(row),
                ..
            }) = self.rows.get_mut(i)
            else {
                continue;
            };
            let (
                OwnedFrame {
                    number,
                    body: OwnedBody::Tcp { ends, rec, an },
                    ..
                },
                explain,
            ) = &mut **row
            else {
                continue;
            };
            if *number != frame {
                continue;
            }
            // The revision says what the resend was and why; what made the sender
            // resend stays.
            let trigger = an.own.trigger;
            an.own = r.own;
            an.own.trigger = an.own.trigger.or(trigger);
            // The explanation tells the own verdict: told again as revised (revisions come
            // from the built-in engine only).
            let body = Body::Tcp(TcpFrame { ends, rec, an });
            tell(&body, self.lang, explain);
        }
    }

    /// The row of `f` (with its explanation), written now or once due.
    pub fn push(&mut self, w: &mut FrameSink<'_>, f: &Frame<'_>) -> io::Result<()> {
        self.apply();
        let index = self.pushed;
        self.pushed += 1;
        let time_ns = f.time_ns;
        let revisable = may_be_revised(f);
        if !self.hold || self.rows.is_empty() && !revisable {
            // Nothing waits before it and nothing can change it.
            w.frame(f)?;
        } else {
            let what = match self.rendered.as_mut() {
                Some(r) if !revisable => {
                    r.writer.frame(f)?;
                    Kept::Lines { end: r.end() }
                }
                _ => Kept::Row(Box::new((
                    OwnedFrame::of(f),
                    f.explain.unwrap_or("").to_string(),
                ))),
            };
            self.rows.push_back(Waiting {
                index,
                frame: f.number,
                time_ns,
                what,
            });
        }
        while let Some(first) = self.rows.front() {
            let due = !first.may_be_revised()
                || self.pushed - first.index > HOLD_FRAMES as u64
                || time_ns.saturating_sub(first.time_ns) >= HOLD_NS;
            if !due {
                break;
            }
            self.write_first(w)?;
        }
        Ok(())
    }

    /// Writes the first row waiting.
    fn write_first(&mut self, w: &mut FrameSink<'_>) -> io::Result<()> {
        let Some(first) = self.rows.pop_front() else {
            return Ok(());
        };
        match (&first.what, self.rendered.as_mut()) {
            (Kept::Row(row), _) => w.frame(&row.0.frame(Some(&row.1)))?,
            (Kept::Lines { end }, Some(r)) => r.write_to(w, *end)?,
            // Rendered lines exist only with a renderer.
            (Kept::Lines { .. }, None) => {}
        }
        if let Some(r) = self.rendered.as_mut() {
            r.compact(self.rows.is_empty());
        }
        Ok(())
    }

    /// The end: the last revisions, then every row still waiting.
    pub fn finish(&mut self, w: &mut FrameSink<'_>) -> io::Result<()> {
        self.apply();
        while !self.rows.is_empty() {
            self.write_first(w)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;
    use std::net::{IpAddr, Ipv4Addr};
    use tcplens_core::analysis::FrameAnalysis;
    use tcplens_core::flow::Endpoint;
    use tcplens_core::verdict::{Evidence, Own, OwnVerdict};

    fn own(verdict: OwnVerdict) -> Own {
        Own {
            verdict: Some(verdict),
            evidence: Evidence::default(),
            trigger: None,
            basis: None,
        }
    }

    /// The frames written so far, and their verdicts.
    fn written(w: &mut FrameSink<'_>, path: &std::path::Path) -> Vec<(u64, String)> {
        w.flush().unwrap();
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["frame"].as_u64().unwrap(), v["verdict"].to_string())
            })
            .collect()
    }

    #[test]
    fn only_a_row_that_may_be_revised_waits_and_the_rows_behind_it() {
        let path = std::env::temp_dir().join(format!("tcplens-held-{}.jsonl", std::process::id()));
        let mut w = FrameSink::open(Format::Jsonl, Some(&path)).unwrap();
        let mut held = Held::new(true, Lang::En, &w);
        let at = Endpoint {
            addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 80,
        };
        let ends = (at, at);
        let rec = tcplens_core::ffi::record_of(&Default::default());
        let plain = FrameAnalysis::default();
        let resend = FrameAnalysis {
            own: own(OwnVerdict::Retransmission),
            ..FrameAnalysis::default()
        };
        let push = |held: &mut Held, w: &mut FrameSink<'_>, n: u64, an: &FrameAnalysis| {
            let f = Frame {
                number: n,
                time_ns: n as i64,
                body: Body::Tcp(TcpFrame {
                    ends: &ends,
                    rec: &rec,
                    an,
                }),
                explain: Some("x"),
            };
            held.push(w, &f).unwrap();
        };

        // Nothing waits: written at once.
        push(&mut held, &mut w, 1, &plain);
        assert_eq!(written(&mut w, &path).len(), 1);
        // A needed resend waits, and the rows after it wait behind it.
        push(&mut held, &mut w, 2, &resend);
        push(&mut held, &mut w, 3, &plain);
        assert_eq!(written(&mut w, &path).len(), 1);
        // Revised to spurious, it can change no more: out with the rows behind it.
        held.revise().push(Revision {
            frame: 2,
            own: own(OwnVerdict::SpuriousRetransmission),
        });
        push(&mut held, &mut w, 4, &plain);
        let rows = written(&mut w, &path);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(rows[1].1, "\"spurious_retransmission\"");

        // An unrevised resend waits until HOLD_FRAMES rows came after it.
        push(&mut held, &mut w, 5, &resend);
        let last = 5 + HOLD_FRAMES as u64;
        for n in 6..last {
            push(&mut held, &mut w, n, &plain);
        }
        assert_eq!(written(&mut w, &path).len(), 4);
        push(&mut held, &mut w, last, &plain);
        let rows = written(&mut w, &path);
        assert_eq!(rows.len(), last as usize);
        assert_eq!(rows[4], (5, "\"retransmission\"".to_string()));
        assert!(rows.windows(2).all(|p| p[0].0 < p[1].0), "frame order");
        held.finish(&mut w).unwrap();
        let _ = std::fs::remove_file(&path);
    }
}
