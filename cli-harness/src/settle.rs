//! `analyze`'s rows held back so that later evidence can settle tcplens's own verdicts
//! (`tcplens_core::verdict::settle`): a row waits until the capture has moved
//! [`HOLD_NS`] past it or [`HOLD_FRAMES`] rows came after it, whichever is first; the
//! engine's revisions apply to the rows still waiting. A live capture holds nothing (its
//! rows show the provisional verdicts as they happen), nor does the `--core-lib` engine,
//! whose C ABI gives no revisions.

use std::collections::VecDeque;
use std::io;

use tcplens_core::analysis::FrameAnalysis;
use tcplens_core::explain::Lang;
use tcplens_core::verdict::settle::{HOLD_FRAMES, HOLD_NS};
use tcplens_core::verdict::Revision;
use tcplens_core::{DecodeError, FrameRecord, TcpQuote};

use crate::output::{Endpoints, FrameSink};

/// One row waiting to be written.
enum Row {
    Tcp {
        frame: u64,
        time_ns: i64,
        ends: Endpoints,
        rec: FrameRecord,
        an: FrameAnalysis,
        explain: String,
    },
    Quote {
        frame: u64,
        time_ns: i64,
        q: TcpQuote,
        explain: String,
    },
    Undecodable {
        frame: u64,
        time_ns: i64,
        err: DecodeError,
        explain: String,
    },
}

impl Row {
    fn frame(&self) -> u64 {
        match self {
            Row::Tcp { frame, .. } | Row::Quote { frame, .. } | Row::Undecodable { frame, .. } => {
                *frame
            }
        }
    }

    fn time_ns(&self) -> i64 {
        match self {
            Row::Tcp { time_ns, .. }
            | Row::Quote { time_ns, .. }
            | Row::Undecodable { time_ns, .. } => *time_ns,
        }
    }

    fn write(&self, w: &mut FrameSink<'_>) -> io::Result<()> {
        match self {
            Row::Tcp {
                frame,
                time_ns,
                ends,
                rec,
                an,
                explain,
            } => w.tcp(*frame, *time_ns, ends, rec, an, explain),
            Row::Quote {
                frame,
                time_ns,
                q,
                explain,
            } => w.quote(*frame, *time_ns, q, explain),
            Row::Undecodable {
                frame,
                time_ns,
                err,
                explain,
            } => w.undecodable(*frame, *time_ns, *err, explain),
        }
    }
}

/// The rows waiting, in frame order, and the revisions taken from the engine.
pub struct Held {
    rows: VecDeque<Row>,
    /// Whether rows wait at all.
    hold: bool,
    revisions: Vec<Revision>,
    /// The explanations' language, to tell a revised verdict again.
    lang: Lang,
}

impl Held {
    pub fn new(hold: bool, lang: Lang) -> Held {
        Held {
            rows: VecDeque::new(),
            hold,
            revisions: Vec::new(),
            lang,
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
            let i = self.rows.partition_point(|row| row.frame() < frame);
            if let Some(Row::Tcp { frame: f, an, .. }) = self.rows.get_mut(i) {
                if *f == frame {
                    // The revision says what the resend was and why; what made the sender
                    // resend stays.
                    let trigger = an.own.trigger;
                    an.own = r.own;
                    an.own.trigger = an.own.trigger.or(trigger);
                }
                // The explanation tells the own verdict: told again as revised.
                if let Some(Row::Tcp {
                    rec, an, explain, ..
                }) = self.rows.get_mut(i).filter(|row| row.frame() == frame)
                {
                    explain.clear();
                    let _ = tcplens_core::explain::explain(self.lang, rec, an, explain);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn tcp(
        &mut self,
        w: &mut FrameSink<'_>,
        frame: u64,
        time_ns: i64,
        ends: &Endpoints,
        rec: &FrameRecord,
        an: &FrameAnalysis,
        explain: &str,
    ) -> io::Result<()> {
        self.push(
            w,
            Row::Tcp {
                frame,
                time_ns,
                ends: *ends,
                rec: *rec,
                an: *an,
                explain: explain.to_string(),
            },
        )
    }

    pub fn quote(
        &mut self,
        w: &mut FrameSink<'_>,
        frame: u64,
        time_ns: i64,
        q: &TcpQuote,
        explain: &str,
    ) -> io::Result<()> {
        self.push(
            w,
            Row::Quote {
                frame,
                time_ns,
                q: *q,
                explain: explain.to_string(),
            },
        )
    }

    pub fn undecodable(
        &mut self,
        w: &mut FrameSink<'_>,
        frame: u64,
        time_ns: i64,
        err: DecodeError,
        explain: &str,
    ) -> io::Result<()> {
        self.push(
            w,
            Row::Undecodable {
                frame,
                time_ns,
                err,
                explain: explain.to_string(),
            },
        )
    }

    fn push(&mut self, w: &mut FrameSink<'_>, row: Row) -> io::Result<()> {
        self.apply();
        if !self.hold {
            return row.write(w);
        }
        let now = row.time_ns();
        self.rows.push_back(row);
        while let Some(first) = self.rows.front() {
            let due =
                self.rows.len() > HOLD_FRAMES || now.saturating_sub(first.time_ns()) >= HOLD_NS;
            if !due {
                break;
            }
            first.write(w)?;
            self.rows.pop_front();
        }
        Ok(())
    }

    /// The end: the last revisions, then every row still waiting.
    pub fn finish(&mut self, w: &mut FrameSink<'_>) -> io::Result<()> {
        self.apply();
        for row in self.rows.drain(..) {
            row.write(w)?;
        }
        Ok(())
    }
}
