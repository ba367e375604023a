//! tcplens-drive runs the one frame loop every command uses: frames from a capture source, through an analysis engine, to the command's sink.
//!
//! The loop has one policy, whatever the command or the engine:
//! - frames are numbered from 1 as `u64`, as Wireshark numbers them, and handed to the
//!   engine in capture order;
//! - a frame's time is nanoseconds since the capture's first frame, by saturating
//!   arithmetic (hostile timestamps, such as a pcapng `if_tsoffset` near `i64::MAX`, cannot
//!   overflow);
//! - a capture that breaks off part-way is not a failure of the loop: every frame before
//!   the damage reaches the sink, and the damage comes back in [`End::broke`] for the
//!   command to report after its output; any other read error ends the loop at once;
//! - the capture clock is watched ([`Clock`]) and the conversation cap is the engine's
//!   (`Analyzer::with_max_conns`, [`CoreLib::load`]);
//! - a file of [`PROGRESS_MIN_BYTES`] or more gets a progress bar when standard error is a
//!   terminal, unless the command turns it off.
//!
//! [`Engine`] is the analysis: the built-in [`tcplens_core::Analyzer`], or [`CoreLib`], the
//! core's C ABI in a shared library (the crate's only `unsafe` code). [`run_sharded`] is
//! the same loop with the conversations sharded across threads (`conns --threads`).
#![deny(unsafe_code)]

mod clock;
#[allow(unsafe_code)]
mod corelib;
mod engine;
mod shard;

use std::fmt;
use std::io::{self, IsTerminal};
use std::ops::ControlFlow;

use indicatif::{ProgressBar, ProgressStyle};
use tcplens_capture::{CaptureError, Frame, Next, Source};

pub use clock::Clock;
pub use corelib::{CoreLib, CoreLibError};
pub use engine::{tell, Engine, Seen, TcpFrame};
pub use shard::{run_batched, run_sharded, Sharded, Sharding};

/// Files of this size or more get a progress bar (when standard error is a terminal).
pub const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// What a command asks of the loop.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Show a progress bar on large files (`--no-progress` turns it off).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { progress: true }
    }
}

/// How a run over a source ended.
#[derive(Debug, Default)]
pub struct End {
    /// Frames read and handed to the engine.
    pub frames: u64,
    /// Stopped by Ctrl-C (a live capture).
    pub interrupted: bool,
    /// The capture time of the first frame.
    pub first_ns: Option<i64>,
    /// The damage that cut the capture short; the frames before it went through.
    pub broke: Option<CaptureError>,
    pub clock: Clock,
}

/// What stops the loop before the end of the capture.
#[derive(Debug)]
pub enum DriveError {
    /// The capture could not be read (other than a break part-way, see [`End::broke`]).
    Capture(CaptureError),
    /// The `--core-lib` library failed.
    CoreLib(CoreLibError),
    /// The sink could not write its output.
    Output(io::Error),
    /// A worker thread of a sharded run failed (a panic, with its message).
    Worker(String),
}

impl fmt::Display for DriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriveError::Capture(e) => e.fmt(f),
            DriveError::CoreLib(e) => e.fmt(f),
            DriveError::Output(e) => write!(f, "cannot write the results: {e}"),
            DriveError::Worker(why) => write!(
                f,
                "an analysis thread failed ({why}); --threads 1 analyses on one thread"
            ),
        }
    }
}

impl std::error::Error for DriveError {}

impl From<io::Error> for DriveError {
    fn from(e: io::Error) -> Self {
        DriveError::Output(e)
    }
}

fn progress_bar(src: &Source, opts: Options) -> Option<ProgressBar> {
    let size = src.size?;
    if !opts.progress || size < PROGRESS_MIN_BYTES || !io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(size);
    pb.set_style(
        ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {wide_bar} {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(pb)
}

/// Feeds every frame of `src` to `engine` and hands each to `sink` with its number and its
/// time since the first frame; the sink may ask the engine for the frame's explanation.
pub fn run<E, F>(
    src: &mut Source,
    engine: &mut E,
    opts: Options,
    mut sink: F,
) -> Result<End, DriveError>
where
    E: Engine + ?Sized,
    F: FnMut(&mut E, u64, i64, &Seen<'_>) -> io::Result<()>,
{
    let mut start = None;
    frames(src, opts, |number, frame| {
        let start = *start.get_or_insert(frame.ts_ns);
        let seen = engine.feed(number, frame)?;
        sink(engine, number, frame.ts_ns.saturating_sub(start), &seen)?;
        Ok(ControlFlow::Continue(()))
    })
}

/// The loop's policy (numbers, clock, damage, progress) around `each`, which is handed
/// every frame of `src` with its number, until it breaks.
fn frames<F>(src: &mut Source, opts: Options, mut each: F) -> Result<End, DriveError>
where
    F: FnMut(u64, &Frame<'_>) -> Result<ControlFlow<()>, DriveError>,
{
    let progress = progress_bar(src, opts);
    let mut end = End::default();
    let mut read_bytes: u64 = 0;
    loop {
        let frame = match src.next_frame() {
            Ok(Next::Frame(f)) => f,
            Ok(Next::End) => break,
            Ok(Next::Interrupted) => {
                end.interrupted = true;
                break;
            }
            Err(e @ CaptureError::Corrupt { .. }) => {
                end.broke = Some(e);
                break;
            }
            Err(e) => return Err(DriveError::Capture(e)),
        };
        end.frames += 1;
        let number = end.frames;
        end.first_ns.get_or_insert(frame.ts_ns);
        end.clock.observe(number, frame.ts_ns);
        if each(number, &frame)?.is_break() {
            break;
        }
        if let Some(pb) = &progress {
            read_bytes = read_bytes.saturating_add(frame.data.len() as u64 + 16);
            if number.is_multiple_of(4096) {
                pb.set_position(read_bytes);
            }
        }
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    Ok(end)
}
