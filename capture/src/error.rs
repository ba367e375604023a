//! What can go wrong opening or reading a capture, with one clear message each.

use std::fmt;

#[derive(Debug)]
pub enum CaptureError {
    /// The input is missing or cannot be read.
    Unreadable { name: String, reason: String },
    /// libpcap does not recognise the file.
    NotACapture { name: String, reason: String },
    /// The capture's link type is one the core does not decode.
    UnsupportedLinkType { name: String, dlt: i32 },
    /// A snoop file whose version or datalink type tcplens does not read.
    UnsupportedSnoop { name: String, what: String },
    /// The file breaks off or is damaged part-way; the frames before it were read.
    Corrupt {
        name: String,
        /// Frames read (and handed out) before the break.
        frames: u64,
        reason: String,
    },
    /// A live capture could not be started or failed.
    Live { iface: String, reason: String },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Unreadable { name, reason } => write!(f, "cannot read {name}: {reason}"),
            CaptureError::NotACapture { name, reason } => write!(
                f,
                "{name} is not a capture file tcplens can read ({reason}); expected pcap or pcapng"
            ),
            CaptureError::UnsupportedLinkType { name, dlt } => write!(
                f,
                "{name}: link type {dlt} is not supported; supported: Ethernet (1), BSD loopback (0, 108), PPP (9), raw IP (101, 228, 229), Cisco HDLC (104), Linux cooked SLL (113) and SLL2 (276), NFLOG (239)"
            ),
            CaptureError::UnsupportedSnoop { name, what } => write!(
                f,
                "{name}: snoop {what} is not supported; supported: snoop version 2 with datalink Ethernet (4), 802.3 (0) or FDDI (8)"
            ),
            CaptureError::Corrupt {
                name,
                frames: 0,
                reason,
            } => write!(
                f,
                "{name}: the capture is damaged before its first frame ({reason})"
            ),
            CaptureError::Corrupt {
                name,
                frames,
                reason,
            } => write!(
                f,
                "{name}: the capture breaks off after frame {frames} ({reason}); the {frames} frame(s) before it were analysed"
            ),
            CaptureError::Live { iface, reason } => write!(
                f,
                "live capture on {iface} failed: {reason} (list interfaces with `ip link`; capturing usually needs root or CAP_NET_RAW)"
            ),
        }
    }
}

impl std::error::Error for CaptureError {}
