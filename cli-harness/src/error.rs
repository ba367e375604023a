//! The command's errors: one clear line each, and a distinct exit code.

use std::fmt;

use tcplens_capture::CaptureError;
use tcplens_drive::{CoreLibError, DriveError};

/// Exit codes (documented in the README).
pub mod exit {
    pub const OK: i32 = 0;
    // 2 is clap's own code for an invalid command line.
    pub const UNREADABLE: i32 = 3;
    pub const NOT_A_CAPTURE: i32 = 4;
    pub const UNSUPPORTED_LINK: i32 = 5;
    pub const CORRUPT: i32 = 6;
    pub const LIVE: i32 = 7;
    pub const OUTPUT: i32 = 8;
    pub const TSHARK: i32 = 9;
    pub const DISAGREEMENT: i32 = 10;
    pub const CORE_LIB: i32 = 11;
    pub const NO_SUCH_STREAM: i32 = 12;
    pub const INTERNAL: i32 = 13;
}

#[derive(Debug)]
pub enum CliError {
    /// The capture could not be opened or read (see [`CaptureError`] for its cases).
    Capture(CaptureError),
    /// Writing the results failed (other than a closed pipe, which ends quietly).
    Output(std::io::Error),
    /// tshark could not be run or failed (`diff-tshark`).
    Tshark { reason: String },
    /// `--core-lib`: the library could not be loaded or failed.
    CoreLib(CoreLibError),
    /// `diagram`/`graph --stream N`: the capture has no such TCP stream.
    NoSuchStream { name: String, stream: u32 },
    /// `diagram`/`graph --from/--to`: the range keeps no packet of the stream.
    EmptyRange {
        stream: u32,
        /// Seconds from the stream's first packet to its last.
        span: f64,
        /// The stream's first and last frame.
        frames: (u32, u32),
    },
    /// `diff-tshark --min-agreement` was not met.
    Disagreement { rows: Vec<String>, min: f64 },
    /// A thread of tcplens's own failed (a bug: the message says what it was).
    Internal(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Capture(e) => match e {
                CaptureError::Unreadable { .. } => exit::UNREADABLE,
                CaptureError::NotACapture { .. } => exit::NOT_A_CAPTURE,
                CaptureError::UnsupportedLinkType { .. }
                | CaptureError::UnsupportedSnoop { .. } => exit::UNSUPPORTED_LINK,
                CaptureError::Corrupt { .. } => exit::CORRUPT,
                CaptureError::Live { .. } => exit::LIVE,
            },
            CliError::Output(_) => exit::OUTPUT,
            CliError::Tshark { .. } => exit::TSHARK,
            CliError::CoreLib(_) => exit::CORE_LIB,
            CliError::Disagreement { .. } => exit::DISAGREEMENT,
            CliError::NoSuchStream { .. } | CliError::EmptyRange { .. } => exit::NO_SUCH_STREAM,
            CliError::Internal(_) => exit::INTERNAL,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Capture(e) => e.fmt(f),
            CliError::Output(e) => write!(f, "cannot write the results: {e}"),
            CliError::Tshark { reason } => f.write_str(reason),
            CliError::CoreLib(e) => e.fmt(f),
            CliError::Internal(why) => f.write_str(why),
            CliError::NoSuchStream { name, stream } => write!(
                f,
                "{name} has no TCP stream {stream} (`tcplens conns {name}` lists the streams)"
            ),
            CliError::EmptyRange {
                stream,
                span,
                frames,
            } => write!(
                f,
                "--from/--to select no packet of TCP stream {stream}: its packets run from 0 s to {span:.6} s (since its first packet), frames {} to {}",
                frames.0, frames.1
            ),
            CliError::Disagreement { rows, min } => write!(
                f,
                "agreement with tshark below {:.3}% for: {}",
                min * 100.0,
                rows.join(", ")
            ),
        }
    }
}

impl From<CaptureError> for CliError {
    fn from(e: CaptureError) -> Self {
        CliError::Capture(e)
    }
}

impl From<CoreLibError> for CliError {
    fn from(e: CoreLibError) -> Self {
        CliError::CoreLib(e)
    }
}

impl From<DriveError> for CliError {
    fn from(e: DriveError) -> Self {
        match e {
            DriveError::Capture(e) => CliError::Capture(e),
            DriveError::CoreLib(e) => CliError::CoreLib(e),
            DriveError::Output(e) => CliError::Output(e),
            e @ DriveError::Worker(_) => CliError::Internal(e.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Output(e)
    }
}
