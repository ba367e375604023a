//! `analyze` on two threads (`--threads 2` or more): the loop's thread reads, decodes and
//! analyses each frame; a writer thread explains it (the built-in engine's explanation,
//! [`tcplens_drive::tell`], reads nothing but the row; the `--core-lib` engine's is written
//! on the loop's thread and sent along), renders the row, holds it back for the verdicts to
//! settle ([`crate::settle`]) and writes it.
//!
//! The writer is handed, in frame order, exactly what one thread hands its [`Held`]: the
//! engine's revisions where they were taken, then the row. So the output is the same bytes
//! whatever the thread count (a test runs every bundled capture both ways, in every format).
//! Rows travel in batches of [`BATCH`], at most [`IN_FLIGHT`] batches ahead of the writer,
//! and emptied batches come back to be filled again: memory stays bounded and nothing is
//! allocated per row once the batches have grown.

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc;

use tcplens_core::explain::Lang;
use tcplens_core::schema::Frame;
use tcplens_core::verdict::Revision;
use tcplens_drive::tell;

use crate::output::{Format, FrameSink, OwnedFrame};
use crate::settle::Held;

/// Rows per batch.
pub const BATCH: usize = 512;
/// Batches sent and not yet written, at most.
pub const IN_FLIGHT: usize = 8;

/// What the writer is handed, in frame order. Nearly every item is a row, kept inline:
/// boxing it would allocate per row.
#[allow(clippy::large_enum_variant)]
enum Item {
    /// A revision of an earlier row's own verdict.
    Revision(Revision),
    /// A row, with its explanation in the batch's `text`; none: the writer tells it.
    Row(OwnedFrame, Option<Range<usize>>),
}

#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    /// Every explanation of the batch, one after the other.
    text: String,
    /// The last batch: the writer writes what it still holds and ends. Without it (the
    /// loop failed), the rows still held are dropped, as with one thread.
    last: bool,
}

/// The loop's end of the pipe.
pub struct Pipe {
    batch: Batch,
    /// Revisions taken from the engine, sent before the next row (where one thread
    /// applies them).
    revisions: Vec<Revision>,
    full: mpsc::SyncSender<Batch>,
    empty: mpsc::Receiver<Batch>,
}

impl Pipe {
    fn send(&mut self) -> io::Result<()> {
        let next = self.empty.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        // The writer stops only on an error, which `run` reports.
        self.full.send(batch).map_err(|_| stopped())
    }

    fn take_revisions(&mut self) {
        let items = self.revisions.drain(..).map(Item::Revision);
        self.batch.items.extend(items);
    }
}

impl crate::Rows for Pipe {
    fn revisions(&mut self) -> &mut Vec<Revision> {
        &mut self.revisions
    }

    fn row(&mut self, f: &Frame<'_>) -> io::Result<()> {
        self.take_revisions();
        let explain = f.explain.map(|text| {
            let start = self.batch.text.len();
            self.batch.text.push_str(text);
            start..self.batch.text.len()
        });
        self.batch.items.push(Item::Row(OwnedFrame::of(f), explain));
        if self.batch.items.len() >= BATCH {
            self.send()?;
        }
        Ok(())
    }
}

fn stopped() -> io::Error {
    io::Error::other("the writer thread stopped")
}

/// Runs `analyse` with the rows' end of a pipe whose writer writes `format` to `output`
/// (else standard output) with explanations in `lang`. The writer's sink is opened before
/// `analyse` starts, so a sink that cannot be opened is reported first, as with one
/// thread; the writer's error, if any, is the one returned.
pub fn run<T>(
    format: Format,
    output: Option<&Path>,
    lang: Lang,
    analyse: impl FnOnce(&mut Pipe) -> Result<T, crate::error::CliError>,
) -> Result<T, crate::error::CliError> {
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    let (opened_tx, opened_rx) = mpsc::sync_channel::<io::Result<()>>(1);
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("tcplens-writer".into())
            .spawn_scoped(scope, move || -> io::Result<()> {
                let mut w = match FrameSink::open(format, output) {
                    Ok(w) => {
                        let _ = opened_tx.send(Ok(()));
                        w
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return Ok(());
                    }
                };
                let mut held = Held::new(true, lang, &w);
                let mut told = String::with_capacity(256);
                let mut ended = false;
                for mut batch in full_rx {
                    ended = batch.last;
                    for item in &batch.items {
                        match item {
                            Item::Revision(r) => held.revise().push(*r),
                            Item::Row(f, Some(at)) => {
                                let text = batch.text.get(at.clone()).unwrap_or("");
                                held.push(&mut w, &f.frame(Some(text)))?;
                            }
                            Item::Row(f, None) => {
                                let mut frame = f.frame(None);
                                tell(&frame.body, lang, &mut told);
                                frame.explain = Some(&told);
                                held.push(&mut w, &frame)?;
                            }
                        }
                    }
                    batch.items.clear();
                    batch.text.clear();
                    let _ = empty_tx.send(batch);
                }
                if !ended {
                    return Ok(());
                }
                held.finish(&mut w)?;
                w.finish()
            });
        let writer = match writer {
            Ok(writer) => writer,
            Err(e) => return Err(e.into()),
        };
        let opened = opened_rx.recv().unwrap_or_else(|_| Err(stopped()));
        let result = match opened {
            Err(e) => Err(e.into()),
            Ok(()) => {
                let mut rows = Pipe {
                    batch: Batch::default(),
                    revisions: Vec::new(),
                    full: full_tx,
                    empty: empty_rx,
                };
                let result = analyse(&mut rows).and_then(|t| {
                    // The last revisions and rows, marked as the end.
                    rows.take_revisions();
                    rows.batch.last = true;
                    rows.send()?;
                    Ok(t)
                });
                drop(rows);
                result
            }
        };
        let written = writer.join().unwrap_or_else(|_| Err(stopped()));
        // The writer's own error explains a stopped pipe.
        match (result, written) {
            (_, Err(e)) => Err(e.into()),
            (r, Ok(())) => r,
        }
    })
}
